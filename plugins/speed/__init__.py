"""Build speed, without changing a byte of the output.

- Markdown (reader.py): one Markdown object per process instead of one per file, and
  on a cold build worker processes convert part of the files.
- URLs: Pelican computes a document's `url` from the settings on every access (each
  `{filename}` link, each "Linked from" entry a template lists). Once every document
  is read they cannot change, so each is computed once (`freeze_urls`).
- Slugs: Pelican makes a new category object for each document that names the
  category, and slugifies its name again for each (`remember_slugs`); it computes a
  document's path relative to the content folder for every URL it works out, five per
  document (`remember_relative_paths`).
- File stamps: Pelican hashes each source file four times a build to check its caches;
  once is enough (`remember_file_stamps`).
- Pages (writer.py): a brief or page whose template inputs are unchanged since the last
  build is not rendered again; its last HTML is reused.
- Content cache: Pelican's cache is keyed by file only, not by the code and settings
  that made the HTML. Its folder is named after a fingerprint of those
  (fingerprint.py), so a cache made by other code is never read.

Signals:
- `initialized`: move CACHE_PATH into the fingerprint's folder; open the page store;
  keep compiled templates there (Jinja's bytecode cache).
- `readers_init`: put our Markdown reader in place of Pelican's.
- `page_generator_init`: both generators know their files: start the workers.
- `all_generators_finalized` (connected first, so later plugins get cheap URLs):
  freeze URLs; the workers are done.
- `get_writer`: the writer that reuses pages (and applies other plugins' page
  filters, `ReusingWriter.filters`).
- `finalized`: render the pages put off (writer.py), then send `pages_written`, then
  keep the pages this build used, drop the rest.

Sends `pages_written` (a blinker signal, `PAGES_WRITTEN`) once every page is in the
output folder and before this plugin saves its caches: the build (tools/build.py) starts
the search index then, beside what is left of Pelican's work. Connected first among the
plugins, `finalized` comes here before any other plugin's; theirs write no page (the
sitemap writes XML and robots.txt).

Settings: SPEED_WORKERS (processes reading Markdown on a cold build; default: the
cores this process may use; 1: none), SPEED_REUSE_PAGES (default: LOAD_CONTENT_CACHE),
SPEED_MEMORY (for a process that builds again and again: keep what each file
converted to in memory instead of Pelican's cache file; default False),
SPEED_SPLIT_MAX_MB (render pages in a forked child only while the build holds less
than this much memory, MB; default writer.SPLIT_MAX_MB).
"""

from __future__ import annotations

import logging
import os
import re
import shutil

from blinker import signal
from briefs import memo
from briefs.memo import LastBuild
from jinja2 import FileSystemBytecodeCache

from . import fingerprint
from .reader import MEMORY, PREFETCH, SharedMarkdownReader, uncached_markdown_files, workers
from .writer import PageStore, ReusingWriter

log = logging.getLogger(__name__)

MEMO_FILE = "memos.pickle"  # briefs.memo: the plugins' results of the last build
KEEP_CACHES = 3  # fingerprint folders kept (the current one and the last few)
FOLDER_RE = re.compile(r"^[0-9a-f]{20}$")
_files: list = []
PAGES_WRITTEN = signal("speed_pages_written")  # sent with the Pelican object


def fingerprint_cache(pelican) -> None:
    settings = pelican.settings
    _files.clear()
    PREFETCH.stop()
    ReusingWriter.store = None
    memory = bool(settings.get("SPEED_MEMORY"))
    if memory:  # this process remembers what each file converted to: no cache file to read and write
        settings["LOAD_CONTENT_CACHE"] = settings["CACHE_CONTENT"] = False
    reuse = settings.get("SPEED_REUSE_PAGES", settings.get("LOAD_CONTENT_CACHE") or memory)
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE") or reuse or memory):
        MEMORY.use(None)
        return
    code = fingerprint.code(settings)
    MEMORY.use(code if memory else None)
    if memory:  # Pelican stamps every file even with its cache off: a stat, not a hash of it
        settings["CHECK_MODIFIED_METHOD"] = "mtime"
    base = settings["CACHE_PATH"]
    folder = os.path.join(base, code[:20])
    settings["CACHE_PATH"] = folder
    os.makedirs(folder, exist_ok=True)
    os.utime(folder)  # most recently used
    _prune(base, keep=folder)
    # Compiled templates, keyed by their source: none is compiled twice.
    environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
    environment.setdefault("bytecode_cache", FileSystemBytecodeCache(_folder(folder, "jinja")))
    settings["JINJA_ENVIRONMENT"] = environment
    if settings.get("LOAD_CONTENT_CACHE"):  # a new process: what the last build's plugins worked out
        memo.load(os.path.join(folder, MEMO_FILE))
    if reuse:
        render = f"{code}:{fingerprint.theme(settings)}"
        ReusingWriter.store = PageStore(os.path.join(folder, "pages"), render)


def _folder(*parts: str) -> str:
    path = os.path.join(*parts)
    os.makedirs(path, exist_ok=True)
    return path


def _prune(base: str, keep: str) -> None:
    try:  # only folders named as ours: CACHE_PATH may hold other things
        entries = [e for e in os.scandir(base) if e.is_dir() and e.path != keep and FOLDER_RE.match(e.name)]
    except OSError:
        return
    entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
    for entry in entries[KEEP_CACHES - 1 :]:
        shutil.rmtree(entry.path, ignore_errors=True)


def install_reader(readers) -> None:
    from pelican.readers import MarkdownReader

    for ext in MarkdownReader.file_extensions:
        if readers.reader_classes.get(ext) is MarkdownReader:
            readers.reader_classes[ext] = SharedMarkdownReader


def note_files(generator) -> None:
    from pelican.generators import ArticlesGenerator

    kind = "ARTICLE" if isinstance(generator, ArticlesGenerator) else "PAGE"
    settings = generator.settings
    files = generator.get_files(settings[f"{kind}_PATHS"], exclude=settings[f"{kind}_EXCLUDES"])
    _files.append((generator, list(files)))


def start_workers(generator) -> None:
    note_files(generator)
    count = workers(generator.settings)
    if count > 1:
        PREFETCH.start(generator.settings, uncached_markdown_files(_files), count)


def freeze_urls(generators) -> None:
    PREFETCH.stop()
    from briefs import all_documents

    for doc in all_documents(generators):
        if not hasattr(doc, "override_url"):
            doc.override_url = doc.url


def remember_slugs() -> None:
    """`slugify` is a pure function of its arguments: remember its results."""
    import functools

    from pelican import urlwrappers

    if getattr(urlwrappers.slugify, "remembered", False):
        return
    original = urlwrappers.slugify

    @functools.lru_cache(maxsize=4096)
    def remembered(value, regex_subs, preserve_case, use_unicode):
        return original(value, regex_subs=regex_subs, preserve_case=preserve_case, use_unicode=use_unicode)

    def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
        return remembered(str(value), tuple(map(tuple, regex_subs)), preserve_case, use_unicode)

    slugify.remembered = True
    urlwrappers.slugify = slugify


def remember_relative_paths() -> None:
    """Content.get_relative_source_path is a pure function of the content folder, the
    file and the working directory: remember its results."""
    import functools

    from pelican.contents import Content
    from pelican.utils import posixize_path

    if getattr(Content.get_relative_source_path, "remembered", False):
        return

    @functools.lru_cache(maxsize=65536)
    def relative(folder: str, source_path: str, cwd: str) -> str:
        return posixize_path(os.path.relpath(os.path.abspath(os.path.join(folder, source_path)),
                                             os.path.abspath(folder)))

    def get_relative_source_path(self, source_path=None):
        if not source_path:
            source_path = self.source_path
        if source_path is None:
            return None
        return relative(self.settings["PATH"], source_path, os.getcwd())

    get_relative_source_path.remembered = True
    Content.get_relative_source_path = get_relative_source_path


def remember_static_links() -> None:
    """Content.get_static_links scans a document's whole HTML with a regular expression, on
    every build, for `{static}` links: remember the answer for the same HTML, file and
    settings (a build process reads the same HTML object for every file it has not changed).
    What the last build found is kept (`STATIC_LINKS`, turned over at `initialized`)."""
    from pelican.contents import Content

    if getattr(Content.get_static_links, "remembered", False):
        return
    original = Content.get_static_links

    def get_static_links(self) -> set[str]:
        key = (self._content, self.settings.get("INTRASITE_LINK_REGEX"), self.relative_dir,
               self.settings.get("PATH"), self.source_path, os.getcwd())
        return set(STATIC_LINKS.get(key, lambda: frozenset(original(self))))

    get_static_links.remembered = True
    Content.get_static_links = get_static_links


STATIC_LINKS = LastBuild()


FILE_STAMPS: dict = {}  # (method, absolute path) -> stamp, for one build


def remember_file_stamps() -> None:
    """With CHECK_MODIFIED_METHOD = "sha1", Pelican reads and hashes a source file each
    time a cache asks for its stamp: four times a build (the generator's cache and the
    reader's, each to look it up and to store it, even the one that is off). Each file is
    hashed once per build (`FILE_STAMPS`, emptied at `initialized`). The stamp stored with
    a file's HTML is then the one taken before it was read, so a file saved during the
    build is read again next time, never taken for the HTML of its older text."""
    from pelican.cache import FileStampDataCacher

    if getattr(FileStampDataCacher._get_file_stamp, "remembered", False):
        return
    original = FileStampDataCacher._get_file_stamp

    def _get_file_stamp(self, filename):
        key = (self.settings["CHECK_MODIFIED_METHOD"], os.path.abspath(filename))
        stamp = FILE_STAMPS.get(key)
        if stamp is None:
            stamp = FILE_STAMPS[key] = original(self, filename)
        return stamp

    _get_file_stamp.remembered = True
    FileStampDataCacher._get_file_stamp = _get_file_stamp


def _next_build(_pelican) -> None:
    STATIC_LINKS.next_build()
    FILE_STAMPS.clear()


def get_writer(_pelican):
    return ReusingWriter


def commit(pelican) -> None:
    settings = pelican.settings
    if ReusingWriter.current is not None:  # before any other plugin's `finalized` reads the output
        writer, ReusingWriter.current = ReusingWriter.current, None
        writer.render_pending()
    PAGES_WRITTEN.send(pelican)
    if settings.get("CACHE_CONTENT") and settings.get("CACHE_PATH"):
        memo.save(os.path.join(settings["CACHE_PATH"], MEMO_FILE))
    store = ReusingWriter.store
    if store is not None:
        store.commit()
        split = f" ({store.in_child} of them in a child, on the other core)" if store.in_child else ""
        log.info("speed: %d page(s) rendered%s, %d reused", store.rendered, split, store.reused)
    PREFETCH.stop()


def register():
    from pelican import signals

    remember_slugs()
    remember_relative_paths()
    remember_static_links()
    remember_file_stamps()
    signals.initialized.connect(_next_build)
    signals.initialized.connect(fingerprint_cache)
    signals.readers_init.connect(install_reader)
    signals.article_generator_init.connect(note_files)
    signals.page_generator_init.connect(start_workers)
    signals.all_generators_finalized.connect(freeze_urls)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(commit)
