"""Checks at the boundary of every learner: arrays in, float matrices out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import DataError, format_names

__all__ = ["as_matrix"]


def as_matrix(
    X: Any,
    owner: str,
    *,
    names: Sequence[str] | None = None,
    min_rows: int = 2,
    min_cols: int = 1,
    allow_nan: bool = False,
    name: str = "X",
) -> tuple[np.ndarray, list[str]]:
    """Validate ``X`` and return a float64 copy with its column names.

    Parameters
    ----------
    X : ndarray, torch.Tensor or pandas.DataFrame of shape (n_samples, n_features)
        The data. DataFrame columns must all be numeric.
    owner : str
        The calling function, named in error messages.
    names : sequence of str, optional
        Column names; default the DataFrame's columns, else ``x0, x1, ...``.
    min_rows, min_cols : int
        Smallest accepted shape.
    allow_nan : bool, default=False
        Whether missing values are accepted.
    name : str, default="X"
        The caller's name for the argument (e.g. ``"background"``), named in error
        messages.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
        A copy; the caller's object is never changed.
    names : list of str
        One unique name per column.

    Raises
    ------
    DataError
        Wrong dimensionality, duplicated or non-numeric columns, non-finite
        values, too few rows or columns, duplicate or mismatched names.
    """
    if isinstance(X, pd.DataFrame):
        labels = [str(c) for c in X.columns]
        if len(set(labels)) != len(labels):
            dup = sorted({s for s in labels if labels.count(s) > 1})
            raise DataError(
                f"{owner}: {name!r} has duplicated column names "
                f"{format_names(dup, 5)}; every column needs its own name; rename the "
                "repeats (or drop them) and try again."
            )
        bad = [
            lab
            for lab, dtype in zip(labels, X.dtypes, strict=True)
            if not pd.api.types.is_numeric_dtype(dtype)
        ]
        if bad:
            raise DataError(
                f"{owner}: column(s) {format_names(bad, 5)} of {name!r} are not "
                "numeric; drop them or encode them first (engine.data.to_matrix can "
                "one-hot encode)."
            )
        names = labels if names is None else names
        X = X.to_numpy(dtype=np.float64)
    elif hasattr(X, "detach") and hasattr(X, "cpu"):
        X = X.detach().cpu().numpy()
    try:
        arr = np.array(X, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as err:
        raise DataError(
            f"{owner}: {name!r} must be a numeric 2-D array; {err}."
        ) from err
    if arr.ndim != 2:
        raise DataError(
            f"{owner}: {name!r} must be 2-D (n_samples, n_features); got shape "
            f"{arr.shape}."
        )
    n, d = arr.shape
    if n < min_rows or d < min_cols:
        raise DataError(
            f"{owner}: {name!r} needs at least {min_rows} rows and {min_cols} "
            f"columns; got shape {arr.shape}."
        )
    finite = np.isfinite(arr) | (np.isnan(arr) if allow_nan else False)
    if not finite.all():
        row, col = map(int, np.argwhere(~finite)[0])
        raise DataError(
            f"{owner}: {name!r} has {int((~finite).sum())} missing or infinite "
            f"value(s), the first at row {row}, column {col}; impute or drop them "
            "first."
        )
    names = [f"x{j}" for j in range(d)] if names is None else [str(s) for s in names]
    if len(names) != d:
        raise DataError(f"{owner}: got {len(names)} names for {d} columns.")
    if len(set(names)) != d:
        dup = sorted({s for s in names if names.count(s) > 1})
        raise DataError(f"{owner}: column names must be unique; repeated: {dup}.")
    return arr, names
