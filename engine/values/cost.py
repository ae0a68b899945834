"""What an :func:`~engine.values.explain` call will cost, before it runs.

The work of an explanation is counted in model rows: every coalition of an
explained row is evaluated once per background row. :func:`planned_model_rows`
counts them from the settings alone; :func:`seconds_per_model_row` times
small runs of the same model and settings on one row, so that callers (the app's
global view) can say how long a large run will take before starting it.
"""

from __future__ import annotations

from typing import Any

from engine.errors import ConfigError, UnsupportedError, check_choice
from engine.values.explainer import MAX_BACKGROUND, explain

__all__ = [
    "CALIBRATION_MODEL_ROWS",
    "CALIBRATION_SAMPLES",
    "background_rows_used",
    "planned_model_rows",
    "seconds_per_model_row",
]

# Orderings (one antithetic pair) or coalitions per player of the small timed
# run, and about the model rows of the large one.
CALIBRATION_SAMPLES = 2
CALIBRATION_MODEL_ROWS = 2**16
_ESTIMATORS = ("exact", "permutation", "coalition")


def background_rows_used(
    n_given: int, removal: str, max_background: int = MAX_BACKGROUND
) -> int:
    """Background rows ``explain`` averages over, from the rows given.

    Parameters
    ----------
    n_given : int
        Rows of the background passed.
    removal : str
        ``"background"`` (or ``"auto"`` with a background) averages over at
        most ``max_background`` of them; a mean, median or zeros row is one.
    max_background : int, default=100
        As for :func:`~engine.values.explain`.

    Returns
    -------
    int

    Examples
    --------
    >>> background_rows_used(150, "background"), background_rows_used(150, "mean")
    (100, 1)
    """
    if removal in ("background", "auto"):
        return min(int(n_given), int(max_background))
    return 1


def planned_model_rows(
    estimator: str,
    *,
    n_rows: int,
    n_players: int,
    n_background: int,
    n_samples: int,
) -> int:
    """Model rows a run evaluates, counted as the estimators count them.

    Parameters
    ----------
    estimator : {"exact", "permutation", "coalition"}
        The estimator used (``"auto"`` already resolved, see
        :func:`~engine.values.choose_estimator`).
    n_rows : int
        Rows explained.
    n_players : int
        Players (features or groups of features) M.
    n_background : int
        Background rows averaged over (1 for a baseline row).
    n_samples : int
        Orderings per row (permutation) or coalitions per player per row
        (coalition); unused by ``"exact"``.

    Returns
    -------
    int
        ``2**M * B`` per row for exact, ``(n_samples * (M - 1) + 2) * B`` per row
        for permutation (the empty and full coalitions once per row), and
        ``2 * M * n_samples * B`` per row for coalition sampling.

    Examples
    --------
    >>> planned_model_rows(
    ...     "permutation", n_rows=18, n_players=4, n_background=100, n_samples=5000
    ... )
    27003600
    """
    check_choice("planned_model_rows", "estimator", estimator, _ESTIMATORS)
    if min(n_rows, n_players, n_background) < 1:
        raise ConfigError(
            "planned_model_rows: 'n_rows', 'n_players' and 'n_background' must be "
            f"at least 1; got {n_rows}, {n_players} and {n_background}."
        )
    if estimator == "exact":
        per_row = 2**n_players
    elif estimator == "permutation":
        per_row = n_samples * max(n_players - 1, 0) + 2
    else:
        per_row = 2 * n_players * n_samples
    return int(n_rows) * int(per_row) * int(n_background)


def seconds_per_model_row(
    model: Any,
    row: Any,
    background: Any,
    *,
    estimator: str,
    **options: Any,
) -> float:
    """Seconds one model row takes, timed on two small runs of ``explain``.

    Explains ``row`` with :data:`CALIBRATION_SAMPLES` orderings or coalitions
    per player, then with enough of them for about
    :data:`CALIBRATION_MODEL_ROWS` model rows; the time per model row is the
    difference of their estimation times over the difference of their model
    rows, so that the fixed cost of a call (which dominates a tiny run: 40
    times the rate of a large run of a logistic regression) is left out. An
    exact run is timed with permutation sampling, or coalition sampling for an
    operator that orderings do not estimate.

    Parameters
    ----------
    model : classifier or callable
        As for :func:`~engine.values.explain`.
    row : array-like of shape (1, n_features)
        One row to explain.
    background : array-like of shape (n_background, n_features)
        As for :func:`~engine.values.explain`.
    estimator : {"exact", "permutation", "coalition"}
        The estimator the real run will use.
    **options
        Further keyword arguments of :func:`~engine.values.explain` (operator,
        removal, players, class_names, seed, ...); ``n_samples`` is replaced.

    Returns
    -------
    float
        Seconds per model row (0 when the runs evaluated no more rows).

    Raises
    ------
    EngineError
        What :func:`~engine.values.explain` raises for these inputs.
    """
    check_choice("seconds_per_model_row", "estimator", estimator, _ESTIMATORS)
    options = {k: v for k, v in options.items() if k != "n_samples"}
    tried = ("permutation", "coalition") if estimator == "exact" else (estimator,)
    for sampled in tried:
        try:
            small = _timed(
                model, row, background, sampled, CALIBRATION_SAMPLES, options
            )
        except UnsupportedError:
            if sampled == tried[-1]:
                raise
            continue  # orderings do not estimate this operator: coalitions
        per_sample = max(small[1] / CALIBRATION_SAMPLES, 1.0)
        n = CALIBRATION_SAMPLES + int(CALIBRATION_MODEL_ROWS // per_sample)
        large = _timed(model, row, background, sampled, n + n % 2, options)
        extra, spent = large[1] - small[1], large[0] - small[0]
        if extra <= 0 or spent <= 0:  # a busy machine timed the small run longer
            return large[0] / max(large[1], 1)
        return spent / extra
    return 0.0


def _timed(
    model: Any,
    row: Any,
    background: Any,
    estimator: str,
    n_samples: int,
    options: dict[str, Any],
) -> tuple[float, int]:
    """Estimation seconds and model rows of one ``explain`` run."""
    result = explain(
        model,
        row,
        background=background,
        estimator=estimator,
        n_samples=n_samples,
        **options,
    )
    return float(result.timings["estimate_s"]), int(result.n_model_rows)
