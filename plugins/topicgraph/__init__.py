"""Topic graph: the published briefs (nodes) and their cross-links (edges) as an
inline SVG for the home page, drawn at build time (no JavaScript).

Signals:
- `all_generators_finalized` (connect after `crosslinks`, which records each
  document's `outgoing` slugs): draw the graph and put it in the shared context as
  `topic_graph_svg` (Markup) for `index.html`. Links are made for the home page
  (INDEX_SAVE_AS): `./briefs/x/` with relative URLs, `SITEURL/briefs/x/` otherwise.
"""

from __future__ import annotations

from markupsafe import Markup
from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.utils import get_relative_path, path_to_url

from .svg import Node, edges_between, render

TITLE = "How the briefs link to each other"


def home_siteurl(settings) -> str:
    if settings.get("RELATIVE_URLS"):
        return path_to_url(get_relative_path(settings.get("INDEX_SAVE_AS", "index.html")))
    return settings.get("SITEURL", "")


def graph_svg(briefs, siteurl: str) -> str:
    nodes = [Node(b.slug, b.title, f"{siteurl}/{b.url}") for b in briefs]
    edges = edges_between(nodes, {b.slug: getattr(b, "outgoing", []) for b in briefs})
    count = len(nodes)
    desc = (
        f"{count} brief{'s' * (count != 1)}, each a link to the brief; a line joins two briefs "
        f"when one links to the other ({len(edges)} line{'s' * (len(edges) != 1)})."
    )
    return render(nodes, edges, TITLE, desc)


def draw(generators):
    briefs = [a for gen in generators if isinstance(gen, ArticlesGenerator) for a in gen.articles]
    if not generators or not briefs:
        return
    siteurl = home_siteurl(generators[0].settings)
    generators[0].context["topic_graph_svg"] = Markup(graph_svg(briefs, siteurl))


def register():
    signals.all_generators_finalized.connect(draw)
