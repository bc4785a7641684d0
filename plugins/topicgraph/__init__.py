"""Topic graphs, drawn at build time as inline SVG (no JavaScript), each with a text
equivalent listing the same relations:

- on the home page, `topic_graph_svg`: the threads as columns in story order, each brief in
  its thread's column in the order the topics began, and lines only for the strongest
  relations between threads (layout.strongest_relations); `topic_graph_relations` lists them;
- on each brief, `brief.local_graph_svg`: the brief and its neighbours (the briefs it links
  to or is linked from, at most LOCAL_GRAPH_MAX, the strongest first), earlier topics on the
  left, later ones on the right; `brief.neighbours` lists them.

Both are drawn again only when what they show changes: the graphs of the last build are kept
in memory (a build process) and in Pelican's cache folder, named after the code's
fingerprint by plugins/speed (the command line), under everything that goes into each.

Signals: `all_generators_finalized`, after `crosslinks` (each document's `link_counts`),
`history` (`began`) and `threads` (`threads` in the context). Links are made for the page
they are drawn on: relative with RELATIVE_URLS, SITEURL-absolute otherwise.
"""

from __future__ import annotations

import os
import pickle
import tempfile

from markupsafe import Markup
from pelican import signals
from pelican.generators import ArticlesGenerator

from briefs import page_siteurl
from briefs.dates import began_on as began
from briefs.memo import LastBuild

from .layout import Node, day_number, local_layout, strongest_relations, threads_layout, weights
from .svg import render

HOME_TITLE = "How the threads of the story connect"
LOCAL_GRAPH_MAX = 8


def home_graph(groups: list, briefs: list, siteurl: str):
    """(svg, relations, layout) for the home page from the threads plugin's groups."""
    columns = [(g["thread"].title, f"{siteurl}/{g['url']}",
                [Node(b.slug, b.title, f"{siteurl}/{b.url}", began(b)) for b in g["briefs"]]) for g in groups]
    thread_of = {b.slug: g["thread"].id for g in groups for b in g["briefs"]}
    column_of = {b.slug: c for c, g in enumerate(groups) for b in g["briefs"]}
    counts = {b.slug: getattr(b, "link_counts", {}) for b in briefs if b.slug in thread_of}
    strength = weights(counts)
    pairs = strongest_relations(thread_of, column_of, counts, {b.slug: began(b) for b in briefs}, strength)
    key = (tuple((title, href, tuple(nodes)) for title, href, nodes in columns), tuple(pairs))
    if _home.get("key") != key:  # in a build process, most edits leave the picture as it was
        layout = threads_layout(columns, pairs)
        count = len(layout.boxes)
        desc = (f"{len(columns)} threads in story order, {count} brief{'s' * (count != 1)}, each a link to the brief; "
                f"{len(pairs)} line{'s' * (len(pairs) != 1)} join briefs of different threads that link to each "
                "other most. The same relations are listed after the picture.")
        _home.update(key=key, layout=layout, svg=render(layout, HOME_TITLE, desc, "topic-graph"))
    by_slug = {b.slug: b for b in briefs}
    relations = [{"a": by_slug[a], "b": by_slug[b], "links": strength[(a, b)]} for a, b in pairs]
    relations.sort(key=lambda r: (column_of[r["a"].slug], r["a"].title, r["b"].title))
    return _home["svg"], relations, _home["layout"]


_home: dict = {}  # the home graph of the last build: its inputs ("key"), "layout" and "svg"


def incoming_links(briefs) -> dict:
    """slug -> {slug of a brief linking to it: how many links}, in one pass over all links."""
    incoming: dict = {}
    for other in briefs:
        for slug, count in getattr(other, "link_counts", {}).items():
            incoming.setdefault(slug, {})[other.slug] = count
    return incoming


def neighbours(brief, by_slug: dict, incoming: dict, limit: int = LOCAL_GRAPH_MAX) -> list[dict]:
    """The briefs `brief` links to or is linked from, the strongest `limit`, in time order."""
    found = {}
    for slug, count in getattr(brief, "link_counts", {}).items():
        if slug in by_slug:
            found.setdefault(slug, [0, 0])[0] = count
    for slug, count in incoming.get(brief.slug, {}).items():
        if slug in by_slug and slug != brief.slug:
            found.setdefault(slug, [0, 0])[1] = count
    me = began(brief)
    day = day_number(me)
    when = {s: began(by_slug[s]) for s in found}
    ranked = sorted(found, key=lambda s: (-sum(found[s]), abs(day_number(when[s]) - day), s))[:limit]
    items = [{"brief": by_slug[s], "links_to": bool(found[s][0]), "linked_from": bool(found[s][1]),
              "earlier": when[s] < me, "began": when[s],
              "when": "earlier" if when[s] < me else "later" if when[s] > me else "same"}
             for s in ranked]
    items.sort(key=lambda i: (i["began"], i["brief"].title))
    return items


_last = LastBuild()  # the local graphs: drawing a thousand of them again was most of this plugin's time


def local_graph(brief, items: list[dict], siteurl: str) -> str:
    def node(b):
        return Node(b.slug, b.title, f"{siteurl}/{b.url}", began(b))

    center = node(brief)
    earlier = tuple(node(i["brief"]) for i in items if i["earlier"])
    later = tuple(node(i["brief"]) for i in items if not i["earlier"])
    return _last.get((center, earlier, later), lambda: _draw_local(brief, center, earlier, later, len(items)))


def _draw_local(brief, center: Node, earlier: tuple, later: tuple, count: int) -> str:
    layout = local_layout(center, list(earlier), list(later))
    desc = (f"{brief.title} in the middle, with the {count} brief{'s' * (count != 1)} it links to or is linked from: "
            "earlier topics on the left, later ones on the right. The same briefs are listed after the picture.")
    return render(layout, f"Briefs linked with {brief.title}", desc, "local-graph", "local-graph-svg")


CACHE_FILE = "topicgraph.pickle"


def _cache_path(settings) -> str | None:
    """The last build's graphs between command-line builds, when the content cache is on."""
    if settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE") and settings.get("CACHE_PATH"):
        return os.path.join(settings["CACHE_PATH"], CACHE_FILE)
    return None


def _load(path: str | None) -> None:
    if path is None or _home or _last.current or _last.previous:  # this process has drawn them already
        return
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)
        home, local = dict(saved["home"]), dict(saved["local"])
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError, TypeError, ValueError):
        return  # none yet, or made by other code: draw them
    _home.update(home)
    _last.current = local


def _save(path: str | None) -> None:
    if path is None:
        return
    try:
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".topicgraph-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump({"home": _home, "local": _last.current}, f, protocol=5)
        os.replace(temporary, path)  # a reader sees the old file or the new
    except OSError:
        pass  # a cache: the next build draws again


def _inputs(briefs: list, groups: list, settings) -> tuple:
    """Everything the graphs are drawn from: equal inputs, equal graphs."""
    return (
        settings.get("RELATIVE_URLS"), settings.get("SITEURL", ""), settings.get("INDEX_SAVE_AS", "index.html"),
        tuple((g["thread"].id, g["thread"].title, g["url"], tuple(b.slug for b in g["briefs"])) for g in groups),
        tuple((b.slug, b.title, b.url, b.save_as, began(b), tuple(getattr(b, "link_counts", {}).items()))
              for b in briefs),
    )


_whole = LastBuild("topicgraph")  # everything drawn, by all its inputs: kept on disk for make html too


def draw(generators):
    briefs = [a for gen in generators if isinstance(gen, ArticlesGenerator) for a in gen.articles]
    if not generators or not briefs:
        return
    settings = generators[0].settings
    context = generators[0].context
    groups = context.get("threads") or []
    by_slug = {b.slug: b for b in briefs}
    # Most edits change no link, title or date: then nothing is drawn again.
    _whole.next_build()
    drawn = _whole.get(_inputs(briefs, groups, settings), lambda: _draw_all(briefs, groups, settings, by_slug))
    if groups:
        context["topic_graph_svg"] = Markup(drawn["home_svg"])
        context["topic_graph_relations"] = [{"a": by_slug[a], "b": by_slug[b], "links": links}
                                            for a, b, links in drawn["relations"]]
    for brief in briefs:
        brief.neighbours, svg = drawn["local"][brief.slug]
        brief.local_graph_svg = Markup(svg) if svg else ""


def _draw_all(briefs: list, groups: list, settings, by_slug: dict) -> dict:
    """The home graph and its relations (by slug), and each brief's neighbours and graph."""
    _load(_cache_path(settings))
    drawn = {"home_svg": "", "relations": [], "local": {}}
    if groups:
        svg, relations, _ = home_graph(groups, briefs, page_siteurl(settings, settings.get("INDEX_SAVE_AS", "index.html")))
        drawn["home_svg"] = svg
        drawn["relations"] = [(r["a"].slug, r["b"].slug, r["links"]) for r in relations]
    incoming = incoming_links(briefs)
    _last.next_build()
    for brief in briefs:
        items = neighbours(brief, by_slug, incoming)
        # Plain values, not the other briefs: a brief's page is rebuilt when what it shows
        # of its neighbours changes, not whenever they change (plugins/speed).
        shown = [{"title": i["brief"].title, "url": i["brief"].url, "links_to": i["links_to"],
                  "linked_from": i["linked_from"], "when": i["when"]} for i in items]
        svg = local_graph(brief, items, page_siteurl(settings, brief.save_as)) if items else ""
        drawn["local"][brief.slug] = (shown, svg)
    _save(_cache_path(settings))
    return drawn


def register():
    signals.all_generators_finalized.connect(draw)
