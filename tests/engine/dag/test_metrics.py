"""DAG metrics on hand-computed examples and against gadjid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.dag import (
    ancestor_aid,
    compare_graphs,
    cpdag,
    f1_score,
    fdr,
    fpr,
    is_dag,
    n_edges,
    precision,
    recall,
    shd,
    shd_cpdag,
    sid,
    sid_numpy,
    simulate_dag,
    tpr,
)
from engine.errors import DataError, GraphError


def _g(edges, d):
    a = np.zeros((d, d), dtype=int)
    for i, j in edges:
        a[i, j] = 1
    return a


# truth: 0->1, 1->2, 0->3 ; prediction: 1->0 (reversed), 1->2 (correct), 2->3 (extra)
TRUTH = _g([(0, 1), (1, 2), (0, 3)], 4)
PRED = _g([(1, 0), (1, 2), (2, 3)], 4)


def test_shd_counts_reversal_once_or_twice():
    # missing 0-3, extra 2-3, reversed 0-1
    assert shd(TRUTH, PRED) == 3
    assert shd(TRUTH, PRED, reversed_cost=2) == 4
    assert shd(TRUTH, TRUTH) == 0
    assert shd(TRUTH, np.zeros((4, 4))) == 3
    with pytest.raises(DataError, match="reversed_cost"):
        shd(TRUTH, PRED, reversed_cost=3)


def test_rates_on_hand_example():
    assert tpr(TRUTH, PRED) == pytest.approx(1 / 3)
    assert recall(TRUTH, PRED) == pytest.approx(1 / 3)
    assert precision(TRUTH, PRED) == pytest.approx(1 / 3)
    assert fdr(TRUTH, PRED) == pytest.approx(2 / 3)
    # negatives = d(d-1)/2 - |E_true| = 6 - 3
    assert fpr(TRUTH, PRED) == pytest.approx(2 / 3)
    assert f1_score(TRUTH, PRED) == pytest.approx(1 / 3)
    assert n_edges(PRED) == 3
    assert np.isnan(precision(TRUTH, np.zeros((4, 4))))
    assert f1_score(TRUTH, np.zeros((4, 4))) == 0.0


def test_cpdag_of_chain_collider_and_shielded_graphs():
    chain = _g([(0, 1), (1, 2)], 3)
    assert (cpdag(chain) == (chain | chain.T)).all()  # fully undirected
    collider = _g([(0, 2), (1, 2)], 3)
    assert (cpdag(collider) == collider).all()  # v-structure is compelled
    # 0->2<-1, 2->3: Meek R1 orients 2->3
    g = _g([(0, 2), (1, 2), (2, 3)], 4)
    assert (cpdag(g) == g).all()
    # shielded collider 0->2<-1 with 0->1: no v-structure, all undirected
    s = _g([(0, 1), (0, 2), (1, 2)], 3)
    assert (cpdag(s) == (s | s.T)).all()
    with pytest.raises(GraphError, match="cycle"):
        cpdag(_g([(0, 1), (1, 0)], 2))


def test_shd_cpdag_zero_for_markov_equivalent_graphs():
    assert shd_cpdag(_g([(0, 1), (1, 2)], 3), _g([(2, 1), (1, 0)], 3)) == 0
    # chain vs collider: the marks of both edges differ
    assert shd_cpdag(_g([(0, 1), (1, 2)], 3), _g([(0, 1), (2, 1)], 3)) == 2
    assert shd_cpdag(TRUTH, np.zeros((4, 4))) == 3


def test_sid_hand_examples():
    chain = _g([(0, 1), (1, 2)], 3)
    empty = np.zeros((3, 3), dtype=int)
    # empty estimate: adjusting for nothing is right for do(x0) (a source) but
    # wrong for (1, 0), (2, 0), (2, 1), where x_i and x_j are dependent
    assert sid(chain, empty) == sid_numpy(chain, empty) == 3
    assert sid(chain, chain) == 0
    # reversed chain: every pair with a true effect is wrong, plus do(x1) on x2
    assert sid_numpy(chain, chain.T) == sid(chain, chain.T)
    # fork 0->1, 0->2 estimated as empty: do(x0) is right, the other four ordered
    # pairs are confounded or reversed
    fork = _g([(0, 1), (0, 2)], 3)
    assert sid_numpy(fork, empty) == 4
    with pytest.raises(GraphError, match="directed cycle"):
        sid(chain, _g([(0, 1), (1, 0)], 3))


def test_ancestor_aid_hand_example_and_the_sachs_anchor():
    from engine import load_sample

    chain = _g([(0, 1), (1, 2)], 3)
    # the reversed chain claims no effect of 0 on 1 and 2 or of 1 on 2 (three
    # wrong), and adjusts do(x1) on x0 for x2, a descendant of x1 in the truth,
    # and do(x2) on x0, x1 for nothing, where the truth's paths stay open
    assert ancestor_aid(chain, chain.T) == 6 and ancestor_aid(chain, chain) == 0
    # the anchor of the spec: the empty graph against the 17-edge Sachs truth
    truth = load_sample("sachs").truth
    empty = np.zeros_like(truth)
    assert (shd(truth, empty), sid(truth, empty), ancestor_aid(truth, empty)) == (
        17,
        53,
        22,
    )
    assert compare_graphs(truth, empty)["ancestor_aid"] == 22
    with pytest.raises(GraphError, match="directed cycle"):
        ancestor_aid(chain, _g([(0, 1), (1, 0)], 3))
    assert ancestor_aid(np.zeros((1, 1)), np.zeros((1, 1))) == 0


def test_sid_numpy_matches_gadjid_on_random_pairs(seed):
    pytest.importorskip("gadjid")
    rng = np.random.default_rng(seed)
    for trial in range(60):
        d = int(rng.integers(2, 9))
        g = simulate_dag(d, float(rng.uniform(0.5, 2.0)), seed=int(rng.integers(1e9)))
        if trial % 3 == 0:
            h = g.copy()
            i, j = np.argwhere(g)[0] if g.any() else (0, 1)
            h[i, j], h[j, i] = False, bool(g[i, j])  # reverse one edge
            if not is_dag(h):
                continue
        else:
            h = simulate_dag(d, 1.5, seed=int(rng.integers(1e9)))
        assert sid_numpy(g, h) == sid(g, h), (g.astype(int), h.astype(int))


def test_compare_graphs_keys_and_values():
    m = compare_graphs(TRUTH, PRED)
    assert m["shd"] == 3 and m["n_edges"] == 3 and m["n_true_edges"] == 3
    assert (m["n_reversed"], m["n_missing"], m["n_extra"]) == (1, 1, 1)
    assert set(m) >= {
        "shd",
        "shd_cpdag",
        "sid",
        "tpr",
        "fdr",
        "precision",
        "recall",
        "f1",
        "n_edges",
    }
    with pytest.raises(DataError, match="same shape"):
        compare_graphs(TRUTH, np.zeros((3, 3)))


def test_compare_graphs_on_one_node_does_not_call_gadjid():
    # gadjid panics (a Rust PanicException, not an Exception) on 1 x 1 graphs
    one = np.zeros((1, 1))
    m = compare_graphs(one, one)
    assert m["sid"] == 0 and sid(one, one) == 0 and sid_numpy(one, one) == 0
    assert m["shd"] == 0 and m["shd_cpdag"] == 0 and m["n_edges"] == 0
    assert np.isnan(m["tpr"]) and np.isnan(m["fpr"]) and np.isnan(m["f1"])


def test_graphs_without_nodes_or_with_nan_are_refused():
    with pytest.raises(GraphError, match=r"no nodes \(shape \(0, 0\)\)"):
        compare_graphs(np.zeros((0, 0)), np.zeros((0, 0)))
    with pytest.raises(GraphError, match=r"no nodes"):
        sid(np.zeros((0, 0)), np.zeros((0, 0)))
    truth = np.array([[0.0, np.nan], [0.0, 0.0]])
    with pytest.raises(GraphError, match=r"'truth' holds NaN \(first at \[0, 1\]\)"):
        compare_graphs(truth, np.zeros((2, 2)))
    with pytest.raises(GraphError, match=r"'pred' holds NaN"):
        shd(np.zeros((2, 2)), truth)


def test_compare_graphs_names_the_graph_with_a_cycle():
    dag = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    cyclic = dag + np.array([[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    with pytest.raises(GraphError, match="compare_graphs: 'pred' has a directed cycle"):
        compare_graphs(dag, cyclic)
    with pytest.raises(GraphError, match="compare_graphs: 'truth' has a directed"):
        compare_graphs(cyclic, dag)
    assert shd(dag, cyclic) == 1  # edge counts are defined for any directed graph


def test_f1_is_undefined_only_when_neither_graph_has_an_edge():
    empty = np.zeros((3, 3))
    one = np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]])
    assert np.isnan(f1_score(empty, empty))
    assert f1_score(one, empty) == 0.0 and f1_score(empty, one) == 0.0


def _count_accuracy_sets(truth: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """NOTEARS' count_accuracy written with sets of flat indices (its description).

    ``pred`` uses NOTEARS' encoding here: 1 for ``i -> j``, -1 at one of the two
    entries of an undirected edge.
    """
    d = len(truth)
    cond = set(np.flatnonzero(truth == 1))
    cond_rev = set(np.flatnonzero(truth.T == 1))
    directed = set(np.flatnonzero(pred == 1))
    und = set(np.flatnonzero(pred == -1))
    skeleton = cond | cond_rev
    tp = (directed & cond) | (und & skeleton)
    false_pos = (directed | und) - skeleton
    reverse = (directed - cond) & cond_rev
    n_pred = len(directed) + len(und)
    low = np.tril(np.ones((d, d), bool), -1)
    pred_low = set(np.flatnonzero(low & ((pred != 0) | (pred.T != 0))))
    cond_low = set(np.flatnonzero(low & ((truth != 0) | (truth.T != 0))))
    shd_ = len(pred_low - cond_low) + len(cond_low - pred_low) + len(reverse)
    return {
        "fdr": (len(reverse) + len(false_pos)) / max(n_pred, 1),
        "tpr": len(tp) / max(len(cond), 1),
        "fpr": (len(reverse) + len(false_pos)) / max(d * (d - 1) / 2 - len(cond), 1),
        "shd": shd_,
    }


def test_undirected_estimated_edges_follow_count_accuracy() -> None:
    # truth 0 -> 1; an undirected estimate 0 - 1 is a true positive, not a
    # reversal (it was counted as both: SHD 1, FDR 0.5)
    t, und = _g([(0, 1)], 2), np.ones((2, 2), int) - np.eye(2, dtype=int)
    assert (shd(t, und), tpr(t, und), fdr(t, und), precision(t, und)) == (0, 1, 0, 1)
    assert shd(t, und, reversed_cost=2) == 1  # cdt: the matrices differ once
    rng = np.random.default_rng(3)
    for _ in range(200):
        d = int(rng.integers(3, 8))
        truth = simulate_dag(d, 1.0, seed=int(rng.integers(1000))) != 0
        # a CPDAG-like estimate: random directed edges, some made undirected
        directed = np.triu(rng.random((d, d)) < 0.35, 1)
        order = rng.permutation(d)
        directed = directed[np.ix_(order, order)]
        both = directed & (rng.random((d, d)) < 0.4)
        ours = (directed | both.T).astype(int)
        notears = directed.astype(int) - 2 * both.astype(int)  # -1 where undirected
        ref = _count_accuracy_sets(truth.astype(int), notears)
        assert shd(truth, ours) == ref["shd"]
        assert shd(truth, ours, reversed_cost=2) == int((truth != (ours != 0)).sum())
        if ours.any():
            assert fdr(truth, ours) == pytest.approx(ref["fdr"])
        if truth.any():
            assert tpr(truth, ours) == pytest.approx(ref["tpr"])
        if truth.sum() < d * (d - 1) / 2:
            assert fpr(truth, ours) == pytest.approx(ref["fpr"])


def test_non_numeric_graphs_and_self_loops_are_named():
    text = np.array([["0", "1"], ["0", "0"]])
    with pytest.raises(GraphError, match="'truth' must be a real or boolean"):
        compare_graphs(text, np.zeros((2, 2)))
    with pytest.raises(GraphError, match="'pred' must be a real or boolean"):
        compare_graphs(np.zeros((2, 2)), np.array([[0, 1j], [0, 0]]))
    loop = np.array([[0, 1], [0, 1]])
    with pytest.raises(GraphError, match="'pred' has a self-loop at node 1"):
        shd(np.zeros((2, 2)), loop)


def test_n_edges_refuses_nan_as_the_other_metrics_do():
    with pytest.raises(GraphError, match=r"n_edges: 'graph' holds NaN \(first at"):
        n_edges(np.array([[0.0, np.nan], [0.0, 0.0]]))
    assert n_edges(np.array([[0.0, 0.5], [0.0, 0.0]])) == 1


@pytest.mark.parametrize(
    "metric", [shd, tpr, recall, precision, fdr, fpr, f1_score, compare_graphs]
)
def test_a_truth_with_an_undirected_edge_is_refused(metric):
    # truth 0 - 1 (both entries set): TPR read it as two true edges, one missed
    truth, pred = np.array([[0, 1], [1, 0]]), np.array([[0, 1], [0, 0]])
    name = metric.__name__.replace("recall", "tpr")
    with pytest.raises(GraphError, match=rf"{name}: 'truth' has an undirected edge"):
        metric(truth, pred)
    with pytest.raises(GraphError, match="'truth' has an undirected edge 0 - 1"):
        shd(truth, pred, reversed_cost=2)
    # an undirected edge in the estimate is still a CPDAG's; shd_cpdag is untouched
    assert tpr(pred, truth) == 1.0 and shd_cpdag(pred, pred.T) == 0


@pytest.mark.parametrize("cost", [True, False, 1.0, 2.5, "1"])
def test_shd_reversed_cost_must_be_the_integer_1_or_2(cost):
    with pytest.raises(DataError, match=rf"'reversed_cost' must be .*got {cost!r}"):
        shd(TRUTH, PRED, reversed_cost=cost)
    assert shd(TRUTH, PRED, reversed_cost=np.int64(2)) == 4


def test_fpr_can_exceed_one_and_its_docstring_says_why():
    # NOTEARS: reversed edges count in the numerator, true-edge pairs are not in
    # the denominator; the reversed chain has 2 reversals over 1 non-edge
    chain = _g([(0, 1), (1, 2)], 3)
    assert fpr(chain, chain.T) == 2.0
    assert "exceeds 1" in fpr.__doc__ and "reversed" in fpr.__doc__


def _frame(edges, names):
    a = pd.DataFrame(0, index=list(names), columns=list(names))
    for s, t in edges:
        a.loc[s, t] = 1
    return a


def test_labelled_frames_are_compared_by_their_labels():
    # truth a -> b, c -> b; the prediction is the same graph with its rows and
    # columns listed as [b, c, a]: it was scored as a different graph (shd 3)
    truth = _frame([("a", "b"), ("c", "b")], "abc")
    same = truth.loc[list("bca"), list("bca")]
    m = compare_graphs(truth, same)
    assert (m["shd"], m["shd_cpdag"], m["sid"], m["tpr"], m["fdr"]) == (0, 0, 0, 1, 0)
    assert shd(truth, same, reversed_cost=2) == 0 and sid_numpy(truth, same) == 0
    flipped = _frame([("b", "a"), ("c", "b")], "bca")
    assert (
        shd(truth, flipped) == 1 and compare_graphs(truth, flipped)["n_reversed"] == 1
    )


def test_labelled_frames_over_different_nodes_are_refused():
    truth = _frame([("a", "b")], "abc")
    other = _frame([("a", "b")], "abd")
    with pytest.raises(
        DataError, match=r"in 'truth' only: \['c'\]; in 'pred' only: \['d'\]"
    ):
        compare_graphs(truth, other)


def test_a_frame_whose_rows_are_not_its_columns_is_refused():
    # rows [a, b, x] and columns [a, b, c]: no node-to-node reading exists
    frame = _frame([("a", "b")], "abc").rename(index={"c": "x"})
    with pytest.raises(GraphError, match=r"rows only: \['x'\]; columns only: \['c'\]"):
        shd(frame, np.zeros((3, 3)))
    with pytest.raises(GraphError, match=r"n_edges: 'graph' .*rows only"):
        n_edges(frame)
    # pandas' default row labels 0, 1, 2 (read_csv without index_col) under named
    # columns: the rows are in the order of the columns
    unlabelled = _frame([("a", "b")], "abc").reset_index(drop=True)
    assert shd(_g([(0, 1)], 3), unlabelled) == 0
    assert shd(_frame([("a", "b")], "bac"), unlabelled) == 0
    # other row labels 0, 1, 2 than pandas' default are still refused
    with pytest.raises(GraphError, match=r"rows only: \[1, 2, 3\]"):
        shd(np.zeros((3, 3)), unlabelled.set_axis([1, 2, 3]))
    # rows in another order than the columns are read by their labels
    rows_shuffled = _frame([("a", "b")], "abc").loc[list("cab")]
    assert shd(rows_shuffled, _g([(0, 1)], 3)) == 0
    np.testing.assert_array_equal(cpdag(rows_shuffled), [[0, 1, 0], [1, 0, 0], [0] * 3])


def test_a_dag_result_is_compared_as_its_adjacency_over_its_node_names():
    # compare_graphs(truth, result) said "got dtype object. Convert it first, e.g.
    # np.asarray(graph, dtype=float)", which does not work for a DagResult
    from engine.dag import learn_dag, simulate_sem

    data = simulate_sem(4, 200, edges_per_node=1.0, seed=0)
    frame = pd.DataFrame(data.X, columns=list("abcd"))
    result = learn_dag(frame, seed=0, max_iter=40, patience=2)
    by_array = compare_graphs(data.adjacency, result.adjacency)
    same = np.testing.assert_equal  # NaN rates equal too
    same(compare_graphs(data.adjacency, result), by_array)
    same(
        compare_graphs(result, data.adjacency),
        compare_graphs(result.adjacency, data.adjacency),
    )
    assert compare_graphs(result, result)["shd"] == 0
    assert shd(data.adjacency, result) == by_array["shd"]
    # against a labelled frame the result's node names align the two
    truth = pd.DataFrame(data.adjacency, index=list("abcd"), columns=list("abcd"))
    shuffled = truth.loc[list("dcba"), list("dcba")]
    same(compare_graphs(shuffled, result), by_array)
    other = truth.rename(index={"d": "e"}, columns={"d": "e"})
    with pytest.raises(DataError, match=r"in 'truth' only: \['e'\]; in 'pred'"):
        compare_graphs(other, result)
