"""LDS on wine: learn a graph for node classification and compare with kNN-GCN.

Each of the 178 wines of the bundled sample is a node with 13 chemical features;
only 10 labels are known for training and 20 for validation (the LDS paper's
protocol), the other 148 wines are the test set. kNN-LDS starts from the 10-nearest-
neighbour graph of the features and learns a Bernoulli probability per pair of
nodes together with a two-layer GCN, by hypergradients. kNN-GCN trains the same GCN
on the fixed kNN graph; both are fitted on the same split in the same run.

Run from the repository root (20-30 s of fitting on one CPU core)::

    python examples/lds_wine.py

``STRUCTURE_LAB_SEED`` changes the split and the seed (default 0);
``STRUCTURE_LAB_OUTPUT`` the folder the figures go to (default ``examples/output/``).

What to expect: on wine a kNN graph is already good (91 % of its edges join wines
of one class), so LDS gains a little on average and single seeds go either way.
Over seeds 0-5 this script measured test accuracy 0.919-0.973 for kNN-LDS and
0.905-0.953 for kNN-GCN (means 0.948 and 0.942; LDS minus kNN-GCN between -0.027
and +0.027), learned-graph homophily 0.896-0.904; the paper reports 97.3 and 93.2
averaged over seeds. The assertions check the accuracy, that LDS stays within a few
points of kNN-GCN and that the learned graph keeps mostly same-class edges;
``bench/lds_uci.py`` compares means over seeds.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

import engine
from engine.plots import accuracy_figure, learned_graph_figure

SEED = int(os.environ.get("STRUCTURE_LAB_SEED", "0"))
OUT = Path(os.environ.get("STRUCTURE_LAB_OUTPUT", Path(__file__).parent / "output"))

# Small dense problems run faster on one thread; on a busy 2-core machine the
# default two threads made this fit 5-7 times slower.
torch.set_num_threads(1)

sample = engine.load_sample("wine")
X = sample.frame.drop(columns=[sample.target])
y = sample.frame[sample.target]

# the library's defaults (the paper's): kNN graph with k = 10, tau = 5, outer_lr 1
result = engine.learn_graph(
    X, y, split="wine", seed=SEED, baselines=("knn_gcn", "logreg", "label_propagation")
)
knn_gcn = result.baselines["knn_gcn"]["test_accuracy"]

counts = {
    name: int((result.split == code).sum())
    for code, name in enumerate(("train", "validation", "early stopping", "test"))
}
print(f"wine: {result.n_nodes} nodes, split {counts}")
print(
    f"LDS: {result.n_outer_iter} outer iterations (best {result.best_iter}), "
    f"{result.timings['fit']:.1f} s, seed {result.seed}"
)
print(f"{'method':<20}{'test accuracy':>14}")
print(f"{'kNN-LDS':<20}{result.test_accuracy:>14.3f}")
for name, scores in result.baselines.items():
    print(f"{name:<20}{scores['test_accuracy']:>14.3f}")
print(
    f"expected edges {result.expected_edges:.0f}; edge homophily: kNN graph "
    f"{result.homophily_initial:.3f}, learned {result.homophily_learned:.3f}"
)
print("strongest learned edges:")
print(result.edge_frame().head(5).round(3).to_string(index=False))

OUT.mkdir(parents=True, exist_ok=True)
learned_graph_figure(result, color_by="correctness").write_html(OUT / "wine_graph.html")
accuracy_figure(result).write_html(OUT / "wine_accuracy.html")
print(f"figures: {OUT / 'wine_graph.html'}, {OUT / 'wine_accuracy.html'}")

# Headline figures (thresholds from seeds 0-5, with margin).
assert counts["test"] == 148, counts
assert result.test_accuracy >= 0.88, result.test_accuracy
assert result.test_accuracy >= knn_gcn - 0.05, (result.test_accuracy, knn_gcn)
assert result.homophily_learned >= 0.75, result.homophily_learned
print("OK")
