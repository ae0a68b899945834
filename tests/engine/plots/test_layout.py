"""Figure titles sit above the plot area, below the strip the toolbar covers."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from engine.plots._layout import TITLE_WIDTH, set_title, title_lines
from engine.plots.dag import adjacency_heatmap, dag_diff_figure, dag_figure

LONG = "Probability that a feature changes the class (mean over rows)"


def test_long_titles_wrap_on_spaces_and_names_stay_whole():
    lines = title_lines(LONG)
    assert " ".join(lines) == LONG
    assert all(len(line) <= TITLE_WIDTH for line in lines) and len(lines) == 3
    name = "x" * 60
    assert title_lines(f"{name}: P(class)") == [f"{name}:", "P(class)"]


def test_a_title_sits_on_the_plot_area_with_the_toolbar_strip_free_above():
    one = set_title(go.Figure(), "Learned DAG")
    two = set_title(go.Figure(layout={"margin": {"l": 3, "b": 4}}), LONG)

    for fig in (one, two):
        title = fig.layout.title
        assert (title.yref, title.y, title.yanchor) == ("paper", 1, "bottom")
    assert two.layout.title.text.count("<br>") == 2
    assert two.layout.margin.t - one.layout.margin.t == 2 * 22  # two more lines
    # plotly sets the first line on the anchor and the rest below it: lifted
    assert two.layout.title.pad.b - one.layout.title.pad.b == 2 * 22
    assert two.layout.title.xref == "container"  # not after long axis labels
    assert one.layout.margin.t >= 32 + 22  # the toolbar's strip and a line
    assert (two.layout.margin.l, two.layout.margin.b) == (3, 4)  # kept


def test_the_dag_drawings_use_it():
    adjacency = np.array([[0, 1], [0, 0]], dtype=bool)
    names = ["a", "b"]
    figures = [
        dag_figure(adjacency, adjacency * 0.5, names),
        dag_diff_figure(adjacency, adjacency.T, names),
        adjacency_heatmap(adjacency * 0.5, names),
    ]
    for fig in figures:
        assert fig.layout.title.yref == "paper" and fig.layout.margin.t >= 54


def test_a_wrapped_title_keeps_its_spaces_when_its_lines_are_joined():
    # the page's text read "Probability that a featurechanges the class"
    text = set_title(go.Figure(), LONG).layout.title.text
    assert text.replace("<br>", "") == LONG
    assert "featurechanges" not in text.replace("<br>", "")
