"""Figures for distributional values: flip bars, transition heatmaps, means, pixels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from engine.errors import ConfigError, DataError, check_choice, format_names
from engine.plots._checks import check_count, check_result
from engine.plots._layout import legend_above, one_row_toolbar, set_title
from engine.plots._text import SHORT_KEEP, plot_labels, plot_texts, text_width
from engine.values.result import DistributionalValues

__all__ = [
    "mean_vs_reference",
    "p_change_bars",
    "pixel_map",
    "transition_heatmap",
]

_COLORS = (
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#72B7B2",
    "#EECA3B",
    "#B279A2",
    "#FF9DA6",
    "#9D755D",
    "#BAB0AC",
)


PIXEL_QUANTITIES = ("p_change", "flip_away", "mean")
MEAN_ORDERS = ("mean", "p_change")
_PAGE_PX = 440  # a figure across the page in an 800 px window, sidebar open
_HALF_PX = 220  # ... and one of two side by side
# probabilities on a colour bar: 0.25, 0.005 and 1e-05 as such (d3's default
# read "0, 0, 0" on a short bar)
_PROBABILITY_TICKS = ".3~g"


def _reference_column(
    result: DistributionalValues, reference: Any, c: int
) -> np.ndarray:
    """The reference values (M,) of class ``c``, from an (M,) or (M, K) array."""
    ref = np.asarray(reference, dtype=np.float64)
    m, k = len(result.features), len(result.classes)
    if ref.shape not in ((m,), (m, k)):
        raise DataError(
            f"mean_vs_reference: 'reference' must hold one value per player, shape "
            f"({m},), or one per player and class, shape ({m}, {k}); got shape "
            f"{ref.shape}."
        )
    return ref[:, c] if ref.ndim == 2 else ref


def _check_move(result: DistributionalValues, move: Any) -> tuple[int, int]:
    """``move``, a pair (to, from) of classes, as the positions of the classes in
    ``result.classes`` (by the rule of :mod:`engine.names`)."""
    listed = isinstance(move, tuple | list)
    if isinstance(move, np.ndarray) and move.ndim == 1:
        listed = True  # e.g. model.classes_[[1, 0]]
    pair = tuple(move) if listed else ()
    if len(pair) != 2:
        raise ConfigError(
            "pixel_map: 'move' must be a pair (to, from) of classes, each a class "
            f"name of {format_names(result.classes)} (or a position when no class "
            f"name is a number); got {move!r}."
        )
    to, source = pair
    return result.class_index(to, "pixel_map"), result.class_index(source, "pixel_map")


def _feature_labels(
    result: DistributionalValues, order: np.ndarray, keep: int = SHORT_KEEP
) -> tuple[list[str], list[str]]:
    """The features at ``order`` (n,): short labels for an axis (long names cut
    in the middle, still distinct, about ``2 * keep + 1`` characters) and full
    names for the hover, both escaped."""
    short, full = plot_labels(result.features, keep), plot_texts(result.features)
    return [short[i] for i in order], [full[i] for i in order]


def _plot_px(figure_px: float, labels: list[str]) -> float:
    """The plot area's width in a figure ``figure_px`` wide beside y ``labels``."""
    return figure_px - 20 - max((text_width(s, 12) for s in labels), default=0)


def _into_by_class(result: DistributionalValues, row: int | None) -> np.ndarray:
    """Mass moved *into* each class from another, (M, K); mean over rows if None."""
    q = result.transitions if row is None else result.transitions[[row]]
    k = q.shape[-1]
    return (q * (1 - np.eye(k))).sum(axis=3).mean(axis=0)


def p_change_bars(
    result: DistributionalValues,
    row: int | None = None,
    top: int = 20,
    keep: int = SHORT_KEEP,
) -> go.Figure:
    """Players ranked by probability of change, bars split by destination class.

    Parameters
    ----------
    result : DistributionalValues
    row : int, optional
        Label of the row, one of ``result.rows`` (the row at position ``p`` is
        ``result.rows[p]``); ``None`` averages over all rows (global view).
    top : int, default=20
        Players shown.
    keep : int, default=SHORT_KEEP
        Characters kept at each end of a long class name in the legend, which
        sits above the bars; the hover gives it in full.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal stacked bars, largest ``p_change`` at the top; segment ``k`` of
        a bar is the probability that the player moves the class *into* ``k``
        (they add up to ``p_change``).

    Raises
    ------
    ConfigError
        ``row`` is not a row label of the result, or ``top`` not a positive
        integer.
    """
    check_result("p_change_bars", result, DistributionalValues)
    check_count("p_change_bars", "top", top)
    if row is not None:
        row = result.row_index(row, "p_change_bars")
    into = _into_by_class(result, row)  # (M, K)
    order = np.argsort(into.sum(1))[::-1][:top][::-1]
    names, full = _feature_labels(result, order)
    classes = plot_labels(result.classes, keep)
    full_classes = plot_texts(result.classes)
    fig = go.Figure()
    for j, cls in enumerate(classes):
        fig.add_bar(
            y=names,
            x=into[order, j],
            customdata=full,
            orientation="h",
            name=f"into {cls}",
            marker_color=_COLORS[j % len(_COLORS)],
            hovertemplate="%{customdata}: P(change into "
            + full_classes[j]
            + ") = %{x:.3f}<extra></extra>",
        )
    where = "mean over rows" if row is None else f"row {result.rows[row]}"
    fig.update_layout(
        barmode="stack",
        xaxis_title="P(change)",
        yaxis_type="category",  # features named 1, 2, 3 are names, not numbers
        margin=dict(l=10, r=10, b=40),
    )
    fig.update_yaxes(automargin=True)
    # above the bars: at the right, long class names took most of the width
    legend_px = legend_above(fig, [t.name for t in fig.data], _plot_px(_PAGE_PX, names))
    fig.update_layout(height=max(300, 28 * len(names) + 120) + legend_px)
    title = f"Probability that a feature changes the class ({where})"
    return set_title(fig, title, above_px=legend_px)


def transition_heatmap(
    result: DistributionalValues,
    row: int,
    player: int | str,
    keep: int = SHORT_KEEP,
) -> go.Figure:
    """The K x K transition matrix of one player for one row.

    Parameters
    ----------
    result : DistributionalValues
    row : int
        Label of the row, one of ``result.rows``.
    player : str or int
        Player name, or its position when no player name is a number (see
        :meth:`~engine.values.DistributionalValues.player_index`).
    keep : int, default=SHORT_KEEP
        Characters kept at each end of a long class or feature name in the tick
        labels and the title (fewer for a figure in part of a page); the hover
        gives them in full.

    Returns
    -------
    plotly.graph_objects.Figure
        Heatmap with rows = class *with* the player, columns = class *without*.

    Raises
    ------
    ConfigError
        ``row`` is not a row label of the result, or ``player`` neither a
        player name nor a position read as one.
    """
    check_result("transition_heatmap", result, DistributionalValues)
    row = result.row_index(row, "transition_heatmap")
    i = result.player_index(player, "transition_heatmap")
    q = result.transitions[row, i]
    labels, full = plot_labels(result.classes, keep), plot_texts(result.classes)
    text = [[f"{v:.3f}" for v in line] for line in q]
    k = len(full)
    pairs = [[[full[a], full[b]] for b in range(k)] for a in range(k)]
    fig = go.Figure(
        go.Heatmap(
            z=q,
            x=labels,
            y=labels,
            text=text,
            customdata=pairs,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            colorbar={"tickformat": _PROBABILITY_TICKS},
            hovertemplate="without %{customdata[1]} -> with %{customdata[0]}: "
            "%{z:.4f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title="class without the feature",
        yaxis_title="class with the feature",
        yaxis_autorange="reversed",
        # classes are categories: numeric ones (0, 1) made a continuous axis
        # with ticks at -0.5, 0.5, 1.5
        xaxis_type="category",
        yaxis_type="category",
        height=360 + 20 * len(labels),
        margin=dict(l=10, r=10, b=40),
    )
    # the tick labels push the margins (with l=10 they were cut at the left and
    # the y axis title lay on them)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    feature = plot_labels(result.features, keep)[i]
    title = f"{feature}: P(class with = row, class without = column)"
    # drawn in half a page beside its colour bar: a wrapped toolbar hid the title
    return one_row_toolbar(set_title(fig, title))


def mean_vs_reference(
    result: DistributionalValues,
    row: int,
    class_index: str | int | None = None,
    reference: np.ndarray | None = None,
    reference_name: str = "SHAP",
    top: int = 20,
    keep: int = SHORT_KEEP,
    order_by: str = "mean",
) -> go.Figure:
    """Our mean (the Shapley value of a class probability) beside a reference.

    Parameters
    ----------
    result : DistributionalValues
    row : int
        Label of the row, one of ``result.rows``.
    class_index : str or int, optional
        Class whose probability is explained, by name (a model's integer
        class labels are names) or by position when no class name is a
        number (see :meth:`~engine.values.DistributionalValues.class_index`);
        default the predicted class.
    reference : ndarray of shape (M,) or (M, K), optional
        E.g. shap values of the same row; without it the probability of change is
        shown beside the mean, which shows what cancels in the mean.
    reference_name : str, default="SHAP"
        Legend label of the reference.
    top : int, default=20
        Players shown (largest |mean| first).
    keep : int, default=SHORT_KEEP
        Characters kept at each end of a long feature name in the labels (fewer
        for a figure in part of a page); the hover gives it in full.
    order_by : {"mean", "p_change"}, default="mean"
        Rank the players by ``|mean|`` or by ``p_change`` (the order of
        :func:`p_change_bars`, to show the two side by side), largest at the top.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    ConfigError
        ``row`` is not a row label of the result, ``class_index`` not a class,
        ``top`` not a positive integer or ``order_by`` unknown.
    DataError
        ``reference`` is not of shape (M,) or (M, K).
    """
    check_result("mean_vs_reference", result, DistributionalValues)
    check_count("mean_vs_reference", "top", top)
    check_choice("mean_vs_reference", "order_by", order_by, MEAN_ORDERS)
    row = result.row_index(row, "mean_vs_reference")
    c = (
        int(result.predicted[row])
        if class_index is None
        else result.class_index(class_index, "mean_vs_reference")
    )
    mean = result.mean[row, :, c]
    # the same sums as p_change_bars: ties and rounding order rows alike
    rank = np.abs(mean) if order_by == "mean" else _into_by_class(result, row).sum(1)
    order = np.argsort(rank)[::-1][:top][::-1]
    classes = plot_labels(result.classes)
    names, full = _feature_labels(result, order, keep)
    bars = {"y": names, "customdata": full, "orientation": "h"}
    hover = "%{customdata}: %{x:.4f}<extra>%{fullData.name}</extra>"
    fig = go.Figure()
    fig.add_bar(
        x=mean[order], name=f"mean, class {classes[c]}", hovertemplate=hover, **bars
    )
    if reference is not None:
        ref = _reference_column(result, reference, c)
        fig.add_bar(
            x=ref[order],
            name=plot_texts([reference_name])[0],
            hovertemplate=hover,
            **bars,
        )
    else:
        fig.add_bar(
            x=result.p_change[row, order],
            name="P(change)",
            hovertemplate=hover,
            **bars,
        )
    fig.update_layout(
        barmode="group",
        yaxis_type="category",
        margin=dict(l=10, r=10, b=40),
    )
    fig.update_yaxes(automargin=True)
    # the plot is drawn in half the page: a legend at the right left too little
    # room for the names, and one below it lay on the x tick labels
    legend_px = legend_above(fig, [t.name for t in fig.data], _plot_px(_HALF_PX, names))
    fig.update_layout(height=max(300, 34 * len(names) + 150) + legend_px)
    beside = reference_name if reference is not None else "P(change)"
    title = f"Mean (= SHAP) for P({classes[c]}) beside {beside}"
    # beside the heatmap at 800 px its toolbar wrapped onto a second row too
    return one_row_toolbar(set_title(fig, title, above_px=legend_px))


def pixel_map(
    result: DistributionalValues,
    row: int,
    shape: Sequence[int] = (8, 8),
    quantity: str = "p_change",
    move: tuple[str | int, str | int] | None = None,
) -> go.Figure:
    """Per-pixel map of a player quantity for image inputs (e.g. digits 8 x 8).

    Parameters
    ----------
    result : DistributionalValues
        Players are pixels or groups of pixels (patches); each pixel gets the value
        of the player that owns it (``result.config["groups"]``).
    row : int
        Label of the row, one of ``result.rows``.
    shape : (height, width), default=(8, 8)
        Image shape; ``height * width`` must equal the number of input columns.
    quantity : {"p_change", "flip_away", "mean"}, default="p_change"
        Shown value; "mean" uses the predicted class.
    move : (to, from), optional
        Show ``Q[to, from]``, the mass moved from the class ``from`` to the class
        ``to``, instead of ``quantity``. Each class is given as
        :meth:`~engine.values.DistributionalValues.class_index` takes it (the
        rule of :mod:`engine.names`): a class name, or a position when no class
        name is a number. With classes ``1, 2, 3``, ``move=(2, 1)`` means the
        classes 2 and 1; the class at position ``p`` is ``result.classes[p]``.

    Returns
    -------
    plotly.graph_objects.Figure
        A heatmap of the values next to the input image.

    Raises
    ------
    ConfigError
        ``row`` is not a row label of the result, ``shape`` does not match the
        number of input columns, ``quantity`` is unknown, or ``move`` is not a
        pair of classes (a class it names is no class of the result, or an
        integer that is no class name while some class name is a number).
    """
    check_result("pixel_map", result, DistributionalValues)
    row = result.row_index(row, "pixel_map")
    check_choice("pixel_map", "quantity", quantity, PIXEL_QUANTITIES)
    if move is not None:
        move = _check_move(result, move)
    h, w = int(shape[0]), int(shape[1])
    if h * w != len(result.columns):
        raise ConfigError(
            f"pixel_map: shape {tuple(shape)} does not match {len(result.columns)} "
            "input columns."
        )
    classes = plot_texts(result.classes)
    if move is not None:
        per_player = result.transitions[row, :, move[0], move[1]]
        label = f"P({classes[move[1]]} -> {classes[move[0]]})"
    elif quantity == "mean":
        per_player = result.mean[row, :, result.predicted[row]]
        label = f"mean, class {classes[result.predicted[row]]}"
    else:
        per_player = getattr(result, quantity)[row]
        label = quantity
    pixels = np.full(h * w, np.nan)
    groups = result.config.get("groups", {})
    for i, name in enumerate(result.features):
        cols = groups.get(name, [name])
        for col in cols:
            pixels[result.columns.index(col)] = per_player[i]
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=("input", label))
    fig.add_trace(
        go.Heatmap(
            z=result.data[row].reshape(h, w), colorscale="gray_r", showscale=False
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Heatmap(z=pixels.reshape(h, w), colorscale="Viridis", colorbar_x=1.02),
        row=1,
        col=2,
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", row=1, col=1)
    fig.update_yaxes(autorange="reversed", scaleanchor="x2", row=1, col=2)
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=50, b=10))
    return fig
