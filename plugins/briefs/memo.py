"""What a plugin made in the last build, by everything that went into it.

In the build process `make devserver` keeps, an edit changes one or two documents; the
rest of a plugin's results are the same from one build to the next. A plugin keeps one
`LastBuild`, calls `next_build()` once per build, and asks `get(key, make)` with a key
that holds every input of the result (`make()` runs only for a key the last build did not
have). Results of the last build are dropped by the next, so the memory stays one build's.
"""

from __future__ import annotations

import os


class LastBuild:
    def __init__(self):
        self.previous: dict = {}
        self.current: dict = {}

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
