"""Learn-a-graph page: LDS on a table of nodes with a label column.

The user picks the table (the Data page's data set or a bundled sample), the label
column, an optional edge list and the split; the fit runs in the background worker
(progress, cancel) and the page shows accuracy against baselines, the learned
graph, the edge-probability histogram, the training curves and downloads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.components.label_box import anyway_box, anyway_key
from app.components.text import literal, page_error
from app.jobs import POLL_WORDS, get_registry, render_job, show_message
from engine import load_sample, resolve_device
from engine.data import MatrixRecord
from engine.errors import (
    ConfigError,
    DataError,
    EngineError,
    GraphError,
    ResourceError,
    format_names,
    memory_words,
)
from engine.graphs import (
    BASELINES,
    LONG_FIT_S,
    METHOD_LABELS,
    NAME_SHARE,
    PAPER_SPLIT_SIZES,
    GraphResult,
    LdsConfig,
    adjacency_from_edges,
    baseline_seconds,
    check_class_labels,
    check_knn_k,
    check_resources,
    describe_edge_list,
    edge_cell_name,
    edge_names_columns,
    estimate_memory,
    estimate_seconds,
    ids_differ_from_rows,
    inner_step_seconds,
    inner_steps,
    make_split,
    node_name,
    outer_iterations,
    outer_seconds,
    read_edge_list,
    repeated_name_column,
    split_sizes_that_fit,
    stop_seconds,
    table_inputs_record,
    unknown_names,
)
from engine.graphs.splits import MIN_LABELLED
from engine.plots import (
    accuracy_figure,
    edge_histogram_figure,
    graph_layout,
    learned_graph_figure,
    training_curves_figure,
)
from engine.runtime import duration_range, duration_words
from engine.validation import (
    class_label_warning,
    continuous_label,
    guess_label_column,
    label_refusal,
)

SOURCE_KEY = "graph_source"
MISSING_KEY = "graph_opt_missing"
SAMPLE_KEY = "graph_sample"
TARGET_KEY = "graph_target"
EDGES_KEY = "graph_edges_upload"
# the extensions edge-list files come with (Cora's .cites, SNAP's .txt, ...)
EDGE_LIST_TYPES = ("csv", "tsv", "txt", "cites", "edges", "el")
# the box that reads an edge list's numbers as 0-based rows, not as IDs
EDGE_ROWS_KEY = "graph_edges_rows"
# how the page reads an edge list of names as 0-based rows (the library's words)
ROWS_BOX = "tick 'Edge list of 0-based row numbers'"
# the box that lets Fit take a refused label (engine's label_refusal), one class
# per value; one per table and label column (fit_anyway_key)
FIT_ANYWAY_KEY = "graph_fit_anyway"
NODE_SELECT_KEY = "graph_node_select"
CHART_KEY = "graph_chart"
SAMPLES = ("wine", "breast_cancer", "digits")
FROM_DATA_PAGE = "Data page table"
BUNDLED = "Bundled sample"
# the engine's names for the methods, shared with its accuracy chart
BASELINE_LABELS = {k: v for k, v in METHOD_LABELS.items() if k != "lds"}


@st.cache_data(show_spinner=False, max_entries=4)
def _sample(name: str) -> tuple[pd.DataFrame, str]:
    sample = load_sample(name)
    return sample.frame, str(sample.target)


def _choose_table() -> tuple[str, str, pd.DataFrame, str | None]:
    """The table: its name, an id of its content, the frame and its default label."""
    dataset = state.uploaded_dataset()
    options = [BUNDLED]
    if dataset is not None:
        options.insert(0, FROM_DATA_PAGE)
    source = st.radio("Table", options, horizontal=True, key=SOURCE_KEY)
    if source == FROM_DATA_PAGE:
        frame = dataset["frame"]
        table_id = str(dataset["id"])  # the Data page gives every upload one
        name = str(dataset.get("name", "data"))
        # the Data page's label column, else the column that looks like one, as
        # on the Explain page; none when none looks like class labels
        default = dataset.get("target") or guess_label_column(frame, numeric=True)
        return name, table_id, frame, default
    index = state.data_page_sample(SAMPLES, "wine")
    name = st.selectbox("Sample", SAMPLES, index=index, key=SAMPLE_KEY)
    frame, target = _sample(name)
    return name, f"sample:{name}", frame, target


@st.cache_data(show_spinner="Preparing the node features…", max_entries=4)
def _node_inputs(
    _frame: pd.DataFrame, table_id: str, target: str, missing: str
) -> tuple[pd.DataFrame, pd.Series, MatrixRecord]:
    return table_inputs_record(_frame, target, missing)


def _features(
    frame: pd.DataFrame, table_id: str, target: str
) -> tuple[pd.DataFrame, pd.Series, MatrixRecord]:
    """Node features and labels, with a note of every change made to the table."""
    missing = st.selectbox(
        "Missing values",
        ["mean", "drop"],
        key=MISSING_KEY,
        help="Empty feature cells: fill them with the column mean, or leave out the "
        "rows (nodes) that have one. An empty label never drops a row: it marks an "
        "unlabelled node.",
    )
    X, y, record = _node_inputs(frame, table_id, target, missing)
    lines = record.summary()
    if lines:
        st.info("Node features: " + literal("; ".join(lines)) + ".")
    return X, y, record


def _label_column(frame: pd.DataFrame, default: str | None) -> str | None:
    """The label column the user chose, ``default`` preselected; ``None``
    (with a line asking for one) while none is chosen."""
    columns = [str(c) for c in frame.columns]
    target = st.selectbox(
        "Label column",
        columns,
        index=columns.index(default) if default in columns else None,
        key=TARGET_KEY,
        placeholder="Choose the label column",
        help="Rows with an empty label are unlabelled nodes: they take part "
        "through the graph only.",
    )
    if target is None:
        st.info(
            "Choose the label column: no column of this table looks like class "
            "labels (text or whole numbers with a few rows per class)."
        )
    return target


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
    if known < MIN_LABELLED:
        raise DataError(
            f"The table has {known} labelled row(s) (rows with a label); learning a "
            f"graph needs at least {MIN_LABELLED}: 2 to train on, 2 to validate and "
            "1 to test. Label more rows in 'Label column', or choose a larger table."
        )
    n_train, n_val = PAPER_SPLIT_SIZES.get(name, (10, 20))
    c1, c2 = st.columns(2)
    # the defaults: the sizes that fit, as the graph command suggests them
    n_train = _bounded_input(
        c1,
        "Labelled (training) nodes",
        f"graph_split_{name}_train",
        (2, max(2, known - 3)),
        split_sizes_that_fit(known, n_train, n_val)[0],
        "The paper's protocol: 10 for wine and breast cancer, 50 for digits.",
    )
    n_val = _bounded_input(
        c2,
        "Validation nodes",
        f"graph_split_{name}_val",
        (2, max(2, known - n_train - 1)),
        split_sizes_that_fit(known, n_train, n_val)[1],
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


@st.cache_data(show_spinner="Reading the input graph…", max_entries=4)
def _parsed_edges(digest: str, _data: bytes) -> pd.DataFrame | str:
    """An uploaded edge list's rows (:func:`engine.graphs.read_edge_list`), or
    the message refusing it, parsed once for its bytes: cached by ``digest``
    (``_data`` is not hashed again). A refusal is kept too, because
    ``st.cache_data`` keeps no exception and every rerun would parse it again."""
    try:
        return read_edge_list(_data)
    except DataError as err:
        return str(err)


def _read_edges(data: bytes) -> pd.DataFrame:
    """An uploaded edge list's rows, as the Data page caches its parse.

    Raises
    ------
    DataError
        The file is no edge list (the cached message).
    """
    edges = _parsed_edges(hashlib.sha256(data).hexdigest(), data)
    if isinstance(edges, str):
        raise DataError(edges)
    return edges


def _edge_list(frame: pd.DataFrame, record: MatrixRecord | None) -> pd.DataFrame | None:
    upload = st.file_uploader(
        "Input graph (optional edge list: source,target of row names, the "
        "values of the table's identifier column such as 'name', or 0-based "
        "rows); without one, LDS starts from the kNN graph",
        type=list(EDGE_LIST_TYPES),
        key=EDGES_KEY,
        help="One edge a line, its two nodes separated by a comma, a semicolon, "
        "a tab or blanks (Cora's and Citeseer's .cites files, SNAP edge lists); "
        "a third column (a weight) is ignored, '# ' and '% ' comment lines at the "
        "top are skipped, and a first line source,target (or from,to) is a header.",
    )
    if upload is None:
        return None
    st.checkbox(
        "Edge list of 0-based row numbers",
        key=EDGE_ROWS_KEY,
        help="Numbers that an identifier column of the table holds (its IDs) are "
        "read as its values, even when all of them are row numbers too: an edge "
        "list most likely uses the table's IDs. Tick this to read them as 0-based "
        "row numbers (0 is the first row) instead.",
    )
    data = upload.getvalue()
    edges = _read_edges(data)
    # validates the nodes now; counts only edges between two different nodes
    n_edges, notes = _described(edges, frame, record)
    st.caption(f"{n_edges} edges read from {len(edges)} rows.")
    for note in notes:
        st.warning(f"Input graph: {literal(note)}")
    _, column = _node_names(frame, edges, record)
    if column is not None and ids_differ_from_rows(frame[column], _cells(edges)):
        st.info(
            f"Input graph: its numbers are read as the values of the identifier "
            f"column '{literal(column)}', though all are row numbers too: a "
            "table's IDs are what an edge list most likely refers to. Tick 'Edge "
            "list of 0-based row numbers' to read them as rows."
        )
    return edges


def _cells(edges: pd.DataFrame) -> list[str]:
    """The source and target cells of an edge list as node names."""
    return [edge_cell_name(v) for v in edges.iloc[:, :2].to_numpy().ravel()]


def _node_names(
    frame: pd.DataFrame, edges: pd.DataFrame, record: MatrixRecord | None
) -> tuple[list[str], str | None]:
    """The names of the table's rows for ``edges``: the values of the identifier
    column (left out of the features) that holds most cells of the edge list, or
    the row numbers; with that column's name, or ``None``. The column is taken
    even when the list's numbers are all row numbers too, unless the 'Edge list
    of 0-based row numbers' box is ticked (:func:`edge_names_columns`, the rule
    of the graph command)."""
    cells = _cells(edges)
    dropped = record.dropped_columns if record is not None else {}
    ids = [c for c, why in dropped.items() if why == "identifier" and c in frame]
    rows_asked = bool(st.session_state.get(EDGE_ROWS_KEY, False))
    found = edge_names_columns(frame, cells, ids, rows=rows_asked)
    if found:
        return [node_name(v) for v in frame[found[0]]], found[0]
    rows = [node_name(v) for v in frame.index]
    if rows_asked:
        return rows, None  # a number beyond the rows is refused as such
    if not set(cells) <= set(rows):  # not an edge list of row numbers
        label = [c for c, why in dropped.items() if why == "excluded"]
        _refuse_repeated_names(frame, cells, label)
        _refuse_feature_names(frame, cells, list(dropped))
        _refuse_unknown_names(frame, edges, cells, ids)
    return rows, None


def _refuse_feature_names(
    frame: pd.DataFrame, cells: list[str], skip: list[str]
) -> None:
    """Refuse an edge list whose names are the distinct values of a column the
    page reads as a feature, one not in ``skip`` (the columns left out of the
    features), such as a column of IDs 100, 101, ... named 'node': the list was
    refused as one of row numbers ("source node '100' ... is not a node index in
    [0, 29]"), without a word on that column."""
    for column in frame.columns:
        values = frame[column]
        if column in skip or not values.is_unique:
            continue
        known = {node_name(v) for v in values.dropna()}
        if sum(c in known for c in cells) >= NAME_SHARE * len(cells):
            raise GraphError(
                f"Input graph: the edge list names the rows by the values of "
                f"column {column!r}, but the page reads that column as a node "
                "feature, not as row names: it takes the names only from an "
                "identifier column, one of distinct values named like an id "
                "('id', 'node_id', ...). Rename the column (to 'node_id', say) and "
                "upload the table again, or use an edge list of 0-based row numbers."
            )


def _refuse_repeated_names(
    frame: pd.DataFrame, cells: list[str], label: list[str]
) -> None:
    """Refuse an edge list whose names are the values of a column (not the
    ``label`` column) that repeats some: such a column is no identifier, and an
    edge to a repeated name could be to any of its rows (the error said only to
    use the identifier column)."""
    found = repeated_name_column(frame, cells, skip=label)
    if found is not None:
        column, repeated = found
        raise GraphError(
            f"Input graph: the edge list names the rows by the values of column "
            f"{column!r}, but {len(repeated)} of them name more than one row: "
            f"{format_names(repeated, 5)}, so an edge to such a name could be to "
            "any of its rows. Give every row its own name in that column and "
            "upload the table again, or use an edge list of 0-based row numbers."
        )


def _refuse_unknown_names(
    frame: pd.DataFrame, edges: pd.DataFrame, cells: list[str], ids: list[str]
) -> None:
    """Refuse an edge list of which the identifier columns (``ids``) hold too few
    cells to name the rows, naming the cells that the one holding the most of
    them lacks. Read by row numbers, a list of names with one typo ('n99') was
    refused for its first cell, "source node 'n0' ... is neither a node name nor
    an integer index", a name of the table."""
    lacking = unknown_names(
        frame[ids],
        edges,
        cells,
        column_words="the identifier column holding most of the list's names",
        rows_how=ROWS_BOX,
    )
    if lacking is None:
        return  # no cell is an ID (the list is read as 0-based rows), or all are
    _, share, why = lacking
    raise GraphError(
        f"Input graph: {why} The page did not take that column's values as the "
        f"node names: they make up {share:.0%} of the list's cells, under the "
        f"{NAME_SHARE:.0%} needed; once these rows are corrected they are."
    )


def _described(
    edges: pd.DataFrame, frame: pd.DataFrame, record: MatrixRecord | None
) -> tuple[int, list[str]]:
    """``describe_edge_list`` over the table's rows, its errors in page words."""
    names, column = _node_names(frame, edges, record)
    try:
        return describe_edge_list(
            edges,
            len(frame),
            node_names=names,
            positions=column is None,
            names_from=_names_from(column),
            rows_how=ROWS_BOX,
        )
    except GraphError as err:
        why = str(err).removeprefix("adjacency_from_edges: ")
        raise GraphError(f"Input graph: {why}") from err


def _names_from(column: str | None) -> str:
    """Where the page takes the node names of an edge list from, in words: the
    column :func:`_node_names` picked, said to be picked (the user chose none)."""
    if column is None:
        return "the values of an identifier column of the table"
    return (
        f"the values of column {column!r}, picked automatically as the "
        "identifier column holding most of the list's names"
    )


def _submit(
    frame: pd.DataFrame,
    inputs: tuple[pd.DataFrame, pd.Series, MatrixRecord],
    edges: Any,
    sizes: dict,
    opts: dict,
    made_on: dict[str, Any],
) -> None:
    X, y, record = inputs
    seed = int(state.get(state.SEED, 0))
    split = make_split(y.to_numpy(), sizes["n_train"], sizes["n_val"], seed=seed)
    # report bad options, and a graph too large for this machine, before starting
    check_resources(len(X), LdsConfig(**opts), resolve_device("auto"), "Fit")
    if edges is None:
        check_knn_k(int(opts["k"]), len(X), "Fit")
    else:
        # the edge list names the uploaded table's rows; keep the kept ones' edges
        # (as an adjacency: the rows left out of it are said at the upload, the
        # library would repeat that under the results)
        names, column = _node_names(frame, edges, record)
        kept = record.kept_rows
        full = adjacency_from_edges(
            edges,
            len(frame),
            node_names=names,
            positions=column is None,
            names_from=_names_from(column),
            rows_how=ROWS_BOX,
        )
        edges = full[np.ix_(kept, kept)]
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
    state.put(state.GRAPH_PENDING, made_on)


def _store_result(result: GraphResult) -> None:
    """Show a finished fit's result; a cancelled fit's never replaces a complete one.

    A fit cancelled (or stopped with its closed tab) while a complete result is
    kept leaves that one shown and keeps its own best state as the other result,
    which :func:`_other_result` offers; a complete fit replaces both.
    """
    made_on = state.get(state.GRAPH_PENDING)
    shown = state.get(state.GRAPH_RESULT)
    other = state.get(state.GRAPH_OTHER)
    if result.stopped:
        if shown is not None and not shown.stopped:
            state.put(state.GRAPH_OTHER, {"result": result, "for": made_on})
            return
        if other is not None and not other["result"].stopped:
            # the partial one was shown by choice: the complete one comes back
            state.put(state.GRAPH_RESULT, other["result"])
            state.put(state.GRAPH_RESULT_FOR, other["for"])
            state.put(state.GRAPH_OTHER, {"result": result, "for": made_on})
            return
    state.put(state.GRAPH_RESULT, result)
    state.put(state.GRAPH_RESULT_FOR, made_on)
    state.put(state.GRAPH_OTHER, None)


def _swap_results() -> None:
    """Show the other kept result instead of the shown one (a button's callback)."""
    other = state.get(state.GRAPH_OTHER)
    if other is None:
        return
    state.put(
        state.GRAPH_OTHER,
        {
            "result": state.get(state.GRAPH_RESULT),
            "for": state.get(state.GRAPH_RESULT_FOR),
        },
    )
    state.put(state.GRAPH_RESULT, other["result"])
    state.put(state.GRAPH_RESULT_FOR, other["for"])


def _other_result(made_on: dict[str, Any]) -> None:
    """The line on the result kept beside the shown one, with a button to swap.

    Said while both were made on the page's current choice (table, label
    column, missing values): after a cancelled fit, the complete result of the
    fit before it stays shown and the cancelled fit's best state is offered.
    When only the kept one was made on the current choice, it is shown instead
    (the shown one would be hidden: going back to its choice shows it again).
    """
    other = state.get(state.GRAPH_OTHER)
    if other is None or state.get(state.GRAPH_RESULT) is None:
        return
    current = list(made_on["key"])
    kept_on = list((other["for"] or {}).get("key") or ())
    shown_on = list((state.get(state.GRAPH_RESULT_FOR) or {}).get("key") or ())
    if kept_on == current and shown_on != current:
        _swap_results()  # the other one now kept was made on another choice
        return
    if [shown_on, kept_on] != [current, current]:
        return
    text, label = _kept_words(state.get(state.GRAPH_RESULT), other["result"])
    st.info(text)
    st.button(label, key="graph_swap_result", on_click=_swap_results)


def _kept_words(shown: GraphResult, other: GraphResult) -> tuple[str, str]:
    """The info line on two kept results (one of a cancelled fit) and the label
    of the button that swaps them."""
    partial = shown if shown.stopped else other
    done = (
        f"{partial.n_outer_iter} of at most "
        f"{partial.config.get('max_outer_iter', '?')} outer iterations"
    )
    if shown.stopped:
        return (
            f"Shown: the best state of the cancelled fit ({done}), a partial "
            "result. The complete result of the fit before it is kept.",
            "Show the complete result",
        )
    return (
        f"The last fit was cancelled after {done}; the complete result of the fit "
        "before it stays shown below. Its best state so far is kept.",
        "Show the cancelled fit's best state",
    )


def _checked(problems: list[str], draw: Callable[..., Any], *args: Any) -> Any:
    """``draw(*args)``, or ``None`` with the error's message added to ``problems``
    (without the library function's name that starts it: "learn_graph: ...")."""
    try:
        return draw(*args)
    except EngineError as err:
        problems.append(page_error(err))
        return None


def fit_anyway_key(table_id: str, target: str) -> str:
    """The key of the 'Fit anyway' box of one table's label column."""
    return anyway_key(FIT_ANYWAY_KEY, table_id, target)


def _label_checks(
    problems: list[str], y: pd.Series, target: str, table_id: str
) -> None:
    """Refuse, before Fit is pressed, a label column no fit can learn from.

    A label that looks continuous or makes nearly every row a class of its
    own (:func:`engine.validation.label_refusal`, the rule of the Explain page
    and of the ``explain`` and ``graph`` commands) is refused unless the box
    'Fit anyway' below it is ticked for this table's label column, as the
    Explain page's 'Train anyway' and the commands' ``--fit-anyway``; a label
    of a single class is refused by the library's check
    (:func:`engine.graphs.check_class_labels`). Other labels that look like no
    class labels (few rows per class) get a warning.

    Parameters
    ----------
    problems : list of str
        The page's errors, which disable Fit; the refusals are added to it.
    y : Series of shape (n_nodes,)
        The labels of the nodes, missing for unlabelled ones.
    target : str
        The label column's name.
    table_id : str
        The table's id (the box is its label column's).
    """
    why = label_refusal(y)
    if why is not None:
        insisted = anyway_box(
            "Fit", "Fit", "the GCN would learn", fit_anyway_key(table_id, target)
        )
        if not insisted:
            ranges = ", or group the values into a few ranges first"
            problems.append(
                f"The label column '{target}' {why}. Choose a column of class "
                f"labels in 'Label column'{ranges if continuous_label(y) else ''}; "
                "or tick 'Fit anyway' above."
            )
            return
    suspect = class_label_warning(y, target)
    if suspect:
        st.warning(
            f"{literal(suspect[:1].upper() + suspect[1:])}. Every distinct value "
            "becomes its own class: choose a column of categories in 'Label "
            "column', or group the values into a few ranges first."
        )
    if y.notna().any():  # no label at all: the split inputs say so
        _checked(problems, _check_classes, y, target)


def _check_classes(y: pd.Series, target: str) -> None:
    """:func:`engine.graphs.check_class_labels` in the page's words: a label
    column of a single class (said only by the fit, after Fit was pressed)."""
    try:
        check_class_labels(y, "Fit", f"the label column {target!r}")
    except DataError as err:
        why = str(err).removeprefix("Fit: ")
        raise DataError(
            f"{why[:1].upper()}{why[1:]} Choose another 'Label column', or label "
            "some rows with a second class."
        ) from err


def _check_k(n_nodes: int, opts: dict) -> None:
    """Refuse, before Fit is pressed, a kNN ``k`` not below the nodes (a 5-row
    table with the default k = 10); not checked while an edge list is
    uploaded, which replaces the kNN graph."""
    if st.session_state.get(EDGES_KEY) is not None:
        return
    k = int(opts["k"])
    try:
        check_knn_k(k, n_nodes, "Fit")
    except ConfigError as err:
        raise ConfigError(
            f"'k (kNN graph)' is {k}, but the table has only {n_nodes} nodes "
            f"(rows), and k must be smaller: choose k <= {n_nodes - 1} under "
            "'Options', or upload an input graph."
        ) from err


def time_warning(n_nodes: int, config: LdsConfig) -> str | None:
    """What a fit of ``n_nodes`` with ``config`` will cost, in the page's words,
    when the low end of :func:`engine.graphs.estimate_seconds` is over
    :data:`LONG_FIT_S`; else ``None``."""
    low, high = estimate_seconds(n_nodes, config)
    if low <= LONG_FIT_S:
        return None
    step = inner_step_seconds(n_nodes)
    one_low, one_high = outer_seconds(n_nodes, config)
    few, many = inner_steps(config)
    outer, most = outer_iterations(config)
    runs = (
        f"{outer} to 'Max outer iterations' = {most}"
        if outer < most
        else f"'Max outer iterations' = {config.max_outer_iter}"
    )
    extra = baseline_seconds(n_nodes, config)
    baselines = f", then the baselines (about {duration_words(extra)})" if extra else ""
    return (
        f"A long fit: {n_nodes} nodes. One outer iteration takes about "
        f"{duration_range(one_low, one_high)} on one CPU core "
        f"({few} to {many} inner steps of about {duration_words(step)} each in "
        f"measured fits; up to 'Max inner steps' = {config.inner_max_steps}, "
        f"{duration_words(config.inner_max_steps * step)}, while the inner "
        f"training keeps improving), and a fit runs {runs} of them{baselines}. "
        f"Expect about {duration_range(low, high)}. The server "
        "runs one fit at a time for every user: lower 'Max outer iterations' for "
        "a first look, or use a table with fewer rows. You can still start it: a "
        "stop request (Cancel) is checked about every "
        f"{duration_words(stop_seconds(n_nodes, config))} of the fit's computing, "
        f"longer on a busy machine. {POLL_WORDS}"
    )


def _check_size(n_nodes: int, opts: dict) -> None:
    """Refuse, before Fit is pressed, a graph too large for this machine."""
    try:
        check_resources(n_nodes, LdsConfig(**opts), resolve_device("auto"), "Fit")
    except ResourceError as err:
        raise ResourceError(
            f"{err} On this page: use a table with fewer rows (a sample of the "
            "nodes); 'max_nodes' and 'memory_budget_gb' are options of the "
            "library's learn_graph."
        ) from err


def render() -> None:
    """Draw the page."""
    st.title("Learn a graph")
    st.caption(
        "LDS (Franceschi et al., ICML 2019) learns a probability for every pair of "
        "nodes together with a two-layer GCN, by hypergradients on the validation "
        "loss. Memory and time grow with the square of the number of nodes."
    )
    name, table_id, frame, default_target = _choose_table()
    target = _label_column(frame, default_target)
    # each input is checked on its own so that one bad input neither hides the other
    # controls (Streamlit drops the state of widgets it does not draw) nor the
    # running job below
    problems: list[str] = []
    inputs = None
    if target is not None:
        inputs = _checked(problems, _features, frame, table_id, target)
    if inputs is not None:
        X, y, _ = inputs
        n = len(X)
        st.caption(
            f"{n} nodes, {y.nunique()} classes, {int(y.notna().sum())} labelled; "
            f"estimated memory {memory_words(estimate_memory(n))}."
        )
        _label_checks(problems, y, target, table_id)
    record = inputs[2] if inputs is not None else None
    edges = _checked(problems, _edge_list, frame, record)
    sizes = _checked(problems, _split_controls, name, y) if inputs else None
    opts = _checked(problems, _options, name)
    if inputs is not None and opts is not None:
        _checked(problems, _check_size, len(inputs[0]), opts)
        _checked(problems, _check_k, len(inputs[0]), opts)
        long_fit = time_warning(len(inputs[0]), LdsConfig(**opts))
        if long_fit:
            st.warning(long_fit)
    for problem in problems:
        st.error(literal(problem))
    missing = st.session_state.get(MISSING_KEY, "mean")
    made_on = {
        "key": (table_id, target, missing),
        "label": f"'{literal(name)}' with label column '{literal(target)}' and "
        f"missing values '{missing}'",
        "settings": _settings(sizes, opts),
    }
    running = state.get(state.GRAPH_JOB) is not None
    blocked = running or bool(problems) or target is None
    if st.button("Fit", type="primary", disabled=blocked, key="graph_fit"):
        try:
            _submit(frame, inputs, edges, sizes, opts, made_on)
            st.rerun()
        except EngineError as err:
            st.error(literal(err))
    render_job(state.GRAPH_JOB, _store_result)
    _show_fit_error(made_on)
    _other_result(made_on)
    result = state.get(state.GRAPH_RESULT)
    if result is None:
        return
    fit_on = state.get(state.GRAPH_RESULT_FOR) or {}
    if list(fit_on.get("key") or ()) == list(made_on["key"]):
        note = _settings_note(fit_on.get("settings"), made_on["settings"])
        if note:
            st.info(note)
        _show_result(result)
    else:  # made on another table, label or missing-value choice: not current
        st.info(
            f"The last fit was made on {fit_on.get('label', 'another table')}; its "
            "results are hidden because the table, label column or missing values "
            "chosen above differ. Press Fit to learn a graph for this choice, or go "
            "back to that choice to see them again."
        )


def _show_fit_error(made_on: dict[str, Any]) -> None:
    """The last fit's error, while the page shows the choice it was made on.

    An error about one table ("'y' holds a single class") stayed under Fit after
    the user picked another, valid table; it is dropped once the table, label
    column, missing values or settings differ from those of the failed fit.
    """
    key = state.GRAPH_JOB + "_error"
    error = state.get(key)
    if not error:
        return
    failed_on = state.get(state.GRAPH_PENDING) or {}
    same = list(failed_on.get("key") or ()) == list(made_on["key"]) and (
        failed_on.get("settings") == made_on["settings"]
    )
    if same:
        show_message(error)
    else:
        state.put(key, None)


# --- what a result was made with ---

# The settings a result is made with, in the page's words (its widget labels).
SETTING_NAMES = {
    "n_train": "Labelled (training) nodes",
    "n_val": "Validation nodes",
    "k": "k (kNN graph)",
    "metric": "kNN metric",
    "features": "Features",
    "tau": "τ (steps per hypergradient)",
    "outer_lr": "Outer learning rate η0",
    "max_outer_iter": "Max outer iterations",
    "patience": "Patience (outer)",
    "inner_max_steps": "Max inner steps",
    "n_samples": "Graph samples for prediction",
    "baselines": "Baselines",
    "seed": "Seed",
    "graph": "Input graph",
}


def _edge_list_id() -> str:
    """The uploaded edge list, as its name and a digest of its content; or none."""
    upload = st.session_state.get(EDGES_KEY)
    if upload is None:
        return "none"
    digest = hashlib.sha256(upload.getvalue()).hexdigest()[:12]
    rows = ", as 0-based rows" if st.session_state.get(EDGE_ROWS_KEY) else ""
    return f"'{literal(upload.name)}' ({digest}{rows})"


def _settings(sizes: dict | None, opts: dict | None) -> dict[str, Any] | None:
    """The split sizes, options, seed and input graph of a fit, comparable.

    ``None`` while one of them shows an error (no fit can start then).
    """
    if sizes is None or opts is None:
        return None
    # lists, not tuples: equal again after a round trip through JSON
    return {
        **sizes,
        **opts,
        "baselines": list(opts["baselines"]),
        "seed": int(state.get(state.SEED, 0)),
        "graph": _edge_list_id(),
    }


def _shown(name: str, value: Any) -> str:
    if name == "baselines":
        return ", ".join(BASELINE_LABELS.get(b, b) for b in value) or "none"
    return str(value) if name == "graph" else repr(value)


def _settings_note(made: dict | None, now: dict | None) -> str | None:
    """An info line naming the settings changed since the result was made.

    Parameters
    ----------
    made : dict or None
        :func:`_settings` of the fit; ``None`` for a result that did not record
        them (nothing is said then).
    now : dict or None
        The page's current :func:`_settings`; ``None`` while an input shows an
        error.

    Returns
    -------
    str or None
        ``None`` when nothing changed.
    """
    if made is None:
        return None
    if now is None:
        return (
            "The result below was made with the settings of its last Fit; some "
            "inputs above show an error."
        )
    changed = [
        f"'{SETTING_NAMES.get(key, key)}' (was {_shown(key, made.get(key))})"
        for key in now
        if made.get(key) != now[key]
    ]
    if not changed:
        return None
    return (
        "The result below was made with other settings: since then "
        + "; ".join(changed)
        + " changed. Press **Fit** to update it, or set them back."
    )


# --- results ---


def _show_result(result: GraphResult) -> None:
    st.subheader("Results")
    _metrics(result)
    st.caption(_result_caption(result))
    # a static table: its headers and cells wrap in a narrow window
    st.table(_accuracy_table(result), hide_index=True)
    _show_notes(result)
    st.caption(
        "Every method is scored on the same nodes. LDS moves the graph with one "
        "half of the validation nodes and picks its outer iteration on the other "
        "(early-stopping) half; each baseline picks its setting on all of them. "
        "Validation nodes were used to choose, so compare methods by test accuracy."
    )
    _show_graph(result)
    left, right = st.columns(2)
    left.plotly_chart(edge_histogram_figure(result), key="graph_hist")
    right.plotly_chart(accuracy_figure(result), key="graph_acc_fig")
    st.plotly_chart(training_curves_figure(result), key="graph_curves")
    _downloads(result)


# Width of one metric: its whole label (and help icon) fits; a row of them wraps.
METRIC_WIDTH = 160


def _metrics(result: GraphResult) -> None:
    """The headline figures in a row that wraps on a narrow window."""
    row = st.container(horizontal=True, gap="medium", key="graph_metrics")
    row.metric("Test accuracy", f"{result.test_accuracy:.3f}", width=METRIC_WIDTH)
    row.metric(
        "Validation accuracy",
        f"{result.val_accuracy:.3f}",
        help="On all validation nodes (both halves), as in the table below.",
        width=METRIC_WIDTH,
    )
    row.metric(
        "Expected edges",
        _figure(result.expected_edges, ".0f"),
        delta=_delta(result.expected_edges, len(result.initial_edges), "+.0f"),
        help="Σ θ over all node pairs; the change is against the initial graph.",
        width=METRIC_WIDTH,
    )
    row.metric(
        "Homophily",
        _figure(result.homophily_learned, ".3f"),
        delta=_delta(result.homophily_learned, result.homophily_initial, "+.3f"),
        help="Share of edges (weighted by θ) whose two nodes have the same label; "
        "the change is against the initial graph, none when that graph has no "
        "edge between two labelled nodes.",
        width=METRIC_WIDTH,
    )
    row.metric(
        "Fit time", f"{result.timings.get('total', 0.0):.0f} s", width=METRIC_WIDTH
    )


def _result_caption(result: GraphResult) -> str:
    """Seed, device, iterations and the initial graph (with k and the metric)."""
    config = result.config
    if config.get("graph_source") == "knn":
        graph = f"kNN graph (k = {config.get('k')}, {config.get('metric')} metric)"
    else:
        graph = "uploaded edge list"
    return (
        f"Seed {result.seed}, device {result.device}, {result.n_outer_iter} outer "
        f"iterations (selected: {result.best_iter}); initial graph: {graph} with "
        f"{len(result.initial_edges)} edges; features '{config.get('features')}'."
    )


def _show_notes(result: GraphResult) -> None:
    """The result's warnings, one box each, and a cancelled fit's own line.

    A result of a cancelled fit without a word on the stop (saved by an older
    version) still says it was cancelled.
    """
    if result.stopped and not result.warnings:
        st.warning("The fit was cancelled; these are the best results so far.")
    for note in result.warnings:
        st.warning(literal(note))


def _figure(value: float, fmt: str) -> str:
    """``value`` formatted, or "n/a" when it is undefined (NaN)."""
    return format(value, fmt) if np.isfinite(value) else "n/a"


def _delta(new: float, old: float, fmt: str) -> str | None:
    """The change ``new - old`` formatted; ``None`` (no delta) when undefined."""
    change = new - old
    return format(change, fmt) if np.isfinite(change) else None


def _accuracy_table(result: GraphResult) -> pd.DataFrame:
    """One row per method; every column is measured on the same nodes for all."""
    codes = np.asarray(result.split)
    n_es = int((codes == 2).sum())
    n_val = int((codes == 1).sum()) + n_es
    val_col = f"validation accuracy (all {n_val} validation nodes)"
    es_col = f"early-stopping half ({n_es} nodes)"
    rows = [
        {
            "method": METHOD_LABELS["lds"],
            "test accuracy": result.test_accuracy,
            val_col: result.val_accuracy,
            es_col: result.es_accuracy,
        }
    ]
    for name, scores in result.baselines.items():
        rows.append(
            {
                "method": BASELINE_LABELS.get(name, name),
                "test accuracy": scores["test_accuracy"],
                val_col: scores["val_accuracy"],
                es_col: scores.get("es_accuracy", np.nan),
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
        selected=None if selected is None else choice,  # a name: numbers are names
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
    """Download buttons, labels starting with the format, in a row that wraps."""
    row = st.container(horizontal=True, key="graph_downloads")
    files = [
        ("CSV: learned edges", result.edge_frame().to_csv(index=False), "edges",
         "learned_edges.csv", "text/csv", "The kept edges with their probability θ."),
        ("CSV: predictions", result.prediction_frame().to_csv(index=False), "pred",
         "predictions.csv", "text/csv", "Per node: split, label, prediction."),
        ("JSON: full result", result.to_json(), "json", "lds_result.json",
         "application/json", "Everything of the result; loads with "
         "GraphResult.from_json."),
    ]  # fmt: skip
    for fmt, mime in (("gml", "text/plain"), ("dot", "text/vnd.graphviz")):
        try:
            text = result.to_text(fmt)
        except GraphError as err:  # a node name the format cannot carry unchanged
            st.caption(f"{fmt.upper()}: {literal(err)}")
            continue
        files.append(
            (f"{fmt.upper()}: learned graph", text, fmt, f"learned_graph.{fmt}",
             mime, "The kept edges; weight = edge probability θ.")
        )  # fmt: skip
    for label, data, key, file_name, mime, tip in files:
        row.download_button(
            label,
            data.encode(),
            file_name=file_name,
            mime=mime,
            key=f"graph_dl_{key}",
            help=tip,
        )


if __name__ == "__main__":
    render()
