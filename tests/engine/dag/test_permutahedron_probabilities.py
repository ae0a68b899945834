"""Edge probabilities of the permutahedron learner: the final distribution over
orderings, each ordering's fitted DAG weighted by its probability."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import engine.dag.permutahedron as perm
from engine.dag import DagResult, PriorKnowledge, learn_dag, simulate_sem
from engine.dag._orderings import complete_dags, ranks_of
from engine.dag.edge_models import backward_select
from engine.runtime import STOP
from tests.engine.dag.fits import graph_of

FAST = {"max_iter": 60, "patience": 15}


PLANTED = {
    "chain": graph_of([(0, 1), (1, 2), (2, 3), (3, 4)], 5),
    "fork": graph_of([(0, 1), (0, 2), (0, 3), (0, 4)], 5),
    "collider": graph_of([(0, 3), (1, 3), (2, 3), (3, 4)], 5),
}


def _sem(adjacency: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Linear SEM, raw scale, unit-variance noise, weights of 0.8-1.5 in size."""
    rng = np.random.default_rng(seed)
    d = adjacency.shape[0]
    w = rng.uniform(0.8, 1.5, size=(d, d)) * rng.choice([-1, 1], size=(d, d))
    X = rng.normal(size=(n, d))
    for j in range(d):  # nodes are sorted
        X[:, j] += X @ (w[:, j] * adjacency[:, j])
    return X


def _fit(X, **options) -> DagResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short fits may warn of convergence
        return learn_dag(X, seed=0, device="cpu", **options)


def _check_structure(p: np.ndarray, d: int) -> None:
    assert p.shape == (d, d) and p.dtype == np.float64
    assert ((p >= 0) & (p <= 1)).all() and (np.diag(p) == 0).all()
    # every ordering's DAG is acyclic: never both directions of a pair
    assert (p + p.T).max() <= 1 + 1e-12


@pytest.mark.parametrize("name", sorted(PLANTED))
@pytest.mark.parametrize(
    "options",
    [{}, {"structure": "sparsemap"}, {"select": "map", "polish": False}],
    ids=["topk", "sparsemap", "map"],
)
def test_a_planted_graph_gets_its_edges_likely_and_the_others_not(name, options):
    a = PLANTED[name]
    rng = np.random.default_rng(1)
    order = rng.permutation(5)  # hide the causal order in the columns
    truth = a[np.ix_(order, order)]
    r = _fit(_sem(a, 500, 1)[:, order], **FAST, **options)
    p = r.edge_probabilities
    _check_structure(p, 5)
    assert p[truth].min() > 0.5
    assert p[truth.T].max() < 0.2  # reversed
    absent = ~truth & ~truth.T & ~np.eye(5, dtype=bool)
    assert p[absent].max() < 0.2
    assert (r.adjacency == truth).all()


def test_joint_training_has_edge_probabilities_too():
    # (joint training turns the collider and the chain around: the graph and
    # its probabilities both say so)
    a = PLANTED["fork"]
    r = _fit(_sem(a, 500, 0), training="joint", max_iter=150)
    p = r.edge_probabilities
    _check_structure(p, 5)
    assert p[a].min() > 0.5 and p[~a].max() < 0.2


class _Capture:
    """Records every distribution over orderings the learner computes."""

    def __init__(self) -> None:
        self.calls: list[tuple[np.ndarray, np.ndarray]] = []
        self.original = perm._distribution

    def __call__(self, theta, cfg, before):
        rankings, alpha = self.original(theta, cfg, before)
        self.calls.append((rankings.copy(), alpha.detach().cpu().numpy().copy()))
        return rankings, alpha


def test_the_probabilities_weigh_each_orderings_fitted_dag(monkeypatch):
    # several orderings with different DAGs: fractional probabilities
    X = simulate_sem(8, 300, edges_per_node=2.0, seed=1).X
    capture = _Capture()
    monkeypatch.setattr(perm, "_distribution", capture)
    r = _fit(X, select="map", polish=False, max_iter=40)
    rankings, alpha = capture.calls[-1]  # the final scores' distribution
    assert len(capture.calls) == r.n_iter + 1
    assert len(rankings) > 1 and np.isclose(alpha.sum(), 1)
    # the MAP ordering, the result's, is read from that same distribution
    np.testing.assert_array_equal(rankings[0], ranks_of(np.asarray(r.ordering)))
    # the fitted DAG of every ordering, recomputed one by one
    Xt = torch.as_tensor(X - X.mean(0))
    expected = np.zeros((8, 8))
    for rho, w in zip(rankings, alpha, strict=True):
        mask = complete_dags(rho[None], Xt.device, Xt.dtype)
        fit = backward_select(Xt, mask, torch.zeros((8, 8), dtype=Xt.dtype), _inner())
        expected += w * fit.adjacency[0].numpy()
    p = r.edge_probabilities
    np.testing.assert_allclose(p, expected, atol=1e-12)
    _check_structure(p, 8)
    assert ((p > 0) & (p < 1)).any()
    # the output is the MAP ordering's DAG: every edge of it has at least that
    # ordering's weight, every edge all orderings hold is in it
    assert p[r.adjacency].min() >= alpha[0] - 1e-12
    assert r.adjacency[p >= 1 - 1e-12].all()


def _inner():
    return perm.PermutahedronConfig().inner()


@pytest.mark.parametrize(
    "options",
    [{}, {"training": "joint"}, {"structure": "sparsemap"}],
    ids=["bilevel", "joint", "sparsemap"],
)
def test_prior_knowledge_gives_exact_zeros_and_ones(options):
    X = simulate_sem(6, 300, edges_per_node=1.5, seed=2).X
    names = [f"x{j}" for j in range(6)]
    prior = PriorKnowledge.from_edges(
        names,
        forbidden=[("x0", "x1"), ("x3", "x2")],
        required=[("x5", "x0"), ("x2", "x4")],
        tiers={"x5": 0, "x1": 1},
    )
    r = _fit(X, prior=prior, node_names=names, **FAST, **options)
    p = r.edge_probabilities
    _check_structure(p, 6)
    assert (p[~prior.allowed_mask()] == 0).all()
    assert p[0, 1] == 0 and p[3, 2] == 0 and p[1, 5] == 0  # the last against tiers
    assert p[5, 0] == 1 and p[2, 4] == 1
    assert (p[np.array(prior.required)] == 1).all()


def test_the_probabilities_round_trip_json_and_change_nothing_else(
    monkeypatch, tmp_path
):
    # the stochastic inner fit: orderings the final scores reach but no epoch
    # fitted are fitted after the refit and must not change the output
    X = simulate_sem(6, 200, edges_per_node=1.5, seed=4).X
    options = {
        "structure": "sparsemap",  # its final support holds unfitted orderings
        "sparsifier": "l0_ste",
        "inner_max_iter": 40,
        "max_iter": 15,
    }
    unfitted = []
    ordering_dags = perm._ordering_dags

    def counting(state, rankings, *args):
        unfitted.append(sum(tuple(r.tolist()) not in state.edges for r in rankings))
        return ordering_dags(state, rankings, *args)

    monkeypatch.setattr(perm, "_ordering_dags", counting)
    r = _fit(X, **options)
    assert r.edge_probabilities is not None and unfitted[0] > 0
    back = DagResult.from_json(r.to_json())
    assert back == r
    np.testing.assert_array_equal(back.edge_probabilities, r.edge_probabilities)
    path = tmp_path / "r.json"
    r.to_json(path)
    assert DagResult.from_json(path) == r
    assert _fit(X, **options) == r  # the same seed, the same numbers
    monkeypatch.setattr(perm, "_edge_probabilities", lambda *args: None)
    bare = _fit(X, **options)
    assert bare.edge_probabilities is None
    np.testing.assert_array_equal(bare.adjacency, r.adjacency)
    np.testing.assert_array_equal(bare.weights, r.weights)
    assert bare.ordering == r.ordering and bare.n_iter == r.n_iter
    for key in ("loss", "n_edges", "entropy", "n_orderings"):
        np.testing.assert_array_equal(bare.history[key], r.history[key])


def test_a_stop_before_the_orderings_are_fitted_leaves_none(monkeypatch):
    monkeypatch.setattr(perm, "_POLL_S", 0.0)
    X = simulate_sem(12, 300, edges_per_node=2.0, seed=1).X

    def stop_on_first_inner_event(event) -> object:
        return STOP if event.stage == "fit" else None

    r = _fit(X, progress=stop_on_first_inner_event)
    assert r.stopped and r.n_iter == 0 and r.edge_probabilities is None
    assert "probability" not in r.to_frame()


def test_a_stop_after_training_skips_the_probabilities_not_the_fit(monkeypatch):
    # the stop came while the edge probabilities were fitted, after the refit:
    # the graph is the complete fit's, yet the result said "stopped" and the
    # app and the CLI took it for a fit cut short
    from engine.errors import StoppedWarning

    monkeypatch.setattr(perm, "_POLL_S", 0.0)
    X = simulate_sem(6, 200, edges_per_node=1.5, seed=4).X
    options = {  # its final support holds orderings no epoch fitted
        "structure": "sparsemap",
        "sparsifier": "l0_ste",
        "inner_max_iter": 40,
        "max_iter": 15,  # (a converged fit had fitted them all)
    }
    asked = []

    def stop_at_the_probabilities(event) -> object:
        late = event.stage == "fit" and event.message.startswith("edge probabilities")
        asked.append(late)
        return STOP if late else None

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        r = learn_dag(
            X, seed=0, device="cpu", progress=stop_at_the_probabilities, **options
        )
    assert asked.count(True) == 1 and asked[-1]
    whole = _fit(X, **options)
    assert whole.edge_probabilities is not None and not whole.stopped
    assert not r.stopped and r.edge_probabilities is None
    np.testing.assert_array_equal(r.adjacency, whole.adjacency)
    np.testing.assert_array_equal(r.weights, whole.weights)
    assert r.ordering == whole.ordering and r.n_iter == whole.n_iter
    assert r.converged == whole.converged
    said = [str(w.message) for w in got if issubclass(w.category, StoppedWarning)]
    assert len(said) == 1 and said[0] in r.warnings
    assert "the edge probabilities were skipped" in said[0]
    assert "stopped on request" not in " ".join(r.warnings)
