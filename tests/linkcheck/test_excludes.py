"""Excludes, as lychee users know them: --exclude, --exclude-path and .linkcheck.toml, with a
warning for every pattern that excluded nothing, and usage errors for bad patterns."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SITE = {
    "index.html": '<html><body><a href="missing.html">m</a> <a href="https://www.linkedin.com/in/x">l</a>'
                  ' <a href="docs/a.html#nope">f</a> <a href="api/ref.html#sig">api</a></body></html>',
    "api/ref.html": '<html><body><h2 id="sig">sig</h2><a href="gone.html">g</a></body></html>',
    "docs/a.html": '<html><body><p id="yes">a</p></body></html>',
}


def run(site: Path, *args: str, cwd: Path | None = None):
    result = subprocess.run([sys.executable, "-m", "tools.linkcheck", str(site), "--format", "json", *args],
                            cwd=cwd or site, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    problems = json.loads(result.stdout)["problems"] if result.stdout.startswith("{") else []
    return result, {(p["code"], p["target"] or p["message"]) for p in problems}, problems


def test_without_excludes_every_problem_is_reported(make_site):
    site = make_site(SITE)
    result, found, _ = run(site)
    assert result.returncode == 1
    assert {code for code, _ in found} == {"broken-link", "missing-fragment"}
    assert ("broken-link", "gone.html") in found and ("broken-link", "missing.html") in found


def test_command_line_excludes_leave_links_and_pages_alone(make_site):
    site = make_site(SITE)
    result, found, _ = run(site, "--exclude", "^missing\\.html$", "--exclude-path", "^api/")
    # missing.html is excluded; api/ref.html is not checked, but its anchor still counts as a target.
    assert found == {("missing-fragment", "docs/a.html#nope")}, found
    assert result.returncode == 1


def test_the_config_file_is_read_and_an_unused_pattern_is_a_warning_at_its_line(make_site):
    site = make_site({**SITE, ".linkcheck.toml": (
        "# links the checker leaves alone\n"
        "exclude = [\n  '^missing\\.html$',\n  'docs/a\\.html#nope',\n  '^https://nowhere\\.example/',\n]\n"
        "exclude_path = ['^api/']\n")})
    result, found, problems = run(site)
    unused = [p for p in problems if p["code"] == "unused-exclude"]
    assert [(p["path"], p["line"], p["col"], p["level"]) for p in unused] == [(".linkcheck.toml", 5, 3, "warning")]
    assert "'^https://nowhere\\.example/'" in unused[0]["message"]
    assert {code for code, _ in found} == {"unused-exclude"}
    assert result.returncode == 0  # a warning; --strict would fail it
    assert run(site, "--strict")[0].returncode == 1
    # --no-config: the file is ignored.
    assert ("broken-link", "missing.html") in run(site, "--no-config")[1]


def test_an_excluded_external_url_is_never_requested(make_site, server):
    asked = []
    server.expect_request("/dead").respond_with_handler(lambda r: asked.append(r.path) or ("gone", 404))
    url = server.url_for("/dead")
    site = make_site({"index.html": f'<html><body><a href="{url}">x</a></body></html>'})
    result, found, _ = run(site, "--external", "--no-cache", "--allow-host", "127.0.0.1", "--exclude", "/dead$")
    assert result.returncode == 0, result.stderr
    assert asked == [] and found == set()


def test_bad_patterns_and_bad_config_are_usage_errors(make_site, tmp_path):
    site = make_site(SITE)
    bad_regex = run(site, "--exclude", "(unclosed")[0]
    assert bad_regex.returncode == 2 and "--exclude: invalid regular expression '(unclosed'" in bad_regex.stderr
    config = tmp_path / "cfg.toml"
    config.write_text("exclude_paths = ['^api/']\n", encoding="utf-8")
    typo = run(site, "--config", str(config))[0]
    assert typo.returncode == 2 and "unknown key 'exclude_paths' (did you mean 'exclude_path'?)" in typo.stderr
    config.write_text("exclude = ['ok',\n  '[bad']\n", encoding="utf-8")
    located = run(site, "--config", str(config))[0]
    assert located.returncode == 2 and f"{config}:2:3: invalid regular expression '[bad'" in located.stderr
    config.write_text("exclude = [\n", encoding="utf-8")
    broken = run(site, "--config", str(config))[0]
    assert broken.returncode == 2 and "invalid TOML" in broken.stderr and "Traceback" not in broken.stderr
