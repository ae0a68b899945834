"""Causal discovery page: learn a DAG from a table, inspect it, compare, download."""

from __future__ import annotations

import csv
import dataclasses
import io
import typing
import uuid
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.components import bootstrap_panel, prior_editor
from app.components.made_on import made_on, result_json, same_inputs, stale_note
from app.components.metric_table import METRIC_NOTES, metric_text, metric_value
from app.components.names import short_labels
from app.components.run_compare import polish_stopped, render_run_comparison
from app.components.text import count, literal, page_error
from app.components.work_file import dump_work, largest_weight, parse_work
from app.jobs import POLL_WORDS, get_registry, render_job, show_message
from engine import load_sample
from engine.dag import (
    METHODS,
    PriorKnowledge,
    compare_graphs,
    make_config,
    simulate_sem,
    varsortability,
)
from engine.dag.permutahedron import (
    PermutahedronConfig,
    cost_warning,
    polish_reach_used,
)
from engine.dag.simulate import (
    GRAPHS,
    NOISES,
    SEMS,
    check_simulation,
    simulation_seconds,
)
from engine.data import default_nodes, to_matrix
from engine.errors import DataError, EngineError, GraphError, format_names
from engine.graph_io import graph_to_text, read_graph
from engine.plots import adjacency_heatmap, dag_diff_figure, dag_figure, training_curves
from engine.runtime import duration_words
from engine.validation import unpadded_match

# Finished fits kept for the side-by-side comparison (oldest dropped first).
MAX_RUNS = 10
# Rows learn_dag needs at least (and the dag command: engine.commands.dag.MIN_ROWS)
MIN_ROWS = 3
# pixel width of the "Node" select box, above the drawing: a 25-character short
# name and the box's arrow fit (in the drawing's right-hand column, 109 px wide at
# 800 px, 8 + 8 characters were cut to "Phosphor…icat")
NODE_BOX_WIDTH = 360
CAUSAL_SAMPLES = ("sachs", "linear_gaussian", "wine", "breast_cancer")
SCALING_NOTE = (
    "Scaling changes the answer: on raw data the variances carry information "
    "(variance often grows along the causal order), which score-based methods "
    "exploit; standardising removes it, so only the dependence structure is left, "
    "and their equal-variance score loses its footing (simulated ER2 data, d = 20: "
    "median SHD 65 standardised against 0 raw; the empty graph scores 38). "
    "Standardise columns in arbitrary units (as Sachs); keep comparable units raw."
)
# 'Scaling' is one choice for the tables (samples, the Data page's) and another
# for the simulator's data, so that neither silently applies to the other
SCALE_KEY, SIM_SCALE_KEY = "causal_scale", "causal_scale_sim"
SCALING_HELP = (
    "Kept apart for tables and for simulated data. The samples and the Data "
    "page's table share one choice, 'standardize' until you change it. The "
    "simulator has its own: **Simulate** sets it to 'none', since 'Standardise "
    "the simulated columns' decides the scale of its data. A choice made for one "
    "never carries over to the other."
)


def _scale_key(source: str | None) -> str:
    """The widget key of 'Scaling' for data from ``source``."""
    return SIM_SCALE_KEY if source == "simulator" else SCALE_KEY


# Why the shown graph is a DAG, per method (the caption of a result).
ACYCLIC_NOTES = {
    "permutahedron": "The graph is the best ordering's refit, a DAG by construction.",
    "dagdb": (
        "The graph is the noise-free MAP graph made acyclic by dropping the "
        "lowest-weight backward edges (feedback arc set), less the edges whose "
        "refitted weight is below the pruning threshold."
    ),
}
# --- data ---


@st.cache_data(show_spinner=False)
def _sample(name: str) -> dict[str, Any]:
    s = load_sample(name)
    return {
        "name": name,
        "frame": s.frame,
        "target": s.target,
        "truth": s.truth,
        "source": "sample",
        "id": f"sample:{name}",
    }


def _follow_data_page() -> None:
    """Point 'Data' at the Data page's data set when it changed since the last run.

    After another upload or sample there, the choice here shows it: an upload
    under 'Data page', a sample this page offers under 'Sample'. A sample it
    does not offer leaves the choice as it was.
    """
    dataset = state.get(state.DATASET)
    now = None if dataset is None else dataset.get("id")
    if now == state.get(state.CAUSAL_DATA_SEEN):
        return
    state.put(state.CAUSAL_DATA_SEEN, now)
    if dataset is None:
        return
    if dataset.get("source") == "upload":
        st.session_state["causal_source"] = "Data page"
    elif dataset.get("name") in CAUSAL_SAMPLES:
        st.session_state["causal_source"] = "Sample"
        st.session_state["causal_sample"] = dataset["name"]


def _choose_data() -> dict[str, Any] | None:
    _follow_data_page()
    options = ["Sample", "Simulator"]
    uploaded = state.uploaded_dataset()
    if uploaded is not None:
        options.insert(0, "Data page")
    source = st.radio("Data", options, horizontal=True, key="causal_source")
    if source != "Simulator":  # a simulation started there goes on meanwhile
        _simulation_job()
    if source == "Data page":
        st.caption(f"Data set from the Data page: **{literal(uploaded['name'])}**")
        return uploaded
    if source == "Sample":
        name = st.selectbox(
            "Sample",
            CAUSAL_SAMPLES,
            index=state.data_page_sample(CAUSAL_SAMPLES, "sachs"),
            key="causal_sample",
            help="Sachs and linear_gaussian come with a true graph.",
        )
        return _sample(name)
    return _simulator()


# A simulation estimated to take longer than this many seconds
# (engine.dag.simulate.simulation_seconds) runs in the background worker, with
# progress and Cancel; a shorter one runs in the page script, with no wait in
# the worker's line. Only the GP SEMs get there: the others take under 2 s at the
# form's largest settings (mlp: 1.45 s at 100 nodes, 20000 samples, 6 edges per
# node), gp_add at 20 nodes and 2000 samples about 55 s, at 100 nodes some 15 min.
INLINE_SIM_S = 2.0
# The simulator's number boxes: label, smallest, largest and default value. The
# boxes have no min/max of their own (the browser refused a value outside them
# inside the box, and Simulate then did nothing, unsaid); the page checks them.
SIM_RANGES = {
    "sim_d": ("Nodes", 3, 100, 8),
    "sim_n": ("Samples", 20, 20000, 500),
    "sim_k": ("Edges per node", 0.5, 6.0, 1.5),
}


def _sim_box(column: Any, key: str) -> Any:
    """The simulator's number box ``key`` of :data:`SIM_RANGES`, unbounded."""
    label, low, high, default = SIM_RANGES[key]
    step = 0.5 if isinstance(default, float) else 1
    return column.number_input(
        label,
        value=default,
        step=step,
        key=key,
        help=f"From {low:g} to {high:g}.",
    )


def _sim_range_problem(values: dict[str, float]) -> str | None:
    """Which simulator boxes (key -> value) are outside their range, in words,
    or ``None``."""
    problems = []
    for key, value in values.items():
        label, low, high, default = SIM_RANGES[key]
        if low <= value <= high:
            continue
        whole = "a whole number " if isinstance(default, int) else ""
        problems.append(
            f"'{label}' must be {whole}from {low:g} to {high:g}; got {value:g}."
        )
    return " ".join(problems) or None


def _simulator() -> dict[str, Any] | None:
    busy = state.get(state.CAUSAL_SIM_JOB) is not None
    with st.form("causal_sim_form"):
        c1, c2, c3 = st.columns(3)
        d = _sim_box(c1, "sim_d")
        n = _sim_box(c2, "sim_n")
        k = _sim_box(c3, "sim_k")
        graph = c1.selectbox(
            "Graph",
            GRAPHS,
            key="sim_graph",
            help="Erdős–Rényi, scale-free, or bipartite (edges from the top 20% of "
            "the nodes to the others).",
        )
        noise = c2.selectbox("Noise", NOISES, key="sim_noise")
        sem = c3.selectbox(
            "SEM",
            SEMS,
            key="sim_sem",
            help="How a node depends on its parents: linear, binary logistic, "
            "MLP, index model (tanh + cos + sin), or a Gaussian-process draw "
            "(gp_add: one per parent, summed); see engine.dag.simulate_sem. The "
            "GP draws cost n³ in the samples (about 2 s each at 2000 on one "
            "core): a long simulation runs in the background, with progress and "
            "**Cancel**.",
        )
        std = st.checkbox("Standardise the simulated columns", key="sim_std")
        go = st.form_submit_button("Simulate", disabled=busy)
    problem = _sim_range_problem({"sim_d": d, "sim_n": n, "sim_k": k})
    if problem is not None:
        _say_out_of_range(problem)
    elif go:
        st.session_state.pop(state.CAUSAL_SIM_MESSAGE, None)
        try:
            _simulate(int(d), int(n), float(k), graph, noise, sem, std)
        except EngineError as err:  # e.g. too many samples for a GP SEM
            st.error(literal(page_error(err)))
        if state.get(state.CAUSAL_SIM_JOB) is not None:
            st.rerun()  # draw Simulate off while the worker simulates
    _simulation_job(messages=True)
    data = state.get(state.CAUSAL_SIMULATED)
    if data is None:
        if state.get(state.CAUSAL_SIM_JOB) is None:
            st.info("Set the simulator and press **Simulate**.")
        return None
    edges = int(np.count_nonzero(data["truth"]))
    st.caption(
        f"{data['name']}: {count(edges, 'edge')} "
        f"({edges / max(len(data['frame'].columns), 1):.3g} per node); "
        f"varsortability {data['varsortability']:.2f} "
        "(near 1: sorting by variance alone recovers the order). Simulate sets "
        "'Scaling' to none: 'Standardise the simulated columns' decides the scale."
    )
    for note in data.get("warnings", ()):
        # the library names its parameter; the form calls it 'Edges per node'
        st.warning(
            literal(page_error(note).replace("edges_per_node", "'Edges per node'"))
        )
    return data


def _say_out_of_range(problem: str) -> None:
    """The error for simulator boxes out of range (:func:`_sim_range_problem`),
    saying that the data shown are the last simulation's."""
    data = state.get(state.CAUSAL_SIMULATED)
    kept = (
        f" The data below are still those of the last simulation, "
        f"{literal(data['name'])}."
        if data is not None
        else ""
    )
    st.error(
        f"{problem} Nothing was simulated: change it and press **Simulate** "
        f"again.{kept}"
    )


def _simulation_job(messages: bool = False) -> None:
    """The background simulation's progress and Cancel; with ``messages`` (the
    simulator is the data source) also its error or the word that it was
    cancelled (once), which wait for the simulator otherwise."""
    render_job(state.CAUSAL_SIM_JOB, _on_simulated, what="The simulation")
    pending = state.get(state.CAUSAL_SIM_PENDING) or {}
    if state.get(state.CAUSAL_SIM_JOB) is not None and pending.get("seconds", 0) > 60:
        st.caption(
            f"This simulation takes about {duration_words(pending['seconds'])}, and "
            "fits started meanwhile wait for it (the worker runs one job at a "
            "time). Fewer samples shorten it most (each GP draw costs n³), then "
            "fewer nodes or edges per node."
        )
    if not messages:
        return
    error = state.get(state.CAUSAL_SIM_JOB + "_error")
    if error:
        show_message(error)
    message = st.session_state.pop(state.CAUSAL_SIM_MESSAGE, None)
    if message:
        st.info(message)


def _sim_name(settings: dict[str, Any]) -> str:
    """The name of a simulated data set, from the simulator's settings."""
    return (
        f"simulated {settings['graph']}{settings['edges_per_node']:g} "
        f"d={settings['n_nodes']} n={settings['n_samples']} "
        f"({settings['noise']}, {settings['sem']})"
    )


def _simulate(
    d: int, n: int, k: float, graph: str, noise: str, sem: str, std: bool
) -> None:
    """Simulate a data set and make it the simulator's; Scaling goes to none.

    A simulation estimated to take over :data:`INLINE_SIM_S` seconds is handed
    to the background worker instead (:func:`_on_simulated` stores it). Its
    settings are checked here first, so that a refusal is said at once.
    """
    settings = {
        "n_nodes": d,
        "n_samples": n,
        "edges_per_node": k,
        "graph": graph,
        "noise": noise,
        "sem": sem,
    }
    check_simulation(**settings)
    kwargs = {**settings, "standardize": std, "seed": int(state.get(state.SEED, 0))}
    cost = simulation_seconds(d, n, edges_per_node=k, graph=graph, sem=sem)
    if cost <= INLINE_SIM_S:
        _store_simulated(simulate_sem(**kwargs), settings)
        return
    job = get_registry().submit(
        "app.jobs:run_abandonable",
        {"target": "engine.dag.simulate:simulate_sem", "kwargs": kwargs},
        label=f"{_sim_name(settings)}, about {duration_words(cost)} on one core",
        phase="starting",
    )
    state.put(state.CAUSAL_SIM_JOB, job)
    state.put(state.CAUSAL_SIM_JOB + "_error", None)
    state.put(state.CAUSAL_SIM_PENDING, {**settings, "seconds": cost})


def _on_simulated(sim: Any) -> None:
    """Store a background simulation's data set (``None``: it was cancelled)."""
    if sim is None:
        kept = state.get(state.CAUSAL_SIMULATED) is not None
        state.put(
            state.CAUSAL_SIM_MESSAGE,
            "The simulation was cancelled"
            + ("; the data simulated before are kept." if kept else "."),
        )
        return
    _store_simulated(sim, state.get(state.CAUSAL_SIM_PENDING) or {})


def _store_simulated(sim: Any, settings: dict[str, Any]) -> None:
    """Make ``sim`` (a SimulatedData) the simulator's data set."""
    frame = pd.DataFrame(sim.X, columns=list(sim.node_names))
    state.put(
        state.CAUSAL_SIMULATED,
        {
            "name": _sim_name(settings),
            "frame": frame,
            "target": None,
            "truth": sim.adjacency,
            "source": "simulator",
            "id": f"simulated:{uuid.uuid4().hex}",  # each press new data
            "varsortability": varsortability(sim.X, sim.adjacency),
            "warnings": tuple(sim.warnings),
        },
    )
    # the simulator's own box decides the scale of its data; standardising
    # again would hide what 'Standardise the simulated columns' left
    st.session_state[SIM_SCALE_KEY] = "none"


def _prepare(
    data: dict[str, Any],
) -> tuple[np.ndarray, list[str], dict[str, Any]]:
    """The matrix, its column names and the choices that shaped the matrix:
    ``missing`` (``None`` when the chosen columns have no gaps, so that the
    choice changed nothing) and ``scale``."""
    frame = data["frame"]
    defaults = default_nodes(frame, data.get("target"))
    # the numeric columns default_nodes leaves out, other than the label: row
    # ids and columns of one value (or none)
    unchosen = [
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c])
        and c != data.get("target")
        and c not in defaults
    ]
    constant = {c: _one_value(frame[c]) for c in unchosen}
    constant = {c: v for c, v in constant.items() if v is not None}
    ids = [c for c in unchosen if c not in constant]
    columns = st.multiselect(
        "Columns (nodes)",
        list(frame.columns),
        format_func=short_labels(list(frame.columns)),
        default=defaults,
        key=f"causal_cols_{data['name']}",
    )
    if ids:
        st.caption(
            f"Not chosen by default: {literal(format_names(ids, limit=8))} "
            "(row identifiers: every value distinct, counting up or named like an "
            "id); add them to 'Columns (nodes)' to use them."
        )
    if constant:
        listed = ", ".join(f"{literal(c)} ({v})" for c, v in constant.items())
        st.caption(
            f"Not chosen by default, as a DAG cannot use them: {listed}. A "
            "column of one value carries no information; the fit leaves it out "
            "even when it is added to 'Columns (nodes)'."
        )
    words = [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c]) and c not in columns
    ]
    if words and len(words) < len(frame.columns):
        them = "it" if len(words) == 1 else "them"
        st.caption(
            f"Left out: {literal(format_names(words, 8, brackets=False))} (text, "
            "not numbers; a DAG is learned from numeric columns). Encode "
            f"{them} as numbers in the file and upload it again to use {them}."
        )
    c1, c2 = st.columns(2)
    missing = c1.selectbox(
        "Missing values",
        ["drop", "mean"],
        key="causal_missing",
        help="Drop incomplete rows, or fill cells with the mean.",
    )
    key = _scale_key(data.get("source"))
    st.session_state.setdefault(key, "none" if key == SIM_SCALE_KEY else "standardize")
    scale = c2.selectbox("Scaling", ["standardize", "none"], key=key, help=SCALING_HELP)
    st.caption(SCALING_NOTE)
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise DataError(
            f"Column(s) {text} hold text, not numbers; a DAG is learned from numeric "
            "columns. Remove them from 'Columns (nodes)', or encode them as numbers "
            "in the file and upload it again."
        )
    if words and len(words) == len(frame.columns):
        raise DataError(
            f"The table has no numeric columns: all {len(words)} hold text "
            f"({format_names(words, 8, brackets=False)}), and a DAG is learned "
            "from numeric columns. Encode them as numbers in the file and upload "
            "it again, or choose another data set."
        )
    if len(columns) < 2:
        raise DataError(
            f"{len(columns)} column(s) chosen; a DAG needs at least two. Add columns "
            "in 'Columns (nodes)'."
        )
    if len(frame) < MIN_ROWS:
        raise DataError(
            f"The table has {count(len(frame), 'row')}; learning a DAG needs at "
            f"least {MIN_ROWS}. Add rows to the file and upload it again (a few "
            "hundred give meaningful estimates)."
        )
    complete = int(np.isfinite(frame[columns].to_numpy(dtype=float)).all(1).sum())
    if missing == "drop" and complete < MIN_ROWS:
        raise DataError(
            f"Only {complete} row(s) have a value in every chosen column, so "
            "dropping incomplete rows leaves too few (at least 3 are needed). Set "
            "'Missing values' to 'mean', or remove the columns with many missing "
            "cells."
        )
    X, names, record = to_matrix(
        frame,
        columns=columns,
        missing=missing,
        scale="standardize" if scale == "standardize" else "center",
    )
    warned = {c: why for c, why in record.dropped_columns.items() if why in ONE_VALUE}
    # "left out 'k' (constant)" is left to the warning, which says why too
    said = {f"left out {c!r} ({why})" for c, why in warned.items()}
    for line in record.summary():
        if line not in said:
            st.caption(literal(line))
    for column in warned:
        st.warning(_dropped_column_warning(column, frame[column]))
    gaps = complete < len(frame)
    return X, names, {"missing": missing if gaps else None, "scale": scale}


# why to_matrix leaves out a column of one value, or of none
ONE_VALUE = ("constant", "empty")


def _one_value(column: pd.Series) -> str | None:
    """Words for a column of one value ("constant: 4 in every row") or of none
    ("empty"), else ``None``."""
    values = column.dropna().unique()
    if len(values) > 1:
        return None
    if len(values) == 0:
        return "empty: no values"
    value = values[0]
    shown = f"{value:g}" if isinstance(value, float | np.floating) else str(value)
    return f"constant: {shown} in every row"


def _dropped_column_warning(column: str, values: pd.Series) -> str:
    """Why a column chosen under 'Columns (nodes)' is not in the fit."""
    words = _one_value(values) or "constant"
    kind, _, detail = words.partition(": ")
    detail = f" ({detail})" if detail else ""
    return (
        f"'{literal(column)}' is {kind}{literal(detail)}: it carries no "
        "information, so it is left out of the fit and of the learned graph. "
        "Remove it from 'Columns (nodes)'; the columns that vary are used."
    )


def _truth_over(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The data set's true graph over the columns ``names`` and what that cut.

    Returns
    -------
    dict
        ``truth`` and ``truth_cut`` of :func:`_cut_truth` (both ``None`` when
        the data set has no true graph) and ``data_columns``: the data set's
        columns (D), over which an uploaded true graph is read.
    """
    cols = list(data["frame"].columns)
    columns = [str(c) for c in cols]
    if data.get("truth") is None:
        return {"truth": None, "truth_cut": None, "data_columns": columns}
    full = np.asarray(data["truth"], dtype=bool)
    return {**_cut_truth(full, cols, names), "data_columns": columns}


def _cut_truth(full: np.ndarray, cols: list[Any], names: list[str]) -> dict[str, Any]:
    """A true graph over all of a data set's columns cut to the chosen ones.

    Parameters
    ----------
    full : ndarray of bool, shape (D, D)
        The true graph over ``cols``.
    cols : list
        The data set's columns (D).
    names : list of str
        The chosen columns (d), all among ``cols``.

    Returns
    -------
    dict
        ``truth``: bool ndarray of shape (d, d) over ``names``; ``truth_cut``:
        ``None`` when no edge was lost, else ``left_out`` (the graph's nodes
        with edges that are not among ``names``), ``dropped`` and ``edges``
        (edges lost and edges in all), ``paths`` (``[(path, direct), ...]``:
        a directed path ``(a, m, ..., b)`` between chosen columns through
        left-out nodes only, one per pair ``a, b``, and whether ``a -> b`` is
        also an edge; those without one first) and ``causes``
        (``[(m, effects, children), ...]``: a left-out node, the two or more
        chosen columns it reaches through left-out nodes only, and whether all
        of them are its children).
    """
    idx = [cols.index(n) for n in names]
    truth = full[np.ix_(idx, idx)]
    dropped = int(full.sum() - truth.sum())
    if dropped == 0:
        return {"truth": truth, "truth_cut": None}
    kept = set(idx)
    out = [k for k in range(len(cols)) if k not in kept]
    touched = [k for k in out if full[k].any() or full[:, k].any()]
    paths = []
    for a in idx:
        for b, path in _reached(full, a, kept).items():
            named = tuple(str(cols[k]) for k in path)
            if len(path) > 2:  # through at least one left-out node
                paths.append((named, bool(full[a, b])))
    causes = []
    for m in touched:
        effects = sorted(_reached(full, m, kept), key=idx.index)
        if len(effects) > 1:
            named = tuple(str(cols[k]) for k in effects)
            causes.append((str(cols[m]), named, bool(full[m, effects].all())))
    cut = {
        "left_out": [str(cols[k]) for k in touched],
        "dropped": dropped,
        "edges": int(full.sum()),
        "paths": sorted(paths, key=lambda p: p[1]),  # stable: hidden ones first
        "causes": causes,
    }
    return {"truth": truth, "truth_cut": cut}


def _reached(full: np.ndarray, start: int, kept: set[int]) -> dict[int, list[int]]:
    """The nodes of ``kept`` that ``start`` reaches in ``full`` (bool (D, D))
    along directed paths whose inner nodes are all outside ``kept``, each with
    a shortest such path ``[start, ..., node]`` (positions). From a ``start``
    in ``kept`` only paths through at least one node outside it count."""
    came = {start: start}
    queue = [start]
    found = {}
    while queue:
        node = queue.pop(0)
        for nxt in (int(k) for k in np.flatnonzero(full[node])):
            if nxt in came or (node == start in kept and nxt in kept):
                continue  # seen, or a direct edge between chosen columns
            came[nxt] = node
            if nxt not in kept:
                queue.append(nxt)
                continue
            path = [nxt]
            while path[-1] != start:
                path.append(came[path[-1]])
            found[nxt] = path[::-1]
    return found


# Paths a cut warning names at most, of each kind
WARN_PATHS = 3


def _arrows(nodes: tuple[str, ...] | list[str]) -> str:
    """``a → m → b``, Markdown-escaped."""
    return literal(" → ".join(nodes))


def _listed(items: list[str]) -> str:
    """The first :data:`WARN_PATHS` of ``items`` (already escaped) in running
    text ("a, b and c"), with how many more there are."""
    shown, more = items[:WARN_PATHS], len(items) - WARN_PATHS
    if more > 0:
        return f"{', '.join(shown)} and {more} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _cut_effects(cut: dict[str, Any]) -> list[str]:
    """Sentences on what leaving ``cut["left_out"]`` out changes between the
    chosen columns: paths through them, with or without a direct edge kept,
    and left-out common causes; or that it changes none of that."""
    one = len(cut["left_out"]) == 1
    # subject, verb and object pronoun for one left-out column or several
    they, be, it = ("it", "is", "it") if one else ("they", "are", "them")
    hidden = [p for p, direct in cut["paths"] if not direct]
    beside = [p for p, direct in cut["paths"] if direct]
    out = []
    if hidden:
        ends = [f"{_arrows((p[0], p[-1]))} for {_arrows(p)}" for p in hidden]
        out.append(
            f"Effects that run through {it} are not counted: an edge the fit "
            f"draws between the ends of such a path ({_listed(ends)}) counts as "
            "extra but may be right."
        )
    if beside:
        single = len(beside) == 1
        direct = _listed([_arrows((p[0], p[-1])) for p in beside])
        out.append(
            f"{_listed([_arrows(p) for p in beside])} also "
            f"{'runs' if single else 'run'} through {it}, beside the direct "
            f"{'edge' if single else 'edges'} {direct}, which "
            f"{'is' if single else 'are'}"
            f" kept and scored; only the part of the effect through {it} goes "
            "unscored."
        )
    for cause, effects, children in cut["causes"][:WARN_PATHS]:
        them = literal(format_names(effects, NOTE_NAMES, brackets=False))
        whom = "its children" if children else "the columns it acts on"
        out.append(
            f"'{literal(cause)}' is a left-out common cause of {them}: edges "
            f"between {whom} may reflect the hidden common cause, and count as "
            "extra."
        )
    more = len(cut["causes"]) - WARN_PATHS
    if more > 0:
        such = "is such a common cause" if more == 1 else "are such common causes"
        out.append(f"{count(more, 'more left-out node')} {such}.")
    if not out:
        out.append(
            f"No path between the chosen columns runs through {it}, and {they} "
            f"{be} no common cause of two of them: leaving {it} out changes no "
            "effect between them."
        )
    return out


def _cut_warning(cut: dict[str, Any], words: str) -> str:
    """Why scores against ``words`` (a true graph restricted to the chosen
    columns, :func:`_cut_truth`'s ``truth_cut``) can count right edges as
    extra; Markdown-escaped."""
    left = cut["left_out"]
    them = literal(format_names(left, NOTE_NAMES, brackets=False))
    one = len(left) == 1
    be, it = ("is", "it") if one else ("are", "them")
    kept = cut["edges"] - cut["dropped"]
    effects = " ".join(_cut_effects(cut))
    return (
        f"Scored against {words}: {them} {be} not among 'Columns (nodes)', so "
        f"the {cut['dropped']} of the graph's {cut['edges']} edges that start or "
        f"end at {it} are left out of the graph the scores use ({kept} remain). "
        f"{effects} Add {it} to 'Columns (nodes)' to score against the whole "
        "graph."
    )


# --- edge edits: learned edges as constraints for the next run ---

EDIT_ACTIONS = {
    "require": "require (keep it in every fit)",
    "forbid": "forbid (remove it)",
    "reverse": "reverse (forbid it, require the opposite)",
}


def _edge_label(edge: tuple[str, str, float]) -> str:
    return f"{edge[0]} → {edge[1]} ({edge[2]:+.3f})"


def _edit_rows(edges: list[tuple[str, str]], action: str) -> list[tuple[str, str, str]]:
    """Editor rows ``(source, target, kind)`` for an action on learned edges."""
    rows = []
    for s, t in edges:
        if action == "require":
            rows.append((s, t, "required"))
        elif action == "forbid":
            rows.append((s, t, "forbidden"))
        else:  # reverse
            rows += [(s, t, "forbidden"), (t, s, "required")]
    return rows


def _with_edits(
    names: list[str],
    tables: dict[str, pd.DataFrame],
    edges: list[tuple[str, str]],
    action: str,
) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """The edges editor's table with the edits applied; checked like the editor.

    A row of the editor about the same ``source -> target`` as an edit is
    replaced by the edit (the newer word on that edge); every other row stays.

    Returns
    -------
    table : DataFrame
        The new edges table (``source``, ``target``, ``kind``).
    replaced : list of tuple
        The editor's rows ``(source, target, kind)`` the edits overrode: those
        about the same edge with the other kind (a required edge now forbidden,
        say), for the message to name.

    Raises
    ------
    EngineError
        A node of the edits is not among the editor's nodes, the editor's own
        content cannot be used, or the edits contradict the tiers or the other
        edges (a required edge against the tiers, a cycle of required edges).
    """
    outside = sorted({n for e in edges for n in e} - set(names))
    if outside:
        raise DataError(
            f"node(s) {outside} are not among 'Columns (nodes)'; add them there "
            "to constrain their edges."
        )
    current = tables.get("edges")
    current = prior_editor.empty_prior("edges") if current is None else current
    tiers = tables.get("tiers")
    tiers = prior_editor.empty_prior("tiers") if tiers is None else tiers
    try:
        prior_editor.build_prior(names, current, tiers)
    except EngineError as err:
        raise DataError(
            "the prior knowledge in the editor has a problem of its own: "
            f"{page_error(err)} Fix it there first."
        ) from err
    rows = _edit_rows(edges, action)
    kinds = {(s, t): k for s, t, k in rows}
    keep, replaced = [], []
    for r in current.itertuples():
        if (r.source, r.target) not in kinds:
            keep.append((r.source, r.target, r.kind))
            continue
        # read as build_prior reads it (checked above: both nodes, a kind)
        was = PriorKnowledge.edge_kind(str(r.kind))
        if was != kinds[r.source, r.target]:
            replaced.append((r.source, r.target, was))
    table = pd.DataFrame(keep + rows, columns=["source", "target", "kind"])
    table = table.astype(object).drop_duplicates(ignore_index=True)
    prior_editor.build_prior(names, table, tiers)
    return table, list(dict.fromkeys(replaced))


def _on_add_edits() -> None:
    """``on_click`` of "Add to prior knowledge": the chosen learned edges, with
    the chosen action, go into the edges editor (its next start), or an error
    says why not and the editor keeps its content."""
    edges = [tuple(e[:2]) for e in st.session_state.get("causal_edit_edges") or []]
    action = st.session_state.get("causal_edit_action") or "require"
    words = ", ".join(f"{literal(a)} → {literal(b)}" for a, b in edges)
    start = (state.get(state.CAUSAL_PRIOR_START) or {}).get("edges")
    if start is None:
        state.put(
            state.CAUSAL_EDIT_MESSAGE,
            (
                "error",
                "The prior-knowledge editor is not shown: make the inputs above "
                "usable first, then add the edits.",
            ),
        )
        return
    try:
        table, replaced = _with_edits(
            list(start["names"]), state.get(state.CAUSAL_PRIOR) or {}, edges, action
        )
    except EngineError as err:
        state.put(
            state.CAUSAL_EDIT_MESSAGE,
            (
                "error",
                f"'{action}' on {words} cannot be added to the prior knowledge: "
                f"{literal(page_error(err))} The prior-knowledge editor is "
                "unchanged.",
            ),
        )
        return
    state.put(state.CAUSAL_PRIOR_EDITED, {"edges": table})
    state.put(
        state.CAUSAL_EDIT_MESSAGE,
        (
            "success",
            f"Added to the prior knowledge: {action} {words}."
            f"{_replaced_words(replaced)} The edges table under "
            "'Prior knowledge' shows them (change them there if needed); press "
            "**Learn DAG** to fit with them.",
        ),
    )
    st.session_state["causal_edit_edges"] = []


def _replaced_words(replaced: list[tuple[str, str, str]]) -> str:
    """A sentence naming the editor's rows an edit replaced, or ""."""
    if not replaced:
        return ""
    rows = "; ".join(f"{literal(s)} → {literal(t)} ({k})" for s, t, k in replaced)
    if len(replaced) == 1:
        return f" It replaces the constraint {rows}, which is no longer in it."
    return f" It replaces the constraints {rows}, which are no longer in it."


def _edge_edits(result: Any, editable: bool) -> None:
    """Pick learned edges and an action, and add them to the prior knowledge."""
    with st.container(key="causal_edge_edits"):
        st.markdown("**Use edges as constraints for the next run**")
        edges = result.edges()
        picked = st.session_state.get("causal_edit_edges")
        if picked:  # edges hidden since, or of an earlier fit, are no longer offered
            st.session_state["causal_edit_edges"] = [e for e in picked if e in edges]
        c1, c2 = st.columns([3, 2])
        c1.multiselect(
            "Learned edges",
            edges,
            format_func=_edge_label,
            key="causal_edit_edges",
            placeholder="Choose edges of the graph",
        )
        c2.radio(
            "Action",
            list(EDIT_ACTIONS),
            format_func=EDIT_ACTIONS.get,
            key="causal_edit_action",
        )
        chosen = st.session_state.get("causal_edit_edges") or []
        st.button(
            "Add to prior knowledge",
            key="causal_edit_add",
            disabled=not editable or not chosen,
            on_click=_on_add_edits,
            help="Writes required / forbidden edges into the edges table of "
            "'Prior knowledge' above; the next fit honours them exactly.",
        )
        message = st.session_state.pop(state.CAUSAL_EDIT_MESSAGE, None)
        if message is not None:
            kind, text = message
            (st.success if kind == "success" else st.error)(text)


# --- method options ---


# The form's minimum of an option that must be above its "min" (``min_open`` in
# the field's metadata): a number input's bounds are inclusive, so the form
# takes this instead and refuses 0 itself.
OPEN_MIN = 1e-9


def _option_widget(f: Any, hint: Any) -> tuple[str, Any, Any]:
    """The form's widget for a config field: kind and range (or choices)."""
    meta = f.metadata
    if "choices" in meta:
        return "choice", list(meta["choices"]), None
    if hint is bool:
        return "bool", None, None
    if hint is int:
        return "int", int(meta.get("min", 0)), int(meta.get("max", 10**9))
    low = float(meta.get("min", -1e9))
    if meta.get("min_open"):
        low = low + OPEN_MIN
    return "float", low, float(meta.get("max", 1e9))


def _inert_note(hidden: dict[str, list[str]]) -> str:
    """Words for the options the form hides: ``{reason: [option, ...]}``."""
    parts = [f"{', '.join(names)} ({reason})" for reason, names in hidden.items()]
    return (
        "Not shown, as they do nothing with the settings above: "
        + "; ".join(parts)
        + ". Their defaults are used."
    )


def _options_form(method: str) -> dict[str, Any]:
    """The method's options expander; the chosen values of the shown options.

    An option the other settings make inert (the config class's
    ``inert_because``, e.g. DAG-DB's ``lam`` with ``estimator='ste'``) is not
    shown, and not returned: the method uses its default, which it accepts.

    Number boxes have no min/max: Streamlit would refuse an out-of-range value
    inside the widget and keep the old one, which the fit then used with no
    word. The typed value is returned as it is, and :func:`_option_problem`
    (the method's own checks) names what is wrong and turns the buttons off.
    """
    cls = METHODS[method].config_class
    hints = typing.get_type_hints(cls)
    inert = getattr(cls, "inert_because", None)
    values: dict[str, Any] = {}
    hidden: dict[str, list[str]] = {}
    with st.expander("Method options"):
        st.caption(METHODS[method].description)
        cols = st.columns(3)
        k = -1
        for f in dataclasses.fields(cls):
            reason = inert(f.name, values) if inert is not None else None
            if reason is not None:
                hidden.setdefault(reason, []).append(f.name)
                continue
            k += 1
            col = cols[k % 3]
            key = f"opt_{method}_{f.name}"
            label, helptext = f.name, f.metadata.get("help")
            kind, low, _ = _option_widget(f, hints.get(f.name))
            if kind == "choice":
                values[f.name] = col.selectbox(
                    label, low, help=helptext, key=key, index=low.index(f.default)
                )
            elif kind == "bool":
                values[f.name] = col.checkbox(
                    label, value=f.default, help=helptext, key=key
                )
            elif kind == "int":
                values[f.name] = int(
                    col.number_input(
                        label,
                        value=int(f.default),
                        step=1,
                        help=helptext,
                        key=key,
                    )
                )
            else:
                values[f.name] = float(
                    col.number_input(
                        label,
                        value=float(f.default),
                        format="%g",
                        help=helptext,
                        key=key,
                    )
                )
        if hidden:
            st.caption(_inert_note(hidden))
    return values


def _option_problem(method: str, options: dict[str, Any]) -> str | None:
    """Why the method refuses these options (Markdown-escaped), or ``None``."""
    try:
        make_config(method, None, **options)
    except EngineError as err:
        return literal(page_error(err))
    return None


# --- the fit ---


def _data_id(entry: dict[str, Any] | None) -> str | None:
    """The id of the data set a result entry was made on (``None``: unknown)."""
    made = (entry or {}).get("made_on") or {}
    return (made.get("parts") or {}).get("data")


def _on_done(result: Any) -> None:
    """Show a finished fit and list it in "Compare runs".

    A fit on another data set than the shown result's starts with every edge
    shown: a threshold on one data set's weights means nothing for another's.
    A refit of the same data keeps it.
    """
    pending = state.get(state.CAUSAL_PENDING) or {}
    before = _data_id(state.get(state.CAUSAL_RESULT))
    if before != _data_id(pending):
        st.session_state[THRESHOLD_KEY] = 0.0
    entry = {
        "result": result,
        "truth": pending.get("truth"),
        "truth_cut": pending.get("truth_cut"),
        "data_columns": pending.get("data_columns"),
        "label": pending.get("label", ""),
        "made_on": pending.get("made_on"),
    }
    state.put(state.CAUSAL_RESULT, entry)
    runs = [*(state.get(state.CAUSAL_RUNS) or []), entry][-MAX_RUNS:]
    state.put(state.CAUSAL_RUNS, runs)
    state.put(state.CAUSAL_TRUTH_ERROR, None)
    st.session_state.pop(state.CAUSAL_SELECTED, None)


def first_phase(method: str, options: dict[str, Any]) -> str:
    """What a fit does before its first progress event, for the progress line.

    The learners report after each ``progress_every`` epochs only; the first
    epoch of the permutahedron learner (bilevel training) fits an edge model for
    every ordering it draws, later ones only for orderings not seen before (on
    Sachs with the MLP edge model on a busy 2-core machine: 8.4 s to the first
    event, then about 1 s per epoch; the page said "step 0" meanwhile).
    """
    every = int(options.get("progress_every", 1))
    first = "epoch 1" if every == 1 else f"epochs 1 to {every}"
    if method == "permutahedron" and options.get("training", "bilevel") == "bilevel":
        return (
            f"{first} under way: epoch 1 fits a {options.get('edge_model', 'linear')}"
            f" edge model for each of up to {options.get('n_orderings', 10)} "
            "orderings, later epochs only for orderings not seen before"
        )
    return f"{first} under way"


def _start_fit(X, names, truth, prior, method, options, label, made) -> None:
    """Submit the fit; a refusal is kept as the job's error, so that it shows
    after the page's rerun (an ``st.error`` here was wiped by it). ``truth`` is
    :func:`_truth_over`'s dict, kept with the result."""
    problem = _option_problem(method, options)  # before the worker starts
    if problem is not None:
        state.put(state.CAUSAL_JOB + "_error", problem)
        state.put(state.CAUSAL_PENDING, {"made_on": made})
        return
    kwargs = {
        "X": X,
        "method": method,
        "prior": prior,
        "seed": int(state.get(state.SEED, 0)),
        "device": "auto",
        "node_names": names,
        "config": options,
    }
    job = get_registry().submit(
        "engine.dag.learner:learn_dag",
        kwargs,
        label=f"{method} on {label}",
        phase=first_phase(method, options),
    )
    state.put(state.CAUSAL_JOB, job)
    state.put(state.CAUSAL_JOB + "_error", None)
    state.put(state.CAUSAL_PENDING, {**truth, "label": label, "made_on": made})


def _forget_stale_error(now: dict[str, Any] | None) -> None:
    """Drop the last fit's error once the inputs differ from that fit's.

    The error of a refused or failed fit stays on the page until the data, the
    columns, the method, its options, the prior or the seed change (or the next
    fit starts); a message about options no longer chosen would mislead.
    """
    if state.get(state.CAUSAL_JOB) is not None:
        return
    pending = state.get(state.CAUSAL_PENDING) or {}
    if not same_inputs(pending.get("made_on"), now):
        state.put(state.CAUSAL_JOB + "_error", None)


# --- work file: save and load the page's settings and last result ---

SOURCE_CHOICES = {"sample": "Sample", "upload": "Data page", "simulator": "Simulator"}


def _work_data(work: dict[str, Any]) -> dict[str, Any]:
    """The data set a work file names, as the page would offer it now.

    Raises
    ------
    DataError
        The data set is not on the page, or lacks some of the file's columns.
    """
    source, name = work["data"]["source"], work["data"]["name"]
    if source == "sample":
        if name not in CAUSAL_SAMPLES:
            raise DataError(
                f"The work file names the sample {name!r}, which this page does not "
                f"offer (it offers {list(CAUSAL_SAMPLES)})."
            )
        data = _sample(name)
    elif source == "upload":
        data = state.uploaded_dataset()
        if data is None:
            raise DataError(
                f"The work file was made on the uploaded table {name!r}: upload it "
                "on the Data page, then load the work file again."
            )
    else:
        data = state.get(state.CAUSAL_SIMULATED)
        if data is None:
            raise DataError(
                "The work file was made on simulated data: choose 'Simulator' under "
                "'Data', set it as before and press **Simulate**, then load the work "
                "file again."
            )
    columns = work["data"]["columns"]
    result = work["result"]
    # the result's nodes are columns of this data set only when it was made on
    # it: a result of another data set (Learn DAG, then another table chosen,
    # then Save work) is shown as it is, under the note saying so
    made_here = result is not None and _made_on_id(result) in (None, data.get("id"))
    nodes = list(result["dag"].node_names) if made_here else []
    missing = [c for c in dict.fromkeys(columns + nodes) if c not in data["frame"]]
    if not missing:
        return data
    if source == "sample" or work["data"].get("id") == data.get("id"):
        # the very data set it names: no other one to choose
        raise DataError(
            f"The work file names the column(s) {missing}, which {data['name']!r} "
            "does not have (its columns: "
            f"{format_names(list(data['frame'].columns), 12, brackets=False)}). The "
            "file was changed after it was saved, or saved from other data of that "
            "name: correct 'data.columns' (and the result's nodes) in the file, or "
            "load another work file."
        )
    raise DataError(
        f"The work file is from another data set: the columns {missing} are not "
        f"in {data['name']!r}, the data set on the page for "
        f"'{SOURCE_CHOICES[source]}'. Choose the data set it was made on "
        f"({name!r}), then load the work file again."
    )


def _made_on_id(result: dict[str, Any]) -> str | None:
    """The id of the data set a work file's result was made on (``None``: the
    file does not say)."""
    made = result.get("made_on")
    return None if made is None else made["parts"]["data"]


def _result_data(result: dict[str, Any], data: dict[str, Any]) -> dict[str, Any] | None:
    """The data set a work file's result was made on, where the page has it.

    ``data`` (the data set the file restores) unless the result says it was
    made on another one: then that sample, the Data page's upload or the
    simulated data when their id is the one recorded, else ``None``.
    """
    made_id = _made_on_id(result)
    if made_id is None or made_id == data.get("id"):
        return data
    source, _, name = made_id.partition(":")
    if source == "sample" and name in CAUSAL_SAMPLES:
        return _sample(name)
    for other in (state.uploaded_dataset(), state.get(state.CAUSAL_SIMULATED)):
        if other is not None and other.get("id") == made_id:
            return other
    return None


def _work_options(method: str, options: dict[str, Any]) -> dict[str, Any]:
    """A work file's method options, checked like the options form would.

    Raises
    ------
    EngineError
        An unknown method or option, or a value the form cannot show.
    """
    if method not in METHODS:
        raise DataError(
            f"The work file names the method {method!r}, which this app does not "
            f"have (it has {sorted(METHODS)})."
        )
    cls = METHODS[method].config_class
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(options) - set(fields))
    if unknown:
        raise DataError(
            f"The work file has unknown option(s) {unknown} for the method "
            f"{method!r} (saved by another version of Structure Lab?); remove them "
            "from the file, or load a file saved by this version."
        )
    out = {}
    for name, value in options.items():
        kind, low, high = _option_widget(fields[name], hints.get(name))
        if kind == "choice":
            ok = value in low
        elif kind == "bool":
            ok = isinstance(value, bool)
        else:
            whole = isinstance(value, int) and not isinstance(value, bool)
            number = whole or isinstance(value, float)
            ok = (whole or (kind == "float" and number)) and low <= value <= high
        if not ok:
            allowed = low if kind == "choice" else f"{kind} from {low} to {high}"
            raise DataError(
                f"The work file sets the option {name!r} of {method!r} to {value!r}; "
                f"the form takes {allowed}. Correct the value in the file."
            )
        out[name] = float(value) if kind == "float" else value
    make_config(method, None, **out)  # the method's own checks
    return out


def _on_load_work() -> None:
    """``on_change`` of "Load work": restore the page's settings and result.

    Everything is checked before anything is set, so a file that cannot be used
    changes nothing on the page; a message under the uploader says what happened.
    """
    upload = st.session_state.get("causal_work_file")
    if upload is None:
        return
    try:
        work = parse_work(upload.getvalue())
        data = _work_data(work)
        settings = work["settings"]
        method = settings["method"]
        options = _work_options(method, settings["options"])
        for key, allowed in (
            ("missing", ("drop", "mean")),
            ("scale", ("standardize", "none")),
        ):
            if settings[key] not in allowed:
                raise DataError(
                    f"The work file sets '{key}' to {settings[key]!r}; use one of "
                    f"{list(allowed)}."
                )
        if not 0 <= settings["seed"] <= 2**31 - 1:
            raise DataError(
                f"The work file's seed {settings['seed']} is outside 0..2**31-1."
            )
        columns = work["data"]["columns"]
        prior = work["prior"]
        pk = PriorKnowledge.from_edges(
            columns,
            forbidden=prior["forbidden"],
            required=prior["required"],
            tiers=prior["tiers"],
        )
        # before any state is set: it can fail too
        tables = prior_editor.editor_tables(pk)
        kept = {
            p["data_set"]: prior_editor.prior_tables(p) for p in work["kept_priors"]
        }
    except (EngineError, TypeError, ValueError, OverflowError) as err:
        state.put(
            state.CAUSAL_WORK_MESSAGE,
            (
                "error",
                f"{literal(upload.name)} cannot be loaded: "
                f"{literal(page_error(err))} Nothing on the page was changed.",
            ),
        )
        return
    source = work["data"]["source"]
    st.session_state["causal_source"] = SOURCE_CHOICES[source]
    if source == "sample":
        st.session_state["causal_sample"] = data["name"]
    st.session_state[f"causal_cols_{data['name']}"] = list(columns)
    st.session_state["causal_missing"] = settings["missing"]
    st.session_state[_scale_key(source)] = settings["scale"]
    st.session_state["causal_method"] = method
    for name, value in options.items():
        st.session_state[f"opt_{method}_{name}"] = value
    state.put(state.SEED, int(settings["seed"]))
    st.session_state["seed_input"] = int(settings["seed"])
    state.put(state.CAUSAL_PRIOR, tables)
    state.put(state.CAUSAL_PRIOR_EDITED, tables)
    prior_editor.restore_priors(kept)
    st.session_state[THRESHOLD_KEY] = float(settings.get("weight_threshold", 0.0))
    st.session_state.pop("causal_edit_edges", None)
    what, listed = "settings", ""
    result = work["result"]
    if result is not None:
        listed = _load_result(result, data, upload.name)
        what = "settings and result"
    if kept:
        what += f" and the prior knowledge of {count(len(kept), 'other data set')}"
    seed = int(settings["seed"])
    state.put(
        state.CAUSAL_WORK_MESSAGE,
        (
            "success",
            f"Loaded the {what} of {literal(upload.name)}{listed}. The file also "
            f"set the sidebar's seed: seed {seed} is now used by every fit, on "
            "every page.",
        ),
    )


def _load_result(result: dict[str, Any], data: dict[str, Any], file: str) -> str:
    """Show a work file's result and list it in "Compare runs", once.

    A run identical to one already listed (the same file loaded again, or the
    fit it was saved from) is shown from the list, not added again.

    Returns
    -------
    str
        Words for the "Loaded ..." message when it was already listed, else "".
    """
    dag = result["dag"]
    runs = list(state.get(state.CAUSAL_RUNS) or [])
    for k, listed in enumerate(runs):
        if listed["result"] == dag and listed.get("label") == result["label"]:
            state.put(state.CAUSAL_RESULT, listed)
            st.session_state.pop(state.CAUSAL_SELECTED, None)
            return f" (its result is already run #{k + 1} in Compare runs)"
    # the true graph of the data set the result was made on, as a fit gives it
    truth: dict[str, Any] = {"truth": None, "truth_cut": None}
    made = _result_data(result, data)
    if made is not None and all(n in made["frame"].columns for n in dag.node_names):
        truth = _truth_over(made, list(dag.node_names))
    entry = {
        "result": dag,
        **truth,
        "label": result["label"],
        "made_on": result["made_on"],
        "loaded_from": file,
    }
    state.put(state.CAUSAL_RESULT, entry)
    state.put(state.CAUSAL_RUNS, [*runs, entry][-MAX_RUNS:])
    st.session_state.pop(state.CAUSAL_SELECTED, None)
    return ""


def _work_panel() -> Any:
    """The "Save / load work" expander: the uploader now, and a slot that
    :func:`_save_work` fills once the page's inputs are known."""
    with st.expander("Save / load work"):
        st.caption(
            "A work file (JSON) holds the data set's name and the chosen columns, "
            "the missing-value and scaling choices, the method and its options, "
            "the seed, the edge-weight threshold, the prior knowledge (with the "
            "prior kept for each other data set) and the last result. Loading it "
            "restores them; the data set itself must be on the page (a sample, the "
            "Data page's upload or the simulator's data)."
        )
        st.file_uploader(
            "Load work", type="json", key="causal_work_file", on_change=_on_load_work
        )
        message = st.session_state.pop(state.CAUSAL_WORK_MESSAGE, None)
        if message is not None:
            kind, text = message
            (st.success if kind == "success" else st.error)(text)
        return st.container(key="causal_work_save_slot")


def _save_work(
    slot: Any,
    data: dict[str, Any] | None,
    names: list[str] | None,
    prior: PriorKnowledge | None,
    method: str | None,
    options: dict[str, Any] | None,
) -> None:
    """The "Save work" download in ``slot``, or why it cannot be offered."""
    with slot:
        if data is None or names is None or method is None or options is None:
            st.caption("Save work needs usable inputs: choose the data above first.")
            return
        if prior is None:
            st.caption("Save work needs usable prior knowledge: fix the error above.")
            return
        settings = {
            "missing": st.session_state.get("causal_missing", "drop"),
            "scale": st.session_state.get(_scale_key(data.get("source"))),
            "method": method,
            "options": options,
            "seed": int(state.get(state.SEED, 0)),
            "weight_threshold": float(st.session_state.get(THRESHOLD_KEY) or 0.0),
        }
        st.download_button(
            "Save work",
            dump_work(
                data,
                names,
                settings,
                prior,
                state.get(state.CAUSAL_RESULT),
                prior_editor.saved_priors(),
            ),
            "causal_work.json",
            mime="application/json",
            key="causal_work_save",
        )


# --- results ---


def _clicked_nodes(event: Any) -> tuple[int, ...]:
    """Node indices in a chart selection event (the node trace's ``customdata``)."""
    selection = event.get("selection") if hasattr(event, "get") else None
    points = selection.get("points", []) if selection else []
    return tuple(
        int(p["customdata"])
        for p in points
        if isinstance(p.get("customdata"), int | float)
    )


def _apply_click() -> None:
    """``on_select`` callback of the DAG: a clicked node becomes the selection.

    Streamlit runs it only when the chart's selection changes, before the script,
    so a click always wins over the node selectbox, which the script then draws
    with the clicked node. Clicks on edge markers carry no node and are ignored.
    """
    entry = state.get(state.CAUSAL_RESULT)
    if entry is None:
        return
    names = list(entry["result"].node_names)
    clicked = _clicked_nodes(st.session_state.get("causal_dag_chart"))
    if clicked and 0 <= clicked[0] < len(names):
        st.session_state[state.CAUSAL_SELECTED] = names[clicked[0]]


def _node_panel(result: Any) -> None:
    node = st.session_state.get(state.CAUSAL_SELECTED)
    if node not in result.node_names:
        return
    parents, children = result.parents(node), result.children(node)
    label = short_labels(list(result.node_names))
    with st.container(key="causal_node_panel"):
        st.markdown(f"**{literal(label(node))}**")
        if label(node) != node:  # the full name once, small
            st.caption(literal(node))
        for title, nodes in (("Parents", parents), ("Children", children)):
            listed = ", ".join(f"{literal(label(n))} ({w:+.3f})" for n, w in nodes)
            st.markdown(f"{title}: {listed or 'none'}")


# Above this many nodes or edges the drawing is crowded; the page says where the
# same graph reads better.
CROWDED_NODES, CROWDED_EDGES = 30, 60


def _crowding_note(n_nodes: int, n_edges: int) -> str | None:
    """A caption for a graph too large to read well as a drawing, else None."""
    if n_nodes <= CROWDED_NODES and n_edges <= CROWDED_EDGES:
        return None
    return (
        f"A graph of {count(n_nodes, 'node')} and {count(n_edges, 'edge')} is "
        "crowded as a drawing: "
        "the **Edges** tab lists every edge with its weight (sortable), and the "
        "**Adjacency** tab shows all weights as a matrix."
    )


def _graph_tab(result: Any) -> None:
    names = list(result.node_names)
    if st.session_state.get(state.CAUSAL_SELECTED) not in names:
        st.session_state[state.CAUSAL_SELECTED] = names[0]
    st.selectbox(
        "Node",
        names,
        key=state.CAUSAL_SELECTED,
        format_func=short_labels(names),
        help="Or click a node in the graph.",
        width=NODE_BOX_WIDTH,
    )
    left, right = st.columns([3, 1])
    with right:
        _node_panel(result)
    with left:
        fig = dag_figure(
            result.adjacency,
            result.weights,
            names,
            selected=st.session_state[state.CAUSAL_SELECTED],
        )
        st.plotly_chart(
            fig,
            key="causal_dag_chart",
            on_select=_apply_click,
            selection_mode="points",
            width="stretch",
        )
        st.caption(
            "Arrow width = |weight|; blue positive, red negative. Click a "
            "node to list its parents and children."
        )
        note = _crowding_note(len(names), int(np.count_nonzero(result.adjacency)))
        if note:
            st.caption(note)


@st.cache_data(max_entries=16, show_spinner=False)
def _true_adjacency(
    data: bytes, name: str, names: tuple[str, ...], columns: tuple[str, ...] = ()
) -> np.ndarray:
    """An uploaded true graph over the data's ``columns`` (D; default:
    ``names``), bool (D, D); parsed once per file.

    Its nodes may be any of the data's columns, not only the chosen ``names``
    (d): a graph over more columns is cut to them like the data set's own. A
    headerless matrix of numbers is read over ``names``. Raises the reader's
    :class:`EngineError` (not cached) for a bad file.
    """
    g = read_graph(
        data,
        name=name,
        columns=list(columns or names),
        matrix_names=list(names),
        require_dag=True,
    )
    return g.adjacency != 0


def _columns_of(entry: dict[str, Any] | None) -> tuple[str, ...]:
    """The columns of the data set a result was made on, where known (a result
    saved by an older version, or one of unknown data: its nodes)."""
    if entry is None:
        return ()
    columns = entry.get("data_columns") or entry["result"].node_names
    return tuple(str(c) for c in columns)


def _on_truth_upload() -> None:
    """Read a true graph the user just uploaded.

    Runs only when the user changes the uploader. An emptied uploader changes
    nothing: the browser empties it before taking a replacement file, and a page
    switch empties it too; the graph in use is dropped only by the "Stop using"
    button. A bad file leaves the last good one in use.
    """
    up = st.session_state.get("causal_truth_file")
    if up is None:
        state.put(state.CAUSAL_TRUTH_ERROR, None)
        return
    entry = state.get(state.CAUSAL_RESULT)
    names = tuple(entry["result"].node_names) if entry else ()
    try:
        _true_adjacency(up.getvalue(), up.name, names, _columns_of(entry))
    except EngineError as err:
        # "truth.csv: ..." would lose the file name as if it were an owner
        text = page_error(str(err).removeprefix(f"{up.name}: "))
        state.put(state.CAUSAL_TRUTH_ERROR, f"{up.name} cannot be used: {text}")
        return
    state.put(state.CAUSAL_TRUTH, {"name": up.name, "data": up.getvalue()})
    state.put(state.CAUSAL_TRUTH_ERROR, None)


# Where a result's own true graph comes from, by the kind of its data set's id
OWN_TRUTH_WORDS = {
    "sample": "the sample's known graph",
    "simulated": "the simulator's true graph",
    "upload": "the known graph given on the Data page",
}
# Nodes a note names at most
NOTE_NAMES = 6


@st.cache_data(max_entries=16, show_spinner=False)
def _uploaded_nodes(data: bytes, name: str) -> tuple[str, ...] | None:
    """The nodes of an uploaded true graph, or ``None`` when the file names none
    (a headerless matrix is read only over a result's nodes)."""
    try:
        return tuple(read_graph(data, name=name).nodes)
    except EngineError:
        return None


def _own_truth_words(entry: dict[str, Any]) -> str:
    """Words for the true graph that came with a result's data set."""
    kind = (_data_id(entry) or "").split(":", 1)[0]
    return OWN_TRUTH_WORDS.get(kind, "the data set's known graph")


def _unused_upload_note(
    uploaded: dict[str, Any],
    names: tuple[str, ...],
    err: EngineError,
    fallback: str | None,
    columns: tuple[str, ...] = (),
) -> str:
    """Why the uploaded true graph is set aside for a result over ``names``.

    Said once and neutrally: a graph kept from another data set is no error of
    this result. ``fallback`` names the true graph used instead (``None``: the
    data have none); ``columns`` are the data set's (default: ``names``), the
    nodes the graph may name.
    """
    columns = columns or names
    file = literal(uploaded["name"])
    nodes = _uploaded_nodes(uploaded["data"], uploaded["name"])
    result_nodes = literal(format_names(names, NOTE_NAMES, brackets=False))
    if nodes is None:  # a headerless matrix of another size, say
        why = (
            f"The uploaded true graph '{file}' does not fit this result's "
            f"{len(names)} nodes ({literal(page_error(err))})"
        )
    else:
        # as the reader matches them: " a" in the data is the node "a"
        missing = [
            n for n in nodes if n not in columns and unpadded_match(n, columns) is None
        ]
        if len(missing) == len(nodes):
            graph_nodes = literal(format_names(nodes, NOTE_NAMES, brackets=False))
            why = (
                f"The uploaded true graph '{file}' is over other nodes "
                f"({graph_nodes}) than this result ({result_nodes})"
            )
        else:
            named = literal(format_names(missing, NOTE_NAMES, brackets=False))
            why = (
                f"The uploaded true graph '{file}' names {named}, which this "
                f"result does not have (its nodes: {result_nodes})"
            )
    instead = (
        f" The comparison is against {fallback}."
        if fallback is not None
        else " These data have no known graph of their own: to compare, upload "
        "a true graph over this result's nodes."
    )
    return (
        f"{why}, so it is not used for this result.{instead} It is used again "
        f"for results over its nodes; **Stop using {file}** drops it."
    )


def _truth_for(
    entry: dict[str, Any],
) -> tuple[np.ndarray | None, str, str | None, str]:
    """The true graph to compare ``entry`` with, in words, a note and a caution.

    The uploaded graph, re-read against this result's nodes (a later fit may use
    other columns or another data set) and cut to them when it names more of
    the data set's columns, else the data set's own truth. Both comparison
    tabs score against this graph.

    Returns
    -------
    truth : ndarray of bool, shape (d, d), or None
        Over the result's nodes; ``None`` when there is none.
    words : str
        Which graph it is ("the uploaded true graph 'x.csv'", "the sample's
        known graph", "the sample's known graph restricted to the chosen
        columns"), Markdown-escaped.
    note : str or None
        Why an uploaded graph is not used for this result (its nodes differ),
        else ``None``.
    caution : str
        For a graph cut to the result's columns (the data set's own,
        ``entry["truth_cut"]``, or an uploaded one over more of the data's
        columns): which of its nodes and edges are left out and what that
        changes (:func:`_cut_warning`); for an uploaded graph that does not
        name some of the result's nodes, which; else "".
    """
    own, own_words = entry.get("truth"), _own_truth_words(entry)
    cut = entry.get("truth_cut") if own is not None else None
    caution = ""
    if cut is not None:
        own_words += " restricted to the chosen columns"
        caution = _cut_warning(cut, own_words)
    uploaded = state.get(state.CAUSAL_TRUTH)
    if uploaded is None:
        return own, own_words, None, caution
    names, columns = tuple(entry["result"].node_names), _columns_of(entry)
    try:
        full = _true_adjacency(uploaded["data"], uploaded["name"], names, columns)
    except EngineError as err:
        fallback = None if own is None else own_words
        note = _unused_upload_note(uploaded, names, err, fallback, columns)
        return own, own_words, note, caution
    return _uploaded_truth(uploaded, full, columns, names)


def _uploaded_truth(
    uploaded: dict[str, Any],
    full: np.ndarray,
    columns: tuple[str, ...],
    names: tuple[str, ...],
) -> tuple[np.ndarray, str, None, str]:
    """:func:`_truth_for`'s answer for the uploaded graph ``full`` (bool
    (D, D) over the data's ``columns``) and a result over ``names`` (d).

    A graph over columns that are not chosen is cut to ``names`` with the
    warning the data set's own gets; chosen columns the file does not name
    are said (they are scored as having no true edges).
    """
    words = f"the uploaded true graph '{literal(uploaded['name'])}'"
    over = _cut_truth(full, list(columns), list(names))
    cautions = []
    if over["truth_cut"] is not None:
        words += " restricted to the chosen columns"
        cautions.append(_cut_warning(over["truth_cut"], words))
    unnamed = _not_in_file(uploaded, names)
    if unnamed:
        them = literal(format_names(unnamed, NOTE_NAMES, brackets=False))
        one = len(unnamed) == 1
        # subject, verb and object pronoun for one node or several
        they, be, it = ("it", "is", "it") if one else ("they", "are", "them")
        cautions.append(
            f"The uploaded true graph '{literal(uploaded['name'])}' does not "
            f"mention {them}, chosen under 'Columns (nodes)': {they} {be} scored "
            f"as having no true edges, so an edge the fit draws at {it} counts "
            f"as extra. Add {'its' if one else 'their'} edges to the file, or "
            f"leave {it} out of 'Columns (nodes)'."
        )
    return over["truth"], words, None, "\n\n".join(cautions)


def _not_in_file(uploaded: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    """The nodes of ``names`` that the uploaded graph does not name (a
    headerless matrix is over all of them), as the reader matches names."""
    nodes = _uploaded_nodes(uploaded["data"], uploaded["name"])
    if nodes is None:
        return []
    named = set()
    for node in nodes:
        k = names.index(node) if node in names else unpadded_match(node, names)
        if k is not None:
            named.add(names[k])
    return [n for n in names if n not in named]


def _runs_truth(entry: dict[str, Any]) -> tuple[np.ndarray | None, str, str, str]:
    """:func:`_truth_for` for the Compare runs tab: the truth, its words, a
    short remark on an uploaded graph set aside (the Comparison tab says why)
    and the caution on a truth restricted to the chosen columns."""
    truth, words, note, caution = _truth_for(entry)
    if note is None:
        return truth, words, "", caution
    uploaded = literal(state.get(state.CAUSAL_TRUTH)["name"])
    return (
        truth,
        words,
        (
            f"The uploaded '{uploaded}' does not fit these runs' nodes, so it is not "
            "used (the Comparison tab says why)."
        ),
        caution,
    )


def _compare_tab(entry: dict[str, Any]) -> None:
    result = entry["result"]
    names = list(result.node_names)
    st.file_uploader(
        "Upload a true graph (CSV edge list or adjacency, JSON, GML, DOT)",
        type=["csv", "tsv", "txt", "json", "gml", "dot", "gv"],
        key="causal_truth_file",
        on_change=_on_truth_upload,
        help="This tab and Compare runs score against it, in place of the data "
        "set's own known graph, for every result over its nodes (other results "
        "keep their own), until **Stop using** drops it.",
    )
    if state.get(state.CAUSAL_TRUTH_ERROR):
        st.error(literal(state.get(state.CAUSAL_TRUTH_ERROR)))
    uploaded = state.get(state.CAUSAL_TRUTH)
    if uploaded is not None and st.button(
        f"Stop using {literal(uploaded['name'])}", key="causal_truth_forget"
    ):
        state.put(state.CAUSAL_TRUTH, None)
        state.put(state.CAUSAL_TRUTH_ERROR, None)
        st.rerun()  # redraw without the button
    truth, source, note, caution = _truth_for(entry)
    if note is not None:
        st.info(note)
    if truth is None:
        if note is None:
            st.info("No true graph for these data: upload one to compare.")
        return
    if caution:
        st.warning(caution)
    m = compare_graphs(truth, result.adjacency)
    table = pd.DataFrame(
        [
            {"metric": k, "value": metric_text(metric_value(m, k)), "convention": v}
            for k, v in METRIC_NOTES.items()
        ]
    )
    # a static table wraps the conventions: the data grid cut them at its column
    # width ("... (Henckel et a" at 1280 px), and shows every metric
    with st.container(key="causal_metrics"):
        st.table(table, hide_index=True)
    shown = (
        f" Compared: the {count(result.n_edges, 'shown edge')}, |weight| ≥ "
        f"{result.weight_threshold:.3g}."
        if result.weight_threshold > 0
        else ""
    )
    st.caption(
        f"Scored against {source} ({count(int(truth.sum()), 'edge')}), as in the "
        "Compare runs tab. SHD counts a "
        "reversed edge once; the empty graph is a strong SHD baseline, so read SID "
        f"too.{shown} In the drawing below every node sits where the Graph tab "
        "draws it."
    )
    st.plotly_chart(
        dag_diff_figure(truth, result.adjacency, names),
        key="causal_diff_chart",
        width="stretch",
    )


def _downloads_tab(result: Any, learned: int, made: dict[str, Any] | None) -> None:
    """Downloads of the shown graph; ``learned`` is the fit's number of edges,
    ``made`` what it was made on (:func:`app.components.made_on.made_on`)."""
    names = list(result.node_names)
    t = result.weight_threshold
    suffix = f"_w{t:g}" if t > 0 else ""
    if t > 0:
        st.caption(
            f"These files hold the {count(result.n_edges, 'edge')} with |weight| ≥ "
            f"{t:.3g} ('Hide edges with |weight| below'), not all {learned} "
            "learned; the "
            "Result JSON records the threshold. Set the slider to 0 to download "
            "the fit as learned."
        )
    w = np.where(result.adjacency, result.weights, 0.0)
    # a zero-weight edge would vanish from weighted formats; keep it visible
    w = np.where(result.adjacency & (w == 0), 1e-12, w)
    c = st.columns(4)
    c[0].download_button(
        "Result JSON",
        result_json(result, made),
        f"dag_result{suffix}.json",
        key="dl_json",
        help="The result, with how the data were prepared ('data_preparation': "
        "the data set, columns, missing values, scaling and prior knowledge); "
        "the weights are in the units of the prepared data.",
    )
    for column, label, fmt, file, key in (
        (c[1], "GML", "gml", f"dag{suffix}.gml", "dl_gml"),
        (c[2], "DOT", "dot", f"dag{suffix}.dot", "dl_dot"),
        (c[3], "CSV edge list", "edgelist", f"dag_edges{suffix}.csv", "dl_csv"),
    ):
        try:
            text = graph_to_text(names, w, fmt)
        except GraphError as err:  # a name the format cannot carry unchanged
            column.caption(f"{label}: {literal(page_error(err))}")
            continue
        if fmt == "edgelist" and result.edge_probabilities is not None:
            text = _with_probabilities(text, w, result.edge_probabilities)
        column.download_button(label, text, file, key=key)


def _with_probabilities(text: str, w: np.ndarray, probabilities: np.ndarray) -> str:
    """An edge list of ``graph_to_text`` with a ``probability`` column added.

    Its rows are the edges of ``w`` in ``np.nonzero`` order, as that writer
    puts them; graph readers take the first three columns and skip the rest.
    """
    rows = list(csv.reader(io.StringIO(text, newline="")))
    src, dst = np.nonzero(w)
    rows[0].append("probability")
    for row, i, j in zip(rows[1:], src, dst, strict=True):
        row.append(repr(_snapped(float(probabilities[i, j]))))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


# How near 0 or 1 a probability is written as 0.0 or 1.0 in the CSV: sums of
# ordering weights give 0.9999999999999999 where the edge table shows 1.0
SNAP_TOLERANCE = 1e-12


def _snapped(p: float) -> float:
    """``p``, or 0.0 or 1.0 when within :data:`SNAP_TOLERANCE` of it."""
    for end in (0.0, 1.0):
        if abs(p - end) <= SNAP_TOLERANCE:
            return end
    return p


THRESHOLD_KEY = "causal_weight_threshold"

# Under the edge table of a result with edge probabilities, per method
PROBABILITY_NOTES = {
    "dagdb": (
        "'probability': how sure the fit is of the edge, about how often the "
        "graphs it samples at the end of training hold it (sigmoid(score / "
        "temperature)), taken before cycles are broken and weak edges pruned. "
        "Edges can stand in for each other across samples, so it is no posterior "
        "probability; a bootstrap shows how stable the edges are. With the "
        "default options the scores stay small, so most values lie near 0.5 even "
        "when the graph is right: compare edges with each other."
    ),
    "permutahedron": (
        "'probability': how sure the fit is of the edge, the share of its final "
        "distribution over node orderings whose fitted graph holds it (each "
        "ordering weighted by its probability). The graph shown is the refit of "
        "one ordering (by default the best seen in training, then polished), "
        "which need not be in that distribution, so an edge shown can be "
        "unlikely and a likely edge missing. It says how the likely orderings "
        "disagree on the edge, not how it would vary on other samples of the "
        "data, so it is no posterior probability; a bootstrap shows that. Edges "
        "named in a warning as not oriented by the score can show 0 or 1: the "
        "distribution sits on one of the equally good graphs."
    ),
}

# for a method without its own note
_PROBABILITY_NOTE = (
    "'probability': how sure the fit is of the edge; DagResult.edge_probabilities "
    "says what the numbers are for each method."
)


def _threshold_step(top: float) -> float:
    """A round slider step: the power of ten nearest below ``top / 100``."""
    return float(10 ** np.floor(np.log10(top / 100)))


def _shown(result: Any) -> Any:
    """The 'Hide edges with |weight| below' slider and its caption; the result
    without the hidden edges (:meth:`DagResult.thresholded`).

    The slider runs from 0 (every edge shown) to the largest |weight| of the
    fit; a value kept from a fit with larger weights is lowered to that. The
    caption says how many of the learned edges are shown and what the threshold
    applies to. No slider for a fit without edges (or with zero weights only).
    """
    top = largest_weight(result)
    if top <= 0:
        st.session_state.pop(THRESHOLD_KEY, None)
        return result
    kept = st.session_state.get(THRESHOLD_KEY)
    if not isinstance(kept, int | float) or not 0 <= kept <= top:
        st.session_state[THRESHOLD_KEY] = min(max(float(kept or 0.0), 0.0), top)
    t = float(
        st.slider(
            "Hide edges with |weight| below",
            min_value=0.0,
            max_value=top,
            step=_threshold_step(top),
            format="%.3g",
            key=THRESHOLD_KEY,
            help="0 shows every learned edge. The threshold applies to the "
            "graph, the edge table, the adjacency matrix, the comparison with a "
            "true graph and the downloads.",
        )
    )
    shown = result.thresholded(t)
    if t <= 0:
        learned = count(result.n_edges, "learned edge")
        st.caption(
            f"The {learned} is shown."
            if result.n_edges == 1
            else f"All {learned} are shown."
        )
        return shown
    st.caption(
        f"{shown.n_edges} of {count(result.n_edges, 'learned edge')} shown: the "
        "threshold "
        f"|weight| ≥ {t:.3g} is applied to the graph, the edge table, the "
        "adjacency matrix, the comparison with a true graph and the downloads "
        "(the Training and Compare runs tabs show the fit as learned). Set it "
        "to 0 to show every edge."
    )
    return shown


# What the training curve's n_edges counts, per method
CURVE_EDGES = {
    "permutahedron": "the edges of the most probable ordering's fit at each epoch",
    "dagdb": "the edges of the noise-free MAP graph at each epoch",
}


def _made_after_training(result: Any) -> str:
    """What the result is, made from the trained model (for :func:`training_note`)."""
    if result.method == "dagdb":
        return "that graph made acyclic and pruned at the end"
    config = result.config
    chosen = (
        "the most probable ordering of the final scores"
        if config.get("select") == "map"
        else "the best-scoring ordering seen"
    )
    polished = (
        config.get("polish")
        and config.get("training", "bilevel") == "bilevel"
        and not result.stopped
    )
    if not polished:
        return f"the refit of {chosen}"
    # results saved before the option existed were polished by swaps only
    reach = polish_reach_used(result.n_nodes, config.get("polish_reach", 1))
    how = "swapping and moving single nodes" if reach > 1 else "adjacent swaps"
    return f"the refit of {chosen}, improved by {how}"


def training_note(result: Any) -> str | None:
    """One sentence on why the curve's last edge count and the result's differ.

    The curves follow training; the result is made after it (the permutahedron
    learner refits the best ordering, DAG-DB makes its MAP graph acyclic and
    prunes it), so on Sachs the curve ended at 8 edges and the result had 9.
    ``None`` for a method without notes or a history without ``n_edges``.
    """
    steps = result.history.get("n_edges") if result.history else None
    if result.method not in CURVE_EDGES or steps is None or len(steps) == 0:
        return None
    last = int(np.asarray(steps, dtype=float)[-1])
    return (
        f"The curves follow training (n_edges: {CURVE_EDGES[result.method]}; last "
        f"{last}); the result ({count(result.n_edges, 'edge')}) is "
        f"{_made_after_training(result)}, so the counts can differ."
    )


def _max_iter_hint(result: Any) -> str | None:
    """Words for a fit that ran every epoch of ``max_iter``, else ``None``."""
    max_iter = result.config.get("max_iter")
    if result.stopped or result.converged or max_iter is None:
        return None
    if result.n_iter < max_iter:
        return None
    if result.config.get("patience") == 0:
        # a fixed number of epochs by design: the library does not warn either
        return (
            f"The fit ran its fixed {count(int(max_iter), 'epoch')} (max_iter): "
            "with patience 0 it never stops early, by design. If the Training tab "
            "shows the loss still falling, raise max_iter under 'Method options', "
            "or set a patience such as 20 to end the fit once the loss stops "
            "improving."
        )
    # the library's ConvergenceWarning in the page's words
    return (
        f"The fit ran all {count(int(max_iter), 'epoch')} of max_iter without "
        "stopping early, so it may be under-trained: raise max_iter under "
        "'Method options' and fit again (the Training tab shows whether the loss "
        "was still falling)."
    )


# Words of the library's warnings that the page says in its own words above them:
# the stop on request (``result.stopped``) and all of max_iter used
# (:func:`_max_iter_hint`); engine/dag/learner.py writes them.
_STOPPED_WORDS, _MAX_ITER_WORDS = "stopped on request", "epochs of max_iter"


def _library_notes(result: Any) -> list[str]:
    """The result's warnings (``result.warnings``) the page does not say already.

    Few samples per variable, columns of one value and anything else the
    library warned about, without its function name; the stop on request and a
    fit that used every epoch have the page's own words, so the library's
    sentences for them are left out.
    """
    said = [_STOPPED_WORDS] if result.stopped else []
    said += [_MAX_ITER_WORDS] if _max_iter_hint(result) else []
    return [
        page_error(note)
        for note in result.warnings
        if not any(words in note for words in said)
    ]


def _results(
    entry: dict[str, Any], now: dict[str, Any] | None, waiting: str | None = None
) -> None:
    """The result's heading, notes and tabs; ``waiting`` says why **Learn DAG**
    is off (the stale-result note then does not ask to press it)."""
    result = entry["result"]
    st.subheader("Result")
    note = stale_note(entry.get("made_on"), now, waiting=waiting)
    # always a slot for the note: an element appearing above the tabs would move
    # them, and the browser would show the first tab again (after "Add to prior
    # knowledge" in the Edges tab, for one)
    with st.container(key="causal_result_note"):
        if note:
            st.info(note)
    status = (
        "stopped early on request"
        if result.stopped
        else ("converged" if result.converged else "reached max_iter")
    )
    if polish_stopped(result):
        status = "training ended; the final polish was stopped early on request"
    loaded = entry.get("loaded_from")
    source = f" (loaded from the work file {literal(loaded)})" if loaded else ""
    st.caption(
        f"{literal(entry['label'])}{source}: {count(result.n_edges, 'edge')}, "
        f"{count(result.n_iter, 'epoch')} ({status}), seed {result.seed}, device "
        f"{result.device}, {result.elapsed_s:.1f} s. "
        f"{ACYCLIC_NOTES.get(result.method, '')}"
    )
    if result.stopped:
        st.warning("The fit was stopped before it finished; this is a partial result.")
    hint = _max_iter_hint(result)
    if hint and result.config.get("patience") == 0:
        st.info(hint)  # a fixed number of epochs was asked for: nothing went wrong
    elif hint:
        st.warning(hint)
    for note in _library_notes(result):
        st.warning(literal(note))
    shown = _shown(result)
    tabs = st.tabs(
        [
            "Graph",
            "Edges",
            "Adjacency",
            "Training",
            "Comparison",
            "Compare runs",
            "Downloads",
        ]
    )
    with tabs[0]:
        _graph_tab(shown)
    with tabs[1]:
        st.dataframe(shown.to_frame(), hide_index=True, key="causal_edges")
        if shown.edge_probabilities is not None:
            st.caption(PROBABILITY_NOTES.get(shown.method, _PROBABILITY_NOTE))
        _edge_edits(shown, editable=now is not None)
    with tabs[2]:
        st.plotly_chart(
            adjacency_heatmap(shown.weights, list(shown.node_names)),
            key="causal_heatmap",
            width="stretch",
        )
    with tabs[3]:
        st.plotly_chart(
            training_curves(result.history), key="causal_curves", width="stretch"
        )
        note = training_note(result)
        if note:
            st.caption(note)
    with tabs[4]:
        _compare_tab({**entry, "result": shown})
    with tabs[5]:
        render_run_comparison(
            state.get(state.CAUSAL_RUNS) or [], key="causal_cmp", truth_for=_runs_truth
        )
    with tabs[6]:
        _downloads_tab(shown, result.n_edges, entry.get("made_on"))


# The stale-result note while the prior knowledge cannot be used
PRIOR_WAIT = (
    "**{button}** is off until the prior knowledge can be used: the message "
    "above **Learn DAG** says what to change."
)


def render() -> None:
    """Draw the page."""
    st.title("Causal discovery")
    save_slot = _work_panel()
    data = _choose_data()
    now = None  # what a fit started now would be made on
    names = prior = method = options = problem = None
    if data is not None:
        prior_editor.switch_prior_home(data)
        try:
            X, names, settings = _prepare(data)
            truth = _truth_over(data, names)
        except EngineError as err:
            st.error(literal(page_error(err)))
            X = None
        if X is not None:
            prior, problem = prior_editor.prior_editor(names, data["name"])
            # The permutahedron learner is the default method; others follow.
            methods = ["permutahedron", *sorted(set(METHODS) - {"permutahedron"})]
            method = st.selectbox("Method", methods, key="causal_method")
            options = _options_form(method)
            seed = int(state.get(state.SEED, 0))
            now = made_on(
                data,
                names,
                **settings,
                method=method,
                options=options,
                prior=prior,
                seed=seed,
            )
            busy = state.get(state.CAUSAL_JOB) is not None
            refused = _option_problem(method, options)
            if method == "permutahedron" and refused is None:  # what it will cost
                cost = cost_warning(*X.shape, PermutahedronConfig(**options))
                if cost:
                    st.warning(f"{cost} {POLL_WORDS}")
            if problem is not None:  # the editor's message may be collapsed
                st.warning(
                    "**Learn DAG** and **Run bootstrap** are off until the prior "
                    f"knowledge can be used: {problem}"
                )
            if refused is not None:
                st.error(
                    "**Learn DAG** and **Run bootstrap** are off until the method "
                    f"options can be used: {refused} Change it under 'Method "
                    "options'."
                )
            if st.button(
                "Learn DAG",
                type="primary",
                disabled=busy or prior is None or refused is not None,
                key="causal_fit",
            ):
                _start_fit(X, names, truth, prior, method, options, data["name"], now)
                st.rerun()
            bootstrap_panel.render_controls(
                X,
                names,
                prior,
                method,
                options,
                data["name"],
                made=now,
                ready=refused is None,
            )
    _forget_stale_error(now)
    render_job(state.CAUSAL_JOB, _on_done)
    error = state.get(state.CAUSAL_JOB + "_error")
    if error:
        show_message(error)
    entry = state.get(state.CAUSAL_RESULT)
    waiting = None if problem is None else PRIOR_WAIT
    if entry is not None:
        _results(entry, now, waiting.format(button="Learn DAG") if waiting else None)
    bootstrap_panel.render_results(
        now, waiting.format(button="Run bootstrap") if waiting else None
    )
    _save_work(save_slot, data, names, prior, method, options)


if __name__ == "__main__":
    render()
