"""The cost of an explanation, known before it runs (engine.values.cost)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from engine.errors import ConfigError
from engine.values import explain
from engine.values.cost import planned_model_rows, seconds_per_model_row


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    return LogisticRegression().fit(X, (X[:, 0] + X[:, 1] > 0).astype(int)), X


@pytest.mark.parametrize(
    ("estimator", "operator", "n_samples"),
    [
        ("permutation", "shapley", 6),
        ("coalition", "banzhaf", 5),
        ("exact", "shapley", 0),
    ],
)
def test_planned_model_rows_are_those_the_run_evaluates(
    fitted, estimator, operator, n_samples
) -> None:
    model, X = fitted
    result = explain(
        model,
        X[:3],
        background=X[:20],
        estimator=estimator,
        operator=operator,
        n_samples=n_samples or None,
        removal="background",
    )
    planned = planned_model_rows(
        estimator, n_rows=3, n_players=4, n_background=20, n_samples=n_samples
    )
    assert planned == result.n_model_rows


def test_planned_model_rows_refuse_an_empty_run() -> None:
    with pytest.raises(ConfigError, match="got 0, 4 and 20"):
        planned_model_rows("exact", n_rows=0, n_players=4, n_background=20, n_samples=0)


def test_seconds_per_model_row_times_a_sampled_run_even_for_exact(fitted) -> None:
    model, X = fitted
    for estimator in ("exact", "permutation"):
        rate = seconds_per_model_row(
            model, X[:1], X, estimator=estimator, removal="background"
        )
        assert 0 < rate < 1e-3
    # an operator orderings do not estimate is timed with coalitions
    rate = seconds_per_model_row(
        model, X[:1], X, estimator="exact", operator="banzhaf", removal="background"
    )
    assert 0 < rate < 1e-3
