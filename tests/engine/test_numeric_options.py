"""Numeric options take NumPy scalars as well as Python numbers, and keep plain ones.

Values often come out of arrays (``np.int64`` from ``np.arange``, ``np.float32``
from a float32 model): every integer option of the DAG learners, the bootstrap,
``explain`` and LDS accepts NumPy integers, every number option NumPy floats, and
configs and results hold Python ``int`` / ``float`` whatever was passed, so that
they compare equal and write to JSON. Whole floats (``3.0``) and booleans stay
refused by integer options.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from engine.dag import (
    DagdbConfig,
    DagLearner,
    PermutahedronConfig,
    bootstrap_dag,
    learn_dag,
    simulate_sem,
)
from engine.errors import ConfigError, check_int, check_range, plain, plain_number
from engine.graphs import LdsConfig, learn_graph
from engine.values import explain

# a valid value for the options whose default is None
_NONE_DEFAULTS = {"n_top_edges": 5, "max_nodes": 100, "memory_budget_gb": 1.0}
# settings under which a DAG-DB option acts (an inert one set away from its
# default is refused, and np.float32(1e-3) is not 1e-3)
_DAGDB_SETTINGS = (
    {},
    {"estimator": "aimle"},
    {"noise": "sum_of_gamma"},
    {"patience": 5},
)


def _acting(cls: type, name: str) -> dict[str, object]:
    """Other options that make ``name`` act (none but for DAG-DB)."""
    if cls is not DagdbConfig:
        return {}
    return next(s for s in _DAGDB_SETTINGS if not cls.inert_because(name, s))


def _numeric_fields(cls: type) -> list[tuple[str, type, object]]:
    """(name, int or float, a valid value) of every numeric field of ``cls``."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if typing.get_origin(hint) not in (None, types.UnionType):
            continue  # a tuple: inner_lr_bounds (see its own test)
        kinds = set(typing.get_args(hint)) or {hint}
        kind = next((k for k in (int, float) if k in kinds), None)
        if kind is None:
            continue
        value = f.default if f.default is not None else _NONE_DEFAULTS[f.name]
        out.append((f.name, kind, value))
    return out


CASES = [
    (cls, name, kind, value, np_type)
    for cls in (PermutahedronConfig, DagdbConfig, LdsConfig)
    for name, kind, value in _numeric_fields(cls)
    for np_type in (
        (np.int64, np.int32, np.uint16) if kind is int else (np.float64, np.float32)
    )
]


def test_the_walk_finds_the_numeric_options_of_every_config():
    found = {(c.__name__, n) for c, n, *_ in CASES}
    for name in ("max_iter", "tol", "n_orderings", "lr_theta", "max_memory_gb"):
        assert ("PermutahedronConfig", name) in found
    for name in ("n_samples", "lam", "batch_size", "temperature", "patience"):
        assert ("DagdbConfig", name) in found
    for name in ("k", "max_outer_iter", "outer_lr", "n_top_edges", "dropout"):
        assert ("LdsConfig", name) in found
    assert len({c for c, *_ in CASES}) == 3 and len(CASES) > 100


@pytest.mark.parametrize(
    "cls, name, kind, value, np_type",
    CASES,
    ids=[f"{c.__name__}.{n}-{t.__name__}" for c, n, _, _, t in CASES],
)
def test_config_options_take_numpy_scalars_and_store_plain_numbers(
    cls, name, kind, value, np_type
):
    given, others = np_type(value), _acting(cls, name)
    config = cls(**others, **{name: given})
    stored = getattr(config, name)
    assert type(stored) is kind
    assert stored == kind(given)
    assert config == cls(**others, **{name: kind(given)})
    json.dumps(dataclasses.asdict(config))  # np.int64 and np.float32 are no JSON


@pytest.mark.parametrize(
    "cls, name",
    [(PermutahedronConfig, "max_iter"), (DagdbConfig, "max_iter"), (LdsConfig, "k")],
)
def test_integer_options_still_refuse_floats_and_bools(cls, name):
    for value in (3.0, np.float64(3.0), True, np.True_):
        with pytest.raises(ConfigError) as info:
            cls(**{name: value})
        assert f"{cls.__name__}: '{name}' must be an integer" in str(info.value)
        assert f"got {plain(value)!r}." in str(info.value)


def test_number_options_refuse_bools_and_non_finite_numpy_floats():
    for value in (True, np.float32("nan"), np.float64("inf")):
        with pytest.raises(ConfigError, match="'tol' must be a number in"):
            PermutahedronConfig(tol=value)


def test_an_integer_out_of_range_is_named_with_its_range():
    with pytest.raises(ConfigError) as info:
        PermutahedronConfig(max_iter=np.int64(0))
    assert str(info.value) == (
        "PermutahedronConfig: 'max_iter' must be an integer in [1, 100000]; got 0."
    )


def test_inner_lr_bounds_of_numpy_floats_are_stored_as_floats():
    config = LdsConfig(inner_lr_bounds=np.array([1e-4, 0.05], dtype=np.float64))
    assert config.inner_lr_bounds == (1e-4, 0.05)
    assert all(type(b) is float for b in config.inner_lr_bounds)


def test_the_shared_helpers():
    assert plain_number(np.uint8(7), integer=True) == 7
    assert plain_number(np.float16(0.5)) == 0.5
    assert plain_number(2.0, integer=True) is None
    assert plain_number("3") is None and plain_number(np.bool_(False)) is None
    assert type(check_int("f", "n", np.int16(4), low=1, high=9)) is int
    assert type(check_range("f", "x", np.float32(0.25), low=0.0)) is float
    assert type(check_range("f", "x", 2, low=0.0)) is int  # an int stays an int


@pytest.fixture(scope="module")
def X():
    return simulate_sem(4, 100, seed=0).X


def test_learn_dag_takes_numpy_options(X):
    dagdb = {"patience": np.int64(5)}  # tol acts only with early stopping
    for method, others in (("permutahedron", {}), ("dagdb", dagdb)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # not trained to the end
            result = learn_dag(
                X, method, seed=0, max_iter=np.int64(3), tol=np.float32(1e-3), **others
            )
        assert type(result.config["max_iter"]) is int and result.n_iter <= 3
        assert type(result.config["tol"]) is float
        assert result.config["tol"] == float(np.float32(1e-3))
        json.loads(result.to_json())


def test_dag_learner_takes_numpy_options(X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        learner = DagLearner(max_iter=np.int64(3), seed=0).fit(X)
    assert learner.result_.config["max_iter"] == 3
    assert type(learner.result_.config["max_iter"]) is int


def test_bootstrap_takes_numpy_options(X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = bootstrap_dag(
            X, n_boot=np.int64(2), threshold=np.float32(0.5), seed=0, max_iter=2
        )
    assert boot.n_done == 2 and type(boot.n_boot) is int
    assert type(boot.threshold) is float and boot.threshold == 0.5
    json.loads(boot.to_json())


def test_explain_takes_numpy_options(X):
    model = LogisticRegression().fit(X, X[:, 0] > 0)
    result = explain(
        model,
        X[:3],
        background=X,
        seed=0,
        estimator="permutation",
        n_samples=np.int64(4),
        top_k=np.int64(1),
        max_background=np.int32(20),
        memory_budget=np.int64(2**20),
        executor="serial",
        chunk_rows=np.int64(2),
    )
    assert result.n_rows == 3 and result.config["n_background"] == 20
    assert result.config["n_samples"] == 4 and type(result.config["n_samples"]) is int
    assert result.config["top_k"] == 1 and type(result.config["top_k"]) is int
    json.loads(result.to_json())


def test_learn_graph_takes_numpy_options():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 3)), rng.integers(0, 2, 50)
    split = {"train": np.arange(50) < 10, "val": (np.arange(50) >= 10) & (y > -1)}
    split["val"][30:] = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = learn_graph(
            X,
            y,
            split=split,
            seed=0,
            max_outer_iter=np.int64(1),
            k=np.int64(5),
            tau=np.int32(1),
            outer_lr=np.float32(0.5),
        )
    assert result.n_outer_iter == 1
    assert result.config["k"] == 5 and type(result.config["k"]) is int
    assert type(result.config["outer_lr"]) is float
    json.loads(result.to_json())


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [
        ("n_samples", np.int64(0), "got 0."),
        ("top_k", np.int64(0), "got 0."),
        ("max_background", np.float64(3.0), "got 3.0."),
        ("memory_budget", np.int64(-5), "got -5."),
    ],
)
def test_explain_names_a_refused_numpy_value_as_the_plain_number(option, value, shown):
    # explain's own checks said "got np.int64(0)" where the others say "got 0"
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(40, 3))
    model = LogisticRegression().fit(X, X[:, 0] > 0)
    with pytest.raises(ConfigError) as info:
        explain(model, X[:1], background=X, device="cpu", **{option: value})
    assert str(info.value).startswith(f"explain: '{option}' must be")
    assert str(info.value).endswith(shown) and "np." not in str(info.value)


def _seed_calls():
    """Each public entry point taking ``seed``, as a call with that seed."""
    from engine import dag, graphs, values

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    return {
        "learn_dag": lambda s: dag.learn_dag(X, seed=s),
        "bootstrap_dag": lambda s: dag.bootstrap_dag(X, n_boot=2, seed=s),
        "explain": lambda s: values.explain(model, X[:2], background=X, seed=s),
        "learn_graph": lambda s: graphs.learn_graph(X, y, split="wine", seed=s),
        "fit_baseline": lambda s: graphs.fit_baseline(
            X, y, method="logreg", split="wine", seed=s
        ),
        "simulate_dag": lambda s: dag.simulate_dag(5, seed=s),
        "simulate_sem": lambda s: dag.simulate_sem(5, 20, seed=s),
    }


@pytest.mark.parametrize(
    ("seed", "says"),
    [
        (-1, "'seed' must lie in [0, 2147483647]; got -1."),
        (1.5, "'seed' must be an integer or None; got 1.5."),
    ],
)
@pytest.mark.parametrize("owner", list(_seed_calls()))
def test_seed_errors_name_their_owner_as_other_option_errors_do(owner, seed, says):
    # "'seed' must lie in [0, 2147483647]; got -1." named no owner, where the
    # other options' errors do ("learn_dag: 'seed' ...", as "explain:
    # 'n_samples' ..." or "PermutahedronConfig: 'max_iter' ...")
    with pytest.raises(ConfigError) as info:
        _seed_calls()[owner](seed)
    assert str(info.value) == f"{owner}: {says}"


def _device_calls():
    """Each public entry point taking ``device`` (the estimator twins too), as a
    call with that device, and the name its errors start with."""
    from engine import dag, graphs, values
    from engine.dag.dagdb import fit_dagdb

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    return {
        "learn_dag": ("learn_dag", lambda d: dag.learn_dag(X, device=d)),
        "DagLearner": ("learn_dag", lambda d: dag.DagLearner(device=d).fit(X)),
        "bootstrap_dag": (
            "bootstrap_dag",
            lambda d: dag.bootstrap_dag(X, n_boot=2, device=d),
        ),
        "explain": (
            "explain",
            lambda d: values.explain(model, X[:2], background=X, device=d),
        ),
        "DistributionalExplainer": (
            "explain",
            lambda d: (
                values.DistributionalExplainer(model, device=d).fit(X).explain(X[:2])
            ),
        ),
        "learn_graph": (
            "learn_graph",
            lambda d: graphs.learn_graph(X, y, split="wine", device=d),
        ),
        "GraphStructureLearner": (
            "learn_graph",
            lambda d: graphs.GraphStructureLearner(device=d).fit(X, y, split="wine"),
        ),
        "fit_baseline": (
            "fit_baseline",
            lambda d: graphs.fit_baseline(
                X, y, method="logreg", split="wine", device=d
            ),
        ),
        "fit_dagdb": ("fit_dagdb", lambda d: fit_dagdb(X, device=d)),
    }


@pytest.mark.parametrize(
    ("device", "says"),
    [
        ("gpu please", "'device' must be 'auto', 'cpu', 'cuda' or 'cuda:N'; got "),
        ("meta", "device 'meta' is not supported; use 'auto', 'cpu' or 'cuda'."),
    ],
)
@pytest.mark.parametrize("call", list(_device_calls()))
def test_device_errors_name_the_function_called_as_seed_errors_do(call, device, says):
    # "resolve_device: 'device' must be ..." named an internal function, where
    # seed errors name the one the user called ("learn_dag: 'seed' ...")
    owner, run = _device_calls()[call]
    with pytest.raises(ConfigError) as info:
        run(device)
    assert str(info.value).startswith(f"{owner}: {says}"), str(info.value)
    assert "resolve_device" not in str(info.value)
