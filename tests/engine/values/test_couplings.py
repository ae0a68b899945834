"""Closed-form couplings: worked example A, marginals, Monte Carlo, properties."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.values.couplings import (
    bernoulli_joint,
    bernoulli_law,
    categorical_diagonal,
    categorical_joint,
    gaussian_law,
    gumbel_joint,
    log_probabilities,
)


def _t(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=np.float64))


def _dirichlet_pairs(seed: int, n: int, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(seed)
    return _t(rng.dirichlet(np.ones(k), n)), _t(rng.dirichlet(np.ones(k), n))


def test_categorical_joint_worked_example_a() -> None:
    p, q = _t([0.5, 0.25, 0.25]), _t([0.25, 0.25, 0.5])
    J = categorical_joint(p.log(), q.log()).numpy()
    expected = [[0.25, 0.05, 0.20], [0.0, 0.20, 0.05], [0.0, 0.0, 0.25]]
    np.testing.assert_allclose(J, expected, atol=1e-15)
    assert 1 - np.trace(J) == pytest.approx(0.30, abs=1e-15)
    tv = 0.5 * np.abs(p.numpy() - q.numpy()).sum()
    assert tv == pytest.approx(0.25) and 1 - np.trace(J) > tv


@pytest.mark.parametrize("k", [2, 3, 7, 20])
def test_categorical_joint_marginals_and_mass(seed: int, k: int) -> None:
    p, q = _dirichlet_pairs(seed, 500, k)
    J = gumbel_joint(log_probabilities(p), log_probabilities(q))
    assert J.min() >= 0
    torch.testing.assert_close(J.sum((-1, -2)), torch.ones(500, dtype=J.dtype))
    assert (J.sum(-1) - p).abs().max() < 1e-12
    assert (J.sum(-2) - q).abs().max() < 1e-12


def test_categorical_joint_matches_shared_gumbel_monte_carlo(seed: int) -> None:
    k, n = 4, 400_000
    p, q = _dirichlet_pairs(seed, 3, k)
    gen = torch.Generator().manual_seed(seed)
    J = categorical_joint(p.log(), q.log())
    for j in range(3):
        u = torch.rand(n, k, generator=gen, dtype=torch.float64)
        g = -torch.log(-torch.log(u))
        a = (p[j].log() + g).argmax(1)
        b = (q[j].log() + g).argmax(1)
        counts = torch.zeros(k * k, dtype=torch.float64)
        counts.index_add_(0, a * k + b, torch.ones(n, dtype=torch.float64))
        assert (counts.view(k, k) / n - J[j]).abs().max() < 3 / np.sqrt(n)


def test_joint_of_equal_outputs_is_diagonal(seed: int) -> None:
    p, _ = _dirichlet_pairs(seed, 50, 5)
    lp = log_probabilities(p)
    J = categorical_joint(lp, lp)
    torch.testing.assert_close(J, torch.diag_embed(p), atol=1e-14, rtol=0)


def test_two_classes_equal_the_bernoulli_law(seed: int) -> None:
    p, q = _dirichlet_pairs(seed, 200, 2)
    general = gumbel_joint(log_probabilities(p), log_probabilities(q))
    torch.testing.assert_close(general, bernoulli_joint(p[:, 1], q[:, 1]))
    law = bernoulli_law(p[:, 1], q[:, 1])
    torch.testing.assert_close(law[:, 2], general[:, 1, 0])
    torch.testing.assert_close(law[:, 0], general[:, 0, 1])
    torch.testing.assert_close(law.sum(-1), torch.ones(200, dtype=law.dtype))


@pytest.mark.parametrize("k", [2, 3, 6])
def test_probability_of_change_at_least_total_variation(seed: int, k: int) -> None:
    p, q = _dirichlet_pairs(seed, 400, k)
    diag = categorical_diagonal(log_probabilities(p), log_probabilities(q))
    change = 1 - diag.sum(-1)
    tv = 0.5 * (p - q).abs().sum(-1)
    assert torch.all(change >= tv - 1e-12)
    if k == 2:
        torch.testing.assert_close(change, tv)
    else:
        assert torch.any(change > tv + 1e-3)


def test_logit_shift_invariance(seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    a = torch.randn(100, 5, generator=gen, dtype=torch.float64)
    b = torch.randn(100, 5, generator=gen, dtype=torch.float64)
    shift_a = 3.7 * torch.randn(100, 1, generator=gen, dtype=torch.float64)
    J = categorical_joint(log_probabilities(logits=a), log_probabilities(logits=b))
    J2 = categorical_joint(
        log_probabilities(logits=a + shift_a), log_probabilities(logits=b - 12.0)
    )
    torch.testing.assert_close(J, J2, atol=1e-14, rtol=0)


def test_diagonal_fast_path_equals_full_joint_and_closed_form(seed: int) -> None:
    p, q = _dirichlet_pairs(seed, 100, 6)
    lp, lq = log_probabilities(p), log_probabilities(q)
    diag = categorical_diagonal(lp, lq)
    full = torch.diagonal(categorical_joint(lp, lq), dim1=-2, dim2=-1)
    torch.testing.assert_close(diag, full)
    # J[k, k] = 1 / sum_j max(p_j / p_k, q_j / q_k), written out directly
    P, Q = p.numpy(), q.numpy()
    direct = 1 / np.maximum(
        P[:, None, :] / P[:, :, None], Q[:, None, :] / Q[:, :, None]
    ).sum(-1)
    np.testing.assert_allclose(diag.numpy(), direct, rtol=1e-12, atol=0)


def test_zero_probabilities_and_ties_stay_finite() -> None:
    p = _t([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.2, 0.2, 0.6]])
    q = _t([[0.0, 1.0, 0.0], [0.25, 0.25, 0.5], [0.2, 0.2, 0.6]])
    J = categorical_joint(log_probabilities(p), log_probabilities(q))
    assert torch.isfinite(J).all() and J.min() >= 0
    assert (J.sum(-1) - p).abs().max() < 1e-12
    assert (J.sum(-2) - q).abs().max() < 1e-12
    assert J[0, 0, 1] == pytest.approx(1.0)
    # tied ratios (classes 0 and 1 of row 1): no mass moves between them
    assert J[1, 0, 1] == 0 and J[1, 1, 0] == 0


def test_gaussian_law_of_one_pair() -> None:
    mean, std = gaussian_law(_t(2.0), _t(3.0), _t(0.5), _t(1.0))
    assert float(mean) == 1.5 and float(std) == 2.0


def test_extreme_logits_keep_marginals_and_mass() -> None:
    # probabilities far below float64's smallest normal number, and near-ties
    a = _t([[800.0, 0.0, -800.0, 5.0], [0.0, 1e-13, -1e-13, -900.0]])
    b = _t([[-800.0, 800.0, 0.0, 5.0], [0.0, 0.0, 0.0, 900.0]])
    lp, lq = log_probabilities(logits=a), log_probabilities(logits=b)
    J = categorical_joint(lp, lq)
    assert torch.isfinite(J).all() and J.min() >= 0
    torch.testing.assert_close(J.sum(-1), lp.exp(), atol=1e-12, rtol=0)
    torch.testing.assert_close(J.sum(-2), lq.exp(), atol=1e-12, rtol=0)
    # row 0: class 0 surely with, class 1 surely without
    assert float(J[0, 0, 1]) == pytest.approx(1.0, abs=1e-12)
    # row 1: without is class 3 surely; with is spread over classes 0..2
    torch.testing.assert_close(J[1, :, 3], lp[1].exp(), atol=1e-12, rtol=0)
