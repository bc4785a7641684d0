"""Currency a reader can see (plugins/currency): the period the site covers, and a note on
every brief whose facts stop well before the site's newest one, on its page, on its card,
in its meta description and in cross-link previews. Derived from the content only."""

from __future__ import annotations

import datetime

from bs4 import BeautifulSoup

from currency import annotate
from sitebuild import ONE_SOURCE

SOURCES = ONE_SOURCE


def brief(slug: str, began: str, as_of: str, body: str = "A fact [@src-a].") -> str:
    return (f"Title: {slug.capitalize()}\nSlug: {slug}\nSummary: The {slug} brief.\nStatus: ongoing\n"
            f"As_of: {as_of}\nDate: {began}\n\n## In short\n\n{body}\n")


FILES = {
    "content/sources.yaml": SOURCES,
    "content/briefs/old.md": brief("old", "2025-03-01", "2025-04-18").replace(
        "As_of: 2025-04-18\n", "As_of: 2025-04-18\nReviewed: 2025-12-02\n"),
    "content/briefs/new.md": brief("new", "2025-05-16", "2025-12-02", "See [[old]]. A fact [@src-a]."),
}


def test_the_site_says_what_it_covers_and_which_briefs_stop_early(build_site):
    result = build_site(FILES)
    assert result.returncode == 0, result.stderr
    home = BeautifulSoup((result.output / "index.html").read_text(encoding="utf-8"), "lxml")
    assert " ".join(home.select_one(".home .coverage").get_text().split()) == (
        "The briefs cover 1 March 2025 to 2 December 2025: nothing after 2 December 2025 is on this site yet.")
    assert home.select_one("footer .coverage") is not None
    cards = {c.h3.get_text(): c for c in home.select(".card")}
    assert cards["Old"].select_one(".currency-note").get_text() == (
        "Current to 18 April 2025; later events are not covered here. "
        "Last checked for newer reporting on 2 December 2025.")
    assert cards["New"].select_one(".currency-note") is None

    old = BeautifulSoup(result.page("briefs/old"), "lxml")
    note = old.select_one("header .currency-note")
    assert note.get_text() == ("Current to 18 April 2025; later events are not covered here. "
                               "Last checked for newer reporting on 2 December 2025.")
    assert note.time["datetime"] == "2025-04-18" and note.time.has_attr("data-age")
    description = "Current to 18 April 2025; later events are not covered here. The old brief."
    assert old.find("meta", attrs={"name": "description"})["content"] == description
    assert old.find("meta", property="og:description")["content"] == description

    new = BeautifulSoup(result.page("briefs/new"), "lxml")
    assert new.select_one(".currency-note") is None
    assert new.find("a", class_="xref")["data-stale"] == "true"


def test_staleness_is_measured_against_the_newest_fact_not_the_build_day():
    def doc(as_of, began):
        return type("Brief", (), {"as_of": as_of, "began": began})()

    briefs = [doc("2025-04-18", "2025-03-01"), doc("2025-06-01", "2025-05-16"), doc("2025-06-20", "2024-06-14")]
    coverage = annotate(briefs, briefs, stale_days=60)
    assert coverage == {"start": datetime.date(2024, 6, 14), "end": datetime.date(2025, 6, 20), "updated": None}
    assert [(b.behind_days, b.stale) for b in briefs] == [(63, True), (19, False), (0, False)]
