"""Transductive node splits: labelled (train), validation halves and test nodes.

LDS uses the validation nodes twice, so a :class:`Split` holds four disjoint index
sets: ``train`` (the GCN's training loss), ``val`` (the outer objective that moves
the graph), ``es`` (early stopping and model selection) and ``test``. Nodes in none
of them are unlabelled and only take part through the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from engine.errors import ConfigError, DataError

__all__ = [
    "DEFAULT_SPLIT_SIZES",
    "MIN_LABELLED",
    "PAPER_SPLIT_SIZES",
    "Split",
    "make_split",
    "paper_split",
    "split_sizes_that_fit",
    "too_few_labels_message",
]

# Least labelled nodes of a split: 2 training, 2 validation (1 + 1 early
# stopping) and 1 test node.
MIN_LABELLED = 5
# (labelled, validation) sizes of the LDS paper's protocol; the validation nodes are
# halved into the outer objective and early stopping, the rest is the test set.
PAPER_SPLIT_SIZES: dict[str, tuple[int, int]] = {
    "wine": (10, 20),
    "breast_cancer": (10, 20),
    "digits": (50, 100),
}

# (labelled, validation) sizes of the split drawn when none is given: the graph
# command's --n-train and --n-val defaults (engine.commands.graph keeps its own
# copy, so that the command line starts without importing torch).
DEFAULT_SPLIT_SIZES: tuple[int, int] = (10, 20)

# The four index sets of a Split, in the order of its codes (0 train ... 3 test).
_PARTS = ("train", "val", "es", "test")


@dataclass(frozen=True, eq=False)
class Split:
    """Disjoint node index sets of one transductive experiment.

    Attributes
    ----------
    train : ndarray of shape (n_train,), int64
        Labelled nodes of the inner (GCN) training loss.
    val : ndarray of shape (n_val,), int64
        Nodes of the outer objective (they move the graph).
    es : ndarray of shape (n_es,), int64
        Nodes for early stopping and model selection.
    test : ndarray of shape (n_test,), int64
        Nodes scored at the end.
    n_nodes : int
        Number of nodes of the graph.
    """

    train: np.ndarray
    val: np.ndarray
    es: np.ndarray
    test: np.ndarray
    n_nodes: int

    def __post_init__(self) -> None:
        parts = {}
        for name in ("train", "val", "es", "test"):
            arr = np.asarray(getattr(self, name), dtype=np.int64).ravel()
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
            parts[name] = arr
        self._check(parts)

    def _check(self, parts: dict[str, np.ndarray]) -> None:
        seen = np.zeros(self.n_nodes, dtype=np.int64)
        for name, arr in parts.items():
            if arr.size and (arr.min() < 0 or arr.max() >= self.n_nodes):
                raise DataError(
                    f"Split: '{name}' holds node indices outside [0, "
                    f"{self.n_nodes - 1}]."
                )
            np.add.at(seen, arr, 1)
        if (seen > 1).any():
            raise DataError(
                f"Split: node {int(np.argmax(seen > 1))} is in more than one of "
                "train/val/es/test; the sets must be disjoint."
            )
        for name in ("train", "val", "es"):
            if parts[name].size == 0:
                raise DataError(
                    f"Split: '{name}' is empty; LDS needs labelled training, "
                    "validation and early-stopping nodes."
                )

    @classmethod
    def from_masks(
        cls,
        train_mask: Any,
        val_mask: Any,
        test_mask: Any = None,
        *,
        es_mask: Any = None,
        seed: int = 0,
    ) -> Split:
        """Build a split from boolean masks of shape (n_nodes,).

        When ``es_mask`` is not given, the validation nodes are halved at random
        (seeded) into ``val`` and ``es``. Without ``test_mask``, every node outside
        train and validation is a test node.

        Parameters
        ----------
        train_mask, val_mask : array-like of shape (n_nodes,), bool
        test_mask : array-like of shape (n_nodes,), bool, optional
        es_mask : array-like of shape (n_nodes,), bool, optional
        seed : int, default=0

        Returns
        -------
        Split
        """
        train = _as_mask(train_mask, "train_mask")
        n = train.size
        val = _as_mask(val_mask, "val_mask", n)
        if es_mask is None:
            val_idx = np.flatnonzero(val)
            rng = np.random.default_rng(seed)
            val_idx = rng.permutation(val_idx)
            half = (val_idx.size + 1) // 2
            val_part, es_part = np.sort(val_idx[:half]), np.sort(val_idx[half:])
        else:
            es = _as_mask(es_mask, "es_mask", n)
            val_part, es_part = np.flatnonzero(val), np.flatnonzero(es)
        used = train | val
        if es_mask is not None:
            used = used | _as_mask(es_mask, "es_mask", n)
        test = ~used if test_mask is None else _as_mask(test_mask, "test_mask", n)
        return cls(np.flatnonzero(train), val_part, es_part, np.flatnonzero(test), n)

    def __eq__(self, other: object) -> bool:
        """Equal when ``other`` is a Split of the same nodes in every part."""
        if not isinstance(other, Split):
            return NotImplemented
        return self.n_nodes == other.n_nodes and all(
            np.array_equal(getattr(self, k), getattr(other, k)) for k in _PARTS
        )

    def __hash__(self) -> int:
        return hash((self.n_nodes, *(getattr(self, k).tobytes() for k in _PARTS)))

    def sizes(self) -> dict[str, int]:
        """Number of nodes per part."""
        return {k: int(getattr(self, k).size) for k in ("train", "val", "es", "test")}

    def codes(self) -> np.ndarray:
        """Per node: 0 train, 1 val, 2 es, 3 test, -1 none (int8, (n_nodes,))."""
        out = np.full(self.n_nodes, -1, dtype=np.int8)
        for code, name in enumerate(("train", "val", "es", "test")):
            out[getattr(self, name)] = code
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain lists, for JSON and for passing to worker processes."""
        out: dict[str, Any] = {
            k: getattr(self, k).tolist() for k in ("train", "val", "es", "test")
        }
        out["n_nodes"] = self.n_nodes
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Split:
        """Inverse of :meth:`to_dict`."""
        return cls(
            np.asarray(data["train"]),
            np.asarray(data["val"]),
            np.asarray(data["es"]),
            np.asarray(data["test"]),
            int(data["n_nodes"]),
        )


def _as_mask(mask: Any, name: str, n: int | None = None) -> np.ndarray:
    arr = np.asarray(mask)
    if arr.ndim != 1 or arr.dtype.kind not in "bui":
        raise DataError(f"Split: '{name}' must be a 1-D boolean mask.")
    if arr.dtype.kind in "ui" and not np.isin(arr, (0, 1)).all():
        raise DataError(
            f"Split: '{name}' holds integers other than 0 and 1 (node indices?); "
            "pass a boolean mask with one entry per node, or build a Split from "
            "index arrays."
        )
    arr = arr.astype(bool)
    if n is not None and arr.size != n:
        raise DataError(f"Split: '{name}' has {arr.size} entries, expected {n}.")
    return arr


def split_sizes_that_fit(n_labelled: int, n_train: int, n_val: int) -> tuple[int, int]:
    """The split sizes nearest to ``n_train`` and ``n_val`` that leave a test node.

    Each size is at least 2 and at most what the labelled nodes allow: training
    first, then validation, one labelled node always left to test on. The rule
    by which the Learn-a-graph page bounds its inputs and the ``graph`` command
    says which sizes would work.

    Parameters
    ----------
    n_labelled : int
        Nodes with a label.
    n_train, n_val : int
        The sizes asked for (training nodes, validation nodes).

    Returns
    -------
    tuple of (int, int)
        ``(n_train, n_val)``, each the asked size where that fits.

    Raises
    ------
    DataError
        Fewer than :data:`MIN_LABELLED` labelled nodes: no split fits.

    Examples
    --------
    >>> split_sizes_that_fit(5, 10, 20), split_sizes_that_fit(178, 10, 20)
    ((2, 2), (10, 20))
    """
    if n_labelled < MIN_LABELLED:
        raise DataError(too_few_labels_message("split_sizes_that_fit", n_labelled))
    train = min(max(n_train, 2), n_labelled - 3)
    val = min(max(n_val, 2), n_labelled - train - 1)
    return train, val


def too_few_labels_message(owner: str, n_labelled: int) -> str:
    """Why no split fits ``n_labelled`` < :data:`MIN_LABELLED` labelled nodes."""
    return (
        f"{owner}: there are only {n_labelled} labelled nodes; a split needs "
        f"at least {MIN_LABELLED} (2 to train on, 2 to validate, 1 to test). "
        "Label more nodes, or use a larger table."
    )


def make_split(
    y: Any,
    n_train: int,
    n_val: int,
    *,
    n_test: int | None = None,
    seed: int = 0,
    stratify: bool = True,
) -> Split:
    """Random (stratified) split of the labelled nodes.

    Nodes whose label is missing (``NaN``, ``None`` or ``-1`` in an integer array)
    are never drawn; they stay unlabelled.

    Parameters
    ----------
    y : array-like of shape (n_nodes,)
        Labels.
    n_train : int
        Labelled training nodes.
    n_val : int
        Validation nodes, halved into ``val`` (outer objective) and ``es`` (early
        stopping); both halves are stratified too.
    n_test : int, optional
        Test nodes; default every remaining labelled node.
    seed : int, default=0
    stratify : bool, default=True
        Keep class proportions in every part.

    Returns
    -------
    Split
    """
    labels, known = _known_labels(y)
    n = labels.size
    pool = np.flatnonzero(known)
    n_test = pool.size - n_train - n_val if n_test is None else n_test
    if pool.size < MIN_LABELLED:
        raise DataError(too_few_labels_message("make_split", pool.size))
    if min(n_train, n_val) < 2 or n_test < 1 or n_train + n_val + n_test > pool.size:
        raise ConfigError(
            f"make_split: need n_train >= 2, n_val >= 2 and at least one test node "
            f"among {pool.size} labelled nodes; got n_train={n_train}, "
            f"n_val={n_val}, n_test={n_test}."
        )
    rng = np.random.RandomState(seed % (2**32))
    train, rest = _draw(pool, labels, n_train, rng, stratify)
    val, rest = _draw(rest, labels, n_val, rng, stratify)
    val_half, es = _draw(val, labels, (n_val + 1) // 2, rng, stratify)
    test = (
        rest if n_test >= rest.size else _draw(rest, labels, n_test, rng, stratify)[0]
    )
    return Split(train, np.sort(val_half), np.sort(es), np.sort(test), n)


def _draw(
    pool: np.ndarray,
    labels: np.ndarray,
    size: int,
    rng: np.random.RandomState,
    stratify: bool,
) -> tuple[np.ndarray, np.ndarray]:
    strat = labels[pool] if stratify else None
    if strat is not None:
        _, counts = np.unique(strat, return_counts=True)
        n_cls = counts.size
        if counts.min() < 2 or size < n_cls or pool.size - size < n_cls:
            strat = None  # too few per class to stratify: plain random draw
    try:
        taken, left = train_test_split(
            pool, train_size=size, random_state=rng, stratify=strat
        )
    except ValueError:
        taken, left = train_test_split(pool, train_size=size, random_state=rng)
    return np.sort(taken), np.sort(left)


def _known_labels(y: Any) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(y, dtype=object).ravel()
    known = np.array([not _is_missing(v) for v in arr], dtype=bool)
    codes = np.full(arr.size, -1, dtype=np.int64)
    if known.any():
        _, inv = np.unique(arr[known].astype(str), return_inverse=True)
        codes[known] = inv
    return codes, known


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True  # pd.NA: a gap of a nullable column ("boolean", "string")
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value) == -1
    return isinstance(value, str) and value.strip() == ""


def paper_split(y: Any, dataset: str, *, seed: int = 0) -> Split:
    """The LDS paper's split sizes for ``"wine"``, ``"breast_cancer"``, ``"digits"``.

    Wine and Breast Cancer: 10 labelled, 20 validation (10 + 10), the rest test;
    Digits: 50 labelled, 100 validation (50 + 50), the rest test. Stratified, seeded.

    Parameters
    ----------
    y : array-like of shape (n_nodes,)
    dataset : {"wine", "breast_cancer", "digits"}
    seed : int, default=0

    Returns
    -------
    Split
    """
    key = dataset.replace("-", "_").replace(" ", "_").lower()
    if key not in PAPER_SPLIT_SIZES:
        raise ConfigError(
            f"paper_split: 'dataset' must be one of {sorted(PAPER_SPLIT_SIZES)}; "
            f"got {dataset!r}."
        )
    n_train, n_val = PAPER_SPLIT_SIZES[key]
    return make_split(y, n_train, n_val, seed=seed)
