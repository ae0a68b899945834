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

In the reverse sweep the derivative with respect to the sampled matrices is never
formed by autograd: every product ``A S`` of the GCN (and ``Aᵀ G`` of its
backward) contributes a low-rank term ``P Sᵀ`` that
:class:`~engine.graphs.gcn.AdjacencyGradient` collects and sums with one matrix
product per chunk. The samples themselves are sparse CSR matrices on the CPU while
θ is sparse (expected density below ``SPARSE_DENSITY``), so a step costs a few
O(N²) passes (the uniform draw, the comparison with θ) instead of dense N×N
products; :func:`hypergradient_unrolled` keeps plain dense autograd as the
reference the tests compare with.

References
----------
L. Franceschi, M. Niepert, M. Pontil, X. He, "Learning Discrete Structures for Graph
Neural Networks", ICML 2019.
L. Franceschi, M. Donini, P. Frasconi, M. Pontil, "Forward and Reverse
Gradient-Based Hyperparameter Optimization", ICML 2017.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from engine.errors import silence_warnings
from engine.graphs.gcn import AdjacencyGradient, gcn_forward, train_loss

__all__ = [
    "AdamState",
    "BernoulliSampler",
    "InnerProblem",
    "hypergradient_reverse",
    "hypergradient_unrolled",
    "use_sparse",
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
        """Return the dense adjacency (n, n) and dropout multipliers (n, h)."""
        return self.sample(theta, seed, sparse=False)

    def sample(
        self, theta: torch.Tensor, seed: int, *, sparse: bool, dropout: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The graph of ``seed`` (dense, or sparse CSR) and its dropout mask.

        Parameters
        ----------
        theta : Tensor of shape (n_nodes, n_nodes)
            Edge probabilities, zero outside the strict upper triangle.
        seed : int
        sparse : bool
            Return the adjacency as a sparse CSR tensor (same graph).
        dropout : bool, default=True
            Also draw the dropout mask (``None`` otherwise or without dropout).

        Returns
        -------
        A : Tensor of shape (n_nodes, n_nodes)
        mask : Tensor of shape (n_nodes, n_hidden) or None
        """
        n = theta.shape[0]
        uniform = self._uniform(int(seed))
        upper = uniform(n, n) < theta
        symmetric = _sparse_symmetric if sparse else _dense_symmetric
        A = symmetric(upper, self.dtype)
        del upper
        mask = None
        if dropout and self.keep < 1.0:
            mask = (uniform(n, self.n_hidden) < self.keep).to(self.dtype) / self.keep
        return A, mask

    def _uniform(self, seed: int) -> Callable[[int, int], torch.Tensor]:
        """A seeded source of U(0, 1) float32 matrices on the sampler's device."""
        if self.device.type == "cpu":
            # NumPy's PCG64 draws floats about 1.7x faster than torch's CPU
            # generator, and the n×n draw is the largest cost of a step
            rng = np.random.Generator(np.random.PCG64(seed))
            return lambda rows, cols: torch.from_numpy(
                rng.random((rows, cols), dtype=np.float32)
            )
        self.gen.manual_seed(seed)
        return lambda rows, cols: torch.rand(
            rows, cols, generator=self.gen, device=self.device
        )

    def graph_only(
        self, theta: torch.Tensor, seed: int, *, sparse: bool = False
    ) -> torch.Tensor:
        """The adjacency of ``seed`` without a dropout mask (evaluation)."""
        return self.sample(theta, seed, sparse=sparse, dropout=False)[0]


def _dense_symmetric(upper: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    # ``upper`` is strictly upper triangular, so B | Bᵀ = B + Bᵀ
    return (upper | upper.T).to(dtype)


def _sparse_symmetric(upper: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    idx = upper.nonzero().T
    both = torch.cat([idx, idx.flip(0)], dim=1)
    values = torch.ones(both.shape[1], dtype=dtype, device=upper.device)
    n = upper.shape[0]
    coo = torch.sparse_coo_tensor(both, values, (n, n), check_invariants=False)
    _spend_csr_beta_warning()
    return coo.coalesce().to_sparse_csr()


@functools.cache
def _spend_csr_beta_warning() -> None:
    """Let torch give its "Sparse CSR tensor support is in beta" warning now, unseen.

    torch gives it once per process, at the first CSR tensor made (unless
    ``torch.set_warn_always(True)``); spent here on a 1 × 1 matrix, the
    fits' own conversions have nothing left to silence, so they change no
    warning filter at all. Two first calls at once both spend it, silenced.
    """
    with silence_warnings(UserWarning, "Sparse CSR tensor support is in beta"):
        torch.zeros(1, 1).to_sparse_csr()


# Sampled graphs are multiplied as sparse matrices on the CPU while the expected
# density 2·Σθ / n² stays below this (dense products are faster above it, and on
# a GPU).
SPARSE_DENSITY = 0.05


def use_sparse(theta: torch.Tensor) -> bool:
    """Whether samples of ``theta`` are best multiplied as sparse matrices."""
    if theta.device.type != "cpu":
        return False
    n = theta.shape[0]
    return 2.0 * float(theta.sum()) < SPARSE_DENSITY * n * n


def _draw(
    sampler: Sampler, theta: torch.Tensor, seed: int, sparse: bool
) -> tuple[torch.Tensor, torch.Tensor | None]:
    if sparse and isinstance(sampler, BernoulliSampler):
        return sampler.sample(theta, seed, sparse=True)
    return sampler(theta, seed)


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
    sparse = use_sparse(theta)
    history = [state.detached()]
    losses = []
    # forward: plain training steps, no autograd graph kept between steps
    for seed in step_seeds:
        A, mask = _draw(sampler, theta, seed, sparse)
        start = history[-1]
        start.w = [x.requires_grad_(True) for x in start.w]
        nxt, loss = adam_step(problem, start, A, mask, lr_value, create_graph=False)
        history[-1] = start.detached()
        history.append(nxt.detached())
        losses.append(float(loss))
        del A, mask
    grad_A = AdjacencyGradient()
    # outer objective: adjoint of the final weights and its direct graph term
    final = [x.detach().requires_grad_(True) for x in history[-1].w]
    A_eval = _draw(sampler, theta, eval_seed, sparse)[0]
    with grad_A.record():
        outer = problem.outer_loss(final, A_eval)
    n_w = len(final)
    grads = torch.autograd.grad(outer, [*final, *grad_A.probes], allow_unused=True)
    alpha_w = [_zeros_if_none(g, x) for g, x in zip(grads[:n_w], final, strict=True)]
    grad_A.add(grads[n_w:])
    del A_eval, outer, grads
    alpha_m = [torch.zeros_like(x) for x in final]
    alpha_v = [torch.zeros_like(x) for x in final]
    lam_leaf = lam.detach().requires_grad_(learn_lr)
    g_lam = torch.zeros_like(lam)
    # backward sweep: one vector-Jacobian product of Φ per step; the graph and the
    # dropout mask are regenerated from the step's seed
    for step in range(len(step_seeds) - 1, -1, -1):
        start = history[step]
        w = [x.detach().requires_grad_(True) for x in start.w]
        m = [x.detach().requires_grad_(True) for x in start.m]
        v = [x.detach().requires_grad_(True) for x in start.v]
        A, mask = _draw(sampler, theta, step_seeds[step], sparse)
        lr = problem.learning_rate(lam_leaf)
        with grad_A.record():
            nxt, _ = adam_step(
                problem, AdamState(w, m, v, start.t), A, mask, lr, create_graph=True
            )
        probes = grad_A.probes
        inputs = [*w, *m, *v, *probes] + ([lam_leaf] if learn_lr else [])
        grads = torch.autograd.grad(
            [*nxt.w, *nxt.m, *nxt.v],
            inputs,
            grad_outputs=[*alpha_w, *alpha_m, *alpha_v],
            allow_unused=True,
        )
        state_grads = [
            _zeros_if_none(g, x) for g, x in zip(grads[: 3 * n_w], inputs, strict=False)
        ]
        alpha_w = state_grads[:n_w]
        alpha_m = state_grads[n_w : 2 * n_w]
        alpha_v = state_grads[2 * n_w : 3 * n_w]
        grad_A.add(grads[3 * n_w : 3 * n_w + len(probes)])
        if learn_lr:
            g_lam = g_lam + _zeros_if_none(grads[-1], lam)
        del A, mask, nxt, grads, probes
    g_theta = grad_A.symmetric_upper(theta.shape[0], theta)
    return g_theta, (g_lam if learn_lr else None), history[-1], losses


def _zeros_if_none(g: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(like) if g is None else g.detach()
