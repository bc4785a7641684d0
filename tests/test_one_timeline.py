"""One event, one row on the site timeline; and the lint rules that keep the briefs from
telling the same thing twice (tools/lint/across.py)."""

from __future__ import annotations

import subprocess
import sys

from bs4 import BeautifulSoup

from sitebuild import ROOT, run_build, write_site

SOURCES = """
- id: wire-a
  type: webpage
  title: Wire report A
  container-title: Wire A
  issued: 2025-04-30
  URL: https://example.org/a
- id: paper-b
  type: webpage
  title: Paper report B
  container-title: Paper B
  issued: 2025-05-01
  URL: https://example.org/b
"""


def brief(slug: str, summary: str, short: str, events: str, extra: str = "") -> str:
    return (f"Title: {slug.capitalize()}\nSlug: {slug}\nSummary: {summary}\nStatus: ongoing\nAs_of: 2025-05-01\n"
            f"Date: 2025-04-01\n\n## In short\n\n{short}\n\n{extra}## Timeline\n\n{events}\n")


def lint(root) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "tools.lint", "--content", str(root / "content")], cwd=root,
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                                                 "BRIEFS_TODAY": "2025-05-02"})
    return result.stdout.splitlines()


def test_the_same_event_told_in_two_briefs_is_one_row_with_both_briefs_and_all_sources(tmp_path):
    write_site(tmp_path, {
        "content/sources.yaml": SOURCES,
        "content/briefs/alpha.md": brief("alpha", "The alpha brief.", "Alpha happened [@wire-a].",
                                         "- 2025-04-30: The fund agreement is signed in Washington. [@wire-a] "
                                         "{#fund-signed}\n- 2025-05-01: Alpha's own event. [@wire-a]"),
        "content/briefs/beta.md": brief("beta", "The beta brief.", "Beta happened [@paper-b].",
                                        "- 2025-04-30: Washington signs the fund agreement. [@paper-b] "
                                        "{#fund-signed}"),
    })
    assert not [line for line in lint(tmp_path) if "timeline" in line]
    result = run_build(tmp_path)
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup(result.page("timeline"), "lxml")
    rows = page.select("ol.timeline > li")
    assert len(rows) == 2
    signed = rows[0]
    assert signed["id"] == "alpha-fund-signed" and signed.find(id="beta-fund-signed") is not None
    assert [a.get_text() for a in signed.select(".event-brief a")] == ["Alpha", "Beta"]
    assert [a["href"] for a in signed.select(".event-brief a")] == [
        "../briefs/alpha/#fund-signed", "../briefs/beta/#fund-signed"]
    assert [a.get_text() for a in signed.select(".event-sources a")] == [
        "Wire A, 30 April 2025", "Paper B, 1 May 2025"]
    assert rows[1].select_one(".event-sources") is None  # a row of one brief keeps its own markers only


def test_near_identical_events_without_a_shared_id_are_a_warning_naming_both_places(tmp_path):
    write_site(tmp_path, {
        "content/sources.yaml": SOURCES,
        "content/briefs/alpha.md": brief("alpha", "The alpha brief.", "Alpha happened [@wire-a].",
                                         "- 2025-04-30: The fund agreement is signed in Washington. [@wire-a]"),
        "content/briefs/beta.md": brief("beta", "The beta brief.", "Beta happened [@paper-b].",
                                        "- 2025-04-30: Washington signs the fund agreement. [@paper-b]\n"
                                        "- 2025-04-30: Kyiv publishes its own account of the talks. [@paper-b]"),
    })
    assert [line for line in lint(tmp_path) if "timeline" in line] == [
        "content/briefs/beta.md:14:1: [warning] this event looks like the one at content/briefs/alpha.md:14 "
        "(same date, nearly the same words): give both the same id, e.g. {#some-event}, so the site timeline "
        "shows it once, or tell it in one brief only (timeline-duplicate)"]


def test_two_briefs_telling_one_meeting_in_other_words_are_a_warning(tmp_path):
    """Names count: the same meeting told with another verb and word order is still one event,
    while another event of that day with the same people is not."""
    write_site(tmp_path, {
        "content/sources.yaml": SOURCES,
        "content/briefs/alpha.md": brief("alpha", "The alpha brief.", "Alpha happened [@wire-a].",
                                         "- 2025-12-02: Putin receives Witkoff and Kushner in the Kremlin. [@wire-a]"),
        "content/briefs/beta.md": brief("beta", "The beta brief.", "Beta happened [@paper-b].",
                                        "- 2025-12-02: Witkoff and Kushner meet Putin in the Kremlin. [@paper-b]\n"
                                        "- 2025-12-02: Putin threatens to cut Ukraine off from the sea. [@paper-b]"),
    })
    assert [line.split(": [")[0] for line in lint(tmp_path) if "timeline-duplicate" in line] == [
        "content/briefs/beta.md:14:1"]


def test_one_event_id_with_two_dates_is_an_error(tmp_path):
    write_site(tmp_path, {
        "content/sources.yaml": SOURCES,
        "content/briefs/alpha.md": brief("alpha", "The alpha brief.", "Alpha happened [@wire-a].",
                                         "- 2025-04-30: The fund agreement is signed. [@wire-a] {#fund-signed}"),
        "content/briefs/beta.md": brief("beta", "The beta brief.", "Beta happened [@paper-b].",
                                        "- 2025-05-01: The fund agreement is signed. [@paper-b] {#fund-signed}"),
    })
    assert [line for line in lint(tmp_path) if "timeline" in line] == [
        "content/briefs/beta.md:14:1: [error] event id 'fund-signed' is dated 2025-05-01 here but 2025-04-30 at "
        "content/briefs/alpha.md:14: the same event has one date (timeline-id)"]


def test_an_in_short_that_restates_the_summary_and_a_quote_in_three_briefs_are_warnings(tmp_path):
    quote = 'The minister said talks were "moving forward with real difficulty" [@wire-a].\n\n'
    write_site(tmp_path, {
        "content/sources.yaml": SOURCES,
        "content/briefs/alpha.md": brief(
            "alpha", "Kyiv and Washington signed a fund agreement on minerals after weeks of talks.",
            "After weeks of talks, Kyiv and Washington signed the minerals fund agreement [@wire-a].",
            "- 2025-04-30: Signed. [@wire-a]", quote),
        "content/briefs/beta.md": brief("beta", "The beta brief.", "Beta happened [@paper-b].",
                                        "- 2025-04-29: Beta. [@paper-b]", quote),
        "content/briefs/gamma.md": brief("gamma", "The gamma brief.", "Gamma happened [@paper-b].",
                                         "- 2025-04-28: Gamma. [@paper-b]", quote),
    })
    assert [line for line in lint(tmp_path) if "(repetition)" in line] == [
        "content/briefs/alpha.md:10:1: [warning] this sentence of In short restates the Summary: let In short add "
        "to it (the Summary is shown right above it) (repetition)",
        "content/briefs/gamma.md:12:30: [warning] this quote is also in 2 other briefs (first "
        "content/briefs/alpha.md:12): quote it once, where it belongs, and link there (repetition)"]


def test_same_day_events_are_compared_as_if_every_pair_were(tmp_path):
    # The lint does not compare every pair of a day's events (a large site has hundreds a
    # day): it must still find exactly the pairs that comparing all of them finds.
    import random

    from tools.lint.across import SIMILAR, Event, _similar_pairs

    rnd = random.Random(7)
    words = [f"w{i}" for i in range(30)]
    events = [Event(f"b{i}.md", i, "2025-04-18", None, frozenset(rnd.sample(words, rnd.randint(3, 9))))
              for i in range(300)]
    everything = {(a.line, b.line) for j, b in enumerate(events) for a in events[:j]
                  if len(a.stems & b.stems) / len(a.stems | b.stems) >= SIMILAR}
    assert len(everything) > 50
    assert {(a.line, b.line) for a, b in _similar_pairs(events)} == everything


WHO = """Title: Who's who
Slug: people

## Officials

### Anna Kovalenko {#anna-kovalenko}

Minister. She spoke in Kyiv [@wire-a]. Appears in [[alpha]].

### Jon Smith {#jon-smith}

Envoy. He met her [@paper-b]. Appears in [[alpha]] and [[beta]].
"""


def test_a_whos_who_list_of_briefs_that_misses_or_invents_one_is_a_warning_at_its_line(tmp_path):
    # "Appears in" is written by hand; briefs change under it. The lint holds it to the briefs
    # that name the person (by surname), both ways.
    write_site(tmp_path, {
        "content/sources.yaml": SOURCES,
        "content/pages/people.md": WHO,
        "content/briefs/alpha.md": brief("alpha", "The alpha brief.", "Kovalenko met Smith [@wire-a].",
                                         "- 2025-04-30: Alpha. [@wire-a]"),
        "content/briefs/beta.md": brief("beta", "The beta brief.", "Minister Kovalenko spoke again [@paper-b].",
                                        "- 2025-04-29: Beta. [@paper-b]"),
    })
    assert [line for line in lint(tmp_path) if "(appears-in)" in line] == [
        "content/pages/people.md:8:40: [warning] Anna Kovalenko is named in beta too: add it to Appears in "
        "(appears-in)",
        "content/pages/people.md:12:31: [warning] Appears in lists beta, which does not name Jon Smith: take it "
        "out (appears-in)"]
