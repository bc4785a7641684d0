"""Briefs against the threads file: every brief in a known thread, every start-here slug a
brief. A pure function over (source_file, kind, header), so `make check` and the build say
the same thing at the same place."""

from __future__ import annotations

from problems import ERROR, WARNING, Problem, suggest

from .registry import Threads


def check(docs, threads: Threads) -> list[Problem]:
    problems = []
    briefs = [d for d in docs if d.kind == "brief"]
    ids = [t.id for t in threads.threads]
    used = set()
    for doc in briefs:
        value, line = doc.header.get("thread", ("", 0))
        if not threads.present:
            if value:
                problems.append(Problem(doc.source_file, line, 1, ERROR,
                                        f"'Thread: {value}' names a thread, but there is no threads file "
                                        f"({threads.path}) that defines threads", "threads"))
            continue
        if threads.unreadable:
            continue  # the file's own problem says why; "unknown thread" everywhere would bury it
        if not value:
            problems.append(Problem(doc.source_file, line or 1, 1, ERROR,
                                    f"missing required field 'Thread:': expected one of: {', '.join(ids)} "
                                    f"(the threads are defined in {threads.path})", "threads"))
        elif value not in ids:
            problems.append(Problem(doc.source_file, line, 1, ERROR,
                                    f"unknown thread '{value}'{suggest(value, ids)}: expected one of: "
                                    f"{', '.join(ids)}", "threads"))
        else:
            used.add(value)
    if not threads.present or threads.unreadable:
        return problems
    slugs = sorted(d.header.get("slug", ("", 0))[0] for d in briefs)
    for slug, line, col in threads.start_here:
        if slug not in slugs:
            problems.append(Problem(threads.path, line, col, ERROR,
                                    f"unknown brief '{slug}' on the start-here path{suggest(slug, slugs)}", "threads"))
    for thread in threads.threads:
        if thread.id not in used:
            problems.append(Problem(threads.path, thread.line, thread.col, WARNING,
                                    f"thread '{thread.id}' has no brief: give a brief 'Thread: {thread.id}', "
                                    "or remove the thread", "threads"))
    return problems
