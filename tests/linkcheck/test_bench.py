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
