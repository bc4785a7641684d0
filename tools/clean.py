"""`make clean`: remove output/ and the build caches beside it, with the build's own
check (tools/atomic.checked_output): `make clean OUTPUTDIR=.` must not delete the project.

Standard library only, so it runs before .venv/ exists. Exit status: 0 removed (or
nothing there); 2 refused, with why."""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from tools import atomic


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="clean", description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="output")
    args = parser.parse_args(argv)
    try:
        output = atomic.checked_output(args.output, atomic.PROJECT_FOLDERS)
    except atomic.UnsafeOutput as e:
        print(f"clean: refused: {e}", file=sys.stderr)
        return 2
    if os.path.islink(args.output):  # keep a deploy symlink; empty the folder it points to
        for entry in os.scandir(output):
            shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.remove(entry.path)
    else:
        shutil.rmtree(output, ignore_errors=True)
    for cache in (".cache", ".build"):
        shutil.rmtree(os.path.join(atomic.ROOT, cache), ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
