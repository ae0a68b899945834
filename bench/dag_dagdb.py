"""DAG-DB benchmark: I-MLE, AIMLE and STE on ER2 (d = 30, raw) and on Sachs.

Targets (issue #4): ER2, d = 30, n = 1000, raw data, 5 seeds: median CPDAG-SHD / d
<= 0.79 for at least one estimator (the best DAG-DB figure of the source thesis);
Sachs standardised: CPDAG-SHD <= 13 with SID reported; CPU wall time per fit <= 5
minutes at d = 30, n = 1000 (cost per epoch printed). Baselines from
``bench/dag_common.py`` (DAGMA, var-sort + regress, the empty graph) run in the same
process on the same data.

Usage::

    OMP_NUM_THREADS=1 python bench/dag_dagdb.py [--seeds 5] [--epochs 300]
        [--baselines all|cheap|none] [--skip-synthetic] [--skip-sachs]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dag_common import (
    dagma_linear,
    empty_graph,
    load_sachs,
    standardize,
    varsort_regress,
)

from engine.dag import compare_graphs, learn_dag, simulate_sem

# Settings per estimator (tuned on ER2 d = 30 seeds outside the benchmark seeds).
PRESETS: dict[str, dict[str, object]] = {
    "imle": {"estimator": "imle"},
    "aimle": {"estimator": "aimle", "aimle_step": 0.01},
    "ste": {"estimator": "ste"},
    "imle no-prune": {"estimator": "imle", "prune_threshold": 0.0},
}


SYNTHETIC = ("imle", "aimle", "ste")


def dagdb_fit(X: np.ndarray, seed: int, preset: str, epochs: int) -> dict:
    """One DAG-DB fit on the CPU; returns adjacency, time and cost per epoch."""
    start = time.perf_counter()
    r = learn_dag(
        X, "dagdb", seed=seed, device="cpu", max_iter=epochs, **PRESETS[preset]
    )
    wall = time.perf_counter() - start
    return {"adjacency": r.adjacency, "time_s": wall, "s_epoch": wall / r.n_iter}


def _row(name: str, runs: list[dict], d: int) -> str:
    med = {k: float(np.median([r[k] for r in runs])) for k in runs[0]}
    per_seed = " ".join(f"{r['shd_cpdag'] / d:.2f}" for r in runs)
    return (
        f"{name:16s} {med['shd_cpdag'] / d:7.3f} {med['shd_cpdag']:6.1f} "
        f"{med['shd']:6.1f} {med['sid']:6.1f} {med['n_edges']:6.1f} "
        f"{med['time_s']:8.1f} {med.get('s_epoch', float('nan')):8.3f}  [{per_seed}]"
    )


HEAD = (
    f"{'method':16s} {'SHDc/d':>7s} {'SHD_c':>6s} {'SHD':>6s} {'SID':>6s} "
    f"{'edges':>6s} {'time_s':>8s} {'s/epoch':>8s}  [SHDc/d per seed]"
)


def _evaluate(
    X: np.ndarray,
    truth: np.ndarray,
    seed: int,
    epochs: int,
    baselines: str,
    presets: tuple[str, ...] = tuple(PRESETS),
) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for preset in presets:
        fit = dagdb_fit(X, seed, preset, epochs)
        m = compare_graphs(truth, fit["adjacency"])
        out[f"DAG-DB {preset}"] = {
            **m,
            "time_s": fit["time_s"],
            "s_epoch": fit["s_epoch"],
        }
    if baselines:
        peers = [("varsort+regress", varsort_regress), ("empty", empty_graph)]
        if baselines == "all":
            peers.insert(0, ("DAGMA", dagma_linear))
        for name, fn in peers:
            start = time.perf_counter()
            pred = fn(X, seed)
            m = compare_graphs(truth, pred)
            out[name] = {**m, "time_s": time.perf_counter() - start, "s_epoch": np.nan}
    return out


def main() -> None:
    """Run both benchmarks and print one table each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument(
        "--baselines",
        choices=("all", "cheap", "none"),
        default="all",
        help="peers: DAGMA + var-sort + empty (all), without DAGMA (cheap), none",
    )
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--skip-sachs", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    baselines = "" if args.baselines == "none" else args.baselines
    if not args.skip_synthetic:
        rows: dict[str, list[dict]] = {}
        for seed in range(args.seeds):
            sim = simulate_sem(30, 1000, edges_per_node=2.0, seed=1000 + seed)
            res = _evaluate(
                sim.X, sim.adjacency, seed, args.epochs, baselines, SYNTHETIC
            )
            for name, m in res.items():
                rows.setdefault(name, []).append(m)
            print(
                f"  seed {seed}: "
                + ", ".join(
                    f"{k} {v['shd_cpdag'] / 30:.2f} ({v['time_s']:.0f} s)"
                    for k, v in res.items()
                ),
                flush=True,
            )
        print(f"\nER2, d=30, n=1000, raw (gaussian EV), {args.seeds} seeds, medians")
        print(HEAD)
        for name, runs in rows.items():
            print(_row(name, runs, 30))
    if not args.skip_sachs:
        X, truth = load_sachs()
        res = _evaluate(standardize(X), truth, 0, args.epochs, baselines)
        print("\nSachs 853 x 11 standardised, 17-edge bnlearn truth, seed 0")
        print(HEAD)
        for name, m in res.items():
            print(_row(name, [m], 11))


if __name__ == "__main__":
    main()
