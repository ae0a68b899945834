"""AppTest of the Explain page: train, explain a row, contrast, bad model file."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import state
from app.components.text import literal
from tests.app.downloads import download
from tests.app.waiting import running_with_cancel, wait_until

REPO = Path(__file__).resolve().parents[2]
ENTRY = REPO / "app" / "streamlit_app.py"


def _wait(at: AppTest, done, timeout_s: float = 180) -> None:
    wait_until(at, done, timeout_s, poll_s=0.5)


def _training(at: AppTest) -> bool:
    return at.session_state[state.EXPLAIN_TRAIN_JOB] is not None


def _train(at: AppTest) -> AppTest:
    """Press 'Train model' and wait for the background worker to finish."""
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    assert not at.exception
    _wait(at, lambda a: not _training(a))
    return at


def _row_job(at: AppTest) -> str | None:
    try:
        return at.session_state[state.EXPLAIN_ROW_JOB]
    except KeyError:
        return None


def _explain(at: AppTest) -> AppTest:
    """Press 'Explain this row' and wait for the background worker to finish."""
    at.button(key=state.EXPLAIN_W_RUN).click().run()
    assert not at.exception
    _wait(at, lambda a: _row_job(a) is None)
    return at


def _open_page() -> AppTest:
    at = AppTest.from_file(str(ENTRY), default_timeout=120).run()
    return at.switch_page("views/explain.py").run()


@pytest.fixture
def trained_iris() -> AppTest:
    at = _open_page()
    assert not at.exception
    at.selectbox(key=state.EXPLAIN_W_SOURCE).set_value("iris").run()
    at.selectbox(key=state.EXPLAIN_W_KIND).set_value("logistic").run()
    _train(at)
    assert not at.exception
    return at


def test_train_and_explain_a_row_and_ask_a_contrast(trained_iris) -> None:
    at = trained_iris
    assert any("accuracy" in s.value for s in at.success)
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(60).run()
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    assert not at.exception and not at.error
    result = at.session_state[state.EXPLAIN_RESULT]
    assert result.transitions.shape == (1, 4, 3, 3) and result.rows.tolist() == [60]
    assert at.metric[0].value == "versicolor"
    # iris has 150 rows: the background of 100 drawn from them is said
    assert result.notes and any(
        "take the values of a random 100 rows of the table" in c.value
        for c in at.caption
    )
    flip = at.metric[2].proto  # a probability, without a delta (not a gain)
    top = int(result.p_change[0].argmax())
    assert flip.body == f"{result.p_change[0, top]:.3f}" and not flip.delta
    assert f"P(change) of {result.features[top]}" in _markdown_texts(at)
    assert len(at.get("plotly_chart")) >= 3
    at.selectbox(key=state.EXPLAIN_W_FROM).set_value("virginica").run()
    at.selectbox(key=state.EXPLAIN_W_TO).set_value("versicolor").run()
    text = " ".join(m.value for m in at.markdown)
    assert "into **versicolor**" in text
    best = result.contrast(60, "virginica", "versicolor").iloc[0]["player"]
    assert best in text


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key=state.EXPLAIN_W_UPLOAD).set_value(
        (name, content, "application/octet-stream")
    ).run()
    return at.button(key=state.EXPLAIN_W_LOAD).click().run()


def test_bad_model_files_show_an_error_and_keep_the_state(trained_iris) -> None:
    import skops.io as sio
    from sklearn.datasets import load_wine
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import FunctionTransformer

    at = trained_iris
    _explain(at)
    before = at.session_state[state.EXPLAIN_RESULT]
    X, y = load_wine(return_X_y=True)
    wine_model = sio.dumps(LogisticRegression(max_iter=50).fit(X, y))
    # four columns, as the table has, but fitted under other names
    named = pd.DataFrame(np.arange(600.0).reshape(150, 4), columns=list("abcd"))
    renamed_model = sio.dumps(LogisticRegression().fit(named, [0, 1] * 75))
    cases = [
        (b"this is not a skops archive", "not a readable skops"),
        (sio.dumps(FunctionTransformer()), "not an allowed"),
        (wine_model, "expects 13 features"),
        (renamed_model, "the table lacks 'a', 'b', 'c', 'd'"),
        # it loaded, and the page failed on model.classes_ with a traceback
        (sio.dumps(LogisticRegression()), "LogisticRegression that is not fitted"),
    ]
    for content, message in cases:
        _upload(at, "model.skops", content)
        assert not at.exception
        assert any(message in e.value for e in at.error), [e.value for e in at.error]
        # the earlier trained model and the earlier result are kept
        assert at.session_state[state.EXPLAIN_MODEL]["source"] == "trained"
        assert at.session_state[state.EXPLAIN_RESULT] is before


def test_uploaded_skops_model_is_explained(trained_iris) -> None:
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier

    from engine.values import save_skops

    at = trained_iris
    iris = load_iris(as_frame=True)
    frame = at.session_state[state.EXPLAIN_DATA]
    X = iris.data.set_axis(frame["features"], axis=1)
    y = iris.target_names[iris.target]
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    _upload(at, "forest.skops", save_skops(forest))
    assert not at.exception and not at.error
    model = at.session_state[state.EXPLAIN_MODEL]
    assert model["source"] == "skops" and model["accuracy"] > 0.9
    _explain(at)
    assert not at.exception and not at.error
    result = at.session_state[state.EXPLAIN_RESULT]
    assert result.config["model_kind"] == "sklearn" and result.n_rows == 1


def test_training_runs_in_the_worker_and_can_be_stopped() -> None:
    at = _open_page()
    at.selectbox(key=state.EXPLAIN_W_SOURCE).set_value("digits").run()
    at.selectbox(key=state.EXPLAIN_W_KIND).set_value("boosting").run()
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    assert not at.exception
    _wait(at, running_with_cancel(state.EXPLAIN_TRAIN_JOB))
    # a second press would queue a second fit: the button waits
    assert at.button(key=state.EXPLAIN_W_TRAIN).disabled
    at.button(key="explain_train_job_cancel").click().run()
    _wait(at, lambda a: not _training(a))
    model = at.session_state[state.EXPLAIN_MODEL]
    n_stages = model["model"].n_estimators_
    assert 0 < n_stages < 100
    assert at.success[0].value.startswith("Model: gradient boosting")
    assert any(
        f"Training was stopped after {n_stages} of 100 stages" in w.value
        for w in at.warning
    )
    # the stopped model is explained like any other
    _explain(at)
    assert not at.exception and not at.error
    assert at.session_state[state.EXPLAIN_RESULT].transitions.shape[2] == 10


def test_a_row_is_explained_in_the_worker_and_can_be_stopped() -> None:
    at = _open_page()
    at.selectbox(key=state.EXPLAIN_W_SOURCE).set_value("digits").run()
    at.selectbox(key=state.EXPLAIN_W_KIND).set_value("forest").run()
    _train(at)
    # 5000 orderings of 64 pixels through a forest: about two minutes on one core
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("permutation").run()
    at.number_input(key=state.EXPLAIN_W_SAMPLES).set_value(5000).run()
    at.button(key=state.EXPLAIN_W_RUN).click().run()
    assert not at.exception
    _wait(at, running_with_cancel(state.EXPLAIN_ROW_JOB))
    assert at.button(key=state.EXPLAIN_W_RUN).disabled
    at.button(key=f"{state.EXPLAIN_ROW_JOB}_cancel").click().run()
    _wait(at, lambda a: _row_job(a) is None)
    assert not at.error
    result = at.session_state[state.EXPLAIN_RESULT]
    assert result.stopped and 0 < result.n_samples[0] < 5000
    assert any(
        w.value.startswith("Stopped early: the values average") for w in at.warning
    )
    assert at.metric and not at.button(key=state.EXPLAIN_W_RUN).disabled


def test_global_view_runs_in_the_background_worker(trained_iris) -> None:
    at = trained_iris
    at.slider(key=state.EXPLAIN_W_GLOBAL_ROWS).set_value(6).run()
    # sampled, with a budget that keeps the job running for a few seconds
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("permutation").run()
    at.number_input(key=state.EXPLAIN_W_GLOBAL_SAMPLES).set_value(5000).run()
    at.button(key=state.EXPLAIN_W_GLOBAL_RUN).click().run()
    # a second press started a second job and lost sight of the first
    assert at.button(key=state.EXPLAIN_W_GLOBAL_RUN).disabled
    deadline = time.monotonic() + 150
    while state.EXPLAIN_GLOBAL not in at.session_state and time.monotonic() < deadline:
        time.sleep(2)
        at.run()
    assert not at.exception
    result = at.session_state[state.EXPLAIN_GLOBAL]
    assert result.n_rows == 6 and result.rows.tolist() == [0, 30, 60, 89, 119, 149]
    assert len(at.dataframe) >= 1


def test_the_global_view_has_its_own_budget_and_says_what_it_costs(
    trained_iris,
) -> None:
    # the global view took the row's budget of 5000: 18 rows ran ten minutes,
    # with nothing said before, and the result did not say how it was made
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("permutation").run()
    at.number_input(key=state.EXPLAIN_W_SAMPLES).set_value(5000).run()
    budget = at.number_input(key=state.EXPLAIN_W_GLOBAL_SAMPLES)
    assert budget.value == 100 and budget.label.startswith("Budget for these rows")
    # a known time per model row for this model, as if timed on it
    model_id = at.session_state[state.EXPLAIN_MODEL]["id"]
    at.session_state[state.EXPLAIN_COST] = {
        (model_id, "shapley", "background", "permutation", False): 1e-5
    }
    at.run()
    # 50 rows x (100 orderings x 3 coalitions + the empty and full) x 100 rows
    plan = (
        "Uses the Value operator (shapley), 'Removed features take' and Estimator "
        "chosen above: permutation, 100 samples per feature and row; 1,510,000 "
        "model evaluations, about 15 s (timed on this model)."
    )
    assert plan in [c.value for c in at.caption]
    assert not any("This run would take" in w.value for w in at.warning)
    at.number_input(key=state.EXPLAIN_W_GLOBAL_SAMPLES).set_value(5000).run()
    assert "75,010,000 model evaluations, about 12 min 30 s" in " ".join(
        c.value for c in at.caption
    )
    (warning,) = [w.value for w in at.warning if "This run would take" in w.value]
    assert warning.startswith(
        "This run would take about 12 min 30 s, and the background worker runs "
        "one explanation or fit at a time"
    )
    at.number_input(key=state.EXPLAIN_W_GLOBAL_SAMPLES).set_value(20).run()
    at.slider(key=state.EXPLAIN_W_GLOBAL_ROWS).set_value(4).run()
    at.button(key=state.EXPLAIN_W_GLOBAL_RUN).click().run()
    _wait(at, lambda a: a.session_state[state.EXPLAIN_JOB] is None)
    result = at.session_state[state.EXPLAIN_GLOBAL]
    assert result.config["n_samples"] == 20 and result.n_rows == 4
    assert any(
        c.value.startswith(
            "4 rows explained: permutation shapley values, 20 samples per feature "
            "and row, removal background, seed 0, "
        )
        for c in at.caption
    ), [c.value for c in at.caption]


def test_a_global_run_is_timed_on_the_model_in_use(trained_iris) -> None:
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("permutation").run()
    model_id = at.session_state[state.EXPLAIN_MODEL]["id"]
    kept = at.session_state[state.EXPLAIN_COST]
    cost = kept[(model_id, "shapley", "background", "permutation", False)]
    assert 0 < cost < 1e-3
    assert any(
        "model evaluations, about " in c.value and "(timed on this model)" in c.value
        for c in at.caption
    )


def test_a_training_error_about_one_table_is_dropped_for_another() -> None:
    # "Label column 'target' has a single class" stayed shown after another
    # table, without a 'target' column, was uploaded on the Data page
    from sklearn.datasets import load_iris

    one_class = load_iris(as_frame=True).frame.assign(target="same")
    at = _explain_upload(one_class, "oneclass.csv", "target")
    _train(at)
    assert any("has a single class" in e.value for e in at.error)
    at.run()  # a rerun on the same table keeps it
    assert any("has a single class" in e.value for e in at.error)
    rng = np.random.default_rng(0)
    other = pd.DataFrame(rng.normal(size=(40, 3)), columns=["x1", "x2", "x3"])
    other["y"] = (other["x1"] > 0).astype(int)
    at.switch_page("views/data.py").run()
    at.file_uploader(key="data_upload").set_value(
        ("synth3.csv", other.to_csv(index=False).encode(), "text/csv")
    ).run()
    at.switch_page("views/explain.py").run()
    assert not at.exception
    assert at.selectbox(key=state.EXPLAIN_W_TARGET).value == "y"
    assert not [e.value for e in at.error]
    assert at.session_state[state.EXPLAIN_TRAIN_JOB + "_error"] is None


def test_sampled_p_change_shows_its_standard_error(media, trained_iris) -> None:
    # "Most likely to flip it 0.067" had no error, though the runner-up was
    # 0.062 +- 0.016: the ranking was not settled and nothing said so
    import io

    from engine.values.uncertainty import p_change_stderr

    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("permutation").run()
    at.number_input(key=state.EXPLAIN_W_SAMPLES).set_value(20).run()
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(70).run()
    _explain(at)
    result = at.session_state[state.EXPLAIN_RESULT]
    p, se = result.p_change[0], p_change_stderr(result)[0]
    top, second = np.argsort(-p)[:2]
    assert at.metric[2].value == f"{p[top]:.3f} ± {se[top]:.3f}"
    assert p[top] - p[second] < 2 * np.hypot(se[top], se[second])
    (note,) = [i.value for i in at.info if i.value.startswith("The ranking")]
    assert note.startswith(
        "The ranking is not settled at this budget (20 samples per feature): "
        f"{result.features[top]} ({p[top]:.3f} ± {se[top]:.3f}) and "
        f"{result.features[second]} ({p[second]:.3f} ± {se[second]:.3f}) differ "
        "by less than two standard errors; raise the budget for this row (to about "
    )
    _, content = download(at, media, "explain_dl_summary_row")
    summary = pd.read_csv(io.BytesIO(content))
    assert list(summary.columns[:4]) == ["row", "player", "p_change", "p_change_stderr"]
    assert np.allclose(summary["p_change_stderr"], se)
    # exact values have no error: none is shown
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    result = at.session_state[state.EXPLAIN_RESULT]
    assert "±" not in at.metric[2].value
    assert not [i.value for i in at.info if i.value.startswith("The ranking")]
    _, content = download(at, media, "explain_dl_summary_row")
    assert "p_change_stderr" not in pd.read_csv(io.BytesIO(content)).columns


def test_the_global_ranking_shows_the_standard_error_of_p_change(trained_iris) -> None:
    from engine.values.uncertainty import global_p_change_stderr

    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("permutation").run()
    at.number_input(key=state.EXPLAIN_W_GLOBAL_SAMPLES).set_value(20).run()
    at.slider(key=state.EXPLAIN_W_GLOBAL_ROWS).set_value(3).run()
    at.button(key=state.EXPLAIN_W_GLOBAL_RUN).click().run()
    _wait(at, lambda a: a.session_state[state.EXPLAIN_JOB] is None)
    result = at.session_state[state.EXPLAIN_GLOBAL]
    table = _table_with(at, "p_change_stderr")
    errors = dict(zip(result.features, global_p_change_stderr(result), strict=True))
    shown = table.value
    assert list(shown.columns[:3]) == ["player", "p_change", "p_change_stderr"]
    assert np.allclose(shown["p_change_stderr"], shown["player"].map(errors))
    assert _column_config(table)["p_change_stderr"]["label"] == "± stderr"


def _upload_on_data_page(at: AppTest, name: str, frame: pd.DataFrame) -> AppTest:
    at.switch_page("views/data.py").run()
    at.file_uploader(key="data_upload").set_value(
        (name, frame.to_csv(index=False).encode(), "text/csv")
    ).run()
    return at.switch_page("views/explain.py").run()


def test_a_model_of_a_replaced_upload_is_dropped_with_a_note() -> None:
    # a new upload silently dropped the previous upload's model and result
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True).frame
    at = _explain_upload(iris, "first.csv", "target")
    _train(at)
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    kind = at.session_state[state.EXPLAIN_MODEL]["kind"]
    rng = np.random.default_rng(0)
    other = pd.DataFrame(rng.normal(size=(40, 3)), columns=["x1", "x2", "x3"])
    other["y"] = (other["x1"] > 0).astype(int)
    _upload_on_data_page(at, "second.csv", other)
    assert not at.exception
    note = (
        f"The model for first.csv ({kind}) and its results were dropped when "
        "second.csv replaced it on the Data page, which keeps one uploaded table "
        "at a time. To explain first.csv again, upload it again and train or load "
        "its model"
    )
    assert [i.value for i in at.info if i.value.startswith(note)]
    for key in (state.EXPLAIN_MODEL, state.EXPLAIN_RESULT):
        assert key not in at.session_state
    at.run()  # said until another model is used
    assert [i.value for i in at.info if i.value.startswith(note)]
    _train(at)
    assert not [i.value for i in at.info if i.value.startswith(note)]
    # a bundled table's model is not dropped by an upload
    at.selectbox(key=state.EXPLAIN_W_SOURCE).set_value("iris").run()
    _train(at)
    _upload_on_data_page(at, "third.csv", other)
    at.selectbox(key=state.EXPLAIN_W_SOURCE).set_value("iris").run()
    assert at.success[0].value.startswith("Model: logistic regression")
    assert not [i.value for i in at.info if "were dropped" in i.value]


def _sixty_classes() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    label = np.arange(600) % 60
    frame = pd.DataFrame({"a": label + rng.normal(size=600), "b": rng.normal(size=600)})
    frame["c"] = frame["a"] * 0.5 + rng.normal(size=600)
    frame["cls"] = [f"class {k}" for k in label]
    return frame


def test_sixty_classes_show_the_ten_most_likely_and_pool_the_rest() -> None:
    # 60 classes: a heatmap of 60 columns in 60 px, a legend of 10 colours
    at = _explain_upload(_sixty_classes(), "sixty.csv", "cls")
    _train(at)
    shown = at.number_input(key=f"{state.EXPLAIN_W_CLASSES}_60")
    assert shown.label == "Classes shown" and shown.value == 10
    said = (
        "The 10 most likely classes of the 60 are shown (ranked by their largest "
        "probability over the explained rows); the other 50 are pooled into one "
        "class, 'other'."
    )
    assert said in [c.value for c in at.caption]
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    assert not at.exception and not at.error
    result = at.session_state[state.EXPLAIN_RESULT]
    assert len(result.classes) == 11 and result.classes[-1] == "other"
    bars = _chart(at, "explain_bars")
    colours = [trace["marker"]["color"] for trace in bars["data"]]
    assert len(colours) == 11 and len(set(colours)) == 11
    heatmap = _chart(at, "explain_heatmap")
    assert len(heatmap["data"][0]["x"]) == 11
    # all 60 on request, said to be hard to read
    at.number_input(key=f"{state.EXPLAIN_W_CLASSES}_60").set_value(60).run()
    assert any(c.value.startswith("All 60 classes are shown") for c in at.caption)


def test_a_few_classes_are_all_shown_without_a_note(trained_iris) -> None:
    at = trained_iris
    assert at.number_input(key=f"{state.EXPLAIN_W_CLASSES}_3").value == 3
    assert not any("most likely classes" in c.value for c in at.caption)
    _explain(at)
    assert at.session_state[state.EXPLAIN_RESULT].classes[-1] == "virginica"


def test_explain_settings_survive_a_page_switch(trained_iris) -> None:
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact")
    at.number_input(key=state.EXPLAIN_W_SAMPLES).set_value(250).run()
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(17).run()
    at.switch_page("views/data.py").run()
    at.switch_page("views/explain.py").run()
    assert not at.exception
    assert at.selectbox(key=state.EXPLAIN_W_SOURCE).value == "iris"
    assert any("accuracy" in s.value for s in at.success)  # the model is still there
    assert at.selectbox(key=state.EXPLAIN_W_KIND).value == "logistic"
    assert at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).value == "exact"
    assert at.number_input(key=state.EXPLAIN_W_SAMPLES).value == 250
    assert at.number_input(key=state.EXPLAIN_W_ROW).value == 17


def test_a_result_of_another_model_is_cleared(trained_iris) -> None:
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    assert at.metric and at.session_state[state.EXPLAIN_RESULT] is not None
    at.selectbox(key=state.EXPLAIN_W_KIND).set_value("mlp").run()
    _train(at)
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Model: MLP (64 hidden units)")
    # the logistic model's row result is gone, not shown under the MLP's banner
    assert not at.metric and state.EXPLAIN_RESULT not in at.session_state
    _explain(at)
    assert at.metric and at.session_state[state.EXPLAIN_RESULT].n_rows == 1


def test_a_model_for_other_classes_is_loaded_with_a_warning(trained_iris) -> None:
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier

    from engine.values import save_skops

    at = trained_iris
    iris = load_iris()  # classes 0, 1, 2 where the table's labels are names
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    _upload(at, "ints.skops", save_skops(forest.fit(iris.data, iris.target)))
    assert not at.exception and not at.error
    from app.components.text import literal

    expected = literal(  # shown literally: the brackets are escaped for Markdown
        "The model's classes ['0', '1', '2'] are not the values of the label column "
        "'target' (['setosa', 'versicolor', 'virginica']): its accuracy cannot be "
        "computed"
    )
    assert any(w.value.startswith(expected) for w in at.warning)
    assert "accuracy" not in at.success[0].value
    at.run()  # the warning stays while the model is in use
    assert any(w.value.startswith(expected) for w in at.warning)


def test_a_continuous_label_column_is_warned_about() -> None:
    at = _open_page()
    at.selectbox(key=state.EXPLAIN_W_SOURCE).set_value("wine").run()
    assert not at.warning
    at.selectbox(key=state.EXPLAIN_W_TARGET).set_value("alcohol").run()
    assert not at.exception
    (warning,) = at.warning
    assert warning.value.startswith(
        "The label column 'alcohol' has 126 distinct values in 178 labelled rows"
    )
    assert "choose a column of class labels in 'Label column'" in warning.value


def _holed_upload() -> AppTest:
    """The Explain page on an uploaded iris table with empty labels and cells."""
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame
    frame["target"] = np.array(["a", "b", "c"])[frame["target"]]
    frame.loc[[0, 7], "sepal width (cm)"] = np.nan
    frame.loc[3, "petal length (cm)"] = np.inf
    frame.loc[[10, 20], "target"] = None
    at = AppTest.from_file(str(ENTRY), default_timeout=120).run()
    at.file_uploader(key="data_upload").set_value(
        ("holed.csv", frame.to_csv(index=False).encode(), "text/csv")
    ).run()
    assert not at.exception
    at.switch_page("views/explain.py").run()
    at.selectbox(key=state.EXPLAIN_W_TARGET).set_value("target").run()
    return at


def test_tables_with_missing_values_can_be_explained() -> None:
    at = _holed_upload()
    assert not at.exception and not at.error
    captions = " ".join(c.value for c in at.caption)
    assert "Dropped 3 row(s) with missing or infinite values." in captions
    assert "2 row(s) have an empty label in 'target'" in captions
    _train(at)
    assert not at.exception and not at.error
    model = at.session_state[state.EXPLAIN_MODEL]["model"]
    assert model.n_features_in_ == 4
    # a dropped row: said in app words before and on the button
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(3).run()
    dropped = (
        "Row 3 has no value in 'petal length (cm)', and rows with a missing value "
        "are dropped ('Missing values')"
    )
    assert len([w for w in at.warning if w.value.startswith(dropped)]) == 1
    # the button is off, with the reason (a click said it a second time)
    button = at.button(key=state.EXPLAIN_W_RUN)
    assert button.disabled and button.help.startswith(dropped)
    # filled with the column mean: the model trained without those rows is not
    # passed off as one of this choice; trained again, the same row is explained
    at.selectbox(key=state.EXPLAIN_W_MISSING).set_value("mean").run()
    captions = " ".join(c.value for c in at.caption)
    assert "Imputed 2 value(s) of 'sepal width (cm)' with the column mean." in captions
    assert [i.value for i in at.info] == [
        "The model was made with 'Missing values' set to 'drop rows with a missing "
        "value', which gives other rows to train on and explain: train or load it "
        "again for the current choice, or switch back."
    ]
    at.selectbox(key=state.EXPLAIN_W_MISSING).set_value("drop").run()
    assert not at.info and at.session_state[state.EXPLAIN_MODEL]["model"] is model
    at.selectbox(key=state.EXPLAIN_W_MISSING).set_value("mean").run()
    _train(at)
    assert at.session_state[state.EXPLAIN_MODEL]["model"] is not model
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(3).run()
    _explain(at)
    assert not at.exception and not at.error
    assert at.session_state[state.EXPLAIN_RESULT].rows.tolist() == [3]
    # a what-if cell left empty: named in app words
    at.session_state[f"{state.EXPLAIN_W_EDIT}_mean_3"] = {
        "edited_rows": {0: {"sepal length (cm)": None}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key=state.EXPLAIN_W_RUN).click().run()
    assert [e.value for e in at.error] == [
        "The what-if row has no value in 'sepal length (cm)': type a number in that "
        "cell of the table under 'Row to explain'."
    ]


def test_contrast_classes_survive_a_page_switch(trained_iris) -> None:
    at = trained_iris
    _explain(at)
    at.selectbox(key=state.EXPLAIN_W_FROM).set_value("virginica").run()
    at.switch_page("views/graph.py").run()
    at.switch_page("views/explain.py").run()
    assert not at.exception and not at.warning
    assert at.selectbox(key=state.EXPLAIN_W_FROM).value == "virginica"


def test_the_global_row_count_survives_a_page_switch(trained_iris) -> None:
    at = trained_iris
    at.slider(key=state.EXPLAIN_W_GLOBAL_ROWS).set_value(120).run()
    at.switch_page("views/graph.py").run()
    at.switch_page("views/explain.py").run()
    assert not at.exception
    assert at.slider(key=state.EXPLAIN_W_GLOBAL_ROWS).value == 120


def test_class_and_feature_names_in_the_metrics_are_shown_literally() -> None:
    from sklearn.datasets import load_iris

    # a class ':tada:' became an emoji in the "Predicted class" metric
    frame = load_iris(as_frame=True).frame
    frame["target"] = np.array([":tada:", "**b**", "c"])[frame["target"]]
    frame = frame.rename(columns={"petal width (cm)": "$w$"})
    at = _explain_upload(frame, "md.csv", "target")
    _train(at)
    _explain(at)
    assert not at.exception and not at.error
    result = at.session_state[state.EXPLAIN_RESULT]
    predicted = result.classes[int(result.predicted[0])]
    assert at.metric[0].value == literal(predicted) == ":\u200btada:"
    top = int(np.argmax(result.p_change[0]))
    assert at.metric[2].value == f"{result.p_change[0, top]:.3f}"
    assert f"P(change) of {literal(result.features[top])}" in _markdown_texts(at)


def _warnings_about_other_inputs(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith("This result was made")]


def test_a_what_if_result_names_its_row_and_edits(trained_iris) -> None:
    # after a what-if run the page showed the class and "(row 0)" with nothing
    # saying the values were edited; on row 5 the old result stayed unmarked,
    # and row 0's edits were gone on coming back
    from engine.values import DistributionalValues

    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    at.session_state[f"{state.EXPLAIN_W_EDIT}_drop_0"] = {
        "edited_rows": {0: {"petal length (cm)": 5.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    _explain(at)
    assert not at.exception and not at.error
    assert at.subheader[0].value == "Result: what-if for row 0"
    said = "row 0 with edited values (petal length (cm) 1.4 → 5)"
    assert any(said in m.value for m in at.markdown)
    assert not _warnings_about_other_inputs(at)
    # the download records the what-if and stays loadable
    result = at.session_state[state.EXPLAIN_RESULT]
    loaded = DistributionalValues.from_json(result.to_json())
    assert loaded.config["what_if"] is True
    assert loaded.config["edits"] == {
        "petal length (cm)": {"table": 1.4, "explained": 5.0}
    }
    assert any(n.startswith("what-if: row 0 of the table") for n in loaded.notes)
    # another row: the result is marked as made for other inputs
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(5).run()
    (warning,) = _warnings_about_other_inputs(at)
    assert f"made for {said}, not for the inputs above (row 5 as in the table)" in (
        warning
    )
    # back on row 0 the edits are still there, and match the result again
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(0).run()
    assert not _warnings_about_other_inputs(at)
    # reset: row 0 as in the table is not what the result was made for
    at.button(key=f"{state.EXPLAIN_W_EDIT}_reset").click().run()
    (warning,) = _warnings_about_other_inputs(at)
    assert "(row 0 as in the table)" in warning


def test_a_table_row_result_is_marked_when_the_row_changes(trained_iris) -> None:
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    assert at.subheader[0].value == "Result: row 0"
    assert "what_if" in at.session_state[state.EXPLAIN_RESULT].config
    assert not at.session_state[state.EXPLAIN_RESULT].config["what_if"]
    at.number_input(key=state.EXPLAIN_W_ROW).set_value(5).run()
    assert _warnings_about_other_inputs(at) == [
        "This result was made for row 0 as in the table, not for the inputs above "
        "(row 5 as in the table). Press **Explain this row** to explain them, or "
        "set the row and values back."
    ]


def test_a_stopped_global_view_counts_rows_of_the_rows_asked(trained_iris) -> None:
    # "Stopped early: 380 rows explained" next to a progress line of blocks
    at = trained_iris
    at.slider(key=state.EXPLAIN_W_GLOBAL_ROWS).set_value(150).run()
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("permutation").run()
    at.number_input(key=state.EXPLAIN_W_GLOBAL_SAMPLES).set_value(5000).run()
    at.button(key=state.EXPLAIN_W_GLOBAL_RUN).click().run()
    _wait(at, running_with_cancel(state.EXPLAIN_JOB))
    line = at.get("progress")[0].proto.text
    assert re.search(r"\brows \d+/150\b", line), line  # the rows, as the result
    at.button(key=f"{state.EXPLAIN_JOB}_cancel").click().run()
    _wait(at, lambda a: state.EXPLAIN_GLOBAL in a.session_state)
    result = at.session_state[state.EXPLAIN_GLOBAL]
    assert result.stopped and result.n_rows < 150
    assert any(
        w.value.startswith(f"Stopped early: {result.n_rows} of 150 rows explained")
        for w in at.warning
    ), [w.value for w in at.warning]
    # a new run: the old result stays, but no longer asks to press the (now
    # disabled) button again
    at.button(key=state.EXPLAIN_W_GLOBAL_RUN).click().run()
    _wait(at, running_with_cancel(state.EXPLAIN_JOB))
    assert not any(w.value.startswith("Stopped early") for w in at.warning)
    captions = " ".join(c.value for c in at.caption)
    assert "The previous global view, shown until the running one ends." in captions
    at.button(key=f"{state.EXPLAIN_JOB}_cancel").click().run()
    _wait(at, lambda a: a.session_state[state.EXPLAIN_JOB] is None)


def test_an_upload_defaults_to_its_class_column_and_is_named() -> None:
    # semi_comma.csv: the label defaulted to 'temp' (a measurement, then warned
    # about) over the text column 'klasse'; the Table option did not name the file
    lines = ["temp;druck;klasse"] + [
        f"{20 + i % 7},{i % 5};{980 + i};{['kalt', 'mittel', 'warm'][i % 3]}"
        for i in range(60)
    ]
    at = AppTest.from_file(str(ENTRY), default_timeout=120).run()
    at.file_uploader(key="data_upload").set_value(
        ("semi_comma.csv", "\n".join(lines).encode(), "text/csv")
    ).run()
    at.selectbox(key="data_target").select("(none)").run()  # no label chosen
    at.switch_page("views/explain.py").run()
    assert not at.exception
    table = at.selectbox(key=state.EXPLAIN_W_SOURCE)
    assert table.options[table.index] == "semi_comma.csv (from the Data page)"
    assert at.selectbox(key=state.EXPLAIN_W_TARGET).value == "klasse"
    assert not at.warning


def test_unreliable_standard_errors_are_said_in_the_pages_words() -> None:
    from sklearn.linear_model import LogisticRegression

    from app.views.explain import stderr_caption
    from engine.values import explain

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    model = LogisticRegression().fit(X, (X[:, 0] > 0).astype(int))
    few = explain(model, X[:1], background=X, estimator="permutation", n_samples=6)
    assert "Budget to at least 20 orderings" in stderr_caption(few)
    enough = explain(model, X[:1], background=X, estimator="permutation")
    assert stderr_caption(enough) is None


# 200-character names that differ only at the end (d_longnames.csv)
LONG = ["L" + "o" * 190 + f"ng_name_{k}" for k in range(3)]
SHORT = [f"Looooooooooo…ooong_name_{k}" for k in range(3)]


def _explain_upload(frame: pd.DataFrame, name: str, target: str) -> AppTest:
    """The Explain page on ``frame`` uploaded as ``name``, labelled by ``target``."""
    at = AppTest.from_file(str(ENTRY), default_timeout=120).run()
    at.file_uploader(key="data_upload").set_value(
        (name, frame.to_csv(index=False).encode(), "text/csv")
    ).run()
    at.switch_page("views/explain.py").run()
    return at.selectbox(key=state.EXPLAIN_W_TARGET).set_value(target).run()


def _markdown_texts(at: AppTest) -> list[str]:
    """The source of every Markdown element and caption on the page."""
    return [e.value for kind in ("markdown", "caption") for e in getattr(at, kind)]


def _long_named_upload(columns: list[str] = LONG) -> AppTest:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(80, 3)), columns=columns)
    frame["label"] = (frame[columns[0]] + frame[columns[1]] > 0).astype(int)
    at = AppTest.from_file(str(ENTRY), default_timeout=120).run()
    at.file_uploader(key="data_upload").set_value(
        ("long.csv", frame.to_csv(index=False).encode(), "text/csv")
    ).run()
    return at


def _column_config(table) -> dict:
    import json

    return json.loads(table.proto.columns or "{}")


def _table_with(at: AppTest, column: str):
    (table,) = [d for d in at.dataframe if column in d.value.columns]
    return table


def test_long_names_are_cut_in_the_middle_in_widgets_and_tables() -> None:
    # select boxes, chips, headers and tables all showed "Loooo…", alike
    at = _long_named_upload()
    assert at.selectbox(key="data_target").options[1:4] == SHORT
    preview = at.dataframe[0]
    labels = {k: v["label"] for k, v in _column_config(preview).items()}
    assert labels == dict(zip(LONG, SHORT, strict=True))
    # wide enough for the short label (Streamlit sized it by the full name, and
    # its "medium" cut the end that tells the names apart)
    assert {v["width"] for v in _column_config(preview).values()} == {230}
    at.switch_page("views/explain.py").run()
    assert at.selectbox(key=state.EXPLAIN_W_TARGET).options[:3] == SHORT
    assert at.selectbox(key=state.EXPLAIN_W_TARGET).value == "label"
    _train(at)
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    assert not at.exception and not at.error
    assert sorted(at.selectbox(key=state.EXPLAIN_W_PLAYER).options) == SHORT
    # the metric gives the number, the name is text below it, cut as in the
    # widgets (the metric's large type cut even 5 + 5 characters at 800 px; the
    # full name wrapped over 12 lines), in full in its tooltip
    result = at.session_state[state.EXPLAIN_RESULT]
    top = int(np.argmax(result.p_change[0]))
    assert at.metric[2].value == f"{result.p_change[0, top]:.3f}"
    assert f"P(change) of {literal(SHORT[top])}" in _markdown_texts(at)
    # the contrast table: short, distinct names
    table = _table_with(at, "conditional")
    assert sorted(table.value["player"]) == SHORT
    # the global ranking likewise
    at.slider(key=state.EXPLAIN_W_GLOBAL_ROWS).set_value(3).run()
    at.button(key=state.EXPLAIN_W_GLOBAL_RUN).click().run()
    _wait(at, lambda a: state.EXPLAIN_GLOBAL in a.session_state)
    at.run()
    assert sorted(_table_with(at, "flip_away").value["player"]) == SHORT


def test_the_contrast_sentence_shortens_long_class_names() -> None:
    # a long class name was written in full in the sentence above the contrast
    # table, while the select boxes and the caption below shortened it
    classes = ["L" + "o" * 190 + f"ng_class_{k}" for k in range(2)]
    short = [f"Looooooooooo…oong_class_{k}" for k in range(2)]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(80, 2)), columns=["a", "b"])
    frame["label"] = np.where(frame["a"] + frame["b"] > 0, classes[1], classes[0])
    at = _explain_upload(frame, "classes.csv", "label")
    _train(at)
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    assert not at.exception and not at.error
    assert sorted(at.selectbox(key=state.EXPLAIN_W_FROM).options) == short
    (sentence,) = [
        m.value
        for m in at.markdown
        if m.value.startswith(("Most likely to turn", "No feature turns"))
    ]
    assert all(literal(c) not in sentence for c in classes), sentence
    assert all(f"**{literal(s)}**" in sentence for s in short), sentence


def test_the_player_tables_read_at_800_px(trained_iris) -> None:
    # at 800 px the contrast table showed the player column only
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    table = _table_with(at, "conditional")
    assert list(table.value.columns) == [
        "player",
        "probability",
        "conditional",
        "p_change",
        "reverse",
    ]
    config = _column_config(table)
    assert config["player"]["width"] == 230 and config["player"]["pinned"]
    for column in ("probability", "conditional", "p_change", "reverse"):
        assert config[column]["width"] == 85, column
        assert config[column]["type_config"]["format"] == "%.3f", column


def test_the_top_feature_is_named_in_full_below_its_metric() -> None:
    # names alike for 32 characters at the start and 24 at the end all read
    # "tempé…" in the metric (5 characters kept at each end); then the metric's
    # large type cut "Konze…he 2)" at 800 px: the name is now text, in full
    stations = ["Zürich", "Genève", "東京都"]
    names = [
        f"température_moyenne_journalière_{s}_mesurée_à_la_station_😀" for s in stations
    ]
    at = _long_named_upload(names)
    at.switch_page("views/explain.py").run()
    _train(at)
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    assert not at.exception and not at.error
    result = at.session_state[state.EXPLAIN_RESULT]
    top = int(np.argmax(result.p_change[0]))
    assert at.metric[2].value == f"{result.p_change[0, top]:.3f}"
    (named,) = [m for m in at.markdown if m.value.startswith("P(change) of ")]
    full = literal(names[top])
    # cut in the middle, the part telling them apart kept; in full in its tooltip
    station = stations[top]
    short = f"températu…{station}…tation_😀"
    assert named.value == f"P(change) of {literal(short)}", named.value
    assert named.proto.help == f"Full name: {full}"


def _chart(at: AppTest, key_part: str) -> dict:
    import json

    (chart,) = [c for c in at.get("plotly_chart") if key_part in c.proto.id]
    return json.loads(chart.proto.spec)


def test_the_contrast_table_and_charts_read_for_a_user(trained_iris) -> None:
    # the A -> B table had the raw headers "player", "conditional", "reverse",
    # and the two bar charts listed the features in different orders
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    config = _column_config(_table_with(at, "conditional"))
    heads = {
        "player": "feature",
        "probability": "P(A → B)",
        "conditional": "P(B | A)",
        "p_change": "P(change)",
        "reverse": "P(B → A)",
    }
    assert {c: config[c].get("label") for c in heads} == heads
    assert all(config[c].get("help") for c in heads)
    assert any("sorted by P(A → B)" in t for t in _markdown_texts(at))
    bars, mean = _chart(at, "explain_bars"), _chart(at, "explain_mean")
    assert bars["data"][0]["customdata"] == mean["data"][0]["customdata"]
    assert any("by P(change)" in t for t in _markdown_texts(at))


def test_a_continuous_label_is_refused_unless_the_user_insists() -> None:
    # 600 distinct decimal labels were trained as 600 classes (accuracy 0.000)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    frame["price"] = frame["a"] + rng.normal(size=200) * 0.1
    at = _explain_upload(frame, "prices.csv", "price")
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    assert not at.exception
    assert state.EXPLAIN_MODEL not in at.session_state  # nothing trained
    (error,) = at.error
    assert error.value.startswith("The label column 'price' holds 200 distinct")
    assert "Pick a column of class labels" in error.value
    assert "bin the values into a few classes" in error.value
    _anyway_box(at).check().run()
    _train(at)
    assert at.session_state[state.EXPLAIN_MODEL]["key"][1] == "price"


def test_errors_are_shown_without_the_library_function_name(trained_iris) -> None:
    # "load_skops: the file is not a readable skops model ...", and a regressor
    # was "not an allowed scikit-learn classifier; allowed: [..., 'MinMaxScaler',
    # 'Pipeline', ...]"
    import skops.io as sio
    from sklearn.linear_model import LinearRegression, LogisticRegression

    at = trained_iris
    regressor = sio.dumps(LinearRegression().fit(np.eye(4), np.arange(4.0)))
    for content, start in (
        (b"not a skops archive", "The file is not a readable skops model"),
        (
            sio.dumps(LogisticRegression()),
            "The file holds a LogisticRegression that is not fitted; fit it on "
            "your table (model.fit(X, y)) before saving it with skops.io.dump.",
        ),
        (regressor, "The file holds a sklearn.linear"),
    ):
        _upload(at, "model.skops", content)
        (error,) = at.error
        assert error.value.startswith(start), error.value
    assert "is not an allowed type (a classifier, or a Pipeline" in error.value
    assert "allowed types: ColumnTransformer, DecisionTreeClassifier, " in error.value


def test_an_imbalanced_table_shows_balanced_accuracy_and_the_baseline() -> None:
    # 1 % of one class: "accuracy 0.996" read well beside a baseline of 0.99
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(1000, 3)), columns=["a", "b", "c"])
    frame["y"] = np.where(frame["a"] > 2.33, "rare", "common")
    at = _explain_upload(frame, "imbal.csv", "y")
    _train(at)
    model = at.session_state[state.EXPLAIN_MODEL]
    (success,) = at.success
    assert f"accuracy {model['accuracy']:.3f}, balanced accuracy " in success.value
    assert "always predicting the most common class, common, scores 0.99" in (
        success.value
    )
    assert 0.5 <= model["balanced_accuracy"] <= 1


def test_boolean_columns_are_0_1_features() -> None:
    # True/False columns were called "text" and left out
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(120, 2)), columns=["a", "b"])
    frame["flag"] = np.where(frame["a"] > 0, "True", "False")
    frame["color"] = rng.choice(["red", "blue"], 120)
    frame.loc[3, "flag"] = None
    frame["label"] = np.where(frame["b"] > 0, "hi", "lo")
    at = _explain_upload(frame, "bools.csv", "label")
    assert not at.exception
    captions = _markdown_texts(at)
    assert "Boolean columns used as 0/1 features (True = 1): 'flag'." in captions
    # a text column of two values is a (one-hot encoded) text feature
    assert not any(c.startswith("Columns left out") for c in captions), captions
    assert any(c.startswith("Text feature(s) 'color' are one-hot") for c in captions)
    features = ["a", "b", "flag", "color"]
    assert at.session_state[state.EXPLAIN_DATA]["features"] == features
    _train(at)
    assert at.session_state[state.EXPLAIN_MODEL]["features"] == features


def _type_in_row_0(at: AppTest, cells: dict) -> AppTest:
    at.session_state[f"{state.EXPLAIN_W_EDIT}_drop_0"] = {
        "edited_rows": {0: cells},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def test_typed_what_if_values_are_read_as_typed_or_refused(trained_iris) -> None:
    # the number column turned "1e308" into 1308, "-1.5e3" into -1.53 and "1,5"
    # into 15, silently
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _type_in_row_0(at, {"sepal length (cm)": "1e308", "sepal width (cm)": " -1.5e3"})
    assert not at.exception and not at.error
    _explain(at)
    edits = at.session_state[state.EXPLAIN_RESULT].config["edits"]
    assert edits["sepal length (cm)"]["explained"] == 1e308
    assert edits["sepal width (cm)"]["explained"] == -1500.0
    _type_in_row_0(at, {"petal length (cm)": "1,5"})
    (error,) = at.error
    assert error.value.startswith(
        "The what-if value '1,5' in column 'petal length (cm)' is not a number: "
        "use a dot for decimals"
    )
    before = at.session_state[state.EXPLAIN_RESULT]
    at.button(key=state.EXPLAIN_W_RUN).click().run()
    assert at.session_state[state.EXPLAIN_RESULT] is before  # refused
    assert any("'1,5'" in e.value for e in at.error)
    _type_in_row_0(at, {"petal length (cm)": "abc"})
    assert "type a number such as 1.5" in at.error[0].value


def test_what_if_values_beyond_a_float_or_the_column_are_said(trained_iris) -> None:
    # 1e400 was kept as the old value, -1e308 taken without a word
    at = trained_iris
    _type_in_row_0(at, {"sepal length (cm)": "1e400"})
    (error,) = at.error
    assert error.value.startswith(
        "The what-if value in column 'sepal length (cm)' is beyond the largest "
        "number (about 1.8e308)"
    )
    _type_in_row_0(at, {"sepal length (cm)": "-1e308"})
    assert not at.error
    (warning,) = [w.value for w in at.warning if "outside the range" in w.value]
    assert warning.startswith(
        "The what-if value -1e+308 of sepal length (cm) is outside the range of "
        "the column in the table (4.3 to 7.9): the model never saw such a value"
    )
    _type_in_row_0(at, {"sepal length (cm)": "6"})
    assert not [w.value for w in at.warning if "outside the range" in w.value]


def test_a_model_of_other_columns_says_what_to_do(trained_iris) -> None:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    at = trained_iris
    named = pd.DataFrame(np.arange(600.0).reshape(150, 4), columns=list("abcd"))
    _upload(at, "other.skops", sio.dumps(LogisticRegression().fit(named, [0, 1] * 75)))
    (error,) = [e.value for e in at.error]
    assert "the table lacks" in error
    assert error.endswith(
        "Pick in 'Table' the table the model was trained on (upload it on the Data "
        "page), or press 'Train model' for a model of this table."
    )


def test_an_invalid_what_if_cell_is_shown_as_typed_in_the_warning(trained_iris) -> None:
    # the "made for other inputs" warning read "petal length (cm) 1.4 → nan"
    at = trained_iris
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    _type_in_row_0(at, {"petal length (cm)": "1,5"})
    (warning,) = _warnings_about_other_inputs(at)
    assert "nan" not in warning
    assert "petal length (cm) 1.4 → '1,5' (not a number)" in warning, warning


def test_an_uploaded_model_gets_balanced_accuracy_and_the_baseline() -> None:
    # a skops upload showed the accuracy only: 0.99 on a table of 99 % one class
    from sklearn.linear_model import LogisticRegression

    from engine.values import save_skops

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(400, 3)), columns=["a", "b", "c"])
    frame["y"] = np.where(frame["a"] > 1.6, "rare", "common")
    model = LogisticRegression().fit(frame[["a", "b", "c"]].to_numpy(), frame["y"])
    at = _explain_upload(frame, "imbal.csv", "y")
    at.file_uploader(key=state.EXPLAIN_W_UPLOAD).set_value(
        ("m.skops", save_skops(model), "application/octet-stream")
    ).run()
    at.button(key=state.EXPLAIN_W_LOAD).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = at.session_state[state.EXPLAIN_MODEL]
    predicted = model.predict(frame[["a", "b", "c"]].to_numpy())
    truth = frame["y"].to_numpy()
    recalls = [np.mean(predicted[truth == c] == c) for c in ("common", "rare")]
    assert shown["balanced_accuracy"] == pytest.approx(np.mean(recalls))
    share = float(np.mean(truth == "common"))
    assert shown["majority"] == "common" and shown["baseline"] == pytest.approx(share)
    (success,) = at.success
    assert "balanced accuracy" in success.value
    # its training rows may be among them: the figure says so
    assert (
        "(on all labelled rows of this table, which may include the model's "
        "training rows)" in success.value
    )
    assert f"the most common class, common, scores {share:.3f}" in success.value


def test_a_long_top_feature_name_is_cut_under_its_metric() -> None:
    # a 200-character name wrapped over ~12 lines of the metric's column at 800 px
    at = _long_named_upload()
    at.switch_page("views/explain.py").run()
    _train(at)
    at.selectbox(key=state.EXPLAIN_W_ESTIMATOR).set_value("exact").run()
    _explain(at)
    result = at.session_state[state.EXPLAIN_RESULT]
    name = result.features[int(np.argmax(result.p_change[0]))]
    (named,) = [m for m in at.markdown if m.value.startswith("P(change) of ")]
    assert len(named.value) <= len("P(change) of ") + 30, named.value
    assert named.value.endswith(literal(name[-12:]))
    assert named.proto.help == f"Full name: {literal(name)}"


def test_a_table_without_features_says_what_a_feature_is() -> None:
    # "no numeric feature column" read wrong once text columns became features
    frame = pd.DataFrame(
        {"name": [f"person {i}" for i in range(80)], "y": ["a", "b"] * 40}
    )
    at = _explain_upload(frame, "ids.csv", "y")
    (error,) = at.error
    assert error.value.startswith(
        "The table has no feature column besides the label: features are columns "
        "of numbers (or True/False) and text columns of at most 50 distinct values"
    ), error.value
    assert "numeric feature column" not in error.value


def test_the_trained_model_downloads_as_skops_and_loads_back(
    media, trained_iris
) -> None:
    from engine.values import load_skops

    at = trained_iris
    name, content = download(at, media, "explain_dl_model")
    assert name == "logistic_classifier.skops"
    model = at.session_state[state.EXPLAIN_MODEL]["model"]
    loaded = load_skops(content)
    X = at.session_state[state.EXPLAIN_DATA]
    table = load_sample_table()
    assert list(X["features"]) == list(table.columns)
    assert (loaded.predict(table.to_numpy()) == model.predict(table.to_numpy())).all()
    assert np.allclose(
        loaded.predict_proba(table.to_numpy()), model.predict_proba(table.to_numpy())
    )


def load_sample_table() -> pd.DataFrame:
    """The iris features."""
    from engine import load_sample

    sample = load_sample("iris")
    return sample.frame.drop(columns=[sample.target])


def _nodes_frame() -> pd.DataFrame:
    """An identifier first, two measurements, and a column of one value."""
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "node_id": [f"n{i}" for i in range(40)],
            "f1": rng.random(40),
            "f2": rng.random(40),
            "cls": "a",
        }
    )


def test_an_identifier_is_no_default_label_and_is_refused_unless_insisted() -> None:
    # the first column, an identifier, was the label by default, and 'Train
    # model' trained 40 classes on 40 rows (accuracy 0), which the CLI refuses
    at = AppTest.from_file(str(ENTRY), default_timeout=120).run()
    at.file_uploader(key="data_upload").set_value(
        ("nodes.csv", _nodes_frame().to_csv(index=False).encode(), "text/csv")
    ).run()
    at.switch_page("views/explain.py").run()
    assert not at.exception
    assert at.selectbox(key=state.EXPLAIN_W_TARGET).value is None
    assert any("Choose the label column" in i.value for i in at.info)
    assert state.EXPLAIN_W_TRAIN not in [b.key for b in at.button]  # no model part
    at.selectbox(key=state.EXPLAIN_W_TARGET).set_value("node_id").run()
    assert not at.exception
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    assert state.EXPLAIN_MODEL not in at.session_state  # nothing trained
    (error,) = at.error
    assert error.value.startswith(
        literal(
            "The label column 'node_id' has 40 distinct values in 40 labelled rows "
            "(1.0 rows per class): nearly every row is a class of its own"
        )
    ), error.value
    assert "tick 'Train anyway' above" in error.value
    _anyway_box(at).check().run()
    _train(at)
    assert at.session_state[state.EXPLAIN_MODEL]["key"][1] == "node_id"


def test_features_and_constant_columns_as_the_explain_command_has_them() -> None:
    from tests.engine.commands.test_explain_command import ml_frame

    # the command left out 'color'; the constant 'const' is a feature on both,
    # and the note said it was left out
    at = _explain_upload(ml_frame(), "ml.csv", "label")
    assert not at.exception
    assert at.session_state[state.EXPLAIN_DATA]["features"] == [
        "a",
        "b",
        "const",
        "color",
    ]
    assert (
        "Constant column(s) 'const' are features all the same (a model takes "
        "every column) but never change the class of a table row: removed, they "
        "take their one value from the table (unless 'Removed features take' is "
        "zeros)." in _markdown_texts(at)
    )


def _anyway_box(at: AppTest):
    """The 'Train anyway' checkbox, or ``None`` when the page shows none."""
    label = "Train anyway, one class per distinct value"
    return next((c for c in at.checkbox if c.label == label), None)


def test_train_anyway_applies_only_to_the_label_it_was_ticked_for() -> None:
    # ticked for 'cls' (40 classes in 60 rows), it stayed ticked when the
    # label became 'x1' (60 decimals), which 'Train model' then trained
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 2)), columns=["x1", "x2"])
    frame["cls"] = [f"c{i % 40}" for i in range(60)]
    frame["label"] = np.resize(["p", "q"], 60)
    at = _explain_upload(frame, "two_refused.csv", "cls")
    _anyway_box(at).check().run()
    at.selectbox(key=state.EXPLAIN_W_TARGET).set_value("x1").run()
    assert not at.exception
    assert not _anyway_box(at).value
    at.button(key=state.EXPLAIN_W_TRAIN).click().run()
    assert state.EXPLAIN_MODEL not in at.session_state  # nothing trained
    (error,) = at.error
    assert error.value.startswith(
        literal("The label column 'x1' holds 60 distinct decimal numbers")
    ), error.value
    # back to 'cls': the box asks again
    at.selectbox(key=state.EXPLAIN_W_TARGET).set_value("cls").run()
    assert not _anyway_box(at).value
