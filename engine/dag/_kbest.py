"""Exact enumeration of the K best rankings of a score vector.

A ranking ``rho`` is a permutation of ``1..d`` and scores ``<rho, theta>``; the best
ranking gives rank ``d`` to the largest score (an ascending argsort). Best-first
search: every ranking other than the best has a pair of items adjacent in the sorted
order of ``theta`` whose ranks are inverted, and swapping that pair gives a ranking
at least as good. So a search that starts from the best ranking and, from each
ranking it pops, pushes the ``d - 1`` rankings obtained by swapping the ranks of two
items adjacent in sorted-``theta`` order, pops rankings in non-increasing score
order and therefore returns the exact K best.

Cost: O(K d log(K d)) time and O(K d^2) memory for the queue.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np
from numpy.typing import NDArray

__all__ = ["kbest_rankings"]


def kbest_rankings(
    theta: NDArray[np.float64], k: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Return the ``k`` rankings of highest score ``<rho, theta>``, best first.

    Parameters
    ----------
    theta : ndarray of shape (d,)
        Node scores.
    k : int
        How many rankings (at most ``d!``).

    Returns
    -------
    rankings : ndarray of int64, shape (k', d)
        Rank vectors with values ``1..d``; ``k' = min(k, d!)``.
    scores : ndarray of float64, shape (k',)
        Their scores, non-increasing.

    Examples
    --------
    >>> r, s = kbest_rankings(np.array([0.0, 2.0, 0.5]), 3)
    >>> r.tolist(), s.tolist()
    ([[1, 3, 2], [2, 3, 1], [1, 2, 3]], [7.0, 6.5, 5.5])
    """
    theta = np.asarray(theta, dtype=np.float64)
    d = theta.shape[0]
    order = np.argsort(theta, kind="stable")  # items in ascending score
    best = np.empty(d, dtype=np.int64)
    best[order] = np.arange(1, d + 1)
    start = (float(best @ theta), tuple(best.tolist()))
    heap: list[tuple[float, tuple[int, ...]]] = [(-start[0], start[1])]
    seen = {start[1]}
    out_r: list[tuple[int, ...]] = []
    out_s: list[float] = []
    while heap and len(out_r) < k:
        neg, rho = heapq.heappop(heap)
        out_r.append(rho)
        out_s.append(-neg)
        for a, b in itertools.pairwise(order):
            ra, rb = rho[a], rho[b]
            new = list(rho)
            new[a], new[b] = rb, ra
            key = tuple(new)
            if key in seen:
                continue
            seen.add(key)
            # swapping the ranks of a and b adds (rb - ra) * (theta_a - theta_b)
            score = -neg + (rb - ra) * (theta[a] - theta[b])
            heapq.heappush(heap, (-score, key))
    return np.asarray(out_r, dtype=np.int64), np.asarray(out_s, dtype=np.float64)
