"""engine.errors: the shared message helpers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine.errors import format_names


def test_format_names_shows_all_within_the_limit():
    assert format_names(["a", "b"]) == "['a', 'b']"
    assert format_names(range(3), limit=3) == "['0', '1', '2']"


def test_format_names_counts_what_it_leaves_out():
    text = format_names([f"c{k}" for k in range(45)])
    assert text.startswith("['c0', 'c1'") and "'c29', ... and 15 more]" in text
    assert "c30" not in text


_WARN_FROM_MAIN = (
    "import engine.errors as e\n"
    "e.warn_user('check this', e.DataWarning)\n"
    "print('returned')\n"
)


@pytest.mark.parametrize("how", ["-c", "stdin"])
def test_a_warning_reaches_code_typed_at_python_c_or_piped_in(how: str) -> None:
    # `python -c` and `python -` run __main__ with the built-in importer as its
    # loader: handing its globals to warn_explicit for the source line raised
    # "ImportError: '__main__' is not a built-in module" and every engine call
    # that warned (e.g. learn_dag with a small max_iter) failed there
    if how == "-c":
        args, stdin = [sys.executable, "-c", _WARN_FROM_MAIN], None
    else:
        args, stdin = [sys.executable, "-"], _WARN_FROM_MAIN
    done = subprocess.run(
        args, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "returned"
    assert "DataWarning: check this" in done.stderr
