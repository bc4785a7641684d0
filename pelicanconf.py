"""Site settings. `make html` builds content/ into output/ with these."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "plugins"))

from briefs.dates import longdate  # noqa: E402

AUTHOR = "The explainer desk"
SITENAME = "Ukraine peace talks 2025: the briefs"
SITE_DESCRIPTION = (
    "Short, sourced explainers on the Ukraine peace talks that began in 2025 and what followed: "
    "every fact one click from its source."
)
SITEURL = ""
RELATIVE_URLS = True
# Where "Edit this page" and "Last changed" link to. CI sets REPOSITORY_URL from the
# repository it runs in (see .github/workflows/); a fork needs no edit here.
REPOSITORY_URL = os.environ.get("REPOSITORY_URL", "https://github.com/explainer-desk/ukraine-talks-briefs")
REPOSITORY_BRANCH = os.environ.get("REPOSITORY_BRANCH", "main")
# `make check` warns when a brief's As_of is older than this many days (a reminder to
# review it; `--max-age-days N` overrides). Briefs whose status is expired or rejected are left alone.
LINT_MAX_AGE_DAYS = 90

PATH = os.path.join(HERE, "content")
ARTICLE_PATHS = ["briefs"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
# Files and folders whose name starts with "." (editor backups, `.drafts/`) are neither built
# nor checked: the lint skips the same ones (tools/lint/documents.py) and warns about them.
# Pelican's own default, "**/.*", is matched against bare names and so never matches.
IGNORE_FILES = [".*"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_PAGINATION = False
WITH_FUTURE_DATES = True

ARTICLE_URL = "briefs/{slug}/"
ARTICLE_SAVE_AS = "briefs/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = ["index", "search", "404"]
SEARCH_SAVE_AS = "search/index.html"
# The search index is built in parts of at most this much HTML (tools/search_index.py):
# The search index (tools/search_index.py). Pagefind holds the whole index of one run in
# memory, 1 to 1.5 GB for 64 MB of pages, and re-reads every page each run. So a site of at
# least 2 x SEARCH_INDEX_PART_PAGES indexed pages (this site has about 25) is indexed in
# parts of about that many pages (more on a site past 16 parts), none over
# SEARCH_INDEX_PART_MB, and a rebuild indexes again only the parts whose pages changed. The
# search page merges the parts, and a part without the word searched for then offers near
# matches too. 0 and 0: always one index.
SEARCH_INDEX_PART_MB = 64
SEARCH_INDEX_PART_PAGES = 100
# A brief site has no use for Pelican's blog archives.
for _kind in ("CATEGORY", "CATEGORIES", "TAG", "TAGS", "AUTHOR", "AUTHORS", "ARCHIVES",
              "YEAR_ARCHIVE", "MONTH_ARCHIVE", "DAY_ARCHIVE"):
    globals()[f"{_kind}_SAVE_AS"] = ""


def _title_key(article):
    """Alphabetical as a reader scans a list: 'The Black Sea deal' files under B."""
    title = article.title.lower()
    return title[4:] if title.startswith("the ") else title


ARTICLE_ORDER_BY = _title_key

# Feeds need absolute URLs, so they are made by `make publish` (publishconf.py) only.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

THEME = os.path.join(HERE, "theme")
JINJA_FILTERS = {"longdate": longdate}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.toc": {},
        "markdown.extensions.attr_list": {},
        "markdown.extensions.fenced_code": {},
        "markdown.extensions.tables": {},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}
# The summary is one plain sentence: no second Markdown conversion for it.
FORMATTED_FIELDS = []

PLUGIN_PATHS = [os.path.join(HERE, "plugins")]
# Order matters: each plugin's all_generators_finalized step sees the work of those before it.
# `speed` first: its all_generators_finalized step fixes each document's URL before the others run.
PLUGINS = ["speed", "problems", "briefs", "history", "currency", "sanitize", "crosslinks", "citations", "quotes", "timeline", "sourcespage", "threads", "topicgraph", "sitemap"]

DELETE_OUTPUT_DIRECTORY = True
# The content cache (reader layer: the HTML of each Markdown file, by its hash). The
# `speed` plugin names its folder after a fingerprint of the plugins and settings, and
# keeps the pages it can reuse there; `make html` puts it in .cache/build-output/.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CHECK_MODIFIED_METHOD = "sha1"  # content, not mtime: a checkout or a copy keeps the cache valid
GZIP_CACHE = False  # gzip costs more time than the disk it saves
CACHE_PATH = os.path.join(HERE, ".cache", "pelican")
