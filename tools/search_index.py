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

In parts, for large sites, for two reasons:
- Memory: Pagefind holds the whole index of one run in memory, about 0.5 GB per 1,000
  briefs (measured: 1.0 GB for 2,000, 4.7 GB for 10,000), so no part holds more than
  `part_bytes` of HTML.
- Speed: Pagefind has no incremental mode; it re-reads every page each run (3.3 s for
  1,000 briefs). A site of at least two parts' worth of pages (`part_pages`) is cut into
  parts of about that many pages, where each cut is picked by a hash of a page's path,
  not by counting: an edit, a new or a removed page changes its own part and no other.
  Each part's index is kept in `cache` under a digest of its pages' paths and bytes, so a
  rebuild after one edit re-runs Pagefind on one part, and a part's index is the same
  bytes whether it was made now or taken from the cache.
The indexed pages (those with `data-pagefind-body`), in path order, are cut into
consecutive parts; each part is indexed on its own through a mirror folder of hard links,
two at a time where the memory allows. The first part goes to `pagefind/`, the others to
`pagefind/part-2/`, `part-3/`... `pagefind/parts.json` lists those, and the search page
merges them in the browser (Pagefind's `mergeIndex`, static/search.js). A small site is
one part, as Pagefind alone would index it.

    python -m tools.search_index output/
"""

from __future__ import annotations

import contextlib
import errno
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


def step(settings_file: str, cache: str | None = None):
    """`build_index` with the part sizes of the settings (SEARCH_INDEX_PART_MB,
    SEARCH_INDEX_PART_PAGES) and the parts' `cache`, for tools.build."""
    import functools
    import runpy

    settings = runpy.run_path(os.path.abspath(settings_file))
    megabytes = settings.get("SEARCH_INDEX_PART_MB", PART_BYTES >> 20)
    return functools.partial(build_index, part_bytes=int(megabytes * 1024 * 1024) or sys.maxsize,
                             part_pages=int(settings.get("SEARCH_INDEX_PART_PAGES", PART_PAGES)), cache=cache)


class Cancelled(SearchIndexError):
    pass


PART_PAGES = 100  # pages a part holds on average, on a site of at least twice as many
MOST_PARTS = 16  # a bigger site gets bigger parts: each part is one more index the search page loads


def build_index(site: str, part_bytes: int = PART_BYTES, bundle: str | None = None,
                cancel: threading.Event | None = None, part_pages: int = 0, cache: str | None = None) -> None:
    """Index `site` into `bundle` (default `site/pagefind/`); raises SearchIndexError on
    failure, Cancelled (Pagefind stopped) as soon as `cancel` is set. With a `cache`
    folder, parts whose pages are unchanged since a build that used it are not indexed
    again."""
    site_path = Path(site)
    pages = indexed_pages(site_path)
    parts = split(pages, part_bytes, part_pages)
    bundle = Path(bundle) if bundle else site_path / "pagefind"
    sizes = {path: size for path, size, _ in pages}
    digests = {path: digest for path, _, digest in pages}
    keys = [part_key(part, digests) for part in parts]
    with _parts_store(cache, bundle) as store:
        todo = [(part, key) for part, key in zip(parts, keys) if not _intact(store / key)]
        _index_parts(site_path, todo, store, whole_site=len(parts) == 1, cancel=cancel,
                     workers=_workers(todo, sizes, part_bytes))
        for number, key in enumerate(keys, start=1):
            target = bundle if number == 1 else bundle / f"part-{number}"
            try:
                _link_tree(store / key, target, skip=(SUM_FILE,) if number == 1 else (SUM_FILE, *UI_FILES))
            except OSError:  # another build of this output pruned it meanwhile: index it again
                shutil.rmtree(target, ignore_errors=True)
                _index_parts(site_path, [(parts[number - 1], key)], store, whole_site=len(parts) == 1,
                             cancel=cancel, workers=1)
                _link_tree(store / key, target, skip=(SUM_FILE,) if number == 1 else (SUM_FILE, *UI_FILES))
        if cache is not None:
            _prune(store, set(keys))
    names = [f"part-{number}/" for number in range(2, len(parts) + 1)]
    (bundle / PARTS_FILE).write_text(json.dumps(names) + "\n", encoding="utf-8")


def indexed_pages(site: Path) -> list[tuple[str, int, bytes]]:
    """(path relative to `site`, size, digest of its bytes) of every page Pagefind would
    index, in path order."""
    found = []
    for folder, dirs, files in os.walk(site):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (folder == str(site) and d == "pagefind"))
        for name in sorted(files):
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    data = f.read()
                if MARK in data:
                    found.append((os.path.relpath(path, site), len(data), hashlib.blake2b(data).digest()))
    return sorted(found)


def split(pages: list[tuple], part_bytes: int, part_pages: int = 0) -> list[list[str]]:
    """Consecutive runs of `pages` ((path, size, ...) in path order). With cuts
    (`cut_every`), a page ends its part when the part holds at least half the average and
    the page's path hashes to a cut: the cuts depend on the paths, not on what the pages
    hold, so an edit changes one part. Any part also ends before the page that would take
    it over `part_bytes` (a bigger page alone)."""
    every = cut_every(len(pages), part_pages)
    parts, current, size = [], [], 0
    for path, length, *_ in pages:
        if current and size + length > part_bytes:
            parts.append(current)
            current, size = [], 0
        current.append(path)
        size += length
        if every and len(current) >= every // 2 and _is_cut(path, every // 2):
            parts.append(current)
            current, size = [], 0
    return parts + [current] if current else parts


def _is_cut(path: str, one_in: int) -> bool:
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest(), "big") % one_in == 0


def cut_every(count: int, part_pages: int) -> int:
    """How many pages a part holds on average: 0 (no cuts but for size) for a site of
    fewer than 2 × `part_pages` pages; else `part_pages`, or a power of two that keeps the
    parts to about MOST_PARTS. It changes only when the site doubles in size."""
    if part_pages <= 1 or count < 2 * part_pages:
        return 0
    return max(part_pages, 1 << max(0, (count // MOST_PARTS - 1)).bit_length())


def part_key(part: list[str], digests: dict[str, bytes]) -> str:
    """A part's index depends on its pages (paths and bytes), Pagefind and this module."""
    h = hashlib.sha256(_SALT)
    for path in part:
        h.update(path.encode("utf-8") + b"\0" + digests[path])
    return h.hexdigest()


def _salt() -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    try:
        pagefind = version("pagefind-bin")
    except PackageNotFoundError:
        pagefind = "unknown"
    return hashlib.sha256(pagefind.encode() + b"\0" + Path(__file__).read_bytes()).digest()


_SALT = _salt()


@contextlib.contextmanager
def _parts_store(cache: str | None, bundle: Path):
    """The folder of the parts' indexes: `cache` if given (kept), else a scratch folder
    beside the bundle (removed)."""
    if cache is not None:
        os.makedirs(cache, exist_ok=True)
        yield Path(cache)
        return
    bundle.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".search-parts-", dir=bundle.parent))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _workers(todo: list, sizes: dict[str, int], part_bytes: int) -> int:
    """Parts indexed at once: one per core, at most two, and only as many as fit in
    `part_bytes` together, so the memory bound of one Pagefind run holds for all of them."""
    if len(todo) < 2:
        return 1
    largest = max(sum(sizes[path] for path in pages) for pages, _ in todo)
    return max(1, min(os.cpu_count() or 1, 2, part_bytes // max(1, largest)))


def _index_parts(site: Path, todo: list, store: Path, whole_site: bool, cancel, workers: int) -> None:
    """Index each (pages, key) of `todo` into `store/key` (written aside, then renamed in)."""
    def one(part_key_pair):
        pages, key = part_key_pair
        aside = Path(tempfile.mkdtemp(prefix=".part-", dir=store))
        try:
            if whole_site:
                _pagefind(site, aside / "bundle", cancel)
            else:
                _index_part(site, pages, aside / "bundle", cancel)
            (aside / "bundle" / SUM_FILE).write_text(_tree_digest(aside / "bundle"), encoding="utf-8")
            try:
                os.rename(aside / "bundle", store / key)
            except OSError:  # another build of this output put it there first: the same bytes
                pass
        finally:
            shutil.rmtree(aside, ignore_errors=True)

    if workers <= 1:
        for item in todo:
            one(item)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(one, item) for item in todo]:
            future.result()


SUM_FILE = ".digest"  # in each part's folder in the cache: the digest of its files, as Pagefind wrote them


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if name != SUM_FILE or root != str(folder):
                with open(path, "rb") as f:
                    h.update(os.path.relpath(path, folder).encode() + b"\0" + f.read())
    return h.hexdigest()


def _intact(entry: Path) -> bool:
    """A part's index is in the cache as it was written. Its files are hard links into each
    output that used them, so one changed there changes here: then it is indexed again, and
    the bad folder removed."""
    try:
        stored = (entry / SUM_FILE).read_text(encoding="utf-8")
    except OSError:
        shutil.rmtree(entry, ignore_errors=True)
        return False
    if stored == _tree_digest(entry):
        return True
    shutil.rmtree(entry, ignore_errors=True)
    return False


def _link_tree(source: Path, target: Path, skip=()) -> None:
    """`target` as a copy of `source` made of hard links (a copy where links are refused)."""
    if not source.is_dir():
        raise FileNotFoundError(source)
    for folder, dirs, files in os.walk(source):
        dirs.sort()
        relative = os.path.relpath(folder, source)
        out = target if relative == "." else target / relative
        out.mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            if relative == "." and name in skip:
                continue
            try:
                os.link(os.path.join(folder, name), out / name)
            except OSError as e:
                if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):  # copy instead
                    raise
                shutil.copyfile(os.path.join(folder, name), out / name)


STALE_SCRATCH_S = 3600  # a part's scratch folder this old was left by a killed build


def _prune(store: Path, keep: set[str]) -> None:
    """Forget the parts no page of this build is in, and what killed builds left."""
    import time

    for entry in os.scandir(store):
        if entry.name.startswith("."):
            try:
                stale = time.time() - entry.stat().st_mtime > STALE_SCRATCH_S
            except OSError:
                continue
            if not stale:  # another build of this output may be indexing there now
                continue
        elif entry.name in keep:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)


def _index_part(site: Path, pages: list[str], bundle: Path, cancel: threading.Event | None) -> None:
    """Index `pages` only, through a mirror of `site` holding just them (hard links,
    so the URLs Pagefind records are the same); write the bundle to `bundle`. The
    mirror is made beside the bundle, and removed."""
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
