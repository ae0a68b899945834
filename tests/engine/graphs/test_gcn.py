"""GCN normalisation and forward pass on hand-computed examples."""

from __future__ import annotations

import numpy as np
import torch

from engine.graphs.gcn import gcn_forward, normalized_propagate


def test_normalized_propagate_matches_hand_computed_path_graph():
    # path 0 - 1 - 2: degrees with self-loops 2, 3, 2
    A = torch.tensor([[0.0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=torch.float64)
    d = 1 / np.sqrt([2.0, 3.0, 2.0])
    expected = np.array(
        [
            [d[0] * d[0], d[0] * d[1], 0.0],
            [d[1] * d[0], d[1] * d[1], d[1] * d[2]],
            [0.0, d[2] * d[1], d[2] * d[2]],
        ]
    )
    got = normalized_propagate(A, torch.eye(3, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert abs(got[0, 0] - 0.5) < 1e-12 and abs(got[0, 1] - 1 / np.sqrt(6)) < 1e-12


def test_normalized_propagate_of_isolated_node_is_identity():
    A = torch.zeros(2, 2, dtype=torch.float64)
    M = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    assert torch.equal(normalized_propagate(A, M), M)


def test_gcn_forward_equals_explicit_normalised_matrix(seed):
    gen = torch.Generator().manual_seed(seed)
    n = 7
    upper = torch.triu((torch.rand(n, n, generator=gen) < 0.4).double(), 1)
    A = upper + upper.T
    X = torch.randn(n, 3, generator=gen, dtype=torch.float64)
    W1 = torch.randn(3, 4, generator=gen, dtype=torch.float64)
    W2 = torch.randn(4, 2, generator=gen, dtype=torch.float64)
    A_tilde = A + torch.eye(n, dtype=torch.float64)
    D = torch.diag(A_tilde.sum(1).rsqrt())
    A_hat = D @ A_tilde @ D
    expected = A_hat @ torch.relu(A_hat @ X @ W1) @ W2
    torch.testing.assert_close(gcn_forward([W1, W2], X, A), expected)
