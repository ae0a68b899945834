"""Training helpers and safe skops loading."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import SVC

from engine.errors import ConfigError, DataError
from engine.runtime import STOP
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


@pytest.mark.parametrize("kind", ["forest", "boosting"])
def test_training_in_steps_gives_the_model_of_one_fit(iris_frame, kind) -> None:
    from sklearn.model_selection import train_test_split

    from engine.values.models import make_estimator

    X = iris_frame.drop(columns="target").to_numpy()
    y = iris_frame["target"].astype(str).to_numpy()
    X_tr, _, y_tr, _ = train_test_split(
        X, y, test_size=0.25, random_state=4, stratify=y
    )
    once = make_estimator(kind, 4).fit(X_tr, y_tr)
    events = []
    stepped = train_classifier(
        iris_frame, "target", kind, seed=4, progress=events.append
    ).model
    np.testing.assert_array_equal(stepped.predict_proba(X), once.predict_proba(X))
    steps = [e.step for e in events if e.stage == "train"]
    assert steps == (list(range(10, 101, 10)) if kind == "forest" else [*range(1, 101)])
    assert events[-1].stage == "done" and events[-1].metrics["accuracy"] > 0.8


@pytest.mark.parametrize(
    ("kind", "unit", "size"),
    [
        ("forest", "trees", lambda m: len(m.estimators_)),
        ("boosting", "stages", lambda m: m.n_estimators_),
        ("mlp", "epochs", lambda m: m[-1].n_iter_),
    ],
)
def test_a_stop_request_returns_the_model_trained_so_far(
    iris_frame, kind, unit, size
) -> None:
    trained = train_classifier(
        iris_frame,
        "target",
        kind,
        seed=0,
        progress=lambda e: STOP if e.step >= 20 else None,
    )
    planned = 600 if kind == "mlp" else 100
    assert trained.stopped and size(trained.model) == 20
    assert trained.notes[-1] == f"training was stopped after 20 of {planned} {unit}"
    assert trained.model.predict_proba(iris_frame.iloc[:5, :4]).shape == (5, 3)
    assert not train_classifier(iris_frame, "target", "logistic").stopped


def test_the_mlp_stops_on_a_loss_plateau_and_is_reproducible(iris_frame) -> None:
    first = train_classifier(iris_frame, "target", "mlp", seed=2).model
    again = train_classifier(iris_frame, "target", "mlp", seed=2).model
    X = iris_frame.iloc[:, :4]
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    mlp = first[-1]
    losses = np.asarray(mlp.loss_curve_)
    assert mlp.n_iter_ == len(losses) < mlp.max_iter and mlp.random_state == 2
    # ended as fit() ends: each of the last n_iter_no_change + 1 epochs improved
    # on the best loss before it by less than tol, and the epoch before them did
    stale = [losses[i] > losses[:i].min() - mlp.tol for i in range(1, len(losses))]
    n = mlp.n_iter_no_change + 1
    assert all(stale[-n:]) and not all(stale[-n - 1 :])


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


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda X, y: LogisticRegression(),
            "load_skops: the file holds a LogisticRegression that is not fitted; "
            "fit it on your table (model.fit(X, y)) before saving it with "
            "skops.io.dump.",
        ),
        (
            lambda X, y: make_pipeline(StandardScaler(), LogisticRegression()),
            "load_skops: the file holds a StandardScaler (a step of its Pipeline) "
            "that is not fitted; fit it on your table (model.fit(X, y)) before "
            "saving it with skops.io.dump.",
        ),
    ],
)
def test_skops_refuses_an_unfitted_model(make, expected) -> None:
    # it loaded, and the Explain page then failed on model.classes_ with a traceback
    X, y = load_iris(return_X_y=True)
    with pytest.raises(DataError) as info:
        load_skops(save_skops(make(X, y)))
    assert str(info.value) == expected


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


def test_train_classifier_leaves_out_empty_labels_and_applies_missing(
    iris_frame,
) -> None:
    holed = iris_frame.astype({"target": float})
    holed.loc[[10, 20], "target"] = np.nan
    holed.loc[[0, 1, 2], "sepal width (cm)"] = np.nan
    holed.loc[5, "petal width (cm)"] = -np.inf
    dropped = train_classifier(holed, "target", seed=0)
    assert dropped.notes == (
        "left out 2 row(s) with an empty label in 'target'",
        "dropped 4 row(s) with missing or infinite values",
    )
    assert dropped.n_train + dropped.n_test == 144 and dropped.classes == (
        "0",
        "1",
        "2",
    )
    filled = train_classifier(holed, "target", missing="mean", seed=0)
    assert filled.notes[1:] == (
        "imputed 3 value(s) of 'sepal width (cm)' with the column mean",
        "imputed 1 value(s) of 'petal width (cm)' with the column mean",
    )
    assert filled.n_train + filled.n_test == 148
    with pytest.raises(ConfigError, match="'missing'"):
        train_classifier(holed, "target", missing="zero")


def test_prepare_features_keeps_every_column_and_names_the_problem() -> None:
    from engine.values import prepare_features

    frame = pd.DataFrame(
        {"const": [1.0, 1.0, 1.0], "a": [1.0, np.nan, 3.0], "t": ["x", "y", "z"]}
    )
    table, record = prepare_features(frame, ["const", "a"], "drop")
    assert list(table.columns) == ["const", "a"] and table.index.tolist() == [0, 2]
    assert record.dropped_rows.tolist() == [1]
    table, record = prepare_features(frame, ["const", "a"], "mean")
    assert table["a"].tolist() == [1.0, 2.0, 3.0] and record.imputed == {"a": 1}
    with pytest.raises(DataError, match=r"feature column\(s\) \['t'\] are not numeric"):
        prepare_features(frame, ["a", "t"])
    empty = frame.assign(a=np.nan)
    with pytest.raises(DataError, match=r"leaves none; fill them .*'mean'"):
        prepare_features(empty, ["a"], "drop")
    with pytest.raises(DataError, match=r"\['a'\] have no value to compute a mean"):
        prepare_features(empty, ["const", "a"], "mean")


def test_check_model_classes_names_classes_the_table_does_not_have(
    iris_frame,
) -> None:
    from engine.values import check_model_classes

    X, y = iris_frame.drop(columns="target"), iris_frame["target"]
    model = train_classifier(iris_frame, "target", "forest", seed=0).model
    accuracy, warning = check_model_classes(model, X, y.astype(float), "target")
    assert warning is None and accuracy > 0.95  # 1.0 and 1 are the same class
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    accuracy, warning = check_model_classes(model, X, names, "species")
    assert accuracy is None
    assert warning.startswith(
        "the model's classes ['0', '1', '2'] are not the values of the label column "
        "'species' (['setosa', 'versicolor', 'virginica'])"
    )
    with pytest.raises(DataError, match="expects 4 features; the table has 3"):
        check_model_classes(model, X.iloc[:, 1:], y, "target", "explain")


def test_a_continuous_label_gives_a_data_warning(iris_frame) -> None:
    from engine.errors import DataWarning
    from engine.validation import class_label_warning

    assert class_label_warning(iris_frame["target"], "target") is None
    assert class_label_warning(np.arange(30) % 10, "digit") is None
    ids = class_label_warning([f"id{i}" for i in range(40)], "id")
    assert ids.startswith("the label column 'id' has 40 distinct values in 40")
    with pytest.warns(DataWarning, match="'petal length \\(cm\\)' has 43 distinct"):
        train_classifier(iris_frame, "petal length (cm)", seed=0)


def test_messages_list_every_column_or_count_the_rest() -> None:
    # the label column sat past the first ten names and was silently cut off
    frame = pd.DataFrame(np.zeros((4, 40)), columns=[f"c{i}" for i in range(40)])
    with pytest.raises(DataError) as err:
        train_classifier(frame, "nope", "logistic")
    assert "'c29', ... and 10 more]" in str(err.value)
    with pytest.raises(DataError) as err:
        train_classifier(frame.iloc[:, :12], "nope", "logistic")
    assert "'c10', 'c11']" in str(err.value) and "more" not in str(err.value)


def test_feature_columns_leave_out_row_identifiers_with_reasons() -> None:
    from engine.values import feature_columns

    n = 30
    frame = pd.DataFrame(
        {
            "row": np.arange(n),  # counts up by one: a saved row index
            "patient_id": np.random.default_rng(0).permutation(n) + 1000,
            "x": np.linspace(0, 1, n),
            "count": np.arange(n) % 5,  # integers, but repeated: a feature
            # distinct whole numbers that are measurements, not ids
            "year": np.arange(1990, 1990 + n),
            "price_index": np.random.default_rng(1).permutation(n) + 90,
            "note": ["a"] * n,
            "y": np.arange(n) % 2,
        }
    )
    usable, left_out = feature_columns(frame, "y")
    assert usable == ["x", "count", "year", "price_index"]
    assert left_out == {
        "row": "row identifier",
        "patient_id": "row identifier",
        "note": "text",
    }


def test_a_stop_request_after_the_last_step_stops_nothing(iris_frame) -> None:
    # a Cancel that reached the final "done" event gave stopped=True with no note
    # (the app then failed on notes[-1] and lost the model without a word)
    for kind, planned in (("logistic", 1), ("forest", 100)):
        trained = train_classifier(
            iris_frame,
            "target",
            kind,
            seed=0,
            progress=lambda e: STOP if e.stage == "done" else None,
        )
        assert not trained.stopped and trained.steps[:2] == (planned, planned)
        assert not any("stopped" in note for note in trained.notes)
    early = train_classifier(
        iris_frame,
        "target",
        "boosting",
        seed=0,
        progress=lambda e: STOP if e.step >= 7 else None,
    )
    assert early.stopped and early.steps == (7, 100, "stages")


def test_load_skops_checks_inside_a_column_transformer() -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, PolynomialFeatures

    from engine.errors import DataError
    from engine.values import load_skops, save_skops

    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": ["x", "y", "x", "y"]})
    y = [0, 1, 0, 1]
    ok = make_pipeline(
        ColumnTransformer([("c", OneHotEncoder(), ["b"])], remainder="passthrough"),
        LogisticRegression(),
    ).fit(frame, y)
    assert type(load_skops(save_skops(ok))).__name__ == "Pipeline"
    odd = make_pipeline(
        ColumnTransformer(
            [("p", PolynomialFeatures(), ["a"]), ("c", OneHotEncoder(), ["b"])]
        ),
        LogisticRegression(),
    ).fit(frame, y)
    with pytest.raises(DataError, match="PolynomialFeatures, which is not an allowed"):
        load_skops(save_skops(odd))


def test_training_reports_balanced_accuracy_and_the_majority_baseline():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(600, 2)), columns=["a", "b"])
    frame["y"] = np.where(np.arange(600) % 20 == 0, "rare", "common")  # 5 %
    trained = train_classifier(frame, "y", kind="logistic", seed=0)
    assert trained.majority == "common"
    assert trained.baseline == pytest.approx(0.95, abs=0.01)
    # the label is noise: the model says "common" and its balanced accuracy is
    # about 1 / 2, whatever its accuracy
    assert trained.balanced_accuracy == pytest.approx(0.5, abs=0.05)
    assert trained.accuracy >= 0.9


def test_model_scores_give_balanced_accuracy_and_the_tables_majority(
    iris_frame,
) -> None:
    from engine.values import model_scores

    X, y = iris_frame.drop(columns="target"), iris_frame["target"]
    model = train_classifier(iris_frame, "target", "logistic", seed=0).model
    keep = np.r_[0:50, 50:60, 100:110]  # 50 of class 0, 10 of each other
    scores, warning = model_scores(model, X.iloc[keep], y.iloc[keep], "target")
    assert warning is None and scores.majority == "0"
    assert scores.baseline == pytest.approx(50 / 70)
    predicted = model.predict(X.iloc[keep].to_numpy())
    truth = y.iloc[keep].astype(str).to_numpy()
    recall = [np.mean(predicted[truth == c] == c) for c in ("0", "1", "2")]
    assert scores.balanced_accuracy == pytest.approx(np.mean(recall))
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    assert model_scores(model, X, names, "species")[0] is None


def test_a_training_split_of_one_class_is_said_plainly() -> None:
    # two rows, two classes: the training split holds one row of one class; the
    # message said "1 row(s) of 2 classes" and quoted np.str_('0')
    frame = pd.DataFrame({"x": [0.1, 0.5], "target": ["0", "1"]})
    with pytest.raises(DataError) as caught:
        train_classifier(frame, "target")
    text = str(caught.value)
    assert "its training split holds 1 row(s) of 1 of the table's 2 classes" in text
    assert "np.str_" not in text and "only one class: '0'" in text


def test_explaining_an_unfitted_model_says_to_fit_it() -> None:
    # it said "the model failed on the first rows of X (NotFittedError: ...)"
    from engine.values import explain

    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(DataError, match=r"the model is not fitted .* \(model\.fit"):
        explain(LogisticRegression(), X)
    with pytest.raises(DataError, match="not fitted"):
        explain(make_pipeline(StandardScaler(), LogisticRegression()), X)


def test_trainings_in_two_threads_leave_the_warning_filters_as_they_were(
    iris_frame,
) -> None:
    # each training silenced scikit-learn's ConvergenceWarning with
    # warnings.catch_warnings(), which saves the process-wide filter list on entry
    # and puts it back on exit: two trainings overlapping as A enters, B enters,
    # A exits, B exits left A's "ignore" behind for good, dropped the filter the
    # user added meanwhile, and let B's warning through once A had ended
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning

    warnings.simplefilter("error", SkConvergenceWarning)  # pytest restores it
    before = list(warnings.filters)
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def first_step(entered: threading.Event, then: threading.Event | None):
        def progress(event) -> None:
            if event.stage != "train" or entered.is_set():
                return
            entered.set()
            if then is None:  # A: wait inside its training until B is in its own
                b_in.wait(timeout=60)
                return
            then.wait(timeout=60)  # B: A has ended; B is still inside
            warnings.filterwarnings("ignore", message="the user's own filter")
            seen["user"] = warnings.filters[0]
            try:
                warnings.warn("failed to converge", SkConvergenceWarning, stacklevel=1)
            except SkConvergenceWarning as err:
                seen["shown"] = err

        return progress

    def train(name: str, progress) -> None:
        try:
            train_classifier(iris_frame, "target", "forest", progress=progress)
        except Exception as err:  # reported by the asserts below
            seen[name] = err

    a = threading.Thread(target=train, args=("a", first_step(a_in, None)))
    b = threading.Thread(target=train, args=("b", first_step(b_in, a_out)))
    a.start()
    assert a_in.wait(timeout=60)
    b.start()
    a.join(timeout=120)
    a_out.set()
    b.join(timeout=120)
    assert "a" not in seen and "b" not in seen, seen
    left = warnings.filters[:]
    assert "shown" not in seen  # B was still inside its training
    assert left == [seen["user"], *before]
    with pytest.raises(SkConvergenceWarning):  # silenced no longer
        warnings.warn("failed to converge", SkConvergenceWarning, stacklevel=1)
