"""The differentiable inner loop of LDS and its truncated hypergradient.

Inner dynamics (one step per sampled graph ``A_t ~ Ber(θ)``):
``w_{t+1}, m_{t+1}, v_{t+1} = Φ(w_t, m_t, v_t, A_t, γ)``, one Adam step on the
training loss ``L(w, A_t)`` with ε inside the square root
(``w ← w − γ_t m / sqrt(v + ε²)``, ``γ_t`` bias-corrected) as in FAR-HO, which
keeps the hypergradient stable. Every ``tau`` steps the outer loss
``F(w_{t0+τ}, A′)`` (validation cross-entropy on a fresh sample, no dropout) is
differentiated with respect to the sampled matrices and the learning rate through
the last ``tau`` steps only (truncated reverse mode); the straight-through estimator
passes ``∂F/∂A`` unchanged to θ. Since ``A = B + Bᵀ`` with ``B`` the upper-
triangular Bernoulli draw, θ_ij (i < j) receives ``g_ij + g_ji``.

Two equal ways to get it:

* :func:`hypergradient_unrolled`: autograd through the whole chunk (memory grows
  with ``tau``: every step keeps its graph);
* :func:`hypergradient_reverse`: a forward pass that stores only the small weight
  and moment tensors, then a backward sweep that, for t = τ−1 … 0, regenerates
  ``A_t`` and the dropout mask from the step's seed, re-evaluates Φ and applies one
  vector–Jacobian product. Peak memory is one step's, whatever ``tau``.

References
----------
L. Franceschi, M. Niepert, M. Pontil, X. He, "Learning Discrete Structures for Graph
Neural Networks", ICML 2019.
L. Franceschi, M. Donini, P. Frasconi, M. Pontil, "Forward and Reverse
Gradient-Based Hyperparameter Optimization", ICML 2017.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from engine.graphs.gcn import gcn_forward, train_loss

__all__ = [
    "AdamState",
    "BernoulliSampler",
    "InnerProblem",
    "hypergradient_reverse",
    "hypergradient_unrolled",
]

BETA1, BETA2, EPS = 0.9, 0.999, 1e-5

# A sampler maps (θ, seed) to a (hard) adjacency (n, n) and a dropout mask (n, h)
# (or None); it must return the same tensors for the same seed and θ.
Sampler = Callable[[torch.Tensor, int], tuple[torch.Tensor, torch.Tensor | None]]


@dataclass
class AdamState:
    """GCN weights with their Adam moments and the step counter."""

    w: list[torch.Tensor]
    m: list[torch.Tensor]
    v: list[torch.Tensor]
    t: int = 0

    @classmethod
    def fresh(cls, weights: list[torch.Tensor]) -> AdamState:
        """Weights with zero moments (the start of an outer iteration)."""
        return cls(
            [w.detach() for w in weights],
            [torch.zeros_like(w) for w in weights],
            [torch.zeros_like(w) for w in weights],
            0,
        )

    def detached(self) -> AdamState:
        """A copy cut from any autograd graph (the truncation)."""
        return AdamState(
            [x.detach() for x in self.w],
            [x.detach() for x in self.m],
            [x.detach() for x in self.v],
            self.t,
        )


class BernoulliSampler:
    """Seeded straight-through samples ``A = B + Bᵀ``, ``B_ij = 1[U_ij < θ_ij]``.

    θ is zero outside the strict upper triangle, so ``B`` is strictly upper
    triangular; the same seed always gives the same graph and dropout mask.

    Parameters
    ----------
    n_hidden : int
        Width of the dropout mask.
    dropout : float
        Dropout rate; 0 gives no mask.
    device : torch.device
    dtype : torch.dtype
    """

    def __init__(
        self, n_hidden: int, dropout: float, device: torch.device, dtype: torch.dtype
    ) -> None:
        self.n_hidden = n_hidden
        self.keep = 1.0 - dropout
        self.device = device
        self.dtype = dtype
        self.gen = torch.Generator(device=device)

    def __call__(
        self, theta: torch.Tensor, seed: int
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Return the adjacency (n, n) and dropout multipliers (n, h) of ``seed``."""
        n = theta.shape[0]
        self.gen.manual_seed(int(seed))
        upper = torch.rand(n, n, generator=self.gen, device=self.device) < theta
        upper = upper.to(self.dtype)
        A = upper + upper.T
        mask = None
        if self.keep < 1.0:
            draw = torch.rand(n, self.n_hidden, generator=self.gen, device=self.device)
            mask = (draw < self.keep).to(self.dtype) / self.keep
        return A, mask

    def graph_only(self, theta: torch.Tensor, seed: int) -> torch.Tensor:
        """The adjacency of ``seed`` without a dropout mask (evaluation)."""
        n = theta.shape[0]
        self.gen.manual_seed(int(seed))
        upper = torch.rand(n, n, generator=self.gen, device=self.device) < theta
        upper = upper.to(self.dtype)
        return upper + upper.T


@dataclass
class InnerProblem:
    """Tensors of one transductive task, on the fit's device.

    Attributes
    ----------
    X : Tensor of shape (n_nodes, n_features)
    y : Tensor of shape (n_nodes,), int64
        Class indices; unlabelled nodes hold 0 and are in no index set.
    train, val : Tensor of shape (n,), int64
        Nodes of the inner loss and of the outer objective.
    weight_decay : float
    lr_bounds : tuple of float or None
        ``(a, b)`` when the learning rate is learned as ``a + σ(λ)(b − a)``;
        ``None`` when λ *is* the learning rate (fixed).
    """

    X: torch.Tensor
    y: torch.Tensor
    train: torch.Tensor
    val: torch.Tensor
    weight_decay: float
    lr_bounds: tuple[float, float] | None

    def learning_rate(self, lam: torch.Tensor) -> torch.Tensor:
        """The inner learning rate for the hyperparameter ``lam``."""
        if self.lr_bounds is None:
            return lam
        low, high = self.lr_bounds
        return low + torch.sigmoid(lam) * (high - low)

    def outer_loss(self, w: list[torch.Tensor], A: torch.Tensor) -> torch.Tensor:
        """Validation cross-entropy without dropout or regularisation."""
        logits = gcn_forward(w, self.X, A)
        return F.cross_entropy(logits[self.val], self.y[self.val])


def adam_step(
    problem: InnerProblem,
    state: AdamState,
    A: torch.Tensor,
    mask: torch.Tensor | None,
    lr: torch.Tensor,
    *,
    create_graph: bool,
) -> tuple[AdamState, torch.Tensor]:
    """One Adam step Φ on the training loss; returns the new state and the loss."""
    loss = train_loss(
        state.w,
        problem.X,
        A,
        problem.y,
        problem.train,
        dropout_mask=mask,
        weight_decay=problem.weight_decay,
    )
    grads = torch.autograd.grad(loss, state.w, create_graph=create_graph)
    t = state.t + 1
    scale = math.sqrt(1.0 - BETA2**t) / (1.0 - BETA1**t)
    m = [BETA1 * mi + (1.0 - BETA1) * g for mi, g in zip(state.m, grads, strict=True)]
    v = [
        BETA2 * vi + (1.0 - BETA2) * g * g for vi, g in zip(state.v, grads, strict=True)
    ]
    w = [
        wi - lr * scale * mi / torch.sqrt(vi + EPS**2)
        for wi, mi, vi in zip(state.w, m, v, strict=True)
    ]
    return AdamState(w, m, v, t), loss.detach()


def _symmetric_upper(g: torch.Tensor) -> torch.Tensor:
    return torch.triu(g + g.T, diagonal=1)


def hypergradient_unrolled(
    problem: InnerProblem,
    theta: torch.Tensor,
    lam: torch.Tensor,
    state: AdamState,
    step_seeds: Sequence[int],
    eval_seed: int,
    sampler: Sampler,
    *,
    learn_lr: bool = True,
) -> tuple[torch.Tensor, torch.Tensor | None, AdamState, list[float]]:
    """Truncated hypergradient by autograd through the unrolled chunk.

    Parameters
    ----------
    problem : InnerProblem
    theta : Tensor of shape (n_nodes, n_nodes)
        Edge probabilities (zero outside the strict upper triangle).
    lam : Tensor of shape ()
        Learning-rate hyperparameter.
    state : AdamState
        State at the start of the chunk (treated as a constant).
    step_seeds : sequence of int
        One seed per inner step (graph and dropout mask).
    eval_seed : int
        Seed of the graph the outer loss is evaluated on.
    sampler : callable
        ``(theta, seed) -> (A, mask)``.
    learn_lr : bool, default=True
        Whether to return the gradient for ``lam``.

    Returns
    -------
    g_theta : Tensor of shape (n_nodes, n_nodes)
        Straight-through hypergradient, strict upper triangle.
    g_lam : Tensor of shape () or None
    state : AdamState
        The state after the chunk (detached).
    losses : list of float
        Training loss at each inner step.
    """
    theta_leaf = theta.detach().requires_grad_(True)
    theta_sym = theta_leaf + theta_leaf.T
    lam_leaf = lam.detach().requires_grad_(learn_lr)
    lr = problem.learning_rate(lam_leaf)

    def surrogate(A_hard: torch.Tensor) -> torch.Tensor:
        return A_hard + (theta_sym - theta_sym.detach())

    current = state.detached()
    current.w = [x.requires_grad_(True) for x in current.w]
    losses = []
    for seed in step_seeds:
        A_hard, mask = sampler(theta, seed)
        current, loss = adam_step(
            problem, current, surrogate(A_hard), mask, lr, create_graph=True
        )
        losses.append(float(loss))
    outer = problem.outer_loss(current.w, surrogate(sampler(theta, eval_seed)[0]))
    inputs = [theta_leaf] + ([lam_leaf] if learn_lr else [])
    grads = torch.autograd.grad(outer, inputs, allow_unused=True)
    g_theta = torch.triu(_zeros_if_none(grads[0], theta), diagonal=1)
    g_lam = _zeros_if_none(grads[1], lam) if learn_lr else None
    return g_theta, g_lam, current.detached(), losses


def hypergradient_reverse(
    problem: InnerProblem,
    theta: torch.Tensor,
    lam: torch.Tensor,
    state: AdamState,
    step_seeds: Sequence[int],
    eval_seed: int,
    sampler: Sampler,
    *,
    learn_lr: bool = True,
) -> tuple[torch.Tensor, torch.Tensor | None, AdamState, list[float]]:
    """Truncated hypergradient by a manual reverse sweep (memory independent of τ).

    Same parameters and returns as :func:`hypergradient_unrolled`; the two agree to
    rounding. Stores the weights and moments of every step of the chunk (a few
    kilobytes each), never a graph: each step's adjacency and dropout mask are
    regenerated from its seed in the backward sweep.
    """
    lr_value = problem.learning_rate(lam.detach())
    history = [state.detached()]
    losses = []
    # forward: plain training steps, no autograd graph kept between steps
    for seed in step_seeds:
        A, mask = sampler(theta, seed)
        start = history[-1]
        start.w = [x.requires_grad_(True) for x in start.w]
        nxt, loss = adam_step(problem, start, A, mask, lr_value, create_graph=False)
        history[-1] = start.detached()
        history.append(nxt.detached())
        losses.append(float(loss))
        del A, mask
    # outer objective: adjoint of the final weights and its direct graph term
    final = [x.detach().requires_grad_(True) for x in history[-1].w]
    A_eval = sampler(theta, eval_seed)[0].requires_grad_(True)
    outer = problem.outer_loss(final, A_eval)
    *alpha_w, g_A = torch.autograd.grad(outer, [*final, A_eval])
    del A_eval
    alpha_m = [torch.zeros_like(x) for x in final]
    alpha_v = [torch.zeros_like(x) for x in final]
    lam_leaf = lam.detach().requires_grad_(learn_lr)
    g_lam = torch.zeros_like(lam)
    n_w = len(final)
    # backward sweep: one vector-Jacobian product of Φ per step
    for step in range(len(step_seeds) - 1, -1, -1):
        start = history[step]
        w = [x.detach().requires_grad_(True) for x in start.w]
        m = [x.detach().requires_grad_(True) for x in start.m]
        v = [x.detach().requires_grad_(True) for x in start.v]
        A, mask = sampler(theta, step_seeds[step])
        A.requires_grad_(True)
        lr = problem.learning_rate(lam_leaf)
        nxt, _ = adam_step(
            problem, AdamState(w, m, v, start.t), A, mask, lr, create_graph=True
        )
        inputs = [*w, *m, *v, A] + ([lam_leaf] if learn_lr else [])
        grads = torch.autograd.grad(
            [*nxt.w, *nxt.m, *nxt.v],
            inputs,
            grad_outputs=[*alpha_w, *alpha_m, *alpha_v],
            allow_unused=True,
        )
        grads = [_zeros_if_none(g, x) for g, x in zip(grads, inputs, strict=True)]
        alpha_w = grads[:n_w]
        alpha_m = grads[n_w : 2 * n_w]
        alpha_v = grads[2 * n_w : 3 * n_w]
        g_A = g_A + grads[3 * n_w]
        if learn_lr:
            g_lam = g_lam + grads[3 * n_w + 1]
        del A, mask, nxt, grads
    return _symmetric_upper(g_A), (g_lam if learn_lr else None), history[-1], losses


def _zeros_if_none(g: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(like) if g is None else g.detach()
