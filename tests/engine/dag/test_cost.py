"""The permutahedron's expected cost: a range that grows with the table, and the
warning the Causal page shows before a long fit."""

from __future__ import annotations

import pytest

from engine.dag import PermutahedronConfig
from engine.dag.permutahedron import (
    MOVES_MAX_D,
    cost_warning,
    fit_seconds,
    ordering_seconds,
)

# Settings whose cost is estimated, the defaults first.
CONFIGS = [
    {},
    {"polish": False},
    {"polish_reach": 1},
    {"polish_reach": 10, "patience": 2},
    {"structure": "sparsemap"},
    {"n_orderings": 2, "max_iter": 20},
    {"edge_model": "mlp"},
    {"edge_model": "mlp", "max_iter": 5, "patience": 100},
]
COLUMNS = range(2, 261)
ROWS = (5, 300, 5_000, 200_000)


@pytest.mark.parametrize("options", CONFIGS)
def test_the_expected_cost_never_falls_as_columns_or_rows_are_added(options):
    # at 5 000 rows the default fit was warned about at 60 columns, not at 64-99,
    # and again from 100: the last polishing round shrinks from 401 orderings to
    # d - 1 above MOVES_MAX_D columns, which the old estimate followed
    config = PermutahedronConfig(**options)
    seconds = {(n, d): fit_seconds(n, d, config) for n in ROWS for d in COLUMNS}
    for n, d in seconds:
        low, high = seconds[n, d]
        assert 0 < low <= high
        if d + 1 in COLUMNS:
            up = seconds[n, d + 1]
            assert up[0] >= low and up[1] >= high, (n, d)
        bigger = [m for m in ROWS if m > n]
        if bigger:
            more = seconds[bigger[0], d]
            assert more[0] >= low and more[1] >= high, (n, d)
        # once warned about, a larger table is warned about too
        warned = cost_warning(n, d, config) is not None
        assert warned == (low > 10.0)


def test_the_default_fit_is_warned_about_from_a_few_dozen_columns_on():
    warned = [
        d for d in COLUMNS if cost_warning(5_000, d, PermutahedronConfig()) is not None
    ]
    assert warned == list(range(warned[0], COLUMNS[-1] + 1))
    assert 40 < warned[0] <= MOVES_MAX_D
    assert all(cost_warning(5_000, d, PermutahedronConfig()) for d in (64, 70, 80))


def test_the_range_counts_the_epochs_early_stopping_allows_and_the_polish():
    config = PermutahedronConfig()
    one = ordering_seconds(80)
    epoch = config.n_orderings * one
    low, high = fit_seconds(5_000, 80, config)
    # patience + 1 epochs at least (the first sets the best loss, then patience
    # epochs without gain), max_iter at most; the polish's last round fits d - 1
    # swaps above MOVES_MAX_D columns
    assert low == pytest.approx((config.patience + 1) * epoch + 79 * one)
    assert high == pytest.approx(config.max_iter * epoch + 79 * one)
    assert fit_seconds(5_000, 80, PermutahedronConfig(training="joint")) is None
    assert fit_seconds(5_000, 80, PermutahedronConfig(sparsifier="lars")) is None


def test_the_warning_says_the_epoch_cost_the_epochs_and_the_range():
    text = cost_warning(5_000, 80, PermutahedronConfig())
    assert text == (
        "A long fit: 80 columns. An epoch fits up to 10 new orderings, each in "
        "about 0.086 s on one CPU core (about 0.86 s an epoch); training runs "
        "between patience + 1 = 31 and max_iter=300 epochs (tables whose best "
        "ordering stays uncertain run all of them), and the final polish fits at "
        "least 79 orderings more. Expect about 33 s to 4 min. To shorten it, "
        "choose fewer columns in 'Columns (nodes)' (at 60 columns an ordering "
        "takes about 0.027 s), or lower max_iter or n_orderings, or turn off "
        "polish under 'Method options'. You can still start it: a stop request "
        "(Cancel) is checked about every 1 s of the fit's computing, longer on a "
        "busy machine."
    )
    at_60 = cost_warning(5_000, 60, PermutahedronConfig())
    assert "polish fits at least 401 orderings more (its last round also" in at_60
    assert "or lower polish_reach or turn off polish" in at_60
    no_polish = cost_warning(5_000, 200, PermutahedronConfig(polish=False))
    assert (
        "polish" not in no_polish
        and "or lower max_iter or n_orderings under" in no_polish
    )
    mlp = cost_warning(1_000, 20, PermutahedronConfig(edge_model="mlp"))
    assert mlp.startswith("A long fit: with the MLP edge model an epoch over 20")
    assert "Expect about 2 min to 23 min." in mlp


@pytest.mark.parametrize(("n", "d"), [(300, 61), (300, 100), (5_000, 61), (5_000, 100)])
def test_the_range_is_said_in_the_same_words_as_it_is_computed(n, d):
    from engine.runtime import duration_words

    low, high = fit_seconds(n, d, PermutahedronConfig())
    text = cost_warning(n, d, PermutahedronConfig())
    assert f"Expect about {duration_words(low)} to {duration_words(high)}." in text


def test_without_early_stopping_every_epoch_of_max_iter_is_counted():
    # patience=0 runs all of max_iter: the range is that one figure, and the
    # warning says so
    config = PermutahedronConfig(patience=0)
    low, high = fit_seconds(5_000, 80, config)
    assert low == pytest.approx(high)
    assert high == pytest.approx(fit_seconds(5_000, 80, PermutahedronConfig())[1])
    text = cost_warning(5_000, 80, config)
    assert "training runs max_iter=300 epochs" in text
    assert "patience + 1" not in text
