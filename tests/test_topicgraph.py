"""Topic graphs: the threads on the home page, each brief's neighbours on its page, and how
legible both are, measured on the real site and on a 40-brief fixture.

Thresholds, and why:
- no two boxes or thread titles overlap, and no line runs through a box it does not join:
  either would hide a title or suggest a relation that is not there (the grid layout makes
  both impossible; the tests keep it so);
- crossings at most 1.25 per line: two crossings is what one follows a line through without
  losing it, and each crossing is shared by two lines, so on average a line meets 2.5. The
  old all-to-all circle drew 59 lines with 403 crossings on the real site; the 40-brief
  fixture, whose links are random (the worst case for any layout), drew 184 with 5,060.
"""

from __future__ import annotations

import random
import re

from bs4 import BeautifulSoup

from topicgraph.layout import (Edge, Layout, Node, crossings, label_lines, legibility, local_layout,
                               strongest_relations, threads_layout)

MAX_CROSSINGS_PER_LINE = 1.25


def fixture(count: int = 40, threads: int = 6, seed: int = 40):
    """Briefs spread over threads and a year, each linking to five others at random."""
    rnd = random.Random(seed)
    briefs = {f"b{i:02d}": (f"Brief {i}: a topic with a title long enough to wrap", f"t{i % threads}",
                            f"2025-{1 + (i * 11) % 12:02d}-{1 + (i * 7) % 28:02d}") for i in range(count)}
    counts = {slug: {} for slug in briefs}
    for slug in briefs:
        for other in rnd.sample(sorted(briefs), 5):
            if other != slug:
                counts[slug][other] = counts[slug].get(other, 0) + rnd.choice([1, 1, 2])
    columns = []
    for t in range(threads):
        nodes = sorted((Node(s, b[0], f"#{s}", b[2]) for s, b in briefs.items() if b[1] == f"t{t}"),
                       key=lambda n: (n.began, n.slug))
        columns.append((f"Thread number {t} of the fixture", f"#t{t}", nodes))
    return briefs, counts, columns


def layout_of(briefs, counts, columns) -> tuple[Layout, list]:
    thread_of = {s: b[1] for s, b in briefs.items()}
    column_of = {n.slug: c for c, (_, _, nodes) in enumerate(columns) for n in nodes}
    pairs = strongest_relations(thread_of, column_of, counts, {s: b[2] for s, b in briefs.items()})
    return threads_layout(columns, pairs), pairs


def test_labels_wrap_onto_three_lines_at_most():
    assert label_lines("The Black Sea deal") == ["The Black Sea deal"]
    assert label_lines("Security guarantees and the reassurance force for the long term of the war") == [
        "Security guarantees", "and the reassurance", "force for the long te…",
    ]


def test_each_brief_keeps_only_its_strongest_tie_to_another_thread():
    thread_of = {"a": "t1", "b": "t1", "c": "t2", "d": "t2"}
    column_of = {"a": 0, "b": 0, "c": 1, "d": 1}
    counts = {"a": {"b": 5, "c": 1, "d": 2}, "b": {"a": 1}, "c": {"a": 1}, "d": {}}
    # a: d (2 links) beats c (1 + 1); the same-thread link to b, however strong, is no line.
    # b has no tie to another thread; c's strongest is a; d's is a.
    assert strongest_relations(thread_of, column_of, counts) == [("a", "c"), ("a", "d")]


def test_threads_are_columns_in_story_order_and_briefs_in_time_order():
    columns = [("One", "#1", [Node("a", "A", "#a", "2025-01-01"), Node("b", "B", "#b", "2025-03-01")]),
               ("Two", "#2", [Node("c", "C", "#c", "2025-02-01")])]
    layout = threads_layout(columns, [("a", "c")])
    a, b, c = (layout.boxes[s] for s in "abc")
    assert a.x == b.x < c.x and a.y < b.y
    assert [h.title for h in layout.headers] == ["One", "Two"]
    assert [(e.a, e.b) for e in layout.edges] == [("a", "c")]


def test_the_40_brief_fixture_is_legible():
    layout, pairs = layout_of(*fixture())
    measured = legibility(layout)
    assert len(layout.boxes) == 40 and len(pairs) >= 20
    assert measured.overlapping_labels == 0
    assert measured.lines_through_boxes == 0
    assert measured.crossings <= MAX_CROSSINGS_PER_LINE * len(layout.edges), measured


def test_the_legibility_measure_sees_what_it_should():
    """A measure that cannot fail proves nothing: two crossing lines, a line through a box,
    and two overlapping boxes are each counted."""
    columns = [("One", "#", [Node("a", "A", "#"), Node("b", "B", "#")]), ("Two", "#", [Node("c", "C", "#")])]
    layout = threads_layout(columns, [])
    a, b, c = layout.boxes["a"], layout.boxes["b"], layout.boxes["c"]
    layout.edges = [Edge("a", "c", [(a.right, a.cy), (c.x, b.cy)]), Edge("b", "c", [(b.right, b.cy), (c.x, a.cy)])]
    assert crossings(layout.edges) == 1
    layout.edges.append(Edge("a", "x", [(a.x - 5, b.cy), (b.right + 5, b.cy)]))  # straight through b
    layout.boxes["c"].y = a.y
    layout.boxes["c"].x = a.x + 1
    measured = legibility(layout)
    assert measured.lines_through_boxes >= 1 and measured.overlapping_labels >= 1


def test_a_local_graph_cannot_cross_or_overlap():
    center = Node("m", "The middle brief", "#m")
    earlier = [Node(f"e{i}", f"Earlier brief {i} with a long title", "#") for i in range(4)]
    later = [Node(f"l{i}", f"Later {i}", "#") for i in range(7)]
    layout = local_layout(center, earlier, later)
    assert legibility(layout) == legibility(layout).__class__(0, 0, 0)
    assert all(layout.boxes[n.slug].right < layout.boxes["m"].x for n in earlier)
    assert all(layout.boxes[n.slug].x > layout.boxes["m"].right for n in later)
    assert layout.boxes["m"].current


# --- the real site ------------------------------------------------------------------------------

def svg_geometry(svg) -> tuple[list, list]:
    """(boxes as (x, y, w, h), lines as Edge) read back from the published SVG."""
    boxes = [tuple(float(r[k]) for k in ("x", "y", "width", "height")) for r in svg.select("a.node rect")]
    lines = []
    for path in svg.select("path.edge"):
        points, x, y = [], 0.0, 0.0
        for op, args in re.findall(r"([MLHV])([^MLHV]+)", path["d"]):
            values = [float(v) for v in args.split()]
            if op in "ML":
                x, y = values
            elif op == "H":
                x = values[0]
            else:
                y = values[0]
            points.append((x, y))
        lines.append(Edge(path["data-from"], path["data-to"], points))
    return boxes, lines


def test_the_real_home_graph_is_legible_and_its_text_lists_the_same_relations(real_site):
    home = BeautifulSoup((real_site / "index.html").read_text(encoding="utf-8"), "lxml")
    svg = home.select_one("figure.topic-graph svg")
    boxes, lines = svg_geometry(svg)
    assert len(boxes) == len(list((real_site / "briefs").glob("*/index.html")))
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, "boxes overlap"
    assert 0 < len(lines) < len(boxes)  # the strongest relations only, not all-to-all
    assert crossings(lines) <= MAX_CROSSINGS_PER_LINE * len(lines)
    # Every line joins two briefs of different threads, and the list under the picture names
    # exactly the pairs the picture draws.
    drawn = {frozenset((e.a, e.b)) for e in lines}
    listed = {frozenset(a["href"].strip("./").split("/")[-1] for a in li.select("a"))
              for li in home.select("details.graph-text li")}
    assert drawn == listed
    # Each thread is a column headed by a link to its page.
    headers = [a["href"] for a in svg.select("a.thread")]
    assert headers == [a["href"] for a in home.select("section.thread-group h3 a")]


def test_each_brief_shows_its_neighbours_as_a_picture_and_in_words(real_site):
    for page in sorted((real_site / "briefs").glob("*/index.html")):
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        related = html.select_one("section.related")
        assert related, page
        svg = related.select_one("svg")
        current = svg.select("a.node.current")
        assert len(current) == 1 and current[0]["aria-current"] == "page"
        in_picture = {a["href"] for a in svg.select("a.node:not(.current)")}
        in_words = {a["href"] for a in related.select("ul li a")}
        assert in_picture == in_words and 1 <= len(in_words) <= 8
        _, lines = svg_geometry(svg)
        assert crossings(lines) == 0


def test_the_home_graph_is_drawn_again_when_a_title_changes_and_only_then():
    # A build process keeps the last picture while its inputs are unchanged (most edits
    # change a sentence, not a title or a link); any change to what it shows redraws it.
    from types import SimpleNamespace

    from topicgraph import home_graph

    def site(title_of_b):
        briefs = [SimpleNamespace(slug="a", title="Alpha", url="briefs/a/", began="2025-01-01", link_counts={"b": 1}),
                  SimpleNamespace(slug="b", title=title_of_b, url="briefs/b/", began="2025-02-01", link_counts={})]
        groups = [{"thread": SimpleNamespace(id="one", title="One"), "url": "threads/one/", "briefs": briefs[:1]},
                  {"thread": SimpleNamespace(id="two", title="Two"), "url": "threads/two/", "briefs": briefs[1:]}]
        return groups, briefs

    first, relations, _ = home_graph(*site("Beta"), "")
    again, _, _ = home_graph(*site("Beta"), "")
    renamed, _, _ = home_graph(*site("Gamma"), "")
    assert again == first and [r["links"] for r in relations] == [1]
    assert "Gamma" in renamed and "Beta" not in renamed


def test_every_graph_follows_a_change_of_title_or_link_and_only_what_changed_is_redrawn(monkeypatch):
    # A build process draws again only when the graphs' inputs change (most saves change a
    # sentence): each build has new document objects, so equal inputs must be recognised by
    # value, and any change to a title, a link or a date must reach every graph showing it.
    from types import SimpleNamespace

    import topicgraph
    from pelican.generators import ArticlesGenerator

    drawn = []
    real = topicgraph._draw_all
    monkeypatch.setattr(topicgraph, "_draw_all", lambda *a: drawn.append(1) or real(*a))

    def build(title_of_c="Gamma", a_links=None):
        briefs = [SimpleNamespace(slug=s, title=t, url=f"briefs/{s}/", save_as=f"briefs/{s}/index.html",
                                  began=d, link_counts=dict(links))
                  for s, t, d, links in (("a", "Alpha", "2025-01-01", a_links or {"b": 2}),
                                         ("b", "Beta", "2025-02-01", {"a": 1}),
                                         ("c", title_of_c, "2025-03-01", {"b": 1}))]
        generator = object.__new__(ArticlesGenerator)
        generator.articles, generator.context = briefs, {}
        generator.settings = {"RELATIVE_URLS": True, "SITEURL": "", "INDEX_SAVE_AS": "index.html"}
        topicgraph.draw([generator])
        return {b.slug: b for b in briefs}

    first = build()
    assert [n["title"] for n in first["a"].neighbours] == ["Beta"]
    again = build()
    assert len(drawn) == 1  # nothing changed: nothing drawn
    assert again["b"].local_graph_svg == first["b"].local_graph_svg
    assert again["b"].neighbours == first["b"].neighbours
    renamed = build(title_of_c="Gamma renamed")
    assert len(drawn) == 2
    assert "Gamma renamed" in renamed["b"].local_graph_svg
    assert [n["title"] for n in renamed["b"].neighbours] == ["Alpha", "Gamma renamed"]
    linked = build(title_of_c="Gamma renamed", a_links={"b": 2, "c": 1})
    assert len(drawn) == 3
    assert [n["title"] for n in linked["a"].neighbours] == ["Beta", "Gamma renamed"]
