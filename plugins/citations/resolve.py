"""Number each brief's citations and build its source list.

A source keeps one number per brief, in order of first citation; every use gets
its own anchor (`cite-KEY-N`), and the source's entry links back to each of them,
as Wikipedia's references do. Unknown keys and malformed items are located errors;
a registry entry no brief cites is a warning.
"""

from __future__ import annotations

import html
import re

from problems import ERROR, WARNING, Problem, suggest
from sourcepos import attributes, source_position

SUP_RE = re.compile(r'<sup class="cite">(?P<refs>(?:<a class="cite-ref"[^>]*></a>)+)</sup>')
REF_RE = re.compile(r'<a class="cite-ref"(?P<attrs>[^>]*)></a>')



def _attr(name, value):
    return f' {name}="{html.escape(str(value), quote=True)}"' if value else ""


def resolve_document(doc, sources: dict, unreadable: bool = False) -> list[Problem]:
    """Rewrite one document's citation placeholders; set `doc.sources_list`. With
    `unreadable` (the registry itself is broken, and says so), unknown keys are not
    reported: every key is unknown then, and the registry's own problem is the cause."""
    problems: list[Problem] = []
    numbers: dict[str, int] = {}
    entries: dict[str, dict] = {}

    def render_ref(m):
        attrs = attributes(m.group("attrs"))
        line, col = source_position(attrs)
        key = attrs.get("data-cite")
        if key is None:
            raw = attrs.get("data-cite-raw", "")
            problems.append(Problem(doc.source_file, line, col, ERROR,
                                    f"malformed citation '{raw}': expected [@key] or [@key, locator]", "citation"))
            return ""
        if key not in sources:
            if unreadable:
                return ""
            problems.append(Problem(doc.source_file, line, col, ERROR,
                                    f"unknown source '{key}'{suggest(key, sources)}", "citation"))
            return ""
        number = numbers.setdefault(key, len(numbers) + 1)
        source = sources[key]
        entry = entries.setdefault(key, {"number": number, "id": key, "source": source, "refs": []})
        anchor = f"cite-{key}-{len(entry['refs']) + 1}"
        locator = attrs.get("data-locator")
        entry["refs"].append({"anchor": anchor, "locator": locator})
        label = f"[{number}, {html.escape(locator)}]" if locator else f"[{number}]"
        return (
            f'<a class="cite-ref" id="{html.escape(anchor)}" href="#source-{html.escape(key)}"'
            f'{_attr("data-src", attrs.get("data-src"))}'
            f'{_attr("data-source-title", source.get("title"))}'
            f'{_attr("data-publisher", source.get("container-title"))}'
            f'{_attr("data-issued", source.get("issued"))}'
            f'{_attr("data-locator", locator)}>{label}</a>'
        )

    def render_sup(m):
        refs = REF_RE.sub(render_ref, m.group("refs"))
        return f'<sup class="cite">{refs}</sup>' if refs else ""

    if 'class="cite-ref"' in (doc._content or ""):
        doc._content = SUP_RE.sub(render_sup, doc._content)
    doc.sources_list = sorted(entries.values(), key=lambda e: e["number"])
    return problems


def uncited(registry, cited: set) -> list[Problem]:
    return [
        Problem(registry.path, registry.lines[key], 1, WARNING, f"source '{key}' is never cited", "citation")
        for key in registry.sources
        if key not in cited
    ]
