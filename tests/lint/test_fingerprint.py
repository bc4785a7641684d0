"""Quote verification: fingerprints made by `make fingerprint`, quotes found and
checked against them, and verified quotes marked on the built page."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from quotes import fingerprint

from quotes.fingerprint import first_difference, make, tokens, words
from quotes.html import TITLE, mark_verified
from quotes.scan import CITE, Quote, StrayMark, find, verify

from .conftest import ROOT, run_tool

CORPUS = Path(__file__).resolve().parent / "corpus"
SAVED = CORPUS / "envoy-remarks.html"
FORMAT_KEYS = {"source", "about", "version", "hash", "bits", "n", "words", "hashes", "wording"}


def test_the_fingerprint_holds_hashes_and_no_word_of_the_source(fingerprinted):
    text = (fingerprinted / "fingerprints" / "envoy-2025-04-15.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert set(data) == FORMAT_KEYS
    assert (data["source"], data["n"], data["bits"], data["words"]) == ("envoy-2025-04-15", 5, 24, 90)
    assert data["hashes"] == sorted(set(data["hashes"]))
    assert all(re.fullmatch(r"[0-9a-f]{6}", h) for h in data["hashes"])
    assert data["version"] == 2 and data["wording"]["bits"] == 24
    assert data["wording"]["hashes"] == sorted(set(data["wording"]["hashes"])) != []
    assert all(re.fullmatch(r"[0-9a-f]{6}", h) for h in data["wording"]["hashes"])
    # Every value but the id and the "about" note (the same for every source) is a number or a hash.
    values = json.dumps([v for k, v in data.items() if k not in ("about", "source")])
    leaked = [w for w in set(words(SAVED.read_text(encoding="utf-8"))) if len(w) > 2 and w in values.casefold()]
    assert leaked == []


def test_a_version_1_fingerprint_still_verifies_quotes(site, lint_site):
    """Files made before near-copies were checked (no "wording") are read as they are."""
    path = site / "content" / "fingerprints" / "envoy-2025-04-15.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["wording"]
    data["version"] = 1
    path.write_text(json.dumps(data), encoding="utf-8")
    result = lint_site(None, "--quotes")
    assert not [line for line in result.lines if "(fingerprint)" in line]
    assert any(" verified [envoy-2025-04-15] " in line for line in result.lines)


def test_the_same_saved_copy_gives_the_same_file(fingerprinted, tmp_path):
    again = tmp_path / "again.json"
    result = run_tool("tools.fingerprint", "--source", "envoy-2025-04-15", "--file", str(SAVED),
                      "--content", str(fingerprinted), "--output", str(again), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == (fingerprinted / "fingerprints" / "envoy-2025-04-15.json").read_bytes()


def test_the_html_of_a_saved_page_gives_only_the_article_text():
    from tools.fingerprint import read_text

    text = " ".join(read_text(str(SAVED)).split())
    assert text.startswith("The envoy's remarks on the harbour agreement GENEVA, 15 April.")
    for outside in ("tracking", "Home", "Copyright"):
        assert outside not in text


def test_a_saved_markdown_copy_can_skip_its_preamble(tmp_path):
    from tools.fingerprint import read_text

    saved = tmp_path / "saved.md"
    saved.write_text("A note for editors, not the article.\n\n---\n\n# Headline\n\nThe *first* paragraph.\n",
                     encoding="utf-8")
    assert " ".join(read_text(str(saved), "^---$").split()) == "Headline The first paragraph."


def test_an_unknown_source_is_refused_with_a_suggestion(fingerprinted, tmp_path):
    result = run_tool("tools.fingerprint", "--source", "envoy-2025-04-51", "--file", str(SAVED),
                      "--content", str(fingerprinted), "--output", str(tmp_path / "x.json"), cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown source 'envoy-2025-04-51' (did you mean 'envoy-2025-04-15'?)" in result.stderr
    assert not (tmp_path / "x.json").exists()


# --- Normalisation and checking ------------------------------------------------------

def test_words_ignore_case_quote_marks_apostrophes_and_dashes():
    assert words("We’re “ready” — U.S.-led, 30-day") == words("were \"READY\" - u s led 30 day")
    assert [t[1:] for t in tokens("Don’t stop")] == [(0, 5), (6, 10)]


def test_a_quote_is_verified_misquoted_or_too_short():
    fp = {"s": make("s", "Then she said: “We will sign the agreement within two weeks, not later.” And left.")}
    assert verify("we will sign the agreement within two weeks", ["s"], fp).status == "verified"
    wrong = verify("We will sign the treaty within two weeks", ["s"], fp)
    assert (wrong.status, wrong.sources, wrong.word) == ("mismatch", ("s",), "treaty")
    assert verify("within two weeks", ["s"], fp).status == "short"
    assert verify("We will sign the agreement … not later", ["s"], fp).status == "short"  # 'not later' too short
    assert verify("We will sign the agreement within two weeks", ["t"], fp).status == "unverified"


def test_the_first_difference_is_the_word_the_missing_gram_brings_in():
    assert first_difference(list("abcdefg"), [2, 3], 5) == 6
    assert first_difference(list("abcdefg"), [0, 1], 5) == 1
    assert first_difference(list("abcdef"), [0, 1], 5) == 4


@pytest.mark.parametrize("flat, quotes, strays", [
    # the citation right after the quote, or later in the same sentence
    (f'He said "a b" today {CITE}.', [Quote(8, 12, 20)], []),
    # timeline style: the citation after the sentence's full stop still counts
    (f'They called it "useful". {CITE}', [Quote(15, 22, 25)], []),
    # a new sentence before the citation: not covered
    (f'He said "a b". Then she left {CITE}.', [Quote(8, 12, None)], []),
    # "U.S." does not end a sentence
    (f'He said "a b" to U.S. officials {CITE}.', [Quote(8, 12, 32)], []),
    # curly marks; an opening mark never closed; a closing mark never opened
    (f"“a” {CITE} and “b", [Quote(0, 2, 4)], [StrayMark(10, "unclosed")]),
    (f"a” b {CITE}", [], [StrayMark(1, "unopened")]),
])
def test_quotes_and_the_citation_that_covers_them(flat, quotes, strays):
    assert find(flat) == (quotes, strays)


# --- Marking on the page ------------------------------------------------------------

def test_a_verified_quote_becomes_q_with_a_check_mark():
    fp = {"s": make("s", "We will sign the agreement within two weeks.")}
    cite = '<sup class="cite"><a class="cite-ref" id="cite-s-1" href="#source-s">[1]</a></sup>'
    html = f"<p>She said &ldquo;we will sign the <em>agreement</em> within two weeks&rdquo; {cite}.</p>"
    marked, count = mark_verified(html, fp, "../about/#quote-verification")
    assert count == 1
    assert marked == (
        f'<p>She said <q class="verified" title="{TITLE}">we will sign the <em>agreement</em> within two weeks</q>'
        f'<a class="verified-link" href="../about/#quote-verification"><span class="verified-mark" title="{TITLE}">'
        '<span aria-hidden="true">✓</span><span class="vh"> (quote checked against a saved copy of the source)'
        f"</span></span></a> {cite}.</p>"
    )
    misquote = html.replace("two weeks", "ten weeks")
    assert mark_verified(misquote, fp) == (misquote, 0)


def test_the_real_base_source_has_a_fingerprint_and_its_quotes_are_marked(real_site):
    data = json.loads((ROOT / "content" / "fingerprints" / "wapo-2025-04-18.json").read_text(encoding="utf-8"))
    assert set(data) == FORMAT_KEYS and data["source"] == "wapo-2025-04-18" and data["words"] > 1000
    pages = [p.read_text(encoding="utf-8") for p in (real_site / "briefs").glob("*/index.html")]
    assert any(f'<q class="verified" title="{TITLE}">' in page for page in pages)


def test_a_quote_cited_to_a_source_without_a_fingerprint_is_a_warning(lint_site):
    brief = ("Title: Gamma\nSlug: gamma\nSummary: A brief.\nStatus: ongoing\nAs_of: 2025-04-18\n"
             "Date: 2025-04-17\n\n## In short\n\n"
             'The minister said the harbour would "open again within a few weeks" [@paper-2025-04-18].\n')
    result = lint_site({"content/briefs/gamma.md": brief})
    assert ("content/briefs/gamma.md:10:37: [warning] quotation cited to 'paper-2025-04-18', which has no "
            "fingerprint, so it is not checked word for word: save the page and run make fingerprint "
            "SOURCE=paper-2025-04-18 FILE=<saved page> (quote-unverified)") in result.lines


PIECES = ["we", "Re", "O", "NEILL", "9", "'", "’", "ʼ", " ", "-", "_", ".", "ﬁ", "É", "ß", "e\u0301", "İ", "½", "٣"]


@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
@example("We're O'NEILL's, ﬁne: Éé we’re")
def test_words_are_normalised_the_same_on_the_fast_path_for_ascii(text):
    # tokens() skips Unicode normalisation for ASCII words (most words, and the lint
    # stems every sentence): the result must be what normalising every word gives.
    def normalised(text):
        out = []
        for m in fingerprint.WORD_RE.finditer(text):
            word = fingerprint.APOSTROPHES_RE.sub("", unicodedata.normalize("NFKC", m.group())).casefold()
            word = "".join(ch for ch in word if ch.isalnum())
            if word:
                out.append((word, m.start(), m.end()))
        return out

    assert fingerprint.tokens(text) == normalised(text)
