"""Plotly figures for DAGs: the graph, a diff against a truth, heatmaps, curves.

Node positions come from a layered layout along a topological order (sources on
top), so arrows mostly point down; :func:`dag_layout` gives the positions of a
drawing, and the diff drawing places the nodes where the learned DAG's drawing
does, so that the two can be matched by position. Every node marker carries its index in
``customdata`` so a click selection (``on_select="rerun"`` in Streamlit) can be
mapped back to a node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from engine.errors import DataError, GraphError
from engine.plots._checks import (
    check_count,
    check_node_labels,
    check_same_shape,
    node_names,
    square_matrix,
)
from engine.plots._layout import leave_toolbar_room, set_title
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
# Nodes per row in the figures: a wider layer is wrapped into several rows.
ROW_WIDTH = 8
# Up to this many nodes, the heatmap names every row and column.
HEATMAP_ALL_TICKS = 100
# Offsets of consecutive rows in a tall drawing, so that a long edge does not run
# through the nodes of the rows it passes.
_ZIGZAG = (0.0, 1.5, 0.75, 2.25)
# Distance in x of neighbours in a row, in row heights: with equal axis scales a
# drawing then uses more of the panel's width, and names fit between nodes.
_X_GAP = 1.5
# Node names are fitted to a figure of plotly's default width (a figure that sets
# none), in px, drawn at LABEL_SIZE px right of their node.
FIGURE_WIDTH = 700
LABEL_SIZE = 12
_MARGIN_X = 10  # px: the figure's left and right margins
_MARGIN_B = 10  # px: its bottom margin
_LEGEND_PX = 40  # px a horizontal legend may take below the plot area
_MARKER_R = 18  # px: radius of the largest (selected) node marker
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
        (no edge joins two nodes of one layer). None: one row per layer.

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
    rows = []
    for nodes in _order_layers(a, layer):
        width = max_per_row or max(len(nodes), 1)
        rows += [nodes[k : k + width] for k in range(0, len(nodes), width)]
    tall = len(rows) > TALL_ROWS
    pos = np.zeros((d, 2))
    for row, nodes in enumerate(rows):
        xs = np.arange(len(nodes)) - (len(nodes) - 1) / 2
        # stagger alternate rows so that long edges do not overlap nodes
        shift = _ZIGZAG[row % len(_ZIGZAG)] - 1.125 if tall else 0.25 * (row % 2)
        pos[nodes, 0] = (xs + shift) * _X_GAP
        pos[nodes, 1] = -float(row)
    return pos


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


def _arrow(
    p0: NDArray, p1: NDArray, colour: str, width: float, dash: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The edge p0 -> p1 as an annotation and, unless solid, a line shape.

    ``dash`` is a plotly dash style ("solid", "dash", ...). Annotation arrows are
    always solid in plotly, so a non-solid edge is a dashed line shape with an
    annotation that draws only the arrowhead.

    Returns plain dicts: a figure collects them all and assigns them in one layout
    update (see :func:`_layout`); ``fig.add_annotation`` per edge re-validates all
    earlier annotations each time, which is quadratic in the number of edges.
    """
    vec = np.asarray(p1) - np.asarray(p0)
    length = float(np.hypot(*vec)) or 1.0
    shrink = 0.12 / length
    start = np.asarray(p0) + vec * shrink
    end = np.asarray(p1) - vec * shrink
    opacity = 0.9 if dash == "solid" else 0.5
    shape = None
    if dash != "solid":
        shape = {
            "type": "line",
            "x0": float(start[0]),
            "y0": float(start[1]),
            "x1": float(end[0]),
            "y1": float(end[1]),
            "xref": "x",
            "yref": "y",
            "line": {"color": colour, "width": width, "dash": dash},
            "opacity": opacity,
        }
        start = end - vec * (0.1 / length)  # the head only (shorter is not drawn)
    annotation = {
        "x": float(end[0]),
        "y": float(end[1]),
        "ax": float(start[0]),
        "ay": float(start[1]),
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        # plotly scales a head with the shaft's width: keep heads of wide edges
        # from covering the node (about 3 widths of a default edge at most)
        "arrowsize": float(np.clip(3.0 / width, 0.6, 1.5)),
        "arrowwidth": width,
        "arrowcolor": colour,
        "opacity": opacity,
        "text": "",
    }
    return annotation, shape


def _node_trace(
    pos: NDArray, names: Sequence[str], hover: Sequence[str], selected: int | None
) -> go.Scatter:
    colours = ["#1f77b4"] * len(names)
    sizes = [28] * len(names)
    if selected is not None and 0 <= selected < len(names):
        colours[selected] = "#9467bd"
        sizes[selected] = 36
    return go.Scatter(
        x=pos[:, 0],
        y=pos[:, 1],
        mode="markers",  # names: label annotations above the arrows (_labels)
        text=list(names),
        customdata=list(range(len(names))),
        hovertext=list(hover),
        hoverinfo="text",
        marker={"size": sizes, "color": colours, "line": {"width": 1, "color": "#fff"}},
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


def _fit_labels(
    pos: NDArray[np.float64], names: Sequence[str], height: int, top: int
) -> tuple[list[str], tuple[list[float], list[float]] | None]:
    """The node labels of a drawing ``height`` px high at the default width, and
    its axis ranges.

    A drawing of at most ``TALL_ROWS`` rows keeps equal axis scales (ranges
    None) when its labels, long names cut to ``SHORT_KEEP`` characters at each
    end, all fit there. Otherwise the x axis is fitted to the width, the labels
    of the rightmost nodes included, the y axis to the height, and long names are
    cut shorter (down to ``_MIN_KEEP`` characters at each end) until no label
    covers another or another node, where that is possible.

    Returns
    -------
    labels : list of str
        The label of every node (not escaped).
    ranges : tuple of two lists, or None
        The x and y axis ranges; None to keep equal scales and autorange.
    """
    if not names:
        return [], None
    plot_w = FIGURE_WIDTH - 2 * _MARGIN_X
    plot_h = height - top - _MARGIN_B - _LEGEND_PX
    pad = _MARKER_R + 2
    xs, ys = pos[:, 0], pos[:, 1]
    if _n_rows(pos) <= TALL_ROWS:
        labels = short_names(names)
        widths = _widths(labels)
        k = min(
            _scale(np.ptp(xs), plot_w - 2 * pad), _scale(np.ptp(ys), plot_h - 2 * pad)
        )
        # plotly's autorange centres the markers
        px = (xs - (xs.min() + xs.max()) / 2) * k + plot_w / 2
        py = ((ys.min() + ys.max()) / 2 - ys) * k + plot_h / 2
        inside = (px + _LABEL_SHIFT + widths <= plot_w + _MARGIN_X).all()
        if inside and label_collisions(px, py, widths) == (0, 0):
            return labels, None
    for keep in range(SHORT_KEEP, _MIN_KEEP - 1, -1):
        labels = short_names(names, keep)
        widths = _widths(labels)
        right = _LABEL_SHIFT + float(widths.max())
        kx = _scale(np.ptp(xs), plot_w - pad - right)
        ky = _scale(np.ptp(ys), plot_h - 2 * pad)
        px, py = (xs - xs.min()) * kx + pad, (ys.max() - ys) * ky + pad
        if label_collisions(px, py, widths) == (0, 0):
            break
    x0, y1 = xs.min() - pad / kx, ys.max() + pad / ky
    return labels, ([x0, x0 + plot_w / kx], [y1 - plot_h / ky, y1])


def _edge_midpoints(
    pos: NDArray, edges: list[tuple[int, int]], labels: list[str], colour: str
) -> go.Scatter:
    mids = np.array([(pos[i] + pos[j]) / 2 for i, j in edges]).reshape(-1, 2)
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


def _collect_arrows(
    arrows: list[tuple[dict[str, Any], dict[str, Any] | None]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split :func:`_arrow` results into the annotations and the line shapes."""
    annotations = [annotation for annotation, _ in arrows]
    shapes = [shape for _, shape in arrows if shape is not None]
    return annotations, shapes


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
) -> go.Figure:
    """Lay out a DAG figure, its arrows and shapes included, in one layout update.

    The height grows with the rows of ``pos``; a tall drawing (more than
    ``TALL_ROWS`` rows), or one whose labels do not fit between its nodes with
    equal axis scales, fills the width instead (see :func:`_fit_labels`).
    ``names`` (full, not escaped) are drawn last, above the arrows, cut in the
    middle to fit (see :func:`_labels`); the hover texts keep them in full.
    """
    rows = _n_rows(pos)
    height = _figure_height(rows)
    set_title(fig, title)
    labels, ranges = _fit_labels(pos, list(names), height, int(fig.layout.margin.t))
    xaxis: dict[str, Any] = {"visible": False}
    yaxis: dict[str, Any] = {"visible": False}
    if ranges is not None:
        xaxis["range"], yaxis["range"] = ranges
    elif rows <= TALL_ROWS:
        yaxis["scaleanchor"] = "x"
    fig.update_layout(
        annotations=[*annotations, *_labels(pos, labels)],
        shapes=list(shapes),
        margin={"l": _MARGIN_X, "r": _MARGIN_X, "b": _MARGIN_B},
        height=height,
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
    selected: int | None = None,
    title: str = "Learned DAG",
    positions: Any = None,
) -> go.Figure:
    """The learned DAG: arrows, |weight| as width, sign as colour, hover text.

    Parameters
    ----------
    adjacency : array-like of shape (d, d)
        ``[i, j]`` != 0 iff i -> j.
    weights : array-like of shape (d, d)
        Edge weights; positive edges blue, negative red.
    names : sequence of str, length d
    selected : int, optional
        Node index to highlight.
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
        shape, or ``positions`` is not of shape (d, 2).
    DataError
        ``names`` does not hold d names, a drawn edge has a missing or infinite
        weight, or ``positions`` has a missing or infinite coordinate.
    """
    owner = "dag_figure"
    a = square_matrix(owner, "adjacency", adjacency) != 0
    w = square_matrix(owner, "weights", weights, numeric=True)
    check_same_shape(owner, ("adjacency", a), ("weights", w))
    items = node_names(owner, names, len(a))
    names = plot_texts(items)
    edges = [tuple(map(int, e)) for e in np.argwhere(a)]
    _check_edge_weights(w, edges)
    pos = (
        dag_layout(a, items)
        if positions is None
        else _positions(owner, positions, len(a))
    )
    fig = go.Figure()
    top = max((abs(w[i, j]) for i, j in edges), default=1.0) or 1.0
    labels, arrows = [], []
    for i, j in edges:
        colour = "#1f77b4" if w[i, j] >= 0 else "#d62728"
        width = 1.0 + 4.0 * abs(w[i, j]) / top
        arrows.append(_arrow(pos[i], pos[j], colour, width, "solid"))
        labels.append(f"{names[i]} → {names[j]}: weight {w[i, j]:+.3f}")
    hover = []
    for k, name in enumerate(names):
        parents = ", ".join(names[i] for i in np.flatnonzero(a[:, k])) or "none"
        children = ", ".join(names[j] for j in np.flatnonzero(a[k])) or "none"
        hover.append(f"<b>{name}</b><br>parents: {parents}<br>children: {children}")
    fig.add_trace(_node_trace(pos, names, hover, selected))
    if edges:
        fig.add_trace(_edge_midpoints(pos, edges, labels, "#1f77b4"))
    annotations, _ = _collect_arrows(arrows)
    return _layout(fig, title, pos, annotations=annotations, names=items)


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

    Missing edges are drawn dotted and fainter.

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
    arrows = []
    for key, edges in status.items():
        dash = "dot" if key == "missing" else "solid"
        arrows += [
            _arrow(pos[i], pos[j], DIFF_COLOURS[key], 2.5, dash) for i, j in edges
        ]
        # legend entry
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=f"{key} ({len(edges)}{DIFF_NOTES[key]})",
                line={
                    "color": DIFF_COLOURS[key],
                    "width": 3,
                    "dash": "dot" if key == "missing" else "solid",
                },
            )
        )
    hover = [f"<b>{n}</b>" for n in names]
    fig.add_trace(_node_trace(pos, names, hover, None))
    annotations, shapes = _collect_arrows(arrows)
    fig = _layout(fig, title, pos, annotations=annotations, shapes=shapes, names=items)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.02})
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
    """
    from plotly.subplots import make_subplots

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
