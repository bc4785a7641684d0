"""The weekly link check's tracking issue (tools/linkissue.py) against a fake GitHub API:
one issue while links are broken, updated only when the list changes, closed when all pass."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from werkzeug import Response

from sitebuild import ROOT

REPO = "desk/briefs"


class FakeGitHub:
    """Issues and comments of one repository, as much of the REST API as the tool uses."""

    def __init__(self):
        self.issues: dict[int, dict] = {}
        self.labels: set[str] = set()
        self.comments: dict[int, list[str]] = {}
        self.calls: list[str] = []

    def handle(self, request):
        assert request.headers["Authorization"] == "Bearer secret-token"
        path = request.path.removeprefix(f"/repos/{REPO}")
        self.calls.append(f"{request.method} {path}")
        body = request.get_json(silent=True) or {}
        if request.method == "GET" and path == "/issues":
            assert request.args["state"] == "open" and request.args["labels"] == "external-links"
            found = [i for i in self.issues.values() if i["state"] == "open" and "external-links" in i["labels"]]
            # A pull request with the label is listed by this endpoint too, and must be skipped.
            found.append({"number": 999, "pull_request": {}, "body": "", "labels": ["external-links"]})
            return Response(json.dumps(found), content_type="application/json")
        if request.method == "POST" and path == "/labels":
            if body["name"] in self.labels:
                return Response('{"message": "Validation Failed"}', status=422, content_type="application/json")
            self.labels.add(body["name"])
            return Response("{}", status=201, content_type="application/json")
        if request.method == "POST" and path == "/issues":
            assert set(body["labels"]) <= self.labels, "an issue's label must exist before it is used"
            number = len(self.issues) + 1
            self.issues[number] = {"number": number, "state": "open", **body}
            return Response(json.dumps(self.issues[number]), status=201, content_type="application/json")
        m = re.fullmatch(r"/issues/(\d+)(/comments)?", path)
        number = int(m.group(1))
        if m.group(2):
            self.comments.setdefault(number, []).append(body["body"])
            return Response("{}", status=201, content_type="application/json")
        self.issues[number].update(body)
        return Response(json.dumps(self.issues[number]), content_type="application/json")


@pytest.fixture
def github(httpserver):
    fake = FakeGitHub()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    fake.url = httpserver.url_for("/").rstrip("/")
    return fake


def report(tmp_path, *broken: str, warnings: int = 0):
    problems = [{"path": "content/sources.yaml", "line": 10 + i, "col": 7, "level": "error",
                 "code": "external-broken", "message": f"{url} returned 404", "page": "", "target": url}
                for i, url in enumerate(broken)]
    problems += [{"path": "output/index.html", "line": 1, "col": 1, "level": "warning",
                  "code": "external-unverifiable", "message": "rate limited", "page": "", "target": ""}] * warnings
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"problems": problems}), encoding="utf-8")
    return path


def run(github, path, run_id="1"):
    env = {**os.environ, "GITHUB_TOKEN": "secret-token", "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github.url,
           "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": run_id, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tools.linkissue", "--report", str(path)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=60)


def test_broken_links_open_one_issue_and_a_rerun_with_the_same_list_changes_nothing(github, tmp_path):
    first = run(github, report(tmp_path, "https://a.example/gone"))
    assert first.returncode == 1, first.stderr
    assert list(github.issues) == [1] and github.labels == {"external-links"}
    issue = github.issues[1]
    assert issue["labels"] == ["external-links"]
    assert "https://a.example/gone returned 404" in issue["body"]
    assert "https://github.example/desk/briefs/actions/runs/1" in issue["body"]

    github.calls.clear()
    again = run(github, report(tmp_path, "https://a.example/gone"), run_id="2")
    assert again.returncode == 1
    assert github.calls == ["GET /issues"]  # looked, found the same list, wrote nothing
    assert list(github.issues) == [1] and 1 not in github.comments


def test_a_changed_list_updates_the_same_issue_with_a_comment_of_what_changed(github, tmp_path):
    run(github, report(tmp_path, "https://a.example/gone"))
    result = run(github, report(tmp_path, "https://b.example/moved"), run_id="2")
    assert result.returncode == 1
    assert list(github.issues) == [1]
    assert "b.example/moved" in github.issues[1]["body"] and "a.example/gone" not in github.issues[1]["body"]
    comment = github.comments[1][-1]
    assert "1 new, 1 fixed" in comment
    assert "- new: `content/sources.yaml:10` https://b.example/moved" in comment
    assert "- fixed: `content/sources.yaml:10` https://a.example/gone" in comment


def test_an_existing_label_is_used_as_it_is(github, tmp_path):
    github.labels.add("external-links")  # made by hand, or by an earlier run
    assert run(github, report(tmp_path, "https://a.example/gone")).returncode == 1
    assert list(github.issues) == [1]


def test_all_links_passing_closes_the_issue_and_warnings_are_not_failures(github, tmp_path):
    run(github, report(tmp_path, "https://a.example/gone"))
    result = run(github, report(tmp_path, warnings=3), run_id="3")
    assert result.returncode == 0, result.stderr
    assert github.issues[1]["state"] == "closed"
    assert "works again" in github.comments[1][-1] and "runs/3" in github.comments[1][-1]
    # Nothing open, nothing broken: nothing to do.
    github.calls.clear()
    assert run(github, report(tmp_path), run_id="4").returncode == 0
    assert github.calls == ["GET /issues"]


def test_a_missing_report_leaves_the_issue_alone(github, tmp_path):
    result = run(github, tmp_path / "no-report.json")
    assert result.returncode == 2
    assert "left as it is" in result.stderr
    assert github.calls == []
