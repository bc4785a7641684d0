"""`make diff BASE=origin/main`: what a change does to the site, as Markdown for a pull
request's job summary (`$GITHUB_STEP_SUMMARY`) or a terminal.

It builds BASE (in a temporary git worktree, with BASE's own code, so its pages are what
main publishes) and the working tree as it is now (or takes an existing build with
`--head-site output`), then reports:

- briefs and other pages added, removed or changed (a page counts as changed when its
  `<main>` differs: footers carry the site's last-update date, which every content change
  moves);
- sources added to, removed from or edited in `content/sources.yaml`, and citations added or
  removed in each brief;
- `make check` findings and link-check findings that are new or fixed (compared without line
  numbers, which move with every edit above them);
- the heaviest pages' sizes, before and after.

Both sites are link-checked by this checkout's checker, so a finding is new because the
content changed, not because the checker did. Exit status: 0 report written (findings are
reported, not failed on: CI's other steps fail on them); 2 BASE is not a commit, or a build
failed.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from citations.markdown_ext import parse_items  # noqa: E402
from citations.registry import load as load_registry  # noqa: E402
LINT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): \[(?P<level>error|warning)\] "
                       r"(?P<message>.*) \((?P<rule>[\w-]+)\)$")
# The citations plugin's pattern (plugins/citations/markdown_ext.py) without its
# source-position marks: `[@a; @b, para. 3]`, but not the Markdown link `[@name](url)`.
CITATION = re.compile(r"\[(@[^\[\]\n]*)\](?!\()")
HEAVIEST = 10
LISTED = 25  # at most this many rows per list: a summary, not a dump


class DiffError(Exception):
    """A reason the report cannot be made (bad BASE, a failed build), said in one line."""


@dataclass
class Tree:
    """One side of the comparison: the project's files and the site built from them."""

    root: Path
    site: Path
    sources: dict = field(default_factory=dict)  # id -> entry
    citations: dict = field(default_factory=dict)  # brief slug -> Counter of keys
    lint: set = field(default_factory=set)  # (path, level, rule, message)
    links: set = field(default_factory=set)  # (path, level, code, message)


def git(*args: str, cwd: Path = ROOT) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise DiffError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout.strip()


def build(root: Path, output: Path) -> None:
    """`make html` for the tree at root, with root's own code, into output."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.build", "--settings", "pelicanconf.py", "--output", str(output)],
        cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)})
    if result.returncode:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise DiffError(f"building {root} failed:\n" + "\n".join(tail))


def read_sources(root: Path) -> dict:
    """id -> entry, read as the build reads the registry: a pull request's YAML aliases or tags
    are refused, never expanded (an unreadable registry reads as empty)."""
    return load_registry(str(root / "content" / "sources.yaml")).sources


def read_citations(root: Path) -> dict:
    """brief slug (its file name) -> Counter of the keys it cites."""
    cited = {}
    for path in sorted((root / "content" / "briefs").glob("*.md")):
        keys = collections.Counter()
        for body in CITATION.findall(path.read_text(encoding="utf-8")):
            for key, _, _ in parse_items(body):
                if key:
                    keys[key] += 1
        cited[path.stem] = keys
    return cited


def read_lint(root: Path) -> set:
    result = subprocess.run([sys.executable, "-m", "tools.lint", "--format", "text"], cwd=root,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)})
    found = set()
    for line in result.stdout.splitlines():
        m = LINT_LINE.match(line)
        if m:
            found.add((m["path"], m["level"], m["rule"], m["message"]))
    return found


def read_links(tree: Tree) -> set:
    """This checkout's link checker on tree.site; paths relative to the site or tree root."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([sys.executable, "-m", "tools.linkcheck", str(tree.site), "--format", "json",
                        "-o", report.name, "--content-root", str(tree.root / "content")],
                       cwd=tree.root, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            problems = json.loads(Path(report.name).read_text(encoding="utf-8") or "{}").get("problems", [])
        except json.JSONDecodeError:
            raise DiffError("the link checker wrote no report") from None
    found = set()
    for p in problems:
        found.add((_relative(Path(p["path"]), tree), p["level"], p["code"], p["message"]))
    return found


def _relative(path: Path, tree: Tree) -> str:
    """A reported path the same for both sides: relative to the site for built pages, to the
    project for its files (the checker names them relative to its working directory)."""
    path = (tree.root / path).resolve()
    for folder in (tree.site.resolve(), tree.root.resolve()):
        if path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    return path.as_posix()


def pages(site: Path) -> dict:
    """URL path of every HTML page -> the file."""
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}


def main_content(path: Path) -> bytes:
    """The page's <main>, or the whole page if it has none."""
    data = path.read_bytes()
    try:
        main = lxml_html.fromstring(data).find(".//main")
    except (ValueError, lxml_html.etree.ParserError):
        return data
    return data if main is None else lxml_html.tostring(main)


def words_changed(before: Path, after: Path) -> tuple[int, int]:
    """Words added and removed in the page's <main> text: how big an edit was."""
    def words(path: Path) -> list[str]:
        try:
            main = lxml_html.fromstring(path.read_bytes()).find(".//main")
        except (ValueError, lxml_html.etree.ParserError):
            return []
        return (main.text_content() if main is not None else "").split()
    matcher = difflib.SequenceMatcher(None, words(before), words(after), autojunk=False)
    plus = minus = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            minus += i2 - i1
            plus += j2 - j1
    return plus, minus


def brief_slug(page: str) -> str | None:
    parts = page.split("/")
    return parts[1] if len(parts) == 3 and parts[0] == "briefs" and parts[2] == "index.html" else None


# --- the report -----------------------------------------------------------------------------

def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


def _delta(n: int) -> str:
    if n == 0:
        return "0"
    return ("+" if n > 0 else "−") + _size(abs(n))


def _cell(text: str) -> str:
    """Safe inside a Markdown table cell: no pipes, no line breaks, no HTML."""
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace("\n", " ").replace("`", "'"))


def _limited(rows: list[str]) -> list[str]:
    if len(rows) > LISTED:
        return rows[:LISTED] + [f"- … and {len(rows) - LISTED} more"]
    return rows


def _findings(title: str, base: set, head: set) -> list[str]:
    new, fixed = sorted(head - base), sorted(base - head)
    out = [f"### {title}", ""]
    if not new and not fixed:
        return out + [f"No change: {len(head)} finding{'s' * (len(head) != 1)} before and after.", ""]
    for label, rows in (("New", new), ("Fixed", fixed)):
        if rows:
            out.append(f"**{label}** ({len(rows)}):")
            out.append("")
            out += _limited([f"- `{_cell(path)}` {level}: {_cell(message)} ({code})"
                             for path, level, code, message in rows])
            out.append("")
    return out


def report(base: Tree, head: Tree, base_name: str) -> str:
    out = ["## What this change does to the site", "",
           f"Compared with `{_cell(base_name)}`. Pages are compared by their main content.", ""]

    base_pages, head_pages = pages(base.site), pages(head.site)
    added = sorted(head_pages.keys() - base_pages.keys())
    removed = sorted(base_pages.keys() - head_pages.keys())
    changed = sorted(p for p in head_pages.keys() & base_pages.keys()
                     if main_content(head_pages[p]) != main_content(base_pages[p]))

    def describe(label: str, page: str) -> str:
        if label != "changed":
            return label
        plus, minus = words_changed(base_pages[page], head_pages[page])
        return f"changed (+{plus} −{minus} words)" if plus or minus else "changed (markup only)"

    out += ["### Briefs", ""]
    rows = []
    for label, group in (("added", added), ("removed", removed), ("changed", changed)):
        rows += [f"- `{brief_slug(p)}` {describe(label, p)}" for p in group if brief_slug(p)]
    out += (_limited(rows) or ["No brief changed."]) + [""]

    other = [(label, p) for label, group in (("added", added), ("removed", removed), ("changed", changed))
             for p in group if not brief_slug(p)]
    out += ["### Other pages", ""]
    out += (_limited([f"- `{_cell(p)}` {describe(label, p)}" for label, p in other]) or ["No other page changed."]) + [""]

    out += ["### Sources", ""]
    rows = []
    for key in sorted(head.sources.keys() - base.sources.keys()):
        entry = head.sources[key]
        rows.append(f"- added `{_cell(key)}`: {_cell(str(entry.get('title', '')))} "
                    f"({_cell(str(entry.get('container-title', '')))})")
    for key in sorted(base.sources.keys() - head.sources.keys()):
        rows.append(f"- removed `{_cell(key)}`")
    for key in sorted(head.sources.keys() & base.sources.keys()):
        fields = sorted(k for k in set(head.sources[key]) | set(base.sources[key])
                        if head.sources[key].get(k) != base.sources[key].get(k))
        if fields:
            rows.append(f"- edited `{_cell(key)}`: {', '.join(fields)}")
    out += (_limited(rows) or ["No source added, removed or edited."]) + [""]

    out += ["### Citations", ""]
    rows = []
    for slug in sorted(head.citations.keys() | base.citations.keys()):
        before = base.citations.get(slug, collections.Counter())
        after = head.citations.get(slug, collections.Counter())
        plus, minus = after - before, before - after
        if plus or minus:
            rows.append(f"| `{slug}` | {_cell(', '.join(sorted(plus.elements())) or '–')} "
                        f"| {_cell(', '.join(sorted(minus.elements())) or '–')} |")
    if rows:
        out += ["| brief | citations added | citations removed |", "| --- | --- | --- |", *_limited(rows), ""]
    else:
        out += ["No citation added or removed.", ""]

    out += _findings("Content check (`make check`)", base.lint, head.lint)
    out += _findings("Link check (`make linkcheck`)", base.links, head.links)

    out += ["### Page sizes", ""]
    heaviest = sorted(head_pages, key=lambda p: (-head_pages[p].stat().st_size, p))[:HEAVIEST]
    out += ["| page | before | after | change |", "| --- | ---: | ---: | ---: |"]
    for p in heaviest:
        after = head_pages[p].stat().st_size
        before = base_pages[p].stat().st_size if p in base_pages else 0
        out.append(f"| `{_cell(p)}` | {_size(before) if p in base_pages else 'new'} | {_size(after)} "
                   f"| {_delta(after - before)} |")
    total_before = sum(f.stat().st_size for f in base.site.rglob("*") if f.is_file())
    total_after = sum(f.stat().st_size for f in head.site.rglob("*") if f.is_file())
    out += [f"| whole site | {_size(total_before)} | {_size(total_after)} | {_delta(total_after - total_before)} |", ""]
    return "\n".join(out)


def read_tree(tree: Tree) -> Tree:
    tree.sources = read_sources(tree.root)
    tree.citations = read_citations(tree.root)
    tree.lint = read_lint(tree.root)
    tree.links = read_links(tree)
    return tree


def run(base_rev: str, head_site: Path | None, work: Path) -> str:
    try:
        commit = git("rev-parse", "--verify", "--quiet", f"{base_rev}^{{commit}}")
    except DiffError:
        raise DiffError(f"BASE {base_rev!r} is not a commit in this repository "
                        "(in a shallow clone, fetch it first: git fetch origin main)") from None
    short = git("rev-parse", "--short", commit)
    worktree = work / "base"
    git("worktree", "add", "--detach", "--force", str(worktree), commit)
    try:
        print(f"diff: building {base_rev} ({short})", file=sys.stderr)
        build(worktree, worktree / "output")
        base = read_tree(Tree(worktree, worktree / "output"))
        if head_site is None:
            head_site = work / "head"
            print("diff: building the working tree", file=sys.stderr)
            build(ROOT, head_site)
        head = read_tree(Tree(ROOT, head_site.resolve()))
        return report(base, head, f"{base_rev} ({short})" if base_rev != short else short)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT,
                       capture_output=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.sitediff", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="origin/main", help="the commit to compare with (default origin/main)")
    parser.add_argument("--head-site", type=Path,
                        help="an existing build of the working tree (default: build it afresh)")
    parser.add_argument("-o", "--output", type=Path, help="append the report to this file (e.g. $GITHUB_STEP_SUMMARY)")
    args = parser.parse_args(argv)
    if args.head_site is not None and not (args.head_site / "index.html").is_file():
        parser.error(f"--head-site {args.head_site}: no built site there (no index.html)")
    work = Path(tempfile.mkdtemp(prefix="sitediff-"))
    try:
        text = run(args.base, args.head_site, work)
    except DiffError as e:
        print(f"diff: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.output:
        with open(args.output, "a", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
