"""The weekly external link check's tracking issue: one open issue while links are broken.

    python -m tools.linkissue --report linkcheck.json

Reads the link checker's JSON report (`--format json`) and, through the GitHub REST API:

- errors, and no tracking issue open: opens one (label `external-links`) listing them;
- errors, and the issue is open: when the list changed, rewrites the issue's list and
  comments what is new and what was fixed; when nothing changed, leaves it alone (no weekly
  "still broken" noise);
- no errors, and the issue is open: comments that everything passes again and closes it.

Warnings (rate limits, bot walls, archive-only sources) are left to the run's log: they are
not failures and would make the issue churn.

Environment (set by GitHub Actions): GITHUB_TOKEN (issues: write), GITHUB_REPOSITORY,
GITHUB_API_URL, and GITHUB_SERVER_URL/GITHUB_RUN_ID for a link to the run.

Exit status: 0 no broken links; 1 broken links (the issue was opened or updated); 2 the report
is missing or unreadable (the checker failed: the issue is not touched); 3 the API refused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

LABEL = "external-links"
TITLE = "Broken external links found by the weekly check"
MARKER = re.compile(r"<!-- linkcheck-failures: ([0-9a-f]{64}) -->")
LISTED = 200  # an issue body holds 65,536 characters


class ApiError(Exception):
    pass


class GitHub:
    def __init__(self, api: str, repo: str, token: str):
        self.base = f"{api.rstrip('/')}/repos/{repo}"
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            self.base + path, method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/vnd.github+json",
                     "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                data = response.read()
        except urllib.error.HTTPError as e:
            raise ApiError(f"{method} {path}: HTTP {e.code} {e.reason}") from None
        except OSError as e:
            raise ApiError(f"{method} {path}: {e}") from None
        return json.loads(data) if data else None

    def ensure_label(self) -> None:
        """Create the label if the repository lacks it: an issue opened with a label that does
        not exist may lose it, and the next run, which finds the issue by its label, would open
        a second one."""
        try:
            self.call("POST", "/labels", {"name": LABEL, "color": "d73a4a",
                                          "description": "Dead links found by the weekly external link check"})
        except ApiError as e:
            if "HTTP 422" not in str(e):  # 422: it exists already
                raise

    def open_issue(self) -> dict | None:
        issues = self.call("GET", f"/issues?state=open&labels={LABEL}&per_page=100")
        # The issues endpoint lists pull requests too; the oldest open issue is the tracking one.
        issues = sorted((i for i in issues if "pull_request" not in i), key=lambda i: i["number"])
        return issues[0] if issues else None


def failures(report: dict) -> list[str]:
    """One line per broken link, sorted: where it is written, and what is wrong."""
    lines = set()
    for p in report.get("problems", []):
        if p.get("level") == "error":
            lines.add(f"`{p['path']}:{p['line']}` {p['message']} ({p['code']})")
    return sorted(lines)


def body(lines: list[str], run_url: str) -> str:
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    shown = [f"- {line}" for line in lines[:LISTED]]
    if len(lines) > LISTED:
        shown.append(f"- … and {len(lines) - LISTED} more: see the run")
    return "\n".join([
        f"The weekly external link check found {len(lines)} broken link{'s' * (len(lines) != 1)} "
        f"([run]({run_url})). This issue is updated when the list changes and closed when "
        "every link works again.", "", *shown, "", f"<!-- linkcheck-failures: {digest} -->"])


def listed(issue_body: str) -> set[str]:
    return {line[2:] for line in (issue_body or "").splitlines() if line.startswith("- `")}


def track(github: GitHub, lines: list[str], run_url: str) -> str:
    """Open, update or close the tracking issue; return what was done, for the log."""
    issue = github.open_issue()
    if not lines:
        if issue is None:
            return "no broken links; no tracking issue open"
        github.call("POST", f"/issues/{issue['number']}/comments",
                    {"body": f"Every external link works again ([run]({run_url})). Closing."})
        github.call("PATCH", f"/issues/{issue['number']}", {"state": "closed", "state_reason": "completed"})
        return f"no broken links; closed #{issue['number']}"
    text = body(lines, run_url)
    if issue is None:
        github.ensure_label()
        created = github.call("POST", "/issues", {"title": TITLE, "body": text, "labels": [LABEL]})
        return f"{len(lines)} broken; opened #{created['number']}"
    old = MARKER.search(issue.get("body") or "")
    if old and old.group(1) == MARKER.search(text).group(1):
        return f"{len(lines)} broken, as before; #{issue['number']} left as it is"
    before = listed(issue.get("body") or "")
    new, fixed = sorted(set(lines) - before), sorted(before - set(lines))
    github.call("PATCH", f"/issues/{issue['number']}", {"body": text})
    comment = [f"The list changed ([run]({run_url})): {len(new)} new, {len(fixed)} fixed."]
    comment += [f"- new: {line}" for line in new[:50]] + [f"- fixed: {line}" for line in fixed[:50]]
    github.call("POST", f"/issues/{issue['number']}/comments", {"body": "\n".join(comment)})
    return f"{len(lines)} broken; updated #{issue['number']} ({len(new)} new, {len(fixed)} fixed)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.linkissue", description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", type=Path, required=True, help="the link checker's JSON report")
    args = parser.parse_args(argv)
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"linkissue: no readable report at {args.report} ({e}); the tracking issue is left as it is",
              file=sys.stderr)
        return 2
    env = os.environ
    missing = [k for k in ("GITHUB_TOKEN", "GITHUB_REPOSITORY") if not env.get(k)]
    if missing:
        print(f"linkissue: {', '.join(missing)} not set", file=sys.stderr)
        return 2
    run_url = (f"{env.get('GITHUB_SERVER_URL', 'https://github.com')}/{env['GITHUB_REPOSITORY']}"
               f"/actions/runs/{env.get('GITHUB_RUN_ID', '')}")
    github = GitHub(env.get("GITHUB_API_URL", "https://api.github.com"), env["GITHUB_REPOSITORY"],
                    env["GITHUB_TOKEN"])
    lines = failures(report)
    try:
        print(f"linkissue: {track(github, lines, run_url)}")
    except ApiError as e:
        print(f"linkissue: the GitHub API refused: {e}", file=sys.stderr)
        return 3
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
