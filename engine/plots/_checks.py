"""Checks of the arguments of the figure builders, with messages for users.

A figure drawn from mismatched inputs either fails deep inside NumPy or plotly
(``IndexError``, ``operands could not be broadcast``, an invalid ``arrowwidth``)
or, worse, silently draws some nodes without names. These helpers refuse such
inputs first, naming the figure, the parameter and what was received.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.errors import ConfigError, DataError, GraphError
from engine.plots._text import plot_labels, plot_texts
from engine.results import ResultMixin

__all__ = [
    "check_count",
    "check_node_labels",
    "check_result",
    "check_same_shape",
    "other_result",
    "square_matrix",
]

# The figures of engine.plots that draw each result, for a message naming them
# when a figure is given another kind of result.
_DRAWN_BY = {
    "DagResult": (
        "dag_figure(result.adjacency, result.weights, result.node_names), "
        "adjacency_heatmap(result.weights, result.node_names) and "
        "training_curves(result.history)"
    ),
    "BootstrapResult": (
        "bootstrap_figure(result.edge_frequency, result.consensus, result.node_names)"
    ),
    "GraphResult": (
        "learned_graph_figure(result), edge_histogram_figure(result), "
        "training_curves_figure(result) and accuracy_figure(result)"
    ),
    "DistributionalValues": (
        "p_change_bars(result), transition_heatmap(result, row, player), "
        "mean_vs_reference(result, row) and pixel_map(result, row)"
    ),
}
# the function that draws the same thing for another kind of result
_COUNTERPART = {
    ("training_curves_figure", "DagResult"): (
        "its training curves are drawn by engine.plots.training_curves(result.history)"
    ),
    ("training_curves", "DagResult"): "pass its result.history",
    ("training_curves", "GraphResult"): (
        "its training curves are drawn by engine.plots.training_curves_figure(result)"
    ),
}
# the function that makes each result, named in messages
_MADE_BY = {
    "DagResult": "learn_dag",
    "BootstrapResult": "bootstrap_dag",
    "GraphResult": "learn_graph",
    "DistributionalValues": "explain",
}


def check_result(owner: str, result: Any, expected: type) -> None:
    """Raise ``TypeError`` unless ``result`` is an ``expected`` result.

    The message names the kind the figure takes and, for another engine
    result, the figures that draw that one (e.g. a ``DagResult``'s training
    curves are ``training_curves(result.history)``).

    Parameters
    ----------
    owner : str
        The figure builder, named in the message.
    result : object
        What the figure was given.
    expected : type
        The result class it draws.
    """
    if isinstance(result, expected):
        return
    want = expected.__name__
    raise TypeError(
        f"{owner}: takes a {want} (from {_MADE_BY.get(want, 'the engine')}); "
        f"{other_result(owner, result)}."
    )


def other_result(owner: str, value: Any) -> str:
    """``"got a DagResult: <the figures that draw it>"``, for a refusal.

    Names the figure of engine.plots that draws the same thing for that kind of
    result where there is one, else every figure that draws it; just the type
    for anything but an engine result.
    """
    got = type(value).__name__
    if not isinstance(value, ResultMixin) or got not in _DRAWN_BY:
        return f"got {got}"
    hint = _COUNTERPART.get(
        (owner, got), f"engine.plots draws it with {_DRAWN_BY[got]}"
    )
    return f"got a {got}: {hint}"


def square_matrix(
    owner: str, name: str, value: Any, *, numeric: bool = False
) -> NDArray[Any]:
    """``value`` as a 2-D square array of shape (d, d).

    Parameters
    ----------
    owner : str
        The figure builder, named in the message.
    name : str
        The parameter.
    value : array-like of shape (d, d)
        The matrix received.
    numeric : bool, default=False
        Return a float64 array (weights, frequencies) rather than the values as
        given (adjacency, where only ``!= 0`` counts).

    Returns
    -------
    ndarray of shape (d, d)

    Raises
    ------
    GraphError
        ``value`` is not a square matrix, or not numbers when ``numeric``.
    TypeError
        ``value`` is a whole result, not one of its matrices.
    """
    if isinstance(value, ResultMixin):
        arrays = [a for a in (name, "adjacency") if hasattr(value, a)]
        use = f"pass its matrix, e.g. result.{arrays[0]}" if arrays else "pass a matrix"
        raise TypeError(
            f"{owner}: {name!r} must be a square (d, d) matrix; got a whole "
            f"{type(value).__name__}: {use}."
        )
    try:
        matrix = np.asarray(value, dtype=np.float64 if numeric else None)
    except (TypeError, ValueError) as err:
        raise GraphError(
            f"{owner}: {name!r} must be a square (d, d) matrix of numbers; {err}."
        ) from err
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise GraphError(
            f"{owner}: {name!r} must be a square (d, d) matrix, one row and one "
            f"column per node; got shape {matrix.shape}."
        )
    return matrix


def check_same_shape(
    owner: str, first: tuple[str, Any], second: tuple[str, Any]
) -> None:
    """Raise :class:`GraphError` when two ``(name, matrix)`` differ in shape."""
    (a_name, a), (b_name, b) = first, second
    if np.shape(a) != np.shape(b):
        raise GraphError(
            f"{owner}: {a_name!r} and {b_name!r} must describe the same nodes, with "
            f"the same shape; got {np.shape(a)} and {np.shape(b)}. Give both "
            "graphs over the same nodes in the same order."
        )


def check_node_labels(
    owner: str, names: Iterable[object], d: int
) -> tuple[list[str], list[str]]:
    """The node names, one per node, in full and short.

    Returns
    -------
    full : list of str, length d
        :func:`~engine.plots._text.plot_texts` of the names (for hover texts).
    short : list of str, length d
        :func:`~engine.plots._text.plot_labels` of the names: long ones shortened
        in the middle, still distinct (for labels drawn in the figure).

    Raises
    ------
    DataError
        ``names`` is a single string, not iterable, or not of length ``d``.
    """
    items = _name_items(owner, names, d)
    return plot_texts(items), plot_labels(items)


def node_names(owner: str, names: Iterable[object], d: int) -> list[str]:
    """The node names, one per node, as text (not escaped).

    Raises
    ------
    DataError
        ``names`` is a single string, not iterable, or not of length ``d``.
    """
    return [str(n) for n in _name_items(owner, names, d)]


def _name_items(owner: str, names: Iterable[object], d: int) -> list[object]:
    """``names`` as a list of d items, or a :class:`DataError` naming ``owner``."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise DataError(
            f"{owner}: 'names' must be a sequence of {d} node names; got {names!r}."
        )
    items = list(names)
    if len(items) != d:
        raise DataError(
            f"{owner}: 'names' must hold one name per node ({d}, as the matrix has "
            f"{d} rows and columns); got {len(items)} name(s)."
        )
    return items


def check_count(
    owner: str, name: str, value: Any, *, low: int = 1, optional: bool = False
) -> None:
    """Raise :class:`ConfigError` unless ``value`` is an integer ``>= low``.

    Parameters
    ----------
    owner, name : str
        The figure builder and the parameter, named in the message.
    value : object
        The value received.
    low : int, default=1
        Smallest value accepted.
    optional : bool, default=False
        Whether ``None`` is accepted.
    """
    if optional and value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or value < low
    ):
        what = "a positive integer" if low == 1 else f"an integer >= {low}"
        raise ConfigError(
            f"{owner}: {name!r} must be {what}"
            f"{' or None' if optional else ''}; got {value!r}."
        )
