"""Every command refuses a folder (or a missing file) as input in one line."""

from __future__ import annotations

import pytest

from engine.cli import main


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n" + "".join(f"{k},{k % 3},{k % 2}\n" for k in range(30)))
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["data", "describe", "{dir}"],
        ["dag", "{dir}"],
        ["explain", "{dir}", "--target", "y"],
        ["graph", "{dir}", "--target", "y"],
    ],
    ids=lambda a: a[0],
)
def test_folder_as_the_table_says_it_is_a_folder(argv, tmp_path, capsys):
    assert main([a.format(dir=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    expected = f"{tmp_path} is a folder, not a file; give the path of a CSV file."
    assert err == f"error: {tmp_path.name}: {expected}\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["dag", "{table}", "--truth", "{dir}"],
        ["dag", "{table}", "--forbid", "{dir}"],
        ["dag", "{table}", "--tiers", "{dir}"],
        ["explain", "{table}", "--target", "y", "--model-file", "{dir}"],
        ["graph", "{table}", "--target", "y", "--graph", "{dir}"],
    ],
    ids=lambda a: f"{a[0]}{a[-2]}",
)
def test_folder_or_missing_file_in_an_option_is_refused_before_any_work(
    argv, table, tmp_path, capsys
):
    option = argv[-2]
    for path, expected in ((tmp_path, "is a folder, not a file"),
                           (tmp_path / "nope.csv", "no such file")):  # fmt: skip
        args = [a.format(table=table, dir=path) for a in argv]
        assert main(args) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1
        assert err.startswith(f"error: {argv[0]}: '{option}' {str(path)!r}")
        assert expected in err
