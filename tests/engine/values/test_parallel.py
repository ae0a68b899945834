"""explain over many rows on the executor seam: every executor equals serial."""

from __future__ import annotations

import importlib.util
import time

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from engine.errors import ConfigError
from engine.executor import RayExecutor
from engine.runtime import STOP
from engine.values import DistributionalExplainer, DistributionalValues, explain

ARRAYS = (
    "transitions",
    "mean",
    "p_change",
    "flip_away",
    "predicted",
    "probabilities",
    "base_probabilities",
    "data",
    "rows",
    "n_samples",
)


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True, as_frame=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(X, y)
    return X, model


def _sampled(model, X, seed, **kw) -> DistributionalValues:
    return explain(
        model,
        X.iloc[:30],
        background=X.iloc[100:140],
        estimator="permutation",
        n_samples=4,
        seed=seed,
        chunk_rows=7,
        **kw,
    )


def _assert_same(a: DistributionalValues, b: DistributionalValues) -> None:
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), name)
    np.testing.assert_array_equal(a.stderr, b.stderr)
    assert a.classes == b.classes and a.features == b.features
    assert a.n_model_rows == b.n_model_rows


def test_chunked_serial_covers_every_row_in_order(wine, seed):
    X, model = wine
    res = _sampled(model, X, seed, executor="serial")
    assert res.n_rows == 30 and not res.stopped
    assert res.rows.tolist() == list(range(30))
    np.testing.assert_array_equal(res.data, X.iloc[:30].to_numpy())
    assert res.config["n_chunks"] == 5 and res.config["executor"] == "serial"
    assert res.config["removal"] == "background" and res.config["n_background"] == 40
    np.testing.assert_allclose(res.transitions.sum(axis=(2, 3)), 1.0, atol=1e-9)
    again = _sampled(model, X, seed, executor="serial")
    _assert_same(res, again)


def test_processes_equal_serial(wine, seed):
    X, model = wine
    serial = _sampled(model, X, seed, executor="serial", top_k=2)
    procs = _sampled(model, X, seed, executor="processes", n_workers=2, top_k=2)
    _assert_same(serial, procs)
    assert serial.classes[-1] == "other" and len(serial.classes) == 3
    assert procs.config["executor"] == "processes"


@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray extra not installed"
)
def test_local_ray_equals_serial(wine, seed, monkeypatch):
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    X, model = wine
    serial = _sampled(model, X, seed, executor="serial")
    ray_exec = RayExecutor(n_workers=2)
    try:
        on_ray = _sampled(model, X, seed, executor=ray_exec)
    finally:
        ray_exec.shutdown()
    _assert_same(serial, on_ray)
    assert on_ray.config["executor"] == "ray"


def test_exact_chunks_agree_with_one_batch(wine):
    X, model = wine
    groups = [list(range(0, 4)), list(range(4, 8)), list(range(8, 13))]
    kw = dict(players=groups, estimator="exact", seed=1)
    # the mean baseline is taken over all rows, not per chunk
    whole = explain(model, X.iloc[:20], removal="mean", **kw)
    chunked = explain(
        model, X.iloc[:20], removal="mean", executor="serial", chunk_rows=6, **kw
    )
    np.testing.assert_allclose(chunked.transitions, whole.transitions, atol=1e-12)
    np.testing.assert_allclose(chunked.mean, whole.mean, atol=1e-12)
    assert chunked.stderr is None and chunked.config["removal"] == "mean"


def test_stop_returns_the_finished_chunks_marked_partial(wine, seed):
    X, model = wine
    res = _sampled(
        model,
        X,
        seed,
        executor="serial",
        progress=lambda e: STOP if e.step >= 2 else None,
    )
    assert res.stopped
    assert res.rows.tolist() == list(range(14))  # two chunks of 7
    full = _sampled(model, X, seed, executor="serial")
    np.testing.assert_array_equal(res.transitions, full.transitions[:14])


def test_processes_need_a_picklable_model(wine):
    X, model = wine
    with pytest.raises(ConfigError, match="cannot be pickled"):
        explain(
            lambda A: model.predict_proba(A),
            X.iloc[:4].to_numpy(),
            background=X.iloc[10:20].to_numpy(),
            executor="processes",
        )


def test_bad_chunk_rows_is_a_config_error(wine):
    X, model = wine
    with pytest.raises(ConfigError, match="chunk_rows"):
        explain(model, X.iloc[:4], executor="serial", chunk_rows=0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"n_workers": 2},
            "explain: n_workers=2 does nothing with executor=None (without an "
            "executor everything runs in this process); set executor='processes' "
            "or 'ray', or leave 'n_workers' at its default None.",
        ),
        (
            {"executor": "serial", "n_workers": 2},
            "explain: n_workers=2 does nothing with executor='serial' (the serial "
            "executor runs the jobs one after another in this process)",
        ),
        (
            {"executor": "processes", "n_workers": -3},
            "explain: 'n_workers' must be an integer >= 1; got -3.",
        ),
        ({"chunk_rows": 0}, "explain: 'chunk_rows' must be a positive integer; got 0."),
        (
            {"chunk_rows": 8},
            "explain: chunk_rows=8 does nothing with executor=None (without an "
            "executor all rows are explained in one batch in this process); set "
            "executor='serial', 'processes' or 'ray' to explain chunks of rows as "
            "jobs, or leave 'chunk_rows' at its default 64.",
        ),
        (
            {"address": "auto"},
            "explain: address='auto' does nothing with executor=None",
        ),
        (
            {"executor": "proceses"},
            "explain: 'executor' must be one of ['processes', 'ray', 'serial'] or an "
            "object with map_jobs; got 'proceses'.",
        ),
    ],
)
def test_executor_options_that_do_nothing_are_refused(wine, options, message):
    X, model = wine
    with pytest.raises(ConfigError) as info:
        explain(model, X.iloc[:4], background=X.iloc[10:20], **options)
    assert str(info.value).startswith(message)


def test_the_default_chunk_rows_without_an_executor_is_no_choice(wine):
    X, model = wine
    res = explain(model, X.iloc[:2], background=X.iloc[10:20], chunk_rows=64)
    assert res.n_rows == 2


def test_estimator_twin_passes_the_executor(wine, seed):
    X, model = wine
    twin = DistributionalExplainer(
        model,
        estimator="permutation",
        n_samples=4,
        seed=seed,
        executor="serial",
        chunk_rows=7,
    ).fit(X.iloc[100:140])
    res = twin.explain(X.iloc[:30])
    _assert_same(res, _sampled(model, X, seed, executor="serial"))
    assert twin.get_params()["executor"] == "serial"


class _Counted:
    """A slow numpy model counting its calls (a serial chunk of many blocks)."""

    def __init__(self, model):
        self.model, self.classes_, self.calls = model, model.classes_, 0

    def predict_proba(self, A):
        self.calls += 1
        time.sleep(0.02)  # ~2.5 s a run: the stop is asked every 0.5 s
        return self.model.predict_proba(A)


def test_stop_ends_a_running_serial_chunk_at_its_next_block(wine, seed):
    X, model = wine
    A = X.to_numpy()
    counted = _Counted(
        make_pipeline(StandardScaler(), LogisticRegression()).fit(A, model.predict(X))
    )
    kw = dict(
        background=A[100:104],
        estimator="permutation",
        n_samples=64,
        seed=seed,
        executor="serial",
        chunk_rows=40,
        memory_budget=1e6,
    )
    full = explain(counted, A[:40], **kw)
    calls_full, counted.calls = counted.calls, 0

    # asked to stop once the only chunk has made some calls (the set-up makes a few)
    res = explain(
        counted, A[:40], progress=lambda e: STOP if counted.calls > 10 else None, **kw
    )

    assert not full.stopped and full.n_rows == 40
    assert res.stopped and res.n_rows == 0
    assert calls_full > 100 and counted.calls < calls_full / 2, counted.calls
