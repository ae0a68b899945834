"""The CLI protects the user's files and says what went wrong in one line.

``--out`` never replaces an input, option pairs that contradict each other are
refused before any work, explain's options are checked before any training,
unreadable or non-text files name their option, a ``dag --out`` file loads as a
:class:`engine.DagResult`, and Ctrl-C or a closed pipe end the command quietly.
"""

from __future__ import annotations

import json
import os
import pickle
import runpy
import signal
import subprocess
import sys
import types
from multiprocessing import forkserver
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import engine
from engine.cli import main
from engine.commands import dag as dag_command
from engine.commands import explain as explain_command
from engine.data import read_table, to_matrix
from engine.errors import DataError
from engine.executor import _init_worker, run_jobs
from engine.graph_io import read_graph
from engine.values import prepare_features, train_classifier

FIT = ["--max-iter", "2", "--seed", "0"]


@pytest.fixture
def files(tmp_path):
    """A small labelled table and the option files of every command."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=list("abc"))
    frame["y"] = np.arange(40) % 2
    table = tmp_path / "data.csv"
    frame.to_csv(table, index=False)
    (tmp_path / "truth.csv").write_text("source,target\na,b\n")
    (tmp_path / "forbid.csv").write_text("source,target\na,c\n")
    (tmp_path / "tiers.csv").write_text("node,tier\na,0\nb,1\n")
    (tmp_path / "edges.csv").write_text("source,target\n0,1\n1,2\n")
    (tmp_path / "model.skops").write_bytes(b"not really a model")
    return tmp_path


def _error_line(capsys) -> str:
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    return err


@pytest.mark.parametrize(
    ("argv", "clobbered"),
    [
        (["dag", "data.csv"], "data.csv"),
        (["dag", "data.csv", "--truth", "truth.csv"], "truth.csv"),
        (["dag", "data.csv", "--forbid", "forbid.csv"], "forbid.csv"),
        (["dag", "data.csv", "--tiers", "tiers.csv"], "tiers.csv"),
        (["explain", "data.csv", "--target", "y"], "data.csv"),
        (
            ["explain", "data.csv", "--target", "y", "--model-file", "model.skops"],
            "model.skops",
        ),
        (["graph", "data.csv", "--target", "y"], "data.csv"),
        (["graph", "data.csv", "--target", "y", "--graph", "edges.csv"], "edges.csv"),
    ],
    ids=lambda a: "-".join(a) if isinstance(a, list) else a,
)
def test_out_naming_an_input_is_refused_and_the_input_is_kept(
    argv, clobbered, files, capsys
):
    before = (files / clobbered).read_bytes()
    argv = [str(files / a) if (files / a).is_file() else a for a in argv]
    # the same file under another name: a symbolic link to it
    link = files / "link.json"
    link.symlink_to(files / clobbered)
    for out in (files / clobbered, link):
        assert main([*argv, "--out", str(out)]) == 2
        err = _error_line(capsys)
        assert f"'--out' {str(out)!r} is " in err and "replace" in err
        assert (files / clobbered).read_bytes() == before


@pytest.mark.parametrize("command", ["dag", "explain", "graph"])
def test_out_must_be_a_json_file(command, files, capsys, monkeypatch):
    def no_read(*args, **kwargs):
        raise AssertionError("the table was read before --out was checked")

    for module in (dag_command, explain_command):
        monkeypatch.setattr(module, "read_table", no_read, raising=False)
    argv = [command, str(files / "data.csv"), "--out", str(files / "result.csv")]
    if command != "dag":
        argv += ["--target", "y"]
    assert main(argv) == 2
    err = _error_line(capsys)
    assert "must end in .json: the output is JSON" in err
    assert not (files / "result.csv").exists()


def test_dag_out_loads_as_a_dag_result_and_keeps_the_summary(files, capsys):
    out = files / "dag.json"
    argv = ["dag", str(files / "data.csv"), *FIT, "--truth", str(files / "truth.csv")]
    assert main([*argv, "--out", str(out)]) == 0
    assert capsys.readouterr().err.endswith(f"wrote {out}\n")
    doc = json.loads(out.read_text())
    for key in ("nodes", "edges", "method", "seed", "device", "options", "metrics"):
        assert key in doc
    assert doc["nodes"] == list("abcy") and doc["seed"] == 0
    assert all(
        set(e) == {"source", "target", "weight", "probability"} for e in doc["edges"]
    )
    assert {"shd", "shd_cpdag", "sid", "tpr", "fdr", "f1", "n_edges"} <= set(
        doc["metrics"]
    )
    result = engine.DagResult.from_json(out)
    assert list(result.node_names) == doc["nodes"]
    assert [list(e) for e in result.edges()] == [
        [e["source"], e["target"], e["weight"]] for e in doc["edges"]
    ]
    assert result.config == doc["options"]
    # and --truth takes it back, as the README says
    assert read_graph(out).nodes == doc["nodes"]


@pytest.mark.parametrize("command", ["explain", "graph"])
def test_explain_and_graph_out_say_wrote_on_stderr(command, files, capsys):
    out = files / "r.json"
    argv = [command, str(files / "data.csv"), "--target", "y", "--out", str(out)]
    if command == "graph":
        argv += ["--max-outer-iter", "1", "--seed", "0", "--n-train", "4"]
    assert main(argv) == 0
    stdout, err = capsys.readouterr()
    assert f"wrote {out}\n" in err and "wrote" not in stdout
    loader = engine.DistributionalValues if command == "explain" else engine.GraphResult
    loader.from_json(out)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--option", "max_iter=5", "--max-iter", "2"], ["--max-iter 2", "max_iter=5"]),
        (["--option", "max_iter=2", "--option", "max_iter=3"], ["twice", "max_iter=3"]),
        (["--threshold", "0.9"], ["--threshold", "--bootstrap"]),
        (["--workers", "4"], ["--workers", "--bootstrap"]),
        (["--executor", "processes"], ["--executor", "--bootstrap"]),
        # serial runs the fits in this process: --workers did nothing
        (
            ["--bootstrap", "2", "--workers", "2"],
            ["'--workers 2'", "the default executor, serial,", "--executor processes"],
        ),
        (
            ["--bootstrap", "2", "--executor", "serial", "--workers", "3"],
            ["'--workers 3'", "'--executor serial'", "drop --workers"],
        ),
    ],
)
def test_dag_refuses_contradictory_options(extra, named, files, capsys):
    assert main(["dag", str(files / "absent.csv"), *extra]) == 2
    err = _error_line(capsys)
    assert all(n in err for n in named) and "absent" not in err


def test_dag_same_max_iter_twice_is_accepted(files, capsys):
    argv = ["dag", str(files / "data.csv"), "--option", "max_iter=2", *FIT]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["options"]["max_iter"] == 2


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--model", "forest", "--model-file", "{dir}/model.skops"], "--model-file"),
        (["--estimator", "exact", "--samples", "5"], "--samples 5"),
        (["--max-background", "0"], "--max-background"),
    ],
)
def test_explain_refuses_bad_pairs_before_reading(
    extra, named, files, capsys, monkeypatch
):
    monkeypatch.setattr(explain_command, "read_table", None, raising=False)
    argv = ["explain", str(files / "data.csv"), "--target", "y"]
    assert main([*argv, *[e.format(dir=files) for e in extra]]) == 2
    assert named in _error_line(capsys)


@pytest.fixture
def wide(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        rng.normal(size=(30, 22)), columns=[f"f{j}" for j in range(22)]
    )
    frame["y"] = np.arange(30) % 2
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--estimator", "exact"], "'--estimator exact' would enumerate 2**22"),
        (
            ["--operator", "banzhaf", "--estimator", "permutation"],
            "not '--operator banzhaf'",
        ),
    ],
)
def test_explain_estimator_is_checked_before_training(
    extra, named, wide, capsys, monkeypatch
):
    import engine.values

    def no_training(*args, **kwargs):
        raise AssertionError("a model was trained before the options were checked")

    monkeypatch.setattr(engine.values, "train_classifier", no_training)
    assert main(["explain", str(wide), "--target", "y", *extra]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and named in err


def test_explain_auto_with_samples_says_they_are_not_used(files, capsys):
    argv = ["explain", str(files / "data.csv"), "--target", "y", "--samples", "5"]
    assert main(argv) == 0
    assert "'--samples 5' is not used" in capsys.readouterr().err


def test_graph_protocol_with_split_sizes_is_refused(files, capsys):
    argv = ["graph", str(files / "data.csv"), "--target", "y", "--protocol", "wine"]
    assert main([*argv, "--n-train", "5"]) == 2
    err = _error_line(capsys)
    assert "--protocol wine" in err and "--n-train" in err


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--k", "3"], "'--k 3' sets the kNN graph"),
        (["--metric", "euclidean"], "'--metric euclidean' sets the kNN graph"),
        (["--k", "3", "--metric", "cosine"], "and '--metric cosine' set the kNN"),
    ],
)
def test_graph_knn_options_with_a_given_graph_are_refused(
    extra, named, files, capsys, monkeypatch
):
    # the given graph is the initial graph: the kNN options did nothing
    from engine.commands import graph as graph_command

    monkeypatch.setattr(graph_command, "_read_edges", None)  # refused before
    argv = ["graph", str(files / "data.csv"), "--target", "y"]
    assert main([*argv, "--graph", str(files / "edges.csv"), *extra]) == 2
    err = _error_line(capsys)
    assert named in err and "edges.csv' gives the initial graph" in err
    assert "drop" in err and "or --graph" in err


def test_graph_knn_options_without_a_graph_are_kept_and_defaults_filled(files):
    from engine.cli import build_parser
    from engine.commands import graph as graph_command

    argv = ["graph", str(files / "data.csv"), "--target", "y"]
    args = build_parser().parse_args([*argv, "--k", "3"])
    graph_command._check_args(args)
    assert (args.k, args.metric) == (3, "cosine")
    args = build_parser().parse_args([*argv, "--graph", str(files / "edges.csv")])
    graph_command._check_args(args)
    assert (args.k, args.metric) == (10, "cosine")


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (
            ["explain", "{t}", "--target", "y", "--target", "a"],
            "'--target' is given twice ('y' and 'a'); keep one.",
        ),
        (
            ["graph", "{t}", "--target", "y", "--target=a"],
            "'--target' is given twice ('y' and 'a'); keep one.",
        ),
        (
            ["graph", "{t}", "--target", "y", "--tau", "2", "--tau", "3"],
            "'--tau' is given twice ('2' and '3')",
        ),
        (
            ["dag", "{t}", "--method", "dagdb", "--meth", "dagdb"],
            "'--method' is given twice ('dagdb' and 'dagdb')",
        ),
        (
            ["dag", "{t}", "--columns", "a", "b", "--columns", "c"],
            "('a b' and 'c'); give all the values after one --columns.",
        ),
        (
            ["data", "describe", "{t}", "--delimiter", ",", "--delimiter", ";"],
            "'--delimiter' is given twice (',' and ';')",
        ),
    ],
    ids=["explain-target", "graph-target", "graph-tau", "dag-method", "dag-columns",
         "data-delimiter"],
)  # fmt: skip
def test_an_option_given_twice_is_refused_with_both_values(argv, named, files, capsys):
    # argparse kept the last one: '--target a --target b' quietly used b
    with pytest.raises(SystemExit) as stop:  # an argparse usage error
        main([a.format(t=files / "data.csv") for a in argv])
    assert stop.value.code == 2
    assert named in _error_line(capsys)


def test_repeatable_options_and_flags_may_still_be_repeated(files, capsys):
    argv = ["dag", str(files / "data.csv"), "--standardize", "--standardize"]
    argv += ["--option", "n_orderings=2", "--option", "lr_theta=0.1", *FIT]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["options"]["n_orderings"] == 2


# --- huge values ---------------------------------------------------------------


@pytest.fixture
def huge(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=60), "big": rng.normal(size=60) * 1e300})
    frame["y"] = np.arange(60) % 3
    path = tmp_path / "huge.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_library_refuses_columns_too_large_for_a_variance(huge):
    _, frame = huge
    for call in (
        lambda: prepare_features(frame, ["a", "big"]),
        lambda: train_classifier(frame, "y", "mlp"),
        lambda: to_matrix(frame, exclude=["y"]),
        lambda: to_matrix(frame, exclude=["y"], scale="standardize"),
    ):
        with pytest.raises(DataError, match=r"\['big'\] hold values too large"):
            call()
    # the other column alone is fine
    assert prepare_features(frame, ["a"])[0].shape == (60, 1)


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "{p}", "--target", "y"],
        ["explain", "{p}", "--target", "y", "--model", "forest"],
        ["graph", "{p}", "--target", "y"],
        ["dag", "{p}"],
    ],
    ids=lambda a: "-".join(a[::3]),
)
def test_commands_refuse_huge_values_in_one_line(argv, huge, capsys):
    path, _ = huge
    assert main([a.format(p=path) for a in argv]) == 2
    err = _error_line(capsys)
    assert "['big'] hold values too large" in err and "rescale" in err


def test_data_describe_reports_huge_values(huge):
    path, _ = huge
    _, report = read_table(path)
    codes = {(f.code, f.column) for f in report.warnings}
    assert ("huge_values", "big") in codes and ("huge_values", "a") not in codes


# --- unreadable and odd files ------------------------------------------------


def _deny_read(monkeypatch, denied):
    real_open = open

    def fake_open(path, mode="r", *args, **kwargs):
        if os.fspath(path) == str(denied) and "r" in mode:
            raise PermissionError(13, "Permission denied", str(denied))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)


@pytest.mark.parametrize(
    ("argv", "denied", "what"),
    [
        (["data", "describe", "data.csv"], "data.csv", "the file"),
        (["dag", "data.csv"], "data.csv", "the input table"),
        (["dag", "data.csv", "--truth", "truth.csv"], "truth.csv", "'--truth'"),
        (["dag", "data.csv", "--forbid", "forbid.csv"], "forbid.csv", "'--forbid'"),
        (["explain", "data.csv", "--target", "y"], "data.csv", "the input table"),
        (
            ["graph", "data.csv", "--target", "y", "--graph", "edges.csv"],
            "edges.csv",
            "'--graph'",
        ),
    ],
)
def test_unreadable_files_name_their_option(
    argv, denied, what, files, capsys, monkeypatch
):
    _deny_read(monkeypatch, files / denied)
    argv = [str(files / a) if (files / a).is_file() else a for a in argv]
    assert main(argv) == 2
    err = _error_line(capsys)
    assert f"cannot read {what} {str(files / denied)!r} (Permission denied)" in err
    assert "Errno" not in err and "chmod" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (pickle.dumps({"a": 1}), "a Python pickle, which is never loaded"),
        (b"", "the file is empty"),
    ],
    ids=["pickle", "empty"],
)
def test_graph_option_file_that_is_no_edge_list(content, expected, files, capsys):
    edges = files / "edges.csv"
    edges.write_bytes(content)
    argv = ["graph", str(files / "data.csv"), "--target", "y", "--graph", str(edges)]
    assert main(argv) == 2
    err = _error_line(capsys)
    assert f"'--graph' {str(edges)!r}: " in err and expected in err
    assert "codec" not in err and "No columns" not in err


# --- Ctrl-C and closed pipes ---------------------------------------------------


def test_ctrl_c_in_a_command_is_one_line_and_status_130(files, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(dag_command, "learn_dag", interrupted)
    assert main(["dag", str(files / "data.csv"), *FIT]) == 130
    assert capsys.readouterr().err == "error: interrupted\n"


def test_ctrl_c_while_importing_the_cli_is_one_line_too(capsys, monkeypatch):
    class Importing(types.ModuleType):
        """``from engine.cli import console`` is interrupted, as by Ctrl-C."""

        def __getattr__(self, name):
            if name == "console":
                raise KeyboardInterrupt
            raise AttributeError(name)

    monkeypatch.setitem(sys.modules, "engine.cli", Importing("engine.cli"))
    try:
        runpy.run_module("engine", run_name="__main__")
        status = None
    except SystemExit as stop:
        status = stop.code
    except KeyboardInterrupt:
        status = "KeyboardInterrupt (a traceback)"
    assert status == 130
    assert capsys.readouterr().err == "error: interrupted\n"


def test_a_closed_output_pipe_ends_the_command_quietly(files):
    reader = subprocess.Popen(
        [sys.executable, "-m", "engine", "data", "samples"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    reader.stdout.readline()
    reader.stdout.close()  # what `| head -1` does
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=120) in (0, 141)
    assert err == ""


def test_workers_ignore_sigint(monkeypatch):
    before = signal.getsignal(signal.SIGINT)
    try:
        _init_worker()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_pool_workers_and_the_fork_server_ignore_sigint():
    # Ctrl-C reaches the whole process group; only the parent may react to it,
    # or every worker (and a fork server still importing) prints a traceback
    outcome = run_jobs(
        signal.getsignal, [signal.SIGINT] * 2, executor="processes", n_workers=2
    )
    assert outcome.results == [signal.SIG_IGN] * 2
    server = getattr(forkserver._forkserver, "_forkserver_pid", None)
    status = Path(f"/proc/{server}/status")
    if server is None or not status.exists():
        pytest.skip("no fork server (or no /proc) on this platform")
    ignored = next(
        int(line.split()[1], 16)
        for line in status.read_text().splitlines()
        if line.startswith("SigIgn:")
    )
    assert ignored & (1 << (signal.SIGINT - 1))


def test_a_finished_command_exits_without_heeding_ctrl_c():
    # a Ctrl-C in the second of library teardown after the output turned a
    # finished run into status 130 with no message; console() (the script and
    # python -m engine) ignores it once the command has returned
    code = (
        "import signal\n"
        "from engine.cli import console\n"
        "status = console(['data', 'samples'])\n"
        "print(status, signal.getsignal(signal.SIGINT) is signal.SIG_IGN)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0 True"


def test_data_without_a_subcommand_says_so_on_stderr(capsys):
    # it printed the whole help to stdout and exited 2, as if it were output
    assert main(["data"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: structure-lab data")
    assert "choose a subcommand, 'describe FILE' or 'samples'" in err
    assert err.rstrip().endswith("(see structure-lab data --help)")
