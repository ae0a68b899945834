"""Subcommands of ``python -m engine``; each module defines ``register(subparsers)``.

This module also holds what the subcommands share: checking the input files of
options and ``--out`` before any work, the notes written to stderr when the data
is changed on its way to the learners (:func:`write_table_notes`), and the
throttled progress log of ``-v`` (:class:`ProgressLog`).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from engine.data import DataReport, MatrixRecord
from engine.errors import ConfigError
from engine.runtime import ProgressEvent

__all__ = [
    "ProgressLog",
    "check_in_file",
    "check_out_folder",
    "discard_notes",
    "flush_notes",
    "progress_log",
    "write_note",
    "write_table_notes",
]

# report findings that already say a column is left out of the matrix
_DROP_CODES = frozenset({"constant_column", "identifier_column", "empty_column"})


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
        ``path`` is a folder or does not exist.
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


def check_out_folder(command: str, out: str | None) -> None:
    """Refuse an ``--out`` path that cannot be written, before any work.

    The folder must exist, ``out`` must not be a folder, and the file must be
    writable there (checked by opening it for appending; a file created by the
    check is removed again).

    Parameters
    ----------
    command : str
        The subcommand, named in the message.
    out : str or None
        The ``--out`` argument; nothing is checked when it is not given.

    Raises
    ------
    ConfigError
        The folder that would hold ``out`` does not exist, ``out`` is a folder, or
        the file cannot be written there.
    """
    if not out:
        return
    path = Path(out)
    if path.is_dir():
        raise ConfigError(
            f"{command}: '--out' {out!r} is a folder; give a file name in it, e.g. "
            f"{str(path / 'result.json')!r}."
        )
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
        write_note(command, finding.message)
        if finding.code in _DROP_CODES and finding.column is not None:
            said.add(finding.column)
    if record is None:
        return
    for line in _record_lines(record, said):
        write_note(command, line)


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
    level, the others skipped.

    Parameters
    ----------
    logger : logging.Logger
        Where the lines go.
    every_s : float, default=1.0
        Least number of seconds between two lines.

    Examples
    --------
    >>> log = ProgressLog(logging.getLogger("demo"), every_s=0.0)
    >>> log(ProgressEvent("dag.fit", "train", 1, 10, {"loss": 0.5}))
    """

    def __init__(self, logger: logging.Logger, every_s: float = 1.0) -> None:
        if not every_s >= 0:
            raise ConfigError(
                f"ProgressLog: 'every_s' must be a number >= 0; got {every_s!r}."
            )
        self.logger = logger
        self.every_s = float(every_s)
        self._last: float | None = None
        self._stage: str | None = None

    def __call__(self, event: ProgressEvent) -> None:
        """Log ``event`` unless a line was logged less than ``every_s`` ago."""
        now = time.monotonic()
        last_step = event.total is not None and event.step >= event.total
        soon = self._last is not None and now - self._last < self.every_s
        if soon and not last_step and event.stage == self._stage:
            return
        self._last = now
        self._stage = event.stage
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


def progress_log(logger: logging.Logger) -> ProgressLog | None:
    """The ``progress=`` of a command's fits: a :class:`ProgressLog` under ``-v``.

    ``-v`` sets the INFO level; without it there is nothing to log, and the fits
    get no callback at all.
    """
    return ProgressLog(logger) if logger.isEnabledFor(logging.INFO) else None
