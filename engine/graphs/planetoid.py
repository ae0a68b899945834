"""Read Planetoid-format citation data (Cora, Citeseer, Pubmed) without trusting it.

The Planetoid files ``ind.<name>.{x,y,tx,ty,allx,ally,graph}`` are Python pickles
and ``ind.<name>.test.index`` is plain text. A pickle can run arbitrary code when
loaded, so they are read with a restricted unpickler whose ``find_class`` resolves
only the handful of globals these files need (NumPy array reconstruction, SciPy CSR
matrices, ``list`` and ``collections.defaultdict``); anything else raises
:class:`~engine.errors.DataError` before it is imported.

The data sets themselves are not shipped (no package carries them); users who have
downloaded the files point :func:`load_planetoid` at their folder.
"""

from __future__ import annotations

import collections
import io
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from engine.errors import DataError
from engine.graphs.splits import Split

__all__ = ["PlanetoidData", "load_planetoid", "safe_unpickle"]

_FILES = ("x", "y", "tx", "ty", "allx", "ally", "graph")


def _reconstruct() -> Any:
    try:
        from numpy._core.multiarray import _reconstruct as fn
    except ImportError:  # NumPy 1.x
        from numpy.core.multiarray import _reconstruct as fn
    return fn


def _allowed() -> dict[tuple[str, str], Any]:
    import _codecs

    recon = _reconstruct()
    allowed: dict[tuple[str, str], Any] = {
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("collections", "defaultdict"): collections.defaultdict,
        ("__builtin__", "list"): list,
        ("builtins", "list"): list,
        # Python 3 writes bytes in protocol-2 pickles through _codecs.encode
        ("_codecs", "encode"): _codecs.encode,
    }
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(module, "_reconstruct")] = recon
    for module in ("scipy.sparse.csr", "scipy.sparse._csr", "scipy.sparse"):
        allowed[(module, "csr_matrix")] = sp.csr_matrix
    return allowed


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        target = _allowed().get((module, name))
        if target is None:
            raise DataError(
                f"load_planetoid: the file references {module}.{name}, which is not "
                "an array or graph type of the Planetoid format; refusing to load it."
            )
        return target


def safe_unpickle(data: bytes) -> Any:
    """Unpickle ``data`` allowing only NumPy arrays, CSR matrices, lists and dicts.

    Parameters
    ----------
    data : bytes
        Pickle bytes (Python 2 pickles are decoded as latin-1).

    Returns
    -------
    object

    Raises
    ------
    DataError
        The pickle references any other global, or is corrupt.
    """
    try:
        return _RestrictedUnpickler(io.BytesIO(data), encoding="latin1").load()
    except DataError:
        raise
    except (
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ValueError,
        TypeError,
        IndexError,
    ) as err:
        raise DataError(
            f"load_planetoid: not a valid Planetoid pickle ({err})."
        ) from err


@dataclass(frozen=True)
class PlanetoidData:
    """A Planetoid data set with its public split.

    Attributes
    ----------
    name : str
    X : ndarray of shape (n_nodes, n_features), float64
        Features as stored (bag of words; row-normalise before a fit).
    y : ndarray of shape (n_nodes,), int64
        Class index, -1 for nodes without a label (Citeseer's isolated nodes).
    edges : ndarray of shape (n_edges, 2), int64
        Undirected edges ``i < j``, self-loops dropped.
    split : Split
        Planetoid split: train = the first rows of ``y``, 500 validation nodes
        halved at random (seeded) into ``val`` and ``es``, 1000 test nodes.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    edges: np.ndarray
    split: Split

    @property
    def adjacency(self) -> np.ndarray:
        """Symmetric boolean adjacency (n_nodes, n_nodes)."""
        n = self.X.shape[0]
        adj = np.zeros((n, n), dtype=bool)
        adj[self.edges[:, 0], self.edges[:, 1]] = True
        return adj | adj.T


def load_planetoid(
    folder: str | Path, name: str, *, n_val: int = 500, seed: int = 0
) -> PlanetoidData:
    """Load ``ind.<name>.*`` files from ``folder`` (never executing their content).

    Parameters
    ----------
    folder : str or Path
        Directory holding the eight Planetoid files.
    name : str
        ``"cora"``, ``"citeseer"`` or ``"pubmed"`` (the file infix).
    n_val : int, default=500
        Validation nodes following the training rows.
    seed : int, default=0
        Seed of the random halving of the validation nodes.

    Returns
    -------
    PlanetoidData

    Raises
    ------
    DataError
        A file is missing, malformed, or references a disallowed type.
    """
    folder = Path(folder)
    parts = {key: safe_unpickle(_read(folder, name, key)) for key in _FILES}
    test_index = _read_index(folder, name)
    X, Y = _assemble(parts, test_index)
    y = np.where(Y.sum(axis=1) > 0, Y.argmax(axis=1), -1).astype(np.int64)
    n = X.shape[0]
    edges = _edges(parts["graph"], n)
    n_train = int(np.asarray(_dense(parts["y"])).shape[0])
    train = np.arange(n_train)
    val = np.arange(n_train, min(n_train + n_val, n))
    test = np.sort(test_index)
    test = test[~np.isin(test, np.concatenate([train, val]))]
    val_mask = np.zeros(n, dtype=bool)
    val_mask[val] = True
    train_mask = np.zeros(n, dtype=bool)
    train_mask[train] = True
    test_mask = np.zeros(n, dtype=bool)
    test_mask[test] = True
    split = Split.from_masks(train_mask, val_mask, test_mask, seed=seed)
    return PlanetoidData(name, X, y, edges, split)


def _read(folder: Path, name: str, key: str) -> bytes:
    path = folder / f"ind.{name}.{key}"
    if not path.is_file():
        raise DataError(f"load_planetoid: missing file {path}.")
    return path.read_bytes()


def _read_index(folder: Path, name: str) -> np.ndarray:
    path = folder / f"ind.{name}.test.index"
    if not path.is_file():
        raise DataError(f"load_planetoid: missing file {path}.")
    try:
        values = [int(line) for line in path.read_text("ascii").split()]
    except ValueError as err:
        raise DataError(
            f"load_planetoid: {path} must hold one integer per line."
        ) from err
    return np.asarray(values, dtype=np.int64)


def _dense(obj: Any) -> np.ndarray:
    if sp.issparse(obj):
        return np.asarray(obj.toarray(), dtype=np.float64)
    if isinstance(obj, np.ndarray):
        return obj.astype(np.float64)
    raise DataError(f"load_planetoid: expected an array, got {type(obj).__name__}.")


def _assemble(
    parts: dict[str, Any], test_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    allx, ally = _dense(parts["allx"]), _dense(parts["ally"])
    tx, ty = _dense(parts["tx"]), _dense(parts["ty"])
    if tx.shape[0] != test_index.size or ty.shape[0] != test_index.size:
        raise DataError(
            "load_planetoid: tx/ty and test.index disagree on the number of test nodes."
        )
    order = np.sort(test_index)
    low, high = int(order[0]), int(order[-1])
    # Citeseer: some test indices have no feature row; pad the range with zeros
    full_tx = np.zeros((high - low + 1, tx.shape[1]))
    full_ty = np.zeros((high - low + 1, ty.shape[1]))
    full_tx[order - low] = tx[np.argsort(test_index)]
    full_ty[order - low] = ty[np.argsort(test_index)]
    if low != allx.shape[0]:
        raise DataError(
            "load_planetoid: test indices must start right after the allx rows; the "
            "files do not belong together."
        )
    return np.vstack([allx, full_tx]), np.vstack([ally, full_ty])


def _edges(graph: Any, n: int) -> np.ndarray:
    if not isinstance(graph, dict):
        raise DataError("load_planetoid: the graph file must hold a dict of lists.")
    pairs = []
    for src, targets in graph.items():
        for dst in targets:
            i, j = int(src), int(dst)
            if i != j and 0 <= i < n and 0 <= j < n:
                pairs.append((min(i, j), max(i, j)))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.asarray(pairs, dtype=np.int64), axis=0)
