"""The benchmark's generator is deterministic and its run() reports what `make bench` needs."""
from __future__ import annotations

import hashlib

from bench.linkcheck_bench import generate_site, lychee_binary, run


def digest(root) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_the_generated_site_is_the_same_every_time(tmp_path):
    generate_site(tmp_path / "a", n_pages=30, seed=3)
    generate_site(tmp_path / "b", n_pages=30, seed=3)
    generate_site(tmp_path / "c", n_pages=30, seed=4)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


def test_run_reports_medians_and_the_ratio():
    result = run(n_pages=30, repeats=1)
    assert result["pages"] == 30 + 25 and result["links"] > 1000
    assert len(result["ours_runs"]) == 1 and result["ours_s"] > 0
    if lychee_binary():
        assert abs(result["ratio"] - result["ours_s"] / result["lychee_s"]) < 0.01
    else:
        assert result["ratio"] is None


def test_the_suite_compares_findings_and_measures_both_tools(tmp_path):
    """bench.linkcheck_suite on its broken-links site, small: every broken link lychee finds we
    find at the same file and line, and both tools' time and memory are measured."""
    from bench.linkcheck_suite import bench_site, broken_site, table

    site = tmp_path / "site"
    broken_site(site, pages=20, per_page=4)
    result = bench_site("tiny", "bench", site.resolve(), 1, tmp_path)
    assert result["pages"] == 20 + 25
    assert result["ours_errors"] == 20 * 4 == result["lychee_errors"]
    assert result["superset"] and result["only_ours"] == 0
    assert result["ours_s"] > 0 and result["lychee_s"] > 0 and result["ours_mib"] > 10 and result["lychee_mib"] > 1
    assert "| tiny (bench) | 45 |" in table([result])
