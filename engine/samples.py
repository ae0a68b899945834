"""Bundled sample data sets: ``load_sample(name)`` and ``list_samples()``.

The CSV files live in the repository's ``sample_data/`` folder (provenance and
licences in ``sample_data/README.md``); ``iris`` and ``digits`` are built from
scikit-learn at call time. Set ``STRUCTURE_LAB_SAMPLE_DATA`` to another folder when
the package is installed without the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import DataError
from engine.results import format_summary

__all__ = ["SAMPLE_DIR", "Sample", "list_samples", "load_sample", "sample_dir"]

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
"""Where the bundled files are found in a clone (or an editable install)."""

_DESCRIPTIONS = {
    "sachs": (
        "Sachs et al. (2005) protein signalling, 853 observational cells x 11 "
        "phosphoproteins (raw concentrations, heavy-tailed). Truth: the 17-edge "
        "consensus DAG (bnlearn 'sachs')."
    ),
    "linear_gaussian": (
        "Synthetic linear-Gaussian SEM: 1000 rows, 10 variables, a random 15-edge "
        "DAG, equal noise variances (varsortable: standardise to remove that cue)."
    ),
    "wine": (
        "UCI wine recognition (scikit-learn): 178 wines x 13 chemical measurements; "
        "target = cultivar (class_0, class_1, class_2)."
    ),
    "breast_cancer": (
        "Wisconsin diagnostic breast cancer (scikit-learn): 569 tumours x 30 "
        "features; target = malignant / benign."
    ),
    "iris": (
        "Fisher's iris (scikit-learn): 150 flowers x 4 measurements; target = "
        "species (setosa, versicolor, virginica)."
    ),
    "digits": (
        "Handwritten digits (scikit-learn): 1797 images of 8x8 pixels (64 columns, "
        "values 0-16); target = digit 0-9."
    ),
}


@dataclass(frozen=True, repr=False)
class Sample:
    """A bundled data set.

    Attributes
    ----------
    name : str
        Its name in :func:`list_samples`.
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        The table, the target column included.
    target : str or None
        Label column of a classification sample, else ``None``.
    truth : ndarray of shape (n_columns, n_columns), bool, or None
        True DAG over the frame's columns (``truth[i, j]``: edge column i -> column
        j), for causal-discovery samples; else ``None``.
    description : str
        One paragraph on what it is.
    """

    name: str
    frame: pd.DataFrame
    target: str | None
    truth: np.ndarray | None
    description: str

    def __repr__(self) -> str:
        """Name, target and shapes, not the table (``frame`` shows that).

        Examples
        --------
        >>> load_sample("iris")
        Sample(name='iris', frame=(150, 5), target='target', truth=None)
        """
        items: list[tuple[str, object]] = [
            ("name", self.name),
            ("frame", self.frame.shape),
            ("target", self.target),
            ("truth", None if self.truth is None else self.truth.shape),
        ]
        if self.truth is not None:
            items.append(("true_edges", int(np.count_nonzero(self.truth))))
        return format_summary(type(self).__name__, items)

    @property
    def feature_names(self) -> list[str]:
        """Columns other than the target."""
        return [str(c) for c in self.frame.columns if c != self.target]


def sample_dir() -> Path:
    """Return the folder of the bundled CSV files.

    Raises
    ------
    DataError
        When the folder cannot be found.
    """
    override = os.environ.get("STRUCTURE_LAB_SAMPLE_DATA")
    folder = Path(override) if override else SAMPLE_DIR
    if not folder.is_dir():
        raise DataError(
            f"load_sample: the sample_data folder was not found at {folder}; run from "
            "a clone of the repository (pip install -e .) or set "
            "STRUCTURE_LAB_SAMPLE_DATA to its path."
        )
    return folder


def list_samples() -> list[str]:
    """Names accepted by :func:`load_sample`.

    Examples
    --------
    >>> "sachs" in list_samples()
    True
    """
    return list(_DESCRIPTIONS)


def load_sample(name: str) -> Sample:
    """Load a bundled data set.

    Parameters
    ----------
    name : str
        One of :func:`list_samples`: ``"sachs"``, ``"linear_gaussian"``,
        ``"wine"``, ``"breast_cancer"``, ``"iris"``, ``"digits"``.

    Returns
    -------
    Sample
        A fresh copy each call; editing its frame changes nothing on disk.

    Raises
    ------
    DataError
        Unknown name, or the sample files are missing.

    Examples
    --------
    >>> s = load_sample("sachs")
    >>> s.frame.shape, int(s.truth.sum())
    ((853, 11), 17)
    """
    if name not in _DESCRIPTIONS:
        raise DataError(
            f"load_sample: 'name' must be one of {sorted(_DESCRIPTIONS)}; got {name!r}."
        )
    if name in ("iris", "digits"):
        frame = _from_sklearn(name)
        truth = None
        target: str | None = "target"
    elif name in ("wine", "breast_cancer"):
        frame = _read_csv(f"{name}.csv")
        truth, target = None, "target"
    else:
        frame = _read_csv(f"{name}.csv")
        truth = _read_truth(f"{name}_truth.csv", list(frame.columns))
        target = None
    features = [c for c in frame.columns if c != target]
    frame[features] = frame[features].astype(np.float64)
    return Sample(name, frame, target, truth, _DESCRIPTIONS[name])


def _read_csv(filename: str) -> pd.DataFrame:
    path = sample_dir() / filename
    if not path.is_file():
        raise DataError(
            f"load_sample: {path} is missing; restore sample_data/ from the "
            "repository (see sample_data/README.md for how each file is made)."
        )
    return pd.read_csv(path)


def _read_truth(filename: str, columns: list[str]) -> np.ndarray:
    edges = _read_csv(filename)
    index = {c: k for k, c in enumerate(columns)}
    truth = np.zeros((len(columns), len(columns)), dtype=bool)
    for src, dst in zip(edges["source"], edges["target"], strict=True):
        truth[index[src], index[dst]] = True
    truth.setflags(write=False)
    return truth


def _from_sklearn(name: str) -> pd.DataFrame:
    from sklearn import datasets

    bunch = datasets.load_iris() if name == "iris" else datasets.load_digits()
    frame = pd.DataFrame(bunch.data, columns=list(bunch.feature_names))
    if name == "iris":
        frame["target"] = [str(bunch.target_names[k]) for k in bunch.target]
    else:
        frame["target"] = bunch.target.astype(np.int64)
    return frame
