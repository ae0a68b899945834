"""Plotly figure builders shared by the app and notebook users.

The builders take engine results (NumPy arrays and names) and return
``plotly.graph_objects.Figure`` objects; they never import Streamlit. plotly is part
of the ``app`` extra, so this package imports it lazily per module.
"""

from __future__ import annotations

from engine.plots.bootstrap import bootstrap_figure
from engine.plots.dag import (
    adjacency_heatmap,
    dag_diff_figure,
    dag_figure,
    dag_layout,
    edge_status,
    layered_layout,
    training_curves,
)
from engine.plots.graphs import (
    accuracy_figure,
    edge_histogram_figure,
    graph_layout,
    learned_graph_figure,
    training_curves_figure,
)
from engine.plots.values import (
    mean_vs_reference,
    p_change_bars,
    pixel_map,
    transition_heatmap,
)

__all__: list[str] = [
    "accuracy_figure",
    "adjacency_heatmap",
    "bootstrap_figure",
    "dag_diff_figure",
    "dag_figure",
    "dag_layout",
    "edge_histogram_figure",
    "edge_status",
    "graph_layout",
    "layered_layout",
    "learned_graph_figure",
    "mean_vs_reference",
    "p_change_bars",
    "pixel_map",
    "training_curves",
    "training_curves_figure",
    "transition_heatmap",
]
