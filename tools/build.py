"""`make html` / `make publish`: build the site into a staging folder and swap it
in for output/ only when everything succeeded.

Exit status: 0 built; 1 the content has problems (each printed as
`path:line:col: [error] message (rule)`) or the build failed; 130 interrupted.
A failed or interrupted build leaves output/ exactly as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "plugins"))

from problems import WARNING, ContentError, Problem, carried, collected, format_problems  # noqa: E402

from tools import atomic, search_index  # noqa: E402
from tools.lint import BUILD_SKIPS, lint  # noqa: E402

log = logging.getLogger("build")


class ErrorCounter(logging.Handler):
    """Pelican logs some failures (an unreadable file, a broken template) and goes
    on without that page; for us any logged error fails the build."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def setup_logging(verbose: bool) -> ErrorCounter:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s", stream=sys.stderr)
    counter = ErrorCounter()
    logging.getLogger().addHandler(counter)
    return counter


def run_pelican(settings_file: str, output: str, overrides: dict | None = None) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(settings_file, override={"OUTPUT_PATH": output, **(overrides or {})})
    Pelican(settings).run()


TIMINGS: dict[str, float] = {}  # seconds per phase of the last build, for --timings


@contextlib.contextmanager
def timed(phase: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMINGS[phase] = TIMINGS.get(phase, 0.0) + time.perf_counter() - start


def cache_settings(output: str, use_cache: bool = True) -> dict:
    """The content cache and the reused pages (plugins/speed) live beside output/, in
    `.cache/build-<output name>/`, so each output folder has its own."""
    if not use_cache:
        return {"LOAD_CONTENT_CACHE": False, "CACHE_CONTENT": False, "SPEED_REUSE_PAGES": False}
    parent, name = atomic.split(output)
    return {"CACHE_PATH": os.path.join(parent, ".cache", f"build-{name}")}


def lint_cache(output: str) -> str:
    """The lint's per-file results (tools/lint/cache.py), beside the build's cache."""
    parent, name = atomic.split(output)
    return os.path.join(parent, ".cache", f"lint-{name}")


def build(settings_file: str, output: str, overrides: dict | None = None, post_steps=(),
          use_cache: bool = True, wait_cleanup: bool = True, found: list[Problem] = ()) -> list[Problem] | None:
    """Build into a staging folder, run `post_steps(folder)`, then publish it.

    Returns None on success or the problems that stopped the build; output/ is
    untouched unless the build succeeded. Errors in `found` (problems found before
    the build) stop it as the plugins' own do, once every document is read, so the
    plugins' problems are listed with them. Builds of one output take turns (a lock);
    staging folders of a killed build are removed first. With `wait_cleanup=False`
    the previous output is deleted in the background once the new one is in place."""
    with atomic.locked(output):
        atomic.remove_stale(output)
        staged = atomic.staging_dir(output)
        try:
            errors = [p for p in found if p.level != WARNING]
            with timed("pelican"), carried(errors):
                run_pelican(settings_file, staged, {**cache_settings(output, use_cache), **(overrides or {})})
            if errors:  # settings without the problems plugin: nothing stopped Pelican
                raise ContentError(errors)
            for step in post_steps:
                function = getattr(step, "func", step)  # a functools.partial is named after its function
                named = getattr(function, "__name__", "<lambda>") != "<lambda>"
                with timed(function.__module__.rpartition(".")[2] if named else "post-steps"):
                    step(staged)
        except ContentError as e:
            atomic.discard(staged)
            return e.problems
        except BaseException:
            atomic.discard(staged)
            raise
        with timed("publish"):
            atomic.publish(staged, output, wait=wait_cleanup)
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="build", description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument("--content", help="content folder to build instead of the settings' PATH")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the content cache and reused pages (a cold build)")
    parser.add_argument("--timings", action="store_true", help="print how long each phase took")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    counter = setup_logging(args.verbose)
    started = time.monotonic()
    try:
        overrides = {"PATH": os.path.abspath(args.content)} if args.content else None
        # The search index is built on the staged site, so it ships (or fails) with it.
        post_steps = (lambda _: _raise_logged(counter), search_index.step(args.settings))
        # The checks of `make check`, so a build never publishes what they reject: the
        # lint's own rules here, on the Markdown; the rest the plugins run while
        # Pelican reads (each brief is converted once, and cached).
        with timed("checks"):
            checked = lint(args.settings, args.content, skip=BUILD_SKIPS, build_checks=False,
                           cache_dir=lint_cache(args.output) if not args.no_cache else None)
        problems = build(args.settings, args.output, overrides, post_steps=post_steps,
                         use_cache=not args.no_cache, wait_cleanup=False, found=checked.problems)
    except KeyboardInterrupt:
        print("build: interrupted; output/ left as it was", file=sys.stderr)
        return 130
    except (LoggedErrors, search_index.SearchIndexError) as e:
        print(f"build failed: {e}; {display_path(args.output)}/ left as it was", file=sys.stderr)
        return 1
    warnings = sorted({p for p in collected() if p.level == WARNING} | set(checked.warnings))
    if warnings:
        print(format_problems(warnings), file=sys.stderr)
    shown = display_path(args.output)
    if problems:
        print(format_problems(problems), file=sys.stderr)
        count = len(problems)
        print(f"build failed: {count} problem{'s' * (count != 1)}; {shown}/ left as it was", file=sys.stderr)
        return 1
    print(f"built {shown}/ in {time.monotonic() - started:.1f}s", file=sys.stderr)
    if args.timings:
        print("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in TIMINGS.items()), file=sys.stderr)
    return 0


def display_path(path: str) -> str:
    rel = os.path.relpath(os.path.abspath(path))
    return path.rstrip("/") if rel.startswith("..") else rel


class LoggedErrors(Exception):
    pass


def _raise_logged(counter: ErrorCounter) -> None:
    if counter.messages:
        raise LoggedErrors(f"{len(counter.messages)} error(s) logged above")


if __name__ == "__main__":
    sys.exit(main())
