"""plugins/sanitize: only allow-listed HTML reaches a page, unsafe URLs are located
errors, oversized input is refused before it is converted, external links get
rel="noopener noreferrer", and no page runs inline script."""

from __future__ import annotations

import re

import markdown
import pytest

from sanitize.clean import Removal, clean, external_rel
from sanitize.markdown_ext import SanitizeExtension

from test_build import site

CSP_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
A_RE = re.compile(r"<a\s[^>]*>", re.I)


# --- clean(): the allow-list -------------------------------------------------------

@pytest.mark.parametrize("html", [
    '<p>See <a class="xref" data-src="1:5" data-xref="beta" data-xref-section="terms">the terms</a>.</p>',
    '<p>Text<sup class="cite"><a class="cite-ref" data-cite="k" data-locator="p. 3" data-src="2:4"></a></sup></p>',
    '<h2 id="what-was-agreed">What was agreed</h2>',
    "<p><q>a quote</q> <time datetime=\"2025-04-18\">18 April</time> <abbr title=\"x\">X</abbr></p>",
    '<pre><code class="language-python">x = 1 &lt; 2\n</code></pre>',
    "<p>&ldquo;Curly&rdquo; &ndash; and &mdash; &hellip; it&rsquo;s</p>",
])
def test_our_own_html_passes_unchanged(html):
    assert clean(html) == (html, [])


def test_tables_keep_their_alignment_and_nothing_else():
    assert clean('<table><tr><td style="text-align: center; color: red" onclick="x()">c</td></tr></table>') == (
        '<table><tbody><tr><td style="text-align:center">c</td></tr></tbody></table>',
        [Removal("handler", "onclick", "td"), Removal("attribute", "style", "td")],
    )


def test_attributes_cleaning_removes_are_named_never_silent():
    """A style, a target, an encoded handler: the author hears the page will differ."""
    cleaned, removed = clean('<p style="color:red" on&#99;lick="x()">a <a href="x.html" target="_blank">b</a></p>')
    assert cleaned == '<p>a <a href="x.html">b</a></p>'
    assert removed == [Removal("attribute", "style", "p"), Removal("attribute", "on&#99;lick", "p"),
                       Removal("attribute", "target", "a")]


def test_a_removed_attribute_is_a_located_warning_in_the_build(build_site):
    result = build_site({
        "content/sources.yaml": "- id: s\n  type: webpage\n  title: S\n  container-title: S\n"
                                "  URL: https://example.org/\n",
        "content/briefs/a.md": "Title: A\nSlug: a\nSummary: A.\nStatus: ongoing\nAs_of: 2025-04-18\n"
                               "Date: 2025-04-18\n\n## In short\n\nText <span style=\"color:red\">red</span> [@s].\n",
    })
    assert result.returncode == 0, result.stderr
    assert ("content/briefs/a.md:10:12: [warning] attribute 'style' removed from <span>: briefs use the site's own "
            "styles and markup (html)") in result.stderr


def test_scripts_handlers_and_unknown_elements_are_removed_and_named():
    cleaned, removed = clean('<p>a<script>alert(1)</script><span onmouseover="x">b</span><video src="v"></video></p>')
    assert cleaned == "<p>a<span>b</span></p>"
    assert removed == [Removal("tag", "script", "script"), Removal("handler", "onmouseover", "span"),
                       Removal("tag", "video", "video")]


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "jav&#x61;script:alert(1)",
    "java\tscript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
])
def test_script_and_data_urls_are_dropped_and_reported(url):
    cleaned, removed = clean(f'<p><a href="{url}">x</a></p>')
    assert cleaned == "<p><a>x</a></p>"
    assert [(r.kind, r.element) for r in removed] == [("url", "a")]


def test_external_links_get_rel_and_internal_ones_do_not():
    cleaned, _ = clean('<p><a href="https://example.org/x">e</a> <a href="//cdn.example.org/">p</a> '
                       '<a href="../beta/">i</a> <a href="#terms">f</a> <a href="mailto:a@example.org">m</a></p>')
    assert cleaned == ('<p><a rel="noopener noreferrer" href="https://example.org/x">e</a> '
                       '<a rel="noopener noreferrer" href="//cdn.example.org/">p</a> '
                       '<a href="../beta/">i</a> <a href="#terms">f</a> <a href="mailto:a@example.org">m</a></p>')


def test_the_page_filter_adds_rel_to_template_links_once():
    page = '<a class="source-title" href="https://example.org/a">A</a> <a href="http://e.org" rel="me">B</a>'
    assert external_rel(page) == (
        '<a rel="noopener noreferrer" class="source-title" href="https://example.org/a">A</a> '
        '<a href="http://e.org" rel="me">B</a>'
    )


# --- the Markdown extension: located problems, limits --------------------------------

def convert(text: str, **config):
    md = markdown.Markdown(extensions=["meta", "smarty", SanitizeExtension(**config)], output_format="html5")
    html = md.convert(text)
    return html, md.Meta.get("build_problems", [])


def test_problems_are_located_in_the_source():
    html, problems = convert("Title: X\n\nFine.\n\nA [link](javascript:alert(1)) and ![img](data:image/png;base64,AA).\n"
                             "<video src=\"v.mp4\"></video>\n")
    assert html == '<p>Fine.</p>\n<p>A <a>link</a> and <img alt="img">.</p>'  # the video is gone
    assert problems == [
        "6:1:warning:html:raw <video> removed: not in the allow-list of plugins/sanitize",
        "5:10:error:html:unsafe URL 'javascript:alert(1)' in a link: only relative, http(s) and mailto URLs "
        "are allowed",
        "5:42:error:html:unsafe URL 'data:image/png;base64,AA' in an image: only relative, http(s) and mailto URLs "
        "are allowed",
    ]


def test_a_citation_or_cross_link_inside_a_link_is_located():
    from citations.markdown_ext import CitationExtension
    from crosslinks.markdown_ext import CrossLinkExtension

    md = markdown.Markdown(extensions=["meta", CrossLinkExtension(), CitationExtension(), SanitizeExtension()])
    md.convert("Title: X\n\nSee [the report [@src-a]](https://example.org) and <a href='../x/'>[[alpha]]</a>.\n")
    assert md.Meta["build_problems"] == [
        "3:17:error:citation:citation inside a link's text: a link cannot hold another; move it out of the link text",
        "3:68:error:crosslink:cross-link inside a link's text: a link cannot hold another; move it out of the link "
        "text",
    ]


HEADINGS = (
    "Title: X\n\n## What *was* agreed on 25 March [@src-a; @src-b]\n\nText.\n\n"
    "### [[alpha#terms|The terms]] and `code` & \"quotes\" -- 'dashes'...\n\n"
    "## A [link](https://example.org/a_b) and **bold** __under__ ![img](x.png)\n\n"
    "## Same [link](javascript:alert(1)) \\*not emphasis\\* &amp; &#169;\n\n## What *was* agreed\n"
)


def _heading_markdown():
    from citations.markdown_ext import CitationExtension
    from crosslinks.markdown_ext import CrossLinkExtension

    return markdown.Markdown(extensions=["meta", "toc", "attr_list", "smarty", CrossLinkExtension(),
                                         CitationExtension(), SanitizeExtension()], output_format="html5")


def test_headings_without_raw_html_get_the_ids_a_cleaned_heading_would():
    # toc makes each heading's id from its HTML after every postprocessor; the cleaning
    # is skipped there when the source has no '<'. Cleaning every heading too changes nothing.
    fast = _heading_markdown()
    html = fast.convert(HEADINGS)
    assert 'id="what-was-agreed-on-25-march"' in html and 'id="what-was-agreed"' in html

    slow = _heading_markdown()
    limits = slow.preprocessors["sanitize_limits"]
    run = limits.run

    def run_as_if_raw_html(lines):
        out = run(lines)
        slow.sanitize_raw_lt = True
        return out

    limits.run = run_as_if_raw_html
    assert slow.convert(HEADINGS) == html
    assert slow.Meta == fast.Meta


@pytest.mark.parametrize("heading, id_", [
    ("## Before <script>alert(1)</script> after", "before-after"),
    ("## Before \\<script\\>alert(1)\\</script\\> after", "before-scriptalert1script-after"),  # text, not HTML
    ("## Before <!-- <b>hidden</b> --> after", "before-after"),
])
def test_a_heading_with_raw_html_is_cleaned_before_its_id_is_made(heading, id_):
    html = _heading_markdown().convert("Title: X\n\n" + heading + "\n")
    assert html.startswith(f'<h2 id="{id_}">')


@pytest.mark.parametrize("body, config, problem", [
    ("x" * 200, {"max_bytes": 100}, "1:1:error:size:source is 218 bytes; the limit is 100 (SANITIZE_MAX_BYTES): "
                                    "split it into several briefs"),
    ("".join("    " * i + "- x\n" for i in range(8)), {"max_depth": 2},
     "8:1:error:size:line indented 16 columns: lists nest at most 2 levels (SANITIZE_MAX_DEPTH)"),
    ("Short.\n\n" + "word " * 30, {"max_paragraph": 100},
     "6:1:error:size:paragraph of 150 characters: the limit is 100 (SANITIZE_MAX_PARAGRAPH); break it up"),
    ("Fine.\n\n" + "[" * 1000, {},
     "6:1:error:size:too many unclosed '[' in this paragraph to convert in reasonable time: close or remove them"),
])
def test_input_too_large_to_convert_is_refused_before_converting(body, config, problem):
    html, problems = convert("Title: X\nSlug: x\n\n" + body, **config)
    assert html == ""  # cut to the front matter: nothing left to take time
    assert problems == [problem]


def test_the_limits_leave_a_normal_brief_alone():
    text = "Title: X\n\n## In short\n\n" + ("A sentence [with a link](../x/) and *emphasis*. " * 40 + "\n\n") * 30
    html, problems = convert(text)
    assert problems == [] and html.count("<p>") == 30


# --- built pages -------------------------------------------------------------------

def test_a_data_url_in_a_brief_fails_the_build_at_its_line(build_site):
    beta = site()["content/briefs/beta.md"] + "\n    Chart ![chart](data:image/png;base64,AAAA) [@wire-2025-03-25].\n"
    result = build_site(site(**{"content/briefs/beta.md": beta}))
    assert result.returncode == 1
    assert ("content/briefs/beta.md:12:16: [error] unsafe URL 'data:image/png;base64,AAAA' in an image: "
            "only relative, http(s) and mailto URLs are allowed (html)") in result.stderr.splitlines()


def test_raw_html_outside_the_allow_list_is_removed_with_a_warning(build_site):
    beta = site()["content/briefs/beta.md"] + "\n    A clip <video src=\"clip.mp4\"></video> [@wire-2025-03-25].\n"
    result = build_site(site(**{"content/briefs/beta.md": beta}))
    assert result.returncode == 0, result.stderr
    assert ("content/briefs/beta.md:12:8: [warning] raw <video> removed: not in the allow-list of "
            "plugins/sanitize (html)") in result.stderr.splitlines()
    assert "<video" not in result.page("briefs/beta")


def test_every_page_of_the_real_site_forbids_inline_script(real_site):
    pages = sorted(real_site.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        csp = CSP_RE.search(html)
        assert csp, f"{page}: no Content-Security-Policy"
        script_src = re.search(r"script-src ([^;]+)", csp.group(1)).group(1)
        assert "'unsafe-inline'" not in script_src and "'self'" in script_src, f"{page}: {csp.group(1)}"
        for attrs, body in SCRIPT_RE.findall(html):
            if 'type="application/ld+json"' in attrs:  # data, never run
                continue
            assert "src=" in attrs and not body.strip(), f"{page}: inline script <script{attrs}>{body[:80]}"
        assert not re.search(r"\son[a-z]+=", " ".join(A_RE.findall(html))), f"{page}: event handler on a link"
        assert "javascript:" not in html.lower(), page


def test_every_external_link_of_the_real_site_has_rel_noopener(real_site):
    for page in sorted(real_site.rglob("*.html")):
        for tag in A_RE.findall(page.read_text(encoding="utf-8")):
            if re.search(r'href="(?:https?:)?//', tag):
                assert 'rel="noopener noreferrer"' in tag, f"{page}: {tag}"



def test_an_external_image_is_kept_but_the_author_is_warned_the_csp_blocks_it(build_site):
    result = build_site({
        "content/sources.yaml": "- id: s\n  type: webpage\n  title: S\n  container-title: S\n"
                                "  URL: https://example.org/\n",
        "content/briefs/a.md": "Title: A\nSlug: a\nSummary: A.\nStatus: ongoing\nAs_of: 2025-04-18\n"
                               "Date: 2025-04-18\n\n## In short\n\nA map ![map](https://example.org/map.png) [@s].\n",
    })
    assert result.returncode == 0, result.stderr
    assert ("content/briefs/a.md:10:14: [warning] image 'https://example.org/map.png' is on another site: the "
            "pages' Content-Security-Policy (img-src 'self') blocks it, so readers see nothing; save the image "
            "with the site or link to it instead (html)") in result.stderr
