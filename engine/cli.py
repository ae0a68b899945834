"""Command-line interface: ``python -m engine`` and the ``structure-lab`` script.

Each subcommand lives in a module of :mod:`engine.commands` that defines
``register(subparsers)``; the module adds its parser and sets ``func`` to the
function that runs it. Errors the user can fix end the program with one line on
stderr and exit status 2, never a traceback. Changes made to the data on its way
to a learner (rows or columns dropped, header names repeated, ...) are written as
``note: ...`` lines on stderr before the work starts. Ctrl-C, even while the
libraries are still being imported, ends it with one ``interrupted`` line and
status 130; a reader that closes the pipe (``| head``) ends it quietly.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from engine.errors import EngineError

__all__ = ["build_parser", "main"]

# One module per subcommand, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "engine.commands.data",
    "engine.commands.dag",
    "engine.commands.explain",
    "engine.commands.graph",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, status 2.

    Subparsers inherit the class, so every subcommand behaves the same.
    """

    def error(self, message: str) -> NoReturn:
        """Print ``error: PROG: MESSAGE`` and exit with status 2."""
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered subcommand."""
    parser = _Parser(
        prog="structure-lab",
        description=(
            "Structure Lab: learn causal DAGs from tables, explain classifiers with "
            "distributional values, learn graphs for GNNs."
        ),
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log progress to stderr"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


# the library function a warning names first ("learn_dag: ", "bootstrap_dag: ")
_OWNER = re.compile(r"^[A-Za-z_][\w.]*: ")


def _warning_as_note(command: str) -> Callable[..., None]:
    """A ``warnings.showwarning`` that queues each distinct warning as a note.

    Warnings that differ only in the library function they name first are one
    note: ``dag --bootstrap`` has learn_dag and bootstrap_dag say the same of
    the same matrix (e.g. its columns that are linear functions of others).
    """
    from engine.commands import write_note

    seen: set[tuple[type[Warning], str]] = set()

    def show(message: Warning | str, category: type[Warning], *_: Any) -> None:
        text = f"{category.__name__}: {' '.join(str(message).split())}"
        said = _OWNER.sub("", " ".join(str(message).split()), count=1)
        if (category, said) not in seen:
            seen.add((category, said))
            write_note(command, text)

    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status.

    Ctrl-C anywhere (importing the libraries included) gives one ``error:
    interrupted`` line and status 130; a closed output pipe (``| head -1``) ends
    the command quietly with status 141, as a Unix tool killed by SIGPIPE.
    """
    try:
        return _run(argv)
    except KeyboardInterrupt:
        _discard_notes()
        sys.stderr.write("error: interrupted\n")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 141


def console(argv: Sequence[str] | None = None) -> int:
    """The ``structure-lab`` script and ``python -m engine``: :func:`main`, then
    an exit that Ctrl-C cannot cut short.

    Once the command has returned its output is complete; the interpreter's exit
    still takes about a second (the libraries' teardown), and a Ctrl-C there
    turned a finished run into status 130 with no message.
    """
    status = main(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return status


def _run(argv: Sequence[str] | None) -> int:
    """Parse ``argv`` and run its command (see :func:`main`)."""
    from engine.commands import discard_notes, flush_notes

    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 0 if args.command is None else 2
    discard_notes()
    try:
        with warnings.catch_warnings():
            # a library's warning becomes one note line, not a file:line dump
            warnings.simplefilter("default")
            warnings.showwarning = _warning_as_note(args.command)
            status = int(args.func(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, not at exit
    except BrokenPipeError:
        raise
    except (EngineError, OSError) as err:
        discard_notes()  # the error is one line; the notes would bury it
        sys.stderr.write(f"error: {_one_line(args.command, err)}\n")
        return 2
    flush_notes()
    return status


def _one_line(command: str, err: Exception) -> str:
    """The message of ``err``; a system error's with the command and the file."""
    if isinstance(err, EngineError) or not isinstance(err, OSError):
        return str(err)
    where = f" {err.filename!r}" if err.filename else ""
    return (
        f"{command}:{where} {err.strerror or err}; check the path and its permissions."
    )


def _discard_notes() -> None:
    """Forget the queued notes, if the commands module was imported at all."""
    commands = sys.modules.get("engine.commands")
    if commands is not None:
        commands.discard_notes()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit finds no closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
