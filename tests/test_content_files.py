"""What the build is given to read: the lint and the build see the same files, read only
regular files, and a brief cannot write outside its own folder or name a missing template."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sitebuild import ONE_SOURCE, ROOT, run_build, write_site

SOURCES = ONE_SOURCE


def brief(slug: str, extra: str = "", body: str = "A fact [@src-a].") -> str:
    return (f"Title: {slug.capitalize()}\nSlug: {slug}\nSummary: A brief.\nStatus: ongoing\nAs_of: 2025-04-18\n"
            f"Date: 2025-04-17\n{extra}\n## In short\n\n{body}\n")


def lint(root) -> tuple[int, list[str]]:
    result = subprocess.run([sys.executable, "-m", "tools.lint", "--content", str(root / "content")], cwd=root,
                            capture_output=True, text=True, timeout=60,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "BRIEFS_TODAY": "2025-04-20"})
    return result.returncode, result.stdout.splitlines()


def test_hidden_files_are_neither_published_nor_silently_skipped(tmp_path):
    write_site(tmp_path, {"content/sources.yaml": SOURCES, "content/briefs/alpha.md": brief("alpha"),
                          "content/briefs/.secret.md": brief("secret", body="No citation, <script>x</script>"),
                          "content/briefs/.drafts/draft.md": brief("draft", body="Unchecked.")})
    code, lines = lint(tmp_path)
    assert code == 0
    assert lines == [
        "content/briefs/.drafts/draft.md:1:1: [warning] hidden file (its name or a folder above it starts with "
        "'.'): it is neither checked nor published; rename it to publish it (hidden)",
        "content/briefs/.secret.md:1:1: [warning] hidden file (its name or a folder above it starts with '.'): "
        "it is neither checked nor published; rename it to publish it (hidden)"]
    result = run_build(tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (result.output / "briefs" / "secret").exists()
    assert not (result.output / "briefs" / "draft").exists()


@pytest.mark.parametrize("field, message", [
    ("Save_as: index.html", "'Save_as: index.html' would write outside this brief's own folder 'briefs/beta/'"),
    ("Save_as: robots.txt", "'Save_as: robots.txt' would write outside this brief's own folder 'briefs/beta/'"),
    ("Save_as: briefs/beta/../../x.html", "'Save_as: briefs/beta/../../x.html' would write outside"),
    ("URL: briefs/alpha/", "'URL: briefs/alpha/' would write outside this brief's own folder 'briefs/beta/'"),
    ("Template: nonexistent", "unknown template 'nonexistent': expected one of the theme's templates: "),
])
def test_overrides_that_leave_the_brief_or_name_no_template_are_located_errors(tmp_path, field, message):
    write_site(tmp_path, {"content/sources.yaml": SOURCES, "content/briefs/alpha.md": brief("alpha"),
                          "content/briefs/beta.md": brief("beta", field + "\n")})
    code, lines = lint(tmp_path)
    assert code == 1
    assert [line[:len("content/briefs/beta.md:7:1: [error] ") + len(message)] for line in lines] == [
        "content/briefs/beta.md:7:1: [error] " + message]
    result = run_build(tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/briefs/beta.md:7:1: [error] " + message in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_save_as_inside_the_brief_s_own_folder_is_fine(tmp_path):
    write_site(tmp_path, {"content/sources.yaml": SOURCES,
                          "content/briefs/beta.md": brief("beta", "Save_as: briefs/beta/full.html\n")})
    assert lint(tmp_path)[0] == 0
    result = run_build(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (result.output / "briefs" / "beta" / "full.html").is_file()


def test_fifos_devices_and_dangling_symlinks_stop_the_build_before_anything_reads_them(tmp_path):
    write_site(tmp_path, {"content/sources.yaml": SOURCES, "content/briefs/alpha.md": brief("alpha")})
    briefs = tmp_path / "content" / "briefs"
    os.mkfifo(briefs / "pipe.md")
    (briefs / "zero.md").symlink_to("/dev/zero")
    (briefs / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "content" / "fingerprints").mkdir()
    os.mkfifo(tmp_path / "content" / "fingerprints" / "src-a.json")
    expected = [
        "content/briefs/gone.md:1:1: [error] symlink to '{}', which does not exist: the build reads only regular "
        "files; remove it or replace it with the file itself (file)".format(tmp_path / "nowhere.md"),
        "content/briefs/pipe.md:1:1: [error] a named pipe (FIFO): the build reads only regular files; remove it "
        "or replace it with the file itself (file)",
        "content/briefs/zero.md:1:1: [error] symlink to '/dev/zero', a device: the build reads only regular files; "
        "remove it or replace it with the file itself (file)",
        "content/fingerprints/src-a.json:1:1: [error] a named pipe (FIFO): the build reads only regular files; "
        "remove it or replace it with the file itself (file)",
    ]
    assert lint(tmp_path) == (1, expected)  # within the timeout: nothing was opened
    result = run_build(tmp_path, timeout=120)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if "[error]" in line] == expected
    assert not (tmp_path / "output").exists()


def test_invisible_characters_in_a_slug_are_shown_escaped_and_named(tmp_path):
    write_site(tmp_path, {"content/sources.yaml": SOURCES,
                          "content/briefs/paris.md": brief("paris\u200b-talks"),
                          "content/briefs/alpha.md": brief("alpha", body="See [[paris\u202e-talks]] [@src-a].")})
    code, lines = lint(tmp_path)
    assert code == 1
    assert "content/briefs/paris.md:2:1: [error] invalid slug 'paris\\u200b-talks': expected lowercase words " \
           "joined by '-'; it contains invisible characters: zero-width space (\\u200b) (front-matter)" in lines
    assert any(line.startswith("content/briefs/alpha.md:10:5: [error] unknown brief 'paris\\u202e-talks'")
               for line in lines), lines
    assert all(line.isprintable() for line in lines)


def test_a_file_pelican_drops_is_reported_at_its_cause_without_a_cascade(tmp_path):
    """No Title and an `As of:` typo, a Date that is no day: Pelican skips both files. The
    build names each cause where it is, like make check, and links to them from a third
    brief are not reported as unknown briefs."""
    write_site(tmp_path, {
        "content/sources.yaml": SOURCES,
        "content/briefs/alpha.md": "Slug: alpha\nSummary: A.\nStatus: ongoing\nAs of: 2025-04-18\n"
                                   "Date: 2025-04-18\n\n## In short\n\nFact [@src-a].\n",
        "content/briefs/beta.md": brief("beta").replace("Date: 2025-04-17", "Date: 2025-13-45"),
        "content/briefs/gamma.md": brief("gamma", body="See [[alpha]] and [[beta]] [@src-a]."),
    })
    expected = [
        "content/briefs/alpha.md:1:1: [error] missing required field 'As_of:' (front-matter)",
        "content/briefs/alpha.md:1:1: [error] missing required field 'Date:' (front-matter)",
        "content/briefs/alpha.md:1:1: [error] missing required field 'Title:' (front-matter)",
        "content/briefs/alpha.md:4:1: [error] paragraph has no citation: add [@key] for the source of its facts "
        "(uncited)",
        "content/briefs/alpha.md:4:1: [error] the front matter stops here: 'As of: 2025-04-18' is not a "
        "'Key: value' line (a key is letters, digits, '_' or '-', e.g. As_of); every field after it is read as "
        "body text (front-matter)",
        "content/briefs/beta.md:6:1: [error] 'Date: 2025-13-45' is not a calendar date: expected a real day as "
        "YYYY-MM-DD (front-matter)",
    ]
    code, lines = lint(tmp_path)
    assert code == 1 and [line for line in lines if "[error]" in line] == expected
    result = run_build(tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == expected + ["build failed: 6 problems; output/ left as it was"]


def test_make_check_and_make_html_place_the_same_problem_at_the_same_place(tmp_path):
    write_site(tmp_path, {"content/sources.yaml": SOURCES, "content/briefs/a.md": brief("same"),
                          "content/briefs/b.md": brief("same")})
    (tmp_path / "content" / "briefs" / "c.md").write_bytes(brief("c", body="Fact \xff bad [@src-a].").encode(
        "utf-8").replace("\xff".encode("utf-8"), b"\xff"))
    expected = [
        "content/briefs/b.md:2:1: [error] duplicate slug 'same' (also used by content/briefs/a.md) (crosslink)",
        "content/briefs/c.md:10:6: [error] not valid UTF-8 (byte 0xff): save the file as UTF-8 (encoding)",
    ]
    assert [line for line in lint(tmp_path)[1] if "[error]" in line] == expected
    result = run_build(tmp_path)
    assert [line for line in result.stderr.splitlines() if "[error]" in line] == expected


def test_an_empty_sources_file_is_one_error_not_one_per_citation(tmp_path):
    write_site(tmp_path, {"content/sources.yaml": "", "content/briefs/a.md": brief("alpha")})
    code, lines = lint(tmp_path)
    assert code == 1
    assert [line for line in lines if "[error]" in line] == [
        "content/sources.yaml:1:1: [error] the source registry is empty: expected a YAML list of sources (each "
        "item starting with '- id:') (sources)"]
