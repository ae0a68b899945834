"""Tables with text or categorical columns: integer codes for the game.

A model fitted on a pandas DataFrame with text, categorical or other non-numeric
columns (a scikit-learn ``Pipeline`` with a ``ColumnTransformer`` and a
``OneHotEncoder``) takes the raw table. :func:`encode_table` replaces every such
column by integer codes over the union of the values seen in ``X`` and the
background; the coalition game works on these codes, which is exact because
removing a feature only swaps in whole values of background rows (no value is ever
averaged). :class:`TableModel` decodes a batch of coded rows back into a
DataFrame with the original column names, order and dtypes before calling the
model.

Missing values (``None``, ``NaN``, ``pd.NA``) in a non-numeric column are one
value of their own: they get a code, are swapped in like any other value and are
handed back to the model as the missing value found first in the column.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import format_names
from engine.validation import _real_column

__all__ = ["TableEncoding", "TableModel", "encode_table", "text_columns"]

logger = logging.getLogger(__name__)


def text_columns(X: Any, background: Any = None) -> list[str]:
    """Names of the columns of a DataFrame that do not hold real numbers.

    Parameters
    ----------
    X : object
        Anything; only a DataFrame can have such columns.
    background : object, optional
        A DataFrame of reference rows: a column of ``X`` that holds text there
        counts too (``X`` may hold only missing values in it).

    Returns
    -------
    list of str
        The non-numeric columns of ``X`` (text, categorical, mixed objects), as
        text, in order; empty unless ``X`` is a DataFrame.
    """
    if not isinstance(X, pd.DataFrame):
        return []
    other = {}
    if isinstance(background, pd.DataFrame):
        other = {str(c): col for c, col in background.items()}
    return [
        str(c)
        for c, col in X.items()
        if not _real_column(col)
        or (str(c) in other and not _real_column(other[str(c)]))
    ]


@dataclasses.dataclass(frozen=True)
class TableEncoding:
    """How a table's columns map to the float matrix of the game and back.

    Attributes
    ----------
    labels : tuple
        The original column labels, in order (``D`` of them), as the model saw
        them when it was fitted.
    dtypes : tuple
        The original dtype of every column.
    categories : dict of int to ndarray of object
        For every coded column (by position) its values by code.
    """

    labels: tuple[Any, ...]
    dtypes: tuple[Any, ...]
    categories: dict[int, np.ndarray]

    @property
    def coded_columns(self) -> list[str]:
        """Names (as text) of the coded columns, in order."""
        return [str(self.labels[j]) for j in sorted(self.categories)]

    def display_categories(self) -> dict[str, tuple[str, ...]]:
        """Every coded column's values by code, as text (for results and plots)."""
        return {
            str(self.labels[j]): tuple(str(v) for v in values)
            for j, values in sorted(self.categories.items())
        }

    def decode(self, A: np.ndarray) -> pd.DataFrame:
        """The table a model takes, from coded rows.

        Parameters
        ----------
        A : ndarray of shape (n, D), float
            Rows with codes in the coded columns.

        Returns
        -------
        DataFrame of shape (n, D)
            The original column labels, order and dtypes.
        """
        columns = {}
        for j, dtype in enumerate(self.dtypes):
            if j in self.categories:
                codes = np.rint(A[:, j]).astype(np.int64)
                values = pd.Series(self.categories[j][codes], dtype=object)
                keep = pd.api.types.is_object_dtype(dtype)
                columns[j] = values if keep else values.astype(dtype)
            else:
                columns[j] = pd.Series(A[:, j]).astype(dtype)
        frame = pd.DataFrame(columns)
        frame.columns = pd.Index(self.labels, dtype=object)
        return frame


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a column and its values by code (missing is a value)."""
    try:
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=False)
    except TypeError:  # values of kinds that do not compare (text and numbers)
        codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=False)
    return codes.astype(np.float64), np.asarray(uniques, dtype=object)


def encode_table(
    X: pd.DataFrame, background: pd.DataFrame | None, owner: str = "explain"
) -> tuple[pd.DataFrame, pd.DataFrame | None, TableEncoding]:
    """Code the non-numeric columns of ``X`` and of its background.

    Parameters
    ----------
    X : DataFrame of shape (n, D)
        Rows to explain, with at least one non-numeric column (in ``X`` or the
        background, see :func:`text_columns`).
    background : DataFrame of shape (b, D) or None
        Reference rows with X's columns in X's order (already selected).
    owner : str, default="explain"
        The caller, named in messages.

    Returns
    -------
    X_coded : DataFrame of shape (n, D), float64
        Numeric columns as they were, coded columns as integer codes.
    background_coded : DataFrame of shape (b, D), float64, or None
    encoding : TableEncoding
    """
    coded = set(text_columns(X, background))
    both = X if background is None else pd.concat([X, background], ignore_index=True)
    coded_bg = None if background is None else {}
    coded_x, categories = {}, {}
    n = len(X)
    for j, label in enumerate(X.columns):
        if str(label) not in coded:
            coded_x[j] = X.iloc[:, j].to_numpy(dtype=np.float64)
            if coded_bg is not None:
                coded_bg[j] = background.iloc[:, j].to_numpy(dtype=np.float64)
            continue
        codes, categories[j] = _codes(both.iloc[:, j])
        coded_x[j] = codes[:n]
        if coded_bg is not None:
            coded_bg[j] = codes[n:]
    names = [str(c) for c in X.columns]
    encoding = TableEncoding(
        labels=tuple(X.columns), dtypes=tuple(X.dtypes), categories=categories
    )
    logger.info(
        "%s: column(s) %s coded as integers over %s value(s); the model gets them "
        "back as they were",
        owner,
        format_names(encoding.coded_columns),
        [len(v) for v in categories.values()],
    )
    frame_x = pd.DataFrame(coded_x)
    frame_x.columns = names
    frame_bg = None
    if coded_bg is not None:
        frame_bg = pd.DataFrame(coded_bg)
        frame_bg.columns = names
    return frame_x, frame_bg, encoding


class TableModel:
    """A model of a raw table seen as a model of coded rows.

    Parameters
    ----------
    model : object
        An estimator with ``predict_proba`` taking a DataFrame, or a callable
        taking a DataFrame and returning probabilities (n, K).
    encoding : TableEncoding
        How coded rows decode into the model's table.
    """

    def __init__(self, model: Any, encoding: TableEncoding) -> None:
        self.model = model
        self.encoding = encoding
        if hasattr(model, "classes_"):
            self.classes_ = model.classes_

    def predict_proba(self, A: np.ndarray) -> np.ndarray:
        """Probabilities (n, K) of coded rows ``A`` (n, D)."""
        frame = self.encoding.decode(np.asarray(A, dtype=np.float64))
        if hasattr(self.model, "predict_proba"):
            return self.model.predict_proba(frame)
        return self.model(frame)
