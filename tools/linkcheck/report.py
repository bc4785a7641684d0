"""Formatters: one function per output format, each taking the sorted problems and returning
the whole text. Nothing here prints or exits; the CLI does.
"""
from __future__ import annotations

import json
from urllib.parse import quote
from xml.etree import ElementTree as ET

from .problem import CODES, ERROR, WARNING

from problems import visible  # plugins/problems: one rule for what is shown escaped (see __init__)

TOOL = "linkcheck"
VERSION = "1.0.0"
FORMATS = ("auto", "text", "github", "json", "junit", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def counts(problems) -> tuple[int, int]:
    errors = sum(1 for p in problems if p.level == ERROR)
    return errors, len(problems) - errors


def summary(problems, pages: int, links: int) -> str:
    errors, warnings = counts(problems)
    s = lambda n, word: f"{n} {word}{'s' * (n != 1)}"  # noqa: E731
    return (f"{TOOL}: {s(pages, 'page')}, {s(links, 'link')} checked: "
            f"{s(errors, 'error')}, {s(warnings, 'warning')}")


def text(problems, **_) -> str:
    """path:line:col: code message -- what editors and grep understand."""
    return "".join(f"{visible(p.path)}:{p.line}:{p.col}: {p.code} {visible(p.message)}\n" for p in problems)


def _gh_data(value: str) -> str:
    # %0A is how a workflow command carries a line break: the runner shows it, nobody can
    # start a second command with it.
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def github(problems, **_) -> str:
    """GitHub Actions workflow commands; the runner turns them into annotations on the diff."""
    out = []
    for p in problems:
        command = "error" if p.level == ERROR else "warning"
        props = (f"file={_gh_property(p.path)},line={p.line},col={p.col},"
                 f"title={_gh_property(p.code)}")
        out.append(f"::{command} {props}::{_gh_data(p.message)}\n")
    return "".join(out)


def to_json(problems, pages=(), links=0, **_) -> str:
    errors, warnings = counts(problems)
    doc = {
        "tool": TOOL,
        "version": 1,
        "summary": {"pages": len(pages), "links": links, "errors": errors, "warnings": warnings},
        "problems": [
            {"path": p.path, "line": p.line, "col": p.col, "level": p.level, "code": p.code,
             "message": p.message, "page": p.page, "target": p.target}
            for p in problems
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def junit(problems, pages=(), **_) -> str:
    """One test case per checked page (plus sources.yaml); a page with errors fails.

    Warnings do not fail a case; they are listed in its system-out.
    """
    by_page: dict = {page: [] for page in pages}
    for p in problems:
        by_page.setdefault(p.page or p.path, []).append(p)
    failures = sum(1 for ps in by_page.values() if any(p.level == ERROR for p in ps))
    suites = ET.Element("testsuites", name=TOOL, tests=str(len(by_page)),
                        failures=str(failures), errors="0")
    suite = ET.SubElement(suites, "testsuite", name=TOOL, tests=str(len(by_page)),
                          failures=str(failures), errors="0", skipped="0")
    for page in sorted(by_page):
        case = ET.SubElement(suite, "testcase", classname=TOOL, name=visible(page))
        errs = [p for p in by_page[page] if p.level == ERROR]
        warns = [p for p in by_page[page] if p.level == WARNING]
        if errs:
            first = errs[0]
            more = f" (and {len(errs) - 1} more)" if len(errs) > 1 else ""
            failure = ET.SubElement(case, "failure", type=first.code,
                                    message=visible(f"{first.code}: {first.message}{more}"))
            failure.text = text(errs)
        if warns:
            ET.SubElement(case, "system-out").text = text(warns)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def sarif(problems, **_) -> str:
    """SARIF 2.1.0, one run; every code is a rule so GitHub code scanning can group them."""
    rule_ids = list(CODES)
    rules = [
        {"id": code, "name": code, "shortDescription": {"text": description},
         "defaultConfiguration": {"level": level}}
        for code, (level, description) in CODES.items()
    ]
    results = [
        {
            "ruleId": p.code,
            "ruleIndex": rule_ids.index(p.code),
            "level": p.level,
            "message": {"text": p.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(p.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": p.line, "startColumn": p.col},
                }
            }],
            "properties": {"page": p.page, "target": p.target},
        }
        for p in problems
    ]
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL, "version": VERSION, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": text, "github": github, "json": to_json, "junit": junit, "sarif": sarif}
