"""Differential test against lychee: on a generated site with a seeded problem of every kind,
we find every problem lychee finds (compared as (page, resolved target) pairs), plus the
semantic ones lychee cannot see. Skipped only when the lychee binary is missing (it is pinned in
requirements, so CI has it)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from bench.linkcheck_bench import generate_site, lychee_binary, lychee_command
from tools.linkcheck import check_site

pytestmark = pytest.mark.skipif(lychee_binary() is None, reason="lychee binary not installed")


def normalise(path_and_fragment: str) -> str:
    """A site-relative target, the same for both tools: no index.html, no trailing slash."""
    path, _, fragment = unquote(path_and_fragment).partition("#")
    path = path.lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    path = path.rstrip("/")
    return f"{path}#{fragment}" if fragment else path


def ours_pair(page: str, target: str) -> tuple:
    return page, normalise(urljoin("/" + page, target))


def lychee_pairs(site: Path) -> set:
    proc = subprocess.run(lychee_command(site, "json"), capture_output=True, text=True)
    assert proc.returncode in (0, 2), proc.stderr  # 2: lychee found broken links
    root = str(site.resolve())
    pairs = set()
    for page, errors in json.loads(proc.stdout)["error_map"].items():
        page_rel = Path(page).resolve().relative_to(root).as_posix()
        for error in errors:
            url = error["url"]
            assert url.startswith("file://" + root), url
            pairs.add((page_rel, normalise(url[len("file://" + root):])))
    return pairs


@pytest.fixture(scope="module")
def seeded_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("differential") / "site"
    planted = generate_site(site, n_pages=80, seed=7, seeded=True)
    return site, planted


def test_we_find_everything_lychee_finds(seeded_site):
    site, planted = seeded_site
    theirs = lychee_pairs(site)
    ours = {ours_pair(p.page, p.target) for p in check_site(site, cwd=site).problems}
    # lychee finds exactly the file/fragment problems planted for it, so this is not vacuous
    assert theirs == {ours_pair(s.page, s.target) for s in planted if s.lychee_sees}
    assert theirs <= ours


def test_we_find_exactly_the_planted_problems_semantic_ones_included(seeded_site):
    site, planted = seeded_site
    found = {(p.page, p.target, p.code) for p in check_site(site, cwd=site).problems}
    assert found == {(s.page, s.target, s.code) for s in planted}
    semantic = {s.code for s in planted if not s.lychee_sees}
    assert semantic == {"citation-no-backref", "xref-not-brief", "unresolved-syntax",
                        "unsafe-url", "private-host", "malformed-url"}
