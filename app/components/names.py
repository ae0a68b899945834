"""Long column, node and class names in widgets: cut in the middle, still distinct.

Streamlit cuts a long label at its end ("Loooooo…"), so names that differ only at
the end (``..._name_0``, ``..._name_1``) look alike in select boxes, chips and
table headers. These helpers show them as the figures do
(:func:`engine.plots._text.short_names`): start, ``…``, end, and distinct.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from app.components.text import literal
from engine.plots._text import short_names

__all__ = ["header_config", "short_label", "short_labels"]


def short_labels(names: Sequence[Any]) -> Callable[[Any], str]:
    """A ``format_func`` for a select box or multiselect of ``names``.

    Parameters
    ----------
    names : sequence, length n
        The options (names, or other values such as ``"(none)"``).

    Returns
    -------
    callable
        Option -> its label: long names cut in the middle, distinct where the
        names are; an option not in ``names`` as its text.
    """
    table = dict(zip(names, short_names(names), strict=True))
    return lambda option: table.get(option, str(option))


def short_label(name: Any) -> str:
    """One name cut in the middle when it is long (a metric, a caption)."""
    return short_names([name])[0]


def header_config(columns: Sequence[Any]) -> dict[str, Any]:
    """``column_config`` that heads long-named columns of a table with their
    short label, the full name in the header's tooltip.

    Parameters
    ----------
    columns : sequence of str, length n
        The table's column names.

    Returns
    -------
    dict
        Column name -> ``st.column_config.Column``, for the long names only
        (empty when no name is long).
    """
    labels = short_names(columns)
    return {
        name: st.column_config.Column(label=label, help=literal(name))
        for name, label in zip(columns, labels, strict=True)
        if label != str(name)
    }
