"""The seeded fixture site (fixtures/seeded/): every kind of problem of issue 4, point 1, planted
once, next to valid links of every kind. The whole report is asserted, line for line, so a
missed problem, a duplicate, a wrong position or a valid link flagged all fail the test.

fixtures/seeded/README.md lists what is planted where.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tools.linkcheck import CODES
from tools.linkcheck.cli import main
from tools.linkcheck.report import SARIF_SCHEMA

SEEDED = Path(__file__).parent / "fixtures" / "seeded"
REPO = Path(__file__).resolve().parents[2]

EXPECTED = """\
content/briefs/alpha.md:10:35: missing-fragment '../../people/#nobody': no id 'nobody' in people/index.html
content/briefs/alpha.md:11:33: citation-no-backref source entry li#source-tass has no a.backref back to this marker (#cite-tass-2)
content/briefs/alpha.md:11:60: citation-unresolved citation marker '#source-ghost' has no source entry li#source-ghost on this page
content/briefs/alpha.md:12:26: citation-unresolved citation [@unknown-key] was never resolved (the a.cite-ref has no href)
content/briefs/alpha.md:12:64: xref-not-brief cross-link '../../tags/talks/' lands on tags/talks/index.html, which is not a brief or page (it has no <meta name="source-file">)
content/briefs/alpha.md:13:35: xref-unresolved cross-link [[gamma]] was never resolved (the a.xref has no href)
content/briefs/alpha.md:13:58: unresolved-syntax '[[paris-talks]]' was not converted (in the page text)
content/briefs/alpha.md:15:22: broken-link link '../gamma/' not found: no briefs/gamma/index.html in the site
content/briefs/alpha.md:15:50: missing-fragment '../beta/#no-such': no id 'no-such' in briefs/beta/index.html
content/briefs/alpha.md:16:17: missing-asset image '../../images/missing.png' not found: no images/missing.png in the site
content/briefs/alpha.md:16:59: unresolved-syntax '{filename}' was not converted (in href '{filename}/briefs/old.md')
content/briefs/alpha.md:17:23: broken-link link '../gamma/' not found: no briefs/gamma/index.html in the site
content/briefs/beta.md:10:61: unresolved-syntax '[@ria-2025]' was not converted (in the page text)
content/briefs/beta.md:11:22: unsafe-url data: URL 'data:text/html;base64,PGgxPg==' is not allowed in a link
content/briefs/beta.md:13:89: broken-link link '/briefs/nope/' not found: no briefs/nope/index.html in the site
output/briefs/alpha/index.html:11:76: broken-link link '../../about/' not found: no about/index.html in the site
output/briefs/alpha/index.html:28:88: missing-fragment '#cite-ria-1': no id 'cite-ria-1' in this page; did you mean '#cite-tass-1'?
output/briefs/beta/index.html:8:44: missing-asset stylesheet '../../theme/css/print.css' not found: no theme/css/print.css in the site
output/index.html:8:24: missing-asset icon '/theme/img/nope.png' not found: no theme/img/nope.png in the site
output/index.html:12:131: missing-fragment '#nowhere': no id 'nowhere' in this page
output/index.html:14:10: broken-link link 'downloads/' not found: downloads/ has no index.html
output/index.html:15:54: missing-asset image 'images/map@3x.png' not found: no images/map@3x.png in the site; did you mean 'images/map.png'?
output/index.html:17:25: missing-asset poster image 'media/missing-poster.jpg' not found: no media/missing-poster.jpg in the site
output/index.html:18:13: unsafe-url javascript: URL 'javascript:void(0)' is not allowed in a link
output/index.html:20:14: private-host 'http://localhost:8000/' points to localhost, a private or local address
output/index.html:21:14: private-host 'http://10.1.2.3/x' points to 10.1.2.3, a private or local address
output/index.html:22:14: private-host 'http://[::1]/' points to ::1, a private or local address
output/index.html:23:14: private-host 'https://printer.local/' points to printer.local, a private or local address
output/index.html:24:14: private-host 'http://169.254.10.1/' points to 169.254.10.1, a private or local address
output/index.html:25:14: private-host 'http://172.20.0.1/' points to 172.20.0.1, a private or local address
output/index.html:27:14: private-host 'http://192.168.0.1:8080/' points to 192.168.0.1, a private or local address
output/index.html:28:14: private-host 'http://127.0.0.2/' points to 127.0.0.2, a private or local address
output/index.html:30:13: malformed-url 'http:/example.org/a' needs '//' after 'http:'
output/index.html:30:50: malformed-url 'htps://example.org/b' has the unknown scheme 'htps:' (did you mean 'https:'?)
output/index.html:30:88: malformed-url 'https://' has no host
output/index.html:30:114: malformed-url 'https://exa mple.org/' contains whitespace
output/index.html:32:14: unresolved-syntax '[[orphan]]' was not converted (in the page text)
output/index.html:34:13: broken-link link '/briefs/nope/' not found: no briefs/nope/index.html in the site
output/index.html:34:79: broken-link link '../outside.html' not found: it goes above the site root
output/index.html:35:14: missing-asset script 'theme/js/missing.js' not found: no theme/js/missing.js in the site
output/index.html:36:13: unchecked-url 'ftp://ftp.example.org/pub/' was not checked: only http(s) and file: links are followed
output/index.html:36:58: broken-link link 'file:///nonexistent/notes.txt' not found: no file /nonexistent/notes.txt on this machine
output/old.html:1:1: unreadable-file a symlink to 'retired-page.html', which does not exist
"""


@pytest.fixture
def in_seeded(monkeypatch):
    monkeypatch.chdir(SEEDED)


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("jobs", ["1", "2"])  # in-process, and through the process pool
def test_text_report_is_exactly_the_planted_problems(in_seeded, capsys, jobs):
    code, out, err = run(capsys, "output", "--format", "text", "--jobs", jobs)
    assert out == EXPECTED
    assert code == 1
    assert err == "linkcheck: 5 pages, 75 links checked: 42 errors, 1 warning\n"


def test_every_offline_code_is_planted(in_seeded, capsys):
    _, out, _ = run(capsys, "output", "--format", "text")
    found = {line.split(": ", 1)[1].split(" ", 1)[0] for line in out.splitlines()}
    # unused-exclude comes from the checker's own options, not a page: tests/linkcheck/test_excludes.py.
    offline = {c for c in CODES if not c.startswith("external-") and c not in ("archive-only", "unused-exclude")}
    assert found == offline


def test_default_format_is_text_outside_github_actions(in_seeded, capsys):
    _, out, _ = run(capsys, "output")
    assert out == EXPECTED


def test_github_annotations_are_automatic_under_github_actions(in_seeded, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(capsys, "output")
    lines = out.splitlines()
    assert code == 1
    assert len(lines) == len(EXPECTED.splitlines())
    assert lines[0] == (
        "::error file=content/briefs/alpha.md,line=10,col=35,title=missing-fragment::"
        "'../../people/#nobody': no id 'nobody' in people/index.html")
    assert lines[-1] == (
        "::error file=output/old.html,line=1,col=1,title=unreadable-file::"
        "a symlink to 'retired-page.html', which does not exist")
    assert all(re.fullmatch(r"::(?:error|warning) file=[^,:]+,line=\d+,col=\d+,title=[a-z-]+::.+", line)
               for line in lines)


def test_explicit_format_wins_over_github_actions(in_seeded, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run(capsys, "output", "--format", "text")
    assert out == EXPECTED


def test_json_report(in_seeded, capsys):
    code, out, _ = run(capsys, "output", "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"] == {"pages": 5, "links": 75, "errors": 42, "warnings": 1}
    as_text = "".join(f"{p['path']}:{p['line']}:{p['col']}: {p['code']} {p['message']}\n"
                      for p in doc["problems"])
    assert as_text == EXPECTED
    first = doc["problems"][0]
    assert first == {
        "path": "content/briefs/alpha.md", "line": 10, "col": 35, "level": "error",
        "code": "missing-fragment",
        "message": "'../../people/#nobody': no id 'nobody' in people/index.html",
        "page": "briefs/alpha/index.html", "target": "../../people/#nobody",
    }


def test_junit_report_is_structurally_valid(in_seeded, capsys):
    code, out, _ = run(capsys, "output", "--format", "junit")
    root = ET.fromstring(out.encode())
    assert code == 1
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    # one case per page (and one for the unreadable file); those with problems fail, people/ passes
    assert [c.get("name") for c in cases] == [
        "briefs/alpha/index.html", "briefs/beta/index.html", "index.html", "output/old.html",
        "people/index.html", "tags/talks/index.html"]
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["briefs/alpha/index.html", "briefs/beta/index.html", "index.html", "output/old.html"]
    assert suite.get("tests") == root.get("tests") == "6"
    assert suite.get("failures") == root.get("failures") == "4"
    assert suite.get("errors") == "0"
    for case in cases:
        assert case.get("classname") == "linkcheck"
        for failure in case.findall("failure"):
            assert failure.get("type") in CODES and failure.get("message")
    # failures list the errors; the warning (unchecked-url) is in its page's system-out
    all_text = "".join(f.text for f in root.iter("failure")) + "".join(o.text for o in root.iter("system-out"))
    assert sorted(all_text.splitlines()) == sorted(EXPECTED.splitlines())


def test_sarif_report_is_structurally_valid(in_seeded, capsys):
    code, out, _ = run(capsys, "output", "--format", "sarif")
    doc = json.loads(out)
    assert code == 1
    assert doc["version"] == "2.1.0" and doc["$schema"] == SARIF_SCHEMA
    (run_,) = doc["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "linkcheck" and driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == list(CODES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = run_["results"]
    assert len(results) == len(EXPECTED.splitlines())
    lines = []
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note", "none")
        (loc,) = r["locations"]
        art = loc["physicalLocation"]["artifactLocation"]
        region = loc["physicalLocation"]["region"]
        assert not art["uri"].startswith("/") and art["uriBaseId"] == "%SRCROOT%"
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        lines.append(f"{art['uri']}:{region['startLine']}:{region['startColumn']}: "
                     f"{r['ruleId']} {r['message']['text']}")
    assert "\n".join(lines) + "\n" == EXPECTED


def test_output_file(in_seeded, capsys, tmp_path):
    target = tmp_path / "report.sarif"
    code, out, _ = run(capsys, "output", "--format", "sarif", "--output", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


# -- exit codes ------------------------------------------------------------------------------


def test_clean_site_exits_0(make_site, capsys, monkeypatch):
    root = make_site({"site/index.html": '<a href="a/">a</a>',
                      "site/a/index.html": '<a href="../">home</a>'})
    monkeypatch.chdir(root)
    assert run(capsys, "site") == (0, "", "linkcheck: 2 pages, 2 links checked: 0 errors, "
                                          "0 warnings\n")


@pytest.mark.parametrize("args, message", [
    (["missing-folder"], "expected SITE to be a folder of HTML but received: 'missing-folder' "
                         "(no such folder)"),
    (["output/index.html"], "expected SITE to be a folder of HTML but received: "
                            "'output/index.html' (not a folder)"),
    (["output", "--base-path", "project/"], "expected --base-path to start with '/' but "
                                            "received: 'project/'"),
    (["output", "--site-url", "example.org"], "expected --site-url to be an http(s) URL but "
                                              "received: 'example.org'"),
    (["output", "--format", "xml"], "argument --format: invalid choice: 'xml' (choose from "
                                    "'auto', 'text', 'github', 'json', 'junit', 'sarif')"),
    (["output", "--cache-ttl", "soon"], "argument --cache-ttl: expected a duration like 90, "
                                        "90s, 30m, 12h or 7d but received: 'soon'"),
    ([], "the following arguments are required: SITE"),
    (["output", "--jobs", "3000"], "expected --jobs to be at most 64 but received: 3000"),
    (["output", "-o", "/missing/dir/report.txt"], "cannot write the report to '/missing/dir/report.txt': "
                                                  "no folder '/missing/dir'"),
])
def test_usage_errors_exit_2(in_seeded, capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == f"python -m tools.linkcheck: error: {message}"


def test_a_failure_of_the_checker_itself_is_one_line_and_exit_3(in_seeded, capsys, monkeypatch):
    from tools.linkcheck import cli

    def broken(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(cli, "check_site", broken)
    code, out, err = run(capsys, "output")
    assert (code, out) == (3, "")
    assert err == "linkcheck: failed: MemoryError: no room (LINKCHECK_DEBUG=1 shows where)\n"


def test_module_entry_point_exit_codes(tmp_path):
    """The real `python -m tools.linkcheck` process: 1 on problems, 2 on usage errors."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("GITHUB_ACTIONS", None)
    problems = subprocess.run([sys.executable, "-m", "tools.linkcheck", "output"], cwd=SEEDED,
                              env=env, capture_output=True, text=True)
    assert problems.returncode == 1 and problems.stdout == EXPECTED
    usage = subprocess.run([sys.executable, "-m", "tools.linkcheck", "nowhere"], cwd=tmp_path,
                           env=env, capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stdout == ""
