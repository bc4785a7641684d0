"""Timeline: the dated events of each brief, and the site-wide `/timeline/` page.

Events are the list items directly under a brief's `## Timeline` heading, each
starting with an ISO date and a colon: `- 2025-03-18: text [@key]`.

Signals:
- `all_generators_finalized` (connect after `citations`, so citation markers are
  already numbered): rewrite each item to `<li id="event-DATE-N"><time …>` in the
  brief, set `brief.events`, report items without a valid date to `problems`, and
  leave the published briefs' events in the context (`timeline_events`).
- `get_generators`: add the generator that writes `/timeline/` in the writer phase,
  so the page gets the writer's relative SITEURL like any other (the pattern of
  pelican-plugins' sitemap, which also keeps it working under autoreload).

Settings: `TIMELINE_SAVE_AS` (default `timeline/index.html`; empty to switch off).
"""

from __future__ import annotations

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

from briefs import all_documents, page_siteurl
from briefs.memo import LastBuild
from problems import report

from .events import parse
from .page import TimelineGenerator


def _reader(path):
    def read():
        with open(path, encoding="utf-8") as f:
            return f.read()

    return read


_last = LastBuild("timeline")  # `parse` is a pure function of (path, HTML, As_of): reused for the same three (the HTML compared, not trusted)


def collect(generators):
    _last.next_build()
    published = set()
    for gen in generators:
        published.update(id(a) for a in getattr(gen, "articles", []) or [])
    site_events = []
    for doc in all_documents(generators):
        if not isinstance(doc, Article):
            continue
        as_of = doc.metadata.get("as_of")
        parsed = _last.get((doc.source_file, doc._content, as_of),
                           lambda doc=doc: parse(doc._content, doc.source_file, _reader(doc.source_path), as_of))
        for problem in parsed.problems:
            report(problem)
        doc._content = parsed.content
        siteurl = page_siteurl(doc.settings, doc.save_as)
        doc.events = [
            {"date": e["date"], "html": Markup(doc._update_content(e["html"], siteurl)),
             "anchor": e["anchor"], "brief": doc}
            for e in parsed.events
        ]
        if id(doc) in published:
            site_events.extend({**e, "brief": doc} for e in parsed.events)
    if generators:
        generators[0].context["timeline_events"] = site_events


def get_generators(_pelican):
    return TimelineGenerator


def register():
    signals.all_generators_finalized.connect(collect)
    signals.get_generators.connect(get_generators)
