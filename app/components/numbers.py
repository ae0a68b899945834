"""What-if cells typed as text and read as numbers by the page itself.

A number column of ``st.data_editor`` drops what it cannot type as it goes (the
"e" of "1e308" gave 1308, the comma of "1,5" gave 15): the what-if editors show
numbers as text cells and read them here, so a typed value is used as typed or
refused with a message, never silently changed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from engine.errors import DataError

__all__ = ["cell_text", "parse_number", "parse_row"]

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def cell_text(value: object) -> str:
    """A table value as the editor's text: every digit of the float, or empty
    for a missing or infinite one (the row is then dropped, and said so).

    A whole number below 2**53 reads without ".0", as the page's tables show it
    (a boolean feature is 1 or 0 in both).

    Examples
    --------
    >>> cell_text(1.0), cell_text(True), cell_text(0.1), cell_text(1e300)
    ('1', '1', '0.1', '1e+300')
    """
    number = float(value)  # type: ignore[arg-type]
    if not np.isfinite(number):
        return ""
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return repr(number)


def parse_number(text: object, column: str) -> float:
    """A what-if cell as a number: plain decimals and exponent notation only.

    Parameters
    ----------
    text : object
        The cell: text as typed, or a number; empty text is a missing value.
    column : str
        The cell's column, named in the message.

    Returns
    -------
    float
        The number (NaN for an empty cell).

    Raises
    ------
    DataError
        The text is no number (a decimal comma, letters) or beyond a float.

    Examples
    --------
    >>> parse_number(" -1.5e3 ", "x"), parse_number("1e308", "x")
    (-1500.0, 1e+308)
    """
    if text is None or isinstance(text, float | int | np.number):
        number = np.nan if text is None else float(text)
    else:
        cell = str(text).strip()
        if not cell:
            return np.nan
        if not _NUMBER.fullmatch(cell):
            advice = (
                "use a dot for decimals (1.5, not 1,5)"
                if "," in cell
                else "type a number such as 1.5, -2 or 3e-4"
            )
            raise DataError(
                f"The what-if value {cell!r} in column {column!r} is not a number: "
                f"{advice}."
            )
        number = float(cell)
    if np.isinf(number):
        raise DataError(
            f"The what-if value in column {column!r} is beyond the largest number "
            "(about 1.8e308): type a smaller one."
        )
    return number


def parse_row(typed: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The editor's one row as floats, and column -> message for each cell that
    is no number (that cell is then missing, and the row is not explained)."""
    values, problems = {}, {}
    for column in typed.columns:
        try:
            values[column] = parse_number(typed[column].iloc[0], str(column))
        except DataError as err:
            values[column], problems[str(column)] = np.nan, str(err)
    return pd.DataFrame([values], index=typed.index, columns=typed.columns), problems
