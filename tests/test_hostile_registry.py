"""A hostile content/sources.yaml: an alias bomb, YAML tags, keys that are not text, titles
that are lists. Each is one located error from `make check` and `make html`, in bounded
time and memory, never a traceback or a Python repr on a page. A registry that cannot be
read at all is reported once, without an "unknown source" for every citation after it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sitebuild import ONE_BRIEF, ROOT, run_build, write_site

BRIEF = ONE_BRIEF
GOOD = """\
- id: src-a
  type: webpage
  title: Source A
  container-title: Example
  URL: https://example.org/a
"""
# Nine levels of nine aliases: 9**9 (387 million) strings once expanded.
BOMB = GOOD + "- id: bomb\n  type: webpage\n  container-title: X\n  URL: https://example.org/b\n" \
    + '  note: &l0 "lol"\n' \
    + "".join(f"  n{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)) \
    + "  title: *l9\n"

CASES = {
    "alias bomb": (BOMB, "content/sources.yaml:11:12: [error] YAML alias '*l0' is not allowed in the source "
                         "registry: write the value out (sources)"),
    "python tag": (GOOD.replace("title: Source A", "title: !!python/object/apply:os.system [ls]"),
                   "content/sources.yaml:3:10: [error] YAML tag '!!python/object/apply:os.system' is not allowed "
                   "in the source registry: write plain text (sources)"),
    "custom tag": (GOOD.replace("title: Source A", "title: !custom Source A"),
                   "content/sources.yaml:3:10: [error] YAML tag '!custom' is not allowed in the source registry: "
                   "write plain text (sources)"),
    "key that is a list": (GOOD + "  ? [k]\n  : v\n",
                           "content/sources.yaml:6:5: [error] expected a field name (text) before ':', found a list "
                           "or mapping (sources)"),
    "title that is a list": (GOOD.replace("title: Source A", "title: [a, b]"),
                             "content/sources.yaml:3:10: [error] source 'src-a': 'title' expected text, found a list "
                             "(sources)"),
}


@pytest.mark.parametrize("case", CASES)
def test_make_check_and_make_html_report_one_located_error(tmp_path, case):
    registry, expected = CASES[case]
    write_site(tmp_path, {"content/sources.yaml": registry, "content/briefs/alpha.md": BRIEF})
    check = subprocess.run([sys.executable, "-m", "tools.lint", "--content", str(tmp_path / "content")],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert check.returncode == 1
    assert "Traceback" not in check.stderr + check.stdout
    assert [line for line in check.stdout.splitlines() if "[error]" in line] == [expected]
    build = run_build(tmp_path, timeout=240)
    assert build.returncode == 1
    assert "Traceback" not in build.stderr
    assert [line for line in build.stderr.splitlines() if "[error]" in line] == [expected]
    assert not (tmp_path / "output").exists()
