"""LDS: learn a Bernoulli distribution over edges with a GCN, by hypergradients.

The bilevel problem (Franceschi et al. 2019): edge probabilities θ (one per node
pair i < j) are the outer variables; a two-layer GCN is trained on graphs sampled
from Ber(θ) (inner problem, Adam, a fresh sample per step); every ``tau`` inner
steps the validation loss is differentiated through those steps (truncated reverse
mode, straight-through for the discrete samples) and θ takes a projected SGD step.
GCN weights are re-initialised at each outer iteration; the outer loop stops early
on the accuracy of a held-out half of the validation nodes.

Cost: O(N²) memory (about ten N×N buffers, independent of ``tau``, see
:func:`~engine.graphs.task.estimate_memory`) and O(N²) time per inner step (the
uniform draw of a sample and its comparison with θ; sampled graphs are multiplied
as sparse matrices on the CPU while θ is sparse), plus one dense N×N product of
rank about 50·``tau`` per hypergradient, so this is for graphs up to a few
thousand nodes on the CPU. Measured on one CPU thread (2-core machine shared with
other jobs): a digits fit (1 797 nodes) takes about 4 CPU-minutes.

Conventions of this implementation (where the paper leaves a choice):

* θ is initialised to exactly the 0/1 upper triangle of the initial graph;
* the kNN initial graph is OR-symmetrised by default (``symmetrize="or"``);
* θ_ij receives ``g_ij + g_ji`` (the exact straight-through gradient of
  ``A = B + Bᵀ``);
* predictions average the class *probabilities* of ``n_samples`` sampled graphs;
* the early-stopping score is the accuracy on the ``es`` nodes, ties broken by the
  lower ``es`` cross-entropy.

References
----------
L. Franceschi, M. Niepert, M. Pontil, X. He, "Learning Discrete Structures for Graph
Neural Networks", ICML 2019, arXiv:1903.11960.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np
import torch

import engine
from engine.errors import (
    ConfigError,
    NumericalError,
    StoppedWarning,
    warn_user,
)
from engine.estimator import TwinEstimator
from engine.graphs.config import METHOD_LABELS, LdsConfig
from engine.graphs.gcn import gcn_forward, glorot_weights
from engine.graphs.hypergrad import (
    AdamState,
    BernoulliSampler,
    InnerProblem,
    hypergradient_reverse,
    hypergradient_unrolled,
    use_sparse,
)
from engine.graphs.knn import edges_from_adjacency
from engine.graphs.result import GraphResult, edge_homophily, validation_accuracies
from engine.graphs.splits import Split
from engine.graphs.task import (
    NodeTask,
    check_resources,
    inner_step_seconds,
    prepare_task,
)
from engine.runtime import ProgressCallback, Reporter, resolve_device, resolve_seed

__all__ = ["GraphStructureLearner", "learn_graph", "stop_seconds"]

logger = logging.getLogger(__name__)


@dataclass
class _Best:
    score: tuple[float, float] = (-1.0, -math.inf)
    theta: torch.Tensor | None = None
    probs: np.ndarray | None = None
    outer: int = -1


@dataclass
class _Tensors:
    problem: InnerProblem
    es: torch.Tensor
    test: torch.Tensor
    y_all: torch.Tensor
    same_class: torch.Tensor | None
    known_pair: torch.Tensor | None
    history: dict[str, list[float]] = field(default_factory=dict)


def learn_graph(
    X: Any,
    y: Any,
    *,
    split: Split | str | Mapping[str, Any] | None = None,
    graph: Any = None,
    seed: int | None = None,
    device: str | torch.device = "auto",
    progress: ProgressCallback | None = None,
    **options: Any,
) -> GraphResult:
    """Learn a graph for node classification with LDS (kNN-LDS without ``graph``).

    Parameters
    ----------
    X : ndarray, Tensor or DataFrame of shape (n_nodes, n_features)
        Node features; a DataFrame's index names the nodes (the levels of a
        MultiIndex label joined by ``"."``: ``("g1", "a")`` is node ``"g1.a"``),
        one name per row: an index that repeats a name is refused with a
        :class:`DataError`.
    y : array-like, Series or one-column DataFrame of shape (n_nodes,)
        Labels; ``NaN``/``None``/empty for unlabelled nodes. With a DataFrame
        ``X``, a pandas ``y`` is matched to the nodes by index label (reordered
        if needed) and refused with a :class:`DataError` if its index labels
        differ from ``X``'s; an array or list is matched by position (with an
        array ``X`` a pandas ``y`` too, refused if its index is shuffled). One
        label per node: a ``y`` of more than one dimension is refused. Every
        distinct value is a class: labels that look like a continuous
        measurement or an identifier (see
        :func:`engine.validation.class_label_warning`) get one
        :class:`~engine.errors.DataWarning`, kept in the result's ``warnings``.
    split : Split, str, mapping or None, default=None
        A :class:`Split`, a paper protocol (``"wine"``, ``"breast_cancer"``,
        ``"digits"``) or a mapping of boolean masks ``train``, ``val`` [, ``test``,
        ``es``]; another key is refused with a :class:`ConfigError`. ``None``
        draws a stratified split of the labelled nodes with the ``graph``
        command's default sizes (:data:`~engine.graphs.DEFAULT_SPLIT_SIZES`: 10
        to train, 20 to validate, the rest to test; fewer where the labels do
        not allow as many, see :func:`~engine.graphs.split_sizes_that_fit`),
        seeded by ``seed``. With a
        DataFrame ``X``, a pandas Series mask is matched by index label, as
        ``y``, and refused with a :class:`DataError` if its index labels differ.
    graph : None, ndarray of shape (n_nodes, n_nodes), edge array or DataFrame
        Initial graph (edge list of node names or 0-based indices); ``None``
        starts from the kNN graph (``k``, ``metric``).
    seed : int or None, default=None
        ``None`` draws one; it is recorded in the result.
    device : str or torch.device, default="auto"
    progress : callable, optional
        Receives a :class:`~engine.runtime.ProgressEvent` per outer iteration
        (metrics ``es_accuracy``, ``expected_edges``, ``val_loss``,
        ``val_accuracy`` on all validation nodes as the result's, and
        ``outer_val_accuracy`` on the half that moves the graph), and
        throttled ones from inside it (stage ``"inner"``, with the share of the
        whole fit done as ``fraction``); returning ``True`` (or
        :data:`engine.STOP`) stops the fit (any other return value is
        ignored), which returns its best state so far marked ``stopped`` and warns
        (:class:`~engine.errors.StoppedWarning`).
    **options
        Fields of :class:`LdsConfig` (``tau``, ``outer_lr``, ``k``, ...).

    Returns
    -------
    GraphResult

    Raises
    ------
    DataError, GraphError, ConfigError
        Bad input, named.
    ResourceError
        The graph is too large for the memory budget or the node limit.

    Warns
    -----
    DataWarning
        The split or the graph is probably not what was meant (also in
        ``result.warnings``).
    StoppedWarning
        The fit was stopped on request (``result.stopped``).

    Examples
    --------
    The paper's wine protocol (10 labelled nodes per class, about 10 s on one
    CPU core):

    >>> from sklearn.datasets import load_wine
    >>> data = load_wine()
    >>> result = learn_graph(data.data, data.target, split="wine", seed=0, device="cpu")
    >>> round(result.test_accuracy, 2)
    0.97
    """
    config = LdsConfig.from_options("learn_graph", options)
    return (
        GraphStructureLearner(config, seed=seed, device=device)
        .fit(X, y, split=split, graph=graph, progress=progress)
        .result_
    )


class GraphStructureLearner(TwinEstimator):
    """Estimator twin of :func:`learn_graph` with scikit-learn's contract.

    A scikit-learn estimator: ``clone``, ``check_is_fitted``, ``repr``, the
    notebook's HTML view, ``get_params`` / ``set_params`` and pickling work as
    for scikit-learn's own estimators.

    Parameters
    ----------
    config : LdsConfig, dict or None, default=None
        Hyperparameters: an :class:`LdsConfig`, or a dict of its fields (as
        ``learn_graph``'s options); ``None`` uses the defaults.
    seed : int or None, default=None
    device : str or torch.device, default="auto"
    progress : callable, optional
        Receives the fit's :class:`~engine.runtime.ProgressEvent` (see
        :func:`learn_graph`); ``fit(..., progress=...)`` overrides it for one
        fit.
    **options
        Fields of :class:`LdsConfig` (``tau=1``, ``max_outer_iter=5``, ...), as
        :func:`learn_graph` takes them; they override those of ``config``, and
        are parameters too (``get_params``, ``set_params``, attributes).

    Attributes
    ----------
    result_ : GraphResult
        Set by :meth:`fit`.
    n_features_in_ : int
        Columns of the ``X`` given to :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,), object
        Its column names, when ``X`` was a DataFrame with string labels.

    Examples
    --------
    >>> GraphStructureLearner(max_outer_iter=5, seed=0)
    GraphStructureLearner(max_outer_iter=5, seed=0)
    >>> GraphStructureLearner({"max_outer_iter": 5}, seed=0)
    GraphStructureLearner(config={'max_outer_iter': 5}, seed=0)
    """

    set_by: ClassVar[dict[str, str]] = {"result_": "call fit(X, y) first"}

    def __init__(
        self,
        config: LdsConfig | Mapping[str, Any] | None = None,
        *,
        seed: int | None = None,
        device: str | torch.device = "auto",
        progress: ProgressCallback | None = None,
        **options: Any,
    ) -> None:
        self.config = config
        self.seed = seed
        self.device = device
        self.progress = progress
        self._options = options

    @property
    def predictions_(self) -> np.ndarray:
        """Predicted class index per node."""
        return self.result_.predictions

    def _check_option_names(
        self, options: dict[str, Any], params: dict[str, Any]
    ) -> None:
        """Options must be fields of :class:`LdsConfig` (checked by name)."""
        known = {f.name for f in fields(LdsConfig)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ConfigError(
                f"GraphStructureLearner.set_params: unknown option(s) {unknown}; "
                f"valid options are {sorted(known)}, and the parameters "
                f"{sorted(self._get_param_names())}."
            )

    def _config(self) -> LdsConfig:
        """``config`` and the keyword options as one :class:`LdsConfig`.

        The keyword options override the fields of ``config``; a dict's keys and
        the options are checked by name.
        """
        owner = "GraphStructureLearner"
        if self.config is None:
            base: dict[str, Any] = {}
        elif isinstance(self.config, LdsConfig):
            if not self._options:
                return self.config
            base = {f.name: getattr(self.config, f.name) for f in fields(LdsConfig)}
        elif isinstance(self.config, Mapping):
            base = dict(self.config)
        else:
            raise ConfigError(
                f"{owner}: 'config' must be an LdsConfig, a dict of its "
                f"fields or None; got {type(self.config).__name__}."
            )
        return LdsConfig.from_options(owner, {**base, **self._options})

    def fit(
        self,
        X: Any,
        y: Any,
        *,
        split: Split | str | Mapping[str, Any] | None = None,
        graph: Any = None,
        progress: ProgressCallback | None = None,
    ) -> GraphStructureLearner:
        """Learn the graph and the GCN; store a :class:`GraphResult` in ``result_``.

        Parameters are those of :func:`learn_graph`; ``progress``, when given,
        replaces the ``progress`` parameter for this fit.

        Returns
        -------
        self
        """
        progress = self.progress if progress is None else progress
        start = time.perf_counter()
        config = self._config()
        seed = resolve_seed(self.seed, "learn_graph")
        device = resolve_device(self.device, "learn_graph")
        memory: list[int] = []

        def check_size(n_nodes: int) -> None:
            # refuse before the kNN graph or any other N×N array is built
            memory.append(check_resources(n_nodes, config, device, "learn_graph"))

        task = prepare_task(
            X, y, split, graph, config, seed=seed, check_size=check_size
        )
        timings = {"prepare": time.perf_counter() - start}
        result = run_lds(task, config, seed, device, progress, memory[0], timings)
        if config.baselines and not result.stopped:
            from engine.graphs.baselines import run_baselines

            t0 = time.perf_counter()
            scores = run_baselines(
                task, config.baselines, seed=seed, device=device, progress=progress
            )
            timings["baselines"] = time.perf_counter() - t0
            object.__setattr__(result, "baselines", scores)
        skipped = [b for b in config.baselines if b not in result.baselines]
        if skipped:  # a stop request came before or between them
            names = ", ".join(METHOD_LABELS.get(b, b) for b in skipped)
            note = f"Baselines not run after the stop request: {names}."
            object.__setattr__(result, "stopped", True)
            object.__setattr__(result, "warnings", (*result.warnings, note))
        timings["total"] = time.perf_counter() - start
        object.__setattr__(result, "timings", timings)
        if result.stopped:
            warn_user(
                f"learn_graph: stopped on request after {result.n_outer_iter} "
                "outer iteration(s); the result holds the best state so far.",
                StoppedWarning,
            )
        self.result_ = result
        self._record_input(X)
        return self


# --- the outer loop ---


def run_lds(
    task: NodeTask,
    config: LdsConfig,
    seed: int,
    device: torch.device,
    progress: ProgressCallback | None,
    memory: int,
    timings: dict[str, float],
) -> GraphResult:
    """Run LDS on a prepared task (see :func:`learn_graph`)."""
    dtype = torch.float64 if config.dtype == "float64" else torch.float32
    rng = np.random.default_rng(seed)
    init_gen = torch.Generator(device=device)
    init_gen.manual_seed(int(rng.integers(2**62)))
    tensors = _tensors(task, config, device, dtype)
    sampler = BernoulliSampler(config.n_hidden, config.dropout, device, dtype)
    theta = torch.triu(torch.as_tensor(task.graph, device=device, dtype=dtype), 1)
    lam = _initial_lambda(config, device, dtype)
    reporter = Reporter(progress, "graphs.fit", config.max_outer_iter)
    best, left, hyper_steps = _Best(), config.patience, 0
    t0 = time.perf_counter()
    n_outer = 0
    for outer in range(config.max_outer_iter):
        weights = glorot_weights(
            task.X.shape[1],
            config.n_hidden,
            task.n_classes,
            init_gen,
            device=device,
            dtype=dtype,
        )
        state = AdamState.fresh(weights)
        theta, lam, state, hyper_steps, inner = _inner_run(
            tensors,
            config,
            theta,
            lam,
            state,
            sampler,
            rng,
            hyper_steps,
            _inner_reporter(reporter, config, outer),
        )
        probs = _predict(state.w, tensors.problem.X, theta, sampler, rng, config)
        score = _record(tensors, config, outer, probs, theta, lam, inner, t0)
        n_outer = outer + 1
        if score > best.score:
            best = _Best(score, theta.clone(), probs, outer)
            left = config.patience
        else:
            left -= 1
        metrics = _progress_metrics(tensors.history)
        if reporter("outer", n_outer, metrics=metrics) or left <= 0:
            break
    timings["fit"] = time.perf_counter() - t0
    return _build_result(
        task, config, tensors, best, n_outer, reporter, seed, device, memory, timings
    )


def _progress_metrics(history: dict[str, list[float]]) -> dict[str, float]:
    """The figures of an outer progress event: the history's last row, renamed.

    ``val_accuracy`` is on all validation nodes (both halves), as the result's
    ``val_accuracy`` and every baseline's; the history's ``val_accuracy`` (the
    half that moves the graph) is sent as ``outer_val_accuracy``.
    """
    last = {k: v[-1] for k, v in history.items() if k != "outer_iter"}
    last["outer_val_accuracy"] = last.pop("val_accuracy")
    last["val_accuracy"] = last.pop("all_val_accuracy")
    return last


# Least seconds between two progress events from inside an outer iteration.
INNER_REPORT_S = 0.5


def stop_seconds(n_nodes: int, config: LdsConfig) -> float:
    """Expected seconds of computing before a fit sees a stop request.

    A stop request is asked for at most every :data:`INNER_REPORT_S` seconds,
    between hypergradient steps of ``tau`` inner steps each
    (:func:`~engine.graphs.task.inner_step_seconds`, one CPU core).

    Parameters
    ----------
    n_nodes : int
    config : LdsConfig

    Returns
    -------
    float
    """
    return INNER_REPORT_S + config.tau * inner_step_seconds(n_nodes)


def _inner_reporter(
    reporter: Reporter, config: LdsConfig, outer: int
) -> Callable[[int, float], bool]:
    """Progress from inside outer iteration ``outer``, throttled; True to stop.

    Events have stage ``"inner"``, the inner step as ``step`` out of
    ``inner_max_steps``, the outer iteration in ``message`` and, as
    ``fraction``, the share of the planned fit done (``max_outer_iter`` outer
    iterations of ``inner_max_steps`` steps each), which grows over the whole
    fit where ``step / total`` starts again at every outer iteration; a stop
    request is seen within :data:`INNER_REPORT_S` seconds plus one θ step.
    """
    last = time.perf_counter()

    def report(steps: int, loss: float) -> bool:
        nonlocal last
        now = time.perf_counter()
        if now - last < INNER_REPORT_S:
            return reporter.stop_requested
        last = now
        return reporter(
            "inner",
            steps,
            metrics={"inner_loss": loss},
            total=config.inner_max_steps,
            message=f"outer iteration {outer + 1} of at most {config.max_outer_iter}",
            fraction=(outer + steps / config.inner_max_steps) / config.max_outer_iter,
        )

    return report


def _tensors(
    task: NodeTask, config: LdsConfig, device: torch.device, dtype: torch.dtype
) -> _Tensors:
    def idx(a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.array(a), dtype=torch.long, device=device)

    y = torch.as_tensor(np.clip(task.labels, 0, None), dtype=torch.long, device=device)
    problem = InnerProblem(
        X=torch.as_tensor(task.X, dtype=dtype, device=device),
        y=y,
        train=idx(task.split.train),
        val=idx(task.split.val),
        weight_decay=config.weight_decay,
        lr_bounds=tuple(config.inner_lr_bounds) if config.learn_inner_lr else None,
    )
    labels = torch.as_tensor(task.labels, device=device)
    known = labels >= 0
    known_pair = torch.triu(known[:, None] & known[None, :], 1)
    same = known_pair & (labels[:, None] == labels[None, :])
    return _Tensors(
        problem, idx(task.split.es), idx(task.split.test), y, same, known_pair
    )


def _initial_lambda(
    config: LdsConfig, device: torch.device, dtype: torch.dtype
) -> torch.Tensor:
    if not config.learn_inner_lr:
        return torch.tensor(config.inner_lr, device=device, dtype=dtype)
    low, high = config.inner_lr_bounds
    frac = (config.inner_lr - low) / (high - low)
    return torch.tensor(math.log(frac / (1 - frac)), device=device, dtype=dtype)


def _inner_run(
    tensors: _Tensors,
    config: LdsConfig,
    theta: torch.Tensor,
    lam: torch.Tensor,
    state: AdamState,
    sampler: BernoulliSampler,
    rng: np.random.Generator,
    hyper_steps: int,
    should_stop: Callable[[int, float], bool] | None = None,
) -> tuple[torch.Tensor, torch.Tensor, AdamState, int, dict[str, float]]:
    """Inner training of one outer iteration, with a θ step every ``tau`` steps.

    ``should_stop(steps, loss)``, asked after every θ step, ends the iteration
    early when it returns True (a stop request: on large graphs one outer
    iteration takes minutes).
    """
    hypergradient = (
        hypergradient_reverse
        if config.hypergradient == "reverse"
        else hypergradient_unrolled
    )
    best_loss, stall, steps, last_loss = math.inf, 0, 0, math.nan
    while steps < config.inner_max_steps:
        tau = min(config.tau, config.inner_max_steps - steps)
        seeds = rng.integers(2**62, size=tau + 1).tolist()
        g_theta, g_lam, state, losses = hypergradient(
            tensors.problem,
            theta,
            lam,
            state,
            seeds[:-1],
            seeds[-1],
            sampler,
            learn_lr=config.learn_inner_lr,
        )
        eta = config.outer_lr / (1.0 + config.outer_lr_decay * hyper_steps)
        hyper_steps += 1
        # g_theta is zero outside the strict upper triangle, so is theta: the
        # projection onto [0, 1] is a clamp (in place: no N×N temporaries)
        theta.add_(g_theta, alpha=-eta).clamp_(0.0, 1.0)
        del g_theta
        if g_lam is not None:
            lam = lam - eta * g_lam
        _check_finite(theta, lam, hyper_steps, config)
        steps += tau
        for loss in losses:
            if loss < best_loss * (1.0 - config.inner_tol):
                best_loss, stall = loss, 0
            else:
                stall += 1
        last_loss = losses[-1]
        if stall >= config.inner_patience:
            break
        if should_stop is not None and should_stop(steps, last_loss):
            break
    lr = float(tensors.problem.learning_rate(lam))
    return theta, lam, state, hyper_steps, {"steps": steps, "loss": last_loss, "lr": lr}


def _check_finite(
    theta: torch.Tensor, lam: torch.Tensor, step: int, config: LdsConfig
) -> None:
    """Stop the fit when θ or the inner learning rate's parameter is not finite.

    A NaN θ (from an overflowing step) samples empty graphs: the fit went on and
    returned NaN edge probabilities and chance accuracy without a word.

    Parameters
    ----------
    theta : Tensor of shape (n_nodes, n_nodes)
        Edge probabilities after the projected step.
    lam : Tensor of shape ()
        The inner learning rate's (logit) parameter.
    step : int
        Hypergradient steps taken, for the message.
    config : LdsConfig

    Raises
    ------
    NumericalError
        Naming the step, the outer and inner learning rates and what to change.
    """
    if bool(torch.isnan(theta).any()) or not bool(torch.isfinite(lam).all()):
        what = "edge probabilities" if torch.isnan(theta).any() else "inner step size"
        raise NumericalError(
            f"learn_graph: the {what} became NaN or infinite at hypergradient step "
            f"{step} (outer_lr={config.outer_lr!r}, inner_lr={config.inner_lr!r}); "
            "the result would be meaningless, so the fit stops. Lower 'outer_lr' "
            "(default 1.0) or 'inner_lr', or use dtype='float64'."
        )


@torch.no_grad()
def _predict(
    weights: list[torch.Tensor],
    X: torch.Tensor,
    theta: torch.Tensor,
    sampler: BernoulliSampler,
    rng: np.random.Generator,
    config: LdsConfig,
) -> np.ndarray:
    """Class probabilities averaged over ``n_samples`` graphs, (n_nodes, n_classes)."""
    total = None
    sparse = use_sparse(theta)
    for seed in rng.integers(2**62, size=config.n_samples).tolist():
        A = sampler.graph_only(theta, seed, sparse=sparse)
        p = torch.softmax(gcn_forward(weights, X, A), dim=1)
        total = p if total is None else total + p
        del A
    return (total / config.n_samples).double().cpu().numpy()


def _record(
    tensors: _Tensors,
    config: LdsConfig,
    outer: int,
    probs: np.ndarray,
    theta: torch.Tensor,
    lam: torch.Tensor,
    inner: dict[str, float],
    t0: float,
) -> tuple[float, float]:
    """Append one outer iteration to the history; return its selection score."""
    y = tensors.y_all.cpu().numpy()
    es = tensors.es.cpu().numpy()
    val = tensors.problem.val.cpu().numpy()
    eps = 1e-12
    es_acc = float((probs[es].argmax(1) == y[es]).mean())
    es_loss = float(-np.log(probs[es, y[es]] + eps).mean())
    val_acc = float((probs[val].argmax(1) == y[val]).mean())
    val_loss = float(-np.log(probs[val, y[val]] + eps).mean())
    both = np.concatenate([val, es])
    all_val_acc = float((probs[both].argmax(1) == y[both]).mean())
    same = float(theta[tensors.same_class].mean()) if tensors.same_class.any() else 0.0
    diff_mask = tensors.known_pair & ~tensors.same_class
    diff = float(theta[diff_mask].mean()) if diff_mask.any() else 0.0
    row = {
        "outer_iter": outer,
        "es_accuracy": es_acc,
        "es_loss": es_loss,
        "val_accuracy": val_acc,
        "val_loss": val_loss,
        "all_val_accuracy": all_val_acc,
        "train_loss": inner["loss"],
        "inner_steps": inner["steps"],
        "inner_lr": inner["lr"],
        "expected_edges": float(theta.sum()),
        "same_class_prob": same,
        "diff_class_prob": diff,
        "elapsed_s": time.perf_counter() - t0,
    }
    for key, value in row.items():
        tensors.history.setdefault(key, []).append(float(value))
    logger.info("LDS outer %d: es_acc %.3f es_loss %.3f", outer, es_acc, es_loss)
    return (es_acc, -es_loss)


def _build_result(
    task: NodeTask,
    config: LdsConfig,
    tensors: _Tensors,
    best: _Best,
    n_outer: int,
    reporter: Reporter,
    seed: int,
    device: torch.device,
    memory: int,
    timings: dict[str, float],
) -> GraphResult:
    theta = best.theta.double().cpu().numpy()
    probs = best.probs
    pred = probs.argmax(axis=1).astype(np.int64)
    labels = task.labels
    test = task.split.test[labels[task.split.test] >= 0]
    test_acc = float((pred[test] == labels[test]).mean()) if test.size else math.nan
    es_acc, val_acc = validation_accuracies(pred, labels, task.split)
    edges, weights, tie = _top_edges(theta, config.n_top_edges or 20 * task.n_nodes)
    all_rows, all_cols = np.nonzero(theta > 0)
    initial = edges_from_adjacency(task.graph)
    matrix = None
    if config.return_matrix:
        matrix = (theta + theta.T).astype(np.float32)
    warnings = list(task.notes)
    if reporter.stop_requested:
        warnings.append("The fit was stopped on request; the result is partial.")
    if tie is not None:
        warnings.append(tie)
    return GraphResult(
        method="lds",
        test_accuracy=test_acc,
        val_accuracy=val_acc,
        es_accuracy=es_acc,
        predictions=pred,
        probabilities=probs,
        labels=labels,
        classes=task.classes,
        node_names=task.node_names,
        split=task.split.codes(),
        edges=edges,
        edge_probabilities=weights,
        initial_edges=initial,
        expected_edges=float(theta.sum()),
        homophily_learned=edge_homophily(
            np.stack([all_rows, all_cols], 1), labels, theta[all_rows, all_cols]
        ),
        homophily_initial=edge_homophily(initial, labels),
        history={k: np.asarray(v) for k, v in tensors.history.items()},
        best_iter=best.outer,
        n_outer_iter=n_outer,
        stopped=reporter.stop_requested,
        seed=seed,
        device=str(device),
        config={**config.to_dict(), "graph_source": task.graph_source},
        engine_version=engine.__version__,
        probability_matrix=matrix,
        timings=timings,
        memory_estimate_bytes=memory,
        warnings=tuple(warnings),
    )


def _top_edges(
    theta: np.ndarray, n_top: int
) -> tuple[np.ndarray, np.ndarray, str | None]:
    """The ``n_top`` largest θ_ij > 0, strongest first, and a note on a tied cut.

    Ties are broken by the node pair: among equal θ, the pair ``(i, j)`` with the
    lower ``i``, then the lower ``j``, comes first (so, when the cut falls inside
    a tie, the kept ones are those of the lowest node indices).

    Parameters
    ----------
    theta : ndarray of shape (n_nodes, n_nodes)
        Edge probabilities, non-zero in the strict upper triangle only.
    n_top : int
        Edges kept at most.

    Returns
    -------
    edges : ndarray of shape (n_kept, 2), int64
        Node pairs ``i < j``.
    weights : ndarray of shape (n_kept,), float64
        Their θ.
    note : str or None
        How many edges tie at the cut-off θ and how many of them were kept, when
        the cut leaves some of them out; ``None`` otherwise.
    """
    rows, cols = np.nonzero(theta > 0)
    values = theta[rows, cols]
    order = np.lexsort((cols, rows, -values))
    kept = order[:n_top]
    edges = np.stack([rows[kept], cols[kept]], axis=1).astype(np.int64)
    weights = values[kept].astype(np.float64)
    return edges, weights, _tie_note(values, weights, len(values))


def _tie_note(values: np.ndarray, kept: np.ndarray, n_positive: int) -> str | None:
    """Words on the edges that tie at the cut-off θ, when the cut splits them.

    ``values`` (n_positive,) are all θ > 0, ``kept`` (n_kept,) the kept ones,
    strongest first.
    """
    if len(kept) == 0 or len(kept) == n_positive:
        return None
    cut = kept[-1]
    tied = int((values == cut).sum())
    kept_tied = int((kept == cut).sum())
    if kept_tied == tied:
        return None
    return (
        f"The edge list keeps the {len(kept)} strongest of the {n_positive} node "
        f"pairs with θ > 0; {tied} pairs tie at the cut-off θ = {cut:.6g} and "
        f"{kept_tied} of them are kept: among equal θ, the lower node index pair "
        "(i, j) comes first (an arbitrary but fixed rule)."
    )
