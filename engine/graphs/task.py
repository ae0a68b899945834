"""Input checks shared by LDS and its baselines: features, labels, split, graph."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import torch

from engine.data import MatrixRecord, check_variance
from engine.errors import (
    ConfigError,
    DataError,
    DataWarning,
    GraphError,
    ResourceError,
    format_names,
    memory_words,
    warn_user,
)
from engine.graphs.config import LdsConfig
from engine.graphs.knn import (
    ROWS_HOW,
    adjacency_from_edges,
    describe_edge_list,
    knn_graph,
    node_name,
    repeated_names,
)
from engine.graphs.splits import (
    DEFAULT_SPLIT_SIZES,
    MIN_LABELLED,
    Split,
    _is_missing,
    make_split,
    paper_split,
    split_sizes_that_fit,
    too_few_labels_message,
)
from engine.validation import as_matrix, class_label_warning

__all__ = [
    "LONG_FIT_S",
    "NodeTask",
    "baseline_seconds",
    "check_class_labels",
    "check_knn_k",
    "check_resources",
    "estimate_memory",
    "estimate_seconds",
    "inner_step_seconds",
    "inner_steps",
    "outer_iterations",
    "outer_seconds",
    "prepare_task",
]

# N×N buffers alive at the peak of a fit: θ, the best θ, the hypergradient
# accumulator and its transpose while it is symmetrised, the uniform draw, the
# sampled graph (dense while it is built), and the transients of the kNN graph and of
# the projection. Measured (peak RSS growth with glibc's mmap threshold at 64 kB, so
# that freed buffers are returned) at 8.5-10.5 buffers for 2 000 nodes, tau 2-40.
N2_BUFFERS = 10
# Columns of N-vectors held by the low-rank hypergradient factors: two lists of up
# to AdjacencyGradient.budget (512) columns and their concatenated copies.
FACTOR_COLUMNS = 4 * 512


@dataclass(frozen=True)
class NodeTask:
    """A validated transductive node-classification task (CPU NumPy arrays).

    Attributes
    ----------
    X : ndarray of shape (n_nodes, n_features), float64
        Pre-processed features.
    labels : ndarray of shape (n_nodes,), int64
        Class indices, -1 where unknown.
    classes : tuple of str
    node_names : tuple of str
    split : Split
    graph : ndarray of shape (n_nodes, n_nodes), bool
        Initial graph (given or kNN), symmetric, empty diagonal.
    graph_source : str
        ``"given"`` or ``"knn"``.
    notes : tuple of str
        Warnings about the inputs (also issued as :class:`DataWarning`), for the
        result's ``warnings``.
    """

    X: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]
    node_names: tuple[str, ...]
    split: Split
    graph: np.ndarray
    graph_source: str
    notes: tuple[str, ...] = ()

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.X.shape[0])

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return len(self.classes)


def prepare_task(
    X: Any,
    y: Any,
    split: Split | str | Mapping[str, Any] | None,
    graph: Any,
    config: LdsConfig,
    *,
    owner: str = "learn_graph",
    seed: int = 0,
    check_size: Callable[[int], object] | None = None,
) -> NodeTask:
    """Validate and pre-process the inputs of a fit.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_nodes, n_features)
    y : array-like of shape (n_nodes,)
        Labels; ``NaN``/``None``/empty mark unlabelled nodes.
    split : Split, str, mapping or None
        A :class:`Split`; a paper protocol name (``"wine"``, ``"breast_cancer"``,
        ``"digits"``; seeded by ``seed``); or a mapping with boolean masks
        ``train``, ``val`` and optionally ``test`` and ``es`` (no other key); a
        pandas Series mask is matched to a DataFrame ``X``'s rows by index label;
        ``None``: a split of :data:`DEFAULT_SPLIT_SIZES` (seeded by ``seed``).
    graph : None, ndarray of shape (n_nodes, n_nodes), edge array or DataFrame
        Initial graph; ``None`` builds the kNN graph of the features.
    config : LdsConfig
    owner : str
        Name used in error messages.
    seed : int
        Seed of a named split protocol.
    check_size : callable, optional
        Called with the number of nodes as soon as ``X`` is validated, before
        any O(N²) work (the kNN graph, a dense adjacency); it may raise, e.g.
        :func:`check_resources` refusing a graph that would not fit in memory.

    Returns
    -------
    NodeTask
    """
    node_names = _node_names(X)
    _check_unique_names(X, owner)
    features, columns = as_matrix(X, owner, min_rows=3)
    check_variance(features, columns, owner)
    n = features.shape[0]
    if check_size is not None:
        check_size(n)
    if graph is None:
        check_knn_k(config.k, n, owner)
    y = _align_labels(X, y, owner)
    labels, classes = _encode_labels(y, n, owner)
    split_obj = _resolve_split(_split_masks(X, split, owner), labels, n, owner, seed)
    _check_split_labels(split_obj, labels, owner)
    notes = []
    if split_obj.test.size == 0:
        notes.append(_empty_test_note(owner))
    elif (labels[split_obj.test] < 0).any():  # unlabelled test nodes: not scored
        test = split_obj.test[labels[split_obj.test] >= 0]
        if test.size == 0:
            notes.append(_no_test_note(split_obj.test.size, owner))
        split_obj = Split(split_obj.train, split_obj.val, split_obj.es, test, n)
    features = _preprocess(features, config.features)
    if graph is None:
        adj = knn_graph(
            features,
            config.k,
            metric=config.metric,
            symmetrize=config.symmetrize,
        )
        source = "knn"
        notes += _dense_knn_notes(adj, config.k, owner)
    else:
        names_from = (
            "the index of 'X'"
            if isinstance(X, pd.DataFrame)
            else "'X' is an array: pass a DataFrame 'X' indexed by the node names"
        )
        rows_how = (
            "give 'X' the row labels 0, 1, ... (X.reset_index(drop=True))"
            if isinstance(X, pd.DataFrame)
            else ROWS_HOW
        )
        adj, graph_notes = _as_graph(graph, n, node_names, owner, names_from, rows_how)
        notes += graph_notes
        source = "given"
    suspect = _label_note(y, split_obj, labels, classes, owner)
    if suspect is not None:  # one note, not one per value of a measurement
        notes.append(suspect)
    else:
        notes += [
            *_train_class_notes(split_obj, labels, classes, owner),
            *_single_row_class_notes(split_obj, labels, classes, node_names, owner),
        ]
    for note in notes:
        warn_user(note, DataWarning)
    return NodeTask(
        features, labels, classes, node_names, split_obj, adj, source, tuple(notes)
    )


# Share of all node pairs linked by the kNN graph from which it is noted: a GCN
# on a (nearly) complete graph averages every node's features alike.
DENSE_KNN_SHARE = 0.5


def _dense_knn_notes(adj: np.ndarray, k: int, owner: str) -> list[str]:
    """A note when the kNN graph links most node pairs (``k`` near ``n_nodes``).

    Parameters
    ----------
    adj : ndarray of shape (n_nodes, n_nodes), bool
        The symmetrised kNN graph.
    k : int
    owner : str

    Returns
    -------
    list of str
        Empty, or one note with the share of pairs linked and a k to choose.
    """
    n = adj.shape[0]
    share = float(adj.sum()) / (n * (n - 1))
    if share < DENSE_KNN_SHARE:
        return []
    suggest = max(1, min(10, n // 10))
    return [
        f"{owner}: with k={k} on {n} nodes (k is {k / (n - 1):.0%} of the other "
        f"nodes) the kNN graph links {share:.0%} of all node pairs; on a (nearly) "
        "complete graph the GCN averages every node's features alike and its "
        f"predictions drift to one class. Choose a much smaller k, e.g. k={suggest}."
    ]


def _no_test_note(n_unlabelled: int, owner: str) -> str:
    """The note for a split whose test nodes are all unlabelled."""
    return (
        f"{owner}: none of the split's {n_unlabelled} test node(s) has a label, so "
        "there is nothing to score: every test accuracy is NaN. Label some test "
        "nodes, or make labelled nodes test nodes, to measure accuracy."
    )


def _empty_test_note(owner: str) -> str:
    """The note for a split without test nodes (no 'test' mask, or all False)."""
    return (
        f"{owner}: the split has no test nodes, so there is nothing to score: "
        "every test accuracy is NaN. Give the split a 'test' mask with some "
        "labelled nodes (outside 'train' and 'val') to measure accuracy."
    )


def _label_note(
    y: Any,
    split: Split,
    labels: np.ndarray,
    classes: tuple[str, ...],
    owner: str,
) -> str | None:
    """The one note for labels that look like no class labels, or ``None``.

    A continuous measurement (or an identifier) as ``y`` makes every distinct
    value a class, mostly of one node: the per-class notes would be one per
    value. :func:`~engine.validation.class_label_warning` decides, as for the
    ``graph`` command and the Learn-a-graph page.

    Parameters
    ----------
    y : array-like or Series of shape (n_nodes,)
        The labels as given (aligned to the nodes); a Series' name names them.
    split : Split
    labels : ndarray of shape (n_nodes,), int
        Class codes, -1 for unlabelled nodes.
    classes : tuple of str
        The class of each code.
    owner : str
    """
    name = y.name if isinstance(y, pd.Series) and y.name is not None else "y"
    if not isinstance(y, pd.Series):
        y = pd.Series(np.asarray(y, dtype=object).reshape(-1)).infer_objects()
    why = class_label_warning(y, str(name))
    if why is None:
        return None
    trained = len(set(labels[split.train].tolist()) - {-1})
    return (
        f"{owner}: {why}. Every distinct value becomes a class of its own, and the "
        f"training nodes hold {trained} of those {len(classes)}: pass a column of "
        "class labels, or bin the values into a few classes first."
    )


def _single_row_class_notes(
    split: Split,
    labels: np.ndarray,
    classes: tuple[str, ...],
    node_names: tuple[str, ...],
    owner: str,
) -> tuple[str, ...]:
    """A note on each class with a single labelled node (it cannot be both
    learned and validated or tested)."""
    counts = np.bincount(labels[labels >= 0], minlength=len(classes))
    codes = split.codes()
    parts = ("train", "validation", "early-stopping", "test")
    notes = []
    for k in np.flatnonzero(counts == 1):
        node = int(np.flatnonzero(labels == k)[0])
        part = parts[codes[node]] if codes[node] >= 0 else "no"
        notes.append(
            f"{owner}: class {classes[k]!r} has 1 labelled node ({node_names[node]!r}, "
            f"in the {part} set), so it cannot be both learned and validated or "
            "tested. Label more nodes of that class, or leave its label empty."
        )
    return tuple(notes)


def _train_class_notes(
    split: Split, labels: np.ndarray, classes: tuple[str, ...], owner: str
) -> tuple[str, ...]:
    """A note when the training nodes leave out classes the model could predict."""
    seen = set(labels[split.train].tolist())
    absent = [c for k, c in enumerate(classes) if k not in seen]
    if not absent:
        return ()
    return (
        f"{owner}: the training nodes hold {len(classes) - len(absent)} of the "
        f"{len(classes)} classes; {format_names(absent, 10)} have no training "
        "node, so the model can never predict them. Put labelled nodes of every "
        "class in the 'train' set.",
    )


def check_knn_k(k: int, n_nodes: int, owner: str) -> None:
    """Raise :class:`ConfigError` unless the kNN graph's ``k`` is below ``n_nodes``.

    Parameters
    ----------
    k : int
        Neighbours per node of the initial kNN graph.
    n_nodes : int
        Number of nodes (rows of the table).
    owner : str
        Name used in the message.
    """
    if k >= n_nodes:
        raise ConfigError(
            f"{owner}: 'k' (kNN neighbours) is {k} but there are only {n_nodes} "
            "nodes; k must be smaller than the number of nodes: choose "
            f"k <= {n_nodes - 1} or pass a 'graph'."
        )


def _node_names(X: Any) -> tuple[str, ...]:
    if isinstance(X, pd.DataFrame):
        return tuple(node_name(v) for v in X.index)
    return tuple(str(i) for i in range(len(X)))


def _check_unique_names(X: Any, owner: str) -> None:
    """Refuse a DataFrame ``X`` whose index gives two rows one node name.

    Rows sharing a name were merged into one node by ``to_networkx`` and the
    graph files, and could not be told apart in the prediction table.

    Raises
    ------
    DataError
        Some name is used by two or more rows; the message names a few.
    """
    repeated = repeated_names(X.index) if isinstance(X, pd.DataFrame) else []
    if not repeated:
        return
    raise DataError(
        f"{owner}: the index of 'X' names the nodes, but {len(repeated)} name(s) "
        f"are used by more than one row: {format_names(repeated, 5)}. Every node "
        "needs its own name: rows sharing one would become a single node of the "
        "learned graph (to_networkx, graph files). Make the index unique, e.g. "
        "X.reset_index(drop=True) to number the rows 0, 1, 2, ... (then pass a "
        "pandas 'y' as y.to_numpy()), or keep one row per name: "
        "X[~X.index.duplicated()] (and the same rows of 'y')."
    )


def _align_labels(X: Any, y: Any, owner: str) -> Any:
    """Put a pandas ``y`` in the row order of a DataFrame ``X`` (by index label).

    Labels are matched to nodes by index, as pandas users expect, when both ``X``
    and ``y`` carry an index: a ``y`` holding the same index labels in another
    order is reordered; a ``y`` whose index labels differ from ``X``'s is
    refused (matching it by position would silently mislabel the nodes). A
    ``y`` without an index (list, ndarray, Tensor) is used by position.

    Raises
    ------
    DataError
        ``X`` and ``y`` are both pandas objects with different index labels.
    """
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        y = y.iloc[:, 0]
    return _by_index(X, y, ("'y'", "y", "labels"), owner)


# the keys of a split mapping, 'train' and 'val' required
SPLIT_KEYS = ("train", "val", "test", "es")


def _split_masks(X: Any, split: Any, owner: str) -> Any:
    """A split mapping checked for unknown keys, its pandas masks in the row
    order of a DataFrame ``X`` (by index label, as a pandas ``y``).

    A misspelt key (``"tset"``) was ignored, so every node outside train and
    validation became a test node; a shuffled Series mask was used by position.

    Raises
    ------
    ConfigError
        A key other than those of :data:`SPLIT_KEYS`.
    DataError
        A Series mask whose index labels differ from ``X``'s.
    """
    if not isinstance(split, Mapping):
        return split
    unknown = [key for key in split if key not in SPLIT_KEYS]
    if unknown:
        raise ConfigError(
            f"{owner}: 'split' has unknown key(s) {format_names(unknown)}; a split "
            f"mapping takes the boolean masks {format_names(SPLIT_KEYS)} ('train' "
            "and 'val' required, 'test' defaults to every other node). Correct "
            "the key's spelling."
        )
    words = {
        key: (f"the split mask {key!r}", f"split[{key!r}]", "mask entries")
        for key in split
    }
    return {key: _by_index(X, mask, words[key], owner) for key, mask in split.items()}


def _by_index(X: Any, values: Any, words: tuple[str, str, str], owner: str) -> Any:
    """A pandas Series ``values`` in the row order of a DataFrame ``X``.

    Parameters
    ----------
    X : any
        The features; only a DataFrame's index is used.
    values : any
        A Series is matched by index label: the same labels in another order
        are reordered, other labels refused. Anything else is returned as is
        (used by position).
    words : (str, str, str)
        How the message calls ``values`` (``"'y'"``), how to write it in code
        (``"y"``) and its entries (``"labels"``).
    owner : str

    Raises
    ------
    DataError
        ``values`` is a Series whose index labels are not ``X``'s; or, with an
        array ``X`` (used by position), a Series whose index is not ascending
        (shuffled: its order and its labels disagree).
    """
    if not isinstance(values, pd.Series):
        return values
    what, code, items = words
    if not isinstance(X, pd.DataFrame):
        if not values.index.is_monotonic_increasing:
            raise DataError(
                f"{owner}: {what} is a pandas Series in another order than its "
                f"index ({format_names(list(values.index), 3)}), but 'X' is an "
                f"array with no index to match it by, so the {items} would be used "
                f"by position. Pass 'X' as a DataFrame with the same index labels, "
                f"or {code}.to_numpy() if the rows of 'X' are in the Series' order."
            )
        return values
    if X.index.equals(values.index):
        return values
    if (
        len(X.index) == len(values.index)
        and X.index.is_unique
        and values.index.is_unique
        and set(X.index) == set(values.index)
    ):
        return values.reindex(X.index)
    x_set, v_set = set(X.index), set(values.index)
    only_x = [v for v in X.index if v not in v_set]
    only_v = [v for v in values.index if v not in x_set]
    if only_x or only_v:
        detail = (
            f"{len(only_x)} of X's index labels are not in {code}'s "
            f"{format_names(only_x, 3)}, {len(only_v)} of {code}'s are not in X's "
            f"{format_names(only_v, 3)}"
        )
    else:
        detail = "one of them has duplicate index labels"
    raise DataError(
        f"{owner}: 'X' and {what} are pandas objects whose indexes differ "
        f"({detail}), so the {items} cannot be matched to the nodes. Pass {what} with "
        f"the same index labels as 'X' (e.g. {code}.loc[X.index]), or "
        f"{code}.to_numpy() to match {items} by position."
    )


def check_class_labels(y: Any, owner: str, what: str = "'y'") -> tuple[str, ...]:
    """The classes of node labels, refusing labels that no fit can learn from.

    The check :func:`~engine.graphs.learn_graph` makes of its ``y``, for a
    front end to make before it starts a fit.

    Parameters
    ----------
    y : array-like or Series of shape (n_nodes,)
        Labels; ``NaN``/``None``/empty mark unlabelled nodes.
    owner : str
        Name that starts the messages.
    what : str, default="'y'"
        The labels as the messages name them (``"the label column 'cls'"``).

    Returns
    -------
    tuple of str
        The classes, sorted, as :func:`~engine.graphs.learn_graph` names them
        (``1.0`` as ``"1"``).

    Raises
    ------
    DataError
        No node has a label, every labelled node has the same class, or ``y``
        is not one label per node.

    Examples
    --------
    >>> check_class_labels(["b", "a", None, "b"], "Fit")
    ('a', 'b')
    """
    return _encode_labels(y, len(np.asarray(y, dtype=object)), owner, what)[1]


def _encode_labels(
    y: Any, n: int, owner: str, what: str = "'y'"
) -> tuple[np.ndarray, tuple[str, ...]]:
    if isinstance(y, pd.Series | pd.Index):
        y = y.to_numpy()
    arr = np.asarray(y, dtype=object)
    if arr.ndim == 2 and arr.shape[1] == 1:  # a column: one label per row
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise DataError(
            f"{owner}: {what} must be one-dimensional, one label per row of 'X' "
            f"({n} rows); got shape {arr.shape}. Pass a single column of labels, "
            "e.g. y[:, 0] of an array or one column of a table."
        )
    if arr.size != n:
        raise DataError(f"{owner}: {what} has {arr.size} labels for {n} rows of 'X'.")
    known = np.array([not _is_missing(v) for v in arr], dtype=bool)
    if not known.any():
        raise DataError(f"{owner}: {what} has no known label; label some nodes.")
    values = arr[known]
    # numbers (not booleans: True is class 'True', not '1') that are whole
    # become integers, so that 1.0 (an int column with a gap) is class '1'
    if all(_is_number(v) for v in values):
        as_num = values.astype(np.float64)
        if np.all(as_num == np.round(as_num)):
            values = as_num.astype(np.int64)
    uniq, inv = np.unique(
        values.astype(str) if values.dtype == object else values, return_inverse=True
    )
    if uniq.size < 2:
        raise DataError(
            f"{owner}: {what} holds a single class {uniq[0].item()!r}; node "
            "classification needs at least two."
        )
    codes = np.full(n, -1, dtype=np.int64)
    codes[known] = inv
    return codes, tuple(str(c) for c in uniq)


def _is_number(value: object) -> bool:
    """Whether a label is a real number (a bool is not: it keeps its spelling)."""
    return isinstance(value, int | float | np.integer | np.floating) and not (
        isinstance(value, bool)
    )


def _resolve_split(
    split: Any, labels: np.ndarray, n: int, owner: str, seed: int
) -> Split:
    if isinstance(split, Split):
        if split.n_nodes != n:
            raise DataError(
                f"{owner}: the split is for {split.n_nodes} nodes but 'X' has {n} rows."
            )
        return split
    masked = np.where(labels >= 0, labels, np.nan)
    if split is None:  # the graph command's default sizes, where they fit
        n_labelled = int((labels >= 0).sum())
        if n_labelled < MIN_LABELLED:
            raise DataError(too_few_labels_message(owner, n_labelled))
        sizes = split_sizes_that_fit(n_labelled, *DEFAULT_SPLIT_SIZES)
        return make_split(masked, *sizes, seed=seed)
    if isinstance(split, str):
        return paper_split(masked, split, seed=seed)
    if isinstance(split, Mapping):
        if "train" not in split or "val" not in split:
            raise ConfigError(
                f"{owner}: a 'split' mapping needs boolean masks 'train' and 'val' "
                "(and optionally 'test', 'es')."
            )
        for key in ("train", "val", "test", "es"):
            mask = split.get(key)
            if mask is None:
                continue
            shape = np.shape(mask)
            if len(shape) == 1 and shape[0] != n:
                raise DataError(
                    f"{owner}: the split mask {key!r} has {shape[0]} entries but "
                    f"there are {n} nodes (rows of 'X'); give one boolean per node, "
                    "in the order of the rows."
                )
        return Split.from_masks(
            split["train"],
            split["val"],
            split.get("test"),
            es_mask=split.get("es"),
            seed=seed,
        )
    raise ConfigError(
        f"{owner}: 'split' must be a Split, a protocol name ('wine', "
        f"'breast_cancer', 'digits') or a mapping of masks; got {type(split).__name__}."
    )


def _check_split_labels(split: Split, labels: np.ndarray, owner: str) -> None:
    for name in ("train", "val", "es"):
        idx = getattr(split, name)
        if (labels[idx] < 0).any():
            node = int(idx[np.argmax(labels[idx] < 0)])
            raise DataError(
                f"{owner}: node {node} is in the '{name}' set but has no label; "
                "only labelled nodes can be used for training or validation."
            )


def _preprocess(X: np.ndarray, how: str) -> np.ndarray:
    if how == "standardize":
        std = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    if how == "row_normalize":
        if (X < 0).any():
            raise DataError(
                "learn_graph: features='row_normalize' needs non-negative features "
                "(counts); use features='standardize'."
            )
        sums = X.sum(axis=1, keepdims=True)
        return X / np.where(sums > 0, sums, 1.0)
    return X


def _as_graph(
    graph: Any,
    n: int,
    names: tuple[str, ...],
    owner: str,
    names_from: str,
    rows_how: str = ROWS_HOW,
) -> tuple[np.ndarray, list[str]]:
    """The initial graph as a symmetric adjacency (n, n), with notes on the rows
    of an edge list left out (self-loops, repeats), as the CLI and app give;
    an edge list's errors name ``owner``, its ``'graph'`` and ``names_from``
    (where the node names come from) and ``rows_how`` (how to read the list
    as 0-based rows instead, :func:`engine.graphs.adjacency_from_edges`)."""
    if isinstance(graph, np.ndarray) and graph.ndim == 2:
        rows, cols = graph.shape
        # a square array other than (2, 2) cannot be an edge list of pairs
        if rows == cols and rows not in (2, n):
            raise GraphError(
                f"{owner}: the adjacency 'graph' is {rows}x{cols} but 'X' has {n} "
                f"rows (nodes); pass an adjacency of shape ({n}, {n}), or an edge list "
                "of shape (n_edges, 2)."
            )
    if isinstance(graph, np.ndarray) and graph.ndim == 2 and graph.shape == (n, n):
        if not np.isfinite(graph.astype(float)).all():
            raise GraphError(f"{owner}: the adjacency 'graph' has non-finite entries.")
        adj = graph != 0
        adj = adj | adj.T
        np.fill_diagonal(adj, False)
        return adj, []
    kw = {"node_names": names, "names_from": names_from, "rows_how": rows_how}
    try:
        adj = adjacency_from_edges(graph, n, **kw)
    except GraphError as err:
        why = str(err).removeprefix("adjacency_from_edges: ")
        why = why.replace("'edges' must", "it must")
        raise GraphError(f"{owner}: the edge list 'graph': {why}") from err
    _, left_out = describe_edge_list(graph, n, **kw)
    return adj, [f"{owner}: the edge list 'graph': {note}" for note in left_out]


def estimate_memory(n_nodes: int, dtype: str = "float32") -> int:
    """Peak bytes of an LDS fit: ``itemsize · (10 · N² + 2048 · N)``.

    Ten N×N buffers (edge probabilities, their best copy, the hypergradient, a
    sampled graph and its uniform draw, transients) plus the low-rank factors of
    the hypergradient; the small weight and activation tensors (O(N·hidden)) are
    ignored. It does not depend on ``tau``: the reverse sweep regenerates each
    step's graph from its seed. The process's resident memory can exceed it by
    allocator fragmentation, so :func:`check_resources` compares it with half the
    free memory.

    Examples
    --------
    >>> estimate_memory(1000)
    48192000
    """
    itemsize = 4 if dtype == "float32" else 8
    return itemsize * (N2_BUFFERS * n_nodes * n_nodes + FACTOR_COLUMNS * n_nodes)


# --- expected time of a fit, on one CPU core ---

# Measured with bench/graph_cost.py (process time, one thread, float32): a table
# of 5 000 rows, 80 numeric features and 3 classes, 30 labelled nodes. The N×N work
# (sampling a graph, propagating over it, its hypergradient) makes every figure grow
# as the square of the nodes.
TIME_NODES = 5_000
# Seconds of one inner step, its share of the hypergradient and of the outer
# iteration's evaluation included: 17-19 s for outer iterations of 35-50 steps.
STEP_S = 0.45
# Inner steps per outer iteration in those fits, as offsets from inner_patience:
# with the default 20 the inner training stopped after 30-50 steps.
INNER_STEPS_OVER_PATIENCE = (10, 30)
# Seconds of each baseline at TIME_NODES (knn_gcn trains a GCN on the dense kNN
# graph for up to 400 epochs; label propagation runs 3 x 200 dense products).
BASELINE_S = {"knn_gcn": 68.0, "label_propagation": 44.0, "logreg": 0.1, "mlp": 0.5}
LONG_FIT_S = 10.0
"""A fit whose :func:`estimate_seconds` starts above this many seconds is warned
about, by the Learn-a-graph page and the ``graph`` command (as the Causal page
and the ``dag`` command warn of a long DAG fit)."""


def inner_step_seconds(n_nodes: int) -> float:
    """Expected seconds of one inner step of LDS on one CPU core.

    Parameters
    ----------
    n_nodes : int

    Returns
    -------
    float
        :data:`STEP_S` scaled by ``(n_nodes / TIME_NODES)²``.

    Examples
    --------
    >>> inner_step_seconds(5_000), inner_step_seconds(2_500)
    (0.45, 0.1125)
    """
    return STEP_S * (n_nodes / TIME_NODES) ** 2


def outer_seconds(n_nodes: int, config: LdsConfig) -> tuple[float, float]:
    """Range of seconds one outer iteration plausibly takes on one CPU core.

    The inner training stops after ``inner_patience`` steps without progress;
    in the measured fits that was 10-30 steps after the patience itself, never
    more than ``inner_max_steps``. An iteration whose inner training keeps
    improving runs all ``inner_max_steps`` (400 by default).

    Parameters
    ----------
    n_nodes : int
    config : LdsConfig

    Returns
    -------
    tuple of float
        ``(low, high)`` seconds.
    """
    step = inner_step_seconds(n_nodes)
    few, many = inner_steps(config)
    return few * step, many * step


def inner_steps(config: LdsConfig) -> tuple[int, int]:
    """Range of inner steps one outer iteration plausibly runs.

    ``inner_patience`` plus :data:`INNER_STEPS_OVER_PATIENCE`, at most
    ``inner_max_steps``.

    Parameters
    ----------
    config : LdsConfig

    Returns
    -------
    tuple of int
        ``(few, many)`` steps.

    Examples
    --------
    >>> inner_steps(LdsConfig()), inner_steps(LdsConfig(inner_max_steps=40))
    ((30, 50), (30, 40))
    """
    few, many = (
        min(config.inner_max_steps, config.inner_patience + extra)
        for extra in INNER_STEPS_OVER_PATIENCE
    )
    return few, many


def baseline_seconds(n_nodes: int, config: LdsConfig) -> float:
    """Expected seconds of the baselines of ``config`` on one CPU core.

    Parameters
    ----------
    n_nodes : int
    config : LdsConfig

    Returns
    -------
    float
        The :data:`BASELINE_S` of ``config.baselines`` at :data:`TIME_NODES`
        nodes, scaled by the square of the nodes.
    """
    share = (n_nodes / TIME_NODES) ** 2
    return share * sum(BASELINE_S[name] for name in config.baselines)


def estimate_seconds(n_nodes: int, config: LdsConfig) -> tuple[float, float]:
    """Range of seconds a whole fit plausibly takes on one CPU core.

    At least ``patience + 1`` outer iterations (early stopping needs the first
    and ``patience`` more without a better score) and at most
    ``max_outer_iter``, each as :func:`outer_seconds`, then the baselines
    (:func:`baseline_seconds`). Both ends grow with ``n_nodes``. The kNN graph
    and the features' preparation (seconds) are left out.

    Parameters
    ----------
    n_nodes : int
    config : LdsConfig

    Returns
    -------
    tuple of float
        ``(low, high)`` seconds.
    """
    low, high = outer_seconds(n_nodes, config)
    few, many = outer_iterations(config)
    extra = baseline_seconds(n_nodes, config)
    return few * low + extra, many * high + extra


def outer_iterations(config: LdsConfig) -> tuple[int, int]:
    """Range of outer iterations a fit runs.

    At least ``patience + 1`` (early stopping needs the first and
    ``patience`` more without a better score), at most ``max_outer_iter``.

    Parameters
    ----------
    config : LdsConfig

    Returns
    -------
    tuple of int
        ``(few, many)`` iterations.

    Examples
    --------
    >>> outer_iterations(LdsConfig(patience=20, max_outer_iter=100))
    (21, 100)
    """
    return min(config.patience + 1, config.max_outer_iter), config.max_outer_iter


def available_memory(device: torch.device) -> int:
    """Free memory of ``device`` in bytes (best effort)."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))


def check_resources(
    n_nodes: int, config: LdsConfig, device: torch.device, owner: str
) -> int:
    """Raise :class:`ResourceError` when a fit would not fit; return the estimate.

    Parameters
    ----------
    n_nodes : int
    config : LdsConfig
        ``max_nodes`` (default 5 000 on the CPU, 15 000 on a GPU),
        ``memory_budget_gb`` (default half the free memory of ``device``) and
        ``dtype`` are used.
    device : torch.device
    owner : str
        Name used in the message.

    Returns
    -------
    int
        The :func:`estimate_memory` of the fit, in bytes.
    """
    need = estimate_memory(n_nodes, config.dtype)
    max_nodes = config.max_nodes or (15_000 if device.type == "cuda" else 5_000)
    if n_nodes > max_nodes:
        raise ResourceError(
            f"{owner}: {n_nodes} nodes exceed the limit of {max_nodes} for LDS on "
            f"{device.type} (dense N×N edge probabilities, about {memory_words(need)} "
            "and O(N²) time per step). Use a subset of the nodes, a GPU, or raise "
            "'max_nodes' if you have the memory and time."
        )
    budget = (
        int(config.memory_budget_gb * 1e9)
        if config.memory_budget_gb is not None
        else available_memory(device) // 2
    )
    if need > budget:
        said = memory_words(budget)
        over = "just over" if memory_words(need) == said else "over"
        raise ResourceError(
            f"{owner}: the fit needs about {memory_words(need)} (about {N2_BUFFERS} "
            f"buffers of {n_nodes}² {config.dtype}), {over} the budget of {said}. "
            "Use fewer nodes, dtype='float32', or raise 'memory_budget_gb'."
        )
    return need


def table_inputs(
    frame: pd.DataFrame, target: str, missing: Literal["mean", "drop"] = "mean"
) -> tuple[pd.DataFrame, pd.Series]:
    """Split a table into node features and labels for :func:`learn_graph`.

    Every column but ``target`` becomes a feature: numeric ones as they are,
    categorical ones one-hot encoded; identifier-like and constant columns are
    left out. Rows keep the table's index as node names.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    target : str
        The label column; empty cells mark unlabelled nodes.
    missing : {"mean", "drop"}, default="mean"
        Missing feature cells get the column mean, or the rows (nodes) that have
        one are left out. A missing label never drops a row.

    Returns
    -------
    X : DataFrame of shape (n_nodes, n_features)
    y : Series of shape (n_nodes,)
    """
    X, y, _ = table_inputs_record(frame, target, missing)
    return X, y


# Columns a "no feature column" message names with their reasons, at most.
MAX_NAMED_LEFT_OUT = 8


def _refuse_no_features(frame: pd.DataFrame, target: str, err: DataError) -> None:
    """Raise, from ``err``, the message for a table without a feature column.

    :func:`engine.data.to_matrix` says "no usable column is left (y:
    excluded)" and advises one-hot encoding, which this path does already: the
    label is the only column, or every other column is left out (constant,
    empty, a row identifier). Anything else returns (``err`` stands).

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    target : str
        The label column.
    err : DataError
        What ``to_matrix`` raised.
    """
    from engine.data import describe

    others = [c for c in frame.columns if c != target]
    left_out = describe(frame[others]).left_out(categorical="onehot") if others else {}
    if len(left_out) < len(others):
        return
    what = (
        "node features are the columns that vary and are not row identifiers "
        "(numbers as they are, text one-hot encoded)"
    )
    if not others:
        raise DataError(
            f"learn_graph: the table has no feature column besides the label "
            f"{target!r}; {what}. Add feature columns to the file."
        ) from err
    shown = list(left_out.items())[:MAX_NAMED_LEFT_OUT]
    reasons = "; ".join(f"{c}: {r}" for c, r in shown)
    if len(left_out) > len(shown):
        reasons += f"; and {len(left_out) - len(shown)} more"
    raise DataError(
        f"learn_graph: the table has no feature column besides the label "
        f"{target!r}: its other columns are left out ({reasons}); {what}. Add "
        "feature columns to the file, or choose another label column."
    ) from err


def table_inputs_record(
    frame: pd.DataFrame, target: str, missing: Literal["mean", "drop"] = "mean"
) -> tuple[pd.DataFrame, pd.Series, MatrixRecord]:
    """:func:`table_inputs` (same parameters), also returning a ``record``.

    The third value, a :class:`engine.data.MatrixRecord`, lists the rows dropped
    and the feature columns left out, one-hot encoded and imputed (see
    :func:`engine.data.to_matrix`), for the notes shown to the user; its
    ``kept_rows`` are the positions in ``frame`` of the nodes.
    """
    from engine.data import to_matrix

    if target not in frame.columns:
        raise DataError(
            f"learn_graph: the label column {target!r} is not in the table; columns "
            f"are {format_names(frame.columns)}."
        )
    try:
        features = to_matrix(
            frame, exclude=[target], missing=missing, categorical="onehot"
        )
    except DataError as err:
        _refuse_no_features(frame, target, err)
        raise
    kept = features.record.kept_rows
    X = pd.DataFrame(features.X, columns=features.names, index=frame.index[kept])
    return X, frame[target].iloc[kept], features.record
