"""DagResult: node look-ups, equality and hashing, the edge table."""

from __future__ import annotations

import dataclasses
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from engine.dag import DagResult
from engine.errors import ConfigError, GraphError


def _result(**changes) -> DagResult:
    adjacency = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]], dtype=bool)
    fields = {
        "adjacency": adjacency,
        "weights": adjacency * np.array([[0, 2.0, -1.0], [0, 0, 0.5], [0, 0, 0]]),
        "node_names": ("a", "b", "c"),
        "history": {"loss": [3.0, 2.0, np.nan]},
        "ordering": (0, 1, 2),
        "method": "permutahedron",
        "config": {"max_iter": 3, "hidden": (4, 4), "tol": float("nan")},
        "seed": 5,
        "elapsed_s": 0.25,
        "warnings": ("a warning",),
    }
    return DagResult(**{**fields, **changes})


def test_parents_and_children_by_name_or_index() -> None:
    r = _result()
    assert r.parents("c") == r.parents(2) == r.parents(np.int64(2))
    assert r.parents("c") == [("a", -1.0), ("b", 0.5)]
    assert r.children(0) == [("b", 2.0), ("c", -1.0)] and r.children("c") == []


def test_integer_node_names_are_names_not_positions() -> None:
    # columns [3, 2, 1, 0]: parents(1) gave the parents of the node at position
    # 1 (named '2')
    from engine.dag import learn_dag, simulate_sem

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 2 edges per node is more than 4 hold
        X = pd.DataFrame(simulate_sem(4, 400, seed=3).X, columns=[3, 2, 1, 0])
    r = learn_dag(X, seed=0)
    assert r.node_names == ("3", "2", "1", "0")
    for node in range(4):
        truth = r.adjacency[:, r.node_names.index(str(node))]
        assert [p for p, _ in r.parents(node)] == [
            r.node_names[i] for i in np.flatnonzero(truth)
        ]
        assert r.parents(node) == r.parents(str(node)) == r.parents(np.int64(node))
        assert r.children(node) == r.children(str(node))
    assert r.parents(1) != r.parents(r.node_names[1])  # the two readings differ
    with pytest.raises(GraphError) as info:
        r.children(4)
    message = str(info.value)
    assert "DagResult.children: node 4 is not one of node_names" in message
    assert "an integer is read as a name, never as a position" in message


@pytest.mark.parametrize("node", ["zz", 3, -1, True, 1.0, None])
def test_unknown_nodes_name_the_node_and_the_known_ones(node) -> None:
    r = _result()
    for method in ("parents", "children"):
        match = (
            rf"DagResult\.{method}: unknown node {node!r}: it is neither a node "
            r"name nor a position in 0\.\.2; node_names are \['a', 'b', 'c'\]"
        )
        with pytest.raises(GraphError, match=match):
            getattr(r, method)(node)


def test_long_node_lists_are_shortened_in_the_message() -> None:
    d = 40
    r = DagResult(np.zeros((d, d), bool), np.zeros((d, d)), [f"n{i}" for i in range(d)])
    with pytest.raises(GraphError, match=r"'n29', \.\.\. and 10 more\]"):
        r.parents("zz")


def test_equality_compares_fields_arrays_included() -> None:
    r = _result()
    same = _result()  # equal arrays, other objects; NaN in history and config
    assert r == same and hash(r) == hash(same)
    assert r == DagResult.from_json(r.to_json())  # tuples come back as lists
    assert r == pickle.loads(pickle.dumps(r))
    other_weights = r.weights.copy()
    other_weights[0, 1] = 2.5
    for changed in (
        dataclasses.replace(r, weights=other_weights),
        dataclasses.replace(r, history={"loss": [3.0, 2.0, 1.0]}),
        dataclasses.replace(r, node_names=("a", "b", "d")),
        dataclasses.replace(r, adjacency=np.zeros((3, 3), bool)),
    ):
        assert r != changed
    assert r != "not a result" and len({r, same, _result(seed=6)}) == 2
    # wall-clock timings are not part of the result
    timed = dataclasses.replace(
        r, elapsed_s=9.0, history={**r.history, "elapsed_s": [5.0]}
    )
    assert r == timed and hash(r) == hash(timed)


def test_two_fits_with_the_same_seed_are_equal() -> None:
    from engine.dag import learn_dag, simulate_sem

    X = simulate_sem(4, 200, edges_per_node=1, seed=0).X
    assert learn_dag(X, seed=0, max_iter=20) == learn_dag(X, seed=0, max_iter=20)


def test_edge_table_has_float_weights_even_without_edges() -> None:
    empty = _result(adjacency=np.zeros((3, 3), bool), weights=np.zeros((3, 3)))
    for r, n in ((_result(), 3), (empty, 0)):
        frame = r.to_frame()
        assert list(frame.columns) == ["source", "target", "weight"] and len(frame) == n
        assert frame["weight"].dtype == np.float64
        assert pd.api.types.is_object_dtype(frame["source"])
    assert _result().to_frame()["weight"].tolist() == [2.0, -1.0, 0.5]


def test_thresholded_copy_drops_small_edges_and_records_the_threshold() -> None:
    r = _result()  # a -> b 2.0, a -> c -1.0, b -> c 0.5
    cut = r.thresholded(0.75)
    assert cut.edges() == [("a", "b", 2.0), ("a", "c", -1.0)]  # |-1.0| is kept
    assert cut.weights[1, 2] == 0.0 and not cut.adjacency[1, 2]
    assert cut.is_dag and cut.weight_threshold == 0.75 and r.weight_threshold == 0.0
    assert r.n_edges == 3  # the result itself is unchanged
    assert cut.node_names == r.node_names and cut.ordering == r.ordering
    assert cut.config == r.config and cut.seed == r.seed
    # 0 keeps every edge, even one of weight 0; the threshold only grows
    assert r.thresholded(0) == r and r.thresholded(0.0).n_edges == 3
    assert cut.thresholded(0.1).weight_threshold == 0.75
    assert r.thresholded(5).n_edges == 0
    # the threshold is part of the result and of its JSON
    assert cut != r and DagResult.from_json(cut.to_json()) == cut
    assert DagResult.from_json(r.to_json()).weight_threshold == 0.0


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.5", None, True])
def test_thresholded_refuses_a_threshold_that_is_not_a_number_from_0(bad) -> None:
    with pytest.raises(ConfigError, match="'min_abs_weight' must be"):
        _result().thresholded(bad)


def test_thresholding_a_learned_dag_keeps_it_a_dag() -> None:
    from engine.dag import learn_dag, simulate_sem

    X = simulate_sem(6, 200, edges_per_node=1.5, seed=1).X
    r = learn_dag(X, seed=0, max_iter=10)
    weights = sorted({abs(w) for _, _, w in r.edges()})
    for t in [0.0, *weights]:
        cut = r.thresholded(t)
        assert cut.is_dag
        assert cut.n_edges == sum(abs(w) >= t for _, _, w in r.edges())


def test_the_prior_is_recorded_and_round_trips() -> None:
    # a result did not say which prior knowledge it was fitted under
    from engine.dag import PriorKnowledge

    prior = PriorKnowledge.from_edges(
        ["a", "b", "c"], forbidden=[("c", "a")], required=[("a", "b")], tiers={"a": 0}
    )
    r = _result(prior=prior)  # a prior is kept as its dict
    assert r.prior == {
        "names": ["a", "b", "c"],
        "forbidden": [["c", "a"]],
        "required": [["a", "b"]],
        "tiers": {"a": 0},
    }
    assert PriorKnowledge.from_dict(r.prior) == prior
    back = DagResult.from_json(r.to_json())
    assert back == r and back.prior == r.prior
    assert r != _result() and r != _result(prior=PriorKnowledge.empty(["a", "b", "c"]))
    # files saved before the prior was recorded still load, without one
    old = r.to_dict()
    del old["prior"]
    assert DagResult.from_dict(old) == _result()
    assert DagResult.from_dict(old).prior is None


def test_a_damaged_prior_is_refused_on_loading() -> None:
    from engine.errors import DataError

    data = _result(prior={"names": ["a", "b", "c"], "forbidden": [["a", "b"]]})
    data = data.to_dict()
    for prior, why in (
        ({**data["prior"], "names": ["x", "y", "z"]}, "unknown node 'a'"),
        ({**data["prior"], "forbidden": [1]}, "must hold [source, target] pairs"),
        ({"names": ["c", "b", "a"]}, "is over the nodes ['c', 'b', 'a'], not the"),
    ):
        with pytest.raises(DataError) as info:
            DagResult.from_dict({**data, "prior": prior})
        assert "the data is damaged: 'prior' " in str(info.value)
        assert why in str(info.value)


def _probabilities() -> np.ndarray:
    return np.array([[0, 0.9, 0.6], [0.1, 0, 0.7], [0.0, 0.2, 0]])


def test_edge_probabilities_are_optional_and_in_the_edge_table() -> None:
    assert _result().edge_probabilities is None
    assert "probability" not in _result().to_frame()
    r = _result(edge_probabilities=_probabilities().tolist())  # a list is taken
    assert r.edge_probabilities.dtype == np.float64
    assert not r.edge_probabilities.flags.writeable
    frame = r.to_frame()  # by decreasing |weight|: a -> b, a -> c, b -> c
    assert list(frame.columns) == ["source", "target", "weight", "probability"]
    assert frame["probability"].tolist() == [0.9, 0.6, 0.7]
    empty = _result(
        adjacency=np.zeros((3, 3), bool),
        weights=np.zeros((3, 3)),
        edge_probabilities=_probabilities(),
    ).to_frame()
    assert len(empty) == 0 and empty["probability"].dtype == np.float64
    # thresholding keeps them whole: they describe the fit, not the shown edges
    cut = r.thresholded(0.75)
    assert cut.n_edges == 2 and np.array_equal(cut.edge_probabilities, _probabilities())


def test_edge_probabilities_take_part_in_equality_and_round_trip() -> None:
    r = _result(edge_probabilities=_probabilities())
    back = DagResult.from_json(r.to_json())
    assert back == r and np.array_equal(back.edge_probabilities, _probabilities())
    assert r != _result() and _result() != r
    other = _probabilities()
    other[0, 1] = 0.8
    assert r != _result(edge_probabilities=other)
    # a plain nested list, as the CLI writes it, loads too
    data = {**r.to_dict(), "edge_probabilities": _probabilities().tolist()}
    assert DagResult.from_dict(data) == r


def test_results_saved_without_edge_probabilities_still_load() -> None:
    data = _result().to_dict()
    del data["edge_probabilities"]  # a file written before the field existed
    old = DagResult.from_dict(data)
    assert old.edge_probabilities is None and old == _result()
    assert DagResult.from_dict({**data, "edge_probabilities": None}) == old


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.full((2, 2), 0.5), r"'edge_probabilities' has shape \(2, 2\), but it"),
        (np.full((3,), 0.5), r"'edge_probabilities' has shape \(3,\); it must have"),
        (np.full((3, 3), 1.5), r"'edge_probabilities' holds 9 value\(s\) outside"),
        (np.full((3, 3), -0.1), r"holds 9 value\(s\) outside \[0, 1\] \(-0\.1, "),
        (np.full((3, 3), np.nan), r"holds 9 value\(s\) outside \[0, 1\] \(nan, "),
        (np.full((3, 3), "x"), r"'edge_probabilities' must hold numeric values"),
        ("0.5", r"'edge_probabilities' must be an array"),
    ],
)
def test_damaged_edge_probabilities_are_refused_on_load(value, message) -> None:
    from engine.errors import DataError
    from engine.results import to_jsonable

    data = {**_result().to_dict(), "edge_probabilities": to_jsonable(value)}
    with pytest.raises(DataError, match=message):
        DagResult.from_dict(data)


def test_the_json_lists_nodes_and_edges_by_name() -> None:
    # the app's Result JSON held the graph only as tagged arrays; the CLI's JSON
    # has nodes and edges: both now read without the library
    import json

    r = _result(edge_probabilities=_probabilities())
    data = json.loads(r.to_json())
    assert data["nodes"] == ["a", "b", "c"]
    assert data["edges"] == [  # by decreasing |weight|, as to_frame
        {"source": "a", "target": "b", "weight": 2.0, "probability": 0.9},
        {"source": "a", "target": "c", "weight": -1.0, "probability": 0.6},
        {"source": "b", "target": "c", "weight": 0.5, "probability": 0.7},
    ]
    assert r.edge_records() == data["edges"]
    assert DagResult.from_json(r.to_json()) == r
    # no probability without edge probabilities; a thresholded copy lists the
    # edges it keeps
    plain = json.loads(_result().thresholded(0.75).to_json())
    assert plain["edges"] == [
        {"source": "a", "target": "b", "weight": 2.0},
        {"source": "a", "target": "c", "weight": -1.0},
    ]
    empty = _result(adjacency=np.zeros((3, 3), bool), weights=np.zeros((3, 3)))
    assert json.loads(empty.to_json())["edges"] == []
    # a weight that is no number is written as the arrays write it and comes back
    odd = _result(weights=np.where(_result().adjacency, np.nan, 0.0))
    assert DagResult.from_json(odd.to_json()) == odd


def _edited(change) -> dict:
    data = _result(edge_probabilities=_probabilities()).to_dict()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda d: d["edges"][0].update(weight=3.0),
            "'a' -> 'b' has weight 3.0 in 'edges' but 2.0 in 'weights'",
        ),
        (
            lambda d: d["edges"][2].update(probability=0.5),
            "'b' -> 'c' has probability 0.5 in 'edges' but 0.7 in 'edge_probabilities'",
        ),
        (
            lambda d: d["edges"].pop(0),
            "'edges' lacks 'a' -> 'b', an edge of 'adjacency'",
        ),
        (
            lambda d: d["edges"].append({"source": "c", "target": "a", "weight": 1}),
            "'edges' has 'c' -> 'a', which 'adjacency' has not",
        ),
        (
            lambda d: d["edges"].append(dict(d["edges"][0])),
            "'edges' lists 'a' -> 'b' more than once",
        ),
        (
            lambda d: d["edges"].append({"source": "a"}),
            "'edges' must be a list of {source, target, weight} objects",
        ),
        (
            lambda d: d.update(nodes=["a", "c", "b"]),
            "'nodes' is ['a', 'c', 'b'] but 'node_names' is ['a', 'b', 'c']",
        ),
        (  # the matrix edited and the list not: the list disagrees
            lambda d: d.update(adjacency=[[0, 1, 0], [0, 0, 1], [0, 0, 0]]),
            "'edges' has 'a' -> 'c', which 'adjacency' has not",
        ),
    ],
)
def test_nodes_and_edges_that_disagree_with_the_matrices_are_refused(
    change, words
) -> None:
    from engine.errors import DataError

    with pytest.raises(DataError) as info:
        DagResult.from_dict(_edited(change))
    message = str(info.value)
    assert words in message, message
    assert "DagResult.from_dict: the data is damaged" in message
    assert "delete 'nodes' and 'edges' to load the matrices as they are" in message


def _numbered(**changes) -> DagResult:
    """A DAG over the columns '2', '0', '1', 'x' (a table with numbered columns)
    with the edges '0' -> '1' (weight 1.04) and '2' -> 'x'."""
    adjacency = np.zeros((4, 4), bool)
    adjacency[1, 2] = adjacency[0, 3] = True
    weights = np.where(adjacency, 1.04, 0.0)
    names = ("2", "0", "1", "x")
    return _result(adjacency=adjacency, weights=weights, node_names=names, **changes)


def test_edge_messages_tell_a_number_from_a_name_and_text_from_a_number() -> None:
    # "'edges' lacks 0 -> 1 ...; 'edges' has 0 -> 1, which 'adjacency' has not"
    # of a source written as the number 0, and "1.04 in 'edges' but 1.04 in
    # 'weights'" of a weight written as the text "1.04"
    from engine.errors import DataError

    def refusal(change) -> str:
        data = _numbered().to_dict()
        (record,) = [r for r in data["edges"] if r["source"] == "0"]
        change(record)
        with pytest.raises(DataError) as info:
            DagResult.from_dict(data)
        return str(info.value)

    message = refusal(lambda r: r.update(source=0))
    assert "'edges' lacks '0' -> '1', an edge of 'adjacency'" in message, message
    assert "'edges' has 0 -> '1', which 'adjacency' has not" in message, message
    message = refusal(lambda r: r.update(weight="1.04"))
    assert (
        "'0' -> '1' has weight '1.04' in 'edges', which must be a number (1.04 in "
        "'weights')"
    ) in message, message
    for odd, shown in ((True, "True"), (None, "None"), ([1.04], "[1.04]")):
        message = refusal(lambda r, odd=odd: r.update(weight=odd))
        assert f"has weight {shown} in 'edges', which must be a number" in message
    probabilities = np.where(_numbered().adjacency, 0.5, 0.0)
    data = _numbered(edge_probabilities=probabilities).to_dict()
    data["edges"][0]["probability"] = "0.5"
    with pytest.raises(DataError, match=r"probability '0\.5' in 'edges', which must"):
        DagResult.from_dict(data)


def test_edge_values_are_compared_with_a_tolerance_and_the_matrices_kept() -> None:
    # a weight changed by 1e-12 (a round trip through another tool's floats)
    # refused the file; within 1e-9 relative (1e-12 absolute near 0) it loads,
    # and the matrices, not the list, are the result
    from engine.errors import DataError

    probabilities = np.array([[0, 0.9, 0.0], [0.1, 0, 0.7], [0.0, 0.2, 0]])
    r = _result(edge_probabilities=probabilities)  # a -> c has probability 0
    cases = [  # (edge, key, written value, loads)
        (0, "weight", 2.0 + 1e-12, True),
        (0, "weight", 2.0 * (1 + 0.9e-9), True),
        (0, "weight", 2.0 * (1 + 1.1e-9), False),
        (1, "probability", 0.9e-12, True),
        (1, "probability", -0.9e-12, True),
        (1, "probability", 1.1e-12, False),
        (2, "probability", 0.7 * (1 - 0.9e-9), True),
        (2, "probability", 0.7 * (1 - 1.1e-9), False),
    ]
    for k, key, value, loads in cases:
        data = r.to_dict()
        assert data["edges"][k][key] != value
        data["edges"][k][key] = value
        if loads:
            back = DagResult.from_dict(data)
            assert back == r
            assert np.array_equal(back.weights, r.weights)
            assert np.array_equal(back.edge_probabilities, probabilities)
        else:
            with pytest.raises(DataError, match=f"has {key} {value!r} in 'edges'"):
                DagResult.from_dict(data)


def test_nodes_and_edges_are_optional_and_their_order_is_free() -> None:
    r = _result(edge_probabilities=_probabilities())
    data = r.to_dict()
    del data["nodes"], data["edges"]  # a file saved before they were written
    assert DagResult.from_dict(data) == r
    data = r.to_dict()
    data["edges"].reverse()  # b -> c first
    data["edges"][-1]["weight"] = 2  # a -> b: an integer written for 2.0
    assert DagResult.from_dict(data) == r
