"""The sources page: every registry entry, each with the places in the briefs that cite it."""

import re

from sourcespage import sources_context

SOURCES = """
    - id: paper-2025-04-18
      type: article-newspaper
      title: A fixture report
      container-title: The Fixture Times
      issued: 2025-04-18
      URL: https://example.org/report
    - id: wire-2025-03-25
      type: webpage
      title: A fixture wire story
      container-title: Fixture Wire
      issued: 2025-03-25
      URL: https://example.org/wire
    - id: unused-2025-01-01
      type: webpage
      title: Never cited
      container-title: Nobody
      URL: https://example.org/unused
"""

ALPHA = """
    Title: Alpha talks
    Slug: alpha
    Summary: What the alpha talks settled.
    Status: agreed
    As_of: 2025-04-18
    Date: 2025-04-01

    Alpha began [@paper-2025-04-18] and went on [@wire-2025-03-25; @paper-2025-04-18, p. 2].
"""

BETA = """
    Title: Beta & the sea
    Slug: beta
    Summary: The beta arrangement.
    Status: stalled
    As_of: 2025-04-18
    Date: 2025-03-25

    Beta stalled [@wire-2025-03-25].
"""

FILES = {"content/sources.yaml": SOURCES, "content/briefs/alpha.md": ALPHA, "content/briefs/beta.md": BETA}


def test_every_source_is_listed_by_publication_then_date(build_site):
    result = build_site(FILES)
    assert result.returncode == 0, result.stderr
    page = result.page("sources")
    assert re.findall(r'<article class="source" id="([^"]+)">', page) == [
        "wire-2025-03-25", "unused-2025-01-01", "paper-2025-04-18",
    ]


def test_each_source_links_to_every_place_that_cites_it(build_site):
    page = build_site(FILES).page("sources")
    wire = re.search(r'<article class="source" id="wire-2025-03-25">.*?</article>', page, re.S).group(0)
    links = re.findall(r'<a (?:class="backref" )?href="([^"]+)"', wire.split('class="cited-in"')[1])
    assert links == [
        "../briefs/alpha/", "../briefs/alpha/#cite-wire-2025-03-25-1",
        "../briefs/beta/", "../briefs/beta/#cite-wire-2025-03-25-1",
    ]
    paper = re.search(r'<article class="source" id="paper-2025-04-18">.*?</article>', page, re.S).group(0)
    assert re.findall(r'href="(\.\./briefs/[^"]+)"', paper) == [
        "../briefs/alpha/", "../briefs/alpha/#cite-paper-2025-04-18-1", "../briefs/alpha/#cite-paper-2025-04-18-2",
    ]
    unused = re.search(r'<article class="source" id="unused-2025-01-01">.*?</article>', page, re.S).group(0)
    assert "../briefs/" not in unused


def test_every_cited_anchor_exists_on_the_brief(build_site):
    result = build_site(FILES)
    page = result.page("sources")
    for slug, anchor in re.findall(r'href="\.\./briefs/([^/]+)/#([^"]+)"', page):
        assert f'id="{anchor}"' in result.page(f"briefs/{slug}"), f"{slug}#{anchor}"


def test_sources_page_uses_absolute_urls_with_publish_settings(build_site):
    result = build_site(FILES, settings="publishconf.py", env={"SITEURL": "https://briefs.example.org"})
    assert result.returncode == 0, result.stderr
    assert 'href="https://briefs.example.org/briefs/beta/#cite-wire-2025-03-25-1"' in result.page("sources")


class FakeRegistry:
    def __init__(self, sources):
        self.sources = sources


class FakeBrief:
    def __init__(self, slug, title, status="published"):
        self.slug, self.title, self.status = slug, title, status


def test_context_orders_citing_briefs_by_title_and_leaves_out_drafts():
    b, a, draft = FakeBrief("b", "Bravo"), FakeBrief("a", "Alpha"), FakeBrief("d", "Delta", "draft")
    registry = FakeRegistry({"k": {"id": "k", "title": "T", "container-title": "P"}})
    index = {"k": [{"brief": b, "anchors": ["cite-k-1"]}, {"brief": draft, "anchors": ["cite-k-1"]},
                   {"brief": a, "anchors": ["cite-k-1", "cite-k-2"]}]}
    assert sources_context(registry, index) == [{
        "id": "k",
        "source": {"id": "k", "title": "T", "container-title": "P"},
        "cited_in": [{"brief": a, "anchors": ["cite-k-1", "cite-k-2"]}, {"brief": b, "anchors": ["cite-k-1"]}],
    }]
    assert sources_context(None, {}) == []
