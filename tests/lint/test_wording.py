"""Near-copy detection (plugins/quotes/wording.py, rule `near-copy`).

The corpus in wording/ was written for these tests: `source.txt`, an invented report;
`near-copies.txt`, 30 sentences that follow it with the edits editors make (tense, an
article, a name spelled out, clauses swapped, a few words inserted); `paraphrases.txt`,
30 sentences telling the same facts in other words, sharing names, places and numbers."""

from __future__ import annotations

import json
import re

from quotes import wording as model
from quotes.fingerprint import words

from .conftest import HERE, ROOT, run_tool

CORPUS = HERE / "wording"


def sentences(name: str) -> list[str]:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def source() -> dict:
    return {"source": (model.make((CORPUS / "source.txt").read_text(encoding="utf-8")), model.BITS)}


def test_every_near_copy_is_found():
    near = sentences("near-copies.txt")
    assert len(near) >= 30
    missed = [s for s in near if model.judge(s, source()) is None]
    assert missed == []


def test_no_honest_paraphrase_is_flagged():
    honest = sentences("paraphrases.txt")
    assert len(honest) >= 30
    flagged = [s for s in honest if model.judge(s, source()) is not None]
    assert flagged == []


def test_the_same_words_inside_quotation_marks_are_a_quote_not_a_copy():
    copied = sentences("near-copies.txt")[0]
    text = f'One negotiator put it this way: "{copied}"'
    quote = (text.index('"'), len(text))
    assert model.judge(text, source()) is not None
    assert model.judge(text, source(), skip=[quote]) is None


def test_names_dates_and_fixed_phrases_alone_are_not_a_copy():
    shared = "Ilse Varga and Paolo Serra met in Arlen on Tuesday about the Tessin river treaty of Valdoria and Moreland."
    assert model.judge(shared, source()) is None


def test_the_stored_wording_holds_no_word_of_the_source():
    stored = json.dumps(sorted(model.make((CORPUS / "source.txt").read_text(encoding="utf-8"))))
    for word in set(words((CORPUS / "source.txt").read_text(encoding="utf-8"))):
        if len(word) >= 3 and not re.fullmatch(r"[0-9a-f]+", word):
            assert word not in stored


def test_make_check_reports_a_near_copy_at_its_line(tmp_path):
    content = tmp_path / "content"
    (content / "briefs").mkdir(parents=True)
    (content / "sources.yaml").write_text(
        "- id: river-report\n  type: article-newspaper\n  title: Test report\n  container-title: Test\n"
        "  URL: https://example.org/river\n", encoding="utf-8")
    made = run_tool("tools.fingerprint", "--source", "river-report", "--file", str(CORPUS / "source.txt"),
                    "--content", str(content), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "hashes of content-word pairs (to find near-copies); no text is stored" in made.stderr
    copy = sentences("near-copies.txt")[3]
    honest = sentences("paraphrases.txt")[3]
    (content / "briefs" / "river.md").write_text(
        "Title: River\nSlug: river\nSummary: A test brief.\nStatus: ongoing\nAs_of: 2025-04-18\n"
        f"Date: 2025-04-01\n\n## In short\n\n{honest} {copy} [@river-report]\n", encoding="utf-8")
    result = run_tool("tools.lint", "--settings", str(ROOT / "pelicanconf.py"), "--content", str(content),
                      cwd=tmp_path)
    column = 1 + len(honest) + 1
    assert [line for line in result.lines if "near-copy" in line] == [
        f"content/briefs/river.md:10:{column}: [error] this sentence follows the wording of river-report "
        "(12 of 13 content words in the source's order); say it in your own words or quote it (near-copy)"]
    assert result.returncode == 1


def test_wording_three_sources_share_is_common_language_not_a_copy():
    said = "Negotiators resumed technical work on energy infrastructure protection after the ceasefire collapsed."
    one = {"a": (model.make(said + " Other words follow here."), model.BITS)}
    assert model.judge(said, one) is not None
    three = {key: (model.make(said + f" Unrelated closing remark number {key}."), model.BITS) for key in "abc"}
    assert model.judge(said, three) is None
