"""Write the synthetic linear-Gaussian sample and its true graph.

Run from the repository root: ``python sample_data/make_synthetic.py``. The output is
fixed by the seed below:

* ``linear_gaussian.csv``: n = 1000 rows over d = 10 columns ``X1 .. X10``;
* ``linear_gaussian_truth.csv``: the edge list ``source,target,weight`` of the DAG.

Model: an Erdős–Rényi DAG with 15 edges (uniform over the pairs that go forward in a
random causal order, then the nodes are shuffled so that the column order reveals
nothing), edge weights drawn uniformly from [-2, -0.5] ∪ [0.5, 2], and the linear
structural equations X_j = sum_i W[i, j] X_i + e_j with e_j ~ N(0, 1) for every node
(equal noise variances). As in most published benchmarks of this kind the marginal
variances grow along the causal order ("varsortability"); standardise the data to
remove that cue.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20230601
N_SAMPLES = 1000
N_NODES = 10
N_EDGES = 15


def random_dag(rng: np.random.Generator, d: int, m: int) -> np.ndarray:
    """Weighted adjacency (d, d) of a random DAG with ``m`` edges; W[i, j]: i -> j."""
    order = rng.permutation(d)
    forward = [(order[a], order[b]) for a in range(d) for b in range(a + 1, d)]
    picks = rng.choice(len(forward), size=m, replace=False)
    W = np.zeros((d, d))
    for k in picks:
        i, j = forward[k]
        W[i, j] = rng.uniform(0.5, 2.0) * rng.choice([-1.0, 1.0])
    return W


def simulate(rng: np.random.Generator, W: np.ndarray, n: int) -> np.ndarray:
    """Sample n rows of the linear SEM with standard normal noise."""
    d = W.shape[0]
    noise = rng.standard_normal((n, d))
    # X = X W + E  <=>  X (I - W) = E
    return np.linalg.solve((np.eye(d) - W).T, noise.T).T


def main() -> None:
    rng = np.random.default_rng(SEED)
    W = random_dag(rng, N_NODES, N_EDGES)
    X = simulate(rng, W, N_SAMPLES)
    names = [f"X{k + 1}" for k in range(N_NODES)]
    pd.DataFrame(X, columns=names).to_csv(
        HERE / "linear_gaussian.csv", index=False, float_format="%.6f"
    )
    src, dst = np.nonzero(W)
    edges = pd.DataFrame(
        {
            "source": [names[i] for i in src],
            "target": [names[j] for j in dst],
            "weight": np.round(W[src, dst], 6),
        }
    )
    edges.to_csv(HERE / "linear_gaussian_truth.csv", index=False)
    print(f"wrote linear_gaussian.csv {X.shape} and {len(edges)} edges")


if __name__ == "__main__":
    main()
