"""Side-by-side comparison of two learned graphs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.dag.compare import compare_runs
from engine.errors import DataError


def test_compare_runs_classifies_every_edge():
    names = ["a", "b", "c", "d"]
    a = np.zeros((4, 4), dtype=bool)
    b = np.zeros((4, 4), dtype=bool)
    a[0, 1] = b[0, 1] = True  # both
    a[1, 2] = True  # A only
    b[2, 1] = True  # B only, reversed of an A edge
    b[2, 3] = True  # B only
    truth = np.zeros((4, 4), dtype=bool)
    truth[0, 1] = truth[1, 2] = True
    out = compare_runs(a, b, names, truth=truth, labels=("seed 0", "seed 1"))
    got = {(r.source, r.target): r._3 for r in out["edges"].itertuples()}
    assert got == {
        ("a", "b"): "both",
        ("b", "c"): "A only (reversed in B)",
        ("c", "b"): "B only (reversed in A)",
        ("c", "d"): "B only",
    }
    assert out["edges"].set_index(["source", "target"])["in truth"].to_dict() == {
        ("a", "b"): True,
        ("b", "c"): True,
        ("c", "b"): False,
        ("c", "d"): False,
    }
    summary = out["summary"]
    assert dict(zip(summary["found by"], summary["edges"], strict=True)) == {
        "both": 1,
        "A only (reversed in B)": 1,
        "B only (reversed in A)": 1,
        "B only": 1,
    }
    m = out["metrics"]
    assert m.loc["shd", "seed 0"] == 0 and m.loc["n_edges", "seed 1"] == 3
    # B: a->b right, c->b reversed, c->d extra: SHD 2 with reversal = 1
    assert m.loc["shd", "seed 1"] == 2


def test_compare_runs_without_truth_and_bad_shapes():
    a = np.eye(3, k=1)
    out = compare_runs(a, a, ["x", "y", "z"])
    assert set(out["edges"]["found by"]) == {"both"} and out["metrics"].empty
    with pytest.raises(DataError, match="shape"):
        compare_runs(a, np.zeros((2, 2)), ["x", "y", "z"])


def test_labelled_frames_are_read_by_their_labels():
    # run B lists its nodes as [z, y, x]: the same graph x -> y, read by position,
    # was "A only" plus "B only"
    names = ["x", "y", "z"]
    a = pd.DataFrame(0, index=names, columns=names)
    a.loc["x", "y"] = 1
    b = a.loc[names[::-1], names[::-1]]
    out = compare_runs(a, b, names, truth=b)
    assert out["edges"][["source", "target", "found by"]].values.tolist() == [
        ["x", "y", "both"]
    ]
    assert out["edges"]["in truth"].tolist() == [True]
    assert out["metrics"].loc["shd"].tolist() == [0, 0]
    other = a.rename(index={"z": "w"}, columns={"z": "w"})
    with pytest.raises(
        DataError,
        match=r"'adjacency_b' .*in 'node_names' only: \['z'\]; in 'adjacency_b' "
        r"only: \['w'\]",
    ):
        compare_runs(a, other, names)
