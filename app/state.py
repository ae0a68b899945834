"""Session-state keys shared by the pages, in one place.

Widget keys vanish when their widget is not rendered, so durable values (the chosen
data set, results, job ids) live under these non-widget keys.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# The data set chosen on the Data page: a dict with keys ``name`` (str), ``frame``
# (pandas.DataFrame), ``target`` (str or None), ``truth`` (ndarray or None) and
# ``source`` ("sample" or "upload").
DATASET = "dataset"
# Last upload error shown on the Data page (str or None).
UPLOAD_ERROR = "upload_error"
# Seed used by every fit started from the app.
SEED = "seed"

# --- Causal discovery page ---
# Job id of the running DAG fit (str or None); errors land under CAUSAL_JOB + "_error".
CAUSAL_JOB = "causal_job"
# What the running fit was started on: dict with names, truth, label (see causal.py).
CAUSAL_PENDING = "causal_pending"
# The latest finished fit: dict with ``result`` (DagResult), ``truth`` (ndarray or
# None), ``label`` (str).
CAUSAL_RESULT = "causal_result"
# The selected node of the result (str); set by a click on the DAG or the selectbox.
CAUSAL_SELECTED = "causal_selected_node"
# Last chart click already applied to CAUSAL_SELECTED (tuple of node indices).
CAUSAL_LAST_CLICK = "causal_last_click"
# Prior knowledge being edited: dict with ``edges`` and ``tiers`` DataFrames.
CAUSAL_PRIOR = "causal_prior"
# Data set produced by the page's simulator (dict like DATASET).
CAUSAL_SIMULATED = "causal_simulated"
# Uploaded true graph aligned to the result's nodes (ndarray) or None, and its error.
CAUSAL_TRUTH = "causal_truth"
CAUSAL_TRUTH_ERROR = "causal_truth_error"


def get(key: str, default: Any = None) -> Any:
    """Read a durable session value."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Write a durable session value."""
    st.session_state[key] = value
