"""Read one built HTML page into a PageInfo: the URLs it uses, the ids it offers, its source
entries and any unconverted syntax. One parse per page; nothing here knows about other pages,
so pages can be scanned in parallel processes.

Positions are kept cheap on purpose: a Ref records the line lxml reports plus its element's index
in the XPath result, and columns are worked out later, only for the few refs that have a problem
(see sourcemap.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from lxml import etree

from .urls import LEFTOVER_MARKERS, srcset_candidates

_PARSER = etree.HTMLParser(encoding="utf-8", remove_blank_text=False)

# Every element that carries a URL, plus link placeholders (a.xref / a.cite-ref without href)
# that the build failed to resolve. Document order matters: Ref.elem indexes into this result.
REFS_XPATH = etree.XPath(
    "//*[@href or @src or @srcset or @poster or (self::object and @data)]"
    " | //a[not(@href)][@class]"
)
_IDS = etree.XPath("//@id | //a/@name")
_SOURCE_ITEMS = etree.XPath('//li[starts-with(@id, "source-")]')
_SOURCE_FILE = etree.XPath('//meta[@name="source-file"]/@content')
_NOT_VERBATIM = "not(ancestor-or-self::code or ancestor-or-self::pre or ancestor::script or ancestor::style)"
_HAS_MARKER = " or ".join(f'contains(., "{m}")' for m in LEFTOVER_MARKERS)
# Text and attributes outside <code>/<pre> (and scripts) that still hold source syntax.
LEFTOVER_TEXT_XPATH = etree.XPath(f"//text()[{_NOT_VERBATIM}][{_HAS_MARKER}]")
LEFTOVER_ATTR_XPATH = etree.XPath(f"//*[{_NOT_VERBATIM}]/@*[{_HAS_MARKER}]")

# <link rel> values whose target is something the page loads, not a page it links to.
_ASSET_RELS = {"stylesheet", "icon", "apple-touch-icon", "mask-icon", "manifest", "preload",
               "prefetch", "modulepreload", "shortcut"}
_ASSET_NAMES = {"img": "image", "source": "media source", "video": "video", "audio": "audio",
                "script": "script", "track": "track", "object": "object", "embed": "embed",
                "input": "image"}
# Elements whose src is a document the reader navigates into (so data: there is unsafe).
_NAV_SRC = {"iframe", "frame"}


@dataclass(slots=True)
class Ref:
    """One URL as written in one attribute of one element."""

    url: Optional[str]  # None: a placeholder link that never got an href
    kind: str  # "link" (something a reader follows) or "asset" (something the page loads)
    role: str  # "", "xref", "cite" or "backref" (our HTML contract's link classes)
    tag: str
    attr: str
    line: int  # lxml's sourceline: the line where the element's start tag ends
    elem: int  # index in REFS_XPATH's result, to find the element again for a column
    offset: int = 0  # where this URL starts inside the attribute value (srcset candidates)
    data_src: Optional[str] = None  # "LINE:COL" in the Markdown source, from our build
    anchor_id: Optional[str] = None  # the element's id (a citation marker's own anchor)
    note: str = ""  # data-xref / data-cite of a placeholder, for messages
    what: str = ""  # for messages about assets: "image", "stylesheet", "icon" ...


@dataclass(slots=True)
class Leftover:
    """Unconverted syntax found in text or an attribute value."""

    marker: str
    snippet: str  # the syntax with a little context, as found
    elpath: str  # etree getpath() of the element holding it, to locate it later
    attr: Optional[str]  # attribute name, or None for text
    line: int


@dataclass(slots=True)
class PageInfo:
    path: str  # relative to the site root, forward slashes
    ids: frozenset = frozenset()
    source_file: Optional[str] = None
    refs: list = field(default_factory=list)
    # id of each li.source-KEY -> the hrefs of its a.backref links
    sources: dict = field(default_factory=dict)
    leftovers: list = field(default_factory=list)


def parse(data: bytes):
    """The root element, or None for an empty/unparseable file."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _classes(el) -> list[str]:
    return (el.get("class") or "").split()


def _role(el) -> str:
    for cls in _classes(el):
        if cls == "xref":
            return "xref"
        if cls == "cite-ref":
            return "cite"
        if cls == "backref":
            return "backref"
    return ""


def _data_src(el, role: str) -> Optional[str]:
    value = el.get("data-src")
    if value is None and role == "cite":  # before resolution the position sits on sup.cite
        parent = el.getparent()
        if parent is not None and "cite" in _classes(parent):
            value = parent.get("data-src")
    return value


def _occurrences(text: str):
    """(marker, snippet) for each unconverted marker in text, in order of appearance."""
    hits = []
    for marker in LEFTOVER_MARKERS:
        i = text.find(marker)
        while i >= 0:
            end = i + len(marker)
            if marker in ("[[", "[@"):  # show the whole [[...]] / [@...] when it is short
                close = text.find("]", end)
                if 0 <= close - i <= 80:
                    end = close + (2 if text.startswith("]]", close) else 1)
            hits.append((i, marker, text[i:end]))
            i = text.find(marker, i + len(marker))
    return [(marker, snippet) for _, marker, snippet in sorted(hits)]


def refs_of(root) -> list[Ref]:
    refs: list[Ref] = []
    for index, el in enumerate(REFS_XPATH(root)):
        tag = el.tag if isinstance(el.tag, str) else ""
        line = el.sourceline or 1
        role = _role(el) if tag == "a" else ""
        attrib = el.attrib
        for attr in ("href", "src", "srcset", "poster", "data"):
            value = attrib.get(attr)
            if value is None or (attr == "data" and tag != "object"):
                continue
            what = ""
            if attr == "href":
                if tag == "base":
                    continue
                kind = "link"
                if tag == "link":
                    rels = (attrib.get("rel") or "").lower().split()
                    if _ASSET_RELS.intersection(rels):
                        kind = "asset"
                        what = "stylesheet" if "stylesheet" in rels else (
                            "icon" if any("icon" in r for r in rels) else "asset")
            elif attr == "src":
                kind = "link" if tag in _NAV_SRC else "asset"
            else:
                kind = "asset"
            if kind == "asset" and not what:
                what = "poster image" if attr == "poster" else _ASSET_NAMES.get(tag, "asset")
            if attr == "srcset":
                for url, offset in srcset_candidates(value):
                    refs.append(Ref(url, kind, role, tag, attr, line, index, offset, what=what))
                continue
            stripped = value.strip()
            offset = len(value) - len(value.lstrip())
            ref = Ref(stripped, kind, role, tag, attr, line, index, offset, what=what)
            if role:
                ref.data_src = _data_src(el, role)
                ref.anchor_id = attrib.get("id")
            refs.append(ref)
        if role in ("xref", "cite") and "href" not in attrib:
            note = attrib.get("data-xref" if role == "xref" else "data-cite", "")
            refs.append(Ref(None, "link", role, tag, "href", line, index,
                            data_src=_data_src(el, role), anchor_id=attrib.get("id"), note=note))
    return refs


def leftovers_of(root) -> list[Leftover]:
    tree = root.getroottree()
    found: list[Leftover] = []
    for text in LEFTOVER_TEXT_XPATH(root):
        el = text.getparent()
        for marker, snippet in _occurrences(str(text)):
            found.append(Leftover(marker, snippet, tree.getpath(el), None, el.sourceline or 1))
    for value in LEFTOVER_ATTR_XPATH(root):
        el = value.getparent()
        for marker, _ in _occurrences(str(value)):
            # For an attribute the snippet is the whole value: it is what the author wrote
            # (e.g. an href of "{filename}/briefs/x.md"), so it can be found in the Markdown.
            found.append(Leftover(marker, str(value).strip(), tree.getpath(el),
                                  value.attrname, el.sourceline or 1))
    return found


def scan_page(path: str, data: bytes) -> PageInfo:
    root = parse(data)
    if root is None:
        return PageInfo(path)
    sources = {}
    for li in _SOURCE_ITEMS(root):
        sources[li.get("id")] = {
            a.get("href") for a in li.iter("a") if "backref" in _classes(a) and a.get("href")
        }
    meta = _SOURCE_FILE(root)
    return PageInfo(
        path=path,
        ids=frozenset(map(str, _IDS(root))),
        source_file=str(meta[0]).strip() if meta else None,
        refs=refs_of(root),
        sources=sources,
        leftovers=leftovers_of(root),
    )
