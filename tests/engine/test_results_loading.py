"""Loading damaged results: every result type refuses what its methods cannot use.

Each type's ``from_dict`` / ``from_json`` (engine.results.ResultMixin) checks the
fields' kinds, dtypes and shapes against each other and the names, repeated names,
and the type's own rules (a DAG is acyclic, indices are in range), and raises one
DataError naming the field. The results here are built by hand, small; the round
trips of real fits are tested with each learner.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.dag import DagResult
from engine.dag.bootstrap import BootstrapResult
from engine.errors import DataError
from engine.graphs.result import GraphResult
from engine.results import to_jsonable
from engine.values.result import DistributionalValues

DROP = object()  # remove the field


def _dag() -> DagResult:
    adjacency = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=bool)
    return DagResult(
        adjacency=adjacency,
        weights=np.where(adjacency, 0.7, 0.0),
        node_names=("a", "b", "c"),
        history={"loss": np.array([1.0, 0.5]), "n_edges": np.array([3.0, 2.0])},
        ordering=(0, 1, 2),
        method="permutahedron",
        config={"lr": 0.1},
    )


def _bootstrap() -> BootstrapResult:
    freq = np.array([[0, 1.0, 0], [0, 0, 0.5], [0, 0, 0]])
    return BootstrapResult(
        node_names=("a", "b", "c"),
        edge_frequency=freq,
        adjacency_frequency=freq + freq.T,
        mean_weight=freq * 0.3,
        consensus=freq >= 0.5,
        threshold=0.5,
        n_boot=2,
        n_done=2,
        stopped=False,
        method="permutahedron",
    )


def _graph() -> GraphResult:
    return GraphResult(
        method="lds",
        test_accuracy=0.5,
        val_accuracy=0.5,
        predictions=np.array([0, 1, 0, 1]),
        probabilities=np.full((4, 2), 0.5),
        labels=np.array([0, 1, -1, 1]),
        classes=("x", "y"),
        node_names=("n0", "n1", "n2", "n3"),
        split=np.array([0, 1, 2, 3], dtype=np.int8),
        edges=np.array([[0, 1], [2, 3]]),
        edge_probabilities=np.array([0.9, 0.4]),
        initial_edges=np.array([[0, 1]]),
        expected_edges=1.3,
        homophily_learned=0.5,
        homophily_initial=1.0,
        history={"outer_iter": np.arange(2), "es_accuracy": np.array([0.5, 0.6])},
        best_iter=1,
        n_outer_iter=2,
        stopped=False,
        seed=0,
        device="cpu",
        config={"k": 3},
        engine_version="test",
        probability_matrix=np.zeros((4, 4), dtype=np.float32),
        baselines={"mlp": {"test_accuracy": 0.25, "elapsed_s": 0.1}},
    )


def _values() -> DistributionalValues:
    r, m, k, d = 2, 2, 2, 3
    return DistributionalValues(
        features=("g1", "g2"),
        classes=("no", "yes"),
        transitions=np.full((r, m, k, k), 0.25),
        mean=np.zeros((r, m, k)),
        p_change=np.full((r, m), 0.5),
        flip_away=np.full((r, m), 0.25),
        stderr=np.zeros((r, m, k, k)),
        predicted=np.array([0, 1]),
        probabilities=np.full((r, k), 0.5),
        base_probabilities=np.full((r, k), 0.5),
        data=np.arange(r * d, dtype=float).reshape(r, d),
        columns=("a", "b", "c"),
        rows=np.array([0, 5]),
        n_samples=np.array([0, 0]),
        operator="shapley",
        estimator="exact",
        seed=0,
        device="cpu",
    )


MAKERS = {
    "DagResult": _dag,
    "BootstrapResult": _bootstrap,
    "GraphResult": _graph,
    "DistributionalValues": _values,
}

# (type, field, damaged value or DROP, words the message must hold)
DAMAGE = [
    # DagResult: the tester's cases
    ("DagResult", "weights", DROP, "required field(s) ['weights'] are missing"),
    ("DagResult", "weights", "NaN", "'weights' must be an array"),
    ("DagResult", "weights", np.array(["x", "y"]), "'weights' must hold numeric"),
    ("DagResult", "adjacency", np.zeros((2, 2), bool), "'adjacency' has shape (2, 2)"),
    ("DagResult", "weights", np.zeros((3, 4)), "'weights' has shape (3, 4)"),
    ("DagResult", "node_names", ["a", "a", "b"], "'node_names' repeats ['a']"),
    ("DagResult", "node_names", ["a", "b", "c", "d"], "with d = 4"),
    ("DagResult", "node_names", "abc", "'node_names' must be a list of text"),
    ("DagResult", "adjacency", np.eye(3, dtype=bool), "'adjacency' has a directed"),
    (
        "DagResult",
        "adjacency",
        np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], bool),
        "'adjacency' has a directed cycle",
    ),
    ("DagResult", "ordering", [0, 1, 7], "'ordering' holds [7]"),
    ("DagResult", "history", {"loss": "down"}, "'history' must be an object of"),
    ("DagResult", "n_iter", True, "'n_iter' must be a whole number; got bool True"),
    ("DagResult", "elapsed_s", "soon", "'elapsed_s' must be a number"),
    ("DagResult", "stopped", 1, "'stopped' must be true or false"),
    ("DagResult", "config", [1], "'config' must be an object"),
    # BootstrapResult
    ("BootstrapResult", "consensus", DROP, "['consensus'] are missing"),
    ("BootstrapResult", "mean_weight", np.zeros((2, 2)), "'mean_weight' has shape"),
    ("BootstrapResult", "node_names", ["a", "b", "b"], "'node_names' repeats ['b']"),
    ("BootstrapResult", "consensus", np.ones((3, 3)), "'consensus' must hold boolean"),
    ("BootstrapResult", "consensus", ~np.eye(3, dtype=bool), "'consensus' has a"),
    ("BootstrapResult", "required", np.zeros(3, bool), "'required' has shape (3,)"),
    ("BootstrapResult", "n_done", "2", "'n_done' must be a whole number"),
    # GraphResult
    ("GraphResult", "edges", DROP, "['edges'] are missing"),
    ("GraphResult", "predictions", np.array([0, 1]), "'predictions' has shape (2,)"),
    ("GraphResult", "probabilities", np.ones((4, 3)), "k = 2 (the length of"),
    ("GraphResult", "predictions", np.zeros(4), "'predictions' must hold integer"),
    ("GraphResult", "predictions", np.array([0, 1, 2, 0]), "'predictions' holds [2]"),
    ("GraphResult", "labels", np.array([0, -2, 0, 0]), "'labels' holds [-2]"),
    ("GraphResult", "split", np.array([0, 4, 0, 0]), "'split' holds [4]"),
    ("GraphResult", "edges", np.array([[0, 9], [1, 2]]), "'edges' holds [9]"),
    ("GraphResult", "edges", np.array([0, 1]), "'edges' has shape (2,)"),
    ("GraphResult", "edge_probabilities", np.ones(3), "e = 2 (axis 0 of 'edges')"),
    ("GraphResult", "initial_edges", np.array([[0, -1]]), "'initial_edges' holds"),
    ("GraphResult", "probability_matrix", np.ones((3, 3)), "'probability_matrix'"),
    ("GraphResult", "classes", ["x", "x"], "'classes' repeats ['x']"),
    ("GraphResult", "baselines", {"mlp": 0.5}, "'baselines' must be an object"),
    ("GraphResult", "test_accuracy", None, "'test_accuracy' must be a number"),
    # DistributionalValues
    ("DistributionalValues", "transitions", DROP, "['transitions'] are missing"),
    ("DistributionalValues", "mean", np.zeros((3, 2, 2)), "R = 2 (axis 0 of"),
    ("DistributionalValues", "features", ["g1", "g1"], "'features' repeats"),
    ("DistributionalValues", "features", ["g1"], "M = 1 (the length of 'features')"),
    ("DistributionalValues", "classes", ["a", "b", "c"], "'transitions' has shape"),
    ("DistributionalValues", "data", np.zeros((2, 2)), "D = 3 (the length of"),
    ("DistributionalValues", "stderr", np.zeros(2), "'stderr' has shape (2,)"),
    ("DistributionalValues", "predicted", np.array([0, 2]), "'predicted' holds [2]"),
    ("DistributionalValues", "predicted", np.array([0.0, 1.0]), "must hold integer"),
    ("DistributionalValues", "p_change", "high", "'p_change' must be an array"),
    ("DistributionalValues", "seed", 1.5, "'seed' must be a whole number"),
]


def _damaged(type_name: str, name: str, value: Any) -> dict[str, Any]:
    data = MAKERS[type_name]().to_dict()
    if value is DROP:
        del data[name]
    else:
        data[name] = to_jsonable(value)
    return data


@pytest.mark.parametrize(
    ("type_name", "name", "value", "words"),
    DAMAGE,
    ids=[f"{t}-{n}-{i}" for i, (t, n, _, _) in enumerate(DAMAGE)],
)
def test_a_damaged_result_is_refused_naming_the_field(type_name, name, value, words):
    data = _damaged(type_name, name, value)
    cls = type(MAKERS[type_name]())
    for load in (lambda: cls.from_dict(data), lambda: cls.from_json(json.dumps(data))):
        with pytest.raises(DataError) as info:
            load()
        message = str(info.value)
        assert words in message, message
        assert f"{type_name}.from_dict: the data is damaged" in message
        assert "written by to_json, unchanged" in message


@pytest.mark.parametrize("type_name", MAKERS)
def test_valid_results_load_as_before(type_name, tmp_path):
    result = MAKERS[type_name]()
    cls = type(result)
    path = tmp_path / "r.json"
    result.to_json(path)
    text = result.to_json()
    for source in (text, path, str(path)):
        assert cls.from_json(source) == result
    # a field this version does not know is left out, as before
    assert cls.from_dict({**result.to_dict(), "added_later": 1}) == result


@pytest.mark.parametrize("type_name", MAKERS)
def test_a_damaged_array_tag_is_refused(type_name):
    data = MAKERS[type_name]().to_dict()
    name = next(k for k, v in data.items() if isinstance(v, dict) and "shape" in v)
    cls = type(MAKERS[type_name]())
    cases = (
        ({**data[name], "shape": [99]}, "holds a damaged array"),
        ({**data[name], "dtype": "no-such-dtype"}, "holds a damaged array"),
        ({k: v for k, v in data[name].items() if k != "dtype"}, "damaged array"),
    )
    for tag, words in cases:
        with pytest.raises(DataError, match=words):
            cls.from_dict({**data, name: tag})


def test_a_hand_written_dag_with_plain_lists_still_loads_and_is_checked():
    data = _dag().to_dict()
    data["adjacency"] = [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    data["weights"] = [[0, 0.7, 0], [0, 0, 0.7], [0, 0, 0]]
    assert DagResult.from_dict(data) == _dag()
    data["adjacency"] = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    with pytest.raises(DataError, match="'adjacency' has a directed cycle"):
        DagResult.from_dict(data)
    data["adjacency"] = [[0, 1], [0, 0, 1], [0]]
    with pytest.raises(DataError, match="'adjacency' is not a rectangular array"):
        DagResult.from_dict(data)


def test_several_problems_are_named_in_one_message():
    data = _dag().to_dict()
    data["weights"] = "NaN"
    data["seed"] = "zero"
    del data["node_names"]
    with pytest.raises(DataError) as info:
        DagResult.from_dict(data)
    message = str(info.value)
    assert "['node_names'] are missing" in message
    assert "'weights' must be an array" in message and "'seed' must be" in message


@pytest.mark.parametrize("type_name", MAKERS)
def test_text_that_is_neither_json_nor_a_file_is_one_data_error(type_name, tmp_path):
    cls = type(MAKERS[type_name]())
    neither = "neither JSON text nor the path of an existing file"
    for source in ("hello", "", "   ", str(tmp_path / "missing.json"), tmp_path):
        with pytest.raises(DataError, match=neither):
            cls.from_json(source)
    with pytest.raises(DataError, match="neither"):
        cls.from_json(Path(tmp_path / "missing.json"))
    with pytest.raises(DataError, match=r"expected a JSON object .* got list"):
        cls.from_json("[1, 2]")
    with pytest.raises(DataError, match="not valid JSON"):
        cls.from_json('{"adjacency": ')
    binary = tmp_path / "r.json"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(DataError, match="cannot read"):
        cls.from_json(binary)
    with pytest.raises(DataError, match="'schema_version' must be a whole number"):
        cls.from_dict({**MAKERS[type_name]().to_dict(), "schema_version": "2"})


@pytest.mark.parametrize("type_name", MAKERS)
def test_a_dict_given_to_from_json_is_pointed_to_from_dict(type_name):
    # it said "not valid JSON (Expecting property name enclosed in double quotes
    # at line 1)": str() of the dict, which holds single quotes
    result = MAKERS[type_name]()
    cls = type(result)
    with pytest.raises(DataError) as info:
        cls.from_json(result.to_dict())
    assert str(info.value) == (
        f"{type_name}.from_json: got a dict; from_json reads the JSON text or the "
        "file that to_json wrote. For a dict such as to_dict returns, use "
        f"{type_name}.from_dict(data)."
    )
    assert cls.from_dict(result.to_dict()) == result


@pytest.mark.parametrize("type_name", MAKERS)
def test_a_source_that_is_no_text_or_path_is_one_data_error(type_name):
    # these raised a bare TypeError from str() or Path()
    cls = type(MAKERS[type_name]())
    expected = f"{type_name}.from_json: expected the JSON text (a str) or the path "
    for source, shown in ((None, "NoneType None"), (3, "int 3"), ([1], "list [1]")):
        with pytest.raises(DataError) as info:
            cls.from_json(source)
        assert str(info.value).startswith(expected)
        assert str(info.value).endswith(f"to_json wrote; got {shown}.")
    with pytest.raises(DataError, match=r"Decode bytes first: data.decode\('utf-8'\)"):
        cls.from_json(MAKERS[type_name]().to_json().encode())


def test_a_file_whose_name_starts_with_a_bracket_is_still_a_path(tmp_path):
    path = tmp_path / "[draft] r.json"
    _dag().to_json(path)
    assert DagResult.from_json(str(path)) == _dag()
    with pytest.raises(DataError, match="not valid JSON"):
        DagResult.from_json(_dag().to_json()[:-1])
    with pytest.raises(DataError, match="not valid JSON"):  # Python's int limit
        DagResult.from_json('{"seed": ' + "9" * 5000 + "}")
