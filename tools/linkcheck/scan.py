"""Read one built HTML page into a PageInfo: the URLs it uses, the ids it offers, its source
entries and any unconverted syntax. One parse per page; nothing here knows about other pages,
so pages can be scanned in parallel processes.

Speed matters here (this is most of a run): the common URLs -- plain <a href> and <img src> --
come out of XPath as plain strings, with no Python object per element. Everything else (our
cross-links and citations, srcset, stylesheets ...) is walked element by element. A URL is
found again later by (which XPath, index in its result), so the line and column are worked
out only for the few URLs that have a problem (see sourcemap.py).
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Optional

from lxml import etree

from .urls import LEFTOVER_MARKERS, srcset_candidates

# huge_tree: without it libxml2 stops at 256 levels of nesting and the rest of the page
# (and its links) silently disappears.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_blank_text=False, huge_tree=True)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


# Our HTML contract's two link kinds that need more than "does the target exist". contains()
# is a cheap pre-filter (class="xref-list" also matches); _role() checks the exact class token.
_ROLE = 'contains(@class, "xref") or contains(@class, "cite-ref")'
# The XPaths that find URLs, by number (Ref.xp). Document order within each.
PLAIN_LINKS, PLAIN_IMAGES, ROLE_LINKS, OTHER_REFS = 0, 1, 2, 3
_PATHS = (
    f"//a[not({_ROLE})]/@href",
    "//img[not(@srcset)]/@src",
    f"//a[{_ROLE}]",  # with or without href: a placeholder the build never resolved has none
    "//*[not(self::a)][@src or @srcset or @poster or @data or @href]",
)
_FAST = [etree.XPath(p, smart_strings=False) for p in _PATHS[:2]]
_ELEMENTS = [etree.XPath(p) for p in _PATHS[2:]]
# The same queries, giving elements back: used to locate the few URLs that have a problem.
LOCATE = [etree.XPath(p) for p in _PATHS]

_IDS = etree.XPath("//@id | //a/@name", smart_strings=False)
_SOURCE_ITEMS = etree.XPath('//li[starts-with(@id, "source-")]')
_SOURCE_FILE = etree.XPath('/html/head/meta[@name="source-file"]/@content', smart_strings=False)
# Every page the project's theme writes carries this meta: the contract rules (cross-links,
# citations, leftover [[ / [@ syntax) apply to those pages and to no other site's HTML.
CONTRACT_META = "briefs-contract"
_CONTRACT = etree.XPath(f'/html/head/meta[@name="{CONTRACT_META}"]', smart_strings=False)
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
    role: str  # "", "xref" or "cite" (a.xref, a.cite-ref of our HTML contract)
    tag: str  # "" for plain links (the element is looked up only if needed)
    attr: str
    xp: int  # which XPath found it (PLAIN_LINKS ...) ...
    elem: int  # ... and its index in that XPath's result: enough to find the element again
    offset: int = 0  # where this URL starts inside the attribute value (srcset candidates)
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
    links: list = field(default_factory=list)  # URLs of plain <a href> (PLAIN_LINKS)
    images: list = field(default_factory=list)  # URLs of <img src> without srcset (PLAIN_IMAGES)
    refs: list = field(default_factory=list)  # every other URL, as a Ref
    # id of each li.source-KEY -> the hrefs of its a.backref links
    sources: dict = field(default_factory=dict)
    leftovers: list = field(default_factory=list)
    ours: bool = False  # built by this project (CONTRACT_META or a source-file meta)


def parse(data: bytes):
    """The root element, or None for an empty/unparseable file. A page saved as UTF-16 or
    UTF-32 (with its byte order mark, as browsers require) is read in its own encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                data = data.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                return None
            break
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _classes(el) -> list[str]:
    return (el.get("class") or "").split()


def _role(class_attr: str) -> str:
    for cls in class_attr.split():
        if cls == "xref":
            return "xref"
        if cls == "cite-ref":
            return "cite"
    return ""


def data_src_of(el, role: str) -> Optional[str]:
    """The element's data-src="LINE:COL" (our Markdown extensions write it)."""
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
    """Refs for our cross-links and citations and the less common URL attributes."""
    refs: list[Ref] = []
    append = refs.append
    for index, el in enumerate(_ELEMENTS[0](root)):
        get = el.get
        href = get("href")
        role = _role(get("class") or "")
        if not role:  # only looked like one (class="xref-list"): an ordinary link
            if href is not None:
                append(Ref(href, "link", "", "a", "href", ROLE_LINKS, index))
            continue
        # (data-src is read later, only for a marker that has a problem: see sourcemap.py)
        if href is not None:
            append(Ref(href, "link", role, "a", "href", ROLE_LINKS, index, anchor_id=get("id")))
        else:
            note = get("data-xref" if role == "xref" else "data-cite") or ""
            append(Ref(None, "link", role, "a", "href", ROLE_LINKS, index, anchor_id=get("id"),
                       note=note))
    for index, el in enumerate(_ELEMENTS[1](root)):
        tag = el.tag
        if isinstance(tag, str) and tag != "base" and not (tag == "img" and el.get("srcset") is None):
            _other_refs(el, tag, index, append)  # (a plain <img src> is a PLAIN_IMAGES URL)
    for ref in refs:  # HTML strips ASCII whitespace around URLs; keep the offset for columns
        url = ref.url
        if url and (url[0] <= " " or url[-1] <= " "):
            ref.offset += len(url) - len(url.lstrip())
            ref.url = url.strip()
    return refs


def _other_refs(el, tag: str, index: int, append) -> None:
    get = el.get
    for attr in ("href", "src", "srcset", "poster", "data"):
        value = get(attr)
        if value is None or (attr == "data" and tag != "object"):
            continue
        what = ""
        if attr == "href":
            kind = "link"
            if tag == "link":
                rels = (get("rel") or "").lower().split()
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
                append(Ref(url, kind, "", tag, attr, OTHER_REFS, index, offset, what=what))
        else:
            append(Ref(value, kind, "", tag, attr, OTHER_REFS, index, what=what))


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


_MARKER_BYTES = tuple(m.encode() for m in LEFTOVER_MARKERS)


def scan_page(path: str, data: bytes) -> PageInfo:
    root = parse(data)
    if root is None:
        return PageInfo(path)
    sources = {}
    for li in _SOURCE_ITEMS(root) if b"source-" in data else ():
        sources[li.get("id")] = {
            a.get("href") for a in li.iter("a") if "backref" in _classes(a) and a.get("href")
        }
    meta = _SOURCE_FILE(root)
    ours = bool(meta) or bool(_CONTRACT(root))
    return PageInfo(
        path=path,
        ids=frozenset(_IDS(root)),
        source_file=meta[0].strip() if meta else None,
        links=_FAST[0](root),
        images=_FAST[1](root),
        refs=refs_of(root),
        sources=sources,
        # Leftover syntax is a problem only on our pages ("[[" in a command synopsis is text),
        # and the XPath for it visits every node: most pages have no marker at all.
        leftovers=leftovers_of(root) if ours and any(m in data for m in _MARKER_BYTES) else [],
        ours=ours,
    )
