"""The scripts in examples/ run as a user runs them and pass their own checks.

Each example asserts its headline figures itself; this test runs it in a fresh
interpreter (``python examples/<name>.py`` from the repository root), with its
figures sent to a temporary folder, and fails when the script fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = [
    REPO / "examples" / f"{name}.py"
    for name in ("causal_discovery_sachs", "explain_breast_cancer", "lds_wine")
]


def test_every_script_in_examples_is_covered():
    scripts = {p.name for p in (REPO / "examples").glob("*.py")}
    assert scripts == {p.name for p in EXAMPLES} | {"measure_scaling.py"}


@pytest.mark.timeout(400)
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_passes_its_checks(script: Path, tmp_path: Path):
    env = dict(os.environ, STRUCTURE_LAB_OUTPUT=str(tmp_path))
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(script.relative_to(REPO))],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=360,
    )
    elapsed = time.perf_counter() - start
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{script.name} failed:\n{output[-4000:]}"
    assert proc.stdout.rstrip().endswith("OK"), output[-4000:]
    figures = list(tmp_path.glob("*.html"))
    assert figures, f"{script.name} wrote no figure to STRUCTURE_LAB_OUTPUT"
    assert all(f.stat().st_size > 1000 for f in figures)
    print(f"{script.name}: {elapsed:.1f} s")


@pytest.mark.timeout(300)
def test_measure_scaling_measures_one_point():
    """The README's measuring script works (one small point, not the table)."""
    command = ["examples/measure_scaling.py", "--point", "explain_exact", "6"]
    proc = subprocess.run(
        [sys.executable, *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    point = json.loads(proc.stdout.strip().splitlines()[-1])
    assert point["model_rows"] == 2**6 * 100 and point["estimator"] == "exact"
    assert point["seconds"] > 0 and point["grown_mib"] >= 0
