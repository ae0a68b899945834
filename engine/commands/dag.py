"""``structure-lab dag``: learn a DAG from a table and write it as JSON.

Example::

    python -m engine dag sample_data/sachs.csv --standardize --seed 0 \\
        --truth sample_data/sachs_truth.csv --out sachs_dag.json
    python -m engine dag sample_data/sachs.csv --standardize --bootstrap 20 \\
        --executor processes --out sachs_boot.json
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from engine.commands import check_out_folder
from engine.dag import METHODS, PriorKnowledge, compare_graphs, learn_dag
from engine.dag.bootstrap import bootstrap_dag
from engine.data import read_table, to_matrix
from engine.errors import ConfigError, DataError
from engine.executor import EXECUTORS
from engine.graph_io import read_graph
from engine.results import dumps_strict

__all__ = ["register", "run"]

METRIC_KEYS = (
    "shd",
    "shd_cpdag",
    "sid",
    "tpr",
    "fdr",
    "precision",
    "recall",
    "f1",
    "n_edges",
)


def register(subparsers: Any) -> None:
    """Add the ``dag`` subcommand."""
    p = subparsers.add_parser(
        "dag",
        help="learn a causal DAG from a CSV table",
        description="Learn a DAG over the numeric columns of FILE and print or "
        "write it as JSON (nodes, edges with weights, method, seed, device, "
        "options, and metrics against --truth).",
    )
    p.add_argument("file", help="CSV (or other table) with one column per variable")
    p.add_argument("--method", default="permutahedron", choices=sorted(METHODS))
    p.add_argument(
        "--columns",
        nargs="+",
        metavar="COL",
        help="columns to use (default: every numeric column)",
    )
    p.add_argument(
        "--standardize",
        action="store_true",
        help="scale every column to unit variance (changes the answer: "
        "the raw scale carries information a method may exploit)",
    )
    p.add_argument(
        "--missing",
        choices=("drop", "mean"),
        default="drop",
        help="rows with missing values: drop them or fill with the mean",
    )
    p.add_argument(
        "--forbid",
        metavar="FILE",
        help="CSV source,target[,kind] of forbidden (or required) edges",
    )
    p.add_argument("--tiers", metavar="FILE", help="CSV node,tier")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--device", default="auto")
    p.add_argument("--max-iter", type=int, default=None, help="epochs")
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a method option, repeatable (e.g. --option estimator=aimle); "
        "see the method's config class for names",
    )
    p.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="B",
        help="also refit on B bootstrap resamples and report edge frequencies",
    )
    p.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="serial",
        help="where bootstrap fits run (all give the same result)",
    )
    p.add_argument("--workers", type=int, default=None, help="processes or Ray CPUs")
    p.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="edge frequency kept in the bootstrap consensus DAG",
    )
    p.add_argument(
        "--truth",
        metavar="FILE",
        help="true graph (CSV edge list/adjacency, JSON, GML or DOT)",
    )
    p.add_argument("--out", metavar="FILE.json", help="write here instead of stdout")
    p.set_defaults(func=run)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()  # decoded (UTF-8, BOM or not) by from_csv
    except OSError as err:
        raise DataError(f"cannot read {path!r}: {err.strerror}.") from err


def _parse_options(method: str, pairs: list[str]) -> dict[str, Any]:
    """Turn ``KEY=VALUE`` strings into typed method options."""
    fields = {f.name: f for f in dataclasses.fields(METHODS[method].config_class)}
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in fields:
            raise ConfigError(
                f"dag: '--option' must be KEY=VALUE with KEY one of "
                f"{sorted(fields)}; got {pair!r}."
            )
        default = fields[key].default
        options[key] = _typed(key, value, default)
    return options


def _typed(key: str, value: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if value.lower() not in ("true", "false", "1", "0"):
                raise ValueError(value)
            return value.lower() in ("true", "1")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except ValueError as err:
        raise ConfigError(
            f"dag: option {key!r} must be a {type(default).__name__}; got {value!r}."
        ) from err
    return value


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit status."""
    check_out_folder("dag", args.out)
    frame, _ = read_table(args.file)
    X, names, _ = to_matrix(
        frame,
        columns=args.columns,
        missing=args.missing,
        scale="standardize" if args.standardize else "none",
    )
    prior = None
    if args.forbid or args.tiers:
        prior = PriorKnowledge.from_csv(
            names,
            edges=_read(args.forbid) if args.forbid else None,
            tiers=_read(args.tiers) if args.tiers else None,
        )
    options = _parse_options(args.method, args.option)
    # read the true graph before the fit, so that a bad file costs no fit
    truth = (
        read_graph(args.truth, columns=names, require_dag=True) if args.truth else None
    )
    if args.max_iter is not None:
        options["max_iter"] = args.max_iter
    result = learn_dag(
        X,
        args.method,
        prior=prior,
        seed=args.seed,
        device=args.device,
        node_names=names,
        **options,
    )
    out: dict[str, Any] = {
        "nodes": list(result.node_names),
        "edges": [
            {"source": s, "target": t, "weight": w} for s, t, w in result.edges()
        ],
        "method": result.method,
        "seed": result.seed,
        "device": result.device,
        "options": result.config,
        "standardized": bool(args.standardize),
        "elapsed_s": result.elapsed_s,
    }
    if args.bootstrap:
        boot = bootstrap_dag(
            X,
            args.method,
            n_boot=args.bootstrap,
            threshold=args.threshold,
            executor=args.executor,
            n_workers=args.workers,
            prior=prior,
            seed=result.seed,
            device="cpu" if args.device == "auto" else args.device,
            node_names=names,
            **options,
        )
        out["edge_frequency"] = boot.edge_frequency.round(6).tolist()
        out["bootstrap"] = {
            "n_boot": boot.n_boot,
            "n_done": boot.n_done,
            "threshold": boot.threshold,
            "executor": boot.executor,
            "consensus_edges": [
                {"source": names[i], "target": names[j]}
                for i, j in zip(*boot.consensus.nonzero(), strict=True)
            ],
            "elapsed_s": boot.elapsed_s,
        }
    if truth is not None:
        m = compare_graphs(truth.adjacency != 0, result.adjacency)
        out["metrics"] = {k: m[k] for k in METRIC_KEYS}
    text = dumps_strict(out, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0
