"""plugins/crosslinks/resolve.py across builds: a build process reads the same HTML for
every document it has not changed, and keeps each document's resolution. What a link shows
(its target's title, preview, address, sections) must still follow every change of the
target, and a document whose targets did not change is not resolved again."""

from __future__ import annotations

from types import SimpleNamespace

import markdown

from crosslinks.markdown_ext import CrossLinkExtension
from crosslinks.resolve import resolve


def html_of(source: str) -> str:
    return markdown.Markdown(extensions=[CrossLinkExtension(), "attr_list"]).convert(source)


A = html_of("See [[b]] and [[b#terms|its terms]].")
B = html_of("## Terms {#terms}\n\nShort terms.")


def build(title_of_b="Beta", summary_of_b="The beta deal.", b_html=B):
    """One build's documents: new objects each time, as Pelican makes them."""
    docs = {
        "a": SimpleNamespace(slug="a", title="Alpha", metadata={"summary": "Alpha."}, _content=A,
                             source_file="content/briefs/a.md", relative_source_path="briefs/a.md"),
        "b": SimpleNamespace(slug="b", title=title_of_b, metadata={"summary": summary_of_b}, _content=b_html,
                             source_file="content/briefs/b.md", relative_source_path="briefs/b.md"),
    }
    return docs, resolve(list(docs.values()))


def test_an_unchanged_document_keeps_its_resolution_and_every_change_of_a_target_reaches_it():
    first, problems = build()
    assert problems == []
    assert 'data-title="Beta"' in first["a"]._content and first["a"].link_counts == {"b": 2}

    again, _ = build()
    assert again["a"]._content is first["a"]._content  # reused, not resolved again
    assert again["a"].link_counts == {"b": 2} and again["b"].linked_from == [again["a"]]

    renamed, _ = build(title_of_b="Beta renamed")
    assert ">Beta renamed</a>" in renamed["a"]._content and 'data-title="Beta renamed"' in renamed["a"]._content

    summarised, _ = build(title_of_b="Beta renamed", summary_of_b="A new summary.")
    assert 'data-summary="A new summary."' in summarised["a"]._content

    _, problems = build(title_of_b="Beta renamed", summary_of_b="A new summary.", b_html=html_of("No sections."))
    assert [p.message for p in problems] == ["unknown section 'terms' in 'b'"]
