"""The source registry, `content/sources.yaml`: CSL-YAML entries, validated with
their line numbers so every problem names `sources.yaml:line`.

Scalars are kept as the strings the editor wrote (PyYAML would turn `2025-04-18`
into a date and `2025-4-18` into a string, hiding the typo)."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml

from problems import ERROR, WARNING, Problem, suggest

REQUIRED = ("id", "type", "title", "container-title", "URL")
OPTIONAL = ("issued", "author", "accessed", "archive-url", "archive-date", "note", "language", "page", "section")
DATES = ("issued", "accessed", "archive-date")
URLS = ("URL", "archive-url")
# The CSL 1.0.2 types a news explainer can cite.
TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "book",
    "broadcast", "document", "entry", "entry-encyclopedia", "interview", "legal_case",
    "legislation", "motion_picture", "pamphlet", "personal_communication", "post",
    "post-weblog", "report", "speech", "treaty", "webpage",
)
# libyaml when PyYAML was built with it: ten times faster, same nodes and marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
ISO_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass
class Registry:
    path: str
    sources: dict = field(default_factory=dict)  # id -> CSL dict
    lines: dict = field(default_factory=dict)  # id -> line of its entry
    problems: list = field(default_factory=list)
    # The file as a whole could not be read (missing, invalid YAML, refused syntax, not a
    # list): its one problem is the cause, and "unknown source" everywhere would bury it.
    unreadable: bool = False


def is_iso_date(value: str) -> bool:
    """YYYY, YYYY-MM or a real calendar YYYY-MM-DD (EDTF level 0, as CSL-YAML allows)."""
    m = ISO_RE.match(value)
    if not m:
        return False
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


ENCYCLOPEDIA_HOSTS = ("wikipedia.org", "wikiwand.com", "britannica.com")


def _listed_host(url, hosts) -> str | None:
    """The entry of `hosts` that the URL's host is, or is a subdomain of. An entry with a
    path, `host/path/`, matches only addresses under that path on the host."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # reported as a bad URL
        return None
    for entry in hosts:
        name, slash, path = entry.partition("/")
        if (host == name or host.endswith("." + name)) and (not slash or parts.path.startswith("/" + path)):
            return entry
    return None


def is_encyclopedia(url) -> bool:
    return _listed_host(url, ENCYCLOPEDIA_HOSTS) is not None


# Hosts EDITORIAL.md's source tiers rule out ("never: content farms, aggregators, sites that
# republish one story in many machine-translated languages, AI rewrites, partisan blogs"),
# each met while researching the briefs. A copy there names no reporter who stands behind
# it, and the same story is on the outlet it came from: cite that instead.
NOT_CITABLE_HOSTS = {
    "menafn.com": "an aggregator of other outlets' stories",
    "uanews.net": "an aggregator of other outlets' stories",
    "lampa-news.com": "an aggregator of other outlets' stories",
    "localnewswave.com": "an aggregator of other outlets' stories",
    "worldpulsenow.com": "an aggregator that summarises other outlets with AI",
    "odaily.news": "an aggregator of other outlets' stories",
    "ebiztoday.news": "an aggregator of other outlets' stories",
    "news-pravda.com": "a network that republishes stories in many machine-translated languages",
    "pravda-7pd.pages.dev": "a network that republishes stories in many machine-translated languages",
    "news.hanna-ai.com": "a site of AI rewrites of other outlets' stories",
    "echo24x7.media": "a site of AI rewrites of other outlets' stories",
    "printhouse.cloud": "a site of rewrites of other outlets' stories",
    "masterlifehacks.com": "a site of rewrites of other outlets' stories",
    "metroloud.com": "a site of machine-spun copies of other outlets' stories",
    "news929.online": "a site of copies of other outlets' stories",
    "infowars.com": "a partisan site",
    "theepochtimes.com": "a partisan outlet",
    # The Independent's "Bulletin" pages are its own and agencies' stories cut to bullet
    # points by an AI model (as Press Gazette reported); its full articles are citable.
    "the-independent.com/bulletin/": "The Independent's Bulletin, summaries of stories rewritten by AI",
    "independent.co.uk/bulletin/": "The Independent's Bulletin, summaries of stories rewritten by AI",
}


def not_citable(url) -> str | None:
    """What the URL's host (or section of a host) is, if EDITORIAL.md's tiers rule it out (a
    subdomain counts as its host)."""
    entry = _listed_host(url, NOT_CITABLE_HOSTS)
    return f"{entry} is {NOT_CITABLE_HOSTS[entry]}" if entry else None


def _plain(node):
    """A composed YAML node as plain Python, every scalar a string."""
    if isinstance(node, yaml.MappingNode):
        return {_plain(k): _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    return node.value


def _refused_syntax(text: str):
    """(line, col, message) of the first alias or explicit tag in the YAML text, or None.

    Aliases are refused because expanding them is how a few lines ("billion laughs") take
    all memory; tags because a source is plain text, and `!!python/...` has no place in it.
    A registry needs neither."""
    if "*" not in text and "!" not in text:
        return None
    for event in yaml.parse(text, Loader=_LOADER):
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            return mark.line + 1, mark.column + 1, (
                f"YAML alias '*{event.anchor}' is not allowed in the source registry: write the value out")
        tag = getattr(event, "tag", None)
        if tag and not isinstance(event, (yaml.DocumentStartEvent,)) and tag != "!":
            tag = tag.replace("tag:yaml.org,2002:", "!!")
            return mark.line + 1, mark.column + 1, (
                f"YAML tag '{tag}' is not allowed in the source registry: write plain text")
    return None


@functools.lru_cache(maxsize=8)  # a build reads a file twice (the lint, the plugin), a build process each build
def compose(text: str, what: str = "the source registry"):
    """(root node, None), or (None, (line, col, message)) when the YAML is refused (an alias or
    a tag, before anything expands) or invalid. The nodes are shared: read them, never change them."""
    refused = _refused_syntax(text)
    if refused:
        line, col, message = refused
        return None, (line, col, message.replace("the source registry", what))
    try:
        return yaml.compose(text, Loader=_LOADER), None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, (line, col, f"invalid YAML: {getattr(e, 'problem', None) or e}")


def load(path: str, display: str | None = None) -> Registry:
    """Read and validate the registry at `path`; problems name it as `display`."""
    reg = Registry(display or path)

    def problem(line, col, message, level=ERROR):
        reg.problems.append(Problem(reg.path, line, col, level, message, "sources"))

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        problem(1, 1, "source registry not found: expected a YAML list of CSL entries here")
        reg.unreadable = True
        return reg
    root, refused = compose(text)
    if refused:
        problem(*refused)
        reg.unreadable = True
        return reg
    if root is None:  # an empty file: every citation would be "unknown"; say why once
        problem(1, 1, "the source registry is empty: expected a YAML list of sources (each item starting with '- id:')")
        reg.unreadable = True
        return reg
    if not isinstance(root, yaml.SequenceNode):
        problem(root.start_mark.line + 1, 1, "expected a list of sources (each item starting with '- id:')")
        reg.unreadable = True
        return reg

    for entry in root.value:
        line, col = entry.start_mark.line + 1, entry.start_mark.column + 1
        if not isinstance(entry, yaml.MappingNode):
            problem(line, col, "expected a source (a mapping with id, type, title, ...)")
            continue
        fields = {}
        where = {}
        for key_node, value_node in entry.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problem(key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                        "expected a field name (text) before ':', found a list or mapping")
                continue
            key = key_node.value
            if key in fields:
                problem(key_node.start_mark.line + 1, key_node.start_mark.column + 1, f"duplicate field '{key}'")
            fields[key] = _plain(value_node)
            where[key] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
        sid = fields.get("id")
        label = f"source '{sid}'" if isinstance(sid, str) else "source"
        not_text = [name for name, value in fields.items() if name != "author" and not isinstance(value, str)]
        for name in not_text:
            problem(*where[name], f"{label}: '{name}' expected text, found a "
                    f"{'list' if isinstance(fields.pop(name), list) else 'mapping'}")
        for name in REQUIRED:
            if name not in not_text and not fields.get(name):
                problem(line, col, f"{label}: missing required field '{name}'")
        for name in fields:
            if name not in REQUIRED and name not in OPTIONAL:
                hint = suggest(name, REQUIRED + OPTIONAL)
                problem(*where[name], f"{label}: unknown field '{name}'{hint}", WARNING)
        if isinstance(sid, str) and sid:
            if not ID_RE.match(sid):
                problem(*where["id"], f"invalid id '{sid}': expected lowercase letters, digits, '.', '_' or '-'")
            elif sid in reg.sources:
                problem(*where["id"], f"duplicate id '{sid}' (first defined on line {reg.lines[sid]})")
                continue
        for name in DATES:
            value = fields.get(name)
            if value and not (isinstance(value, str) and is_iso_date(value)):
                problem(*where[name], f"{label}: '{name}' expected an ISO date (YYYY-MM-DD) but received: {value!r}")
        for name in URLS:
            value = fields.get(name)
            if value and not (isinstance(value, str) and is_web_url(value)):
                problem(*where[name], f"{label}: '{name}' expected an http(s) URL but received: {value!r}")
        kind = fields.get("type")
        if kind and kind not in TYPES:
            problem(*where["type"], f"{label}: unknown CSL type {kind!r}{suggest(str(kind), TYPES)}")
        if kind == "entry-encyclopedia" or is_encyclopedia(fields.get("URL")):
            problem(*where.get("URL", where.get("type", (line, col))),
                    f"{label}: an encyclopedia entry is for orientation only: cite the source it cites instead", WARNING)
        ruled_out = not_citable(fields.get("URL"))
        if ruled_out:
            problem(*where["URL"], f"{label}: {ruled_out}, which this site does not cite "
                    "(EDITORIAL.md, source tiers): cite the outlet or the official text it copies")
        authors = fields.get("author")
        if authors is not None and not (
            isinstance(authors, list) and all(isinstance(a, dict) and (a.get("family") or a.get("literal")) for a in authors)
        ):
            problem(*where["author"], f"{label}: 'author' expected a list of {{family, given}} or {{literal}} names")
        if isinstance(sid, str) and sid and ID_RE.match(sid):
            reg.sources[sid] = fields
            reg.lines[sid] = line
    return reg
