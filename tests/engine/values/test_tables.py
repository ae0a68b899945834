"""Worked examples B-G of the spec and operator properties on explicit tables."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from engine.errors import ConfigError
from engine.values import (
    RandomOrder,
    banzhaf,
    bernoulli_values_from_table,
    beta_shapley,
    gaussian_values_from_table,
    semivalue,
    shapley,
    values_from_table,
)
from engine.values.operators import coalition_weights

P_EMPTY, P_1, P_2, P_12 = (
    [0.25, 0.25, 0.5],
    [0.5, 0.25, 0.25],
    [0.25, 0.5, 0.25],
    [
        0.5,
        0.25,
        0.25,
    ],
)


def _classic_shapley(table: np.ndarray) -> np.ndarray:
    """Shapley value of each column of a payoff table, by the subset formula."""
    m = int(math.log2(len(table)))
    out = np.zeros((m, *table.shape[1:]))
    for i in range(m):
        for c in range(2**m):
            if c >> i & 1:
                continue
            s = bin(c).count("1")
            w = math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m)
            out[i] += w * (table[c | 1 << i] - table[c])
    return out


def test_worked_example_b_two_features() -> None:
    Q = values_from_table(np.array([P_EMPTY, P_1, P_2, P_12]))
    q1 = [[0.25, 0.125, 0.125], [0.0, 0.225, 0.025], [0.0, 0.025, 0.225]]
    q2 = [[0.35, 0.0, 0.025], [0.025, 0.25, 0.1], [0.0, 0.0, 0.25]]
    np.testing.assert_allclose(Q[0], q1, atol=1e-15)
    np.testing.assert_allclose(Q[1], q2, atol=1e-15)
    assert 1 - np.trace(Q[0]) == pytest.approx(0.30, abs=1e-15)
    assert 1 - np.trace(Q[1]) == pytest.approx(0.15, abs=1e-15)
    mean = Q.sum(2) - Q.sum(1)
    np.testing.assert_allclose(mean[0], [0.25, -0.125, -0.125], atol=1e-15)
    np.testing.assert_allclose(mean[1], [0.0, 0.125, -0.125], atol=1e-15)
    np.testing.assert_allclose(mean.sum(0), np.subtract(P_12, P_EMPTY), atol=1e-15)


def test_worked_example_c_null_player() -> None:
    table = np.array([P_EMPTY, P_EMPTY, P_2, P_2])
    Q = values_from_table(table)
    expected = 0.5 * np.diag(P_EMPTY) + 0.5 * np.diag(P_2)
    np.testing.assert_allclose(Q[0], expected, atol=1e-15)
    assert 1 - np.trace(Q[0]) == pytest.approx(0.0, abs=1e-15)


def test_worked_example_d_hard_xor() -> None:
    law = bernoulli_values_from_table(np.array([0.0, 1.0, 1.0, 0.0]))
    np.testing.assert_allclose(law, [[0.5, 0.0, 0.5]] * 2, atol=1e-12)


def test_worked_example_e_soft_xor() -> None:
    pi = np.array([0.5, 0.9, 0.9, 0.5])
    law = bernoulli_values_from_table(pi)
    np.testing.assert_allclose(law[0], [0.2, 0.6, 0.2], atol=1e-12)
    Q = values_from_table(np.stack([1 - pi, pi], 1))
    np.testing.assert_allclose(Q[0], [[0.1, 0.2], [0.2, 0.5]], atol=1e-12)
    mean = Q.sum(2) - Q.sum(1)
    np.testing.assert_allclose(mean[0], [0.0, 0.0], atol=1e-12)


def test_worked_example_f_majority_shapley_vs_banzhaf() -> None:
    pi = np.array([1.0 if bin(c).count("1") >= 2 else 0.0 for c in range(8)])
    shap_law = bernoulli_values_from_table(pi, shapley())
    banz_law = bernoulli_values_from_table(pi, banzhaf())
    np.testing.assert_allclose(shap_law, [[0, 2 / 3, 1 / 3]] * 3, atol=1e-12)
    np.testing.assert_allclose(banz_law, [[0, 0.5, 0.5]] * 3, atol=1e-12)


def test_worked_example_g_gaussian() -> None:
    out = gaussian_values_from_table([0, 1, 2, 2], [1, 2, 1, 3])
    np.testing.assert_allclose(out["mean"], [0.5, 1.5], atol=1e-15)
    np.testing.assert_allclose(out["variance"], [2.75, 0.75], atol=1e-12)
    assert out["mean"].sum() == pytest.approx(2.0)


def _random_table(seed: int, m: int, k: int) -> np.ndarray:
    return np.random.default_rng(seed).dirichlet(np.ones(k), 2**m)


def test_mean_is_shapley_and_efficient(seed: int) -> None:
    table = _random_table(seed, 4, 3)
    Q = values_from_table(table)
    assert Q.min() >= 0
    np.testing.assert_allclose(Q.sum((1, 2)), 1.0, atol=1e-12)
    mean = Q.sum(2) - Q.sum(1)
    np.testing.assert_allclose(mean, _classic_shapley(table), atol=1e-14)
    np.testing.assert_allclose(mean.sum(0), table[-1] - table[0], atol=1e-14)


def test_marginals_are_weighted_coalition_probabilities(seed: int) -> None:
    table = _random_table(seed, 3, 4)
    for op in (shapley(), banzhaf(), beta_shapley(4.0, 2.0)):
        Q = values_from_table(table, op)
        W = coalition_weights(op, 3)
        for i in range(3):
            with_i = np.arange(8) | (1 << i)
            np.testing.assert_allclose(Q[i].sum(1), W[i] @ table[with_i], atol=1e-13)
            np.testing.assert_allclose(Q[i].sum(0), W[i] @ table, atol=1e-13)


def test_banzhaf_is_not_efficient(seed: int) -> None:
    table = _random_table(seed, 3, 3)
    mean = (lambda Q: Q.sum(2) - Q.sum(1))(values_from_table(table, banzhaf()))
    assert np.abs(mean.sum(0) - (table[-1] - table[0])).max() > 1e-4


def test_symmetric_players_get_identical_transitions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    by_size = rng.dirichlet(np.ones(3), 4)  # payoff depends on |S| only
    table = np.array([by_size[bin(c).count("1")] for c in range(8)])
    Q = values_from_table(table)
    np.testing.assert_allclose(Q[0], Q[1], atol=1e-15)
    np.testing.assert_allclose(Q[1], Q[2], atol=1e-15)


def test_beta_shapley_with_unit_parameters_is_shapley(seed: int) -> None:
    table = _random_table(seed, 3, 3)
    np.testing.assert_allclose(
        values_from_table(table, beta_shapley(1.0, 1.0)),
        values_from_table(table),
        atol=1e-14,
    )
    w = beta_shapley(16.0, 1.0).weights(5)
    assert w[0] > w[-1]


def test_uniform_random_order_equals_shapley(seed: int) -> None:
    table = _random_table(seed, 3, 3)
    uniform = RandomOrder(orderings=tuple(itertools.permutations(range(3))))
    np.testing.assert_allclose(
        values_from_table(table, uniform), values_from_table(table), atol=1e-14
    )


def test_single_ordering_is_the_chain_of_marginal_contributions(seed: int) -> None:
    table = _random_table(seed, 3, 3)
    Q = values_from_table(table, RandomOrder(orderings=((2, 0, 1),)))
    mean = Q.sum(2) - Q.sum(1)
    np.testing.assert_allclose(mean[2], table[4] - table[0], atol=1e-14)
    np.testing.assert_allclose(mean[0], table[5] - table[4], atol=1e-14)
    np.testing.assert_allclose(mean[1], table[7] - table[5], atol=1e-14)


def test_bad_weight_tables_are_rejected() -> None:
    with pytest.raises(ConfigError, match="must be 1"):
        values_from_table(_random_table(0, 2, 3), semivalue([0.5, 0.6]))
    with pytest.raises(ConfigError, match="permutation"):
        values_from_table(_random_table(0, 2, 3), RandomOrder(orderings=((0, 0),)))
    ok = semivalue([0.25, 0.5])  # sizes 0 and 1 of 2 players: 0.25 + 1 * 0.5 != 1
    with pytest.raises(ConfigError):
        values_from_table(_random_table(0, 2, 3), ok)
    table = semivalue([0.5, 0.5])
    Q = values_from_table(_random_table(0, 2, 3), table)
    np.testing.assert_allclose(Q, values_from_table(_random_table(0, 2, 3), banzhaf()))


def test_values_are_the_law_of_the_shared_noise_marginal_contribution(seed) -> None:
    # simulate the stochastic game itself: draw S from the Shapley distribution of
    # player i, one Gumbel vector shared by S and S + i, and record the classes
    rng = np.random.default_rng(seed)
    m, k, n = 3, 3, 200_000
    table = rng.dirichlet(np.ones(k), 2**m)
    Q = values_from_table(table)
    logp = np.log(table)
    for i in range(m):
        others = [j for j in range(m) if j != i]
        size = rng.integers(0, m, n)  # Shapley: size uniform in 0..M-1, then a subset
        keys = rng.random((n, m - 1))
        rank = keys.argsort(1).argsort(1)
        coalition = ((rank < size[:, None]) << np.array(others)).sum(1)
        g = rng.gumbel(size=(n, k))
        without = (logp[coalition] + g).argmax(1)
        with_i = (logp[coalition | 1 << i] + g).argmax(1)
        empirical = np.zeros((k, k))
        np.add.at(empirical, (with_i, without), 1.0 / n)
        assert np.abs(empirical - Q[i]).max() < 3 / np.sqrt(n)
        # pathwise: the mean move is the Shapley value of each class probability
        np.testing.assert_allclose(
            np.eye(k)[with_i].mean(0) - np.eye(k)[without].mean(0),
            Q[i].sum(1) - Q[i].sum(0),
            atol=4 / np.sqrt(n),
        )
