"""How time and memory grow with the data: the measurements behind the README table.

Every point runs in its own child process (one torch thread, CPU), which reports
the wall time of the fit and the growth of its resident memory during the fit (peak
RSS after the fit minus RSS before it; allocator caches included, so small values
are noise). Prints one Markdown table.

Run from the repository root::

    python examples/measure_scaling.py           # the README's sizes (minutes)
    python examples/measure_scaling.py --quick   # the smallest sizes, a smoke run

Timings depend on the machine and on what else runs on it; on a shared machine
repeat the run and compare orders of magnitude, not digits.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

# method -> (size name, README sizes, what one run does)
POINTS: dict[str, tuple[str, list[int], str]] = {
    "permutahedron": ("d nodes", [10, 20, 40], "20 epochs, n = 1000, linear"),
    "dagdb": ("d nodes", [10, 20, 40], "5 epochs, n = 1000"),
    "explain_exact": ("M players", [6, 10, 14], "1 row, 100 background rows"),
    "explain_permutation": ("M players", [25, 50, 100], "1 row, 20 orderings"),
    "lds": ("N nodes", [250, 500, 1000, 2000], "3 outer iterations, tau 5"),
}


def _rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _point(method: str, size: int) -> dict[str, Any]:
    """Run one fit in this process and return its measurements.

    A fit at the smallest size runs first, so that one-time costs (lazy
    initialisation, first allocations) are not counted.
    """
    smallest = {"permutahedron": 5, "dagdb": 5, "lds": 60}.get(method, 4)
    _setup(method, smallest)()
    fit = _setup(method, size)
    before = _rss_mib()
    start = time.perf_counter()
    result = fit()
    seconds = time.perf_counter() - start
    grown = max(_peak_mib() - before, 0.0)
    extra: dict[str, Any] = {}
    if method.startswith("explain"):
        extra["model_rows"] = int(result.n_model_rows)
        extra["estimator"] = result.estimator
    if method == "lds":
        from engine.graphs.task import estimate_memory

        extra["estimate_mib"] = estimate_memory(size) / 2**20
    return {"seconds": seconds, "grown_mib": grown, **extra}


def _setup(method: str, size: int) -> Any:
    """The data of one point and a function that runs its fit."""
    import numpy as np
    import torch

    torch.set_num_threads(1)
    import engine
    from engine.dag import simulate_sem

    rng = np.random.default_rng(0)
    if method in ("permutahedron", "dagdb"):
        X = simulate_sem(size, 1000, seed=0).X
        epochs = 20 if method == "permutahedron" else 5
        opts = {"max_iter": epochs, "patience": 10**4}
        if method == "permutahedron":
            opts["tol"] = 0.0

        def fit() -> Any:
            return engine.learn_dag(X, method=method, seed=0, **opts)

    elif method.startswith("explain"):
        from sklearn.linear_model import LogisticRegression

        X = rng.normal(size=(300, size))
        y = (X[:, : max(size // 3, 1)].sum(axis=1) > 0).astype(int)
        model = LogisticRegression(max_iter=1000).fit(X, y)
        estimator = method.split("_")[1]

        def fit() -> Any:
            return engine.explain(
                model, X[:1], background=X[:100], estimator=estimator, seed=0
            )

    elif method == "lds":
        centres = rng.normal(scale=2.0, size=(3, 10))
        y = rng.integers(0, 3, size=size)
        X = centres[y] + rng.normal(size=(size, 10))
        split = {
            "train": np.arange(size) < 15,
            "val": (np.arange(size) >= 15) & (np.arange(size) < 45),
        }

        def fit() -> Any:
            return engine.learn_graph(
                X, y, split=split, seed=0, max_outer_iter=3, patience=100
            )

    else:
        raise SystemExit(f"unknown method {method!r}")
    return fit


def _measure(method: str, size: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--point", method, str(size)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure every point and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smallest sizes only")
    parser.add_argument("--point", nargs=2, metavar=("METHOD", "SIZE"))
    args = parser.parse_args()
    if args.point:
        print(json.dumps(_point(args.point[0], int(args.point[1]))))
        return
    print("| method | run | size | wall s | RSS growth MiB | notes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for method, (unit, sizes, run) in POINTS.items():
        for size in sizes[:1] if args.quick else sizes:
            m = _measure(method, size)
            notes = ", ".join(
                f"{k} {v:.0f}" if isinstance(v, float) else f"{k} {v}"
                for k, v in m.items()
                if k not in ("seconds", "grown_mib")
            )
            print(
                f"| {method} | {run} | {unit} = {size} | {m['seconds']:.2f} "
                f"| {m['grown_mib']:.0f} | {notes} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
