"""Learn-a-graph page: LDS on a table of nodes with a label column.

The user picks the table (the Data page's data set or a bundled sample), the label
column, an optional edge list and the split; the fit runs in the background worker
(progress, cancel) and the page shows accuracy against baselines, the learned
graph, the edge-probability histogram, the training curves and downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.components.text import literal
from app.jobs import get_registry, render_job
from engine import load_sample, resolve_device
from engine.errors import EngineError
from engine.graphs import (
    BASELINES,
    PAPER_SPLIT_SIZES,
    GraphResult,
    LdsConfig,
    adjacency_from_edges,
    check_knn_k,
    check_resources,
    estimate_memory,
    make_split,
    read_edge_list,
    table_inputs,
)
from engine.plots import (
    accuracy_figure,
    edge_histogram_figure,
    graph_layout,
    learned_graph_figure,
    training_curves_figure,
)

SOURCE_KEY = "graph_source"
SAMPLE_KEY = "graph_sample"
TARGET_KEY = "graph_target"
EDGES_KEY = "graph_edges_upload"
NODE_SELECT_KEY = "graph_node_select"
CHART_KEY = "graph_chart"
SAMPLES = ("wine", "breast_cancer", "digits")
FROM_DATA_PAGE = "Data page table"
BUNDLED = "Bundled sample"
BASELINE_LABELS = {
    "knn_gcn": "kNN-GCN (fixed graph)",
    "logreg": "Logistic regression",
    "mlp": "MLP",
    "label_propagation": "Label propagation",
}


@st.cache_data(show_spinner=False, max_entries=4)
def _sample(name: str) -> tuple[pd.DataFrame, str]:
    sample = load_sample(name)
    return sample.frame, str(sample.target)


def _choose_table() -> tuple[str, pd.DataFrame, str | None]:
    dataset = state.uploaded_dataset()
    options = [BUNDLED]
    if dataset is not None:
        options.insert(0, FROM_DATA_PAGE)
    source = st.radio("Table", options, horizontal=True, key=SOURCE_KEY)
    if source == FROM_DATA_PAGE:
        return str(dataset.get("name", "data")), dataset["frame"], dataset.get("target")
    index = state.data_page_sample(SAMPLES, "wine")
    name = st.selectbox("Sample", SAMPLES, index=index, key=SAMPLE_KEY)
    frame, target = _sample(name)
    return name, frame, target


def _label_column(frame: pd.DataFrame, default: str | None) -> str:
    columns = [str(c) for c in frame.columns]
    index = columns.index(default) if default in columns else len(columns) - 1
    return st.selectbox(
        "Label column",
        columns,
        index=index,
        key=TARGET_KEY,
        help="Rows with an empty label are unlabelled nodes: they take part "
        "through the graph only.",
    )


def _bounded_input(
    col: Any, label: str, key: str, bounds: tuple[int, int], default: int, help: str
) -> int:
    """An integer input whose kept value is clamped into ``bounds`` first.

    Its value lives in session state under ``key`` (kept across page switches by
    ``app.state``); the range depends on the data, so a kept value is clamped.
    """
    low, high = bounds
    value = st.session_state.get(key, default)
    st.session_state[key] = min(max(int(value), low), high)
    return int(
        col.number_input(
            label, min_value=low, max_value=high, step=1, key=key, help=help
        )
    )


def _split_controls(name: str, y: pd.Series) -> dict[str, int]:
    known = int(y.notna().sum())
    n_train, n_val = PAPER_SPLIT_SIZES.get(name, (10, 20))
    c1, c2 = st.columns(2)
    n_train = _bounded_input(
        c1,
        "Labelled (training) nodes",
        f"graph_split_{name}_train",
        (2, max(2, known - 3)),
        min(n_train, known - 3),
        "The paper's protocol: 10 for wine and breast cancer, 50 for digits.",
    )
    n_val = _bounded_input(
        c2,
        "Validation nodes",
        f"graph_split_{name}_val",
        (2, max(2, known - n_train - 1)),
        min(n_val, known - n_train - 1),
        "Halved: one half moves the graph (outer objective), the other "
        "drives early stopping. The remaining labelled nodes are the test set.",
    )
    return {"n_train": n_train, "n_val": n_val}


def _options(name: str) -> dict[str, Any]:
    defaults = LdsConfig()
    with st.expander("Options", expanded=False):
        c1, c2, c3 = st.columns(3)
        opts: dict[str, Any] = {
            "k": c1.number_input(
                "k (kNN graph)", 1, 100, defaults.k, key="graph_opt_k"
            ),
            "metric": c1.selectbox(
                "kNN metric", ["cosine", "euclidean"], key="graph_opt_metric"
            ),
            # standardised by default, digits included: raw non-negative pixels
            # make the GCN's initial logits large and its ReLUs die
            "features": c1.selectbox(
                "Features",
                ["standardize", "none", "row_normalize"],
                index=0,
                key="graph_opt_features",
            ),
            "tau": c2.number_input(
                "τ (steps per hypergradient)", 1, 50, defaults.tau, key="graph_opt_tau"
            ),
            "outer_lr": c2.number_input(
                "Outer learning rate η0",
                0.0,
                1000.0,
                float(defaults.outer_lr),
                key="graph_opt_outer_lr",
            ),
            "max_outer_iter": c2.number_input(
                "Max outer iterations",
                1,
                1000,
                defaults.max_outer_iter,
                key="graph_opt_max_outer_iter",
            ),
            "patience": c3.number_input(
                "Patience (outer)", 1, 200, defaults.patience, key="graph_opt_patience"
            ),
            "inner_max_steps": c3.number_input(
                "Max inner steps",
                5,
                2000,
                defaults.inner_max_steps,
                key="graph_opt_inner_max_steps",
            ),
            "n_samples": c3.number_input(
                "Graph samples for prediction",
                1,
                64,
                defaults.n_samples,
                key="graph_opt_n_samples",
            ),
        }
    opts["baselines"] = tuple(
        st.multiselect(
            "Baselines",
            list(BASELINES),
            default=list(BASELINES),
            format_func=BASELINE_LABELS.get,
            key="graph_opt_baselines",
        )
    )
    return {k: (int(v) if isinstance(v, np.integer) else v) for k, v in opts.items()}


def _edge_list(frame: pd.DataFrame) -> pd.DataFrame | None:
    upload = st.file_uploader(
        "Input graph (optional edge list CSV: source,target of row names or 0-based "
        "rows); without one, LDS starts from the kNN graph",
        type=["csv", "txt"],
        key=EDGES_KEY,
    )
    if upload is None:
        return None
    edges = read_edge_list(upload.getvalue())
    names = [str(v) for v in frame.index]
    adjacency_from_edges(edges, len(frame), node_names=names)  # validate now
    st.caption(f"{len(edges)} edges read.")
    return edges


def _submit(frame: pd.DataFrame, target: str, edges: Any, sizes: dict, opts: dict):
    X, y = table_inputs(frame, target)
    seed = int(state.get(state.SEED, 0))
    split = make_split(y.to_numpy(), sizes["n_train"], sizes["n_val"], seed=seed)
    # report bad options, and a graph too large for this machine, before starting
    check_resources(len(frame), LdsConfig(**opts), resolve_device("auto"), "Fit")
    if edges is None:
        check_knn_k(int(opts["k"]), len(frame), "Fit")
    kwargs = {
        "X": X,
        "y": y.to_numpy(),
        "split": split,
        "graph": edges,
        "seed": seed,
        "device": "auto",
        **opts,
    }
    job = get_registry().submit(
        "engine.graphs.lds:learn_graph", kwargs, label="LDS fit"
    )
    state.put(state.GRAPH_JOB, job)
    state.put(state.GRAPH_JOB + "_error", None)


def _checked(problems: list[str], draw: Callable[..., Any], *args: Any) -> Any:
    """``draw(*args)``, or ``None`` with the error's message added to ``problems``."""
    try:
        return draw(*args)
    except EngineError as err:
        problems.append(str(err))
        return None


def render() -> None:
    """Draw the page."""
    st.title("Learn a graph")
    st.caption(
        "LDS (Franceschi et al., ICML 2019) learns a probability for every pair of "
        "nodes together with a two-layer GCN, by hypergradients on the validation "
        "loss. Memory and time grow with the square of the number of nodes."
    )
    name, frame, default_target = _choose_table()
    target = _label_column(frame, default_target)
    y = frame[target]
    n = len(frame)
    st.caption(
        f"{n} nodes, {y.nunique()} classes, {int(y.notna().sum())} labelled; "
        f"estimated memory {estimate_memory(n) / 1e6:.0f} MB."
    )
    # each input is checked on its own so that one bad input neither hides the other
    # controls (Streamlit drops the state of widgets it does not draw) nor the
    # running job and the last result below
    problems: list[str] = []
    edges = _checked(problems, _edge_list, frame)
    sizes = _checked(problems, _split_controls, name, y)
    opts = _checked(problems, _options, name)
    for problem in problems:
        st.error(literal(problem))
    running = state.get(state.GRAPH_JOB) is not None
    blocked = running or bool(problems)
    if st.button("Fit", type="primary", disabled=blocked, key="graph_fit"):
        try:
            _submit(frame, target, edges, sizes, opts)
            st.rerun()
        except EngineError as err:
            st.error(literal(err))
    render_job(state.GRAPH_JOB, lambda r: state.put(state.GRAPH_RESULT, r))
    error = state.get(state.GRAPH_JOB + "_error")
    if error:
        st.error(error)
    result = state.get(state.GRAPH_RESULT)
    if result is not None:
        _show_result(result)


# --- results ---


def _show_result(result: GraphResult) -> None:
    st.subheader("Results")
    if result.stopped:
        st.warning("The fit was cancelled; these are the best results so far.")
    c = st.columns(5)
    c[0].metric("Test accuracy", f"{result.test_accuracy:.3f}")
    c[1].metric("Validation accuracy", f"{result.val_accuracy:.3f}")
    c[2].metric(
        "Expected edges",
        f"{result.expected_edges:.0f}",
        delta=f"{result.expected_edges - len(result.initial_edges):+.0f}",
    )
    c[3].metric(
        "Homophily",
        f"{result.homophily_learned:.3f}",
        delta=f"{result.homophily_learned - result.homophily_initial:+.3f}",
    )
    c[4].metric("Fit time", f"{result.timings.get('total', 0.0):.0f} s")
    st.caption(
        f"Seed {result.seed}, device {result.device}, {result.n_outer_iter} outer "
        f"iterations (selected: {result.best_iter}), initial graph "
        f"{result.config.get('graph_source')} with {len(result.initial_edges)} edges."
    )
    st.dataframe(_accuracy_table(result), hide_index=True, key="graph_accuracy")
    _show_graph(result)
    left, right = st.columns(2)
    left.plotly_chart(edge_histogram_figure(result), key="graph_hist")
    right.plotly_chart(accuracy_figure(result), key="graph_acc_fig")
    st.plotly_chart(training_curves_figure(result), key="graph_curves")
    _downloads(result)


def _accuracy_table(result: GraphResult) -> pd.DataFrame:
    rows = [
        {
            "method": "LDS (learned graph)",
            "test accuracy": result.test_accuracy,
            "validation accuracy": result.val_accuracy,
        }
    ]
    for name, scores in result.baselines.items():
        rows.append(
            {
                "method": BASELINE_LABELS.get(name, name),
                "test accuracy": scores["test_accuracy"],
                "validation accuracy": scores["val_accuracy"],
            }
        )
    return pd.DataFrame(rows)


@st.cache_data(show_spinner="Laying out the graph…", max_entries=4)
def _layout(_result: GraphResult, key: tuple, n_edges: int) -> np.ndarray:
    k = min(n_edges, len(_result.edges))
    return graph_layout(
        _result.n_nodes, _result.edges[:k], _result.edge_probabilities[:k], _result.seed
    )


def _show_graph(result: GraphResult) -> None:
    c1, c2, c3 = st.columns([1, 1, 2])
    color_by = c1.radio(
        "Colour nodes by", ["class", "correctness"], horizontal=True, key="graph_color"
    )
    n_max = max(1, len(result.edges))
    n_edges = c2.number_input(
        "Edges drawn", 1, n_max, min(n_max, 3 * result.n_nodes), key="graph_n_edges"
    )
    names = list(result.node_names)
    current = state.get(state.GRAPH_NODE)
    choice = c3.selectbox(
        "Node",
        ["(none)", *names],
        index=0 if current is None or current >= len(names) else current + 1,
        key=NODE_SELECT_KEY,
    )
    selected = None if choice == "(none)" else names.index(choice)
    state.put(state.GRAPH_NODE, selected)
    key = (result.seed, result.n_nodes, float(result.expected_edges))
    pos = _layout(result, key, int(n_edges))
    fig = learned_graph_figure(
        result,
        n_edges=int(n_edges),
        color_by=color_by,
        positions=pos,
        selected=selected,
    )
    event = st.plotly_chart(
        fig, key=CHART_KEY, on_select="rerun", selection_mode="points"
    )
    _apply_click(event, names)
    if selected is not None:
        _node_details(result, selected)


def _apply_click(event: Any, names: list[str]) -> None:
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        idx = point.get("customdata")
        if isinstance(idx, list):
            idx = idx[0] if idx else None
        if idx is not None and int(idx) != state.get(state.GRAPH_NODE):
            state.put(state.GRAPH_NODE, int(idx))
            st.session_state[NODE_SELECT_KEY] = names[int(idx)]
            st.rerun()


def _node_details(result: GraphResult, node: int) -> None:
    frame = result.edge_frame()
    mask = (result.edges[:, 0] == node) | (result.edges[:, 1] == node)
    row = result.prediction_frame().iloc[node]
    st.markdown(
        f"**Node {literal(result.node_names[node])}**: split {row['split']}, label "
        f"{literal(row['label'])}, predicted {literal(row['predicted'])} "
        f"({row['probability']:.2f})"
    )
    st.dataframe(frame[mask].head(20), hide_index=True, key="graph_node_edges")


def _downloads(result: GraphResult) -> None:
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "Edge list with probabilities (CSV)",
        result.edge_frame().to_csv(index=False).encode(),
        file_name="learned_edges.csv",
        mime="text/csv",
        key="graph_dl_edges",
    )
    c2.download_button(
        "Predictions (CSV)",
        result.prediction_frame().to_csv(index=False).encode(),
        file_name="predictions.csv",
        mime="text/csv",
        key="graph_dl_pred",
    )
    c3.download_button(
        "Full result (JSON)",
        result.to_json().encode(),
        file_name="lds_result.json",
        mime="application/json",
        key="graph_dl_json",
    )


if __name__ == "__main__":
    render()
