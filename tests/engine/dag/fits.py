"""Shared checks on fitted DAGs for the tests of engine.dag."""

from __future__ import annotations

import numpy as np


def total_rss(X: np.ndarray, adjacency: np.ndarray) -> float:
    """Sum over columns of the least-squares residual variance on the parents.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_nodes)
    adjacency : ndarray of shape (n_nodes, n_nodes), bool

    Returns
    -------
    float
    """
    Xc = X - X.mean(0)
    total = 0.0
    for c in range(X.shape[1]):
        pa = np.flatnonzero(adjacency[:, c])
        r = Xc[:, c]
        if len(pa):
            r = r - Xc[:, pa] @ np.linalg.lstsq(Xc[:, pa], r, rcond=None)[0]
        total += float(r @ r) / len(r)
    return total


def graph_of(edges: list[tuple[int, int]], d: int) -> np.ndarray:
    """The (d, d) boolean adjacency of ``edges`` (pairs i -> j)."""
    a = np.zeros((d, d), dtype=bool)
    for i, j in edges:
        a[i, j] = True
    return a
