"""The search index (Pagefind, run by the build on the staged site) and the promise
that the same input gives byte-identical output, index included."""

import json
import os
import shutil

import pytest

from tools import search_index

SOURCES = """
    - id: wire-2025-03-25
      type: webpage
      title: A fixture wire story
      container-title: Fixture Wire
      issued: 2025-03-25
      URL: https://example.org/wire
"""


def brief(slug, status, word):
    return f"""
    Title: Brief {slug}
    Slug: {slug}
    Summary: A fixture brief.
    Status: {status}
    As_of: 2025-04-18
    Date: 2025-04-01

    The {word} was discussed at length [@wire-2025-03-25].

    ## Timeline

    - 2025-04-0{len(slug)}: Something about the {word} happened. [@wire-2025-03-25]
"""


FILES = {
    "content/sources.yaml": SOURCES,
    "content/briefs/a.md": brief("a", "agreed", "zeppelin"),
    "content/briefs/bb.md": brief("bb", "stalled", "harbour"),
    "content/briefs/ccc.md": brief("ccc", "ongoing", "granary"),
    "content/briefs/dddd.md": brief("dddd", "signed", "lighthouse"),
    "content/briefs/eeeee.md": brief("eeeee", "proposed", "orchard"),
    "content/pages/about.md": "Title: About\nSlug: about\n\nAbout this fixture site.\n",
}


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_input_are_byte_identical(build_site, tmp_path):
    first = build_site(FILES, output=tmp_path / "one")
    second = build_site(FILES, output=tmp_path / "two")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    one, two = snapshot(first.output), snapshot(second.output)
    assert "pagefind/pagefind-entry.json" in one
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_the_index_covers_briefs_and_pages_only(build_site):
    result = build_site(FILES)
    assert result.returncode == 0, result.stderr
    entry = json.loads((result.output / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    # 5 briefs + about + the sources page; not the home page, timeline, search or 404.
    assert entry["languages"]["en"]["page_count"] == 7
    assert (result.output / "pagefind" / "pagefind-ui.js").is_file()


def filtered_site(folder, order):
    """A static site of pages tagged with Pagefind filter values, written in `order`."""
    for i, status in enumerate(order):
        page = folder / f"p{i}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>Page {i}</title></head><body>'
            f'<main data-pagefind-body><h1>Page {i}</h1><p data-pagefind-filter="status">{status}</p>'
            f"<p>Words about the {status} thing.</p></main></body></html>",
            encoding="utf-8",
        )
    return folder


STATUSES = ["agreed", "ongoing", "proposed", "signed", "stalled", "expired", "rejected"]


def test_filter_indexes_are_canonical_whatever_order_pagefind_writes(tmp_path):
    sites = [filtered_site(tmp_path / "one", STATUSES), filtered_site(tmp_path / "two", STATUSES)]
    for site in sites:
        search_index.build_index(str(site))
    one, two = snapshot(sites[0] / "pagefind"), snapshot(sites[1] / "pagefind")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    (path,) = (sites[0] / "pagefind" / "filter").glob("*.pf_filter")
    _, (name, (_, values)) = search_index.parse_exact(search_index.read_data(path), path)
    assert name == ("text", b"status")
    assert [v[1][0][1].decode() for v in values] == sorted(STATUSES)
    entry = json.loads((sites[0] / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert (sites[0] / "pagefind" / f"pagefind.{entry['languages']['en']['hash']}.pf_meta").is_file()


def test_cbor_round_trip_is_exact():
    # ["status", [["agreed", [1, 2, 1000]]]]
    payload = b"\x82\x66status\x81\x82\x66agreed\x83\x01\x02\x19\x03\xe8"
    item, end = search_index.cbor_decode(payload)
    assert end == len(payload)
    assert item == ("array", [("text", b"status"), ("array", [("array", [
        ("text", b"agreed"), ("array", [("uint", 1), ("uint", 2), ("uint", 1000)])])])])
    assert search_index.cbor_encode(item) == payload


def test_a_large_site_is_indexed_in_parts_that_together_cover_every_page(tmp_path):
    # Pagefind's memory grows with what one run indexes, so a site over the part size
    # is indexed in parts (each page in exactly one), merged by the search page.
    site = filtered_site(tmp_path / "site", STATUSES * 3)  # 21 pages
    (site / "plain.html").write_text("<html><body><p>Not marked for the index.</p></body></html>", encoding="utf-8")
    size = max(p.stat().st_size for p in site.glob("p*/index.html"))
    search_index.build_index(str(site), part_bytes=size * 5)  # 5 pages a part
    bundle = site / "pagefind"
    parts = json.loads((bundle / "parts.json").read_text(encoding="utf-8"))
    assert parts == ["part-2/", "part-3/", "part-4/", "part-5/"]
    counts = [json.loads((bundle / p / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["en"]
              ["page_count"] for p in [""] + parts]
    assert counts == [5, 5, 5, 5, 1]  # the unmarked page is in none
    assert (bundle / "pagefind-ui.js").is_file()
    assert not list(bundle.glob("part-*/pagefind-ui.js"))  # the UI comes from the first part only
    assert not list(tmp_path.rglob(".search-part-*"))  # the mirrors are gone
    again = filtered_site(tmp_path / "again", STATUSES * 3)
    (again / "plain.html").write_text("<html><body><p>Not marked for the index.</p></body></html>", encoding="utf-8")
    search_index.build_index(str(again), part_bytes=size * 5)
    assert snapshot(again / "pagefind") == snapshot(bundle)  # parts are reproducible too


def test_a_small_site_is_one_part(build_site):
    result = build_site(FILES)
    assert result.returncode == 0, result.stderr
    assert json.loads((result.output / "pagefind" / "parts.json").read_text(encoding="utf-8")) == []


def words_site(folder, count):
    """`count` indexed pages, each with a word of its own."""
    for i in range(count):
        page = folder / f"p{i:04d}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<!DOCTYPE html><html lang="en"><head><title>Page {i}</title></head><body>'
                        f"<main data-pagefind-body><h1>Page {i}</h1><p>Word{i:04d} and others.</p></main>"
                        "</body></html>", encoding="utf-8")
    return folder


@pytest.fixture
def pagefind_runs(monkeypatch):
    """Each Pagefind run of the test (its arguments)."""
    runs = []
    real = search_index._pagefind
    monkeypatch.setattr(search_index, "_pagefind", lambda *a: runs.append(a) or real(*a))
    return runs


def test_cuts_between_parts_depend_on_the_paths_so_an_edit_or_a_new_page_moves_no_other_part(tmp_path):
    site = words_site(tmp_path / "site", 120)
    pages = search_index.indexed_pages(site)
    parts = search_index.split(pages, search_index.PART_BYTES, part_pages=10)
    assert 6 <= len(parts) <= 20 and sorted(p for part in parts for p in part) == [p for p, *_ in pages]
    assert min(len(part) for part in parts[:-1]) >= 5  # at least half the average, but the last
    edited = [(path, size + 100 if path == "p0050/index.html" else size, d) for path, size, d in pages]
    assert search_index.split(edited, search_index.PART_BYTES, part_pages=10) == parts
    added = sorted(pages + [("p0050a/index.html", 300, b"")])
    moved = [part for part in search_index.split(added, search_index.PART_BYTES, part_pages=10) if part not in parts]
    assert "p0050a/index.html" in moved[0] and len(moved) <= 2
    # A site of fewer than twice the average is one part; the byte limit still cuts.
    assert len(search_index.split(pages[:19], search_index.PART_BYTES, part_pages=10)) == 1
    assert search_index.cut_every(1000, 100) == 100 and search_index.cut_every(10_000, 100) == 1024


def test_a_rebuild_indexes_again_only_the_part_whose_page_changed(tmp_path, pagefind_runs):
    site, cache = words_site(tmp_path / "site", 60), tmp_path / "cache"
    search_index.build_index(str(site), part_pages=10, cache=str(cache))
    parts = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    assert len(parts) >= 3
    page = site / "p0042" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("and others", "and a zeppelin"), encoding="utf-8")
    left = cache / ".part-left-by-a-killed-build"  # old: removed; one being written now: kept
    working = cache / ".part-of-another-build"
    left.mkdir(), working.mkdir()
    os.utime(left, (0, 0))
    shutil.rmtree(site / "pagefind")
    pagefind_runs.clear()
    search_index.build_index(str(site), part_pages=10, cache=str(cache))
    assert len(pagefind_runs) == 1
    assert len(list(cache.glob("[!.]*"))) == len(parts) + 1  # the old part's index is forgotten
    assert not left.exists() and working.exists()
    # The same bytes as an index made from nothing.
    fresh = words_site(tmp_path / "fresh", 60)
    (fresh / "p0042" / "index.html").write_bytes(page.read_bytes())
    search_index.build_index(str(fresh), part_pages=10)
    assert snapshot(fresh / "pagefind") == snapshot(site / "pagefind")
    assert not list(fresh.glob(".search-*"))  # no cache given: its scratch folder is gone


def test_a_part_changed_in_place_in_an_output_is_indexed_again(tmp_path, pagefind_runs):
    # Each part's files are hard links shared by the cache and every output that used them:
    # a file rewritten in place in output/ is changed in the cache too. The next build
    # notices (each part's digest is kept with it) and indexes that part again.
    site, cache = words_site(tmp_path / "site", 60), tmp_path / "cache"
    search_index.build_index(str(site), part_pages=10, cache=str(cache))
    before = snapshot(site / "pagefind")
    entry = site / "pagefind" / "pagefind-entry.json"
    with open(entry, "r+", encoding="utf-8") as f:  # in place: the same inode as the cache's copy
        f.write("{}")
    shutil.rmtree(site / "pagefind")
    pagefind_runs.clear()
    search_index.build_index(str(site), part_pages=10, cache=str(cache))
    assert len(pagefind_runs) == 1
    assert snapshot(site / "pagefind") == before
    assert not list((site / "pagefind").rglob(".digest"))  # the cache's own file stays there
