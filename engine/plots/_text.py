"""User-supplied names as plotly shows them literally."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["plot_text", "plot_texts"]

# plotly.js reads a few HTML tags (<b>, <br>, <a href=...>) in every text it draws
# and fills %{...} placeholders in hover templates; it decodes entities afterwards
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"})


def plot_text(name: object) -> str:
    """``name`` escaped so that a plotly figure shows it as typed.

    Parameters
    ----------
    name : object
        A column, class or node name; ``str(name)`` is escaped.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>`` and ``%`` written as HTML entities.

    Examples
    --------
    >>> plot_text("<b>h</b> 5%")
    '&lt;b&gt;h&lt;/b&gt; 5&#37;'
    """
    return str(name).translate(_ENTITIES)


def plot_texts(names: Iterable[object]) -> list[str]:
    """:func:`plot_text` of every name, in order."""
    return [plot_text(n) for n in names]
