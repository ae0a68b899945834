"""Session-state keys shared by the pages, in one place.

Widget keys vanish when their widget is not rendered, so durable values (the chosen
data set, results, job ids) live under these non-widget keys.
"""

from __future__ import annotations

from collections.abc import Mapping
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
# The message about the last known-graph file of the Data page: (data set id,
# "success" or "error", text), or None; shown while that data set is chosen.
DATA_TRUTH_MESSAGE = "data_truth_message"
# Seed used by every fit started from the app.
SEED = "seed"

# --- Causal discovery page ---
# Job id of the running DAG fit (str or None); errors land under CAUSAL_JOB + "_error".
CAUSAL_JOB = "causal_job"
# What the running fit was started on: dict with truth, label and made_on (see
# causal.py).
CAUSAL_PENDING = "causal_pending"
# The latest finished fit: dict with ``result`` (DagResult), ``truth`` (ndarray or
# None), ``label`` (str) and ``made_on`` (its inputs, from
# app.components.made_on.made_on; the page notes when they differ from the current
# ones).
CAUSAL_RESULT = "causal_result"
# Every finished fit of the session, oldest first (dicts like CAUSAL_RESULT), for
# the side-by-side comparison of two runs; capped in causal.py.
CAUSAL_RUNS = "causal_runs"
# The selected node of the result (str); set by a click on the DAG or the selectbox.
CAUSAL_SELECTED = "causal_selected_node"
# Prior knowledge being edited: dict with ``edges`` and ``tiers`` DataFrames, the
# editors' latest output (what a fit uses).
CAUSAL_PRIOR = "causal_prior"
# What each prior editor was started from: dict ``edges``/``tiers`` -> dict with
# ``table`` (the DataFrame given to the editor), ``names`` (the nodes it offers),
# ``key`` (its widget key, new for each start) and ``version``; see causal.py.
CAUSAL_PRIOR_START = "causal_prior_start"
# file_id of the prior CSV each uploader last delivered (dict ``edges``/``tiers``),
# so that a file is loaded, or refused with an error, once.
CAUSAL_PRIOR_LOADED = "causal_prior_loaded"
# The reader's notes (Markdown) on the prior file each uploader holds (dict
# ``edges``/``tiers`` -> list of str: no kind column, columns not read), shown
# under the uploaders until another file, or none, is there.
CAUSAL_PRIOR_NOTES = "causal_prior_notes"
# How often each prior uploader was emptied after refusing a file (dict
# ``edges``/``tiers`` -> int): its widget key carries the number, so a refused
# file's name does not stay in the uploader as if it had been loaded.
CAUSAL_PRIOR_UPLOADS = "causal_prior_uploads"
# Tables for the prior editors (dict ``edges``/``tiers`` -> DataFrame) written by
# "Add to prior knowledge" (edits of learned edges) or "Load work", loaded into the
# editors on the next run like an uploaded file, then removed; and the message about
# the last edits, ("success" or "error", text), shown once.
CAUSAL_PRIOR_EDITED = "causal_prior_edited"
# The message about the last work file loaded ("success" or "error", text), shown
# once under the "Load work" uploader.
CAUSAL_WORK_MESSAGE = "causal_work_message"
CAUSAL_EDIT_MESSAGE = "causal_edit_message"
# The id of the Data page's data set when the page last looked (str or None): when
# it changes, the page's 'Data' choice follows the Data page.
CAUSAL_DATA_SEEN = "causal_data_seen"
# The data set the prior in the editors belongs to (str: the data set's id, or
# "simulator" for every simulated data set), and the prior kept per data set (dict
# of such a str -> dict ``edges``/``tiers`` -> DataFrame), brought back when the
# user chooses that data set again.
CAUSAL_PRIOR_HOME = "causal_prior_home"
CAUSAL_PRIOR_KEPT = "causal_prior_kept"
# The message about the last "Drop the entries naming them" or "Clear the prior
# knowledge" (str), shown once.
CAUSAL_PRIOR_MESSAGE = "causal_prior_message"
# Data set produced by the page's simulator (dict like DATASET).
CAUSAL_SIMULATED = "causal_simulated"
# A simulation too long for the page script runs in the worker: its job id
# (errors under CAUSAL_SIM_JOB + "_error"), the simulator's settings it was
# started with (dict, for the data set's name) and the message shown once
# when it was cancelled (str or None).
CAUSAL_SIM_JOB = "causal_sim_job"
CAUSAL_SIM_PENDING = "causal_sim_pending"
CAUSAL_SIM_MESSAGE = "causal_sim_message"
# Uploaded true graph as a dict with the file's ``name`` and ``data`` (bytes), re-read
# against each result's nodes, or None; and the last upload's error (str or None).
CAUSAL_TRUTH = "causal_truth"
CAUSAL_TRUTH_ERROR = "causal_truth_error"


# Value widgets whose choices should outlive a visit to another page (Streamlit
# drops a widget's value when the widget is not drawn). Only widgets whose value
# may be set through session state belong here: never buttons, file uploaders,
# data editors or charts; and only widgets whose options and ranges do not depend
# on the data (a kept value outside new bounds would be an error).
KEPT_WIDGETS = (
    "causal_source",
    "causal_sample",
    "causal_missing",
    "causal_scale",
    "causal_scale_sim",
    "causal_method",
    # 'Hide edges with |weight| below': its range follows the result, and the page
    # lowers a kept value above the new result's largest |weight| before drawing it
    "causal_weight_threshold",
    "boot_n",
    "boot_executor",
    "boot_threshold",
    "sim_d",
    "sim_n",
    "sim_k",
    "sim_graph",
    "sim_noise",
    "sim_sem",
    "sim_std",
    # Explain page: table, label and settings (a selectbox whose kept value is no
    # longer among its options falls back to its default)
    "explain_w_source",
    "explain_w_target",
    "explain_w_players",
    "explain_w_kind",
    "explain_w_operator",
    "explain_w_removal",
    "explain_w_estimator",
    "explain_w_samples",
    "explain_w_missing",
    # the contrast classes (the page's default when the classes change)
    "explain_w_from",
    "explain_w_to",
    # the row to explain and the global view's row count (the page clamps both to
    # the table before drawing them)
    "explain_w_row",
    "explain_w_global_rows",
    # the global view's own budget (the single-row one sits with the row)
    "explain_w_global_samples",
    # Learn-a-graph page: table and label
    "graph_source",
    "graph_sample",
    "graph_target",
)
# causal columns and method options; the Learn-a-graph options and split sizes
# (per data set; the page clamps them to the data before drawing them)
KEPT_WIDGET_PREFIXES = (
    "causal_cols_",
    "opt_",
    "graph_opt_",
    "graph_split_",
    "explain_w_classes_",
)


# Copies of the kept widget values under keys no widget uses: Streamlit never
# drops these, while it can drop a widget's own value even when it is written back
# on every run (a `run_every` fragment firing after the user left its page evicts
# the widgets it does not draw; streamlit issue 10805, still open in 1.67).
_SHADOW = "kept_value::"


def _kept(key: str) -> bool:
    return key in KEPT_WIDGETS or key.startswith(KEPT_WIDGET_PREFIXES)


def keep_widget_values() -> None:
    """Keep the values of :data:`KEPT_WIDGETS` (and prefixes) across page switches.

    Writing a widget's value back to session state on every run (the entry script
    runs on every page) stops Streamlit from discarding it while its page is not
    shown, so the user's method, options and scaling are still set on return. A
    copy under a non-widget key restores a value that Streamlit evicted anyway.
    """
    for key in list(st.session_state.keys()):
        if key.startswith(_SHADOW):
            widget = key[len(_SHADOW) :]
            if widget not in st.session_state:
                st.session_state[widget] = st.session_state[key]
    for key in list(st.session_state.keys()):
        if _kept(key):
            value = st.session_state[key]
            st.session_state[key] = value
            st.session_state[_SHADOW + key] = value


def get(key: str, default: Any = None) -> Any:
    """Read a durable session value."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Write a durable session value."""
    st.session_state[key] = value


# --- Explain a classifier page ------------------------------------------------------
# The table in use: dict with ``name``, ``target`` (str) and ``features``.
EXPLAIN_DATA = "explain_data"
# The model in use: dict with ``model``, ``kind``, ``accuracy`` (float or None),
# ``features``, ``classes``, ``source`` ("trained" or "skops"), ``key`` (table and
# label column), ``id`` (str, new for every model trained or loaded), ``warning``
# (str or None: an uploaded model's classes are not the label column's) and, for
# uploads, ``skops`` (the file's bytes, re-read safely by the background worker).
EXPLAIN_MODEL = "explain_model"
# Last single-row explanation (engine.values.DistributionalValues) and the ``id``
# of the model that made it; shown only with that model.
EXPLAIN_RESULT = "explain_result"
EXPLAIN_RESULT_MODEL = "explain_result_model"
# Explanation of many rows for the global view (DistributionalValues) and the
# ``id`` of its model.
EXPLAIN_GLOBAL = "explain_global"
EXPLAIN_GLOBAL_MODEL = "explain_global_model"
# Job id of the running global explanation; its error under EXPLAIN_JOB + "_error";
# the ``id`` of the model it runs.
EXPLAIN_JOB = "explain_job"
EXPLAIN_JOB_MODEL = "explain_job_model"
# Job id of the running single-row explanation (its error under
# EXPLAIN_ROW_JOB + "_error") and the ``id`` of the model it runs.
EXPLAIN_ROW_JOB = "explain_row_job"
EXPLAIN_ROW_JOB_MODEL = "explain_row_job_model"
# What the running single-row explanation was started for: dict with ``row``
# (int) and ``edits`` (feature -> (table value, value explained)); kept with the
# result in its config and notes (see explain.py).
EXPLAIN_ROW_JOB_INPUTS = "explain_row_job_inputs"
# What-if values typed into the row editor, kept per row for the session: dict
# (table name, missing-value choice, row) -> dict feature -> value; and the number
# of times each row's edits were reset (part of the editor's widget key).
EXPLAIN_EDITS = "explain_edits"
EXPLAIN_EDITS_RESET = "explain_edits_reset"
# Rows asked for by the running global explanation and by the shown one (int).
EXPLAIN_JOB_ROWS = "explain_job_rows"
EXPLAIN_GLOBAL_ROWS = "explain_global_rows"
# Job id of the model being trained in the background worker (its error under
# EXPLAIN_TRAIN_JOB + "_error"), and the ``key`` of the data it was started on.
EXPLAIN_TRAIN_JOB = "explain_train_job"
EXPLAIN_TRAIN_KEY = "explain_train_key"
# Seconds per model row of the model in use, timed once per model and settings:
# dict (model id, operator, removal, estimator, players) -> float (see
# engine.values.cost); the global view says how long a run will take from it.
EXPLAIN_COST = "explain_cost"
# Why the model in use was dropped (str or None): it was made on an upload the
# Data page has since replaced; shown until another model is used.
EXPLAIN_DROPPED = "explain_dropped"
# Last error message of the page (str or None).
EXPLAIN_ERROR = "explain_error"
# The feature selected for the transition heatmap (str); set by the selectbox.
EXPLAIN_PLAYER = "explain_player"
# Widget keys of the page.
EXPLAIN_W_SOURCE = "explain_w_source"
EXPLAIN_W_TARGET = "explain_w_target"
EXPLAIN_W_KIND = "explain_w_kind"
EXPLAIN_W_UPLOAD = "explain_w_upload"
EXPLAIN_W_ROW = "explain_w_row"
EXPLAIN_W_EDIT = "explain_w_edit"
EXPLAIN_W_OPERATOR = "explain_w_operator"
EXPLAIN_W_REMOVAL = "explain_w_removal"
EXPLAIN_W_ESTIMATOR = "explain_w_estimator"
EXPLAIN_W_SAMPLES = "explain_w_samples"
EXPLAIN_W_MISSING = "explain_w_missing"
EXPLAIN_W_PLAYERS = "explain_w_players"
EXPLAIN_W_FROM = "explain_w_from"
EXPLAIN_W_TO = "explain_w_to"
EXPLAIN_W_GLOBAL_ROWS = "explain_w_global_rows"
EXPLAIN_W_GLOBAL_SAMPLES = "explain_w_global_samples"
# 'Classes shown', one per number of classes (suffix _<n classes>)
EXPLAIN_W_CLASSES = "explain_w_classes"
EXPLAIN_W_TRAIN = "explain_w_train"
EXPLAIN_W_LOAD = "explain_w_load"
EXPLAIN_W_RUN = "explain_w_run"
EXPLAIN_W_GLOBAL_RUN = "explain_w_global_run"
EXPLAIN_W_PLAYER = "explain_w_player"
# Learn-a-graph page: the running job id, its finished GraphResult, and the node
# selected in the learned graph (index, set by a click or the selectbox).
GRAPH_JOB = "graph_job"
GRAPH_RESULT = "graph_result"
GRAPH_NODE = "graph_node"
# What the running fit and the finished one were made on: dict with ``key`` (the
# table's id, the label column and the missing-value choice; the result is shown
# only while the page's inputs have the same key) and ``label`` (words for the user).
GRAPH_PENDING = "graph_pending"
GRAPH_RESULT_FOR = "graph_result_for"
# The other of two results kept when a cancelled fit ended while a complete result
# was there: {"result": GraphResult, "for": its GRAPH_RESULT_FOR}. The complete
# one stays shown and the partial one is offered (or the other way round, when
# the user chose to look at the partial one); ``None`` otherwise.
GRAPH_OTHER = "graph_other"
# Bootstrap on the Causal discovery page: the running job id (errors under
# CAUSAL_BOOT_JOB + "_error") and the finished engine.dag.bootstrap.BootstrapResult.
CAUSAL_BOOT_JOB = "causal_boot_job"
CAUSAL_BOOT_RESULT = "causal_boot_result"
# What the running bootstrap and the finished one were made on (dicts of
# app.components.made_on.made_on; a note says so when the inputs differ).
CAUSAL_BOOT_PENDING = "causal_boot_pending"
CAUSAL_BOOT_RESULT_FOR = "causal_boot_result_for"


def uploaded_dataset() -> dict[str, Any] | None:
    """The Data page's data set when the user uploaded it, else ``None``.

    The other pages offer it as their first choice. A bundled sample picked on the
    Data page is not repeated as a separate choice: those pages list the samples
    themselves and preselect it (see ``data_page_sample``).
    """
    dataset = get(DATASET)
    if dataset is None or dataset.get("source") != "upload":
        return None
    return dataset


def data_page_sample(choices: tuple[str, ...] | list[str], fallback: str) -> int:
    """Index in ``choices`` of the Data page's sample, else of ``fallback``."""
    dataset = get(DATASET)
    name = (
        dataset.get("name") if dataset and dataset.get("source") == "sample" else None
    )
    return list(choices).index(name if name in choices else fallback)


# --- kept across a browser reload (app/session_store.py) ----------------------------
# Job-id keys of the background fits; each has its error under key + "_error".
JOB_KEYS = (
    CAUSAL_JOB,
    CAUSAL_BOOT_JOB,
    CAUSAL_SIM_JOB,
    EXPLAIN_JOB,
    EXPLAIN_ROW_JOB,
    EXPLAIN_TRAIN_JOB,
    GRAPH_JOB,
)
# The durable values a reloaded session gets back: every key above but the widget
# keys (the kept widget values travel as their copies, see keep_widget_values).
DURABLE_KEYS = (
    DATASET,
    UPLOAD_ERROR,
    UPLOAD_ID,
    TARGET_FOR,
    DATA_TRUTH_MESSAGE,
    SEED,
    CAUSAL_PENDING,
    CAUSAL_RESULT,
    CAUSAL_RUNS,
    CAUSAL_SELECTED,
    CAUSAL_PRIOR,
    CAUSAL_PRIOR_START,
    CAUSAL_PRIOR_LOADED,
    CAUSAL_PRIOR_NOTES,
    CAUSAL_PRIOR_UPLOADS,
    CAUSAL_PRIOR_EDITED,
    CAUSAL_WORK_MESSAGE,
    CAUSAL_EDIT_MESSAGE,
    CAUSAL_DATA_SEEN,
    CAUSAL_PRIOR_HOME,
    CAUSAL_PRIOR_KEPT,
    CAUSAL_PRIOR_MESSAGE,
    CAUSAL_SIMULATED,
    CAUSAL_SIM_PENDING,
    CAUSAL_SIM_MESSAGE,
    CAUSAL_TRUTH,
    CAUSAL_TRUTH_ERROR,
    CAUSAL_BOOT_RESULT,
    CAUSAL_BOOT_PENDING,
    CAUSAL_BOOT_RESULT_FOR,
    EXPLAIN_DATA,
    EXPLAIN_MODEL,
    EXPLAIN_RESULT,
    EXPLAIN_RESULT_MODEL,
    EXPLAIN_GLOBAL,
    EXPLAIN_GLOBAL_MODEL,
    EXPLAIN_JOB_MODEL,
    EXPLAIN_ROW_JOB_MODEL,
    EXPLAIN_ROW_JOB_INPUTS,
    EXPLAIN_EDITS,
    EXPLAIN_EDITS_RESET,
    EXPLAIN_JOB_ROWS,
    EXPLAIN_GLOBAL_ROWS,
    EXPLAIN_TRAIN_KEY,
    EXPLAIN_ERROR,
    EXPLAIN_COST,
    EXPLAIN_DROPPED,
    EXPLAIN_PLAYER,
    GRAPH_RESULT,
    GRAPH_NODE,
    GRAPH_PENDING,
    GRAPH_RESULT_FOR,
    GRAPH_OTHER,
    *JOB_KEYS,
    *(key + "_error" for key in JOB_KEYS),
)


# Values that mean the session holds work a reload should not lose: results, runs,
# a simulated table, an uploaded true graph, a trained model and running fits; an
# uploaded data set and prior knowledge are checked apart (see holds_work).
WORK_KEYS = (
    CAUSAL_RESULT,
    CAUSAL_RUNS,
    CAUSAL_SIMULATED,
    CAUSAL_TRUTH,
    CAUSAL_BOOT_RESULT,
    EXPLAIN_MODEL,
    EXPLAIN_RESULT,
    EXPLAIN_GLOBAL,
    GRAPH_RESULT,
    GRAPH_OTHER,
    *JOB_KEYS,
)


def _filled(value: Any) -> bool:
    if value is None:
        return False
    try:
        return len(value) > 0
    except TypeError:  # a result object: there
        return True


def holds_work(values: Mapping[str, Any]) -> bool:
    """Whether saved session values hold work, beyond a look at the samples.

    Parameters
    ----------
    values : mapping
        :func:`durable_values` of a session.

    Returns
    -------
    bool
        True when any of :data:`WORK_KEYS` is filled, the data set is an upload,
        or the prior knowledge being edited has a row.
    """
    if any(_filled(values.get(key)) for key in WORK_KEYS):
        return True
    dataset = values.get(DATASET)
    if isinstance(dataset, Mapping) and dataset.get("source") == "upload":
        return True
    prior = values.get(CAUSAL_PRIOR)
    if isinstance(prior, Mapping):
        return any(_filled(table) for table in prior.values())
    return False


def durable_values() -> dict[str, Any]:
    """The session's :data:`DURABLE_KEYS` and kept widget values, by reference.

    Widget values are given under the keys of their copies (see
    :func:`keep_widget_values`), which a new session may set before the widgets
    are drawn.
    """
    session = st.session_state
    values = {key: session[key] for key in DURABLE_KEYS if key in session}
    for key in list(session.keys()):
        if key.startswith(_SHADOW):
            values.setdefault(key, session[key])
        elif _kept(key):
            values[_SHADOW + key] = session[key]
    return values
