"""Citations: `[@key]`, `[@key, locator]`, `[@a; @b]`, checked against the
source registry `content/sources.yaml` (CSL-YAML).

Signals:
- `initialized`: add the Markdown extension (it emits one placeholder per key).
- `all_generators_finalized`: load and validate the registry, then number each
  document's citations and build its `sources_list`. The registry and the index of
  who cites what are left in the shared context (`citations_registry`,
  `citations_index`) for the sources page. A build process resolves again only the
  documents whose HTML or registry changed (`briefs.memo`).
"""

from __future__ import annotations

import os

from briefs import all_documents
from briefs.memo import LastBuild
from problems import report

from . import registry as registry_module
from .markdown_ext import CitationExtension
from .resolve import resolve_document, uncited


def add_extension(pelican):
    pelican.settings.setdefault("MARKDOWN", {}).setdefault("extensions", [])
    pelican.settings["MARKDOWN"]["extensions"].append(CitationExtension())


def registry_path(settings) -> str:
    path = settings.get("CITATIONS_SOURCES") or os.path.join(settings["PATH"], "sources.yaml")
    root = os.path.dirname(settings["PATH"])
    return os.path.relpath(path, root).replace(os.sep, "/"), path


def resolve_all(generators):
    if not generators:
        return
    settings = generators[0].settings
    shown, real = registry_path(settings)
    registry = registry_module.load(real, shown)
    for problem in registry.problems:
        report(problem)
    index: dict[str, list] = {}
    digest = _file_digest(real)
    _last.next_build()
    for doc in all_documents(generators):
        for problem in _resolve(doc, registry, digest):
            report(problem)
        for entry in doc.sources_list:
            index.setdefault(entry["id"], []).append(
                {"brief": doc, "anchors": [ref["anchor"] for ref in entry["refs"]]}
            )
    for problem in uncited(registry, set(index)):
        report(problem)
    context = generators[0].context
    context["citations_registry"] = registry
    context["citations_index"] = index


def _file_digest(path: str) -> bytes:
    import hashlib

    try:
        with open(path, "rb") as f:
            return hashlib.blake2b(f.read(), digest_size=16).digest()
    except OSError:
        return b""


def _resolve(doc, registry, registry_digest: bytes) -> list:
    """`resolve_document`, or what it made of the same HTML and registry in the last build."""
    def make():
        problems = resolve_document(doc, registry.sources, registry.unreadable)
        listed = [(e["id"], e["number"], [dict(ref) for ref in e["refs"]]) for e in doc.sources_list]
        return doc._content, listed, problems

    content, listed, problems = _last.get((doc.source_file, doc._content, registry.unreadable, registry_digest), make)
    doc._content = content
    # `refs` is the memo's own list, not a copy (copying was a tenth of a second a build):
    # nothing after this step changes a sources list; templates only read it.
    doc.sources_list = [{"number": number, "id": key, "source": registry.sources[key], "refs": refs}
                        for key, number, refs in listed]
    return problems


_last = LastBuild("citations")  # each document's resolution: its HTML and the registry are all it depends on


def register():
    # Imported here, not at the top: tools (make check) use this package's pure
    # modules without paying for Pelican's import.
    from pelican import signals

    signals.initialized.connect(add_extension)
    signals.all_generators_finalized.connect(resolve_all)
