"""Weighted feedback arc sets: always a DAG, optimal on small graphs, keeps edges."""

from __future__ import annotations

import numpy as np
import pytest

from engine.dag.fas import (
    break_cycles,
    greedy_order,
    is_dag,
    min_fas_brute_force,
    removed_weight,
)
from engine.errors import DataError, GraphError


def _random_digraph(rng: np.random.Generator, d: int, p: float) -> np.ndarray:
    w = rng.uniform(0.1, 2.0, (d, d)) * (rng.random((d, d)) < p)
    np.fill_diagonal(w, 0.0)
    return w


def _near_dag(rng: np.random.Generator, d: int) -> np.ndarray:
    """A weighted DAG plus one to three light reversed edges (DAG-DB's typical case)."""
    perm = rng.permutation(d)
    w = np.triu(rng.uniform(0.5, 2.0, (d, d)) * (rng.random((d, d)) < 0.5), 1)
    for _ in range(rng.integers(1, 4)):
        i, j = rng.choice(d, 2, replace=False)
        lo, hi = min(i, j), max(i, j)
        w[hi, lo] = rng.uniform(0.05, 0.4)
    return w[np.ix_(perm, perm)]


@pytest.mark.parametrize("method", ["greedy", "exact", "auto"])
def test_break_cycles_always_returns_a_subgraph_dag(seed, method):
    rng = np.random.default_rng(seed)
    for _ in range(30):
        d = int(rng.integers(2, 9))
        w = _random_digraph(rng, d, float(rng.uniform(0.2, 0.9)))
        out = break_cycles(w, method=method)
        assert is_dag(out)
        assert not (out & (w == 0)).any()


def test_greedy_is_a_dag_on_dense_large_graphs(seed):
    rng = np.random.default_rng(seed)
    w = _random_digraph(rng, 40, 0.5)
    out = break_cycles(w)
    assert is_dag(out)
    # nothing deleted can be put back without a cycle (minimality of the set)
    for i, j in np.argwhere((w > 0) & ~out):
        trial = out.copy()
        trial[i, j] = True
        assert not is_dag(trial)


@pytest.mark.parametrize("d", [3, 4, 5, 6])
def test_exact_matches_brute_force(seed, d):
    rng = np.random.default_rng(seed + d)
    for _ in range(15):
        w = _random_digraph(rng, d, 0.6)
        best, _ = min_fas_brute_force(w)
        out = break_cycles(w, method="auto")
        assert removed_weight(w, out) == pytest.approx(best)


@pytest.mark.parametrize("d", [4, 5, 6])
def test_greedy_matches_brute_force_on_near_dags(seed, d):
    rng = np.random.default_rng(seed + 10 * d)
    for _ in range(20):
        w = _near_dag(rng, d)
        best, _ = min_fas_brute_force(w)
        out = break_cycles(w, method="greedy")
        assert removed_weight(w, out) == pytest.approx(best)


def test_greedy_close_to_optimum_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    ratios = []
    for _ in range(30):
        w = _random_digraph(rng, 6, 0.6)
        best, _ = min_fas_brute_force(w)
        got = removed_weight(w, break_cycles(w, method="greedy"))
        assert got >= best - 1e-9
        ratios.append(got / best if best > 0 else 1.0)
    assert np.median(ratios) == pytest.approx(1.0)
    assert max(ratios) < 2.0


def test_three_cycle_drops_its_lightest_edge():
    w = np.array([[0, 2.0, 0], [0, 0, 3.0], [1.0, 0, 0]])
    for method in ("greedy", "exact"):
        out = break_cycles(w, method=method)
        assert out.astype(int).tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]


@pytest.mark.parametrize("method", ["greedy", "exact"])
def test_required_edges_survive_even_when_lightest(seed, method):
    rng = np.random.default_rng(seed)
    w = np.array([[0, 2.0, 0], [0, 0, 3.0], [0.1, 0, 0]])
    keep = np.zeros((3, 3), dtype=bool)
    keep[2, 0] = True
    out = break_cycles(w, keep=keep, method=method)
    assert out[2, 0] and is_dag(out)
    assert removed_weight(w, out) == pytest.approx(2.0)
    for _ in range(20):
        d = int(rng.integers(3, 7))
        w = _random_digraph(rng, d, 0.7)
        keep = np.triu(rng.random((d, d)) < 0.2, 1)
        perm = rng.permutation(d)
        keep = keep[np.ix_(perm, perm)]
        out = break_cycles(w, keep=keep, method=method)
        assert is_dag(out) and out[keep].all()
        if method == "exact":
            best, _ = min_fas_brute_force(w, keep=keep)
            assert removed_weight(w, out) == pytest.approx(best)


def test_greedy_order_puts_kept_edges_forward():
    w = np.array([[0, 1.0, 0], [0, 0, 1.0], [5.0, 0, 0]])
    keep = np.zeros((3, 3), dtype=bool)
    keep[1, 2] = True
    order = list(greedy_order(w, keep=keep))
    assert order.index(1) < order.index(2)


def test_cyclic_required_edges_are_an_error():
    keep = np.zeros((3, 3), dtype=bool)
    keep[0, 1] = keep[1, 2] = keep[2, 0] = True
    with pytest.raises(GraphError, match="cycle"):
        break_cycles(np.ones((3, 3)), keep=keep)


def test_bad_weights_are_rejected():
    with pytest.raises(DataError, match="square"):
        break_cycles(np.ones((2, 3)))
    with pytest.raises(DataError, match=">= 0"):
        break_cycles(-np.ones((3, 3)))


def test_dag_input_is_returned_unchanged():
    w = np.triu(np.ones((5, 5)), 1)
    assert (break_cycles(w) == (w > 0)).all()
