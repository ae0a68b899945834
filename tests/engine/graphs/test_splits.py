"""Splits: the paper's sizes, stratification, seeding, user masks, unlabelled nodes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_wine

from engine.errors import ConfigError, DataError
from engine.graphs import Split, make_split, paper_split, split_sizes_that_fit


@pytest.mark.parametrize(
    ("loader", "name", "sizes"),
    [
        (load_wine, "wine", (10, 10, 10, 148)),
        (load_breast_cancer, "breast_cancer", (10, 10, 10, 539)),
        (load_digits, "digits", (50, 50, 50, 1647)),
    ],
)
def test_paper_split_sizes_stratified_and_seeded(loader, name, sizes):
    y = loader().target
    split = paper_split(y, name, seed=3)
    parts = (split.train, split.val, split.es, split.test)
    assert tuple(p.size for p in parts) == sizes
    assert np.unique(np.concatenate(parts)).size == y.size  # disjoint, all nodes
    share = np.bincount(y) / y.size
    for part in parts[:3]:
        counts = np.bincount(y[part], minlength=share.size)
        # stratified: every class within one node of its proportional share
        assert np.all(np.abs(counts - share * part.size) <= 1.0), counts
    again = paper_split(y, name.replace("_", "-").upper(), seed=3)
    assert np.array_equal(again.train, split.train)
    assert np.array_equal(again.es, split.es)
    other = paper_split(y, name, seed=4)
    assert not np.array_equal(other.train, split.train)


def test_make_split_never_draws_unlabelled_nodes():
    y = np.repeat(np.arange(3), 20).astype(float)
    y[::7] = np.nan
    split = make_split(y, 6, 12, seed=0)
    used = np.concatenate([split.train, split.val, split.es, split.test])
    assert not np.isnan(y[used]).any()
    assert used.size == int((~np.isnan(y)).sum())
    with pytest.raises(ConfigError, match="n_train"):
        make_split(y, 40, 20, seed=0)


def test_split_from_masks_halves_validation_or_takes_the_es_mask():
    n = 20
    train = np.zeros(n, bool)
    train[:4] = True
    val = np.zeros(n, bool)
    val[4:12] = True
    split = Split.from_masks(train, val, seed=1)
    assert split.sizes() == {"train": 4, "val": 4, "es": 4, "test": 8}
    assert sorted([*split.val, *split.es]) == list(range(4, 12))
    es = np.zeros(n, bool)
    es[12:14] = True
    test = np.zeros(n, bool)
    test[14:] = True
    given = Split.from_masks(train, val, test, es_mask=es)
    assert given.es.tolist() == [12, 13] and given.val.tolist() == list(range(4, 12))
    assert given.test.tolist() == list(range(14, 20))
    assert given.codes().tolist() == [0] * 4 + [1] * 8 + [2] * 2 + [3] * 6
    assert Split.from_dict(given.to_dict()).es.tolist() == [12, 13]


def test_overlapping_or_empty_parts_are_refused():
    with pytest.raises(DataError, match="more than one"):
        Split(np.array([0, 1]), np.array([1, 2]), np.array([3]), np.array([4]), 5)
    with pytest.raises(DataError, match="'es' is empty"):
        Split(np.array([0]), np.array([1]), np.array([], int), np.array([2]), 3)
    with pytest.raises(DataError, match="outside"):
        Split(np.array([0]), np.array([1]), np.array([2]), np.array([7]), 5)


def test_splits_compare_by_their_nodes():
    # == raised "The truth value of an array ... is ambiguous"
    y = np.arange(60) % 3
    first, again = make_split(y, 10, 20, seed=1), make_split(y, 10, 20, seed=1)
    other = make_split(y, 10, 20, seed=2)
    assert first == again
    assert first != other
    assert first != "a split"
    assert len({first, again, other}) == 2
    fewer = Split(first.train, first.val, first.es, first.test[:-1], first.n_nodes)
    assert first != fewer


def test_a_split_of_too_few_labelled_nodes_says_how_many_are_needed():
    # "need n_train >= 2, ... got n_train=2, n_val=2, n_test=-1" on 3 rows
    with pytest.raises(DataError) as info:
        make_split(np.array([0, 1, 0, np.nan]), 2, 2)
    assert str(info.value) == (
        "make_split: there are only 3 labelled nodes; a split needs at least 5 (2 "
        "to train on, 2 to validate, 1 to test). Label more nodes, or use a larger "
        "table."
    )


@pytest.mark.parametrize(
    ("n_labelled", "asked", "fit"),
    [(5, (10, 20), (2, 2)), (20, (10, 20), (10, 9)), (178, (10, 20), (10, 20))],
)
def test_split_sizes_that_fit_leave_a_test_node(n_labelled, asked, fit):
    # the CLI said only "got --n-train=10, --n-val=20, n_test=-25" on 5 rows
    assert split_sizes_that_fit(n_labelled, *asked) == fit
    y = np.arange(n_labelled) % 2
    assert make_split(y, *fit).sizes()["test"] >= 1


def test_split_sizes_that_fit_refuse_too_few_labelled_nodes():
    with pytest.raises(DataError, match="only 4 labelled nodes; a split needs"):
        split_sizes_that_fit(4, 10, 20)
