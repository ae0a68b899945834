"""The exact optima the Sachs benchmark prints as diagnostics, against brute force.

Each dynamic programme over predecessor sets must give the graph whose score is
the best over all orderings, each ordering fitted node by node.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import Lasso

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from dag_common import exhaustive_bic_optimum, exhaustive_lasso_optimum


def _data(seed: int, n: int = 300, d: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[:, 1] += 0.8 * X[:, 0]
    X[:, 2] += -0.6 * X[:, 1] + 0.5 * X[:, 3]
    return (X - X.mean(0)) / X.std(0)


def _lasso_score(X: np.ndarray, W: np.ndarray, lam: float) -> float:
    r = X - X @ W
    return float((r * r).sum() / (2 * len(X)) + lam * np.abs(W).sum())


def _lasso_brute_force(X: np.ndarray, lam: float) -> float:
    d, best = X.shape[1], np.inf
    for order in itertools.permutations(range(d)):
        W = np.zeros((d, d))
        for k, j in enumerate(order[1:], start=1):
            pre = list(order[:k])
            fit = Lasso(alpha=lam, fit_intercept=False, tol=1e-12, max_iter=50000)
            W[pre, j] = fit.fit(X[:, pre], X[:, j]).coef_
        best = min(best, _lasso_score(X, W, lam))
    return best


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("lam", [0.02, 0.1])
def test_lasso_optimum_is_the_best_ordering(seed: int, lam: float) -> None:
    X = _data(seed)

    W = exhaustive_lasso_optimum(X, lam)

    assert np.trace(np.abs(W)) == 0
    assert _lasso_score(X, W, lam) == pytest.approx(
        _lasso_brute_force(X, lam), abs=1e-8
    )


def _bic(X: np.ndarray, A: np.ndarray, penalty: float) -> float:
    n, total = len(X), 0.0
    for j in range(X.shape[1]):
        pa = np.flatnonzero(A[:, j])
        w = np.linalg.lstsq(X[:, pa], X[:, j], rcond=None)[0] if pa.size else []
        r = X[:, j] - (X[:, pa] @ w if pa.size else 0)
        total += n / 2 * np.log(r @ r / n) + penalty * pa.size
    return total


def test_bic_optimum_is_the_best_dag() -> None:
    X = _data(2)
    penalty = np.log(len(X)) / 2
    d = X.shape[1]
    pairs = [(i, j) for i in range(d) for j in range(d) if i != j]
    best = np.inf
    for order in itertools.permutations(range(d)):
        rank = np.argsort(order)
        forward = [(i, j) for i, j in pairs if rank[i] < rank[j]]
        for keep in itertools.product([0, 1], repeat=len(forward)):
            A = np.zeros((d, d), dtype=int)
            for (i, j), k in zip(forward, keep, strict=True):
                A[i, j] = k
            best = min(best, _bic(X, A, penalty))

    A = exhaustive_bic_optimum(X, penalty)

    assert _bic(X, A, penalty) == pytest.approx(best, abs=1e-8)


def test_the_tie_class_holds_every_equal_scoring_orientation() -> None:
    # a standardised star a -> b, a -> c: covered reversals reach every DAG of
    # the equivalence class without a collider (a root at a, b or c: 3 DAGs),
    # all with the same total residual variance
    from dag_sachs import _tie_class

    rng = np.random.default_rng(0)
    a = rng.normal(size=2000)
    X = np.column_stack([a, a + rng.normal(size=2000), rng.normal(size=2000) - a])
    Z = (X - X.mean(0)) / X.std(0)
    star = np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]], dtype=bool)
    count, shd = _tie_class(Z, star, star).split()[:2]
    assert count == "3" and shd == "0-1"  # one reversed edge each
    assert _tie_class(X, star, star).split()[:2] == ["1", "0-0"]  # raw: no ties
