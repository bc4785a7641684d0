"""`make new SLUG=grain-corridor TITLE="The grain corridor"`: start a brief.

Writes content/briefs/<slug>.md with valid front matter (status `ongoing`, Date and
As_of today) and the sections every brief has, each with a note (an HTML comment,
not shown on the page) on what goes there. It builds and passes `make check` as
it is; the one warning left is the summary, until it is rewritten.

"Today" is the BRIEFS_TODAY environment variable (YYYY-MM-DD) when set, else the
system date. Never overwrites a file.

`make new` passes SLUG and TITLE in the environment (BRIEF_SLUG, BRIEF_TITLE), quoted by
make, never through the shell's parsing: a title with `$(...)`, backticks, `$100` or
quotation marks arrives as written.

Exit status: 0 created; 1 the file exists or the slug is taken; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "plugins"))

from briefs.frontmatter import SLUG_RE  # noqa: E402

from tools.lint import today  # noqa: E402
from tools.lint.rules import SCAFFOLD_MARK as PLACEHOLDER  # noqa: E402  (make check warns while it is there)

MAX_SLUG = 80  # a file name and a URL path segment; far below the file system's 255 bytes
MAX_TITLE = 200

TEMPLATE = """\
Title: {title}
Slug: {slug}
Summary: What this brief is about, who agreed to what, and where it stands {placeholder}.
Status: ongoing
As_of: {today}
Date: {today}
{thread_line}
## In short

<!-- Two to four sentences for a reader in a hurry: what happened, who agreed to or refused
what, and where things stand on the As_of date. Every paragraph needs a citation, e.g.
[@wapo-2025-04-18] or [@key, para. 4]: the keys are the ids in content/sources.yaml.
Link other briefs with [[slug]] or [[slug#section|text]].
Summary: one plain sentence, no Markdown. Status: proposed, agreed, signed, in-force,
ongoing, stalled, expired, rejected or disputed. Date: when the topic began. As_of: the
date the facts are current to. Thread: the thread of the story it belongs to (the ids
are in content/threads.yaml). Changed: 'YYYY-MM-DD: one sentence' on what changed, shown
in the home page's latest updates. -->

## Background {{#background}}

<!-- How it came about. Attribute contested claims ("Moscow says...", "Kyiv counts...").
Quotes: a phrase or one sentence, word for word, in quotation marks, with the speaker
named and a citation in the same sentence. -->

## Where things stand {{#where-things-stand}}

<!-- What each side has said or done since, up to As_of (the date of the newest fact
here). Where sources disagree, give each version with its own citation. A later event:
rewrite this section and move As_of forward, rather than adding an appendix. -->

## Timeline

<!-- One event per line, oldest first, each starting with an ISO date and a colon:
- 2025-03-18: Trump and Putin speak by phone. [@key]
An event another brief tells too gets the same id in both, so the site timeline shows it once:
- 2025-03-18: Trump and Putin speak by phone. [@key] {{#trump-putin-call-march}} -->
"""


def scaffold(slug: str, title: str, day: str, thread: str = "") -> str:
    # The title appears once, as the Title field's text: whatever it holds ([[, [@, quotes,
    # braces), nothing else in the scaffold is built from it.
    return TEMPLATE.format(slug=slug, title=title, today=day, placeholder=PLACEHOLDER,
                           thread_line=f"Thread: {thread}\n" if thread else "")


def thread_ids(content: str) -> list[str] | None:
    """The thread ids of content/threads.yaml, in story order; None when it has none."""
    from threads.registry import load

    threads = load(os.path.join(content, "threads.yaml"))
    return [t.id for t in threads.threads] if threads.present and not threads.unreadable else None


def suggest_slug(text: str) -> str:
    from markdown.extensions.toc import slugify

    return slugify(text, "-")


def taken_slugs(content: str) -> dict[str, str]:
    """{slug: file} of every brief and page, from their front matter."""
    from briefs.frontmatter import read_header

    slugs = {}
    for sub in ("briefs", "pages"):
        folder = os.path.join(content, sub)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.endswith(".md"):
                with open(os.path.join(folder, name), encoding="utf-8-sig", errors="replace") as f:
                    slug = read_header(f.read()).get("slug", ("", 0))[0] or name[:-3]
                slugs.setdefault(slug, os.path.relpath(os.path.join(folder, name)))
    return slugs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="newbrief", description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default=os.environ.get("BRIEF_SLUG", ""),
                        help="lowercase words joined by '-': the brief's URL and file name")
    parser.add_argument("--title", default=os.environ.get("BRIEF_TITLE", ""), help="the brief's title")
    parser.add_argument("--thread", default=os.environ.get("BRIEF_THREAD", ""),
                        help="the thread it belongs to (an id from content/threads.yaml)")
    parser.add_argument("--content", default=os.path.join(HERE, "content"), help="content folder (default: content/)")
    args = parser.parse_args(argv)
    slug, title = args.slug.strip(), " ".join(args.title.split())

    def usage(message):
        print(f"newbrief: {message}", file=sys.stderr)
        return 2

    if not slug and not title:
        return usage('give a slug and a title: make new SLUG=grain-corridor TITLE="The grain corridor"')
    if not slug:
        return usage(f"give a slug too, e.g. SLUG={suggest_slug(title)}")
    if not SLUG_RE.match(slug):
        hint = suggest_slug(slug)
        return usage(f"invalid slug '{slug}': expected lowercase letters and digits joined by single '-'"
                     + (f" (did you mean '{hint}'?)" if hint and SLUG_RE.match(hint) else ""))
    if len(slug) > MAX_SLUG:
        return usage(f"slug is {len(slug)} characters long; keep it to {MAX_SLUG} or fewer (it is the file name "
                     "and the URL)")
    if not title:
        return usage('give a title too, e.g. TITLE="The grain corridor"')
    if len(title) > MAX_TITLE:
        return usage(f"title is {len(title)} characters long; keep it to {MAX_TITLE} or fewer")
    thread = args.thread.strip()
    ids = thread_ids(args.content)
    if ids is not None and not thread:
        return usage(f"give the thread it belongs to too, e.g. THREAD={ids[0]} (one of: {', '.join(ids)})")
    if ids is not None and thread not in ids:
        from problems import suggest

        return usage(f"unknown thread '{thread}'{suggest(thread, ids)}: expected one of: {', '.join(ids)}")
    if ids is None and thread:
        return usage(f"THREAD={thread}: this content has no threads (no content/threads.yaml)")
    try:
        day = today().isoformat()
    except SystemExit as e:
        return usage(str(e))

    path = os.path.join(args.content, "briefs", f"{slug}.md")
    shown = os.path.relpath(path)
    if os.path.exists(path):
        print(f"newbrief: {shown} already exists: not overwriting it", file=sys.stderr)
        return 1
    taken = taken_slugs(args.content)
    if slug in taken:
        print(f"newbrief: slug '{slug}' is already used by {taken[slug]}", file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as f:
            f.write(scaffold(slug, title, day, thread))
    except FileExistsError:
        print(f"newbrief: {shown} already exists: not overwriting it", file=sys.stderr)
        return 1
    print(f"created {shown}: write the summary and the sections, then run `make check` "
          "(or `make devserver` for a live preview)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
