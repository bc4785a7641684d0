"""Python-Markdown extension: bounded input in, allow-listed HTML out.

- A preprocessor (before any other) refuses what would take unbounded time or
  recursion to convert: a source over `max_bytes`; lines indented deeper than
  `max_depth` list levels (Python-Markdown recurses once per level and gives up
  with a RecursionError after minutes); a paragraph over `max_paragraph`
  characters, or with so many unclosed `[` that the link pattern's scans would
  take minutes (both cost time with the square of their size: 10,000 `[` take
  two minutes), or so many of those that the whole would take over MAX_SECONDS.
  The document is cut to its front matter, so it still has a title and slug, and
  the problem is recorded.
- A postprocessor (after every other, on the HTML as it will be published) cleans
  it with `clean.clean` and records what had to be removed, located in the source.
  The toc extension also runs every postprocessor on each heading, only to make its
  id from the heading's text; there the cleaning is skipped when it cannot change that
  text (see `Clean.run`): a sixth of the conversion time of a brief.

Problems travel in the document's metadata (`problems.META_KEY`), so Pelican's
content cache keeps them with the HTML they belong to; the `problems` plugin reports
them on every build.
"""

from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from problems import META_KEY, encode

from .clean import FORBIDDEN, clean

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_MAX_DEPTH = 20
DEFAULT_MAX_PARAGRAPH = 20_000
BRACKET_BUDGET = 200_000  # characters scanned: about half a second of Python-Markdown
BRACKET_RE = re.compile(r"[\[\]]")
MARKUP_RE = re.compile(r"[*_`<\[\]&!\\]")  # characters inline patterns start from
MAX_SECONDS = 10  # estimated conversion time of one source


def _record(md, line: int, col: int, level: str, rule: str, message: str) -> None:
    meta = getattr(md, "Meta", None)
    if meta is None:
        md.Meta = meta = {}
    meta.setdefault(META_KEY, []).append(encode(line, col, level, rule, message))


def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


MARKER_RE = re.compile(r"(?:[-*+]|\d{1,9}[.)]|>)")
NESTED_MARKERS_RE = re.compile(r"^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]*)+")


class Limits(Preprocessor):
    def __init__(self, md, max_bytes: int, max_depth: int, max_paragraph: int):
        super().__init__(md)
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.max_paragraph = max_paragraph

    def run(self, lines):
        self.md.sanitize_source = lines  # what the postprocessor locates problems in
        self.md.sanitize_seen = set()
        self.md.sanitize_in_tree = True  # until TreeDone: postprocessors run only for toc
        self.md.sanitize_raw_lt = any("<" in line for line in lines)
        size = sum(len(line.encode("utf-8", "surrogatepass")) for line in lines) + len(lines) - 1
        if self.max_bytes and size > self.max_bytes:
            self.md.sanitize_problems = [(1, 1, "error", "size",
                                          f"source is {size:,} bytes; the limit is {self.max_bytes:,} "
                                          "(SANITIZE_MAX_BYTES): split it into several briefs")]
            return self._front_matter(lines)
        limit = 4 * (self.max_depth + 1)
        for number, line in enumerate(lines, start=1):
            if len(line) > limit and _indent(line) > limit:
                self.md.sanitize_problems = [(number, 1, "error", "size",
                                              f"line indented {_indent(line)} columns: lists nest at most "
                                              f"{self.max_depth} levels (SANITIZE_MAX_DEPTH)")]
                return self._front_matter(lines)
            markers = NESTED_MARKERS_RE.match(line)
            if markers and len(MARKER_RE.findall(markers.group())) > self.max_depth:
                # "- - - - x" or "> > > x": each marker opens a level, as indentation does
                count = len(MARKER_RE.findall(markers.group()))
                self.md.sanitize_problems = [(number, 1, "error", "size",
                                              f"{count} list or quote markers open this line: lists and quotes "
                                              f"nest at most {self.max_depth} levels (SANITIZE_MAX_DEPTH)")]
                return self._front_matter(lines)
        seconds = 0.0
        for number, text in _paragraphs(lines):
            brackets = _bracket_scan_cost(text) if "[" in text else 0
            problem = self._paragraph_problem(text, brackets)
            seconds += _estimated_seconds(text, brackets)
            if not problem and seconds > MAX_SECONDS:
                problem = (f"this source would take over {MAX_SECONDS} s to convert (long paragraphs dense with "
                           "markup, or unclosed '['): shorten it from here on")
            if problem:
                self.md.sanitize_problems = [(number, 1, "error", "size", problem)]
                return self._front_matter(lines)
        self.md.sanitize_problems = []
        return lines

    def _paragraph_problem(self, text: str, brackets: int) -> str | None:
        # Python-Markdown's inline patterns rescan a paragraph after each match, and its
        # link pattern scans from each `[` to its `]` (or to the end): time grows with
        # the square of a paragraph's length, or of its unclosed brackets.
        if self.max_paragraph and len(text) > self.max_paragraph:
            return (f"paragraph of {len(text):,} characters: the limit is {self.max_paragraph:,} "
                    "(SANITIZE_MAX_PARAGRAPH); break it up")
        if brackets > BRACKET_BUDGET:
            return "too many unclosed '[' in this paragraph to convert in reasonable time: close or remove them"
        return None

    @staticmethod
    def _front_matter(lines):
        head = []
        for line in lines:
            if not line.strip():
                break
            head.append(line)
        return head


class TreeDone(Treeprocessor):
    """Marks the end of the tree phase: postprocessors run from now on are the final pass."""

    def run(self, root):
        self.md.sanitize_in_tree = False


class Clean(Postprocessor):
    def run(self, text):
        if self.md.__dict__.get("sanitize_in_tree") and not self.md.__dict__.get("sanitize_raw_lt", True):
            # toc is making a heading's id from its text. With no '<' in the source there is
            # no raw HTML and no escaped '\<' for the cleaning to remove: the heading holds only
            # elements Markdown made (links, emphasis, code, citations), whose text cleaning
            # keeps as it is. The final pass still cleans the whole page, headings included.
            return text
        problems = list(getattr(self.md, "sanitize_problems", [])) + _nested_placeholders(text)
        cleaned, removed = clean(text)
        lines = getattr(self.md, "sanitize_source", None) or []
        for r in removed:
            line, col = _locate(lines, r.detail if r.kind == "url" else ("<" + r.detail if r.kind == "tag" else r.detail))
            if r.kind == "url":
                shown = r.detail if len(r.detail) <= 60 else r.detail[:57] + "..."
                what = {"a": "a link", "img": "an image"}.get(r.element, f"a <{r.element}>")
                problems.append((line, col, "error", "html",
                                 f"unsafe URL '{shown}' in {what}: only relative, http(s) and mailto URLs are allowed"))
            elif r.kind == "handler":
                problems.append((line, col, "error", "html",
                                 f"event handler '{r.detail}=' removed: the site runs only its own scripts"))
            elif r.kind == "image":
                line, col = _locate(lines, r.detail)
                problems.append((line, col, "warning", "html",
                                 f"image '{r.detail[:60]}' is on another site: the pages' Content-Security-Policy "
                                 "(img-src 'self') blocks it, so readers see nothing; save the image with the site "
                                 "or link to it instead"))
            elif r.kind == "attribute":
                line, col = _locate(lines, r.detail)
                kept = " (only text-align is kept)" if r.detail == "style" and r.element in ("td", "th") else ""
                problems.append((line, col, "warning", "html",
                                 f"attribute '{r.detail}' removed from <{r.element}>{kept}: briefs use the site's "
                                 "own styles and markup"))
            elif r.detail in FORBIDDEN:
                problems.append((line, col, "error", "html",
                                 f"raw <{r.detail}> removed: it is not allowed in a brief"))
            else:
                problems.append((line, col, "warning", "html",
                                 f"raw <{r.detail}> removed: not in the allow-list of plugins/sanitize"))
        # The toc extension runs the postprocessors on each heading too: record each
        # problem once per document (Limits starts the set afresh).
        seen = self.md.__dict__.setdefault("sanitize_seen", set())
        for p in dict.fromkeys(problems):
            if p not in seen:
                seen.add(p)
                _record(self.md, *p)
        return cleaned


def _nested_placeholders(html: str) -> list[tuple]:
    """A cross-link or citation inside a link's text: a link cannot hold another, so
    HTML parsing (the sanitizer's, a browser's) would move it out and leave an empty
    marker. Located by the placeholder's data-src."""
    found, depth = [], 0
    if "<a" not in html:
        return found
    for m in ANCHOR_RE.finditer(html):
        tag = m.group()
        if tag.startswith("</"):
            depth = max(0, depth - 1)
            continue
        if depth and (kind := PLACEHOLDER_KINDS.get(CLASS_RE.search(tag).group(1) if CLASS_RE.search(tag) else "")):
            src = SRC_RE.search(tag)
            line, col = (int(src.group(1)), int(src.group(2))) if src else (1, 1)
            rule, name = kind
            found.append((line, col, "error", rule, f"{name} inside a link's text: a link cannot hold another; "
                                                    "move it out of the link text"))
        depth += 1
    return found


ANCHOR_RE = re.compile(r"<a\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>|</a\s*>", re.I)
CLASS_RE = re.compile(r'\sclass="([^"]*)"')
SRC_RE = re.compile(r'\sdata-src="(\d+):(\d+)"')
PLACEHOLDER_KINDS = {"xref": ("crosslink", "cross-link"), "cite-ref": ("citation", "citation")}
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s|^\s*[#|]")


def _paragraphs(lines: list[str]):
    """(first line number, text) of each run of lines Python-Markdown converts as one
    inline text: lines up to a blank line, a list item, a heading or a table row."""
    start, parts = 0, []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or LIST_ITEM_RE.match(line):
            if parts:
                yield start, "\n".join(parts)
            start, parts = number, ([line] if line.strip() else [])
        else:
            if not parts:
                start = number
            parts.append(line)
    if parts:
        yield start, "\n".join(parts)


def _estimated_seconds(text: str, brackets: int) -> float:
    """A pessimistic guess at Python-Markdown's time for one paragraph (measured on
    2025 hardware): each inline pattern rescans the paragraph after each match of
    markup, and the link patterns scan from every `[` to its `]` (`brackets` chars)."""
    markup = len(MARKUP_RE.findall(text))
    return len(text) * markup * 5e-9 + brackets * 3e-6


def _bracket_scan_cost(text: str) -> int:
    """Characters Python-Markdown's link patterns scan: from each `[` to its `]`."""
    cost, opened = 0, []
    for m in BRACKET_RE.finditer(text):
        if m.group() == "[":
            opened.append(m.start())
        elif opened:
            cost += m.start() - opened.pop()
    end = len(text)
    return cost + sum(end - start for start in opened)


def _locate(lines: list[str], needle: str) -> tuple[int, int]:
    """1-based (line, col) of the first occurrence of `needle` (any case), else (1, 1)."""
    low = needle.lower()
    for number, line in enumerate(lines, start=1):
        col = line.lower().find(low)
        if col >= 0:
            return number, col + 1
    return 1, 1


class SanitizeExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "max_bytes": [DEFAULT_MAX_BYTES, "largest source, in bytes (0: no limit)"],
            "max_depth": [DEFAULT_MAX_DEPTH, "deepest list nesting"],
            "max_paragraph": [DEFAULT_MAX_PARAGRAPH, "longest paragraph, in characters (0: no limit)"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.registerExtension(self)
        # 40: before normalize_whitespace (30) and every other preprocessor, so an
        # oversized source is cut before anything works on it.
        limits = Limits(md, self.getConfig("max_bytes"), self.getConfig("max_depth"), self.getConfig("max_paragraph"))
        md.preprocessors.register(limits, "sanitize_limits", 40)
        # 1: last of all, after raw HTML is put back (30) and source markers are removed (5).
        md.postprocessors.register(Clean(md), "sanitize", 1)
        # 1: after toc (5), which is the one treeprocessor that runs the postprocessors.
        md.treeprocessors.register(TreeDone(md), "sanitize_tree_done", 1)

    def reset(self):
        pass


def makeExtension(**kwargs):
    return SanitizeExtension(**kwargs)
