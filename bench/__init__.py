"""Benchmarks: `make bench` (`python -m bench`).

- `corpus.py`: a seeded synthetic site of N briefs (generated words, cross-links,
  citations, timelines) and the same Markdown without our syntax for plain Pelican.
- `run.py`: builds it side by side, interleaved, in fresh processes: plain Pelican,
  our full build cold, a warm rebuild after one edit, a persistent build process
  (`server.py`), the link check; prints medians and ratios, writes bench/results.json.
- `linkcheck_bench.py`: our link checker against lychee (called from run.py).

See docs/performance.md for the numbers and what they mean.
"""
