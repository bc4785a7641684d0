"""Rules that compare briefs with each other (and a brief's parts with each other), so that
the site says each thing once:

- `timeline-duplicate` (warning): two timeline events with the same date and nearly the same
  words (names included: "Putin receives Witkoff in the Kremlin" and "Witkoff meets Putin in
  the Kremlin" are one event), in different briefs, without a shared event id. Give both the same id
  (`- 2025-04-30: … {#minerals-agreement-signed}`) and the site timeline shows them as one
  row; or tell the event in one brief and link it from the other.
- `timeline-id` (error): items sharing an event id but not a date: one of them is wrong.
- `repetition` (warning): the "In short" section restates the Summary; or the same quote
  appears in more than MAX_QUOTE_BRIEFS briefs (quote it where it belongs, link it elsewhere).
- `appears-in` (warning): a who's-who entry (`### Name {#id}` on a page, with a line
  "Appears in [[brief]], ...") leaves out a brief that names the person (by surname), or
  lists one that does not. Written by hand, such lists go stale as briefs change.

They read the Markdown of every brief on each run (never cached per file: a change in one
brief can raise a warning in another), with plain text scans, no Markdown conversion.
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass

from problems import ERROR, WARNING, Problem
from quotes import wording
from quotes.fingerprint import tokens, words

from .documents import read_bytes

HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{[^}]*\})?\s*#*\s*$")
EVENT_RE = re.compile(r"^\s{0,3}[-*+]\s+(\d{4}-\d{2}-\d{2}):\s*(.*)$")
EVENT_ID_RE = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
MARKUP_RE = re.compile(r"\[@[^\]]*\]|\{[^}]*\}|\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
QUOTE_RE = re.compile(r"[“\"]([^\"“”\n]{3,}?)[”\"]")
FIELD_RE = re.compile(r"^summary:\s*(.*)$", re.I)
SENTENCE_RE = re.compile(r"[^.!?]+[.!?]*")

# Share of words (names included) two event texts have in common (Jaccard) to be "the same".
# On the site's own timeline (December 2026) the same-day pairs that told one event scored
# 0.42-1.0 and the pairs that told two different things 0.29 at most.
SIMILAR = 0.4
MIN_EVENT_WORDS = 3
RESTATES = 0.45  # share of the Summary's content words an "In short" sentence repeats
MIN_SUMMARY_WORDS = 5
MAX_QUOTE_BRIEFS = 2
MIN_QUOTE_WORDS = 3  # a run of this many quoted words counts as the same quote


@dataclass(frozen=True)
class Event:
    path: str
    line: int
    date: str
    event_id: str | None
    stems: frozenset


def _plain(text: str) -> str:
    return MARKUP_RE.sub(lambda m: m.group(1) or " ", text)


@functools.lru_cache(maxsize=65536)
def _stems(text: str) -> frozenset:
    """A text's content words, stemmed (names left out, as in the near-copy check)."""
    return frozenset(w.stem for w in wording.content_words(_plain(text)))


@functools.lru_cache(maxsize=65536)  # a build process sees the same timeline items every build
def _event_stems(text: str) -> frozenset:
    """An event's words, stemmed, without function words, numbers and months. Unlike the
    near-copy check, names count: a timeline item is mostly who met whom where, and two
    briefs telling one meeting share its names while their verbs differ."""
    return frozenset(wording.stem(word) for word, _, _ in tokens(_plain(text))
                     if word not in wording.STOP and word not in wording.MONTHS
                     and not any(ch.isdigit() for ch in word))


def _sections(lines: list[str]):
    """(heading text lower-case, index of the heading line) for each ## heading."""
    for i, line in enumerate(lines):
        m = HEADING_RE.match(line)
        if m and len(m.group(1)) == 2:
            yield m.group(2).strip().lower(), i


def _section_lines(lines: list[str], title: str) -> list[tuple[int, str]]:
    """(1-based line number, text) of the lines under the `## title` heading."""
    marks = list(_sections(lines))
    for n, (name, i) in enumerate(marks):
        if name == title:
            end = marks[n + 1][1] if n + 1 < len(marks) else len(lines)
            return [(j + 1, lines[j]) for j in range(i + 1, end)]
    return []


def _read(doc) -> list[str] | None:
    try:
        return read_bytes(doc).decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None  # reported by the per-file rules


def check(docs: list) -> list[Problem]:
    problems: list[Problem] = []
    events: list[Event] = []
    # each run of MIN_QUOTE_WORDS quoted words -> the first place each brief quotes it
    quotes: dict[tuple, dict[str, tuple[int, int]]] = {}
    bodies: dict[str, str] = {}  # each brief's slug -> its text after the front matter
    pages = []
    for doc in docs:
        lines = _read(doc)
        if lines is None:
            continue
        if doc.kind != "brief":
            pages.append((doc, lines))
            continue
        bodies[_slug(doc, lines)] = "\n".join(lines[_body_start(lines):])
        for number, line in _section_lines(lines, "timeline"):
            m = EVENT_RE.match(line)
            if m:
                found = EVENT_ID_RE.search(m.group(2))
                events.append(Event(doc.source_file, number, m.group(1), found.group(1) if found else None,
                                    _event_stems(m.group(2))))
        in_front = True
        for number, line in enumerate(lines, 1):
            if in_front:
                in_front = bool(line.strip())
                continue
            for m in QUOTE_RE.finditer(line):
                said = tokens(m.group(1))
                for i in range(len(said) - MIN_QUOTE_WORDS + 1):
                    run = said[i:i + MIN_QUOTE_WORDS]
                    if not _telling(m.group(1), run):
                        continue
                    places = quotes.setdefault(tuple(w for w, _, _ in run), {})
                    places.setdefault(doc.source_file, (number, m.start() + 1))
    problems += _timeline(events)
    for doc, lines in pages:
        problems += _appears_in(doc.source_file, lines, bodies)
    repeated: dict[tuple, tuple[int, str, int]] = {}  # place -> (other briefs, first path, its line)
    for places in quotes.values():
        if len(places) > MAX_QUOTE_BRIEFS:
            ordered = sorted(places.items())
            first_path, (first_line, _) = ordered[0]
            for path, (line, col) in ordered[MAX_QUOTE_BRIEFS:]:
                found = (len(places) - 1, first_path, first_line)
                repeated[(path, line, col)] = max(repeated.get((path, line, col), found), found)
    for (path, line, col), (others, first_path, first_line) in repeated.items():
        problems.append(Problem(path, line, col, WARNING,
                                f"this quote is also in {others} other briefs (first {first_path}:{first_line}): "
                                "quote it once, where it belongs, and link there", "repetition"))
    return problems


SLUG_RE = re.compile(r"^slug:\s*(\S+)\s*$", re.I)
PERSON_RE = re.compile(r"^###\s+(.+?)\s*\{#[\w-]+\}\s*$")
APPEARS_RE = re.compile(r"\bAppears in\b(.*)$")
LISTED_RE = re.compile(r"\[\[([\w-]+)(?:#[^\]|]*)?(?:\|[^\]]*)?\]\]")


def _body_start(lines: list[str]) -> int:
    return next((i + 1 for i, line in enumerate(lines) if not line.strip()), len(lines))


def _slug(doc, lines: list[str]) -> str:
    found = next((m.group(1) for m in map(SLUG_RE.match, lines[:_body_start(lines)]) if m), "")
    return found or os.path.splitext(os.path.basename(doc.source_file))[0]


def _appears_in(path: str, lines: list[str], bodies: dict[str, str]) -> list[Problem]:
    """Each who's-who entry's "Appears in" list against the briefs that name the person."""
    problems = []
    name = None
    for number, line in enumerate(lines, 1):
        m = PERSON_RE.match(line)
        if m:
            name = m.group(1)
            continue
        m = APPEARS_RE.search(line) if name else None
        if not m:
            continue
        surname = re.compile(rf"\b{re.escape(name.split()[-1])}\b")
        listed = {slug for slug in LISTED_RE.findall(m.group(1)) if slug in bodies}
        naming = {slug for slug, body in bodies.items() if surname.search(body)}
        col = m.start() + 1
        if naming - listed:
            problems.append(Problem(path, number, col, WARNING,
                                    f"{name} is named in {', '.join(sorted(naming - listed))} too: "
                                    "add it to Appears in", "appears-in"))
        if listed - naming:
            problems.append(Problem(path, number, col, WARNING,
                                    f"Appears in lists {', '.join(sorted(listed - naming))}, which "
                                    f"does not name {name}: take it out", "appears-in"))
        name = None
    return problems


def _telling(text: str, run) -> bool:
    """A run of quoted words that could only come from one quote: two of its words are neither
    function words nor names ("hawks of war" yes; "by the United States" no)."""
    return sum(1 for w, start, _ in run if w not in wording.STOP and not text[start].isupper()) >= 2


def _timeline(events: list[Event]) -> list[Problem]:
    problems = []
    by_id: dict[str, Event] = {}
    for event in events:
        if not event.event_id:
            continue
        first = by_id.setdefault(event.event_id, event)
        if first.date != event.date:
            problems.append(Problem(event.path, event.line, 1, ERROR,
                                    f"event id '{event.event_id}' is dated {event.date} here but {first.date} at "
                                    f"{first.path}:{first.line}: the same event has one date", "timeline-id"))
    by_date: dict[str, list[Event]] = {}
    for event in events:
        if len(event.stems) >= MIN_EVENT_WORDS:
            by_date.setdefault(event.date, []).append(event)
    for same_day in by_date.values():
        for a, b in _similar_pairs(same_day):
            if a.path == b.path or (a.event_id and a.event_id == b.event_id):
                continue
            problems.append(Problem(b.path, b.line, 1, WARNING,
                                    f"this event looks like the one at {a.path}:{a.line} (same date, "
                                    "nearly the same words): give both the same id, e.g. "
                                    "{#some-event}, so the site timeline shows it once, or tell it in "
                                    "one brief only", "timeline-duplicate"))
    return problems


def _similar_pairs(events: list[Event]):
    """(earlier, later) pairs of `events` whose stems overlap by SIMILAR or more (Jaccard).

    Not every pair is compared (a day of a large site holds hundreds of events): with the
    stems of each event in one order, rarest first, two sets that overlap that much share
    at least one of their first len - ceil(SIMILAR * len) + 1 stems (prefix filtering,
    Chaudhuri et al. 2006), so only events sharing one of those are compared."""
    frequency: dict[str, int] = {}
    for event in events:
        for stem in event.stems:
            frequency[stem] = frequency.get(stem, 0) + 1
    seen: dict[str, list[int]] = {}  # a stem -> the earlier events with it in their prefix
    for j, b in enumerate(events):
        ordered = sorted(b.stems, key=lambda stem: (frequency[stem], stem))
        prefix = ordered[: len(ordered) - math.ceil(SIMILAR * len(ordered)) + 1]
        candidates = sorted({i for stem in prefix for i in seen.get(stem, ())})
        for i in candidates:
            a = events[i]
            if len(a.stems & b.stems) / len(a.stems | b.stems) >= SIMILAR:
                yield a, b
        for stem in prefix:
            seen.setdefault(stem, []).append(j)


def restated_summary(path: str, lines: list[str]) -> list[Problem]:
    """A sentence of In short that restates the Summary (a per-file rule: rules.py runs it)."""
    summary = next((m.group(1) for m in map(FIELD_RE.match, lines[:30]) if m), "")
    wanted = _stems(summary)
    if len(wanted) < MIN_SUMMARY_WORDS:
        return []
    for number, line in _section_lines(lines, "in short"):
        for m in SENTENCE_RE.finditer(line):
            if len(wanted & _stems(m.group())) / len(wanted) >= RESTATES:
                start = m.start() + len(m.group()) - len(m.group().lstrip()) + 1
                return [Problem(path, number, start, WARNING,
                                "this sentence of In short restates the Summary: let In short add to it "
                                "(the Summary is shown right above it)", "repetition")]
    return []
