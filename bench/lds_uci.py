"""kNN-LDS against kNN-GCN and other baselines on wine, breast cancer and digits.

The LDS paper's no-graph protocol (Franceschi et al. 2019, Table 1): a kNN graph of
the features initialises the edge probabilities; splits of 10 / 20 (wine, breast
cancer) and 50 / 100 (digits) labelled / validation nodes, the rest test; several
seeds. Prints one table: test accuracy mean and standard deviation (%) and wall time
per fit, for LDS and every baseline, all fitted in this run on the same splits.

    python bench/lds_uci.py                      # 5 seeds, all three data sets
    python bench/lds_uci.py --datasets wine --seeds 2
    python bench/lds_uci.py --executor processes # seeds in parallel (one torch
                                                 # thread per worker)
    python bench/lds_uci.py --grid paper         # the paper's 16-config grid

Targets (issue #6): kNN-LDS mean >= 95.6 (wine), 93.7 (breast cancer), 91.5
(digits) and above kNN-GCN; CPU wall time per fit <= 2 min (wine, breast cancer),
<= 10 min (digits).

Measured (2026-12-04, 2 cores shared with other work, ``OMP_NUM_THREADS=1``,
``--executor processes``, seeds 100-104), test accuracy %, LDS vs kNN-GCN:

* defaults, one fit per seed: wine 95.1 ± 1.1 vs 93.8 (7 s/fit, slowest 12 s);
  breast cancer 94.3 ± 1.8 vs 91.6 (17 s, slowest 28 s); digits 91.9 ± 0.8 vs
  87.8 (213 s, slowest 300 s wall / 239 s CPU);
* ``--grid paper`` on wine: 96.5 ± 0.9 vs 94.7 (kNN-GCN with k / metric chosen on
  validation); 28 s per configuration, slowest 118 s wall / 75 s CPU under load.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from engine import load_sample
from engine.executor import EXECUTORS, run_jobs
from engine.graphs import (
    BASELINES,
    fit_baseline,
    learn_graph,
    paper_split,
    table_inputs,
)

TARGETS = {"wine": 95.6, "breast_cancer": 93.7, "digits": 91.5}
TIME_LIMIT_S = {"wine": 120, "breast_cancer": 120, "digits": 600}
# Every fit uses the library defaults, which are the paper's (tau 5, outer lr 1 with
# inverse-time decay 1e-3, learned inner lr from 0.02, k 10 cosine, 16 samples,
# patience 20); the kNN graph is OR-symmetrised (the paper reads pair i < j from the
# row of i only). Pre-processing as in the paper's code for wine and breast cancer
# (standardised). Digits are standardised too, unlike the paper's raw 0-16 pixels:
# with raw pixels (all >= 0, initial logits ~10x larger) the hidden ReLUs of the
# GCN die within a few Adam steps in about half of the inits (training loss stuck at
# ln 10), for LDS and the kNN-GCN baseline alike; --raw-digits runs them raw.
OPTIONS = {
    "wine": {"features": "standardize"},
    "breast_cancer": {"features": "standardize"},
    "digits": {"features": "standardize"},
}
COMMON: dict[str, object] = {}


# The paper's grid for kNN-LDS (lds_gnn/lds.py, 16 configurations per seed), the
# selection by early-stopping accuracy (ties: lower early-stopping loss), and the
# same k / metric choice for kNN-GCN by validation accuracy (--grid paper).
PAPER_GRID = [
    {"k": k, "metric": metric, "tau": tau, "outer_lr": lr}
    for k in (10, 20)
    for metric in ("cosine", "euclidean")
    for tau in (5, 16)
    for lr in (1.0, 0.1)
]


def run(
    dataset: str, seed: int, device: str, features: str | None = None, grid: str = ""
) -> dict[str, dict[str, float]]:
    """One seeded split: LDS (one fit or the paper's grid) and every baseline."""
    sample = load_sample(dataset)
    X, y = table_inputs(sample.frame, sample.target)
    y = y.to_numpy()
    split = paper_split(y, dataset, seed=seed)
    opts = {**COMMON, **OPTIONS[dataset]}
    if features:
        opts["features"] = features
    fits = []
    for config in PAPER_GRID if grid == "paper" else [{}]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = learn_graph(
            X, y, split=split, seed=seed, device=device, **{**opts, **config}
        )
        score = (result.es_accuracy, -result.history["es_loss"][result.best_iter])
        fits.append(
            (score, result, time.perf_counter() - wall, time.process_time() - cpu)
        )
    _, result, _, _ = max(fits, key=lambda f: f[0])
    out = {
        "kNN-LDS": {
            "acc": result.test_accuracy,
            "time": float(np.mean([f[2] for f in fits])),
            "cpu": float(np.mean([f[3] for f in fits])),
            "time_max": max(f[2] for f in fits),
            "cpu_max": max(f[3] for f in fits),
            "outer": result.n_outer_iter,
            "config": {k: result.config[k] for k in ("k", "metric", "tau", "outer_lr")},
        }
    }
    graphs = PAPER_GRID[::4] if grid == "paper" else [{}]  # (k, metric) pairs
    for name in BASELINES:
        best = None
        wall, cpu = time.perf_counter(), time.process_time()
        for config in graphs if name in ("knn_gcn", "label_propagation") else [{}]:
            graph_opts = {key: config[key] for key in ("k", "metric") if key in config}
            scores = fit_baseline(
                X,
                y,
                method=name,
                split=split,
                seed=seed,
                device=device,
                features=opts["features"],
                **graph_opts,
            )
            if best is None or scores["val_accuracy"] > best["val_accuracy"]:
                best = scores
        out[name] = {
            "acc": best["test_accuracy"],
            "time": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
        }
    return out


def _run_job(job: tuple) -> dict[str, dict[str, float]]:
    """One seed of one data set, as an executor job."""
    return run(*job)


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="wine,breast_cancer,digits")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", help="also write the raw numbers here")
    parser.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="serial",
        help="where the seeds run (engine.executor); wall times per fit grow when "
        "workers share cores",
    )
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--grid",
        choices=["none", "paper"],
        default="none",
        help="'paper': per seed, the paper's 16 kNN-LDS configurations selected by "
        "early-stopping accuracy (and kNN-GCN's k/metric by validation accuracy)",
    )
    parser.add_argument(
        "--raw-digits",
        action="store_true",
        help="digits as raw 0-16 pixels, as in the paper's code",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    raw: dict[str, dict[str, list]] = {}
    for dataset in args.datasets.split(","):
        seeds = list(range(args.first_seed, args.first_seed + args.seeds))
        start = time.perf_counter()

        def report(event, dataset=dataset, start=start) -> bool:
            if event.step:
                elapsed = time.perf_counter() - start
                done = f"{event.step}/{event.total}"
                print(f"{dataset}: {done} seeds done, {elapsed:.0f} s", flush=True)
            return False

        outcome = run_jobs(
            _run_job,
            [
                (
                    dataset,
                    seed,
                    args.device,
                    "none" if args.raw_digits and dataset == "digits" else None,
                    args.grid,
                )
                for seed in seeds
            ],
            executor=args.executor,
            progress=report,
            n_workers=args.workers,
        )
        runs = outcome.results
        for seed, res in zip(seeds, runs, strict=True):
            print(
                f"{dataset} seed {seed}: "
                + ", ".join(f"{k} {v['acc'] * 100:.1f}" for k, v in res.items())
                + f" | LDS {res['kNN-LDS']['time']:.0f} s wall, "
                f"{res['kNN-LDS']['cpu']:.0f} s CPU, "
                f"{res['kNN-LDS']['outer']} outer iterations, "
                f"selected {res['kNN-LDS']['config']}",
                flush=True,
            )
        raw[dataset] = {m: [r[m] for r in runs] for m in runs[0]}
    _table(raw, args)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(raw, fh, indent=1)


def _table(raw: dict[str, dict[str, list]], args: argparse.Namespace) -> None:
    print()
    print(
        f"device {args.device}, {args.threads} torch thread(s), {args.seeds} seeds, "
        f"grid {args.grid}, digits {'raw' if args.raw_digits else 'standardised'}"
    )
    print(
        f"{'dataset':<14}{'method':<20}{'test acc %':>16}{'wall s/fit':>12}"
        f"{'CPU s/fit':>11}"
    )
    for dataset, methods in raw.items():
        for method, runs in methods.items():
            acc = np.array([r["acc"] for r in runs]) * 100
            sec = np.array([r["time"] for r in runs])
            cpu = np.array([r["cpu"] for r in runs])
            print(
                f"{dataset:<14}{method:<20}{acc.mean():>9.1f} ± {acc.std():>4.1f}"
                f"{sec.mean():>12.1f}{cpu.mean():>11.1f}"
            )
        lds = np.mean([r["acc"] for r in methods["kNN-LDS"]]) * 100
        gcn = np.mean([r["acc"] for r in methods["knn_gcn"]]) * 100
        worst = max(r["time_max"] for r in methods["kNN-LDS"])
        worst_cpu = max(r["cpu_max"] for r in methods["kNN-LDS"])
        ok = lds >= TARGETS[dataset] and lds > gcn
        print(
            f"{'':<14}target: LDS >= {TARGETS[dataset]} and > kNN-GCN ({gcn:.1f}): "
            f"{'met' if ok else 'NOT met'}; LDS - kNN-GCN = {lds - gcn:+.1f}; "
            f"slowest fit {worst:.0f} s wall / {worst_cpu:.0f} s CPU (limit "
            f"{TIME_LIMIT_S[dataset]} s): wall "
            f"{'met' if worst <= TIME_LIMIT_S[dataset] else 'NOT met'}, CPU "
            f"{'met' if worst_cpu <= TIME_LIMIT_S[dataset] else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
