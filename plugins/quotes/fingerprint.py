"""Fingerprints of saved sources: enough to check a quote word for word, not enough
to read the source.

A fingerprint is the set of hashes of every run of `n` consecutive words (word
n-grams) of the source's text, after normalisation. A quote is checked by hashing
its own n-grams: it is in the source when every one of them is in the set.

Normalisation (the same on both sides, so typography never causes a mismatch):
Unicode NFKC, casefold; apostrophes inside a word are dropped (`We’re` = `we're`
= `were`); every other character that is not a letter or a digit - quotes of any
kind, dashes, punctuation, `_` - separates words.

Why the hashes are short: each is a SHA-256 of `source-id + n-gram`, cut to
`bits` bits (24 by default). Checking a quote needs all of its n-grams to match,
so a wrong quote of 5 words passes by chance with probability about
words / 2**bits (1 in 11,000 for a 1,500-word article), a wrong 8-word quote
practically never. But someone trying to rebuild the text by guessing one word
after another finds several false matches for every true one at each step, so
the short hashes do not give the text back. No word of the source is stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field

from problems import ERROR, Problem

N = 5
BITS = 24
# 2 adds "wording" (wording.py: hashes of pairs of content-word stems, for finding
# near-copies). Version 1 files are still read: their quotes are checked, and the lint
# asks for them to be made again so that near-copies of them are found too.
VERSION = 2
VERSIONS = (1, 2)
# A word: letters and digits, with apostrophes inside it (we're, Russia’s, o'clock).
WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
APOSTROPHES_RE = re.compile(r"['’ʼ]")


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(normalised word, start, end) for each word of `text`; offsets index `text`."""
    out = []
    for m in WORD_RE.finditer(text):
        word = m.group()
        if word.isascii():  # most words: NFKC leaves ASCII as it is, and casefold is lower
            out.append((word.replace("'", "").lower(), m.start(), m.end()))
            continue
        word = APOSTROPHES_RE.sub("", unicodedata.normalize("NFKC", word)).casefold()
        # NFKC can split a character into several (the ligature "ﬁ" into "fi"); keep letters and digits.
        word = "".join(ch for ch in word if ch.isalnum())
        if word:
            out.append((word, m.start(), m.end()))
    return out


def words(text: str) -> list[str]:
    return [w for w, _, _ in tokens(text)]


def gram_hash(source: str, gram: list[str], bits: int = BITS) -> str:
    digest = hashlib.sha256(f"{source}\x1f{' '.join(gram)}".encode("utf-8")).hexdigest()
    return digest[: bits // 4]


@dataclass
class Fingerprint:
    source: str
    n: int = N
    bits: int = BITS
    words: int = 0
    hashes: frozenset = field(default_factory=frozenset)
    wording: frozenset | None = None  # None: a version 1 file, made before near-copies were checked
    wording_bits: int = BITS

    def missing(self, quote_words: list[str]) -> list[int]:
        """Indexes of the quote's n-grams that are not in the source."""
        grams = range(len(quote_words) - self.n + 1)
        return [i for i in grams if gram_hash(self.source, quote_words[i : i + self.n], self.bits) not in self.hashes]

    def to_json(self) -> str:
        data = {
            "source": self.source,
            "about": "Hashes of the word 5-grams of a saved copy of this source, for checking quotes "
                     "(see plugins/quotes/fingerprint.py), and of pairs of its content-word stems, for "
                     "finding near-copies (plugins/quotes/wording.py); they do not contain its text.",
            "version": VERSION,
            "hash": "sha256",
            "bits": self.bits,
            "n": self.n,
            "words": self.words,
            "hashes": sorted(self.hashes),
            "wording": {"bits": self.wording_bits, "hashes": sorted(self.wording or ())},
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def make(source: str, text: str, n: int = N, bits: int = BITS) -> Fingerprint:
    from . import wording

    all_words = words(text)
    hashes = {gram_hash(source, all_words[i : i + n], bits) for i in range(len(all_words) - n + 1)}
    return Fingerprint(source, n, bits, len(all_words), frozenset(hashes), wording.make(text), wording.BITS)


def first_difference(quote_words: list[str], missing: list[int], n: int) -> int:
    """Index of the quote word most likely to differ from the source.

    When the n-grams before a missing one matched, it is the word that missing
    n-gram brought in at its end; when the quote's first n-grams are missing but a
    later one matches, the last word before that one; when every n-gram is
    missing, the last word of the first n-gram (all of them contain it, for a
    quote of fewer than 2n words)."""
    first = missing[0]
    if first > 0:
        return first + n - 1
    last, found = first, set(missing)
    while last + 1 in found:
        last += 1
    if last < len(quote_words) - n:
        return last
    return min(n - 1, len(quote_words) - 1)


# --- The fingerprint folder ----------------------------------------------------------

def load_dir(folder: str, display: str) -> tuple[dict[str, Fingerprint], list[Problem]]:
    """{source id: Fingerprint} from `folder/*.json`; problems name files as `display/<name>`."""
    prints, problems = {}, []
    if not os.path.isdir(folder):
        return prints, problems
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        shown = f"{display}/{name}"

        def bad(message, shown=shown):
            problems.append(Problem(shown, 1, 1, ERROR, message, "fingerprint"))

        try:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, UnicodeDecodeError) as e:
            bad(f"cannot read fingerprint: {e}")
            continue
        except json.JSONDecodeError as e:
            problems.append(Problem(shown, e.lineno, e.colno, ERROR, f"invalid JSON: {e.msg}", "fingerprint"))
            continue
        if not isinstance(data, dict):
            bad("expected a JSON object with source, n, bits, words and hashes")
            continue
        source, n, bits, hashes = data.get("source"), data.get("n"), data.get("bits"), data.get("hashes")
        if not isinstance(source, str) or not source:
            bad("missing 'source': the id of the source in sources.yaml")
            continue
        if name != f"{source}.json":
            bad(f"fingerprint of '{source}' must be named '{source}.json'")
        if data.get("version") not in VERSIONS or data.get("hash") != "sha256":
            bad(f"unsupported fingerprint format: expected version {VERSION} and hash 'sha256'; "
                "make it again with `make fingerprint`")
            continue
        if not (isinstance(n, int) and n >= 2 and isinstance(bits, int) and bits % 4 == 0 and 16 <= bits <= 256):
            bad("'n' must be a whole number of words (at least 2) and 'bits' a multiple of 4 from 16 to 256")
            continue
        digits = bits // 4
        if not (isinstance(hashes, list) and all(isinstance(h, str) and len(h) == digits for h in hashes)):
            bad(f"'hashes' must be a list of {digits}-digit hexadecimal strings")
            continue
        if source in prints:
            bad(f"a second fingerprint for '{source}'")
            continue
        words_count = data.get("words") if isinstance(data.get("words"), int) else 0
        wording, wording_bits = None, BITS
        if data.get("version") >= 2:
            stored = data.get("wording")
            wording_bits = stored.get("bits") if isinstance(stored, dict) else None
            pairs = stored.get("hashes") if isinstance(stored, dict) else None
            if not (isinstance(wording_bits, int) and wording_bits % 4 == 0 and 16 <= wording_bits <= 256
                    and isinstance(pairs, list)
                    and all(isinstance(h, str) and len(h) == wording_bits // 4 for h in pairs)):
                bad("'wording' must be {\"bits\": a multiple of 4 from 16 to 256, \"hashes\": a list of "
                    "hexadecimal strings of that many bits}")
                continue
            wording = frozenset(pairs)
        prints[source] = Fingerprint(source, n, bits, words_count, frozenset(hashes), wording, wording_bits)
    return prints, problems


def fingerprints_dir(settings: dict) -> str:
    return settings.get("QUOTES_FINGERPRINTS") or os.path.join(settings["PATH"], "fingerprints")
