"""k-best enumeration, sparsemax and SparseMAP (engine.dag private helpers)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from engine.dag._kbest import kbest_rankings
from engine.dag._orderings import repair_rankings
from engine.dag._sparsemap import sparsemap, sparsemap_active_set
from engine.dag._sparsemax import sparsemax


def _brute_force_scores(theta: np.ndarray) -> np.ndarray:
    d = len(theta)
    perms = np.array(list(itertools.permutations(range(1, d + 1))))
    return np.sort(perms @ theta)[::-1]


@pytest.mark.parametrize("d", [2, 3, 4, 5, 6])
def test_kbest_matches_brute_force(d, seed):
    rng = np.random.default_rng(seed + d)
    for trial in range(5):
        theta = rng.normal(size=d)
        if trial == 4:
            theta = np.round(theta, 0)  # ties
        k = min(30, int(np.prod(range(1, d + 1))))
        rankings, scores = kbest_rankings(theta, k)
        expected = _brute_force_scores(theta)[:k]
        np.testing.assert_allclose(scores, expected, atol=1e-9)
        np.testing.assert_allclose(rankings @ theta, scores, atol=1e-9)
        assert len({tuple(r) for r in rankings}) == k  # distinct
        assert all(sorted(r) == list(range(1, d + 1)) for r in rankings.tolist())


def test_kbest_returns_all_permutations_when_k_is_large():
    rankings, _ = kbest_rankings(np.array([0.3, -1.0, 2.0]), 100)
    assert len(rankings) == 6


def _finite_difference(fn, x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    jac = torch.zeros(fn(x).numel(), x.numel(), dtype=x.dtype)
    for i in range(x.numel()):
        e = torch.zeros_like(x)
        e[i] = eps
        jac[:, i] = (fn(x + e) - fn(x - e)) / (2 * eps)
    return jac


def test_sparsemax_values_and_gradient_match_finite_differences(seed):
    gen = torch.Generator().manual_seed(seed)
    s = torch.randn(6, generator=gen, dtype=torch.float64)
    p = sparsemax(s)
    assert torch.all(p >= 0) and abs(float(p.sum()) - 1) < 1e-12
    jac = torch.autograd.functional.jacobian(sparsemax, s)
    np.testing.assert_allclose(jac, _finite_difference(sparsemax, s), atol=1e-6)


def test_sparsemax_hand_example():
    p = sparsemax(torch.tensor([0.5, 0.2, -3.0], dtype=torch.float64))
    np.testing.assert_allclose(p, [0.65, 0.35, 0.0])


def test_sparsemap_weights_sum_to_one_and_reconstruct_projection(seed):
    rng = np.random.default_rng(seed)
    for d in (3, 5, 8):
        theta = rng.normal(size=d) * 2
        vertices, alpha = sparsemap_active_set(theta)
        assert np.all(alpha > 0) and abs(alpha.sum() - 1) < 1e-9
        mu = alpha @ vertices
        # mu is the projection iff <theta - mu, v - mu> <= 0 for every vertex v;
        # the worst vertex is the sort of theta - mu
        g = theta - mu
        worst = np.empty(d)
        worst[np.argsort(g)] = np.arange(1, d + 1)
        assert g @ (worst - mu) <= 1e-7
        # brute force at d = 3 and 5: no vertex violates the condition
        if d <= 5:
            for perm in itertools.permutations(range(1, d + 1)):
                assert g @ (np.array(perm) - mu) <= 1e-7


def test_sparsemap_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed + 1)
    theta0 = torch.tensor(rng.normal(size=4) * 1.5, dtype=torch.float64)
    vertices, _ = sparsemap(theta0)

    def mu_of(t: torch.Tensor) -> torch.Tensor:
        r, a = sparsemap(t)
        V = torch.as_tensor(r, dtype=t.dtype)
        return a @ V

    jac = torch.autograd.functional.jacobian(mu_of, theta0)
    fd = _finite_difference(mu_of, theta0, eps=1e-7)
    np.testing.assert_allclose(jac, fd, atol=1e-5)
    # weights: the Jacobian of alpha on a fixed active set
    jac_alpha = torch.autograd.functional.jacobian(lambda t: sparsemap(t)[1], theta0)
    fd_alpha = _finite_difference(lambda t: sparsemap(t)[1], theta0, eps=1e-7)
    if fd_alpha.shape == jac_alpha.shape:  # same active set on both sides
        np.testing.assert_allclose(jac_alpha, fd_alpha, atol=1e-5)
    assert vertices.shape[1] == 4


def test_repair_rankings_respects_precedence():
    before = np.zeros((3, 3), dtype=bool)
    before[2, 0] = True  # node 2 before node 0
    rankings = np.array([[1, 2, 3], [3, 2, 1], [1, 3, 2]])
    repaired, index = repair_rankings(rankings, before)
    for r in repaired:
        assert r[2] < r[0]
    assert len(index) == 3 and index.max() < len(repaired)
