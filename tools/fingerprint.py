"""`make fingerprint SOURCE=key FILE=saved.html`: fingerprint a saved copy of a
source so that quotes cited to it are checked word for word by `make check`.

Reads the saved copy (HTML: the article's text is taken from <article>, else
<main>, else <body>, without scripts, navigation, headers and footers; Markdown or
plain text: as written), and writes content/fingerprints/<key>.json: hashes of its
word 5-grams and of pairs of its content-word stems, never its words (see
plugins/quotes/fingerprint.py and wording.py). The saved copy itself stays outside
the project.

`--start-at REGEX` (make: `START=...`) skips everything before the first line that
matches, e.g. a note at the top of a saved Markdown copy.

Exit status: 0 written; 1 the source id is unknown, the file is unreadable or has
too few words; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "plugins"))

from quotes import fingerprint  # noqa: E402

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
        "svg", "figure", "iframe")


def html_text(markup: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    root = soup.find("article") or soup.find("main") or soup.body or soup
    for tag in root.find_all(DROP):
        tag.decompose()
    return root.get_text(" ")


def markdown_text(text: str) -> str:
    import markdown

    return html_text(f"<body>{markdown.markdown(text, extensions=['extra'])}</body>")


def read_text(path: str, start_at: str | None = None) -> str:
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        text = f.read()
    if start_at:
        m = re.search(start_at, text, re.M)
        if not m:
            raise ValueError(f"--start-at {start_at!r} matches no line of {path}")
        text = text[text.rfind("\n", 0, m.start()) + 1 :]
    suffix = os.path.splitext(path)[1].lower()
    if suffix in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return html_text(text)
    if suffix in MARKDOWN_SUFFIXES:
        return markdown_text(text)
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="fingerprint", description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the source's id in content/sources.yaml")
    parser.add_argument("--file", required=True, help="a saved copy: .html, .md or .txt")
    parser.add_argument("--start-at", help="regular expression: skip the lines before the first match")
    parser.add_argument("--content", default=os.path.join(HERE, "content"), help="content folder (default: content/)")
    parser.add_argument("--output", help="where to write (default: <content>/fingerprints/<source>.json)")
    parser.add_argument("--n", type=int, default=fingerprint.N, help=argparse.SUPPRESS)
    parser.add_argument("--bits", type=int, default=fingerprint.BITS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if not args.source or not args.file:
        parser.error("give the source id and the saved file: make fingerprint SOURCE=key FILE=saved.html")
    from citations import registry

    sources = os.path.join(args.content, "sources.yaml")
    known = registry.load(sources).sources
    if args.source not in known:
        from problems import suggest

        print(f"fingerprint: unknown source '{args.source}'{suggest(args.source, known)}: "
              f"add it to {os.path.relpath(sources)} first", file=sys.stderr)
        return 1
    try:
        text = read_text(args.file, args.start_at)
    except (OSError, ValueError) as e:
        print(f"fingerprint: {e}", file=sys.stderr)
        return 1
    fp = fingerprint.make(args.source, text, args.n, args.bits)
    if fp.words < args.n:
        print(f"fingerprint: {args.file} has {fp.words} words: nothing to fingerprint", file=sys.stderr)
        return 1
    out = args.output or os.path.join(args.content, "fingerprints", f"{args.source}.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(fp.to_json())
    print(f"fingerprint: wrote {os.path.relpath(out)} from {fp.words} words of {args.file}: "
          f"{len(fp.hashes)} hashes of {fp.n}-word runs (to verify quotes) and {len(fp.wording)} hashes of "
          f"content-word pairs (to find near-copies); no text is stored", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
