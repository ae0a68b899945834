"""``learn_dag(method="dagdb")`` and ``DagLearner``: registry, priors, provenance."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from engine.dag import METHODS, DagLearner, DagResult, PriorKnowledge, learn_dag
from engine.dag.dagdb import DagdbConfig
from engine.errors import ConfigError, ConvergenceWarning
from engine.runtime import STOP

FAST = {"max_iter": 40, "batch_size": 40, "n_samples": 4}


def _chain(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(n)
    b = 1.5 * a + rng.standard_normal(n)
    c = -1.2 * b + rng.standard_normal(n)
    return pd.DataFrame({"a": a, "b": b, "c": c})


def test_registry_has_dagdb_with_documented_fields():
    spec = METHODS["dagdb"]
    assert spec.config_class is DagdbConfig and "feedback arc set" in spec.description
    for f in dataclasses.fields(DagdbConfig):
        assert f.metadata.get("help"), f.name


@pytest.mark.parametrize("estimator", ["imle", "aimle", "ste"])
def test_learn_dag_dagdb_recovers_chain_skeleton(seed, estimator):
    r = learn_dag(
        _chain(300, seed),
        "dagdb",
        seed=seed,
        device="cpu",
        estimator=estimator,
        max_iter=100,
        batch_size=30,
        n_samples=8,
    )
    skeleton = r.adjacency | r.adjacency.T
    expected = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=bool)
    assert r.is_dag and (skeleton == expected).all()
    assert r.method == "dagdb" and r.config["estimator"] == estimator
    assert {"step", "loss", "n_edges"} <= set(r.history)


def test_learn_dag_dagdb_respects_prior_and_round_trips(tmp_path, seed):
    X = _chain(200, seed)
    prior = PriorKnowledge.from_edges(
        ["a", "b", "c"], forbidden=[("a", "b")], required=[("c", "a")]
    )
    r = learn_dag(X, "dagdb", prior=prior, seed=seed, device="cpu", **FAST)
    assert prior.check(r.adjacency), prior.violations(r.adjacency)
    r.to_json(tmp_path / "r.json")
    back = DagResult.from_json(tmp_path / "r.json")
    assert np.array_equal(back.adjacency, r.adjacency)
    assert back.config == r.config and back.seed == seed


def test_dag_learner_dagdb_same_seed_same_result(seed):
    X = _chain(120, seed)
    a = DagLearner("dagdb", seed=seed, device="cpu", **FAST).fit(X)
    b = DagLearner("dagdb", seed=seed, device="cpu", **FAST).fit(X)
    assert np.array_equal(a.adjacency_, b.adjacency_)
    np.testing.assert_array_equal(a.weights_, b.weights_)


def test_learn_dag_dagdb_stops_on_request(seed):
    events = []

    def progress(event):
        events.append(event)
        return STOP if event.step >= 2 else None

    with pytest.warns(UserWarning, match="stopped on request"):
        r = learn_dag(
            _chain(120, seed),
            "dagdb",
            seed=seed,
            device="cpu",
            progress=progress,
            max_iter=100,
            batch_size=40,
        )
    assert r.stopped and r.n_iter == 2 and r.is_dag
    assert events[0].total == 100 and "edges" in events[0].metrics


def test_learn_dag_dagdb_rejects_bad_options():
    X = _chain(50, 0)
    with pytest.raises(ConfigError, match="estimator"):
        learn_dag(X, "dagdb", estimator="reinforce")
    with pytest.raises(ConfigError, match="unknown option"):
        learn_dag(X, "dagdb", n_orderings=3)


def test_the_docstrings_name_dagdbs_progress_metrics_and_history_keys():
    # learn_dag's docstring listed loss, edges and entropy (the permutahedron's);
    # DAG-DB sends loss, mse, dag, size, lam and edges. DagResult.history listed
    # entropy and n_orderings, which DAG-DB lacks.
    import re

    events = []
    result = learn_dag(
        _chain(120, 0), "dagdb", seed=0, device="cpu", progress=events.append, **FAST
    )
    documented = learn_dag.__doc__.split("progress : callable")[1]
    documented = documented.split("node_names :")[0]
    dagdb = documented.split('``"dagdb"``')[1]
    assert set(events[0].metrics) == set(re.findall(r"``(\w+)``", dagdb))
    history = DagResult.__doc__.split("history : dict")[1].split("ordering :")[0]
    dagdb = history.split('``"dagdb"``')[1]
    assert set(result.history) == set(re.findall(r"``(\w+)``", dagdb))


def _chain4(n: int, seed: int) -> pd.DataFrame:
    """a -> b -> c -> d, raw scale, unit noise."""
    rng = np.random.default_rng(seed)
    cols = [rng.standard_normal(n)]
    for b in (1.5, -1.5, 1.5):
        cols.append(b * cols[-1] + rng.standard_normal(n))
    return pd.DataFrame(dict(zip("abcd", cols, strict=True)))


def test_dagdb_edge_probabilities_are_sure_of_a_planted_chain(seed):
    # straight-through gradients and a strong acyclicity penalty: the scores
    # leave 0 within 100 epochs (the default I-MLE fit keeps them near 0.5 here)
    r = learn_dag(
        _chain4(300, seed),
        "dagdb",
        seed=seed,
        device="cpu",
        estimator="ste",
        rho=5.0,
        batch_size=32,
        max_iter=100,
    )
    chain = np.eye(4, k=1, dtype=bool)  # a -> b, b -> c, c -> d
    p = r.edge_probabilities
    assert p.shape == (4, 4) and p.dtype == np.float64
    assert ((p >= 0) & (p <= 1)).all() and (np.diag(p) == 0).all()
    assert (r.adjacency == chain).all()
    assert p[chain].min() > 0.5
    # every edge against the chain's order, reversals and back edges, is unlikely
    assert p[np.tril(np.ones((4, 4), bool), -1)].max() < 0.2
    frame = r.to_frame()
    index = {name: k for k, name in enumerate("abcd")}
    assert frame["probability"].tolist() == [
        p[index[s], index[t]] for s, t in zip(frame.source, frame.target, strict=True)
    ]
    assert DagResult.from_json(r.to_json()) == r


def test_dagdb_edge_probabilities_hold_the_prior(seed):
    prior = PriorKnowledge.from_edges(
        ["a", "b", "c"], forbidden=[("a", "b")], required=[("c", "a")]
    )
    r = learn_dag(_chain(200, seed), "dagdb", prior=prior, seed=seed, **FAST)
    assert r.edge_probabilities[0, 1] == 0.0 and r.edge_probabilities[2, 0] == 1.0
    # the reverse of a required edge can be in no DAG with it (it kept its
    # sigmoid, 0.79 in a tester's run)
    assert r.edge_probabilities[0, 2] == 0.0
    # the permutahedron learner has its own (tests/engine/dag/
    # test_permutahedron_probabilities.py)
    with pytest.warns(ConvergenceWarning):  # 5 epochs are few; it says so
        plain = learn_dag(_chain(200, seed), seed=seed, max_iter=5)
    assert plain.method == "permutahedron" and plain.edge_probabilities is not None
    assert "probability" in plain.to_frame()
