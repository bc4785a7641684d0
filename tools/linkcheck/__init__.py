"""The site's link checker (issue 4).

Checks a folder of built HTML: internal links, assets and #fragments; our citation markers and
cross-links against the HTML contract of docs/architecture.md; leftover {filename}/[[/[@ syntax;
unsafe, private and malformed URLs; and, with --external, every external URL over the network.
Problems in pages our build made are reported at the Markdown line that produced them.

    python -m tools.linkcheck output/ [--format text|json|junit|sarif|github] [--external]

Layout: scan (one page) -> checks (the whole site) -> external (network) -> sourcemap (where to
report) -> report (formats) -> cli (the only place that prints and exits). docs/linkcheck.md.
"""
import os as _os
import sys as _sys

# The project's plugins folder, for `problems.visible` (how reports show control characters):
# the same rule as every other report of the project.
_sys.path.insert(0, _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))),
                                  "plugins"))

from .problem import CODES, Problem  # noqa: E402

__all__ = ["CODES", "ExternalConfig", "Options", "Outcome", "Problem", "check_site"]
_LAZY = {"ExternalConfig": ".external", "Options": ".checks", "Outcome": ".run",
         "check_site": ".run"}


def __getattr__(name: str):
    # `python -m tools.linkcheck` imports this package first; loading the HTTP machinery only
    # when it is used keeps start-up short for the offline check.
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
