"""One rule for every argument that takes a name or a position.

Results name their classes, players, nodes and rows, and their methods take
either a name or a position: ``contrast(row, from_class, to_class)``,
``parents(node)``, ``transition_heatmap(result, row, player)``, the nodes of
:meth:`PriorKnowledge.from_edges <engine.dag.PriorKnowledge.from_edges>`, the
column groups of ``explain(players=...)``. Names are stored as text (a class
``2`` of a model is the class ``'2'``), and :func:`name_position` reads a
value the same way everywhere:

1. A value equal to a name, compared as the names are stored (``str(value)``:
   ``2``, ``np.int64(2)`` and ``"2"`` all name ``'2'``), is that name.
2. A number (int or float) equal to exactly one name written as a number is
   that name (``1`` names ``'1.0'``). An integer is compared exactly, so
   ``2**53`` does not name ``'9007199254740993'`` (float64 holds both as one
   number); a float is compared as a float.
3. An integer that names nothing is a position (``0`` the first) only when no
   name is a number. When some name is a number (classes ``1, 2, 3``, a
   DataFrame with columns ``[3, 2, 1, 0]``, row labels) the integer could
   mean either, so it is refused; the message names the name at that position
   (``classes[1]``), which is how to ask for a position then.

Anything else (an unknown name, a float, a bool) is refused with a message
that names the value and the known names. ``None`` and a NaN name nothing, even
where a name is the text ``'None'`` or ``'nan'`` (a DataFrame column named
``None`` is stored as ``'None'``): pass that text, ``"None"``, to name it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from engine.errors import ConfigError, EngineError, format_names, plain

__all__ = ["is_number_name", "name_position"]

# a name written as a number ("3", "-1", "2.0", "1e3"), as a DataFrame's
# numbered columns, a model's integer classes or row labels give
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_number_name(name: str) -> bool:
    """Whether a name is a number written out (``"3"``, ``" -1"``, ``"2.5"``).

    Examples
    --------
    >>> is_number_name("3"), is_number_name("2.5e3"), is_number_name("x3")
    (True, True, False)
    """
    return _NUMBER.fullmatch(name.strip()) is not None


def _is_number(value: object) -> bool:
    numeric = isinstance(value, int | float | np.integer | np.floating)
    return numeric and not isinstance(value, bool)


def _is_integer(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def name_position(
    value: object,
    names: Sequence[str],
    *,
    owner: str,
    what: str,
    field: str,
    error: type[EngineError] = ConfigError,
) -> int:
    """The position of the name ``value`` gives, by the rule of this module.

    Parameters
    ----------
    value : object
        What the caller received: a name, or an integer position.
    names : sequence of str, length n
        The names as stored (text).
    owner : str
        The caller, named first in the message (``"contrast"``).
    what : str
        What a name names, in the message (``"class"``, ``"node"``).
    field : str
        Where the names are kept, in the message and in its advice
        (``"classes"``: "pass classes[1]").
    error : type of EngineError, default=ConfigError
        The exception raised.

    Returns
    -------
    int
        A position in ``0 .. n - 1``.

    Raises
    ------
    EngineError
        Of type ``error``: ``value`` names nothing, names several entries
        (repeated names, or one number written two ways), or is an integer
        that is no name while some name is a number.

    Examples
    --------
    >>> name_position(2, ["1", "2", "3"], owner="f", what="class", field="classes")
    1
    >>> name_position(2, ["a", "b", "c"], owner="f", what="class", field="classes")
    2
    """
    names = [str(n) for n in names]
    hits = _hits(value, names)
    if len(hits) == 1:
        return hits[0]
    shown = plain(value)
    if hits:
        raise error(
            f"{owner}: {what} {shown!r} matches {len(hits)} entries of {field}, "
            f"{format_names([names[k] for k in hits], 10)} at positions {hits}, "
            f"so it names no single {what}; give the {what} by a name that is "
            f"unique (the result needs distinct {field} for that)."
        )
    numbered = [n for n in names if is_number_name(n)]
    position = int(value) if _is_integer(value) else None
    if position is not None and numbered:
        raise error(_number_refusal(position, names, numbered, owner, what, field))
    if position is not None and 0 <= position < len(names):
        return position
    how = (
        "a position (an integer is read as a name, since some names are numbers)"
        if numbered
        else f"a position in 0..{len(names) - 1}"
    )
    raise error(
        f"{owner}: unknown {what} {shown!r}: it is neither a {what} name nor "
        f"{how}; {field} are {format_names(names)}."
    )


def _names_nothing(value: object) -> bool:
    """Whether ``value`` is ``None`` or a NaN, which name no name (not even the
    text ``'None'`` or ``'nan'``)."""
    return value is None or (
        isinstance(value, float | np.floating) and math.isnan(value)
    )


def _hits(value: object, names: list[str]) -> list[int]:
    """The positions of the names ``value`` equals (rules 1 and 2)."""
    if _names_nothing(value):
        return []
    hits = [k for k, n in enumerate(names) if n == str(value)]
    if hits or not _is_number(value):
        return hits
    numbered = [k for k, n in enumerate(names) if is_number_name(n)]
    if _is_integer(value):  # exactly: float64 skips integers beyond 2**53
        number = int(value)
        return [k for k in numbered if Decimal(names[k].strip()) == number]
    return [k for k in numbered if float(names[k]) == float(value)]


def _number_refusal(
    value: int, names: list[str], numbered: list[str], owner: str, what: str, field: str
) -> str:
    """Why an integer that is no name is not taken as a position either
    (``numbered``: the names that are numbers)."""
    if 0 <= value < len(names):
        how = (
            f"For the {what} at position {value}, pass its name "
            f"{field}[{value}] ({names[value]!r})."
        )
    else:
        how = f"For the {what} at position p, pass its name {field}[p]."
    which = (
        "they are numbers"
        if len(numbered) == len(names)
        else f"some of them are numbers ({format_names(numbered, 10)})"
    )
    return (
        f"{owner}: {what} {value!r} is not one of {field} {format_names(names)}, "
        f"and since {which} an integer is read as a name, never as a position. "
        f"{how}"
    )
