"""A deterministic synthetic corpus: N briefs shaped like the real ones.

Every brief has the real front matter, about 800 words of generated filler
(pseudo-words built from syllables: no article text) in five paragraphs, 10
cross-links in all four forms, a citation to a generated `sources.yaml` in each
paragraph (the build's checks want one in every paragraph) and in each event of
its `## Timeline`, and sections with the explicit ids that cross-links point at.
The same seed gives the same bytes, so two runs of the benchmark build the same site.

`write_corpus(root, n)` writes the full corpus under `root/content`;
`write_baseline(root, n)` writes the same Markdown with our two syntaxes removed
(a cross-link becomes its text, a citation disappears) for plain Pelican.
"""

from __future__ import annotations

import datetime
import os
import random
import re

SEED = 20250418
STATUSES = ("proposed", "agreed", "signed", "in-force", "ongoing", "stalled", "expired", "rejected", "disputed")
SECTIONS = ("background", "terms", "positions", "outlook")
WORDS_PER_BRIEF = 760
XREFS_PER_BRIEF = 10
EVENTS_PER_BRIEF = 3
SYLLABLES = (
    "ka", "lo", "mi", "ra", "ne", "to", "su", "vi", "da", "pe", "zo", "ri", "ma", "no", "te",
    "sa", "bo", "li", "ku", "fe", "ga", "ho", "ju", "wi", "ye", "xa", "re", "ta", "on", "el",
)


class Corpus:
    """The generated site as data: briefs (dicts), sources, pages; deterministic in (n, seed)."""

    def __init__(self, n: int, seed: int = SEED):
        self.n = n
        self.rng = random.Random(f"{seed}:{n}")
        self.vocab = self._vocabulary(3000)
        self.tags = self.vocab[::100]  # 30 tags, as a real site has a few dozen
        self.briefs = [self._brief_head(i) for i in range(n)]
        self.sources = [self._source(i) for i in range(max(20, n // 4))]
        self.titles = {b["slug"]: b["title"] for b in self.briefs}
        for i, brief in enumerate(self.briefs):
            brief["body"] = self._body(i)

    # --- words -----------------------------------------------------------------
    def _vocabulary(self, size: int) -> list[str]:
        words = set()
        while len(words) < size:
            words.add("".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.choice((1, 2, 2, 3, 3, 4)))))
        return sorted(words)

    def words(self, count: int) -> list[str]:
        return [self.rng.choice(self.vocab) for _ in range(count)]

    def sentence(self, count: int | None = None) -> str:
        words = self.words(count or self.rng.randint(8, 22))
        return " ".join(words).capitalize() + "."

    # --- documents -----------------------------------------------------------------
    def _brief_head(self, i: int) -> dict:
        title_words = self.words(self.rng.randint(3, 6))
        slug = "-".join(title_words[:2]) + f"-{i}"
        start = datetime.date(2025, 1, 1) + datetime.timedelta(days=self.rng.randint(0, 120))
        as_of = start + datetime.timedelta(days=self.rng.randint(0, 60))
        return {
            "slug": slug,
            "title": " ".join(title_words).capitalize(),
            "summary": self.sentence(self.rng.randint(12, 24)),
            "status": self.rng.choice(STATUSES),
            "date": start.isoformat(),
            "as_of": as_of.isoformat(),
            "tags": sorted(set(self.rng.sample(self.tags, 2))),
        }

    def _source(self, i: int) -> dict:
        day = datetime.date(2025, 2, 1) + datetime.timedelta(days=self.rng.randint(0, 100))
        return {
            "id": f"src-{i:05d}",
            "title": self.sentence(self.rng.randint(5, 10))[:-1],
            "publisher": " ".join(self.words(2)).title(),
            "issued": day.isoformat(),
            "url": f"https://news.example.org/{day:%Y/%m/%d}/{'-'.join(self.words(3))}",
        }

    def _xref(self, i: int) -> str:
        target = self.rng.randrange(self.n)
        if target == i and self.n > 1:
            target = (i + 1) % self.n
        slug = self.briefs[target]["slug"]
        form = self.rng.randrange(4)
        section = self.rng.choice(SECTIONS)
        text = " ".join(self.words(self.rng.randint(1, 3)))
        return (f"[[{slug}]]", f"[[{slug}|{text}]]", f"[[{slug}#{section}]]", f"[[{slug}#{section}|{text}]]")[form]

    def _cite(self, i: int, first: bool) -> str:
        # Brief i always cites source i % S, so no source is left uncited (a warning).
        keys = [self.sources[i % len(self.sources)]["id"]] if first else []
        while len(keys) < self.rng.choice((1, 1, 1, 2)):
            keys.append(self.rng.choice(self.sources)["id"])
        items = [f"@{k}" + (f", para. {self.rng.randint(1, 9)}" if self.rng.random() < 0.3 else "") for k in keys]
        return "[" + "; ".join(items) + "]"

    def _paragraph(self, words: int, xrefs: int, cites: int, i: int, first_cite: bool) -> str:
        sentences = []
        while sum(len(s.split()) for s in sentences) < words:
            sentences.append(self.sentence())
        slots = self.rng.sample(range(len(sentences)), min(len(sentences), xrefs + cites))
        for n, slot in enumerate(slots):
            s = sentences[slot][:-1]
            if n < xrefs:
                cut = self.rng.randint(1, max(1, len(s.split()) - 1))
                parts = s.split()
                sentences[slot] = " ".join(parts[:cut] + [self._xref(i)] + parts[cut:]) + "."
            else:
                sentences[slot] = f"{s} {self._cite(i, first_cite and n == xrefs)}."
        return " ".join(sentences)

    def _body(self, i: int) -> str:
        # Five paragraphs, each cited (the build's checks require a citation in every
        # body paragraph), two cross-links in each; then the cited timeline.
        words = (WORDS_PER_BRIEF - EVENTS_PER_BRIEF * 12) // (len(SECTIONS) + 1)
        links = XREFS_PER_BRIEF // (len(SECTIONS) + 1)
        out = ["## In short", "", self._paragraph(words, links, 1, i, first_cite=True), ""]
        for sec in SECTIONS:
            heading = " ".join(self.words(self.rng.randint(2, 4))).capitalize()
            out += [f"## {heading} {{#{sec}}}", "", self._paragraph(words, links, 1, i, False), ""]
        out += ["## Timeline", ""]
        day = datetime.date.fromisoformat(self.briefs[i]["date"])
        for _ in range(EVENTS_PER_BRIEF):
            day += datetime.timedelta(days=self.rng.randint(1, 20))
            out.append(f"- {day.isoformat()}: {self.sentence(self.rng.randint(6, 12))} {self._cite(i, False)}")
        # As_of is the newest fact's date: no event after it (the build refuses one).
        self.briefs[i]["as_of"] = max(self.briefs[i]["as_of"], day.isoformat())
        return "\n".join(out) + "\n"

    # --- files -----------------------------------------------------------------
    def brief_text(self, brief: dict) -> str:
        head = [
            f"Title: {brief['title']}",
            f"Slug: {brief['slug']}",
            f"Summary: {brief['summary']}",
            f"Status: {brief['status']}",
            f"As_of: {brief['as_of']}",
            f"Date: {brief['date']}",
            f"Thread: {self.thread_of(brief)}",
        ]
        return "\n".join(head) + "\n\n" + brief["body"]

    THREADS = 8  # a real story has a handful of threads

    def thread_of(self, brief: dict) -> str:
        # From the brief's first tag (drawn from the seeded generator), so a brief keeps its
        # thread when the corpus grows.
        return f"thread-{self.tags.index(brief['tags'][0]) % self.THREADS}"

    def threads_yaml(self) -> str:
        lines = ["# Generated by bench/corpus.py.", "start_here:"]
        lines += [f"  - {b['slug']}" for b in self.briefs[:3]]
        lines.append("threads:")
        for t in range(self.THREADS):
            # Fixed words, not the generator's: files() is called more than once.
            lines += [f"  - id: thread-{t}", f"    title: Thread {t} of the story",
                      f"    summary: The briefs of thread {t}, in the order their topics began."]
        return "\n".join(lines) + "\n"

    def sources_yaml(self) -> str:
        lines = ["# Generated by bench/corpus.py: synthetic sources, not real articles.", ""]
        for s in self.sources:
            lines += [
                f"- id: {s['id']}",
                "  type: article-newspaper",
                f'  title: "{s["title"]}"',
                f"  container-title: {s['publisher']}",
                f"  issued: {s['issued']}",
                f"  URL: {s['url']}",
            ]
        return "\n".join(lines) + "\n"

    def about_text(self) -> str:
        links = " ".join(f"[[{b['slug']}]]" for b in self.briefs[:3])
        return f"Title: About\nSlug: about\n\n## How this site works\n\n{self.sentence()} {links}\n"

    def files(self) -> dict[str, str]:
        files = {f"content/briefs/{b['slug']}.md": self.brief_text(b) for b in self.briefs}
        files["content/sources.yaml"] = self.sources_yaml()
        files["content/threads.yaml"] = self.threads_yaml()
        files["content/pages/about.md"] = self.about_text()
        return files

    def strip_syntax(self, text: str) -> str:
        """The same Markdown without `[[...]]` and `[@...]`: what plain Pelican can build."""

        def xref(m):
            target, _, label = m.group(1).partition("|")
            return label or self.titles.get(target.partition("#")[0], target)

        text = re.sub(r" ?\[@[^\]\n]*\]", "", text)
        # Pelican reads `Status:` as draft/published; our `briefs` plugin moves the
        # topic's status aside, which for plain Pelican the front matter does itself.
        text = re.sub(r"^Status:", "Brief_status:", text, count=1, flags=re.M)
        return re.sub(r"\[\[([^\]\n]*)\]\]", xref, text)

    def baseline_files(self) -> dict[str, str]:
        return {
            path: self.strip_syntax(text)
            for path, text in self.files().items()
            if path.endswith(".md")
        }


def write_files(root: str, files: dict[str, str]) -> None:
    for rel, text in sorted(files.items()):
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def write_corpus(root: str, n: int, seed: int = SEED) -> Corpus:
    corpus = Corpus(n, seed)
    write_files(root, corpus.files())
    return corpus


def write_baseline(root: str, n: int, seed: int = SEED, corpus: Corpus | None = None) -> Corpus:
    corpus = corpus or Corpus(n, seed)
    write_files(root, corpus.baseline_files())
    return corpus
