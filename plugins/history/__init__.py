"""Edit link and change history of each brief and page, from git.

Sets on every document, for the templates:
- `edit_url`: REPOSITORY_URL/edit/REPOSITORY_BRANCH/<path of the Markdown file>
- `last_changed`: {"date": "2025-04-18", "commit": "1a2b3c4", "url": ".../commit/<hash>"},
  or None when the file is in no commit we can see
- `history`: [{"date", "commit", "subject", "url"}], newest first, at most HISTORY_LIMIT (10)
- `history_note`: "Not yet committed" (or why there is no history), else ""
- `published_on` / `modified_on`: YYYY-MM-DD of the file's first and last commit (None
  when not committed). `date` and `modified`, which Pelican's feeds and the sitemap
  read, become those days too: a brief's front-matter `Date` is when its *topic* began
  (kept as `began`), and search engines and feed readers must see when the *page* was
  published and last changed instead.

Dates are committer dates in UTC, so a page depends only on the commit it is built
from, never on when it was built. Not being in a git repository, a shallow clone,
or a file not yet committed are all normal: the page then says so instead.

Signals: `all_generators_finalized` (after `briefs`, which sets `source_file`), with
one `git log` for the whole content folder (`git.py`).
"""

from __future__ import annotations

import datetime
import logging
import os

from .git import read_log

log = logging.getLogger(__name__)

NOT_COMMITTED = "Not yet committed"
SHALLOW = "Change history not available in this copy"


def _url(settings, kind: str, tail: str) -> str:
    base = (settings.get("REPOSITORY_URL") or "").rstrip("/")
    return f"{base}/{kind}/{tail}" if base else ""


def annotate(documents, settings) -> None:
    limit = int(settings.get("HISTORY_LIMIT", 10))
    branch = settings.get("REPOSITORY_BRANCH") or "main"
    repo = read_log(settings["PATH"])
    if repo.error and repo.root:
        log.warning("history: %s", repo.error)
    root = os.path.realpath(repo.root) if repo.root else None
    for doc in documents:
        if root:
            path = os.path.relpath(os.path.realpath(doc.source_path), root).replace(os.sep, "/")
        else:
            path = getattr(doc, "source_file", None) or doc.relative_source_path
        doc.edit_url = _url(settings, "edit", f"{branch}/{path}")
        commits = repo.files.get(path, [])
        doc.history = [
            {"date": c.date, "commit": c.hash[:7], "subject": c.subject, "url": _url(settings, "commit", c.hash)}
            for c in commits[:limit]
        ]
        doc.began = getattr(doc, "began", doc.date if hasattr(doc, "date") else None)
        doc.published_on = commits[-1].date if commits and not repo.shallow else None
        doc.modified_on = commits[0].date if commits else None
        if doc.published_on:
            doc.date = datetime.datetime.fromisoformat(doc.published_on)
        if doc.modified_on:
            doc.modified = datetime.datetime.fromisoformat(doc.modified_on)
        doc.last_changed = dict(doc.history[0]) if doc.history else None
        if doc.last_changed:
            doc.last_changed.pop("subject")
            doc.history_note = ""
        else:
            doc.history_note = SHALLOW if repo.shallow else NOT_COMMITTED


def run(generators):
    from briefs import all_documents

    if generators:
        annotate(all_documents(generators), generators[0].settings)


def register():
    from pelican import signals

    signals.all_generators_finalized.connect(run)
