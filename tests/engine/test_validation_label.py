"""``class_label_warning``: a class label that is really a measurement or an id."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine import load_sample
from engine.validation import (
    LABEL_MANY_CLASSES,
    class_label_warning,
    continuous_label,
    guess_label_column,
)


@pytest.mark.parametrize("name", ["wine", "breast_cancer", "digits", "iris"])
def test_the_samples_class_labels_are_not_flagged(name):
    sample = load_sample(name)
    assert class_label_warning(sample.frame[sample.target], sample.target) is None


def test_a_measurement_is_flagged_and_named():
    # wine's 'alcohol' was accepted as a label of 126 classes without a word
    frame = load_sample("wine").frame
    message = class_label_warning(frame["alcohol"], "alcohol")
    assert message.startswith("the label column 'alcohol' has 126 distinct values")
    assert "in 178 labelled rows (decimal numbers, 1.4 rows per class)" in message


def test_an_identifier_is_flagged_and_few_classes_are_not():
    ids = pd.Series([f"row{i}" for i in range(40)])
    assert "40 distinct values in 40 labelled rows" in class_label_warning(ids, "id")
    # whole numbers with many rows per class: a class label
    assert class_label_warning(np.arange(200) % 12, "y") is None
    # decimal codes but only a few of them: not flagged
    assert class_label_warning(np.tile([0.5, 1.5, 2.5], 20), "y") is None
    # a small table: never enough distinct values to judge
    assert class_label_warning([0.1, 0.2, 0.3, 0.4], "y") is None


def test_missing_labels_are_ignored():
    # 12 whole-number classes of 20 rows each, plus missing cells of every kind
    values = [str(i) for i in range(12)] * 20 + [None, "", " "]
    assert class_label_warning(values, "y") is None
    message = class_label_warning([i / 3 for i in range(12)] + [np.nan] * 100, "y")
    assert "12 distinct values in 12 labelled rows" in message


def test_the_label_column_is_guessed_by_name_then_by_its_values():
    frame = pd.DataFrame(
        {
            "temp": np.linspace(10, 30, 60),  # a measurement: never the label
            "code": np.arange(60) % 3,  # few integer values
            "weather": np.array(["cold", "mild", "warm"])[np.arange(60) % 3],
            "id": [f"S-{i}" for i in range(60)],  # text, one value per row
        }
    )
    assert guess_label_column(frame) == "weather"
    assert guess_label_column(frame.drop(columns="weather")) is None
    assert guess_label_column(frame.drop(columns="weather"), numeric=True) == "code"
    assert guess_label_column(frame[["temp", "id"]].assign(Target=1.5)) == "Target"
    measurements = frame[["temp"]]
    assert guess_label_column(measurements, numeric=True) is None


def test_a_class_like_named_column_beats_a_continuous_one_named_earlier():
    # d_dupcols.csv: a continuous 'y' was guessed over the 0/1 'label' after it,
    # being the first name match in column order
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=300),
            "y": rng.normal(size=300),
            "label": rng.integers(0, 2, 300),
        }
    )
    assert guess_label_column(frame) == "label"
    assert guess_label_column(frame, numeric=True) == "label"
    # text classes count as class-like too
    text = frame.assign(label=np.where(frame["label"] == 1, "yes", "no"))
    assert guess_label_column(text) == "label"


def test_named_candidates_rank_by_name_then_position():
    frame = pd.DataFrame(
        {
            "class": [0, 1, 0, 1, 2, 2],
            "target": ["a", "b", "a", "b", "a", "b"],
            "Target ": [1, 0, 1, 0, 1, 0],
        }
    )
    # both class-like: 'target' comes before 'class' in LABEL_NAMES, and the
    # first of the two columns named so
    assert guess_label_column(frame) == "target"
    # decimal codes are not class-like: a whole-number 'y' beats them
    coded = pd.DataFrame({"target": [0.5, 1.5, 0.5, 1.5], "y": [1, 2, 1, 2]})
    assert guess_label_column(coded) == "y"
    # only continuous named columns: still the first by name priority
    continuous = pd.DataFrame({"y": np.linspace(0, 1, 40), "outcome": np.arange(40.0)})
    assert guess_label_column(continuous) == "y"


def test_continuous_labels_are_decimal_numbers_with_many_values():
    # a 600-value measurement was trained as 600 classes (accuracy 0.000)
    rng = np.random.default_rng(0)
    assert continuous_label(rng.normal(size=600))
    assert continuous_label(pd.Series([*rng.normal(size=40), np.nan, np.inf]))
    n = LABEL_MANY_CLASSES
    assert not continuous_label(np.arange(n) + 0.5)  # a few decimal grades
    assert continuous_label(np.arange(n + 1) + 0.5)
    assert not continuous_label(np.arange(600.0))  # whole numbers: codes, years
    assert not continuous_label([f"c{i}" for i in range(600)])  # text
    assert not continuous_label(np.arange(600) % 2 == 0)  # booleans
    for name in ("wine", "breast_cancer", "digits", "iris"):
        sample = load_sample(name)
        assert not continuous_label(sample.frame[sample.target])
