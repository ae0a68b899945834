"""AppTest of the Data page: samples, uploads, the corpus, the target, a known graph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.components.text import literal
from tests.corpus import CORPUS

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app" / "streamlit_app.py")


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception
    return app


def _dataset(app: AppTest) -> dict:
    return app.session_state["dataset"]


def _upload(app: AppTest, name: str, data: bytes) -> None:
    app.file_uploader(key="data_upload").set_value((name, data, "text/csv")).run()
    assert not app.exception, app.exception


def test_default_sample_is_shown(at):
    ds = _dataset(at)
    assert (ds["name"], ds["source"]) == ("sachs", "sample")
    assert at.selectbox(key="data_sample").value == "sachs"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows"] == "853" and metrics["Known graph"] == "17 edges"
    assert len(at.dataframe) >= 2  # preview and column types
    assert not at.error


def test_pick_sample_and_target(at):
    at.selectbox(key="data_sample").select("wine").run()
    ds = _dataset(at)
    assert ds["name"] == "wine" and ds["frame"].shape == (178, 14)
    assert ds["target"] == "target" and ds["truth"] is None
    assert at.selectbox(key="data_target").value == "target"
    at.selectbox(key="data_target").select("(none)").run()
    assert _dataset(at)["target"] is None
    at.selectbox(key="data_sample").select("linear_gaussian").run()
    assert _dataset(at)["truth"].sum() == 15
    assert at.selectbox(key="data_target").value == "(none)"


def test_good_upload_then_bad_upload_keeps_the_good_one(at):
    wine = (REPO / "sample_data" / "wine.csv").read_bytes()
    _upload(at, "wine.csv", wine)
    ds = _dataset(at)
    assert (ds["name"], ds["source"]) == ("wine.csv", "upload")
    assert ds["frame"].shape == (178, 14) and ds["target"] == "target"
    assert at.selectbox(key="data_sample").value is None
    # the upload is parsed once: a later rerun keeps the user's target choice
    at.selectbox(key="data_target").select("alcohol").run()
    assert _dataset(at)["target"] == "alcohol"
    _upload(at, "broken.csv", b"a,b\n1,2\n3,4,5\n")
    assert len(at.error) == 1
    message = at.error[0].value
    assert "broken.csv: 1 row(s) have more fields" in message
    assert "Still using 'wine.csv'" in message
    assert _dataset(at)["name"] == "wine.csv"
    assert _dataset(at)["target"] == "alcohol"
    # choosing a sample clears the error
    at.selectbox(key="data_sample").select("iris").run()
    assert not at.error and _dataset(at)["name"] == "iris"


def test_every_corpus_file_through_the_uploader(at):
    previous = "sachs"
    for case in CORPUS:
        if case.max_bytes is not None:
            continue  # the app's limit is the server's maxUploadSize (50 MB)
        _upload(at, case.file_name, case.data)
        ds = _dataset(at)
        if case.error is not None:
            assert len(at.error) == 1, case.name
            assert re.search(case.error, at.error[0].value), case.name
            assert ds["name"] == previous, case.name
        else:
            assert not at.error, (case.name, [e.value for e in at.error])
            assert ds["name"] == case.file_name, case.name
            codes = {f.code for f in ds["report"].findings}
            assert case.codes <= codes, case.name
            warnings = " ".join(w.value for w in at.warning)
            for finding in ds["report"].warnings[:25]:
                assert literal(finding.message) in warnings, case.name
            if case.check is not None:
                case.check(ds["frame"])
            previous = case.file_name


def test_known_graph_upload_checks_names(at):
    at.selectbox(key="data_sample").select("linear_gaussian").run()
    truth_uploader = at.file_uploader[1]
    truth_uploader.set_value(("g.csv", b"source,target\nX1,Q\n", "text/csv")).run()
    assert not at.exception
    assert literal("node(s) ['Q'] are not columns") in at.error[0].value
    assert _dataset(at)["truth"].sum() == 15  # unchanged
    at.file_uploader[1].set_value(
        ("g.csv", b"source,target\nX1,X2\nX2,X3\n", "text/csv")
    ).run()
    assert not at.error
    assert _dataset(at)["truth"].sum() == 2
    assert {m.label: m.value for m in at.metric}["Known graph"] == "2 edges"


def _known(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["Known graph"]


def test_a_bad_known_graph_keeps_the_one_uploaded_before(at):
    # the browser empties the uploader before it takes a replacement file, and
    # that dropped the good graph: the metric fell back to the sample's 17 edges
    # beside an error that did not say so
    uploader_key = "data_truth_upload_sample:sachs"
    good = b"source,target\nRaf,Mek\nMek,Erk\n"
    at.file_uploader(key=uploader_key).set_value(("ok.csv", good, "text/csv")).run()
    assert not at.exception and not at.error
    assert _known(at) == "2 edges"
    at.file_uploader(key=uploader_key).set_value(None).run()
    assert not at.error and _known(at) == "2 edges"
    cycle = b"source,target\nRaf,Mek\nMek,Raf\n"
    at.file_uploader(key=uploader_key).set_value(("cyc.csv", cycle, "text/csv")).run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("This graph cannot be used: "), error.value
    assert error.value.endswith(
        literal(" Still using the known graph from 'ok.csv' (2 edges).")
    ), error.value
    assert _known(at) == "2 edges" and _dataset(at)["truth"].sum() == 2
    # a page switch empties the uploader too: the graph stays
    at.switch_page("views/causal.py").run()
    at.switch_page("views/data.py").run()
    assert not at.exception and not at.error
    assert _known(at) == "2 edges"
    # the button goes back to the sample's own graph
    at.button(key="data_truth_forget").click().run()
    assert not at.exception and not at.error
    assert _known(at) == "17 edges"
    assert not any(b.key == "data_truth_forget" for b in at.button)
    # and a bad file then says the sample's graph is in use
    at.file_uploader(key=uploader_key).set_value(("cyc.csv", cycle, "text/csv")).run()
    assert at.error[0].value.endswith(
        literal(" Still using the sample's own known graph (17 edges).")
    )


def test_binary_known_graph_is_called_binary(at):
    at.selectbox(key="data_sample").select("linear_gaussian").run()
    # high bytes without NUL: Latin-1 decodes them, so they passed as text
    at.file_uploader[1].set_value(("g.csv", b"\xc5" * 2000, "text/csv")).run()
    assert not at.exception
    assert "holds binary bytes, not a text graph" in at.error[0].value
    assert _dataset(at)["truth"].sum() == 15  # unchanged


MD_NAME = "md_[a](b).csv"
MD_TABLE = "**bold**,$x^2$,_u_,`code`\n" + "".join(
    f"{k},7,{k % 5},{'xy'[k % 2]}\n" for k in range(30)
)


def _markdown_texts(app: AppTest) -> list[str]:
    """The source of every element Streamlit renders as Markdown."""
    kinds = ("markdown", "caption", "subheader", "error", "warning", "success")
    return [e.value for kind in kinds for e in getattr(app, kind)]


def test_names_with_markdown_are_shown_literally(at):
    _upload(at, MD_NAME, MD_TABLE.encode())
    assert at.subheader[0].value == "md\\_\\[a\\](b).csv"
    warnings = [w.value for w in at.warning]
    assert any("column '\\$x^2\\$' is constant" in w for w in warnings), warnings
    texts = _markdown_texts(at)
    assert not any("[a](b)" in t or "'$x^2$'" in t for t in texts), texts
    # a bad upload's error quotes the file name, escaped too
    _upload(at, "bad_[x](y).csv", b"a,b\n1,2\n3,4,5\n")
    assert at.error[0].value.startswith(
        "This file cannot be used: bad\\_\\[x\\](y).csv"
    )
    assert "Still using 'md\\_\\[a\\](b).csv'." in at.error[0].value


_TWO_PAGES = """
import streamlit as st

st.navigation(
    [st.Page({data!r}, title="Data", default=True), st.Page("other.py", title="Other")]
).run()
"""


def test_widgets_follow_the_dataset_after_a_page_switch(tmp_path):
    # Streamlit drops widget state while another page is shown; the durable
    # dataset must be reflected again when the Data page comes back.
    entry = tmp_path / "entry.py"
    entry.write_text(_TWO_PAGES.format(data=str(REPO / "app" / "views" / "data.py")))
    (tmp_path / "other.py").write_text("import streamlit as st\nst.write('other')\n")
    app = AppTest.from_file(str(entry), default_timeout=120)
    app.run()
    app.selectbox(key="data_sample").select("wine").run()
    app.selectbox(key="data_target").select("alcohol").run()
    app.switch_page("other.py").run()
    assert "data_sample" not in app.session_state
    app.switch_page(str(REPO / "app" / "views" / "data.py")).run()
    assert not app.exception
    assert app.selectbox(key="data_sample").value == "wine"
    assert app.selectbox(key="data_target").value == "alcohol"
    assert app.session_state["dataset"]["target"] == "alcohol"


def test_an_upload_without_a_named_label_gets_its_class_column(at):
    # 'klasse' (three words) was not guessed: no label, and the Explain page then
    # took 'temp' (a measurement) and warned about it
    data = b"temp;druck;klasse\n21,7;982,2;mittel\n24,1;995,3;warm\n13,5;979,0;kalt\n"
    _upload(at, "semi.csv", data)
    assert _dataset(at)["target"] == "klasse"
    assert at.selectbox(key="data_target").value == "klasse"
    # a 70-byte file was "(0 KB)"
    assert f"Uploaded file semi.csv ({len(data)} bytes)." in [
        c.value for c in at.caption
    ]


def test_the_numeric_column_count_says_what_it_counts(at):
    # digits: 65 numeric columns were counted, the label and 3 constant pixels too
    at.selectbox(key="data_sample").select("digits").run()
    (metric,) = [m for m in at.metric if m.label == "Numeric feature columns"]
    assert metric.value == "61"
    assert metric.proto.help == (
        "Numeric columns that vary, besides the label: 65 in all; left out: the "
        "label 'target' and 3 constant column(s)."
    )
    at.selectbox(key="data_target").select("(none)").run()
    (metric,) = [m for m in at.metric if m.label == "Numeric feature columns"]
    assert metric.value == "62"


def _number_named(rows: int = 30) -> bytes:
    """A file whose header holds number-like names (d_numnames.csv)."""
    body = "".join(
        f"{k / 7:.4f},{k / 3:.4f},{-k / 5:.4f},{k % 2}\n" for k in range(rows)
    )
    return ("1,2,3,0\n" + body).encode()


def test_the_first_row_can_be_read_as_column_names(at):
    # a header of "1","2","3","0" was read as a data row (31 rows, column_1...)
    # with a warning and no way out
    _upload(at, "numnames.csv", _number_named())
    radio = at.radio(key="data_header")
    assert radio.value == "auto" and "Automatic (read as: no)" in radio.options
    assert _dataset(at)["frame"].shape == (31, 4)
    radio.set_value("yes").run()
    assert not at.exception
    ds = _dataset(at)
    assert list(ds["frame"].columns) == ["1", "2", "3", "0"]
    assert ds["frame"].shape == (30, 4) and ds["report"].header is True
    assert {m.label: m.value for m in at.metric}["Rows"] == "30"
    assert not [w for w in at.warning if "holds numbers" in w.value]
    at.radio(key="data_header").set_value("auto").run()
    assert _dataset(at)["frame"].columns[0] == "column_1"


def test_a_named_first_row_can_be_read_as_data(at):
    _upload(at, "text.csv", b"a,b\nc,d\ne,f\ng,h\n")
    assert at.radio(key="data_header").options[0] == "Automatic (read as: yes)"
    at.radio(key="data_header").set_value("no").run()
    ds = _dataset(at)
    assert list(ds["frame"].columns) == ["column_1", "column_2"]
    assert ds["frame"]["column_1"].tolist() == ["a", "c", "e", "g"]
    # a new file is read automatically again
    _upload(at, "two.csv", b"1,2\n3,4\n")
    assert at.radio(key="data_header").value == "auto"
    assert _dataset(at)["frame"].shape == (2, 2)
    # a reading the file does not allow (one data row) changes nothing, says why
    at.radio(key="data_header").set_value("yes").run()
    assert at.radio(key="data_header").value == "auto"
    assert _dataset(at)["frame"].shape == (2, 2)
    (error,) = at.error
    assert error.value.startswith("The file cannot be read that way: two.csv:")
    assert error.value.endswith("The columns are unchanged.")


def test_samples_have_no_header_choice(at):
    assert not [r for r in at.radio if r.key == "data_header"]


def test_a_headerless_known_graph_is_over_the_default_nodes(at):
    # an id column and a label column: the 3 x 3 matrix is over a, b, c only
    rows = "".join(f"{k},{k % 3},{k * 0.5},{k % 7},{k % 2}\n" for k in range(40))
    _upload(at, "t.csv", ("patient_id,a,b,c,y\n" + rows).encode())
    at.selectbox(key="data_target").set_value("y").run()
    matrix = b"0 1 0\n0 0 1\n0 0 0\n"  # numpy.savetxt's layout: spaces, no header
    at.file_uploader[1].set_value(("g.txt", matrix, "text/plain")).run()
    assert not at.exception and not at.error
    truth = _dataset(at)["truth"]
    columns = list(_dataset(at)["frame"].columns)
    assert truth.shape == (5, 5) and truth.sum() == 2
    assert truth[columns.index("a"), columns.index("b")]
    assert truth[columns.index("b"), columns.index("c")]


def test_a_workbook_upload_is_taken_and_refused_with_how_to_convert(at):
    # the uploader's type list held csv/tsv/txt only, so the browser refused an
    # .xlsx with "...spreadsheetml.sheet files are not allowed" and nothing else
    uploader = at.file_uploader(key="data_upload")
    assert {"xlsx", "xls", "ods", "parquet"} <= {
        t.lstrip(".") for t in uploader.proto.type
    }
    assert "Save As > CSV (UTF-8)" in uploader.help
    workbook = (b"PK\x03\x04" + bytes(60) + b"[Content_Types].xml") * 4
    _upload(at, "results.xlsx", workbook)
    assert [e.value for e in at.error] == [
        "This file cannot be used: "
        + literal(
            "results.xlsx: this is not a text table but an Excel workbook (.xlsx); "
            "open it in Excel or LibreOffice, save the sheet with File > Save As > "
            "CSV (UTF-8), and use that file."
        )
        + " Still using 'sachs'."
    ]
    assert _dataset(at)["name"] == "sachs"
