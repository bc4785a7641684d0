"""The site-wide sources page (`/sources/`): every entry of the source registry and
each place in the published briefs that cites it.

Signals:
- `get_generators`: add the generator that writes the page in the writer phase. It
  reads what the citations plugin left in the shared context in
  `all_generators_finalized` (`citations_registry`, `citations_index`), so it needs
  no signal of its own for the data.

Template `sources.html`, context `sources`: a list of
`{"id", "source": CSL dict, "cited_in": [{"brief", "anchors": ["cite-KEY-1", ...]}]}`,
ordered by publication, then date, then title; `cited_in` ordered by brief title.

Settings: `SOURCESPAGE_SAVE_AS` (default `sources/index.html`; empty to switch off).
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

DEFAULT_SAVE_AS = "sources/index.html"


def _published(doc) -> bool:
    return getattr(doc, "status", "published") in ("published", "hidden")


def source_order(source: dict):
    return (
        str(source.get("container-title", "")).casefold(),
        str(source.get("issued", "")),
        str(source.get("title", "")).casefold(),
        str(source.get("id", "")),
    )


def sources_context(registry, index: dict) -> list[dict]:
    """The `sources` list for the template, from the citations plugin's registry and index."""
    if registry is None:
        return []
    items = []
    for key, source in registry.sources.items():
        cited_in = sorted(
            (c for c in index.get(key, []) if _published(c["brief"])),
            key=lambda c: (c["brief"].title, c["brief"].slug),
        )
        items.append({"id": key, "source": source, "cited_in": cited_in})
    items.sort(key=lambda item: source_order(item["source"]))
    return items


class SourcesPageGenerator(Generator):
    """Writes SOURCESPAGE_SAVE_AS with template `sources`."""

    def generate_output(self, writer):
        save_as = self.settings.get("SOURCESPAGE_SAVE_AS", DEFAULT_SAVE_AS)
        if not save_as:
            return
        sources = sources_context(self.context.get("citations_registry"), self.context.get("citations_index", {}))
        writer.write_file(
            save_as,
            self.get_template("sources"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            sources=sources,
        )


def get_generators(_pelican):
    return SourcesPageGenerator


def register():
    signals.get_generators.connect(get_generators)
