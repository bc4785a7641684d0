"""The lint's own rules, remembered per file between builds.

A build runs the rules of `rules.py` on every Markdown file (about 1.3 s for 1,000
briefs); after an edit, all but one file give the same problems as last time. So
each file's problems are kept under the hash of its bytes, in one file per *salt*:
a hash of the lint's and the plugins' code, the settings and the saved fingerprints
(what else the rules read), so other code never reads these results. Only the
entries this run used are written back: the cache never grows past the content.
The age of As_of depends on the day, not the file: it is never cached.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile

from problems import Problem

HERE = os.path.dirname(os.path.abspath(__file__))


def salt(settings: dict, fingerprint_folder: str) -> str:
    from tools.lint import pure_module

    fingerprint = pure_module("speed.fingerprint")
    h = fingerprint.new_hash()
    h.update(fingerprint.code(settings).encode())
    fingerprint.hash_tree(h, HERE, (".py",))
    if os.path.isdir(fingerprint_folder):
        fingerprint.hash_tree(h, fingerprint_folder)
    return h.hexdigest()[:20]


class RuleCache:
    def __init__(self, folder: str, salt_value: str):
        self.path = os.path.join(folder, f"lint-{salt_value}.pickle")
        self.folder = folder
        try:
            with open(self.path, "rb") as f:
                self.entries: dict = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            self.entries = {}
        self.used: dict = {}

    @staticmethod
    def key(source_file: str, data: bytes) -> tuple[str, bytes]:
        return source_file, hashlib.blake2b(data, digest_size=16).digest()

    def get(self, key) -> list[Problem] | None:
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
            return [Problem(*fields) for fields in found]
        return None

    def put(self, key, problems: list[Problem]) -> None:
        self.used[key] = [(p.path, p.line, p.col, p.level, p.message, p.rule) for p in problems]

    def save(self) -> None:
        """Write the entries of this run (atomically: a reader sees the old file or the new)."""
        os.makedirs(self.folder, exist_ok=True)
        for entry in os.scandir(self.folder):  # results of other code or settings
            if entry.name.startswith("lint-") and entry.path != self.path:
                os.unlink(entry.path)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".lint-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(self.used, f, protocol=5)
        os.replace(temporary, self.path)
