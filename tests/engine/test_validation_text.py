"""as_matrix's advice for columns of numbers stored as text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.errors import DataError
from engine.validation import as_matrix


def _refusal(frame: pd.DataFrame) -> str:
    with pytest.raises(DataError) as info:
        as_matrix(frame, "f")
    return str(info.value)


def _table(n: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})


def test_thousands_separators_are_numbers_to_convert_not_to_encode():
    # '1,234' got "engine.data.to_matrix can one-hot encode", which would make
    # a measurement into one column per value
    frame = _table().assign(w=["1,234", "2,000", "980", "12,500.5", None, "3,001"])
    message = _refusal(frame)
    assert message == (
        "f: column(s) ['w'] of 'X' hold numbers stored as text with thousands "
        "separators; convert them first (X[['w']] = X[['w']].replace(',', '', "
        "regex=True).astype(float)), or fix the file or code that wrote them as "
        "text."
    )
    code = message.split("first (", 1)[1].split("), or fix", 1)[0]
    X = frame.copy()
    exec(code, {"X": X})
    assert X.w.tolist()[:4] == [1234.0, 2000.0, 980.0, 12500.5]


def test_a_column_mixing_numbers_and_numeric_text_is_numbers_as_text():
    # astype(float) converts it, yet the advice was to encode it
    mixed = pd.Series([1.5, "2.5", 3, " 4e1", np.nan, "-0.5"], dtype=object)
    frame = _table().assign(m=mixed)
    message = _refusal(frame)
    assert "['m'] of 'X' hold numbers stored as text; convert them first " in message
    assert "(X[['m']] = X[['m']].astype(float))" in message
    assert "encode" not in message
    # words among the numbers are not numbers: the encoding advice stays
    words = _table().assign(m=pd.Series([1.5, "2.5", "low", 3, 4, 5], dtype=object))
    assert "['m'] of 'X' are not numeric; drop them or encode" in _refusal(words)
    # booleans are no numbers written as text
    flags = _table().assign(m=pd.Series([True, "2.5", 1, 3, 4, 5], dtype=object))
    assert "are not numeric" in _refusal(flags)


def test_advice_for_many_text_columns_is_code_that_runs():
    # "X[['c0', ..., 'c4', ... and 2 more]] = ..." was no Python
    frame = _table()
    for k in range(7):
        frame[f"c{k}"] = [f"{v:.3f}" for v in range(6)]
    message = _refusal(frame)
    assert "... and 2 more]" in message  # the list of names
    code = message.split("e.g. ", 1)[1].split("), or fix", 1)[0]
    assert code == "X['c0'] = X['c0'].astype(float)"
    assert "convert each of them first (e.g. X['c0']" in message
    exec(code, {"X": frame})
    assert frame.c0.dtype == np.float64
