"""Configuration of the LDS learner (a frozen dataclass of plain values)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from engine.errors import (
    ConfigError,
    check_choice,
    check_int,
    check_range,
    plain,
    plain_number,
)

__all__ = ["BASELINES", "METHOD_LABELS", "LdsConfig"]

BASELINES = ("knn_gcn", "label_propagation", "logreg", "mlp")
# Names for people: LDS ("lds") and each baseline, in tables, charts and the app.
METHOD_LABELS = {
    "lds": "LDS (learned graph)",
    "knn_gcn": "kNN-GCN (fixed graph)",
    "logreg": "Logistic regression",
    "mlp": "MLP",
    "label_propagation": "Label propagation",
}


@dataclass(frozen=True, kw_only=True)
class LdsConfig:
    """Every knob of :func:`engine.graphs.learn_graph`; defaults follow the paper.

    NumPy scalars (``k=np.int64(10)``) are taken, and stored, as the Python
    numbers they hold.

    Parameters
    ----------
    k : int, default=10
        Neighbours of the kNN graph that initialises the edge probabilities when
        no graph is given.
    metric : {"cosine", "euclidean"}, default="cosine"
        Distance of the kNN graph.
    symmetrize : {"or", "and", "upper"}, default="or"
        How the kNN relation is made undirected (see :func:`knn_graph`).
    features : {"standardize", "none", "row_normalize"}, default="standardize"
        Pre-processing of ``X`` (standardised per column over all nodes, raw, or
        rows scaled to sum to one as for bag-of-words).
    tau : int, default=5
        Inner steps per truncated hypergradient.
    outer_lr : float, default=1.0
        η0 of the outer SGD step η_k = η0 / (1 + outer_lr_decay · k).
    outer_lr_decay : float, default=1e-3
    inner_lr : float, default=0.02
        Initial (or fixed) Adam learning rate of the GCN.
    learn_inner_lr : bool, default=True
        Learn the inner learning rate with the graph, as
        ``a + sigmoid(λ)(b - a)`` with ``(a, b) = inner_lr_bounds``.
    inner_lr_bounds : tuple of float, default=(1e-4, 0.05)
    n_hidden : int, default=16
    dropout : float, default=0.5
        Dropout rate on the hidden layer, inner objective only.
    weight_decay : float, default=5e-4
        L2 factor (half squared norm) on the first-layer weights.
    inner_max_steps : int, default=400
    inner_tol : float, default=1e-3
        Relative decrease of the training objective that counts as progress.
    inner_patience : int, default=20
        Inner steps without progress before the inner training stops.
    patience : int, default=20
        Outer iterations without a better early-stopping score before stopping.
    max_outer_iter : int, default=100
    n_samples : int, default=16
        Graphs sampled for every evaluation and for the final prediction.
    hypergradient : {"reverse", "unrolled"}, default="reverse"
        ``"reverse"``: manual reverse sweep that regenerates each step's graph and
        dropout mask from its seed; memory does not grow with ``tau``.
        ``"unrolled"``: plain autograd through the ``tau`` steps (reference).
    n_top_edges : int or None, default=None
        Edges kept in the result, strongest first; default ``20 · n_nodes``.
        Equal θ are ordered by node pair (lower ``i``, then lower ``j``, first);
        a cut inside such a tie is noted in the result's ``warnings``.
    return_matrix : bool, default=False
        Also return the full (n_nodes, n_nodes) probability matrix.
    max_nodes : int or None, default=None
        Refuse larger graphs; default 5 000 on the CPU, 15 000 on a GPU.
    memory_budget_gb : float or None, default=None
        Refuse when the estimated memory exceeds this; default half the free
        memory of the device.
    baselines : str or tuple of str, default=()
        Also fit these on the same split: ``"knn_gcn"``, ``"logreg"``, ``"mlp"``,
        ``"label_propagation"``. A single name is taken as a one-name tuple.
    dtype : {"float32", "float64"}, default="float32"
    """

    k: int = 10
    metric: Literal["cosine", "euclidean"] = "cosine"
    symmetrize: Literal["or", "and", "upper"] = "or"
    features: Literal["standardize", "none", "row_normalize"] = "standardize"
    tau: int = 5
    outer_lr: float = 1.0
    outer_lr_decay: float = 1e-3
    inner_lr: float = 0.02
    learn_inner_lr: bool = True
    inner_lr_bounds: tuple[float, float] = (1e-4, 0.05)
    n_hidden: int = 16
    dropout: float = 0.5
    weight_decay: float = 5e-4
    inner_max_steps: int = 400
    inner_tol: float = 1e-3
    inner_patience: int = 20
    patience: int = 20
    max_outer_iter: int = 100
    n_samples: int = 16
    hypergradient: Literal["reverse", "unrolled"] = "reverse"
    n_top_edges: int | None = None
    return_matrix: bool = False
    max_nodes: int | None = None
    memory_budget_gb: float | None = None
    baselines: tuple[str, ...] = field(default=())
    dtype: Literal["float32", "float64"] = "float32"

    def __post_init__(self) -> None:
        owner = "LdsConfig"
        object.__setattr__(self, "baselines", _baselines(owner, self.baselines))
        object.__setattr__(self, "inner_lr_bounds", tuple(self.inner_lr_bounds))
        # NumPy scalars (k=np.int64(10)) as the Python values they stand for:
        # checked and shown in messages as such, and stored as JSON can hold them
        for f in fields(self):
            object.__setattr__(self, f.name, plain(getattr(self, f.name)))
        check_choice(owner, "metric", self.metric, ("cosine", "euclidean"))
        check_choice(owner, "symmetrize", self.symmetrize, ("or", "and", "upper"))
        check_choice(
            owner, "features", self.features, ("standardize", "none", "row_normalize")
        )
        check_choice(
            owner, "hypergradient", self.hypergradient, ("reverse", "unrolled")
        )
        check_choice(owner, "dtype", self.dtype, ("float32", "float64"))
        for name in ("k", "tau", "n_hidden", "inner_max_steps", "n_samples"):
            self._keep(name, check_int(owner, name, getattr(self, name), low=1))
        for name in ("inner_patience", "patience", "max_outer_iter"):
            self._keep(name, check_int(owner, name, getattr(self, name), low=1))
        for name in ("outer_lr", "outer_lr_decay", "weight_decay", "inner_tol"):
            self._keep(name, check_range(owner, name, getattr(self, name), low=0.0))
        self._keep(
            "dropout", check_range(owner, "dropout", self.dropout, low=0.0, high=0.95)
        )
        self._keep("inner_lr_bounds", _lr_bounds(owner, self.inner_lr_bounds))
        low, high = self.inner_lr_bounds
        self._keep(
            "inner_lr",
            check_range(owner, "inner_lr", self.inner_lr, low=0.0, low_open=True),
        )
        if self.learn_inner_lr and not low < self.inner_lr < high:
            raise ConfigError(
                f"{owner}: 'inner_lr' must lie strictly inside inner_lr_bounds "
                f"{self.inner_lr_bounds} when learn_inner_lr=True; got "
                f"{self.inner_lr!r}. Widen the bounds or set learn_inner_lr=False."
            )
        for name in ("n_top_edges", "max_nodes"):
            if getattr(self, name) is not None:
                self._keep(name, check_int(owner, name, getattr(self, name), low=1))
        if self.memory_budget_gb is not None:
            budget = self.memory_budget_gb
            self._keep(
                "memory_budget_gb",
                check_range(owner, "memory_budget_gb", budget, low=0.0, low_open=True),
            )

    def _keep(self, name: str, value: Any) -> None:
        """Store a checked value (a plain int or float: np.int64(3) becomes 3)."""
        object.__setattr__(self, name, value)

    @classmethod
    def from_options(cls, owner: str, options: dict[str, Any]) -> LdsConfig:
        """Build a config from keyword options, naming unknown ones."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - names)
        if unknown:
            raise ConfigError(
                f"{owner}: unknown option(s) {unknown}; valid options are "
                f"{sorted(names)}."
            )
        return cls(**options)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (tuples as lists)."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in fields(self)
        }


def _baselines(owner: str, value: Any) -> tuple[str, ...]:
    """``baselines`` as a tuple of known names; one name stands for a 1-tuple.

    Parameters
    ----------
    owner : str
        Function or class that owns the option, used in the message.
    value : str or iterable of str
        What the caller gave: a name, or a tuple, list, ... of names.

    Returns
    -------
    tuple of str
        The names, in the order given.

    Raises
    ------
    ConfigError
        When ``value`` is not a name or a collection of names from
        :data:`BASELINES`; the message shows the whole value received.
    """
    value = plain(value)
    if isinstance(value, str):
        names: Any = (value,)
    else:
        try:
            names = tuple(plain(v) for v in value)
        except TypeError:
            names = None
    if names is None or any(n not in BASELINES for n in names):
        # as given; other iterables (a set, an array, a generator) as their names
        plain_value = names is None or isinstance(value, str | tuple | list)
        shown = value if plain_value else names
        raise ConfigError(
            f"{owner}: 'baselines' must be a name or a tuple of names from "
            f"{sorted(BASELINES)}; got {shown!r}."
        )
    return names


def _lr_bounds(owner: str, bounds: tuple[Any, ...]) -> tuple[float, float]:
    """``inner_lr_bounds`` as two plain floats ``0 < low < high``, both finite."""
    values = [plain_number(b) for b in bounds]
    if len(values) == 2 and None not in values:
        low, high = values
        if 0 < low < high < math.inf:  # type: ignore[operator]
            return float(low), float(high)  # type: ignore[arg-type]
    raise ConfigError(
        f"{owner}: 'inner_lr_bounds' must be (low, high) with 0 < low < high, "
        f"both finite; got {plain(bounds)!r}."
    )
