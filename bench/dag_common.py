"""Shared pieces of the DAG benchmarks ``dag_sachs.py`` and ``dag_synthetic.py``.

Data sets (:class:`Data`), the methods compared (:data:`METHODS`: ours, DAG-DB with
I-MLE / AIMLE / STE, DAGMA and two trivial baselines), one job function
(:func:`run_job`, a fit plus its metrics, run through ``engine.executor.run_jobs``),
a peak-memory probe (:func:`peak_memory`, a fit in a fresh child process) and the
table printer. Add a method by adding an entry to :data:`METHODS`: a function
``(X, seed, epochs) -> (adjacency, n_epochs or None, ordering or None)``.

Metric conventions are those of :mod:`engine.dag.metrics`: SHD counts a reversed
edge once; SHD_c is the SHD between the CPDAGs; SID (via gadjid) counts ordered
pairs with a wrong intervention distribution.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np

os.environ.setdefault("TQDM_DISABLE", "1")  # silence DAGMA's progress bar

# Column order of the bundled sample (cdt header names in brackets).
SACHS_NAMES = [
    "Raf",  # praf
    "Mek",  # pmek
    "Plcg",  # plcg
    "PIP2",
    "PIP3",
    "Erk",  # p44/42
    "Akt",  # pakts473
    "PKA",
    "PKC",
    "P38",
    "Jnk",  # pjnk
]
# The 17-edge bnlearn / DAGuerreotype ground truth (spec section 5.1).
SACHS_EDGES = [
    ("Raf", "Mek"),
    ("Mek", "Erk"),
    ("Plcg", "PIP2"),
    ("Plcg", "PIP3"),
    ("PIP3", "PIP2"),
    ("Erk", "Akt"),
    ("PKA", "Raf"),
    ("PKA", "Mek"),
    ("PKA", "Erk"),
    ("PKA", "Akt"),
    ("PKA", "P38"),
    ("PKA", "Jnk"),
    ("PKC", "Raf"),
    ("PKC", "Mek"),
    ("PKC", "PKA"),
    ("PKC", "P38"),
    ("PKC", "Jnk"),
]


def sachs_truth() -> np.ndarray:
    """The 17-edge truth over :data:`SACHS_NAMES`, bool (11, 11)."""
    a = np.zeros((11, 11), dtype=bool)
    for s, t in SACHS_EDGES:
        a[SACHS_NAMES.index(s), SACHS_NAMES.index(t)] = True
    return a


def load_sachs() -> tuple[np.ndarray, np.ndarray]:
    """Sachs observational data (853 x 11, raw) and its 17-edge truth.

    The bundled sample (``engine.load_sample("sachs")``: the first 853 rows of
    cdt's ``cyto_full_data.csv``); checked against :data:`SACHS_EDGES`.
    """
    from engine import load_sample

    sample = load_sample("sachs")
    X = sample.frame[SACHS_NAMES].to_numpy(dtype=float)
    truth = np.asarray(sample.truth, dtype=bool)
    if X.shape != (853, 11) or not np.array_equal(truth, sachs_truth()):
        raise RuntimeError("the bundled Sachs sample is not 853 x 11 with 17 edges")
    return X, truth


def standardize(X: np.ndarray) -> np.ndarray:
    """Columns centred and scaled to unit variance."""
    return (X - X.mean(0)) / X.std(0)


# --- data sets ---


@dataclass(frozen=True)
class Data:
    """A benchmark data set, rebuilt deterministically inside each job.

    ``kind="sachs"``: the standardised Sachs data with its columns permuted by
    ``seed`` (as DAGuerreotype does per seed, so no method gets the causal order
    of the file for free). ``kind="er"``: an Erdős–Rényi linear-Gaussian SEM
    with equal noise variances, ``edges_per_node * d`` expected edges, weights
    U(+-[0.5, 2]), ``n`` samples, simulated with ``seed``; ``standardize`` scales
    every column to unit variance (removes varsortability).
    """

    kind: str
    seed: int
    d: int = 11
    n: int = 1000
    standardize: bool = True
    edges_per_node: float = 2.0

    @property
    def label(self) -> str:
        """Short name of the cell, e.g. ``ER2 d=20 raw``."""
        if self.kind == "sachs":
            return "Sachs std"
        scale = "std" if self.standardize else "raw"
        return f"ER{self.edges_per_node:g} d={self.d} {scale}"

    def build(self) -> tuple[np.ndarray, np.ndarray, float]:
        """``(X, truth, varsortability)``."""
        from engine.dag import simulate_sem, varsortability

        if self.kind == "sachs":
            X, truth = load_sachs()
            X = standardize(X) if self.standardize else X
            perm = np.random.default_rng(self.seed).permutation(X.shape[1])
            X, truth = X[:, perm], truth[np.ix_(perm, perm)]
        else:
            sim = simulate_sem(
                self.d,
                self.n,
                edges_per_node=self.edges_per_node,
                standardize=self.standardize,
                seed=self.seed,
            )
            X, truth = sim.X, sim.adjacency
        return X, truth, varsortability(X, truth)


# --- methods ---

FitOut = tuple[np.ndarray, int | None, tuple[int, ...] | None]
Fit = Callable[[np.ndarray, int, int | None], FitOut]


def ours(X: np.ndarray, seed: int, epochs: int | None = None, **options: object):
    """The permutahedron learner with its library defaults, on the CPU."""
    from engine.dag import learn_dag

    opts = options if epochs is None else options | {"max_iter": epochs}
    r = learn_dag(X, seed=seed, device="cpu", **opts)
    return r.adjacency, r.n_iter, r.ordering


def ours_lars(X: np.ndarray, seed: int, epochs: int | None = None):
    """The permutahedron learner with the adaptive-lasso (BIC) edge selection."""
    return ours(X, seed, epochs, sparsifier="lars")


# The paper's real-data settings (spec 1.10, real.sh): SparseMAP, the L0 mask
# trained by straight-through gradients, pruning_reg 0.01, up to 5000 epochs with
# patience 100, 200 edge-fit steps, theta from zeros, the MAP ordering, no polish.
PAPER_SETTINGS: dict[str, object] = {
    "structure": "sparsemap",
    "sparsifier": "l0_ste",
    "pruning_reg": 0.01,
    "max_iter": 5000,
    "patience": 100,
    "inner_max_iter": 200,
    "init_theta": "zeros",
    "select": "map",
    "polish": False,
}


def ours_paper(X: np.ndarray, seed: int, epochs: int | None = None):
    """The permutahedron learner with the paper's settings for real data."""
    return ours(X, seed, epochs, **PAPER_SETTINGS)


# DAG-DB settings per estimator: library defaults plus 300 epochs; AIMLE with a
# larger beta step (chosen on ER2 d = 30 seeds outside the benchmark's). The
# variants resolve cycles inside training (spec 2.1, the thesis' "DAG tr").
DAGDB_EPOCHS = 300
DAGDB_PRESETS: dict[str, dict[str, object]] = {
    "imle": {"estimator": "imle"},
    "aimle": {"estimator": "aimle", "aimle_step": 0.01},
    "ste": {"estimator": "ste"},
    "imle 2cyc": {"estimator": "imle", "train_dag": "two_cycles"},
    "imle fas-tr": {"estimator": "imle", "train_dag": "fas"},
}


def _dagdb(preset: str) -> Fit:
    def fit(X: np.ndarray, seed: int, epochs: int | None = None):
        from engine.dag import learn_dag

        r = learn_dag(
            X,
            "dagdb",
            seed=seed,
            device="cpu",
            max_iter=epochs or DAGDB_EPOCHS,
            **DAGDB_PRESETS[preset],
        )
        return r.adjacency, r.n_iter, None

    fit.__name__ = f"dagdb_{preset.replace(' ', '_').replace('-', '_')}"
    return fit


def dagma_linear(X: np.ndarray, seed: int, epochs: int | None = None):
    """DAGMA linear (L2 loss, lambda1 = 0.02, its default threshold 0.3)."""
    from dagma.linear import DagmaLinear

    # DAGMA draws nothing at random and centres X in place: pass a copy
    W = DagmaLinear(loss_type="l2").fit(X - X.mean(0), lambda1=0.02)
    return np.abs(W) > 0, None, None


def empty_graph(X: np.ndarray, seed: int, epochs: int | None = None):
    """No edges at all."""
    return np.zeros((X.shape[1], X.shape[1]), dtype=bool), None, None


def varsort_regress(X: np.ndarray, seed: int, epochs: int | None = None):
    """Sort nodes by marginal variance, regress each on its predecessors.

    The 'sortnregress' baseline of Reisach et al. (2021): OLS weights, then
    LassoLarsIC (BIC) on the reweighted predecessors. It only works when the
    variance grows along the causal order; on standardised data it is a random
    order.
    """
    from sklearn.linear_model import LassoLarsIC, LinearRegression

    Xc = X - X.mean(0)
    order = np.argsort(Xc.var(0), kind="stable")
    d = X.shape[1]
    a = np.zeros((d, d), dtype=bool)
    for pos in range(1, d):
        child, parents = order[pos], order[:pos]
        ols = LinearRegression().fit(Xc[:, parents], Xc[:, child])
        scale = np.abs(ols.coef_)
        lasso = LassoLarsIC(criterion="bic").fit(Xc[:, parents] * scale, Xc[:, child])
        a[parents, child] = np.abs(lasso.coef_ * scale) > 1e-8
    return a, None, None


METHODS: dict[str, Fit] = {
    "permutahedron": ours,
    "permutahedron lars": ours_lars,
    "permutahedron paper": ours_paper,
    **{f"DAG-DB {p}": _dagdb(p) for p in DAGDB_PRESETS},
    "DAGMA": dagma_linear,
    "empty": empty_graph,
    "varsort+regress": varsort_regress,
}
DAGDB_MAIN = ("DAG-DB imle", "DAG-DB aimle", "DAG-DB ste")
PEERS = ("DAGMA", "empty", "varsort+regress")


# --- jobs ---


@dataclass(frozen=True)
class Job:
    """One fit: a data set, a method, the method's seed, its epochs, threads."""

    data: Data
    method: str
    seed: int
    epochs: int | None = None
    threads: int = 1
    verbose: bool = True


def run_job(job: Job) -> dict:
    """Fit ``job.method`` on ``job.data``; metrics, wall time, epochs.

    Top-level and picklable, for ``engine.executor.run_jobs``. Wall time covers
    the fit only (not the data or the metrics); numpy/BLAS and torch are held to
    ``job.threads`` threads.
    """
    import torch
    from threadpoolctl import threadpool_limits

    from engine.dag import compare_graphs

    X, truth, vsort = job.data.build()
    torch.set_num_threads(job.threads)
    with threadpool_limits(job.threads):
        start = time.perf_counter()
        adjacency, n_epochs, ordering = METHODS[job.method](X, job.seed, job.epochs)
        wall = time.perf_counter() - start
    m = compare_graphs(truth, adjacency)
    out = {
        "cell": job.data.label,
        "data": asdict(job.data),
        "method": job.method,
        "seed": job.seed,
        "d": int(truth.shape[0]),
        "n": int(X.shape[0]),
        "varsortability": float(vsort),
        **{k: float(v) for k, v in m.items()},
        "time_s": wall,
        "epochs": n_epochs,
        "s_per_epoch": wall / n_epochs if n_epochs else float("nan"),
        "ordering": None if ordering is None else [int(i) for i in ordering],
    }
    if job.verbose:
        print(
            f"  {job.data.label:16s} seed {job.seed} {job.method:18s} "
            f"SHD {m['shd']:4.0f} SHD_c {m['shd_cpdag']:4.0f} SID {m['sid']:5.0f} "
            f"edges {m['n_edges']:4.0f}  {wall:7.1f} s",
            flush=True,
        )
    return out


def _status_mb(field: str) -> float:
    """A ``/proc/self/status`` memory figure in MB (Linux), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measured(job: Job) -> dict:
    """Run a job in this (fresh) process and add its peak resident memory."""
    import torch  # noqa: F401  (load the libraries before the baseline figure)

    import engine.dag  # noqa: F401

    before = _status_mb("VmRSS")
    out = run_job(job)
    return {**out, "rss_before_mb": before, "peak_rss_mb": _status_mb("VmHWM")}


def peak_memory(job: Job) -> dict:
    """Run one job in a fresh spawned process; report its peak RSS (MB).

    The peak is the child's ``VmHWM`` (the high-water mark of its resident set,
    which covers torch's allocator too, unlike ``tracemalloc``; ``ru_maxrss``
    would also count the parent's pages copied at fork). ``rss_before_mb`` is
    the child's resident set after importing torch and the library, before the
    data and the fit; the difference is what the fit itself needed.
    """
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        return pool.submit(_measured, job).result()


def run_all(
    jobs: Sequence[Job], executor: str, n_workers: int | None = None
) -> list[dict]:
    """Run every job through the project's executor seam; results in job order."""
    from engine.executor import run_jobs

    options = {} if n_workers is None else {"n_workers": n_workers}
    outcome = run_jobs(run_job, list(jobs), executor=executor, **options)
    return outcome.completed


# --- tables ---


def _median(runs: list[dict], key: str) -> float:
    values = [r[key] for r in runs if r.get(key) is not None]
    values = [v for v in values if not np.isnan(v)]
    return float(np.median(values)) if values else float("nan")


def print_table(results: list[dict], cell: str, n_seeds: int) -> None:
    """Medians over seeds per method in one cell, with the time ratio to DAGMA."""
    rows: dict[str, list[dict]] = {}
    for r in results:
        if r["cell"] == cell:
            rows.setdefault(r["method"], []).append(r)
    if not rows:
        return
    d = next(iter(rows.values()))[0]["d"]
    vsort = np.mean([r["varsortability"] for r in next(iter(rows.values()))])
    print(
        f"\n{cell}, n={next(iter(rows.values()))[0]['n']}, "
        f"{n_seeds} seeds, medians (varsortability {vsort:.2f})"
    )
    print(
        f"{'method':18s} {'SHD':>6s} {'SHD_c':>6s} {'SHDc/d':>7s} {'SID':>6s} "
        f"{'edges':>6s} {'time_s':>8s} {'x DAGMA':>8s} {'s/epoch':>8s}  SHD per seed"
    )
    dagma_t = _median(rows.get("DAGMA", []), "time_s") if "DAGMA" in rows else np.nan
    for name, runs in rows.items():
        t = _median(runs, "time_s")
        per_seed = " ".join(f"{r['shd']:.0f}" for r in runs)
        print(
            f"{name:18s} {_median(runs, 'shd'):6.1f} {_median(runs, 'shd_cpdag'):6.1f} "
            f"{_median(runs, 'shd_cpdag') / d:7.3f} {_median(runs, 'sid'):6.1f} "
            f"{_median(runs, 'n_edges'):6.1f} {t:8.2f} {t / dagma_t:8.2f} "
            f"{_median(runs, 's_per_epoch'):8.3f}  [{per_seed}]"
        )


def medians(results: list[dict], cell: str, method: str) -> dict[str, float]:
    """Median of every numeric figure of one method in one cell."""
    runs = [r for r in results if r["cell"] == cell and r["method"] == method]
    keys = ("shd", "shd_cpdag", "sid", "n_edges", "time_s", "s_per_epoch")
    return {k: _median(runs, k) for k in keys} if runs else {}


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The options both DAG benchmarks share: where fits run and where records go."""
    from engine.executor import EXECUTORS

    p.add_argument("--executor", choices=EXECUTORS, default="serial")
    p.add_argument("--workers", type=int, default=None, help="processes / Ray CPUs")
    p.add_argument("--threads", type=int, default=1, help="threads per fit (1)")
    p.add_argument("--json", default=None, help="write every fit's record here")


def verdict(ok: bool) -> str:
    """``met`` / ``MISSED``."""
    return "met" if ok else "MISSED"


def write_json(path: str, payload: dict) -> None:
    """Write the per-fit records and the settings of a run."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=1, default=float)


# --- diagnostics ---


def exhaustive_linear_optimum(X: np.ndarray, pruning_reg: float = 0.01) -> dict:
    """Best ordering of the permutahedron learner's default linear score.

    Dynamic programming over all 2^d predecessor sets (d <= ~14): for every child
    and every set of allowed parents, greedy backward selection (the learner's
    sparsifier) with a fixed per-edge threshold; the best ordering is the
    cheapest chain of sets. The default loss couples the children through the
    total residual variance (``nll_ev``: an edge is dropped when it raises
    ``d/2 log(total)`` by less than ``pruning_reg``), so the threshold is
    iterated to a fixed point on the total; the ordering found is then scored
    with the learner's exact objective. It tells whether a miss comes from the
    search (the learner's ordering scores worse) or from the score itself.

    Returns
    -------
    dict
        ``order`` (upstream first), ``adjacency`` and ``objective`` (the exact
        default objective of that ordering).
    """
    import torch

    from engine.dag._orderings import complete_dags, ranks_of
    from engine.dag.edge_models import FitSettings, backward_select

    Xt = torch.as_tensor(X - X.mean(0), dtype=torch.float64)
    n, d = Xt.shape
    S = (Xt.T @ Xt / n).numpy()
    sets = np.arange(2**d)
    member = (sets[:, None] >> np.arange(d)[None, :]) & 1  # (2^d, d)
    masks = torch.as_tensor(np.repeat(member[:, :, None], d, axis=2), dtype=Xt.dtype)
    masks = masks * (1 - torch.eye(d, dtype=Xt.dtype))
    zeros = torch.zeros((d, d), dtype=Xt.dtype)
    total = float(np.trace(S)) / 2
    order: list[int] = []
    for _ in range(5):
        thr = total * (np.exp(2 * pruning_reg / d) - 1)
        fit = backward_select(
            Xt, masks, zeros, FitSettings(loss="sq", pruning_reg=thr / 2)
        )
        W = fit.weights.numpy()  # (2^d, d, d): coefficients on the kept parents
        rss = np.diag(S)[None, :] - (W * S[None]).sum(1)  # (2^d, d)
        cost = rss + thr * fit.adjacency.numpy().sum(1)
        best = np.full(2**d, np.inf)
        best[0], arg = 0.0, np.zeros(2**d, dtype=np.int64)
        for m in range(2**d):
            for c in np.flatnonzero(member[m] == 0):
                v, m2 = best[m] + cost[m, c], m | (1 << c)
                if v < best[m2]:
                    best[m2], arg[m2] = v, c
        order, m = [], 2**d - 1
        while m:
            order.append(int(arg[m]))
            m &= ~(1 << int(arg[m]))
        order = order[::-1]
        pre, new_total = 0, 0.0
        for c in order:
            new_total += rss[pre, c]
            pre |= 1 << c
        if abs(new_total - total) < 1e-12:
            break
        total = new_total
    mask = complete_dags(ranks_of(np.asarray(order))[None], Xt.device, Xt.dtype)
    exact = backward_select(
        Xt, mask, zeros, FitSettings(loss="nll_ev", pruning_reg=pruning_reg)
    )
    return {
        "order": order,
        "adjacency": exact.adjacency[0].numpy(),
        "objective": float(exact.loss[0]),
    }


def ordering_objective(X: np.ndarray, order: Sequence[int]) -> float:
    """The permutahedron learner's default objective of one ordering."""
    import torch

    from engine.dag import PermutahedronConfig
    from engine.dag._orderings import complete_dags, ranks_of
    from engine.dag.edge_models import backward_select

    Xt = torch.as_tensor(X - X.mean(0), dtype=torch.float64)
    d = Xt.shape[1]
    mask = complete_dags(ranks_of(np.asarray(order))[None], Xt.device, Xt.dtype)
    zeros = torch.zeros((d, d), dtype=Xt.dtype)
    fit = backward_select(Xt, mask, zeros, PermutahedronConfig().inner())
    return float(fit.loss[0])


def exhaustive_bic_optimum(X: np.ndarray, penalty: float) -> np.ndarray:
    """Global optimum of the linear-Gaussian unequal-variance score, exactly.

    The score of a DAG is ``sum_j n/2 log(RSS_j / n) + penalty * |pa(j)|`` (per-node
    variances; ``penalty = log(n) / 2`` is BIC). Every node's best parent set
    within each set of allowed predecessors comes from all 2^(d-1) ordinary
    least-squares fits, then a dynamic programme over the 2^d predecessor sets
    picks the best ordering (d <= ~14). It tells whether *any* optimiser of this
    score, not only ours, could reach a target.

    Returns
    -------
    numpy.ndarray of int, shape (d, d)
        The optimal DAG, ``[i, j] = 1`` iff i -> j.
    """
    n, d = X.shape
    Xc = X - X.mean(0)
    S = Xc.T @ Xc / n
    full = 1 << d
    members = [[k for k in range(d) if P >> k & 1] for P in range(full)]
    score = np.full((d, full), np.inf)
    for j in range(d):
        for P in range(full):
            if P >> j & 1:
                continue
            idx = members[P]
            rss = S[j, j]
            if idx:
                b = S[idx, j]
                rss = rss - b @ np.linalg.solve(S[np.ix_(idx, idx)], b)
            score[j, P] = n / 2 * np.log(rss) + penalty * len(idx)
    best, arg = score.copy(), np.tile(np.arange(full), (d, 1))
    for P in range(full):  # best parent set within P, by growing P one bit
        for k in members[P]:
            Q = P & ~(1 << k)
            better = best[:, Q] < best[:, P]
            best[better, P] = best[better, Q]
            arg[better, P] = arg[better, Q]
    adjacency = np.zeros((d, d), dtype=int)
    for j, P in _best_chain(best):
        adjacency[members[arg[j, P]], j] = 1
    return adjacency


def exhaustive_lasso_optimum(X: np.ndarray, lam: float) -> np.ndarray:
    """Global optimum of the L1-penalised least-squares score over all DAGs.

    The score of a DAG with weights W is ``sum_j 1/(2n) ||x_j - X w_j||^2 +
    lam * ||w_j||_1``: NOTEARS-L1's objective, here minimised exactly rather
    than through its acyclicity relaxation. Every node gets one lasso fit per
    set of allowed predecessors (2^(d-1) each, scikit-learn's coordinate
    descent), then a dynamic programme over the 2^d predecessor sets picks the
    best ordering (d <= ~12). It tells whether the score NOTEARS optimises, at
    a given ``lam``, would reach a target if it were optimised exactly.

    Returns
    -------
    numpy.ndarray of float, shape (d, d)
        The optimal weights, ``[i, j]`` != 0 iff i -> j (the lasso's support,
        no threshold).
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Lasso

    n, d = X.shape
    Xc = X - X.mean(0)
    full = 1 << d
    members = [[k for k in range(d) if P >> k & 1] for P in range(full)]
    score = np.full((d, full), np.inf)
    coef: dict[tuple[int, int], np.ndarray] = {}
    for j in range(d):
        for P in range(full):
            if P >> j & 1:
                continue
            idx, w = members[P], np.zeros(len(members[P]))
            if idx:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model = Lasso(
                        alpha=lam, fit_intercept=False, tol=1e-10, max_iter=20000
                    )
                    w = model.fit(Xc[:, idx], Xc[:, j]).coef_
            r = Xc[:, j] - Xc[:, idx] @ w
            score[j, P] = r @ r / (2 * n) + lam * np.abs(w).sum()
            coef[j, P] = w
    weights = np.zeros((d, d))
    for j, P in _best_chain(score):
        weights[members[P], j] = coef[j, P]
    return weights


def _best_chain(cost: np.ndarray) -> list[tuple[int, int]]:
    """The cheapest ordering, given each node's cost after each predecessor set.

    ``cost[j, P]`` (d, 2^d) is node j's cost when the nodes of bit set P come
    before it. A dynamic programme over the 2^d sets finds the ordering of least
    total cost; it is returned as (node, its predecessor set) pairs, last node
    first.
    """
    d, full = cost.shape
    total = np.full(full, np.inf)
    total[0], last = 0.0, np.zeros(full, dtype=int)
    for P in range(full):  # cheapest ordering of the nodes in P
        for j in range(d):
            if not P >> j & 1 and total[P] + cost[j, P] < total[P | 1 << j]:
                total[P | 1 << j], last[P | 1 << j] = total[P] + cost[j, P], j
    chain, P = [], full - 1
    while P:
        j = int(last[P])
        P &= ~(1 << j)
        chain.append((j, P))
    return chain
