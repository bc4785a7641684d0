"""Shared fixtures: fixture sites built into tmp_path, and the real site built once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import ROOT, BuildResult, run_build, write_site  # noqa: F401  (re-exported)


@pytest.fixture
def build_site(tmp_path):
    """build_site({"content/briefs/a.md": "...", "content/sources.yaml": "..."}) -> BuildResult"""

    def build(files: dict[str, str], **kwargs) -> BuildResult:
        write_site(tmp_path, files)
        return run_build(tmp_path, **kwargs)

    return build


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real content/ built once per test session, as `make html` builds it."""
    out = tmp_path_factory.mktemp("real-site") / "output"
    result = subprocess.run(
        [sys.executable, "-m", "tools.build", "--settings", "pelicanconf.py", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return out
