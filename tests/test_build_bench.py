"""`make bench` itself: the synthetic corpus is deterministic and valid, the
harness runs every mode and writes results.json with its keys sorted, the fit is
least squares. (The numbers are in docs/performance.md; no timing is asserted.)"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.corpus import Corpus, write_baseline, write_corpus
from bench.run import fit, measure, phases_of
from sitebuild import ROOT


def test_the_corpus_is_the_same_for_the_same_seed(tmp_path):
    a, b = Corpus(30).files(), Corpus(30).files()
    assert a == b
    assert Corpus(30, seed=1).files() != a
    brief = next(text for path, text in a.items() if path.startswith("content/briefs/"))
    assert brief.count("[[") == 10 and "## Timeline" in brief and "\nAs_of: 2025-" in brief
    write_corpus(str(tmp_path / "full"), 30)
    write_baseline(str(tmp_path / "base"), 30)
    for path in (tmp_path / "base").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "[[" not in text and "[@" not in text and "\nStatus:" not in text


def test_fit_is_least_squares():
    assert fit([(1000, 10.0), (2000, 20.0), (5000, 50.0)]) == {"intercept_s": 0.0, "slope_s_per_1000": 10.0, "r2": 1.0}
    line = fit([(1000, 11.0), (2000, 19.0), (5000, 51.0)])
    assert 0.99 < line["r2"] < 1.0


def test_phases_are_read_from_the_timings_line():
    assert phases_of("built output/ in 3.0s\ntimings: checks 1.20s, pelican 1.50s, search_index 0.30s\n") == {
        "checks": 1.2, "pelican": 1.5, "search_index": 0.3}
    assert phases_of("built output/ in 3.0s\n") is None


def test_make_bench_runs_every_mode_and_writes_sorted_json(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--n", "12", "--repeats", "1", "--no-lychee",
         "--work", str(tmp_path / "work"), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert out.read_text(encoding="utf-8") == json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert sorted(data["modes"]) == ["baseline", "baseline_warm", "cold", "linkcheck", "server", "warm"]
    assert data["modes"]["baseline"]["wall_vs_baseline"] == 1.0
    assert set(data["modes"]["cold"]["median_phases_s"]) >= {"checks", "pelican", "search_index"}
    assert "(a) plain Pelican (baseline)" in result.stdout and "(c) warm rebuild, 1 edit" in result.stdout
    assert "(a') plain Pelican, 1 edit, its cache" in result.stdout and "(c) against (a')" in result.stdout


def test_peak_memory_counts_the_children_too():
    # The build runs Pelican and Pagefind as child processes: the memory a reader of
    # the table cares about is what they hold together, not the largest one alone.
    grow = "import time; x = bytearray(150 * 2**20); x[::4096] = b'1' * len(x[::4096]); time.sleep(1.5)"
    script = (f"import subprocess, sys; c = subprocess.Popen([sys.executable, '-c', {grow!r}]); "
              f"{grow}; c.wait()")
    sample = measure([sys.executable, "-c", script])
    assert sample.returncode == 0
    assert sample.tree_mb > 290  # two processes of 150 MB each, at once
    assert sample.max_rss_mb < 250  # what rusage says: the largest one
