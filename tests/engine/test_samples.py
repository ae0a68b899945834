"""engine.samples: every bundled data set loads with the documented shape."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import engine
from engine.data import describe
from engine.errors import DataError
from engine.samples import list_samples, load_sample

SHAPES = {
    "sachs": ((853, 11), None, 17),
    "linear_gaussian": ((1000, 10), None, 15),
    "wine": ((178, 14), "target", None),
    "breast_cancer": ((569, 31), "target", None),
    "iris": ((150, 5), "target", None),
    "digits": ((1797, 65), "target", None),
}


def test_list_samples_names_every_sample():
    assert list_samples() == list(SHAPES)
    assert engine.list_samples is list_samples and engine.load_sample is load_sample


@pytest.mark.parametrize("name", list(SHAPES))
def test_load_sample_shape_target_and_truth(name):
    shape, target, n_edges = SHAPES[name]
    s = load_sample(name)
    assert s.name == name and s.description
    assert s.frame.shape == shape
    assert s.target == target
    if n_edges is None:
        assert s.truth is None
    else:
        d = shape[1]
        assert s.truth.shape == (d, d) and s.truth.dtype == bool
        assert int(s.truth.sum()) == n_edges
        assert not s.truth.diagonal().any()
    report = describe(s.frame, source=name)
    assert report.usable
    features = [c for c in s.frame.columns if c != target]
    assert s.feature_names == features
    assert all(pd.api.types.is_float_dtype(s.frame[c]) for c in features)
    assert not s.frame[features].isna().any().any()


def test_sachs_columns_and_known_edges():
    s = load_sample("sachs")
    cols = list(s.frame.columns)
    assert cols == [
        "Raf", "Mek", "Plcg", "PIP2", "PIP3", "Erk", "Akt", "PKA", "PKC", "P38", "Jnk",
    ]  # fmt: skip
    edge = {(cols[i], cols[j]) for i, j in zip(*np.nonzero(s.truth), strict=True)}
    assert {("Raf", "Mek"), ("PKC", "PKA"), ("Plcg", "PIP3"), ("PKA", "Jnk")} <= edge
    assert ("PIP3", "Plcg") not in edge
    # first row of the observational condition, as published
    np.testing.assert_allclose(s.frame.iloc[0, :3], [26.4, 13.2, 8.82])


def _is_dag(adj: np.ndarray) -> bool:
    # peel off parentless nodes until none is left (or a cycle blocks it)
    alive = np.ones(len(adj), dtype=bool)
    while alive.any():
        indeg = adj[np.ix_(alive, alive)].sum(axis=0)
        if not (indeg == 0).any():
            return False
        alive[np.flatnonzero(alive)[indeg == 0]] = False
    return True


def test_is_dag_helper_detects_a_cycle():
    assert not _is_dag(np.array([[0, 1], [1, 0]], dtype=bool))


@pytest.mark.parametrize("name", ["sachs", "linear_gaussian"])
def test_truth_graphs_are_acyclic(name):
    assert _is_dag(load_sample(name).truth)


def test_linear_gaussian_follows_its_sem():
    # with the true weights, each child's residual is unit-variance noise
    s = load_sample("linear_gaussian")
    edges = pd.read_csv(engine.samples.sample_dir() / "linear_gaussian_truth.csv")
    cols = list(s.frame.columns)
    W = np.zeros((len(cols), len(cols)))
    for src, dst, w in edges.itertuples(index=False):
        W[cols.index(src), cols.index(dst)] = w
    X = s.frame.to_numpy()
    residual = X - X @ W
    np.testing.assert_allclose(residual.var(axis=0), 1.0, atol=0.12)
    assert np.abs(residual.mean(axis=0)).max() < 0.12


def test_classification_labels_are_readable():
    assert sorted(load_sample("wine").frame["target"].unique()) == [
        "class_0",
        "class_1",
        "class_2",
    ]
    counts = load_sample("breast_cancer").frame["target"].value_counts()
    assert counts.to_dict() == {"benign": 357, "malignant": 212}
    assert load_sample("iris").frame["target"].nunique() == 3
    assert sorted(load_sample("digits").frame["target"].unique()) == list(range(10))


def test_load_sample_returns_fresh_copies():
    a = load_sample("wine")
    a.frame.iloc[0, 0] = -1.0
    assert load_sample("wine").frame.iloc[0, 0] == 14.23


def test_load_sample_unknown_name_lists_choices():
    with pytest.raises(DataError, match=r"must be one of \['breast_cancer'"):
        load_sample("sachs2")


def test_sample_dir_override(tmp_path, monkeypatch):
    monkeypatch.setenv("STRUCTURE_LAB_SAMPLE_DATA", str(tmp_path / "missing"))
    with pytest.raises(DataError, match="STRUCTURE_LAB_SAMPLE_DATA"):
        load_sample("sachs")
    assert load_sample("iris").frame.shape == (150, 5)  # built in memory


def test_synthetic_script_reproduces_the_file(tmp_path, repo_root):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_synthetic", repo_root / "sample_data" / "make_synthetic.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.HERE = tmp_path
    mod.main()
    for name in ("linear_gaussian.csv", "linear_gaussian_truth.csv"):
        assert (tmp_path / name).read_bytes() == (
            repo_root / "sample_data" / name
        ).read_bytes()


def test_a_sample_prints_its_name_and_shapes_not_its_table():
    # repr(load_sample("sachs")) printed the whole frame, the truth matrix and
    # the description: 2 255 characters in a notebook cell
    shown = repr(load_sample("sachs"))
    assert shown == (
        "Sample(name='sachs', frame=(853, 11), target=None, truth=(11, 11), "
        "true_edges=17)"
    )
    assert repr(load_sample("wine")) == (
        "Sample(name='wine', frame=(178, 14), target='target', truth=None)"
    )
