"""Find quotations and the citation that covers each, in "flat" text.

Flat text is a paragraph as plain characters in which each citation has been
replaced by one CITE character and each block boundary is a BLOCK character. The
lint builds it from Markdown (`tools/lint`), the build plugin from HTML (`html.py`),
so both apply the same rules:

- A quotation is text between double quotation marks, straight or curly. A
  straight mark opens a quote after a space, a bracket or a dash, and closes one
  otherwise (as the smarty extension decides).
- Its citation is the first one after the closing mark, in the same sentence. A
  citation placed right after the sentence's full stop still counts
  (`... "useful". [@key]`, the timeline style).
- Ellipses (`...`, `…`) and [bracketed words] inside a quote mark the editor's
  cuts and insertions: each part between them is checked on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fingerprint import first_difference, tokens

CITE = "\ue010"
BLOCK = "\u2029"
QUOTE_MARKS = '"“”'
OPENS_AFTER = "([{—–-/" + CITE + BLOCK
# The end of a sentence: . ! or ? (after closing quotes/brackets) then space, then
# anything but a citation. Not after a lone letter (U.S., e.g.) or a title (Mr., Dr.).
SENTENCE_END_RE = re.compile(
    r"(?<!\b[A-Za-z])(?<!\b(?:Mr|Ms|Dr|St|No|vs))(?<!\bMrs)"
    r"[.!?]+[\"'”’)\]]*\s+(?=[^\s" + CITE + BLOCK + "])"
)
CUT_RE = re.compile(r"\.\s?\.\s?\.|…|\[[^\]]*\]")
MARK_RE = re.compile("[" + QUOTE_MARKS + BLOCK + "]")  # what `find` looks at: it skips the rest


@dataclass(frozen=True)
class Quote:
    start: int  # index of the opening mark
    end: int  # index of the closing mark
    cite: int | None  # index of the CITE that covers it, or None


@dataclass(frozen=True)
class StrayMark:
    index: int
    kind: str  # "unclosed" (an opening mark never closed) or "unopened"


def _role(flat: str, i: int) -> str:
    ch = flat[i]
    if ch == "“":
        return "open"
    if ch == "”":
        return "close"
    before = flat[i - 1] if i else " "
    after = flat[i + 1] if i + 1 < len(flat) else " "
    if before.isspace() or before in OPENS_AFTER:
        return "either" if after.isspace() or after in BLOCK else "open"
    return "close"


def find(flat: str) -> tuple[list[Quote], list[StrayMark]]:
    quotes, strays = [], []
    spans = []
    open_at = None
    for m in MARK_RE.finditer(flat):
        i = m.start()
        if m.group() == BLOCK:
            if open_at is not None:
                strays.append(StrayMark(open_at, "unclosed"))
                open_at = None
            continue
        role = _role(flat, i)
        if open_at is None:
            if role == "close":
                strays.append(StrayMark(i, "unopened"))
            else:
                open_at = i
        elif role == "open":
            strays.append(StrayMark(open_at, "unclosed"))
            open_at = i
        else:
            spans.append((open_at, i))
            open_at = None
    if open_at is not None:
        strays.append(StrayMark(open_at, "unclosed"))
    for start, end in spans:
        quotes.append(Quote(start, end, covering_citation(flat, end + 1)))
    return quotes, strays


def covering_citation(flat: str, after: int) -> int | None:
    cite = flat.find(CITE, after)
    block = flat.find(BLOCK, after)
    if cite < 0 or (0 <= block < cite):
        return None
    sentence_end = SENTENCE_END_RE.search(flat, after, cite)
    return None if sentence_end else cite


def quote_text(flat: str, quote: Quote) -> str:
    return flat[quote.start + 1 : quote.end].replace(CITE, " ")


# --- Checking a quote against fingerprints --------------------------------------------

@dataclass(frozen=True)
class Verdict:
    status: str  # verified | mismatch | short | unverified
    sources: tuple = ()  # verified: the source; mismatch: the fingerprinted sources checked
    offset: int = 0  # mismatch: offset in the quote text of the first differing word
    word: str = ""  # mismatch: that word as written


def _segments(text: str):
    """The quote's parts between cuts, each a list of (word, start, end)."""
    cuts = [(m.start(), m.end()) for m in CUT_RE.finditer(text)]
    bounds = [0] + [p for c in cuts for p in c] + [len(text)]
    parts = []
    for a, b in zip(bounds[0::2], bounds[1::2]):
        toks = [(w, s + a, e + a) for w, s, e in tokens(text[a:b])]
        if toks:
            parts.append(toks)
    return parts


def verify(text: str, keys, fingerprints: dict) -> Verdict:
    """Is `text` word for word in one of the cited sources' fingerprints?

    verified: every part found in one source. mismatch: every cited source has a
    fingerprint and the quote is in none of them. short: a part has fewer words
    than the fingerprint's n, so it cannot be checked. unverified: no fingerprint
    for a cited source (the quote may come from that one)."""
    keys = list(dict.fromkeys(keys))
    printed = [k for k in keys if k in fingerprints]
    parts = _segments(text)
    if not printed or not parts:
        return Verdict("unverified")
    failure, short = None, False
    for key in printed:
        fp = fingerprints[key]
        missing_part = None
        for part in parts:
            if len(part) < fp.n:
                continue
            missing = fp.missing([w for w, _, _ in part])
            if missing:
                missing_part = (part, missing)
                break
        if missing_part is None:
            if all(len(part) >= fp.n for part in parts):
                return Verdict("verified", (key,))
            short = True
            continue
        if failure is None:
            part, missing = missing_part
            index = first_difference([w for w, _, _ in part], missing, fp.n)
            failure = (part[index][1], text[part[index][1] : part[index][2]])
    if short:
        return Verdict("short")
    if failure is None or len(printed) < len(keys):
        return Verdict("unverified")
    return Verdict("mismatch", tuple(printed), failure[0], failure[1])
