"""Command line: parse arguments, run one check, print one report, return the exit code.

The only place that formats for people and decides exit codes:
0 no errors (warnings allowed unless --strict), 1 problems, 2 usage error, 3 the checker
itself failed (one line says what; LINKCHECK_DEBUG=1 shows the traceback).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from . import report
from .checks import Options
from .run import check_site

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_CRASH = 0, 1, 2, 3
MAX_JOBS = 64  # processes; more only costs memory (a user once asked for 3,000)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")


def _duration(value: str) -> float:
    m = _DURATION.match(value.strip())
    if not m:
        raise argparse.ArgumentTypeError(
            f"expected a duration like 90, 90s, 30m, 12h or 7d but received: {value!r}")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _positive_int(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number but received: {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.linkcheck",
        description="Check the links of a folder of static HTML (the built site by default).",
        epilog="Exit status: 0 clean, 1 problems found, 2 usage error, 3 the checker failed. "
               "See docs/linkcheck.md.")
    p.add_argument("site", metavar="SITE", help="folder of static HTML, e.g. output/")
    p.add_argument("--format", default="auto", choices=report.FORMATS,
                   help="auto (default) is github when GITHUB_ACTIONS=true, else text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here, not stdout")
    p.add_argument("--base-path", default="/", metavar="PATH",
                   help="URL path the site is published under, e.g. /project/ (default /)")
    p.add_argument("--site-url", metavar="URL",
                   help="absolute URLs under this prefix are checked as internal links")
    p.add_argument("--content-root", default="content", metavar="DIR",
                   help="the Markdown sources and sources.yaml (default content)")
    p.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                   help="a private host that is fine to link to and request (repeatable)")
    p.add_argument("--jobs", type=_positive_int, default=0, metavar="N",
                   help="processes for parsing pages (default: by size of site and cores)")
    p.add_argument("--strict", action="store_true", help="warnings also give exit status 1")
    p.add_argument("--exclude", action="append", default=[], metavar="REGEX",
                   help="leave links whose URL (as written) matches alone (repeatable)")
    p.add_argument("--exclude-path", action="append", default=[], metavar="REGEX",
                   help="do not check pages whose path in the site matches (repeatable)")
    p.add_argument("--config", metavar="FILE",
                   help="excludes from this TOML file (default: .linkcheck.toml here, if there is one)")
    p.add_argument("--no-config", action="store_true", help="do not read .linkcheck.toml")
    ext = p.add_argument_group("external links (only with --external)")
    ext.add_argument("--external", action="store_true",
                     help="also request every external URL, and those of sources.yaml")
    ext.add_argument("--timeout", type=_duration, default=10.0, metavar="DURATION",
                     help="per request (default 10s)")
    ext.add_argument("--retries", type=_positive_int, default=3, metavar="N",
                     help="further attempts after a timeout, reset, 429 or 5xx (default 3)")
    ext.add_argument("--max-time", type=_duration, default=600.0, metavar="DURATION",
                     help="bound on the whole external check (default 10m)")
    ext.add_argument("--per-host", type=_positive_int, default=2, metavar="N",
                     help="requests in flight per host (default 2)")
    ext.add_argument("--cache-dir", default=".cache/linkcheck", metavar="DIR",
                     help="where working URLs are remembered (default .cache/linkcheck)")
    ext.add_argument("--cache-ttl", type=_duration, default=86400.0, metavar="DURATION",
                     help="how long a working URL is trusted (default 1d)")
    ext.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    return p


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return EXIT_USAGE if exc.code else EXIT_OK
    site = Path(args.site)
    if not site.is_dir():
        return _usage(parser, f"expected SITE to be a folder of HTML but received: "
                              f"'{args.site}' ({'not a folder' if site.exists() else 'no such folder'})")
    if not args.base_path.startswith("/"):
        return _usage(parser, f"expected --base-path to start with '/' but received: "
                              f"'{args.base_path}'")
    if args.site_url and not re.match(r"^https?://[^/\s]+", args.site_url):
        return _usage(parser, f"expected --site-url to be an http(s) URL but received: "
                              f"'{args.site_url}'")
    if args.per_host < 1:
        return _usage(parser, "expected --per-host to be at least 1 but received: 0")
    if args.jobs > MAX_JOBS:
        return _usage(parser, f"expected --jobs to be at most {MAX_JOBS} but received: {args.jobs}")
    if args.output:
        folder = Path(args.output).parent
        if not folder.is_dir():
            return _usage(parser, f"cannot write the report to '{args.output}': no folder '{folder}'")
        if Path(args.output).is_dir():
            return _usage(parser, f"cannot write the report to '{args.output}': it is a folder")
    from .excludes import CONFIG_NAME, ConfigError, load

    config = Path(args.config) if args.config else Path(CONFIG_NAME)
    if args.no_config or (not args.config and not config.is_file()):
        config = None
    try:
        excludes = load(config, str(config), args.exclude, args.exclude_path)
    except ConfigError as e:
        return _usage(parser, str(e))
    allow = frozenset(h.lower().strip("[]") for h in args.allow_host)
    options = Options(base_path=args.base_path, site_url=args.site_url, allow_hosts=allow,
                      jobs=args.jobs)
    external = None
    if args.external:
        from .external import ExternalConfig  # only now: urllib, ssl and http.client are slow

        external = ExternalConfig(timeout=args.timeout, retries=args.retries,
                                  max_time=args.max_time, per_host=args.per_host,
                                  allow_hosts=allow)
    cache = None if args.no_cache else Path(args.cache_dir) / "external.json"
    try:
        outcome = check_site(site, options, Path(args.content_root), external, cache, args.cache_ttl,
                             excludes=excludes)
    except KeyboardInterrupt:
        print("linkcheck: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or an environment fault: one line, its own exit code
        if os.environ.get("LINKCHECK_DEBUG"):
            raise
        print(f"linkcheck: failed: {type(exc).__name__}: {exc} (LINKCHECK_DEBUG=1 shows where)", file=sys.stderr)
        return EXIT_CRASH

    fmt = args.format
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    rendered = report.FORMATTERS[fmt](outcome.problems, pages=outcome.pages, links=outcome.links)
    if args.output:
        try:
            Path(args.output).write_text(rendered, encoding="utf-8")
        except OSError as exc:
            print(f"linkcheck: cannot write the report to '{args.output}': {exc.strerror}", file=sys.stderr)
            return EXIT_CRASH
    else:
        sys.stdout.write(rendered)
    print(report.summary(outcome.problems, len(outcome.pages), outcome.links), file=sys.stderr)
    errors, warnings = report.counts(outcome.problems)
    return EXIT_PROBLEMS if errors or (args.strict and warnings) else EXIT_OK


def _usage(parser: argparse.ArgumentParser, message: str) -> int:
    parser.print_usage(sys.stderr)
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    return EXIT_USAGE
