"""Python-Markdown extension for Pandoc-style citations: `[@key]`,
`[@key, locator]` and `[@a; @b, para. 3]`.

Numbering is per brief and needs the whole document and the source registry, so
the extension only emits a placeholder per cited key; the Pelican side
(`resolve.py`) numbers them, checks the keys and builds the brief's source list.

    [@wapo-2025-04-18, para. 3; @tass-2025-05-01]
    -> <sup class="cite"><a class="cite-ref" data-cite="wapo-2025-04-18"
          data-locator="para. 3" data-src="4:10"></a><a class="cite-ref"
          data-cite="tass-2025-05-01" data-src="4:10"></a></sup>

An item that is not `@key` or `@key, locator` keeps its raw text in
`data-cite-raw` so the build can report it where it was written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from sourcepos import MARK, SourcePositionExtension, position

# `(?!\()`: `[@name](url)` is an ordinary Markdown link, not a citation.
# No "[" inside a citation: `[@[@[@…` is then linear to scan (see crosslinks' XREF_PATTERN).
CITE_PATTERN = r"\[" + MARK + r"(?P<body>@[^\[\]\n]*)\](?!\()"
# Pandoc's key grammar: starts with a letter, digit or _, then internal punctuation.
KEY = r"[A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*[\w])?"
ITEM_RE = re.compile(r"\s*@(?P<key>" + KEY + r")\s*(?:,\s*(?P<locator>\S.*?))?\s*$")


def parse_items(body: str):
    """Yield (key, locator, raw) for each `;`-separated item; key is None if malformed."""
    for raw in body.split(";"):
        m = ITEM_RE.match(raw)
        if m:
            yield m.group("key"), m.group("locator"), raw.strip()
        else:
            yield None, None, raw.strip()


class CitationProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        sup = etree.Element("sup")
        sup.set("class", "cite")
        src = position(m)
        for key, locator, raw in parse_items(m.group("body")):
            ref = etree.SubElement(sup, "a")
            ref.set("class", "cite-ref")
            if key is None:
                ref.set("data-cite-raw", raw)
            else:
                ref.set("data-cite", key)
            if locator:
                ref.set("data-locator", locator)
            if src:
                ref.set("data-src", src)
        return sup, m.start(0), m.end(0)


class CitationExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtension(self)
        SourcePositionExtension().extendMarkdown(md)
        # 175: above links (160) and references (170), so `[@key]` is never taken
        # for a reference link; below backticks (190), so code spans stay literal.
        md.inlinePatterns.register(CitationProcessor(CITE_PATTERN, md), "citation", 174)


def makeExtension(**kwargs):
    return CitationExtension(**kwargs)
