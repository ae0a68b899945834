"""Classifiers of tables with text columns: one-hot encoded inside the model.

:func:`text_features` picks the text columns of a table a classifier can use (few
distinct values: categories, not identifiers or free text), and
:func:`train_table_classifier` trains the models of :func:`train_classifier` on a
table with such columns: a scikit-learn ``Pipeline`` whose ``ColumnTransformer``
one-hot encodes them (``OneHotEncoder(handle_unknown="ignore")``, so a value the
model has not seen gets all zeros) and hands the numeric columns on as they are,
to the same estimator (with its ``StandardScaler`` for logistic regression and the
MLP). The model takes the table as it is, text included, and saves with
:func:`~engine.values.models.save_skops` and loads back with
:func:`~engine.values.models.load_skops`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from engine.data import filled_text_line, looks_like_identifier, most_common_text
from engine.errors import DataError, check_choice, format_names
from engine.runtime import ProgressCallback, resolve_seed
from engine.values.models import (
    MODEL_KINDS,
    TrainedModel,
    check_classes,
    class_labels,
    feature_columns,
    fit_held_out,
    prepare_features,
    train_classifier,
)

__all__ = [
    "MAX_CATEGORIES",
    "booleans_as_numbers",
    "classifier_features",
    "constant_features",
    "missing_text",
    "model_table",
    "table_features",
    "text_features",
    "train_table_classifier",
    "with_text_columns",
]

logger = logging.getLogger(__name__)

MAX_CATEGORIES = 50
"""Most distinct values a text column may hold to be a feature (one-hot encoded);
one with more looks like identifiers or free text and is left out."""


def text_features(
    frame: pd.DataFrame, left_out: dict[str, str], limit: int = MAX_CATEGORIES
) -> tuple[list[str], dict[str, str]]:
    """The text columns left out as features that can be one-hot encoded.

    Parameters
    ----------
    frame : DataFrame
        The table.
    left_out : dict of str to str
        Columns left out and why, from
        :func:`~engine.values.models.feature_columns`; only ``"text"`` ones are
        looked at.
    limit : int, default=MAX_CATEGORIES
        Most distinct values (missing not counted) a usable text column has.

    Returns
    -------
    usable : list of str
        Text columns with 1..``limit`` distinct values that do not look like row
        identifiers, in table order.
    still_left_out : dict of str to str
        The other columns of ``left_out`` and why; a text column with too many
        distinct values says how many.

    Examples
    --------
    >>> frame = pd.DataFrame({"sex": ["f", "m", "f"], "x": [1.0, 2.0, 3.0]})
    >>> text_features(frame, {"sex": "text"})
    (['sex'], {})
    """
    usable, rest = [], {}
    for column, reason in left_out.items():
        if reason != "text":
            rest[column] = reason
            continue
        n_values = int(frame[column].dropna().astype(str).nunique())
        if n_values > limit:
            rest[column] = f"text, over {limit} distinct values"
        elif looks_like_identifier(frame[column]):
            rest[column] = "row identifier"
        else:
            usable.append(column)
    return usable, rest


def booleans_as_numbers(
    frame: pd.DataFrame, target: str
) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with its boolean columns but ``target`` as 0/1 numbers.

    A column is boolean when its present values are all ``True``/``False``
    (Python or NumPy booleans, or the text "true"/"false" in any case, as a CSV
    file holds them); empty cells stay missing. The classifiers trained by the
    Explain page and the ``explain`` command take them as numeric features.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The table.
    target : str
        The label column, left as it is.

    Returns
    -------
    frame : DataFrame of shape (n_rows, n_columns)
        A copy when a column was converted, else ``frame``.
    converted : list of str
        The converted columns, in table order.

    Examples
    --------
    >>> frame = pd.DataFrame({"b": ["True", "false", None], "y": ["a", "b", "a"]})
    >>> out, names = booleans_as_numbers(frame, "y")
    >>> out["b"].tolist()[:2], names
    ([1.0, 0.0], ['b'])
    """
    converted = {}
    for column in frame.columns:
        values = frame[column]
        numeric = pd.api.types.is_numeric_dtype(values)
        if column == target or (numeric and not pd.api.types.is_bool_dtype(values)):
            continue
        present = values.dropna()
        words = present.astype(str).str.strip().str.lower()
        if len(present) and words.isin(("true", "false")).all():
            converted[column] = words.eq("true").astype(float).reindex(values.index)
    if not converted:
        return frame, []
    return frame.assign(**converted), list(converted)


def classifier_features(
    frame: pd.DataFrame, target: str, limit: int = MAX_CATEGORIES
) -> tuple[list[str], list[str], dict[str, str]]:
    """The feature columns of the classifiers trained on a table.

    Numeric columns (:func:`~engine.values.models.feature_columns`) and text
    columns that :func:`text_features` accepts, one-hot encoded by
    :func:`train_table_classifier`. Shared by the Explain page and the
    ``explain`` command, so that both train on the same features.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The table, label column included (booleans already numbers, see
        :func:`booleans_as_numbers`).
    target : str
        The label column (never a feature).
    limit : int, default=MAX_CATEGORIES
        Most distinct values of a text feature.

    Returns
    -------
    features : list of str
        Numeric and usable text columns, in table order.
    text : list of str
        The text ones among them.
    left_out : dict of str to str
        The other columns but ``target``, and why.

    Examples
    --------
    >>> frame = pd.DataFrame(
    ...     {"c": ["r", "b", "r"], "a": [1.0, 2.0, 4.0], "y": [0, 1, 1]}
    ... )
    >>> classifier_features(frame, "y")
    (['c', 'a'], ['c'], {})
    """
    numeric, left_out = feature_columns(frame, target)
    text, rest = text_features(frame, left_out, limit)
    chosen = set(numeric) | set(text)
    features = [str(c) for c in frame.columns if c in chosen]
    return features, text, rest


def missing_text(
    table: pd.DataFrame, text: Sequence[str], missing: str
) -> tuple[pd.DataFrame, list[str]]:
    """A missing-value choice applied to the empty cells of text features.

    :func:`table_features` takes a missing text value as a category of its own;
    the Explain page and the ``explain`` command do as their missing-value
    choice says: ``"drop"`` drops the rows with an empty text cell, ``"mean"``
    fills each with its column's most common value (the first in sorted order
    on a tie).

    Parameters
    ----------
    table : DataFrame of shape (n_rows, n_features)
        The feature columns (text ones as they are), indexed by row positions.
    text : sequence of str
        Its text columns.
    missing : {"drop", "mean"}
        The choice.

    Returns
    -------
    table : DataFrame of shape (n_kept, n_features)
        The rows kept, the cells filled.
    lines : list of str
        What was done, one line per change.

    Examples
    --------
    >>> table = pd.DataFrame({"c": ["a", None, "b", "a"]})
    >>> missing_text(table, ["c"], "drop")[0].index.tolist()
    [0, 2, 3]
    >>> filled, lines = missing_text(table, ["c"], "mean")
    >>> filled["c"].tolist()
    ['a', 'a', 'b', 'a']
    >>> lines
    ["filled 1 empty cell(s) of 'c' with its most common value, 'a'"]
    """
    text = [c for c in text if c in table.columns and table[c].isna().any()]
    if not text:
        return table, []
    if missing == "drop":
        empty = table[text].isna().any(axis=1)
        names = format_names(text, limit=8, brackets=False)
        line = f"dropped {int(empty.sum())} row(s) with an empty text value in {names}"
        return table.loc[~empty], [line]
    table, lines = table.copy(), []
    for column in text:
        top = most_common_text(table[column].dropna())
        if top is None:
            continue
        n_empty = int(table[column].isna().sum())
        table[column] = table[column].where(table[column].notna(), top)
        lines.append(filled_text_line(column, n_empty, top))
    return table, lines


def constant_features(table: pd.DataFrame) -> list[str]:
    """The feature columns that hold one value in every row.

    A classifier takes them as it takes every column; they never change the
    class of a table row (a null player: removed, such a feature takes its one
    value from every background row, the table's mean or median).

    Parameters
    ----------
    table : DataFrame of shape (n_rows, n_features)
        The prepared features.

    Returns
    -------
    list of str
        In table order.

    Examples
    --------
    >>> constant_features(pd.DataFrame({"a": [1.0, 2.0], "k": [5.0, 5.0]}))
    ['k']
    """
    return [str(c) for c in table.columns if table[c].nunique(dropna=False) <= 1]


def with_text_columns(
    table: pd.DataFrame, frame: pd.DataFrame, features: Sequence[str]
) -> pd.DataFrame:
    """The prepared numeric ``table`` with the text ``features`` of its rows.

    Parameters
    ----------
    table : DataFrame
        Numeric feature columns, indexed by row positions in ``frame``.
    frame : DataFrame
        The table they come from.
    features : sequence of str
        Every feature column, in order; those not in ``table`` are taken from
        ``frame`` as they are (a missing cell becomes ``NaN``).

    Returns
    -------
    DataFrame
        ``features`` in order, on ``table``'s rows.
    """
    columns = {}
    for column in features:
        if column in table.columns:
            columns[column] = table[column]
        else:
            values = frame[column].iloc[table.index].astype(object)
            values = values.where(values.notna(), np.nan)
            columns[column] = pd.Series(values.to_numpy(), index=table.index)
    return pd.DataFrame(columns, index=table.index)


def table_features(
    frame: pd.DataFrame, features: Sequence[str], missing: str, owner: str
) -> tuple[pd.DataFrame, Any]:
    """Feature columns of a table, numeric ones prepared, text ones as they are.

    Parameters
    ----------
    frame : DataFrame
        The table.
    features : sequence of str
        Feature columns, in order, numeric or text.
    missing : {"drop", "mean"}
        What :func:`~engine.values.models.prepare_features` does to rows with a
        missing numeric value; a missing text value is a value of its own.
    owner : str
        The caller, named in messages.

    Returns
    -------
    table : DataFrame
        Indexed by the positions of the kept rows in ``frame``.
    record : engine.data.MatrixRecord or None
        What was done to the numeric columns (``None`` when there is none).
    """
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(frame[c])]
    if numeric:
        table, record = prepare_features(frame, numeric, missing, owner)
    else:
        table, record = pd.DataFrame(index=pd.RangeIndex(len(frame))), None
    return with_text_columns(table, frame, features), record


def model_table(
    frame: pd.DataFrame,
    names: Sequence[str],
    target: str,
    missing: str,
    owner: str,
) -> tuple[pd.DataFrame, Any]:
    """The columns a model was fitted on, taken from a table in the model's order.

    A model fitted on a DataFrame records its columns (``feature_names_in_``);
    the table may hold more of them, or hold them in another order. Those
    columns are taken, in the model's order, through :func:`table_features`;
    the table's other columns are left out. Shared by the Explain page and the
    ``explain`` command.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The table, label column included.
    names : sequence of str
        The model's columns, in its order.
    target : str
        The label column, which must not be one of ``names``.
    missing : {"drop", "mean"}
        As in :func:`table_features`.
    owner : str
        The model as the messages name it (``"The model in m.skops"``); each
        message starts with it.

    Returns
    -------
    table : DataFrame of shape (n_kept, len(names))
        ``names`` in order, indexed by the positions of the kept rows in
        ``frame``.
    record : engine.data.MatrixRecord or None
        What was done to the numeric columns (``None`` when there is none).

    Raises
    ------
    DataError
        ``names`` holds the label column, or columns the table lacks (named).

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0], "y": [0, 1]})
    >>> model_table(frame, ["b", "a"], "y", "drop", "The model")[0].columns.tolist()
    ['b', 'a']
    """
    names = [str(c) for c in names]
    absent = [c for c in names if c not in frame.columns]
    if absent:
        raise DataError(
            f"{owner} takes the columns "
            f"{format_names(names, limit=8, brackets=False)}; the table lacks "
            f"{format_names(absent, limit=8, brackets=False)}. Use a table that "
            "has them (the one the model was trained on), or a model trained on "
            "this table's columns."
        )
    if target in names:
        raise DataError(
            f"{owner} takes the label column {target!r} as a feature: choose the "
            "label column it was trained for."
        )
    return table_features(frame, names, missing, owner)


def _encoder(text: list[str]) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return ColumnTransformer(
        [("text", onehot, text)],
        remainder="passthrough",
        sparse_threshold=0.0,
        verbose_feature_names_out=False,
    )


def train_table_classifier(
    frame: pd.DataFrame,
    target: str,
    kind: str = "logistic",
    *,
    text: Sequence[str] = (),
    missing: str = "drop",
    test_size: float = 0.25,
    seed: int = 0,
    progress: ProgressCallback | None = None,
) -> TrainedModel:
    """:func:`train_classifier` for a table whose ``text`` columns are features.

    Without ``text`` this is :func:`~engine.values.models.train_classifier`.
    Otherwise the model is ``Pipeline([("columns", ColumnTransformer),
    ("model", estimator)])``: the transformer one-hot encodes the ``text``
    columns (``handle_unknown="ignore"``; a missing value is a category of its
    own) and passes the numeric ones on, to the estimator ``kind`` would train
    on numbers (logistic regression and the MLP standardise every column they
    get). The model takes a DataFrame with the features as columns.

    Parameters
    ----------
    frame : DataFrame
        Features (numeric, and the ``text`` columns) and the label column.
    target : str
        Name of the label column.
    kind : {"logistic", "forest", "boosting", "mlp"}, default="logistic"
    text : sequence of str, default=()
        The text columns to one-hot encode.
    missing : {"drop", "mean"}, default="drop"
        For the numeric columns, as in ``train_classifier``.
    test_size : float, default=0.25
    seed : int, default=0
    progress : callable, optional
        As in ``train_classifier``; returning ``True`` (or :data:`engine.STOP`) stops
        training.

    Returns
    -------
    TrainedModel
        ``features`` in the order of ``frame``'s columns.

    Raises
    ------
    DataError
        Missing label column, a single class, or a ``text`` column not in
        ``frame``.
    """
    text = [str(c) for c in text]
    if not text:
        return train_classifier(
            frame,
            target,
            kind,
            missing=missing,
            test_size=test_size,
            seed=seed,
            progress=progress,
        )
    owner = "train_classifier"
    check_choice(owner, "kind", kind, MODEL_KINDS)
    seed = resolve_seed(seed, owner)
    absent = [c for c in [target, *text] if c not in frame.columns]
    if absent:
        raise DataError(
            f"{owner}: column(s) {format_names(absent)} are not in the table; "
            f"columns are {format_names(frame.columns)}."
        )
    y, present = class_labels(frame[target])
    if not present.any():
        raise DataError(f"{owner}: label column {target!r} has no label.")
    notes = []
    if not present.all():
        notes.append(
            f"left out {int((~present).sum())} row(s) with an empty label in {target!r}"
        )
    labelled = frame.iloc[np.flatnonzero(present)].reset_index(drop=True)
    features = [str(c) for c in labelled.columns if c != target]
    table, record = table_features(labelled, features, missing, owner)
    if record is not None:
        notes += record.summary()
    y = y[present][table.index.to_numpy()]
    _, counts = check_classes(y, frame[target], target, owner)
    result = fit_held_out(
        table,
        y,
        counts,
        kind=kind,
        features=features,
        seed=seed,
        test_size=test_size,
        progress=progress,
        notes=notes,
        owner=owner,
        encoder=_encoder(text),
    )
    for note in notes:
        logger.info("%s: %s", owner, note)
    return result
