"""sitemap.xml and robots.txt for the built site, the same bytes for the same input.

(PyPI's pelican-sitemap stamps pages that have no date, such as the home page, with
the time of the build, so two builds of one commit would differ.)

Signals:
- `initialized`: start each build with an empty list of pages.
- `content_written`: note every HTML page the writer produced, with its brief or page.
- `finalized`: write the sitemap (sorted by URL) and robots.txt into the output folder.

Each URL's `lastmod` is the document's `Modified`, else its `As_of` (the date its
facts are current to), else its `Date`; listings such as the home page get none.
URLs are absolute under SITEURL (or CANONICAL_BASE); with the development settings'
empty SITEURL they are root-relative, which crawlers never see.

Settings (defaults in `settings()`): SITEMAP_SAVE_AS, SITEMAP_ROBOTS_SAVE_AS,
SITEMAP_EXCLUDE (output files left out: the 404 page and the search page).
"""

from __future__ import annotations

import datetime
import logging
import os
from xml.sax.saxutils import escape

from pelican import signals

log = logging.getLogger(__name__)

DEFAULTS = {
    "SITEMAP_SAVE_AS": "sitemap.xml",
    "SITEMAP_ROBOTS_SAVE_AS": "robots.txt",
    "SITEMAP_EXCLUDE": ["404.html", "search/index.html"],
}

_pages: dict[str, object] = {}


def settings(pelican_settings) -> dict:
    return {key: pelican_settings.get(key, default) for key, default in DEFAULTS.items()}


def base_url(pelican_settings) -> str:
    base = pelican_settings.get("CANONICAL_BASE") or pelican_settings.get("SITEURL") or ""
    return base.rstrip("/") if "://" in base else ""


def lastmod(obj) -> str | None:
    if obj is None:
        return None
    for value in (getattr(obj, "modified", None), obj.metadata.get("as_of"), getattr(obj, "date", None)):
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, str) and value:
            return value[:10]
    return None


def page_url(output_file: str) -> str:
    path = output_file.replace(os.sep, "/")
    if path == "index.html":
        return ""
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def sitemap_xml(pages: dict, base: str) -> str:
    """`pages`: output file -> brief/page object (or None for listings)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for output_file in sorted(pages, key=page_url):
        lines.append(f"<url><loc>{escape(base + '/' + page_url(output_file))}</loc>")
        day = lastmod(pages[output_file])
        if day:
            lines[-1] += f"<lastmod>{escape(day)}</lastmod>"
        lines[-1] += "</url>"
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(base: str, sitemap_save_as: str) -> str:
    return f"User-agent: *\nDisallow:\n\nSitemap: {base}/{sitemap_save_as}\n"


def _reset(_pelican) -> None:
    _pages.clear()


def _note(path, context=None):
    context = context or {}
    output_file = context.get("output_file")
    if not output_file or not output_file.endswith(".html"):
        return
    obj = context.get("article") or context.get("page")
    if obj is not None and getattr(obj, "status", "published") != "published":
        return
    _pages[output_file.replace(os.sep, "/")] = obj


def _write(pelican) -> None:
    conf = settings(pelican.settings)
    base = base_url(pelican.settings)
    pages = {f: obj for f, obj in _pages.items() if f not in conf["SITEMAP_EXCLUDE"]}
    if conf["SITEMAP_SAVE_AS"]:
        with open(os.path.join(pelican.output_path, conf["SITEMAP_SAVE_AS"]), "w", encoding="utf-8") as f:
            f.write(sitemap_xml(pages, base))
        log.info("sitemap: wrote %d URLs to %s", len(pages), conf["SITEMAP_SAVE_AS"])
    if conf["SITEMAP_ROBOTS_SAVE_AS"]:
        with open(os.path.join(pelican.output_path, conf["SITEMAP_ROBOTS_SAVE_AS"]), "w", encoding="utf-8") as f:
            f.write(robots_txt(base, conf["SITEMAP_SAVE_AS"] or "sitemap.xml"))


def register():
    signals.initialized.connect(_reset)
    signals.content_written.connect(_note)
    signals.finalized.connect(_write)
