"""Hostile input, generated: whatever an editor types, the cross-link and citation
syntax (Markdown extensions, then resolution against known documents), the
sanitizer and the front-matter checks give a page or located problems, never a
traceback.

Hypothesis builds the input from our syntax's own pieces (`[[`, `|`, `#`, `[@`,
`;`, code fences, raw HTML, list markers...) mixed with arbitrary text."""

from __future__ import annotations

import os
import re
import tempfile
from types import SimpleNamespace

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefs.frontmatter import check, read_header
from citations.resolve import resolve_document
from crosslinks import TEMPLATE_IDS
from crosslinks.resolve import resolve
from problems import ERROR, Problem, decode
from sanitize.markdown_ext import SanitizeExtension
from speed import reader as speed_reader

FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

PIECES = [
    "[[", "]]", "[", "]", "|", "#", "[@", "@", ";", ",", " ", "\n", "\n\n", "`", "``", "```\n", "~~~\n",
    "alpha", "beta", "alpha#terms", "beta#nope", "src-a", "src-b", "src-zz", "p. 3", "Text", "é", "\t",
    "- ", "* ", "1. ", "> ", "## ", "## Timeline\n\n", "- 2025-03-18: ", "{#terms}", "\\", "*", "_", '"',
    "<", ">", "&", "&amp;", "<b>", "</b>", "<a href='javascript:x'>", "<img src=data:x>", "<script>", "\x00",
    "\ue000", "\ue0011:2\ue001", "[x](javascript:alert(1))", "[x](http://e.org)", "![i](data:image/png,x)",
    # raw HTML dressed as our placeholders, with hostile attributes
    '<a class="xref" data-xref="alpha" data-src="x:y">', "</a>", '<a class="xref" data-xref="beta" data-src=\'1" onclick="x\'>',
    '<sup class="cite"><a class="cite-ref" data-cite="src-a" data-src="zz" data-locator="\'&quot;>"></a></sup>',
    '<a class="cite-ref" data-cite-raw="<b>">',
]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=40).map("".join)
SOURCES = {
    "src-a": {"id": "src-a", "title": "A", "container-title": "P", "URL": "https://e.org/a", "issued": "2025-04-18"},
    "src-b": {"id": "src-b", "title": "B <&>", "container-title": "Q", "URL": "https://e.org/b"},
}


def markdown_converter():
    from citations.markdown_ext import CitationExtension
    from crosslinks.markdown_ext import CrossLinkExtension

    return markdown.Markdown(
        extensions=["toc", "attr_list", "fenced_code", "tables", "smarty", "meta",
                    CrossLinkExtension(), CitationExtension(), SanitizeExtension()],
        output_format="html5",
    )


MD = markdown_converter()


def document(slug: str, title: str, html: str) -> SimpleNamespace:
    return SimpleNamespace(
        slug=slug, title=title, _content=html, source_file=f"content/briefs/{slug}.md",
        relative_source_path=f"briefs/{slug}.md", metadata={"brief_status": "ongoing", "summary": "S."},
    )


def attribute_names(html: str) -> list[str]:
    from html.parser import HTMLParser

    names = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names.extend(name for name, _ in attrs)

    Parser().feed(html)
    return names


def located(problems: list[Problem], path: str, lines: int) -> None:
    for p in problems:
        assert isinstance(p, Problem)
        assert p.path == path
        assert 1 <= p.line <= lines + 1, p
        assert p.col >= 1, p
        assert p.message and p.rule


@FUZZ
@given(TEXT)
def test_crosslinks_and_citations_give_html_or_located_problems(body):
    source = "Title: Fuzz\nSlug: fuzz\n\n" + body
    MD.reset()
    html = MD.convert(source)
    lines = source.count("\n") + 1
    read_problems = decode(getattr(MD, "Meta", {}).get("build_problems", []))
    for line, col, _level, _rule, _message in read_problems:
        assert 1 <= line <= lines and col >= 1
    doc = document("fuzz", "Fuzz", html)
    others = [document("alpha", "Alpha & co", '<h2 id="terms">Terms</h2>'), document("beta", "Beta", "")]
    problems = resolve([doc, *others], TEMPLATE_IDS)
    problems += resolve_document(doc, SOURCES)
    located(problems, "content/briefs/fuzz.md", lines)
    failed = any(p.level == ERROR for p in problems) or any(p[2] == ERROR for p in read_problems)
    if not failed and "class=" not in body:
        # Everything resolved: no placeholder is left for a page to show (raw HTML
        # dressed as a placeholder may stay: it is inert, and sanitized).
        assert "data-xref=" not in doc._content
        assert "data-cite=" not in doc._content and "data-cite-raw=" not in doc._content
    # Never a source marker left in the output (unless the editor typed those
    # private-use characters themselves), never an unsafe URL or a script.
    if "\ue000" not in body and "\ue001" not in body:
        assert "\ue000" not in doc._content and "\ue001" not in doc._content
    assert not re.search(r"""(?:href|src)="\s*(?:javascript|data|vbscript):""", doc._content, re.I)
    assert "<script" not in doc._content.lower()
    assert not [a for a in attribute_names(doc._content) if a.startswith("on")], "an event handler reached the page"


@FUZZ
@given(TEXT, st.text(max_size=30))
def test_front_matter_checks_locate_every_problem(body, value):
    for field in ("Title", "Slug", "Summary", "Status", "As_of", "Date"):
        text = f"{field}: {value}\n{body}"
        header = read_header(text)
        problems = check("content/briefs/x.md", header, "brief")
        located(problems, "content/briefs/x.md", text.count("\n") + 1)


@FUZZ
@given(st.binary(max_size=200), TEXT)
def test_the_reader_turns_any_bytes_into_html_or_a_located_problem(data, body):
    with tempfile.NamedTemporaryFile("wb", suffix=".md", delete=False) as f:
        f.write(b"Title: X\nSlug: x\n\n" + data + body.encode("utf-8", "surrogatepass"))
    try:
        html, meta = speed_reader.convert(markdown_converter(), f.name)
    finally:
        os.unlink(f.name)
    assert isinstance(html, str)
    for line, col, level, rule, message in decode(meta.get("build_problems", [])):
        assert line >= 1 and col >= 1 and level in ("error", "warning") and rule and message


BUILD_FUZZ = settings(max_examples=int(os.environ.get("FUZZ_BUILDS", "12")), deadline=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@BUILD_FUZZ
@given(TEXT, TEXT)
def test_a_whole_build_gives_a_site_or_located_problems(tmp_path_factory, body, summary):
    """Every plugin sees the hostile brief: the build returns problems or a site,
    and logs no error that is not a located problem."""
    import logging

    from sitebuild import ROOT, write_site
    from tools import build

    root = tmp_path_factory.mktemp("fuzzsite")
    summary = summary.replace("\n", " ").replace("\r", " ")
    write_site(root, {
        "content/sources.yaml": """
            - id: src-a
              type: webpage
              title: A
              container-title: P
              URL: https://e.org/a
            - id: src-b
              type: webpage
              title: B
              container-title: Q
              URL: https://e.org/b
        """,
        "content/briefs/alpha.md": "Title: Alpha\nSlug: alpha\nSummary: A.\nStatus: ongoing\nAs_of: 2025-04-18\n"
                                   "Date: 2025-04-01\n\n## Terms {#terms}\n\nText [@src-a] [@src-b].\n",
    })
    (root / "content/briefs/fuzz.md").write_text(
        f"Title: Fuzz\nSlug: fuzz\nSummary: {summary}\nStatus: ongoing\nAs_of: 2025-04-18\nDate: 2025-04-01\n\n{body}\n",
        encoding="utf-8", errors="surrogatepass")
    errors = []

    class Catch(logging.Handler):
        def emit(self, record):
            errors.append(record.getMessage())

    handler = Catch(logging.ERROR)
    logging.getLogger().addHandler(handler)
    try:
        problems = build.build(str(ROOT / "pelicanconf.py"), str(root / "output"), {"PATH": str(root / "content")})
    finally:
        logging.getLogger().removeHandler(handler)
    assert not errors, errors
    for p in problems or []:
        assert isinstance(p, Problem) and p.line >= 1 and p.col >= 1
    if not problems:
        assert (root / "output/briefs/fuzz/index.html").is_file()
