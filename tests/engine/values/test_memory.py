"""The memory budget of ``explain``, measured as the peak of live tensor bytes.

Resident size and wall time are noisy; the bytes of the tensors torch allocates
while a call runs are not. :class:`PeakTensorBytes` sees every tensor an aten
operation returns (intermediates of composite operations such as ``einsum``
included) and counts its storage until the storage is freed.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

from engine.values import explain

# Small, yet above the floor of one call: the background of one explained row
# (2000 rows x up to 120 columns, 1.8 MiB) goes through the model at once.
BUDGET = 4 * 2**20


class PeakTensorBytes(TorchDispatchMode):
    """Live and peak bytes of the tensor storages allocated inside the block."""

    def __init__(self) -> None:
        super().__init__()
        self.live = 0
        self.peak = 0
        self._counted: set[int] = set()

    def __torch_dispatch__(
        self,
        func: Any,
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        out = func(*args, **(kwargs or {}))
        for t in tree_flatten(out)[0]:
            if not isinstance(t, torch.Tensor):
                continue
            storage = t.untyped_storage()
            key, size = storage.data_ptr(), storage.nbytes()
            if size == 0 or key in self._counted:
                continue  # a view, an in-place result or an out= argument
            self._counted.add(key)
            self.live += size
            self.peak = max(self.peak, self.live)
            weakref.finalize(storage, self._freed, key, size)
        return out

    def _freed(self, key: int, size: int) -> None:
        self._counted.discard(key)
        self.live -= size


def test_tracker_counts_intermediates_and_frees() -> None:
    with PeakTensorBytes() as tracked:
        a = torch.ones(1000, 100, dtype=torch.float64)  # 800 kB
        b = torch.einsum("ij,kj->ik", a[:10], a[:10])  # small result
        del a
    assert tracked.peak >= 800_000
    assert tracked.live == b.untyped_storage().nbytes()


def _linear_model(d: int, n: int = 2000) -> tuple[LogisticRegression, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, d))
    y = (X[:, :3] @ np.array([1.0, -1.0, 0.5]) > 0).astype(int) + (X[:, 3] > 1)
    return LogisticRegression(max_iter=500).fit(X, y), X


# (features, players, estimator): one player per column sampled by orderings, and
# ten-column groups enumerated exactly; both evaluate the linear model in torch
CASES = [
    (60, None, "permutation"),
    (120, [list(range(g, g + 10)) for g in range(0, 120, 10)], "exact"),
]


@pytest.mark.parametrize(("d", "players", "estimator"), CASES)
def test_linear_sklearn_model_stays_within_the_memory_budget(
    d: int, players: list[list[int]] | None, estimator: str
) -> None:
    # the torch twin of a logistic regression used to build each player's
    # first-layer increment with one einsum whose (players x background rows x
    # columns) intermediate ignored the budget: peaks of 15 MiB (permutation)
    # and 28 MiB (exact) here under a 4 MiB budget, 800 MiB for 100 features and
    # 10 000 background rows under the default 256 MiB
    model, X = _linear_model(d)
    kw = dict(background=X, max_background=len(X), players=players, seed=0)
    with PeakTensorBytes() as tracked:
        values = explain(
            model,
            X[:1],
            estimator=estimator,
            n_samples=None if estimator == "exact" else 2,  # exact refuses one
            memory_budget=BUDGET,
            **kw,
        )
    assert values.config["model_kind"] == "sklearn-torch"
    assert values.config["n_background"] == len(X)
    inputs = X.nbytes  # the background as a tensor, held for the whole call
    assert tracked.peak <= BUDGET + inputs, f"peak {tracked.peak / 2**20:.2f} MiB"


@pytest.mark.parametrize(("d", "players", "estimator"), CASES)
def test_linear_sklearn_values_do_not_depend_on_the_budget(
    d: int, players: list[list[int]] | None, estimator: str
) -> None:
    model, X = _linear_model(d, n=600)
    kw = dict(
        background=X,
        max_background=len(X),
        players=players,
        seed=0,
        estimator=estimator,
        n_samples=None if estimator == "exact" else 4,  # exact refuses a count
    )
    tiny = explain(model, X[:2], memory_budget=2**16, **kw)
    large = explain(model, X[:2], **kw)
    np.testing.assert_allclose(tiny.transitions, large.transitions, rtol=0, atol=1e-12)
    assert tiny.n_model_rows == large.n_model_rows


def test_a_wide_torch_module_is_batched_by_its_widest_layer() -> None:
    # batches were sized by the inputs and outputs alone: a 2048-unit hidden
    # layer then held 9 700 rows x 2048 floats (76 MiB) under a 4 MiB budget
    from engine.values.models import as_probability_model

    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(6, 2048), torch.nn.ReLU(), torch.nn.Linear(2048, 3)
    )
    X = np.random.default_rng(0).normal(size=(200, 6))
    assert as_probability_model(net, X[:5]).hidden_width == 2048
    with PeakTensorBytes() as tracked:
        values = explain(
            net, X[:1], background=X, estimator="exact", memory_budget=BUDGET, seed=0
        )
    assert values.config["model_kind"] == "torch"
    assert tracked.peak <= BUDGET + X.nbytes, f"peak {tracked.peak / 2**20:.2f} MiB"
