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
