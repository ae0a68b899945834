"""AppTest of the Explain page on a table with text columns (issue: text columns
were left out of the in-app models, and a skops Pipeline one-hot encoding them
was refused for its feature count)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import state
from tests.app.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
ENTRY = REPO / "app" / "streamlit_app.py"


def mixed_frame(n: int = 120) -> pd.DataFrame:
    """Numbers, a text column with 3 values, one with a gap, and an id column."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n).round(1),
            "colour": rng.choice(["red", "green", "blue"], n),
            "city": rng.choice(["Oslo", "Rome", "Lima"], n),
            "name": [f"person {i}" for i in range(n)],
        }
    )
    frame.loc[5, "city"] = None
    frame["label"] = np.where(
        (frame["colour"] == "red") | (frame["age"] > 48), "yes", "no"
    )
    return frame


def _open(frame: pd.DataFrame) -> AppTest:
    at = AppTest.from_file(str(ENTRY), default_timeout=120).run()
    at.file_uploader(key="data_upload").set_value(
        ("mixed.csv", frame.to_csv(index=False).encode(), "text/csv")
    ).run()
    assert not at.exception
    at.switch_page("views/explain.py").run()
    at.selectbox(key=state.EXPLAIN_W_TARGET).set_value("label").run()
    assert not at.exception
    return at


def _job(at: AppTest, key: str) -> str | None:
    try:
        return at.session_state[key]
    except KeyError:
        return None


def _explain(at: AppTest) -> None:
    at.button(key=state.EXPLAIN_W_RUN).click().run()
    assert not at.exception
    wait_until(at, lambda a: _job(a, state.EXPLAIN_ROW_JOB) is None, 180, poll_s=0.5)
    assert not at.exception and not at.error, [e.value for e in at.error]


def _shown_values(at: AppTest) -> pd.DataFrame:
    return at.session_state[state.EXPLAIN_RESULT].data_frame()


@pytest.mark.parametrize("kind", ["logistic", "forest", "boosting", "mlp"])
def test_in_app_models_use_text_columns_with_few_values(kind: str) -> None:
    from engine.values import load_skops, save_skops

    frame = mixed_frame()
    at = _open(frame)
    captions = " ".join(c.value for c in at.caption)
    assert "Text feature(s) 'colour', 'city' are one-hot encoded" in captions
    assert "'name' (text, over 50 distinct values)" in captions
    at.selectbox(key=state.EXPLAIN_W_KIND).set_value(kind).run()
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    wait_until(at, lambda a: _job(a, state.EXPLAIN_TRAIN_JOB) is None, 180)
    assert not at.exception and not at.error, [e.value for e in at.error]
    model = at.session_state[state.EXPLAIN_MODEL]
    assert model["features"] == ["age", "colour", "city"]
    # saved with skops, the model loads back with load_skops and predicts the same
    loaded = load_skops(save_skops(model["model"]))
    X = frame[["age", "colour", "city"]]
    assert (loaded.predict(X) == model["model"].predict(X)).all()
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(6).run()
    _explain(at)
    result = at.session_state[state.EXPLAIN_RESULT]
    assert result.categories["colour"] == ("blue", "green", "red")
    # row 5's empty city was dropped ('Missing values'): no category "nan"
    assert result.categories["city"] == ("Lima", "Oslo", "Rome")
    shown = _shown_values(at).iloc[0]
    assert shown["colour"] == frame.loc[6, "colour"]
    assert shown["city"] == frame.loc[6, "city"]
    assert any(
        (d.value.iloc[0] == shown).all()
        for d in at.dataframe
        if list(d.value.columns) == ["age", "colour", "city"]
    )


def test_an_uploaded_column_transformer_pipeline_is_explained() -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    from engine.values import save_skops

    frame = mixed_frame().drop(columns="city")
    # the model takes colour and age, in that order, and not the id-like 'name'
    X = frame[["colour", "age"]]
    pipe = Pipeline(
        [
            (
                "columns",
                ColumnTransformer(
                    [("text", OneHotEncoder(handle_unknown="ignore"), ["colour"])],
                    remainder="passthrough",
                ),
            ),
            ("model", LogisticRegression(max_iter=500)),
        ]
    ).fit(X, frame["label"])
    at = _open(frame)
    at.file_uploader(key=state.EXPLAIN_W_UPLOAD).set_value(
        ("pipe.skops", save_skops(pipe), "application/octet-stream")
    ).run()
    at.button(key=state.EXPLAIN_W_LOAD).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    model = at.session_state[state.EXPLAIN_MODEL]
    assert model["source"] == "skops" and model["features"] == ["colour", "age"]
    assert model["accuracy"] > 0.8
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(2).run()
    _explain(at)
    result = at.session_state[state.EXPLAIN_RESULT]
    assert list(result.features) == ["colour", "age"]
    assert _shown_values(at).iloc[0]["colour"] == frame.loc[2, "colour"]
    # the global view explains rows of the model's columns, text included
    at.slider(key=state.EXPLAIN_W_GLOBAL_ROWS).set_value(3).run()
    at.button(key=state.EXPLAIN_W_GLOBAL_RUN).click().run()
    wait_until(at, lambda a: _job(a, state.EXPLAIN_JOB) is None, 180, poll_s=0.5)
    assert not at.exception and not at.error, [e.value for e in at.error]
    result = at.session_state[state.EXPLAIN_GLOBAL]
    assert result.n_rows == 3 and result.categories["colour"] == (
        "blue",
        "green",
        "red",
    )


def test_the_what_if_editor_offers_the_text_values_seen() -> None:
    frame = mixed_frame()
    at = _open(frame)
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    wait_until(at, lambda a: _job(a, state.EXPLAIN_TRAIN_JOB) is None, 180)
    # the editor's column config makes 'colour' a select of the values seen
    (editor,) = [d for d in at.dataframe if d.proto.editing_mode]
    config = json.loads(editor.proto.columns)
    assert config["colour"]["type_config"] == {
        "type": "selectbox",
        "options": ["blue", "green", "red"],
    }
    assert config["city"]["type_config"]["options"] == ["Lima", "Oslo", "Rome"]
    old = frame.loc[0, "colour"]
    new = "green" if old != "green" else "red"
    at.session_state[f"{state.EXPLAIN_W_EDIT}_drop_0"] = {
        "edited_rows": {0: {"colour": new}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    _explain(at)
    assert at.subheader[0].value == "Result: what-if for row 0"
    said = f"row 0 with edited values (colour {old} → {new})"
    assert any(said in m.value for m in at.markdown), [m.value for m in at.markdown]
    assert _shown_values(at).iloc[0]["colour"] == new
    result = at.session_state[state.EXPLAIN_RESULT]
    assert result.config["edits"] == {"colour": {"table": old, "explained": new}}


def test_a_model_fitted_on_numbers_gets_the_numeric_columns() -> None:
    from sklearn.linear_model import LogisticRegression

    from engine.values import save_skops

    frame = mixed_frame()
    model = LogisticRegression().fit(frame[["age"]].to_numpy(), frame["label"])
    at = _open(frame)
    at.file_uploader(key=state.EXPLAIN_W_UPLOAD).set_value(
        ("ages.skops", save_skops(model), "application/octet-stream")
    ).run()
    at.button(key=state.EXPLAIN_W_LOAD).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state[state.EXPLAIN_MODEL]["features"] == ["age"]
    _explain(at)
    result = at.session_state[state.EXPLAIN_RESULT]
    assert list(result.features) == ["age"] and not result.categories


def test_numbers_in_the_text_editor_are_read_as_typed_or_refused() -> None:
    # the editor of a table with text features has number cells too: "1e3" is
    # 1000 (a number column made it 13), "1,5" is refused, never read as 15
    frame = mixed_frame()
    at = _open(frame)
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    wait_until(at, lambda a: _job(a, state.EXPLAIN_TRAIN_JOB) is None, 180)
    column = "age"
    edit = f"{state.EXPLAIN_W_EDIT}_drop_0"
    at.session_state[edit] = {
        "edited_rows": {0: {column: "1,5"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert any(
        f"'1,5' in column '{column}' is not a number" in e.value for e in at.error
    )
    at.button(key=state.EXPLAIN_W_RUN).click().run()
    refused = state.EXPLAIN_RESULT not in at.session_state
    assert refused or at.session_state[state.EXPLAIN_RESULT] is None
    at.session_state[edit] = {
        "edited_rows": {0: {column: "1e3"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.error
    _explain(at)
    result = at.session_state[state.EXPLAIN_RESULT]
    assert result.config["edits"][column]["explained"] == 1000.0


def test_removals_that_invent_text_values_are_refused_before_the_run() -> None:
    # "mean" was only warned about in a caption; the error came from the worker
    frame = mixed_frame()
    at = _open(frame)
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    wait_until(at, lambda a: _job(a, state.EXPLAIN_TRAIN_JOB) is None, 180)
    _explain(at)
    before = at.session_state[state.EXPLAIN_RESULT]
    for removal in ("mean", "median", "zeros"):
        at.selectbox(key=state.EXPLAIN_W_REMOVAL).set_value(removal).run()
        said = "With the text features 'colour', 'city', removed features can only"
        assert any(w.value.startswith(said) for w in at.warning), removal
        at.button(key=state.EXPLAIN_W_RUN).click().run()
        assert _job(at, state.EXPLAIN_ROW_JOB) is None  # nothing sent to the worker
        (error,) = at.error
        assert error.value.startswith(said), error.value
        at.button(key=state.EXPLAIN_W_GLOBAL_RUN).click().run()
        assert _job(at, state.EXPLAIN_JOB) is None
        assert at.error and at.error[0].value.startswith(said)
        # the earlier result stays
        assert at.session_state[state.EXPLAIN_RESULT] is before
        assert at.subheader[0].value == "Result: row 0"


def test_an_emptied_text_select_is_refused() -> None:
    # a cleared select was explained as the category "nan"
    frame = mixed_frame()
    at = _open(frame)
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    wait_until(at, lambda a: _job(a, state.EXPLAIN_TRAIN_JOB) is None, 180)
    _explain(at)
    before = at.session_state[state.EXPLAIN_RESULT]
    edit = f"{state.EXPLAIN_W_EDIT}_drop_0"
    at.session_state[edit] = {
        "edited_rows": {0: {"colour": None, "age": "33"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key=state.EXPLAIN_W_RUN).click().run()
    assert _job(at, state.EXPLAIN_ROW_JOB) is None  # nothing sent to the worker
    (error,) = at.error
    assert error.value.startswith(
        "The what-if row has no value in 'colour': choose a value in that cell"
    ), error.value
    # nothing lost: the earlier result and the edits stay
    assert at.session_state[state.EXPLAIN_RESULT] is before
    kept = at.session_state[state.EXPLAIN_EDITS][("mixed.csv", "drop", 0)]
    assert kept == {"colour": None, "age": 33.0}


def test_missing_values_drop_or_fill_empty_text_cells() -> None:
    # 'drop rows with a missing value' kept rows with an empty text cell
    frame = mixed_frame()
    at = _open(frame)
    captions = [c.value for c in at.caption]
    assert "Dropped 1 row(s) with an empty text value in 'city'." in captions
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    wait_until(at, lambda a: _job(a, state.EXPLAIN_TRAIN_JOB) is None, 180)
    model = at.session_state[state.EXPLAIN_MODEL]["model"]
    assert model.named_steps["columns"].transformers_[0][1].categories_[1].tolist() == [
        "Lima",
        "Oslo",
        "Rome",
    ]
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(5).run()
    said = [w for w in at.warning if "Row 5 has no value in 'city'" in w.value]
    assert len(said) == 1
    # refused before a click: the button is off with the reason
    button = at.button(key=state.EXPLAIN_W_RUN)
    assert button.disabled and button.help.startswith("Row 5 has no value in 'city'")
    # fill: the column's most common value, said in a caption and the help
    at.selectbox(key=state.EXPLAIN_W_MISSING).set_value("mean").run()
    top = sorted(frame["city"].value_counts()[lambda c: c == c.max()].index.tolist())[0]
    captions = [c.value for c in at.caption]
    said = f"Filled 1 empty cell(s) of 'city' with its most common value, '{top}'."
    assert said in captions, captions
    assert "most common value" in at.selectbox(key=state.EXPLAIN_W_MISSING).help
    # the choice's label names both fills (it named only the column mean)
    options = at.selectbox(key=state.EXPLAIN_W_MISSING).options
    assert "fill (column mean; most common text value)" in options, options
    assert not any("Row 5 has no value" in w.value for w in at.warning)


def test_an_upload_fitted_on_columns_the_table_lacks_names_them() -> None:
    # 'expects 3 features; the table has 3 numeric feature columns' (with text)
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    from engine.values import save_skops

    frame = mixed_frame()
    other = frame.assign(
        shop=frame["colour"], region=frame["city"].fillna("x"), size=frame["age"]
    )
    X = other[["age", "shop", "region", "size"]]
    pipe = Pipeline(
        [
            (
                "columns",
                ColumnTransformer(
                    [("text", OneHotEncoder(), ["shop", "region"])],
                    remainder="passthrough",
                ),
            ),
            ("model", LogisticRegression(max_iter=500)),
        ]
    ).fit(X, other["label"])
    at = _open(frame)
    at.file_uploader(key=state.EXPLAIN_W_UPLOAD).set_value(
        ("other.skops", save_skops(pipe), "application/octet-stream")
    ).run()
    at.button(key=state.EXPLAIN_W_LOAD).click().run()
    assert not at.exception
    (error,) = at.error
    assert "the table lacks 'shop', 'region', 'size'." in error.value, error.value
    assert "numeric feature columns" not in error.value


def test_captions_describe_the_uploaded_models_columns() -> None:
    # "Columns left out as features: 'name'" while the model explained 'name'
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    from engine.values import save_skops

    frame = mixed_frame()
    X = frame[["age", "colour", "name"]]
    encode = OneHotEncoder(handle_unknown="ignore")
    pipe = Pipeline(
        [
            (
                "columns",
                ColumnTransformer(
                    [("text", encode, ["colour", "name"])], remainder="passthrough"
                ),
            ),
            ("model", LogisticRegression(max_iter=500)),
        ]
    ).fit(X, frame["label"])
    at = _open(frame)
    before = " ".join(c.value for c in at.caption)
    assert "Columns left out as features: 'name' (text, over 50" in before
    at.file_uploader(key=state.EXPLAIN_W_UPLOAD).set_value(
        ("names.skops", save_skops(pipe), "application/octet-stream")
    ).run()
    at.button(key=state.EXPLAIN_W_LOAD).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state[state.EXPLAIN_MODEL]["features"] == [
        "age",
        "colour",
        "name",
    ]
    captions = [c.value for c in at.caption]
    assert "Columns left out as features: 'city' (not a column of the model)." in (
        captions
    ), captions
    assert any(
        c.startswith("Text feature(s) 'colour', 'name' go to the uploaded model")
        for c in captions
    ), captions
    assert not any("'name' (text" in c for c in captions)
    # the model does not take 'city': its empty cell drops no row
    assert not any(c.startswith("Dropped") for c in captions), captions
