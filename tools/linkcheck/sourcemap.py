"""Turn Findings (seen in the built HTML) into Problems located where an author can fix them.

For a page our build produced (it has <meta name="source-file">) the place is the Markdown:
1. the element's data-src="LINE:COL", which the Markdown extensions wrote;
2. else the URL as written, searched for in the Markdown file (the n-th link to the same URL
   on the page maps to the n-th occurrence in the file, when the counts allow it);
3. else the HTML position.
Any other page is reported at its HTML position. lxml gives only the line where a start tag
ends, so the column (and the exact line of a multi-line tag) is found here by re-reading the raw
HTML -- only for pages that have problems, which keeps the clean path fast.
"""
from __future__ import annotations

import bisect
import os
import re
from pathlib import Path
from typing import Optional

from lxml import etree

from .checks import Finding
from .problem import Problem
from .scan import LOCATE, Leftover, Ref, data_src_of, parse

_DATA_SRC = re.compile(r"^\s*(\d+):(\d+)\s*$")


def display_path(path: Path, cwd: Path) -> str:
    """Relative to the working directory when below it (what editors and GitHub expect)."""
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return Path(path).as_posix() if rel.startswith("..") else rel.replace(os.sep, "/")


class _Text:
    """A text file with fast offset -> (line, col) conversion."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_start(self, line: int) -> int:
        return self.starts[min(max(line, 1), len(self.starts)) - 1]


class SourceMap:
    def __init__(self, site: Path, content_root: Path, cwd: Optional[Path] = None):
        self.site = site
        self.content_root = content_root
        self.cwd = cwd or Path.cwd()
        self._texts: dict = {}
        self._roots: dict = {}
        self._tags: dict = {}
        self._by_line: dict = {}  # page -> {(tag, line): [elements]}, made in one pass per page
        self._claimed: dict = {}
        self._sources: dict = {}
        self._found: dict = {}
        self._shown: dict = {}  # page -> its path as shown (one relpath per page, not per problem)

    def forget(self, page_path: str) -> None:
        """Free what was read to place one page's problems: pages are placed one after another,
        so a site with many problems never holds more than one parsed page at a time."""
        self._texts.pop(self.site / page_path, None)
        self._roots.pop(page_path, None)
        self._by_line.pop(page_path, None)
        for table in (self._tags, self._found):
            for key in [k for k in table if k[0] == page_path]:
                del table[key]

    # -- files ------------------------------------------------------------------------------

    def _text(self, path: Path) -> Optional[_Text]:
        if path not in self._texts:
            try:
                self._texts[path] = _Text(path.read_bytes().decode("utf-8", "replace"))
            except OSError:
                self._texts[path] = None
        return self._texts[path]

    def source_file(self, meta: str) -> tuple[str, Optional[Path]]:
        """(path to show, readable path or None) for a <meta name="source-file"> value.

        The value is project-relative ("content/briefs/x.md"); the project root is the parent
        of --content-root. A value relative to the content root ("briefs/x.md") also works.
        """
        if meta not in self._sources:
            meta_path = Path(meta)
            if meta_path.is_absolute():
                candidates = [meta_path]
            else:
                candidates = [self.content_root.parent / meta_path, self.content_root / meta_path]
            found = next((c for c in candidates if c.is_file()), None)
            self._sources[meta] = (display_path(found or candidates[0], self.cwd), found)
        return self._sources[meta]

    # -- Markdown ---------------------------------------------------------------------------

    def _find_in_markdown(self, md: Path, needle: str, nth: int, as_url: bool):
        text = self._text(md)
        if text is None or not needle:
            return None
        if as_url:
            # The URL as a whole token: inside (...), <...>, quotes, or after "]: ".
            pattern = re.compile(r"(?:^|(?<=[(<\"'\s]))" + re.escape(needle) + r"(?=[)>\"'\s]|$)",
                                 re.M)
            offsets = [m.start() for m in pattern.finditer(text.text)]
        else:
            offsets, i = [], text.text.find(needle)
            while i >= 0:
                offsets.append(i)
                i = text.text.find(needle, i + 1)
        if not offsets:
            return None
        return text.position(offsets[nth] if nth < len(offsets) else offsets[0])

    # -- HTML -------------------------------------------------------------------------------

    def _root(self, page_path: str):
        if page_path not in self._roots:
            self._roots[page_path] = parse((self.site / page_path).read_bytes())
        return self._roots[page_path]

    def _start_tags(self, page_path: str, tag: str, text: _Text) -> dict:
        """line where the start tag ends -> [start offset of each <tag ...> ending there]."""
        key = (page_path, tag)
        if key not in self._tags:
            pattern = re.compile(r"<%s(?=[\s/>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>" % re.escape(tag),
                                 re.I)
            by_line: dict = {}
            for m in pattern.finditer(text.text):
                by_line.setdefault(text.position(m.end() - 1)[0], []).append(m)
            self._tags[key] = by_line
        return self._tags[key]

    def _element_position(self, page_path: str, el, attr: Optional[str], offset: int):
        text = self._text(self.site / page_path)
        line = el.sourceline or 1
        if text is None or not isinstance(el.tag, str):
            return line, 1
        # Which of the <tag>s ending on this line is it? (An index made once per page: walking
        # the page per problem made 20,000 broken links on one page take minutes.)
        if page_path not in self._by_line:
            index: dict = {}
            for e in el.getroottree().getroot().iter():
                if isinstance(e.tag, str):
                    index.setdefault((e.tag, e.sourceline), []).append(e)
            self._by_line[page_path] = index
        same_line = self._by_line[page_path].get((el.tag, line), [el])
        nth = next((i for i, e in enumerate(same_line) if e is el), 0)
        tags = self._start_tags(page_path, el.tag, text).get(line, [])
        if nth >= len(tags):
            return line, 1
        m = tags[nth]
        if attr:
            a = re.compile(r"[\s\"'/]%s\s*=\s*[\"']?" % re.escape(attr), re.I).search(m.group(0))
            if a:
                return text.position(m.start() + a.end() + offset)
        return text.position(m.start())

    def _element(self, page_path: str, ref: Ref):
        key = (page_path, ref.xp)
        if key not in self._found:
            root = self._root(page_path)
            self._found[key] = LOCATE[ref.xp](root) if root is not None else []
        found = self._found[key]
        if ref.elem >= len(found):
            return None
        el = found[ref.elem]
        return el.getparent() if isinstance(el, str) else el  # the fast XPaths give attributes

    def data_src(self, page_path: str, ref: Ref) -> Optional[str]:
        if not ref.role:
            return None  # only our cross-links and citations carry data-src
        el = self._element(page_path, ref)
        return data_src_of(el, ref.role) if el is not None else None

    def _html_ref(self, page_path: str, ref: Ref):
        el = self._element(page_path, ref)
        if el is None:
            return 1, 1
        return self._element_position(page_path, el, ref.attr, ref.offset)

    def _html_leftover(self, page_path: str, left: Leftover):
        root = self._root(page_path)
        try:
            found = root.getroottree().xpath(left.elpath) if root is not None else []
        except (etree.XPathError, ValueError):  # a tag name no XPath can spell (control characters)
            found = []
        if not found:
            return left.line, 1
        el = found[0]
        if left.attr:
            value = el.get(left.attr) or ""
            return self._element_position(page_path, el, left.attr, max(value.find(left.marker), 0))
        # Text: the first unclaimed occurrence of the marker from the element's line on.
        text = self._text(self.site / page_path)
        claimed = self._claimed.setdefault(page_path, set())
        i = text.text.find(left.marker, text.line_start(left.line))
        while i >= 0 and i in claimed:
            i = text.text.find(left.marker, i + 1)
        if i < 0:
            return left.line, 1
        claimed.add(i)
        return text.position(i)

    # -- Findings -> Problems ---------------------------------------------------------------

    def problem(self, finding: Finding, nth: int = 0) -> Problem:
        """nth: how many earlier findings on this page used the same URL/snippet (see module doc)."""
        page, loc = finding.page, finding.loc
        where = None
        if page.source_file:
            shown, md = self.source_file(page.source_file)
            data_src = self.data_src(page.path, loc) if isinstance(loc, Ref) else None
            m = _DATA_SRC.match(data_src) if data_src else None
            if m:
                where = (shown, int(m.group(1)), int(m.group(2)))
            elif md is not None:
                if isinstance(loc, Ref):
                    pos = self._find_in_markdown(md, loc.url or "", nth, as_url=True)
                else:
                    pos = self._find_in_markdown(md, loc.snippet, nth, as_url=False)
                if pos:
                    where = (shown, pos[0], pos[1])
        if where is None:
            if isinstance(loc, Ref):
                line, col = self._html_ref(page.path, loc)
            else:
                line, col = self._html_leftover(page.path, loc)
            if page.path not in self._shown:
                self._shown[page.path] = display_path(self.site / page.path, self.cwd)
            where = (self._shown[page.path], line, col)
        return Problem(where[0], where[1], where[2], finding.code, finding.message,
                       page=page.path, target=finding.target)


def to_problems(findings: list, sourcemap: SourceMap) -> list:
    """Problems for findings, each once, sorted (stable output). Page by page, in the order
    the findings came, freeing each page once its problems are placed."""
    by_page: dict = {}
    for f in findings:
        by_page.setdefault(f.page.path, []).append(f)
    out = set()
    for path, page_findings in by_page.items():
        seen: dict = {}
        for f in page_findings:
            nth = 0
            if not (isinstance(f.loc, Ref) and sourcemap.data_src(f.page.path, f.loc)):
                key = (f.page.path, f.loc.url if isinstance(f.loc, Ref) else ("left", f.loc.snippet))
                nth = seen.get(key, 0)
                seen[key] = nth + 1
            out.add(sourcemap.problem(f, nth))
        sourcemap.forget(path)
    return sorted(out)
