"""A small persistent cache of external URLs that were found to work.

Only successes are stored: a broken or unverifiable URL is asked again next time, so a fixed
link turns green at once and a transient failure is never remembered. Entries expire after a
TTL so a link that died since is found within that time. The file is JSON (readable, diffable,
easy to drop) and is replaced atomically so an interrupted run cannot corrupt it.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Optional

VERSION = 1


class LinkCache:
    def __init__(self, path: Optional[Path], ttl: float, now=time.time):
        self.path = path
        self.ttl = ttl
        self._now = now
        self.entries: dict = {}
        if path is not None:
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return  # no cache yet, or an unreadable one: start afresh
        if isinstance(data, dict) and data.get("version") == VERSION:
            entries = data.get("entries")
            if isinstance(entries, dict):
                self.entries = entries

    def get(self, url: str) -> Optional[dict]:
        entry = self.entries.get(url)
        if not isinstance(entry, dict):
            return None
        checked = entry.get("checked")
        if not isinstance(checked, (int, float)) or self._now() - checked >= self.ttl:
            return None
        return entry

    def put_ok(self, url: str, detail: str, final_url: str = "") -> None:
        self.entries[url] = {"checked": self._now(), "detail": detail, "final_url": final_url}

    def save(self) -> None:
        if self.path is None:
            return
        now = self._now()
        fresh = {u: e for u, e in self.entries.items()
                 if isinstance(e, dict) and now - e.get("checked", 0) < self.ttl}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".external-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": VERSION, "entries": fresh}, fh, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
