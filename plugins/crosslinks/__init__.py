"""Cross-links between briefs: `[[slug]]`, `[[slug|text]]`, `[[slug#section]]`,
`[[slug#section|text]]`.

Signals:
- `initialized`: add the Markdown extension (it emits placeholders per document).
- `all_generators_finalized`: every document has been read, so resolve targets,
  titles, sections and backlinks; problems go to the `problems` plugin, which
  fails the build before anything is written. Resolving here, never in a reader,
  keeps Pelican's content cache correct: a cached document is re-resolved against
  the current set of briefs on every build.
"""

from briefs import all_documents
from problems import report

from .markdown_ext import CrossLinkExtension
from .resolve import resolve

# Ids every brief page has from the template, so `[[slug#sources]]` works.
TEMPLATE_IDS = ("sources", "linked-from", "contents", "timeline-of-events")


def add_extension(pelican):
    pelican.settings.setdefault("MARKDOWN", {}).setdefault("extensions", [])
    pelican.settings["MARKDOWN"]["extensions"].append(CrossLinkExtension())


def resolve_all(generators):
    documents = all_documents(generators)
    # BUILD_SLUGS (tools/build.py): every Markdown file's slug, read before Pelican. One Pelican
    # dropped (a bad Date, no Title) has its own located problem; links to it are not more.
    written = set(generators[0].settings.get("BUILD_SLUGS") or ()) if generators else set()
    dropped = frozenset(written - {doc.slug for doc in documents})
    for problem in resolve(documents, TEMPLATE_IDS, dropped):
        report(problem)


def register():
    # Imported here, not at the top: tools (make check) use this package's pure
    # modules without paying for Pelican's import.
    from pelican import signals

    signals.initialized.connect(add_extension)
    signals.all_generators_finalized.connect(resolve_all)
