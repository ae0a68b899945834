"""``python -m engine data describe``: the report, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from engine.cli import main
from tests.corpus import BAD, CORPUS, GOOD, Case


def _write(tmp_path, case: Case):
    path = tmp_path / case.file_name
    path.write_bytes(case.data)
    return path


def _limit(case: Case) -> list[str]:
    return [] if case.max_bytes is None else ["--max-mb", str(case.max_bytes / 2**20)]


@pytest.mark.parametrize("case", GOOD, ids=lambda c: c.name)
def test_describe_prints_report_of_usable_file(case, tmp_path, capsys):
    path = _write(tmp_path, case)
    assert main(["data", "describe", str(path), *_limit(case)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{case.file_name}: ")
    assert err == ""
    for code in case.codes:
        assert "WARNING" in out, code


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.name)
def test_describe_fails_with_one_line_on_unusable_file(case, tmp_path, capsys):
    path = _write(tmp_path, case)
    assert main(["data", "describe", str(path), *_limit(case)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {case.file_name}: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_describe_no_strict_prints_errors_and_exits_1(tmp_path, capsys):
    case = next(c for c in CORPUS if c.name == "one_row")
    path = _write(tmp_path, case)
    assert main(["data", "describe", "--no-strict", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert "ERROR: one_row.csv: the table has 1 data row(s)" in out


def test_describe_json_output(tmp_path, capsys):
    case = next(c for c in CORPUS if c.name == "nan_and_inf")
    path = _write(tmp_path, case)
    assert main(["data", "describe", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_rows"] == 6
    x = report["columns"][0]
    assert (x["name"], x["n_missing"], x["n_nonfinite"]) == ("x", 3, 2)


def test_describe_missing_file(capsys):
    assert main(["data", "describe", "/nonexistent/t.csv"]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--delimiter", ";;"),
        ("--delimiter", ""),
        ("--delimiter", "\n"),
        ("--max-mb", "-1"),
        ("--max-mb", "0"),
        ("--max-mb", "nan"),
        ("--max-mb", "inf"),
        ("--max-mb", "ten"),
    ],
)
def test_describe_bad_option_is_one_line_naming_it(option, value, tmp_path, capsys):
    path = _write(tmp_path, next(c for c in GOOD if c.name == "tsv"))
    with pytest.raises(SystemExit) as stop:
        main(["data", "describe", f"{option}={value}", str(path)])
    assert stop.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert f"argument {option}: must be " in err and f"got {value!r}" in err


def test_describe_delimiter_tab_and_one_character(tmp_path, capsys):
    path = _write(tmp_path, next(c for c in GOOD if c.name == "tsv"))
    assert main(["data", "describe", "--delimiter", "tab", str(path)]) == 0
    assert "3 columns" in capsys.readouterr().out
    assert main(["data", "describe", "--delimiter", ",", str(path)]) == 0
    assert "1 columns" in capsys.readouterr().out


def test_samples_lists_every_sample(capsys):
    assert main(["data", "samples"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("sachs") and "853 x 11" in out


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),
    )


def test_subprocess_good_and_bad_files(tmp_path, repo_root):
    good = _run("data", "describe", str(repo_root / "sample_data" / "wine.csv"))
    assert good.returncode == 0, good.stderr
    assert "wine.csv: 178 rows x 14 columns" in good.stdout
    assert "target                       categorical" in good.stdout
    bad = _write(tmp_path, next(c for c in BAD if c.name == "binary_bytes"))
    res = _run("data", "describe", str(bad))
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr.startswith("error: binary_bytes.csv: the file holds binary")
    assert res.stderr.count("\n") == 1


def test_subprocess_help_lists_data_command():
    res = _run("--help")
    assert res.returncode == 0 and "data" in res.stdout


@pytest.mark.parametrize(
    ("header", "shape"), [("auto", "31 rows x 3"), ("yes", "30 rows x 3")]
)
def test_describe_header_reads_number_like_names(header, shape, tmp_path, capsys):
    # a header of number-like names was read as a data row, with no way out
    rows = "".join(f"{k / 7:.3f},{k / 3:.3f},{k % 2}\n" for k in range(30))
    path = tmp_path / "n.csv"
    path.write_text("1,2,0\n" + rows)
    assert main(["data", "describe", "--header", header, str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"n.csv: {shape} columns")
    assert ("column_1" in out) == (header == "auto")


@pytest.mark.parametrize(
    ("text", "codec", "said"),
    [
        # what Excel on Windows writes: said "encoding latin-1", € read as '\x80'
        ("price,name\n5,€uro\n6,‘q’\n7,x\n", "cp1252", "Windows-1252"),
        # pandas' to_csv(encoding="utf-16-le"): refused as "binary bytes"
        ("price,name\n5,€uro\n6,q\n7,x\n", "utf-16-le", "encoding utf-16-le"),
    ],
)
def test_describe_names_the_encoding_it_read(text, codec, said, tmp_path, capsys):
    path = tmp_path / "euro.csv"
    path.write_bytes(text.encode(codec))
    assert main(["data", "describe", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"encoding {codec}" in out and said in out and "latin-1" not in out
