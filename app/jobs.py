"""Long fits in a background process, with progress and cancellation.

A :class:`JobRegistry` (one per server, held by ``st.cache_resource``) owns a
process pool and a manager whose shared dicts carry progress from the worker to the
page. A job's target is an importable ``"module:function"`` that accepts a
``progress`` keyword (the engine's callback convention: return ``True`` or
``engine.STOP`` to stop). Workers never call Streamlit; pages poll with
:func:`render_job` inside a fragment.

The registry keeps the waiting line itself and hands the pool one job per worker
at a time: a job cancelled while it waits leaves the line at once (the pool would
have taken it into its worker's queue, where it could no longer be dropped). A
worker that dies (killed, e.g. by the system when memory runs out) fails the job it
ran with :class:`WorkerLost` and is replaced; the jobs waiting in line run next.

A job belongs to the browser session that started it. The pool has one worker per
server, so a fit left running by a closed tab would hold every other session's fit
in the queue: a watcher thread asks such a job to stop once its session has been
gone for :data:`ABANDON_S` seconds (a reload opens a new session too, which takes
the job over with :meth:`JobRegistry.adopt`: see app/session_store.py). A finished
job's result (or the partial result of a job stopped that way) stays until its
page collects it, for as long as a kept session points to it.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing as mp
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from app.components.text import literal
from engine.errors import EngineError
from engine.executor import without_host_script
from engine.runtime import STOP, asks_to_stop

logger = logging.getLogger(__name__)

# Seconds between two looks of a page at its running job (progress, a stop asked
# for, the end): what a user waits at most beyond the fit itself.
POLL_S = 1.0
# What a page adds to a promise about Cancel (the engine's words say how soon the
# fit sees a stop request).
POLL_WORDS = (
    f"This page checks on a running fit every {POLL_S:g} s and shows the stop at "
    "its next check."
)

# Seconds a job's session may stay disconnected before the job is stopped, and
# seconds between checks.
ABANDON_S = 30.0
WATCH_S = 5.0


def _worker_init() -> None:
    import torch

    torch.set_num_threads(1)


class Notice(str):
    """A job's message about what the user asked for (a fit cancelled while it
    waited), shown by :func:`show_message` as information, not as an error."""


def show_message(message: str) -> None:
    """Show a job's stored message: a :class:`Notice` as ``st.info``, any other
    text (a failure) as ``st.error``."""
    if isinstance(message, Notice):
        st.info(message)
    else:
        st.error(message)


class CancelledBeforeStart(Exception):
    """A job cancelled after it was handed to the worker, before it started."""


class WorkerLost(Exception):
    """The worker process ended while it ran the job (killed, e.g. out of memory)."""


def _run_job(target: str, kwargs: dict[str, Any], status: Any) -> Any:
    # a job cancelled between its hand-over and its start is dropped here
    if status.get("stop", False):
        raise CancelledBeforeStart
    status.update(state="running", started=time.time())
    module_name, func_name = target.split(":")
    func = getattr(importlib.import_module(module_name), func_name)

    def progress(event: Any) -> object:
        status.update(
            task=event.task,
            stage=event.stage,
            step=event.step,
            total=event.total,
            metrics=dict(event.metrics),
            message=event.message,
            fraction=getattr(event, "fraction", None),
        )
        return STOP if status.get("stop", False) else None

    return func(**kwargs, progress=progress)


class _Abandoned(Exception):
    """Raised in the progress callback of a job without partial result on Cancel."""


def run_abandonable(
    target: str, kwargs: dict[str, Any], progress: Callable[[Any], object]
) -> Any:
    """Run a job that has no partial result; ``None`` when it was cancelled.

    Submit it as the target ``"app.jobs:run_abandonable"`` with the keyword
    arguments ``target`` and ``kwargs`` of the real work, an importable
    ``"module:function"`` that reports progress but ignores what its callback
    returns (``engine.dag.simulate_sem``: half a simulated data set is of no
    use). A Cancel raises inside its next progress event instead, which ends it
    there.

    Parameters
    ----------
    target : str
        ``"module:function"`` of the work, called as
        ``function(**kwargs, progress=...)``.
    kwargs : dict
        Its keyword arguments.
    progress : callable
        The registry's callback (returns ``engine.STOP`` once Cancel was
        pressed).

    Returns
    -------
    object or None
        What the work returned, or ``None`` when it was cancelled.
    """
    module_name, func_name = target.split(":")
    func = getattr(importlib.import_module(module_name), func_name)

    def relay(event: Any) -> None:
        if asks_to_stop(progress(event)):
            raise _Abandoned

    try:
        return func(**kwargs, progress=relay)
    except _Abandoned:
        return None


@dataclass(eq=False)
class Job:
    """One submitted job.

    ``future`` is the registry's own: pending while the job waits in line (so
    that cancelling it always succeeds), running once handed to the pool.
    ``kwargs`` is dropped once the pool has it. ``closed_tab`` says the job was
    stopped (or taken out of the line) because its session was gone.
    """

    id: str
    label: str
    target: str
    kwargs: dict[str, Any] | None
    status: Any
    owner: str | None = None
    future: Future = field(default_factory=Future)
    submitted: float = field(default_factory=time.time)
    gone_since: float | None = None
    closed_tab: bool = False


def _current_session() -> str | None:
    """Id of the browser session running this script, or None outside one."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.session_id


def _session_alive(session_id: str) -> bool:
    """Whether the session still has a browser connected (True without a server)."""
    from streamlit import runtime

    if not runtime.exists():  # AppTest and bare scripts have no server
        return True
    return runtime.get_instance().is_active_session(session_id)


def _never_kept(job_id: str) -> bool:
    return False


class JobRegistry:
    """Process pool, the line of jobs waiting for it, and the jobs' records.

    Parameters
    ----------
    max_workers : int, default=1
        Worker processes; each runs torch with one thread.
    session_alive : callable, optional
        ``session_alive(session_id) -> bool``; default: asks the Streamlit server
        whether the session still has a browser connected.
    abandon_s : float, default=ABANDON_S
        A job whose session has been gone this long is asked to stop (a queued one
        is taken out of the line).
    watch_s : float or None, default=WATCH_S
        Seconds between the watcher thread's checks; ``None`` starts no watcher
        (call :meth:`reap` yourself).
    kept : callable, optional
        ``kept(job_id) -> bool``: whether a kept session still points to the job
        (see app/session_store.py). A finished job of a gone session is forgotten
        once it is not kept; default: never kept, so forgotten ``abandon_s``
        seconds after its session went away.
    """

    def __init__(
        self,
        max_workers: int = 1,
        *,
        session_alive: Callable[[str], bool] = _session_alive,
        abandon_s: float = ABANDON_S,
        watch_s: float | None = WATCH_S,
        kept: Callable[[str], bool] = _never_kept,
    ) -> None:
        self._ctx = mp.get_context("spawn")
        with without_host_script():  # the page script is __main__ here
            self._manager = self._ctx.Manager()
        self._max_workers = max_workers
        self._pool = self._new_pool()
        self._jobs: dict[str, Job] = {}
        self._line: deque[Job] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._closing = False
        self._session_alive = session_alive
        self._kept = kept
        # At interpreter exit (the server stopped, e.g. by SIGTERM) the pool joins
        # its workers, so a running fit would hold the exit for as long as it
        # runs. Asking every job to stop first ends it at its next progress step.
        # threading's exit hooks run in reverse order of registration, before the
        # pool's own (registered when concurrent.futures was imported); atexit
        # would run after it. The hook is private but is what the pool itself uses.
        threading._register_atexit(self.stop_all)  # type: ignore[attr-defined]
        self._abandon_s = abandon_s
        for i in range(max_workers):
            threading.Thread(
                target=self._run_line, name=f"structure-lab-jobs-{i}", daemon=True
            ).start()
        if watch_s is not None:
            threading.Thread(
                target=self._watch,
                args=(watch_s,),
                name="structure-lab-job-watcher",
                daemon=True,
            ).start()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._max_workers,
            mp_context=self._ctx,
            initializer=_worker_init,
        )

    def submit(
        self,
        target: str,
        kwargs: dict[str, Any],
        label: str = "",
        owner: str | None = None,
        phase: str = "",
    ) -> str:
        """Put ``target(**kwargs, progress=...)`` in the line; return the job id.

        ``owner`` is the session the job belongs to; default the session running
        the calling script. ``phase`` is what the job does before its first
        progress event (the progress line shows it until then, in place of a
        step count no event has given yet).
        """
        status = self._manager.dict(
            state="queued", stop=False, step=0, total=None, message=phase
        )
        job = Job(
            id=uuid.uuid4().hex,
            label=label or target,
            target=target,
            kwargs=kwargs,
            status=status,
            owner=owner if owner is not None else _current_session(),
        )
        with self._wake:
            self._jobs[job.id] = job
            self._line.append(job)
            self._wake.notify()
        return job.id

    def cancel(self, job_id: str) -> None:
        """Ask a job to stop; one still in the line leaves it at once."""
        job = self._jobs.get(job_id)
        if job is None:
            return
        if job.future.cancel():
            with self._lock:
                if job in self._line:
                    self._line.remove(job)
            job.status.update(stop=True, state="cancelled")
        else:
            job.status["stop"] = True

    def snapshot(self, job_id: str) -> dict[str, Any]:
        """Return the job's state: ``state``, progress fields, ``result``, ``error``.

        Also ``elapsed_s`` (seconds since it started, or waiting while queued),
        ``place`` (1 for the next job in line, 0 when not in the line) and
        ``closed_tab`` (stopped or taken out of the line as its tab was closed).
        """
        job = self._jobs.get(job_id)
        if job is None:
            return {"state": "missing"}
        snap = dict(job.status)
        snap["elapsed_s"] = time.time() - (snap.get("started") or job.submitted)
        snap["label"] = job.label
        snap["closed_tab"] = job.closed_tab
        snap["place"] = self._place(job)
        if job.future.cancelled():
            snap["state"] = "cancelled"
        elif job.future.done():
            err = job.future.exception()
            snap["state"] = "failed" if err is not None else "done"
            if isinstance(err, CancelledBeforeStart):
                snap["state"] = "cancelled"
            snap["error"] = err
            snap["result"] = None if err is not None else job.future.result()
        return snap

    def _place(self, job: Job) -> int:
        with self._lock:
            if job.future.done() or job not in self._line:
                return 0
            waiting = [j for j in self._line if not j.future.done()]
        return waiting.index(job) + 1

    def ahead_of(self, job_id: str) -> tuple[int, int]:
        """Jobs submitted before ``job_id`` and not finished: (all, of gone sessions).

        What a queued job waits for; a gone session's job is stopped
        :data:`ABANDON_S` seconds after its tab closed.
        """
        with self._lock:
            if job_id not in self._jobs:
                return 0, 0
            ids = list(self._jobs)  # in the order of submission
            earlier = [self._jobs[k] for k in ids[: ids.index(job_id)]]
        earlier = [j for j in earlier if not j.future.done()]
        gone = sum(
            1
            for j in earlier
            if j.owner is not None and not self._session_alive(j.owner)
        )
        return len(earlier), gone

    def adopt(self, job_id: str, owner: str | None = None) -> bool:
        """Hand a job to ``owner`` (default: the calling session), after a reload.

        Refused (``False``) while the job's owner is another session that still
        has a browser connected; an unknown job is left to the page (``True``).
        """
        owner = owner if owner is not None else _current_session()
        job = self._jobs.get(job_id)
        if job is None or job.owner == owner:
            return True
        if job.owner is not None and self._session_alive(job.owner):
            return False
        job.owner, job.gone_since = owner, None
        return True

    def forget(self, job_id: str) -> None:
        """Drop a finished job's record."""
        with self._lock:
            self._jobs.pop(job_id, None)

    def reap(self, now: float | None = None) -> list[str]:
        """Stop the jobs whose session has been gone too long; forget finished ones.

        A stopped job keeps its record until its worker returns (a fit stops at
        its next step boundary, which can take a while), so that the jobs queued
        behind it are told what they wait for; then it is kept, with its result,
        while a kept session points to it (see ``kept``).

        Returns
        -------
        list of str
            Ids of the jobs asked to stop or forgotten in this call.
        """
        now = time.time() if now is None else now
        with self._lock:
            jobs = list(self._jobs.values())
        reaped = []
        for job in jobs:
            if job.owner is None or self._session_alive(job.owner):
                job.gone_since = None
                continue
            job.gone_since = job.gone_since or now
            if now - job.gone_since < self._abandon_s:
                continue
            if job.future.done():
                if not self._kept(job.id):
                    self.forget(job.id)
                    reaped.append(job.id)
            elif not job.status.get("stop", False):
                logger.info("stopping %s: its browser session is gone", job.label)
                job.closed_tab = True
                self.cancel(job.id)
                reaped.append(job.id)
        return reaped

    def stop_all(self) -> None:
        """Ask every job to stop (queued ones leave the line); start no more."""
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        for job_id in list(self._jobs):
            try:
                self.cancel(job_id)
            except (OSError, EOFError):  # the manager is already gone
                logger.info("could not ask %s to stop", job_id)

    def close(self) -> None:
        """Stop every job, then the worker processes and the manager."""
        self.stop_all()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._manager.shutdown()

    def _run_line(self) -> None:
        """Hand the jobs in line to the pool, one at a time (a thread per worker)."""
        while (job := self._next()) is not None:
            try:
                job.future.set_result(self._run(job))
            except BaseException as err:  # the job's failure, shown by its page
                job.future.set_exception(err)

    def _next(self) -> Job | None:
        """The next job in line, marked running; None once the registry closes."""
        with self._wake:
            while True:
                while not self._line and not self._closing:
                    self._wake.wait()
                if self._closing:
                    return None
                job = self._line.popleft()
                if job.future.set_running_or_notify_cancel():
                    return job

    def _run(self, job: Job) -> Any:
        """Run ``job`` in the pool and return its result.

        A pool found broken when the job is handed over (its worker died while
        idle) is replaced and the job handed to the new one; a worker that dies
        while it runs the job raises :class:`WorkerLost`, after the pool is
        replaced for the jobs after it.
        """
        pool = self._pool
        try:
            with without_host_script():  # the worker starts on the first job
                running = pool.submit(_run_job, job.target, job.kwargs, job.status)
        except BrokenProcessPool:
            pool = self._renew_pool(pool)
            with without_host_script():
                running = pool.submit(_run_job, job.target, job.kwargs, job.status)
        job.kwargs = None  # the pool holds them until the worker has them
        try:
            return running.result()
        except BrokenProcessPool as err:
            logger.warning("the worker process ended while it ran %s", job.label)
            self._renew_pool(pool)
            raise WorkerLost(str(err)) from err

    def _renew_pool(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """Replace the pool ``broken`` (unless done already) and return the new one."""
        with self._lock:
            if self._pool is broken and not self._closing:
                logger.warning("the worker process ended; starting a new one")
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
            return self._pool

    def _watch(self, every_s: float) -> None:
        while True:
            time.sleep(every_s)
            try:
                self.reap()
            except Exception:  # the watcher must outlive one bad check
                logger.exception("checking for abandoned jobs failed")


@st.cache_resource(show_spinner=False)
def get_registry() -> JobRegistry:
    """The server-wide job registry; it keeps what the kept sessions point to."""
    from app.session_store import get_store

    return JobRegistry(max_workers=1, kept=get_store().holds_job)


def error_text(err: BaseException, what: str = "The fit") -> str:
    """The message to show for a failed job; ``what`` names the job in the text."""
    if isinstance(err, EngineError):
        return str(err)
    if isinstance(err, WorkerLost):
        return (
            f"{what} was lost: the worker process ended unexpectedly (killed by the "
            "system, e.g. out of memory?). Start it again, with fewer rows or "
            "columns if the table was large."
        )
    return f"{what} failed with an unexpected {type(err).__name__}: {err}"


def render_job(
    job_key: str,
    on_done: Callable[[Any], None],
    *,
    poll_s: float = POLL_S,
    what: str = "The fit",
) -> None:
    """Show progress and a cancel button for the job whose id is in ``job_key``.

    When the job finishes, ``on_done(result)`` runs (it should store the result in
    session state) and the whole page reruns. Errors are stored under
    ``job_key + "_error"``, Markdown-escaped (they quote names from the data),
    and shown as ``st.error`` by the caller's next run.

    Parameters
    ----------
    job_key : str
        Session-state key holding the job id (absent when no job runs).
    on_done : callable
        Receives the job's result.
    poll_s : float, default=POLL_S
        Seconds between polls.
    what : str, default="The fit"
        The job in words, for the message of an unexpected failure.
    """
    if st.session_state.get(job_key) is None:
        return

    @st.fragment(run_every=poll_s)
    def _poll() -> None:
        job_id = st.session_state.get(job_key)
        if job_id is None:
            return
        registry = get_registry()
        snap = registry.snapshot(job_id)
        if snap["state"] in ("done", "failed", "cancelled", "missing"):
            _finish(job_key, job_id, snap, on_done, what)
            st.rerun()
        _show_progress(snap, job_key, registry, job_id)

    _poll()


def _finish(
    job_key: str, job_id: str, snap: dict[str, Any], on_done: Callable, what: str
) -> None:
    _collect(job_key, snap, on_done, what)
    st.session_state[job_key] = None
    # saved now, not after the page's rerun: a tab closed in between would leave
    # the kept session pointing to a job forgotten below, its result lost
    from app.session_store import save_session

    save_session()
    get_registry().forget(job_id)


def _collect(job_key: str, snap: dict[str, Any], on_done: Callable, what: str) -> None:
    """Store a finished job's result, or its message under ``job_key + "_error"``."""
    if snap["state"] == "done":
        if snap.get("closed_tab"):
            st.session_state[job_key + "_error"] = (
                f"{what} was stopped because its browser tab was closed for more "
                f"than {ABANDON_S:.0f} s (one fit runs at a time, for every tab); "
                "the result it had reached is kept on this page. Start it again to "
                "finish it."
            )
        try:
            on_done(snap["result"])
        except Exception as err:  # a page bug must not swallow a finished fit
            logger.exception("storing the result of %s failed", snap.get("label"))
            st.session_state[job_key + "_error"] = literal(
                f"The result could not be shown ({type(err).__name__}: {err}); "
                "please report this, and run the fit again."
            )
    elif snap["state"] == "failed":
        st.session_state[job_key + "_error"] = literal(error_text(snap["error"], what))
    elif snap["state"] == "cancelled":
        st.session_state[job_key + "_error"] = (
            f"{what} was taken out of the line: its browser tab was closed for more "
            f"than {ABANDON_S:.0f} s before it could start. Start it again."
            if snap.get("closed_tab")
            else Notice(f"{what} was cancelled before it started.")
        )
    elif snap["state"] == "missing":
        st.session_state[job_key + "_error"] = (
            f"{what} started in this session is no longer on the server, nor is its "
            "result. Start it again."
        )


# What a step counts, per task and stage of the engine's progress events; ``None``:
# the event's message says it ("40 of 100 trees", "epoch 3 of at most 200").
STAGE_WORDS: dict[tuple[str, str], str | None] = {
    ("dag.fit", "train"): "epoch",
    ("dag.fit", "fit"): None,  # "epoch 1: fitting ordering 3 of 10"
    ("dag.fit", "polish"): "polishing step",
    ("dag.fit", "refit"): "refit",
    ("dag.simulate", "nodes"): None,  # "node 3 of 20: GP draw 1 of 2"
    ("graphs.fit", "inner"): "inner steps",
    ("graphs.fit", "outer"): "outer iterations done",
    ("graphs.baselines", "baselines"): "baseline",
    ("values.train", "train"): None,
    ("values.train", "done"): "done",
    ("values.explain", "start"): None,
    ("values.explain", "exact"): "rows",
    ("values.explain", "permutation"): "rows",
    ("values.explain", "coalition"): "rows",
    ("values.explain", "jobs"): "chunks of rows",
    ("values.explain", "done"): "rows explained",
}
# The figures a user reads, in this order, under readable names; others are left
# out of the progress line (they are in the result's history).
SHOWN_METRICS = {
    "loss": "loss",
    "inner_loss": "training loss",
    "train_loss": "training loss",
    "val_accuracy": "validation accuracy",
    "edges": "edges",
    "accuracy": "accuracy",
}
# Figures shown as whole numbers.
_COUNTS = {"edges"}


def _metrics_text(metrics: dict[str, float]) -> str:
    """The :data:`SHOWN_METRICS` among ``metrics``, as "name value" pairs."""
    shown, seen = [], set()
    for key, name in SHOWN_METRICS.items():
        if key in metrics and name not in seen:
            fmt = ".0f" if key in _COUNTS else ".4g"
            shown.append(f"{name} {metrics[key]:{fmt}}")
            seen.add(name)
    return ", ".join(shown)


def _step_text(snap: dict[str, Any]) -> str:
    """Where a running job is: "inner steps 175/400", "outer iterations done 15/100".

    Nothing before the job's first progress event (no task yet): "step 0" said
    nothing for the seconds a fit takes to its first epoch.
    """
    task, stage = snap.get("task") or "", snap.get("stage") or ""
    if not task:
        return ""
    word = STAGE_WORDS.get((task, stage), stage.replace("_", " ") or "step")
    if word is None:
        return ""
    total = snap.get("total")
    return f"{word} {snap.get('step') or 0}" + (f"/{total}" if total else "")


def progress_text(snap: dict[str, Any]) -> str:
    """The progress line of a job: its label, state, stage word, figures, time.

    Parameters
    ----------
    snap : dict
        :meth:`JobRegistry.snapshot` of the job.

    Returns
    -------
    str
        Markdown-safe text; a queued job says nothing about steps.
    """
    parts = [f"{literal(snap['label'])}: {snap['state']}"]
    if snap["state"] != "queued":
        if snap.get("message"):
            parts.append(literal(snap["message"]))
        step = _step_text(snap)
        metrics = _metrics_text(snap.get("metrics") or {})
        if step or metrics:
            parts.append(step + (f" ({metrics})" if step and metrics else metrics))
    parts.append(f"{snap['elapsed_s']:.0f} s")
    return ", ".join(parts)


def progress_fraction(snap: dict[str, Any]) -> float:
    """How far the progress bar of a job is, in [0, 1].

    The event's ``fraction`` of the whole task when it has one (the inner steps
    of an LDS outer iteration: the bar moves on over the whole fit rather than
    starting again at each outer iteration), else ``step / total``; 0 when
    neither is known.

    Parameters
    ----------
    snap : dict
        :meth:`JobRegistry.snapshot` of the job.

    Returns
    -------
    float
    """
    fraction = snap.get("fraction")
    if fraction is None:
        total = snap.get("total") or 0
        fraction = (snap.get("step") or 0) / total if total else 0.0
    return min(max(float(fraction), 0.0), 1.0)


def _show_progress(
    snap: dict[str, Any], job_key: str, registry: JobRegistry, job_id: str
) -> None:
    st.progress(progress_fraction(snap), text=progress_text(snap))
    if snap["state"] == "queued":
        st.caption(_queue_text(*registry.ahead_of(job_id), snap.get("place", 0)))
    if snap.get("stop"):
        waiting = snap["state"] == "queued"
        st.caption(
            "Cancelled: it will not start."
            if waiting
            else "Stopping after the current step…"
        )
    elif st.button("Cancel", key=f"{job_key}_cancel"):
        registry.cancel(job_id)


def _ordinal(n: int) -> str:
    """``n`` as an ordinal: 2nd, 3rd, 4th, 11th, 21st."""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{'th' if 10 <= n % 100 <= 20 else suffix}"


def _queue_text(n_ahead: int, n_gone: int, place: int = 0) -> str:
    """Why a job waits, and its ``place`` in the line (1: next; 0: not known).

    The server runs one fit at a time, for every tab.
    """
    if n_ahead == 0:
        return "Starting the worker process…"
    text = (
        f"waiting for {n_ahead} fit(s) started earlier on this server (one fit runs "
        "at a time, for every browser tab)"
    )
    if place:
        text = ("Next" if place == 1 else _ordinal(place)) + " in line: " + text
    else:
        text = text[0].upper() + text[1:]
    if n_gone:
        text += (
            f"; {n_gone} of them belong(s) to a tab that was closed or reloaded and "
            f"is stopped {ABANDON_S:.0f} s after it went away"
        )
    return text + "."
