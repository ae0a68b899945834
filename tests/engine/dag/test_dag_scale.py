"""The permutahedron learner does not depend on the unit shared by all columns.

Multiplying every column by one factor ``c`` multiplies every residual
variance by ``c^2``: the default score (``nll_ev``) shifts by ``d log c`` for
every graph alike, and the least-squares weights do not change, so the same
graph, ordering and weights must come back. Absolute constants (ridges, clamps,
the grid that losses are compared on) once made fits on data of about 1e-3 or
less return other graphs.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

from engine import load_sample
from engine.dag import learn_dag, simulate_sem
from engine.dag.edge_models import FitSettings, backward_select, refit_linear
from engine.dag.permutahedron import greedy_order
from engine.errors import DataWarning

FACTORS = (1e-6, 1e-3, 1e3, 1e6)


def _sachs_standardised() -> np.ndarray:
    sample = load_sample("sachs")
    X = sample.frame[list(sample.feature_names)].to_numpy(dtype=float)
    return (X - X.mean(0)) / X.std(0)


def _planted() -> np.ndarray:
    return simulate_sem(8, 500, seed=1).X


def _fit(X: np.ndarray, seed: int, **options):
    with warnings.catch_warnings():  # standardised Sachs ties (engine.dag.ties)
        warnings.simplefilter("ignore", DataWarning)
        return learn_dag(X, seed=seed, **options)


def _assert_same_fit(fit, base, c: float) -> None:
    d = base.adjacency.shape[0]
    assert np.array_equal(fit.adjacency, base.adjacency), f"factor {c:g}"
    assert fit.ordering == base.ordering, f"factor {c:g}"
    assert fit.warnings == base.warnings  # the tie note names the same edges
    np.testing.assert_allclose(fit.weights, base.weights, rtol=1e-7, atol=1e-10)
    # the same search: every epoch's loss moved by d log c, no more
    assert fit.n_iter == base.n_iter
    np.testing.assert_allclose(
        fit.history["loss"], base.history["loss"] + d * math.log(c), atol=1e-7
    )


@pytest.mark.parametrize("data", ["planted", "sachs"])
def test_default_fit_ignores_the_unit_of_all_columns(data, seed):
    X = _planted() if data == "planted" else _sachs_standardised()
    base = _fit(X, seed)
    assert base.adjacency.sum() > 0
    assert (data == "sachs") == any("does not orient" in w for w in base.warnings)
    for c in FACTORS:
        _assert_same_fit(_fit(X * c, seed), base, c)


@pytest.mark.parametrize("c", [1e-100, 1e-140])
def test_default_fit_ignores_an_extreme_unit(c):
    # backward selection squared entries of its Gram inverse (~1 / variance):
    # they overflowed once the variances were below ~1e-154 (data times 1e-80)
    # and the fit returned another graph
    X = simulate_sem(6, 300, seed=4).X
    base = _fit(X, 0)
    _assert_same_fit(_fit(X * c, 0), base, c)


def test_lars_fit_ignores_the_unit_of_all_columns(seed):
    X = simulate_sem(5, 300, seed=2).X
    base = _fit(X, seed, sparsifier="lars")
    assert base.adjacency.sum() > 0
    for c in (1e-6, 1e6):
        _assert_same_fit(_fit(X * c, seed, sparsifier="lars"), base, c)


def test_greedy_start_ignores_the_unit():
    # standardised columns all have variance 1: ties the start breaks the same
    # way whatever the unit
    X = torch.as_tensor(_sachs_standardised())
    X = X - X.mean(0)
    order = greedy_order(X, None)
    for c in FACTORS:
        assert greedy_order(X * c, None) == order, f"factor {c:g}"


def test_backward_selection_and_refit_scale_with_the_data():
    X = torch.as_tensor(_planted())
    X = X - X.mean(0)
    d = X.shape[1]
    order = torch.arange(d)
    masks = (order[:, None] < order[None, :]).to(X.dtype)[None]  # identity order
    required = torch.zeros((d, d), dtype=X.dtype)
    settings = FitSettings(sparsifier="backward", pruning_reg=0.01)
    base = backward_select(X, masks, required, settings)
    for c in FACTORS:
        fit = backward_select(X * c, masks, required, settings)
        assert torch.equal(fit.adjacency, base.adjacency), f"factor {c:g}"
        torch.testing.assert_close(fit.weights, base.weights, rtol=1e-9, atol=1e-12)
        torch.testing.assert_close(
            fit.loss, base.loss + d * math.log(c), rtol=0, atol=1e-9
        )
        torch.testing.assert_close(
            refit_linear(X * c, base.adjacency[0]),
            refit_linear(X, base.adjacency[0]),
            rtol=1e-9,
            atol=1e-12,
        )


# Columns in very different units: each ridge is relative to its own column's
# variance, so the weights stay least squares on the selected parents (a ridge
# relative to the mean variance once shrank a small-unit parent's weight to 0.2
# of least squares at std 1e-2, and dropped the edge at std 1e-3).


def _mixed_units() -> np.ndarray:
    """A parent of std 1e-3 (``a``) of a child of std ~3e3 (``c``), and an
    unrelated column of std 1e3 (``b``)."""
    rng = np.random.default_rng(0)
    n = 2000
    a = 1e-3 * rng.normal(size=n)
    b = 1e3 * rng.normal(size=n)
    c = 3e6 * a + 1e3 * rng.normal(size=n)
    return np.column_stack([a, b, c])


_CANCER_COLUMNS = [
    "worst area",
    "mean fractal dimension",
    "fractal dimension error",
    "concave points error",
    "smoothness error",
    "mean smoothness",
]


def _breast_cancer_raw() -> np.ndarray:
    """Raw units: areas of ~1e3 next to fractal dimensions of ~1e-3."""
    frame = load_sample("breast_cancer").frame
    return frame[_CANCER_COLUMNS].to_numpy(dtype=float)


def _least_squares(X: np.ndarray, adjacency: np.ndarray) -> np.ndarray:
    Xc = X - X.mean(0)
    W = np.zeros(adjacency.shape)
    for c in range(adjacency.shape[1]):
        parents = np.flatnonzero(adjacency[:, c])
        if parents.size:
            W[parents, c] = np.linalg.lstsq(Xc[:, parents], Xc[:, c], rcond=None)[0]
    return W


@pytest.mark.parametrize("data", ["mixed", "breast_cancer"])
def test_weights_are_least_squares_whatever_each_columns_unit(data):
    X = _mixed_units() if data == "mixed" else _breast_cancer_raw()
    stds = X.std(0)
    assert stds.max() / stds.min() > 1e5  # units far apart
    fit = _fit(X, 0, max_iter=20)
    adjacency = fit.adjacency
    if data == "mixed":
        assert adjacency[0, 2] or adjacency[2, 0]  # a - c is found
    else:  # an edge whose parent has std below 1e-2
        small = stds < 1e-2
        assert (adjacency[small] | adjacency[:, small].T).any()
    np.testing.assert_allclose(
        fit.weights, _least_squares(X, adjacency), rtol=1e-6, atol=0
    )


def test_refit_and_selection_follow_each_columns_unit():
    # multiplying column j by f_j multiplies the weight p -> c by f_c / f_p
    X = torch.as_tensor(_planted())
    X = X - X.mean(0)
    d = X.shape[1]
    f = torch.as_tensor(10.0 ** np.linspace(-3, 3, d))
    order = torch.arange(d)
    masks = (order[:, None] < order[None, :]).to(X.dtype)[None]
    required = torch.zeros((d, d), dtype=X.dtype)
    # pruning_reg 0 drops nothing: least squares on every earlier column
    settings = FitSettings(sparsifier="backward", pruning_reg=0.0)
    base = backward_select(X, masks, required, settings).weights[0]
    fit = backward_select(X * f, masks, required, settings).weights[0]
    torch.testing.assert_close(fit, base * f[None, :] / f[:, None], rtol=1e-7, atol=0)
    adjacency = masks[0] > 0
    torch.testing.assert_close(
        refit_linear(X * f, adjacency),
        refit_linear(X, adjacency) * f[None, :] / f[:, None],
        rtol=1e-7,
        atol=0,
    )


def test_greedy_start_regresses_on_a_small_unit_parent():
    # a (std 1e-3) explains c almost exactly; b (std 10) is unrelated: given a,
    # c has residual variance ~1, below b's 100, so c comes second
    rng = np.random.default_rng(0)
    n = 1000
    a = 1e-3 * rng.normal(size=n)
    b = 10.0 * rng.normal(size=n)
    c = 1e6 * a + rng.normal(size=n)
    X = torch.as_tensor(np.column_stack([a, b, c]))
    assert greedy_order(X - X.mean(0), None) == [0, 2, 1]
