"""``learn_dag`` and ``DagLearner``: one entry point over a registry of methods.

A method is registered with one line in :data:`METHODS`: its name, its config
dataclass, its fit function and a description the app shows as help. The fit
function receives validated data and returns the fields of a
:class:`~engine.dag.result.DagResult`; the learner adds names and provenance.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from engine.dag.dagdb import DagdbConfig, fit_dagdb
from engine.dag.permutahedron import PermutahedronConfig, fit_permutahedron
from engine.dag.prior import PriorKnowledge
from engine.dag.result import DagResult, is_dag
from engine.dag.ties import MAX_TIED_GRAPHS, open_directions
from engine.data import check_variance
from engine.errors import (
    ConfigError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    StoppedWarning,
    collect_warnings,
    format_names,
    warn_user,
)
from engine.estimator import TwinEstimator
from engine.runtime import ProgressCallback, Reporter, resolve_device, resolve_seed
from engine.validation import as_matrix

__all__ = [
    "METHODS",
    "MIN_SAMPLES_PER_NODE",
    "DagLearner",
    "MethodSpec",
    "few_samples_message",
    "learn_dag",
    "make_config",
    "register_method",
]


@dataclass(frozen=True)
class MethodSpec:
    """A DAG-learning method of the registry.

    Attributes
    ----------
    name : str
        Registry name (``method=...``).
    config_class : type
        Frozen dataclass of the method's options; its field metadata (``help``,
        ``min``, ``max``, ``choices``) drives the app's form.
    fit : callable
        ``fit(X, *, config, prior, seed, device, reporter) -> dict`` of result
        fields.
    description : str
        One paragraph for users.
    experimental : bool
        Shown as a badge in the app.
    sparsity_option : str
        The config field that penalises edges, suggested (raised) when the data
        are too few for the number of variables; ``""`` when raising it does
        not help.
    """

    name: str
    config_class: type
    fit: Callable[..., dict[str, Any]]
    description: str
    experimental: bool = False
    sparsity_option: str = ""


METHODS: dict[str, MethodSpec] = {}

# tied edges named at most in the warning
_MAX_TIED = 8

# learn_dag warns below this many samples (rows) per variable (column)
MIN_SAMPLES_PER_NODE = 5


def register_method(spec: MethodSpec) -> None:
    """Add a method to :data:`METHODS` (one call per method module)."""
    METHODS[spec.name] = spec


register_method(
    MethodSpec(
        name="permutahedron",
        config_class=PermutahedronConfig,
        fit=fit_permutahedron,
        description=(
            "Learns a distribution over node orderings (top-k sparsemax or SparseMAP "
            "on the permutahedron) and, per ordering, a sparse linear or MLP edge "
            "model (edges chosen by greedy backward elimination of an L0-penalised "
            "fit, or by a Bernoulli L0 mask). The output is the best-scoring "
            "ordering seen in training, improved by swapping and moving single nodes, "
            "refitted: a DAG "
            "by construction, no threshold. Zantedeschi et al., ICLR 2023."
        ),
        sparsity_option="pruning_reg",
    )
)


register_method(
    MethodSpec(
        name="dagdb",
        config_class=DagdbConfig,
        fit=fit_dagdb,
        description=(
            "DAG-DB: a score per possible edge; binary graphs are sampled by "
            "perturb-and-MAP and a linear edge model is trained through them with "
            "I-MLE, adaptive I-MLE (AIMLE) or straight-through gradients, a "
            "NOTEARS-style acyclicity penalty on the samples and a size penalty. "
            "The output is the most likely graph made acyclic by a weighted "
            "feedback arc set (always a DAG), less the edges whose least-squares "
            "weight is below 0.3 in absolute value (option prune_threshold). "
            "Wren et al., 2022."
        ),
    )
)


def _spec(method: str, owner: str = "learn_dag") -> MethodSpec:
    if not isinstance(method, str) or method not in METHODS:
        raise ConfigError(
            f"{owner}: 'method' must be one of {sorted(METHODS)}; got {method!r}."
        )
    return METHODS[method]


def make_config(method: str, config: Any = None, **options: Any) -> Any:
    """Build the config of ``method`` from a config object, a dict and/or options."""
    spec = _spec(method)
    if config is None:
        base: dict[str, Any] = {}
    elif isinstance(config, spec.config_class):
        base = dataclasses.asdict(config)
    elif isinstance(config, dict):
        base = dict(config)
    else:
        raise ConfigError(
            f"learn_dag: 'config' must be a {spec.config_class.__name__}, a dict or "
            f"None; got {type(config).__name__}."
        )
    base.update(options)
    _check_option_names(spec, base, "learn_dag")
    return spec.config_class(**base)


def _check_option_names(spec: MethodSpec, options: dict[str, Any], owner: str) -> set:
    """Refuse names that are not options of ``spec``; return the valid names."""
    known = {f.name for f in dataclasses.fields(spec.config_class)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(
            f"{owner}: unknown option(s) {unknown} for method {spec.name!r}; valid "
            f"options are {sorted(known)}."
        )
    return known


def _prior_for(
    prior: PriorKnowledge | None, names: list[str], owner: str = "learn_dag"
) -> PriorKnowledge:
    """The prior over exactly ``names``, in their order.

    A prior over more nodes than the columns is restricted to them only when no
    constraint names the other nodes: such a prior loses nothing (a prior built
    once over a wide table and reused on some of its columns), while dropping a
    constraint would break the promise that the prior holds exactly in the
    result, and a name that is no column is often a typo. The Causal page and
    the ``dag`` command refuse these constraints too.

    Raises
    ------
    ConfigError
        ``prior`` is not a :class:`PriorKnowledge`.
    DataError
        The prior lacks some of ``names``, or constrains nodes outside them.
    """
    if prior is None:
        return PriorKnowledge.empty(names)
    if not isinstance(prior, PriorKnowledge):
        raise ConfigError(
            f"{owner}: 'prior' must be a PriorKnowledge or None; got "
            f"{type(prior).__name__}."
        )
    if list(prior.names) == names:
        return prior
    missing = sorted(set(names) - set(prior.names))
    if missing:
        raise DataError(
            f"{owner}: the prior knowledge does not cover the column(s) {missing}; "
            "build it over the same columns as X."
        )
    extra = [n for n in prior.names if n not in set(names)]
    lost = prior.constraints_on(extra)
    if lost:
        shown = "; ".join(lost[:10]) + (
            f"; ... and {len(lost) - 10} more" if len(lost) > 10 else ""
        )
        raise DataError(
            f"{owner}: the prior knowledge names node(s) {format_names(extra, 10)} "
            f"that are not columns of X, and {len(lost)} constraint(s) on them "
            f"would be lost: {shown}{_orders_through(prior, names)}. Build the "
            f"prior over X's columns {format_names(names, 10)}, or, to drop these "
            "constraints on purpose, pass prior.subset(names) with names the "
            "columns of X."
        )
    return prior.subset(names)


def _orders_through(prior: PriorKnowledge, names: list[str]) -> str:
    """Words for the orders among ``names`` that ``prior`` implies only through
    its other nodes (lost with them), or ``""``."""
    idx = [prior.names.index(n) for n in names]
    implied = prior.precedence()[np.ix_(idx, idx)]
    lost = np.argwhere(implied & ~prior.subset(names).precedence())
    if not lost.size:
        return ""
    pairs = [f"{names[i]!r} before {names[j]!r}" for i, j in lost[:10]]
    more = f", ... and {len(lost) - 10} more" if len(lost) > 10 else ""
    return f" (with the order they imply among the columns: {', '.join(pairs)}{more})"


def few_samples_message(n: int, d: int, method: str, config: Any) -> str | None:
    """Why ``n`` samples are too few for ``d`` variables, or ``None``.

    Below :data:`MIN_SAMPLES_PER_NODE` samples per variable the fit term of the
    score (the residual variances) keeps improving with every edge added, since
    a node regressed on many others is fitted almost exactly; the learned graph is
    then far denser than the truth. Measured with ``simulate_sem(60, n,
    edges_per_node=1, seed=1)`` (58 true edges) and ``learn_dag(X, seed=0,
    max_iter=10)``: n = 40 gives 1181 edges (SHD 1154), n = 120 gives 418 (SHD
    360), n = 400 gives 66 (SHD 8); with ``pruning_reg=0.1``, n = 40 gives 104
    edges (SHD 77) and n = 120 gives 58 (SHD 1). ``method="dagdb"`` (default
    options) returns the empty graph at n = 40 and n = 120 (SHD 58) and 42 edges
    at n = 400 (SHD 22): its size penalty wins, which is no better, and its
    message says so (at d = 60, n = 10: 0 edges).

    Parameters
    ----------
    n, d : int
        Samples (rows) and variables (columns).
    method : str
        A name of :data:`METHODS`, for the option suggested.
    config : config dataclass
        The method's configuration, for the option's current value.

    Returns
    -------
    str or None
        One message with the numbers and what to do, or ``None`` when
        ``n >= MIN_SAMPLES_PER_NODE * d``.
    """
    if n >= MIN_SAMPLES_PER_NODE * d:
        return None
    option = METHODS[method].sparsity_option
    head = (
        f"learn_dag: {n} samples for {d} variables, fewer than "
        f"{MIN_SAMPLES_PER_NODE} per variable ({MIN_SAMPLES_PER_NODE * d}): "
    )
    if option:
        return (
            f"{head}the score's fit term then rewards dense graphs, so the learned "
            "graph is unreliable (typically many more edges than the truth). Use "
            "more samples or fewer columns, or a larger sparsity penalty "
            f"({option}={getattr(config, option)!r} now; e.g. 10 times that)."
        )
    return (
        f"{head}too few to tell real edges from noise, so the learned graph is "
        f"unreliable ({method!r} then typically returns far fewer edges than the "
        "truth, often none: its size penalty outweighs the fit term). Use more "
        "samples or fewer columns."
    )


def _refuse_constant_required(
    X: np.ndarray, names: list[str], prior: PriorKnowledge, owner: str
) -> None:
    """Refuse required edges from or to a column that holds one value.

    Such a column can take part in no edge: the fit could only return the
    required edge with weight 0, which thresholds and graph files then drop, so
    the prior would not hold in what the user keeps.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_nodes)
        The data.
    names : list of str, length n_nodes
        Column names.
    prior : PriorKnowledge
        Over ``names``, in their order.
    owner : str
        The caller, named in the message.

    Raises
    ------
    DataError
        Naming the constant columns and the required edges that touch them.
    """
    flat = np.ptp(X, axis=0) == 0
    touching = np.argwhere(prior.required & (flat[:, None] | flat[None, :]))
    if not touching.size:
        return
    ends = set(touching.ravel().tolist())
    columns = [names[k] for k in np.flatnonzero(flat) if k in ends]
    edges = ", ".join(f"{names[i]!r} -> {names[j]!r}" for i, j in touching)
    raise DataError(
        f"{owner}: column(s) {format_names(columns)} hold a single value, so they "
        f"can take part in no edge, yet the prior knowledge requires {edges}; the "
        "fit could only give it weight 0, which thresholds and graph files drop. "
        "Drop the requirement from the prior, or leave the column out of X."
    )


def _constant(X: np.ndarray, names: list[str]) -> str | None:
    """A note on columns holding one value, or ``None``."""
    flat = [names[k] for k in np.flatnonzero(np.ptp(X, axis=0) == 0)]
    if not flat:
        return None
    return (
        f"learn_dag: column(s) {format_names(flat)} hold a single value, so they "
        "can take part in no edge (they stay isolated nodes); leave them out of the "
        "columns if that is not meant."
    )


def _dependent_columns(
    X: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The columns that are, to rounding, linear functions of earlier ones.

    Each varying column is centred and scaled to unit norm; the diagonal of the
    R factor of their QR decomposition, in column order, is then each column's
    residual norm after a least-squares fit on the columns before it: the
    square root of its residual variance as a share of its own variance. Below
    the column's tolerance (:func:`_tolerances`) the column is named. The
    decomposition is made from the data, not from their correlation matrix,
    whose rounding (up to about ``n_rows * eps``) can exceed that share's
    square; the correlation matrix only screens: when the diagonal of its
    inverse shows every column's residual share given all the others above
    :data:`_SCREEN_RTOL` (times the square of the column's tolerance over
    :data:`_RESIDUAL_RTOL`), no column is named and the decomposition (about
    25 times slower than the matrix at n_rows = 1e6, 20 columns: 1.25 s) is
    skipped.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_nodes)
        The data.

    Returns
    -------
    dependent : ndarray of int
        Positions of the named columns among the varying ones, increasing.
    Z : ndarray of shape (n_samples, n_varying)
        The varying columns, centred and scaled to unit norm.
    varying : ndarray of int, length n_varying
        Their positions in ``X``.
    tolerance : ndarray of float, length n_varying
        Their tolerances.
    """
    varying = np.flatnonzero(np.ptp(X, axis=0) > 0)
    Xv = X[:, varying]  # a copy (fancy indexing): made once
    Z = Xv - Xv.mean(axis=0)
    tolerance = _tolerances(Xv)
    none = np.empty(0, dtype=int)
    # n_rows - 1 or fewer centred rows span fewer dimensions than the columns:
    # every column is then a linear function of the others (few_samples_message
    # says the data are too few), so nothing is named
    if varying.size < 2 or varying.size > X.shape[0] - 1:
        return none, Z, varying, tolerance
    gram = Z.T @ Z
    norms = np.sqrt(np.diagonal(gram))
    Z /= norms
    screen = _SCREEN_RTOL * (tolerance / _RESIDUAL_RTOL) ** 2
    if _clearly_independent(gram / np.outer(norms, norms), screen):
        return none, Z, varying, tolerance
    R = np.linalg.qr(Z, mode="r")
    residual = np.abs(np.diagonal(R))
    return np.flatnonzero(residual < tolerance), Z, varying, tolerance


def _tolerances(X: np.ndarray) -> np.ndarray:
    """Each column's tolerance on its residual share (see :data:`_RESIDUAL_RTOL`).

    Rounding (float32, digits written to a file) is relative to a value's
    magnitude, not to the column's spread: a column far from 0 next to its
    spread (mean 300, standard deviation 0.5) loses a share of its spread that
    many times larger. The tolerance grows with the ratio of the column's root
    mean square to its standard deviation, at most :data:`_MAX_MAGNITUDE`
    times, so that it never exceeds 1e-4.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_columns)
        Varying columns.

    Returns
    -------
    ndarray of float, length n_columns
    """
    spread = X.std(axis=0)
    magnitude = np.hypot(X.mean(axis=0), spread)
    return _RESIDUAL_RTOL * np.clip(magnitude / spread, 1.0, _MAX_MAGNITUDE)


def _clearly_independent(corr: np.ndarray, screen: np.ndarray) -> bool:
    """Whether every column's residual share of variance, given all the others,
    is above its ``screen`` (``corr``: their correlation matrix)."""
    try:
        inverse = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        return False
    diagonal = np.diagonal(inverse)
    # 1 / diagonal is the share; rounding makes it negative near 0
    return bool(np.all((diagonal > 0) & (diagonal * screen < 1.0)))


# a column whose residual, after a least-squares fit on the other columns, has
# a standard deviation below this share of its own is a linear function of
# them "to rounding": about 1e-16 for a copy or a multiple made in float64,
# 1e-7 for one written to a file with 7 significant digits (for a column
# centred near 0; _tolerances raises it for others); ordinary data are far
# above it (smallest measured: 0.016 in the bundled breast_cancer sample,
# 1.5e-4 in simulate_sem(100, 2000, edges_per_node=6, seed=2), whose deepest
# nodes have variances near 4e6 over unit noise)
_RESIDUAL_RTOL = 1e-6

# most times _RESIDUAL_RTOL is raised for a column far from 0 (_tolerances):
# K = 300 + 0.5 * N(0, 1) in float32 leaves a residual share of 1.7e-5, and
# 5.6e-5 written with 7 significant digits; simulate_sem(100, 2000,
# edges_per_node=6, seed=2) + 1e9, at the cap, keeps 1.5e-4 > 1e-4
_MAX_MAGNITUDE = 100.0

# a residual share of variance (the square of _RESIDUAL_RTOL) that the
# correlation matrix tells apart from 0 at any size: its rounding is below
# n_rows * 1e-16
_SCREEN_RTOL = 1e-8

# most dependent columns whose twin the warning looks for
_MAX_TWINS = 10


def _twin(Z: np.ndarray, k: int, X: np.ndarray, names: list[str], tol: float) -> str:
    """``"'b' is a copy of 'a'"`` or ``"'b' = -2 * 'a' + 1"``: the earliest
    column of which column ``k`` is, to rounding (residual share below
    ``tol``), a multiple; ``""`` when none is.

    ``Z`` and ``X`` hold the varying columns only (``Z`` centred and scaled to
    unit norm), ``names`` their names.
    """
    corr = Z[:, :k].T @ Z[:, k]
    # in column order, so that multiples of one column all name it, not the
    # multiple before them
    for i in np.flatnonzero(np.abs(corr) > 0.5):
        if np.linalg.norm(Z[:, k] - corr[i] * Z[:, i]) < tol:
            return _relation(X[:, k], X[:, i], names[k], names[i])
    return ""


def _relation(y: np.ndarray, x: np.ndarray, y_name: str, x_name: str) -> str:
    """``y`` as ``factor * x + offset`` in words, with the fewest significant
    digits that keep it as true as the least-squares fit (its residual at most
    twice the fit's, plus rounding): ``1.000001 * 'a'`` is no copy of ``'a'``.

    Parameters
    ----------
    y, x : ndarray of shape (n_samples,)
        Columns, ``y`` a multiple of ``x`` to rounding.
    y_name, x_name : str
        Their names.

    Returns
    -------
    str
        ``"'y' is a copy of 'x'"`` when the factor is 1 and the offset 0 to
        rounding, else ``"'y' = 2 * 'x' - 0.5"`` (``"'y' = 'x' + 0.0005"``).
    """
    xc, yc = x - x.mean(), y - y.mean()
    factor = float(xc @ yc / (xc @ xc))
    offset = float(y.mean() - factor * x.mean())
    fitted = float(np.sqrt(np.mean((yc - factor * xc) ** 2)))
    scale = float(np.sqrt(np.mean(y**2)) + abs(factor) * np.sqrt(np.mean(x**2)))
    allowed = 2.0 * fitted + 16 * np.finfo(float).eps * scale
    for digits in range(1, 18):
        f = float(f"{factor:.{digits}g}")
        for o in (0.0, float(f"{float(np.mean(y - f * x)):.{digits}g}")):
            if np.sqrt(np.mean((y - f * x - o) ** 2)) <= allowed:
                return _relation_text(y_name, x_name, f, o, digits)
    return _relation_text(y_name, x_name, factor, offset, 17)


def _relation_text(y_name: str, x_name: str, f: float, o: float, digits: int) -> str:
    """``'y' = f * 'x' + o`` in words (see :func:`_relation`)."""
    if f == 1.0 and o == 0.0:
        return f"{y_name!r} is a copy of {x_name!r}"
    term = f"{x_name!r}" if f == 1.0 else f"{f:.{digits}g} * {x_name!r}"
    shift = f" {'-' if o < 0 else '+'} {abs(o):.{digits}g}" if o else ""
    return f"{y_name!r} = {term}{shift}"


def _standardised(X: np.ndarray) -> bool:
    """Whether every column of ``X`` has mean 0 and standard deviation 1 (with
    n or n - 1 in the denominator), to rounding."""
    spread = [X.std(axis=0, ddof=ddof) for ddof in (0, 1)]
    unit = np.any([np.abs(s - 1.0) < 1e-6 for s in spread], axis=0)
    return bool(np.all(np.abs(X.mean(axis=0)) < 1e-6) and np.all(unit))


def _collinear(X: np.ndarray, names: list[str], owner: str = "learn_dag") -> str | None:
    """A note on columns that are, to rounding, linear functions of others.

    Such a column's residual variance given the others is about 0, which the
    scores reward: the fit puts it downstream of them with deterministic
    edges, and a copy can take the edges of its twin. Copies and multiples of
    one other column are named with the earliest such column (see
    :func:`_dependent_columns`); on standardised data (the ``dag`` command's
    ``--standardize``) the note says that these relations are between the
    standardised columns, where a multiple is a copy or a negated copy.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_nodes)
        The data.
    names : list of str, length n_nodes
        Column names.
    owner : str, default="learn_dag"
        The caller, named in the note.

    Returns
    -------
    str or None
        The note, or ``None`` when no column is such a function.
    """
    dependent, Z, varying, tolerance = _dependent_columns(X)
    if not dependent.size:
        return None
    kept = [names[j] for j in varying]
    Xv = X[:, varying]
    twins = [
        _twin(Z, int(k), Xv, kept, float(tolerance[k])) for k in dependent[:_MAX_TWINS]
    ]
    pairs = "; ".join(t for t in twins if t)
    if pairs and _standardised(Xv):
        pairs = f"of the standardised columns: {pairs}"
    what = (
        "is, to rounding, a linear function"
        if dependent.size == 1
        else "are, to rounding, linear functions"
    )
    return (
        f"{owner}: column(s) {format_names([kept[k] for k in dependent], 10)} "
        f"{what} of other columns{f' ({pairs})' if pairs else ''}. Such a "
        "column's residual variance given the others is about 0, so the score "
        "puts it downstream of them with a deterministic edge, and it can take "
        "the edges of the column it copies. Drop one column of each such pair "
        "or set (leave it out of the columns); the result is otherwise "
        "unreliable around them."
    )


def learn_dag(
    X: Any,
    method: str = "permutahedron",
    *,
    prior: PriorKnowledge | None = None,
    seed: int | None = None,
    device: str = "auto",
    progress: ProgressCallback | None = None,
    node_names: Sequence[str] | None = None,
    config: Any = None,
    **options: Any,
) -> DagResult:
    """Learn a DAG from data.

    Parameters
    ----------
    X : ndarray, torch.Tensor or DataFrame of shape (n_samples, n_nodes)
        Numeric data without missing values. Centred inside; scale beforehand if
        the units should not matter (scaling a column changes which graph fits
        best). One factor on every column changes nothing for the permutahedron
        with linear edges and its default ``loss="nll_ev"`` (same graph, ordering
        and weights; with fewer rows than columns rounding can still differ);
        it does change ``loss="sq"``, the MLP edge model,
        ``init_theta="variances"`` and ``"dagdb"``, whose penalties, steps and
        starting scores are in the data's units.
    method : str, default="permutahedron"
        A name of :data:`METHODS`.
    prior : PriorKnowledge, optional
        Forbidden and required edges and tiers, enforced exactly (tiers as a
        causal order: no node of a later tier is an ancestor of a node of an
        earlier tier; untiered nodes may sit anywhere in between as long as that
        holds). Built over X's columns, in any order; it may name other nodes
        only when no constraint names them (else a ``DataError`` lists those
        constraints; ``prior.subset(names)`` drops them on purpose).
    seed : int, optional
        Seed; ``None`` draws one, recorded in the result. It drives the random
        parts of a fit: DAG-DB's score initialisation and sampled graphs, and
        minibatches; for the permutahedron's defaults (greedy start, backward
        elimination) only a tie-breaking jitter, so other seeds give the same
        graph where the score orients every edge. Where it ties (common on
        standardised data; this function then warns and names the edges),
        seeds can orient the tied edges differently (standardised Sachs: seeds
        0-4 give three graphs of one equivalence class; see
        :class:`PermutahedronConfig`). To see how robust the edges are, refit
        on resamples of the rows with :func:`engine.dag.bootstrap_dag`, not
        with other seeds.
    device : str, default="auto"
        ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
    progress : callable, optional
        Receives a :class:`~engine.runtime.ProgressEvent` per epoch (every
        ``progress_every`` epochs); returning ``True`` (or :data:`engine.STOP`)
        stops the fit (any other return value is ignored), which then
        returns a partial result with ``stopped=True`` (a permutahedron fit
        asked to stop only after training keeps its complete graph and
        ``stopped=False``, and skips its edge probabilities). The metrics depend on
        the method: ``"permutahedron"`` sends ``loss``, ``edges`` (of the most
        probable ordering's fit) and ``entropy`` (stage ``"train"``), then
        ``loss`` while polishing (stage ``"polish"``); ``"dagdb"`` sends
        ``loss``, ``mse``, ``dag`` (acyclicity penalty), ``size`` (mean
        sampled edges), ``lam`` (the fixed lambda, or AIMLE's beta) and
        ``edges`` (of the noise-free MAP graph), all epoch means.
    node_names : sequence of str, optional
        Names of the columns (default the DataFrame's columns, MultiIndex levels
        joined by ``"."`` as in ``"g1.a"``, or ``x0, x1, ...``). With a DataFrame
        they are its column labels in the order the nodes should take: the
        columns are taken by label (another order reorders them), and names that
        are not its labels are refused rather than put on its columns.
    config : config dataclass or dict, optional
        Method options as one object; ``**options`` override single fields.
    **options
        Fields of the method's config class (e.g. ``max_iter=200``).

    Returns
    -------
    DagResult

    Raises
    ------
    ConfigError
        Unknown method or option, value out of range, missing device.
    DataError
        Non-numeric, missing or too few values; values so large (about 1e154
        or more) or so small (about 1e-154 or less) that their squares overflow
        or underflow float64; ``node_names`` that are not a DataFrame's column
        labels; a prior that lacks some columns or constrains nodes that are not
        columns.
    ResourceError
        The fit would exceed the method's memory budget.

    Warns
    -----
    ConvergenceWarning
        The fit ran all ``max_iter`` epochs without meeting its early-stopping
        rule (``patience`` epochs without a gain of ``tol``); only where early
        stopping is on: ``patience=0`` (DAG-DB's default, and the
        permutahedron's when set) runs its ``max_iter`` epochs by design and
        never warns. Also kept in ``result.warnings``.
    DataWarning
        Fewer than :data:`MIN_SAMPLES_PER_NODE` (5) samples per variable: the
        result is unreliable (see :func:`few_samples_message`). Also when a
        column holds one value, or is, to rounding, a linear function of other
        columns (a copy or multiple of one, named with the earliest such
        column, on standardised data as a relation of the standardised
        columns; its residual variance is about 0, so the fit puts it
        downstream with deterministic edges): drop one column of each such
        pair or set. Also when the
        permutahedron's linear score fits equivalent graphs with other edge
        directions exactly as well (common on standardised data,
        :mod:`engine.dag.ties`): the message names those edges. Kept in
        ``result.warnings`` too.
    StoppedWarning
        The fit was stopped on request (``result.stopped``), or a permutahedron
        fit skipped its edge probabilities because the request came after
        training. Kept in ``result.warnings`` too.

    Examples
    --------
    >>> from engine.dag import learn_dag, simulate_sem  # doctest: +SKIP
    >>> sim = simulate_sem(5, 200, seed=0)  # doctest: +SKIP
    >>> learn_dag(sim.X, seed=0, max_iter=50).adjacency.shape  # doctest: +SKIP
    (5, 5)
    """
    return _learn_dag(
        X,
        method,
        prior=prior,
        seed=seed,
        device=device,
        progress=progress,
        node_names=node_names,
        config=config,
        options=options,
    )


def _learn_dag(
    X: Any,
    method: str,
    *,
    prior: PriorKnowledge | None,
    seed: int | None,
    device: str,
    progress: ProgressCallback | None,
    node_names: Sequence[str] | None,
    config: Any,
    options: dict[str, Any],
    resample: bool = False,
) -> DagResult:
    """:func:`learn_dag`; its warnings point at the user's call (see
    :func:`~engine.errors.warn_user`), a method's own ones included.

    ``resample=True`` (a bootstrap refit, whose caller checked the full data)
    lets a required edge touch a column that is constant in this resample only:
    the refit keeps the edge with weight 0 rather than fail the bootstrap;
    nor does it look for columns that are linear functions of others, which
    the caller does once on the full data (a property of the data, not of
    the refit).
    """
    spec = _spec(method)
    cfg = make_config(method, config, **options)
    Xa, names = as_matrix(
        X, "learn_dag", names=node_names, min_rows=3, min_cols=2, names_arg="node_names"
    )
    check_variance(Xa, names, "learn_dag")
    pk = _prior_for(prior, names)
    if not resample:
        _refuse_constant_required(Xa, names, pk, "learn_dag")
    used_seed = resolve_seed(seed, "learn_dag")
    dev = resolve_device(device, "learn_dag")
    data_notes = [
        m
        for m in (
            few_samples_message(*Xa.shape, method, cfg),
            _constant(Xa, names),
            None if resample else _collinear(Xa, names),
        )
        if m
    ]
    for note in data_notes:
        warn_user(note, DataWarning)
    reporter = Reporter(progress, "dag.fit", total=getattr(cfg, "max_iter", None))
    start = time.perf_counter()
    with collect_warnings() as caught:  # thread-safe, unlike catch_warnings
        fields = spec.fit(
            Xa, config=cfg, prior=pk, seed=used_seed, device=dev, reporter=reporter
        )
    messages = list(data_notes)
    messages += [str(message) for _, message in caught]
    if fields.get("stopped"):
        msg = f"learn_dag: stopped on request after {fields.get('n_iter')} epochs."
        warn_user(msg, StoppedWarning)
        messages.append(msg)
    for category, message in caught:
        warn_user(message, category)
    unsettled = _convergence_message(method, cfg, fields)
    if unsettled:
        warn_user(unsettled, ConvergenceWarning)
        messages.append(unsettled)
    tied = _tie_message(method, cfg, Xa, fields, pk, names)
    if tied:
        warn_user(tied, DataWarning)
        messages.append(tied)
    import engine

    adjacency = np.asarray(fields["adjacency"], dtype=bool)
    if not (is_dag(adjacency) and pk.check(adjacency)):  # kept under python -O
        raise RuntimeError(
            f"learn_dag: method {method!r} returned a graph with a cycle or against "
            "the prior knowledge; this is a bug, please report it with the data."
        )
    return DagResult(
        adjacency=adjacency,
        weights=np.asarray(fields["weights"], dtype=float),
        node_names=tuple(names),
        history=fields.get("history", {}),
        ordering=fields.get("ordering", ()),
        stopped=bool(fields.get("stopped", False)),
        converged=bool(fields.get("converged", False)),
        n_iter=int(fields.get("n_iter", 0)),
        method=method,
        config=dataclasses.asdict(cfg),
        seed=used_seed,
        device=str(fields.get("device", dev)),
        elapsed_s=time.perf_counter() - start,
        engine_version=engine.__version__,
        warnings=tuple(messages),
        prior=None if prior is None else pk.to_dict(),
        edge_probabilities=fields.get("edge_probabilities"),
    )


def _tie_message(
    method: str,
    cfg: Any,
    X: NDArray[np.float64],
    fields: dict[str, Any],
    prior: PriorKnowledge,
    names: list[str],
) -> str:
    """Words for the edges whose direction the permutahedron's score leaves open.

    Only for the linear edge model with backward elimination and bilevel
    training, whose objective depends on the data only through the total
    residual variance (:mod:`engine.dag.ties`; ``l0_ste`` and joint training
    add a weight penalty). ``lars`` is not checked: it can tie too (a
    standardised pair flips with the column order), but its selection is not
    a function of the total alone, so equal totals prove no tie there. The
    equally good graphs are searched from the result, per connected component,
    among those the prior knowledge allows; ones joined to it only through
    worse graphs are not found. Empty when none differs.
    """
    if not _ties_checked(method, cfg):
        return ""
    adjacency = np.asarray(fields["adjacency"], dtype=bool)
    open_edges, n_graphs, complete = open_directions(X, adjacency, allowed=prior.check)
    if not open_edges:
        return ""
    shown = ", ".join(f"{names[i]} -> {names[j]}" for i, j in open_edges[:_MAX_TIED])
    left = len(open_edges) - _MAX_TIED
    more = f" and {left} more" if left > 0 else ""
    least = "" if complete else "at least "
    stopped = (
        ""
        if complete
        else f" (the search stopped at {MAX_TIED_GRAPHS} graphs in a component)"
    )
    return (
        f"learn_dag: the score does not orient {least}{len(open_edges)} of the "
        f"{int(adjacency.sum())} edges ({shown}{more}): {least}{n_graphs} "
        f"equivalent graphs{stopped} that differ in their directions fit exactly "
        "as well, so the directions shown are the search's pick among equals, "
        "not evidence. This is common on standardised data, as scaling removes "
        "the variance differences the equal-variance score orients edges by: fit "
        "the unscaled data if their units are comparable, add prior knowledge "
        "(required edges, tiers) for these pairs, or read them as undirected."
    )


def _ties_checked(method: str, cfg: Any) -> bool:
    """Whether ``method`` with ``cfg`` scores graphs by the total residual
    variance alone, so that :mod:`engine.dag.ties` proves its ties (see
    :func:`_tie_message`)."""
    return (
        method == "permutahedron"
        and cfg.edge_model == "linear"
        and cfg.sparsifier == "backward"
        and cfg.training == "bilevel"
    )


def _convergence_message(method: str, cfg: Any, fields: dict[str, Any]) -> str:
    """Words for a fit that used every epoch without meeting its stopping rule.

    Only a fit with early stopping on (``patience`` > 0) has a stopping rule to
    miss; ``patience=0`` (DAG-DB's default) runs a fixed number of epochs by
    design, so reaching ``max_iter`` there is not a failure to converge.
    """
    max_iter = getattr(cfg, "max_iter", None)
    patience = getattr(cfg, "patience", 0)
    n_iter = int(fields.get("n_iter", 0))
    if (
        fields.get("stopped")
        or fields.get("converged")
        or not max_iter
        or not patience
        or n_iter < max_iter
    ):
        return ""
    return (
        f"learn_dag: method {method!r} ran all {max_iter} epochs of max_iter "
        f"without meeting its stopping rule (no gain of tol={cfg.tol:g} for "
        f"patience={patience} epochs), so it may be under-trained: raise "
        "max_iter (result.history shows whether the loss was still falling)."
    )


class DagLearner(TwinEstimator):
    """Estimator twin of :func:`learn_dag` with scikit-learn's contract.

    A scikit-learn estimator: ``clone``, ``check_is_fitted``, ``repr`` and the
    notebook's HTML view work as for scikit-learn's own estimators. Method options
    given as ``**options`` are parameters too (``get_params``, ``set_params``,
    and readable as attributes: ``DagLearner(max_iter=50).max_iter``).

    Parameters
    ----------
    method : str, default="permutahedron"
    prior : PriorKnowledge, optional
    seed : int, optional
    device : str, default="auto"
    progress : callable, optional
        Receives the fit's :class:`~engine.runtime.ProgressEvent` (see
        :func:`learn_dag`); ``fit(X, progress=...)`` overrides it for one fit.
    config : config dataclass or dict, optional
        Method options as one object; ``**options`` override single fields.
    **options
        Fields of the method's config.

    Attributes
    ----------
    result_ : DagResult
        Set by :meth:`fit`.
    n_features_in_ : int
        Columns of the ``X`` given to :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,), object
        Its column names, when ``X`` was a DataFrame with string labels.

    Examples
    --------
    >>> DagLearner(seed=0, max_iter=50)
    DagLearner(max_iter=50, seed=0)
    """

    set_by: ClassVar[dict[str, str]] = {"result_": "call fit(X) first"}

    def __init__(
        self,
        method: str = "permutahedron",
        *,
        prior: PriorKnowledge | None = None,
        seed: int | None = None,
        device: str = "auto",
        progress: ProgressCallback | None = None,
        config: Any = None,
        **options: Any,
    ) -> None:
        self.method = method
        self.prior = prior
        self.seed = seed
        self.device = device
        self.progress = progress
        self.config = config
        self._options = options

    @property
    def options(self) -> dict[str, Any]:
        """The keyword options (a copy; change them with :meth:`set_params`)."""
        return dict(self._options)

    def _check_option_names(
        self, options: dict[str, Any], params: dict[str, Any]
    ) -> None:
        """Options must be those of the method in force after ``set_params``.

        A misspelled name fails here, as in scikit-learn, not at :meth:`fit`;
        a ``method`` that is no method is left for :meth:`fit` to refuse.
        """
        method = params.get("method", self.method)
        if not isinstance(method, str) or method not in METHODS:
            return
        owner = "DagLearner.set_params"
        known = _check_option_names(_spec(method, owner), options, owner)
        stale = sorted(set(self._options) - known - set(options))
        if stale:
            raise ConfigError(
                f"DagLearner.set_params: method {method!r} has no option(s) "
                f"{stale}, set for {self.method!r}; build a new DagLearner("
                f"{method!r}) or drop them first."
            )

    def fit(
        self,
        X: Any,
        y: Any = None,
        node_names: Sequence[str] | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> DagLearner:
        """Learn the DAG of ``X``; ``y`` is ignored. Returns ``self``.

        Parameters
        ----------
        X : ndarray, Tensor or DataFrame of shape (n_samples, n_nodes)
            As :func:`learn_dag` takes it.
        y : None
            Ignored (scikit-learn's unsupervised ``fit(X, y=None)``).
        node_names : sequence of str, optional
            As :func:`learn_dag` takes them.
        progress : callable, optional
            For this fit instead of the ``progress`` parameter.

        Returns
        -------
        self
        """
        # a misspelt option given to the constructor is named as the user's
        spec = _spec(self.method, "DagLearner")
        _check_option_names(spec, self._options, "DagLearner")
        self.result_ = learn_dag(
            X,
            self.method,
            prior=self.prior,
            seed=self.seed,
            device=self.device,
            progress=self.progress if progress is None else progress,
            node_names=node_names,
            config=self.config,
            **self._options,
        )
        self._record_input(X)
        return self

    @property
    def adjacency_(self) -> np.ndarray:
        """Learned adjacency, bool (d, d)."""
        return self.result_.adjacency

    @property
    def weights_(self) -> np.ndarray:
        """Learned edge weights, float (d, d)."""
        return self.result_.weights
