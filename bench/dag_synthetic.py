"""Synthetic DAG benchmark: ours and DAG-DB against DAGMA and two trivial baselines.

Data: Erdős–Rényi DAGs with 2d expected edges (ER2), linear-Gaussian SEMs with
equal noise variances, weights U(+-[0.5, 2]), n = 1000 samples, d = 10, 20, 50,
raw and standardised (raw data of this kind are varsortable; standardising
removes that shortcut, and the var-sort baseline shows how much it is worth).
Plus ER2 d = 30 raw, where DAG-DB runs with I-MLE, AIMLE and straight-through
gradients. Every method sees the same data in the same run; per cell the table
gives medians over the seeds of SHD (a reversal counts 1), SHD between CPDAGs,
SHD_c / d, SID, edge count, wall time per fit, its ratio to DAGMA's in the same
cell, and seconds per epoch where a method has epochs. Benchmark data use seeds
1000 + s (s = 0 .. seeds - 1); defaults were chosen on seeds >= 2000.

Peak memory of one fit at d = 50 (raw, seed 0) is measured in a fresh child
process (its resident-set high-water mark, so torch's allocations count).

Targets (issues #3 and #4): ER2 d = 20 raw, median SHD <= 2 with a wall time <=
3x DAGMA's; d = 50 under 5 minutes per fit on the CPU with peak memory < 2 GB
(permutahedron); ER2 d = 30 raw, median SHD_c / d <= 0.79 for at least one
DAG-DB estimator, <= 5 minutes per fit.

Usage (one core per fit: keep OMP_NUM_THREADS=1; the fits hold themselves to
``--threads`` threads as well)::

    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_synthetic.py            # all
    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_synthetic.py --quick    # minutes
    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_synthetic.py --d 20 \\
        --scaling raw --seeds 3 --dagdb-d --memory-d 0
    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_synthetic.py --executor \\
        processes --workers 2 --json /tmp/synthetic.json

``--executor processes`` or ``ray`` run the fits in parallel through
``engine.executor.run_jobs``; wall times are then not comparable with serial
runs (fits share the cores), so the default is ``serial``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dag_common import (
    DAGDB_MAIN,
    METHODS,
    PEERS,
    Data,
    Job,
    add_run_arguments,
    medians,
    peak_memory,
    print_table,
    run_all,
    verdict,
    write_json,
)

DATA_SEED_OFFSET = 1000
TIME_LIMIT_S = 300.0
MEMORY_LIMIT_MB = 2048.0


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--seeds", type=int, default=5, help="seeds per cell (5)")
    p.add_argument(
        "--d", type=int, nargs="+", default=[10, 20, 50], help="sizes (10 20 50)"
    )
    p.add_argument(
        "--scaling",
        nargs="+",
        choices=("raw", "std"),
        default=["raw", "std"],
        help="raw and/or standardised data (both)",
    )
    p.add_argument(
        "--methods",
        nargs="+",
        choices=("permutahedron", *PEERS),
        default=["permutahedron", *PEERS],
        help="methods on every cell (ours and the peers)",
    )
    p.add_argument(
        "--dagdb-d",
        type=int,
        nargs="*",
        default=[30],
        help="raw ER2 sizes where DAG-DB (I-MLE, AIMLE, STE) runs too, with the "
        "methods above (30); empty to skip DAG-DB",
    )
    p.add_argument("--dagdb-epochs", type=int, default=None, help="DAG-DB epochs")
    p.add_argument(
        "--memory-d",
        type=int,
        default=50,
        help="d of the peak-memory probes (50; 0 to skip)",
    )
    p.add_argument(
        "--memory-methods",
        nargs="+",
        choices=tuple(METHODS),
        default=["permutahedron", "DAG-DB imle", "DAGMA"],
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="2 seeds, d = 10 and 20, DAG-DB at d = 10 with 60 epochs, memory at "
        "d = 20",
    )
    add_run_arguments(p)
    args = p.parse_args()
    if args.quick:
        args.seeds, args.d, args.dagdb_d = min(args.seeds, 2), [10, 20], [10]
        args.dagdb_epochs, args.memory_d = args.dagdb_epochs or 60, 20
    return args


def _jobs(args: argparse.Namespace) -> list[Job]:
    cells: list[tuple[int, bool, list[str]]] = []
    for d in args.d:
        for scaling in args.scaling:
            cells.append((d, scaling == "std", list(args.methods)))
    for d in args.dagdb_d:
        match = [c for c in cells if c[0] == d and not c[1]]
        if match:
            match[0][2].extend(DAGDB_MAIN)
        else:
            cells.append((d, False, [*args.methods, *DAGDB_MAIN]))
    jobs = []
    for d, std, methods in cells:
        for s in range(args.seeds):
            data = Data("er", DATA_SEED_OFFSET + s, d=d, n=1000, standardize=std)
            for m in methods:
                epochs = args.dagdb_epochs if m.startswith("DAG-DB") else None
                jobs.append(Job(data, m, s, epochs, args.threads))
    return jobs


def _targets(results: list[dict], memory: list[dict]) -> None:
    print("\nTargets")
    m20 = medians(results, "ER2 d=20 raw", "permutahedron")
    dagma20 = medians(results, "ER2 d=20 raw", "DAGMA")
    if m20:
        print(
            f"  ER2 d=20 raw, permutahedron median SHD {m20['shd']:.1f} <= 2: "
            f"{verdict(m20['shd'] <= 2)}"
        )
    if m20 and dagma20:
        ratio = m20["time_s"] / dagma20["time_s"]
        print(
            f"  ER2 d=20 raw, time {m20['time_s']:.2f} s = {ratio:.2f}x DAGMA's "
            f"{dagma20['time_s']:.2f} s <= 3x: {verdict(ratio <= 3)}"
        )
    big = [r for r in results if r["method"] == "permutahedron" and r["d"] == 50]
    if big:
        worst = max(r["time_s"] for r in big)
        print(
            f"  d=50 permutahedron, slowest fit {worst:.1f} s < {TIME_LIMIT_S:.0f} s: "
            f"{verdict(worst < TIME_LIMIT_S)}"
        )
    for r in memory:
        if r["method"] == "permutahedron" and r["d"] >= 50:
            print(
                f"  d={r['d']} permutahedron, peak RSS {r['peak_rss_mb']:.0f} MB < "
                f"{MEMORY_LIMIT_MB:.0f} MB: {verdict(r['peak_rss_mb'] < 2048)}"
            )
    cell30 = "ER2 d=30 raw"
    figures = {m: medians(results, cell30, m) for m in DAGDB_MAIN}
    figures = {m: f for m, f in figures.items() if f}
    if figures:
        best = min(f["shd_cpdag"] / 30 for f in figures.values())
        listing = ", ".join(
            f"{m.split()[-1]} {f['shd_cpdag'] / 30:.3f}" for m, f in figures.items()
        )
        print(
            f"  ER2 d=30 raw, DAG-DB median SHD_c/d ({listing}); best <= 0.79: "
            f"{verdict(best <= 0.79)}"
        )
        runs = [r for r in results if r["cell"] == cell30 and r["method"] in figures]
        worst = max(r["time_s"] for r in runs)
        per_epoch = ", ".join(
            f"{m.split()[-1]} {f['s_per_epoch']:.3f} s" for m, f in figures.items()
        )
        print(
            f"  ER2 d=30 raw, DAG-DB slowest fit {worst:.1f} s < {TIME_LIMIT_S:.0f} s: "
            f"{verdict(worst < TIME_LIMIT_S)}; median cost per epoch {per_epoch}"
        )


def main() -> None:
    """Run the cells, print one table per cell, the memory probes and targets."""
    args = _parse()
    jobs = _jobs(args)
    print(
        f"{len(jobs)} fits, executor {args.executor}, {args.threads} thread(s) per fit",
        flush=True,
    )
    start = time.perf_counter()
    results = run_all(jobs, args.executor, args.workers)
    cells = list(dict.fromkeys(r["cell"] for r in results))
    for cell in cells:
        print_table(results, cell, args.seeds)
    memory = []
    if args.memory_d:
        print(f"\nPeak memory, ER2 d={args.memory_d} raw, seed 0, fresh process each")
        data = Data("er", DATA_SEED_OFFSET, d=args.memory_d, standardize=False)
        for m in args.memory_methods:
            epochs = args.dagdb_epochs if m.startswith("DAG-DB") else None
            r = peak_memory(Job(data, m, 0, epochs, args.threads, verbose=False))
            memory.append(r)
            print(
                f"  {m:18s} peak RSS {r['peak_rss_mb']:7.0f} MB (before the fit "
                f"{r['rss_before_mb']:.0f} MB, fit +"
                f"{r['peak_rss_mb'] - r['rss_before_mb']:.0f} MB), "
                f"{r['time_s']:.1f} s, SHD {r['shd']:.0f}",
                flush=True,
            )
    _targets(results, memory)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    if args.json:
        write_json(args.json, {"args": vars(args), "fits": results, "memory": memory})


if __name__ == "__main__":
    main()
