"""What a DAG figure draws, in pixels, at a given chart width: a model of how
plotly places the figure's nodes, labels, edges and arrowheads, for tests.

The model follows the figure's layout: the plot area is the figure's size less
its margins; the axis ranges fill it, or, where the y axis is anchored to x
(equal scales), the drawing is centred in it at the largest scale that fits both
ranges. A figure without ranges (drawn before the figures set them) is taken as
plotly's autorange: the markers with 20 px around them. Curved edges are the
quadratic Bézier paths of the shapes, straight ones the annotations' arrows or
the line shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

LABEL_PX_PER_CHAR = 6.0  # Chromium draws the 12 px labels about this wide
LABEL_H = 19.0  # px: a label's box as Chromium draws it, its padding included


@dataclass
class Drawn:
    """Node centres (d, 2), marker radii (d,), label boxes (d, 4: x0, y0, x1,
    y1), edges as polylines (list of (k, 2) arrays, source to target) with
    their ends (i, j), arrowhead tips and directions (m, 2 each, unit vectors
    pointing into the target), line widths (m,), and the plot area (w, h)."""

    centres: np.ndarray
    radius: np.ndarray
    labels: np.ndarray
    paths: list[np.ndarray]
    ends: list[tuple[int, int]]
    tips: np.ndarray
    heads: np.ndarray
    widths: np.ndarray
    area: tuple[float, float]


def _mapper(fig, width: float):
    """Data -> pixel map of the plot area of ``fig`` drawn ``width`` px wide."""
    m = fig.layout.margin
    w, h = width - m.l - m.r, fig.layout.height - m.t - m.b
    equal = fig.layout.yaxis.scaleanchor == "x"
    if fig.layout.xaxis.range is None:  # autorange: the markers, 20 px padded
        (nodes,) = [t for t in fig.data if t.name == "nodes"]
        x, y = np.asarray(nodes.x, float), np.asarray(nodes.y, float)
        pad_x, pad_y = 20 / max(w - 40, 1) * np.ptp(x), 20 / max(h - 40, 1) * np.ptp(y)
        (x0, x1), (y0, y1) = (
            (x.min() - pad_x, x.max() + pad_x),
            (y.min() - pad_y, y.max() + pad_y),
        )
    else:
        (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    if equal:  # scales kept equal, the drawing centred
        k = min(w / max(x1 - x0, 1e-9), h / max(y1 - y0, 1e-9))
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

        def to_px(xy):
            xy = np.asarray(xy, float)
            return np.stack(
                [w / 2 + (xy[..., 0] - cx) * k, h / 2 - (xy[..., 1] - cy) * k], -1
            )
    else:

        def to_px(xy):
            xy = np.asarray(xy, float)
            px = (xy[..., 0] - x0) / (x1 - x0) * w
            return np.stack([px, (y1 - xy[..., 1]) / (y1 - y0) * h], -1)

    return to_px, (w, h)


def _quad(p0, c, p2, n=60):
    t = np.linspace(0, 1, n)[:, None]
    return (1 - t) ** 2 * p0 + 2 * t * (1 - t) * c + t**2 * p2


def drawn(fig, width: float) -> Drawn:
    """The figure ``fig`` drawn ``width`` px wide (see the module docstring)."""
    to_px, area = _mapper(fig, width)
    (nodes,) = [t for t in fig.data if t.name == "nodes"]
    xy = np.c_[np.asarray(nodes.x, float), np.asarray(nodes.y, float)]
    centres = to_px(xy)
    radius = np.asarray(nodes.marker.size, float) / 2
    d = len(centres)
    where = {tuple(np.round(p, 9)): k for k, p in enumerate(xy)}

    def node(x, y):
        key = (round(float(x), 9), round(float(y), 9))
        if key in where:
            return where[key]
        # an arrow that ends short of the node's centre (figures drawn before
        # arrows stood off the markers): the nearest node
        return int(np.argmin(np.hypot(xy[:, 0] - x, xy[:, 1] - y)))

    texts = [a for a in fig.layout.annotations if not a.showarrow][-d:] if d else []
    labels = np.array(
        [
            [
                c[0] + a.xshift,
                c[1] - LABEL_H / 2,
                c[0] + a.xshift + LABEL_PX_PER_CHAR * len(a.text) + 6,
                c[1] + LABEL_H / 2,
            ]
            for a, c in zip(texts, centres, strict=True)
        ]
    ).reshape(-1, 4)
    # every edge has one arrow annotation, in edge order; an edge drawn as a
    # shape (a curve, a dotted line) has its shape, in the same order, and an
    # annotation for its head only (standing off the target, not the source)
    bodies = iter(fig.layout.shapes)
    paths, ends, tips, heads, widths = [], [], [], [], []
    for a in fig.layout.annotations:
        if not a.showarrow:
            continue
        j = node(a.x, a.y)
        centre = centres[j]
        head_only = a.standoff is not None and a.startstandoff is None
        if head_only:  # the edge's line is a shape
            s = next(bodies)
            if s.type == "path":
                nums = [float(v) for v in re.findall(r"-?[\d.]+(?:e-?\d+)?", s.path)]
                p0, c, p2 = np.reshape(nums, (3, 2))
                path = to_px(_quad(p0, c, p2))
            else:
                p0 = np.array([s.x0, s.y0])
                line = to_px(np.array([[s.x0, s.y0], [s.x1, s.y1]]))
                path = np.linspace(line[0], line[1], 60)
            assert node(*p2 if s.type == "path" else (s.x1, s.y1)) == j
            i, width = node(*p0), s.line.width
            if a.axref == "pixel":
                tail = centre + np.array([a.ax, a.ay])
            else:
                tail = to_px(np.array([a.ax, a.ay]))
        else:
            i = node(a.ax, a.ay)
            tail = centres[i]
            path, width = np.linspace(tail, centre, 60), a.arrowwidth
        into = centre - tail
        into /= np.hypot(*into)
        paths.append(path)
        ends.append((i, j))
        heads.append(into)
        tips.append(centre - into * (a.standoff or 0))
        widths.append(width)
    return Drawn(
        centres,
        radius,
        labels,
        paths,
        ends,
        np.array(tips).reshape(-1, 2),
        np.array(heads).reshape(-1, 2),
        np.array(widths, float),
        area,
    )


def seg_dist(p: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Distance of points ``p`` (n, 2) to the polyline ``line`` (k, 2)."""
    a, b = line[:-1], line[1:]
    ab = b - a
    rel = p[:, None] - a
    t = np.clip((rel * ab).sum(-1) / np.maximum((ab**2).sum(-1), 1e-12), 0, 1)
    return np.hypot(*np.moveaxis(rel - t[..., None] * ab, -1, 0)).min(1)


def node_clearance(g: Drawn) -> float:
    """Least room (px) between an edge's line (its half width included) and the
    rim of a node marker that is not one of its ends."""
    least = np.inf
    for path, (i, j), w in zip(g.paths, g.ends, g.widths, strict=True):
        others = np.setdiff1d(np.arange(len(g.centres)), [i, j])
        if len(others):
            gap = seg_dist(g.centres[others], path) - g.radius[others] - w / 2
            least = min(least, float(gap.min()))
    return least


def shared_run(g: Drawn, near: float = 2.0) -> float:
    """Longest stretch (px) of one edge's line within ``near`` px of another's
    (their widths aside), away from the nodes' markers."""
    return max((run for run, _, _ in runs(g, near)), default=0.0)


def shared_part(g: Drawn, near: float = 2.0, crossing: float = 20.0) -> float:
    """Largest part of an edge's line (its length outside the markers) that runs
    within ``near`` px of another edge's line: 1 for two edges on one path.
    Stretches shorter than ``crossing`` px are left out: two lines crossing at
    more than about 15 degrees share less."""
    parts = (run / length for run, length, _ in runs(g, near) if run >= crossing)
    return max(parts, default=0.0)


def runs(g: Drawn, near: float = 2.0) -> list[tuple[float, float, tuple[int, int]]]:
    """For every ordered pair of edges (a, b): the longest stretch (px) of a's
    line within ``near`` px of b's, the length of a's line away from the
    markers, and (a, b); longest first."""
    out = []
    for a, (pa, wa) in enumerate(zip(g.paths, g.widths, strict=True)):
        t = np.linspace(0, len(pa) - 1, 200)
        idx = np.arange(len(pa))
        dense = np.c_[np.interp(t, idx, pa[:, 0]), np.interp(t, idx, pa[:, 1])]
        step = float(np.hypot(*np.diff(dense, axis=0).T).mean())
        clear = np.ones(len(dense), bool)
        for k in range(len(g.centres)):
            clear &= np.hypot(*(dense - g.centres[k]).T) > g.radius[k] + 4
        length = max(clear.sum() * step, 1e-9)
        for b, (pb, wb) in enumerate(zip(g.paths, g.widths, strict=True)):
            if b != a:
                close = (seg_dist(dense, pb) < near + (wa + wb) / 2) & clear
                out.append((_longest_run(close) * step, length, (a, b)))
    return sorted(out, reverse=True)


def _longest_run(mask: np.ndarray) -> int:
    best = run = 0
    for v in mask:
        run = run + 1 if v else 0
        best = max(best, run)
    return best


def head_angles(g: Drawn) -> float:
    """Least angle (degrees) between two arrowheads at one node."""
    least = 180.0
    for a in range(len(g.ends)):
        for b in range(a + 1, len(g.ends)):
            if g.ends[a][1] == g.ends[b][1]:
                cos = float(np.clip(g.heads[a] @ g.heads[b], -1, 1))
                least = min(least, float(np.degrees(np.arccos(cos))))
    return least


def heads_under_labels(g: Drawn) -> int:
    """Arrowhead tips (and 6 px behind them) inside a node label's box."""
    count = 0
    for tip, into in zip(g.tips, g.heads, strict=True):
        for p in (tip, tip - 6 * into):
            inside = (
                (p[0] > g.labels[:, 0])
                & (p[0] < g.labels[:, 2])
                & (p[1] > g.labels[:, 1])
                & (p[1] < g.labels[:, 3])
            )
            count += bool(inside.any())
    return count


def outside(g: Drawn) -> float:
    """How far (px) nodes, labels or edges reach out of the plot area."""
    w, h = g.area
    pts = [g.centres - g.radius[:, None], g.centres + g.radius[:, None]]
    pts += [g.labels[:, :2], g.labels[:, 2:], *g.paths]
    p = np.concatenate(pts)
    return float(
        max(0, -p[:, 0].min(), p[:, 0].max() - w, -p[:, 1].min(), p[:, 1].max() - h)
    )


def head_turn(g: Drawn, reach: float = 27.0) -> float:
    """Largest angle (degrees) between an arrowhead and its line's last
    ``reach`` px (the head is drawn straight at the end of a curve)."""
    worst = 0.0
    for path, into, (_, j) in zip(g.paths, g.heads, g.ends, strict=True):
        dist = np.hypot(*(path - g.centres[j]).T)
        far = np.flatnonzero(dist >= reach)
        if not len(far):
            continue
        end = g.centres[j] - path[far[-1]]
        cos = float(np.clip(end @ into / np.hypot(*end), -1, 1))
        worst = max(worst, float(np.degrees(np.arccos(cos))))
    return worst
