"""Production settings: `make publish`. Absolute URLs for feeds, canonical links and Open Graph."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://explainer-desk.github.io/ukraine-talks-briefs")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/briefs.atom.xml"
