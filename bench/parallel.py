"""Bootstrap fits on the executor seam: serial, local processes and local Ray.

Twenty bootstrap fits (by default) of the permutahedron learner, default options, on
the standardised Sachs sample (853 rows, 11 proteins), in one run:

* serial: every fit in this process, one after another (one torch thread per fit,
  as on every executor);
* processes: a pool of ``--workers`` processes forked from the program's fork
  server (:class:`engine.executor.ProcessExecutor`). Its start-up, paid once per
  program (the fork server starts and imports ``engine``, torch included), is
  timed separately by ``ProcessExecutor.start``; the fits are timed after it,
  forking the workers included;
* Ray: a local cluster bound to 127.0.0.1 (dashboard off, usage statistics off,
  ``num_cpus = --workers``), started and stopped by this script. Its start-up is
  timed separately in two parts: ``ray.init`` and the workers' import of
  ``engine`` (``RayExecutor.start``); the fits are timed after it.

All three use the same seed, so they must give identical edge frequencies; the
script checks it and exits with status 1 if they differ. Prints the wall time of
each, the start-up costs, the ratios (processes vs serial, also with the start-up;
Ray vs processes after start-up), the serial run's share of a core, an estimate of
the cores each parallel run got, the load average before and after, and whether
the targets of issue #8 are met: processes >= 1.7x faster than serial on 2 cores,
Ray within 1.3x of processes after start-up.

The speed-ups mean something only on otherwise idle cores. Linux shares CPU time
fairly between sessions (``sched_autogroup``), not between processes: while other
sessions keep the cores busy, the workers of this run together get about the share
one serial process would get, and the ratio drops towards 1 whatever the executor.
The printed core share and load average tell whether a run was starved, and a
calibration (busy loops in 1 and in ``--workers`` processes) prints the speed-up
that the machine allows at that moment.

Run from the repository root::

    python bench/parallel.py                 # 20 fits, 2 workers, seed 0
    python bench/parallel.py --fits 8 --no-ray
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

# before Ray can be imported: no usage statistics from the local cluster
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"

from engine import load_sample
from engine.dag.bootstrap import BootstrapResult, bootstrap_dag
from engine.data import to_matrix
from engine.executor import ProcessExecutor, RayExecutor, run_jobs

TARGET_PROCESSES = 1.7  # serial time / processes time, at least
TARGET_RAY = 1.3  # Ray time after start-up / processes time, at most


def _load() -> tuple[np.ndarray, list[str]]:
    sample = load_sample("sachs")
    X, names, _ = to_matrix(sample.frame, scale="standardize")
    return X, names


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _load_avg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _spin(seconds: float) -> float:
    """Busy-loop for ``seconds`` of wall time; return the CPU time it got."""
    start, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        pass
    return time.process_time() - cpu


def _cores(pool: ProcessExecutor, n: int, seconds: float) -> float:
    """Cores that ``n`` busy processes of this run get right now."""
    out = run_jobs(_spin, [seconds] * n, executor=pool)
    return sum(out.results) / seconds


def _same(a: BootstrapResult, b: BootstrapResult) -> bool:
    return np.array_equal(a.edge_frequency, b.edge_frequency) and np.array_equal(
        a.mean_weight, b.mean_weight
    )


def main() -> int:
    """Run the three executors and print the table; 1 if results differ."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=20, help="bootstrap fits (B)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray run")
    parser.add_argument(
        "--calibrate",
        type=float,
        default=3.0,
        metavar="S",
        help="seconds of busy loop, once with 1 and once with --workers processes, "
        "to measure the cores this run can get (0: skip)",
    )
    args = parser.parse_args()

    X, names = _load()
    kw = dict(n_boot=args.fits, seed=args.seed, node_names=names, device="cpu")
    print(
        f"Sachs standardised {X.shape[0]} x {X.shape[1]}, {args.fits} bootstrap fits "
        f"of permutahedron (default options), seed {args.seed}, "
        f"{args.workers} workers, {os.cpu_count()} CPU cores"
    )
    load_before = _load_avg()
    # warm-up: one small fit so that the serial run is not charged with first-call
    # costs of this process (the parallel runs pay theirs in their start-up)
    bootstrap_dag(X, n_boot=1, seed=args.seed + 1, node_names=names, max_iter=5)

    cpu0 = time.process_time()
    serial, t_serial = _timed(lambda: bootstrap_dag(X, executor="serial", **kw))
    cpu_serial = time.process_time() - cpu0
    pool = ProcessExecutor(n_workers=args.workers)
    _, t_pstart = _timed(pool.start)
    if args.calibrate > 0:
        one = _cores(pool, 1, args.calibrate)
        many = _cores(pool, args.workers, args.calibrate)
        print(
            f"calibration: 1 busy process gets {one:.2f} cores, {args.workers} get "
            f"{many:.2f}: a speed-up of at most about {many / one:.2f}x is possible "
            "now (about the worker count on idle cores)"
        )
    procs, t_procs = _timed(lambda: bootstrap_dag(X, executor=pool, **kw))
    on_ray = None
    t_ray = t_rinit = t_rwarm = float("nan")
    if not args.no_ray:
        ray_exec = RayExecutor(n_workers=args.workers)
        try:
            _, t_rinit = _timed(lambda: ray_exec.start(warm=False))
            _, t_rwarm = _timed(ray_exec.start)
            on_ray, t_ray = _timed(lambda: bootstrap_dag(X, executor=ray_exec, **kw))
        except Exception as err:  # report and go on: the other rows still count
            print(f"Ray run failed: {type(err).__name__}: {err}")
        finally:
            ray_exec.shutdown()
    load_after = _load_avg()

    rows = [
        ("serial", t_serial, serial.n_done),
        ("processes start-up (fork server)", t_pstart, None),
        ("processes after start-up", t_procs, procs.n_done),
    ]
    if on_ray is not None:
        rows += [
            ("ray start-up: ray.init", t_rinit, None),
            ("ray start-up: workers import", t_rwarm, None),
            ("ray after start-up", t_ray, on_ray.n_done),
        ]
    head = f"{'executor':<36}{'wall s':>9}{'fits done':>11}"
    print(head)
    print("-" * len(head))
    for label, seconds, done in rows:
        print(f"{label:<36}{seconds:9.2f}{'' if done is None else done:>11}")
    print(
        f"serial CPU time {cpu_serial:.2f} s = {cpu_serial / t_serial:.2f} of one "
        "core (below 1: other programs took CPU from this run)"
    )
    # the fits' CPU time over each run's wall time: the cores a run really got
    # (about: parallel fits cost a little more CPU each than serial ones)
    cores = f"processes {cpu_serial / t_procs:.2f}"
    if on_ray is not None:
        cores += f", ray {cpu_serial / t_ray:.2f}"
    print(f"cores used, estimated as serial CPU time / wall time: {cores}")
    speedup = t_serial / t_procs
    with_start = t_serial / (t_procs + t_pstart)
    print(
        f"processes vs serial after start-up: {speedup:.3f}x faster (target >= "
        f"{TARGET_PROCESSES}x): {'met' if speedup >= TARGET_PROCESSES else 'NOT met'}"
        f"; including the start-up: {with_start:.2f}x"
    )
    if on_ray is not None:
        ratio = t_ray / t_procs
        print(
            f"ray after start-up vs processes after start-up: {ratio:.2f}x the time "
            f"(target <= {TARGET_RAY}x): {'met' if ratio <= TARGET_RAY else 'NOT met'}"
            f"; ray start-up {t_rinit + t_rwarm:.2f} s (processes {t_pstart:.2f} s)"
        )
    print(f"load average (1, 5, 15 min) before: {load_before}; after: {load_after}")
    same = _same(serial, procs) and (on_ray is None or _same(serial, on_ray))
    ran = "serial, processes" + ("" if on_ray is None else " and ray")
    print(
        f"identical edge frequencies and mean weights ({ran}): "
        f"{'yes' if same else 'NO'}"
    )
    top = serial.to_frame().head(5)
    print(
        "most frequent edges: "
        + ", ".join(
            f"{r.source}->{r.target} {r.frequency:.2f}" for r in top.itertuples()
        )
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
