"""Text (categorical) feature columns on the Explain page.

The page's in-app models one-hot encode text columns with at most
:data:`~engine.values.table_models.MAX_CATEGORIES` distinct values (see
:func:`engine.values.table_models.train_table_classifier`); an uploaded skops
model fitted on a DataFrame gets the columns it was fitted on
(``feature_names_in_``), text ones as they are. Explanations of such tables show
the text values (``DistributionalValues.data_frame()``), and the what-if editor
offers a text feature's values seen in the table (a select column): the page
never sends a value the model was not shown, even to a model that would take an
unknown category (``OneHotEncoder(handle_unknown="ignore")`` gives it all zeros,
which explains nothing about the feature).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.components.names import header_config
from app.components.numbers import cell_text, parse_number
from app.components.text import literal
from engine.errors import DataError, format_names
from engine.values import DistributionalValues, describe_left_out
from engine.values.table_models import (
    MAX_CATEGORIES,
    constant_features,
    missing_text,
    model_table,
)

__all__ = [
    "FILL_LABEL",
    "MAX_CATEGORIES",
    "MISSING_TEXT",
    "TRAIN_TARGET",
    "data_for_model",
    "data_for_upload",
    "feature_captions",
    "numeric_features",
    "show_explained_values",
    "show_value",
    "text_what_if_editor",
]

TRAIN_TARGET = "engine.values.table_models:train_table_classifier"
"""The worker function that trains the page's models (text columns included)."""


def feature_captions(data: dict[str, Any], model: dict[str, Any] | None) -> None:
    """Say which columns are features and which are left out, and why.

    Written into ``data["captions"]`` (a container of the data section) once the
    model is known: an uploaded model's columns are the features explained, one
    the page would leave out (e.g. a text column of many values) included.

    Parameters
    ----------
    data : dict
        The page's data (``features``, ``text``, ``page_features``,
        ``left_out``, ``captions``, ``text_lines``: what 'Missing values' did to
        empty text cells, and ``table``, whose constant columns are named), with
        the model's columns once it is loaded.
    model : dict or None
        The model in use (``source``), or ``None``.
    """
    features, text = list(data["features"]), list(data.get("text") or ())
    left_out = {c: r for c, r in data["left_out"].items() if c not in features}
    for column in data["page_features"]:
        if column not in features:
            left_out[column] = "not a column of the model"
    with data["captions"]:
        if text:
            names = literal(format_names(text, limit=8, brackets=False))
            if model is not None and model["source"] == "skops":
                st.caption(
                    f"Text feature(s) {names} go to the uploaded model as they "
                    "are (its own encoder reads them). With text features, removed "
                    "features take the values of background rows."
                )
            else:
                st.caption(
                    f"Text feature(s) {names} are one-hot encoded by the models "
                    "trained here (a text column with more than "
                    f"{MAX_CATEGORIES} distinct values is left out: it looks like "
                    "identifiers or free text). With text features, removed "
                    "features take the values of background rows."
                )
        if left_out:
            st.caption(
                f"Columns left out as features: {literal(describe_left_out(left_out))}."
            )
        _constant_caption(data.get("table"))
        for line in data.get("text_lines") or ():
            st.caption(literal(line[0].upper() + line[1:] + "."))


def _constant_caption(table: pd.DataFrame | None) -> None:
    """Say which features are constant: kept (as by the ``explain`` command),
    they never change the class of a table row."""
    constant = [] if table is None else constant_features(table)
    if not constant:
        return
    names = literal(format_names(constant, limit=8, brackets=False))
    st.caption(
        f"Constant column(s) {names} are features all the same (a model takes "
        "every column) but never change the class of a table row: removed, they "
        "take their one value from the table (unless 'Removed features take' is "
        "zeros)."
    )


def numeric_features(data: dict[str, Any]) -> list[str]:
    """The numeric ones of the page's feature columns."""
    text = set(data.get("text") or ())
    return [c for c in data["features"] if c not in text]


def _with_features(data: dict[str, Any], names: list[str], owner: str) -> dict:
    """``data`` with ``names`` as its feature columns, text ones as they are."""
    frame = data["frame"]
    table, _ = model_table(frame, names, data["target"], data["missing"], owner)
    text = [c for c in names if not pd.api.types.is_numeric_dtype(frame[c])]
    table, lines = missing_text(table, text, data["missing"])
    if table.empty:
        raise DataError(
            f"{owner} takes the columns {format_names(names)}; every row has an "
            "empty value in one of them, so dropping incomplete rows leaves none. "
            f"Set 'Missing values' to '{FILL_LABEL}'."
        )
    return {
        **data,
        "features": list(names),
        "text": text,
        "table": table,
        "text_lines": lines,
    }


def data_for_upload(data: dict[str, Any], model: Any, owner: str) -> dict[str, Any]:
    """The page's data as an uploaded model takes it.

    A model fitted on a DataFrame (``feature_names_in_``) gets the columns it
    was fitted on, in its order, text ones as they are; a model fitted on an
    array gets the page's numeric features.

    Raises
    ------
    DataError
        The model takes the label column, or columns the table lacks (named).
    """
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        if not data.get("text"):
            return data
        return _with_features(data, numeric_features(data), owner)
    names = [str(c) for c in names]
    if names == list(data["features"]):
        return data
    return _with_features(data, names, owner)


def data_for_model(data: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """The page's data with the feature columns of the model in use."""
    if list(model["features"]) == list(data["features"]):
        return data
    return _with_features(data, list(model["features"]), "The model")


FILL_LABEL = "fill (column mean; most common text value)"
"""The 'Missing values' choice that fills empty cells: numbers get the column's
mean, text cells its most common value (the label named only the mean)."""

MISSING_TEXT = "(missing)"
"""How an empty cell reads in a line about edits and in the explained values."""


def show_value(value: Any) -> str:
    """A cell value in a line about edits: numbers short, text as it is, an
    empty cell as :data:`MISSING_TEXT`.

    Examples
    --------
    >>> show_value(1.50), show_value("red"), show_value(None), show_value(np.nan)
    ('1.5', 'red', '(missing)', '(missing)')
    """
    if value is None or (isinstance(value, float | np.floating) and np.isnan(value)):
        return MISSING_TEXT
    if isinstance(value, float | int | np.number):
        return f"{value:g}"
    return str(value)


def _same(old: Any, new: Any) -> bool:
    """Whether two cells hold the same value (two empty cells do)."""
    if pd.isna(old) and pd.isna(new):
        return True
    if pd.isna(old) or pd.isna(new):
        return False
    try:
        return float(old) == float(new)
    except (TypeError, ValueError):
        return str(old) == str(new)


def text_what_if_editor(
    data: dict[str, Any],
    shown: pd.DataFrame,
    row: int,
    on_reset: Callable[[tuple[str, str, int]], None],
) -> tuple[pd.DataFrame, dict[str, tuple[Any, Any]], dict[str, str], dict[str, str]]:
    """The what-if editor of a row with text features.

    A text feature is a select column of the values the table's rows hold in
    it; numeric ones are text cells read by :func:`app.components.numbers.
    parse_number` (never silently changed). Edits are kept per row under
    ``state.EXPLAIN_EDITS``, as the page's numeric editor does.

    Parameters
    ----------
    data : dict
        The page's data (``name``, ``missing``, ``table``, ``text``).
    shown : DataFrame of one row
        The row's feature values.
    row : int
        Its position in the table.
    on_reset : callable
        Forgets a row's edits (the page's reset button callback).

    Returns
    -------
    edited : DataFrame of one row
        The values to explain (numbers as floats, text as it is).
    edits : dict of str to (value, value)
        Feature -> (table value, edited value), for the changed ones.
    problems : dict of str to str
        Column -> message for each numeric cell that is no number (shown here;
        the cell is then missing and the row is not explained).
    invalid : dict of str to str
        Column -> the text typed in each of those cells.
    """
    text = [c for c in data.get("text") or () if c in shown.columns]
    key = (str(data["name"]), str(data["missing"]), row)
    kept = state.get(state.EXPLAIN_EDITS) or {}
    resets = (state.get(state.EXPLAIN_EDITS_RESET) or {}).get(key, 0)
    start = shown.copy()
    for feature, value in kept.get(key, {}).items():
        if feature in start.columns:
            start[feature] = [np.nan if value is None else value]
    st.caption(
        "Edit values below for a what-if explanation (a text feature offers the "
        "values seen in the table); the values chosen for each row are kept while "
        "this session lasts."
    )
    config = header_config(list(start.columns))
    for column in text:
        seen = data["table"][column].dropna().astype(str).unique().tolist()
        base = config.get(column)
        config[column] = st.column_config.SelectboxColumn(
            label=None if base is None else base["label"],
            help=None if base is None else base.get("help"),
            options=sorted(seen),
            required=False,
        )
    widget = f"{state.EXPLAIN_W_EDIT}_{data['missing']}_{row}"
    numeric = [c for c in start.columns if c not in text]
    typed = start.astype(object)
    for column in numeric:
        typed[column] = start[column].map(cell_text)
    edited = st.data_editor(
        typed,
        column_config=config,
        key=widget + (f"_{resets}" if resets else ""),
        width="stretch",
    ).copy()
    problems: dict[str, str] = {}
    invalid: dict[str, str] = {}
    for column in numeric:
        cell = edited[column].iloc[0]
        try:
            value = parse_number(cell, str(column))
        except DataError as err:
            value, problems[str(column)] = np.nan, str(err)
            invalid[str(column)] = str(cell).strip()
        edited[column] = [value]
        edited[column] = edited[column].astype(float)
    for problem in problems.values():
        st.error(literal(problem))
    edits = {
        str(c): (shown[c].iloc[0], edited[c].iloc[0])
        for c in shown.columns
        if not _same(shown[c].iloc[0], edited[c].iloc[0])
    }
    edits = {
        f: (_plain(a), _plain(b)) for f, (a, b) in edits.items()
    }  # JSON-ready values
    keep_row_edits(kept, key, edits, problems, on_reset)
    return edited, edits, problems, invalid


def keep_row_edits(
    kept: dict[Any, dict[str, Any]],
    key: tuple[str, str, int],
    edits: dict[str, tuple[Any, Any]],
    problems: dict[str, str],
    on_reset: Callable[[tuple[str, str, int]], None],
) -> None:
    """Keep a row's what-if values under ``state.EXPLAIN_EDITS``, with a reset.

    Parameters
    ----------
    kept : dict
        The kept values of every row (``key`` -> feature -> value).
    key : tuple of (str, str, int)
        The row's key: table, missing-value choice, row.
    edits : dict of str to (value, value)
        Feature -> (table value, edited value) of the row's changed cells.
    problems : dict of str to str
        Cells that are no number: not kept, so the table's value comes back.
    on_reset : callable
        The reset button's callback, given ``key``.
    """
    kept = {k: v for k, v in kept.items() if k != key}
    if edits:
        kept[key] = {f: new for f, (_, new) in edits.items() if f not in problems}
        st.button(
            "Reset to the table's values",
            key=state.EXPLAIN_W_EDIT + "_reset",
            on_click=on_reset,
            args=(key,),
        )
    state.put(state.EXPLAIN_EDITS, kept)


def _plain(value: Any) -> Any:
    """A cell value as a plain float or str (``None`` for an empty cell)."""
    if pd.isna(value):
        return None
    if isinstance(value, float | int | np.number):
        return float(value)
    return str(value)


def show_explained_values(result: DistributionalValues) -> None:
    """The explained row's values, text ones as text, for a table with text."""
    if not result.categories:
        return
    frame = result.data_frame()
    # a missing text value is the category "nan" (its text): said in words
    for column in result.categories:
        frame[column] = frame[column].replace("nan", MISSING_TEXT)
    with st.container(key="explain_values"):
        st.caption("Values explained (text features as text):")
        st.dataframe(frame, column_config=header_config(list(frame.columns)))
