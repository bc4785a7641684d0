"""Where the boxes and lines of the topic graphs go, and how legible the result is.

Two pictures, both laid out on a grid so that no box can overlap another and no line can
run through a box:

- `threads_layout`, for the home page: one column per thread, in story order, its briefs
  top to bottom in the order their topics began. Lines only for the strongest relations
  between threads (`strongest_relations`): each brief keeps its one strongest link to a
  brief of another thread. A line leaves a box's side, runs in the gap between columns
  and, to pass a column, in the gap between rows, each line in its own lane.
- `local_layout`, for a brief's page: the brief in the middle, the briefs it links to or
  is linked from on either side, earlier topics on the left and later ones on the right.
  Every line starts at the middle box, so no two can cross.

`legibility()` measures a layout the way a reader would suffer it: lines that cross,
boxes or labels that overlap, lines that run through a box they do not join. The tests
hold the real site and a 40-brief fixture to thresholds (tests/test_topicgraph.py).
"""

from __future__ import annotations

import datetime
import functools
import itertools
import textwrap
from dataclasses import dataclass, field

FONT_SIZE = 14
LINE_HEIGHT = 17
CHAR_WIDTH = 7.4  # average advance of a sans-serif letter at FONT_SIZE
WRAP = 22  # characters per label line
MAX_LINES = 3
PAD_X, PAD_Y = 10, 7
MARGIN = 8
LANE = 8  # space between two lines running side by side in a gap
MIN_COLUMN_GAP = 72
MIN_ROW_GAP = 22
HEADER_GAP = 14  # below a thread's title
MAX_TUNED_LINES = 60  # lines whose routes are tuned to cross less (see threads_layout)


@dataclass(frozen=True)
class Node:
    slug: str
    title: str
    href: str
    began: str = ""  # ISO day the topic began: the order within a column


@dataclass
class Box:
    node: Node
    x: float  # left
    y: float  # top
    w: float
    h: float
    lines: list
    current: bool = False

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Header:
    title: str
    href: str
    x: float
    y: float
    w: float
    h: float
    lines: list


@dataclass
class Edge:
    a: str
    b: str
    points: list  # [(x, y), ...]: a polyline of horizontal and vertical segments, or one straight segment


@dataclass
class Layout:
    width: float = 0.0
    height: float = 0.0
    boxes: dict = field(default_factory=dict)  # slug -> Box
    edges: list = field(default_factory=list)
    headers: list = field(default_factory=list)


@functools.lru_cache(maxsize=4096)  # each title is drawn on many pages: wrap it once
def _wrapped(title: str, width: int, max_lines: int) -> tuple:
    lines = textwrap.wrap(" ".join(title.split()), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1:])
        lines = lines[: max_lines - 1] + [last[: width - 1].rstrip() + "…"]
    return tuple(lines)


def label_lines(title: str, width: int = WRAP, max_lines: int = MAX_LINES) -> list[str]:
    """The title wrapped onto at most `max_lines` lines, the last shortened with '…'."""
    return list(_wrapped(title, width, max_lines))


def _box_size(lines: list[str]) -> tuple[float, float]:
    return max(len(line) for line in lines) * CHAR_WIDTH + 2 * PAD_X, len(lines) * LINE_HEIGHT + 2 * PAD_Y


# --- which relations to draw ----------------------------------------------------------------

def day_number(iso: str) -> int:
    """An ISO day as a number, to measure how far apart two topics began (0 if not a day)."""
    try:
        return datetime.date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return 0


def weights(link_counts: dict) -> dict:
    """{(a, b): strength}, a < b: the links from a to b plus those from b to a."""
    strength = {}
    for source, targets in link_counts.items():
        for target, count in targets.items():
            if target != source and target in link_counts:
                pair = tuple(sorted((source, target)))
                strength[pair] = strength.get(pair, 0) + count
    return strength


def strongest_relations(thread_of: dict, column_of: dict, link_counts: dict, began: dict | None = None,
                        strength: dict | None = None) -> list[tuple[str, str]]:
    """Each brief's one strongest link to a brief of another thread: most links (both ways),
    then links both ways, then the topic nearest in time, then the nearer column (a shorter
    line), then by slug. `strength`: `weights(link_counts)`, if the caller has it."""
    began = began or {}

    def day(slug: str) -> int:
        return day_number(began.get(slug, ""))

    partners: dict = {}  # slug -> [(other, strength)], built once: linear in the links
    for (a, b), value in (strength if strength is not None else weights(link_counts)).items():
        if thread_of.get(a) is not None and thread_of.get(b) is not None and thread_of[a] != thread_of[b]:
            partners.setdefault(a, []).append((b, value))
            partners.setdefault(b, []).append((a, value))
    chosen = set()
    for slug in sorted(partners):
        def key(item, slug=slug):
            other, value = item
            mutual = bool(link_counts.get(slug, {}).get(other)) and bool(link_counts.get(other, {}).get(slug))
            return (-value, not mutual, abs(day(slug) - day(other)), abs(column_of[slug] - column_of[other]), other)

        other = min(partners[slug], key=key)[0]
        chosen.add(tuple(sorted((slug, other))))
    return sorted(chosen)


# --- the home page: threads as columns ------------------------------------------------------

def threads_layout(columns: list[tuple[str, str, list[Node]]], relations: list[tuple[str, str]]) -> Layout:
    """`columns`: [(thread title, thread href, [Node in story order])], in story order."""
    all_nodes = [n for _, _, nodes in columns for n in nodes]
    if not all_nodes:
        return Layout()
    labels = {n.slug: label_lines(n.title) for n in all_nodes}
    sizes = {slug: _box_size(lines) for slug, lines in labels.items()}
    box_w = max(w for w, _ in sizes.values())
    row_h = max(h for _, h in sizes.values())
    header_lines = [label_lines(title) for title, _, _ in columns]
    header_h = max(len(lines) for lines in header_lines) * LINE_HEIGHT + 2

    col_of, row_of = {}, {}
    for c, (_, _, nodes) in enumerate(columns):
        for r, n in enumerate(nodes):
            col_of[n.slug], row_of[n.slug] = c, r
    relations = [(a, b) if col_of[a] < col_of[b] else (b, a) for a, b in relations
                 if a in col_of and b in col_of and col_of[a] != col_of[b]]

    # Which gap each line uses: gap g lies right of column g; row gap k lies above row k.
    row_use = {}
    plans = []
    for a, b in sorted(relations, key=lambda p: (col_of[p[0]], row_of[p[0]], col_of[p[1]], row_of[p[1]])):
        ca, cb, ra, rb = col_of[a], col_of[b], row_of[a], row_of[b]
        first, last = ca, cb - 1
        row_gap = None
        if cb - ca > 1:
            # To start with, pass the columns between in the row gap next to the target row;
            # the gap with the fewest crossings is chosen below, once every line has a route.
            row_gap = rb if ra <= rb else rb + 1
            row_use.setdefault(row_gap, []).append((a, b))
        plans.append([a, b, first, last, row_gap])

    col_gap = {g: MIN_COLUMN_GAP for g in range(len(columns))}
    rows = max(len(nodes) for _, _, nodes in columns)

    long_lines = sum(1 for plan in plans if plan[4] is not None)
    lanes = min(long_lines, 4)  # room in every row gap for this many lines side by side

    def row_gap_height(k: int) -> float:
        """Gap k lies above row k (gap 0: between the thread titles and the first row; gap
        `rows`: below the last row, there only when lines may use it)."""
        needed = (lanes + 1) * LANE if lanes else 0
        if k == rows:
            return needed
        return max(HEADER_GAP if k == 0 else MIN_ROW_GAP, needed)

    layout = Layout()
    xs, x = [], MARGIN
    for c in range(len(columns)):
        xs.append(x)
        x += box_w + col_gap[c]
    width = x - col_gap[len(columns) - 1] + MARGIN
    ys, row_gap_y, y = [], {}, MARGIN + header_h
    for k in range(rows + 1):
        gap = row_gap_height(k)
        row_gap_y[k] = y + gap / 2
        y += gap
        if k < rows:
            ys.append(y)
            y += row_h
    height = y + MARGIN

    for c, (title, href, nodes) in enumerate(columns):
        layout.headers.append(Header(title, href, xs[c], MARGIN, box_w, header_h, header_lines[c]))
        for r, n in enumerate(nodes):
            w, h = sizes[n.slug]
            layout.boxes[n.slug] = Box(n, xs[c] + (box_w - w) / 2, ys[r] + (row_h - h) / 2, w, h, labels[n.slug])

    def lane(users: list, edge) -> float:
        return (users.index(edge) - (len(users) - 1) / 2) * LANE

    # Where each line leaves and enters a box: spread over the box's side when several do,
    # in the order of the other ends, top to bottom, so they do not cross at the box.
    ports = {}
    for a, b, *_ in plans:
        ports.setdefault((a, "right"), []).append((a, b))
        ports.setdefault((b, "left"), []).append((a, b))
    for (slug, side), users in ports.items():
        users.sort(key=lambda e: (row_of[e[1] if side == "right" else e[0]], col_of[e[1] if side == "right" else e[0]]))

    def port_y(slug, side, edge) -> float:
        users = ports[(slug, side)]
        box = layout.boxes[slug]
        spread = min(LANE, (box.h - 8) / max(len(users), 1))
        return box.cy + (users.index(edge) - (len(users) - 1) / 2) * spread

    def route() -> list[Edge]:
        """Adjacent columns: one straight line across the gap between them. Further apart: a
        straight line into the first gap, along a row gap past the columns between (where
        there is no box), and a straight line out of the last gap into the target box."""
        edges = []
        for a, b, first, last, row_gap in plans:
            edge = (a, b)
            A, B = layout.boxes[a], layout.boxes[b]
            ya, yb = port_y(a, "right", edge), port_y(b, "left", edge)
            if row_gap is None:
                points = [(A.right, ya), (B.x, yb)]
            else:
                yg = row_gap_y[row_gap] + lane(row_use[row_gap], edge)
                inset = min(LANE * 2, col_gap[first] / 3)
                points = [(A.right, ya), (xs[first + 1] - inset, yg), (xs[last] + box_w + inset, yg), (B.x, yb)]
            edges.append(Edge(a, b, points))
        return edges

    # The order of the lines along a box's side and within a row gap decides how often they
    # cross: start from the order of their ends, then swap neighbours while that removes
    # crossings. Deterministic, and cheap for the few lines each holds.
    for users in row_use.values():
        users.sort(key=lambda e: (layout.boxes[e[0]].cy + layout.boxes[e[1]].cy, e))
    if len(plans) > MAX_TUNED_LINES:
        # Each trial below counts every crossing again: quadratic in the lines, so a picture
        # with hundreds of lines (a synthetic site of 1,000 briefs) is drawn as first routed.
        layout.edges = route()
        layout.width, layout.height = width, height
        return layout
    # Each line that passes columns takes the row gap where it crosses fewest lines (then the
    # one nearest its target row): a gap's height was set for the lines first put in it, so
    # only gaps with room are tried.
    for plan in plans:
        if plan[4] is None:
            continue
        edge, target_row = (plan[0], plan[1]), row_of[plan[1]]
        best_gap = None
        for k in sorted(row_gap_y, key=lambda k: (abs(k - target_row - 0.5), k)):
            if k != plan[4] and len(row_use.get(k, [])) >= lanes:
                continue
            row_use[plan[4]].remove(edge)
            plan[4] = k
            row_use.setdefault(k, []).append(edge)
            count = crossings(route())
            if best_gap is None or count < best_gap[0]:
                best_gap = (count, k)
        row_use[plan[4]].remove(edge)
        plan[4] = best_gap[1]
        row_use.setdefault(plan[4], []).append(edge)
    best = crossings(route())
    improved = True
    while improved and best:
        improved = False
        for users in [*ports.values(), *row_use.values()]:
            for i in range(len(users) - 1):
                users[i], users[i + 1] = users[i + 1], users[i]
                count = crossings(route())
                if count < best:
                    best, improved = count, True
                else:
                    users[i], users[i + 1] = users[i + 1], users[i]
    layout.edges = route()
    layout.width, layout.height = width, height
    return layout


def _simplify(points: list) -> list:
    """Drop repeated points, and the middle one of three on one horizontal or vertical line."""
    def eq(u: float, v: float) -> bool:
        return abs(u - v) < 1e-9

    out = []
    for p in points:
        if out and eq(out[-1][0], p[0]) and eq(out[-1][1], p[1]):
            continue
        if len(out) >= 2 and ((eq(out[-2][0], out[-1][0]) and eq(out[-1][0], p[0]))
                              or (eq(out[-2][1], out[-1][1]) and eq(out[-1][1], p[1]))):
            out[-1] = p
            continue
        out.append(p)
    return out


# --- a brief's page: its neighbours -----------------------------------------------------------

def local_layout(center: Node, earlier: list[Node], later: list[Node]) -> Layout:
    """`center` in the middle, `earlier` in a column on its left and `later` on its right,
    each top to bottom as given; a straight line from the middle box to each."""
    labels = {n.slug: label_lines(n.title) for n in [center, *earlier, *later]}
    sizes = {slug: _box_size(lines) for slug, lines in labels.items()}
    box_w = max(w for w, _ in sizes.values())
    row_h = max(h for _, h in sizes.values())
    gap_x, gap_y = 64, 12
    side_rows = max(len(earlier), len(later), 1)
    height = side_rows * row_h + (side_rows - 1) * gap_y + 2 * MARGIN
    columns = [earlier, [center], later]
    layout = Layout()
    x = MARGIN
    for c, nodes in enumerate(columns):
        if not nodes and c != 1:
            continue
        total = len(nodes) * row_h + (len(nodes) - 1) * gap_y
        y = (height - total) / 2
        for n in nodes:
            w, h = sizes[n.slug]
            layout.boxes[n.slug] = Box(n, x + (box_w - w) / 2, y + (row_h - h) / 2, w, h, labels[n.slug],
                                       current=n is center)
            y += row_h + gap_y
        x += box_w + gap_x
    layout.width = x - gap_x + MARGIN
    layout.height = height
    middle = layout.boxes[center.slug]
    for n in earlier:
        box = layout.boxes[n.slug]
        layout.edges.append(Edge(n.slug, center.slug, [(box.right, box.cy), (middle.x, middle.cy)]))
    for n in later:
        box = layout.boxes[n.slug]
        layout.edges.append(Edge(center.slug, n.slug, [(middle.right, middle.cy), (box.x, box.cy)]))
    return layout


# --- how legible it is ----------------------------------------------------------------------

@dataclass(frozen=True)
class Legibility:
    crossings: int  # pairs of line segments of different lines that cross
    overlapping_labels: int  # pairs of boxes or titles that overlap
    lines_through_boxes: int  # a line passing through a box it does not join

    def as_dict(self) -> dict:
        return {"crossings": self.crossings, "overlapping_labels": self.overlapping_labels,
                "lines_through_boxes": self.lines_through_boxes}


def _segments(edge: Edge):
    return list(zip(edge.points, edge.points[1:]))


def _cross(s, t) -> bool:
    """Whether two segments cross at a point inside both (touching ends do not count)."""
    (x1, y1), (x2, y2) = s
    (x3, y3), (x4, y4) = t
    d = (x2 - x1) * (y4 - y3) - (y2 - y1) * (x4 - x3)
    if abs(d) < 1e-9:
        return False  # parallel; collinear overlaps are kept apart by lanes
    u = ((x3 - x1) * (y4 - y3) - (y3 - y1) * (x4 - x3)) / d
    v = ((x3 - x1) * (y2 - y1) - (y3 - y1) * (x2 - x1)) / d
    eps = 1e-6
    return eps < u < 1 - eps and eps < v < 1 - eps


def _rects(layout: Layout):
    return [(b.x, b.y, b.w, b.h) for b in layout.boxes.values()] + [(h.x, h.y, h.w, h.h) for h in layout.headers]


def _overlap(r, s) -> bool:
    return not (r[0] + r[2] <= s[0] or s[0] + s[2] <= r[0] or r[1] + r[3] <= s[1] or s[1] + s[3] <= r[1])


def _segment_in_rect(seg, rect) -> bool:
    """Whether a segment passes through the inside of a rectangle (sampled finely)."""
    (x1, y1), (x2, y2) = seg
    x, y, w, h = rect
    steps = 200
    for i in range(1, steps):
        px, py = x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps
        if x + 0.5 < px < x + w - 0.5 and y + 0.5 < py < y + h - 0.5:
            return True
    return False


def crossings(edges: list[Edge]) -> int:
    return sum(_cross(s, t) for e, f in itertools.combinations(edges, 2) for s in _segments(e) for t in _segments(f))


def legibility(layout: Layout) -> Legibility:
    crossed = crossings(layout.edges)
    rects = _rects(layout)
    overlapping = sum(_overlap(r, s) for r, s in itertools.combinations(rects, 2))
    through = 0
    for e in layout.edges:
        for slug, box in layout.boxes.items():
            if slug in (e.a, e.b):
                continue
            if any(_segment_in_rect(s, (box.x, box.y, box.w, box.h)) for s in _segments(e)):
                through += 1
        for h in layout.headers:
            if any(_segment_in_rect(s, (h.x, h.y, h.w, h.h)) for s in _segments(e)):
                through += 1
    return Legibility(crossed, overlapping, through)
