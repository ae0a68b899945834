"""``python -m engine graph``: learn a graph for node classification (LDS)."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import warnings
from typing import Any

from engine.commands import (
    add_fit_anyway_option,
    add_header_option,
    check_in_file,
    check_label,
    check_out,
    check_readable,
    flush_notes,
    header_of,
    in_flag_words,
    progress_log,
    refuse_repeats,
    write_note,
    write_out,
    write_table_notes,
)
from engine.errors import (
    ConfigError,
    DataError,
    DataWarning,
    GraphError,
    format_names,
)
from engine.graphs.config import BASELINES
from engine.results import dumps_strict
from engine.runtime import duration_range, duration_words

logger = logging.getLogger(__name__)

N_TRAIN = 10
"""``--n-train`` when not given."""
N_VAL = 20
"""``--n-val`` when not given."""
K = 10
"""``--k`` when not given."""
METRIC = "cosine"
"""``--metric`` when not given."""
NO_BASELINES = "none"
"""``--baselines`` that asks for no baselines (the default)."""
# the options' names in the messages of LdsConfig, resolve_device, resolve_seed
_FLAGS = {
    "k": "--k",
    "metric": "--metric",
    "tau": "--tau",
    "outer_lr": "--outer-lr",
    "max_outer_iter": "--max-outer-iter",
    "features": "--features",
    "device": "--device",
    "seed": "--seed",
}


def register(subparsers: Any) -> None:
    """Add the ``graph`` subcommand."""
    parser = subparsers.add_parser(
        "graph",
        help="learn a graph for node classification with LDS",
        description=(
            "Learn edge probabilities and a GCN for the rows of a table (nodes) "
            "with LDS. Rows whose label is empty are unlabelled. Prints a JSON "
            "summary with test_accuracy, val_accuracy (all validation nodes, the "
            "same ones for LDS and every baseline) and es_accuracy (LDS's "
            "early-stopping half of them)."
        ),
    )
    refuse_repeats(parser)
    parser.add_argument("file", help="CSV table, one row per node")
    add_header_option(parser)
    parser.add_argument("--target", required=True, help="label column")
    parser.add_argument(
        "--graph",
        help="edge-list file (source,target) of row names (the --index column's "
        "values) or 0-based rows, its two nodes separated by a comma, a semicolon, "
        "a tab or blanks (Cora's .cites, SNAP and KONECT edge lists; '# ' and '%% ' "
        "comment lines at the top are skipped). Numbers that an identifier "
        "column of the table holds (IDs) are read as its values, even when all "
        "are 0-based rows too (an edge list most likely uses the table's IDs; a "
        "note says so): --graph-rows reads them as rows",
    )
    parser.add_argument(
        "--graph-rows",
        action="store_true",
        help="read the --graph edge list's numbers as 0-based rows, even where "
        "an identifier column holds them (not with --index)",
    )
    parser.add_argument(
        "--index",
        metavar="COLUMN",
        help="column whose values name the rows (nodes), e.g. for a --graph edge "
        "list of names; its values must be distinct, and it is no feature. "
        "Without it, an edge list of names uses the one column that holds at "
        "least 90%% of the names it uses (a note says which)",
    )
    parser.add_argument(
        "--k",
        type=int,
        default=None,
        help=f"neighbours of the kNN graph ({K}; not with --graph)",
    )
    parser.add_argument(
        "--metric",
        choices=["cosine", "euclidean"],
        default=None,
        help=f"distance of the kNN graph ({METRIC}; not with --graph)",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed (drawn if unset)")
    parser.add_argument(
        "--out",
        metavar="FILE.json",
        help="write the full result as JSON here (engine.GraphResult.from_json "
        "loads it)",
    )
    parser.add_argument(
        "--protocol",
        choices=["wine", "breast_cancer", "digits"],
        help="use the LDS paper's split sizes for this data set",
    )
    parser.add_argument(
        "--n-train",
        type=int,
        default=None,
        help=f"labelled nodes ({N_TRAIN}; not with --protocol)",
    )
    parser.add_argument(
        "--n-val",
        type=int,
        default=None,
        help=f"validation nodes, halved ({N_VAL}; not with --protocol)",
    )
    parser.add_argument("--tau", type=int, default=5)
    parser.add_argument("--outer-lr", type=float, default=1.0)
    parser.add_argument("--max-outer-iter", type=int, default=100)
    parser.add_argument(
        "--features",
        choices=["standardize", "none", "row_normalize"],
        default="standardize",
    )
    parser.add_argument(
        "--baselines",
        default=NO_BASELINES,
        help="methods scored next to LDS: a comma-separated subset of "
        f"{list(BASELINES)}, or '{NO_BASELINES}' (the default) for none",
    )
    parser.add_argument("--device", default="auto")
    add_fit_anyway_option(parser)
    parser.set_defaults(func=run)


def _check_args(args: argparse.Namespace) -> None:
    """Refuse contradictory options and unusable files before any work; fill in
    the defaults of the kNN options."""
    sizes = (("--n-train", args.n_train), ("--n-val", args.n_val))
    given = [flag for flag, value in sizes if value is not None]
    if args.protocol and given:
        raise ConfigError(
            f"graph: '--protocol {args.protocol}' fixes the split sizes, and "
            f"{' and '.join(repr(g) for g in given)} set them too; give one or "
            "the other."
        )
    _check_knn(args)
    _check_rows(args)
    args.baselines = parse_baselines(args.baselines)
    _check_options(args)
    check_readable("graph", "the input table", args.file)
    check_in_file("graph", "--graph", args.graph)
    inputs = {"the input table": args.file, "the '--graph' file": args.graph}
    check_out("graph", args.out, inputs)


def _check_knn(args: argparse.Namespace) -> None:
    """Refuse ``--k`` and ``--metric`` with ``--graph`` (no kNN graph is built
    then: the given graph is the initial graph, for LDS and every baseline);
    fill in their defaults otherwise."""
    knn = (("--k", args.k), ("--metric", args.metric))
    given = [f"'{flag} {value}'" for flag, value in knn if value is not None]
    if args.graph and given:
        one = len(given) == 1
        raise ConfigError(
            f"graph: {' and '.join(given)} {'sets' if one else 'set'} the kNN "
            f"graph, and '--graph' {args.graph!r} gives the initial graph, so no "
            f"kNN graph is built; drop {'it' if one else 'them'} or --graph."
        )
    args.k = K if args.k is None else args.k
    args.metric = METRIC if args.metric is None else args.metric


def _check_rows(args: argparse.Namespace) -> None:
    """Refuse ``--graph-rows`` without ``--graph`` or with ``--index``."""
    if not args.graph_rows:
        return
    if not args.graph:
        raise ConfigError(
            "graph: '--graph-rows' says how to read the '--graph' edge list, and "
            "no --graph is given; drop it or give --graph EDGES.csv."
        )
    if args.index:
        raise ConfigError(
            f"graph: '--graph-rows' reads the edge list as 0-based rows, and "
            f"'--index {args.index}' as that column's values; give one or the other."
        )


def parse_baselines(text: str) -> tuple[str, ...]:
    """The baselines ``--baselines`` asks for.

    Parameters
    ----------
    text : str
        ``"none"`` (or empty) for none, else a comma-separated subset of
        :data:`engine.graphs.BASELINES`.

    Returns
    -------
    tuple of str
        The baselines, in the order given; empty for none.

    Raises
    ------
    ConfigError
        A name is not a baseline, or ``none`` comes with others; the message
        names ``--baselines``, the value and the choices.
    """
    names = [b.strip() for b in text.split(",") if b.strip()]
    if names == [NO_BASELINES]:
        return ()
    if any(name not in BASELINES for name in names):
        raise ConfigError(
            f"graph: '--baselines' must be '{NO_BASELINES}' or a comma-separated "
            f"subset of {list(BASELINES)}; got {text!r}."
        )
    return tuple(names)


# the command's options that are LdsConfig fields, under the same names
_LDS_OPTIONS = (
    "k",
    "metric",
    "tau",
    "outer_lr",
    "max_outer_iter",
    "features",
    "baselines",
)


def _lds_options(args: argparse.Namespace) -> dict[str, Any]:
    """The LDS options of the command line, as ``learn_graph`` keywords."""
    return {name: getattr(args, name) for name in _LDS_OPTIONS}


def _check_options(args: argparse.Namespace) -> None:
    """Refuse the fit's option values before the table is read, each error
    naming the option's flag (``graph: '--tau' must be ...``), as ``dag`` and
    ``explain`` do, rather than the engine's parameter (``LdsConfig: 'tau'``)."""
    from engine.graphs import LdsConfig
    from engine.runtime import resolve_device, resolve_seed

    try:
        LdsConfig(**_lds_options(args))
        resolve_device(args.device)
        if args.seed is not None:
            resolve_seed(args.seed)
    except ConfigError as err:
        raise type(err)(_with_flags(str(err))) from err


def _with_flags(message: str) -> str:
    """An engine message about the fit's options, as the ``graph`` command's:
    its owner (``LdsConfig:``) replaced by ``graph:``, parameters by flags."""
    text = message.replace("device='cpu' or device='auto'", "--device cpu or auto")
    return in_flag_words("graph", text, _FLAGS)


def _check_sizes(args: argparse.Namespace, y: Any) -> None:
    """Refuse split sizes that the labelled rows cannot hold, and a kNN
    ``--k`` not below the rows, in the table's words and with sizes that
    would work (:func:`engine.graphs.split_sizes_that_fit`)."""
    from engine.graphs import PAPER_SPLIT_SIZES, split_sizes_that_fit
    from engine.graphs.splits import MIN_LABELLED

    n_labelled = int(y.notna().sum())
    if n_labelled >= MIN_LABELLED:  # fewer: make_split says so
        asked = PAPER_SPLIT_SIZES[args.protocol] if args.protocol else _sizes(args)
        fit = split_sizes_that_fit(n_labelled, *asked)
        if min(asked) >= 2 and sum(asked) >= n_labelled:
            raise ConfigError(_too_few_rows(args, n_labelled, asked, fit))
    if args.graph is None and args.k >= len(y):
        raise ConfigError(
            f"graph: '--k' is {args.k}, but the table has only {len(y)} rows "
            "(nodes), and k must be smaller; choose --k "
            f"{len(y) - 1} or less, or give the initial graph with --graph."
        )


def _too_few_rows(
    args: argparse.Namespace,
    n_labelled: int,
    asked: tuple[int, int],
    fit: tuple[int, int],
) -> str:
    """The error for split sizes that leave no labelled row to test on."""
    sizes = f"--n-train {fit[0]} --n-val {fit[1]}"
    if args.protocol:
        what = (
            f"'--protocol {args.protocol}' ({asked[0]} training and {asked[1]} "
            "validation nodes)"
        )
        advice = f"drop --protocol and pass {sizes}"
    else:
        defaults = args.n_train is None and args.n_val is None
        what = f"--n-train {asked[0]} and --n-val {asked[1]}"
        what += " (the defaults)" if defaults else ""
        advice = f"{sizes} would fit"
    return (
        f"graph: the table has only {n_labelled} labelled rows, too few for "
        f"{what} with a row left to test on; {advice}."
    )


def _sizes(args: argparse.Namespace) -> tuple[int, int]:
    """``--n-train`` and ``--n-val``, their defaults where not given."""
    return (
        N_TRAIN if args.n_train is None else args.n_train,
        N_VAL if args.n_val is None else args.n_val,
    )


def _split(args: argparse.Namespace, y: Any, seed: int) -> Any:
    """``make_split`` with ``--n-train`` and ``--n-val``, its errors naming them."""
    from engine.graphs import make_split

    n_train, n_val = _sizes(args)
    try:
        return make_split(y, n_train, n_val, seed=seed)
    except (ConfigError, DataError) as err:
        why = str(err).removeprefix("make_split: ")
        why = why.replace("n_train", "--n-train").replace("n_val", "--n-val")
        raise ConfigError(f"graph: {why}") from err


def _read_edges(path: str) -> Any:
    """``read_edge_list(path)``, its errors (and an empty cell's) naming
    ``--graph``."""
    from engine.graphs import read_edge_list, refuse_empty_cells

    try:
        edges = read_edge_list(path)
        # before the cells are matched to a column: an empty one read as 'nan'
        refuse_empty_cells(edges)
    except GraphError as err:
        why = str(err).removeprefix("read_edge_list: ")
        why = why.removeprefix("adjacency_from_edges: ")
        raise GraphError(f"graph: '--graph' {path!r}: {why}") from err
    return edges


def _edge_adjacency(
    path: str, edges: Any, names: list[str], column: str | None, picked: bool
) -> Any:
    """The adjacency of the ``--graph`` edge list over the nodes ``names``,
    with a note per kind of row left out; errors name ``--graph``.
    ``column`` (given as --index, or ``picked`` by :func:`_names_column`)
    names the rows: the list must use its values, never 0-based row positions;
    an error says which column that is, and whether it was picked."""
    from engine.graphs import NAME_SHARE, adjacency_from_edges, describe_edge_list

    kw = {
        "node_names": names,
        "positions": column is None,
        "names_from": _names_from(column, picked),
        "rows_how": "pass --graph-rows"
        if picked
        else "pass --graph-rows (not --index)",
    }
    try:
        _, edge_notes = describe_edge_list(edges, len(names), **kw)
    except GraphError as err:
        why = str(err).removeprefix("adjacency_from_edges: ")
        if picked:
            why += (
                f" Column {column!r} was picked because its values make up at "
                f"least {NAME_SHARE:.0%} of the list's cells; if another column "
                "names the rows, pass --index COLUMN."
            )
        raise GraphError(f"graph: '--graph' {path!r}: {why}") from err
    for line in edge_notes:
        write_note("graph", f"--graph: {line}")
    # said above in the option's words: the library would say it again
    return adjacency_from_edges(edges, len(names), **kw)


def _names_from(column: str | None, picked: bool) -> str:
    """Where the node names of the ``--graph`` edge list come from, in words."""
    if column is None:
        return "the values of a column given with --index"
    if picked:
        return f"the values of column {column!r}, picked automatically"
    return f"the values of the --index column {column!r}"


def _names_column(
    frame: Any, edges: Any, args: argparse.Namespace, identifiers: list[str]
) -> str | None:
    """The column that names the nodes of an edge list of names, if one does.

    An identifier column holding the list's cells names the nodes, even when
    they are all 0-based rows too (:func:`engine.graphs.edge_names_columns`,
    the Learn-a-graph page's rule; ``--graph-rows`` reads them as rows). Else
    an edge list of whole numbers that all are 0-based rows of the table is
    one of rows (a note names a column that also holds those numbers); one
    with a number beyond the rows is one of names, as a list of text is.

    Parameters
    ----------
    frame : DataFrame
        The table as read.
    edges : DataFrame or None
        The ``--graph`` edge list (strings).
    args : Namespace
        The command line (``--target``, never taken; ``--graph``,
        ``--graph-rows``).
    identifiers : list of str
        The table's identifier columns, as the reader found them.

    Returns
    -------
    str or None
        The only identifier column, else (for a list not of 0-based rows) the
        only column, with distinct values that holds at least
        :data:`engine.graphs.knn.NAME_SHARE` of the cells of ``edges``;
        ``None`` without an edge list, with ``--graph-rows``, for one of
        0-based rows, or when no column of a list holding text qualifies.

    Raises
    ------
    ConfigError
        Several columns qualify: ``--index`` must choose; or the column that
        holds the names repeats some (:func:`_refuse_repeated_names`).
    GraphError
        The list holds whole numbers beyond the rows and no column holds
        them (:func:`_not_rows`); or it holds text, and the column holding
        most of its cells lacks some (:func:`_refuse_unknown_names`).
    """
    from engine.graphs import edge_names_columns

    if edges is None:
        return None
    cells = _cells(edges)
    if not cells or args.graph_rows:
        return None
    ids = [c for c in identifiers if c != args.target]
    found = edge_names_columns(frame, cells, ids)
    if not found:
        if _are_rows(cells, len(frame)):
            _note_row_numbers(frame, cells, args)
            return None
        found = _columns_holding(frame, cells, args.target)
    if len(found) > 1:
        raise ConfigError(
            f"graph: '--graph' {args.graph!r} names its nodes by values found in "
            f"several columns, {format_names(found)}; pass --index COLUMN to say "
            "which column names the rows."
        )
    if found:
        return found[0]
    _refuse_repeated_names(frame, cells, args)
    if all(_is_whole(v) for v in cells):
        raise _not_rows(frame, cells, args)
    _refuse_unknown_names(frame, edges, cells, args)
    return None


def _cells(edges: Any) -> list[str]:
    """The source and target cells of an edge list, row by row, as the node
    names they refer to (``100.0`` as ``100``)."""
    from engine.graphs import edge_cell_name

    return [edge_cell_name(v) for v in edges.iloc[:, :2].to_numpy().ravel()]


def _are_rows(cells: list[str], n_rows: int) -> bool:
    """Whether every cell is a whole number in ``[0, n_rows - 1]``."""
    return all(_is_whole(v) and 0 <= float(v) < n_rows for v in cells)


def _columns_holding(frame: Any, cells: list[str], target: str) -> list[str]:
    """The columns (not ``target``) of distinct values that hold at least
    :data:`engine.graphs.NAME_SHARE` of ``cells``."""
    from engine.graphs import NAME_SHARE, name_share

    return [
        str(c)
        for c in frame.columns
        if str(c) != target
        and frame[c].is_unique
        and name_share(cells, frame[c]) >= NAME_SHARE
    ]


def _note_row_numbers(frame: Any, cells: list[str], args: argparse.Namespace) -> None:
    """Say that an edge list of 0-based rows is read as such though a column of
    the table holds its numbers as values of other rows (its IDs 1, 2, ...,
    say): read as that column's values, the edges would join other nodes."""
    from engine.graphs import node_name

    others = []
    for column in _columns_holding(frame, cells, args.target):
        row_of = {node_name(v): i for i, v in enumerate(frame[column]) if v == v}
        if any(row_of.get(v, int(float(v))) != int(float(v)) for v in cells):
            others.append(column)
    if not others:
        return
    flag = f"--index {shlex.quote(others[0])}" if len(others) == 1 else "--index COLUMN"
    write_note(
        "graph",
        f"--graph: the edge list's numbers are read as 0-based rows (all lie in "
        f"[0, {len(frame) - 1}]); column(s) {format_names(others)} hold them too, "
        f"as the names of other rows: if the list uses those names, pass {flag}.",
    )


def _not_rows(frame: Any, cells: list[str], args: argparse.Namespace) -> GraphError:
    """The error for an edge list of whole numbers, some beyond the table's rows,
    of which no column holds enough: it names the first such cell, and the column
    holding most of the numbers (for ``--index``) if one holds any."""
    from engine.graphs import NAME_SHARE, name_share

    last = len(frame) - 1
    at = next(i for i, v in enumerate(cells) if not 0 <= float(v) <= last)
    end = "source" if at % 2 == 0 else "target"
    shares = {
        str(c): name_share(cells, frame[c])
        for c in frame.columns
        if str(c) != args.target
    }
    best = max(shares, key=shares.__getitem__, default=None)
    if best is not None and shares[best] > 0:
        what = (
            f"column {best!r} holds the most of them ({shares[best]:.0%} of the "
            f"list's cells); if its values name the rows, pass --index "
            f"{shlex.quote(best)} (every cell must then be one of them)"
        )
    else:
        what = (
            f"use 0-based rows in [0, {last}], or add a column naming the rows by "
            "the list's numbers and pass --index COLUMN"
        )
    return GraphError(
        f"graph: '--graph' {args.graph!r}: {end} node {cells[at]!r} on edge row "
        f"{at // 2} (0-based, a header line not counted) is no 0-based row of the "
        f"table ([0, {last}]), and no column holds at least {NAME_SHARE:.0%} of "
        f"the list's numbers to name the rows; {what}."
    )


def _refuse_unknown_names(
    frame: Any, edges: Any, cells: list[str], args: argparse.Namespace
) -> None:
    """Refuse an edge list that is no list of 0-based rows, of which no column
    holds enough cells to name the rows, naming the cells that the column
    holding the most of them lacks.

    Read by row numbers, such a list was refused for its first cell that is no
    number, "source node 'n0' ... is neither a node name nor an integer
    index", though ``n0`` names a row and ``n99`` was the typo.

    Raises
    ------
    GraphError
        A column other than ``--target``, of distinct values, holds some of
        the cells (under :data:`engine.graphs.NAME_SHARE` of them): the cells
        it lacks, with their rows, and that column's share. Nothing is raised
        when no column holds any cell (the list is then read as 0-based rows).
    """
    from engine.graphs import NAME_SHARE, unknown_names

    lacking = unknown_names(
        frame, edges, cells, skip=[args.target], rows_how="pass --graph-rows"
    )
    if lacking is None:
        return
    column, share, why = lacking
    raise GraphError(
        f"graph: '--graph' {args.graph!r}: {why} No column was picked to name "
        f"the rows: column {column!r} holds {share:.0%} of the list's cells, "
        f"under the {NAME_SHARE:.0%} needed; once these rows are corrected it "
        f"is picked, or pass --index {shlex.quote(column)}."
    )


def _is_whole(text: str) -> bool:
    try:
        return float(text) == int(float(text))
    except (TypeError, ValueError, OverflowError):
        return False


def _indexed(
    frame: Any, column: str, args: argparse.Namespace, cells: list[str]
) -> Any:
    """``frame`` with ``column`` as its index (the node names), checked; a note
    says why, when it was picked for the edge list of ``cells``."""
    if column not in frame.columns:
        raise ConfigError(
            f"graph: '--index' {column!r} is not a column of the table; columns "
            f"are {format_names([str(c) for c in frame.columns])}."
        )
    if column == args.target:
        raise ConfigError(
            f"graph: '--index' {column!r} is the label column '--target'; choose "
            "the column that names the rows."
        )
    values = frame[column]
    if values.isna().any() or not values.is_unique:
        from engine.graphs import repeated_names

        # each repeated name once: a name on three rows was listed twice
        why = (
            "has empty cells"
            if values.isna().any()
            else f"repeats {format_names(repeated_names(values), 3)}"
        )
        raise ConfigError(
            f"graph: '--index' {column!r} {why}; node names must be distinct and "
            "present in every row. Choose another column, or leave out --index to "
            "number the rows 0, 1, 2, ..."
        )
    if not args.index:
        _note_picked(frame, column, cells)
    return frame.set_index(column)


def _note_picked(frame: Any, column: str, cells: list[str]) -> None:
    """Say that ``column`` was picked to name the rows of the edge list of
    ``cells``, and why; nothing when its values are the row numbers that the
    cells are (either reading gives the same graph)."""
    from engine.graphs import ids_differ_from_rows

    why = "the only column holding most names it uses"
    rows = f"[0, {len(frame) - 1}]"
    other = "pass --index COLUMN to choose another"
    if ids_differ_from_rows(frame[column], cells):
        why = (
            f"an identifier column holding most names it uses; its numbers are "
            f"0-based rows too, all in {rows}, but a table's IDs are what an edge "
            "list most likely refers to"
        )
        other = "pass --graph-rows to read them as 0-based rows, or --index COLUMN"
    elif _are_rows(cells, len(frame)):
        return  # the IDs are the row numbers: both readings agree
    elif all(_is_whole(v) for v in cells):
        why += "; its numbers are no 0-based rows, some lying beyond the last row"
    write_note(
        "graph",
        f"--graph: the edge list names rows by the values of column {column!r} "
        f"({why}); {other}.",
    )


def _refuse_repeated_names(
    frame: Any, cells: list[str], args: argparse.Namespace
) -> None:
    """Refuse an edge list of names found in a column that repeats some.

    :func:`_names_column` takes only columns of distinct values, so such a list
    was refused as one of unknown nodes, without a word on the repeats.

    Raises
    ------
    ConfigError
        A column other than ``--target`` holds most of ``cells`` (the edge
        list's) and gives one name to several rows.
    """
    from engine.graphs import repeated_name_column

    found = repeated_name_column(frame, cells, skip=[args.target])
    if found is not None:
        column, repeated = found
        raise ConfigError(
            f"graph: '--graph' {args.graph!r} names its nodes by the values of "
            f"column {column!r}, but {len(repeated)} of them name more than one "
            f"row: {format_names(repeated, 5)}; node names must be distinct. Give "
            "every row its own name in that column, or use an edge list of 0-based "
            "rows."
        )


def _in_graph_words(report: Any, index: str | None) -> Any:
    """``report`` with its identifier-column notes in this command's words
    (they named --columns and the Explain page, which ``graph`` has not)."""
    from dataclasses import replace

    findings = []
    for finding in report.findings:
        if finding.code == "identifier_column" and finding.column == index:
            continue  # the node names, as asked
        if finding.code == "identifier_column":
            head = finding.message.split("; it is no feature", 1)[0]
            name = shlex.quote(str(finding.column))
            finding = replace(
                finding,
                message=f"{head}; it is no feature. If its values name the rows, "
                f"--index {name} makes them the node names (for a --graph edge "
                "list of names).",
            )
        findings.append(finding)
    return replace(report, findings=tuple(findings))


def long_fit_note(args: argparse.Namespace, n_nodes: int) -> list[str]:
    """What the fit will cost, in the command's words, when the Learn-a-graph
    page would warn before it (the low end of
    :func:`engine.graphs.estimate_seconds` over
    :data:`engine.graphs.LONG_FIT_S`).

    Parameters
    ----------
    args : argparse.Namespace
        The command line as :func:`run` has it once checked (``--baselines``
        parsed into a tuple).
    n_nodes : int
        Rows of the table (nodes), labelled or not.

    Returns
    -------
    list of str
        Two note lines (what the fit costs, how to shorten it), or none.
    """
    from engine.graphs import (
        LONG_FIT_S,
        LdsConfig,
        baseline_seconds,
        estimate_seconds,
        outer_iterations,
        outer_seconds,
    )

    config = LdsConfig(**_lds_options(args))
    low, high = estimate_seconds(n_nodes, config)
    if low <= LONG_FIT_S:
        return []
    few, many = outer_iterations(config)
    runs = f"{few} to {many}" if few < many else f"{many}"
    extra = baseline_seconds(n_nodes, config)
    baselines = f", then the baselines (about {duration_words(extra)})" if extra else ""
    drop = ", drop --baselines" if config.baselines else ""
    return [
        f"a long fit: {n_nodes} nodes; expect about {duration_range(low, high)} on "
        f"one CPU core ({runs} outer iterations of about "
        f"{duration_range(*outer_seconds(n_nodes, config))} each, up to "
        "--max-outer-iter "
        f"{config.max_outer_iter}{baselines}).",
        f"to shorten it, lower --max-outer-iter{drop} or use a table with fewer "
        "rows (the time grows with the square of the nodes); Ctrl-C ends the "
        "command without a result.",
    ]


def run(args: argparse.Namespace) -> int:
    """Run the fit and print the summary; return the exit status."""
    from engine.data import read_table
    from engine.graphs import learn_graph
    from engine.graphs.knn import node_name
    from engine.graphs.task import table_inputs_record
    from engine.validation import class_label_warning

    _check_args(args)
    frame, report = read_table(args.file, header=header_of(args))
    edges = _read_edges(args.graph) if args.graph else None
    identifiers = [c.name for c in report.columns if c.kind == "identifier"]
    index = args.index or _names_column(frame, edges, args, identifiers)
    if index is not None:
        frame = _indexed(frame, index, args, [] if edges is None else _cells(edges))
    X, y, record = table_inputs_record(frame, args.target)
    check_label("graph", frame, y, args, "fit")
    _check_sizes(args, y)
    write_table_notes("graph", _in_graph_words(report, index), record)
    suspect = class_label_warning(y, args.target)
    if suspect:
        write_note("graph", f"--target: {suspect}; every value becomes its own class")
    seed = args.seed
    from engine.runtime import resolve_seed

    seed = resolve_seed(seed)
    split = args.protocol or _split(args, y.to_numpy(), seed)
    graph = edges
    if graph is not None:
        names = [node_name(v) for v in X.index]
        picked = index is not None and not args.index
        graph = _edge_adjacency(args.graph, graph, names, index, picked)
    for line in long_fit_note(args, len(X)):
        write_note("graph", line)
    flush_notes()  # the input is checked: tell what was changed before the fit
    with warnings.catch_warnings():
        if suspect:  # said above, naming --target: not again from the library
            warnings.filterwarnings(
                "ignore", "learn_graph: the label column ", DataWarning
            )
        result = learn_graph(
            X,
            y.to_numpy(),
            split=split,
            graph=graph,
            seed=seed,
            device=args.device,
            progress=progress_log(logger),
            **_lds_options(args),
        )
    if args.out:
        write_out(args.out, result.to_json())
    summary = {
        "test_accuracy": result.test_accuracy,
        "val_accuracy": result.val_accuracy,
        "es_accuracy": result.es_accuracy,
        "seed": result.seed,
        "device": result.device,
        "n_nodes": result.n_nodes,
        "expected_edges": result.expected_edges,
        "homophily_initial": result.homophily_initial,
        "homophily_learned": result.homophily_learned,
        "n_outer_iter": result.n_outer_iter,
        "baselines": {k: v["test_accuracy"] for k, v in result.baselines.items()},
        "elapsed_s": result.timings.get("total"),
    }
    # strict JSON: a missing number (e.g. the homophily of an empty initial
    # graph) is null, not NaN
    sys.stdout.write(dumps_strict(summary) + "\n")
    return 0
