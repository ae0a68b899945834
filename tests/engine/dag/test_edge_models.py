"""Edge models: the batched backward elimination against a plain reference."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.dag._orderings import complete_dags, ranks_of
from engine.dag.edge_models import FitSettings, backward_select


def _reference(S, mask, required, loss, reg):
    """Greedy backward elimination, every quantity recomputed from scratch."""
    d = S.shape[0]
    parents = [list(np.flatnonzero(mask[:, c])) for c in range(d)]

    def fit(c, pa):
        if not pa:
            return S[c, c], np.zeros(0), np.zeros(0)
        inv = np.linalg.inv(S[np.ix_(pa, pa)])
        beta = inv @ S[pa, c]
        return S[c, c] - S[pa, c] @ beta, beta, np.diag(inv)

    for _ in range(d):
        fits = [fit(c, parents[c]) for c in range(d)]
        total = sum(f[0] for f in fits)
        drops = {}
        for c, (_, beta, g) in enumerate(fits):
            best, arg = np.inf, None
            for k, p in enumerate(parents[c]):
                if required[p, c]:
                    continue
                rise = beta[k] ** 2 / g[k]
                if loss == "nll_ev":
                    cost = 0.5 * d * np.log1p(rise / total)
                else:
                    cost = rise / 2
                if cost < best:
                    best, arg = cost, p
            if best < reg:
                drops[c] = arg
        if not drops:
            break
        for c, p in drops.items():
            parents[c].remove(p)
    a = np.zeros((d, d), dtype=bool)
    for c in range(d):
        a[parents[c], c] = True
    rss = np.array([fit(c, parents[c])[0] for c in range(d)])
    data = 0.5 * d * np.log(rss.sum()) if loss == "nll_ev" else 0.5 * rss.sum()
    free = int((a & ~required).sum())
    return a, data + reg * free


@pytest.mark.parametrize("trial", range(6))
def test_backward_select_matches_plain_reference(trial, seed):
    rng = np.random.default_rng(100 * seed + trial)
    d, n, K = int(rng.integers(3, 9)), 200, int(rng.integers(1, 4))
    X = rng.normal(size=(n, d)) @ (np.eye(d) + np.triu(rng.normal(size=(d, d)), 1))
    X = X - X.mean(0)
    rankings = np.stack([ranks_of(rng.permutation(d)) for _ in range(K)])
    Xt = torch.as_tensor(X)
    masks = complete_dags(rankings, Xt.device, Xt.dtype)
    masks = masks * torch.as_tensor(rng.random((d, d)) > 0.15)  # forbidden edges
    required = (torch.as_tensor(rng.random((d, d)) > 0.9) * masks[0]).to(Xt.dtype)
    loss = ["nll_ev", "sq"][trial % 2]
    reg = float(rng.choice([1e-3, 1e-2, 5e-2]))
    fit = backward_select(Xt, masks, required, FitSettings(loss=loss, pruning_reg=reg))
    S = X.T @ X / n
    for k in range(K):
        req = (required.numpy() * masks[k].numpy()) > 0
        a, value = _reference(S, masks[k].numpy() > 0, req, loss, reg)
        np.testing.assert_array_equal(fit.adjacency[k].numpy(), a)
        assert float(fit.loss[k]) == pytest.approx(value, rel=1e-9, abs=1e-9)


def test_lars_select_keeps_strong_parents_and_required_ones():
    from engine.dag.edge_models import lars_select

    rng = np.random.default_rng(0)
    n = 2000
    X = rng.normal(size=(n, 5))
    # x4 = 1.5 x0 - x2 + noise; x1 and x3 are unrelated to it
    X[:, 4] = 1.5 * X[:, 0] - X[:, 2] + 0.5 * rng.normal(size=n)
    X -= X.mean(0)
    Xt = torch.as_tensor(X)
    masks = complete_dags(ranks_of(np.arange(5))[None], Xt.device, Xt.dtype)
    required = torch.zeros((5, 5), dtype=Xt.dtype)
    required[1, 4] = 1.0  # a required parent with no effect
    fit = lars_select(Xt, masks, required, FitSettings(sparsifier="lars"))
    parents = set(np.flatnonzero(fit.adjacency[0, :, 4].numpy()))
    assert {0, 2} <= parents <= {0, 1, 2}
    w = fit.weights[0, :, 4].numpy()
    assert w[0] == pytest.approx(1.5, abs=0.05) and w[2] == pytest.approx(-1, abs=0.05)
    assert not fit.adjacency[0, 3, 4]
    # unrelated upstream columns get no parents at all
    assert not fit.adjacency[0, :, 1].any() and not fit.adjacency[0, :, 3].any()


def test_backward_select_asks_stop_before_every_round():
    from engine.dag.edge_models import FitStopped

    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.normal(size=(200, 6)))
    masks = complete_dags(ranks_of(np.arange(6))[None], X.device, X.dtype)
    required = torch.zeros((6, 6), dtype=X.dtype)
    asked = []

    def never() -> bool:
        asked.append(1)
        return False

    fit = backward_select(X, masks, required, FitSettings(pruning_reg=0.01), never)
    assert len(asked) == fit.n_iter and fit.n_iter > 2
    asked.clear()

    def on_second() -> bool:
        asked.append(1)
        return len(asked) == 2

    with pytest.raises(FitStopped):
        backward_select(X, masks, required, FitSettings(pruning_reg=0.01), on_second)
    assert len(asked) == 2
