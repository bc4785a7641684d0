"""Helpers to build fixture sites written for a test (import as `from sitebuild import ...`;
`conftest` is ambiguous: tests/linkcheck has its own)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The one-source registry and one-brief site most fixture tests start from.
ONE_SOURCE = """
- id: src-a
  type: webpage
  title: Source A
  container-title: Example
  URL: https://example.org/a
"""
ONE_BRIEF = """
Title: Alpha
Slug: alpha
Summary: A brief.
Status: ongoing
As_of: 2025-04-18
Date: 2025-04-17

## In short

A fact [@src-a].
"""


@dataclass
class BuildResult:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    def page(self, url_path: str) -> str:
        return (self.output / url_path / "index.html").read_text(encoding="utf-8")


def write_site(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (path relative to root -> text, dedented) and return root/content."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root / "content"


def run_build(root: Path, settings: str = "pelicanconf.py", output: Path | None = None, env=None,
              timeout: float | None = None) -> BuildResult:
    """Run `python -m tools.build` as `make html` does, on the fixture site under root."""
    output = output or root / "output"
    result = subprocess.run(
        [sys.executable, "-m", "tools.build", "--settings", str(ROOT / settings),
         "--content", str(root / "content"), "--output", str(output)],
        cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=timeout,
    )
    return BuildResult(result.returncode, result.stdout, result.stderr, output)
