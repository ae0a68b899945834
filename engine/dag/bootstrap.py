"""Bootstrap edge confidence for any DAG learner.

The data's rows are resampled with replacement ``n_boot`` times, the learner is
refitted on each resample, and each directed edge's frequency over the fits is
reported. The fits are independent jobs run by :mod:`engine.executor`; fit ``b``
gets the seed ``spawn_seeds(seed, n_boot)[b]`` for both its resample and its learner,
so every executor returns the same frequencies as ``executor="serial"``.

References
----------
Friedman, Goldszmidt and Wyner (1999), "Data analysis with Bayesian networks: a
bootstrap approach".
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from engine.dag.fas import break_cycles
from engine.dag.learner import (
    _MAX_TIED,
    _collinear,
    _learn_dag,
    _prior_for,
    _refuse_constant_required,
    _ties_checked,
    make_config,
)
from engine.dag.prior import PriorKnowledge
from engine.dag.result import is_dag
from engine.dag.ties import open_directions
from engine.errors import (
    ConfigError,
    DataWarning,
    StoppedWarning,
    check_int,
    check_range,
    collect_warnings,
    warn_user,
)
from engine.executor import (
    check_executor_options,
    forward_stop,
    one_torch_thread,
    run_jobs,
)
from engine.results import ArraySpec, ResultMixin
from engine.runtime import ProgressCallback, resolve_device, resolve_seed, spawn_seeds
from engine.validation import as_matrix

__all__ = ["BootstrapResult", "bootstrap_dag", "consensus_dag"]


@dataclass(frozen=True)
class _BootJob:
    X: NDArray[np.float64]
    names: tuple[str, ...]
    method: str
    config: dict[str, Any]
    prior: PriorKnowledge | None
    seed: int
    device: str


# the warnings of one refit: (category, message), in the order raised
FitWarnings = tuple[tuple[type[Warning], str], ...]

# node pairs (i, j), i < j, in matrix order
Pairs = tuple[tuple[int, int], ...]


def _bootstrap_job(
    job: _BootJob,
) -> tuple[NDArray[np.bool_], NDArray[np.float64], FitWarnings, Pairs]:
    """Fit the learner on one resample; return its adjacency, weights,
    warnings and the pairs of its edges whose direction the score leaves open.

    A column that is constant in this resample only keeps its required edges
    (with weight 0): :func:`bootstrap_dag` refused them on the full data.

    The open pairs are checked on the full data, not on the resample: a
    resample's variances are no longer equal, so its own fit finds no tie, yet
    the direction it picked among graphs that fit the full data exactly as
    well is noise (:func:`_unoriented`).

    The fit's warnings are caught and returned, not shown: wherever the job
    ran (here, a worker process, a Ray task), :func:`bootstrap_dag` shows one
    summary per kind instead of one warning per refit. Run serially, the fit
    stops at its next epoch once the bootstrap is asked to stop
    (:func:`engine.executor.forward_stop`); the executor then drops it, so its
    warning that it stopped is left out.
    """
    rng = np.random.default_rng(job.seed)
    rows = rng.integers(0, job.X.shape[0], size=job.X.shape[0])
    with one_torch_thread(), collect_warnings() as caught:
        result = _learn_dag(
            job.X[rows],
            job.method,
            prior=job.prior,
            seed=job.seed,
            device=job.device,
            progress=forward_stop,
            node_names=job.names,
            config=job.config,
            options={},
            resample=True,
        )
    notes = tuple(
        (category, str(message))
        for category, message in caught
        if not issubclass(category, StoppedWarning)
    )
    return result.adjacency, result.weights, notes, _open_pairs(job, result.adjacency)


def _open_pairs(job: _BootJob, adjacency: NDArray[np.bool_]) -> Pairs:
    """The node pairs (i < j) joined by an edge of ``adjacency`` whose reversal
    in an equivalent graph fits ``job.X`` (the full data) exactly as well, as
    :func:`~engine.dag.learn_dag` checks its own result; empty for methods and
    options whose score it does not check."""
    if not _ties_checked(job.method, make_config(job.method, job.config)):
        return ()
    allowed = None if job.prior is None else job.prior.check
    edges, _, _ = open_directions(job.X, adjacency, allowed=allowed)
    return tuple(sorted({(min(i, j), max(i, j)) for i, j in edges}))


def _unoriented(pairs: list[tuple[str, str]], n_joined: int, n_fits: int) -> str:
    """The warning for the ``pairs`` of node names whose direction the score
    leaves open, of the ``n_joined`` pairs that ``n_fits`` refits join by an
    edge; ``""`` when there are none."""
    if not pairs:
        return ""
    shown = ", ".join(f"{a} -- {b}" for a, b in pairs[:_MAX_TIED])
    left = len(pairs) - _MAX_TIED
    more = f" and {left} more" if left > 0 else ""
    fits = "the refit joins" if n_fits == 1 else f"the {n_fits} refits join"
    return (
        f"bootstrap_dag: on the full data the score does not orient {len(pairs)} "
        f"of the {n_joined} node pairs {fits} by an edge ({shown}{more}): "
        "equivalent graphs with these edges reversed fit it exactly as well, so "
        "each refit's direction for them is a pick among equals that the "
        "resampled rows tip, and their direction frequencies (edge_frequency, "
        "even 1.0) reflect resampling noise rather than evidence; read them as "
        "undirected (adjacency_frequency). This is common on standardised data, "
        "as scaling removes the variance differences the equal-variance score "
        "orients edges by: bootstrap the unscaled data if their units are "
        "comparable, or add prior knowledge (required edges, tiers) for these "
        "pairs."
    )


def _summarise_warnings(
    fit_notes: Sequence[FitWarnings],
) -> list[tuple[type[Warning], str]]:
    """One warning per category over the refits: how many raised it, and what.

    Parameters
    ----------
    fit_notes : sequence of tuples of (category, message)
        The warnings of each finished refit.

    Returns
    -------
    list of (category, message)
        In the order the categories first appear, e.g. ``"bootstrap_dag: 7 of
        10 bootstrap fits warned: method 'permutahedron' ran all 2 epochs ..."``
        (the first refit's message, saying how many differ when they do).
    """
    messages: dict[type[Warning], list[str]] = {}
    for notes in fit_notes:
        for category in dict.fromkeys(c for c, _ in notes):
            first = next(m for c, m in notes if c is category)
            messages.setdefault(category, []).append(first)
    out = []
    for category, said in messages.items():
        distinct = len(set(said))
        which = f" ({distinct} different messages; the first)" if distinct > 1 else ""
        text = (
            f"bootstrap_dag: {len(said)} of {len(fit_notes)} bootstrap fits warned"
            f"{which}: {said[0].removeprefix('learn_dag: ')}"
        )
        out.append((category, text))
    return out


def consensus_dag(
    edge_frequency: NDArray[np.float64],
    threshold: float = 0.5,
    *,
    required: NDArray[np.bool_] | None = None,
    precedence: NDArray[np.bool_] | None = None,
) -> NDArray[np.bool_]:
    """The DAG of edges at least ``threshold`` frequent, cycles broken.

    Of two opposite edges that both pass, the more frequent stays. Cycles among the
    rest are broken by deleting the least frequent backward edges
    (:func:`engine.dag.fas.break_cycles`); required edges always stay.

    Each refit keeps the prior's order, but edges taken from different refits can
    chain into a path that breaks it (x2 -> x1 in one fit, x1 -> x0 in another,
    with x0 in an earlier tier than x2). With ``precedence`` every pair that must
    keep its order is added as an unbreakable virtual edge before the cycles are
    broken and removed after, so such a path loses its least frequent edge.

    Parameters
    ----------
    edge_frequency : ndarray of shape (n_nodes, n_nodes)
        Directed edge frequencies in [0, 1]; ``[i, j]`` is the edge i -> j.
    threshold : float, default=0.5
        Smallest frequency kept, in (0, 1].
    required : ndarray of bool of shape (n_nodes, n_nodes), optional
        Edges that stay whatever their frequency.
    precedence : ndarray of bool of shape (n_nodes, n_nodes), optional
        ``[i, j]`` True when i must precede j in the causal order
        (:meth:`engine.dag.prior.PriorKnowledge.precedence`): no path j -> ... -> i
        is kept.

    Returns
    -------
    ndarray of bool of shape (n_nodes, n_nodes)
        An acyclic adjacency matrix.

    Examples
    --------
    >>> freq = np.array([[0, .9, 0], [0, 0, .8], [.6, 0, 0]])
    >>> consensus_dag(freq, 0.5).astype(int)
    array([[0, 1, 0],
           [0, 0, 1],
           [0, 0, 0]])
    """
    check_range(
        "consensus_dag", "threshold", threshold, low=0.0, high=1.0, low_open=True
    )
    freq = np.asarray(edge_frequency, dtype=float)
    keep = (freq >= threshold) & ~np.eye(len(freq), dtype=bool)
    keep &= ~(keep.T & (freq < freq.T))  # of a two-cycle keep the more frequent
    keep &= ~(keep.T & (freq == freq.T) & np.tri(len(freq), k=-1, dtype=bool))
    if required is not None:
        keep |= required
    if precedence is None:
        return break_cycles(np.where(keep, freq, 0.0), keep=required)

    order = np.asarray(precedence, dtype=bool)
    fixed = order if required is None else order | required
    virtual = np.where(fixed & ~keep, 1.0, 0.0)
    dag = break_cycles(np.where(keep, freq, 0.0) + virtual, keep=fixed)
    return dag & keep


@dataclass(frozen=True, eq=False, repr=False)
class BootstrapResult(ResultMixin):
    """Edge frequencies over bootstrap refits.

    Attributes
    ----------
    node_names : tuple of str
        Column names, in matrix order.
    edge_frequency : ndarray of shape (n_nodes, n_nodes)
        Fraction of finished fits with the directed edge i -> j.
    adjacency_frequency : ndarray of shape (n_nodes, n_nodes)
        Fraction of fits with an edge between i and j in either direction
        (symmetric).
    mean_weight : ndarray of shape (n_nodes, n_nodes)
        Mean weight of i -> j over the fits that have it (0 where none do).
    consensus : ndarray of bool of shape (n_nodes, n_nodes)
        :func:`consensus_dag` at ``threshold``.
    threshold : float
        Frequency threshold of ``consensus``.
    n_boot : int
        Fits requested.
    n_done : int
        Fits finished (fewer than ``n_boot`` when stopped).
    stopped : bool
        Whether a stop request cancelled fits; frequencies then use ``n_done``.
    required : ndarray of bool of shape (n_nodes, n_nodes) or None
        Required edges of the prior knowledge; always in the consensus.
    precedence : ndarray of bool of shape (n_nodes, n_nodes) or None
        The prior's order constraints (``[i, j]``: i precedes j), which the
        consensus keeps; None in results saved before it was recorded.
    method, config, seed, device, executor, elapsed_s, engine_version
        Provenance: the learner and its options, the seed of the call, the device,
        the executor that ran the fits, wall time, library version.
    warnings : tuple of str
        The note on columns of the full data that are, to rounding, linear
        functions of others, when there are any; then the warnings of the
        refits, one per kind, saying how many of the
        finished fits raised it (``"bootstrap_dag: 7 of 10 bootstrap fits
        warned: ..."``), then the one on ``unoriented_edges`` when it is not
        empty; shown as warnings too.
    unoriented_edges : tuple of (str, str)
        Pairs of nodes (each pair once, in matrix order) that some finished refit
        joins by an edge whose direction the learner's score leaves open on the
        full data: an equivalent graph with the edge reversed fits the full data
        exactly as well (:mod:`engine.dag.ties`, checked as
        :func:`~engine.dag.learn_dag` checks its result: for the
        permutahedron's linear score with backward elimination and bilevel
        training). Their direction frequencies reflect which way the resampled
        rows tipped each tie, not evidence; ``adjacency_frequency`` is the
        meaningful figure for them. Common on standardised data. Empty when
        there are none, for other methods and options, and in results saved
        before it was recorded.
    """

    node_names: tuple[str, ...]
    edge_frequency: NDArray[np.float64]
    adjacency_frequency: NDArray[np.float64]
    mean_weight: NDArray[np.float64]
    consensus: NDArray[np.bool_]
    threshold: float
    n_boot: int
    n_done: int
    stopped: bool
    method: str
    config: dict[str, Any] = field(default_factory=dict)
    required: NDArray[np.bool_] | None = None
    precedence: NDArray[np.bool_] | None = None
    seed: int = 0
    device: str = "cpu"
    executor: str = "serial"
    elapsed_s: float = 0.0
    engine_version: str = ""
    warnings: tuple[str, ...] = ()
    unoriented_edges: tuple[tuple[str, str], ...] = ()

    _tuple_fields = ("node_names", "warnings", "unoriented_edges")
    _arrays: ClassVar[dict[str, ArraySpec]] = {
        "edge_frequency": ("fiu", ("d", "d")),
        "adjacency_frequency": ("fiu", ("d", "d")),
        "mean_weight": ("fiu", ("d", "d")),
        "consensus": ("b", ("d", "d")),
        "required": ("b", ("d", "d")),
        "precedence": ("b", ("d", "d")),
    }
    _sizes: ClassVar[dict[str, str]] = {"d": "node_names"}
    _unique_fields: ClassVar[tuple[str, ...]] = ("node_names",)

    def __post_init__(self) -> None:
        self._freeze_arrays()
        # pairs come back from JSON as lists
        pairs = tuple(tuple(pair) for pair in self.unoriented_edges)
        object.__setattr__(self, "unoriented_edges", pairs)

    def _summary(self) -> tuple[str, list[tuple[str, Any]]]:
        return "BootstrapResult", [
            ("method", self.method),
            ("nodes", len(self.node_names)),
            ("n_done", self.n_done),
            ("n_boot", self.n_boot),
            ("stopped", self.stopped),
            ("consensus_edges", int(self.consensus.sum())),
            ("threshold", self.threshold),
            ("seed", self.seed),
            ("device", self.device),
            ("executor", self.executor),
            ("elapsed_s", round(self.elapsed_s, 1)),
            *([("warnings", len(self.warnings))] if self.warnings else []),
            *(
                [("unoriented_edges", len(self.unoriented_edges))]
                if self.unoriented_edges
                else []
            ),
        ]

    def _load_problems(self) -> list[str]:
        """The consensus of a loaded result must be a DAG, and the unoriented
        edges distinct pairs of two of its nodes, each in matrix order (as
        :func:`bootstrap_dag` writes them)."""
        problems = []
        if not is_dag(self.consensus):
            problems.append(
                "'consensus' has a directed cycle; a consensus DAG is acyclic"
            )
        names = set(self.node_names)
        bad = [
            pair
            for pair in self.unoriented_edges
            if len(pair) != 2 or not set(pair) <= names or pair[0] == pair[1]
        ]
        if bad:
            problems.append(
                f"'unoriented_edges' holds {len(bad)} item(s) that are not a pair of "
                f"two different node names (first: {list(bad[0])!r})"
            )
            return problems
        index = {name: k for k, name in enumerate(self.node_names)}
        reversed_ = [p for p in self.unoriented_edges if index[p[0]] > index[p[1]]]
        if reversed_:
            problems.append(
                f"'unoriented_edges' holds {len(reversed_)} pair(s) not in matrix "
                "order (each pair names first the node that comes earlier in "
                f"'node_names'; first: {list(reversed_[0])!r})"
            )
        seen: set[tuple[str, ...]] = set()
        repeated = []
        for pair in self.unoriented_edges:
            if pair in seen:
                repeated.append(pair)
            seen.add(pair)
        if repeated:
            problems.append(
                f"'unoriented_edges' holds {len(repeated)} pair(s) more than once "
                f"(first: {list(repeated[0])!r})"
            )
        return problems

    def consensus_at(self, threshold: float) -> NDArray[np.bool_]:
        """The consensus DAG at another frequency threshold."""
        return consensus_dag(
            self.edge_frequency,
            threshold,
            required=self.required,
            precedence=self.precedence,
        )

    def to_frame(self, threshold: float | None = None) -> pd.DataFrame:
        """Edges seen at least once, most frequent first.

        Columns: ``source``, ``target``, ``frequency``, ``either_direction``,
        ``mean_weight`` and ``in_consensus`` (at ``threshold``, default the
        result's).
        """
        cons = self.consensus if threshold is None else self.consensus_at(threshold)
        src, dst = np.nonzero(self.edge_frequency > 0)
        frame = pd.DataFrame(
            {
                "source": [self.node_names[i] for i in src],
                "target": [self.node_names[j] for j in dst],
                "frequency": self.edge_frequency[src, dst],
                "either_direction": self.adjacency_frequency[src, dst],
                "mean_weight": self.mean_weight[src, dst],
                "in_consensus": cons[src, dst],
            }
        )
        return frame.sort_values(
            ["frequency", "source", "target"],
            ascending=[False, True, True],
            ignore_index=True,
        )


def bootstrap_dag(
    X: Any,
    method: str = "permutahedron",
    *,
    n_boot: int = 20,
    threshold: float = 0.5,
    executor: str | Any = "serial",
    n_workers: int | None = None,
    address: str | None = None,
    prior: PriorKnowledge | None = None,
    seed: int | None = None,
    device: str = "cpu",
    progress: ProgressCallback | None = None,
    node_names: Sequence[str] | None = None,
    config: Any = None,
    **options: Any,
) -> BootstrapResult:
    """Refit a DAG learner on bootstrap resamples and count each edge.

    Parameters
    ----------
    X : ndarray, torch.Tensor or DataFrame of shape (n_samples, n_nodes)
        Numeric data, scaled as the fits should see it.
    method : str, default="permutahedron"
        A learner of :func:`engine.dag.learn_dag`.
    n_boot : int, default=20
        Number of resamples (fits).
    threshold : float, default=0.5
        Frequency threshold of the consensus DAG.
    executor : {"serial", "processes", "ray"} or object, default="serial"
        Where the fits run (:mod:`engine.executor`); all give the same result.
    n_workers : int, optional
        Processes, or CPUs of a local Ray cluster: only with
        ``executor="processes"`` or ``"ray"`` (refused with others, which have
        no workers to set).
    address : str, optional
        Address of a running Ray cluster: only with ``executor="ray"``.
    prior : PriorKnowledge, optional
        Enforced in every fit, hence in the frequencies; over the columns of
        ``X`` in any order, as for :func:`~engine.dag.learn_dag`.
    seed : int, optional
        Seed of the call; fit ``b`` uses ``spawn_seeds(seed, n_boot)[b]``.
    device : str, default="cpu"
        Device of each fit. Parallel fits on one GPU rarely pay off, hence the CPU.
    progress : callable, optional
        Receives an event per finished fit (``step`` fits out of ``total``), and
        the same count again every :data:`engine.executor.HEARTBEAT_S` seconds
        while fits run; returning ``True`` (or :data:`engine.STOP`) stops the bootstrap
        within about that time: the fits not started are cancelled and those
        running ended (their processes or Ray tasks terminated; a serial fit
        stops at its next epoch) and dropped. The result then counts the
        finished fits only (``stopped=True``).
    node_names : sequence of str, optional
        Column names; with a DataFrame its column labels, in any order, as for
        :func:`~engine.dag.learn_dag`.
    config : dataclass or dict, optional
        The learner's options; ``**options`` override single fields.

    Returns
    -------
    BootstrapResult

    Warns
    -----
    DataWarning, ConvergenceWarning
        What the refits warned, one warning per kind for the whole bootstrap
        saying how many of the finished fits raised it (``"bootstrap_dag: 7 of
        10 bootstrap fits warned: ..."``), also kept in ``result.warnings``.
    DataWarning
        Once, before the refits, when columns of the full data are, to
        rounding, linear functions of others (see
        :func:`~engine.dag.learn_dag`); a property of the data, so the refits
        do not repeat it. Also kept in ``result.warnings`` (first).
    DataWarning
        Once, when edges of the refits have a direction the score leaves open
        on the full data (``result.unoriented_edges``, common on standardised
        data): it names them and says their direction frequencies are
        resampling noise; also kept in ``result.warnings``.

    Notes
    -----
    Time grows linearly with ``n_boot``; memory per worker is that of one fit.
    """
    n_boot = check_int("bootstrap_dag", "n_boot", n_boot, low=1)
    if executor is None:  # check_executor_options allows it for others
        raise ConfigError(
            "bootstrap_dag: 'executor' must be 'serial', 'processes', 'ray' or an "
            "object with map_jobs; got None. 'serial' (the default) runs the refits "
            "one after another in this process."
        )
    n_workers = check_executor_options(
        "bootstrap_dag", executor, n_workers=n_workers, address=address
    )
    threshold = check_range(
        "bootstrap_dag", "threshold", threshold, low=0.0, high=1.0, low_open=True
    )
    Xa, names = as_matrix(
        X,
        "bootstrap_dag",
        names=node_names,
        min_rows=3,
        min_cols=2,
        names_arg="node_names",
    )
    cfg = dataclasses.asdict(make_config(method, config, **options))
    # in the columns' order: the consensus reads its required edges and order
    prior = None if prior is None else _prior_for(prior, names, "bootstrap_dag")
    if prior is not None:
        _refuse_constant_required(Xa, names, prior, "bootstrap_dag")
    # said once, of the full data: the refits leave it out
    collinear = _collinear(Xa, names, "bootstrap_dag")
    if collinear:
        warn_user(collinear, DataWarning)
    used_seed = resolve_seed(seed, "bootstrap_dag")
    # refused here, not by each replicate's learn_dag under its own name
    resolve_device(device, "bootstrap_dag")
    jobs = [
        _BootJob(Xa, tuple(names), method, cfg, prior, s, str(device))
        for s in spawn_seeds(used_seed, n_boot)
    ]
    start = time.perf_counter()
    outcome = run_jobs(
        _bootstrap_job,
        jobs,
        executor=executor,
        progress=progress,
        task="dag.bootstrap",
        n_workers=n_workers,
        address=address,
    )
    fits = outcome.completed
    summary = _summarise_warnings([notes for _, _, notes, _ in fits])
    # the pairs whose direction the score leaves open, over the finished refits
    pairs = sorted(set().union(*(p for *_, p in fits)))
    unoriented = [(names[i], names[j]) for i, j in pairs]
    joined = np.zeros((len(names), len(names)), dtype=bool)
    for adjacency, *_ in fits:
        joined |= adjacency | adjacency.T
    tied = _unoriented(unoriented, int(np.triu(joined).sum()), len(fits))
    if tied:
        summary.append((DataWarning, tied))
    for category, message in summary:
        warn_user(message, category)
    said = ((collinear,) if collinear else ()) + tuple(m for _, m in summary)
    return _summarise(
        outcome,
        said,
        tuple(unoriented),
        names,
        method,
        cfg,
        prior,
        used_seed,
        str(device),
        threshold,
        n_boot,
        time.perf_counter() - start,
    )


def _summarise(
    outcome: Any,
    fit_warnings: tuple[str, ...],
    unoriented: tuple[tuple[str, str], ...],
    names: list[str],
    method: str,
    cfg: dict[str, Any],
    prior: PriorKnowledge | None,
    seed: int,
    device: str,
    threshold: float,
    n_boot: int,
    elapsed_s: float,
) -> BootstrapResult:
    import engine

    d = len(names)
    fits = outcome.completed
    adjacency = np.array([a for a, *_ in fits], dtype=float).reshape(-1, d, d)
    weights = np.array([w for _, w, *_ in fits], dtype=float).reshape(-1, d, d)
    n_done = len(fits)
    freq = adjacency.mean(axis=0) if n_done else np.zeros((d, d))
    present = adjacency.sum(axis=0)
    mean_weight = np.divide(
        (weights * adjacency).sum(axis=0),
        present,
        out=np.zeros((d, d)),
        where=present > 0,
    )
    either = np.clip(adjacency + adjacency.transpose(0, 2, 1), 0, 1)
    required = None if prior is None else np.asarray(prior.required, dtype=bool)
    precedence = None if prior is None else prior.precedence()
    return BootstrapResult(
        node_names=tuple(names),
        edge_frequency=freq,
        adjacency_frequency=either.mean(axis=0) if n_done else np.zeros((d, d)),
        mean_weight=mean_weight,
        consensus=consensus_dag(
            freq, threshold, required=required, precedence=precedence
        ),
        threshold=float(threshold),
        n_boot=n_boot,
        n_done=n_done,
        stopped=outcome.stopped,
        method=method,
        config=cfg,
        required=required,
        precedence=precedence,
        seed=seed,
        device=device,
        executor=outcome.executor,
        elapsed_s=elapsed_s,
        engine_version=engine.__version__,
        warnings=fit_warnings,
        unoriented_edges=unoriented,
    )
