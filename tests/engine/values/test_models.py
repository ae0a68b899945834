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
