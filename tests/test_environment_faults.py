"""Faults of the machine, not of the content: a disk that fills up (simulated with a file
size limit, RLIMIT_FSIZE, which fails writes as a full disk does), a folder that cannot be
created. One line says what failed and that output/ was left as it was; never a traceback."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys

import pytest

from sitebuild import ONE_SOURCE, ROOT, run_build, write_site

SOURCES = ONE_SOURCE


@pytest.fixture
def site(tmp_path):
    files = {"content/sources.yaml": SOURCES}
    for i in range(30):
        files[f"content/briefs/b{i}.md"] = (f"Title: B{i}\nSlug: b{i}\nSummary: A brief.\nStatus: ongoing\n"
                                            f"As_of: 2025-04-18\nDate: 2025-04-18\n\n## In short\n\n"
                                            + "Words of the brief. " * 200 + "[@src-a].\n")
    write_site(tmp_path, files)
    first = run_build(tmp_path)
    assert first.returncode == 0, first.stderr
    return tmp_path


def build_with_file_limit(root, limit: int) -> subprocess.CompletedProcess:
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "tools.build", "--settings", str(ROOT / "pelicanconf.py"),
                           "--content", str(root / "content"), "--output", str(root / "output"), "--no-cache"],
                          cwd=root, capture_output=True, text=True, preexec_fn=limited, timeout=240,
                          # no bytecode written: a .pyc cut short by the limit would break later runs
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"})


def snapshot(folder):
    return sorted((p.relative_to(folder), p.read_bytes()) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("limit, message", [
    (4_000, "build failed: cannot write: File too large; output/ left as it was"),
    (100_000, "build failed: pagefind was stopped by SIGXFSZ; output/ left as it was"),
])
def test_a_write_that_fails_is_one_line_and_output_is_kept(site, limit, message):
    before = snapshot(site / "output")
    result = build_with_file_limit(site, limit)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == message
    assert snapshot(site / "output") == before


def test_an_output_folder_that_cannot_be_created_is_one_line(site):
    result = run_build(site, output=site / "content" / "sources.yaml" / "out")
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
