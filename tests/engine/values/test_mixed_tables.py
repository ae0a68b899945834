"""explain on a raw mixed-dtype table: text, category, bool, int and float columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from engine.errors import ConfigError, DataError
from engine.values import DistributionalExplainer, DistributionalValues, explain

NUMERIC = ["age", "dose", "visits"]
TEXT = ["sex", "site", "smoker"]


def _table(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.normal(50, 10, n),
            "sex": rng.choice(["female", "male"], n),
            "dose": rng.normal(size=n),
            "site": pd.Categorical(rng.choice(["a", "b", "c"], n)),
            "visits": rng.integers(0, 5, n),
            "smoker": rng.random(n) < 0.3,
        }
    )
    frame["site"] = frame["site"].astype("category")
    logit = frame.dose + 1.5 * (frame.sex == "female") - (frame.site == "c")
    y = (logit + rng.normal(size=n) > 0.5).astype(int)
    return frame, y


@pytest.fixture(scope="module")
def mixed():
    frame, y = _table(300)
    pipe = make_pipeline(
        ColumnTransformer(
            [
                ("num", StandardScaler(), NUMERIC),
                ("cat", OneHotEncoder(handle_unknown="ignore"), TEXT),
            ]
        ),
        LogisticRegression(max_iter=500),
    ).fit(frame, y)
    return frame, pipe


def _by_color(frame: pd.DataFrame) -> np.ndarray:
    """P(class 1) is 0.9 for a red row, 0.2 otherwise: the text column decides."""
    assert isinstance(frame, pd.DataFrame)
    p = np.where(frame["color"].to_numpy() == "red", 0.9, 0.2)
    return np.column_stack([1 - p, p])


def test_hand_computed_text_column_decides() -> None:
    X = pd.DataFrame({"color": ["red"], "x": [5.0]})
    bg = pd.DataFrame({"color": ["red", "blue"], "x": [0.0, 1.0]})
    res = explain(_by_color, X, background=bg, seed=0)
    # v(empty) = mean(0.9, 0.2) = 0.55, v(color) = 0.9: Shapley 0.35 for class 1;
    # K = 2: the class moves 0 -> 1 with probability 0.35, never back
    np.testing.assert_allclose(res.mean[0, 0], [-0.35, 0.35], atol=1e-12)
    np.testing.assert_allclose(
        res.transitions[0, 0], [[0.1, 0.0], [0.35, 0.55]], atol=1e-12
    )
    assert res.p_change[0, 0] == pytest.approx(0.35, abs=1e-12)
    # x changes nothing: its matrix is diagonal, the mean of the with/without
    # probabilities over its coalitions {} and {color}: (0.45 + 0.1) / 2 for 0
    np.testing.assert_allclose(
        res.transitions[0, 1], np.diag([0.275, 0.725]), atol=1e-12
    )
    assert res.categories == {"color": ("blue", "red")}
    assert res.data_frame().loc[0, "color"] == "red"
    assert res.config["coded_columns"] == ["color"]


def test_model_gets_original_dtypes_and_order(mixed) -> None:
    frame, pipe = mixed
    seen = []

    def model(table: pd.DataFrame) -> np.ndarray:
        seen.append(table)
        return pipe.predict_proba(table)

    explain(model, frame.iloc[:2], background=frame.iloc[:20], seed=0)
    table = seen[-1]
    assert list(table.columns) == list(frame.columns)
    assert dict(table.dtypes) == dict(frame.dtypes)
    assert set(table["sex"]) <= {"female", "male"}


def _shap_means(pipe, rows: pd.DataFrame, bg: pd.DataFrame) -> np.ndarray:
    """shap's ExactExplainer on integer codes that this test decodes itself."""
    shap = pytest.importorskip("shap")
    both = pd.concat([rows, bg], ignore_index=True)
    values = {c: sorted(both[c].unique()) for c in TEXT}

    def encode(t: pd.DataFrame) -> np.ndarray:
        out = t.copy()
        for c in TEXT:
            out[c] = [values[c].index(v) for v in t[c]]
        return out.to_numpy(dtype=float)

    def decode(A: np.ndarray) -> pd.DataFrame:
        t = pd.DataFrame(A, columns=rows.columns)
        for c in rows.columns:
            if c in TEXT:
                t[c] = [values[c][int(v)] for v in A[:, rows.columns.get_loc(c)]]
            t[c] = t[c].astype(rows[c].dtype)
        return t

    masker = shap.maskers.Independent(encode(bg), max_samples=len(bg))
    out = shap.ExactExplainer(lambda A: pipe.predict_proba(decode(A)), masker)(
        encode(rows)
    )
    return np.asarray(out.values)  # (R, D, K)


def test_exact_means_equal_shap_on_mixed_pipeline(mixed) -> None:
    frame, pipe = mixed
    rows, bg = frame.iloc[:4], frame.iloc[100:140]
    res = explain(pipe, rows, background=bg, estimator="exact", seed=0)
    theirs = _shap_means(pipe, rows, bg)
    assert res.mean.shape == theirs.shape == (4, 6, 2)
    assert np.max(np.abs(res.mean - theirs)) < 1e-12
    assert res.estimator == "exact"


def test_round_trip_keeps_values(mixed, tmp_path) -> None:
    frame, pipe = mixed
    res = explain(pipe, frame.iloc[:3], background=frame.iloc[50:70], seed=0)
    shown = res.data_frame()
    assert list(shown["sex"]) == list(frame["sex"].iloc[:3])
    assert list(shown["site"]) == [str(v) for v in frame["site"].iloc[:3]]
    np.testing.assert_array_equal(shown["age"], frame["age"].iloc[:3])
    path = tmp_path / "v.json"
    res.to_json(path)
    back = DistributionalValues.from_json(path)
    assert back == res
    assert back.categories == res.categories
    assert back.data_frame().equals(shown)


def test_old_json_without_categories_loads(mixed) -> None:
    frame, pipe = mixed
    res = explain(pipe, frame.iloc[:2], background=frame.iloc[50:60], seed=0)
    data = res.to_dict()
    data.pop("categories")
    data["data"] = res.to_dict()["data"]
    back = DistributionalValues.from_dict(data)
    assert back.categories == {}


def test_damaged_codes_are_refused(mixed) -> None:
    frame, pipe = mixed
    res = explain(pipe, frame.iloc[:2], background=frame.iloc[50:60], seed=0)
    data = res.to_dict()
    data["categories"]["sex"] = ["female"]  # codes 1 now point nowhere
    if 1 not in res.data[:, res.columns.index("sex")]:
        data["categories"]["sex"] = []
    with pytest.raises(DataError, match="'data' column 'sex'"):
        DistributionalValues.from_dict(data)


@pytest.mark.parametrize("removal", ["mean", "median", "zeros"])
def test_averaging_removal_is_refused(mixed, removal) -> None:
    frame, pipe = mixed
    with pytest.raises(ConfigError, match=r"removal=.*'sex'.*removal='background'"):
        explain(pipe, frame.iloc[:2], background=frame, removal=removal)


def test_auto_without_background_is_refused(mixed) -> None:
    frame, pipe = mixed
    with pytest.raises(ConfigError, match="no 'background'"):
        explain(pipe, frame.iloc[:2])
    res = explain(pipe, frame.iloc[:4], removal="background", seed=0)
    assert res.config["n_background"] == 4


def test_model_that_needs_numbers_gets_a_clear_error() -> None:
    frame, y = _table(60)
    numeric = LogisticRegression().fit(frame[NUMERIC].to_numpy(), y)

    def on_arrays(A):
        return numeric.predict_proba(np.asarray(A, dtype=float)[:, :3])

    with pytest.raises(DataError, match=r"model failed .* DataFrame.*'sex'.*encode"):
        explain(on_arrays, frame.iloc[:2], background=frame)
    module = torch.nn.Linear(6, 2)
    with pytest.raises(ConfigError, match=r"'sex'.*torch module takes tensors"):
        explain(module, frame.iloc[:2], background=frame)


def test_a_category_the_model_never_saw_is_named_before_the_game() -> None:
    # site 'c' only in the background: a strict encoder failed deep in the game
    # with scikit-learn's own ValueError
    frame, y = _table(80)
    seen = frame.site != "c"
    strict = make_pipeline(
        ColumnTransformer(
            [("oh", OneHotEncoder(handle_unknown="error"), ["sex", "site"])],
            remainder="passthrough",
        ),
        LogisticRegression(max_iter=500),
    ).fit(frame[seen], y[seen])
    rows = frame[seen].iloc[:2]

    with pytest.raises(DataError, match=r"rows of the background, .*'c'.*ignore"):
        explain(strict, rows, background=frame, seed=0)
    res = explain(strict, rows, background=frame[seen], seed=0)
    assert res.n_rows == 2


def test_background_must_be_a_table(mixed) -> None:
    frame, pipe = mixed
    with pytest.raises(DataError, match="'background' must be a DataFrame"):
        explain(pipe, frame.iloc[:2], background=np.zeros((3, 6)))


def test_missing_text_value_is_a_value_of_its_own() -> None:
    X = pd.DataFrame({"color": [None], "x": [5.0]})
    bg = pd.DataFrame({"color": ["red", None], "x": [0.0, 1.0]})

    def model(t: pd.DataFrame) -> np.ndarray:
        p = np.where(t["color"].isna().to_numpy(), 0.7, 0.1)
        return np.column_stack([1 - p, p])

    res = explain(model, X, background=bg, seed=0)
    np.testing.assert_allclose(res.mean[0, 0, 1], 0.7 - 0.4, atol=1e-12)
    assert res.data_frame().loc[0, "color"] in ("None", "nan")


def test_estimator_twin_and_chunks_agree(mixed) -> None:
    frame, pipe = mixed
    rows, bg = frame.iloc[:5], frame.iloc[100:120]
    one = explain(pipe, rows, background=bg, seed=0, estimator="exact")
    twin = DistributionalExplainer(pipe, seed=0, estimator="exact").fit(bg)
    np.testing.assert_allclose(twin.explain(rows).mean, one.mean, atol=1e-12)
    chunked = explain(
        pipe,
        rows,
        background=bg,
        seed=0,
        estimator="exact",
        executor="serial",
        chunk_rows=2,
    )
    np.testing.assert_allclose(chunked.mean, one.mean, atol=1e-12)
    assert chunked.categories == one.categories
    assert chunked.data_frame().equals(one.data_frame())


def test_numeric_table_unchanged(mixed) -> None:
    frame, _ = mixed
    X = frame[NUMERIC]
    y = (frame.dose > 0).astype(int)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    res = explain(pipe, X.iloc[:2], background=X.iloc[:30], seed=0)
    assert res.categories == {} and "coded_columns" not in res.config
