"""Where an internal URL lands: the site's files and folders, the base path the site is
published under, and the rule that a folder URL is served as its index.html.
"""
from __future__ import annotations

import os
from difflib import get_close_matches
from pathlib import Path
from typing import Optional
from urllib.parse import unquote

HTML_SUFFIXES = (".html", ".htm")


def normalise_base_path(base: str) -> str:
    return "/" + base.strip("/") + "/" if base.strip("/") else "/"


def list_site(site: Path) -> tuple[set, set, list, list]:
    """(files, directories, html pages, unreadable), paths site-relative and posix.

    Symlinks are followed, as a web server serving the folder would: a symlinked folder's
    files are in the site (each real folder walked once, so a loop ends). What cannot be
    served is `unreadable`, (path, why): a symlink whose target is missing or loops, and
    anything that is not a regular file (a FIFO, a device: opening it would hang)."""
    import stat

    files: set = set()
    dirs: set = set()
    pages: list = []
    unreadable: list = []
    root = str(site)
    seen = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        info = os.stat(dirpath)
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        if (info.st_dev, info.st_ino) in seen:  # reached again through a symlink: a loop
            unreadable.append((rel_dir, "a symlinked folder that leads back to a folder above it (a loop)"))
            dirnames[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        if prefix:
            dirs.add(rel_dir)
        for name in filenames:
            rel = prefix + name
            full = os.path.join(dirpath, name)
            try:
                mode = os.stat(full).st_mode
            except OSError as e:
                why = "loops" if e.errno == 40 else "does not exist"
                target = os.readlink(full) if os.path.islink(full) else "?"
                unreadable.append((rel, f"a symlink to '{target}', which {why}"))
                continue
            if not stat.S_ISREG(mode):
                unreadable.append((rel, "not a regular file (a FIFO or a device): not read"))
                continue
            files.add(rel)
            if name.lower().endswith(HTML_SUFFIXES):
                pages.append(rel)
    pages.sort()
    return files, dirs, pages, sorted(unreadable)


class Resolver:
    """Resolves internal URL paths to site files, remembering answers (many pages share links)."""

    def __init__(self, files: set, dirs: set, base_path: str = "/",
                 site_url: Optional[str] = None):
        self.files = files
        self.dirs = dirs
        self.base = normalise_base_path(base_path)
        # absolute URLs under this prefix are our own pages
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        self._memo: dict = {}
        self._listing: Optional[dict] = None

    def resolve(self, page_dir: str, path: str) -> tuple[Optional[str], str]:
        """(existing file, "") or (None, why) for a URL path (no query or fragment)."""
        if path.startswith("/"):
            key = ("/", path)
        else:
            # "../x/" means the same from every page of a folder: strip the ups into the key so
            # sibling pages share one answer (briefs/a/ and briefs/b/ both ask briefs/ for x/).
            while path.startswith("../") and page_dir:
                page_dir = page_dir.rpartition("/")[0]
                path = path[3:]
            key = (page_dir, path)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._resolve(page_dir, path)
        return hit

    def _normalise(self, page_dir: str, path: str) -> tuple[Optional[str], bool, str]:
        """(site-relative path, written as a directory?, why not) for a URL path."""
        if path.startswith("/"):
            if not (path.startswith(self.base) or path + "/" == self.base):
                return None, False, f"it is outside the base path {self.base}"
            joined = path[len(self.base):]
        else:
            joined = page_dir + "/" + path if page_dir else path
        parts: list = []
        for part in joined.split("/"):
            if part == "..":
                if not parts:
                    return None, False, "it goes above the site root"
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        as_dir = joined.endswith(("/", "/.", "/..")) or joined in ("", ".", "..")
        return unquote("/".join(parts)), as_dir, ""

    def _resolve(self, page_dir: str, path: str) -> tuple[Optional[str], str]:
        rel, as_dir, why = self._normalise(page_dir, path)
        if rel is None:
            return None, why
        if as_dir or rel in self.dirs:
            # A directory URL is served as its index.html (GitHub Pages, http.server, nginx).
            index = rel + "/index.html" if rel else "index.html"
            if index in self.files:
                return index, ""
            if rel and rel not in self.dirs:
                return None, f"no {rel}/index.html in the site"
            return None, f"{rel or '.'}/ has no index.html"
        if rel in self.files:
            return rel, ""
        return None, f"no {rel} in the site"

    def suggest(self, page_dir: str, path: str) -> Optional[str]:
        """A close existing name in the same directory, written the way the link was."""
        if self._listing is None:
            self._listing, self._suggested = {}, {}
            for f in self.files:
                d, _, name = f.rpartition("/")
                self._listing.setdefault(d, []).append(name)
            for d in self.dirs:
                parent, _, name = d.rpartition("/")
                self._listing.setdefault(parent, []).append(name + "/")
        head, sep, tail = path.rstrip("/").rpartition("/")
        if tail in ("", ".", ".."):
            return None
        target_dir, _, _ = self._normalise(page_dir, head + sep)
        if target_dir is None:
            return None
        probe = tail + ("/" if path.endswith("/") else "")
        # The same broken link is often on every page (a template's): look it up once.
        key = (target_dir, probe)
        if key not in self._suggested:
            match = get_close_matches(probe, self._listing.get(target_dir, []), n=1, cutoff=0.75)
            self._suggested[key] = match[0] if match else None
        found = self._suggested[key]
        return head + sep + found if found else None
