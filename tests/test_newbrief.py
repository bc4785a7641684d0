"""`make new SLUG=… TITLE="…"`: a scaffold that builds and passes `make check`,
never overwrites, and says clearly what is wrong with its arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import ROOT, write_site


SOURCES = """
    - id: paper-2025-04-18
      type: article-newspaper
      title: A fixture report
      container-title: The Fixture Times
      issued: 2025-04-18
      URL: https://example.org/report
"""
CITED = """
    Title: Cited
    Slug: cited
    Summary: A brief that cites the one source, so it is not unused.
    Status: agreed
    As_of: 2025-04-18
    Date: 2025-04-01

    ## In short

    It happened [@paper-2025-04-18].
"""


def new(content: Path, *args: str, today: str = "2025-04-20"):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFS_TODAY": today}
    return subprocess.run([sys.executable, "-m", "tools.newbrief", "--content", str(content), *args],
                          cwd=content.parent, capture_output=True, text=True, env=env)


@pytest.fixture
def content(tmp_path) -> Path:
    return write_site(tmp_path, {"content/sources.yaml": SOURCES, "content/briefs/cited.md": CITED})


def test_the_scaffold_has_valid_front_matter_and_the_sections(content):
    result = new(content, "--slug", "grain-corridor", "--title", "The grain corridor")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created content/briefs/grain-corridor.md: ")
    text = (content / "briefs" / "grain-corridor.md").read_text(encoding="utf-8")
    assert text.splitlines()[:7] == [
        "Title: The grain corridor",
        "Slug: grain-corridor",
        "Summary: What this brief is about, who agreed to what, and where it stands (replace this sentence).",
        "Status: ongoing",
        "As_of: 2025-04-20",
        "Date: 2025-04-20",
        "",
    ]
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["## In short", "## Background {#background}", "## Where things stand {#where-things-stand}",
                        "## Timeline"]


def test_the_scaffold_passes_make_check_with_one_warning_and_builds(content, build_site):
    assert new(content, "--slug", "grain-corridor", "--title", "The grain corridor").returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFS_TODAY": "2025-04-20"}
    env.pop("GITHUB_ACTIONS", None)
    check = subprocess.run([sys.executable, "-m", "tools.lint", "--content", str(content)], cwd=content.parent,
                           capture_output=True, text=True, env=env)
    assert check.returncode == 0
    assert check.stdout.splitlines() == [
        "content/briefs/grain-corridor.md:3:1: [warning] summary is still the placeholder from `make new`: "
        "write one plain sentence about the brief (scaffold)"
    ]
    built = build_site({}, env={"BRIEFS_TODAY": "2025-04-20"})  # builds tmp_path, where `content` is
    assert built.returncode == 0, built.stderr
    page = built.page("briefs/grain-corridor")
    assert "<h1>The grain corridor</h1>" in page
    assert '<h2 id="where-things-stand">Where things stand</h2>' in page


def test_it_never_overwrites(content):
    target = content / "briefs" / "cited.md"
    before = target.read_bytes()
    result = new(content, "--slug", "cited", "--title", "Again")
    assert result.returncode == 1
    assert result.stderr == "newbrief: content/briefs/cited.md already exists: not overwriting it\n"
    assert target.read_bytes() == before


def test_a_slug_taken_by_a_page_is_refused(content):
    (content / "pages").mkdir()
    (content / "pages" / "who.md").write_text("Title: Who's who\nSlug: people\n\nText.\n", encoding="utf-8")
    result = new(content, "--slug", "people", "--title", "People")
    assert result.returncode == 1
    assert result.stderr == "newbrief: slug 'people' is already used by content/pages/who.md\n"


@pytest.mark.parametrize("args, message", [
    (("--slug", "Grain Corridor", "--title", "The grain corridor"),
     "newbrief: invalid slug 'Grain Corridor': expected lowercase letters and digits joined by single '-'"
     " (did you mean 'grain-corridor'?)"),
    (("--slug", "grain--corridor", "--title", "x"),
     "newbrief: invalid slug 'grain--corridor': expected lowercase letters and digits joined by single '-'"
     " (did you mean 'grain-corridor'?)"),
    (("--slug", "", "--title", ""),
     'newbrief: give a slug and a title: make new SLUG=grain-corridor TITLE="The grain corridor"'),
    (("--slug", "", "--title", "The grain corridor"), "newbrief: give a slug too, e.g. SLUG=the-grain-corridor"),
    (("--slug", "grain-corridor", "--title", " "), 'newbrief: give a title too, e.g. TITLE="The grain corridor"'),
])
def test_bad_arguments_exit_2_with_a_clear_message(content, args, message):
    result = new(content, *args)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [message]
    assert sorted(p.name for p in (content / "briefs").iterdir()) == ["cited.md"]


def test_the_clock_is_checked(content):
    result = new(content, "--slug", "x", "--title", "X", today="20 April 2025")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "newbrief: BRIEFS_TODAY expected an ISO date (YYYY-MM-DD) but received: '20 April 2025'"
    ]


HOSTILE_TITLE = 'Costs $100, $(touch pwned) `touch pwned2` "quoted" it\'s [[x]] [@y] {z} <b>'


def test_make_new_passes_the_title_as_typed_and_runs_nothing_in_it(content, build_site, tmp_path):
    env = {**os.environ, "BRIEFS_TODAY": "2025-04-20"}
    env.pop("MAKEFLAGS", None)
    made = subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT), "new", "SLUG=grain-corridor",
                           f"TITLE={HOSTILE_TITLE}", f"CONTENT={content}"], cwd=tmp_path, capture_output=True,
                          text=True, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    assert not list(ROOT.glob("pwned*")) and not list(tmp_path.glob("pwned*"))
    text = (content / "briefs" / "grain-corridor.md").read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"Title: {HOSTILE_TITLE}"
    built = build_site({}, env={"BRIEFS_TODAY": "2025-04-20"})  # any title builds
    assert built.returncode == 0, built.stderr
    assert "<b>" not in built.page("briefs/grain-corridor").split("<h1>")[1].split("</h1>")[0]


def test_a_slug_too_long_for_a_file_name_is_a_usage_error(content):
    result = new(content, "--slug", "a" * 300, "--title", "Long")
    assert result.returncode == 2
    assert result.stderr == ("newbrief: slug is 300 characters long; keep it to 80 or fewer "
                             "(it is the file name and the URL)\n")


def test_with_threads_the_scaffold_asks_for_one_and_joins_it(content):
    (content / "threads.yaml").write_text(
        "threads:\n  - id: sea-routes\n    title: Sea routes\n    summary: Shipping.\n"
        "  - id: land-routes\n    title: Land routes\n    summary: Roads.\n", encoding="utf-8")
    (content / "briefs" / "cited.md").write_text(
        (content / "briefs" / "cited.md").read_text(encoding="utf-8").replace("Date: 2025-04-01\n",
                                                                             "Date: 2025-04-01\nThread: land-routes\n"),
        encoding="utf-8")
    missing = new(content, "--slug", "grain-corridor", "--title", "The grain corridor")
    assert missing.returncode == 2
    assert "give the thread it belongs to too, e.g. THREAD=sea-routes (one of: sea-routes, land-routes)" in missing.stderr
    typo = new(content, "--slug", "grain-corridor", "--title", "The grain corridor", "--thread", "sea-route")
    assert typo.returncode == 2 and "unknown thread 'sea-route' (did you mean 'sea-routes'?)" in typo.stderr
    assert not (content / "briefs" / "grain-corridor.md").exists()
    made = new(content, "--slug", "grain-corridor", "--title", "The grain corridor", "--thread", "sea-routes")
    assert made.returncode == 0, made.stderr
    assert "Thread: sea-routes" in (content / "briefs" / "grain-corridor.md").read_text(encoding="utf-8").splitlines()
    checked = subprocess.run([sys.executable, "-m", "tools.lint", "--content", str(content), "--format", "text"],
                             cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "BRIEFS_TODAY": "2025-04-20"})
    assert "[error]" not in checked.stdout, checked.stdout
