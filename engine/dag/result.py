"""The result of a DAG fit: adjacency, weights, history and provenance."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import networkx as nx
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from engine.errors import ConfigError, EngineError, GraphError, format_names, plain
from engine.names import name_position
from engine.results import ArraySpec, ResultMixin, from_jsonable, values_equal

__all__ = ["DagResult", "is_dag"]


def is_dag(adjacency: Any) -> bool:
    """Whether a (d, d) adjacency (``[i, j]`` != 0 iff i -> j) has no directed cycle.

    Examples
    --------
    >>> is_dag(np.array([[0, 1], [0, 0]]))
    True
    >>> is_dag(np.array([[0, 1], [1, 0]]))
    False
    """
    a = (np.asarray(adjacency) != 0).astype(np.int64)
    indeg = a.sum(0)
    stack = list(np.flatnonzero(indeg == 0))
    seen = 0
    while stack:
        i = stack.pop()
        seen += 1
        for j in np.flatnonzero(a[i]):
            indeg[j] -= 1
            if indeg[j] == 0:
                stack.append(j)
    return seen == a.shape[0]


def _arrow(edge: tuple[Any, Any]) -> str:
    """``'a' -> 'b'`` of a (source, target) pair: names quoted, so that the
    number ``0`` reads apart from the name ``'0'``."""
    return f"{plain(edge[0])!r} -> {plain(edge[1])!r}"


def _is_number(value: Any) -> bool:
    """Whether ``value`` is a real number (a bool is not one)."""
    numeric = isinstance(value, int | float | np.integer | np.floating)
    return numeric and not isinstance(value, bool | np.bool_)


# how far a weight or probability listed under "edges" may be from the matrix
# entry it is written from: another tool's float round trip changes the last
# digits, an edit changes more
_REL_TOL = 1e-9
_ABS_TOL = 1e-12  # for values near 0, where a relative tolerance is none


def _close(mine: Any, theirs: Any) -> bool:
    """Whether a listed weight or probability ``theirs`` agrees with the matrix
    entry ``mine``: equal (NaN to NaN, both absent), or numbers within
    ``_REL_TOL`` relative or ``_ABS_TOL`` absolute."""
    if values_equal(mine, theirs):
        return True
    if not (_is_number(mine) and _is_number(theirs)):
        return False
    try:
        a, b = float(mine), float(theirs)
    except OverflowError:  # an integer beyond float64
        return False
    return math.isclose(a, b, rel_tol=_REL_TOL, abs_tol=_ABS_TOL)


def _number(value: Any) -> str:
    """A weight or probability as a message shows it (text quoted); ``none``
    when absent."""
    if value is None:
        return "none"
    return str(plain(value)) if _is_number(value) else _shown_list(plain(value))


def _shown_list(value: Any) -> str:
    """A loaded list of names or records, shortened for a message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True, eq=False, repr=False)
class DagResult(ResultMixin):
    """A learned DAG over named nodes.

    Attributes
    ----------
    adjacency : ndarray of bool, shape (d, d)
        ``adjacency[i, j]`` is True iff the edge ``i -> j`` was learned (row =
        parent, column = child). Always acyclic.
    weights : ndarray of float64, shape (d, d)
        Edge weights, zero where there is no edge: linear-SEM coefficients for the
        linear edge model (least squares on the selected parents), the L2 norm of
        the first-layer weights for the MLP.
    node_names : tuple of str, length d
        Column names, in data order.
    history : dict of str to ndarray of shape (n_iter,)
        Per-epoch curves, per method. ``"permutahedron"``: ``step``, ``loss``,
        ``n_edges``, ``entropy`` (of the distribution over orderings, nats),
        ``n_orderings``, ``elapsed_s``. ``"dagdb"``: ``step``, ``loss``,
        ``mse``, ``dag`` (acyclicity penalty), ``size`` (mean sampled edges),
        ``n_edges`` (of the noise-free MAP graph), ``lam`` (the fixed lambda,
        or AIMLE's beta), ``elapsed_s``.
    ordering : tuple of int, length d
        The ordering the graph was read from, upstream first (node indices);
        empty for ``"dagdb"``, whose graph is not read from an ordering.
    stopped : bool
        True when the fit was stopped on request (partial result).
    converged : bool
        True when early stopping triggered before ``max_iter``. Always False
        with ``patience=0`` (DAG-DB's default; either method), which runs
        ``max_iter`` epochs by design; a fit with early stopping on that
        reaches ``max_iter`` instead warns
        (:class:`~engine.ConvergenceWarning`, kept in ``warnings``).
    n_iter : int
        Epochs run.
    method : str
        Registry name of the method (``"permutahedron"``, ...).
    config : dict
        The full method configuration (``dataclasses.asdict``).
    seed : int
        Seed actually used.
    device : str
        Resolved device, e.g. ``"cpu"``.
    elapsed_s : float
        Wall time of the fit.
    engine_version : str
        ``engine.__version__`` that produced the result.
    warnings : tuple of str
        Messages of warnings raised during the fit.
    weight_threshold : float
        ``0.0`` for a fit as learned; for a copy made by :meth:`thresholded`, the
        |weight| below which the fit's edges were removed.
    prior : dict or None
        The prior knowledge the fit enforced, as
        :meth:`PriorKnowledge.to_dict <engine.dag.PriorKnowledge.to_dict>` writes
        it over ``node_names``: ``names``, ``forbidden`` and ``required`` edges
        as ``[source, target]`` names, ``tiers`` by name (or None); None for a
        fit without one (and in results saved before it was recorded).
        ``PriorKnowledge.from_dict(result.prior)`` gives the prior back. A
        :class:`~engine.dag.PriorKnowledge` given here is stored as its dict.
    edge_probabilities : ndarray of float64, shape (d, d), or None
        How sure the fit is of each possible edge ``i -> j``, in [0, 1]: a
        distribution over edges (DAG-DB) or over orderings, each with its
        fitted edges (permutahedron); None in results saved before the field
        existed.

        ``"dagdb"``: the marginal edge probabilities of the learned edge
        distribution at the end of training, ``sigmoid(theta_ij / tau)`` of the
        final scores ``theta`` and the noise ``temperature`` tau: the edges of
        ``p(Z) ∝ exp(<Z, theta> / tau)`` are independent Bernoullis with these
        means. With logistic noise, no ``max_size`` and ``train_dag="none"``
        (the defaults) each training sample holds each edge with exactly this
        probability; other noises and ``max_size`` sample that distribution
        approximately (``noise="none"`` with tau = 0: 1 for a positive score, 0
        for a negative one). They are taken *before* any cycle handling: before
        ``train_dag``'s (with ``"two_cycles"`` or ``"fas"`` both edges of a pair
        can be near 1 although each sample keeps one of them), before the final
        feedback arc set and before ``prune_threshold``: every edge of
        ``adjacency`` but a required one has a probability above 0.5 (the
        noise-free MAP graph keeps the positive scores), but an edge above 0.5
        may be missing from it (cut by ``max_size``, the feedback arc set or
        pruning). Edges substitute for each other across samples: on a
        chain ``a -> b -> c`` the skip edge ``a -> c`` can keep a high
        probability (it helps the samples that lack ``b -> c``) although its
        refitted weight is about 0 and pruning drops it. Prior knowledge is
        exact: forbidden edges (and edges against the tiers) are 0, required
        edges 1 and their reverses 0; the diagonal is 0. With the default
        options (I-MLE, 200 epochs) the scores stay small against tau, so most
        values lie near 0.5 even when the graph is right (a simulated 5-node
        ER graph, n = 500: true edges 0.42-0.60, absent pairs 0.05-0.52): they
        rank the edges rather than state a calibrated confidence.

        ``"permutahedron"``: the share of the learner's final distribution over
        orderings whose fitted DAG holds the edge,
        ``P(i -> j) = sum_k alpha_k 1[i -> j in the DAG fitted for ordering k]``.
        The orderings and their weights ``alpha_k`` (top-k sparsemax or
        SparseMAP, summing to 1) are the distribution of the final node scores,
        the one the MAP ordering (ascending scores) is read from; ``history``'s
        last ``entropy`` and ``n_orderings`` describe the last epoch's
        distribution, one step on the scores before it. The DAG of ordering k
        is the edge model's selection given that ordering: in bilevel training
        the edges fitted for it during training (an ordering of the final
        distribution that no epoch fitted is fitted once afterwards, with the
        same settings); in joint training the shared edge mask (``pi > 0.5``,
        required edges on) cut to the ordering's complete DAG. Every such DAG
        is acyclic, so ``P(i -> j) + P(j -> i) <= 1``; an edge every ordering's
        DAG holds has probability 1 (the edges of a fork whose orderings only
        permute the children, for instance). The numbers describe how the
        orderings disagree, not how sure each ordering's edge fit is (the
        default backward elimination is deterministic): they are no posterior
        probability. ``adjacency`` is the refit of one ordering and need not
        agree with them: by default (``select="best_seen"``, ``polish=True``)
        that ordering is the best-scoring one seen in training, then improved
        by swapping and moving single nodes, and it need not be in the final
        distribution; joint training refits it afresh with longer edge fits. An edge of
        ``adjacency`` can therefore have a low probability, and an edge above
        0.5 can be missing from it. With ``structure="topk"`` (the default),
        ``select="map"``, ``polish=False`` and bilevel backward elimination
        (deterministic), ``adjacency`` is the DAG fitted for the MAP ordering,
        which top-k always keeps in the distribution: each of its edges has at
        least that ordering's weight, and every edge of probability 1 is in it
        (SparseMAP's support need not hold the MAP ordering).
        Prior knowledge is exact: forbidden edges (and edges against the tiers)
        are 0, required edges 1; the diagonal is 0. None when a stop request
        came before every ordering of the final distribution was fitted; when
        it came only after training (the graph is then complete, ``stopped``
        False) a ``StoppedWarning`` in ``warnings`` says they were skipped.

        :meth:`thresholded` keeps this field whole: it describes the fit, not
        the edges shown.

    Notes
    -----
    Two results are equal (``==``) when every field but the timings
    (``elapsed_s``, ``history["elapsed_s"]``) is: arrays element by element (NaN
    equal to NaN), ``history`` and ``config`` key by key. A result therefore equals
    its JSON round trip, and two fits of the same data with the same seed,
    options and device are equal. Results are hashable (the hash reads the
    names, the adjacency, the ordering, the method and the seed).

    The JSON (:meth:`to_json`, :meth:`to_dict`) starts with ``nodes`` (the
    node names) and ``edges`` (:meth:`edge_records`), written from the fields
    for readers without this library; :meth:`from_json` reads the fields and
    refuses a file whose ``nodes`` or ``edges`` disagree with them (files
    without the two keys load as before); a listed weight or probability
    agrees within 1e-9 relative (1e-12 absolute near 0), and the fields are
    the result.
    """

    adjacency: NDArray[np.bool_]
    weights: NDArray[np.float64]
    node_names: tuple[str, ...]
    history: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    ordering: tuple[int, ...] = ()
    stopped: bool = False
    converged: bool = False
    n_iter: int = 0
    method: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    device: str = "cpu"
    elapsed_s: float = 0.0
    engine_version: str = ""
    warnings: tuple[str, ...] = ()
    weight_threshold: float = 0.0
    prior: dict[str, Any] | None = None
    edge_probabilities: NDArray[np.float64] | None = None

    _tuple_fields: ClassVar[tuple[str, ...]] = ("node_names", "ordering", "warnings")
    _arrays: ClassVar[dict[str, ArraySpec]] = {
        "adjacency": ("biuf", ("d", "d")),
        "weights": ("fiu", ("d", "d")),
        "edge_probabilities": ("fiu", ("d", "d")),
    }
    _sizes: ClassVar[dict[str, str]] = {"d": "node_names"}
    _unique_fields: ClassVar[tuple[str, ...]] = ("node_names",)

    def __post_init__(self) -> None:
        object.__setattr__(self, "adjacency", np.asarray(self.adjacency, dtype=bool))
        object.__setattr__(self, "weights", np.asarray(self.weights, dtype=float))
        object.__setattr__(self, "node_names", tuple(str(n) for n in self.node_names))
        object.__setattr__(self, "ordering", tuple(int(i) for i in self.ordering))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "weight_threshold", float(self.weight_threshold))
        if self.edge_probabilities is not None:
            p = np.asarray(self.edge_probabilities, dtype=np.float64)
            object.__setattr__(self, "edge_probabilities", p)
        if self.prior is not None and not isinstance(self.prior, dict):
            object.__setattr__(self, "prior", self.prior.to_dict())
        hist = {k: np.asarray(v, dtype=float) for k, v in self.history.items()}
        for v in hist.values():
            v.setflags(write=False)
        object.__setattr__(self, "history", hist)
        self._freeze_arrays()

    def _load_problems(self) -> list[str]:
        """A loaded DAG must be acyclic, its ordering must name its nodes and its
        edge probabilities must be probabilities."""
        problems = []
        if not self.is_dag:
            problems.append(
                "'adjacency' has a directed cycle (or a self-loop); a learned DAG "
                "is acyclic"
            )
        d = self.n_nodes
        outside = [i for i in self.ordering if not 0 <= i < d]
        if outside:
            problems.append(
                f"'ordering' holds {sorted(set(outside))[:10]}, outside the node "
                f"indices 0..{d - 1}"
            )
        return problems + self._probability_problems() + self._prior_problems()

    def _probability_problems(self) -> list[str]:
        """Edge probabilities, when present, must lie in [0, 1] (NaN refused)."""
        p = self.edge_probabilities
        if p is None:
            return []
        bad = p[~((p >= 0) & (p <= 1))]
        if not bad.size:
            return []
        shown = ", ".join(str(plain(v)) for v in bad[:5].tolist())
        return [
            f"'edge_probabilities' holds {bad.size} value(s) outside [0, 1] "
            f"({shown}); they are probabilities"
        ]

    def _prior_problems(self) -> list[str]:
        """A recorded prior must be a prior over the result's nodes."""
        from engine.dag.prior import PriorKnowledge

        if self.prior is None:
            return []
        try:
            prior = PriorKnowledge.from_dict(self.prior)
        except EngineError as err:
            why = str(err).rstrip(".")
            return [f"'prior' is not a prior's to_dict ({why})"]
        if prior.names != self.node_names:
            return [
                f"'prior' is over the nodes {format_names(prior.names, 10)}, not "
                f"the result's {format_names(self.node_names, 10)}"
            ]
        return []

    @property
    def n_nodes(self) -> int:
        """Number of nodes ``d``."""
        return len(self.node_names)

    @property
    def n_edges(self) -> int:
        """Number of learned edges."""
        return int(self.adjacency.sum())

    def _summary(self) -> tuple[str, list[tuple[str, Any]]]:
        items: list[tuple[str, Any]] = [
            ("method", self.method),
            ("nodes", self.n_nodes),
            ("edges", self.n_edges),
            ("n_iter", self.n_iter),
            ("converged", self.converged),
            ("seed", self.seed),
            ("device", self.device),
            ("elapsed_s", round(self.elapsed_s, 1)),
        ]
        if self.stopped:
            items.append(("stopped", True))
        if self.weight_threshold > 0:
            items.append(("weight_threshold", self.weight_threshold))
        if self.warnings:
            items.append(("warnings", len(self.warnings)))
        return "DagResult", items

    @property
    def is_dag(self) -> bool:
        """Whether the adjacency is acyclic (always True for engine learners)."""
        return is_dag(self.adjacency)

    def edges(self) -> list[tuple[str, str, float]]:
        """Edges as ``(source, target, weight)``, sorted by decreasing |weight|."""
        out = [
            (self.node_names[i], self.node_names[j], float(self.weights[i, j]))
            for i, j in np.argwhere(self.adjacency)
        ]
        return sorted(out, key=lambda e: -abs(e[2]))

    def edge_records(self) -> list[dict[str, Any]]:
        """The edges as JSON-ready records, as the result's JSON lists them.

        One ``{"source", "target", "weight"}`` dict per edge of ``adjacency``
        (names of ``node_names``, the weight of ``weights``), by decreasing
        |weight| as :meth:`edges`, with ``"probability"`` (of
        ``edge_probabilities``) when the result has edge probabilities.
        :meth:`to_json` writes them under ``edges``, and the node names under
        ``nodes``, so that the file reads without this library; the ``dag``
        command prints the same list.

        Returns
        -------
        list of dict
            Length ``n_edges``.

        Examples
        --------
        >>> r = DagResult(np.array([[0, 1], [0, 0]], bool),
        ...               np.array([[0, 0.5], [0, 0]]), ("a", "b"))
        >>> r.edge_records()
        [{'source': 'a', 'target': 'b', 'weight': 0.5}]
        """
        p = self.edge_probabilities
        index = {name: k for k, name in enumerate(self.node_names)}
        records = []
        for s, t, w in self.edges():
            record: dict[str, Any] = {"source": s, "target": t, "weight": w}
            if p is not None:
                record["probability"] = float(p[index[s], index[t]])
            records.append(record)
        return records

    def _readable(self) -> dict[str, Any]:
        """``nodes`` and ``edges`` (:meth:`edge_records`), ahead of the fields."""
        return {"nodes": list(self.node_names), "edges": self.edge_records()}

    def _readable_problems(self, data: dict[str, Any]) -> list[str]:
        """Where a loaded file's ``nodes`` and ``edges`` disagree with the
        matrices (the fields) they are written from; either may be absent."""
        problems = []
        nodes = data.get("nodes", self.node_names)
        if not values_equal(nodes, self.node_names):
            problems.append(
                f"'nodes' is {_shown_list(nodes)} but 'node_names' is "
                f"{format_names(self.node_names, 10)}"
            )
        if "edges" in data:
            problems += self._edge_problems(data["edges"])
        if problems:
            problems[-1] += (
                "; the matrices ('node_names', 'adjacency', 'weights', "
                "'edge_probabilities') are the result and 'nodes' and 'edges' are "
                "written from them: delete 'nodes' and 'edges' to load the matrices "
                "as they are"
            )
        return problems

    def _edge_problems(self, listed: Any) -> list[str]:
        """How the records ``listed`` under ``edges`` differ from
        :meth:`edge_records` (in any order); ``[]`` when they do not."""
        try:
            records = from_jsonable(listed)
            given = {(r["source"], r["target"]): r for r in records}
            ok = all(isinstance(r, dict) and "weight" in r for r in records)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
            ok = False
        if not ok or not isinstance(listed, list):
            return [
                "'edges' must be a list of {source, target, weight} objects, as "
                f"to_json writes it; got {_shown_list(listed)}"
            ]
        if len(given) < len(records):
            keys = [(r["source"], r["target"]) for r in records]
            twice = next(k for n, k in enumerate(keys) if k in keys[:n])
            return [f"'edges' lists {_arrow(twice)} more than once"]
        own = {(r["source"], r["target"]): r for r in self.edge_records()}
        diffs = [
            f"'edges' lacks {_arrow(k)}, an edge of 'adjacency'"
            for k in own
            if k not in given
        ]
        diffs += [
            f"'edges' has {_arrow(k)}, which 'adjacency' has not"
            for k in given
            if k not in own
        ]
        for k in (k for k in own if k in given):
            for key, field_ in (
                ("weight", "weights"),
                ("probability", "edge_probabilities"),
            ):
                mine, theirs = own[k].get(key), given[k].get(key)
                if mine is not None and key in given[k] and not _is_number(theirs):
                    diffs.append(
                        f"{_arrow(k)} has {key} {_shown_list(plain(theirs))} in "
                        f"'edges', which must be a number ({_number(mine)} in "
                        f"{field_!r})"
                    )
                elif not _close(mine, theirs):
                    diffs.append(
                        f"{_arrow(k)} has {key} {_number(theirs)} in 'edges' but "
                        f"{_number(mine)} in {field_!r}"
                    )
        if len(diffs) > 3:
            diffs = [*diffs[:3], f"{len(diffs) - 3} more difference(s)"]
        return ["; ".join(diffs)] if diffs else []

    def thresholded(self, min_abs_weight: float) -> DagResult:
        """A copy without the edges whose |weight| is below ``min_abs_weight``.

        Removing edges from a DAG leaves a DAG, so the copy is one too. Every other
        field is kept; ``weight_threshold`` records the threshold (the larger of
        this result's and ``min_abs_weight``), so that the copy, and its JSON, say
        that edges were left out. A threshold of 0 keeps every edge.

        Parameters
        ----------
        min_abs_weight : float
            Edges with ``|weight| < min_abs_weight`` are removed; a finite number
            >= 0.

        Returns
        -------
        DagResult
            The copy (this result itself is unchanged).

        Raises
        ------
        ConfigError
            ``min_abs_weight`` is negative, not finite or not a number.

        Examples
        --------
        >>> r = DagResult(np.array([[0, 1], [0, 0]], bool),
        ...               np.array([[0, 0.2], [0, 0]]), ("a", "b"))
        >>> r.thresholded(0.5).n_edges, r.thresholded(0.1).n_edges
        (0, 1)
        """
        ok = isinstance(min_abs_weight, int | float | np.integer | np.floating)
        if not ok or isinstance(min_abs_weight, bool):
            raise ConfigError(
                "DagResult.thresholded: 'min_abs_weight' must be a number >= 0; got "
                f"{min_abs_weight!r}."
            )
        t = float(min_abs_weight)
        if not np.isfinite(t) or t < 0:
            raise ConfigError(
                "DagResult.thresholded: 'min_abs_weight' must be a finite number "
                f">= 0; got {plain(t)!r}. Use 0 to keep every edge."
            )
        # a NaN weight compares False and stays: only weights known to be small go
        hidden = self.adjacency & (np.abs(self.weights) < t)
        return replace(
            self,
            adjacency=self.adjacency & ~hidden,
            weights=np.where(hidden, 0.0, self.weights),
            weight_threshold=max(self.weight_threshold, t),
        )

    def __hash__(self) -> int:
        graph = (self.adjacency.shape, self.adjacency.tobytes())
        return hash((self.node_names, graph, self.ordering, self.method, self.seed))

    def to_frame(self) -> pd.DataFrame:
        """Edge table with columns ``source``, ``target`` (str), ``weight`` (float),
        and ``probability`` (float) when the result has ``edge_probabilities``.

        One line per edge, by decreasing |weight|; no lines (but the same columns
        and dtypes) for a graph without edges.
        """
        edges = self.edges()
        columns = {
            "source": pd.Series([e[0] for e in edges], dtype=object),
            "target": pd.Series([e[1] for e in edges], dtype=object),
            "weight": pd.Series([e[2] for e in edges], dtype=np.float64),
        }
        if self.edge_probabilities is not None:
            index = {name: k for k, name in enumerate(self.node_names)}
            columns["probability"] = pd.Series(
                [self.edge_probabilities[index[s], index[t]] for s, t, _ in edges],
                dtype=np.float64,
            )
        return pd.DataFrame(columns)

    def to_networkx(self) -> nx.DiGraph:
        """A :class:`networkx.DiGraph` with ``weight`` edge attributes."""
        g = nx.DiGraph()
        g.add_nodes_from(self.node_names)
        for s, t, w in self.edges():
            g.add_edge(s, t, weight=w)
        return g

    def node_index(self, node: str | int, owner: str = "DagResult") -> int:
        """Index of a node given by name (or by position), in ``node_names``.

        By the rule of :mod:`engine.names`: a value equal to a node name as
        stored (``1`` and ``"1"`` both name the node ``'1'``, as in a DataFrame
        with columns ``[3, 2, 1, 0]``) is that node; an integer that is no
        node name is a position only when no node name is a number, otherwise
        it is refused (the node at position ``p`` is ``node_names[p]``).

        Parameters
        ----------
        node : str or int
            A name of ``node_names``, or an index in ``0 .. d - 1`` when no
            node name is a number.
        owner : str, default="DagResult"
            The caller, named in the message.

        Returns
        -------
        int

        Raises
        ------
        GraphError
            ``node`` is no node name and not an index read as one.
        """
        return name_position(
            node,
            self.node_names,
            owner=owner,
            what="node",
            field="node_names",
            error=GraphError,
        )

    def parents(self, node: str | int) -> list[tuple[str, float]]:
        """Parents of a node with the weight of their edge.

        ``node`` is a node name, or an index when no node name is a number
        (:meth:`node_index`).

        Raises
        ------
        GraphError
            ``node`` is no node name and not an index read as one.
        """
        j = self.node_index(node, "DagResult.parents")
        return [
            (self.node_names[i], float(self.weights[i, j]))
            for i in np.flatnonzero(self.adjacency[:, j])
        ]

    def children(self, node: str | int) -> list[tuple[str, float]]:
        """Children of a node with the weight of their edge.

        ``node`` is a node name, or an index when no node name is a number
        (:meth:`node_index`).

        Raises
        ------
        GraphError
            ``node`` is no node name and not an index read as one.
        """
        i = self.node_index(node, "DagResult.children")
        return [
            (self.node_names[j], float(self.weights[i, j]))
            for j in np.flatnonzero(self.adjacency[i])
        ]
