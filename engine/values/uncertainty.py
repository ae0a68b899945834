"""Monte Carlo standard errors of the probabilities of change.

A sampled result holds the standard error of every entry of its transition
matrices (``result.stderr``), not of ``p_change = 1 - trace``: the entries of
one sample are correlated, and their covariance is not kept. The standard
deviation of a sum is at most the sum of the standard deviations, so the sum of
the diagonal entries' errors (or of the off-diagonal ones, whose sum is
``p_change`` too) bounds the error of ``p_change`` from above; the smaller of
the two is used. Exact results have no error.
"""

from __future__ import annotations

import math

import numpy as np

from engine.values.result import DistributionalValues

__all__ = ["global_p_change_stderr", "p_change_stderr", "unsettled_top"]


def p_change_stderr(result: DistributionalValues) -> np.ndarray | None:
    """A bound on the standard error of each ``p_change``.

    Parameters
    ----------
    result : DistributionalValues

    Returns
    -------
    ndarray of shape (R, M) or None
        ``min(sum_k se[k, k], sum_{k != l} se[k, l])`` per row and player
        (NaN where a row had fewer than two samples); ``None`` for an exact
        result.

    Examples
    --------
    >>> import numpy as np
    >>> se = np.array([[[[0.01, 0.02], [0.02, 0.01]]]])
    >>> result = type("R", (), {"stderr": se})()
    >>> p_change_stderr(result).tolist()
    [[0.02]]
    """
    se = result.stderr
    if se is None:
        return None
    k = se.shape[-1]
    eye = np.eye(k, dtype=bool)
    return np.minimum(se[..., eye].sum(-1), se[..., ~eye].sum(-1))


def global_p_change_stderr(result: DistributionalValues) -> np.ndarray | None:
    """The bound of :func:`p_change_stderr` for the mean over rows, (M,).

    Rows are sampled independently: the error of the mean of R rows is the root
    of the sum of their squared errors over R. ``None`` for an exact result.
    """
    se = p_change_stderr(result)
    if se is None:
        return None
    return np.sqrt(np.sum(se**2, axis=0)) / se.shape[0]


def unsettled_top(
    p_change: np.ndarray, stderr: np.ndarray, n_samples: int, max_samples: int
) -> tuple[int, int, int] | None:
    """Whether the two largest ``p_change`` are within two standard errors.

    Parameters
    ----------
    p_change : ndarray of shape (M,)
    stderr : ndarray of shape (M,)
        Their standard errors (NaN: unknown, never settled).
    n_samples : int
        Samples behind them (orderings or coalitions per player).
    max_samples : int
        The largest budget the caller offers.

    Returns
    -------
    tuple of int or None
        ``(first, second, budget)``: the two players' indices and a budget for
        which their gap would be two standard errors of the difference (errors
        shrink as one over the root of the samples), at most ``max_samples``;
        ``None`` when the ranking is settled or there are fewer than two
        players.

    Examples
    --------
    >>> unsettled_top(np.array([0.067, 0.062]), np.array([0.016, 0.016]), 100, 5000)
    (0, 1, 5000)
    >>> unsettled_top(np.array([0.5, 0.1]), np.array([0.01, 0.01]), 100, 5000) is None
    True
    """
    if len(p_change) < 2:
        return None
    first, second = (int(j) for j in np.argsort(-p_change, kind="stable")[:2])
    spread = math.hypot(float(stderr[first]), float(stderr[second]))
    gap = float(p_change[first] - p_change[second])
    if not math.isnan(spread) and gap > 2 * spread:
        return None
    if math.isnan(spread) or gap <= 0:
        return first, second, max_samples
    needed = math.ceil(n_samples * (2 * spread / gap) ** 2 / 10) * 10
    return first, second, int(min(max(needed, n_samples + 10), max_samples))
