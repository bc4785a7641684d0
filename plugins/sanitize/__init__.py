"""Only safe HTML reaches a page. Briefs may contain raw HTML, but only what the
allow-list in `clean.py` permits.

Each document's HTML is cleaned with nh3 (Rust's `ammonia` sanitizer) as the last
step of its Markdown conversion: elements and attributes outside the allow-list are
removed (`<script>` and `<style>` with their content), URLs may be relative, http(s)
or mailto, and links that leave the site get `rel="noopener noreferrer"`. Our own
placeholders (classes, `data-*`, ids) pass unchanged. What an author should hear
about is a located problem, never a silent change:

    content/briefs/x.md:12:5: [error] unsafe URL 'javascript:alert(1)' in a link: ... (html)

Input that would take unbounded time to convert is refused the same way: a source
over SANITIZE_MAX_BYTES (default 1 MB, about a hundred times a long brief), lists
nested deeper than SANITIZE_MAX_DEPTH (default 20 levels), a paragraph over
SANITIZE_MAX_PARAGRAPH characters (default 20,000, some 3,000 words) or with
thousands of unclosed `[` (Python-Markdown's time grows with the square of those).

Signals: `initialized` adds the Markdown extension (markdown_ext.py), and the page
filter that puts the same `rel` on external links the templates write (it runs in
the `speed` plugin's writer). The extension's problems ride in each document's
metadata and are reported by the `problems` plugin, so the content cache cannot
lose them.
"""

from __future__ import annotations

from .clean import external_rel, own_site
from .markdown_ext import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_PARAGRAPH, SanitizeExtension

DEFAULTS = {
    "SANITIZE_MAX_BYTES": DEFAULT_MAX_BYTES,
    "SANITIZE_MAX_DEPTH": DEFAULT_MAX_DEPTH,
    "SANITIZE_MAX_PARAGRAPH": DEFAULT_MAX_PARAGRAPH,
}


def settings(pelican_settings) -> dict:
    out = {}
    for key, default in DEFAULTS.items():
        value = pelican_settings.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"sanitize: Invalid '{key}' setting: expected a whole number >= 0 but received: {value!r}")
        out[key] = value
    return out


def add_extension(pelican) -> None:
    config = settings(pelican.settings)
    pelican.settings.setdefault("MARKDOWN", {}).setdefault("extensions", [])
    pelican.settings["MARKDOWN"]["extensions"].append(
        SanitizeExtension(max_bytes=config["SANITIZE_MAX_BYTES"], max_depth=config["SANITIZE_MAX_DEPTH"],
                          max_paragraph=config["SANITIZE_MAX_PARAGRAPH"])
    )


def add_page_filter(pelican) -> None:
    site_url = pelican.settings.get("SITEURL") or ""
    own_site["url"] = site_url if "//" in site_url else ""
    # Links the templates write (a source's address in its list entry) are not in
    # any document's HTML: the `speed` plugin's writer runs this on every page.
    try:
        from speed.writer import ReusingWriter
    except ImportError:
        return
    if external_rel not in ReusingWriter.filters:
        ReusingWriter.filters.append(external_rel)


def register():
    from pelican import signals

    signals.initialized.connect(add_extension)
    signals.initialized.connect(add_page_filter)
