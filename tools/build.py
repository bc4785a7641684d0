"""`make html` / `make publish`: build the site into a staging folder and swap it
in for output/ only when everything succeeded.

Steps: the lint's own rules on the Markdown; Pelican with the plugins (in a child
process, whose memory is returned before the next step); the search index (Pagefind),
started as soon as Pelican has written every page, while Pelican saves its caches; the
atomic swap. `--stay` keeps one process building on request: `make devserver`.

Exit status: 0 built; 1 the content has problems (each printed as
`path:line:col: [error] message (rule)`) or the build failed; 2 the output folder is
refused (it is or holds part of the project, or files no build made); 130 interrupted.
A failed or interrupted build leaves output/ exactly as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import logging
import os
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "plugins"))

from problems import WARNING, ContentError, Problem, carried, collected, format_problems, settle  # noqa: E402

from tools import atomic, search_index  # noqa: E402
from speed.beside import Beside  # noqa: E402
from tools.lint import BUILD_SKIPS, before_pelican, lint  # noqa: E402

log = logging.getLogger("build")


def output_folder(output: str, overrides: dict | None = None) -> str:
    """`output` checked by atomic.checked_output against the project's folders and the
    content being built; a symlink resolved to the folder it points to."""
    content = [(overrides or {})["PATH"]] if (overrides or {}).get("PATH") else []
    return atomic.checked_output(output, atomic.PROJECT_FOLDERS + content)


class KnownCauses(logging.Filter):
    """Pelican logs "Could not process briefs/x.md" or "Skipping …/x.md: could not find
    information about 'title'" when a file's front matter is broken. When the lint has
    already located the cause in that file, those lines only hide it: they are dropped
    (the build fails on the located problem all the same)."""

    def __init__(self):
        super().__init__()
        self.files: tuple = ()

    def filter(self, record) -> bool:
        if not self.files or record.levelno < logging.ERROR:
            return True
        message = record.getMessage()
        return not (message.startswith(("Could not process ", "Skipping "))
                    and any(f in message for f in self.files))


KNOWN_CAUSES = KnownCauses()


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
    for handler in logging.getLogger().handlers:
        handler.addFilter(KNOWN_CAUSES)
    return counter


def run_pelican(settings_file: str, output: str, overrides: dict | None = None) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(settings_file, override={"OUTPUT_PATH": output, **(overrides or {})})
    Pelican(settings).run()


class PelicanStopped(Exception):
    """Pelican crashed (the message holds its traceback) or its process was killed."""


def run_pelican_apart(settings_file: str, output: str, overrides: dict, counter: ErrorCounter,
                      on_pages=None) -> None:
    """`run_pelican` in a forked child process, as if it ran here.

    Why: after Pelican, the build runs Pagefind, which needs about 1 GB per part of
    the index; Python does not hand the memory of 10,000 documents (0.6 GB) back to
    the system, but an exiting process does. What the child found comes back through
    a pipe: the problems the plugins collected and the errors Pelican logged; a
    ContentError or Ctrl-C in the child is raised here, a crash becomes
    PelicanStopped with its traceback. `on_pages()` is called here as soon as the
    child has written every page (plugins/speed's `pages_written`), while it still
    saves its caches."""
    import pickle
    import signal
    import traceback

    from problems import restore
    from speed import PAGES_WRITTEN

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        gc.freeze()  # what the parent made (imports, the lint's results) is never garbage here: not walked again
        pipe = os.fdopen(write_end, "wb")

        def send(message) -> None:  # one message: its length, then its pickle
            data = pickle.dumps(message)
            pipe.write(len(data).to_bytes(8, "big") + data)
            pipe.flush()

        if on_pages is not None:
            PAGES_WRITTEN.connect(lambda _pelican: send(("pages", None)), weak=False)
        try:
            try:
                run_pelican(settings_file, output, overrides)
                late = [p for p in settle() if p.level != WARNING]
                outcome = ("problems", late) if late else ("ok", None)
            except ContentError as e:
                outcome = ("problems", e.problems)
            except KeyboardInterrupt:
                outcome = ("interrupted", None)
            except (OSError, ImportError) as e:  # the machine, not the content: one line says what
                outcome = ("environment", environment_fault(e))
            except BaseException:  # noqa: BLE001 - reported by the parent
                outcome = ("crash", traceback.format_exc().rstrip())
            send(("outcome", (outcome, collected(), counter.messages)))
            pipe.close()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
    os.close(write_end)
    answer = None
    try:
        with os.fdopen(read_end, "rb") as f:
            while answer is None and len(head := f.read(8)) == 8:
                size = int.from_bytes(head, "big")
                data = f.read(size)
                if len(data) < size:
                    break  # cut short: the child was killed while it wrote
                kind, value = pickle.loads(data)
                if kind == "pages":
                    on_pages()
                else:
                    answer = value
        _, status = os.waitpid(pid, 0)
    except BaseException:  # Ctrl-C here: stop the child before the staging folder goes
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    if answer is None:
        code = os.waitstatus_to_exitcode(status)
        cause = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        raise PelicanStopped(f"Pelican stopped before it finished ({cause}"
                             f"{'; out of memory?' if code == -signal.SIGKILL else ''})")
    (kind, value), found, messages = answer
    restore(found)
    counter.messages.extend(messages)
    if kind == "problems":
        raise ContentError(value)
    if kind == "interrupted":
        raise KeyboardInterrupt
    if kind == "environment":
        raise PelicanStopped(value)
    if kind == "crash":
        raise PelicanStopped(f"Pelican crashed:\n{value}\n")


def environment_fault(e: BaseException) -> str:
    """One line for a fault of the machine the build runs on: a full disk, a folder that is
    not writable, the Python environment changed under a running build."""
    if isinstance(e, ImportError):
        return (f"the Python environment changed during the build ({e}): "
                "run the command again (it sets up .venv/ first)")
    where = f" {e.filename}" if getattr(e, "filename", None) else ""
    return f"cannot write{where}: {e.strerror or e}"


TIMINGS: dict[str, float] = {}  # seconds per phase of the last build, for --timings
LINT_NICE = 10  # the lint beside Pelican yields the cores to it (see build_site)


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


def _lint_problems(settings_file: str, content: str | None, cache_dir: str | None) -> list[Problem]:
    """The lint's own rules, as a build runs them (without what the plugins check)."""
    return lint(settings_file, content, skip=BUILD_SKIPS, build_checks=False, cache_dir=cache_dir).problems


def search_cache(output: str) -> str:
    """The search index's parts (tools/search_index.py), beside the build's cache."""
    parent, name = atomic.split(output)
    return os.path.join(parent, ".cache", f"search-{name}")


class EarlyStep:
    """A last step on the staged site (the search index) that may start before Pelican has
    finished: as soon as every page is written, in a thread, while Pelican's process saves
    its caches. `step(folder, cancel=event)` must stop (raising) once `event` is set."""

    def __init__(self, step, staged: str):
        import threading

        self.step, self.staged = step, staged
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0

    def start(self) -> None:
        import threading

        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="early-step", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self.step(self.staged, cancel=self.cancel)
        except BaseException as e:  # noqa: BLE001 - raised by finish(), in the build's thread
            self.error = e
        finally:
            self.seconds = time.perf_counter() - started

    def finish(self) -> None:
        """Wait for it (run it now, if Pelican never said its pages were written); raise what it raised."""
        if self.thread is None:
            self._run()
        else:
            self.thread.join()
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        """Stop it and wait, so that nothing writes into a staging folder about to go."""
        self.cancel.set()
        if self.thread is not None:
            self.thread.join()


def build(settings_file: str, output: str, overrides: dict | None = None, post_steps=(),
          use_cache: bool = True, wait_cleanup: bool = True, found: list[Problem] = (),
          counter: ErrorCounter | None = None, later=None, last_step=None) -> list[Problem] | None:
    """Build into a staging folder, run `post_steps(folder)`, then `last_step(folder, cancel=...)`,
    then publish it.

    Returns None on success or the problems that stopped the build; output/ is
    untouched unless the build succeeded. Errors in `found` (problems found before
    the build) stop it as the plugins' own do, once every document is read, so the
    plugins' problems are listed with them; so do those `later()` gives, asked for once
    Pelican has read every document (checks that ran beside it). Builds of one output take turns (a lock);
    staging folders of a killed build are removed first. With `wait_cleanup=False`
    the previous output is deleted in the background once the new one is in place.
    With a `counter` (the command line), Pelican runs in a child process
    (`run_pelican_apart`), and `last_step` starts as soon as that child has written every
    page (`EarlyStep`); without, Pelican runs here (a build process keeps what it read).
    Raises atomic.UnsafeOutput, before anything is written, for an output folder that
    is not the build's to replace."""
    output = output_folder(output, overrides)
    with atomic.locked(output):
        atomic.remove_stale(output, wait=wait_cleanup)
        staged = atomic.staging_dir(output)
        early = EarlyStep(last_step, staged) if last_step is not None else None
        try:
            errors = [p for p in found if p.level != WARNING]
            with timed("pelican"), carried(errors, later):
                settings = {**cache_settings(output, use_cache), **(overrides or {})}
                if counter is not None and hasattr(os, "fork"):
                    run_pelican_apart(settings_file, staged, settings, counter,
                                      on_pages=early.start if early is not None else None)
                else:
                    run_pelican(settings_file, staged, settings)
                    errors += [p for p in settle() if p.level != WARNING]
            if errors:  # settings without the problems plugin: nothing stopped Pelican
                raise ContentError(errors)
            for step in post_steps:
                with timed(_phase_name(step)):
                    step(staged)
            if early is not None:
                with timed("waited"):
                    early.finish()
                TIMINGS[_phase_name(last_step)] = early.seconds
        except ContentError as e:
            if early is not None:
                early.abandon()
            atomic.discard(staged)
            return e.problems
        except BaseException:
            if early is not None:
                early.abandon()
            atomic.discard(staged)
            raise
        with timed("publish"):
            with open(os.path.join(staged, atomic.MARKER), "w", encoding="utf-8") as marker:
                marker.write("Made by `make html`: a build replaces this whole folder.\n")
            atomic.publish(staged, output, wait=wait_cleanup)
    return None


def _phase_name(step) -> str:
    """A post-step's name in --timings: its module's (search_index), a method's own."""
    function = getattr(step, "func", step)  # a functools.partial is named after its function
    name = getattr(function, "__name__", "<lambda>")
    if name == "<lambda>":
        return "post-steps"
    return name if hasattr(function, "__self__") else function.__module__.rpartition(".")[2]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="build", description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument("--content", help="content folder to build instead of the settings' PATH")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the content cache and reused pages (a cold build)")
    parser.add_argument("--timings", action="store_true", help="print how long each phase took")
    parser.add_argument("--stay", action="store_true",
                        help="a build process (make devserver): build on each line 'build' read from stdin, "
                        "answer one JSON line each on stdout")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    counter = setup_logging(args.verbose)
    if args.stay:
        return stay(args, counter)
    code, report = build_site(args, counter)
    print(report, file=sys.stderr)
    return code


def build_site(args, counter: ErrorCounter, search=None, beside: bool = True) -> tuple[int, str]:
    """One build, as `make html` runs it: (exit status, what to tell the user).

    `search`: None builds the search index on the staged site, so it ships (or fails)
    with it; a `BackgroundSearch` (a build process) publishes the last index instead
    and refreshes it after. `beside`: the lint in a child process beside Pelican (False:
    in this process, at `get_writer`, so that what it learns stays here: the first
    build of a build process)."""
    started = time.monotonic()
    TIMINGS.clear()
    counter.messages.clear()
    lines: list[str] = []
    try:
        overrides = {"PATH": os.path.abspath(args.content)} if args.content else {}
        output_folder(args.output, overrides)  # before the lint writes its cache beside it
        if search is not None:
            search.stop()
            overrides["SPEED_MEMORY"] = True  # what each file converted to stays in this process
            # The last search index now; a new one is made after publishing.
            post_steps, last_step = (lambda _: _raise_logged(counter), search.carry_over), None
        else:  # the search index starts as soon as Pelican has written the pages
            post_steps = (lambda _: _raise_logged(counter),)
            last_step = search_index.step(args.settings, cache=None if args.no_cache else search_cache(args.output))
        # The checks of `make check`, so a build never publishes what they reject: the
        # lint's own rules on the Markdown, the rest the plugins run while Pelican reads
        # (each brief is converted once, and cached). What Pelican needs to know first is
        # checked here; the rest of the lint runs beside Pelican, on the other core, and
        # its problems count at `get_writer`, before anything is written.
        with timed("checks"):
            checked = before_pelican(args.settings, args.content)
        rest_of_lint = functools.partial(
            _lint_problems, args.settings, args.content, lint_cache(args.output) if not args.no_cache else None)
        unreadable = [p for p in checked.problems if p.rule == "file" and p.level != WARNING]
        if unreadable:  # Pelican would open them: a FIFO hangs, /dev/zero fills memory
            shown = display_path(args.output)
            return 1, "\n".join([format_problems(unreadable),
                                 f"build failed: {len(unreadable)} problem{'s' * (len(unreadable) != 1)}; "
                                 f"{shown}/ left as it was"])
        overrides["BUILD_SLUGS"] = sorted(checked.slugs)  # plugins/crosslinks: files Pelican may drop
        KNOWN_CAUSES.files = tuple(sorted({p.path.split("/", 1)[-1] for p in checked.problems
                                           if p.level != WARNING and p.rule == "front-matter"}))
        # At a lower priority: on a cold build both cores are busy converting Markdown while
        # the lint runs, and its 1.5 s of CPU slowed that down; niced, it mostly waits for the
        # core that Pelican leaves idle while the plugins work, before `get_writer` asks for it
        # (cold build 13.45 -> 12.35 s, median of four interleaved pairs; rebuilds unchanged).
        lint_job = Beside(rest_of_lint, nice=LINT_NICE) if beside else None
        try:
            problems = build(args.settings, args.output, overrides or None, post_steps=post_steps,
                             use_cache=not args.no_cache, wait_cleanup=False, found=checked.problems,
                             counter=counter if search is None else None,
                             later=lint_job.result if lint_job else rest_of_lint, last_step=last_step)
        finally:
            if lint_job:
                lint_job.close()
    except KeyboardInterrupt:
        if search is not None:
            raise
        return 130, "build: interrupted; output/ left as it was"
    except atomic.UnsafeOutput as e:
        return 2, f"build: refused: {e}"
    except (OSError, ImportError) as e:  # e.g. no room for the staging folder, output/'s folder read-only
        return 1, f"build failed: {environment_fault(e)}; {display_path(args.output)}/ left as it was"
    except (LoggedErrors, PelicanStopped, search_index.SearchIndexError) as e:
        return 1, f"build failed: {e}; {display_path(args.output)}/ left as it was"
    warnings = sorted({p for p in collected() if p.level == WARNING} | set(checked.warnings))
    if warnings:
        lines.append(format_problems(warnings))
    shown = display_path(args.output)
    if problems:
        count = len(problems)
        lines.append(format_problems(problems))
        lines.append(f"build failed: {count} problem{'s' * (count != 1)}; {shown}/ left as it was")
        return 1, "\n".join(lines)
    lines.append(f"built {shown}/ in {time.monotonic() - started:.1f}s")
    if search is not None:
        search.start()
        lines.append("search index: refreshing in the background")
    if args.timings:
        lines.append("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in TIMINGS.items()))
    return 0, "\n".join(lines)


def stay(args, counter: ErrorCounter) -> int:
    """Build on every line `build` on stdin; answer each with one JSON line on stdout:
    {"ok", "code", "log", "wall_s", "cpu_s", "phases"}. `wait` answers once the search
    index of the last build is in place: {"ok", "log", "wall_s"}.

    Imports, compiled templates and what each file converted to stay in memory between
    builds, and the search index is refreshed in the background (BackgroundSearch).
    Plugin code is imported once: the development server starts a new process when it
    changes."""
    import json
    import traceback

    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # what else prints to stdout (Pelican's summary) cannot break the protocol
    search = BackgroundSearch(args.output, search_index.step(args.settings, cache=search_cache(args.output)))
    captured = CapturedLog()
    built = False  # the first build lints here, so later ones fork with what it learned (word stems...)
    logging.getLogger().addHandler(captured)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "wait":  # until the search index is refreshed (benchmarks, tests)
                started = time.perf_counter()
                search.wait()
                answer = {"ok": not search.failure, "log": search.failure,
                          "wall_s": round(time.perf_counter() - started, 3)}
                print(json.dumps(answer, sort_keys=True), file=answers, flush=True)
                continue
            if command != "build":
                continue
            wall, cpu = time.perf_counter(), time.process_time()
            captured.lines.clear()
            # No garbage collection during a build: each full collection walks every object this
            # process keeps (all it converted), a fifth of a rebuild at 1,000 briefs. A build's
            # garbage is collected once it has answered, while the editor looks at the page.
            gc.disable()
            try:
                code, report = build_site(args, counter, search, beside=built)
                built = True
            except Exception:  # noqa: BLE001 - report it as the command line would, and stay up
                code, report = 1, traceback.format_exc().rstrip()
            finally:
                gc.enable()
            log = "\n".join(captured.lines + ([search.failure] if search.failure else []) + [report])
            answer = {"ok": code == 0, "code": code, "log": log, "wall_s": round(time.perf_counter() - wall, 3),
                      "cpu_s": round(time.process_time() - cpu, 3),
                      "phases": {k: round(v, 3) for k, v in TIMINGS.items()}}
            print(json.dumps(answer, sort_keys=True), file=answers, flush=True)
            gc.collect()
    finally:
        search.stop()
    return 0


class CapturedLog(logging.Handler):
    """Pelican's warnings and errors of one build, for the answer of a build process."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


class BackgroundSearch:
    """The search index of a build process: each build is published with the last
    index (hard links into the staged site), then Pagefind indexes the published site
    in a thread and the new index is swapped in (atomically, as a build is). A new
    build first stops a refresh that has not finished. So a preview never waits for
    Pagefind (0.5 s at 1,000 briefs after one edit: it indexes again only the part that
    holds the changed pages); its search results may be one save behind for that long."""

    def __init__(self, output: str, index):
        import threading

        self.output, self.index = os.path.abspath(output), index
        self.cancel = threading.Event()
        self.thread = None
        self.failure = ""

    def carry_over(self, staged: str) -> None:
        import shutil

        previous = os.path.join(self.output, "pagefind")
        if os.path.isdir(previous):
            shutil.copytree(previous, os.path.join(staged, "pagefind"), copy_function=os.link)

    def start(self) -> None:
        import threading

        self.cancel = threading.Event()
        self.thread = threading.Thread(target=self._refresh, args=(self.cancel,), name="search-index", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.cancel.set()
        self.wait()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def _refresh(self, cancel) -> None:
        target = os.path.join(self.output, "pagefind")
        bundle = atomic.staging_dir(target)  # inside output/: the swap is a rename
        try:
            self.index(self.output, bundle=bundle, cancel=cancel)
            with atomic.locked(self.output):
                if not cancel.is_set():
                    atomic.publish(bundle, target)
                    bundle = None
            self.failure = ""
        except search_index.Cancelled:
            pass
        except (search_index.SearchIndexError, OSError) as e:
            self.failure = f"search index: {e}"
        finally:
            if bundle:
                atomic.discard(bundle)


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
