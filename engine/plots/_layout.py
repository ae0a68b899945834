"""Figure titles placed where the plotly toolbar does not cover them.

Plotly draws its toolbar (the mode bar) over the top right of a figure while the
pointer is on it, and Streamlit shows it always where the browser cannot hover
(touch screens). A title laid out in the top margin as usual sits under it, and a
long title runs past the width of a half-page column. :func:`set_title` puts the
title just above the plot area, wrapped on spaces, with a top margin that leaves
the toolbar's strip free above it.
"""

from __future__ import annotations

import textwrap
from typing import Any

__all__ = ["TITLE_WIDTH", "leave_toolbar_room", "set_title", "title_lines"]

TITLE_WIDTH = 30
"""Characters per title line: fits the narrowest column a figure gets (two charts
side by side in a window 800 px wide leave each about 226 px)."""
_TOOLBAR_PX = 32  # the strip at the top of a figure that the toolbar covers
_LINE_PX = 22  # one line of the title font, with its spacing
_PAD_PX = 8  # between the title and the plot area
_LEFT_PX = 10  # between the figure's left edge and the title


def title_lines(text: str, width: int = TITLE_WIDTH) -> list[str]:
    """``text`` broken on spaces into lines of at most ``width`` characters.

    Words longer than ``width`` stay whole (a name is never cut here; the figures
    shorten names before they reach a title).
    """
    return textwrap.wrap(
        text, width=width, break_long_words=False, break_on_hyphens=False
    ) or [""]


def set_title(
    fig: Any, text: str, width: int = TITLE_WIDTH, *, above_px: int = 0
) -> Any:
    """Give ``fig`` the title ``text`` above its plot area, clear of the toolbar.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        Changed in place; its left, right and bottom margins are kept.
    text : str
        The title, already escaped for plotly where it holds user names.
    width : int, default=TITLE_WIDTH
        Characters per line.
    above_px : int, default=0
        Room to leave between the title and the plot area, for what is drawn
        there (subplot titles, a legend).

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``.
    """
    lines = title_lines(text, width)
    fig.update_layout(
        title={
            "text": "<br>".join(lines),
            # from the figure's left edge: the plot area starts after the axis
            # labels, which left a title too little width beside long names
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "paper",
            "yanchor": "bottom",
            # plotly puts the first line on the anchor and the others below it,
            # into the plot area: lift the title by the lines after the first
            "pad": {
                "b": _PAD_PX + above_px + _LINE_PX * (len(lines) - 1),
                "l": _LEFT_PX,
            },
        },
        margin={"t": _TOOLBAR_PX + _LINE_PX * len(lines) + _PAD_PX + above_px},
    )
    return fig


def leave_toolbar_room(fig: Any, lines: int = 1) -> Any:
    """Give an untitled ``fig`` a top margin that the toolbar's strip leaves free.

    For figures whose subplot titles (``lines`` lines) sit just above the plot
    area; returns ``fig``, changed in place.
    """
    fig.update_layout(margin={"t": _TOOLBAR_PX + _LINE_PX * lines + _PAD_PX})
    return fig
