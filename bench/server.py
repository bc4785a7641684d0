"""A build process that stays up, as a development server's would: imports, plugins,
compiled templates and the content already in memory; each build is what `make html`
does (checks, Pelican, search index, atomic publish), in process.

    python -m bench.server --settings pelicanconf.py --content C --output O

Reads one command per line on stdin: `build` builds and answers one JSON line on
stdout, `{"ok": true, "wall_s": 0.8, "cpu_s": 0.7, "phases": {"checks": 0.3, ...}}`;
end of input stops it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_once(settings: str, content: str, output: str) -> bool:
    from tools import build, search_index
    from tools.lint import BUILD_SKIPS, lint

    build.TIMINGS.clear()
    with build.timed("checks"):
        checked = lint(settings, content, skip=BUILD_SKIPS, build_checks=False, cache_dir=build.lint_cache(output))
    problems = build.build(
        settings, output, {"PATH": os.path.abspath(content), "SPEED_MEMORY": True},
        post_steps=(search_index.step(settings),), wait_cleanup=False, found=checked.problems,
    )
    return not problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--content", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    sys.path[:0] = [ROOT, os.path.join(ROOT, "plugins")]
    # Answers go to the real stdout; whatever else prints there (Pelican's summary
    # line) goes to stderr, so it cannot break the protocol.
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s: %(message)s", stream=sys.stderr)
    for line in sys.stdin:
        if line.strip() != "build":
            continue
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            ok = build_once(args.settings, args.content, args.output)
        except Exception as e:  # noqa: BLE001 - report and keep serving, as a dev server would
            print(f"bench.server: {type(e).__name__}: {e}", file=sys.stderr)
            ok = False
        from tools.build import TIMINGS

        answer = {"ok": ok, "wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
                  "phases": {k: round(v, 3) for k, v in TIMINGS.items()}}
        print(json.dumps(answer, sort_keys=True), file=answers, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
