"""Distributional values (full K x K transitions) against shap (means only), one run.

Two settings, same model (a scikit-learn MLP with 64 hidden units behind a
StandardScaler), same data, same masker game (100 background rows averaged, as
``shap.maskers.Independent``):

* wine (13 features, 3 classes): exact enumeration of all 8 192 coalitions for 50
  rows, against ``shap.ExactExplainer``;
* breast cancer (30 features, 2 classes): permutation sampling with antithetic
  orderings for 100 rows, against ``shap.PermutationExplainer`` with its default
  budget (``max_evals = 20 M``, i.e. ``floor(20 M / (2 M + 1))`` forward/backward
  permutation pairs); ours uses the same number of orderings.

Ours runs twice on breast cancer: given the fitted pipeline (it is translated to
torch and the first layer is updated incrementally as players join: same game,
same model rows, fewer operations) and given only ``model.predict_proba`` (a black
box, evaluated like shap does). Each tool is warmed up on one row first (shap
compiles with numba on first use). Prints one table: wall and CPU time of each,
the ratios ours / shap, model rows evaluated per explained row and the largest
absolute difference between our means and shap's values. With ``--rss-rows``
each listed row count of the breast-cancer setting runs in a fresh process and
the peak resident-memory increase of the ``explain`` call is printed.

Run from the repository root (one thread each, as the targets are stated)::

    OMP_NUM_THREADS=1 python bench/values_vs_shap.py [--rows-wine 50]
        [--rows-cancer 100] [--rss-rows 100,1000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from engine.values import explain


def _model(X: np.ndarray, y: np.ndarray):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make_pipeline(
            StandardScaler(), MLPClassifier((64,), max_iter=500, random_state=0)
        ).fit(X, y)


def _timed(fn):
    """Result, wall seconds and CPU seconds (all threads) of ``fn()``."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mib(field: str) -> float:
    """``VmRSS`` or ``VmHWM`` of this process from /proc (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise OSError(f"{field} not in /proc/self/status")


def _reset_peak() -> float:
    """Reset the peak RSS to the current RSS (Linux >= 4.0); return it in MiB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mib("VmRSS")


def _split(loader, n_rows: int, seed: int):
    X, y = loader(return_X_y=True)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(X))
    bg, rows = X[perm[:100]], X[perm[100 : 100 + n_rows]]
    return _model(X, y), bg, rows


def _cancer_kw(m: int, seed: int, budget: int) -> dict:
    n_perm = (20 * m) // (2 * m + 1)  # shap's antithetic pairs at max_evals = 20 M
    return dict(
        estimator="permutation", n_samples=2 * n_perm, seed=seed, memory_budget=budget
    )


def bench_cancer(n_rows: int, seed: int, budget: int) -> dict[str, dict]:
    import shap

    model, bg, rows = _split(load_breast_cancer, n_rows, seed)
    m = rows.shape[1]
    kw = _cancer_kw(m, seed, budget)
    masker = shap.maskers.Independent(bg, max_samples=100)
    explainer = shap.PermutationExplainer(model.predict_proba, masker, seed=seed)
    explainer(rows[:1], max_evals=20 * m, silent=True)  # warm-up
    theirs, t_shap, c_shap = _timed(
        lambda: explainer(rows, max_evals=20 * m, silent=True)
    )
    out = {}
    for label, fitted in (("pipeline", model), ("predict_proba", model.predict_proba)):
        explain(fitted, rows[:1], background=bg, **kw)  # warm-up
        ours, t_ours, c_ours = _timed(
            lambda f=fitted: explain(f, rows, background=bg, **kw)
        )
        out[label] = _record(
            (ours, t_ours, c_ours),
            (theirs, t_shap, c_shap),
            n_rows,
            rows_shap=kw["n_samples"] // 2 * (2 * m + 1) * len(bg),
            stderr=float(np.nanmax(ours.stderr)),
        )
    return out


def _record(
    ours_run: tuple, shap_run: tuple, n_rows: int, *, rows_shap: int, stderr: float
) -> dict:
    """One table row from ``(result, wall s, CPU s)`` of ours and of shap."""
    ours, t_ours, c_ours = ours_run
    theirs, t_shap, c_shap = shap_run
    return {
        "t_ours": t_ours,
        "t_shap": t_shap,
        "c_ours": c_ours,
        "c_shap": c_shap,
        "diff": float(np.abs(theirs.values - ours.mean).max()),
        "rows_ours": ours.n_model_rows / n_rows,
        "rows_shap": rows_shap,
        "stderr": stderr,
        "kind": ours.config["model_kind"],
    }


def rss_child(n_rows: int, seed: int, budget: int) -> None:
    """Print the peak RSS increase (MiB) of one breast-cancer ``explain`` call.

    The peak is reset just before the call (``/proc/self/clear_refs``), so model
    training and imports do not hide it.
    """
    model, bg, _ = _split(load_breast_cancer, 1, seed)
    X, _ = load_breast_cancer(return_X_y=True)
    rows = X[np.random.default_rng(seed).choice(len(X), size=n_rows)]
    kw = _cancer_kw(X.shape[1], seed, budget)
    explain(model, rows[:2], background=bg, **kw)  # warm-up
    try:
        rss0 = _reset_peak()
        _, t, _ = _timed(lambda: explain(model, rows, background=bg, **kw))
        peak = _status_mib("VmHWM")
    except OSError:  # no /proc: the peak since start (includes the set-up)
        rss0 = _rss_mib()
        _, t, _ = _timed(lambda: explain(model, rows, background=bg, **kw))
        peak = _rss_mib()
    print(f"{peak - rss0:.1f} {t:.2f}")


def bench_rss(counts: list[int], seed: int, budget_mib: int) -> list[str]:
    """Peak RSS increase per row count, each in a fresh process."""
    lines = []
    for n in counts:
        cmd = [sys.executable, __file__, "--rss-child", str(n)]
        cmd += ["--seed", str(seed), "--budget-mib", str(budget_mib)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rss, t = out.stdout.split()[-2:]
        lines.append(
            f"breast cancer, pipeline, {n} rows: peak RSS increase {rss} MiB "
            f"(budget {budget_mib} MiB), {t} s"
        )
    return lines


def bench_wine(n_rows: int, seed: int, budget: int) -> dict[str, float]:
    import shap

    model, bg, rows = _split(load_wine, n_rows, seed)
    kw = dict(background=bg, estimator="exact", seed=seed, memory_budget=budget)
    explain(model, rows[:1], **kw)  # warm-up
    ours, t_ours, c_ours = _timed(lambda: explain(model, rows, **kw))
    masker = shap.maskers.Independent(bg, max_samples=100)
    explainer = shap.ExactExplainer(model.predict_proba, masker)
    explainer(rows[:1], silent=True)  # warm-up (numba compilation)
    theirs, t_shap, c_shap = _timed(lambda: explainer(rows, silent=True))
    return _record(
        (ours, t_ours, c_ours),
        (theirs, t_shap, c_shap),
        n_rows,
        rows_shap=2 ** rows.shape[1] * len(bg),
        stderr=0.0,
    )


def main() -> None:
    """Run both settings and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-wine", type=int, default=50)
    parser.add_argument("--rows-cancer", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget-mib", type=int, default=64)
    parser.add_argument("--rss-rows", default="", help="e.g. 100,1000")
    parser.add_argument("--rss-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    budget = args.budget_mib * 2**20
    if args.rss_child is not None:
        rss_child(args.rss_child, args.seed, budget)
        return
    print(
        f"torch threads {torch.get_num_threads()}, memory budget {args.budget_mib} MiB"
    )
    cancer = bench_cancer(args.rows_cancer, args.seed, budget)
    results = {
        f"cancer, perm., {args.rows_cancer} rows, {k}": v for k, v in cancer.items()
    }
    results[f"wine, exact, {args.rows_wine} rows"] = bench_wine(
        args.rows_wine, args.seed, budget
    )
    head = (
        f"{'setting':<42} {'ours s':>7} {'shap s':>7} {'ratio':>6} {'ours cpu':>8} "
        f"{'shap cpu':>8} {'ratio':>6} {'max|dmean|':>10} {'rows/row ours':>13} "
        f"{'rows/row shap':>13}"
    )
    print(head)
    print("-" * len(head))
    for name, r in results.items():
        print(
            f"{name:<42} {r['t_ours']:7.2f} {r['t_shap']:7.2f} "
            f"{r['t_ours'] / r['t_shap']:6.2f} {r['c_ours']:8.2f} {r['c_shap']:8.2f} "
            f"{r['c_ours'] / r['c_shap']:6.2f} {r['diff']:10.2e} "
            f"{r['rows_ours']:13.0f} {r['rows_shap']:13.0f}"
        )
    first = next(iter(cancer.values()))
    print(
        f"breast cancer: largest MC stderr of a transition entry {first['stderr']:.3f} "
        "(shap's means are sampled too: their difference is Monte Carlo noise); "
        f"model paths {', '.join(v['kind'] for v in cancer.values())}"
    )
    if args.rss_rows:
        counts = [int(t) for t in args.rss_rows.split(",") if t.strip()]
        for line in bench_rss(counts, args.seed, args.budget_mib):
            print(line)


if __name__ == "__main__":
    main()
