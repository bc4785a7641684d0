"""Verified quotes: a quote cited to a source whose saved copy has a fingerprint
(`content/fingerprints/<source-id>.json`, made by `make fingerprint`) and found in
it word for word is marked on the page with `<q class="verified">` and a ✓.

Checking is the lint's job (`make check`; every build runs its rules too): a quote that
does not match its fingerprinted source stops the build there. This plugin only
marks the quotes that do match, with the same rules (`scan.py`).

Signals:
- `all_generators_finalized` (connect after `citations`: it reads the resolved
  `href="#source-KEY"` of each citation marker). Marking here rather than in a
  Markdown extension keeps Pelican's content cache correct when a fingerprint
  changes but the brief does not.

Settings: `QUOTES_FINGERPRINTS` (default `<PATH>/fingerprints`);
`QUOTES_EXPLAINED_AT` (default `about#quote-verification`: the ✓ links there when
that page exists; empty to switch off).
"""

from __future__ import annotations

import logging
import os

from .fingerprint import fingerprints_dir, load_dir

log = logging.getLogger(__name__)


def _explained_at(documents, setting: str | None):
    slug, _, section = (setting or "").partition("#")
    for doc in documents:
        if slug and doc.slug == slug:
            return "{filename}/" + doc.relative_source_path + (f"#{section}" if section else "")
    return None


def mark_all(generators):
    from briefs import all_documents

    from .html import mark_verified

    if not generators:
        return
    settings = generators[0].settings
    folder = fingerprints_dir(settings)
    prints, problems = load_dir(folder, os.path.relpath(folder, os.path.dirname(settings["PATH"])))
    for problem in problems:  # the lint reports them as errors before any build gets here
        log.warning("quotes: %s", problem.format())
    if not prints:
        return
    documents = all_documents(generators)
    link = _explained_at(documents, settings.get("QUOTES_EXPLAINED_AT", "about#quote-verification"))
    for doc in documents:
        doc._content, doc.verified_quotes = mark_verified(doc._content, prints, link)


def register():
    from pelican import signals

    signals.all_generators_finalized.connect(mark_all)
