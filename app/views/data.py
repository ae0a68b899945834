"""Data page: pick a bundled sample or upload a CSV/TSV, see it and its report.

The chosen data set lives under ``state.DATASET`` (see app/state.py) for the other
pages. A bad upload shows its message and leaves the earlier data set selected.
Uploads are parsed once per file (cached by content hash).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import streamlit as st

from app import state
from app.components.names import header_config, short_labels
from app.components.text import human_size, literal
from engine import list_samples, load_sample
from engine.data import DataReport, default_nodes, describe, read_table
from engine.errors import DataError, GraphError
from engine.graph_io import read_graph
from engine.validation import guess_label_column

DEFAULT_SAMPLE = "sachs"
SAMPLE_KEY = "data_sample"
UPLOAD_KEY = "data_upload"
TARGET_KEY = "data_target"
TRUTH_KEY = "data_truth_upload"
HEADER_KEY = "data_header"
HEADER_MESSAGE_KEY = "data_header_message"
# "First row holds column names": the choice -> read_table's header
HEADERS = {"auto": None, "yes": True, "no": False}
NO_TARGET = "(none)"
PREVIEW_ROWS = 200
MAX_FINDINGS = 25


# --- loading ---


@st.cache_data(show_spinner=False, max_entries=16)
def _sample_dataset(name: str) -> dict[str, Any]:
    sample = load_sample(name)
    return {
        "name": name,
        "frame": sample.frame,
        "target": sample.target,
        "truth": sample.truth,
        "source": "sample",
        "report": describe(sample.frame, source=name),
        "description": sample.description,
        "id": f"sample:{name}",
    }


@st.cache_data(show_spinner="Reading the file…", max_entries=8)
def _parse_upload(
    digest: str, name: str, max_bytes: int, _data: bytes, header: str = "auto"
):
    """Parse an upload; cached by ``digest`` and ``header`` (a key of
    :data:`HEADERS`; ``_data`` is not hashed again)."""
    return read_table(_data, name=name, max_bytes=max_bytes, header=HEADERS[header])


def _max_upload_bytes() -> int:
    """The server's upload limit in bytes; Streamlit counts megabytes of 10**6."""
    return int(float(st.get_option("server.maxUploadSize")) * 10**6)


def use_sample(name: str) -> None:
    """Make the bundled sample ``name`` the current data set."""
    state.put(state.DATASET, dict(_sample_dataset(name)))
    state.put(state.UPLOAD_ERROR, None)


def _process_upload(upload: Any) -> None:
    """Parse a new upload once; on failure keep the current data set."""
    if upload is None:
        state.put(state.UPLOAD_ID, None)
        state.put(state.UPLOAD_ERROR, None)
        return
    if state.get(state.UPLOAD_ID) == upload.file_id:
        return  # already handled on an earlier rerun
    state.put(state.UPLOAD_ID, upload.file_id)
    st.session_state[HEADER_KEY] = "auto"  # a new file: guess its header again
    try:
        dataset = _upload_dataset(upload, "auto")
    except DataError as err:
        state.put(state.UPLOAD_ERROR, str(err))
        return
    state.put(state.UPLOAD_ERROR, None)
    state.put(state.DATASET, dataset)
    st.session_state[SAMPLE_KEY] = None  # no sample is selected now


def _upload_dataset(upload: Any, header: str) -> dict[str, Any]:
    """The data set of an uploaded file read with ``header`` (a key of
    :data:`HEADERS`).

    Raises
    ------
    DataError
        The file cannot be read that way.
    """
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    frame, report = _parse_upload(
        digest, upload.name, _max_upload_bytes(), data, header
    )
    return {
        "name": upload.name,
        "frame": frame,
        "target": guess_label_column(frame),
        "truth": None,
        "source": "upload",
        "report": report,
        "description": f"Uploaded file {upload.name} ({human_size(len(data))}).",
        # another reading of the file is another table (its columns differ)
        "id": f"upload:{digest}" + ("" if header == "auto" else f":header={header}"),
        "header": header,
    }


def _on_header_change() -> None:
    """Read the upload again with the chosen "First row holds column names"."""
    upload = st.session_state.get(UPLOAD_KEY)
    choice = st.session_state.get(HEADER_KEY, "auto")
    if upload is None:
        return
    try:
        dataset = _upload_dataset(upload, choice)
    except DataError as err:
        current = state.get(state.DATASET) or {}
        st.session_state[HEADER_KEY] = current.get("header", "auto")
        st.session_state[HEADER_MESSAGE_KEY] = (
            f"The file cannot be read that way: {literal(err)} The columns are "
            "unchanged."
        )
        return
    state.put(state.DATASET, dataset)


def _on_sample_change() -> None:
    name = st.session_state.get(SAMPLE_KEY)
    if name is not None:
        use_sample(name)


def _on_target_change() -> None:
    dataset = state.get(state.DATASET)
    choice = st.session_state.get(TARGET_KEY)
    if dataset is not None:
        dataset["target"] = None if choice in (None, NO_TARGET) else choice


# --- widgets ---


# Tables are read from text (CSV, TSV). Workbooks and Parquet files are taken too,
# only to be refused with what to do (the reader names them by their bytes and
# never parses them): the browser's own filter said just "files are not allowed".
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "parquet"]
UPLOAD_HELP = (
    "A text table: CSV or TSV (.csv, .tsv, .txt). The delimiter (, ; tab |), "
    "decimal commas, the encoding (UTF-8, UTF-16, Windows-1252 or Latin-1) and "
    "'#' comment lines at the top are detected. Excel or OpenDocument workbooks "
    "are not read: save the sheet with "
    "File > Save As > CSV (UTF-8) and upload that; a Parquet file: "
    "pd.read_parquet(path).to_csv('table.csv', index=False). For bigger files, "
    "keep a sample of the rows."
)


def _pickers() -> None:
    left, right = st.columns(2)
    names = list_samples()
    with left:
        st.selectbox(
            "Bundled sample",
            names,
            key=SAMPLE_KEY,
            index=None,
            placeholder="Choose a sample",
            on_change=_on_sample_change,
            help="Small real and synthetic data sets; see sample_data/README.md.",
        )
    with right:
        limit = st.get_option("server.maxUploadSize")
        st.file_uploader(
            f"Or upload a CSV / TSV file (up to {limit} MB)",
            type=UPLOAD_TYPES,
            key=UPLOAD_KEY,
            help=UPLOAD_HELP,
        )
    error = state.get(state.UPLOAD_ERROR)
    if error:
        current = state.get(state.DATASET)
        keep = f" Still using '{literal(current['name'])}'." if current else ""
        st.error(f"This file cannot be used: {literal(error)}{keep}")


def _header_picker(dataset: dict[str, Any]) -> None:
    """ "First row holds column names" for an uploaded file: automatic (the
    reader's guess, named), yes or no."""
    if dataset.get("source") != "upload":
        return
    if st.session_state.get(HEADER_KEY) not in HEADERS:  # e.g. back from a page
        st.session_state[HEADER_KEY] = dataset.get("header", "auto")
    guessed = "yes" if dataset["report"].header is not False else "no"
    labels = {"auto": "Automatic", "yes": "Yes", "no": "No"}
    if dataset.get("header", "auto") == "auto":
        labels["auto"] = f"Automatic (read as: {guessed})"
    st.radio(
        "First row holds column names",
        list(HEADERS),
        key=HEADER_KEY,
        format_func=labels.get,
        horizontal=True,
        on_change=_on_header_change,
        help="Automatic reads a first row of numbers only (e.g. 1,2,3) as data "
        "and names the columns column_1, column_2, ..., and skips lines of text "
        "(a title) above a row of names over columns of numbers, as the notes "
        "say; choose Yes when the first row holds the column names, No when it "
        "is a row of data.",
    )
    message = st.session_state.pop(HEADER_MESSAGE_KEY, None)
    if message:
        st.error(message)


def _target_picker(dataset: dict[str, Any]) -> None:
    columns = [str(c) for c in dataset["frame"].columns]
    options = [NO_TARGET, *columns]
    stale = state.get(state.TARGET_FOR) != dataset["id"]
    if stale or TARGET_KEY not in st.session_state:  # new data, or page revisited
        target = dataset.get("target")
        st.session_state[TARGET_KEY] = target if target in columns else NO_TARGET
        state.put(state.TARGET_FOR, dataset["id"])
    st.selectbox(
        "Target / label column",
        options,
        key=TARGET_KEY,
        format_func=short_labels(options),
        on_change=_on_target_change,
        help="The class label for 'Explain a classifier'; left out of causal "
        "discovery. Choose (none) for unlabelled data.",
    )


def _truth_key(dataset: dict[str, Any]) -> str:
    return f"{TRUTH_KEY}_{dataset['id']}"  # a fresh uploader per data set


def _truth_in_use(dataset: dict[str, Any]) -> str:
    """The known graph the data set holds now, as the messages name it."""
    truth = dataset.get("truth")
    if truth is None:
        return ""
    edges = f"{int(np.sum(truth))} edges"
    if dataset.get("truth_source") == "upload":
        return f"the known graph from '{dataset['truth_name']}' ({edges})"
    return f"the sample's own known graph ({edges})"


def _on_truth_upload(key: str) -> None:
    """Read a known graph the user just uploaded (runs when the uploader changes).

    An emptied uploader changes nothing: the browser empties it before taking a
    replacement file, and a page switch empties it too; the graph in use is
    dropped only by the "Stop using" button. A bad file leaves the graph in use,
    as the table uploader and the Causal page's true-graph uploader do.
    """
    dataset = state.get(state.DATASET)
    upload = st.session_state.get(key)
    if dataset is None:
        return
    if upload is None:
        state.put(state.DATA_TRUTH_MESSAGE, None)
        return
    frame = dataset["frame"]
    columns = [str(c) for c in frame.columns]
    # a headerless matrix of numbers is over the default nodes (no label, no ids)
    nodes = [str(c) for c in default_nodes(frame, dataset.get("target"))]
    try:
        graph = read_graph(
            upload.getvalue(),
            name=upload.name,
            columns=columns,
            require_dag=True,
            matrix_names=nodes,
        )
    except GraphError as err:
        kept = _truth_in_use(dataset)
        keep = f" Still using {kept}." if kept else ""
        text = f"This graph cannot be used: {err}{keep}"
        state.put(state.DATA_TRUTH_MESSAGE, (dataset["id"], "error", text))
        return
    if dataset.get("truth_source") != "upload":
        dataset["base_truth"] = dataset.get("truth")
    dataset["truth"] = graph.adjacency != 0
    dataset["truth_source"] = "upload"
    dataset["truth_name"] = upload.name
    text = f"Known graph loaded: {int(dataset['truth'].sum())} edges."
    state.put(state.DATA_TRUTH_MESSAGE, (dataset["id"], "success", text))


def _forget_truth(dataset: dict[str, Any]) -> None:
    """Go back to the data set's own known graph (none for an upload)."""
    dataset["truth"] = dataset.get("base_truth")
    dataset["truth_source"] = None
    dataset.pop("truth_name", None)
    state.put(state.DATA_TRUTH_MESSAGE, None)


def _truth_uploader(dataset: dict[str, Any]) -> None:
    key = _truth_key(dataset)
    message = state.get(state.DATA_TRUTH_MESSAGE)
    if message is not None and (
        message[0] != dataset["id"] or st.session_state.get(key) is None
    ):
        # about another data set, or about a file no longer in the uploader (a
        # page switch empties it): the table uploader's error goes then too
        message = None
        state.put(state.DATA_TRUTH_MESSAGE, None)
    with st.expander("Known graph (optional)", expanded=message is not None):
        st.caption(
            "A true or expert DAG over these columns to compare learned graphs with: "
            "edge list CSV (source,target[,weight]), adjacency CSV, JSON node-link, "
            "GML or DOT."
        )
        st.file_uploader(
            "Graph file",
            type=["csv", "tsv", "txt", "json", "gml", "dot", "gv"],
            key=key,
            on_change=_on_truth_upload,
            args=(key,),
        )
        if message is not None:
            _, kind, text = message
            (st.error if kind == "error" else st.success)(literal(text))
        if dataset.get("truth_source") == "upload" and st.button(
            f"Stop using {literal(dataset['truth_name'])}", key="data_truth_forget"
        ):
            _forget_truth(dataset)
            st.rerun()  # redraw the count without the button


# --- display ---


def _summary(dataset: dict[str, Any]) -> None:
    frame = dataset["frame"]
    report: DataReport = dataset["report"]
    st.subheader(literal(dataset["name"]))
    st.caption(literal(dataset.get("description", "")))
    cols = st.columns(4)
    cols[0].metric("Rows", f"{frame.shape[0]:,}")
    cols[1].metric("Columns", f"{frame.shape[1]:,}")
    numeric = report.columns_of_kind("numeric")
    features = _numeric_features(dataset, numeric)
    cols[2].metric(
        "Numeric feature columns",
        len(features),
        help=_numeric_help(dataset, numeric, features),
    )
    truth = dataset.get("truth")
    cols[3].metric(
        "Known graph", "none" if truth is None else f"{int(np.sum(truth))} edges"
    )


def _numeric_features(dataset: dict[str, Any], numeric: list[str]) -> list[str]:
    """Numeric columns but the label and the constant ones: the usable features."""
    report: DataReport = dataset["report"]
    constant = {c.name for c in report.columns if c.is_constant}
    target = dataset.get("target")
    return [c for c in numeric if c != target and c not in constant]


def _numeric_help(
    dataset: dict[str, Any], numeric: list[str], features: list[str]
) -> str:
    """What the numeric-column count leaves out of the table's numeric columns."""
    target = dataset.get("target")
    parts = [f"the label '{literal(target)}'"] if target in numeric else []
    n_constant = len(numeric) - len(features) - len(parts)
    if n_constant:
        parts.append(f"{n_constant} constant column(s)")
    text = f"Numeric columns that vary, besides the label: {len(numeric)} in all"
    return text + (f"; left out: {' and '.join(parts)}." if parts else ".")


def _report(report: DataReport) -> None:
    st.markdown("#### Validation report")
    if report.delimiter is not None:
        st.caption(
            f"Parsed with delimiter {literal(repr(report.delimiter))}, decimal mark "
            f"{report.decimal!r}, encoding {report.encoding}."
        )
    if not report.findings:
        st.success("No problems found.")
    for finding in report.findings[:MAX_FINDINGS]:
        show = st.error if finding.severity == "error" else st.warning
        show(literal(finding.message))
    extra = len(report.findings) - MAX_FINDINGS
    if extra > 0:
        st.caption(
            f"… and {extra} more findings (run `python -m engine data describe`)."
        )


def render() -> None:
    """Draw the Data page."""
    st.title("Data")
    _process_upload(st.session_state.get(UPLOAD_KEY))
    if state.get(state.DATASET) is None:
        use_sample(DEFAULT_SAMPLE)
    if SAMPLE_KEY not in st.session_state:
        # first visit, or back from another page (widget state is dropped then)
        current = state.get(state.DATASET)
        sample = current["name"] if current["source"] == "sample" else None
        st.session_state[SAMPLE_KEY] = sample
    _pickers()
    dataset = state.get(state.DATASET)
    _summary(dataset)
    _header_picker(dataset)
    _target_picker(dataset)
    preview, types = st.tabs(["Preview", "Column types"])
    with preview:
        frame = dataset["frame"]
        st.dataframe(
            frame.head(PREVIEW_ROWS), column_config=header_config(list(frame.columns))
        )
        if len(frame) > PREVIEW_ROWS:
            st.caption(f"First {PREVIEW_ROWS} of {len(frame):,} rows.")
    with types:
        st.dataframe(dataset["report"].column_table(), hide_index=True)
    _report(dataset["report"])
    _truth_uploader(dataset)


if __name__ == "__main__":
    render()
