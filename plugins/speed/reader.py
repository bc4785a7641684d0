"""Pelican's Markdown reader, faster, with the same HTML.

- One `Markdown` object per process, `reset()` between files. Pelican builds a new one,
  every extension included, for each file: about a tenth of the reading time.
- On a cold build, worker processes convert part of the files the content cache does
  not have, while this process converts the rest in the order Pelican asks for them.
  With two cores, reading takes about half as long. The workers are forked after
  every plugin has added its extension, so they run the very same Markdown settings.
- In a process that builds again and again (SPEED_MEMORY), what each file converted
  to stays in memory, so Pelican's cache file need not be read and written each time.

`tests/test_speed.py` checks that both readers give the same HTML and metadata.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import signal
import threading

from markdown import Markdown
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader
from pelican.utils import SafeDatetime, pelican_open

from problems import META_KEY

log = logging.getLogger(__name__)

MIN_FILES = 40  # below this a pool costs more than it saves
STALL_SECONDS = 120  # a worker that gives nothing back for this long is given up on

_worker_markdown: Markdown | None = None
_worker_settings: dict | None = None


def convert(md: Markdown, path: str) -> tuple[str, dict]:
    """(html, Meta as written) for one file with a reusable Markdown object.

    A file that is not UTF-8, or nested too deeply for Python-Markdown's recursion,
    gives no HTML and a located problem (see `problems.META_KEY`) instead of an
    exception Pelican would log without a line number."""
    md.reset()
    try:
        with pelican_open(path) as text:
            html = md.convert(text)
    except UnicodeDecodeError as e:
        return _unreadable(path, e)
    except RecursionError:
        md.reset()
        return _refused(path, 1, 1, "size", "too deeply nested to convert: flatten the nested lists or quotes")
    meta = getattr(md, "Meta", None) or {}
    return html, {key: list(values) for key, values in meta.items()}


def _refused(path: str, line: int, col: int, rule: str, message: str, text: str | None = None) -> tuple[str, dict]:
    """No HTML; the front matter as written (so the document keeps its title and slug)
    and the problem."""
    from briefs.frontmatter import STOPPED, read_header
    from problems import encode

    if text is None:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    meta = {key: [value] for key, (value, _line) in read_header(text).items() if key != STOPPED}
    meta[META_KEY] = [encode(line, col, "error", rule, message)]
    return "", meta


def _unreadable(path: str, error: UnicodeDecodeError) -> tuple[str, dict]:
    with open(path, "rb") as f:
        data = f.read()
    start = error.start
    line = data.count(b"\n", 0, start) + 1
    col = start - (data.rfind(b"\n", 0, start) + 1) + 1
    bad = data[start : start + 1].hex()
    return _refused(path, line, col, "encoding",
                    f"not valid UTF-8 (byte 0x{bad}): save the file as UTF-8",  # the lint's words
                    data.decode("utf-8", "replace"))


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_FIELDS = ("date", "modified")


class SharedMarkdownReader(MarkdownReader):
    """MarkdownReader with one Markdown object, and results a worker pool made ahead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._body_md: Markdown | None = None
        self._field_md: Markdown | None = None

    def read(self, source_path):
        self._source_path = source_path
        done = MEMORY.get(source_path) or PREFETCH.take(source_path)
        if done is None:
            if self._body_md is None:
                self._body_md = Markdown(**self.settings["MARKDOWN"])
            done = convert(self._body_md, source_path)
            if not done[0] and done[1].get(META_KEY):
                self._body_md = None  # after an error, start the next file afresh
        MEMORY.put(source_path, done)
        html, meta = done
        return html, self._parse_metadata(meta)

    def process_metadata(self, name, value):
        # A plain ISO day (every brief's Date) is read directly: Pelican hands it to dateutil's
        # general parser, which gives the same midnight datetime more slowly.
        if name in _DATE_FIELDS and isinstance(value, str) and _ISO_DAY.match(value):
            try:
                return SafeDatetime.fromisoformat(value)
            except ValueError:
                pass  # not a calendar day: Pelican's own parser says so, as before
        return super().process_metadata(name, value)

    def _parse_metadata(self, meta):
        # Pelican 4.12's, except that it never deregisters `meta` from the shared
        # object: fields are converted by a second object made without it.
        formatted_fields = self.settings["FORMATTED_FIELDS"]
        output = {}
        for name, value in meta.items():
            name = name.lower()
            if name in formatted_fields:
                if self._field_md is None:
                    self._field_md = Markdown(**self.settings["MARKDOWN"])
                    self._field_md.preprocessors.deregister("meta")
                self._field_md.reset()
                output[name] = self.process_metadata(name, self._field_md.convert("\n".join(value)))
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    log.warning("Duplicate definition of `%s` for %s. Using first one.", name, self._source_path)
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output


# --- the worker pool ---------------------------------------------------------------

def _worker_init():
    # Ctrl-C in a terminal reaches the whole process group: let the main process
    # handle it (it exits 130 and ends the pool), not every worker with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_convert(paths: list[str]) -> list[tuple[str, tuple | None]]:
    global _worker_markdown
    if _worker_markdown is None:
        _worker_markdown = Markdown(**_worker_settings)
    out = []
    for path in paths:
        try:
            out.append((path, convert(_worker_markdown, path)))
        except Exception:  # noqa: BLE001 - the main process reads it again and reports it as Pelican does
            _worker_markdown = Markdown(**_worker_settings)
            out.append((path, None))
    return out


class Prefetch:
    """Files handed to worker processes, and what came back."""

    def __init__(self):
        self.pool = None
        self.pending: set[str] = set()
        self.results: dict[str, tuple | None] = {}
        self.cond = threading.Condition()

    def start(self, settings, paths: list[str], workers: int) -> None:
        """Give the last (workers-1)/workers of `paths` to workers-1 forked processes."""
        global _worker_settings
        self.stop()
        if workers < 2 or len(paths) < MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
            return
        own = len(paths) // workers
        share = paths[own:]
        _worker_settings = settings["MARKDOWN"]
        self.pool = multiprocessing.get_context("fork").Pool(workers - 1, initializer=_worker_init)
        self.pending = set(share)
        chunk = 8
        for i in range(0, len(share), chunk):
            part = share[i : i + chunk]
            self.pool.apply_async(_worker_convert, (part,), callback=self._done,
                                  error_callback=lambda _e, part=part: self._done([(p, None) for p in part]))
        self.pool.close()
        log.debug("speed: %d of %d files to %d worker(s)", len(share), len(paths), workers - 1)

    def _done(self, items) -> None:
        with self.cond:
            for path, result in items:
                self.results[path] = result
            self.cond.notify_all()

    def take(self, path: str):
        """The worker's (html, meta) for `path`, waiting for it if need be; None when
        this process should convert it itself."""
        if path not in self.pending:
            return None
        with self.cond:
            waited = 0.0
            while path not in self.results and waited < STALL_SECONDS:
                before = len(self.results)
                self.cond.wait(timeout=1.0)
                waited = 0.0 if len(self.results) != before else waited + 1.0
            self.pending.discard(path)
            result = self.results.pop(path, None)
        if not self.pending:
            self.stop()
        return result

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
        with self.cond:
            self.pending.clear()
            self.results.clear()


PREFETCH = Prefetch()


def uncached_markdown_files(generators_files: list[tuple[object, list[str]]]) -> list[str]:
    """Absolute paths, in reading order, of the Markdown files whose HTML the
    content cache does not hold."""
    paths = []
    for generator, files in generators_files:
        extensions = tuple(f".{ext}" for ext in MarkdownReader.file_extensions)
        for f in files:
            if not f.endswith(extensions):
                continue
            path = os.path.abspath(os.path.join(generator.path, f))
            if MEMORY.get(path) is None and generator.readers.get_cached_data(path, None) is None:
                paths.append(path)
    return paths


class Memory:
    """For a process that builds again and again (a development server): what each
    file converted to, kept in memory by (modification time, size, inode), for the
    code and settings of one fingerprint. Off (`fingerprint` None) unless SPEED_MEMORY."""

    def __init__(self):
        self.fingerprint: str | None = None
        self.files: dict[str, tuple[tuple, tuple]] = {}

    def use(self, fingerprint: str | None) -> None:
        if fingerprint != self.fingerprint:
            self.files.clear()
        self.fingerprint = fingerprint

    @staticmethod
    def _stamp(path: str):
        st = os.stat(path)
        return st.st_mtime_ns, st.st_size, st.st_ino

    def get(self, path: str):
        if self.fingerprint is None:
            return None
        found = self.files.get(path)
        try:
            return found[1] if found and found[0] == self._stamp(path) else None
        except OSError:
            return None

    def put(self, path: str, done: tuple) -> None:
        if self.fingerprint is not None:
            try:
                self.files[path] = (self._stamp(path), done)
            except OSError:
                pass


MEMORY = Memory()


def workers(settings) -> int:
    value = settings.get("SPEED_WORKERS")
    if value is None:
        try:
            value = len(os.sched_getaffinity(0))
        except AttributeError:
            value = os.cpu_count() or 1
    return max(1, int(value))

