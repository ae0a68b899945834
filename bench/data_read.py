"""Parsing speed of engine.data.read_table against pandas.read_csv on the same bytes.

Run from the repository root: ``python bench/data_read.py [n_rows]``. read_table does
more than read_csv (sniffing, per-cell missing/number checks, the report), so a ratio
of a few is expected for a table with text; a plain numeric file goes through pandas'
C parser inside read_table. What matters is that a file at the 50 MB upload limit
parses in seconds. CPU time is printed besides wall time because shared machines
make wall time noisy.
"""

from __future__ import annotations

import io
import sys
import time

import numpy as np
import pandas as pd

from engine.data import read_table


def main(n_rows: int = 250_000) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.normal(size=(n_rows, 10)), columns=[f"c{i}" for i in range(10)]
    )
    frame.loc[::1000, "c3"] = np.nan  # some missing cells (empty in the file)
    numbers = frame.to_csv(index=False).encode()
    frame["label"] = rng.choice(["a", "b", "c"], size=n_rows)
    mixed = frame.to_csv(index=False).encode()
    # numbers only: pandas' C parser inside read_table; a text column: the full path
    for title, data in (("numbers only", numbers), ("with a text column", mixed)):
        _compare(title, data, n_rows, frame.shape[1] - (data is numbers))


def _compare(title: str, data: bytes, n_rows: int, n_cols: int) -> None:
    rows = []
    for name, fn in (
        ("engine.read_table", lambda: read_table(data, max_bytes=None)),
        ("pandas.read_csv", lambda: pd.read_csv(io.BytesIO(data))),
    ):
        cpu, wall = time.process_time(), time.perf_counter()
        fn()
        rows.append((name, time.process_time() - cpu, time.perf_counter() - wall))
    print(f"\n{title}: {len(data) / 2**20:.1f} MB, {n_rows} rows x {n_cols} columns")
    print(f"{'reader':<20} {'cpu s':>8} {'wall s':>8}")
    for name, cpu, wall in rows:
        print(f"{name:<20} {cpu:>8.2f} {wall:>8.2f}")
    print(f"ratio (cpu) ours / pandas: {rows[0][1] / max(rows[1][1], 1e-9):.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 250_000)
