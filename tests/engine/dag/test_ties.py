"""engine.dag.ties: edges whose reversal leaves the linear score unchanged."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from engine import load_sample
from engine.dag import PriorKnowledge, learn_dag, simulate_sem
from engine.dag.ties import (
    open_directions,
    tie_class,
    tied_reversals,
    undetermined_edges,
)
from engine.errors import DataWarning
from tests.engine.dag.fits import total_rss


def _standardised(X: np.ndarray) -> np.ndarray:
    return (X - X.mean(0)) / X.std(0)


def test_a_root_edge_ties_on_standardised_data_only():
    # a -> b -> c with unequal variances: on the raw data no reversal scores the
    # same; standardised, the root's edge a -> b is covered and ties exactly
    # (both directions sum to 1 + (1 - r^2)); b -> c is not covered
    rng = np.random.default_rng(0)
    a = rng.normal(size=2000)
    b = 0.9 * a + 0.5 * rng.normal(size=2000)
    c = -0.7 * b + 2.0 * rng.normal(size=2000)
    X = np.column_stack([a, b, c])
    chain = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=bool)
    assert tied_reversals(X, chain) == []
    assert tied_reversals(_standardised(X), chain) == [(0, 1)]


def test_reported_reversals_score_the_same_and_others_do_not():
    # checked against an independent residual computation on random DAGs
    for seed in range(6):
        sim = simulate_sem(6, 800, seed=seed)
        X = _standardised(sim.X)
        A = sim.adjacency.astype(bool)
        tied = set(tied_reversals(X, A))
        base = total_rss(X, A)
        for i, j in zip(*np.nonzero(A), strict=True):
            covered = set(np.flatnonzero(A[:, j])) == set(np.flatnonzero(A[:, i])) | {i}
            B = A.copy()
            B[i, j], B[j, i] = False, True
            same = abs(total_rss(X, B) - base) <= 1e-9 * base
            assert ((i, j) in tied) == (covered and same)


def test_a_collider_is_never_reported():
    # a -> c <- b: reversing either edge makes another equivalence class
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 1000))
    c = a + b + rng.normal(size=1000)
    A = np.array([[0, 0, 1], [0, 0, 1], [0, 0, 0]], dtype=bool)
    assert tied_reversals(_standardised(np.column_stack([a, b, c])), A) == []


def test_learn_dag_says_which_directions_standardised_sachs_leaves_open():
    # on standardised Sachs the learner's optimum ties with equivalent graphs
    # that differ by 10-18 SHD from the truth; which one it returned depended on
    # the machine's floating-point kernels, and nothing said so
    X = load_sample("sachs").frame
    Z = _standardised(X.to_numpy(dtype=float))
    with pytest.warns(DataWarning, match="the score does not orient") as caught:
        result = learn_dag(Z, seed=0, node_names=list(X.columns))
    text = next(str(w.message) for w in caught if "does not orient" in str(w.message))
    open_edges, n_graphs, complete = open_directions(Z, result.adjacency)
    assert complete and n_graphs > 1
    assert f"does not orient {len(open_edges)} of the {result.n_edges} edges" in text
    assert f"{n_graphs} equivalent graphs" in text
    for i, j in open_edges:
        assert f"{X.columns[i]} -> {X.columns[j]}" in text
    assert text in result.warnings


def test_the_whole_tie_class_is_named_not_only_single_reversals():
    # a tester's standardised 5-node chain: single tied reversals from the
    # returned graph named 2 of its 4 edges, yet every edge's direction is open
    # (any node can be the root of a collider-free tree on standardised data)
    rng = np.random.default_rng(4)
    cols = [rng.normal(size=3000)]
    for _ in range(4):
        cols.append(0.8 * cols[-1] + rng.normal(size=3000))
    Z = _standardised(np.column_stack(cols))
    chain = np.eye(5, k=1, dtype=bool)
    graphs, complete = tie_class(Z, chain)
    assert complete and len(graphs) == 5  # the root at each node
    assert undetermined_edges(graphs) == [(0, 1), (1, 2), (2, 3), (3, 4)]
    star = np.zeros((11, 11), dtype=bool)
    star[0, 1:] = True
    hub = rng.normal(size=3000)
    S = _standardised(
        np.column_stack([hub] + [hub + rng.normal(size=3000) for _ in range(10)])
    )
    graphs, _ = tie_class(S, star)
    assert len(undetermined_edges(graphs)) == 10


def test_components_are_searched_apart_so_a_large_class_hides_no_edge():
    # ten standardised 6-node chains: one search over the whole graph stopped at
    # 256 graphs having seen 26 of the 50 open edges, and the warning said
    # "33 of the 50 edges" as if exact; apart, each chain has 6 graphs
    rng = np.random.default_rng(6)
    cols, chains = [], np.zeros((60, 60), dtype=bool)
    for c in range(10):
        cols.append(rng.normal(size=2000))
        for k in range(1, 6):
            cols.append(0.8 * cols[-1] + rng.normal(size=2000))
            chains[6 * c + k - 1, 6 * c + k] = True
    Z = _standardised(np.column_stack(cols))
    open_edges, n_graphs, complete = open_directions(Z, chains)
    assert complete and n_graphs == 6**10
    assert open_edges == [tuple(e) for e in np.argwhere(chains)]
    # a component too large for the search is said to be a lower bound
    edges, n, done = open_directions(Z, chains, max_graphs=3)
    assert not done and n == 3**10 and len(edges) < 50


def test_prior_knowledge_that_orients_through_another_node_is_respected():
    # tiers k before j, i untiered: reversing i -> j gives j -> i -> k, which
    # puts j (tier 1) upstream of k (tier 0); the warning named i -> j anyway
    # (only edges between two tiered nodes were excluded)
    rng = np.random.default_rng(5)
    i = rng.normal(size=2000)
    Z = _standardised(
        np.column_stack([i, i + rng.normal(size=2000), i + rng.normal(size=2000)])
    )
    prior = PriorKnowledge.from_edges(["i", "j", "k"], tiers={"k": 0, "j": 1})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = learn_dag(Z, seed=0, node_names=["i", "j", "k"], prior=prior)
    notes = [str(w.message) for w in caught if "does not orient" in str(w.message)]
    graphs, _ = tie_class(Z, fitted.adjacency, allowed=prior.check)
    assert all(prior.check(g) for g in graphs)
    assert len(notes) == 1  # the edge to or from k stays open
    for text in notes:
        assert "i -> j" not in text and "j -> i" not in text


def test_no_tie_note_on_raw_planted_data_or_for_prior_oriented_edges():
    sim = simulate_sem(5, 1000, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        learn_dag(sim.X, seed=0)
    # a two-node standardised pair ties; requiring its direction settles it
    rng = np.random.default_rng(2)
    a = rng.normal(size=500)
    Z = _standardised(np.column_stack([a, a + rng.normal(size=500)]))
    with pytest.warns(DataWarning, match="does not orient 1 of the 1 edges"):
        learn_dag(Z, seed=0, node_names=["a", "b"])
    prior = PriorKnowledge.from_edges(["a", "b"], required=[("a", "b")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        fitted = learn_dag(Z, seed=0, node_names=["a", "b"], prior=prior)
    assert fitted.adjacency[0, 1]


def test_ordering_losses_tie_to_eleven_digits():
    # two equivalent orderings of standardised Sachs scored 11.776651579774 and
    # 1.78e-15 more; which was smaller depended on the BLAS kernels and decided
    # the graph returned. Rounded, they tie; a real difference (1e-9) stays
    from engine.dag.permutahedron import _quantised

    loss = 11.776651579774
    assert _quantised(loss) == _quantised(loss + 1.78e-15)
    assert _quantised(loss) != _quantised(loss * (1 + 1e-9))
    assert _quantised(-0.5 - 1e-17) == _quantised(-0.5)


def test_rescaled_data_give_the_same_graph():
    # the default fit's steps scale with the data (its constants are relative
    # to the mean variance or to each column's own: test_dag_scale.py), yet
    # standardised Sachs times 1 + 1e-12 or 0.3428 gave graphs
    # with 3-4 edges reversed: rounding noise in the greedy start's variances
    # (all 1 after standardising) picked its first node
    X = load_sample("sachs").frame.to_numpy(dtype=float)
    Z = _standardised(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        graphs = [learn_dag(Z * f, seed=0).adjacency for f in (1, 1 + 1e-12, 0.3428)]
    assert all((g == graphs[0]).all() for g in graphs)
