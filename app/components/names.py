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
from engine.plots._text import SHORT_KEEP, short_names

__all__ = ["HEADER_WIDTH", "header_config", "short_label", "short_labels"]

HEADER_WIDTH = 230
"""Pixel width of a column headed by a short label: its 25 characters fit
(Streamlit's "medium", 200 px, cut the end that tells names apart)."""


def short_labels(names: Sequence[Any], keep: int = SHORT_KEEP) -> Callable[[Any], str]:
    """A ``format_func`` for a select box or multiselect of ``names``.

    Parameters
    ----------
    names : sequence, length n
        The options (names, or other values such as ``"(none)"``).
    keep : int, default=SHORT_KEEP
        Characters kept at each end of a long name (fewer for a narrow box).

    Returns
    -------
    callable
        Option -> its label: long names cut in the middle, distinct where the
        names are; an option not in ``names`` as its text.
    """
    table = dict(zip(names, short_names(names, keep), strict=True))
    return lambda option: table.get(option, str(option))


def short_label(name: Any, keep: int = SHORT_KEEP) -> str:
    """One name cut in the middle when it is long (a metric, a caption),
    ``keep`` characters kept at each end."""
    return short_names([name], keep)[0]


def header_config(columns: Sequence[Any]) -> dict[str, Any]:
    """``column_config`` that heads long-named columns of a table with their
    short label, the full name in the header's tooltip, in a column of
    :data:`HEADER_WIDTH` (Streamlit sizes a column by its full name otherwise).

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
        name: st.column_config.Column(
            label=label, help=literal(name), width=HEADER_WIDTH
        )
        for name, label in zip(columns, labels, strict=True)
        if label != str(name)
    }
