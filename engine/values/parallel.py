"""Explaining many rows as independent chunks on the executor seam.

:func:`engine.values.explain` with ``executor=...`` lands here. Everything that
depends on all rows together is settled once in the caller's process: the
background rows (or baseline row) and the removal rule, the estimator and its
sample count, the classes kept by ``top_k``. The rows are then cut into chunks of
``chunk_rows``; chunk ``c`` is explained by :func:`engine.values.explainer._explain`
with that fixed setting and the seed ``spawn_seeds(seed, n_chunks)[c]``, on one
torch thread, wherever the executor runs it. Serial, process and Ray runs therefore
give the same arrays, and the merged result is laid out as a one-batch result.

Time is that of the chunks divided by the workers, plus one forward pass over all
rows when ``top_k`` is given; memory per worker is that of one chunk.
"""

from __future__ import annotations

import dataclasses
import math
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from engine.errors import ConfigError, check_choice
from engine.executor import (
    ProcessExecutor,
    forward_stop,
    one_torch_thread,
    resolve_executor,
    run_jobs,
)
from engine.runtime import ProgressCallback, spawn_seeds
from engine.values.explainer import (
    ESTIMATORS,
    _check_row_labels,
    _class_keep,
    _Config,
    _explain,
    _positive_int,
    _settle,
    _with_stderr_note,
)
from engine.values.result import DistributionalValues

__all__ = ["explain_in_chunks"]

# per-row arrays of DistributionalValues, concatenated along the rows
_ROW_FIELDS = (
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


@dataclass(frozen=True)
class _ChunkJob:
    model: Any
    X: pd.DataFrame
    background: np.ndarray
    cfg: _Config
    keep: tuple[int, ...] | None
    seed: int
    device: str
    class_names: tuple[str, ...] | None
    rows: tuple[int, ...]


def _explain_chunk(job: _ChunkJob) -> DistributionalValues:
    """Explain one chunk of rows with the call's settled setting."""
    with one_torch_thread():
        return _explain(
            job.model,
            job.X,
            job.background,
            job.cfg,
            seed=job.seed,
            device=job.device,
            progress=forward_stop,
            class_names=job.class_names,
            row_labels=job.rows,
            keep_classes=job.keep,
        )


def _check_picklable(model: Any, runner: Any) -> None:
    if not isinstance(runner, ProcessExecutor):
        return
    try:
        pickle.dumps(model)
    except Exception as err:
        raise ConfigError(
            "explain: executor='processes' sends the model to worker processes, "
            f"but it cannot be pickled ({type(err).__name__}: {err}); pass a "
            "module-level function, a scikit-learn model or a torch module, or use "
            "executor='serial'."
        ) from err


def explain_in_chunks(
    model: Any,
    X: Any,
    background: Any,
    cfg: _Config,
    *,
    seed: int | None,
    device: str | torch.device,
    progress: ProgressCallback | None,
    class_names: Sequence[str] | None,
    row_labels: Sequence[int] | None,
    executor: str | Any,
    chunk_rows: int,
    n_workers: int | None = None,
    address: str | None = None,
) -> DistributionalValues:
    """:func:`engine.values.explain` over chunks of rows on an executor.

    Parameters are those of :func:`~engine.values.explain`; ``cfg`` holds its
    options. ``progress`` receives one event per finished chunk (``step`` chunks
    out of ``total``), repeated as a heartbeat while chunks run; returning
    ``True`` (or :data:`engine.STOP`) cancels the chunks not yet started, ends
    those running in worker processes or Ray tasks (a serial chunk stops at its
    next block of samples) and returns the finished rows with ``stopped=True`` (see
    :func:`engine.executor.run_jobs`).

    Returns
    -------
    DistributionalValues
    """
    t0 = time.perf_counter()
    chunk_rows = _positive_int("chunk_rows", chunk_rows)
    if isinstance(cfg.estimator, str):
        check_choice("explain", "estimator", cfg.estimator, ESTIMATORS)
    runner = resolve_executor(executor, n_workers=n_workers, address=address)
    _check_picklable(model, runner)
    st = _settle(model, X, background, cfg, seed, device, class_names)
    X_np, columns, names = st.X, st.columns, st.names
    used_seed, dev, Z, removal = st.seed, st.device, st.background, st.removal
    operator, chosen, n, wrapped = st.operator, st.estimator, st.n_samples, st.model
    if st.table_model is not None:  # chunks explain the coded table (tables.py)
        model = st.table_model
    keep: tuple[int, ...] | None = None
    classes = list(wrapped.class_names)
    if cfg.top_k is not None:
        probs = wrapped(torch.as_tensor(X_np, device=dev))
        kept, classes = _class_keep(probs, cfg.top_k, wrapped.class_names)
        keep = None if kept is None else tuple(int(j) for j in kept.cpu())
    # the settled setting, the same for every chunk
    chunk_cfg = dataclasses.replace(
        cfg,
        estimator=chosen,
        n_samples=None if chosen == "exact" else n,
        removal="background" if removal == "background" else Z[0].copy(),
        max_background=max(len(Z), 1),
        top_k=None,
    )
    labels = _check_row_labels(row_labels, len(X_np))
    n_chunks = math.ceil(len(X_np) / chunk_rows)
    frame = pd.DataFrame(X_np, columns=columns)
    jobs = [
        _ChunkJob(
            model=model,
            X=frame.iloc[c * chunk_rows : (c + 1) * chunk_rows],
            background=Z,
            cfg=chunk_cfg,
            keep=keep,
            seed=s,
            device=str(dev),
            class_names=None if class_names is None else tuple(class_names),
            rows=tuple(int(r) for r in labels[c * chunk_rows : (c + 1) * chunk_rows]),
        )
        for c, s in enumerate(spawn_seeds(used_seed, n_chunks))
    ]
    t1 = time.perf_counter()
    outcome = run_jobs(
        _explain_chunk, jobs, executor=runner, progress=progress, task="values.explain"
    )
    t2 = time.perf_counter()
    parts: list[DistributionalValues] = outcome.completed
    merged = _merge(parts, names, classes, columns)
    config = dict(parts[0].config) if parts else {}
    config.update(
        {
            "estimator": chosen,
            "estimator_requested": cfg.estimator,
            "n_samples": n,
            "removal": removal,
            "n_background": len(Z),
            "top_k": cfg.top_k,
            "executor": outcome.executor,
            "chunk_rows": int(chunk_rows),
            "n_chunks": n_chunks,
        }
    )
    if st.encoding is not None:
        config["coded_columns"] = st.encoding.coded_columns
    stopped = bool(outcome.stopped or any(p.stopped for p in parts))
    return DistributionalValues(
        features=tuple(names),
        classes=tuple(classes),
        columns=tuple(columns),
        operator=operator.name,
        estimator=chosen,
        seed=used_seed,
        device=str(dev),
        config=config,
        timings={
            "setup_s": t1 - t0,
            "estimate_s": t2 - t1,
            "total_s": time.perf_counter() - t0,
        },
        n_model_rows=int(sum(p.n_model_rows for p in parts)),
        stopped=stopped,
        engine_version=parts[0].engine_version if parts else _version(),
        notes=_with_stderr_note(st, merged["n_samples"], stopped),
        categories={} if st.encoding is None else st.encoding.display_categories(),
        **merged,
    )


def _version() -> str:
    import engine

    return engine.__version__


def _merge(
    parts: list[DistributionalValues],
    names: list[str],
    classes: list[str],
    columns: list[str],
) -> dict[str, Any]:
    """Concatenate the chunks' per-row arrays; empty arrays when none finished."""
    if parts:
        out = {f: np.concatenate([getattr(p, f) for p in parts]) for f in _ROW_FIELDS}
        stderr = [p.stderr for p in parts]
        out["stderr"] = None if stderr[0] is None else np.concatenate(stderr)
        return out
    m, k, d = len(names), len(classes), len(columns)
    return {
        "transitions": np.zeros((0, m, k, k)),
        "mean": np.zeros((0, m, k)),
        "p_change": np.zeros((0, m)),
        "flip_away": np.zeros((0, m)),
        "predicted": np.zeros(0, dtype=np.int64),
        "probabilities": np.zeros((0, k)),
        "base_probabilities": np.zeros((0, k)),
        "data": np.zeros((0, d)),
        "rows": np.zeros(0, dtype=np.int64),
        "n_samples": np.zeros(0, dtype=np.int64),
        "stderr": None,
    }
