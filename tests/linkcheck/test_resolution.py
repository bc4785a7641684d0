"""How URLs resolve (base path, site URL, folders, encodings) and where problems are reported
(source mapping), on small sites written for each test."""
from __future__ import annotations

from tools.linkcheck.cli import main


def report(capsys, *args) -> list:
    main(["--format", "text", *args])
    return capsys.readouterr().out.splitlines()


def test_root_relative_links_resolve_under_the_base_path(make_site, monkeypatch, capsys):
    page = ('<a href="/project/briefs/a/">1</a> <a href="/project/">2</a> <a href="/project">3</a>'
            ' <a href="/briefs/a/">4</a> <a href="/project/nope/">5</a>'
            ' <link rel="stylesheet" href="/project/theme/site.css">')
    monkeypatch.chdir(make_site({"site/index.html": page, "site/briefs/a/index.html": "a",
                                 "site/theme/site.css": ""}))
    assert report(capsys, "site", "--base-path", "/project/") == [
        f"site/index.html:1:{page.index('href=' + chr(34) + '/briefs') + 7}: broken-link link "
        "'/briefs/a/' not "
        "found: it is outside the base path /project/",
        f"site/index.html:1:{page.index('/project/nope/') + 1}: broken-link link '/project/nope/' "
        "not found: no nope/index.html in the site",
    ]
    # the same base path written without slashes means the same
    assert len(report(capsys, "site", "--base-path", "/project")) == 2
    # without a base path, /project/... does not exist
    assert len(report(capsys, "site")) == 5


def test_absolute_links_to_our_own_site_are_internal(make_site, monkeypatch, capsys):
    page = ('<a href="https://example.org/talks/a/#s">ok</a> '
            '<a href="https://example.org/talks/a/#missing">frag</a> '
            '<a href="https://example.org/talks/gone/">gone</a>')
    monkeypatch.chdir(make_site({"site/index.html": page,
                                 "site/a/index.html": '<h2 id="s">S</h2>'}))
    assert report(capsys, "site", "--site-url", "https://example.org/talks",
                  "--base-path", "/talks/") == [
        f"site/index.html:1:{page.index('https://example.org/talks/a/#missing') + 1}: "
        "missing-fragment 'https://example.org/talks/a/#missing': no id "
        "'missing' in a/index.html",
        f"site/index.html:1:{page.index('https://example.org/talks/gone/') + 1}: broken-link "
        "link 'https://example.org/talks/gone/' not found: no "
        "gone/index.html in the site",
    ]


def test_folders_files_and_encodings(make_site, monkeypatch, capsys):
    page = ('<a href="a">folder without slash</a> <a href="a/index.html">file</a> '
            '<a href="my%20file.pdf">encoded</a> <a href="a/?q=1#top">query</a> '
            '<a href="a/#x">id</a> <a href="a/#caf%C3%A9">encoded id</a> '
            '<a href="a/#:~:text=hello">text fragment</a> <a href="my%20file.pdf#page=2">pdf</a> '
            '<a href="empty/">empty folder</a>')
    monkeypatch.chdir(make_site({"site/index.html": page,
                                 "site/a/index.html": '<p id="x"></p><p id="café"></p>',
                                 "site/my file.pdf": "", "site/empty/.keep": ""}))
    assert report(capsys, "site") == [
        f"site/index.html:1:{page.index('empty/') + 1}: broken-link link 'empty/' not found: "
        "empty/ has no index.html"]


def test_content_root_and_source_file_forms(make_site, monkeypatch, capsys):
    html = ('<html><head><meta name="source-file" content="{meta}"></head><body>\n'
            '<a href="../nowhere/">x</a>\n<a class="xref" href="../absent/" data-src="3:9">y</a>\n'
            '</body></html>')
    monkeypatch.chdir(make_site({
        "src/content/briefs/one.md": "Title: One\n\nSee [x](../nowhere/) and\nthe [[absent]].\n",
        "out/one/index.html": html.format(meta="content/briefs/one.md"),
        "out/two/index.html": html.format(meta="briefs/one.md"),  # relative to the content root
        "out/three/index.html": html.format(meta="content/briefs/missing.md"),
    }))
    assert report(capsys, "out", "--content-root", "src/content") == [
        # data-src needs no file; the Markdown search does, so three falls back to its HTML
        "out/three/index.html:2:10: broken-link link '../nowhere/' not found: no "
        "nowhere/index.html in the site",
        "src/content/briefs/missing.md:3:9: broken-link cross-link '../absent/' not found: no "
        "absent/index.html in the site",
        "src/content/briefs/one.md:3:9: broken-link cross-link '../absent/' not found: no "
        "absent/index.html in the site",
        "src/content/briefs/one.md:3:9: broken-link link '../nowhere/' not found: no "
        "nowhere/index.html in the site",
    ]


def test_the_nth_link_maps_to_the_nth_occurrence_in_the_markdown(make_site, monkeypatch, capsys):
    md = "Title: T\n\n[a](../x/)\n\ntext\n\n[b](../x/) and [c](../x/)\n"
    html = ('<html><head><meta name="source-file" content="content/t.md"></head><body>\n'
            '<nav><a href="../../theme-missing/">theme</a></nav>\n'
            '<p><a href="../x/">a</a></p><p><a href="../x/">b</a> <a href="../x/">c</a></p>\n'
            '</body></html>')
    monkeypatch.chdir(make_site({"content/t.md": md, "site/t/index.html": html}))
    lines = report(capsys, "site")
    assert [line.split(": ")[0] for line in lines] == [
        "content/t.md:3:5", "content/t.md:7:5", "content/t.md:7:20",
        "site/t/index.html:2:15",  # a theme link: not in the Markdown, so the HTML position
    ]


def test_multiline_tags_and_repeated_elements_on_one_line(make_site, monkeypatch, capsys):
    page = ('<p><a href="ok/">1</a><a\n   class="x"\n   href="bad1/">2</a><a href="ok/">3</a>'
            '<a href="bad2/">4</a></p>\n<img alt=""\n src="missing.png">')
    monkeypatch.chdir(make_site({"site/index.html": page, "site/ok/index.html": ""}))
    assert [line.split(": ")[0] for line in report(capsys, "site")] == [
        "site/index.html:3:10", "site/index.html:3:50", "site/index.html:5:7"]


def test_a_cross_link_to_an_absolute_url_is_not_a_brief(make_site, monkeypatch, capsys):
    page = '<meta name="briefs-contract" content="1"><a class="xref" href="https://example.org/briefs/a/">A</a>'
    monkeypatch.chdir(make_site({"site/index.html": page}))
    assert report(capsys, "site") == [
        "site/index.html:1:64: xref-not-brief cross-link points outside the site: "
        "'https://example.org/briefs/a/' (if that is this site's own address, pass --site-url)"]
