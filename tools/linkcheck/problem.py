"""The problem value every check returns, and the table of problem codes.

A problem is a value until the edge of the program (yamllint's model): checks build them, the
report module formats them, the CLI decides the exit code. Codes are part of the interface -- CI
filters and SARIF rules key on them -- so they are listed once, here, and never renamed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"

# code -> (level, one-line description). The description is what SARIF shows as the rule text.
CODES: dict[str, tuple[str, str]] = {
    "unreadable-file": (ERROR, "A file of the site that cannot be served: a dangling or looping symlink, a FIFO."),
    "broken-link": (ERROR, "An internal link points to a page or file that is not in the site."),
    "missing-fragment": (ERROR, "A #fragment names no id (or <a name>) in its target page."),
    "missing-asset": (ERROR, "An image, stylesheet, icon, script or media file is not in the site."),
    "citation-unresolved": (ERROR, "A citation marker does not lead to a source entry li#source-KEY."),
    "citation-no-backref": (ERROR, "A source entry has no a.backref leading back to a citation marker."),
    "xref-unresolved": (ERROR, "A cross-link placeholder was never given an href."),
    "xref-not-brief": (ERROR, "A cross-link lands on something that is not one of our briefs or pages."),
    "unresolved-syntax": (ERROR, "{filename}, [[ or [@ syntax was left unconverted in the page."),
    "unsafe-url": (ERROR, "A javascript: or data: link."),
    "private-host": (ERROR, "A link to a host on a private or local network."),
    "malformed-url": (ERROR, "An external URL that is not a well-formed http(s) URL."),
    "unused-exclude": (WARNING, "An exclude pattern (--exclude, --exclude-path, .linkcheck.toml) excluded nothing."),
    "unchecked-url": (WARNING, "A URL of a scheme the checker does not follow (ftp:, news:, irc:...)."),
    "external-broken": (ERROR, "An external URL answered with an error, or could not be reached."),
    "external-unverifiable": (WARNING, "An external URL could not be verified (rate limit, bot wall, timeout)."),
    "external-redirect-loop": (ERROR, "An external URL redirects in a loop or too many times."),
    "archive-only": (WARNING, "A source URL is dead but its archive-url copy works."),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem. Sorting orders by file, then position, then code (stable output)."""

    path: str  # as shown to people: relative to the working directory, forward slashes
    line: int  # 1-based
    col: int  # 1-based, counted in characters
    code: str
    message: str
    # Not part of the ordering: where the problem was seen in the built site, and the URL as
    # written. They let JSON consumers (and the differential test) join problems to pages.
    page: str = field(default="", compare=False)
    target: str = field(default="", compare=False)

    @property
    def level(self) -> str:
        return CODES[self.code][0]
