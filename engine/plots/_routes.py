"""Edge routes of the DAG drawings: straight where that is clear, else curved.

A drawing places its nodes on rows (:func:`engine.plots.dag.layered_layout`), so a
straight edge can join two nodes of one row, run through a node between its ends,
lie on another edge, or bring its arrowhead in on top of another one. Such an
edge is drawn as a quadratic Bézier curve whose control point lies off its chord
(on the normal through one of a few points of the chord); :func:`route_edges`
picks, edge by edge, the bend that costs least: passing over a node that is not
an end costs most, then leaving the drawing, an arrowhead under a label or at
another's, running along another edge, crossing a node's label, and bending at
all.

A crowded drawing (many edges, long names in a narrow chart) may leave no clear
route for every edge: the cheapest is taken, which may graze a node.

Everything here is in pixels (y down) of the drawing at the narrowest width the
page gives it: a wider drawing only moves the nodes further apart (markers and
labels keep their pixel size), so what is clear there is clear everywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["bezier", "curve_extent", "route_edges", "tangent_point"]

_SAMPLES = 25  # points per edge when costs are measured
_T = np.linspace(0.0, 1.0, _SAMPLES)
_GAP = 3.0  # px between an edge and the rim of a node marker it passes
_NEAR = 4.0  # px between two edges that still reads as two lines
_OVERLAP_FREE = 10.0  # px two crossing edges may share without a cost
_SHARED_END = 2.0  # px past a shared end node's rim where edges may meet
_HEAD_PX = 14.0  # px from a target's rim along which its arrowhead lies
_HEAD_CLASH = np.deg2rad(20.0)  # heads at one node closer than this collide
_FAN_CLASH = np.deg2rad(20.0)  # lines at one node closer than this run together
_FIRST_BEND = 12.0  # px: the smallest control-point offset tried
_BEND_STEP = 1.35  # ratio of consecutive offsets tried
_SWEEPS = 3  # passes over the edges that are not left straight (of few edges)
_SWEEP_EDGES = (60, 150)  # edges up to which 3, 2 passes are made (else 1)
_FEW_EDGES = 150  # more edges than this (a crowded drawing) are routed faster:
# without measuring edges running along others, bending only at the middle
_CACHED = 32  # routings kept for drawings drawn again
_MAX_ALONG = 8  # candidates of an edge whose running along others is measured
_ALONG_CHORD = (0.5, 0.25, 0.75, 0.1, 0.9)  # where control points lie along the chord

# costs
_HIT = 1000.0  # passing through the centre of a node that is not an end, and
_GRAZE = 300.0  # passing closer than _GAP to its marker at all
_SAME_ROW = 1000.0  # a straight edge between two nodes of one row
_OUTSIDE = 300.0  # per px outside the drawing
_ALONG = 6.0  # per px run along another edge
_LABEL = 1.0  # per px through another node's label
_OWN_LABEL = 0.7  # per px through the label of one of the edge's ends
_HEAD_LABEL = 20.0  # per px of an arrowhead under a label
_HEADS = 150.0  # two arrowheads from one direction (scaled by closeness)
_FAN = 40.0  # two lines at one node in one direction (scaled by closeness)
_BEND = 0.1  # per px of control-point offset (more for a short edge's)


def bezier(p0: NDArray, c: NDArray, p2: NDArray, t: NDArray) -> NDArray:
    """Points of quadratic Bézier curves at parameters ``t``.

    Parameters
    ----------
    p0, c, p2 : ndarray of shape (..., 2)
        Start, control point and end (broadcast together).
    t : ndarray of shape (k,)
        Curve parameters in [0, 1].

    Returns
    -------
    ndarray of shape (..., k, 2)
    """
    t = np.asarray(t, dtype=float)[:, None]
    p0, c, p2 = (np.asarray(v, dtype=float)[..., None, :] for v in (p0, c, p2))
    return (1 - t) ** 2 * p0 + 2 * t * (1 - t) * c + t**2 * p2


def tangent_point(p0: NDArray, c: NDArray, p2: NDArray, reach: float) -> NDArray:
    """The point of the curve about ``reach`` (curve length) before its end.

    The chord from it to the end is the direction an arrowhead of that length
    lies in. ``p0``, ``p2`` of shape (2,), ``c`` of shape (2,) or (n, 2) (a
    straight edge has ``c`` at the chord's middle); returns the same shape as
    ``c``.
    """
    p0, c, p2 = (np.asarray(v, dtype=float) for v in (p0, c, p2))
    speed = 2.0 * np.hypot(*np.moveaxis(p2 - c, -1, 0))  # at the end
    t = 1.0 - np.minimum(0.5, reach / np.maximum(speed, 1e-12))[..., None]
    return (1 - t) ** 2 * p0 + 2 * t * (1 - t) * c + t**2 * p2


def curve_extent(p0: NDArray, c: NDArray, p2: NDArray) -> NDArray:
    """Bounding box ``[x0, y0, x1, y1]`` of a quadratic Bézier curve (not of its
    control point, which lies twice as far out)."""
    p0, c, p2 = (np.asarray(v, dtype=float) for v in (p0, c, p2))
    ts = [0.0, 1.0]
    denom = p0 - 2 * c + p2
    for k in range(2):
        if abs(denom[k]) > 1e-12:
            t = (p0[k] - c[k]) / denom[k]
            if 0.0 < t < 1.0:
                ts.append(float(t))
    pts = bezier(p0, c, p2, np.array(ts))
    return np.r_[pts.min(0), pts.max(0)]


def _bends(length: float) -> NDArray:
    """Signed control-point offsets tried for an edge ``length`` px long, 0 first."""
    top = max(1.3 * length, 80.0)
    n = int(np.floor(np.log(top / _FIRST_BEND) / np.log(_BEND_STEP))) + 1
    mags = _FIRST_BEND * _BEND_STEP ** np.arange(max(n, 1))
    return np.r_[0.0, np.ravel(np.c_[mags, -mags])]


def _seg_dist(p: NDArray, a: NDArray, b: NDArray) -> NDArray:
    """Distances of points to segments ``a``-``b``, broadcast: ``p`` (..., 2)
    against ``a``, ``b`` (..., 2), e.g. points (n, k, 1, 2) and segments (s, 2)
    give (n, k, s)."""
    ab = b - a
    den = np.maximum((ab**2).sum(-1), 1e-12)
    rel = p - a
    t = np.clip((rel * ab).sum(-1) / den, 0.0, 1.0)
    return np.hypot(*np.moveaxis(rel - t[..., None] * ab, -1, 0))


def _angle(u: NDArray, v: NDArray) -> NDArray:
    """Angles (radians) between direction vectors ``u`` (..., 2) and ``v``."""
    nu = np.maximum(np.hypot(*np.moveaxis(u, -1, 0)), 1e-12)
    nv = np.maximum(np.hypot(*np.moveaxis(v, -1, 0)), 1e-12)
    return np.arccos(np.clip((u * v).sum(-1) / (nu * nv), -1.0, 1.0))


class _Router:
    """The costs of candidate routes of one edge, given the routes of the rest."""

    def __init__(
        self,
        centres: NDArray,
        edges: Sequence[tuple[int, int]],
        radius: NDArray,
        boxes: NDArray,
        widths: NDArray,
        bounds: NDArray,
    ) -> None:
        self.p = np.asarray(centres, dtype=float)
        self.edges = [(int(i), int(j)) for i, j in edges]
        self.r = np.asarray(radius, dtype=float)
        self.boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
        self.w = np.asarray(widths, dtype=float)
        self.bounds = np.asarray(bounds, dtype=float)
        m = len(self.edges)
        self.along = m <= _FEW_EDGES  # measure edges running along others
        self.placed = np.ones(m, dtype=bool)
        self.ctrl = np.zeros((m, 2))  # control points; a chord's middle: straight
        self.head = np.zeros((m, 2))  # direction of each arrowhead, into its node
        self.leave = np.zeros((m, 2))  # direction each edge leaves its source in
        self.box = np.zeros((m, 4))  # x0, y0, x1, y1 of each edge's line
        self.segs: list[NDArray] = [np.zeros((0, 2, 2))] * m  # (s, 2, 2) each
        self.touching: list[set[int]] = [set() for _ in self.p]  # edges at a node
        for e, (i, j) in enumerate(self.edges):
            self.touching[i].add(e)
            self.touching[j].add(e)
        for e, (i, j) in enumerate(self.edges):
            self.place(e, (self.p[i] + self.p[j]) / 2, straight=True)

    def candidates(self, e: int) -> tuple[NDArray, NDArray]:
        """Control points (n, 2) and their offsets (n,) tried for edge ``e``:
        on the normal through the chord's middle, or a quarter of the chord
        from either end (a curve that turns near that end, which changes the
        angle an arrowhead arrives at more than the path)."""
        i, j = self.edges[e]
        chord = self.p[j] - self.p[i]
        length = float(np.hypot(*chord)) or 1.0
        normal = np.array([-chord[1], chord[0]]) / length
        bends = _bends(length)
        places = _ALONG_CHORD if self.along else _ALONG_CHORD[:1]
        along = np.r_[0.5, np.repeat(places, len(bends) - 1)]
        bends = np.r_[0.0, np.tile(bends[1:], len(places))]
        return self.p[i] + along[:, None] * chord + bends[:, None] * normal, bends

    def best(self, e: int) -> tuple[NDArray, float]:
        """The cheapest control point of edge ``e`` and its offset.

        Running along other edges is the dearest cost to measure and never
        negative: it is measured for the candidates in order of their other
        costs, until those alone cost more than the best so far.
        """
        ctrl, bends = self.candidates(e)
        i, j = self.edges[e]
        pts = bezier(self.p[i], ctrl, self.p[j], _T)  # (n, k, 2)
        step = np.hypot(*np.moveaxis(np.diff(pts, axis=1), -1, 0)).sum(-1)
        step = step / (_SAMPLES - 1)  # (n,) px between samples
        cheap = self.costs(e, pts, ctrl, bends, step)
        order = np.argsort(cheap, kind="stable")
        if not self.along:
            return ctrl[order[0]], float(bends[order[0]])
        best, least = 0, np.inf
        for c in order[:_MAX_ALONG]:
            if cheap[c] >= least:
                break
            total = cheap[c] + _ALONG * self._along(e, pts[c], step[c])
            if total < least:
                best, least = int(c), total
        return ctrl[best], float(bends[best])

    def straight_cost(self, e: int) -> float:
        """The cost of edge ``e`` drawn straight."""
        i, j = self.edges[e]
        pts = bezier(self.p[i], self.ctrl[e][None], self.p[j], _T)
        step = np.hypot(*(self.p[j] - self.p[i])) / (_SAMPLES - 1) * np.ones(1)
        cheap = self.costs(e, pts, self.ctrl[e][None], np.zeros(1), step)[0]
        if not self.along:
            return float(cheap)
        return float(cheap + _ALONG * self._along(e, pts[0], step[0]))

    def costs(
        self, e: int, pts: NDArray, ctrl: NDArray, bends: NDArray, step: NDArray
    ) -> NDArray:
        """Costs (n,) of edge ``e`` along ``pts`` (n, k, 2), running along other
        edges left out."""
        i, j = self.edges[e]
        length = max(float(np.hypot(*(self.p[j] - self.p[i]))), 1.0)
        cost = _BEND * np.abs(bends) * (1.0 + np.abs(bends) / length)
        if abs(self.p[i, 1] - self.p[j, 1]) < 0.5:
            cost = cost + _SAME_ROW * (bends == 0)
        cost = cost + self._hits(e, pts)
        cost = cost + _OUTSIDE * self._outside(pts)
        cost = cost + self._labels(e, pts, step) + self._head_labels(e, ctrl)
        return cost + self._ends(e, ctrl)

    def _hits(self, e: int, pts: NDArray) -> NDArray:
        """Cost (n,) of passing over nodes that are not ends of edge ``e``."""
        i, j = self.edges[e]
        reach = self.r.max() + _GAP + self.w[e]
        lo, hi = pts.min((0, 1)) - reach, pts.max((0, 1)) + reach
        inside = ((self.p >= lo) & (self.p <= hi)).all(-1)
        inside[[i, j]] = False
        others = np.flatnonzero(inside)
        if not len(others):
            return np.zeros(len(pts))
        a, b = pts[:, None, :-1], pts[:, None, 1:]  # (n, 1, k-1, 2)
        dist = _seg_dist(self.p[others][None, :, None], a, b)  # (n, o, k-1)
        reach = self.r[others] + _GAP + self.w[e] / 2  # (o,)
        short = (reach - dist.min(-1)) / reach  # (n, o): 1 through the centre
        return (np.where(short > 0, _GRAZE, 0.0) + _HIT * np.maximum(short, 0)).sum(-1)

    def _outside(self, pts: NDArray) -> NDArray:
        """How far (n,) px the points ``pts`` (n, k, 2) leave the bounds."""
        x0, y0, x1, y1 = self.bounds
        over = (
            np.maximum(x0 - pts[..., 0], 0)
            + np.maximum(pts[..., 0] - x1, 0)
            + np.maximum(y0 - pts[..., 1], 0)
            + np.maximum(pts[..., 1] - y1, 0)
        )
        return over.max(-1)

    def _labels(self, e: int, pts: NDArray, step: NDArray) -> NDArray:
        """Cost (n,) of the length of ``pts`` (n, k, 2) through node labels."""
        if not len(self.boxes):
            return np.zeros(len(pts))
        i, j = self.edges[e]
        pad = self.w[e] / 2 + 1.0
        lo, hi = pts.min((0, 1)) - pad, pts.max((0, 1)) + pad
        near = np.flatnonzero(
            (self.boxes[:, :2] <= hi).all(-1) & (self.boxes[:, 2:] >= lo).all(-1)
        )
        b = self.boxes[near]
        x, y = pts[..., 0, None], pts[..., 1, None]  # (n, k, 1)
        inside = (
            (x > b[:, 0] - pad)
            & (x < b[:, 2] + pad)
            & (y > b[:, 1] - pad)
            & (y < b[:, 3] + pad)
        )  # (n, k, b)
        weight = np.where((near == i) | (near == j), _OWN_LABEL, _LABEL)
        return (inside * weight).sum((1, 2)) * step

    def _head_labels(self, e: int, ctrl: NDArray) -> NDArray:
        """Cost (n,) of arrowheads under labels (drawn above the edges, they
        hide a head), for control points ``ctrl`` (n, 2)."""
        if not len(self.boxes):
            return np.zeros(len(ctrl))
        j = self.edges[e][1]
        back = self._head_points(e, ctrl) - self.p[j]  # (n, 2), out of j
        back /= np.maximum(np.hypot(*back.T), 1e-12)[:, None]
        reach = self.r[j] + np.linspace(0.0, _HEAD_PX, 7)  # (h,)
        pts = self.p[j] + reach[:, None] * back[:, None]  # (n, h, 2)
        b = self.boxes
        x, y = pts[..., 0, None], pts[..., 1, None]
        inside = (x > b[:, 0] - 2) & (x < b[:, 2] + 2) & (y > b[:, 1] - 2)
        inside &= y < b[:, 3] + 2  # (n, h, d)
        return _HEAD_LABEL * inside.any(-1).sum(-1) * (_HEAD_PX / 6)

    def _along(self, e: int, pts: NDArray, step: float) -> float:
        """Length (px) that the line ``pts`` (k, 2) of edge ``e`` runs along other
        edges, beyond what a crossing takes."""
        i, j = self.edges[e]
        pts, step = pts[::2], 2 * step  # every other point is close enough
        segs, owner, low, high = self._segments()
        limit = (self.w[e] + self.w) / 2 + _NEAR  # (m,)
        lo, hi = pts.min(0) - limit.max(), pts.max(0) + limit.max()
        keep = (low[:, 0] <= hi[0]) & (low[:, 1] <= hi[1])
        keep &= (high[:, 0] >= lo[0]) & (high[:, 1] >= lo[1])
        keep &= self.placed[owner] & (owner != e)
        if not keep.any():
            return 0.0
        segs, owner = segs[keep], owner[keep]
        close = _seg_dist(pts[:, None], segs[:, 0], segs[:, 1]) < limit[owner]
        for node in (i, j):  # edges meet at a shared end: no cost there
            shares = np.isin(owner, list(self.touching[node]))
            if shares.any():
                reach = self.r[node] + _SHARED_END
                at_end = np.hypot(*(pts - self.p[node]).T) < reach
                close &= ~(at_end[:, None] & shares)
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        per_edge = np.maximum.reduceat(close, starts, axis=1)  # (k, owners)
        run = per_edge.sum(0) * step
        # lines that cross take some length of each other; lines from one
        # node should part where the node's rim does (see _ends)
        meet = np.isin(owner[starts], list(self.touching[i] | self.touching[j]))
        return float(np.maximum(run - _OVERLAP_FREE * ~meet, 0.0).sum())

    def _segments(self) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        """All edges' line segments (s, 2, 2), the edge of each (s,) and their
        boxes' corners (s, 2 each)."""
        if self._flat is None:
            owner = np.repeat(np.arange(len(self.segs)), [len(g) for g in self.segs])
            segs = np.concatenate(self.segs)
            self._flat = (segs, owner, segs.min(1), segs.max(1))
        return self._flat

    def _ends(self, e: int, ctrl: NDArray) -> NDArray:
        """Arrowheads arriving together, edges leaving together (costs (n,))."""
        i, j = self.edges[e]
        cost = np.zeros(len(ctrl))
        head = self.p[j] - self._head_points(e, ctrl)  # (n, 2), into j
        leave = ctrl - self.p[i]  # (n, 2), out of i
        for f in self.touching[i] | self.touching[j]:
            fi, fj = self.edges[f]
            if f == e or not self.placed[f]:
                continue
            clashes = []
            if fj == j:  # two heads at j
                clashes.append((_HEADS, head, self.head[f], _HEAD_CLASH))
            if fi == j:  # an edge leaving where this head arrives
                clashes.append((_HEADS, -head, self.leave[f], _HEAD_CLASH))
            if fi == i:  # two edges leaving i
                clashes.append((_FAN, leave, self.leave[f], _FAN_CLASH))
            if fj == i:  # this edge leaves where another's head arrives
                clashes.append((_HEADS, leave, -self.head[f], _HEAD_CLASH))
            for weight, u, v, limit in clashes:
                cost += weight * np.maximum(1.0 - _angle(u, v) / limit, 0.0)
        return cost

    def _head_points(self, e: int, ctrl: NDArray) -> NDArray:
        """Where the arrowhead of edge ``e`` starts, for control points (n, 2)."""
        i, j = self.edges[e]
        return tangent_point(self.p[i], ctrl, self.p[j], self.r[j] + _HEAD_PX)

    def place(self, e: int, ctrl: NDArray, *, straight: bool = False) -> None:
        """Draw edge ``e`` with the control point ``ctrl`` (2,)."""
        i, j = self.edges[e]
        self.ctrl[e] = ctrl
        t = np.array([0.0, 1.0]) if straight else _T[::2]
        line = bezier(self.p[i], ctrl, self.p[j], t)
        self.segs[e] = np.stack([line[:-1], line[1:]], axis=1)
        self._flat: tuple[NDArray, ...] | None = None
        self.box[e] = np.r_[line.min(0), line.max(0)]
        self.head[e] = self.p[j] - self._head_points(e, ctrl[None])[0]
        self.leave[e] = ctrl - self.p[i]
        self.placed[e] = True


def route_edges(
    centres: NDArray,
    edges: Sequence[tuple[int, int]],
    *,
    radius: NDArray,
    boxes: NDArray,
    widths: NDArray,
    bounds: NDArray,
) -> NDArray:
    """Control points of the edges that are drawn curved.

    Every edge is first costed straight, all others straight too; those with a
    cost (over a node, along another edge, through a label, a head or a start
    on another's, or joining two nodes of one row) are then routed one by one,
    the costliest first, each taking the cheapest bend given the routes already
    taken, in ``_SWEEPS`` passes.

    Parameters
    ----------
    centres : ndarray of shape (d, 2)
        Node centres in pixels (y down).
    edges : sequence of m (i, j)
        Edges i -> j, node indices.
    radius : ndarray of shape (d,)
        Pixel radius of every node's marker.
    boxes : ndarray of shape (d, 4)
        Every node label's box, x0, y0, x1, y1 in pixels.
    widths : ndarray of shape (m,)
        Line width of every edge in pixels.
    bounds : ndarray of shape (4,)
        x0, y0, x1, y1 of the area the edges must stay in.

    Returns
    -------
    ndarray of shape (m, 2)
        The Bézier control point of every curved edge in pixels; NaN for an
        edge drawn straight.
    """
    arrays = (centres, radius, boxes, widths, bounds)
    arrays = tuple(np.round(np.asarray(a, dtype=float), 3) for a in arrays)
    key = tuple((a.shape, a.tobytes()) for a in arrays)
    edges = tuple((int(i), int(j)) for i, j in edges)
    return _route(key, edges).copy()


@functools.lru_cache(maxsize=_CACHED)
def _route(key: tuple, edges: tuple[tuple[int, int], ...]) -> NDArray:
    """:func:`route_edges` of the arrays in ``key`` (shape, bytes each); the
    drawings of one graph are drawn again on every rerun of a page."""
    centres, radius, boxes, widths, bounds = (
        np.frombuffer(data).reshape(shape) for shape, data in key
    )
    m = len(edges)
    out = np.full((m, 2), np.nan)
    if not m:
        return out
    router = _Router(centres, edges, radius, boxes, widths, bounds)
    straight = np.array([router.straight_cost(e) for e in range(m)])
    todo = [int(e) for e in np.argsort(-straight, kind="stable") if straight[e] > 0]
    router.placed[todo] = False
    sweeps = _SWEEPS - int(np.searchsorted(_SWEEP_EDGES, m))
    for _ in range(max(sweeps, 1)):
        for e in todo:
            router.placed[e] = False
            ctrl, bend = router.best(e)
            router.place(e, ctrl, straight=bend == 0)
            out[e] = np.nan if bend == 0 else ctrl
    return out
