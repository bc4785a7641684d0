"""Edit link, last change and history of each page, from one `git log`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from history import NOT_COMMITTED, SHALLOW, annotate
from history import git as history_git
from sitebuild import write_site

SETTINGS = {"REPOSITORY_URL": "https://example.org/desk/briefs", "REPOSITORY_BRANCH": "main"}
SOURCES = """
    - id: paper-2025-04-18
      type: article-newspaper
      title: A fixture report
      container-title: The Fixture Times
      issued: 2025-04-18
      URL: https://example.org/report
"""


def brief(slug: str, text: str = "It happened") -> str:
    return f"""
    Title: {slug.capitalize()}
    Slug: {slug}
    Summary: The {slug} brief.
    Status: agreed
    As_of: 2025-04-18
    Date: 2025-04-01

    ## In short

    {text} [@paper-2025-04-18].
    """


def git(root: Path, *args: str, date: str = "2025-04-18T12:00:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """content/ with alpha (two commits), beta (one) and gamma (never committed), in tmp_path."""
    root = tmp_path
    write_site(root, {"content/sources.yaml": SOURCES, "content/briefs/alpha.md": brief("alpha"),
                      "content/briefs/beta.md": brief("beta")})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Add alpha and beta", date="2025-04-17T09:00:00+00:00")
    write_site(root, {"content/briefs/alpha.md": brief("alpha", "It happened again")})
    # 01:30 in Kyiv on 19 April is 22:30 UTC on 18 April: the date shown is the UTC one.
    git(root, "commit", "-q", "-am", "Alpha: correct the date", date="2025-04-19T01:30:00+03:00")
    write_site(root, {"content/briefs/gamma.md": brief("gamma")})
    return root


def docs(root: Path, *names: str):
    return [SimpleNamespace(source_path=str(root / "content" / "briefs" / n), source_file=f"content/briefs/{n}",
                            relative_source_path=f"briefs/{n}") for n in names]


def test_history_newest_first_with_utc_dates_and_links(repo):
    alpha, beta, gamma = docs(repo, "alpha.md", "beta.md", "gamma.md")
    annotate([alpha, beta, gamma], {**SETTINGS, "PATH": str(repo / "content")})
    heads = git(repo, "log", "--format=%H").split()
    assert alpha.edit_url == "https://example.org/desk/briefs/edit/main/content/briefs/alpha.md"
    assert alpha.history == [
        {"date": "2025-04-18", "commit": heads[0][:7], "subject": "Alpha: correct the date",
         "url": f"https://example.org/desk/briefs/commit/{heads[0]}"},
        {"date": "2025-04-17", "commit": heads[1][:7], "subject": "Add alpha and beta",
         "url": f"https://example.org/desk/briefs/commit/{heads[1]}"},
    ]
    assert alpha.last_changed == {"date": "2025-04-18", "commit": heads[0][:7],
                                  "url": f"https://example.org/desk/briefs/commit/{heads[0]}"}
    assert [h["subject"] for h in beta.history] == ["Add alpha and beta"]
    assert (gamma.last_changed, gamma.history, gamma.history_note) == (None, [], NOT_COMMITTED)
    assert gamma.edit_url.endswith("/edit/main/content/briefs/gamma.md")


def test_one_git_log_for_the_whole_content_folder(repo, monkeypatch):
    calls = []
    real = history_git._git
    monkeypatch.setattr(history_git, "_git", lambda args, cwd: calls.append(args[0]) or real(args, cwd))
    annotate(docs(repo, "alpha.md", "beta.md", "gamma.md"), {**SETTINGS, "PATH": str(repo / "content")})
    assert calls == ["rev-parse", "-c"]  # `git rev-parse ...` and `git -c core.quotePath=false log ...`


def test_history_is_capped(repo):
    for n in range(3):
        write_site(repo, {"content/briefs/beta.md": brief("beta", f"Change {n}")})
        git(repo, "commit", "-q", "-am", f"Beta change {n}")
    (beta,) = docs(repo, "beta.md")
    annotate([beta], {**SETTINGS, "PATH": str(repo / "content"), "HISTORY_LIMIT": 2})
    assert [h["subject"] for h in beta.history] == ["Beta change 2", "Beta change 1"]


def test_a_shallow_clone_does_not_pretend_everything_changed_in_its_oldest_commit(repo, tmp_path_factory):
    clones = tmp_path_factory.mktemp("clones")
    shallow = clones / "shallow"
    git(clones, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    alpha, beta = docs(shallow, "alpha.md", "beta.md")
    annotate([alpha, beta], {**SETTINGS, "PATH": str(shallow / "content")})
    assert (alpha.last_changed, alpha.history, alpha.history_note) == (None, [], SHALLOW)
    deeper = clones / "deeper"
    git(clones, "clone", "-q", "--depth", "2", f"file://{repo}", str(deeper))
    alpha, beta = docs(deeper, "alpha.md", "beta.md")
    annotate([alpha, beta], {**SETTINGS, "PATH": str(deeper / "content")})
    assert [h["subject"] for h in alpha.history] == ["Alpha: correct the date"]  # the boundary commit is left out
    assert beta.history_note == SHALLOW


def test_outside_a_repository_there_is_an_edit_link_and_no_history(tmp_path):
    write_site(tmp_path, {"content/briefs/alpha.md": brief("alpha")})
    (alpha,) = docs(tmp_path, "alpha.md")
    annotate([alpha], {**SETTINGS, "PATH": str(tmp_path / "content")})
    assert alpha.edit_url == "https://example.org/desk/briefs/edit/main/content/briefs/alpha.md"
    assert (alpha.last_changed, alpha.history, alpha.history_note) == (None, [], NOT_COMMITTED)


def test_the_page_shows_the_edit_link_the_last_change_and_the_history(repo, build_site):
    result = build_site({}, env={"BRIEFS_TODAY": "2025-04-20"})  # builds tmp_path: the repository
    assert result.returncode == 0, result.stderr
    head = git(repo, "log", "-1", "--format=%H").strip()
    alpha = result.page("briefs/alpha")
    meta = BeautifulSoup(alpha, "lxml").select_one("footer.page-meta")
    repo_url = "https://github.com/explainer-desk/ukraine-talks-briefs"
    edit = meta.find("a", string="Edit this page")
    assert edit["href"] == f"{repo_url}/edit/main/content/briefs/alpha.md"
    changed = meta.find_all("p")[1]
    assert " ".join(changed.get_text().split()) == f"Last changed 18 April 2025 in {head[:7]}"
    assert changed.time["datetime"] == "2025-04-18"
    assert changed.a["href"] == f"{repo_url}/commit/{head}"
    assert meta.details.summary.get_text() == "Page history (2 changes)"
    assert [" ".join(li.get_text().split()) for li in meta.details.find_all("li")] == [
        f"18 April 2025 {head[:7]} Alpha: correct the date",
        f"17 April 2025 {git(repo, 'log', '-1', '--format=%h', 'HEAD~1').strip()[:7]} Add alpha and beta",
    ]
    gamma = BeautifulSoup(result.page("briefs/gamma"), "lxml").select_one("footer.page-meta")
    assert gamma.select_one("p.history-note").get_text() == "Not yet committed"
    assert "Last changed" not in gamma.get_text()
    # the same commit gives the same pages, whenever it is built
    again = build_site({}, output=repo / "output2", env={"BRIEFS_TODAY": "2026-01-01"})
    assert again.page("briefs/alpha") == alpha


def test_page_metadata_carries_when_the_page_was_published_and_changed_not_when_the_topic_began(repo):
    """JSON-LD, Open Graph and the Atom feed: alpha's topic began on 1 April (its `Date`),
    the page was first committed on 17 April and last changed on 18 April (UTC)."""
    import json

    from sitebuild import run_build

    git(repo, "add", "content/briefs/gamma.md")
    git(repo, "commit", "-q", "-m", "Add gamma", date="2025-04-20T08:00:00+00:00")
    result = run_build(repo, settings="publishconf.py")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup(result.page("briefs/alpha"), "lxml")
    ld = json.loads(soup.find("script", type="application/ld+json").string)
    assert (ld["datePublished"], ld["dateModified"]) == ("2025-04-17", "2025-04-18")
    assert soup.find("meta", property="article:published_time")["content"] == "2025-04-17"
    assert soup.find("meta", property="article:modified_time")["content"] == "2025-04-18"
    feed = BeautifulSoup((result.output / "feeds" / "briefs.atom.xml").read_text(encoding="utf-8"), "xml")
    entries = {e.find("title").text: e for e in feed.find_all("entry")}
    assert entries["Alpha"].find("published").text.startswith("2025-04-17")
    assert entries["Alpha"].find("updated").text.startswith("2025-04-18")
    assert entries["Gamma"].find("published").text.startswith("2025-04-20")
    assert "2025-04-01" not in str(feed)
