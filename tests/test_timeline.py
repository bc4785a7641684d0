"""Timeline: the dated items under a brief's `## Timeline` heading become anchored
events in the brief and are collected, in date order, into /timeline/."""

import re

SOURCES = """
    - id: wire-2025-04-02
      type: webpage
      title: A fixture wire story
      container-title: Fixture Wire
      issued: 2025-04-02
      URL: https://example.org/wire
"""

ALPHA = """
    Title: Alpha talks
    Slug: alpha
    Summary: What the alpha talks settled.
    Status: agreed
    As_of: 2025-04-18
    Date: 2025-04-01

    ## In short

    The sides met [@wire-2025-04-02].

    ## Timeline

    - 2025-04-02: The sides meet in a fixture town. [@wire-2025-04-02]
    - 2025-04-02: They agree to look at [[beta]]. [@wire-2025-04-02]
        - 2025-04-03: A nested note, not an event. [@wire-2025-04-02]
    - 2025-03-30: A first call. [@wire-2025-04-02]

    ## What happened next

    - 2025-05-01: Not an event: it is under another heading. [@wire-2025-04-02]
"""

BETA = """
    Title: Beta & the sea
    Slug: beta
    Summary: The beta arrangement.
    Status: stalled
    As_of: 2025-04-18
    Date: 2025-03-25

    ## Timeline

    - 2025-04-02: Beta starts. [@wire-2025-04-02]

    - 2025-04-10: A loose item, with a blank line before it. [@wire-2025-04-02]
"""


def site(**overrides):
    files = {
        "content/sources.yaml": SOURCES,
        "content/briefs/alpha.md": ALPHA,
        "content/briefs/beta.md": BETA,
    }
    files.update(overrides)
    return files


def events_on(page: str) -> list[tuple[str, str]]:
    """(li id, time datetime) of each event of the site-wide timeline, in page order."""
    return re.findall(r'<li id="([^"]+)">\s*<time datetime="([^"]+)">', page)


def test_items_become_anchored_events_with_a_time_element(build_site):
    result = build_site(site())
    assert result.returncode == 0, result.stderr
    alpha = result.page("briefs/alpha")
    assert '<h2 id="timeline">Timeline</h2>' in alpha
    assert (
        '<li id="event-2025-04-02-1"><time datetime="2025-04-02">2 April 2025</time> The sides meet in a fixture town.'
        ' <sup class="cite"><a class="cite-ref" id="cite-wire-2025-04-02-2" href="#source-wire-2025-04-02"'
        ' data-src="14:49" data-source-title="A fixture wire story" data-publisher="Fixture Wire"'
        ' data-issued="2025-04-02">[1]</a></sup></li>'
    ) in alpha
    assert '<li id="event-2025-04-02-2"><time datetime="2025-04-02">2 April 2025</time> They agree to look at <a class="xref" href="../../briefs/beta/"' in alpha
    assert '<li id="event-2025-03-30-1"><time datetime="2025-03-30">30 March 2025</time> A first call. <sup' in alpha
    # Nested items and items under another heading are left as written.
    assert "<li>2025-04-03: A nested note, not an event. <sup" in alpha
    assert "<li>2025-05-01: Not an event: it is under another heading. <sup" in alpha
    assert alpha.count('<li id="event-') == 3


def test_a_loose_list_keeps_its_paragraphs(build_site):
    beta = build_site(site()).page("briefs/beta")
    assert re.search(
        r'<li id="event-2025-04-10-1">\n<p><time datetime="2025-04-10">10 April 2025</time>'
        r' A loose item, with a blank line before it\. <sup class="cite">.*?</sup></p>\n</li>',
        beta,
    )


def test_site_timeline_is_in_date_then_brief_title_then_written_order(build_site):
    page = build_site(site()).page("timeline")
    assert events_on(page) == [
        ("alpha-event-2025-03-30-1", "2025-03-30"),
        ("alpha-event-2025-04-02-1", "2025-04-02"),
        ("alpha-event-2025-04-02-2", "2025-04-02"),
        ("beta-event-2025-04-02-1", "2025-04-02"),
        ("beta-event-2025-04-10-1", "2025-04-10"),
    ]


def test_site_timeline_links_each_event_to_its_brief_and_sources(build_site):
    page = build_site(site()).page("timeline")
    # The citation marker leads to the source entry on the brief's page (the number is the brief's),
    # without the brief's ids, which would repeat here.
    assert (
        'The sides meet in a fixture town. <sup class="cite"><a class="event-cite"'
        ' href="../briefs/alpha/#source-wire-2025-04-02" data-source-title="A fixture wire story"'
        ' data-publisher="Fixture Wire" data-issued="2025-04-02">[1]</a></sup>'
    ) in page
    assert 'They agree to look at <a class="xref" href="../briefs/beta/" data-title="Beta &amp; the sea"' in page
    assert '<a href="../briefs/alpha/#event-2025-04-02-2">Alpha talks</a>' in page
    assert "A loose item, with a blank line before it." in page
    assert "<p>" not in re.search(r'<li id="beta-event-2025-04-10-1">.*?</li>', page, re.S).group(0)
    assert "cite-wire" not in page and "data-src" not in page


def test_site_timeline_uses_absolute_urls_with_publish_settings(build_site):
    result = build_site(site(), settings="publishconf.py", env={"SITEURL": "https://briefs.example.org"})
    assert result.returncode == 0, result.stderr
    page = result.page("timeline")
    assert 'href="https://briefs.example.org/briefs/alpha/#source-wire-2025-04-02"' in page
    assert 'They agree to look at <a class="xref" href="https://briefs.example.org/briefs/beta/"' in page


def test_a_brief_without_a_timeline_has_no_events(build_site):
    no_timeline = BETA.split("## Timeline")[0] + "Beta has no dated events [@wire-2025-04-02].\n"
    result = build_site(site(**{"content/briefs/beta.md": no_timeline}))
    assert result.returncode == 0, result.stderr
    assert [anchor for anchor, _ in events_on(result.page("timeline"))] == [
        "alpha-event-2025-03-30-1", "alpha-event-2025-04-02-1", "alpha-event-2025-04-02-2",
    ]


def test_an_item_without_an_iso_date_is_a_located_error(build_site):
    broken = ALPHA.replace("- 2025-03-30: A first call.", "- 30 March 2025: A first call.")
    result = build_site(site(**{"content/briefs/alpha.md": broken}))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-2:] == [
        "content/briefs/alpha.md:17:3: [error] timeline event expected an ISO date and a colon"
        " ('YYYY-MM-DD: text') but received: '30 March 2025: A first call.' (timeline)",
        "build failed: 1 problem; output/ left as it was",
    ]


def test_an_impossible_date_and_a_missing_colon_are_reported_each_on_its_line(build_site):
    broken = BETA.replace("- 2025-04-02: Beta starts.", "- 2025-02-30: Beta starts.").replace(
        "- 2025-04-10: A loose", "- 2025-04-10 A loose"
    )
    result = build_site(site(**{"content/briefs/beta.md": broken}))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-3:] == [
        "content/briefs/beta.md:10:3: [error] timeline event date '2025-02-30' is not a calendar date (timeline)",
        "content/briefs/beta.md:12:3: [error] timeline event expected an ISO date and a colon"
        " ('YYYY-MM-DD: text') but received: '2025-04-10 A loose item, with a blank…' (timeline)",
        "build failed: 2 problems; output/ left as it was",
    ]


def test_an_event_after_as_of_fails_the_build_at_its_line(build_site):
    # The page tells readers the brief is current to As_of: a newer event would make that untrue.
    late = BETA.replace("- 2025-04-10: A loose item", "- 2025-04-19: A loose item")
    result = build_site(site(**{"content/briefs/beta.md": late}))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-2:] == [
        "content/briefs/beta.md:12:3: [error] timeline event dated 2025-04-19 is after the brief's As_of"
        " 2025-04-18: As_of is the date of the newest fact, so move it forward (or correct the event's date)"
        " (timeline)",
        "build failed: 1 problem; output/ left as it was",
    ]
    moved = late.replace("As_of: 2025-04-18", "As_of: 2025-04-19")
    assert build_site(site(**{"content/briefs/beta.md": moved})).returncode == 0


def test_an_item_whose_text_is_not_found_is_located_by_its_order(build_site):
    # The HTML text ("Beta call") is not how the Markdown begins ("[[beta|Beta]] call"),
    # so the error falls back to the item's place under the heading.
    broken = ALPHA.replace("- 2025-03-30: A first call.", "- [[beta|Beta]] call, undated.")
    result = build_site(site(**{"content/briefs/alpha.md": broken}))
    assert result.returncode == 1
    assert (
        "content/briefs/alpha.md:17:3: [error] timeline event expected an ISO date and a colon"
        " ('YYYY-MM-DD: text') but received: 'Beta call, undated.' (timeline)"
    ) in result.stderr.splitlines()


def test_locate_finds_the_item_by_text_then_order_then_the_heading():
    from timeline.events import locate

    source = "Title: X\n\n## Timeline {#timeline}\n\n- 2025-04-02: First.\n* 2025–04–03 “Second”\n"
    assert locate(source, "2025–04–03 “Second”", 1) == (6, 3)  # by its words, whatever the typography
    assert locate(source, "text Markdown changed", 0) == (5, 3)  # by its place under the heading
    assert locate(source, "text Markdown changed", 5) == (3, 1)  # else the heading
    assert locate("No timeline here.\n", "x", 0) == (1, 1)
