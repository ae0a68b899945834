"""Sparsemax: the Euclidean projection of a score vector onto the simplex.

References
----------
Martins & Astudillo, "From Softmax to Sparsemax", ICML 2016.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["sparsemax"]


def _threshold(s: torch.Tensor) -> torch.Tensor:
    """Return tau with sum(max(s - tau, 0)) = 1 for a 1-D tensor ``s``."""
    z, _ = torch.sort(s, descending=True)
    k = torch.arange(1, s.numel() + 1, dtype=s.dtype, device=s.device)
    cum = torch.cumsum(z, 0)
    support = 1 + k * z > cum
    k_max = int(support.nonzero().max()) + 1
    return (cum[k_max - 1] - 1) / k_max


class _Sparsemax(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, s: torch.Tensor) -> torch.Tensor:
        p = torch.clamp(s - _threshold(s), min=0.0)
        ctx.save_for_backward(p)
        return p

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (p,) = ctx.saved_tensors
        on = p > 0
        # Jacobian = diag(on) - on on^T / |on|
        v = grad - grad[on].sum() / on.sum()
        return torch.where(on, v, torch.zeros_like(v))


def sparsemax(s: torch.Tensor) -> torch.Tensor:
    """Project scores onto the probability simplex.

    Parameters
    ----------
    s : torch.Tensor of shape (k,)
        Scores.

    Returns
    -------
    torch.Tensor of shape (k,)
        ``argmin_p ||p - s||^2`` over the simplex: non-negative, sums to one, often
        sparse. Differentiable (the Jacobian is piecewise constant).

    Examples
    --------
    >>> sparsemax(torch.tensor([1.0, 0.0, -2.0])).tolist()
    [1.0, 0.0, 0.0]
    >>> sparsemax(torch.tensor([0.3, 0.1], dtype=torch.float64)).tolist()
    [0.6, 0.4]
    """
    return _Sparsemax.apply(s)
