"""LDS end to end on tiny planted graphs: learning helps, results are complete."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from engine.errors import (
    ConfigError,
    DataError,
    GraphError,
    ResourceError,
    StoppedWarning,
)
from engine.graphs import (
    GraphResult,
    GraphStructureLearner,
    LdsConfig,
    fit_baseline,
    learn_graph,
    make_split,
    table_inputs_record,
)
from engine.runtime import STOP

FAST = dict(max_outer_iter=12, patience=6, inner_max_steps=60, n_samples=4)


def planted(
    seed: int,
    n_per: int = 25,
    n_classes: int = 3,
    noise_edges: int = 300,
    scale: float = 0.6,
):
    """Planted partition with noisy features and many corrupting edges."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(n_classes), n_per)
    n = y.size
    centers = rng.normal(size=(n_classes, 8))
    X = centers[y] * scale + rng.normal(size=(n, 8))
    same = y[:, None] == y[None, :]
    upper = np.triu(rng.random((n, n)) < 0.15, 1) & same
    pairs = np.argwhere(np.triu(~same, 1))
    bad = pairs[rng.choice(len(pairs), noise_edges, replace=False)]
    upper[bad[:, 0], bad[:, 1]] = True
    adj = upper | upper.T
    return X, y, adj


def test_lds_beats_gcn_on_corrupted_planted_graph():
    # 75 nodes, 3 classes; 300 random between-class edges: homophily about 0.3
    X, y, adj = planted(0, scale=1.0)
    split = make_split(y, 9, 30, seed=0)
    res = learn_graph(
        X, y, split=split, graph=adj, seed=0, device="cpu", baselines=("knn_gcn",),
        outer_lr=30.0, max_outer_iter=25, patience=10, inner_max_steps=100,
        n_samples=8,
    )  # fmt: skip
    gcn = res.baselines["knn_gcn"]["test_accuracy"]
    assert res.homophily_initial < 0.35
    assert res.test_accuracy > gcn + 0.05, (res.test_accuracy, gcn)
    assert abs(res.expected_edges - len(res.initial_edges)) > 1.0
    # the same loop with θ frozen (outer_lr 0) is no better than the GCN: the gain
    # comes from the learned edges, not from the outer loop's model selection
    frozen = learn_graph(
        X, y, split=split, graph=adj, seed=0, device="cpu", outer_lr=0.0,
        max_outer_iter=25, patience=10, inner_max_steps=100, n_samples=8,
    )  # fmt: skip
    assert frozen.expected_edges == len(res.initial_edges)
    assert res.test_accuracy > frozen.test_accuracy + 0.05


def test_result_fields_and_json_round_trip(tmp_path, seed):
    X, y, adj = planted(1, n_per=10, noise_edges=20)
    split = make_split(y, 6, 8, seed=seed)
    res = learn_graph(
        X,
        y,
        split=split,
        graph=adj,
        seed=seed,
        device="cpu",
        return_matrix=True,
        **FAST,
    )
    n = y.size
    assert res.predictions.shape == (n,) and res.probabilities.shape == (n, 3)
    np.testing.assert_allclose(res.probabilities.sum(1), 1.0, rtol=1e-6)
    assert res.probability_matrix.shape == (n, n)
    assert np.allclose(res.probability_matrix, res.probability_matrix.T)
    assert (res.edges[:, 0] < res.edges[:, 1]).all()
    assert np.all(np.diff(res.edge_probabilities) <= 0)
    assert len(res.history["es_accuracy"]) == res.n_outer_iter
    assert 0 <= res.best_iter < res.n_outer_iter and res.seed == seed
    assert res.config["tau"] == 5 and res.device == "cpu"
    path = tmp_path / "r.json"
    res.to_json(path)
    back = GraphResult.from_json(path)
    assert back.test_accuracy == res.test_accuracy
    np.testing.assert_array_equal(back.edges, res.edges)
    np.testing.assert_array_equal(back.history["es_loss"], res.history["es_loss"])
    assert back.classes == res.classes
    frame = res.edge_frame()
    assert list(frame.columns) == ["source", "target", "probability", "initial"]
    assert len(res.prediction_frame()) == n
    # the learned graph as undirected GML (read back by networkx) and DOT
    import networkx as nx

    graph = nx.parse_gml(res.to_text("gml", threshold=0.3), label="label")
    assert not graph.is_directed() and graph.number_of_nodes() == n
    strong = res.edge_probabilities > 0.3
    assert graph.number_of_edges() == int(strong.sum())
    i, j = res.edges[0]
    a, b = res.node_names[i], res.node_names[j]
    weight = graph.edges[str(a), str(b)]["weight"]
    assert weight == pytest.approx(res.edge_probabilities[0])
    dot = res.to_text("dot")
    assert dot.startswith("graph G {") and dot.count(" -- ") == len(res.edges)
    assert "->" not in dot


def test_same_seed_same_result_and_estimator_twin(seed):
    X, y, adj = planted(2, n_per=8, noise_edges=10)
    split = make_split(y, 6, 6, seed=seed)
    a = learn_graph(X, y, split=split, graph=adj, seed=seed, device="cpu", **FAST)
    learner = GraphStructureLearner(LdsConfig(**FAST), seed=seed, device="cpu")
    assert not hasattr(learner, "result_")
    assert learner.fit(X, y, split=split, graph=adj) is learner
    b = learner.result_
    np.testing.assert_array_equal(a.edge_probabilities, b.edge_probabilities)
    np.testing.assert_array_equal(a.predictions, b.predictions)
    assert learner.get_params()["seed"] == seed


def test_stop_request_returns_partial_result(seed, monkeypatch):
    import engine.graphs.lds as lds_module

    monkeypatch.setattr(lds_module, "INNER_REPORT_S", 1e9)  # outer events only
    X, y, adj = planted(3, n_per=8, noise_edges=10)
    events = []

    def progress(event):
        events.append(event)
        return STOP

    # learn_dag warned that it stopped; learn_graph stopped without a word
    said = (
        "learn_graph: stopped on request after 1 outer iteration(s); the result "
        "holds the best state so far."
    )
    with pytest.warns(StoppedWarning, match=re.escape(said)):
        res = learn_graph(
            X,
            y,
            split=make_split(y, 6, 6, seed=seed),
            graph=adj,
            seed=seed,
            device="cpu",
            progress=progress,
            **FAST,
        )
    assert res.stopped and res.n_outer_iter == 1 and len(events) == 1
    assert "es_accuracy" in events[0].metrics and events[0].task == "graphs.fit"


def test_a_stop_request_also_stops_the_baselines(seed):
    # a cancelled fit went on to train every baseline (minutes on a 5000-node
    # table), holding the server's single worker
    X, y, adj = planted(3, n_per=8, noise_edges=10)
    split = make_split(y, 6, 6, seed=seed)
    baselines = ("logreg", "mlp", "knn_gcn")
    events = []

    def stop_in_baselines(event):
        events.append(event)
        return STOP if event.stage == "baselines" and event.step == 1 else None

    res = learn_graph(
        X,
        y,
        split=split,
        graph=adj,
        seed=seed,
        device="cpu",
        baselines=baselines,
        progress=stop_in_baselines,
        **FAST,
    )
    assert list(res.baselines) == ["logreg"] and res.stopped
    note = "Baselines not run after the stop request: MLP, kNN-GCN (fixed graph)."
    assert note in res.warnings
    assert events[-1].message == "MLP"  # the display name, as in the table
    stopped_early = learn_graph(
        X,
        y,
        split=split,
        graph=adj,
        seed=seed,
        device="cpu",
        baselines=baselines,
        progress=lambda event: STOP,
        **FAST,
    )
    assert stopped_early.baselines == {} and stopped_early.stopped
    labels = "Logistic regression, MLP, kNN-GCN (fixed graph)"
    assert any(labels in w for w in stopped_early.warnings)


def test_knn_lds_with_paper_split_and_baselines_on_unlabelled_nodes(seed):
    X, y, _ = planted(4, n_per=12, noise_edges=0)
    labels = y.astype(float)
    labels[:3] = np.nan  # unlabelled nodes take part through the graph only
    res = learn_graph(
        X,
        labels,
        split={
            "train": _mask(y.size, range(3, 12)),
            "val": _mask(y.size, range(12, 24)),
        },
        seed=seed,
        device="cpu",
        k=5,
        baselines=("logreg", "mlp", "label_propagation", "knn_gcn"),
        **FAST,
    )
    assert res.config["graph_source"] == "knn"
    assert (res.split[:3] == -1).all() and (res.labels[:3] == -1).all()
    assert set(res.baselines) == {"logreg", "mlp", "label_propagation", "knn_gcn"}
    for scores in res.baselines.values():
        assert 0.0 <= scores["test_accuracy"] <= 1.0
    single = fit_baseline(
        X, y, method="logreg", split=make_split(y, 9, 9, seed=0), seed=seed
    )
    assert single["predictions"].shape == (y.size,)


def _mask(n, idx):
    m = np.zeros(n, dtype=bool)
    m[list(idx)] = True
    return m


def test_bad_inputs_are_named():
    X, y, _ = planted(5, n_per=5, noise_edges=0)
    split = make_split(y, 3, 6, seed=0)
    with pytest.raises(ConfigError, match="unknown option"):
        learn_graph(X, y, split=split, taus=3)
    with pytest.raises(ConfigError, match="'tau'"):
        learn_graph(X, y, split=split, tau=0)
    with pytest.raises(DataError, match="labels"):
        learn_graph(X, y[:-1], split=split)
    with pytest.raises(ResourceError, match="max_nodes"):
        learn_graph(X, y, split=split, max_nodes=10, device="cpu")
    with pytest.raises(ResourceError, match="memory_budget_gb"):
        learn_graph(X, y, split=split, memory_budget_gb=1e-9, device="cpu")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"k": np.int64(0)}, "'k' must be an integer >= 1; got 0."),
        (
            {"outer_lr": np.float64(-1)},
            "'outer_lr' must be a finite number >= 0.0; got -1.0.",
        ),
        (
            {"metric": np.str_("manhattan")},
            "'metric' must be one of ['cosine', 'euclidean']; got 'manhattan'.",
        ),
        (
            {"inner_lr_bounds": np.array([0.1, 0.01])},
            "'inner_lr_bounds' must be (low, high) with 0 < low < high, both finite; "
            "got (0.1, 0.01).",
        ),
    ],
)
def test_config_errors_show_numpy_values_as_plain_ones(options, expected):
    # they showed np.int64(0), np.float64(-1.0), np.str_('manhattan')
    with pytest.raises(ConfigError) as info:
        LdsConfig(**options)
    assert str(info.value) == f"LdsConfig: {expected}"


def test_config_takes_numpy_numbers_as_the_python_ones():
    # k=np.int64(5) was refused: "'k' must be an integer >= 1; got np.int64(5)"
    config = LdsConfig(k=np.int64(5), dropout=np.float32(0.25), max_nodes=np.int64(9))
    assert (config.k, config.dropout, config.max_nodes) == (5, 0.25, 9)
    assert {type(config.k), type(config.dropout), type(config.max_nodes)} == {
        int,
        float,
    }


def test_a_numpy_seed_out_of_range_is_shown_as_a_number():
    X, y, _ = planted(5, n_per=5, noise_edges=0)
    split = make_split(y, 3, 6, seed=0)
    with pytest.raises(ConfigError) as info:
        learn_graph(X, y, split=split, seed=np.int64(-1))
    assert str(info.value) == "learn_graph: 'seed' must lie in [0, 2147483647]; got -1."


def test_split_masks_of_the_wrong_length_say_so():
    # masks shorter than the table used to fit silently on a truncated split,
    # longer ones died with an IndexError; index lists read as masks overlapped
    X, y, _ = planted(5, n_per=5, noise_edges=0)
    n = y.size
    for length in (n - 5, n + 5):
        masks = {"train": _mask(length, range(3)), "val": _mask(length, range(3, 9))}
        with pytest.raises(DataError) as info:
            learn_graph(X, y, split=masks)
        message = str(info.value)
        assert f"'train' has {length} entries but there are {n} nodes" in message
        assert "more than one" not in message
    good = {"train": _mask(n, range(3)), "val": _mask(n, range(3, 9))}
    with pytest.raises(DataError, match=f"'test' has 4 entries but there are {n}"):
        learn_graph(X, y, split={**good, "test": _mask(4, [0])})
    with pytest.raises(DataError, match="'train' has 3 entries"):
        learn_graph(X, y, split={"train": [1, 2, 3], "val": [4, 5, 6]})
    indices = {"train": np.arange(n) % 3, "val": np.ones(n, dtype=int)}
    with pytest.raises(DataError, match="integers other than 0 and 1"):
        learn_graph(X, y, split=indices)


def test_adjacency_of_the_wrong_size_names_both_sizes():
    # a 5x5 adjacency for 15 nodes was reported as a malformed edge list
    X, y, adj = planted(5, n_per=5, noise_edges=0)
    n = y.size
    split = make_split(y, 3, 6, seed=0)
    with pytest.raises(GraphError) as info:
        learn_graph(X, y, split=split, graph=adj[:5, :5])
    message = str(info.value)
    assert f"adjacency 'graph' is 5x5 but 'X' has {n} rows" in message
    assert f"adjacency of shape ({n}, {n})" in message and "(n_edges, 2)" in message
    with pytest.raises(GraphError, match=f"is {n + 1}x{n + 1} but 'X' has {n} rows"):
        learn_graph(X, y, split=split, graph=np.zeros((n + 1, n + 1)))
    # a 2x2 array is still read as two edges
    two = learn_graph(
        X, y, split=split, graph=np.array([[0, 1], [2, 3]]), seed=0, max_outer_iter=1
    )
    assert two.initial_edges.tolist() == [[0, 1], [2, 3]]


def test_k_not_below_the_node_count_is_refused():
    # k=500 on a small table used to be clipped to n - 1 without a word
    X, y, adj = planted(5, n_per=5, noise_edges=0)
    n = y.size
    split = make_split(y, 3, 6, seed=0)
    for k in (n, 500):
        with pytest.raises(ConfigError) as info:
            learn_graph(X, y, split=split, k=k)
        message = str(info.value)
        assert f"'k' (kNN neighbours) is {k} but there are only {n} nodes" in message
        assert f"choose k <= {n - 1}" in message
    # k is unused when a graph is given
    given = learn_graph(X, y, split=split, graph=adj, k=500, seed=0, max_outer_iter=1)
    assert given.config["graph_source"] == "given"


def test_too_large_graph_is_refused_before_any_n_squared_work(monkeypatch):
    import engine.graphs.task as task_module

    def no_knn(*args, **kwargs):
        raise AssertionError("the kNN graph was built before the size check")

    monkeypatch.setattr(task_module, "knn_graph", no_knn)
    n = 6000  # over the CPU node limit of 5 000
    X = np.zeros((n, 2))
    y = np.arange(n) % 2
    with pytest.raises(ResourceError, match=r"6000 nodes exceed .* about 1\.5 GB"):
        learn_graph(X, y, split="wine", device="cpu")
    over = r"needs about 1\.5 GB .* over the budget of 1 GB\."
    with pytest.raises(ResourceError, match=over):
        learn_graph(X, y, split="wine", device="cpu", max_nodes=10_000,
                    memory_budget_gb=1.0)  # fmt: skip


def test_reverse_sweep_fit_equals_unrolled_fit_end_to_end(seed):
    # 120 nodes, kNN k = 3: θ is sparse enough for sparse samples in the sweep
    X, y, _ = planted(6, n_per=40, noise_edges=0)
    split = make_split(y, 9, 12, seed=seed)
    opts = dict(
        k=3, max_outer_iter=3, patience=3, inner_max_steps=15, n_samples=2,
        dtype="float64", return_matrix=True,
    )  # fmt: skip
    reverse = learn_graph(X, y, split=split, seed=seed, device="cpu", **opts)
    unrolled = learn_graph(
        X, y, split=split, seed=seed, device="cpu", hypergradient="unrolled", **opts
    )
    assert 2 * reverse.expected_edges < 0.05 * y.size**2  # the sparse path ran
    assert (
        np.abs(reverse.probability_matrix - reverse.probability_matrix.round()).max()
        > 0
    )
    np.testing.assert_allclose(
        reverse.probability_matrix, unrolled.probability_matrix, atol=1e-6
    )
    np.testing.assert_array_equal(reverse.predictions, unrolled.predictions)


def test_val_accuracy_is_on_the_same_nodes_for_lds_and_every_baseline():
    # LDS's val_accuracy used to be on the early-stopping half only while the
    # baselines' was on all validation nodes, side by side in one column
    X, y, adj = planted(2, n_per=10, noise_edges=20)
    split = make_split(y, 6, 10, seed=0)
    res = learn_graph(
        X, y, split=split, graph=adj, seed=0, device="cpu",
        baselines=("logreg", "knn_gcn"), **FAST,
    )  # fmt: skip
    both = np.concatenate([split.val, split.es])
    pred, labels = res.predictions, res.labels
    assert res.val_accuracy == np.mean(pred[both] == labels[both])
    assert res.es_accuracy == np.mean(pred[split.es] == labels[split.es])
    assert res.es_accuracy == res.history["es_accuracy"][res.best_iter]
    for name in ("logreg", "knn_gcn"):
        alone = fit_baseline(
            X, y, method=name, split=split, graph=adj, seed=0, device="cpu"
        )
        base = alone["predictions"]
        assert res.baselines[name]["val_accuracy"] == np.mean(
            base[both] == labels[both]
        )
        assert res.baselines[name]["es_accuracy"] == np.mean(
            base[split.es] == labels[split.es]
        )


def test_table_inputs_fill_or_drop_rows_with_missing_features():
    frame = pd.DataFrame(
        {"a": [1.0, np.nan, 3.0, 4.0], "b": [1.0, 2.0, 3.0, 5.0], "y": [0, 1, None, 1]},
        index=["p", "q", "r", "s"],
    )
    X, y, record = table_inputs_record(frame, "y")
    assert X.shape == (4, 2) and record.imputed == {"a": 1}
    X, y, record = table_inputs_record(frame, "y", missing="drop")
    # the row with a missing feature goes; the one with a missing label stays
    assert list(X.index) == ["p", "r", "s"] and list(y.index) == ["p", "r", "s"]
    assert record.dropped_rows.tolist() == [1]


def test_a_stop_request_is_seen_inside_the_first_outer_iteration(monkeypatch):
    # on large graphs one outer iteration takes minutes: the fit asks between
    # θ steps, not only after each outer iteration
    import engine.graphs.lds as lds_module

    monkeypatch.setattr(lds_module, "INNER_REPORT_S", 0.0)
    X, y, adj = planted(3, n_per=8, noise_edges=10)
    events = []

    def progress(event):
        events.append(event)
        return STOP if event.stage == "inner" and event.step >= 4 else None

    config = {**FAST, "inner_max_steps": 200, "inner_patience": 1000, "tau": 2}
    res = learn_graph(
        X,
        y,
        split=make_split(y, 6, 6, seed=0),
        graph=adj,
        seed=0,
        device="cpu",
        progress=progress,
        **config,
    )
    assert res.stopped and res.n_outer_iter == 1
    assert [e.stage for e in events[:2]] == ["inner", "inner"]
    assert events[0].total == 200 and events[0].message.startswith("outer iteration 1")
    assert res.history["inner_steps"][0] == 4  # stopped after two θ steps of tau 2


def test_progress_fraction_grows_over_the_whole_fit(monkeypatch):
    # the inner events' step/total starts again at every outer iteration, so a
    # bar drawn from it went back to 0 each time; 'fraction' is of the whole fit
    import engine.graphs.lds as lds_module

    monkeypatch.setattr(lds_module, "INNER_REPORT_S", 0.0)
    X, y, adj = planted(3, n_per=8, noise_edges=10)
    events = []
    config = {**FAST, "max_outer_iter": 3, "patience": 3, "inner_max_steps": 20}
    config.update(inner_patience=1000, tau=5)
    learn_graph(
        X,
        y,
        split=make_split(y, 6, 6, seed=0),
        graph=adj,
        seed=0,
        device="cpu",
        progress=events.append,
        **config,
    )
    fit = [e for e in events if e.task == "graphs.fit"]
    inner = [e for e in fit if e.stage == "inner"]
    # the stage's own count is kept: inner steps of one outer iteration
    assert [e.step for e in inner] == [5, 10, 15, 20] * 3
    assert {e.total for e in inner} == {20}
    # and the share of the planned 3 x 20 steps grows with every event
    expected = [(k * 20 + s) / 60 for k in range(3) for s in (5, 10, 15, 20)]
    assert [e.fraction for e in inner] == pytest.approx(expected)
    shares = [e.step / e.total if e.fraction is None else e.fraction for e in fit]
    assert shares == sorted(shares) and shares[-1] == 1.0


def test_top_edges_break_ties_by_node_pair_and_say_when_the_cut_splits_one():
    from engine.graphs.lds import _top_edges

    theta = np.zeros((5, 5))
    theta[3, 4], theta[1, 2], theta[0, 4], theta[0, 1] = 1.0, 1.0, 1.0, 1.0
    theta[2, 3] = 0.5
    edges, weights, note = _top_edges(theta, 2)
    assert edges.tolist() == [[0, 1], [0, 4]] and weights.tolist() == [1.0, 1.0]
    assert "keeps the 2 strongest of the 5 node pairs" in note
    assert "4 pairs tie at the cut-off θ = 1 and 2 of them are kept" in note
    edges, _, note = _top_edges(theta, 4)  # the cut falls between 1.0 and 0.5
    assert edges.tolist() == [[0, 1], [0, 4], [1, 2], [3, 4]] and note is None
    assert _top_edges(theta, 9)[2] is None  # every edge kept


def test_a_cut_inside_a_tie_is_said_in_the_result_and_its_json():
    # a cancelled wine fit listed 3560 edges, all with theta = 1.0, out of more
    # pairs at 1.0: which were kept was not said, nor that the cut split a tie
    X, y, adj = planted(2, n_per=8, noise_edges=10)
    split = make_split(y, 6, 6, seed=0)
    res = learn_graph(
        X, y, split=split, graph=adj, seed=0, device="cpu", outer_lr=0.0,
        n_top_edges=5, **{**FAST, "max_outer_iter": 1},
    )  # fmt: skip
    n_init = len(res.initial_edges)
    assert (res.edge_probabilities == 1.0).all() and n_init > 5
    assert res.edges.tolist() == res.initial_edges[:5].tolist()  # lowest pairs
    note = f"{n_init} pairs tie at the cut-off θ = 1 and 5 of them are kept"
    assert any(note in w for w in res.warnings)
    assert any(note in w for w in GraphResult.from_json(res.to_json()).warnings)


def test_progress_validation_accuracy_is_the_results_on_all_validation_nodes():
    # the progress line said "validation accuracy 1" (the outer-objective half
    # only) while the result said 0.750 (all validation nodes)
    X, y, adj = planted(2, n_per=10, noise_edges=20)
    split = make_split(y, 6, 10, seed=0)
    events = []
    res = learn_graph(
        X, y, split=split, graph=adj, seed=0, device="cpu",
        progress=events.append, **FAST,
    )  # fmt: skip
    outer = [e.metrics for e in events if e.stage == "outer"]
    assert len(outer) == res.n_outer_iter
    assert outer[res.best_iter]["val_accuracy"] == res.val_accuracy
    history = res.history
    assert [m["val_accuracy"] for m in outer] == history["all_val_accuracy"].tolist()
    assert [m["outer_val_accuracy"] for m in outer] == history["val_accuracy"].tolist()
    assert res.val_accuracy == history["all_val_accuracy"][res.best_iter]


@pytest.mark.parametrize("value", ["knn_gcn", np.str_("knn_gcn")])
def test_a_single_baseline_name_is_one_baseline(value):
    # baselines="knn_gcn" was read letter by letter: "... got 'k'."
    assert LdsConfig(baselines=value).baselines == ("knn_gcn",)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("gcn", "'gcn'"),
        (("logreg", "gcn"), "('logreg', 'gcn')"),
        (["logreg", "gcn"], "['logreg', 'gcn']"),
        (np.array(["logreg", "gcn"]), "('logreg', 'gcn')"),
        (3, "3"),
        (("logreg", 3), "('logreg', 3)"),
    ],
)
def test_a_wrong_baseline_is_named_with_the_whole_value(value, shown):
    with pytest.raises(ConfigError) as info:
        LdsConfig(baselines=value)
    assert str(info.value) == (
        "LdsConfig: 'baselines' must be a name or a tuple of names from "
        f"['knn_gcn', 'label_propagation', 'logreg', 'mlp']; got {shown}."
    )


def test_learn_graph_takes_a_single_baseline_name():
    X, y, _ = planted(3, n_per=6, noise_edges=0)
    split = make_split(y, 2, 4, seed=0)
    res = learn_graph(
        X, y, split=split, seed=0, device="cpu", baselines="logreg", max_outer_iter=1
    )
    assert list(res.baselines) == ["logreg"]
    assert res.config["baselines"] == ["logreg"]
