"""`make devserver` in a browser: saving a brief updates the open page by itself;
a broken build shows its problems instead of a stale page; fixing it brings the
page back. The test never reloads the page itself."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sitebuild import ROOT, write_site


pytestmark = pytest.mark.browser

SOURCES = """
    - id: paper-2025-04-18
      type: article-newspaper
      title: A fixture report
      container-title: The Fixture Times
      issued: 2025-04-18
      URL: https://example.org/report
"""
ALPHA = """
    Title: Alpha talks
    Slug: alpha
    Summary: What the alpha talks settled.
    Status: agreed
    As_of: 2025-04-18
    Date: 2025-04-01

    ## In short

    The first round of talks ended without a deal [@paper-2025-04-18].
"""
WAIT_MS = 90_000  # a build on a busy CI machine can take several seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_devserver(root: Path, settings: Path):
    """`make devserver` on the fixture site under `root`; yields its URL once the first
    build has succeeded, stops it after."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFS_TODAY": "2025-04-20"}
    env.pop("GITHUB_ACTIONS", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.devserver", "--settings", str(settings), "--content",
         str(root / "content"), "--output", str(root / "output"), "--port", str(port), "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            try:
                with urllib.request.urlopen(f"{url}/__build", timeout=2) as r:
                    if json.load(r)["ok"]:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"devserver did not come up:\n{process.stdout.read()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def devserver(tmp_path):
    content = write_site(tmp_path, {"content/sources.yaml": SOURCES, "content/briefs/alpha.md": ALPHA})
    with running_devserver(tmp_path, ROOT / "pelicanconf.py") as url:
        yield url, content / "briefs" / "alpha.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_saving_a_brief_updates_the_open_page_and_errors_show_until_fixed(devserver, page):
    from playwright.sync_api import expect

    url, alpha = devserver
    page.goto(f"{url}/briefs/alpha/")
    prose = page.locator(".prose")
    expect(prose).to_contain_text("ended without a deal")
    assert page.locator('script[src="/__livereload.js"]').count() == 1

    edit(alpha, "ended without a deal", "ended with a short joint statement")
    expect(prose).to_contain_text("ended with a short joint statement", timeout=WAIT_MS)
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"

    edit(alpha, "joint statement [@paper", "joint statement [[nowhere]] [@paper")
    expect(page.locator("h1")).to_have_text("Build failed", timeout=WAIT_MS)
    expect(page.locator("ul.problems")).to_contain_text(
        "content/briefs/alpha.md:10:61: [error] unknown brief 'nowhere' (crosslink)")

    edit(alpha, " [[nowhere]]", "")
    expect(page.locator("h1")).to_have_text("Alpha talks", timeout=WAIT_MS)
    expect(prose).to_contain_text("ended with a short joint statement")
    # While the build was broken, pages (and the favicon) answered 500 with the error page: expected.
    assert [e for e in page.errors if "status of 500" not in e] == []


def test_a_change_to_the_settings_shows_without_restarting_the_server(tmp_path):
    # The server keeps one build process; a settings change must reach the next build
    # (the process is replaced, as for a change to a plugin's code).
    write_site(tmp_path, {"content/sources.yaml": SOURCES, "content/briefs/alpha.md": ALPHA})
    settings = tmp_path / "settings.py"
    settings.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa\n"
                        "SITENAME = 'First name'\n", encoding="utf-8")

    def home_shows(url: str, name: str) -> bool:
        deadline = time.monotonic() + WAIT_MS / 1000
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{url}/", timeout=2) as r:
                if name in r.read().decode("utf-8"):
                    return True
            time.sleep(0.2)
        return False

    with running_devserver(tmp_path, settings) as url:
        assert home_shows(url, "First name")
        settings.write_text(settings.read_text(encoding="utf-8").replace("First name", "Second name"),
                            encoding="utf-8")
        assert home_shows(url, "Second name")
