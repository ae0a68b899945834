"""Training helpers and safe skops loading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import SVC

from engine.errors import ConfigError, DataError
from engine.values import MODEL_KINDS, load_skops, save_skops, train_classifier


class NotAModel:
    """A custom type that must never be loaded from a file."""

    def predict_proba(self, X):
        return X


@pytest.fixture(scope="module")
def iris_frame() -> pd.DataFrame:
    return load_iris(as_frame=True).frame


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_train_classifier_reports_held_out_accuracy(iris_frame, kind) -> None:
    trained = train_classifier(iris_frame, "target", kind, seed=0)
    assert trained.features == tuple(iris_frame.columns[:-1])
    assert trained.classes == ("0", "1", "2")
    assert trained.n_test == 38 and 0.8 <= trained.accuracy <= 1.0


def test_train_classifier_rejects_bad_tables(iris_frame) -> None:
    with pytest.raises(DataError, match="not in the table"):
        train_classifier(iris_frame, "species")
    with pytest.raises(DataError, match="single class"):
        train_classifier(iris_frame.assign(target=1), "target")
    with pytest.raises(ConfigError, match="kind"):
        train_classifier(iris_frame, "target", "svm")
    # scikit-learn's own error for a negative random_state is not an engine error
    with pytest.raises(ConfigError, match="'seed'"):
        train_classifier(iris_frame, "target", seed=-3)


def test_skops_round_trip_of_allowed_models(iris_frame, tmp_path) -> None:
    for kind in ("forest", "mlp"):
        model = train_classifier(iris_frame, "target", kind, seed=0).model
        path = tmp_path / f"{kind}.skops"
        save_skops(model, path)
        loaded = load_skops(path)
        X = iris_frame.drop(columns="target")
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_skops_refuses_untrusted_types_and_garbage() -> None:
    import skops.io as sio

    with pytest.raises(DataError, match="not allowed"):
        load_skops(sio.dumps({"model": NotAModel()}))
    with pytest.raises(DataError, match="not a readable skops"):
        load_skops(b"PK\x03\x04 definitely not a model")
    X, y = load_iris(return_X_y=True)
    with pytest.raises(DataError, match="predict_proba"):
        load_skops(sio.dumps(SVC().fit(X, y)))
    with pytest.raises(DataError, match="not an allowed"):
        load_skops(sio.dumps(FunctionTransformer()))


def _twin_cases():
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    binary = (y == 2).astype(int)
    mlp = dict(max_iter=300, random_state=0)
    return [
        (make_pipeline(StandardScaler(), LogisticRegression()), X, y),
        (LogisticRegression(max_iter=500), X, binary),
        (MLPClassifier((8, 5), activation="tanh", **mlp), X, y),
        (make_pipeline(StandardScaler(), MLPClassifier((6,), **mlp)), X, binary),
    ]


@pytest.mark.parametrize("case", range(4))
def test_torch_twin_matches_predict_proba_and_averages(case) -> None:
    import warnings

    import torch

    from engine.values.models import as_probability_model

    model, X, y = _twin_cases()[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    wrapped = as_probability_model(model, X[:8])
    assert wrapped.kind == "sklearn-torch"
    twin = wrapped.affine
    got = wrapped(torch.as_tensor(X)).numpy()
    np.testing.assert_allclose(got, model.predict_proba(X), atol=1e-12)
    # mean_head averages over the second-to-last axis and leaves its input intact
    W, b = twin.first_layer(torch.as_tensor(X))
    pre = (torch.as_tensor(X) @ W + b).view(5, 30, -1)
    before = pre.clone()
    mean = twin.mean_head(pre).numpy()
    assert torch.equal(pre, before)
    expected = model.predict_proba(X).reshape(5, 30, -1).mean(1)
    np.testing.assert_allclose(mean, expected, atol=1e-12)
