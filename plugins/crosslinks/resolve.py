"""Resolve cross-link placeholders once every document is known.

For each `<a class="xref" data-xref=...>` placeholder: check the target slug and
section, write the href (through Pelican's `{filename}` so relative and absolute
SITEURLs both work), the default text (the target's title) and what a hover
preview needs. Outgoing links are recorded per document; backlinks are derived
from them (Quartz's model), never from a second crawl.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

from briefs.memo import LastBuild

from problems import ERROR, Problem, suggest
from sourcepos import attributes, source_position

PLACEHOLDER_RE = re.compile(r'<a class="xref"(?P<attrs>[^>]*)>(?P<text>.*?)</a>', re.S)
ID_RE = re.compile(r'\sid="([^"]+)"')



def preview_attrs(target) -> str:
    meta = target.metadata
    pairs = [
        ("data-title", target.title),
        ("data-status", meta.get("brief_status", "")),
        ("data-as-of", meta.get("as_of", "")),
        ("data-summary", meta.get("summary", "")),
        # plugins/currency: the target stops well before the site's newest fact
        ("data-stale", "true" if getattr(target, "stale", False) else ""),
    ]
    return "".join(f' {k}="{html.escape(str(v), quote=True)}"' for k, v in pairs if v)


def _slug_line(doc) -> int:
    """The line of the document's `Slug:` field (1 when it has none), for make check and
    make html alike: the lint's documents carry their header, Pelican's are read again."""
    header = getattr(doc, "header", None)
    if not header:
        from briefs.frontmatter import read_header

        try:
            with open(doc.source_path, encoding="utf-8", errors="replace") as f:
                header = read_header(f.read(8192))
        except OSError:
            header = {}
    return header.get("slug", ("", 1))[1] or 1


class Resolved(NamedTuple):
    """One document's resolution, and what each of its links showed of its target."""

    content: str
    outgoing: tuple
    link_counts: tuple
    links: tuple  # ((slug, section), what seen_as gave), in the order first linked


# Each document's resolution in the last build. A build process reads the same HTML for a
# document it has not changed; its links are resolved again only when a target's title,
# summary, status, address or sections changed.
_last = LastBuild("crosslinks")
_ids = LastBuild()  # the ids in a document's HTML, by the HTML


def resolve(documents, template_ids=(), dropped=frozenset()) -> list[Problem]:
    """Rewrite every document's placeholders; set `outgoing` and `linked_from`.

    `dropped`: slugs of Markdown files Pelican could not read (their own problem is
    reported at that file): a link to one is not also an "unknown brief"."""
    problems: list[Problem] = []
    by_slug = {}
    # By file, so that make check and make html name the same file as the duplicate.
    for doc in sorted(documents, key=lambda d: d.source_file):
        if doc.slug in by_slug:
            first = by_slug[doc.slug]
            problems.append(Problem(doc.source_file, _slug_line(doc), 1, ERROR,
                                    f"duplicate slug '{doc.slug}' (also used by {first.source_file})", "crosslink"))
            continue
        by_slug[doc.slug] = doc
    ids = {}
    shown = {}

    def ids_of(target):
        if target.slug not in ids:
            content = target._content or ""
            found = _ids.previous.get(content) or _ids.current.get(content)  # the same text object, mostly
            if found is None:
                found = frozenset(ID_RE.findall(content))
            _ids.current[content] = found
            ids[target.slug] = found | set(template_ids)
        return ids[target.slug]

    def seen_as(slug, section):
        """What a link to `slug#section` shows of its target: equal for equal output."""
        target = by_slug[slug]
        if target.slug not in shown:  # the same for every link to it: computed once
            shown[target.slug] = (html.escape(target.title, quote=False), preview_attrs(target))
        return target.relative_source_path, shown[target.slug], not section or section in ids_of(target)

    _last.next_build()
    _ids.next_build()
    for doc in documents:
        doc.outgoing = []
        doc.link_counts = {}  # slug -> how many links to it: how strong a relation is (topicgraph)
        if 'class="xref"' not in (doc._content or ""):
            continue
        key = (doc.source_file, doc.slug, doc._content)
        done = _last.previous.get(key) or _last.current.get(key)
        if done is not None and all(slug in by_slug and seen_as(slug, section) == seen
                                    for (slug, section), seen in done.links):
            doc._content, doc.outgoing, doc.link_counts = done.content, list(done.outgoing), dict(done.link_counts)
            _last.current[key] = done
            continue
        links: dict = {}  # (slug, section) -> what the link showed of its target
        clean = [True]  # no problem, no link to a dropped file: the result may be reused

        def replace(m, doc=doc, links=links, clean=clean):
            attrs = attributes(m.group("attrs"))
            slug, section = attrs.get("data-xref", ""), attrs.get("data-xref-section")
            line, col = source_position(attrs)
            target = by_slug.get(slug)
            if target is None and slug in dropped:
                clean[0] = False
                return m.group(0)
            if target is None:
                what = f"unknown brief '{slug}'{suggest(slug, by_slug)}" if slug else "empty cross-link: expected [[slug]]"
                problems.append(Problem(doc.source_file, line, col, ERROR, what, "crosslink"))
                clean[0] = False
                return m.group(0)
            if section and section not in ids_of(target):
                hint = suggest(section, ids_of(target))
                problems.append(Problem(doc.source_file, line, col, ERROR,
                                        f"unknown section '{section}' in '{slug}'{hint}", "crosslink"))
                clean[0] = False
                return m.group(0)
            if target is not doc:
                if target.slug not in doc.outgoing:
                    doc.outgoing.append(target.slug)
                doc.link_counts[target.slug] = doc.link_counts.get(target.slug, 0) + 1
            href = "{filename}/" + target.relative_source_path + (f"#{section}" if section else "")
            if (slug, section) not in links:
                links[(slug, section)] = seen_as(slug, section)
            title, preview = shown[target.slug]
            text = m.group("text") or title
            src = f' data-src="{html.escape(attrs["data-src"])}"' if "data-src" in attrs else ""
            return f'<a class="xref" href="{html.escape(href)}"{src}{preview}>{text}</a>'

        doc._content = PLACEHOLDER_RE.sub(replace, doc._content)
        if clean[0]:
            _last.current[key] = Resolved(doc._content, tuple(doc.outgoing), tuple(doc.link_counts.items()),
                                          tuple(links.items()))

    backlinks = {slug: [] for slug in by_slug}
    for doc in documents:
        for slug in doc.outgoing:
            backlinks[slug].append(doc)
    for slug, target in by_slug.items():
        target.linked_from = sorted(backlinks[slug], key=lambda d: (d.title, d.slug))
    return problems
