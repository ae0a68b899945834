"""Classes, players and rows of a result by name: integer names are names.

Real wine data and a real scikit-learn model whose classes are integers other
than 0..K-1 (the UCI codes 1, 2, 3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import engine
from engine.errors import ConfigError
from engine.plots import mean_vs_reference, p_change_bars, transition_heatmap


@pytest.fixture(scope="module")
def wine():
    """Standardised wine features and the classes coded 1, 2, 3."""
    frame = engine.load_sample("wine").frame
    X = frame.drop(columns="target")
    X = (X - X.mean()) / X.std()
    y = frame.target.map({"class_0": 1, "class_1": 2, "class_2": 3})
    return X, y


def _explain(model, X, rows, **kw):
    return engine.explain(
        model, X.iloc[rows], background=X, seed=0, estimator="permutation", **kw
    )


def test_integer_classes_are_class_names_not_positions(wine) -> None:
    # contrast(0, m.classes_[0], m.classes_[1]) explained '2' -> '3' silently
    X, y = wine
    m = LogisticRegression(max_iter=5000).fit(X, y)
    v = _explain(m, X, [0])
    assert v.classes == ("1", "2", "3")
    wanted = v.contrast(0, "1", "2")
    q = v.transitions[0]
    assert wanted["probability"].max() == pytest.approx(q[:, 1, 0].max())
    for a, b in ((m.classes_[0], m.classes_[1]), (1, 2), (np.int64(1), 2.0)):
        pd.testing.assert_frame_equal(v.contrast(0, a, b), wanted)
    assert v.class_index(3) == 2
    # 0 names no class, and with numbered classes an integer is never a position
    with pytest.raises(ConfigError) as info:
        v.contrast(0, 0, "2")
    message = str(info.value)
    assert "contrast: class 0 is not one of classes ['1', '2', '3']" in message
    assert "pass its name classes[0] ('1')" in message


def test_classes_2_5_7_are_read_by_name(wine) -> None:
    # contrast(0, 2, 5) took 2 as the class at position 2 (7), then failed on 5
    X, y = wine
    y = y.map({1: 2, 2: 5, 3: 7})
    m = LogisticRegression(max_iter=5000).fit(X, y)
    v = _explain(m, X, [0])
    assert v.classes == ("2", "5", "7")
    pd.testing.assert_frame_equal(v.contrast(0, 2, 5), v.contrast(0, "2", "5"))
    assert v.contrast(0, 2, 5)["probability"].max() == pytest.approx(
        v.transitions[0][:, 1, 0].max()
    )
    fig = mean_vs_reference(v, 0, class_index=7)
    assert "for P(7)" in fig.layout.title.text


def test_text_classes_still_take_positions(wine) -> None:
    X, y = wine
    m = LogisticRegression(max_iter=5000).fit(X, y.map({1: "a", 2: "b", 3: "c"}))
    v = _explain(m, X, [0])
    pd.testing.assert_frame_equal(v.contrast(0, 0, 1), v.contrast(0, "a", "b"))
    with pytest.raises(ConfigError, match=r"unknown class 3: .* position in 0\.\.2"):
        v.contrast(0, 3, "a")


def test_integer_column_names_are_player_names(wine) -> None:
    # the columns [13, 12, ..., 1]: player 1 is the column named 1, not the
    # column at position 1 (named 12)
    X, y = wine
    Xn = X.set_axis(range(13, 0, -1), axis=1)
    m = LogisticRegression(max_iter=5000).fit(Xn.to_numpy(), y)
    v = engine.explain(
        m, Xn.iloc[[0]], background=Xn, seed=0, players=[[1], [2, 3], [13]]
    )
    assert v.features == ("1", "2+3", "13")
    assert v.config["groups"] == {"1": ["1"], "2+3": ["2", "3"], "13": ["13"]}
    assert v.player_index(13) == 2 and v.player_index("2+3") == 1
    heat = transition_heatmap(v, 0, 1)
    assert heat.layout.title.text.startswith("1:")
    with pytest.raises(
        ConfigError, match=r"transition_heatmap: player 0 is not one of"
    ):
        transition_heatmap(v, 0, 0)
    with pytest.raises(
        ConfigError, match=r"player 'g': column 0 is not one of X's columns .* pass"
    ):
        engine.explain(m, Xn.iloc[[0]], background=Xn, players={"g": [0]})


def test_the_dataframe_index_labels_the_rows(wine) -> None:
    # explaining X.iloc[[0, 60]] gave rows [0, 1]; contrast(60, ...) failed
    X, y = wine
    m = LogisticRegression(max_iter=5000).fit(X, y)
    v = _explain(m, X, [0, 60])
    assert v.rows.tolist() == [0, 60]
    assert v.data_frame().index.tolist() == [0, 60]
    assert v.summary_frame()["row"].unique().tolist() == [0, 60]
    assert v.to_frame()["row"].unique().tolist() == [0, 60]
    table = v.contrast(60, "1", "2")
    assert table["probability"].max() == pytest.approx(v.transitions[1][:, 1, 0].max())
    assert "row 60" in p_change_bars(v, row=60).layout.title.text
    # the same rows through an executor keep their labels too
    chunked = _explain(m, X, [0, 60], executor="serial", chunk_rows=1)
    assert chunked.rows.tolist() == [0, 60]
    # 1 is no row label, and row labels are numbers: never a position
    with pytest.raises(ConfigError) as info:
        v.contrast(1, "1", "2")
    message = str(info.value)
    assert "contrast: row 1 is not one of rows ['0', '60']" in message
    assert "pass its name rows[1] ('60')" in message


def test_arrays_and_non_integer_indexes_number_the_rows(wine) -> None:
    X, y = wine
    m = LogisticRegression(max_iter=5000).fit(X, y)
    plain = engine.explain(
        m, X.iloc[[0, 60]].to_numpy(), background=X.to_numpy(), seed=0
    )
    assert plain.rows.tolist() == [0, 1]
    named = X.iloc[[0, 60]].set_axis(["first", "second"])
    v = engine.explain(m, named, background=X, seed=0)
    assert v.rows.tolist() == [0, 1]
    assert any("index" in note and "'first'" in note for note in v.notes)
    # explicit labels win over the index
    given = engine.explain(m, X.iloc[[0, 60]], background=X, row_labels=[5, 6])
    assert given.rows.tolist() == [5, 6]


def test_repeated_row_labels_are_refused(wine) -> None:
    X, y = wine
    m = LogisticRegression(max_iter=5000).fit(X, y)
    with pytest.raises(
        ConfigError, match=r"X's index repeats the labels \['0'\].*reset_index"
    ):
        engine.explain(m, X.iloc[[0, 0, 5]], background=X, seed=0)
    with pytest.raises(ConfigError, match=r"'row_labels' repeats \['7'\]"):
        engine.explain(m, X.iloc[[0, 5]], background=X, row_labels=[7, 7])


def test_unsigned_labels_beyond_int64_are_renumbered_with_a_note(wine) -> None:
    # the labels 2**63 .. came back wrapped to negative numbers, without a note
    X, y = wine
    m = LogisticRegression(max_iter=5000).fit(X, y)
    rows = X.iloc[:3].set_axis(pd.Index(np.arange(3, dtype=np.uint64) + 2**63))
    v = engine.explain(m, rows, background=X, seed=0, estimator="permutation")
    assert v.rows.tolist() == [0, 1, 2]
    assert any("too large for int64" in note for note in v.notes)
    # large and small together read as float64 and were refused as non-integers
    mixed = rows.set_axis(pd.Index(np.array([2**63, 2**63 + 1, 5], dtype=np.uint64)))
    v = engine.explain(m, mixed, background=X, seed=0, estimator="permutation")
    assert v.rows.tolist() == [0, 1, 2]
    (note,) = [note for note in v.notes if "index" in note]
    assert "too large for int64" in note and "9223372036854775808" in note
    # unsigned labels that fit keep their values
    small = rows.set_axis(pd.Index(np.array([7, 2**63 - 1, 5], dtype=np.uint64)))
    v = engine.explain(m, small, background=X, seed=0, estimator="permutation")
    assert v.rows.tolist() == [7, 2**63 - 1, 5]
    assert v.row_index(2**63 - 1) == 1


def test_an_object_index_of_integers_labels_the_rows(wine) -> None:
    # pd.Index([10, 11, 12], dtype=object) was renumbered "not of integers"
    X, y = wine
    m = LogisticRegression(max_iter=5000).fit(X, y)
    rows = X.iloc[:3].set_axis(pd.Index([10, np.int64(11), 2**53 + 1], dtype=object))
    v = engine.explain(m, rows, background=X, seed=0, estimator="permutation")
    assert v.rows.tolist() == [10, 11, 2**53 + 1]
    assert not any("index" in note for note in v.notes)
    assert v.row_index(2**53 + 1) == 2
    with pytest.raises(ConfigError, match="row 9007199254740992 is not one of rows"):
        v.row_index(2**53)  # compared exactly, not through float


def test_row_labels_beyond_int64_are_refused(wine) -> None:
    X, y = wine
    m = LogisticRegression(max_iter=5000).fit(X, y)
    for labels in (
        [2**63, 5],
        np.array([2**63, 5], dtype=np.uint64),
        [-(2**63) - 1, 1],
    ):
        with pytest.raises(ConfigError, match=r"'row_labels' .* too large for int64"):
            engine.explain(m, X.iloc[:2], background=X, row_labels=labels)
    with pytest.raises(ConfigError, match=r"'row_labels' must be integers.*True"):
        engine.explain(m, X.iloc[:2], background=X, row_labels=[True, 1])
