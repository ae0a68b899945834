"""engine.runtime: devices, seeds, progress events."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from engine.errors import ConfigError, DeviceError
from engine.runtime import (
    STOP,
    ProgressEvent,
    Reporter,
    make_generators,
    resolve_device,
    resolve_seed,
    spawn_seeds,
)

NO_CUDA = not torch.cuda.is_available()


@pytest.mark.skipif(not NO_CUDA, reason="this machine has CUDA")
@pytest.mark.parametrize("name", ["cuda", "cuda:0", "CUDA:1"])
def test_explicit_cuda_without_cuda_is_an_error(name):
    with pytest.raises(DeviceError, match=r"CUDA is not available.*device='cpu'"):
        resolve_device(name)


@pytest.mark.skipif(not NO_CUDA, reason="this machine has CUDA")
def test_auto_picks_cpu_without_cuda():
    assert resolve_device("auto") == torch.device("cpu")
    assert resolve_device() == torch.device("cpu")


@pytest.mark.gpu
@pytest.mark.skipif(NO_CUDA, reason="needs CUDA")
def test_auto_picks_cuda_when_present():
    assert resolve_device("auto").type == "cuda"
    with pytest.raises(DeviceError, match="CUDA device"):
        resolve_device(f"cuda:{torch.cuda.device_count()}")


def test_cpu_and_bad_names():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    with pytest.raises(ConfigError, match="'device' must be"):
        resolve_device("gpu please")
    with pytest.raises(ConfigError, match="'device' must be"):
        resolve_device(3)
    with pytest.raises(DeviceError, match="not supported"):
        resolve_device("meta")


def test_same_seed_same_draw():
    rng_a, gen_a = make_generators(123)
    rng_b, gen_b = make_generators(123)
    np.testing.assert_array_equal(rng_a.normal(size=5), rng_b.normal(size=5))
    assert torch.equal(torch.randn(5, generator=gen_a), torch.randn(5, generator=gen_b))
    rng_c, _ = make_generators(124)
    assert not np.array_equal(
        rng_c.normal(size=5), make_generators(123)[0].normal(size=5)
    )


def test_seed_none_draws_a_recordable_seed():
    drawn = {resolve_seed(None) for _ in range(5)}
    assert len(drawn) > 1
    seed = drawn.pop()
    assert isinstance(seed, int) and 0 <= seed <= 2**31 - 1
    # the recorded seed replays the run
    a = make_generators(resolve_seed(seed))[0].random(3)
    np.testing.assert_array_equal(a, make_generators(seed)[0].random(3))


@pytest.mark.parametrize("bad", [-1, 2**31, 1.5, "7", True])
def test_bad_seeds_are_rejected(bad):
    with pytest.raises(ConfigError, match="'seed'"):
        resolve_seed(bad)


def test_global_rng_state_is_untouched():
    np_state = np.random.get_state()
    py_state = random.getstate()
    torch_state = torch.random.get_rng_state()
    resolve_seed(None)
    rng, gen = make_generators(5)
    rng.normal(size=10)
    torch.rand(10, generator=gen)
    spawn_seeds(5, 4)
    assert np.array_equal(np.random.get_state()[1], np_state[1])
    assert random.getstate() == py_state
    assert torch.equal(torch.random.get_rng_state(), torch_state)


def test_spawn_seeds_are_stable_and_distinct():
    a = spawn_seeds(7, 6)
    assert a == spawn_seeds(7, 6)
    assert len(set(a)) == 6
    assert spawn_seeds(7, 3) == a[:3]
    assert spawn_seeds(8, 6) != a


def test_reporter_forwards_events_and_stop_requests():
    events: list[ProgressEvent] = []

    def callback(event):
        events.append(event)
        return STOP if event.step >= 2 else None

    report = Reporter(callback, task="dag.fit", total=10)
    assert report("train", 1, {"loss": 0.5}) is False
    assert report("train", 2, {"loss": np.float32(0.25)}) is True
    assert report.stop_requested
    assert [e.step for e in events] == [1, 2]
    assert events[1].metrics == {"loss": 0.25}
    assert events[0].task == "dag.fit" and events[0].total == 10
    assert events[1].elapsed_s >= events[0].elapsed_s >= 0


def test_reporter_without_callback_and_bad_callback():
    assert Reporter(None, task="x")("train", 1) is False
    with pytest.raises(ConfigError, match="'progress' must be a callable"):
        Reporter(42, task="x")


def test_progress_is_logged_at_info_at_a_modest_rate(monkeypatch, caplog):
    # a DAG-DB fit of 327 s said nothing at INFO until it finished
    import types

    import engine.runtime as runtime

    clock = [1000.0]
    monkeypatch.setattr(
        runtime, "time", types.SimpleNamespace(perf_counter=lambda: clock[0])
    )
    monkeypatch.setattr(runtime, "_last_logged", [-float("inf")])
    caplog.set_level("INFO", logger="engine.progress")
    report = Reporter(None, task="dag.fit", total=200)
    for epoch in range(1, 101):  # one epoch a second
        clock[0] += 1.0
        report("train", epoch, {"loss": 0.5, "edges": 12, "a": 1, "b": 2})
    lines = [r.getMessage() for r in caplog.records if r.name == "engine.progress"]
    assert len(lines) == 1 + 99 // int(runtime.LOG_EVERY_S)  # first, then throttled
    assert lines[0] == (
        "dag.fit train: step 1/200 (0%), 1 s elapsed, loss=0.5, edges=12, a=1"
    )
    assert lines[1].startswith("dag.fit train: step 16/200 (8%), 16 s elapsed")
    # a second fit shares the throttle: nested fits do not multiply the lines
    caplog.clear()
    clock[0] += 1.0
    Reporter(None, task="dag.fit")("train", 1)
    assert not caplog.records


def test_progress_is_not_logged_below_info(monkeypatch, caplog):
    import engine.runtime as runtime

    monkeypatch.setattr(runtime, "_last_logged", [-float("inf")])
    caplog.set_level("WARNING", logger="engine.progress")
    Reporter(None, task="dag.fit")("train", 1)
    assert not caplog.records


def test_device_errors_start_with_the_owner_given():
    # as resolve_seed's: the function the user called, not resolve_device
    with pytest.raises(ConfigError) as info:
        resolve_device("gpu please", "learn_dag")
    assert str(info.value).startswith("learn_dag: 'device' must be")
    with pytest.raises(ConfigError) as info:
        resolve_device("gpu please")
    assert str(info.value).startswith("resolve_device: 'device' must be")
    if NO_CUDA:
        with pytest.raises(DeviceError) as info:
            resolve_device("cuda", "explain")
        assert str(info.value).startswith(
            "explain: device 'cuda' was requested but CUDA is not available"
        )
