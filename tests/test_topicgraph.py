"""Topic graph: the briefs and their cross-links as an inline SVG on the home page."""

import re

from topicgraph.svg import Node, edges_between, label_lines, render

SOURCES = """
    - id: wire-2025-03-25
      type: webpage
      title: A fixture wire story
      container-title: Fixture Wire
      issued: 2025-03-25
      URL: https://example.org/wire
"""


def brief(slug, title, body):
    return f"""
    Title: {title}
    Slug: {slug}
    Summary: A fixture brief.
    Status: ongoing
    As_of: 2025-04-18
    Date: 2025-04-01

    {body} [@wire-2025-03-25]
"""


FILES = {
    "content/sources.yaml": SOURCES,
    "content/briefs/alpha.md": brief("alpha", "Alpha talks", "Alpha led to [[beta]] and [[about]]."),
    "content/briefs/beta.md": brief("beta", "Beta & the sea", "Beta answered [[alpha]]."),
    "content/briefs/gamma.md": brief("gamma", "Gamma: a brief with a rather long title for a box", "Gamma stands alone."),
    "content/pages/about.md": "Title: About\nSlug: about\n\nAbout this site.\n",
}


def test_two_briefs_that_link_each_other_make_one_edge():
    nodes = [Node("b", "Beta", "./briefs/b/"), Node("a", "Alpha & Co", "./briefs/a/")]
    edges = edges_between(nodes, {"a": ["b", "people"], "b": ["a"]})
    assert edges == [("a", "b")]
    assert render(nodes, edges, "Title", "Description") == "\n".join([
        '<svg xmlns="http://www.w3.org/2000/svg" class="topic-graph-svg" viewBox="0 0 298 172.3" width="298"'
        ' height="172.3" role="group" aria-labelledby="topic-graph-title topic-graph-desc" font-size="14">',
        '<title id="topic-graph-title">Title</title>',
        '<desc id="topic-graph-desc">Description</desc>',
        '<g class="edges" aria-hidden="true" stroke="currentColor">',
        '<line class="edge" data-from="a" data-to="b" x1="149" y1="23.5" x2="149" y2="148.8"/>',
        "</g>",
        '<g class="nodes">',
        '<a class="node" href="./briefs/a/">',
        "<title>Alpha &amp; Co</title>",
        '<rect x="102" y="8" width="94" height="31" rx="6" fill="none" stroke="currentColor"/>',
        '<text x="149" y="23.5" text-anchor="middle" dominant-baseline="central" fill="currentColor">',
        '<tspan x="149">Alpha &amp; Co</tspan>',
        "</text></a>",
        '<a class="node" href="./briefs/b/">',
        "<title>Beta</title>",
        '<rect x="124.2" y="133.3" width="49.6" height="31" rx="6" fill="none" stroke="currentColor"/>',
        '<text x="149" y="148.8" text-anchor="middle" dominant-baseline="central" fill="currentColor">',
        '<tspan x="149">Beta</tspan>',
        "</text></a>",
        "</g></svg>",
    ])


def test_labels_wrap_onto_three_lines_at_most():
    assert label_lines("The Black Sea deal") == ["The Black Sea deal"]
    assert label_lines("Security guarantees and the reassurance force") == [
        "Security", "guarantees and the", "reassurance force",
    ]
    assert label_lines("Security guarantees and the reassurance force for the long term") == [
        "Security", "guarantees and the", "reassurance force…",
    ]


def test_no_two_boxes_overlap_whatever_the_number_of_briefs():
    for count in range(2, 25):
        nodes = [Node(f"b{i:02}", f"Brief number {i} with a long title", "#") for i in range(count)]
        svg = render(nodes, [], "T", "D")
        boxes = [tuple(map(float, m)) for m in re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)]
        for i, (x1, y1, w1, h1) in enumerate(boxes):
            for x2, y2, w2, h2 in boxes[i + 1:]:
                apart = x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
                assert apart, f"{count} briefs: boxes overlap"


def test_home_page_shows_the_graph_with_a_link_per_brief(build_site):
    result = build_site(FILES)
    assert result.returncode == 0, result.stderr
    home = result.page(".")
    svg = re.search(r"<svg .*?</svg>", home, re.S).group(0)
    assert re.findall(r'<a class="node" href="([^"]+)">\n<title>([^<]+)</title>', svg) == [
        ("./briefs/alpha/", "Alpha talks"),
        ("./briefs/beta/", "Beta &amp; the sea"),
        ("./briefs/gamma/", "Gamma: a brief with a rather long title for a box"),
    ]
    # alpha and beta link each other: one line; the link to the about page is not a brief.
    assert re.findall(r'<line class="edge" data-from="(\w+)" data-to="(\w+)"', svg) == [("alpha", "beta")]
    assert '<title id="topic-graph-title">How the briefs link to each other</title>' in svg
    assert ('<desc id="topic-graph-desc">3 briefs, each a link to the brief; a line joins two briefs'
            " when one links to the other (1 line).</desc>") in svg
    assert "<tspan" in svg and "<script" not in svg
    # Every node link lands on a built brief.
    for href in re.findall(r'<a class="node" href="\./([^"]+)">', svg):
        assert (result.output / href / "index.html").is_file()


def test_graph_links_are_absolute_with_publish_settings(build_site):
    result = build_site(FILES, settings="publishconf.py", env={"SITEURL": "https://briefs.example.org"})
    assert result.returncode == 0, result.stderr
    assert '<a class="node" href="https://briefs.example.org/briefs/alpha/">' in result.page(".")
