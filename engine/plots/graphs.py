"""Figures for LDS results: the learned graph, edge probabilities, training curves."""

from __future__ import annotations

from itertools import pairwise
from typing import Any, Literal

import numpy as np

from engine.errors import DataError, GraphError, check_choice
from engine.graphs.config import METHOD_LABELS
from engine.graphs.result import GraphResult
from engine.names import name_position
from engine.plots._checks import check_count, check_result
from engine.plots._layout import set_title
from engine.plots._text import plot_text, plot_texts

__all__ = [
    "accuracy_figure",
    "edge_histogram_figure",
    "graph_layout",
    "learned_graph_figure",
    "training_curves_figure",
]

WEBGL_ABOVE = 1000
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
SPLIT_LABELS = {0: "train", 1: "val", 2: "es", 3: "test", -1: "unlabelled"}


# room above a plot area for a legend or subplot titles drawn there (px)
_LEGEND_PX = 24


def graph_layout(
    n_nodes: int, edges: np.ndarray, weights: np.ndarray, seed: int = 0
) -> np.ndarray:
    """Spring layout of the given edges, shape (n_nodes, 2) (deterministic).

    Parameters
    ----------
    n_nodes : int
    edges : ndarray of shape (n_edges, 2), int
    weights : ndarray of shape (n_edges,)
    seed : int, default=0

    Raises
    ------
    GraphError
        ``edges`` is not (n_edges, 2), names a node outside ``0 .. n_nodes - 1``,
        or ``weights`` does not hold one weight per edge.
    """
    import networkx as nx

    check_count("graph_layout", "n_nodes", n_nodes, low=0)
    edges, weights = _check_edges(n_nodes, edges, weights)

    graph = nx.Graph()
    graph.add_nodes_from(range(n_nodes))
    for (i, j), w in zip(edges.tolist(), weights.tolist(), strict=True):
        graph.add_edge(i, j, weight=float(w))
    iterations = 50 if n_nodes <= 1000 else 30
    pos = nx.spring_layout(graph, seed=seed, iterations=iterations, weight="weight")
    return np.array([pos[i] for i in range(n_nodes)], dtype=np.float64)


def _check_edges(
    n_nodes: int, edges: Any, weights: Any
) -> tuple[np.ndarray, np.ndarray]:
    """``edges`` (E, 2) of nodes in ``0 .. n_nodes - 1`` and ``weights`` (E,)."""
    edges, weights = np.asarray(edges), np.asarray(weights)
    if edges.size and (edges.ndim != 2 or edges.shape[1] != 2):
        raise GraphError(
            f"graph_layout: 'edges' must be an (n_edges, 2) array of node pairs; "
            f"got shape {edges.shape}."
        )
    edges = edges.reshape(-1, 2)
    if weights.shape != (len(edges),):
        raise GraphError(
            f"graph_layout: 'weights' must hold one weight per edge ({len(edges)}); "
            f"got shape {weights.shape}."
        )
    outside = (edges < 0) | (edges >= n_nodes)
    if outside.any():
        raise GraphError(
            f"graph_layout: 'edges' names node {int(edges[outside][0])}, outside "
            f"0 .. {n_nodes - 1} (n_nodes={n_nodes})."
        )
    return edges, weights


def learned_graph_figure(
    result: GraphResult,
    *,
    n_edges: int | None = None,
    color_by: Literal["class", "correctness"] = "class",
    positions: np.ndarray | None = None,
    selected: str | int | None = None,
) -> Any:
    """The strongest learned edges with nodes coloured by class or by correctness.

    Parameters
    ----------
    result : GraphResult
    n_edges : int, optional
        Edges drawn, strongest first; default ``3 · n_nodes``.
    color_by : {"class", "correctness"}, default="class"
        Colour by true class (predicted class for unlabelled nodes) or by whether
        the prediction is right; wrong predictions are drawn as crosses either way.
    positions : ndarray of shape (n_nodes, 2), optional
        Node positions; default a spring layout of the drawn edges.
    selected : str or int, optional
        The node to highlight: one of ``result.node_names``, or a position when
        no name is a number (the rule of :mod:`engine.names`, as
        :func:`dag_figure` takes a node). With rows named ``10, 20, 30``,
        ``selected=20`` is the row named 20; the node at position ``p`` is
        ``result.node_names[p]``.

    Returns
    -------
    plotly.graph_objects.Figure
        WebGL traces (``scattergl``) above 1000 nodes.

    Raises
    ------
    ConfigError
        ``n_edges`` is negative or not an integer, or ``color_by`` unknown.
    DataError
        ``positions`` is not of shape (n_nodes, 2).
    GraphError
        ``selected`` names no node (or is an integer that is no name while some
        name is a number).
    """
    import plotly.graph_objects as go

    check_result("learned_graph_figure", result, GraphResult)

    owner = "learned_graph_figure"
    check_count(owner, "n_edges", n_edges, low=0, optional=True)
    check_choice(owner, "color_by", color_by, ("class", "correctness"))
    n = result.n_nodes
    if positions is not None and np.shape(positions) != (n, 2):
        raise DataError(
            f"{owner}: 'positions' must hold one (x, y) row per node, shape "
            f"({n}, 2); got shape {np.shape(positions)}. Leave it None for a "
            "spring layout."
        )
    if selected is not None:
        selected = name_position(
            selected,
            list(result.node_names),
            owner=owner,
            what="node",
            field="result.node_names",
            error=GraphError,
        )
    k = min(len(result.edges), 3 * n if n_edges is None else n_edges)
    edges, probs = result.edges[:k], result.edge_probabilities[:k]
    pos = graph_layout(n, edges, probs, result.seed) if positions is None else positions
    scatter = go.Scattergl if n > WEBGL_ABOVE else go.Scatter
    fig = go.Figure()
    fig.add_trace(_edge_trace(scatter, pos, edges, probs))
    for trace in _node_traces(scatter, result, pos, color_by):
        fig.add_trace(trace)
    if selected is not None:
        fig.add_trace(
            scatter(
                x=[pos[selected, 0]],
                y=[pos[selected, 1]],
                mode="markers",
                marker={
                    "size": 18,
                    "color": "rgba(0,0,0,0)",
                    "line": {"width": 3, "color": "black"},
                },
                name=f"selected: {plot_text(result.node_names[selected])}",
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        height=600,
        margin={"l": 10, "r": 10, "b": 10},
        legend={"itemsizing": "constant"},
    )
    return set_title(fig, f"Learned graph: {k} strongest edges of {n} nodes")


def _edge_trace(scatter: Any, pos: np.ndarray, edges: np.ndarray, probs: np.ndarray):
    xs = np.full(3 * len(edges), np.nan)
    ys = np.full(3 * len(edges), np.nan)
    xs[0::3], xs[1::3] = pos[edges[:, 0], 0], pos[edges[:, 1], 0]
    ys[0::3], ys[1::3] = pos[edges[:, 0], 1], pos[edges[:, 1], 1]
    mean_p = float(probs.mean()) if len(probs) else 0.0
    return scatter(
        x=xs,
        y=ys,
        mode="lines",
        hoverinfo="skip",
        line={"width": 0.6, "color": f"rgba(120,120,120,{0.15 + 0.35 * mean_p:.2f})"},
        name=f"edges (mean probability {mean_p:.2f})",
    )


def _node_traces(scatter: Any, result: GraphResult, pos: np.ndarray, color_by: str):
    labels, pred = result.labels, result.predictions
    shown = np.where(labels >= 0, labels, pred)
    correct = labels == pred
    nodes, classes = plot_texts(result.node_names), plot_texts(result.classes)
    hover = [
        f"{nodes[i]}<br>split: {SPLIT_LABELS[int(result.split[i])]}"
        f"<br>label: {classes[labels[i]] if labels[i] >= 0 else '?'}"
        f"<br>predicted: {classes[pred[i]]} "
        f"({result.probabilities[i].max():.2f})"
        for i in range(result.n_nodes)
    ]
    hover = np.asarray(hover, dtype=object)
    groups = []
    if color_by == "correctness":
        known = labels >= 0
        groups.append((known & correct, "correct", "#2ca02c", "circle"))
        groups.append((known & ~correct, "wrong", "#d62728", "x"))
        groups.append((~known, "unlabelled", "#7f7f7f", "circle-open"))
    else:
        for c, name in enumerate(classes):
            color = PALETTE[c % len(PALETTE)]
            groups.append(
                ((shown == c) & (correct | (labels < 0)), name, color, "circle")
            )
            groups.append(
                (
                    (shown == c) & ~correct & (labels >= 0),
                    f"{name} (misclassified)",
                    color,
                    "x",
                )
            )
    for mask, name, color, symbol in groups:
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            continue
        yield scatter(
            x=pos[idx, 0],
            y=pos[idx, 1],
            mode="markers",
            name=name,
            marker={
                "size": 7 if result.n_nodes <= WEBGL_ABOVE else 5,
                "color": color,
                "symbol": symbol,
                "line": {"width": 0.5, "color": "white"},
            },
            text=hover[idx],
            hoverinfo="text",
            customdata=idx,
        )


def edge_histogram_figure(result: GraphResult, *, bins: int = 40) -> Any:
    """Histogram of the kept edge probabilities, initial-graph edges vs new ones.

    Every kept edge is counted once: the bins split [0, 1] into ``bins`` equal
    intervals, each closed on the left, and the last one is closed on both sides
    so that θ = 1 is counted (a plotly histogram leaves its ``end`` out).

    Parameters
    ----------
    result : GraphResult
        Its ``edges`` (n_edges, 2) and ``edge_probabilities`` (n_edges,).
    bins : int, default=40

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per group (initial-graph edges, new edges) that has an
        edge; each bar's ``y`` is its count, shape (bins,), so the counts of all
        traces add up to ``n_edges``.

    Raises
    ------
    ConfigError
        ``bins`` is not a positive integer.
    """
    import plotly.graph_objects as go

    check_result("edge_histogram_figure", result, GraphResult)

    check_count("edge_histogram_figure", "bins", bins)

    initial = {tuple(e) for e in result.initial_edges.tolist()}
    is_init = np.array([tuple(e) in initial for e in result.edges.tolist()], bool)
    bounds = np.linspace(0.0, 1.0, bins + 1)
    fig = go.Figure()
    for mask, name in ((is_init, "initial graph"), (~is_init, "new")):
        if mask.any():
            fig.add_trace(
                _histogram_bars(result.edge_probabilities[mask], bounds, name)
            )
    fig.update_layout(
        barmode="overlay",
        bargap=0.0,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        xaxis_title="probability",
        xaxis_range=[-0.02, 1.02],
        yaxis_title="edges",
        height=370,
    )
    return set_title(fig, "Edge probabilities θ", above_px=_LEGEND_PX)


def _histogram_bars(values: np.ndarray, bounds: np.ndarray, name: str) -> Any:
    """Bars of the counts of ``values`` (n,) between ``bounds`` (bins + 1,).

    ``np.histogram`` closes the last bin on the right, so 1.0 is counted.
    """
    import plotly.graph_objects as go

    counts, _ = np.histogram(np.clip(values, bounds[0], bounds[-1]), bins=bounds)
    last = len(counts) - 1
    spans = [
        f"[{lo:.3g}, {hi:.3g}{']' if i == last else ')'}"
        for i, (lo, hi) in enumerate(pairwise(bounds))
    ]
    return go.Bar(
        x=(bounds[:-1] + bounds[1:]) / 2,
        y=counts,
        width=np.diff(bounds),
        name=name,
        opacity=0.75,
        customdata=spans,
        hovertemplate="θ in %{customdata}: %{y} edges<extra>" + name + "</extra>",
    )


def training_curves_figure(result: GraphResult) -> Any:
    """Per outer iteration: accuracies, expected edges, same/different-class θ.

    Three panels side by side with one-or-two-word titles and the legend under
    them, so that the titles do not run into each other in a narrow window.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    check_result("training_curves_figure", result, GraphResult)

    h = result.history
    x = h.get("outer_iter", np.arange(result.n_outer_iter))
    fig = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=("accuracy", "Σ θ", "mean θ"),
        horizontal_spacing=0.1,
    )
    fig.add_trace(go.Scatter(x=x, y=h["es_accuracy"], name="early-stopping acc."), 1, 1)
    fig.add_trace(
        go.Scatter(x=x, y=h["val_accuracy"], name="outer-objective acc."), 1, 1
    )
    fig.add_trace(
        go.Scatter(x=x, y=h["expected_edges"], name="Σ θ (expected edges)"), 1, 2
    )
    fig.add_trace(go.Scatter(x=x, y=h["same_class_prob"], name="θ, same class"), 1, 3)
    fig.add_trace(
        go.Scatter(x=x, y=h["diff_class_prob"], name="θ, different class"), 1, 3
    )
    fig.add_vline(x=result.best_iter, line_dash="dot", line_color="gray")
    fig.update_xaxes(title_text="outer iteration")
    fig.update_layout(
        height=440,
        legend={"orientation": "h", "yanchor": "top", "y": -0.3, "x": 0},
        margin={"b": 110},
    )
    title = "Training curves (dotted: selected state)"
    return set_title(fig, title, above_px=_LEGEND_PX)


def accuracy_figure(result: GraphResult) -> Any:
    """Bar chart of test accuracy: LDS against the baselines fitted with it.

    Methods carry the names of :data:`engine.graphs.METHOD_LABELS`, as in the
    app's accuracy table.
    """
    import plotly.graph_objects as go

    check_result("accuracy_figure", result, GraphResult)

    names = [METHOD_LABELS.get(m, m) for m in ("lds", *result.baselines)]
    values = [result.test_accuracy] + [
        v["test_accuracy"] for v in result.baselines.values()
    ]
    fig = go.Figure(
        go.Bar(
            x=names, y=values, text=[f"{v:.3f}" for v in values], textposition="auto"
        )
    )
    fig.update_layout(title="Test accuracy", yaxis_range=[0, 1], height=350)
    return fig
