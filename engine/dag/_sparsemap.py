"""SparseMAP on the permutahedron by an active-set method.

SparseMAP returns ``mu* = argmax_{mu in P} <theta, mu> - ||mu||^2 / 2``, the
Euclidean projection of ``theta`` onto the permutahedron ``P`` (the convex hull of
the rank vectors ``1..d``), together with a sparse decomposition ``mu* = V alpha``
over a few vertices ``V`` (columns) and simplex weights ``alpha``.

The solver only needs the linear maximisation oracle of ``P`` (a sort). Each step
solves the equality-constrained problem ``min ||V_S a - theta||^2 / 2`` with
``sum(a) = 1`` on the active set ``S`` through its KKT system; a negative weight
triggers a step back to feasibility and drops a vertex; otherwise the oracle is
asked for the vertex most aligned with ``theta - mu`` and the loop stops when it
improves nothing.

Gradients: on a fixed active set with strictly positive weights, ``alpha`` is the
solution of the KKT system, a linear function of ``theta``; :func:`sparsemap`
rebuilds it differentiably with one small linear solve, which is implicit
differentiation of the active-set problem.

References
----------
Niculae, Martins, Blondel & Cardie, "SparseMAP: Differentiable Sparse Structured
Inference", ICML 2018.
"""

from __future__ import annotations

import numpy as np
import torch
from numpy.typing import NDArray

__all__ = ["sparsemap", "sparsemap_active_set"]


def _oracle(direction: NDArray[np.float64]) -> NDArray[np.float64]:
    rho = np.empty_like(direction)
    rho[np.argsort(direction, kind="stable")] = np.arange(1, direction.size + 1)
    return rho


def _solve_kkt(V: NDArray[np.float64], theta: NDArray[np.float64]) -> NDArray:
    m = V.shape[1]
    kkt = np.zeros((m + 1, m + 1))
    kkt[:m, :m] = V.T @ V
    kkt[:m, m] = kkt[m, :m] = 1.0
    rhs = np.concatenate([V.T @ theta, [1.0]])
    sol, *_ = np.linalg.lstsq(kkt, rhs, rcond=None)
    return sol[:m]


def sparsemap_active_set(
    theta: NDArray[np.float64], max_iter: int = 100, tol: float = 1e-9
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Active vertices and weights of the projection of ``theta`` onto ``P``.

    Parameters
    ----------
    theta : ndarray of shape (d,)
        Scores.
    max_iter : int, default=100
        Iterations of the active-set loop.
    tol : float, default=1e-9
        Optimality tolerance of the oracle check.

    Returns
    -------
    vertices : ndarray of shape (m, d)
        Active rank vectors (values ``1..d``), ``m <= d + 1`` in practice.
    alpha : ndarray of shape (m,)
        Positive weights summing to one; ``alpha @ vertices`` is the projection.
    """
    theta = np.asarray(theta, dtype=np.float64)
    V = _oracle(theta)[:, None]  # (d, m)
    alpha = np.ones(1)
    for _ in range(max_iter):
        new = _solve_kkt(V, theta)
        if np.all(new > 0):
            alpha = new
            mu = V @ alpha
            cand = _oracle(theta - mu)
            gap = (theta - mu) @ (cand - mu)
            if gap <= tol * max(1.0, float(np.abs(theta).max())):
                break
            if np.any(np.all(cand[:, None] == V, axis=0)):
                break
            V = np.column_stack([V, cand])
            alpha = np.append(alpha, 0.0)
            continue
        # step from alpha towards new until a weight hits zero, drop it
        neg = new <= 0
        steps = alpha[neg] / (alpha[neg] - new[neg])
        t = float(np.min(steps))
        alpha = alpha + t * (new - alpha)
        keep = alpha > 1e-12
        keep[np.flatnonzero(neg)[np.argmin(steps)]] = False
        V, alpha = V[:, keep], alpha[keep]
        alpha = alpha / alpha.sum()
    return V.T.copy(), alpha


def sparsemap(
    theta: torch.Tensor, max_iter: int = 100
) -> tuple[NDArray[np.int64], torch.Tensor]:
    """Differentiable SparseMAP over orderings.

    Parameters
    ----------
    theta : torch.Tensor of shape (d,)
        Node scores (may require grad).
    max_iter : int, default=100
        Active-set iterations.

    Returns
    -------
    rankings : ndarray of int64, shape (m, d)
        Active rank vectors (constant).
    alpha : torch.Tensor of shape (m,)
        Their weights, differentiable w.r.t. ``theta`` through the KKT system of the
        active set.
    """
    th = theta.detach().cpu().numpy().astype(np.float64)
    vertices, _ = sparsemap_active_set(th, max_iter=max_iter)
    V = torch.as_tensor(vertices.T, dtype=theta.dtype, device=theta.device)
    m = V.shape[1]
    kkt = torch.zeros((m + 1, m + 1), dtype=theta.dtype, device=theta.device)
    kkt[:m, :m] = V.T @ V
    kkt[:m, m] = 1.0
    kkt[m, :m] = 1.0
    one = torch.ones(1, dtype=theta.dtype, device=theta.device)
    rhs = torch.cat([V.T @ theta, one])
    alpha = (torch.linalg.pinv(kkt) @ rhs)[:m]
    return vertices.astype(np.int64), alpha
