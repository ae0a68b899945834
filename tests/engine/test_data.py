"""engine.data: reading the corpus, the report, and to_matrix policies."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from engine.data import (
    MAX_BYTES,
    describe,
    graph_cells,
    graph_frame,
    graph_separator,
    read_table,
    to_matrix,
)
from engine.errors import ConfigError, DataError
from tests.corpus import BAD, CORPUS, GOOD, Case


def _read(case: Case, **kwargs):
    limit = case.max_bytes if case.max_bytes is not None else MAX_BYTES
    return read_table(case.data, name=case.file_name, max_bytes=limit, **kwargs)


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 15
    assert len({c.name for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.name)
def test_read_table_rejects_unusable_file_with_message(case):
    with pytest.raises(DataError, match=case.error) as info:
        _read(case)
    message = str(info.value)
    assert case.file_name in message
    assert "\n" not in message.strip()


@pytest.mark.parametrize("case", GOOD, ids=lambda c: c.name)
def test_read_table_parses_awkward_file(case):
    frame, report = _read(case)
    codes = {f.code for f in report.findings}
    assert case.codes <= codes, f"missing findings {case.codes - codes}"
    assert report.usable
    assert report.n_rows == len(frame) and report.n_columns == frame.shape[1]
    if case.check is not None:
        case.check(frame)


@pytest.mark.parametrize(
    "case", [c for c in CORPUS if c.codes and c.error], ids=lambda c: c.name
)
def test_read_table_non_strict_returns_error_findings(case):
    frame, report = _read(case, strict=False)
    assert case.codes <= {f.code for f in report.errors}
    assert not report.usable
    assert len(frame) == report.n_rows


def test_read_table_from_path_and_file_object(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n1,2\n3,4\n")
    from_path, report = read_table(path)
    assert report.source == "t.csv" and report.n_bytes == 12
    with path.open("rb") as fh:
        from_file, _ = read_table(fh)
    from_bytes, _ = read_table(io.BytesIO(path.read_bytes()))
    pd.testing.assert_frame_equal(from_path, from_file)
    pd.testing.assert_frame_equal(from_path, from_bytes)


def test_read_table_checks_size_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a\n" + b"1\n" * 2000)
    with pytest.raises(DataError, match=r"big\.csv: the file is 4,002 bytes, over"):
        read_table(path, max_bytes=100)
    # MB as the app's uploader counts them: 10**6 bytes
    over = tmp_path / "over.csv"
    over.write_bytes(b"a\n" + b"1\n" * 1_250_000)
    with pytest.raises(DataError, match=r"the file is 2\.5 MB, over the 2 MB limit"):
        read_table(over, max_bytes=2 * 10**6)
    assert MAX_BYTES == 50 * 10**6


def test_read_table_missing_path_names_it(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_table(tmp_path / "nope.csv")


def test_read_table_refuses_a_folder(tmp_path):
    with pytest.raises(DataError, match="is a folder, not a file; give the path"):
        read_table(tmp_path)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"delimiter": ";;"}, "'delimiter' must be one character .*; got ';;'"),
        ({"delimiter": ""}, "'delimiter' must be one character .*; got ''"),
        ({"delimiter": '"'}, "'delimiter' must be one character .*; got '\"'"),
        ({"max_bytes": -1}, "'max_bytes' must be a positive whole .*; got -1"),
        ({"max_bytes": 0}, "'max_bytes' must be a positive whole .*; got 0"),
        ({"max_bytes": 2.5}, "'max_bytes' must be a positive whole .*; got 2.5"),
    ],
)
def test_read_table_refuses_bad_options_by_name(options, expected):
    with pytest.raises(ConfigError, match=expected):
        read_table(b"a,b\n1,2\n3,4\n", **options)


def test_report_rows_are_file_lines():
    # header is line 1; the missing value sits on line 4, the inf on line 6
    data = b"a,b\n1,2\n3,4\n,5\n6,7\ninf,8\n"
    _, report = read_table(data)
    by_code = {f.code: f for f in report.findings}
    assert by_code["missing_values"].rows == (4,)
    assert by_code["infinite_values"].rows == (6,)
    assert "line 4" in by_code["missing_values"].message


def test_report_ragged_rows_lists_lines():
    _, report = read_table(b"a,b,c\n1,2,3\n4,5\n7,8,9\n10\n")
    ragged = next(f for f in report.findings if f.code == "ragged_rows")
    assert ragged.rows == (3, 5)
    assert "lines 3, 5" in ragged.message


def _preamble_file(preamble: str, rows: int = 60) -> bytes:
    body = "".join(f"{k},{k / 4},{-k},{'ab'[k % 2]}\n" for k in range(rows))
    return (preamble + "x,y,z,label\n" + body).encode()


_HASH_PREAMBLE = "".join(f"# note {k}: LabSoft 3.2, {k}\n" for k in range(5))
_TEXT_PREAMBLE = "LabSoft export\nInstrument XYZ-100\nDate: 2024-01-02, 10:00\n"


def test_comment_lines_at_the_top_are_skipped_and_said():
    frame, report = read_table(_preamble_file(_HASH_PREAMBLE), name="lab.csv")
    assert (report.delimiter, report.n_rows, report.n_columns) == (",", 60, 4)
    assert list(frame.columns) == ["x", "y", "z", "label"]
    note = next(f for f in report.findings if f.code == "comment_lines")
    assert note.severity == "warning" and note.rows == (1, 2, 3, 4, 5)
    assert note.message.startswith(
        "lab.csv: skipped 5 comment lines at the top (lines 1-5, starting with '#')"
    )
    # rows keep their file line numbers: the header is line 6
    gap = read_table(_preamble_file(_HASH_PREAMBLE).replace(b"\n2,", b"\n,", 1))
    missing = next(f for f in gap.report.findings if f.code == "missing_values")
    assert missing.rows == (9,)


def test_a_preamble_without_hash_is_skipped_and_its_lines_named():
    frame, report = read_table(_preamble_file(_TEXT_PREAMBLE), name="lab.csv")
    assert (report.delimiter, report.n_rows, report.n_columns) == (",", 60, 4)
    assert frame["y"].iloc[:3].tolist() == [0.0, 0.25, 0.5]
    note = next(f for f in report.findings if f.code == "preamble_lines")
    assert note.rows == (1, 2, 3)
    assert note.message.startswith(
        "lab.csv: skipped 3 lines at the top (lines 1-3, from 'LabSoft export') "
        "that do not have the 4 fields of the table; the header is line 4."
    )
    assert not any(f.code == "single_column" for f in report.findings)


def test_a_one_field_split_never_beats_a_consistent_split():
    from engine.data import _sniff_delimiter

    text = _preamble_file("Title line\nAnother line\n" * 5).decode()
    assert _sniff_delimiter(text) == ","


@pytest.mark.parametrize(
    ("raw", "columns"),
    [
        # a column named '#' is no comment
        (b"#,name,score\n1,ann,3\n2,bob,4\n", ["#", "name", "score"]),
        # a header shorter than the text rows is not skipped as a preamble
        (b"a,b,c\nx,y\np,q\nr,s\n", ["a", "b", "c"]),
        # a title line above rows of numbers: no header to find, kept as it is
        (b"Title\n1,2\n3,4\n", None),
    ],
)
def test_lines_that_may_be_the_table_are_not_skipped(raw, columns):
    if columns is None:
        with pytest.raises(DataError, match="more fields than the 1 column names"):
            read_table(raw)
        return
    frame, report = read_table(raw)
    assert list(frame.columns) == columns
    assert not {"comment_lines", "preamble_lines"} & {f.code for f in report.findings}


@pytest.mark.parametrize(
    ("raw", "columns", "values"),
    [
        # a title as wide as the table (its comma splits it in two fields)
        (b"Sample data, version 2\na,b\n1,2\n3,4\n5,6\n", ["a", "b"], [1.0, 3.0, 5.0]),
        # a one-column table under a title
        (b"My export\nvalue\n1\n2\n3\n", ["value"], [1.0, 2.0, 3.0]),
        # a title holding a number (a year) is still text above the header
        (b"Export,2024\nx,y\n0.5,1\n1.5,2\n2.5,3\n", ["x", "y"], [0.5, 1.5, 2.5]),
    ],
)
def test_a_title_line_above_a_header_over_numbers_is_skipped(raw, columns, values):
    frame, report = read_table(raw, name="t.csv")
    assert list(frame.columns) == columns
    assert frame[columns[0]].tolist() == values
    assert report.n_rows == 3 and report.header is True
    note = next(f for f in report.findings if f.code == "preamble_lines")
    assert note.severity == "warning" and note.rows == (1,)
    title = raw.decode().split("\n")[0]
    assert note.message == (
        f"t.csv: skipped 1 line of text at the top (line 1, from {title!r}) above "
        "the header on line 2, whose names head columns of numbers only. If line 1 "
        "holds the column names, read the file with header=True (--header yes; "
        "'First row holds column names': Yes on the Data page); else remove those "
        "lines (or start them with '#')."
    )


def test_header_true_keeps_a_title_line_as_the_column_names():
    raw = b"Sample data, version 2\na,b\n1,2\n3,4\n5,6\n"
    frame, report = read_table(raw, header=True, strict=False)
    assert list(frame.columns) == ["Sample data", "version 2"]
    # the line below the names holds only words over numbers: left out, as a
    # row of units is (it was read as text, and the column with it)
    assert frame["Sample data"].tolist() == [1.0, 3.0, 5.0]
    codes = {f.code: f for f in report.findings}
    assert "preamble_lines" not in codes and codes["units_row"].rows == (2,)


def test_a_narrow_line_and_a_wide_title_are_skipped_together():
    frame, report = read_table(b"Title\nSample data, version 2\na,b\n1,2\n3,4\n")
    assert list(frame.columns) == ["a", "b"] and frame["b"].tolist() == [2.0, 4.0]
    note = next(f for f in report.findings if f.code == "preamble_lines")
    assert note.rows == (1, 2)
    assert note.message.startswith(
        "<bytes>: skipped 2 lines of text at the top (lines 1-2, from 'Title') "
        "above the header on line 3,"
    )
    assert "If line 2 holds the column names" in note.message


@pytest.mark.parametrize(
    ("raw", "columns"),
    [
        # a header over text rows: the first row holding a number is no header
        (b"name,score\nAlice,unknown\nBob,5\nCarl,6\n", ["name", "score"]),
        (b"name,city\nAlice,Paris\nBob,Rome\nCarl,Oslo\n", ["name", "city"]),
        # a text column below the candidate header: it may be a row of the table
        (b"Export, LabSoft\nname,x\nA,1\nB,2\n", ["Export", "LabSoft"]),
        # a row of missing values or dashes is no header
        (b"a,b\nNA,NA\n1,2\n3,4\n", ["a", "b"]),
        (b"a,b\n-,-\n1,2\n3,4\n", ["a", "b"]),
        # one data row is too little evidence
        (b"a,b\nx,y\n1,2\n", ["a", "b"]),
        # a row of numbers above the names may be data: nothing is skipped
        (b"1,2\na,b\n3,4\n5,6\n", ["column_1", "column_2"]),
        # a header of single words with a row of units (or a second header)
        # below: line 1 keeps naming the columns (the units were taken for them)
        (
            b"temp,pressure,flow\nC,kPa,Ls\n20,101,3\n21,102,5\n22,103,4\n",
            ["temp", "pressure", "flow"],
        ),
        (b"a,b\nmean,sd\n1,2\n3,4\n", ["a", "b"]),
        (b"value\nkg\n1\n2\n3\n", ["value"]),
    ],
)
def test_text_rows_below_a_header_are_not_taken_for_a_title(raw, columns):
    frame, report = read_table(raw, strict=False)
    assert list(frame.columns) == columns
    assert "preamble_lines" not in {f.code for f in report.findings}


_PENGUINS = "3750,181,Adelie\n3800,186,Adelie\n3250,195,Gentoo\n3450,193,Gentoo\n"


@pytest.mark.parametrize(
    ("raw", "columns", "units"),
    [
        # names of several words over a row of units: the names were skipped as
        # a title and the units taken for them ('g', 'mm'), or, with a text
        # column, the units read as a row of missing values, in 5 warnings
        (
            "body mass,flipper length\ng,mm\n"
            + _PENGUINS.replace(",Adelie", "").replace(",Gentoo", ""),
            ["body mass", "flipper length"],
            "'g' in 'body mass', 'mm' in 'flipper length'",
        ),
        (
            "body mass,flipper length,species\ng,mm,\n" + _PENGUINS,
            ["body mass", "flipper length", "species"],
            "'g' in 'body mass', 'mm' in 'flipper length'",
        ),
        # single words over units (kept as the names already) and units in
        # brackets with a unitless column
        (
            "mass;length;count\n(kg);[°C];\n" + "1;2;3\n4;5;6\n7;8;9\n",
            ["mass", "length", "count"],
            "'(kg)' in 'mass', '[°C]' in 'length'",
        ),
    ],
)
@pytest.mark.parametrize("header", [None, True])
def test_a_units_row_below_the_header_is_left_out_in_one_warning(
    raw, columns, units, header
):
    frame, report = read_table(raw.encode(), name="p.csv", header=header)
    assert list(frame.columns) == columns
    assert frame[columns[0]].tolist()[:2] == (
        [1.0, 4.0] if columns[0] == "mass" else [3750.0, 3800.0]
    )
    assert report.n_rows == len(frame) and not frame.isna().any().any()
    codes = [f.code for f in report.findings]
    assert "units_row" in codes and not {"mixed_types", "missing_values"} & set(codes)
    assert "preamble_lines" not in codes
    note = next(f for f in report.findings if f.code == "units_row")
    line = raw.split("\n")[1]
    example = "mass (kg)" if columns[0] == "mass" else "body mass (g)"
    assert note.severity == "warning" and note.rows == (2,)
    assert note.message == (
        f"p.csv: left out line 2 ({line!r}), below the column names: it holds no "
        f"number, only text in columns of numbers ({units}), as a row of units "
        f"does. To keep the units, put them in the column names ({example!r}) and "
        "delete the line; if it is a row of data, fix those cells."
    )


@pytest.mark.parametrize(
    "raw",
    [
        # a number in the row: a row of data with a typo
        b"a,b\nx,1\n2,3\n4,5\n",
        # text in a column of text: a row of data
        b"name,score\nAlice,unknown\nBob,5\nCarl,6\n",
        # one row below it is too little evidence
        b"a,b\nx,y\n1,2\n",
    ],
)
def test_a_row_of_data_with_text_is_no_units_row(raw):
    _, report = read_table(raw, strict=False)
    assert "units_row" not in {f.code for f in report.findings}


def test_without_a_header_no_row_is_taken_for_units():
    frame, report = read_table(b"g,mm\n1,2\n3,4\n5,6\n", header=False)
    assert "units_row" not in {f.code for f in report.findings}
    assert frame["column_1"].tolist()[0] == "g"


def test_a_wide_row_in_a_one_column_file_is_named_not_a_semicolon():
    # no delimiter splits most lines: the one that splits some line is taken,
    # so the row shows as wider than the header (it was 'delimiter semicolon')
    with pytest.raises(DataError) as caught:
        read_table(b"a\n1\n2\n3\nb,c\n", name="t.csv")
    assert str(caught.value) == (
        "t.csv: 1 row(s) have more fields than the 1 column names of the header "
        "(line 1), split at each comma: line 5 (2 fields). If those extra fields "
        "are columns of the table, add their names to the header; if a field holds "
        'a comma, put it in double quotes ("..."); else fix those rows.'
    )


def test_a_one_column_file_with_decimal_commas_says_how_to_read_it():
    # it was refused only as rows with more fields, advised to name the extra
    # columns or quote the fields (a quoted "1,5" is read as text, not 1.5)
    raw = b"value\n1,5\n2\n-3,25\n"
    with pytest.raises(DataError) as caught:
        read_table(raw, name="eu.csv")
    assert str(caught.value) == (
        "eu.csv: 2 row(s) have more fields than the 1 column names of the header "
        "(line 1), split at each comma: line 2 (2 fields), line 4 (2 fields). The "
        "file looks like one column of numbers written with decimal commas ('1,5' "
        "for 1.5), the comma also separating the fields: save it with ';' between "
        "fields (a ';'-separated file is read with decimal commas) or with '.' "
        "decimals, or read it with delimiter=';' (data describe --delimiter ';'). "
        "If the extra fields are columns of the table, add their names to the "
        "header."
    )
    # the ways it names read it
    frame, report = read_table(raw, delimiter=";")
    assert frame["value"].tolist() == [1.5, 2.0, -3.25] and report.decimal == ","
    frame, _ = read_table(raw.replace(b",", b"."))
    assert frame["value"].tolist() == [1.5, 2.0, -3.25]


@pytest.mark.parametrize(
    "raw",
    [
        b"value\n1,5\n2,x\n",  # not a fraction
        b"value\n1,5,0\n2,5\n",  # three fields
        b"a;b\n1,5;2\n3,5;4,0;9\n",  # not comma-separated
    ],
)
def test_decimal_commas_are_named_only_for_one_column_of_split_numbers(raw):
    with pytest.raises(DataError, match="more fields than") as caught:
        read_table(raw)
    assert "decimal commas" not in str(caught.value)
    assert "put it in double quotes" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("value\n1\n2\n3\n", ","),  # none splits a line: the comma
        ("a\n1\nb;c\n2\n", ";"),
        ("a\nb|c\nd|e\nf\ng\nh\n", "|"),
    ],
)
def test_a_one_column_file_gets_the_delimiter_that_splits_a_line(text, delimiter):
    from engine.data import _sniff_delimiter

    assert _sniff_delimiter(text) == delimiter


def test_a_row_wider_than_a_first_row_of_data_is_named():
    with pytest.raises(DataError) as caught:
        read_table(b"1|2\n3|4|5\n6|7\n", header=False)
    assert str(caught.value) == (
        "<bytes>: 1 row(s) have more fields than the 2 fields of the first row "
        "(line 1), split at each pipe: line 2 (3 fields). If those extra fields are "
        "columns of the table, add the missing fields to the first row; if a field "
        'holds a pipe, put it in double quotes ("..."); else fix those rows.'
    )


def test_a_comment_header_over_rows_of_numbers_names_the_columns():
    frame, report = read_table(b"# written by numpy\n# a;b\n1;2\n3;4\n")
    assert list(frame.columns) == ["a", "b"] and report.header is True
    note = next(f for f in report.findings if f.code == "comment_lines")
    assert "skipped 1 comment line at the top (line 1, starting with '#'); " in (
        note.message
    )
    assert "read line 2 ('# a;b') as the column names, without its '#'" in (
        note.message
    )


def test_the_c_parser_path_reads_a_file_below_comments_as_the_full_path(
    monkeypatch,
):
    import engine.data as data

    rows = "".join(f"{k},{k / 3:.5f},{-k}\n" for k in range(300))
    raw = f"# LabSoft\n\n# units: mg/L\na,b,c\n{rows}".encode()
    monkeypatch.setattr(data, "_FAST_MIN_CHARS", 0)
    fast = read_table(raw)
    monkeypatch.setattr(data, "_FAST_MIN_CHARS", 10**12)
    slow = read_table(raw)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert fast.report == slow.report
    text = data._blank_comments(raw.decode(), "f")[0]
    monkeypatch.setattr(data, "_FAST_MIN_CHARS", 0)
    assert data._numeric_table(text, ",", "f") is not None


def test_report_column_kinds_and_counts():
    frame = pd.DataFrame(
        {
            "id": [f"r{k}" for k in range(30)],
            "x": np.r_[np.arange(28.0), np.nan, np.inf],
            "c": ["u", "v", "w"] * 10,
            "k": [1.0] * 30,
            "e": [None] * 30,
        }
    )
    report = describe(frame)
    info = {c.name: c for c in report.columns}
    assert report.kinds() == {
        "id": "identifier",
        "x": "numeric",
        "c": "categorical",
        "k": "numeric",
        "e": "empty",
    }
    assert (info["x"].n_missing, info["x"].n_nonfinite) == (1, 1)
    assert info["k"].is_constant and not info["x"].is_constant
    assert info["c"].n_unique == 3
    # positions (not file lines) for a frame: row 28 is NaN, row 29 inf
    missing = next(f for f in report.findings if f.code == "missing_values")
    assert missing.rows == (28,) and "row 28" in missing.message


def test_consecutive_integer_column_is_identifier():
    frame = pd.DataFrame({"n": np.arange(1, 51), "x": np.linspace(0, 1, 50)})
    assert describe(frame).kinds() == {"n": "identifier", "x": "numeric"}


def test_report_format_lists_columns_and_findings():
    _, report = read_table(b"a;b\n1,5;x\n2,5;y\n")
    text = report.format()
    assert "2 rows x 2 columns" in text
    assert "delimiter semicolon, decimal ','" in text
    assert "WARNING" in text
    assert list(report.column_table()["kind"]) == ["numeric", "categorical"]


def test_errors_come_first_in_findings():
    _, report = read_table(b"a\nx\n", strict=False)
    assert report.findings[0].severity == "error"


# --- to_matrix ---


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"s{k}" for k in range(12)],
            "a": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0],
            "b": [2.0, np.inf, 1.0, 0.0, 3.0, 1.0, 2.0, 0.0, 5.0, 1.0, 2.0, 3.0],
            "color": ["red", "blue", "red", "green"] * 3,
            "const": [3.0] * 12,
            "y": [0, 1] * 6,
        }
    )


def test_to_matrix_drop_policy_records_rows_and_columns():
    X, names, record = to_matrix(_frame(), exclude=["y"])
    assert names == ["a", "b"]
    assert X.shape == (10, 2)
    assert record.dropped_rows.tolist() == [1, 2]
    assert record.kept_rows.tolist() == [0, *range(3, 12)]
    assert record.dropped_columns == {
        "y": "excluded",
        "id": "identifier",
        "color": "categorical",
        "const": "constant",
    }
    assert X[0].tolist() == [1.0, 2.0]
    summary = record.summary()
    assert any("dropped 2 row(s)" in s for s in summary)
    assert "left out 'const' (constant)" in summary
    # the caller excluded 'y' itself (a target): no note about it
    assert not [s for s in summary if "'y'" in s]


def test_to_matrix_mean_imputation_uses_finite_values():
    X, _names, record = to_matrix(_frame(), columns=["a", "b"], missing="mean")
    assert X.shape == (12, 2)
    assert X[2, 0] == pytest.approx((78.0 - 3.0) / 11)
    assert X[1, 1] == pytest.approx(20.0 / 11)
    assert record.imputed == {"a": 1, "b": 1}
    assert record.dropped_rows.size == 0


def test_to_matrix_onehot_uses_first_level_as_reference():
    X, names, record = to_matrix(
        _frame(), columns=["color"], categorical="onehot", missing="drop"
    )
    assert names == ["color=green", "color=red"]
    assert record.encoded_columns == {"color": ("color=green", "color=red")}
    np.testing.assert_array_equal(X[:4], [[0, 1], [0, 0], [0, 1], [1, 0]])


def test_to_matrix_fills_an_empty_text_cell_with_the_most_common_value():
    # missing="mean" gave the empty cell fractional dummies (b=y 0.5, b=z 0.25)
    # while the README says --missing mean fills it with the column's most
    # common value, as the explain command and the Explain page do
    from engine.values.table_models import missing_text

    frame = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": ["y", "y", "z", None, "w"]})
    X, names, record = to_matrix(frame, missing="mean", categorical="onehot")
    assert names == ["a", "b=y", "b=z"]
    np.testing.assert_array_equal(X[3], [4.0, 1.0, 0.0])  # b = "y"
    filled, lines = missing_text(frame[["b"]], ["b"], "mean")
    assert filled["b"].tolist()[3] == "y"
    assert record.imputed == {"b": 1} and record.filled_with == {"b": "y"}
    said = "filled 1 empty cell(s) of 'b' with its most common value, 'y'"
    assert record.summary() == [said, "one-hot encoded 'b' into 2 column(s)"]
    assert lines == [said]
    # a tie goes to the first value in sorted order, as missing_text does
    tie = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": ["z", "y", None, "w"]})
    X, names, record = to_matrix(tie, missing="mean", categorical="onehot")
    assert names == ["a", "b=y", "b=z"] and X[2].tolist() == [3.0, 0.0, 0.0]
    assert record.filled_with == {"b": "w"}
    assert missing_text(tie[["b"]], ["b"], "mean")[0]["b"].tolist()[2] == "w"


def test_to_matrix_standardize_and_center():
    frame = pd.DataFrame({"u": [1.0, 2.0, 3.0, 6.0], "v": [0.0, 1.0, 0.0, 1.0]})
    X, _, record = to_matrix(frame, scale="standardize")
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1.0)
    np.testing.assert_allclose(record.means, [3.0, 0.5])
    np.testing.assert_allclose(record.scales, [np.sqrt(3.5), 0.5])
    Xc, _, rc = to_matrix(frame, scale="center")
    np.testing.assert_allclose(Xc[:, 0], [-2.0, -1.0, 0.0, 3.0])
    np.testing.assert_allclose(rc.scales, 1.0)


def test_to_matrix_does_not_modify_the_frame():
    frame = _frame()
    before = frame.copy()
    to_matrix(frame, missing="mean", scale="standardize", categorical="onehot")
    pd.testing.assert_frame_equal(frame, before)


def test_to_matrix_parses_string_numbers():
    a = ["1", "2", "x3", "4", "5", "6"] * 2  # 5 of 6 are numbers: numeric
    frame = pd.DataFrame({"a": a, "b": ["1.5", "2", "3"] * 4})
    X, names, record = to_matrix(frame)
    assert names == ["a", "b"]
    assert X.shape == (10, 2)
    assert record.dropped_rows.tolist() == [2, 8]


def test_to_matrix_rejects_unknown_column_and_policy():
    with pytest.raises(DataError, match=r"unknown column\(s\) \['nope'\]"):
        to_matrix(_frame(), columns=["a", "nope"])
    with pytest.raises(ConfigError, match="'missing' must be one of"):
        to_matrix(_frame(), missing="zero")
    with pytest.raises(ConfigError, match="'scale' must be one of"):
        to_matrix(_frame(), scale="minmax")


def test_to_matrix_without_usable_column_says_why():
    frame = pd.DataFrame({"c": ["a", "b", "a"], "k": [1, 1, 1]})
    with pytest.raises(DataError, match="c: categorical, k: constant"):
        to_matrix(frame)
    with pytest.raises(DataError, match="encode them as numbers in the file"):
        to_matrix(frame)


def test_to_matrix_all_rows_missing():
    frame = pd.DataFrame(
        {"a": [1.0, np.nan, 3.0, np.nan], "b": [np.nan, 2.0, np.nan, 4.0]}
    )
    with pytest.raises(DataError, match=r"every row has a missing.*--missing mean"):
        to_matrix(frame)


def test_report_left_out_matches_to_matrix():
    frame = pd.DataFrame(
        {
            "a": [1.0, 2.0, 3.0, 4.0],
            "k": [1.0, 1.0, 1.0, 1.0],
            "c": ["x", "y", "x", "y"],
            "e": [np.nan] * 4,
        }
    )
    report = describe(frame)
    expected = {"k": "constant", "c": "categorical", "e": "empty"}
    assert report.left_out() == expected
    assert to_matrix(frame).record.dropped_columns == expected
    assert report.left_out(["a", "c"]) == {"c": "categorical"}
    assert report.left_out(["c"], categorical="onehot") == {}
    with pytest.raises(ConfigError, match="'categorical' must be one of"):
        report.left_out(categorical="encode")


def test_to_matrix_on_a_parsed_corpus_file():
    case = next(c for c in CORPUS if c.name == "semicolon_decimal_comma")
    frame, _ = read_table(case.data)
    X, names, _record = to_matrix(frame, categorical="onehot")
    assert names == ["x", "y", "label=b"]
    np.testing.assert_allclose(X[:, 0], [1.5, -2.25, 3.0, 1000.125])
    np.testing.assert_allclose(X[:, 2], [0, 1, 0, 1])


def _plain_numeric_files() -> list[tuple[str, bytes]]:
    """Rectangular, quote-free numeric files of the kinds pandas and R write."""
    rng = np.random.default_rng(7)
    n = 400
    x = rng.normal(size=(n, 4)) * 10.0 ** rng.integers(-8, 8, size=(n, 4))
    frame = pd.DataFrame(x, columns=["a", "b", "a", " d "])
    frame.iloc[::37, 1] = np.nan  # written as empty cells
    frame["id"] = np.arange(n)  # a saved row index: an identifier finding
    frame["const"] = 1.0
    frame["neg"] = -rng.integers(0, 5, size=n)
    files = [
        ("comma", frame.to_csv(index=False).encode()),
        ("semicolon", frame.to_csv(index=False, sep=";").encode()),
        ("tab", frame.to_csv(index=False, sep="\t").encode()),
        ("exponents", frame.to_csv(index=False, float_format="%.3e").encode()),
        ("no final newline", frame.to_csv(index=False).encode().rstrip(b"\n")),
        # blanks around numbers (a blank-only cell goes the full path)
        ("padded", frame.fillna(0).to_csv(index=False, sep=";").replace(";", " ; ")),
    ]
    return [(k, v if isinstance(v, bytes) else v.encode()) for k, v in files]


@pytest.mark.parametrize(
    ("label", "raw"),
    _plain_numeric_files(),
    ids=[label for label, _ in _plain_numeric_files()],
)
def test_the_c_parser_path_reads_plain_numbers_as_the_full_path(
    label, raw, monkeypatch
):
    import engine.data as data

    monkeypatch.setattr(data, "_FAST_MIN_CHARS", 0)
    text = raw.decode()
    delimiter = data._sniff_delimiter(text)
    assert data._numeric_table(text, delimiter, label) is not None  # it is taken
    fast_frame, fast_report = read_table(raw, name=label, strict=False)
    monkeypatch.setattr(data, "_FAST_MIN_CHARS", 10**12)
    assert data._numeric_table(text, delimiter, label) is None
    slow_frame, slow_report = read_table(raw, name=label, strict=False)
    pd.testing.assert_frame_equal(fast_frame, slow_frame)
    assert fast_report == slow_report


@pytest.mark.parametrize(
    "raw",
    [
        b"a,b\n1,2\n,\n3\n",  # a short row: said by the full path
        b"a,b\n1,2\n\n3,4\n",  # a blank line
        b"a,b\n1,True\n2,False\n",  # booleans
        b"a,b\n1,nan\n2,inf\n",  # words
        b'a,b\n"1",2\n3,4\n',  # quotes
        b"1,2\n3,4\n",  # no header
        b"a;b\n1,5;2\n3,0;4\n",  # decimal commas
        b"a,b\n1-2,3\n4,5\n",  # not a number, only number characters
        b"a,b\n1,2,3\n4,5\n",  # a long row
    ],
)
def test_the_c_parser_path_leaves_other_files_to_the_full_path(raw, monkeypatch):
    import engine.data as data

    monkeypatch.setattr(data, "_FAST_MIN_CHARS", 0)
    text = raw.decode()
    assert data._numeric_table(text, data._sniff_delimiter(text), "f") is None


# --- header=: whether the first line holds the column names ---


def _number_named_table(rows: int = 30) -> bytes:
    """A table whose header holds number-like names, as d_numnames.csv."""
    body = "".join(
        f"{k / 7:.4f},{k / 3:.4f},{-k / 5:.4f},{k % 2}\n" for k in range(rows)
    )
    return ("1,2,3,0\n" + body).encode()


def test_header_guessed_from_a_first_line_of_numbers_reads_it_as_data():
    frame, report = read_table(_number_named_table(), name="n.csv")
    assert frame.shape == (31, 4) and frame.columns[0] == "column_1"
    assert report.header is False
    (finding,) = [f for f in report.findings if f.code == "no_header"]
    assert "header=True" in finding.message and "--header yes" in finding.message


def test_header_true_reads_number_like_names_as_the_names():
    frame, report = read_table(_number_named_table(), name="n.csv", header=True)
    assert list(frame.columns) == ["1", "2", "3", "0"] and frame.shape == (30, 4)
    assert report.header is True
    assert "no_header" not in {f.code for f in report.findings}
    assert report.kinds()["1"] == "numeric"


def test_header_false_reads_a_named_first_line_as_data():
    raw = b"a,b\nc,d\ne,f\n"
    frame, report = read_table(raw, header=False)
    assert list(frame.columns) == ["column_1", "column_2"]
    assert frame["column_1"].tolist() == ["a", "c", "e"] and report.header is False
    assert "no_header" not in {f.code for f in report.findings}
    # the default keeps reading it as names
    assert read_table(raw).report.header is True


def test_header_false_rows_are_named_by_their_file_lines():
    raw = b"1,x\n2,y\n3,\n"
    _, report = read_table(raw, header=False)
    (missing,) = [f for f in report.findings if f.code == "missing_values"]
    assert missing.rows == (3,)


@pytest.mark.parametrize("header", [True, False, None])
def test_the_c_parser_path_follows_header(header, monkeypatch):
    import engine.data as data

    raw = _number_named_table(40)
    monkeypatch.setattr(data, "_FAST_MIN_CHARS", 0)
    fast = read_table(raw, name="n.csv", header=header)
    monkeypatch.setattr(data, "_FAST_MIN_CHARS", 10**12)
    slow = read_table(raw, name="n.csv", header=header)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert fast.report == slow.report


def test_header_must_be_a_bool_or_none():
    with pytest.raises(ConfigError, match=r"'header' must be True .*got 'yes'"):
        read_table(b"a,b\n1,2\n3,4\n", header="yes")


def test_identifier_warning_gives_the_rule_that_took_the_column():
    # a date and a name column were said to count 0, 1, 2 or be named like an id
    rows = "".join(
        f"2020-01-{k + 1:02d},person {k},{k},{k * 7 % 5}\n" for k in range(20)
    )
    _, report = read_table(("date,name,row_id,index\n" + rows).encode())
    reasons = {
        f.column: f.message for f in report.findings if f.code == "identifier_column"
    }
    text = "(every value distinct text, as names, codes or dates are)"
    assert text in reasons["date"] and text in reasons["name"]
    assert "named like an id" in reasons["row_id"]
    assert "counting" not in reasons["date"] + reasons["name"]
    counted = read_table(
        b"n,v\n" + b"".join(b"%d,%d\n" % (k, k % 3) for k in range(12))
    )
    (finding,) = [f for f in counted.report.findings if f.code == "identifier_column"]
    assert "the whole numbers 0, 1, ..., 11 in row order" in finding.message
    # 1..11 was "counting 0, 1, 2, ...": the note says what the column holds
    from_one = read_table(
        b"n,v\n" + b"".join(b"%d,%d\n" % (k, k % 3) for k in range(1, 12))
    )
    (finding,) = [f for f in from_one.report.findings if f.code == "identifier_column"]
    assert "the whole numbers 1, 2, ..., 11 in row order" in finding.message


def test_duplicate_names_warning_names_the_new_names():
    # it said "renamed name.1, name.2" for a column named x
    _, report = read_table(b"x,x,y,y,y\n1,2,3,4,5\n6,7,8,9,1\n")
    (finding,) = [f for f in report.findings if f.code == "duplicate_names"]
    assert "renamed ['x.1', 'y.1', 'y.2']." in finding.message
    assert "name.1" not in finding.message


def test_a_workbook_is_named_and_the_advice_said_once():
    # it read "... (an .xlsx workbook is one); save it as CSV; use a CSV or TSV file."
    book = b"PK\x03\x04" + bytes(200)
    with pytest.raises(DataError) as info:
        read_table(book, name="book.xlsx")
    assert str(info.value) == (
        "book.xlsx: this is not a text table but an Excel workbook (.xlsx); open it "
        "in Excel or LibreOffice, save the sheet with File > Save As > CSV (UTF-8), "
        "and use that file."
    )
    with pytest.raises(DataError) as info:
        read_table(book, name="renamed.csv")
    message = str(info.value)
    assert message.startswith(
        "renamed.csv: this is not a text table but a zip archive (an Excel .xlsx or "
        "OpenDocument .ods workbook is one); if it is a workbook, open it in Excel"
    )
    assert message.count("CSV") == 2 and "TSV" not in message
    with pytest.raises(DataError, match=r"^old.xls: .* an Excel workbook \(.xls\);"):
        read_table(b"\xd0\xcf\x11\xe0" + bytes(200), name="old.xls")


@pytest.mark.parametrize(
    ("raw", "header", "rows"),
    [
        (b"My export\nvalue\n1,5\n2\n-3,25\n", 2, "line 3 (2 fields), line 5"),
        (b"My export\n\nvalue\n1,5\n2\n-3,25\n", 3, "line 4 (2 fields), line 6"),
        (b"# note\nMy export\nvalue\n1,5\n2\n-3,25\n", 3, "line 4 (2 fields), line 6"),
    ],
)
def test_decimal_commas_below_a_title_name_the_real_header_line(raw, header, rows):
    # the title above a one-column table was not skipped when its rows were split
    # at decimal commas: the message named the title as the header, on line 1
    with pytest.raises(DataError) as caught:
        read_table(raw, name="eu.csv")
    assert str(caught.value).startswith(
        "eu.csv: 2 row(s) have more fields than the 1 column names of the header "
        f"(line {header}), split at each comma: {rows} (2 fields). The file looks "
        "like one column of numbers written with decimal commas ('1,5' for 1.5)"
    ), caught.value
    # read as its message says, the title is skipped and the header is 'value'
    frame, _ = read_table(raw, delimiter=";")
    assert frame["value"].tolist() == [1.5, 2.0, -3.25]


def test_every_learner_refuses_columns_too_small_for_a_variance():
    # learn_dag refused them (its squares underflow); to_matrix, the classifier
    # features and the LDS features took them and fitted on zero variances
    from engine.data import check_variance

    X = np.column_stack([[1.0, 2.0, 3.0], [1e-170, 3e-170, 2e-170], [0.0, 0.0, 0.0]])
    with pytest.raises(DataError) as caught:
        check_variance(X, ["a", "tiny", "flat"], "to_matrix")
    text = str(caught.value)
    assert text.startswith("to_matrix: column(s) ['tiny'] hold values so small")
    assert "e.g. 1e+170" in text and "'flat'" not in text
    check_variance(X[:, [0, 2]], ["a", "flat"], "to_matrix")  # constant is fine
    frame = pd.DataFrame(X, columns=["a", "tiny", "flat"])
    with pytest.raises(DataError, match="squares underflow"):
        to_matrix(frame)


# --- encodings: Windows-1252, UTF-16 without a byte-order mark ---


def test_a_windows_1252_file_is_read_as_windows_1252_and_said_so():
    # Excel on Windows writes cp1252; read as Latin-1, the euro sign and the curly
    # quotes (bytes 0x80-0x9F) became invisible control characters
    raw = "price,name\n5,€uro\n6,‘q’\n7,x\n".encode("cp1252")
    frame, report = read_table(raw, name="euro.csv")
    assert frame["name"].tolist() == ["€uro", "‘q’", "x"]
    assert report.encoding == "cp1252"
    assert "encoding cp1252" in report.format()
    note = next(f for f in report.findings if f.code == "encoding")
    assert note.message.startswith("euro.csv: the file is not valid UTF-8 (byte 13)")
    assert "Windows-1252" in note.message and "Latin-1" not in note.message


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1():
    # 0x81 0x8D 0x8F 0x90 0x9D have no character in cp1252
    raw = b"a,b\n1,\xe9t\xe9\n2,x\x81y\n3,z\n"
    frame, report = read_table(raw, name="t.csv")
    assert frame["b"].tolist() == ["été", "x\x81y", "z"]
    assert report.encoding == "latin-1"
    note = next(f for f in report.findings if f.code == "encoding")
    assert "read as Latin-1" in note.message and "Windows-1252" in note.message


def test_a_windows_1252_file_starting_with_a_euro_sign_is_no_pickle():
    # the euro sign is byte 0x80, the first byte of a pickle of protocol 2 or more
    frame, report = read_table("€,n\n1,2\n3,4\n".encode("cp1252"), name="e.csv")
    assert list(frame.columns) == ["€", "n"] and report.encoding == "cp1252"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path, codec):
    # pandas' to_csv(path, encoding="utf-16-le") writes no byte-order mark; it was
    # refused as "binary bytes, not text"
    path = tmp_path / "u.csv"
    pd.DataFrame({"x": [1.5, 2.0, 3.0], "ville": ["Nîmes", "€", "Łódź"]}).to_csv(
        path, encoding=codec, index=False
    )
    frame, report = read_table(path)
    assert frame["x"].tolist() == [1.5, 2.0, 3.0]
    assert frame["ville"].tolist() == ["Nîmes", "€", "Łódź"]
    assert report.encoding == codec and f"encoding {codec}" in report.format()


def test_broken_utf16_without_a_byte_order_mark_names_utf16():
    raw = "a,b\n1,2\n3,4\n".encode("utf-16-le") + b"\x00\xd8"  # a lone surrogate
    with pytest.raises(DataError, match=r"t\.csv: .*UTF-16.*save it as UTF-8"):
        read_table(raw, name="t.csv")


@pytest.mark.parametrize(
    "raw",
    [
        np.arange(400, dtype="<i2").tobytes(),  # 16-bit integers: every other 0
        np.arange(400, dtype=">i2").tobytes(),
        np.arange(400, dtype="<i4").tobytes(),
        np.arange(400, dtype="<f8").tobytes(),
        np.random.default_rng(0).normal(size=400).tobytes(),
        np.random.default_rng(1).integers(0, 3000, 2000, dtype="<i2").tobytes(),
        np.random.default_rng(2).integers(0, 256, 4000, dtype=np.uint8).tobytes(),
        np.random.default_rng(3).integers(0, 256, 100, dtype=np.uint8).tobytes(),
    ],
)
def test_binary_numbers_are_not_taken_for_utf16(raw):
    assert b"\x00" in raw
    with pytest.raises(DataError, match="binary bytes"):
        read_table(raw, name="t.bin")


_CITIES = ["東京", "大阪", "京都", "札幌", "福岡"]
_SENTENCES = ["とても大きな都市です。", "食べ物がおいしい。", "古いお寺が多い。"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_japanese_and_cyrillic_tables_without_a_byte_order_mark_are_read(
    tmp_path, codec
):
    # few of their characters have a zero high byte: refused as "binary bytes"
    path = tmp_path / "jp.csv"
    japanese = pd.DataFrame(
        {
            "都市": [_CITIES[k % 5] for k in range(100)],
            "説明": [_SENTENCES[k % 3] for k in range(100)],
            "値": np.arange(100) / 4,
        }
    )
    japanese.to_csv(path, index=False, encoding=codec)
    frame, report = read_table(path)
    assert list(frame.columns) == ["都市", "説明", "値"]
    assert frame["説明"].tolist() == japanese["説明"].tolist()
    assert frame["値"].tolist() == japanese["値"].tolist()
    assert report.encoding == codec
    raw = "имя,город,цена\nИван,Москва,10\nПётр,Казань,20\nАнна,Сочи,30\n"
    frame, report = read_table(raw.encode(codec), name="ru.csv")
    assert list(frame.columns) == ["имя", "город", "цена"]
    assert frame["город"].tolist() == ["Москва", "Казань", "Сочи"]
    assert frame["цена"].tolist() == [10, 20, 30] and report.encoding == codec


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        "都市\n東京\n大阪\n京都\n札幌\n",  # one column: no delimiter to go by
        "都市,説明\n東京,大きい\n大阪\n京都,古い,寺\n",  # ragged first lines
    ],
)
def test_utf16_text_that_does_not_look_like_a_table_is_named_utf16(codec, text):
    with pytest.raises(DataError) as info:
        read_table(text.encode(codec), name="t.csv")
    message = str(info.value)
    assert message.startswith("t.csv: the file looks like UTF-16 text")
    assert "save it as UTF-8" in message and "binary" not in message


# --- files that are no CSV: JSON, HTML ---


@pytest.mark.parametrize(
    "raw",
    [
        b'[{"a": 1, "b": 2}, {"a": 3, "b": 4}]',
        b'[\n  {\n    "a": 1,\n    "b": 2\n  },\n  {\n    "a": 3\n  }\n]\n',
        b'{"a": {"0": 1, "1": 3}, "b": {"0": 2, "1": 4}}',
        b'{"a": 1, "b": 2}\n{"a": 3, "b": 4}\n',  # JSON lines
    ],
)
def test_a_json_file_saved_as_csv_is_named_json(raw):
    # it said "the file has a header (4 columns) but no data rows"
    with pytest.raises(DataError) as info:
        read_table(raw, name="t.csv")
    message = str(info.value)
    assert message.startswith("t.csv: the file looks like JSON, not a CSV table")
    assert "pd.read_json" in message and "no data rows" not in message


def test_an_html_table_saved_as_csv_is_named_html(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"a": [1, 2], "b": [3, 4]}).to_html(path)
    with pytest.raises(DataError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith("t.csv: the file looks like HTML (a web page)")
    assert "Save As > CSV" in message


@pytest.mark.parametrize(
    "raw",
    [
        # what a browser's "Save page as" writes first
        b"<!-- saved from url=(0014)about:internet -->\n<html>\n<body><table><tr>"
        b"<td>a</td></tr><tr><td>1</td></tr></table></body></html>\n",
        b"<div><table>\n<tr><td>a</td><td>b</td></tr>\n<tr><td>1</td><td>2</td>"
        b"</tr>\n</table></div>\n",
        b"<!DOCTYPE html>\n<html><body><p>a, b</p></body></html>\n",
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html '
        b'xmlns="http://www.w3.org/1999/xhtml"><body></body></html>\n',
        b'<table class="x">\n<tr><td>1</td></tr>\n</table>\n',
    ],
)
def test_html_pages_and_fragments_are_named_html(raw):
    # they were read as one column of tags, with "few rows" and "single column"
    with pytest.raises(DataError) as info:
        read_table(raw, name="t.csv")
    assert str(info.value).startswith("t.csv: the file looks like HTML (a web page)")


def test_an_excel_2003_xml_spreadsheet_is_named_xml():
    raw = (
        b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"\n'
        b' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
        b' <Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">a'
        b"</Data></Cell></Row></Table></Worksheet>\n</Workbook>\n"
    )
    with pytest.raises(DataError) as info:
        read_table(raw, name="book.xml")
    message = str(info.value)
    assert message.startswith(
        "book.xml: the file looks like XML (an Excel 2003 XML spreadsheet?), not a "
        "CSV table"
    )
    assert "Save As > CSV" in message


def test_other_xml_is_named_xml():
    raw = b'<?xml version="1.0"?>\n<rows>\n<row a="1" b="2"/>\n</rows>\n'
    with pytest.raises(DataError, match=r"^t\.csv: the file looks like XML, not a"):
        read_table(raw, name="t.csv")


@pytest.mark.parametrize(
    ("raw", "width"),
    [
        (b"name,v\n[draft],1\n{x},2\nok,3\n", 2),  # brackets in the cells
        (b"<a>,v\n1,2\n3,4\n", 2),  # a header cell in angle brackets
        (b"<table,b\n1,2\n3,4\n", 2),  # refused as HTML: "<table" then a delimiter
        (b"<Body weight>,b\n1,2\n3,4\n", 2),  # refused as HTML: "<body"
        (b"<Body weight>;<html>\n1;2\n3;4\n", 2),
        (b"x\t<head>\n1\t2\n3\t4\n", 2),
        (b"<Body weight>\n61.5\n72\n80.25\n", 1),  # one column
    ],
)
def test_csv_files_with_brackets_are_not_taken_for_json_or_html(raw, width):
    frame, _ = read_table(raw)
    assert len(frame) >= 2 and frame.shape[1] == width


# --- percent and date columns: said, not converted ---


def test_percent_and_date_columns_are_said_and_kept_as_text():
    raw = (
        b"rate,day,when,x\n37%,2024-01-01,01/02/2024,1\n12.5 %,2024-02-29 13:45,"
        b"31/12/2023,2\nNA,2023-12-31T08:00:00,15.03.2024,3\n"
    )
    frame, report = read_table(raw, name="t.csv")
    assert frame["rate"].tolist()[:2] == ["37%", "12.5 %"]
    assert frame["day"].tolist()[0] == "2024-01-01"
    notes = {(f.code, f.column): f.message for f in report.findings}
    rate = notes["percent_values", "rate"]
    assert rate.startswith("t.csv: column 'rate' holds percentages ('37%'")
    assert "plain numbers" in rate
    for column in ("day", "when"):
        note = notes["date_values", column]
        assert f"column {column!r} holds dates" in note and "leave the column" in note
    assert report.kinds()["rate"] == "categorical"


@pytest.mark.parametrize(
    "cells",
    [
        ["37%", "about half", "12%"],  # one cell is text
        ["2024-01-01", "soon", "2024-03-01"],
        ["meeting on 2024-01-01", "b", "c"],
        ["1-2-3", "4-5-6", "7-8-9"],  # codes, no dates
        ["2024-13-01", "2024-14-02", "2024-15-03"],  # no month 13
        ["13/13/2024", "1.2.2024", "2/3/2024"],  # no month 13 in either order
        ["31.04.2024", "1.2.2024", "2.3.2024"],  # no 31 April
        ["2023-02-29", "2024-02-29", "2024-03-01"],  # 2023 is no leap year
        ["12/31/2023", "1.2.2024", "soon"],
        ["37%", "40", "high"],  # numbers and percentages, and a word
        ["50%off", "a%", "%"],
    ],
)
def test_text_columns_that_are_not_all_percentages_or_dates_are_not_named(cells):
    raw = ("c,x\n" + "".join(f"{c},{k}\n" for k, c in enumerate(cells))).encode()
    _, report = read_table(raw)
    codes = {f.code for f in report.findings}
    assert not codes & {"percent_values", "date_values"}


def test_a_column_of_numbers_some_with_percent_signs_is_said_to_mix_them():
    # 37%, 12.5%, 40, 100%: read as categories without a word
    raw = b"c,x\n37%,1\n12.5%,2\n40,3\n100%,4\n"
    frame, report = read_table(raw, name="t.csv")
    assert frame["c"].tolist() == ["37%", "12.5%", "40", "100%"]
    note = next(f for f in report.findings if f.code == "percent_values")
    assert note.column == "c"
    assert note.message.startswith(
        "t.csv: column 'c' holds numbers, 3 with '%' ('37%', ...) and 1 without "
        "('40', ...)"
    )
    assert "plain numbers" in note.message


@pytest.mark.parametrize(
    "cells",
    [
        ["1.2.2024", "29.02.2024", "31.12.2023"],  # day first
        ["12/31/2023", "2/29/2024", "01/01/24"],  # month first
        ["2024-02-29", "2023-12-31T23:59", "2024-01-01 08:00:00"],
    ],
)
def test_real_dates_in_either_order_are_said(cells):
    raw = ("c,x\n" + "".join(f"{c},{k}\n" for k, c in enumerate(cells))).encode()
    _, report = read_table(raw, name="t.csv")
    note = next(f for f in report.findings if f.code == "date_values")
    assert note.message.startswith("t.csv: column 'c' holds dates")


def test_the_date_note_says_what_each_consumer_does_with_the_column():
    # it said "a date that only orders the rows is no feature", while the
    # classifiers one-hot encode a text column as a feature
    raw = b"day,x\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n"
    _, report = read_table(raw, name="t.csv")
    note = next(f.message for f in report.findings if f.code == "date_values")
    assert "causal discovery leaves it out" in note
    assert "a classifier" in note and "categories" in note
    assert "numeric encoding of the dates" in note and "no feature" not in note


GRAPH_TEXTS = [
    "a,b\nb,c\n",
    "source;target\n a ; b \n\n c;d\n",
    "35\t1033\n35\t\n\t9\n  \t \n",
    'x,"y, z"\n"p ""q""",r\n',
    "a,b,1.5\nb,c\nc\n",
    "a,b\nSmith, J,Doe, K\n",
    "NA,Cl\nn/a,null\n",
    "# c\n% d\n1\t2\n",
    '35   1033\n"node a"  103482\n',
    "a;b\n,\n;\n",
    '"a\tx" b\nb c\n',
]


@pytest.mark.parametrize("text", GRAPH_TEXTS)
def test_the_graph_frame_holds_the_cells_of_graph_cells(text):
    # graph_frame hands the bulk of a file to pandas' C parser; its rows must
    # be graph_cells' rows, an empty cell None, padded with None
    rows = [[cell or None for cell in row] for row in graph_cells(text)]
    frame = graph_frame(text)
    width = max(map(len, rows))
    assert frame.shape == (len(rows), width)
    assert frame.values.tolist() == [row + [None] * (width - len(row)) for row in rows]


def test_graph_cells_choose_the_tab_and_skip_comment_lines_at_the_top():
    assert graph_separator("# a, b, c\nSmith, J.\tDoe, A.\n") == "\t"
    assert graph_cells("% konect\n#\n# x;y\n\nSmith, J.\tDoe, A.\n") == [
        ["Smith, J.", "Doe, A."]
    ]


def test_the_graph_separator_is_the_one_that_splits_the_first_lines_alike():
    # it was judged from the first line alone: 'Smith, J., Jr.;Doe, A.' holds
    # more commas than semicolons, so a semicolon file was split on commas
    text = "Smith, J., Jr.;Doe, A.\nRoe;Poe\nPoe;Loe\n"
    assert graph_separator(text) == ";"
    rows = [["Smith, J., Jr.", "Doe, A."], ["Roe", "Poe"], ["Poe", "Loe"]]
    assert graph_cells(text) == rows
    assert graph_frame(text).values.tolist() == graph_cells(text)
    # and a comma file whose first line holds more semicolons than commas
    assert graph_separator("a;b;c,d\ne,f\ng,h\n") == ","
    # comment lines, quoted cells and blank lines do not count
    assert graph_separator('# x;y;z\n"a;b;c",d\n\ne,f\n# g;h\n') == ","
    # when both split every line alike, the semicolon: names and decimals hold
    # commas, hardly ever semicolons ('Smith, J.;Doe' on every line was split on
    # commas, its third cell dropped as a weight)
    assert graph_separator("a,b;c\nd,e;f\n") == ";"
    assert graph_separator("a;b;c,d\ne;f;g,h\n") == ";"
    names = "Smith, J.;Doe, A.\nRoe, B.;Poe, C.\nPoe, C.;Doe, A.\n"
    assert graph_cells(names) == [
        ["Smith, J.", "Doe, A."],
        ["Roe, B.", "Poe, C."],
        ["Poe, C.", "Doe, A."],
    ]
    # a tab on the first line wins; blanks only when it holds no separator
    assert graph_separator("a,b\tc\nd;e\n") == "\t"
    assert graph_separator("a b\nc,d\n") is None
    # an edge list with a third column on some lines keeps the comma (blanks
    # would split every line in three: 'node a,node b' holds two blanks)
    assert graph_separator("node a,node b,2\nnode b,node c\n") == ","
    # only the first 20 data lines are looked at
    many = "Smith, J.;Doe, A.\n" + "a;b\n" * 19 + "c,d\n"
    assert graph_separator(many) == ";"
    assert graph_separator("Smith, J.;Doe, A.\n" + "a,b\n" * 20) == ","
