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
    # every metric of compare_graphs (FPR and the cdt-style SHD were missing),
    # each with the convention it follows
    assert set(doc["metrics"]) == {
        "shd",
        "shd_double",
        "shd_cpdag",
        "sid",
        "ancestor_aid",
        "tpr",
        "fdr",
        "fpr",
        "precision",
        "recall",
        "f1",
        "n_edges",
        "n_true_edges",
        "n_reversed",
        "n_missing",
        "n_extra",
    }
    assert set(doc["metric_conventions"]) == set(doc["metrics"])
    assert "counted twice" in doc["metric_conventions"]["shd_double"]
    m = doc["metrics"]
    assert m["shd_double"] == m["shd"] + m["n_reversed"]
    assert m["shd"] == m["n_missing"] + m["n_extra"] + m["n_reversed"]
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
    assert "['nope'] are not columns" in capsys.readouterr().err
    bad_forbid.write_bytes("source,target\na,\xe9\n".encode("latin-1"))
    assert main(["dag", str(data), "--forbid", str(bad_forbid)]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and err.count("\n") == 1
    # a kind under a two-column header was read as forbidden: refused instead
    bad_forbid.write_text("source,target\na,b,required\n")
    assert main(["dag", str(data), "--forbid", str(bad_forbid)]) == 2
    err = capsys.readouterr().err
    assert f"'--forbid' {bad_forbid}: line 2 of the edge file has 3 fields" in err
    assert "add a 'kind' column to the header ('source,target,kind')" in err


def test_dag_command_bootstrap_adds_edge_frequency(table, tmp_path, seed):
    data, _ = table
    out = tmp_path / "boot.json"
    argv = ["dag", str(data), "--seed", str(seed), "--max-iter", "20"]
    argv += ["--bootstrap", "3", "--option", "n_orderings=4", "--out", str(out)]
    assert main(argv) == 0
    doc = json.loads(out.read_text())
    freq = np.array(doc["edge_frequency"])
    assert freq.shape == (4, 4)
    np.testing.assert_allclose(freq * 3, np.round(freq * 3), atol=1e-6)
    assert doc["bootstrap"]["n_done"] == 3
    assert doc["options"]["n_orderings"] == 4
    assert doc["bootstrap"]["unoriented_edges"] == []  # raw data: no ties


def test_dag_command_bootstrap_on_processes_equals_serial(table, tmp_path, seed):
    data, _ = table
    docs = {}
    for executor in ("serial", "processes"):
        out = tmp_path / f"{executor}.json"
        argv = ["dag", str(data), "--standardize", "--seed", str(seed)]
        argv += ["--max-iter", "20", "--option", "n_orderings=4", "--bootstrap", "3"]
        argv += ["--executor", executor, "--out", str(out)]
        argv += ["--workers", "2"] if executor == "processes" else []
        assert main(argv) == 0
        docs[executor] = json.loads(out.read_text())
    assert docs["processes"]["bootstrap"]["executor"] == "processes"
    assert docs["processes"]["edge_frequency"] == docs["serial"]["edge_frequency"]
    assert np.asarray(docs["processes"]["edge_frequency"]).shape == (4, 4)
    # standardised: the score leaves some directions open, and the JSON says which
    open_pairs = docs["serial"]["bootstrap"]["unoriented_edges"]
    assert open_pairs and all(len(pair) == 2 for pair in open_pairs)
    assert docs["processes"]["bootstrap"]["unoriented_edges"] == open_pairs


def test_dag_command_rejects_unknown_option(table, capsys):
    data, _ = table
    assert main(["dag", str(data), "--option", "colour=red"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: dag: '--option' must be KEY=VALUE")
    assert err[-1] == "\n" and err.count("\n") == 1


@pytest.mark.parametrize("estimator", ["imle", "aimle", "ste"])
def test_dag_command_dagdb_writes_json_with_metrics(table, tmp_path, seed, estimator):
    data, truth = table
    tiers = tmp_path / "tiers.csv"
    tiers.write_text("node,tier\na,0\nb,0\nc,1\nd,1\n")
    out = tmp_path / "out.json"
    argv = ["dag", str(data), "--method", "dagdb", "--seed", str(seed)]
    argv += ["--max-iter", "15", "--option", f"estimator={estimator}"]
    argv += ["--tiers", str(tiers), "--truth", str(truth), "--out", str(out)]
    assert main(argv) == 0
    doc = json.loads(out.read_text())
    assert doc["method"] == "dagdb" and doc["seed"] == seed
    assert doc["options"]["estimator"] == estimator
    assert doc["options"]["max_iter"] == 15
    assert {"shd", "shd_cpdag", "sid", "n_edges"} <= set(doc["metrics"])
    edges = {(e["source"], e["target"]) for e in doc["edges"]}
    assert not any(s in "cd" and t in "ab" for s, t in edges)  # tiers
    assert doc["metrics"]["n_edges"] == len(edges)


def test_dag_command_dagdb_marginal_samples_option(table, tmp_path, capsys):
    data, _ = table
    out = tmp_path / "out.json"
    argv = ["dag", str(data), "--method", "dagdb", "--max-iter", "3"]
    argv += ["--option", "marginal_samples=2", "--out", str(out)]
    assert main(argv) == 0
    assert json.loads(out.read_text())["options"]["marginal_samples"] == 2
    # 3 epochs leave the scores near zero: DAG-DB may note that the result is far
    # sparser than its sampled graphs; nothing else is said
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == f"wrote {out}"
    assert all("the learned graph has" in line for line in lines[:-1]), lines
    for bad in ("0", "1.5"):
        argv[-3] = f"marginal_samples={bad}"
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and err.count("\n") == 1
        assert "'marginal_samples'" in err and bad in err, err


def test_dag_command_dagdb_bad_option_exits_with_one_line(table, capsys):
    data, _ = table
    argv = ["dag", str(data), "--method", "dagdb", "--option", "estimator=nope"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1
    assert "estimator" in err


def test_dag_command_checks_truth_and_out_before_the_fit(
    table, tmp_path, capsys, monkeypatch
):
    import engine.commands.dag as dag_command

    def no_fit(*args, **kwargs):
        raise AssertionError("the fit ran before the bad file was reported")

    monkeypatch.setattr(dag_command, "learn_dag", no_fit)
    data, _ = table
    bad_truth = tmp_path / "bad.csv"
    bad_truth.write_text("source,target\na,zzz\n")
    assert main(["dag", str(data), "--truth", str(bad_truth)]) == 2
    assert "zzz" in capsys.readouterr().err
    out = tmp_path / "no" / "such" / "dir" / "dag.json"
    assert main(["dag", str(data), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "folder of '--out'" in err and err.count("\n") == 1


def test_dag_command_json_records_the_prior_knowledge_used(table, tmp_path):
    # the app's Result JSON recorded it under data_preparation.prior_knowledge,
    # the command's --out did not
    data, _ = table
    forbid = tmp_path / "forbid.csv"
    forbid.write_text("source,target,kind\na,b,forbidden\nc,d,required\n")
    tiers = tmp_path / "tiers.csv"
    tiers.write_text("node,tier\na,0\nc,1\n")
    out = tmp_path / "out.json"
    argv = ["dag", str(data), "--max-iter", "2", "--out", str(out)]
    assert main([*argv, "--forbid", str(forbid), "--tiers", str(tiers)]) == 0
    prep = json.loads(out.read_text())["data_preparation"]
    assert prep == {
        "data_set": str(data),
        "columns": ["a", "b", "c", "d"],
        "missing_values": "drop",
        "scaling": "none",
        "prior_knowledge": {
            "forbidden": [["a", "b"]],
            "required": [["c", "d"]],
            "tiers": {"a": 0, "c": 1},
        },
    }
    assert main([*argv, "--standardize"]) == 0
    prep = json.loads(out.read_text())["data_preparation"]
    assert prep["scaling"] == "standardize"
    assert prep["prior_knowledge"] == {"forbidden": [], "required": [], "tiers": {}}


def test_dag_command_refuses_an_option_that_does_nothing(table, capsys):
    # estimator=ste with lam=5 exited 0; the README says such options are refused
    data, _ = table
    argv = ["dag", str(data), "--method", "dagdb", "--option", "estimator=ste"]
    assert main([*argv, "--option", "lam=5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: DagdbConfig: lam=5.0 does nothing with ")
    assert "estimator='ste'" in err and err.count("\n") == 1


def test_dag_command_seed_error_names_the_flag(table, capsys):
    # "error: 'seed' must lie in ..." had no "dag:" and named the parameter
    data, _ = table
    assert main(["dag", str(data), "--seed", "-3"]) == 2
    assert capsys.readouterr().err == (
        "error: dag: '--seed' must lie in [0, 2147483647]; got -3.\n"
    )


def test_dag_command_writes_dagdbs_edge_probabilities(table, tmp_path, seed, capsys):
    from engine.dag import DagResult

    data, _ = table
    out = tmp_path / "out.json"
    argv = ["dag", str(data), "--method", "dagdb", "--seed", str(seed)]
    argv += ["--max-iter", "10", "--option", "prune_threshold=0"]
    assert main([*argv, "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    result = DagResult.from_json(out)
    p = np.array(doc["edge_probabilities"])  # a plain matrix, row = source
    assert p.shape == (4, 4) and np.array_equal(p, result.edge_probabilities)
    assert doc["edges"], "the MAP graph of 10 epochs, unpruned, has edges"
    for e in doc["edges"]:
        assert set(e) == {"source", "target", "weight", "probability"}
        i, j = "abcd".index(e["source"]), "abcd".index(e["target"])
        assert e["probability"] == p[i, j]
        assert e["probability"] > 0.5  # the noise-free MAP graph keeps those
    # stdout has the same summary keys
    capsys.readouterr()
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["edge_probabilities"] == doc["edge_probabilities"]
    assert printed["edges"] == doc["edges"]


def test_dag_command_writes_the_permutahedrons_edge_probabilities(
    table, tmp_path, seed, capsys
):
    from engine.dag import DagResult

    data, _ = table
    out = tmp_path / "out.json"
    argv = ["dag", str(data), "--seed", str(seed), "--max-iter", "20"]
    assert main([*argv, "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    result = DagResult.from_json(out)
    assert doc["method"] == "permutahedron"
    p = np.array(doc["edge_probabilities"])  # a plain matrix, row = source
    assert p.shape == (4, 4) and np.array_equal(p, result.edge_probabilities)
    assert ((p >= 0) & (p <= 1)).all() and (np.diag(p) == 0).all()
    assert (p + p.T).max() <= 1 + 1e-12  # every ordering's DAG is acyclic
    assert doc["edges"]
    for e in doc["edges"]:
        assert set(e) == {"source", "target", "weight", "probability"}
        i, j = "abcd".index(e["source"]), "abcd".index(e["target"])
        assert e["probability"] == p[i, j]
    capsys.readouterr()
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["edge_probabilities"] == doc["edge_probabilities"]
    assert printed["edges"] == doc["edges"]
    # one writer: the result's own JSON (the app's Result JSON) lists the same
    # nodes and edges, with the same meaning
    own = json.loads(result.to_json())
    assert own["nodes"] == printed["nodes"] == list("abcd")
    assert own["edges"] == printed["edges"]


def test_dag_command_without_edge_probabilities_says_null(
    table, tmp_path, seed, monkeypatch
):
    # a permutahedron fit stopped before its orderings were fitted has none
    import engine.dag.permutahedron as perm

    monkeypatch.setattr(perm, "_edge_probabilities", lambda *args: None)
    data, _ = table
    out = tmp_path / "out.json"
    argv = ["dag", str(data), "--seed", str(seed), "--max-iter", "5", "--out", str(out)]
    assert main(argv) == 0
    doc = json.loads(out.read_text())
    assert doc["method"] == "permutahedron" and doc["edge_probabilities"] is None
    assert all("probability" not in e for e in doc["edges"])


def _wide_table(tmp_path, n_rows: int, n_columns: int):
    """A real CSV of ``n_rows`` x ``n_columns`` numbers, and its matrix's shape as
    the dag command reads it."""
    from engine.data import read_table, to_matrix

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.normal(size=(n_rows, n_columns)),
        columns=[f"x{k}" for k in range(n_columns)],
    )
    path = tmp_path / f"wide_{n_columns}.csv"
    frame.to_csv(path, index=False)
    X = to_matrix(read_table(path)[0])[0]
    return path, X.shape


def _dag_args(argv: list[str]):
    from engine.cli import build_parser

    return build_parser().parse_args(["dag", *argv])


def test_dag_command_warns_of_a_long_fit_as_the_causal_page_does(tmp_path):
    # `dag` on a 5 000 x 80 table started a fit of minutes without a word, where
    # the Causal discovery page warns (cost_warning from d = 53 at any n)
    from engine.commands.dag import long_fit_note
    from engine.dag import PermutahedronConfig
    from engine.dag.permutahedron import cost_warning, fit_seconds
    from engine.runtime import duration_words

    wide, (n, d) = _wide_table(tmp_path, 300, 60)
    assert (n, d) == (300, 60)
    lines = long_fit_note(_dag_args([str(wide)]), n, d)
    assert cost_warning(n, d, PermutahedronConfig()) is not None  # the page warns
    low, high = fit_seconds(n, d, PermutahedronConfig())
    assert len(lines) == 2
    assert lines[0].startswith("a long fit: 60 columns and 300 rows; expect about ")
    assert (
        f"{duration_words(low)} to {duration_words(high)} on one CPU core" in (lines[0])
    )
    assert "--max-iter 300 epochs" in lines[0]
    for advice in ("--columns", "--max-iter", "--option n_orderings", "polish"):
        assert advice in lines[1], lines[1]
    assert "Ctrl-C" in lines[1]
    # the options of the command line are the fit's: no polish, no warning here
    assert long_fit_note(_dag_args([str(wide), "--option", "polish=false"]), n, d) == []
    bootstrap = long_fit_note(_dag_args([str(wide), "--bootstrap", "5"]), n, d)
    assert "--bootstrap 5" in bootstrap[0]
    # another method has no estimate, and the page does not warn of it either
    assert long_fit_note(_dag_args([str(wide), "--method", "dagdb"]), n, d) == []
    narrow, (n, d) = _wide_table(tmp_path, 300, 52)
    assert long_fit_note(_dag_args([str(narrow)]), n, d) == []


def test_the_long_fit_note_without_early_stopping_gives_one_figure(tmp_path):
    # with --option patience=0 it said "expect about 18 min to 18 min ... (up to
    # --max-iter 20000 epochs, fewer when training stops early)"
    from engine.commands.dag import long_fit_note
    from engine.dag import PermutahedronConfig
    from engine.dag.permutahedron import fit_seconds
    from engine.runtime import duration_words

    wide, (n, d) = _wide_table(tmp_path, 300, 60)
    argv = [str(wide), "--max-iter", "2000", "--option", "patience=0"]
    (line, _) = long_fit_note(_dag_args(argv), n, d)
    low, high = fit_seconds(n, d, PermutahedronConfig(max_iter=2000, patience=0))
    assert duration_words(low) == duration_words(high)
    assert f"expect about {duration_words(low)} on one CPU core" in line, line
    assert "(all --max-iter 2000 epochs: early stopping is off)" in line
    assert "stops early" not in line


def test_dag_command_says_nothing_of_cost_for_a_small_table(table):
    import os
    import subprocess
    import sys

    data, _ = table
    run = subprocess.run(
        [sys.executable, "-m", "engine", "dag", str(data), "--max-iter", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["nodes"] == list("abcd")
    assert "long fit" not in run.stderr
