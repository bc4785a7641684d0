"""The build replaces its output folder whole, so it must refuse a folder that is not its own:
`make html OUTPUTDIR=content` once deleted every brief and exited 0."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sitebuild import ONE_BRIEF, ONE_SOURCE, ROOT, run_build, write_site
from tools import atomic

SOURCES = ONE_SOURCE
BRIEF = ONE_BRIEF


@pytest.fixture
def site(tmp_path):
    write_site(tmp_path, {"content/sources.yaml": SOURCES, "content/briefs/alpha.md": BRIEF})
    return tmp_path


def snapshot(folder):
    return sorted((p.relative_to(folder), p.read_bytes()) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("where", ["content", "content/briefs", "."])
def test_an_output_folder_holding_or_inside_the_content_is_refused_and_nothing_is_lost(site, where):
    before = snapshot(site / "content")
    result = run_build(site, output=site / where)
    assert result.returncode == 2, result.stderr
    assert "build: refused: output folder" in result.stderr
    assert "which would be deleted with it; give a folder such as output/" in result.stderr
    assert snapshot(site / "content") == before


def test_the_project_and_its_own_folders_are_refused(tmp_path):
    project = tmp_path / "project"
    for name in ("content", "theme", ".git"):
        (project / name).mkdir(parents=True)
    protected = [str(project), str(project / "content"), str(project / "theme"), str(project / ".git")]
    for bad in (project, tmp_path, project / "theme", project / ".git" / "objects", project / "content" / "x"):
        with pytest.raises(atomic.UnsafeOutput):
            atomic.checked_output(str(bad), protected)
    assert atomic.checked_output(str(project / "output"), protected) == str(project / "output")


def test_the_real_project_root_is_refused_before_anything_runs():
    # Only the check is called here: a build into the real root is never attempted.
    from tools.build import output_folder

    for bad in (ROOT, ROOT / "content", ROOT / "plugins" / "citations", ROOT.parent):
        with pytest.raises(atomic.UnsafeOutput):
            output_folder(str(bad))


def test_a_folder_of_files_no_build_made_is_refused_and_kept(site):
    foreign = site / "deploy"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_build(site, output=foreign)
    assert result.returncode == 2
    assert "holds files no build made" in result.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_build_marks_its_output_and_may_replace_it_again(site):
    first = run_build(site)
    assert first.returncode == 0, first.stderr
    assert (site / "output" / atomic.MARKER).is_file()
    again = run_build(site)
    assert again.returncode == 0, again.stderr


def test_a_symlinked_output_updates_the_folder_it_points_to(site):
    target = site / "served"
    target.mkdir()
    link = site / "output"
    link.symlink_to(target)
    result = run_build(site, output=link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert (target / "briefs" / "alpha" / "index.html").is_file()
    second = run_build(site, output=link)
    assert second.returncode == 0, second.stderr
    assert link.is_symlink() and (target / "briefs" / "alpha" / "index.html").is_file()


def test_the_devserver_refuses_the_same_folders(site):
    result = subprocess.run(
        [sys.executable, "-m", "tools.devserver", "--port", "0", "--content", str(site / "content"),
         "--output", str(site / "content")],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("devserver: refused: output folder")


@pytest.mark.parametrize("where", [".", "content", "theme"])
def test_make_clean_refuses_the_project_folders(where, monkeypatch, capsys):
    from tools import clean

    def never(*args, **kwargs):  # should the guard ever fail, fail here instead of deleting the project
        raise AssertionError(f"clean tried to delete {args[0]}")

    monkeypatch.setattr(clean.shutil, "rmtree", never)
    monkeypatch.chdir(ROOT)
    assert clean.main(["--output", where]) == 2
    assert capsys.readouterr().err.startswith("clean: refused: output folder")


def test_make_clean_empties_a_symlinked_output_and_keeps_the_link(site):
    target = site / "served"
    target.mkdir()
    link = site / "output"
    link.symlink_to(target)
    assert run_build(site, output=link).returncode == 0
    result = subprocess.run([sys.executable, "-m", "tools.clean", "--output", str(link)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.is_dir() and not any(target.iterdir())
