"""Compare a learned graph with a true one.

Conventions (stated once, used by every function here and shown in the app):

* Graphs are (d, d) arrays with ``[i, j]`` != 0 iff ``i -> j``. A CPDAG marks an
  undirected edge ``i - j`` by non-zero ``[i, j]`` and ``[j, i]``.
* A pandas DataFrame is read by its labels: its row labels must be its column
  labels (in any order; the entry at row ``i``, column ``j`` is ``i -> j``), and
  its nodes are in the order of its columns. When ``truth`` and ``pred`` are both
  DataFrames, ``pred`` is aligned to the labels of ``truth``, which must be the
  same set; a DataFrame and an array are matched by position.
* A :class:`~engine.dag.result.DagResult` is read as its ``adjacency`` labelled by
  its ``node_names``: against a DataFrame or another result it is aligned by
  name, against an array by position.
* SHD counts, over unordered pairs, a missing edge, an extra edge and a reversed
  edge as 1 each (``reversed_cost=1``, as NOTEARS, GOLEM and the DAGuerreotype and
  DAG-DB papers); ``reversed_cost=2`` gives cdt's default (sum of |A_true - A_pred|).
* TP = edges present in both with the same direction. TPR = recall = TP / |E_true|;
  precision = TP / |E_pred|; FDR = (reversed + extra) / |E_pred|;
  FPR = (reversed + extra) / (d(d-1)/2 - |E_true|); F1 from precision and recall.
  FPR can exceed 1: a reversed edge sits on a pair that has a true edge, which
  the denominator (pairs without a true edge) leaves out.
* An undirected edge in the estimate (a CPDAG's ``i - j``) is one predicted edge,
  as in NOTEARS' ``count_accuracy``: a TP when the truth has the edge in either
  direction (no reversal, SHD 0 for that pair), else an extra edge. With
  ``reversed_cost=2`` it costs 1 on a true edge (cdt's |A_true - A_pred|).
* SHD between CPDAGs compares the Markov equivalence classes: per unordered pair,
  1 when the two CPDAGs differ (missing, extra, or a different mark among
  ``->``, ``<-``, ``-``).
* SID (Peters & Bühlmann 2015) counts ordered pairs (i, j) whose interventional
  distribution p(x_j | do(x_i)) is wrongly inferred when adjusting for the
  parents of i in the estimate; between 0 and d(d-1), not symmetric.
* Ancestor AID (Henckel, Würtzen & Weichwald 2024, via ``gadjid``) counts the
  same ordered pairs when the estimate adjusts for the ancestors of i instead
  (and claims no effect where j is not a descendant of i); less harsh than SID
  on graphs that get the causal order right but miss edges.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from engine.dag.result import DagResult
from engine.errors import DataError, GraphError

__all__ = [
    "METRIC_CONVENTIONS",
    "REPORTED_METRICS",
    "ancestor_aid",
    "compare_graphs",
    "cpdag",
    "f1_score",
    "fdr",
    "fpr",
    "n_edges",
    "precision",
    "recall",
    "shd",
    "shd_cpdag",
    "sid",
    "sid_numpy",
    "tpr",
]

METRIC_CONVENTIONS: dict[str, str] = {
    "shd": "missing + extra + reversed edges, a reversal counted once",
    "shd_double": (
        "missing + extra + reversed edges, a reversal counted twice (cdt's default)"
    ),
    "shd_cpdag": "pairs where the CPDAGs (equivalence classes) differ",
    "sid": "ordered pairs whose do-effect is wrongly inferred (Peters & Bühlmann)",
    "ancestor_aid": (
        "ordered pairs whose effect is wrongly inferred adjusting for the "
        "cause's ancestors (Henckel et al.)"
    ),
    "tpr": "correctly oriented true edges / true edges (= recall)",
    "fdr": "(reversed + extra) / predicted edges",
    "fpr": (
        "(reversed + extra) / (d(d-1)/2 - true edges), NOTEARS' convention: can "
        "exceed 1, as reversed edges lie on true-edge pairs the divisor leaves out"
    ),
    "precision": "correctly oriented / predicted edges",
    "recall": "correctly oriented / true edges",
    "f1": "harmonic mean of precision and recall",
    "n_edges": "predicted edges",
    "n_true_edges": "true edges",
    "n_reversed": "true edges predicted in the opposite direction",
    "n_missing": "true edges absent from the prediction in either direction",
    "n_extra": "predicted edges between nodes the truth does not join",
}
"""What each key of :func:`compare_graphs` counts, one line each (the app's
metrics table and the CLI's ``metric_conventions`` show these)."""

REPORTED_METRICS: tuple[str, ...] = (
    "shd",
    "shd_double",
    "shd_cpdag",
    "sid",
    "ancestor_aid",
    "tpr",
    "fdr",
    "fpr",
    "precision",
    "recall",
    "f1",
    "n_edges",
)
"""The keys of :func:`compare_graphs` that a metrics table reports, in its order:
all but the raw counts (``n_true_edges``, ``n_reversed``, ...) that the
conventions of these already name. :func:`engine.dag.compare_runs` and the app's
tables list these; :data:`METRIC_CONVENTIONS` says what each counts."""


def _shown(labels: list[Any], limit: int = 10) -> str:
    """Labels as a list in a message, each as Python writes it (0 vs '0')."""
    shown = ", ".join(repr(x) for x in labels[:limit])
    more = f", ... and {len(labels) - limit} more" if len(labels) > limit else ""
    return f"[{shown}{more}]"


def _as_graph(graph: Any, name: str, owner: str) -> tuple[Any, list[Any] | None]:
    """A DataFrame ``graph`` as its (d, d) values with rows in the order of its
    columns, and its labels; a :class:`~engine.dag.result.DagResult` as its
    ``adjacency`` and ``node_names``; anything else as it is, without labels.

    Rows under pandas' default labels 0, 1, ..., d - 1 (columns labelled
    otherwise) are taken to be in the order of the columns.
    """
    if isinstance(graph, DagResult):
        return graph.adjacency, list(graph.node_names)
    if not isinstance(graph, pd.DataFrame):
        return graph, None
    cols, rows = list(graph.columns), list(graph.index)
    for what, labels in (("column", cols), ("row", rows)):
        repeated = [x for x in dict.fromkeys(labels) if labels.count(x) > 1]
        if repeated:
            raise GraphError(
                f"{owner}: '{name}' is a DataFrame with the {what} label(s) "
                f"{_shown(repeated)} more than once; an adjacency frame has one row "
                "and one column per node. Remove or rename the repeats."
            )
    if rows == list(range(len(cols))) and set(rows) != set(cols):
        # pandas' default row labels (e.g. read_csv without index_col): the rows
        # are taken to be in the order of the columns
        return graph.to_numpy(), cols
    if set(rows) != set(cols):
        raise GraphError(
            f"{owner}: '{name}' is a DataFrame whose row labels are not its column "
            f"labels (rows only: {_shown([x for x in rows if x not in set(cols)])}; "
            f"columns only: {_shown([x for x in cols if x not in set(rows)])}); "
            "an adjacency frame has one row and one column per node, under the "
            "same label. Set the row labels (e.g. frame.index = frame.columns when "
            "the rows are in the order of the columns), or pass frame.to_numpy() "
            "to compare by position."
        )
    return graph.loc[cols, cols].to_numpy(), cols


def _aligned(
    values: Any,
    labels: list[Any],
    target: list[Any],
    owner: str,
    names: tuple[str, str] = ("truth", "pred"),
) -> NDArray:
    """``values`` (d, d) over ``labels`` reordered to the nodes ``target``.

    ``names``: what holds ``target`` and what holds ``labels``, for the message.
    """
    if set(labels) != set(target):
        target_only = [x for x in target if x not in set(labels)]
        labels_only = [x for x in labels if x not in set(target)]
        raise DataError(
            f"{owner}: '{names[1]}' is a labelled graph over other nodes than "
            f"'{names[0]}' (in '{names[0]}' only: {_shown(target_only)}; in "
            f"'{names[1]}' only: {_shown(labels_only)}); both must name the same "
            "nodes. Rename the nodes to match, or add the missing ones as rows and "
            "columns of 0."
        )
    where = [labels.index(x) for x in target]
    return np.asarray(values)[np.ix_(where, where)]


def _edges_of(graph: Any, name: str, owner: str) -> NDArray[np.bool_]:
    """``graph != 0`` after refusing NaN, which ``!= 0`` would count as an edge.

    A DataFrame is read by its labels (rows in the order of its columns).
    """
    a = np.asarray(_as_graph(graph, name, owner)[0])
    if a.dtype.kind not in "biuf":
        raise GraphError(
            f"{owner}: '{name}' must be a real or boolean adjacency matrix; got "
            f"dtype {a.dtype}. Convert it first, e.g. np.asarray(graph, dtype=float)."
        )
    if a.dtype.kind == "f" and np.isnan(a).any():
        i, j = (int(k) for k in np.argwhere(np.isnan(a))[0])
        raise GraphError(
            f"{owner}: '{name}' holds NaN (first at [{i}, {j}]); a graph entry must "
            "be 0 (no edge) or non-zero (edge). Replace the NaN values, e.g. with "
            "np.nan_to_num(graph)."
        )
    return a != 0


def _pair(truth: Any, pred: Any, owner: str) -> tuple[NDArray, NDArray]:
    """Both graphs as (d, d) bool arrays; ``pred`` aligned to the labels of
    ``truth`` when both are DataFrames."""
    truth, t_labels = _as_graph(truth, "truth", owner)
    pred, p_labels = _as_graph(pred, "pred", owner)
    if t_labels is not None and p_labels is not None:
        pred = _aligned(pred, p_labels, t_labels, owner)
    t = _edges_of(truth, "truth", owner)
    p = _edges_of(pred, "pred", owner)
    if t.ndim != 2 or t.shape[0] != t.shape[1] or t.shape != p.shape:
        raise DataError(
            f"{owner}: both graphs must be square arrays of the same shape; got "
            f"{t.shape} and {p.shape}."
        )
    if t.shape[0] == 0:
        raise GraphError(
            f"{owner}: the graphs have no nodes (shape {t.shape}); compare graphs "
            "with at least one node."
        )
    for name, a in (("truth", t), ("pred", p)):
        if a.diagonal().any():
            k = int(np.flatnonzero(a.diagonal())[0])
            raise GraphError(
                f"{owner}: '{name}' has a self-loop at node {k} (a non-zero "
                "diagonal entry); a DAG has none: set the diagonal to 0."
            )
    return t, p


def _check_directed_truth(t: NDArray[np.bool_], owner: str) -> None:
    """Refuse a true graph ``t`` (d, d) with an edge set in both directions.

    An undirected edge is read as a CPDAG's in the estimate only: the truth must
    say which way each edge points, or there is nothing to score a direction
    against (TPR would count the pair as two true edges, one of them missed).
    """
    both = np.argwhere(np.triu(t & t.T, 1))
    if both.size:
        i, j = (int(k) for k in both[0])
        raise GraphError(
            f"{owner}: 'truth' has an undirected edge {i} - {j} ([{i}, {j}] and "
            f"[{j}, {i}] both set, {len(both)} such pair(s)); the true graph must "
            "be directed (a DAG). Orient every true edge; to compare Markov "
            "equivalence classes, pass DAGs to shd_cpdag."
        )


def _counts(truth: Any, pred: Any, owner: str) -> dict[str, int]:
    """TP, reversed, extra and missing edges; an undirected prediction counts once."""
    t, p = _pair(truth, pred, owner)
    _check_directed_truth(t, owner)
    skel_t, skel_p = t | t.T, p | p.T
    directed = p & ~p.T
    undirected = np.triu(p & p.T, 1)  # each undirected predicted edge once
    tp = int((t & directed).sum() + (undirected & skel_t).sum())
    rev = int((directed & t.T & ~t).sum())
    extra = int((directed & ~skel_t).sum() + (undirected & ~skel_t).sum())
    missing = int(np.triu(skel_t & ~skel_p, 1).sum())
    return {
        "tp": tp,
        "reversed": rev,
        "extra": extra,
        "missing": missing,
        "n_true": int(t.sum()),
        "n_pred": int(directed.sum() + undirected.sum()),
        "d": t.shape[0],
    }


def _check_dags(truth: Any, pred: Any, owner: str) -> None:
    """Refuse a graph with a directed cycle, naming which of the two it is."""
    from engine.dag.result import is_dag

    t, p = _pair(truth, pred, owner)
    _check_directed_truth(t, owner)
    for name, g in (("truth", t), ("pred", p)):
        if not is_dag(g):
            raise GraphError(
                f"{owner}: '{name}' has a directed cycle (an undirected CPDAG edge, "
                "set in both directions, counts as one), and SHD between CPDAGs, "
                "SID and AID are defined for DAGs only; pass a DAG, or call shd() "
                "and the rates alone, which count edges of any estimate and read "
                "an undirected edge in it as a CPDAG's."
            )


def shd(truth: Any, pred: Any, reversed_cost: int = 1) -> int:
    """Structural Hamming distance between two directed graphs (usually DAGs).

    A missing or an extra edge costs 1; a reversed edge costs ``reversed_cost``
    (1 by default, as NOTEARS/GOLEM; 2 as cdt's default, the number of entries in
    which the two adjacency matrices differ). An undirected predicted edge
    (``[i, j]`` and ``[j, i]`` both set) on a true edge costs 0 with
    ``reversed_cost=1`` (NOTEARS) and 1 with ``reversed_cost=2`` (cdt).

    Parameters
    ----------
    truth, pred : array-like of shape (d, d)
        ``[i, j]`` != 0 iff ``i -> j``. ``truth`` must be directed (no pair set
        in both directions); ``pred`` may hold undirected edges.
    reversed_cost : {1, 2}, default=1
        An integer (a bool is refused).

    Returns
    -------
    int

    Examples
    --------
    >>> t = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    >>> p = np.array([[0, 0, 0], [1, 0, 0], [1, 0, 0]])
    >>> shd(t, p), shd(t, p, reversed_cost=2)
    (3, 4)
    >>> undirected = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    >>> shd(t, undirected), shd(t, undirected, reversed_cost=2)
    (1, 2)
    """
    whole = isinstance(reversed_cost, int | np.integer)
    if isinstance(reversed_cost, bool) or not whole or reversed_cost not in (1, 2):
        raise DataError(
            f"shd: 'reversed_cost' must be the integer 1 (NOTEARS) or 2 (cdt); got "
            f"{reversed_cost!r}."
        )
    if reversed_cost == 2:
        t, p = _pair(truth, pred, "shd")
        _check_directed_truth(t, "shd")
        return int((t != p).sum())
    c = _counts(truth, pred, "shd")
    return c["missing"] + c["extra"] + c["reversed"]


def n_edges(graph: Any) -> int:
    """Number of directed edges (an undirected CPDAG edge counts twice).

    Parameters
    ----------
    graph : array-like of shape (d, d)
        Real or boolean adjacency matrix, without NaN.

    Raises
    ------
    GraphError
        A NaN entry or a non-numeric matrix.

    Examples
    --------
    >>> n_edges(np.array([[0, 1], [0, 0]]))
    1
    """
    return int(_edges_of(graph, "graph", "n_edges").sum())


def tpr(truth: Any, pred: Any) -> float:
    """True-positive rate TP / |E_true| (correct direction only); NaN if no truth.

    Examples
    --------
    >>> tpr(np.array([[0, 1], [0, 0]]), np.array([[0, 1], [0, 0]]))
    1.0
    """
    c = _counts(truth, pred, "tpr")
    return c["tp"] / c["n_true"] if c["n_true"] else float("nan")


recall = tpr


def precision(truth: Any, pred: Any) -> float:
    """TP / |E_pred| (correct direction only); NaN for an empty prediction.

    Examples
    --------
    >>> precision(np.array([[0, 1], [0, 0]]), np.array([[0, 0], [1, 0]]))
    0.0
    """
    c = _counts(truth, pred, "precision")
    return c["tp"] / c["n_pred"] if c["n_pred"] else float("nan")


def fdr(truth: Any, pred: Any) -> float:
    """(reversed + extra) / |E_pred|; NaN for an empty prediction.

    Examples
    --------
    >>> fdr(np.array([[0, 1], [0, 0]]), np.array([[0, 0], [1, 0]]))
    1.0
    """
    c = _counts(truth, pred, "fdr")
    return (c["reversed"] + c["extra"]) / c["n_pred"] if c["n_pred"] else float("nan")


def fpr(truth: Any, pred: Any) -> float:
    """(reversed + extra) / (d(d-1)/2 - |E_true|), the NOTEARS convention.

    Not a rate in [0, 1]: the numerator counts reversed edges, which lie on
    pairs that do have a true edge, while the denominator counts only the pairs
    without one, so FPR exceeds 1 when the estimate reverses more edges (plus
    extra ones) than there are non-edges; e.g. the chain 0 -> 1 -> 2 estimated
    reversed gives 2 / 1 = 2.0. Kept as NOTEARS' ``count_accuracy`` defines it,
    so that numbers compare with the papers; NaN when every pair is a true edge.

    Examples
    --------
    >>> fpr(np.zeros((3, 3)), np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]]))
    0.3333333333333333
    >>> chain = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    >>> fpr(chain, chain.T)
    2.0
    """
    c = _counts(truth, pred, "fpr")
    negatives = c["d"] * (c["d"] - 1) / 2 - c["n_true"]
    return (c["reversed"] + c["extra"]) / negatives if negatives else float("nan")


def f1_score(truth: Any, pred: Any) -> float:
    """Harmonic mean of precision and recall.

    0 when both are 0 or only one graph has edges; NaN when neither graph has an
    edge (nothing to find and nothing found: no rate is defined, as for TPR).

    Examples
    --------
    >>> f1_score(np.array([[0, 1], [0, 0]]), np.array([[0, 1], [0, 0]]))
    1.0
    """
    _counts(truth, pred, "f1_score")  # refusals name f1_score, not precision
    p, r = precision(truth, pred), recall(truth, pred)
    if np.isnan(p) and np.isnan(r):
        return float("nan")
    if np.isnan(p) or np.isnan(r) or p + r == 0:
        return 0.0
    return 2 * p * r / (p + r)


# --- CPDAG ---


def _v_structures(a: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Edges ``i -> j`` that take part in a v-structure ``i -> j <- k``."""
    skel = a | a.T
    d = a.shape[0]
    compelled = np.zeros_like(a)
    for j in range(d):
        parents = np.flatnonzero(a[:, j])
        for x in range(len(parents)):
            for y in range(x + 1, len(parents)):
                i, k = parents[x], parents[y]
                if not skel[i, k]:
                    compelled[i, j] = compelled[k, j] = True
    return compelled


def cpdag(dag: Any) -> NDArray[np.int64]:
    """CPDAG (essential graph) of a DAG by Meek's rules.

    Directed edges that are compelled stay directed; the rest become undirected
    (both ``[i, j]`` and ``[j, i]`` set). Starts from the v-structures and applies
    Meek rules 1-3 to a fixed point (rule 4 is not needed when starting from a
    DAG's v-structures).

    Parameters
    ----------
    dag : array-like of shape (d, d)
        An acyclic graph.

    Returns
    -------
    ndarray of int, shape (d, d)
        0/1 matrix; undirected edges appear in both directions.

    Examples
    --------
    >>> cpdag(np.array([[0, 1], [0, 0]])).tolist()
    [[0, 1], [1, 0]]
    >>> cpdag(np.array([[0, 0, 1], [0, 0, 1], [0, 0, 0]])).tolist()
    [[0, 0, 1], [0, 0, 1], [0, 0, 0]]
    """
    a = _edges_of(dag, "dag", "cpdag")
    from engine.dag.result import is_dag

    if not is_dag(a):
        raise GraphError("cpdag: the graph has a directed cycle; pass a DAG.")
    directed = _v_structures(a)  # directed[i, j]: i -> j compelled
    undirected = (a | a.T) & ~directed & ~directed.T
    changed = True
    while changed:
        changed = False
        for i, j in np.argwhere(undirected):
            if _meek(i, j, directed, undirected, a | a.T):
                directed[i, j] = True
                undirected[i, j] = undirected[j, i] = False
                changed = True
    return (directed | undirected).astype(np.int64)


def _meek(
    i: int, j: int, directed: NDArray, undirected: NDArray, skel: NDArray
) -> bool:
    """Whether the undirected edge i - j must be oriented i -> j."""
    # R1: k -> i - j with k, j not adjacent
    if np.any(directed[:, i] & ~skel[:, j] & (np.arange(len(skel)) != j)):
        return True
    # R2: i -> k -> j
    if np.any(directed[i, :] & directed[:, j]):
        return True
    # R3: i - k1 -> j, i - k2 -> j, k1 and k2 not adjacent
    ks = np.flatnonzero(undirected[i, :] & directed[:, j])
    for x in range(len(ks)):
        for y in range(x + 1, len(ks)):
            if not skel[ks[x], ks[y]]:
                return True
    return False


def shd_cpdag(truth: Any, pred: Any) -> int:
    """SHD between the CPDAGs of two DAGs (1 per unordered pair that differs).

    Each pair counts 1 when the CPDAGs disagree: an edge missing or extra, or a
    different mark (``->``, ``<-`` or ``-``). Zero iff the DAGs are Markov
    equivalent.

    Examples
    --------
    >>> shd_cpdag(np.array([[0, 1], [0, 0]]), np.array([[0, 0], [1, 0]]))
    0
    """
    t, p = _pair(truth, pred, "shd_cpdag")
    ct, cp = cpdag(t) != 0, cpdag(p) != 0
    differ = (ct != cp) | (ct.T != cp.T)
    return int(np.triu(differ, 1).sum())


# --- SID ---


def _reach(a: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Reachability by directed paths of length >= 0, shape (d, d)."""
    r = a | np.eye(a.shape[0], dtype=bool)
    for k in range(a.shape[0]):
        r |= r[:, k : k + 1] & r[k : k + 1, :]
    return r


def _d_connected_from(a: NDArray[np.bool_], x: int, z: NDArray[np.bool_]) -> NDArray:
    """Nodes d-connected to ``x`` given the set ``z`` (Bayes-ball reachability)."""
    d = a.shape[0]
    anc_z = _reach(a)[:, z].any(axis=1) if z.any() else np.zeros(d, dtype=bool)
    # states: (node, came_from_child=0 / came_from_parent=1)
    seen = np.zeros((d, 2), dtype=bool)
    stack = [(x, 0)]
    found = np.zeros(d, dtype=bool)
    while stack:
        v, up = stack.pop()
        if seen[v, up]:
            continue
        seen[v, up] = True
        if not z[v]:
            found[v] = True
        if up == 0 and not z[v]:  # arrived from a child (or start): go anywhere
            stack += [(p, 0) for p in np.flatnonzero(a[:, v])]
            stack += [(c, 1) for c in np.flatnonzero(a[v])]
        elif up == 1:  # arrived from a parent
            if not z[v]:
                stack += [(c, 1) for c in np.flatnonzero(a[v])]
            if anc_z[v]:  # collider opened by a conditioned descendant
                stack += [(p, 0) for p in np.flatnonzero(a[:, v])]
    return found


def sid_numpy(truth: Any, pred: Any) -> int:
    """Structural intervention distance, pure NumPy (small graphs, d <= ~20).

    For each ordered pair (i, j), i != j, the estimate ``pred`` predicts
    p(x_j | do(x_i)) by adjusting for Z = PA_pred(i). The pair is wrong unless:
    when j is a parent of i in ``pred``, j is not a descendant of i in ``truth``;
    otherwise Z contains no descendant (in ``truth``) of a node w != i on a
    directed path i -> ... -> j, and Z d-separates i and j in ``truth`` after
    removing the first edge of every directed i -> j path.

    Cost O(d^2) reachability searches; prefer :func:`sid` (gadjid) for large d.

    Examples
    --------
    >>> t = np.array([[0, 1], [0, 0]])
    >>> sid_numpy(t, t), sid_numpy(t, np.zeros((2, 2)))
    (0, 1)
    >>> sid_numpy(t, t.T)
    2
    """
    g, h = _pair(truth, pred, "sid_numpy")
    d = g.shape[0]
    reach = _reach(g)
    wrong = 0
    for i in range(d):
        z = h[:, i].copy()
        # nodes on directed paths from i (excluding i) that reach some j later
        children = np.flatnonzero(g[i])
        g_cut = g.copy()
        for j in range(d):
            if j == i:
                continue
            if z[j]:
                wrong += int(reach[i, j])
                continue
            if not reach[i, j]:
                # no causal effect: Z must block every path i ... j in G
                wrong += int(_d_connected_from(g, i, z)[j])
                continue
            # w on a directed path i -> ... -> j, w != i
            on_path = reach[i] & reach[:, j]
            on_path[i] = False
            forbidden = reach[on_path].any(axis=0)
            if (z & forbidden).any():
                wrong += 1
                continue
            # remove the first edge of each directed i -> j path
            g_cut = g.copy()
            first = children[reach[children, j]]
            g_cut[i, first] = False
            wrong += int(_d_connected_from(g_cut, i, z)[j])
    return wrong


def sid(truth: Any, pred: Any) -> int:
    """Structural intervention distance (count), via ``gadjid``.

    Same convention as :func:`sid_numpy` (used where gadjid cannot be imported).
    Both graphs must be DAGs.

    Examples
    --------
    >>> t = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    >>> sid(t, np.zeros((3, 3)))
    3
    """
    from engine.dag.result import is_dag

    g, h = _pair(truth, pred, "sid")
    if not (is_dag(g) and is_dag(h)):
        _check_dags(truth, pred, "sid")
    if g.shape[0] < 2:
        return 0  # no pair of distinct nodes (and gadjid panics on one node)
    try:
        import gadjid
    except ImportError:  # pragma: no cover - a platform without gadjid's wheel
        return sid_numpy(g, h)
    _, count = gadjid.sid(
        g.astype(np.int8), h.astype(np.int8), edge_direction="from row to column"
    )
    return int(count)


def ancestor_aid(truth: Any, pred: Any) -> int:
    """Ancestor adjustment identification distance (count), via ``gadjid``.

    Ordered pairs (i, j) whose causal effect is wrongly inferred when ``pred``'s
    ancestors of i are used as the adjustment set (a pair where j is not a
    descendant of i in ``pred`` claims no effect); between 0 and d(d-1). Both
    graphs must be DAGs.

    Examples
    --------
    >>> t = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    >>> ancestor_aid(t, np.zeros((3, 3))), ancestor_aid(t, t)
    (3, 0)
    """
    from engine.dag.result import is_dag

    g, h = _pair(truth, pred, "ancestor_aid")
    if not (is_dag(g) and is_dag(h)):
        _check_dags(truth, pred, "ancestor_aid")
    if g.shape[0] < 2:
        return 0  # no pair of distinct nodes (and gadjid panics on one node)
    import gadjid

    _, count = gadjid.ancestor_aid(
        g.astype(np.int8), h.astype(np.int8), edge_direction="from row to column"
    )
    return int(count)


def compare_graphs(
    truth: Any, pred: Any, *, reversed_cost: int = 1
) -> dict[str, float]:
    """Every metric of this module in one dict.

    Keys: ``shd`` (a reversal costs ``reversed_cost``), ``shd_double`` (a
    reversal costs 2, cdt's default), ``shd_cpdag``, ``sid``, ``ancestor_aid``,
    ``tpr``, ``fdr``, ``fpr``, ``precision``, ``recall``, ``f1``, ``n_edges``,
    ``n_true_edges``, ``n_reversed``, ``n_missing``, ``n_extra``;
    :data:`METRIC_CONVENTIONS` says what each counts. On one node every count
    is 0 and the rates are NaN (no edge can exist). Either graph may be an
    array, a labelled DataFrame or a :class:`~engine.dag.result.DagResult`
    (``compare_graphs(sample.truth, result)``).

    A rate with nothing to divide by is NaN, not 0 or 1: ``precision`` and
    ``fdr`` when ``pred`` has no edge (``n_edges`` 0: nothing was claimed, so
    no share of the claims is right or wrong), ``tpr``/``recall`` when
    ``truth`` has none, ``f1`` when neither has (0 when only one has). Test
    with ``math.isnan``; ``n_edges`` and ``recall`` (0 for an empty prediction
    of a non-empty truth) say what happened.

    Raises
    ------
    DataError
        The graphs are not square arrays of one shape, or two DataFrames
        have different labels.
    GraphError
        Graphs without nodes, NaN entries, self-loops, a DataFrame whose row
        labels are not its column labels, or (SID) a cycle.

    Examples
    --------
    >>> m = compare_graphs(np.array([[0, 1], [0, 0]]), np.array([[0, 0], [1, 0]]))
    >>> m["shd"], m["shd_cpdag"], m["sid"], m["n_reversed"]
    (1, 0, 2, 1)
    """
    c = _counts(truth, pred, "compare_graphs")
    _check_dags(truth, pred, "compare_graphs")
    return {
        "shd": shd(truth, pred, reversed_cost),
        "shd_double": shd(truth, pred, 2),
        "shd_cpdag": shd_cpdag(truth, pred),
        "sid": sid(truth, pred),
        "ancestor_aid": ancestor_aid(truth, pred),
        "tpr": tpr(truth, pred),
        "fdr": fdr(truth, pred),
        "fpr": fpr(truth, pred),
        "precision": precision(truth, pred),
        "recall": recall(truth, pred),
        "f1": f1_score(truth, pred),
        "n_edges": c["n_pred"],
        "n_true_edges": c["n_true"],
        "n_reversed": c["reversed"],
        "n_missing": c["missing"],
        "n_extra": c["extra"],
    }
