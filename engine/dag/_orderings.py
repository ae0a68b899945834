"""Rank vectors, node orders and the complete DAG of an ordering.

A rank vector ``rho`` (values ``1..d``) puts node ``i`` at position ``rho[i]``; low
rank = upstream. The complete DAG of ``rho`` has ``i -> j`` iff
``rho[i] < rho[j]``.
"""

from __future__ import annotations

import numpy as np
import torch
from numpy.typing import NDArray

__all__ = ["complete_dags", "order_of", "ranks_of", "repair_rankings"]


def order_of(rho: NDArray[np.int64]) -> NDArray[np.int64]:
    """Nodes sorted upstream first, shape (d,)."""
    return np.argsort(rho, kind="stable")


def ranks_of(order: NDArray[np.int64]) -> NDArray[np.int64]:
    """Rank vector (``1..d``) of a node order (upstream first)."""
    rho = np.empty(len(order), dtype=np.int64)
    rho[np.asarray(order)] = np.arange(1, len(order) + 1)
    return rho


def complete_dags(
    rankings: NDArray[np.int64], device: torch.device, dtype: torch.dtype
) -> torch.Tensor:
    """Complete-DAG masks (K, d, d): ``[k, i, j] = 1`` iff ``rho_k[i] < rho_k[j]``."""
    r = torch.as_tensor(rankings, device=device)
    return (r[:, :, None] < r[:, None, :]).to(dtype)


def _repair(order: NDArray[np.int64], before: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Closest admissible order: Kahn's algorithm preferring the given order."""
    d = len(order)
    pos = np.empty(d, dtype=np.int64)
    pos[order] = np.arange(d)
    placed = np.zeros(d, dtype=bool)
    out = []
    for _ in range(d):
        ready = ~placed & ~(before & ~placed[:, None]).any(axis=0)
        nxt = int(np.flatnonzero(ready)[np.argmin(pos[ready])])
        out.append(nxt)
        placed[nxt] = True
    return np.asarray(out, dtype=np.int64)


def repair_rankings(
    rankings: NDArray[np.int64], before: NDArray[np.bool_] | None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Make every ranking respect precedence constraints, merging duplicates.

    Parameters
    ----------
    rankings : ndarray of shape (K, d)
        Rank vectors.
    before : ndarray of bool, shape (d, d), or None
        ``before[i, j]``: node i must precede j (transitively closed).

    Returns
    -------
    repaired : ndarray of shape (K', d)
        Distinct admissible rank vectors, first-seen order.
    index : ndarray of shape (K,)
        ``index[k]`` is the row of ``repaired`` that ranking ``k`` became.
    """
    if before is None or not before.any():
        return rankings, np.arange(len(rankings))
    rows: list[tuple[int, ...]] = []
    where: dict[tuple[int, ...], int] = {}
    index = np.empty(len(rankings), dtype=np.int64)
    for k, rho in enumerate(rankings):
        key = tuple(ranks_of(_repair(order_of(rho), before)).tolist())
        if key not in where:
            where[key] = len(rows)
            rows.append(key)
        index[k] = where[key]
    return np.asarray(rows, dtype=np.int64), index
