"""The two Markdown extensions: exact HTML for a given Markdown input.

They emit placeholders (the build resolves them once every document is known), so
these tests pin the placeholder contract in docs/architecture.md."""

import markdown
import pytest

from citations.markdown_ext import CitationExtension
from crosslinks.markdown_ext import CrossLinkExtension


def render(source: str) -> str:
    md = markdown.Markdown(extensions=[CrossLinkExtension(), CitationExtension(), "attr_list", "fenced_code"])
    return md.convert(source)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("See [[black-sea-deal]].",
         '<p>See <a class="xref" data-src="1:5" data-xref="black-sea-deal"></a>.</p>'),
        ("See [[black-sea-deal|the deal]].",
         '<p>See <a class="xref" data-src="1:5" data-xref="black-sea-deal">the deal</a>.</p>'),
        ("See [[black-sea-deal#terms]].",
         '<p>See <a class="xref" data-src="1:5" data-xref="black-sea-deal" data-xref-section="terms"></a>.</p>'),
        ("Line one.\nAnd [[a#b|the *b* part]].",
         '<p>Line one.\nAnd <a class="xref" data-src="2:5" data-xref="a" data-xref-section="b">'
         "the <em>b</em> part</a>.</p>"),
        ("`[[not-a-link]]` stays code, [[x]] does not.",
         '<p><code>[[not-a-link]]</code> stays code, <a class="xref" data-src="1:30" data-xref="x"></a> does not.</p>'),
        ("```\n[[fenced]] [@fenced]\n```", "<pre><code>[[fenced]] [@fenced]\n</code></pre>"),
        ("Unclosed [[black-sea-deal stays text.", "<p>Unclosed [[black-sea-deal stays text.</p>"),
    ],
)
def test_crosslink_placeholders(source, expected):
    assert render(source) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ("A fact [@wapo-2025-04-18].",
         '<p>A fact <sup class="cite"><a class="cite-ref" data-cite="wapo-2025-04-18" data-src="1:8"></a></sup>.</p>'),
        ("A fact [@tass-2025-05-01, para. 4].",
         '<p>A fact <sup class="cite"><a class="cite-ref" data-cite="tass-2025-05-01" data-locator="para. 4"'
         ' data-src="1:8"></a></sup>.</p>'),
        ("Two [@a; @b, p. 3].",
         '<p>Two <sup class="cite"><a class="cite-ref" data-cite="a" data-src="1:5"></a>'
         '<a class="cite-ref" data-cite="b" data-locator="p. 3" data-src="1:5"></a></sup>.</p>'),
        ("Bad [@ spaced].",
         '<p>Bad <sup class="cite"><a class="cite-ref" data-cite-raw="@ spaced" data-src="1:5"></a></sup>.</p>'),
        ("A link [@handle](https://example.org) is not a citation.",
         '<p>A link <a href="https://example.org">@handle</a> is not a citation.</p>'),
    ],
)
def test_citation_placeholders(source, expected):
    assert render(source) == expected


def test_positions_count_front_matter_lines():
    md = markdown.Markdown(extensions=[CrossLinkExtension(), "meta"])
    html = md.convert("Title: T\nSummary: has [[no-link]] here\n\nBody [[x]].")
    assert html == '<p>Body <a class="xref" data-src="4:6" data-xref="x"></a>.</p>'
    assert md.Meta["summary"] == ["has [[no-link]] here"]


def test_no_position_marker_leaks_into_output():
    html = render("Odd [[ and [@ and `[[x]]` [[y|z")
    assert "\ue000" not in html and "\ue001" not in html
