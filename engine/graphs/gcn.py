"""A dense two-layer GCN written as pure functions of its weights.

The model is Kipf and Welling's graph convolutional network without biases:

    logits = Â · dropout(ReLU(Â X W1)) · W2,   Â = D̃^{-1/2} (A + I) D̃^{-1/2},

with D̃ the row sums of ``A + I``. ``Â`` is never built: ``Â M`` is computed as
``d ⊙ ((A + I)(d ⊙ M))`` with ``d = (rowsum(A) + 1)^{-1/2}``, so autograd keeps only
``A`` and N×H matrices. The weights are a list of tensors ``[W1, W2]`` rather than
a module, so that the differentiable inner loop of LDS can pass new weights at every
step and differentiate through them.

References
----------
T. N. Kipf and M. Welling, "Semi-Supervised Classification with Graph Convolutional
Networks", ICLR 2017.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = [
    "gcn_forward",
    "glorot_weights",
    "normalized_propagate",
    "train_loss",
]


def degree_scale(A: torch.Tensor) -> torch.Tensor:
    """Return ``d = (rowsum(A) + 1)^{-1/2}`` of shape (n_nodes, 1).

    Parameters
    ----------
    A : Tensor of shape (n_nodes, n_nodes)
        Adjacency without self-loops (the identity is added here).
    """
    return (A.sum(dim=1, keepdim=True) + 1.0).rsqrt()


def normalized_propagate(
    A: torch.Tensor, M: torch.Tensor, d: torch.Tensor | None = None
) -> torch.Tensor:
    """Compute ``Â M`` with ``Â = D̃^{-1/2}(A + I)D̃^{-1/2}`` without forming ``Â``.

    Parameters
    ----------
    A : Tensor of shape (n_nodes, n_nodes)
        Adjacency without self-loops; may be a 0/1 sample or weighted.
    M : Tensor of shape (n_nodes, n_columns)
        Matrix to propagate.
    d : Tensor of shape (n_nodes, 1), optional
        Precomputed :func:`degree_scale` of ``A``.

    Returns
    -------
    Tensor of shape (n_nodes, n_columns)

    Examples
    --------
    >>> A = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> normalized_propagate(A, torch.eye(2))
    tensor([[0.5000, 0.5000],
            [0.5000, 0.5000]])
    """
    if d is None:
        d = degree_scale(A)
    scaled = d * M
    return d * (A @ scaled + scaled)


def glorot_weights(
    n_features: int,
    n_hidden: int,
    n_classes: int,
    generator: torch.Generator,
    *,
    device: torch.device | str = "cpu",
    dtype: torch.dtype = torch.float32,
) -> list[torch.Tensor]:
    """Draw ``[W1, W2]`` from the Glorot-uniform distribution.

    Parameters
    ----------
    n_features, n_hidden, n_classes : int
        Layer sizes; ``W1`` is (n_features, n_hidden), ``W2`` (n_hidden, n_classes).
    generator : torch.Generator
        Source of randomness (on ``device``).
    device : torch.device or str, default="cpu"
    dtype : torch.dtype, default=torch.float32

    Returns
    -------
    list of Tensor
        ``[W1, W2]``.
    """
    out = []
    for fan_in, fan_out in ((n_features, n_hidden), (n_hidden, n_classes)):
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        u = torch.rand(fan_in, fan_out, generator=generator, device=device, dtype=dtype)
        out.append((2.0 * u - 1.0) * bound)
    return out


def gcn_forward(
    weights: list[torch.Tensor],
    X: torch.Tensor,
    A: torch.Tensor,
    dropout_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """Logits of the two-layer GCN.

    Parameters
    ----------
    weights : list of Tensor
        ``[W1 (n_features, n_hidden), W2 (n_hidden, n_classes)]``.
    X : Tensor of shape (n_nodes, n_features)
    A : Tensor of shape (n_nodes, n_nodes)
        Symmetric adjacency without self-loops.
    dropout_mask : Tensor of shape (n_nodes, n_hidden), optional
        Inverted-dropout multipliers (0 or 1/keep) for the hidden layer; ``None``
        means no dropout (evaluation).

    Returns
    -------
    Tensor of shape (n_nodes, n_classes)
    """
    W1, W2 = weights
    d = degree_scale(A)
    hidden = torch.relu(normalized_propagate(A, X @ W1, d))
    if dropout_mask is not None:
        hidden = hidden * dropout_mask
    return normalized_propagate(A, hidden @ W2, d)


def train_loss(
    weights: list[torch.Tensor],
    X: torch.Tensor,
    A: torch.Tensor,
    y: torch.Tensor,
    index: torch.Tensor,
    *,
    dropout_mask: torch.Tensor | None = None,
    weight_decay: float = 0.0,
) -> torch.Tensor:
    """Mean cross-entropy on ``index`` plus ``weight_decay · ½‖W1‖²``.

    Parameters
    ----------
    weights : list of Tensor
        ``[W1, W2]``.
    X : Tensor of shape (n_nodes, n_features)
    A : Tensor of shape (n_nodes, n_nodes)
    y : Tensor of shape (n_nodes,), int64
        Class indices (entries outside ``index`` are ignored).
    index : Tensor of shape (n_index,), int64
        Nodes the loss is taken over.
    dropout_mask : Tensor of shape (n_nodes, n_hidden), optional
    weight_decay : float, default=0.0
        L2 factor on the first layer only (half the squared norm).

    Returns
    -------
    Tensor
        Scalar loss.
    """
    logits = gcn_forward(weights, X, A, dropout_mask)
    loss = F.cross_entropy(logits[index], y[index])
    if weight_decay:
        loss = loss + 0.5 * weight_decay * (weights[0] ** 2).sum()
    return loss
