"""The background job registry: a job whose browser session is gone is stopped."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.jobs import JobRegistry, _queue_text, progress_fraction
from engine.runtime import STOP

LONG_FIT = {"max_iter": 100_000, "patience": 100_000}


def _long_fit(registry: JobRegistry, owner: str) -> str:
    X = np.random.default_rng(0).normal(size=(200, 4))
    kwargs = {"X": X, "seed": 0, "device": "cpu", "config": LONG_FIT}
    return registry.submit("engine.dag.learner:learn_dag", kwargs, owner=owner)


def _wait_running(registry: JobRegistry, job_id: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while (registry.snapshot(job_id).get("step") or 0) == 0:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.2)


def test_a_job_of_a_closed_session_is_stopped_after_the_grace_period():
    alive = {"tab-a": True, "tab-b": True}
    registry = JobRegistry(
        session_alive=alive.__getitem__, abandon_s=10.0, watch_s=None
    )
    try:
        _closed_tab_is_stopped(registry, alive)
    finally:
        registry.close()


def _closed_tab_is_stopped(registry: JobRegistry, alive: dict[str, bool]) -> None:
    job_a = _long_fit(registry, "tab-a")
    job_b = _long_fit(registry, "tab-b")  # queued behind tab-a's fit
    _wait_running(registry, job_a)
    assert registry.reap() == []
    future_a = registry._jobs[job_a].future
    assert registry.ahead_of(job_a) == (0, 0) and registry.ahead_of(job_b) == (1, 0)

    alive["tab-a"] = False  # tab-a closes
    t0 = time.time()
    assert registry.reap(now=t0) == []  # within the grace period
    assert registry.ahead_of(job_b) == (1, 1)  # the queued tab is told why it waits
    assert "1 of them belong(s) to a tab that was closed" in _queue_text(1, 1)
    assert registry.snapshot(job_a)["state"] == "running"
    assert registry.reap(now=t0 + 11.0) == [job_a]
    assert registry.snapshot(job_a)["stop"]
    # until its worker returns, the stopped job is still what tab-b waits for
    # (it was forgotten at once, and tab-b read "Starting the worker process")
    assert registry.ahead_of(job_b) == (1, 1) or future_a.done()
    assert registry.reap(now=t0 + 12.0) in ([], [job_a])  # asked once only
    assert future_a.result(timeout=120).stopped  # stopped at an epoch boundary
    registry.reap(now=t0 + 13.0)
    assert registry.snapshot(job_a)["state"] == "missing"

    # the queued fit of the live session now runs; a reconnect resets the clock
    _wait_running(registry, job_b)
    alive["tab-b"] = False
    registry.reap(now=t0 + 20.0)
    alive["tab-b"] = True
    registry.reap(now=t0 + 25.0)
    alive["tab-b"] = False
    assert registry.reap(now=t0 + 31.0) == []  # gone 0 s again after reconnecting
    assert registry.snapshot(job_b)["state"] == "running"
    registry.cancel(job_b)
    assert registry._jobs[job_b].future.result(timeout=120).stopped


def test_jobs_without_a_session_are_never_reaped():
    registry = JobRegistry(session_alive=lambda _: False, abandon_s=0.0, watch_s=None)
    try:
        _ownerless_job_runs(registry)
    finally:
        registry.close()


def _ownerless_job_runs(registry: JobRegistry) -> None:
    X = np.random.default_rng(0).normal(size=(100, 3))
    kwargs = {"X": X, "seed": 0, "device": "cpu", "config": {"max_iter": 5}}
    job = registry.submit(
        "engine.dag.learner:learn_dag", kwargs, owner=None, phase="warming up"
    )
    # the progress line's words until the job's first event (the worker is
    # still starting: no event can have come yet)
    assert registry.snapshot(job)["message"] == "warming up"
    # outside a Streamlit script there is no session: owner stays None
    assert registry._jobs[job].owner is None
    assert registry.reap(now=time.time() + 100) == []
    deadline = time.monotonic() + 120
    while registry.snapshot(job)["state"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_a_failing_result_handler_shows_an_error_instead_of_nothing():
    # the Explain page's handler raised IndexError inside the polling fragment:
    # the finished training vanished without a message
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import numpy as np
        import streamlit as st

        from app.jobs import get_registry, render_job

        if "job" not in st.session_state:
            X = np.random.default_rng(0).normal(size=(50, 3))
            kwargs = {"X": X, "seed": 0, "device": "cpu", "config": {"max_iter": 2}}
            st.session_state["job"] = get_registry().submit(
                "engine.dag.learner:learn_dag", kwargs, "tiny fit"
            )

        def broken(result) -> None:
            raise IndexError("tuple index out of range")

        render_job("job", broken, poll_s=0.2)
        if st.session_state.get("job_error"):
            st.error(st.session_state["job_error"])

    at = AppTest.from_function(page, default_timeout=120).run()
    deadline = time.monotonic() + 120
    while not (at.error or at.exception) and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert not at.exception
    assert "The result could not be shown (IndexError" in at.error[0].value


def test_a_cancelled_queued_job_never_starts():
    # the pool takes the next job into its queue at once, so future.cancel()
    # failed and a "cancelled" job ran a whole block when its turn came
    registry = JobRegistry(session_alive=lambda _: True, watch_s=None)
    try:
        first = _long_fit(registry, "tab-a")
        second = _long_fit(registry, "tab-a")
        _wait_running(registry, first)
        registry.cancel(second)
        assert registry.snapshot(second)["state"] in ("queued", "cancelled")
        registry.cancel(first)
        deadline = time.monotonic() + 120
        while registry.snapshot(second)["state"] not in ("cancelled", "done"):
            assert time.monotonic() < deadline, "the cancelled job never ended"
            time.sleep(0.2)
        snap = registry.snapshot(second)
        assert snap["state"] == "cancelled" and snap["step"] == 0
    finally:
        registry.close()


def _progress_lines(snaps: list[dict]) -> list[str]:
    """The progress lines the page draws for ``snaps`` (a stub registry)."""
    return [text for _, text in _progress_bars(snaps)]


def _progress_bars(snaps: list[dict]) -> list[tuple[int, str]]:
    """The progress bars the page draws for ``snaps``: (percent, line) each."""
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import streamlit as st

        from app.jobs import _show_progress

        class Registry:
            def ahead_of(self, job_id: str) -> tuple[int, int]:
                return 0, 0

            def cancel(self, job_id: str) -> None:
                pass

        for i, snap in enumerate(st.session_state["snaps"]):
            _show_progress(snap, f"job{i}", Registry(), f"id{i}")

    at = AppTest.from_function(page, default_timeout=180)
    at.session_state["snaps"] = snaps
    at.run()
    assert not at.exception
    return [(p.proto.value, p.proto.text) for p in at.get("progress")]


def test_progress_lines_name_the_stage_and_only_the_figures_users_read():
    # the LDS fit switched between "step 175/400" and "step 15/100" with a dozen
    # raw metric names; a queued job showed "step 0"
    history = {
        "es_accuracy": 0.8,
        "es_loss": 0.5,
        "val_accuracy": 0.8125,
        "val_loss": 0.45,
        "train_loss": 0.31234,
        "inner_steps": 400.0,
        "inner_lr": 0.01,
        "expected_edges": 1500.0,
        "same_class_prob": 0.4,
        "diff_class_prob": 0.1,
        "elapsed_s": 12.0,
    }
    base = {"label": "LDS fit", "state": "running", "elapsed_s": 12.4}
    snaps = [
        {**base, "state": "queued", "step": 0, "total": None},
        {
            **base,
            "task": "graphs.fit",
            "stage": "inner",
            "step": 175,
            "total": 400,
            "metrics": {"inner_loss": 0.51234},
            "message": "outer iteration 3 of at most 100",
        },
        {
            **base,
            "task": "graphs.fit",
            "stage": "outer",
            "step": 15,
            "total": 100,
            "metrics": history,
            "message": "",
        },
        {
            **base,
            "label": "500 rows",
            "task": "values.explain",
            "stage": "permutation",
            "step": 120,
            "total": 500,
            "metrics": {"rows": 120},
            "fraction": 0.26,
        },
        {
            **base,
            "label": "178 rows",
            "task": "values.explain",
            "stage": "start",
            "step": 0,
            "total": None,
            "metrics": {},
            "message": "exact shapley, 178 row(s)",
        },
    ]
    assert _progress_lines(snaps) == [
        "LDS fit: queued, 12 s",
        "LDS fit: running, outer iteration 3 of at most 100, inner steps 175/400 "
        "(training loss 0.5123), 12 s",
        "LDS fit: running, outer iterations done 15/100 (training loss 0.3123, "
        "validation accuracy 0.8125), 12 s",
        "500 rows: running, rows 120/500, 12 s",  # was blocks of rows x orderings
        "178 rows: running, exact shapley, 178 row(s), 12 s",  # was "starting 0"
    ]


def test_before_its_first_event_a_job_says_its_phase_not_step_0():
    # the Causal page read "running, step 0" for 11-13 s while the permutahedron
    # learner fitted the edge models of its first epoch
    from app.jobs import progress_text

    snap = {"label": "fit", "state": "running", "elapsed_s": 12.4, "step": 0}
    assert progress_text(snap) == "fit: running, 12 s"
    phase = "epoch 1 under way: epoch 1 fits a mlp edge model"
    assert progress_text({**snap, "message": phase}) == f"fit: running, {phase}, 12 s"
    # the first event's own (empty) message replaces the phase
    event = {"task": "dag.fit", "stage": "train", "step": 1, "total": 300}
    assert progress_text({**snap, **event, "message": ""}) == (
        "fit: running, epoch 1/300, 12 s"
    )
    # inside a long epoch (d = 200: minutes) the learner says which ordering
    inner = {**event, "stage": "fit", "message": "epoch 1: fitting ordering 3 of 10"}
    assert progress_text({**snap, **inner}) == (
        "fit: running, epoch 1: fitting ordering 3 of 10, 12 s"
    )


def test_the_lds_bar_moves_on_over_the_whole_fit():
    # the bar showed the inner steps' share of one outer iteration, so it went
    # back to 0 at every outer iteration; the text keeps the stage's own count
    base = {"label": "LDS fit", "state": "running", "elapsed_s": 3.0}
    inner = {**base, "task": "graphs.fit", "stage": "inner", "total": 400}
    snaps = [
        {**inner, "step": 200, "fraction": 0.005, "message": "outer iteration 1"},
        {**inner, "step": 400, "fraction": 0.01, "message": "outer iteration 1"},
        {**base, "task": "graphs.fit", "stage": "outer", "step": 1, "total": 100},
        {**inner, "step": 100, "fraction": 0.0125, "message": "outer iteration 2"},
        {**inner, "step": 200, "fraction": 0.5, "message": "outer iteration 51"},
        {**base, "task": "graphs.fit", "stage": "outer", "step": 75, "total": 100},
    ]
    bars = _progress_bars(snaps)
    assert [value for value, _ in bars] == [0, 1, 1, 1, 50, 75]
    assert "inner steps 100/400" in bars[3][1]  # not the bar's share
    assert "outer iterations done 75/100" in bars[5][1]


def _one_inner_event(progress) -> str:
    from engine.runtime import ProgressEvent

    progress(ProgressEvent("graphs.fit", "inner", 5, 20, fraction=0.25))
    return "done"


def test_the_worker_passes_the_share_of_the_whole_task_on():
    from app.jobs import _run_job

    status: dict = {}
    assert _run_job("tests.app.test_jobs:_one_inner_event", {}, status) == "done"
    assert status["step"] == 5 and status["fraction"] == 0.25


@pytest.mark.parametrize(
    ("snap", "expected"),
    [
        ({"step": 3, "total": 4}, 0.75),
        ({"step": 3, "total": 4, "fraction": 0.2}, 0.2),
        ({"step": 3, "total": None}, 0.0),
        ({"step": 5, "total": 4}, 1.0),
        ({"fraction": 1.5}, 1.0),
    ],
)
def test_progress_fraction_prefers_the_share_of_the_whole_task(snap, expected):
    assert progress_fraction(snap) == pytest.approx(expected)


EXIT_WITH_A_RUNNING_JOB = """
import sys
import time
import numpy as np
sys.path.insert(0, {root!r})
from tests.app.test_jobs import _wait_running
from app.jobs import JobRegistry
registry = JobRegistry(watch_s=None)
X = np.random.default_rng(0).normal(size=(2000, 10))
endless = {{"max_iter": 100_000, "patience": 100_000}}  # far beyond the timeout
kwargs = {{"X": X, "seed": 0, "device": "cpu", "config": endless}}
job = registry.submit("engine.dag.learner:learn_dag", kwargs, owner="tab")
_wait_running(registry, job)
print("running", time.time(), flush=True)
"""


def _exits_while_running(code: str, timeout_s: float = 180) -> float:
    """Run ``code`` in a fresh interpreter; seconds from its "running" to its exit."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    child = subprocess.Popen(
        [sys.executable, "-c", code.format(root=root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its workers too, to end them all on a hang
    )
    try:
        out, err = child.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise AssertionError("the exit waited for the running fit") from None
    ended = time.time()
    assert child.returncode == 0, err
    word, at = out.split()
    assert word == "running"
    return ended - float(at)


def test_the_interpreter_exits_while_a_job_runs():
    # the server's exit (SIGTERM) joins the worker pool: a fit of 100 000 epochs
    # on 2000 x 10 (over ten minutes) would hold it that long, unless the registry
    # asks its jobs to stop first
    _exits_while_running(EXIT_WITH_A_RUNNING_JOB)


EXIT_WITH_A_RUNNING_BOOTSTRAP = """
import sys, time
import numpy as np
sys.path.insert(0, {root!r})
from app.jobs import JobRegistry
registry = JobRegistry(watch_s=None)
X = np.random.default_rng(0).normal(size=(2000, 10))
endless = {{"max_iter": 100_000, "patience": 100_000}}  # refits of many minutes
kwargs = {{"X": X, "n_boot": 6, "executor": "{executor}", "seed": 0,
          "device": "cpu", "config": endless}}
if kwargs["executor"] == "processes":  # serial has no workers to set
    kwargs["n_workers"] = 2
job = registry.submit("engine.dag.bootstrap:bootstrap_dag", kwargs, owner="tab")
deadline = time.monotonic() + 120
while registry.snapshot(job).get("task") != "dag.bootstrap":  # the fits started
    assert time.monotonic() < deadline, "the bootstrap never started"
    time.sleep(0.2)
time.sleep(2.0)  # into the refits
print("running", time.time(), flush=True)
"""


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_the_interpreter_exits_while_a_bootstrap_runs(executor):
    # the refits of a bootstrap used to hear of no stop request: the exit (and
    # every fit queued behind it) waited for all of them
    code = EXIT_WITH_A_RUNNING_BOOTSTRAP.replace("{executor}", executor)
    # unstopped, the six refits take many minutes each; a minute leaves room for
    # the workers' start and end on a loaded machine (20 s measured with other
    # jobs on both cores), and still fails when the exit waits for one refit
    assert _exits_while_running(code, timeout_s=120) < 60.0


# --- the waiting line, a worker that dies, results of a closed tab --------------


def _short_fit(registry: JobRegistry, owner: str) -> str:
    X = np.random.default_rng(1).normal(size=(60, 3))
    kwargs = {"X": X, "seed": 0, "device": "cpu", "config": {"max_iter": 3}}
    return registry.submit("engine.dag.learner:learn_dag", kwargs, owner=owner)


def _wait_state(
    registry: JobRegistry, job_id: str, states: tuple[str, ...], timeout_s=120
) -> dict:
    deadline = time.monotonic() + timeout_s
    while (snap := registry.snapshot(job_id))["state"] not in states:
        assert time.monotonic() < deadline, f"{job_id} stayed {snap['state']}"
        time.sleep(0.2)
    return snap


def _worker_pids(registry: JobRegistry) -> list[int]:
    return list(registry._pool._processes)


def test_a_killed_worker_fails_its_fit_with_a_clear_message_and_later_fits_run():
    # kill -9 of the worker (the OOM killer) left a broken pool: the running and
    # queued fits failed with "unexpected BrokenProcessPool", and every later
    # submit raised BrokenProcessPool until the server restarted
    import os
    import signal

    from app.jobs import error_text

    registry = JobRegistry(session_alive=lambda _: True, watch_s=None)
    try:
        running = _long_fit(registry, "tab-a")
        queued = _short_fit(registry, "tab-b")
        _wait_running(registry, running)
        for pid in _worker_pids(registry):
            os.kill(pid, signal.SIGKILL)
        snap = _wait_state(registry, running, ("failed", "done", "cancelled"))
        assert snap["state"] == "failed"
        text = error_text(snap["error"])
        assert text.startswith("The fit was lost: the worker process ended ")
        assert "(killed by the system, e.g. out of memory?)" in text
        assert "with fewer rows or columns if the table was large" in text
        # the fit that waited behind it runs in a new worker, and so do new ones
        assert _wait_state(registry, queued, ("failed", "done"))["state"] == "done"
        later = _short_fit(registry, "tab-c")
        assert _wait_state(registry, later, ("failed", "done"))["state"] == "done"
    finally:
        registry.close()


def test_a_worker_killed_while_idle_is_replaced_on_the_next_submit():
    import os
    import signal

    registry = JobRegistry(session_alive=lambda _: True, watch_s=None)
    try:
        first = _short_fit(registry, "tab-a")
        assert _wait_state(registry, first, ("failed", "done"))["state"] == "done"
        for pid in _worker_pids(registry):
            os.kill(pid, signal.SIGKILL)
        time.sleep(1.0)  # the pool notices and calls itself broken
        second = _short_fit(registry, "tab-a")  # raised BrokenProcessPool
        assert _wait_state(registry, second, ("failed", "done"))["state"] == "done"
    finally:
        registry.close()


def test_a_cancelled_queued_job_ends_at_once_and_leaves_the_line():
    # the pool had pre-fed the waiting job to its worker's queue: cancel() could
    # not drop it, so the page showed "Cancelled: it will not start." (and its
    # start button stayed disabled) until the fit ahead of it ended
    registry = JobRegistry(session_alive=lambda _: True, watch_s=None)
    try:
        first = _long_fit(registry, "tab-a")
        second = _long_fit(registry, "tab-b")
        third = _long_fit(registry, "tab-c")
        _wait_running(registry, first)
        assert registry.ahead_of(third) == (2, 0)
        registry.cancel(second)
        assert registry.snapshot(second)["state"] == "cancelled"
        assert registry.ahead_of(third) == (1, 0)
        assert registry.snapshot(third)["place"] == 1  # next in line
        assert registry.snapshot(first)["place"] == 0  # not in the line
        assert registry.snapshot(first)["state"] == "running"
        registry.cancel(first)
        _wait_running(registry, third)
        assert registry.snapshot(second)["step"] == 0  # it never ran
        registry.cancel(third)
        assert registry._jobs[third].future.result(timeout=120).stopped
    finally:
        registry.close()


def test_a_running_job_counts_its_time_from_its_start_not_from_the_queue():
    registry = JobRegistry(session_alive=lambda _: True, watch_s=None)
    try:
        first = _long_fit(registry, "tab-a")
        _wait_running(registry, first)
        second = _long_fit(registry, "tab-b")
        submitted = time.time()
        time.sleep(4.0)
        assert registry.snapshot(second)["elapsed_s"] >= 4.0  # waiting time
        registry.cancel(first)
        _wait_running(registry, second)
        snap = registry.snapshot(second)
        assert snap["elapsed_s"] < time.time() - submitted - 3.0
        registry.cancel(second)
        registry._jobs[second].future.result(timeout=120)
    finally:
        registry.close()


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (1, "Next in line: waiting for 1 fit(s) started earlier"),
        (2, "2nd in line: waiting for 2 fit(s) started earlier"),
        (3, "3rd in line: waiting for 3 fit(s) started earlier"),
        (11, "11th in line: waiting for 11 fit(s) started earlier"),
        (22, "22nd in line: waiting for 22 fit(s) started earlier"),
    ],
)
def test_a_waiting_job_is_told_its_place_in_line(place, expected):
    assert _queue_text(place, 0, place).startswith(expected)


def test_a_result_finished_after_the_tab_closed_is_kept_for_its_session():
    # a fit that finished while its tab was closed for over 30 s was forgotten 30 s
    # after the tab went away: the reopened ?session= address showed nothing
    alive = {"tab-a": True, "tab-b": True}
    kept: set[str] = set()
    registry = JobRegistry(
        session_alive=alive.__getitem__,
        abandon_s=10.0,
        watch_s=None,
        kept=kept.__contains__,
    )
    try:
        finished = _short_fit(registry, "tab-a")
        _wait_state(registry, finished, ("done",))
        running = _long_fit(registry, "tab-b")
        _wait_running(registry, running)
        kept.update((finished, running))  # the session store holds both ids
        alive.update({"tab-a": False, "tab-b": False})
        t0 = time.time()
        registry.reap(now=t0)
        assert registry.reap(now=t0 + 11.0) == [running]  # asked to stop
        snap = _wait_state(registry, running, ("done", "failed"))
        assert snap["result"].stopped and snap["closed_tab"]
        assert registry.reap(now=t0 + 3600.0) == []
        assert registry.snapshot(finished)["state"] == "done"
        assert not registry.snapshot(finished)["closed_tab"]
        assert registry.snapshot(running)["state"] == "done"
        kept.discard(finished)  # the store dropped the session
        assert registry.reap(now=t0 + 3700.0) == [finished]
        assert registry.snapshot(finished)["state"] == "missing"
    finally:
        registry.close()


def test_cancelling_a_queued_fit_frees_the_page_at_once():
    # the page kept "queued ... Cancelled: it will not start." with its start
    # button disabled until the fit ahead of it (another tab's) had ended
    from concurrent.futures import wait

    from streamlit.testing.v1 import AppTest

    from app.jobs import get_registry

    def page() -> None:
        import numpy as np
        import streamlit as st

        from app.jobs import get_registry, render_job, show_message

        if "job" not in st.session_state:
            X = np.random.default_rng(0).normal(size=(200, 4))
            endless = {"max_iter": 100_000, "patience": 100_000}
            kwargs = {"X": X, "seed": 0, "device": "cpu", "config": endless}
            target = "engine.dag.learner:learn_dag"
            registry = get_registry()
            st.session_state["ahead"] = registry.submit(target, kwargs, owner="tab")
            st.session_state["job"] = registry.submit(target, kwargs, "queued fit")
        render_job("job", lambda result: None, poll_s=0.2)
        if st.session_state.get("job_error"):
            show_message(st.session_state["job_error"])
        st.button("Start", disabled=st.session_state.get("job") is not None)

    at = AppTest.from_function(page, default_timeout=120).run()
    try:
        waiting = at.caption[0].value
        assert "aiting for 1 fit(s)" in waiting
        at.button(key="job_cancel").click().run()
        deadline = time.monotonic() + 10
        while not at.info and time.monotonic() < deadline:
            time.sleep(0.3)
            at.run()
        assert not at.exception
        assert at.info, f"still waiting: {[c.value for c in at.caption]}"
        # the user asked for it: said as information, not as an error
        assert at.info[0].value == "The fit was cancelled before it started."
        assert not at.error
        assert not at.button[-1].disabled  # "Start"
        assert waiting.startswith("Next in line: waiting for 1 fit(s)")
    finally:
        registry = get_registry()
        registry.cancel(at.session_state["ahead"])
        wait([registry._jobs[at.session_state["ahead"]].future], timeout=120)


def test_the_page_says_so_when_its_job_is_gone_or_was_stopped_for_a_closed_tab():
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import streamlit as st

        from app.jobs import _finish, render_job

        # a job id the registry no longer has: the page showed nothing at all
        st.session_state.setdefault("gone", "0123456789abcdef")
        render_job("gone", lambda result: None)
        st.error(st.session_state.get("gone_error"))
        results = []
        for key, state in (("stopped", "done"), ("dropped", "cancelled")):
            snap = {"state": state, "closed_tab": True, "result": "partial"}
            _finish(key, key, snap, results.append, "The fit")
            st.error(st.session_state.get(key + "_error"))
        st.write(repr(results))

    at = AppTest.from_function(page, default_timeout=120).run()
    assert not at.exception
    assert at.session_state["gone"] is None
    gone, stopped, dropped = (e.value for e in at.error)
    assert gone == (
        "The fit started in this session is no longer on the server, nor is its "
        "result. Start it again."
    )
    assert stopped.startswith(
        "The fit was stopped because its browser tab was closed for more than 30 s"
    )
    # "is shown" was untrue on the Learn-a-graph page, which keeps a complete
    # earlier result shown and offers the stopped fit's one beside it
    assert stopped == (
        "The fit was stopped because its browser tab was closed for more than 30 s "
        "(one fit runs at a time, for every tab); the result it had reached is kept "
        "on this page. Start it again to finish it."
    )
    assert dropped.startswith("The fit was taken out of the line: its browser tab")
    assert at.markdown[0].value == "['partial']"  # the partial result is used


def test_a_job_without_partial_result_returns_none_when_cancelled():
    # a simulation ignores what its progress callback returns: Cancel raises in
    # the callback instead, and the job returns None
    from app.jobs import run_abandonable

    kwargs = {"n_nodes": 6, "n_samples": 30, "sem": "gp", "seed": 0}
    target = "engine.dag.simulate:simulate_sem"
    calls = []

    def stop_at_second(event) -> object:
        calls.append(event.step)
        return STOP if len(calls) >= 2 else None

    assert run_abandonable(target, kwargs, stop_at_second) is None
    assert calls == [1, 2]  # ended at the event that asked
    assert run_abandonable(target, kwargs, lambda event: True) is None  # True too
    sim = run_abandonable(target, kwargs, lambda event: 1)  # not a stop
    assert sim.X.shape == (30, 6)
