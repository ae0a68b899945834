"""DAG-DB: discrete DAGs learned by back-propagating through sampled digraphs.

Model
-----
A score matrix ``Theta`` (d, d) with zero diagonal defines independent Bernoulli
edges, sampled by perturb-and-MAP: ``Z_s = MAP(Theta + tau * eps_s)`` with
``MAP(S)_ij = 1[S_ij > 0]`` (or, with ``max_size = M``, the ``M`` largest positive
entries). A linear edge model without intercept predicts every column from its
sampled parents, ``Xhat_s = X (Z_s ⊙ B)``, and each sample's loss is

    l_s = MSE(X, Xhat_s) + rho * (tr exp(Z_s) - d)^2 / 2 + mu * sum(Z_s)

(NOTEARS-style acyclicity penalty on the binary sample plus a size penalty).
Optionally (``train_dag="two_cycles"``) every sample first loses, of two opposite
edges, the one with the smaller perturbed score: the minimum feedback arc set of
each 2-cycle, a cheap form of the thesis' variant that runs the feedback arc set
inside training (``train_dag="fas"`` runs the full greedy one on every sample).
Minibatch Adam updates ``Theta`` (through I-MLE, AIMLE or the straight-through
estimator of :mod:`engine.dag.pmap`) and ``B`` (ordinary gradients). Training never
enforces acyclicity; the output is the noise-free ``MAP(Theta)`` projected onto a
DAG by a weighted feedback arc set (:func:`engine.dag.fas.break_cycles`, weights
``ReLU(Theta)``), so it is always a DAG. Edge weights of the output are refitted by
least squares on the centred data.

Prior knowledge is exact: forbidden edges and edges against the tiers are masked
out of every sample (and of ``Theta``'s gradient), required edges are in every
sample and are kept by the projection. The projection also keeps the tiers as an
order: no node of a later tier is an ancestor of a node of an earlier tier, not
even through untiered nodes (the feedback arc set places every earlier-tier node
before every later-tier node).

Cost: one step is O(S * batch * d^2) for the edge model plus S matrix exponentials,
O(S d^3); memory O(S * batch * d + S d^2); an epoch is n / batch steps. Measured on
one CPU core (``bench/dag_synthetic.py``, d = 30, n = 1000, defaults: S = 8, batch
64): 0.023-0.026 s per epoch on an idle machine (0.05-0.06 s under load), 7-8 s
for 300 epochs; ``train_dag="fas"`` is about 10x slower per epoch (a Python
feedback arc set per sample).

References
----------
Wren, Minervini, Franceschi, Zantedeschi. "Learning Discrete Directed Acyclic Graphs
via Backpropagation." arXiv 2210.15353, 2022.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from numpy.typing import NDArray

from engine.dag._inert import EARLY_STOP, ActsOnlyWith, inert_reason, refuse_inert
from engine.dag.fas import break_cycles
from engine.dag.pmap import (
    ESTIMATORS,
    NOISES,
    AdaptiveLambda,
    MapSolver,
    Threshold,
    TopK,
    perturb_and_map,
)
from engine.errors import (
    ConfigError,
    DataError,
    DataWarning,
    NumericalError,
    check_choice,
    check_int,
    check_range,
    warn_user,
)
from engine.runtime import Reporter, make_generators, resolve_device

__all__ = ["THESIS_SETTINGS", "DagdbConfig", "fit_dagdb"]

logger = logging.getLogger(__name__)

_OWNER = "DagdbConfig"
TRAIN_DAG = ("none", "two_cycles", "fas")
# Largest I-MLE lambda: the estimator's gradient entries are at most
# 1 / (lam * tau), so with a larger lambda they fall towards Adam's epsilon (1e-8)
# and the scores stop moving (lam = 1e300 froze them at their first MAP graph).
# From about lam = 1e3 (tau = 0.5) on, the target MAP is saturated and a larger
# lambda only shrinks the gradient.
LAM_MAX = 1e6


_IMLE_ONLY = ActsOnlyWith(
    "estimator",
    lambda v: v == "imle",
    "estimator='imle'",
    "only I-MLE has a fixed lambda; AIMLE adapts its own step and the "
    "straight-through estimator has none",
)
_TARGETS = ActsOnlyWith(
    "estimator",
    lambda v: v in ("imle", "aimle"),
    "estimator='imle' or 'aimle'",
    "the straight-through estimator samples no target graphs",
)
_AIMLE_ONLY = ActsOnlyWith(
    "estimator",
    lambda v: v == "aimle",
    "estimator='aimle'",
    "it tunes AIMLE's adaptive step",
)
_SOG_ONLY = ActsOnlyWith(
    "noise",
    lambda v: v == "sum_of_gamma",
    "noise='sum_of_gamma'",
    "it shapes the Sum-of-Gamma noise",
)
# option -> when it acts; an option set to a value other than its default under
# other settings is refused (see DagdbConfig.inert_because)
_ACTS_ONLY_WITH: dict[str, ActsOnlyWith] = {
    "lam": _IMLE_ONLY,
    "marginal_samples": _TARGETS,
    "aimle_target": _AIMLE_ONLY,
    "aimle_beta": _AIMLE_ONLY,
    "aimle_step": _AIMLE_ONLY,
    "aimle_symmetric": _AIMLE_ONLY,
    "aimle_momentum": _AIMLE_ONLY,
    "sog_k": _SOG_ONLY,
    "sog_terms": _SOG_ONLY,
    "tol": EARLY_STOP,
}


def _help(text: str, **extra: Any) -> dict[str, Any]:
    return {"help": text, **extra}


# The thesis' tuned configurations (Wren 2022, Table 6.1; "<estimator>_<noise>_
# <max size>"): options of DagdbConfig. max_size 84 and 66 were tuned for ER2
# graphs with d = 30 (about 60 edges) and need rescaling elsewhere.
_THESIS_COMMON: dict[str, Any] = {
    "noise": "logistic",
    "max_iter": 1000,
    "grad_clip": 0.0,
    "prune_threshold": 0.0,
}
THESIS_SETTINGS: dict[str, dict[str, Any]] = {
    "ste_logistic_84": _THESIS_COMMON
    | {
        "estimator": "ste",
        "batch_size": 16,
        "n_samples": 10,
        "temperature": 0.1771,
        "theta_init": 0.02169,
        "lr_theta": 1.134e-4,
        "lr_weights": 0.01232,
        "rho": 0.4101,
        "mu": 0.01023,
        "max_size": 84,
    },
    "ste_logistic_none": _THESIS_COMMON
    | {
        "estimator": "ste",
        "batch_size": 16,
        "n_samples": 50,
        "temperature": 0.04432,
        "theta_init": 0.01098,
        "lr_theta": 0.05359,
        "lr_weights": 0.002385,
        "rho": 0.5269,
        "mu": 0.01197,
        "max_size": 0,
    },
    "imle_logistic_66": _THESIS_COMMON
    | {
        "estimator": "imle",
        "batch_size": 32,
        "n_samples": 10,
        "temperature": 0.1621,
        "lam": 5.698,
        "theta_init": 0.005811,
        "lr_theta": 0.00404,
        "lr_weights": 0.01177,
        "rho": 0.02802,
        "mu": 0.2200,
        "max_size": 66,
    },
    "imle_logistic_none": _THESIS_COMMON
    | {
        "estimator": "imle",
        "batch_size": 8,
        "n_samples": 47,
        "temperature": 0.8786,
        "lam": 27.14,
        "theta_init": 1.137e-4,
        "lr_theta": 0.001616,
        "lr_weights": 0.3720,
        "rho": 0.1575,
        "mu": 0.001208,
        "max_size": 0,
    },
}


@dataclass(frozen=True, kw_only=True)
class DagdbConfig:
    """Settings of a DAG-DB fit.

    Parameters
    ----------
    estimator : {"imle", "aimle", "ste"}, default="imle"
        Gradient estimator through the sampled graphs: I-MLE with a fixed lambda,
        AIMLE with an adaptive lambda, or straight-through.
    noise : {"logistic", "gumbel", "sum_of_gamma", "none"}, default="logistic"
        Perturbation noise; with logistic noise and no ``max_size`` the samples are
        exact Bernoulli(sigmoid(Theta / tau)) draws.
    n_samples : int, default=8
        Graphs sampled per minibatch (S).
    temperature : float, default=0.5
        Noise temperature tau (> 0 unless ``noise="none"``).
    lam : float, default=20.0
        I-MLE lambda, in (0, :data:`LAM_MAX` = 1e6]; the target step is
        ``lam * tau`` in score units. The gradient entries are at most
        ``1 / (lam * tau)``: a huge lambda makes them vanish and freezes the
        scores. Only ``estimator="imle"`` uses it.
    marginal_samples : int, default=1
        I-MLE and AIMLE: noise draws M per sampled graph in the backward pass
        (AIMLE's ``nb_marginal_samples``). Each sample's gradient is the mean of M
        coupled differences ``MAP(Theta + tau eps_m) - MAP(Theta' + tau eps_m)``
        (the sample's own noise and M - 1 fresh draws from the fit's generator),
        which divides the noise part of its variance by M at the cost of 2M MAPs
        per sample instead of 2 (the module docstring of :mod:`engine.dag.pmap`
        gives the exact definition, AIMLE's step and ``nnz`` included). 1: the
        single-draw estimator of the thesis. Ignored by ``"ste"``.
    aimle_target : float, default=0.0
        AIMLE: wanted non-zero gradient entries per sample; 0 means d (the
        AIMLE library's default is 1.0; see Notes).
    aimle_beta : float, default=1.0
        AIMLE: initial relative step.
    aimle_step : float, default=1e-3
        AIMLE: additive change of beta per update (the library's default is
        1e-4; see Notes).
    aimle_symmetric : bool, default=False
        AIMLE: central difference instead of the forward difference.
    aimle_momentum : float, default=0.0
        AIMLE: momentum of the beta updates, in [0, 1).
    sog_k : float, default=1.0
        Sum-of-Gamma noise: k (expected active components per entry).
    sog_terms : int, default=10
        Sum-of-Gamma noise: number of Gamma terms.
    max_size : int, default=0
        Keep at most this many edges per sample (top-M MAP); 0: no cap (threshold
        at zero).
    train_dag : {"none", "two_cycles", "fas"}, default="none"
        What the training MAP does about cycles after thresholding. ``"none"``:
        nothing (the thesis' default protocol; samples are independent
        Bernoulli edges). ``"two_cycles"``: of two opposite edges keep the one
        with the larger perturbed score (vectorised, negligible cost).
        ``"fas"``: the greedy feedback arc set on every sample (the thesis'
        "DAG tr" variant; CPU, several times slower). Why: on standardised data
        a strongly dependent pair explains the data equally well in both
        directions, the acyclicity penalty pushes both scores below zero and the
        noise-free MAP loses the pair altogether; resolving cycles in training
        keeps one direction. Caveat: the dropped direction's weight stops
        training, so an early wrong winner can lock in; with ``"ste"`` this
        breaks recovery of small planted graphs, so it is not the default.
    rho : float, default=0.2
        Weight of the acyclicity penalty ``(tr exp(Z) - d)^2 / 2``.
    mu : float, default=0.005
        Weight of the size penalty ``sum(Z)``.
    grad_clip : float, default=1.0
        Clamp every entry of the scores' gradient to ``[-grad_clip, grad_clip]``
        before the Adam step; 0 disables. Dense early samples make the acyclicity
        gradient astronomically large; without a clamp, STE and AIMLE (whose
        gradients scale with it) fill Adam's second-moment estimate with it and
        then freeze the scores for thousands of steps.
    theta_init : float, default=1e-3
        Initial scores are drawn from U(-theta_init, theta_init).
    lr_theta : float, default=0.01
        Adam learning rate of the scores.
    lr_weights : float, default=0.02
        Adam learning rate of the edge weights B.
    batch_size : int, default=64
        Rows per minibatch (capped at n).
    max_iter : int, default=200
        Passes over the data.
    patience : int, default=0
        Stop when the epoch loss has not improved by ``tol`` (relative) for this
        many epochs; 0: run all ``max_iter`` epochs (the reference protocol),
        by design, so the result's ``converged`` is False and no
        :class:`~engine.ConvergenceWarning` is raised. With ``patience`` > 0 a
        fit that reaches ``max_iter`` without stopping early warns.
    tol : float, default=1e-4
        Relative improvement that counts for ``patience``.
    prune_threshold : float, default=0.3
        After the projection, drop edges whose least-squares weight is below this
        in absolute value (then refit); 0 keeps the MAP graph as it is (the
        reference protocol). Required edges are never dropped. The weights are on
        the scale of the data: standardise X for a scale-free threshold.
    dtype : {"float64", "float32"}, default="float64"
        Floating-point type of the fit.
    progress_every : int, default=1
        Report progress every this many epochs.

    Options that the other settings make inert are refused (a
    :class:`~engine.errors.ConfigError` naming both options and their values) when
    set away from their defaults: ``lam`` acts only with ``estimator="imle"``,
    ``marginal_samples`` with ``"imle"`` or ``"aimle"``, the ``aimle_*`` options
    with ``"aimle"``, ``sog_k`` and ``sog_terms`` with
    ``noise="sum_of_gamma"``, ``tol`` with ``patience`` > 0
    (:meth:`inert_because`).

    Notes
    -----
    The defaults are not the thesis' tuned settings (Table 6.1, Optuna on ER2
    graphs with d = 30 for 1000 epochs on a GPU), which are in
    :data:`THESIS_SETTINGS`: ``learn_dag(X, "dagdb",
    **THESIS_SETTINGS["imle_logistic_none"])``. Those take S = 47 samples on
    minibatches of 8 rows, 47 x 125 = 5875 sampled graphs per epoch at
    n = 1000 against 8 x 16 = 128 here, for 1000 epochs instead of 200: at
    d = 30, n = 1000 on one CPU core (shared machine) 1.55 s per epoch, 26 min
    per fit, against 0.06 s per epoch and 12 s with the defaults (timed as
    ``learn_dag(simulate_sem(30, 1000, seed=0).X, "dagdb", device="cpu",
    **(THESIS_SETTINGS["imle_logistic_none"] | {"max_iter": 2}))`` over 2, and
    with ``max_iter=10`` over 10, under ``OMP_NUM_THREADS=1``). The defaults
    trade the tuning for speed; the
    clamp (``grad_clip``) and the weight cut (``prune_threshold``) are
    additions of this implementation, off in the thesis settings.

    AIMLE is not in the thesis (DAG-DB uses I-MLE); its defaults here are not
    the AIMLE library's (``torch-adaptive-imle``: ``step`` 1e-4,
    ``target_norm`` 1.0). The library adapts beta for top-k vectors, where
    about one non-zero gradient entry per sample is a fair target; a graph has
    d(d - 1) entries, so the target here is d. With a step of 1e-4, beta moves
    by at most 0.14 over a default fit at n = 500 (200 epochs of 7 steps), so
    it would hardly adapt; 1e-3 lets it. Neither choice is tuned: on five
    simulated graphs (``simulate_sem(d, 500, edges_per_node=1.0, seed=s)`` for
    d = 6, s = 0, 1, 2 and d = 10, s = 0, 1; defaults otherwise, seed 0) the
    library's values gave SHD 0, 0, 4, 3, 2 against 0, 1, 4, 3, 4 with these.
    Pass ``aimle_step=1e-4, aimle_target=1.0`` for the library's behaviour.
    """

    estimator: Literal["imle", "aimle", "ste"] = field(
        default="imle", metadata=_help("gradient estimator", choices=ESTIMATORS)
    )
    noise: Literal["logistic", "gumbel", "sum_of_gamma", "none"] = field(
        default="logistic", metadata=_help("perturbation noise", choices=NOISES)
    )
    n_samples: int = field(default=8, metadata=_help("graphs sampled per step", min=1))
    temperature: float = field(
        default=0.5,
        metadata=_help("noise temperature (> 0)", min=0, min_open=True),
    )
    lam: float = field(
        default=20.0,
        metadata=_help(
            f"I-MLE lambda (> 0, at most {LAM_MAX:g}; only estimator 'imle')",
            min=0,
            min_open=True,
            max=LAM_MAX,
        ),
    )
    marginal_samples: int = field(
        default=1,
        metadata=_help(
            "I-MLE/AIMLE: noise draws M per sampled graph in the backward pass, "
            "averaged: lower-variance gradient for 2M MAPs per sample instead "
            "of 2 (1 = single draw; ignored by ste)",
            min=1,
        ),
    )
    aimle_target: float = field(
        default=0.0,
        metadata=_help("AIMLE: non-zero gradient entries per sample (0 = d)", min=0),
    )
    aimle_beta: float = field(default=1.0, metadata=_help("AIMLE initial beta", min=0))
    aimle_step: float = field(default=1e-3, metadata=_help("AIMLE beta step", min=0))
    aimle_symmetric: bool = field(
        default=False, metadata=_help("AIMLE central difference")
    )
    aimle_momentum: float = field(
        default=0.0, metadata=_help("AIMLE beta momentum", min=0, max=0.99)
    )
    sog_k: float = field(
        default=1.0, metadata=_help("Sum-of-Gamma k (> 0)", min=0, min_open=True)
    )
    sog_terms: int = field(default=10, metadata=_help("Sum-of-Gamma terms", min=1))
    max_size: int = field(
        default=0, metadata=_help("maximum edges per sample, top-M (0 = no cap)", min=0)
    )
    train_dag: Literal["none", "two_cycles", "fas"] = field(
        default="none",
        metadata=_help(
            "cycle handling of training samples: drop the weaker edge of 2-cycles, "
            "a feedback arc set per sample, or nothing",
            choices=TRAIN_DAG,
        ),
    )
    rho: float = field(default=0.2, metadata=_help("acyclicity penalty weight", min=0))
    mu: float = field(default=0.005, metadata=_help("size penalty weight", min=0))
    grad_clip: float = field(
        default=1.0, metadata=_help("clamp of score gradients (0 = off)", min=0)
    )
    theta_init: float = field(
        default=1e-3, metadata=_help("initial score scale", min=0)
    )
    lr_theta: float = field(
        default=0.01,
        metadata=_help("score learning rate (> 0)", min=0, min_open=True),
    )
    lr_weights: float = field(
        default=0.02,
        metadata=_help("weight learning rate (> 0)", min=0, min_open=True),
    )
    batch_size: int = field(default=64, metadata=_help("rows per minibatch", min=1))
    max_iter: int = field(default=200, metadata=_help("epochs", min=1))
    patience: int = field(
        default=0, metadata=_help("early-stop epochs without gain (0 = off)", min=0)
    )
    tol: float = field(default=1e-4, metadata=_help("early-stop relative gain", min=0))
    prune_threshold: float = field(
        default=0.3, metadata=_help("drop final edges with |weight| below this", min=0)
    )
    dtype: Literal["float64", "float32"] = field(
        default="float64",
        metadata=_help("floating-point type", choices=("float64", "float32")),
    )
    progress_every: int = field(
        default=1, metadata=_help("epochs between reports", min=1)
    )

    def __post_init__(self) -> None:
        """Validate every field; raise :class:`ConfigError` naming the parameter."""
        check_choice(_OWNER, "estimator", self.estimator, ESTIMATORS)
        check_choice(_OWNER, "noise", self.noise, NOISES)
        check_choice(_OWNER, "dtype", self.dtype, ("float32", "float64"))
        check_choice(_OWNER, "train_dag", self.train_dag, TRAIN_DAG)
        for name in (
            "n_samples",
            "marginal_samples",
            "batch_size",
            "max_iter",
            "sog_terms",
            "progress_every",
        ):
            self._keep(name, check_int(_OWNER, name, getattr(self, name), low=1))
        for name in ("max_size", "patience"):
            self._keep(name, check_int(_OWNER, name, getattr(self, name), low=0))
        for name in ("lam", "lr_theta", "lr_weights", "sog_k"):
            self._keep(name, _check_float(name, getattr(self, name), low_open=True))
        for name in (
            "rho",
            "mu",
            "theta_init",
            "tol",
            "aimle_beta",
            "aimle_step",
            "prune_threshold",
            "grad_clip",
            "aimle_target",
            "aimle_momentum",
        ):
            self._keep(name, _check_float(name, getattr(self, name)))
        positive = self.noise != "none"
        self._keep(
            "temperature", _check_float("temperature", self.temperature, positive)
        )
        if self.aimle_momentum >= 1.0:
            raise ConfigError(
                f"{_OWNER}: 'aimle_momentum' must be below 1; got "
                f"{self.aimle_momentum!r}."
            )
        if not isinstance(self.aimle_symmetric, bool):
            raise ConfigError(
                f"{_OWNER}: 'aimle_symmetric' must be a bool; got "
                f"{self.aimle_symmetric!r}."
            )
        if self.lam > LAM_MAX:
            raise ConfigError(
                f"{_OWNER}: 'lam' must be at most {LAM_MAX:g}; got {self.lam!r}. "
                "I-MLE's gradient entries are at most 1 / (lam * temperature): "
                "with a larger lambda they vanish and the scores stop moving. "
                "The thesis tuned values from 0.1 to 27."
            )
        self._refuse_inert_options()

    def _keep(self, name: str, value: Any) -> None:
        """Store a checked value (a plain int or float: np.int64(3) becomes 3)."""
        object.__setattr__(self, name, value)

    def _refuse_inert_options(self) -> None:
        """Refuse an option set away from its default that the others make inert."""
        refuse_inert(_OWNER, self, _ACTS_ONLY_WITH)

    @staticmethod
    def inert_because(name: str, settings: Mapping[str, Any]) -> str | None:
        """Why option ``name`` does nothing under ``settings``, or ``None``.

        Parameters
        ----------
        name : str
            An option (a field of this class).
        settings : mapping
            Values of the other options; a missing one counts as its default.

        Returns
        -------
        str or None
            The deciding option and its value (``"estimator='ste'"``) when
            ``name`` has no effect with it; ``None`` when it acts. The app's form
            hides such options; the constructor refuses them when set away from
            their defaults.

        Examples
        --------
        >>> DagdbConfig.inert_because("lam", {"estimator": "ste"})
        "estimator='ste'"
        >>> DagdbConfig.inert_because("lam", {}) is None
        True
        """
        return inert_reason(DagdbConfig, _ACTS_ONLY_WITH, name, settings)

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary of the settings."""
        return asdict(self)


def _check_float(name: str, value: Any, low_open: bool = False) -> float:
    """``value`` as a plain number ``>= 0`` (``> 0`` with ``low_open``)."""
    return check_range(_OWNER, name, value, low=0, low_open=low_open)


# --- pieces of the model ------------------------------------------------------------


@dataclass(frozen=True)
class _MaskedSolver:
    """Apply prior masks to the scores, then a base MAP solver."""

    base: MapSolver
    allowed: torch.Tensor  # (d, d) bool, diagonal False
    required: torch.Tensor  # (d, d) bool
    train_dag: str = "none"

    def __call__(self, scores: torch.Tensor) -> torch.Tensor:
        big = torch.finfo(scores.dtype).max
        s = torch.where(self.allowed, scores, torch.full_like(scores, -big))
        s = torch.where(self.required, torch.full_like(s, big), s)
        z = self.base(s)
        if self.train_dag == "two_cycles":
            z = _drop_weaker_of_two_cycles(z, s)
        elif self.train_dag == "fas":
            z = _fas_per_sample(z, s, self.required)
        return z


def _drop_weaker_of_two_cycles(z: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """Of every pair ``i -> j``, ``j -> i`` in a sample keep the higher-scored edge.

    Ties (equal perturbed scores, probability zero with noise) keep both; the
    acyclicity penalty and the final projection deal with them.
    """
    on = z > 0
    weaker = on & on.transpose(-1, -2) & (s.transpose(-1, -2) > s)
    return torch.where(weaker, torch.zeros_like(z), z)


def _fas_per_sample(
    z: torch.Tensor, s: torch.Tensor, required: torch.Tensor
) -> torch.Tensor:
    """Greedy weighted feedback arc set of every sample (weights: the scores)."""
    on = (z > 0).cpu().numpy()
    keep = required.cpu().numpy()
    w = np.where(on & ~keep, np.maximum(s.detach().cpu().numpy(), 1e-12), 0.0)
    out = np.stack(
        [
            break_cycles(w[k], keep=keep, method="greedy") & (on[k] | keep)
            for k in range(w.shape[0])
        ]
    )
    return torch.as_tensor(out, dtype=z.dtype, device=z.device)


class _NotearsPenalty(torch.autograd.Function):
    """``(tr exp(Z) - d)^2 / 2`` per sample, gradient ``h * exp(Z)^T``."""

    @staticmethod
    def forward(ctx: Any, z: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        e = torch.linalg.matrix_exp(z)  # (S, d, d)
        h = e.diagonal(dim1=-2, dim2=-1).sum(-1) - z.shape[-1]  # (S,)
        ctx.save_for_backward(e, h)
        return 0.5 * h * h

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        e, h = ctx.saved_tensors
        return (grad * h)[:, None, None] * e.transpose(-1, -2)


def notears_h(adjacency: torch.Tensor) -> torch.Tensor:
    """``tr exp(A) - d`` of a (..., d, d) adjacency (0 iff acyclic for A >= 0)."""
    e = torch.linalg.matrix_exp(adjacency)
    return e.diagonal(dim1=-2, dim2=-1).sum(-1) - adjacency.shape[-1]


def _prior_masks(prior: Any, d: int) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Allowed and required (d, d) masks from a PriorKnowledge-like object."""
    allowed = ~np.eye(d, dtype=bool)
    required = np.zeros((d, d), dtype=bool)
    if prior is None:
        return allowed, required
    forbidden = np.asarray(prior.forbidden, dtype=bool)
    required = np.asarray(prior.required, dtype=bool)
    if forbidden.shape != (d, d) or required.shape != (d, d):
        raise DataError(
            f"fit_dagdb: the prior knowledge covers {forbidden.shape[0]} nodes but "
            f"the data has {d} columns; build it over the same columns."
        )
    required = required & allowed
    allowed &= ~forbidden
    tiers = getattr(prior, "tiers", None)
    if tiers is not None:
        t = np.asarray(tiers)
        allowed &= ~(t[:, None] > t[None, :])
    if (required & ~allowed).any():
        i, j = np.argwhere(required & ~allowed)[0]
        raise DataError(
            f"fit_dagdb: edge {i} -> {j} is both required and forbidden (directly "
            "or by the tiers); remove one of the two constraints."
        )
    return allowed, required


@dataclass
class _State:
    """Tensors and optimiser of one fit."""

    X: torch.Tensor  # (n, d) centred
    theta_free: torch.nn.Parameter  # (d, d)
    B: torch.nn.Parameter  # (d, d)
    allowed_f: torch.Tensor  # (d, d) float mask
    solver: _MaskedSolver
    optimizer: torch.optim.Optimizer
    gen: torch.Generator
    adaptive: AdaptiveLambda | None

    @property
    def theta(self) -> torch.Tensor:
        """Scores with zeros where edges are not allowed, (d, d)."""
        return self.theta_free * self.allowed_f


def _init_state(
    X: NDArray[np.float64],
    config: DagdbConfig,
    allowed: NDArray[np.bool_],
    required: NDArray[np.bool_],
    seed: int,
    device: torch.device,
) -> _State:
    dtype = torch.float64 if config.dtype == "float64" else torch.float32
    d = X.shape[1]
    _, gen = make_generators(seed, device)
    Xt = torch.as_tensor(X - X.mean(0), dtype=dtype, device=device)
    u = torch.rand((2, d, d), generator=gen, dtype=dtype, device=device) * 2 - 1
    theta = torch.nn.Parameter(u[0] * config.theta_init)
    B = torch.nn.Parameter(u[1] / math.sqrt(d))  # Kaiming-uniform, a = sqrt(5)
    allowed_t = torch.as_tensor(allowed, device=device)
    base: MapSolver = Threshold()
    if config.max_size > 0:
        base = TopK(config.max_size, n_dims=2, positive_only=True)
    solver = _MaskedSolver(
        base,
        allowed_t,
        torch.as_tensor(required, device=device),
        config.train_dag,
    )
    opt = torch.optim.Adam(
        [
            {"params": [theta], "lr": config.lr_theta},
            {"params": [B], "lr": config.lr_weights},
        ]
    )
    adaptive = None
    if config.estimator == "aimle":
        target = float(config.aimle_target or d)
        adaptive = AdaptiveLambda(
            target=target,
            beta=config.aimle_beta,
            step=config.aimle_step,
            symmetric=config.aimle_symmetric,
            momentum=config.aimle_momentum,
        )
    return _State(Xt, theta, B, allowed_t.to(dtype), solver, opt, gen, adaptive)


def _step(state: _State, xb: torch.Tensor, config: DagdbConfig) -> dict[str, float]:
    """One minibatch update of scores and weights; returns the batch figures."""
    z = perturb_and_map(
        state.theta,
        state.solver,
        estimator=config.estimator,
        noise=config.noise,
        n_samples=config.n_samples,
        temperature=config.temperature,
        lam=config.lam,
        adaptive=state.adaptive,
        generator=state.gen,
        sog_k=config.sog_k,
        sog_terms=config.sog_terms,
        n_marginal=int(config.marginal_samples),
    )  # (S, d, d)
    pred = torch.einsum("bi,sij->sbj", xb, z * state.B)  # (S, batch, d)
    mse = (pred - xb.unsqueeze(0)).pow(2).mean(dim=(1, 2))  # (S,)
    dag = _NotearsPenalty.apply(z)  # (S,)
    size = z.sum(dim=(1, 2))
    loss = (mse + config.rho * dag + config.mu * size).mean()
    state.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if config.grad_clip > 0 and state.theta_free.grad is not None:
        state.theta_free.grad.clamp_(-config.grad_clip, config.grad_clip)
    state.optimizer.step()
    return {
        "loss": float(loss.detach()),
        "mse": float(mse.detach().mean()),
        "dag": float(dag.detach().mean()),
        "size": float(size.detach().mean()),
    }


def _epoch(state: _State, config: DagdbConfig) -> dict[str, float]:
    n = state.X.shape[0]
    batch = min(config.batch_size, n)
    perm = torch.randperm(n, generator=state.gen, device=state.X.device)
    totals: dict[str, float] = {}
    n_batches = 0
    for start in range(0, n - batch + 1, batch):
        figures = _step(state, state.X[perm[start : start + batch]], config)
        for key, value in figures.items():
            totals[key] = totals.get(key, 0.0) + value
        n_batches += 1
    out = {key: value / n_batches for key, value in totals.items()}
    if not math.isfinite(out["loss"]):
        raise NumericalError(
            "fit_dagdb: the training loss became non-finite; standardise X, lower "
            "'lr_weights' or use dtype='float64'."
        )
    return out


def _map_graph(state: _State) -> torch.Tensor:
    """Noise-free MAP graph, (d, d) in {0, 1}."""
    with torch.no_grad():
        return state.solver(state.theta.detach().unsqueeze(0))[0]


def _refit_weights(
    X: NDArray[np.float64], adjacency: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Least-squares weights of every column on its parents (centred data)."""
    Xc = X - X.mean(0)
    d = X.shape[1]
    W = np.zeros((d, d))
    for j in range(d):
        parents = np.flatnonzero(adjacency[:, j])
        if parents.size:
            coef, *_ = np.linalg.lstsq(Xc[:, parents], Xc[:, j], rcond=None)
            W[parents, j] = coef
    return W


def _tier_order(prior: Any, d: int) -> NDArray[np.bool_]:
    """(d, d) bool: ``[i, j]`` when both nodes have tiers and ``i``'s is lower."""
    tiers = getattr(prior, "tiers", None)
    if tiers is None:
        return np.zeros((d, d), dtype=bool)
    t = np.asarray(tiers, dtype=float)
    return t[:, None] < t[None, :]  # False next to a NaN (no tier)


def _project(
    state: _State, required: NDArray[np.bool_], before: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.float64], int]:
    """MAP graph -> DAG by the feedback arc set; returns (adjacency, theta, removed).

    ``before`` (d, d) bool marks pairs that must stay in order (``i`` before
    ``j``: the tiers); the feedback arc set keeps them as virtual edges, which are
    then dropped, so no path of the result runs from ``j`` back to ``i``.
    """
    z = _map_graph(state).cpu().numpy() > 0
    theta = state.theta.detach().cpu().numpy().astype(np.float64)
    weights = np.where(z, np.maximum(theta, 0.0), 0.0)
    adjacency = break_cycles(weights, keep=required | before) & (z | required)
    return adjacency, theta, int(z.sum() - adjacency.sum())


def fit_dagdb(
    X: NDArray[np.float64],
    config: DagdbConfig | None = None,
    prior: Any = None,
    seed: int = 0,
    device: str | torch.device = "cpu",
    reporter: Reporter | None = None,
) -> dict[str, Any]:
    """Fit DAG-DB to a data matrix and return the projected DAG.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_nodes)
        Finite float64 data (validated by the caller); centred here.
    config : DagdbConfig or None
        Settings; ``None`` uses the defaults.
    prior : PriorKnowledge or None
        Object with ``forbidden`` (d, d) bool, ``required`` (d, d) bool and
        ``tiers`` (d,) int or None.
    seed : int, default=0
        Seed of the local generators.
    device : str or torch.device, default="cpu"
        Where to compute.
    reporter : Reporter or None
        Receives ``("train", epoch, metrics)`` every ``progress_every`` epochs
        (metrics: :func:`_progress_metrics`);
        a ``True`` answer stops the fit after that epoch.

    Returns
    -------
    dict
        ``adjacency`` (d, d) bool DAG; ``weights`` (d, d) float least-squares
        coefficients on the adjacency; ``theta`` (d, d) final scores;
        ``edge_probabilities`` (d, d) ``sigmoid(theta / tau)`` (the logistic
        edge probabilities of the final scores, before any cycle handling, the
        feedback arc set and pruning; forbidden entries, the reverses of
        required ones and the diagonal 0, required ones 1;
        :class:`~engine.dag.DagResult` says more); ``history`` dict of 1-D arrays
        (``step`` = epoch, ``loss``, ``mse``, ``dag``, ``size``, ``n_edges`` of the MAP
        graph, ``lam`` (AIMLE's beta or the fixed lambda), ``elapsed_s``);
        ``stopped`` (bool, stop requested); ``stopped_early`` (bool, patience hit)
        and the same as ``converged`` (the name of :class:`DagResult`);
        ``n_iter`` (epochs run); ``n_steps``; ``n_removed`` (edges the feedback arc
        set deleted); ``elapsed_s``; ``seconds_per_epoch``.

    Raises
    ------
    DataError
        When ``X`` is not a finite 2-D array with >= 2 rows and columns, or the
        prior does not match it.
    NumericalError
        When the loss becomes non-finite.

    Warns
    -----
    DataWarning
        The result has fewer than :data:`SPARSE_SHARE` (a quarter) of the edges
        the graphs sampled in the last tenth of the epochs had on average (at
        least 1), e.g. none against 4.8: the scores ended near zero or pruning
        removed the MAP graph's edges; the message says which and what to try.
    """
    config = DagdbConfig() if config is None else config
    X = _check_X(X)
    n, d = X.shape
    allowed, required = _prior_masks(prior, d)
    device = resolve_device(device, "fit_dagdb")
    state = _init_state(X, config, allowed, required, seed, device)
    history: dict[str, list[float]] = {}
    start = time.perf_counter()
    best, since_best, stopped, early = math.inf, 0, False, False
    epoch = 0
    for epoch in range(1, config.max_iter + 1):
        figures = _epoch(state, config)
        figures["n_edges"] = float(_map_graph(state).sum())
        figures["lam"] = state.adaptive.beta if state.adaptive else config.lam
        figures["elapsed_s"] = time.perf_counter() - start
        figures["step"] = float(epoch)
        for key, value in figures.items():
            history.setdefault(key, []).append(value)
        if reporter is not None and (
            epoch % config.progress_every == 0 or epoch == config.max_iter
        ):
            stopped = reporter("train", epoch, metrics=_progress_metrics(figures))
        if figures["loss"] < best * (1 - config.tol) - 1e-12:
            best, since_best = figures["loss"], 0
        else:
            since_best += 1
        early = config.patience > 0 and since_best >= config.patience
        if stopped or early:
            break
    adjacency, theta, removed = _project(state, required, _tier_order(prior, d))
    weights = _refit_weights(X, adjacency)
    if config.prune_threshold > 0:
        adjacency = adjacency & ((np.abs(weights) >= config.prune_threshold) | required)
        weights = _refit_weights(X, adjacency)
    elapsed = time.perf_counter() - start
    probabilities = _probabilities(theta, config, allowed, required)
    sparse = _sparse_result_message(history, int(adjacency.sum()), removed, config)
    if sparse:
        warn_user(sparse, DataWarning)
    logger.info(
        "DAG-DB: %d epochs in %.1f s, %d edges, %d removed by the FAS",
        epoch,
        elapsed,
        int(adjacency.sum()),
        removed,
    )
    steps_per_epoch = max(n // min(config.batch_size, n), 1)
    return {
        "adjacency": adjacency,
        "weights": weights,
        "theta": theta,
        "edge_probabilities": probabilities,
        "history": {k: np.asarray(v, dtype=np.float64) for k, v in history.items()},
        "stopped": bool(stopped),
        "stopped_early": bool(early and not stopped),
        # DagResult.converged: early stopping ended the fit before max_iter
        "converged": bool(early and not stopped),
        "n_iter": int(epoch),
        "n_steps": int(epoch * steps_per_epoch),
        "n_removed": removed,
        "elapsed_s": elapsed,
        "seconds_per_epoch": elapsed / max(epoch, 1),
    }


# The result counts as much sparser than the training samples below this share
# of their mean size: good fits on simulated ER1-ER2 graphs (d = 6-30) kept at
# least 0.34 of it (noise adds edges to every sample), and an AIMLE fit that
# ended with no edge against 4.8 sampled (simulate_sem(6, 500, 1.0, seed=2)) 0.
SPARSE_SHARE = 0.25


def _sparse_result_message(
    history: dict[str, list[float]], n_edges: int, removed: int, config: DagdbConfig
) -> str:
    """Words for a result far sparser than the graphs sampled at the end of
    training (mean size over the last tenth of the epochs), else ``""``."""
    sizes = history.get("size", [])
    if not sizes:
        return ""
    tail = sizes[-max(1, len(sizes) // 10) :]
    sampled = sum(tail) / len(tail)
    if sampled < 1 or n_edges >= SPARSE_SHARE * sampled:
        return ""
    map_edges = int(history["n_edges"][-1]) if history.get("n_edges") else 0
    pruned = map_edges - removed - n_edges
    if config.prune_threshold > 0 and pruned > 0 and pruned >= n_edges:
        why = (
            f"the noise-free MAP graph had {map_edges} edge(s), and "
            f"prune_threshold={config.prune_threshold:g} removed {pruned} with "
            "small refitted weights (lower it to keep them)"
        )
    else:
        why = (
            f"the noise-free MAP graph had {map_edges} edge(s): the scores ended "
            "near or below zero, so the fit is unsure of the edges"
        )
    others = " or ".join(repr(e) for e in ESTIMATORS if e != config.estimator)
    return (
        f"fit_dagdb: the learned graph has {n_edges} edge(s), while the graphs "
        f"sampled in the last epochs had {sampled:.1f} on average; {why}. Try "
        f"estimator={others}, more epochs (max_iter) or a smaller 'mu', and a "
        "bootstrap to see how often each edge appears."
    )


def _progress_metrics(figures: dict[str, float]) -> dict[str, float]:
    """An epoch's figures for a progress report, each once.

    The reporter's event carries the epoch and the elapsed time itself, so
    ``step`` and ``elapsed_s`` are left out, and the MAP graph's edge count is
    reported as ``edges`` (the name the permutahedron learner uses), not also
    as ``n_edges``.
    """
    skip = {"step", "elapsed_s", "n_edges"}
    out = {k: v for k, v in figures.items() if k not in skip}
    out["edges"] = figures["n_edges"]
    return out


def _probabilities(
    theta: NDArray[np.float64],
    config: DagdbConfig,
    allowed: NDArray[np.bool_],
    required: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """``sigmoid(theta / tau)``; 1 where required, 0 where not allowed and on
    the reverse of a required edge (no DAG holding the required edge has it)."""
    tau = config.temperature if config.temperature > 0 else 1e-12
    with np.errstate(over="ignore"):
        p = 1.0 / (1.0 + np.exp(-theta / tau))
    p = np.where(allowed & ~required.T, p, 0.0)
    return np.where(required, 1.0, p)


def _check_X(X: Any) -> NDArray[np.float64]:
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise DataError(
            f"fit_dagdb: X must be a 2-D array with at least 2 rows and 2 columns; "
            f"got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise DataError(
            "fit_dagdb: X contains NaN or infinite values; impute or drop them first."
        )
    return arr
