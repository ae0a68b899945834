"""The LDS outer loop with stubbed parts: the projected SGD step, weights drawn
afresh every outer iteration, early stopping with patience."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import engine.graphs.lds as lds_module
from engine.graphs import LdsConfig, learn_graph, make_split
from engine.graphs.hypergrad import AdamState

N = 12


def _data(seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.arange(N) % 2
    X = rng.normal(size=(N, 3)) + y[:, None]
    return X, y, make_split(y, 4, 4, seed=0)


def test_outer_step_is_projected_sgd_with_inverse_time_decay(monkeypatch):
    seen = []
    g = torch.zeros(N, N)
    g[0, 1], g[0, 2], g[1, 2] = 0.1, -0.3, 10.0

    def stub(problem, theta, lam, state, seeds, eval_seed, sampler, *, learn_lr):
        seen.append((theta.clone(), float(lam), len(seeds)))
        return g.clone(), torch.tensor(0.5), state, [1.0] * len(seeds)

    monkeypatch.setattr(lds_module, "hypergradient_reverse", stub)
    X, y, split = _data()
    config = LdsConfig(
        tau=2, inner_max_steps=4, outer_lr=2.0, outer_lr_decay=0.5, inner_patience=50
    )
    task = lds_module.prepare_task(X, y, split, None, config, seed=0)
    tensors = lds_module._tensors(task, config, torch.device("cpu"), torch.float32)
    theta = torch.triu(torch.full((N, N), 0.5), 1)
    lam = torch.tensor(0.0)
    state = AdamState.fresh([torch.zeros(3, 16), torch.zeros(16, 2)])
    theta, lam, _, steps, inner = lds_module._inner_run(
        tensors, config, theta, lam, state, None, np.random.default_rng(0), 3
    )
    eta = [2.0 / (1 + 0.5 * 3), 2.0 / (1 + 0.5 * 4)]  # k = 3, 4 hyper-steps so far
    assert steps == 5 and inner["steps"] == 4 and len(seen) == 2
    assert seen[1][0][0, 1] == pytest.approx(0.5 - eta[0] * 0.1)  # sees the new θ
    assert float(theta[0, 1]) == pytest.approx(0.5 - sum(eta) * 0.1)
    assert float(theta[0, 2]) == pytest.approx(min(1.0, 0.5 + sum(eta) * 0.3))
    assert float(theta[1, 2]) == 0.0  # clipped at 0
    assert float(theta[3, 4]) == 0.5  # untouched where the gradient is 0
    assert torch.equal(theta, torch.triu(theta, 1))  # nothing below the diagonal
    assert float(lam) == pytest.approx(-sum(eta) * 0.5)  # λ ← λ − η_k g_λ


def test_weights_are_drawn_afresh_with_zero_moments_every_outer_iteration(
    monkeypatch,
):
    starts = []
    original = lds_module._inner_run

    def spy(tensors, config, theta, lam, state, *args):
        starts.append(
            ([w.clone() for w in state.w], state.t, [float(m.abs().sum()) for m in
             state.m + state.v])
        )  # fmt: skip
        return original(tensors, config, theta, lam, state, *args)

    monkeypatch.setattr(lds_module, "_inner_run", spy)
    X, y, split = _data(1)
    learn_graph(
        X, y, split=split, seed=0, device="cpu", k=3, max_outer_iter=3, patience=5,
        inner_max_steps=10, n_samples=2,
    )  # fmt: skip
    assert len(starts) == 3
    for _, t, moments in starts:
        assert t == 0 and moments == [0.0] * 4
    for a, b in itertools.pairwise(starts):
        assert not torch.equal(a[0][0], b[0][0])


def test_early_stopping_patience_keeps_the_best_outer_iteration(monkeypatch):
    scores = iter([0.5, 0.7, 0.6, 0.7, 0.9, 0.1, 0.2, 0.3, 0.95, 0.99])
    original = lds_module._record

    def fake(*args):
        original(*args)
        return (next(scores), 0.0)

    monkeypatch.setattr(lds_module, "_record", fake)
    X, y, split = _data(2)
    res = learn_graph(
        X, y, split=split, seed=0, device="cpu", k=3, max_outer_iter=10, patience=3,
        inner_max_steps=5, n_samples=1,
    )  # fmt: skip
    # 0.7 at iteration 1; a tie (3) does not reset the patience, 0.9 at 4 does; 5, 6
    # and 7 do not improve: the fit stops after iteration 7 and keeps iteration 4
    assert res.best_iter == 4 and res.n_outer_iter == 8
    assert len(res.history["es_accuracy"]) == 8


def test_a_nan_step_of_the_edge_probabilities_stops_the_fit_with_an_error(
    monkeypatch,
):
    # a NaN θ was kept: the fit returned NaN edge probabilities and chance
    # accuracy with no word
    from engine.errors import NumericalError

    def stub(problem, theta, lam, state, seeds, eval_seed, sampler, *, learn_lr):
        g = torch.zeros_like(theta)
        g[0, 1] = float("nan")
        return g, torch.tensor(0.0), state, [1.0] * len(seeds)

    monkeypatch.setattr(lds_module, "hypergradient_reverse", stub)
    X, y, split = _data()
    with pytest.raises(NumericalError) as info:
        learn_graph(X, y, split=split, seed=0, max_outer_iter=2, outer_lr=3.0)
    message = str(info.value)
    assert message.startswith(
        "learn_graph: the edge probabilities became NaN or infinite at "
        "hypergradient step 1 (outer_lr=3.0, inner_lr=0.02)"
    )
    assert "Lower 'outer_lr' (default 1.0)" in message


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_a_non_finite_outer_lr_is_refused_by_name(value):
    # outer_lr=inf was accepted: NaN graph, chance accuracy, no error
    from engine.errors import ConfigError

    X, y, split = _data()
    with pytest.raises(ConfigError) as info:
        learn_graph(X, y, split=split, outer_lr=value)
    assert str(info.value) == (
        f"LdsConfig: 'outer_lr' must be a finite number >= 0.0; got {value!r}."
    )
