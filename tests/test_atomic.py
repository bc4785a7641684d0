"""A build publishes a whole new site or nothing: output/ is never half-written.

A content error, a crash in a plugin, a SIGKILL while pages are being written and a
Ctrl-C (SIGINT) all leave output/ byte for byte as it was; the staging folder a
killed build could not remove is removed by the next build; two builds of one
output take turns. The crashes come from a test plugin (written into tmp_path,
added by a settings file that extends the project's) that misbehaves on request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sitebuild import ROOT, write_site
from tools import atomic

SOURCES = """
    - id: report-2025-04-18
      type: article-newspaper
      title: A fixture report on harbours
      container-title: The Fixture Herald
      issued: 2025-04-18
      URL: https://example.org/harbours
"""
HARBOUR = """
    Title: The harbour agreement
    Slug: harbour
    Summary: Two fictional ports agreed to share a pier.
    Status: agreed
    As_of: 2025-04-18
    Date: 2025-04-01

    ## In short

    The two ports share one pier from May [@report-2025-04-18]; see [[pier]].
"""
PIER = """
    Title: The pier
    Slug: pier
    Summary: The pier both ports now use.
    Status: ongoing
    As_of: 2025-04-18
    Date: 2025-03-20

    ## In short

    The pier is long enough for two ferries [@report-2025-04-18, p. 2].
"""
CRASHY = '''
"""Test plugin: misbehaves as CRASH_MODE says."""
import os
import signal
import time

from pelican import signals

written = []


def on_written(path, context=None):
    written.append(path)
    mode = os.environ.get("CRASH_MODE")
    if mode == "kill-while-writing" and len(written) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "stall-while-writing" and len(written) == 1:
        open(os.environ["CRASH_MARKER"], "w").close()
        time.sleep(60)


def on_finalized(pelican):
    mode = os.environ.get("CRASH_MODE", "")
    if mode.endswith("after-search-index"):  # Pelican's process is still running here
        entry = os.path.join(pelican.output_path, "pagefind", "pagefind-entry.json")
        end = time.time() + 120
        while not os.path.exists(entry) and time.time() < end:
            time.sleep(0.05)
        with open(os.environ["CRASH_MARKER"], "w") as f:
            f.write("indexed" if os.path.exists(entry) else "not indexed")
    if mode in ("raise-in-finalized", "raise-after-search-index"):
        raise RuntimeError("crash in finalized (test plugin)")


def register():
    signals.content_written.connect(on_written)
    signals.finalized.connect(on_finalized)
'''


@pytest.fixture
def site(tmp_path):
    """A built fixture site; `site.build(**env)` builds again (Popen with `wait=False`)."""
    write_site(tmp_path, {
        "content/sources.yaml": SOURCES,
        "content/briefs/harbour.md": HARBOUR,
        "content/briefs/pier.md": PIER,
    })
    (tmp_path / "testplugins" / "crashy").mkdir(parents=True)
    (tmp_path / "testplugins" / "crashy" / "__init__.py").write_text(CRASHY, encoding="utf-8")
    (tmp_path / "settings.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pelicanconf import *  # noqa
        PLUGIN_PATHS = PLUGIN_PATHS + [{str(tmp_path / "testplugins")!r}]
        PLUGINS = PLUGINS + ["crashy"]
    """), encoding="utf-8")

    class Site:
        root = tmp_path
        output = tmp_path / "output"

        def command(self):
            return [sys.executable, "-m", "tools.build", "--settings", str(tmp_path / "settings.py"),
                    "--content", str(tmp_path / "content"), "--output", str(self.output)]

        def env(self, **extra):
            return {**os.environ, "PYTHONPATH": str(ROOT), **extra}

        def build(self, **extra):
            return subprocess.run(self.command(), cwd=tmp_path, capture_output=True, text=True,
                                  env=self.env(**extra), timeout=300)

        def start(self, new_session=False, **extra):
            return subprocess.Popen(self.command(), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=self.env(**extra), start_new_session=new_session)

        def snapshot(self):
            return {p.relative_to(self.output).as_posix(): p.read_bytes()
                    for p in sorted(self.output.rglob("*")) if p.is_file()}

        def leftovers(self, kinds=(".building-",)):
            return sorted(p.name for p in tmp_path.iterdir() if any(k in p.name for k in kinds))

    s = Site()
    first = s.build()
    assert first.returncode == 0, first.stderr
    assert (s.output / "briefs" / "harbour" / "index.html").is_file()
    return s


def wait_for(predicate, seconds=30.0):
    end = time.time() + seconds
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_a_content_error_leaves_output_byte_identical(site):
    before = site.snapshot()
    pier = site.root / "content/briefs/pier.md"
    pier.write_text(pier.read_text(encoding="utf-8").replace("[@report-2025-04-18, p. 2]", "[@no-such-source]"),
                    encoding="utf-8")
    result = site.build()
    assert result.returncode == 1
    assert "content/briefs/pier.md:10:" in result.stderr and "no-such-source" in result.stderr
    assert site.snapshot() == before
    assert site.leftovers() == []


def test_a_plugin_crash_in_finalized_leaves_output_byte_identical(site):
    before = site.snapshot()
    result = site.build(CRASH_MODE="raise-in-finalized")
    assert result.returncode == 1
    assert "crash in finalized (test plugin)" in result.stderr
    assert site.snapshot() == before
    assert site.leftovers() == []


def test_the_search_index_is_built_while_pelican_finishes(site):
    # Pagefind starts as soon as every page is written, while Pelican's process still
    # saves its caches: the test plugin's `finalized`, which runs after the pages are
    # written, waits there until the index is in the staged site.
    marker = site.root / "search-index"
    result = site.build(CRASH_MODE="wait-after-search-index", CRASH_MARKER=str(marker))
    assert result.returncode == 0, result.stderr
    assert marker.read_text(encoding="utf-8") == "indexed"
    assert (site.output / "pagefind" / "pagefind-entry.json").is_file()


def test_a_crash_after_the_search_index_started_leaves_output_and_caches_clean(site):
    before = site.snapshot()
    marker = site.root / "search-index"
    result = site.build(CRASH_MODE="raise-after-search-index", CRASH_MARKER=str(marker))
    assert result.returncode == 1
    assert "crash in finalized (test plugin)" in result.stderr
    assert marker.read_text(encoding="utf-8") == "indexed"
    assert site.snapshot() == before
    assert site.leftovers() == []
    search_cache = site.root / ".cache" / "search-output"
    assert [p.name for p in search_cache.iterdir() if p.name.startswith(".")] == []  # no scratch left
    again = site.build()
    assert again.returncode == 0, again.stderr


def test_pelican_killed_while_writing_fails_the_build_and_leaves_output_intact(site):
    # Pelican runs in a child process (so its memory is freed before Pagefind runs):
    # when that child dies (the kernel's out-of-memory killer picks the largest
    # process), the build says so and cleans up.
    before = site.snapshot()
    result = site.build(CRASH_MODE="kill-while-writing")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "build failed: Pelican stopped before it finished (killed by signal 9; out of memory?); "
        "output/ left as it was")
    assert site.snapshot() == before  # no half-written page in output/
    assert site.leftovers() == []


def test_sigkill_of_the_whole_build_leaves_output_intact_and_the_next_build_cleans_up(site):
    before = site.snapshot()
    marker = site.root / "writing"
    proc = site.start(CRASH_MODE="stall-while-writing", CRASH_MARKER=str(marker), new_session=True)
    try:
        assert wait_for(marker.exists, 120), "the build never started writing"
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its Pelican process, as `kill -9` of a CI job
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert site.snapshot() == before  # no half-written page in output/
    assert site.leftovers() != []  # the killed build's staging folder, half written
    again = site.build()
    assert again.returncode == 0, again.stderr
    assert site.leftovers() == []
    assert wait_for(lambda: site.leftovers((".building-", ".old-")) == [])
    assert site.snapshot() == before  # same content, so the same bytes


def test_ctrl_c_mid_build_exits_130_and_leaves_output_intact(site):
    before = site.snapshot()
    marker = site.root / "writing"
    proc = site.start(CRASH_MODE="stall-while-writing", CRASH_MARKER=str(marker))
    try:
        assert wait_for(marker.exists, 120), "the build never started writing"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err
    assert site.snapshot() == before
    assert site.leftovers() == []


def test_stale_staging_folders_of_a_killed_build_are_removed(site):
    stale = site.root / ".output.building-abc123"
    (stale / "briefs").mkdir(parents=True)
    (stale / "briefs" / "half.html").write_text("<p>half", encoding="utf-8")
    old = site.root / ".output.old-def456" / "tree"
    old.mkdir(parents=True)
    result = site.build()
    assert result.returncode == 0, result.stderr
    # `make html` hands them to a background process, as it does the output it replaced
    assert wait_for(lambda: not stale.exists() and not old.parent.exists())


def test_a_waiting_build_removes_stale_folders_before_it_returns(tmp_path):
    stale = tmp_path / ".output.building-abc123" / "briefs"
    stale.mkdir(parents=True)
    old = tmp_path / ".output.old-def456" / "tree"
    old.mkdir(parents=True)
    removed = atomic.remove_stale(str(tmp_path / "output"), wait=True)
    assert sorted(os.path.basename(p) for p in removed) == [".output.building-abc123", ".output.old-def456"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_two_builds_of_one_output_take_turns(site):
    before = site.snapshot()
    procs = [site.start(), site.start()]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [r[1] for r in results]
    assert site.snapshot() == before
    assert wait_for(lambda: site.leftovers((".building-", ".old-")) == [])


def test_publish_without_renameat2_still_swaps_whole_folders(tmp_path, monkeypatch):
    output, staged = tmp_path / "output", tmp_path / ".output.building-x"
    output.mkdir()
    (output / "old.html").write_text("old")
    staged.mkdir()
    (staged / "new.html").write_text("new")
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    atomic.publish(str(staged), str(output))
    assert sorted(p.name for p in output.iterdir()) == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_a_build_killed_between_the_fallback_renames_gets_its_old_site_back(tmp_path):
    previous = tmp_path / "output.previous"
    previous.mkdir()
    (previous / "index.html").write_text("old site")
    atomic.remove_stale(str(tmp_path / "output"))
    assert (tmp_path / "output" / "index.html").read_text() == "old site"
    assert not previous.exists()


def test_the_output_folder_is_world_readable(site):
    assert os.stat(site.output).st_mode & 0o755 == 0o755
    assert Path(site.output).is_dir()
