"""Site-wide checks, in two phases so the first can run in parallel processes:

1. per page (PageChecker, one parse each): resolve every URL against the set of files, check
   same-page #fragments, citations and leftovers, classify external URLs; links into *other*
   pages' #fragments (and cross-links' targets) are deferred;
2. for the whole site: check the deferred fragments against the ids of their target pages.

Produces Findings (a problem still located in the HTML); the sourcemap turns them into Problems
located where an author can fix them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Optional, Union
from urllib.parse import unquote, urlsplit

from .resolve import HTML_SUFFIXES, Resolver, list_site
from .scan import PLAIN_IMAGES, PLAIN_LINKS, Leftover, PageInfo, Ref, scan_page
from .urls import external_problem, has_leftover, host_of, is_private_host, scheme_of

_HARMLESS_SCHEMES = {"mailto", "tel", "sms"}
# Schemes other sites link to that are not typos of http(s): reported as not checked.
_OTHER_SCHEMES = {"ftp", "ftps", "sftp", "news", "nntp", "snews", "irc", "ircs", "ssh", "git", "svn", "gopher",
                  "telnet", "ldap", "ldaps", "xmpp", "magnet", "geo", "urn", "webcal", "feed", "rtsp", "sip",
                  "sips", "info", "man", "doi", "rsync", "smb", "nfs", "ws", "wss"}
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
class PageResult:
    """What phase 1 learns from one page; small, since it crosses a process boundary."""

    page: PageInfo  # without its refs: path, ids, source_file
    findings: list
    deferred: list  # (ref, target page path, fragment or None) for phase 2
    externals: list  # (url without fragment, ref)
    links: int


@dataclass
class SiteReport:
    pages: dict  # site-relative path -> PageInfo (without refs)
    findings: list = field(default_factory=list)
    # external URL (fragment removed) -> [(page, ref)] where it is used
    externals: dict = field(default_factory=dict)
    links: int = 0
    unreadable: list = field(default_factory=list)  # (site-relative path, why)


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


class PageChecker:
    """Phase 1 for one page at a time; needs only the list of files, not the other pages."""

    def __init__(self, site: str, files: set, dirs: set, options: Options):
        self.site = site
        self.options = options
        self.resolver = Resolver(files, dirs, options.base_path, options.site_url)
        self._ours = True  # whether the page being checked is one this project built

    def check(self, rel: str) -> PageResult:
        with open(os.path.join(self.site, rel), "rb") as fh:
            full = scan_page(rel, fh.read())
        page = PageInfo(full.path, full.ids, full.source_file)
        result = PageResult(page, [], [], [], len(full.refs) + len(full.links) + len(full.images))
        add = result.findings.append
        # The contract rules (our cross-links and citations, leftover [[ and [@ syntax) hold for
        # pages this project built, which say so (<meta name="briefs-contract"> or "source-file").
        # Any other page is plain HTML: DocBook's a.xref is an ordinary link there, and "[[" in a
        # command synopsis is text.
        ours = self._ours = full.ours
        for left in full.leftovers if ours else ():
            if left.attr:
                where = f"in {left.attr} '{left.snippet}'"
                add(Finding("unresolved-syntax", f"'{left.marker}' was not converted ({where})",
                            page, left, left.snippet))
            else:
                add(Finding("unresolved-syntax",
                            f"'{left.snippet}' was not converted (in the page text)", page, left,
                            left.snippet))
        page_dir = page.path.rpartition("/")[0]
        self._plain(page, page_dir, full.links, PLAIN_LINKS, result, ours)
        self._plain(page, page_dir, full.images, PLAIN_IMAGES, result, ours)
        for ref in full.refs:
            if not ours and ref.role:
                ref.role = ""
            url = ref.url
            if ref.role == "cite":
                self._citation(page, full.sources, ref, add)
                continue
            if url is None:
                if ref.role == "xref":
                    add(Finding("xref-unresolved",
                                f"cross-link [[{ref.note}]] was never resolved (the a.xref has no href)",
                                page, ref))
                continue
            if ours and has_leftover(url):
                continue  # reported once, as unresolved-syntax
            scheme = scheme_of(url)
            if scheme is not None or url.startswith("//"):
                url = self._external(page, ref, url, scheme, result)
                if url is None:
                    continue
            self._internal(page, page_dir, ref, url, result)
        return result

    def _plain(self, page, page_dir: str, urls: list, xp: int, result, ours: bool = True) -> None:
        """The bulk of a site's URLs: a Ref is made only for one that needs reporting or
        checking later, so a clean relative link costs a few string operations."""
        resolve = self.resolver.resolve
        ids = page.ids
        for index, raw in enumerate(urls):
            url = raw.strip() if raw and (raw[0] <= " " or raw[-1] <= " ") else raw
            if ("{" in url or "[" in url) and ours and has_leftover(url):
                continue  # reported once, as unresolved-syntax
            if ":" in url or url.startswith("//"):
                scheme = scheme_of(url)
                if scheme is not None or url.startswith("//"):
                    ref = _plain_ref(raw, url, xp, index)
                    url = self._external(page, ref, url, scheme, result)
                    if url is None:
                        continue
                    self._internal(page, page_dir, ref, url, result)
                    continue
            path, hash_, frag = url.partition("#")
            if "?" in path:
                path = path.partition("?")[0]
            if path:
                target, _ = resolve(page_dir, path)
                if target is None or (hash_ and target != page.path):
                    # missing, or a fragment in another page: the slow path knows what to do
                    self._internal(page, page_dir, _plain_ref(raw, url, xp, index), url, result)
                    continue
            if hash_ and not _fragment_ok(frag, ids):
                self._internal(page, page_dir, _plain_ref(raw, url, xp, index), url, result)

    def _external(self, page, ref, url, scheme, result) -> Optional[str]:
        """Classify an absolute URL. Returns it as a root-relative path if it is our own site."""
        add = result.findings.append
        site_url = self.resolver.site_url
        if site_url and url.startswith(site_url):
            return self.resolver.base + url[len(site_url):]
        if scheme in _HARMLESS_SCHEMES:
            return None
        if scheme in ("javascript", "data"):
            # data: images are fine; a data: or javascript: *link* is an injection risk.
            if scheme == "javascript" or ref.kind == "link":
                shown = url if len(url) <= 40 else url[:37] + "..."
                add(Finding("unsafe-url", f"{scheme}: URL '{shown}' is not allowed in a link",
                            page, ref, url))
            return None
        if scheme == "file":
            local = unquote(urlsplit(url).path)
            if not os.path.exists(local):
                add(Finding("broken-link", f"{_what(ref)} '{url}' not found: no file {local} on this machine",
                            page, ref, url))
            return None
        if scheme not in (None, "http", "https") and scheme not in _OTHER_SCHEMES and get_close_matches(
                scheme, ("http", "https"), n=1, cutoff=0.6):
            add(Finding("malformed-url", f"'{url}' has the unknown scheme '{scheme}:' (did you mean 'https:'?)",
                        page, ref, url))
            return None
        if scheme not in (None, "http", "https"):
            add(Finding("unchecked-url", f"'{url}' was not checked: only http(s) and file: links are followed",
                        page, ref, url))
            return None
        why = external_problem(url)
        if why:
            add(Finding("malformed-url", f"'{url}' {why}", page, ref, url))
            return None
        host = host_of(url)
        if is_private_host(host) and host not in self.options.allow_hosts:
            # Never requested. On our pages it is a mistake; documentation we did not build often
            # links the reader's own machine on purpose (http://localhost:631/ for CUPS).
            if self._ours:
                add(Finding("private-host", f"'{url}' points to {host}, a private or local address",
                            page, ref, url))
            return None
        if ref.role == "xref":
            add(Finding("xref-not-brief", f"cross-link points outside the site: '{url}' (if that "
                                          "is this site's own address, pass --site-url)", page,
                        ref, url))
            return None
        if scheme is None:
            url = "https:" + url
        result.externals.append((url.partition("#")[0], ref))
        return None

    def _internal(self, page, page_dir, ref, url, result) -> None:
        path, frag = _split(url)
        if path:
            target, why = self.resolver.resolve(page_dir, path)
            if target is None:
                code = "missing-asset" if ref.kind == "asset" else "broken-link"
                hint = self.resolver.suggest(page_dir, path)
                msg = f"{_what(ref)} '{ref.url}' not found: {why}"
                if hint and hint != path:
                    msg += f"; did you mean '{hint}'?"
                result.findings.append(Finding(code, msg, page, ref, ref.url))
                return
        else:
            target = page.path
        if target == page.path:
            check_target(page, ref, page, frag, result.findings.append)
        elif frag is not None or ref.role == "xref":
            if target.endswith(HTML_SUFFIXES):
                result.deferred.append((ref, target, frag))
            elif ref.role == "xref":
                check_target(page, ref, None, frag, result.findings.append, target)

    def _citation(self, page: PageInfo, sources: dict, ref: Ref, add) -> None:
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
        backrefs = sources.get(frag)
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
                        f"source entry li#{frag} has no a.backref back to this marker "
                        f"(#{ref.anchor_id})", page, ref, url))


def _plain_ref(raw: str, url: str, xp: int, index: int) -> Ref:
    if xp == PLAIN_LINKS:
        ref = Ref(url, "link", "", "", "href", xp, index)
    else:
        ref = Ref(url, "asset", "", "img", "src", xp, index, what="image")
    ref.offset = len(raw) - len(raw.lstrip())
    return ref


def check_target(page: PageInfo, ref: Ref, target_page: Optional[PageInfo], frag: Optional[str],
                 add, target: str = "", hints: Optional[dict] = None) -> None:
    """A cross-link must land on a brief/page of ours; a #fragment must be an id there."""
    target = target_page.path if target_page else target
    if ref.role == "xref" and (target_page is None or target_page.source_file is None):
        add(Finding("xref-not-brief",
                    f"cross-link '{ref.url}' lands on {target}, which is not a brief or page"
                    ' (it has no <meta name="source-file">)', page, ref, ref.url))
        # and its fragment is checked like any link's, below
    if frag is None or target_page is None or _fragment_ok(frag, target_page.ids):
        return
    where = "this page" if target_page is page else target
    msg = f"'{ref.url}': no id '{unquote(frag)}' in {where}"
    key = (target_page.path, frag)
    if hints is None or key not in (hints or {}):
        found = get_close_matches(unquote(frag), target_page.ids, n=1, cutoff=0.75)
        if hints is None:
            hints = {}
        hints[key] = found[0] if found else None
    if hints[key]:
        msg += f"; did you mean '#{hints[key]}'?"
    add(Finding("missing-fragment", msg, page, ref, ref.url))


_WORKER: Optional[PageChecker] = None


def _init_worker(checker: PageChecker) -> None:
    global _WORKER
    _WORKER = checker


def _check_chunk(paths: list) -> list:
    return [_WORKER.check(rel) for rel in paths]


def check_pages(site: Path, options: Options = Options()) -> SiteReport:
    files, dirs, paths, unreadable = list_site(site)
    checker = PageChecker(str(site), files, dirs, options)
    jobs = options.jobs
    if jobs == 0:
        jobs = min(os.cpu_count() or 1, 8) if len(paths) >= _POOL_MIN_PAGES else 1
    if jobs <= 1:
        results = [checker.check(rel) for rel in paths]
    else:
        # Several chunks per worker balance uneven pages; fork makes start-up cheap where the
        # platform has it (the checker is sent once per worker, by the initializer).
        size = max(1, len(paths) // (jobs * 4) + 1)
        chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        from multiprocessing import get_all_start_methods, get_context

        methods = get_all_start_methods()
        context = get_context("fork" if "fork" in methods else None)
        try:
            with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                     initargs=(checker,)) as pool:
                results = [r for chunk in pool.map(_check_chunk, chunks) for r in chunk]
        except (OSError, BrokenProcessPool):  # no processes here (sandbox, no /dev/shm)
            results = [checker.check(rel) for rel in paths]
    report = SiteReport({r.page.path: r.page for r in results}, unreadable=unreadable)
    pages = report.pages
    hints: dict = {}  # (target page, fragment) -> suggestion: the same broken anchor is often on many pages
    for r in results:
        report.findings.extend(r.findings)
        report.links += r.links
        for url, ref in r.externals:
            report.externals.setdefault(url, []).append((r.page, ref))
        for ref, target, frag in r.deferred:  # phase 2
            check_target(r.page, ref, pages.get(target), frag, report.findings.append, target, hints)
    return report
