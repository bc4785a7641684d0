"""`make bench`: our build against plain Pelican on one synthetic site, side by side.

    python -m bench [--n 1000] [--repeats 5] [--fit 1000,2000,5000,10000] [--no-lychee]

Every measured run is a fresh process (wall clock from start to exit; CPU time and
peak memory from the kernel's rusage of that process and its children), and the
modes alternate within each repetition, so a busy machine slows all of them alike;
we report medians and ratios to the baseline:

(a) plain Pelican: `python -m pelican` with the same settings, theme and Markdown
    extensions, PLUGINS=[] and no cache, on the same Markdown with our syntax
    removed (a cross-link becomes its text, a citation disappears). That is the
    build the project would have without its plugins; it makes no sources, timeline
    or search pages, so it is the honest floor, not an equal amount of work.
(a') plain Pelican's own warm rebuild: the same command with its content cache on
    (CACHE_CONTENT, LOAD_CONTENT_CACHE, a cache of its own), after one brief is edited:
    the floor a rebuild from the command line is held to.
(b) our full build, cold: `python -m tools.build` as `make html` runs it (checks,
    every plugin, search index, atomic publish), as the first build of a fresh
    clone: no cache to read (it writes one).
(c) warm rebuild: one brief edited after (b), same command, with the cache.
(c') the same edit built by a build process that stays up (`tools.build --stay`),
    as `make devserver` runs it: the search index follows in the background.
(d) the link check of (b)'s output: `python -m tools.linkcheck`.

The build's phases (`tools.build --timings`: the checks it runs first, Pelican with
our plugins, the search index) are listed under (b), (c) and (c'), with their
ratios to the baseline: the Pelican line is the work the plugins add to Pelican.

Before each timed run its output folder is emptied untimed (Pelican deletes it, our
build swaps and deletes the old one in the background: neither pays for deletion).
Results go to bench/results.json (keys sorted). `--fit` builds cold at several
sizes and fits time = a + b * N (least squares) to show how time grows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from . import corpus as corpus_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable
MODES = ("baseline", "baseline_warm", "cold", "warm", "server", "linkcheck")
PHASES = {"checks": "checks Pelican needs first", "pelican": "Pelican, plugins, lint beside",
          "search_index": "search index (Pagefind), from the pages",
          "waited": "  of it after Pelican ended",
          "carry_over": "last search index, linked in",
          "background": "then search index, in the background"}
LABELS = {
    "baseline": "(a) plain Pelican (baseline)",
    "baseline_warm": "(a') plain Pelican, 1 edit, its cache",
    "cold": "(b) full build, cold",
    "warm": "(c) warm rebuild, 1 edit",
    "server": "(c') warm rebuild, build process",
    "linkcheck": "(d) link check of the output",
}


@dataclass
class Sample:
    wall_s: float
    cpu_s: float
    max_rss_mb: float
    returncode: int
    stderr: str = ""
    phases: dict | None = None  # seconds per phase, from `tools.build --timings`
    tree_mb: float = 0.0  # peak of the summed memory of the process and its children


def phases_of(stderr: str) -> dict | None:
    """{'checks': 9.1, 'pelican': 3.2, ...} from the 'timings: checks 9.10s, ...' line."""
    for line in stderr.splitlines():
        if line.startswith("timings: "):
            return {k: float(v.rstrip("s")) for k, v in (item.rsplit(" ", 1) for item in line[9:].split(", "))}
    return None


def tree_memory_mb(root: int) -> float:
    """Memory of process `root` and all its descendants now: the sum of their
    proportional set sizes (a page shared by n processes counts 1/n to each), from
    /proc; RSS where smaps_rollup is not readable."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        for name, key in (("smaps_rollup", b"Pss:"), ("status", b"VmRSS:")):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as f:
                    line = next((l for l in f if l.startswith(key)), None)
            except OSError:
                continue
            if line:
                total += int(line.split()[1])
                break
    return total / 1024


def measure(cmd: list[str], env: dict | None = None, timeout: float | None = None) -> Sample:
    """Run `cmd` from the project root; wall clock to exit, rusage of it and its
    children, and the peak of their summed memory (sampled every 0.25 s)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, **(env or {})})
        deadline = None if timeout is None else start + timeout
        peak, sampled = 0.0, 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                proc.kill()
                deadline = None
            if time.perf_counter() - sampled >= 0.25:
                peak, sampled = max(peak, tree_memory_mb(proc.pid)), time.perf_counter()
            time.sleep(0.01)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, text,
                  phases_of(text), peak)


def wait_for_cleanup(output: str, limit: float = 120.0) -> None:
    """Wait until no background deletion of an old output is running (so one run's
    cleanup does not slow the next)."""
    parent, name = os.path.split(os.path.abspath(output))
    end = time.time() + limit
    while time.time() < end:
        if not any(e.startswith(f".{name}.old-") for e in os.listdir(parent)):
            return
        time.sleep(0.05)


class Site:
    """The synthetic site at size n under `work`: sources, outputs, commands."""

    def __init__(self, work: str, n: int, settings: str):
        self.n = n
        self.root = os.path.join(work, f"n{n}")
        self.settings = settings
        self.full = os.path.join(self.root, "site")
        self.base = os.path.join(self.root, "base")
        self.out = {m: os.path.join(self.root, f"out-{m}") for m in ("baseline", "baseline_warm", "full", "server")}
        self.baseline_cache = os.path.join(self.root, "cache-baseline")
        self.corpus: corpus_module.Corpus | None = None

    def generate(self) -> None:
        for folder in (self.full, self.base):
            shutil.rmtree(folder, ignore_errors=True)
        self.corpus = corpus_module.write_corpus(self.full, self.n)
        corpus_module.write_baseline(self.base, self.n, corpus=self.corpus)

    def baseline_cmd(self) -> list[str]:
        return [PY, "-m", "pelican", os.path.join(self.base, "content"), "-s", self.settings,
                "-o", self.out["baseline"], "-q",
                "-e", "PLUGINS=[]", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"]

    def baseline_warm_cmd(self) -> list[str]:
        """Plain Pelican with its own content cache (a file's HTML reused while the file is
        unchanged): what a plain Pelican site's rebuild after one edit costs."""
        return [PY, "-m", "pelican", os.path.join(self.base, "content"), "-s", self.settings,
                "-o", self.out["baseline_warm"], "-q",
                "-e", "PLUGINS=[]", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true",
                f"CACHE_PATH={json.dumps(self.baseline_cache)}"]

    def build_cmd(self, output: str) -> list[str]:
        return [PY, "-m", "tools.build", "--settings", self.settings, "--timings",
                "--content", os.path.join(self.full, "content"), "--output", output]

    def linkcheck_cmd(self) -> list[str]:
        return [PY, "-m", "tools.linkcheck", self.out["full"], "--format", "text",
                "--content-root", os.path.join(self.full, "content")]

    def clear_caches(self, output: str) -> None:
        """What a build of `output` keeps between runs (tools/build.py): the content
        cache and reused pages, the lint's per-file results and the search index's parts. A cold
        build has none of them."""
        parent, name = os.path.split(output)
        for kind in ("build", "lint", "search"):
            shutil.rmtree(os.path.join(parent, ".cache", f"{kind}-{name}"), ignore_errors=True)

    def edit(self, rep: int, folder: str | None = None) -> str:
        """Change one sentence of one brief (a different brief each time), in the full
        corpus or, with `folder`, in the baseline's copy."""
        brief = self.corpus.briefs[(rep * 7919 + 13) % self.n]
        path = os.path.join(folder or self.full, "content", "briefs", f"{brief['slug']}.md")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("## In short\n\n", f"## In short\n\nEdited in repetition {rep}. ", 1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path


class Server:
    """A build process (`tools.build --stay`, what `make devserver` runs), kept running
    across repetitions."""

    def __init__(self, site: Site):
        self.proc = subprocess.Popen(
            [PY, "-m", "tools.build", "--stay", "--settings", site.settings,
             "--content", os.path.join(site.full, "content"), "--output", site.out["server"]],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )

    def ask(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the build process stopped (exit {self.proc.wait()})")
        return json.loads(line)

    def build(self) -> dict:
        """Build; then wait for the search index it refreshes in the background, so that
        Pagefind does not run during the next measurement. The answer's `index_s` is
        how long that took after the build was published."""
        answer = self.ask("build")
        answer["index_s"] = self.ask("wait")["wall_s"]
        return answer

    def close(self) -> float:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        return 0.0


def check(sample: Sample, what: str) -> Sample:
    if sample.returncode not in (0, 1) or (what != "linkcheck" and sample.returncode != 0):
        raise RuntimeError(f"{what} failed ({sample.returncode}):\n{sample.stderr[-3000:]}")
    return sample


def run_side_by_side(site: Site, repeats: int, with_linkcheck: bool = True) -> dict:
    samples: dict[str, list[Sample]] = {m: [] for m in MODES}
    for m in ("baseline", "baseline_warm", "full", "server"):
        shutil.rmtree(site.out[m], ignore_errors=True)
    shutil.rmtree(site.baseline_cache, ignore_errors=True)
    check(measure(site.baseline_warm_cmd()), "baseline cache")  # untimed: fills plain Pelican's cache
    site.clear_caches(site.out["server"])
    server = Server(site)
    first = server.build()  # its own cold build: imports, cache, pages
    if not first["ok"]:
        raise RuntimeError(f"build process: first build failed: {first.get('log')}")
    for rep in range(repeats):
        shutil.rmtree(site.out["baseline"], ignore_errors=True)
        samples["baseline"].append(check(measure(site.baseline_cmd()), "baseline"))
        site.edit(rep, site.base)
        shutil.rmtree(site.out["baseline_warm"], ignore_errors=True)
        samples["baseline_warm"].append(check(measure(site.baseline_warm_cmd()), "baseline warm"))

        # Cold: the first build of a fresh clone (no cache to read; it writes one).
        site.clear_caches(site.out["full"])
        wait_for_cleanup(site.out["full"])
        samples["cold"].append(check(measure(site.build_cmd(site.out["full"])), "cold build"))
        wait_for_cleanup(site.out["full"])

        site.edit(rep)
        samples["warm"].append(check(measure(site.build_cmd(site.out["full"])), "warm build"))
        wait_for_cleanup(site.out["full"])

        wait_for_cleanup(site.out["server"])
        answer = server.build()
        if not answer["ok"]:
            raise RuntimeError(f"build process: build failed: {answer.get('log')}")
        samples["server"].append(Sample(answer["wall_s"], answer["cpu_s"], 0.0, 0,
                                        phases={**answer.get("phases", {}), "background": answer["index_s"]}))

        if with_linkcheck:
            samples["linkcheck"].append(check(measure(site.linkcheck_cmd()), "linkcheck"))
        print(f"  repetition {rep + 1}/{repeats}: " + ", ".join(
            f"{m} {samples[m][-1].wall_s:.2f}s" for m in MODES if samples[m]), file=sys.stderr)
    server.close()
    return summarize(samples)


def summarize(samples: dict[str, list[Sample]]) -> dict:
    out = {}
    base = samples["baseline"]
    base_wall = statistics.median(s.wall_s for s in base) if base else None
    base_cpu = statistics.median(s.cpu_s for s in base) if base else None
    for mode, runs in samples.items():
        if not runs:
            continue
        wall = statistics.median(s.wall_s for s in runs)
        cpu = statistics.median(s.cpu_s for s in runs)
        rss = max(s.max_rss_mb for s in runs)
        tree = max(s.tree_mb for s in runs)
        phases = {}
        for name in sorted({k for s in runs for k in (s.phases or {})}):
            values = [s.phases[name] for s in runs if s.phases and name in s.phases]
            phases[name] = round(statistics.median(values), 3)
        out[mode] = {
            "label": LABELS[mode],
            "median_phases_s": phases or None,
            "runs_wall_s": [round(s.wall_s, 3) for s in runs],
            "median_wall_s": round(wall, 3),
            "median_cpu_s": round(cpu, 3),
            "max_rss_mb": round(rss, 1) if rss else None,
            "peak_mb": round(tree, 1) if tree else None,
            "wall_vs_baseline": round(wall / base_wall, 3) if base_wall else None,
            "cpu_vs_baseline": round(cpu / base_cpu, 3) if base_cpu else None,
        }
    return out


def fit(points: list[tuple[int, float]]) -> dict:
    """Least squares time = a + b*n; b in seconds per 1,000 briefs."""
    n = len(points)
    if n < 2:
        return {}
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in points)
    return {"intercept_s": round(a, 3), "slope_s_per_1000": round(b * 1000, 3),
            "r2": round(1 - ss_res / ss_tot, 4) if ss_tot else 1.0}


def run_fit(work: str, sizes: list[int], repeats: int, settings: str) -> dict:
    rows = {}
    for n in sizes:
        site = Site(work, n, settings)
        started = time.perf_counter()
        site.generate()
        generated = time.perf_counter() - started
        cold, base = [], []
        for _ in range(repeats):
            shutil.rmtree(site.out["baseline"], ignore_errors=True)
            base.append(check(measure(site.baseline_cmd()), "baseline"))
            site.clear_caches(site.out["full"])
            wait_for_cleanup(site.out["full"])
            cold.append(check(measure(site.build_cmd(site.out["full"])), "cold build"))
        rows[n] = {
            "corpus_s": round(generated, 2),
            "baseline_wall_s": round(statistics.median(s.wall_s for s in base), 3),
            "cold_wall_s": round(statistics.median(s.wall_s for s in cold), 3),
            "cold_cpu_s": round(statistics.median(s.cpu_s for s in cold), 3),
            "cold_max_rss_mb": round(max(s.max_rss_mb for s in cold), 1),
            "cold_peak_mb": round(max(s.tree_mb for s in cold), 1),
            "baseline_max_rss_mb": round(max(s.max_rss_mb for s in base), 1),
            "baseline_peak_mb": round(max(s.tree_mb for s in base), 1),
        }
        print(f"  n={n}: {rows[n]}", file=sys.stderr)
        shutil.rmtree(site.root, ignore_errors=True)
    return {
        "sizes": {str(n): row for n, row in rows.items()},
        "cold_fit": fit([(n, r["cold_wall_s"]) for n, r in rows.items()]),
        "baseline_fit": fit([(n, r["baseline_wall_s"]) for n, r in rows.items()]),
    }


def table(n: int, repeats: int, modes: dict) -> str:
    lines = [
        f"N={n} briefs, {repeats} interleaved repetitions, {os.cpu_count()} cores; medians",
        f"{'mode':36s} {'wall s':>8s} {'x base':>7s} {'CPU s':>8s} {'x base':>7s} {'peak MB':>8s}",
        "(peak MB: the most memory the build's processes held at once, summed; sampled every 0.25 s)",
    ]
    for mode in MODES:
        m = modes.get(mode)
        if not m:
            continue
        ratio = f"{m['wall_vs_baseline']:.2f}" if m["wall_vs_baseline"] else "-"
        cratio = f"{m['cpu_vs_baseline']:.2f}" if m["cpu_vs_baseline"] and mode != "server" else "-"
        rss = f"{m['peak_mb']:.0f}" if m.get("peak_mb") else "-"
        cpu = f"{m['median_cpu_s']:8.2f}" if mode != "server" else f"{'-':>8s}"
        lines.append(f"{m['label']:36s} {m['median_wall_s']:8.2f} {ratio:>7s} {cpu} {cratio:>7s} {rss:>8s}")
        base = modes.get("baseline", {}).get("median_wall_s")
        for phase, seconds in (m.get("median_phases_s") or {}).items():
            if phase in ("publish", "post-steps"):
                continue
            share = f"{seconds / base:.2f}" if base else "-"
            lines.append(f"{'    ' + PHASES.get(phase, phase):36s} {seconds:8.2f} {share:>7s}")
    warm, plain_warm = modes.get("warm"), modes.get("baseline_warm")
    if warm and plain_warm:
        lines.append(f"(c) against (a'), each a rebuild after one edit with its own cache: "
                     f"{warm['median_wall_s'] / plain_warm['median_wall_s']:.2f}x")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="briefs in the synthetic site (default 1000)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repetitions (default 5)")
    parser.add_argument("--fit", default="", help="also fit cold build time over these sizes, e.g. 1000,2000,5000,10000")
    parser.add_argument("--fit-repeats", type=int, default=1)
    parser.add_argument("--no-lychee", action="store_true", help="skip bench.linkcheck_bench (ours vs lychee)")
    parser.add_argument("--no-linkcheck", action="store_true", help="skip (d)")
    parser.add_argument("--work", default=os.path.join(ROOT, "bench", "work"), help="scratch folder")
    parser.add_argument("--settings", default=os.path.join(ROOT, "pelicanconf.py"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results.json"), help="'' for none")
    args = parser.parse_args(argv)

    os.makedirs(args.work, exist_ok=True)
    site = Site(args.work, args.n, args.settings)
    started = time.perf_counter()
    site.generate()
    print(f"corpus: {args.n} briefs in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    modes = run_side_by_side(site, args.repeats, with_linkcheck=not args.no_linkcheck)
    results = {
        "n": args.n,
        "repeats": args.repeats,
        "seed": corpus_module.SEED,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "system": platform.system()},
        "modes": modes,
    }
    print(table(args.n, args.repeats, modes))
    if not args.no_lychee and not args.no_linkcheck:
        from . import linkcheck_bench

        results["linkcheck_vs_lychee"] = linkcheck_bench.run(n_pages=args.n, repeats=args.repeats)
        lc = results["linkcheck_vs_lychee"]
        print(f"link check, ours vs lychee on {lc.get('pages')} pages: "
              f"{lc.get('ours_s')}s vs {lc.get('lychee_s')}s (ratio {lc.get('ratio')})")
    if args.fit:
        sizes = [int(s) for s in args.fit.split(",") if s.strip()]
        results["fit"] = run_fit(args.work, sizes, args.fit_repeats, args.settings)
        f = results["fit"]["cold_fit"]
        print(f"cold build time ~ {f.get('intercept_s')}s + {f.get('slope_s_per_1000')}s per 1,000 briefs "
              f"(R^2 {f.get('r2')}); " + ", ".join(
                  f"n={n}: {r['cold_wall_s']}s, {r['cold_peak_mb']:.0f} MB" for n, r in results["fit"]["sizes"].items()))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {os.path.relpath(args.json)}", file=sys.stderr)
    return 0
