"""Explain a classifier: per feature, the probability of flipping the class."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.components.label_box import anyway_box, anyway_key
from app.components.names import (
    HEADER_WIDTH,
    header_config,
    short_labels,
)
from app.components.numbers import cell_text, parse_row
from app.components.text import count, literal, page_error
from app.components.text_features import (
    FILL_LABEL,
    MAX_CATEGORIES,
    TRAIN_TARGET,
    data_for_model,
    data_for_upload,
    feature_captions,
    keep_row_edits,
    numeric_features,
    show_explained_values,
    show_value,
    text_what_if_editor,
)
from app.jobs import Notice, get_registry, render_job, show_message
from engine import load_sample
from engine.errors import DataError, EngineError, format_names
from engine.plots import mean_vs_reference, p_change_bars, pixel_map, transition_heatmap
from engine.validation import (
    class_label_warning,
    continuous_label,
    guess_label_column,
    label_refusal,
)
from engine.values import (
    MODEL_KINDS,
    DistributionalValues,
    TrainedModel,
    load_skops,
    model_scores,
    prepare_features,
    save_skops,
)
from engine.values.cost import (
    background_rows_used,
    planned_model_rows,
    seconds_per_model_row,
)
from engine.values.explainer import (
    MIN_STDERR_SAMPLES,
    STDERR_NOTE_START,
    choose_estimator,
)
from engine.values.models import check_feature_names
from engine.values.operators import resolve_operator
from engine.values.table_models import (
    booleans_as_numbers,
    classifier_features,
    missing_text,
    with_text_columns,
)
from engine.values.uncertainty import (
    global_p_change_stderr,
    p_change_stderr,
    unsettled_top,
)

SAMPLES = {
    "breast cancer": "breast_cancer",
    "wine": "wine",
    "iris": "iris",
    "digits": "digits",
}
KIND_LABELS = {
    "logistic": "logistic regression",
    "forest": "random forest",
    "boosting": "gradient boosting",
    "mlp": "MLP (64 hidden units)",
}
OPERATORS = ("shapley", "banzhaf", "beta_shapley")
REMOVALS = {
    "background": "average over background rows (shap's Independent masker)",
    "mean": "mean row of the table",
    "median": "median row of the table",
    "zeros": "zeros",
}
ESTIMATORS = ("auto", "exact", "permutation", "coalition")
# orderings or coalitions per feature where the page samples (README, "The app")
PAGE_SAMPLES = 100
# a global run estimated to take longer than this is warned about before it starts
LONG_RUN_S = 60
MISSING = {
    "drop": "drop rows with a missing value",
    "mean": FILL_LABEL,
}
DATA_PAGE = "data set from the Data page"
# the what-if cells that are no number, refused by 'Explain this row'
WHAT_IF_PROBLEMS = "explain_what_if_problems"
# what a what-if cell may hold: a decimal number, with an exponent or not
# the box that lets 'Train model' take a refused label (engine's label_refusal),
# one per table and label column (train_anyway_key)
TRAIN_ANYWAY_KEY = "explain_train_anyway"
# the button that downloads the model trained here
DOWNLOAD_MODEL_KEY = "explain_dl_model"
# The table whose selected row sets the row number input (state.EXPLAIN_W_ROW).
TABLE_KEY = "explain_table"
# Edits named at most in a line about a what-if row.
MAX_EDITS_SHOWN = 5
# a player table's number columns: "probability" and 0.000 fit (px)
NUMBER_WIDTH = 85
# characters kept at each end of a long name in the labels of a figure in half the
# page (at 800 px 25 characters were cut at the left)
HALF_KEEP = 8
# ... and in the heatmap's class ticks, which share its half with the cells
HEATMAP_KEEP = 5
# classes a transition matrix in half the page reads with (more: the full width)
HALF_PAGE_CLASSES = 5
# the contrast table's columns for a reader: header and what it holds
CONTRAST_HEADERS = {
    "player": (
        "feature",
        "Long names are cut in the middle; the downloads hold them in full.",
    ),
    "probability": (
        "P(A → B)",
        "Probability that adding the feature turns class A "
        "(without it) into class B (with it).",
    ),
    "conditional": (
        "P(B | A)",
        "The same, given that the class without the "
        "feature is A: P(A → B) / P(class A without the feature).",
    ),
    "p_change": (
        "P(change)",
        "Probability that adding the feature changes the class at all, into any class.",
    ),
    "reverse": ("P(B → A)", "The reverse move: adding the feature turns B into A."),
}


# the global ranking's P(change) and its standard error for a reader
RANKING_HEADERS = {
    "p_change": (
        "p_change",
        "Probability that adding the feature changes the class, mean over the rows.",
    ),
    "p_change_stderr": (
        "± stderr",
        "Monte Carlo standard error of p_change (at most this: a bound from the "
        "errors of the transition matrices); none for exact values.",
    ),
}
# the metric's help when its P(change) is sampled
STDERR_HELP = (
    " ± its Monte Carlo standard error (at most this: a bound from the errors of "
    "the transition matrix); exact values have none."
)
# what to do with a model file made for other columns
OTHER_COLUMNS_ADVICE = (
    "Pick in 'Table' the table the model was trained on (upload it on the Data "
    "page), or press 'Train model' for a model of this table."
)
# the largest budget the page offers
MAX_BUDGET = 5000
# classes shown by default ('Classes shown'): more are pooled into "other"
MAX_CLASSES_SHOWN = 10
# the colour of the pooled classes' bars: none of the plots' ten class colours
OTHER_COLOR = "#4D4D4D"


# --- data ---------------------------------------------------------------------------


@st.cache_data(show_spinner=False)
def _sample(name: str) -> tuple[pd.DataFrame, str | None]:
    """A bundled table and its label column."""
    sample = load_sample(SAMPLES[name])
    return sample.frame, sample.target


def _sentence(text: str) -> str:
    """An engine message as a sentence of its own."""
    return text[:1].upper() + text[1:].rstrip(".") + "."


def _data_section() -> dict[str, Any] | None:
    dataset = state.uploaded_dataset()
    options = ([DATA_PAGE] if dataset is not None else []) + list(SAMPLES)
    # the uploaded table first, else the sample picked on the Data page
    files = list(SAMPLES.values())
    index = 0 if dataset else state.data_page_sample(files, "breast_cancer")
    source = st.selectbox(
        "Table",
        options,
        index=index,
        key=state.EXPLAIN_W_SOURCE,
        format_func=lambda option: _source_label(option, dataset),
    )
    if source == DATA_PAGE:
        frame, name = dataset["frame"], dataset["name"]
        table_id = str(dataset.get("id", name))
        # the Data page's label column, else the column that looks like one
        default_target = dataset.get("target") or guess_label_column(
            frame, numeric=True
        )
    else:
        (frame, default_target), name = _sample(source), source
        table_id = f"sample:{source}"
    columns = list(frame.columns)
    # no column preselected when none looks like class labels (the first one
    # was: often an identifier)
    target = st.selectbox(
        "Label column",
        columns,
        index=columns.index(default_target) if default_target in columns else None,
        key=state.EXPLAIN_W_TARGET,
        format_func=short_labels(columns),
        placeholder="Choose the label column",
    )
    if target is None:
        st.info(
            "Choose the label column: no column of this table looks like class "
            "labels (text or whole numbers with a few rows per class)."
        )
        return None
    refused = _label_check(frame, target, table_id)
    frame, booleans = booleans_as_numbers(frame, target)
    if booleans:
        st.caption(
            "Boolean columns used as 0/1 features (True = 1): "
            f"{literal(format_names(booleans, limit=8, brackets=False))}."
        )
    features, text, dropped = classifier_features(frame, target)
    numeric = [c for c in features if c not in set(text)]
    # the features and the columns left out, said once the model is known
    captions = {
        "features": features,
        "text": text,
        "page_features": features,
        "left_out": dropped,
        "captions": st.container(),
    }
    if len(features) < 1:
        feature_captions(captions, None)
        st.error(no_features_text(bool(dropped)))
        return None
    missing = st.selectbox(
        "Missing values",
        list(MISSING),
        format_func=MISSING.get,
        key=state.EXPLAIN_W_MISSING,
        help="Rows with an empty or infinite feature value: drop them, or fill the "
        "cell with the column mean (an empty text cell with the column's most "
        "common value). Rows with an empty label are left out of training either "
        "way (they can still be explained).",
    )
    finite_rows = np.isfinite(frame[numeric].to_numpy(float)).all(axis=1)
    finite_rows &= frame[text].notna().all(axis=1).to_numpy()
    table = _features_table(frame, numeric, missing, finite_rows)
    if table is None:
        return None
    table = with_text_columns(table, frame, features)
    table, lines = missing_text(table, text, missing)
    captions["text_lines"] = lines  # said with the model's columns
    n_unlabelled = int(frame[target].isna().sum())
    if n_unlabelled:
        st.caption(
            f"{n_unlabelled} row(s) have an empty label in '{literal(target)}': they "
            "are left "
            "out of training."
        )
    data = {
        "name": name,
        "frame": frame,
        "target": target,
        "features": features,
        "text": text,
        "table": table,
        "missing": missing,
        "gaps": not finite_rows.all(),
        "refused": refused,
        **{k: v for k, v in captions.items() if k not in ("features", "text")},
    }
    state.put(state.EXPLAIN_DATA, {k: data[k] for k in ("name", "target", "features")})
    return data


def train_anyway_key(table_id: str, target: str) -> str:
    """The key of the 'Train anyway' box of one table's label column."""
    return anyway_key(TRAIN_ANYWAY_KEY, table_id, target)


def _label_check(frame: pd.DataFrame, target: str, table_id: str) -> str | None:
    """Warn about a label column that looks like no class labels, and offer
    'Train anyway' where 'Train model' refuses it.

    Returns
    -------
    str or None
        Why 'Train model' refuses the label (:func:`_refusal`), unless 'Train
        anyway' is ticked for this table's label column; ``None`` when it
        does not refuse it.
    """
    labels = frame[target]
    warning = class_label_warning(labels, target)
    if warning:
        st.warning(
            f"{literal(_sentence(warning))} This page explains classifiers, which "
            "learn one class per distinct label: choose a column of class labels in "
            "'Label column'."
        )
    refused = _refusal(labels, target)
    if refused is None:
        return None
    insisted = anyway_box(
        "Train",
        "'Train model'",
        "a classifier learns",
        train_anyway_key(table_id, target),
    )
    return None if insisted else refused


def _refusal(labels: pd.Series, target: str) -> str | None:
    """Why 'Train model' refuses ``labels`` without 'Train anyway', or ``None``
    (plain text: the page escapes it where it shows it): the library's rule
    (:func:`engine.validation.label_refusal`), which the ``explain`` and
    ``graph`` commands and the Learn-a-graph page apply too."""
    why = label_refusal(labels)
    if why is None:
        return None
    advice = "Pick a column of class labels in 'Label column'"
    if continuous_label(labels):
        advice += (
            ", or bin the values into a few classes (e.g. low, medium, high) in a "
            "new column of your table and upload it again"
        )
    return f"The label column '{target}' {why}. {advice}; or tick 'Train anyway' above."


def no_features_text(left_out: bool) -> str:
    """Why a table has no feature: what the page takes as a feature.

    Parameters
    ----------
    left_out : bool
        Whether some columns were left out (the page lists them above).

    Returns
    -------
    str
        The message.

    Examples
    --------
    >>> no_features_text(False)[:49]
    'The table has no feature column besides the label'
    """
    text = (
        "The table has no feature column besides the label: features are columns "
        "of numbers (or True/False) and text columns of at most "
        f"{MAX_CATEGORIES} distinct values that are not row identifiers."
    )
    if left_out:
        text += " The columns left out, and why, are listed above."
    return text


def _source_label(option: str, dataset: dict[str, Any] | None) -> str:
    """The 'Table' choice in words: the Data page's one names its file."""
    if option != DATA_PAGE or dataset is None:
        return option
    return f"{dataset['name']} (from the Data page)"


def _features_table(
    frame: pd.DataFrame, features: list[str], missing: str, finite_rows: np.ndarray
) -> pd.DataFrame | None:
    """The feature columns with the page's missing-value choice applied.

    Indexed by the rows' positions in the table; the background of every
    explanation and the rows the model is trained on. ``finite_rows`` (n_rows,)
    tells which rows have every feature finite, computed once by the caller.
    """
    complete = int(finite_rows.sum())
    if missing == "drop" and complete == 0:
        st.error(
            "Every row has an empty or infinite value in some feature column, so "
            "dropping incomplete rows leaves none. Set 'Missing values' to "
            f"'{FILL_LABEL}'."
        )
        return None
    table, record = prepare_features(frame, features, missing, "Explain")
    for line in record.summary():
        st.caption(literal(_sentence(line)))
    return table


# --- model --------------------------------------------------------------------------


def _model_key(data: dict[str, Any]) -> tuple[str, str, str | None]:
    """What a model was made on: table, label column and missing-value choice.

    The choice counts only for a table with an empty or infinite feature value.
    """
    return (data["name"], data["target"], data["missing"] if data["gaps"] else None)


def _labels(data: dict[str, Any]) -> np.ndarray:
    """The label column on the rows of the features table."""
    return data["frame"][data["target"]].to_numpy()[data["table"].index]


def _use_model(model: dict[str, Any]) -> None:
    """Make ``model`` the page's model; results of an earlier model are cleared."""
    model["id"] = uuid.uuid4().hex
    state.put(state.EXPLAIN_MODEL, model)
    state.put(state.EXPLAIN_DROPPED, None)
    for key in (state.EXPLAIN_RESULT, state.EXPLAIN_GLOBAL):
        st.session_state.pop(key, None)


def drop_replaced_upload_model() -> None:
    """Drop the model (and its results) of an upload the Data page replaced.

    The Data page holds one upload at a time: a model made on an earlier upload
    can no longer be picked, and kept it would only hold memory in the session.
    It is dropped, and the page says so (``state.EXPLAIN_DROPPED``) until another
    model is used. Models of the bundled tables stay, per table.
    """
    model = state.get(state.EXPLAIN_MODEL)
    if model is None or model["key"][0] in SAMPLES:
        return
    old = str(model["key"][0])
    upload = state.uploaded_dataset()
    if upload is not None and upload["name"] == old:
        return
    if state.get(state.EXPLAIN_TRAIN_JOB) is not None:
        return  # a training on it still running: decided once it is stored
    new = (state.get(state.DATASET) or {}).get("name")
    now = f"{new} replaced it" if new else "it was removed"
    state.put(
        state.EXPLAIN_DROPPED,
        f"The model for {old} ({model['kind']}) and its results were dropped when "
        f"{now} on the Data page, which keeps one uploaded table at a time. To "
        f"explain {old} again, upload it again and train or load its model; "
        "'Download model (skops)' and the result downloads keep them.",
    )
    for key in (state.EXPLAIN_MODEL, state.EXPLAIN_RESULT, state.EXPLAIN_GLOBAL):
        st.session_state.pop(key, None)


def _train(data: dict[str, Any], kind: str) -> bool:
    """Train in the background worker: a big table can take minutes, and can stop.

    A label that looks continuous, or makes nearly every row a class of its
    own, is refused unless the user ticked the box that allows it for that
    label (:func:`_label_check` decides).
    """
    if data["refused"]:
        raise DataError(data["refused"])
    frame = data["table"].assign(**{data["target"]: _labels(data)})
    kwargs = {
        "frame": frame,
        "target": data["target"],
        "kind": kind,
        "seed": int(state.get(state.SEED, 0)),
        "text": data.get("text") or [],
    }
    job = get_registry().submit(
        TRAIN_TARGET,
        kwargs,
        f"Training {KIND_LABELS[kind]}",
    )
    state.put(state.EXPLAIN_TRAIN_JOB, job)
    state.put(state.EXPLAIN_TRAIN_JOB + "_error", None)
    state.put(state.EXPLAIN_TRAIN_KEY, _model_key(data))
    return True


def _store_trained(trained: TrainedModel) -> None:
    """Use a model the worker trained; one stopped early is used with a warning."""
    warning = None
    if trained.stopped:
        done, planned, unit = trained.steps
        warning = (
            f"Training was stopped after {done} of {planned} {unit}. The model is "
            "used as it is; press 'Train model' again for the full one."
        )
    _use_model(
        {
            "model": trained.model,
            "kind": KIND_LABELS[trained.kind],
            "kind_id": trained.kind,
            "accuracy": trained.accuracy,
            "balanced_accuracy": trained.balanced_accuracy,
            "baseline": trained.baseline,
            "majority": trained.majority,
            "n_test": trained.n_test,
            "features": list(trained.features),
            "classes": list(trained.classes),
            "source": "trained",
            "key": state.get(state.EXPLAIN_TRAIN_KEY),
            "warning": warning,
        },
    )


def _upload(data: dict[str, Any], content: bytes, filename: str) -> None:
    model = load_skops(content)
    try:
        data = data_for_upload(data, model, f"The model in {filename}")
        check_feature_names(model, data["features"], f"The model in {filename}")
    except DataError as err:
        raise DataError(f"{str(err).rstrip('.')}. {OTHER_COLUMNS_ADVICE}") from err
    n_in = getattr(model, "n_features_in_", None)
    if n_in is not None and n_in != len(data["features"]):
        n_text = len(data.get("text") or ())
        raise EngineError(
            f"The model in {filename} expects {n_in} features; the table has "
            f"{len(data['features'])} feature columns "
            f"({len(data['features']) - n_text} numeric, {n_text} text)."
        )
    # scored on the table's labelled rows, as a model trained here on its held-out
    # rows: an imbalanced table's accuracy means little beside the baseline
    scores, mismatch = model_scores(
        model, data["table"], _labels(data), data["target"], f"The model in {filename}"
    )
    _use_model(
        {
            "model": model,
            "kind": f"{type(model).__name__} from {filename}",
            "accuracy": None if scores is None else scores.accuracy,
            "balanced_accuracy": None if scores is None else scores.balanced_accuracy,
            "baseline": None if scores is None else scores.baseline,
            "majority": None if scores is None else scores.majority,
            "n_test": None,
            "features": list(data["features"]),
            "classes": [str(c) for c in model.classes_],
            "source": "skops",
            "skops": content,
            "key": _model_key(data),
            "warning": None if mismatch is None else _sentence(mismatch),
        },
    )


def _no_model_text(model: dict[str, Any] | None, data: dict[str, Any]) -> str:
    """Why no model is shown: none yet, or one made on other rows."""
    if model is None or tuple(model["key"][:2]) != _model_key(data)[:2]:
        return "Train a model or upload one to explain it."
    made_with = MISSING.get(model["key"][2], model["key"][2])
    return (
        f"The model was made with 'Missing values' set to '{made_with}', which "
        "gives other rows to train on and explain: train or load it again for "
        "the current choice, or switch back."
    )


def _model_section(data: dict[str, Any]) -> dict[str, Any] | None:
    train_col, upload_col = st.columns(2)
    with train_col:
        kind = st.selectbox(
            "Train a model in the app",
            MODEL_KINDS,
            format_func=KIND_LABELS.get,
            key=state.EXPLAIN_W_KIND,
        )
        busy = state.get(state.EXPLAIN_TRAIN_JOB) is not None
        pressed = st.button("Train model", key=state.EXPLAIN_W_TRAIN, disabled=busy)
        if pressed and _guard(lambda: _train(data, kind)):
            st.rerun()  # redraw with the button disabled while it trains
        render_job(state.EXPLAIN_TRAIN_JOB, _store_trained)
        _show_job_error(
            state.EXPLAIN_TRAIN_JOB,
            state.get(state.EXPLAIN_TRAIN_KEY),
            _model_key(data),
        )
    with upload_col:
        upload = st.file_uploader(
            "…or upload a scikit-learn model saved with skops",
            type=["skops"],
            key=state.EXPLAIN_W_UPLOAD,
            help="skops.io.dump(model, 'model.skops'). Only plain scikit-learn "
            "classifiers are accepted; pickle and joblib files are never read.",
        )
        if upload is not None and st.button("Load model", key=state.EXPLAIN_W_LOAD):
            _guard(lambda: _upload(data, upload.getvalue(), upload.name))
    model = state.get(state.EXPLAIN_MODEL)
    if model is None or model["key"] != _model_key(data):
        st.info(_no_model_text(model, data))
        return None
    st.success(_model_text(model))
    if model["source"] == "trained":
        st.download_button(
            "Download model (skops)",
            _model_file(model),
            file_name=f"{model.get('kind_id', 'model')}_classifier.skops",
            mime="application/octet-stream",
            key=DOWNLOAD_MODEL_KEY,
            help="The trained model as a skops file: upload it here again, or "
            "load it with engine.values.load_skops (or skops.io.load, trusting "
            "its scikit-learn types). It takes the feature columns in the "
            "table's order, text ones as text.",
        )
    if model.get("warning"):
        st.warning(literal(model["warning"]))
    return model


def _show_job_error(job_key: str, made_for: Any, now: Any) -> None:
    """The error of the job under ``job_key`` while the page shows what it ran on.

    ``made_for`` is what the failed job was started for (the table, label column
    and missing values of a training, the model of an explanation) and ``now``
    the same of the page. An error about one table ("Label column 'target' has a
    single class") stayed shown over another table without that column; it is
    dropped once they differ.
    """
    key = job_key + "_error"
    error = state.get(key)
    if not error:
        return
    if made_for is not None and made_for != now:
        state.put(key, None)
        return
    show_message(error if isinstance(error, Notice) else page_error(error))


def _model_file(model: dict[str, Any]) -> bytes:
    """The model saved with skops, made once per model (a forest takes a while)."""
    if model.get("file") is None:
        model["file"] = save_skops(model["model"])
    return model["file"]


def _model_text(model: dict[str, Any]) -> str:
    """The model in words: its kind, accuracy and, for one trained here, the
    balanced accuracy and what always predicting the most common class scores
    (an imbalanced table scored 0.996 beside a baseline of 0.99)."""
    acc = model["accuracy"]
    text = f"Model: {model['kind']}"
    if acc is None:
        return text
    # an upload is scored on every labelled row, its training rows among them
    # maybe (0.926 there beside 0.904 held out for the same model)
    where = (
        f"held out, {model['n_test']} rows"
        if model["n_test"]
        else "on all labelled rows of this table, which may include the model's "
        "training rows"
    )
    text += f" — accuracy {acc:.3f}"
    if model.get("balanced_accuracy") is not None:
        text += f", balanced accuracy {model['balanced_accuracy']:.3f}"
    text += f" ({where})"
    if model.get("baseline") is not None:
        text += (
            f"; always predicting the most common class, "
            f"{literal(model['majority'])}, scores {model['baseline']:.3f}"
        )
    return text


# --- settings and running -----------------------------------------------------------


def _digits_patches(features: list[str]) -> dict[str, list[str]] | None:
    if len(features) != 64:
        return None
    return {
        f"patch {r},{c}": [
            features[8 * (2 * r + a) + 2 * c + b] for a in (0, 1) for b in (0, 1)
        ]
        for r in range(4)
        for c in range(4)
    }


def _settings(data: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    cols = st.columns(4)
    operator = cols[0].selectbox(
        "Value operator", OPERATORS, key=state.EXPLAIN_W_OPERATOR
    )
    removal = cols[1].selectbox(
        "Removed features take",
        list(REMOVALS),
        format_func=REMOVALS.get,
        key=state.EXPLAIN_W_REMOVAL,
    )
    estimator = cols[2].selectbox(
        "Estimator",
        ESTIMATORS,
        key=state.EXPLAIN_W_ESTIMATOR,
        help="auto: exact enumeration when 2^players x background rows <= 2^21, "
        "else sampling.",
    )
    samples = cols[3].number_input(
        "Budget for this row (orderings or coalitions per feature)",
        min_value=2,
        max_value=MAX_BUDGET,
        value=PAGE_SAMPLES,
        step=10,
        key=state.EXPLAIN_W_SAMPLES,
        help="Used when the values are sampled. The library and the explain "
        "command default to fewer (20 orderings, 32 coalitions per feature; "
        "--samples N), so their sampled values differ from the page's within "
        "the standard errors shown.",
    )
    problem = removal_problem(data.get("text") or [], removal)
    if problem is not None:
        st.warning(literal(problem))
    players = None
    patches = _digits_patches(data["features"])
    if patches is not None:
        grouping = st.radio(
            "Players",
            ["pixels (64)", "2 x 2 patches (16)"],
            horizontal=True,
            key=state.EXPLAIN_W_PLAYERS,
        )
        players = patches if grouping.startswith("2") else None
    return {
        "operator": operator,
        "removal": removal,
        "estimator": estimator,
        # exact samples nothing: explain() refuses a budget given with it
        "n_samples": None if estimator == "exact" else int(samples),
        "players": players,
        "seed": int(state.get(state.SEED, 0)),
        "top_k": _classes_shown(len(model["classes"])),
    }


def _classes_shown(n_classes: int) -> int | None:
    """'Classes shown': the k most likely classes kept, the rest pooled.

    60 classes made a heatmap of 60 columns in 220 px and a bar legend whose 10
    colours repeated. Default: all up to :data:`MAX_CLASSES_SHOWN` classes, that
    many otherwise. Returns the ``top_k`` of ``explain`` (``None``: all).
    """
    if n_classes <= 2:
        return None
    key = f"{state.EXPLAIN_W_CLASSES}_{n_classes}"
    if key not in st.session_state:
        st.session_state[key] = min(n_classes, MAX_CLASSES_SHOWN)
    k = int(
        st.number_input(
            "Classes shown",
            min_value=2,
            max_value=n_classes,
            step=1,
            key=key,
            help="Keep the k most likely classes (by their largest probability "
            "over the explained rows) and pool the others into one class, "
            "'other'; fewer classes make the heatmap and the bars readable.",
        )
    )
    if k >= n_classes:
        if n_classes > MAX_CLASSES_SHOWN:
            st.caption(
                f"All {n_classes} classes are shown: the transition matrix and the "
                f"bar colours are hard to read beyond {MAX_CLASSES_SHOWN}."
            )
        return None
    st.caption(
        f"The {k} most likely classes of the {n_classes} are shown (ranked by "
        f"their largest probability over the explained rows); the other "
        f"{n_classes - k} are pooled into one class, 'other'."
    )
    return k


def removal_problem(text: list[str], removal: str) -> str | None:
    """Why ``removal`` cannot explain a model with the ``text`` features, if so.

    A mean, a median or zeros would average or invent values a text column does
    not have: only the values of background rows can stand in for a removed
    text feature (the library refuses the others). The page says so before the
    run, and refuses the run.

    Parameters
    ----------
    text : list of str
        The model's text feature columns.
    removal : str
        A key of :data:`REMOVALS`.

    Returns
    -------
    str or None
        The message, or ``None`` when ``removal`` can be used.

    Examples
    --------
    >>> removal_problem(["colour"], "background") is None
    True
    >>> removal_problem(["colour"], "mean")[:39]
    "With the text feature 'colour', removed"
    """
    if not text or removal == "background":
        return None
    names = format_names(text, limit=8, brackets=False)
    return (
        f"With the text feature{'s' if len(text) > 1 else ''} {names}, removed "
        f"features can only take the values of background rows: the "
        f"'{REMOVALS[removal]}' would average or invent values a text column does "
        f"not have. Set 'Removed features take' to '{REMOVALS['background']}'."
    )


def _check_removal(data: dict[str, Any], settings: dict[str, Any]) -> bool:
    """Refuse a removal the model's text features do not allow (before a run)."""
    problem = removal_problem(data.get("text") or [], settings["removal"])
    if problem is not None:
        raise DataError(problem)
    return True


def _guard(action) -> Any:
    """Run ``action``; show engine errors as messages, keep earlier results."""
    try:
        return action()
    except EngineError as err:
        state.put(state.EXPLAIN_ERROR, str(err))
        st.error(literal(page_error(err)))
    except ValueError as err:  # scikit-learn input errors
        state.put(state.EXPLAIN_ERROR, str(err))
        st.error(f"The model could not be used: {literal(err)}")
    return None


def _apply_row_pick() -> None:
    """``on_select`` callback of the table: a picked row becomes the explained row.

    Streamlit runs it before the script when the table's selection changes, so
    the row number input is then drawn with the picked row.
    """
    event = st.session_state.get(TABLE_KEY)
    selection = event.get("selection") if hasattr(event, "get") else None
    picked = selection.get("rows", []) if selection else []
    if picked:
        st.session_state[state.EXPLAIN_W_ROW] = int(picked[0])


def _row_section(
    data: dict[str, Any],
) -> tuple[pd.DataFrame, int, dict, dict[str, str]]:
    """The row to explain, its what-if values and the edits made to them.

    Returns the row as explained (one-row frame of the features), its position,
    the edits (feature -> (table value, edited value)) and the cells that hold
    no number (feature -> the text typed).
    """
    frame, table = data["frame"], data["table"]
    with st.expander("Pick a row in the table", expanded=False):
        st.dataframe(
            frame,
            column_config=header_config(list(frame.columns)),
            key=TABLE_KEY,
            on_select=_apply_row_pick,
            selection_mode="single-row",
            height=280,
        )
    # the value lives in session state (set here, or by a pick in the table)
    current = st.session_state.get(state.EXPLAIN_W_ROW, 0)
    st.session_state[state.EXPLAIN_W_ROW] = min(max(int(current), 0), len(frame) - 1)
    row = st.number_input(
        "Row to explain (position in the table)",
        min_value=0,
        max_value=len(frame) - 1,
        step=1,
        key=state.EXPLAIN_W_ROW,
    )
    row = int(row)
    if row in table.index:
        shown = table.loc[[row]]
    else:  # dropped for a missing value: said here, refused by the button
        shown = frame.iloc[[row]][data["features"]]
        st.warning(literal(_dropped_row_message(data, row)))
    if data.get("text"):
        edited, edits, problems, invalid = text_what_if_editor(
            data, shown, row, _reset_edits
        )
        state.put(WHAT_IF_PROBLEMS, list(problems.values()))
    else:
        edited, edits, invalid = _what_if_editor(data, shown, row)
    for line in out_of_range(data["table"], numeric_features(data), edits):
        st.warning(literal(line))
    return edited, row, edits, invalid


def out_of_range(
    table: pd.DataFrame, numeric: list[str], edits: dict[str, tuple[Any, Any]]
) -> list[str]:
    """A line for each what-if number outside its column's range in the table.

    The model never saw such a value: what it answers there (and so the
    explanation) says little about the table. Used with a warning, not refused.

    Parameters
    ----------
    table : DataFrame
        The features table (the rows the model was trained on).
    numeric : list of str
        Its numeric feature columns.
    edits : dict
        feature -> (table value, edited value).

    Returns
    -------
    list of str

    Examples
    --------
    >>> t = pd.DataFrame({"x": [1.0, 3.0]})
    >>> out_of_range(t, ["x"], {"x": (1.0, -1e308)})[0][:50]
    'The what-if value -1e+308 of x is outside the rang'
    >>> out_of_range(t, ["x"], {"x": (1.0, 2.5)})
    []
    """
    lines = []
    for feature, (_, new) in edits.items():
        if feature not in numeric or pd.isna(new):
            continue
        low, high = float(table[feature].min()), float(table[feature].max())
        if low <= float(new) <= high:
            continue
        lines.append(
            f"The what-if value {float(new):g} of {feature} is outside the range of "
            f"the column in the table ({low:g} to {high:g}): the model never saw "
            "such a value, so what it predicts there, and the explanation, say "
            "little. Type a value within the range for a realistic what-if."
        )
    return lines


def _edits_key(data: dict[str, Any], row: int) -> tuple[str, str, int]:
    """Where a row's what-if values are kept: table, missing-value choice, row."""
    return (str(data["name"]), str(data["missing"]), row)


def _what_if_editor(
    data: dict[str, Any], shown: pd.DataFrame, row: int
) -> tuple[pd.DataFrame, dict[str, tuple[float, float]], dict[str, str]]:
    """The row's editor, starting from the values typed for it earlier.

    Streamlit forgets an editor's edits once it is not drawn (another row is
    shown), so the values are kept under ``state.EXPLAIN_EDITS`` for each row.
    Returns the values, the edits and the text of each cell that is no number.
    """
    key = _edits_key(data, row)
    kept = state.get(state.EXPLAIN_EDITS) or {}
    resets = (state.get(state.EXPLAIN_EDITS_RESET) or {}).get(key, 0)
    start = shown.copy()
    for feature, value in kept.get(key, {}).items():
        if feature in start.columns:
            start[feature] = value
    st.caption(
        "Edit values below for a what-if explanation; the values typed for each "
        "row are kept while this session lasts."
    )
    widget = f"{state.EXPLAIN_W_EDIT}_{data['missing']}_{row}"
    # text cells, parsed here: a number column dropped the "e" of "1e308" (1308)
    # and the comma of "1,5" (15) as it was typed
    typed = st.data_editor(
        start.map(cell_text),
        column_config=header_config(list(start.columns)),
        key=widget + (f"_{resets}" if resets else ""),
        width="stretch",
    )
    edited, problems = parse_row(typed)
    for problem in problems.values():
        st.error(literal(problem))
    state.put(WHAT_IF_PROBLEMS, list(problems.values()))
    invalid = {c: str(typed[c].iloc[0]).strip() for c in problems}
    edits = _edits(shown.astype(float), edited)
    keep_row_edits(kept, key, edits, problems, _reset_edits)
    return edited, edits, invalid


def _reset_edits(key: tuple[str, str, int]) -> None:
    """Forget a row's what-if values; a new editor key drops the typed ones."""
    kept = state.get(state.EXPLAIN_EDITS) or {}
    state.put(state.EXPLAIN_EDITS, {k: v for k, v in kept.items() if k != key})
    resets = dict(state.get(state.EXPLAIN_EDITS_RESET) or {})
    resets[key] = resets.get(key, 0) + 1
    state.put(state.EXPLAIN_EDITS_RESET, resets)


def _same(old: float, new: float) -> bool:
    """Whether two cell values are the same (two empty cells are)."""
    return bool(old == new or (np.isnan(old) and np.isnan(new)))


def _edits(
    original: pd.DataFrame, edited: pd.DataFrame
) -> dict[str, tuple[float, float]]:
    """Features whose value differs from the table's: feature -> (old, new)."""
    old, new = original.to_numpy(float)[0], edited.to_numpy(float)[0]
    return {
        str(c): (float(a), float(b))
        for c, a, b in zip(original.columns, old, new, strict=True)
        if not _same(a, b)
    }


def _dropped_row_message(data: dict[str, Any], row: int) -> str:
    numeric = numeric_features(data)
    values = data["frame"].iloc[row][numeric].to_numpy(dtype=float)
    holes = [c for c, v in zip(numeric, values, strict=True) if not np.isfinite(v)]
    cells = data["frame"].iloc[row]
    holes += [c for c in data.get("text") or () if pd.isna(cells[c])]
    holes = [c for c in data["features"] if c in holes]  # in table order
    names = format_names(holes, limit=8, brackets=False)
    return (
        f"Row {row} has no value in {names}, and rows with "
        "a missing value are dropped ('Missing values'). Set 'Missing values' to "
        f"'{FILL_LABEL}', or pick another row."
    )


def _check_row(data: dict[str, Any], row_frame: pd.DataFrame, row: int) -> None:
    """Refuse a dropped row or a what-if row with an empty cell, in app words."""
    if row not in data["table"].index:
        raise DataError(_dropped_row_message(data, row))
    problems = state.get(WHAT_IF_PROBLEMS) or []
    if problems:
        raise DataError(problems[0])
    numeric = numeric_features(data)
    values = row_frame[numeric].to_numpy(dtype=float)[0]
    holes = [c for c, v in zip(numeric, values, strict=True) if not np.isfinite(v)]
    # an emptied text select is no category "nan": refused as an empty number
    text = [c for c in data.get("text") or () if c in row_frame.columns]
    holes += [c for c in text if pd.isna(row_frame[c].iloc[0])]
    if holes:
        names = format_names(holes, limit=8, brackets=False)
        empty_text = [c for c in holes if c in text]
        what = {
            0: "type a number",
            len(holes): "choose a value",
        }.get(len(empty_text), "type a number or choose a value")
        raise DataError(
            f"The what-if row has no value in {names}: "
            f"{what} in that cell of the table under 'Row to explain'."
        )


def _model_spec(model: dict[str, Any]) -> dict[str, Any]:
    """How the worker gets the model: an upload is re-read from its skops bytes."""
    if model["source"] == "skops":
        return {"skops": model["skops"]}
    return {"model": model["model"]}


def _explain_row(data, model, settings, row_frame, row, edits) -> bool:
    """Explain the row in the background worker: a big budget takes minutes.

    ``edits`` (feature -> (table value, value explained)) are kept with the
    result, which then says it explains a what-if row.
    """
    _check_row(data, row_frame, row)
    _check_removal(data, settings)
    kwargs = dict(
        model_spec=_model_spec(model),
        X=row_frame,
        background=data["table"],
        class_names=model["classes"],
        row_labels=[row],
        **settings,
    )
    job = get_registry().submit(
        "engine.values.explainer:explain_model_spec", kwargs, f"Row {row}"
    )
    state.put(state.EXPLAIN_ROW_JOB, job)
    state.put(state.EXPLAIN_ROW_JOB + "_error", None)
    state.put(state.EXPLAIN_ROW_JOB_MODEL, model["id"])
    state.put(state.EXPLAIN_ROW_JOB_INPUTS, {"row": row, "edits": dict(edits)})
    state.put(state.EXPLAIN_ERROR, None)
    return True


def _with_inputs(
    result: DistributionalValues, inputs: dict[str, Any] | None
) -> DistributionalValues:
    """The result with the row's what-if edits in its config and notes.

    ``config["what_if"]`` (bool) and ``config["edits"]`` (feature -> ``table``
    and ``explained`` values) travel with the JSON download; a what-if adds a
    note saying which values are not the table's.
    """
    if inputs is None:
        return result
    edits = inputs["edits"]
    config = {
        **result.config,
        "what_if": bool(edits),
        "edits": {f: {"table": a, "explained": b} for f, (a, b) in edits.items()},
    }
    notes = result.notes
    if edits:
        changed = "; ".join(
            f"{f} {show_value(a)} -> {show_value(b)}" for f, (a, b) in edits.items()
        )
        notes += (
            f"what-if: row {inputs['row']} of the table with values edited in the "
            f"app ({changed}); the other values are the table's",
        )
    return dataclasses.replace(result, config=config, notes=notes)


def _store_row(result: DistributionalValues) -> None:
    """Keep a finished row explanation with the model it was started for."""
    result = _with_inputs(result, state.get(state.EXPLAIN_ROW_JOB_INPUTS))
    state.put(state.EXPLAIN_RESULT, result)
    state.put(state.EXPLAIN_RESULT_MODEL, state.get(state.EXPLAIN_ROW_JOB_MODEL))
    best = result.features[int(np.argmax(result.p_change[0]))]
    state.put(state.EXPLAIN_PLAYER, best)


# --- results ------------------------------------------------------------------------


def _show_notes(result: DistributionalValues) -> None:
    """Say when the values average over a sample of the table's rows, and when
    their standard errors rest on too few samples.

    The library's notes name its ``max_background`` and ``n_samples`` options,
    which the page does not offer under those names; the page says the same in
    its own words.
    """
    caution = stderr_caption(result)
    if caution is not None:
        st.caption(caution)
    if not any("max_background" in note for note in result.notes):
        return
    n_used = int(result.config.get("n_background", 0))
    st.caption(
        f"Removed features take the values of a random {n_used} rows of the table "
        f"(seed {result.seed}), not of every row: time and memory grow with the "
        "number of background rows. The library's explain(..., max_background=N) "
        "uses more."
    )


def stderr_caption(result: DistributionalValues) -> str | None:
    """The page's words for the library's note on unreliable standard errors."""
    notes = [n for n in result.notes if n.startswith(STDERR_NOTE_START)]
    if not notes:
        return None
    pairs = "antithetic pairs" in notes[0]
    need = MIN_STDERR_SAMPLES * (2 if pairs else 1)
    unit = "orderings" if result.estimator == "permutation" else "coalitions"
    return (
        f"The standard errors (in the transitions CSV and the JSON download) rest "
        f"on fewer than {MIN_STDERR_SAMPLES} independent samples per row: they "
        f"are unreliable and may even be 0. Set the Budget to at least {need} "
        f"{unit} for error bars to rely on."
    )


def _made_edits(result: DistributionalValues) -> dict[str, tuple[float, float]]:
    """The what-if edits a row result was made with (none for a table row)."""
    edits = result.config.get("edits") or {}
    return {f: (e["table"], e["explained"]) for f, e in edits.items()}


def _inputs_text(
    row: int,
    edits: dict[str, tuple[float, float]],
    invalid: dict[str, str] | None = None,
) -> str:
    """A row and its edits in words (Markdown-safe); a cell in ``invalid``
    (feature -> text typed, no number) is shown as typed and said invalid."""
    invalid = invalid or {}
    if not edits:
        return f"row {row} as in the table"

    def written(cell: Any) -> str:
        return literal(cell) if isinstance(cell, str) else show_value(cell)

    def typed(feature: str, cell: Any) -> str:
        if feature in invalid:
            return f"'{literal(invalid[feature])}' (not a number)"
        return written(cell)

    shown = [
        f"{literal(f)} {written(a)} → {typed(f, b)}"
        for f, (a, b) in list(edits.items())[:MAX_EDITS_SHOWN]
    ]
    more = len(edits) - MAX_EDITS_SHOWN
    listed = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
    return f"row {row} with edited values ({listed})"


def _result_heading(
    result: DistributionalValues,
    now: tuple[int, dict[str, tuple[float, float]], dict[str, str]],
) -> None:
    """Which row the result explains, and a warning when the inputs are others."""
    row, edits = int(result.rows[0]), _made_edits(result)
    what = "what-if for row" if edits else "row"
    st.subheader(f"Result: {what} {row}")
    if edits:
        st.markdown(
            f"A what-if: {_inputs_text(row, edits)}; the other values are the table's."
        )
    now_row, now_edits, invalid = now
    same = (
        now_row == row
        and not invalid
        and {f: b for f, (_, b) in now_edits.items()}
        == {f: b for f, (_, b) in edits.items()}
    )
    if not same:
        st.warning(
            f"This result was made for {_inputs_text(row, edits)}, not for the "
            f"inputs above ({_inputs_text(now_row, now_edits, invalid)}). Press "
            "**Explain "
            "this row** to explain them, or set the row and values back."
        )


def _show_row_result(
    result: DistributionalValues,
    now: tuple[int, dict[str, tuple[float, float]], dict[str, str]],
) -> None:
    """The row result under a heading naming its row and edits.

    ``now`` is the row and edits on screen: (position, feature -> (old, new),
    feature -> text of a cell that is no number).
    """
    _result_heading(result, now)
    if result.stopped:
        st.warning(
            f"Stopped early: the values average {int(result.n_samples[0])} samples "
            "per feature, fewer than the budget, so they are less precise (the "
            "transitions CSV and the JSON download have their standard errors). "
            "Press 'Explain this row' again for the full budget."
        )
    _show_notes(result)
    show_explained_values(result)
    c = int(result.predicted[0])
    cols = st.columns(3)
    cols[0].metric("Predicted class", literal(result.classes[c]))
    cols[1].metric("Probability", f"{result.probabilities[0, c]:.3f}")
    top = int(np.argmax(result.p_change[0]))
    name = str(result.features[top])
    # st.metric cuts its value at the column's edge (a long name, even cut to 5 +
    # 5 characters, read "Konze…he 2)" at 800 px): the metric shows the number,
    # and the feature is named in full below it, as text that wraps
    errors = p_change_stderr(result)
    error = None if errors is None else errors[0]
    cols[2].metric(
        "Most likely to flip it",
        f"{result.p_change[0, top]:.3f}" + _plus_minus(error, top),
        help="P(change) of the feature named below; the chart ranks all features."
        + ("" if error is None else STDERR_HELP),
    )
    # ... as text that wraps, cut in the middle when long as in the page's other
    # widgets (a 200-character name wrapped over 12 lines at 800 px, 5 with 24
    # characters kept at each end; 3 now); the tooltip holds it in full
    short = short_labels(list(result.features))(name)
    cols[2].markdown(
        f"P(change) of {literal(short)}",
        help=None if short == name else f"Full name: {literal(name)}",
    )
    if error is not None:
        _unsettled_note(
            result, result.p_change[0], error, int(result.n_samples[0]), "this row"
        )
    st.caption(
        f"{result.estimator} {result.operator} values, row {int(result.rows[0])}, "
        f"removal {result.config['removal']}, "
        f"{int(result.n_samples[0]) or 'all'} samples, seed {result.seed}, "
        f"device {result.device}, {result.timings['total_s']:.2f} s, "
        f"{result.n_model_rows:,} model rows."
    )
    # the figures take a row by its label: the table row explained
    row = int(result.rows[0])
    bars = _other_in_grey(p_change_bars(result, row=row, keep=HALF_KEEP), result)
    if _made_edits(result):
        bars.update_layout(title=bars.layout.title.text[:-1] + ", what-if)")
    st.plotly_chart(bars, key="explain_bars")
    if state.get(state.EXPLAIN_PLAYER) not in result.features:
        state.put(state.EXPLAIN_PLAYER, result.features[top])
    player = st.selectbox(
        "Feature for the transition matrix",
        list(result.features),
        index=list(result.features).index(state.get(state.EXPLAIN_PLAYER)),
        key=state.EXPLAIN_W_PLAYER,
        format_func=short_labels(list(result.features)),
    )
    state.put(state.EXPLAIN_PLAYER, player)
    # a matrix of more than a few classes in half the page: cells of 20 px
    wide = len(result.classes) > HALF_PAGE_CLASSES
    left, right = (st.container(), st.container()) if wide else st.columns(2)
    heatmap = transition_heatmap(result, row, player, keep=HEATMAP_KEEP)
    left.plotly_chart(heatmap, key="explain_heatmap")
    mean = mean_vs_reference(result, row, keep=HALF_KEEP, order_by="p_change")
    right.plotly_chart(mean, key="explain_mean")
    st.caption(
        "Both bar charts list the features by P(change), the largest at the top; "
        "hover over a bar or a cell for the full names."
    )
    if len(result.columns) == 64:
        st.plotly_chart(pixel_map(result, row, shape=(8, 8)), key="explain_pixels")
    _contrast(result)
    _downloads(result, "row")


def _other_in_grey(fig: Any, result: DistributionalValues) -> Any:
    """The bars of the pooled classes ("other", from ``top_k``) in grey.

    The plots have ten class colours: with ten classes kept, "other" took the
    first class's colour.
    """
    if result.config.get("top_k") is None:
        return fig
    for trace in fig.data:
        if trace.name == "into other":
            trace.marker.color = OTHER_COLOR
    return fig


def _plus_minus(error: np.ndarray | None, j: int) -> str:
    """ " ± 0.016" for a sampled value with a known error, else nothing."""
    if error is None or not np.isfinite(error[j]):
        return ""
    return f" ± {error[j]:.3f}"


def _unsettled_note(
    result: DistributionalValues,
    p_change: np.ndarray,
    error: np.ndarray,
    n_samples: int,
    budget: str,
) -> None:
    """Say when the top two features are within two standard errors."""
    found = unsettled_top(p_change, error, n_samples, MAX_BUDGET)
    if found is None:
        return
    first, second, needed = found
    label = short_labels(list(result.features))

    def named(j: int) -> str:
        return f"{literal(label(result.features[j]))} ({p_change[j]:.3f}" + (
            f"{_plus_minus(error, j)})"
        )

    advice = (
        f"raise the budget for {budget} (to about {needed}) to tell them apart"
        if needed > n_samples
        else "they are too close to tell apart by sampling"
    )
    st.info(
        f"The ranking is not settled at this budget ({n_samples} samples per "
        f"feature): {named(first)} and {named(second)} differ by less than two "
        f"standard errors; {advice}."
    )


def _contrast(result: DistributionalValues) -> None:
    st.subheader("Which features turn class A into class B?")
    classes = list(result.classes)
    c = int(result.predicted[0])
    cols = st.columns(2)
    src = cols[0].selectbox(
        "Class without the feature (A)",
        classes,
        index=(c + 1) % len(classes),
        key=state.EXPLAIN_W_FROM,
        format_func=short_labels(classes),
    )
    dst = cols[1].selectbox(
        "Class with the feature (B)",
        classes,
        index=c,
        key=state.EXPLAIN_W_TO,
        format_func=short_labels(classes),
    )
    if src == dst:
        st.info("Pick two different classes.")
        return
    table = result.contrast(int(result.rows[0]), src, dst)
    best = table.iloc[0]
    # the classes shortened as in the select boxes and the caption (a long one was
    # written in full here only)
    a, b = short_labels(classes)(src), short_labels(classes)(dst)
    if best["probability"] <= 0:
        st.write(
            f"No feature turns **{literal(a)}** into **{literal(b)}** for this row."
        )
    else:
        label = short_labels(list(result.features))
        names = literal(", ".join(label(p) for p in table["player"].head(3)))
        st.write(
            f"Most likely to turn **{literal(a)}** into **{literal(b)}**: {names} "
            f"(top: {literal(label(best['player']))}, P = "
            f"{best['probability']:.3f})."
        )
    # the reverse move last: at 800 px it is the column scrolled out of view
    order = ["player", "probability", "conditional", "p_change", "reverse"]
    st.caption(
        f"A = {literal(a)}, B = {literal(b)}, sorted by P(A → B): the probability "
        "that adding the feature turns A into B. P(B | A): the same, given the "
        "class without the feature is A. P(change): it changes the class at all. "
        "P(B → A): the reverse move. The headers' help says more."
    )
    _player_table(table.head(15)[order], result, "explain_contrast", CONTRAST_HEADERS)


def _player_table(
    table: pd.DataFrame,
    result: DistributionalValues,
    key: str,
    headers: dict[str, tuple[str, str]] | None = None,
) -> None:
    """A table of one row per player (``contrast``, ``global_ranking``) that
    reads at 800 px: long player names cut in the middle (the downloads have
    them in full) in a pinned column wide enough for them, numbers of 3
    decimals in narrow columns (a long name made the player column the whole
    table's width). ``headers`` gives columns a header and a help text for a
    reader (the data keep the library's names)."""
    headers = headers or {}
    label = short_labels(list(result.features))
    shown = table.assign(player=[label(p) for p in table["player"]])
    help_player = "Long names are cut in the middle; the downloads hold them in full."
    config: dict[str, Any] = {
        "player": st.column_config.TextColumn(
            headers.get("player", ("player",))[0],
            width=HEADER_WIDTH,
            pinned=True,
            help=help_player,
        )
    }
    for column in table.columns[1:]:
        head, text = headers.get(column, (column, None))
        config[column] = st.column_config.NumberColumn(
            head, format="%.3f", width=NUMBER_WIDTH, help=text
        )
    st.dataframe(shown, hide_index=True, key=key, column_config=config)


def _downloads(result: DistributionalValues, tag: str) -> None:
    cols = st.columns(3)
    cols[0].download_button(
        "Download JSON",
        result.to_json(),
        file_name=f"distributional_values_{tag}.json",
        mime="application/json",
        key=f"explain_dl_json_{tag}",
    )
    cols[1].download_button(
        "Download summary CSV",
        _summary_frame(result).to_csv(index=False),
        file_name=f"distributional_values_{tag}_summary.csv",
        mime="text/csv",
        key=f"explain_dl_summary_{tag}",
    )
    cols[2].download_button(
        "Download transitions CSV",
        result.to_frame().to_csv(index=False),
        file_name=f"distributional_values_{tag}_transitions.csv",
        mime="text/csv",
        key=f"explain_dl_csv_{tag}",
    )


def _summary_frame(result: DistributionalValues) -> pd.DataFrame:
    """The result's summary, with the standard error of P(change) when sampled."""
    frame = result.summary_frame()
    errors = p_change_stderr(result)
    if errors is not None:
        frame.insert(3, "p_change_stderr", errors.ravel())
    return frame


def _global_section(data, model, settings) -> None:
    st.header("Global view over many rows")
    table = data["table"]
    if len(table) < 2:
        st.info("The global view needs at least two rows without missing values.")
        return
    # the value lives in session state (kept across pages and reloads), clamped
    # to this table before the slider is drawn
    top = min(500, len(table))
    current = st.session_state.get(state.EXPLAIN_W_GLOBAL_ROWS, min(50, top))
    st.session_state[state.EXPLAIN_W_GLOBAL_ROWS] = min(max(int(current), 2), top)
    n = st.slider(
        "Rows (evenly spaced over the table)",
        min_value=2,
        max_value=top,
        key=state.EXPLAIN_W_GLOBAL_ROWS,
    )
    settings = _global_settings(data, model, settings, int(n))
    pressed = st.button(
        "Explain these rows in the background",
        key=state.EXPLAIN_W_GLOBAL_RUN,
        disabled=state.get(state.EXPLAIN_JOB) is not None,  # one at a time
    )
    if pressed and _guard(lambda: _start_global(data, model, settings, int(n))):
        st.rerun()  # redraw with the button disabled while it runs
    render_job(state.EXPLAIN_JOB, _store_global)
    _show_job_error(state.EXPLAIN_JOB, state.get(state.EXPLAIN_JOB_MODEL), model["id"])
    result = state.get(state.EXPLAIN_GLOBAL)
    if result is None or state.get(state.EXPLAIN_GLOBAL_MODEL) != model["id"]:
        return
    if state.get(state.EXPLAIN_JOB) is not None:  # a new one runs
        st.caption("The previous global view, shown until the running one ends.")
    elif result.stopped:
        st.warning(_global_stopped_text(result))
    else:
        st.caption(_global_result_text(result))
    _show_notes(result)
    ranking = result.global_ranking()
    errors = global_p_change_stderr(result)
    if errors is not None:
        _unsettled_note(
            result,
            result.p_change.mean(axis=0),
            errors,
            int(result.n_samples.min()),
            "these rows",
        )
        by_player = dict(zip(result.features, errors, strict=True))
        ranking.insert(2, "p_change_stderr", ranking["player"].map(by_player))
    bars = _other_in_grey(p_change_bars(result, keep=HALF_KEEP), result)
    st.plotly_chart(bars, key="explain_global_bars")
    _player_table(ranking, result, "explain_ranking", RANKING_HEADERS)
    _downloads(result, "global")


def _global_settings(
    data: dict[str, Any], model: dict[str, Any], settings: dict[str, Any], n: int
) -> dict[str, Any]:
    """The row settings with the global view's own budget, and what a run costs.

    The global view explains many rows: the budget typed for one row (up to
    5000) made 18 rows take ten minutes. It has its own budget, says which
    estimator it uses, and how long a run will take before it is started.
    """
    if state.EXPLAIN_W_GLOBAL_SAMPLES not in st.session_state:
        st.session_state[state.EXPLAIN_W_GLOBAL_SAMPLES] = PAGE_SAMPLES
    samples = st.number_input(
        "Budget for these rows (orderings or coalitions per feature and row)",
        min_value=2,
        max_value=MAX_BUDGET,
        step=10,
        key=state.EXPLAIN_W_GLOBAL_SAMPLES,
        help="The global view's own budget, used when the values are sampled; "
        "'Explain this row' has its budget above. Time grows with rows x budget.",
    )
    chosen = dict(settings)
    if settings["estimator"] != "exact":
        chosen["n_samples"] = int(samples)
    plan = _global_plan(data, model, chosen, n)
    st.caption(_plan_text(chosen, plan))
    if plan["seconds"] is not None and plan["seconds"] > LONG_RUN_S:
        st.warning(
            f"This run would take about {_duration(plan['seconds'])}, and the "
            "background worker runs one explanation or fit at a time: everything "
            "else waits for it. Lower 'Rows' or the budget for a quicker look, or "
            "start it anyway (Cancel keeps the rows done)."
        )
    return chosen


def _global_plan(
    data: dict[str, Any], model: dict[str, Any], settings: dict[str, Any], n: int
) -> dict[str, Any]:
    """The estimator a global run uses, its samples, model rows and seconds.

    ``seconds`` is ``None`` when the model could not be timed.
    """
    table = data["table"]
    n_players = len(settings["players"] or data["features"])
    n_background = background_rows_used(len(table), settings["removal"])
    estimator = settings["estimator"]
    if estimator == "auto":
        operator = resolve_operator(settings["operator"])
        estimator = choose_estimator(operator, n_players, n_background)
    samples = int(settings["n_samples"] or 0)
    if estimator == "permutation":
        samples = max(2, samples + samples % 2)  # antithetic pairs, as explain
        if n_players == 1:
            estimator, samples = "exact", 0
    rows = planned_model_rows(
        estimator,
        n_rows=n,
        n_players=n_players,
        n_background=n_background,
        n_samples=samples,
    )
    rate = _seconds_per_model_row(data, model, settings, estimator)
    seconds = None if rate is None else rate * rows
    return {
        "estimator": estimator,
        "samples": samples,
        "rows": rows,
        "seconds": seconds,
    }


def _seconds_per_model_row(
    data: dict[str, Any], model: dict[str, Any], settings: dict[str, Any], chosen: str
) -> float | None:
    """The model's time per model row under ``settings``, timed once and kept."""
    key = (
        model["id"],
        settings["operator"],
        settings["removal"],
        chosen,
        settings["players"] is not None,
    )
    kept = state.get(state.EXPLAIN_COST) or {}
    if key not in kept:
        if removal_problem(data.get("text") or [], settings["removal"]):
            return None  # refused before any run
        table = data["table"]
        options = {k: settings[k] for k in ("operator", "removal", "players", "seed")}
        try:
            kept[key] = seconds_per_model_row(
                model["model"],
                table.iloc[[0]],
                table,
                estimator=chosen,
                class_names=model["classes"],
                **options,
            )
        except (EngineError, ValueError):  # the run itself will say why
            kept[key] = None
        state.put(state.EXPLAIN_COST, kept)
    return kept[key]


def _duration(seconds: float) -> str:
    """Seconds in words: "12 s", "3 min 20 s", "1 h 5 min"."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{max(seconds, 1)} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _plan_text(settings: dict[str, Any], plan: dict[str, Any]) -> str:
    """The global run in words: estimator, samples, model rows and time."""
    if plan["estimator"] == "exact":
        how = "exact (every coalition, no budget)"
    else:
        how = f"{plan['estimator']}, {plan['samples']} samples per feature and row"
    text = (
        f"Uses the Value operator ({settings['operator']}), 'Removed features "
        f"take' and Estimator chosen above: {how}; {plan['rows']:,} model "
        "evaluations"
    )
    if plan["seconds"] is None:
        return text + "."
    return text + f", about {_duration(plan['seconds'])} (timed on this model)."


def _global_result_text(result: DistributionalValues) -> str:
    """The caption of a finished global view, like the single row's."""
    samples = int(result.n_samples.max()) if len(result.n_samples) else 0
    return (
        f"{count(result.n_rows, 'row')} explained: {result.estimator} "
        f"{result.operator} values, {samples or 'all'} samples per feature and "
        f"row, removal {result.config['removal']}, seed {result.seed}, "
        f"{result.timings['total_s']:.1f} s."
    )


def _start_global(
    data: dict[str, Any], model: dict[str, Any], settings: dict[str, Any], n: int
) -> bool:
    """Explain ``n`` rows evenly spaced over the table in the background worker."""
    _check_removal(data, settings)
    table = data["table"]
    positions = np.linspace(0, len(table) - 1, n).round().astype(int)
    kwargs = dict(
        model_spec=_model_spec(model),
        X=table.iloc[positions],
        background=table,
        class_names=model["classes"],
        row_labels=table.index[positions].tolist(),
        **settings,
    )
    job = get_registry().submit(
        "engine.values.explainer:explain_model_spec", kwargs, f"{n} rows"
    )
    state.put(state.EXPLAIN_JOB, job)
    state.put(state.EXPLAIN_JOB_MODEL, model["id"])
    state.put(state.EXPLAIN_JOB_ROWS, len(positions))
    return True


def _global_stopped_text(result: DistributionalValues) -> str:
    """How much of a stopped global view was done: rows, and rows cut short."""
    asked = state.get(state.EXPLAIN_GLOBAL_ROWS)
    text = f"Stopped early: {result.n_rows}" + (f" of {asked}" if asked else "")
    text += " rows explained"
    budget = int(result.config.get("n_samples") or 0)
    short = int((result.n_samples < budget).sum()) if result.estimator != "exact" else 0
    if short:
        text += (
            f"; {short} of them average fewer samples than the budget (the last "
            "block was cut short)"
        )
    return text + ". Press **Explain these rows in the background** again for all."


def _store_global(result: DistributionalValues) -> None:
    """Keep a finished global view with the model it was started for."""
    state.put(state.EXPLAIN_GLOBAL, result)
    state.put(state.EXPLAIN_GLOBAL_ROWS, state.get(state.EXPLAIN_JOB_ROWS))
    state.put(state.EXPLAIN_GLOBAL_MODEL, state.get(state.EXPLAIN_JOB_MODEL))


def _running_elsewhere() -> None:
    """Keep explanations started for another table or model visible and
    cancellable: they hold the worker until they finish."""
    for key, on_done, what in (
        (state.EXPLAIN_ROW_JOB, _store_row, "Explaining the row"),
        (state.EXPLAIN_JOB, _store_global, "The global view"),
    ):
        if state.get(key) is not None:
            st.caption(f"{what} started for an earlier table or model is running:")
            render_job(key, on_done, what=what)


def render() -> None:
    """Draw the page."""
    st.title("Explain a classifier")
    st.caption(
        "Distributional Shapley values of the output (Franceschi et al., ICML 2024): "
        "for each feature, the probability that adding it changes the predicted "
        "class, and into which class (a K x K transition matrix, rows = class with "
        "the feature, columns = class without). The mean of each matrix is the "
        "SHAP value of the class probabilities."
    )
    drop_replaced_upload_model()
    dropped = state.get(state.EXPLAIN_DROPPED)
    if dropped:
        st.info(literal(dropped))
    data = _data_section()
    model = None if data is None else _model_section(data)
    if model is None:
        if data is not None:
            feature_captions(data, None)
        _running_elsewhere()
        return
    data = data_for_model(data, model)
    feature_captions(data, model)
    st.header("Explain one row")
    row_frame, row, edits, invalid = _row_section(data)
    settings = _settings(data, model)
    running = state.get(state.EXPLAIN_ROW_JOB) is not None
    dropped = row not in data["table"].index  # said above the editor
    if running:
        why = "A row is being explained: wait, or press Cancel."
    elif dropped:
        why = _dropped_row_message(data, row)
    else:
        why = "Runs in the background; Cancel keeps the orderings done so far."
    pressed = st.button(
        "Explain this row",
        type="primary",
        key=state.EXPLAIN_W_RUN,
        disabled=running or dropped,
        help=literal(why),
    )
    if pressed and _guard(
        lambda: _explain_row(data, model, settings, row_frame, row, edits)
    ):
        st.rerun()  # redraw with the button disabled while it runs
    render_job(state.EXPLAIN_ROW_JOB, _store_row, what="Explaining the row")
    _show_job_error(
        state.EXPLAIN_ROW_JOB, state.get(state.EXPLAIN_ROW_JOB_MODEL), model["id"]
    )
    # only a result of the model in use (another model's was cleared with it)
    result = state.get(state.EXPLAIN_RESULT)
    if result is not None and state.get(state.EXPLAIN_RESULT_MODEL) == model["id"]:
        _show_row_result(result, (row, edits, invalid))
    _global_section(data, model, settings)


if __name__ == "__main__":
    render()
