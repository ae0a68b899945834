"""AppTest of the Learn-a-graph page: a tiny fit on wine through the job worker."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import state
from app.components.text import literal
from engine import load_sample
from engine.data import describe
from tests.app.waiting import running_with_cancel, wait_until

REPO = Path(__file__).resolve().parents[2]


def _app() -> AppTest:
    at = AppTest.from_file(str(REPO / "app" / "streamlit_app.py"), default_timeout=120)
    at.run()
    return at.switch_page("views/graph.py").run()


def _number(at: AppTest, label: str):
    return next(w for w in at.number_input if w.label == label)


def _get(at: AppTest, key: str):
    try:
        return at.session_state[key]
    except KeyError:
        return None


def _wait(at: AppTest, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _get(at, state.GRAPH_RESULT) is not None:
            return
        if _get(at, state.GRAPH_JOB + "_error"):
            pytest.fail(_get(at, state.GRAPH_JOB + "_error"))
        time.sleep(1.0)
        at.run()
    pytest.fail("the fit did not finish in time")


def test_graph_page_fits_wine_and_shows_results():
    at = _app()
    assert not at.exception
    assert at.title[0].value == "Learn a graph"
    assert at.selectbox(key="graph_sample").value == "wine"
    assert at.selectbox(key="graph_target").value == "target"
    _number(at, "Max outer iterations").set_value(3)
    _number(at, "Patience (outer)").set_value(2)
    _number(at, "Max inner steps").set_value(20)
    _number(at, "Graph samples for prediction").set_value(2)
    at.multiselect[0].set_value(["knn_gcn", "logreg"])
    at.run()
    at.button(key="graph_fit").click().run()
    _wait(at)
    at.run()
    assert not at.exception
    result = at.session_state[state.GRAPH_RESULT]
    assert result.n_outer_iter <= 3 and set(result.baselines) == {"knn_gcn", "logreg"}
    labels = [m.label for m in at.metric]
    assert "Test accuracy" in labels and "Homophily" in labels
    table = at.table[0].value
    assert table["method"].tolist()[0] == "LDS (learned graph)" and len(table) == 3
    # one validation column, the same nodes for every method; LDS's early-stopping
    # half is a column of its own
    assert list(table.columns) == [
        "method",
        "test accuracy",
        "validation accuracy (all 20 validation nodes)",
        "early-stopping half (10 nodes)",
    ]
    assert table.iloc[0, 2] == result.val_accuracy
    # the accuracy chart names the methods as the table does (not knn_gcn, logreg)
    (bars,) = [
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if c.proto.id and "graph_acc_fig" in c.proto.id
    ]
    assert bars["data"][0]["x"] == table["method"].tolist()
    # short labels that start with the format: at 800 px "Learned graph (G…" and
    # "Learned graph (D…" were all that showed of the GML and DOT buttons
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == [
        "CSV: learned edges",
        "CSV: predictions",
        "JSON: full result",
        "GML: learned graph",
        "DOT: learned graph",
    ]
    # metrics and downloads sit in rows that wrap in a narrow window (five
    # columns cut their labels to "Validati…" at 800 px)
    rows = _wrapping_rows(at)
    assert ["metric"] * 5 in rows and ["download_button"] * 5 in rows
    # selecting a node through the selectbox shows its edges
    at.selectbox(key="graph_node_select").set_value("5").run()
    assert not at.exception
    assert at.session_state[state.GRAPH_NODE] == 5
    assert any("Node 5" in md.value for md in at.markdown)
    (drawing,) = [
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if c.proto.id and "graph_chart" in c.proto.id
    ]
    assert [t["name"] for t in drawing["data"] if "selected" in t.get("name", "")] == [
        "selected: 5"
    ]
    # a bad edge list: an error, the Fit button off, the controls and result kept
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\n0,99999\n", "text/csv")
    ).run()
    assert not at.exception
    assert any("99999" in e.value for e in at.error)
    assert at.button(key="graph_fit").disabled
    assert _number(at, "Max outer iterations").value == 3
    assert at.session_state[state.GRAPH_RESULT] is result
    assert "Test accuracy" in [m.label for m in at.metric]


def _wrapping_rows(at: AppTest) -> list[list[str]]:
    """The element types of every horizontal container that wraps its elements."""
    from streamlit.testing.v1.element_tree import Block

    rows, todo = [], [at._tree]
    while todo:
        node = todo.pop()
        todo.extend(getattr(node, "children", {}).values())
        flex = _flex(node) if isinstance(node, Block) else None
        horizontal = flex is not None and flex.direction == flex.Direction.HORIZONTAL
        if horizontal and flex.wrap:
            rows.append([child.type for child in node.children.values()])
    return rows


def _flex(block):
    """A block's flex-container settings, or None when it is no flex container."""
    proto = getattr(block, "proto", None)
    has = getattr(proto, "HasField", None)
    try:
        return proto.flex_container if has and has("flex_container") else None
    except ValueError:  # a block type without the field (a column)
        return None


def _app_on_upload(
    n: int,
    name: str,
    names: bool = False,
    n_names: int | None = None,
    ids: tuple[str, int] | None = None,
) -> AppTest:
    """The Learn-a-graph page on an uploaded n-row table (3 features, 2 classes;
    with ``names``, a first column 'name' of row names n0, n1, ..., repeated
    after ``n_names`` of them when given; with ``ids`` (column, first), a first
    column of whole numbers first, first + 1, ...)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    if names:
        frame.insert(0, "name", [f"n{i % (n_names or n)}" for i in range(n)])
    if ids is not None:
        frame.insert(0, ids[0], np.arange(ids[1], ids[1] + n))
    frame["label"] = np.arange(n) % 2
    return _app_on_table(frame, name)


def _app_on_table(frame: pd.DataFrame, name: str) -> AppTest:
    """The Learn-a-graph page on ``frame`` uploaded on the Data page, its label
    column 'label'."""
    at = AppTest.from_file(str(REPO / "app" / "streamlit_app.py"), default_timeout=120)
    at.session_state[state.DATASET] = {
        "source": "upload",
        "name": name,
        "id": f"upload:{name}",  # as the Data page stores every upload
        "frame": frame,
        "target": "label",
        "report": describe(frame, source=name),  # as the Data page stores it
    }
    at.run()
    return at.switch_page("views/graph.py").run()


def test_graph_page_refuses_a_too_large_table_before_starting_a_fit():
    at = _app_on_upload(6000, "big.csv")  # over the CPU limit of 5 000 nodes
    assert not at.exception
    assert at.radio(key="graph_source").value == "Data page table"
    assert any("estimated memory 1.5 GB." in c.value for c in at.caption)
    # said before Fit is pressed, which stays disabled; the memory in the same
    # words as the caption's (the caption said 1489 MB, the refusal 1.5 GB)
    (error,) = [e.value for e in at.error if "6000 nodes exceed" in e.value]
    assert "edge probabilities, about 1.5 GB and" in error
    assert "exceed the limit of 5000" in error and "fewer rows" in error
    assert at.button(key="graph_fit").disabled
    assert _get(at, state.GRAPH_JOB) is None


def test_graph_page_refuses_k_not_below_the_node_count_before_starting_a_fit():
    at = _app_on_upload(40, "small.csv")
    _number(at, "k (kNN graph)").set_value(60).run()
    assert not at.exception
    message = (
        "'k (kNN graph)' is 60, but the table has only 40 nodes (rows), and k "
        "must be smaller: choose k <= 39 under 'Options', or upload an input graph."
    )
    assert literal(message) in [e.value for e in at.error]
    assert at.button(key="graph_fit").disabled
    assert _get(at, state.GRAPH_JOB) is None


def test_a_five_row_table_says_which_k_fits_before_fit():
    # Fit was enabled with k = 10; only after it was pressed did the page say
    # to choose k <= 4
    at = _app_on_upload(5, "five.csv")
    assert not at.exception
    assert [e.value for e in at.error] == [
        literal(
            "'k (kNN graph)' is 10, but the table has only 5 nodes (rows), and k "
            "must be smaller: choose k <= 4 under 'Options', or upload an input "
            "graph."
        )
    ]
    assert at.button(key="graph_fit").disabled
    _number(at, "k (kNN graph)").set_value(4).run()
    assert not at.error and not at.button(key="graph_fit").disabled
    # an input graph replaces the kNN graph: k is then not used
    _number(at, "k (kNN graph)").set_value(10).run()
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\n0,1\n", "text/csv")
    ).run()
    assert not at.error and not at.button(key="graph_fit").disabled


def test_a_single_class_is_refused_before_fit():
    # "'y' holds a single class" came only from the fit, after Fit was pressed
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 3)))
    frame.columns = ["a", "b", "c"]
    frame["label"] = ["y"] * 38 + [None, None]
    at = _app_on_table(frame, "one_class.csv")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The label column 'label' holds a single class 'y'; node classification "
        "needs at least two. Choose another 'Label column', or label some rows "
        "with a second class."
    ]
    assert at.button(key="graph_fit").disabled


def test_graph_page_keeps_its_options_across_a_page_switch():
    at = _app()
    at.selectbox(key="graph_sample").set_value("breast_cancer").run()
    _number(at, "Max outer iterations").set_value(4)
    at.number_input(key="graph_split_breast_cancer_train").set_value(15)
    at.number_input(key="graph_split_breast_cancer_val").set_value(25)
    at.selectbox(key="graph_opt_metric").set_value("euclidean")
    at.multiselect(key="graph_opt_baselines").set_value(["logreg"]).run()
    at.switch_page("views/data.py").run()
    at.switch_page("views/graph.py").run()
    assert not at.exception
    assert at.selectbox(key="graph_sample").value == "breast_cancer"
    assert _number(at, "Max outer iterations").value == 4
    assert at.selectbox(key="graph_opt_metric").value == "euclidean"
    assert at.multiselect(key="graph_opt_baselines").value == ["logreg"]
    assert at.number_input(key="graph_split_breast_cancer_train").value == 15
    assert at.number_input(key="graph_split_breast_cancer_val").value == 25


def _fit_tiny(at: AppTest) -> None:
    """Fit with the smallest options (a few seconds), wait, and rerun the page."""
    _number(at, "Max outer iterations").set_value(2)
    _number(at, "Max inner steps").set_value(10)
    _number(at, "Graph samples for prediction").set_value(2)
    at.multiselect(key="graph_opt_baselines").set_value([]).run()
    at.button(key="graph_fit").click().run()
    _wait(at)
    at.run()
    assert not at.exception


def test_graph_page_reports_self_loops_and_shows_no_nan_delta():
    # a self-loop only: the caption said "1 edges read.", the loop was dropped
    # unsaid, and the homophily against the (empty) initial graph showed "+nan"
    at = _app()
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\n0,0\n", "text/csv")
    ).run()
    assert not at.exception
    assert any(c.value == "0 edges read from 1 rows." for c in at.caption)
    assert any("join a node to itself" in w.value for w in at.warning)
    _fit_tiny(at)
    metrics = {m.label: m for m in at.metric}
    assert "nan" not in metrics["Homophily"].delta.lower()
    assert "nan" not in metrics["Homophily"].value.lower()
    assert metrics["Expected edges"].delta.startswith("+")


def test_graph_page_refuses_a_continuous_label_unless_fit_anyway_is_ticked():
    # a warning only: Fit learnt one class per value (test accuracy 0), while
    # the Explain page refuses such a label unless 'Train anyway' is ticked
    at = _app()
    assert not [w for w in at.warning if "distinct values" in w.value]
    assert not at.checkbox
    at.selectbox(key="graph_target").set_value("alcohol").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The label column 'alcohol' holds 126 distinct decimal numbers in 178 "
        "labelled rows: it looks like a continuous measurement, and each value "
        "would be a class of its own. Choose a column of class labels in 'Label "
        "column', or group the values into a few ranges first; or tick 'Fit "
        "anyway' above."
    ]
    assert at.button(key="graph_fit").disabled
    assert not [w for w in at.warning if "distinct" in w.value]  # said once
    _fit_anyway_box(at).check().run()
    assert not at.error and not at.button(key="graph_fit").disabled
    assert any(
        w.value.startswith("The label column 'alcohol' has 126 distinct")
        and "'Label column'" in w.value
        for w in at.warning
    )
    at.selectbox(key="graph_target").set_value("target").run()
    assert not at.checkbox and not at.error and not at.warning


def test_graph_page_hides_a_result_made_on_another_table():
    # a wine fit stayed under "Results" after switching to breast_cancer (or to
    # an uploaded table), as if it had been made on that table
    at = _app()
    _fit_tiny(at)
    assert [s.value for s in at.subheader] == ["Results"]
    at.selectbox(key="graph_sample").set_value("breast_cancer").run()
    assert not at.exception
    assert not at.subheader and not at.metric
    assert any("made on 'wine' with label column 'target'" in i.value for i in at.info)
    at.selectbox(key="graph_sample").set_value("wine").run()  # kept: shown again
    assert [s.value for s in at.subheader] == ["Results"]
    at.selectbox(key="graph_target").set_value("alcohol").run()
    assert not at.subheader
    at.selectbox(key="graph_target").set_value("target").run()
    at.session_state[state.DATASET] = {
        "source": "upload",
        "name": "other.csv",
        "id": "upload:other",
        "frame": load_sample("wine").frame,
        "target": "target",
        "report": describe(load_sample("wine").frame, source="other.csv"),
    }
    at.run()
    at.radio(key="graph_source").set_value("Data page table").run()
    assert not at.exception and not at.subheader


def test_graph_page_says_how_missing_values_are_handled_and_can_drop_rows():
    # the page filled missing features with the column mean without a word
    frame = pd.DataFrame(
        np.random.default_rng(0).normal(size=(40, 3)), columns=["a", "b", "c"]
    )
    frame.loc[[3, 4], "b"] = np.nan
    frame["label"] = np.arange(40) % 2
    at = AppTest.from_file(str(REPO / "app" / "streamlit_app.py"), default_timeout=120)
    at.session_state[state.DATASET] = {
        "source": "upload",
        "name": "holes.csv",
        "id": "upload:holes",
        "frame": frame,
        "target": "label",
        "report": describe(frame, source="holes.csv"),
    }
    at.run()
    at.switch_page("views/graph.py").run()
    assert at.selectbox(key="graph_opt_missing").value == "mean"
    assert any(
        "imputed 2 value(s) of 'b' with the column mean" in i.value for i in at.info
    )
    assert any(c.value.startswith("40 nodes") for c in at.caption)
    at.selectbox(key="graph_opt_missing").set_value("drop").run()
    assert any("dropped 2 row(s)" in i.value for i in at.info)
    assert any(c.value.startswith("38 nodes") for c in at.caption)
    # the edge list names the uploaded rows; the edge to a dropped row goes
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\n0,1\n2,3\n5,6\n", "text/csv")
    ).run()
    _fit_tiny(at)
    result = at.session_state[state.GRAPH_RESULT]
    assert result.n_nodes == 38 and "3" not in result.node_names
    names = np.asarray(result.node_names)
    assert names[result.initial_edges].tolist() == [["0", "1"], ["5", "6"]]
    assert [s.value for s in at.subheader] == ["Results"]


def test_a_large_table_is_told_how_long_a_fit_takes():
    # at 5 000 nodes the page said "one outer iteration took about 20 s (the
    # first 110 s)" and gave no total; measured, an inner step alone takes about
    # 0.45 s there (one core), an outer iteration 30-50 of them
    at = _app_on_upload(5000, "large.csv")
    assert not at.exception
    (warned,) = [w.value for w in at.warning if w.value.startswith("A long fit")]
    assert warned.startswith(
        "A long fit: 5000 nodes. One outer iteration takes about 14 s to 22 s on "
        "one CPU core (30 to 50 inner steps of about 0.45 s each in measured fits; "
        "up to 'Max inner steps' = 400, 3 min, while the inner training keeps "
        "improving), and a fit runs 21 to 'Max outer iterations' = 100 of them, "
        "then the baselines (about 2 min). Expect about 7 min to 39 min."
    )
    assert warned.endswith(
        "a stop request (Cancel) is checked about every 3 s of the fit's "
        "computing, longer on a busy machine. This page checks on a running fit "
        "every 1 s and shows the stop at its next check."
    )
    # fewer outer iterations, a shorter fit
    _number(at, "Max outer iterations").set_value(3).run()
    (warned,) = [w.value for w in at.warning if w.value.startswith("A long fit")]
    assert "a fit runs 'Max outer iterations' = 3 of them" in warned
    small = _app_on_upload(300, "small.csv")
    assert not [w for w in small.warning if w.value.startswith("A long fit")]


def test_a_cancelled_fit_shows_the_results_warnings():
    # after a cancel the JSON said "Baselines not run after the stop request:
    # ..." but the page showed a one-row accuracy table with no word on why
    at = _app()
    at.multiselect(key="graph_opt_baselines").set_value(["logreg", "mlp"]).run()
    at.button(key="graph_fit").click().run()
    wait_until(at, running_with_cancel(state.GRAPH_JOB))
    at.button(key=f"{state.GRAPH_JOB}_cancel").click().run()
    _wait(at)
    at.run()
    assert not at.exception
    result = at.session_state[state.GRAPH_RESULT]
    assert result.stopped and not result.baselines
    shown = [w.value for w in at.warning]
    # named as in the baseline picker, not by their engine keys
    note = "Baselines not run after the stop request: Logistic regression, MLP."
    assert note in shown
    assert all(note in shown for note in result.warnings)
    assert len(at.table[0].value) == 1  # LDS alone, now explained


def _cancel_a_long_fit(at) -> None:
    """Start a fit too long to finish, cancel it once running, wait for the end."""
    _number(at, "Max outer iterations").set_value(100)
    _number(at, "Max inner steps").set_value(400)
    at.run()
    at.button(key="graph_fit").click().run()
    wait_until(at, running_with_cancel(state.GRAPH_JOB))
    at.button(key=f"{state.GRAPH_JOB}_cancel").click().run()
    wait_until(at, lambda at: _get(at, state.GRAPH_JOB) is None)


def test_a_cancelled_fit_keeps_the_complete_result_and_offers_its_own():
    # a new fit cancelled after a complete one replaced it with its partial
    # result: the complete one was lost
    at = _app()
    _fit_tiny(at)
    complete = at.session_state[state.GRAPH_RESULT]
    assert not complete.stopped
    _cancel_a_long_fit(at)
    assert not at.exception
    shown = at.session_state[state.GRAPH_RESULT]
    assert not shown.stopped and shown.to_json() == complete.to_json()
    partial = at.session_state[state.GRAPH_OTHER]["result"]
    assert partial.stopped and partial.config["max_outer_iter"] == 100
    done = f"{partial.n_outer_iter} of at most 100 outer iterations"
    info = [i.value for i in at.info]
    assert (
        f"The last fit was cancelled after {done}; the complete result of the fit "
        "before it stays shown below. Its best state so far is kept."
    ) in info
    assert at.metric[0].value == f"{complete.test_accuracy:.3f}"
    swap = at.button(key="graph_swap_result")
    assert swap.label == "Show the cancelled fit's best state"
    swap.click().run()
    assert at.session_state[state.GRAPH_RESULT].stopped
    assert (
        f"Shown: the best state of the cancelled fit ({done}), a partial result. "
        "The complete result of the fit before it is kept."
    ) in [i.value for i in at.info]
    swap = at.button(key="graph_swap_result")
    assert swap.label == "Show the complete result"
    swap.click().run()
    assert at.session_state[state.GRAPH_RESULT].to_json() == complete.to_json()
    # a complete fit replaces both
    _number(at, "Max outer iterations").set_value(2)
    _number(at, "Max inner steps").set_value(10)
    at.run()
    at.button(key="graph_fit").click().run()
    wait_until(at, lambda at: _get(at, state.GRAPH_JOB) is None)
    assert not at.session_state[state.GRAPH_RESULT].stopped
    assert _get(at, state.GRAPH_OTHER) is None
    assert not any(b.key == "graph_swap_result" for b in at.button)


def test_a_cancelled_fit_on_another_choice_is_shown_and_the_complete_one_kept():
    # complete on 'mean', cancelled on 'drop': each choice shows its own result
    at = _app()
    _fit_tiny(at)
    complete = at.session_state[state.GRAPH_RESULT]
    at.selectbox(key="graph_opt_missing").set_value("drop").run()
    _cancel_a_long_fit(at)
    at.run()
    assert at.session_state[state.GRAPH_RESULT].stopped
    assert not any(b.key == "graph_swap_result" for b in at.button)
    assert not any("results are hidden" in i.value for i in at.info)
    at.selectbox(key="graph_opt_missing").set_value("mean").run()
    assert at.session_state[state.GRAPH_RESULT].to_json() == complete.to_json()
    assert not any("results are hidden" in i.value for i in at.info)


def test_a_result_says_which_settings_changed_since_its_fit():
    # after k 10 -> 4 the old result stayed on screen with no word; its caption
    # did not say the k and the metric it was made with
    at = _app()
    _fit_tiny(at)
    (caption,) = [c.value for c in at.caption if c.value.startswith("Seed 0")]
    assert "initial graph: kNN graph (k = 10, cosine metric)" in caption
    assert "features 'standardize'" in caption
    assert not [i for i in at.info if "other settings" in i.value]
    _number(at, "k (kNN graph)").set_value(4)
    at.selectbox(key="graph_opt_metric").set_value("euclidean")
    at.number_input(key="graph_split_wine_val").set_value(24).run()
    assert not at.exception
    (note,) = [i.value for i in at.info if "other settings" in i.value]
    for said in ("'k (kNN graph)' (was 10)", "'kNN metric' (was 'cosine')"):
        assert said in note
    assert "'Validation nodes' (was 20)" in note and "Press **Fit**" in note
    assert [s.value for s in at.subheader] == ["Results"]  # still shown under it
    _number(at, "k (kNN graph)").set_value(10)
    at.selectbox(key="graph_opt_metric").set_value("cosine")
    at.number_input(key="graph_split_wine_val").set_value(20).run()
    assert not [i for i in at.info if "other settings" in i.value]
    at.number_input(key="seed_input").set_value(3).run()
    (note,) = [i.value for i in at.info if "other settings" in i.value]
    assert "'Seed' (was 0)" in note
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\n0,1\n", "text/csv")
    ).run()
    (note,) = [i.value for i in at.info if "other settings" in i.value]
    assert "'Input graph' (was none)" in note


def test_a_fit_error_about_one_table_is_dropped_when_another_is_chosen():
    # "'y' holds a single class" stayed under Fit after switching to a valid
    # table. A single class is now refused before Fit (no fit fails for it), so
    # a fit's error is stored as the job runner stores one, after a real fit
    # that recorded the choice it was made on
    at = _app()
    _fit_tiny(at)
    error = "The fit failed on this table."
    at.session_state[state.GRAPH_JOB + "_error"] = error
    at.run()
    assert error in [e.value for e in at.error]
    at.run()  # a rerun on the same choice keeps it
    assert error in [e.value for e in at.error]
    at.selectbox(key="graph_sample").set_value("breast_cancer").run()
    assert not at.exception
    assert not [e.value for e in at.error]
    assert _get(at, state.GRAPH_JOB + "_error") is None


def test_a_table_with_too_few_labelled_rows_says_so_in_the_page_words():
    # the page showed "make_split: need n_train >= 2, ... got n_train=2, n_val=2,
    # n_test=-1" after Fit on a 3-row table
    at = _app_on_upload(3, "three.csv")
    assert not at.exception
    (error,) = [e.value for e in at.error if "labelled row" in e.value]
    assert error.startswith(
        "The table has 3 labelled row(s) (rows with a label); learning a graph "
        "needs at least 5: 2 to train on, 2 to validate and 1 to test."
    )
    assert "make_split" not in error and "n_train" not in error
    assert at.button(key="graph_fit").disabled


def test_graph_page_reads_an_edge_list_of_the_identifier_column():
    # the page named nodes by row numbers, so an edge list of names never worked
    # and the error began with 'adjacency_from_edges:' and blamed a table index
    at = _app_on_upload(40, "named.csv", names=True)
    rows = "".join(f"n{i},n{i + 1}\n" for i in range(10))
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", f"source,target\n{rows}".encode(), "text/csv")
    ).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(c.value == "10 edges read from 10 rows." for c in at.caption)
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", f"source,target\n{rows}n3,zz\n".encode(), "text/csv")
    ).run()
    (error,) = [e.value for e in at.error]
    assert error.startswith(
        "Input graph: 1 edge row(s) name node(s) that are not node names: \\['zz'\\]"
    ), error
    assert "values of column 'name'" in error and "index" not in error
    # the page picked the column itself: it says so, and names no CLI flag
    assert (
        "The other rows use node names (the values of column 'name', picked "
        "automatically as the identifier column holding most of the list's "
        "names), so these must too" in error
    )
    assert "--" not in error


def test_graph_page_names_the_unknown_name_of_a_short_edge_list():
    # 'n99' makes 1 of the 4 cells: 'name' holds 75 %, under the 90 % from
    # which it is picked, so the list was read by row numbers and the message
    # blamed 'n0' ("neither a node name nor an integer index"), a known name
    at = _app_on_upload(40, "named.csv", names=True)
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\nn0,n1\nn1,n99\n", "text/csv")
    ).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert error == (
        "Input graph: 1 edge row(s) name node(s) that are not node names: "
        "\\['n99'\\] (edge row(s) 1; 0-based, a header line not counted). The "
        "other rows use node names (the values of column 'name', the identifier "
        "column holding most of the list's names), so these must too: correct or "
        "remove these rows. The page did not take that column's values as the node "
        "names: they make up 75% of the list's cells, under the 90% needed; once "
        "these rows are corrected they are."
    ), error
    assert at.button(key="graph_fit").disabled


def test_graph_page_says_the_name_column_of_an_edge_list_repeats():
    # the column repeating names was no identifier; the error told the user to
    # use "the values of the table's identifier column (e.g. 'name')", which
    # they had done
    at = _app_on_upload(40, "repeats.csv", names=True, n_names=36)
    rows = "".join(f"n{i},n{i + 1}\n" for i in range(10))
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", f"source,target\n{rows}".encode(), "text/csv")
    ).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert error.startswith(
        "Input graph: the edge list names the rows by the values of column 'name', "
        "but 4 of them name more than one row: \\['n0', 'n1', 'n2', 'n3'\\], so an "
        "edge to such a name could be to any of its rows."
    ), error
    assert at.button(key="graph_fit").disabled


@pytest.mark.parametrize("column", ["node", "node_id"])
def test_graph_page_says_a_feature_column_holds_the_edge_lists_ids(column):
    # IDs 100..139 in a column not named like an id are a feature: the list was
    # refused as "source node '100' ... is not a node index in [0, 39]", without
    # a word on the column; named like an id, the column names the rows
    at = _app_on_upload(40, f"{column}.csv", ids=(column, 100))
    rows = "".join(f"{100 + i},{101 + i}\n" for i in range(10))
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", f"source,target\n{rows}".encode(), "text/csv")
    ).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    if column == "node_id":
        assert not errors, errors
        assert any(c.value == "10 edges read from 10 rows." for c in at.caption)
        return
    assert errors == [
        "Input graph: the edge list names the rows by the values of column 'node', "
        "but the page reads that column as a node feature, not as row names: it "
        "takes the names only from an identifier column, one of distinct values "
        "named like an id ('id', 'node\\_id', ...). Rename the column (to "
        "'node\\_id', say) and upload the table again, or use an edge list of "
        "0-based row numbers."
    ], errors
    assert at.button(key="graph_fit").disabled


def test_graph_page_matches_ids_written_as_floats_and_refuses_fractions():
    # an edge list of IDs 100.0, 101.0, ... (as pandas writes an integer column
    # with an empty cell) matched no ID of the 'node_id' column
    at = _app_on_upload(40, "float_ids.csv", ids=("node_id", 100))
    rows = "".join(f"{100 + i}.0,{101 + i}.0\n" for i in range(10))
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", f"source,target\n{rows}".encode(), "text/csv")
    ).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(c.value == "10 edges read from 10 rows." for c in at.caption)
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", f"source,target\n{rows}103.0,120.5\n".encode(), "text/csv")
    ).run()
    (error,) = [e.value for e in at.error]
    assert error.startswith(
        "Input graph: target node '120.5' on edge row 10 (0-based, a header line "
        "not counted) is neither a node name nor a whole number"
    ), error


def test_graph_page_reads_numbers_by_the_id_column_unless_rows_are_ticked():
    # node_id 0..39 shuffled: every number of the list is a row number too. The
    # page read them as IDs, the graph command as rows; both read IDs now (one
    # rule, edge_names_columns), say so, and offer the other reading
    at = _app_on_upload(40, "shuffled.csv", ids=("node_id", 0))
    ids = np.random.default_rng(1).permutation(40)
    frame = at.session_state[state.DATASET]["frame"]
    frame["node_id"] = ids
    at.run()
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\n0,1\n1,2\n", "text/csv")
    ).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (info,) = [i.value for i in at.info if i.value.startswith("Input graph")]
    assert info == (
        "Input graph: its numbers are read as the values of the identifier column "
        "'node\\_id', though all are row numbers too: a table's IDs are what an "
        "edge list most likely refers to. Tick 'Edge list of 0-based row numbers' "
        "to read them as rows."
    )
    at.checkbox(key="graph_edges_rows").check().run()
    assert not at.error, [e.value for e in at.error]
    assert not [i.value for i in at.info if i.value.startswith("Input graph")]
    assert any(c.value == "2 edges read from 2 rows." for c in at.caption)


def test_graph_page_points_a_ring_of_rows_under_ids_from_1_to_the_rows_box():
    # IDs 1..40 and edges of rows 0..39: refused as names ['0'] ("correct or
    # remove these rows") though the box reads the list right
    at = _app_on_upload(40, "ids.csv", ids=("node_id", 1))
    ring = "".join(f"{i},{(i + 1) % 40}\n" for i in range(40))
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", f"source,target\n{ring}".encode(), "text/csv")
    ).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "not node names: \\['0'\\]" in error, error
    assert (
        "Every cell of the list is a 0-based row number, though, all in [0, 39]: "
        "if the list numbers the rows from 0, read it so: tick 'Edge list of "
        "0-based row numbers'. Else" in error.replace("\\", "")
    ), error
    assert "--" not in error
    at.checkbox(key="graph_edges_rows").check().run()
    assert not at.error, [e.value for e in at.error]
    assert any(c.value == "40 edges read from 40 rows." for c in at.caption)
    # an empty cell is named with its row, not as a node 'nan'
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\n0,1\n1,\n", "text/csv")
    ).run()
    (error,) = [e.value for e in at.error]
    assert error == (
        "Input graph: the target cell on edge row 1 (0-based, a header line not "
        "counted) is empty. Every row needs a source and a target node: fill it in "
        "or remove the row."
    ), error


def test_graph_page_reads_a_utf16_edge_list():
    # it said "read_edge_list: ... 'utf-8' codec can't decode byte 0xff"
    at = _app_on_upload(40, "named.csv", names=True)
    rows = "".join(f"n{i},n{i + 1}\n" for i in range(10))
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", f"source,target\n{rows}".encode("utf-16"), "text/csv")
    ).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(c.value == "10 edges read from 10 rows." for c in at.caption)


def test_graph_page_fits_on_a_tab_separated_cites_file():
    # a Cora-style 'cora.cites' (tabs) was refused by the uploader's ".csv,
    # .txt" filter and, as a .txt, by the reader ("needs at least two columns")
    at = _app_on_upload(40, "named.csv", names=True)
    uploader = at.file_uploader(key="graph_edges_upload")
    for ext in ("csv", "txt", "tsv", "cites", "edges", "el"):
        assert f".{ext}" in uploader.allowed_type
    rows = "".join(f"n{i}\tn{i + 1}\n" for i in range(10))
    uploader.set_value(("cora.cites", rows.encode(), "text/plain")).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(c.value == "10 edges read from 10 rows." for c in at.caption)
    _fit_tiny(at)
    initial = at.session_state[state.GRAPH_RESULT].initial_edges
    assert sorted(map(tuple, initial.tolist())) == [(i, i + 1) for i in range(10)]


def test_a_table_of_only_the_label_says_it_has_no_feature_column():
    # it said "to_matrix: no usable column is left (a: excluded); ... one-hot
    # encode the categorical ones (categorical='onehot'; ...)"
    at = AppTest.from_file(str(REPO / "app" / "streamlit_app.py"), default_timeout=120)
    at.session_state[state.DATASET] = {
        "source": "upload",
        "name": "one_col.csv",
        "id": "upload:one_col.csv",
        "frame": pd.DataFrame({"a": np.arange(30) % 3}),
        "target": "a",
        "report": describe(
            pd.DataFrame({"a": np.arange(30) % 3}), source="one_col.csv"
        ),
    }
    at.run()
    at.switch_page("views/graph.py").run()
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert "no feature column besides the label 'a'" in text, text
    assert "onehot" not in text and "to_matrix" not in text and "excluded" not in text


def test_graph_page_warns_about_an_edge_list_of_no_edges():
    # "0 edges read from 0 rows." and the fit ran from an empty graph unsaid
    at = _app()
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\n", "text/csv")
    ).run()
    assert not at.exception
    assert any(c.value == "0 edges read from 0 rows." for c in at.caption)
    assert [w.value for w in at.warning] == [
        "Input graph: the list holds no edges (no row below its header): LDS "
        "starts from an empty graph and has to learn every edge; leave the edge "
        "list out to start from the kNN graph of the features."
    ]


def test_graph_page_strips_blanks_around_the_names_of_an_edge_list():
    # " n2" was read as n2, "n3 " refused as an unknown node 'n3 '
    at = _app_on_upload(40, "named.csv", names=True)
    at.file_uploader(key="graph_edges_upload").set_value(
        ("edges.csv", b"source,target\nn0, n2\nn3 ,n1\n", "text/csv")
    ).run()
    assert not at.exception
    assert not at.error
    assert any(c.value == "2 edges read from 2 rows." for c in at.caption)
    assert not at.button(key="graph_fit").disabled


def _fit_anyway_box(at: AppTest):
    """The 'Fit anyway' checkbox, or ``None`` when the page shows none."""
    label = "Fit anyway, one class per distinct value"
    return next((c for c in at.checkbox if c.label == label), None)


def _upload_on_data_page(frame: pd.DataFrame, name: str) -> AppTest:
    """The Learn-a-graph page on ``frame`` uploaded on the Data page."""
    at = AppTest.from_file(str(REPO / "app" / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.file_uploader(key="data_upload").set_value(
        (name, frame.to_csv(index=False).encode(), "text/csv")
    ).run()
    return at.switch_page("views/graph.py").run()


def _gid_frame() -> pd.DataFrame:
    """60 rows: random floats x1, x2, a label 'cls' of one class per row
    (c0..c59) and one of two classes."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 2)), columns=["x1", "x2"])
    frame["cls"] = [f"c{i}" for i in range(60)]
    frame["label"] = np.resize(["p", "q"], 60)
    return frame


def test_graph_page_refuses_a_label_of_one_class_per_row_unless_insisted():
    # a warning only, and Fit learnt 60 classes in 60 rows, which the Explain
    # page and both commands refuse
    at = _app_on_table(_gid_frame(), "gid.csv")
    at.selectbox(key="graph_target").set_value("cls").run()
    assert not at.exception
    assert any(
        e.value.startswith(
            literal(
                "The label column 'cls' has 60 distinct values in 60 labelled rows "
                "(1.0 rows per class): nearly every row is a class of its own"
            )
        )
        and "tick 'Fit anyway' above" in e.value
        for e in at.error
    ), [e.value for e in at.error]
    assert at.button(key="graph_fit").disabled
    _fit_anyway_box(at).check().run()
    assert not any("nearly every row" in e.value for e in at.error)


def test_graph_page_fit_anyway_applies_only_to_the_label_it_was_ticked_for():
    at = _app_on_table(_gid_frame(), "gid.csv")
    at.selectbox(key="graph_target").set_value("cls").run()
    _fit_anyway_box(at).check().run()
    at.selectbox(key="graph_target").set_value("x1").run()
    assert not at.exception
    assert not _fit_anyway_box(at).value
    assert any(
        e.value.startswith(literal("The label column 'x1' holds 60 distinct"))
        for e in at.error
    )
    assert at.button(key="graph_fit").disabled


def test_graph_page_preselects_the_label_as_the_explain_page_does():
    # the continuous 'price' (last column) was preselected and refused at once,
    # where the Explain page preselects none and asks for a label column
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    frame["price"] = 10.25 + 1.5 * (np.arange(60) % 19)
    at = _upload_on_data_page(frame, "cont.csv")
    assert not at.exception
    assert at.selectbox(key="graph_target").value is None
    assert any("Choose the label column" in i.value for i in at.info)
    assert not at.error
    assert at.button(key="graph_fit").disabled
    at.switch_page("views/explain.py").run()
    assert at.selectbox(key=state.EXPLAIN_W_TARGET).value is None
    # a table with a column of class labels: the same one on both pages
    frame["grade"] = np.resize([1, 2, 3], 60)
    at = _upload_on_data_page(frame, "graded.csv")
    assert at.selectbox(key="graph_target").value == "grade"
    at.switch_page("views/explain.py").run()
    assert at.selectbox(key=state.EXPLAIN_W_TARGET).value == "grade"


@pytest.fixture
def parses(monkeypatch) -> list[int]:
    """The byte counts of the edge lists the page parses, in order (the real
    reader, counted)."""
    import engine.graphs

    calls = []
    parse = engine.graphs.read_edge_list

    def counted(source):
        calls.append(len(source))
        return parse(source)

    monkeypatch.setattr(engine.graphs, "read_edge_list", counted)
    return calls


def test_an_uploaded_edge_list_is_parsed_once_for_its_bytes(parses):
    # the page parsed the upload again on every rerun (a 1e6-edge list: 14 s)
    at = _app()
    edges = b"source,target\n0,1\n1,2\n2,3\n3,171\n"  # bytes no other test uploads
    at.file_uploader(key="graph_edges_upload").set_value(
        ("once.csv", edges, "text/csv")
    ).run()
    _number(at, "Max outer iterations").set_value(4).run()
    _number(at, "Max outer iterations").set_value(5).run()
    assert not at.exception and not at.error
    assert parses == [len(edges)]


def test_a_refused_edge_list_is_parsed_once_and_refused_on_every_rerun(parses):
    # st.cache_data keeps no exception: a refused file was parsed on each rerun
    at = _app()
    edges = b"only\n0\n1\n171\n"  # one column; bytes no other test uploads
    at.file_uploader(key="graph_edges_upload").set_value(
        ("refused.csv", edges, "text/csv")
    ).run()
    first = [e.value for e in at.error]
    assert len(first) == 1 and "needs at least two columns" in first[0], first
    _number(at, "Max outer iterations").set_value(4).run()
    _number(at, "Max outer iterations").set_value(5).run()
    assert not at.exception
    assert [e.value for e in at.error] == first
    assert parses == [len(edges)]
