"""One seam for independent jobs: serial, local processes, or a Ray cluster.

Bootstrap fits, chunks of rows to explain and the seeds of a benchmark are pure
jobs: a top-level function applied to picklable items, each item carrying its own
seed (see :func:`engine.runtime.spawn_seeds`). The same items give the same results
whichever executor runs them, so ``executor="serial"`` is the reference.

``executor`` is ``"serial"``, ``"processes"`` (a local process pool forked from a
fork server that has imported ``engine``, one torch thread per worker), ``"ray"``
(an optional extra, ``pip install structure-lab[scale]``: connects to ``address``
when given, else starts a local cluster bound to 127.0.0.1), or any object with a
``map_jobs(fn, items, on_done)`` method.

A stop request (the progress callback returning ``True`` or ``engine.STOP``) ends a
batch within about :data:`HEARTBEAT_S` seconds, not after the jobs in flight: worker
processes and Ray tasks are terminated, and a serial job hears of it through
:func:`stop_requested` (see :func:`run_jobs`).
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import importlib
import inspect
import logging
import multiprocessing as mp
import os
import signal
import sys
import time
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol

from engine.errors import ConfigError, ExecutorError, UnsupportedError, check_int
from engine.runtime import STOP, ProgressCallback, Reporter

__all__ = [
    "EXECUTORS",
    "HEARTBEAT_S",
    "JobOutcome",
    "ProcessExecutor",
    "RayExecutor",
    "SerialExecutor",
    "check_executor_options",
    "forward_stop",
    "one_torch_thread",
    "resolve_executor",
    "run_jobs",
    "stop_requested",
    "without_host_script",
]

logger = logging.getLogger(__name__)

EXECUTORS = ("processes", "ray", "serial")

# Seconds between two stop checks (heartbeat progress events) while jobs run.
HEARTBEAT_S = 0.5

# on_done(index, result) is called as each job finishes; returning True asks the
# executor to stop: cancel the jobs not started and end the running ones.
OnDone = Callable[[int, Any], bool]
# should_stop() is asked while jobs run (about every HEARTBEAT_S seconds); True:
# stop as on_done's True, dropping the jobs in flight.
ShouldStop = Callable[[], bool]

# The stop check of the serial batch running in this context (None elsewhere).
_STOP_CHECK: contextvars.ContextVar[ShouldStop | None] = contextvars.ContextVar(
    "engine_executor_stop_check", default=None
)


def _never() -> bool:
    return False


class Executor(Protocol):
    """What :func:`run_jobs` needs of an executor object."""

    def map_jobs(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: OnDone,
        should_stop: ShouldStop = _never,
    ) -> None:
        """Run ``fn(item)`` for every item, reporting each result to ``on_done``."""


def stop_requested() -> bool:
    """Whether the serial batch running the calling job has been asked to stop.

    A long job run by the serial executor (in the caller's process) calls this
    (or passes :func:`forward_stop` as its learner's progress callback) to end
    early; the executor then drops the job's result. Asking costs little: the
    batch's progress callback is asked at most every :data:`HEARTBEAT_S` seconds.
    False outside a serial batch: a worker process or Ray task is terminated
    instead.

    Returns
    -------
    bool
    """
    check = _STOP_CHECK.get()
    return False if check is None else bool(check())


def forward_stop(event: Any) -> object:
    """A progress callback that only forwards the batch's stop request.

    Parameters
    ----------
    event : ProgressEvent
        Ignored: the inner fit's progress is not reported.

    Returns
    -------
    object
        :data:`engine.STOP` when :func:`stop_requested`, else ``None``.
    """
    return STOP if stop_requested() else None


@dataclass(frozen=True)
class JobOutcome:
    """What a batch of jobs returned.

    Attributes
    ----------
    results : list
        One entry per item, ``None`` for jobs that did not run.
    done : tuple of bool
        Which jobs finished.
    stopped : bool
        Whether a stop request cancelled some jobs (the outcome is partial).
    executor : str
        Name of the executor that ran them.
    """

    results: list[Any]
    done: tuple[bool, ...]
    stopped: bool
    executor: str

    @property
    def completed(self) -> list[Any]:
        """The results of the finished jobs, in item order."""
        return [r for r, ok in zip(self.results, self.done, strict=True) if ok]


class SerialExecutor:
    """Run jobs one after another in this process (the reference)."""

    name = "serial"

    def map_jobs(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: OnDone,
        should_stop: ShouldStop = _never,
    ) -> None:
        """Run every job in order; stop early when ``on_done`` returns True.

        A job reaches ``should_stop`` through :func:`stop_requested`; once it is
        told to stop, its (partial) result is dropped and no later job runs.
        """
        for i, item in enumerate(items):
            result, stopped = _run_stoppable(fn, item, should_stop)
            if stopped or on_done(i, result):
                return


def _run_stoppable(
    fn: Callable[[Any], Any], item: Any, should_stop: ShouldStop
) -> tuple[Any, bool]:
    """Run ``fn(item)`` with ``should_stop`` behind :func:`stop_requested`.

    Returns the result and whether the job was told to stop while it ran.
    """
    told = False

    def check() -> bool:
        nonlocal told
        told = told or bool(should_stop())
        return told

    token = _STOP_CHECK.set(check)
    try:
        result = fn(item)
    finally:
        _STOP_CHECK.reset(token)
    return result, told


def _program_path(orig_argv: Sequence[str]) -> str | None:
    """The script file the interpreter was started with; None for ``-m`` / ``-c``.

    Read from the interpreter's own arguments (``sys.orig_argv``), not from
    ``sys.argv``, which hosts rewrite: ``streamlit run app.py`` makes
    ``sys.argv[0]`` the page script although the program is Streamlit.
    """
    args = list(orig_argv[1:])
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-" or not arg.startswith("-"):
            return None if arg == "-" else arg
        if arg.startswith("--"):
            i += 2 if arg == "--check-hash-based-pycs" else 1
            continue
        for k, flag in enumerate(arg[1:]):
            if flag in "cm":
                return None
            if flag in "WX":  # an option value follows, inline or as the next arg
                if k == len(arg) - 2:
                    i += 1
                break
        i += 1
    return None


def _is_program(path: str) -> bool:
    program = _program_path(getattr(sys, "orig_argv", sys.argv))
    if program is None:
        return False
    try:
        return os.path.samefile(path, program)
    except (OSError, TypeError):
        return False


def _unguarded_script() -> str | None:
    """The path of the program's ``__main__`` script if it has no main guard.

    A spawned or fork-server worker re-runs such a script from its first line,
    so a script that starts jobs at top level starts them again in every worker,
    which then dies. ``None`` for a guarded script, a notebook or ``python -c``.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or not _is_program(path):
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:  # a top-level `if __name__ == ...:`
        if isinstance(node, ast.If) and any(
            isinstance(n, ast.Name) and n.id == "__name__" for n in ast.walk(node.test)
        ):
            return None
    return path


def _broken_pool_message(start_method: str) -> str:
    """Why a process pool broke, as far as can be told, and what to do."""
    script = _unguarded_script() if start_method != "fork" else None
    if script is not None:
        return (
            "executor='processes': the worker processes died while starting, "
            f"because the script {script!r} has no main guard: each worker "
            "re-runs the script, which starts the jobs again. Put the script's "
            "code under `if __name__ == \"__main__\":`, or use executor='serial'."
        )
    return (
        "executor='processes': a worker process ended abruptly (killed, out of "
        "memory, or crashed). If this runs from a script, check that its code is "
        'under `if __name__ == "__main__":`; otherwise use fewer workers '
        "('n_workers'), a smaller problem, or executor='serial'."
    )


@contextlib.contextmanager
def without_host_script() -> Iterator[None]:
    """Start spawned processes without re-running a host's ``__main__`` script.

    A spawned (or fork-server) process re-imports its parent's ``__main__`` from
    that module's file. Under Streamlit (and its AppTest) ``__main__`` is the page
    script, which every worker would execute again in bare mode, or, for AppTest's
    generated scripts, fail on. Workers need only importable modules, so while
    processes start, a blank ``__main__`` stands in for a script that is not the
    program the interpreter was started with (``sys.orig_argv``: under ``python -m
    streamlit run`` or in a worker there is none). A plain ``python my_script.py``
    keeps its ``__main__``, so job functions defined there still reach the workers.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    hosted = (
        path is not None
        and getattr(main, "__spec__", None) is None
        and not _is_program(path)
    )
    if not hosted:
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run the enclosed job on one torch thread, then restore the thread count.

    Every executor runs a job on one thread (workers are set up so), so that
    reductions add up in the same order and serial, process and Ray runs of a job
    agree bit for bit; serial jobs in the caller's process use this.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


# What a worker should import before its first job: the library (its subpackages:
# ``import engine`` alone imports them on first use), and the torch compiler stack
# that torch's optimisers import on their first construction (about 1.5 s of CPU,
# which every fresh worker would pay again in its first fit).
WARM_MODULES = (
    "engine.dag",
    "engine.values",
    "engine.graphs",
    "torch._dynamo",
)


def _warm_worker(item: Any) -> None:
    """An empty job that imports :data:`WARM_MODULES` (warms a worker up)."""
    for name in WARM_MODULES:
        importlib.import_module(name)


def _init_worker() -> None:
    import torch

    # Ctrl-C reaches the whole process group: the parent handles it and stops
    # the pool; a worker that raised KeyboardInterrupt would print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    torch.set_num_threads(1)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT in the enclosed block (main thread only; else do nothing).

    A process started meanwhile inherits the ignored signal: the fork server,
    which imports :data:`WARM_MODULES` for seconds, and the workers it forks.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C back until the enclosed block ends, then raise it.

    Around the start of a pool's workers: a KeyboardInterrupt while a worker is
    being forked would leave it unknown to the pool, so nothing would stop it,
    and it would print a traceback once the parent is gone. Main thread only;
    elsewhere the block runs as it is.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    asked: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, _frame: asked.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
    if asked:
        raise KeyboardInterrupt


def _stop_pool(pool: ProcessPoolExecutor, grace_s: float = 10.0) -> None:
    """Cancel the pending jobs and end the running ones now.

    On a stop request, Ctrl-C or an error. The workers ignore SIGINT and would
    finish their jobs first: they are terminated, and the pool's manager thread,
    which sees them end, joins them; this waits for it (at most ``grace_s``
    seconds), so that no worker outlives the call.
    """
    # read before shutdown(), which forgets both
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()
    if manager is not None:
        manager.join(grace_s)
        if manager.is_alive():
            logger.warning("the worker pool did not end within %.0f s", grace_s)


def _start_method(requested: str | None) -> str:
    methods = mp.get_all_start_methods()
    if requested is not None:
        if requested not in methods:
            raise ConfigError(
                f"'start_method' must be one of {methods} on this platform; "
                f"got {requested!r}."
            )
        return requested
    return "forkserver" if "forkserver" in methods else "spawn"


class ProcessExecutor:
    """Run jobs in a pool of local processes, each with one torch thread.

    Workers are forked from multiprocessing's fork server where the platform has
    one (Linux, macOS), else spawned. The fork server is a clean process started
    once per program that imports :data:`WARM_MODULES` (``engine``, torch and the
    torch compiler stack that optimisers load) before it forks, so a pool's
    workers start in a fraction of a second, warm, instead of each importing
    torch again; the first pool of a program pays that import once. Forking from
    it is safe with torch: the server never runs a torch operation, so it holds
    no thread pool. Jobs defined in a script's ``__main__`` still reach the
    workers (see :func:`without_host_script`).

    Parameters
    ----------
    n_workers : int or None
        Worker processes; default the number of CPU cores.
    start_method : {"forkserver", "spawn", "fork"} or None
        How workers start; default ``"forkserver"`` where available, else
        ``"spawn"``. ``"fork"`` copies a parent that may hold torch threads:
        avoid it.
    """

    name = "processes"

    def __init__(
        self, n_workers: int | None = None, start_method: str | None = None
    ) -> None:
        self.n_workers = n_workers or os.cpu_count() or 1
        self.start_method = _start_method(start_method)

    def _context(self) -> Any:
        ctx = mp.get_context(self.start_method)
        if self.start_method == "forkserver":
            # read only when the program's fork server starts; ignored after
            ctx.set_forkserver_preload(list(WARM_MODULES))
            from multiprocessing import forkserver

            # started (once per program) with SIGINT ignored, which it and the
            # workers it forks inherit: Ctrl-C during its imports or a job is
            # the parent's alone to handle
            with _sigint_ignored():
                forkserver.ensure_running()
        return ctx

    def start(self) -> None:
        """Pay the once-per-program start-up now: the fork server and its import.

        Runs one empty job in a throwaway worker, so that the fork server (with
        ``engine`` imported) is up when this returns. Later batches fork their
        workers from it. Optional: the first batch does the same otherwise.
        """
        self.map_jobs(_warm_worker, [None], lambda index, result: False)

    def map_jobs(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: OnDone,
        should_stop: ShouldStop = _never,
    ) -> None:
        """Run the jobs; on a stop request end them all.

        A stop request is ``on_done`` returning True, or ``should_stop``, asked
        every :data:`HEARTBEAT_S` seconds while no job finishes: the jobs not
        started are cancelled and the workers running the others terminated.
        """
        with ProcessPoolExecutor(
            self.n_workers, mp_context=self._context(), initializer=_init_worker
        ) as pool:
            try:
                finished = self._run_pool(pool, fn, items, on_done, should_stop)
            except BrokenProcessPool as err:
                _stop_pool(pool)
                raise ExecutorError(_broken_pool_message(self.start_method)) from err
            except BaseException:  # Ctrl-C included: no job outlives the call
                _stop_pool(pool)
                raise
            if not finished:
                _stop_pool(pool)

    @staticmethod
    def _run_pool(
        pool: ProcessPoolExecutor,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: OnDone,
        should_stop: ShouldStop,
    ) -> bool:
        """Submit the jobs and report them; False when stopped before the end."""
        # workers start on the first submits
        with _sigint_deferred(), without_host_script():
            pending: dict[Future, int] = {
                pool.submit(fn, it): i for i, it in enumerate(items)
            }
        while pending:
            finished, _ = wait(pending, HEARTBEAT_S, return_when=FIRST_COMPLETED)
            stop = False
            for fut in finished:  # every finished job is kept, even after a stop
                stop = on_done(pending.pop(fut), fut.result()) or stop
            if stop or (pending and not finished and should_stop()):
                return False
        return True


class RayExecutor:
    """Run jobs as Ray tasks, on a cluster at ``address`` or a local one.

    A local cluster listens on 127.0.0.1 only, with the dashboard and usage
    statistics off, and is shut down by :meth:`shutdown` (or when this executor
    started it and the batch ends, with ``keep_alive=False``).

    Parameters
    ----------
    address : str or None
        A running cluster's address (``"ray://host:10001"`` or ``"auto"``); ``None``
        starts a local cluster.
    n_workers : int or None
        CPUs of a local cluster; default the number of cores.
    keep_alive : bool, default=True
        Keep a local cluster running between batches (start-up costs seconds).
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        n_workers: int | None = None,
        keep_alive: bool = True,
    ) -> None:
        self.address = address
        self.n_workers = n_workers or os.cpu_count() or 1
        self.keep_alive = keep_alive
        self._started = False

    def start(self, warm: bool = True) -> None:
        """Connect to the cluster, or start the local one, now rather than lazily.

        Useful to pay (and time) the start-up before the first batch. With
        ``warm``, one task per CPU (``n_workers``) makes the workers import
        :data:`WARM_MODULES` too, as the fork server of
        :class:`ProcessExecutor` does for processes.
        """
        ray = self._ray()
        if warm:
            task = ray.remote(num_cpus=1)(_ray_job)
            ray.get([task.remote(_warm_worker, None) for _ in range(self.n_workers)])

    def _ray(self) -> Any:
        if self.address is None:
            _pin_ray_to_loopback()
        try:
            import ray
        except ImportError as err:
            raise UnsupportedError(
                "executor='ray' needs the optional Ray extra; install it with "
                "`pip install structure-lab[scale]` or use executor='processes'."
            ) from err
        if not ray.is_initialized():
            self._init(ray)
        return ray

    def _init(self, ray: Any) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if self.address is not None:
            ray.init(address=self.address, logging_level=logging.WARNING)
            return
        # Workers see the driver's import path, as spawned processes do, so that jobs
        # defined outside installed packages (scripts, tests) can be unpickled.
        runtime_env = {"env_vars": {"PYTHONPATH": os.pathsep.join(sys.path)}}
        ray.init(
            num_cpus=self.n_workers,
            include_dashboard=False,
            _node_ip_address="127.0.0.1",
            logging_level=logging.WARNING,
            log_to_driver=False,
            runtime_env=runtime_env,
        )
        self._started = True

    def map_jobs(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: OnDone,
        should_stop: ShouldStop = _never,
    ) -> None:
        """Submit every job as a Ray task; on a stop request cancel the rest.

        A stop request is ``on_done`` returning True, or ``should_stop``, asked
        every :data:`HEARTBEAT_S` seconds while no task finishes: the tasks not
        finished are cancelled, the running ones by ending their worker
        (``ray.cancel(force=True)``).
        """
        ray = self._ray()
        task = ray.remote(num_cpus=1)(_ray_job).options(
            name=getattr(fn, "__name__", "job")
        )
        refs = {task.remote(fn, it): i for i, it in enumerate(items)}
        try:
            if not _run_refs(ray, refs, on_done, should_stop):
                _cancel_refs(ray, refs)
        except BaseException:  # Ctrl-C or a failed task: no task outlives the call
            _cancel_refs(ray, refs)
            raise
        finally:
            if self._started and not self.keep_alive:
                self.shutdown()

    def shutdown(self) -> None:
        """Stop the local cluster this executor started (no-op otherwise)."""
        if self._started:
            import ray

            ray.shutdown()
            self._started = False


def _run_refs(
    ray: Any, refs: dict[Any, int], on_done: OnDone, should_stop: ShouldStop
) -> bool:
    """Report the Ray tasks as they finish; False when stopped before the end.

    Finished tasks leave ``refs``; on a stop the unfinished ones stay in it.
    """
    while refs:
        ready, _ = ray.wait(list(refs), num_returns=1, timeout=HEARTBEAT_S)
        stop = False
        for ref in ready:
            stop = on_done(refs.pop(ref), ray.get(ref)) or stop
        if stop or (refs and not ready and should_stop()):
            return False
    return True


def _cancel_refs(ray: Any, refs: dict[Any, int]) -> None:
    """Cancel the tasks of ``refs``, ending the workers of running ones."""
    for ref in refs:
        with contextlib.suppress(Exception):  # a task that ended meanwhile
            ray.cancel(ref, force=True)


def _pin_ray_to_loopback() -> None:
    """Make a local Ray cluster use 127.0.0.1 as its node address.

    On Linux Ray resolves even ``_node_ip_address="127.0.0.1"`` to the machine's
    outward address; its single-machine mode (the default on macOS and Windows)
    keeps every address on loopback. The switch is read when Ray is imported, so it
    is set in the environment first and on the loaded constants if Ray is already
    imported.
    """
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    # a local cluster never reports usage statistics (they would leave the machine)
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    constants = sys.modules.get("ray._private.ray_constants")
    if constants is not None:
        constants.ENABLE_RAY_CLUSTER = False


def _ray_job(fn: Callable[[Any], Any], item: Any) -> Any:
    import torch

    torch.set_num_threads(1)
    return fn(item)


def _executor_words(executor: Any) -> tuple[str, str]:
    """How ``executor`` is shown in a message, and why it runs no workers."""
    if executor is None:
        return "None", "without an executor everything runs in this process"
    if executor == "serial":
        return "'serial'", (
            "the serial executor runs the jobs one after another in this process"
        )
    if executor == "processes":
        return "'processes'", "a process pool on this machine connects to no cluster"
    return type(executor).__name__, "an executor object brings its own workers"


def check_executor_options(
    owner: str,
    executor: str | Any | None,
    *,
    n_workers: Any = None,
    address: Any = None,
) -> int | None:
    """Check the executor's options; refuse those that do nothing with it.

    ``n_workers`` sets the processes of ``executor="processes"`` and the CPUs of
    a local Ray cluster; ``address`` is the Ray cluster to connect to. With
    another executor (``"serial"``, ``None`` for none, an executor object) they
    would be ignored without a word, so they are refused, naming both options,
    as the ``dag`` command refuses ``--workers`` with ``--executor serial``.

    Parameters
    ----------
    owner : str
        The caller, named in messages (``"bootstrap_dag"``).
    executor : {"serial", "processes", "ray"}, executor object or None
        The executor asked for; ``None`` where the caller allows running without.
    n_workers : int, optional
        A positive integer (Python or NumPy), or ``None``.
    address : str, optional
        A Ray cluster's address, or ``None``.

    Returns
    -------
    int or None
        ``n_workers`` as a plain ``int`` (``None`` if not given).

    Raises
    ------
    ConfigError
        An unknown executor name, ``n_workers`` that is not a positive integer,
        or an option the executor does not use.

    Examples
    --------
    >>> check_executor_options("bootstrap_dag", "processes", n_workers=4)
    4
    """
    named = isinstance(executor, str)
    if named and executor not in EXECUTORS:
        raise ConfigError(
            f"{owner}: 'executor' must be one of {list(EXECUTORS)} or an object "
            f"with map_jobs; got {executor!r}."
        )
    workers = None
    if n_workers is not None:
        workers = check_int(owner, "n_workers", n_workers, low=1)
    shown, why = _executor_words(executor)
    if workers is not None and executor not in ("processes", "ray"):
        raise ConfigError(
            f"{owner}: n_workers={workers!r} does nothing with executor={shown} "
            f"({why}); set executor='processes' or 'ray', or leave 'n_workers' at "
            "its default None."
        )
    if address is not None and executor != "ray":
        raise ConfigError(
            f"{owner}: address={address!r} does nothing with executor={shown} "
            f"({why}); set executor='ray' to connect to a Ray cluster, or leave "
            "'address' at its default None."
        )
    return workers


def resolve_executor(executor: str | Any = "serial", **options: Any) -> Any:
    """Turn an executor name (or object) into an executor object.

    Parameters
    ----------
    executor : {"serial", "processes", "ray"} or object
        A name, or an object with ``map_jobs``.
    **options
        ``n_workers`` for processes and Ray, ``start_method`` for processes,
        ``address`` for Ray.

    Returns
    -------
    object
        An executor with a ``map_jobs`` method.
    """
    if hasattr(executor, "map_jobs"):
        return executor
    if executor == "serial":
        return SerialExecutor()
    if executor == "processes":
        return ProcessExecutor(
            n_workers=options.get("n_workers"),
            start_method=options.get("start_method"),
        )
    if executor == "ray":
        return RayExecutor(
            address=options.get("address"), n_workers=options.get("n_workers")
        )
    raise ConfigError(
        f"'executor' must be one of {list(EXECUTORS)} or an object with map_jobs; "
        f"got {executor!r}."
    )


class _Batch:
    """The bookkeeping of one :func:`run_jobs` call: results, progress, stops."""

    def __init__(self, n: int, progress: ProgressCallback | None, task: str) -> None:
        self.results: list[Any] = [None] * n
        self.done = [False] * n
        self.reporter = Reporter(progress, task, total=n)
        self._last = time.monotonic()

    def report(self) -> bool:
        """Send a ``jobs`` event (jobs done so far); True asks to stop."""
        self._last = time.monotonic()
        n_done = sum(self.done)
        return self.reporter("jobs", n_done, {"done": n_done})

    def on_done(self, index: int, result: Any) -> bool:
        """Keep a finished job's result and report it."""
        self.results[index] = result
        self.done[index] = True
        return self.report()

    def should_stop(self) -> bool:
        """Whether to stop: a heartbeat event at most every :data:`HEARTBEAT_S`."""
        if self.reporter.stop_requested:
            return True
        if time.monotonic() - self._last < HEARTBEAT_S:
            return False
        return self.report()


def _takes_should_stop(runner: Any) -> bool:
    """Whether ``runner.map_jobs`` accepts a ``should_stop`` keyword."""
    try:
        params = inspect.signature(runner.map_jobs).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        p.name == "should_stop" or p.kind is inspect.Parameter.VAR_KEYWORD
        for p in params
    )


def run_jobs(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    executor: str | Any = "serial",
    progress: ProgressCallback | None = None,
    task: str = "jobs",
    **options: Any,
) -> JobOutcome:
    """Apply ``fn`` to every item on an executor; report jobs done out of total.

    Parameters
    ----------
    fn : callable
        A top-level (picklable) function of one item.
    items : sequence
        Picklable job inputs; each should carry its own seed.
    executor : {"serial", "processes", "ray"} or object, default="serial"
        Where the jobs run.
    progress : callable, optional
        Receives a :class:`~engine.runtime.ProgressEvent` (stage ``"jobs"``,
        ``step`` the jobs done) at the start, after each job, and as a heartbeat
        that repeats the count every :data:`HEARTBEAT_S` seconds while jobs run.
        Returning ``True`` (or :data:`engine.STOP`) stops the batch within about
        that time (any other return value is ignored): the jobs not started are
        cancelled, worker processes and Ray tasks running the others are
        terminated, and a serial job is told through :func:`stop_requested`
        (one that does not ask finishes first). The jobs in flight are dropped;
        the finished ones are kept.
    task : str, default="jobs"
        Task name on the progress events.
    **options
        Passed to :func:`resolve_executor`.

    Returns
    -------
    JobOutcome
        Results in item order; ``stopped`` is True when jobs were cancelled.

    Notes
    -----
    An executor object gets the heartbeat as ``map_jobs(..., should_stop=...)``
    when its ``map_jobs`` takes that keyword; otherwise it is stopped only by
    ``on_done`` returning True, between jobs.
    """
    runner = resolve_executor(executor, **options)
    batch = _Batch(len(items), progress, task)
    if not batch.report():
        _map(runner, fn, list(items), batch)
    stopped = not all(batch.done)
    if stopped:
        logger.info("stopped after %d of %d jobs", sum(batch.done), len(items))
    return JobOutcome(
        results=batch.results,
        done=tuple(batch.done),
        stopped=stopped,
        executor=getattr(runner, "name", type(runner).__name__),
    )


def _map(
    runner: Any, fn: Callable[[Any], Any], items: list[Any], batch: _Batch
) -> None:
    """Run the batch's jobs on ``runner``, with the heartbeat where it takes one."""
    if _takes_should_stop(runner):
        runner.map_jobs(fn, items, batch.on_done, should_stop=batch.should_stop)
    else:
        runner.map_jobs(fn, items, batch.on_done)
