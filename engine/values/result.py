"""The result of an explanation: per row and player, the K x K law of class changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from engine.errors import format_names
from engine.names import name_position
from engine.results import ArraySpec, ResultMixin

__all__ = ["DistributionalValues"]


@dataclass(frozen=True, eq=False, repr=False)
class DistributionalValues(ResultMixin):
    """Distributional values of a classifier's output, for several rows.

    Shapes use ``R`` explained rows, ``M`` players and ``K`` classes (after class
    reduction, "other" last). Binary classifiers have ``K = 2``.

    Attributes
    ----------
    features : tuple of str
        Player names (feature names, or group names), length ``M``.
    classes : tuple of str
        Class names, length ``K``.
    transitions : ndarray of shape (R, M, K, K), float64
        ``transitions[r, i, k, l]``: probability that the class is ``k`` *with*
        player ``i`` and ``l`` *without* it (shared Gumbel-max coupling, mixed over
        the operator's coalitions). Each matrix is non-negative and sums to one.
    mean : ndarray of shape (R, M, K)
        Row sums minus column sums: the operator's value (e.g. Shapley) of each class
        probability, the number SHAP reports on ``predict_proba``.
    p_change : ndarray of shape (R, M)
        ``1 - trace``: probability that adding the player changes the class.
    flip_away : ndarray of shape (R, M)
        ``P(class without i = c*, class with i != c*)`` with ``c*`` the predicted
        class of the full row: the player moves the prediction away from it.
    stderr : ndarray of shape (R, M, K, K) or None
        Monte Carlo standard error of each entry of ``transitions`` (None for
        exact estimates), from the spread of the independent samples (antithetic
        pairs of orderings, orderings or coalitions). ``+-1.96 stderr`` is an
        approximate 95% band that under-covers with few samples (measured: 0.80
        at 4 antithetic pairs, 0.90 at 32, on a 3-player model) and can be 0
        while the estimate is off; below 10 samples ``notes`` says the error
        bars are unreliable.
    predicted : ndarray of shape (R,), int
        Index of the predicted class ``c*`` of each row.
    probabilities : ndarray of shape (R, K)
        Class probabilities of the full rows (all players present).
    base_probabilities : ndarray of shape (R, K)
        Class probabilities with every player removed.
    data : ndarray of shape (R, D), float
        The explained rows (input columns). A non-numeric column of the
        explained table (text, categorical) holds integer codes here: the
        position of the row's value in ``categories[column]``;
        :meth:`data_frame` shows the values themselves.
    columns : tuple of str
        Input column names, length ``D``.
    rows : ndarray of shape (R,), int
        Row labels: ``row_labels`` when given to :func:`~engine.values.explain`,
        else the index of a DataFrame ``X`` when it is of integers int64
        holds, else the positions ``0 .. R - 1``. Methods and figures take a
        row by its label (:meth:`row_index`); :func:`~engine.values.explain`
        refuses repeated labels.
    n_samples : ndarray of shape (R,), int
        Orderings (permutation) or coalitions per player (coalition) used per row;
        0 for exact.
    operator, estimator : str
        Value operator and estimator actually used.
    seed : int
        Seed actually used.
    device : str
        Resolved device.
    config : dict
        Full configuration (removal rule, budgets, operator parameters, ...).
    timings : dict of str to float
        Seconds per stage and in total.
    n_model_rows : int
        Model rows evaluated.
    stopped : bool
        Whether the run was stopped on request (fewer rows or samples).
    engine_version : str
        Library version.
    notes : tuple of str
        What was done to the inputs on the way in, one sentence each (e.g. the
        background subsampled to ``max_background`` rows), and standard errors
        resting on too few samples to rely on; also logged at INFO.
    categories : dict of str to tuple of str
        For every non-numeric input column (by name), its values as text, by
        code (the codes ``data`` holds); empty when every column is numeric
        (and in results saved before this field existed).
    """

    features: tuple[str, ...]
    classes: tuple[str, ...]
    transitions: np.ndarray
    mean: np.ndarray
    p_change: np.ndarray
    flip_away: np.ndarray
    stderr: np.ndarray | None
    predicted: np.ndarray
    probabilities: np.ndarray
    base_probabilities: np.ndarray
    data: np.ndarray
    columns: tuple[str, ...]
    rows: np.ndarray
    n_samples: np.ndarray
    operator: str
    estimator: str
    seed: int
    device: str
    config: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    n_model_rows: int = 0
    stopped: bool = False
    engine_version: str = ""
    notes: tuple[str, ...] = ()
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    _tuple_fields: ClassVar[tuple[str, ...]] = (
        "features",
        "classes",
        "columns",
        "notes",
    )
    _arrays: ClassVar[dict[str, ArraySpec]] = {
        "transitions": ("fiu", ("R", "M", "K", "K")),
        "mean": ("fiu", ("R", "M", "K")),
        "p_change": ("fiu", ("R", "M")),
        "flip_away": ("fiu", ("R", "M")),
        "stderr": ("fiu", ("R", "M", "K", "K")),
        "predicted": ("iu", ("R",)),
        "probabilities": ("fiu", ("R", "K")),
        "base_probabilities": ("fiu", ("R", "K")),
        "data": ("fiu", ("R", "D")),
        "rows": ("iu", ("R",)),
        "n_samples": ("iu", ("R",)),
    }
    _sizes: ClassVar[dict[str, str]] = {"M": "features", "K": "classes", "D": "columns"}
    _unique_fields: ClassVar[tuple[str, ...]] = ("features",)

    def __post_init__(self) -> None:
        self._freeze_arrays()
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(
            self,
            "categories",
            {str(c): tuple(str(v) for v in vs) for c, vs in self.categories.items()},
        )

    def _summary(self) -> tuple[str, list[tuple[str, Any]]]:
        """Rows, players, classes and estimator (the repr and the notebook table)."""
        items: list[tuple[str, Any]] = [
            ("rows", int(self.transitions.shape[0])),
            ("features", len(self.features)),
            ("classes", len(self.classes)),
            ("estimator", self.estimator),
            ("operator", self.operator),
            ("n_model_rows", self.n_model_rows),
            ("seed", self.seed),
            ("device", self.device),
        ]
        if self.stopped:
            items.append(("stopped", True))
        if self.notes:
            items.append(("notes", len(self.notes)))
        return "DistributionalValues", items

    def _load_problems(self) -> list[str]:
        """Predicted classes are class indices; codes index their categories."""
        k = len(self.classes)
        bad = self.predicted[(self.predicted < 0) | (self.predicted >= k)]
        if bad.size:
            return [
                f"'predicted' holds {sorted(set(bad.tolist()))[:10]}; it must hold "
                f"class indices into 'classes', 0..{k - 1}"
            ]
        problems = []
        for column, values in self.categories.items():
            if column not in self.columns:
                problems.append(
                    f"'categories' names column {column!r}, which is not in "
                    f"'columns' {format_names(self.columns)}"
                )
                continue
            codes = self.data[:, self.columns.index(column)]
            ok = (codes >= 0) & (codes < len(values)) & (codes == np.rint(codes))
            if not ok.all():
                problems.append(
                    f"'data' column {column!r} holds {codes[~ok][:5].tolist()}; it "
                    f"must hold codes 0..{len(values) - 1} into 'categories'"
                )
        return problems

    def data_frame(self) -> pd.DataFrame:
        """The explained rows as a table, with text values instead of codes.

        Returns
        -------
        DataFrame of shape (R, D)
            Index ``rows``, columns ``columns``; a column in ``categories``
            holds its values as text (e.g. ``'female'``), the others their
            numbers.
        """
        frame = pd.DataFrame(self.data, columns=list(self.columns), index=self.rows)
        for column, values in self.categories.items():
            codes = np.rint(frame[column].to_numpy()).astype(np.int64)
            frame[column] = np.asarray(values, dtype=object)[codes]
        return frame

    # --- derived quantities ---------------------------------------------------------

    @property
    def n_rows(self) -> int:
        """Number of explained rows ``R``."""
        return int(self.transitions.shape[0])

    def conditional(self) -> np.ndarray:
        """``T[r, i, k, l] = P(with = k | without = l)``, (R, M, K, K).

        Columns sum to one; columns whose "without" probability is zero are NaN.
        """
        col = self.transitions.sum(axis=2, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(col > 0, self.transitions / col, np.nan)

    def flip_into(self) -> np.ndarray:
        """``P(with = c*, without != c*)``, (R, M): the player brings the prediction."""
        r, m = self.transitions.shape[:2]
        c = np.broadcast_to(self.predicted[:, None, None], (r, m, 1))
        rowsum = self.transitions.sum(axis=3)  # (R, M, K)
        diag = np.diagonal(self.transitions, axis1=2, axis2=3)
        taken = np.take_along_axis(rowsum, c, 2) - np.take_along_axis(diag, c, 2)
        return taken[..., 0]

    def covariance(self) -> np.ndarray:
        """Covariance of ``xi = e_with - e_without``, (R, M, K, K)."""
        q = self.transitions
        second = -(q + np.swapaxes(q, 2, 3))
        diag = q.sum(axis=3) + q.sum(axis=2) - 2 * np.diagonal(q, axis1=2, axis2=3)
        k = q.shape[-1]
        idx = np.arange(k)
        second[..., idx, idx] = diag
        return second - self.mean[..., :, None] * self.mean[..., None, :]

    def entropy(self) -> np.ndarray:
        """Entropy (nats) of the law of ``xi`` over moves and "no change", (R, M)."""
        q = self.transitions
        k = q.shape[-1]
        off = q * (1 - np.eye(k))
        stay = np.trace(q, axis1=2, axis2=3)
        mass = np.concatenate([off.reshape(*q.shape[:2], -1), stay[..., None]], -1)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(mass > 0, -mass * np.log(mass), 0.0)
        return terms.sum(-1)

    def class_index(self, name: str | int, owner: str = "DistributionalValues") -> int:
        """Position of a class given by name (or by position), in ``classes``.

        By the rule of :mod:`engine.names`: a value equal to a class name as
        stored (``2`` and ``"2"`` both name the class ``'2'``) is that class;
        an integer that is no class name is a position only when no class name
        is a number. A model whose classes are integers (``1, 2, 3``) is
        therefore asked by its labels, ``contrast(row, 1, 2)`` or
        ``contrast(row, *model.classes_[:2])``, and the class at position
        ``p`` by name, ``classes[p]``.

        Parameters
        ----------
        name : str or int
            A class name, or a position in ``0 .. K - 1`` when no class name is
            a number.
        owner : str, default="DistributionalValues"
            The caller, named in the message.

        Raises
        ------
        ConfigError
            ``name`` is no class name and not a position read as one.
        """
        return name_position(
            name, self.classes, owner=owner, what="class", field="classes"
        )

    def row_index(self, row: int, owner: str = "DistributionalValues") -> int:
        """Position in the result of the row with the label ``row``.

        Rows are asked for by their label in ``rows`` (the index of the
        DataFrame given to :func:`~engine.values.explain`, or ``0 .. R - 1``
        for an array), by the rule of :mod:`engine.names`: labels are
        numbers, so an integer that is no label is refused rather than read
        as a position; the row at position ``p`` is ``rows[p]``.

        Parameters
        ----------
        row : int
            A row label of ``rows``.
        owner : str, default="DistributionalValues"
            The caller, named in the message.

        Raises
        ------
        ConfigError
            ``row`` is not a label of ``rows`` (or names several rows, in a
            result built with repeated labels).
        """
        labels = [str(r) for r in self.rows.tolist()]
        return name_position(row, labels, owner=owner, what="row", field="rows")

    def player_index(
        self, player: str | int, owner: str = "DistributionalValues"
    ) -> int:
        """Position of a player (feature or group) given by name, in ``features``.

        By the rule of :mod:`engine.names`, as for :meth:`class_index`: with
        players named by integers (a DataFrame with columns ``[3, 2, 1, 0]``)
        an integer is a name, and the player at position ``p`` is
        ``features[p]``.

        Parameters
        ----------
        player : str or int
            A name in ``features``, or a position ``0 .. M - 1`` when no player
            name is a number.
        owner : str, default="DistributionalValues"
            The caller, named in the message.

        Raises
        ------
        ConfigError
            ``player`` is no player name and not a position read as one.
        """
        return name_position(
            player,
            self.features,
            owner=owner,
            what="player",
            field="features",
        )

    def contrast(
        self, row: int, from_class: str | int, to_class: str | int
    ) -> pd.DataFrame:
        """Which players turn ``from_class`` into ``to_class`` for one row?

        Parameters
        ----------
        row : int
            Row label, one of ``rows`` (see :meth:`row_index`).
        from_class, to_class : str or int
            Class without the player and class with it, by name (a model's
            integer class labels are names) or by position when no class name
            is a number (see :meth:`class_index`).

        Returns
        -------
        DataFrame
            One row per player, sorted by ``probability`` = ``Q[to, from]``
            descending, with the reverse move and the conditional
            ``P(with = to | without = from)``.

        Raises
        ------
        ConfigError
            ``row`` is not a row label of the result, or a class is unknown.
        """
        row = self.row_index(row, "contrast")
        a = self.class_index(from_class, "contrast")
        b = self.class_index(to_class, "contrast")
        q = self.transitions[row]
        cond = self.conditional()[row]
        frame = pd.DataFrame(
            {
                "player": list(self.features),
                "probability": q[:, b, a],
                "reverse": q[:, a, b],
                "conditional": cond[:, b, a],
                "p_change": self.p_change[row],
            }
        )
        return frame.sort_values("probability", ascending=False, ignore_index=True)

    def global_ranking(self) -> pd.DataFrame:
        """Players ranked by the mean probability of change over all rows.

        Returns
        -------
        DataFrame
            Columns ``player``, ``p_change`` (mean over rows), ``flip_away``,
            ``mean_abs`` (mean over rows of ``sum_k |mean|``), and one column
            ``into <class>`` per class: the mean probability that the player moves
            the output *into* that class from another one. Sorted by ``p_change``.
            No line for a result without rows (a run stopped before its first
            row): a mean over no rows says nothing of a player.
        """
        n = self.n_rows
        k = self.transitions.shape[-1]

        def over_rows(per_row: np.ndarray) -> np.ndarray:
            # no rows: zeros for the (dropped) lines, not numpy's empty-mean NaN
            return per_row.mean(axis=0) if n else np.zeros(per_row.shape[1:])

        into = over_rows((self.transitions * (1 - np.eye(k))).sum(axis=3))  # (M, K)
        frame = pd.DataFrame(
            {
                "player": list(self.features),
                "p_change": over_rows(self.p_change),
                "flip_away": over_rows(self.flip_away),
                "mean_abs": over_rows(np.abs(self.mean).sum(axis=2)),
            }
        )
        for j, name in enumerate(self.classes):
            frame[f"into {name}"] = into[:, j]
        ranked = frame.sort_values("p_change", ascending=False, ignore_index=True)
        return ranked if n else ranked.iloc[:0]

    def to_frame(self) -> pd.DataFrame:
        """Long table: one line per (row, player, class with, class without)."""
        r, m, k, _ = self.transitions.shape
        ri, mi, ki, li = np.meshgrid(
            np.arange(r), np.arange(m), np.arange(k), np.arange(k), indexing="ij"
        )
        frame = pd.DataFrame(
            {
                "row": self.rows[ri.ravel()],
                "player": np.asarray(self.features, dtype=object)[mi.ravel()],
                "class_with": np.asarray(self.classes, dtype=object)[ki.ravel()],
                "class_without": np.asarray(self.classes, dtype=object)[li.ravel()],
                "probability": self.transitions.ravel(),
            }
        )
        if self.stderr is not None:
            frame["stderr"] = self.stderr.ravel()
        return frame

    def summary_frame(self) -> pd.DataFrame:
        """One line per (row, player): p_change, flip_away and the mean per class."""
        r, m, _ = self.mean.shape
        frame = pd.DataFrame(
            {
                "row": np.repeat(self.rows, m),
                "player": list(self.features) * r,
                "p_change": self.p_change.ravel(),
                "flip_away": self.flip_away.ravel(),
            }
        )
        for j, name in enumerate(self.classes):
            frame[f"mean {name}"] = self.mean[:, :, j].ravel()
        return frame
