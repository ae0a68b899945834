"""The executor seam: every executor returns the serial results for the same seeds."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
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
    stop_requested,
    without_host_script,
)
from engine.runtime import STOP, spawn_seeds
from tests.processes import alive


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
        return STOP if event.step >= 2 else None

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
        progress=lambda e: STOP if e.step >= 1 else None,
    )
    assert out.stopped
    assert 1 <= sum(out.done) < 12
    expected = run_jobs(_draw, _items(seed, 12)).results
    for got, want, ok in zip(out.results, expected, out.done, strict=True):
        assert (got == want) if ok else got is None


def _nap(item: tuple[int, float, str]) -> int:
    """Write this process's id to ``folder/index``, then sleep (or stop if told)."""
    index, seconds, folder = item
    Path(folder, str(index)).write_text(str(os.getpid()))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop_requested():
        time.sleep(0.01)
    return os.getpid()


def _two_quick_two_long(folder: Path) -> list[tuple[int, float, str]]:
    """Jobs of :func:`_nap`: two quick ones, then two of 20 s."""
    return [(i, s, str(folder)) for i, s in enumerate([0.0, 0.0, 20.0, 20.0])]


def _stop_once_a_long_job_runs(folder: Path, asked: list[float]):
    """A progress callback that asks to stop (noting when) once a long job runs."""

    def progress(event):
        a_long_job_runs = len(list(folder.iterdir())) > 2
        if event.step >= 2 and a_long_job_runs and not asked:
            asked.append(time.monotonic())
        return STOP if asked else None

    return progress


def _pids_alive(folder: Path, within_s: float = 0.0, only: str = "*") -> list[int]:
    """Processes of the jobs ``only`` (by index) alive after ``within_s`` seconds."""
    pids = {int(f.read_text()) for f in folder.glob(only)} - {os.getpid()}
    deadline = time.monotonic() + within_s
    while True:
        living = sorted(pid for pid in pids if alive(pid))
        if not living or time.monotonic() >= deadline:
            return living
        time.sleep(0.1)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_a_stop_request_ends_the_running_jobs_at_once(executor, tmp_path):
    # a stop once a long job runs ends it at the next heartbeat, keeps the quick
    # ones and drops the long ones
    asked: list[float] = []
    progress = _stop_once_a_long_job_runs(tmp_path, asked)

    out = run_jobs(
        _nap,
        _two_quick_two_long(tmp_path),
        executor=executor,
        n_workers=2,
        progress=progress,
    )

    assert time.monotonic() - asked[0] < 3.0
    assert out.stopped and out.done == (True, True, False, False)
    assert out.results[2:] == [None, None] and len(out.completed) == 2
    assert _pids_alive(tmp_path) == []  # the workers are gone when it returns
    workers = {int(f.read_text()) for f in tmp_path.iterdir()} - {os.getpid()}
    assert len(workers) == (2 if executor == "processes" else 0)


@pytest.mark.timeout(60)
def test_ctrl_c_ends_the_running_workers(tmp_path):
    # the pool's shutdown forgot its workers before they were terminated, so a
    # Ctrl-C left them running their jobs to the end
    def progress(event):
        if len(list(tmp_path.iterdir())) > 2:  # a long job runs
            raise KeyboardInterrupt

    items = _two_quick_two_long(tmp_path)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_jobs(_nap, items, executor="processes", n_workers=2, progress=progress)
    assert time.monotonic() - start < 15.0
    assert _pids_alive(tmp_path) == []


@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray extra not installed"
)
@pytest.mark.timeout(180)
def test_a_stop_request_ends_the_running_ray_tasks(tmp_path, monkeypatch):
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    ray_exec = RayExecutor(n_workers=2)
    asked: list[float] = []
    try:
        ray_exec.start()  # the cluster's start-up, untimed
        out = run_jobs(
            _nap,
            _two_quick_two_long(tmp_path),
            executor=ray_exec,
            progress=_stop_once_a_long_job_runs(tmp_path, asked),
        )
        returned = time.monotonic()
        # ray.cancel(force=True) ends the worker of a running task soon after;
        # those of the quick jobs stay in Ray's pool
        alive = _pids_alive(tmp_path, within_s=10.0, only="[23]")
    finally:
        ray_exec.shutdown()
    assert returned - asked[0] < 3.0
    assert out.stopped and out.done == (True, True, False, False)
    assert alive == []


def test_a_stop_request_before_the_first_job_runs_none(tmp_path):
    out = run_jobs(_nap, [(0, 0.0, str(tmp_path))], progress=lambda e: STOP)
    assert out.stopped and out.done == (False,)
    assert list(tmp_path.iterdir()) == []


def test_a_heartbeat_repeats_the_count_while_a_job_runs(tmp_path):
    events = []
    items = [(0, 1.2, str(tmp_path))]
    out = run_jobs(
        _nap, items, executor="processes", n_workers=1, progress=events.append
    )
    assert not out.stopped
    steps = [e.step for e in events]
    assert steps[0] == 0 and steps[-1] == 1 and steps.count(0) >= 3
    assert {e.stage for e in events} == {"jobs"}


def test_stop_requested_is_false_outside_a_serial_batch():
    assert stop_requested() is False


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


def _die(item: int) -> int:
    os._exit(3)


def test_a_worker_that_dies_raises_an_engine_error_not_broken_process_pool():
    from engine.errors import ExecutorError

    with pytest.raises(ExecutorError, match=r"executor='processes': a worker process"):
        run_jobs(_die, [1, 2], executor="processes", n_workers=1)


def test_a_script_without_main_guard_is_told_to_add_one(tmp_path):
    # it got concurrent.futures' BrokenProcessPool from deep inside the executor
    import subprocess

    script = tmp_path / "no_guard.py"
    script.write_text(
        "# a comment naming if __name__ == '__main__': does not count\n"
        "from engine.executor import run_jobs\n"
        "run_jobs(abs, [-1, -2], executor='processes', n_workers=1)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=root,
    )
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("engine.errors.ExecutorError:"), done.stderr[-2000:]
    assert "has no main guard" in last and "executor='serial'" in last
