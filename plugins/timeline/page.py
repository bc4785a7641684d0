"""The site-wide timeline page (`/timeline/`): every event of every published
brief, oldest first, written by a Pelican generator in the writer phase.

An event's HTML was written for its brief's page, so before it can stand on another
page its links are rewritten: cross-links through Pelican's own `{filename}`
replacement (relative or absolute per SITEURL), citation markers to the brief's
source entry, and ids dropped (they belong to the brief, and would repeat here).

One event, one row: items of several briefs that carry the same explicit id
(`- 2025-04-30: … {#minerals-agreement-signed}`) are the same event. The row shows the
text of the first of those briefs (by title), links every brief that tells it, and
lists the union of their sources (see CONTRIBUTING.md, "Add a timeline event").
"""

from __future__ import annotations

import re

from markupsafe import Markup
from pelican.generators import Generator

from briefs import page_siteurl

CITE_RE = re.compile(r'<a class="cite-ref"(?P<attrs>[^>]*)>')
HREF_RE = re.compile(r'\shref="#(source-[^"]*)"')
ID_RE = re.compile(r'\sid="[^"]*"')
DATA_SRC_RE = re.compile(r'\sdata-src="[^"]*"')

DEFAULT_SAVE_AS = "timeline/index.html"


def for_page(event_html: str, brief, siteurl: str) -> str:
    """An event's HTML as it appears on a page other than its brief."""
    brief_url = f"{siteurl}/{brief.url}"

    def cite(m):
        attrs = HREF_RE.sub(lambda h: f' href="{brief_url}#{h.group(1)}"', m.group("attrs"))
        return f'<a class="event-cite"{attrs}>'

    text = CITE_RE.sub(cite, event_html)
    text = ID_RE.sub("", text)
    text = DATA_SRC_RE.sub("", text)
    return brief._update_content(text, siteurl)


def sort_key(event):
    brief = event["brief"]
    return (event["date"], brief.title, brief.slug, event["order"])


SOURCE_KEY_RE = re.compile(r'href="#source-([^"]+)"')


def rows(events: list) -> list[list]:
    """Events grouped into rows, in timeline order: one row per event, where items of
    several briefs with the same explicit id (and date) are one event."""
    grouped: dict = {}
    out = []
    for event in sorted(events, key=sort_key):
        if event.get("explicit"):
            key = (event["date"], event["anchor"])
            if key in grouped:
                grouped[key].append(event)
                continue
            grouped[key] = [event]
            out.append(grouped[key])
        else:
            out.append([event])
    return out


def source_keys(group: list) -> list[str]:
    """The sources an event's items cite, in order of first appearance, each once."""
    keys: list[str] = []
    for event in group:
        for key in SOURCE_KEY_RE.findall(event["html"]):
            if key not in keys:
                keys.append(key)
    return keys


class TimelineGenerator(Generator):
    """Writes TIMELINE_SAVE_AS (default `timeline/index.html`) with template `timeline`."""

    def generate_output(self, writer):
        save_as = self.settings.get("TIMELINE_SAVE_AS", DEFAULT_SAVE_AS)
        if not save_as:
            return
        siteurl = page_siteurl(self.settings, save_as)
        registry = self.context.get("citations_registry")
        known = registry.sources if registry is not None else {}
        events = []
        for group in rows(self.context.get("timeline_events", [])):
            first = group[0]
            merged = len(group) > 1
            events.append({
                "date": first["date"],
                "html": Markup(for_page(first["html"], first["brief"], siteurl)),
                "brief": first["brief"],
                "anchor": first["anchor"],
                # every brief that tells it, and (for a merged row) the union of their sources
                "tellings": [(e["brief"], e["anchor"]) for e in group],
                "sources": [(key, known[key]) for key in source_keys(group) if key in known] if merged else [],
            })
        writer.write_file(
            save_as,
            self.get_template("timeline"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            events=events,
        )
