"""Edges whose direction a linear least-squares score does not determine.

An edge ``i -> j`` of a DAG is *covered* when ``pa(j) = pa(i) + {i}``. Reversing a
covered edge gives a Markov-equivalent DAG with the same number of edges
(Chickering 1995), and only the residual variances of ``i`` and ``j`` change:

    before:  RSS(i | P) + RSS(j | P + {i})
    after:   RSS(j | P) + RSS(i | P + {j})

with ``P = pa(i)`` and ``RSS(c | A)`` the least-squares residual variance of
column ``c`` on the columns ``A``. The permutahedron learner's linear scores
(``nll_ev`` and ``sq``) depend on the data only through the total residual
variance, so when the two sums agree, both directions score the same. This is
common on standardised data: for a root ``i`` (``P`` empty) both sums are
``1 + (1 - r^2)``, whatever the correlation ``r``; scaling removes the variance
differences that the equal-variance score orients edges by. The learner then
returns one of several equally good DAGs, chosen by the order of floating-point
rounding, so its direction of these edges is not evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "open_directions",
    "residual_variance",
    "tie_class",
    "tied_reversals",
    "undetermined_edges",
]

MAX_TIED_GRAPHS = 256
"""Graphs :func:`tie_class` collects at most (the class can grow exponentially)."""

TIE_RTOL = 1e-9
"""Two totals of residual variance closer than this, relative to the graph's
total, count as equal (floating-point noise is ~1e-15)."""


def residual_variance(
    S: NDArray[np.float64],
    c: int,
    given: Sequence[int],
    *,
    ridge: float | NDArray[np.float64] = 0.0,
) -> float:
    """Least-squares residual variance of column ``c`` on the columns ``given``.

    Parameters
    ----------
    S : ndarray of shape (d, d)
        Covariance matrix of centred data.
    c : int
        The column regressed.
    given : sequence of int
        The regressors (none: the variance of ``c``).
    ridge : float or ndarray of shape (d,), default=0.0
        Added to the diagonal of the regressors' block before solving: one value
        for every regressor, or one per column of ``S`` (e.g.
        :func:`engine.dag.edge_models.ridges`); 0 solves by least squares
        (collinear regressors allowed).

    Returns
    -------
    float
    """
    given = list(given)
    if not given:
        return float(S[c, c])
    block = S[np.ix_(given, given)]
    r = np.broadcast_to(np.asarray(ridge, dtype=np.float64), (len(S),))[given]
    if (r > 0).any():
        coef = np.linalg.solve(block + np.diag(r), S[given, c])
    else:
        coef = np.linalg.lstsq(block, S[given, c], rcond=None)[0]
    return float(S[c, c] - S[c, given] @ coef)


def _covariance(X: NDArray[np.float64]) -> NDArray[np.float64]:
    """The (d, d) covariance of the columns of ``X`` (centred here)."""
    Xc = X - X.mean(0)
    return Xc.T @ Xc / len(Xc)


def tied_reversals(
    X: NDArray[np.float64],
    adjacency: NDArray[np.bool_],
    *,
    rtol: float = TIE_RTOL,
) -> list[tuple[int, int]]:
    """The covered edges whose reversal leaves the linear score unchanged.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The data the graph was learned on (centred here).
    adjacency : ndarray of bool, shape (d, d)
        A DAG, ``[i, j]`` iff ``i -> j``.
    rtol : float, default=1e-9
        Tolerance on the change of the total residual variance, relative to
        the graph's total.

    Returns
    -------
    list of (int, int)
        The edges ``(i, j)`` of ``adjacency`` (row-major order) that are
        covered and whose reversal changes the total residual variance by at
        most ``rtol`` times the total.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=500)
    >>> b = 0.8 * a + rng.normal(size=500)
    >>> X = np.column_stack([a, b])
    >>> A = np.array([[False, True], [False, False]])
    >>> tied_reversals(X, A)  # raw data: the variances differ
    []
    >>> tied_reversals(X / X.std(0), A)  # standardised: either way round
    [(0, 1)]
    """
    return _tied(_covariance(X), np.asarray(adjacency, dtype=bool), rtol)


def _tied(
    S: NDArray[np.float64], adjacency: NDArray[np.bool_], rtol: float
) -> list[tuple[int, int]]:
    """:func:`tied_reversals` from the covariance ``S``."""
    d = S.shape[0]
    parents = [list(np.flatnonzero(adjacency[:, c])) for c in range(d)]
    total = sum(residual_variance(S, c, parents[c]) for c in range(d))
    tied = []
    for i, j in zip(*np.nonzero(adjacency), strict=True):
        i, j = int(i), int(j)
        if sorted(parents[j]) != sorted(parents[i] + [i]):
            continue  # not covered: reversing it alone changes the equivalence class
        before = residual_variance(S, i, parents[i]) + residual_variance(
            S, j, parents[j]
        )
        after = residual_variance(S, j, parents[i]) + residual_variance(
            S, i, parents[i] + [j]
        )
        if abs(before - after) <= rtol * max(total, np.finfo(float).tiny):
            tied.append((i, j))
    return tied


def tie_class(
    X: NDArray[np.float64],
    adjacency: NDArray[np.bool_],
    *,
    allowed: Callable[[NDArray[np.bool_]], bool] | None = None,
    within: Sequence[int] | None = None,
    max_graphs: int = MAX_TIED_GRAPHS,
    rtol: float = TIE_RTOL,
) -> tuple[list[NDArray[np.bool_]], bool]:
    """Every DAG reached from ``adjacency`` by tied reversals of covered edges.

    One reversal can make another edge covered and tied (on standardised data
    a tree-shaped part without colliders fits equally well with any node as
    its root), so the search is repeated from each graph found, breadth first.
    All the graphs are Markov equivalent to ``adjacency``, with its edge count
    and the same total residual variance: a linear least-squares score cannot
    prefer any of them.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The data the graph was learned on.
    adjacency : ndarray of bool, shape (d, d)
        A DAG.
    allowed : callable, optional
        ``allowed(graph) -> bool``; graphs it refuses (e.g. against prior
        knowledge: ``PriorKnowledge.check``) are neither kept nor searched from.
    within : sequence of int, optional
        Reverse only edges between these nodes (one connected component, as
        :func:`open_directions` searches).
    max_graphs : int, default=256
        Stop after this many graphs.
    rtol : float, default=1e-9
        As in :func:`tied_reversals`.

    Returns
    -------
    graphs : list of ndarray of bool, shape (d, d)
        ``adjacency`` first, then the others in the order found.
    complete : bool
        False when the search stopped at ``max_graphs``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=1000)
    >>> X = np.column_stack([a, a + rng.normal(size=1000), a - rng.normal(size=1000)])
    >>> Z = (X - X.mean(0)) / X.std(0)
    >>> star = np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]], dtype=bool)
    >>> graphs, complete = tie_class(Z, star)  # a root at a, b or c
    >>> len(graphs), complete
    (3, True)
    """
    return _tie_class(_covariance(X), adjacency, allowed, within, max_graphs, rtol)


def _tie_class(
    S: NDArray[np.float64],
    adjacency: NDArray[np.bool_],
    allowed: Callable[[NDArray[np.bool_]], bool] | None,
    within: Sequence[int] | None,
    max_graphs: int,
    rtol: float,
) -> tuple[list[NDArray[np.bool_]], bool]:
    """:func:`tie_class` from the covariance ``S``."""
    start = np.asarray(adjacency, dtype=bool)
    inside = None if within is None else set(within)
    seen = {start.tobytes(): start}
    queue = [start]
    while queue:
        g = queue.pop(0)
        for i, j in _tied(S, g, rtol):
            if inside is not None and not {i, j} <= inside:
                continue
            h = g.copy()
            h[i, j], h[j, i] = False, True
            if h.tobytes() in seen or (allowed is not None and not allowed(h)):
                continue
            if len(seen) >= max_graphs:
                return list(seen.values()), False
            seen[h.tobytes()] = h
            queue.append(h)
    return list(seen.values()), True


def undetermined_edges(graphs: list[NDArray[np.bool_]]) -> list[tuple[int, int]]:
    """The edges of ``graphs[0]`` that point the other way in another graph.

    Parameters
    ----------
    graphs : list of ndarray of bool, shape (d, d)
        Graphs over one skeleton, e.g. from :func:`tie_class`.

    Returns
    -------
    list of (int, int)
        Edges ``(i, j)`` of ``graphs[0]`` (row-major order) with ``j -> i`` in
        some graph of the list.
    """
    first = np.asarray(graphs[0], dtype=bool)
    reversed_somewhere = np.zeros_like(first)
    for g in graphs[1:]:
        reversed_somewhere |= np.asarray(g, dtype=bool).T
    src, dst = np.nonzero(first & reversed_somewhere)
    return [(int(i), int(j)) for i, j in zip(src, dst, strict=True)]


def open_directions(
    X: NDArray[np.float64],
    adjacency: NDArray[np.bool_],
    *,
    allowed: Callable[[NDArray[np.bool_]], bool] | None = None,
    max_graphs: int = MAX_TIED_GRAPHS,
    rtol: float = TIE_RTOL,
) -> tuple[list[tuple[int, int]], int, bool]:
    """The edges whose direction the score leaves open, and how many graphs tie.

    The connected components of the skeleton are searched apart with
    :func:`tie_class`: a reversal in one component changes no parent set in
    another, so the equally good graphs are every combination of the
    components' own, and one large component does not use up the search of
    the others.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The data the graph was learned on.
    adjacency : ndarray of bool, shape (d, d)
        A DAG.
    allowed : callable, optional
        As in :func:`tie_class` (checked on the whole graph).
    max_graphs : int, default=256
        Graphs searched at most per component.
    rtol : float, default=1e-9
        As in :func:`tied_reversals`.

    Returns
    -------
    edges : list of (int, int)
        Edges of ``adjacency`` that point the other way in an equally good
        graph (row-major order); a lower bound when ``complete`` is False.
    n_graphs : int
        Equally good graphs, ``adjacency`` included (the product over the
        components); a lower bound when ``complete`` is False.
    complete : bool
        False when some component's search stopped at ``max_graphs``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a, c, e, f = rng.normal(size=(4, 1000))
    >>> X = np.column_stack([a, a + e, c, c + f])
    >>> Z = (X - X.mean(0)) / X.std(0)
    >>> pairs = np.zeros((4, 4), dtype=bool)
    >>> pairs[0, 1] = pairs[2, 3] = True  # a -> b and c -> d: 2 x 2 graphs
    >>> open_directions(Z, pairs)
    ([(0, 1), (2, 3)], 4, True)
    """
    from scipy.sparse.csgraph import connected_components

    A = np.asarray(adjacency, dtype=bool)
    S = _covariance(X)
    _, label = connected_components(A | A.T, directed=False)
    edges: set[tuple[int, int]] = set()
    n_graphs, complete = 1, True
    for comp in np.unique(label):
        nodes = np.flatnonzero(label == comp)
        if len(nodes) < 2:
            continue
        graphs, done = _tie_class(S, A, allowed, nodes.tolist(), max_graphs, rtol)
        edges.update(undetermined_edges(graphs))
        n_graphs *= len(graphs)
        complete = complete and done
    return sorted(edges), n_graphs, complete
