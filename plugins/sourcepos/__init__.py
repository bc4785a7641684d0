"""Source positions for our two Markdown syntaxes.

Python-Markdown does not track line numbers, but an editor needs `file:line:col` in
every error. Before any other preprocessor changes the line structure, this one tags
each `[[` and `[@` opening with an invisible marker carrying its 1-based line and
column in the source file; the inline patterns read the marker and emit `data-src`.
A postprocessor removes markers that no pattern consumed (malformed syntax), so they
never reach a page.

Fenced code blocks and inline code spans are left untouched: syntax there is literal.
"""

from __future__ import annotations

import html
import re

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

OPEN, CLOSE = "\ue000", "\ue001"  # private-use code points: never in real text
MARK = f"(?:{OPEN}(?P<line>\\d+):(?P<col>\\d+){CLOSE})?"
_MARK_RE = re.compile(f"{OPEN}\\d+:\\d+{CLOSE}")
_OPENING_RE = re.compile(r"\[\[|\[(?=@)")
# A fenced code block opens or closes (CommonMark: up to 3 spaces, then 3+ ` or ~).
# Shared with the timeline plugin and the lint, which also skip code blocks.
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+).+?\1")
_META_RE = re.compile(r"^[A-Za-z0-9_-]+:")


def position(match) -> str | None:
    """'12:5' from a pattern match that included MARK, or None when unmarked."""
    line = match.group("line")
    return f"{line}:{match.group('col')}" if line else None


def _mark_line(text: str, lineno: int) -> str:
    out, last = [], 0
    spans = [m.span() for m in _CODE_SPAN_RE.finditer(text)]
    # Both syntaxes close on the same line: an opening with no closing after it is
    # never consumed, and marking it would only lengthen what Markdown rescans.
    close_xref, close_cite = text.rfind("]]"), text.rfind("]")
    for m in _OPENING_RE.finditer(text):
        start = m.start()
        if start >= (close_xref if m.group() == "[[" else close_cite):
            continue
        if any(a <= start < b for a, b in spans):
            continue
        out.append(text[last : m.end()])
        out.append(f"{OPEN}{lineno}:{start + 1}{CLOSE}")
        last = m.end()
    out.append(text[last:])
    return "".join(out)


class MarkPositions(Preprocessor):
    def run(self, lines):
        fence = None
        marked = []
        # Front matter (Pelican's `Key: value` lines up to the first blank line) is
        # metadata, not body: leave it as written.
        in_meta = bool(lines) and bool(_META_RE.match(lines[0]))
        for index, text in enumerate(lines):
            if in_meta:
                in_meta = bool(text.strip())
                marked.append(text)
                continue
            opened = FENCE_RE.match(text)
            if fence:
                if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                    fence = None
                marked.append(text)
            elif opened:
                fence = opened.group(1)
                marked.append(text)
            elif "[" in text:
                marked.append(_mark_line(text, index + 1))
            else:
                marked.append(text)
        return marked


class StripMarks(Postprocessor):
    def run(self, text):
        return _MARK_RE.sub("", text) if OPEN in text else text


class SourcePositionExtension(Extension):
    def extendMarkdown(self, md):
        if "sourcepos" in md.preprocessors:
            return  # both syntaxes ask for it; register once
        # 28: after normalize_whitespace (30), which would strip other control
        # characters, and before meta (27), so line numbers count the front matter too.
        md.preprocessors.register(MarkPositions(md), "sourcepos", 28)
        # 5: last, after raw HTML is put back.
        md.postprocessors.register(StripMarks(md), "sourcepos_strip", 5)


# --- Reading placeholders back, once every document is known ---------------------
_ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')


def attributes(raw: str) -> dict:
    """The attributes of a placeholder tag, unescaped: 'a="1" b="x&amp;y"' -> {a: 1, b: x&y}."""
    return {k: html.unescape(v) for k, v in _ATTR_RE.findall(raw)}


def source_position(attrs: dict) -> tuple[int, int]:
    """(line, col) from a placeholder's data-src; (1, 1) when it has none."""
    line, _, col = attrs.get("data-src", "1:1").partition(":")
    # Raw HTML written to look like a placeholder may carry anything here.
    return (int(line), int(col or 1)) if line.isdigit() and (col.isdigit() or not col) else (1, 1)
