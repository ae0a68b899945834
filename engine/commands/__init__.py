"""Subcommands of ``python -m engine``; each module defines ``register(subparsers)``.

This module also holds what the subcommands share: refusing an option given twice
(:func:`refuse_repeats`, :func:`given_twice`), checking the input files of
options and ``--out`` before any work, the notes written to stderr when the data
is changed on its way to the learners (:func:`write_table_notes`), and the
throttled progress log of ``-v`` (:class:`ProgressLog`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from engine.data import MISSING_HANDLING, DataReport, Finding, MatrixRecord
from engine.errors import ConfigError
from engine.runtime import ProgressEvent, resolve_device

__all__ = [
    "HEADER_CHOICES",
    "ProgressLog",
    "add_fit_anyway_option",
    "add_header_option",
    "check_device",
    "check_in_file",
    "check_label",
    "check_out",
    "check_readable",
    "discard_notes",
    "flush_notes",
    "given_twice",
    "header_of",
    "in_flag_words",
    "left_out_reason",
    "progress_log",
    "refuse_repeats",
    "write_note",
    "write_out",
    "write_table_notes",
]

# report findings that already say a column is left out of the matrix
_DROP_CODES = frozenset({"constant_column", "identifier_column", "empty_column"})


def given_twice(option: str, first: str, second: str, fix: str = "keep one") -> str:
    """The words for an option given twice, where the last one would win.

    Parameters
    ----------
    option : str
        The option, e.g. ``"--target"`` or ``"--option max_iter"``.
    first, second : str
        What each occurrence gave, as typed.
    fix : str, default="keep one"
        What to do instead.

    Returns
    -------
    str
        ``'OPTION' is given twice ('FIRST' and 'SECOND'); FIX.``
    """
    return f"'{option}' is given twice ({first!r} and {second!r}); {fix}."


def in_flag_words(command: str, message: str, flags: Mapping[str, str]) -> str:
    """An engine message about an option, in the words of a command line.

    The engine's messages name its parameters (``'seed' must lie in ...``), some
    after an owner (``LdsConfig: 'tau' ...``); a command's error names the flag
    the user typed, after the command.

    Parameters
    ----------
    command : str
        The subcommand, put first.
    message : str
        The engine's message.
    flags : mapping of str to str
        Parameter name to flag, e.g. ``{"seed": "--seed"}``.

    Returns
    -------
    str
        ``COMMAND: ...`` with each quoted parameter name replaced by its flag.

    Examples
    --------
    >>> in_flag_words("explain", "'seed' must be >= 0; got -3.", {"seed": "--seed"})
    "explain: '--seed' must be >= 0; got -3."
    """
    owner, sep, rest = message.partition(": ")
    text = rest if sep and owner.isidentifier() else message
    for name, flag in flags.items():
        text = text.replace(f"'{name}'", f"'{flag}'")
    return f"{command}: {text}"


class _Once(argparse.Action):
    """``store``, but a second occurrence of the option is a usage error.

    argparse keeps the last value of a repeated option, so ``--target a --target
    b`` quietly used ``b``. The options already seen are kept on the namespace
    (``_given``), so that every parse starts afresh.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given: dict[str, Any] = namespace.__dict__.setdefault("_given", {})
        if self.dest in given and option_string is not None:
            option = max(self.option_strings, key=len)  # not an abbreviation
            first, second = _as_typed(given[self.dest]), _as_typed(values)
            fix = "keep one"
            if self.nargs in ("+", "*"):
                fix = f"give all the values after one {option}"
            parser.error(given_twice(option, first, second, fix))
        given[self.dest] = values
        setattr(namespace, self.dest, values)


def _as_typed(values: Any) -> str:
    """An option's parsed value(s) as the user typed them (lists space-separated)."""
    if isinstance(values, list):
        return " ".join(str(v) for v in values)
    return str(values)


HEADER_CHOICES = {"auto": None, "yes": True, "no": False}
"""``--header`` words and the ``header`` of :func:`engine.data.read_table`."""


def add_header_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--header {auto,yes,no}``: whether the file's first line holds the
    column names; ``args.header`` is then ``read_table``'s ``header``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A subcommand's parser that reads a table with ``read_table``.
    """
    parser.add_argument(
        "--header",
        choices=list(HEADER_CHOICES),
        default="auto",
        help="whether the first line holds the column names: auto (default: a "
        "line of numbers only is read as data), yes (even when the names look "
        "like numbers) or no (it is data; columns named column_1, ...)",
    )


def add_fit_anyway_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--fit-anyway``, which lets :func:`check_label` pass a refused label.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    """
    parser.add_argument(
        "--fit-anyway",
        action="store_true",
        help="learn a --target that looks continuous (decimal numbers with more "
        "than 10 distinct values) or makes nearly one class per row (more than "
        "10 distinct values, more than half as many as its labelled rows), each "
        "value a class of its own; refused without it",
    )


def check_label(
    command: str, frame: Any, labels: Any, args: argparse.Namespace, verb: str
) -> None:
    """Refuse a ``--target`` that :func:`engine.validation.label_refusal`
    refuses (the pages' rule) unless ``--fit-anyway`` is given; say when
    ``--fit-anyway`` is given for nothing.

    Parameters
    ----------
    command : str
        The subcommand, which starts the message.
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        The table, ``--target`` among its columns (another column of class
        labels is suggested from it).
    labels : pandas.Series of shape (n_rows,)
        The labels the command learns from, missing for unlabelled rows.
    args : argparse.Namespace
        The command line (``target``, ``fit_anyway``).
    verb : str
        What the command does with the label ("train", "fit").

    Raises
    ------
    DataError
        Naming ``--target``, what it holds, a column of class labels to choose
        when one looks like that, and ``--fit-anyway``.
    """
    import shlex

    from engine.errors import DataError
    from engine.validation import guess_label_column, label_refusal

    why = label_refusal(labels)
    if args.fit_anyway and why is None:
        write_note(
            command,
            f"'--fit-anyway' is not used: the label column {args.target!r} neither "
            "looks continuous nor makes nearly every row a class of its own.",
        )
    if why is None or args.fit_anyway:
        return
    other = guess_label_column(frame.drop(columns=args.target), numeric=True)
    hint = "" if other is None else f" (e.g. --target {shlex.quote(other)})"
    raise DataError(
        f"{command}: '--target' {args.target!r} {why}; pick a column of class "
        f"labels with --target{hint}, or pass --fit-anyway to {verb} one class "
        "per value."
    )


def header_of(args: argparse.Namespace) -> bool | None:
    """``read_table``'s ``header`` for the ``--header`` of ``args``."""
    return HEADER_CHOICES[getattr(args, "header", "auto")]


def refuse_repeats(parser: argparse.ArgumentParser) -> None:
    """Make every plain option added to ``parser`` from now on refuse a repeat.

    Options with ``action="store"`` (the default) keep argparse's parsing and
    error with :func:`given_twice` when given a second time; repeatable
    actions (``append``) and flags (``store_true``) are unchanged. Call it right
    after creating a subcommand's parser, before its ``add_argument`` calls.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A subcommand's parser.
    """
    parser.register("action", None, _Once)
    parser.register("action", "store", _Once)


def check_device(command: str, device: str) -> None:
    """Refuse a ``--device`` that is no device name or is not available, in the
    command's words (``--device cpu``, not the library's ``device='cpu'``).

    Parameters
    ----------
    command : str
        The subcommand, named in the message instead of ``resolve_device``.
    device : str
        The ``--device`` argument.

    Raises
    ------
    ConfigError
        (:class:`engine.errors.DeviceError` for a missing device) with the
        message of :func:`engine.runtime.resolve_device` in command-line terms.
    """
    try:
        resolve_device(device)
    except ConfigError as err:
        text = str(err).removeprefix("resolve_device: ")
        text = text.replace(
            "device='cpu' or device='auto'", "--device cpu or --device auto"
        )
        text = text.replace("'device'", "'--device'")
        raise type(err)(f"{command}: {text}") from err


def check_in_file(command: str, option: str, path: str | None) -> None:
    """Refuse an input-file option that names a folder or nothing, before any work.

    Parameters
    ----------
    command : str
        The subcommand, named in the message.
    option : str
        The option, e.g. ``"--truth"``.
    path : str or None
        Its argument; nothing is checked when it is not given.

    Raises
    ------
    ConfigError
        ``path`` is a folder, does not exist, or cannot be read.
    """
    if not path:
        return
    if Path(path).is_dir():
        raise ConfigError(
            f"{command}: '{option}' {path!r} is a folder, not a file; give the path "
            "of a file."
        )
    if not Path(path).exists():
        raise ConfigError(
            f"{command}: '{option}' {path!r}: no such file; check the path."
        )
    check_readable(command, f"'{option}'", path)


def check_readable(command: str, what: str, path: str | None) -> None:
    """Refuse a file that exists but cannot be opened for reading.

    Parameters
    ----------
    command : str
        The subcommand, named in the message.
    what : str
        The option or argument that names the file, e.g. ``"'--truth'"`` or
        ``"the input table"``.
    path : str or None
        The file; nothing is checked when it is not given or is no file (the
        readers say so in their own words).

    Raises
    ------
    ConfigError
        The file cannot be opened (no read permission, say).
    """
    if not path or not Path(path).is_file():
        return
    try:
        with open(path, "rb"):
            pass
    except OSError as err:
        raise ConfigError(
            f"{command}: cannot read {what} {path!r} ({err.strerror or err}); give "
            "yourself read permission (e.g. chmod u+r) or copy it to a file you "
            "can read."
        ) from err


def check_out(command: str, out: str | None, inputs: Mapping[str, str | None]) -> None:
    """Refuse an ``--out`` path that cannot or must not be written, before any work.

    ``out`` must not be a folder nor the same file as any input (writing would
    replace the user's file with JSON), must end in ``.json`` (the output is
    JSON), its folder must exist, and the file must be writable there (checked by
    opening it for appending; a file created by the check is removed again).

    Parameters
    ----------
    command : str
        The subcommand, named in the message.
    out : str or None
        The ``--out`` argument; nothing is checked when it is not given.
    inputs : mapping of str to str or None
        The files the command reads, by the option that names them (e.g.
        ``{"the input table": "data.csv", "--truth": None}``); ``None`` entries
        are skipped.

    Raises
    ------
    ConfigError
        Any of the above does not hold.
    """
    if not out:
        return
    path = Path(out)
    if path.is_dir():
        raise ConfigError(
            f"{command}: '--out' {out!r} is a folder; give a file name in it, e.g. "
            f"{str(path / 'result.json')!r}."
        )
    for what, source in inputs.items():
        if source and _same_file(out, source):
            raise ConfigError(
                f"{command}: '--out' {out!r} is {what} ({source!r}); writing the "
                "result there would replace that file. Choose another --out file, "
                "e.g. 'result.json'."
            )
    if path.suffix.lower() != ".json":
        raise ConfigError(
            f"{command}: '--out' {out!r} must end in .json: the output is JSON. "
            f"Use e.g. {str(path.with_suffix('.json'))!r}."
        )
    _check_writable(command, out)


def _same_file(a: str, b: str) -> bool:
    """Whether paths ``a`` and ``b`` name one file (links and ``..`` followed)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return Path(a).resolve() == Path(b).resolve()


def _check_writable(command: str, out: str) -> None:
    """Refuse ``out`` when its folder is missing or the file cannot be written."""
    path = Path(out)
    if not path.resolve().parent.is_dir():
        raise ConfigError(
            f"{command}: the folder of '--out' {out!r} does not exist; create it or "
            "choose another path."
        )
    existed = path.exists()
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as err:
        raise ConfigError(
            f"{command}: cannot write '--out' {out!r} ({err.strerror or err}); choose "
            "a file in a folder you can write to."
        ) from err
    if not existed:
        path.unlink(missing_ok=True)


def write_out(out: str, text: str) -> None:
    """Write ``text`` to the ``--out`` file and say so on stderr.

    Every command ends the same way after ``--out``: the file holds the JSON and
    stderr ends with one ``wrote FILE`` line (notes queued during the work, such
    as a warning of the fit, are written before it).

    Parameters
    ----------
    out : str
        The ``--out`` path, checked by :func:`check_out`.
    text : str
        The JSON text.
    """
    Path(out).write_text(text if text.endswith("\n") else text + "\n", "utf-8")
    flush_notes()
    sys.stderr.write(f"wrote {out}\n")


_PENDING: list[str] = []


def write_note(command: str, line: str) -> None:
    """Queue one ``note: COMMAND: LINE`` line for stderr.

    Notes are held until :func:`flush_notes`: a command flushes them once its
    input is checked, just before the long work, and :func:`engine.cli.main`
    flushes what is left when the command succeeds and discards it when the
    command fails, so that an error stays one line on stderr.

    Parameters
    ----------
    command : str
        The subcommand.
    line : str
        The note, one sentence without a newline.
    """
    _PENDING.append(f"note: {command}: {line}\n")


def flush_notes() -> None:
    """Write the queued notes on stderr."""
    while _PENDING:
        sys.stderr.write(_PENDING.pop(0))
    sys.stderr.flush()


def discard_notes() -> None:
    """Forget the queued notes (the command failed; its error line says why)."""
    _PENDING.clear()


def write_table_notes(
    command: str,
    report: DataReport,
    record: MatrixRecord | None = None,
    *,
    columns: Sequence[str] | None = None,
) -> None:
    """Tell the user, on stderr, everything that changed the data on the way in.

    One line per change: each warning of the validation report (renamed header
    names, missing or infinite cells, constant columns, ...), then each action of
    :meth:`engine.data.MatrixRecord.summary` (rows dropped and how many, columns
    left out and why, imputation, scaling) that a warning has not already said.

    Parameters
    ----------
    command : str
        The subcommand, put on every line.
    report : DataReport
        The report of :func:`engine.data.read_table`.
    record : MatrixRecord, optional
        What :func:`engine.data.to_matrix` did, when it was called.
    columns : sequence of str, optional
        The columns the user selected; warnings about other columns are skipped.
    """
    said = set()
    for finding in report.warnings:
        if columns is not None and finding.column not in (None, *columns):
            continue
        write_note(command, _left_out_gaps(finding, record))
        if finding.code in _DROP_CODES and finding.column is not None:
            said.add(finding.column)
    if record is None:
        return
    for line in _record_lines(record, said):
        write_note(command, line)


def left_out_reason(record: MatrixRecord | None, column: str | None) -> str | None:
    """Why :func:`engine.data.to_matrix` left ``column`` out (``"constant"``, ...),
    or ``None`` when it is in the matrix or the caller excluded it.

    Parameters
    ----------
    record : MatrixRecord or None
        What ``to_matrix`` did; ``None`` gives ``None``.
    column : str or None
        A column of the table.

    Returns
    -------
    str or None
    """
    if record is None or column is None:
        return None
    why = record.dropped_columns.get(column)
    return None if why == "excluded" else why


def _left_out_gaps(finding: Finding, record: MatrixRecord | None) -> str:
    """``finding``'s message; a missing-value note on a column the matrix left out
    says that its gaps change no row (the reader's note says rows are dropped or
    filled, true only of the columns that are used)."""
    why = left_out_reason(record, finding.column)
    if finding.code != "missing_values" or why is None:
        return finding.message
    head = finding.message.removesuffix(MISSING_HANDLING)
    return (
        f"{head}; the column is left out ({why}), so no row is dropped or filled "
        "for it."
    )


def _record_lines(record: MatrixRecord, said: set[str]) -> Iterable[str]:
    """The record's summary minus scaling and the columns already reported."""
    for line in record.summary():
        if line.startswith(("centred", "standardised")):
            continue  # asked for explicitly (--standardize); not a surprise
        if any(line.startswith(f"left out {col!r}") for col in said):
            continue
        yield line


class ProgressLog:
    """A progress callback that logs the events of a fit, at most one a second.

    Passed as ``progress=`` to the learners when the CLI runs with ``-v``; the
    first event, the first of each new stage, every event ``every_s`` seconds
    after the last line and the last step (``step == total``) are logged at INFO
    level, the others skipped. An event that repeats the step of the last line (the
    heartbeat of :func:`engine.executor.run_jobs` while long jobs run) is logged
    only ``repeat_s`` seconds after it, to say the run is alive.

    Parameters
    ----------
    logger : logging.Logger
        Where the lines go.
    every_s : float, default=1.0
        Least number of seconds between two lines.
    repeat_s : float, default=30.0
        Least number of seconds between two lines of the same stage and step.

    Examples
    --------
    >>> log = ProgressLog(logging.getLogger("demo"), every_s=0.0)
    >>> log(ProgressEvent("dag.fit", "train", 1, 10, {"loss": 0.5}))
    """

    def __init__(
        self, logger: logging.Logger, every_s: float = 1.0, repeat_s: float = 30.0
    ) -> None:
        for name, value in (("every_s", every_s), ("repeat_s", repeat_s)):
            if not value >= 0:
                raise ConfigError(
                    f"ProgressLog: {name!r} must be a number >= 0; got {value!r}."
                )
        self.logger = logger
        self.every_s = float(every_s)
        self.repeat_s = float(repeat_s)
        self._last: float | None = None
        self._stage: str | None = None
        self._step: int | None = None

    def __call__(self, event: ProgressEvent) -> None:
        """Log ``event`` unless a line was logged less than ``every_s`` ago."""
        now = time.monotonic()
        if self._skipped(event, now):
            return
        self._last = now
        self._stage = event.stage
        self._step = event.step
        total = f"/{event.total}" if event.total is not None else ""
        figures = " ".join(f"{k} {v:.4g}" for k, v in event.metrics.items())
        self.logger.info(
            "%s %s %d%s%s%s (%.1f s)",
            event.task,
            event.stage,
            event.step,
            total,
            f" {figures}" if figures else "",
            f" {event.message}" if event.message else "",
            event.elapsed_s,
        )

    def _skipped(self, event: ProgressEvent, now: float) -> bool:
        if self._last is None or event.stage != self._stage:
            return False
        since = now - self._last
        if event.step == self._step:
            return since < self.repeat_s
        last_step = event.total is not None and event.step >= event.total
        return since < self.every_s and not last_step


def progress_log(logger: logging.Logger) -> ProgressLog | None:
    """The ``progress=`` of a command's fits: a :class:`ProgressLog` under ``-v``.

    ``-v`` sets the INFO level; without it there is nothing to log, and the fits
    get no callback at all.
    """
    return ProgressLog(logger) if logger.isEnabledFor(logging.INFO) else None
