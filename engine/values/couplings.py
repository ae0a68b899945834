"""Laws of the marginal contribution for one (with, without) pair of outputs.

A player's distributional value is a mixture, over coalitions, of the law of
``(Y(S ∪ i), Y(S))`` where both outputs share their noise. This module gives that
law in closed form for the three payoff families, batched over many pairs:

* categorical outputs under the shared Gumbel-max coupling:
  :func:`categorical_joint` (the full K x K joint) and :func:`categorical_diagonal`
  (its diagonal only, O(K log K) per pair);
* two classes (comonotone Bernoulli coupling): :func:`bernoulli_joint`,
  :func:`bernoulli_law`;
* Gaussian outputs with shared standard-normal noise: :func:`gaussian_law`.

Orientation: ``J[..., k, l]`` is the probability that the output *with* the player
is class ``k`` and the output *without* it is class ``l``. Rows sum to the "with"
probabilities, columns to the "without" probabilities.

References
----------
L. Franceschi, M. Donini, C. Archambeau, M. Seeger. Explaining Probabilistic Models
with Distributional Values. ICML 2024.
"""

from __future__ import annotations

import math

import torch

__all__ = [
    "bernoulli_joint",
    "bernoulli_law",
    "categorical_diagonal",
    "categorical_joint",
    "gaussian_law",
    "gumbel_joint",
    "log_probabilities",
]


def log_probabilities(
    probabilities: torch.Tensor | None = None, *, logits: torch.Tensor | None = None
) -> torch.Tensor:
    """Normalised, clamped log-probabilities from probabilities or logits.

    Parameters
    ----------
    probabilities : Tensor of shape (..., K), optional
        Non-negative; each last-axis vector is renormalised to sum to one.
    logits : Tensor of shape (..., K), optional
        Unnormalised log-probabilities (any additive constant).

    Returns
    -------
    Tensor of shape (..., K)
        ``log_softmax`` of the input, clamped from below at a floor (about
        ``log(1e-300)`` in float64) so that zero probabilities stay finite.
    """
    if (probabilities is None) == (logits is None):
        raise ValueError("log_probabilities: pass exactly one of probabilities, logits")
    if logits is None:
        probs = probabilities.clamp_min(0)
        logits = torch.log(probs / probs.sum(-1, keepdim=True))
    lp = torch.log_softmax(logits, dim=-1)
    return lp.clamp_min(_log_floor(lp.dtype))


def _log_floor(dtype: torch.dtype) -> float:
    # a floor whose square still does not underflow to zero
    return 0.5 * math.log(torch.finfo(dtype).tiny)


def _log1mexp(x: torch.Tensor) -> torch.Tensor:
    """``log(1 - exp(x))`` for ``x <= 0``, accurate on both sides of ``-log 2``."""
    x = x.clamp_max(0)
    small = x > -math.log(2.0)
    return torch.where(
        small, torch.log(-torch.expm1(x)), torch.log1p(-torch.exp(x.clamp_max(-0.69)))
    )


def _sorted_terms(
    lp: torch.Tensor, lq: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sort by log-ratio and return ``order, lp_s, lq_s, lr_s, logD``.

    ``logD[..., m]`` is ``log D(r_(m))`` with ``D(s) = sum_j max(p_j, s q_j)``: at
    ``s = r_(m)`` the ``m + 1`` largest-ratio classes contribute ``p``, the others
    ``s q``.
    """
    lr = lp - lq  # (..., K) log p_k / q_k
    order = torch.argsort(lr, dim=-1, descending=True, stable=True)
    lp_s = lp.gather(-1, order)
    lq_s = lq.gather(-1, order)
    lr_s = lr.gather(-1, order)
    log_p_top = torch.logcumsumexp(lp_s, dim=-1)  # log P_m, m = 1..K
    # log of the q mass strictly below rank m: reverse cumulative log-sum-exp, shifted
    rev = torch.logcumsumexp(lq_s.flip(-1), dim=-1).flip(-1)
    neg_inf = torch.full_like(rev[..., :1], -math.inf)
    log_q_rest = torch.cat([rev[..., 1:], neg_inf], dim=-1)
    log_d = torch.logaddexp(log_p_top, lr_s + log_q_rest)
    return order, lp_s, lq_s, lr_s, log_d


def categorical_diagonal(lp: torch.Tensor, lq: torch.Tensor) -> torch.Tensor:
    """Diagonal of the Gumbel-max joint: ``P(A = k, B = k)`` for every class.

    Parameters
    ----------
    lp, lq : Tensor of shape (..., K)
        Log-probabilities of the output with and without the player (see
        :func:`log_probabilities`).

    Returns
    -------
    Tensor of shape (..., K)
        ``p_k / D(r_k) = 1 / sum_j max(p_j / p_k, q_j / q_k)``; ``1 - sum`` is the
        probability of change.
    """
    order, lp_s, _, _, log_d = _sorted_terms(lp, lq)
    diag_s = torch.exp(lp_s - log_d)
    return torch.empty_like(diag_s).scatter_(-1, order, diag_s)


def categorical_joint(lp: torch.Tensor, lq: torch.Tensor) -> torch.Tensor:
    """Joint law of ``(A, B)`` under the shared Gumbel-max coupling, closed form.

    ``A = argmax_k(log p_k + G_k)`` and ``B = argmax_k(log q_k + G_k)`` with the
    same iid Gumbel noise ``G``. With ``r_k = p_k / q_k`` and
    ``D(s) = sum_j max(p_j, s q_j)``:

    * ``J[k, k] = p_k / D(r_k)``;
    * ``J[k, l] = p_k q_l * integral_{r_l}^{r_k} ds / D(s)**2`` when ``r_k > r_l``,
      else 0.

    On each segment between consecutive sorted ratios ``D`` is affine, so the
    integral is a sum of terms ``(r_(m) - r_(m+1)) / (D(r_(m)) D(r_(m+1)))``,
    computed in log space (no overflow for extreme ratios, ties give zero-length
    segments, and no division by the vanishing tail mass).

    Parameters
    ----------
    lp, lq : Tensor of shape (..., K)
        Log-probabilities with and without the player, from
        :func:`log_probabilities` (shifting the logits by a constant changes
        nothing).

    Returns
    -------
    Tensor of shape (..., K, K)
        ``J[..., k, l] = P(A = k, B = l)``; rows sum to ``p``, columns to ``q``.

    Notes
    -----
    Cost per pair: O(K log K) for the sort and the cumulative sums plus O(K^2) to
    write the matrix. For K >= 3 the coupling is not the maximal one: the
    probability of change ``1 - trace(J)`` can exceed the total-variation distance.

    Examples
    --------
    >>> p = torch.tensor([0.5, 0.25, 0.25], dtype=torch.float64)
    >>> q = torch.tensor([0.25, 0.25, 0.5], dtype=torch.float64)
    >>> J = categorical_joint(p.log(), q.log())
    >>> [round(v, 6) for v in J[0].tolist()]
    [0.25, 0.05, 0.2]
    """
    if lp.shape[-1] == 2:
        # two classes: equal to the comonotone Bernoulli coupling, no sort needed
        return bernoulli_joint(torch.exp(lp[..., 1]), torch.exp(lq[..., 1]))
    return gumbel_joint(lp, lq)


def gumbel_joint(lp: torch.Tensor, lq: torch.Tensor) -> torch.Tensor:
    """The general closed form of :func:`categorical_joint`, for any K >= 2.

    :func:`categorical_joint` uses it for K >= 3 and the equivalent Bernoulli form
    for K = 2; parameters and return value are the same.
    """
    k = lp.shape[-1]
    order, lp_s, lq_s, lr_s, log_d = _sorted_terms(lp, lq)
    # segment integrals between consecutive sorted ratios, (..., K-1)
    gap = _log1mexp(lr_s[..., 1:] - lr_s[..., :-1])
    seg = torch.exp(lr_s[..., :-1] + gap - log_d[..., :-1] - log_d[..., 1:])
    anti = torch.cumsum(torch.cat([torch.zeros_like(seg[..., :1]), seg], -1), -1)
    # sorted joint: strictly upper triangle p_i q_j (H_j - H_i), diagonal p_i / D_i
    joint_s = torch.exp(lp_s).unsqueeze(-1) * torch.exp(lq_s).unsqueeze(-2)
    joint_s *= anti.unsqueeze(-2) - anti.unsqueeze(-1)
    lower = torch.tril(torch.ones(k, k, dtype=torch.bool, device=lp.device))
    joint_s.masked_fill_(lower, 0.0)
    joint_s.diagonal(dim1=-2, dim2=-1).copy_(torch.exp(lp_s - log_d))
    # undo the sort on both axes with one gather over the flattened matrix
    inverse = torch.argsort(order, dim=-1)
    flat = inverse.unsqueeze(-1) * k + inverse.unsqueeze(-2)
    out = joint_s.flatten(-2).gather(-1, flat.flatten(-2))
    return out.view(joint_s.shape)


def bernoulli_joint(pi_with: torch.Tensor, pi_without: torch.Tensor) -> torch.Tensor:
    """Comonotone coupling of two Bernoulli outputs as a 2 x 2 joint.

    ``Y = 1[U <= pi]`` with the same uniform ``U`` for both outputs; class 1 is
    "success". This is what :func:`categorical_joint` gives for K = 2.

    Parameters
    ----------
    pi_with, pi_without : Tensor of shape (...)
        Success probabilities with and without the player.

    Returns
    -------
    Tensor of shape (..., 2, 2)
        ``J[..., k, l] = P(Y_with = k, Y_without = l)``.
    """
    up = (pi_with - pi_without).clamp_min(0)
    down = (pi_without - pi_with).clamp_min(0)
    both = torch.minimum(pi_with, pi_without)
    neither = 1 - torch.maximum(pi_with, pi_without)
    row0 = torch.stack([neither, down], dim=-1)
    row1 = torch.stack([up, both], dim=-1)
    return torch.stack([row0, row1], dim=-2)


def bernoulli_law(pi_with: torch.Tensor, pi_without: torch.Tensor) -> torch.Tensor:
    """Law of ``xi = Y_with - Y_without`` under the comonotone coupling.

    Parameters
    ----------
    pi_with, pi_without : Tensor of shape (...)
        Success probabilities with and without the player.

    Returns
    -------
    Tensor of shape (..., 3)
        ``P(xi = -1), P(xi = 0), P(xi = +1)``: ``max(0, pi - pi')``,
        ``1 - |pi' - pi|``, ``max(0, pi' - pi)``.
    """
    diff = pi_with - pi_without
    return torch.stack([(-diff).clamp_min(0), 1 - diff.abs(), diff.clamp_min(0)], -1)


def gaussian_law(
    mu_with: torch.Tensor,
    sigma_with: torch.Tensor,
    mu_without: torch.Tensor,
    sigma_without: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Law of the marginal contribution of Gaussian outputs with shared noise.

    With ``v(S, eps) = mu_S + sigma_S eps`` and one standard-normal ``eps`` for all
    coalitions, ``xi = v(S ∪ i) - v(S) ~ N(mu' - mu, (sigma' - sigma)**2)``.

    Parameters
    ----------
    mu_with, sigma_with, mu_without, sigma_without : Tensor of shape (...)
        Means and standard deviations with and without the player.

    Returns
    -------
    mean : Tensor of shape (...)
    std : Tensor of shape (...)
        Mean and standard deviation of ``xi`` (a point mass when ``std`` is 0).
    """
    return mu_with - mu_without, (sigma_with - sigma_without).abs()
