"""The URLs of content/sources.yaml (a CSL-YAML list: id, URL, optional archive-url), each with
its line and column so a dead one is reported where it is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

FIELDS = ("URL", "archive-url")


@dataclass(frozen=True)
class SourceURL:
    key: str  # the source's id
    field: str  # "URL" or "archive-url"
    url: str
    line: int
    col: int


@dataclass(frozen=True)
class SourceEntry:
    key: str
    url: Optional[SourceURL]
    archive: Optional[SourceURL]


def read_sources(path: Path) -> list:
    """Entries in file order; [] for a missing or unparsable file (the linter reports those)."""
    try:
        with open(path, encoding="utf-8") as fh:
            root = yaml.compose(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(root, yaml.SequenceNode):
        return []
    entries = []
    for item in root.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
        key_node = fields.get("id")
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        found = {}
        for name in FIELDS:
            node = fields.get(name)
            if isinstance(node, yaml.ScalarNode) and node.value.strip():
                quoted = 1 if node.style in ("'", '"') else 0
                found[name] = SourceURL(key, name, node.value.strip(), node.start_mark.line + 1,
                                        node.start_mark.column + 1 + quoted)
        entries.append(SourceEntry(key, found.get("URL"), found.get("archive-url")))
    return entries
