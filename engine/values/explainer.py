"""``explain`` and :class:`DistributionalExplainer`: values of a classifier.

References
----------
L. Franceschi, M. Donini, C. Archambeau, M. Seeger. Explaining Probabilistic Models
with Distributional Values. ICML 2024.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone

from engine.errors import (
    ConfigError,
    DataError,
    NotFittedError,
    ResourceError,
    StoppedWarning,
    UnsupportedError,
    check_choice,
    format_names,
    plain,
    plain_number,
    warn_user,
)
from engine.estimator import TwinEstimator
from engine.executor import check_executor_options
from engine.names import name_position
from engine.runtime import (
    ProgressCallback,
    Reporter,
    make_generators,
    resolve_device,
    resolve_seed,
)
from engine.validation import as_matrix
from engine.values.games import (
    DEFAULT_MEMORY_BUDGET,
    CoalitionGame,
    Estimate,
    coalition_values,
    exact_values,
    permutation_values,
)
from engine.values.models import (
    ProbabilityModel,
    as_probability_model,
    check_feature_names,
)
from engine.values.operators import Operator, RandomOrder, Semivalue, resolve_operator
from engine.values.result import DistributionalValues
from engine.values.tables import TableEncoding, TableModel, encode_table, text_columns

__all__ = [
    "EXACT_HARD_LIMIT",
    "EXACT_MAX_MODEL_ROWS",
    "EXACT_MAX_PLAYERS",
    "MIN_STDERR_SAMPLES",
    "STDERR_NOTE_START",
    "DistributionalExplainer",
    "choose_estimator",
    "estimator_conflict",
    "explain",
    "explain_model_spec",
    "stderr_note",
]

# estimator="auto" enumerates exactly when M <= EXACT_MAX_PLAYERS and
# 2 ** M * n_background <= EXACT_MAX_MODEL_ROWS (model rows per explained row).
EXACT_MAX_PLAYERS = 16
EXACT_MAX_MODEL_ROWS = 2**21
# estimator="exact" refuses more players than this (2 ** 20 coalitions per row).
EXACT_HARD_LIMIT = 20
DEFAULT_SAMPLES = {"permutation": 20, "coalition": 32}
# Fewer independent samples than this behind the standard errors: result.notes
# says they are unreliable (the Student t quantile of 9 degrees of freedom is
# 2.26, not 1.96; the band covered 80% at 4 antithetic pairs, see the docs).
MIN_STDERR_SAMPLES = 10
STDERR_NOTE_START = "the standard errors rest on"
MAX_BACKGROUND = 100
# rows per job of explain(executor=...)
CHUNK_ROWS = 64
ESTIMATORS = ("auto", "exact", "permutation", "coalition")
REMOVALS = ("auto", "background", "mean", "median", "zeros")

Estimator = Literal["auto", "exact", "permutation", "coalition"]

logger = logging.getLogger(__name__)


def choose_estimator(operator: Operator, n_players: int, n_background: int) -> str:
    """The estimator ``estimator="auto"`` picks.

    Exact when ``n_players <= EXACT_MAX_PLAYERS`` (16) and
    ``2 ** n_players * n_background <= EXACT_MAX_MODEL_ROWS`` (2 ** 21), or when the
    operator is a random-order value with a finite ordering list and no sampler;
    a random-order value with a sampler is always sampled; otherwise permutation
    sampling for orderings (Shapley, random-order) and
    coalition sampling for the other semivalues.
    """
    if isinstance(operator, RandomOrder):
        return "exact" if operator.sampler is None else "permutation"
    small = n_players <= EXACT_MAX_PLAYERS
    if n_players == 1 or (
        small and 2**n_players * n_background <= EXACT_MAX_MODEL_ROWS
    ):
        return "exact"
    return "permutation" if operator.sampled_by_orderings(n_players) else "coalition"


def _resolve_players(
    players: Any, columns: list[str]
) -> tuple[list[str], list[list[int]]]:
    """Player names and the column indices each owns."""
    if players is None:
        return list(columns), [[j] for j in range(len(columns))]
    if isinstance(players, Mapping):
        items = [(str(k), v) for k, v in players.items()]
    elif isinstance(players, Sequence) and not isinstance(players, str):
        # a group's name is made from its columns once they are checked
        items = [(None, g) for g in players]
    else:
        raise ConfigError(
            "explain: 'players' must be None, a list of column groups or a dict "
            f"name -> columns; got {type(players).__name__}."
        )
    if not items:
        raise ConfigError(
            "explain: 'players' is empty; give at least one column group, or "
            "players=None for one player per column."
        )
    names, groups, seen = [], [], set()
    for given, members in items:
        members = [members] if isinstance(members, str | int | np.integer) else members
        name = given if given is not None else f"group {plain(list(members))!r}"
        idx = [
            name_position(
                c,
                columns,
                owner=f"explain: player {name!r}",
                what="column",
                field="X's columns",
            )
            for c in members
        ]
        if not idx or seen.intersection(idx):
            raise ConfigError(
                f"explain: player {name!r} must own at least one column and share none "
                "with another player."
            )
        seen.update(idx)
        names.append(given if given is not None else "+".join(columns[j] for j in idx))
        groups.append(idx)
    if len(set(names)) != len(names):
        raise ConfigError("explain: player names must be unique.")
    return names, groups


def _background_rows(
    background: Any,
    X: np.ndarray,
    columns: list[str],
    removal: str | np.ndarray,
    max_background: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, str, int]:
    """Rows removed features take their values from, removal used, rows given.

    A background of more than ``max_background`` rows is subsampled without
    replacement (see :func:`_subsample_note`).
    """
    d = X.shape[1]
    if not isinstance(removal, str):
        base = np.asarray(removal, dtype=np.float64).reshape(-1)
        if base.shape != (d,) or not np.all(np.isfinite(base)):
            raise DataError(
                f"explain: a baseline row must hold {d} finite numbers; got shape "
                f"{base.shape}."
            )
        return base[None, :], "baseline", 1
    check_choice("explain", "removal", removal, REMOVALS)
    if removal == "zeros":
        return np.zeros((1, d)), "zeros", 1
    if background is None:
        if X.shape[0] < 2:
            raise DataError(
                "explain: pass 'background' rows (e.g. the training data) or "
                "removal='zeros' / a baseline row; a single explained row cannot "
                "serve as its own reference."
            )
        Z = X
    else:
        names = columns if isinstance(background, pd.DataFrame) else None
        if isinstance(background, pd.DataFrame):
            background = _select_columns(background, columns)
        Z, _ = as_matrix(
            background, "explain", names=names, min_rows=1, name="background"
        )
        if Z.shape[1] != d:
            raise DataError(f"explain: background has {Z.shape[1]} columns, X has {d}.")
    n_given = len(Z)
    if removal == "mean":
        return Z.mean(axis=0, keepdims=True), "mean", n_given
    if removal == "median":
        return np.median(Z, axis=0, keepdims=True), "median", n_given
    if removal == "auto" and background is None:
        return Z.mean(axis=0, keepdims=True), "mean", n_given
    if n_given > max_background:
        Z = Z[np.sort(rng.choice(n_given, size=max_background, replace=False))]
    return Z, "background", n_given


def _subsample_note(n_given: int, n_used: int, seed: int) -> str | None:
    """The sentence telling that the background was subsampled, or ``None``."""
    if n_used >= n_given:
        return None
    return (
        f"the background has {n_given} rows; a random {n_used} of them (drawn with "
        f"seed {seed}) are averaged over. Pass max_background={n_given} to use "
        "them all (time and memory grow with the number of background rows)"
    )


def stderr_note(
    operator: Operator, estimator: str, n_samples: np.ndarray, *, stopped: bool
) -> str | None:
    """The sentence saying the standard errors are unreliable, or ``None``.

    Parameters
    ----------
    operator : Operator
    estimator : str
        The estimator used; ``"exact"`` has no standard errors.
    n_samples : ndarray of shape (R,), int
        Orderings or coalitions per player used per row (``result.n_samples``).
    stopped : bool
        Whether the run was stopped (rows then may have fewer samples).

    Returns
    -------
    str or None
        A note when the fewest independent samples of any row (antithetic pairs
        for the permutation estimator of semivalues, orderings of a random-order
        value, coalitions per player) are fewer than ``MIN_STDERR_SAMPLES``.
    """
    if estimator == "exact" or len(n_samples) == 0:
        return None
    pairs = estimator == "permutation" and not isinstance(operator, RandomOrder)
    per = 2 if pairs else 1
    units = int(np.min(n_samples)) // per
    if units >= MIN_STDERR_SAMPLES:
        return None
    what = {True: "antithetic pairs of orderings", False: "orderings"}[pairs]
    what = what if estimator == "permutation" else "coalitions per player"
    how = "let the run finish" if stopped else "raise n_samples"
    return (
        f"{STDERR_NOTE_START} {units} {what} per row, fewer than "
        f"{MIN_STDERR_SAMPLES}: they are unreliable (a +-1.96 stderr band covers "
        "the exact value much less often than 95%, and a standard error can be 0 "
        f"while the estimate is off); {how} (n_samples >= "
        f"{MIN_STDERR_SAMPLES * per})"
    )


def _select_columns(background: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns of a background table named ``columns``, in that order.

    Names are compared as text, as :func:`~engine.validation.as_matrix` gives them
    (a column named ``0`` is ``"0"``).
    """
    labels = [str(c) for c in background.columns]
    counts = Counter(labels)
    missing = [c for c in columns if c not in counts]
    if missing:
        raise DataError(
            f"explain: background lacks column(s) {format_names(missing)} of X."
        )
    repeated = [c for c in columns if counts[c] > 1]
    if repeated:
        raise DataError(
            f"explain: 'background' has duplicated column names "
            f"{format_names(repeated, 5)}; every column needs its own name; rename "
            "the repeats (or drop them) and try again."
        )
    position = {label: j for j, label in enumerate(labels)}
    return background.iloc[:, [position[c] for c in columns]]


def _implicit_names(model: Any, background: Any, d: int) -> list[str] | None:
    """Column names for an ``X`` without any (ndarray, tensor, list of rows).

    The model's ``feature_names_in_`` when it has ``d`` of them, else the columns of
    a background DataFrame, else ``None`` (``x0, x1, ...``).
    """
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is not None and len(fitted) == d:
        return [str(c) for c in fitted]
    if not isinstance(background, pd.DataFrame):
        return None
    if background.shape[1] != d:
        raise DataError(
            f"explain: X has {d} unnamed columns and the background DataFrame has "
            f"{background.shape[1]} ({format_names(background.columns)}); give X "
            "as a DataFrame with named columns, or a background with X's columns "
            "in X's order."
        )
    return [str(c) for c in background.columns]


# results store row labels as int64 (ResultBase arrays, the JSON format)
_INT64 = np.iinfo(np.int64)
_INT64_RANGE = f"{_INT64.min} .. {_INT64.max}"


def _as_ints(values: Sequence[Any]) -> list[int] | None:
    """``values`` as Python ints, or ``None`` when one is no integer.

    Python and NumPy integers are integers; a bool, a float (however whole) or
    text is not. Converting one value at a time keeps labels beyond 2**53
    exact, where NumPy would read a list mixing 2**63 and 5 as float64.
    """
    ints = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            return None
        ints.append(int(value))
    return ints


def _beyond_int64(labels: list[int]) -> list[int]:
    """The labels that int64, the type results store row labels in, cannot hold."""
    return [v for v in labels if not _INT64.min <= v <= _INT64.max]


def _check_row_labels(row_labels: Any, n_rows: int) -> np.ndarray:
    """``row_labels`` as int64 labels, one per explained row (default 0 .. n - 1).

    Raises
    ------
    ConfigError
        Not one integer per row, an integer int64 cannot hold, or a repeat.
    """
    if row_labels is None:
        return np.arange(n_rows, dtype=np.int64)
    labels = np.asarray(row_labels, dtype=object)
    if labels.ndim != 1 or len(labels) != n_rows:
        got = f"{len(labels)} label(s)" if labels.ndim == 1 else f"{row_labels!r}"
        raise ConfigError(
            f"explain: 'row_labels' must be a sequence of one label per explained "
            f"row ({n_rows}); got {got}. Pass None for 0 .. {n_rows - 1}."
        )
    values = labels.tolist()
    ints = _as_ints(values)
    if ints is None:
        kinds = sorted({type(v).__name__ for v in values if _as_ints([v]) is None})
        raise ConfigError(
            "explain: 'row_labels' must be integers (e.g. the rows' positions or a "
            f"table's integer index); got {format_names(values, 5)} (of type "
            f"{', '.join(kinds)}). Keep the names in a list of your own and pass "
            "their positions."
        )
    too_large = _beyond_int64(ints)
    if too_large:
        raise ConfigError(
            f"explain: 'row_labels' {format_names(too_large, 5)} are too large for "
            f"int64 ({_INT64_RANGE}), the type results store row labels in. Pass "
            "smaller integers, e.g. the rows' positions (None: 0 .. "
            f"{n_rows - 1}), and keep your own labels in a list."
        )
    _refuse_repeats(ints, "'row_labels' repeats", "Give one distinct integer per row.")
    return np.array(ints, dtype=np.int64)


def _refuse_repeats(labels: list[int], what: str, advice: str) -> None:
    """Raise a ConfigError naming the labels that occur more than once."""
    repeated = sorted(v for v, k in Counter(labels).items() if k > 1)
    if repeated:
        raise ConfigError(
            f"explain: {what} {format_names(repeated, 10)}; results take rows by "
            "label (contrast(row, ...), the figures), so each must be unique. "
            f"{advice}"
        )


def _index_labels(X: Any) -> tuple[list[int] | None, str | None]:
    """Row labels from a DataFrame ``X``'s integer index, or a note saying why not.

    Returns ``(labels, None)`` for an index of integers that int64 holds (any
    dtype: int64, uint64, object), ``(None, note)`` for any other index (the
    rows are then numbered ``0 .. n - 1``) and ``(None, None)`` for an ``X``
    that is no DataFrame.

    Raises
    ------
    ConfigError
        The integer index repeats a label.
    """
    if not isinstance(X, pd.DataFrame):
        return None, None
    index = X.index
    values = index.tolist()
    ints = None if isinstance(index, pd.MultiIndex) else _as_ints(values)
    renumbered = (
        f"so result.rows numbers the rows 0 .. {len(index) - 1}; pass row_labels= "
        "to keep integer labels of your own"
    )
    if ints is None:
        shown = format_names([plain(v) for v in values], 5)
        return None, (
            f"X's index is not of integers ({shown}, dtype {index.dtype}), {renumbered}"
        )
    too_large = _beyond_int64(ints)
    if too_large:
        return None, (
            f"X's index holds labels too large for int64 "
            f"({format_names(too_large, 5)}, dtype {index.dtype}; int64, the type "
            f"results store row labels in, holds {_INT64_RANGE}), {renumbered}"
        )
    _refuse_repeats(
        ints,
        "X's index repeats the labels",
        "Pass X.reset_index(drop=True) to number the rows 0 .. n - 1, or "
        "row_labels= with one distinct integer per row.",
    )
    return ints, None


def _positive_int(name: str, value: Any, hint: str = "") -> int:
    """An option of :func:`explain` that is a positive integer, as a plain ``int``.

    Python and NumPy integers are accepted, floats and booleans are not (the
    rule of :func:`engine.errors.plain_number`).

    Parameters
    ----------
    name : str
        The option, named in the message.
    value : object
        The value received.
    hint : str, default=""
        Words after "a positive integer" in the message, e.g. ``" (bytes)"``.

    Returns
    -------
    int

    Raises
    ------
    ConfigError
        ``value`` is no integer ``>= 1``.
    """
    number = plain_number(value, integer=True)
    if number is None or number < 1:
        raise ConfigError(
            f"explain: '{name}' must be a positive integer{hint}; got {plain(value)!r}."
        )
    return int(number)


def _check_max_background(value: Any) -> int:
    """``max_background`` as a positive ``int``."""
    hint = f" (the most background rows averaged over, default {MAX_BACKGROUND})"
    return _positive_int("max_background", value, hint)


def _check_memory_budget(value: Any) -> int:
    """``memory_budget`` as a positive ``int`` of bytes.

    Integers (Python or NumPy) and whole floats (``1e9``, which reads well for
    bytes) are accepted; fractions, NaN, text such as ``"256MB"`` and booleans
    are not.
    """
    number = plain_number(value)
    if isinstance(number, float) and math.isfinite(number) and number.is_integer():
        number = int(number)
    if not isinstance(number, int) or number < 1:
        raise ConfigError(
            "explain: 'memory_budget' must be a positive whole number of bytes "
            f"(e.g. 2**28 for 256 MiB, the default); got {plain(value)!r}."
        )
    return number


def _check_executor_options(
    executor: Any, chunk_rows: Any, n_workers: Any, address: Any
) -> tuple[int, int | None]:
    """``chunk_rows`` and ``n_workers`` checked (plain ints); options that do
    nothing with ``executor`` are refused."""
    chunk_rows = _positive_int("chunk_rows", chunk_rows)
    n_workers = check_executor_options(
        "explain", executor, n_workers=n_workers, address=address
    )
    if executor is None and chunk_rows != CHUNK_ROWS:
        raise ConfigError(
            f"explain: chunk_rows={chunk_rows!r} does nothing with executor=None "
            "(without an executor all rows are explained in one batch in this "
            "process); set executor='serial', 'processes' or 'ray' to explain "
            f"chunks of rows as jobs, or leave 'chunk_rows' at its default "
            f"{CHUNK_ROWS}."
        )
    return chunk_rows, n_workers


def _predict(
    model: ProbabilityModel, X: torch.Tensor, memory_budget: int
) -> torch.Tensor:
    """Class probabilities of the rows of ``X`` (n, D) -> (n, K), in chunks."""
    per_row = 8 * (X.shape[1] + model.n_classes + model.hidden_width) * 6
    step = max(1, memory_budget // per_row)
    return torch.cat([model(X[s : s + step]) for s in range(0, len(X), step)])


def _class_keep(
    probs: torch.Tensor, top_k: int | None, names: list[str]
) -> tuple[torch.Tensor | None, list[str]]:
    k = probs.shape[1]
    if top_k is None or _check_top_k(top_k) >= k:
        return None, names
    # classes ranked by their largest probability over the explained rows
    keep = torch.argsort(probs.max(dim=0).values, descending=True)[:top_k]
    keep = torch.sort(keep).values
    return keep, [names[int(j)] for j in keep] + ["other"]


def _pooled_prediction(
    probs: torch.Tensor, keep: torch.Tensor | None
) -> torch.Tensor | None:
    """The model's predicted class of each row as an index of the kept classes.

    With classes pooled the pooled 'other' often outweighs every kept class (57
    classes of 1-2 % each against a top class of 10 %), but the class the model
    predicts is its own argmax over all classes: its index among ``keep``, or
    the 'other' index ``len(keep)`` when that class was pooled. ``None`` when
    nothing is pooled. ``probs`` has shape (n, K), ``keep`` shape (k,).
    """
    if keep is None:
        return None
    full = probs.argmax(dim=1).cpu()
    where = torch.full((probs.shape[1],), len(keep), dtype=torch.long)
    where[keep.cpu()] = torch.arange(len(keep))
    return where[full]


@dataclasses.dataclass(frozen=True)
class _Config:
    operator: str | Operator
    estimator: str
    n_samples: int | None
    players: Any
    removal: Any
    top_k: int | None
    memory_budget: int
    max_background: int


def _check_samples(n: Any) -> int | None:
    """``n_samples``: None or a positive integer (a plain ``int``), whatever the
    estimator."""
    return None if n is None else _positive_int("n_samples", n)


def _check_top_k(top_k: Any) -> int | None:
    """``top_k``: None or a positive integer (a plain ``int``)."""
    return None if top_k is None else _positive_int("top_k", top_k)


def estimator_conflict(
    operator: Operator, chosen: str, n_players: int, *, n_samples: int | None = None
) -> str | None:
    """Why the estimator ``chosen`` cannot compute ``operator``, or ``None``.

    The conditions are shared; callers word the refusal in their own terms
    (``explain``'s keywords, the command line's options).

    Parameters
    ----------
    operator : Operator
    chosen : str
        The estimator, ``"auto"`` already resolved.
    n_players : int
    n_samples : int, optional
        A sample count the caller gave explicitly for an estimator it asked for
        by name (not one ``"auto"`` chose); ``None`` when not given.

    Returns
    -------
    str or None
        ``"too_many_players"``: exact enumeration beyond ``EXACT_HARD_LIMIT``
        players; ``"sampler_only"``: exact values of a random-order value that
        has only a sampler; ``"samples_unused"``: a sample count for the exact
        estimator, which samples nothing; ``"not_by_orderings"``: permutation
        sampling of a value that orderings do not estimate;
        ``"not_a_semivalue"``: coalition sampling of a value that is not a
        semivalue.
    """
    if chosen == "exact":
        if n_samples is not None:
            return "samples_unused"
        if n_players > EXACT_HARD_LIMIT:
            return "too_many_players"
        if isinstance(operator, RandomOrder) and operator.orderings is None:
            return "sampler_only"
    elif chosen == "permutation" and not operator.sampled_by_orderings(n_players):
        return "not_by_orderings"
    elif chosen == "coalition" and not isinstance(operator, Semivalue):
        return "not_a_semivalue"
    return None


def _check_config(cfg: _Config, operator: Operator, n_players: int, chosen: str) -> int:
    """Validate the estimator / operator combination; return the sample count."""
    _check_samples(cfg.n_samples)
    asked = cfg.n_samples if cfg.estimator == chosen else None  # not auto's choice
    conflict = estimator_conflict(operator, chosen, n_players, n_samples=asked)
    if conflict == "too_many_players":
        raise ResourceError(
            f"explain: exact enumeration of {n_players} players needs "
            f"2**{n_players} coalitions per row; use estimator='permutation' or "
            "group the features into fewer players."
        )
    if conflict == "samples_unused":
        raise ConfigError(
            f"explain: n_samples={cfg.n_samples!r} sets how many orderings or "
            "coalitions are sampled, and estimator='exact' samples none; drop "
            "n_samples, or use estimator='permutation' or 'coalition' (or 'auto')."
        )
    if conflict is not None:
        raise UnsupportedError(
            {
                "sampler_only": "explain: this RandomOrder has only a sampler; use "
                "estimator='permutation'.",
                "not_by_orderings": "explain: permutation sampling estimates Shapley "
                f"and random-order values, not {operator.name!r}; use "
                "estimator='coalition' or 'exact'.",
                "not_a_semivalue": "explain: coalition sampling needs a semivalue; "
                "use estimator='permutation' for random-order values.",
            }[conflict]
        )
    if chosen == "exact":
        return 0
    n = DEFAULT_SAMPLES[chosen] if cfg.n_samples is None else cfg.n_samples
    if chosen == "permutation" and not isinstance(operator, RandomOrder):
        n = max(2, int(n) + int(n) % 2)  # antithetic pairs
    return int(n)


def _run_estimator(
    chosen: str,
    game: CoalitionGame,
    operator: Operator,
    rows: torch.Tensor,
    n: int,
    seed: int,
    device: torch.device,
    reporter: Reporter,
) -> Estimate:
    rng, gen = make_generators(seed, device)
    n_rows = len(rows)

    def tick(finished: int, done: int, planned: int) -> bool:
        # every stage counts rows, as the "done" event does; a sampled
        # estimator's blocks of samples move the share of the work done
        share = None if chosen == "exact" else done / planned
        return reporter(
            chosen, finished, {"rows": finished}, total=n_rows, fraction=share
        )

    if chosen == "exact":
        return exact_values(game, operator, rows, tick)

    if chosen == "permutation":
        return permutation_values(game, operator, rows, n, rng, gen, tick)
    return coalition_values(game, operator, rows, n, gen, tick)  # type: ignore[arg-type]


def _build_result(
    est: Estimate,
    game: CoalitionGame,
    *,
    names: list[str],
    classes: list[str],
    rows: np.ndarray,
    columns: list[str],
    X: np.ndarray,
    meta: dict[str, Any],
    model_predicted: torch.Tensor | None = None,
) -> DistributionalValues:
    import engine

    q = est.transitions
    r = q.shape[0]
    probs, base = _end_probabilities(game, r, q.device)
    predicted = probs.argmax(dim=1)
    if model_predicted is not None:  # classes pooled: the model's own class
        predicted = model_predicted[:r].to(q.device)
    mean = q.sum(dim=3) - q.sum(dim=2)
    trace = torch.diagonal(q, dim1=2, dim2=3).sum(-1)
    colsum = q.sum(dim=2)  # (r, M, K) "without" marginal
    sel = predicted.view(r, 1, 1).expand(-1, game.n_players, 1)
    stay = torch.diagonal(q, dim1=2, dim2=3).gather(2, sel)[..., 0]
    flip_away = colsum.gather(2, sel)[..., 0] - stay
    cpu = lambda t: t.detach().cpu().numpy()  # noqa: E731
    return DistributionalValues(
        features=tuple(names),
        classes=tuple(classes),
        transitions=cpu(q),
        mean=cpu(mean),
        p_change=cpu((1 - trace).clamp_min(0)),
        flip_away=cpu(flip_away.clamp_min(0)),
        stderr=None if est.stderr is None else cpu(est.stderr),
        predicted=cpu(predicted),
        probabilities=cpu(probs),
        base_probabilities=cpu(base),
        data=X[:r],
        columns=tuple(columns),
        rows=np.asarray(rows[:r], dtype=np.int64),
        n_samples=cpu(est.n_samples).astype(np.int64),
        engine_version=engine.__version__,
        **meta,
    )


def _end_probabilities(
    game: CoalitionGame, r: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """The probabilities of the first ``r`` rows with every player and with none.

    Returns two tensors of shape (r, K); empty ones for a run stopped before
    its first row.
    """
    if r == 0:
        empty = torch.zeros(0, game.n_classes, dtype=game.X.dtype, device=device)
        return empty, empty
    full = torch.ones(r, 1, game.n_players, dtype=torch.bool, device=device)
    idx = torch.arange(r, device=device)
    lp_full = game.log_probs(idx, full)[:, 0]
    lp_empty = game.log_probs(idx, ~full)[:, 0]
    return lp_full.exp(), lp_empty.exp()


def _operator_label(operator: Operator) -> tuple[str, dict[str, Any]]:
    params = dict(operator.params) if operator.params else {}
    return operator.name, params


@dataclasses.dataclass(frozen=True)
class _Settled:
    """What ``explain`` fixes before evaluating any coalition.

    ``X`` (R, d) and ``background`` (B, d) are float matrices; ``groups`` holds the
    column indices of each of the M players named in ``names``; ``estimator`` and
    ``n_samples`` are the resolved choice ("auto" decided, one player made exact);
    ``notes`` tell what was done to the inputs (a subsampled background).
    """

    X: np.ndarray
    columns: list[str]
    names: list[str]
    groups: list[Any]
    seed: int
    device: torch.device
    background: np.ndarray
    removal: Any
    operator: Operator
    estimator: str
    n_samples: int
    model: ProbabilityModel
    notes: tuple[str, ...] = ()
    encoding: TableEncoding | None = None
    table_model: TableModel | None = None


def _settle(
    model: Any,
    X: Any,
    background: Any,
    cfg: _Config,
    seed: int | None,
    device: str | torch.device,
    class_names: Sequence[str] | None,
) -> _Settled:
    """Check the inputs and settle players, seed, device, background and estimator.

    Shared by :func:`explain` and the chunked, executor-backed variant, so that both
    refuse the same inputs with the same messages and settle them identically.
    """
    if isinstance(cfg.estimator, str):
        check_choice("explain", "estimator", cfg.estimator, ESTIMATORS)
    operator = resolve_operator(cfg.operator)
    encoding, table_model = None, None
    if text_columns(X, background):
        # before coding: the model's own complaint would blame the text columns
        check_feature_names(model, list(X.columns), "explain")
        X, background, table_model = _encode_for_model(model, X, background, cfg)
        model, encoding = table_model, table_model.encoding
    X_np, columns = as_matrix(X, "explain", min_rows=1)
    if isinstance(X, pd.DataFrame):
        check_feature_names(model, columns, "explain")
    else:
        columns = _implicit_names(model, background, X_np.shape[1]) or columns
    names, groups = _resolve_players(cfg.players, columns)
    used_seed = resolve_seed(seed, "explain")
    dev = resolve_device(device, "explain")
    rng = np.random.default_rng(used_seed)
    Z, removal, n_given = _background_rows(
        background, X_np, columns, cfg.removal, cfg.max_background, rng
    )
    note = (
        _subsample_note(n_given, len(Z), used_seed) if removal == "background" else None
    )
    if note is not None:
        logger.info("explain: %s", note)
    chosen = (
        choose_estimator(operator, len(groups), len(Z))
        if cfg.estimator == "auto"
        else cfg.estimator
    )
    n = _check_config(cfg, operator, len(groups), chosen)
    if len(groups) == 1 and chosen == "permutation":
        chosen, n = "exact", 0  # one player: a single ordering, exact is free
    wrapped: ProbabilityModel = as_probability_model(
        model, X_np[:8], class_names, reference=Z
    )
    return _Settled(
        X_np,
        columns,
        names,
        groups,
        used_seed,
        dev,
        Z,
        removal,
        operator,
        chosen,
        n,
        wrapped,
        () if note is None else (note,),
        encoding,
        table_model,
    )


def _encode_for_model(
    model: Any, X: pd.DataFrame, background: Any, cfg: _Config
) -> tuple[pd.DataFrame, pd.DataFrame | None, TableModel]:
    """Code the text columns of ``X`` and its background; wrap the model.

    See :mod:`engine.values.tables`. Only removals that swap in whole values of
    background rows can work on codes: a mean, a median, zeros or a baseline row
    would invent values no category has.
    """
    coded = text_columns(X, background)
    if isinstance(model, torch.nn.Module):
        raise ConfigError(
            f"explain: X has non-numeric column(s) {format_names(coded)}, which "
            "explain hands to the model as they are, in a DataFrame; a torch module "
            "takes tensors. Encode those columns as numbers yourself, train the "
            "module on them and explain the encoded table, or wrap the module in a "
            "callable that takes the DataFrame."
        )
    removal = cfg.removal
    if not isinstance(removal, str) or removal in ("mean", "median", "zeros"):
        shown = removal if isinstance(removal, str) else "a baseline row"
        raise ConfigError(
            f"explain: removal={shown!r} would average or invent values of the "
            f"non-numeric column(s) {format_names(coded)} of X; use "
            "removal='background' (or 'auto') with background rows, which swaps in "
            "whole values of real rows."
        )
    if background is None and removal == "auto":
        raise ConfigError(
            f"explain: X has non-numeric column(s) {format_names(coded)} and no "
            "'background': removal='auto' would take the mean of X, which a "
            "category has not; pass background rows (e.g. the training table) or "
            "removal='background' to use the rows of X."
        )
    columns = [str(c) for c in X.columns]
    if background is not None:
        if not isinstance(background, pd.DataFrame):
            raise DataError(
                f"explain: X has non-numeric column(s) {format_names(coded)}, so "
                "'background' must be a DataFrame with X's columns; got "
                f"{type(background).__name__}."
            )
        background = _select_columns(background, columns)
    X_coded, bg_coded, encoding = encode_table(X, background)
    table_model = TableModel(model, encoding)
    # every value a coalition can hand the model lies in X or the background: a
    # value the model refuses (a category unseen in training) fails here, once
    for where, rows in (("X", X_coded), ("the background", bg_coded)):
        if rows is None:
            continue
        try:
            table_model.predict_proba(rows.to_numpy(dtype=np.float64))
        except Exception as err:  # any failure of user code on real rows
            raise DataError(_table_model_failure(where, err, coded)) from err
    return X_coded, bg_coded, table_model


def _table_model_failure(where: str, err: Exception, coded: list[str]) -> str:
    """The message of a model that failed on the rows of ``where`` of a table."""
    reason = f"{type(err).__name__}: {err}"
    if "unknown categor" in str(err).lower():
        advice = (
            "a text value of these rows was not seen when the model was fitted: "
            "fit its encoder with handle_unknown='ignore', or leave out the rows "
            "holding such values (in X and in the background)"
        )
    else:
        advice = (
            f"X has non-numeric column(s) {format_names(coded)}, which explain hands "
            "to the model as they are, with X's column names and dtypes; give a "
            "model that takes such a table (e.g. a scikit-learn Pipeline whose "
            "ColumnTransformer one-hot encodes them), or encode the columns as "
            "numbers yourself and explain a model fitted on the encoded table"
        )
    return (
        f"explain: the model failed on the rows of {where}, given as a DataFrame "
        f"({reason}); {advice}."
    )


def _with_stderr_note(
    st: _Settled, n_samples: np.ndarray, stopped: bool
) -> tuple[str, ...]:
    """The settled notes plus :func:`stderr_note`'s (logged at INFO) if any.

    ``n_samples`` (R,) holds the samples used per row.
    """
    note = stderr_note(st.operator, st.estimator, n_samples, stopped=stopped)
    if note is None:
        return st.notes
    logger.info("explain: %s", note)
    return (*st.notes, note)


def _explain(
    model: Any,
    X: Any,
    background: Any,
    cfg: _Config,
    *,
    seed: int | None,
    device: str | torch.device,
    progress: ProgressCallback | None,
    class_names: Sequence[str] | None = None,
    row_labels: Sequence[int] | None = None,
    keep_classes: Sequence[int] | None = None,
) -> DistributionalValues:
    t0 = time.perf_counter()
    st = _settle(model, X, background, cfg, seed, device, class_names)
    X_np, columns, names, groups = st.X, st.columns, st.names, st.groups
    labels = _check_row_labels(row_labels, len(X_np))
    used_seed, dev, Z, removal = st.seed, st.device, st.background, st.removal
    operator, chosen, n, wrapped = st.operator, st.estimator, st.n_samples, st.model
    X_t = torch.as_tensor(X_np, device=dev)
    full_probs = _predict(wrapped, X_t, cfg.memory_budget)
    if keep_classes is None:
        keep, classes = _class_keep(full_probs, cfg.top_k, wrapped.class_names)
    else:  # a chunk of a larger call: the classes kept over all its rows
        keep = torch.as_tensor(list(keep_classes), dtype=torch.long)
        classes = [wrapped.class_names[int(j)] for j in keep] + ["other"]
    game = CoalitionGame(
        model=wrapped,
        X=X_t,
        background=torch.as_tensor(Z, device=dev),
        groups=[torch.as_tensor(g, device=dev) for g in groups],
        keep=None if keep is None else keep.to(dev),
        memory_budget=cfg.memory_budget,
    )
    reporter = Reporter(progress, "values.explain")
    # a stop asked for at the start leaves every row out
    stop = reporter("start", 0, message=f"{chosen} {operator.name}, {len(X_np)} row(s)")
    t1 = time.perf_counter()
    rows_t = torch.arange(0 if stop else len(X_np), device=dev)
    est = _run_estimator(chosen, game, operator, rows_t, n, used_seed, dev, reporter)
    t2 = time.perf_counter()
    op_name, op_params = _operator_label(operator)
    # a stop asked for during the last block cut nothing short: not "stopped"
    cut_rows = est.n_samples.shape[0] < len(X_np)
    cut_samples = chosen != "exact" and bool((est.n_samples < n).any())
    stopped = reporter.stop_requested and (cut_rows or cut_samples)
    config = {
        "operator": op_name,
        "operator_params": op_params,
        "estimator": chosen,
        "estimator_requested": cfg.estimator,
        "n_samples": n,
        "removal": removal,
        "n_background": len(Z),
        "groups": {
            nm: [columns[c] for c in g] for nm, g in zip(names, groups, strict=True)
        },
        "top_k": cfg.top_k,
        "memory_budget": cfg.memory_budget,
        "model_kind": wrapped.kind,
        "coupling": "gumbel-max on background-averaged probabilities",
    }
    if st.encoding is not None:
        config["coded_columns"] = st.encoding.coded_columns
    result = _build_result(
        est,
        game,
        model_predicted=_pooled_prediction(full_probs, keep),
        names=names,
        classes=classes,
        rows=labels,
        columns=columns,
        X=X_np,
        meta={
            "operator": op_name,
            "estimator": chosen,
            "seed": used_seed,
            "device": str(dev),
            "config": config,
            "timings": {
                "setup_s": t1 - t0,
                "estimate_s": t2 - t1,
                "total_s": time.perf_counter() - t0,
            },
            "n_model_rows": int(game.n_model_rows),
            "stopped": bool(stopped),
            "notes": _with_stderr_note(st, est.n_samples.cpu().numpy(), stopped),
            "categories": (
                {} if st.encoding is None else st.encoding.display_categories()
            ),
        },
    )
    # out of the rows asked for: a stopped run says how far it got
    reporter("done", result.n_rows, {"rows": result.n_rows}, total=len(X_np))
    return result


def explain(
    model: Any,
    X: Any,
    *,
    background: Any = None,
    operator: str | Operator = "shapley",
    estimator: Estimator = "auto",
    n_samples: int | None = None,
    players: Any = None,
    seed: int | None = None,
    device: str | torch.device = "auto",
    progress: ProgressCallback | None = None,
    removal: str | np.ndarray = "auto",
    top_k: int | None = None,
    class_names: Sequence[str] | None = None,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    max_background: int = MAX_BACKGROUND,
    row_labels: Sequence[int] | None = None,
    executor: str | Any | None = None,
    chunk_rows: int = CHUNK_ROWS,
    n_workers: int | None = None,
    address: str | None = None,
) -> DistributionalValues:
    """Distributional values of a classifier for the rows of ``X``.

    For each row and player the result holds the K x K joint law of the class with
    and without the player (shared Gumbel-max coupling, mixed over the operator's
    coalitions), its mean (the operator's value of each class probability, i.e.
    SHAP on ``predict_proba`` for the Shapley operator and the same masker), the
    probability of change and the probability of moving away from the predicted
    class.

    Parameters
    ----------
    model : callable, scikit-learn classifier or torch.nn.Module
        A callable mapping an ndarray (n, D) to probabilities (n, K); an estimator
        with ``predict_proba``; or a torch module returning logits (n, K) or
        probabilities. A module's outputs are taken as probabilities when, on the
        first rows of ``X`` and the background rows, they all lie in [0, 1] and
        each row sums to one within 1e-5 (e.g. after a final ``Softmax``; logged
        as a warning once per module); otherwise they are logits and a softmax is
        applied. Every batch of outputs of a callable, a classifier or a
        probability-returning module is checked to be probabilities, on the
        coalitions as well as on ``X``.
    X : ndarray, DataFrame or Tensor of shape (n_rows, n_features)
        Rows to explain. Numeric, or a DataFrame with text, categorical or other
        non-numeric columns for a model that takes such a table (e.g. a
        scikit-learn Pipeline whose ColumnTransformer one-hot encodes them):
        each such column is coded as integers over the values of X and the
        background (a missing value is one value of its own), the game works
        on the codes (removal swaps whole background values, so it is exact) and
        the model is always called with a DataFrame of the original values,
        column names, order and dtypes (see :mod:`engine.values.tables`). The
        background must then be a DataFrame, the removal background averaging,
        and ``result.categories`` holds the values by code (``result.data``
        the codes, :meth:`DistributionalValues.data_frame` the values). Column
        names flow into the result; names are
        compared as text (a column ``0`` is ``"0"``). Without names (an ndarray,
        a tensor, a list of rows) the columns take the model's
        ``feature_names_in_``, else those of a background DataFrame (which must
        have as many columns, in X's order), else ``x0, x1, ...``.
    background : array-like of shape (n_background, n_features), optional
        Reference rows (e.g. training data). With ``removal="auto"`` or
        ``"background"`` removed features take each background row's values and the
        probabilities are averaged (shap's Independent masker); at most
        ``max_background`` rows are used: a larger background is subsampled at
        random (with ``seed``), which ``result.notes`` says and is logged at INFO.
    operator : {"shapley", "banzhaf", "beta_shapley"} or operator object
        Value operator (see :mod:`engine.values.operators`).
    estimator : {"auto", "exact", "permutation", "coalition"}, default="auto"
        See :func:`choose_estimator` for ``"auto"``.
    n_samples : int, optional
        Orderings per row (permutation, default 20, rounded up to antithetic pairs)
        or coalitions per player per row (coalition, default 32). Refused with
        ``estimator="exact"``, which samples nothing (ignored when ``"auto"``
        chooses exact). The standard
        errors ``result.stderr`` are those of a mean of independent samples
        (antithetic pairs, or coalitions): an approximate band, which
        under-covers with few samples; below ``MIN_STDERR_SAMPLES`` (10) of them
        ``result.notes`` says so. See :func:`permutation_values
        <engine.values.games.permutation_values>` for measured coverage.
    players : list of column groups or dict name -> columns, optional
        Default one player per column. Columns in no group always keep the row's
        value.
    seed : int, optional
        Seed of the samplers and the background subsample; recorded.
    device : str, default="auto"
        Where coalitions are evaluated (CUDA when available).
    progress : callable, optional
        Receives :class:`~engine.runtime.ProgressEvent`; returning ``True``
        (or :data:`engine.STOP`) at any event (any other return value is ignored)
        stops and returns the rows (and samples) done, with
        ``stopped=True`` and a :class:`~engine.errors.StoppedWarning`: at the
        first event (stage ``"start"``, or ``"jobs"`` with an executor) no row
        is explained. The events of the stage named by the estimator
        (``"exact"``, ``"permutation"``, ``"coalition"``) and the last one
        (``"done"``) count rows: ``step`` rows finished of ``total`` asked for
        (also ``metrics["rows"]``); a sampled estimator's events also carry
        ``fraction``, the share of its work done, which moves while the blocks
        of samples of unfinished rows run. With an executor, ``"jobs"`` events
        count chunks of rows.
    removal : {"auto", "background", "mean", "median", "zeros"} or ndarray (D,)
        How removed features are filled: background averaging, a baseline row from
        the background's mean or median, zeros, or a given baseline row. ``"auto"``
        is background averaging, or the mean of ``X`` without a background.
        With non-numeric columns in ``X`` only background averaging works: the
        mean, median, zeros, a baseline row, and ``"auto"`` without a
        background are refused (``ConfigError``), since a category has no mean.
    top_k : int, optional
        Keep the ``top_k`` classes (by their largest probability over the rows)
        and merge the others into "other". ``predicted`` stays the model's own
        class (its argmax over all classes), "other" only when that class was
        merged, even where "other" holds more probability than any kept class.
    class_names : sequence of str, optional
        Names of the model's classes.
    memory_budget : int, default=256 MiB
        Bytes one batch may use; all work is chunked to it. A positive whole
        number (``2**30`` or ``1e9``).
    max_background : int, default=100
        Most background rows averaged over; a positive integer. Time and memory
        grow linearly with it.
    row_labels : sequence of int of length n_rows, optional
        Integer labels stored in ``result.rows`` (int64), one per row of ``X``,
        each unique; a label int64 cannot hold (2**63 or more) is refused.
        Default: the index of a DataFrame ``X`` when it is of integers int64
        holds, whatever its dtype (explaining ``X.iloc[[0, 60]]`` gives the
        rows 0 and 60), else the positions 0 .. n_rows - 1 (an index of text or
        dates, or of integers too large for int64, adds a note saying so).
        Results take rows by label (``contrast(60, ...)``), so repeated labels,
        given here or in the index, are refused.
    executor : {"serial", "processes", "ray"} or executor object, optional
        Split the rows into chunks of ``chunk_rows`` and explain each chunk as an
        independent job on this executor (:mod:`engine.executor`); chunk ``c``
        samples with the seed ``spawn_seeds(seed, n_chunks)[c]``, so every executor
        gives the same result as ``"serial"``. The background, removal, estimator
        and kept classes are settled once over all rows first. ``None`` (default)
        explains all rows in one batch in this process; exact estimates agree
        with the chunked ones up to rounding, sampled ones are other draws.
        Process and Ray workers need a picklable model.
    chunk_rows : int, default=64
        Rows per job; only with an ``executor`` (another value is refused
        without one).
    n_workers : int, optional
        Processes, or CPUs of a local Ray cluster: only with
        ``executor="processes"`` or ``"ray"`` (refused with others, which have
        no workers to set).
    address : str, optional
        Address of a running Ray cluster: only with ``executor="ray"``.

    Returns
    -------
    DistributionalValues

    Raises
    ------
    DataError
        Bad ``X``, background or model output; a DataFrame ``X`` whose columns
        are not the ``feature_names_in_`` of a scikit-learn model (named, with
        how to select them: ``X[model.feature_names_in_]``).
        With non-numeric columns: a background that is not a DataFrame, or a
        model that fails on the DataFrame of the first rows.
    ConfigError, UnsupportedError, ResourceError
        Bad options (an averaging removal of non-numeric columns, a torch module
        for a table with such columns), an estimator that does not fit the
        operator, or exact enumeration of too many players.

    Warns
    -----
    StoppedWarning
        The run was stopped on request (``result.stopped``).

    Notes
    -----
    The coupling acts on the background-averaged probabilities; background rows are
    not part of the coupling noise. For K >= 3 the probability of change can exceed
    the total-variation distance (the Gumbel-max coupling is not maximal).

    References
    ----------
    L. Franceschi, M. Donini, C. Archambeau, M. Seeger. Explaining Probabilistic
    Models with Distributional Values. ICML 2024.
    """
    cfg = _Config(
        operator=operator,
        estimator=estimator,
        n_samples=_check_samples(n_samples),
        players=players,
        removal=removal,
        top_k=_check_top_k(top_k),
        memory_budget=_check_memory_budget(memory_budget),
        max_background=_check_max_background(max_background),
    )
    chunk_rows, n_workers = _check_executor_options(
        executor, chunk_rows, n_workers, address
    )
    index_note = None
    if row_labels is None:
        row_labels, index_note = _index_labels(X)
    common = dict(
        seed=seed,
        device=device,
        progress=progress,
        class_names=class_names,
        row_labels=row_labels,
    )
    if executor is not None:
        from engine.values.parallel import explain_in_chunks

        result = explain_in_chunks(
            model,
            X,
            background,
            cfg,
            executor=executor,
            chunk_rows=chunk_rows,
            n_workers=n_workers,
            address=address,
            **common,
        )
    else:
        result = _explain(model, X, background, cfg, **common)
    if index_note is not None:
        logger.info("explain: %s", index_note)
        result = dataclasses.replace(result, notes=(*result.notes, index_note))
    if result.stopped:
        warn_user(_stopped_message(result), StoppedWarning)
    return result


def _stopped_message(result: DistributionalValues) -> str:
    """What a stopped :func:`explain` did: rows done, and rows cut short."""
    config = result.config
    if result.n_rows and config.get("estimator") != "exact":
        short = int((result.n_samples < int(config["n_samples"])).sum())
        if short:
            return (
                f"explain: stopped on request after {result.n_rows} row(s), "
                f"{short} of them with fewer samples than asked (result.n_samples)."
            )
    return f"explain: stopped on request after {result.n_rows} row(s)."


class DistributionalExplainer(TwinEstimator):
    """Estimator twin of :func:`explain` with scikit-learn's contract.

    ``fit(background)`` stores the reference rows and returns ``self``;
    ``explain(X)`` returns :class:`DistributionalValues` and keeps it in
    ``result_``. Parameters are those of :func:`explain`. A scikit-learn
    estimator: ``clone``, ``check_is_fitted`` (fitted once ``fit`` has run),
    ``repr``, the notebook's HTML view, ``get_params`` / ``set_params`` and
    pickling work as for scikit-learn's own estimators. ``model`` is the
    classifier explained, not a part fitted here: ``clone`` keeps it (a
    scikit-learn model is not refitted) and ``get_params`` does not list its
    own parameters.

    ``fit(X, y=None)`` takes the background as ``X`` (``y`` is ignored), or
    as ``fit(background=rows)``; ``progress`` is a parameter, which
    ``explain(X, progress=...)`` overrides for one call.

    Attributes
    ----------
    background_ : ndarray or DataFrame
        Reference rows given to ``fit`` (``None`` for a fixed removal).
    result_ : DistributionalValues
        The last explanation.
    n_features_in_ : int
        Columns of the background (not set without one).
    feature_names_in_ : ndarray of shape (n_features_in_,), object
        Its column names, when it was a DataFrame with string labels.

    Examples
    --------
    >>> DistributionalExplainer(len, operator="banzhaf")
    DistributionalExplainer(model=<built-in function len>, operator='banzhaf')
    """

    set_by: ClassVar[dict[str, str]] = {
        "background_": "call fit(background) first",
        "result_": "call fit(background), then explain(X)",
    }

    def __init__(
        self,
        model: Any,
        *,
        operator: str | Operator = "shapley",
        estimator: Estimator = "auto",
        n_samples: int | None = None,
        players: Any = None,
        removal: str | np.ndarray = "auto",
        top_k: int | None = None,
        class_names: Sequence[str] | None = None,
        seed: int | None = None,
        device: str = "auto",
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        max_background: int = MAX_BACKGROUND,
        executor: str | Any | None = None,
        chunk_rows: int = CHUNK_ROWS,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.model = model
        self.operator = operator
        self.estimator = estimator
        self.n_samples = n_samples
        self.players = players
        self.removal = removal
        self.top_k = top_k
        self.class_names = class_names
        self.seed = seed
        self.device = device
        self.memory_budget = memory_budget
        self.max_background = max_background
        self.executor = executor
        self.chunk_rows = chunk_rows
        self.progress = progress

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor parameters (scikit-learn API); never the model's own."""
        return super().get_params(deep=False)

    def __sklearn_clone__(self) -> DistributionalExplainer:
        """An unfitted copy (``sklearn.base.clone``) explaining the same model.

        scikit-learn's clone would replace a fitted scikit-learn ``model`` by an
        unfitted copy, which cannot be explained.
        """
        params = {k: clone(v, safe=False) for k, v in self.get_params().items()}
        return type(self)(**{**params, "model": self.model})

    def fit(
        self, X: Any = None, y: Any = None, *, background: Any = None
    ) -> DistributionalExplainer:
        """Store the background rows; returns ``self``.

        A DataFrame with text or categorical columns is kept as it is (see
        :func:`explain`); other backgrounds must be numeric.

        Parameters
        ----------
        X : ndarray, Tensor or DataFrame of shape (n_background, n_features), optional
            The background rows (``None``: a fixed removal, see ``removal``).
        y : None
            Ignored (scikit-learn's ``fit(X, y=None)``; the model is fitted
            already).
        background : same as ``X``, optional
            The background by its earlier name, ``fit(background=rows)``; give
            it once, as ``X`` or here.

        Returns
        -------
        self
        """
        if X is not None and background is not None:
            raise ConfigError(
                "DistributionalExplainer.fit: give the background rows once, as X "
                "or as background=; got both."
            )
        background = X if background is None else background
        if background is not None and not text_columns(background):
            as_matrix(
                background,
                "DistributionalExplainer.fit",
                min_rows=1,
                name="background",
            )
        self.background_ = background
        if background is None:
            vars(self).pop("n_features_in_", None)
            vars(self).pop("feature_names_in_", None)
        else:
            self._record_input(background)
        return self

    def explain(
        self, X: Any, *, progress: ProgressCallback | None = None
    ) -> DistributionalValues:
        """Explain the rows of ``X``; the result is also stored in ``result_``.

        ``progress``, when given, replaces the ``progress`` parameter for this
        call.
        """
        if not hasattr(self, "background_"):
            raise NotFittedError(
                "DistributionalExplainer: call fit(background) before explain(X)."
            )
        params = self.get_params()
        model = params.pop("model")
        given = params.pop("progress")
        self.result_ = explain(
            model,
            X,
            background=self.background_,
            progress=given if progress is None else progress,
            **params,
        )
        return self.result_


def explain_model_spec(
    model_spec: Mapping[str, Any],
    X: Any,
    *,
    progress: ProgressCallback | None = None,
    **options: Any,
) -> DistributionalValues:
    """:func:`explain` for a background worker, with the model given as a spec.

    Parameters
    ----------
    model_spec : mapping
        ``{"model": estimator}`` for a model trained in this program, or
        ``{"skops": bytes}`` for an uploaded file, which is re-read with the
        allow-list of :func:`~engine.values.models.load_skops` (never unpickled).
    X : array-like of shape (n_rows, n_features)
        Rows to explain.
    progress : callable, optional
        Progress callback (see :func:`explain`).
    **options
        Further keyword arguments of :func:`explain`.

    Returns
    -------
    DistributionalValues
    """
    from engine.values.models import load_skops

    if "skops" in model_spec:
        model = load_skops(model_spec["skops"])
    elif "model" in model_spec:
        model = model_spec["model"]
    else:
        raise ConfigError("explain_model_spec: give 'model' or 'skops'.")
    return explain(model, X, progress=progress, **options)
