"""Pages this project did not build (no <meta name="briefs-contract"> or "source-file") are
plain HTML: documentation that links the reader's own machine is not a problem there, while
on our pages the same link is."""
from __future__ import annotations

from test_excludes import run

LOCAL = '<a href="http://localhost:631/admin">CUPS</a> <a href="https:/typo.example/">typo</a>'


def test_a_localhost_link_is_a_problem_only_on_our_pages(make_site):
    site = make_site({
        "foreign.html": f"<html><body>{LOCAL}</body></html>",
        "ours.html": f'<html><head><meta name="briefs-contract" content="1"></head><body>{LOCAL}</body></html>',
    })
    _, _, problems = run(site)
    found = sorted((p["path"].rsplit("/", 1)[-1], p["code"]) for p in problems)
    # A malformed URL is a problem anywhere; a link to the reader's own machine only on our pages.
    assert found == [("foreign.html", "malformed-url"), ("ours.html", "malformed-url"), ("ours.html", "private-host")]
