"""The blocks of a Markdown body, with their lines: paragraphs, list items,
headings, block quotes, tables and raw HTML blocks. Fenced and indented code is
skipped. Enough of Markdown for the lint's rules about paragraphs and quotes;
the syntax inside blocks is checked by the real Markdown conversion.

Each block keeps its lines as (line number, column offset, text) so that any
position in its flat text maps back to `line:col` of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sourcepos import FENCE_RE

ATX_RE = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
SETEXT_RE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
HR_RE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
ITEM_RE = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")
QUOTE_RE = re.compile(r"^\s{0,3}>\s?")
HTML_START_RE = re.compile(r"^\s{0,3}<(?:[A-Za-z][\w-]*|/[A-Za-z]|!--)")
SKIP_RE = re.compile(r"^\s{0,3}(?:\[[^\]]+\]:\s*\S|\{:?[^}]*\}\s*$|\[TOC\]\s*$)")
TABLE_RE = re.compile(r"^\s*\|")


@dataclass
class Block:
    kind: str  # paragraph | item | heading | quote | table | html
    lines: list = field(default_factory=list)  # (line number, column offset, text from that column)
    intro: bool = False  # before the document's first heading
    depth: int = 0  # list items: indentation of the marker
    meant_to_cite: bool = False  # has an unclosed `[@`: reported as that, not as uncited

    @property
    def line(self) -> int:
        return self.lines[0][0]

    @property
    def col(self) -> int:
        return self.lines[0][1] + 1

    def add(self, number: int, offset: int, text: str) -> None:
        self.lines.append((number, offset, text))

    @property
    def text(self) -> str:
        return "\n".join(text for _, _, text in self.lines)

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, col) in the file of character `index` of `self.text`."""
        for number, offset, text in self.lines:
            if index <= len(text):
                return number, offset + index + 1
            index -= len(text) + 1
        number, offset, text = self.lines[-1]
        return number, offset + len(text) + 1


def body_start(lines: list[str]) -> int:
    """Index of the first body line: after Pelican's `Key: value` header and its blank line."""
    meta = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:\s*")
    more = re.compile(r"^[ ]{4,}")
    if not lines or not meta.match(lines[0]):
        return 0
    for index, line in enumerate(lines):
        if not line.strip():
            return index + 1
        if not (meta.match(line) or (index and more.match(line))):
            return index  # the header ends at a line that is not `Key: value` (Markdown's meta)
    return len(lines)


def scan(lines: list[str], start: int) -> list[Block]:
    """The blocks of `lines[start:]` (`lines` without line ends)."""
    blocks: list[Block] = []
    current: Block | None = None
    fence = None
    blank_before = True
    in_list = False
    in_html = False
    seen_heading = False

    def flush():
        nonlocal current
        if current is not None and current.lines:
            blocks.append(current)
        current = None

    def new(kind, **kw):
        nonlocal current
        flush()
        current = Block(kind, intro=not seen_heading, **kw)
        return current

    for index in range(start, len(lines)):
        number, raw = index + 1, lines[index]
        if fence:
            m = FENCE_RE.match(raw)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if not raw.strip():
            if in_html and current.text.count("<!--") > current.text.count("-->"):
                continue  # an HTML comment runs on over blank lines
            flush()
            blank_before, in_html = True, False
            continue
        if in_html:
            current.add(number, 0, raw)
            continue
        indent = len(raw) - len(raw.lstrip())
        fenced = FENCE_RE.match(raw)
        if fenced:
            flush()
            fence = fenced.group(1)
        elif ATX_RE.match(raw):
            new("heading").add(number, indent, raw.strip())
            flush()
            seen_heading, in_list = True, False
        elif SETEXT_RE.match(raw) and current is not None and current.kind == "paragraph":
            current.kind = "heading"
            flush()
            seen_heading, in_list = True, False
        elif HR_RE.match(raw):
            flush()
        elif ITEM_RE.match(raw) and (indent <= 3 or in_list):
            m = ITEM_RE.match(raw)
            new("item", depth=indent).add(number, m.end(), raw[m.end():].rstrip())
            in_list = True
        elif QUOTE_RE.match(raw):
            m = QUOTE_RE.match(raw)
            if current is None or current.kind != "quote":
                new("quote")
            current.add(number, m.end(), raw[m.end():].rstrip())
        elif current is None and blank_before and HTML_START_RE.match(raw):
            new("html").add(number, 0, raw)
            in_html = True
        elif current is None and SKIP_RE.match(raw):
            pass
        elif current is None:
            if blank_before and indent >= 4 and not in_list:
                continue  # indented code
            if indent == 0:
                in_list = False
            new("table" if TABLE_RE.match(raw) else "paragraph").add(number, indent, raw.strip())
        else:
            current.add(number, indent, raw.strip())  # a continuation line
        blank_before = False
    flush()
    return blocks
