"""`make devserver` (`PORT=8001 make devserver` for another port)."""

from __future__ import annotations

import argparse
import sys

from . import serve


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="devserver", description="Build, serve on 127.0.0.1, rebuild on save, "
                                     "reload the browser.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: only this machine)")
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default="output")
    parser.add_argument("--content", help="content folder instead of the settings' PATH")
    parser.add_argument("--quiet", action="store_true", help="print nothing per build")
    args = parser.parse_args(argv)
    return serve(args.settings, args.output, args.content, args.host, args.port, args.quiet)


if __name__ == "__main__":
    sys.exit(main())
