"""``python -m engine graph``: a tiny fit from a CSV, JSON summary and result file."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd
import pytest

from engine.cli import main
from engine.commands import graph as graph_command
from engine.errors import ConfigError, DataError
from engine.graphs import GraphResult


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    graph_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def _table(tmp_path):
    rng = np.random.default_rng(0)
    y = np.repeat(["a", "b"], 15)
    X = rng.normal(size=(30, 4)) + (y == "a")[:, None] * 2.0
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(4)])
    frame["kind"] = y
    path = tmp_path / "nodes.csv"
    frame.to_csv(path, index=False)
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\n0,1\n1,2\n15,16\n3,20\n")
    return path, edges


def test_graph_command_prints_accuracies_and_writes_result(tmp_path, capsys, seed):
    path, edges = _table(tmp_path)
    out = tmp_path / "result.json"
    code = _run(
        [
            "graph",
            str(path),
            "--target",
            "kind",
            "--graph",
            str(edges),
            "--seed",
            str(seed),
            "--out",
            str(out),
            "--n-train",
            "4",
            "--n-val",
            "6",
            "--max-outer-iter",
            "2",
            "--baselines",
            "logreg",
            "--device",
            "cpu",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert 0.0 <= summary["test_accuracy"] <= 1.0
    assert 0.0 <= summary["val_accuracy"] <= 1.0
    assert 0.0 <= summary["es_accuracy"] <= 1.0
    assert summary["seed"] == seed and "logreg" in summary["baselines"]
    saved = json.loads(out.read_text())
    assert saved["test_accuracy"] == summary["test_accuracy"]
    assert "val_accuracy" in saved and "es_accuracy" in saved
    assert set(saved["baselines"]["logreg"]) >= {"val_accuracy", "es_accuracy"}
    result = GraphResult.from_json(out)
    assert result.config["graph_source"] == "given" and len(result.initial_edges) == 4


def test_graph_command_names_a_missing_label_column(tmp_path):
    path, _ = _table(tmp_path)
    with pytest.raises(DataError, match="'nope'"):
        _run(["graph", str(path), "--target", "nope"])


def test_graph_command_checks_the_out_folder_before_the_fit(tmp_path):
    path, _ = _table(tmp_path)
    out = tmp_path / "no" / "such" / "dir" / "g.json"
    with pytest.raises(ConfigError, match="folder of '--out'"):
        _run(["graph", str(path), "--target", "kind", "--out", str(out)])


def test_graph_command_refuses_k_not_below_the_node_count(tmp_path):
    path, _ = _table(tmp_path)
    argv = ["graph", str(path), "--target", "kind"]
    # in the command's words, before the table's fit (was learn_graph's 'k')
    match = r"^graph: '--k' is 500, but the table has only 30 rows .* --k 29 or less"
    with pytest.raises(ConfigError, match=match):
        _run([*argv, "--k", "500", "--n-train", "4", "--n-val", "6"])


def _strict_loads(text: str):
    """json.loads that refuses NaN / Infinity, as strict parsers (JS, jq) do."""

    def refuse(token: str):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def test_graph_command_with_an_empty_edge_list_writes_strict_json(tmp_path, capsys):
    # LDS can start from an empty graph (theta = 0 grows by hypergradients); the
    # homophily of that graph is undefined and was printed as a bare NaN
    path, _ = _table(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("source,target\n")
    out = tmp_path / "result.json"
    argv = ["graph", str(path), "--target", "kind", "--graph", str(empty)]
    argv += ["--seed", "0", "--out", str(out), "--n-train", "4", "--n-val", "6"]
    assert _run([*argv, "--max-outer-iter", "2", "--device", "cpu"]) == 0
    summary = _strict_loads(capsys.readouterr().out)
    assert summary["homophily_initial"] is None
    assert summary["expected_edges"] > 0 and 0.0 <= summary["test_accuracy"] <= 1.0
    _strict_loads(out.read_text())
    result = GraphResult.from_json(out)
    assert len(result.initial_edges) == 0 and np.isnan(result.homophily_initial)


def test_graph_command_notes_the_columns_it_leaves_out(tmp_path, capsys, seed):
    from engine.cli import main

    path, _ = _table(tmp_path)
    frame = pd.read_csv(path)
    frame["const"] = 1.0
    frame.to_csv(path, index=False)
    argv = ["graph", str(path), "--target", "kind", "--seed", str(seed)]
    argv += ["--n-train", "4", "--n-val", "6", "--max-outer-iter", "1"]
    assert main([*argv, "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert "note: graph: nodes.csv: column 'const' is constant" in err
    assert err.count("'const'") == 1


def test_graph_command_notes_self_loops_of_the_edge_list(tmp_path, capsys):
    from engine.cli import main

    path, edges = _table(tmp_path)
    edges.write_text("source,target\n0,0\n0,1\n")
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--max-outer-iter", "1"]
    assert main([*argv, "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert "note: graph: --graph: 1 row(s) join a node to itself" in err
    assert err.count("join a node to itself") == 1  # not again from the library


def test_graph_command_notes_a_label_that_looks_continuous(tmp_path, capsys):
    from engine.cli import main

    path, _ = _table(tmp_path)
    argv = ["graph", str(path), "--target", "f0", "--seed", "0", "--fit-anyway"]
    argv += ["--n-train", "4", "--n-val", "6", "--max-outer-iter", "1"]
    assert main([*argv, "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert "note: graph: --target: the label column 'f0' has 30 distinct values" in err
    # once: neither the library's note nor one note per value (there were 31)
    assert err.count("the label column 'f0'") == 1, err
    assert "has 1 labelled node" not in err and "training nodes hold" not in err


def test_verbose_graph_command_logs_progress(tmp_path, capsys, caplog):
    # the README says -v logs progress to stderr; only the dag command did
    import logging

    from engine.cli import main

    caplog.set_level(logging.INFO, logger="engine")
    path, _ = _table(tmp_path)
    argv = ["-v", "graph", str(path), "--target", "kind", "--n-train", "4"]
    argv += ["--n-val", "6", "--max-outer-iter", "2", "--baselines", "logreg"]
    assert main([*argv, "--device", "cpu", "--seed", "0"]) == 0
    lines = [r.getMessage() for r in caplog.records if r.name.endswith("graph")]
    assert any(m.startswith("graphs.fit ") for m in lines), lines
    assert any(m.startswith("graphs.baselines baselines") for m in lines), lines


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--baselines", "mlp,foo"], "graph: '--baselines' must be 'none' or a comma"),
        (["--baselines", "none,mlp"], "graph: '--baselines' must be 'none' or a comma"),
        (["--tau", "0"], "graph: '--tau' must be an integer >= 1; got 0."),
        (["--outer-lr", "-1"], "graph: '--outer-lr' must be a finite number >= 0.0"),
        (
            ["--outer-lr", "inf"],
            "graph: '--outer-lr' must be a finite number >= 0.0; got inf.",
        ),
        (["--max-outer-iter", "0"], "graph: '--max-outer-iter' must be an integer"),
        (["--k", "0"], "graph: '--k' must be an integer >= 1; got 0."),
        (["--device", "foo"], "graph: '--device' must be 'auto', 'cpu', 'cuda'"),
        (["--seed", "-1"], "graph: '--seed' must lie in [0, 2147483647]; got -1."),
        (["--n-train", "1"], "graph: need --n-train >= 2, --n-val >= 2"),
    ],
)
def test_graph_option_errors_name_the_flag_in_one_line(
    tmp_path, capsys, option, expected
):
    # "--baselines none" gave "Error: LdsConfig: 'baselines' must be one of ...",
    # naming the engine's class and parameter, not the flag as dag and explain do
    path, _ = _table(tmp_path)
    assert main(["graph", str(path), "--target", "kind", *option]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"error: {expected}")
    assert err.count("\n") == 1


@pytest.mark.parametrize("none", ["none", " none ", ""])
def test_graph_baselines_none_fits_lds_alone(tmp_path, none):
    path, _ = _table(tmp_path)
    out = tmp_path / "g.json"
    argv = ["graph", str(path), "--target", "kind", "--n-train", "4", "--n-val", "6"]
    argv += ["--max-outer-iter", "1", "--baselines", none, "--out", str(out)]
    assert _run(argv) == 0
    assert GraphResult.from_json(out.read_text()).baselines == {}


def _named_table(tmp_path):
    path, _ = _table(tmp_path)
    frame = pd.read_csv(path)
    frame.insert(0, "name", [f"n{i}" for i in range(len(frame))])
    frame.to_csv(path, index=False)
    edges = tmp_path / "named_edges.csv"
    edges.write_text("source,target\nn0,n1\nn1,n2\nn15,n16\nn3,n20\n")
    return path, edges


@pytest.mark.parametrize("index", [[], ["--index", "name"]])
def test_graph_command_reads_an_edge_list_of_row_names(tmp_path, capsys, index):
    # --help offered "row names", but a CLI table has no index: every edge list
    # of names was refused ("source node 'n0' is neither a node name ...")
    from engine.cli import main

    path, edges = _named_table(tmp_path)
    out = tmp_path / "r.json"
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges), *index]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--max-outer-iter", "1"]
    assert main([*argv, "--device", "cpu", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    result = GraphResult.from_json(out)
    assert result.node_names[:2] == ("n0", "n1")
    assert result.initial_edges.tolist() == [[0, 1], [1, 2], [3, 20], [15, 16]]
    auto = "note: graph: --graph: the edge list names rows by the values of column "
    assert (auto in err) is (not index)
    assert "--columns" not in err


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("named.cites", "n0\tn1\nn1\tn2\nn15\tn16\nn3\tn20\n"),
        (
            "snap.txt",
            "# Nodes: 30 Edges: 4\n# FromNodeId ToNodeId\nn0 n1\n"
            "n1  n2\nn15 n16\nn3\tn20\n",
        ),
    ],
    ids=["cora-tabs", "snap-blanks"],
)
def test_graph_command_reads_tab_and_blank_separated_edge_lists(
    tmp_path, capsys, name, text
):
    # "'--graph' ...: an edge list needs at least two columns (source, target);
    # got 1": only commas split a line
    from engine.cli import main

    path, _ = _named_table(tmp_path)
    edges = tmp_path / name
    edges.write_text(text)
    out = tmp_path / "r.json"
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--max-outer-iter", "1"]
    assert main([*argv, "--device", "cpu", "--out", str(out)]) == 0
    result = GraphResult.from_json(out)
    assert result.initial_edges.tolist() == [[0, 1], [1, 2], [3, 20], [15, 16]]


def test_graph_command_identifier_note_names_its_own_option(tmp_path, capsys):
    # the note told the user to choose the column "with --columns", an option
    # graph does not have
    from engine.cli import main

    path, _ = _named_table(tmp_path)
    argv = ["graph", str(path), "--target", "kind", "--seed", "0"]
    argv += ["--n-train", "4", "--n-val", "6", "--max-outer-iter", "1"]
    assert main([*argv, "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert (
        "column 'name' looks like a row identifier (every value distinct text, as "
        "names, codes or dates are); it is no feature. If its values name the "
        "rows, --index name makes them the node names" in err
    )
    assert "--columns" not in err


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("nope", "graph: '--index' 'nope' is not a column of the table; columns are"),
        ("kind", "graph: '--index' 'kind' is the label column '--target'"),
        ("f0", "graph: '--graph' "),
    ],
)
def test_graph_command_refuses_an_unusable_index(tmp_path, capsys, column, expected):
    from engine.cli import main

    path, edges = _named_table(tmp_path)
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--n-train", "4", "--n-val", "6"]
    assert main([*argv, "--index", column]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {expected}"), err


def test_graph_command_lists_each_repeated_index_value_once(tmp_path, capsys):
    # a name on three rows was listed twice: "'--index' 'name' repeats ['x', 'x']"
    from engine.cli import main

    path, edges = _named_table(tmp_path)
    frame = pd.read_csv(path)
    frame.loc[[2, 5, 9], "name"] = "x"
    frame.loc[[4, 7], "name"] = "y"
    frame.to_csv(path, index=False)
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    assert main([*argv, "--index", "name", "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: graph: '--index' 'name' repeats ['x', 'y']; node names must be "
        "distinct and present in every row."
    ), err


def _id_table(tmp_path, first: int, gap: bool):
    # integer node IDs; a gap (an empty cell elsewhere) is not needed: pandas
    # reads the IDs as float64 once any cell of the column is a float
    path, _ = _table(tmp_path)
    frame = pd.read_csv(path)
    ids = np.arange(first, first + len(frame)).astype(float if gap else int)
    frame.insert(0, "node", ids)
    frame.to_csv(path, index=False)
    edges = tmp_path / "id_edges.csv"
    last = first + len(frame) - 1
    edges.write_text(f"source,target\n{last - 1},{first}\n{first},{first + 1}\n")
    return path, edges


@pytest.mark.parametrize("first", [1, 100])
@pytest.mark.parametrize("gap", [False, True])
def test_graph_command_matches_integer_ids_of_the_index_column(
    tmp_path, capsys, first, gap
):
    # IDs 1..30 read as float64 became names '29.0', so the edge '29' fell back
    # to 0-based rows (every edge shifted by one, exit 0); IDs 100.. were refused
    from engine.cli import main

    path, edges = _id_table(tmp_path, first, gap)
    out = tmp_path / "r.json"
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--index", "node", "--seed", "0", "--n-train", "4", "--n-val", "6"]
    assert (
        main([*argv, "--max-outer-iter", "1", "--device", "cpu", "--out", str(out)])
        == 0
    )
    result = GraphResult.from_json(out)
    assert result.node_names[:2] == (str(first), str(first + 1))
    assert result.initial_edges.tolist() == [[0, 1], [0, 28]]


def test_graph_command_with_index_never_reads_rows_as_positions(tmp_path, capsys):
    # with --index, an edge list matching no ID fell back to 0-based rows
    from engine.cli import main

    path, _ = _id_table(tmp_path, 100, False)
    edges = tmp_path / "rows.csv"
    edges.write_text("source,target\n0,1\n1,2\n")
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    assert main([*argv, "--index", "node", "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert "'0', '1' and '2'" in err or "'0', '1', '2'" in err, err
    assert "not node names" in err
    # every cell is a 0-based row too: --graph-rows is said first
    assert (
        "Every cell of the list is a 0-based row number, though, all in [0, 29]: "
        "if the list numbers the rows from 0, read it so: pass --graph-rows (not "
        "--index). Else every cell must be a node name (the values of the --index "
        "column 'node'): correct the list." in err
    )
    assert "picked" not in err


@pytest.mark.parametrize("gap", [False, True])
def test_graph_command_finds_the_id_column_of_an_edge_list_of_ids(
    tmp_path, capsys, gap
):
    # IDs 100..129 without --index were read as 0-based rows and refused as
    # "source node '128' ... is not a node index in [0, 29]", with no word of
    # the 'node' column or of --index
    from engine.cli import main

    path, edges = _id_table(tmp_path, 100, gap)
    out = tmp_path / "r.json"
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--device", "cpu"]
    assert main([*argv, "--max-outer-iter", "1", "--out", str(out)]) == 0
    result = GraphResult.from_json(out)
    assert result.node_names[:2] == ("100", "101")
    assert result.initial_edges.tolist() == [[0, 1], [0, 28]]
    assert (
        "note: graph: --graph: the edge list names rows by the values of column "
        "'node' (the only column holding most names it uses; its numbers are no "
        "0-based rows, some lying beyond the last row); pass --index COLUMN to "
        "choose another.\n" in capsys.readouterr().err
    )


@pytest.mark.parametrize("rows", [False, True])
def test_graph_command_reads_numbers_that_are_rows_too_by_the_id_column(
    tmp_path, capsys, rows
):
    # IDs 1..30 (an identifier column, a saved row index) and edges 29,1 1,2:
    # every number is a 0-based row too. The command read them as rows (the
    # Learn-a-graph page as IDs); both now read them as IDs, as the table's ID
    # column is what an edge list most likely uses; --graph-rows reads rows
    from engine.cli import main

    path, edges = _id_table(tmp_path, 1, False)
    out = tmp_path / "r.json"
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--device", "cpu"]
    argv += ["--graph-rows"] if rows else []
    assert main([*argv, "--max-outer-iter", "1", "--out", str(out)]) == 0
    result = GraphResult.from_json(out)
    err = capsys.readouterr().err
    if rows:
        assert result.node_names[:2] == ("0", "1")
        assert result.initial_edges.tolist() == [[1, 2], [1, 29]]
        assert "--graph:" not in err
        return
    assert result.node_names[:2] == ("1", "2")
    assert result.initial_edges.tolist() == [[0, 1], [0, 28]]
    assert (
        "note: graph: --graph: the edge list names rows by the values of column "
        "'node' (an identifier column holding most names it uses; its numbers are "
        "0-based rows too, all in [0, 29], but a table's IDs are what an edge "
        "list most likely refers to); pass --graph-rows to read them as 0-based "
        "rows, or --index COLUMN.\n"
    ) in err


def test_graph_command_reads_shuffled_ids_as_the_page_does(tmp_path, capsys):
    # node_id: 0..29 shuffled. The page mapped the edges through the IDs, the
    # command through row positions; both now share edge_names_columns
    from engine.cli import main
    from engine.graphs import edge_cell_name, edge_names_columns

    path, _ = _table(tmp_path)
    frame = pd.read_csv(path)
    ids = np.random.default_rng(1).permutation(len(frame))
    frame.insert(0, "node_id", ids)
    frame.to_csv(path, index=False)
    edges = tmp_path / "e.csv"
    edges.write_text("source,target\n0,1\n1,2\n")
    cells = [edge_cell_name(v) for v in ("0", "1", "1", "2")]
    assert edge_names_columns(frame, cells, ["node_id"]) == ["node_id"]
    out = tmp_path / "r.json"
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--device", "cpu"]
    assert main([*argv, "--max-outer-iter", "1", "--out", str(out)]) == 0
    result = GraphResult.from_json(out)
    row = {int(v): i for i, v in enumerate(ids)}
    expected = sorted(sorted([row[a], row[b]]) for a, b in [(0, 1), (1, 2)])
    assert result.initial_edges.tolist() == expected
    assert result.node_names == tuple(str(v) for v in ids)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            ["--graph-rows"],
            "error: graph: '--graph-rows' says how to read the '--graph' edge "
            "list, and no --graph is given; drop it or give --graph EDGES.csv.\n",
        ),
        (
            ["--graph-rows", "--graph", "E", "--index", "node"],
            "error: graph: '--graph-rows' reads the edge list as 0-based rows, and "
            "'--index node' as that column's values; give one or the other.\n",
        ),
    ],
)
def test_graph_rows_needs_a_graph_and_no_index(tmp_path, capsys, extra, expected):
    from engine.cli import main

    path, edges = _id_table(tmp_path, 1, False)
    extra = [str(edges) if a == "E" else a for a in extra]
    assert main(["graph", str(path), "--target", "kind", *extra]) == 2
    assert capsys.readouterr().err == expected


def test_graph_help_states_how_numbers_are_read(capsys):
    from engine.cli import main

    with pytest.raises(SystemExit):
        main(["graph", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Numbers that an identifier column of the table holds (IDs) are read as its "
        "values, even when all are 0-based rows too" in out
    )
    assert "--graph-rows read the --graph edge list's numbers as 0-based rows" in out
    assert "separated by a comma, a semicolon, a tab or blanks" in out


def test_graph_command_says_nothing_of_a_column_holding_the_row_numbers(
    tmp_path, capsys
):
    from engine.cli import main

    path, edges = _id_table(tmp_path, 0, False)  # node = 0..29 in row order
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--device", "cpu"]
    assert main([*argv, "--max-outer-iter", "1"]) == 0
    err = capsys.readouterr().err
    assert "read as 0-based rows" not in err and "names rows by" not in err


@pytest.mark.parametrize(
    ("rows", "first", "hint"),
    [
        (
            "100,101\n500,501\n",
            "source node '100' on edge row 0",
            "column 'node' holds the most of them (50% of the list's cells); if its "
            "values name the rows, pass --index node (every cell must then be one "
            "of them).",
        ),
        (
            "1,2\n2,700\n",
            "target node '700' on edge row 1",
            "use 0-based rows in [0, 29], or add a column naming the rows by the "
            "list's numbers and pass --index COLUMN.",
        ),
    ],
)
def test_graph_command_says_why_numbers_beyond_the_rows_are_refused(
    tmp_path, capsys, rows, first, hint
):
    from engine.cli import main

    path, _ = _id_table(tmp_path, 100, False)
    edges = tmp_path / "far.csv"
    edges.write_text(f"source,target\n{rows}")
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    assert main([*argv, "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: graph: '--graph' {str(edges)!r}: {first} (0-based, a header line "
        "not counted) is no 0-based row of the table ([0, 29]), and no "
        f"column holds at least 90% of the list's numbers to name the rows; {hint}\n"
    )


def test_graph_command_says_an_id_column_of_the_numbers_repeats(tmp_path, capsys):
    from engine.cli import main

    path, edges = _id_table(tmp_path, 100, False)
    frame = pd.read_csv(path)
    frame["node"] = [100 + i % 28 for i in range(len(frame))]
    frame.to_csv(path, index=False)
    edges.write_text("source,target\n100,101\n101,127\n")
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    assert main([*argv, "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: graph: '--graph' {str(edges)!r} names its nodes by the values of "
        "column 'node', but 2 of them name more than one row: ['100', '101']"
    ), err


def test_graph_command_names_the_unknown_names_of_an_edge_list(tmp_path, capsys):
    # a few unknown names made the name column undetectable; the message then
    # blamed the known name 'n0' as "neither a node name nor an integer index"
    from engine.cli import main

    path, _ = _named_table(tmp_path)
    edges = tmp_path / "typo.csv"
    rows = [f"n{i},n{i + 1}" for i in range(10)] + ["n3,zz"]
    edges.write_text("source,target\n" + "\n".join(rows) + "\n")
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    assert main([*argv, "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert (
        "1 edge row(s) name node(s) that are not node names: ['zz'] (edge row(s) 10;"
        in err
    )
    assert "'n0'" not in err
    # no --index: it said "(the --index column's values)"; the column was picked
    assert (
        "The other rows use node names (the values of column 'name', picked "
        "automatically), so these must too: correct or remove these rows. Column "
        "'name' was picked because its values make up at least 90% of the list's "
        "cells; if another column names the rows, pass --index COLUMN.\n"
    ) in err
    assert "--index column" not in err


@pytest.mark.parametrize("index", [[], ["--index", "name"]])
def test_graph_command_names_the_unknown_name_of_a_short_edge_list(
    tmp_path, capsys, index
):
    # 'n99' makes 1 of the 4 cells: 'name' holds 75 %, under the 90 % from
    # which it is picked, so the list was read by row numbers and the message
    # blamed 'n0' ("neither a node name nor an integer index"), a known name
    from engine.cli import main

    path, _ = _named_table(tmp_path)
    edges = tmp_path / "typo.csv"
    edges.write_text("source,target\nn0,n1\nn1,n99\n")
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges), *index]
    assert main([*argv, "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: graph: '--graph' {str(edges)!r}: 1 edge row(s) name node(s) that "
        "are not node names: ['n99'] (edge row(s) 1; 0-based, a header line not "
        "counted). The other rows use node names (the values of "
    ), err
    assert "'n0'" not in err
    if index:
        return
    assert err.endswith(
        "(the values of column 'name', which holds the most of the list's cells), "
        "so these must too: correct or remove these rows. No column was picked to "
        "name the rows: column 'name' holds 75% of the list's cells, under the 90% "
        "needed; once these rows are corrected it is picked, or pass --index name.\n"
    ), err


def test_graph_command_asks_for_index_when_two_columns_name_the_edges(tmp_path, capsys):
    from engine.cli import main

    path, edges = _named_table(tmp_path)
    frame = pd.read_csv(path)
    frame.insert(1, "alias", frame["name"])
    frame.to_csv(path, index=False)
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    assert main([*argv, "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert "by values found in several columns, ['name', 'alias']; pass --index" in err


def test_graph_command_says_the_name_column_of_an_edge_list_repeats(tmp_path, capsys):
    # a name column with repeats was not taken for the node names, and the edge
    # list was refused as "source node 'n0' ... is neither a node name nor an
    # integer index", a name the user saw in that column
    from engine.cli import main

    path, edges = _named_table(tmp_path)
    frame = pd.read_csv(path)
    frame["name"] = [f"n{i % 27}" for i in range(len(frame))]
    frame.to_csv(path, index=False)
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    assert main([*argv, "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: graph: '--graph' {str(edges)!r} names its nodes by the values of "
        "column 'name', but 3 of them name more than one row: ['n0', 'n1', 'n2']; "
        "node names must be distinct."
    ), err


@pytest.mark.parametrize("index", [[], ["--index", "node"]])
def test_graph_command_matches_ids_written_as_floats(tmp_path, capsys, index):
    # an edge list of IDs 100.0, 101.0, ... (pandas writes an integer column with
    # an empty cell so) was refused: "source node '100.0' ... is no 0-based row"
    # without --index, "not node names: ['100.0', ...]" with it
    from engine.cli import main

    path, _ = _id_table(tmp_path, 100, False)
    edges = tmp_path / "float_edges.csv"
    edges.write_text("source,target\n128.0,100.0\n100.0,101.0\n")
    out = tmp_path / "r.json"
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges), *index]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--device", "cpu"]
    assert main([*argv, "--max-outer-iter", "1", "--out", str(out)]) == 0
    result = GraphResult.from_json(out)
    assert result.node_names[:2] == ("100", "101")
    assert result.initial_edges.tolist() == [[0, 1], [0, 28]]


@pytest.mark.parametrize("index", [[], ["--index", "node"]])
def test_graph_command_refuses_a_fractional_id_naming_it(tmp_path, capsys, index):
    from engine.cli import main

    path, _ = _id_table(tmp_path, 100, False)
    edges = tmp_path / "half.csv"
    rows = "".join(f"{100 + i}.0,{101 + i}.0\n" for i in range(10))
    edges.write_text(f"source,target\n{rows}103.0,120.5\n")
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges), *index]
    assert main([*argv, "--n-train", "4", "--n-val", "6"]) == 2
    err = capsys.readouterr().err
    assert (
        "target node '120.5' on edge row 10 (0-based, a header line not counted) "
        "is neither a node name nor a whole number" in err
    ), err


def _ring(tmp_path, empty: bool = False):
    """A table with IDs 1..30 in column 'ID' and a ring edge list of 0-based rows
    0..29 (with ``empty``, a target left empty on edge row 3)."""
    path, _ = _table(tmp_path)
    frame = pd.read_csv(path)
    frame.insert(0, "ID", np.arange(1, len(frame) + 1))
    frame.to_csv(path, index=False)
    n = len(frame)
    rows = [f"{i},{(i + 1) % n}" for i in range(n)]
    if empty:
        rows[3] = "3,"
    edges = tmp_path / "ring.csv"
    edges.write_text("source,target\n" + "\n".join(rows) + "\n")
    return path, edges


def test_a_ring_of_rows_under_ids_from_1_points_to_graph_rows_first(tmp_path, capsys):
    # refused with "name node(s) that are not node names: ['0'] ... correct or
    # remove these rows ... pass --index COLUMN", though every cell is a row
    from engine.cli import main

    path, edges = _ring(tmp_path)
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    argv += ["--seed", "0", "--n-train", "4", "--n-val", "6", "--device", "cpu"]
    assert main([*argv, "--max-outer-iter", "1"]) == 2
    err = capsys.readouterr().err
    assert "not node names: ['0'] (edge row(s) 0, 29;" in err
    assert (
        "Every cell of the list is a 0-based row number, though, all in [0, 29]: "
        "if the list numbers the rows from 0, read it so: pass --graph-rows. Else "
        in err
    )
    assert err.index("--graph-rows") < err.index("--index COLUMN")
    out = tmp_path / "r.json"
    argv += ["--graph-rows", "--out", str(out)]
    assert main([*argv, "--max-outer-iter", "1"]) == 0
    assert len(GraphResult.from_json(out).initial_edges) == 30


def test_an_empty_cell_of_the_edge_list_is_named_with_its_row(tmp_path, capsys):
    # refused as a node 'nan'
    from engine.cli import main

    path, edges = _ring(tmp_path, empty=True)
    argv = ["graph", str(path), "--target", "kind", "--graph", str(edges)]
    for extra in ([], ["--graph-rows"], ["--index", "ID"]):
        assert main([*argv, *extra, "--n-train", "4", "--n-val", "6"]) == 2
        err = capsys.readouterr().err
        assert (
            f"error: graph: '--graph' {str(edges)!r}: the target cell on edge row 3 "
            "(0-based, a header line not counted) is empty. Every row needs a "
            "source and a target node: fill it in or remove the row.\n"
        ) == err, (extra, err)


def test_a_table_of_only_the_label_is_one_error_line(tmp_path, capsys):
    path = tmp_path / "one_col.csv"
    pd.DataFrame({"a": np.arange(30) % 3}).to_csv(path, index=False)
    assert main(["graph", str(path), "--target", "a"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert "no feature column besides the label 'a'" in err, err
    assert "onehot" not in err and "to_matrix" not in err


def _nodes(tmp_path, n: int = 40):
    """The table of a user's report: node_id n0, n1, ..., random floats f1 and
    f2, and a label cls of 2 classes."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "node_id": [f"n{i}" for i in range(n)],
            "f1": rng.random(n),
            "f2": rng.random(n),
            "cls": np.resize(["a", "b"], n),
        }
    )
    path = tmp_path / "nodes.csv"
    frame.to_csv(path, index=False)
    return path


def test_graph_command_refuses_a_continuous_label_unless_asked(tmp_path, capsys):
    # a note said it looked continuous, then every value was a class and the
    # summary said test_accuracy 0.0 with exit status 0
    path = _nodes(tmp_path)
    argv = ["graph", str(path), "--target", "f1", "--seed", "0"]
    argv += ["--max-outer-iter", "1", "--device", "cpu"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: graph: '--target' 'f1' holds 40 distinct decimal numbers in 40 "
        "labelled rows: it looks like a continuous measurement, and each value "
        "would be a class of its own; pick a column of class labels with --target "
        "(e.g. --target cls), or pass --fit-anyway to fit one class per value.\n"
    )
    assert main([*argv, "--fit-anyway"]) == 0
    out, err = capsys.readouterr()
    assert "test_accuracy" in json.loads(out)
    assert "note: graph: --target: the label column 'f1' has 40 distinct" in err


def test_graph_command_says_when_fit_anyway_is_not_needed(tmp_path, capsys):
    path = _nodes(tmp_path)
    argv = ["graph", str(path), "--target", "cls", "--seed", "0", "--fit-anyway"]
    assert main([*argv, "--max-outer-iter", "1", "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert (
        "note: graph: '--fit-anyway' is not used: the label column 'cls' neither "
        "looks continuous nor makes nearly every row a class of its own." in err
    )


def test_graph_command_says_which_split_sizes_a_small_table_allows(tmp_path, capsys):
    # "need --n-train >= 2, --n-val >= 2 and at least one test node among 5
    # labelled nodes; got --n-train=10, --n-val=20, n_test=-25."
    path = _nodes(tmp_path, 5)
    argv = ["graph", str(path), "--target", "cls", "--seed", "0"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "error: graph: the table has only 5 labelled rows, too few for --n-train "
        "10 and --n-val 20 (the defaults) with a row left to test on; --n-train 2 "
        "--n-val 2 would fit.\n"
    )
    assert main([*argv, "--n-train", "3"]) == 2
    assert capsys.readouterr().err == (
        "error: graph: the table has only 5 labelled rows, too few for --n-train "
        "3 and --n-val 20 with a row left to test on; --n-train 2 --n-val 2 would "
        "fit.\n"
    )
    assert main([*argv, "--protocol", "wine"]) == 2
    assert capsys.readouterr().err == (
        "error: graph: the table has only 5 labelled rows, too few for '--protocol "
        "wine' (10 training and 20 validation nodes) with a row left to test on; "
        "drop --protocol and pass --n-train 2 --n-val 2.\n"
    )
    # the sizes said fit; then k is said in the command's words
    assert main([*argv, "--n-train", "2", "--n-val", "2"]) == 2
    assert capsys.readouterr().err == (
        "error: graph: '--k' is 10, but the table has only 5 rows (nodes), and k "
        "must be smaller; choose --k 4 or less, or give the initial graph with "
        "--graph.\n"
    )
    argv += ["--n-train", "2", "--n-val", "2", "--k", "2", "--max-outer-iter", "1"]
    assert main([*argv, "--device", "cpu"]) == 0


def test_graph_command_notes_an_edge_list_of_no_edges(tmp_path, capsys):
    # a header-only list: the fit ran on an empty initial graph without a word
    path = _nodes(tmp_path)
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\n")
    argv = ["graph", str(path), "--target", "cls", "--graph", str(edges)]
    assert main([*argv, "--seed", "0", "--max-outer-iter", "1"]) == 0
    err = capsys.readouterr().err
    assert (
        "note: graph: --graph: the list holds no edges (no row below its header): "
        "LDS starts from an empty graph and has to learn every edge; leave the "
        "edge list out to start from the kNN graph of the features.\n"
    ) in err
    assert err.count("starts from an empty graph") == 1


def test_graph_command_strips_blanks_around_the_names_of_an_edge_list(tmp_path, capsys):
    # " n2" was read as n2, "n3 " refused as an unknown node 'n3 '
    path = _nodes(tmp_path)
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\nn0, n2\nn3 ,n1\n n4 , n5 \n")
    out = tmp_path / "result.json"
    argv = ["graph", str(path), "--target", "cls", "--graph", str(edges)]
    argv += ["--seed", "0", "--max-outer-iter", "1", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    result = GraphResult.from_json(out)
    names = result.node_names
    pairs = {tuple(sorted(names[i] for i in e)) for e in result.initial_edges}
    assert pairs == {("n0", "n2"), ("n1", "n3"), ("n4", "n5")}


def test_graph_command_refuses_a_label_of_one_class_per_row_unless_asked(
    tmp_path, capsys
):
    # a note only, then 60 classes in 60 rows were fitted (test_accuracy 0),
    # which the explain command refuses
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    frame["cls"] = [f"c{i}" for i in range(60)]
    frame["label"] = np.resize(["x", "y"], 60)
    path = tmp_path / "gid.csv"
    frame.to_csv(path, index=False)
    argv = ["graph", str(path), "--target", "cls", "--seed", "0"]
    argv += ["--max-outer-iter", "1", "--device", "cpu"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: graph: '--target' 'cls' has 60 distinct values in 60 labelled rows "
        "(1.0 rows per class): nearly every row is a class of its own, so the "
        "column looks like an identifier, free text or a measurement, not a class "
        "label, and a classifier learns nothing from it; pick a column of class "
        "labels with --target (e.g. --target label), or pass --fit-anyway to fit "
        "one class per value.\n"
    )
    assert main([*argv, "--fit-anyway"]) == 0
    out, err = capsys.readouterr()
    assert "test_accuracy" in json.loads(out)
    assert "is not used" not in err


def test_graph_fit_anyway_help_names_both_refused_kinds_of_label(capsys):
    with pytest.raises(SystemExit):
        _run(["graph", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "looks continuous (decimal numbers with more than 10 distinct" in help_text
    assert "nearly one class per row" in help_text


def _checked_args(argv: list[str]) -> argparse.Namespace:
    """The command line as ``run`` has it once checked (defaults filled in)."""
    from engine.cli import build_parser

    args = build_parser().parse_args(["graph", *argv])
    graph_command._check_args(args)
    return args


def test_graph_command_warns_of_a_long_fit_as_the_graph_page_does(tmp_path):
    # `graph` on a table of thousands of rows started a fit of minutes without
    # a word, where the Learn-a-graph page warns (estimate_seconds over
    # LONG_FIT_S)
    from engine.graphs import LONG_FIT_S, LdsConfig, estimate_seconds
    from engine.runtime import duration_words

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(1_000, 3)), columns=["a", "b", "c"])
    frame["kind"] = np.arange(1_000) % 2
    path = tmp_path / "nodes.csv"
    frame.to_csv(path, index=False)
    n = len(frame)
    low, high = estimate_seconds(n, LdsConfig())
    assert low > LONG_FIT_S  # the page warns at 1 000 nodes
    plain = _checked_args([str(path), "--target", "kind"])
    lines = graph_command.long_fit_note(plain, n)
    assert len(lines) == 2
    assert lines[0].startswith("a long fit: 1000 nodes; expect about ")
    assert (
        f"{duration_words(low)} to {duration_words(high)} on one CPU core" in (lines[0])
    )
    assert "--max-outer-iter 100" in lines[0]
    assert "--max-outer-iter" in lines[1] and "fewer rows" in lines[1]
    assert "Ctrl-C" in lines[1]
    # the baselines asked for add their time and are named as a way to shorten it
    args = _checked_args([str(path), "--target", "kind", "--baselines", "knn_gcn"])
    with_baselines = graph_command.long_fit_note(args, n)
    assert "then the baselines (about" in with_baselines[0]
    assert "--baselines" in with_baselines[1]
    # the options of the command line are the fit's: 5 outer iterations are short
    short = _checked_args([str(path), "--target", "kind", "--max-outer-iter", "5"])
    assert graph_command.long_fit_note(short, n) == []
    assert graph_command.long_fit_note(plain, 300) == []


def test_graph_command_says_nothing_of_cost_for_a_small_table(tmp_path):
    import os
    import subprocess
    import sys

    path, _ = _table(tmp_path)
    argv = [str(path), "--target", "kind", "--n-train", "4", "--n-val", "6"]
    run = subprocess.run(
        [sys.executable, "-m", "engine", "graph", *argv, "--max-outer-iter", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert run.returncode == 0, run.stderr
    assert 0.0 <= json.loads(run.stdout)["test_accuracy"] <= 1.0
    assert "long fit" not in run.stderr
