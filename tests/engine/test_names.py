"""The one name-or-position rule (engine.names.name_position) on exact values."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import ConfigError
from engine.names import name_position

BIG = 2**53  # the first integer from which float64 skips integers


def _find(value: object, names: list[str]) -> int:
    return name_position(value, names, owner="f", what="row", field="rows")


def test_integers_beyond_2_53_are_compared_exactly() -> None:
    # float(2**53) == float(2**53 + 1): the label 2**53 + 1 was found for 2**53
    with pytest.raises(ConfigError, match=r"row 9007199254740992 is not one of rows"):
        _find(BIG, [str(BIG + 1), "x"])
    with pytest.raises(ConfigError, match="is not one of rows"):
        _find(np.int64(BIG), [f"{BIG + 1}.0", "x"])
    assert _find(np.uint64(2**63 + 1), ["x", str(2**63), str(2**63 + 1)]) == 2
    assert _find(BIG + 1, ["x", f" {BIG + 1}", str(BIG)]) == 1
    # an integer still names the same number written another way
    assert _find(1000, ["x", "1e3"]) == 1
    assert _find(np.int64(2), ["1.0", "2.0"]) == 1
    assert _find(-3, ["+3", "-3.00"]) == 1


def test_floats_are_compared_as_floats() -> None:
    assert _find(2.0, ["1", "2"]) == 1
    assert _find(np.float32(0.5), [".5", "x"]) == 0
    assert _find(float(BIG), [str(BIG), "x"]) == 0


@pytest.mark.parametrize("value", [None, float("nan"), np.float64("nan")])
def test_none_and_nan_name_nothing(value: object) -> None:
    # they matched the names 'None' and 'nan' through str(value)
    with pytest.raises(ConfigError, match=r"unknown row (None|nan)"):
        _find(value, ["None", "nan", "x"])


def test_the_text_none_and_nan_are_names() -> None:
    assert _find("None", ["a", "None"]) == 1
    assert _find("nan", ["nan", "a"]) == 0
