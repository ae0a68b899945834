"""A dense two-layer GCN written as pure functions of its weights.

The model is Kipf and Welling's graph convolutional network without biases:

    logits = Â · dropout(ReLU(Â X W1)) · W2,   Â = D̃^{-1/2} (A + I) D̃^{-1/2},

with D̃ the row sums of ``A + I``. ``Â`` is never built: ``Â M`` is computed as
``d ⊙ ((A + I)(d ⊙ M))`` with ``d = (rowsum(A) + 1)^{-1/2}``, so autograd keeps only
``A`` and N×H matrices. The weights are a list of tensors ``[W1, W2]`` rather than
a module, so that the differentiable inner loop of LDS can pass new weights at every
step and differentiate through them.

Every product with the adjacency goes through :func:`adjacency_matmul`. ``A`` may
be a dense tensor or (for sampled graphs, which are sparse) a sparse CSR tensor.
Inside :class:`AdjacencyGradient` the derivative with respect to ``A`` is not left
to autograd (which would form an N×N outer product for every use of ``A``, twice
per use under double backward); each product ``A S`` instead gets a zero "probe"
``Z`` added to its output, and ``∂F/∂A = Σ (∂F/∂Z) Sᵀ`` is collected as low-rank
factors and summed with one matrix product at the end (see
:mod:`engine.graphs.hypergrad`).

References
----------
T. N. Kipf and M. Welling, "Semi-Supervised Classification with Graph Convolutional
Networks", ICLR 2017.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn.functional as F

__all__ = [
    "AdjacencyGradient",
    "adjacency_matmul",
    "gcn_forward",
    "glorot_weights",
    "normalized_propagate",
    "train_loss",
]

_LOCAL = threading.local()


class AdjacencyGradient:
    """Collects ``∂F/∂A`` of a computation as low-rank factors.

    Use :meth:`record` around the forward (and first-order backward) computation
    that uses ``A`` (which must not require grad), ask autograd for the gradient
    of ``F`` with respect to :attr:`probes` as well, then pass those gradients to
    :meth:`add`. :meth:`symmetric_upper` returns ``triu(G + Gᵀ, 1)`` of the total
    ``G = ∂F/∂A`` over every recorded computation.

    Each recorded product ``A S`` (S of shape (n, k)) contributes ``P Sᵀ`` with
    ``P = ∂F/∂Z`` the gradient of its probe; a product ``Aᵀ S`` made by the
    backward pass contributes ``S Pᵀ``. Factors are summed into one dense
    (n, n) buffer by a single ``addmm`` whenever ``budget`` columns have
    accumulated, so memory is O(n·budget + n²), whatever the number of products.

    Parameters
    ----------
    budget : int, default=512
        Factor columns kept before they are summed into the dense buffer.
    """

    def __init__(self, budget: int = 512) -> None:
        self.budget = budget
        self._entries: list[tuple[torch.Tensor, torch.Tensor, bool]] = []
        self._left: list[torch.Tensor] = []
        self._right: list[torch.Tensor] = []
        self._cols = 0
        self._total: torch.Tensor | None = None

    @contextmanager
    def record(self) -> Iterator[AdjacencyGradient]:
        """Record the adjacency products made inside the block (this thread)."""
        previous = getattr(_LOCAL, "recorder", None)
        self._entries = []
        _LOCAL.recorder = self
        try:
            yield self
        finally:
            _LOCAL.recorder = previous

    @property
    def probes(self) -> list[torch.Tensor]:
        """Zero tensors, one per recorded product, to differentiate against."""
        return [z for z, _, _ in self._entries]

    def probe(self, S: torch.Tensor, transpose: bool) -> torch.Tensor:
        """A new zero probe for the product of ``A`` (or ``Aᵀ``) with ``S``."""
        z = torch.zeros_like(S, requires_grad=True)
        self._entries.append((z, S.detach(), transpose))
        return z

    def add(self, probe_grads: Sequence[torch.Tensor | None]) -> None:
        """Accumulate the factors of the recorded products.

        Parameters
        ----------
        probe_grads : sequence of Tensor or None
            ``∂F/∂Z`` for every tensor of :attr:`probes`, in order (``None`` for
            products that do not reach ``F``).
        """
        for (_, S, transpose), P in zip(self._entries, probe_grads, strict=True):
            if P is None:
                continue
            left, right = (S, P.detach()) if transpose else (P.detach(), S)
            self._left.append(left)
            self._right.append(right)
            self._cols += left.shape[1]
            if self._cols >= self.budget:
                self._flush()
        self._entries = []

    def _flush(self) -> None:
        if not self._left:
            return
        L = torch.cat(self._left, dim=1)
        R = torch.cat(self._right, dim=1)
        if self._total is None:
            n = L.shape[0]
            self._total = torch.zeros(n, n, dtype=L.dtype, device=L.device)
        self._total.addmm_(L, R.T)
        self._left, self._right, self._cols = [], [], 0

    def symmetric_upper(self, n_nodes: int, like: torch.Tensor) -> torch.Tensor:
        """``triu(G + Gᵀ, 1)`` of the accumulated gradient, shape (n, n).

        Parameters
        ----------
        n_nodes : int
        like : Tensor
            Gives the dtype and device when nothing was accumulated.
        """
        self._flush()
        if self._total is None:
            return torch.zeros(n_nodes, n_nodes, dtype=like.dtype, device=like.device)
        total, self._total = self._total, None
        # (G + Gᵀ) restricted to i < j, without a second N×N buffer
        lower_t = total.T.triu(1)  # G_ji at (i, j)
        return total.triu_(1).add_(lower_t)


def _is_sparse(A: torch.Tensor) -> bool:
    return A.layout != torch.strided


def _product(A: torch.Tensor, S: torch.Tensor) -> torch.Tensor:
    return torch.sparse.mm(A, S) if _is_sparse(A) else A @ S


class _SymmetricMatmul(torch.autograd.Function):
    """``A @ S`` for a symmetric ``A`` that never receives a gradient.

    With a recorder, a zero probe ``Z`` stands for the output so that the
    adjacency gradient can be assembled from factors; the backward product
    ``Aᵀ G = A G`` is recorded the same way when it is itself differentiated
    (double backward).
    """

    @staticmethod
    def forward(
        ctx: Any,
        A: torch.Tensor,
        S: torch.Tensor,
        probe: torch.Tensor | None,
        recorder: AdjacencyGradient | None,
        transpose: bool,
    ) -> torch.Tensor:
        ctx.save_for_backward(A)
        ctx.recorder, ctx.transpose = recorder, transpose
        return _product(A, S)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        (A,) = ctx.saved_tensors
        grad_S = None
        if ctx.needs_input_grad[1]:
            grad_S = _symmetric_matmul(A, grad, ctx.recorder, not ctx.transpose)
        grad_probe = grad if ctx.needs_input_grad[2] else None
        return None, grad_S, grad_probe, None, None


def _symmetric_matmul(
    A: torch.Tensor,
    S: torch.Tensor,
    recorder: AdjacencyGradient | None,
    transpose: bool,
) -> torch.Tensor:
    if not torch.is_grad_enabled():
        return _product(A, S)
    probe = recorder.probe(S, transpose) if recorder is not None else None
    return _SymmetricMatmul.apply(A, S, probe, recorder, transpose)


def adjacency_matmul(A: torch.Tensor, S: torch.Tensor) -> torch.Tensor:
    """``A @ S`` for a symmetric adjacency, dense or sparse.

    Plain autograd when ``A`` is dense and no :class:`AdjacencyGradient` is
    recording (``A`` may then require grad, as in the unrolled reference); the
    probe mechanism otherwise.

    Parameters
    ----------
    A : Tensor of shape (n_nodes, n_nodes)
        Symmetric; dense (strided) or sparse CSR/COO.
    S : Tensor of shape (n_nodes, k)

    Returns
    -------
    Tensor of shape (n_nodes, k)
    """
    recorder = getattr(_LOCAL, "recorder", None)
    if recorder is None and not _is_sparse(A):
        return A @ S
    if A.requires_grad:
        raise ValueError(
            "adjacency_matmul: a recorded or sparse adjacency must not require grad."
        )
    return _symmetric_matmul(A, S, recorder, False)


def degree_scale(A: torch.Tensor) -> torch.Tensor:
    """Return ``d = (rowsum(A) + 1)^{-1/2}`` of shape (n_nodes, 1).

    Parameters
    ----------
    A : Tensor of shape (n_nodes, n_nodes)
        Adjacency without self-loops (the identity is added here).
    """
    ones = torch.ones(A.shape[0], 1, dtype=A.dtype, device=A.device)
    return (adjacency_matmul(A, ones) + 1.0).rsqrt()


def normalized_propagate(
    A: torch.Tensor, M: torch.Tensor, d: torch.Tensor | None = None
) -> torch.Tensor:
    """Compute ``Â M`` with ``Â = D̃^{-1/2}(A + I)D̃^{-1/2}`` without forming ``Â``.

    Parameters
    ----------
    A : Tensor of shape (n_nodes, n_nodes)
        Symmetric adjacency without self-loops; may be a 0/1 sample or weighted,
        dense or sparse.
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
    return d * (adjacency_matmul(A, scaled) + scaled)


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
