"""`make html` runs the lint's rules too: what `make check` rejects is never published.
(`site` is the lint fixture site in tmp_path; `build_site({})` builds tmp_path.)"""

from __future__ import annotations

from pathlib import Path

from quotes.html import TITLE

from .conftest import run_tool


CORPUS = Path(__file__).resolve().parent / "corpus"


def test_a_lint_error_fails_the_build_and_leaves_output_as_it_was(site, build_site):
    good = build_site({}, env={"BRIEFS_TODAY": "2025-04-20"})
    assert good.returncode == 0, good.stderr
    before = {p.relative_to(good.output): p.read_bytes() for p in good.output.rglob("*") if p.is_file()}

    (site / "content" / "briefs" / "uncited.md").write_text(
        (CORPUS / "uncited-paragraph.md").read_text(encoding="utf-8"), encoding="utf-8")
    bad = build_site({}, env={"BRIEFS_TODAY": "2025-04-20"})
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[-3:] == [
        "content/briefs/uncited.md:12:1: [error] paragraph has no citation: add [@key] for the source of its facts"
        " (uncited)",
        "content/briefs/uncited.md:16:3: [error] list item has no citation: add [@key] for the source of its facts"
        " (uncited)",
        "build failed: 2 problems; output/ left as it was",
    ]
    after = {p.relative_to(bad.output): p.read_bytes() for p in bad.output.rglob("*") if p.is_file()}
    assert after == before


def test_the_build_does_not_repeat_the_as_of_reminder(site, build_site):
    (site / "content" / "briefs" / "stale.md").write_text(
        (CORPUS / "stale-as-of.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = build_site({}, env={"BRIEFS_TODAY": "2025-04-20"})
    assert result.returncode == 0, result.stderr
    assert "(as-of)" not in result.stderr


def test_a_verified_quote_is_marked_and_links_to_the_method(site, build_site):
    result = build_site({}, env={"BRIEFS_TODAY": "2025-04-20"})
    assert result.returncode == 0, result.stderr
    page = result.page("briefs/beta")
    assert (f'said <q class="verified" title="{TITLE}">we will sign it within two weeks</q>'
            '<a class="verified-link" href="../../about/#quote-verification">') in page
    # too short to check: left as the smarty extension wrote it
    assert "called the text &ldquo;nearly final&rdquo; <sup" in page


def test_the_checks_a_build_remembers_follow_every_change(site, build_site, tmp_path):
    # A build keeps each file's lint results (tools/lint/cache.py): an unchanged file
    # must give the same problems as a fresh check, and a change to the file or to
    # what the rules read (a saved source's fingerprint) must be seen.
    env = {"BRIEFS_TODAY": "2025-04-20"}
    assert build_site({}, env=env).returncode == 0
    uncited = site / "content" / "briefs" / "uncited.md"
    uncited.write_text((CORPUS / "uncited-paragraph.md").read_text(encoding="utf-8"), encoding="utf-8")
    first = build_site({}, env=env)
    again = build_site({}, env=env)
    assert first.returncode == again.returncode == 1
    assert first.stderr.splitlines()[-3:] == again.stderr.splitlines()[-3:]
    assert "(uncited)" in again.stderr
    uncited.unlink()
    assert build_site({}, env=env).returncode == 0

    # The envoy's saved remarks now say something else: beta's quote is no longer in them.
    other = tmp_path / "other-remarks.html"
    other.write_text("<html><body><p>The envoy spoke at length about the weather in the harbour "
                     "and the price of grain this spring.</p></body></html>", encoding="utf-8")
    made = run_tool("tools.fingerprint", "--source", "envoy-2025-04-15", "--file", str(other),
                    "--content", str(site / "content"), cwd=site)
    assert made.returncode == 0, made.stderr
    changed = build_site({}, env=env)
    assert changed.returncode == 1
    expected = "content/briefs/beta.md:10:33: [error] quotation is not word for word in the saved copy of"
    assert expected in changed.stderr
