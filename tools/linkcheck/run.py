"""One check of a site, start to finish: scan and resolve (checks), optionally ask the network
(external), locate every problem where it can be fixed (sourcemap). The API the CLI, the
benchmark and the tests call.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .checks import Finding, Options, check_pages
from .problem import Problem
from .sourcemap import SourceMap, display_path, to_problems
from .urls import external_problem, host_of, is_private_host, scheme_of


@dataclass
class Outcome:
    problems: list  # sorted Problems
    pages: list  # site-relative paths of the pages checked
    links: int  # URLs checked in those pages
    external_urls: int = 0  # distinct external URLs asked over the network


def check_site(site: Path, options: Options = Options(), content_root: Path = Path("content"),
               external=None,
               cache_path: Optional[Path] = Path(".cache/linkcheck/external.json"),
               cache_ttl: float = 86400.0, cwd: Optional[Path] = None, excludes=None) -> Outcome:
    cwd = cwd or Path.cwd()
    report = check_pages(site, options)
    if excludes:
        _apply(report, excludes)
    sourcemap = SourceMap(site, content_root, cwd)
    findings = report.findings
    extra: list = []
    asked = 0
    if external is not None:  # an ExternalConfig: ask the network too
        from .cache import LinkCache
        from .external import ExternalChecker
        from .sources import read_sources

        checker = ExternalChecker(external, LinkCache(cache_path, cache_ttl))
        sources_path = content_root / "sources.yaml"
        more, extra, asked = _external(report, read_sources(sources_path),
                                       display_path(sources_path, cwd), checker, options)
        findings = findings + more
    if excludes:
        kept = [p for p in extra if not excludes.url(p.target)]
        extra = kept + excludes.unused()
    problems = sorted(set(to_problems(findings, sourcemap)) | set(extra) | {
        Problem(display_path(site / rel, cwd), 1, 1, "unreadable-file", why) for rel, why in report.unreadable})
    return Outcome(problems, sorted(report.pages), report.links, asked)


def _apply(report, excludes) -> None:
    """Drop what the excludes name: findings in excluded pages or about excluded URLs, and
    external URLs no page outside them uses (so they are never requested)."""
    skipped = {path for path in report.pages if excludes.page(path)}
    skipped |= {rel for rel, _ in report.unreadable if excludes.page(rel)}

    def url_of(f) -> str:
        return f.target or getattr(f.loc, "url", None) or ""

    report.findings = [f for f in report.findings
                       if f.page.path not in skipped and not excludes.url(url_of(f))]
    report.unreadable = [(rel, why) for rel, why in report.unreadable if rel not in skipped]
    externals = {}
    for url, uses in report.externals.items():
        uses = [(page, ref) for page, ref in uses if page.path not in skipped]
        if uses and not excludes.url(url) and not any(excludes.url(ref.url or "") for _, ref in uses):
            externals[url] = uses
    report.externals = externals


def _external(report, sources, sources_shown: str, checker, options: Options):
    """(page findings, sources.yaml problems, URLs asked) for the external URLs."""
    from .external import BROKEN, LOOP, OK

    yaml_problems: list = []
    archive_of: dict = {}
    yaml_urls: list = []
    for entry in sources:
        for su in (entry.url, entry.archive):
            if su is None:
                continue
            why = _offline_problem(su.url, options)
            if why:
                code, message = why
                yaml_problems.append(Problem(sources_shown, su.line, su.col, code,
                                             f"{su.field} of '{su.key}': {message}",
                                             page=sources_shown, target=su.url))
            else:
                yaml_urls.append(su)
        if entry.url and entry.archive:
            archive_of[entry.url.url.partition("#")[0]] = entry.archive.url.partition("#")[0]
    urls = set(report.externals) | {su.url.partition("#")[0] for su in yaml_urls}
    results = checker.check_all(urls)

    def verdict(url: str, field: str = ""):
        result = results[url]
        if result.status == OK:
            return None
        if result.status in (BROKEN, LOOP) and field != "archive-url":
            archive = archive_of.get(url)
            if archive and results.get(archive) and results[archive].status == OK:
                return "archive-only", f"'{url}' is dead ({result.detail}); its archive copy " \
                                       f"{archive} works: link to the archive"
        if result.status == BROKEN:
            return "external-broken", f"'{url}' is broken: {result.detail}"
        if result.status == LOOP:
            return "external-redirect-loop", f"'{url}': {result.detail}"
        return "external-unverifiable", f"could not verify '{url}': {result.detail}"

    findings = []
    for url, uses in report.externals.items():
        v = verdict(url)
        if v:
            findings.extend(Finding(v[0], v[1], page, ref, ref.url) for page, ref in uses)
    for su in yaml_urls:
        v = verdict(su.url.partition("#")[0], su.field)
        if v:
            yaml_problems.append(Problem(sources_shown, su.line, su.col, v[0],
                                         f"{su.field} of '{su.key}': {v[1]}",
                                         page=sources_shown, target=su.url))
    return findings, yaml_problems, len(urls)


def _offline_problem(url: str, options: Options):
    scheme = scheme_of(url)
    if scheme not in ("http", "https"):
        return "malformed-url", f"'{url}' is not an http(s) URL"
    why = external_problem(url)
    if why:
        return "malformed-url", f"'{url}' {why}"
    host = host_of(url)
    if is_private_host(host) and host not in options.allow_hosts:
        return "private-host", f"'{url}' points to {host}, a private or local address"
    return None
