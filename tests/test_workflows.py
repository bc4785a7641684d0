"""The GitHub Actions workflows, checked with the linters GitHub users rely on (actionlint and
zizmor, both pinned in requirements.lock) and with the rules those cannot know here: that every
action runs on Node 24 (GitHub removed Node 20 from its runners in September 2026) and is
pinned to a full commit SHA with its version beside it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitebuild import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent

# The first major version of each action we use whose runtime is Node 24 (read from each
# action's action.yml at the pinned commit). A new action gets an entry only after that check:
# the actionlint on PyPI knows Node 12 and 16 are gone, not Node 20.
NODE24_SINCE = {
    "actions/checkout": 5,
    "actions/cache": 5,
    "actions/cache/restore": 5,
    "actions/cache/save": 5,
    "actions/upload-artifact": 6,
    "actions/upload-pages-artifact": 5,  # composite: its upload-artifact step is the Node one
    "actions/deploy-pages": 5,
}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?:\s+#\s*(?P<comment>\S.*))?$")


def uses_lines():
    for workflow in WORKFLOWS:
        for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
            m = USES.match(line)
            if m:
                yield workflow.name, number, m


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in {BIN}: run `make test` (it installs requirements.lock)")
    return str(path)


def test_there_are_workflows_to_check():
    assert {w.name for w in WORKFLOWS} >= {"pull-request.yml", "deploy.yml", "links-weekly.yml"}


def test_actionlint_finds_nothing():
    # With shellcheck on PATH (.ci/run installs it) actionlint checks every run: script too.
    result = subprocess.run([tool("actionlint"), *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing():
    result = subprocess.run([tool("zizmor"), "--offline", "--no-progress", ".github/workflows"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linters_do_catch_a_bad_workflow(tmp_path):
    """The two tests above can fail: an unpinned, credential-persisting, Node 16 workflow."""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".github" / "workflows" / "bad.yml").write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v3\n      - run: echo ${{ github.event.pull_request.title }}\n"
        "      - run: cat $1\n",
        encoding="utf-8")
    lint = subprocess.run([tool("actionlint")], cwd=repo, capture_output=True, text=True)
    assert lint.returncode == 1 and "too old to run" in lint.stdout
    if shutil.which("shellcheck") or os.environ.get("CI"):  # .ci/run installs it
        assert "SC2086" in lint.stdout, lint.stdout
    audit = subprocess.run([tool("zizmor"), "--offline", "--no-progress", ".github/workflows"], cwd=repo,
                           capture_output=True, text=True)
    assert audit.returncode != 0
    for finding in ("unpinned-uses", "artipacked", "template-injection", "excessive-permissions"):
        assert finding in audit.stdout, finding


def test_every_action_is_pinned_to_a_commit_and_runs_on_node_24():
    found = list(uses_lines())
    assert found
    for name, number, m in found:
        where = f"{name}:{number}: {m['action']}"
        assert re.fullmatch(r"[0-9a-f]{40}", m["ref"]), f"{where} is not pinned to a full commit SHA"
        version = re.fullmatch(r"v(\d+)\.\d+\.\d+", m["comment"] or "")
        assert version, f"{where}: write the version the SHA is, as a comment: '# v1.2.3'"
        assert m["action"] in NODE24_SINCE, f"{where}: check its runtime, then add it to NODE24_SINCE"
        assert int(version[1]) >= NODE24_SINCE[m["action"]], f"{where} {version[0]} runs on Node 20 or older"


def test_one_action_version_is_one_commit():
    """Dependabot/Renovate bump every copy; a hand edit that misses one shows up here."""
    pins = {}
    for name, number, m in uses_lines():
        repo = "/".join(m["action"].split("/")[:2])
        pins.setdefault((repo, m["comment"]), set()).add(m["ref"])
    assert all(len(refs) == 1 for refs in pins.values()), pins


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_no_stale_runs(workflow):
    doc = load(workflow)
    assert doc.get("permissions") == {}, "grant nothing at the top; each job asks for what it needs"
    for name, job in doc["jobs"].items():
        assert "permissions" in job, f"job {name} must say which permissions it needs"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{name}: checkout keeps the token"
    assert "concurrency" in doc


def test_pull_requests_cancel_stale_runs_and_deploys_never_do():
    assert load(ROOT / ".github/workflows/pull-request.yml")["concurrency"]["cancel-in-progress"] is True
    assert load(ROOT / ".github/workflows/deploy.yml")["concurrency"]["cancel-in-progress"] is False


def test_tests_run_with_debian_chromium_and_the_deploy_publishes_the_tested_build():
    for name in ("pull-request.yml", "deploy.yml"):
        doc = load(ROOT / ".github/workflows" / name)
        job = next(iter(doc["jobs"].values()))
        runs = [step.get("run", "") for step in job["steps"]]
        # .ci/run installs Debian's chromium, as on every CI machine, then runs make test.
        assert job["container"].startswith("python:3.11-bookworm") and ".ci/run" in runs, name
    deploy = load(ROOT / ".github/workflows/deploy.yml")["jobs"]["build"]["steps"]
    order = [s.get("run") or s.get("uses", "").split("@")[0] for s in deploy]
    # One job, one checkout: the build that is uploaded is of the commit the tests just passed.
    assert order.index(".ci/run") < order.index("make publish") < order.index("actions/upload-pages-artifact")
    assert sum(1 for s in order if s == "actions/checkout") == 1


def test_pull_requests_show_their_effect_and_upload_the_site():
    steps = load(ROOT / ".github/workflows/pull-request.yml")["jobs"]["test-build-linkcheck"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "make diff" in runs and "GITHUB_STEP_SUMMARY" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "output"


def test_the_weekly_check_keeps_a_cache_and_tracks_one_issue():
    doc = load(ROOT / ".github/workflows/links-weekly.yml")
    job = doc["jobs"]["external-links"]
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    uses = [s.get("uses", "").split("@")[0] for s in job["steps"]]
    assert "actions/cache/restore" in uses and "actions/cache/save" in uses
    assert any("tools.linkissue" in s.get("run", "") for s in job["steps"])


def test_renovate_covers_the_actions_and_the_lock_file():
    import json

    config = json.loads((ROOT / "renovate.json").read_text(encoding="utf-8"))
    assert "helpers:pinGitHubActionDigests" in config["extends"]
    patterns = config["pip_requirements"]["managerFilePatterns"]
    for name in ("requirements.txt", "requirements.lock"):
        assert any(re.search(p.strip("/"), name) for p in patterns), name


def test_pre_commit_runs_both_linters():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"actionlint", "zizmor"} <= ids
