"""Very large or pathological briefs: the build finishes in bounded time with a
correct page or a located error, never a hang or a traceback.

Python-Markdown's time grows with the square of a paragraph's markup (and of its
unclosed `[`: 10,000 of them took over two minutes), and it recurses once per level
of list nesting. plugins/sanitize refuses such input before converting it
(SANITIZE_MAX_BYTES, SANITIZE_MAX_DEPTH, SANITIZE_MAX_PARAGRAPH, an estimate of the
conversion time); plugins/speed's reader turns a file that is not UTF-8 into a
located problem. Each build runs `python -m tools.build` with a generous timeout:
completing is the assertion, not a time."""

from __future__ import annotations

import subprocess

import pytest

from sitebuild import run_build, write_site

TIMEOUT = 240  # seconds: far above what each case takes, far below "hangs"
SOURCES = """
    - id: src-a
      type: webpage
      title: A fixture source
      container-title: Fixture Wire
      issued: 2025-04-18
      URL: https://example.org/a
"""
HEAD = ("Title: Big\nSlug: big\nSummary: A very large brief.\nStatus: ongoing\n"
        "As_of: 2025-04-18\nDate: 2025-04-01\n\n")


def build(tmp_path, body: str | bytes):
    write_site(tmp_path, {"content/sources.yaml": SOURCES})
    path = tmp_path / "content" / "briefs" / "big.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    path.write_bytes(HEAD.encode() + data)
    try:
        return run_build(tmp_path, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build did not finish within {TIMEOUT} s")


def errors(result) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if "[error]" in line]


def test_a_5_mb_brief_is_refused_with_a_located_error(tmp_path):
    body = "## In short\n\n" + "Words of a long brief, each paragraph cited [@src-a].\n\n" * 95_000
    result = build(tmp_path, body)
    assert result.returncode == 1
    size = len(HEAD) + len(body)
    assert size > 5_000_000
    assert errors(result) == [
        f"content/briefs/big.md:1:1: [error] source is {size:,} bytes; the limit is 1,000,000 "
        "(SANITIZE_MAX_BYTES): split it into several briefs (size)"
    ]


def test_10000_citations_in_one_brief_make_a_correct_page(tmp_path):
    paragraphs = "".join(
        " ".join(f"Fact {p}.{i} [@src-a]." for i in range(10)) + "\n\n" for p in range(1000)
    )
    result = build(tmp_path, "## In short\n\n" + paragraphs)
    assert result.returncode == 0, result.stderr[-2000:]
    page = result.page("briefs/big")
    assert page.count('class="cite-ref"') == 10_000
    assert 'id="cite-src-a-10000"' in page


def test_10000_citations_in_one_paragraph_are_a_located_error(tmp_path):
    paragraph = " ".join(f"Fact {i} [@src-a]." for i in range(10_000))
    result = build(tmp_path, "## In short\n\n" + paragraph + "\n")
    assert result.returncode == 1
    assert errors(result) == [
        f"content/briefs/big.md:10:1: [error] paragraph of {len(paragraph):,} characters: the limit is 20,000 "
        "(SANITIZE_MAX_PARAGRAPH); break it up (size)"
    ]


def test_a_list_nested_1000_levels_deep_is_a_located_error(tmp_path):
    # Two megabytes of indentation: over the size limit before the depth is even looked at.
    result = build(tmp_path, "".join("    " * i + f"- level {i} [@src-a]\n" for i in range(1000)))
    assert result.returncode == 1
    assert [e.split(": [error] ")[0] for e in errors(result)] == ["content/briefs/big.md:1:1"]


def test_a_list_nested_100_levels_deep_is_a_located_error(tmp_path):
    result = build(tmp_path, "".join("    " * i + f"- level {i} [@src-a]\n" for i in range(100)))
    assert result.returncode == 1
    # Level 22 is the first indented past 21 * 4 columns; the brief's body starts on line 8.
    assert errors(result) == [
        "content/briefs/big.md:30:1: [error] line indented 88 columns: lists nest at most 20 levels "
        "(SANITIZE_MAX_DEPTH) (size)"
    ]


def test_ten_thousand_unclosed_brackets_are_located_errors(tmp_path):
    # `make check`'s rules (which the build runs too) already name each unclosed `[[`;
    # without them plugins/sanitize refuses the paragraph (test_sanitize.py).
    result = build(tmp_path, "## In short\n\nA cited line [@src-a] and then " + "[" * 10_000 + "\n")
    assert result.returncode == 1
    found = errors(result)
    assert found and all(e.startswith("content/briefs/big.md:10:") for e in found)


def test_many_dense_paragraphs_are_refused_by_the_time_estimate(tmp_path):
    result = build(tmp_path, ("*a* " * 4_000 + "[@src-a]\n\n") * 40)
    assert result.returncode == 1
    (error,) = errors(result)
    assert error.startswith("content/briefs/big.md:") and "would take over 10 s to convert" in error


def test_a_brief_that_is_not_utf8_is_a_located_error(tmp_path):
    result = build(tmp_path, b"## In short\n\nCaf\xe9 au lait [@src-a].\n")
    assert result.returncode == 1
    (error,) = errors(result)
    assert error.startswith("content/briefs/big.md:10:4: [error] not ") and "UTF-8" in error


def lint(tmp_path) -> subprocess.CompletedProcess:
    import os
    import sys

    from sitebuild import ROOT

    try:
        return subprocess.run([sys.executable, "-m", "tools.lint", "--content", str(tmp_path / "content")],
                              cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        pytest.fail(f"make check did not finish within {TIMEOUT} s")


@pytest.mark.parametrize("line, expected", [
    ("[[" * 50_000, "content/briefs/big.md:10:1: [error] unclosed cross-link: expected [[slug]] on one line "
                    "(49,999 more on this line) (crosslink)"),
    ("[@" * 20_000, "content/briefs/big.md:10:1: [error] unclosed citation: expected [@key] on one line "
                    "(19,999 more on this line) (citation)"),
    ("- " * 500 + "x [@src-a]", "content/briefs/big.md:10:1: [error] 500 list or quote markers open this line: "
                                "lists and quotes nest at most 20 levels (SANITIZE_MAX_DEPTH) (size)"),
])
def test_make_check_and_make_html_are_linear_and_located_on_pathological_lines(tmp_path, line, expected):
    """50,000 `[[` on one line never finished in `make check` (quadratic scans); 500 list markers
    on one line were a RecursionError there."""
    result = build(tmp_path, "## In short\n\n" + line + "\n")
    assert result.returncode == 1
    assert expected in errors(result)
    check = lint(tmp_path)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert expected in check.stdout.splitlines()
