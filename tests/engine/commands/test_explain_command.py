"""The ``explain`` subcommand, driven through its own parser."""

from __future__ import annotations

import argparse
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

from engine.commands import explain as command
from engine.commands import flush_notes
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
    assert "held-out accuracy" in text and "row 60: predicted 1\n" in text
    result = DistributionalValues.from_json(out)
    assert result.rows.tolist() == [0, 60] and result.transitions.shape == (2, 4, 3, 3)


def test_standard_errors_from_few_samples_are_noted_with_the_option_to_raise(
    iris_csv, capsys
) -> None:
    argv = ["explain", str(iris_csv), "--target", "target", "--rows", "0"]
    argv += ["--estimator", "permutation", "--samples", "4"]
    assert _run(argv) == 0
    flush_notes()  # engine.cli.main does this once the command has returned
    err = capsys.readouterr().err
    assert "standard errors rest on 2 antithetic pairs" in err
    assert "raise --samples" in err

    argv[-1] = "40"
    assert _run(argv) == 0
    flush_notes()
    assert "standard errors" not in capsys.readouterr().err


def test_explain_command_loads_skops_and_checks_rows(iris_csv, tmp_path) -> None:
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


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--target", "species"], "label column 'species'"),
        (["--target", "target", "--rows", "0,x"], "'--rows'"),
        (["--target", "target", "--rows", "150"], "0..149"),
        (
            ["--target", "target", "--operator", "owen"],
            "error: explain: '--operator' must be one of ['banzhaf', 'beta_shapley', "
            "'shapley']; got 'owen'.",
        ),
        (["--target", "target", "--samples", "0"], "'--samples'"),
        (["--target", "target", "--top", "0"], "'--top'"),
        (["--target", "target", "--device", "tpu"], "explain: '--device' must be"),
        (
            ["--target", "target", "--seed", "-3"],
            "error: explain: '--seed' must lie in [0, 2147483647]; got -3.",
        ),
        (["--target", "target", "--out", "/no/such/dir/v.json"], "'--out'"),
        (["--target", "target", "--model", "svm"], "invalid choice"),
        (["--target", "target", "--samples", "x"], "invalid int"),
        (["--target", "target", "--bogus"], "unrecognized"),
        (["--rows", "0"], "required: --target"),
        (
            [
                "--target",
                "target",
                "--operator",
                "banzhaf",
                "--estimator",
                "permutation",
            ],
            "coalition",
        ),
    ],
)
def test_bad_options_give_one_line_and_status_2(
    iris_csv, capsys, extra, expected
) -> None:
    from engine.cli import main

    try:
        status = main(["explain", str(iris_csv), *extra])
    except SystemExit as stop:  # argparse usage errors
        status = stop.code
    assert status == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and expected in err
    assert "Traceback" not in err


def test_an_unavailable_device_is_refused_in_cli_words(
    iris_csv, capsys, monkeypatch
) -> None:
    import torch

    from engine.cli import main

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    argv = ["explain", str(iris_csv), "--target", "target", "--device", "cuda"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: explain: device 'cuda' was requested but CUDA")
    assert "use --device cpu or --device auto" in err and "device=" not in err


def test_bad_files_give_one_line_and_status_2(iris_csv, tmp_path, capsys) -> None:
    import pickle

    from engine.cli import main

    pickled = tmp_path / "table.csv"
    pickled.write_bytes(pickle.dumps({"a": [1, 2]}))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    text = tmp_path / "labels.csv"
    # text columns of identifiers are no features
    text.write_text(
        "a,b,y\n" + "".join(f"u{i},v{i},{'xy'[i % 2]}\n" for i in range(12))
    )
    iris4 = tmp_path / "iris4.skops"
    model = train_classifier(pd.read_csv(iris_csv), "target", "logistic").model
    save_skops(model, iris4)
    three = tmp_path / "three.csv"
    pd.read_csv(iris_csv).iloc[:, 1:].to_csv(three, index=False)
    cases = [
        ([str(tmp_path / "missing.csv"), "--target", "y"], "no such file"),
        ([str(pickled), "--target", "y"], "pickle"),
        ([str(empty), "--target", "y"], "empty"),
        ([str(text), "--target", "y"], "no feature column besides"),
        ([str(iris_csv), "--target", "target", "--model-file", str(iris_csv)], "skops"),
        ([str(three), "--target", "target", "--model-file", str(iris4)], "4 features"),
    ]
    for argv, expected in cases:
        assert main(["explain", *argv]) == 2, argv
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and expected in err, err


def test_a_model_for_other_classes_is_noted_and_never_moves_a_class_to_itself(
    iris_csv, tmp_path, capsys
) -> None:
    from sklearn.tree import DecisionTreeClassifier

    from engine.cli import main

    # classes that are not the table's labels; every iris row falls on one side
    far = DecisionTreeClassifier().fit([[0.0] * 4, [100.0] * 4], ["benign", "bad"])
    path = tmp_path / "other.skops"
    save_skops(far, path)
    argv = ["explain", str(iris_csv), "--target", "target", "--model-file", str(path)]
    assert main([*argv, "--top", "2"]) == 0
    captured = capsys.readouterr()
    assert (
        "note: explain: the model's classes ['bad', 'benign'] are not the values of "
        "the label column 'target' (['0', '1', '2'])" in captured.err
    )
    assert "accuracy cannot be computed" in captured.err
    assert "predicted benign" in captured.out
    assert "benign -> benign" not in captured.out
    assert captured.out.count("never changes the class") == 2
    # a model for the table's own classes: its accuracy, no note
    model = train_classifier(pd.read_csv(iris_csv), "target", "forest").model
    save_skops(model, path)
    assert main([*argv, "--max-background", "150"]) == 0
    captured = capsys.readouterr()
    assert "note:" not in captured.err
    assert re.search(r"accuracy 0\.9\d\d on the table", captured.out)


@pytest.fixture
def holed_csv(tmp_path):
    frame = load_iris(as_frame=True).frame
    frame.loc[[0, 7], "sepal width (cm)"] = np.nan
    frame.loc[3, "petal length (cm)"] = np.inf
    frame["target"] = frame["target"].astype(float)
    frame.loc[[10, 20, 30], "target"] = np.nan
    path = tmp_path / "holed.csv"
    frame.to_csv(path, index=False)
    return path


def test_missing_values_are_dropped_or_filled_with_notes(holed_csv, capsys) -> None:
    from engine.cli import main

    argv = ["explain", str(holed_csv), "--target", "target", "--top", "1"]
    assert main([*argv, "--rows", "0,10", "--missing", "mean"]) == 0
    captured = capsys.readouterr()
    assert "imputed 2 value(s) of 'sepal width (cm)' with the column mean" in (
        captured.err
    )
    assert "left out 3 row(s) with an empty label in 'target'" in captured.err
    assert "row 10: predicted 0" in captured.out  # no label needed to explain it
    assert main([*argv, "--rows", "1"]) == 0  # drop (the default)
    captured = capsys.readouterr()
    assert "dropped 3 row(s) with missing or infinite values" in captured.err
    assert "row 1: predicted 0" in captured.out
    assert main([*argv, "--rows", "1,3"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "row(s) [3] of '--rows' were dropped" in err
    assert "row 3 has no value in ['petal length (cm)']); use --missing mean" in err


def test_a_continuous_label_is_noted(iris_csv, capsys) -> None:
    from engine.cli import main

    argv = ["explain", str(iris_csv), "--target", "sepal length (cm)", "--top", "1"]
    argv += ["--fit-anyway"]  # refused without it
    assert main([*argv, "--estimator", "permutation", "--samples", "2"]) == 0
    err = capsys.readouterr().err
    assert (
        "note: explain: the label column 'sepal length (cm)' has 35 distinct values "
        "in 150 labelled rows (decimal numbers, 4.3 rows per class): it looks like a "
        "continuous measurement" in err
    )
    assert "as --fit-anyway asks, each value is a class of its own" in err


def test_a_label_of_few_rows_per_class_is_noted_not_refused(tmp_path, capsys) -> None:
    from engine.cli import main

    frame = load_iris(as_frame=True).frame
    frame["group"] = [f"g{i % 40}" for i in range(150)]  # 3.75 rows per class
    path = tmp_path / "groups.csv"
    frame.drop(columns="target").to_csv(path, index=False)
    argv = ["explain", str(path), "--target", "group", "--top", "1"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "note: explain: the label column 'group' has 40 distinct values" in err
    assert "explain needs a column of class labels (--target)" in err


def test_text_columns_of_many_values_and_empty_ones_are_left_out_with_a_note(
    iris_csv, tmp_path, capsys
) -> None:
    from engine.cli import main

    # a text column besides the label stopped the command ("not numeric"); one of
    # few values is a feature (one-hot encoded, as on the Explain page)
    frame = pd.read_csv(iris_csv)
    frame["species"] = np.where(frame["target"] == 0, "setosa", "other")
    frame["comment"] = [f"comment {i % 60}" for i in range(150)]
    frame["blank"] = np.nan
    path = tmp_path / "mixed.csv"
    frame.to_csv(path, index=False)
    argv = ["explain", str(path), "--target", "target", "--top", "9"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert (
        "note: explain: left out 'comment' (text, over 50 distinct values); 'blank' "
        "(no value): the classifier takes numeric columns and text columns of at "
        "most 50 distinct values, other than row identifiers" in captured.err
    )
    assert "row 0: predicted 0" in captured.out and "  species  " in captured.out
    only_text = frame[["comment", "target"]]
    only_text.to_csv(path, index=False)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "no feature column besides the label column 'target'" in err


def test_a_model_file_error_names_the_columns_left_out(
    iris_csv, tmp_path, capsys
) -> None:
    from engine.cli import main

    # the notes are dropped on an error, so "the table has 3 feature columns" alone
    # contradicted a file with 5 columns besides the label
    frame = pd.read_csv(iris_csv)
    model = train_classifier(frame, "target", "logistic").model  # 4 features
    path = tmp_path / "m.skops"
    save_skops(model, path)
    frame = frame.drop(columns=["sepal length (cm)"])
    frame["txt"] = "x"
    frame["empty"] = np.nan
    table = tmp_path / "mixed.csv"
    frame.to_csv(table, index=False)
    argv = ["explain", str(table), "--target", "target", "--model-file", str(path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "the model expects 4 features; the table has 3 feature columns" in err
    assert "Columns left out: 'txt' (text); 'empty' (no value)." in err


def test_a_saved_row_index_is_not_a_feature(iris_csv, tmp_path, capsys) -> None:
    from engine.cli import main

    # pandas' default to_csv writes the row index as an unnamed first column; on
    # iris (sorted by class) it predicts the class and was ranked among the top
    # features, while the data report said it was left out
    path = tmp_path / "indexed.csv"
    pd.read_csv(iris_csv).to_csv(path)
    argv = ["explain", str(path), "--target", "target", "--rows", "0,100"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "left out 'column_1' (row identifier)" in captured.err
    assert "column_1" not in captured.out


def test_library_warnings_become_note_lines(iris_csv, capsys, monkeypatch) -> None:
    import warnings

    import engine.values
    from engine.cli import main

    # a library's warning used to reach stderr as a file:line dump with the source
    # line; it is one note line, once
    explain = engine.values.explain

    def warning_explain(*args, **kwargs):
        for _ in range(2):
            warnings.warn("a library's warning", UserWarning, stacklevel=1)
        return explain(*args, **kwargs)

    monkeypatch.setattr(engine.values, "explain", warning_explain)
    argv = ["explain", str(iris_csv), "--target", "target", "--top", "1"]
    assert main([*argv, "--max-background", "150"]) == 0
    err = capsys.readouterr().err
    assert err == "note: explain: UserWarning: a library's warning\n"


def test_a_label_of_nearly_one_class_per_row_is_refused(tmp_path, capsys) -> None:
    from engine.cli import main

    # 150 free-text labels, one per row, were trained on ('held-out accuracy
    # 0.000', status 0) with four notes, one offering '--columns', which explain
    # has not, one repeating scikit-learn's 'unique classes > 50%' warning
    frame = load_iris(as_frame=True).frame
    frame["species"] = frame.pop("target").map({0: "a", 1: "b", 2: "c"})
    frame["comment"] = [f"free text comment number {i}" for i in range(150)]
    path = tmp_path / "comments.csv"
    frame.to_csv(path, index=False)
    assert main(["explain", str(path), "--target", "comment"]) == 2
    assert capsys.readouterr().err == (
        "error: explain: '--target' 'comment' has 150 distinct values in 150 "
        "labelled rows (1.0 rows per class): nearly every row is a class of its "
        "own, so the column looks like an identifier, free text or a measurement, "
        "not a class label, and a classifier learns nothing from it; pick a column "
        "of class labels with --target (e.g. --target species), or pass "
        "--fit-anyway to train one class per value.\n"
    )
    # 76 distinct values in 150 rows: refused too; 70 of them: one note
    frame["comment"] = [f"comment {i % 76}" for i in range(150)]
    frame.to_csv(path, index=False)
    assert main(["explain", str(path), "--target", "comment"]) == 2
    assert "has 76 distinct values in 150 labelled rows (2.0 rows" in (
        capsys.readouterr().err
    )
    frame["comment"] = [f"comment {i % 70}" for i in range(150)]
    frame.to_csv(path, index=False)
    argv = ["explain", str(path), "--target", "comment", "--rows", "0", "--top", "1"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "unique classes" not in err and "UserWarning" not in err, err
    assert err.count("has 70 distinct values in 150 labelled rows") == 1, err


def test_identifier_notes_name_no_option_explain_lacks(tmp_path, capsys) -> None:
    from sklearn.linear_model import LogisticRegression

    from engine.cli import main

    # the reader's note said "choose it in 'Columns (nodes)' or with --columns"
    frame = load_iris(as_frame=True).frame
    frame.insert(0, "sample", [f"s{i:03d}" for i in range(150)])
    path = tmp_path / "named.csv"
    frame.to_csv(path, index=False)
    argv = ["explain", str(path), "--target", "target", "--top", "1"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "--columns" not in err and "Columns (nodes)" not in err, err
    assert (
        "note: explain: named.csv: column 'sample' looks like a row identifier "
        "(every value distinct text, as names, codes or dates are); explain leaves "
        "it out of the features.\n"
    ) in err
    # a model fitted on an identifier-like column gets it: the note says so
    frame["id"] = np.arange(150) + 1000
    frame.to_csv(path, index=False)
    columns = ["id", "petal length (cm)"]
    model = LogisticRegression(max_iter=1000).fit(frame[columns], frame["target"])
    save_skops(model, tmp_path / "m.skops")
    assert main([*argv, "--model-file", str(tmp_path / "m.skops")]) == 0
    err = capsys.readouterr().err
    assert (
        "note: explain: named.csv: column 'id' looks like a row identifier (named "
        "like an id, and every value distinct); the model of --model-file takes it "
        "as a feature all the same.\n"
    ) in err, err


def test_unknown_target_lists_every_column(tmp_path, capsys) -> None:
    from engine.cli import main

    # 13 feature columns before the label: a list cut at 10 names hid 'label'
    frame = pd.DataFrame({f"f{k}": [0.0, 1.0, 2.0, 3.0] for k in range(13)})
    frame["label"] = ["a", "b", "a", "b"]
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    assert main(["explain", str(path), "--target", "nope"]) == 2
    err = capsys.readouterr().err
    assert "'f12', 'label']" in err, err


def test_a_subsampled_background_is_noted_with_the_option_that_changes_it(
    iris_csv, capsys
):
    from engine.cli import main
    from engine.values.explainer import MAX_BACKGROUND

    assert main(["explain", str(iris_csv), "--target", "target", "--rows", "0"]) == 0
    err = capsys.readouterr().err
    assert (
        f"note: explain: removed features take the values of a random "
        f"{MAX_BACKGROUND} of the 150 table rows (seed 0); --max-background 150 "
        "uses them all"
    ) in err
    argv = ["explain", str(iris_csv), "--target", "target", "--max-background", "0"]
    assert main(argv) == 2
    assert "'--max-background'" in capsys.readouterr().err


def test_verbose_explain_command_logs_training_and_explaining(
    iris_csv, capsys, caplog
) -> None:
    import logging

    from engine.cli import main

    caplog.set_level(logging.INFO, logger="engine")
    argv = ["-v", "explain", str(iris_csv), "--target", "target", "--model"]
    assert main([*argv, "forest", "--rows", "0,1"]) == 0
    lines = [r.getMessage() for r in caplog.records if r.name.endswith("explain")]
    assert any(m.startswith("values.train train 10/100") for m in lines), lines
    assert any(m.startswith("values.explain") for m in lines), lines


def test_explain_command_takes_a_pipeline_on_text_columns(tmp_path, capsys) -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from engine.data import read_table
    from engine.values import load_skops

    rng = np.random.default_rng(0)
    n = 120
    frame = pd.DataFrame(
        {
            "age": rng.normal(50, 10, n),
            "sex": rng.choice(["female", "male"], n),
            "dose": rng.normal(size=n),
        }
    )
    frame["y"] = (frame.dose + (frame.sex == "female") > 0.5).astype(int)
    csv = tmp_path / "mixed.csv"
    frame.to_csv(csv, index=False)
    table, _ = read_table(csv)
    pipe = make_pipeline(
        ColumnTransformer(
            [
                ("num", StandardScaler(), ["age", "dose"]),
                ("cat", OneHotEncoder(), ["sex"]),
            ]
        ),
        LogisticRegression(),
    ).fit(table.drop(columns="y"), table.y)
    model_path = tmp_path / "pipe.skops"
    save_skops(pipe, model_path)
    assert type(load_skops(model_path)).__name__ == "Pipeline"
    out = tmp_path / "values.json"
    argv = ["explain", str(csv), "--target", "y", "--model-file", str(model_path)]
    assert _run([*argv, "--rows", "0,1", "--out", str(out)]) == 0
    flush_notes()
    assert "sex" in capsys.readouterr().out
    result = DistributionalValues.from_json(out)
    assert result.features == ("age", "sex", "dose")
    assert result.categories == {"sex": ("female", "male")}
    assert list(result.data_frame()["sex"]) == list(frame.sex[:2])


def test_a_model_fitted_on_named_columns_gets_them_in_its_order(
    iris_csv, tmp_path, capsys
) -> None:
    from sklearn.linear_model import LogisticRegression

    from engine.cli import main

    # a model fitted on 3 of the 4 columns, or on all 4 in another order, was
    # refused ("expects 3 features"; "Reorder the columns, e.g. X[...]"), while
    # the Explain page gave it its columns
    frame = pd.read_csv(iris_csv)
    names = list(frame.columns[:4])
    subset = names[1:]
    model = LogisticRegression(max_iter=500).fit(frame[subset], frame["target"])
    path = tmp_path / "subset.skops"
    save_skops(model, path)
    out = tmp_path / "values.json"
    argv = ["explain", str(iris_csv), "--target", "target", "--rows", "0,100"]
    assert main([*argv, "--model-file", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert (
        "note: explain: left out 'sepal length (cm)' (not a column of the model): "
        f"the model in {str(path)!r} takes 'sepal width (cm)', 'petal length (cm)', "
        "'petal width (cm)', in that order\n"
    ) in captured.err
    assert "model: LogisticRegression from" in captured.out
    assert DistributionalValues.from_json(out).features == tuple(subset)

    reordered = names[::-1]
    model = LogisticRegression(max_iter=500).fit(frame[reordered], frame["target"])
    save_skops(model, path)
    assert main([*argv, "--model-file", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "left out" not in captured.err
    result = DistributionalValues.from_json(out)
    assert result.features == tuple(reordered)
    expected = model.predict(frame[reordered].iloc[[0, 100]])
    assert [result.classes[c] for c in result.predicted] == [str(v) for v in expected]

    # only a column the table lacks is refused, by name, saying what to do
    frame["extra"] = frame["sepal length (cm)"] * 2
    extra = ["extra", *subset]
    model = LogisticRegression(max_iter=500).fit(frame[extra], frame["target"])
    save_skops(model, path)
    assert main([*argv, "--model-file", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(
        f"error: explain: the model in {str(path)!r} takes the columns 'extra', "
        "'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'; the table lacks "
        "'extra'. Use a table that has them (the one the model was trained on), or a "
        "model trained on this table's columns."
    ), err


def test_sampled_values_show_their_standard_errors_and_an_unsettled_ranking(
    tmp_path, capsys
) -> None:
    from engine.cli import main

    # with 20 orderings the summary named a top feature within noise of others,
    # with no standard error anywhere: 'a' and its copy 'b' are symmetric players
    rng = np.random.default_rng(0)
    a = rng.normal(size=200)
    frame = pd.DataFrame({"a": a, "b": a, "c": rng.normal(size=200)})
    frame["y"] = np.where(a + 0.05 * frame["c"] > 0, "yes", "no")
    path = tmp_path / "twins.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "values.json"
    argv = ["explain", str(path), "--target", "y", "--rows", "2", "--out", str(out)]
    assert main([*argv, "--estimator", "permutation", "--samples", "20"]) == 0
    printed = capsys.readouterr().out
    result = DistributionalValues.from_json(out)
    # P(change) is the sum of the off-diagonal entries and 1 - the diagonal's:
    # the smaller sum of their standard errors bounds its standard error
    eye = np.eye(2, dtype=bool)
    entries = result.stderr[0]  # (M, K, K)
    se = np.minimum(entries[:, ~eye].sum(axis=1), entries[:, eye].sum(axis=1))
    assert np.all(se > 0.001) and np.all(se < 0.01), se
    assert (
        "sampled from 20 orderings: 's.e. <= x' says the Monte Carlo standard "
        "error of P(change) is at most x\n"
    ) in printed
    for i, name in enumerate(result.features):
        line = f"  {name:<28} P(change) {result.p_change[0, i]:.3f} "
        assert f"{line}(s.e. <= {se[i]:.3f})  " in printed, printed
    top, second = np.argsort(result.p_change[0])[::-1][:2]
    assert {result.features[top], result.features[second]} == {"a", "b"}
    assert (
        f"  the top ranking is not settled: {result.features[second]!r} is within 2 "
        f"standard errors of {result.features[top]!r}; --samples 80 halves the "
        "errors (time grows with it)\n"
    ) in printed

    # exact values have no standard error, and nothing is unsettled
    assert main([*argv, "--estimator", "exact"]) == 0
    printed = capsys.readouterr().out
    assert "s.e." not in printed and "sampled from" not in printed
    assert "not settled" not in printed


def test_top_classes_keeps_the_likeliest_classes_and_pools_the_others(
    iris_csv, tmp_path, capsys
) -> None:
    from engine.cli import main

    # the library's top_k had no option: a model with many classes could not be
    # reduced from the command line
    out = tmp_path / "values.json"
    argv = ["explain", str(iris_csv), "--target", "target", "--rows", "0,50"]
    argv += ["--out", str(out)]
    assert main([*argv, "--top-classes", "2"]) == 0
    captured = capsys.readouterr()
    assert (
        "note: explain: kept the 2 class(es) most likely on the explained rows "
        "('0', '1'); the model's 1 other class is pooled as 'other'.\n"
    ) in captured.err
    result = DistributionalValues.from_json(out)
    assert result.classes == ("0", "1", "other")
    assert result.transitions.shape == (2, 4, 3, 3)
    assert result.config["top_k"] == 2
    assert "row 0: predicted 0\n" in captured.out

    assert main([*argv, "--top-classes", "3"]) == 0
    captured = capsys.readouterr()
    assert (
        "note: explain: '--top-classes 3' pools no class: the model has only 3 "
        "classes.\n"
    ) in captured.err
    assert DistributionalValues.from_json(out).classes == ("0", "1", "2")

    assert main([*argv, "--top-classes", "0"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: explain: '--top-classes' must be a positive integer (the classes "
        "kept, the others pooled into 'other'); got 0.\n"
    )


def test_help_documents_top_classes_apart_from_top(capsys) -> None:
    from engine.cli import main

    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--top TOP features listed per row (default 5)" in text
    assert (
        "--top-classes K keep the K classes most likely on the explained rows (by "
        "their largest probability) and pool the others into one class, 'other'"
    ) in text


def test_every_row_with_a_hole_names_the_option_that_fills_them(
    iris_csv, tmp_path, capsys
) -> None:
    from engine.cli import main

    # the library's advice named its parameter (missing='mean') and offered to
    # leave columns out, which explain cannot
    frame = pd.read_csv(iris_csv)
    for i in range(len(frame)):
        frame.iat[i, i % 4] = np.nan
    path = tmp_path / "holes.csv"
    frame.to_csv(path, index=False)
    assert main(["explain", str(path), "--target", "target"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: explain: every row has a missing or infinite feature value (e.g. 38 "
        "in 'sepal length (cm)'), so dropping incomplete rows leaves none; use "
        "--missing mean to fill them with the column mean.\n"
    )
    argv = ["explain", str(path), "--target", "target", "--missing", "mean"]
    assert main([*argv, "--top", "1"]) == 0


def test_the_unsettled_ranking_rule_is_the_pages(capsys):
    # the CLI used 2 x (se1 + se2), the page 2 x sqrt(se1^2 + se2^2): a gap of
    # 0.05 with errors 0.015 was "not settled" here and settled on the page
    from types import SimpleNamespace

    from engine.commands.explain import _write_unsettled
    from engine.values.uncertainty import unsettled_top

    p = np.array([[0.30, 0.25]])
    se = np.array([0.015, 0.015])
    result = SimpleNamespace(p_change=p, features=("a", "b"), n_samples=np.array([4]))
    _write_unsettled(result, se, 0, np.array([0, 1]))
    assert capsys.readouterr().out == ""
    assert unsettled_top(p[0], se, 4, 100) is None
    _write_unsettled(result, np.array([0.02, 0.02]), 0, np.array([0, 1]))
    assert "the top ranking is not settled: 'b' is within" in capsys.readouterr().out


def ml_frame(n: int = 60) -> pd.DataFrame:
    """Two random numbers, a constant, a red/blue text column and a label of
    two classes that depends on ``a`` and ``color``."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "a": rng.random(n),
            "b": rng.random(n),
            "const": 5,
            "color": rng.choice(["red", "blue"], n),
        }
    )
    frame["label"] = np.where((frame.a > 0.5) | (frame.color == "red"), "yes", "no")
    return frame


@pytest.fixture
def ml_csv(tmp_path):
    path = tmp_path / "ml.csv"
    ml_frame().to_csv(path, index=False)
    return path


def test_text_columns_are_features_as_on_the_explain_page(
    ml_csv, tmp_path, capsys
) -> None:
    from engine.cli import main

    # 'color' was left out ("the classifier takes numeric columns") while the
    # Explain page one-hot encodes it and ranks it
    out = tmp_path / "values.json"
    argv = ["explain", str(ml_csv), "--target", "label", "--missing", "mean"]
    assert main([*argv, "--rows", "0,3", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "left out" not in captured.err, captured.err
    assert "note: explain: text feature(s) 'color' are one-hot encoded" in (
        captured.err
    )
    assert re.search(r"^  color +P\(change\)", captured.out, re.M), captured.out
    result = DistributionalValues.from_json(out)
    # the page's features, in table order (tests/app/test_explain_page.py)
    assert result.features == ("a", "b", "const", "color")
    assert result.categories == {"color": ("blue", "red")}
    # colour decides the class of a blue row with a <= 0.5
    frame = ml_frame()
    row = int(np.flatnonzero((frame.color == "blue") & (frame.a < 0.4))[0])
    assert main([*argv, "--rows", str(row), "--out", str(out)]) == 0
    capsys.readouterr()
    result = DistributionalValues.from_json(out)
    assert result.p_change[0, result.features.index("color")] > 0.1


def test_a_row_with_an_empty_text_cell_is_dropped_or_filled_as_on_the_page(
    tmp_path, capsys
) -> None:
    from engine.cli import main

    frame = ml_frame()
    frame.loc[4, "color"] = None
    path = tmp_path / "holed.csv"
    frame.to_csv(path, index=False)
    argv = ["explain", str(path), "--target", "label", "--top", "1"]
    assert main([*argv, "--rows", "4"]) == 2
    err = capsys.readouterr().err
    assert "row(s) [4] of '--rows' were dropped" in err
    assert "row 4 has no value in ['color']); use --missing mean" in err
    assert main([*argv, "--rows", "4", "--missing", "mean"]) == 0
    err = capsys.readouterr().err
    top = frame.color.value_counts().idxmax()
    assert (
        f"filled 1 empty cell(s) of 'color' with its most common value, {top!r}" in err
    )


def test_a_constant_column_is_a_feature_and_the_note_says_so(ml_csv, capsys) -> None:
    from engine.cli import main

    # the note said 'const' was "left out of the numeric matrix" above a summary
    # that listed it
    argv = ["explain", str(ml_csv), "--target", "label", "--rows", "3"]
    assert main([*argv, "--missing", "mean"]) == 0
    captured = capsys.readouterr()
    assert "left out of the numeric matrix" not in captured.err, captured.err
    assert (
        "note: explain: ml.csv: column 'const' is constant (5); explain keeps it "
        "as a feature, which never changes the class (P(change) 0: removed, it "
        "takes the same value from every table row).\n"
    ) in captured.err
    assert re.search(
        r"^  const +P\(change\) 0\.000  never changes the class$",
        captured.out,
        re.M,
    ), captured.out


def test_fit_anyway_trains_a_label_of_nearly_one_class_per_row(tmp_path, capsys):
    from engine.cli import main

    # the page trains such a label once 'Train anyway' is ticked; the command
    # had no way to insist
    frame = load_iris(as_frame=True).frame
    frame["comment"] = [f"comment {i % 76}" for i in range(150)]
    path = tmp_path / "comments.csv"
    frame.drop(columns="target").to_csv(path, index=False)
    argv = ["explain", str(path), "--target", "comment", "--rows", "0", "--top", "1"]
    assert main([*argv, "--fit-anyway"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("model: logistic"), out
    assert "row 0: predicted comment " in out, out
    assert "is not used" not in err
    # given for a label of real classes: said, and the fit goes on
    frame["species"] = frame.pop("target")
    frame.drop(columns="comment").to_csv(path, index=False)
    argv[3] = "species"
    assert main([*argv, "--fit-anyway"]) == 0
    assert "note: explain: '--fit-anyway' is not used: the label column 'species'" in (
        capsys.readouterr().err
    )


def _cont_csv(tmp_path):
    """60 rows: random floats a and b, and a price of 19 distinct decimals."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    frame["price"] = 10.25 + 1.5 * (np.arange(60) % 19)
    path = tmp_path / "cont.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_continuous_label_is_refused_unless_fit_anyway(tmp_path, capsys) -> None:
    from engine.cli import main

    # only a note, then 19 classes were trained (accuracy 0, status 0), while
    # the Explain page and the graph command and page refuse such a label
    argv = ["explain", str(_cont_csv(tmp_path)), "--target", "price", "--rows", "0"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: explain: '--target' 'price' holds 19 distinct decimal numbers in "
        "60 labelled rows: it looks like a continuous measurement, and each value "
        "would be a class of its own; pick a column of class labels with --target, "
        "or pass --fit-anyway to train one class per value.\n"
    )
    assert main([*argv, "--top", "1", "--fit-anyway"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("model: logistic")
    assert "note: explain: the label column 'price' has 19 distinct values" in err
    # the user insisted: no note asks for a column of class labels
    assert "explain needs a column of class labels" not in err
    assert "is not used" not in err


def test_fit_anyway_help_names_both_refused_kinds_of_label(capsys) -> None:
    with pytest.raises(SystemExit):
        _run(["explain", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "looks continuous (decimal numbers with more than 10 distinct" in help_text
    assert "nearly one class per row" in help_text


def test_an_explained_row_with_an_empty_text_cell_names_the_fill(
    tmp_path, capsys
) -> None:
    from engine.cli import main

    # it said "use --missing mean to fill them with the column mean" for a
    # text cell, which --missing mean fills with the most common value
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    frame["color"] = np.resize(["red", "blue"], 60)
    frame["label"] = np.resize([0, 1, 1], 60)
    frame.loc[3, "color"] = None
    path = tmp_path / "ex_miss.csv"
    frame.to_csv(path, index=False)
    argv = ["explain", str(path), "--target", "label", "--rows", "3"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "(row 3 has no value in ['color'])" in err
    assert "the column mean" not in err
    assert "fill an empty text cell with the column's most common value" in err
    frame.loc[3, ["a", "color"]] = [np.nan, "red"]
    frame.to_csv(path, index=False)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "use --missing mean to fill them with the column mean" in err
    assert "most common value" not in err
    assert main([*argv, "--missing", "mean", "--top", "1"]) == 0


def test_a_table_of_text_features_gets_no_note_that_numbers_are_needed(
    tmp_path, capsys
) -> None:
    from engine.cli import main

    # "no column holds numbers; the learners need numeric columns", and then
    # explain one-hot encoded the text columns and trained
    frame = pd.DataFrame(
        {
            "color": np.resize(["red", "blue", "green"], 60),
            "shape": np.resize(["box", "ball"], 60),
            "label": np.resize(["p", "q"], 60),
        }
    )
    path = tmp_path / "text.csv"
    frame.to_csv(path, index=False)
    argv = ["explain", str(path), "--target", "label", "--top", "1"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "the learners need numeric columns" not in err
    assert (
        "note: explain: text.csv: no column holds numbers; explain takes the text "
        "columns as features, one-hot encoded" in err
    )
