"""Bootstrap edge confidence on the Causal discovery page.

The controls submit :func:`engine.dag.bootstrap.bootstrap_dag` to the background
worker with the page's data, method, options and prior; the results show each
edge's frequency as a label and as opacity, the refits' warnings (among them the
edges whose direction the score leaves open, whose direction frequencies are
noise), a threshold slider for the consensus DAG, the edges sorted by frequency
and downloads of the frequency matrix and of the result (with how its data were
prepared, as the fit's Result JSON).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.components.made_on import result_json, same_inputs, stale_note
from app.components.text import literal, page_error
from app.jobs import get_registry, render_job, show_message
from engine.plots import bootstrap_figure


def _executors() -> list[str]:
    names = ["processes", "serial"]
    if importlib.util.find_spec("ray") is not None:
        names.append("ray")
    return names


def render_controls(
    X: np.ndarray,
    names: list[str],
    prior: Any,
    method: str,
    options: dict[str, Any],
    label: str,
    made: dict[str, Any] | None = None,
    ready: bool = True,
) -> None:
    """The bootstrap expander: B, executor and the run button.

    ``made`` is what a bootstrap started now is made on
    (:func:`app.components.made_on.made_on`), kept with its result; the button
    is off while ``ready`` is False (options the method refuses, say the page)
    or ``prior`` is ``None``.
    """
    with st.expander("Bootstrap edge confidence", expanded=False):
        st.caption(
            "Refit the method on B resamples of the rows (with replacement) and "
            "count how often each edge appears. Every executor gives the same "
            "frequencies for the same seed; processes use every core."
        )
        left, right = st.columns(2)
        n_boot = left.number_input(
            "Resamples (B)", min_value=2, max_value=500, value=10, key="boot_n"
        )
        executor = right.selectbox("Executor", _executors(), key="boot_executor")
        busy = state.get(state.CAUSAL_BOOT_JOB) is not None
        off = busy or prior is None or not ready
        if st.button("Run bootstrap", disabled=off, key="boot_run"):
            kwargs = {
                "X": X,
                "method": method,
                "n_boot": int(n_boot),
                "executor": executor,
                "prior": prior,
                "seed": int(state.get(state.SEED, 0)),
                "device": "cpu",
                "node_names": names,
                "config": options,
            }
            job = get_registry().submit(
                "engine.dag.bootstrap:bootstrap_dag",
                kwargs,
                label=f"bootstrap {int(n_boot)} × {method} on {label}",
            )
            state.put(state.CAUSAL_BOOT_JOB, job)
            state.put(state.CAUSAL_BOOT_JOB + "_error", None)
            state.put(state.CAUSAL_BOOT_PENDING, made)
            st.rerun()
    if not busy and not same_inputs(state.get(state.CAUSAL_BOOT_PENDING), made):
        # a failed bootstrap's error is about inputs no longer chosen (it stayed
        # on the page after the options were corrected and fits succeeded)
        state.put(state.CAUSAL_BOOT_JOB + "_error", None)
    render_job(state.CAUSAL_BOOT_JOB, _store_result)
    error = state.get(state.CAUSAL_BOOT_JOB + "_error")
    if error:
        show_message(error)


def _store_result(result: Any) -> None:
    state.put(state.CAUSAL_BOOT_RESULT, result)
    state.put(state.CAUSAL_BOOT_RESULT_FOR, state.get(state.CAUSAL_BOOT_PENDING))


def render_results(
    now: dict[str, Any] | None = None, waiting: str | None = None
) -> None:
    """Frequencies of the last bootstrap, if any.

    Under a note naming what it was made on when ``now``, the page's current
    inputs, differ; ``waiting`` says why "Run bootstrap" is off, in place of
    asking to press it.
    """
    result = state.get(state.CAUSAL_BOOT_RESULT)
    if result is None:
        return
    made = state.get(state.CAUSAL_BOOT_RESULT_FOR)
    with st.container(key="boot_results"):
        _results(
            result,
            stale_note(
                made, now, what="bootstrap", button="Run bootstrap", waiting=waiting
            ),
            made,
        )


def _results(result: Any, note: str | None, made: dict[str, Any] | None) -> None:
    """The frequencies, consensus, table and downloads of ``result``; ``made``
    is what it was made on (its JSON download records the data preparation)."""
    st.subheader("Bootstrap edge confidence")
    if note:
        st.info(note)
    st.caption(
        f"{result.n_done} of {result.n_boot} fits of {result.method} "
        f"({result.executor}, seed {result.seed}, {result.elapsed_s:.1f} s)."
    )
    if result.n_done == 0:
        st.warning(
            "The bootstrap was stopped before any fit finished: there are no edge "
            "frequencies to show. Run it again and let at least one fit finish "
            "(fewer fits, or a smaller max_iter, make each finish sooner)."
        )
        return
    if result.stopped:
        st.warning("The bootstrap was stopped: frequencies use the finished fits only.")
    # what the refits warned, and the edges whose direction the score leaves open
    # (result.unoriented_edges): their direction frequencies are noise
    for warned in result.warnings:
        st.warning(literal(page_error(warned)))
    threshold = st.slider(
        "Frequency threshold of the consensus DAG",
        min_value=0.05,
        max_value=1.0,
        value=float(result.threshold),
        step=0.05,
        key="boot_threshold",
    )
    names = list(result.node_names)
    consensus = result.consensus_at(threshold)
    fig = bootstrap_figure(result.edge_frequency, consensus, names, threshold=threshold)
    st.plotly_chart(fig, key="boot_graph", width="stretch")
    st.dataframe(result.to_frame(threshold), hide_index=True, key="boot_table")
    matrix = pd.DataFrame(result.edge_frequency, index=names, columns=names)
    left, right = st.columns(2)
    left.download_button(
        "Frequency matrix (CSV)",
        matrix.to_csv(index_label="source"),
        file_name="edge_frequency.csv",
        mime="text/csv",
        key="boot_dl_csv",
    )
    right.download_button(
        "Bootstrap result (JSON)",
        result_json(result, made),
        file_name="bootstrap.json",
        mime="application/json",
        key="boot_dl_json",
        help="The result, with how the data were prepared ('data_preparation': "
        "the data set, columns, missing values, scaling and prior knowledge); "
        "BootstrapResult.from_json loads it.",
    )
