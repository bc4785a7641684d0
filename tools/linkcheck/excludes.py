"""Excludes, as lychee users know them: links and pages the checker leaves alone.

- `--exclude REGEX` (repeatable): a link whose URL, as written in the page, matches is neither
  reported nor requested.
- `--exclude-path REGEX` (repeatable): a page whose path inside the site matches is not
  checked (it is still read, so links into it and its anchors keep working).
- The same lists in `.linkcheck.toml` (in the working directory, or `--config FILE`):

      # Python regular expressions, searched in each URL as written / each page's path.
      exclude = ['^https://(www\\.)?linkedin\\.com/']
      exclude_path = ['^api/']

A pattern that excluded nothing in a run is a warning (`unused-exclude`), at its line in the
config file: an exclude outlives the problem it hid, and then hides the next one.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .problem import Problem

CONFIG_NAME = ".linkcheck.toml"
KEYS = ("exclude", "exclude_path")
_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'")


class ConfigError(Exception):
    """A config file or pattern that cannot be used: a usage error, said in one line."""


@dataclass
class Pattern:
    text: str
    regex: re.Pattern
    where: str  # the config file as shown, or "--exclude" / "--exclude-path"
    line: int = 1
    col: int = 1
    used: bool = False


@dataclass
class Excludes:
    urls: list = field(default_factory=list)
    paths: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.urls or self.paths)

    @staticmethod
    def _match(patterns: list, text: str) -> bool:
        hit = False
        for p in patterns:  # every pattern that matches counts as used, not only the first
            if p.regex.search(text):
                p.used = hit = True
        return hit

    def url(self, url: str) -> bool:
        return bool(url) and self._match(self.urls, url)

    def page(self, path: str) -> bool:
        return self._match(self.paths, path)

    def unused(self) -> list:
        out = []
        for kind, patterns, what in (("exclude", self.urls, "no link with a problem and no external URL"),
                                     ("exclude_path", self.paths, "no page")):
            for p in patterns:
                if not p.used:
                    out.append(Problem(p.where, p.line, p.col, "unused-exclude",
                                       f"{kind} pattern '{p.text}' matched {what} in this run: remove it, "
                                       "or fix it"))
        return out


def _compile(text: str, where: str, line: int = 1, col: int = 1) -> Pattern:
    try:
        return Pattern(text, re.compile(text), where, line, col)
    except re.error as e:
        place = f"{where}:{line}:{col}" if where.endswith(".toml") else where
        raise ConfigError(f"{place}: invalid regular expression '{text}': {e}") from None


def _positions(text: str) -> dict:
    """Each string value in a TOML file -> (line, col) of its first occurrence."""
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        for m in _STRING.finditer(line):
            try:
                value = tomllib.loads(f"v = {m.group(0)}")["v"]
            except tomllib.TOMLDecodeError:
                continue
            found.setdefault(value, (number, m.start() + 1))
    return found


def load(config: Optional[Path], shown: str, cli_urls: list, cli_paths: list) -> Excludes:
    excludes = Excludes([_compile(t, "--exclude") for t in cli_urls],
                        [_compile(t, "--exclude-path") for t in cli_paths])
    if config is None:
        return excludes
    try:
        text = config.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as e:
        raise ConfigError(f"cannot read {shown}: {e.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{shown}: invalid TOML: {e}") from None
    positions = _positions(text)
    for key, value in data.items():
        if key not in KEYS:
            hint = {"exclude-path": "exclude_path", "exclude_paths": "exclude_path",
                    "excludes": "exclude", "exclude-url": "exclude"}.get(key)
            raise ConfigError(f"{shown}: unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else "")
                              + f": expected {' or '.join(KEYS)}")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{shown}: '{key}' expected a list of regular expressions (strings)")
        target = excludes.urls if key == "exclude" else excludes.paths
        for v in value:
            target.append(_compile(v, shown, *positions.get(v, (1, 1))))
    return excludes
