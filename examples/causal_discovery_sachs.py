"""Causal discovery on the Sachs protein-signalling sample, scored against its truth.

Learns a DAG over the 11 proteins of the bundled Sachs sample (853 observational
cells) with the permutahedron learner and compares it with the 17-edge consensus
graph. The script asserts its headline figures and fails loudly when they regress.

Run from the repository root (takes a few seconds on one CPU core)::

    python examples/causal_discovery_sachs.py

``STRUCTURE_LAB_SEED`` changes the seed (default 0); ``STRUCTURE_LAB_OUTPUT`` the
folder the figure is written to (default ``examples/output/``).

What to expect: the learned *skeleton* is right (every learned edge joins two
proteins that are adjacent in the truth), but edge *directions* are close to a coin
flip: observational Sachs data barely identify them, and the best published methods
reach a directed SHD of 11 to 13 where the empty graph has 17. So the assertions
check the skeleton and the CPDAG distance tightly and the directed SHD only against
the empty graph. Over seeds 0-19 this script measured: skeleton precision 1.0, CPDAG
SHD 11-13, SHD 13-17, SID 49-60 (empty graph: 17, 17, 53).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

import engine
from engine.dag import compare_graphs
from engine.plots import dag_diff_figure, edge_status

SEED = int(os.environ.get("STRUCTURE_LAB_SEED", "0"))
OUT = Path(os.environ.get("STRUCTURE_LAB_OUTPUT", Path(__file__).parent / "output"))

# Small dense problems run faster on one thread; on a busy 2-core machine the
# default two threads made this fit 3-10 times slower.
torch.set_num_threads(1)

sample = engine.load_sample("sachs")
names = list(sample.frame.columns)
truth = np.asarray(sample.truth, dtype=bool)

# Concentrations are heavy-tailed: log, then unit variance, so that neither the
# tails nor the units decide the ordering.
logged = np.log(sample.frame)
X = (logged - logged.mean()) / logged.std()

result = engine.learn_dag(X, method="permutahedron", seed=SEED)
metrics = compare_graphs(truth, result.adjacency)
empty = compare_graphs(truth, np.zeros_like(truth))

learned = result.adjacency
skeleton = truth | truth.T
skeleton_precision = (learned & skeleton).sum() / max(int(learned.sum()), 1)

print(
    f"Sachs: {X.shape[0]} cells x {X.shape[1]} proteins, {int(truth.sum())} true edges"
)
print(f"fit: {result.n_iter} epochs in {result.elapsed_s:.1f} s, seed {result.seed}")
status = {
    edge: key for key, edges in edge_status(truth, learned).items() for edge in edges
}
for source, target, weight in result.edges():
    edge = (names.index(source), names.index(target))
    print(f"  {source:>5} -> {target:<5} weight {weight:+.2f}  {status[edge]}")
print(f"{'metric':<20}{'learned':>8}{'empty':>8}")
for key in ("n_edges", "shd", "shd_cpdag", "sid", "precision", "recall"):
    print(f"{key:<20}{metrics[key]:>8.3g}{empty[key]:>8.3g}")
print(f"{'skeleton precision':<20}{skeleton_precision:>8.3g}")

OUT.mkdir(parents=True, exist_ok=True)
figure = dag_diff_figure(truth, learned, names, title="Sachs: learned vs consensus")
figure.write_html(OUT / "sachs_dag.html")
print(f"figure: {OUT / 'sachs_dag.html'}")

# Headline figures (thresholds from seeds 0-19, with margin).
assert result.adjacency.shape == (11, 11)
assert metrics["n_edges"] >= 4, metrics
assert skeleton_precision >= 0.8, skeleton_precision
assert metrics["shd_cpdag"] <= 14, metrics
assert metrics["shd"] <= empty["shd"], metrics
print("OK")
