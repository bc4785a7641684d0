"""Near-copies: a sentence of ours that follows a source's wording with a few words changed.

A quote is checked word for word (fingerprint.py); a near-copy is not a quote, so it is
found another way. Editors who follow a source change the tense, drop or add an article,
spell a name out ("Zelensky" -> "Volodymyr Zelensky"), swap two clauses or insert a
few words. What survives all of that is the source's *content words in their order*. So
both sides are reduced to a sequence of content-word stems:

- function words (articles, auxiliaries, pronouns, prepositions, "said"), numbers and
  month names are dropped: they carry no wording of the source's own;
- each word is stemmed crudely (irregular past tenses mapped, common endings cut, then
  the first STEM_LETTERS letters kept), so "negotiated", "negotiating" and
  "negotiations" meet;
- names are left out too: a capitalised word that does not open the sentence ("Marco
  Rubio", "Black Sea", "Kremlin spokesman Dmitry Peskov" keeps only "spokesman") is shared
  by every account of the same events, and spelling a name out changes nothing;
- a source stores the hashes of each pair of neighbouring stems and each pair one stem
  apart (so one inserted word does not break the chain).

A sentence is a near-copy of a source when enough of its content words are covered by
pairs found in that source (NEAR_COPY_MIN_WORDS and NEAR_COPY_SHARE). A pair that
COMMON_IN sources or more share ("peace talks", "energy infrastructure") is the common
language of the subject, not one source's wording, and covers nothing. Words inside
quotation marks are not ours and are left out: quoting is the honest alternative.

Why the stored pairs cannot give the text back: they have no order beyond pairs, no
function words, no endings, and each hash is cut to BITS bits. With a vocabulary of
20,000 stems there are 4 x 10**8 possible pairs for 1.7 x 10**7 hash values, so every
stored hash fits some 24 different pairs: a guesser gets a bag of ambiguous word pairs
with the grammar removed, not sentences.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import NamedTuple

from .fingerprint import WORD_RE, tokens

BITS = 24
STEM_LETTERS = 6
NEAR_COPY_MIN_WORDS = 5  # covered content words: fewer is a shared phrase, not a sentence
NEAR_COPY_SHARE = 0.7  # of the sentence's content words (test corpus: copies 0.8 and up, paraphrases 0.62 at most)
MIN_CONTENT_WORDS = 5  # shorter sentences are not judged: too little to tell
COMMON_IN = 3  # sources sharing a pair make it common language

STOP = frozenset("""
a an the and or but nor of to in on at by for with from as into onto over under about after before
during since until between against among through without within upon off out up down than then
that this these those there here it its it's itself he she they them his her hers their theirs him
we us our ours you your i me my mine who whom whose which what when where while why how whether
is are was were be been being am has have had having do does did doing done will would shall
should can could may might must not no yes so if also too very just only even still yet ever
said say says saying told tell tells according added add adds
one ones own such other another each every all any both either neither more most much many
some few less least now then again already there's s t
""".split())
MONTHS = frozenset("""january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
saturday sunday""".split())
IRREGULAR = {
    "met": "meet", "held": "hold", "took": "take", "taken": "take", "made": "make", "gave": "give",
    "given": "give", "went": "go", "gone": "go", "came": "come", "began": "begin", "begun": "begin",
    "left": "leave", "sent": "send", "spoke": "speak", "spoken": "speak", "brought": "bring",
    "thought": "think", "led": "lead", "won": "win", "struck": "strike", "ran": "run",
    "sought": "seek", "fell": "fall", "fallen": "fall", "kept": "keep", "wrote": "write",
    "written": "write", "saw": "see", "seen": "see", "knew": "know", "known": "know",
    "became": "become", "found": "find", "rose": "rise", "risen": "rise", "stood": "stand",
    "chose": "choose", "chosen": "choose", "drew": "draw", "drawn": "draw", "grew": "grow",
    "grown": "grow", "broke": "break", "broken": "break", "set": "set", "put": "put",
    "paid": "pay", "laid": "lay", "meant": "mean", "heard": "hear", "felt": "feel",
    "lost": "lose", "spent": "spend", "built": "build", "sold": "sell", "bought": "buy",
    "withdrew": "withdraw", "withdrawn": "withdraw", "flew": "fly", "flown": "fly",
}
_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", ""))


@functools.lru_cache(maxsize=65536)  # a site's vocabulary is a few thousand words, each seen often
def stem(word: str) -> str:
    """A crude, stable stem: enough to make tense and number meet, never exact linguistics."""
    if word in IRREGULAR:
        word = IRREGULAR[word]
    else:
        for suffix, replacement in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
                word = word[: len(word) - len(suffix)] + replacement
                break
    if len(word) > 3 and word.endswith("e"):  # "agree"/"agreed", "cease"/"ceased" meet
        word = word[:-1]
    return word[:STEM_LETTERS]


class Content(NamedTuple):  # a tuple: made for every word of every sentence checked, so cheap to make
    stem: str
    capital: bool  # written with a capital letter (a name, a title, a sentence's first word)
    start: int  # offsets in the text given to content_words
    end: int


def content_words(text: str) -> list[Content]:
    """The words that carry a text's wording: not function words, numbers, months or names."""
    out = []
    first = True
    for word, start, end in tokens(text):
        opens = first
        first = False
        if word in STOP or word in MONTHS or (not word.isalpha() and any(ch.isdigit() for ch in word)):
            continue
        if text[start].isupper() and not opens:
            continue  # a name (or a title) inside the sentence
        out.append(Content(stem(word), text[start].isupper(), start, end))
    return out


def _pairs(words: list[Content]):
    """(i, j) index pairs the model stores: neighbours and neighbours but one."""
    for gap in (1, 2):
        for i in range(len(words) - gap):
            yield i, i + gap


def pair_hash(a: str, b: str, bits: int = BITS) -> str:
    return hashlib.sha256(f"{a}\x1f{b}".encode("utf-8")).hexdigest()[: bits // 4]


def make(text: str, bits: int = BITS) -> frozenset:
    """The stored wording hashes of a source's text."""
    hashes = set()
    for sentence in sentences(text):
        words = content_words(sentence)
        hashes.update(pair_hash(words[i].stem, words[j].stem, bits) for i, j in _pairs(words))
    return frozenset(hashes)


SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def sentences(text: str) -> list[str]:
    """A source's text in sentences (pairs never bridge two sentences on either side)."""
    return [m.group() for m in SENTENCE_RE.finditer(text) if WORD_RE.search(m.group())]


@dataclass(frozen=True)
class NearCopy:
    source: str
    covered: int  # content words of the sentence covered by pairs found in the source
    total: int  # content words of the sentence


_index_cache: dict = {}


def _index(wording: dict[str, tuple[frozenset, int]]) -> tuple[frozenset, dict]:
    """(common hashes, {bits: {hash: [sources]}}) for a set of fingerprints, made once per set
    (a build, a lint run): the hashes in COMMON_IN or more sources are shared language, and the
    inverted index lets a sentence find the sources that share its pairs without trying each."""
    key = tuple(sorted((source, id(hashes)) for source, (hashes, _) in wording.items()))
    if key not in _index_cache:
        inverted: dict = {}
        for source, (hashes, bits) in sorted(wording.items()):
            table = inverted.setdefault(bits, {})
            for h in hashes:
                table.setdefault(h, []).append(source)
        common = frozenset(h for table in inverted.values() for h, users in table.items() if len(users) >= COMMON_IN)
        _index_cache.clear()  # one set of fingerprints at a time
        _index_cache[key] = (common, inverted)
    return _index_cache[key]


def common_pairs(wording: dict[str, tuple[frozenset, int]]) -> frozenset:
    """Hashes in COMMON_IN or more of the sources (computed once per set of fingerprints)."""
    return _index(wording)[0]


def judge(text: str, wording: dict[str, tuple[frozenset, int]], skip: list[tuple[int, int]] = ()) -> NearCopy | None:
    """The source `text` (one sentence of ours) follows most closely, if it is a near-copy.

    `wording`: {source id: (hashes, bits)}. `skip`: spans of `text` (quotations) whose
    words are not ours and are left out; pairs do not bridge them."""
    words = [w for w in content_words(text) if not any(a <= w.start < b for a, b in skip)]
    if len(words) < MIN_CONTENT_WORDS:
        return None
    # A quotation between two words breaks the chain: they are not neighbours in our prose.
    breaks = {i for i in range(len(words) - 1) if any(words[i].end <= a and b <= words[i + 1].start for a, b in skip)}
    pairs = [(i, j) for i, j in _pairs(words) if not any(k in breaks for k in range(i, j))]
    common, inverted = _index(wording)
    covered_by: dict[str, set] = {}
    for bits, table in inverted.items():
        for i, j in pairs:
            h = pair_hash(words[i].stem, words[j].stem, bits)
            if h in common:
                continue
            for source in table.get(h, ()):
                covered_by.setdefault(source, set()).update((i, j))
    best = None
    for source in sorted(covered_by):
        covered = covered_by[source]
        if len(covered) >= NEAR_COPY_MIN_WORDS and len(covered) >= NEAR_COPY_SHARE * len(words):
            found = NearCopy(source, len(covered), len(words))
            if best is None or found.covered > best.covered:
                best = found
    return best
