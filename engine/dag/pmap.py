"""Perturb-and-MAP gradient estimators for discrete structures.

A discrete structure ``z`` (a binary vector or matrix: a k-subset, a digraph) is
modelled by the exponential family ``p(z; theta) ∝ exp(<z, theta> / tau)`` and sampled
by *perturb-and-MAP*: ``z_s = MAP(theta + tau * eps_s)`` with noise ``eps_s``. The MAP
solver is any callable; this module never assumes a DAG. Three backward rules make
the sample differentiable:

* **I-MLE** (implicit maximum-likelihood estimation): a target distribution with
  scores ``theta'_s = theta - lam * tau * dy_s`` is sampled with the *same* noise,
  ``z'_s = MAP(theta'_s + tau * eps_s)``, and the gradient is
  ``(1/S) sum_s (z_s - z'_s) / (lam * tau)``.
* **AIMLE** (adaptive I-MLE): the step ``pm_s = beta * ||theta + tau eps_s|| /
  ||dy_s||`` adapts ``beta`` so that about ``target`` gradient entries per sample
  are non-zero; a
  forward difference ``(z_s - z'_s) / pm_s`` or a central difference
  ``(z^L_s - z^R_s) / (2 pm_s)`` with ``theta'^{L,R} = theta ± pm_s dy_s``.
* **STE** (straight-through): the gradient is ``(1/S) sum_s dy_s / tau``.

Marginal samples
----------------
With ``n_marginal = M > 1`` (AIMLE's ``nb_marginal_samples``) I-MLE and AIMLE
estimate each forward sample's gradient from ``M`` noise draws instead of one:
``eps_{s,1} = eps_s`` is the forward sample's own noise and ``eps_{s,2..M}`` are
fresh draws of the same noise kind and temperature, taken from the same
generator right after the forward noise (so a seed fixes them, and the forward
samples do not depend on ``M``). Both sides of every difference use the same draw
(coupled differences); for I-MLE

    g_s = (1/M) sum_m (MAP(theta + tau eps_{s,m})
                       - MAP(theta'_s + tau eps_{s,m})) / (lam * tau),

with ``MAP(theta + tau eps_{s,1}) = z_s``. AIMLE does the same with the targets
``theta ∓ pm_s dy_s``; the step ``pm_s`` is computed once per forward sample from
its own noise, as for ``M = 1``, and shared by its ``M`` draws, so
``g_s = (1/M) sum_m diff_{s,m} / pm_s``. The gradient stays ``(1/S) sum_s g_s``.
Given ``dy_s`` (and ``pm_s``) the draws are independent, so that part of the
variance falls by ``1/M``; the expectation is unchanged. AIMLE's ``nnz`` (the
statistic that adapts ``beta``) is the mean over the ``S * M`` single-draw
differences of their non-zero entries, not the count of the averaged gradient:
for given scores its expectation does not depend on ``M`` (``M`` lowers the
variance, it does not ask for a smaller step). Cost: ``2 M`` MAPs per sample
instead of 2 (``2 M + 1`` for the central difference), batched: one solver call
on ``(S*M, *shape)`` per target side, one on ``(S*(M-1), *shape)`` for the
forward side of a forward difference. ``M = 1`` is exactly the single-draw
estimator (no extra noise is drawn). STE ignores ``M``.

Conventions
-----------
The forward pass returns ``S`` samples stacked on a new leading axis,
shape ``(S, *theta.shape)``. Inside the backward pass ``dy_s`` is the incoming
gradient of sample ``s`` multiplied by ``S``, i.e. the per-sample gradient when the
loss is the mean over the samples (the usual reduction); ``lam`` is measured against
that per-sample loss. With any other reduction the estimators stay consistent:
only the effective step changes.

References
----------
Niepert, Minervini, Franceschi. "Implicit MLE: Backpropagating Through Discrete
Exponential Family Distributions." NeurIPS 2021.
Minervini, Franceschi, Niepert. "Adaptive Perturbation-Based Gradient Estimation for
Discrete Latent Variable Models." AAAI 2023.
Wren, Minervini, Franceschi, Zantedeschi. "Learning Discrete Directed Acyclic Graphs
via Backpropagation." arXiv 2210.15353, 2022.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import torch

from engine.errors import ConfigError, check_choice, check_range, plain

__all__ = [
    "ESTIMATORS",
    "NOISES",
    "AdaptiveLambda",
    "MapSolver",
    "Threshold",
    "TopK",
    "perturb_and_map",
    "sample_noise",
    "sum_of_gamma_moments",
]

NoiseKind = Literal["logistic", "gumbel", "sum_of_gamma", "none"]
EstimatorKind = Literal["imle", "aimle", "ste"]
NOISES: tuple[str, ...] = ("logistic", "gumbel", "sum_of_gamma", "none")
ESTIMATORS: tuple[str, ...] = ("imle", "aimle", "ste")

#: A MAP solver maps scores of shape (S, *shape) to binary tensors of that shape;
#: it must treat the leading axis as a batch of independent problems.
MapSolver = Callable[[torch.Tensor], torch.Tensor]

_TINY = 1e-7


# --- noise ---------------------------------------------------------------------


def _uniform_open(
    shape: tuple[int, ...], generator: torch.Generator, like: torch.Tensor
) -> torch.Tensor:
    """Uniform(0, 1) draws kept away from 0 and 1 so logs stay finite."""
    u = torch.rand(shape, generator=generator, dtype=like.dtype, device=like.device)
    eps = torch.finfo(like.dtype).eps
    return u.clamp(eps, 1.0 - eps)


def _sum_of_gamma(
    shape: tuple[int, ...],
    generator: torch.Generator,
    like: torch.Tensor,
    k: float,
    n_terms: int,
) -> torch.Tensor:
    """Sum-of-Gamma noise ``(1/k) (sum_{i<=s} G_i - log s)``, G_i ~ Gamma(1/k, i/k)."""
    rates = torch.arange(1, n_terms + 1, dtype=like.dtype, device=like.device) / k
    alpha = torch.full((n_terms, *shape), 1.0 / k, dtype=like.dtype, device=like.device)
    draws = torch._standard_gamma(alpha, generator=generator)
    draws = draws / rates.reshape(-1, *([1] * len(shape)))
    return (draws.sum(0) - math.log(n_terms)) / k


def sample_noise(
    shape: tuple[int, ...],
    kind: NoiseKind,
    generator: torch.Generator,
    like: torch.Tensor,
    *,
    k: float = 1.0,
    n_terms: int = 10,
) -> torch.Tensor:
    """Draw perturbation noise of one of the supported kinds.

    Parameters
    ----------
    shape : tuple of int
        Shape of the noise tensor.
    kind : {"logistic", "gumbel", "sum_of_gamma", "none"}
        ``logistic``: ``log u - log(1 - u)``; ``gumbel``: ``-log(-log u)``;
        ``sum_of_gamma``: ``(1/k) (sum_{i=1..s} G_i - log s)`` with
        ``G_i ~ Gamma(shape 1/k, rate i/k)``, ``s = n_terms``; ``none``: zeros.
    generator : torch.Generator
        Local generator on ``like``'s device.
    like : torch.Tensor
        Provides dtype and device.
    k : float, default=1.0
        Sum-of-Gamma: the expected number of active components (k of top-k).
    n_terms : int, default=10
        Sum-of-Gamma: number of Gamma terms ``s``.

    Returns
    -------
    torch.Tensor of shape ``shape``
    """
    check_choice("sample_noise", "kind", kind, NOISES)
    if kind == "none":
        return torch.zeros(shape, dtype=like.dtype, device=like.device)
    if kind == "sum_of_gamma":
        check_range("sample_noise", "k", k, low=0.0, low_open=True)
        if not isinstance(n_terms, int) or n_terms < 1:
            raise ConfigError(
                "sample_noise: 'n_terms' must be a positive integer; got "
                f"{plain(n_terms)!r}."
            )
        return _sum_of_gamma(shape, generator, like, k, n_terms)
    u = _uniform_open(shape, generator, like)
    if kind == "logistic":
        return torch.log(u) - torch.log1p(-u)
    return -torch.log(-torch.log(u))


def sum_of_gamma_moments(k: float, n_terms: int) -> tuple[float, float]:
    """Mean and variance of one Sum-of-Gamma noise entry.

    ``E[G_i] = 1/i`` and ``Var[G_i] = k / i**2`` for ``G_i ~ Gamma(1/k, rate i/k)``,
    so the mean is ``(H_s - log s) / k`` and the variance ``(sum_i 1/i**2) / k``.

    Examples
    --------
    >>> mean, var = sum_of_gamma_moments(1.0, 1)
    >>> round(mean, 6), round(var, 6)
    (1.0, 1.0)
    """
    harmonic = sum(1.0 / i for i in range(1, n_terms + 1))
    squares = sum(1.0 / i**2 for i in range(1, n_terms + 1))
    return (harmonic - math.log(n_terms)) / k, squares / k


# --- MAP solvers ------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """MAP of independent binary entries: ``z = 1[score > 0]``.

    With logistic noise of temperature ``tau`` the sample is exact:
    ``P(z_i = 1) = sigmoid(theta_i / tau)``.
    """

    def __call__(self, scores: torch.Tensor) -> torch.Tensor:
        """Return ``(scores > 0)`` as the scores' dtype."""
        return (scores > 0).to(scores.dtype)


@dataclass(frozen=True)
class TopK:
    """MAP of a k-subset: ones at the ``k`` largest scores of each problem.

    Parameters
    ----------
    k : int
        Subset size.
    n_dims : int, default=1
        How many trailing axes form one problem (2 for a matrix).
    positive_only : bool, default=False
        Also require a score above zero (at most ``k`` ones).
    """

    k: int
    n_dims: int = 1
    positive_only: bool = False

    def __post_init__(self) -> None:
        """Check ``k`` and ``n_dims``."""
        for name in ("k", "n_dims"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(
                    f"TopK: '{name}' must be a positive integer; got {plain(value)!r}."
                )

    def __call__(self, scores: torch.Tensor) -> torch.Tensor:
        """Return the top-k indicator with the shape and dtype of ``scores``."""
        flat = scores.flatten(start_dim=scores.dim() - self.n_dims)
        k = min(self.k, flat.shape[-1])
        idx = flat.topk(k, dim=-1).indices
        z = torch.zeros_like(flat).scatter_(-1, idx, 1.0)
        if self.positive_only:
            z = z * (flat > 0).to(flat.dtype)
        return z.reshape(scores.shape)


# --- adaptive lambda --------------------------------------------------------------


@dataclass
class AdaptiveLambda:
    """Mutable state of AIMLE's adaptive perturbation size.

    After each backward pass ``ema <- decay * ema + (1 - decay) * nnz``, with ``nnz``
    the mean number of non-zero gradient entries per sample (with ``M`` marginal
    draws, the mean over the ``S * M`` single-draw differences, so for given scores
    its expectation does not depend on ``M``); then the velocity
    ``v <- momentum * v + delta`` with ``delta = +step`` while ``ema < target`` and
    ``-step`` otherwise, and ``beta <- max(0, beta + v)`` (with the default
    ``momentum = 0``, ``beta`` moves by exactly ``step``; the velocity is reset when
    ``beta`` hits zero). The perturbation of sample ``s`` is
    ``beta * ||theta + tau eps_s|| / ||dy_s||``.

    Notes
    -----
    The reference rule scales by ``||theta||``; here the norm of the *perturbed*
    scores is used (identical without noise). With near-zero initial scores, as
    DAG-DB uses, ``||theta||`` would make the first steps vanish and leave ``beta``
    to climb over several orders of magnitude by additive steps.

    Parameters
    ----------
    target : float, default=1.0
        Wanted number of non-zero gradient entries per sample.
    beta : float, default=1.0
        Initial relative perturbation size.
    step : float, default=1e-4
        Additive change of ``beta`` per update.
    decay : float, default=0.9
        Moving-average factor of ``nnz``.
    symmetric : bool, default=False
        Central difference (``True``) instead of the forward difference.
    momentum : float, default=0.0
        Momentum of the ``beta`` updates, in ``[0, 1)``.

    Attributes
    ----------
    ema : float or None
        Moving average of ``nnz``; ``None`` before the first update.
    n_updates : int
        Backward passes seen.
    velocity : float
        Current change of ``beta`` per update.
    """

    target: float = 1.0
    beta: float = 1.0
    step: float = 1e-4
    decay: float = 0.9
    symmetric: bool = False
    momentum: float = 0.0
    ema: float | None = field(default=None)
    n_updates: int = 0
    velocity: float = 0.0

    def __post_init__(self) -> None:
        """Check the ranges."""
        check_range("AdaptiveLambda", "target", self.target, low=0.0)
        check_range("AdaptiveLambda", "beta", self.beta, low=0.0)
        check_range("AdaptiveLambda", "step", self.step, low=0.0)
        check_range("AdaptiveLambda", "decay", self.decay, low=0.0, high=1.0)
        check_range("AdaptiveLambda", "momentum", self.momentum, low=0.0, high=1.0)
        if self.momentum >= 1.0:
            raise ConfigError(
                f"AdaptiveLambda: 'momentum' must be below 1 (1 never forgets a "
                f"step); got {self.momentum!r}."
            )

    def update(self, nnz: float) -> None:
        """Feed the mean non-zero count per sample of one backward pass."""
        if self.ema is None:
            self.ema = float(nnz)
        else:
            self.ema = self.decay * self.ema + (1.0 - self.decay) * float(nnz)
        delta = self.step if self.ema < self.target else -self.step
        self.velocity = self.momentum * self.velocity + delta
        self.beta += self.velocity
        if self.beta <= 0.0:
            self.beta, self.velocity = 0.0, 0.0
        self.n_updates += 1


# --- autograd functions -----------------------------------------------------------


def _per_sample_norm(x: torch.Tensor) -> torch.Tensor:
    """L2 norm of each sample (leading axis), shaped to broadcast back."""
    norms = x.flatten(start_dim=1).norm(dim=1)
    return norms.reshape(-1, *([1] * (x.dim() - 1)))


def _map_draws(solver: MapSolver, scores: torch.Tensor) -> torch.Tensor:
    """MAP of every draw in one solver call.

    Parameters
    ----------
    solver : callable
        Batched MAP solver.
    scores : torch.Tensor of shape (S, M, *shape)
        Perturbed scores of ``M`` draws for each of ``S`` samples.

    Returns
    -------
    torch.Tensor of shape (S, M, *shape)
        The solver applied to the ``(S * M, *shape)`` batch, reshaped back.
    """
    flat = scores.reshape(-1, *scores.shape[2:])
    return solver(flat).reshape(scores.shape)


def _source_draws(
    solver: MapSolver, noisy: torch.Tensor, z: torch.Tensor
) -> torch.Tensor:
    """``MAP(theta + tau eps_{s,m})`` of every draw, reusing the forward samples.

    Parameters
    ----------
    solver : callable
        Batched MAP solver.
    noisy : torch.Tensor of shape (S, M, *shape)
        ``theta + tau * eps`` for every draw; draw 0 is the forward noise.
    z : torch.Tensor of shape (S, *shape)
        Forward samples, ``MAP(noisy[:, 0])``.

    Returns
    -------
    torch.Tensor of shape (S, M, *shape)
    """
    if noisy.shape[1] == 1:
        return z.unsqueeze(1)
    fresh = _map_draws(solver, noisy[:, 1:])
    return torch.cat([z.unsqueeze(1), fresh], dim=1)


class _IMLE(torch.autograd.Function):
    """I-MLE: forward perturb-and-MAP, backward through a target distribution.

    ``eps`` has shape (S, M, *shape): draw 0 perturbs the forward sample, all ``M``
    draws the backward pass's coupled differences (module docstring).
    """

    @staticmethod
    def forward(  # type: ignore[override]
        ctx: Any,
        theta: torch.Tensor,
        eps: torch.Tensor,
        solver: MapSolver,
        lam: float,
        tau: float,
    ) -> torch.Tensor:
        z = solver(theta.unsqueeze(0) + tau * eps[:, 0])
        ctx.save_for_backward(theta, eps, z)
        ctx.solver, ctx.lam, ctx.tau = solver, lam, tau
        return z

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[Any, ...]:  # type: ignore[override]
        theta, eps, z = ctx.saved_tensors
        n_samples = z.shape[0]
        step = ctx.lam * max(ctx.tau, _TINY)  # beta = lam * tau, in score units
        target = theta.unsqueeze(0) - step * (n_samples * grad)  # (S, *shape)
        z_target = _map_draws(ctx.solver, target.unsqueeze(1) + ctx.tau * eps)
        noisy = theta.reshape(1, 1, *theta.shape) + ctx.tau * eps
        diff = _source_draws(ctx.solver, noisy, z) - z_target  # (S, M, *shape)
        return diff.mean(1).mean(0) / step, None, None, None, None


class _AIMLE(torch.autograd.Function):
    """AIMLE: I-MLE with a per-sample step set by :class:`AdaptiveLambda`.

    ``eps`` has shape (S, M, *shape) as in :class:`_IMLE`; the step ``pm_s`` comes
    from the forward draw and is shared by the sample's ``M`` draws; ``nnz`` is the
    mean non-zero count over the ``S * M`` single-draw differences.
    """

    @staticmethod
    def forward(  # type: ignore[override]
        ctx: Any,
        theta: torch.Tensor,
        eps: torch.Tensor,
        solver: MapSolver,
        state: AdaptiveLambda,
        tau: float,
    ) -> torch.Tensor:
        z = solver(theta.unsqueeze(0) + tau * eps[:, 0])
        ctx.save_for_backward(theta, eps, z)
        ctx.solver, ctx.state, ctx.tau = solver, state, tau
        return z

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[Any, ...]:  # type: ignore[override]
        theta, eps, z = ctx.saved_tensors
        state: AdaptiveLambda = ctx.state
        dy = z.shape[0] * grad  # (S, *shape) per-sample gradients
        dy_norm = _per_sample_norm(dy)
        noisy = theta.reshape(1, 1, *theta.shape) + ctx.tau * eps  # (S, M, *shape)
        pm = state.beta * _per_sample_norm(noisy[:, 0]) / dy_norm.clamp_min(_TINY)
        pm = torch.where(dy_norm > 0, pm, torch.zeros_like(pm))
        shift = (pm * dy).unsqueeze(1)
        z_right = _map_draws(ctx.solver, noisy - shift)
        if state.symmetric:
            diff = (_map_draws(ctx.solver, noisy + shift) - z_right) / 2.0
        else:
            diff = _source_draws(ctx.solver, noisy, z) - z_right
        nnz = (diff != 0).flatten(start_dim=2).sum(2).to(theta.dtype).mean()
        state.update(float(nnz))
        mean = diff.mean(1)  # (S, *shape)
        scaled = torch.where(pm > 0, mean / pm.clamp_min(_TINY), torch.zeros_like(mean))
        return scaled.mean(0), None, None, None, None


class _STE(torch.autograd.Function):
    """Straight-through: the sample's gradient passed to the scores, over tau."""

    @staticmethod
    def forward(  # type: ignore[override]
        ctx: Any,
        theta: torch.Tensor,
        eps: torch.Tensor,
        solver: MapSolver,
        tau: float,
    ) -> torch.Tensor:
        ctx.tau = tau
        return solver(theta.unsqueeze(0) + tau * eps)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[Any, ...]:  # type: ignore[override]
        tau = ctx.tau if ctx.tau > 0 else 1.0
        return grad.sum(0) / tau, None, None, None


def _check_n_marginal(value: Any) -> None:
    """Refuse a marginal draw count that is not an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"perturb_and_map: 'n_marginal' must be an integer >= 1 (1 = one noise "
            f"draw per sample, the plain estimator); got {plain(value)!r}."
        )


def perturb_and_map(
    theta: torch.Tensor,
    solver: MapSolver,
    *,
    estimator: EstimatorKind = "imle",
    noise: NoiseKind = "logistic",
    n_samples: int = 1,
    temperature: float = 1.0,
    lam: float = 10.0,
    adaptive: AdaptiveLambda | None = None,
    generator: torch.Generator,
    sog_k: float = 1.0,
    sog_terms: int = 10,
    n_marginal: int = 1,
) -> torch.Tensor:
    """Draw ``S`` differentiable perturb-and-MAP samples of a discrete structure.

    Parameters
    ----------
    theta : torch.Tensor of shape (*shape)
        Scores; gradients flow to them.
    solver : callable
        MAP solver (``Threshold()``, ``TopK(k)``, or any batched callable).
    estimator : {"imle", "aimle", "ste"}, default="imle"
        Backward rule (see the module docstring).
    noise : {"logistic", "gumbel", "sum_of_gamma", "none"}, default="logistic"
        Perturbation noise.
    n_samples : int, default=1
        Number of samples ``S``.
    temperature : float, default=1.0
        Noise temperature ``tau`` (>= 0).
    lam : float, default=10.0
        I-MLE's lambda (> 0); the target step is ``lam * tau`` in score units.
    adaptive : AdaptiveLambda or None
        State for ``estimator="aimle"``; required there, updated in place by each
        backward pass.
    generator : torch.Generator
        Local generator for the noise.
    sog_k, sog_terms : float, int
        Sum-of-Gamma parameters (see :func:`sample_noise`).
    n_marginal : int, default=1
        I-MLE and AIMLE: noise draws ``M`` per sample in the backward pass (AIMLE's
        ``nb_marginal_samples``). The forward noise plus ``M - 1`` fresh draws,
        taken from ``generator`` after the forward noise; the gradient of sample
        ``s`` is the mean of ``M`` coupled differences, each with the same noise
        on both sides (module docstring). 1: one draw, the plain estimator; STE
        ignores it.

    Returns
    -------
    torch.Tensor of shape (S, *shape)
        Binary samples in ``theta``'s dtype.

    Raises
    ------
    ConfigError
        For unknown options or out-of-range numbers.
    """
    owner = "perturb_and_map"
    check_choice(owner, "estimator", estimator, ESTIMATORS)
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 1:
        raise ConfigError(
            f"{owner}: 'n_samples' must be a positive integer; got "
            f"{plain(n_samples)!r}."
        )
    _check_n_marginal(n_marginal)
    check_range(owner, "temperature", temperature, low=0.0)
    shape = (n_samples, *theta.shape)
    eps = sample_noise(shape, noise, generator, theta, k=sog_k, n_terms=sog_terms)
    if estimator == "ste":
        return _STE.apply(theta, eps, solver, float(temperature))
    eps = eps.unsqueeze(1)  # (S, 1, *shape): draw 0 is the forward noise
    if n_marginal > 1:
        extra_shape = (n_samples, n_marginal - 1, *theta.shape)
        extra = sample_noise(
            extra_shape, noise, generator, theta, k=sog_k, n_terms=sog_terms
        )
        eps = torch.cat([eps, extra], dim=1)  # (S, M, *shape)
    if estimator == "aimle":
        if adaptive is None:
            raise ConfigError(
                f"{owner}: 'adaptive' must be an AdaptiveLambda when "
                "estimator='aimle'; got None."
            )
        return _AIMLE.apply(theta, eps, solver, adaptive, float(temperature))
    check_range(owner, "lam", lam, low=0.0, low_open=True)
    return _IMLE.apply(theta, eps, solver, float(lam), float(temperature))
