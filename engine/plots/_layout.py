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
from collections.abc import Sequence
from typing import Any

from engine.plots._text import text_width

__all__ = [
    "NARROW_TOOLBAR",
    "TITLE_WIDTH",
    "leave_toolbar_room",
    "legend_above",
    "legend_rows",
    "one_row_toolbar",
    "set_title",
    "title_lines",
]

TITLE_WIDTH = 30
"""Characters per title line: fits the narrowest column a figure gets (two charts
side by side in a window 800 px wide leave each about 226 px)."""
_TOOLBAR_PX = 32  # the strip at the top of a figure that the toolbar covers
_LINE_PX = 22  # one line of the title font, with its spacing
_PAD_PX = 8  # between the title and the plot area
_LEFT_PX = 10  # between the figure's left edge and the title
_LEGEND_ROW_PX = 20  # one row of a horizontal legend
_LEGEND_MARK_PX = 46  # a legend entry's symbol and the gaps around its text
_LEGEND_FONT_PX = 12


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
            # each line but the last keeps the space it was broken at: the page's
            # text (copied, read aloud) joins the lines, and read "a featurechanges"
            "text": " <br>".join(lines),
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


NARROW_TOOLBAR = ("zoomIn2d", "zoomOut2d", "autoScale2d")
"""Toolbar buttons a figure in part of a page goes without: with them the toolbar
wrapped onto a second row (about 226 px wide) and covered the title."""


def one_row_toolbar(fig: Any) -> Any:
    """Keep ``fig``'s toolbar on one row in a narrow column, over the strip
    :func:`set_title` and :func:`leave_toolbar_room` leave free.

    Drops :data:`NARROW_TOOLBAR` (zooming by a box, panning, reset and the image
    download stay); returns ``fig``, changed in place.
    """
    fig.update_layout(modebar={"remove": list(NARROW_TOOLBAR)})
    return fig


def leave_toolbar_room(fig: Any, lines: int = 1) -> Any:
    """Give an untitled ``fig`` a top margin that the toolbar's strip leaves free.

    For figures whose subplot titles (``lines`` lines) sit just above the plot
    area; returns ``fig``, changed in place.
    """
    fig.update_layout(margin={"t": _TOOLBAR_PX + _LINE_PX * lines + _PAD_PX})
    return fig


def legend_rows(texts: Sequence[str], width_px: float) -> int:
    """Rows that a horizontal legend of ``texts`` (as drawn) takes ``width_px`` wide.

    Plotly wraps a horizontal legend that does not fit in one row into columns
    as wide as its widest entry; an entry wider than the row gets a row of its
    own.
    """
    widths = [text_width(t, _LEGEND_FONT_PX) + _LEGEND_MARK_PX for t in texts]
    if not widths or sum(widths) <= width_px:
        return 1
    per_row = max(1, int(width_px // max(widths)))
    return -(-len(widths) // per_row)


def legend_above(
    fig: Any, texts: Sequence[str], width_px: float, title: str | None = None
) -> int:
    """Put ``fig``'s legend in rows above its plot area.

    A legend at the right of a plot in a narrow column takes the plot's width (at
    800 px long class names left the bars about 60 px), and one below it sits on
    the x tick labels. Pass the returned height to :func:`set_title` as
    ``above_px`` so that the title is drawn above the legend.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        Changed in place.
    texts : sequence of str
        The legend entries as drawn (short names).
    width_px : float
        The narrowest width of the plot area, in pixels (the figure's less its
        axis labels).
    title : str, optional
        The legend's title, drawn before the first entry.

    Returns
    -------
    int
        The legend's height in pixels.
    """
    entries = ([title] if title else []) + list(texts)
    height = _LEGEND_ROW_PX * legend_rows(entries, width_px)
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "bottom",
            "title_text": title or "",
        }
    )
    return height
