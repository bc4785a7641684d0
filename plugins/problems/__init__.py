"""Located problems: the one value every check in the project reports.

A problem is data until the edge of the program (yamllint's model): checks return
lists of `Problem`, and one place formats them and picks the exit status.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# Characters a terminal, a report or a reader would not see as written: C0/C1 controls (a
# newline could forge a report line, ESC a terminal sequence), zero-width characters and
# bidirectional controls (which reorder what is shown).
_INVISIBLE = {**{c: None for c in range(0x20)}, 0x7F: None, **{c: None for c in range(0x80, 0xA0)},
              **{c: None for c in (0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028,
                                   0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2066, 0x2067,
                                   0x2068, 0x2069, 0xFEFF)}}
_NAMES = {0x200B: "zero-width space", 0x200C: "zero-width non-joiner", 0x200D: "zero-width joiner",
          0xFEFF: "zero-width no-break space", 0x00AD: "soft hyphen", 0x2060: "word joiner"}


def visible(text: str) -> str:
    """`text` with every invisible or control character written as an escape (`\\u200b`),
    so what is shown is what is there, on one line."""
    if text.isprintable() and not any(ord(ch) in _INVISIBLE for ch in text):
        return text
    return "".join(f"\\u{ord(ch):04x}" if ord(ch) in _INVISIBLE or not ch.isprintable() else ch for ch in text)


def invisible_names(text: str) -> str:
    """What the invisible characters in `text` are, for a message: "zero-width space (\\u200b)"."""

    def name(c: int) -> str:
        if c in _NAMES:
            return _NAMES[c]
        return "bidirectional control" if 0x202A <= c <= 0x202E or 0x2066 <= c <= 0x2069 else "control character"

    return ", ".join(f"{name(c)} (\\u{c:04x})" for c in sorted({ord(ch) for ch in text if ord(ch) in _INVISIBLE}))


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    level: str
    message: str
    rule: str

    def format(self) -> str:
        """`path:line:col: [level] message (rule)` - the yamllint layout editors' tools understand."""
        return f"{visible(self.path)}:{self.line}:{self.col}: [{self.level}] {visible(self.message)} ({self.rule})"

    def format_github(self) -> str:
        kind = "error" if self.level == ERROR else "warning"
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f"::{kind} file={visible(self.path)},line={self.line},col={self.col},"
            f"title={self.rule}::{message}"
        )


class ContentError(Exception):
    """Raised once, after every problem of a build has been collected."""

    exitcode = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(format_problems(self.problems))


def format_problems(problems: list[Problem]) -> str:
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "\n".join(p.format_github() for p in problems)
    return "\n".join(p.format() for p in problems)


def suggest(word: str, candidates) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def relative_source(path: str) -> str:
    """Paths in messages are relative to the working directory, as editors see them."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


# --- Pelican wiring -------------------------------------------------------------
# Every plugin appends to one list per build; the build fails once, just before the
# writer is created, so nothing is written when any document is broken and every
# problem is reported, not only the first.

_collected: list[Problem] = []
_carried: list[Problem] = []
_later: list = []  # at most one function giving problems found beside Pelican (`carried`)


def report(problem: Problem) -> None:
    _collected.append(problem)


def collected() -> list[Problem]:
    return list(_collected)


@contextlib.contextmanager
def carried(found: list[Problem], later=None):
    """Problems found before Pelican runs (tools/build.py: what the lint checks first) count
    as the plugins' do: a build that has errors among them fails at `get_writer`, with
    the plugins' problems listed too, before anything is written. `later()` gives the
    problems of checks that ran while Pelican read (the rest of the lint, in another
    process): asked for at `get_writer`, they count the same."""
    _carried[:] = found
    _later[:] = [later] if later is not None else []
    try:
        yield
    finally:
        _carried.clear()
        _later.clear()


def settle() -> list[Problem]:
    """The problems `carried(later=...)` had still to ask for (Pelican stopped before
    `get_writer`, or the settings leave this plugin out), now counted as collected."""
    found = []
    while _later:
        found.extend(_later.pop()())
    _collected.extend(found)
    return found


def restore(found: list[Problem]) -> None:
    """Make `found` the collected problems (tools/build.py: what a Pelican run in a
    child process collected)."""
    _collected[:] = found


def _reset(_pelican) -> None:
    _collected[:] = _carried


# --- Problems found while reading --------------------------------------------------
# A Markdown extension sees one document inside Pelican's reader, and the content
# cache keeps the reader's result. So a problem found there is written into the
# document's metadata (META_KEY: one `line:col:level:rule:message` string each) and
# reported from it in `all_generators_finalized`, for a cached document as for a new one.

META_KEY = "build_problems"


def encode(line: int, col: int, level: str, rule: str, message: str) -> str:
    return f"{line}:{col}:{level}:{rule}:{message}"


def decode(value) -> list[tuple[int, int, str, str, str]]:
    """The (line, col, level, rule, message) encoded in a metadata value (str or list)."""
    out = []
    for item in [value] if isinstance(value, str) else list(value or []):
        line, col, level, rule, message = str(item).split(":", 4)
        out.append((int(line), int(col), level, rule, message))
    return out


def _report_read_problems(generators) -> None:
    from briefs import all_documents

    for doc in all_documents(generators):
        found = doc.metadata.get(META_KEY)
        if not found:
            continue
        root = os.path.dirname(doc.settings["PATH"])
        path = os.path.relpath(doc.source_path, root).replace(os.sep, "/")
        for line, col, level, rule, message in decode(found):
            report(Problem(path, line, col, level, message, rule))


def _fail_if_errors(_pelican):
    # Warnings are printed by the build tool once the build is done, beside the errors' format.
    settle()
    errors = [p for p in set(_collected) if p.level == ERROR]
    if errors:
        raise ContentError(errors)


def register():
    """Uses `initialized` to start each build with an empty list,
    `all_generators_finalized` to report problems the reader stage left in documents'
    metadata, and `get_writer` (sent after `all_generators_finalized`, before any page
    is written) to fail."""
    from pelican import signals

    signals.initialized.connect(_reset)
    signals.all_generators_finalized.connect(_report_read_problems)
    signals.get_writer.connect(_fail_if_errors)
