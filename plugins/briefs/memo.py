"""What a plugin made in the last build, by everything that went into it.

In the build process `make devserver` keeps, an edit changes one or two documents; the
rest of a plugin's results are the same from one build to the next. A plugin keeps one
`LastBuild`, calls `next_build()` once per build, and asks `get(key, make)` with a key
that holds every input of the result (`make()` runs only for a key the last build did not
have). Results of the last build are dropped by the next, so the memory stays one build's.

A named `LastBuild` is also kept on disk (`save` after a build, `load` before the next, in
the cache folder plugins/speed names after the code's fingerprint), so that `make html`, a
new process each time, reuses what the last one worked out instead of doing it all again.
"""

from __future__ import annotations

import os
import pickle
import tempfile


class LastBuild:
    def __init__(self, name: str | None = None):
        self.previous: dict = {}
        self.current: dict = {}
        if name is not None:  # kept on disk between command-line builds: `load`, `save`
            SAVED[name] = self

    def next_build(self) -> None:
        self.previous, self.current = self.current, {}

    def get(self, key, make):
        found = self.previous.get(key) if key in self.previous else self.current.get(key)
        if found is None:
            found = make()
        self.current[key] = found
        return found


class ByFile:
    """What was made from a file's bytes, kept while its modification time, size and inode
    stay the same (as plugins/speed keeps each file's HTML): a build process reads the
    front matter of a thousand files it has not changed only once."""

    def __init__(self):
        self.files: dict = {}

    def get(self, path: str, make):
        """`make(data)` for the bytes of the file at `path`, or what it gave last time."""
        st = os.stat(path)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        found = self.files.get(path)
        if found is not None and found[0] == stamp:
            return found[1]
        with open(path, "rb") as f:
            value = make(f.read())
        self.files[path] = (stamp, value)
        return value


SAVED: dict[str, LastBuild] = {}  # name -> memo, for `save` and `load`


def load(path: str) -> None:
    """Give each named memo that holds nothing yet (a new process) what `save` wrote."""
    empty = {name: memo for name, memo in SAVED.items() if not memo.previous and not memo.current}
    if not empty:
        return
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, KeyError,
            TypeError, ValueError):
        return  # none yet, or written by other code: work it out again
    if isinstance(saved, dict):
        for name, memo in empty.items():
            if isinstance(saved.get(name), dict):
                memo.current = saved[name]


def save(path: str) -> None:
    """This build's results of every named memo, in one file (one pickle, so the HTML that
    several memos hold is written once)."""
    try:
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".memo-")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump({name: memo.current for name, memo in SAVED.items()}, f, protocol=5)
            os.replace(temporary, path)  # a reader sees the old file or the new
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a cache: the next build works it out again
