"""``python -m engine dag``: JSON output, prior files, truth metrics, bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engine.cli import main
from engine.dag import simulate_sem


@pytest.fixture
def table(tmp_path, seed):
    sim = simulate_sem(4, 200, edges_per_node=1.0, seed=seed)
    path = tmp_path / "data.csv"
    pd.DataFrame(sim.X, columns=list("abcd")).to_csv(path, index=False)
    truth = tmp_path / "truth.csv"
    rows = [f"{'abcd'[i]},{'abcd'[j]}" for i, j in np.argwhere(sim.adjacency)]
    truth.write_text("source,target\n" + "\n".join(rows) + "\n")
    return path, truth


def test_dag_command_writes_json_with_metrics(table, tmp_path, seed):
    data, truth = table
    forbid = tmp_path / "forbid.csv"
    forbid.write_text("source,target,kind\na,b,forbidden\n")
    tiers = tmp_path / "tiers.csv"
    tiers.write_text("node,tier\na,0\nb,0\nc,1\nd,1\n")
    out = tmp_path / "out.json"
    code = main(
        [
            "dag",
            str(data),
            "--standardize",
            "--seed",
            str(seed),
            "--max-iter",
            "20",
            "--forbid",
            str(forbid),
            "--tiers",
            str(tiers),
            "--truth",
            str(truth),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc["nodes"] == list("abcd") and doc["seed"] == seed
    assert doc["method"] == "permutahedron" and doc["device"] == "cpu"
    assert doc["options"]["max_iter"] == 20
    assert set(doc["metrics"]) == {
        "shd",
        "shd_cpdag",
        "sid",
        "tpr",
        "fdr",
        "precision",
        "recall",
        "f1",
        "n_edges",
    }
    edges = {(e["source"], e["target"]) for e in doc["edges"]}
    assert ("a", "b") not in edges
    assert not any(s in "cd" and t in "ab" for s, t in edges)  # tiers
    assert all(isinstance(e["weight"], float) for e in doc["edges"])
    assert doc["metrics"]["n_edges"] == len(edges)


def test_dag_command_bad_input_exits_with_one_line(table, tmp_path, capsys):
    data, _ = table
    assert main(["dag", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1
    bad_truth = tmp_path / "bad.csv"
    bad_truth.write_text("source,target\na,zzz\n")
    assert main(["dag", str(data), "--max-iter", "5", "--truth", str(bad_truth)]) == 2
    assert "zzz" in capsys.readouterr().err
    bad_forbid = tmp_path / "forbid.csv"
    bad_forbid.write_text("source,target\na,nope\n")
    assert main(["dag", str(data), "--forbid", str(bad_forbid)]) == 2
    assert "unknown node 'nope'" in capsys.readouterr().err
