"""A corpus of bad and awkward table files, shared by the library, CLI and app tests.

Each :class:`Case` holds the file's bytes and what reading it must give: either a
:class:`~engine.errors.DataError` whose message matches ``error`` (a regex), or a
frame whose report contains the finding ``codes`` and which passes ``check``.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Case:
    """One corpus file and its expected outcome."""

    name: str
    data: bytes
    error: str | None = None
    codes: frozenset[str] = field(default_factory=frozenset)
    check: Callable[[pd.DataFrame], None] | None = None
    max_bytes: int | None = None
    filename: str = ""

    @property
    def file_name(self) -> str:
        """Name to write the file under."""
        return self.filename or f"{self.name}.csv"


def _rows(n: int, start: float = 0.0) -> str:
    return "".join(f"{start + k},{2 * k + 0.5}\n" for k in range(n))


def _check_semicolon(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["x", "y", "label"]
    assert frame["x"].tolist() == [1.5, -2.25, 3.0, 1000.125]
    assert frame["y"].tolist() == [0.5, 4.0, 1e-3, 7.0]
    assert frame["label"].tolist() == ["a", "b", "a", "b"]


def _check_sep_hint(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["a", "b"]
    assert frame["a"].tolist() == [1.5, 3.0]
    assert frame["b"].tolist() == [2.0, 4.25]


def _check_thousands(frame: pd.DataFrame) -> None:
    assert frame["Umsatz"].tolist() == [1234.5, 12000.0, 999.9]
    assert frame["Menge"].tolist() == [3.0, 4.0, 5.0]
    assert frame["Ort"].tolist() == ["Köln", "Ulm", "Bonn"]


def _check_us_thousands(frame: pd.DataFrame) -> None:
    # wine's proline saved with digit grouping: quoted "1,065" was a text column
    # ("categorical", left out of every learner, "no problems found")
    assert frame["proline"].tolist() == [1065.0, 520.0, 1035.0, 12345.5, -1280.0]
    assert frame["code"].tolist() == ["1,06", "2,5", "3", "4,0001", "5"]
    # decimal commas in a comma-delimited file: "1,500" is 1.5 next to "0,125"
    # and "1,5", so no cell of the column is regrouped (it was read as 1500)
    assert frame["ph"].tolist() == ["0,125", "1,500", "2,750", "1,5", "7"]


def _check_bom_crlf(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["alpha", "beta"]
    assert frame["alpha"].tolist() == [1.0, 3.0, 5.0]
    assert frame["beta"].tolist() == [2.5, 4.5, 6.5]


def _check_latin1(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["température", "pression", "ville"]
    assert frame["température"].tolist() == [21.5, 19.0, 23.25]
    assert frame["ville"].tolist() == ["Besançon", "Nîmes", "Orléans"]


def _check_tsv(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["a", "b c", "d"]
    assert frame["b c"].tolist() == [2.0, 5.0]


def _check_nan_inf(frame: pd.DataFrame) -> None:
    x = frame["x"].to_numpy()
    assert np.isnan(x[[1, 3, 5]]).all()
    assert x[2] == np.inf and x[4] == -np.inf
    assert x[0] == 1.0


def _check_mixed(frame: pd.DataFrame) -> None:
    v = frame["value"].to_numpy()
    assert v.dtype == np.float64
    assert np.isnan(v[3]) and np.isnan(v[7])
    assert v[0] == 0.0 and v[9] == 9.0


def _check_hidden(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["a\u202egnp.exe", "b\u200b"]


def _check_dup(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["a", "a.1", "b"]
    assert frame["a.1"].tolist() == [2.0, 5.0, 8.0]


def _check_ragged(frame: pd.DataFrame) -> None:
    assert frame.shape == (4, 3)
    assert np.isnan(frame["c"].iloc[1]) and np.isnan(frame["b"].iloc[3])


def _check_quoted(frame: pd.DataFrame) -> None:
    assert frame["name"].tolist() == ["Smith, J.", 'say "hi"', "multi\nline"]
    assert frame["v"].tolist() == [1.0, 2.0, 3.0]


def _check_wide(frame: pd.DataFrame) -> None:
    assert frame.shape == (5, 3000)


def _check_ident(frame: pd.DataFrame) -> None:
    assert frame["sample_id"].iloc[0] == "S-000"


def _check_no_header(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["column_1", "column_2"]
    assert frame.shape == (3, 2)


def _check_preamble(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["x", "y", "z", "label"]
    assert frame.shape == (6, 4)
    assert frame["x"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert frame["label"].tolist() == ["a", "b"] * 3


def _preamble_table(preamble: str) -> bytes:
    """A LabSoft-style export: lines about the file above a 4-column table."""
    body = "".join(f"{k},{k / 4},{-k},{'ab'[k % 2]}\n" for k in range(6))
    return (preamble + "x,y,z,label\n" + body).encode()


def _check_savetxt(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["a", "b", "c"]
    assert frame["c"].tolist() == [3.0, 6.0]


def _utf16_tsv() -> bytes:
    return "a\tb\n1\t2\n3\t4\n5\t6\n".encode("utf-16")


def _identifier() -> bytes:
    body = "".join(f"S-{k:03d},{k % 7},{(k * 37) % 11}\n" for k in range(30))
    return ("sample_id,x,y\n" + body).encode()


def _random_bytes(n: int, low: int = 1, seed: int = 0) -> bytes:
    """Seeded random bytes in [low, 255]; no NUL, which alone would give them away."""
    rng = np.random.default_rng(seed)
    return rng.integers(low, 256, size=n, dtype=np.uint8).tobytes()


def _check_vertical_tabs(frame: pd.DataFrame) -> None:
    assert frame.shape == (4, 3)  # the first line is the header
    assert frame.iloc[0, 2] == "caf\xe9\x0bline1"


def _check_cyrillic_vertical_tabs(frame: pd.DataFrame) -> None:
    assert frame.shape == (3, 3)  # read as Latin-1, as every non-UTF-8 file
    assert "\x0b" in frame.iloc[2, 2]


def _check_cyrillic(frame: pd.DataFrame) -> None:
    assert frame.shape == (3, 2)
    assert frame.iloc[:, 1].tolist() == [12600000.0, 5400000.0, 1.0]


def _check_cp1252(frame: pd.DataFrame) -> None:
    # bytes 0x80-0x9F: read as Latin-1 they were invisible control characters
    assert frame["name"].tolist() == ["€uro", "‘q’", "x – y", "“z”"]


def _utf16_no_bom(codec: str) -> bytes:
    """A table as pandas' ``to_csv(path, encoding="utf-16-le")`` writes it: no
    byte-order mark."""
    return "a,b,ville\n1,2.5,Nîmes\n3,4.5,Orléans\n5,6.5,€\n".encode(codec)


def _check_utf16_no_bom(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["a", "b", "ville"]
    assert frame["b"].tolist() == [2.5, 4.5, 6.5]
    assert frame["ville"].tolist() == ["Nîmes", "Orléans", "€"]


def _japanese_utf16() -> bytes:
    """A Japanese table as pandas' ``to_csv(encoding="utf-16-le")`` writes it:
    no byte-order mark, and few characters with a zero high byte."""
    cities, notes = ["東京", "大阪", "京都"], ["大きな都市です。", "古いお寺が多い。"]
    rows = "".join(f"{cities[k % 3]},{notes[k % 2]},{k / 4}\n" for k in range(100))
    return ("都市,説明,値\n" + rows).encode("utf-16-le")


def _check_japanese(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["都市", "説明", "値"]
    assert frame["説明"].tolist()[:2] == ["大きな都市です。", "古いお寺が多い。"]
    assert frame["値"].tolist()[-1] == 24.75


def _check_angle_brackets(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["<table", "<Body weight>"]


def _check_percent_date(frame: pd.DataFrame) -> None:
    # said, never silently converted
    assert frame["rate"].tolist() == ["37%", "12.5%", "5 %", "100%"]
    assert frame["day"].tolist()[:2] == ["2024-01-01", "2024-02-29"]


def _wide(n_cols: int) -> bytes:
    header = ",".join(f"g{k}" for k in range(n_cols))
    rows = "\n".join(
        ",".join(str((k * r) % 13) for k in range(n_cols)) for r in range(5)
    )
    return (header + "\n" + rows + "\n").encode()


CORPUS: tuple[Case, ...] = (
    Case("empty", b"", error="empty"),
    Case("blank_lines", b"\n  \n\r\n", error="empty"),
    Case("header_only", b"a,b,c\n", error="no data rows"),
    Case(
        "one_row", b"a,b\n1,2\n", error="1 data row", codes=frozenset({"too_few_rows"})
    ),
    Case(
        "text_only",
        b"name,city\nann,paris\nbob,rome\ncid,oslo\n",
        codes=frozenset({"no_numeric_columns", "few_rows"}),
    ),
    Case(
        "prose_not_a_table",
        b"Dear colleague\nplease find the results below\nbest wishes\nAnn\n",
        filename="prose_not_a_table.txt",
        codes=frozenset({"single_column", "no_numeric_columns"}),
    ),
    Case(
        "mixed_types",
        (
            "value,other\n"
            + "".join(
                f"{'abc' if k == 3 else '?x' if k == 7 else k},{k}\n" for k in range(10)
            )
        ).encode(),
        codes=frozenset({"mixed_types"}),
        check=_check_mixed,
    ),
    Case(
        "nan_and_inf",
        b"x,y\n1,1\nNaN,2\ninf,3\n,4\n-inf,5\nNA,6\n",
        codes=frozenset({"missing_values", "infinite_values"}),
        check=_check_nan_inf,
    ),
    Case(
        "duplicate_names",
        b"a,a,b\n1,2,3\n4,5,6\n7,8,9\n",
        codes=frozenset({"duplicate_names"}),
        check=_check_dup,
    ),
    Case(
        "semicolon_decimal_comma",
        b"x;y;label\n1,5;0,5;a\n-2,25;4;b\n3;0,001;a\n1000,125;7,0;b\n",
        check=_check_semicolon,
    ),
    Case(
        "excel_sep_hint",
        b"sep=;\r\na;b\r\n1,5;2\r\n3;4,25\r\n",
        check=_check_sep_hint,
    ),
    Case(
        "european_thousands",
        "Umsatz;Menge;Ort\n1.234,50;3;Köln\n12.000,00;4;Ulm\n999,9;5;Bonn\n".encode(
            "cp1252"
        ),
        codes=frozenset({"encoding"}),
        check=_check_thousands,
    ),
    Case(
        "us_thousands",
        b'proline,code,ph\n"1,065","1,06","0,125"\n520,"2,5","1,500"\n'
        b'"1,035",3,"2,750"\n"12,345.5","4,0001","1,5"\n"-1,280",5,7\n',
        codes=frozenset({"thousands_separators"}),
        check=_check_us_thousands,
    ),
    Case(
        "latin1_header",
        "température,pression,ville\n21.5,1013,Besançon\n19,1009,Nîmes\n"
        "23.25,1011,Orléans\n".encode("latin-1"),
        codes=frozenset({"encoding"}),
        check=_check_latin1,
    ),
    Case(
        "bom_crlf",
        "\ufeffalpha,beta\r\n1,2.5\r\n3,4.5\r\n5,6.5\r\n".encode(),
        check=_check_bom_crlf,
    ),
    Case("tsv", b"a\tb c\td\n1\t2\t3\n4\t5\t6\n", check=_check_tsv),
    Case("utf16_tsv", _utf16_tsv(), filename="utf16_tsv.tsv"),
    Case(
        "ragged_short_rows",
        b"a,b,c\n1,2,3\n4,5\n7,8,9\n10\n",
        codes=frozenset({"ragged_rows"}),
        check=_check_ragged,
    ),
    Case("ragged_long_rows", b"a,b\n1,2\n3,4,5\n6,7\n8,9,10,11\n", error="line 3"),
    Case("binary_bytes", bytes(range(256)) * 8, error="binary"),
    *(
        Case(f"random_bytes_{n}", _random_bytes(n, seed=n), error="binary bytes")
        for n in (100, 2000, 20_000)
    ),
    Case("random_high_bytes", _random_bytes(2000, low=128), error="binary bytes"),
    Case("one_high_byte_repeated", b"\xc5" * 2000, error="binary bytes"),
    Case(
        # a vertical tab is how some spreadsheets write a line break in a cell
        "latin1_vertical_tabs",
        "".join(f"{k},0,caf\xe9\x0bline{k}\n" for k in range(5)).encode("latin-1"),
        codes=frozenset({"encoding"}),
        check=_check_vertical_tabs,
    ),
    Case(
        # nearly every letter a high byte, and vertical tabs: still text
        "cp1251_vertical_tabs",
        (
            "имя,город,описание\n"
            + "".join(f"Иван{i},Москва,строка\x0bновая\n" for i in range(3))
        ).encode("cp1251"),
        codes=frozenset({"encoding"}),
        check=_check_cyrillic_vertical_tabs,
    ),
    Case(
        "cp1251_cyrillic",
        "Город;Население\nМосква;12600000\nСанкт-Петербург;5400000\n"
        "Достопримечательность;1\n".encode("cp1251"),
        codes=frozenset({"encoding"}),
        check=_check_cyrillic,
    ),
    Case("xlsx_workbook", b"PK\x03\x04" + bytes(200), error="zip archive"),
    Case("pickle", pickle.dumps({"a": [1, 2]}), error="never loaded"),
    Case(
        "thousands_of_columns",
        _wide(3000),
        codes=frozenset({"many_columns"}),
        check=_check_wide,
    ),
    Case("too_many_columns", _wide(6000), error="6000 columns"),
    # "a\u202egnp.exe" shows as "aexe.png": the report says so, the name is kept
    Case(
        "direction_mark_in_a_name",
        "a\u202egnp.exe,b\u200b\n".encode() + b"1,2\n" * 30,
        codes=frozenset({"hidden_characters"}),
        check=_check_hidden,
    ),
    # refused from the header alone (naming 100 000 repeats took 72 s once)
    Case(
        "too_many_repeated_names",
        b"a," * 99_999 + b"a\n" + b"1," * 99_999 + b"1\n",
        error="100000 columns is more than the 5000",
    ),
    Case(
        "huge_cell_unclosed_quote",
        b'a,b\n1,"' + b"x" * 200_000 + b"\n2,3\n",
        error="unclosed quote",
    ),
    Case(
        "unclosed_quote",
        b'a,b\n1,2\n"3,4\n5,6\n7,8\n9,10\n',
        error='line 3 opens a quote \\(\\"\\) that is never closed',
    ),
    Case(
        "long_text_cell",
        b"note,v\n" + b"y" * 5000 + b",1\nshort,2\nok,3\n",
        codes=frozenset({"long_cells"}),
    ),
    Case(
        "identifier_column",
        _identifier(),
        codes=frozenset({"identifier_column"}),
        check=_check_ident,
    ),
    Case(
        "constant_column",
        b"a,b\n1,7\n2,7\n3,7\n",
        codes=frozenset({"constant_column"}),
    ),
    Case(
        "quoted_fields",
        b'name,v\n"Smith, J.",1\n"say ""hi""",2\n"multi\nline",3\n',
        check=_check_quoted,
    ),
    Case(
        "numbers_in_header",
        b"1.5,2\n3,4\n5,6\n",
        codes=frozenset({"no_header"}),
        check=_check_no_header,
    ),
    # an instrument's export: a '#' comment block above the header
    Case(
        "comment_lines",
        _preamble_table(
            "# Exported by LabSoft 3.2\n# Instrument: XYZ-100\n# Date: 2024-01-02\n"
            "# Operator: someone\n# Units: mg/L\n"
        ),
        codes=frozenset({"comment_lines"}),
        check=_check_preamble,
    ),
    # the same without '#': read as 1 column "parsed with delimiter semicolon"
    Case(
        "preamble_lines",
        _preamble_table(
            "LabSoft export\nInstrument XYZ-100\nDate 2024-01-02\n"
            "Operator someone\nUnits mg/L\n"
        ),
        codes=frozenset({"preamble_lines"}),
        check=_check_preamble,
    ),
    # numpy.savetxt(..., delimiter=",", header="a,b,c")
    Case(
        "savetxt_header",
        b"# a,b,c\n1,2,3\n4,5,6\n",
        codes=frozenset({"comment_lines"}),
        check=_check_savetxt,
    ),
    Case(
        "comments_only",
        b"# Exported by LabSoft 3.2\n\n# no rows\n",
        error="holds only comment lines",
    ),
    # what Excel on Windows writes: euro sign, curly quotes, en dash
    Case(
        "cp1252_excel",
        "price,name\n5,€uro\n6,‘q’\n7,x – y\n8,“z”\n".encode("cp1252"),
        codes=frozenset({"encoding"}),
        check=_check_cp1252,
    ),
    *(
        Case(
            f"{codec.replace('-', '')}_no_bom",
            _utf16_no_bom(codec),
            check=_check_utf16_no_bom,
        )
        for codec in ("utf-16-le", "utf-16-be")
    ),
    Case(
        "percent_and_dates",
        b"rate,day,x\n37%,2024-01-01,1\n12.5%,2024-02-29,2\n5 %,,3\n"
        b"100%,2024-12-31,4\n",
        codes=frozenset({"percent_values", "date_values"}),
        check=_check_percent_date,
    ),
    Case("utf16le_japanese_no_bom", _japanese_utf16(), check=_check_japanese),
    Case(
        "utf16be_cyrillic_no_bom",
        "имя,город,цена\nИван,Москва,10\nПётр,Казань,20\nАнна,Сочи,30\n".encode(
            "utf-16-be"
        ),
        codes=frozenset({"few_rows"}),
    ),
    Case(
        "percent_and_plain_numbers",
        b"share,x\n37%,1\n12.5%,2\n40,3\n100%,4\n",
        codes=frozenset({"percent_values"}),
    ),
    Case(
        # refused as HTML for its "<table"
        "angle_bracket_header",
        b"<table,<Body weight>\n1,61.5\n2,72\n3,80.25\n",
        check=_check_angle_brackets,
    ),
    Case(
        "json_array",
        b'[{"a": 1, "b": 2}, {"a": 3, "b": 4}]',
        error="looks like JSON",
    ),
    Case(
        "html_table",
        b'<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-'
        b'align: right;">\n      <th>a</th>\n    </tr>\n  </thead>\n  <tbody>\n'
        b"    <tr>\n      <td>1</td>\n    </tr>\n  </tbody>\n</table>",
        error="looks like HTML",
    ),
    Case(
        "html_saved_page",
        b"<!-- saved from url=(0014)about:internet -->\n<html>\n<body><table><tr>"
        b"<td>a</td></tr><tr><td>1</td></tr></table></body></html>\n",
        error="looks like HTML",
    ),
    Case(
        "excel_2003_xml",
        b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">\n'
        b"<Worksheet><Table><Row><Cell><Data>1</Data></Cell></Row></Table>"
        b"</Worksheet>\n</Workbook>\n",
        error=r"looks like XML \(an Excel 2003 XML spreadsheet\?\)",
    ),
    Case(
        "over_size_limit",
        b"a,b\n" + _rows(200).encode(),
        error="over the",
        max_bytes=1000,
    ),
)

GOOD = tuple(c for c in CORPUS if c.error is None)
BAD = tuple(c for c in CORPUS if c.error is not None)
