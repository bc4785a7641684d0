"""Fingerprints: a short hash of everything that makes a build's output what it is.

- `code(settings)`: the plugins' source, the settings' values and the versions of the
  packages that turn Markdown into HTML. Pelican's content cache is keyed by file
  only; naming the cache folder after this keeps a cache made by other code or
  settings from being read.
- `theme(settings)`: every file of the theme (templates and static).
- `canonical(value)`: a stable text for a value (dict order, set order and object
  addresses left out), so equal inputs hash equal in any process.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import sys
import types
from importlib import metadata

# Settings that name where this build writes, not what it writes.
VOLATILE = {"OUTPUT_PATH", "CACHE_PATH", "SPEED_PREVIOUS"}
PACKAGES = ("pelican", "markdown", "jinja2", "markupsafe", "nh3", "pygments", "pyyaml", "feedgenerator")


def new_hash():
    return hashlib.blake2b(digest_size=16)


def hash_tree(h, root: str, suffixes: tuple[str, ...] | None = None) -> None:
    """Feed `h` every file under `root` (ending in `suffixes`, if given): its relative
    name and its bytes, in a fixed order. Also used by tools/lint/cache.py."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if suffixes and not name.endswith(suffixes):
                continue
            path = os.path.join(folder, name)
            h.update(os.path.relpath(path, root).encode() + b"\0")
            with open(path, "rb") as f:
                h.update(f.read())
            h.update(b"\0")


def code(settings) -> str:
    h = new_hash()
    h.update(sys.version.encode())
    for name in PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-;".encode())
    for path in settings.get("PLUGIN_PATHS", []):
        if os.path.isdir(path):
            hash_tree(h, path, (".py",))
    h.update(canonical({k: v for k, v in settings.items() if k not in VOLATILE}).encode())
    return h.hexdigest()


def theme(settings) -> str:
    h = new_hash()
    for path in [settings.get("THEME", "")] + list(settings.get("THEME_TEMPLATES_OVERRIDES", [])):
        if path and os.path.isdir(path):
            hash_tree(h, path)
    return h.hexdigest()


def canonical(value, depth: int = 0) -> str:
    """A deterministic text for settings-like values (dicts, lists, sets, scalars,
    functions and small objects)."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return f"{type(value).__name__}({value.isoformat()})"
    if isinstance(value, types.ModuleType):
        return f"<module {value.__name__}>"
    if depth > 6:
        return type(value).__qualname__
    if isinstance(value, dict):
        items = sorted((canonical(k, depth + 1), canonical(v, depth + 1)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v, depth + 1) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(canonical(v, depth + 1) for v in value)) + "}"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"<{getattr(value, '__module__', '')}.{value.__qualname__}>"
    state = getattr(value, "__dict__", None)
    name = f"{type(value).__module__}.{type(value).__qualname__}"
    if isinstance(state, dict):
        return f"<{name} {canonical(state, depth + 1)}>"
    return f"<{name}>"
