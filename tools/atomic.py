"""Publish a finished build directory in place of the old one, atomically.

A build writes into a fresh sibling folder; only when it has fully succeeded does
that folder take the place of output/. On Linux the two folders are exchanged with
one renameat2(RENAME_EXCHANGE) call, so a reader (or a crash) never sees a
half-written or missing output/. Elsewhere, two renames."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def staging_dir(output: str) -> str:
    """A new empty folder beside `output` (same filesystem, so renames are atomic)."""
    parent = os.path.dirname(os.path.abspath(output)) or "."
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=f".{os.path.basename(output)}.building-", dir=parent)


def _exchange(a: str, b: str) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def publish(staged: str, output: str) -> None:
    """Make `staged` the new `output`; the old output is removed afterwards."""
    staged, output = os.path.abspath(staged), os.path.abspath(output)
    os.chmod(staged, 0o755)  # mkdtemp makes it 0700; a served site must be readable
    if os.path.isdir(output) and _exchange(staged, output):
        shutil.rmtree(staged)  # now holds the previous build
        return
    if os.path.lexists(output):
        old = output + ".previous"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(output, old)
        os.rename(staged, output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staged, output)


def discard(staged: str) -> None:
    shutil.rmtree(staged, ignore_errors=True)
