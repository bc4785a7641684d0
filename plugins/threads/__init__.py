"""Threads: the briefs grouped into the few threads of the story, a "start here" path, and
the latest updates, for the home page and one page per thread (`/threads/<id>/`).

Editors define the threads, in story order, and the start-here path in
`content/threads.yaml` (registry.py) and place each brief with `Thread: <id>` (check.py).
A brief may say what its last change was for readers with `Changed: YYYY-MM-DD: sentence`.

Signals:
- `all_generators_finalized` (after `briefs`, which keeps each document's header, and
  `history`, which dates each file's commits): validate, set `brief.thread`, and leave in the
  shared context `threads` ([{"thread", "briefs", "url"}] in story order, briefs by the day
  their topic began), `start_here` ([brief]) and `latest_updates` ([{"brief", "date",
  "note"}], newest first); on each brief, `thread_nav` (its thread, place in it, and the
  briefs before and after it).
- `get_generators`: the generator that writes each thread's page (template `thread.html`).

Settings: `THREADS_FILE` (default `<PATH>/threads.yaml`), `THREAD_SAVE_AS` (default
`threads/{id}/index.html`; empty to switch the pages off), `LATEST_UPDATES` (default 6).
"""

from __future__ import annotations

import os

from briefs import all_documents
from briefs.dates import began_on
from briefs.frontmatter import CHANGED_RE
from problems import report

from .check import check
from .registry import Threads, load

DEFAULT_SAVE_AS = "threads/{id}/index.html"


def threads_file(settings) -> tuple[str, str]:
    """(real path, path as shown in messages) of the threads file."""
    path = settings.get("THREADS_FILE") or os.path.join(settings["PATH"], "threads.yaml")
    project = os.path.dirname(os.path.abspath(settings["PATH"]))
    return path, os.path.relpath(os.path.abspath(path), project).replace(os.sep, "/")


def thread_url(settings, thread) -> str:
    save_as = settings.get("THREAD_SAVE_AS", DEFAULT_SAVE_AS)
    return save_as.format(id=thread.id).removesuffix("index.html") if save_as else ""


def story_order(brief):
    """Within a thread: the day the topic began, then title."""
    return began_on(brief), brief.title, brief.slug


def changed_note(brief) -> tuple[str, str] | None:
    """(day, sentence) of the brief's `Changed:` note, else of its last commit, else None."""
    m = CHANGED_RE.match(str(brief.metadata.get("changed", "")).strip())
    if m:
        return m.group(1), m.group(2)
    history = getattr(brief, "history", None)
    if history:
        subject = history[0]["subject"]
        return history[0]["date"], subject if len(subject) <= 160 else subject[:159].rstrip() + "…"
    return None


def latest_updates(briefs, count: int) -> list[dict]:
    updates = []
    for brief in briefs:
        note = changed_note(brief)
        if note:
            updates.append({"brief": brief, "date": note[0], "note": note[1]})
    updates.sort(key=lambda u: (u["date"], u["brief"].title), reverse=True)
    return updates[:count]


def collect(generators):
    if not generators:
        return
    settings = generators[0].settings
    context = generators[0].context
    real, shown = threads_file(settings)
    threads: Threads = load(real, shown)
    docs = [d for d in all_documents(generators) if hasattr(d, "header")]
    for problem in threads.problems + check(docs, threads):
        report(problem)
    briefs = [a for gen in generators for a in getattr(gen, "articles", []) or []]
    by_id = threads.by_id()
    for brief in briefs:
        brief.thread = by_id.get(brief.metadata.get("thread"))
    groups = []
    for thread in threads.threads:
        members = sorted((b for b in briefs if b.thread is thread), key=story_order)
        if members:
            groups.append({"thread": thread, "briefs": members, "url": thread_url(settings, thread)})
    slugs = {b.slug: b for b in briefs}
    context["threads"] = groups
    context["start_here"] = [slugs[s] for s, *_ in threads.start_here if s in slugs]
    context["latest_updates"] = latest_updates(briefs, int(settings.get("LATEST_UPDATES", 6)))
    for group in groups:
        members = group["briefs"]
        for i, brief in enumerate(members):
            # Plain values, not the other briefs: a page is rebuilt when what it shows changes
            # (plugins/speed hashes every document a page refers to, with all it holds).
            brief.thread_nav = {
                "title": group["thread"].title, "url": group["url"], "position": i + 1, "count": len(members),
                "before": {"title": members[i - 1].title, "url": members[i - 1].url} if i else None,
                "after": {"title": members[i + 1].title, "url": members[i + 1].url} if i + 1 < len(members) else None,
            }


def get_generators(_pelican):
    from .page import ThreadPagesGenerator

    return ThreadPagesGenerator


def register():
    from pelican import signals

    signals.all_generators_finalized.connect(collect)
    signals.get_generators.connect(get_generators)
