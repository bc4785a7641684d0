"""Front matter of a brief: what is required, what each field may hold.

Pure functions over (path, metadata-as-written) so `make check` and the build
report the same problems with the same words."""

from __future__ import annotations

import re

from problems import ERROR, WARNING, Problem, invisible_names, suggest

STATUSES = ("proposed", "agreed", "signed", "in-force", "ongoing", "stalled", "expired", "rejected", "disputed")
REQUIRED_BRIEF = ("title", "slug", "summary", "status", "as_of", "date")
REQUIRED_PAGE = ("title", "slug")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIELD_RE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.*)$")
MAX_SUMMARY = 300
MAX_CHANGED = 220
CHANGED_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}):\s*(\S.*)$")
# Markdown or HTML in a summary would show as written on cards and in feeds:
# emphasis (*x*, **x**, _x_), code, links, tags.
SUMMARY_MARKUP_RE = re.compile(r"\*\*?(?=\S)|(?<![\w])_(?=\w)|`|\[[^\]]*\]\(|<[A-Za-z/!]")


STOPPED = " stopped"  # header key (no field can start with a space): where the header ended early
# A line meant as a field that Pelican cannot read as one: `As of: …`, `Date 2025-04-18:`.
ATTEMPTED_FIELD_RE = re.compile(r"^[^#\-*+>\[\s][^:]{0,30}:")


def read_header(text: str) -> dict:
    """{key (lowercased): (value, line)} for Pelican's `Key: value` header lines. A line
    that looks meant as a field but is not one ends the header as it ends Pelican's: it is
    kept under STOPPED, (line text, line number), for `check` to point at."""
    header = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            break
        m = FIELD_RE.match(line)
        if not m:
            if header and ATTEMPTED_FIELD_RE.match(line):
                header[STOPPED] = (line, number)
            break
        header.setdefault(m.group(1).lower(), (m.group(2).strip(), number))
    return header


def is_iso_day(value: str) -> bool:
    import datetime

    if not ISO_DAY_RE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def theme_templates(theme: str | None) -> set[str] | None:
    """Names a `Template:` field may give (the theme's templates/*.html), or None if unknown."""
    import os

    folder = os.path.join(theme, "templates") if theme else ""
    if not folder or not os.path.isdir(folder):
        return None
    return {name[:-5] for name in os.listdir(folder) if name.endswith(".html")}


def own_folder(kind: str, slug: str) -> str:
    """Where a document's output belongs: briefs/<slug>/ or <slug>/ (ARTICLE_SAVE_AS, PAGE_SAVE_AS)."""
    return f"briefs/{slug}/" if kind == "brief" else f"{slug}/"


def check(path: str, header: dict, kind: str = "brief", templates: set[str] | None = None) -> list[Problem]:
    """Problems in one document's front matter; `kind` is 'brief' or 'page'; `templates`,
    the theme's template names, when known."""
    problems = []

    def add(line, message, col=1):
        problems.append(Problem(path, line, col, ERROR, message, "front-matter"))

    if STOPPED in header:
        text, line = header[STOPPED]
        key = text.split(":", 1)[0]
        hint = key.strip().replace(" ", "_")
        add(line, f"the front matter stops here: '{text[:60]}' is not a 'Key: value' line (a key is letters, "
            f"digits, '_' or '-'{f', e.g. {hint}' if hint != key and FIELD_RE.match(hint + ':') else ''}); "
            "every field after it is read as body text")
    required = REQUIRED_BRIEF if kind == "brief" else REQUIRED_PAGE
    for name in required:
        if not header.get(name, ("", 0))[0]:
            line = header[name][1] if name in header else 1
            label = "As_of" if name == "as_of" else name.capitalize()
            add(line, f"missing required field '{label}:'")
    if "slug" in header and header["slug"][0] and not SLUG_RE.match(header["slug"][0]):
        hidden = invisible_names(header["slug"][0])
        add(header["slug"][1], f"invalid slug '{header['slug'][0]}': expected lowercase words joined by '-'"
            + (f"; it contains invisible characters: {hidden}" if hidden else ""))
    if "status" in header and header["status"][0]:
        value, line = header["status"]
        if value not in STATUSES:
            add(line, f"unknown status '{value}'{suggest(value, STATUSES)}: expected one of: {', '.join(STATUSES)}")
    for name in ("as_of", "date", "modified", "reviewed"):
        if name in header and header[name][0] and not is_iso_day(header[name][0]):
            value, line = header[name]
            label = "As_of" if name == "as_of" else name.capitalize()
            if ISO_DAY_RE.match(value):
                add(line, f"'{label}: {value}' is not a calendar date: expected a real day as YYYY-MM-DD")
            else:
                add(line, f"'{label}' expected an ISO date (YYYY-MM-DD) but received: '{value}'")
    if templates is not None and header.get("template", ("", 0))[0]:
        value, line = header["template"]
        if value not in templates:
            add(line, f"unknown template '{value}'{suggest(value, sorted(templates))}: expected one of the "
                f"theme's templates: {', '.join(sorted(templates))}")
    slug = header.get("slug", ("", 0))[0]
    for name, label in (("save_as", "Save_as"), ("url", "URL")):
        value, line = header.get(name, ("", 0))
        if not value or not slug or not SLUG_RE.match(slug):
            continue
        folder = own_folder(kind, slug)
        parts = value.replace("\\", "/").split("/")
        if not value.startswith(folder) or ".." in parts or "" in parts[:-1]:
            add(line, f"'{label}: {value}' would write outside this {kind}'s own folder '{folder}', where it "
                "could replace another page or a site file (index.html, robots.txt): remove the field, or "
                f"keep it under '{folder}'")
    as_of, reviewed = header.get("as_of", ("", 0))[0], header.get("reviewed", ("", 0))
    if is_iso_day(as_of) and is_iso_day(reviewed[0]) and reviewed[0] < as_of:
        add(reviewed[1], f"'Reviewed: {reviewed[0]}' is before 'As_of: {as_of}': Reviewed is the day an editor "
            "last looked for newer reporting, on or after the newest fact")
    if "tags" in header and kind == "brief":
        add(header["tags"][1], "'Tags:' are not used on this site: place the brief in a thread with "
            "'Thread: <id>' (content/threads.yaml), and remove the Tags line")
    if "changed" in header:
        value, line = header["changed"]
        m = CHANGED_RE.match(value)
        if not m or not is_iso_day(m.group(1)):
            add(line, f"'Changed:' expected 'YYYY-MM-DD: what changed, in one sentence' but received: '{value[:60]}'")
        elif is_iso_day(as_of := header.get("as_of", ("", 0))[0]) and m.group(1) < as_of:
            problems.append(Problem(path, line, 1, WARNING,
                                    f"'Changed: {m.group(1)}' is older than 'As_of: {as_of}': when you bring a brief "
                                    "forward, say what changed and when", "front-matter"))
        if len(value) > MAX_CHANGED:
            add(line, f"'Changed:' is {len(value)} characters: say what changed for readers in one sentence "
                f"under {MAX_CHANGED}")
        if "[[" in value or "[@" in value or SUMMARY_MARKUP_RE.search(value):
            add(line, "'Changed:' is plain text, shown as written in the latest updates: no Markdown, links or citations")
    if "summary" in header:
        value, line = header["summary"]
        if len(value) > MAX_SUMMARY:
            add(line, f"summary is {len(value)} characters: keep it to one sentence under {MAX_SUMMARY}")
        if "[[" in value or "[@" in value:
            add(line, "summary is plain text: move cross-links and citations into the body")
        elif SUMMARY_MARKUP_RE.search(value):
            found = SUMMARY_MARKUP_RE.search(value).group()
            add(line, f"summary is plain text, shown as written: remove the Markdown or HTML ('{found}')")
    return problems
