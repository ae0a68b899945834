"""Plotly figure builders shared by the app and notebook users.

The builders take engine results (NumPy arrays and names) and return
``plotly.graph_objects.Figure`` objects; they never import Streamlit. plotly is part
of the ``app`` extra, so this package imports it lazily per module.
"""

from __future__ import annotations

from engine.plots.dag import (
    adjacency_heatmap,
    dag_diff_figure,
    dag_figure,
    edge_status,
    layered_layout,
    training_curves,
)

__all__ = [
    "adjacency_heatmap",
    "dag_diff_figure",
    "dag_figure",
    "edge_status",
    "layered_layout",
    "training_curves",
]
