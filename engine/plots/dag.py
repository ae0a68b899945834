"""Plotly figures for DAGs: the graph, a diff against a truth, heatmaps, curves.

Node positions come from a layered layout along a topological order (sources on
top), so arrows mostly point down; :func:`dag_layout` gives the positions of a
drawing, and the diff drawing places the nodes where the learned DAG's drawing
does, so that the two can be matched by position. An edge that would join two
nodes of one row, pass over another node, run along another edge or bring its
arrowhead in on top of another one is drawn as a curve (see
:mod:`engine.plots._routes`). Every node marker carries its index in
``customdata`` so a click selection (``on_select="rerun"`` in Streamlit) can be
mapped back to a node.

The drawings are fitted to the narrowest width the app gives them
(``FIGURE_WIDTH``): wider, nodes only move apart, so labels, nodes and edges that
are clear of each other there stay clear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from engine.errors import DataError, GraphError
from engine.names import name_position
from engine.plots._checks import (
    check_count,
    check_node_labels,
    check_same_shape,
    node_names,
    other_result,
    square_matrix,
)
from engine.plots._layout import leave_toolbar_room, legend_rows, set_title
from engine.plots._routes import bezier, curve_extent, route_edges, tangent_point
from engine.plots._text import (
    SHORT_KEEP,
    plot_texts,
    short_names,
    text_width,
)

__all__ = [
    "DIFF_COLOURS",
    "adjacency_heatmap",
    "dag_diff_figure",
    "dag_figure",
    "dag_layout",
    "edge_status",
    "label_collisions",
    "layered_layout",
    "row_width",
    "training_curves",
]

DIFF_COLOURS = {
    "correct": "#2ca02c",
    "reversed": "#ff7f0e",
    "missing": "#7f7f7f",
    "extra": "#d62728",
}
# Legend notes of the diff drawing: which way an arrow points.
DIFF_NOTES = {
    "correct": "",
    "reversed": ", arrow as learned",
    "missing": ", arrow as true",
    "extra": "",
}


# A drawing with more rows than this is "tall": it grows in height, fills the
# panel's width (no equal axis scales) and zig-zags its rows (see layered_layout).
TALL_ROWS = 12
# Nodes per row in the figures: a wider layer is wrapped into several rows. As
# many nodes with names of a few characters as fit across FIGURE_WIDTH.
ROW_WIDTH = 4
# Up to this many nodes, the heatmap names every row and column.
HEATMAP_ALL_TICKS = 100
# Offsets of consecutive rows in a tall drawing, so that a long edge does not run
# through the nodes of the rows it passes.
_ZIGZAG = (0.0, 1.5, 0.75, 2.25)
# Distance in x of neighbours in a row, in row heights: with equal axis scales a
# drawing then uses more of the panel's width, and names fit between nodes.
_X_GAP = 1.5
# Node names, rows and edge routes are fitted to a figure this wide, in px: the
# narrowest a DAG drawing gets on the Causal discovery page (Chromium: 322 px in
# the Graph tab's column at a 900 px window, 343 at 800; 607 and 1087 at 1280
# and 1920; the Comparison tab 440 to 1460). Names are LABEL_SIZE px.
FIGURE_WIDTH = 320
LABEL_SIZE = 12
_MARGIN_X = 10  # px: the figure's left and right margins
_MARGIN_B = 10  # px: its bottom margin
_LEGEND_GAP = 8  # px between the plot area and a legend below it
_NODE_SIZE = 28  # px: diameter of a node marker
_SELECTED_SIZE = 36  # px: diameter of the selected node's marker
_MARKER_R = _SELECTED_SIZE / 2  # px: radius of the largest node marker
# Markers are opaque (edges run under them to the node's centre), in the colour
# plotly drew #1f77b4 in at its default opacity of 0.7 for sized markers.
_NODE_COLOUR = "#62a0ca"
_SELECTED_COLOUR = "#9467bd"
_HEAD_PX = 12  # px of an edge's end taken by its arrowhead annotation
_LEGEND_ROW_PX = 20  # px: one row of a horizontal legend
_STANDOFF = 1  # px between a marker's rim and the arrow touching it
_LABEL_SHIFT = 15  # px from a node's centre to its label's left edge
_LABEL_PAD = 3  # px of background around a label's text
_LABEL_H = 1.4 * LABEL_SIZE + 2 * _LABEL_PAD  # px: a label's height
_ROW_KEEP = 8  # characters at each end of a long name the rows leave room for
_MIN_KEEP = 4  # fewest characters kept at each end of a long name


def layered_layout(
    adjacency: Any, *, max_per_row: int | None = None
) -> NDArray[np.float64]:
    """Node positions (d, 2): layer = longest path from a source, spread in x.

    Every edge points from a higher row to a lower one. Cycles (not expected) are
    broken by placing remaining nodes in a last layer.

    Parameters
    ----------
    adjacency : array-like of shape (d, d)
        ``[i, j]`` != 0 iff i -> j.
    max_per_row : int, optional
        Wrap a layer of more nodes into several rows of at most this many
        (no edge joins two nodes of one layer). None: one row per layer. In a
        wrapped layer of sources, those without edges take the first rows and
        those with children the last (next to their children); a last row that
        is not full sits under its nodes' neighbours in the rows above.

    Returns
    -------
    ndarray of shape (d, 2)
        x and y per node; rows are at y = 0, -1, -2, ..., neighbours in a row
        1.5 apart in x. Alternate rows are staggered by a quarter of that; with
        more than ``TALL_ROWS`` rows, consecutive rows are shifted further apart
        in x (a zig-zag), since such drawings are shown with a free aspect
        ratio.
    """
    a = square_matrix("layered_layout", "adjacency", adjacency) != 0
    if max_per_row is not None:
        check_count("layered_layout", "max_per_row", max_per_row, low=1)
    d = a.shape[0]
    layer = np.zeros(d, dtype=int)
    indeg = a.sum(0).astype(int)
    stack = list(np.flatnonzero(indeg == 0))
    done = np.zeros(d, dtype=bool)
    while stack:
        i = stack.pop()
        done[i] = True
        for j in np.flatnonzero(a[i]):
            layer[j] = max(layer[j], layer[i] + 1)
            indeg[j] -= 1
            if indeg[j] == 0:
                stack.append(j)
    layer[~done] = layer.max() + 1 if d else 0
    rows, slots = [], []  # the nodes of each row; its places if wrapped, or None
    for nodes in _order_layers(a, layer):
        width = max_per_row or max(len(nodes), 1)
        wrapped = len(nodes) > width
        # sources with children go to the last rows of a wrapped layer, next to
        # their children; nodes without edges to the first; each row in order
        lone = ~a[nodes].any(1) & ~a[:, nodes].any(0)
        ranked = np.argsort(~lone, kind="stable") if wrapped else np.arange(len(nodes))
        for k in range(0, len(nodes), width):
            rows.append(nodes[np.sort(ranked[k : k + width])])
            slots.append(np.arange(width) - (width - 1) / 2 if wrapped else None)
    tall = len(rows) > TALL_ROWS
    pos = np.zeros((d, 2))
    placed = np.zeros(d, dtype=bool)
    for row, nodes in enumerate(rows):
        # stagger alternate rows so that long edges do not overlap nodes
        shift = _ZIGZAG[row % len(_ZIGZAG)] - 1.125 if tall else 0.25 * (row % 2)
        xs = np.arange(len(nodes)) - (len(nodes) - 1) / 2
        if slots[row] is not None and len(nodes) < len(slots[row]):
            near = (a | a.T)[np.ix_(nodes, placed)]
            if near.any():  # the rest of a wrapped layer: under its neighbours
                want = pos[placed, 0][np.nonzero(near)[1]].mean() / _X_GAP - shift
                xs = _window(slots[row], len(nodes), want)
        pos[nodes, 0] = (xs + shift) * _X_GAP
        pos[nodes, 1] = -float(row)
        placed[nodes] = True
    return pos


def _window(slots: NDArray[np.float64], n: int, centre: float) -> NDArray[np.float64]:
    """The ``n`` consecutive ``slots`` whose mean is nearest ``centre``."""
    means = np.convolve(slots, np.ones(n) / n, mode="valid")
    start = int(np.argmin(np.abs(means - centre)))
    return slots[start : start + n]


def dag_layout(
    adjacency: Any, names: Sequence[object] | None = None
) -> NDArray[np.float64]:
    """The node positions of the DAG drawings of ``adjacency``.

    :func:`dag_figure` places the nodes of a DAG here, and so does
    :func:`dag_diff_figure` for the learned DAG it compares: the two drawings of
    one result show every node at the same place (given the same names).

    Parameters
    ----------
    adjacency : array-like of shape (d, d)
        ``[i, j]`` != 0 iff i -> j.
    names : sequence, length d, optional
        The node names: long names leave room for fewer nodes per row, so that
        their labels fit between the nodes. None: names of a few characters.

    Returns
    -------
    ndarray of shape (d, 2)
        x and y per node: :func:`layered_layout` with layers wrapped into rows of
        at most :func:`row_width` nodes (``ROW_WIDTH`` for short names).
    """
    return layered_layout(adjacency, max_per_row=row_width(names))


def row_width(names: Sequence[object] | None = None) -> int:
    """Most nodes per row of a DAG drawing whose nodes are named ``names``.

    As many as fit across a figure of ``FIGURE_WIDTH`` px with each label (a long
    name cut to ``_ROW_KEEP`` characters at each end) between its node and the
    next: from 2 up to ``ROW_WIDTH``.

    Parameters
    ----------
    names : sequence, length d, optional
        The node names; None or empty: ``ROW_WIDTH``.

    Returns
    -------
    int
        Nodes per row.
    """
    if names is None or len(names) == 0:
        return ROW_WIDTH
    label = max(text_width(t, LABEL_SIZE) for t in short_names(names, _ROW_KEEP))
    label += 2 * _LABEL_PAD
    step = _LABEL_SHIFT + label + _MARKER_R + _LABEL_PAD  # between neighbours
    room = FIGURE_WIDTH - 2 * _MARGIN_X - _MARKER_R - _LABEL_SHIFT - label
    # a row of n spans n - 1 steps, and a quarter step where it is staggered
    return int(np.clip(np.floor(room / step + 0.75), 2, ROW_WIDTH))


def _positions(owner: str, positions: Any, d: int) -> NDArray[np.float64]:
    """``positions`` as a (d, 2) array of finite x, y; refuse anything else."""
    try:
        pos = np.asarray(positions, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise DataError(
            f"{owner}: 'positions' must be a ({d}, 2) array of x, y per node; "
            f"{err}. Pass dag_layout(adjacency) or leave it out."
        ) from err
    if pos.shape != (d, 2):
        raise GraphError(
            f"{owner}: 'positions' must be a ({d}, 2) array of x, y per node; got "
            f"shape {pos.shape}. Pass dag_layout(adjacency) of the {d}-node DAG "
            "drawn, or leave it out."
        )
    if not np.isfinite(pos).all():
        raise DataError(
            f"{owner}: 'positions' has missing or infinite coordinates (node "
            f"{int(np.flatnonzero(~np.isfinite(pos).all(1))[0])}, from 0); give "
            "finite x, y for every node."
        )
    return pos


def _order_layers(
    a: NDArray[np.bool_], layer: NDArray[np.int_], sweeps: int = 4
) -> list[NDArray[np.int_]]:
    """Nodes of each layer, ordered to cut edge crossings (barycentre heuristic).

    Alternate sweeps down and up the layers sort each layer by the mean position
    of its neighbours in the layers already placed (parents going down, children
    going up); a node without such neighbours keeps its place. This is the
    ordering step of a Sugiyama-style drawing, without its exact crossing count.

    Parameters
    ----------
    a : ndarray of shape (d, d), bool
        ``a[i, j]`` iff i -> j.
    layer : ndarray of shape (d,), int
        Layer of every node; edges point to higher layers.
    sweeps : int
        Number of sweeps, the last one downwards.

    Returns
    -------
    list of ndarray
        Node indices of each layer, in drawing order, from the top layer down.
    """
    levels = np.unique(layer)
    order = [np.flatnonzero(layer == level) for level in levels]
    x = np.zeros(len(layer))
    for nodes in order:
        x[nodes] = np.arange(len(nodes)) - (len(nodes) - 1) / 2
    link = a | a.T
    for sweep in range(sweeps):
        down = (sweeps - 1 - sweep) % 2 == 0
        for k in range(1, len(order)) if down else range(len(order) - 2, -1, -1):
            placed = layer < levels[k] if down else layer > levels[k]
            nodes = order[k]
            near = link[nodes][:, placed]
            counts = near.sum(1)
            sums = near.astype(float) @ x[placed]
            key = np.where(counts > 0, sums / np.maximum(counts, 1), x[nodes])
            order[k] = nodes[np.argsort(key, kind="stable")]
            x[order[k]] = np.arange(len(nodes)) - (len(nodes) - 1) / 2
    return order


def _n_rows(pos: NDArray[np.float64]) -> int:
    """Number of rows of a :func:`layered_layout` (distinct y values)."""
    return int(np.unique(pos[:, 1]).size) if len(pos) else 0


def _node_trace(
    pos: NDArray, names: Sequence[str], hover: Sequence[str], selected: int | None
) -> go.Scatter:
    colours = [_NODE_COLOUR] * len(names)
    sizes = [_NODE_SIZE] * len(names)
    if selected is not None and 0 <= selected < len(names):
        colours[selected] = _SELECTED_COLOUR
        sizes[selected] = _SELECTED_SIZE
    return go.Scatter(
        x=pos[:, 0],
        y=pos[:, 1],
        mode="markers",  # names: label annotations above the arrows (_labels)
        text=list(names),
        customdata=list(range(len(names))),
        hovertext=list(hover),
        hoverinfo="text",
        marker={
            "size": sizes,
            "color": colours,
            "opacity": 1.0,
            "line": {"width": 1, "color": "#fff"},
        },
        name="nodes",
        showlegend=False,
    )


def _labels(pos: NDArray, labels: Sequence[str]) -> list[dict[str, Any]]:
    """Node labels as annotations right of the markers, on a light background.

    Arrows are annotations too, drawn above every trace; names drawn as the
    last annotations stay readable where arrows pass or end next to a node.
    ``labels`` are drawn as typed (escaped here).
    """
    return [
        {
            "x": float(x),
            "y": float(y),
            "text": text,
            "showarrow": False,
            "xanchor": "left",
            "xshift": _LABEL_SHIFT,
            "font": {"size": LABEL_SIZE, "color": "#333"},
            "bgcolor": "rgba(255, 255, 255, 0.75)",
        }
        for (x, y), text in zip(pos, plot_texts(labels), strict=True)
    ]


def _widths(labels: Sequence[str]) -> NDArray[np.float64]:
    """Estimated pixel widths of the label boxes of ``labels``."""
    return np.array([text_width(t, LABEL_SIZE) + 2 * _LABEL_PAD for t in labels])


def _overlap(
    a: tuple[NDArray, NDArray, NDArray, NDArray],
    b: tuple[NDArray, NDArray, NDArray, NDArray],
) -> NDArray[np.bool_]:
    """(n, m) whether box i of ``a`` and box j of ``b`` (x0, y0, x1, y1 arrays)
    share an area, boxes of one index excluded."""
    ox = np.minimum(a[2][:, None], b[2][None]) - np.maximum(a[0][:, None], b[0][None])
    oy = np.minimum(a[3][:, None], b[3][None]) - np.maximum(a[1][:, None], b[1][None])
    hit = (ox > 0) & (oy > 0)
    np.fill_diagonal(hit, False)
    return hit


def label_collisions(
    px: NDArray[np.float64], py: NDArray[np.float64], widths: NDArray[np.float64]
) -> tuple[int, int]:
    """Node labels drawn over another label or another node's marker.

    Parameters
    ----------
    px, py : ndarray of shape (d,)
        Pixel positions of the nodes' centres (y down).
    widths : ndarray of shape (d,)
        Pixel widths of the label boxes, drawn ``_LABEL_SHIFT`` px right of
        their node, ``_LABEL_H`` px high, centred on its height.

    Returns
    -------
    label_pairs : int
        Pairs of labels whose boxes overlap.
    on_markers : int
        (label, other node) pairs where a label covers the node's marker
        (radius ``_MARKER_R``).
    """
    x0 = px + _LABEL_SHIFT
    labels = (x0, py - _LABEL_H / 2, x0 + widths, py + _LABEL_H / 2)
    r = _MARKER_R
    markers = (px - r, py - r, px + r, py + r)
    pairs = int(_overlap(labels, labels).sum()) // 2
    return pairs, int(_overlap(labels, markers).sum())


def _scale(span: float, room: float) -> float:
    """Pixels per unit that fit ``span`` units into ``room`` px (a single row or
    column: 100)."""
    return max(room, 1.0) / span if span > 0 else 100.0


@dataclass(frozen=True)
class _Frame:
    """Pixels of a drawing's plot area at ``FIGURE_WIDTH``: x right, y down.

    ``px = (x - x0) * kx`` and ``py = (y1 - y) * ky``; the area is ``w`` by ``h``
    px.
    """

    x0: float
    y1: float
    kx: float
    ky: float
    w: float
    h: float

    def px(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """Pixel positions (..., 2) of data points ``xy`` (..., 2)."""
        xy = np.asarray(xy, dtype=np.float64)
        return np.stack(
            [(xy[..., 0] - self.x0) * self.kx, (self.y1 - xy[..., 1]) * self.ky], -1
        )

    def data(self, p: NDArray[np.float64]) -> NDArray[np.float64]:
        """Data points (..., 2) at pixel positions ``p`` (..., 2)."""
        p = np.asarray(p, dtype=np.float64)
        return np.stack(
            [self.x0 + p[..., 0] / self.kx, self.y1 - p[..., 1] / self.ky], -1
        )


@dataclass(frozen=True)
class _Fit:
    """How a drawing fits its figure: node labels, pixels at ``FIGURE_WIDTH``,
    whether its axes keep equal scales, the data box ``[x0, x1, y0, y1]`` that
    must be seen (nodes, markers, labels), and the figure's margins."""

    labels: list[str]
    frame: _Frame
    equal: bool
    box: tuple[float, float, float, float]
    top: int
    bottom: int


def _equal_scale(
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
    widths: NDArray[np.float64],
    room: tuple[float, float],
) -> tuple[float, float]:
    """Pixels per unit with equal axis scales at which nodes at ``xs``, ``ys``
    and labels ``widths`` px wide fit into ``room`` (w, h) px, and how far (px)
    the labels reach right of the rightmost node (at least a marker's pad)."""
    pad = _MARKER_R + 2

    def reach(k: float) -> float:
        return max(pad, float((_LABEL_SHIFT + widths + (xs - xs.max()) * k).max()))

    span_x, span_y = float(np.ptp(xs)), float(np.ptp(ys))
    ky = (room[1] - 2 * pad) / span_y if span_y > 0 else np.inf
    k = 0.0
    if span_x > 0:  # labels reach less far at a larger scale: grow to it
        k = (room[0] - pad - reach(0.0)) / span_x
        for _ in range(4):
            k = max(k, (room[0] - pad - reach(max(k, 0.0))) / span_x)
    k = min(k if span_x > 0 else np.inf, ky)
    k = 100.0 if not np.isfinite(k) else max(k, 1.0)
    return k, reach(k)


def _fit(
    pos: NDArray[np.float64], names: Sequence[str], height: int, top: int, bottom: int
) -> _Fit:
    """Labels and scales of a drawing ``height`` px high at ``FIGURE_WIDTH``.

    A drawing of at most ``TALL_ROWS`` rows keeps equal axis scales when its
    labels, long names cut to ``SHORT_KEEP`` characters at each end, fit there
    beside their nodes. Otherwise the x axis is fitted to the width, the labels
    of the rightmost nodes included, the y axis to the height, and long names are
    cut shorter (down to ``_MIN_KEEP`` characters at each end) until no label
    covers another or another node, where that is possible.
    """
    w = FIGURE_WIDTH - 2 * _MARGIN_X
    h = height - top - bottom
    pad = _MARKER_R + 2
    xs, ys = (pos[:, 0], pos[:, 1]) if len(pos) else (np.zeros(1), np.zeros(1))
    if _n_rows(pos) <= TALL_ROWS:
        labels = short_names(names)
        widths = _widths(labels) if labels else np.zeros(1)
        k, right = _equal_scale(xs, ys, widths, (w, h))
        x0, x1 = xs.min() - pad / k, xs.max() + right / k
        y0, y1 = ys.min() - pad / k, ys.max() + pad / k
        frame = _Frame(
            (x0 + x1) / 2 - w / (2 * k), (y0 + y1) / 2 + h / (2 * k), k, k, w, h
        )
        p = frame.px(np.c_[xs, ys])
        fits = (x1 - x0) * k <= w + 0.5 and (y1 - y0) * k <= h + 0.5
        if not labels or (
            fits and label_collisions(p[:, 0], p[:, 1], widths) == (0, 0)
        ):
            return _Fit(labels, frame, True, (x0, x1, y0, y1), top, bottom)
    for keep in range(SHORT_KEEP, _MIN_KEEP - 1, -1):
        labels = short_names(names, keep)
        widths = _widths(labels) if labels else np.zeros(1)
        right = _LABEL_SHIFT + float(widths.max())
        kx = _scale(np.ptp(xs), w - pad - right)
        ky = _scale(np.ptp(ys), h - 2 * pad)
        px, py = (xs - xs.min()) * kx + pad, (ys.max() - ys) * ky + pad
        if label_collisions(px, py, widths) == (0, 0):
            break
    x0, y1 = xs.min() - pad / kx, ys.max() + pad / ky
    frame = _Frame(x0, y1, kx, ky, w, h)
    return _Fit(labels, frame, False, (x0, x0 + w / kx, y1 - h / ky, y1), top, bottom)


def _fit_figure(
    fig: go.Figure,
    title: str,
    pos: NDArray[np.float64],
    names: Sequence[str],
    legend_px: int = 0,
) -> _Fit:
    """Give ``fig`` its title and fit the drawing of ``pos`` to its size, with
    ``legend_px`` px more below the plot area for a legend."""
    set_title(fig, title)
    height = _figure_height(_n_rows(pos)) + legend_px
    bottom = _MARGIN_B + legend_px
    return _fit(pos, list(names), height, int(fig.layout.margin.t), bottom)


def _label_boxes(
    centres: NDArray[np.float64], labels: Sequence[str]
) -> NDArray[np.float64]:
    """Label boxes (d, 4): x0, y0, x1, y1 px of labels beside nodes at ``centres``."""
    if not len(labels):
        return np.zeros((0, 4))
    x, y = centres[:, 0] + _LABEL_SHIFT, centres[:, 1]
    return np.c_[x, y - _LABEL_H / 2, x + _widths(labels), y + _LABEL_H / 2]


@dataclass(frozen=True)
class _Edge:
    """How one edge is drawn: line colour, width (px), dash and opacity."""

    colour: str
    width: float
    dash: str = "solid"
    opacity: float = 0.9


def _routes(
    pos: NDArray[np.float64],
    edges: Sequence[tuple[int, int]],
    styles: Sequence[_Edge],
    fit: _Fit,
) -> NDArray[np.float64]:
    """Control points (m, 2), in data units, of the edges drawn curved; NaN for
    the straight ones (see :func:`engine.plots._routes.route_edges`).

    Every node is taken to have the selected node's (larger) marker: the edges
    keep their routes when another node is selected.
    """
    frame = fit.frame
    centres = frame.px(pos)
    ctrl = route_edges(
        centres,
        edges,
        radius=np.full(len(pos), _MARKER_R),
        boxes=_label_boxes(centres, fit.labels),
        widths=np.array([s.width for s in styles]),
        bounds=np.array([0.0, 0.0, frame.w, frame.h]),
    )
    return frame.data(ctrl)


def _edge_items(
    pos: NDArray[np.float64],
    edge: tuple[int, int],
    ctrl: NDArray[np.float64],
    style: _Edge,
    fit: _Fit,
    radius: NDArray[np.float64],
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The edge i -> j as an arrow annotation and, unless a solid straight line,
    a line or curve shape under the nodes with an annotation for its head.

    A solid straight edge is one annotation from centre to centre, held off the
    markers' rims by ``standoff`` px. Otherwise the shape runs from centre to
    centre (the opaque markers hide its ends), and the head is an annotation
    ``_HEAD_PX`` long (at ``FIGURE_WIDTH``) along the curve's end. With equal
    axis scales its tail is given in pixels from the target's centre, so that
    it keeps its length in a wider figure; with free ones (a wider figure only
    stretches x) on the curve, in data units, so that it keeps its direction.
    """
    i, j = edge
    p0, p2 = pos[i], pos[j]
    head = {
        "x": float(p2[0]),
        "y": float(p2[1]),
        "xref": "x",
        "yref": "y",
        "showarrow": True,
        "arrowhead": 3,
        # plotly scales a head with the shaft's width: keep heads of wide edges
        # from covering the node (about 3 widths of a default edge at most)
        "arrowsize": float(np.clip(3.0 / style.width, 0.6, 1.5)),
        "arrowwidth": style.width,
        "arrowcolor": style.colour,
        "opacity": style.opacity,
        "standoff": float(radius[j] + _STANDOFF),
        "text": "",
    }
    curved = not np.isnan(ctrl).any()
    if not curved and style.dash == "solid":
        head.update(
            ax=float(p0[0]),
            ay=float(p0[1]),
            axref="x",
            ayref="y",
            startstandoff=float(radius[i] + _STANDOFF),
        )
        return head, None
    c = ctrl if curved else (p0 + p2) / 2
    reach = float(radius[j]) + _STANDOFF + _HEAD_PX
    frame = fit.frame
    ends = frame.px(np.array([p0, c, p2]))
    tail = tangent_point(ends[0], ends[1], ends[2], reach)
    if fit.equal:  # a wider figure scales the curve alike in x and y
        tail = (tail - ends[2]) * reach / (float(np.hypot(*(tail - ends[2]))) or 1.0)
        head.update(ax=float(tail[0]), ay=float(tail[1]), axref="pixel", ayref="pixel")
    else:  # it stretches x only: the head's tail on the curve, in data units
        tail = frame.data(tail)
        head.update(ax=float(tail[0]), ay=float(tail[1]), axref="x", ayref="y")
    if curved:
        path = "M {:.6g},{:.6g} Q {:.6g},{:.6g} {:.6g},{:.6g}".format(*p0, *c, *p2)
        body: dict[str, Any] = {"type": "path", "path": path}
    else:
        body = {"type": "line", "x0": float(p0[0]), "y0": float(p0[1])}
        body.update(x1=float(p2[0]), y1=float(p2[1]))
    body.update(
        xref="x",
        yref="y",
        layer="below",
        line={"color": style.colour, "width": style.width, "dash": style.dash},
        opacity=style.opacity,
    )
    return head, body


def _draw_edges(
    pos: NDArray[np.float64],
    edges: Sequence[tuple[int, int]],
    styles: Sequence[_Edge],
    fit: _Fit,
    radius: NDArray[np.float64],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], NDArray, NDArray | None]:
    """Annotations and shapes of ``edges``, the middle of every edge's line
    (m, 2), and the data box ``[x0, x1, y0, y1]`` of the curves (None if none)."""
    ctrl = _routes(pos, edges, styles, fit)
    annotations, shapes, mids, boxes = [], [], [], []
    for (i, j), c, style in zip(edges, ctrl, styles, strict=True):
        head, body = _edge_items(pos, (i, j), c, style, fit, radius)
        annotations.append(head)
        if body is not None:
            shapes.append(body)
        curved = not np.isnan(c).any()
        mid_ctrl = c if curved else (pos[i] + pos[j]) / 2
        mids.append(bezier(pos[i], mid_ctrl, pos[j], np.array([0.5]))[0])
        if curved:
            boxes.append(_curve_box(pos[i], c, pos[j], style.width, fit.frame))
    extent = None
    if boxes:
        b = np.array(boxes)
        extent = np.array([b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max()])
    return annotations, shapes, np.array(mids).reshape(-1, 2), extent


def _curve_box(
    p0: NDArray, c: NDArray, p2: NDArray, width: float, frame: _Frame
) -> NDArray[np.float64]:
    """Data box ``[x0, x1, y0, y1]`` of a curve and half its line's width."""
    x0, y0, x1, y1 = curve_extent(p0, c, p2)
    dx, dy = width / 2 / frame.kx, width / 2 / frame.ky
    return np.array([x0 - dx, x1 + dx, y0 - dy, y1 + dy])


def _radii(d: int, selected: int | None = None) -> NDArray[np.float64]:
    """Pixel radius of every node's marker (see :func:`_node_trace`)."""
    r = np.full(d, _NODE_SIZE / 2)
    if selected is not None and 0 <= selected < d:
        r[selected] = _SELECTED_SIZE / 2
    return r


def _edge_midpoints(mids: NDArray, labels: list[str], colour: str) -> go.Scatter:
    """Invisible markers in the middle of the edges that carry their hover text."""
    return go.Scatter(
        x=mids[:, 0],
        y=mids[:, 1],
        mode="markers",
        hovertext=labels,
        hoverinfo="text",
        marker={"size": 8, "color": colour, "opacity": 0.01},
        showlegend=False,
        name="edges",
    )


def _figure_height(rows: int) -> int:
    """Pixel height of a DAG figure of ``rows`` rows: 520, growing to 1600."""
    return int(min(max(520, 100 + 40 * rows), 1600))


def _layout(
    fig: go.Figure,
    title: str,
    pos: NDArray[np.float64],
    *,
    annotations: Sequence[dict[str, Any]] = (),
    shapes: Sequence[dict[str, Any]] = (),
    names: Sequence[str] = (),
    fit: _Fit | None = None,
    extent: NDArray[np.float64] | None = None,
) -> go.Figure:
    """Lay out a DAG figure, its arrows and shapes included, in one layout update.

    The height grows with the rows of ``pos``; a tall drawing (more than
    ``TALL_ROWS`` rows), or one whose labels do not fit between its nodes with
    equal axis scales, fills the width instead (see :func:`_fit`; ``fit`` as
    :func:`_fit_figure` made it, or None to fit here). The axis ranges take in
    the nodes, their labels and ``extent`` (the data box ``[x0, x1, y0, y1]`` of
    curved edges). ``names`` (full, not escaped) are drawn last, above the
    arrows, cut in the middle to fit (see :func:`_labels`); the hover texts keep
    them in full.
    """
    if fit is None:
        fit = _fit_figure(fig, title, pos, names)
    x0, x1, y0, y1 = fit.box
    xaxis: dict[str, Any] = {"visible": False}
    yaxis: dict[str, Any] = {"visible": False}
    if fit.equal:
        if extent is not None:
            x0, x1 = min(x0, extent[0]), max(x1, extent[1])
            y0, y1 = min(y0, extent[2]), max(y1, extent[3])
        # plotly keeps the scales equal by narrowing one axis's part of the plot
        # area (centred): widening a range instead stuck when the chart was
        # drawn narrow first (a hidden tab, a smaller window) and then widened
        yaxis["scaleanchor"] = "x"
        xaxis["constrain"] = yaxis["constrain"] = "domain"
    xaxis["range"], yaxis["range"] = [x0, x1], [y0, y1]
    fig.update_layout(
        annotations=[*annotations, *_labels(pos, fit.labels)],
        shapes=list(shapes),
        margin={"l": _MARGIN_X, "r": _MARGIN_X, "b": fit.bottom},
        height=round(fit.frame.h) + fit.top + fit.bottom,
        xaxis=xaxis,
        yaxis=yaxis,
        hovermode="closest",
        clickmode="event+select",
        dragmode=False,
        plot_bgcolor="white",
    )
    return fig


def dag_figure(
    adjacency: Any,
    weights: Any,
    names: Sequence[str],
    *,
    selected: str | int | None = None,
    title: str = "Learned DAG",
    positions: Any = None,
) -> go.Figure:
    """The learned DAG: arrows, |weight| as width, sign as colour, hover text.

    An edge that would pass over another node, run along another edge or bring
    its arrowhead in on top of another's is drawn as a curve, which keeps off
    the node labels where it can (see :func:`engine.plots._routes.route_edges`);
    the routes do not depend on ``selected``.

    Parameters
    ----------
    adjacency : array-like of shape (d, d)
        ``[i, j]`` != 0 iff i -> j.
    weights : array-like of shape (d, d)
        Edge weights; positive edges blue, negative red.
    names : sequence of str, length d
    selected : str or int, optional
        The node to highlight: a name in ``names``, or a position when no name
        is a number (the rule of :mod:`engine.names`, as
        :meth:`DagResult.parents <engine.dag.DagResult.parents>` takes a node).
        With nodes named ``2, 0, 1``, ``selected=2`` is the node named 2; the
        node at position ``p`` is ``names[p]``.
    title : str
    positions : array-like of shape (d, 2), optional
        x, y of every node; default :func:`dag_layout` of ``adjacency``.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 holds the nodes with ``customdata`` = node index.

    Raises
    ------
    GraphError
        ``adjacency`` or ``weights`` is not a (d, d) matrix, they differ in
        shape, ``positions`` is not of shape (d, 2), or ``selected`` names no
        node (or is an integer that is no name while some name is a number).
    DataError
        ``names`` does not hold d names, a drawn edge has a missing or infinite
        weight, or ``positions`` has a missing or infinite coordinate.
    """
    owner = "dag_figure"
    a = square_matrix(owner, "adjacency", adjacency) != 0
    w = square_matrix(owner, "weights", weights, numeric=True)
    check_same_shape(owner, ("adjacency", a), ("weights", w))
    items = node_names(owner, names, len(a))
    if selected is not None:
        selected = name_position(
            selected, items, owner=owner, what="node", field="names", error=GraphError
        )
    names = plot_texts(items)
    edges = [tuple(map(int, e)) for e in np.argwhere(a)]
    _check_edge_weights(w, edges)
    pos = (
        dag_layout(a, items)
        if positions is None
        else _positions(owner, positions, len(a))
    )
    fig = go.Figure()
    fit = _fit_figure(fig, title, pos, items)
    top = max((abs(w[i, j]) for i, j in edges), default=1.0) or 1.0
    styles = [
        _Edge("#1f77b4" if w[i, j] >= 0 else "#d62728", 1.0 + 4.0 * abs(w[i, j]) / top)
        for i, j in edges
    ]
    labels = [f"{names[i]} → {names[j]}: weight {w[i, j]:+.3f}" for i, j in edges]
    annotations, shapes, mids, extent = _draw_edges(
        pos, edges, styles, fit, _radii(len(a), selected)
    )
    hover = []
    for k, name in enumerate(names):
        parents = ", ".join(names[i] for i in np.flatnonzero(a[:, k])) or "none"
        children = ", ".join(names[j] for j in np.flatnonzero(a[k])) or "none"
        hover.append(f"<b>{name}</b><br>parents: {parents}<br>children: {children}")
    fig.add_trace(_node_trace(pos, names, hover, selected))
    if edges:
        fig.add_trace(_edge_midpoints(mids, labels, "#1f77b4"))
    return _layout(
        fig,
        title,
        pos,
        annotations=annotations,
        shapes=shapes,
        names=items,
        fit=fit,
        extent=extent,
    )


def _check_edge_weights(w: NDArray[np.float64], edges: list[tuple[int, int]]) -> None:
    """Refuse missing or infinite weights on the edges to be drawn."""
    bad = [(i, j) for i, j in edges if not np.isfinite(w[i, j])]
    if bad:
        i, j = bad[0]
        raise DataError(
            f"dag_figure: 'weights' has {len(bad)} missing or infinite value(s) on "
            f"edges of 'adjacency', the first {w[i, j]} on the edge {i} -> {j} "
            "(node positions from 0); give a finite weight for every edge drawn "
            "(e.g. numpy.nan_to_num(weights)) or drop those edges."
        )


def edge_status(truth: Any, pred: Any) -> dict[str, list[tuple[int, int]]]:
    """Edges by status: ``correct``, ``reversed``, ``missing``, ``extra``.

    ``reversed`` and ``extra`` edges are listed in the predicted direction,
    ``missing`` edges in the true direction.

    Raises
    ------
    GraphError
        ``truth`` or ``pred`` is not a square matrix, or they differ in shape.
    """
    return _edge_status("edge_status", truth, pred)


def _edge_status(owner: str, truth: Any, pred: Any) -> dict[str, list[tuple[int, int]]]:
    t = square_matrix(owner, "truth", truth) != 0
    p = square_matrix(owner, "pred", pred) != 0
    check_same_shape(owner, ("truth", t), ("pred", p))
    out: dict[str, list[tuple[int, int]]] = {k: [] for k in DIFF_COLOURS}
    for i, j in np.argwhere(p):
        key = "correct" if t[i, j] else "reversed" if t[j, i] else "extra"
        out[key].append((int(i), int(j)))
    for i, j in np.argwhere(t & ~p & ~p.T):
        out["missing"].append((int(i), int(j)))
    return out


def dag_diff_figure(
    truth: Any,
    pred: Any,
    names: Sequence[str],
    *,
    title: str = "Learned vs true",
    positions: Any = None,
) -> go.Figure:
    """Predicted and true edges coloured correct / reversed / missing / extra.

    Missing edges are drawn dotted and fainter. The nodes sit where the learned
    DAG's drawing has them, so a missing edge may join two nodes of one row or
    pass another node: such an edge, like any that would run along another or
    bring its arrowhead in on top of another's, is drawn as a curve (a
    quadratic Bézier path shape; its head an annotation along the curve's end).
    The legend takes its own rows under the drawing.

    Parameters
    ----------
    truth : array-like of shape (d, d)
        The true graph, ``[i, j]`` != 0 iff i -> j.
    pred : array-like of shape (d, d)
        The learned graph.
    names : sequence of str, length d
    title : str
    positions : array-like of shape (d, 2), optional
        x, y of every node. Default :func:`dag_layout` of ``pred``: the places
        :func:`dag_figure` gives the learned DAG, so that the two drawings can be
        matched by position; ``dag_layout(truth)`` lays the nodes out along the
        true graph instead.

    Returns
    -------
    plotly.graph_objects.Figure
        The last trace holds the nodes with ``customdata`` = node index.

    Raises
    ------
    GraphError
        ``truth`` or ``pred`` is not a square matrix, they differ in shape, or
        ``positions`` is not of shape (d, 2).
    DataError
        ``names`` does not hold one name per node, or ``positions`` has a
        missing or infinite coordinate.
    """
    owner = "dag_diff_figure"
    status = _edge_status(owner, truth, pred)
    p = np.asarray(pred) != 0
    items = node_names(owner, names, len(p))
    names = plot_texts(items)
    pos = (
        dag_layout(p, items)
        if positions is None
        else _positions(owner, positions, len(p))
    )
    fig = go.Figure()
    entries = [f"{key} ({len(e)}{DIFF_NOTES[key]})" for key, e in status.items()]
    # the legend in rows below the plot area, as many as it takes at the
    # narrowest width (at 320 px one per entry)
    legend_px = _LEGEND_GAP + _LEGEND_ROW_PX * legend_rows(
        entries, FIGURE_WIDTH - 2 * _MARGIN_X
    )
    fit = _fit_figure(fig, title, pos, items, legend_px)
    edges, styles = [], []
    for (key, keyed), entry in zip(status.items(), entries, strict=True):
        missing = key == "missing"
        style = _Edge(DIFF_COLOURS[key], 2.5, "dot", 0.5) if missing else None
        edges += keyed
        styles += [style or _Edge(DIFF_COLOURS[key], 2.5)] * len(keyed)
        # legend entry
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=entry,
                line={
                    "color": DIFF_COLOURS[key],
                    "width": 3,
                    "dash": "dot" if missing else "solid",
                },
            )
        )
    annotations, shapes, _, extent = _draw_edges(
        pos, edges, styles, fit, _radii(len(p))
    )
    hover = [f"<b>{n}</b>" for n in names]
    fig.add_trace(_node_trace(pos, names, hover, None))
    fig = _layout(
        fig,
        title,
        pos,
        annotations=annotations,
        shapes=shapes,
        names=items,
        fit=fit,
        extent=extent,
    )
    fig.update_layout(
        showlegend=True,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -_LEGEND_GAP / fit.frame.h,
            "yanchor": "top",
        },
    )
    return fig


def adjacency_heatmap(
    weights: Any, names: Sequence[str], *, title: str = "Weighted adjacency"
) -> go.Figure:
    """Heatmap of the (d, d) weights, rows = parents, columns = children.

    Missing values are drawn as gaps; the colour scale spans the finite ones.
    Every node is named on both axes up to ``HEATMAP_ALL_TICKS`` nodes; the
    height grows with d (480 to 1600 px).

    Raises
    ------
    GraphError
        ``weights`` is not a square matrix of numbers.
    DataError
        ``names`` does not hold one name per node.
    """
    w = square_matrix("adjacency_heatmap", "weights", weights, numeric=True)
    names, short = check_node_labels("adjacency_heatmap", names, len(w))
    finite = np.abs(w[np.isfinite(w)])
    top = float(finite.max()) if finite.size else 1.0
    fig = go.Figure(
        go.Heatmap(
            z=w,
            x=short,
            y=short,
            colorscale="RdBu",
            zmid=0.0,
            zmin=-top,
            zmax=top,
            **_full_name_hover(names, short),
        )
    )
    # plotly labels only some categories once they crowd; name every node while
    # a label still fits in its row (the height grows with d up to a cap);
    # names are categories, even "1", "2", "3"
    ticks = {"dtick": 1, "tickmode": "linear"} if len(w) <= HEATMAP_ALL_TICKS else {}
    axis = {"type": "category", **ticks}
    fig.update_layout(
        yaxis={"autorange": "reversed", "title": "parent", **axis},
        xaxis={"title": "child", **axis},
        height=int(min(max(480, 160 + 14 * len(w)), 1600)),
    )
    return set_title(fig, title)


def _full_name_hover(names: list[str], short: list[str]) -> dict[str, Any]:
    """The heatmap's hover settings: its axis labels, or the full names
    (as ``customdata`` (d, d, 2): parent, child) where some are shortened."""
    if names == short:
        return {"hovertemplate": "%{y} → %{x}: %{z:.3f}<extra></extra>"}
    d = len(names)
    pairs = np.empty((d, d, 2), dtype=object)
    pairs[:, :, 0] = np.asarray(names, dtype=object)[:, None]
    pairs[:, :, 1] = np.asarray(names, dtype=object)[None, :]
    return {
        "customdata": pairs,
        "hovertemplate": "%{customdata[0]} → %{customdata[1]}: %{z:.3f}<extra></extra>",
    }


# history curves that count things: their axes get whole-number ticks
_COUNT_CURVES = ("n_edges",)


def _count_ticks(values: NDArray[np.float64]) -> dict[str, Any]:
    """Axis settings with whole-number ticks (at most about six) for counts."""
    finite = values[np.isfinite(values)]
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    return {"tick0": 0, "dtick": max(1, int(np.ceil(span / 5))), "tickformat": "d"}


def _check_history(history: Any) -> None:
    """Refuse a whole result, or anything but a mapping, for :func:`training_curves`."""
    if not isinstance(history, Mapping):
        raise TypeError(
            "training_curves: takes a DagResult's history (a mapping of curves); "
            f"{other_result('training_curves', history)}."
        )
    if "outer_iter" in history and not {"loss", "n_edges", "entropy"} & set(history):
        raise DataError(
            "training_curves: this is a GraphResult's history (per outer "
            "iteration), which has none of the DAG curves; "
            "engine.plots.training_curves_figure(result) draws it."
        )


def training_curves(history: Mapping[str, Any]) -> go.Figure:
    """Loss, edge count and ordering entropy per epoch (shared x axis).

    Parameters
    ----------
    history : mapping of str to array
        A result's ``history``: ``step`` and any of ``loss``, ``n_edges`` and
        ``entropy``.

    Returns
    -------
    plotly.graph_objects.Figure
        One row per curve; the edge count's axis has whole-number ticks.

    Raises
    ------
    TypeError
        ``history`` is a whole result or not a mapping.
    DataError
        ``history`` is a GraphResult's, which
        :func:`~engine.plots.training_curves_figure` draws.
    """
    from plotly.subplots import make_subplots

    _check_history(history)
    keys = [k for k in ("loss", "n_edges", "entropy") if k in history]
    fig = make_subplots(
        rows=len(keys) or 1, cols=1, shared_xaxes=True, subplot_titles=keys
    )
    step = np.asarray(history.get("step", []))
    for row, key in enumerate(keys, start=1):
        values = np.asarray(history[key], dtype=float)
        fig.add_trace(
            go.Scatter(x=step, y=values, mode="lines", name=key), row=row, col=1
        )
        if key in _COUNT_CURVES:
            fig.update_yaxes(**_count_ticks(values), row=row, col=1)
    fig.update_layout(height=150 + 170 * max(len(keys), 1), showlegend=False)
    leave_toolbar_room(fig)
    fig.update_xaxes(title_text="epoch", row=len(keys) or 1, col=1)
    return fig
