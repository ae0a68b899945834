"""Model adapters, class reduction, training and safe loading of classifiers.

Every classifier is seen through :class:`ProbabilityModel`: a batch of inputs as a
float64 tensor ``(n, D)`` goes in, class probabilities ``(n, K)`` come out on the
explainer's device. Supported models:

* a callable mapping a NumPy array ``(n, D)`` to probabilities ``(n, K)``;
* a scikit-learn classifier (``predict_proba``); logistic regression and MLP
  classifiers, alone or after a ``StandardScaler`` in a pipeline, are translated to
  torch so that coalitions are evaluated on the device (checked against
  ``predict_proba`` before use);
* a ``torch.nn.Module`` returning logits, or probabilities: when its outputs on
  the probe rows and the background rows all lie in [0, 1] and every row sums to
  one (within ``1e-5``), as after a final ``Softmax``, they are taken as
  probabilities (logged once per module as a warning); otherwise they are logits
  and go through a softmax.

Every batch a callable, a scikit-learn classifier or a probability-returning torch
module produces during an explanation (the coalitions mix the explained rows with
background values) is checked to be probabilities, not only the first rows.

Models uploaded by users are read only from skops files whose types pass an
explicit allow-list (:func:`load_skops`); nothing is unpickled.
"""

from __future__ import annotations

import logging
import math
import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from engine.data import (
    MatrixRecord,
    apply_missing,
    check_variance,
    looks_like_identifier,
)
from engine.errors import (
    ConfigError,
    DataError,
    DataWarning,
    check_choice,
    format_names,
    silence_warnings,
    warn_user,
)
from engine.runtime import ProgressCallback, Reporter, resolve_seed
from engine.validation import class_label_warning

__all__ = [
    "MODEL_KINDS",
    "ModelScores",
    "ProbabilityModel",
    "TrainedModel",
    "as_probability_model",
    "check_feature_names",
    "check_model_classes",
    "class_scores",
    "describe_left_out",
    "feature_columns",
    "load_skops",
    "model_scores",
    "prepare_features",
    "reduce_classes",
    "save_skops",
    "train_classifier",
]

logger = logging.getLogger(__name__)

MODEL_KINDS = ("logistic", "forest", "boosting", "mlp")

# Trees a random forest grows between two progress reports (and stop checks).
FOREST_STEP = 10


class ProbabilityModel:
    """A classifier seen as ``(n, D) float64 tensor -> (n, K) probabilities``.

    Parameters
    ----------
    forward : callable
        Maps a float64 tensor on ``device`` to probabilities (float64, same device).
    n_classes : int
        Number of classes ``K``.
    class_names : list of str
        One name per class.
    kind : str
        ``"callable"``, ``"sklearn"``, ``"sklearn-torch"``, ``"torch"`` (a module
        returning logits) or ``"torch-probabilities"`` (one returning
        probabilities).
    affine : AffineTwin, optional
        The same model split into an affine first layer and a head, when known.
    internal_width : int, default=0
        Numbers per input row in the model's largest intermediate tensor, when
        measured (torch modules: the largest submodule output on the probe
        rows); sizes the batches of an explanation.
    """

    def __init__(
        self,
        forward: Callable[[torch.Tensor], torch.Tensor],
        n_classes: int,
        class_names: list[str],
        kind: str,
        affine: AffineTwin | None = None,
        internal_width: int = 0,
    ) -> None:
        self.forward = forward
        self.n_classes = n_classes
        self.class_names = class_names
        self.kind = kind
        self.affine = affine
        self.internal_width = internal_width

    @property
    def hidden_width(self) -> int:
        """Numbers per row held inside the model: its widest layer, when known."""
        return self.affine.widest if self.affine is not None else self.internal_width

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        """Probabilities of a batch, (n, K) float64 on the input's device."""
        return self.forward(X)


# Where the model is first evaluated, and where afterwards (named in messages).
_ON_PROBE = "on the first rows of X"
_ON_COALITIONS = (
    "on rows that mix the explained rows with background values (the coalitions)"
)


def _check_probabilities(
    P: np.ndarray, n: int, owner: str = "explain", where: str = _ON_PROBE
) -> np.ndarray:
    if P.ndim == 1:
        raise DataError(
            f"{owner}: the model returned a 1-D array of shape {P.shape} {where}; "
            f"it must return an (n, K) array of class probabilities, one column "
            "per class. For a binary model that gives P(class 1) alone, wrap it: "
            "lambda X: np.column_stack([1 - f(X), f(X)])."
        )
    if P.ndim != 2 or P.shape[0] != n or P.shape[1] < 2:
        raise DataError(
            f"{owner}: the model must return an (n, K) array of class probabilities "
            f"with K >= 2; got shape {P.shape} for {n} rows {where}."
        )
    finite = np.isfinite(P)
    if not finite.all() or P.min() < -1e-9:
        low = float(P[finite].min()) if finite.any() else float("nan")
        raise DataError(
            f"{owner}: the model returned negative or non-finite values {where} "
            f"(smallest finite value {low:.3g}); it must return probabilities "
            "(wrap a logit model in a softmax)."
        )
    deviation = float(np.max(np.abs(P.sum(axis=1) - 1)))
    if deviation > 1e-6:
        raise DataError(
            f"{owner}: the model's outputs do not sum to one per row {where} (max "
            f"deviation {deviation:.3g}); return probabilities, not logits or "
            "scores."
        )
    return P


def _probe_error(err: Exception, probe: np.ndarray) -> DataError:
    from sklearn.exceptions import NotFittedError as SklearnNotFitted

    if isinstance(err, SklearnNotFitted):
        return DataError(
            "explain: the model is not fitted (scikit-learn's NotFittedError); fit "
            "it on your table first (model.fit(X, y)), then explain it."
        )
    return DataError(
        f"explain: the model failed on the first rows of X ({type(err).__name__}: "
        f"{err}); check that it takes {probe.shape[1]} numeric columns in the order "
        "of X and returns class probabilities."
    )


def _numpy_forward(
    predict: Callable[[np.ndarray], Any], probe: np.ndarray
) -> tuple[Callable[[torch.Tensor], torch.Tensor], int]:
    try:
        first = np.asarray(predict(probe), float)
    except Exception as err:  # any failure of user code on real rows
        raise _probe_error(err, probe) from err
    k = _check_probabilities(first, len(probe)).shape[1]

    def forward(X: torch.Tensor) -> torch.Tensor:
        P = np.asarray(predict(X.detach().cpu().numpy()), dtype=np.float64)
        # every batch, not only the probe: one pass over (n, K) outputs, cheap
        # beside the model call that made them
        P = _check_probabilities(P, len(X), where=_ON_COALITIONS)
        return torch.as_tensor(P, device=X.device)

    return forward, k


# --- scikit-learn models translated to torch ---------------------------------------


def _scaler_affine(steps: list[Any], d: int) -> tuple[np.ndarray, np.ndarray]:
    """StandardScalers as one affine map ``x -> x * a + c`` (per column)."""
    a, c = np.ones(d), np.zeros(d)
    for step in steps:
        mean = step.mean_ if step.with_mean and step.mean_ is not None else 0.0
        scale = step.scale_ if step.with_std and step.scale_ is not None else 1.0
        a, c = a / scale, (c - mean) / scale
    return a, c


def _layers(last: Any) -> tuple[list[np.ndarray], list[np.ndarray], str, str] | None:
    """Weights (D_in, D_out), biases, hidden activation and output of a head."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    if isinstance(last, LogisticRegression):
        out = "logistic" if last.coef_.shape[0] == 1 else "softmax"
        return [last.coef_.T], [last.intercept_], "identity", out
    if isinstance(last, MLPClassifier) and last.activation in _ACTIVATIONS:
        return (
            list(last.coefs_),
            list(last.intercepts_),
            last.activation,
            (last.out_activation_),
        )
    return None


# Out-of-place, so that a caller's pre-activations survive the head.
_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    "logistic": torch.sigmoid,
    "identity": lambda t: t,
}


def _two_class(z: torch.Tensor) -> torch.Tensor:
    p1 = torch.sigmoid(z)
    return torch.stack([1 - p1, p1], dim=1)


def _sklearn_to_torch(model: Any) -> AffineTwin | None:
    """A torch twin of [StandardScaler ->] LogisticRegression / MLPClassifier.

    The scalers are folded into the first layer (``W' = diag(a) W``,
    ``b' = b + c W``), so one affine map per layer remains.
    """
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    steps = [s for _, s in model.steps] if isinstance(model, Pipeline) else [model]
    pre, last = steps[:-1], steps[-1]
    if not all(isinstance(s, StandardScaler) for s in pre):
        return None
    spec = _layers(last)
    if spec is None:
        return None
    weights, biases, activation, output = spec
    a, c = _scaler_affine(pre, weights[0].shape[0])
    weights = [weights[0] * a[:, None], *weights[1:]]
    biases = [biases[0] + c @ spec[0][0], *biases[1:]]
    return AffineTwin(weights, biases, activation, output)


class AffineTwin:
    """A torch network whose first layer is affine: ``probs = head(x @ W + b)``.

    Games use the split to update first-layer pre-activations incrementally when
    one player joins a coalition (``H`` additions instead of ``D x H``
    multiply-adds per coalition).

    Parameters
    ----------
    weights, biases : lists of ndarray
        Layer ``j`` maps ``h -> h @ weights[j] + biases[j]``.
    activation : str
        Hidden activation (relu, tanh, logistic, identity).
    output : {"softmax", "logistic"}
        Output link; "logistic" is a single-logit binary classifier.
    """

    def __init__(
        self,
        weights: list[np.ndarray],
        biases: list[np.ndarray],
        activation: str,
        output: str,
    ) -> None:
        self.weights, self.biases = weights, biases
        self.act = _ACTIVATIONS[activation]
        self.output = output
        self._cache: dict[tuple[str, torch.dtype], list[Any]] = {}

    def layers(self, like: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """The layers as tensors on ``like``'s device and dtype (cached)."""
        key = (str(like.device), like.dtype)
        if key not in self._cache:
            self._cache[key] = [
                (
                    torch.as_tensor(W, dtype=like.dtype, device=like.device),
                    torch.as_tensor(b, dtype=like.dtype, device=like.device),
                )
                for W, b in zip(self.weights, self.biases, strict=True)
            ]
        return self._cache[key]

    @property
    def hidden(self) -> int:
        """Width ``H`` of the first layer."""
        return int(self.weights[0].shape[1])

    @property
    def widest(self) -> int:
        """Width of the widest layer output."""
        return int(max(W.shape[1] for W in self.weights))

    def first_layer(self, like: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Weight (D, H) and bias (H,) of the first layer, on ``like``'s device."""
        return self.layers(like)[0]

    def _logits(self, h: torch.Tensor) -> torch.Tensor:
        for W, b in self.layers(h)[1:]:
            h = torch.addmm(b, self.act(h), W)
        return h

    def head(self, h: torch.Tensor) -> torch.Tensor:
        """Probabilities from first-layer pre-activations, (n, H) -> (n, K).

        ``h`` is not modified.
        """
        z = self._logits(h)
        if self.output == "logistic":
            return _two_class(z[:, 0])
        return torch.softmax(z, dim=1)

    def mean_head(self, h: torch.Tensor) -> torch.Tensor:
        """Probabilities averaged over the second-to-last axis, (..., b, H) -> (..., K).

        Equal to ``head(h).mean(-2)``. The last layer is computed transposed,
        ``(K, n)``, where a softmax over few classes is several times faster; a
        two-class output is averaged before the complement is formed. ``h`` is
        not modified.
        """
        lead = h.shape[:-1]
        a = h.reshape(-1, h.shape[-1])
        layers = self.layers(a)[1:]
        if layers:
            for W, b in layers[:-1]:
                a = torch.addmm(b, self.act(a), W)
            W, b = layers[-1]
            zt = torch.addmm(b.unsqueeze(1), W.T, self.act(a).T)  # (K, n)
        else:
            zt = a.T.contiguous()
        if self.output == "logistic":
            p1 = torch.sigmoid(zt[0]).view(lead).mean(-1)
            return torch.stack([1 - p1, p1], dim=-1)
        probs = torch.softmax(zt, dim=0).view(-1, *lead).mean(-1)
        return probs.movedim(0, -1)

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        """Probabilities of a batch of inputs, (n, D) -> (n, K)."""
        W, b = self.layers(X)[0]
        return self.head(torch.addmm(b, X, W))


def check_feature_names(model: Any, columns: Sequence[str], owner: str) -> None:
    """Refuse a table whose columns are not the ones a model was fitted on.

    A scikit-learn model fitted on a DataFrame records ``feature_names_in_``.
    The explainer hands the model plain arrays, so scikit-learn's own check of
    the names is bypassed: columns in another order, or renamed, would be fed to
    the wrong coefficients without any message.

    Parameters
    ----------
    model : object
        The model; nothing is checked when it has no ``feature_names_in_``.
    columns : sequence of str
        The columns of the table to explain, in order.
    owner : str
        The calling function, named in the message.

    Raises
    ------
    DataError
        The names differ, or are the same names in another order. The message
        names the columns the table lacks and those the model was not fitted
        on, and says how to select the model's columns.
    """
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is None:
        return
    fitted = [str(c) for c in fitted]
    columns = [str(c) for c in columns]
    if fitted == columns:
        return
    if sorted(fitted) == sorted(columns):
        raise DataError(
            f"{owner}: the table has the model's columns in another order; the "
            f"model expects {format_names(fitted)}. Reorder the columns, e.g. "
            "X[model.feature_names_in_]."
        )
    raise DataError(f"{owner}: {_column_mismatch(fitted, columns)}")


def _column_mismatch(fitted: list[str], columns: list[str]) -> str:
    """How a table's columns differ from a model's, and what to do."""
    missing = [c for c in fitted if c not in columns]
    extra = [c for c in columns if c not in fitted]
    unknown = (
        f"column(s) {format_names(extra)} that the model was not fitted on"
        if extra
        else ""
    )
    if not missing:
        return (
            f"the table has {unknown}; the model takes {format_names(fitted)}. "
            "Select the model's columns, e.g. X[model.feature_names_in_]."
        )
    lacks = f"the table lacks column(s) {format_names(missing)} that the model "
    lacks += "was fitted on" + (f", and has {unknown}" if extra else "")
    return (
        f"{lacks}; the model takes {format_names(fitted)}. Explain a table with "
        "those columns, e.g. X[model.feature_names_in_] of a table that has them."
    )


def _sklearn_model(model: Any, probe: np.ndarray) -> ProbabilityModel:
    predict = model.predict_proba
    names_in = getattr(model, "feature_names_in_", None)
    if names_in is not None and len(names_in) == probe.shape[1]:
        cols = list(names_in)

        def predict(A: np.ndarray) -> np.ndarray:
            return model.predict_proba(pd.DataFrame(A, columns=cols))

    forward, k = _numpy_forward(predict, probe)
    names = [str(c) for c in getattr(model, "classes_", range(k))]
    fast = _sklearn_to_torch(model)
    if fast is not None:
        reference = np.asarray(predict(probe), dtype=np.float64)
        got = fast(torch.as_tensor(probe, dtype=torch.float64)).numpy()
        if got.shape == reference.shape and np.allclose(got, reference, atol=1e-10):
            return ProbabilityModel(fast, k, names, "sklearn-torch", affine=fast)
        logger.info("torch translation of %s disagrees; using predict_proba", model)
    return ProbabilityModel(forward, k, names, "sklearn")


# Torch modules already announced as returning probabilities (warned once each).
_PROBABILITY_MODULES: weakref.WeakSet[torch.nn.Module] = weakref.WeakSet()
# Tolerance of the probability test of a torch module's outputs (float32 softmax
# rows sum to one within about K * 1e-7).
_TORCH_PROBABILITY_TOL = 1e-5


def _looks_like_probabilities(out: torch.Tensor) -> bool:
    """Whether every output lies in [0, 1] and every row sums to one."""
    tol = _TORCH_PROBABILITY_TOL
    out = out.to(torch.float64)
    return bool(
        torch.isfinite(out).all()
        and out.min() >= -tol
        and out.max() <= 1 + tol
        and (out.sum(dim=1) - 1).abs().max() <= tol
    )


def _torch_module(
    module: torch.nn.Module, probe: np.ndarray, reference: np.ndarray | None = None
) -> ProbabilityModel:
    param = next(iter(module.parameters()), None)
    dtype = torch.float32 if param is None else param.dtype
    mdev = None if param is None else param.device

    def raw(X: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            out = module(X.to(device=mdev or X.device, dtype=dtype))
        if not isinstance(out, torch.Tensor) or out.ndim != 2:
            shape = getattr(out, "shape", None)
            got = type(out).__name__ + ("" if shape is None else f" {tuple(shape)}")
            raise DataError(
                "explain: the torch module must return a tensor of logits or "
                f"probabilities of shape (n, K); got {got}."
            )
        return out

    rows = probe if reference is None else np.concatenate([probe, reference])
    was_training = module.training
    module.eval()
    try:
        first, width = _with_widest_output(
            module, len(rows), lambda: raw(torch.as_tensor(rows, dtype=torch.float64))
        )
    except DataError:
        raise
    except Exception as err:  # any failure of user code on real rows
        raise _probe_error(err, probe) from err
    finally:
        module.train(was_training)
    k = first.shape[1]
    if k < 2:
        raise DataError(
            "explain: the torch module must return at least 2 logits or "
            f"probabilities per row; got {k}."
        )
    probabilities = _looks_like_probabilities(first)
    if probabilities and module not in _PROBABILITY_MODULES:
        _PROBABILITY_MODULES.add(module)
        logger.warning(
            "explain: the outputs of %s on %d probe and background rows are in "
            "[0, 1] and sum to one per row; they are taken as class probabilities, "
            "not logits (no softmax is applied).",
            type(module).__name__,
            len(rows),
        )

    def forward(X: torch.Tensor) -> torch.Tensor:
        out = raw(X).to(torch.float64)
        if not probabilities:
            return torch.softmax(out, dim=1).to(X.device)
        if not _looks_like_probabilities(out):
            _check_probabilities(
                out.cpu().numpy(), len(X), where=_ON_COALITIONS
            )  # a message naming what is wrong, beyond the tolerance
        out = out.clamp_min(0)
        return (out / out.sum(dim=1, keepdim=True)).to(X.device)

    def forward_eval(X: torch.Tensor) -> torch.Tensor:
        training = module.training
        module.eval()
        try:
            return forward(X)
        finally:
            module.train(training)

    kind = "torch-probabilities" if probabilities else "torch"
    names = [str(c) for c in range(k)]
    return ProbabilityModel(forward_eval, k, names, kind, internal_width=width)


def _with_widest_output(
    module: torch.nn.Module, n_rows: int, run: Callable[[], torch.Tensor]
) -> tuple[torch.Tensor, int]:
    """Call ``run()`` on ``n_rows`` rows; return its output and the widest layer.

    The width is the largest number of elements of a submodule's output tensor,
    per input row (forward hooks on every submodule).
    """
    widths = [0]

    def record(_module: Any, _inputs: Any, out: Any) -> None:
        for tensor in out if isinstance(out, tuple | list) else (out,):
            if isinstance(tensor, torch.Tensor):
                widths.append(-(-tensor.numel() // max(n_rows, 1)))

    handles = [m.register_forward_hook(record) for m in module.modules()]
    try:
        out = run()
    finally:
        for handle in handles:
            handle.remove()
    return out, max(widths)


def as_probability_model(
    model: Any,
    probe: np.ndarray,
    class_names: Sequence[str] | None = None,
    *,
    reference: np.ndarray | None = None,
) -> ProbabilityModel:
    """Wrap a callable, a scikit-learn classifier or a torch module.

    Parameters
    ----------
    model : callable, scikit-learn classifier or torch.nn.Module
        See the module docstring.
    probe : ndarray of shape (n, D)
        A few real rows, used to check the output and the torch translation.
    class_names : sequence of str, optional
        Overrides the class names (default ``classes_`` or ``0 .. K-1``).
    reference : ndarray of shape (b, D), optional
        Background rows. A torch module's outputs on ``probe`` and ``reference``
        decide whether it returns probabilities or logits (module docstring).

    Returns
    -------
    ProbabilityModel

    Raises
    ------
    DataError
        The model does not return an (n, K) probability array.
    ConfigError
        The object is not a supported model.
    """
    if isinstance(model, ProbabilityModel):
        wrapped = model
    elif isinstance(model, torch.nn.Module):
        wrapped = _torch_module(model, probe, reference)
    elif hasattr(model, "predict_proba"):
        wrapped = _sklearn_model(model, probe)
    elif callable(model):
        forward, k = _numpy_forward(model, probe)
        wrapped = ProbabilityModel(forward, k, [str(c) for c in range(k)], "callable")
    else:
        raise ConfigError(
            "explain: 'model' must be a callable returning probabilities, a "
            f"scikit-learn classifier with predict_proba or a torch module; got "
            f"{type(model).__name__}."
        )
    if class_names is not None:
        names = [str(c) for c in class_names]
        if len(names) != wrapped.n_classes:
            raise ConfigError(
                f"explain: 'class_names' has {len(names)} names for "
                f"{wrapped.n_classes} classes."
            )
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ConfigError(
                f"explain: 'class_names' repeats {format_names(repeated)}; classes "
                "are looked up by name, so give each class its own name."
            )
        wrapped = ProbabilityModel(
            wrapped.forward,
            wrapped.n_classes,
            names,
            wrapped.kind,
            wrapped.affine,
            wrapped.internal_width,
        )
    return wrapped


def reduce_classes(probabilities: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """Keep some classes and merge the others into one "other" class.

    Parameters
    ----------
    probabilities : Tensor of shape (..., K)
    keep : Tensor of shape (k,), int
        Indices of the classes kept, in output order.

    Returns
    -------
    Tensor of shape (..., k + 1)
        The kept probabilities, then the summed probability of all other classes.
    """
    kept = probabilities.index_select(-1, keep)
    other = (probabilities.sum(-1) - kept.sum(-1)).clamp_min(0).unsqueeze(-1)
    return torch.cat([kept, other], dim=-1)


# --- training in the app / CLI ------------------------------------------------------


@dataclass(frozen=True)
class TrainedModel:
    """A classifier trained on a table, with its held-out accuracy.

    Attributes
    ----------
    model : scikit-learn estimator
        Fitted on the training split.
    kind : str
        One of :data:`MODEL_KINDS`.
    features : tuple of str
        Input columns, in order.
    classes : tuple of str
        Class labels as strings, in ``predict_proba`` order.
    accuracy : float
        Accuracy on the held-out split.
    n_train, n_test : int
        Split sizes.
    notes : tuple of str
        What was done to the table on the way in, one sentence each: rows left
        out for an empty label, rows dropped or cells filled for missing features;
        and where training was stopped on request, how far it got.
    stopped : bool
        Whether a stop request ended training early: the model is usable but has
        fewer trees, stages or epochs than planned.
    steps : tuple of (int, int, str)
        Steps trained, steps planned and their unit (``"trees"``, ``"stages"``,
        ``"epochs"`` or ``"fits"``); an MLP that converged trains fewer epochs
        than planned without being stopped.
    balanced_accuracy : float or None
        Mean recall over the classes of the held-out split: 1 / K for a model
        that always predicts one class, however rare the others are.
    baseline : float or None
        Held-out accuracy of always predicting the training split's most common
        class (``majority``): an accuracy near it tells nothing.
    majority : str or None
        That class.
    """

    model: Any
    kind: str
    features: tuple[str, ...]
    classes: tuple[str, ...]
    accuracy: float
    n_train: int
    n_test: int
    notes: tuple[str, ...] = ()
    stopped: bool = False
    steps: tuple[int, int, str] = (0, 0, "")
    balanced_accuracy: float | None = None
    baseline: float | None = None
    majority: str | None = None


def make_estimator(kind: str, seed: int) -> Any:
    """The unfitted scikit-learn estimator of a model kind (used in the package).

    Parameters
    ----------
    kind : {"logistic", "forest", "boosting", "mlp"}
        One of :data:`MODEL_KINDS`.
    seed : int
        Seed of the estimator's randomness.

    Returns
    -------
    scikit-learn estimator
        Logistic regression and the MLP in a pipeline after a ``StandardScaler``.
    """
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    if kind == "forest":
        return RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=1)
    if kind == "boosting":
        return GradientBoostingClassifier(n_estimators=100, random_state=seed)
    return make_pipeline(
        StandardScaler(),
        MLPClassifier((64,), max_iter=600, early_stopping=False, random_state=seed),
    )


def class_labels(column: Any) -> tuple[np.ndarray, np.ndarray]:
    """Class labels as strings, and which are present (not missing or infinite).

    Whole numbers read as floats lose their ``.0`` (``1.0`` is the class ``"1"``,
    as a model trained on integer labels names it).
    """
    column = column if isinstance(column, pd.Series) else pd.Series(column)
    present = column.notna().to_numpy().copy()
    values = column.to_numpy()
    if pd.api.types.is_float_dtype(column):
        present &= np.isfinite(values.astype(np.float64))
        whole = np.where(present, values, 0.0)
        if np.all(whole == np.round(whole)):
            values = np.where(present, whole, 0).astype(np.int64)
    return values.astype(str), present


def feature_columns(
    frame: pd.DataFrame, target: str
) -> tuple[list[str], dict[str, str]]:
    """The columns a classifier can take as features, and why the others are not.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The table, label column included.
    target : str
        The label column (never a feature).

    Returns
    -------
    usable : list of str
        Numeric columns with at least one finite value that do not look like row
        identifiers (:func:`engine.data.looks_like_identifier`), in table order.
    left_out : dict of str to str
        The other columns but ``target``, each with its reason: ``"text"``,
        ``"no value"`` or ``"row identifier"``.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"], "y": [0, 1]})
    >>> feature_columns(frame, "y")
    (['a'], {'b': 'text'})
    """
    usable, left_out = [], {}
    for c in frame.columns:
        if c == target:
            continue
        numeric = pd.api.types.is_numeric_dtype(frame[c])
        if not frame[c].notna().any() or (
            numeric and not np.isfinite(frame[c].to_numpy(dtype=float)).any()
        ):
            left_out[c] = "no value"
        elif not numeric:
            left_out[c] = "text"
        elif looks_like_identifier(frame[c]):
            left_out[c] = "row identifier"
        else:
            usable.append(c)
    return usable, left_out


def describe_left_out(left_out: dict[str, str]) -> str:
    """``left_out`` of :func:`feature_columns` as text: names grouped by reason.

    Examples
    --------
    >>> describe_left_out({"b": "text", "id": "row identifier", "c": "text"})
    "'b', 'c' (text); 'id' (row identifier)"
    """
    groups: dict[str, list[str]] = {}
    for name, reason in left_out.items():
        groups.setdefault(reason, []).append(str(name))
    return "; ".join(
        f"{format_names(names, limit=8, brackets=False)} ({reason})"
        for reason, names in groups.items()
    )


def prepare_features(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    missing: str = "drop",
    owner: str = "prepare_features",
) -> tuple[pd.DataFrame, MatrixRecord]:
    """The feature columns of a table as floats, with a missing-value policy.

    The same policies as :func:`engine.data.to_matrix` (missing and infinite
    cells alike), but every requested column is kept as it is: a classifier or
    a skops model expects exactly its columns, constant ones included.

    Parameters
    ----------
    frame : DataFrame
        The table.
    columns : sequence of str, optional
        Feature columns, in order (default all), numeric.
    missing : {"drop", "mean"}, default="drop"
        Drop the rows with a missing or infinite feature value, or fill such cells
        with the column mean.
    owner : str, default="prepare_features"
        The caller, named in messages.

    Returns
    -------
    table : DataFrame of shape (n_kept, n_columns), float64
        Indexed by the 0-based positions of the kept rows in ``frame``.
    record : engine.data.MatrixRecord
        Rows dropped and cells filled (``kept_rows``, ``dropped_rows``,
        ``imputed``, ``summary()``).

    Raises
    ------
    DataError
        Unknown or non-numeric columns, no complete row left (``"drop"``), or a
        column without any value to fill from (``"mean"``).
    ConfigError
        ``missing`` is not "drop" or "mean".
    """
    check_choice(owner, "missing", missing, ("drop", "mean"))
    columns = [str(c) for c in (frame.columns if columns is None else columns)]
    unknown = [c for c in columns if c not in frame.columns]
    if unknown:
        raise DataError(
            f"{owner}: column(s) {format_names(unknown)} are not in the table; "
            f"columns are {format_names(frame.columns)}."
        )
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise DataError(
            f"{owner}: feature column(s) {format_names(text)} are not numeric; drop "
            "them or encode them as numbers first."
        )
    X = frame[columns].to_numpy(dtype=np.float64, copy=True)
    X[~np.isfinite(X)] = np.nan
    holes = np.isnan(X)
    if missing == "drop" and holes.any(axis=1).all():
        worst = int(holes.sum(axis=0).argmax())
        raise DataError(
            f"{owner}: every row has a missing or infinite feature value (e.g. "
            f"{int(holes[:, worst].sum())} in {columns[worst]!r}), so dropping "
            "incomplete rows leaves none; fill them with the column mean "
            "(missing='mean') or leave those columns out."
        )
    empty = [c for c, e in zip(columns, holes.all(axis=0), strict=True) if e]
    if missing == "mean" and empty:
        raise DataError(
            f"{owner}: column(s) {format_names(empty)} have no value to compute a "
            "mean from; leave them out."
        )
    X, kept, dropped, imputed = apply_missing(X, columns, missing)
    check_variance(X, columns, owner)
    record = MatrixRecord(
        kept_rows=kept,
        dropped_rows=dropped,
        dropped_columns={},
        encoded_columns={},
        imputed=imputed,
        missing=missing,
        categorical="drop",
        scale="none",
        means=np.zeros(len(columns)),
        scales=np.ones(len(columns)),
    )
    return pd.DataFrame(X, columns=columns, index=kept), record


@dataclass(frozen=True)
class ModelScores:
    """How well a classifier predicts a labelled set of rows.

    Attributes
    ----------
    accuracy : float
        Share of the rows predicted right.
    balanced_accuracy : float
        Mean recall over the classes of the rows: 1 / K for a model that always
        predicts one class, however rare the others are.
    baseline : float
        Accuracy of always predicting ``majority``: an accuracy near it tells
        nothing.
    majority : str
        The most common class (of the training rows, when given).
    """

    accuracy: float
    balanced_accuracy: float
    baseline: float
    majority: str


def class_scores(
    predicted: np.ndarray, truth: np.ndarray, reference: np.ndarray | None = None
) -> ModelScores:
    """Accuracy, balanced accuracy and the majority baseline of predictions.

    Parameters
    ----------
    predicted, truth : ndarray of shape (n,)
        Predicted and true classes, comparable (e.g. both strings), n >= 1.
    reference : ndarray, optional
        The classes whose most common one is the baseline's (the training
        split's); ``truth`` by default.

    Returns
    -------
    ModelScores

    Examples
    --------
    >>> y = np.array(["a", "a", "a", "b"])
    >>> class_scores(np.array(["a"] * 4), y)
    ModelScores(accuracy=0.75, balanced_accuracy=0.5, baseline=0.75, majority='a')
    """
    predicted, truth = np.asarray(predicted), np.asarray(truth)
    held_out = np.unique(truth)
    balanced = np.mean([np.mean(predicted[truth == c] == c) for c in held_out])
    pool = truth if reference is None else np.asarray(reference)
    kinds, counts = np.unique(pool, return_counts=True)
    majority = kinds[int(np.argmax(counts))]
    return ModelScores(
        accuracy=float(np.mean(predicted == truth)),
        balanced_accuracy=float(balanced),
        baseline=float(np.mean(truth == majority)),
        majority=str(majority),
    )


def model_scores(
    model: Any,
    X: pd.DataFrame,
    labels: Any,
    target: str,
    owner: str = "model_scores",
) -> tuple[ModelScores | None, str | None]:
    """Scores of a loaded classifier on a labelled table, or why there are none.

    Parameters
    ----------
    model : scikit-learn classifier
        With ``classes_`` and ``predict``.
    X : DataFrame of shape (n, D)
        Its input columns.
    labels : array-like of shape (n,)
        The label column on the same rows; missing labels are skipped.
    target : str
        The label column's name, for the message.
    owner : str, default="model_scores"
        The caller, named in errors.

    Returns
    -------
    scores : ModelScores or None
        Accuracy, balanced accuracy and the majority baseline on the labelled
        rows (the majority class is the table's); ``None`` when the labels are
        not among the model's classes.
    warning : str or None
        One sentence when some labels are not among the model's classes (the
        model was trained for another label column or table); else ``None``.

    Raises
    ------
    DataError
        The model expects another number of columns, or other column names, or
        fails on the table.
    """
    n_in = getattr(model, "n_features_in_", None)
    if n_in is not None and n_in != X.shape[1]:
        raise DataError(
            f"{owner}: the model expects {n_in} features; the table has "
            f"{X.shape[1]} feature columns. Use the table the model was trained on."
        )
    check_feature_names(model, list(X.columns), owner)
    model_classes = pd.Series(getattr(model, "classes_", []))
    classes = [str(c) for c in class_labels(model_classes)[0]]
    y, present = class_labels(labels)
    values = sorted({str(v) for v in y[present]})
    unknown = [v for v in values if v not in set(classes)]
    if unknown or not values:
        return None, (
            f"the model's classes {format_names(classes)} are not the values of the "
            f"label column {target!r} ({format_names(values)}): its accuracy cannot be "
            "computed, and the predicted class names are the model's, not the "
            "column's. Check that the model was trained on this table with this "
            "label column"
        )
    inputs = X if getattr(model, "feature_names_in_", None) is not None else X.values
    # whatever the user's model warns about: hidden meanwhile in other threads too
    with silence_warnings(Warning):
        try:
            out = model.predict(inputs)
        except Exception as err:  # any failure of a user's model on the table
            raise DataError(
                f"{owner}: the model failed on the table ({type(err).__name__}: "
                f"{err}); check that it was trained on a table like this one (same "
                "columns, and text columns holding the same kinds of values)."
            ) from err
        predicted, _ = class_labels(pd.Series(np.asarray(out)))
    return class_scores(predicted[present], y[present]), None


def check_model_classes(
    model: Any,
    X: pd.DataFrame,
    labels: Any,
    target: str,
    owner: str = "check_model_classes",
) -> tuple[float | None, str | None]:
    """Accuracy of a loaded classifier on a labelled table, or why there is none.

    :func:`model_scores` with the accuracy only.

    Parameters
    ----------
    model : scikit-learn classifier
        With ``classes_`` and ``predict``.
    X : DataFrame of shape (n, D)
        Its input columns.
    labels : array-like of shape (n,)
        The label column on the same rows; missing labels are skipped.
    target : str
        The label column's name, for the message.
    owner : str, default="check_model_classes"
        The caller, named in errors.

    Returns
    -------
    accuracy : float or None
        Share of the labelled rows predicted right; ``None`` when the labels
        are not among the model's classes.
    warning : str or None
        As in :func:`model_scores`.

    Raises
    ------
    DataError
        The model expects another number of columns, or other column names.
    """
    scores, warning = model_scores(model, X, labels, target, owner)
    return (None if scores is None else scores.accuracy), warning


def train_classifier(
    frame: pd.DataFrame,
    target: str,
    kind: str = "logistic",
    *,
    missing: str = "drop",
    test_size: float = 0.25,
    seed: int = 0,
    progress: ProgressCallback | None = None,
) -> TrainedModel:
    """Train a classifier on the numeric columns of a table.

    Rows with an empty label are left out (said in ``notes``); missing or
    infinite feature values follow ``missing``. A label column that looks
    continuous or has nearly one class per row (see
    :func:`engine.validation.class_label_warning`) gives a
    :class:`~engine.errors.DataWarning`.

    Parameters
    ----------
    frame : DataFrame
        Features (numeric) and the label column.
    target : str
        Name of the label column.
    kind : {"logistic", "forest", "boosting", "mlp"}, default="logistic"
        Logistic regression and MLP (64 hidden units) are standardised pipelines;
        "forest" has 100 trees, "boosting" is gradient boosting with 100 stages.
    missing : {"drop", "mean"}, default="drop"
        Rows with a missing or infinite feature value are dropped, or such cells
        get the column mean (see :func:`prepare_features`).
    test_size : float, default=0.25
        Fraction held out (stratified) for the accuracy.
    seed : int, default=0
        Seed of the split and of the estimator, in ``[0, 2**31 - 1]``.
    progress : callable, optional
        Called with a :class:`~engine.runtime.ProgressEvent` (task
        ``"values.train"``) after every 10 trees, boosting stage or MLP epoch;
        returning ``True`` (or :data:`engine.STOP`) stops training there (any
        other return value is ignored), and the model trained so far is returned with
        ``stopped=True`` and a note saying how far it got.

    Returns
    -------
    TrainedModel

    Raises
    ------
    DataError
        Missing label column, a single class, or non-numeric features.
    ConfigError
        Unknown ``kind`` or ``missing``, or a seed that is not a non-negative
        integer.
    """
    owner = "train_classifier"
    check_choice(owner, "kind", kind, MODEL_KINDS)
    check_choice(owner, "missing", missing, ("drop", "mean"))
    seed = resolve_seed(seed, owner)
    if target not in frame.columns:
        raise DataError(
            f"train_classifier: label column {target!r} is not in the table; pick "
            f"one of {format_names(frame.columns)}."
        )
    notes = []
    y, present = class_labels(frame[target])
    if not present.any():
        raise DataError(
            f"train_classifier: label column {target!r} has no label; pick a column "
            "with class labels."
        )
    if not present.all():
        notes.append(
            f"left out {int((~present).sum())} row(s) with an empty label in {target!r}"
        )
    labelled = frame.iloc[np.flatnonzero(present)]
    table, record = prepare_features(
        labelled.drop(columns=[target]), missing=missing, owner=owner
    )
    notes += record.summary()
    y = y[present][record.kept_rows]
    X, names = table.to_numpy(), list(table.columns)
    _, counts = check_classes(y, frame[target], target, owner)
    for note in notes:
        logger.info("train_classifier: %s", note)
    return fit_held_out(
        X,
        y,
        counts,
        kind=kind,
        features=names,
        seed=seed,
        test_size=test_size,
        progress=progress,
        notes=notes,
        owner=owner,
    )


def fit_held_out(
    X: Any,
    y: np.ndarray,
    counts: np.ndarray,
    *,
    kind: str,
    features: Sequence[str],
    seed: int,
    test_size: float,
    progress: ProgressCallback | None,
    notes: list[str],
    owner: str,
    encoder: Any = None,
) -> TrainedModel:
    """Split off held-out rows, train a ``kind`` classifier on the rest, score it.

    Parameters
    ----------
    X : ndarray or DataFrame of shape (n, D)
        The feature rows.
    y : ndarray of shape (n,)
        Their class labels.
    counts : ndarray of shape (K,)
        Rows per class (:func:`check_classes`): the split is stratified when
        every class has two rows and the held-out rows hold a row per class.
    kind : str
        One of :data:`MODEL_KINDS`.
    features : sequence of str
        The model's input columns.
    seed : int
        Seeds the split and the estimator.
    test_size : float
        Share of the rows held out.
    progress : callable, optional
        Receives the training's progress events; ``True`` (or :data:`engine.STOP`) stops
        it.
    notes : list of str
        Notes of the preparation; a stop is appended.
    owner : str
        The caller, named in errors.
    encoder : scikit-learn transformer, optional
        Fitted on the training rows before the classifier; the model is then
        ``Pipeline([("columns", encoder), ("model", classifier)])``.

    Returns
    -------
    TrainedModel
    """
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline

    n_test = math.ceil(test_size * len(y))
    # a stratified split needs two rows per class and a class per held-out row
    fits = counts.min() >= 2 and len(counts) <= min(n_test, len(y) - n_test)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y if fits else None
    )
    est = make_estimator(kind, seed)
    reporter = Reporter(progress, "values.train")
    Z = X_tr if encoder is None else encoder.fit_transform(X_tr)
    with silence_warnings(SkConvergenceWarning):
        try:
            done, planned, unit = fit_in_steps(est, kind, Z, y_tr, seed, reporter)
        except ValueError as err:  # e.g. one class left in a tiny training split
            held = len(np.unique(y_tr))
            raise DataError(
                f"{owner}: the {kind} classifier could not be trained: its "
                f"training split holds {len(y_tr)} row(s) of {held} of the table's "
                f"{len(counts)} classes ({_plain_reprs(str(err))}); use a table with "
                "more labelled rows per class."
            ) from err
    # a request that came after the last step stopped nothing
    stopped = reporter.stop_requested and done < planned
    if stopped:
        notes.append(f"training was stopped after {done} of {planned} {unit}")
    model = est if encoder is None else Pipeline([("columns", encoder), ("model", est)])
    result = held_out_result(
        model, kind, features, (X_te, y_te, y_tr), notes, stopped, (done, planned, unit)
    )
    reporter("done", done, {"accuracy": result.accuracy}, total=planned)
    return result


def _plain_reprs(text: str) -> str:
    """``text`` with NumPy scalar reprs as plain values: ``np.str_('0')`` ->
    ``'0'`` (scikit-learn's messages quote labels that way)."""
    return re.sub(r"np\.\w+\(([^()]*)\)", r"\1", text)


def check_classes(
    y: np.ndarray, column: pd.Series, target: str, owner: str
) -> tuple[np.ndarray, np.ndarray]:
    """The classes of the training labels and their counts, checked.

    Parameters
    ----------
    y : ndarray of shape (n,)
        The labels of the rows trained on.
    column : Series
        The whole label column, for :func:`~engine.validation.class_label_warning`
        (a ``DataWarning`` when it looks like a measurement, not classes).
    target : str
        Its name, for the messages.
    owner : str
        The caller, named in them.

    Returns
    -------
    labels, counts : ndarray
        The distinct labels and how many rows hold each.

    Raises
    ------
    DataError
        A single class.
    """
    labels, counts = np.unique(y, return_counts=True)
    if len(labels) < 2:
        raise DataError(
            f"{owner}: label column {target!r} has a single class; pick a column "
            "with at least two."
        )
    warning = class_label_warning(column, target)
    if warning:
        warn_user(
            f"{owner}: {warning}; a classifier learns one class per distinct value, "
            "so choose a column of class labels.",
            DataWarning,
        )
    return labels, counts


def held_out_result(
    model: Any,
    kind: str,
    features: Sequence[str],
    split: tuple[Any, np.ndarray, np.ndarray],
    notes: list[str],
    stopped: bool,
    steps: tuple[int, int, str],
) -> TrainedModel:
    """A trained model with its scores on the held-out rows.

    Parameters
    ----------
    model : scikit-learn classifier
        Fitted, with ``predict`` and ``classes_``.
    kind : str
        The model kind.
    features : sequence of str
        Its input columns.
    split : tuple
        ``(X_test, y_test, y_train)``: the held-out inputs and labels, and the
        training labels (whose most common class is the baseline's).
    notes : list of str
        Notes of the training.
    stopped : bool
        Whether training was stopped early.
    steps : tuple of (int, int, str)
        Steps done, planned, and their unit.

    Returns
    -------
    TrainedModel
    """
    X_te, y_te, y_tr = split
    # an imbalanced table: 99 % of one class scores 0.99 by always saying it
    scores = class_scores(model.predict(X_te), y_te, reference=y_tr)
    return TrainedModel(
        model=model,
        kind=kind,
        features=tuple(features),
        classes=tuple(str(c) for c in model.classes_),
        accuracy=scores.accuracy,
        n_train=len(y_tr),
        n_test=len(y_te),
        notes=tuple(notes),
        stopped=stopped,
        steps=steps,
        balanced_accuracy=scores.balanced_accuracy,
        baseline=scores.baseline,
        majority=scores.majority,
    )


def fit_in_steps(
    est: Any, kind: str, X: np.ndarray, y: np.ndarray, seed: int, reporter: Reporter
) -> tuple[int, int, str]:
    """Fit ``est`` step by step, reporting after each step and stopping on request.

    A forest grows :data:`FOREST_STEP` trees per step (``warm_start``), boosting
    reports after each stage (``monitor``): both give the same model as one
    ``fit``. The MLP trains one epoch per ``partial_fit`` and ends, as ``fit``
    does, when the training loss has not improved by ``tol`` for
    ``n_iter_no_change`` epochs, or after ``max_iter`` epochs. Logistic
    regression is one step.

    Returns
    -------
    done, planned : int
        Steps done and planned, counted in ``unit``.
    unit : str
        ``"trees"``, ``"stages"``, ``"epochs"`` or ``"fits"``.
    """
    if kind == "forest":
        return (*_grow_forest(est, X, y, reporter), "trees")
    if kind == "boosting":
        planned = est.n_estimators

        def monitor(i: int, *_: Any) -> bool:
            message = f"{i + 1} of {planned} stages"
            return reporter("train", i + 1, message=message, total=planned)

        est.fit(X, y, monitor=monitor)
        return est.n_estimators_, planned, "stages"
    if kind == "mlp":
        return (*_train_mlp(est, X, y, seed, reporter), "epochs")
    est.fit(X, y)
    return 1, 1, "fits"


def _grow_forest(
    est: Any, X: np.ndarray, y: np.ndarray, reporter: Reporter
) -> tuple[int, int]:
    planned = est.n_estimators
    est.set_params(warm_start=True)
    for size in range(FOREST_STEP, planned + FOREST_STEP, FOREST_STEP):
        est.set_params(n_estimators=min(size, planned)).fit(X, y)
        grown = len(est.estimators_)
        message = f"{grown} of {planned} trees"
        if reporter("train", grown, message=message, total=planned):
            break
    est.set_params(warm_start=False, n_estimators=len(est.estimators_))
    return len(est.estimators_), planned


def _train_mlp(
    pipeline: Any, X: np.ndarray, y: np.ndarray, seed: int, reporter: Reporter
) -> tuple[int, int]:
    scaler, mlp = pipeline[0], pipeline[-1]
    Z = scaler.fit(X).transform(X)
    classes = np.unique(y)
    # one generator for every epoch, so that each shuffles the rows anew
    mlp.set_params(random_state=np.random.RandomState(seed))
    best, stale, epoch = np.inf, 0, 0
    while epoch < mlp.max_iter:
        mlp.partial_fit(Z, y, classes=classes)
        epoch += 1
        loss = mlp.loss_curve_[-1]
        stale = stale + 1 if loss > best - mlp.tol else 0
        best = min(best, loss)
        message = f"epoch {epoch} of at most {mlp.max_iter}"
        if reporter("train", epoch, {"loss": loss}, message, total=mlp.max_iter):
            break
        if stale > mlp.n_iter_no_change:
            break
    mlp.set_params(random_state=seed)
    mlp.n_iter_ = epoch
    return epoch, mlp.max_iter


# --- skops files ---------------------------------------------------------------------

# Types that skops does not trust by default but that plain scikit-learn
# classifiers need (tree structures, optimiser state).
SKOPS_EXTRA_TRUSTED = frozenset(
    {
        "sklearn.tree._tree.Tree",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
        "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        "sklearn._loss.link.Interval",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.loss.HalfMultinomialLoss",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.MultinomialLogit",
    }
)

# Estimators a loaded file may contain at its top level (or as pipeline steps).
SKOPS_ALLOWED_ESTIMATORS = frozenset(
    {
        "LogisticRegression",
        "RandomForestClassifier",
        "ExtraTreesClassifier",
        "GradientBoostingClassifier",
        "HistGradientBoostingClassifier",
        "DecisionTreeClassifier",
        "MLPClassifier",
        "KNeighborsClassifier",
        "GaussianNB",
        "SVC",
        "Pipeline",
        "StandardScaler",
        "MinMaxScaler",
        "RobustScaler",
        # a ColumnTransformer feeding a raw mixed-dtype table to a classifier
        "ColumnTransformer",
        "OneHotEncoder",
        "OrdinalEncoder",
        "SimpleImputer",
    }
)


def _estimator_parts(model: Any) -> list[Any]:
    """``model`` and every estimator inside it (pipeline steps, column transformers).

    The strings ``"drop"`` and ``"passthrough"`` a ColumnTransformer may hold are
    not estimators and are left out, as is the identity FunctionTransformer (no
    function) a fitted ColumnTransformer puts in place of ``"passthrough"``.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    def identity(part: Any) -> bool:
        return (isinstance(part, str) and part in ("drop", "passthrough")) or (
            type(part) is FunctionTransformer
            and part.func is None
            and part.inverse_func is None
        )

    inner: list[Any] = []
    if isinstance(model, Pipeline):
        inner = [s for _, s in model.steps]
    elif isinstance(model, ColumnTransformer):
        given = getattr(model, "transformers_", model.transformers)
        inner = [t for _, t, _ in given if not identity(t)]
    return [model] + [p for part in inner for p in _estimator_parts(part)]


def _check_estimator_types(model: Any) -> None:
    for part in _estimator_parts(model):
        module = type(part).__module__
        if not module.startswith("sklearn.") or (
            type(part).__name__ not in SKOPS_ALLOWED_ESTIMATORS
        ):
            raise DataError(
                f"load_skops: the file holds a {module}.{type(part).__name__}, which "
                "is not an allowed type (a classifier, or a Pipeline of scalers, "
                "encoders or a ColumnTransformer and a classifier); allowed types: "
                f"{', '.join(sorted(SKOPS_ALLOWED_ESTIMATORS))}."
            )
    if not hasattr(model, "predict_proba"):
        raise DataError(
            "load_skops: the model has no predict_proba; save a probabilistic "
            "classifier (for SVC use probability=True)."
        )


def _check_fitted(model: Any) -> None:
    """Refuse a model, or a step inside it, that was saved before it was fitted.

    Steps are checked before the containers (Pipeline, ColumnTransformer) that
    hold them, so that the message names the step to fit.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.exceptions import NotFittedError as SklearnNotFitted
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    parts = _estimator_parts(model)
    containers = (Pipeline, ColumnTransformer)
    for part in [p for p in parts if not isinstance(p, containers)] + [
        p for p in parts if isinstance(p, containers)
    ]:
        try:
            check_is_fitted(part)
        except SklearnNotFitted:
            inside = "" if part is model else f" (a step of its {type(model).__name__})"
            raise DataError(
                f"load_skops: the file holds a {type(part).__name__}{inside} that "
                "is not fitted; fit it on your table (model.fit(X, y)) before "
                "saving it with skops.io.dump."
            ) from None


def load_skops(source: bytes | str | Path) -> Any:
    """Load a scikit-learn classifier from a skops file, refusing unknown types.

    The file is never unpickled: skops rebuilds the object from a schema, and every
    type it does not trust by default must be in :data:`SKOPS_EXTRA_TRUSTED`; the
    result must be an allowed classifier (:data:`SKOPS_ALLOWED_ESTIMATORS`).

    Parameters
    ----------
    source : bytes, str or Path
        File content or path.

    Returns
    -------
    scikit-learn classifier

    Raises
    ------
    DataError
        The file is not a skops file, holds untrusted types, is not an allowed
        classifier, or holds a model (or a pipeline step) that is not fitted.
    """
    import skops.io as sio

    data = Path(source).read_bytes() if isinstance(source, str | Path) else source
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as err:  # skops raises many types on corrupt input
        raise DataError(
            f"load_skops: the file is not a readable skops model ({err}); save the "
            "model with skops.io.dump."
        ) from err
    refused = sorted(set(untrusted) - SKOPS_EXTRA_TRUSTED)
    if refused:
        raise DataError(
            "load_skops: the file contains types that are not allowed: "
            f"{format_names(refused)}; only plain scikit-learn classifiers can be "
            "loaded."
        )
    try:
        model = sio.loads(data, trusted=list(untrusted))
    except Exception as err:
        raise DataError(
            f"load_skops: the skops file could not be read ({err})."
        ) from err
    _check_estimator_types(model)
    _check_fitted(model)
    return model


def save_skops(model: Any, path: str | Path | None = None) -> bytes:
    """Serialise a scikit-learn model with skops; also write ``path`` when given."""
    import skops.io as sio

    data = sio.dumps(model)
    if path is not None:
        Path(path).write_bytes(data)
    return data
