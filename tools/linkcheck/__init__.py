"""The site's link checker (issue 4).

Checks a folder of built HTML: internal links, assets and #fragments; our citation markers and
cross-links against the HTML contract of docs/architecture.md; leftover {filename}/[[/[@ syntax;
unsafe, private and malformed URLs; and, with --external, every external URL over the network.
Problems in pages our build made are reported at the Markdown line that produced them.

    python -m tools.linkcheck output/ [--format text|json|junit|sarif|github] [--external]

Layout: scan (one page) -> checks (the whole site) -> external (network) -> sourcemap (where to
report) -> report (formats) -> cli (the only place that prints and exits). docs/linkcheck.md.
"""
from .checks import Options
from .external import ExternalConfig
from .problem import CODES, Problem
from .run import Outcome, check_site

__all__ = ["CODES", "ExternalConfig", "Options", "Outcome", "Problem", "check_site"]
