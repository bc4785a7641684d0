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

In parts, for large sites: Pagefind holds the whole index in memory while it builds
it, about 0.5 GB per 1,000 briefs (measured: 1.0 GB for 2,000, 4.7 GB for 10,000).
So the indexed pages (those with `data-pagefind-body`), in path order, are cut into
parts of at most PART_BYTES of HTML, and Pagefind indexes each part on its own, one
after the other, through a mirror folder of hard links: the first part into
`pagefind/`, the others into `pagefind/part-2/`, `part-3/`... `pagefind/parts.json`
lists those, and the search page merges them in the browser (Pagefind's
`mergeIndex`, static/search.js). A site under PART_BYTES (about 1,500 briefs) is
one part, as Pagefind alone would index it.

    python -m tools.search_index output/
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path

HEADER = b"pagefind_dcd"  # every compressed Pagefind data file starts with this


class SearchIndexError(Exception):
    pass


def pagefind_executable() -> str:
    from pagefind_bin import get_executable

    return str(get_executable())


PART_BYTES = 64 * 1024 * 1024  # of HTML per part: Pagefind then needs 1 to 1.5 GB (measured)
PARTS_FILE = "parts.json"  # in pagefind/: the other parts' folders, for the search page
MARK = b"data-pagefind-body"
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
            "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def step(settings_file: str):
    """`build_index` with the part size of the settings' SEARCH_INDEX_PART_MB, for tools.build."""
    import functools
    import runpy

    megabytes = runpy.run_path(os.path.abspath(settings_file)).get("SEARCH_INDEX_PART_MB", PART_BYTES >> 20)
    return functools.partial(build_index, part_bytes=int(megabytes * 1024 * 1024) or sys.maxsize)


class Cancelled(SearchIndexError):
    pass


def build_index(site: str, part_bytes: int = PART_BYTES, bundle: str | None = None,
                cancel: threading.Event | None = None) -> None:
    """Index `site` into `bundle` (default `site/pagefind/`); raises SearchIndexError on
    failure, Cancelled (Pagefind stopped) as soon as `cancel` is set."""
    site_path = Path(site)
    parts = split(indexed_pages(site_path), part_bytes)
    bundle = Path(bundle) if bundle else site_path / "pagefind"
    if len(parts) <= 1:
        _pagefind(site_path, bundle, cancel)
    else:
        for number, pages in enumerate(parts, start=1):
            _index_part(site_path, pages, bundle if number == 1 else bundle / f"part-{number}", cancel)
    names = [f"part-{number}/" for number in range(2, len(parts) + 1)]
    (bundle / PARTS_FILE).write_text(json.dumps(names) + "\n", encoding="utf-8")


def indexed_pages(site: Path) -> list[tuple[str, int]]:
    """(path relative to `site`, size) of every page Pagefind would index, in path order."""
    found = []
    for folder, dirs, files in os.walk(site):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (folder == str(site) and d == "pagefind"))
        for name in sorted(files):
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    data = f.read()
                if MARK in data:
                    found.append((os.path.relpath(path, site), len(data)))
    return sorted(found)


def split(pages: list[tuple[str, int]], part_bytes: int) -> list[list[str]]:
    """Consecutive runs of `pages` of at most `part_bytes` each (a bigger page alone)."""
    parts, current, size = [], [], 0
    for path, length in pages:
        if current and size + length > part_bytes:
            parts.append(current)
            current, size = [], 0
        current.append(path)
        size += length
    return parts + [current] if current else parts


def _index_part(site: Path, pages: list[str], bundle: Path, cancel: threading.Event | None) -> None:
    """Index `pages` only, through a mirror of `site` holding just them (hard links,
    so the URLs Pagefind records are the same); write the bundle to `bundle`. The
    mirror is made beside the bundle: inside the staged site, which is discarded
    whole if the build dies."""
    mirror = Path(tempfile.mkdtemp(prefix=".search-part-", dir=bundle.parent))
    try:
        for rel in pages:
            target = mirror / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / rel, target)
            except OSError:
                shutil.copyfile(site / rel, target)
        _pagefind(mirror, bundle, cancel)
    finally:
        shutil.rmtree(mirror, ignore_errors=True)
    if bundle.name.startswith("part-"):
        for name in UI_FILES:  # the search page loads the UI from the first part only
            (bundle / name).unlink(missing_ok=True)


def _pagefind(site: Path, bundle: Path, cancel: threading.Event | None = None) -> None:
    process = subprocess.Popen(
        [pagefind_executable(), "--site", str(site), "--output-path", str(bundle), "--silent"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    while True:
        try:
            out, err = process.communicate(timeout=None if cancel is None else 0.1)
            break
        except subprocess.TimeoutExpired:
            if cancel.is_set():
                process.kill()
                process.communicate()
                raise Cancelled("stopped for a newer build") from None
    if process.returncode < 0:  # e.g. SIGXFSZ: a file grew past what the system allows
        import signal

        raise SearchIndexError(f"pagefind was stopped by {signal.Signals(-process.returncode).name}")
    if process.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({process.returncode}): {(err or out).strip()}")
    if not (bundle / "pagefind-entry.json").is_file():
        raise SearchIndexError("pagefind wrote no index: no page has data-pagefind-body?")
    try:
        canonicalize(bundle)
    except (ValueError, EOFError, OSError, zlib.error) as e:
        # Pagefind exits 0 even when the disk filled up under it: what it left is empty or cut short.
        raise SearchIndexError(f"the search index Pagefind wrote is incomplete (is the disk full?): "
                               f"{getattr(e, 'strerror', None) or e}") from None


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
