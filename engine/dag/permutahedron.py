"""DAG learning on the permutahedron: sparse distributions over node orderings.

A DAG is a node ordering plus a subset of the edges that ordering allows. One score
per node, ``theta`` (d,), induces a sparse distribution over orderings, either by
top-k sparsemax over the exact K best orderings or by SparseMAP on the
permutahedron. For every ordering in the support an edge model (linear or MLP) with
a Bernoulli L0 edge mask is fitted on the ordering's complete DAG; the expected
fitted loss is minimised over ``theta``. The output is one ordering refitted (by
default the best-scoring ordering seen in training, which includes the MAP
ordering of every epoch; ``select="map"`` takes the MAP ordering of the final
scores, as the paper does), hence a DAG by construction; there is no acyclicity
penalty and no threshold.

Edge probabilities: ``P(i -> j) = sum_k alpha_k 1[i -> j in the DAG fitted for
ordering k]`` over the distribution of the final scores (the one the MAP ordering
is read from), with each ordering's DAG as training fitted it (bilevel: kept,
bit-packed, for every ordering an epoch fitted; joint: the shared mask on the
ordering's complete DAG). They are computed after the output refit, so they
change nothing the output depends on; see
:class:`~engine.dag.result.DagResult` for what they mean.

Prior knowledge is exact: forbidden edges (and edges against the tiers) are removed
from every ordering's mask, required edges are always on, and every ordering used
is first made to respect the precedence that required edges and tiers imply (a
stable topological sort that keeps the ordering where it can).

Cost
----
K is the number of orderings in the support (``n_orderings`` for top-k, at most
d + 1 for SparseMAP), n the samples, d the nodes, H the hidden units.

Memory. The paper's formulation feeds every edge model a masked copy of the data
per ordering, orderings x samples x d^2 values (K n d^2: 8 GB of doubles at K =
100, n = 1000, d = 100). This implementation never builds it: the linear model
works on the second moments ``X^T X / n`` (d x d), so its memory does not grow
with n. Bilevel linear fits hold one d x d Gram inverse per ordering and child,
O(K d^3) (a few copies of d^3 doubles per ordering: about 1 MB each at d = 50,
8 MB at d = 100); joint linear training O(K d^2). The MLP holds activations for
every ordering, sample, child and hidden unit, O(K n d H) (orderings x samples x
d x H), plus O(K d^2 H) weights. Bilevel fits process the orderings in chunks of
about 32 MB of working floats (the final polish alone asks for d - 1 orderings),
so the peak stays near one chunk however large K is; joint training holds all K.
``max_memory_gb`` refuses fits whose estimate is larger. For the edge
probabilities a bilevel fit keeps the fitted DAG of every ordering an epoch
fitted, d^2 bits each (1.25 kB at d = 100, beside the cache's key of d
integers). Measured
(``bench/dag_synthetic.py``, a fresh process, d = 50, n = 1000, defaults): a peak
resident set of about 0.57 GB, of which 0.43 GB is the Python and torch
runtime before the fit.

Time. Per epoch only orderings not seen before are fitted (a cache holds every
fitted ordering): backward selection costs O(K d^4) per batch of new orderings
(one batched inverse, then rank-one downdates); an L0-STE inner step O(K d^3);
an MLP step O(K n d H). The final polish evaluates up to d - 1 adjacent swaps
per round and, in a round where none helps (at least its last), about
2 d (polish_reach - 1) more orderings that move one node by a few places. One
ordering's linear backward fit took 0.027 s at d = 60 and 7.6 s at d = 200
(:func:`ordering_seconds`; :func:`cost_warning` words the expected cost of a fit),
so a stop request is asked for between chunks of orderings and between
elimination rounds (about once a second), not only once per epoch.

References
----------
Zantedeschi, Franceschi, Kaddour, Kusner & Niculae, "DAG Learning on the
Permutahedron", ICLR 2023.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from numpy.typing import NDArray

from engine.dag._inert import EARLY_STOP, inert_reason, refuse_inert
from engine.dag._kbest import kbest_rankings
from engine.dag._orderings import complete_dags, order_of, ranks_of, repair_rankings
from engine.dag._sparsemap import sparsemap
from engine.dag._sparsemax import sparsemax
from engine.dag.edge_models import (
    EdgeFitter,
    FitSettings,
    FitStopped,
    fit_edges,
    mean_variance,
    refit_linear,
    ridges,
)
from engine.dag.prior import PriorKnowledge
from engine.dag.ties import residual_variance
from engine.errors import (
    ConfigError,
    DataError,
    ResourceError,
    StoppedWarning,
    check_choice,
    check_int,
    check_range,
    memory_words,
    warn_user,
)
from engine.runtime import (
    Reporter,
    duration_range,
    duration_words,
    make_generators,
    resolve_device,
    spawn_seeds,
)

__all__ = [
    "MOVES_MAX_D",
    "PermutahedronConfig",
    "cost_warning",
    "fit_permutahedron",
    "fit_seconds",
    "ordering_seconds",
    "polish_reach_used",
    "polish_round_size",
]

logger = logging.getLogger(__name__)

# Above this many columns the polish keeps to adjacent swaps (a round of moves
# took minutes at d = 100; see ``polish_reach``).
MOVES_MAX_D = 60


def _opt(default: Any, help_: str, **meta: Any) -> Any:
    return field(default=default, metadata={"help": help_, **meta})


# option -> when it acts; set away from its default otherwise, it is refused
_ACTS_ONLY_WITH = {"tol": EARLY_STOP}


@dataclass(frozen=True, kw_only=True)
class PermutahedronConfig:
    """Options of the permutahedron learner (all plain values).

    Parameters
    ----------
    structure : {"topk", "sparsemap"}, default="topk"
        Distribution over orderings: top-k sparsemax over the K best orderings, or
        SparseMAP (active set) on the permutahedron.
    n_orderings : int, default=10
        K, the number of best orderings for ``"topk"``.
    edge_model : {"linear", "mlp"}, default="linear"
    hidden : int, default=10
        Hidden units per child of the MLP edge model.
    loss : {"nll_ev", "sq"}, default="nll_ev"
        Equal-variance Gaussian NLL or squared loss. With linear edges
        ``nll_ev`` does not depend on the data's unit: multiplying every
        column by one factor ``c`` adds ``d log c`` to every graph's loss and
        gives the same graph, ordering and weights (not with
        ``init_theta="variances"``, whose start is in the data's units, nor
        with the MLP edge model). ``sq`` scales with ``c^2``
        while ``pruning_reg`` does not, so a smaller unit gives a sparser graph
        (standardised Sachs times 1e-3: no edges; times 1e3: 55 of 55).
    training : {"bilevel", "joint"}, default="bilevel"
        Bilevel: per epoch fit the edges of every ordering, then one step on theta.
        Joint: shared edge parameters and theta take one Adam step together.
    max_iter : int, default=300
        Epochs (outer steps).
    lr_theta : float, default=0.1
        Adam learning rate of the node scores.
    l2_theta : float, default=5e-4
        L2 penalty on theta (keeps several orderings in the support).
    init_theta : {"greedy", "zeros", "variances"}, default="greedy"
        ``"greedy"`` starts from the top-down order that repeatedly picks the node
        of smallest residual variance given the nodes already placed (the
        equal-variance identification rule that ``nll_ev`` also assumes), scores
        spaced by ``init_spacing``. ``"zeros"`` is the paper's default.
        ``"variances"`` starts from Var(x_i) - median (low variance upstream); it
        exploits varsortability and equals ``"zeros"`` on standardised data.
        All three add a tiny seeded jitter to break ties.
    init_spacing : float, default=0.3
    select : {"best_seen", "map"}, default="best_seen"
        Which ordering is refitted for the output. ``"map"``: the MAP ordering of
        the final scores (the paper). ``"best_seen"`` (bilevel training only):
        the ordering with the lowest fitted objective among all orderings the
        distribution gave mass to during training, the MAP ordering of every
        epoch included; it is never worse than the MAP ordering of the best
        epoch, and it guards against the scores drifting late in training.
    polish : bool, default=True
        After training, repeatedly evaluate every adjacent swap of the output
        ordering (and the moves of ``polish_reach``) and keep the best while it
        lowers the fitted objective (a local refinement; the result stays a DAG
        and respects the prior).
    polish_reach : int, default=4
        When no adjacent swap helps, the polish also tries moving one node by
        2 to ``polish_reach`` places (0 or 1: adjacent swaps only), on up to
        :data:`MOVES_MAX_D` (60) columns. Some better orderings are reachable
        only through worse ones by swaps: standardised Sachs in the sample's
        column order, seeds 0-1, stopped at a member of the optimum's
        equivalence class with total residual variance 8.3907 against 8.3716,
        one move of two places away.
        A round of moves costs about ``2 d (polish_reach - 1)`` edge fits: on
        ``simulate_sem(d, 1000, seed=0).X`` (one core) the fit took 8.9 s
        against 6.2 s with swaps only at d = 50, and 524 s against 176 s at
        d = 100, hence swaps only above 60 columns.
    tol, patience : float, int
        Stop when the objective has not improved by ``tol`` for ``patience``
        epochs; ``patience=0`` turns early stopping off (as DAG-DB's default
        does): training runs all ``max_iter`` epochs by design, the result's
        ``converged`` is False and no :class:`~engine.ConvergenceWarning` is
        raised (``tol`` is then unused).
    inner_lr, inner_max_iter, inner_tol, inner_patience
        Adam learning rate, iterations and early stopping of the edge fits.
    sparsifier : {"backward", "l0_ste", "lars"}, default="backward"
        ``"backward"``: deterministic greedy backward elimination of the same
        L0-penalised objective (linear edges, bilevel training). ``"l0_ste"``: the
        Bernoulli L0 mask with straight-through gradients (always used for the
        MLP and for joint training). ``"lars"``: per child the adaptive lasso
        with its penalty chosen by BIC (LassoLarsIC, the paper's ``lars``
        equations; linear edges, bilevel training, CPU, needs more rows than
        columns + 1); ``pruning_reg`` is not used, sparsity comes from BIC.
    pruning_reg : float, default=0.01
        L0 penalty per edge.
    l2_eq : float, default=5e-4
        Penalty on the mean squared edge parameters.
    refit_factor : int, default=5
        The final refit of the MAP ordering runs this many times more inner
        iterations and patience.
    sparsemap_max_iter : int, default=100
    max_memory_gb : float, default=4.0
        Refuse fits whose estimated working memory is larger (GB of 10**9
        bytes, as the refusal says it).
    progress_every : int, default=1
        Emit a progress event every this many epochs.

    Notes
    -----
    Defaults that differ from the paper's code (``max_iter`` 5000, ``patience``
    100, 200 SGD steps per edge fit, 50 hidden units): fewer epochs and a
    shorter patience keep a d = 50 fit within minutes on one CPU core, and
    early stopping ends training before ``max_iter`` on the bundled samples and
    on ER2 data (``learn_dag(X, seed=s).n_iter``: Sachs standardised, s = 0-2:
    104-123 epochs; ``X = simulate_sem(d, 1000, seed=s).X``, s = 0-1: d = 20
    35-94 epochs, d = 50 37-267, SHD 0). Edges fitted by
    gradient (the MLP, the L0 mask, joint training) use Adam with early
    stopping (``inner_tol``, ``inner_patience``) rather than a fixed number of
    SGD steps; the default linear backward elimination solves least squares
    exactly. 10 hidden units per child keep the MLP's memory, K x n x d x
    hidden, at a fifth of the paper's.

    The default score (``nll_ev``) assumes one noise variance for every node in
    the units given. Standardising simulated equal-variance data breaks that
    assumption and the learned graph gets worse than no graph at all: ER2, d =
    20, n = 1000, 5 seeds, median SHD 56 against 38 for the empty graph and 46
    for DAGMA (``bench/dag_synthetic.py --d 20 --scaling std --seeds 5
    --dagdb-d --memory-d 0``); raw, SHD 0. Standardise columns whose units are
    arbitrary (as in Sachs); keep comparable units raw.

    What the seed changes: with the defaults (``init_theta="greedy"``, linear
    edges, ``sparsifier="backward"``) almost nothing. The greedy start and the
    backward elimination are deterministic and the seed only draws a tiny
    jitter that breaks ties, so other seeds give the same graph on the same
    data (seeds 0-4 on ``simulate_sem(10, 500, seed=0).X``: identical weights;
    the loss curves differ in the last digits). Not where the score ties:
    on standardised data several equivalent graphs can fit exactly as well
    (:mod:`engine.dag.ties`; ``learn_dag`` then warns and names the edges),
    and seeds can return different ones of them (standardised Sachs in the
    sample's column order: seeds 0-4 give three tied graphs of one CPDAG, at
    SHD 13-14 from the truth). The
    seed matters for the stochastic options: ``init_theta="zeros"`` or
    ``"variances"`` on tied scores, ``edge_model="mlp"``,
    ``sparsifier="l0_ste"`` and ``training="joint"`` (random initial weights
    and masks). Refitting with other seeds is therefore
    no check of robustness: for that, refit on resamples of the rows with
    :func:`engine.dag.bootstrap_dag` (edge frequencies).
    """

    structure: Literal["topk", "sparsemap"] = _opt(
        "topk", "Distribution over orderings.", choices=("topk", "sparsemap")
    )
    n_orderings: int = _opt(10, "K best orderings (top-k only).", min=2, max=100)
    edge_model: Literal["linear", "mlp"] = _opt(
        "linear", "How a child depends on its parents.", choices=("linear", "mlp")
    )
    hidden: int = _opt(10, "Hidden units per child (MLP).", min=1, max=200)
    loss: Literal["nll_ev", "sq"] = _opt(
        "nll_ev",
        "Equal-variance Gaussian NLL or squared loss.",
        choices=("nll_ev", "sq"),
    )
    training: Literal["bilevel", "joint"] = _opt(
        "bilevel",
        "Refit edges per epoch (bilevel) or one joint step.",
        choices=("bilevel", "joint"),
    )
    max_iter: int = _opt(300, "Epochs (outer steps).", min=1, max=100000)
    lr_theta: float = _opt(0.1, "Learning rate of the node scores.", min=1e-5, max=10.0)
    l2_theta: float = _opt(5e-4, "L2 penalty on the node scores.", min=0.0, max=10.0)
    init_theta: Literal["greedy", "zeros", "variances"] = _opt(
        "greedy",
        "Initial node scores: 'greedy' (equal-variance top-down order), 'zeros', "
        "or 'variances' (exploits varsortability).",
        choices=("greedy", "zeros", "variances"),
    )
    init_spacing: float = _opt(
        0.3,
        "Score gap between successive nodes of the greedy start.",
        min=0.0,
        max=10.0,
    )
    select: Literal["best_seen", "map"] = _opt(
        "best_seen",
        "Ordering to output: the best-scoring one seen in training, or the MAP "
        "ordering of the final scores.",
        choices=("best_seen", "map"),
    )
    polish: bool = _opt(
        True,
        "After training, swap adjacent nodes (or move one node a few places) "
        "while the fitted objective improves.",
    )
    polish_reach: int = _opt(
        4,
        "When no adjacent swap helps, the polish also moves one node by up to "
        f"this many places (0 or 1: swaps only; swaps only above {MOVES_MAX_D} "
        "columns).",
        min=0,
        max=1000,
    )
    patience: int = _opt(
        30,
        "Epochs without improvement before stopping (0 = off: run all max_iter "
        "epochs).",
        min=0,
        max=100000,
    )
    tol: float = _opt(
        1e-4,
        "Early-stopping tolerance (used with patience > 0).",
        min=0.0,
        max=1.0,
    )
    inner_lr: float = _opt(0.1, "Learning rate of the edge fits.", min=1e-5, max=10.0)
    inner_max_iter: int = _opt(300, "Iterations of each edge fit.", min=1, max=100000)
    inner_tol: float = _opt(
        1e-4, "Edge-fit early-stopping tolerance.", min=0.0, max=1.0
    )
    inner_patience: int = _opt(10, "Edge-fit patience.", min=1, max=10000)
    sparsifier: Literal["backward", "l0_ste", "lars"] = _opt(
        "backward",
        "Edge selection: greedy backward elimination (linear only), the "
        "Bernoulli L0 mask with straight-through gradients, or the adaptive "
        "lasso with BIC (lars; linear, bilevel).",
        choices=("backward", "l0_ste", "lars"),
    )
    pruning_reg: float = _opt(
        0.01, "L0 penalty per edge (sparsity).", min=0.0, max=10.0
    )
    l2_eq: float = _opt(5e-4, "Penalty on the edge parameters.", min=0.0, max=10.0)
    refit_factor: int = _opt(
        5, "Longer final refit of the MAP ordering.", min=1, max=100
    )
    sparsemap_max_iter: int = _opt(
        100, "Active-set iterations (SparseMAP).", min=1, max=10000
    )
    max_memory_gb: float = _opt(
        4.0, "Refuse fits needing more memory.", min=0.01, max=1e4
    )
    progress_every: int = _opt(1, "Epochs between progress events.", min=1, max=100000)

    def __post_init__(self) -> None:
        owner = "PermutahedronConfig"
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if "choices" in f.metadata:
                check_choice(owner, f.name, value, f.metadata["choices"])
            elif "min" in f.metadata:
                check = check_int if f.type in ("int", int) else check_range
                bounds = {"low": f.metadata["min"], "high": f.metadata["max"]}
                # kept as a plain int or float: np.int64(3) is stored as 3
                object.__setattr__(self, f.name, check(owner, f.name, value, **bounds))
        refuse_inert(owner, self, _ACTS_ONLY_WITH)
        if self.sparsifier == "lars" and (
            self.edge_model != "linear" or self.training != "bilevel"
        ):
            raise ConfigError(
                f"{owner}: sparsifier='lars' fits linear edges in bilevel training; "
                f"got edge_model={self.edge_model!r}, training={self.training!r}. Set "
                "edge_model='linear' and training='bilevel', or choose another "
                "sparsifier."
            )

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
            ``"patience=0"`` for ``tol`` when early stopping is off; ``None``
            when the option acts. The app's form hides such options; the
            constructor refuses them when set away from their defaults.

        Examples
        --------
        >>> PermutahedronConfig.inert_because("tol", {"patience": 0})
        'patience=0'
        >>> PermutahedronConfig.inert_because("tol", {}) is None
        True
        """
        return inert_reason(PermutahedronConfig, _ACTS_ONLY_WITH, name, settings)

    def inner(self, factor: int = 1) -> FitSettings:
        """The edge-fit settings, with iterations and patience scaled."""
        return FitSettings(
            edge_model=self.edge_model,
            loss=self.loss,
            hidden=self.hidden,
            lr=self.inner_lr,
            max_iter=self.inner_max_iter * factor,
            tol=self.inner_tol,
            patience=self.inner_patience * factor,
            pruning_reg=self.pruning_reg,
            l2_eq=self.l2_eq,
            sparsifier=self.sparsifier if self.training == "bilevel" else "l0_ste",
        )


# --- expected cost, for a warning before a large fit ---

# Seconds of one ordering's edge fit (linear edges, backward elimination), one
# CPU core, measured on 300 rows of a 200-column table of random numbers (the
# time hardly depends on the rows: the fit works on X^T X): the d^3 Gram
# inverses per ordering stop fitting in the caches between 100 and 150 columns.
# Measured on the CI machine (2026-12-06); an earlier machine took 0.09, 0.26,
# 3.3 and 19 s, so expect up to 3x these on a slower one.
_ORDERING_S = ((60, 0.027), (100, 0.21), (150, 1.3), (200, 7.6))
# Seconds per unit of orderings x rows x columns x hidden units of an MLP epoch:
# 14 s per epoch at d = 30, n = 2 000, 10 hidden units, 10 orderings.
_MLP_UNIT_S = 14.0 / (10 * 2000 * 30 * 10)
# Warn when the low end of a fit's expected time (fit_seconds) exceeds this many
# seconds.
_WARN_S = 10.0


def ordering_seconds(d: int) -> float:
    """Expected seconds of one ordering's linear backward edge fit at ``d`` nodes.

    Interpolated (log-log) between the measurements in ``_ORDERING_S``, scaled
    as d^4 outside them.

    Parameters
    ----------
    d : int
        Nodes (columns).

    Returns
    -------
    float
    """
    ds = np.log([p[0] for p in _ORDERING_S])
    ts = np.log([p[1] for p in _ORDERING_S])
    x = math.log(max(d, 2))
    if x <= ds[0]:
        return float(math.exp(ts[0] + 4 * (x - ds[0])))
    if x >= ds[-1]:
        return float(math.exp(ts[-1] + 4 * (x - ds[-1])))
    return float(math.exp(np.interp(x, ds, ts)))


def fit_seconds(
    n: int, d: int, config: PermutahedronConfig
) -> tuple[float, float] | None:
    """The range of seconds a fit plausibly takes on one CPU core, or ``None``.

    Training runs at least ``patience + 1`` epochs (the first sets the best
    loss, then ``patience`` epochs without gain; fewer only when ``max_iter`` is
    smaller; all ``max_iter`` with ``patience=0``) and at most ``max_iter``;
    tables whose best ordering stays uncertain run them all (a 5 000 x 80
    table of three classes, standardised: 277 of 300 epochs; ``simulate_sem``
    data at d = 20-50 stopped after 35-267).
    With linear edges an epoch fits up to ``n_orderings`` new orderings
    (:func:`ordering_seconds` each; the rows hardly matter) and the final
    polish at least its last round (:func:`polish_round_size`); with the MLP
    every epoch costs about the same, growing with the rows. Joint training,
    ``l0_ste`` and ``lars`` get no estimate.

    Both ends grow with ``d`` and ``n``. The polish's moves stop above
    :data:`MOVES_MAX_D` columns, so the polish alone costs less at
    ``MOVES_MAX_D + 1`` columns than at ``MOVES_MAX_D``: below that point the
    low end is capped at its value just above it, and above it the high end
    is kept at least its value at ``MOVES_MAX_D``, which widens the range there
    rather than letting either end fall as columns are added.

    Parameters
    ----------
    n, d : int
        Rows and columns (nodes) of the data.
    config : PermutahedronConfig

    Returns
    -------
    tuple of float or None
        ``(low, high)`` seconds.
    """
    if config.training != "bilevel":
        return None
    if config.edge_model == "mlp":
        epoch = _MLP_UNIT_S * _orderings(d, config) * n * d * config.hidden
        return _epochs(config)[0] * epoch, config.max_iter * epoch
    if config.sparsifier != "backward":
        return None
    low, high = _linear_seconds(d, config)
    if config.polish and d <= MOVES_MAX_D:
        low = min(low, _linear_seconds(MOVES_MAX_D + 1, config)[0])
    elif config.polish:
        high = max(high, _linear_seconds(MOVES_MAX_D, config)[1])
    return low, high


def _orderings(d: int, config: PermutahedronConfig) -> int:
    """Orderings in the support: ``n_orderings`` for top-k, up to d + 1 for
    SparseMAP."""
    return config.n_orderings if config.structure == "topk" else d + 1


def _epochs(config: PermutahedronConfig) -> tuple[int, int]:
    """The fewest epochs early stopping allows, and ``max_iter`` (both
    ``max_iter`` when ``patience=0`` turns early stopping off)."""
    if not config.patience:
        return config.max_iter, config.max_iter
    return min(config.patience + 1, config.max_iter), config.max_iter


def _linear_seconds(d: int, config: PermutahedronConfig) -> tuple[float, float]:
    """:func:`fit_seconds` of linear backward fits, as the model gives it."""
    one = ordering_seconds(d)
    epoch = _orderings(d, config) * one
    polish = _polish_size(d, config) * one
    few, most = _epochs(config)
    return few * epoch + polish, most * epoch + polish


def _polish_size(d: int, config: PermutahedronConfig) -> int:
    """Orderings the final polish fits at least: its last round, or none."""
    if not config.polish:
        return 0
    return polish_round_size(d, polish_reach_used(d, config.polish_reach))


def cost_warning(n: int, d: int, config: PermutahedronConfig) -> str | None:
    """A warning for a fit expected to take long, or ``None``.

    Given when the low end of :func:`fit_seconds` exceeds :data:`_WARN_S`
    seconds; it says what an epoch costs, how many epochs training runs, the
    range of the whole fit and how to shorten it.

    Parameters
    ----------
    n, d : int
        Rows and columns (nodes) of the data.
    config : PermutahedronConfig

    Returns
    -------
    str or None
        What it will cost and how to lower it, when the fit is expected to
        take longer than :data:`_WARN_S` seconds.
    """
    seconds = fit_seconds(n, d, config)
    if seconds is None or seconds[0] <= _WARN_S:
        return None
    few, most = _epochs(config)
    k = _orderings(d, config)
    expect = f"Expect about {duration_range(*seconds)}."
    epochs = (
        f"training runs between patience + 1 = {few} and max_iter={most} epochs "
        "(tables whose best ordering stays uncertain run all of them)"
        if few < most
        else f"training runs max_iter={most} epochs"
    )
    if config.edge_model == "mlp":
        epoch = _MLP_UNIT_S * k * n * d * config.hidden
        return (
            f"A long fit: with the MLP edge model an epoch over {d} columns and "
            f"{n} rows takes about {duration_words(epoch)} on one CPU core, and "
            f"{epochs}. {expect} To shorten it, lower max_iter or hidden, use "
            "linear edges, or choose fewer columns or rows. You can still start "
            f"it: {_STOP_WORDS.format(duration_words(_POLL_S))}"
        )
    one = ordering_seconds(d)
    size = _polish_size(d, config)
    text = (
        f"A long fit: {d} columns. An epoch fits up to {k} new orderings, each in "
        f"about {duration_words(one)} on one CPU core (about "
        f"{duration_words(k * one)} an epoch); {epochs}"
    )
    how = "or lower max_iter or n_orderings"
    if size:
        moved = polish_reach_used(d, config.polish_reach) > 1
        text += f", and the final polish fits at least {size} orderings more" + (
            " (its last round also moves nodes by a few places)" if moved else ""
        )
        how = "or lower max_iter or n_orderings, or " + (
            "lower polish_reach or turn off polish" if moved else "turn off polish"
        )
    return (
        f"{text}. {expect} To shorten it, choose fewer columns in 'Columns (nodes)' "
        f"(at 60 columns an ordering takes about "
        f"{duration_words(ordering_seconds(60))}), {how} under 'Method options'. "
        f"You can still start it: {_STOP_WORDS.format(duration_words(one + _POLL_S))}"
    )


# How soon a stop request is seen (with the seconds between checks).
_STOP_WORDS = (
    "a stop request (Cancel) is checked about every {} of the fit's computing, "
    "longer on a busy machine."
)


def polish_round_size(d: int, reach: int) -> int:
    """Orderings fitted in a polishing round where no swap helps: the ``d - 1``
    adjacent swaps and every move of one node by 2 to ``reach`` places (fewer
    when tiers forbid some)."""
    moves = sum(2 * (d - k) for k in range(2, min(reach, d - 1) + 1))
    return d - 1 + moves


# --- distributions over orderings ---


def _distribution(
    theta: torch.Tensor, cfg: PermutahedronConfig, before: NDArray[np.bool_] | None
) -> tuple[NDArray[np.int64], torch.Tensor]:
    """Support rankings (K, d) and their differentiable weights (K,)."""
    if cfg.structure == "topk":
        rankings, _ = kbest_rankings(theta.detach().cpu().numpy(), cfg.n_orderings)
        R = torch.as_tensor(rankings, dtype=theta.dtype, device=theta.device)
        alpha = sparsemax(R @ theta)
    else:
        rankings, alpha = sparsemap(theta, cfg.sparsemap_max_iter)
    keep = (alpha.detach() > 0).cpu().numpy()
    rankings, alpha = rankings[keep], alpha[torch.as_tensor(keep, device=alpha.device)]
    repaired, index = repair_rankings(rankings, before)
    merged = torch.zeros(len(repaired), dtype=alpha.dtype, device=alpha.device)
    merged = merged.index_add(0, torch.as_tensor(index, device=alpha.device), alpha)
    return repaired, merged


def _entropy(alpha: torch.Tensor) -> float:
    a = alpha.detach()
    a = a[a > 0]
    return float(-(a * torch.log(a)).sum())


# --- the fit ---


@dataclass
class _State:
    theta: torch.Tensor
    # what the data's unit adds to every ordering's loss (_loss_offset): the
    # losses are kept, compared and trained on without it, and reported with it
    offset: float = 0.0
    cache: dict[tuple[int, ...], tuple[float, int]] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    best: float = math.inf
    stall: int = 0
    converged: bool = False
    stopped: bool = False
    n_iter: int = 0
    # the selected edges of the lowest-loss ordering fitted so far (its cache key),
    # kept when the final refit would select them again (backward elimination is
    # deterministic): the refit then only solves least squares
    best_fit: tuple[tuple[int, ...], torch.Tensor] | None = None
    # bilevel: the fitted DAG of every ordering fitted in a training epoch (its
    # cache key), bit-packed row-major (d * d bits), for the edge probabilities
    edges: dict[tuple[int, ...], NDArray[np.uint8]] = field(default_factory=dict)
    # joint: the shared edge parameters and mask
    joint: EdgeFitter | None = None

    def log(self, **values: float) -> None:
        for k, v in values.items():
            self.history.setdefault(k, []).append(float(v))


# Seconds between stop checks inside an epoch or a polishing round: at d = 200
# (n = 300, one core) one ordering's edge fit takes about 20 s and an epoch of 10
# new orderings over 3 minutes, so the per-epoch check left Cancel waiting.
_POLL_S = 1.0


class _Stopper:
    """The stop check asked inside long steps (between chunks of orderings and
    between the rounds of their edge fits).

    At most every :data:`_POLL_S` seconds it sends a ``fit`` progress event
    (``step`` the epoch, a message saying which ordering is being fitted), whose
    callback may ask to stop; a stop already requested is answered at once.
    """

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.last = time.perf_counter()
        self.step = 0
        self.where = ""
        self.done, self.total = 0, 0

    def __call__(self) -> bool:
        if self.reporter.stop_requested:
            return True
        now = time.perf_counter()
        if now - self.last < _POLL_S:
            return False
        self.last = now
        message = f"{self.where}: fitting ordering {self.done + 1} of {self.total}"
        return self.reporter("fit", self.step, message=message)


# Orderings are fitted in chunks whose working set stays under this many floats
# (32 MB of doubles): the final polish alone asks for d - 1 orderings at once.
_CHUNK_FLOATS = 2**22


def _floats_per_ordering(n: int, d: int, cfg: PermutahedronConfig) -> int:
    """Working floats of one ordering's edge fit (masks, parameters, inverses)."""
    floats = 4 * d * d
    if cfg.edge_model == "mlp":
        floats += 4 * n * d * cfg.hidden + 4 * d * d * cfg.hidden
    elif cfg.training == "bilevel":
        floats += 6 * d**3  # per-child Gram inverses (least squares, selection)
    return floats


def _check_memory(n: int, d: int, cfg: PermutahedronConfig) -> None:
    k = cfg.n_orderings if cfg.structure == "topk" else d + 1
    per = _floats_per_ordering(n, d, cfg)
    floats = k * per  # joint training holds every ordering at once
    if cfg.training == "bilevel":  # fitted in chunks
        floats = min(floats, max(per, _CHUNK_FLOATS))
    need = floats * 8
    if need > cfg.max_memory_gb * 1e9:
        raise ResourceError(
            f"learn_dag: the fit would need about {memory_words(need)}, more than "
            f"max_memory_gb={cfg.max_memory_gb}; {_memory_advice(n, d, cfg)}, or "
            "raise 'max_memory_gb'."
        )


def _memory_advice(n: int, d: int, cfg: PermutahedronConfig) -> str:
    """What grows the working set of this configuration, and what lowers it."""
    if cfg.edge_model == "mlp":
        joint = cfg.training == "joint"
        return (
            f"with the MLP edge model it grows as {'orderings x ' if joint else ''}"
            "samples x nodes x hidden units: "
            + ("lower 'n_orderings', " if joint else "")
            + "lower 'hidden', subsample rows or select fewer columns"
        )
    if cfg.training == "bilevel":
        return (
            f"the linear bilevel fit holds per-child Gram inverses, 6 x d^3 floats "
            f"for d = {d} columns whatever the rows: select fewer columns"
        )
    return (
        "joint training holds every ordering at once (orderings x nodes^2): lower "
        "'n_orderings' or select fewer columns"
    )


def greedy_order(X: torch.Tensor, before: NDArray[np.bool_] | None) -> list[int]:
    """Top-down order by smallest residual variance given the placed nodes.

    Parameters
    ----------
    X : torch.Tensor of shape (n, d)
        Centred data.
    before : ndarray of bool, shape (d, d), or None
        Precedence constraints to respect.

    Returns
    -------
    list of int
        Nodes, upstream first.
    """
    S = (X.T @ X / X.shape[0]).cpu().numpy()
    d = S.shape[0]
    # variances compared relative to the mean variance (multiplying every column
    # by one factor changes no choice) on a grid of 1e-10: standardised columns
    # all have variance 1, and rounding noise must not pick the first node; ties
    # go to the node that leaves the others the least residual variance, then
    # the lowest index; each regressor's ridge is relative to its own variance
    scale = mean_variance(S)
    ridge = ridges(S)  # (d,)
    placed: list[int] = []
    left = set(range(d))
    for _ in range(d):
        free = [
            j
            for j in sorted(left)
            if before is None or not before[sorted(left), j].any()
        ]
        var = {
            j: _quantised(residual_variance(S, j, placed, ridge=ridge) / scale, 1.0)
            for j in free
        }
        least = min(var.values())
        tied = [j for j in free if var[j] == least]
        if len(tied) > 1:
            rest = {
                j: _quantised(
                    sum(
                        residual_variance(S, k, [*placed, j], ridge=ridge)
                        for k in left - {j}
                    )
                    / scale,
                    1.0,
                )
                for j in tied
            }
            tied = [j for j in tied if rest[j] == min(rest.values())]
        placed.append(tied[0])
        left.remove(tied[0])
    return placed


def _init_theta(
    X: torch.Tensor,
    cfg: PermutahedronConfig,
    gen: torch.Generator,
    before: NDArray[np.bool_] | None,
):
    d = X.shape[1]
    if cfg.init_theta == "greedy":
        rank = ranks_of(np.asarray(greedy_order(X, before))) - (d + 1) / 2
        theta = cfg.init_spacing * torch.as_tensor(rank, dtype=X.dtype, device=X.device)
    elif cfg.init_theta == "variances":
        var = X.var(0)
        theta = var - var.median()
    else:
        theta = torch.zeros(d, dtype=X.dtype, device=X.device)
    # a tiny seeded jitter breaks ties, so the start does not depend on column order
    jitter = torch.randn(d, generator=gen, dtype=X.dtype, device=X.device)
    return (theta + 1e-3 * jitter).requires_grad_(True)


def _loss_offset(X: torch.Tensor, cfg: PermutahedronConfig) -> float:
    """The part of every ordering's loss that only the data's unit sets.

    Multiplying every column by ``c`` multiplies every residual variance by
    ``c^2``, which adds ``d log c`` to the ``nll_ev`` loss of every ordering
    alike. Without ``(d / 2) log`` of the mean variance the losses are free of
    the unit, so they round onto the grid of :func:`_quantised` and compare the
    same way in any unit (and nearly as before on standardised data, where the
    mean variance is 1). The ``sq`` loss has no such part (0): it scales with
    ``c^2`` while its edge penalty does not, so its graph depends on the unit.

    Parameters
    ----------
    X : torch.Tensor of shape (n, d)
        Centred data.
    cfg : PermutahedronConfig

    Returns
    -------
    float
    """
    if cfg.loss != "nll_ev":
        return 0.0
    return 0.5 * X.shape[1] * math.log(mean_variance(X.T @ X / X.shape[0]))


def _quantised(value: float, scale: float | None = None) -> float:
    """``value`` on a grid of 1e-10 times the decade of ``scale``.

    Orderings whose fitted graphs are equivalent often score the same up to
    floating-point rounding (e.g. on standardised data, :mod:`engine.dag.ties`);
    which rounding error was the smaller varied with the machine's BLAS
    kernels and decided which ordering training followed and returned. On a
    grid far above rounding noise (~1e-16 relative) and far below any
    difference the tolerance ``tol`` acts on, such values tie exactly and the
    choice follows the search order. ``scale`` defaults to ``max(|value|, 1)``
    (a loss near 0 keeps an absolute grid of 1e-10); values that straddle a
    grid line can still differ.
    """
    scale = max(abs(value), 1.0) if scale is None else scale
    step = 10.0 ** (math.floor(math.log10(scale)) - 10)
    return round(value / step) * step


def _bilevel_losses(
    state: _State,
    rankings: NDArray[np.int64],
    X: torch.Tensor,
    structural: torch.Tensor,
    required: torch.Tensor,
    cfg: PermutahedronConfig,
    gen: torch.Generator,
    stop: _Stopper | None = None,
    keep_edges: bool = False,
) -> tuple[torch.Tensor, NDArray[np.int64]]:
    """Fitted losses (K,) and edge counts (K,) of ``rankings``, new ones fitted.

    With ``keep_edges`` the fitted DAG of every new ordering is kept too (in
    ``state.edges``, bit-packed). Raises :class:`FitStopped` when ``stop`` asks
    to stop; the orderings of the chunks fitted before stay in the cache.
    """
    keys = [tuple(r.tolist()) for r in rankings]
    new = [i for i, k in enumerate(keys) if k not in state.cache]
    n, d = X.shape
    chunk = max(1, _CHUNK_FLOATS // _floats_per_ordering(n, d, cfg))
    deterministic = cfg.edge_model == "linear" and cfg.inner().sparsifier == "backward"
    if stop is not None:
        stop.total = len(new)
    for start in range(0, len(new), chunk):
        if stop is not None:
            stop.done = start
            if stop():
                raise FitStopped
        part = new[start : start + chunk]
        masks = complete_dags(rankings[part], X.device, X.dtype) * structural
        fit = fit_edges(X, masks, required, cfg.inner(), gen, stop)
        if keep_edges:
            packed = np.packbits(fit.adjacency.reshape(len(part), -1).cpu().numpy(), 1)
            for i, bits in zip(part, packed, strict=True):
                state.edges[keys[i]] = bits
        for i, raw, adj in zip(part, fit.loss.tolist(), fit.adjacency, strict=True):
            loss = _quantised(raw - state.offset)
            state.cache[keys[i]] = (loss, int(adj.sum()))
            best = state.best_fit
            if deterministic and (best is None or loss < state.cache[best[0]][0]):
                state.best_fit = (keys[i], adj.clone())
    losses = torch.tensor(
        [state.cache[k][0] for k in keys], dtype=X.dtype, device=X.device
    )
    edges = np.array([state.cache[k][1] for k in keys])
    return losses, edges


def _train(
    X: torch.Tensor,
    prior: PriorKnowledge,
    cfg: PermutahedronConfig,
    gen: torch.Generator,
    reporter: Reporter,
    stop: _Stopper,
) -> _State:
    structural = torch.tensor(prior.allowed_mask(), dtype=X.dtype, device=X.device)
    required = torch.tensor(np.array(prior.required), dtype=X.dtype, device=X.device)
    before = prior.precedence()
    state = _State(theta=_init_theta(X, cfg, gen, before), offset=_loss_offset(X, cfg))
    opt = torch.optim.Adam([state.theta], lr=cfg.lr_theta)
    joint = None
    if cfg.training == "joint":
        joint = state.joint = EdgeFitter(X, 1, cfg.inner(), gen)
    start = time.perf_counter()
    for epoch in range(1, cfg.max_iter + 1):
        rankings, alpha = _distribution(state.theta, cfg, before)
        if joint is None:
            stop.step, stop.where = epoch, f"epoch {epoch}"
            try:
                losses, edges = _bilevel_losses(
                    state,
                    rankings,
                    X,
                    structural,
                    required,
                    cfg,
                    gen,
                    stop,
                    keep_edges=True,
                )
            except FitStopped:  # the epoch is dropped; its fitted orderings kept
                state.stopped = True
                break
            obj = alpha @ losses
        else:
            masks = complete_dags(rankings, X.device, X.dtype) * structural
            per = joint.objective(masks, required)
            obj = alpha @ per - state.offset  # (as the bilevel losses)
            with torch.no_grad():
                ev = joint.evaluate(masks, required, 0)
            edges = ev.adjacency.sum((-2, -1)).cpu().numpy()
        total = obj + cfg.l2_theta * (state.theta**2).sum()
        opt.zero_grad(set_to_none=True)
        if joint is None:
            total.backward()
            opt.step()
        else:
            joint.opt.zero_grad(set_to_none=True)
            total.backward()
            opt.step()
            joint.opt.step()
            with torch.no_grad():
                joint.pi.clamp_(0.0, 1.0)
        value = float(total.detach())
        top = int(torch.argmax(alpha.detach()))
        entropy = _entropy(alpha)
        state.n_iter = epoch
        state.log(
            step=epoch,
            loss=value + state.offset,
            n_edges=float(edges[top]),
            entropy=entropy,
            n_orderings=float(len(rankings)),
            elapsed_s=time.perf_counter() - start,
        )
        if value < state.best - cfg.tol:
            state.best, state.stall = value, 0
        else:
            state.stall += 1
        if epoch % cfg.progress_every == 0 or epoch == cfg.max_iter:
            metrics = {
                "loss": value + state.offset,
                "edges": float(edges[top]),
                "entropy": entropy,
            }
            if reporter("train", epoch, metrics=metrics):
                state.stopped = True
                break
        if cfg.patience and state.stall >= cfg.patience:  # 0: no early stop
            state.converged = True
            break
    return state


def _polish(
    state: _State,
    order: NDArray[np.int64],
    X: torch.Tensor,
    prior: PriorKnowledge,
    cfg: PermutahedronConfig,
    gen: torch.Generator,
    reporter: Reporter,
    stop: _Stopper,
) -> NDArray[np.int64]:
    """Hill climbing on the fitted objective, from ``order``.

    Each round evaluates every adjacent swap and, when none helps, every move
    of one node by 2 to ``cfg.polish_reach`` places (:func:`polish_reach_used`);
    the best candidate is kept while it lowers the objective by more than
    ``tol``. At most ``4 d`` rounds;
    every round is reported as a ``polish`` event and a stop request ends the
    climb (the best ordering so far is kept), since at d = 100 a round of swaps
    takes about a second (at d = 200 an hour: ``stop`` is asked inside the
    round too).
    """
    structural = torch.tensor(prior.allowed_mask(), dtype=X.dtype, device=X.device)
    required = torch.tensor(np.array(prior.required), dtype=X.dtype, device=X.device)
    before = prior.precedence()
    d = len(order)
    stop.step, stop.where = state.n_iter, "polishing"

    def losses_of(ranks: NDArray[np.int64]) -> torch.Tensor | None:
        try:
            return _bilevel_losses(
                state, ranks, X, structural, required, cfg, gen, stop
            )[0]
        except FitStopped:
            return None

    current = losses_of(ranks_of(order)[None])
    if current is None:
        return order
    value = float(current[0])
    for r in range(4 * d):
        loss = value + state.offset
        if reporter("polish", r, metrics={"loss": loss}, total=4 * d):
            break
        found = None
        for kind in ("swaps", "moves"):  # moves only built when no swap helps
            if kind == "swaps":
                cands = _swaps(order, before)
            else:
                cands = _moves(order, before, polish_reach_used(d, cfg.polish_reach))
            if not cands:
                continue
            losses = losses_of(np.stack([ranks_of(o) for o in cands]))
            if losses is None:  # stopped: keep the best ordering reached
                return order
            k = int(torch.argmin(losses))
            if float(losses[k]) < value - cfg.tol:
                found = cands[k], float(losses[k])
                break
        if found is None:
            break
        order, value = found
    return order


def polish_reach_used(d: int, polish_reach: int) -> int:
    """How far the polish moves one node at ``d`` columns: ``polish_reach`` on
    up to :data:`MOVES_MAX_D` columns, else 1 (adjacent swaps only).

    Parameters
    ----------
    d : int
        Nodes (columns).
    polish_reach : int
        The option's value.

    Returns
    -------
    int
    """
    return polish_reach if d <= MOVES_MAX_D else 1


def _swaps(order: NDArray[np.int64], before: NDArray[np.bool_]) -> list:
    """Orderings (d,) one adjacent swap from ``order`` that keep ``before``."""
    cands = []
    for p in range(len(order) - 1):
        a, b = order[p], order[p + 1]
        if before[a, b]:
            continue
        new = order.copy()
        new[p], new[p + 1] = b, a
        cands.append(new)
    return cands


def _moves(order: NDArray[np.int64], before: NDArray[np.bool_], reach: int) -> list:
    """Orderings (d,) that move one node of ``order`` by 2 to ``reach`` places
    and keep the precedence ``before`` (``before[a, b]``: a precedes b), which
    ``order`` keeps: only the moved node's order against the nodes it passes
    changes, so only those pairs are checked."""
    d = len(order)
    cands = []
    for p in range(d):
        a = order[p]
        for q in range(max(0, p - reach), min(d, p + reach + 1)):
            if abs(p - q) < 2:
                continue
            if q > p and before[a, order[p + 1 : q + 1]].any():
                continue  # a would follow a node it must precede
            if q < p and before[order[q:p], a].any():
                continue  # a would precede a node it must follow
            cands.append(np.insert(np.delete(order, p), q, a))
    return cands


def _refit(
    X: torch.Tensor,
    prior: PriorKnowledge,
    order: NDArray[np.int64],
    cfg: PermutahedronConfig,
    gen: torch.Generator,
    state: _State,
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Edges and weights of ``order``; the edges kept in ``state.best_fit`` when
    they are this ordering's (a deterministic fit: the same edges again)."""
    ranks = ranks_of(order)
    if state.best_fit is not None and state.best_fit[0] == tuple(ranks.tolist()):
        adjacency = state.best_fit[1]
        return adjacency.cpu().numpy(), refit_linear(X, adjacency).cpu().numpy()
    structural = torch.tensor(prior.allowed_mask(), dtype=X.dtype, device=X.device)
    required = torch.tensor(np.array(prior.required), dtype=X.dtype, device=X.device)
    mask = complete_dags(ranks[None], X.device, X.dtype) * structural
    fit = fit_edges(X, mask, required, cfg.inner(cfg.refit_factor), gen)
    adjacency = fit.adjacency[0]
    if cfg.edge_model == "linear":
        weights = refit_linear(X, adjacency)
    else:
        weights = fit.weights[0]
    return adjacency.cpu().numpy(), weights.cpu().numpy()


def _edge_probabilities(
    state: _State,
    X: torch.Tensor,
    prior: PriorKnowledge,
    cfg: PermutahedronConfig,
    gen: torch.Generator,
    stop: _Stopper,
) -> NDArray[np.float64] | None:
    """``P(i -> j) = sum_k alpha_k 1[i -> j in the DAG fitted for ordering k]``.

    ``alpha`` and the orderings are the distribution of the final scores, the
    one the MAP ordering is read from. Bilevel: each ordering's DAG is the one
    fitted for it in training (kept in ``state.edges``); an ordering the
    final scores reach but no training epoch fitted is fitted here, outside
    the cache, so nothing the output depends on changes. Joint: the shared
    mask ``pi > 0.5`` on each ordering's complete DAG (the training
    evaluation's edges). Prior knowledge is then made exact: forbidden edges
    (and edges against the tiers) 0, required ones 1, the diagonal 0.

    Returns
    -------
    ndarray of float64, shape (d, d), or None
        None when a stop request came before every ordering was fitted.
    """
    d = X.shape[1]
    before = prior.precedence()
    structural = torch.tensor(prior.allowed_mask(), dtype=X.dtype, device=X.device)
    required = torch.tensor(np.array(prior.required), dtype=X.dtype, device=X.device)
    with torch.no_grad():
        rankings, alpha = _distribution(state.theta.detach(), cfg, before)
        alpha = alpha.clamp_min(0.0)
        alpha = alpha / alpha.sum()
    if state.joint is not None:  # (evaluate runs without gradients)
        masks = complete_dags(rankings, X.device, X.dtype) * structural
        dags = state.joint.evaluate(masks, required, 0).adjacency
    else:  # gradient edge fits (l0_ste, mlp) need autograd on
        dags = _ordering_dags(state, rankings, X, structural, required, cfg, gen, stop)
        if dags is None:
            return None
    p = torch.einsum("k,kij->ij", alpha, dags.to(alpha.dtype)).cpu().numpy()
    p = np.clip(p, 0.0, 1.0)
    p[~prior.allowed_mask()] = 0.0
    p[np.array(prior.required, dtype=bool)] = 1.0
    p[np.arange(d), np.arange(d)] = 0.0
    return p


def _ordering_dags(
    state: _State,
    rankings: NDArray[np.int64],
    X: torch.Tensor,
    structural: torch.Tensor,
    required: torch.Tensor,
    cfg: PermutahedronConfig,
    gen: torch.Generator,
    stop: _Stopper,
) -> torch.Tensor | None:
    """The fitted DAGs (K, d, d) of bilevel ``rankings``; None when stopped.

    Kept DAGs are unpacked; the others are fitted in chunks, as in training,
    without entering the cache (the output stays what it was without them).
    """
    n, d = X.shape
    keys = [tuple(r.tolist()) for r in rankings]
    missing = [i for i, key in enumerate(keys) if key not in state.edges]
    dags = torch.zeros((len(keys), d, d), dtype=torch.bool, device=X.device)
    kept = [i for i, key in enumerate(keys) if key in state.edges]
    if kept:
        packed = np.stack([state.edges[keys[i]] for i in kept])
        bits = np.unpackbits(packed, axis=1, count=d * d).reshape(-1, d, d)
        dags[kept] = torch.as_tensor(bits.astype(bool), device=X.device)
    chunk = max(1, _CHUNK_FLOATS // _floats_per_ordering(n, d, cfg))
    stop.where, stop.total = "edge probabilities", len(missing)
    for start in range(0, len(missing), chunk):
        stop.done = start
        part = missing[start : start + chunk]
        masks = complete_dags(rankings[part], X.device, X.dtype) * structural
        try:  # (every edge fit asks ``stop`` before its first step)
            dags[part] = fit_edges(X, masks, required, cfg.inner(), gen, stop).adjacency
        except FitStopped:
            return None
    return dags


def fit_permutahedron(
    X: NDArray[np.float64],
    *,
    config: PermutahedronConfig,
    prior: PriorKnowledge,
    seed: int,
    device: str | torch.device,
    reporter: Reporter,
) -> dict[str, Any]:
    """Fit the permutahedron learner on validated data.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_nodes)
        Finite data (centred here; scale it beforehand if wanted).
    config : PermutahedronConfig
    prior : PriorKnowledge
        Constraints over the columns of ``X``.
    seed : int
        Resolved seed.
    device : str or torch.device
    reporter : Reporter
        Progress sink; a stop request ends training early. One that comes only
        after training (at the ``refit`` event or while the edge probabilities
        are fitted) leaves ``stopped`` False: the graph is complete, and only
        the edge probabilities are skipped (None, with a ``StoppedWarning``).

    Returns
    -------
    dict
        Fields of :class:`~engine.dag.result.DagResult` (``adjacency``,
        ``weights``, ``history``, ``ordering``, ``stopped``, ``converged``,
        ``n_iter``, ``device``, ``edge_probabilities``).
    """
    dev = resolve_device(device, "fit_permutahedron")
    n, d = X.shape
    _check_memory(n, d, config)
    if config.sparsifier == "lars" and n <= d + 1:
        raise DataError(
            f"permutahedron: sparsifier='lars' needs more rows than columns + 1 for "
            f"BIC's noise estimate; got {n} rows and {d} columns. Use "
            "sparsifier='backward', or more rows."
        )
    _, gen = make_generators(seed, dev)
    # the final refit and the edge probabilities' fits draw from generators of
    # their own (l0_ste and MLP edges are random): what they return for an
    # ordering does not depend on how many fits training and the polish ran
    refit_gen, prob_gen = (make_generators(s, dev)[1] for s in spawn_seeds(seed, 2))
    Xt = torch.as_tensor(X, dtype=torch.float64, device=dev)
    Xt = Xt - Xt.mean(0)
    # a column holding one value is exactly 0 once centred, not its mean's
    # rounding error (~1e-17 x the value): every ridge is relative to its own
    # column's variance, so such noise would get a least-squares weight
    Xt[:, torch.as_tensor(np.ptp(X, axis=0) == 0, device=dev)] = 0.0
    stop = _Stopper(reporter)
    state = _train(Xt, prior, config, gen, reporter, stop)
    theta = state.theta.detach().cpu().numpy()
    order = order_of(ranks_of(np.argsort(theta, kind="stable")))
    if config.select == "best_seen" and state.cache:
        best = min(state.cache, key=lambda key: state.cache[key][0])
        order = order_of(np.asarray(best, dtype=np.int64))
    repaired, _ = repair_rankings(ranks_of(order)[None], prior.precedence())
    order = order_of(repaired[0])
    if config.polish and config.training == "bilevel" and not state.stopped:
        order = _polish(state, order, Xt, prior, config, gen, reporter, stop)
        state.stopped = reporter.stop_requested
    reporter("refit", state.n_iter, message="refitting the MAP ordering")
    adjacency, weights = _refit(Xt, prior, order, config, refit_gen, state)
    # after the refit: fitting orderings here changes none of the output above,
    # so a stop request that comes only now leaves the fit complete (not stopped)
    probabilities = _edge_probabilities(state, Xt, prior, config, prob_gen, stop)
    if probabilities is None and not state.stopped:
        warn_user(
            "learn_dag: a stop request came after training, while the edge "
            "probabilities were being fitted, so the edge probabilities were "
            "skipped (result.edge_probabilities is None); the graph, weights and "
            "ordering are those of the complete fit (result.stopped is False). "
            "Fit again without stopping to get the probabilities.",
            StoppedWarning,
        )
    logger.info("permutahedron: %d epochs, %d edges", state.n_iter, adjacency.sum())
    return {
        "adjacency": adjacency,
        "weights": weights,
        "history": {k: np.asarray(v) for k, v in state.history.items()},
        "ordering": tuple(int(i) for i in order),
        "stopped": state.stopped,
        "converged": state.converged,
        "n_iter": state.n_iter,
        "device": str(dev),
        "edge_probabilities": probabilities,
    }
