"""Briefs and pages as documents: front-matter validation, `source_file`, the
table of contents, and the one list of documents every other plugin walks.

Signals:
- `article_generator_context` / `page_generator_context`: a brief's `Status:` is
  the state of its topic (stalled, signed...), while Pelican reads `status` as
  draft/published. Move the topic's status to `brief_status` before Pelican sees
  it; Pelican's own values (draft, hidden, published, skip) keep their meaning.
- `all_generators_finalized` (connected first, so later plugins see its work):
  check each document's front matter against its source file (for line numbers)
  and attach `source_file`, `toc` and `as_of`.
"""

from __future__ import annotations

import html
import os
import re

from problems import report

from .frontmatter import check, read_header, theme_templates
from .memo import ByFile

HEADING_RE = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
TAG_RE = re.compile(r"<[^>]+>")


def all_documents(generators):
    """Every brief and page that is written, drafts and hidden pages included."""
    docs = []
    for gen in generators:
        for name in ("articles", "translations", "drafts", "drafts_translations",
                     "pages", "hidden_pages", "draft_pages", "translations"):
            docs.extend(getattr(gen, name, []) or [])
    seen, unique = set(), []
    for doc in docs:
        if id(doc) not in seen:
            seen.add(id(doc))
            unique.append(doc)
    return unique


def table_of_contents(content: str) -> list[dict]:
    return [
        {"level": int(level), "id": anchor, "title": html.unescape(TAG_RE.sub("", inner)).strip()}
        for level, anchor, inner in HEADING_RE.findall(content or "")
    ]


def page_siteurl(settings, save_as: str) -> str:
    """SITEURL as the writer gives it to the page saved at `save_as`: what links drawn into
    a page by a plugin (timeline rows, topic graphs) must start with."""
    from pelican.utils import get_relative_path, path_to_url

    if settings.get("RELATIVE_URLS"):
        return path_to_url(get_relative_path(save_as))
    return settings.get("SITEURL", "")


PELICAN_STATUSES = ("published", "draft", "hidden", "skip")


def separate_status(_generator, metadata):
    status = metadata.get("status")
    if isinstance(status, str) and status.strip().lower() not in PELICAN_STATUSES:
        metadata["brief_status"] = status.strip()
        metadata["status"] = "published"


def _header(data: bytes) -> dict:
    # "replace": a file that is not UTF-8 is already a located problem (plugins/speed).
    return read_header(data.decode("utf-8", "replace"))


_headers = ByFile()


def prepare(generators):
    templates = theme_templates(generators[0].settings.get("THEME")) if generators else None
    for doc in all_documents(generators):
        project_root = os.path.dirname(doc.settings["PATH"])
        doc.source_file = os.path.relpath(doc.source_path, project_root).replace(os.sep, "/")
        kind = "brief" if doc.__class__.__name__ == "Article" else "page"
        header = _headers.get(doc.source_path, _header)
        for problem in check(doc.source_file, header, kind, templates):
            report(problem)
        doc.header, doc.kind = header, kind  # for later plugins' checks (threads), with line numbers
        doc.toc = table_of_contents(doc._content)
        doc.as_of = doc.metadata.get("as_of")
        doc.reviewed = doc.metadata.get("reviewed")  # the day an editor last looked for newer reporting


def register():
    # Imported here, not at the top: tools (make check) use this package's pure
    # modules without paying for Pelican's import.
    from pelican import signals

    signals.article_generator_context.connect(separate_status)
    signals.page_generator_context.connect(separate_status)
    signals.all_generators_finalized.connect(prepare)
