"""Benchmark: our offline link check against lychee's on a synthetic 1,000-page site.

The site is generated (seeded, so every run checks the same bytes) in the shape of our Pelican
output: nested brief folders with index.html, a theme (CSS, JS, icon), images with srcset,
cross-links with #sections, numbered citations with a sources list and back-links, tag pages, an
index listing every brief. Both tools run as the user runs them -- a fresh process each, wall
clock, output discarded -- alternating, several times; we report medians and ours/lychee.

    python -m bench.linkcheck_bench [--pages 1000] [--repeats 5]

`run()` is what the top-level `make bench` calls. `generate_site()` is reused by
tests/linkcheck/test_differential.py, with seeded problems of every kind.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
N_TAGS = 20
N_IMAGES = 60
SECTIONS = ("background", "what-was-agreed", "positions", "disputes", "timeline", "what-next")


@dataclass(frozen=True)
class Seeded:
    """A problem planted in the site: the page, the URL (as written) and the code we expect."""

    page: str
    target: str
    code: str
    lychee_sees: bool  # a file/fragment problem lychee can find too


def lychee_binary() -> str | None:
    here = Path(sys.executable).parent / "lychee"
    return str(here) if here.exists() else shutil.which("lychee")


def _slug(i: int) -> str:
    return f"brief-{i:04d}"


def _head(title: str, up: str, source: str | None) -> str:
    meta = f'<meta name="source-file" content="{source}">\n' if source else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{meta}<title>{title}</title>
<link rel="stylesheet" href="{up}theme/css/main.css">
<link rel="icon" href="{up}theme/img/favicon.png">
<link rel="alternate" type="application/atom+xml" href="{up}feeds/all.atom.xml">
</head>
<body>
<header class="site"><a class="brand" href="{up}">Peace talks explained</a>
<nav><a href="{up}">Briefs</a> <a href="{up}timeline/">Timeline</a> <a href="{up}about/">About</a>
<a href="{up}tags/">Tags</a> <a href="{up}search/">Search</a></nav></header>
"""


def _foot(up: str) -> str:
    return f"""<footer><p>Sources are listed on every page. <a href="{up}about/#corrections">Corrections</a>
<a href="mailto:editors@example.org">editors@example.org</a></p></footer>
<script src="{up}theme/js/site.js" defer></script>
</body>
</html>
"""


def _brief(i: int, n: int, rng: random.Random, inject: list) -> str:
    up = "../../"
    slug = _slug(i)
    out = [_head(f"Brief {i}", up, f"content/briefs/{slug}.md")]
    out.append(f'<main><article class="brief" id="top-of-brief">\n<h1>Brief {i}</h1>\n')
    out.append('<nav class="toc"><ol>' + "".join(
        f'<li><a href="#{s}">{s.replace("-", " ").title()}</a></li>' for s in SECTIONS)
        + "</ol></nav>\n")
    for t in rng.sample(range(N_TAGS), 3):
        out.append(f'<a class="tag" href="{up}tags/tag-{t:02d}/">tag {t}</a> ')
    keys = [f"src-{i}-{k}" for k in range(6)]
    uses = {k: 0 for k in keys}
    line = 10
    for s_index, section in enumerate(SECTIONS):
        out.append(f'\n<h2 id="{section}">{section.replace("-", " ").title()}</h2>\n')
        for _ in range(3):
            words = " ".join(rng.choice(("talks", "envoys", "ceasefire", "terms", "ports",
                                         "grain", "energy", "guarantees", "minerals", "sanctions"))
                             for _ in range(40))
            other = rng.randrange(n)
            sec = rng.choice(SECTIONS)
            key = rng.choice(keys)
            uses[key] += 1
            line += 2
            out.append(
                f'<p>{words} <a class="xref" href="../{_slug(other)}/#{sec}" data-src="{line}:5" '
                f'data-title="Brief {other}" data-status="ongoing">Brief {other}</a> {words[:60]}'
                f'<sup class="cite"><a class="cite-ref" id="cite-{key}-{uses[key]}" '
                f'href="#source-{key}" data-src="{line}:70">[{keys.index(key) + 1}]</a></sup>.</p>\n')
        img = rng.randrange(N_IMAGES)
        if s_index % 2 == 0:
            out.append(f'<figure><img src="{up}images/fig-{img:02d}.png" srcset="{up}images/'
                       f'fig-{img:02d}.png 1x, {up}images/fig-{img:02d}@2x.png 2x" alt="">'
                       f"<figcaption>Figure</figcaption></figure>\n")
        if s_index == 3:
            out.append(f'<video controls poster="{up}images/fig-{img:02d}.png"></video>\n')
        out.append(f'<p>See <a href="https://example.org/reports/{i}/{s_index}">the report</a>.</p>\n')
    for snippet in inject:
        out.append(f"<p>{snippet}</p>\n")
    out.append('<h2 id="sources">Sources</h2>\n<ol class="sources">\n')
    for k in keys:
        backs = " ".join(f'<a class="backref" href="#cite-{k}-{u}">{chr(96 + u)}</a>'
                         for u in range(1, uses[k] + 1))
        out.append(f'<li id="source-{k}">Publisher, "Title {k}", 2025-04-18. '
                   f'<a href="https://example.org/{k}">link</a> {backs}</li>\n')
    out.append(f'</ol>\n<p><a href="#top-of-brief">Back to top</a> <a href="../{_slug((i + 1) % n)}/">'
               "Next brief</a></p>\n</article></main>\n")
    out.append(_foot(up))
    return "".join(out)


def _plain(title: str, up: str, body: str, source: str | None = None) -> str:
    return _head(title, up, source) + f"<main>\n<h1>{title}</h1>\n{body}</main>\n" + _foot(up)


# Seeded problems: (code, lychee also sees it, snippet). {up} is the brief's way to the root,
# {other} another brief's slug. Targets are what our checker reports as `target`.
PROBLEM_KINDS = [
    ("broken-link", True, '<a href="../no-such-brief/">missing page</a>', "../no-such-brief/"),
    ("broken-link", True, '<a href="{up}theme/">folder without index</a>', "{up}theme/"),
    ("broken-link", True, '<a href="/briefs/nowhere/">root-relative</a>', "/briefs/nowhere/"),
    ("missing-fragment", True, '<a href="../{other}/#no-such-section">x</a>',
     "../{other}/#no-such-section"),
    ("missing-fragment", True, '<a href="#not-on-this-page">x</a>', "#not-on-this-page"),
    ("missing-asset", True, '<img src="{up}images/missing.png" alt="">', "{up}images/missing.png"),
    ("missing-asset", True, '<img src="{up}images/fig-01.png" srcset="{up}images/gone@2x.png 2x" '
     'alt="">', "{up}images/gone@2x.png"),
    ("missing-asset", True, '<video poster="{up}images/no-poster.png"></video>',
     "{up}images/no-poster.png"),
    ("missing-asset", True, '<link rel="stylesheet" href="{up}theme/css/missing.css">',
     "{up}theme/css/missing.css"),
    ("missing-asset", True, '<link rel="icon" href="/theme/img/missing-icon.png">',
     "/theme/img/missing-icon.png"),
    ("citation-unresolved", True,
     '<sup class="cite"><a class="cite-ref" id="cite-ghost-1" href="#source-ghost">[9]</a></sup>',
     "#source-ghost"),
    ("citation-no-backref", False,
     '<sup class="cite"><a class="cite-ref" id="cite-orphan-9" href="#source-{key}">[1]</a></sup>',
     "#source-{key}"),
    ("xref-not-brief", False, '<a class="xref" href="{up}tags/tag-01/">a tag page</a>',
     "{up}tags/tag-01/"),
    ("unresolved-syntax", False, "Still [[some-slug]] here.", "[[some-slug]]"),
    ("unresolved-syntax", True, '<a href="{filename}/briefs/x.md">x</a>',  # lychee: a missing file
     "{filename}/briefs/x.md"),
    ("unsafe-url", False, '<a href="javascript:alert(1)">x</a>', "javascript:alert(1)"),
    ("private-host", False, '<a href="http://192.168.1.10/admin">x</a>', "http://192.168.1.10/admin"),
    ("malformed-url", False, '<a href="http:/example.org/x">x</a>', "http:/example.org/x"),
]


def _fill(template: str, values: dict) -> str:
    for name, value in values.items():  # not str.format: snippets contain {filename}
        template = template.replace("{" + name + "}", value)
    return template


def generate_site(root: Path, n_pages: int = 1000, seed: int = 2025, seeded: bool = False) -> list:
    """Write the site under root; return the Seeded problems (empty unless seeded)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in (("theme/css/main.css", "body{font:16px/1.5 serif}\n"),
                      ("theme/js/site.js", "document.documentElement.classList.add('js');\n"),
                      ("theme/img/favicon.png", ""), ("feeds/all.atom.xml", "<feed/>\n")):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(data)
    (root / "images").mkdir(exist_ok=True)
    for k in range(N_IMAGES):
        (root / f"images/fig-{k:02d}.png").write_bytes(b"")
        (root / f"images/fig-{k:02d}@2x.png").write_bytes(b"")

    plan: dict = {}
    expected: list = []
    if seeded:
        # Each kind lands on its own brief; "broken-link" kinds in the brief list are not hit.
        victims = rng.sample(range(n_pages), len(PROBLEM_KINDS))
        for (code, sees, snippet, target), i in zip(PROBLEM_KINDS, victims):
            fill = {"up": "../../", "other": _slug((i + 7) % n_pages), "key": f"src-{i}-0"}
            plan.setdefault(i, []).append(_fill(snippet, fill))
            expected.append(Seeded(f"briefs/{_slug(i)}/index.html", _fill(target, fill), code,
                                   sees))

    for i in range(n_pages):
        page = root / "briefs" / _slug(i) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(_brief(i, n_pages, rng, plan.get(i, [])), encoding="utf-8")
    items = "".join(f'<li><a href="briefs/{_slug(i)}/">Brief {i}</a></li>\n' for i in range(n_pages))
    (root / "index.html").write_text(_plain("Briefs", "", f"<ul>\n{items}</ul>\n"))
    for name, body in (("about", '<h2 id="corrections">Corrections</h2><p>Write to us.</p>\n'),
                       ("timeline", '<ol><li id="event-2025-03-18-1">2025-03-18</li></ol>\n'),
                       ("search", "<div id=search></div>\n")):
        (root / name).mkdir(exist_ok=True)
        source = f"content/pages/{name}.md" if name == "about" else None
        (root / name / "index.html").write_text(_plain(name.title(), "../", body, source))
    (root / "tags").mkdir(exist_ok=True)
    tag_items = "".join(f'<li><a href="tag-{t:02d}/">tag {t}</a></li>' for t in range(N_TAGS))
    (root / "tags/index.html").write_text(_plain("Tags", "../", f"<ul>{tag_items}</ul>\n"))
    for t in range(N_TAGS):
        (root / f"tags/tag-{t:02d}").mkdir(exist_ok=True)
        (root / f"tags/tag-{t:02d}/index.html").write_text(
            _plain(f"Tag {t}", "../../", f'<p><a href="../../briefs/{_slug(t)}/">Brief {t}</a></p>\n'))
    return expected


# -- running both tools ---------------------------------------------------------------------


def ours_command(site: Path, fmt: str = "text") -> list:
    return [sys.executable, "-m", "tools.linkcheck", str(site), "--format", fmt]


def lychee_command(site: Path, fmt: str = "compact") -> list:
    # --offline: local files only; --include-fragments: check #ids; --root-dir: resolve
    # root-relative links against the site; --index-files: a folder URL needs its index.html
    # (what a static host serves, and what we check); --extensions: HTML only, as we do.
    return [lychee_binary() or "lychee", "--offline", "--include-fragments", "--no-progress",
            "--root-dir", str(site.resolve()), "--index-files", "index.html",
            "--extensions", "html,htm", "--format", fmt, str(site)]


def _time(cmd: list) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its children, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def run(n_pages: int = 1000, repeats: int = 5) -> dict:
    """Medians of `repeats` alternating runs of both tools on one generated site."""
    lychee = lychee_binary()
    with tempfile.TemporaryDirectory(prefix="linkcheck-bench-") as tmp:
        site = Path(tmp) / "site"
        generate_site(site, n_pages)
        ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
        # Warm-up (page cache, .pyc files), which also tells us how much was checked.
        warm = subprocess.run(ours_command(site, "json"), cwd=REPO, capture_output=True, text=True)
        summary = json.loads(warm.stdout)["summary"]
        if lychee:
            _time(lychee_command(site))
        for _ in range(repeats):  # alternate, so load from elsewhere hits both alike
            wall, cpu, rc = _time(ours_command(site))
            if rc != 0:
                raise RuntimeError(f"our checker found problems in the clean site (exit {rc})")
            ours.append(wall)
            ours_cpu.append(cpu)
            if lychee:
                wall, cpu, rc = _time(lychee_command(site))
                if rc != 0:
                    raise RuntimeError(f"lychee found problems in the clean site (exit {rc})")
                theirs.append(wall)
                theirs_cpu.append(cpu)
    ours_s = statistics.median(ours)
    lychee_s = statistics.median(theirs) if theirs else None
    ours_cpu_s = statistics.median(ours_cpu)
    lychee_cpu_s = statistics.median(theirs_cpu) if theirs_cpu else None
    return {
        "name": "linkcheck: offline check, ours vs lychee",
        "pages": summary["pages"],
        "links": summary["links"],
        "repeats": repeats,
        "cores": os.cpu_count(),
        "ours_s": round(ours_s, 4),
        "lychee_s": round(lychee_s, 4) if lychee_s else None,
        "ratio": round(ours_s / lychee_s, 3) if lychee_s else None,
        "ours_cpu_s": round(ours_cpu_s, 4),
        "lychee_cpu_s": round(lychee_cpu_s, 4) if lychee_cpu_s else None,
        "cpu_ratio": round(ours_cpu_s / lychee_cpu_s, 3) if lychee_cpu_s else None,
        "ours_runs": [round(s, 4) for s in ours],
        "lychee_runs": [round(s, 4) for s in theirs],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.linkcheck_bench", description=__doc__.split("\n")[0])
    p.add_argument("--pages", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)
    result = run(args.pages, args.repeats)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"site: {result['pages']} pages, {result['links']} links; {result['cores']} cores; "
          f"median of {result['repeats']} runs")
    print(f"ours   {result['ours_s']:.3f}s  {result['ours_runs']}")
    if result["lychee_s"] is None:
        print("lychee not installed: no comparison")
    else:
        print(f"lychee {result['lychee_s']:.3f}s  {result['lychee_runs']}")
        print(f"ratio ours/lychee = {result['ratio']:.2f} wall clock (target <= 1.0); "
              f"CPU {result['ours_cpu_s']:.2f}s vs {result['lychee_cpu_s']:.2f}s = "
              f"{result['cpu_ratio']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
