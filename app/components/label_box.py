"""The box that lets a page train on a label column it refuses.

The Explain and Learn-a-graph pages refuse a label that looks continuous or
makes nearly every row a class of its own (:func:`engine.validation.label_refusal`,
as the ``explain`` and ``graph`` commands do without ``--fit-anyway``). Both
offer the same box to insist, one per table and label column, so that a tick
given for one label is no tick for another.
"""

from __future__ import annotations

import streamlit as st

from engine.validation import LABEL_MANY_CLASSES

__all__ = ["anyway_box", "anyway_key"]


def anyway_key(prefix: str, table_id: str, target: str) -> str:
    """The widget key of the box of one table's label column.

    Examples
    --------
    >>> anyway_key("graph_fit_anyway", "sachs", "cls")
    'graph_fit_anyway:sachs:cls'
    """
    return f"{prefix}:{table_id}:{target}"


def anyway_box(verb: str, button: str, learner: str, key: str) -> bool:
    """Draw the box and say whether it is ticked.

    Parameters
    ----------
    verb : str
        The box's first word, "Train" or "Fit".
    button : str
        The button that refuses the label, as the help names it ("'Train
        model'", "Fit").
    learner : str
        What would learn one class per value ("a classifier learns", "the GCN
        would learn").
    key : str
        :func:`anyway_key` of the table's label column.

    Returns
    -------
    bool
    """
    return st.checkbox(
        f"{verb} anyway, one class per distinct value",
        key=key,
        help=f"{button} refuses a label of decimal numbers with more than "
        f"{LABEL_MANY_CLASSES} distinct values, or one with more than "
        f"{LABEL_MANY_CLASSES} distinct values in fewer than two rows per value: "
        f"{learner} each value as a class of its own.",
    )
