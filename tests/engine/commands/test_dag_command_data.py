"""``python -m engine dag``: what the command says when it changes or refuses data.

Notes on stderr for every change to the data, one-line errors that name the column
or option and say what to do, checks before the fit, and ``-v`` progress.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.cli import main
from engine.commands import ProgressLog
from engine.dag.metrics import shd
from engine.runtime import ProgressEvent

FIT = ["--max-iter", "2", "--seed", "0"]


@pytest.fixture
def table(tmp_path) -> Path:
    """30 rows: numeric a, c, d; constant b; text t."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=30),
            "b": 5.0,
            "c": rng.normal(size=30),
            "d": rng.normal(size=30),
            "t": rng.choice(["x", "y"], size=30),
        }
    )
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def _error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: dag: ") and err.count("\n") == 1, err
    return err


def test_named_constant_or_text_column_is_an_error(table, capsys):
    assert main(["dag", str(table), "--columns", "a", "b", "c", *FIT]) == 2
    err = _error_line(capsys)
    assert "'b' is constant" in err and "Remove it from --columns" in err
    assert main(["dag", str(table), "--columns", "a", "t", *FIT]) == 2
    err = _error_line(capsys)
    assert "'t' holds text" in err and "--columns" in err


def test_changes_to_the_data_are_noted_on_stderr(tmp_path, capsys):
    rng = np.random.default_rng(1)
    rows = ["a,a,b,k"] + [
        f"{x:.3f},{y:.3f},{z:.3f},5" for x, y, z in rng.normal(size=(30, 3))
    ]
    rows[3] = "1.0,,2.0,5"  # a missing cell
    rows[5] = "1.0,2.0,inf,5"  # an infinite cell
    path = tmp_path / "dup.csv"
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out.json"
    assert main(["dag", str(path), *FIT, "--out", str(out)]) == 0
    *notes, wrote = capsys.readouterr().err.splitlines()
    assert wrote == f"wrote {out}"
    assert all(line.startswith("note: dag: ") for line in notes), notes
    text = "\n".join(notes)
    assert "repeats the column name(s) ['a']" in text
    assert "'a.1' has 1 missing value" in text
    assert "'b' has 1 infinite value" in text
    assert "column 'k' is constant" in text
    assert "dropped 2 row(s) with missing or infinite values" in text
    assert sum("'k'" in line for line in notes) == 1  # said once, not twice
    assert json.loads(out.read_text())["nodes"] == ["a", "a.1", "b"]


def test_default_selection_notes_the_text_column(table, tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["dag", str(table), *FIT, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "note: dag: left out 't' (categorical)" in err
    assert "column 'b' is constant" in err
    assert json.loads(out.read_text())["nodes"] == ["a", "c", "d"]


def test_text_only_table_gives_advice_the_cli_user_can_follow(tmp_path, capsys):
    path = tmp_path / "text.csv"
    path.write_text("x,y\na,b\nc,d\ne,f\n")
    assert main(["dag", str(path)]) == 2
    err = _error_line(capsys)
    assert "0 usable numeric column(s)" in err and "x (categorical)" in err
    assert "onehot" not in err and "Encode text columns as numbers" in err


def test_rows_left_after_dropping_missing_values(tmp_path, capsys):
    path = tmp_path / "missing.csv"
    path.write_text("a,b,c\n1,2,3\n2,,1\n3,4,\n,1,2\n")
    assert main(["dag", str(path), *FIT]) == 2
    err = _error_line(capsys)
    assert "dropping the 3 row(s)" in err and "leaves 1 row(s)" in err
    assert "--missing mean" in err


def test_out_and_bootstrap_are_checked_before_the_table_is_read(tmp_path, capsys):
    # the data file does not exist: an error about it would mean the option was
    # checked too late (after reading the table, hence after the fit too)
    absent = str(tmp_path / "absent.csv")
    assert main(["dag", absent, "--out", str(tmp_path)]) == 2
    err = _error_line(capsys)
    assert "is a folder" in err and "absent" not in err
    assert main(["dag", absent, "--bootstrap", "-1"]) == 2
    err = _error_line(capsys)
    assert "'--bootstrap' must be B >= 1 resamples; got -1" in err
    assert main(["dag", absent, "--bootstrap", "2", "--threshold", "0"]) == 2
    assert "'--threshold'" in _error_line(capsys)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_out_in_an_unwritable_place_is_refused(tmp_path, capsys):
    absent = str(tmp_path / "absent.csv")
    assert main(["dag", absent, "--out", "/proc/x.json"]) == 2
    err = _error_line(capsys)
    assert "cannot write '--out' '/proc/x.json'" in err


def test_out_check_leaves_no_file_behind(table, tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["dag", str(table), "--bootstrap", "-1", "--out", str(out)]) == 2
    assert not out.exists()


def test_truth_nodes_outside_the_selection_say_why(table, tmp_path, capsys):
    truth = tmp_path / "truth.csv"
    truth.write_text("source,target\na,b\nc,d\n")
    argv = ["dag", str(table), *FIT, "--truth", str(truth)]
    assert main(argv) == 2  # b is constant, hence left out
    err = _error_line(capsys)
    assert "b (constant)" in err and "left out" in err and "Rename" not in err
    assert main([*argv, "--columns", "a", "c"]) == 2
    err = _error_line(capsys)
    assert "not among the selected --columns" in err and "'d'" in err
    truth.write_text("source,target\na,zzz\n")
    assert main(argv) == 2
    err = _error_line(capsys)
    assert "['zzz'] are not columns" in err and "rename" in err


def test_truth_without_some_columns_is_noted(table, tmp_path, capsys):
    truth = tmp_path / "truth.json"
    truth.write_text('{"nodes": [{"id": "a"}, {"id": "c"}], "edges": []}')
    out = tmp_path / "out.json"
    argv = ["dag", str(table), *FIT, "--truth", str(truth), "--out", str(out)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"'--truth' {truth}: the true graph has no node(s) ['d']" in err
    assert "treated as having no edges" in err
    assert "metrics" in json.loads(out.read_text())


def test_tier_file_listing_a_node_twice_is_an_error(table, tmp_path, capsys):
    tiers = tmp_path / "tiers.csv"
    tiers.write_text("node,tier\na,0\nc,1\nc,0\n")
    assert main(["dag", str(table), *FIT, "--tiers", str(tiers)]) == 2
    err = capsys.readouterr().err
    assert "'c' is listed twice" in err and err.count("\n") == 1


def test_verbose_logs_progress_during_the_fit(table, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="engine")
    out = tmp_path / "out.json"
    argv = ["-v", "dag", str(table), "--max-iter", "30", "--seed", "0"]
    assert main([*argv, "--out", str(out)]) == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "engine.commands.dag"]
    assert any(m.startswith("dag.fit train 1/30 loss ") for m in lines), lines
    assert len(lines) < 30  # throttled, not one line per epoch


def test_progress_log_throttles_but_keeps_first_stage_and_last(caplog):
    caplog.set_level(logging.INFO, logger="test.progress")
    log = ProgressLog(logging.getLogger("test.progress"), every_s=3600.0)
    for step in range(1, 11):
        log(ProgressEvent("dag.fit", "train", step, 10, {"loss": 1.0 / step}))
    log(ProgressEvent("dag.fit", "refit", 10, 10, message="refitting"))
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3, lines
    assert lines[0].startswith("dag.fit train 1/10 loss 1 ")
    assert lines[1].startswith("dag.fit train 10/10 loss 0.1 ")
    assert lines[2].startswith("dag.fit refit 10/10 refitting")
    every = ProgressLog(logging.getLogger("test.progress"), every_s=0.0)
    caplog.clear()
    for step in range(1, 4):
        every(ProgressEvent("dag.fit", "train", step, 10))
    assert len(caplog.records) == 3


def test_progress_log_repeats_a_heartbeat_only_now_and_then(caplog):
    caplog.set_level(logging.INFO, logger="test.progress")
    clock = iter([0.0, 0.5, 1.0, 5.0, 29.0, 31.0, 31.5, 32.0])
    log = ProgressLog(logging.getLogger("test.progress"), every_s=1.0, repeat_s=30.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "engine.commands.time.monotonic", lambda: next(clock), raising=True
        )
        for step in (0, 0, 0, 0, 0, 0, 1, 1):  # heartbeats of 'jobs 0/6', then 1
            log(ProgressEvent("bootstrap", "jobs", step, 6))
    stamps = [r.getMessage() for r in caplog.records]
    assert len(stamps) == 3, stamps  # at 0 s, the repeat at 31 s, step 1 at 32 s
    assert [s.split(" (")[0] for s in stamps] == ["bootstrap jobs 0/6"] * 2 + [
        "bootstrap jobs 1/6"
    ]


def test_prior_files_naming_a_column_the_dag_cannot_use_say_why(
    table, tmp_path, capsys
):
    forbid = tmp_path / "forbid.csv"
    forbid.write_text("source,target\na,b\n", encoding="utf-8")
    assert main(["dag", str(table), "--forbid", str(forbid), *FIT]) == 2
    err = _error_line(capsys)
    assert "'--forbid'" in err and "b (constant)" in err and "left out" in err

    forbid.write_text("source,target\na,d\n", encoding="utf-8")
    args = ["dag", str(table), "--columns", "a", "c", "--forbid", str(forbid)]
    assert main([*args, *FIT]) == 2
    assert "['d'] are columns of" in _error_line(capsys)

    tiers = tmp_path / "tiers.csv"
    tiers.write_text("node,tier\na,0\nzz,1\n", encoding="utf-8")
    assert main(["dag", str(table), "--tiers", str(tiers), *FIT]) == 2
    err = _error_line(capsys)
    assert "'--tiers'" in err and "['zz'] are not columns" in err


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_a_utf16_prior_file_naming_no_column_says_which(table, tmp_path, capsys, codec):
    # the prior reader takes UTF-16, but the nodes named in the message were
    # read as UTF-8 only: the message lost the unknown node names
    tiers = tmp_path / "tiers.csv"
    tiers.write_bytes("node,tier\na,0\nzz,1\n".encode(codec))
    assert main(["dag", str(table), "--tiers", str(tiers), *FIT]) == 2
    err = _error_line(capsys)
    assert "'--tiers'" in err and "['zz'] are not columns" in err


def test_prior_file_errors_name_the_option_and_the_file(table, tmp_path, capsys):
    # "PriorKnowledge.from_csv: line 3 of the tier file ..." said neither which
    # option nor which file
    tiers = tmp_path / "tiers.csv"
    tiers.write_text("node,tier\na,0\nc,2.5\n", encoding="utf-8")
    assert main(["dag", str(table), "--tiers", str(tiers), *FIT]) == 2
    assert _error_line(capsys) == (
        f"error: dag: '--tiers' {tiers}: line 3 of the tier file has tier '2.5'; "
        "tiers must be whole numbers (0, 1, 2, ...).\n"
    )
    forbid = tmp_path / "forbid.csv"
    forbid.write_text("source,target,kind\nd,a,required\n", encoding="utf-8")
    tiers.write_text("node,tier\na,0.0\nd,1.0\n", encoding="utf-8")
    argv = ["dag", str(table), "--forbid", str(forbid), "--tiers", str(tiers)]
    assert main([*argv, *FIT]) == 2
    assert _error_line(capsys) == (
        f"error: dag: '--forbid' {forbid} and '--tiers' {tiers}: the edge 'd' -> "
        "'a' is both required and against the tiers ('d' is in tier 1, 'a' in tier "
        "0); remove one of the two constraints.\n"
    )


def test_prior_file_mistakes_are_refused_or_noted_as_the_page_does(
    table, tmp_path, capsys
):
    # 'source,target,kind' over 'a,c,' read a -> c as forbidden without a word;
    # a file without a kind column forbade its edges unsaid
    forbid = tmp_path / "forbid.csv"
    forbid.write_text("source,target,kind\na,c,\n", encoding="utf-8")
    argv = ["dag", str(table), "--columns", "a", "c", "d", *FIT]
    assert main([*argv, "--forbid", str(forbid)]) == 2
    assert f"'--forbid' {forbid}: line 2 of the edge file has no kind" in (
        _error_line(capsys)
    )
    tiers = tmp_path / "tiers.csv"
    forbid.write_text("source,target\na,c\nd,a\n", encoding="utf-8")
    tiers.write_text("node,tier,note\na,0,first\n", encoding="utf-8")
    assert main([*argv, "--forbid", str(forbid), "--tiers", str(tiers)]) == 0
    notes = [n for n in capsys.readouterr().err.splitlines() if "file" in n]
    assert notes == [
        f"note: dag: '--forbid' {forbid}: the edge file has no 'kind' column, so "
        "its 2 rows are read as forbidden edges; to require an edge, add a 'kind' "
        "column with 'forbidden' or 'required' in each row.",
        f"note: dag: '--tiers' {tiers}: the tier file's column 'note' is not read: "
        "a tier file is read by its columns node and tier.",
    ]
    forbid.write_text("source,target,kind\n", encoding="utf-8")
    assert main([*argv, "--forbid", str(forbid)]) == 0
    assert (
        f"note: dag: '--forbid' {forbid}: the edge file has a header but no rows: "
        "it forbids and requires no edge.\n"
    ) in capsys.readouterr().err


def test_columns_unknown_or_fewer_than_two_are_refused_in_cli_words(table, capsys):
    assert main(["dag", str(table), "--columns", "a", "zz", *FIT]) == 2
    err = _error_line(capsys)
    assert "['zz'], which are not columns" in err and "to_matrix" not in err
    assert main(["dag", str(table), "--columns", "a", *FIT]) == 2
    err = _error_line(capsys)
    assert "needs at least 2" in err and "learn_dag" not in err
    assert main(["dag", str(table), "--columns", "a", "b", *FIT]) == 2
    assert "text columns" not in _error_line(capsys)  # b is constant, not text


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("max_iter=ten", "option 'max_iter' must be an integer, e.g. 300; got 'ten'"),
        ("lr_theta=fast", "option 'lr_theta' must be a number, e.g. 0.1; got 'fast'"),
        ("polish=maybe", "option 'polish' must be true or false; got 'maybe'"),
    ],
)
def test_an_option_of_the_wrong_type_says_what_it_must_be(
    table, capsys, option, expected
):
    assert main(["dag", str(table), "--option", option, *FIT]) == 2
    err = _error_line(capsys)
    assert expected in err, err
    assert " a int" not in err and " a float" not in err and " a bool" not in err


def test_the_missing_value_note_speaks_of_what_dag_does(tmp_path, capsys):
    path = tmp_path / "gaps.csv"
    rows = [f"{k},{(k * 7) % 5},{(k * 3) % 4}" for k in range(12)]
    rows[4] = "4,,1"
    path.write_text("a,b,c\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out.json"
    assert main(["dag", str(path), *FIT, "--out", str(out)]) == 0
    note = next(
        line for line in capsys.readouterr().err.splitlines() if "missing value" in line
    )
    assert note.startswith("note: dag: ") and "'b' has 1 missing value" in note
    # the command has no label column, and says what it did and what else it can do
    assert "label" not in note and "unlabelled" not in note and "in the app" not in note
    assert "dag drops those rows" in note and "--missing mean" in note
    assert main(["dag", str(path), *FIT, "--missing", "mean", "--out", str(out)]) == 0
    note = next(
        line for line in capsys.readouterr().err.splitlines() if "missing value" in line
    )
    assert "dag fills in the column mean (--missing mean)" in note, note
    assert "label" not in note


def test_truth_as_a_headerless_matrix_is_over_the_learned_columns(
    table, tmp_path, capsys
):
    truth = tmp_path / "truth.csv"
    np.savetxt(truth, [[0, 1, 0], [0, 0, 1], [0, 0, 0]], delimiter=",", fmt="%d")
    out = tmp_path / "out.json"
    argv = ["dag", str(table), *FIT, "--truth", str(truth), "--out", str(out)]
    assert main(argv) == 0  # a, c, d learned (b constant, t text): a -> c -> d
    saved = json.loads(out.read_text())
    names = saved["nodes"]
    assert names == ["a", "c", "d"]
    learned = np.zeros((3, 3), dtype=bool)
    for e in saved["edges"]:
        learned[names.index(e["source"]), names.index(e["target"])] = True
    truth_graph = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=bool)
    assert saved["metrics"]["shd"] == shd(truth_graph, learned)
    assert saved["metrics"]["shd"] != shd(np.zeros((3, 3), dtype=bool), learned)
    capsys.readouterr()
    assert main([*argv, "--columns", "a", "c"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: dag: '--truth' {truth}: ") and err.count("\n") == 1
    assert "it is 3 x 3 and the data has 2 columns (['a', 'c'])" in err


@pytest.mark.parametrize("missing", ["drop", "mean"])
def test_gaps_of_a_column_left_out_are_not_said_to_drop_rows(tmp_path, capsys, missing):
    # 'e' holds 1.0 in 3 rows and nothing in the other 27: it is left out as
    # constant, so its gaps drop (or fill) nothing; the note said "dag drops
    # those rows"
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    frame["e"] = [1.0] * 3 + [None] * 27
    path = tmp_path / "constafter.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out.json"
    argv = ["dag", str(path), *FIT, "--missing", missing, "--out", str(out)]
    assert main(argv) == 0
    notes = capsys.readouterr().err.splitlines()
    gaps = next(line for line in notes if "missing value" in line)
    assert "column 'e' has 27 missing value(s)" in gaps
    assert "drops those rows" not in gaps and "fills in" not in gaps
    assert gaps.endswith(
        "; the column is left out (constant), so no row is dropped or filled for it."
    ), gaps
    assert not any(line.startswith("note: dag: dropped") for line in notes)
    assert json.loads(out.read_text())["nodes"] == ["a", "b", "c"]


def test_too_few_rows_are_refused_in_cli_words(tmp_path, capsys):
    # 2 complete rows: learn_dag's "'X' needs at least 3 rows ... got shape
    # (2, 4)" reached the user, naming neither the file nor what to do
    path = tmp_path / "tworows.csv"
    path.write_text("a,b,c,d\n1,2,3,4\n2,1,4,3\n")
    assert main(["dag", str(path), *FIT]) == 2
    err = _error_line(capsys)
    assert err == (
        f"error: dag: {path} has 2 data row(s) with values in the columns used; "
        "learning a DAG needs at least 3. Add rows to the file (a few hundred give "
        "meaningful estimates).\n"
    )
    # 3 rows, one with a gap: dropping it leaves 2, and filling it would do
    path.write_text("a,b,c\n1,2,3\n2,,4\n3,1,2\n")
    assert main(["dag", str(path), *FIT]) == 2
    err = _error_line(capsys)
    assert f"{path} has 3 data row(s); dropping the 1 row(s)" in err
    assert "leaves 2 row(s)" in err and "Use --missing mean" in err
    # 2 rows, one with an infinite cell: --missing mean would not help
    path.write_text("a,b,c\n1,2,3\n2,inf,4\n")
    assert main(["dag", str(path), *FIT]) == 2
    err = _error_line(capsys)
    assert f"{path} has 2 data row(s); dropping the 1 row(s)" in err
    assert "--missing mean" not in err and "Add rows to the file" in err
    assert main(["dag", str(path), *FIT, "--missing", "mean"]) == 2
    assert "has 2 data row(s) with values in the columns used" in _error_line(capsys)


def test_an_unavailable_device_is_refused_in_cli_words(table, capsys, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert main(["dag", str(table), *FIT, "--device", "cuda"]) == 2
    err = _error_line(capsys)
    assert "device 'cuda' was requested but CUDA is not available" in err
    assert "use --device cpu or --device auto" in err
    assert "device=" not in err and "resolve_device" not in err
    assert main(["dag", str(table), *FIT, "--device", "tpu"]) == 2
    err = _error_line(capsys)
    assert "'--device' must be 'auto', 'cpu', 'cuda' or 'cuda:N'; got 'tpu'" in err


def _gappy(tmp_path: Path, blanks: dict[str, range], n: int = 40) -> Path:
    """n rows of the columns a to e, blank in the rows ``blanks`` gives."""
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(rng.normal(size=(n, 5)), columns=list("abcde"))
    for column, rows in blanks.items():
        frame.loc[list(rows), column] = np.nan
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_mostly_empty_column_is_named_with_the_columns_that_keep_the_rows(
    tmp_path, capsys
):
    # e blank in 37 of 40 rows: --missing drop kept 3 rows and only suggested
    # --missing mean, not leaving e out
    path = _gappy(tmp_path, {"e": range(3, 40)})
    out = tmp_path / "out.json"
    assert main(["dag", str(path), *FIT, "--out", str(out)]) == 0
    notes = capsys.readouterr().err.splitlines()
    assert (
        "note: dag: dropping the rows with gaps (--missing drop) kept 3 of 40 rows, "
        "because of the gaps in column 'e' (37 missing); --columns a b c d leaves "
        "it out and keeps 40 rows (or --missing mean fills the gaps in)."
    ) in notes


def test_too_few_rows_left_names_the_columns_to_leave_out(tmp_path, capsys):
    path = _gappy(tmp_path, {"e": range(3, 40), "a": range(1), "c": range(20, 24)})
    assert main(["dag", str(path), *FIT]) == 2
    err = _error_line(capsys)
    assert "leaves 2 row(s)" in err
    assert (
        "Leave out the column 'e' (37 missing): --columns a b c d keeps 35 rows; "
        "or use --missing mean"
    ) in err


def test_two_mostly_empty_columns_are_named_together(tmp_path, capsys):
    path = _gappy(tmp_path, {"e": range(16), "b": range(16, 30)})
    assert main(["dag", str(path), *FIT]) == 0
    err = capsys.readouterr().err
    assert (
        "because of the gaps in columns 'e' (16 missing) and 'b' (14 missing); "
        "--columns a c d leaves them out and keeps 40 rows"
    ) in err


def test_gaps_spread_over_many_columns_suggest_no_column(tmp_path, capsys):
    # 24 of 40 rows dropped, but no column has gaps in a quarter of the rows
    blanks = {c: range(6 * k, 6 * k + 6) for k, c in enumerate("abcd")}
    assert main(["dag", str(_gappy(tmp_path, blanks)), *FIT]) == 0
    err = capsys.readouterr().err
    assert "dropped 24 row(s)" in err and "--columns" not in err


def test_a_utf16_truth_file_is_read_like_a_utf8_one(table, tmp_path, capsys):
    # it was refused as "an adjacency matrix needs one row per column name"
    truth = tmp_path / "truth.csv"
    truth.write_bytes("source,target\na,c\nc,d\n".encode("utf-16"))
    out = tmp_path / "out.json"
    argv = ["dag", str(table), *FIT, "--truth", str(truth), "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    saved = json.loads(out.read_text())
    assert "error" not in capsys.readouterr().err
    assert saved["metrics"]["n_true_edges"] == 2


def test_a_duplicated_column_is_noted_with_its_twin(tmp_path, capsys):
    # 'dup' took over X1's true edge and nothing said why
    frame = pd.read_csv(Path("sample_data/linear_gaussian.csv"))
    path = tmp_path / "dup.csv"
    frame.assign(dup=frame.X1).to_csv(path, index=False)
    out = tmp_path / "out.json"
    assert main(["dag", str(path), *FIT, "--out", str(out)]) == 0
    notes = [
        line
        for line in capsys.readouterr().err.splitlines()
        if "linear function" in line
    ]
    assert len(notes) == 1, notes
    assert notes[0].startswith(
        "note: dag: DataWarning: learn_dag: column(s) ['dup'] is, to rounding, a "
        "linear function of other columns ('dup' is a copy of 'X1')"
    )


def _linear_function_notes(capsys) -> list[str]:
    return [
        line
        for line in capsys.readouterr().err.splitlines()
        if "linear function" in line
    ]


def test_a_duplicated_column_is_noted_once_with_a_bootstrap(tmp_path, capsys):
    # the note came again as "bootstrap_dag: 3 of 3 bootstrap fits warned: ..."
    frame = pd.read_csv(Path("sample_data/linear_gaussian.csv"))
    path = tmp_path / "copy.csv"
    frame.assign(dup=frame.X1).to_csv(path, index=False)
    out = tmp_path / "out.json"
    argv = ["dag", str(path), *FIT, "--bootstrap", "3", "--out", str(out)]
    assert main(argv) == 0
    [note] = _linear_function_notes(capsys)
    assert note.startswith(
        "note: dag: DataWarning: learn_dag: column(s) ['dup'] is, to rounding, a "
        "linear function of other columns ('dup' is a copy of 'X1')"
    )


def test_twins_after_standardize_are_said_to_be_of_the_standardised_columns(
    tmp_path, capsys
):
    # 'twice' = 2 * X1 + 1 in the file was noted as "a copy of 'X1'"
    frame = pd.read_csv(Path("sample_data/linear_gaussian.csv"))
    path = tmp_path / "twice.csv"
    frame.assign(twice=2 * frame.X1 + 1).to_csv(path, index=False)
    out = tmp_path / "out.json"
    assert main(["dag", str(path), *FIT, "--standardize", "--out", str(out)]) == 0
    [note] = _linear_function_notes(capsys)
    assert "(of the standardised columns: 'twice' is a copy of 'X1')" in note
    assert main(["dag", str(path), *FIT, "--out", str(out)]) == 0
    [note] = _linear_function_notes(capsys)
    assert "('twice' = 2 * 'X1' + 1)" in note


def test_bootstrap_zero_is_refused_like_a_negative_count(tmp_path, capsys):
    absent = str(tmp_path / "absent.csv")
    for count in ("0", "-1"):
        assert main(["dag", absent, "--bootstrap", count]) == 2
        err = _error_line(capsys)
        assert f"'--bootstrap' must be B >= 1 resamples; got {count}" in err
        assert "leave the option out" in err and "absent" not in err


@pytest.mark.parametrize(
    "content", ["Source;Target\nX1;Nope\n", "SOURCE,TARGET\nX1,Nope\n"]
)
def test_unknown_prior_nodes_are_named_for_any_header_the_reader_takes(
    tmp_path, capsys, content
):
    # the command re-read the file with its own comma-only, lower-case-header
    # parser: ';' files and capitalised headers lost the command's message
    # (which says where the DAG is learned) for the reader's plain one
    path = tmp_path / "forbid.csv"
    path.write_text(content, encoding="utf-8")
    data = "sample_data/linear_gaussian.csv"
    assert main(["dag", data, *FIT, "--forbid", str(path)]) == 2
    line = _error_line(capsys)
    assert f"node(s) ['Nope'] are not columns of {data}" in line, line
    assert "rename them to match the column names" in line


def test_a_forbid_file_naming_nodes_by_position_is_told_to_use_names(tmp_path, capsys):
    # the library's reader said "neither a node name nor a position in 0..2" of
    # a cell 0; a file's cell is text and names nodes by name, as the command says
    path = tmp_path / "forbid.csv"
    path.write_text("source,target,kind\n0,2,required\n", encoding="utf-8")
    data = "sample_data/linear_gaussian.csv"
    assert main(["dag", data, *FIT, "--forbid", str(path)]) == 2
    line = _error_line(capsys)
    assert f"node(s) ['0', '2'] are not columns of {data}" in line, line
    assert "rename them to match the column names" in line
    assert "position" not in line


def _with_ids(tmp_path, name: str = "patient_id", start: int = 1) -> Path:
    """30 rows: an identifier column ``name`` counting from ``start``, then
    numeric alpha, beta."""
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            name: np.arange(start, start + 30),
            "alpha": rng.normal(size=30),
            "beta": rng.normal(size=30),
        }
    )
    path = tmp_path / "ids.csv"
    frame.to_csv(path, index=False)
    return path


def test_an_identifier_column_chosen_in_columns_is_not_said_to_be_left_out(
    tmp_path, capsys
):
    # "--columns patient_id alpha beta" still printed "it is no feature or node
    # by default ... choose it ... with --columns", though it was chosen
    path = _with_ids(tmp_path)
    argv = ["dag", str(path), *FIT]
    assert main([*argv, "--columns", "patient_id", "alpha", "beta"]) == 0
    err = capsys.readouterr().err
    assert "column 'patient_id' looks like a row identifier" in err
    assert "no feature or node" not in err and "choose it" not in err
    assert "dag uses it as a node, as --columns names it" in err
    # not chosen: left out, and how to use it, in the command's words (the
    # page's 'Columns (nodes)' and the Explain page are not dag's)
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "dag leaves it out; if it is a measurement, name it in --columns" in err
    assert "'Columns (nodes)'" not in err and "Explain page" not in err


@pytest.mark.parametrize(
    ("start", "holds"), [(1, "1, 2, ..., 30"), (0, "0, 1, ..., 29")]
)
def test_a_row_number_column_is_said_to_hold_its_numbers(
    tmp_path, capsys, start, holds
):
    # a column holding 1..11 was "counting 0, 1, 2, ... in row order"
    path = _with_ids(tmp_path, name="n", start=start)
    assert main(["dag", str(path), *FIT]) == 0
    err = capsys.readouterr().err
    assert (
        f"column 'n' looks like a row identifier (every value distinct: the whole "
        f"numbers {holds} in row order, as a saved row number)"
    ) in err
    assert "counting" not in err


@pytest.mark.parametrize(
    ("method", "option", "other"),
    [
        ("permutahedron", "lam=3", "dagdb"),
        ("dagdb", "n_orderings=4", "permutahedron"),
    ],
)
def test_an_option_of_the_other_method_says_which_method_has_it(
    table, capsys, method, option, other
):
    # '--option lam=3' listed the permutahedron's options without a word that
    # lam is DAG-DB's
    key = option.split("=")[0]
    argv = ["dag", str(table), "--method", method, "--option", option, *FIT]
    assert main(argv) == 2
    err = _error_line(capsys)
    assert (
        f"'--option' {option}: {key!r} is an option of --method {other}, not of "
        f"{method}; use --method {other}, or drop the option"
    ) in err, err
    # an option of neither method still lists this method's options
    assert main(["dag", str(table), "--method", method, "--option", "nope=1"]) == 2
    err = _error_line(capsys)
    assert "must be KEY=VALUE with KEY one of [" in err and "use --method" not in err


def test_truth_errors_name_the_flag_and_the_path_as_given(
    table, tmp_path, capsys, monkeypatch
):
    # "error: dag: '--truth' X: ..." for unknown nodes but "error: tr_dup.csv:
    # ..." (the folder dropped) for a bad file: one form now
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "tr_dup.csv").write_text("source,target\na,c\na,c\n")
    (tmp_path / "bad" / "tr_unknown.csv").write_text("source,target\na,zzz\n")
    (tmp_path / "bad" / "part.csv").write_text("source,target\na,c\n")
    argv = ["dag", str(table), *FIT, "--truth"]
    assert main([*argv, "bad/tr_dup.csv"]) == 2
    err = _error_line(capsys)
    assert err.startswith("error: dag: '--truth' bad/tr_dup.csv: edge a -> c is ")
    assert main([*argv, "bad/tr_unknown.csv"]) == 2
    err = _error_line(capsys)
    assert err.startswith("error: dag: '--truth' bad/tr_unknown.csv: node(s) ")
    assert main([*argv, "bad/part.csv"]) == 0
    err = capsys.readouterr().err
    assert (
        "note: dag: '--truth' bad/part.csv: the true graph has no node(s) ['d']; "
        "they are treated as having no edges in the metrics."
    ) in err


def test_patience_0_runs_every_epoch_without_a_warning(table, tmp_path, capsys):
    # '--option patience=0' was refused: "must be in [1, 100000]"
    out = tmp_path / "out.json"
    argv = ["dag", str(table), "--option", "patience=0", "--max-iter", "4"]
    assert main([*argv, "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["options"]["patience"] == 0 and doc["n_iter"] == 4
    assert not doc["converged"]
    assert "ConvergenceWarning" not in capsys.readouterr().err
