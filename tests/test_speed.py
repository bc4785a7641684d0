"""plugins/speed makes builds faster without changing a byte: its Markdown reader gives
Pelican's HTML and metadata, reading with worker processes gives the same site as
reading alone, a warm rebuild renders only what changed, and the cache is keyed by
the code and settings that made it."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from bench.corpus import write_corpus
from sitebuild import ROOT
from speed import fingerprint
from speed.reader import SharedMarkdownReader
from tools import build

SETTINGS = str(ROOT / "pelicanconf.py")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(str(root), 45)
    return root / "content"


def pelican_settings(content: Path, **extra) -> dict:
    settings = read_settings(SETTINGS, override={"PATH": str(content), "OUTPUT_PATH": str(content.parent / "out"),
                                                 "CACHE_PATH": str(content.parent / ".cache"), **extra})
    Pelican(settings)  # `initialized`: the plugins add their Markdown extensions
    return settings


def test_the_shared_reader_gives_pelicans_html_and_metadata(corpus):
    settings = pelican_settings(corpus)
    ours, theirs = SharedMarkdownReader(settings), MarkdownReader(settings)
    files = sorted(corpus.rglob("*.md")) + sorted((ROOT / "content").rglob("*.md"))
    assert len(files) > 45
    for path in files:
        assert ours.read(str(path)) == theirs.read(str(path)), path


def test_reading_with_worker_processes_builds_the_same_site(corpus, tmp_path):
    outputs = []
    for workers in (1, 3):
        out = tmp_path / f"out-{workers}"
        problems = build.build(SETTINGS, str(out), {"PATH": str(corpus), "SPEED_WORKERS": workers}, use_cache=False)
        assert problems is None
        outputs.append(tree(out))
    assert outputs[0] == outputs[1]


def test_rendering_on_two_cores_builds_the_same_site(corpus, tmp_path):
    # A cold build with the page store on renders its pages at `finalized`, every other
    # one in a forked child when it has two cores: the same bytes as one core, the
    # sitemap listing the child's pages too.
    from speed import writer

    outputs = []
    for workers in (1, 2):
        out = tmp_path / f"out-{workers}"
        assert build.build(SETTINGS, str(out), {"PATH": str(corpus), "SPEED_WORKERS": workers}) is None
        store = writer.ReusingWriter.store
        assert store.reused == 0 and store.rendered >= 45 and len(store.used) == store.rendered
        if workers == 1:
            assert store.in_child == 0
        else:
            assert store.in_child >= 20 and abs(store.rendered - 2 * store.in_child) <= 1
        outputs.append(tree(out))
    assert outputs[0] == outputs[1]
    assert outputs[1]["sitemap.xml"].count(b"<url>") >= 45


def test_a_build_that_holds_much_memory_renders_alone(corpus, tmp_path):
    # The child would copy much of the build's memory as it renders: above
    # SPEED_SPLIT_MAX_MB the build does not fork one (a site of 10,000 briefs stays in 2 GB).
    from speed import writer

    out = tmp_path / "alone"
    assert build.build(SETTINGS, str(out), {"PATH": str(corpus), "SPEED_WORKERS": 2, "SPEED_SPLIT_MAX_MB": 1}) is None
    assert writer.ReusingWriter.store.in_child == 0 and writer.ReusingWriter.store.rendered >= 45


def test_a_rendering_child_that_dies_costs_only_time(corpus, tmp_path, monkeypatch):
    # Beside renders in the build itself when its child died without an answer (killed,
    # out of memory): every page is still written once, counted once and in the sitemap.
    from speed import beside, writer

    class DeadChild(beside.Beside):
        def __init__(self, function):  # no fork: as if the child had died at once
            self.function, self.owner, self.pid, self.read_end, self.answer = function, os.getpid(), None, None, None

    out_one = tmp_path / "one"
    assert build.build(SETTINGS, str(out_one), {"PATH": str(corpus), "SPEED_WORKERS": 1}) is None
    rendered = writer.ReusingWriter.store.rendered
    monkeypatch.setattr(writer, "Beside", DeadChild)
    out = tmp_path / "dead"
    assert build.build(SETTINGS, str(out), {"PATH": str(corpus), "SPEED_WORKERS": 2}) is None
    store = writer.ReusingWriter.store
    assert (store.rendered, store.in_child, len(store.used)) == (rendered, 0, rendered) and rendered >= 45
    assert tree(out) == tree(out_one)


def test_a_warm_rebuild_renders_only_the_pages_that_changed(corpus, tmp_path, caplog):
    content = tmp_path / "content"
    import shutil

    shutil.copytree(corpus, content)
    out = tmp_path / "output"
    assert build.build(SETTINGS, str(out), {"PATH": str(content)}) is None
    brief = sorted((content / "briefs").glob("*.md"))[5]
    brief.write_text(brief.read_text(encoding="utf-8").replace("## In short\n\n", "## In short\n\nEdited. ", 1),
                     encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="speed"):
        assert build.build(SETTINGS, str(out), {"PATH": str(content)}) is None
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("speed:")]
    rendered, reused = map(int, re.match(r"speed: (\d+) page\(s\) rendered, (\d+) reused", line).groups())
    # The edited brief, the briefs it links to (their "Linked from" lists it), and the
    # site-wide pages that list every brief; everything else is reused.
    assert reused >= 30 and rendered <= 15, line
    shutil.rmtree(tmp_path / ".cache")
    cold = tmp_path / "cold"
    assert build.build(SETTINGS, str(cold), {"PATH": str(content)}, use_cache=False) is None
    assert tree(out) == tree(cold)


def test_the_home_page_is_rendered_again_only_when_what_it_lists_changes(corpus, tmp_path, caplog):
    # The home page lists every brief. Pelican passes it the list to paginate, but with
    # DEFAULT_PAGINATION off it is one page made from its key's inputs, so it is reused too.
    import shutil

    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    out = tmp_path / "output"
    assert build.build(SETTINGS, str(out), {"PATH": str(content)}) is None
    brief = sorted((content / "briefs").glob("*.md"))[7]

    def rebuild(old: str, new: str) -> list[str]:
        brief.write_text(brief.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="speed"):
            assert build.build(SETTINGS, str(out), {"PATH": str(content)}) is None
        return [r.getMessage().split()[-1] for r in caplog.records if r.getMessage().startswith("speed: rendered ")]

    assert "index.html" not in rebuild("## In short\n\n", "## In short\n\nEdited. ")
    assert "index.html" in rebuild("Summary: ", "Summary: Changed. ")
    assert "Changed. " in (out / "index.html").read_text(encoding="utf-8")
    cold = tmp_path / "cold"
    assert build.build(SETTINGS, str(cold), {"PATH": str(content)}, use_cache=False) is None
    assert tree(out) == tree(cold)


def test_the_cache_folder_changes_with_the_settings_and_not_with_the_output(corpus):
    settings = pelican_settings(corpus)
    same = dict(settings, OUTPUT_PATH="/elsewhere", CACHE_PATH="/other")
    changed = dict(settings, MARKDOWN={**settings["MARKDOWN"], "output_format": "xhtml"})
    assert fingerprint.code(same) == fingerprint.code(settings)
    assert fingerprint.code(changed) != fingerprint.code(settings)


def test_canonical_text_ignores_order_and_addresses():
    class Thing:
        def __init__(self):
            self.b, self.a = {3, 1, 2}, {"y": 1, "x": [2, 1]}

    assert fingerprint.canonical(Thing()) == fingerprint.canonical(Thing())
    assert fingerprint.canonical({"b": 1, "a": 2}) == fingerprint.canonical({"a": 2, "b": 1})
    assert fingerprint.canonical([1, 2]) != fingerprint.canonical([2, 1])


def test_what_each_template_reads_is_the_same_when_shared_templates_are_parsed_once():
    # A page's key hashes what its template reads: parsing base.html and macros.html once
    # per build instead of once per page template must not change that answer.
    import jinja2

    from speed.writer import template_names

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "templates")),
                             extensions=["jinja2.ext.do"])
    memo: dict = {}
    names = sorted(p.name for p in (ROOT / "theme" / "templates").glob("*.html"))
    with_memo = {name: template_names(env, name, memo=memo) for name in names}
    assert with_memo == {name: template_names(env, name) for name in names}
    assert "article" in with_memo["article.html"] and ".content" in with_memo["article.html"]
    assert set(memo) >= {"article.html", "base.html", "macros.html"}
