"""Reading and validating tables; numeric matrices for the learners.

:func:`read_table` parses a CSV or TSV file (a path, bytes or a binary file object)
as plain data: it never evaluates or unpickles anything. It skips comment lines
(``# ...``), a preamble of narrower lines above the header and lines of text above
a header whose columns hold numbers only, saying so in the report, sniffs the
delimiter (``,``, ``;``, tab, ``|``), recognises decimal commas in ``;``-separated
files, decodes UTF-8 with or without a byte-order mark and UTF-16 with or
without one, else Windows-1252 (what Excel on Windows writes) or, for bytes it
leaves undefined, Latin-1, and accepts any line ending. It returns
the frame together with a :class:`DataReport`: per-column kinds and counts plus
table-level findings, each a :class:`Finding` with a severity (``"error"``: the
table cannot be used; ``"warning"``: it can, but look) and a message that says what
is wrong and what to do.

:func:`to_matrix` turns a frame into the float matrix the learners take, with
explicit policies for missing values, categorical columns and scaling, and returns a
:class:`MatrixRecord` of what each policy did.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from engine.errors import ConfigError, DataError, check_choice, format_names

__all__ = [
    "GRAPH_SEPARATOR_LINES",
    "MAX_BYTES",
    "ColumnInfo",
    "DataReport",
    "DecodedText",
    "Finding",
    "MatrixData",
    "MatrixRecord",
    "ParsedTable",
    "apply_missing",
    "check_text_bytes",
    "check_variance",
    "decode_text",
    "default_nodes",
    "describe",
    "filled_text_line",
    "graph_cells",
    "graph_frame",
    "graph_separator",
    "is_graph_comment",
    "looks_like_identifier",
    "most_common_text",
    "overflowing_columns",
    "read_table",
    "skip_graph_comments",
    "sniff_delimiter",
    "split_graph_cells",
    "to_matrix",
]

logger = logging.getLogger(__name__)

MAX_BYTES = 50 * 10**6
"""Default size limit of :func:`read_table`: 50 MB of 10**6 bytes, the unit of the
app's upload limit (Streamlit's ``server.maxUploadSize``)."""
MIN_ROWS = 2
MISSING_HANDLING = (
    "; as a feature, the learners drop those rows or fill the gaps in (a number "
    "with the column mean, a text cell with the column's most common value: "
    "'Missing values' in the app, --missing of the dag and explain commands); as a "
    "label, those rows count as unlabelled."
)
"""How every consumer handles a column's gaps: the tail of the reader's
``missing_values`` finding, which a consumer with its own handling replaces."""
FEW_ROWS = 20
WIDE_COLUMNS = 500
MAX_COLUMNS = 5000
LONG_CELL = 1000
MAX_FIELD = 131072
MIXED_SHARE = 0.8
DELIMITERS = (",", ";", "\t", "|")
MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "nil", "#n/a", "?", "missing"}
)
# 1.234.567,89: dots group thousands when the decimal mark is a comma
_EU_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
# "1,065" or "12,345.5": thousands grouped by commas where the decimal mark is "."
# ("0,125" is never a grouping); a column that also holds a decimal comma ("1,5")
# is not regrouped at all
_US_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Names of identifier columns: "id", "index", "patient_id", "user-key", "row_no",
# pandas' "Unnamed: 0"; not "price_index" or "smoking_idx" (measurements).
_ID_NAME = re.compile(
    r"^(id|index|idx|key|uuid|guid)$|[\s_\-.](id|uuid|guid|key)$"
    r"|^(row|record)[\s_\-.]?(id|index|idx|no|num|number)$|^unnamed: ?0$",
    re.I,
)
_SAVE_AS_CSV = (
    "open it in Excel or LibreOffice, save the sheet with File > Save As > CSV "
    "(UTF-8), and use that file"
)
# Binary formats by their first bytes: what the file is, and what to do instead.
_MAGIC = {
    b"PK\x03\x04": (
        "a zip archive (an Excel .xlsx or OpenDocument .ods workbook is one)",
        f"if it is a workbook, {_SAVE_AS_CSV}; else unzip it and choose the CSV file",
    ),
    b"\x1f\x8b": ("a gzip archive", "decompress it first and choose the CSV file"),
    b"\xd0\xcf\x11\xe0": ("a legacy Excel (.xls) or Office file", _SAVE_AS_CSV),
    b"%PDF": ("a PDF document", "export the table as a CSV or TSV file"),
    b"\x89PNG": ("a PNG image", "choose the table as a CSV or TSV file"),
    # PROTO opcode and protocol 2 to 5: a text file may start with "€" (0x80)
    **{
        bytes([0x80, protocol]): (
            "a Python pickle, which is never loaded",
            "export the table as CSV (pandas: frame.to_csv('table.csv', index=False))",
        )
        for protocol in range(2, 6)
    },
    b"PAR1": (
        "a Parquet file",
        "convert it to CSV (pandas: pd.read_parquet(path).to_csv('table.csv', "
        "index=False))",
    ),
}
# Workbook extensions: their zip or OLE bytes are named as the workbook they are.
_WORKBOOKS = {
    ".xlsx": "an Excel workbook (.xlsx)",
    ".xlsm": "an Excel workbook (.xlsm)",
    ".xls": "an Excel workbook (.xls)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
}

Severity = Literal["error", "warning"]
Kind = Literal["numeric", "categorical", "identifier", "empty"]


# --- report types ---


@dataclass(frozen=True)
class Finding:
    """One problem found in a table.

    Attributes
    ----------
    severity : {"error", "warning"}
        ``"error"``: the table cannot be used as it is; ``"warning"``: it can.
    code : str
        Stable identifier, e.g. ``"ragged_rows"``, ``"missing_values"``.
    message : str
        What is wrong, where, and what to do.
    column : str or None
        The column concerned, if one.
    rows : tuple of int
        Rows concerned (file line numbers when read from a file, else row
        positions), at most the first 20.
    """

    severity: Severity
    code: str
    message: str
    column: str | None = None
    rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class ColumnInfo:
    """What one column holds.

    Attributes
    ----------
    name : str
        Column name (renamed when the header repeated it or left it empty).
    kind : {"numeric", "categorical", "identifier", "empty"}
        ``identifier``: all values distinct and the name or the values look like
        row keys (``id``, ``0, 1, 2, ...``, ``"S-001"``); ``empty``: no values.
    dtype : str
        pandas dtype after parsing.
    n_missing : int
        Missing cells (empty, ``NA``, ``NaN``, ``null``, ...).
    n_nonfinite : int
        Infinite numeric cells (``inf``, ``-inf``).
    n_unique : int
        Distinct non-missing values.
    is_constant : bool
        At most one distinct non-missing value.
    examples : tuple of str
        Up to three distinct values, as text.
    """

    name: str
    kind: Kind
    dtype: str
    n_missing: int
    n_nonfinite: int
    n_unique: int
    is_constant: bool
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataReport:
    """Validation report of a table.

    Attributes
    ----------
    source : str
        File name or a description of the input.
    n_rows, n_columns : int
        Shape of the parsed table.
    columns : tuple of ColumnInfo
        One entry per column, in order.
    findings : tuple of Finding
        Table- and column-level problems, errors first.
    delimiter : str or None
        Delimiter used (``None`` for an in-memory frame).
    decimal : str
        Decimal mark used.
    encoding : str or None
        Text encoding used.
    n_bytes : int or None
        Size of the file.
    header : bool or None
        Whether the file's first line was read as the column names (``False``:
        as a data row, the columns named ``column_1``, ...); ``None`` for an
        in-memory frame.
    """

    source: str
    n_rows: int
    n_columns: int
    columns: tuple[ColumnInfo, ...]
    findings: tuple[Finding, ...]
    delimiter: str | None = None
    decimal: str = "."
    encoding: str | None = None
    n_bytes: int | None = None
    header: bool | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings that make the table unusable."""
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings worth a look that do not block use."""
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def usable(self) -> bool:
        """Whether no finding is an error."""
        return not self.errors

    def kinds(self) -> dict[str, str]:
        """Map each column name to its kind."""
        return {c.name: c.kind for c in self.columns}

    def columns_of_kind(self, kind: str) -> list[str]:
        """Names of the columns of one kind, in order."""
        return [c.name for c in self.columns if c.kind == kind]

    def left_out(
        self,
        columns: Sequence[str] | None = None,
        *,
        categorical: Literal["drop", "onehot"] = "drop",
    ) -> dict[str, str]:
        """Columns :func:`to_matrix` would leave out, and why.

        Parameters
        ----------
        columns : sequence of str, optional
            The ``columns`` given to :func:`to_matrix`; default every column.
            Named columns that are not in the table are ignored here.
        categorical : {"drop", "onehot"}, default="drop"
            The policy for non-numeric columns.

        Returns
        -------
        dict of str to str
            Column name -> reason (``"empty"``, ``"constant"``, ``"identifier"``,
            ``"categorical"``), in column order.

        Examples
        --------
        >>> report = describe(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 3.0]}))
        >>> report.left_out()
        {'b': 'constant'}
        """
        check_choice("left_out", "categorical", categorical, ("drop", "onehot"))
        info = {c.name: c for c in self.columns}
        names = list(info) if columns is None else [c for c in columns if c in info]
        out = {}
        for name in names:
            reason = _drop_reason(info[name], categorical, columns is not None)
            if reason:
                out[name] = reason
        return out

    def column_table(self) -> pd.DataFrame:
        """The per-column information as a DataFrame (one row per column)."""
        rows = [
            {
                "column": c.name,
                "kind": c.kind,
                "dtype": c.dtype,
                "missing": c.n_missing,
                "infinite": c.n_nonfinite,
                "unique": c.n_unique,
                "constant": c.is_constant,
                "examples": ", ".join(c.examples),
            }
            for c in self.columns
        ]
        return pd.DataFrame(rows)

    def format(self, max_columns: int = 50) -> str:
        """Render the report as plain text (what ``data describe`` prints)."""
        lines = [f"{self.source}: {self.n_rows} rows x {self.n_columns} columns"]
        if self.delimiter is not None:
            parsed = f"delimiter {_DELIM_NAMES.get(self.delimiter, self.delimiter)}"
            parsed += f", decimal '{self.decimal}', encoding {self.encoding}"
            lines.append(f"parsed with {parsed}")
        lines.append("")
        lines.append(
            f"{'column':<28} {'kind':<12} {'missing':>7} {'inf':>5} {'unique':>7}"
        )
        for c in self.columns[:max_columns]:
            flag = "  constant" if c.is_constant else ""
            lines.append(
                f"{c.name[:28]:<28} {c.kind:<12} {c.n_missing:>7} "
                f"{c.n_nonfinite:>5} {c.n_unique:>7}{flag}"
            )
        if self.n_columns > max_columns:
            lines.append(f"... and {self.n_columns - max_columns} more columns")
        lines.append("")
        if not self.findings:
            lines.append("no problems found")
        for f in self.findings:
            lines.append(f"{f.severity.upper()}: {f.message}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


class ParsedTable(NamedTuple):
    """What :func:`read_table` returns: ``frame, report = read_table(path)``."""

    frame: pd.DataFrame
    report: DataReport


# --- reading ---


def read_table(
    source: str | Path | bytes | bytearray | IO[bytes],
    *,
    name: str | None = None,
    max_bytes: int | None = MAX_BYTES,
    delimiter: str | None = None,
    strict: bool = True,
    header: bool | None = None,
) -> ParsedTable:
    """Parse a CSV or TSV file into a DataFrame and validate it.

    Parameters
    ----------
    source : str, Path, bytes or binary file object
        A file path, the file's bytes, or an open binary file.
    name : str, optional
        Name used in messages; default the file name, else ``"<bytes>"``.
    max_bytes : int or None, default=MAX_BYTES
        Size limit in bytes (50 MB), a positive whole number; ``None`` for none.
    delimiter : str, optional
        Force a delimiter instead of sniffing it: one character other than a
        quote (``"``) or a line break.
    strict : bool, default=True
        Raise :class:`DataError` when the report has errors. With ``False`` the
        frame and its report are returned anyway whenever a frame could be built.
    header : bool or None, default=None
        Whether the first line holds the column names. ``None`` guesses: a first
        line of numbers only (``1,2,3``) is read as data, with a ``no_header``
        warning; anything else as names. ``True`` reads it as names even when
        they look like numbers (``"1"``, ``"2"``); ``False`` reads it as the
        first data row and names the columns ``column_1``, ``column_2``, ...
        ``report.header`` says which was done. ``None`` also skips lines of text
        above a header whose columns below hold numbers only (a title as wide
        as the table, ``Sample data, version 2`` above ``a,b``), with a
        ``preamble_lines`` warning; ``True`` reads the first such line as the
        names. A first line of single-word names is kept as the header, and so
        is one of names of several words over a line of unit symbols
        (``body mass,flipper length`` over ``g,mm``). Unless ``False``, a row
        of units right below the header (no number, text only in columns of
        numbers: ``g,mm,`` or ``C,kPa``) is left out, with a ``units_row``
        warning that names its line; it holds no value. Lines with fewer
        fields than the table are skipped unless ``False``.

    Returns
    -------
    ParsedTable
        ``(frame, report)``. Numeric columns are float64, other columns strings
        with missing cells as ``NaN``; the index is ``0 .. n_rows - 1``.

    Raises
    ------
    DataError
        The path is missing or a folder, or the file is empty, binary, JSON or
        HTML (the message says how to convert it), over the size limit, has no
        data rows, has rows with more fields than the header
        (for one comma-separated column of numbers split at decimal commas,
        ``1,5``, the message says so and to use ``delimiter=";"``), or
        (``strict``) any error finding; the message names the problem and what
        to do.
    ConfigError
        ``max_bytes``, ``delimiter`` or ``header`` is not a value they accept.

    Examples
    --------
    >>> frame, report = read_table(b"a;b\\n1,5;2\\n3,0;4\\n")
    >>> frame["a"].tolist(), report.delimiter, report.decimal
    ([1.5, 3.0], ';', ',')
    >>> frame, report = read_table(b"1,2\\n0.5,1\\n0.7,0\\n", header=True)
    >>> list(frame.columns), len(frame), report.header
    (['1', '2'], 2, True)
    """
    _check_options(max_bytes, delimiter, header)
    raw, label = _read_bytes(source, name, max_bytes)
    text, encoding, notes = _decode(raw, label)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError(
            f"{label}: the file is empty; choose a CSV file with a header row and data."
        )
    _refuse_json_or_html(text, label)
    text, comments = _blank_comments(text, label)
    sniffed, text = sniff_delimiter(text, delimiter)
    delimiter = delimiter or sniffed
    text, top_notes = _skip_top_lines(text, delimiter, comments, header, label)
    notes = notes + top_notes
    fast = _numeric_table(text, delimiter, label, header)
    if fast is not None:
        frame, row_lines, findings = fast
        decimal = "."
    else:
        records, lines = _split_records(text, delimiter, label)
        decimal = _sniff_decimal(records, delimiter)
        frame, row_lines, findings = _build_frame(
            records, lines, label, header, delimiter
        )
    findings = notes + findings
    guessed = not any(f.code == "no_header" for f in findings)
    parse = {
        "delimiter": delimiter,
        "encoding": encoding,
        "n_bytes": len(raw),
        "header": guessed if header is None else header,
    }
    report, parsed = _describe(frame, label, row_lines, findings, decimal, parse)
    if strict and report.errors:
        raise DataError(" ".join(f.message for f in report.errors))
    typed = pd.DataFrame({c.name: c.output() for c in parsed}, index=frame.index)
    return ParsedTable(typed, report)


def _read_bytes(
    source: str | Path | bytes | bytearray | IO[bytes],
    name: str | None,
    max_bytes: int | None,
) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
        label = name or "<bytes>"
    elif isinstance(source, str | Path):
        path = Path(source)
        label = name or path.name
        if path.is_dir():
            raise DataError(
                f"{label}: {path} is a folder, not a file; give the path of a CSV file."
            )
        if not path.is_file():
            raise DataError(f"{label}: no such file ({path}); check the path.")
        size = path.stat().st_size
        _check_size(size, max_bytes, label)
        raw = path.read_bytes()
    elif hasattr(source, "read"):
        label = name or str(getattr(source, "name", "<file>"))
        limit = -1 if max_bytes is None else max_bytes + 1
        raw = source.read(limit)
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
    else:
        raise DataError(
            f"read_table: 'source' must be a path, bytes or a binary file; got "
            f"{type(source).__name__}."
        )
    _check_size(len(raw), max_bytes, label)
    check_text_bytes(raw, label)
    return raw, label


def _check_options(max_bytes: object, delimiter: object, header: object) -> None:
    """Refuse a ``max_bytes``, ``delimiter`` or ``header`` that :func:`read_table`
    cannot use."""
    if header is not None and not isinstance(header, bool):
        raise ConfigError(
            "read_table: 'header' must be True (the first line holds the column "
            "names), False (it is a data row) or None (guess); got "
            f"{header!r}."
        )
    bad_size = isinstance(max_bytes, bool) or not isinstance(
        max_bytes, int | np.integer
    )
    if max_bytes is not None and (bad_size or max_bytes <= 0):
        raise ConfigError(
            "read_table: 'max_bytes' must be a positive whole number of bytes, or "
            f"None for no limit; got {max_bytes!r}."
        )
    if delimiter is None:
        return
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
        raise ConfigError(
            "read_table: 'delimiter' must be one character other than a quote or a "
            f"line break, e.g. ',', ';', '\\t' or '|'; got {delimiter!r}."
        )


def _check_size(size: int, max_bytes: int | None, label: str) -> None:
    if max_bytes is not None and size > max_bytes:
        raise DataError(
            f"{label}: the file is {_size_text(size)}, over the "
            f"{_size_text(max_bytes)} limit; keep a sample of the rows (for example "
            "`head -n 100000 file.csv`) or select fewer columns."
        )


def _size_text(n_bytes: int) -> str:
    """A size in MB of 10**6 bytes (as Streamlit's upload limit), or in bytes."""
    if n_bytes < 10**6:
        return f"{n_bytes:,} bytes"
    return f"{n_bytes / 1e6:.1f}".removesuffix(".0") + " MB"


def check_text_bytes(raw: bytes, label: str) -> None:
    """Refuse an empty file, or one that is no text (a pickle, a zip, an image).

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    label : str
        The file or the caller, starting the message.

    Raises
    ------
    DataError
        ``raw`` is empty or blank, starts like a known binary format (a Python
        pickle is named as such, and never loaded), looks like UTF-16 text
        without a byte-order mark that is no table (:func:`_utf16_guess`; named
        as UTF-16), or :func:`looks_binary`.
    """
    if not raw.strip():
        raise DataError(
            f"{label}: the file is empty; choose a CSV file with a header row and data."
        )
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return  # UTF-16 text with a byte-order mark
    guess = _utf16_guess(raw)
    if guess is not None and guess[1]:
        return  # UTF-16 text without one
    for magic, (what, advice) in _MAGIC.items():
        if raw.startswith(magic):
            workbook = _WORKBOOKS.get(Path(label).suffix.lower())
            if workbook and magic in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
                what, advice = workbook, _SAVE_AS_CSV
            raise DataError(f"{label}: this is not a text table but {what}; {advice}.")
    if guess is not None:
        raise DataError(
            f"{label}: the file looks like UTF-16 text without a byte-order mark "
            f"({guess[0]}), but its first lines do not share a delimiter (',', ';', "
            "tab or '|') as a table's lines do, so it was not read; save it as "
            "UTF-8 (in Excel: File > Save As > CSV UTF-8) and use that file."
        )
    if looks_binary(raw):
        raise DataError(
            f"{label}: the file holds binary bytes, not text; use a CSV or TSV "
            "file (a spreadsheet can be saved as CSV)."
        )


_CONTROLS = tuple(bytes([b]) for b in range(32) if b not in (9, 10, 13))
_TEXT_BYTES = bytes([9, 10, 13, *range(32, 127)])
_HIGH_BYTES = bytes(range(128, 256))


def looks_binary(raw: bytes) -> bool:
    """Whether ``raw`` is binary data rather than text (used by graph_io too).

    Judged on the first 64 KiB. UTF-16 is text: with a byte-order mark, or
    without one when :func:`_utf16_order` finds its pattern. Binary
    are: a NUL byte; more control bytes (other than tab and line breaks) than 1
    in 100. Bytes that are not valid UTF-8 are read as Latin-1 or cp1252 text,
    which is mostly ASCII with a few accented letters, so there more than two
    control bytes (or DEL) together with more than 1 high byte (>= 0x80) in 5
    and fewer than 1 line break in 40 bytes (random bytes have 1 high byte in 2
    and 1 line break in 128; a Latin-1 table with vertical tabs in its cells has
    few high bytes, a Cyrillic or Greek one many, but both have short lines), or
    fewer than 1 byte in 25 of ASCII text (letters, digits,
    punctuation, spaces, line breaks, which every table has between its values),
    are binary too: random bytes, or a run of high bytes with no line break or
    delimiter.

    Parameters
    ----------
    raw : bytes
        The file's bytes.

    Returns
    -------
    bool

    Examples
    --------
    >>> looks_binary("é,b\\n1,2\\n".encode("latin-1")), looks_binary(b"\\xc5" * 200)
    (False, True)
    """
    head = raw[:65536]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_order(head):
        return False
    controls = sum(head.count(c) for c in _CONTROLS)
    if b"\x00" in head or controls > max(8, len(head) // 100):
        return True
    try:  # a multi-byte character may be cut at the end of the sample
        codecs.getincrementaldecoder("utf-8")().decode(head, final=head == raw)
    except UnicodeDecodeError:
        n_high = len(head) - len(head.translate(None, _HIGH_BYTES))
        n_lines = max(head.count(b"\n"), head.count(b"\r"))
        odd = controls + head.count(b"\x7f")
        if (
            odd > max(2, len(head) // 100)
            and n_high * 5 > len(head)
            and n_lines * 40 < len(head)
        ):
            return True
        n_text = len(head) - len(head.translate(None, _TEXT_BYTES))
        return n_text * 25 < len(head)
    return False


# Of the first characters of a text without a byte-order mark, the share whose
# high byte must be zero (ASCII and Latin-1 letters; a Greek, Cyrillic or CJK
# table has its digits, delimiters and line breaks), and the most that may have a
# zero low byte (U+0100, U+0400, ...: rare), for it to be taken for UTF-16.
_UTF16_ZERO_HIGH = 0.5
_UTF16_ZERO_LOW = 0.05
_UTF16_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The delimiters a UTF-16 text's first lines are counted for, quoted cells aside.
_TABLE_DELIMITERS = ",;\t|"
_QUOTED_CELL = re.compile(r'"[^"]*"')


def _utf16_order(raw: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``raw`` is UTF-16 text without a
    byte-order mark (as pandas' ``to_csv(encoding="utf-16-le")`` writes it),
    else ``None``: the codec of :func:`_utf16_guess` when it is sure.

    Parameters
    ----------
    raw : bytes
        The file's first bytes (or all of them).

    Returns
    -------
    str or None
    """
    guess = _utf16_guess(raw)
    return guess[0] if guess is not None and guess[1] else None


def _utf16_guess(raw: bytes) -> tuple[str, bool] | None:
    """Whether ``raw`` looks like UTF-16 text without a byte-order mark:
    ``(codec, sure)``, or ``None`` when it does not.

    Sure by either of two rules. By its zero bytes, judged on the first 4096
    bytes: in one byte position of each pair at least half are zero (the high
    byte of ASCII text), in the other at most 1 in 20 (and one: a cut last
    character), and the characters they make, decoded, hold no more control
    characters (other than tab and line breaks) than 1 in 100: 16-bit binary
    numbers, every other byte zero too, are mostly control characters. Or, for
    text of few ASCII characters (CJK, Cyrillic), judged on the first 64 KiB
    when they hold a NUL byte (text in one byte per character never does; the
    delimiters and line breaks of UTF-16 text are ``X 00``): they decode
    strictly in that byte order into text of that few control characters, with
    a line break, whose first lines look like a table's (:func:`_table_lines`).
    Without that last check, the guess is unsure: ``(codec, False)``. Random
    bytes and binary numbers rarely decode strictly (a lone surrogate in about
    1 pair of bytes in 32), and hold line breaks as often as any other of the
    65,536 characters.

    Parameters
    ----------
    raw : bytes
        The file's bytes (or its first ones).

    Returns
    -------
    tuple of (str, bool), or None
        ``("utf-16-le" or "utf-16-be", sure)``.
    """
    head = raw[: min(4096, len(raw)) // 2 * 2]
    n = len(head) // 2
    if n < 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high >= _UTF16_ZERO_HIGH * n and low <= _UTF16_ZERO_LOW * n + 1:
            text = head.decode(codec, errors="replace")
            return (codec, True) if _few_controls(text) else None
    head = raw[:65536]
    if b"\x00" not in head:
        return None
    unsure = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:  # a character, or a pair of surrogates, may be cut at the end
            text = codecs.getincrementaldecoder(codec)().decode(head, final=head == raw)
        except UnicodeDecodeError:
            continue
        if not _few_controls(text) or not ("\n" in text or "\r" in text):
            continue
        if _table_lines(text, whole=head == raw):
            return codec, True
        unsure = unsure or (codec, False)
    return unsure


def _few_controls(text: str) -> bool:
    """Whether at most 1 character in 100 of ``text`` is a control character
    other than tab and line breaks."""
    return len(_UTF16_CONTROLS.findall(text)) * 100 <= len(text)


def _table_lines(text: str, whole: bool) -> bool:
    """Whether the first 5 non-blank lines of ``text`` (2 at least) hold the
    same number (1 or more) of one of ``, ; tab |`` outside double quotes.

    Parameters
    ----------
    text : str
        The start of a file, or all of it (``whole``); else its last line,
        which may be cut, is not looked at.
    whole : bool
        Whether ``text`` is the whole file.

    Returns
    -------
    bool
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not whole:
        lines = lines[:-1]
    first = [_QUOTED_CELL.sub("", line) for line in lines if line.strip()][:5]
    if len(first) < 2:
        return False
    return any(
        first[0].count(d) >= 1 and all(ln.count(d) == first[0].count(d) for ln in first)
        for d in _TABLE_DELIMITERS
    )


class DecodedText(NamedTuple):
    """Text decoded by :func:`decode_text`.

    Attributes
    ----------
    text : str
        The decoded text (line breaks as in the file).
    encoding : {"utf-16", "utf-16-le", "utf-16-be", "utf-8", "cp1252", "latin-1"}
        The encoding used: ``"utf-16"`` with a byte-order mark, ``"utf-16-le"``
        or ``"utf-16-be"`` without one.
    bad_byte : int or None
        For ``"cp1252"`` and ``"latin-1"``: the position of the first byte that
        is not valid UTF-8; else ``None``.
    """

    text: str
    encoding: str
    bad_byte: int | None


def decode_text(raw: bytes, label: str, *, save_as: str = "UTF-8") -> DecodedText:
    """Decode a text file's bytes as the table and graph readers do.

    UTF-16 with a byte-order mark (as Excel's "Unicode text" and Windows'
    editors save it) or without one (:func:`_utf16_order`; pandas'
    ``encoding="utf-16-le"``), UTF-8 with or without a byte-order mark, and
    otherwise Windows-1252 (cp1252: what Excel on Windows saves, with ``€``,
    curly quotes and dashes in bytes 0x80-0x9F) or, when the file holds one of
    the five bytes cp1252 leaves undefined, Latin-1, which decodes any bytes
    (the caller may warn: ``bad_byte``). The table reader (:func:`read_table`)
    and the graph readers (:func:`engine.graph_io.read_graph`,
    :func:`engine.graphs.read_edge_list`) share it, so a file one of them reads
    the others read too. Prior-knowledge files take only its UTF-16
    branches: they must otherwise be UTF-8, as node names are matched exactly.

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    label : str
        The file (or the caller), starting an error message.
    save_as : str, default="UTF-8"
        What the message of a broken UTF-16 file asks to save it as.

    Returns
    -------
    DecodedText
        ``(text, encoding, bad_byte)``.

    Raises
    ------
    DataError
        The file starts with a UTF-16 byte-order mark, or looks like UTF-16
        without one, but is no valid UTF-16.

    Examples
    --------
    >>> decode_text("a,b\\n".encode("utf-16"), "t.csv")
    DecodedText(text='a,b\\n', encoding='utf-16', bad_byte=None)
    >>> decode_text("€ é".encode("cp1252"), "t.csv")
    DecodedText(text='€ é', encoding='cp1252', bad_byte=0)
    >>> decode_text("a,b\\n".encode("utf-16-le"), "t.csv").encoding
    'utf-16-le'
    """
    codec = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else None
    codec = codec or _utf16_order(raw)
    if codec is not None:
        try:
            return DecodedText(raw.decode(codec), codec, None)
        except UnicodeDecodeError as err:
            without = "" if codec == "utf-16" else " (without a byte-order mark)"
            raise DataError(
                f"{label}: the file starts like UTF-16 text{without} but does not "
                f"decode ({err.reason}); save it as {save_as}."
            ) from err
    try:
        return DecodedText(raw.decode("utf-8-sig"), "utf-8", None)
    except UnicodeDecodeError as err:
        bad_byte = err.start
    try:
        return DecodedText(raw.decode("cp1252"), "cp1252", bad_byte)
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90 or 0x9D
        return DecodedText(raw.decode("latin-1"), "latin-1", bad_byte)


def _decode(raw: bytes, label: str) -> tuple[str, str, list[Finding]]:
    text, encoding, bad_byte = decode_text(raw, label, save_as="UTF-8 CSV")
    if bad_byte is None:
        return text, encoding, []
    if encoding == "cp1252":
        how = (
            "Windows-1252 (cp1252, as Excel on Windows saves it). Check accented "
            "names and symbols (€, curly quotes, dashes)"
        )
    else:
        how = (
            "Latin-1, as it holds bytes that Windows-1252 leaves undefined. Check "
            "accented names"
        )
    note = Finding(
        "warning",
        "encoding",
        f"{label}: the file is not valid UTF-8 (byte {bad_byte}); it was read as "
        f"{how}; save the file as UTF-8 to be sure.",
    )
    return text, encoding, [note]


# Markup at the start of a file: an HTML or XML comment (a browser's "saved
# from url" line), a doctype, an XML declaration, or a tag (not "<a,b").
_MARKUP_START = re.compile(r"\s*(<!--|<!doctype\b|<\?xml\b)", re.I)
_TAG = re.compile(r"</?[a-z][\w:.-]*(?:\s[^<>]*)?/?>", re.I)
_HTML_TAG = re.compile(
    r"<(!doctype\s+html|html|head|body|meta|title|table|thead|tbody|tr|td|th|div"
    r"|p|span)\b",
    re.I,
)
_EXCEL_XML = re.compile(r"progid=\W*Excel\.Sheet|<(ss:)?Workbook\b", re.I)


def _refuse_json_or_html(text: str, label: str) -> None:
    """Refuse JSON (one document, or one per line), HTML or XML saved as a table.

    Parsed as CSV they gave "a header but no data rows", rows wider than the
    header, or one column of tags. JSON is named when the whole text, or each
    of its first 20 lines, is a JSON array or object; markup by
    :func:`_markup_kind`.

    Raises
    ------
    DataError
        The text looks like JSON, HTML or XML; the message says how to convert
        it.
    """
    if text.lstrip()[:1] in ("[", "{") and _is_json(text):
        raise DataError(
            f"{label}: the file looks like JSON, not a CSV table; convert it to "
            "CSV (pandas: pd.read_json(path).to_csv('table.csv', index=False), with "
            "lines=True for one object per line) and use that file."
        )
    kind = _markup_kind(text)
    if kind == "html":
        raise DataError(
            f"{label}: the file looks like HTML (a web page), not a CSV table; "
            f"{_SAVE_AS_CSV} (pandas: pd.read_html(path)[0].to_csv('table.csv', "
            "index=False))."
        )
    if kind == "excel":
        raise DataError(
            f"{label}: the file looks like XML (an Excel 2003 XML spreadsheet?), "
            f"not a CSV table; {_SAVE_AS_CSV}."
        )
    if kind == "xml":
        raise DataError(
            f"{label}: the file looks like XML, not a CSV table; convert it to CSV "
            "(pandas: pd.read_xml(path).to_csv('table.csv', index=False)) and use "
            "that file."
        )


def _markup_kind(text: str) -> Literal["html", "excel", "xml"] | None:
    """Whether ``text`` starts as markup: HTML (a page, or a table as pandas'
    ``to_html`` writes it), an Excel 2003 XML spreadsheet, other XML, or none.

    Markup starts with a comment, a doctype, an XML declaration, or tags
    (:func:`_tags_first`). Markup is Excel's when it names
    ``Excel.Sheet`` or a ``Workbook``, HTML when it holds an HTML doctype or
    tag (``<html>``, ``<table>``, ``<div>``, ...), else XML.

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    {"html", "excel", "xml"} or None
    """
    head = text.lstrip()[:4096]
    if not _MARKUP_START.match(head) and not _tags_first(head):
        return None
    if _EXCEL_XML.search(head):
        return "excel"
    return "html" if _HTML_TAG.search(head) else "xml"


def _tags_first(head: str) -> bool:
    """Whether ``head`` (stripped) starts with tags that leave no delimiter
    (, ; tab |) on the first line, and either that line holds two tags or the
    next non-blank line starts with a tag too.

    ``<table border="1">`` then ``<thead>``, and ``<div><table>``, are tags;
    the CSV headers ``<table,b``, ``<Body weight>,b`` and a one-column
    ``<Body weight>`` over numbers are not.
    """
    first, _, rest = head.partition("\n")
    if _TAG.match(first) is None:
        return False
    if any(d in _TAG.sub("", first) for d in _TABLE_DELIMITERS):
        return False
    following = rest.lstrip()
    return len(_TAG.findall(first)) > 1 or not following or following[:1] == "<"


def _is_json(text: str) -> bool:
    """Whether ``text``, or each of its first 20 non-blank lines, is a JSON
    array or object."""
    try:
        return isinstance(json.loads(text), list | dict)
    except (ValueError, RecursionError):
        pass
    lines = [ln for ln in text[:200_000].split("\n") if ln.strip()][:20]
    try:
        return all(isinstance(json.loads(ln), list | dict) for ln in lines)
    except (ValueError, RecursionError):
        return False


def sniff_delimiter(text: str, delimiter: str | None = None) -> tuple[str, str]:
    """The delimiter of CSV text, as :func:`read_table` detects it.

    Excel's hint line (``sep=;`` first) names the delimiter; otherwise the
    candidate among :data:`DELIMITERS` that splits the first 60 lines into the
    most consistent number of fields (more than one) wins, a comma by default.
    A candidate that splits most lines into the same number (at least 2) of
    fields beats one that leaves every line one field, even when the first lines
    (a preamble) do not fit. When the best leaves most lines one field (a
    one-column table), the candidate that splits the most lines wins, a comma
    when none splits any: a row holding a delimiter then reads as wider than
    the header, not as one text cell.

    Parameters
    ----------
    text : str
        The decoded text, with ``\\n`` line breaks.
    delimiter : str or None
        A delimiter fixed by the caller: returned as it is (the hint line is
        still removed); ``None`` detects it.

    Returns
    -------
    delimiter : str
        One of :data:`DELIMITERS`, the hint's character or ``delimiter``.
    text : str
        ``text`` with a hint line replaced by an empty line (line numbers stay).

    Examples
    --------
    >>> sniff_delimiter("source;target\\nA;B\\n")
    (';', 'source;target\\nA;B\\n')
    >>> sniff_delimiter("sep=|\\na|b\\n")
    ('|', '\\na|b\\n')
    """
    hint = re.match(r"sep=(.)\n", text)  # Excel's delimiter hint line
    if hint:
        text = "\n" + text[hint.end() :]  # keep the line numbers
        return delimiter or hint.group(1), text
    return delimiter or _sniff_delimiter(text), text


def _sniff_delimiter(text: str) -> str:
    sample = [ln for ln in text[:200_000].split("\n")[:60] if ln.strip()]
    best, best_score = ",", (False, False, -1.0, 0)
    n_split: dict[str, int] = {}  # lines each candidate splits in 2 or more
    for cand in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=cand)]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        share = counts.count(mode) / len(counts)
        # a split of most lines into the same >= 2 fields beats one field per
        # line even when the first lines do not fit (a preamble above the header)
        splits = mode > 1 and share > 0.5
        score = (counts[0] == mode and mode > 1, splits, share, mode)
        if score > best_score:
            best, best_score = cand, score
        n_split[cand] = sum(c > 1 for c in counts)
    if best_score[3] > 1:
        return best
    # one field on most lines (a one-column table): a candidate that no line
    # holds would hide a row split in two (it would read as one text cell), so
    # the one splitting the most lines wins, the comma when none splits any
    return max(DELIMITERS, key=lambda cand: n_split.get(cand, 0))


# --- the cells of a graph file (an edge list or an adjacency matrix) ---

GRAPH_SEPARATORS = (",", ";", "\t")
"""The separators of a graph file's cells (a tab first, then the comma and the
semicolon in the order a tie is broken); the cells are split on runs of blanks
when the first line holds none of them."""
GRAPH_SEPARATOR_WORDS = "a comma, a semicolon, a tab or blanks"
"""The separators :func:`graph_cells` splits on, as messages name them."""
# a quoted cell, whose separators split nothing
_QUOTED = re.compile(r'"[^"]*"')
_BLANKS = re.compile(r"\s+")


# a comment line of a graph file: '#' or '%' alone or followed by a blank, as
# SNAP ('# Nodes: 3') and KONECT ('% sym unweighted') write them; '#ai' is a name
_GRAPH_COMMENT = re.compile(r"\s*[#%](\s.*)?")


def is_graph_comment(line: str) -> bool:
    """Whether a line of a graph file is a comment line.

    A line is one when it starts (after blanks) with ``#`` or ``%`` alone or
    followed by a blank, as SNAP and KONECT files write them; ``#ai`` and
    ``%a`` are names.

    Parameters
    ----------
    line : str
        One line, without its line break.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_graph_comment("# Nodes: 3"), is_graph_comment("%"), is_graph_comment("#ai")
    (True, True, False)
    """
    return _GRAPH_COMMENT.fullmatch(line) is not None


def skip_graph_comments(text: str) -> str:
    """A graph file's text without its comment and blank lines at the top.

    The lines both graph readers skip (:func:`is_graph_comment`); a comment
    below the first line that is not one stays (the readers name it).

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    str
        ``text`` from its first line that is neither blank nor a comment.

    Examples
    --------
    >>> skip_graph_comments("# Nodes: 3\\n% sym\\n\\n35\\t1033\\n")
    '35\\t1033\\n'
    """
    start = 0
    for match in _LINE_END.finditer(text):
        line = text[start : match.start()]
        if line.strip() and not is_graph_comment(line):
            return text[start:]
        start = match.end()
    line = text[start:]
    return line if line.strip() and not is_graph_comment(line) else ""


# a line break of any system (Unix, Windows, old Mac)
_LINE_END = re.compile(r"\r\n|\r|\n")


GRAPH_SEPARATOR_LINES = 20
"""The lines of a graph file (blank and comment lines not counted) on which
:func:`graph_separator` judges the separator."""


def graph_separator(text: str) -> str | None:
    """The separator of a graph file's cells, as both graph readers choose it.

    Judged on the first :data:`GRAPH_SEPARATOR_LINES` lines that are neither
    blank nor comments (:func:`is_graph_comment`), quoted cells left out. A tab
    on the first of them is the separator (tabs practically never belong to
    names, commas do: ``Smith, J.``). Else, of the comma and the semicolon
    that the first line holds, the one that splits every line into the same
    number of cells (at least two) wins; where neither or both do, the one
    splitting the most lines into two cells or more, and of equals the
    semicolon: names and decimals hold commas (``Smith, J.``, ``0,5``), hardly
    ever semicolons. So names with commas (``Smith, J., Jr.;Doe, A.``, or
    ``Smith, J.;Doe`` on every line) do not make a semicolon file one of
    commas. ``None`` (runs of blanks, as in SNAP and
    ``numpy.savetxt`` files) when the first line holds none of the three; a
    comma file's names may thus hold blanks (``node a,node b``).

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    str or None
        ``","``, ``";"`` or ``"\\t"``; ``None`` for runs of blanks.

    Examples
    --------
    >>> graph_separator("35\\t1033\\n"), graph_separator("node a,node b\\n")
    ('\\t', ',')
    >>> graph_separator("Smith, J.\\tDoe, A.\\n")
    '\\t'
    >>> graph_separator("Smith, J., Jr.;Doe, A.\\nRoe;Poe\\n")
    ';'
    >>> graph_separator("Smith, J.;Doe\\nRoe, B.;Poe\\n")
    ';'
    >>> graph_separator("# a,b\\n  35   1033\\n") is None
    True
    """
    lines = _separator_lines(text)
    first = lines[0] if lines else ""
    if "\t" in first:
        return "\t"
    held = [sep for sep in GRAPH_SEPARATORS if sep in first]
    if not held:
        return None
    return max(held, key=lambda sep: (*_splits_alike(sep, lines), sep == ";"))


def _separator_lines(text: str) -> list[str]:
    """The first :data:`GRAPH_SEPARATOR_LINES` lines of ``text`` that are neither
    blank nor comments, without their quoted cells; after the first, only lines
    that hold a cell (not only blanks and separators)."""
    lines: list[str] = []
    for line in _text_lines(text):
        if not line.strip() or is_graph_comment(line):
            continue
        if lines and not re.search(r"[^\s,;]", line):
            continue  # no row of graph_cells
        lines.append(_QUOTED.sub("", line))
        if len(lines) == GRAPH_SEPARATOR_LINES:
            break
    return lines


def _text_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` (any line break), one at a time: the separator is
    judged on the first few lines of files of millions."""
    start = 0
    for match in _LINE_END.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def _splits_alike(separator: str, lines: list[str]) -> tuple[bool, int]:
    """Whether ``separator`` splits every line of ``lines`` into the same number
    (at least two) of cells, and into how many lines it splits two cells or
    more."""
    counts = [line.count(separator) + 1 for line in lines]
    return len(set(counts)) == 1 and counts[0] >= 2, sum(c >= 2 for c in counts)


def graph_cells(text: str) -> list[list[str]]:
    """The cells of a graph file's lines, split on :func:`graph_separator`.

    The one rule by which :func:`engine.graph_io.read_graph` (a CSV edge list
    or adjacency matrix) and :func:`engine.graphs.read_edge_list` split a line.
    Comment and blank lines at the top are skipped
    (:func:`skip_graph_comments`).

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    list of list of str
        One list per line that holds a cell that is not blank, each cell
        stripped of blanks on both sides. Quoted cells may hold the separator
        (CSV quoting; a run of blanks in a quoted cell becomes one blank).

    Raises
    ------
    csv.Error
        The CSV text cannot be read (a carriage return inside an unquoted
        cell); the caller says what to do.

    Examples
    --------
    >>> graph_cells("# a;b\\nsource;target\\n a ; b \\n\\n")
    [['source', 'target'], ['a', 'b']]
    >>> graph_cells('35   1033\\n"node a"  103482\\n')
    [['35', '1033'], ['node a', '103482']]
    """
    text = skip_graph_comments(text)
    return split_graph_cells(text, graph_separator(text))


def split_graph_cells(text: str, separator: str | None) -> list[list[str]]:
    """The cells of a graph file's lines, split on ``separator``.

    :func:`graph_cells` with the separator given, e.g. to split the first line
    of a file as :func:`graph_separator` chose for the whole file.

    Parameters
    ----------
    text : str
        Lines of a graph file, comment lines at the top already skipped.
    separator : {",", ";", "\\t"} or None
        The separator; ``None`` for runs of blanks.

    Returns
    -------
    list of list of str
        As :func:`graph_cells`.

    Raises
    ------
    csv.Error
        As :func:`graph_cells`.

    Examples
    --------
    >>> split_graph_cells("Smith, J.;Doe, A.", ";")
    [['Smith, J.', 'Doe, A.']]
    """
    if separator is None:  # one blank for each run of them; quotes still hold
        runs = [_BLANKS.sub(" ", line.strip()) for line in text.splitlines()]
        lines = csv.reader(runs, delimiter=" ")
    else:
        lines = csv.reader(io.StringIO(text), delimiter=separator)
    rows = []
    for cells in lines:
        stripped = list(map(str.strip, cells))
        if any(stripped):
            rows.append(stripped)
    return rows


def graph_frame(text: str) -> pd.DataFrame:
    """The cells of :func:`graph_cells` as a table, read fast from a big file.

    Once :func:`graph_separator` has chosen the separator, pandas' C parser
    splits the file; a file it cannot split alike (a line wider than the
    first, a character it reads otherwise) goes through :func:`graph_cells`.

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    DataFrame of shape (n_lines, n_cells)
        One row per list of :func:`graph_cells`, columns ``0`` to
        ``n_cells - 1`` (the widest line's cells), object dtype: the stripped
        cells, ``None`` for an empty cell and past a line's end.

    Raises
    ------
    csv.Error
        As :func:`graph_cells`.

    Examples
    --------
    >>> graph_frame("# n\\n35\\t1033\\n35\\t\\n").values.tolist()
    [['35', '1033'], ['35', None]]
    """
    text = skip_graph_comments(text)
    frame = _fast_graph_frame(text, graph_separator(text))
    if frame is None:
        rows = graph_cells(text)
        width = max(map(len, rows), default=0)
        padded = [row + [""] * (width - len(row)) for row in rows]
        frame = pd.DataFrame(padded, columns=range(width), dtype=object)
    frame = frame.where(frame != "", None)
    return frame.reset_index(drop=True)


def _fast_graph_frame(text: str, separator: str | None) -> pd.DataFrame | None:
    """The stripped cells of ``text`` split by pandas' C parser (empty: ``""``),
    blank rows left out; ``None`` where it would not split as :func:`csv.reader`
    does (a carriage return, a NUL, a line wider than the first, a quote in
    a file split on blanks)."""
    if not text.strip() or "\r" in text or "\0" in text:
        return None
    if separator is None and '"' in text:  # graph_cells joins a quote's blanks
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=r"\s+" if separator is None else separator,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            quotechar='"',
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None
    frame.columns = range(frame.shape[1])
    frame = frame.astype(object).where(frame.notna(), "")
    if separator is not None and re.search(rf"[^\S\n{separator}]", text):
        for column in frame.columns:  # a cell may hold blanks to strip
            frame[column] = frame[column].str.strip()
    return frame[(frame != "").any(axis=1)]


# --- lines above the table: comments and preambles ---

# At most this many lines above the header are taken for a preamble.
_MAX_PREAMBLE = 20
# Share of the records below a preamble that must have the header's field count.
_PREAMBLE_FIT = 0.8
# A cell of a row of units below the header: a unit symbol, or a product or
# quotient of them (kg, mm, °C, %, m/s, mg/L, kJ/mol, m^2), bracketed or not.
_UNIT_ATOM = (
    r"(?:[pnuµμmcdhkMGT]?(?:g|m|s|l|L|mol|M|K|Pa|bar|Hz|V|A|W|J|N|C|cal|eV|B|Da)"
    r"|min|hr?|d|yr|ppm|ppb|rpm|deg|rad|°[CF]?|%)(?:\^?[-−]?\d|[²³]|⁻¹)?"
)
_UNIT = re.compile(rf"[(\[]?\s*{_UNIT_ATOM}(?:\s*[/·*.]\s*{_UNIT_ATOM})*\s*[)\]]?")


class _Preamble(NamedTuple):
    """Lines above a header that do not fit the table (:func:`_find_preamble`,
    :func:`_find_title_lines`)."""

    lines: list[int]
    width: int
    header: int
    first: str
    # first line of the text lines skipped above a header of names over numbers
    # (:func:`_find_title_lines`; they may be as wide as the table), 0 if none
    titled: int = 0


class _Comment(NamedTuple):
    """A comment line at the top of a file: its number and its text."""

    line: int
    text: str


def _is_comment(line: str) -> bool:
    """Whether a stripped line is a comment: ``#`` first, not a column named
    ``#`` (``#,name,score``)."""
    return line.startswith("#") and line[1:2] not in ('"', *DELIMITERS)


def _blank_comments(text: str, label: str) -> tuple[str, list[_Comment]]:
    """Blank the comment lines (``# ...``) at the top of ``text``.

    Each comment line (blank lines between them too) becomes an empty line, so
    the line numbers of the rows stay those of the file.

    Returns
    -------
    text : str
        ``text`` with its top comment lines emptied.
    comments : list of _Comment
        The comment lines removed, in order.

    Raises
    ------
    DataError
        The file holds comment lines only.
    """
    comments: list[_Comment] = []
    pos, number = 0, 1
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if line and not _is_comment(line):
            break
        if line:
            comments.append(_Comment(number, line))
        pos, number = end + 1, number + 1
    if not comments:
        return text, comments
    if pos >= len(text):
        raise DataError(
            f"{label}: the file holds only comment lines (starting with '#'), no "
            "table; choose a CSV file with a header row and data."
        )
    return "\n" * (number - 1) + text[pos:], comments


def _skip_top_lines(
    text: str,
    delimiter: str,
    comments: list[_Comment],
    header: bool | None,
    label: str,
) -> tuple[str, list[Finding]]:
    """Say which comment lines were skipped, and skip a preamble above the header.

    A last comment line that holds the column names of a table without a header
    (``# a,b,c`` above rows of numbers, as ``numpy.savetxt(header=...)`` writes
    it) is read as the header, without its ``#``. Lines above the header that
    have fewer fields than the table (a title, an export note) are blanked, as
    :func:`_find_preamble` finds them; when the header is guessed (``header`` is
    ``None``), so are lines of text above a header whose columns below hold
    numbers only, however many fields they have (:func:`_find_title_lines`).

    Returns
    -------
    text : str
        ``text`` with the preamble lines emptied (line numbers kept).
    notes : list of Finding
        ``comment_lines`` and ``preamble_lines`` warnings.
    """
    notes: list[Finding] = []
    named = None
    if comments and header is None:
        text, named = _comment_header(text, delimiter, comments[-1])
    if comments:
        skipped = comments[:-1] if named else comments
        notes.append(_comment_note(skipped, named, label))
    if header is not False and named is None:
        text, found = _skip_preamble(text, delimiter, header)
        if found is not None:
            notes.append(_preamble_note(found, label))
    if header is not False:
        units = _find_units_row(text, delimiter, header)
        if units is not None:
            text = _blank_lines(text, [units.line])
            notes.append(_units_note(units, delimiter, label))
    return text, [n for n in notes if n is not None]


class _UnitsRow(NamedTuple):
    """A row of units below the header (:func:`_find_units_row`): its line
    number, its cells, and the (unit, column name) of each unit in a column of
    numbers."""

    line: int
    row: list[str]
    units: list[tuple[str, str]]


def _find_units_row(text: str, delimiter: str, header: bool | None) -> _UnitsRow | None:
    """The row of units right below the header, or ``None``.

    The first record below the header is a row of units (``g,mm,``) when it
    holds no number and no dash-only or other punctuation cell, at least one
    cell of text, and every such cell lies in a column whose cells below are
    numbers (or missing), at least one: read as data, it is a row of missing
    values that turned a short column of numbers into text, or said so in two
    warnings per column. It holds no value of any column, so leaving it out
    loses none. At least :data:`MIN_ROWS` records must follow it; the first
    60 records are looked at, as for a preamble.

    Parameters
    ----------
    text : str
        The file's text, preamble and comment lines blanked.
    delimiter : str
    header : bool or None
        As for :func:`read_table`; with ``None``, a first line of numbers only
        is data, not a header.

    Returns
    -------
    _UnitsRow or None
    """
    records = _top_records(text, delimiter)
    if len(records) < 2 + MIN_ROWS:
        return None
    names, (line, row) = records[0][1], records[1]
    below = [r for _, r in records[2:]]
    if len(row) != len(names) or (header is None and _numbers_only(names)):
        return None
    units = []
    for j, cell in enumerate(c.strip() for c in row):
        if cell.lower() in MISSING_TOKENS:
            continue
        if _is_number(cell) or not (_is_name(cell) or _UNIT.fullmatch(cell)):
            return None
        column = [r[j] if j < len(r) else "" for r in below]
        if not _numbers_only(column) or not any(map(_is_number, column)):
            return None
        units.append((cell, names[j].strip()))
    return _UnitsRow(line, row, units) if units else None


def _units_note(units: _UnitsRow, delimiter: str, label: str) -> Finding:
    """The ``units_row`` warning: the line left out, its units, what to do."""
    pairs = ", ".join(f"{u!r} in {n!r}" for u, n in units.units[:5])
    if len(units.units) > 5:
        pairs += f", and {len(units.units) - 5} more"
    unit, name = units.units[0]
    example = f"{name} ({unit.strip('()[]')})"
    line = delimiter.join(units.row)[:60]
    return Finding(
        "warning",
        "units_row",
        f"{label}: left out line {units.line} ({line!r}), below the column names: "
        f"it holds no number, only text in columns of numbers ({pairs}), as a row "
        f"of units does. To keep the units, put them in the column names "
        f"({example!r}) and delete the line; if it is a row of data, fix those "
        "cells.",
        rows=(units.line,),
    )


def _skip_preamble(
    text: str, delimiter: str, header: bool | None
) -> tuple[str, _Preamble | None]:
    """Blank the narrower lines above the header (:func:`_find_preamble`), then,
    when the header is guessed, the lines of text above a header of names over
    numbers (:func:`_find_title_lines`); one :class:`_Preamble` for both."""
    found = _find_preamble(text, delimiter, header)
    if found is not None:
        text = _blank_lines(text, found.lines)
    titles = _find_title_lines(text, delimiter) if header is None else None
    if titles is None:
        return text, found
    text = _blank_lines(text, titles.lines)
    if found is not None:
        titles = titles._replace(lines=found.lines + titles.lines, first=found.first)
    return text, titles


def _comment_header(
    text: str, delimiter: str, last: _Comment
) -> tuple[str, _Comment | None]:
    """Put back the last comment line, without its ``#``, when it names the
    columns of the rows of numbers below it."""
    names = _split_line(last.text[1:].strip(), delimiter)
    start = last.line  # the rows start below the last comment line
    while text[start] == "\n":  # _blank_comments left a row below them
        start += 1
    end = text.find("\n", start)
    first = _split_line(text[start : len(text) if end < 0 else end], delimiter)
    if (
        len(names) < 2
        or len(names) != len(first)
        or not all(_is_number(c) for c in first)
        or any(not n.strip() or _is_number(n) for n in names)
    ):
        return text, None
    lines = text[:start].split("\n")
    lines[last.line - 1] = last.text[1:].strip()
    return "\n".join(lines) + text[start:], last


def _split_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _find_preamble(text: str, delimiter: str, header: bool | None) -> _Preamble | None:
    """Lines above the header that do not fit the table, or ``None``.

    Looking at the first 60 records (blank lines aside), the header is the first
    record whose field count ``m`` (at least 2) the records below it agree on:
    none has more, at least :data:`_PREAMBLE_FIT` of them exactly ``m``. The
    records above it are a preamble when each has fewer than ``m`` fields, there
    are at most :data:`_MAX_PREAMBLE` of them, and the header names are not
    empty (nor numbers, unless ``header`` is ``True``): a table whose first
    line is the widest is never cut.

    Returns
    -------
    _Preamble or None
        The preamble's line numbers, the table's field count ``m``, the header's
        line number and the preamble's first line.
    """
    records = _top_records(text, delimiter)
    counts = [len(r) for _, r in records]
    for k in range(min(_MAX_PREAMBLE, len(counts) - 2) + 1):
        m = counts[k]
        if m < 2 or any(c >= m for c in counts[:k]):
            continue
        below = counts[k + 1 :]
        if max(below) > m or below.count(m) < _PREAMBLE_FIT * len(below):
            continue
        if k == 0:
            return None
        names = [n.strip() for n in records[k][1]]
        if not all(names) or (header is None and any(map(_is_number, names))):
            return None
        end = records[k][0]
        first = delimiter.join(records[0][1]).strip()
        return _Preamble(list(range(records[0][0], end)), m, end, first)
    return None


def _find_title_lines(text: str, delimiter: str) -> _Preamble | None:
    """Lines of text above a header of names over columns of numbers, or ``None``.

    A title can have as many fields as the table (``Sample data, version 2``
    above ``a,b``), or a one-column table can sit under one, so
    :func:`_find_preamble` does not see it. Looking at the first 60 records
    (blank lines aside), the data are the records below the last one holding
    text (a cell neither a number nor missing); that one is the header and the
    records above it (at most :data:`_MAX_PREAMBLE`) are skipped when it is
    clear they are no table row: each holds text (a row of numbers may be
    data), the header's names are words (not empty, not a missing-value token
    such as ``NA``), there are at least :data:`MIN_ROWS` data records, none
    wider than the header and at least :data:`_PREAMBLE_FIT` of them as wide
    (a row of a one-column table split at a decimal comma, ``1,5``, counts as
    one field, so that the refusal of such a table names its header's line),
    and they hold a number. A table whose rows below the header hold text in
    some column (names, categories) is never cut.

    Returns
    -------
    _Preamble or None
        The skipped line numbers, the table's field count, the header's line
        number and the first skipped line; ``titled`` is the first skipped line.
    """
    records = _top_records(text, delimiter)
    texts = [k for k, (_, row) in enumerate(records) if not _numbers_only(row)]
    start = texts[-1] if texts else 0
    if not 1 <= start <= _MAX_PREAMBLE or texts != list(range(start + 1)):
        return None  # the header is the first record, or numbers lie above it
    names = [n.strip() for n in records[start][1]]
    rows = [row for _, row in records[start + 1 :]]
    width = len(names)
    # a one-column row split at a decimal comma (1,5) is one number: the title
    # above such a table is a title still, so that its refusal names the header
    counts = [1 if _split_decimal(row, width, delimiter) else len(row) for row in rows]
    if (
        len(rows) < MIN_ROWS
        or max(counts) > width
        or counts.count(width) < _PREAMBLE_FIT * len(rows)
        or not all(map(_is_name, names))
        or not any(_is_number(cell) for row in rows for cell in row)
    ):
        return None
    if any(_like_header(row, width) for _, row in records[:start]):
        return None  # a header with a row of units (or a second header) below
    if _names_over_units(records[start - 1][1], records[start][1], width):
        return None  # names of several words (body mass) over units (g)

    end, first = records[start][0], records[0][0]
    text_first = delimiter.join(records[0][1]).strip()
    return _Preamble(list(range(first, end)), width, end, text_first, first)


def _like_header(row: list[str], width: int) -> bool:
    """Whether ``row`` reads as a header of ``width`` single-word names.

    Such a line above a second line of names (``temp,pressure`` above
    ``C,kPa``) is the header with a row of units below it, not a title: a title
    as wide as the table has a cell of several words or an empty one
    (``Sample data, version 2``).
    """
    cells = [c.strip() for c in row]
    return len(cells) == width and all(
        _is_name(c) and not re.search(r"\s", c) for c in cells
    )


def _names_over_units(above: list[str], row: list[str], width: int) -> bool:
    """Whether ``above`` is a header of ``width`` names over a row of unit
    symbols (``body mass,flipper length`` over ``g,mm``).

    :func:`_like_header` keeps a header of single words above any line of
    words; names of several words are told from a title as wide as the table
    (``Sample data, version 2`` above ``a,b``) by the units below them: every
    cell of ``row`` is a unit (:data:`_UNIT`) or empty, and one is a unit.
    """
    if len(above) != width or len(row) != width:
        return False
    if not all(_is_name(c.strip()) for c in above):
        return False
    units = [c.strip() for c in row if c.strip()]
    return bool(units) and all(_UNIT.fullmatch(c) for c in units)


def _is_name(token: str) -> bool:
    """Whether a header cell reads as a column name: a word, not a number nor a
    missing-value token (``NA``, ``?``) nor punctuation only (``-``)."""
    return (
        bool(re.search(r"\w", token))
        and token.lower() not in MISSING_TOKENS
        and not _is_number(token)
    )


def _numbers_only(row: list[str]) -> bool:
    """Whether every cell of ``row`` is a number or missing (empty, ``NA``, ...)."""
    return all(c.strip().lower() in MISSING_TOKENS or _is_number(c) for c in row)


def _top_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The first 60 non-blank records of ``text`` with their line numbers."""
    sample = text[:200_000]
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, strict=False)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if row and (len(row) > 1 or row[0].strip()):
                records.append((start, row))
            if len(records) == 60:
                return records
            start = reader.line_num + 1
    except csv.Error:
        return []
    # a record cut by the end of the sample is no evidence
    return records[:-1] if len(sample) < len(text) else records


def _blank_lines(text: str, lines: list[int]) -> str:
    """``text`` with the lines ``lines`` (1-based, ascending) emptied."""
    head, rest = text, ""
    pieces = text.split("\n", lines[-1])
    if len(pieces) > lines[-1]:
        head, rest = "\n".join(pieces[:-1]), "\n" + pieces[-1]
    kept = head.split("\n")
    for number in lines:
        kept[number - 1] = ""
    return "\n".join(kept) + rest


def _line_ranges(lines: Sequence[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``"1-3, 5"``."""
    parts: list[str] = []
    start = prev = lines[0]
    for n in [*lines[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _comment_note(
    skipped: list[_Comment], named: _Comment | None, label: str
) -> Finding | None:
    parts = []
    if skipped:
        n = len(skipped)
        where = _line_ranges([c.line for c in skipped])
        parts.append(
            f"skipped {n} comment line{'s' if n > 1 else ''} at the top (line"
            f"{'s' if n > 1 else ''} {where}, starting with '#')"
        )
    if named:
        parts.append(
            f"read line {named.line} ({named.text[:60]!r}) as the column names, "
            "without its '#'"
        )
    if not parts:
        return None
    return Finding(
        "warning",
        "comment_lines",
        f"{label}: {'; '.join(parts)}. If a line there belongs to the table, "
        "remove its '#' in the file.",
        rows=tuple(c.line for c in (*skipped, *([named] if named else [])))[:20],
    )


def _preamble_note(found: _Preamble, label: str) -> Finding:
    n = len(found.lines)
    s = "s" if n > 1 else ""
    if found.titled:
        return Finding(
            "warning",
            "preamble_lines",
            f"{label}: skipped {n} line{s} of text at the top (line{s} "
            f"{_line_ranges(found.lines)}, from {found.first[:40]!r}) above the "
            f"header on line {found.header}, whose names head columns of numbers "
            f"only. If line {found.titled} holds the column names, read the file "
            "with header=True (--header yes; 'First row holds column names': Yes on "
            "the Data page); else remove those lines (or start them with '#').",
            rows=tuple(found.lines[:20]),
        )
    return Finding(
        "warning",
        "preamble_lines",
        f"{label}: skipped {n} line{s} at the top (line{s} "
        f"{_line_ranges(found.lines)}, from {found.first[:40]!r}) that do not have "
        f"the {found.width} fields of the table; the header is line {found.header}. "
        "If they belong to the table, fix them in the file; else remove them (or "
        "start them with '#').",
        rows=tuple(found.lines[:20]),
    )


def _numeric_table(
    text: str, delimiter: str, label: str, header: bool | None = None
) -> tuple[pd.DataFrame, list[int], list[Finding]] | None:
    """A plain numeric file read by pandas' C parser, or ``None`` for the full path.

    The csv module and the per-cell checks hold every cell as a Python string: a
    48 MB file of 12 million numbers took 9.1 s and 2.0 GB that way, 1.4 s and
    0.9 GB this way (one core, peak resident memory). A file qualifies when
    the result cannot differ from the full path's: a header of names on the first
    line, then rows of exactly the header's width (no blank, short or long
    lines), no quotes, and only digits, signs, '.', exponents and blanks in the
    cells (so no text, booleans, 'nan' or decimal commas; an empty cell is a
    missing value in both). Anything else returns ``None``. ``header`` as in
    :func:`read_table`: with ``True`` the names may look like numbers; with
    ``False`` the first line is a data row. Blank lines above the first line
    (skipped comments or a preamble) only shift the line numbers.
    """
    skip = len(text) - len(text.lstrip("\n"))
    text = text[skip:]
    head, _, body = text.partition("\n")
    names = [h.strip() for h in head.split(delimiter)]
    if header is False:
        body, names = text, [""] * len(names)
    width = len(names)
    if (
        len(body) < _FAST_MIN_CHARS
        or width < 2
        or width > MAX_COLUMNS
        or '"' in text
        or (header is not False and not all(names))
        or (header is None and any(_is_number(h) for h in names))
    ):
        return None
    allowed = re.escape(delimiter + "0123456789eE+-. \t\n")
    if re.search(f"[^{allowed}]", body):
        return None
    n_rows = body.count("\n") + (not body.endswith("\n"))
    if body.count(delimiter) != n_rows * (width - 1):
        return None  # a blank or short row (a long row fails the parser below)
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=delimiter,
            header=None,
            names=list(range(width)),
            index_col=False,
            dtype=np.float64,
            na_values=[""],
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError):  # e.g. "1-2", "e", "."
        return None
    if len(frame) != n_rows:
        return None
    fixed, findings = _fix_names(names, label)
    frame.columns = fixed
    first = skip + (1 if header is False else 2)
    return frame, list(range(first, n_rows + first)), findings


# Below this many characters the full path is fast enough and says more.
_FAST_MIN_CHARS = 1 << 20


def _split_records(
    text: str, delimiter: str, label: str
) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            if row and (len(row) > 1 or row[0].strip()):
                records.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise DataError(
            f"{label}: line {start} has a field longer than {MAX_FIELD} characters or "
            'broken quoting, usually an unclosed quote ("); fix the quoting there.'
        ) from err
    _check_unclosed_quote(text, records, lines, label)
    return records, lines


def _check_unclosed_quote(
    text: str, records: list[list[str]], lines: list[int], label: str
) -> None:
    """Refuse a file whose last record swallowed the rest of it into one field.

    Balanced quoting uses an even number of ``"``; with an odd count, a last
    record whose field runs over several lines is a quote opened and never
    closed (the csv module reads everything after it as that one field).
    """
    if not records or text.count('"') % 2 == 0:
        return
    if any("\n" in field or "\r" in field for field in records[-1]):
        raise DataError(
            f'{label}: line {lines[-1]} opens a quote (") that is never closed, so '
            "every line after it was read as a single field; close the quote or "
            "remove it, then upload the file again."
        )


def _sniff_decimal(records: list[list[str]], delimiter: str) -> str:
    if delimiter == ",":
        return "."
    comma = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+([eE][+-]?\d+)?$")
    dot = re.compile(r"^[+-]?\d*\.\d+([eE][+-]?\d+)?$")
    n_comma = n_dot = 0
    for row in records[1:200]:
        for cell in row:
            cell = cell.strip()
            n_comma += bool(comma.match(cell))
            n_dot += bool(dot.match(cell))
    return "," if n_comma > n_dot else "."


def _build_frame(
    records: list[list[str]],
    lines: list[int],
    label: str,
    first: bool | None = None,
    delimiter: str = ",",
) -> tuple[pd.DataFrame, list[int], list[Finding]]:
    """The frame of the records; ``first`` is :func:`read_table`'s ``header``,
    ``delimiter`` the one the records were split at (named in messages)."""
    findings: list[Finding] = []
    header = [h.strip() for h in records[0]]
    body = records[1:]
    guess = first is None and header and all(_is_number(h) for h in header)
    if guess:
        findings.append(
            Finding(
                "warning",
                "no_header",
                f"{label}: the first line holds numbers, not column names; it was "
                "read as data and the columns named column_1, column_2, ... If it "
                "holds the column names, read it with header=True (--header yes; "
                "'First row holds column names' on the Data page), or add a header "
                "row to the file.",
            )
        )
    if guess or first is False:
        body, header = records, [""] * len(header)
        lines = [0, *lines]
    width = len(header)
    if width > MAX_COLUMNS:  # before any per-column work, which grows with width
        raise DataError(
            f"{label}: {width} columns is more than the {MAX_COLUMNS} this app "
            "handles; select the columns you need before loading the file."
        )
    named = lines[0] if lines[0] else None
    _refuse_long_rows(body, lines[1:], width, named, label, delimiter)
    short = [ln for r, ln in zip(body, lines[1:], strict=False) if len(r) < width]
    if short:
        shown = ", ".join(str(x) for x in short[:10])
        findings.append(
            Finding(
                "warning",
                "ragged_rows",
                f"{label}: {len(short)} row(s) have fewer fields than the header "
                f"(lines {shown}{', ...' if len(short) > 10 else ''}); the missing "
                "fields were read as missing values. Check those lines.",
                rows=tuple(short[:20]),
            )
        )
    names, name_findings = _fix_names(header, label)
    findings.extend(name_findings)
    if not body:
        raise DataError(
            f"{label}: the file has a header ({width} columns) but no data rows; add "
            "rows of values below the header."
        )
    if short:
        body = [r + [""] * (width - len(r)) for r in body]
    cells = np.empty((len(body), width), dtype=object)
    cells[:] = body
    # object cells: letting pandas infer its string dtype costs ~2 s per 1M rows
    frame = pd.DataFrame(cells, columns=names, copy=False, dtype=object)
    return frame, lines[1:], findings


def _refuse_long_rows(
    body: list[list[str]],
    lines: list[int],
    width: int,
    header: int | None,
    label: str,
    delimiter: str,
) -> None:
    """Refuse rows with more fields than the header (line ``header``; ``None``
    when the first row is data), naming them, the delimiter and the ways out."""
    too_long = [
        (ln, len(r)) for r, ln in zip(body, lines, strict=False) if len(r) > width
    ]
    if not too_long:
        return
    where = ", ".join(f"line {ln} ({k} fields)" for ln, k in too_long[:5])
    more = ", ..." if len(too_long) > 5 else ""
    sep = _DELIM_NAMES.get(delimiter, repr(delimiter))
    if header is None:
        wider = f"the {width} fields of the first row (line {lines[0]})"
        add = "add the missing fields to the first row"
    else:
        wider = f"the {width} column names of the header (line {header})"
        add = "add their names to the header"
    advice = _decimal_comma_advice(body, width, delimiter, add) or (
        f"If those extra fields are columns of the table, {add}; if a field holds "
        f'a {sep}, put it in double quotes ("..."); else fix those rows.'
    )
    raise DataError(
        f"{label}: {len(too_long)} row(s) have more fields than {wider}, split at "
        f"each {sep}: {where}{more}. {advice}"
    )


# a number split in two at a decimal comma: the whole part, then the fraction
_WHOLE_PART = re.compile(r"^[+-]?\d+$")
_FRACTION_PART = re.compile(r"^\d+([eE][+-]?\d+)?$")


def _split_decimal(row: list[str], width: int, delimiter: str) -> bool:
    """Whether ``row`` of a one-column comma-separated table is one number split
    in two at a decimal comma (``1,5``): a whole part, then a fraction."""
    return (
        delimiter == ","
        and width == 1
        and len(row) == 2
        and bool(_WHOLE_PART.match(row[0].strip()))
        and bool(_FRACTION_PART.match(row[1].strip()))
    )


def _decimal_comma_advice(
    body: list[list[str]], width: int, delimiter: str, add: str
) -> str:
    """What to do with a comma-separated one-column file whose rows wider than
    the header all split into a whole part and a fraction (``1,5``), else
    ``""``. Such a file was refused only as having rows with more fields, with
    advice that does not read it (a quoted "1,5" is text, not 1.5); ``add``
    says how to name extra columns, should they be columns after all."""
    wide = [[c.strip() for c in r] for r in body if len(r) > width]
    if delimiter != "," or width != 1 or not wide:
        return ""
    if not all(_split_decimal(r, width, delimiter) for r in wide):
        return ""
    return (
        "The file looks like one column of numbers written with decimal commas "
        f"({','.join(wide[0])!r} for {'.'.join(wide[0])}), the comma also "
        "separating the fields: save it with ';' between fields (a ';'-separated "
        "file is read with decimal commas) or with '.' decimals, or read it with "
        "delimiter=';' (data describe --delimiter ';'). If the extra fields are "
        f"columns of the table, {add}."
    )


def _fix_names(header: list[str], label: str) -> tuple[list[str], list[Finding]]:
    findings: list[Finding] = []
    names = [h if h else f"column_{k + 1}" for k, h in enumerate(header)]
    if any(not h for h in header) and any(header):
        blank = [k + 1 for k, h in enumerate(header) if not h]
        shown = ", ".join(str(k) for k in blank[:10]) + (", ..." if blank[10:] else "")
        findings.append(
            Finding(
                "warning",
                "blank_names",
                f"{label}: {len(blank)} column(s) have no name in the header "
                f"(positions {shown}); they were named column_<position>.",
            )
        )
    # sets, not lists: a header of 100 000 repeats took 72 s with list lookups
    taken = set(names)
    seen: dict[str, int] = {}
    dups: list[str] = []
    renamed: list[str] = []
    out = []
    for n in names:
        if n in seen:
            dups.append(n)
            k = seen[n]
            while f"{n}.{k}" in seen or f"{n}.{k}" in taken:
                k += 1
            seen[n] = k + 1
            new = f"{n}.{k}"
            seen[new] = 1
            renamed.append(new)
            out.append(new)
        else:
            seen[n] = 1
            out.append(n)
    if dups:
        findings.append(
            Finding(
                "warning",
                "duplicate_names",
                f"{label}: the header repeats the column name(s) "
                f"{format_names(sorted(set(dups)), 10)}; the repeats were renamed "
                f"{format_names(renamed, 10)}. "
                "Give every column its own name in the file.",
            )
        )
    hidden = [n for n in out if _HIDDEN_CHARS.search(n)]
    if hidden:
        codes = sorted(
            {f"U+{ord(c):04X}" for n in hidden for c in _HIDDEN_CHARS.findall(n)}
        )
        findings.append(
            Finding(
                "warning",
                "hidden_characters",
                f"{label}: {len(hidden)} column name(s) hold invisible or "
                f"text-direction characters ({', '.join(codes[:6])}), so they may "
                f"show differently from what they are: "
                f"{', '.join(ascii(n) for n in hidden[:5])}"
                f"{', ...' if len(hidden) > 5 else ''}. Rename them in the file if "
                "that was not meant.",
            )
        )
    return out, findings


# control characters, zero-width and text-direction marks (Unicode Cc and Cf)
_HIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


# --- describing a frame ---


def describe(
    frame: pd.DataFrame,
    *,
    source: str = "table",
    lines: Sequence[int] | None = None,
    extra: Sequence[Finding] = (),
    decimal: str = ".",
    parse: dict | None = None,
) -> DataReport:
    """Build the validation report of a DataFrame.

    Parameters
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        The table; string columns holding numbers are treated as numeric.
    source : str, default="table"
        Name used in messages.
    lines : sequence of int, optional
        File line number of each row (used by :func:`read_table`); otherwise rows
        are named by position, starting at 0.
    extra : sequence of Finding, optional
        Findings from parsing, placed with the others.
    decimal : str, default="."
        Decimal mark of string cells.
    parse : dict, optional
        ``delimiter``, ``encoding``, ``n_bytes`` and ``header`` of the parsed
        file.

    Returns
    -------
    DataReport

    Examples
    --------
    >>> report = describe(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "x"]}))
    >>> report.kinds()
    {'a': 'numeric', 'b': 'categorical'}
    """
    return _describe(frame, source, lines, extra, decimal, parse)[0]


def _describe(
    frame: pd.DataFrame,
    source: str,
    lines: Sequence[int] | None,
    extra: Sequence[Finding],
    decimal: str,
    parse: dict | None,
) -> tuple[DataReport, list[_Column]]:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            f"describe: expected a pandas DataFrame; got {type(frame).__name__}."
        )
    where = _RowNamer(lines)
    parsed = _parse_columns(frame, decimal)
    findings = list(extra)
    names = [c.name for c in parsed]
    if len(set(names)) != len(names) and not any(
        f.code == "duplicate_names" for f in extra
    ):
        dup = sorted({n for n in names if names.count(n) > 1})
        findings.append(
            Finding(
                "warning",
                "duplicate_names",
                f"{source}: column name(s) {dup} appear more than once; rename them so "
                "each column can be selected.",
            )
        )
    columns = []
    for col in parsed:
        info = _column_info(col)
        columns.append(info)
        findings.extend(_column_findings(info, col, source, where))
    findings.extend(_table_findings(frame, columns, source))
    findings.sort(key=lambda f: f.severity != "error")
    parse = parse or {}
    report = DataReport(
        source=source,
        n_rows=int(frame.shape[0]),
        n_columns=int(frame.shape[1]),
        columns=tuple(columns),
        findings=tuple(findings),
        delimiter=parse.get("delimiter"),
        decimal=decimal,
        encoding=parse.get("encoding"),
        n_bytes=parse.get("n_bytes"),
        header=parse.get("header"),
    )
    return report, parsed


class _RowNamer:
    def __init__(self, lines: Sequence[int] | None) -> None:
        self.lines = list(lines) if lines is not None else None

    def ids(self, positions: np.ndarray) -> tuple[int, ...]:
        pos = [int(p) for p in positions[:20]]
        if self.lines is None:
            return tuple(pos)
        return tuple(self.lines[p] for p in pos)

    def text(self, positions: np.ndarray, limit: int = 5) -> str:
        ids = self.ids(positions)[:limit]
        word = "line" if self.lines is not None else "row"
        more = ", ..." if len(positions) > limit else ""
        plural = "s" if len(positions) > 1 else ""
        return f"{word}{plural} {', '.join(map(str, ids))}{more}"


# --- value parsing ---


@dataclass
class _Column:
    """One parsed column: numbers or text, with its missing cells."""

    name: str
    dtype: str
    values: np.ndarray | None  # (n,) float64 when numeric
    text: np.ndarray | None  # (n,) object, str or None; None when native numeric
    missing: np.ndarray  # (n,) bool: empty/NA cells and non-numbers read as NaN
    bad: np.ndarray  # positions of non-numbers in a numeric column
    max_len: int = 0
    regrouped: np.ndarray | None = None  # positions read without "," grouping

    def output(self) -> np.ndarray:
        """The column as it goes into the returned frame."""
        if self.values is not None:
            return self.values
        assert self.text is not None
        out = self.text.copy()
        out[self.missing] = np.nan
        return out


def _parse_columns(frame: pd.DataFrame, decimal: str) -> list[_Column]:
    d = frame.shape[1]
    out: list[_Column | None] = [None] * d
    text_idx = []
    for j in range(d):
        series = frame.iloc[:, j]
        name = str(frame.columns[j])
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(
            series
        ):
            values = series.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
            out[j] = _Column(
                name, str(series.dtype), values, None, np.isnan(values), _NO_ROWS
            )
        else:
            text_idx.append(j)
    slow = []
    for j in text_idx:
        fast = _fast_numeric(frame, j) if decimal == "." else None
        if fast is None:
            slow.append(j)
        out[j] = fast
    if slow:
        for j, col in zip(slow, _parse_text_block(frame, slow, decimal), strict=True):
            out[j] = col
    return [c for c in out if c is not None]


def _fast_numeric(frame: pd.DataFrame, j: int) -> _Column | None:
    """Parse a column whose every cell is a number literal in one C loop."""
    raw = frame.iloc[:, j].to_numpy(dtype=object)
    try:
        values = raw.astype(np.float64)
    except (TypeError, ValueError):
        return None
    if not raw.size or any(isinstance(v, bool) for v in raw[:1]):
        return None
    name = str(frame.columns[j])
    return _Column(name, "float64", values, None, np.isnan(values), _NO_ROWS)


_NO_ROWS = np.zeros(0, dtype=np.int64)


def _parse_text_block(
    frame: pd.DataFrame, idx: list[int], decimal: str
) -> list[_Column]:
    """Parse the non-numeric columns ``idx`` together (one vectorised pass)."""
    n = frame.shape[0]
    block = frame.iloc[:, idx].to_numpy(dtype=object)  # (n, k)
    flat = pd.Series(block.ravel(order="F"), dtype=object)
    null = flat.isna().to_numpy()
    stripped = flat.astype(str).str.strip()
    lowered = stripped.str.lower()
    missing = null | lowered.isin(MISSING_TOKENS).to_numpy()
    lengths = stripped.str.len().fillna(0).to_numpy(dtype=np.int64)
    cells = stripped.to_numpy(dtype=object, copy=True)
    cells[missing] = None
    tokens = pd.Series(cells, dtype=object)
    regrouped = np.zeros(len(tokens), dtype=bool)
    if decimal == ",":
        grouped = tokens.str.match(_EU_GROUPED).fillna(False).astype(bool)
        tokens = tokens.where(~grouped, tokens.str.replace(".", "", regex=False))
        tokens = tokens.str.replace(",", ".", regex=False)
    else:
        grouped = tokens.str.match(_US_GROUPED).fillna(False).to_numpy(bool, copy=True)
        commas = tokens.str.match(_COMMA_DECIMAL).fillna(False).to_numpy(dtype=bool)
        per_column = grouped.reshape(len(idx), n)  # the cells are column-major
        per_column[(commas.reshape(len(idx), n) & ~per_column).any(axis=1)] = False
        regrouped = grouped
        tokens = tokens.where(~grouped, tokens.str.replace(",", "", regex=False))
    numbers = pd.to_numeric(tokens, errors="coerce").to_numpy(
        dtype=np.float64, copy=True
    )
    bools = lowered.isin({"true", "false"}).to_numpy()
    numbers[bools] = np.nan
    out = []
    for k, j in enumerate(idx):
        sl = slice(k * n, (k + 1) * n)
        col = _text_column(
            str(frame.columns[j]),
            str(frame.iloc[:, j].dtype),
            cells[sl],
            missing[sl],
            numbers[sl],
            int(lengths[sl].max()) if n else 0,
        )
        if decimal == "." and col.values is not None and regrouped[sl].any():
            col.regrouped = np.flatnonzero(regrouped[sl])
        out.append(col)
    return out


def _text_column(
    name: str,
    dtype: str,
    cells: np.ndarray,
    missing: np.ndarray,
    numbers: np.ndarray,
    max_len: int,
) -> _Column:
    present = ~missing
    parsed = present & ~np.isnan(numbers)
    n_present = int(present.sum())
    if n_present and parsed.sum() >= MIXED_SHARE * n_present:
        bad = np.flatnonzero(present & ~parsed)
        return _Column(name, "float64", numbers, cells, np.isnan(numbers), bad, max_len)
    return _Column(name, dtype, None, cells, missing, _NO_ROWS, max_len)


def _column_info(col: _Column) -> ColumnInfo:
    n = col.missing.size
    present = ~col.missing
    if col.values is not None:
        valid = col.values[present]
        n_unique = int(np.unique(valid).size)
        n_inf = int(np.isinf(valid).sum())
        finite = valid[np.isfinite(valid)]
        kind: Kind = "numeric"
        if _looks_like_id_numbers(col.name, finite, n):
            kind = "identifier"
        examples = tuple(f"{v:g}" for v in pd.unique(valid)[:3])
    else:
        assert col.text is not None
        valid = col.text[present]
        n_unique = int(pd.unique(valid).size)
        n_inf = 0
        kind = "categorical"
        if _looks_like_id_text(col.name, n_unique, valid.size):
            kind = "identifier"
        examples = tuple(str(v)[:40] for v in pd.unique(valid)[:3])
    if not present.any():
        kind = "empty"
    return ColumnInfo(
        name=col.name,
        kind=kind,
        dtype=col.dtype,
        n_missing=int(col.missing.sum()),
        n_nonfinite=n_inf,
        n_unique=n_unique,
        is_constant=n_unique <= 1,
        examples=examples,
    )


def _column_findings(
    info: ColumnInfo, col: _Column, source: str, where: _RowNamer
) -> list[Finding]:
    name = info.name
    if info.kind == "empty":
        return [
            Finding(
                "warning",
                "empty_column",
                f"{source}: column {name!r} has no values; it is ignored by the "
                "learners. Remove it or fill it in.",
                column=name,
            )
        ]
    out: list[Finding] = []
    if col.bad.size:
        out.append(_mixed_finding(col, source, where))
    if col.regrouped is not None:
        out.append(_grouping_finding(col, source, where))
    out.extend(_text_as_numbers(info, col, source))
    if info.n_missing:
        pos = np.flatnonzero(col.missing)
        out.append(
            Finding(
                "warning",
                "missing_values",
                f"{source}: column {name!r} has {info.n_missing} missing value(s) "
                f"({where.text(pos)}){MISSING_HANDLING}",
                column=name,
                rows=where.ids(pos),
            )
        )
    if info.n_nonfinite:
        assert col.values is not None
        pos = np.flatnonzero(np.isinf(col.values))
        out.append(
            Finding(
                "warning",
                "infinite_values",
                f"{source}: column {name!r} has {info.n_nonfinite} infinite value(s) "
                f"({where.text(pos)}); they are treated as missing. Check how the "
                "column was computed (a division by zero?).",
                column=name,
                rows=where.ids(pos),
            )
        )
    if col.values is not None and overflowing_columns(col.values[:, None]).size:
        out.append(_huge_finding(name, col.values, source))
    out.extend(_shape_findings(info, col, source, where))
    return out


def _huge_finding(name: str, values: np.ndarray, source: str) -> Finding:
    """Say that a column's values are too large for the learners."""
    largest = float(np.abs(values[np.isfinite(values)]).max())
    return Finding(
        "warning",
        "huge_values",
        f"{source}: column {name!r} holds values too large for its variance to be "
        f"a finite number (largest |value| {largest:.3g}); the learners refuse it. "
        "Rescale it (e.g. divide by a power of ten or change its units) or leave "
        "it out.",
        column=name,
    )


def _shape_findings(
    info: ColumnInfo, col: _Column, source: str, where: _RowNamer
) -> list[Finding]:
    out: list[Finding] = []
    name = info.name
    if info.is_constant:
        out.append(
            Finding(
                "warning",
                "constant_column",
                f"{source}: column {name!r} is constant ({info.examples[0]}); it "
                "carries no information: causal discovery and graph learning leave "
                "it out (the numeric matrix), a classifier keeps it as a feature "
                "that never changes the class.",
                column=name,
            )
        )
    if info.kind == "identifier":
        out.append(
            Finding(
                "warning",
                "identifier_column",
                f"{source}: column {name!r} looks like a row identifier "
                f"({_identifier_reason(name, col.values)}); it is no "
                "feature or node by default. If it is a measurement, choose it in "
                "'Columns (nodes)' or with --columns (classifiers on the Explain "
                "page and the explain command leave it out).",
                column=name,
            )
        )
    if col.max_len > LONG_CELL and col.text is not None:
        lengths = np.array([len(v) if v else 0 for v in col.text])
        pos = np.flatnonzero(lengths > LONG_CELL)
        out.append(
            Finding(
                "warning",
                "long_cells",
                f"{source}: column {name!r} has cells longer than {LONG_CELL} "
                f"characters ({where.text(pos)}); free text is not used by the "
                "learners. Check for a missing delimiter or quote.",
                column=name,
                rows=where.ids(pos),
            )
        )
    return out


def _grouping_finding(col: _Column, source: str, where: _RowNamer) -> Finding:
    """Say that numbers written with thousands separators were read as numbers."""
    pos = col.regrouped
    assert pos is not None and col.text is not None and col.values is not None
    first = int(pos[0])
    return Finding(
        "warning",
        "thousands_separators",
        f"{source}: column {col.name!r} has {pos.size} number(s) written with "
        f"thousands separators ({where.text(pos)}), read without them: "
        f"{col.text[first]!r} as {col.values[first]:g}. If the commas are decimal "
        "marks there, save the file with ';' between fields (or with '.' decimals) "
        "and upload it again.",
        column=col.name,
        rows=where.ids(pos),
    )


# Cells that are numbers in another form; a text column whose every cell is one
# is said (percent_values, date_values), never converted.
_NUMBER_TEXT = r"[+-]?(\d+([.,]\d*)?|[.,]\d+)"
_PERCENT = re.compile(_NUMBER_TEXT + r"\s?%")
_PERCENT_OR_NUMBER = re.compile(_NUMBER_TEXT + r"(\s?%)?")
_DAY = r"(0?[1-9]|[12]\d|3[01])"
_MONTH = r"(0?[1-9]|1[0-2])"
_DATE = re.compile(
    # 2024-01-31 (also with / or .), 31/01/2024 or 01/31/24, 31.01.2024
    rf"(\d{{4}}([-/.]){_MONTH}\2{_DAY}|{_DAY}/{_DAY}/(\d{{4}}|\d{{2}})"
    rf"|{_DAY}\.{_DAY}\.\d{{4}})"
    # a time of day, seconds and a time zone optional
    r"([T ]([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?"
)
# The three numbers of a date that _DATE matched.
_DATE_PARTS = re.compile(r"(\d+)[-/.](\d+)[-/.](\d+)")
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _text_as_numbers(info: ColumnInfo, col: _Column, source: str) -> list[Finding]:
    """A ``percent_values`` or ``date_values`` warning for a text column whose
    every value is a percentage (``37%``), a number (some of them percentages:
    ``37%``, ``40``), or a real calendar date (``2024-01-31``, ``31.01.2024``).

    They are kept as text (a categorical column): converting them would change
    what the user's file says without being asked. The message says what the
    values look like, what the analyses do with the column, and what to do.
    """
    if col.values is not None or col.text is None:
        return []
    present = col.text[~col.missing]
    cells = pd.Series(pd.unique(present), dtype=object).astype(str)
    if not cells.size:
        return []
    example = cells.iloc[0]
    if _PERCENT_OR_NUMBER.fullmatch(example) is None:
        percent = pd.Series(False, index=cells.index)
    else:
        percent = cells.str.fullmatch(_PERCENT)
    if percent.all():
        what, code, advice = f"percentages ({example!r}, ...)", "percent_values", ""
    elif percent.any() and cells.str.fullmatch(_PERCENT_OR_NUMBER).all():
        n_percent = int(pd.Series(present, dtype=object).isin(cells[percent]).sum())
        n_plain = present.size - n_percent
        what = (
            f"numbers, {n_percent} with '%' ({cells[percent].iloc[0]!r}, ...) and "
            f"{n_plain} without ({cells[~percent].iloc[0]!r}, ...)"
        )
        code = "percent_values"
        advice = "A number without '%' there may be a percentage or a fraction. "
    elif (
        _DATE.fullmatch(example) is not None
        and cells.str.fullmatch(_DATE).all()
        and _real_dates(cells)
    ):
        what, code, advice = f"dates ({example!r}, ...)", "date_values", ""
    else:
        return []
    return [
        Finding(
            "warning",
            code,
            f"{source}: column {info.name!r} holds {what}, read as text: a "
            f"categorical column with {info.n_unique} distinct value(s), not "
            f"numbers. {advice}{_TEXT_NUMBER_ADVICE[code]}.",
            column=info.name,
        )
    ]


_TEXT_NUMBER_ADVICE = {
    "percent_values": (
        "To use them as numbers, save them all as plain numbers in one unit (37 or "
        "0.37 rather than 37%) and upload the file again; else leave the column out"
    ),
    "date_values": (
        "As text, causal discovery leaves it out, and a classifier or graph "
        "learning takes its distinct dates as categories (when they are few), "
        "blind to their order. To use them as numbers, save a numeric encoding of "
        "the dates (the year, or the days since a start date) and upload the file "
        "again; if a date only orders the rows, leave the column out"
    ),
}


def _real_dates(cells: pd.Series) -> bool:
    """Whether every cell (str, matched by ``_DATE``) is a real calendar date:
    year, month, day when the year comes first, else day and month in either
    order (31/01/2024 or 01/31/2024; 13/13/2024 and 31.04.2024 are no dates).
    A two-digit year is taken as 20yy (for 29 February)."""
    found = {m.groups() for m in map(_DATE_PARTS.match, cells) if m is not None}
    year_first = np.array([len(g[0]) == 4 for g in found])
    parts = np.array([[int(x) for x in g] for g in found]).reshape(-1, 3)
    year = np.where(year_first, parts[:, 0], parts[:, 2])
    year = np.where(year < 100, year + 2000, year)
    first = np.where(year_first, parts[:, 1], parts[:, 0])  # month or day
    second = np.where(year_first, parts[:, 2], parts[:, 1])
    as_month_day = _is_date(year, first, second)
    as_day_month = ~year_first & _is_date(year, second, first)
    return bool((as_month_day | as_day_month).all())


def _is_date(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each ``(year, month, day)`` is a calendar date.

    Parameters
    ----------
    year, month, day : ndarray of shape (n,)
        Integers.

    Returns
    -------
    ndarray of shape (n,), bool
    """
    valid = (month >= 1) & (month <= 12) & (day >= 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = _MONTH_DAYS[np.clip(month, 0, 12)] + (leap & (month == 2))
    return valid & (day <= days)


def _mixed_finding(col: _Column, source: str, where: _RowNamer) -> Finding:
    assert col.text is not None
    shown = ", ".join(repr(str(col.text[p])[:20]) for p in col.bad[:3])
    return Finding(
        "warning",
        "mixed_types",
        f"{source}: column {col.name!r} is numeric but {col.bad.size} cell(s) are not "
        f"numbers ({shown} at {where.text(col.bad, 3)}); they are read as missing "
        "values. Fix those cells or mark them as NA.",
        column=col.name,
        rows=where.ids(col.bad),
    )


def _table_findings(
    frame: pd.DataFrame, columns: list[ColumnInfo], source: str
) -> list[Finding]:
    out: list[Finding] = []
    n, d = frame.shape
    if n < MIN_ROWS:
        out.append(
            Finding(
                "error",
                "too_few_rows",
                f"{source}: the table has {n} data row(s); at least {MIN_ROWS} are "
                "needed (use a few hundred for meaningful results).",
            )
        )
    elif n < FEW_ROWS:
        out.append(
            Finding(
                "warning",
                "few_rows",
                f"{source}: only {n} data rows; estimates will be very noisy. Use a "
                "few hundred rows if you can.",
            )
        )
    if d > MAX_COLUMNS:
        out.append(
            Finding(
                "error",
                "too_many_columns",
                f"{source}: {d} columns is more than the {MAX_COLUMNS} this app "
                "handles; select the columns you need before loading the file.",
            )
        )
    elif d > WIDE_COLUMNS:
        out.append(
            Finding(
                "warning",
                "many_columns",
                f"{source}: {d} columns; DAG learning and exact values grow quickly "
                "with the number of columns. Select a subset for those analyses.",
            )
        )
    if d and not any(c.kind == "numeric" for c in columns):
        out.append(
            Finding(
                "warning",
                "no_numeric_columns",
                f"{source}: no column holds numbers; the learners need numeric "
                "columns (categorical ones can be one-hot encoded).",
            )
        )
    if d == 1:
        out.append(
            Finding(
                "warning",
                "single_column",
                f"{source}: only one column was found; if the file uses another "
                "delimiter, check that it is ',', ';', tab or '|'.",
            )
        )
    return out


def _is_number(token: str) -> bool:
    try:
        float(token.strip().replace(",", "."))
    except ValueError:
        return False
    return bool(token.strip())


def default_nodes(frame: pd.DataFrame, label: object = None) -> list[object]:
    """The columns a DAG is learned on by default: the numeric ones, except the
    label column, row identifiers (:func:`looks_like_identifier`) and columns
    with fewer than two distinct values (constant or empty), which
    :func:`to_matrix` leaves out anyway.

    Parameters
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_columns)
    label : column name, optional
        The label column (a classifier's target), never a node by default.

    Returns
    -------
    list
        Column names, in the frame's order.

    Examples
    --------
    >>> frame = pd.DataFrame(
    ...     {"id": range(12), "a": [1.5, 2.0] * 6, "k": 3, "y": 0, "t": "x"}
    ... )
    >>> default_nodes(frame, label="y")
    ['a']
    """
    return [
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c])
        and c != label
        and frame[c].nunique(dropna=True) > 1
        and not looks_like_identifier(frame[c])
    ]


def looks_like_identifier(column: pd.Series) -> bool:
    """Whether a column holds row identifiers, by the rule of the data report.

    Every value present and distinct, and either the name looks like an id
    (``id``, ``index``, ``patient_id``, ``row_no``, pandas' ``Unnamed: 0``, ...)
    or, from 10 rows on, the numbers 0 (or 1), 1, 2, ... in row order (a saved
    row index), or text. Such a column is left out of the numeric matrix unless
    it is asked for by name, and is never a feature or a node by default: a row
    number of a table sorted by class predicts the class.

    Parameters
    ----------
    column : pandas.Series of shape (n_rows,)

    Returns
    -------
    bool

    Examples
    --------
    >>> looks_like_identifier(pd.Series(range(12), name="column_1"))
    True
    >>> looks_like_identifier(pd.Series([3.1, 2.0, 5.5], name="x"))
    False
    """
    name, n = str(column.name), len(column)
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype=float)
        return _looks_like_id_numbers(name, values[np.isfinite(values)], n)
    present = column.dropna()
    return _looks_like_id_text(name, int(present.nunique()), len(present))


def _identifier_reason(name: str, values: np.ndarray | None) -> str:
    """Why a column was taken for row identifiers, by the rule that took it
    (:func:`_looks_like_id_numbers`, :func:`_looks_like_id_text`); ``values``
    are its numbers, None for a text column."""
    if _ID_NAME.search(name.strip()):
        return "named like an id, and every value distinct"
    if values is not None:
        # the rule took whole numbers from 0 or 1 up by one per row
        first, last = int(values[0]), int(values[-1])
        return (
            f"every value distinct: the whole numbers {first}, {first + 1}, ..., "
            f"{last} in row order, as a saved row number"
        )
    return "every value distinct text, as names, codes or dates are"


def _looks_like_id_numbers(name: str, valid: np.ndarray, n: int) -> bool:
    if n < 3 or valid.size < n:
        return False
    if not np.all(valid == np.round(valid)) or np.unique(valid).size != valid.size:
        return False
    if _ID_NAME.search(name.strip()):
        return True
    # a saved row index: 0, 1, ..., n - 1 or 1, ..., n in row order (a year
    # column counting up from 1980 is a measurement)
    return bool(n >= 10 and valid[0] in (0, 1) and np.all(np.diff(valid) == 1))


def _looks_like_id_text(name: str, n_unique: int, n_present: int) -> bool:
    if n_unique != n_present or n_present < 3:
        return False
    return bool(_ID_NAME.search(name.strip())) or n_present >= 10


# --- numeric matrices ---


@dataclass(frozen=True)
class MatrixRecord:
    """What :func:`to_matrix` did to turn a frame into a matrix.

    Attributes
    ----------
    kept_rows : ndarray of shape (n_kept,), int64
        Positions (0-based) of the frame rows that are in the matrix; use them to
        align a target column: ``y = frame[target].to_numpy()[record.kept_rows]``.
    dropped_rows : ndarray of shape (n_dropped,), int64
        Positions of the rows removed for missing or infinite values.
    dropped_columns : dict of str to str
        Column name -> reason (``"identifier"``, ``"constant"``, ``"categorical"``,
        ``"empty"``, ``"excluded"``).
    encoded_columns : dict of str to tuple of str
        Categorical column -> its one-hot columns (``"name=level"``, all levels but
        the first, which is the reference).
    imputed : dict of str to int
        Column -> number of cells filled (``missing="mean"``): with the column
        mean, or, for a one-hot encoded text column (keyed by its own name), with
        its most common value.
    missing, categorical, scale : str
        The policies used.
    means : ndarray of shape (n_features,), float64
        Column means subtracted (zeros when ``scale="none"``).
    scales : ndarray of shape (n_features,), float64
        Column standard deviations divided by (ones unless ``"standardize"``).
    filled_with : dict of str to str
        Text column -> the value its empty cells took (:func:`most_common_text`).
    """

    kept_rows: np.ndarray
    dropped_rows: np.ndarray
    dropped_columns: dict[str, str]
    encoded_columns: dict[str, tuple[str, ...]]
    imputed: dict[str, int]
    missing: str
    categorical: str
    scale: str
    means: np.ndarray
    scales: np.ndarray
    filled_with: dict[str, str] = field(default_factory=dict)

    def summary(self) -> list[str]:
        """One plain sentence per action taken.

        Columns the caller excluded (a target, say) are not mentioned: the user
        chose them, so a note about them only adds noise.
        """
        out = []
        if self.dropped_rows.size:
            out.append(
                f"dropped {self.dropped_rows.size} row(s) with missing or infinite "
                "values"
            )
        for col, n in self.imputed.items():
            if col in self.filled_with:
                out.append(filled_text_line(col, n, self.filled_with[col]))
            else:
                out.append(f"imputed {n} value(s) of {col!r} with the column mean")
        for col, why in self.dropped_columns.items():
            if why != "excluded":
                out.append(f"left out {col!r} ({why})")
        for col, new in self.encoded_columns.items():
            out.append(f"one-hot encoded {col!r} into {len(new)} column(s)")
        if self.scale != "none":
            out.append(
                "centred every column"
                if self.scale == "center"
                else "standardised every column (mean 0, standard deviation 1)"
            )
        return out


class MatrixData(NamedTuple):
    """What :func:`to_matrix` returns: ``X, names, record = to_matrix(frame)``."""

    X: np.ndarray
    names: list[str]
    record: MatrixRecord


def to_matrix(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    missing: Literal["drop", "mean"] = "drop",
    categorical: Literal["drop", "onehot"] = "drop",
    scale: Literal["none", "center", "standardize"] = "none",
) -> MatrixData:
    """Convert a table to the float matrix the learners take.

    Parameters
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        The table, e.g. from :func:`read_table` or ``load_sample(...).frame``.
    columns : sequence of str, optional
        Columns to use, in this order. Default: every column except identifiers,
        empty and constant ones (and categorical ones unless ``"onehot"``).
    exclude : sequence of str, optional
        Columns to leave out, e.g. the target label.
    missing : {"drop", "mean"}, default="drop"
        Rows with a missing or infinite value are dropped, or such cells get the
        column mean; an empty cell of a one-hot encoded text column gets the
        column's most common value (:func:`most_common_text`), as the ``explain``
        command and the Explain page fill it.
    categorical : {"drop", "onehot"}, default="drop"
        Non-numeric columns are left out, or one-hot encoded (first level is the
        reference and gets no column).
    scale : {"none", "center", "standardize"}, default="none"
        Subtract column means, and divide by standard deviations (ddof=0).

    Returns
    -------
    MatrixData
        ``X`` ndarray of shape (n_kept, n_features) float64, ``names`` list of
        n_features str, ``record`` :class:`MatrixRecord`.

    Raises
    ------
    DataError
        Unknown columns, no usable column, or no row left.
    ConfigError
        A policy not among the choices.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1.0, 2.0, None], "b": ["x", "y", "x"]})
    >>> X, names, record = to_matrix(frame, categorical="onehot")
    >>> names, X.tolist(), record.dropped_rows.tolist()
    (['a', 'b=y'], [[1.0, 0.0], [2.0, 1.0]], [2])
    """
    check_choice("to_matrix", "missing", missing, ("drop", "mean"))
    check_choice("to_matrix", "categorical", categorical, ("drop", "onehot"))
    check_choice("to_matrix", "scale", scale, ("none", "center", "standardize"))
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"to_matrix: expected a DataFrame; got {type(frame).__name__}.")
    report, parsed = _describe(frame, "to_matrix", None, (), ".", None)
    selected, dropped = _select_columns(frame, report, columns, exclude, categorical)
    blocks, names, encoded, filled = _encode(
        {c.name: c for c in parsed}, selected, missing
    )
    if not names:
        raise DataError(
            "to_matrix: no usable column is left "
            f"({', '.join(f'{c}: {r}' for c, r in dropped.items()) or 'empty table'}); "
            "select numeric columns, or one-hot encode the categorical ones "
            "(categorical='onehot'; on the command line encode them as numbers in "
            "the file)."
        )
    X = np.column_stack(blocks).astype(np.float64)  # (n, p)
    X[~np.isfinite(X)] = np.nan
    X, kept, dropped_rows, imputed = apply_missing(X, names, missing)
    imputed = {**{c: n for c, (_, n) in filled.items()}, **imputed}
    check_variance(X, names, "to_matrix")
    X, means, scales = _apply_scale(X, scale)
    record = MatrixRecord(
        kept_rows=kept,
        dropped_rows=dropped_rows,
        dropped_columns=dropped,
        encoded_columns=encoded,
        imputed=imputed,
        missing=missing,
        categorical=categorical,
        scale=scale,
        means=means,
        scales=scales,
        filled_with={c: value for c, (value, _) in filled.items()},
    )
    return MatrixData(X, names, record)


def _select_columns(
    frame: pd.DataFrame,
    report: DataReport,
    columns: Sequence[str] | None,
    exclude: Sequence[str],
    categorical: str,
) -> tuple[list[str], dict[str, str]]:
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise DataError(f"to_matrix: column names must be unique; repeated: {dup}.")
    asked = list(exclude) + (list(columns) if columns is not None else [])
    unknown = [c for c in asked if c not in names]
    if unknown:
        raise DataError(
            f"to_matrix: unknown column(s) {unknown}; the table has "
            f"{format_names(names)}."
        )
    info = {c.name: c for c in report.columns}
    dropped: dict[str, str] = {c: "excluded" for c in exclude}
    chosen = [
        c for c in (columns if columns is not None else names) if c not in exclude
    ]
    explicit = columns is not None
    selected = []
    for c in chosen:
        reason = _drop_reason(info[c], categorical, explicit)
        if reason:
            dropped[c] = reason
        else:
            selected.append(c)
    return selected, dropped


def _drop_reason(info: ColumnInfo, categorical: str, explicit: bool) -> str | None:
    if info.kind == "empty":
        return "empty"
    if info.is_constant:
        return "constant"
    if info.kind == "identifier" and not explicit:
        return "identifier"
    numeric_like = info.kind == "numeric" or (
        info.kind == "identifier" and info.dtype.startswith("float")
    )
    if not numeric_like and categorical == "drop":
        return "categorical"
    return None


def _encode(
    parsed: dict[str, _Column], selected: list[str], missing: str
) -> tuple[
    list[np.ndarray],
    list[str],
    dict[str, tuple[str, ...]],
    dict[str, tuple[str, int]],
]:
    """The numeric blocks of the ``selected`` columns, text ones one-hot encoded.

    Returns the blocks, their column names, the encoded columns and, with
    ``missing="mean"``, each text column whose empty cells took its most common
    value: ``{column: (value, n_cells)}``. An empty text cell is otherwise NaN in
    every dummy (:func:`apply_missing` drops its row).
    """
    blocks: list[np.ndarray] = []
    names: list[str] = []
    encoded: dict[str, tuple[str, ...]] = {}
    filled: dict[str, tuple[str, int]] = {}
    for c in selected:
        col = parsed[c]
        if col.values is not None:
            blocks.append(col.values[:, None])
            names.append(c)
            continue
        assert col.text is not None
        text, gaps = col.text, col.missing
        top = most_common_text(text[~gaps]) if missing == "mean" else None
        if top is not None and gaps.any():
            text = np.where(gaps, top, text)
            filled[c] = (top, int(gaps.sum()))
            gaps = np.zeros_like(gaps)
        levels = sorted({str(v) for v in text[~gaps]})
        new = tuple(f"{c}={lv}" for lv in levels[1:])
        block = np.column_stack([(text == lv).astype(np.float64) for lv in levels[1:]])
        block[gaps] = np.nan
        blocks.append(block)
        names.extend(new)
        encoded[c] = new
    return blocks, names, encoded, filled


def most_common_text(values: Any) -> str | None:
    """The most frequent value as text; the first in sorted order on a tie.

    The value a missing-value choice of ``"mean"`` gives an empty text cell, in
    :func:`to_matrix` and for the Explain page's and ``explain`` command's
    features (:func:`engine.values.table_models.missing_text`).

    Parameters
    ----------
    values : array-like of shape (n,)
        The column's non-missing values.

    Returns
    -------
    str or None
        ``None`` when there is no value.

    Examples
    --------
    >>> most_common_text(["b", "a", "b", "a", "c"])
    'a'
    """
    counts = pd.Series(np.asarray(values, dtype=object)).astype(str).value_counts()
    if counts.empty:
        return None
    return str(sorted(counts.index[counts == counts.max()])[0])


def filled_text_line(column: str, n_cells: int, value: str) -> str:
    """The sentence that says empty text cells took the column's most common value.

    Examples
    --------
    >>> filled_text_line("c", 2, "a")
    "filled 2 empty cell(s) of 'c' with its most common value, 'a'"
    """
    return (
        f"filled {n_cells} empty cell(s) of {column!r} with its most common value, "
        f"{value!r}"
    )


def overflowing_columns(X: np.ndarray) -> np.ndarray:
    """Columns whose variance is not a finite float64: their values are too large.

    The learners work with centred second moments (a DAG's residual variances,
    a classifier's standardisation, a kNN graph's distances); a column of values
    around 1e200 turns them into ``inf`` or ``NaN`` and the fit fails deep inside
    or returns nonsense. Missing and infinite cells are ignored.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_columns)
        Numbers; NaN and infinite cells are skipped.

    Returns
    -------
    ndarray of int
        Positions of the columns whose centred sum of squares overflows.

    Examples
    --------
    >>> overflowing_columns(np.array([[1.0, 1e300], [2.0, -1e300]])).tolist()
    [1]
    """
    squares, _ = _centred_squares(X)
    return np.flatnonzero(~np.isfinite(squares))


def _centred_squares(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column: the centred sum of squares (n_columns,) and the number of
    finite cells (n_columns,), NaN and infinite cells skipped."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    finite = np.isfinite(X)
    Z = np.where(finite, X, 0.0)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        mean = Z.sum(axis=0) / np.maximum(finite.sum(axis=0), 1)
        centred = np.where(finite, Z - mean, 0.0)
        squares = np.einsum("ij,ij->j", centred, centred)
    return squares, finite.sum(axis=0)


def underflowing_columns(X: np.ndarray) -> np.ndarray:
    """Columns that vary but whose variance is 0 or subnormal: values too small.

    Around 1e-155 and below, squares lose their digits, so a column that varies
    gets no usable variance, regression weight or distance. A constant column
    (variance exactly 0, no two values differ) is not one of them. Missing and
    infinite cells are ignored.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_columns)

    Returns
    -------
    ndarray of int
        Positions of those columns.

    Examples
    --------
    >>> underflowing_columns(np.array([[1.0, 1e-170, 0.0], [2.0, 3e-170, 0.0]]))
    array([1])
    """
    squares, counts = _centred_squares(X)
    if squares.size == 0:
        return np.zeros(0, dtype=np.int64)
    Z = np.asarray(X, dtype=np.float64)
    finite = np.isfinite(Z)
    high = np.where(finite, Z, -np.inf).max(axis=0)
    low = np.where(finite, Z, np.inf).min(axis=0)
    varies = (counts > 1) & (high > low)
    with np.errstate(under="ignore"):
        variance = squares / np.maximum(counts, 1)
    return np.flatnonzero(varies & (variance < np.finfo(np.float64).tiny))


def check_variance(X: np.ndarray, names: Sequence[str], owner: str) -> None:
    """Refuse columns whose values are too large or too small for a variance.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_columns)
        The matrix a learner is about to take.
    names : sequence of str
        Its column names, in order.
    owner : str
        The caller, named in the message.

    Raises
    ------
    DataError
        Some column's centred sum of squares overflows float64
        (:func:`overflowing_columns`), or a column that varies has a variance
        of 0 or a subnormal number (:func:`underflowing_columns`); the message
        names the columns, their largest ``|value|`` and how to rescale them.
    """
    bad = overflowing_columns(X)
    if bad.size:
        largest = _largest_abs(X, bad)
        raise DataError(
            f"{owner}: column(s) {format_names([names[j] for j in bad], 5)} hold "
            f"values too large for their variance to be a finite number (largest "
            f"|value| {largest:.3g}); rescale them first (e.g. divide by a power "
            "of ten or change their units), or leave them out."
        )
    small = underflowing_columns(X)
    if small.size:
        largest = _largest_abs(X, small)
        factor = 10.0 ** -math.floor(math.log10(largest))
        raise DataError(
            f"{owner}: column(s) {format_names([names[j] for j in small], 5)} hold "
            "values so small that their squares underflow float64 (variance 0 or "
            f"subnormal; largest |value| {largest:.3g}), so no variance or weight "
            f"can be computed; multiply them by a power of ten (e.g. {factor:.0e}) "
            "or change their units, or leave them out."
        )


def _largest_abs(X: np.ndarray, columns: np.ndarray) -> float:
    """The largest finite ``|value|`` of ``X``'s ``columns``."""
    sub = np.asarray(X, dtype=np.float64)[:, columns]
    return float(np.abs(np.where(np.isfinite(sub), sub, 0.0)).max())


def apply_missing(
    X: np.ndarray, names: list[str], missing: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Drop the rows with a NaN, or fill each NaN with its column's mean.

    Shared by :func:`to_matrix` and the classifier features of
    :func:`engine.values.prepare_features`.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_columns), float64
        Missing and infinite cells already NaN; filled in place for ``"mean"``.
    names : list of str, length n_columns
        Column names, for messages and the ``imputed`` counts.
    missing : {"drop", "mean"}
        The policy.

    Returns
    -------
    X : ndarray of shape (n_kept, n_columns)
    kept_rows, dropped_rows : ndarray of int64
        Positions of the kept and of the dropped rows.
    imputed : dict of str to int
        Cells filled per column (``"mean"`` only).

    Raises
    ------
    DataError
        No complete row (``"drop"``), or a column without a finite value
        (``"mean"``).
    """
    bad = np.isnan(X)
    imputed: dict[str, int] = {}
    if missing == "drop":
        keep = ~bad.any(axis=1)
        if not keep.any():
            raise DataError(
                "to_matrix: every row has a missing or infinite value in the "
                "selected columns; fill them with the column mean (missing='mean', "
                "on the command line --missing mean) or select other columns."
            )
        return X[keep], np.flatnonzero(keep), np.flatnonzero(~keep), imputed
    for j in np.flatnonzero(bad.any(axis=0)):
        col = X[:, j]
        if bad[:, j].all():
            raise DataError(
                f"to_matrix: column {names[j]!r} has no finite value to impute from; "
                "leave it out."
            )
        col[bad[:, j]] = col[~bad[:, j]].mean()
        imputed[names[j]] = int(bad[:, j].sum())
    n = X.shape[0]
    return X, np.arange(n), np.zeros(0, dtype=np.int64), imputed


def _apply_scale(
    X: np.ndarray, scale: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = X.shape[1]
    means = np.zeros(p)
    scales = np.ones(p)
    if scale in ("center", "standardize"):
        means = X.mean(axis=0)
        X = X - means
    if scale == "standardize":
        sd = X.std(axis=0)
        scales = np.where(sd > 0, sd, 1.0)
        X = X / scales
    return X, means, scales
