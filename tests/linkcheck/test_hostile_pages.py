"""Pages no browser would choke on must not choke the checker: control characters in tag
names, nesting deeper than libxml2's default limit, UTF-16, and thousands of broken links on
one page (mapping each to its place used to walk the page once per problem)."""
from __future__ import annotations

import codecs

from tools.linkcheck.cli import main


def run(capsys, site) -> tuple[int, list[str]]:
    code = main([str(site), "--format", "text"])
    out = capsys.readouterr().out
    return code, out.splitlines()


def test_control_characters_in_tag_names_are_reported_not_a_crash(tmp_path, capsys):
    (tmp_path / "index.html").write_bytes(
        b'<!DOCTYPE html><html><body><p\x01x>text</p\x01x><div\x02y><a href="missing.html">m</a></div\x02y>'
        b"</body></html>")
    code, lines = run(capsys, tmp_path)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "broken-link link 'missing.html' not found: no missing.html in the site"]


def test_links_nested_deeper_than_256_elements_are_checked(tmp_path, capsys):
    (tmp_path / "index.html").write_text("<!DOCTYPE html><html><body>" + "<div>" * 400
                                         + '<a href="gone.html">x</a>' + "</div>" * 400 + "</body></html>")
    code, lines = run(capsys, tmp_path)
    assert code == 1
    assert lines == [f"{tmp_path}/index.html:1:2037: broken-link link 'gone.html' not found: no gone.html in the site"]


def test_a_utf16_page_is_read_in_its_own_encoding(tmp_path, capsys):
    page = '<!DOCTYPE html><html><body><a href="nothere.html">x</a><a href="#nowhere">t</a></body></html>'
    (tmp_path / "index.html").write_bytes(codecs.BOM_UTF16_LE + page.encode("utf-16-le"))
    code, lines = run(capsys, tmp_path)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "broken-link link 'nothere.html' not found: no nothere.html in the site",
        "missing-fragment '#nowhere': no id 'nowhere' in this page"]


def test_twenty_thousand_broken_links_on_one_page_are_each_placed(tmp_path, capsys):
    links = "".join(f'<p><a href="gone{i}.html">x</a> <a href="#none{i}">y</a></p>\n' for i in range(10_000))
    (tmp_path / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>")
    code, lines = run(capsys, tmp_path)
    assert code == 1 and len(lines) == 20_000
    assert lines[-1] == f"{tmp_path}/index.html:10001:43: missing-fragment '#none9999': no id 'none9999' in this page"


def test_other_generators_pages_are_plain_html_not_held_to_our_contract(tmp_path, capsys):
    """DocBook marks cross-references a.xref; a command synopsis may hold "[[": on a page this
    project did not build, that is ordinary HTML. Only real breakage is reported."""
    (tmp_path / "ch01.html").write_text(
        '<!DOCTYPE html><html><head><meta name="generator" content="DocBook XSL"></head><body>'
        '<p>Usage: <code>cmd [[-a] file]</code> <a class="xref" href="ch02.html#opts">options</a> '
        '<a class="xref" href="ch02.html#gone">gone</a> <a href="ftp://ftp.example.org/">mirror</a></p>'
        "</body></html>")
    (tmp_path / "ch02.html").write_text('<!DOCTYPE html><html><body><h2 id="opts">Options</h2></body></html>')
    code, lines = run(capsys, tmp_path)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "missing-fragment 'ch02.html#gone': no id 'gone' in ch02.html",
        "unchecked-url 'ftp://ftp.example.org/' was not checked: only http(s) and file: links are followed"]


def test_on_our_pages_a_cross_link_off_the_briefs_still_has_its_fragment_checked(tmp_path, capsys):
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta name="briefs-contract" content="1"></head><body>'
        '<a class="xref" href="other.html#gone">x</a></body></html>')
    (tmp_path / "other.html").write_text("<!DOCTYPE html><html><body><p>no ids</p></body></html>")
    code, lines = run(capsys, tmp_path)
    assert sorted(line.split(": ", 1)[1].split(" ", 1)[0] for line in lines) == ["missing-fragment", "xref-not-brief"]


def test_symlinks_are_followed_like_a_web_server_and_what_cannot_be_served_is_located(tmp_path, capsys):
    import os

    site, real = tmp_path / "site", tmp_path / "real"
    (real / "docs").mkdir(parents=True)
    site.mkdir()
    (site / "index.html").write_text('<!DOCTYPE html><html><body><a href="docs/a.html">a</a> '
                                     '<a href="gone.html">g</a> <img src="img.png"></body></html>')
    (real / "docs" / "a.html").write_text('<!DOCTYPE html><html><body><a href="../index.html">home</a>'
                                          "</body></html>")
    (site / "docs").symlink_to(real / "docs")  # a symlinked folder: its pages are in the site
    (site / "gone.html").symlink_to(tmp_path / "nowhere.html")
    (site / "img.png").symlink_to(tmp_path / "nowhere.png")  # a dangling asset is not "present"
    (site / "loop").symlink_to(site)
    os.mkfifo(site / "pipe.html")  # never opened: reading it would hang
    code, lines = run(capsys, site)
    assert code == 1
    assert [line.replace(str(site) + "/", "") for line in lines] == [
        f"gone.html:1:1: unreadable-file a symlink to '{tmp_path}/nowhere.html', which does not exist",
        f"img.png:1:1: unreadable-file a symlink to '{tmp_path}/nowhere.png', which does not exist",
        "index.html:1:65: broken-link link 'gone.html' not found: no gone.html in the site",
        "index.html:1:92: missing-asset image 'img.png' not found: no img.png in the site",
        "loop:1:1: unreadable-file a symlinked folder that leads back to a folder above it (a loop)",
        "pipe.html:1:1: unreadable-file not a regular file (a FIFO or a device): not read",
    ]
