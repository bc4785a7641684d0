"""End-to-end: the real content builds, and its briefs, cross-links and source
lists are all there and all resolve."""

import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FOUNDING = {
    "minerals-memorandum": "The minerals memorandum and the US–Ukraine reconstruction fund",
    "black-sea-deal": "The Black Sea deal",
    "kremlin-conditions": "Kremlin conditions",
}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_the_three_founding_briefs_are_built_with_title_status_and_as_of(real_site):
    for slug, title in FOUNDING.items():
        page = soup(real_site / "briefs" / slug / "index.html")
        assert page.h1.get_text(strip=True) == title
        assert page.find("time", attrs={"datetime": re.compile(r"^\d{4}-\d{2}-\d{2}$")})
        assert page.select_one('meta[name="source-file"]')["content"] == f"content/briefs/{slug}.md"


def test_each_founding_brief_links_to_the_other_two(real_site):
    for slug in FOUNDING:
        page = soup(real_site / "briefs" / slug / "index.html")
        targets = {a["href"].split("#")[0] for a in page.select("a.xref")}
        for other in FOUNDING:
            if other != slug:
                assert f"../../briefs/{other}/" in targets, f"{slug} does not link to {other}"


def test_every_cross_link_lands_on_a_built_page_and_section(real_site):
    for html in real_site.rglob("*.html"):
        page = soup(html)
        for link in page.select("a.xref"):
            path, _, fragment = link["href"].partition("#")
            target = (html.parent / path / "index.html").resolve()
            assert target.is_file(), f"{html}: {link['href']}"
            if fragment:
                assert soup(target).find(id=fragment), f"{html}: no #{fragment} in {target}"


def test_every_citation_links_to_its_entry_and_back(real_site):
    registry = {s["id"] for s in yaml.safe_load((ROOT / "content/sources.yaml").read_text(encoding="utf-8"))}
    for slug in FOUNDING:
        page = soup(real_site / "briefs" / slug / "index.html")
        markers = page.select("a.cite-ref")
        assert markers, f"{slug} has no citations"
        for marker in markers:
            key = marker["href"].removeprefix("#source-")
            assert key in registry
            entry = page.find("li", id=f"source-{key}")
            assert entry is not None, f"{slug}: no source entry for {key}"
            assert entry.find("a", href=f"#{marker['id']}"), f"{slug}: {key} entry does not link back to {marker['id']}"
        numbers = [int(re.match(r"\[(\d+)", m.get_text()).group(1)) for m in markers]
        first_seen = list(dict.fromkeys(numbers))
        assert first_seen == list(range(1, len(first_seen) + 1)), "sources are numbered in order of first citation"


def test_every_body_paragraph_of_a_brief_is_cited(real_site):
    for html in (real_site / "briefs").rglob("index.html"):
        body = soup(html).select_one(".brief-body, .content, article")
        for p in body.find_all("p"):
            if p.find_parent(["footer", "aside", "nav", "header"]) or not p.get_text(strip=True):
                continue
            if p.find_parent(class_=re.compile("summary|lead|sources|linked")):
                continue
            prose = " ".join(t for t in p.find_all(string=True) if not t.find_parent("a", class_="xref"))
            if p.select("a.xref") and len(re.findall(r"\w+", prose)) <= 3:
                continue  # a line of cross-links ("See also …") states no fact (the lint's rule too)
            following = p.find_next_sibling()
            if p.get_text().rstrip().endswith(":") and following is not None and following.name in ("ul", "ol"):
                continue  # a lead-in to a list: the list items carry the citations (the lint's rule too)
            assert p.select("a.cite-ref"), f"{html}: uncited paragraph: {p.get_text()[:80]!r}"


def test_no_unresolved_syntax_is_left_in_any_output_page(real_site):
    for html in real_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for leftover in ("{filename}", "[[", "[@", "\ue000"):
            assert leftover not in text, f"{leftover!r} left in {html}"


def test_page_dates_are_the_page_s_history_not_the_topic_s_start(real_site):
    """JSON-LD and Open Graph of every brief: first and last commit of its Markdown file."""
    import json
    import subprocess

    for html in sorted((real_site / "briefs").glob("*/index.html")):
        page = soup(html)
        source = page.select_one('meta[name="source-file"]')["content"]
        days = subprocess.run(["git", "log", "--format=%cd", "--date=format-local:%Y-%m-%d", "--", source],
                              cwd=ROOT, capture_output=True, text=True, env={"TZ": "UTC", "PATH": "/usr/bin:/bin"}
                              ).stdout.split()
        if not days:
            continue  # not committed yet (a local edit): no dates are claimed
        ld = json.loads(page.find("script", type="application/ld+json").string)
        assert (ld["datePublished"], ld["dateModified"]) == (days[-1], days[0]), source
        assert page.find("meta", property="article:published_time")["content"] == days[-1]


def test_home_and_about_say_which_period_the_site_covers(real_site):
    for path in ("index.html", "about/index.html"):
        text = " ".join(soup(real_site / path).select_one(".coverage").get_text().split())
        assert re.fullmatch(r"The briefs cover \d{1,2} \w+ \d{4} to \d{1,2} \w+ \d{4}: nothing after .*", text), text


def test_the_timeline_tells_each_event_once(real_site):
    """No two rows on one day with nearly the same words (the lint's timeline-duplicate rule)."""
    from tools.lint.across import SIMILAR, _event_stems

    rows = soup(real_site / "timeline" / "index.html").select("ol.timeline > li")
    by_day: dict = {}
    for row in rows:
        by_day.setdefault(row.time["datetime"], []).append(_event_stems(row.select_one(".event-text").get_text()))
    for day, texts in by_day.items():
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                if len(a) >= 3 and len(b) >= 3:
                    assert len(a & b) / len(a | b) < SIMILAR, f"{day}: the same event twice on the timeline"
