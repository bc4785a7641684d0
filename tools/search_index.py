"""The search index: run Pagefind (PyPI `pagefind-bin`) over a built site, as a
post-step of the atomic build (`tools.build`), so the index ships with the site.

Pagefind indexes only what the theme marks `data-pagefind-body` (briefs, pages, the
sources page) and writes `pagefind/` beside them; the search page loads
`pagefind/pagefind-ui.js` from there.

Same input, same bytes: Pagefind 1.5.2 writes the values of each filter (the theme's
`data-pagefind-filter="status:…"`) in hash-map order, which changes from run to run,
and the file names are hashes of the content. `canonicalize()` sorts each filter
file's entries, names it after its own content, and updates the two files that refer
to it (the language's `.pf_meta` and `pagefind-entry.json`). Everything else Pagefind
writes is already stable.

    python -m tools.search_index output/
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

HEADER = b"pagefind_dcd"  # every compressed Pagefind data file starts with this


class SearchIndexError(Exception):
    pass


def pagefind_executable() -> str:
    from pagefind_bin import get_executable

    return str(get_executable())


def build_index(site: str) -> None:
    """Index `site` in place (writes `site/pagefind/`); raises SearchIndexError on failure."""
    result = subprocess.run(
        [pagefind_executable(), "--site", str(site), "--silent"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {(result.stderr or result.stdout).strip()}")
    if not (Path(site) / "pagefind" / "pagefind-entry.json").is_file():
        raise SearchIndexError("pagefind wrote no index: no page has data-pagefind-body?")
    canonicalize(Path(site) / "pagefind")


# --- CBOR, just the part Pagefind's data files use -----------------------------------

def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def cbor_decode(data: bytes, pos: int = 0):
    """(value, next position). Unsigned/negative ints, byte and text strings, arrays,
    maps (as lists of pairs, to keep their order) and the simple values."""
    first = data[pos]
    major, info = first >> 5, first & 31
    pos += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        raise ValueError(f"unsupported CBOR item 0x{first:02x} at {pos - 1}")
    if major == 0:
        return ("uint", arg), pos
    if major == 1:
        return ("nint", arg), pos
    if major in (2, 3):
        return ("bytes" if major == 2 else "text", data[pos : pos + arg]), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = cbor_decode(data, pos)
            items.append(item)
        return ("array", items), pos
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, pos = cbor_decode(data, pos)
            value, pos = cbor_decode(data, pos)
            pairs.append((key, value))
        return ("map", pairs), pos
    if major == 7:
        return ("simple", info), pos
    raise ValueError(f"unsupported CBOR major type {major} at {pos - 1}")


def cbor_encode(item) -> bytes:
    kind, value = item
    if kind == "uint":
        return _head(0, value)
    if kind == "nint":
        return _head(1, value)
    if kind in ("bytes", "text"):
        return _head(2 if kind == "bytes" else 3, len(value)) + value
    if kind == "array":
        return _head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if kind == "map":
        return _head(5, len(value)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value)
    if kind == "simple":
        return bytes([7 << 5 | value])
    raise ValueError(kind)


def _sort_filter_values(item, path: Path):
    """A filter file is [name, [[value, [page, ...]], ...]]: put the values in order."""
    kind, value = item
    if kind != "array" or len(value) != 2 or value[0][0] != "text" or value[1][0] != "array":
        raise SearchIndexError(f"{path}: unexpected Pagefind filter layout (was pagefind-bin upgraded?)")
    return ("array", [value[0], ("array", sorted(value[1][1], key=_by_value))])


def _by_value(pair):
    first = pair[1][0] if pair[0] == "array" and pair[1] else ("", b"")
    return (first[1] if first[0] == "text" else b"", cbor_encode(pair))


def read_data(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(HEADER):
        raise SearchIndexError(f"{path}: not a Pagefind data file")
    return data[len(HEADER) :]


def write_data(path: Path, payload: bytes) -> None:
    path.write_bytes(gzip.compress(HEADER + payload, compresslevel=9, mtime=0))


def parse_exact(payload: bytes, path: Path):
    item, end = cbor_decode(payload)
    if end != len(payload) or cbor_encode(item) != payload:
        raise SearchIndexError(f"{path}: unexpected Pagefind data layout (was pagefind-bin upgraded?)")
    return item


def content_name(old: str, payload: bytes) -> str:
    """'en_9c16b67' -> 'en_' + as many hex digits of the payload's hash."""
    prefix, _, digest = old.rpartition("_")
    return f"{prefix}_{hashlib.sha256(payload).hexdigest()[: len(digest)]}"


def canonicalize(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry.get("languages", {}).values():
        renamed = {}
        prefix = language["hash"].rpartition("_")[0] + "_"
        for path in sorted((bundle / "filter").glob(f"{prefix}*.pf_filter")):
            payload = cbor_encode(_sort_filter_values(parse_exact(read_data(path), path), path))
            new = content_name(path.stem, payload)
            path.unlink()
            write_data(path.with_name(new + ".pf_filter"), payload)
            renamed[path.stem.encode()] = new.encode()
        if not renamed:
            continue
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = parse_exact(read_data(meta_path), meta_path)
        payload = cbor_encode(_sort_filter_refs(_rename(meta, renamed), set(renamed.values())))
        new_hash = content_name(language["hash"], payload)
        meta_path.unlink()
        write_data(bundle / f"pagefind.{new_hash}.pf_meta", payload)
        language["hash"] = new_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _rename(item, renamed: dict):
    kind, value = item
    if kind == "text" and value in renamed:
        return ("text", renamed[value])
    if kind == "array":
        return ("array", [_rename(v, renamed) for v in value])
    if kind == "map":
        return ("map", [(_rename(k, renamed), _rename(v, renamed)) for k, v in value])
    return item


def _sort_filter_refs(item, names: set):
    """The meta's list of [filter name, file] pairs, in name order."""
    kind, value = item
    if kind != "array":
        return item
    is_refs = value and all(
        v[0] == "array" and len(v[1]) == 2 and v[1][1][0] == "text" and v[1][1][1] in names for v in value
    )
    if is_refs:
        return ("array", sorted(value, key=lambda v: cbor_encode(v)))
    return ("array", [_sort_filter_refs(v, names) for v in value])


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    site = args[0] if args else "output"
    if not os.path.isdir(site):
        print(f"search_index: no such folder: {site}", file=sys.stderr)
        return 2
    try:
        build_index(site)
    except SearchIndexError as e:
        print(f"search_index: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
