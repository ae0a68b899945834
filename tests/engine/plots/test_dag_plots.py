"""The DAG figures: one arrow per edge, dashed shafts where the docstrings say so."""

from __future__ import annotations

import numpy as np

from engine.plots.bootstrap import bootstrap_figure
from engine.plots.dag import dag_diff_figure, dag_figure, edge_status

NAMES = ["a", "b", "c"]


def _arrows(fig) -> list:
    return [a for a in fig.layout.annotations if a.showarrow]


def test_dag_figure_draws_one_solid_arrow_per_edge_and_colours_by_sign() -> None:
    adjacency = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]])
    weights = np.array([[0, 2.0, -1.0], [0, 0, 0.5], [0, 0, 0]])

    fig = dag_figure(adjacency, weights, NAMES)

    arrows = _arrows(fig)
    assert len(arrows) == 3 and not fig.layout.shapes
    colours = sorted(a.arrowcolor for a in arrows)
    assert colours == ["#1f77b4", "#1f77b4", "#d62728"]
    assert max(a.arrowwidth for a in arrows) == 5.0  # |w| = 2 is the widest
    assert list(fig.data[0].customdata) == [0, 1, 2]
    assert "parents: a, b" in fig.data[0].hovertext[2]


def test_diff_figure_draws_missing_edges_dotted() -> None:
    truth = np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]])
    pred = np.array([[0, 0, 1], [0, 0, 1], [0, 0, 0]])

    status = edge_status(truth, pred)
    fig = dag_diff_figure(truth, pred, NAMES)

    assert status == {
        "correct": [(0, 2)],
        "reversed": [],
        "missing": [(0, 1)],
        "extra": [(1, 2)],
    }
    assert len(_arrows(fig)) == 3
    assert [s.line.dash for s in fig.layout.shapes] == ["dot"]
    legend = {t.name.split()[0]: t.line.dash for t in fig.data if t.name}
    assert legend["missing"] == "dot" and legend["correct"] == "solid"


def test_bootstrap_figure_dashes_frequent_edges_left_out_of_the_consensus() -> None:
    freq = np.array([[0, 0.9, 0.0], [0.6, 0, 0.3], [0, 0, 0]])
    consensus = np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]], dtype=bool)

    fig = bootstrap_figure(freq, consensus, NAMES, threshold=0.5)

    assert len(_arrows(fig)) == 2  # 0->1 (consensus) and 1->0 (dropped); not 1->2
    assert len(fig.layout.shapes) == 1
    shape = fig.layout.shapes[0]
    assert shape.line.dash == "dash"
    labels = sorted(a.text for a in fig.layout.annotations if not a.showarrow)
    assert labels == ["0.60", "0.90"]
