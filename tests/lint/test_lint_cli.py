"""`make check` as a command: exit statuses, output formats, options, and the real
content."""

from __future__ import annotations

from pathlib import Path

from .conftest import ROOT, run_tool

CORPUS = Path(__file__).resolve().parent / "corpus"
STALE = (CORPUS / "stale-as-of.md").read_text(encoding="utf-8")
UNKNOWN = (CORPUS / "unknown-crosslink.md").read_text(encoding="utf-8")


def test_warnings_exit_0_but_2_with_strict(lint_site):
    files = {"content/briefs/stale-as-of.md": STALE}
    assert lint_site(files).returncode == 0
    strict = lint_site(files, "--strict")
    assert strict.returncode == 2
    assert strict.lines == [
        "content/briefs/stale-as-of.md:5:1: [warning] As_of 2024-12-01 is 140 days old (more than 90): "
        "look for newer reporting, then update the brief and As_of, or add 'Reviewed: YYYY-MM-DD' if there is "
        "nothing newer (as-of)"
    ]


def test_a_brief_reviewed_recently_is_not_stale_however_old_its_newest_fact(lint_site):
    brief = ("Title: Old\nSlug: old\nSummary: A brief.\nStatus: stalled\nAs_of: 2024-12-01\nReviewed: {}\n"
             "Date: 2024-11-01\n\n## In short\n\nA fact [@paper-2025-04-18].\n")
    assert not [line for line in lint_site({"content/briefs/old.md": brief.format("2025-04-10")}).lines
                if "(as-of)" in line]
    early = lint_site({"content/briefs/old.md": brief.format("2024-11-20")})
    assert ("content/briefs/old.md:6:1: [error] 'Reviewed: 2024-11-20' is before 'As_of: 2024-12-01': Reviewed "
            "is the day an editor last looked for newer reporting, on or after the newest fact (front-matter)"
            ) in early.lines


def test_max_age_days_option_overrides_the_setting(lint_site):
    files = {"content/briefs/stale-as-of.md": STALE}
    assert lint_site(files, "--max-age-days", "200").stdout == ""
    assert "is 140 days old (more than 30)" in lint_site(files, "--max-age-days", "30").stdout


def test_errors_and_warnings_together_exit_1(lint_site):
    result = lint_site({"content/briefs/stale-as-of.md": STALE, "content/briefs/unknown-crosslink.md": UNKNOWN},
                       "--strict")
    assert result.returncode == 1
    assert len(result.lines) == 2
    assert result.stderr.startswith("check: 1 error, 1 warning in 5 documents (")


def test_github_annotations_when_github_actions_is_set(lint_site):
    result = lint_site({"content/briefs/unknown-crosslink.md": UNKNOWN}, env={"GITHUB_ACTIONS": "true"})
    assert result.lines == [
        "::error file=content/briefs/unknown-crosslink.md,line=10,col=20,title=crosslink::"
        "unknown brief 'alpah' (did you mean 'alpha'?)"
    ]
    forced_text = lint_site({}, "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert forced_text.lines == [
        "content/briefs/unknown-crosslink.md:10:20: [error] unknown brief 'alpah' (did you mean 'alpha'?) (crosslink)"
    ]
    assert lint_site({}, "--format", "github").lines == result.lines


def test_files_limit_the_report_but_the_whole_site_is_read(lint_site):
    files = {"content/briefs/stale-as-of.md": STALE, "content/briefs/unknown-crosslink.md": UNKNOWN}
    result = lint_site(files, "content/briefs/unknown-crosslink.md")
    assert result.lines == [
        "content/briefs/unknown-crosslink.md:10:20: [error] unknown brief 'alpah' (did you mean 'alpha'?) (crosslink)"
    ]
    # alpha.md itself is fine even though it is not listed: [[beta]] resolves against the whole site
    assert lint_site(files, "content/briefs/alpha.md").returncode == 0


def test_a_file_that_is_not_utf8_is_located(lint_site):
    data = "Title: Latin-1\nSlug: latin\nSummary: Saved in the wrong encoding.\n".encode() + b"Status: ongoing \xe9t\xe9\n"
    result = lint_site({"content/briefs/latin.md": data})
    assert result.lines == [
        "content/briefs/latin.md:4:17: [error] not valid UTF-8 (byte 0xe9): save the file as UTF-8 (encoding)"
    ]
    assert result.returncode == 1


def test_quotes_option_lists_each_quote_and_whether_it_was_checked(lint_site):
    result = lint_site({}, "--quotes")
    assert result.lines == [
        "content/briefs/beta.md:10:16: verified [envoy-2025-04-15] \u201cwe will sign it within two weeks\u201d",
        "content/briefs/beta.md:10:71: short [envoy-2025-04-15] \u201cnearly final\u201d",
    ]


def test_a_quote_with_a_cut_is_checked_part_by_part(lint_site):
    brief = (CORPUS / "quote-not-in-fingerprint.md").read_text(encoding="utf-8").replace(
        "harbour treaty, and we will sign it within two weeks",
        "harbour agreement … we will sign it within two weeks",
    )
    result = lint_site({"content/briefs/cut.md": brief}, "--quotes")
    assert result.returncode == 0, result.stdout
    assert "content/briefs/cut.md:10:17: verified [envoy-2025-04-15]" in result.stdout


def test_a_quote_cited_also_to_a_source_without_fingerprint_is_not_an_error(lint_site):
    brief = (CORPUS / "quote-not-in-fingerprint.md").read_text(encoding="utf-8").replace(
        "[@envoy-2025-04-15]", "[@envoy-2025-04-15; @paper-2025-04-18]")
    result = lint_site({"content/briefs/two.md": brief}, "--quotes")
    assert result.returncode == 0, result.stdout
    assert "content/briefs/two.md:10:17: unverified [envoy-2025-04-15, paper-2025-04-18]" in result.stdout


def test_a_broken_fingerprint_file_is_an_error(lint_site):
    result = lint_site({"content/fingerprints/nobody.json": '{"source": "nobody", "version": 1, "hash": "sha256", '
                                                             '"bits": 24, "n": 5, "words": 9, "hashes": ["abc"]}'})
    assert result.lines == [
        "content/fingerprints/nobody.json:1:1: [error] 'hashes' must be a list of 6-digit hexadecimal strings "
        "(fingerprint)"
    ]
    unknown = lint_site({"content/fingerprints/nobody.json": '{"source": "nobody", "version": 1, "hash": "sha256", '
                                                              '"bits": 24, "n": 5, "words": 9, "hashes": ["abcdef"]}'})
    assert unknown.lines == [
        "content/fingerprints/nobody.json:1:1: [error] fingerprint of unknown source 'nobody' (fingerprint)"
    ]


def test_the_real_content_passes_with_warnings_at_most():
    # How long it takes is measured by `make bench` (the checks row), not asserted here: a
    # wall-clock limit in a test fails on a loaded machine and proves nothing on a fast one.
    result = run_tool("tools.lint", cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert all(": [warning] " in line for line in result.lines), result.stdout


def test_without_the_sanitize_plugin_the_lint_still_refuses_unsafe_html(tmp_path):
    from tools.lint import documents, rules

    path = tmp_path / "x.md"
    path.write_text("Title: X\n\nA <span onclick=\"f()\">b</span> [c](javascript:alert(1)) `<script>` d.\n\n"
                    "<iframe src=\"https://example.org\"></iframe>\n\n```\n<script>\n```\n", encoding="utf-8")
    doc = documents.Document(str(path), "content/briefs/x.md", "briefs/x.md", "brief")
    documents.read(doc)
    rules.check_html(doc)
    assert [p.format() for p in doc.problems] == [
        "content/briefs/x.md:5:1: [error] raw <iframe> is not allowed: the site makes no third-party requests; "
        "link to the page instead (html)",
        "content/briefs/x.md:3:9: [error] event-handler attribute 'onclick' is not allowed: the site runs only its "
        "own scripts (html)",
        "content/briefs/x.md:3:36: [error] 'javascript:' URLs are not allowed: link to a web page (https://...) (html)",
    ]


def test_a_missing_file_and_a_negative_age_are_usage_errors(site):
    missing = run_tool("tools.lint", "--settings", str(ROOT / "pelicanconf.py"), "--content", str(site / "content"),
                       "content/briefs/missing.md", cwd=site)
    assert missing.returncode == 2
    assert missing.stderr.endswith("error: no such file: content/briefs/missing.md (give Markdown files under "
                                   "content/, or none for all)\n")
    negative = run_tool("tools.lint", "--settings", str(ROOT / "pelicanconf.py"), "--max-age-days", "-1", cwd=site)
    assert negative.returncode == 2
    assert negative.stderr.endswith("error: --max-age-days expects a number of days, 0 or more, not -1\n")
