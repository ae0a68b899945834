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
    metrics = at.table[0].value  # the metrics table; the edges are a dataframe
    assert list(metrics.columns) == ["metric", "A", "B", "convention"]
    assert list(metrics["metric"])[:3] == ["shd", "shd_double", "shd_cpdag"]
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


def test_the_metrics_table_has_short_run_columns_and_the_page_s_metrics():
    # the columns were headed by the whole run labels (~500 px each): run B's
    # values sat off-screen at 1400 px; and 8 metrics of the Comparison tab's 12
    from app.components.metric_table import METRIC_NOTES
    from app.components.text import literal
    from app.views import causal
    from engine.dag.metrics import METRIC_CONVENTIONS, REPORTED_METRICS

    at = AppTest.from_function(_script, default_timeout=120).run()
    assert not at.exception
    labels = [
        at.selectbox(key=k).format_func(at.selectbox(key=k).value)
        for k in ("cmp_a", "cmp_b")
    ]
    table = at.table[0].value
    assert list(table.columns) == ["metric", "A", "B", "convention"]
    assert list(table["metric"]) == list(REPORTED_METRICS)
    assert {"shd_double", "ancestor_aid", "fpr", "f1"} <= set(table["metric"])
    assert list(table["convention"]) == [
        METRIC_CONVENTIONS[k] for k in REPORTED_METRICS
    ]
    # one list for both tabs
    assert causal.METRIC_NOTES is METRIC_NOTES
    # each run's whole label is said once, above the table
    said = " ".join(c.value for c in at.caption)
    for label in labels:
        assert said.count(literal(label)) == 1, (label, said)
    assert "**A**" in said and "**B**" in said


def test_metrics_table_reads_counts_whole_and_says_why_a_rate_has_none():
    import numpy as np
    import pandas as pd

    from app.components.run_compare import metrics_table
    from engine.dag.metrics import REPORTED_METRICS

    values = dict.fromkeys(REPORTED_METRICS, 0.5)
    a = {**values, "shd": 1234.0, "n_edges": 0.0, "precision": np.nan}
    b = {**values, "shd": 3.0, "n_edges": 2.0}
    frame = pd.DataFrame({"A": a, "B": b})
    table = metrics_table(frame, n_true_edges=5).set_index("metric")
    assert table.loc["shd"].tolist()[:2] == ["1234", "3"]
    assert table.loc["precision", "A"] == "n/a (no predicted edges)"
    assert table.loc["tpr", "B"] == "0.5"


def _reordered() -> None:
    import numpy as np
    import streamlit as st

    from app.components.run_compare import render_run_comparison
    from engine.dag import DagResult

    def run(k: int, names: tuple[str, ...], edges: list[tuple[str, str]]) -> dict:
        adjacency = np.zeros((len(names),) * 2, dtype=bool)
        for s, t in edges:
            adjacency[names.index(s), names.index(t)] = True
        result = DagResult(
            adjacency=adjacency,
            weights=adjacency * 0.5,
            node_names=names,
            method="dagdb",
            config={"estimator": "imle"},
            seed=k,
        )
        return {"result": result, "truth": None, "label": "chain"}

    if "runs" not in st.session_state:
        abc, acb = ("a", "b", "c"), ("a", "c", "b")
        truth = np.zeros((3, 3), dtype=bool)
        truth[0, 2] = truth[2, 1] = True  # a -> b -> c over (a, c, b)
        st.session_state["runs"] = [
            run(0, abc, [("a", "b"), ("b", "c")]),
            run(1, ("a", "b"), [("a", "b")]),
            # the same columns, the last one put back at the end
            {**run(2, acb, [("a", "b"), ("c", "b")]), "truth": truth},
        ]
    render_run_comparison(st.session_state["runs"], key="cmp")


def test_runs_over_the_same_columns_in_another_order_are_compared_by_name():
    # Sachs on 11 columns (#1), without Mek (#2), Mek added back last (#3):
    # Run A started at #2, and #1 against #3 said "over different columns"
    at = AppTest.from_function(_reordered, default_timeout=60).run()
    assert not at.exception, at.exception
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (0, 2)
    assert not at.warning, [w.value for w in at.warning]
    shown = {m.label: int(m.value) for m in at.metric}
    # a -> b in both; b -> c only in A; c -> b only in B (not "a -> c" etc.)
    assert shown == {"Edges in both": 1, "Only in A": 1, "Only in B": 1}
    edges = at.dataframe[0].value
    both = edges[edges["found by"] == "both"]
    assert both[["source", "target"]].values.tolist() == [["a", "b"]]
    # run B's truth (a -> b -> c), read by name over run A's order: A finds
    # both edges, B one of them
    table = at.table[0].value.set_index("metric")
    assert table.loc["shd", "A"] == "0" and table.loc["shd", "B"] == "1"
    assert "(2 edges)" in " ".join(c.value for c in at.caption)


def test_a_stopped_run_is_labelled_as_stopped_early():
    # a cancelled (partial) run read "#1 permutahedron, seed 0 on sachs", as a
    # finished one
    import dataclasses

    import numpy as np

    from app.components.run_compare import run_label
    from engine.dag import DagResult

    result = DagResult(
        adjacency=np.zeros((2, 2), dtype=bool),
        weights=np.zeros((2, 2)),
        node_names=("a", "b"),
        method="permutahedron",
        config={"max_iter": 300},
        n_iter=12,
        seed=0,
    )
    entry = {"result": result, "label": "sachs"}
    assert run_label(entry, 0) == "#1 permutahedron, seed 0 on sachs"
    stopped = {**entry, "result": dataclasses.replace(result, stopped=True)}
    assert run_label(stopped, 0) == (
        "#1 permutahedron, stopped early (12 of 300 epochs), seed 0 on sachs"
    )
    # no max_iter recorded (a result saved by hand)
    bare = dataclasses.replace(result, stopped=True, n_iter=1, config={})
    assert run_label({**entry, "result": bare}, 1) == (
        "#2 permutahedron, stopped early (1 epoch), seed 0 on sachs"
    )


def test_a_run_stopped_in_the_polish_is_labelled_so_not_as_cut_training():
    # a fit stopped in the final polish, after early stopping had ended its
    # training, read "stopped early (55 of 300 epochs)" as if training was cut
    import engine
    from app.components.run_compare import polish_stopped, run_label
    from engine.dag import simulate_sem

    X = simulate_sem(6, 300, seed=0).X
    result = engine.learn_dag(
        X,
        seed=0,
        device="cpu",
        progress=lambda e: engine.STOP if e.stage == "polish" else None,
    )
    assert result.stopped and polish_stopped(result)
    assert result.n_iter < 300  # early stopping ended the training
    assert run_label({"result": result, "label": "sim"}, 0) == (
        f"#1 permutahedron, polish stopped early (after {result.n_iter} epochs), "
        "seed 0 on sim"
    )
    cut = engine.learn_dag(
        X,
        seed=0,
        device="cpu",
        progress=lambda e: engine.STOP if e.stage == "train" and e.step == 3 else None,
    )
    assert cut.stopped and not polish_stopped(cut)
    assert "stopped early (3 of 300 epochs)" in run_label({"result": cut}, 0)
