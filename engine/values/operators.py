"""Value operators: which coalitions a player's marginal contribution is averaged over.

A probabilistic value gives player ``i`` a distribution ``p_i(S)`` over coalitions
``S`` that do not contain ``i``. Two families are offered:

* :class:`Semivalue`: ``p_i(S) = w(|S|)`` with ``sum_s C(n-1, s) w(s) = 1``.
  Built-ins: :func:`shapley`, :func:`banzhaf`, :func:`beta_shapley`,
  :func:`weighted_banzhaf`; any weight table through :func:`semivalue`.
* :class:`RandomOrder`: ``S`` is the set of players before ``i`` in a random
  ordering, from an explicit list of orderings with probabilities (exact) or from a
  user sampler (Monte Carlo). Uniform orderings give the Shapley value.

Coalitions are encoded as bit masks: player ``j`` is in coalition ``c`` iff
``(c >> j) & 1``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import betaln, gammaln

from engine.errors import ConfigError, check_choice, plain

__all__ = [
    "OPERATORS",
    "Operator",
    "RandomOrder",
    "Semivalue",
    "banzhaf",
    "beta_shapley",
    "coalition_weights",
    "resolve_operator",
    "semivalue",
    "shapley",
    "weighted_banzhaf",
]


@dataclass(frozen=True)
class Semivalue:
    """A semivalue: the weight of a coalition depends only on its size.

    Parameters
    ----------
    name : str
        Label recorded in results (``"shapley"``, ``"banzhaf"``, ...).
    weight_fn : callable
        ``weight_fn(n_players) -> ndarray of shape (n_players,)``: ``w(s)`` for
        ``s = 0 .. n_players - 1``, the probability of each single coalition of
        ``s`` other players.
    params : dict
        Parameters recorded in provenance.
    """

    name: str
    weight_fn: Callable[[int], np.ndarray] = field(repr=False)
    params: dict[str, Any] = field(default_factory=dict)

    def sampled_by_orderings(self, n_players: int) -> bool:
        """Whether permutation sampling estimates this operator for ``n_players``.

        True only when the weights are the Shapley weights (the name is not
        trusted); only then are the values efficient, adding up to
        ``v(N) - v(∅)``.
        """
        reference = np.exp(-np.log(n_players) - _log_binom(n_players - 1))
        return bool(np.allclose(self.weights(n_players), reference, rtol=1e-9))

    def weights(self, n_players: int) -> np.ndarray:
        """Per-coalition weights ``w(s)``, checked to form a distribution.

        Parameters
        ----------
        n_players : int
            Number of players ``n``.

        Returns
        -------
        ndarray of shape (n_players,)
            ``w(s)`` for ``s = 0 .. n - 1``.
        """
        w = np.asarray(self.weight_fn(n_players), dtype=np.float64)
        if w.shape != (n_players,) or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ConfigError(
                f"{self.name}: the weight table must hold {n_players} non-negative "
                f"finite numbers (sizes 0..{n_players - 1}); got shape {w.shape}."
            )
        total = float(np.sum(np.exp(_log_binom(n_players - 1)) * w))
        if not math.isclose(total, 1.0, rel_tol=1e-9):
            raise ConfigError(
                f"{self.name}: sum_s C(n-1, s) w(s) must be 1; got {total!r}. "
                "Normalise the weights per coalition size."
            )
        return w

    def size_probabilities(self, n_players: int) -> np.ndarray:
        """Probability that the sampled coalition has ``s`` players, (n_players,)."""
        return np.exp(_log_binom(n_players - 1)) * self.weights(n_players)


@dataclass(frozen=True)
class RandomOrder:
    """A random-order value: ``S`` = the players before ``i`` in a random ordering.

    Give either a finite distribution (``orderings`` with ``probabilities``, used
    exactly) or a ``sampler(rng, n_samples, n_players) -> int array (n_samples,
    n_players)`` of orderings (used by permutation sampling).

    Parameters
    ----------
    orderings : sequence of sequences of int, optional
        Each a permutation of ``0 .. n_players - 1``.
    probabilities : sequence of float, optional
        One per ordering, summing to one; default uniform over ``orderings``.
    sampler : callable, optional
        Draws orderings from a NumPy generator.
    name : str, default="random_order"
        Label recorded in results.
    """

    orderings: tuple[tuple[int, ...], ...] | None = None
    probabilities: tuple[float, ...] | None = None
    sampler: Callable[[np.random.Generator, int, int], np.ndarray] | None = field(
        default=None, repr=False
    )
    name: str = "random_order"

    def sampled_by_orderings(self, n_players: int) -> bool:
        """Whether permutation sampling estimates this operator: always."""
        return True

    @property
    def params(self) -> dict[str, Any]:
        """Parameters recorded in provenance."""
        return {
            "orderings": None if self.orderings is None else list(self.orderings),
            "probabilities": self.probabilities,
            "sampler": None if self.sampler is None else repr(self.sampler),
        }

    def distribution(self, n_players: int) -> tuple[np.ndarray, np.ndarray]:
        """The finite ordering distribution, checked.

        Returns
        -------
        orderings : ndarray of shape (n_orderings, n_players), int
        probabilities : ndarray of shape (n_orderings,)
        """
        if self.orderings is None:
            raise ConfigError(
                "RandomOrder: exact values need 'orderings'; this operator only has "
                "a sampler, so use estimator='permutation'."
            )
        orders = np.asarray(self.orderings, dtype=np.int64)
        if orders.ndim != 2 or orders.shape[1] != n_players:
            raise ConfigError(
                f"RandomOrder: each ordering must list all {n_players} players; got "
                f"shape {orders.shape}."
            )
        if not np.all(np.sort(orders, axis=1) == np.arange(n_players)):
            raise ConfigError("RandomOrder: every ordering must be a permutation.")
        probs = (
            np.full(len(orders), 1.0 / len(orders))
            if self.probabilities is None
            else np.asarray(self.probabilities, dtype=np.float64)
        )
        if probs.shape != (len(orders),) or np.any(probs < 0):
            raise ConfigError(
                "RandomOrder: 'probabilities' must be one non-negative number per "
                "ordering."
            )
        if not math.isclose(float(probs.sum()), 1.0, rel_tol=1e-9):
            raise ConfigError(
                f"RandomOrder: 'probabilities' must sum to 1; got {probs.sum()!r}."
            )
        return orders, probs

    def sample(
        self, rng: np.random.Generator, n_samples: int, n_players: int
    ) -> np.ndarray:
        """Draw ``n_samples`` orderings, (n_samples, n_players) int."""
        if self.sampler is not None:
            orders = np.asarray(self.sampler(rng, n_samples, n_players))
            if orders.shape != (n_samples, n_players) or not np.all(
                np.sort(orders, axis=1) == np.arange(n_players)
            ):
                raise ConfigError(
                    f"RandomOrder: the sampler must return {n_samples} permutations "
                    f"of {n_players} players; got shape {orders.shape}."
                )
            return orders.astype(np.int64)
        orders, probs = self.distribution(n_players)
        return orders[rng.choice(len(orders), size=n_samples, p=probs)]


Operator = Semivalue | RandomOrder


def _log_binom(n: int) -> np.ndarray:
    s = np.arange(n + 1)
    return gammaln(n + 1) - gammaln(s + 1) - gammaln(n - s + 1)


def shapley() -> Semivalue:
    """The Shapley value: ``w(s) = s! (n - s - 1)! / n!``."""
    return Semivalue("shapley", lambda n: np.exp(-np.log(n) - _log_binom(n - 1)))


def banzhaf() -> Semivalue:
    """The Banzhaf value: ``w(s) = 2 ** -(n - 1)`` (not efficient)."""
    return Semivalue("banzhaf", lambda n: np.full(n, 0.5 ** (n - 1)))


def weighted_banzhaf(t: float) -> Semivalue:
    """Each other player joins independently with probability ``t`` in (0, 1)."""
    if not 0 < t < 1:
        raise ConfigError(
            f"weighted_banzhaf: 't' must lie in (0, 1); got {plain(t)!r}."
        )

    def weights(n: int) -> np.ndarray:
        s = np.arange(n)
        return t**s * (1 - t) ** (n - 1 - s)

    return Semivalue("weighted_banzhaf", weights, {"t": t})


def beta_shapley(alpha: float = 16.0, beta: float = 1.0) -> Semivalue:
    """Beta-Shapley (Kwon and Zou, 2022): a semivalue with Beta-mixed inclusion.

    Each other player joins with probability ``t``, ``t ~ Beta(beta, alpha)``, so
    ``w(s) = B(s + beta, n - 1 - s + alpha) / B(alpha, beta)``. ``alpha = beta = 1``
    is the Shapley value; ``alpha > beta`` favours small coalitions.

    Parameters
    ----------
    alpha, beta : float
        Positive shape parameters.

    References
    ----------
    Y. Kwon, J. Zou. Beta Shapley: a Unified and Noise-reduced Data Valuation
    Framework for Machine Learning. AISTATS 2022.
    """
    if not (alpha > 0 and beta > 0):
        raise ConfigError(
            f"beta_shapley: 'alpha' and 'beta' must be positive; got {plain(alpha)!r}, "
            f"{plain(beta)!r}."
        )

    def weights(n: int) -> np.ndarray:
        s = np.arange(n)
        return np.exp(betaln(s + beta, n - 1 - s + alpha) - betaln(alpha, beta))

    return Semivalue("beta_shapley", weights, {"alpha": alpha, "beta": beta})


def semivalue(weights: Sequence[float] | Callable[[int], Any], name: str = "semivalue"):
    """A semivalue from a user weight table.

    Parameters
    ----------
    weights : sequence of float or callable
        ``w(s)`` per coalition of size ``s = 0 .. n - 1`` (a table fixes ``n``), or
        a function of ``n`` returning that table.
    name : str, default="semivalue"
        Label recorded in results.

    Returns
    -------
    Semivalue
    """
    if callable(weights):
        return Semivalue(name, weights)
    table = np.asarray(weights, dtype=np.float64)
    return Semivalue(name, lambda n: table, {"weights": table.tolist()})


OPERATORS: dict[str, Callable[[], Semivalue]] = {
    "shapley": shapley,
    "banzhaf": banzhaf,
    "beta_shapley": beta_shapley,
}


def resolve_operator(operator: str | Operator) -> Operator:
    """Turn ``"shapley"``, ``"banzhaf"`` or ``"beta_shapley"`` into an operator."""
    if isinstance(operator, Semivalue | RandomOrder):
        return operator
    check_choice("explain", "operator", operator, OPERATORS)
    return OPERATORS[operator]()


def coalition_weights(operator: Operator, n_players: int) -> np.ndarray:
    """Weight of every coalition for every player, for exact enumeration.

    Parameters
    ----------
    operator : Semivalue or RandomOrder
    n_players : int

    Returns
    -------
    ndarray of shape (n_players, 2 ** n_players)
        ``W[i, c] = p_i(S_c)``, zero when player ``i`` is in coalition ``c``; each
        row sums to one.
    """
    masks = np.arange(2**n_players)
    bits = (masks[None, :] >> np.arange(n_players)[:, None]) & 1  # (n, 2^n)
    if isinstance(operator, Semivalue):
        w = operator.weights(n_players)
        sizes = bits.sum(axis=0)
        return np.where(bits == 0, w[np.minimum(sizes, n_players - 1)], 0.0)
    orders, probs = operator.distribution(n_players)
    out = np.zeros((n_players, 2**n_players))
    for order, prob in zip(orders, probs, strict=True):
        before = 0
        for player in order:
            out[player, before] += prob
            before |= 1 << int(player)
    return out
