"""The result of :func:`engine.graphs.learn_graph`: a frozen dataclass of arrays."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from engine.results import ArraySpec, ResultMixin

if TYPE_CHECKING:
    from engine.graphs.splits import Split

__all__ = ["GraphResult", "edge_homophily", "validation_accuracies"]

SPLIT_NAMES = ("train", "val", "es", "test")


@dataclass(frozen=True, eq=False, repr=False)
class GraphResult(ResultMixin):
    """Learned edge distribution, predictions and provenance of one LDS fit.

    Attributes
    ----------
    method : str
        ``"lds"`` (learned graph) or a baseline name.
    test_accuracy : float
        Accuracy on the labelled test nodes at the selected outer iteration.
    val_accuracy : float
        Accuracy on all validation nodes (both halves: the one that drives the
        graph and the early-stopping one) at the selected outer iteration: the
        same nodes as every baseline's ``val_accuracy``, which selects its
        hyperparameter on them. LDS has fitted the graph to one half and selected
        its state on the other, so, like the baselines' score, it is not a held-out
        estimate: compare methods by ``test_accuracy``.
    es_accuracy : float
        Accuracy on the early-stopping half of the validation nodes alone: LDS's
        model-selection score (NaN in results saved before it was recorded).
    predictions : ndarray of shape (n_nodes,), int64
        Predicted class index per node (into ``classes``), averaged over
        ``n_samples`` sampled graphs.
    probabilities : ndarray of shape (n_nodes, n_classes), float64
        Class probabilities averaged over the sampled graphs.
    labels : ndarray of shape (n_nodes,), int64
        True class index per node, -1 where unknown.
    classes : tuple of str
        Class names in index order.
    node_names : tuple of str
        One name per node (the table's index).
    split : ndarray of shape (n_nodes,), int8
        Per node 0 train, 1 val (outer objective), 2 es (early stopping), 3 test,
        -1 unlabelled.
    edges : ndarray of shape (n_edges, 2), int64
        The strongest learned edges ``i < j`` with θ > 0, strongest first, at
        most ``n_top_edges`` of them (default ``20 · n_nodes``). Equal θ are
        ordered by the node pair, lower ``i`` then lower ``j`` first; when the
        cut falls inside such a tie, ``warnings`` says how many pairs tie at the
        cut-off θ and how many of them were kept.
    edge_probabilities : ndarray of shape (n_edges,), float64
        Their Bernoulli probabilities θ_ij.
    initial_edges : ndarray of shape (n_initial, 2), int64
        Edges ``i < j`` of the graph θ started from (given or kNN).
    probability_matrix : ndarray of shape (n_nodes, n_nodes), float32, or None
        Full symmetric θ (zero diagonal) when ``return_matrix=True``.
    expected_edges : float
        Σ θ_ij, the expected number of edges of a sample.
    homophily_learned : float
        Expected edge homophily of a sample: Σ θ_ij [y_i = y_j] / Σ θ_ij over
        pairs with both labels known (all known labels, test included: a
        diagnostic, never used in training).
    homophily_initial : float
        Edge homophily of the initial graph, same pairs.
    history : dict of str to ndarray of shape (n_outer,)
        Per outer iteration: ``outer_iter``, ``es_accuracy``, ``es_loss`` (on the
        early-stopping half), ``val_accuracy``, ``val_loss`` (on the half that
        drives the graph, not both halves), ``all_val_accuracy`` (on all
        validation nodes, as ``val_accuracy`` above; absent from results saved
        before it was recorded), ``train_loss``, ``inner_steps``,
        ``inner_lr``, ``expected_edges``, ``same_class_prob``, ``diff_class_prob``,
        ``elapsed_s``.
    best_iter : int
        Outer iteration whose state was selected.
    n_outer_iter : int
        Outer iterations run.
    stopped : bool
        Stopped on request (a partial result).
    baselines : dict of str to dict
        Per baseline name: ``test_accuracy``, ``val_accuracy`` (all validation
        nodes, as LDS's), ``es_accuracy`` (the early-stopping half, as LDS's) and
        ``elapsed_s``.
    timings : dict of str to float
        Seconds per stage (``graph``, ``fit``, ``baselines``, ``total``).
    memory_estimate_bytes : int
        The pre-fit estimate of the peak memory of the N×N buffers.
    seed : int
        Seed actually used.
    device : str
        Resolved device.
    config : dict
        Full configuration (:class:`LdsConfig` fields).
    engine_version : str
    warnings : tuple of str
        Notes on the fit for the user: the task's (e.g. a class without a
        training node), a stop request, baselines not run after it, and a cut
        of ``edges`` that falls inside a tie.
    """

    method: str
    test_accuracy: float
    val_accuracy: float
    predictions: np.ndarray
    probabilities: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]
    node_names: tuple[str, ...]
    split: np.ndarray
    edges: np.ndarray
    edge_probabilities: np.ndarray
    initial_edges: np.ndarray
    expected_edges: float
    homophily_learned: float
    homophily_initial: float
    history: dict[str, np.ndarray]
    best_iter: int
    n_outer_iter: int
    stopped: bool
    seed: int
    device: str
    config: dict[str, Any]
    engine_version: str
    probability_matrix: np.ndarray | None = None
    es_accuracy: float = math.nan
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    memory_estimate_bytes: int = 0
    warnings: tuple[str, ...] = ()

    _tuple_fields: ClassVar[tuple[str, ...]] = ("classes", "node_names", "warnings")
    _arrays: ClassVar[dict[str, ArraySpec]] = {
        "predictions": ("iu", ("n",)),
        "probabilities": ("fiu", ("n", "k")),
        "labels": ("iu", ("n",)),
        "split": ("iu", ("n",)),
        "edges": ("iu", ("e", 2)),
        "edge_probabilities": ("fiu", ("e",)),
        "initial_edges": ("iu", ("m", 2)),
        "probability_matrix": ("fiu", ("n", "n")),
    }
    _sizes: ClassVar[dict[str, str]] = {"n": "node_names", "k": "classes"}
    _unique_fields: ClassVar[tuple[str, ...]] = ("classes",)

    def __post_init__(self) -> None:
        self._freeze_arrays()
        hist = {k: np.asarray(v) for k, v in self.history.items()}
        for v in hist.values():
            v.setflags(write=False)
        object.__setattr__(self, "history", hist)

    def _load_problems(self) -> list[str]:
        """Class codes, split codes and edge ends of a loaded result must be valid."""
        k, n = len(self.classes), len(self.node_names)
        ranges = (
            ("predictions", 0, k - 1, "class indices into 'classes'"),
            ("labels", -1, k - 1, "class indices into 'classes', or -1"),
            ("split", -1, len(SPLIT_NAMES) - 1, "split codes -1..3"),
            ("edges", 0, n - 1, "node indices"),
            ("initial_edges", 0, n - 1, "node indices"),
        )
        problems = []
        for name, low, high, what in ranges:
            values = getattr(self, name)
            bad = values[(values < low) | (values > high)]
            if bad.size:
                problems.append(
                    f"{name!r} holds {sorted(set(bad.tolist()))[:10]}; it must hold "
                    f"{what}, {low}..{high}"
                )
        return problems

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.predictions.shape[0])

    def _summary(self) -> tuple[str, list[tuple[str, Any]]]:
        items: list[tuple[str, Any]] = [
            ("method", self.method),
            ("nodes", self.n_nodes),
            ("classes", len(self.classes)),
            ("test_accuracy", self.test_accuracy),
            ("val_accuracy", self.val_accuracy),
            ("expected_edges", self.expected_edges),
            ("n_outer_iter", self.n_outer_iter),
            ("seed", self.seed),
            ("device", self.device),
        ]
        if self.stopped:
            items.append(("stopped", True))
        if self.baselines:
            items.append(("baselines", ", ".join(self.baselines)))
        if self.warnings:
            items.append(("warnings", len(self.warnings)))
        return "GraphResult", items

    def edge_frame(self) -> pd.DataFrame:
        """Strongest learned edges as a table: ``source``, ``target``, ``probability``.

        ``source`` and ``target`` are node names; the initial graph's membership is
        in ``initial`` (bool).
        """
        names = np.asarray(self.node_names, dtype=object)
        initial = {tuple(e) for e in self.initial_edges.tolist()}
        return pd.DataFrame(
            {
                "source": names[self.edges[:, 0]] if len(self.edges) else [],
                "target": names[self.edges[:, 1]] if len(self.edges) else [],
                "probability": self.edge_probabilities,
                "initial": [tuple(e) in initial for e in self.edges.tolist()],
            }
        )

    def prediction_frame(self) -> pd.DataFrame:
        """Per node: name, split, true and predicted class, and its probability."""
        classes = np.asarray(self.classes, dtype=object)
        truth = np.where(self.labels >= 0, classes[np.clip(self.labels, 0, None)], None)
        split_names = np.asarray((*SPLIT_NAMES, "unlabelled"), dtype=object)
        return pd.DataFrame(
            {
                "node": list(self.node_names),
                "split": split_names[self.split.astype(np.int64)],
                "label": truth,
                "predicted": classes[self.predictions],
                "probability": self.probabilities.max(axis=1),
                "correct": np.where(
                    self.labels >= 0, self.labels == self.predictions, None
                ),
            }
        )

    def adjacency(self, threshold: float = 0.5) -> np.ndarray:
        """Symmetric boolean adjacency of the kept edges with θ above ``threshold``."""
        adj = np.zeros((self.n_nodes, self.n_nodes), dtype=bool)
        keep = self.edges[self.edge_probabilities > threshold]
        adj[keep[:, 0], keep[:, 1]] = True
        return adj | adj.T

    def to_text(self, format: str, threshold: float = 0.0) -> str:
        """The kept edges with θ above ``threshold`` as graph text.

        Parameters
        ----------
        format : {"json", "gml", "dot", "edgelist"}
            Undirected GML (``directed 0``), DOT (``graph``, ``--``), node-link
            JSON or a CSV edge list; the edge weight is θ, node labels are
            ``node_names``.
        threshold : float, default=0.0

        Returns
        -------
        str
        """
        from engine.graph_io import undirected_graph_text

        keep = self.edge_probabilities > threshold
        return undirected_graph_text(
            [str(n) for n in self.node_names],
            self.edges[keep],
            self.edge_probabilities[keep],
            format,
        )

    def to_networkx(self, threshold: float = 0.0) -> Any:
        """Undirected networkx graph of the kept edges (attribute ``probability``)."""
        import networkx as nx

        graph = nx.Graph()
        for i, name in enumerate(self.node_names):
            graph.add_node(name, label=int(self.labels[i]), split=int(self.split[i]))
        for (i, j), p in zip(self.edges, self.edge_probabilities, strict=True):
            if p > threshold:
                graph.add_edge(
                    self.node_names[i], self.node_names[j], probability=float(p)
                )
        return graph


def edge_homophily(
    edges: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """Weighted share of edges whose two ends have the same (known) label.

    Parameters
    ----------
    edges : ndarray of shape (n_edges, 2), int
    labels : ndarray of shape (n_nodes,), int
        -1 marks an unknown label; such edges are ignored.
    weights : ndarray of shape (n_edges,), optional
        Edge weights (probabilities); default 1.

    Returns
    -------
    float
        In [0, 1], NaN when no edge joins two labelled nodes.

    Examples
    --------
    >>> edge_homophily(np.array([[0, 1], [1, 2]]), np.array([0, 0, 1]))
    0.5
    """
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    w = np.ones(len(edges)) if weights is None else np.asarray(weights, dtype=float)
    a, b = labels[edges[:, 0]], labels[edges[:, 1]]
    known = (a >= 0) & (b >= 0)
    total = w[known].sum()
    if total == 0:
        return float("nan")
    return float(w[known & (a == b)].sum() / total)


def validation_accuracies(
    predictions: np.ndarray, labels: np.ndarray, split: Split
) -> tuple[float, float]:
    """Accuracy on the early-stopping half and on all validation nodes.

    Every method of a fit (LDS and each baseline) is scored by this function, so
    the ``val_accuracy`` of each is measured on the same nodes.

    Parameters
    ----------
    predictions : ndarray of shape (n_nodes,), int
        Predicted class index per node.
    labels : ndarray of shape (n_nodes,), int
        True class index per node (validation nodes are always labelled).
    split : Split
        ``val`` (the half that drives the graph) and ``es`` (early stopping).

    Returns
    -------
    es_accuracy : float
        On ``split.es``.
    val_accuracy : float
        On ``split.val`` and ``split.es`` together.

    Examples
    --------
    >>> from engine.graphs.splits import Split
    >>> split = Split(train=[0], val=[1, 2], es=[3, 4], test=[], n_nodes=5)
    >>> validation_accuracies(np.array([0, 0, 1, 1, 0]), np.zeros(5, int), split)
    (0.5, 0.5)
    """
    pred = np.asarray(predictions)
    both = np.concatenate([split.val, split.es])
    es_acc = float((pred[split.es] == labels[split.es]).mean())
    return es_acc, float((pred[both] == labels[both]).mean())
