"""train_table_classifier and text_features: text columns one-hot encoded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.values import explain, load_skops, save_skops
from engine.values.table_models import (
    MAX_CATEGORIES,
    table_features,
    text_features,
    train_table_classifier,
)


def _frame(n: int = 160) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "colour": rng.choice(["red", "green", "blue"], n),
            "city": rng.choice(["Oslo", "Rome", None], n),
        }
    )
    frame["y"] = np.where((frame["colour"] == "red") | (frame["age"] > 45), "a", "b")
    return frame


def test_text_features_keep_few_values_and_leave_out_many() -> None:
    frame = _frame().assign(note=[f"n{i}" for i in range(160)])
    left_out = {"colour": "text", "city": "text", "note": "text", "id": "no value"}
    usable, rest = text_features(frame, left_out)
    assert usable == ["colour", "city"]
    assert rest == {
        "note": f"text, over {MAX_CATEGORIES} distinct values",
        "id": "no value",
    }


def test_table_features_prepare_numbers_and_keep_text() -> None:
    frame = _frame()
    frame.loc[3, "age"] = np.nan
    table, record = table_features(frame, ["colour", "age"], "drop", "t")
    assert list(table.columns) == ["colour", "age"] and 3 not in table.index
    assert record.dropped_rows.tolist() == [3]
    assert table["colour"].tolist() == frame["colour"].drop(index=3).tolist()


@pytest.mark.parametrize("kind", ["logistic", "forest", "boosting", "mlp"])
def test_a_model_of_a_mixed_table_saves_and_explains(kind: str) -> None:
    frame = _frame()
    trained = train_table_classifier(frame, "y", kind, text=["colour", "city"])
    assert trained.features == ("age", "colour", "city") and trained.accuracy > 0.8
    X = frame.drop(columns="y")
    loaded = load_skops(save_skops(trained.model))
    assert (loaded.predict(X) == trained.model.predict(X)).all()
    # an unseen value is ignored by the encoder, not an error
    assert len(loaded.predict(X.iloc[:1].assign(colour="purple"))) == 1
    result = explain(loaded, X.iloc[[0]], background=X, n_samples=8, seed=0)
    assert result.data_frame().iloc[0]["colour"] == frame.loc[0, "colour"]


def test_without_text_it_is_train_classifier() -> None:
    frame = _frame().drop(columns=["colour", "city"])
    trained = train_table_classifier(frame, "y", "logistic")
    assert type(trained.model).__name__ == "Pipeline" and trained.features == ("age",)


def test_a_table_model_has_balanced_accuracy_and_the_baseline() -> None:
    # only the numeric models had them; the page showed accuracy alone
    trained = train_table_classifier(_frame(), "y", "logistic", text=["colour", "city"])
    assert 0 <= trained.balanced_accuracy <= 1
    assert trained.majority in ("a", "b") and 0 < trained.baseline < 1
