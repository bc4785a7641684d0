"""Publish a finished build directory in place of the old one, atomically.

A build writes into a fresh sibling folder; only when it has fully succeeded does
that folder take the place of output/. On Linux the two folders are exchanged with
one renameat2(RENAME_EXCHANGE) call, so a reader (or a crash) never sees a
half-written or missing output/. Elsewhere, two renames."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import glob
import os
import shutil
import subprocess
import tempfile

AT_FDCWD = -100
RENAME_EXCHANGE = 2
# Every published build carries this file: a folder without it was not made by a build,
# and the swap, which replaces the whole folder, must never take it.
MARKER = ".briefs-build"
# A build replaces its output folder whole: never one of these, nor one holding them.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT_FOLDERS = [ROOT] + [os.path.join(ROOT, name) for name in (".git", "content", "theme", "plugins", "tests", "tools")]


class UnsafeOutput(Exception):
    """The output folder given could not be replaced without losing files the build did not make."""


def checked_output(output: str, protected: list[str]) -> str:
    """The folder a build may replace: `output` itself, or the folder a symlinked
    `output` points to (so a deploy symlink keeps pointing at the new site).

    Refused (UnsafeOutput, with what to do): a folder that is, contains or lies inside one
    of `protected` (the project's own folders; the project root itself may hold output/),
    and an existing non-empty folder without MARKER: it holds files no build made, which
    the swap would delete."""
    path = os.path.realpath(output)
    root, *inside = [os.path.realpath(p) for p in protected]
    if os.path.commonpath([path, root]) == path:
        raise UnsafeOutput(f"output folder {output!r} is the project folder or contains it, "
                           "which would be deleted with it; give a folder such as output/")
    for folder in inside:
        if os.path.commonpath([path, folder]) in (path, folder):
            raise UnsafeOutput(f"output folder {output!r} overlaps {os.path.relpath(folder, root)}/, "
                               "part of the project, which would be deleted with it; give a folder such as output/")
    if os.path.lexists(path) and not os.path.isdir(path):
        raise UnsafeOutput(f"output {output!r} exists and is not a folder")
    if os.path.isdir(path) and not os.path.isfile(os.path.join(path, MARKER)):
        with os.scandir(path) as entries:
            if any(True for _ in entries):
                raise UnsafeOutput(
                    f"output folder {output!r} holds files no build made (no {MARKER} in it): "
                    "a build replaces the whole folder; empty or remove it yourself, or give another folder")
    return path


@contextlib.contextmanager
def locked(output: str):
    """Hold an exclusive lock on `output` for one build: two builds of the same
    output wait for each other instead of racing on its staging folders and cache.
    The lock is a file in .cache/ beside output/; the kernel drops it when the process dies."""
    parent, name = split(output)
    os.makedirs(os.path.join(parent, ".cache"), exist_ok=True)
    fd = os.open(os.path.join(parent, ".cache", f"{name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove_stale(output: str, wait: bool = True) -> list[str]:
    """Remove staging folders (and a half-swapped `.previous`) left by a build that
    was killed (SIGKILL, power loss) before it could clean up, and old outputs whose
    deletion has not finished. Call it holding `locked(output)`: then no live build owns
    any of them. With `wait=False` they are deleted by a background process: a rebuild
    that follows the last one within a second (a preview on each save) would otherwise
    wait for the deletion of the previous output that is still under way. Returns what
    was removed (or handed to the background process)."""
    parent, name = split(output)
    stale = sorted(
        path
        for kind in ("building", "old")
        for path in glob.glob(os.path.join(glob.escape(parent), f".{glob.escape(name)}.{kind}-*"))
    )
    previous, current = os.path.join(parent, f"{name}.previous"), os.path.join(parent, name)
    if os.path.isdir(previous):
        if os.path.lexists(current):
            stale.append(previous)
        else:  # killed between the two renames of publish()'s fallback: put the old site back
            os.rename(previous, current)
    if wait:
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)
    elif stale:
        _rm_in_background(stale)
    return stale


def split(output: str) -> tuple[str, str]:
    """(folder it is in, name) of an output folder, trailing slash or not."""
    path = os.path.abspath(output).rstrip(os.sep)
    return os.path.dirname(path) or ".", os.path.basename(path)


def staging_dir(output: str) -> str:
    """A new empty folder beside `output` (same filesystem, so renames are atomic)."""
    parent, name = split(output)
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=f".{name}.building-", dir=parent)


def _exchange(a: str, b: str) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def publish(staged: str, output: str, wait: bool = True) -> None:
    """Make `staged` the new `output`; the old output is removed afterwards (with
    `wait=False`, by a background process: deleting a large tree takes seconds on a
    disk mounted with `discard`, and nobody needs to wait for it)."""
    staged, output = os.path.abspath(staged), os.path.abspath(output)
    if os.path.islink(output):  # swapping would replace the link itself, not the site it points to
        raise UnsafeOutput(f"{output} is a symlink: publish into the folder it points to")
    os.chmod(staged, 0o755)  # mkdtemp makes it 0700; a served site must be readable
    if os.path.isdir(output) and _exchange(staged, output):
        _remove(staged, output, wait)  # `staged` now holds the previous build
        return
    if os.path.lexists(output):
        old = output + ".previous"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(output, old)
        os.rename(staged, output)
        _remove(old, output, wait)
    else:
        os.rename(staged, output)


def _remove(path: str, output: str, wait: bool) -> None:
    if wait:
        shutil.rmtree(path, ignore_errors=True)
        return
    parent, name = split(output)
    trash = tempfile.mkdtemp(prefix=f".{name}.old-", dir=parent)
    os.rename(path, os.path.join(trash, "tree"))
    _rm_in_background([trash])


def _rm_in_background(paths: list[str]) -> None:
    # A new session: a Ctrl-C meant for the build does not stop it; if it is killed
    # anyway, the next build's remove_stale() finishes the job.
    subprocess.Popen(["rm", "-rf", "--", *paths], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)


def discard(staged: str) -> None:
    shutil.rmtree(staged, ignore_errors=True)
