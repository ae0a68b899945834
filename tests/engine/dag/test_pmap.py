"""Perturb-and-MAP estimators: noise, solvers, I-MLE, AIMLE and STE."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from engine.dag.pmap import (
    AdaptiveLambda,
    Threshold,
    TopK,
    perturb_and_map,
    sample_noise,
    sum_of_gamma_moments,
)
from engine.errors import ConfigError

M, K, TAU = 5, 2, 1.0
THETA = torch.tensor([0.8, 0.3, -0.2, 0.1, -0.6], dtype=torch.float64)
TARGET = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.0], dtype=torch.float64)


def _loss(z: torch.Tensor) -> torch.Tensor:
    """Squared distance of each k-subset indicator to TARGET, shape (S,)."""
    return (z - TARGET).pow(2).sum(-1)


def _exact_gradient() -> torch.Tensor:
    """Gradient of E[L(z)] under p(z) ∝ exp(<z, theta>/tau) over all 2-subsets."""
    subsets = []
    for idx in itertools.combinations(range(M), K):
        z = torch.zeros(M, dtype=torch.float64)
        z[list(idx)] = 1.0
        subsets.append(z)
    Z = torch.stack(subsets)  # (10, M)
    theta = THETA.clone().requires_grad_(True)
    p = torch.softmax(Z @ theta / TAU, dim=0)
    (p @ _loss(Z)).backward()
    return theta.grad


def _estimate(estimator: str, seed: int, **kw) -> torch.Tensor:
    theta = THETA.clone().requires_grad_(True)
    gen = torch.Generator().manual_seed(seed)
    z = perturb_and_map(
        theta,
        TopK(K),
        estimator=estimator,
        noise="sum_of_gamma",
        sog_k=float(K),
        n_samples=4000,
        temperature=TAU,
        generator=gen,
        **kw,
    )
    _loss(z).mean().backward()
    return theta.grad


def _cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(a @ b / (a.norm() * b.norm()))


def test_imle_gradient_points_like_exact_gradient_on_topk(seed):
    # I-MLE is biased but, for a moderate lambda, well aligned (bound 0.9)
    grad = _estimate("imle", seed, lam=1.0)
    assert _cosine(grad, _exact_gradient()) > 0.9


@pytest.mark.parametrize("symmetric", [False, True])
def test_aimle_gradient_points_like_exact_gradient_on_topk(seed, symmetric):
    state = AdaptiveLambda(target=2.0, beta=0.5, symmetric=symmetric)
    grad = _estimate("aimle", seed, adaptive=state)
    assert _cosine(grad, _exact_gradient()) > 0.9
    assert state.n_updates == 1


def test_imle_noise_free_matches_hand_computation():
    # z = top2(theta) = {0, 1}; dy = 2 (z - b) = [2, 0, -2, 0, 0] per sample;
    # target = theta - 1 * 1 * dy = [-1.2, 0.3, 1.8, 0.1, -0.6] -> top2 = {1, 2};
    # gradient = (z - z') / (lam * tau) = [1, 0, -1, 0, 0]
    theta = THETA.clone().requires_grad_(True)
    z = perturb_and_map(
        theta,
        TopK(K),
        noise="none",
        lam=1.0,
        temperature=1.0,
        generator=torch.Generator().manual_seed(0),
    )
    _loss(z).mean().backward()
    expected = torch.tensor([1.0, 0.0, -1.0, 0.0, 0.0], dtype=torch.float64)
    assert torch.equal(theta.grad, expected)


def test_ste_gradient_is_sum_of_incoming_over_temperature(seed):
    theta = THETA.clone().requires_grad_(True)
    gen = torch.Generator().manual_seed(seed)
    z = perturb_and_map(
        theta, TopK(K), estimator="ste", n_samples=3, temperature=0.5, generator=gen
    )
    weights = torch.arange(15, dtype=torch.float64).reshape(3, M)
    (z * weights).sum().backward()
    assert torch.allclose(theta.grad, weights.sum(0) / 0.5)


def test_threshold_frequencies_match_sigmoid(seed):
    theta = torch.tensor([-1.0, 0.0, 0.5, 2.0], dtype=torch.float64)
    gen = torch.Generator().manual_seed(seed)
    z = perturb_and_map(
        theta, Threshold(), n_samples=20000, temperature=0.7, generator=gen
    )
    freq = z.mean(0)
    expected = torch.sigmoid(theta / 0.7)
    assert torch.allclose(freq, expected, atol=0.015)


@pytest.mark.parametrize(("k", "n_terms"), [(1.0, 10), (3.0, 10), (5.0, 30)])
def test_sum_of_gamma_noise_has_spec_moments(seed, k, n_terms):
    gen = torch.Generator().manual_seed(seed)
    like = torch.zeros(1, dtype=torch.float64)
    eps = sample_noise((100000,), "sum_of_gamma", gen, like, k=k, n_terms=n_terms)
    mean, var = sum_of_gamma_moments(k, n_terms)
    harmonic = sum(1.0 / i for i in range(1, n_terms + 1))
    assert mean == pytest.approx((harmonic - math.log(n_terms)) / k)
    assert float(eps.mean()) == pytest.approx(mean, abs=4 * math.sqrt(var / 1e5))
    assert float(eps.var()) == pytest.approx(var, rel=0.03)


@pytest.mark.parametrize(
    ("kind", "mean", "var"),
    [("logistic", 0.0, math.pi**2 / 3), ("gumbel", 0.5772156649, math.pi**2 / 6)],
)
def test_logistic_and_gumbel_noise_moments(seed, kind, mean, var):
    gen = torch.Generator().manual_seed(seed)
    eps = sample_noise((200000,), kind, gen, torch.zeros(1, dtype=torch.float64))
    assert float(eps.mean()) == pytest.approx(mean, abs=0.03)
    assert float(eps.var()) == pytest.approx(var, rel=0.03)


def _aimle_backward(state: AdaptiveLambda, seed: int) -> None:
    theta = torch.linspace(-1, 1, 20, dtype=torch.float64).requires_grad_(True)
    gen = torch.Generator().manual_seed(seed)
    z = perturb_and_map(
        theta,
        Threshold(),
        estimator="aimle",
        adaptive=state,
        n_samples=4,
        temperature=0.5,
        generator=gen,
    )
    (z * torch.linspace(1, 2, 20, dtype=torch.float64)).sum().backward()


def test_aimle_lambda_grows_when_too_few_gradient_entries(seed):
    state = AdaptiveLambda(target=5.0, beta=0.0, step=0.01)
    for _ in range(50):
        _aimle_backward(state, seed)
    assert state.beta > 0.1
    assert state.ema is not None


def test_aimle_lambda_shrinks_when_too_many_gradient_entries(seed):
    state = AdaptiveLambda(target=2.0, beta=5.0, step=0.05)
    first = None
    for i in range(60):
        _aimle_backward(state, seed + i)
        first = state.ema if first is None else first
    assert state.beta < 5.0 - 1.0
    assert state.ema < first


def test_aimle_requires_state():
    with pytest.raises(ConfigError, match="adaptive"):
        perturb_and_map(
            THETA, Threshold(), estimator="aimle", generator=torch.Generator()
        )


def test_perturb_and_map_rejects_bad_options():
    gen = torch.Generator()
    with pytest.raises(ConfigError, match="estimator"):
        perturb_and_map(THETA, Threshold(), estimator="sfe", generator=gen)
    with pytest.raises(ConfigError, match="n_samples"):
        perturb_and_map(THETA, Threshold(), n_samples=0, generator=gen)
    with pytest.raises(ConfigError, match="kind"):
        perturb_and_map(THETA, Threshold(), noise="normal", generator=gen)
    with pytest.raises(ConfigError, match="'k'"):
        TopK(0)


def test_topk_on_matrices_positive_only():
    scores = torch.tensor([[[3.0, -1.0], [2.0, 1.0]], [[-1.0, -2.0], [0.5, -3.0]]])
    z = TopK(2, n_dims=2, positive_only=True)(scores)
    expected = torch.tensor([[[1.0, 0.0], [1.0, 0.0]], [[0.0, 0.0], [1.0, 0.0]]])
    assert torch.equal(z, expected)
    assert np.isfinite(z.numpy()).all()


def test_aimle_beta_momentum_by_hand():
    state = AdaptiveLambda(target=5.0, beta=0.0, step=0.1, momentum=0.5)
    for expected in (0.1, 0.25, 0.425):  # v = 0.1, 0.15, 0.175
        state.update(0.0)
        assert state.beta == pytest.approx(expected)
    assert state.velocity == pytest.approx(0.175)

    state = AdaptiveLambda(target=0.5, beta=0.05, step=0.1, momentum=0.5)
    state.update(10.0)  # too many entries: beta would go below zero
    assert state.beta == 0.0 and state.velocity == 0.0


def test_aimle_momentum_zero_moves_beta_by_exactly_one_step():
    state = AdaptiveLambda(target=5.0, beta=1.0, step=0.01)
    for _ in range(3):
        state.update(0.0)
    assert state.beta == pytest.approx(1.03)


@pytest.mark.parametrize("momentum", [1.0, -0.1, float("nan")])
def test_aimle_momentum_must_be_in_zero_one(momentum):
    with pytest.raises(ConfigError, match="momentum"):
        AdaptiveLambda(momentum=momentum)
