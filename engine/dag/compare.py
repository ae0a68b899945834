"""Compare two learned graphs: shared edges, edges of one run only, metrics of each.

Used by the Causal discovery page to put two runs side by side (two methods, or one
method with two seeds) and by notebook users for the same question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from engine.dag.metrics import (
    REPORTED_METRICS,
    _aligned,
    _as_graph,
    compare_graphs,
)
from engine.errors import DataError

__all__ = ["compare_runs"]


def _status(a: bool, b: bool, reversed_in_other: bool) -> str:
    if a and b:
        return "both"
    if reversed_in_other:
        return "A only (reversed in B)" if a else "B only (reversed in A)"
    return "A only" if a else "B only"


def _by_names(graph: Any, name: str, node_names: Sequence[str]) -> NDArray:
    """``graph`` as an array over ``node_names``: a DataFrame aligned by its
    labels (which must be those names), anything else as it is."""
    values, labels = _as_graph(graph, name, "compare_runs")
    if labels is None:
        return np.asarray(values)
    target = list(node_names)
    return _aligned(values, labels, target, "compare_runs", ("node_names", name))


def compare_runs(
    adjacency_a: Any,
    adjacency_b: Any,
    node_names: Sequence[str],
    *,
    truth: Any = None,
    labels: tuple[str, str] = ("A", "B"),
) -> dict[str, pd.DataFrame]:
    """Edges found by both runs, by one only, and each run's metrics.

    Parameters
    ----------
    adjacency_a, adjacency_b : array-like of shape (d, d)
        The two graphs (non-zero = edge, row = parent). A DataFrame is read by
        its labels, which must be ``node_names`` (in any order); an array is
        read in the order of ``node_names``.
    node_names : sequence of str, length d
        Node names.
    truth : array-like of shape (d, d), optional
        True graph (a DataFrame read by its labels, as above); adds an
        ``in truth`` column and a metrics table.
    labels : (str, str), default=("A", "B")
        Names of the two runs in the metrics table.

    Returns
    -------
    dict
        ``edges``: DataFrame with columns ``source``, ``target``, ``found by``
        (``both``, ``A only``, ``B only``, or ``A only (reversed in B)`` ...) and,
        with ``truth``, ``in truth`` (bool); sorted by status then names.
        ``summary``: DataFrame with one row per status and its count.
        ``metrics``: DataFrame indexed by metric (the keys of
        :data:`engine.dag.metrics.REPORTED_METRICS`, in that order; what each
        counts: :data:`engine.dag.metrics.METRIC_CONVENTIONS`) with one column
        per run (empty without ``truth``).

    Examples
    --------
    >>> a = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    >>> b = np.array([[0, 1, 0], [0, 0, 0], [0, 1, 0]])
    >>> compare_runs(a, b, ["x", "y", "z"])["edges"]["found by"].tolist()
    ['A only (reversed in B)', 'B only (reversed in A)', 'both']
    """
    a = _by_names(adjacency_a, "adjacency_a", node_names) != 0
    b = _by_names(adjacency_b, "adjacency_b", node_names) != 0
    d = len(node_names)
    if a.shape != (d, d) or b.shape != (d, d):
        raise DataError(
            f"compare_runs: both graphs must have shape ({d}, {d}) to match "
            f"{d} node names; got {a.shape} and {b.shape}."
        )
    t = None if truth is None else _by_names(truth, "truth", node_names) != 0
    rows = []
    for i, j in np.argwhere(a | b):
        row = {
            "source": str(node_names[i]),
            "target": str(node_names[j]),
            "found by": _status(
                bool(a[i, j]), bool(b[i, j]), bool((b if a[i, j] else a)[j, i])
            ),
        }
        if t is not None:
            row["in truth"] = bool(t[i, j])
        rows.append(row)
    columns = ["source", "target", "found by"] + ([] if t is None else ["in truth"])
    edges = pd.DataFrame(rows, columns=columns)
    edges = edges.sort_values(["found by", "source", "target"], ignore_index=True)
    summary = edges.groupby("found by").size().rename("edges").reset_index()
    metrics = pd.DataFrame()
    if t is not None:
        ma, mb = compare_graphs(t, a), compare_graphs(t, b)
        keys = list(REPORTED_METRICS)
        metrics = pd.DataFrame(
            {labels[0]: [ma[k] for k in keys], labels[1]: [mb[k] for k in keys]},
            index=pd.Index(keys, name="metric"),
        )
    return {"edges": edges, "summary": summary, "metrics": metrics}
