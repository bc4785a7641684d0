"""Threads, the start-here path and the latest updates: built from content/threads.yaml and
each brief's `Thread:` and `Changed:`, and checked at the line an editor must fix."""

from __future__ import annotations

import os
import subprocess
import sys

from bs4 import BeautifulSoup

from sitebuild import ONE_SOURCE, ROOT, write_site

THREADS = """
start_here:
  - gamma
  - alpha
threads:
  - id: first-thread
    title: The first thread
    summary: What the first thread follows.
  - id: second-thread
    title: The second thread
    summary: What the second thread follows.
"""


def brief(slug, title, thread, began, extra=""):
    return f"""
Title: {title}
Slug: {slug}
Summary: The {slug} brief.
Status: ongoing
As_of: 2025-06-01
Date: {began}
Thread: {thread}
{extra}
A fact [@src-a].
"""


def site(**overrides):
    files = {
        "content/sources.yaml": ONE_SOURCE,
        "content/threads.yaml": THREADS,
        "content/briefs/alpha.md": brief("alpha", "Alpha", "first-thread", "2025-03-01",
                                         "Changed: 2025-06-02: Brought forward to June.\n"),
        "content/briefs/beta.md": brief("beta", "Beta", "first-thread", "2025-01-15"),
        "content/briefs/gamma.md": brief("gamma", "Gamma", "second-thread", "2025-02-01",
                                         "Changed: 2025-06-05: Added the June meeting.\n"),
    }
    files.update(overrides)
    return files


def html(result, path: str) -> BeautifulSoup:
    return BeautifulSoup(result.page(path), "lxml")


def test_home_shows_threads_in_story_order_with_briefs_in_time_order(build_site):
    result = build_site(site())
    assert result.returncode == 0, result.stderr
    home = html(result, ".")
    groups = home.select("section.thread-group")
    assert [g.h3.get_text(strip=True) for g in groups] == ["The first thread", "The second thread"]
    # Beta's topic began before Alpha's.
    assert [a.get_text() for a in groups[0].select(".card h4 a")] == ["Beta", "Alpha"]
    assert groups[0].select_one(".thread-summary").get_text() == "What the first thread follows."


def test_start_here_is_the_editors_path_in_their_order(build_site):
    result = build_site(site())
    path = html(result, ".").select("section.start-here ol.path > li > a")
    assert [(a.get_text(), a["href"]) for a in path] == [("Gamma", "./briefs/gamma/"), ("Alpha", "./briefs/alpha/")]


def test_latest_updates_are_the_changed_notes_newest_first(build_site):
    result = build_site(site())
    items = html(result, ".").select("section.updates li")
    # The fixture is not a git repository: only the two `Changed:` notes date a change.
    assert [li.get_text(" ", strip=True) for li in items] == [
        "5 June 2025 : Gamma . Added the June meeting.",
        "2 June 2025 : Alpha . Brought forward to June.",
    ]
    assert items[0].time["datetime"] == "2025-06-05"


def test_each_thread_has_a_page_listing_its_briefs_with_status_and_as_of(build_site):
    result = build_site(site())
    page = html(result, "threads/first-thread")
    assert page.h1.get_text() == "The first thread"
    cards = page.select("ol.thread-briefs > li")
    assert [c.h2.get_text(strip=True) for c in cards] == ["Beta", "Alpha"]
    assert all(c.select_one(".status") and c.select_one(".as-of time") for c in cards)
    assert page.select_one(".thread-nav").get_text(" ", strip=True).startswith("Next thread: The second thread")


def test_a_brief_names_its_thread_and_its_neighbours_in_it(build_site):
    result = build_site(site())
    line = html(result, "briefs/alpha").select_one(".thread-line")
    assert line.get_text(" ", strip=True) == "Thread: The first thread , brief 2 of 2 · Before it: Beta"
    assert line.a["href"] == "../../threads/first-thread/"


def check(tmp_path, files):
    write_site(tmp_path, files)
    return subprocess.run([sys.executable, "-m", "tools.lint", "--settings", str(ROOT / "pelicanconf.py"),
                           "--content", str(tmp_path / "content"), "--format", "text"],
                          cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_an_unknown_or_missing_thread_is_a_located_error_in_check_and_build(build_site, tmp_path):
    files = site(**{
        "content/briefs/beta.md": brief("beta", "Beta", "frist-thread", "2025-01-15"),
        "content/briefs/gamma.md": brief("gamma", "Gamma", "", "2025-02-01").replace("Thread: \n", ""),
    })
    unknown = ("content/briefs/beta.md:7:1: [error] unknown thread 'frist-thread' (did you mean 'first-thread'?): "
               "expected one of: first-thread, second-thread (threads)")
    missing = ("content/briefs/gamma.md:1:1: [error] missing required field 'Thread:': expected one of: "
               "first-thread, second-thread (the threads are defined in content/threads.yaml) (threads)")
    linted = check(tmp_path / "lint", files)
    assert unknown in linted.stdout and missing in linted.stdout, linted.stdout
    built = build_site(files)
    assert built.returncode == 1
    assert unknown in built.stdout + built.stderr and missing in built.stdout + built.stderr


def test_problems_in_threads_yaml_name_its_line(tmp_path):
    threads = THREADS.replace("  - alpha\n", "  - alpah\n") + "  - id: third-thread\n    title: T\n    summary: S.\n"
    linted = check(tmp_path, site(**{"content/threads.yaml": threads}))
    assert ("content/threads.yaml:3:5: [error] unknown brief 'alpah' on the start-here path (did you mean 'alpha'?)"
            " (threads)") in linted.stdout
    assert ("content/threads.yaml:11:5: [warning] thread 'third-thread' has no brief: give a brief "
            "'Thread: third-thread', or remove the thread (threads)") in linted.stdout


def test_hostile_or_broken_threads_yaml_is_one_problem_not_a_cascade(tmp_path):
    linted = check(tmp_path, site(**{"content/threads.yaml": "threads: &a [*a]\n"}))
    lines = [line for line in linted.stdout.splitlines() if "[error]" in line]
    assert len(lines) == 1 and "content/threads.yaml:1:" in lines[0] and "alias" in lines[0]


def test_tags_are_gone_from_the_format_and_changed_notes_are_checked(tmp_path):
    files = site(**{"content/briefs/beta.md": brief("beta", "Beta", "first-thread", "2025-01-15",
                                                    "Tags: europe\nChanged: last week: many things\n"),
                    "content/briefs/alpha.md": brief("alpha", "Alpha", "first-thread", "2025-03-01",
                                                     "Changed: 2025-05-01: An older change.\n")})
    out = check(tmp_path, files).stdout
    assert "content/briefs/beta.md:8:1: [error] 'Tags:' are not used on this site" in out
    assert ("content/briefs/beta.md:9:1: [error] 'Changed:' expected 'YYYY-MM-DD: what changed, in one "
            "sentence' but received: 'last week: many things'") in out
    assert "content/briefs/alpha.md:8:1: [warning] 'Changed: 2025-05-01' is older than 'As_of: 2025-06-01'" in out


def test_a_site_without_threads_keeps_its_single_list(build_site):
    files = {k: v.replace("Thread: first-thread\n", "").replace("Thread: second-thread\n", "")
             for k, v in site().items() if k != "content/threads.yaml"}
    result = build_site(files)
    assert result.returncode == 0, result.stderr
    home = html(result, ".")
    assert not home.select("section.thread-group") and len(home.select("ul.cards > li")) == 3
