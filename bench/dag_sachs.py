"""Sachs benchmark: ours and DAG-DB against DAGMA and two trivial baselines.

Data: the 853 observational Sachs samples (11 proteins), standardised, against the
17-edge bnlearn / DAGuerreotype ground truth (spec section 5.1; other published
truths differ by about 2 SHD). Seed s permutes the columns (as DAGuerreotype does
per seed, so no method gets the file's order for free) and seeds the method.
Every method sees the same data in the same run; the table gives medians over the
seeds of SHD (a reversal counts 1), SHD between CPDAGs, SID, edge count, wall time
per fit, its ratio to DAGMA's, and seconds per epoch where a method has epochs.

Methods: the permutahedron learner (library defaults); DAG-DB with I-MLE, AIMLE
and straight-through gradients (300 epochs), plus two I-MLE variants that handle
cycles inside training (``train_dag="two_cycles"`` and the thesis' "DAG tr",
``train_dag="fas"``; skip them with ``--no-variants``); DAGMA (linear, L2,
lambda1 = 0.02, threshold 0.3); the empty graph (SHD 17, SID 53 on this truth);
sort by marginal variance and regress.

``--optimum`` adds per-seed diagnostics of the miss: the exact best ordering of the
learner's default score, the exact BIC/AIC optima of the unequal-variance score,
how many true edges point against the best ordering, and the learner given a
topological order of the truth as tiers (only the edge model left to run). On
seeds 0-4 the true order scores worse than the optimum (11.86-11.88 against
11.78) yet yields SHD 11 / SID 43: the miss lies in the score's ordering, not in
the edge model or the search. The optimum is not unique: 24 DAGs (reversals of
covered edges, column 'ties') score exactly as well (to 1e-15) on standardised
Sachs, at SHD 12-17 / SID 45-60 from the truth (median 14.5 / 52.5). The learner
reached that score on every seed; which of the 24 it returned was decided by
floating-point rounding, so the table above varied between machines (seeds 0-4,
same code and versions: median 14 / 50 on one machine, 17 / 60 on another with
AVX-512 kernels, 16 / 52 with ``MKL_ENABLE_INSTRUCTIONS=AVX2`` and 13 / 49 with
``MKL_CBWR=COMPATIBLE``). Losses and the greedy start's residual variances are
now compared on a grid of 1e-10 (ties in the start go to the node that leaves
the others the least residual variance), so ties follow the data and the search
order: 14 / 50 (per seed 14 14 14 15 14, the optimum reached on 4 of 5 seeds)
under all four kernel settings above. Since the polish also moves one node by
up to 4 places (``polish_reach``), the optimum is reached on all 5 seeds: 14 / 50,
per seed 14 14 14 14 14. The learner names the tied edges in a
warning.

``--lasso-optimum 0.05 0.1 0.2`` adds the exact global optimum of NOTEARS-L1's
own score (least squares + lambda * L1, over all DAGs) per seed: median SHD/SID
17/50, 13/46 and 13/49 on seeds 0-4, per seed 12/45 to 14/54 at lambda 0.1 (near
ties between orderings make the optimum depend on the column order). The stored
NOTEARS prediction (11/44) is a local solution of that score, thresholded at 0.3.

Targets: permutahedron median SHD <= 12 and SID <= 45 (issue #3; DAGMA reaches
about 14 / 50, the NOTEARS prediction stored with DAG-DB 11 / 44); DAG-DB
CPDAG-SHD <= 13 with SID reported (issue #4; thesis: I-MLE median 13).

Usage (one core per fit: keep OMP_NUM_THREADS=1)::

    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_sachs.py                # 5 seeds
    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_sachs.py --quick        # 2 seeds,
                                                     # 60 DAG-DB epochs, no variants
    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_sachs.py --methods \\
        permutahedron DAGMA empty --seeds 3
    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_sachs.py --executor processes \\
        --workers 2 --json /tmp/sachs.json

``--executor processes`` or ``ray`` run the fits in parallel through
``engine.executor.run_jobs``; wall times are then not comparable with a serial run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dag_common import (
    DAGDB_MAIN,
    METHODS,
    PEERS,
    Data,
    Job,
    add_run_arguments,
    exhaustive_bic_optimum,
    exhaustive_lasso_optimum,
    exhaustive_linear_optimum,
    medians,
    ordering_objective,
    print_table,
    run_all,
    verdict,
    write_json,
)

VARIANTS = ("DAG-DB imle 2cyc", "DAG-DB imle fas-tr")
CELL = "Sachs std"


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--seeds", type=int, default=5, help="seeds (5)")
    p.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="first seed (0); others check settings on seeds not used to choose them",
    )
    p.add_argument(
        "--methods",
        nargs="+",
        choices=tuple(METHODS),
        default=["permutahedron", *DAGDB_MAIN, *VARIANTS, *PEERS],
    )
    p.add_argument(
        "--no-variants", action="store_true", help="skip " + ", ".join(VARIANTS)
    )
    p.add_argument("--dagdb-epochs", type=int, default=None, help="DAG-DB epochs")
    p.add_argument(
        "--quick",
        action="store_true",
        help="2 seeds, 60 DAG-DB epochs, no DAG-DB variants",
    )
    p.add_argument(
        "--optimum",
        action="store_true",
        help="per seed, also find the best ordering of the permutahedron's default "
        "linear score by exhaustive dynamic programming and compare",
    )
    p.add_argument(
        "--lasso-optimum",
        type=float,
        nargs="+",
        metavar="LAMBDA",
        help="also the exact global optimum of NOTEARS-L1's score (least squares "
        "+ LAMBDA * L1) over all DAGs, as SHD/SID per seed (near-"
        "ties between orderings make it depend on the seed's column order); about "
        "6 s per LAMBDA and seed",
    )
    add_run_arguments(p)
    args = p.parse_args()
    if args.quick:
        args.seeds, args.no_variants = min(args.seeds, 2), True
        args.dagdb_epochs = args.dagdb_epochs or 60
    if args.no_variants:
        args.methods = [m for m in args.methods if m not in VARIANTS]
    return args


def _targets(results: list[dict]) -> None:
    print("\nTargets")
    ours = medians(results, CELL, "permutahedron")
    if ours:
        ok = ours["shd"] <= 12 and ours["sid"] <= 45
        print(
            f"  permutahedron median SHD {ours['shd']:.1f} <= 12 and SID "
            f"{ours['sid']:.1f} <= 45: {verdict(ok)}"
        )
    for m in [*DAGDB_MAIN, *VARIANTS]:
        f = medians(results, CELL, m)
        if f:
            print(
                f"  {m:18s} median SHD_c {f['shd_cpdag']:.1f} <= 13: "
                f"{verdict(f['shd_cpdag'] <= 13)} (SID {f['sid']:.1f}, "
                f"{f['time_s']:.1f} s per fit, {f['s_per_epoch']:.3f} s per epoch)"
            )
    empty = medians(results, CELL, "empty")
    if empty:
        print(
            f"  check: the empty graph scores SHD {empty['shd']:.0f}, SID "
            f"{empty['sid']:.0f} (expected 17, 53)"
        )


def _true_order(X: np.ndarray, truth: np.ndarray, seed: int) -> dict:
    """The learner given a topological order of the truth, and how the score sees it.

    The order is imposed as one tier per node (prior knowledge, enforced
    exactly), so only the edge model runs: an upper bound on what the linear
    edge model can reach once the ordering is right.
    """
    import networkx as nx

    from engine.dag import PriorKnowledge, compare_graphs, learn_dag

    d = X.shape[1]
    order = list(nx.topological_sort(nx.DiGraph(truth.astype(int))))
    tiers = np.empty(d, dtype=np.int64)
    tiers[order] = np.arange(d)
    none = np.zeros((d, d), dtype=bool)
    prior = PriorKnowledge(none, none, tiers, tuple(f"x{i}" for i in range(d)))
    fit = learn_dag(X, seed=seed, device="cpu", prior=prior)
    return {"objective": ordering_objective(X, order)} | compare_graphs(
        truth, fit.adjacency
    )


def _tie_class(X: np.ndarray, adjacency: np.ndarray, truth: np.ndarray) -> str:
    """The DAGs that fit exactly as well as ``adjacency``, as SHD/SID ranges.

    :func:`engine.dag.ties.tie_class`: every DAG reached by tied reversals of
    covered edges; all Markov equivalent with the same total residual variance
    and edge count, so the learner could have returned any of them.
    """
    from engine.dag import compare_graphs
    from engine.dag.ties import tie_class

    graphs, complete = tie_class(X, adjacency, max_graphs=5000)
    m = [compare_graphs(truth, g) for g in graphs]
    shd = sorted(x["shd"] for x in m)
    sid = sorted(x["sid"] for x in m)
    count = f"{len(m)}" if complete else f">={len(m)}"
    return (
        f"{count:>4s} {shd[0]:3.0f}-{shd[-1]:<3.0f} {sid[0]:3.0f}-{sid[-1]:<3.0f} "
        f"{np.median(shd):5.1f}/{np.median(sid):.1f}"
    )


def _backwards(order: list[int], truth: np.ndarray) -> int:
    """How many true edges point against ``order`` (upstream first)."""
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    src, dst = np.nonzero(truth)
    return int((rank[src] > rank[dst]).sum())


def _optimum(results: list[dict], seeds: range) -> None:
    """Best ordering of the default linear score vs the learner's, per seed."""
    from engine.dag import compare_graphs

    print(
        "\nExhaustive optimum of the permutahedron's default score (nll_ev, "
        "backward selection, pruning_reg 0.01) vs the learner's ordering"
    )
    print(
        "and the exact optimum of the unequal-variance Gaussian score (BIC, and AIC "
        "with penalty 1 per edge) as SHD/SID"
    )
    print(
        "and the learner given a topological order of the truth as tiers ('true "
        "order': its objective, SHD/SID); 'back' = true edges that point against "
        "the score's optimal ordering;"
    )
    print(
        "'ties' = the DAGs that score exactly as well as the optimum (tied "
        "reversals of covered edges): how many, their SHD and SID ranges"
    )
    print(
        f"{'seed':>4s} {'optimum':>10s} {'SHD':>4s} {'SID':>4s} {'back':>4s}  "
        f"{'ours':>10s}{'':24s} {'BIC':>7s} {'AIC':>7s}  {'true order':>10s} "
        f"{'SHD/SID':>7s}  {'ties':>4s} {'SHD':>7s} {'SID':>7s} {'median':>10s}"
    )
    for s in seeds:
        X, truth, _ = Data("sachs", s).build()
        opt = exhaustive_linear_optimum(X)
        m = compare_graphs(truth, opt["adjacency"])
        ours = [r for r in results if r["method"] == "permutahedron" and r["seed"] == s]
        value = ordering_objective(X, ours[0]["ordering"]) if ours else float("nan")
        mine = f" (SHD {ours[0]['shd']:.0f}, SID {ours[0]['sid']:.0f})" if ours else ""
        scored = []
        for penalty in (np.log(len(X)) / 2, 1.0):
            g = compare_graphs(truth, exhaustive_bic_optimum(X, penalty))
            scored.append(f"{g['shd']:.0f}/{g['sid']:.0f}")
        oracle = _true_order(X, truth, s)
        print(
            f"{s:4d} {opt['objective']:10.5f} {m['shd']:4.0f} {m['sid']:4.0f} "
            f"{_backwards(opt['order'], truth):4d}  {value:10.5f}{mine:24s} "
            f"{scored[0]:>7s} {scored[1]:>7s}  {oracle['objective']:10.5f} "
            f"{oracle['shd']:3.0f}/{oracle['sid']:<3.0f}  "
            f"{_tie_class(X, opt['adjacency'], truth)}"
        )


def _lasso_optimum(lams: list[float], seeds: range) -> None:
    """SHD/SID of the exact optimum of the L1-penalised least-squares score."""
    from engine.dag import compare_graphs

    print(
        "\nExact optimum of NOTEARS-L1's score (1/2n squared loss + lambda * L1, "
        "over all DAGs): lasso support, SHD/SID per seed (column order) and median"
    )
    for lam in lams:
        found = []
        for s in seeds:
            X, truth, _ = Data("sachs", s).build()
            found.append(compare_graphs(truth, exhaustive_lasso_optimum(X, lam) != 0))
        per_seed = " ".join(f"{m['shd']:.0f}/{m['sid']:.0f}" for m in found)
        shd = np.median([m["shd"] for m in found])
        sid = np.median([m["sid"] for m in found])
        print(f"  lambda {lam:5.3f}: {per_seed}  median {shd:.0f}/{sid:.0f}")


def main() -> None:
    """Run every method on every seed, print the table and the targets."""
    args = _parse()
    jobs = []
    for s in range(args.first_seed, args.first_seed + args.seeds):
        data = Data("sachs", s)
        for m in args.methods:
            epochs = args.dagdb_epochs if m.startswith("DAG-DB") else None
            jobs.append(Job(data, m, s, epochs, args.threads))
    print(
        f"{len(jobs)} fits, executor {args.executor}, {args.threads} thread(s) per fit",
        flush=True,
    )
    start = time.perf_counter()
    results = run_all(jobs, args.executor, args.workers)
    print_table(results, CELL, args.seeds)
    _targets(results)
    if args.optimum:
        _optimum(results, range(args.first_seed, args.first_seed + args.seeds))
    if args.lasso_optimum:
        _lasso_optimum(
            args.lasso_optimum, range(args.first_seed, args.first_seed + args.seeds)
        )
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    if args.json:
        write_json(args.json, {"args": vars(args), "fits": results})


if __name__ == "__main__":
    main()
