"""`--external` end to end: pages and content/sources.yaml against the local server, with the
archive-url rule, warnings versus errors, and the exit codes that follow."""
from __future__ import annotations

import json

from werkzeug import Response

from tools.linkcheck.cli import main

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>t</title></head>
<body>
<p><a href="{ok}">ok</a> <a href="{gone}">gone</a></p>
<p><a href="{limited}">busy</a> <a href="{loop}">loop</a></p>
<p><a href="{archived}#section">archived</a></p>
</body></html>
"""
SOURCES = """\
- id: live
  URL: {ok}
- id: archived
  title: A dead page with a live copy
  URL: {archived}
  archive-url: {archive}
- id: lost
  URL: "{gone}"
  archive-url: {archive_missing}
- id: local
  URL: http://10.0.0.5/x
"""


def serve(server) -> dict:
    server.expect_request("/ok").respond_with_data("fine")
    server.expect_request("/gone").respond_with_data("no", status=404)
    server.expect_request("/limited").respond_with_data("busy", status=429,
                                                         headers={"Retry-After": "0"})
    server.expect_request("/loop").respond_with_response(
        Response("", status=301, headers={"Location": "/loop"}))
    server.expect_request("/archived").respond_with_data("no", status=410)
    server.expect_request("/web/2025/archived").respond_with_data("a copy")
    server.expect_request("/web/2025/missing").respond_with_data("no", status=404)
    names = {"ok": "/ok", "gone": "/gone", "limited": "/limited", "loop": "/loop",
             "archived": "/archived", "archive": "/web/2025/archived",
             "archive_missing": "/web/2025/missing"}
    return {k: server.url_for(v) for k, v in names.items()}


def run(capsys, *args):
    code = main(["output", "--external", "--allow-host", "127.0.0.1", "--retries", "0",
                 "--timeout", "2", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_external_report(server, make_site, monkeypatch, capsys):
    u = serve(server)
    root = make_site({"output/index.html": PAGE.format(**u),
                      "content/sources.yaml": SOURCES.format(**u)})
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "--cache-dir", "cache")
    lines = PAGE.format(**u).splitlines()

    def col(line: int, url: str) -> int:  # where the URL starts on that line of the page
        return lines[line - 1].index(url) + 1

    assert out.splitlines() == [
        f"content/sources.yaml:5:8: archive-only URL of 'archived': '{u['archived']}' is dead "
        f"(410 GONE); its archive copy {u['archive']} works: link to the archive",
        f"content/sources.yaml:8:9: external-broken URL of 'lost': '{u['gone']}' is broken: "
        "404 NOT FOUND",
        f"content/sources.yaml:9:16: external-broken archive-url of 'lost': "
        f"'{u['archive_missing']}' is broken: 404 NOT FOUND",
        "content/sources.yaml:11:8: private-host URL of 'local': 'http://10.0.0.5/x' points to "
        "10.0.0.5, a private or local address",
        f"output/index.html:4:{col(4, u['gone'])}: external-broken '{u['gone']}' is broken: 404 NOT FOUND",
        f"output/index.html:5:13: external-unverifiable could not verify '{u['limited']}': "
        "429 TOO MANY REQUESTS: rate limited",
        f"output/index.html:5:{col(5, u['loop'])}: external-redirect-loop "
        f"'{u['loop']}': redirect loop: {u['loop']} -> {u['loop']}",
        f"output/index.html:6:13: archive-only '{u['archived']}' is dead (410 GONE); its archive "
        f"copy {u['archive']} works: link to the archive",
    ]
    assert code == 1
    assert err == "linkcheck: 1 page, 5 links checked: 5 errors, 3 warnings\n"
    # each URL asked once, although /ok, /gone and /archived are in the page and sources.yaml
    asked = sorted(request.path for request, _ in server.log)
    assert asked == ["/archived", "/gone", "/limited", "/loop", "/ok", "/web/2025/archived",
                     "/web/2025/missing"]
    # only successes are cached
    cached = json.loads((root / "cache" / "external.json").read_text())["entries"]
    assert sorted(cached) == sorted([u["archive"], u["ok"]])


def test_warnings_alone_exit_0_unless_strict(server, make_site, monkeypatch, capsys):
    u = serve(server)
    page = f'<a href="{u["limited"]}">busy</a> <a href="{u["ok"]}">ok</a>'
    monkeypatch.chdir(make_site({"output/index.html": page}))
    code, out, _ = run(capsys, "--no-cache")
    assert code == 0
    assert out == (f"output/index.html:1:10: external-unverifiable could not verify "
                   f"'{u['limited']}': 429 TOO MANY REQUESTS: rate limited\n")
    code, _, _ = run(capsys, "--no-cache", "--strict")
    assert code == 1


def test_github_format_marks_warnings_as_warnings(server, make_site, monkeypatch, capsys):
    u = serve(server)
    monkeypatch.chdir(make_site({"output/index.html": f'<a href="{u["limited"]}">x</a>'}))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run(capsys, "--no-cache")
    assert out == ("::warning file=output/index.html,line=1,col=10,title=external-unverifiable::"
                   f"could not verify '{u['limited']}': 429 TOO MANY REQUESTS: rate limited\n")


def test_without_external_nothing_is_requested(server, make_site, monkeypatch, capsys):
    u = serve(server)
    monkeypatch.chdir(make_site({"output/index.html": f'<a href="{u["gone"]}">x</a>'}))
    assert main(["output", "--allow-host", "127.0.0.1"]) == 0
    assert server.log == []
