"""Checks at the boundary of every learner: arrays in, float matrices out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from engine.data import _US_GROUPED  # "12,500.5": commas group thousands
from engine.errors import DataError, format_names

__all__ = [
    "LABEL_MANY_CLASSES",
    "as_matrix",
    "class_label_warning",
    "continuous_label",
    "guess_label_column",
    "identifier_label",
    "label_refusal",
    "label_text",
    "unpadded_match",
]

# class_label_warning: more distinct labels than this may be a problem ...
LABEL_MANY_CLASSES = 10
# ... when they are decimal numbers, or at least this share of the labelled rows.
LABEL_CLASS_SHARE = 0.2
# identifier_label: more distinct labels than this share of the labelled rows
# (fewer than two rows per class), and more than LABEL_MANY_CLASSES of them, is
# nearly one class per row: refused unless the user insists.
LABEL_ROW_SHARE = 0.5
# guess_label_column: names that say "this is the label" (compared lower-case).
LABEL_NAMES = (
    "target",
    "label",
    "class",
    "y",
    "outcome",
    "diagnosis",
    "species",
    "klasse",
)


LEVEL_SEPARATOR = "."


def label_text(label: object) -> str:
    """A column or row label as a name: the levels of a MultiIndex label joined.

    A pandas MultiIndex label is a tuple; its levels are joined with
    :data:`LEVEL_SEPARATOR` (``("g1", "a")`` becomes ``"g1.a"``) instead of
    showing the tuple's text. Any other label is ``str(label)``.

    Examples
    --------
    >>> label_text(("g1", "a")), label_text(3)
    ('g1.a', '3')
    """
    if isinstance(label, tuple):
        return LEVEL_SEPARATOR.join(str(part) for part in label)
    return str(label)


def as_matrix(
    X: Any,
    owner: str,
    *,
    names: Sequence[str] | None = None,
    min_rows: int = 2,
    min_cols: int = 1,
    allow_nan: bool = False,
    name: str = "X",
    names_arg: str = "names",
) -> tuple[np.ndarray, list[str]]:
    """Validate ``X`` and return a float64 copy with its column names.

    Parameters
    ----------
    X : ndarray, torch.Tensor or pandas.DataFrame of shape (n_samples, n_features)
        The data. DataFrame columns must all be numeric; MultiIndex column
        labels become names with their levels joined by ``"."`` (see
        :func:`label_text`).
    owner : str
        The calling function, named in error messages.
    names : sequence of str, optional
        Column names; default the DataFrame's columns, else ``x0, x1, ...``. For
        a DataFrame they are its column labels (as :func:`label_text` writes
        them), in the order wanted: the columns are taken by label, so the same
        labels in another order reorder them; names that are not its labels
        (a relabelling) are refused.
    min_rows, min_cols : int
        Smallest accepted shape.
    allow_nan : bool, default=False
        Whether missing values are accepted.
    name : str, default="X"
        The caller's name for the argument (e.g. ``"background"``), named in error
        messages.
    names_arg : str, default="names"
        The caller's name for ``names`` (e.g. ``"node_names"``), likewise.

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
        labels = [label_text(c) for c in X.columns]
        if len(set(labels)) != len(labels):
            dup = sorted({s for s in labels if labels.count(s) > 1})
            raise DataError(
                f"{owner}: {name!r} has duplicated column names "
                f"{format_names(dup, 5)}; every column needs its own name; rename the "
                "repeats (or drop them) and try again."
            )
        _refuse_non_numeric(X, labels, owner, name)
        if names is not None:
            X = _columns_by_label(X, labels, names, f"{owner}: {names_arg!r}", name)
        names = labels if names is None else names
        try:
            X = X.to_numpy(dtype=np.float64)
        except OverflowError as err:  # a Python int beyond float64 in an object column
            raise DataError(
                f"{owner}: {name!r} holds a number too large for a float ({err}); "
                "rescale or drop it first."
            ) from err
    elif hasattr(X, "detach") and hasattr(X, "cpu"):
        X = X.detach().cpu().numpy()
    if isinstance(X, np.ndarray) and not _real_values(X):
        raise DataError(
            f"{owner}: {name!r} must hold real numbers; got an array of dtype "
            f"{np.asarray(X).dtype} (text, complex or dates). Convert it first, "
            "e.g. X.astype(float) for numbers stored as text."
        )
    try:
        arr = np.array(X, dtype=np.float64, copy=True)
    except (TypeError, ValueError, OverflowError) as err:
        raise DataError(
            f"{owner}: {name!r} must be a numeric 2-D array; {str(err).rstrip('.')}."
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
    names = [f"x{j}" for j in range(d)] if names is None else [str(s) for s in names]
    finite = np.isfinite(arr) | (np.isnan(arr) if allow_nan else False)
    if not finite.all():
        row, col = map(int, np.argwhere(~finite)[0])
        label = f" ({names[col]!r})" if col < len(names) else ""
        raise DataError(
            f"{owner}: {name!r} has {int((~finite).sum())} missing or infinite "
            f"value(s), the first at row {row}, column {col}{label}, counting from "
            "0; impute or drop them first."
        )
    if len(names) != d:
        raise DataError(f"{owner}: got {len(names)} names for {d} columns.")
    if len(set(names)) != d:
        dup = sorted({s for s in names if names.count(s) > 1})
        raise DataError(f"{owner}: column names must be unique; repeated: {dup}.")
    return arr, names


def _refuse_non_numeric(
    frame: pd.DataFrame, labels: list[str], owner: str, name: str
) -> None:
    """Refuse the columns of ``frame`` that hold no real numbers, saying what to
    do: convert numbers stored as text, drop or encode the others.

    Parameters
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        The data.
    labels : list of str, length n_columns
        Its column labels as :func:`label_text` writes them.
    owner, name : str
        The caller and its name for the argument, named in the message.

    Raises
    ------
    DataError
        Naming the columns of numbers stored as text and the other non-numeric
        ones, each group with its advice.
    """
    bad = [
        (lab, col)
        for lab, (_, col) in zip(labels, frame.items(), strict=True)
        if not _real_column(col)
    ]
    if not bad:
        return
    kinds = {lab: _numbers_as_text(col) for lab, col in bad}
    plain = [lab for lab, kind in kinds.items() if kind == "plain"]
    separated = [lab for lab, kind in kinds.items() if kind == "separators"]
    other = [lab for lab, kind in kinds.items() if kind is None]
    parts = []
    if plain:
        parts.append(_convert_advice(plain, name, "", ".astype(float)"))
    if separated:
        parts.append(
            _convert_advice(
                separated,
                name,
                " with thousands separators",
                ".replace(',', '', regex=True).astype(float)",
            )
        )
    if other:
        parts.append(
            f"column(s) {format_names(other, 5)} of {name!r} are not numeric; drop "
            "them or encode them first (engine.data.to_matrix can one-hot encode)"
        )
    raise DataError(f"{owner}: " + ". ".join(parts) + ".")


# most columns named in the code that converts them; with more, the advice
# shows the code for the first one (a list cut with "... and 2 more" would not
# run)
_MAX_CODE_COLUMNS = 5


def _convert_advice(labels: list[str], name: str, how: str, call: str) -> str:
    """Words and runnable code that convert the columns ``labels`` of ``name``
    (numbers stored as text, ``how`` says in what form) with ``call``."""
    head = (
        f"column(s) {format_names(labels, _MAX_CODE_COLUMNS)} of {name!r} hold "
        f"numbers stored as text{how}; convert "
    )
    if len(labels) <= _MAX_CODE_COLUMNS:
        cols = format_names(labels)
        code = f"them first ({name}[{cols}] = {name}[{cols}]{call})"
    else:
        first = repr(labels[0])
        code = f"each of them first (e.g. {name}[{first}] = {name}[{first}]{call})"
    return f"{head}{code}, or fix the file or code that wrote them as text"


def _numbers_as_text(col: pd.Series) -> str | None:
    """How a non-numeric column holds numbers as text, if it holds only numbers.

    Returns ``"plain"`` when ``astype(float)`` converts it: every present cell
    is a number or text of one (Python numbers may sit among the text);
    ``"separators"`` when some text has commas between groups of three digits
    (``"1,234"``), which have to be removed first; ``None`` when a cell is
    neither (words, booleans, dates) or no cell is text. Missing cells are
    ignored.
    """
    values = pd.unique(col.dropna().to_numpy(dtype=object))
    texts = [v.strip() for v in values if isinstance(v, str)]
    if not texts or not all(isinstance(v, str) or _is_number(v) for v in values):
        return None
    separated = False
    for text in texts:
        if _US_GROUPED.match(text):
            separated = True
        elif not _float_text(text):
            return None
    return "separators" if separated else "plain"


def _is_number(value: object) -> bool:
    """Whether a cell is a real number (not a boolean)."""
    return isinstance(value, int | float | np.integer | np.floating) and not (
        isinstance(value, bool | np.bool_)
    )


def _float_text(text: str) -> bool:
    """Whether ``float`` reads ``text``."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _columns_by_label(
    frame: pd.DataFrame, labels: list[str], names: Sequence[Any], what: str, name: str
) -> pd.DataFrame:
    """The columns of ``frame`` (labels: their names) in the order of ``names``.

    Refuses names that are not exactly the labels, in any order: taking them
    as new names by position would put wrong names on the columns.
    """
    wanted = [str(s) for s in names]
    if wanted == labels:
        return frame
    if len(set(wanted)) == len(wanted) and set(wanted) == set(labels):
        return frame.iloc[:, [labels.index(w) for w in wanted]]
    parts = []
    unknown = [w for w in wanted if w not in set(labels)]
    if unknown:
        parts.append(f"{format_names(unknown, 10)} are not among them")
    unnamed = [c for c in labels if c not in set(wanted)]
    if unnamed:
        parts.append(f"the columns {format_names(unnamed, 10)} are not named")
    repeated = sorted({w for w in wanted if wanted.count(w) > 1})
    if repeated:
        parts.append(f"{format_names(repeated, 10)} are named more than once")
    raise DataError(
        f"{what} {format_names(wanted, 10)} are not the column labels of {name!r} "
        f"{format_names(labels, 10)}: {'; '.join(parts)}. With a DataFrame these "
        "names pick its columns by label (in the order given), never rename them: "
        f"select the columns first ({name}[names]), rename them "
        f"({name}.rename(columns=...)), or leave the names out to use the labels."
    )


# what pandas' infer_dtype calls an object array of real numbers (NaN and None
# skipped); text, complex, dates and mixtures are not
_REAL_INFERRED = frozenset(
    {"integer", "floating", "mixed-integer-float", "boolean", "empty"}
)


def _real_values(values: np.ndarray) -> bool:
    """Whether an array holds real numbers (an object array of Python numbers
    counts; text, complex and dates do not)."""
    if values.dtype.kind in "biuf":
        return True
    if values.dtype != object:
        return False
    return pd.api.types.infer_dtype(values.ravel(), skipna=True) in _REAL_INFERRED


def _real_column(col: pd.Series) -> bool:
    """Whether a DataFrame column holds real numbers (see :func:`_real_values`)."""
    if pd.api.types.is_complex_dtype(col.dtype):
        return False
    if pd.api.types.is_numeric_dtype(col.dtype):
        return True
    return col.dtype == object and _real_values(col.to_numpy())


def _decimal_labels(labels: Any) -> tuple[pd.Series, bool, int]:
    """The present labels, whether some are numbers that are not whole, and how
    many distinct labels there are (missing, empty and infinite ones left out)."""
    column = labels if isinstance(labels, pd.Series) else pd.Series(np.asarray(labels))
    present = column.dropna()
    if present.dtype == object:  # empty text cells are missing labels too
        present = present[present.astype(str).str.strip() != ""]
    numeric = pd.api.types.is_numeric_dtype(present) and not (
        pd.api.types.is_bool_dtype(present)
    )
    decimal = False
    if numeric:
        values = present.to_numpy(dtype=np.float64)
        present = present[np.isfinite(values)]
        values = values[np.isfinite(values)]
        decimal = bool(np.any(values != np.round(values)))
    return present, decimal, int(present.nunique())


def continuous_label(labels: Any) -> bool:
    """Whether a label column is a continuous measurement, which no classifier
    should be trained on without the user's say.

    True for numbers that are not all whole with more than
    :data:`LABEL_MANY_CLASSES` distinct values: a classifier would learn one class
    per value (600 distinct prices: 600 classes, held-out accuracy 0). Whole
    numbers (codes 0..K-1, years) and text are never continuous here; ten
    decimal levels (0.5, 1.5, ...) may be grades.

    Examples
    --------
    >>> continuous_label(np.linspace(0, 1, 40)), continuous_label(np.arange(40))
    (True, False)
    """
    _, decimal, k = _decimal_labels(labels)
    return decimal and k > LABEL_MANY_CLASSES


def class_label_warning(labels: Any, name: str = "label") -> str | None:
    """Why a column looks like no class label, or ``None`` when it looks like one.

    A classifier learns one class per distinct value. A column of decimal numbers
    with more than :data:`LABEL_MANY_CLASSES` distinct values (a measurement), or
    one with more than that many distinct values making up at least
    :data:`LABEL_CLASS_SHARE` of its labelled rows (fewer than five rows per
    class: nearly one class per row, e.g. an identifier), is accepted by the
    learners but almost surely not what the user meant. Shared by every page and
    command that takes a label column.

    Parameters
    ----------
    labels : array-like or pandas.Series of shape (n_rows,)
        The label column; missing values are ignored.
    name : str, default="label"
        The column's name, used in the message.

    Returns
    -------
    str or None
        One sentence (no owner prefix, no advice: callers add theirs), or ``None``.

    Examples
    --------
    >>> class_label_warning([0, 1, 1, 0], "y") is None
    True
    >>> print(class_label_warning(np.linspace(0, 1, 40), "alcohol")[:49])
    the label column 'alcohol' has 40 distinct values
    """
    present, decimal, k = _decimal_labels(labels)
    n = len(present)
    if k <= LABEL_MANY_CLASSES:
        return None
    if not decimal and k < LABEL_CLASS_SHARE * n:
        return None
    what = "decimal numbers, " if decimal else ""
    return (
        f"the label column {name!r} has {k} distinct values in {n} labelled rows "
        f"({what}{n / k:.1f} rows per class): it looks like a continuous "
        "measurement or an identifier, not a column of class labels"
    )


def identifier_label(labels: Any) -> tuple[int, int] | None:
    """Whether a label column makes nearly every row a class of its own.

    A column with more than :data:`LABEL_MANY_CLASSES` distinct values, more
    than :data:`LABEL_ROW_SHARE` of its labelled rows (fewer than two rows per
    class: an identifier, free text, a measurement), teaches a classifier
    nothing; refused unless the user insists (:func:`label_refusal`, the rule
    of the Explain and Learn-a-graph pages and the ``explain`` and ``graph``
    commands). Stricter than :func:`class_label_warning`, which only warns.

    Parameters
    ----------
    labels : array-like or pandas.Series of shape (n_rows,)
        The label column; missing, empty and infinite values are ignored.

    Returns
    -------
    tuple of (int, int) or None
        The distinct values and the labelled rows when the column is refused,
        else ``None``.

    Examples
    --------
    >>> identifier_label([f"n{i}" for i in range(40)])
    (40, 40)
    >>> identifier_label(np.arange(40) % 20) is None  # two rows per class
    True
    """
    present, _, k = _decimal_labels(labels)
    n = len(present)
    if k <= LABEL_MANY_CLASSES or k <= LABEL_ROW_SHARE * n:
        return None
    return k, n


def label_refusal(labels: Any) -> str | None:
    """Why a label column is refused unless the user insists, or ``None``.

    The one rule of every page and command that trains on a label column (the
    Explain and Learn-a-graph pages, unless their 'anyway' box is ticked; the
    ``explain`` and ``graph`` commands, unless ``--fit-anyway`` is given): a
    column that looks continuous (:func:`continuous_label`) or makes nearly
    every row a class of its own (:func:`identifier_label`).

    Parameters
    ----------
    labels : array-like or pandas.Series of shape (n_rows,)
        The label column; missing, empty and infinite values are ignored.

    Returns
    -------
    str or None
        What the column holds and why it is refused, to follow its name
        ("'price' holds 19 distinct decimal numbers in 60 labelled rows: ...";
        no advice: callers add theirs), or ``None`` when it is not refused.

    Examples
    --------
    >>> label_refusal(np.arange(40) % 2) is None
    True
    >>> print(label_refusal(np.linspace(0, 1, 40))[:39])
    holds 40 distinct decimal numbers in 40
    """
    present, _, k = _decimal_labels(labels)
    if continuous_label(labels):
        return (
            f"holds {k} distinct decimal numbers in {len(present)} labelled rows: "
            "it looks like a continuous measurement, and each value would be a "
            "class of its own"
        )
    counts = identifier_label(labels)
    if counts is None:
        return None
    k, n = counts
    return (
        f"has {k} distinct values in {n} labelled rows ({n / k:.1f} rows per "
        "class): nearly every row is a class of its own, so the column looks like "
        "an identifier, free text or a measurement, not a class label, and a "
        "classifier learns nothing from it"
    )


def _distinct(column: pd.Series) -> int:
    """Distinct non-empty values of a column."""
    present = column.dropna()
    if present.dtype == object:
        present = present[present.astype(str).str.strip() != ""]
    return int(present.nunique())


def _is_text(column: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(
        column
    )


def _class_like(column: pd.Series) -> bool:
    """Whether a column's values look like class labels: at least two distinct
    values that :func:`class_label_warning` accepts, text (or booleans) or whole
    numbers (not decimals: those measure something)."""
    if _distinct(column) < 2 or class_label_warning(column) is not None:
        return False
    if _is_text(column):
        return True
    values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    values = values[np.isfinite(values)]
    return bool(np.all(values == np.round(values)))


def _name_rank(name: str) -> int | None:
    """Position of a column name in :data:`LABEL_NAMES`, or ``None``."""
    key = name.strip().lower()
    return LABEL_NAMES.index(key) if key in LABEL_NAMES else None


def guess_label_column(frame: pd.DataFrame, *, numeric: bool = False) -> str | None:
    """The column of a table that most looks like a class label, if any.

    In order: among the columns named like a label (:data:`LABEL_NAMES`) with a
    value, one whose values look like classes (text or whole numbers with few
    distinct values), then the earlier name of :data:`LABEL_NAMES`, then the
    earlier column (so a 0/1 ``label`` beats a continuous ``y``, and a
    continuous column named like a label is taken only when no such column
    looks like classes); else the last text (or boolean) column with at least
    two classes that :func:`class_label_warning` accepts; with ``numeric``,
    else the last column of any type that it accepts (a label coded as
    numbers).

    Parameters
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        The table.
    numeric : bool, default=False
        Also consider columns of numbers (the caller needs a label column; a
        table of measurements has none to offer otherwise).

    Returns
    -------
    str or None
        The column's name, or ``None`` when none looks like a label.

    Examples
    --------
    >>> frame = pd.DataFrame({"temp": [20.5, 21.1, 19.8], "klasse": ["a", "b", "a"]})
    >>> guess_label_column(frame)
    'klasse'
    >>> frame = pd.DataFrame({"y": np.linspace(0, 1, 40), "label": np.arange(40) % 2})
    >>> guess_label_column(frame)
    'label'
    """
    names = [str(c) for c in frame.columns]
    columns = list(zip(names, frame.columns, strict=True))
    named = [
        (not _class_like(frame[column]), rank, k, name)
        for k, (name, column) in enumerate(columns)
        if (rank := _name_rank(name)) is not None and _distinct(frame[column]) > 0
    ]
    if named:
        return min(named)[3]

    def fits(column: Any, text_only: bool) -> bool:
        values = frame[column]
        return (
            (_is_text(values) or not text_only)
            and _distinct(values) >= 2
            and class_label_warning(values) is None
        )

    for text_only in (True, False) if numeric else (True,):
        for name, column in reversed(columns):
            if fits(column, text_only):
                return name
    return None


def unpadded_match(name: str, names: Sequence[str]) -> int | None:
    """Position of the one name that equals ``name`` once both are stripped.

    CSV cells are read stripped, so a file naming a column ``" a"`` says ``a``;
    such a name still finds its column when exactly one column strips to it.

    Parameters
    ----------
    name : str
        The name as given.
    names : sequence of str
        The known names (columns, nodes).

    Returns
    -------
    int or None
        The position, or ``None`` when no name or several strip to ``name``.

    Examples
    --------
    >>> unpadded_match("a", [" a", "b"]), unpadded_match("a", [" a", "a "])
    (0, None)
    """
    hits = [k for k, n in enumerate(names) if n.strip() == name.strip()]
    return hits[0] if len(hits) == 1 else None
