"""Currency a reader can see: which period the site covers, when it was last brought up
to date, and which briefs stop well before that.

Everything is derived from the content, so nothing is typed twice and a build depends only
on its commit, never on the day it runs:
- `coverage` (in the shared context): `start`, the earliest day a brief's topic began (its
  front-matter `Date`, kept by plugins/history as `began`); `end`, the newest `As_of` of any
  brief (the newest fact on the site); `updated`, the last commit that changed content (None
  outside git).
- on each brief, `behind_days`: how far its `As_of` lies behind `coverage.end`, and `stale`,
  true when that is more than CURRENCY_STALE_DAYS (60). A stale brief says, on its page and in
  its previews, "Current to 18 April 2025; later events are not covered here." How long ago
  that is in the reader's own time is added in the browser (theme/static/currency.js): the
  built page stays the same whatever day it is built.

Signal: `all_generators_finalized`, after `briefs` and `history` (see PLUGINS).
"""

from __future__ import annotations

import datetime

STALE_DAYS = 60


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def annotate(briefs: list, documents: list, stale_days: int = STALE_DAYS) -> dict:
    """Set `behind_days` and `stale` on each brief; return the site's coverage."""
    as_of = [d for d in (_day(getattr(b, "as_of", None)) for b in briefs) if d]
    began = [d for d in (_day(getattr(b, "began", None) or getattr(b, "date", None)) for b in briefs) if d]
    changed = [d for d in (_day(getattr(doc, "modified_on", None)) for doc in documents) if d]
    coverage = {"start": min(began, default=None), "end": max(as_of, default=None),
                "updated": max(changed, default=None)}
    for brief in briefs:
        day = _day(getattr(brief, "as_of", None))
        brief.behind_days = (coverage["end"] - day).days if day and coverage["end"] else 0
        brief.stale = brief.behind_days > stale_days
    return coverage


def run(generators):
    if not generators:
        return
    from briefs import all_documents

    documents = all_documents(generators)
    briefs = [d for d in documents if d.__class__.__name__ == "Article"]
    settings = generators[0].settings
    coverage = annotate(briefs, documents, int(settings.get("CURRENCY_STALE_DAYS", STALE_DAYS)))
    for generator in generators:
        generator.context["coverage"] = coverage


def register():
    from pelican import signals

    signals.all_generators_finalized.connect(run)
