"""The story's threads, `content/threads.yaml`: which threads there are, in story order, and
the "start here" path for a newcomer. Validated with line numbers, like sources.yaml:

    start_here: [ceasefire-proposal, kremlin-conditions, us-peace-plan]
    threads:
      - id: ceasefire-push
        title: The 2025 ceasefire push
        summary: One plain sentence on what the thread follows.

A brief joins a thread with `Thread: <id>` in its front matter (check.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from citations.registry import _plain, compose
from problems import ERROR, WARNING, Problem, suggest

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
THREAD_FIELDS = ("id", "title", "summary")
MAX_SUMMARY = 300
MAX_START_HERE = 6  # a path, not a second index


@dataclass(frozen=True)
class Thread:
    id: str
    title: str
    summary: str
    line: int
    col: int
    position: int  # 0-based story order


@dataclass
class Threads:
    path: str
    present: bool = False  # a site without threads.yaml has no threads, and needs none
    threads: list = field(default_factory=list)  # [Thread] in story order
    start_here: list = field(default_factory=list)  # [(slug, line, col)]
    problems: list = field(default_factory=list)
    unreadable: bool = False

    def by_id(self) -> dict:
        return {t.id: t for t in self.threads}


def load(path: str, display: str | None = None) -> Threads:
    reg = Threads(display or path)

    def problem(line, col, message, level=ERROR):
        reg.problems.append(Problem(reg.path, line, col, level, message, "threads"))

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return reg
    reg.present = True
    root, refused = compose(text, "the threads file")
    if refused:
        problem(*refused)
        reg.unreadable = True
        return reg
    if not isinstance(root, yaml.MappingNode):
        problem(1 if root is None else root.start_mark.line + 1, 1,
                "expected 'threads:' (a list of threads) and optionally 'start_here:' (a list of brief slugs)")
        reg.unreadable = True
        return reg
    sections = {}
    for key, value in root.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if name not in ("threads", "start_here"):
            problem(key.start_mark.line + 1, key.start_mark.column + 1,
                    f"unknown key {name!r}{suggest(str(name), ('threads', 'start_here'))}: expected 'threads' or 'start_here'")
            continue
        sections[name] = value
    if "threads" not in sections:
        problem(1, 1, "missing 'threads:': expected a list of threads, each with id, title and summary")
        reg.unreadable = True
        return reg
    _read_threads(reg, sections["threads"], problem)
    if "start_here" in sections:
        _read_start_here(reg, sections["start_here"], problem)
    return reg


def _read_threads(reg: Threads, node, problem) -> None:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        problem(node.start_mark.line + 1, node.start_mark.column + 1, "'threads' expected a list of threads")
        reg.unreadable = True
        return
    seen = {}
    for entry in node.value:
        line, col = entry.start_mark.line + 1, entry.start_mark.column + 1
        if not isinstance(entry, yaml.MappingNode):
            problem(line, col, "expected a thread (a mapping with id, title and summary)")
            continue
        fields, where = {}, {}
        for key, value in entry.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name not in THREAD_FIELDS:
                problem(key.start_mark.line + 1, key.start_mark.column + 1,
                        f"unknown field {name!r}{suggest(str(name), THREAD_FIELDS)}: a thread has id, title and summary")
                continue
            fields[name] = _plain(value)
            where[name] = (value.start_mark.line + 1, value.start_mark.column + 1)
        missing = [name for name in THREAD_FIELDS if not (isinstance(fields.get(name), str) and fields[name].strip())]
        for name in missing:
            problem(*where.get(name, (line, col)), f"thread: '{name}' expected text")
        if missing:
            continue
        tid = fields["id"]
        if not ID_RE.match(tid):
            problem(*where["id"], f"invalid thread id '{tid}': expected lowercase words joined by '-'")
            continue
        if tid in seen:
            problem(*where["id"], f"duplicate thread id '{tid}' (first defined on line {seen[tid]})")
            continue
        if len(fields["summary"]) > MAX_SUMMARY:
            problem(*where["summary"], f"thread '{tid}': summary is {len(fields['summary'])} characters: "
                    f"keep it to one sentence under {MAX_SUMMARY}")
        seen[tid] = line
        reg.threads.append(Thread(tid, fields["title"].strip(), fields["summary"].strip(), line, col,
                                  len(reg.threads)))


def _read_start_here(reg: Threads, node, problem) -> None:
    if not isinstance(node, yaml.SequenceNode) or not all(isinstance(v, yaml.ScalarNode) for v in node.value):
        problem(node.start_mark.line + 1, node.start_mark.column + 1, "'start_here' expected a list of brief slugs")
        return
    seen = set()
    for item in node.value:
        line, col = item.start_mark.line + 1, item.start_mark.column + 1
        if item.value in seen:
            problem(line, col, f"'{item.value}' is already on the start-here path")
            continue
        seen.add(item.value)
        reg.start_here.append((item.value, line, col))
    if len(reg.start_here) > MAX_START_HERE:
        problem(node.start_mark.line + 1, node.start_mark.column + 1,
                f"the start-here path has {len(reg.start_here)} briefs: keep it to {MAX_START_HERE} or fewer, "
                "the few a newcomer reads first", WARNING)
