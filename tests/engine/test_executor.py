"""The executor seam: every executor returns the serial results for the same seeds."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from engine.errors import ConfigError
from engine.executor import (
    JobOutcome,
    RayExecutor,
    _program_path,
    resolve_executor,
    run_jobs,
    without_host_script,
)
from engine.runtime import spawn_seeds


def _draw(item: tuple[int, int]) -> float:
    seed, n = item
    return float(np.random.default_rng(seed).normal(size=n).sum())


def _items(seed: int, n_jobs: int) -> list[tuple[int, int]]:
    return [(s, 50) for s in spawn_seeds(seed, n_jobs)]


def test_run_jobs_processes_equal_serial(seed):
    items = _items(seed, 6)
    serial = run_jobs(_draw, items, executor="serial")
    procs = run_jobs(_draw, items, executor="processes", n_workers=2)
    assert serial.results == procs.results
    assert all(serial.done) and not serial.stopped
    assert procs.executor == "processes"


def test_run_jobs_reports_progress_and_stops_early(seed):
    events = []

    def progress(event):
        events.append(event)
        return event.step >= 2

    out = run_jobs(_draw, _items(seed, 5), executor="serial", progress=progress)
    assert isinstance(out, JobOutcome)
    assert out.stopped
    assert out.done == (True, True, False, False, False)
    assert out.results[2:] == [None, None, None]
    assert len(out.completed) == 2
    assert [e.step for e in events] == [0, 1, 2]
    assert events[-1].total == 5


def test_processes_stop_cancels_pending_jobs(seed):
    out = run_jobs(
        _draw,
        _items(seed, 12),
        executor="processes",
        n_workers=1,
        progress=lambda e: e.step >= 1,
    )
    assert out.stopped
    assert 1 <= sum(out.done) < 12
    expected = run_jobs(_draw, _items(seed, 12)).results
    for got, want, ok in zip(out.results, expected, out.done, strict=True):
        assert (got == want) if ok else got is None


def test_resolve_executor_rejects_unknown_name():
    with pytest.raises(ConfigError, match="'executor' must be one of"):
        resolve_executor("threads")


def test_resolve_executor_accepts_an_object():
    class Mine:
        name = "mine"

        def map_jobs(self, fn, items, on_done):
            for i, it in enumerate(items):
                on_done(i, fn(it))

    out = run_jobs(_draw, _items(1, 3), executor=Mine())
    assert out.executor == "mine"
    assert out.results == run_jobs(_draw, _items(1, 3)).results


@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray extra not installed"
)
def test_ray_local_cluster_equals_serial(seed, monkeypatch):
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    items = _items(seed, 4)
    ray_exec = RayExecutor(n_workers=2)
    try:
        out = run_jobs(_draw, items, executor=ray_exec)
        import ray

        addresses = {node["NodeManagerAddress"] for node in ray.nodes()}
    finally:
        ray_exec.shutdown()
    assert out.results == run_jobs(_draw, items).results
    assert out.executor == "ray"
    assert addresses == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("argv", "program"),
    [
        (["python", "bench/x.py", "--seeds", "2"], "bench/x.py"),
        (["python", "-u", "-W", "ignore", "bench/x.py"], "bench/x.py"),
        (["python", "-Xdev", "bench/x.py"], "bench/x.py"),
        (["python", "-m", "streamlit", "run", "app/streamlit_app.py"], None),
        (["python", "-Im", "pytest"], None),
        (["python", "-c", "from multiprocessing.spawn import spawn_main"], None),
        (["python"], None),
    ],
)
def test_program_path_reads_the_interpreter_arguments(argv, program):
    assert _program_path(argv) == program


def _fake_main(monkeypatch, path: Path) -> types.ModuleType:
    main = types.ModuleType("__main__")
    main.__file__ = str(path)
    main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", main)
    return main


def test_a_streamlit_page_script_is_hidden_from_workers(monkeypatch, tmp_path):
    page = tmp_path / "streamlit_app.py"
    page.write_text("")
    main = _fake_main(monkeypatch, page)
    # `streamlit run` rewrites sys.argv[0] to the page script; the program is -m
    monkeypatch.setattr(sys, "argv", [str(page)])
    monkeypatch.setattr(sys, "orig_argv", ["python", "-m", "streamlit", "run", "x"])
    with without_host_script():
        assert sys.modules["__main__"] is not main
        assert not hasattr(sys.modules["__main__"], "__file__")
    assert sys.modules["__main__"] is main


def test_a_plain_script_keeps_its_main(monkeypatch, tmp_path):
    script = tmp_path / "bench.py"
    script.write_text("")
    main = _fake_main(monkeypatch, script)
    monkeypatch.setattr(sys, "orig_argv", ["python", str(script)])
    with without_host_script():
        assert sys.modules["__main__"] is main


def test_processes_fork_from_a_fork_server_where_available(seed):
    import multiprocessing as mp

    from engine.executor import ProcessExecutor

    expected = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    assert ProcessExecutor().start_method == expected
    spawned = run_jobs(
        _draw, _items(seed, 3), executor="processes", n_workers=1, start_method="spawn"
    )
    assert spawned.results == run_jobs(_draw, _items(seed, 3)).results
    with pytest.raises(ConfigError, match="start_method"):
        ProcessExecutor(start_method="threads")


def test_ray_without_the_extra_is_a_clear_error(monkeypatch):
    from engine.errors import UnsupportedError

    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    with pytest.raises(UnsupportedError, match=r"structure-lab\[scale\]"):
        run_jobs(_draw, _items(0, 2), executor="ray")
