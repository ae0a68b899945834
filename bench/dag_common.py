"""Shared pieces of the DAG benchmarks: data, baselines, the method list, metrics.

Add a method by appending a ``(name, function)`` pair to :data:`METHODS`; each
function takes ``(X, seed)`` and returns a boolean adjacency (d, d).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from engine.dag import compare_graphs, learn_dag

SACHS_NAMES = [
    "praf",
    "pmek",
    "plcg",
    "PIP2",
    "PIP3",
    "p44/42",
    "pakts473",
    "PKA",
    "PKC",
    "P38",
    "pjnk",
]
# The 17-edge bnlearn / DAGuerreotype ground truth (spec section 5.1).
SACHS_EDGES = [
    ("praf", "pmek"),
    ("pmek", "p44/42"),
    ("plcg", "PIP2"),
    ("plcg", "PIP3"),
    ("PIP3", "PIP2"),
    ("p44/42", "pakts473"),
    ("PKA", "praf"),
    ("PKA", "pmek"),
    ("PKA", "p44/42"),
    ("PKA", "pakts473"),
    ("PKA", "P38"),
    ("PKA", "pjnk"),
    ("PKC", "praf"),
    ("PKC", "pmek"),
    ("PKC", "PKA"),
    ("PKC", "P38"),
    ("PKC", "pjnk"),
]


def sachs_truth() -> np.ndarray:
    """The 17-edge truth over :data:`SACHS_NAMES`, bool (11, 11)."""
    a = np.zeros((11, 11), dtype=bool)
    for s, t in SACHS_EDGES:
        a[SACHS_NAMES.index(s), SACHS_NAMES.index(t)] = True
    return a


def load_sachs() -> tuple[np.ndarray, np.ndarray]:
    """Sachs observational data (853 x 11) and its 17-edge truth.

    Uses ``engine.load_sample("sachs")`` when the sample set exists, else the CSV at
    ``$SACHS_CSV`` (the first 853 rows of cdt's ``cyto_full_data.csv``).
    """
    try:
        from engine import load_sample  # type: ignore[attr-defined]

        sample = load_sample("sachs")
        return sample.frame.to_numpy(dtype=float), np.asarray(sample.truth, bool)
    except ImportError:
        import pandas as pd

        path = Path(
            os.environ.get(
                "SACHS_CSV", "/tmp/cdt/cdt/data/resources/cyto_full_data.csv"
            )
        )
        frame = pd.read_csv(path).iloc[:853]
        return frame[SACHS_NAMES].to_numpy(dtype=float), sachs_truth()


def standardize(X: np.ndarray) -> np.ndarray:
    """Columns centred and scaled to unit variance."""
    return (X - X.mean(0)) / X.std(0)


# --- methods ---


def ours(X: np.ndarray, seed: int) -> np.ndarray:
    """The permutahedron learner with its defaults, on the CPU."""
    return learn_dag(X, seed=seed, device="cpu").adjacency


def dagma_linear(X: np.ndarray, seed: int) -> np.ndarray:
    """DAGMA linear (L2 loss, lambda1=0.02, its default threshold 0.3)."""
    from dagma.linear import DagmaLinear

    np.random.seed(seed)  # DAGMA draws nothing, but keep runs comparable
    W = DagmaLinear(loss_type="l2").fit(X - X.mean(0), lambda1=0.02)
    return np.abs(W) > 0


def empty_graph(X: np.ndarray, seed: int) -> np.ndarray:
    """No edges at all."""
    return np.zeros((X.shape[1], X.shape[1]), dtype=bool)


def varsort_regress(X: np.ndarray, seed: int) -> np.ndarray:
    """Sort nodes by marginal variance, regress each on its predecessors (LassoLarsIC).

    The 'sortnregress' baseline of Reisach et al. (2021): it only works when the
    variance grows along the causal order.
    """
    from sklearn.linear_model import LassoLarsIC, LinearRegression

    Xc = X - X.mean(0)
    order = np.argsort(Xc.var(0), kind="stable")
    d = X.shape[1]
    a = np.zeros((d, d), dtype=bool)
    for pos in range(1, d):
        child, parents = order[pos], order[:pos]
        ols = LinearRegression().fit(Xc[:, parents], Xc[:, child])
        scale = np.abs(ols.coef_)
        lasso = LassoLarsIC(criterion="bic").fit(Xc[:, parents] * scale, Xc[:, child])
        a[parents, child] = np.abs(lasso.coef_ * scale) > 1e-8
    return a


METHODS: list[tuple[str, Callable[[np.ndarray, int], np.ndarray]]] = [
    ("permutahedron", ours),
    ("DAGMA", dagma_linear),
    ("empty", empty_graph),
    ("varsort+regress", varsort_regress),
]


def run_one(
    fn: Callable[[np.ndarray, int], np.ndarray],
    X: np.ndarray,
    truth: np.ndarray,
    seed: int,
) -> dict[str, float]:
    """Fit once; metrics plus wall time and peak traced Python/NumPy memory."""
    tracemalloc.start()
    start = time.perf_counter()
    pred = fn(X, seed)
    wall = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    m = compare_graphs(truth, pred)
    m["time_s"] = wall
    m["peak_mb"] = peak / 2**20
    return m


def print_table(rows: dict[str, list[dict[str, float]]], title: str) -> None:
    """Median over seeds per method, with the time ratio to DAGMA."""
    print(f"\n{title}")
    head = f"{'method':18s} {'SHD':>6s} {'SHD_c':>6s} {'SID':>6s} {'edges':>6s} "
    print(head + f"{'time_s':>8s} {'x DAGMA':>8s}")
    dagma_t = np.median([r["time_s"] for r in rows.get("DAGMA", [])] or [np.nan])
    for name, runs in rows.items():
        med = {k: float(np.median([r[k] for r in runs])) for k in runs[0]}
        ratio = med["time_s"] / dagma_t if dagma_t else float("nan")
        print(
            f"{name:18s} {med['shd']:6.1f} {med['shd_cpdag']:6.1f} {med['sid']:6.1f} "
            f"{med['n_edges']:6.1f} {med['time_s']:8.2f} {ratio:8.2f}"
        )
