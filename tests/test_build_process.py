"""The build process `make devserver` keeps running (`python -m tools.build --stay`):
each save is built in the same process, a broken save is reported and publishes
nothing, and once its search index is refreshed in the background the output is byte
for byte what `make html` makes of the same content."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sitebuild import ROOT, run_build, write_site
from test_search_index import FILES, snapshot


class BuildProcess:
    def __init__(self, root, output):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.build", "--stay", "--settings", str(ROOT / "pelicanconf.py"),
             "--content", str(root / "content"), "--output", str(output)],
            cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> int:
        self.process.stdin.close()
        return self.process.wait(timeout=60)


def test_a_build_process_builds_each_save_and_ends_equal_to_a_fresh_build(tmp_path):
    write_site(tmp_path, FILES)
    output = tmp_path / "preview"
    builds = BuildProcess(tmp_path, output)
    try:
        first = builds.ask("build")
        assert first["ok"], first["log"]
        assert builds.ask("wait")["ok"]
        brief = tmp_path / "content" / "briefs" / "a.md"
        brief.write_text(brief.read_text(encoding="utf-8").replace("zeppelin", "airship"), encoding="utf-8")
        second = builds.ask("build")
        assert second["ok"], second["log"]
        assert "airship" in (output / "briefs" / "a" / "index.html").read_text(encoding="utf-8")
        # The search index this build refreshes in the background is in place before the
        # snapshot: otherwise what the snapshot holds depends on whether the next save
        # stopped the refresh in time.
        assert builds.ask("wait")["ok"]

        before = snapshot(output)
        brief.write_text(brief.read_text(encoding="utf-8").replace("[@wire-2025-03-25].", "[@wire-2052]."),
                         encoding="utf-8")
        broken = builds.ask("build")
        assert not broken["ok"] and broken["code"] == 1
        assert "content/briefs/a.md:8:37: [error] unknown source 'wire-2052'" in broken["log"]
        assert snapshot(output) == before  # nothing published

        brief.write_text(brief.read_text(encoding="utf-8").replace("[@wire-2052].", "[@wire-2025-03-25]."),
                         encoding="utf-8")
        assert builds.ask("build")["ok"]
        # A rule only the lint has (it runs beside Pelican, in a child process, after the first
        # build) stops the build all the same, before anything is published.
        good = brief.read_text(encoding="utf-8")
        brief.write_text(good + "\nThe talks also covered ports.\n", encoding="utf-8")
        uncited = builds.ask("build")
        assert not uncited["ok"] and uncited["code"] == 1
        assert "paragraph has no citation" in uncited["log"] and "build failed: 1 problem;" in uncited["log"]
        assert snapshot(output) == before
        brief.write_text(good, encoding="utf-8")
        assert builds.ask("build")["ok"]
        # A source renamed in the registry: every brief citing it shows the new title,
        # though none of them changed (the process remembers how each was resolved).
        registry = tmp_path / "content" / "sources.yaml"
        registry.write_text(registry.read_text(encoding="utf-8").replace("A fixture wire story", "A renamed story"),
                            encoding="utf-8")
        assert builds.ask("build")["ok"]
        assert "A renamed story" in (output / "briefs" / "bb" / "index.html").read_text(encoding="utf-8")
        assert builds.ask("wait")["ok"]
    finally:
        assert builds.close() == 0
    fresh = run_build(tmp_path, output=tmp_path / "fresh")
    assert fresh.returncode == 0, fresh.stderr
    preview, made = snapshot(output), snapshot(fresh.output)
    assert sorted(preview) == sorted(made)
    assert [name for name in made if preview[name] != made[name]] == []


def test_a_file_linked_with_static_follows_the_edits_of_a_build_process(tmp_path):
    # Pelican copies a file a brief links with {static}; the build process remembers which
    # files each document's HTML links (plugins/speed), so the link's arrival and removal
    # must both reach the output.
    write_site(tmp_path, FILES)
    (tmp_path / "content" / "images").mkdir()
    (tmp_path / "content" / "images" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\nfixture")
    output = tmp_path / "preview"
    brief = tmp_path / "content" / "briefs" / "a.md"
    plain = brief.read_text(encoding="utf-8")
    builds = BuildProcess(tmp_path, output)
    try:
        assert builds.ask("build")["ok"]
        assert not (output / "images" / "map.png").exists()
        brief.write_text(plain + "\n![A map of the coast]({static}/images/map.png) [@wire-2025-03-25]\n",
                         encoding="utf-8")
        linked = builds.ask("build")
        assert linked["ok"], linked["log"]
        assert (output / "images" / "map.png").read_bytes().endswith(b"fixture")
        brief.write_text(plain, encoding="utf-8")
        assert builds.ask("build")["ok"]
        assert not (output / "images" / "map.png").exists()
    finally:
        assert builds.close() == 0


def test_make_html_reuses_what_the_last_build_worked_out_and_still_follows_every_change(tmp_path):
    # Each `make html` is a new process: the plugins' results of the last build (cross-links,
    # citations, timeline, topic graphs) are read back from the cache folder. A change they
    # depend on (a linked brief's title, a source's title) must still reach every page, and a
    # damaged file must only cost the time to work it out again.
    write_site(tmp_path, FILES)
    a = tmp_path / "content" / "briefs" / "a.md"
    a.write_text(a.read_text(encoding="utf-8") + "\nSee also [[bb]] [@wire-2025-03-25].\n", encoding="utf-8")
    output = tmp_path / "output"
    assert run_build(tmp_path, output=output).returncode == 0
    (saved,) = (tmp_path / ".cache").glob("build-output/*/memos.pickle")
    assert saved.stat().st_size > 0

    def same_as_a_fresh_build():
        kept = snapshot(output)
        fresh = run_build(tmp_path, output=tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}")  # no cache yet
        assert fresh.returncode == 0, fresh.stderr
        made = snapshot(fresh.output)
        assert sorted(kept) == sorted(made)
        assert [name for name in made if kept[name] != made[name]] == []
        return kept

    bb = tmp_path / "content" / "briefs" / "bb.md"
    bb.write_text(bb.read_text(encoding="utf-8").replace("Title: ", "Title: Renamed ", 1), encoding="utf-8")
    registry = tmp_path / "content" / "sources.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("A fixture wire story", "A renamed story"),
                        encoding="utf-8")
    assert run_build(tmp_path, output=output).returncode == 0
    kept = same_as_a_fresh_build()
    assert "Renamed " in kept["briefs/a/index.html"].decode() and "A renamed story" in kept["briefs/bb/index.html"].decode()

    saved.write_bytes(b"not a pickle")
    a.write_text(a.read_text(encoding="utf-8").replace("zeppelin", "airship"), encoding="utf-8")
    again = run_build(tmp_path, output=output)
    assert again.returncode == 0, again.stderr
    same_as_a_fresh_build()
