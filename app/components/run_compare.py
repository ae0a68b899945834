"""Two learned DAGs side by side: shared edges, edges of one run only, metrics."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app.components.metric_table import METRIC_NOTES, metric_text, metric_value
from app.components.text import count, literal
from engine.dag import METHODS, compare_runs

# ``truth_for(run) -> (truth or None, words, remark, caution)``: see
# render_run_comparison
TruthFor = Callable[[dict[str, Any]], tuple[np.ndarray | None, str, str, str]]
# Options named at most in a run's label (the rest are counted)
MAX_LABEL_OPTIONS = 3


def _changed_options(result: Any) -> list[str]:
    """``name=value`` of the options a run set away from its method's defaults.

    DAG-DB's estimator is left out (the label names it anyway); so are options
    the method does not have now (a result saved by another version).
    """
    spec = METHODS.get(result.method)
    if spec is None:
        return []
    defaults = {f.name: f.default for f in dataclasses.fields(spec.config_class)}
    out = []
    for name, value in result.config.items():
        if name == "estimator" or name not in defaults or value == defaults[name]:
            continue
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        out.append(f"{name}={shown}")
    return out


def run_label(entry: dict[str, Any], index: int) -> str:
    """Short label of a stored run: number, method, estimator, the options set
    away from their defaults (``lam=5``), whether it was stopped early (a
    partial result), seed, data, and the work file it was loaded from, if
    one."""
    r = entry["result"]
    extra = f" {r.config.get('estimator')}" if r.method == "dagdb" else ""
    changed = _changed_options(r)
    if len(changed) > MAX_LABEL_OPTIONS:
        more = len(changed) - MAX_LABEL_OPTIONS
        changed = [*changed[:MAX_LABEL_OPTIONS], f"{more} more"]
    options = f" ({', '.join(changed)})" if changed else ""
    loaded = entry.get("loaded_from")
    source = f" (loaded from the work file {loaded})" if loaded else ""
    return (
        f"#{index + 1} {r.method}{extra}{options}{_stopped(r)}, seed {r.seed} on "
        f"{entry.get('label', '')}{source}"
    )


def polish_stopped(result: Any) -> bool:
    """Whether a run was stopped on request in the permutahedron's final
    polish, after its training had ended (by early stopping or at
    ``max_iter``): its epochs are complete, only the polish was cut short."""
    max_iter = result.config.get("max_iter")
    trained = result.converged or (
        isinstance(max_iter, int) and result.n_iter >= max_iter
    )
    return bool(result.stopped and result.method == "permutahedron" and trained)


def _stopped(result: Any) -> str:
    """``", stopped early (12 of 300 epochs)"`` for a run stopped on request
    (a partial result), ``", polish stopped early (after 55 epochs)"`` for one
    stopped after its training, else ``""``."""
    if not result.stopped:
        return ""
    if polish_stopped(result):
        return f", polish stopped early (after {count(result.n_iter, 'epoch')})"
    max_iter = result.config.get("max_iter")
    if isinstance(max_iter, int) and max_iter >= result.n_iter:
        return f", stopped early ({result.n_iter} of {max_iter} epochs)"
    return f", stopped early ({count(result.n_iter, 'epoch')})"


def _follow_new_runs(runs: list[dict[str, Any]], key: str) -> None:
    """Point "Run B" at the last run and "Run A" at the latest run before it
    over the same nodes, in any order (else the one before it), when a run was
    added.

    The select boxes keep their values across reruns, so they showed runs #1 and
    #2 after any number of later fits; and the two latest runs, on different
    data, could not be compared. A column taken out and put back comes last in
    the page's column list: the same nodes in another order are the same data.
    A choice made since the last run was added is kept.
    """
    last = st.session_state.get(f"{key}_last")
    if last is runs[-1]:
        return
    st.session_state[f"{key}_last"] = runs[-1]
    nodes = set(runs[-1]["result"].node_names)
    same = [
        k for k, run in enumerate(runs[:-1]) if set(run["result"].node_names) == nodes
    ]
    st.session_state[f"{key}_a"] = same[-1] if same else len(runs) - 2
    st.session_state[f"{key}_b"] = len(runs) - 1


def _in_order(matrix: np.ndarray, names: list[str], order: list[str]) -> np.ndarray:
    """``matrix`` (d, d) over the nodes ``names`` re-indexed to ``order`` (the
    same d nodes, in another order), so that entries match by node name."""
    where = [list(names).index(n) for n in order]
    return np.asarray(matrix)[np.ix_(where, where)]


def own_truth(entry: dict[str, Any]) -> tuple[np.ndarray | None, str, str, str]:
    """A run's own true graph (``truth``), words for it, no remark and no
    caution: the default of :func:`render_run_comparison`'s ``truth_for``."""
    return entry.get("truth"), "the data set's known graph", "", ""


def render_run_comparison(
    runs: list[dict[str, Any]],
    key: str = "cmp",
    truth_for: TruthFor = own_truth,
) -> None:
    """Let the user pick two stored runs and show how their graphs differ.

    Parameters
    ----------
    runs : list of dict
        Each with ``result`` (DagResult), ``label`` (data set name) and optional
        ``truth`` (bool (d, d) ndarray or None).
    key : str
        Prefix of the widget keys.
    truth_for : callable, default=own_truth
        ``truth_for(run) -> (truth, words, remark, caution)``: the true graph
        to score a run against (bool (d, d) over its nodes, or ``None``), which
        graph that is ("the sample's known graph"), a sentence to add after it,
        or "" (why another graph is not used), and a warning to show above the
        metrics, or "" (the graph is cut to the run's columns, say), all
        Markdown-safe. The page
        passes the one its Comparison tab uses, so that both tabs score against
        the same graph. Run A's is used, else run B's.

    Two runs over the same nodes in another order are compared by node name,
    in run A's order.
    """
    if len(runs) < 2:
        st.info(
            "Learn a second DAG (another method, estimator or seed) to compare two "
            "runs side by side."
        )
        return
    labels = [run_label(e, i) for i, e in enumerate(runs)]
    _follow_new_runs(runs, key)
    c = st.columns(2)
    ia = c[0].selectbox(
        "Run A", range(len(runs)), format_func=labels.__getitem__, key=f"{key}_a"
    )
    ib = c[1].selectbox(
        "Run B", range(len(runs)), format_func=labels.__getitem__, key=f"{key}_b"
    )
    a, b = runs[ia], runs[ib]
    names_a, names_b = a["result"].node_names, b["result"].node_names
    if set(names_a) != set(names_b):
        st.warning(
            "The two runs are over different columns; pick runs on the same "
            "data to compare them."
        )
        return
    names = list(names_a)  # run B's graph and truth are read in A's order
    truth, words, remark, caution = truth_for(a)
    if truth is None:
        truth, words, remark, caution = truth_for(b)
        if truth is not None:
            truth = _in_order(truth, list(names_b), names)
    truth = None if truth is None else np.asarray(truth)
    # short column names: the whole labels made each column ~500 px wide, which
    # put run B's values off-screen; the labels are said once, above the table
    out = compare_runs(
        a["result"].adjacency,
        _in_order(b["result"].adjacency, list(names_b), names),
        names,
        truth=truth,
        labels=("A", "B"),
    )
    counts = dict(zip(out["summary"]["found by"], out["summary"]["edges"], strict=True))
    both = counts.get("both", 0)
    only_a = sum(v for k, v in counts.items() if k.startswith("A only"))
    only_b = sum(v for k, v in counts.items() if k.startswith("B only"))
    m = st.columns(3)
    m[0].metric("Edges in both", both)
    m[1].metric("Only in A", only_a)
    m[2].metric("Only in B", only_b)
    if truth is not None:
        if caution:
            st.warning(caution)
        st.caption(
            f"Metrics of each run. Scored against {words} "
            f"({count(int(truth.sum()), 'edge')}).{' ' + remark if remark else ''} "
            f"**A**: {literal(labels[ia])}. **B**: {literal(labels[ib])}."
        )
        with st.container(key=f"{key}_metrics"):
            st.table(metrics_table(out["metrics"], int(truth.sum())), hide_index=True)
    else:
        st.caption(
            "No true graph for these data: only the edge overlap is shown."
            + (f" {remark}" if remark else "")
        )
    st.dataframe(out["edges"], hide_index=True, key=f"{key}_edges")


def metrics_table(metrics: pd.DataFrame, n_true_edges: int) -> pd.DataFrame:
    """The metrics of two runs as the page shows them.

    Parameters
    ----------
    metrics : DataFrame
        ``compare_runs(...)["metrics"]``: indexed by metric, columns ``A`` and
        ``B``.
    n_true_edges : int
        Edges of the true graph (says why a rate has no value).

    Returns
    -------
    DataFrame
        Columns ``metric``, ``A``, ``B`` (each value as text, ``n/a`` and why
        for a rate with nothing to divide by) and ``convention``, one row per
        metric of :data:`METRIC_NOTES`, in its order.
    """
    runs = {}
    for run in ("A", "B"):
        # the frame holds counts as floats: 1234.0 would read "1.23e+03"
        values = {
            k: int(v) if float(v).is_integer() else float(v)
            for k, v in metrics[run].items()
        }
        runs[run] = {**values, "n_true_edges": n_true_edges}
    rows = []
    for k, note in METRIC_NOTES.items():
        row: dict[str, str] = {"metric": k}
        for run, values in runs.items():
            row[run] = metric_text(metric_value(values, k))
        row["convention"] = note
        rows.append(row)
    return pd.DataFrame(rows, columns=["metric", "A", "B", "convention"])
