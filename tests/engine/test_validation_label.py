"""``label_looks_continuous``: a class label that is really a measurement or an id."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine import load_sample
from engine.validation import label_looks_continuous


@pytest.mark.parametrize("name", ["wine", "breast_cancer", "digits"])
def test_the_samples_class_labels_are_not_flagged(name):
    sample = load_sample(name)
    assert label_looks_continuous(sample.frame[sample.target]) is None


def test_a_measurement_is_flagged_and_named():
    # wine's 'alcohol' was accepted as a label of 126 classes without a word
    frame = load_sample("wine").frame
    message = label_looks_continuous(frame["alcohol"])
    assert message.startswith("The label 'alcohol' has 126 distinct values in 178")
    assert "numbers with fractions" in message and "Choose a column" in message


def test_an_identifier_is_flagged_and_few_classes_are_not():
    ids = pd.Series([f"row{i}" for i in range(40)], name="id")
    assert "40 distinct values in 40 labelled rows" in label_looks_continuous(ids)
    # whole numbers with many rows per class: a class label
    assert label_looks_continuous(np.arange(200) % 12) is None
    # fractional codes but only a few of them: not flagged
    assert label_looks_continuous(np.tile([0.5, 1.5, 2.5], 20)) is None
    # a small table: never enough distinct values to judge
    assert label_looks_continuous([0.1, 0.2, 0.3, 0.4]) is None


def test_missing_labels_are_ignored():
    values = [float(i) for i in range(12)] * 3 + [np.nan] * 100 + [None, ""]
    assert label_looks_continuous(values) is None  # 12 classes in 36 labelled rows
    message = label_looks_continuous([i / 3 for i in range(12)] + [np.nan] * 100)
    assert "12 distinct values in 12 labelled rows" in message
