"""A small fixture site for the lint: two briefs, a page, a two-source registry and
the fingerprint of a saved copy of one source (an HTML page written for these
tests, `corpus/envoy-remarks.html`), made with `tools.fingerprint` as an editor would.

`lint_site(extra)` copies it into tmp_path, adds the files in `extra`, and runs
`python -m tools.lint` there, as `make check` does, on a fixed clock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TODAY = "2025-04-20"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def run_tool(module: str, *args: str, cwd: Path, env: dict | None = None) -> Run:
    environ = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environ.update({"PYTHONPATH": str(ROOT), "BRIEFS_TODAY": TODAY, **(env or {})})
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True,
                            env=environ)
    return Run(result.returncode, result.stdout, result.stderr)


@pytest.fixture(scope="session")
def fingerprinted(tmp_path_factory) -> Path:
    """content/ of the base site, with fingerprints/envoy-2025-04-15.json made by the tool."""
    root = tmp_path_factory.mktemp("lint-base")
    content = root / "content"
    (content / "briefs").mkdir(parents=True)
    (content / "pages").mkdir()
    shutil.copy(HERE / "site" / "sources.yaml", content / "sources.yaml")
    shutil.copy(HERE / "site" / "alpha.md", content / "briefs" / "alpha.md")
    shutil.copy(HERE / "site" / "beta.md", content / "briefs" / "beta.md")
    shutil.copy(HERE / "site" / "about.md", content / "pages" / "about.md")
    made = run_tool("tools.fingerprint", "--source", "envoy-2025-04-15", "--file",
                    str(HERE / "corpus" / "envoy-remarks.html"), "--content", str(content), cwd=root)
    assert made.returncode == 0, made.stderr
    return content


@pytest.fixture
def site(tmp_path, fingerprinted):
    """A fresh copy of the base site in tmp_path; returns tmp_path (the project root)."""
    shutil.copytree(fingerprinted, tmp_path / "content")
    return tmp_path


@pytest.fixture
def lint_site(site):
    def run(extra: dict[str, str | bytes] | None = None, *args: str, env: dict | None = None) -> Run:
        for rel, data in (extra or {}).items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return run_tool("tools.lint", "--settings", str(ROOT / "pelicanconf.py"), "--content", str(site / "content"),
                        *args, cwd=site, env=env)

    return run
