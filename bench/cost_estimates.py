"""The cost estimates the pages warn with, against measured process time.

Run from the repository root: ``OMP_NUM_THREADS=1 python bench/cost_estimates.py
[--epochs 6] [--outer 2] [--baselines]``. One torch thread; times are
``time.process_time()`` of this process, so other jobs on the machine slow them
less than wall time (the memory caches they share still do).

The table is the one a tester drove the pages with: ``rows`` x ``columns`` normal
numbers around one of three class centres, mixed so that the columns correlate,
standardised (the Causal page's default), with its 3-class label.

* Causal discovery (permutahedron, defaults but ``max_iter=--epochs`` and no
  polish), at 20, 60 and 80 columns and 5 000 rows: seconds per ordering fitted
  (``ordering_seconds``) and per epoch after the first (``n_orderings`` x that;
  the first also holds the greedy start), and the new orderings an epoch fitted.
* Learn a graph (LDS, defaults, no baselines, ``max_outer_iter=--outer``) at
  2 000 and 5 000 nodes: seconds per outer iteration against ``outer_seconds``,
  and per inner step against ``inner_step_seconds``; with ``--baselines`` each
  baseline at 5 000 nodes against ``BASELINE_S``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

import engine.dag.permutahedron as perm
from engine.dag import learn_dag
from engine.graphs import (
    LdsConfig,
    fit_baseline,
    inner_step_seconds,
    learn_graph,
    make_split,
    outer_seconds,
)
from engine.graphs.task import BASELINE_S


def table(rows: int, columns: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Features (rows, columns), standardised, and a 3-class label (rows,)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=rows)
    centres = rng.normal(size=(3, columns))
    mix = np.eye(columns) + rng.normal(size=(columns, columns)) / np.sqrt(columns)
    X = centres[y] + rng.normal(size=(rows, columns)) @ mix
    return (X - X.mean(0)) / X.std(0), y


def dag_row(d: int, n: int, epochs: int) -> str:
    """Estimated and measured seconds per ordering and per epoch at d columns."""
    X, _ = table(n, d)
    fits: list[tuple[int, float]] = []
    fit_edges = perm.fit_edges

    def timed(Xt, masks, *args, **kwargs):  # the orderings of one chunk
        start = time.process_time()
        out = fit_edges(Xt, masks, *args, **kwargs)
        fits.append((int(masks.shape[0]), time.process_time() - start))
        return out

    marks: list[tuple[float, int]] = []

    def progress(event) -> None:
        if event.stage == "train":
            marks.append((time.process_time(), sum(k for k, _ in fits)))

    perm.fit_edges = timed
    try:
        learn_dag(X, seed=0, max_iter=epochs, polish=False, progress=progress)
    finally:
        perm.fit_edges = fit_edges
    orderings = sum(k for k, _ in fits)
    per = sum(s for _, s in fits) / orderings
    later = np.diff([t for t, _ in marks])
    new = np.diff([k for _, k in marks])
    one = perm.ordering_seconds(d)
    k = perm.PermutahedronConfig().n_orderings
    return (
        f"{d:>7} {n:>6} {one:>9.4f} {per:>9.4f} {k * one:>9.3f} "
        f"{later.mean():>9.3f} {new.mean():>6.1f}"
    )


def graph_row(n: int, outer: int) -> str:
    """Estimated and measured seconds per outer iteration and inner step."""
    X, y = table(n, 80)
    split = make_split(y, 10, 20, seed=0)
    marks: list[float] = []

    def progress(event) -> None:
        if event.stage == "outer":
            marks.append(time.process_time())

    start = time.process_time()
    result = learn_graph(
        X,
        y,
        split=split,
        seed=0,
        device="cpu",
        max_outer_iter=outer,
        progress=progress,
    )
    seconds = np.diff([start, *marks])[1:]  # the first also builds the kNN graph
    steps = np.asarray(result.history["inner_steps"])[1 : len(marks)]
    low, high = outer_seconds(n, LdsConfig())
    return (
        f"{n:>6} {low:>6.1f}-{high:<6.1f} {seconds.mean():>9.1f} "
        f"{inner_step_seconds(n):>9.3f} {(seconds / steps).mean():>9.3f} "
        f"{' '.join(f'{s:.0f}' for s in steps):>10}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--outer", type=int, default=3)
    parser.add_argument("--baselines", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("Causal discovery, seconds (estimate / measured process time)")
    print("columns   rows  ordering  measured     epoch  measured    new")
    for d in (20, 60, 80):
        print(dag_row(d, 5_000, args.epochs), flush=True)
    print("\nLearn a graph, 80 features, seconds (estimate / measured)")
    print(" nodes  outer iteration  measured inner step measured     steps")
    for n in (2_000, 5_000):
        print(graph_row(n, args.outer), flush=True)
    if args.baselines:
        X, y = table(5_000, 80)
        split = make_split(y, 10, 20, seed=0)
        print("\nBaselines at 5 000 nodes: estimate, measured (kNN graph included)")
        for name, estimate in BASELINE_S.items():
            start = time.process_time()
            fit_baseline(X, y, method=name, split=split, seed=0, device="cpu")
            print(f"{name:>18} {estimate:>6.1f} {time.process_time() - start:>9.1f}")


if __name__ == "__main__":
    main()
