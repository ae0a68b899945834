"""Input graphs for LDS: k-nearest-neighbour graphs and edge lists.

All graphs here are undirected, stored as a symmetric boolean adjacency of shape
(n_nodes, n_nodes) with an empty diagonal.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.metrics import pairwise_distances_chunked

from engine.data import (
    GRAPH_SEPARATOR_WORDS,
    check_text_bytes,
    decode_text,
    graph_cells,
    graph_frame,
    graph_separator,
    is_graph_comment,
    skip_graph_comments,
    split_graph_cells,
)
from engine.errors import (
    ConfigError,
    DataError,
    GraphError,
    check_choice,
    format_names,
    plain,
)
from engine.validation import label_text

__all__ = [
    "NAME_SHARE",
    "adjacency_from_edges",
    "closest_name_column",
    "describe_edge_list",
    "edge_cell_name",
    "edge_names_columns",
    "edges_from_adjacency",
    "ids_differ_from_rows",
    "knn_graph",
    "name_share",
    "node_name",
    "read_edge_list",
    "refuse_empty_cells",
    "repeated_name_column",
    "repeated_names",
    "unknown_names",
]

Metric = Literal["cosine", "euclidean"]
Symmetrize = Literal["or", "and", "upper"]


def knn_graph(
    X: np.ndarray,
    k: int = 10,
    *,
    metric: Metric = "cosine",
    symmetrize: Symmetrize = "or",
) -> np.ndarray:
    """Binary k-nearest-neighbour graph of the rows of ``X``.

    Each node is linked to its ``k`` nearest other nodes (itself excluded; ties are
    broken by the smaller index). The directed relation "j is among i's k nearest"
    is made undirected by ``symmetrize``:

    * ``"or"`` (default): i–j is an edge when either is among the other's
      neighbours (the usual kNN graph; every node has degree >= k);
    * ``"and"``: mutual neighbours only;
    * ``"upper"``: the LDS paper's convention: the pair i < j is an edge iff j is
      among i's neighbours (the relation read from the row of the smaller index).

    Parameters
    ----------
    X : ndarray of shape (n_nodes, n_features)
    k : int, default=10
        Neighbours per node, ``1 <= k < n_nodes``.
    metric : {"cosine", "euclidean"}, default="cosine"
    symmetrize : {"or", "and", "upper"}, default="or"

    Returns
    -------
    ndarray of shape (n_nodes, n_nodes), bool
        Symmetric, empty diagonal.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [3.0], [7.0]])
    >>> knn_graph(X, 1, metric="euclidean").astype(int)
    array([[0, 1, 0, 0],
           [1, 0, 1, 0],
           [0, 1, 0, 1],
           [0, 0, 1, 0]])
    """
    check_choice("knn_graph", "metric", metric, ("cosine", "euclidean"))
    check_choice("knn_graph", "symmetrize", symmetrize, ("or", "and", "upper"))
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k < n:
        raise ConfigError(
            f"knn_graph: 'k' must be an integer in [1, {n - 1}] (smaller than the "
            f"number of nodes, {n}); got {plain(k)!r}. Choose a k in that range."
        )
    if metric == "cosine" and np.any(np.linalg.norm(X, axis=1) == 0):
        raise GraphError(
            "knn_graph: cosine distance is undefined for all-zero rows; use "
            "metric='euclidean' or drop those rows."
        )
    directed = _knn_directed(X, int(k), metric)
    if symmetrize == "or":
        adj = directed | directed.T
    elif symmetrize == "and":
        adj = directed & directed.T
    else:
        upper = np.triu(directed, 1)
        adj = upper | upper.T
    np.fill_diagonal(adj, False)
    return adj


def _knn_directed(X: np.ndarray, k: int, metric: str) -> np.ndarray:
    n = X.shape[0]
    directed = np.zeros((n, n), dtype=bool)
    start = 0
    # exact distances in row chunks; a stable sort breaks ties by the smaller index
    for block in pairwise_distances_chunked(X, metric=metric):
        rows = np.arange(start, start + block.shape[0])
        block[np.arange(block.shape[0]), rows] = np.inf  # exclude self
        order = np.argsort(block, axis=1, kind="stable")[:, :k]
        directed[np.repeat(rows, k), order.ravel()] = True
        start += block.shape[0]
    return directed


# share of an edge list's cells that must be values of one column for that
# column to name the nodes (a few unknown names are then reported as such)
NAME_SHARE = 0.9
# Where the node names come from, in the messages of a direct call (a caller
# that took them from elsewhere, a table's index, says so instead)
NAMES_FROM = "the values of 'node_names'"
# how adjacency_from_edges reads a list of names as 0-based rows instead
ROWS_HOW = "pass the edges without 'node_names'"


def node_name(label: object) -> str:
    """A row label as a node name: a whole-number float as an integer's text.

    A table's integer ID column read with a gap becomes float64; its labels
    ``29.0`` must match the edge-list value ``29``.

    Parameters
    ----------
    label : object
        One row label (index value).

    Returns
    -------
    str
        ``"29"`` for ``29.0``; ``label_text(label)`` otherwise.
    """
    if isinstance(label, float | np.floating) and float(label).is_integer():
        return str(int(label))
    return label_text(label)


# the text of a whole-number float as pandas writes it (an integer column with
# an empty cell becomes float64: 100.0, 101.0, ...)
_WHOLE_FLOAT_TEXT = re.compile(r"[+-]?\d+\.0*")
# an integer's text, as node_name and edge_cell_name give it
_WHOLE_INT_TEXT = re.compile(r"-?\d+")


def edge_cell_name(cell: object) -> str:
    """An edge-list cell as the node name it refers to.

    A whole-number float, ``100.0`` or its text ``"100.0"`` (as pandas writes
    an integer column that has an empty cell), names the node ``"100"``, as
    :func:`node_name` names a row labelled ``100.0``; any other cell is its
    text. A fractional number such as ``100.5`` stays as it is (no node ID).

    Parameters
    ----------
    cell : object
        One source or target cell of an edge list.

    Returns
    -------
    str
        The node name.

    Examples
    --------
    >>> edge_cell_name("100.0"), edge_cell_name(101.0), edge_cell_name("100.5")
    ('100', '101', '100.5')
    """
    if isinstance(cell, float | np.floating):
        return node_name(cell)
    text = str(cell)
    if _WHOLE_FLOAT_TEXT.fullmatch(text.strip()):
        return str(int(text.strip().split(".")[0]))
    return text


def _cell_key(cell: object, lookup: Container[str]) -> str:
    """The node name ``cell`` refers to among the names in ``lookup``: its text
    when that is a name (a text index may hold ``"1.0"``), else
    :func:`edge_cell_name`."""
    text = str(cell)
    return text if text in lookup else edge_cell_name(cell)


def repeated_names(labels: Iterable[object]) -> list[str]:
    """The node names of more than one row, in the order they first occur.

    Parameters
    ----------
    labels : iterable
        Row labels (index values or the cells of a name column); compared as
        :func:`node_name` gives them, so ``29.0`` and ``29`` are one name.

    Returns
    -------
    list of str
        Each repeated name once; empty when every name is distinct.

    Examples
    --------
    >>> repeated_names(["a", "b", "a", 29, 29.0, "a"])
    ['a', '29']
    """
    counts = Counter(node_name(v) for v in labels)
    return [name for name, count in counts.items() if count > 1]


def repeated_name_column(
    frame: pd.DataFrame, cells: Sequence[str], *, skip: Sequence[object] = ()
) -> tuple[str, list[str]] | None:
    """The column of ``frame`` that names the nodes of an edge list but repeats
    some names, with those names.

    A column of repeated names is no identifier, so an edge list of its values
    cannot be resolved; this tells the user why (the app and the CLI say so).

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    cells : sequence of str
        The source and target cells of the edge list.
    skip : sequence, default=()
        Columns never taken (the label column).

    Returns
    -------
    (column, repeated) or None
        The first column holding at least :data:`NAME_SHARE` of ``cells`` whose
        values give a name to more than one row, and those names
        (:func:`repeated_names`); ``None`` when there is none.
    """
    if not cells:
        return None
    for column in frame.columns:
        if column in skip:
            continue
        if name_share(cells, frame[column]) < NAME_SHARE:
            continue
        repeated = repeated_names(frame[column].dropna())
        if repeated:
            return str(column), repeated
    return None


def name_share(cells: Sequence[str], column: pd.Series) -> float:
    """The share of an edge list's ``cells`` that are node names from ``column``.

    Parameters
    ----------
    cells : sequence of str
        Source and target cells as node names (:func:`edge_cell_name`).
    column : Series of shape (n_rows,)
        Candidate names (:func:`node_name` of each value; empty cells skipped).

    Returns
    -------
    float
        In [0, 1]; 0 for no cells.

    Examples
    --------
    >>> name_share(["n0", "n1", "n9", "n1"], pd.Series(["n0", "n1", None]))
    0.75
    """
    if not cells:
        return 0.0
    names = {node_name(v) for v in column.dropna()}
    return sum(cell in names for cell in cells) / len(cells)


def closest_name_column(
    frame: pd.DataFrame, cells: Sequence[str], *, skip: Sequence[object] = ()
) -> tuple[str, float] | None:
    """The column of distinct values that holds the most cells of an edge list,
    with the share it holds.

    When no column holds :data:`NAME_SHARE` of the cells, none names the nodes
    and the cells are read as 0-based rows; a list of names with a few unknown
    ones then blamed its first cell, a known name. The front ends use this
    column to name the unknown cells instead.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    cells : sequence of str
        The source and target cells of the edge list as node names
        (:func:`edge_cell_name`).
    skip : sequence, default=()
        Columns never taken (the label column).

    Returns
    -------
    (column, share) or None
        The first column (not in ``skip``, every value distinct) holding the
        largest share of ``cells``, and that share in (0, 1]; ``None`` when no
        such column holds any cell, or for no cells.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["n0", "n1", "n2"], "x": [0.5, 0.1, 0.2]})
    >>> closest_name_column(frame, ["n0", "n1", "n1", "n99"])
    ('name', 0.75)
    """
    if not cells:
        return None
    best: tuple[str, float] | None = None
    for column in frame.columns:
        if column in skip or not frame[column].is_unique:
            continue
        share = name_share(cells, frame[column])
        if share > 0 and (best is None or share > best[1]):
            best = (str(column), share)
    return best


def edge_names_columns(
    frame: pd.DataFrame,
    cells: Sequence[str],
    identifiers: Iterable[object],
    *,
    rows: bool = False,
) -> list[str]:
    """The identifier columns whose values name the nodes of an edge list.

    The one rule by which the ``graph`` command and the Learn-a-graph page
    read an edge list of a table with an identifier column (row IDs): when
    that column holds at least :data:`NAME_SHARE` of the list's cells, the
    cells are its values, *even when every cell is also a 0-based row* (IDs
    0..n-1 in another order, or 1..n): an edge list written for a table with
    IDs most likely uses them. ``rows=True`` (``--graph-rows``, the page's
    "0-based row numbers" box) reads the cells as 0-based rows instead.
    :func:`engine.learn_graph` follows the same rule for a DataFrame ``X``:
    its index names the nodes before positions do.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The table, one row per node.
    cells : sequence of str
        The source and target cells of the edge list as node names
        (:func:`edge_cell_name`).
    identifiers : iterable
        The candidate columns: the table's identifier columns, as the reader
        finds them (not the label column).
    rows : bool, default=False
        The user said the cells are 0-based rows: no column is returned.

    Returns
    -------
    list of str
        The columns of ``identifiers`` (in that order) with distinct values
        that hold at least :data:`NAME_SHARE` of ``cells``; empty for
        ``rows``, no cells or no such column.

    Examples
    --------
    >>> frame = pd.DataFrame({"node_id": [2, 0, 1], "x": [0.1, 0.2, 0.3]})
    >>> edge_names_columns(frame, ["0", "1", "1", "2"], ["node_id"])
    ['node_id']
    >>> edge_names_columns(frame, ["0", "1", "1", "2"], ["node_id"], rows=True)
    []
    """
    if rows or not cells:
        return []
    found = []
    for column in identifiers:
        if column not in frame.columns or not frame[column].is_unique:
            continue
        if name_share(cells, frame[column]) >= NAME_SHARE:
            found.append(str(column))
    return found


def ids_differ_from_rows(values: Iterable[object], cells: Sequence[str]) -> bool:
    """Whether an edge list read by an ID column's values joins other nodes than
    read by 0-based rows: every cell is a row too, and one names another row.

    The front ends then say which reading they took (:func:`edge_names_columns`)
    and how to get the other.

    Parameters
    ----------
    values : iterable
        The ID column, one value per row.
    cells : sequence of str
        The edge list's cells as node names (:func:`edge_cell_name`).

    Returns
    -------
    bool
        ``False`` when a cell is no 0-based row (only the IDs can be meant) or
        when every cell names the same row both ways (IDs 0, 1, ... in row
        order).

    Examples
    --------
    >>> ids_differ_from_rows([2, 0, 1], ["0", "1"]), ids_differ_from_rows(
    ...     [0, 1, 2], ["0", "1"]
    ... )
    (True, False)
    """
    values = list(values)
    row_of = {node_name(v): i for i, v in enumerate(values)}
    positions = [_row_number(cell, len(values)) for cell in cells]
    if any(p is None for p in positions):
        return False
    return any(row_of.get(c, p) != p for c, p in zip(cells, positions, strict=True))


def adjacency_from_edges(
    edges: Any,
    n_nodes: int,
    *,
    node_names: Sequence[str] | None = None,
    positions: bool = True,
    names_from: str = NAMES_FROM,
    rows_how: str = ROWS_HOW,
) -> np.ndarray:
    """Symmetric boolean adjacency from an edge list.

    Parameters
    ----------
    edges : ndarray of shape (n_edges, 2) or DataFrame
        Pairs of node indices, or (when ``node_names`` is given) node names. A
        DataFrame uses its first two columns. Direction is ignored; self-loops
        and duplicates are dropped.
    n_nodes : int
    node_names : sequence of str, optional
        Names of the nodes in order; edges then refer to these names (matched as
        strings; a whole-number float cell, ``100.0``, names the node ``100``,
        a fractional one, ``100.5``, is refused unless it is a name). Only
        when no cell is a name do they refer to 0-based positions; a list in
        which some cells are names and others are not is refused (names win
        over positions, never mixed).
    positions : bool, default True
        With ``node_names``, whether an edge list of 0-based positions is
        accepted; ``False`` matches names only (a table's ID column).
    names_from : str, default="the values of 'node_names'"
        Where the node names come from, as the messages say it: a caller that
        took them from elsewhere names that place (``"the index of 'X'"``).
    rows_how : str, default="pass the edges without 'node_names'"
        How the caller reads the list as 0-based rows instead, said when a
        list of names has cells that are no name but every cell is a 0-based
        row (IDs 1..n and an edge list 0..n-1): ``"pass --graph-rows"``.

    Returns
    -------
    ndarray of shape (n_nodes, n_nodes), bool

    Raises
    ------
    GraphError
        An edge names an unknown node or an index out of range, or a cell is
        empty (named with its row, not as a node ``'nan'``).
    """
    src, dst = _edge_pairs(edges, n_nodes, node_names, positions, names_from, rows_how)
    adj = np.zeros((n_nodes, n_nodes), dtype=bool)
    adj[src, dst] = True
    adj |= adj.T
    np.fill_diagonal(adj, False)
    return adj


def describe_edge_list(
    edges: Any,
    n_nodes: int,
    *,
    node_names: Sequence[str] | None = None,
    positions: bool = True,
    names_from: str = NAMES_FROM,
    rows_how: str = ROWS_HOW,
) -> tuple[int, list[str]]:
    """Count the usable edges of an edge list and say what is left out of it.

    :func:`adjacency_from_edges` drops self-loops (a GCN always adds every node's
    own features) and repeats (direction is ignored, so ``a,b`` and ``b,a`` are one
    edge); this tells the user so instead of letting them vanish.

    Parameters
    ----------
    edges, n_nodes, node_names, positions, names_from, rows_how
        As for :func:`adjacency_from_edges`.

    Returns
    -------
    n_edges : int
        Distinct undirected edges between two different nodes.
    notes : list of str
        One sentence per kind of row left out (self-loops, repeats), and one
        when no edge is left (LDS then starts from an empty graph); empty when
        every row is a distinct edge.

    Raises
    ------
    GraphError
        As :func:`adjacency_from_edges`.

    Examples
    --------
    >>> n_edges, notes = describe_edge_list([[0, 0], [0, 1], [1, 0]], 3)
    >>> n_edges, len(notes)  # one self-loop, one repeat
    (1, 2)
    """
    src, dst = _edge_pairs(edges, n_nodes, node_names, positions, names_from, rows_how)
    loop = src == dst
    low, high = np.minimum(src, dst)[~loop], np.maximum(src, dst)[~loop]
    n_edges = len(np.unique(low * n_nodes + high)) if low.size else 0
    notes = []
    if loop.any():
        first = src[loop][0]
        first = str(node_names[first] if node_names is not None else first)
        notes.append(
            f"{int(loop.sum())} row(s) join a node to itself (first: node {first!r}); "
            "left out, a GCN always uses each node's own features."
        )
    repeats = int(low.size) - n_edges
    if repeats:
        notes.append(
            f"{repeats} row(s) repeat an edge already listed (direction is "
            "ignored); counted once."
        )
    if n_edges == 0:
        notes.append(_no_edges_note(len(src)))
    return n_edges, notes


def _no_edges_note(n_rows: int) -> str:
    """The note on an edge list that gives no edge, from its ``n_rows`` rows."""
    if n_rows == 0:
        what = "the list holds no edges (no row below its header)"
    else:
        what = f"none of its {n_rows} row(s) joins two different nodes"
    return (
        f"{what}: LDS starts from an empty graph and has to learn every edge; "
        "leave the edge list out to start from the kNN graph of the features."
    )


def unknown_names(
    frame: pd.DataFrame,
    edges: Any,
    cells: Sequence[str],
    *,
    skip: Sequence[object] = (),
    column_words: str = "which holds the most of the list's cells",
    rows_how: str = ROWS_HOW,
) -> tuple[str, float, str] | None:
    """What an edge list's cells lack against the column holding most of them.

    For an edge list that no column names well enough (under
    :data:`NAME_SHARE`): the cells that :func:`closest_name_column`'s column
    does not hold, in :func:`describe_edge_list`'s words, so a front end can
    name the typo (``n99``) rather than the first cell (``n0``).

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    edges : array-like or DataFrame of shape (n_edges, 2)
    cells : sequence of str
        The source and target cells of ``edges`` as node names.
    skip : sequence, default=()
        Columns never taken (the label column).
    column_words : str
        How the message describes that column, after its name.
    rows_how : str
        How to read the list as 0-based rows instead, as the caller offers it.

    Returns
    -------
    (column, share, why) or None
        The column, the share of the cells it holds, and the message naming the
        cells it lacks; ``None`` when no column holds any cell or it holds all.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["n0", "n1", "n2"]})
    >>> edges = pd.DataFrame([["n0", "n1"], ["n1", "n99"]])
    >>> column, share, why = unknown_names(frame, edges, ["n0", "n1", "n1", "n99"])
    >>> column, share, "['n99']" in why
    ('name', 0.75, True)
    """
    found = closest_name_column(frame, cells, skip=skip)
    if found is None:
        return None
    column, share = found
    names = [node_name(v) for v in frame[column]]
    try:
        describe_edge_list(
            edges,
            len(names),
            node_names=names,
            positions=False,
            names_from=f"the values of column {column!r}, {column_words}",
            rows_how=rows_how,
        )
    except GraphError as err:
        return column, share, str(err).removeprefix("adjacency_from_edges: ")
    return None


def _edge_pairs(
    edges: Any,
    n_nodes: int,
    node_names: Sequence[str] | None,
    positions: bool = True,
    names_from: str = NAMES_FROM,
    rows_how: str = ROWS_HOW,
) -> tuple[np.ndarray, np.ndarray]:
    """Source and target node positions of each row of an edge list;
    ``names_from`` and ``rows_how`` as for :func:`adjacency_from_edges`."""
    if isinstance(edges, pd.DataFrame):
        if edges.shape[1] < 2:
            raise GraphError(
                "adjacency_from_edges: the edge list needs two columns (source, "
                f"target); got {edges.shape[1]}."
            )
        pairs = edges.iloc[:, :2].to_numpy()
    else:
        pairs = np.asarray(edges, dtype=object)
        if pairs.size == 0:
            pairs = pairs.reshape(0, 2)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise GraphError(
            "adjacency_from_edges: 'edges' must have shape (n_edges, 2); got "
            f"{pairs.shape}."
        )
    _refuse_empty(pairs)
    _refuse_fractions(pairs, n_nodes, node_names, names_from)
    if node_names is not None:
        _check_names(pairs, node_names, positions, names_from, rows_how)
    src = _resolve_nodes(pairs[:, 0], n_nodes, node_names, "source", names_from)
    dst = _resolve_nodes(pairs[:, 1], n_nodes, node_names, "target", names_from)
    return src, dst


# How the edge-list rows in messages are counted (a DataFrame's positions; in a
# file read by read_edge_list, the lines after a header line).
ROW_WORDS = "0-based, a header line not counted"


def _check_names(
    pairs: np.ndarray,
    node_names: Sequence[str],
    positions: bool = True,
    names_from: str = NAMES_FROM,
    rows_how: str = ROWS_HOW,
) -> None:
    """Refuse an edge list of node names in which some cells name no node.

    An edge list counts as one of names when a cell is text that is no number and
    some cells are node names; the unknown cells are then named with their rows
    (a few rows with an unknown name used to be reported as an unknown *known*
    node, the first cell of the list, by the fallback to 0-based indices).

    Parameters
    ----------
    Numbers count as names too when the names are not the positions
    themselves (``"0"``, ``"1"``, ...): a list of IDs in which a few match
    no ID must not be read as 0-based positions. With ``positions=False``
    every cell must be a name.

    Parameters
    ----------
    pairs : ndarray of shape (n_edges, 2), object
    node_names : sequence of str
    positions : bool
        Whether an edge list with no name at all may be one of positions.
    names_from : str
        Where the node names come from (:func:`adjacency_from_edges`).
    rows_how : str
        How to read the list as rows (:func:`adjacency_from_edges`), said first
        when every cell is a 0-based row.
    """
    lookup = {str(name) for name in node_names}
    known = np.array(
        [[_cell_key(v, lookup) in lookup for v in row] for row in pairs], dtype=bool
    )
    if known.size == 0 or known.all() or (positions and not known.any()):
        return
    numbered = list(node_names) == [str(i) for i in range(len(node_names))]
    if positions and numbered and all(_is_number(v) for v in pairs.ravel()):
        return  # 0-based indices: _resolve_nodes checks them
    rows = np.flatnonzero(~known.all(axis=1))
    unknown = list(dict.fromkeys(str(v) for v in pairs[~known]))
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {rows.size - 5} more" if rows.size > 5 else ""
    head = (
        f"adjacency_from_edges: {rows.size} edge row(s) name node(s) that are not "
        f"node names: {format_names(unknown, 5)} (edge row(s) {shown}{more}; "
        f"{ROW_WORDS})."
    )
    if _all_rows(pairs, len(node_names)):
        raise GraphError(
            f"{head} Every cell of the list is a 0-based row number, though, all "
            f"in [0, {len(node_names) - 1}]: if the list numbers the rows from 0, "
            f"read it so: {rows_how}. Else {_names_hint(known, names_from)}"
        )
    hint = _names_hint(known, names_from)
    raise GraphError(f"{head} {hint[0].upper()}{hint[1:]}")


def _row_number(name: str, n_rows: int) -> int | None:
    """The 0-based row a node name reads as, or None when it is none."""
    if not _WHOLE_INT_TEXT.fullmatch(name) or not 0 <= int(name) < n_rows:
        return None
    return int(name)


def _all_rows(pairs: np.ndarray, n_rows: int) -> bool:
    """Whether every cell of ``pairs`` is a whole number in ``[0, n_rows - 1]``."""
    return all(
        _row_number(edge_cell_name(cell), n_rows) is not None for cell in pairs.ravel()
    )


def _is_empty(cell: object) -> bool:
    """Whether an edge-list cell is empty: missing (``None``, NaN, as pandas
    reads an empty CSV field) or blank text."""
    if cell is None or cell is pd.NA:
        return True
    if isinstance(cell, float | np.floating):
        return bool(np.isnan(cell))
    return isinstance(cell, str) and not cell.strip()


def refuse_empty_cells(edges: Any) -> None:
    """Refuse an edge list with an empty source or target cell, naming its row
    and end (such a cell was refused as a node named ``'nan'``).

    :func:`adjacency_from_edges` checks this first; a front end can check it
    right after :func:`read_edge_list`, before it reads the cells as names.

    Parameters
    ----------
    edges : DataFrame or array-like of shape (n_edges, 2)
        The edge list (a DataFrame's first two columns). An empty cell is a
        missing value (``None``, NaN: an empty CSV field) or blank text.

    Raises
    ------
    GraphError
        The first empty cell, row by row, source before target, and the rows
        with one when there are several.

    Examples
    --------
    >>> try:
    ...     refuse_empty_cells([["a", "b"], ["b", None]])
    ... except GraphError as err:
    ...     "the target cell on edge row 1" in str(err)
    True
    """
    if isinstance(edges, pd.DataFrame):
        pairs = edges.iloc[:, :2].to_numpy()
    else:
        pairs = np.asarray(edges, dtype=object)
    if pairs.ndim == 2 and pairs.shape[1] >= 2:
        _refuse_empty(pairs[:, :2])


def _refuse_empty(pairs: np.ndarray) -> None:
    """:func:`refuse_empty_cells` for an array of shape (n_edges, 2)."""
    empty = np.array(
        [[_is_empty(v) for v in row] for row in pairs], dtype=bool
    ).reshape(-1, 2)
    if not empty.any():
        return
    rows = np.flatnonzero(empty.any(axis=1))
    first = int(rows[0])
    end = "source" if empty[first, 0] else "target"
    if rows.size == 1:
        raise GraphError(
            f"adjacency_from_edges: the {end} cell on edge row {first} "
            f"({ROW_WORDS}) is empty. Every row needs a source and a target node: "
            "fill it in or remove the row."
        )
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {rows.size - 5} more" if rows.size > 5 else ""
    raise GraphError(
        f"adjacency_from_edges: {rows.size} edge rows have an empty cell: rows "
        f"{shown}{more} ({ROW_WORDS}; row {first} has no {end} node). Every row "
        "needs a source and a target node: fill in or remove these rows."
    )


def _names_hint(known: np.ndarray, names_from: str) -> str:
    """What to do about the unknown cells of an edge list of names (a clause,
    lower case first)."""
    if known.any():
        return (
            f"the other rows use node names ({names_from}), so these must too: "
            "correct or remove these rows."
        )
    return f"every cell must be a node name ({names_from}): correct the list."


def _use_words(n_nodes: int, node_names: Sequence[str] | None, names_from: str) -> str:
    """What an edge-list cell may be, in the words of the messages."""
    rows = f"0-based rows in [0, {n_nodes - 1}]"
    if node_names is None:
        return f"use {rows}, or give the node names as 'node_names'"
    return f"use node names ({names_from}) or {rows}"


def _refuse_fractions(
    pairs: np.ndarray,
    n_nodes: int,
    node_names: Sequence[str] | None,
    names_from: str = NAMES_FROM,
) -> None:
    """Refuse a cell that is a fractional number (``100.5``) and no node name.

    Checked before anything else, so that the message names that cell and its
    row, not another cell refused for lack of a match (``100`` beyond the rows
    when the whole-number cells are read as positions).

    Raises
    ------
    GraphError
        The first such cell, row by row, source before target.
    """
    lookup = set() if node_names is None else {str(name) for name in node_names}
    for row, pair in enumerate(pairs):
        for end, cell in zip(("source", "target"), pair, strict=True):
            if _cell_key(cell, lookup) in lookup or not _is_number(cell):
                continue
            value = float(cell)
            if np.isfinite(value) and value != np.floor(value):
                raise GraphError(
                    f"adjacency_from_edges: {end} node {plain(cell)!r} on edge row "
                    f"{row} ({ROW_WORDS}) is neither a node name nor a whole "
                    f"number; {_use_words(n_nodes, node_names, names_from)}."
                )


def _resolve_nodes(
    values: np.ndarray,
    n_nodes: int,
    node_names: Sequence[str] | None,
    column: str,
    names_from: str = NAMES_FROM,
) -> np.ndarray:
    use = _use_words(n_nodes, node_names, names_from)
    if node_names is not None:
        lookup = {str(name): i for i, name in enumerate(node_names)}
        keys = [_cell_key(v, lookup) for v in values]
        if all(key in lookup for key in keys):
            return np.asarray([lookup[key] for key in keys], dtype=np.int64)
    try:
        as_float = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        row = next(i for i, v in enumerate(values) if not _is_number(v))
        raise GraphError(
            f"adjacency_from_edges: {column} node {str(values[row])!r} on edge row "
            f"{row} ({ROW_WORDS}) is neither a node name nor an integer index; "
            f"{use}."
        ) from err
    # check before casting: NaN, inf or 1e300 cast to int64 warn and wrap around
    whole = np.isfinite(as_float) & (as_float == np.floor(as_float))
    if not whole.all():
        row = int(np.argmin(whole))
        raise GraphError(
            f"adjacency_from_edges: {column} node {plain(values[row])!r} on edge "
            f"row {row} ({ROW_WORDS}) is neither a node name nor a whole number; "
            f"{use}."
        )
    bad = (as_float < 0) | (as_float >= n_nodes)
    if bad.any():
        row = int(np.argmax(bad))
        raise GraphError(
            f"adjacency_from_edges: {column} node {plain(values[row])!r} on edge "
            f"row {row} ({ROW_WORDS}) is not a node index in [0, {n_nodes - 1}]."
        )
    return as_float.astype(np.int64)


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def read_edge_list(source: str | Path | bytes | io.IOBase) -> pd.DataFrame:
    """Parse an edge-list file (``source,target[,weight]``) as plain data.

    The cells of a line are split on a comma, a semicolon, a tab or runs of
    blanks, as :func:`engine.data.graph_separator` chooses from the first
    lines (the rule of :func:`engine.graph_io.read_graph` too): Cora's and
    Citeseer's ``.cites`` files (tabs), SNAP files (tabs or blanks) and
    semicolon exports read as their comma form does. A tab on the first line
    is the separator (a tab file's names may hold commas); else the comma or
    semicolon of the first line that splits the first 20 lines alike, so names
    holding commas on the first line do not make a semicolon file one of
    commas; blanks split cells only when the first line holds no comma,
    semicolon or tab, so a comma file's names may hold blanks. Lines at the top
    that start with ``#`` or ``%`` followed by a blank (or alone) are comments,
    as SNAP and KONECT write them (:func:`engine.data.is_graph_comment`);
    ``#ai`` is a name. The first line is a
    header when its first or second cell is ``source``, ``target``, ``src``,
    ``dst``, ``from``, ``to``, ``u`` or ``v`` (any case). Only the first two
    columns are used by :func:`adjacency_from_edges`.

    Parameters
    ----------
    source : path, bytes or file object
        A path or bytes are decoded as the table reader decodes a file
        (:func:`engine.data.decode_text`: UTF-8 with or without a byte-order
        mark, UTF-16 with or without one, else Windows-1252 or Latin-1); a file
        object is read, as text or as such bytes.

    Returns
    -------
    DataFrame of shape (n_rows, 2)
        Columns ``source`` and ``target``: the cells as strings, stripped of
        blanks on both sides (``" n3 "`` is ``"n3"``); an empty cell is missing.
        No row when the file holds only a header line.

    Raises
    ------
    GraphError
        The file cannot be read, is empty or no text (a pickle, say), is
        broken UTF-16, has fewer than two columns, a line with more cells than
        the first, a comment line below the first edge, a line without a target
        that holds another separator than the one chosen, or cannot be
        parsed.

    Examples
    --------
    >>> read_edge_list(b"# Nodes: 3\\n35\\t1033\\n35\\t103482\\n").values.tolist()
    [['35', '1033'], ['35', '103482']]
    """
    if isinstance(source, io.IOBase):  # a text file's str is its text
        content = source.read()
        text = content if isinstance(content, str) else _edge_list_text(content)
    elif isinstance(source, str | Path):
        text = _edge_list_text(_edge_list_bytes(source))
    else:
        text = _edge_list_text(source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    body = skip_graph_comments(text)
    skipped = text[: len(text) - len(body)].count("\n")  # lines above the body
    text = body
    frame, width = _edge_cells(text)
    header = {str(cell).lower() for cell in frame.iloc[0, :2]} if len(frame) else set()
    if header & _EDGE_HEADER_WORDS:
        frame = frame.iloc[1:]
    _refuse_odd_lines(frame, text, skipped)
    if frame.shape[1] > width:  # only graph_cells splits a line wider than the first
        start = 1 if header & _EDGE_HEADER_WORDS else 0
        _refuse_wide_rows(graph_cells(text)[start:], width)
    frame = frame.reindex(columns=[0, 1]).reset_index(drop=True)
    frame.columns = ["source", "target"]
    # an empty cell is missing (NaN, as pandas reads one); a short line's too
    return frame.where(frame.notna(), np.nan).astype(object)


# the first-line cells that make it a header
_EDGE_HEADER_WORDS = frozenset(
    {"source", "target", "src", "dst", "from", "to", "u", "v"}
)
# the separators as messages name them (None: runs of blanks)
_SEPARATOR_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab", None: "blanks"}


def _edge_cells(text: str) -> tuple[pd.DataFrame, int]:
    """The cells of an edge list's lines (:func:`engine.data.graph_frame`) and
    the number of its first line's cells, refused when it has fewer than two."""
    try:
        frame = graph_frame(text)
        # split as the file is: its first line alone may hold another separator
        first = split_graph_cells(text.split("\n", 1)[0], graph_separator(text))
    except csv.Error as err:
        raise GraphError(
            f"read_edge_list: cannot parse the edge list ({err}); quote names that "
            "hold line breaks."
        ) from err
    width = len(first[0]) if first else 2
    if width < 2:
        raise GraphError(
            "read_edge_list: an edge list needs at least two columns (source, "
            f"target), but its first line {first[0][0]!r} is one cell: it holds "
            f"no separator ({GRAPH_SEPARATOR_WORDS} between two names). Put one "
            "between the source and the target of every line."
        )
    return frame, width


def _refuse_odd_lines(frame: pd.DataFrame, text: str, skipped: int) -> None:
    """Refuse a comment line below the first edge, and a line without a target
    that holds another separator than the one chosen from the first lines (``text``
    the file below its ``skipped`` lines of comments)."""
    if frame.empty or frame.shape[1] < 2:
        return
    first = frame[0].astype(str)
    marked = first.str[:1].isin(["#", "%"])
    for position in np.flatnonzero(marked.to_numpy()):
        if is_graph_comment(first.iloc[position]):
            number, line = _file_line(text, frame.index[position], skipped)
            raise GraphError(
                f"read_edge_list: line {number}, {line!r}, looks like a comment "
                "('#' or '%' followed by a blank), but comment lines are skipped "
                "only at the top of the file, above the first edge or header; "
                "move it there or delete it."
            )
    separator = graph_separator(text)
    others = [sep for sep in (",", ";", "\t") if sep != separator]
    pattern = "|".join(map(re.escape, others))
    no_target = frame[1].isna() & first.str.contains(pattern) & frame[0].notna()
    if no_target.any():
        position = int(np.flatnonzero(no_target.to_numpy())[0])
        number, line = _file_line(text, frame.index[position], skipped)
        found = next(sep for sep in others if sep in first.iloc[position])
        head = text.split("\n", 1)[0]
        raise GraphError(
            f"read_edge_list: line {number}, {line!r}, has no target when split "
            f"on {_SEPARATOR_NAMES[separator]}, the separator chosen from the "
            f"first lines (the first is {head!r}), but holds "
            f"{_SEPARATOR_NAMES[found]}: the file uses another separator on some "
            f"lines. Write every line with {_SEPARATOR_NAMES[separator]}."
        )


def _file_line(text: str, row: int, skipped: int) -> tuple[int, str]:
    """The number (1-based, counting the ``skipped`` lines above ``text``) and
    text of the line that :func:`engine.data.graph_frame` made its row ``row``
    (a line that holds only blanks and separators makes none)."""
    n_data = -1
    lines = text.split("\n")
    for number, line in enumerate(lines):
        n_data += bool(_DATA_MARK.search(line))
        if n_data == row:
            return skipped + number + 1, line
    return skipped + len(lines), lines[-1]


# a character of a line that makes a row: not a blank, a separator or a quote
_DATA_MARK = re.compile(r'[^\s,;"]')


def _refuse_wide_rows(rows: list[list[str]], width: int) -> None:
    """Refuse an edge row of more cells than the first line's ``width``
    (a name holding the separator, unquoted)."""
    for number, row in enumerate(rows):
        if len(row) > width:
            raise GraphError(
                f"read_edge_list: edge row {number} ({ROW_WORDS}) has {len(row)} "
                f"cells, {format_names(row, 5)}, but the first line has {width}; "
                "quote a name that holds the separator, or remove the extra cells."
            )


def _edge_list_text(raw: bytes) -> str:
    """The text of an edge list's bytes, decoded as the table and graph readers
    decode a file (UTF-16 too), or a :class:`GraphError` saying why not."""
    try:
        check_text_bytes(bytes(raw), "read_edge_list")
        return decode_text(bytes(raw), "read_edge_list").text
    except DataError as err:
        raise GraphError(str(err)) from err


def _edge_list_bytes(path: str | Path) -> bytes:
    """The bytes of an edge-list file, or a :class:`GraphError` saying why not."""
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise GraphError(
            f"read_edge_list: cannot read {str(path)!r} ({err.strerror or err}); "
            "check that the file exists and that you may read it."
        ) from err


def edges_from_adjacency(adj: np.ndarray) -> np.ndarray:
    """Edges ``i < j`` of a symmetric adjacency as an int64 array (n_edges, 2)."""
    rows, cols = np.nonzero(np.triu(np.asarray(adj) != 0, 1))
    return np.stack([rows, cols], axis=1).astype(np.int64)
