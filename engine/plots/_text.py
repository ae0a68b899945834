"""User-supplied names as plotly shows them: literally, and shortened in the middle.

:func:`plot_text` escapes a name so that plotly draws it as typed.
:func:`short_name` shortens a long name with an ellipsis in the middle, keeping its
start and its end (names of one table often differ only at the end:
``measurement_of_..._0``, ``..._1``); :func:`short_names` does it to a list and
keeps distinct names distinct. The figures draw the short form as labels and keep
the full name in the hover text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

__all__ = [
    "SHORT_KEEP",
    "plot_labels",
    "plot_text",
    "plot_texts",
    "short_name",
    "short_names",
]

SHORT_KEEP = 12
"""Characters :func:`short_name` keeps at each end of a long name."""
ELLIPSIS = "\u2026"

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


def short_name(name: object, keep: int = SHORT_KEEP) -> str:
    """``name`` with its middle replaced by an ellipsis when it is long.

    Parameters
    ----------
    name : object
        A column, class or node name; ``str(name)`` is shortened.
    keep : int, default=SHORT_KEEP
        Characters kept at the start and at the end (a positive whole number).

    Returns
    -------
    str
        The text itself when it has at most ``2 * keep + 1`` characters, else its
        first ``keep`` characters, ``…`` and its last ``keep`` characters.

    Raises
    ------
    ValueError
        ``keep`` is not a positive whole number.

    Examples
    --------
    >>> short_name("L" + "o" * 60 + "ng_name_0")
    'Looooooooooo…ooong_name_0'
    >>> short_name("petal_length")
    'petal_length'
    """
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise ValueError(
            f"short_name: 'keep' must be a positive whole number; got {keep!r}."
        )
    text = str(name)
    if len(text) <= 2 * keep + 1:
        return text
    return f"{text[:keep]}{ELLIPSIS}{text[-keep:]}"


def short_names(names: Iterable[object], keep: int = SHORT_KEEP) -> list[str]:
    """:func:`short_name` of every name, distinct where the names are.

    Names that would shorten to the same text (they differ only in the middle)
    keep twice as many characters at each end, and so on, until they differ: a
    figure's axis would otherwise merge their bars or rows into one.

    Parameters
    ----------
    names : iterable of object, length n
        The names, in order.
    keep : int, default=SHORT_KEEP
        Characters kept at each end of a long name at first.

    Returns
    -------
    list of str, length n
        The short forms, in order.

    Examples
    --------
    >>> short_names(["abcde1" + "-" * 20 + "xyz", "abcde2" + "-" * 20 + "xyz"], 4)
    ['abcde1--…-----xyz', 'abcde2--…-----xyz']
    """
    full = [str(n) for n in names]
    keeps = [keep] * len(full)
    out = [short_name(t, keep) for t in full]
    while True:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(out):
            groups[text].append(i)
        clashing = [
            i
            for same in groups.values()
            if len(same) > 1
            for i in same
            if out[i] != full[i]
        ]
        if not clashing:
            return out
        for i in clashing:
            keeps[i] *= 2
            out[i] = short_name(full[i], keeps[i])


def plot_labels(names: Iterable[object], keep: int = SHORT_KEEP) -> list[str]:
    """:func:`short_names`, escaped by :func:`plot_text`: labels for a figure."""
    return plot_texts(short_names(names, keep))
