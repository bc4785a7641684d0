"""`make diff`: the report a pull request shows, made on a fixture repository with two commits
(a copy of this project's code with a small content folder)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sitebuild import ROOT

CODE = ("tools", "plugins", "theme", "pelicanconf.py", "publishconf.py")


def brief(slug: str, body: str) -> str:
    return textwrap.dedent(f"""\
        Title: {slug.title()}
        Slug: {slug}
        Summary: The {slug} brief.
        Status: ongoing
        As_of: 2025-04-18
        Date: 2025-04-17

        ## In short

        {body}
        """)


def source(key: str, title: str) -> str:
    return (f"- id: {key}\n  type: webpage\n  title: {title}\n  container-title: Example\n"
            f"  URL: https://example.org/{key}\n")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ed", "GIT_AUTHOR_EMAIL": "ed@example.org",
           "GIT_COMMITTER_NAME": "Ed", "GIT_COMMITTER_EMAIL": "ed@example.org",
           "GIT_AUTHOR_DATE": "2025-05-01T12:00:00Z", "GIT_COMMITTER_DATE": "2025-05-01T12:00:00Z"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def write(repo: Path, files: dict[str, str | None]) -> None:
    for rel, text in files.items():
        path = repo / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """Commit 1: briefs alpha and beta, sources a and b. Commit 2 (checked out): alpha cites a
    new source c and links a page that does not exist; beta is gone (so b is no longer cited);
    gamma is new."""
    repo = tmp_path_factory.mktemp("sitediff") / "project"
    repo.mkdir()
    for name in CODE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, repo / name)
    write(repo, {
        "content/sources.yaml": source("src-a", "Source A") + source("src-b", "Source B"),
        "content/briefs/alpha.md": brief("alpha", "A fact [@src-a]. See [[beta]]."),
        "content/briefs/beta.md": brief("beta", "Another fact [@src-b]."),
        # The pages every page's header and footer link to, so that the first commit is clean.
        "content/pages/about.md": "Title: About\nSlug: about\nSummary: About the site.\n\n"
                                  "## Corrections {#corrections}\n\nNone yet.\n",
        "content/pages/people.md": "Title: Who's who\nSlug: people\nSummary: People.\n\nNobody yet.\n",
    })
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    write(repo, {
        "content/sources.yaml": source("src-a", "Source A") + source("src-b", "Source B")
        + source("src-c", "Source C"),
        "content/briefs/alpha.md": brief(
            "alpha", "A fact [@src-a]. A newer fact, told at length for the reader [@src-c]. "
                     "Its [chart](/charts/missing.svg) is not there."),
        "content/briefs/beta.md": None,
        "content/briefs/gamma.md": brief("gamma", "A third fact [@src-a]."),
    })
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second")
    return repo


def make_diff(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tools.sitediff", *args], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(repo)}, timeout=300)


@pytest.fixture(scope="module")
def summary(repo) -> str:
    result = make_diff(repo, "--base", "HEAD~1")
    assert result.returncode == 0, result.stderr
    return result.stdout


def section(report: str, title: str) -> str:
    start = report.index(f"### {title}")
    end = report.find("\n### ", start + 1)
    return report[start:end if end != -1 else None]


def test_briefs_added_removed_and_changed_are_listed(summary):
    briefs = section(summary, "Briefs")
    assert "`gamma` added" in briefs
    assert "`beta` removed" in briefs
    # The new sentence is counted in words, so a reviewer sees how big the edit was.
    assert "`alpha` changed (+" in briefs


def test_sources_and_citations_added_and_removed(summary):
    assert "added `src-c`: Source C (Example)" in section(summary, "Sources")
    citations = section(summary, "Citations")
    assert "| `alpha` | src-c | – |" in citations
    assert "| `beta` | – | src-b |" in citations
    assert "| `gamma` | src-a | – |" in citations


def test_new_findings_of_the_content_check_and_the_link_check(summary):
    lint = section(summary, "Content check")
    # beta cited src-b; with beta gone the source is unused: a new warning, found by make check.
    assert "**New**" in lint and "src-b" in lint
    links = section(summary, "Link check")
    assert "**New**" in links and "/charts/missing.svg" in links
    assert "**Fixed**" not in links
    assert "(1):" in links  # the missing chart, and nothing else


def test_page_sizes_show_new_and_changed_pages(summary):
    sizes = section(summary, "Page sizes")
    assert "| `briefs/gamma/index.html` | new |" in sizes
    assert "whole site" in sizes


def test_the_report_is_appended_to_a_summary_file_and_the_work_tree_is_left_clean(repo, tmp_path):
    summary_file = tmp_path / "step-summary.md"
    summary_file.write_text("# Earlier step\n", encoding="utf-8")
    result = make_diff(repo, "--base", "main~1", "--output", str(summary_file))
    assert result.returncode == 0, result.stderr
    text = summary_file.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n## What this change does to the site")
    # The temporary worktree of BASE is gone, and nothing was built into the project.
    assert git(repo, "worktree", "list").count("\n") == 1
    assert not (repo / "output").exists()
    assert git(repo, "status", "--porcelain") == ""


def test_an_unknown_base_is_one_line_and_exit_2(repo):
    result = make_diff(repo, "--base", "no-such-branch")
    assert result.returncode == 2
    assert "'no-such-branch' is not a commit" in result.stderr
    assert "Traceback" not in result.stderr
