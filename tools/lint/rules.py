"""The lint's own rules, on the Markdown source (the build cannot see these):

- `crosslink` / `citation`: `[[` or `[@` that no syntax consumed (unclosed).
- `uncited`: a body paragraph or list item without a citation.
- `quote`: a quotation without a citation in the same sentence; unpaired marks.
- `quote-match`: a quotation not found word for word in its cited source's fingerprint.
- `quote-unverified` (warning): a quotation of five words or more cited to a source without a
  fingerprint, which therefore cannot be checked.
- `near-copy`: a sentence, outside quotation marks, that follows the wording of any
  fingerprinted source (plugins/quotes/wording.py); briefs and pages alike.
- `html`: raw <script>, <iframe>, <object>, <embed>, on*= handlers, javascript: URLs.
- `as-of`: a brief whose facts are older than LINT_MAX_AGE_DAYS (a warning).
- `scaffold`: a summary still as `make new` wrote it (a warning).

Who is held to the sourcing rules (`uncited`, `quote`): every brief, except one
with its own `Template:`; a page (content/pages/) or a templated brief only once it
cites a source. In a page, the paragraphs before the first heading introduce the
page itself and need no citation.
"""

from __future__ import annotations

import datetime
import html
import re

from briefs.frontmatter import is_iso_day
from citations.markdown_ext import CITE_PATTERN, parse_items
from crosslinks.markdown_ext import XREF_PATTERN
from problems import WARNING
from quotes.fingerprint import WORD_RE
from quotes import wording
from quotes.scan import CITE, SENTENCE_END_RE, find, quote_text, verify
from sourcepos import FENCE_RE

CODE_SPAN_RE = re.compile(r"(`+).+?\1")
XREF_RE = re.compile(XREF_PATTERN)
CITE_RE = re.compile(CITE_PATTERN)
OPENING_RE = re.compile(r"\[\[|\[@")
# The bracket (and "<") excluded inside keeps each scan linear on a line of thousands of
# unclosed "[" (or "<"): every start fails at the next one instead of at the line's end.
LINK_AFTER_RE = re.compile(r"\[@[^\[\]\n]*\]\(")
LINK_RE = re.compile(r"(!?)\[([^\[\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")
TAG_RE = re.compile(r"<[^<>\n]*>")
SOURCED_KINDS = ("paragraph", "item", "quote", "table")

# Raw HTML that would run code or pull in another site (the pages' CSP would block
# most of it in the browser; the lint stops it before it is published at all).
RAW_TAG_RE = re.compile(r"<\s*(script|iframe|object|embed)\b", re.I)
OPEN_TAG_RE = re.compile(r"<[A-Za-z][\w-]*(?:\s[^<>]*)?>", re.S)
HANDLER_RE = re.compile(r"\s(on[a-z]+)\s*=", re.I)
SCRIPT_URL_RE = re.compile(r"\b(javascript|vbscript)\s*:", re.I)
TAG_MESSAGES = {
    "script": "raw <script> is not allowed: the site runs only its own scripts",
    "iframe": "raw <iframe> is not allowed: the site makes no third-party requests; link to the page instead",
    "object": "raw <object> is not allowed: the site makes no third-party requests; link to the page instead",
    "embed": "raw <embed> is not allowed: the site makes no third-party requests; link to the page instead",
}
FINAL_STATUSES = ("expired", "rejected")
# What `make new` puts in a new brief's summary; a warning until it is rewritten.
SCAFFOLD_MARK = "(replace this sentence)"


# --- A block as flat text ----------------------------------------------------------

def flatten(block, doc) -> tuple[str, dict]:
    """(flat text of `block`, {index of CITE: [keys]}); reports unclosed `[[` / `[@`.

    Code spans, link destinations, HTML tags and syntax are blanked to spaces of
    the same length, so an index in the flat text is an index in `block.text`."""
    out, cites = [], {}
    base = 0
    for number, offset, text in block.lines:
        chars = list(text)
        used = bytearray(len(text) + 1)  # 1 where an earlier pass consumed the character

        def blank(a, b, chars=chars):
            chars[a:b] = " " * (b - a)

        def free(a, used=used):
            return not used[a]

        def take(span, used=used):
            used[span[0]:span[1]] = b"\1" * (span[1] - span[0])

        for m in CODE_SPAN_RE.finditer(text):
            blank(*m.span())
            take(m.span())
        for m in XREF_RE.finditer(text):
            if not free(m.start()):
                continue
            keep = m.span("text") if m.group("text") else (m.end(), m.end())
            blank(m.start(), keep[0])
            blank(keep[1], m.end())
            take(m.span())
        for m in CITE_RE.finditer(text):
            if not free(m.start()):
                continue
            blank(*m.span())
            chars[m.start()] = CITE
            cites[base + m.start()] = [key for key, _, _ in parse_items(m.group("body")) if key]
            take(m.span())
        unclosed: dict[str, list[int]] = {}  # kind -> columns, reported once per line
        for m in OPENING_RE.finditer(text):
            if not free(m.start()):
                continue
            if m.group() == "[[":
                unclosed.setdefault("crosslink", []).append(offset + m.start() + 1)
            elif not LINK_AFTER_RE.match(text, m.start()):
                unclosed.setdefault("citation", []).append(offset + m.start() + 1)
                block.meant_to_cite = True  # so it is not also reported as uncited
        for rule, columns in unclosed.items():
            more = f" ({len(columns) - 1:,} more on this line)" if len(columns) > 1 else ""
            expected = "[[slug]]" if rule == "crosslink" else "[@key]"
            what = "cross-link" if rule == "crosslink" else "citation"
            doc.problem(number, columns[0], f"unclosed {what}: expected {expected} on one line{more}", rule)
        for m in LINK_RE.finditer(text):
            if not free(m.start()):
                continue
            if m.group(1):  # an image: its alt text is not prose
                blank(*m.span())
            else:
                blank(m.start(), m.start(2))
                blank(m.end(2), m.end())
        for m in TAG_RE.finditer(text):
            if free(m.start()):
                blank(*m.span())
        for m in re.finditer(r'\\"', text):  # an escaped mark is a literal character, not a quote
            blank(*m.span())
        out.append("".join(chars))
        base += len(text) + 1
    return "\n".join(out), cites


# --- Rules -------------------------------------------------------------------------

def held_to_sourcing(doc) -> bool:
    """Briefs are; pages and templated briefs once they cite anything (see the module docstring)."""
    if doc.kind == "brief" and not doc.field("template"):
        return True
    return any(CITE in flat for _, flat, _ in doc.flat_blocks)


def check_blocks(doc, fingerprints: dict, quote_log: list | None = None) -> None:
    doc.flat_blocks = []
    for block in doc.blocks:
        if block.kind == "html":
            continue
        flat, cites = flatten(block, doc)
        doc.flat_blocks.append((block, flat, cites))
    sources = {key: (fp.wording, fp.wording_bits) for key, fp in fingerprints.items() if fp.wording}
    if sources:
        for block, flat, _ in doc.flat_blocks:
            check_wording(doc, block, flat, sources)
    if not held_to_sourcing(doc):
        return
    for block, flat, cites in doc.flat_blocks:
        if block.kind not in SOURCED_KINDS or (doc.kind != "brief" and block.intro):
            continue
        if not cites and not block.meant_to_cite and not _exempt(block, flat, doc.blocks):
            what = "list item" if block.kind == "item" else "paragraph"
            doc.problem(block.line, block.col, f"{what} has no citation: add [@key] for the source of its facts",
                        "uncited")
        _check_quotes(doc, block, flat, cites, fingerprints, quote_log)


def _exempt(block, flat, all_blocks) -> bool:
    """A lead-in to a list ('Moscow asked for three things:') is covered by the
    list's citations; a line of cross-links only ('See also [[x]].') states no fact."""
    following = all_blocks[all_blocks.index(block) + 1 :]
    if flat.rstrip().endswith(":") and following and following[0].kind == "item":
        return True
    prose = XREF_RE.sub(" ", block.text)
    return bool(XREF_RE.search(block.text)) and len(WORD_RE.findall(prose)) <= 3


def _check_quotes(doc, block, flat, cites, fingerprints, quote_log) -> None:
    quotes, strays = find(flat)
    for stray in strays:
        line, col = block.position(stray.index)
        if stray.kind == "unclosed":
            doc.problem(line, col, "quotation mark opens a quote that is never closed", "quote")
        else:
            doc.problem(line, col, "closing quotation mark without an opening one", "quote")
    for q in quotes:
        text = quote_text(flat, q)
        if not WORD_RE.search(text):
            continue
        line, col = block.position(q.start)
        if q.cite is None:
            doc.problem(line, col, "quotation has no citation in the same sentence: add [@key] after it", "quote")
            if quote_log is not None:
                quote_log.append((doc.source_file, line, col, "uncited", "", text))
            continue
        keys = cites.get(q.cite, [])
        verdict = verify(text, keys, fingerprints)
        if verdict.status == "unverified" and len(WORD_RE.findall(text)) >= 5:
            missing = [k for k in dict.fromkeys(keys) if k not in fingerprints]
            if missing:
                doc.problem(line, col, f"quotation cited to '{missing[0]}', which has no fingerprint, so it is not "
                            f"checked word for word: save the page and run make fingerprint SOURCE={missing[0]} "
                            "FILE=<saved page>", "quote-unverified", WARNING)
        if verdict.status == "mismatch":
            where = block.position(q.start + 1 + verdict.offset)
            names = " or ".join(f"'{k}'" for k in verdict.sources)
            copies = "copy" if len(verdict.sources) == 1 else "copies"
            doc.problem(*where, f"quotation is not word for word in the saved {copies} of {names}: "
                        f"first difference near '{verdict.word}'", "quote-match")
        if quote_log is not None:
            quote_log.append((doc.source_file, line, col, verdict.status, ", ".join(verdict.sources or keys), text))


def check_wording(doc, block, flat: str, sources: dict) -> None:
    """`near-copy`: each sentence of the block judged against every source's wording."""
    if block.kind == "code":
        return
    quotes = [(q.start, q.end + 1) for q in find(flat)[0]]
    start = 0
    for end in [m.end() for m in SENTENCE_END_RE.finditer(flat)] + [len(flat)]:
        skip = [(max(a, start) - start, min(b, end) - start) for a, b in quotes if a < end and b > start]
        found = wording.judge(flat[start:end], sources, skip)
        if found:
            begins = start + len(flat[start:end]) - len(flat[start:end].lstrip())
            doc.problem(*block.position(begins),
                        f"this sentence follows the wording of {found.source} ({found.covered} of {found.total} "
                        "content words in the source's order); say it in your own words or quote it", "near-copy")
        start = end


def check_html(doc) -> None:
    """Raw HTML that runs code or embeds another site, anywhere in the body but code."""
    if "<" not in doc.text and "&" not in doc.text and "script" not in doc.text.lower():
        return  # none of the patterns below can match (most briefs)
    lines, fence = [], None
    for index, raw in enumerate(doc.lines):
        if index < doc.body_start:
            lines.append(" " * len(raw))
            continue
        opened = FENCE_RE.match(raw)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            lines.append(" " * len(raw))
            continue
        if opened:
            fence = opened.group(1)
            lines.append(" " * len(raw))
            continue
        lines.append(CODE_SPAN_RE.sub(lambda m: " " * len(m.group()), raw))
    body = "\n".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def at(offset):
        import bisect

        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    for m in RAW_TAG_RE.finditer(body):
        doc.problem(*at(m.start()), TAG_MESSAGES[m.group(1).lower()], "html")
    for tag in OPEN_TAG_RE.finditer(body):
        for m in HANDLER_RE.finditer(tag.group()):
            doc.problem(*at(tag.start() + m.start(1)), f"event-handler attribute '{m.group(1)}' is not allowed: "
                        "the site runs only its own scripts", "html")
    for number, line in enumerate(lines, start=1):
        decoded = html.unescape(line) if "&" in line else line
        m = SCRIPT_URL_RE.search(line) or SCRIPT_URL_RE.search(decoded)
        if m:
            col = m.start() + 1 if SCRIPT_URL_RE.search(line) else 1
            doc.problem(number, col, f"'{m.group(1).lower()}:' URLs are not allowed: link to a web page (https://...)",
                        "html")


def check_as_of(doc, today: datetime.date, max_age_days: int) -> None:
    """A reminder, not an error: the brief's facts may have moved on. `As_of` is the date of
    the newest fact, which stays old when nothing newer has happened or been reported; an
    editor who has looked for newer reporting says so with `Reviewed:`, and the reminder
    counts from that day instead."""
    value, line = doc.header.get("as_of", ("", 0))
    if doc.kind != "brief" or not is_iso_day(value):
        return
    age = (today - datetime.date.fromisoformat(value)).days
    if age < 0:
        doc.problem(line, 1, f"As_of {value} is in the future (today is {today.isoformat()})", "as-of", WARNING)
        return
    reviewed, reviewed_line = doc.header.get("reviewed", ("", 0))
    if is_iso_day(reviewed):
        since = (today - datetime.date.fromisoformat(reviewed)).days
        if since < 0:
            doc.problem(reviewed_line, 1, f"Reviewed {reviewed} is in the future (today is {today.isoformat()})",
                        "as-of", WARNING)
        elif since > max_age_days and doc.field("status").lower() not in FINAL_STATUSES:
            doc.problem(reviewed_line, 1, f"last reviewed {since} days ago (more than {max_age_days}): look for "
                        "newer reporting, then update the brief and As_of, or just Reviewed", "as-of", WARNING)
        return
    if age > max_age_days and doc.field("status").lower() not in FINAL_STATUSES:
        doc.problem(line, 1, f"As_of {value} is {age} days old (more than {max_age_days}): look for newer "
                    "reporting, then update the brief and As_of, or add 'Reviewed: YYYY-MM-DD' if there is "
                    "nothing newer", "as-of", WARNING)


def check_restated_summary(doc) -> None:
    """In short must add to the Summary shown right above it. It reads only this file, so its
    result is kept with the file's other problems (tools/lint/cache.py) and not redone."""
    if doc.kind != "brief":
        return
    from .across import restated_summary

    doc.problems += restated_summary(doc.source_file, doc.lines)


def check_scaffold(doc) -> None:
    value, line = doc.header.get("summary", ("", 0))
    if SCAFFOLD_MARK in value:
        doc.problem(line, 1, "summary is still the placeholder from `make new`: write one plain sentence "
                    "about the brief", "scaffold", WARNING)
