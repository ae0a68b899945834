"""Random DAGs and structural equation models with known graphs.

Graphs: Erdős–Rényi (``"ER"``, expected ``edges_per_node * d`` edges),
scale-free (``"SF"``, preferential attachment) and bipartite (``"BP"``: edges
only from the top 20% of the nodes to the others). SEMs: linear with Gaussian
equal or unequal noise variances, exponential, Gumbel, uniform or logistic noise;
a binary logistic SEM; and non-linear MLP, index-model (``"mim"``) and Gaussian
process (``"gp"``, ``"gp_add"``) SEMs. Weights are drawn from ``U(+-[0.5, 2])``
as in NOTEARS-style protocols; such raw data are usually *varsortable* (variance
grows along the causal order), which :func:`varsortability` measures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from engine.errors import (
    ConfigError,
    DataError,
    DataWarning,
    GraphError,
    check_choice,
    check_range,
    collect_warnings,
    warn_user,
)
from engine.results import format_summary
from engine.runtime import ProgressEvent, Reporter, resolve_seed

__all__ = [
    "GRAPHS",
    "NOISES",
    "SEMS",
    "SimulatedData",
    "check_simulation",
    "max_edges",
    "simulate_dag",
    "simulate_sem",
    "simulation_seconds",
    "varsortability",
]

GRAPHS = ("ER", "SF", "BP")
GraphKind = Literal["ER", "SF", "BP"]
NOISES = ("gaussian_ev", "gaussian_nv", "exponential", "gumbel", "uniform", "logistic")
SEMS = ("linear", "logistic", "mlp", "mim", "gp", "gp_add")
# Share of the nodes in the top (source) layer of a bipartite graph.
BP_TOP = 0.2
# Hidden units of the MLP SEM (sigmoid), as in NOTEARS and DAGuerreotype.
MLP_HIDDEN = 100
# Most samples of a GP SEM: one draw at n = 2000 takes about 2 s and 32 MB.
GP_MAX_SAMPLES = 2000
# Seconds of one GP draw over n samples: about GP_DRAW_S * n**3 (an n x n kernel
# and its eigendecomposition), measured on one core (OMP_NUM_THREADS=1) of the
# development machine: 0.004 s at n = 250, 0.022 s at 500, 0.15 s at 1000,
# 1.8 s at 2000 (2.3e-10 * n**3 at the largest, which the page's cap allows).
GP_DRAW_S = 2.3e-10
# Seconds per sample and per (edge + node) of the other SEMs, measured likewise
# at d = 100, n = 20000, 6 edges per node (583 edges drawn): linear 0.13 s,
# logistic 0.09 s, mlp 1.45 s, mim 0.30 s.
SEM_SAMPLE_S = {"linear": 9.5e-9, "logistic": 6.6e-9, "mlp": 1.1e-7, "mim": 2.2e-8}
# Two variances closer than this fraction of the larger one tie in
# varsortability: the variances of standardised columns differ by ~1e-14.
VARSORT_RTOL = 1e-9


@dataclass(frozen=True, repr=False)
class SimulatedData:
    """A simulated data set.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_nodes)
        Samples (standardised per column when ``standardize=True``).
    adjacency : ndarray of bool, shape (n_nodes, n_nodes)
        True graph, ``[i, j]`` iff i -> j.
    weights : ndarray of shape (n_nodes, n_nodes)
        ``"linear"``: the coefficients that generated the data
        (``X = X @ weights + noise``); ``"logistic"``: the coefficients of each
        node's logit. ``"mlp"``, ``"mim"``, ``"gp"`` and ``"gp_add"`` draw their
        own parameters per node and have no such matrix: for them ``weights``
        is the 0/1 adjacency (1.0 on every edge), not an effect size.
    node_names : tuple of str
    seed : int
    warnings : tuple of str
        What the simulation warned about (e.g. more edges asked for than the
        graph can hold, with the edges drawn), also issued as warnings.
    """

    X: NDArray[np.float64]
    adjacency: NDArray[np.bool_]
    weights: NDArray[np.float64]
    node_names: tuple[str, ...]
    seed: int
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """Shapes, seed and how many warnings, not the arrays.

        Examples
        --------
        >>> simulate_sem(5, 100, edges_per_node=1.0, seed=0)
        SimulatedData(X=(100, 5), nodes=5, edges=2, seed=0, warnings=0)
        """
        return format_summary(
            type(self).__name__,
            [
                ("X", self.X.shape),
                ("nodes", len(self.node_names)),
                ("edges", int(np.count_nonzero(self.adjacency))),
                ("seed", self.seed),
                ("warnings", len(self.warnings)),
            ],
        )


def simulate_dag(
    n_nodes: int,
    edges_per_node: float = 2.0,
    graph: Literal["ER", "SF", "BP"] = "ER",
    *,
    seed: int | None = None,
) -> NDArray[np.bool_]:
    """Draw a random DAG with nodes in random order.

    Parameters
    ----------
    n_nodes : int
        A whole number >= 2.
    edges_per_node : float, default=2.0
        Expected number of edges divided by ``n_nodes`` (``"ER"``, ``"BP"``).
        ``"SF"`` grows the graph by preferential attachment: each new node gets
        ``m = max(1, round(edges_per_node))`` parents (fewer while fewer nodes
        exist), so it has ``m * d - m * (m + 1) / 2`` edges, about ``m * d``;
        a fraction is rounded and ``0`` still gives a tree (``d - 1`` edges).
    graph : {"ER", "SF", "BP"}, default="ER"
        In any case (``"er"`` is ``"ER"``), as are the names of
        :func:`simulate_sem`'s ``noise`` and ``sem``.
        ``"BP"``: the first ``ceil(0.2 d)`` nodes of the hidden order are the
        top layer; each top-to-bottom pair is an edge with the probability
        that gives ``edges_per_node * d`` edges in expectation (at most all
        such pairs); no edge inside a layer.
    seed : int, optional

    Returns
    -------
    ndarray of bool, shape (n_nodes, n_nodes)

    Warns
    -----
    DataWarning
        ``edges_per_node`` asks for more edges than the graph can hold
        (:func:`max_edges`; e.g. 6 per node over 3 nodes): every possible edge
        is drawn, and the message says how many that is, per node too.
    """
    graph = _canonical_choice("simulate_dag", "graph", graph, GRAPHS)
    _check_size("simulate_dag", "n_nodes", n_nodes, low=2)
    check_range("simulate_dag", "edges_per_node", edges_per_node, low=0.0)
    rng = np.random.default_rng(resolve_seed(seed, "simulate_dag"))
    d = int(n_nodes)
    lower = np.zeros((d, d), dtype=bool)  # lower[i, j], j < i: edge j -> i
    if graph == "ER":
        p = min(1.0, 2.0 * edges_per_node / max(d - 1, 1))
        lower = np.tril(rng.random((d, d)) < p, k=-1)
    elif graph == "BP":
        top = max(1, math.ceil(BP_TOP * d))
        pairs = top * (d - top)
        p = min(1.0, edges_per_node * d / max(pairs, 1))
        lower[top:, :top] = rng.random((d - top, top)) < p
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
    _warn_if_capped(d, float(edges_per_node), graph, int(a.sum()))
    return a[np.ix_(perm, perm)].copy()


def max_edges(n_nodes: int, graph: Literal["ER", "SF", "BP"] = "ER") -> int:
    """The most edges a simulated DAG of this kind can have.

    Parameters
    ----------
    n_nodes : int
        d, a whole number >= 2.
    graph : {"ER", "SF", "BP"}, default="ER"
        ``"ER"`` and ``"SF"``: every pair of nodes, ``d (d - 1) / 2``;
        ``"BP"``: every pair of a top node and a bottom node, ``t (d - t)``
        with ``t = ceil(0.2 d)`` top nodes.

    Returns
    -------
    int

    Examples
    --------
    >>> max_edges(3, "ER"), max_edges(10, "BP")
    (3, 16)
    """
    graph = _canonical_choice("max_edges", "graph", graph, GRAPHS)
    _check_size("max_edges", "n_nodes", n_nodes, low=2)
    d = int(n_nodes)
    if graph == "BP":
        top = max(1, math.ceil(BP_TOP * d))
        return top * (d - top)
    return d * (d - 1) // 2


def _asks_too_many(d: int, edges_per_node: float, graph: GraphKind) -> bool:
    """Whether ``edges_per_node`` asks for more than a ``graph`` over d holds."""
    if graph == "SF":  # each new node takes m parents, at most all before it
        return max(1, round(edges_per_node)) > d - 1
    return edges_per_node * d > max_edges(d, graph)


def _warn_if_capped(
    d: int, edges_per_node: float, graph: GraphKind, drawn: int
) -> None:
    """Say so when the graph could not hold the edges asked for."""
    if not _asks_too_many(d, edges_per_node, graph):
        return
    most = max_edges(d, graph)
    kind = {"ER": "an ER", "SF": "a scale-free", "BP": "a bipartite"}[graph]
    warn_user(
        f"simulate_dag: {edges_per_node:g} edges per node (about "
        f"{edges_per_node * d:g} edges) is more than {kind} DAG over {d} nodes "
        f"holds: at most {most} edges ({most / d:.3g} per node). Drew {drawn} "
        f"({drawn / d:.3g} per node); lower edges_per_node to at most "
        f"{most / d:.3g}, or simulate more nodes.",
        DataWarning,
    )


def _expected_edges(d: int, edges_per_node: float, graph: GraphKind) -> float:
    """The edges a graph of :func:`simulate_dag` has on average."""
    if graph == "SF":
        m = max(1, round(edges_per_node))
        return float(sum(min(m, i) for i in range(1, d)))
    return min(edges_per_node * d, float(max_edges(d, graph)))


def simulation_seconds(
    n_nodes: int,
    n_samples: int,
    *,
    edges_per_node: float = 2.0,
    graph: Literal["ER", "SF", "BP"] = "ER",
    sem: str = "linear",
) -> float:
    """A rough estimate of how long :func:`simulate_sem` takes, in seconds.

    The Gaussian-process SEMs dominate: one draw over n samples costs about
    ``GP_DRAW_S * n**3`` seconds (1.8 s at n = 2000), ``"gp"`` makes one per
    node with parents (at most ``d - 1``) and ``"gp_add"`` one per edge. The
    other SEMs cost ``SEM_SAMPLE_S[sem] * n * (edges + d)``: under 2 s at
    d = 100, n = 20000 and 6 edges per node. Both were measured on one core
    of the development machine; another machine, or a busy one, differs by a
    small factor. The edges are the graph's expected number.

    Parameters
    ----------
    n_nodes, n_samples : int
    edges_per_node : float, default=2.0
    graph : {"ER", "SF", "BP"}, default="ER"
    sem : str, default="linear"
        One of :data:`SEMS`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(simulation_seconds(20, 2000, edges_per_node=1.5, sem="gp_add"))
    55
    """
    check_simulation(
        n_nodes, n_samples, edges_per_node=edges_per_node, graph=graph, sem=sem
    )
    _, sem, graph = _canonical_names("gaussian_ev", sem, graph)
    d, n = int(n_nodes), int(n_samples)
    edges = _expected_edges(d, float(edges_per_node), graph)
    if sem == "gp_add":
        return edges * GP_DRAW_S * n**3
    if sem == "gp":
        return min(edges, d - 1) * GP_DRAW_S * n**3
    return SEM_SAMPLE_S[sem] * n * (edges + d)


def _canonical_choice(owner: str, name: str, value: Any, choices: Sequence[str]) -> Any:
    """``value`` spelt as in ``choices``, whatever its case (``"er"`` is ``"ER"``).

    Parameters
    ----------
    owner, name : str
        The function and its parameter, named in the message.
    value : object
        The value received.
    choices : sequence of str
        The names offered, no two equal but for case.

    Returns
    -------
    str
        The name of ``choices`` that ``value`` matches.

    Raises
    ------
    ConfigError
        ``value`` matches none of them (see :func:`engine.errors.check_choice`).
    """
    if isinstance(value, str):
        for choice in choices:
            if choice.casefold() == value.casefold():
                return choice
    check_choice(owner, name, value, choices)
    return value


def _canonical_names(noise: Any, sem: Any, graph: Any) -> tuple[Any, Any, Any]:
    """``noise``, ``sem`` and ``graph`` of :func:`simulate_sem` as its names
    spell them (any case accepted), checked in that order."""
    return (
        _canonical_choice("simulate_sem", "noise", noise, NOISES),
        _canonical_choice("simulate_sem", "sem", sem, SEMS),
        _canonical_choice("simulate_sem", "graph", graph, GRAPHS),
    )


def _check_size(owner: str, name: str, value: Any, *, low: int) -> None:
    """Refuse a size that is not a whole number ``>= low`` (2.5 nodes, True)."""
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not whole or value < low:
        raise ConfigError(
            f"{owner}: '{name}' must be a whole number >= {low} (a count); got "
            f"{value!r}. Pass an int, e.g. int(round({name}))."
        )


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
    if noise == "logistic":
        return rng.logistic(size=(n, d))
    return rng.uniform(-np.sqrt(3), np.sqrt(3), size=(n, d))


def _signed_uniform(rng: np.random.Generator, size: Any) -> NDArray:
    """Weights from U(+-[0.5, 2])."""
    return rng.uniform(0.5, 2.0, size=size) * rng.choice([-1.0, 1.0], size=size)


def _mechanism(
    rng: np.random.Generator,
    sem: str,
    Xp: NDArray,
    w: NDArray,
    e: NDArray,
    drawn: Callable[[int], None] | None = None,
) -> NDArray:
    """One node's values from its parents' ``Xp`` (n, p), weights ``w`` and noise.

    ``drawn(i)`` is called after the i-th GP draw of ``"gp_add"`` (i = 1 .. p).
    """
    n, p = Xp.shape
    if sem == "logistic":  # a root is Bernoulli(1/2)
        return (rng.random(n) < 1.0 / (1.0 + np.exp(-(Xp @ w)))).astype(float)
    if sem == "linear" or p == 0:
        return Xp @ w + e
    if sem == "mlp":
        W1 = _signed_uniform(rng, (p, MLP_HIDDEN))
        v = _signed_uniform(rng, MLP_HIDDEN)
        return (1.0 / (1.0 + np.exp(-(Xp @ W1)))) @ v + e
    if sem == "mim":
        w1, w2, w3 = (_signed_uniform(rng, p) for _ in range(3))
        return np.tanh(Xp @ w1) + np.cos(Xp @ w2) + np.sin(Xp @ w3) + e
    if sem == "gp":
        return _gp_draw(rng, Xp) + e
    total = np.zeros(n)  # gp_add: one draw per parent, summed
    for k in range(p):
        total += _gp_draw(rng, Xp[:, [k]])
        if drawn is not None:
            drawn(k + 1)
    return total + e


def _gp_draw(rng: np.random.Generator, Xp: NDArray) -> NDArray:
    """One draw of a zero-mean GP with an RBF kernel (length scale 1) at ``Xp``."""
    sq = (Xp**2).sum(1)
    K = np.exp(-0.5 * np.maximum(sq[:, None] + sq[None, :] - 2 * Xp @ Xp.T, 0.0))
    vals, vecs = np.linalg.eigh(K)
    return vecs @ (np.sqrt(np.clip(vals, 0.0, None)) * rng.normal(size=len(vals)))


def check_simulation(
    n_nodes: int,
    n_samples: int,
    *,
    edges_per_node: float = 2.0,
    graph: Literal["ER", "SF", "BP"] = "ER",
    noise: str = "gaussian_ev",
    sem: str = "linear",
) -> None:
    """Refuse what :func:`simulate_sem` refuses, before any work.

    Parameters
    ----------
    n_nodes, n_samples, edges_per_node, graph, noise, sem
        As for :func:`simulate_sem`.

    Raises
    ------
    ConfigError
        A choice not offered, a size that is not a whole number >= 2, a
        negative ``edges_per_node``, or more than 2000 samples for a GP SEM.
    """
    noise, sem, graph = _canonical_names(noise, sem, graph)
    _check_size("simulate_sem", "n_nodes", n_nodes, low=2)
    _check_size("simulate_sem", "n_samples", n_samples, low=2)
    check_range("simulate_sem", "edges_per_node", edges_per_node, low=0.0)
    if sem in ("gp", "gp_add") and n_samples > GP_MAX_SAMPLES:
        raise ConfigError(
            f"simulate_sem: sem={sem!r} draws a Gaussian process over all samples "
            f"(an n x n kernel, O(n^3) per node): at most {GP_MAX_SAMPLES} samples; "
            f"got n_samples={n_samples}. Use fewer samples, or sem='mim' or 'mlp' "
            "for a large non-linear data set."
        )


def simulate_sem(
    n_nodes: int,
    n_samples: int,
    *,
    edges_per_node: float = 2.0,
    graph: Literal["ER", "SF", "BP"] = "ER",
    noise: str = "gaussian_ev",
    sem: str = "linear",
    standardize: bool = False,
    seed: int | None = None,
    progress: Callable[[ProgressEvent], Any] | None = None,
) -> SimulatedData:
    """Simulate data from a random DAG.

    Parameters
    ----------
    n_nodes, n_samples : int
        Whole numbers >= 2 (a float such as 2.5 or 10.0, or a bool, is refused).
    edges_per_node : float, default=2.0
    graph : {"ER", "SF", "BP"}, default="ER"
        See :func:`simulate_dag`.
    noise : {"gaussian_ev", "gaussian_nv", "exponential", "gumbel", "uniform", \
"logistic"}
        Noise law, centred; ``gaussian_ev`` has unit variance for every node,
        ``gaussian_nv`` a scale drawn from U(0.5, 2) per node; ``exponential``
        and ``uniform`` have unit variance, ``gumbel`` and ``logistic`` scale 1
        (variances pi^2 / 6 and pi^2 / 3, as in NOTEARS-style simulators).
    sem : {"linear", "logistic", "mlp", "mim", "gp", "gp_add"}, default="linear"
        How a node depends on its parents ``x_pa`` (a node without parents is its
        noise), weights U(+-[0.5, 2]) drawn per node:
        ``linear``: ``w . x_pa + noise``; ``logistic``: every node binary,
        ``Bernoulli(sigmoid(w . x_pa))`` (roots 1/2; ``noise`` unused); ``mlp``:
        ``sum_h v_h sigmoid(x_pa . W1[:, h]) + noise``, 100 hidden units;
        ``mim``: ``tanh(x_pa . w1) + cos(x_pa . w2) + sin(x_pa . w3) + noise``;
        ``gp``: one draw of a GP with an RBF kernel (length scale 1) at the
        parents' values, plus noise; ``gp_add``: a sum of such draws, one per
        parent. The GP draws cost O(n^3) time and O(n^2) memory per node:
        ``n_samples`` is at most 2000 for them.
    standardize : bool, default=False
        Scale every column to unit variance (removes varsortability).
    seed : int, optional
    progress : callable, optional
        Called with a :class:`engine.runtime.ProgressEvent` (task
        ``"dag.simulate"``, stage ``"nodes"``, ``step`` the nodes done of
        ``total`` d, ``fraction`` the share of the work done) after each node,
        and for ``"gp_add"`` after each GP draw too (one per edge): the GP
        SEMs can take minutes (:func:`simulation_seconds`). A simulation has no
        partial result, so the callback's return value is ignored; an exception
        raised in it ends the simulation (that is how to abandon one).

    Returns
    -------
    SimulatedData
        ``weights`` holds the coefficients for ``"linear"`` and ``"logistic"``,
        the 0/1 adjacency for the non-linear SEMs (see :class:`SimulatedData`);
        ``warnings`` what :func:`simulate_dag` warned about.

    Warns
    -----
    DataWarning
        More edges asked for than the graph can hold (see :func:`simulate_dag`).

    Examples
    --------
    >>> sim = simulate_sem(5, 100, seed=0)
    >>> sim.X.shape, sim.adjacency.shape
    ((100, 5), (5, 5))
    """
    check_simulation(
        n_nodes,
        n_samples,
        edges_per_node=edges_per_node,
        graph=graph,
        noise=noise,
        sem=sem,
    )
    noise, sem, graph = _canonical_names(noise, sem, graph)
    report = Reporter(progress, "dag.simulate", total=int(n_nodes))
    used = resolve_seed(seed, "simulate_sem")
    rng = np.random.default_rng(used)
    with collect_warnings() as caught:
        a = simulate_dag(n_nodes, edges_per_node, graph, seed=int(rng.integers(2**31)))
    notes = tuple(str(message) for _, message in caught)
    for kind, message in caught:
        warn_user(message, kind)
    d, n = a.shape[0], int(n_samples)
    # drawn for every SEM, so that a seed gives the same noise (and data) as before
    W = _signed_uniform(rng, (d, d)) * a
    E = _noise(rng, noise, n, d)
    X = np.zeros((n, d))
    # the work to report: GP draws for the GP SEMs (one per edge for gp_add, one
    # per node with parents for gp), else nodes
    parents_of = a.sum(0)
    units = {"gp_add": parents_of, "gp": np.minimum(parents_of, 1)}.get(sem, np.ones(d))
    total, done = max(float(units.sum()), 1.0), 0.0
    for k, j in enumerate(_topological(a)):
        parents = np.flatnonzero(a[:, j])

        start, p = done, len(parents)

        def drawn(i: int, start: float = start, p: int = p, node: int = k) -> None:
            # one GP draw of gp_add done (the node's last is reported below)
            if i < p:
                report(
                    "nodes",
                    node,
                    message=f"node {node + 1} of {d}: GP draw {i} of {p}",
                    fraction=(start + i) / total,
                )

        X[:, j] = _mechanism(
            rng, sem, X[:, parents], W[parents, j], E[:, j], drawn=drawn
        )
        done += float(units[j])
        report("nodes", k + 1, message=f"node {k + 1} of {d}", fraction=done / total)
    if standardize:  # a constant column (a binary node that never flipped) stays 0
        scale = X.std(0)
        X = (X - X.mean(0)) / np.where(scale > 0, scale, 1.0)
    names = tuple(f"x{i}" for i in range(d))
    # a non-linear mechanism never reads W: its weights are only the edges
    weights = W if sem in ("linear", "logistic") else a.astype(np.float64)
    return SimulatedData(
        X=X,
        adjacency=a,
        weights=weights,
        node_names=names,
        seed=used,
        warnings=notes,
    )


def varsortability(
    X: NDArray[np.float64], adjacency: NDArray, *, rtol: float = VARSORT_RTOL
) -> float:
    """Fraction of causally ordered pairs along which the marginal variance rises.

    Reisach et al.'s definition: for every path length ``k = 1 .. d - 1``, each
    pair ``(i, j)`` with a directed path of length ``k`` from ``i`` to ``j``
    counts once, 1 when ``Var(X_j) > Var(X_i)``, one half for a tie, 0 when it
    falls; the result is the sum over ``k`` divided by the number of such
    pairs. Two paths of the same length between one pair count once; paths of
    two lengths count once each. 1.0 means "sort by variance" recovers the
    causal order, 0.5 is chance; values near 1 warn that a method may succeed
    through the units of the data rather than its structure.

    Two variances tie when they differ by at most ``rtol`` times the larger of
    the two: the variances of standardised columns agree only up to rounding
    (about 1e-14 apart), and comparing them exactly would make the result a
    coin toss per pair; with the tolerance, standardised data give 0.5.

    Parameters
    ----------
    X : ndarray or DataFrame of shape (n_samples, n_nodes)
    adjacency : ndarray or DataFrame of shape (n_nodes, n_nodes)
        True graph, ``[i, j]`` non-zero iff ``i -> j``; must be acyclic. A
        DataFrame is read by its labels (rows in the order of its columns) and,
        when ``X`` is a DataFrame too, lined up with ``X``'s columns; otherwise
        nodes are matched to ``X``'s columns by position.
    rtol : float, default=1e-9
        Relative tolerance under which two variances count as equal (a tie,
        worth one half). Use 0 to compare the variances exactly.

    Returns
    -------
    float in [0, 1] (NaN for a graph without edges)

    Raises
    ------
    DataError
        ``X`` is not 2-D, ``adjacency`` is not square, or their node counts
        differ.
    GraphError
        ``adjacency`` has a directed cycle (or a NaN entry).

    References
    ----------
    Reisach, Seiler & Weichwald, "Beware of the Simulated DAG!", NeurIPS 2021.

    Examples
    --------
    >>> X = np.column_stack([np.ones(4), [0, 2, 0, 2.0]])
    >>> varsortability(X, np.array([[0, 1], [0, 0]]))
    1.0
    """
    check_range("varsortability", "rtol", rtol, low=0.0)
    adjacency = _graph_over(X, adjacency)
    X = np.asarray(X, dtype=float)
    a = _checked_dag(X, adjacency)
    var = np.var(X, axis=0)
    gap = var[None, :] - var[:, None]  # > 0 where the later node's variance is larger
    tied = np.abs(gap) <= rtol * np.maximum(var[None, :], var[:, None])
    value = np.where(tied, 0.5, (gap > 0).astype(float))  # per ordered pair
    score, count = 0.0, 0
    reach = a  # reach[i, j]: a directed path of this length leads from i to j
    for _ in range(a.shape[0] - 1):
        if not reach.any():
            break
        score += float(value[reach].sum())
        count += int(reach.sum())
        reach = (reach.astype(np.int64) @ a.astype(np.int64)) > 0
    return score / count if count else float("nan")


def _checked_dag(X: NDArray[np.float64], adjacency: Any) -> NDArray[np.bool_]:
    """``adjacency != 0`` as a (d, d) DAG over the d columns of ``X`` (n, d)."""
    from engine.dag.metrics import _edges_of
    from engine.dag.result import is_dag

    a = _edges_of(adjacency, "adjacency", "varsortability")
    if X.ndim != 2:
        raise DataError(
            f"varsortability: 'X' must be a 2-D array (n_samples, n_nodes); got "
            f"shape {X.shape}. Pass one column per node."
        )
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] != X.shape[1]:
        raise DataError(
            f"varsortability: 'adjacency' must be square with one row and column "
            f"per column of 'X'; got 'X' of shape {X.shape} and 'adjacency' of "
            f"shape {a.shape}. Pass the graph over the same nodes, in the order of "
            "the columns."
        )
    if not is_dag(a):
        raise GraphError(
            "varsortability: 'adjacency' has a directed cycle (or a self-loop); "
            "varsortability is defined for DAGs only. Pass the true DAG."
        )
    return a


def _graph_over(X: Any, adjacency: Any) -> Any:
    """``adjacency`` as an array over ``X``'s columns when both are labelled.

    A DataFrame graph is read by its labels; against a DataFrame ``X`` its
    nodes must be ``X``'s columns (any order), else a ``DataError`` names
    the labels on each side.
    """
    import pandas as pd

    from engine.dag.metrics import _aligned, _as_graph

    if not isinstance(adjacency, pd.DataFrame):
        return adjacency
    values, labels = _as_graph(adjacency, "adjacency", "varsortability")
    if isinstance(X, pd.DataFrame):
        values = _aligned(
            values, labels, list(X.columns), "varsortability", ("X", "adjacency")
        )
    return values
