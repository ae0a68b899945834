"""Edge crossings of the DAG drawings against networkx's layered layout.

Run from the repository root: ``python bench/dag_layout.py [--seeds 3]``. Both
layouts put every node on the row of its topological generation (networkx:
``topological_generations`` + ``multipartite_layout``, nodes of a row in index
order; ours: :func:`engine.plots.dag.layered_layout`, which orders each row by
the barycentre of its neighbours and wraps rows wider than ``ROW_WIDTH`` nodes).
The graphs are the simulator's ER2 DAGs at d = 11, 20, 30 and 50. Crossings are
counted as pairs of straight edges (no shared end) whose segments properly
intersect; an edge that runs through a node is not counted. Fewer is better; the
ratio is ours over networkx's.
"""

from __future__ import annotations

import argparse
import itertools

import networkx as nx
import numpy as np

from engine.dag import simulate_sem
from engine.plots.dag import ROW_WIDTH, layered_layout


def _turn(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> float:
    """Signed area of (p, q, r): > 0 for a left turn."""
    return float((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))


def crossings(pos: np.ndarray, adjacency: np.ndarray) -> int:
    """Pairs of edges without a shared end whose segments cross."""
    edges = [tuple(e) for e in np.argwhere(adjacency)]
    count = 0
    for (a, b), (c, d) in itertools.combinations(edges, 2):
        if len({a, b, c, d}) < 4:
            continue
        p, q, r, s = pos[a], pos[b], pos[c], pos[d]
        if _turn(p, q, r) * _turn(p, q, s) < 0 and _turn(r, s, p) * _turn(r, s, q) < 0:
            count += 1
    return count


def networkx_layout(adjacency: np.ndarray) -> np.ndarray:
    """networkx's layered drawing: one row per topological generation."""
    graph = nx.DiGraph(adjacency.astype(int))
    for layer, nodes in enumerate(nx.topological_generations(graph)):
        for node in nodes:
            graph.nodes[node]["layer"] = layer
    placed = nx.multipartite_layout(graph, subset_key="layer", align="horizontal")
    return np.array([placed[k] for k in range(len(adjacency))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'graph':14s} {'ours':>6s} {'networkx':>9s} {'ratio':>6s}")
    totals = np.zeros(2)
    for d in (11, 20, 30, 50):
        for seed in range(args.seeds):
            a = simulate_sem(d, 10, seed=seed).adjacency != 0
            ours = crossings(layered_layout(a, max_per_row=ROW_WIDTH), a)
            peer = crossings(networkx_layout(a), a)
            totals += (ours, peer)
            ratio = ours / peer if peer else float("nan")
            print(f"ER2 d={d:<3d} s={seed} {ours:6d} {peer:9d} {ratio:6.2f}")
    print(f"{'all':14s} {totals[0]:6.0f} {totals[1]:9.0f} {totals[0] / totals[1]:6.2f}")


if __name__ == "__main__":
    main()
