"""Subcommands of ``python -m engine``; each module defines ``register(subparsers)``."""

from __future__ import annotations

from pathlib import Path

from engine.errors import ConfigError


def check_out_folder(command: str, out: str | None) -> None:
    """Refuse an ``--out`` path whose folder does not exist, before any work.

    Parameters
    ----------
    command : str
        The subcommand, named in the message.
    out : str or None
        The ``--out`` argument; nothing is checked when it is not given.

    Raises
    ------
    ConfigError
        The folder that would hold ``out`` does not exist.
    """
    if out and not Path(out).resolve().parent.is_dir():
        raise ConfigError(
            f"{command}: the folder of '--out' {out!r} does not exist; create it or "
            "choose another path."
        )
