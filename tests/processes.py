"""What the tests of stopping work ask of processes they started."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """Whether a process with this id still exists (a zombie counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
