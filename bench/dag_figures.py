"""Time to build the DAG figures of :mod:`engine.plots` on random DAGs.

A random DAG with ``d`` nodes and ``edges`` edges (random order, random signed
weights) is drawn with ``dag_figure`` (one node selected, as on the Causal page),
``dag_diff_figure`` (against a perturbed copy) and ``bootstrap_figure``; each is
built ``--repeat`` times and the best time is printed, with the time of
``fig.to_json()`` (what Streamlit serialises on every rerun).

Usage::

    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_figures.py
    OMP_NUM_THREADS=1 .venv/bin/python bench/dag_figures.py --size 50:196 \\
        --size 200:382 --repeat 3
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from engine.plots.bootstrap import bootstrap_figure
from engine.plots.dag import dag_diff_figure, dag_figure


def random_dag(d: int, n_edges: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A random DAG (d, d) with ``n_edges`` edges and its weights in +-[0.5, 2]."""
    rng = np.random.default_rng(seed)
    upper = np.flatnonzero(np.triu(np.ones((d, d), dtype=bool), 1))
    if n_edges > upper.size:
        raise SystemExit(f"at most {upper.size} edges fit in a DAG on {d} nodes")
    a = np.zeros(d * d, dtype=bool)
    a[rng.choice(upper, n_edges, replace=False)] = True
    order = rng.permutation(d)
    a = a.reshape(d, d)[np.ix_(order, order)]
    w = rng.uniform(0.5, 2.0, (d, d)) * rng.choice([-1.0, 1.0], (d, d)) * a
    return a, w


def best_of(repeat: int, build: Callable[[], object]) -> tuple[float, float]:
    """Best build time and best ``to_json`` time over ``repeat`` runs, in s."""
    builds, dumps = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fig = build()
        t1 = time.perf_counter()
        fig.to_json()
        dumps.append(time.perf_counter() - t1)
        builds.append(t1 - t0)
    return min(builds), min(dumps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size",
        action="append",
        help="d:edges, repeatable (default 50:91, 50:196, 200:382)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = args.size or ["50:91", "50:196", "200:382"]
    print(f"{'figure':<18}{'d':>5}{'edges':>7}{'build s':>10}{'to_json s':>11}")
    for size in sizes:
        d, n_edges = map(int, size.split(":"))
        a, w = random_dag(d, n_edges)
        names = [f"x{k}" for k in range(d)]
        rng = np.random.default_rng(1)
        pred = a.copy()
        flip = rng.random(a.shape) < 0.01
        pred = np.triu(pred ^ flip, 1) | np.tril(pred, -1)
        freq = np.clip(a * 0.8 + rng.random(a.shape) * 0.3, 0, 1) * (a | a.T)
        figures = {
            "dag_figure": partial(dag_figure, a, w, names, selected=0),
            "dag_diff_figure": partial(dag_diff_figure, a, pred, names),
            "bootstrap_figure": partial(bootstrap_figure, freq, a, names),
        }
        for label, build in figures.items():
            t_build, t_json = best_of(args.repeat, build)
            print(f"{label:<18}{d:>5}{n_edges:>7}{t_build:>10.3f}{t_json:>11.3f}")


if __name__ == "__main__":
    main()
