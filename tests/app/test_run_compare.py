"""The two-run comparison widget group, driven by AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import numpy as np
    import streamlit as st

    from app.components.run_compare import render_run_comparison
    from engine.dag import learn_dag

    if "runs" not in st.session_state:
        rng = np.random.default_rng(0)
        a = rng.standard_normal(150)
        b = 1.5 * a + rng.standard_normal(150)
        c = -1.2 * b + rng.standard_normal(150)
        X = np.column_stack([a, b, c])
        truth = np.zeros((3, 3), dtype=bool)
        truth[0, 1] = truth[1, 2] = True
        opts = {"device": "cpu", "max_iter": 3, "batch_size": 50, "n_samples": 2}
        st.session_state["runs"] = [
            {
                "result": learn_dag(X, "dagdb", seed=s, **opts),
                "truth": truth,
                "label": "chain",
            }
            for s in (0, 1)
        ] + [
            {
                "result": learn_dag(X, "dagdb", seed=2, estimator="ste", **opts),
                "truth": None,
                "label": "chain",
            }
        ]
    render_run_comparison(st.session_state["runs"], key="cmp")


def test_run_comparison_shows_overlap_and_metrics():
    at = AppTest.from_function(_script, default_timeout=120).run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels == ["Edges in both", "Only in A", "Only in B"]
    runs = at.session_state["runs"]
    a, b = runs[0]["result"].adjacency, runs[1]["result"].adjacency
    assert int(at.metric[0].value) == int((a & b).sum())
    metrics = at.dataframe[0].value  # the metrics table comes first
    assert list(metrics.index)[:3] == ["shd", "shd_cpdag", "sid"]
    assert metrics.shape[1] == 2
    # pick the STE run as B: still compared, columns match
    at.selectbox(key="cmp_b").set_value(2).run()
    assert not at.exception
    assert "ste" in at.selectbox(key="cmp_b").format_func(2)


def test_run_comparison_needs_two_runs():
    def one() -> None:
        import streamlit as st

        from app.components.run_compare import render_run_comparison

        render_run_comparison([], key="cmp")
        st.write("done")

    at = AppTest.from_function(one, default_timeout=60).run()
    assert not at.exception and "second DAG" in at.info[0].value


def _grown() -> None:
    import numpy as np
    import streamlit as st

    from app.components.run_compare import render_run_comparison
    from engine.dag import DagResult

    def run(k: int, **config) -> dict:
        empty = np.zeros((3, 3), dtype=bool)
        result = DagResult(
            adjacency=empty,
            weights=np.zeros((3, 3)),
            node_names=("a", "b", "c"),
            method="dagdb",
            config={"estimator": "imle", "lam": 20.0, "max_iter": 200, **config},
            seed=k,
        )
        return {"result": result, "truth": None, "label": "chain"}

    n = st.session_state.setdefault("n", 2)
    if "runs" not in st.session_state:
        st.session_state["runs"] = []
    runs = st.session_state["runs"]
    while len(runs) < n:
        runs.append(run(0, lam=5.0) if len(runs) == 2 else run(len(runs)))
    render_run_comparison(runs, key="cmp")


def test_run_comparison_follows_new_runs_and_keeps_a_later_choice():
    # runs #1 and #2 stayed chosen after any number of later fits
    at = AppTest.from_function(_grown, default_timeout=60).run()
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (0, 1)
    at.session_state["n"] = 3
    at.run()
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (1, 2)
    # the options set away from their defaults tell the runs apart
    assert at.selectbox(key="cmp_b").format_func(2) == (
        "#3 dagdb imle (lam=5), seed 0 on chain"
    )
    assert at.selectbox(key="cmp_a").format_func(0) == "#1 dagdb imle, seed 0 on chain"
    # a choice made after the last run stays over reruns
    at.selectbox(key="cmp_a").set_value(0).run()
    at.run()
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (0, 2)
    at.session_state["n"] = 4
    at.run()
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (2, 3)
