"""``python -m engine data ...``: inspect tables before fitting anything.

``data describe FILE`` prints the validation report of a CSV/TSV file (delimiter,
encoding, per-column kinds and counts, findings). It exits with status 0 when the
table is usable, 1 when the report has errors (``--no-strict``), and 2 with one
line on stderr when the file cannot be read at all. ``data samples`` lists the
bundled data sets.
"""

from __future__ import annotations

import argparse
import math
import sys

from engine.commands import (
    add_header_option,
    check_readable,
    header_of,
    refuse_repeats,
)
from engine.data import MAX_BYTES, read_table
from engine.results import dumps_strict
from engine.samples import list_samples, load_sample

__all__ = ["register", "run_describe", "run_samples"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``data`` command and its subcommands."""
    parser = subparsers.add_parser(
        "data", help="inspect tables: validation report, bundled samples"
    )
    sub = parser.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    describe = sub.add_parser(
        "describe",
        help="print the validation report of a CSV/TSV file",
        description=(
            "Parse a CSV/TSV file as data (delimiter and encoding sniffed) and print "
            "its validation report. Exit status: 0 usable, 1 report has errors "
            "(with --no-strict), 2 unreadable."
        ),
    )
    refuse_repeats(describe)
    describe.add_argument("file", help="path of the CSV or TSV file")
    describe.add_argument(
        "--max-mb",
        type=_size_mb,
        default=MAX_BYTES / 10**6,
        help="size limit in MB of 10**6 bytes (default %(default)g)",
    )
    describe.add_argument(
        "--delimiter",
        type=_delimiter,
        help="force a delimiter instead of sniffing (one character; 'tab' for tab)",
    )
    add_header_option(describe)
    describe.add_argument(
        "--json", action="store_true", help="print the report as JSON instead of text"
    )
    describe.add_argument(
        "--no-strict",
        dest="strict",
        action="store_false",
        help="print the full report even when it has errors (exit status 1)",
    )
    describe.set_defaults(func=run_describe)
    samples = sub.add_parser("samples", help="list the bundled sample data sets")
    samples.set_defaults(func=run_samples)
    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    """``structure-lab data`` without a subcommand: its usage and one error line,
    on stderr (stdout stays for output a script reads), and status 2."""
    parser.print_usage(sys.stderr)
    sys.stderr.write(
        f"error: {parser.prog}: choose a subcommand, 'describe FILE' or 'samples' "
        f"(see {parser.prog} --help)\n"
    )
    return 2


def _size_mb(text: str) -> float:
    """``--max-mb``: a positive, finite number of MB (argparse reports the error)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(
            f"must be a positive number of MB, e.g. 50; got {text!r}"
        )
    return value


def _delimiter(text: str) -> str:
    """``--delimiter``: one character; ``tab`` or ``\\t`` for a tab."""
    if text in ("tab", "\\t"):
        return "\t"
    if len(text) != 1 or text in '"\r\n':
        raise argparse.ArgumentTypeError(
            "must be one character other than a quote or a line break, e.g. ';' or "
            f"'tab'; got {text!r}"
        )
    return text


def run_describe(args: argparse.Namespace) -> int:
    """Print the report; DataError propagates to the CLI's one-line handler."""
    check_readable("data describe", "the file", args.file)
    _, report = read_table(
        args.file,
        max_bytes=max(1, math.ceil(args.max_mb * 10**6)),
        delimiter=args.delimiter,
        strict=args.strict,
        header=header_of(args),
    )
    if args.json:
        import dataclasses

        sys.stdout.write(dumps_strict(dataclasses.asdict(report), indent=1) + "\n")
    else:
        sys.stdout.write(report.format() + "\n")
    return 0 if report.usable else 1


def run_samples(args: argparse.Namespace) -> int:
    """List the sample names with their shapes and descriptions."""
    for name in list_samples():
        s = load_sample(name)
        n, d = s.frame.shape
        kind = f"target {s.target!r}" if s.target else "true DAG"
        if s.target is None and s.truth is None:
            kind = "no label"
        sys.stdout.write(f"{name:<16} {n:>5} x {d:<3} {kind:<18} {s.description}\n")
    return 0
