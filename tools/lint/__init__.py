"""`make check`: lint the Markdown sources and the source registry without a build.

It reports what the build would reject, with the same words (it runs the
plugins' own checks: front matter, cross-links and their sections, citations,
sources.yaml, timeline events), plus what only the Markdown shows (see
`rules.py`): uncited paragraphs, quotes without a citation or not word for word
in their source's fingerprint, unsafe HTML, unclosed syntax, and briefs whose
`As_of` is old. Every build runs the lint's own rules (`tools/build.py`) and its
plugins the rest, so a build never publishes what `make check` rejects.

Pelican is not imported: the settings file is executed as a plain module and each
document is converted with Python-Markdown directly, so the whole check takes a
fraction of a second.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import importlib.util
import os
import sys
import types
from dataclasses import dataclass, field, replace

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if os.path.join(HERE, "plugins") not in sys.path:
    sys.path.insert(0, os.path.join(HERE, "plugins"))

from briefs.memo import ByFile  # noqa: E402
from problems import ERROR, Problem  # noqa: E402

DEFAULT_MAX_AGE_DAYS = 90
# Rules a build does not run: the age of As_of is a reminder for editors (make check,
# CI), not something to repeat on every build and live-reload.
BUILD_SKIPS = ("as-of",)
CLOCK_ENV = "BRIEFS_TODAY"  # YYYY-MM-DD: the date the lint and `make new` take as today


def today() -> datetime.date:
    value = os.environ.get(CLOCK_ENV)
    if value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise SystemExit(f"{CLOCK_ENV} expected an ISO date (YYYY-MM-DD) but received: '{value}'") from None
    return datetime.date.today()


@dataclass
class Result:
    problems: list = field(default_factory=list)
    documents: int = 0
    slugs: dict = field(default_factory=dict)  # slug -> source file, from each file's front matter
    quotes: list = field(default_factory=list)  # (path, line, col, status, sources, text)

    @property
    def errors(self):
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self):
        return [p for p in self.problems if p.level != ERROR]


def pure_module(name: str):
    """Import `package.module` without running `package/__init__.py`.

    A plugin package's `__init__` may import Pelican (0.5 s) for its signals; its
    pure modules do not need it. The stand-in package is removed again, so a later
    `import package` (Pelican's plugin loader, in the same process) runs the real one."""
    package, _, _ = name.partition(".")
    if package in sys.modules:
        return importlib.import_module(name)
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(name)
    stub = types.ModuleType(package)
    stub.__path__ = list(spec.submodule_search_locations)
    sys.modules[package] = stub
    try:
        return importlib.import_module(name)
    finally:
        for key in [k for k in sys.modules if k == package or k.startswith(package + ".")]:
            del sys.modules[key]


def lint(settings_file: str = "pelicanconf.py", content: str | None = None, *, max_age_days: int | None = None,
         on: datetime.date | None = None, skip: tuple = (), quote_log: bool = False,
         build_checks: bool = True, cache_dir: str | None = None) -> Result:
    """Every problem in the content, sorted; `skip` names rules not to run.

    `build_checks=False` leaves out what a build checks by itself while reading (the
    Markdown conversion, with the plugins' checks on its HTML, and files that are not
    UTF-8): the build runs only the lint's own rules, on the Markdown, so no brief is
    converted twice (see tools/build.py). With it, `cache_dir` keeps each file's
    problems between runs (cache.py), so an unchanged file is not checked again."""
    from briefs.frontmatter import check as check_front_matter
    from briefs.frontmatter import theme_templates

    from . import documents, rules

    settings = documents.load_settings(settings_file, content)
    tree = documents.tree_problems(settings)
    if any(p.level == ERROR for p in tree):  # a FIFO or /dev/zero: reading anything further could hang
        return Result(sorted(tree))
    registry, prints, problems = _registry_and_fingerprints(settings)
    problems += tree
    docs = documents.discover(settings)
    md = documents.markdown_converter(settings) if build_checks else None
    cache = None
    if cache_dir and not build_checks and not quote_log:
        from .cache import RuleCache, salt

        cache = RuleCache(cache_dir, salt(settings, _fingerprints_folder(settings)))
    readable, fresh, keys = [], [], {}  # fresh: documents the rules have not seen as they are
    slugs = {}
    for doc in docs:
        data = documents.read_bytes(doc)
        slug = documents.slug_of(doc, data)
        slugs.setdefault(slug, doc.source_file)
        cached = None
        if cache is not None:
            keys[doc.source_file] = cache.key(doc.source_file, data)
            cached = cache.get(keys[doc.source_file])
        if cached is not None and "as-of" in skip:
            doc.problems = cached
            continue
        documents.read(doc, data)
        if cached is not None:
            doc.problems = cached  # what reading found (a BOM) is among them
            readable.append(doc)
            continue
        fresh.append(doc)
        if doc.readable:
            if md is not None:
                documents.convert(doc, md)
            readable.append(doc)
        elif not build_checks:
            doc.problems.clear()  # the build's reader reports it, in its own words
    if build_checks:
        problems += _plugin_checks(readable, registry, set(settings["PLUGINS"]), settings.get("THEME"))
        if "threads" in settings["PLUGINS"]:
            problems += _thread_checks(readable, settings)

    log = [] if quote_log else None
    templates = theme_templates(settings.get("THEME"))
    for doc in fresh:
        if doc.readable:
            if not build_checks:  # the build's plugin checks it too, but Pelican drops some files first
                doc.problems += check_front_matter(doc.source_file, doc.header, doc.kind, templates)
            rules.check_blocks(doc, prints, log)
            if "sanitize" not in settings["PLUGINS"]:
                rules.check_html(doc)  # else the sanitize plugin's own problems came with the conversion
            rules.check_scaffold(doc)
            rules.check_restated_summary(doc)
        if cache is not None:
            cache.put(keys[doc.source_file], doc.problems)
    if cache is not None:
        cache.save()
    from . import across

    problems += across.check(docs)  # briefs compared with each other: never cached per file
    if "as-of" not in skip:  # depends on the day: never cached
        when = on or today()
        max_age = max_age_days if max_age_days is not None else int(
            settings.get("LINT_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))
        for doc in readable:
            rules.check_as_of(doc, when, max_age)
    for doc in docs:
        problems += doc.problems
    return Result(sorted({p for p in problems if p.rule not in skip}), len(docs), slugs=slugs, quotes=log or [])


def before_pelican(settings_file: str = "pelicanconf.py", content: str | None = None) -> Result:
    """What a build must know before Pelican starts, so that the rest of the lint can run
    beside it (tools/build.py): files Pelican must not open (`tree_problems`), every
    file's slug, and the front matter Pelican would drop a file for. A few hundredths of
    a second at 1,000 briefs: each file's bytes and front matter, no Markdown."""
    from briefs.frontmatter import check as check_front_matter
    from briefs.frontmatter import theme_templates

    from . import documents

    settings = documents.load_settings(settings_file, content)
    problems = documents.tree_problems(settings)
    if any(p.level == ERROR for p in problems):  # a FIFO or /dev/zero: reading anything further could hang
        return Result(sorted(problems))
    templates = theme_templates(settings.get("THEME"))
    docs = documents.discover(settings)
    slugs = {}
    for doc in docs:
        slug, header = _first_read.get(doc.source_path, functools.partial(_slug_and_header, doc))
        slugs.setdefault(slug, doc.source_file)
        if header is not None:  # else not UTF-8: the build's reader reports it, located
            problems += check_front_matter(doc.source_file, header, doc.kind, templates)
    return Result(sorted(set(problems)), len(docs), slugs=slugs)


def _slug_and_header(doc, data: bytes) -> tuple[str, dict | None]:
    """The slug Pelican gives the file (as documents.slug_of) and its front matter."""
    from . import documents

    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return documents.slug_of(doc, data), None
    header = documents.read_header(text.replace("\r\n", "\n").replace("\r", "\n"))
    return header.get("slug", ("", 0))[0] or os.path.splitext(os.path.basename(doc.source_path))[0], header


_first_read = ByFile()  # a build process reads again only the files that changed


def _fingerprints_folder(settings: dict) -> str:
    from quotes.fingerprint import fingerprints_dir

    return fingerprints_dir(settings)


def _registry_and_fingerprints(settings: dict):
    """The source registry, the fingerprints, and their problems."""
    from citations import registry_path
    from citations.registry import load as load_registry
    from quotes.fingerprint import fingerprints_dir, load_dir

    project = os.path.dirname(settings["PATH"])
    shown, real = registry_path(settings)
    registry = load_registry(real, shown)
    folder = fingerprints_dir(settings)
    prints, problems = load_dir(folder, os.path.relpath(folder, project).replace(os.sep, "/"))
    for key in sorted(prints):
        if registry.sources and key not in registry.sources:
            shown_fp = os.path.relpath(os.path.join(folder, f"{key}.json"), project).replace(os.sep, "/")
            problems.append(Problem(shown_fp, 1, 1, ERROR, f"fingerprint of unknown source '{key}'", "fingerprint"))
    return registry, prints, registry.problems + problems


def _thread_checks(docs: list, settings: dict) -> list[Problem]:
    """threads.yaml and each brief's `Thread:`, as the threads plugin checks them."""
    from threads import threads_file
    from threads.check import check
    from threads.registry import load

    threads = load(*threads_file(settings))
    return threads.problems + check(docs, threads)


def _plugin_checks(docs: list, registry, plugins: set, theme: str | None = None) -> list[Problem]:
    """The build's own checks, from the plugins' pure modules, on the stand-in documents."""
    from briefs.frontmatter import check as check_front_matter
    from briefs.frontmatter import theme_templates
    from citations.resolve import resolve_document, uncited
    from crosslinks import TEMPLATE_IDS
    from crosslinks.resolve import resolve

    problems = []
    templates = theme_templates(theme)
    for doc in docs:
        problems += check_front_matter(doc.source_file, doc.header, doc.kind, templates)
    if "crosslinks" in plugins:
        problems += resolve(docs, TEMPLATE_IDS)  # a duplicate slug is placed at its `Slug:` line there
    if "citations" in plugins:
        cited = set()
        for doc in docs:
            problems += resolve_document(doc, registry.sources, registry.unreadable)
            cited.update(entry["id"] for entry in doc.sources_list)
        problems += uncited(registry, cited)
    if "timeline" in plugins:
        events = pure_module("timeline.events")
        for doc in docs:
            if doc.kind == "brief":
                problems += events.parse(doc._content, doc.source_file, lambda doc=doc: doc.text,
                                          doc.field("as_of")).problems
    return problems
