"""A layout (layout.py) as inline SVG markup: boxes that are links, lines, thread titles.

Colours come from the theme's CSS (`.topic-graph .node rect`, `.edge`, `text`); the
attributes here are only a `currentColor` fallback. No script: the links work without
JavaScript, and the picture is byte for byte the same for the same briefs.
"""

from __future__ import annotations

from html import escape

from .layout import FONT_SIZE, LINE_HEIGHT, Layout


def _num(x: float) -> str:
    text = f"{x:.1f}"
    text = "0" if text == "-0.0" else text
    return text[:-2] if text.endswith(".0") else text


def _path(points) -> str:
    (x0, y0), rest = points[0], points[1:]
    d = [f"M{_num(x0)} {_num(y0)}"]
    for (px, py), (x, y) in zip(points, rest):
        if abs(py - y) < 1e-9:
            d.append(f"H{_num(x)}")
        elif abs(px - x) < 1e-9:
            d.append(f"V{_num(y)}")
        else:
            d.append(f"L{_num(x)} {_num(y)}")
    return "".join(d)


def _text(x: float, y_mid: float, lines: list[str], anchor: str = "middle") -> str:
    first = y_mid - (len(lines) - 1) * LINE_HEIGHT / 2
    out = [f'<text x="{_num(x)}" y="{_num(first)}" text-anchor="{anchor}" dominant-baseline="central" fill="currentColor">']
    for k, line in enumerate(lines):
        dy = "" if k == 0 else f' dy="{LINE_HEIGHT}"'
        out.append(f'<tspan x="{_num(x)}"{dy}>{escape(line)}</tspan>')
    out.append("</text>")
    return "".join(out)


def render(layout: Layout, title: str, desc: str, id_prefix: str, css_class: str = "topic-graph-svg") -> str:
    if not layout.boxes:
        return ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {_num(layout.width)} '
        f'{_num(layout.height)}" width="{_num(layout.width)}" height="{_num(layout.height)}" role="group"'
        f' aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-size="{FONT_SIZE}">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>',
    ]
    if layout.headers:
        out.append('<g class="threads">')
        for h in layout.headers:
            out.append(f'<a class="thread" href="{escape(h.href)}"><title>{escape(h.title)}</title>'
                       + _text(h.x + h.w / 2, h.y + h.h / 2, h.lines) + "</a>")
        out.append("</g>")
    out.append('<g class="edges" aria-hidden="true" stroke="currentColor" fill="none">')
    for e in layout.edges:
        out.append(f'<path class="edge" data-from="{escape(e.a)}" data-to="{escape(e.b)}" d="{_path(e.points)}"/>')
    out.append("</g>")
    out.append('<g class="nodes">')
    for slug in sorted(layout.boxes, key=lambda s: (layout.boxes[s].x, layout.boxes[s].y)):
        box = layout.boxes[slug]
        current = ' aria-current="page"' if box.current else ""
        out.append(f'<a class="node{" current" * box.current}" href="{escape(box.node.href)}"{current}>')
        out.append(f"<title>{escape(box.node.title)}</title>")
        out.append(f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.w)}" height="{_num(box.h)}" rx="6"'
                   ' fill="none" stroke="currentColor"/>')
        out.append(_text(box.x + box.w / 2, box.cy, box.lines) + "</a>")
    out.append("</g></svg>")
    return "\n".join(out)
