"""learn_dag / DagLearner with the permutahedron method."""

from __future__ import annotations

import dataclasses
import pickle
import re
import threading
import warnings

import numpy as np
import pandas as pd
import pytest

from engine.dag import (
    METHODS,
    DagLearner,
    DagResult,
    PermutahedronConfig,
    PriorKnowledge,
    is_dag,
    learn_dag,
    shd,
    simulate_sem,
)
from engine.dag.learner import _collinear
from engine.data import to_matrix
from engine.errors import (
    ConfigError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    NotFittedError,
    ResourceError,
)
from engine.runtime import STOP
from engine.samples import list_samples, load_sample
from tests.engine.dag.fits import graph_of, total_rss

FAST = {"max_iter": 60, "patience": 15}


def _sem(adjacency: np.ndarray, weights: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Linear SEM with unit-variance Gaussian noise; nodes are already sorted."""
    rng = np.random.default_rng(seed)
    d = adjacency.shape[0]
    X = rng.normal(size=(n, d))
    for j in range(d):
        X[:, j] += X @ (weights[:, j] * adjacency[:, j])
    return X


PLANTED = {
    "chain": graph_of([(0, 1), (1, 2), (2, 3), (3, 4)], 5),
    "fork": graph_of([(0, 1), (0, 2), (0, 3)], 4),
    "collider": graph_of([(0, 2), (1, 2), (2, 3)], 4),
    "mixed": graph_of([(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (3, 5)], 6),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_learn_dag_recovers_planted_graph(name, seed):
    a = PLANTED[name]
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.8, 1.5, size=a.shape) * rng.choice([-1, 1], size=a.shape)
    X = _sem(a, w, 500, seed)
    perm = rng.permutation(a.shape[0])  # hide the causal order in the columns
    result = learn_dag(X[:, perm], seed=seed, device="cpu", **FAST)
    assert shd(a[np.ix_(perm, perm)], result.adjacency) == 0
    # the refitted weights are the least-squares coefficients of the true edges
    true_w = (w * a)[np.ix_(perm, perm)]
    np.testing.assert_allclose(result.weights, true_w, atol=0.2)


@pytest.mark.parametrize("name", ["collider", "mixed"])
def test_the_lars_sparsifier_recovers_planted_graphs(name, seed):
    a = PLANTED[name]
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.8, 1.5, size=a.shape) * rng.choice([-1, 1], size=a.shape)
    perm = rng.permutation(a.shape[0])
    X = _sem(a, w, 500, seed)[:, perm]
    result = learn_dag(X, seed=seed, device="cpu", sparsifier="lars", **FAST)
    assert shd(a[np.ix_(perm, perm)], result.adjacency) == 0


def test_the_lars_sparsifier_refuses_what_it_cannot_fit():
    X = _sem(PLANTED["fork"], np.ones((4, 4)), 5, 0)
    with pytest.raises(DataError, match="more rows than columns"):
        learn_dag(X, sparsifier="lars", device="cpu")
    with pytest.raises(ConfigError, match="edge_model='mlp', training='bilevel'"):
        learn_dag(X, sparsifier="lars", edge_model="mlp", device="cpu")
    with pytest.raises(ConfigError, match="training='joint'"):
        learn_dag(X, sparsifier="lars", training="joint", device="cpu")


def _random_data(rng: np.random.Generator) -> np.ndarray:
    d = int(rng.integers(3, 7))
    n = int(rng.integers(30, 200))
    X = rng.normal(size=(n, d)) @ rng.normal(size=(d, d))
    if rng.random() < 0.3:
        X = np.exp(X / 3)  # skewed
    return X


@pytest.mark.parametrize("trial", range(6))
def test_learn_dag_output_is_always_a_dag(trial, seed):
    rng = np.random.default_rng(1000 * seed + trial)
    X = _random_data(rng)
    options = {
        "structure": ["topk", "sparsemap"][trial % 2],
        "init_theta": ["greedy", "zeros", "variances"][trial % 3],
        "max_iter": 20,
    }
    if trial == 5:
        options.update(edge_model="mlp", sparsifier="l0_ste", inner_max_iter=30)
    if trial == 4:
        options.update(training="joint")
    result = learn_dag(X, seed=seed, device="cpu", **options)
    assert is_dag(result.adjacency) and result.is_dag
    assert not np.any(result.weights[~result.adjacency])
    assert sorted(result.ordering) == list(range(X.shape[1]))


def _random_prior(rng: np.random.Generator, names: list[str]) -> PriorKnowledge:
    d = len(names)
    tiers = rng.integers(0, 3, size=d) if rng.random() < 0.6 else None
    perm = rng.permutation(d)  # required edges along a random order: acyclic
    required = []
    for _ in range(int(rng.integers(0, 3))):
        i, j = sorted(rng.choice(d, size=2, replace=False))
        src, dst = perm[i], perm[j]
        if tiers is not None and tiers[src] > tiers[dst]:
            continue
        required.append((names[src], names[dst]))
    forbidden = []
    for _ in range(int(rng.integers(0, 5))):
        i, j = rng.choice(d, size=2, replace=False)
        if (names[i], names[j]) not in required:
            forbidden.append((names[i], names[j]))
    return PriorKnowledge.from_edges(
        names,
        forbidden=forbidden,
        required=required,
        tiers=None if tiers is None else tiers.tolist(),
    )


@pytest.mark.parametrize("trial", range(8))
def test_learn_dag_never_violates_random_prior(trial, seed):
    rng = np.random.default_rng(7919 * seed + trial)
    X = _random_data(rng)
    names = [f"v{i}" for i in range(X.shape[1])]
    prior = _random_prior(rng, names)
    structure = "sparsemap" if trial % 2 else "topk"
    result = learn_dag(
        pd.DataFrame(X, columns=names),
        prior=prior,
        seed=seed,
        device="cpu",
        max_iter=15,
        structure=structure,
        sparsifier="lars" if trial in (3, 6) else "backward",
    )
    assert prior.check(result.adjacency), prior.violations(result.adjacency)
    assert result.is_dag
    assert prior.ordering_ok(result.ordering)


def test_learn_dag_same_seed_same_result(seed):
    X = _sem(PLANTED["fork"], np.ones((4, 4)), 200, seed)
    r1 = learn_dag(X, seed=seed, device="cpu", **FAST)
    r2 = learn_dag(X, seed=seed, device="cpu", **FAST)
    assert np.array_equal(r1.adjacency, r2.adjacency)
    np.testing.assert_array_equal(r1.weights, r2.weights)
    assert r1.seed == seed and r1.method == "permutahedron" and r1.device == "cpu"


def test_learn_dag_records_provenance_and_round_trips_json(tmp_path, seed):
    X = pd.DataFrame(
        _sem(PLANTED["chain"], np.ones((5, 5)), 200, seed), columns=list("abcde")
    )
    r = learn_dag(X, seed=None, device="cpu", **FAST)
    assert r.node_names == tuple("abcde") and isinstance(r.seed, int)
    assert r.config["max_iter"] == 60 and r.engine_version
    assert {"step", "loss", "n_edges", "entropy"} <= set(r.history)
    r.to_json(tmp_path / "r.json")
    back = DagResult.from_json(tmp_path / "r.json")
    assert np.array_equal(back.adjacency, r.adjacency)
    assert back.node_names == r.node_names and back.ordering == r.ordering
    assert [e[:2] for e in r.edges()] == [e[:2] for e in back.edges()]
    assert set(r.to_networkx().edges) == {(s, t) for s, t, _ in r.edges()}


def test_learn_dag_stops_on_request(seed):
    X = _sem(PLANTED["chain"], np.ones((5, 5)), 200, seed)
    events = []

    def progress(event):
        events.append(event)
        return STOP if event.step >= 3 else None

    with pytest.warns(UserWarning, match="stopped on request"):
        r = learn_dag(X, seed=seed, device="cpu", progress=progress, max_iter=100)
    assert r.stopped and r.n_iter == 3 and r.is_dag
    train = [e for e in events if e.stage == "train"]
    assert [e.step for e in train] == [1, 2, 3]
    assert {"loss", "edges", "entropy"} <= set(train[0].metrics)


def test_dag_learner_follows_estimator_contract(seed):
    X = _sem(PLANTED["fork"], np.ones((4, 4)), 200, seed)
    est = DagLearner(seed=seed, device="cpu", max_iter=30)
    assert not hasattr(est, "result_")
    with pytest.raises(NotFittedError):
        _ = est.adjacency_
    assert est.get_params()["max_iter"] == 30
    est.set_params(max_iter=20, seed=seed + 1)
    assert est.fit(X) is est
    assert est.result_.config["max_iter"] == 20 and est.result_.seed == seed + 1
    assert est.adjacency_.shape == (4, 4)


def test_dag_learner_is_a_scikit_learn_estimator(seed):
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError as SkNotFittedError
    from sklearn.utils import estimator_html_repr
    from sklearn.utils.validation import check_is_fitted

    assert repr(DagLearner()) == "DagLearner()"
    est = DagLearner("permutahedron", seed=seed, device="cpu", max_iter=5)
    assert repr(est) == f"DagLearner(device='cpu', max_iter=5, seed={seed})"
    assert "max_iter" in estimator_html_repr(est) and est._repr_html_()
    with pytest.raises(SkNotFittedError):
        check_is_fitted(est)
    twin = clone(est)
    assert twin is not est and twin.get_params() == est.get_params()
    back = pickle.loads(pickle.dumps(est))
    assert back.get_params() == est.get_params()
    X = _sem(PLANTED["fork"], np.ones((4, 4)), 100, seed)
    check_is_fitted(est.fit(X))
    assert "result_" not in vars(clone(est))  # clone copies parameters only


def test_few_samples_per_variable_warn_and_are_recorded(seed):
    from engine.dag import simulate_sem
    from engine.errors import DataWarning

    X = simulate_sem(8, 39, edges_per_node=1, seed=seed).X  # 39 < 5 * 8
    with pytest.warns(DataWarning) as caught:
        r = learn_dag(X, seed=seed, device="cpu", max_iter=2)
    message = str(caught[0].message)
    expected = r"learn_dag: 39 samples for 8 variables, fewer than 5 .* \(40\)"
    assert re.search(expected, message)
    assert "rewards dense graphs" in message and "pruning_reg=0.01 now" in message
    assert r.warnings[0] == message
    with pytest.warns(DataWarning, match="Use more samples or fewer columns\\.$"):
        dagdb = learn_dag(X, "dagdb", seed=seed, device="cpu", max_iter=2)
    assert "pruning_reg" not in dagdb.warnings[0]
    # it said DAG-DB's fit term "rewards dense graphs" while DAG-DB returned none
    assert "rewards dense graphs" not in dagdb.warnings[0]
    assert "far fewer edges than the truth, often none" in dagdb.warnings[0]
    with pytest.warns(DataWarning, match="39 samples for 8 variables"):
        DagLearner(seed=seed, device="cpu", max_iter=2).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        enough = learn_dag(X[:, :7], seed=seed, device="cpu", max_iter=2)  # 39 >= 35
    assert not any("samples for" in w for w in enough.warnings)


def test_learn_dag_rejects_bad_input():
    X = np.random.default_rng(0).normal(size=(50, 3))
    with pytest.raises(ConfigError, match="'method' must be one of"):
        learn_dag(X, method="nope")
    with pytest.raises(ConfigError, match="unknown option"):
        learn_dag(X, max_iters=3)
    with pytest.raises(ConfigError, match="n_orderings"):
        learn_dag(X, n_orderings=1)
    with pytest.raises(ConfigError, match="structure"):
        learn_dag(X, structure="sort")
    bad = X.copy()
    bad[4, 1] = np.nan
    with pytest.raises(DataError, match="row 4, column 1"):
        learn_dag(bad)
    with pytest.raises(DataError, match="does not cover"):
        learn_dag(X, prior=PriorKnowledge.empty(["a", "b"]))
    huge = X.copy()
    huge[:, 2] *= 1e200  # its variance overflows: was a KeyError deep in the fit
    for method in ("permutahedron", "dagdb"):
        with pytest.raises(DataError, match=r"\['x2'\] hold values too large"):
            learn_dag(huge, method=method, max_iter=2)
    # the size in the words every page uses for memory (engine.errors.memory_words)
    with pytest.raises(ResourceError, match=r"about 58 MB, more than max_memory_gb"):
        big = np.random.default_rng(0).normal(size=(3000, 3))
        learn_dag(big, edge_model="mlp", hidden=200, max_memory_gb=0.01)


def test_data_whose_squares_underflow_are_refused_with_what_to_do():
    # X * 1e-155: the squares are subnormal (or 0), and the fit failed with
    # "ValueError: cannot convert float NaN to integer" deep in the search
    X = simulate_sem(4, 100, seed=0).X
    for method in ("permutahedron", "dagdb"):
        with pytest.raises(DataError) as info:
            learn_dag(X * 1e-155, method=method, max_iter=2)
        message = str(info.value)
        assert message.startswith(
            "learn_dag: column(s) ['x0', 'x1', 'x2', 'x3'] hold values so small that "
            "their squares underflow float64 (variance 0 or subnormal; largest "
            "|value| "
        )
        assert "multiply them by a power of ten (e.g. 1e+155)" in message
    tiny = X.copy()
    tiny[:, 1] *= 1e-170  # one column; a constant one is no such column
    tiny[:, 2] = 1e-170
    with pytest.raises(DataError, match=r"column\(s\) \['x1'\] hold values so small"):
        learn_dag(tiny, max_iter=2)
    with warnings.catch_warnings():  # small but normal squares are fitted
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert learn_dag(X * 1e-140, seed=0, max_iter=2).adjacency.shape == (4, 4)


def test_a_prior_constraining_nodes_that_are_not_columns_is_refused():
    # the required edge and the tier of 'zz' vanished, and with them the order
    # x2 before x0 they imply (x2 -> zz required, zz in tier 0, x0 in tier 1)
    X = np.random.default_rng(0).normal(size=(50, 3))
    prior = PriorKnowledge.from_edges(
        ["x0", "x1", "x2", "zz"], required=[("x2", "zz")], tiers={"zz": 0, "x0": 1}
    )
    with pytest.raises(DataError) as info:
        learn_dag(X, prior=prior, max_iter=2)
    message = str(info.value)
    assert "names node(s) ['zz'] that are not columns of X" in message
    assert (
        "2 constraint(s) on them would be lost: required edge 'x2' -> 'zz'; "
        "'zz' in tier 0 (with the order they imply among the columns: 'x2' "
        "before 'x0')"
    ) in message
    assert "pass prior.subset(names) with names the columns of X" in message
    forbidden = PriorKnowledge.from_edges(["x0", "x1", "x2", "zz"], forbidden=[(0, 3)])
    with pytest.raises(DataError, match=r"lost: forbidden edge 'x0' -> 'zz'\. Build"):
        learn_dag(X, prior=forbidden, max_iter=2)
    # dropping them on purpose works; so does a wider prior whose extra node
    # carries no constraint: nothing is lost
    kept = learn_dag(X, prior=prior.subset(["x0", "x1", "x2"]), seed=0, **FAST)
    wide = PriorKnowledge.from_edges(["zz", "x2", "x1", "x0"], forbidden=[(1, 3)])
    result = learn_dag(X, prior=wide, seed=0, **FAST)
    assert kept.is_dag and not result.adjacency[2, 0]


def test_node_names_pick_a_dataframes_columns_by_label():
    # they used to relabel the columns by position: the edge a -> b came out
    # under the names of other columns
    rng = np.random.default_rng(0)
    a = rng.normal(size=300)
    frame = pd.DataFrame(
        {"a": a, "b": 2 * a + rng.normal(size=300), "c": rng.normal(size=300)}
    )
    reordered = learn_dag(frame, node_names=["c", "b", "a"], seed=0, **FAST)
    assert reordered.node_names == ("c", "b", "a")
    assert {(s, t) for s, t, _ in reordered.edges()} <= {("a", "b"), ("b", "a")}
    assert reordered.edges()
    with pytest.raises(DataError) as info:
        learn_dag(frame, node_names=["x", "y", "z"], **FAST)
    assert str(info.value).startswith(
        "learn_dag: 'node_names' ['x', 'y', 'z'] are not the column labels of 'X' "
        "['a', 'b', 'c']: ['x', 'y', 'z'] are not among them; the columns ['a', "
        "'b', 'c'] are not named. With a DataFrame these names pick its columns "
        "by label"
    )
    with pytest.raises(DataError, match=r"\['a'\] are named more than once"):
        learn_dag(frame, node_names=["a", "a", "b"], **FAST)


def test_duplicated_column_names_are_named_not_called_non_numeric():
    # X[c] of a repeated name is a DataFrame, so the numeric check used to report
    # the numeric columns ['a', 'a'] as "not numeric"
    X = np.random.default_rng(0).normal(size=(30, 3))
    frame = pd.DataFrame(X, columns=["a", "a", "b"])
    with pytest.raises(DataError) as info:
        learn_dag(frame)
    message = str(info.value)
    assert "duplicated column names ['a']" in message
    assert "rename" in message
    assert "not numeric" not in message
    # a genuinely non-numeric column is still reported as such
    text = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": ["u"] * 30})
    with pytest.raises(DataError, match=r"column\(s\) \['c'\] of 'X' are not numeric"):
        learn_dag(text)


def test_registry_describes_methods_with_config_fields():
    spec = METHODS["permutahedron"]
    assert spec.config_class is PermutahedronConfig and spec.description
    for f in dataclasses.fields(PermutahedronConfig):
        assert f.metadata.get("help"), f.name


def test_best_seen_ordering_scores_no_worse_than_the_final_map(seed):
    # same training (same seed); only the ordering read out at the end differs
    import torch

    from engine.dag._orderings import complete_dags, ranks_of
    from engine.dag.edge_models import backward_select

    rng = np.random.default_rng(seed)
    a = PLANTED["mixed"]
    w = rng.uniform(0.5, 2.0, size=a.shape) * rng.choice([-1, 1], size=a.shape)
    X = _sem(a, w, 300, seed)
    X = (X - X.mean(0)) / X.std(0)  # harder: standardised, not varsortable
    opts = {"max_iter": 80, "polish": False, "init_theta": "zeros"}
    best = learn_dag(X, seed=seed, device="cpu", select="best_seen", **opts)
    final = learn_dag(X, seed=seed, device="cpu", select="map", **opts)
    assert best.is_dag and final.is_dag
    settings = PermutahedronConfig().inner()
    Xt = torch.as_tensor(X - X.mean(0))
    required = torch.zeros(a.shape, dtype=Xt.dtype)

    def score(order):
        mask = complete_dags(ranks_of(np.asarray(order))[None], Xt.device, Xt.dtype)
        return float(backward_select(Xt, mask, required, settings).loss[0])

    assert score(best.ordering) <= score(final.ordering) + 1e-9


def test_polish_reports_progress_and_stops_on_request():
    from engine.dag import simulate_sem

    X = simulate_sem(8, 300, edges_per_node=2.0, seed=3).X
    stages: list[str] = []

    def stop_in_polish(event) -> object:
        stages.append(event.stage)
        return STOP if event.stage == "polish" else None

    r = learn_dag(X, seed=0, device="cpu", max_iter=5, progress=stop_in_polish)
    assert stages.count("polish") == 1 and stages[-2:] == ["polish", "refit"]
    assert r.stopped and r.is_dag and r.n_iter == 5

    stages.clear()

    def stop_in_training(event) -> object:
        stages.append(event.stage)
        return STOP if event.stage == "train" and event.step == 2 else None

    r = learn_dag(X, seed=0, device="cpu", max_iter=5, progress=stop_in_training)
    assert "polish" not in stages and r.stopped and r.n_iter == 2 and r.is_dag


def test_polish_moves_a_node_past_a_neighbour_that_swaps_cannot_pass():
    # standardised Sachs in the sample's column order: seeds 0 and 1 stopped at
    # total residual variance 8.3907, where every adjacent swap is worse; moving
    # one node by two places reaches the optimum of the score, 8.3716 (the value
    # of seeds 2-4 and of the exhaustive search in bench/dag_sachs.py --optimum)
    from engine import load_sample

    X = load_sample("sachs").frame.to_numpy(dtype=float)
    Z = (X - X.mean(0)) / X.std(0)
    totals = {}
    for reach in (1, 4):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            r = learn_dag(Z, seed=0, polish_reach=reach)
        totals[reach] = total_rss(Z, r.adjacency)
    assert totals[4] == pytest.approx(8.371606, abs=1e-5)
    assert totals[1] > totals[4] + 0.01


def test_a_stochastic_refit_does_not_depend_on_the_fits_before_it():
    # l0_ste edge fits draw from a generator: the polish's rejected candidates
    # drew from the one the final refit then used, so reach 4 ended at the
    # ordering reach 1 ended at, yet returned another graph (seeds 0, 2-5)
    X = simulate_sem(6, 200, seed=0).X
    kw = {"seed": 0, "sparsifier": "l0_ste", "inner_max_iter": 50, "max_iter": 5}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        near, far = (learn_dag(X, polish_reach=r, **kw) for r in (1, 4))
    assert near.ordering == far.ordering
    assert near.adjacency.sum() > 0
    np.testing.assert_array_equal(near.adjacency, far.adjacency)
    np.testing.assert_array_equal(near.weights, far.weights)


def test_polish_moves_keep_the_tiers_and_reach_every_allowed_place():
    from engine.dag.permutahedron import _moves

    d, reach = 7, 3
    order = np.array([3, 0, 6, 2, 5, 1, 4])
    before = np.zeros((d, d), dtype=bool)
    before[0, 2] = before[6, 1] = True  # 0 precedes 2, 6 precedes 1
    moves = _moves(order, before, reach)

    expected = set()
    for p in range(d):
        for q in range(d):
            if 2 <= abs(p - q) <= reach:
                new = list(order)
                new.insert(q, new.pop(p))
                pos = {node: i for i, node in enumerate(new)}
                if pos[0] < pos[2] and pos[6] < pos[1]:
                    expected.add(tuple(new))
    assert {tuple(m) for m in moves} == expected
    assert len(moves) == len(expected) > 0
    assert _moves(order, before, 1) == []


def test_a_constant_column_is_noted_and_stays_isolated():
    rng = np.random.default_rng(0)
    a = rng.normal(size=200)
    X = pd.DataFrame({"a": a, "k": np.ones(200), "b": 2 * a + rng.normal(size=200)})
    with pytest.warns(DataWarning, match=r"column\(s\) \['k'\] hold a single value"):
        result = learn_dag(X, seed=0, max_iter=20)
    assert any("['k'] hold a single value" in w for w in result.warnings)
    assert not result.adjacency[1].any() and not result.adjacency[:, 1].any()


def test_a_required_edge_on_a_constant_column_is_refused():
    # the fit kept it with weight 0.0 while warning that the column stays
    # isolated; write_graph and thresholded(1e-12) then dropped it
    rng = np.random.default_rng(0)
    a = rng.normal(size=200)
    X = pd.DataFrame({"a": a, "k": np.ones(200), "b": 2 * a + rng.normal(size=200)})
    prior = PriorKnowledge.from_edges(
        ["a", "k", "b"], required=[("k", "a"), ("b", "k")]
    )
    with pytest.raises(DataError) as info:
        learn_dag(X, prior=prior, seed=0, **FAST)
    assert str(info.value) == (
        "learn_dag: column(s) ['k'] hold a single value, so they can take part in "
        "no edge, yet the prior knowledge requires 'k' -> 'a', 'b' -> 'k'; the fit "
        "could only give it weight 0, which thresholds and graph files drop. Drop "
        "the requirement from the prior, or leave the column out of X."
    )
    # other required edges are fine, and the column stays isolated
    kept = PriorKnowledge.from_edges(["a", "k", "b"], required=[("a", "b")])
    with pytest.warns(DataWarning, match="hold a single value"):
        result = learn_dag(X, prior=kept, seed=0, **FAST)
    assert result.adjacency[0, 2] and not result.adjacency[1].any()


@pytest.mark.parametrize(
    ("shape", "options", "advice"),
    [
        ((50, 30), {}, "6 x d^3 floats for d = 30 columns whatever the rows"),
        ((50, 200), {"training": "joint"}, "lower 'n_orderings' or select fewer"),
        ((3000, 30), {"edge_model": "mlp"}, "samples x nodes x hidden units: lower"),
    ],
)
def test_a_memory_refusal_names_what_grows_for_this_configuration(
    shape, options, advice
):
    X = np.random.default_rng(0).normal(size=shape)
    with pytest.raises(ResourceError, match=re.escape(advice)):
        learn_dag(X, seed=0, max_memory_gb=0.01, **options)


def test_dag_learner_set_params_checks_option_names():
    est = DagLearner(max_iter=3)
    with pytest.raises(ConfigError, match=r"unknown option\(s\) \['max_itr'\]"):
        est.set_params(max_itr=4)
    assert est.get_params()["max_iter"] == 3  # nothing changed by the refusal
    with pytest.raises(
        ConfigError, match=r"'dagdb' has no option\(s\) \['max_iter'\]|has no option"
    ):
        DagLearner(polish=False).set_params(method="dagdb")
    # a value is checked by fit, as scikit-learn does (its estimator checks
    # call set_params with any value); a name by set_params
    odd = DagLearner().set_params(method=["dagdb"])
    with pytest.raises(ConfigError, match=r"DagLearner: 'method' must be one of"):
        odd.fit(np.zeros((10, 2)))
    assert DagLearner().set_params(method="dagdb", max_iter=5).options == {
        "max_iter": 5
    }


def test_x_of_text_or_complex_numbers_is_refused_object_numbers_are_read():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    with pytest.raises(
        DataError, match="must hold real numbers; got an array of dtype <U"
    ):
        learn_dag(X.astype(str), device="cpu", max_iter=2)
    with pytest.raises(DataError, match="dtype complex128"):
        learn_dag(X + 0j, device="cpu", max_iter=2)
    huge = pd.DataFrame(X, columns=list("abc")).astype({"b": object})
    huge.iloc[0, 1] = 10**400
    with pytest.raises(DataError, match="holds a number too large for a float"):
        learn_dag(huge, device="cpu", max_iter=2)
    frame = pd.DataFrame(X, columns=list("abc")).astype({"b": object})
    r = learn_dag(frame, seed=0, device="cpu", max_iter=2)
    assert r.node_names == ("a", "b", "c")


def test_a_fit_that_uses_every_epoch_with_early_stopping_on_warns_of_convergence():
    # engine.ConvergenceWarning was exported and documented but never raised
    from engine import ConvergenceWarning

    sim = simulate_sem(6, 200, seed=0)
    with pytest.warns(ConvergenceWarning, match=r"'permutahedron' ran all 2 epochs"):
        result = learn_dag(sim.X, seed=0, max_iter=2)
    assert not result.converged
    assert any("may be under-trained: raise max_iter" in w for w in result.warnings)


def test_dagdb_default_fixed_epochs_do_not_warn_but_its_early_stopping_does():
    from engine import ConvergenceWarning

    sim = simulate_sem(5, 100, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fixed = learn_dag(sim.X, "dagdb", seed=0, max_iter=3)  # patience=0
    assert not fixed.converged
    # 3 epochs leave the scores near zero: the one note is the sparse result's
    assert [w for w in fixed.warnings if "sampled in the last epochs" not in w] == []
    with pytest.warns(ConvergenceWarning, match=r"patience=50 epochs"):
        learn_dag(sim.X, "dagdb", seed=0, max_iter=3, patience=50)


def test_the_docs_say_the_permutahedron_seed_does_not_change_the_graph():
    # seeds 0-4 gave identical graphs while nothing said so
    from engine.dag import bootstrap_dag

    X = simulate_sem(6, 300, seed=0).X
    a, b = (learn_dag(X, seed=s, max_iter=40) for s in (0, 1))
    np.testing.assert_array_equal(a.weights, b.weights)
    for doc in (learn_dag.__doc__, PermutahedronConfig.__doc__):
        assert "other seeds give the same graph" in " ".join(doc.split())
        assert "bootstrap_dag" in doc
    assert bootstrap_dag.__name__ == "bootstrap_dag"


def test_multiindex_columns_become_readable_node_names():
    # they were the tuples' text: "('g1', 'a')"
    X = simulate_sem(4, 100, seed=0).X
    frame = pd.DataFrame(
        X,
        columns=pd.MultiIndex.from_tuples(
            [("g1", "a"), ("g1", "b"), ("g2", "c"), ("g2", "d")]
        ),
    )
    result = learn_dag(frame, seed=0, max_iter=3)
    assert result.node_names == ("g1.a", "g1.b", "g2.c", "g2.d")


def test_a_stop_request_inside_the_first_epoch_ends_the_fit_there(monkeypatch):
    # a d = 200 epoch takes minutes: the stop check is asked between orderings
    # and between elimination rounds, not only once per epoch (every time here)
    import engine.dag.permutahedron as perm
    from engine.dag import simulate_sem

    monkeypatch.setattr(perm, "_POLL_S", 0.0)
    X = simulate_sem(12, 300, edges_per_node=2.0, seed=1).X
    events = []

    def stop_on_first_inner_event(event) -> object:
        events.append(event)
        return STOP if event.stage == "fit" else None

    with pytest.warns(UserWarning, match="stopped on request"):
        r = learn_dag(X, seed=0, device="cpu", progress=stop_on_first_inner_event)
    assert [e.stage for e in events] == ["fit", "refit"]
    assert events[0].step == 1
    assert events[0].message == "epoch 1: fitting ordering 1 of 10"
    assert r.stopped and r.n_iter == 0 and r.is_dag


def test_the_kept_best_edges_give_the_result_a_refit_gives(seed):
    import torch

    from engine.dag._orderings import complete_dags, ranks_of
    from engine.dag.edge_models import backward_select, refit_linear
    from engine.dag.simulate import simulate_sem

    X = simulate_sem(8, 300, edges_per_node=2.0, seed=seed).X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # under-trained at 20 epochs: no matter
        r = learn_dag(X, seed=seed, device="cpu", max_iter=20)
    Xt = torch.as_tensor(X - X.mean(0))
    mask = complete_dags(ranks_of(np.asarray(r.ordering))[None], Xt.device, Xt.dtype)
    required = torch.zeros((8, 8), dtype=Xt.dtype)
    fit = backward_select(Xt, mask, required, PermutahedronConfig().inner())
    np.testing.assert_array_equal(r.adjacency, fit.adjacency[0].numpy())
    np.testing.assert_allclose(
        r.weights, refit_linear(Xt, fit.adjacency[0]).numpy(), atol=1e-12
    )


def test_a_large_fit_gets_a_cost_warning_that_says_how_to_shorten_it():
    from engine.dag.permutahedron import cost_warning, ordering_seconds

    assert ordering_seconds(150) == pytest.approx(1.3)
    assert ordering_seconds(300) == pytest.approx(7.6 * 1.5**4)
    assert cost_warning(300, 40, PermutahedronConfig()) is None
    text = cost_warning(300, 200, PermutahedronConfig())
    assert text == (
        "A long fit: 200 columns. An epoch fits up to 10 new orderings, each in "
        "about 8 s on one CPU core (about 76 s an epoch); training runs between "
        "patience + 1 = 31 and max_iter=300 epochs (tables whose best ordering "
        "stays uncertain run all of them), and the final polish fits at least 199 "
        "orderings more. Expect about 64 min to 6.8 h. To shorten it, choose fewer "
        "columns in 'Columns (nodes)' (at 60 columns an ordering takes about "
        "0.027 s), or lower max_iter or n_orderings, or turn off polish under "
        "'Method options'. You can still start it: a stop request (Cancel) is "
        "checked about every 9 s of the fit's computing, longer on a busy machine."
    )
    # on up to 60 columns the last round also moves nodes by up to 4 places
    moves = cost_warning(300, 60, PermutahedronConfig())
    assert "the final polish fits at least 401 orderings more (its last" in moves
    assert "or lower polish_reach or turn off polish" in moves
    assert cost_warning(300, 60, PermutahedronConfig(polish_reach=1)) is None
    assert cost_warning(300, 50, PermutahedronConfig()) is None  # at least 8 s
    no_polish = cost_warning(300, 200, PermutahedronConfig(polish=False))
    assert "199" not in no_polish and "Expect about 39 min to 6.3 h." in no_polish
    mlp = cost_warning(1000, 20, PermutahedronConfig(edge_model="mlp"))
    assert mlp.startswith("A long fit: with the MLP edge model an epoch over 20")
    assert cost_warning(1000, 20, PermutahedronConfig(training="joint")) is None


def _shown(fit, ignore_module=None):
    """What ``fit()`` warns under "always": (category, file, line) per warning.

    With ``ignore_module``, as a user silences a library's warnings by module.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if ignore_module is not None:
            warnings.filterwarnings("ignore", module=ignore_module)
        fit()
    return [(w.category.__name__, w.filename, w.lineno) for w in caught]


def _line(call):
    """The line of ``call``'s body (a function of one statement)."""
    return call.__code__.co_firstlineno + 1


def test_warnings_point_at_the_users_line_and_obey_module_filters():
    # DAG-DB's sparse-result warning was re-issued as coming from learner.py, with
    # the file path as its "module": module="engine" did not silence it; the
    # estimator's warnings pointed at its fit method inside learner.py
    X = simulate_sem(5, 300, seed=0).X

    def dagdb():
        learn_dag(X, "dagdb", seed=0, max_iter=2)

    def twin():
        DagLearner("dagdb", seed=0, max_iter=2).fit(X)

    def few_rows():  # under 5 rows per column, and all of max_iter used
        learn_dag(X[:12], seed=0, max_iter=2)

    for call in (dagdb, twin):
        assert _shown(call) == [("DataWarning", __file__, _line(call))]
    assert _shown(few_rows) == [
        ("DataWarning", __file__, _line(few_rows)),
        ("ConvergenceWarning", __file__, _line(few_rows)),
    ]
    for module in ("engine", "engine.dag", "engine.dag.learner"):
        for call in (dagdb, twin, few_rows):
            assert _shown(call, ignore_module=module) == []


def test_the_result_records_the_prior_over_its_columns():
    # nothing in the result or its JSON said which prior the fit enforced
    X = pd.DataFrame(simulate_sem(4, 100, seed=0).X, columns=list("abcd"))
    prior = PriorKnowledge.from_edges(
        ["d", "c", "b", "a"],
        forbidden=[("a", "b")],
        required=[("c", "d")],
        tiers={"a": 0, "d": 1},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 2 epochs: under-trained, no matter
        fitted = learn_dag(X, seed=0, max_iter=2, prior=prior)
        twin = DagLearner(prior=prior, seed=0, max_iter=2).fit(X).result_
        plain = learn_dag(X, seed=0, max_iter=2)
    assert fitted.prior == {
        "names": ["a", "b", "c", "d"],
        "forbidden": [["a", "b"]],
        "required": [["c", "d"]],
        "tiers": {"a": 0, "d": 1},
    }
    assert PriorKnowledge.from_dict(fitted.prior) == prior.subset(list("abcd"))
    assert twin.prior == fitted.prior and plain.prior is None
    assert DagResult.from_json(fitted.to_json()) == fitted


def test_a_misspelt_constructor_option_is_named_as_dag_learners():
    # DagLearner(n_sample=3).fit(X) said 'learn_dag: unknown option(s)'
    X = simulate_sem(4, 100, seed=0).X
    with pytest.raises(ConfigError) as info:
        DagLearner(n_sample=3).fit(X)
    assert str(info.value).startswith(
        "DagLearner: unknown option(s) ['n_sample'] for method 'permutahedron'"
    )


def test_fits_in_two_threads_keep_their_own_warnings():
    # learn_dag recorded its fit's warnings with warnings.catch_warnings, which
    # swaps the process-wide filters: a fit in another thread that warned while
    # this one ran landed in this result's warnings (and an "always" filter could
    # be left behind for the whole process)
    X = simulate_sem(4, 200, seed=0).X
    slow_fitting, other_done = threading.Event(), threading.Event()
    results = {}

    def wait_for_the_other(event):
        slow_fitting.set()
        other_done.wait(timeout=120)  # hold this fit open while the other runs

    def slow():
        results["slow"] = learn_dag(X, seed=0, max_iter=3, progress=wait_for_the_other)

    def quick():
        slow_fitting.wait(timeout=120)
        results["quick"] = learn_dag(X, seed=0, max_iter=2)
        other_done.set()

    filters = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        threads = [threading.Thread(target=slow), threading.Thread(target=quick)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert any("ran all 3 epochs" in m for m in results["slow"].warnings)
    assert not any("ran all 2 epochs" in m for m in results["slow"].warnings)
    assert any("ran all 2 epochs" in m for m in results["quick"].warnings)
    assert warnings.filters == filters


@pytest.mark.parametrize("d", [3, 10, 60])
@pytest.mark.parametrize("reach", [1, 2, 4, 100])
def test_the_polish_round_size_counts_the_candidates_the_polish_fits(d, reach):
    # cost_warning prices the last polishing round by polish_round_size
    from engine.dag.permutahedron import _moves, _swaps, polish_round_size

    order = np.random.default_rng(d).permutation(d)
    free = np.zeros((d, d), dtype=bool)
    fitted = len(_swaps(order, free)) + len(_moves(order, free, reach))
    assert polish_round_size(d, reach) == fitted


def _sem_table(n: int = 300) -> pd.DataFrame:
    return pd.DataFrame(
        simulate_sem(4, n, edges_per_node=1.0, seed=0).X, columns=list("abcd")
    )


def _collinear_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "linear function" in str(w.message)]


def test_copied_and_scaled_columns_are_named_with_their_twins():
    # they came back as children of their twins with weights 1.0 and -2.0, and
    # nothing said why
    X = _sem_table()
    with pytest.warns(DataWarning) as caught:
        result = learn_dag(X.assign(a_copy=X.a, b_neg=-2 * X.b), seed=0, max_iter=20)
    [message] = _collinear_warnings(caught)
    assert message.startswith(
        "learn_dag: column(s) ['a_copy', 'b_neg'] are, to rounding, linear "
        "functions of other columns ('a_copy' is a copy of 'a'; 'b_neg' = -2 * 'b')"
    )
    assert "residual variance" in message and "Drop one column of each" in message
    assert message in result.warnings


def test_a_column_summing_others_to_the_files_rounding_is_named(tmp_path):
    X = _sem_table()
    X["total"] = X.a + X.b - 0.5 * X.c + 3.0
    path = tmp_path / "sum.csv"
    X.to_csv(path, index=False, float_format="%.7g")
    with pytest.warns(DataWarning) as caught:
        learn_dag(pd.read_csv(path), seed=0, max_iter=5)
    [message] = _collinear_warnings(caught)
    assert "column(s) ['total'] is, to rounding, a linear function" in message
    assert "is a copy of" not in message and " = " not in message


def test_a_shifted_multiple_is_written_with_its_offset():
    X = _sem_table().assign(e=lambda f: 3 * f.c + 1.5)
    with pytest.warns(DataWarning) as caught:
        learn_dag(X, seed=0, max_iter=5)
    [message] = _collinear_warnings(caught)
    assert "('e' = 3 * 'c' + 1.5)" in message


def test_ordinary_correlated_data_are_not_called_linear_functions():
    frame = load_sample("sachs").frame
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        learn_dag(frame, seed=0, max_iter=5)
    assert not _collinear_warnings(caught)


@pytest.mark.parametrize("name", list_samples())
def test_no_bundled_sample_has_columns_that_are_linear_functions(name):
    X, names, _ = to_matrix(load_sample(name).frame)
    assert _collinear(X, names) is None


@pytest.mark.parametrize(
    ("d", "edges", "sem", "standardize"),
    [
        (10, 2.0, "linear", False),
        (10, 2.0, "linear", True),
        (20, 2.0, "mlp", False),
        # dense and deep: a node's variance reaches ~4e6 against unit noise
        (100, 6.0, "linear", False),
    ],
)
def test_simulated_data_have_no_columns_that_are_linear_functions(
    d, edges, sem, standardize
):
    for seed in range(3):
        sim = simulate_sem(
            d, 2000, edges_per_node=edges, sem=sem, standardize=standardize, seed=seed
        )
        assert _collinear(sim.X, list(sim.node_names)) is None


def _large_mean_table(n: int = 500) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"K": 300 + 0.5 * rng.normal(size=n), "b": rng.normal(size=n)})


def test_a_rounded_copy_of_a_column_with_a_large_mean_is_named(tmp_path):
    # float32 rounds K (mean 300, spread 0.5) by a share of its spread 600
    # times that of a column centred on 0: no warning, and the fit drew
    # T_K_f32 -> T_K with weight 1.00001
    frame = _large_mean_table().assign(T_K_f32=lambda f: f.K.astype(np.float32))
    note = _collinear(frame.to_numpy(), list(frame))
    assert note is not None and "('T_K_f32' is a copy of 'K')" in note
    # K written to a file with 7 significant digits, next to itself unrounded
    path = tmp_path / "k.csv"
    frame[["K"]].rename(columns={"K": "K7"}).to_csv(
        path, index=False, float_format="%.7g"
    )
    both = frame[["K", "b"]].assign(K7=pd.read_csv(path).K7)
    note = _collinear(both.to_numpy(), list(both))
    assert note is not None and "('K7' is a copy of 'K')" in note


def test_columns_with_huge_means_are_no_linear_functions_unless_copies():
    rng = np.random.default_rng(1)
    X = 1e9 + rng.normal(size=(500, 6))
    assert _collinear(X, [f"x{k}" for k in range(6)]) is None
    for d, edges in [(10, 2.0), (100, 6.0)]:
        sim = simulate_sem(d, 2000, edges_per_node=edges, seed=2)
        assert _collinear(sim.X + 1e9, list(sim.node_names)) is None
    copied = np.column_stack([X, X[:, 2]])
    note = _collinear(copied, [f"x{k}" for k in range(7)])
    assert note is not None and "('x6' is a copy of 'x2')" in note


def _twins(frame: pd.DataFrame) -> str:
    note = _collinear(frame.to_numpy(), [str(c) for c in frame.columns])
    assert note is not None
    return note.split(" of other columns (", 1)[1].split("). Such", 1)[0]


def test_a_twin_is_a_copy_only_when_factor_and_offset_are_one_and_zero():
    # 1.000001 * a and a + 0.0005 were both "a copy of 'a'"
    X = _sem_table()
    assert _twins(X.assign(e=1.000001 * X.a)) == "'e' = 1.000001 * 'a'"
    thousands = _large_mean_table().assign(K=lambda f: f.K + 700)
    assert _twins(thousands.assign(e=thousands.K + 0.0005)) == "'e' = 'K' + 0.0005"
    assert _twins(X.assign(e=-X.b + 2)) == "'e' = -1 * 'b' + 2"


def test_each_multiple_is_named_with_the_earliest_column_it_multiplies():
    # with 15 multiples of x0 the twins chained: "'cp2' = 1.33333 * 'cp1'"
    x0 = np.random.default_rng(0).normal(size=200)
    frame = pd.DataFrame({"x0": x0, **{f"cp{k}": (k + 2) * x0 for k in range(1, 15)}})
    pairs = _twins(frame).split("; ")
    assert pairs[:3] == ["'cp1' = 3 * 'x0'", "'cp2' = 4 * 'x0'", "'cp3' = 5 * 'x0'"]
    assert len(pairs) == 10 and all(p.endswith(" * 'x0'") for p in pairs)


@pytest.mark.parametrize("ddof", [0, 1])
def test_twins_of_standardised_data_are_said_to_be_of_the_standardised_columns(ddof):
    # 'e' = 2 * 'c' + 1 became "'e' is a copy of 'c'" on scaled data (the dag
    # command's --standardize) with nothing said about the scaling
    X = _sem_table().assign(e=lambda f: 2 * f.c + 1)
    scaled = (X - X.mean()) / X.std(ddof=ddof)
    assert _twins(scaled) == "of the standardised columns: 'e' is a copy of 'c'"
    assert _twins(X) == "'e' = 2 * 'c' + 1"


def test_numbers_stored_as_text_are_told_to_be_converted_not_encoded():
    # "engine.data.to_matrix can one-hot encode" was the advice for them
    X = _sem_table(50)
    X["b"] = X.b.map("{:.4f}".format)
    with pytest.raises(DataError) as info:
        learn_dag(X)
    message = str(info.value)
    assert message == (
        "learn_dag: column(s) ['b'] of 'X' hold numbers stored as text; convert "
        "them first (X[['b']] = X[['b']].astype(float)), or fix the file or code "
        "that wrote them as text."
    )
    # a column of words next to them still gets the encoding advice
    X["t"] = ["u", "v"] * 25
    with pytest.raises(DataError) as info:
        learn_dag(X)
    message = str(info.value)
    assert "['b'] of 'X' hold numbers stored as text" in message
    assert "['t'] of 'X' are not numeric; drop them or encode them" in message


def test_permutahedron_patience_0_turns_early_stopping_off_as_for_dagdb():
    # '--option patience=0' was refused ("must be in [1, 100000]") though the
    # README says early stopping is on when patience > 0
    from engine import ConvergenceWarning
    from engine.dag import PermutahedronConfig

    assert PermutahedronConfig(patience=0).patience == 0
    sim = simulate_sem(5, 100, seed=0)
    opts = {"max_iter": 25, "n_orderings": 2, "polish": False}
    stops = learn_dag(sim.X, seed=0, patience=1, **opts)
    assert stops.converged and stops.n_iter < 25  # a patience of 1 stops early
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fixed = learn_dag(sim.X, seed=0, patience=0, **opts)
    # every epoch of max_iter, by design: not converged, and no warning
    assert fixed.n_iter == 25 and not fixed.converged and not fixed.stopped
    assert len(fixed.history["loss"]) == 25
    assert not any("max_iter" in w for w in fixed.warnings)


def test_permutahedron_tol_under_patience_0_is_refused_as_dagdb_refuses_it():
    # tol does nothing when early stopping is off; a changed tol was taken
    # without a word, where DAG-DB refuses it
    from engine.dag import PermutahedronConfig

    with pytest.raises(ConfigError) as info:
        PermutahedronConfig(patience=0, tol=0.01)
    assert str(info.value) == (
        "PermutahedronConfig: tol=0.01 does nothing with patience=0 (early "
        "stopping is off, so no improvement is measured); set patience > 0, or "
        "leave 'tol' at its default 0.0001."
    )
    assert PermutahedronConfig(patience=0).tol == 1e-4
    assert PermutahedronConfig(patience=3, tol=0.01).tol == 0.01
    assert PermutahedronConfig.inert_because("tol", {"patience": 0}) == "patience=0"
    assert PermutahedronConfig.inert_because("tol", {"patience": 3}) is None
    assert PermutahedronConfig.inert_because("patience", {"patience": 0}) is None
