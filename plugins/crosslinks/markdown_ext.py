"""Python-Markdown extension for cross-links between briefs: `[[slug]]`,
`[[slug|text]]`, `[[slug#section]]` and `[[slug#section|text]]`.

A Markdown conversion sees one document, so the extension cannot know whether the
target exists or what its title is. It emits a placeholder that carries the slug,
the section and the source position; the Pelican side (`resolve.py`) fills in the
href, the default text and the preview data once every document has been read.

    [[black-sea-deal#terms|the terms]]
    -> <a class="xref" data-xref="black-sea-deal" data-xref-section="terms"
          data-src="12:5">the terms</a>
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from sourcepos import MARK, SourcePositionExtension, position

# No "[" inside: a slug never holds one, and a line of 50,000 "[[" is then scanned once, not
# once per "[[" (which made the lint quadratic).
XREF_PATTERN = r"\[\[" + MARK + r"(?P<target>[^\[\]|\n]*?)(?:\|(?P<text>[^\[\]\n]*))?\]\]"


class CrossLinkProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        slug, _, section = m.group("target").strip().partition("#")
        el = etree.Element("a")
        el.set("class", "xref")
        el.set("data-xref", slug.strip())
        if section.strip():
            el.set("data-xref-section", section.strip())
        src = position(m)
        if src:
            el.set("data-src", src)
        el.text = (m.group("text") or "").strip()
        return el, m.start(0), m.end(0)


class CrossLinkExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtension(self)
        SourcePositionExtension().extendMarkdown(md)
        # 175: above links (160) and references (170), so `[[x]]` is never read as
        # a reference link `[x]`; below backticks (190), so code spans stay literal.
        md.inlinePatterns.register(CrossLinkProcessor(XREF_PATTERN, md), "crosslink", 175)


def makeExtension(**kwargs):
    return CrossLinkExtension(**kwargs)
