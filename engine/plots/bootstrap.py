"""Figures of bootstrap edge confidence (see :mod:`engine.dag.bootstrap`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from engine.errors import DataError, check_range
from engine.plots._checks import check_same_shape, node_names, square_matrix
from engine.plots._text import plot_texts
from engine.plots.dag import (
    _draw_edges,
    _Edge,
    _fit_figure,
    _layout,
    _node_trace,
    _radii,
    dag_layout,
)

__all__ = ["bootstrap_figure"]


def _check_frequencies(freq: np.ndarray) -> None:
    """Refuse edge frequencies outside [0, 1] (or missing)."""
    bad = ~((freq >= 0) & (freq <= 1))
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise DataError(
            f"bootstrap_figure: 'edge_frequency' must hold fractions of fits in "
            f"[0, 1]; {int(bad.sum())} value(s) are not, the first {freq[i, j]} at "
            f"[{i}, {j}]. Pass BootstrapResult.edge_frequency as it is."
        )


def bootstrap_figure(
    edge_frequency: Any,
    consensus: Any,
    names: Sequence[str],
    *,
    threshold: float = 0.5,
    title: str = "Bootstrap edge frequency",
) -> go.Figure:
    """Edges at least ``threshold`` frequent, labelled and shaded by frequency.

    Consensus edges are drawn solid; frequent edges that the consensus dropped
    (the weaker of two opposite edges, or to break a cycle) are dashed.

    Parameters
    ----------
    edge_frequency : array-like of shape (d, d)
        ``[i, j]`` = fraction of fits with the edge i -> j.
    consensus : array-like of bool of shape (d, d)
        The consensus DAG.
    names : sequence of str, length d
    threshold : float, default=0.5
        Smallest frequency drawn.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 holds the nodes with ``customdata`` = node index.

    Raises
    ------
    GraphError
        ``edge_frequency`` or ``consensus`` is not a (d, d) matrix, or they
        differ in shape.
    DataError
        ``names`` does not hold d names, or a frequency is not in [0, 1].
    ConfigError
        ``threshold`` is not in [0, 1].
    """
    owner = "bootstrap_figure"
    freq = square_matrix(owner, "edge_frequency", edge_frequency, numeric=True)
    cons = square_matrix(owner, "consensus", consensus) != 0
    check_same_shape(owner, ("edge_frequency", freq), ("consensus", cons))
    items = node_names(owner, names, len(freq))
    names = plot_texts(items)
    _check_frequencies(freq)
    check_range(owner, "threshold", threshold, low=0.0, high=1.0)
    pos = dag_layout(cons, items)
    fig = go.Figure()
    fit = _fit_figure(fig, title, pos, items)
    edges = [tuple(map(int, e)) for e in np.argwhere((freq >= threshold) | cons)]
    styles = [
        _Edge(
            f"rgba(31, 119, 180, {0.25 + 0.75 * freq[i, j]:.2f})",
            1.0 + 3.0 * float(freq[i, j]),
            "solid" if cons[i, j] else "dash",
        )
        for i, j in edges
    ]
    # routed as the DAG drawings are: two opposite frequent edges do not share a
    # line, and each frequency sits on its own edge's middle
    annotations, shapes, mids, extent = _draw_edges(
        pos, edges, styles, fit, _radii(len(freq))
    )
    labels = [
        {
            "x": float(x),
            "y": float(y),
            "text": f"{freq[i, j]:.2f}",
            "showarrow": False,
            "font": {"size": 11, "color": "#333"},
            "bgcolor": "rgba(255, 255, 255, 0.8)",
        }
        for (i, j), (x, y) in zip(edges, mids, strict=True)
    ]
    hover = [f"<b>{n}</b>" for n in names]
    fig.add_trace(_node_trace(pos, names, hover, None))
    return _layout(
        fig,
        title,
        pos,
        annotations=annotations + labels,
        shapes=shapes,
        names=items,
        fit=fit,
        extent=extent,
    )
