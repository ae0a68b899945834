"""Session-state keys shared by the pages, in one place.

Widget keys vanish when their widget is not rendered, so durable values (the chosen
data set, results, job ids) live under these non-widget keys.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# The data set chosen on the Data page: a dict with keys ``name`` (str), ``frame``
# (pandas.DataFrame), ``target`` (str or None), ``truth`` (bool ndarray (d, d) over
# the frame's columns, or None), ``source`` ("sample" or "upload"), ``report``
# (engine.data.DataReport), ``description`` (str) and ``id`` (str, changes whenever
# another data set is chosen: "sample:<name>" or "upload:<sha256>").
DATASET = "dataset"
# Last upload error shown on the Data page (str or None).
UPLOAD_ERROR = "upload_error"
# file_id of the upload already handled (parsing happens once per file).
UPLOAD_ID = "upload_id"
# Data set id the target selectbox was last initialised for.
TARGET_FOR = "target_for"
# Seed used by every fit started from the app.
SEED = "seed"


def get(key: str, default: Any = None) -> Any:
    """Read a durable session value."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Write a durable session value."""
    st.session_state[key] = value


# Learn-a-graph page: the running job id, its finished GraphResult, and the node
# selected in the learned graph (index, set by a click or the selectbox).
GRAPH_JOB = "graph_job"
GRAPH_RESULT = "graph_result"
GRAPH_NODE = "graph_node"
