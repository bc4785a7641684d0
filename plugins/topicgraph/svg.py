"""Draw the briefs and their cross-links as an inline SVG: pure layout and markup.

The layout is a circle (an ellipse, to suit a wide page) with the briefs placed
clockwise from the top in slug order, so the same briefs always give the same
picture, byte for byte. Each brief is a link with its title wrapped onto up to three
lines; a line joins two briefs when either links to the other. Colours come from the
theme's CSS (`.topic-graph .node rect`, `.edge`, `text`); the attributes here are only
a `currentColor` fallback. No script: the links work without JavaScript.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from html import escape

FONT_SIZE = 14
LINE_HEIGHT = 17
CHAR_WIDTH = 7.4  # average advance of a sans-serif letter at FONT_SIZE
WRAP = 18  # characters per label line
MAX_LINES = 3
PAD_X, PAD_Y = 10, 7
MARGIN = 8
GAP = 6  # least space between two boxes


@dataclass(frozen=True)
class Node:
    slug: str
    title: str
    href: str


def label_lines(title: str, width: int = WRAP, max_lines: int = MAX_LINES) -> list[str]:
    """The title wrapped onto at most `max_lines` lines, the last shortened with '…'."""
    lines = textwrap.wrap(" ".join(title.split()), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        lines = lines[: max_lines - 1] + [last[: width - 1].rstrip() + "…"]
    return lines


def edges_between(nodes: list[Node], outgoing: dict) -> list[tuple[str, str]]:
    """Undirected pairs (a, b), a < b, of briefs where one links to the other."""
    known = {n.slug for n in nodes}
    pairs = set()
    for source, targets in outgoing.items():
        if source not in known:
            continue
        for target in targets:
            if target in known and target != source:
                pairs.add(tuple(sorted((source, target))))
    return sorted(pairs)


def _num(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _positions(count: int, rx: float, ry: float) -> list[tuple[float, float]]:
    """Clockwise round the ellipse from the top, relative to its centre."""
    return [
        (rx * math.cos(-math.pi / 2 + 2 * math.pi * i / count), ry * math.sin(-math.pi / 2 + 2 * math.pi * i / count))
        for i in range(count)
    ]


def _radii(sizes: list[tuple[float, float]]) -> tuple[float, float]:
    """The smallest ellipse (3:2, grown in 5% steps) on which no two boxes touch."""
    count = len(sizes)
    if count < 2:
        return 0.0, 0.0
    rx = max(w for w, _ in sizes)
    for _ in range(200):
        ry = rx * 2 / 3
        points = _positions(count, rx, ry)
        if not _any_touch(points, sizes):
            break
        rx *= 1.05
    return rx, ry


def _any_touch(points: list[tuple[float, float]], sizes: list[tuple[float, float]]) -> bool:
    """Whether two boxes (centres `points`, `sizes`) come closer than GAP. Boxes that
    touch have centres less than a cell apart in a grid of the largest box plus GAP,
    so each box is checked against those in its own and the eight neighbouring cells:
    the same answer as checking every pair, in linear rather than quadratic time."""
    cell_w = max(w for w, _ in sizes) + GAP
    cell_h = max(h for _, h in sizes) + GAP
    grid: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(points):
        cx, cy = math.floor(x / cell_w), math.floor(y / cell_h)
        for gx in (cx - 1, cx, cx + 1):
            for gy in (cy - 1, cy, cy + 1):
                for j in grid.get((gx, gy), ()):
                    if (abs(x - points[j][0]) < (sizes[i][0] + sizes[j][0]) / 2 + GAP
                            and abs(y - points[j][1]) < (sizes[i][1] + sizes[j][1]) / 2 + GAP):
                        return True
        grid.setdefault((cx, cy), []).append(i)
    return False


def render(nodes: list[Node], edges: list[tuple[str, str]], title: str, desc: str, id_prefix: str = "topic-graph") -> str:
    """The SVG markup for `nodes` (any order; laid out by slug) and undirected `edges`."""
    nodes = sorted(nodes, key=lambda n: n.slug)
    if not nodes:
        return ""
    labels = {n.slug: label_lines(n.title) for n in nodes}
    sizes = {
        slug: (max(len(line) for line in lines) * CHAR_WIDTH + 2 * PAD_X, len(lines) * LINE_HEIGHT + 2 * PAD_Y)
        for slug, lines in labels.items()
    }
    box_w = max(w for w, _ in sizes.values())
    box_h = max(h for _, h in sizes.values())
    count = len(nodes)
    sizes_in_order = [sizes[n.slug] for n in nodes]
    rx, ry = _radii(sizes_in_order)
    width = 2 * (rx + box_w / 2 + MARGIN)
    height = 2 * (ry + box_h / 2 + MARGIN)
    cx, cy = width / 2, height / 2
    at = {}
    for n, (x, y) in zip(nodes, _positions(count, rx, ry)):
        at[n.slug] = (cx + x, cy + y)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="topic-graph-svg" viewBox="0 0 {_num(width)} {_num(height)}"'
        f' width="{_num(width)}" height="{_num(height)}" role="group"'
        f' aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-size="{FONT_SIZE}">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>',
        '<g class="edges" aria-hidden="true" stroke="currentColor">',
    ]
    for a, b in edges:
        (x1, y1), (x2, y2) = at[a], at[b]
        out.append(f'<line class="edge" data-from="{a}" data-to="{b}" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"/>')
    out.append("</g>")
    out.append('<g class="nodes">')
    for n in nodes:
        x, y = at[n.slug]
        w, h = sizes[n.slug]
        lines = labels[n.slug]
        first = y - (len(lines) - 1) * LINE_HEIGHT / 2
        out.append(f'<a class="node" href="{escape(n.href)}">')
        out.append(f"<title>{escape(n.title)}</title>")
        out.append(
            f'<rect x="{_num(x - w / 2)}" y="{_num(y - h / 2)}" width="{_num(w)}" height="{_num(h)}" rx="6"'
            ' fill="none" stroke="currentColor"/>'
        )
        out.append(f'<text x="{_num(x)}" y="{_num(first)}" text-anchor="middle" dominant-baseline="central" fill="currentColor">')
        for k, line in enumerate(lines):
            dy = "" if k == 0 else f' dy="{LINE_HEIGHT}"'
            out.append(f'<tspan x="{_num(x)}"{dy}>{escape(line)}</tspan>')
        out.append("</text></a>")
    out.append("</g></svg>")
    return "\n".join(out)
