"""The formatters on hand-made problems: exact text, GitHub escaping, warnings in JUnit/SARIF."""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from tools.linkcheck import report
from tools.linkcheck.problem import Problem

PROBLEMS = sorted([
    Problem("content/briefs/a,b.md", 3, 7, "broken-link",
            "link 'x' not found: 50% sure\nsecond line", page="briefs/a/index.html",
            target="x"),
    Problem("content/sources.yaml", 4, 8, "archive-only", "URL of 'k': dead, archive works",
            page="content/sources.yaml", target="https://example.org/k"),
])


def test_text():
    # A line break in a message (from an href in a hostile page) cannot start a forged line.
    assert report.text(PROBLEMS) == (
        "content/briefs/a,b.md:3:7: broken-link link 'x' not found: 50% sure\\u000asecond line\n"
        "content/sources.yaml:4:8: archive-only URL of 'k': dead, archive works\n")


def test_control_characters_are_escaped_in_text_and_give_valid_junit_xml():
    hostile = [Problem("briefs/a/index.html", 1, 1, "broken-link", "link '\x1b[2J\x00x\u202e' not found",
                       page="briefs/a/index.html\x07")]
    assert report.text(hostile) == (
        "briefs/a/index.html:1:1: broken-link link '\\u001b[2J\\u0000x\\u202e' not found\n")
    root = ET.fromstring(report.junit(hostile, pages=[]))  # parses: no raw control characters
    case = root.find(".//testcase")
    assert case.get("name") == "briefs/a/index.html\\u0007"
    assert "\\u001b[2J" in case.find("failure").get("message")


def test_github_escapes_properties_and_data():
    assert report.github(PROBLEMS) == (
        "::error file=content/briefs/a%2Cb.md,line=3,col=7,title=broken-link::"
        "link 'x' not found: 50%25 sure%0Asecond line\n"
        "::warning file=content/sources.yaml,line=4,col=8,title=archive-only::"
        "URL of 'k': dead, archive works\n")


def test_summary_line():
    assert report.summary(PROBLEMS, 1, 1) == (
        "linkcheck: 1 page, 1 link checked: 1 error, 1 warning")


def test_junit_warnings_do_not_fail_a_case():
    root = ET.fromstring(report.junit(PROBLEMS, pages=["briefs/a/index.html", "index.html"]))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert sorted(cases) == ["briefs/a/index.html", "content/sources.yaml", "index.html"]
    assert cases["briefs/a/index.html"].find("failure").get("type") == "broken-link"
    assert cases["content/sources.yaml"].find("failure") is None
    assert "archive-only" in cases["content/sources.yaml"].find("system-out").text
    assert root.get("tests") == "3" and root.get("failures") == "1"


def test_sarif_levels_and_uris():
    doc = json.loads(report.sarif(PROBLEMS))
    results = doc["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning"]
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "content/briefs/a%2Cb.md"


def test_json_is_empty_but_valid_without_problems():
    assert json.loads(report.to_json([], pages=["index.html"], links=3)) == {
        "tool": "linkcheck", "version": 1,
        "summary": {"pages": 1, "links": 3, "errors": 0, "warnings": 0}, "problems": []}
