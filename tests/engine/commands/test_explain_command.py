"""The ``explain`` subcommand, driven through its own parser."""

from __future__ import annotations

import argparse

import pytest
from sklearn.datasets import load_iris

from engine.commands import explain as command
from engine.errors import ConfigError
from engine.values import DistributionalValues, save_skops, train_classifier


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def iris_csv(tmp_path):
    path = tmp_path / "iris.csv"
    load_iris(as_frame=True).frame.to_csv(path, index=False)
    return path


def test_explain_command_writes_json(iris_csv, tmp_path, capsys) -> None:
    out = tmp_path / "values.json"
    argv = [
        "explain",
        str(iris_csv),
        "--target",
        "target",
        "--rows",
        "0,60",
        "--estimator",
        "exact",
        "--out",
        str(out),
    ]
    assert _run(argv) == 0
    text = capsys.readouterr().out
    assert "held-out accuracy" in text and "row 60: predicted 1" in text
    result = DistributionalValues.from_json(out)
    assert result.rows.tolist() == [0, 60] and result.transitions.shape == (2, 4, 3, 3)


def test_explain_command_loads_skops_and_checks_rows(iris_csv, tmp_path) -> None:
    import pandas as pd

    model = train_classifier(pd.read_csv(iris_csv), "target", "forest").model
    path = tmp_path / "m.skops"
    save_skops(model, path)
    argv = ["explain", str(iris_csv), "--target", "target", "--model-file", str(path)]
    assert (
        _run([*argv, "--rows", "3", "--estimator", "permutation", "--samples", "4"])
        == 0
    )
    with pytest.raises(ConfigError, match="rows"):
        _run([*argv, "--rows", "999"])
