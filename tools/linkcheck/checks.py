"""Site-wide checks: scan every page once, then resolve every URL against the set of files and
the ids of the target pages. Produces Findings (a problem still located in the HTML); the
sourcemap turns them into Problems located where an author can fix them.
"""
from __future__ import annotations

import os
import posixpath
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from difflib import get_close_matches
from multiprocessing import get_context
from pathlib import Path
from typing import Optional, Union
from urllib.parse import unquote

from .scan import Leftover, PageInfo, Ref, scan_page
from .urls import external_problem, has_leftover, is_private_host, scheme_of

HTML_SUFFIXES = (".html", ".htm")
_HARMLESS_SCHEMES = {"mailto", "tel", "sms"}
# Below this many pages a process pool costs more to start than it saves.
_POOL_MIN_PAGES = 200


@dataclass(frozen=True)
class Options:
    base_path: str = "/"  # the URL path the site is published under, e.g. "/project/"
    site_url: Optional[str] = None  # absolute URLs under this prefix are internal links
    allow_hosts: frozenset = frozenset()  # private hosts that are fine (tests use 127.0.0.1)
    jobs: int = 0  # worker processes for scanning; 0 picks by page count and cores


@dataclass
class Finding:
    code: str
    message: str
    page: PageInfo
    loc: Union[Ref, Leftover]
    target: str = ""


@dataclass
class SiteReport:
    pages: dict  # site-relative path -> PageInfo
    findings: list = field(default_factory=list)
    # external URL (fragment removed) -> [(page, ref)] where it is used
    externals: dict = field(default_factory=dict)


def normalise_base_path(base: str) -> str:
    return "/" + base.strip("/") + "/" if base.strip("/") else "/"


def list_site(site: Path) -> tuple[set, set, list]:
    """(files, directories, html pages), all as site-relative posix paths."""
    files: set = set()
    dirs: set = set()
    pages: list = []
    root = str(site)
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        if prefix:
            dirs.add(rel_dir)
        for name in filenames:
            rel = prefix + name
            files.add(rel)
            if name.lower().endswith(HTML_SUFFIXES):
                pages.append(rel)
    pages.sort()
    return files, dirs, pages


def _scan_chunk(args) -> list:
    root, paths = args
    out = []
    for rel in paths:
        with open(os.path.join(root, rel), "rb") as fh:
            out.append(scan_page(rel, fh.read()))
    return out


def scan_pages(site: Path, paths: list, jobs: int = 0) -> dict:
    if jobs == 0:
        jobs = min(os.cpu_count() or 1, 8) if len(paths) >= _POOL_MIN_PAGES else 1
    root = str(site)
    if jobs <= 1:
        infos = _scan_chunk((root, paths))
    else:
        # fork: workers inherit the imported modules, so start-up is a few milliseconds.
        size = max(1, len(paths) // (jobs * 4) + 1)
        chunks = [(root, paths[i:i + size]) for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
            infos = [info for chunk in pool.map(_scan_chunk, chunks) for info in chunk]
    return {info.path: info for info in infos}


class Resolver:
    """Resolves internal URL paths to site files, remembering answers (many pages share links)."""

    def __init__(self, files: set, dirs: set, options: Options):
        self.files = files
        self.dirs = dirs
        self.base = normalise_base_path(options.base_path)
        self.site_url = options.site_url.rstrip("/") + "/" if options.site_url else None
        self._memo: dict = {}
        self._listing: Optional[dict] = None

    def resolve(self, page_dir: str, path: str) -> tuple[Optional[str], str]:
        """(existing file, "") or (None, why) for a URL path (no query or fragment)."""
        key = (page_dir, path) if not path.startswith("/") else ("", path)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._resolve(page_dir, path)
        return hit

    def _normalise(self, page_dir: str, path: str) -> tuple[Optional[str], bool, str]:
        """(site-relative path, written as a directory?, why not) for a URL path."""
        if path.startswith("/"):
            if not (path.startswith(self.base) or path + "/" == self.base):
                return None, False, f"it is outside the base path {self.base}"
            joined = path[len(self.base):]
        else:
            joined = page_dir + "/" + path if page_dir else path
        parts: list = []
        for part in joined.split("/"):
            if part == "..":
                if not parts:
                    return None, False, "it goes above the site root"
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        as_dir = joined.endswith(("/", "/.", "/..")) or joined in ("", ".", "..")
        return unquote("/".join(parts)), as_dir, ""

    def _resolve(self, page_dir: str, path: str) -> tuple[Optional[str], str]:
        rel, as_dir, why = self._normalise(page_dir, path)
        if rel is None:
            return None, why
        if as_dir or rel in self.dirs:
            # A directory URL is served as its index.html (GitHub Pages, http.server, nginx).
            index = rel + "/index.html" if rel else "index.html"
            if index in self.files:
                return index, ""
            if rel and rel not in self.dirs:
                return None, f"no {rel}/index.html in the site"
            return None, f"{rel or '.'}/ has no index.html"
        if rel in self.files:
            return rel, ""
        return None, f"no {rel} in the site"

    def suggest(self, page_dir: str, path: str) -> Optional[str]:
        """A close existing name in the same directory, written the way the link was."""
        if self._listing is None:
            self._listing = {}
            for f in self.files:
                d, _, name = f.rpartition("/")
                self._listing.setdefault(d, []).append(name)
            for d in self.dirs:
                parent, _, name = d.rpartition("/")
                self._listing.setdefault(parent, []).append(name + "/")
        head, sep, tail = path.rstrip("/").rpartition("/")
        if tail in ("", ".", ".."):
            return None
        target_dir, _, _ = self._normalise(page_dir, head + sep)
        if target_dir is None:
            return None
        probe = tail + ("/" if path.endswith("/") else "")
        match = get_close_matches(probe, self._listing.get(target_dir, []), n=1, cutoff=0.75)
        return head + sep + match[0] if match else None


def _split(url: str) -> tuple[str, Optional[str]]:
    """(path, fragment or None); the query never names a file on a static host."""
    path, hash_, frag = url.partition("#")
    return path.partition("?")[0], (frag if hash_ else None)


def _fragment_ok(frag: str, ids) -> bool:
    # "#" and "#top" always scroll to the top (HTML spec); text fragments are not ids.
    if frag in ("", "top") or frag.startswith(":~:"):
        return True
    return frag in ids or unquote(frag) in ids


def _what(ref: Ref) -> str:
    if ref.role == "xref":
        return "cross-link"
    if ref.kind == "link":
        return "link"
    return ref.what or "asset"


class SiteChecker:
    def __init__(self, site: Path, options: Options = Options()):
        self.site = site
        self.options = options

    def run(self) -> SiteReport:
        files, dirs, paths = list_site(self.site)
        pages = scan_pages(self.site, paths, self.options.jobs)
        self.resolver = Resolver(files, dirs, self.options)
        report = SiteReport(pages)
        for page in pages.values():
            self._check_page(page, pages, report)
        return report

    # -- one page -------------------------------------------------------------------------

    def _check_page(self, page: PageInfo, pages: dict, report: SiteReport) -> None:
        add = report.findings.append
        for left in page.leftovers:
            where = f"in {left.attr} '{left.snippet}'" if left.attr else "in the page text"
            if left.attr and left.snippet == left.marker:
                where = f"in {left.attr}"
            shown = left.snippet if not left.attr else left.marker
            add(Finding("unresolved-syntax", f"'{shown}' was not converted ({where})", page, left,
                        left.snippet))
        page_dir = page.path.rpartition("/")[0]
        for ref in page.refs:
            url = ref.url
            if ref.role == "cite":
                self._check_citation(page, ref, add)
                continue
            if url is None:
                add(Finding("xref-unresolved",
                            f"cross-link [[{ref.note}]] was never resolved (the a.xref has no href)",
                            page, ref))
                continue
            if has_leftover(url):
                continue  # reported once, as unresolved-syntax
            scheme = scheme_of(url)
            if scheme is not None or url.startswith("//"):
                url = self._external(page, ref, url, scheme, report, add)
                if url is None:
                    continue
            self._check_internal(page, page_dir, ref, url, pages, add)

    def _external(self, page, ref, url, scheme, report, add) -> Optional[str]:
        """Classify an absolute URL. Returns it as a root-relative path if it is our own site."""
        site_url = self.resolver.site_url
        if site_url and url.startswith(site_url):
            return self.resolver.base + url[len(site_url):]
        if scheme in _HARMLESS_SCHEMES:
            return None
        if scheme in ("javascript", "data"):
            if scheme == "javascript" or ref.kind == "link":
                add(Finding("unsafe-url", f"{scheme}: URL in {ref.attr} is not allowed", page, ref,
                            url))
            return None
        if scheme not in (None, "http", "https"):
            add(Finding("malformed-url",
                        f"'{url}' uses {scheme}:, not http(s), mailto: or tel:", page, ref, url))
            return None
        why = external_problem(url)
        if why:
            add(Finding("malformed-url", f"'{url}' {why}", page, ref, url))
            return None
        host = _host(url)
        if is_private_host(host) and host not in self.options.allow_hosts:
            add(Finding("private-host", f"'{url}' points to {host}, a private or local address",
                        page, ref, url))
            return None
        if ref.role == "xref":
            add(Finding("xref-not-brief", f"cross-link points outside the site: '{url}'", page,
                        ref, url))
            return None
        if scheme is None:
            url = "https:" + url
        report.externals.setdefault(url.partition("#")[0], []).append((page, ref))
        return None

    def _check_internal(self, page, page_dir, ref, url, pages, add) -> None:
        path, frag = _split(url)
        if path:
            target, why = self.resolver.resolve(page_dir, path)
            if target is None:
                code = "missing-asset" if ref.kind == "asset" else "broken-link"
                hint = self.resolver.suggest(page_dir, path)
                msg = f"{_what(ref)} '{ref.url}' not found: {why}"
                if hint and hint != path:
                    msg += f"; did you mean '{hint}'?"
                add(Finding(code, msg, page, ref, ref.url))
                return
        else:
            target = page.path
        target_page = pages.get(target)
        if ref.role == "xref" and (target_page is None or target_page.source_file is None):
            add(Finding("xref-not-brief",
                        f"cross-link '{ref.url}' lands on {target}, which is not a brief or page"
                        ' (it has no <meta name="source-file">)', page, ref, ref.url))
            return
        if frag is None or target_page is None or _fragment_ok(frag, target_page.ids):
            return
        where = "this page" if target == page.path else target
        msg = f"'{ref.url}': no id '{unquote(frag)}' in {where}"
        hint = get_close_matches(unquote(frag), target_page.ids, n=1, cutoff=0.75)
        if hint:
            msg += f"; did you mean '#{hint[0]}'?"
        add(Finding("missing-fragment", msg, page, ref, ref.url))

    def _check_citation(self, page: PageInfo, ref: Ref, add) -> None:
        url = ref.url
        if url is None:
            add(Finding("citation-unresolved",
                        f"citation [@{ref.note}] was never resolved (the a.cite-ref has no href)",
                        page, ref))
            return
        path, frag = _split(url)
        if path or not frag or not frag.startswith("source-"):
            add(Finding("citation-unresolved",
                        f"citation marker links to '{url}', not to a #source-KEY entry on this page",
                        page, ref, url))
            return
        backrefs = page.sources.get(frag)
        if backrefs is None:
            add(Finding("citation-unresolved",
                        f"citation marker '{url}' has no source entry li#{frag} on this page",
                        page, ref, url))
            return
        if ref.anchor_id is None:
            add(Finding("citation-no-backref",
                        f"citation marker '{url}' has no id, so li#{frag} cannot link back to it",
                        page, ref, url))
        elif "#" + ref.anchor_id not in backrefs:
            add(Finding("citation-no-backref",
                        f"source entry li#{frag} has no a.backref to this marker "
                        f"'#{ref.anchor_id}'", page, ref, url))


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url if not url.startswith("//") else "https:" + url).hostname or "").lower()
