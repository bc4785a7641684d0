"""`make check` / `python -m tools.lint [FILE ...]`

Prints one line per problem, `path:line:col: [level] message (rule)` (yamllint's
layout, which editors and `grep` understand), or GitHub annotations when
GITHUB_ACTIONS=true. FILEs limit the report to those files; the whole content is
still read, since cross-links and citations need it.

Exit status: 0 no problems or only warnings; 1 errors; 2 warnings with --strict, or a
usage error (a FILE that does not exist, a negative --max-age-days, no settings file).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# The fenced_code extension imports Pygments for highlighting, and Pygments scans every
# installed package's metadata for plugins: a fifth of the lint's time, for code blocks
# whose colours the lint never looks at. A standalone `make check` goes without it
# (a build, which runs the lint in its own process, keeps it).
sys.modules.setdefault("pygments", None)

from problems import format_problems  # noqa: E402

from . import HERE, lint  # noqa: E402


def main(argv=None) -> int:
    started = time.monotonic()
    parser = argparse.ArgumentParser(prog="python -m tools.lint", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="report only problems in these files")
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 2)")
    parser.add_argument("--settings", help="settings file (default: pelicanconf.py here, else the project's)")
    parser.add_argument("--content", help="content folder instead of the settings' PATH")
    parser.add_argument("--max-age-days", type=int, metavar="N",
                        help="warn when a brief's As_of is older than N days (default: LINT_MAX_AGE_DAYS)")
    parser.add_argument("--format", choices=("auto", "text", "github"), default="auto",
                        help="auto: GitHub annotations when GITHUB_ACTIONS=true, else text")
    parser.add_argument("--quotes", action="store_true",
                        help="also list every quote and whether it was checked against its source")
    args = parser.parse_args(argv)
    if args.max_age_days is not None and args.max_age_days < 0:
        parser.error(f"--max-age-days expects a number of days, 0 or more, not {args.max_age_days}")
    missing = [f for f in args.files if not os.path.exists(f)]
    if missing:
        parser.error(f"no such file: {missing[0]} (give Markdown files under content/, or none for all)")

    settings = args.settings or ("pelicanconf.py" if os.path.isfile("pelicanconf.py")
                                 else os.path.join(HERE, "pelicanconf.py"))
    if not os.path.isfile(settings):
        print(f"check: settings file not found: {settings}", file=sys.stderr)
        return 2
    result = lint(settings, args.content, max_age_days=args.max_age_days, quote_log=args.quotes)
    problems = result.problems
    if args.files:
        wanted = {os.path.normpath(os.path.relpath(f)) for f in args.files}
        problems = [p for p in problems if os.path.normpath(p.path) in wanted]

    if problems:
        if args.format == "github":
            print("\n".join(p.format_github() for p in problems))
        elif args.format == "text":
            print("\n".join(p.format() for p in problems))
        else:
            print(format_problems(problems))  # GitHub annotations when GITHUB_ACTIONS=true
    if args.quotes:
        for path, line, col, status, sources, text in result.quotes:
            print(f"{path}:{line}:{col}: {status} [{sources}] \u201c{' '.join(text.split())}\u201d")

    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    elapsed = time.monotonic() - started
    print(f"check: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
          f"in {result.documents} documents ({elapsed:.2f}s)", file=sys.stderr)
    if errors:
        return 1
    if warnings and args.strict:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
