"""Same commit, same bytes: two builds of the project, in different folders, at
different times, with a different time zone, locale, hash seed and
SOURCE_DATE_EPOCH, give byte-identical output (pages, feeds, sitemap, search
index: every file).

The project is copied (working tree and .git, so the history plugin sees the same
commits) into two temporary folders and built there with `python -m tools.build`,
as `make html` / `make publish` do. A failure names the first file that differs."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitebuild import ROOT

IGNORE = shutil.ignore_patterns(".venv", "output", ".cache", "__pycache__", ".pytest_cache", ".hypothesis",
                                ".output.*", "output.*", "work", "results.json")
ENVIRONMENTS = (
    {"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1", "SOURCE_DATE_EPOCH": "1700000000"},
    {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "PYTHONHASHSEED": "2", "SOURCE_DATE_EPOCH": "1900000000"},
)


def copy_project(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=IGNORE, symlinks=True)
    return dest


def build(project: Path, settings: str, env: dict, content: Path | None = None) -> Path:
    output = project / "output"
    cmd = [sys.executable, "-m", "tools.build", "--settings", settings, "--output", str(output)]
    if content:
        cmd += ["--content", str(content)]
    result = subprocess.run(cmd, cwd=project, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(project), **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return output


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def first_difference(a: dict[str, bytes], b: dict[str, bytes]) -> str | None:
    if a.keys() != b.keys():
        only_a, only_b = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
        return f"different files: only in the first build {only_a[:5]}, only in the second {only_b[:5]}"
    for name in sorted(a):
        if a[name] != b[name]:
            try:
                left, right = a[name].decode().splitlines(), b[name].decode().splitlines()
                diff = "\n".join(list(difflib.unified_diff(left, right, lineterm="", n=1))[:20])
            except UnicodeDecodeError:
                diff = f"(binary, {len(a[name])} and {len(b[name])} bytes)"
            return f"first differing file: {name}\n{diff}"
    return None


@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
def test_two_builds_of_the_project_are_byte_identical(tmp_path, settings):
    outputs = []
    for i, env in enumerate(ENVIRONMENTS):
        project = copy_project(tmp_path / f"clone-{i}")
        outputs.append(tree(build(project, settings, env)))
        time.sleep(1)  # a later second on the clock
    assert outputs[0], "the build wrote nothing"
    assert first_difference(*outputs) is None, first_difference(*outputs)


def test_two_builds_of_a_larger_generated_site_are_byte_identical(tmp_path):
    """More documents than the real site, so ordering by hash (sets, dicts built
    from sets) or by reading order would show."""
    from bench.corpus import write_corpus

    outputs = []
    for i, env in enumerate(ENVIRONMENTS):
        project = copy_project(tmp_path / f"clone-{i}")
        corpus = write_corpus(str(project / "generated"), 60)
        for brief in corpus.briefs[:6]:  # equal titles and dates: only a tie-break orders them
            path = project / "generated" / "content" / "briefs" / f"{brief['slug']}.md"
            text = path.read_text(encoding="utf-8").replace(f"Title: {brief['title']}", "Title: One title", 1)
            path.write_text(text.replace(f"Date: {brief['date']}", "Date: 2025-03-01", 1), encoding="utf-8")
        outputs.append(tree(build(project, "pelicanconf.py", env, content=project / "generated" / "content")))
        time.sleep(1)
    assert len(outputs[0]) > 60
    assert first_difference(*outputs) is None, first_difference(*outputs)


def test_a_warm_rebuild_gives_the_bytes_of_a_cold_build(tmp_path):
    """The content cache and the reused pages (plugins/speed) change nothing: after
    edits, the cached build's output equals a build from nothing."""
    from bench.corpus import write_corpus

    project = copy_project(tmp_path / "clone")
    corpus = write_corpus(str(project / "generated"), 40)
    content = project / "generated" / "content"
    env = ENVIRONMENTS[0]
    build(project, "pelicanconf.py", env, content=content)
    brief = content / "briefs" / f"{corpus.briefs[7]['slug']}.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace("## In short\n\n", "## In short\n\nEdited. ", 1),
                     encoding="utf-8")
    target = content / "briefs" / f"{corpus.briefs[8]['slug']}.md"
    target.write_text(target.read_text(encoding="utf-8").replace("Title: ", "Title: Renamed ", 1), encoding="utf-8")
    events = content / "briefs" / f"{corpus.briefs[9]['slug']}.md"  # the timeline page shows it
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("## Timeline\n\n- ", "## Timeline\n\n- 2025-01-02: A new first event [@src-00001]\n- ", 1),
                      encoding="utf-8")
    new = content / "briefs" / "a-new-brief.md"  # listed on the home page, its sources on the sources page
    new.write_text(brief.read_text(encoding="utf-8").replace(f"Slug: {corpus.briefs[7]['slug']}", "Slug: a-new-brief"),
                   encoding="utf-8")
    warm = tree(build(project, "pelicanconf.py", env, content=content))
    shutil.rmtree(project / ".cache")
    cold = tree(build(project, "pelicanconf.py", env, content=content))
    assert first_difference(warm, cold) is None, first_difference(warm, cold)
