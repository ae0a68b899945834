"""Weighted feedback arc sets: turn a weighted digraph into a DAG.

:func:`break_cycles` deletes a set of edges of small total weight (a feedback arc
set) so that what remains is acyclic, never deleting an edge listed in ``keep``.
It orders the nodes with the greedy rule of Eades, Lin and Smyth (sinks to the back,
sources to the front, otherwise the node with the largest weighted out-degree minus
in-degree to the front), improves the order by moving single nodes to their cheapest
position, deletes every edge that points backwards in that order, and then puts
back, heaviest first, every deleted edge that closes no cycle. Small graphs
(``d <= exact_max_nodes``) are solved exactly by dynamic programming over node
subsets instead.

:func:`min_fas_brute_force` enumerates every ordering; it exists for tests (d <= 8).

References
----------
Eades, Lin, Smyth. "A fast and effective heuristic for the feedback arc set
problem." Information Processing Letters 47(6), 1993.
"""

from __future__ import annotations

import itertools
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from engine.errors import ConfigError, DataError, GraphError, check_choice

__all__ = [
    "break_cycles",
    "greedy_order",
    "is_dag",
    "min_fas_brute_force",
    "removed_weight",
]

EXACT_MAX_NODES = 12


def is_dag(adjacency: Any) -> bool:
    """Return whether a (d, d) adjacency (non-zero = edge) has no directed cycle.

    Examples
    --------
    >>> is_dag(np.array([[0, 1], [0, 0]]))
    True
    >>> is_dag(np.array([[0, 1], [1, 0]]))
    False
    """
    a = np.asarray(adjacency) != 0
    indeg = a.sum(0).astype(np.int64)
    alive = np.ones(a.shape[0], dtype=bool)
    while True:
        sources = np.flatnonzero(alive & (indeg == 0))
        if sources.size == 0:
            return not alive.any()
        alive[sources] = False
        indeg -= a[sources].sum(0)


def _check_inputs(weights: Any, keep: Any) -> tuple[NDArray[np.float64], NDArray]:
    w = np.array(weights, dtype=np.float64, copy=True)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise DataError(
            f"break_cycles: 'weights' must be a square (d, d) matrix; got shape "
            f"{w.shape}."
        )
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise DataError(
            "break_cycles: 'weights' must be finite and >= 0 (0 = no edge); pass "
            "absolute values or ReLU of the scores."
        )
    np.fill_diagonal(w, 0.0)
    d = w.shape[0]
    k = np.zeros((d, d), dtype=bool) if keep is None else np.asarray(keep) != 0
    if k.shape != (d, d):
        raise DataError(
            f"break_cycles: 'keep' must have shape ({d}, {d}); got {k.shape}."
        )
    if np.diagonal(k).any():
        raise GraphError("break_cycles: 'keep' has a self-loop on the diagonal.")
    if not is_dag(k):
        raise GraphError(
            "break_cycles: the edges in 'keep' (required edges) contain a cycle, so "
            "no DAG can keep them all; remove one edge of the cycle."
        )
    return w, k


def greedy_order(weights: Any, *, keep: Any = None) -> NDArray[np.int64]:
    """Node order of the Eades–Lin–Smyth heuristic, respecting ``keep`` edges.

    Parameters
    ----------
    weights : array-like of shape (d, d)
        Non-negative edge weights, ``weights[i, j] > 0`` iff edge ``i -> j``.
    keep : array-like of bool, shape (d, d), optional
        Edges that must point forward in the order (acyclic).

    Returns
    -------
    ndarray of int, shape (d,)
        Nodes from most upstream to most downstream.

    Notes
    -----
    When no sink or source is left, the node moved to the front is the one with the
    largest weighted out-degree minus in-degree among the nodes whose ``keep``
    parents are all placed already (ties: lowest index), so every ``keep`` edge
    points forward. Cost O(d^3) with dense arrays.
    """
    w, k = _check_inputs(weights, keep)
    return _greedy_order(w, k)


def _greedy_order(w: NDArray[np.float64], k: NDArray[np.bool_]) -> NDArray[np.int64]:
    d = w.shape[0]
    edge = (w > 0) | k
    alive = np.ones(d, dtype=bool)
    front: list[int] = []
    back: list[int] = []
    while alive.any():
        sub = edge & alive[:, None] & alive[None, :]
        outdeg, indeg = sub.sum(1), sub.sum(0)
        sinks = np.flatnonzero(alive & (outdeg == 0))
        if sinks.size:
            back.extend(int(v) for v in sinks[::-1])
            alive[sinks] = False
            continue
        sources = np.flatnonzero(alive & (indeg == 0))
        if sources.size:
            front.extend(int(v) for v in sources)
            alive[sources] = False
            continue
        ww = w * (alive[:, None] & alive[None, :])
        delta = ww.sum(1) - ww.sum(0)
        free = alive & ~(k & alive[:, None]).any(0)
        delta = np.where(free, delta, -np.inf)
        v = int(np.argmax(delta))
        front.append(v)
        alive[v] = False
    return np.array(front + back[::-1], dtype=np.int64)


def _improve_order(
    w: NDArray[np.float64],
    k: NDArray[np.bool_],
    order: NDArray[np.int64],
    max_passes: int = 20,
) -> NDArray[np.int64]:
    """Local search: move single nodes to their cheapest admissible position.

    Each move takes node ``v`` out of the order and re-inserts it where the weight
    of backward edges touching ``v`` is smallest, between its last ``keep`` parent
    and its first ``keep`` child. Passes repeat until no move gains (O(d^2) each).
    """
    seq = [int(v) for v in order]
    for _ in range(max_passes):
        improved = False
        for v in list(seq):
            rest = np.array([u for u in seq if u != v], dtype=np.int64)
            # inserting v before rest[p]: backward = v -> rest[:p] plus rest[p:] -> v
            to_earlier = np.concatenate([[0.0], np.cumsum(w[v, rest])])
            from_later = np.concatenate([np.cumsum(w[rest[::-1], v])[::-1], [0.0]])
            cost = to_earlier + from_later
            parents = np.flatnonzero(k[rest, v])
            children = np.flatnonzero(k[v, rest])
            low = parents.max() + 1 if parents.size else 0
            high = children.min() if children.size else len(rest)
            current = seq.index(v)
            p = low + int(np.argmin(cost[low : high + 1]))
            if cost[p] < cost[current] - 1e-12:
                seq = [*rest[:p].tolist(), v, *rest[p:].tolist()]
                improved = True
        if not improved:
            break
    return np.array(seq, dtype=np.int64)


def _exact_order(w: NDArray[np.float64], k: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Minimum-weight order by dynamic programming over node subsets, O(2^d d^2)."""
    d = w.shape[0]
    n_sets = 1 << d
    members = (np.arange(n_sets)[:, None] >> np.arange(d)[None, :]) & 1  # (2^d, d)
    # cost[S, v] = weight of edges v -> S (backward when v is placed after S)
    cost = members.astype(np.float64) @ w.T
    req_parents = [int(sum(1 << p for p in np.flatnonzero(k[:, v]))) for v in range(d)]
    best = np.full(n_sets, np.inf)
    best[0] = 0.0
    choice = np.full(n_sets, -1, dtype=np.int64)
    for s in range(n_sets):
        if not np.isfinite(best[s]):
            continue
        for v in range(d):
            bit = 1 << v
            if s & bit or (req_parents[v] & s) != req_parents[v]:
                continue
            value = best[s] + cost[s, v]
            if value < best[s | bit] - 1e-12:
                best[s | bit] = value
                choice[s | bit] = v
    order: list[int] = []
    s = n_sets - 1
    while s:
        v = int(choice[s])
        order.append(v)
        s &= ~(1 << v)
    return np.array(order[::-1], dtype=np.int64)


def _forward_edges(
    w: NDArray[np.float64], k: NDArray[np.bool_], order: NDArray[np.int64]
) -> NDArray[np.bool_]:
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    forward = rank[:, None] < rank[None, :]
    return ((w > 0) | k) & forward


def _reinsert(
    w: NDArray[np.float64], kept: NDArray[np.bool_], k: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Put back deleted edges, heaviest first, whenever they close no cycle."""
    out = kept.copy()
    reach = _closure(out)
    deleted = np.argwhere((w > 0) & ~out)
    if deleted.size == 0:
        return out
    ordered = deleted[np.argsort(-w[deleted[:, 0], deleted[:, 1]], kind="stable")]
    for i, j in ordered:
        if i == j or reach[j, i]:
            continue
        out[i, j] = True
        # nodes reaching i (and i) now reach j and everything j reaches
        src = reach[:, i].copy()
        src[i] = True
        dst = reach[j].copy()
        dst[j] = True
        reach |= src[:, None] & dst[None, :]
    return out


def _closure(a: NDArray[np.bool_]) -> NDArray[np.bool_]:
    reach = a.copy()
    for m in range(a.shape[0]):
        reach |= reach[:, m : m + 1] & reach[m : m + 1, :]
    return reach


def break_cycles(
    weights: Any,
    *,
    keep: Any = None,
    method: Literal["auto", "greedy", "exact"] = "auto",
    exact_max_nodes: int = EXACT_MAX_NODES,
) -> NDArray[np.bool_]:
    """Delete a light set of edges so that the weighted digraph becomes a DAG.

    Parameters
    ----------
    weights : array-like of shape (d, d)
        Non-negative weights; ``weights[i, j] > 0`` means an edge ``i -> j``
        (row = parent). The diagonal is ignored.
    keep : array-like of bool, shape (d, d), optional
        Required edges: never deleted (always present in the output, even with
        zero weight). They must be acyclic.
    method : {"auto", "greedy", "exact"}, default="auto"
        ``greedy``: Eades–Lin–Smyth order, improved by moving single nodes to
        their cheapest position, delete backward edges, re-insert those that
        close no cycle (O(d^3)). ``exact``: minimum-weight feedback arc set by
        dynamic programming over subsets (O(2^d d^2), d <= 20). ``auto``: exact
        when ``d <= exact_max_nodes``, else greedy.
    exact_max_nodes : int, default=12
        Size limit for ``auto`` to choose the exact solver.

    Returns
    -------
    ndarray of bool, shape (d, d)
        The acyclic adjacency: a subset of the input edges plus ``keep``.

    Raises
    ------
    DataError
        When ``weights`` is not square, finite and non-negative.
    GraphError
        When the ``keep`` edges contain a cycle.

    Examples
    --------
    >>> w = np.array([[0, 2.0, 0], [0, 0, 3.0], [1.0, 0, 0]])
    >>> break_cycles(w).astype(int).tolist()
    [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    """
    check_choice("break_cycles", "method", method, ("auto", "greedy", "exact"))
    w, k = _check_inputs(weights, keep)
    d = w.shape[0]
    if method == "exact" and d > 20:
        raise ConfigError(
            f"break_cycles: method='exact' supports d <= 20 nodes; got d={d}. Use "
            "method='greedy'."
        )
    if is_dag((w > 0) | k):
        return (w > 0) | k
    use_exact = method == "exact" or (method == "auto" and d <= exact_max_nodes)
    if use_exact:
        order = _exact_order(w, k)
    else:
        order = _improve_order(w, k, _greedy_order(w, k))
    kept = _forward_edges(w, k, order)
    return kept if use_exact else _reinsert(w, kept, k)


def removed_weight(weights: Any, adjacency: Any) -> float:
    """Total weight of the input edges missing from ``adjacency``."""
    w = np.asarray(weights, dtype=np.float64).copy()
    np.fill_diagonal(w, 0.0)
    return float(w[(w > 0) & (np.asarray(adjacency) == 0)].sum())


def min_fas_brute_force(
    weights: Any, *, keep: Any = None
) -> tuple[float, NDArray[np.bool_]]:
    """Exact minimum-weight feedback arc set by enumerating all d! orderings.

    For tests only (d <= 8).

    Parameters
    ----------
    weights : array-like of shape (d, d)
        Non-negative edge weights.
    keep : array-like of bool, shape (d, d), optional
        Edges that must survive.

    Returns
    -------
    weight : float
        Minimum total weight of deleted edges.
    adjacency : ndarray of bool, shape (d, d)
        One optimal DAG.
    """
    w, k = _check_inputs(weights, keep)
    d = w.shape[0]
    if d > 8:
        raise ConfigError(f"min_fas_brute_force: d must be <= 8; got d={d}.")
    best: tuple[float, NDArray[np.bool_]] | None = None
    for perm in itertools.permutations(range(d)):
        order = np.array(perm)
        rank = np.empty(d, dtype=np.int64)
        rank[order] = np.arange(d)
        backward = rank[:, None] > rank[None, :]
        if (k & backward).any():
            continue
        cost = float(w[backward].sum())
        if best is None or cost < best[0] - 1e-12:
            best = (cost, ((w > 0) | k) & ~backward)
    assert best is not None  # keep is acyclic, so some order is admissible
    return best
