"""engine.results: JSON round trips of frozen result dataclasses."""

from __future__ import annotations

import dataclasses
import json
from typing import ClassVar

import numpy as np
import pytest

from engine.errors import DataError
from engine.results import (
    ResultMixin,
    dumps_strict,
    finite_or_none,
    from_jsonable,
    to_jsonable,
    values_equal,
)


@dataclasses.dataclass(frozen=True)
class _Result(ResultMixin):
    weights: np.ndarray
    labels: np.ndarray
    names: tuple[str, ...]
    seed: int
    config: dict
    loss: float
    stopped: bool = False

    _tuple_fields: ClassVar[tuple[str, ...]] = ("names",)

    def __post_init__(self) -> None:
        self._freeze_arrays()


def _make() -> _Result:
    return _Result(
        weights=np.array([[0.0, np.nan], [np.inf, -np.inf]]),
        labels=np.array([1, 2, 3], dtype=np.int32),
        names=("a", "b"),
        seed=7,
        config={"lr": 0.1, "tol": float("nan"), "method": "permutahedron"},
        loss=float("-inf"),
    )


def test_round_trip_keeps_nan_inf_dtypes_and_tuples(tmp_path):
    r = _make()
    path = tmp_path / "r.json"
    # given a path it writes the file and returns None, as pandas' to_json does
    # (it returned the whole text too, echoed by a notebook cell)
    assert r.to_json(path) is None
    text = path.read_text(encoding="utf-8")
    assert text == r.to_json()
    json.loads(text)  # strict JSON: no bare NaN / Infinity tokens
    assert "NaN" not in text.replace('"nan"', "")
    for back in (_Result.from_json(path), _Result.from_json(text)):
        np.testing.assert_array_equal(back.weights, r.weights)
        assert back.weights.dtype == np.float64 and back.labels.dtype == np.int32
        assert back.names == ("a", "b") and back.seed == 7
        assert np.isnan(back.config["tol"]) and back.loss == float("-inf")
        assert not back.weights.flags.writeable


def _refuse(token: str):
    raise ValueError(f"non-standard JSON token {token}")


def test_to_json_and_dumps_strict_write_only_strict_json():
    # json.loads accepts bare NaN; parse_constant makes it as strict as JS or jq
    _Result.from_json(json.dumps(json.loads(_make().to_json(), parse_constant=_refuse)))
    summary = {
        "a": float("nan"),
        "b": [np.float64("inf"), 1.5, (np.float32(-np.inf), 2)],
        "c": np.array([np.nan, 0.25]),
        "d": {"e": np.int64(3), "f": "nan"},
    }
    assert json.loads(dumps_strict(summary, indent=1), parse_constant=_refuse) == {
        "a": None,
        "b": [None, 1.5, [None, 2]],
        "c": [None, 0.25],
        "d": {"e": 3, "f": "nan"},
    }
    assert finite_or_none(float("-inf")) is None and finite_or_none(2.0) == 2.0


def test_arrays_are_read_only_and_copied():
    source = np.zeros((2, 2))
    r = _Result(source, np.zeros(1), ("a",), 0, {}, 0.0)
    source[0, 0] = 5.0
    assert r.weights[0, 0] == 0.0
    with pytest.raises(ValueError, match="read-only"):
        r.weights[0, 0] = 1.0


def test_to_jsonable_handles_numpy_scalars_and_shapes():
    out = to_jsonable({"x": np.float32(1.5), "n": np.int64(3), "e": np.zeros((0, 3))})
    assert out["x"] == 1.5 and out["n"] == 3
    assert from_jsonable(out["e"]).shape == (0, 3)


def test_wrong_type_and_newer_schema_are_rejected():
    data = _make().to_dict()
    with pytest.raises(DataError, match="holds a 'Other'"):
        _Result.from_dict({**data, "type": "Other"})
    with pytest.raises(DataError, match="schema_version 99 is newer"):
        _Result.from_dict({**data, "schema_version": 99})
    with pytest.raises(DataError, match="not valid JSON"):
        _Result.from_json("{broken")


def test_values_equal_compares_arrays_dicts_and_nan():
    a = {"w": np.array([1.0, np.nan]), "n": (1, 2), "x": float("nan")}
    assert values_equal(a, {"w": np.array([1.0, np.nan]), "n": [1, 2], "x": np.nan})
    assert not values_equal(np.zeros(2), np.zeros(3))
    assert not values_equal(np.zeros((2, 1)), np.zeros((1, 2)))
    assert not values_equal({"w": 1}, {"w": 1, "v": 2}) and not values_equal({}, [])
    assert values_equal(np.array([1, 2]), [1, 2]) and not values_equal("a", "b")
    assert not values_equal(np.array(["a"]), np.array([np.nan]))


def test_every_result_type_compares_without_its_timings():
    from sklearn.linear_model import LogisticRegression

    from engine import explain, learn_graph, load_sample
    from engine.dag import bootstrap_dag, simulate_sem

    iris = load_sample("iris")
    X = iris.frame.drop(columns=[iris.target])
    model = LogisticRegression(max_iter=500).fit(X, iris.frame[iris.target])
    values = explain(model, X.iloc[:2], background=X.iloc[:20], seed=0)
    again = explain(model, X.iloc[:2], background=X.iloc[:20], seed=0)
    assert values == again and hash(values) == hash(again)
    assert values == type(values).from_json(values.to_json())
    assert values != explain(model, X.iloc[:3], background=X.iloc[:20], seed=0)

    sim = simulate_sem(4, 100, edges_per_node=1, seed=0).X
    boot = bootstrap_dag(sim, n_boot=2, seed=0, max_iter=5)
    assert boot == bootstrap_dag(sim, n_boot=2, seed=0, max_iter=5)

    wine = load_sample("wine")
    features = wine.frame.drop(columns=[wine.target])
    kwargs = {"split": "wine", "seed": 0, "max_outer_iter": 2}
    graph = learn_graph(features, wine.frame[wine.target], **kwargs)
    assert graph == type(graph).from_json(graph.to_json())
    assert len({graph, type(graph).from_json(graph.to_json())}) == 1


def test_results_print_as_a_short_summary_not_their_arrays():
    # a notebook showed ~5 kB of array dumps per result
    import warnings

    import engine
    from engine.dag import DagResult, bootstrap_dag, simulate_sem

    sim = simulate_sem(6, 150, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dag = engine.learn_dag(sim.X, seed=0, max_iter=3)
        boot = bootstrap_dag(sim.X, n_boot=2, seed=0, max_iter=3)
    for result, start in (
        (dag, "DagResult(method='permutahedron', nodes=6, "),
        (boot, "BootstrapResult(method='permutahedron', nodes=6"),
    ):
        text = repr(result)
        assert text.startswith(start) and "seed=0" in text and "device=" in text
        assert len(text) < 300 and "array" not in text
        assert all(len(line) <= 88 for line in text.splitlines())
        html = result._repr_html_()
        assert html.startswith("<table><caption>") and "<th" in html
    assert f"edges={dag.n_edges}," in repr(dag)
    # equality and the JSON round trip are untouched
    assert DagResult.from_json(dag.to_json()) == dag


def test_graph_and_values_results_print_short_too():
    import numpy as np

    import engine

    wine = engine.load_sample("wine")
    X, y = wine.frame.drop(columns=[wine.target]), wine.frame[wine.target]
    graph = engine.learn_graph(X, y, split="wine", seed=0, max_outer_iter=1)
    text = repr(graph)
    assert text.startswith("GraphResult(method='lds', nodes=178, classes=3, ")
    assert "test_accuracy=" in text and len(text) < 300 and "array" not in text
    assert "<caption>GraphResult</caption>" in graph._repr_html_()

    def model(rows):
        p = 1 / (1 + np.exp(-rows[:, 0]))
        return np.column_stack([1 - p, p])

    values = engine.explain(
        model, X.to_numpy()[:2, :3], background=X.to_numpy()[:5, :3]
    )
    text = repr(values)
    assert text.startswith("DistributionalValues(rows=2, features=3, classes=2, ")
    assert len(text) < 300 and "array" not in text
    html = values._repr_html_()
    # the notebook table holds the same summary, not every field's shape
    assert "<caption>DistributionalValues</caption>" in html
    assert ">estimator</th>" in html and "array" not in html
