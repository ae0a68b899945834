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
import logging
import shlex
import sys
from pathlib import Path
from typing import Any

from engine.commands import (
    add_header_option,
    check_device,
    check_in_file,
    check_out,
    check_readable,
    flush_notes,
    given_twice,
    header_of,
    in_flag_words,
    left_out_reason,
    progress_log,
    refuse_repeats,
    write_note,
    write_out,
    write_table_notes,
)
from engine.dag import (
    METHODS,
    DagResult,
    PriorKnowledge,
    compare_graphs,
    learn_dag,
    make_config,
)
from engine.dag.bootstrap import BootstrapResult, bootstrap_dag
from engine.dag.metrics import METRIC_CONVENTIONS
from engine.dag.permutahedron import (
    PermutahedronConfig,
    cost_warning,
    fit_seconds,
    polish_reach_used,
)
from engine.data import (
    MISSING_HANDLING,
    DataReport,
    MatrixRecord,
    read_table,
    to_matrix,
)
from engine.errors import (
    ConfigError,
    DataError,
    GraphError,
    check_range,
    format_names,
)
from engine.executor import EXECUTORS
from engine.graph_io import GraphData, align_graph, read_graph
from engine.results import dumps_strict
from engine.runtime import duration_range

__all__ = ["long_fit_note", "register", "run"]

logger = logging.getLogger(__name__)

MIN_ROWS = 3
"""Rows :func:`engine.dag.learn_dag` needs at least."""

# mostly-empty columns named at most, when their gaps made --missing drop drop
# most rows
_MAX_LEAVE_OUT = 3

DEFAULT_THRESHOLD = 0.5
"""``--threshold`` when not given."""

# options that only act on the bootstrap refits
_BOOTSTRAP_ONLY = ("executor", "workers", "threshold")


def register(subparsers: Any) -> None:
    """Add the ``dag`` subcommand."""
    p = subparsers.add_parser(
        "dag",
        help="learn a causal DAG from a CSV table",
        description="Learn a DAG over the numeric columns of FILE and print or "
        "write it as JSON (nodes, edges with weights and probabilities, the "
        "edge-probability matrix, method, seed, device, options, and metrics "
        "against --truth).",
    )
    refuse_repeats(p)
    p.add_argument("file", help="CSV (or other table) with one column per variable")
    add_header_option(p)
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
        help="CSV source,target[,kind] of forbidden (or required) edges: kind "
        "forbidden (or forbid) or required (or require), in any case; without a "
        "kind column every row is forbidden (a note says so)",
    )
    p.add_argument(
        "--tiers",
        metavar="FILE",
        help="CSV node,tier with whole-number tiers (lower first, e.g. 0, 1, 2): "
        "no node of a later tier is an ancestor of a node of an earlier tier. One "
        "row per node; a node the file does not list has no tier and may sit "
        "anywhere in between as long as that holds",
    )
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
        default=None,
        metavar="B",
        help="also refit on B >= 1 bootstrap resamples and report edge "
        "frequencies (leave it out for no bootstrap)",
    )
    p.add_argument(
        "--executor",
        choices=EXECUTORS,
        default=None,
        help="where bootstrap fits run (all give the same result; default serial)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes or Ray CPUs of the bootstrap (with --executor processes "
        "or ray)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="edge frequency kept in the bootstrap consensus DAG (default "
        f"{DEFAULT_THRESHOLD})",
    )
    p.add_argument(
        "--truth",
        metavar="FILE",
        help="true graph (CSV edge list/adjacency, JSON, GML or DOT) over the "
        "columns used; a column it does not mention has no true edges (noted on "
        "stderr)",
    )
    p.add_argument(
        "--out",
        metavar="FILE.json",
        help="write here instead of stdout: the summary keys plus the full result, "
        "which engine.DagResult.from_json loads",
    )
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
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if sep and key not in fields:
            _refuse_other_methods_option(method, key, pair)
        if not sep or key not in fields:
            raise ConfigError(
                f"dag: '--option' must be KEY=VALUE with KEY one of "
                f"{sorted(fields)}; got {pair!r}."
            )
        if key in given:  # the last one silently won
            twice = given_twice(f"--option {key}", given[key], pair)
            raise ConfigError(f"dag: {twice}")
        given[key] = pair
        options[key] = _typed(key, value, fields[key].default)
    return options


def _refuse_other_methods_option(method: str, key: str, pair: str) -> None:
    """Refuse ``--option KEY=...`` when ``KEY`` is an option of another method
    (DAG-DB's ``lam`` with the default permutahedron), naming that method."""
    others = [
        name
        for name, spec in sorted(METHODS.items())
        if name != method
        and key in {f.name for f in dataclasses.fields(spec.config_class)}
    ]
    if others:
        flags = " or ".join(f"--method {name}" for name in others)
        raise ConfigError(
            f"dag: '--option' {pair}: {key!r} is an option of {flags}, not of "
            f"{method}; use {flags}, or drop the option."
        )


def _typed(key: str, value: str, default: Any) -> Any:
    """``value`` as the type of the option's default (bool, int, float or text)."""
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
        if isinstance(default, bool):
            wanted = "true or false"
        else:
            kind = "an integer" if isinstance(default, int) else "a number"
            wanted = f"{kind}, e.g. {default:g}"
        raise ConfigError(
            f"dag: option {key!r} must be {wanted}; got {value!r}."
        ) from err
    return value


def _check_args(args: argparse.Namespace) -> None:
    """Reject bad numbers, input files and ``--out`` before the table is read."""
    check_readable("dag", "the input table", args.file)
    inputs = {"the input table": args.file}
    for option in ("truth", "forbid", "tiers"):
        check_in_file("dag", f"--{option}", getattr(args, option))
        inputs[f"the '--{option}' file"] = getattr(args, option)
    check_out("dag", args.out, inputs)
    _check_bootstrap(args)
    if args.workers is not None and args.workers < 1:
        raise ConfigError(
            f"dag: '--workers' must be a positive integer; got {args.workers}."
        )
    if args.seed is not None:
        _check_seed(args.seed)
    if args.max_iter is not None and args.max_iter < 1:
        raise ConfigError(
            f"dag: '--max-iter' must be a positive integer; got {args.max_iter}."
        )
    if args.columns is not None:
        repeated = sorted({c for c in args.columns if args.columns.count(c) > 1})
        if repeated:
            raise ConfigError(
                f"dag: '--columns' names {repeated} more than once; name each "
                "column once."
            )


def _check_seed(seed: int) -> None:
    """Refuse a seed out of range, naming ``--seed`` (the engine names 'seed')."""
    from engine.runtime import resolve_seed

    try:
        resolve_seed(seed)
    except ConfigError as err:
        raise type(err)(in_flag_words("dag", str(err), {"seed": "--seed"})) from err


def _check_bootstrap(args: argparse.Namespace) -> None:
    """Refuse a bad ``--bootstrap``, options that act on none, and ``--workers``
    for the serial executor, which has none; fill in the bootstrap defaults."""
    if args.bootstrap is not None and args.bootstrap < 1:
        raise ConfigError(
            f"dag: '--bootstrap' must be B >= 1 resamples; got {args.bootstrap}. "
            "For no bootstrap, leave the option out."
        )
    if args.bootstrap is None:
        given = [f"--{o}" for o in _BOOTSTRAP_ONLY if getattr(args, o) is not None]
        if given:
            one = len(given) == 1
            raise ConfigError(
                f"dag: {', '.join(repr(g) for g in given)} "
                f"{'acts' if one else 'act'} only on bootstrap refits, and there "
                "are none without '--bootstrap B' (B >= 1); add it or drop "
                f"{'it' if one else 'them'}."
            )
        return
    if args.workers is not None and args.executor in (None, "serial"):
        how = "'--executor serial'"
        if args.executor is None:
            how = "the default executor, serial,"
        raise ConfigError(
            f"dag: '--workers {args.workers}' sets the processes or Ray CPUs of the "
            f"bootstrap, and {how} runs its fits one after another in this "
            "process; add --executor processes (or ray), or drop --workers."
        )
    if args.threshold is None:
        args.threshold = DEFAULT_THRESHOLD
    if args.executor is None:
        args.executor = "serial"
    check_range("dag", "--threshold", args.threshold, low=0.0, high=1.0, low_open=True)


def _merge_max_iter(args: argparse.Namespace, options: dict[str, Any]) -> None:
    """Put ``--max-iter`` into ``options``; refuse a different ``max_iter`` there."""
    if args.max_iter is None:
        return
    if options.get("max_iter", args.max_iter) != args.max_iter:
        raise ConfigError(
            f"dag: '--max-iter {args.max_iter}' and '--option "
            f"max_iter={options['max_iter']}' both set the epochs; give one of them."
        )
    options["max_iter"] = args.max_iter


_WHY = {
    "constant": "is constant, so it carries no information",
    "empty": "has no values",
    "categorical": "holds text, not numbers (dag uses numeric columns only)",
    "identifier": "looks like a row identifier",
}


def _check_columns(args: argparse.Namespace, report: DataReport) -> None:
    """Refuse named columns that would be left out, and too few usable columns."""
    if args.columns is not None:
        known = [c.name for c in report.columns]
        unknown = [c for c in args.columns if c not in known]
        if unknown:
            raise DataError(
                f"dag: '--columns' names {unknown}, which are not columns of "
                f"{args.file}; its columns are {format_names(known)}. Check the "
                "spelling."
            )
    left_out = report.left_out(args.columns)
    if args.columns is not None and left_out:
        what = "; ".join(f"{c!r} {_WHY[r]}" for c, r in left_out.items())
        text = any(r == "categorical" for r in left_out.values())
        raise DataError(
            f"dag: column(s) named in '--columns' cannot be used: {what}. Remove "
            f"{'it' if len(left_out) == 1 else 'them'} from --columns"
            + (
                " (text columns must be encoded as numbers in the file)."
                if text
                else "."
            )
        )
    if args.columns is not None and len(args.columns) < 2:
        raise DataError(
            f"dag: '--columns' names {len(args.columns)} column(s) {args.columns}; a "
            "DAG needs at least 2. Name more columns, or leave out --columns to use "
            "every numeric column."
        )
    if args.columns is None:
        usable = [c.name for c in report.columns if c.name not in left_out]
        if len(usable) < 2:
            what = ", ".join(f"{c} ({r})" for c, r in left_out.items()) or "none"
            raise DataError(
                f"dag: {args.file} has {len(usable)} usable numeric column(s) "
                f"{usable}; a DAG needs at least 2. Left out: {what}. Encode text "
                "columns as numbers in the file, or name identifier-like numeric "
                "columns with --columns if they are real measurements."
            )


@dataclasses.dataclass(frozen=True)
class _LeaveOut:
    """Columns whose gaps made ``--missing drop`` drop most rows, and the rest.

    Attributes
    ----------
    gaps : dict of str to int
        The mostly-empty columns, with the cells missing in each (most first).
    keep : list of str
        The other columns used, in order: the ``--columns`` that leave them out.
    n_rows : int
        The rows ``--missing drop`` keeps over ``keep``.
    """

    gaps: dict[str, int]
    keep: list[str]
    n_rows: int

    def phrase(self) -> str:
        """``"column 'e' (297 missing)"``, or ``"columns 'e' (..) and 'b' (..)"``."""
        parts = [f"{c!r} ({k} missing)" for c, k in self.gaps.items()]
        many = len(parts) > 1
        listed = ", ".join(parts[:-1]) + " and " + parts[-1] if many else parts[0]
        return f"column{'s' if many else ''} {listed}"

    def option(self) -> str:
        """The ``--columns`` option that leaves the columns out, shell-quoted."""
        return "--columns " + " ".join(shlex.quote(c) for c in self.keep)


def _columns_to_leave_out(
    frame: Any, names: list[str], record: MatrixRecord
) -> _LeaveOut | None:
    """The few columns to leave out when ``--missing drop`` dropped most rows.

    A column counts when it has gaps (missing or infinite cells) in at least a
    quarter of the rows; up to ``_MAX_LEAVE_OUT`` of them, those with the most
    gaps, are named when at least 2 columns remain and leaving them out keeps
    more than half of the rows. ``None`` when the rows were not mostly dropped
    or no such columns explain it (gaps spread over many columns).
    """
    n_rows = int(record.kept_rows.size + record.dropped_rows.size)
    if record.missing != "drop" or 2 * record.dropped_rows.size <= n_rows:
        return None
    try:  # "mean" counts the gaps of every column: record.imputed
        gaps = to_matrix(frame, columns=names, missing="mean").record.imputed
        most = sorted((g for g in gaps.items() if 4 * g[1] >= n_rows), key=_by_gaps)
        most = most[: min(_MAX_LEAVE_OUT, len(names) - 2)]
        keep = [c for c in names if c not in dict(most)]
        kept = to_matrix(frame, columns=keep, missing="drop").X.shape[0] if most else 0
    except DataError:  # a column constant once rows go, say: no advice
        return None
    if 2 * kept <= n_rows:
        return None
    return _LeaveOut(dict(most), keep, kept)


def _by_gaps(item: tuple[str, int]) -> int:
    return -item[1]


def _note_left_out(leave: _LeaveOut | None, record: MatrixRecord) -> None:
    """Note the columns whose gaps dropped most rows, and how to keep the rows."""
    if leave is None:
        return
    n_left = record.kept_rows.size
    n_rows = n_left + record.dropped_rows.size
    them = "them" if len(leave.gaps) > 1 else "it"
    write_note(
        "dag",
        f"dropping the rows with gaps (--missing drop) kept {n_left} of {n_rows} "
        f"rows, because of the gaps in {leave.phrase()}; {leave.option()} leaves "
        f"{them} out and keeps {leave.n_rows} rows (or --missing mean fills the "
        "gaps in).",
    )


def _check_rows(
    args: argparse.Namespace,
    X: Any,
    record: MatrixRecord,
    leave: _LeaveOut | None = None,
) -> None:
    """Refuse a table with fewer than ``MIN_ROWS`` rows left after ``--missing``,
    naming the file, the rows it has and those dropped, and what to do (``leave``:
    the mostly-empty columns to leave out, when gaps in them dropped the rows)."""
    n_left, n_dropped = X.shape[0], int(record.dropped_rows.size)
    if n_left >= MIN_ROWS:
        return
    n_rows = n_left + n_dropped
    if not n_dropped:
        raise DataError(
            f"dag: {args.file} has {n_rows} data row(s) with values in the columns "
            f"used; learning a DAG needs at least {MIN_ROWS}. Add rows to the file "
            "(a few hundred give meaningful estimates)."
        )
    if leave is not None and leave.n_rows >= MIN_ROWS:
        advice = (
            f"Leave out the {leave.phrase()}: {leave.option()} keeps "
            f"{leave.n_rows} rows; or use --missing mean to fill missing cells with "
            "the column mean."
        )
    elif n_rows >= MIN_ROWS:
        advice = (
            "Use --missing mean to fill missing cells with the column mean, or "
            "choose --columns without missing values."
        )
    else:
        advice = "Add rows to the file (a few hundred give meaningful estimates)."
    raise DataError(
        f"dag: {args.file} has {n_rows} data row(s); dropping the {n_dropped} "
        f"row(s) with missing or infinite values (--missing drop) leaves {n_left} "
        f"row(s); learning a DAG needs at least {MIN_ROWS}. {advice}"
    )


def _file_nodes(data: bytes, columns: tuple[str, ...], path: str) -> set[str]:
    """Node names in these columns of a prior-knowledge CSV, read by the prior
    reader itself (its decoding, delimiters and header in any case); empty if
    it cannot read them."""
    from engine.dag.prior import _read_csv

    try:
        rows = _read_csv(data, columns, path).rows
    except DataError:
        return set()
    return {row.get(c, "").strip() for _, row in rows for c in columns} - {""}


def _read_prior(
    args: argparse.Namespace, names: list[str], report: DataReport
) -> PriorKnowledge:
    """Read ``--forbid`` and ``--tiers`` over the learned columns.

    Each file is checked on its own first, so that its errors name its option
    and path; a node that is not a learned column is an error saying whether it
    was left out, not selected, or is no column at all. What is left are
    conflicts between the two files (a required edge against the tiers). The
    reader's notes on a file (no kind column, no rows, columns not read) are
    queued as notes naming its option and path.
    """
    files = {"--forbid": args.forbid, "--tiers": args.tiers}
    given = {flag: path for flag, path in files.items() if path}
    data = {
        flag: _prior_file(args, flag, path, names, report)
        for flag, path in given.items()
    }
    try:
        return PriorKnowledge.from_csv(
            names, edges=data.get("--forbid"), tiers=data.get("--tiers")
        )
    except DataError as err:
        where = " and ".join(f"'{flag}' {path}" for flag, path in given.items())
        raise type(err)(f"dag: {where}: {_without_owner(err)}") from err


def _prior_file(
    args: argparse.Namespace,
    flag: str,
    path: str,
    names: list[str],
    report: DataReport,
) -> bytes:
    """The bytes of the prior file of ``flag``, checked on their own; the
    reader's notes on it are queued."""
    data = _read(path)
    kind = "edges" if flag == "--forbid" else "tiers"
    try:
        notes = PriorKnowledge.read_csv(names, **{kind: data})[1]
    except DataError as err:
        cols = ("source", "target") if kind == "edges" else ("node",)
        unknown = sorted(_file_nodes(data, cols, path) - set(names))
        if unknown:
            message = _unknown_nodes_message(
                args, path, unknown, names, report, flag, "that file"
            )
            raise DataError(message) from err
        raise type(err)(f"dag: '{flag}' {path}: {_without_owner(err)}") from err
    for note in notes:
        write_note("dag", f"'{flag}' {path}: {note}")
    return data


def _without_owner(err: Exception) -> str:
    """An engine message without its leading ``PriorKnowledge...: ``."""
    head, sep, rest = str(err).partition(": ")
    return rest if sep and head.startswith("PriorKnowledge") else str(err)


def _read_truth(
    args: argparse.Namespace, names: list[str], report: DataReport
) -> GraphData:
    """Read ``--truth`` and align it to the columns the DAG is learned on.

    Nodes that are not among those columns are an error that says why (left out
    for being constant or text, not among ``--columns``, or not a column at all);
    data columns absent from the true graph get a note and no edges.
    """
    where = f"dag: '--truth' {args.truth}"
    try:
        # a headerless d x d matrix of numbers is over the learned columns, in
        # order
        graph = read_graph(args.truth, require_dag=True, matrix_names=names)
    except GraphError as err:
        # the reader names the file alone (its folder dropped): name the flag
        # and the path as given, as the --forbid and --tiers errors do
        own = f"{Path(args.truth).name}: "
        text = str(err).removeprefix(own)
        raise GraphError(f"{where}: {text}") from err
    chosen = set(names)
    unknown = [n for n in graph.nodes if n not in chosen]
    if unknown:
        raise GraphError(
            _unknown_nodes_message(args, args.truth, unknown, names, report)
        )
    missing = [n for n in names if n not in set(graph.nodes)]
    if missing:
        write_note(
            "dag",
            f"'--truth' {args.truth}: the true graph has no node(s) "
            f"{format_names(missing, 20)}; they are treated as having no edges in "
            "the metrics.",
        )
    return align_graph(graph.nodes, graph.adjacency, names, name=args.truth)


def _unknown_nodes_message(
    args: argparse.Namespace,
    label: str,
    unknown: list[str],
    names: list[str],
    report: DataReport,
    flag: str = "--truth",
    what: str = "the true graph",
) -> str:
    """One error line for nodes of ``flag``'s file that are not learned columns.

    Each node is said to be left out of the data (and why), not among the
    selected ``--columns``, or not a column at all, with what to do for each.
    """
    in_table = {c.name for c in report.columns}
    left_out = report.left_out(args.columns)
    unselected = [
        n for n in unknown if n in in_table and args.columns and n not in args.columns
    ]
    dropped = [n for n in unknown if n in left_out and n not in unselected]
    absent = [n for n in unknown if n not in in_table]
    parts = []
    if unselected:
        parts.append(
            f"node(s) {format_names(unselected, 10)} are columns of {args.file} "
            "but not among the selected --columns; add them to --columns or leave "
            f"them out of {what}"
        )
    if dropped:
        why = ", ".join(f"{n} ({left_out[n]})" for n in dropped[:10])
        if len(dropped) > 10:
            why += f", ... and {len(dropped) - 10} more"
        parts.append(
            f"node(s) {why} are columns the dag command left out of the data, so "
            f"no DAG over them can be learned; remove them from {what}"
        )
    if absent:
        parts.append(
            f"node(s) {format_names(absent, 10)} are not columns of {args.file} "
            f"(the DAG is learned on {format_names(names)}); rename them to match "
            "the column names"
        )
    return f"dag: '{flag}' {label}: " + "; ".join(parts) + "."


def _dag_notes(
    report: DataReport,
    missing: str,
    record: MatrixRecord,
    columns: list[str] | None = None,
) -> DataReport:
    """``report`` with its missing-value and identifier notes saying what
    ``dag`` does.

    The reader's notes are written for every command and the app (a label
    column's gaps mark unlabelled rows; an identifier column is chosen in
    'Columns (nodes)'); ``dag`` has no label, drops or fills the rows as
    ``--missing`` says, and uses an identifier column only when ``--columns``
    (``columns``) names it. The note on gaps of a column left out of the
    matrix (constant, say) is kept for
    :func:`engine.commands.write_table_notes`, which says that they change no
    row.
    """
    if missing == "mean":
        what = "dag fills in the column mean (--missing mean)"
    else:
        what = (
            "dag drops those rows (--missing drop); --missing mean fills in the "
            "column mean instead"
        )
    findings = []
    for finding in report.findings:
        if finding.code == "missing_values" and not left_out_reason(
            record, finding.column
        ):
            head = finding.message.removesuffix(MISSING_HANDLING)
            finding = dataclasses.replace(finding, message=f"{head}; {what}.")
        elif finding.code == "identifier_column":
            head = finding.message.split("; it is no feature", 1)[0]
            tail = (
                "dag uses it as a node, as --columns names it"
                if columns is not None and finding.column in columns
                else "dag leaves it out; if it is a measurement, name it in --columns"
            )
            finding = dataclasses.replace(finding, message=f"{head}; {tail}.")
        findings.append(finding)
    return dataclasses.replace(report, findings=tuple(findings))


def _data_preparation(
    args: argparse.Namespace, names: list[str], prior: PriorKnowledge | None
) -> dict[str, Any]:
    """How the fit's matrix was made, in the shape of the app's Result JSON.

    ``prior_knowledge`` holds the ``--forbid`` file's ``forbidden`` and
    ``required`` edges as ``[source, target]`` and the ``--tiers`` file's tiers
    by node (empty without the files), as the app's
    ``data_preparation.prior_knowledge``.
    """
    known: dict[str, Any] = {"forbidden": [], "required": [], "tiers": {}}
    if prior is not None:
        given = prior.to_dict()
        known = {
            "forbidden": given["forbidden"],
            "required": given["required"],
            "tiers": given["tiers"] or {},
        }
    return {
        "data_set": args.file,
        "columns": list(names),
        "missing_values": args.missing,
        "scaling": "standardize" if args.standardize else "none",
        "prior_knowledge": known,
    }


def long_fit_note(args: argparse.Namespace, n_rows: int, n_columns: int) -> list[str]:
    """What the fit will cost, in the command's words, when the Causal discovery
    page would warn before it.

    The page warns when :func:`engine.dag.permutahedron.cost_warning` does (the
    low end of :func:`~engine.dag.permutahedron.fit_seconds` over 10 s); the
    command then says the same range and how to shorten the fit with its own
    options. Other methods have no estimate, and get no note.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (``--method``, ``--option``, ``--max-iter``,
        ``--bootstrap``), already checked.
    n_rows, n_columns : int
        The shape of the matrix the DAG is learned from.

    Returns
    -------
    list of str
        Two note lines (what the fit costs, how to shorten it), or none.
    """
    if args.method != "permutahedron":
        return []
    options = _parse_options(args.method, args.option)
    _merge_max_iter(args, options)
    config = make_config(args.method, None, **options)
    if cost_warning(n_rows, n_columns, config) is None:
        return []
    seconds = fit_seconds(n_rows, n_columns, config)
    assert seconds is not None  # cost_warning warns only with an estimate
    refits = ""
    if args.bootstrap:
        refits = f", and each of the --bootstrap {args.bootstrap} refits as long again"
    epochs = (
        f"up to --max-iter {config.max_iter} epochs, fewer when training stops early"
    )
    if not config.patience:
        epochs = f"all --max-iter {config.max_iter} epochs: early stopping is off"
    return [
        f"a long fit: {n_columns} columns and {n_rows} rows; expect about "
        f"{duration_range(*seconds)} on one CPU core ({epochs}){refits}.",
        f"to shorten it, {_shorter_fit(config, n_columns)}; Ctrl-C ends the command "
        "without a result.",
    ]


def _shorter_fit(config: PermutahedronConfig, n_columns: int) -> str:
    """The options that shorten a fit with ``config``, in command-line words."""
    if config.edge_model == "mlp":
        return (
            f"lower --max-iter or --option hidden (now {config.hidden}), use "
            "--option edge_model=linear, or choose fewer --columns or rows"
        )
    how = (
        "choose fewer --columns, lower --max-iter or --option n_orderings (now "
        f"{config.n_orderings})"
    )
    if not config.polish:
        return how.replace(", lower", ", or lower")
    if polish_reach_used(n_columns, config.polish_reach) > 1:
        return f"{how}, or pass --option polish_reach=1 or --option polish=false"
    return f"{how}, or pass --option polish=false"


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit status."""
    _check_args(args)
    options = _parse_options(args.method, args.option)
    _merge_max_iter(args, options)
    frame, report = read_table(args.file, header=header_of(args))
    _check_columns(args, report)
    X, names, record = to_matrix(
        frame,
        columns=args.columns,
        missing=args.missing,
        scale="standardize" if args.standardize else "none",
    )
    notes = _dag_notes(report, args.missing, record, args.columns)
    write_table_notes("dag", notes, record, columns=args.columns)
    leave = _columns_to_leave_out(frame, names, record)
    _check_rows(args, X, record, leave)
    _note_left_out(leave, record)
    prior = _read_prior(args, names, report) if args.forbid or args.tiers else None
    # read the true graph before the fit, so that a bad file costs no fit
    truth = _read_truth(args, names, report) if args.truth else None
    make_config(args.method, None, **options)  # option ranges, before any note
    check_device("dag", args.device)
    for line in long_fit_note(args, *X.shape):
        write_note("dag", line)
    flush_notes()  # the input is checked: tell what was changed before the fit
    result = learn_dag(
        X,
        args.method,
        prior=prior,
        seed=args.seed,
        device=args.device,
        node_names=names,
        progress=progress_log(logger),
        **options,
    )
    out: dict[str, Any] = {
        "nodes": list(result.node_names),
        "edges": result.edge_records(),  # as the result's own JSON lists them
        # rows are sources, columns targets; null for a method without them
        "edge_probabilities": _probabilities(result),
        "method": result.method,
        "seed": result.seed,
        "device": result.device,
        "options": result.config,
        "standardized": bool(args.standardize),
        "elapsed_s": result.elapsed_s,
        "data_preparation": _data_preparation(args, names, prior),
    }
    if args.bootstrap:
        # its note on the matrix's columns repeats learn_dag's: the CLI shows one
        boot = _bootstrap(args, X, names, prior, result.seed, options)
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
            # node pairs whose direction the score leaves open: their
            # edge_frequency directions are resampling noise
            "unoriented_edges": [list(pair) for pair in boot.unoriented_edges],
            "elapsed_s": boot.elapsed_s,
        }
    if truth is not None:
        out["metrics"] = compare_graphs(truth.adjacency != 0, result.adjacency)
        out["metric_conventions"] = METRIC_CONVENTIONS
    if args.out:
        # the summary keys on top of the full result: DagResult.from_json loads
        # the file (it reads its own fields and skips the others); the edge
        # probabilities stay the summary's plain matrix, which it loads too
        full = {**out, **result.to_dict()}
        full["edge_probabilities"] = out["edge_probabilities"]
        write_out(args.out, dumps_strict(full, indent=2))
    else:
        sys.stdout.write(dumps_strict(out, indent=2) + "\n")
    return 0


def _bootstrap(
    args: argparse.Namespace,
    X: Any,
    names: list[str],
    prior: PriorKnowledge | None,
    seed: int,
    options: dict[str, Any],
) -> BootstrapResult:
    """:func:`bootstrap_dag` with the command's options."""
    return bootstrap_dag(
        X,
        args.method,
        n_boot=args.bootstrap,
        threshold=args.threshold,
        executor=args.executor,
        n_workers=args.workers,
        prior=prior,
        seed=seed,
        device="cpu" if args.device == "auto" else args.device,
        node_names=names,
        progress=progress_log(logger),
        **options,
    )


def _probabilities(result: DagResult) -> list[list[float]] | None:
    """``result.edge_probabilities`` as nested lists (row = source), or None."""
    p = result.edge_probabilities
    return None if p is None else p.tolist()
