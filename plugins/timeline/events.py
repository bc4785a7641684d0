"""Timeline events of one brief: the list items directly under its `## Timeline`
heading, each starting with an ISO date and a colon.

    - 2025-03-18: Trump and Putin speak by phone. [@key]
    -> <li id="event-2025-03-18-1"><time datetime="2025-03-18">18 March 2025</time>
       Trump and Putin speak by phone. <sup class="cite">…</sup></li>

Works on the brief's HTML after the citations plugin has numbered its markers, and
changes only the items it rewrites (the rest of the page stays byte for byte as
Markdown wrote it). An item without a valid date is a located problem; list items
carry no source position, so the item's line is found in the Markdown file by its
text (then by its order under the heading, then the heading's own line).
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field

from briefs.dates import longdate
from briefs.frontmatter import is_iso_day
from problems import ERROR, Problem
from sourcepos import FENCE_RE

HEADING_ID = "timeline"
HEADING_RE = re.compile(r'<h2\b[^>]*\sid="timeline"[^>]*>.*?</h2>', re.S)
NEXT_HEADING_RE = re.compile(r"<h[1-6][\s>]")
LIST_TAG_RE = re.compile(r"<(/?)(ul|ol|li)\b([^>]*)>")
ID_ATTR_RE = re.compile(r'\sid="([^"]*)"')
# The date opens the item's text, after an optional <p> (a "loose" list item).
DATE_RE = re.compile(r"^(\s*(?:<p>)?\s*)(\d{4}-\d{2}-\d{2}):\s*")
TAG_RE = re.compile(r"<[^>]+>")
CITE_SUP_RE = re.compile(r'<sup class="cite">.*?</sup>', re.S)
NESTED_LIST_RE = re.compile(r"<[uo]l\b")
# An event id written at the end of the item, `- 2025-04-30: … [@key] {#fund-signed}`: the
# item's anchor, and what makes items of several briefs one event on the site timeline.
EVENT_ID_RE = re.compile(r"\s*\{:?\s*#([A-Za-z][\w-]*)\s*\}(\s*(?:</p>)?\s*)$")

# Markdown source side.
SOURCE_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
SOURCE_ITEM_RE = re.compile(r"^( {0,3})(?:[-*+]|\d{1,9}[.)])[ \t]+(\S.*)$")
EXPLICIT_ID_RE = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")


@dataclass
class Item:
    """One top-level list item under the heading, as spans of the document's HTML."""

    start: int  # of `<li`
    body_start: int  # just after `<li ...>`
    body_end: int  # at `</li>`
    attrs: str


@dataclass
class Parsed:
    content: str
    events: list = field(default_factory=list)  # {"date", "html", "anchor"}
    problems: list = field(default_factory=list)


def timeline_section(content: str) -> tuple[int, int, int] | None:
    """(heading start, section start, section end) of `<h2 id="timeline">`, or None."""
    m = HEADING_RE.search(content or "")
    if not m:
        return None
    nxt = NEXT_HEADING_RE.search(content, m.end())
    return m.start(), m.end(), nxt.start() if nxt else len(content)


def top_level_items(content: str, start: int, end: int) -> list[Item]:
    """List items of the lists that sit directly in content[start:end] (nested lists excluded)."""
    items, lists = [], 0
    current = None
    for m in LIST_TAG_RE.finditer(content, start, end):
        closing, tag = m.group(1), m.group(2)
        if tag in ("ul", "ol"):
            lists += -1 if closing else 1
        elif lists == 1 and not closing:
            current = Item(m.start(), m.end(), -1, m.group(3))
        elif lists == 1 and closing and current is not None:
            current.body_end = m.start()
            items.append(current)
            current = None
    return items


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(TAG_RE.sub(" ", fragment)).split())


def item_text(body: str) -> str:
    """An item's own words as written: no citation markers, no nested list."""
    own = NESTED_LIST_RE.split(body, 1)[0]
    return plain_text(CITE_SUP_RE.sub("", own))


def shorten(text: str, limit: int = 40) -> str:
    """At most `limit` characters, cut at a word boundary where there is one."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def unwrap_paragraph(fragment: str) -> str:
    """The inside of a loose item's single <p>, so the event text is phrasing content."""
    inner = fragment.strip()
    if inner.startswith("<p>") and inner.endswith("</p>") and inner.count("<p>") == 1:
        return inner[3:-4]
    return inner


# --- Where an item was written ----------------------------------------------------

def _key(text: str) -> str:
    """Letters and digits only: survives smart quotes, dashes and emphasis markers."""
    return re.sub(r"\W+", "", text.casefold())


def source_items(source: str) -> tuple[int, list[tuple[int, int, str]]]:
    """(heading line, [(line, col, text)]) for the top-level list items of the
    Markdown section headed `## Timeline` (or `{#timeline}`); (0, []) if none."""
    heading, items, fence = 0, [], None
    for number, line in enumerate(source.splitlines(), start=1):
        opened = FENCE_RE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        h = SOURCE_HEADING_RE.match(line)
        if h:
            if heading:
                break
            explicit = EXPLICIT_ID_RE.search(h.group(2))
            title = EXPLICIT_ID_RE.sub("", h.group(2)).strip()
            if len(h.group(1)) == 2 and (
                (explicit and explicit.group(1) == HEADING_ID) or (not explicit and title.lower() == HEADING_ID)
            ):
                heading = number
            continue
        if heading:
            m = SOURCE_ITEM_RE.match(line)
            if m:
                items.append((number, m.start(2) + 1, m.group(2)))
    return heading, items


def locate(source: str, text: str, order: int) -> tuple[int, int]:
    """1-based (line, col) of the `order`-th (0-based) timeline item whose text is `text`."""
    heading, items = source_items(source)
    if not heading:
        return 1, 1
    needle = _key(text)[:24]
    if needle:
        found = [i for i, (_, _, raw) in enumerate(items) if _key(raw).startswith(needle)]
        if found:
            pick = order if order in found else found[0]
            return items[pick][0], items[pick][1]
    if order < len(items):
        return items[order][0], items[order][1]
    return heading, 1


# --- One document -----------------------------------------------------------------

def parse(content: str, path: str, read_source, as_of: str | None = None) -> Parsed:
    """Rewrite the timeline items of one document's HTML.

    `read_source()` returns the Markdown text; it is called only to locate a problem.
    `as_of`, the brief's ISO `As_of`: an event after it is an error, since `As_of` is the
    date of the brief's newest fact and the page tells readers it is current to that day."""
    section = timeline_section(content)
    if section is None:
        return Parsed(content)
    _, start, end = section
    result = Parsed(content)
    counts: dict[str, int] = {}
    out, last = [], 0

    for order, item in enumerate(top_level_items(content, start, end)):
        body = content[item.body_start : item.body_end]
        m = DATE_RE.match(body)
        problem = None
        if m is None:
            problem = ("timeline event expected an ISO date and a colon ('YYYY-MM-DD: text') "
                       f"but received: '{shorten(item_text(body))}'")
        else:
            try:
                datetime.date.fromisoformat(m.group(2))
            except ValueError:
                problem = f"timeline event date '{m.group(2)}' is not a calendar date"
        if problem is None and as_of and is_iso_day(as_of) and m.group(2) > as_of:
            problem = (f"timeline event dated {m.group(2)} is after the brief's As_of {as_of}: As_of is "
                       "the date of the newest fact, so move it forward (or correct the event's date)")
        if problem:
            line, col = locate(read_source(), item_text(body), order)
            result.problems.append(Problem(path, line, col, ERROR, problem, "timeline"))
            continue

        day = m.group(2)
        counts[day] = counts.get(day, 0) + 1
        rest = body[m.end() :]
        written = EVENT_ID_RE.search(rest)
        if written:
            rest = rest[: written.start()] + written.group(2)
        existing = ID_ATTR_RE.search(item.attrs)
        explicit = written.group(1) if written else existing.group(1) if existing else None
        anchor = explicit or f"event-{day}-{counts[day]}"
        attrs = ID_ATTR_RE.sub("", item.attrs) if written else item.attrs
        start_tag = f"<li{attrs}>" if existing and not written else f'<li id="{anchor}"{attrs}>'
        new_body = f'{m.group(1)}<time datetime="{day}">{longdate(day)}</time> {rest}'
        out.append(content[last : item.start])
        out.append(start_tag + new_body)
        last = item.body_end
        result.events.append({"date": day, "html": unwrap_paragraph(rest), "anchor": anchor, "order": order,
                              "explicit": explicit is not None})

    out.append(content[last:])
    result.content = "".join(out)
    return result
