"""The allow-list: what HTML a brief may contain, and the cleaning itself (nh3).

`clean(html)` returns the cleaned HTML and what it had to remove that an author
should hear about: each `javascript:`/`data:`/`vbscript:` URL (an error: nh3 would
drop it silently and the link would just be dead) and each element or event
handler outside the allow-list. Cleaning also adds `rel="noopener noreferrer"` to
links that leave the site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3

TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "section", "aside", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
}
ATTRIBUTES = {
    # ids (headings, `{#id}`), our classes, and data-* (prefix below) everywhere
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "time": {"datetime"}, "ol": {"start", "reversed", "type"}, "li": {"value"},
    "td": {"colspan", "rowspan", "headers", "style"}, "th": {"colspan", "rowspan", "headers", "scope", "abbr", "style"},
    "col": {"span"}, "colgroup": {"span"}, "details": {"open"},
}
SAFE_SCHEMES = {"http", "https", "mailto"}
UNSAFE_SCHEMES = {"javascript", "data", "vbscript"}
URL_ATTRIBUTES = {"href", "src", "cite"}
# Removed with their content, and reported as errors (the lint says the same).
FORBIDDEN = {"script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea", "select",
             "frame", "frameset", "applet", "base", "meta", "link", "svg", "math", "template"}
REL = "noopener noreferrer"

START_TAG_RE = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
HANDLER_RE = re.compile(r"(?:^|\s)(on[a-z]+)\s*=", re.I)
ATTRIBUTE_RE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
STYLE_KEPT_RE = re.compile(r"^\s*(?:text-align\s*:\s*[a-z-]+\s*;?\s*)?$", re.I)
EXTERNAL_A_RE = re.compile(r'<a (?=(?:[^>]*\s)?href="(?P<href>(?i:https?:)?//[^"]*)")(?!(?:[^>]*\s)?rel=)')
# The site's own absolute URL (publish builds): links under it are not external.
own_site = {"url": ""}
CONTROL_RE = re.compile(r"[\x00-\x20]+")
# smarty writes these as named entities; nh3 writes characters. Keep smarty's form.
ENTITIES = str.maketrans({
    "\u2018": "&lsquo;", "\u2019": "&rsquo;", "\u201c": "&ldquo;", "\u201d": "&rdquo;",
    "\u00ab": "&laquo;", "\u00bb": "&raquo;", "\u2013": "&ndash;", "\u2014": "&mdash;", "\u2026": "&hellip;",
})


@dataclass(frozen=True)
class Removal:
    kind: str  # "url", "tag", "handler", "attribute" or "image" (kept, but the CSP will block it)
    detail: str  # the URL as written, the tag name or the attribute name
    element: str  # the element it was on


def scheme(url: str) -> str:
    """The scheme as a browser reads it: control characters and spaces ignored, any case."""
    head = CONTROL_RE.sub("", url).split(":", 1)
    return head[0].lower() if len(head) == 2 and "/" not in head[0] else ""


def clean(html: str) -> tuple[str, list[Removal]]:
    removed: list[Removal] = []

    def attribute_filter(element, attribute, value):
        if attribute in URL_ATTRIBUTES and scheme(value) in UNSAFE_SCHEMES:
            removed.append(Removal("url", value, element))
            return None
        if element == "img" and attribute == "src" and (scheme(value) in ("http", "https") or value.startswith("//")):
            removed.append(Removal("image", value, element))  # the pages' CSP (img-src 'self') blocks it
        return value

    for m in START_TAG_RE.finditer(html):
        name = m.group(1).lower()
        if name not in TAGS:
            removed.append(Removal("tag", name, name))
        for handler in HANDLER_RE.findall(m.group(2)):
            removed.append(Removal("handler", handler.lower(), name))
        if name in TAGS:
            removed += _dropped_attributes(name, m.group(2))
    cleaner = nh3.Cleaner(
        tags=TAGS, clean_content_tags={"script", "style"}, attributes=ATTRIBUTES,
        generic_attribute_prefixes={"data-"}, url_schemes=SAFE_SCHEMES | UNSAFE_SCHEMES,
        attribute_filter=attribute_filter, link_rel=None, strip_comments=True,
        filter_style_properties={"text-align"},
    )
    cleaned = cleaner.clean(html)
    return external_rel(cleaned).translate(ENTITIES), removed


def _dropped_attributes(tag: str, attributes: str) -> list[Removal]:
    """Attributes of an allowed tag that cleaning removes (or, for a table cell's style, cuts
    down to text-align): an author should know the page will not look as written."""
    allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
    found = []
    for m in ATTRIBUTE_RE.finditer(attributes):
        attribute = m.group(1).lower()
        if attribute.startswith("data-") or HANDLER_RE.match(" " + attribute + "="):
            continue  # data-* is kept; handlers are reported as such
        value = (m.group(2) or "").strip("\"'")
        if attribute not in allowed or (attribute == "style" and not STYLE_KEPT_RE.match(value)):
            found.append(Removal("attribute", attribute, tag))
    return found


def external_rel(html: str, _name: str = "") -> str:
    """`rel="noopener noreferrer"` on each `<a>` to another site that has no rel:
    the page it opens gets no handle on ours, nor our address."""
    if "//" not in html:
        return html
    site = own_site["url"].rstrip("/")

    def add(m):
        href = m.group("href")
        if site and (href == site or href.startswith(site + "/") or href.startswith(site + "#")):
            return m.group(0)
        return f'<a rel="{REL}" '

    return EXTERNAL_A_RE.sub(add, html)
