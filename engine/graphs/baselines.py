"""Baselines behind the LDS API: kNN-GCN, logistic regression, MLP, label propagation.

Each baseline is trained on the ``train`` nodes and selects its hyperparameter (or
epoch) by the accuracy on all validation nodes (``val`` ∪ ``es``), so it sees the
same labelled data as LDS. Scores: ``test_accuracy`` on the labelled test nodes,
``val_accuracy`` on ``val`` ∪ ``es`` and ``es_accuracy`` on ``es``, measured as for
LDS (:func:`engine.graphs.result.validation_accuracies`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from engine.errors import check_choice, silence_warnings
from engine.graphs.config import BASELINES, METHOD_LABELS, LdsConfig
from engine.graphs.gcn import gcn_forward, glorot_weights, train_loss
from engine.graphs.result import validation_accuracies
from engine.graphs.splits import Split
from engine.graphs.task import NodeTask, prepare_task
from engine.runtime import ProgressCallback, Reporter, resolve_device, resolve_seed

__all__ = ["fit_baseline", "run_baselines"]


def fit_baseline(
    X: Any,
    y: Any,
    *,
    method: str,
    split: Split | str | Mapping[str, Any],
    graph: Any = None,
    seed: int | None = None,
    device: str | torch.device = "auto",
    **options: Any,
) -> dict[str, Any]:
    """Fit one baseline with :func:`learn_graph`'s inputs.

    Parameters
    ----------
    X, y, split, graph, seed, device
        As for :func:`engine.graphs.learn_graph`; ``graph`` (or the kNN graph)
        is used by ``knn_gcn`` and ``label_propagation``.
    method : {"knn_gcn", "label_propagation", "logreg", "mlp"}
    **options
        :class:`LdsConfig` fields (``k``, ``metric``, ``features``, ...).

    Returns
    -------
    dict
        ``test_accuracy``, ``val_accuracy`` (all validation nodes),
        ``es_accuracy`` (the early-stopping half), ``elapsed_s`` (floats) and
        ``predictions`` (ndarray of shape (n_nodes,), class indices).
    """
    check_choice("fit_baseline", "method", method, BASELINES)
    config = LdsConfig.from_options("fit_baseline", options)
    seed = resolve_seed(seed, "fit_baseline")
    dev = resolve_device(device, "fit_baseline")  # before the data, as the seed
    task = prepare_task(X, y, split, graph, config, owner="fit_baseline", seed=seed)
    return _BASELINES[method](task, seed, dev)


def run_baselines(
    task: NodeTask,
    methods: Sequence[str],
    *,
    seed: int,
    device: torch.device,
    progress: ProgressCallback | None = None,
) -> dict[str, dict[str, float]]:
    """Scores of several baselines on a prepared task (no predictions kept).

    ``progress`` gets an event (stage ``"baselines"``) before each baseline;
    returning ``True`` skips it and the ones after it.
    """
    reporter = Reporter(progress, "graphs.baselines", total=len(methods))
    out = {}
    for i, name in enumerate(methods):
        check_choice("run_baselines", "method", name, BASELINES)
        if reporter("baselines", i, message=METHOD_LABELS.get(name, name)):
            break
        res = _BASELINES[name](task, seed, device)
        out[name] = {
            k: float(res[k])
            for k in ("test_accuracy", "val_accuracy", "es_accuracy", "elapsed_s")
        }
    return out


def _scores(task: NodeTask, pred: np.ndarray, start: float) -> dict[str, Any]:
    labels = task.labels
    test = task.split.test[labels[task.split.test] >= 0]
    es_acc, val_acc = validation_accuracies(pred, labels, task.split)
    return {
        # no labelled test node: NaN (prepare_task notes it), without numpy's
        # "Mean of empty slice" warning
        "test_accuracy": float((pred[test] == labels[test]).mean())
        if test.size
        else math.nan,
        "val_accuracy": val_acc,
        "es_accuracy": es_acc,
        "elapsed_s": time.perf_counter() - start,
        "predictions": pred.astype(np.int64),
    }


def _val_nodes(task: NodeTask) -> np.ndarray:
    return np.concatenate([task.split.val, task.split.es])


def _select(
    task: NodeTask, candidates: Sequence[Callable[[], np.ndarray]]
) -> np.ndarray:
    """Predictions of the candidate with the best validation accuracy (first wins)."""
    val = _val_nodes(task)
    train_classes = np.unique(task.labels[task.split.train])
    if train_classes.size < 2:  # nothing to learn: predict the only class seen
        return np.full(task.n_nodes, train_classes[0], dtype=np.int64)
    best, best_acc = None, -1.0
    for make in candidates:
        pred = make()
        acc = float((pred[val] == task.labels[val]).mean())
        if acc > best_acc:
            best, best_acc = pred, acc
    return best


def knn_gcn(
    task: NodeTask,
    seed: int,
    device: torch.device,
    *,
    lr: float = 0.02,
    max_epochs: int = 400,
    patience: int = 100,
    n_hidden: int = 16,
    dropout: float = 0.5,
    weight_decay: float = 5e-4,
) -> dict[str, Any]:
    """GCN (same architecture as LDS's) on the fixed initial graph.

    Adam on the training nodes; the epoch with the best validation accuracy (ties:
    lower validation loss) is kept; stops after ``patience`` epochs without one.
    """
    start = time.perf_counter()
    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    X = torch.as_tensor(task.X, dtype=torch.float32, device=device)
    A = torch.as_tensor(task.graph, dtype=torch.float32, device=device)
    y = torch.as_tensor(np.clip(task.labels, 0, None), device=device)
    train = torch.as_tensor(np.array(task.split.train), device=device)
    val = torch.as_tensor(np.array(_val_nodes(task)), device=device)
    weights = glorot_weights(X.shape[1], n_hidden, task.n_classes, gen, device=device)
    weights = [w.requires_grad_(True) for w in weights]
    opt = torch.optim.Adam(weights, lr=lr)
    keep = 1.0 - dropout
    best, best_score, left = None, (-1.0, -np.inf), patience
    for _ in range(max_epochs):
        mask = torch.rand(X.shape[0], n_hidden, generator=gen, device=device) < keep
        loss = train_loss(
            weights,
            X,
            A,
            y,
            train,
            dropout_mask=mask.float() / keep,
            weight_decay=weight_decay,
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            logits = gcn_forward(weights, X, A)
            acc = float((logits[val].argmax(1) == y[val]).float().mean())
            vloss = float(torch.nn.functional.cross_entropy(logits[val], y[val]))
        if (acc, -vloss) > best_score:
            best_score, left = (acc, -vloss), patience
            best = logits.argmax(1).cpu().numpy()
        else:
            left -= 1
            if left <= 0:
                break
    return _scores(task, best, start)


def logreg(task: NodeTask, seed: int, device: torch.device) -> dict[str, Any]:
    """Multinomial logistic regression; ``C`` chosen on the validation nodes."""
    start = time.perf_counter()
    train = task.split.train

    def make(c: float) -> Callable[[], np.ndarray]:
        def run() -> np.ndarray:
            model = LogisticRegression(C=c, max_iter=2000)
            model.fit(task.X[train], task.labels[train])
            return model.predict(task.X)

        return run

    pred = _select(task, [make(c) for c in (0.01, 0.1, 1.0, 10.0, 100.0)])
    return _scores(task, pred, start)


def mlp(task: NodeTask, seed: int, device: torch.device) -> dict[str, Any]:
    """One-hidden-layer perceptron (16 ReLU units); L2 chosen on validation."""
    start = time.perf_counter()
    train = task.split.train

    def make(alpha: float) -> Callable[[], np.ndarray]:
        def run() -> np.ndarray:
            model = MLPClassifier(
                hidden_layer_sizes=(16,),
                alpha=alpha,
                max_iter=1000,
                random_state=seed % (2**32),
            )
            with silence_warnings(SkConvergenceWarning):
                model.fit(task.X[train], task.labels[train])
            return model.predict(task.X)

        return run

    pred = _select(task, [make(a) for a in (1e-4, 1e-2, 1.0)])
    return _scores(task, pred, start)


def label_propagation(
    task: NodeTask, seed: int, device: torch.device
) -> dict[str, Any]:
    """Label spreading (Zhou et al. 2004) on the initial graph; α chosen on val.

    ``F ← α S F + (1 − α) Y`` with ``S = D^{-1/2} A D^{-1/2}``, 200 iterations.
    """
    start = time.perf_counter()
    A = task.graph.astype(np.float64)
    deg = A.sum(axis=1)
    d = np.where(deg > 0, deg, 1.0) ** -0.5
    S = d[:, None] * A * d[None, :]
    Y = np.zeros((task.n_nodes, task.n_classes))
    Y[task.split.train, task.labels[task.split.train]] = 1.0

    def make(alpha: float) -> Callable[[], np.ndarray]:
        def run() -> np.ndarray:
            Fm = Y.copy()
            for _ in range(200):
                Fm = alpha * S @ Fm + (1 - alpha) * Y
            return Fm.argmax(axis=1)

        return run

    pred = _select(task, [make(a) for a in (0.5, 0.9, 0.99)])
    return _scores(task, pred, start)


_BASELINES: dict[str, Callable[[NodeTask, int, torch.device], dict[str, Any]]] = {
    "knn_gcn": knn_gcn,
    "label_propagation": label_propagation,
    "logreg": logreg,
    "mlp": mlp,
}
