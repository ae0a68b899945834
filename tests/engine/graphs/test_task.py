"""Input notes of a node-classification task."""

from __future__ import annotations

import numpy as np
import pytest

from engine import learn_graph, load_sample
from engine.errors import DataWarning


def test_training_nodes_of_one_class_are_warned_about_and_recorded():
    wine = load_sample("wine")
    X = wine.frame.drop(columns=[wine.target])
    y = wine.frame[wine.target].to_numpy()
    n = len(y)
    train = np.zeros(n, bool)
    train[np.flatnonzero(y == y[0])[:10]] = True
    val = np.zeros(n, bool)
    val[np.flatnonzero(~train)[::8][:20]] = True
    with pytest.warns(DataWarning, match="the training nodes hold 1 of the 3 classes"):
        result = learn_graph(
            X, y, split={"train": train, "val": val}, seed=0, max_outer_iter=2
        )
    assert any("can never predict them" in w for w in result.warnings)


def test_a_paper_split_has_every_class_in_training(recwarn):
    wine = load_sample("wine")
    X = wine.frame.drop(columns=[wine.target])
    result = learn_graph(
        X, wine.frame[wine.target], split="wine", seed=0, max_outer_iter=2
    )
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]
    assert not any("training nodes" in w for w in result.warnings)


def test_a_column_too_large_for_its_variance_is_refused_by_name():
    # the CLI refused it; the library fitted with the column quietly ruined
    # (numpy's overflow warning only) and a lower accuracy
    from engine.errors import DataError

    X = np.random.default_rng(0).normal(size=(60, 4))
    X[:, 2] *= 1e300
    y = np.arange(60) % 2
    with pytest.raises(DataError, match=r"learn_graph: column\(s\) \['x2'\] hold"):
        learn_graph(X, y, split="random", max_outer_iter=1)
