"""The metrics of a learned graph against a true one, as the page's tables show
them: one list of metrics with their conventions, and each value as text.

The Comparison tab (one run) and the Compare runs tab (two runs) both use these,
so the two tables list the same metrics under the same conventions.
"""

from __future__ import annotations

import numpy as np

from engine.dag.metrics import METRIC_CONVENTIONS, REPORTED_METRICS

__all__ = ["METRIC_NOTES", "metric_text", "metric_value"]

# what compare_graphs gives, less the raw counts the conventions already name
METRIC_NOTES = {k: METRIC_CONVENTIONS[k] for k in REPORTED_METRICS}


def metric_value(metrics: dict[str, float], key: str) -> float | str:
    """A comparison metric for the table: a number, or why it has none.

    A rate with nothing to divide by is NaN in :func:`compare_graphs` (precision
    and FDR of an empty prediction, TPR and recall of an empty truth); the table
    says ``n/a`` and why, rather than showing an empty cell.
    """
    value = metrics[key]
    if not (isinstance(value, float) and np.isnan(value)):
        return value
    if key in ("precision", "fdr") and metrics["n_edges"] == 0:
        return "n/a (no predicted edges)"
    if key in ("tpr", "recall") and metrics["n_true_edges"] == 0:
        return "n/a (no true edges)"
    if key == "f1" and metrics["n_edges"] == metrics["n_true_edges"] == 0:
        return "n/a (no edges in either graph)"
    return "n/a"


def metric_text(value: float | str) -> str:
    """A metric of :func:`metric_value` as the table shows it: a count whole, a
    rate to three significant digits, a reason as it is."""
    if isinstance(value, str):
        return value
    return f"{value:.3g}" if isinstance(value, float) else str(int(value))
