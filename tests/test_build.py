"""Fixture sites built into tmp_path: the plugins working together, and every
broken reference failing the build with its exact message, exit status 1, and
output/ left exactly as it was."""

import re

import pytest

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
"""

ALPHA = """
    Title: Alpha talks
    Slug: alpha
    Summary: What the alpha talks settled.
    Status: agreed
    As_of: 2025-04-18
    Date: 2025-04-01

    ## In short

    Alpha led to [[beta]] and to [[beta#terms|its terms]] [@paper-2025-04-18, para. 2].

    ## Details {#details}

    Both sides agreed [@wire-2025-03-25; @paper-2025-04-18].
"""

BETA = """
    Title: Beta & the sea
    Slug: beta
    Summary: The beta arrangement, stalled.
    Status: stalled
    As_of: 2025-04-18
    Date: 2025-03-25

    ## Terms {#terms}

    The terms were short [@wire-2025-03-25].
"""


def site(**overrides):
    files = {
        "content/sources.yaml": SOURCES,
        "content/briefs/alpha.md": ALPHA,
        "content/briefs/beta.md": BETA,
    }
    files.update(overrides)
    return files


def test_crosslinks_resolve_to_relative_urls_with_title_and_preview_data(build_site):
    result = build_site(site())
    assert result.returncode == 0, result.stderr
    alpha = result.page("briefs/alpha")
    assert (
        '<a class="xref" href="../../briefs/beta/" data-src="10:14" data-title="Beta &amp; the sea"'
        ' data-status="stalled" data-as-of="2025-04-18" data-summary="The beta arrangement, stalled.">'
        "Beta &amp; the sea</a>"
    ) in alpha
    assert '<a class="xref" href="../../briefs/beta/#terms" data-src="10:30"' in alpha
    assert ">its terms</a>" in alpha


def test_citations_keep_one_number_per_source_and_link_back(build_site):
    alpha = build_site(site()).page("briefs/alpha")
    markers = re.findall(r'<a class="cite-ref" id="([^"]+)" href="#source-([^"]+)"[^>]*>([^<]+)</a>', alpha)
    assert markers == [
        ("cite-paper-2025-04-18-1", "paper-2025-04-18", "[1, para. 2]"),
        ("cite-wire-2025-03-25-1", "wire-2025-03-25", "[2]"),
        ("cite-paper-2025-04-18-2", "paper-2025-04-18", "[1]"),
    ]
    # The source list: one entry per source, in order of first citation, linking back to every use.
    entry = re.search(r'<li id="source-paper-2025-04-18".*?</li>', alpha, re.S).group(0)
    assert 'href="#cite-paper-2025-04-18-1"' in entry and 'href="#cite-paper-2025-04-18-2"' in entry
    assert "para. 2" in entry
    assert alpha.index('id="source-paper-2025-04-18"') < alpha.index('id="source-wire-2025-03-25"')


def test_linked_from_lists_the_briefs_that_link_here(build_site):
    result = build_site(site())
    beta = result.page("briefs/beta")
    linked = re.search(r'id="linked-from".*?</(section|aside)>', beta, re.S).group(0)
    assert "Alpha talks" in linked and 'href="../../briefs/alpha/"' in linked
    assert 'id="linked-from"' not in result.page("briefs/alpha")  # nothing links to alpha


def test_publish_settings_give_absolute_urls(build_site, tmp_path):
    result = build_site(site(), settings="publishconf.py", env={"SITEURL": "https://briefs.example.org"})
    assert result.returncode == 0, result.stderr
    assert 'href="https://briefs.example.org/briefs/beta/#terms"' in result.page("briefs/alpha")


def test_no_placeholder_syntax_is_left_in_any_page(build_site):
    result = build_site(site())
    for page in result.output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for leftover in ("{filename}", "[[", "[@", "data-xref=", "data-cite="):
            assert leftover not in html, f"{leftover} in {page}"


BROKEN_ALPHA = ALPHA.replace("[[beta]]", "[[betta]]").replace("[[beta#terms|", "[[beta#trems|").replace(
    "@wire-2025-03-25;", "@wire-2025-03-52;"
)


def test_every_broken_reference_is_reported_with_file_line_and_suggestion(build_site):
    result = build_site(site(**{"content/briefs/alpha.md": BROKEN_ALPHA}))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-4:] == [
        "content/briefs/alpha.md:10:14: [error] unknown brief 'betta' (did you mean 'beta'?) (crosslink)",
        "content/briefs/alpha.md:10:31: [error] unknown section 'trems' in 'beta' (did you mean 'terms'?) (crosslink)",
        "content/briefs/alpha.md:14:19: [error] unknown source 'wire-2025-03-52' (did you mean 'wire-2025-03-25'?) (citation)",
        "build failed: 3 problems; output/ left as it was",
    ]


def test_the_lints_own_rules_and_the_plugins_checks_fail_the_build_together(build_site):
    # An uncited paragraph is only the lint's rule; an unknown brief only the crosslinks
    # plugin's. The build runs the first on the Markdown and the second while Pelican
    # reads: both must be listed, and nothing written.
    alpha = ALPHA.replace("[[beta]]", "[[betta]]") + "\n    The talks also covered ports.\n"
    result = build_site(site(**{"content/briefs/alpha.md": alpha}))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-3:] == [
        "content/briefs/alpha.md:10:14: [error] unknown brief 'betta' (did you mean 'beta'?) (crosslink)",
        "content/briefs/alpha.md:16:1: [error] paragraph has no citation: add [@key] for the source of its facts"
        " (uncited)",
        "build failed: 2 problems; output/ left as it was",
    ]
    assert not result.output.exists()


def test_a_failed_build_leaves_output_exactly_as_it_was(build_site, tmp_path):
    good = build_site(site())
    assert good.returncode == 0
    before = {p.relative_to(good.output): p.read_bytes() for p in good.output.rglob("*") if p.is_file()}
    bad = build_site(site(**{"content/briefs/alpha.md": BROKEN_ALPHA}))
    assert bad.returncode == 1
    after = {p.relative_to(bad.output): p.read_bytes() for p in bad.output.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name]


@pytest.mark.parametrize(
    "registry, message",
    [
        (SOURCES.replace("      URL: https://example.org/wire\n", ""),
         "content/sources.yaml:7:3: [error] source 'wire-2025-03-25': missing required field 'URL' (sources)"),
        (SOURCES.replace("issued: 2025-03-25", "issued: 25 March 2025"),
         "content/sources.yaml:11:11: [error] source 'wire-2025-03-25': 'issued' expected an ISO date"
         " (YYYY-MM-DD) but received: '25 March 2025' (sources)"),
        (SOURCES.replace("https://example.org/wire", "example.org/wire"),
         "content/sources.yaml:12:8: [error] source 'wire-2025-03-25': 'URL' expected an http(s) URL"
         " but received: 'example.org/wire' (sources)"),
        (SOURCES.replace("id: wire-2025-03-25", "id: paper-2025-04-18"),
         "content/sources.yaml:7:7: [error] duplicate id 'paper-2025-04-18' (first defined on line 1) (sources)"),
    ],
)
def test_registry_problems_are_located(build_site, registry, message):
    result = build_site(site(**{"content/sources.yaml": registry}))
    assert result.returncode == 1
    assert message in result.stderr.splitlines()


def test_a_source_never_cited_is_a_warning_not_an_error(build_site):
    extra = SOURCES + """
    - id: unused-2025-01-01
      type: webpage
      title: Never cited
      container-title: Nobody
      URL: https://example.org/unused
    """
    result = build_site(site(**{"content/sources.yaml": extra}))
    assert result.returncode == 0, result.stderr
    assert "content/sources.yaml:14:1: [warning] source 'unused-2025-01-01' is never cited (citation)" in result.stderr
