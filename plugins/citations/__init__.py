"""Citations: `[@key]`, `[@key, locator]`, `[@a; @b]`, checked against the
source registry `content/sources.yaml` (CSL-YAML).

Signals:
- `initialized`: add the Markdown extension (it emits one placeholder per key).
- `all_generators_finalized`: load and validate the registry, then number each
  document's citations and build its `sources_list`. The registry and the index of
  who cites what are left in the shared context (`citations_registry`,
  `citations_index`) for the sources page. A build process resolves again only the
  documents whose HTML or registry changed (`_LastBuild`).
"""

from __future__ import annotations

import os

from briefs import all_documents
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
    _last.next_build(_file_digest(real))
    for doc in all_documents(generators):
        for problem in _last.resolve(doc, registry):
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


class _LastBuild:
    """Each document's resolution in the last build, by its HTML and the registry file's
    bytes, the only inputs of `resolve_document`. In the build process `make devserver`
    keeps, an edit changes one document; the others resolve as they did."""

    def __init__(self):
        self.previous: dict = {}
        self.current: dict = {}
        self.registry = b""

    def next_build(self, registry_digest: bytes) -> None:
        keep = registry_digest == self.registry
        self.previous, self.current = (self.current if keep else {}), {}
        self.registry = registry_digest

    def resolve(self, doc, registry) -> list:
        key = (doc.source_file, doc._content, registry.unreadable)
        found = self.previous.get(key)
        if found is None:
            problems = resolve_document(doc, registry.sources, registry.unreadable)
            found = (doc._content, [(e["id"], e["number"], [dict(ref) for ref in e["refs"]])
                                    for e in doc.sources_list], problems)
        else:
            doc._content = found[0]
            doc.sources_list = [{"number": number, "id": key, "source": registry.sources[key],
                                 "refs": [dict(ref) for ref in refs]} for key, number, refs in found[1]]
        self.current[key] = found
        return found[2]


_last = _LastBuild()


def register():
    # Imported here, not at the top: tools (make check) use this package's pure
    # modules without paying for Pelican's import.
    from pelican import signals

    signals.initialized.connect(add_extension)
    signals.all_generators_finalized.connect(resolve_all)
