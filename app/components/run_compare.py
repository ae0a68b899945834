"""Two learned DAGs side by side: shared edges, edges of one run only, metrics."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from engine.dag import compare_runs


def run_label(entry: dict[str, Any], index: int) -> str:
    """Short label of a stored run: number, method, estimator, seed, data, and
    the work file it was loaded from, if one."""
    r = entry["result"]
    extra = f" {r.config.get('estimator')}" if r.method == "dagdb" else ""
    loaded = entry.get("loaded_from")
    source = f" (loaded from the work file {loaded})" if loaded else ""
    return (
        f"#{index + 1} {r.method}{extra}, seed {r.seed} on {entry.get('label', '')}"
        f"{source}"
    )


def render_run_comparison(runs: list[dict[str, Any]], key: str = "cmp") -> None:
    """Let the user pick two stored runs and show how their graphs differ.

    Parameters
    ----------
    runs : list of dict
        Each with ``result`` (DagResult), ``label`` (data set name) and optional
        ``truth`` (bool (d, d) ndarray or None).
    key : str
        Prefix of the widget keys.
    """
    if len(runs) < 2:
        st.info(
            "Learn a second DAG (another method, estimator or seed) to compare two "
            "runs side by side."
        )
        return
    labels = [run_label(e, i) for i, e in enumerate(runs)]
    c = st.columns(2)
    ia = c[0].selectbox(
        "Run A",
        range(len(runs)),
        index=len(runs) - 2,
        format_func=labels.__getitem__,
        key=f"{key}_a",
    )
    ib = c[1].selectbox(
        "Run B",
        range(len(runs)),
        index=len(runs) - 1,
        format_func=labels.__getitem__,
        key=f"{key}_b",
    )
    a, b = runs[ia], runs[ib]
    names_a, names_b = a["result"].node_names, b["result"].node_names
    if tuple(names_a) != tuple(names_b):
        st.warning(
            "The two runs are over different columns; pick runs on the same "
            "data to compare them."
        )
        return
    truth = a.get("truth") if a.get("truth") is not None else b.get("truth")
    out = compare_runs(
        a["result"].adjacency,
        b["result"].adjacency,
        list(names_a),
        truth=None if truth is None else np.asarray(truth),
        labels=(f"A ({labels[ia]})", f"B ({labels[ib]})"),
    )
    counts = dict(zip(out["summary"]["found by"], out["summary"]["edges"], strict=True))
    both = counts.get("both", 0)
    only_a = sum(v for k, v in counts.items() if k.startswith("A only"))
    only_b = sum(v for k, v in counts.items() if k.startswith("B only"))
    m = st.columns(3)
    m[0].metric("Edges in both", both)
    m[1].metric("Only in A", only_a)
    m[2].metric("Only in B", only_b)
    if not out["metrics"].empty:
        st.caption(
            "Metrics of each run against the true graph (SHD counts a "
            "reversed edge once; SHD_c compares equivalence classes)."
        )
        st.dataframe(out["metrics"], key=f"{key}_metrics")
    else:
        st.caption("No true graph for these data: only the edge overlap is shown.")
    st.dataframe(out["edges"], hide_index=True, key=f"{key}_edges")
