"""The corpus of editors' mistakes: each `corpus/<case>.md` (a brief; `page-*` a page)
or `corpus/<case>.yaml` (entries appended to sources.yaml) is added to the fixture
site, and `make check` must print exactly the lines of `corpus/<case>.expected`
and exit with the status on its first line (`# exit N`)."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".md", ".yaml"))


def placed(case: Path, site: Path) -> dict[str, str | bytes]:
    if case.suffix == ".yaml":
        base = (site / "content" / "sources.yaml").read_text(encoding="utf-8")
        return {"content/sources.yaml": base + case.read_text(encoding="utf-8")}
    folder = "pages" if case.name.startswith("page-") else "briefs"
    return {f"content/{folder}/{case.name}": case.read_bytes()}


def expected(case: Path) -> tuple[int, list[str]]:
    lines = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# exit "), f"{case.name}: the first line of .expected is '# exit N'"
    return int(lines[0].removeprefix("# exit ")), lines[1:]


def test_the_corpus_covers_at_least_twenty_kinds_of_mistake():
    assert len(CASES) >= 20
    missing = [c.name for c in CASES if not c.with_suffix(".expected").exists()]
    assert not missing, f"no .expected for {missing}"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_mistake_is_reported_exactly(case, site, lint_site):
    status, lines = expected(case)
    result = lint_site(placed(case, site))
    assert result.lines == lines, result.stdout
    assert result.returncode == status, result.stderr


def test_the_fixture_site_itself_is_clean(lint_site):
    result = lint_site()
    assert result.stdout == ""
    assert result.returncode == 0
    assert result.stderr.startswith("check: 0 errors, 0 warnings in 3 documents (")
