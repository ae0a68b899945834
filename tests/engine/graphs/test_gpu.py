"""GPU path of LDS (skipped without CUDA)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.graphs import learn_graph, make_split

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"),
]


def test_learn_graph_on_cuda_matches_cpu_quality(seed):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(3), 20)
    X = rng.normal(size=(3, 6))[y] * 1.5 + rng.normal(size=(60, 6))
    split = make_split(y, 9, 12, seed=seed)
    opts = dict(max_outer_iter=8, patience=4, inner_max_steps=60, n_samples=4)
    gpu = learn_graph(X, y, split=split, seed=seed, device="cuda", k=5, **opts)
    cpu = learn_graph(X, y, split=split, seed=seed, device="cpu", k=5, **opts)
    assert gpu.device.startswith("cuda")
    assert abs(gpu.test_accuracy - cpu.test_accuracy) < 0.15
    assert np.isfinite(gpu.edge_probabilities).all()
