"""Mark verified quotes in a built page's HTML.

Works on a document's HTML after the citations plugin has resolved its markers
(`<sup class="cite"><a class="cite-ref" href="#source-KEY" ...>`). The HTML is
read as flat text (tags dropped, entities decoded, each citation one CITE
character, each block element a boundary), quotes are found with `scan.find`, and
each quote verified against a fingerprint becomes

    <q class="verified" title="Checked word for word against a saved copy of the source">…</q>
    <span class="verified-mark" title="…"><span aria-hidden="true">✓</span><span class="vh"> (quote checked)</span></span>

`<q>` draws its own quotation marks, so the literal marks are dropped. A quote
that would cut an element in two is left as it was.
"""

from __future__ import annotations

import html
import re

from .scan import BLOCK, CITE, find, quote_text, verify

TITLE = "Checked word for word against a saved copy of the source"
TOKEN_RE = re.compile(r"<sup class=\"cite\">.*?</sup>|<!--.*?-->|<[^>]*>|&[#\w]+;|[^<&]+|[<&]", re.S)
TAG_NAME_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)")
SOURCE_KEY_RE = re.compile(r'href="#source-([^"]+)"')
BLOCK_TAGS = {
    "p", "li", "ul", "ol", "div", "section", "article", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "td", "th", "dd", "dt", "dl", "figure", "figcaption", "pre", "hr", "details", "summary",
}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "embed", "track"}


def flatten(content: str):
    """(flat text, [(start, end)] HTML span of each flat character, {flat index: [keys]})."""
    chars, spans, cites = [], [], {}
    for m in TOKEN_RE.finditer(content):
        tok, start, end = m.group(), m.start(), m.end()
        if tok.startswith('<sup class="cite">'):
            cites[len(chars)] = SOURCE_KEY_RE.findall(tok)
            chars.append(CITE)
            spans.append((start, end))
        elif tok.startswith("<") and len(tok) > 1:
            name = TAG_NAME_RE.match(tok)
            if name and name.group(2).lower() in BLOCK_TAGS:
                chars.append(BLOCK)
                spans.append((start, end))
        elif tok.startswith("&") and tok.endswith(";"):
            text = html.unescape(tok)
            for ch in text:
                chars.append(ch)
                spans.append((start, end))
        else:
            for i, ch in enumerate(tok):
                chars.append(ch)
                spans.append((start + i, start + i + 1))
    return "".join(chars), spans, cites


def balanced(fragment: str) -> bool:
    """True when `fragment` closes every element it opens and closes none it did not open."""
    stack = []
    for m in re.finditer(r"<!--.*?-->|<[^>]+>", fragment, re.S):
        tag = m.group()
        if tag.startswith("<!--"):
            continue
        name = TAG_NAME_RE.match(tag)
        if not name:
            continue
        closing, tag_name = name.group(1), name.group(2).lower()
        if tag_name in VOID_TAGS or tag.endswith("/>"):
            continue
        if closing:
            if not stack or stack.pop() != tag_name:
                return False
        else:
            stack.append(tag_name)
    return not stack


def mark_verified(content: str, fingerprints: dict, explained_at: str | None = None) -> tuple[str, int]:
    """(content with verified quotes marked, how many were marked)."""
    if not fingerprints or not content or not any(m in content for m in ('"', "“", "&ldquo;", "&quot;", "&#8220;")):
        return content, 0
    flat, spans, cites = flatten(content)
    quotes, _ = find(flat)
    edits = []
    for q in quotes:
        if q.cite is None:
            continue
        verdict = verify(quote_text(flat, q), cites.get(q.cite, []), fingerprints)
        if verdict.status != "verified":
            continue
        outer_start, inner_start = spans[q.start]
        inner_end, outer_end = spans[q.end]
        inner = content[inner_start:inner_end]
        if not balanced(inner):
            continue
        mark = (f'<span class="verified-mark" title="{TITLE}"><span aria-hidden="true">✓</span>'
                f'<span class="vh"> (quote checked against a saved copy of the source)</span></span>')
        if explained_at:
            mark = f'<a class="verified-link" href="{html.escape(explained_at)}">{mark}</a>'
        edits.append((outer_start, outer_end, f'<q class="verified" title="{TITLE}">{inner}</q>{mark}'))
    for start, end, replacement in reversed(edits):
        content = content[:start] + replacement + content[end:]
    return content, len(edits)
