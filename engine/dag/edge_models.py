"""Edge models: how a child is predicted from its allowed parents, per ordering.

Every model is batched over ``K`` orderings: the structural mask ``M`` of shape
(K, d, d) holds the complete DAG of each ordering times the allowed-edge mask of the
prior knowledge; a Bernoulli L0 mask with straight-through gradients selects edges
inside it.

Models
------
``linear``
    ``x_hat_c = sum_p A[p, c] x_p`` with ``A = W * Z``. The squared residuals only
    need the second-moment matrix ``S = X^T X / n`` (d, d):
    ``sum_c mean_n (x - x A)_c^2 = tr((I - A)^T S (I - A))``, so training costs
    O(K d^3) per step and O(K d^2) memory, independent of ``n``.
``mlp``
    One hidden layer per child:
    ``h = leaky_relu(sum_p Z[p, c] W1[p, c, :] x_p + b1[c])``,
    ``x_hat_c = W2[c] . h + b2[c]``. Memory O(K n d H) activations
    (orderings x samples x nodes x hidden units) plus O(K d^2 H) weights.

(The generic masked-input formulation needs K x n x d^2 values; neither model
materialises it.)

Losses
------
``nll_ev``: ``(d / 2) log sum_c mean_n r_c^2``, the profile negative log-likelihood of
a linear-Gaussian SEM with equal noise variances. ``sq``: ``sum_c mean_n r_c^2 / 2``.

L0 mask
-------
Probabilities ``pi`` (K, d, d), initialised at 0.5 and kept in [0, 1] by an in-place
clamp after every step. Training draws ``z = 1[pi > u]``, ``u ~ U(0, 1)``, with the
straight-through gradient ``dL/dpi := dL/dz``; evaluation uses ``z = 1[pi > 0.5]``.
Penalty ``pruning_reg * sum(M * pi)`` (the expected number of edges). Required
edges have ``z = 1`` always and no penalty.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F

from engine.errors import silence_warnings

__all__ = [
    "EDGE_MODELS",
    "RIDGE",
    "EdgeFit",
    "EdgeFitter",
    "FitSettings",
    "FitStopped",
    "backward_select",
    "fit_edges",
    "mean_variance",
    "refit_linear",
    "ridges",
]

EDGE_MODELS = ("linear", "mlp")

# Ridges relative to each regressor's own variance (see ridges) and floors relative
# to the data's mean variance (see mean_variance), so that multiplying every
# column by one factor, or each column by its own, changes no fitted weight.
RIDGE = 1e-10
"""Added to each Gram diagonal entry, times that column's variance (see
:func:`ridges`), so collinear (or constant) columns still solve."""
# The l0_ste warm start's least squares on every allowed edge: ten times RIDGE,
# as before the ridges became relative (its fit is refined by gradient steps).
_STE_RIDGE = 1e-9
_RSS_FLOOR = 1e-12  # residual variances are kept above this times the mean variance
_VAR_FLOOR = 1e-20
"""A column's variance counts as at least this times the mean variance in its
ridge: a constant column gets a positive ridge, any other column its own."""

StopCheck = Callable[[], bool]
"""Asked between the steps of a long inner fit; ``True`` abandons the fit."""


class FitStopped(Exception):
    """An inner fit abandoned because its ``stop`` check said so (no result)."""


def _check_stop(stop: StopCheck | None) -> None:
    if stop is not None and stop():
        raise FitStopped


@dataclass(frozen=True)
class FitSettings:
    """Inner-fit settings (a view of the method config)."""

    edge_model: Literal["linear", "mlp"] = "linear"
    loss: Literal["nll_ev", "sq"] = "nll_ev"
    hidden: int = 10
    lr: float = 0.1
    max_iter: int = 300
    tol: float = 1e-4
    patience: int = 10
    pruning_reg: float = 1e-3
    l2_eq: float = 5e-4
    sparsifier: Literal["backward", "l0_ste", "lars"] = "l0_ste"


@dataclass
class EdgeFit:
    """Outcome of an inner fit over K orderings.

    Attributes
    ----------
    loss : torch.Tensor of shape (K,)
        Evaluation objective per ordering: data loss with the mask ``pi > 0.5`` plus
        ``pruning_reg`` times the number of selected edges plus the weight penalty.
    data_loss : torch.Tensor of shape (K,)
        The data-loss part only.
    adjacency : torch.Tensor of bool, shape (K, d, d)
        Selected edges per ordering.
    weights : torch.Tensor of shape (K, d, d)
        Edge weights (linear coefficients, or the L2 norm of an MLP's first-layer
        weights of the edge), zero off the selection.
    n_iter : int
        Inner iterations run.
    """

    loss: torch.Tensor
    data_loss: torch.Tensor
    adjacency: torch.Tensor
    weights: torch.Tensor
    n_iter: int


def mean_variance(S: torch.Tensor | np.ndarray) -> float:
    """The mean variance ``tr(S) / d``: the data's scale, for relative constants.

    Parameters
    ----------
    S : torch.Tensor or ndarray of shape (d, d)
        Second moments of centred data.

    Returns
    -------
    float
        ``tr(S) / d``, or 1 when that is not a positive finite number (every
        column constant), so that ridges scaled by it stay positive.

    Examples
    --------
    >>> mean_variance(np.diag([1.0, 3.0]))
    2.0
    """
    v = float(S.diagonal().sum()) / S.shape[0]
    return v if 0 < v < math.inf else 1.0


def ridges(
    S: torch.Tensor | np.ndarray, factor: float = RIDGE
) -> torch.Tensor | np.ndarray:
    """The ridge of each column as a regressor: ``factor`` times its variance.

    Relative to each column's own variance, the ridge shrinks every coefficient
    by the same factor ``1 / (1 + factor)`` (for uncorrelated regressors) in any
    unit: multiplying column ``j`` by ``f_j`` multiplies the ridged coefficient of
    ``p`` in the regression of ``c`` by ``f_c / f_p``, exactly as least squares
    does. (A ridge relative to the mean variance swamped the variance of a column
    in small units next to columns in large ones: weights of 0.2 x least squares
    and edges dropped.) A variance below ``1e-20`` times the mean variance (a
    constant column) counts as that, and no ridge is below the smallest normal
    float64, so every ridge is positive and its inverse finite.

    Parameters
    ----------
    S : torch.Tensor or ndarray of shape (d, d)
        Second moments of centred data.
    factor : float, default=RIDGE
        The ridge relative to a column's variance.

    Returns
    -------
    torch.Tensor or ndarray of shape (d,)
        The same type as ``S``.

    Examples
    --------
    >>> ridges(np.diag([1e-6, 1.0, 0.0]), 0.5)
    array([5.00000000e-07, 5.00000000e-01, 1.66666833e-21])
    """
    floor = _VAR_FLOOR * mean_variance(S)
    tiny = float(np.finfo(np.float64).tiny)
    if isinstance(S, torch.Tensor):
        return (factor * S.diagonal().clamp_min(floor)).clamp_min(tiny)
    return np.maximum(factor * np.maximum(np.diagonal(S), floor), tiny)


def _aggregate(mse: torch.Tensor, loss: str) -> torch.Tensor:
    """Per-ordering loss from per-child mean squared residuals (K, d)."""
    d = mse.shape[-1]
    if loss == "nll_ev":
        return 0.5 * d * torch.log(mse.sum(-1).clamp_min(1e-300))
    return 0.5 * mse.sum(-1)


class _Linear:
    def __init__(self, X: torch.Tensor, n_params: int, s: FitSettings) -> None:
        n, d = X.shape
        self.S = X.T @ X / n  # (d, d)
        self.ridge = torch.diag(ridges(self.S, _STE_RIDGE))  # (d, d)
        self.eye = torch.eye(d, dtype=X.dtype, device=X.device)
        self.W = torch.zeros((n_params, d, d), dtype=X.dtype, device=X.device)
        self.W.requires_grad_(True)

    def params(self) -> list[torch.Tensor]:
        return [self.W]

    @torch.no_grad()
    def warm_start(self, masks: torch.Tensor) -> None:
        """Least squares on every allowed edge, all orderings and children at once."""
        _K, _d, _ = masks.shape
        m = masks.transpose(1, 2)  # (K, c, p): allowed parents of each child
        A = m[..., :, None] * self.S * m[..., None, :]  # (K, c, p, p)
        A = A + torch.diag_embed(1 - m) + self.ridge
        b = m * self.S.T[None]  # (K, c, p): S[p, c] on allowed parents
        beta = torch.linalg.solve(A, b[..., None])[..., 0]  # (K, c, p)
        self.W.copy_(beta.transpose(1, 2) * masks)

    def mse(self, Z: torch.Tensor) -> torch.Tensor:
        R = self.eye - self.W * Z  # (K, d, d)
        return (R * (self.S @ R)).sum(-2)  # (K, d): column c = residual of child c

    def penalty(self) -> torch.Tensor:
        return (self.W**2).mean(dim=(-2, -1))

    def edge_weights(self) -> torch.Tensor:
        return self.W.detach()


class _MLP:
    def __init__(
        self, X: torch.Tensor, n_params: int, s: FitSettings, gen: torch.Generator
    ) -> None:
        _n, d = X.shape
        h = s.hidden
        self.X = X
        kw = {"dtype": X.dtype, "device": X.device}
        bound = 1.0 / math.sqrt(d)  # as torch.nn.Linear's default init
        u = torch.rand((n_params, d, d, h), generator=gen, **kw)
        self.W1 = ((2 * u - 1) * bound).requires_grad_(True)
        u = torch.rand((n_params, d, h), generator=gen, **kw)
        self.b1 = ((2 * u - 1) * bound).requires_grad_(True)
        self.W2 = torch.zeros((n_params, d, h), **kw).requires_grad_(True)
        self.b2 = torch.zeros((n_params, d), **kw).requires_grad_(True)

    def params(self) -> list[torch.Tensor]:
        return [self.W1, self.b1, self.W2, self.b2]

    def mse(self, Z: torch.Tensor) -> torch.Tensor:
        K = Z.shape[0]
        W1 = (self.W1 * Z[..., None]).expand(K, -1, -1, -1)  # (K, d, d, H)
        pre = torch.einsum("np,kpch->knch", self.X, W1) + self.b1[:, None]
        out = torch.einsum(
            "knch,kch->knc", F.leaky_relu(pre), self.W2.expand(K, -1, -1)
        )
        out = out + self.b2[:, None]
        return ((self.X - out) ** 2).mean(1)  # (K, d)

    def penalty(self) -> torch.Tensor:
        return sum(p.pow(2).flatten(1).mean(1) for p in self.params())

    def edge_weights(self) -> torch.Tensor:
        return self.W1.detach().norm(dim=-1)


def _make_model(X: torch.Tensor, n_params: int, s: FitSettings, gen: torch.Generator):
    if s.edge_model == "linear":
        return _Linear(X, n_params, s)
    return _MLP(X, n_params, s, gen)


class EdgeFitter:
    """Edge parameters, L0 mask and optimiser for K orderings (or one shared set).

    Parameters
    ----------
    X : torch.Tensor of shape (n, d)
        Centred data.
    n_params : int
        ``K`` (one parameter set per ordering) or 1 (shared, joint training).
    settings : FitSettings
    gen : torch.Generator
    """

    def __init__(
        self,
        X: torch.Tensor,
        n_params: int,
        settings: FitSettings,
        gen: torch.Generator,
    ) -> None:
        d = X.shape[1]
        self.settings = settings
        self.gen = gen
        self.model = _make_model(X, n_params, settings, gen)
        self.pi = torch.full(
            (n_params, d, d), 0.5, dtype=X.dtype, device=X.device
        ).requires_grad_(True)
        self.opt = torch.optim.Adam([*self.model.params(), self.pi], lr=settings.lr)

    def objective(
        self, masks: torch.Tensor, required: torch.Tensor, *, sample: bool = True
    ) -> torch.Tensor:
        """Training objective per ordering, shape (K,)."""
        s = self.settings
        free = masks * (1 - required)
        if sample:
            u = torch.rand(
                self.pi.shape,
                generator=self.gen,
                dtype=masks.dtype,
                device=masks.device,
            )
            hard = (self.pi > u).to(masks.dtype)
            z = hard + self.pi - self.pi.detach()  # straight-through
        else:
            z = torch.ones_like(self.pi)
        Z = masks * required + free * z
        data = _aggregate(self.model.mse(Z), s.loss)
        pen = s.pruning_reg * (free * self.pi).sum((-2, -1)) if sample else 0.0
        return data + pen + s.l2_eq * self.model.penalty()

    def step(self, obj: torch.Tensor) -> None:
        """One optimiser step on ``obj`` (a scalar), then clamp pi to [0, 1]."""
        self.opt.zero_grad(set_to_none=True)
        obj.backward()
        self.opt.step()
        with torch.no_grad():
            self.pi.clamp_(0.0, 1.0)

    def evaluate(self, masks: torch.Tensor, required: torch.Tensor, n_iter: int):
        """Deterministic evaluation with the mask ``pi > 0.5``."""
        return _evaluate(self.model, self.pi, masks, required, self.settings, n_iter)


def fit_edges(
    X: torch.Tensor,
    masks: torch.Tensor,
    required: torch.Tensor,
    settings: FitSettings,
    gen: torch.Generator,
    stop: StopCheck | None = None,
) -> EdgeFit:
    """Fit edge weights and L0 masks for K orderings at once (bilevel inner fit).

    The weights start from least squares on every allowed edge (linear model,
    closed form) or from a first quarter of the iterations with every allowed edge
    on (MLP), so that the mask gradients are informative; then weights and mask
    train together. Stops early when no ordering's objective improved by
    ``tol`` for ``patience`` iterations.

    Parameters
    ----------
    X : torch.Tensor of shape (n, d)
        Centred data.
    masks : torch.Tensor of shape (K, d, d)
        Structural masks (complete DAG of each ordering times allowed edges).
    required : torch.Tensor of shape (d, d)
        1 where an edge is required (always inside ``masks``), else 0.
    settings : FitSettings
    gen : torch.Generator
        Source of the mask noise and MLP initialisation.
    stop : callable, optional
        Asked between steps (elimination rounds, gradient steps, LARS children);
        ``True`` abandons the fit.

    Returns
    -------
    EdgeFit

    Raises
    ------
    FitStopped
        ``stop`` returned ``True``.
    """
    if settings.sparsifier == "backward" and settings.edge_model == "linear":
        return backward_select(X, masks, required, settings, stop)
    if settings.sparsifier == "lars":
        return lars_select(X, masks, required, settings, stop)
    K = masks.shape[0]
    fitter = EdgeFitter(X, K, settings, gen)
    warmup = max(1, settings.max_iter // 4)
    if hasattr(fitter.model, "warm_start"):
        fitter.model.warm_start(masks)
        warmup = 0
    best = torch.full((K,), math.inf, dtype=X.dtype, device=X.device)
    stall, it = 0, 0
    for it in range(1, settings.max_iter + 1):
        _check_stop(stop)
        phase_two = it > warmup
        obj = fitter.objective(masks, required, sample=phase_two)
        fitter.step(obj.sum())
        cur = obj.detach()
        if it == warmup + 1:
            best.fill_(math.inf)
        improved = bool((cur < best - settings.tol).any())
        best = torch.minimum(best, cur)
        stall = 0 if improved else stall + 1
        if stall >= settings.patience:
            if not phase_two:
                warmup, stall = it, 0
                continue
            break
    return fitter.evaluate(masks, required, it)


@torch.no_grad()
def _evaluate(
    model, pi, masks, required, settings: FitSettings, n_iter: int
) -> EdgeFit:
    free = masks * (1 - required)
    Z = masks * required + free * (pi > 0.5).to(masks.dtype)
    data = _aggregate(model.mse(Z), settings.loss)
    n_sel = (free * Z).sum((-2, -1))
    loss = data + settings.pruning_reg * n_sel + settings.l2_eq * model.penalty()
    adjacency = Z > 0
    weights = model.edge_weights() * Z
    return EdgeFit(loss, data, adjacency, weights, n_iter)


@torch.no_grad()
def backward_select(
    X: torch.Tensor,
    masks: torch.Tensor,
    required: torch.Tensor,
    s: FitSettings,
    stop: StopCheck | None = None,
) -> EdgeFit:
    """Greedy backward elimination of the L0-penalised linear objective.

    Starts from least squares on every allowed edge; in each round every child
    drops the free parent whose removal raises the loss least, if that rise is
    below ``pruning_reg`` (removing parent ``p`` raises the child's residual
    variance by ``beta_p^2 / [S_PP^-1]_pp``). Ends when no child drops a parent.
    Deterministic; all orderings and children are batched: one O(K d^4) inverse
    of the per-child Gram matrices, then at most ``d`` rounds in which only the
    children that drop a parent get a rank-one downdate of their inverse,
    coefficients and residual (O(d^2) each). Memory O(K d^3) (one d x d inverse
    per ordering and child), independent of ``n``. At d = 200 (n = 300, one
    core) one ordering takes about 20 s, most of it in the rounds, so ``stop``
    is asked before each round.

    Parameters
    ----------
    X : torch.Tensor of shape (n, d)
    masks : torch.Tensor of shape (K, d, d)
    required : torch.Tensor of shape (d, d)
    s : FitSettings
    stop : callable, optional
        Asked before every round; ``True`` abandons the fit.

    Returns
    -------
    EdgeFit

    Raises
    ------
    FitStopped
        ``stop`` returned ``True``.
    """
    n, d = X.shape
    S = X.T @ X / n
    active = masks.transpose(1, 2).clone()  # (K, c, p)
    fixed = (masks * required).transpose(1, 2) > 0
    diag = torch.diagonal(S)
    scale = mean_variance(S)
    A = active[..., :, None] * S * active[..., None, :]
    A = A + torch.diag_embed(1 - active) + torch.diag(ridges(S))
    inv = torch.cholesky_inverse(torch.linalg.cholesky(A))  # (K, c, p, p)
    b = active * S.T[None]  # (K, c, p): S[p, c] on the allowed parents
    beta = (inv @ b[..., None])[..., 0]  # (K, c, p)
    rss = (diag[None] - (b * beta).sum(-1)).clamp_min(_RSS_FLOOR * scale)  # (K, c)
    g_diag = torch.diagonal(inv, dim1=-2, dim2=-1).clone()  # (K, c, p)
    rounds = 0
    while True:
        _check_stop(stop)
        rounds += 1
        rise = beta**2 / g_diag.clamp_min(1e-300)
        if s.loss == "nll_ev":
            total = rss.sum(-1, keepdim=True)  # (K, 1)
            cost = 0.5 * d * torch.log1p(rise / total[..., None])
        else:
            cost = 0.5 * rise
        cost = torch.where((active > 0) & ~fixed, cost, torch.inf)
        low, arg = cost.min(-1)  # (K, c)
        drop = low < s.pruning_reg
        if not bool(drop.any()) or rounds > d:
            break
        kk, cc = torch.nonzero(drop, as_tuple=True)
        q = arg[kk, cc]
        rows = torch.arange(len(kk), device=X.device)
        sub = inv[kk, cc]  # (m, p, p)
        col = sub[rows, :, q]  # (m, p): column q of each inverse
        piv = col[rows, q]  # (m,)
        bq = beta[kk, cc, q]
        # removing parent q: rank-one downdate of the inverse (its row and column
        # q become zero), beta -= beta_q inv[:, q] / inv[q, q], rss += beta_q^2 /
        # inv[q, q]
        inv[kk, cc] = sub - col[:, :, None] * (col / piv[:, None])[:, None, :]
        beta[kk, cc] = beta[kk, cc] - col * (bq / piv)[:, None]
        g_diag[kk, cc] = g_diag[kk, cc] - col * (col / piv[:, None])
        rss[kk, cc] = rss[kk, cc] + bq**2 / piv
        active[kk, cc, q] = 0.0
        beta[kk, cc, q] = 0.0
    data = _aggregate(rss, s.loss)
    n_sel = (active * ~fixed).sum((-2, -1))
    adjacency = active.transpose(1, 2) > 0
    weights = beta.transpose(1, 2) * adjacency
    return EdgeFit(data + s.pruning_reg * n_sel, data, adjacency, weights, rounds)


@torch.no_grad()
def lars_select(
    X: torch.Tensor,
    masks: torch.Tensor,
    required: torch.Tensor,
    s: FitSettings,
    stop: StopCheck | None = None,
) -> EdgeFit:
    """Adaptive lasso per child, its penalty chosen by BIC along the LARS path.

    For each ordering and child: least squares on the allowed parents gives
    ``|beta|``; scikit-learn's ``LassoLarsIC(criterion="bic")`` runs on the
    parents rescaled by ``|beta|`` (the adaptive lasso), both divided by the
    child's root mean square (the path's stopping tolerance is absolute, so this
    keeps the selection free of the data's unit), and the coefficients are
    ``coef * |beta|``. Required parents are not penalised: they are projected
    out of the child and of the free parents first, and get least-squares
    coefficients on what the free parents leave. Sparsity comes from BIC alone
    (``pruning_reg`` is not used). Runs on the CPU, one child at a time:
    O(K d) LARS fits of O(n d^2) each; not differentiable.

    Parameters
    ----------
    X : torch.Tensor of shape (n, d)
        Centred data; needs n > d + 1 (BIC's noise estimate).
    masks : torch.Tensor of shape (K, d, d)
    required : torch.Tensor of shape (d, d)
    s : FitSettings
    stop : callable, optional
        Asked before every child's fit; ``True`` abandons the fit
        (:class:`FitStopped`).

    Returns
    -------
    EdgeFit
        ``loss`` is the data loss of the lasso coefficients.
    """
    Xn = X.detach().cpu().numpy()
    allowed_all = masks.detach().cpu().numpy() > 0
    needed = required.detach().cpu().numpy() > 0
    K, d = allowed_all.shape[0], Xn.shape[1]
    W = np.zeros((K, d, d))
    mse = np.zeros((K, d))
    for k in range(K):
        for c in range(d):
            _check_stop(stop)
            parents = np.flatnonzero(allowed_all[k, :, c])
            fixed = parents[needed[parents, c]]
            free = parents[~needed[parents, c]]
            coef_free, coef_fixed = _adaptive_lasso(Xn, c, free, fixed)
            W[k, free, c], W[k, fixed, c] = coef_free, coef_fixed
            resid = Xn[:, c] - Xn[:, free] @ coef_free - Xn[:, fixed] @ coef_fixed
            mse[k, c] = float(np.mean(resid**2))
    weights = torch.as_tensor(W, dtype=X.dtype, device=X.device)
    data = _aggregate(torch.as_tensor(mse, dtype=X.dtype, device=X.device), s.loss)
    return EdgeFit(data, data, weights != 0, weights, 1)


def _adaptive_lasso(
    Xn: np.ndarray, child: int, free: np.ndarray, fixed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients of the free (adaptive lasso, BIC) and fixed (OLS) parents."""
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
    from sklearn.linear_model import LassoLarsIC

    y, Z, Q = Xn[:, child], Xn[:, free], Xn[:, fixed]
    if fixed.size:  # project the required parents out
        proj = np.linalg.lstsq(Q, np.column_stack([y, Z]), rcond=None)[0]
        y_r, Z_r = y - Q @ proj[:, 0], Z - Q @ proj[:, 1:]
    else:
        y_r, Z_r = y, Z
    coef_free = np.zeros(free.size)
    if free.size:
        scale = np.abs(np.linalg.lstsq(Z_r, y_r, rcond=None)[0])
        live = scale > 1e-12
        if live.any():
            # fitted in units of the child's residual spread: the LARS path ends
            # at an absolute tolerance on the penalty (float32's eps), which cut
            # it short on small data (planted data times 1e-6: no edges at all)
            unit = float(np.sqrt(np.mean(y_r**2)))
            unit = unit if unit > 0 else 1.0
            with silence_warnings(SkConvergenceWarning):
                lasso = LassoLarsIC(criterion="bic", fit_intercept=False)
                lasso.fit(Z_r[:, live] * (scale[live] / unit), y_r / unit)
            coef_free[live] = lasso.coef_ * scale[live]
    coef_fixed = np.zeros(fixed.size)
    if fixed.size:
        coef_fixed = np.linalg.lstsq(Q, y - Z @ coef_free, rcond=None)[0]
    return coef_free, coef_fixed


def refit_linear(X: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
    """Least-squares coefficients of each child on its selected parents.

    Parameters
    ----------
    X : torch.Tensor of shape (n, d)
        Centred data.
    adjacency : torch.Tensor of bool, shape (d, d)

    Returns
    -------
    torch.Tensor of shape (d, d)
        ``W[p, c]`` = coefficient of parent ``p`` in the regression of ``c``.
    """
    n, d = X.shape
    S = X.T @ X / n
    ridge = ridges(S)  # (d,)
    W = torch.zeros((d, d), dtype=X.dtype, device=X.device)
    for c in range(d):
        parents = torch.nonzero(adjacency[:, c]).flatten()
        if parents.numel() == 0:
            continue
        A = S[parents][:, parents]
        A = A + torch.diag(ridge[parents])
        W[parents, c] = torch.linalg.solve(A, S[parents, c])
    return W
