"""Random DAGs and structural equation models with known graphs.

Graphs: Erdős–Rényi (``"ER"``, expected ``edges_per_node * d`` edges) and
scale-free (``"SF"``, preferential attachment). SEMs: linear with Gaussian equal or
unequal noise variances, exponential, Gumbel or uniform noise; and a non-linear
MLP SEM. Weights are drawn from ``U(+-[0.5, 2])`` as in NOTEARS-style protocols;
such raw data are usually *varsortable* (variance grows along the causal order),
which :func:`varsortability` measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from engine.errors import check_choice, check_range
from engine.runtime import resolve_seed

__all__ = ["SimulatedData", "simulate_dag", "simulate_sem", "varsortability"]

NOISES = ("gaussian_ev", "gaussian_nv", "exponential", "gumbel", "uniform")


@dataclass(frozen=True)
class SimulatedData:
    """A simulated data set.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_nodes)
        Samples (standardised per column when ``standardize=True``).
    adjacency : ndarray of bool, shape (n_nodes, n_nodes)
        True graph, ``[i, j]`` iff i -> j.
    weights : ndarray of shape (n_nodes, n_nodes)
        Linear coefficients (for ``"mlp"``: the random edge scales of the inputs).
    node_names : tuple of str
    seed : int
    """

    X: NDArray[np.float64]
    adjacency: NDArray[np.bool_]
    weights: NDArray[np.float64]
    node_names: tuple[str, ...]
    seed: int


def simulate_dag(
    n_nodes: int,
    edges_per_node: float = 2.0,
    graph: Literal["ER", "SF"] = "ER",
    *,
    seed: int | None = None,
) -> NDArray[np.bool_]:
    """Draw a random DAG with nodes in random order.

    Parameters
    ----------
    n_nodes : int
    edges_per_node : float, default=2.0
        Expected number of edges divided by ``n_nodes``.
    graph : {"ER", "SF"}, default="ER"
    seed : int, optional

    Returns
    -------
    ndarray of bool, shape (n_nodes, n_nodes)
    """
    check_choice("simulate_dag", "graph", graph, ("ER", "SF"))
    check_range("simulate_dag", "n_nodes", n_nodes, low=2)
    check_range("simulate_dag", "edges_per_node", edges_per_node, low=0.0)
    rng = np.random.default_rng(resolve_seed(seed))
    d = int(n_nodes)
    lower = np.zeros((d, d), dtype=bool)  # lower[i, j], j < i: edge j -> i
    if graph == "ER":
        p = min(1.0, 2.0 * edges_per_node / max(d - 1, 1))
        lower = np.tril(rng.random((d, d)) < p, k=-1)
    else:
        m = max(1, round(edges_per_node))
        degree = np.zeros(d)
        for i in range(1, d):
            weights = degree[:i] + 1.0
            k = min(m, i)
            parents = rng.choice(i, size=k, replace=False, p=weights / weights.sum())
            lower[i, parents] = True
            degree[parents] += 1
            degree[i] += k
    perm = rng.permutation(d)
    a = lower.T  # a[j, i]: j -> i with j < i
    return a[np.ix_(perm, perm)].copy()


def _topological(a: NDArray[np.bool_]) -> list[int]:
    indeg = a.sum(0).astype(int)
    order, stack = [], list(np.flatnonzero(indeg == 0))
    while stack:
        i = stack.pop()
        order.append(int(i))
        for j in np.flatnonzero(a[i]):
            indeg[j] -= 1
            if indeg[j] == 0:
                stack.append(j)
    return order


def _noise(rng: np.random.Generator, noise: str, n: int, d: int) -> NDArray:
    if noise == "gaussian_ev":
        return rng.normal(size=(n, d))
    if noise == "gaussian_nv":
        return rng.normal(size=(n, d)) * rng.uniform(0.5, 2.0, size=d)
    if noise == "exponential":
        return rng.exponential(size=(n, d)) - 1.0
    if noise == "gumbel":
        return rng.gumbel(size=(n, d)) - np.euler_gamma
    return rng.uniform(-np.sqrt(3), np.sqrt(3), size=(n, d))


def simulate_sem(
    n_nodes: int,
    n_samples: int,
    *,
    edges_per_node: float = 2.0,
    graph: Literal["ER", "SF"] = "ER",
    noise: str = "gaussian_ev",
    sem: Literal["linear", "mlp"] = "linear",
    standardize: bool = False,
    seed: int | None = None,
) -> SimulatedData:
    """Simulate data from a random DAG.

    Parameters
    ----------
    n_nodes, n_samples : int
    edges_per_node : float, default=2.0
    graph : {"ER", "SF"}, default="ER"
    noise : {"gaussian_ev", "gaussian_nv", "exponential", "gumbel", "uniform"}
        Noise law, centred; ``gaussian_ev`` has unit variance for every node,
        ``gaussian_nv`` a scale drawn from U(0.5, 2) per node; ``exponential``
        and ``uniform`` have unit variance, ``gumbel`` scale 1 (variance
        pi^2 / 6, as in NOTEARS-style simulators).
    sem : {"linear", "mlp"}, default="linear"
        ``mlp``: ``x_j = sum_h v_h sigmoid(sum_i W1[i, h] x_i) + noise`` over the
        parents, 20 hidden units, weights U(+-[0.5, 2]).
    standardize : bool, default=False
        Scale every column to unit variance (removes varsortability).
    seed : int, optional

    Returns
    -------
    SimulatedData

    Examples
    --------
    >>> sim = simulate_sem(5, 100, seed=0)
    >>> sim.X.shape, sim.adjacency.shape
    ((100, 5), (5, 5))
    """
    check_choice("simulate_sem", "noise", noise, NOISES)
    check_choice("simulate_sem", "sem", sem, ("linear", "mlp"))
    check_range("simulate_sem", "n_samples", n_samples, low=2)
    used = resolve_seed(seed)
    rng = np.random.default_rng(used)
    a = simulate_dag(n_nodes, edges_per_node, graph, seed=int(rng.integers(2**31)))
    d, n = a.shape[0], int(n_samples)
    W = rng.uniform(0.5, 2.0, size=(d, d)) * rng.choice([-1.0, 1.0], size=(d, d)) * a
    E = _noise(rng, noise, n, d)
    X = np.zeros((n, d))
    for j in _topological(a):
        parents = np.flatnonzero(a[:, j])
        if sem == "linear" or parents.size == 0:
            X[:, j] = X[:, parents] @ W[parents, j] + E[:, j]
        else:
            hidden = 20
            W1 = rng.uniform(0.5, 2.0, size=(parents.size, hidden))
            W1 *= rng.choice([-1.0, 1.0], size=W1.shape)
            v = rng.uniform(0.5, 2.0, size=hidden) * rng.choice([-1.0, 1.0], hidden)
            h = 1.0 / (1.0 + np.exp(-(X[:, parents] @ W1)))
            X[:, j] = h @ v + E[:, j]
    if standardize:
        X = (X - X.mean(0)) / X.std(0)
    names = tuple(f"x{i}" for i in range(d))
    return SimulatedData(X=X, adjacency=a, weights=W, node_names=names, seed=used)


def varsortability(X: NDArray[np.float64], adjacency: NDArray) -> float:
    """Fraction of directed paths along which the marginal variance increases.

    Ties count one half. 1.0 means "sort by variance" recovers the causal order,
    0.5 is chance; values near 1 warn that a method may succeed through the
    units of the data rather than its structure.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_nodes)
    adjacency : ndarray of shape (n_nodes, n_nodes)
        True graph.

    Returns
    -------
    float in [0, 1] (NaN for a graph without edges)

    References
    ----------
    Reisach, Seiler & Weichwald, "Beware of the Simulated DAG!", NeurIPS 2021.

    Examples
    --------
    >>> X = np.column_stack([np.ones(4), [0, 2, 0, 2.0]])
    >>> varsortability(X, np.array([[0, 1], [0, 0]]))
    1.0
    """
    var = np.var(np.asarray(X, dtype=float), axis=0)
    a = (np.asarray(adjacency) != 0).astype(float)
    d = a.shape[0]
    diff = np.sign(var[None, :] - var[:, None])  # +1 where child variance larger
    score, count = 0.0, 0.0
    power = np.eye(d)
    for _ in range(d - 1):
        power = power @ a
        mask = power > 0
        if not mask.any():
            break
        score += ((diff[mask] + 1) / 2).sum() * 1.0
        count += mask.sum()
    return float(score / count) if count else float("nan")
