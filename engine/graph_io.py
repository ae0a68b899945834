"""Reading and writing graphs: JSON node-link, GML, DOT, CSV adjacency, edge list.

A graph is a list of node names plus a weighted adjacency matrix ``A`` of shape
(d, d) with ``A[i, j] != 0`` iff there is an edge from node i to node j (row =
parent, column = child); unweighted edges have weight 1. Files are parsed as data
only (the DOT and CSV readers are written here; GML goes through networkx's parser,
which evaluates nothing). Text is decoded as the table reader decodes it
(:func:`engine.data.decode_text`): UTF-8 with or without a byte-order mark,
UTF-16 with or without one, else Windows-1252 (cp1252) or Latin-1.

Formats and their names:

==============  ======================  =========================================
format          extensions              layout
==============  ======================  =========================================
``"json"``      .json                   node-link: ``{"nodes": [{"id": ...}],
                                        "edges": [{"source", "target", "weight"}]}``
                                        (``"links"`` is read too)
``"gml"``       .gml                    GML with ``directed 1`` and node labels
``"dot"``       .dot, .gv               ``digraph { "a" -> "b" [weight=0.5]; }``
``"adjacency"`` .csv, .tsv, .txt        square matrix with a header row of names
                                        (and optionally the same names as the
                                        first column)
``"edgelist"``  .csv, .tsv, .txt        header ``source,target[,weight]``, one
                                        row per edge (read: also a row with a
                                        node's name and empty other cells, a
                                        node without edges)
==============  ======================  =========================================

A ``.csv`` file is read as an edge list when its header starts with ``source`` and
``target`` (or ``from,to``, ``parent,child``, ``cause,effect``), else as an
adjacency matrix; its cells are split as :func:`engine.graphs.read_edge_list`
splits them (:func:`engine.data.graph_cells`: the separator chosen from the
first lines, comment lines at the top skipped, ``# `` and ``% `` as SNAP and
KONECT write them). An edge list without that header (``A B`` on its first
line) is refused with the advice to add it: its first edge cannot be told from
a matrix's header row. An edge list holds a row per edge and nothing else (what pandas
and ``networkx.from_pandas_edgelist`` expect), so a node without edges is not in
it: :func:`read_graph` gives the nodes its edges name (pass ``columns`` to add the
others), and the adjacency, JSON, GML and DOT formats keep every node. Edge lists
of earlier versions, which ended with a row ``name,,`` per node without edges,
still read with those nodes.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import networkx as nx
import numpy as np

from engine.data import decode_text, graph_cells, graph_separator, looks_binary
from engine.errors import DataError, GraphError, check_choice, format_names
from engine.validation import unpadded_match

__all__ = [
    "FORMATS",
    "GraphData",
    "align_graph",
    "check_graph",
    "graph_from_text",
    "graph_to_text",
    "read_graph",
    "undirected_graph_text",
    "write_graph",
]

FORMATS = ("json", "gml", "dot", "adjacency", "edgelist")
MAX_GRAPH_BYTES = 20 * 2**20
_EXTENSIONS = {
    ".json": "json",
    ".gml": "gml",
    ".dot": "dot",
    ".gv": "dot",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
}
_EDGE_HEADERS = {
    ("source", "target"),
    ("from", "to"),
    ("parent", "child"),
    ("cause", "effect"),
    ("src", "dst"),
}


class GraphData(NamedTuple):
    """A graph: ``nodes, adjacency = read_graph(path)``.

    Attributes
    ----------
    nodes : list of str
        Node names, in the order of the matrix rows and columns.
    adjacency : ndarray of shape (d, d), float64
        Edge weights; ``adjacency[i, j] != 0`` iff edge i -> j.
    """

    nodes: list[str]
    adjacency: np.ndarray


# --- public functions ---


def read_graph(
    source: str | Path | bytes,
    *,
    format: str | None = None,
    name: str | None = None,
    columns: Sequence[str] | None = None,
    require_dag: bool = False,
    allow_self_loops: bool = False,
    matrix_names: Sequence[str] | None = None,
) -> GraphData:
    """Read a graph file.

    Parameters
    ----------
    source : str, Path or bytes
        A file path, or the file's bytes (then give ``format`` or a ``name`` with
        an extension).
    format : {"json", "gml", "dot", "adjacency", "edgelist", "csv"}, optional
        Default: from the file extension; ``"csv"`` picks adjacency or edge list
        from the header.
    name : str, optional
        File name used for messages and the extension.
    columns : sequence of str, optional
        The data's column names. When given, every node must be one of them and the
        result is aligned to them (same order; columns without edges get none). A
        CSV of d rows of d numbers and no header row (as ``numpy.savetxt`` writes
        it) is then read as the adjacency matrix over ``columns``, in their order.
    require_dag : bool, default=False
        Raise when the graph has a directed cycle.
    allow_self_loops : bool, default=False
        Accept edges from a node to itself.
    matrix_names : sequence of str, optional
        The node names of a headerless d x d matrix of numbers, in order, without
        aligning other files to them (default: ``columns``).

    Returns
    -------
    GraphData
        ``(nodes, adjacency)``.

    Raises
    ------
    GraphError
        Unreadable file, unknown format, duplicated or unknown node names,
        self-loops, cycles (with ``require_dag``).

    Examples
    --------
    >>> g = read_graph(b"source,target\\na,b\\nb,c\\n", format="csv")
    >>> g.nodes, g.adjacency.tolist()
    (['a', 'b', 'c'], [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    """
    text, label = _read_text(source, name)
    fmt = _resolve_format(format, label)
    matrix_names = columns if matrix_names is None else matrix_names
    if fmt in ("csv", "adjacency") and matrix_names is not None:
        text = _named_matrix(text, matrix_names, label)
    graph = graph_from_text(text, fmt, name=label)
    if columns is not None:
        graph = align_graph(graph.nodes, graph.adjacency, columns, name=label)
    check_graph(
        graph.nodes,
        graph.adjacency,
        require_dag=require_dag,
        allow_self_loops=allow_self_loops,
        name=label,
    )
    return graph


def write_graph(
    path: str | Path,
    nodes: Sequence[str],
    adjacency: np.ndarray,
    *,
    format: str | None = None,
) -> str:
    """Write a graph to ``path`` in the format of its extension (or ``format``).

    Parameters
    ----------
    path : str or Path
        Destination; ``.csv`` is written as an edge list unless
        ``format="adjacency"``: a header ``source,target,weight`` and a row per
        edge. Nodes without edges are left out of an edge list (read it back
        with ``columns``, or write the adjacency, JSON, GML or DOT format, to keep
        them).
    nodes : sequence of str
        Node names (d).
    adjacency : ndarray of shape (d, d)
        Weighted adjacency, ``adjacency[i, j] != 0`` iff edge i -> j.
    format : str, optional
        One of :data:`FORMATS`.

    Returns
    -------
    str
        The text written.
    """
    fmt = _resolve_format(format, str(path))
    if fmt == "csv":
        fmt = "edgelist"
    text = graph_to_text(nodes, adjacency, fmt)
    Path(path).write_text(text, encoding="utf-8")
    return text


def graph_to_text(nodes: Sequence[str], adjacency: np.ndarray, format: str) -> str:
    """Serialise a graph; see the module docstring for the layouts.

    Parameters
    ----------
    nodes : sequence of str
        Node names (d).
    adjacency : ndarray of shape (d, d)
        Weighted adjacency.
    format : {"json", "gml", "dot", "adjacency", "edgelist"}
        Output format.

    Returns
    -------
    str

    Examples
    --------
    >>> print(graph_to_text(["a", "b"], np.array([[0, 2.5], [0, 0]]), "edgelist"))
    source,target,weight
    a,b,2.5
    <BLANKLINE>
    """
    check_choice("graph_to_text", "format", format, FORMATS)
    nodes, A = _checked_pair(nodes, adjacency, "graph_to_text")
    _check_names_for(nodes, format, "graph_to_text")
    writer = {
        "json": _to_json,
        "gml": _to_gml,
        "dot": _to_dot,
        "adjacency": _to_adjacency,
        "edgelist": _to_edgelist,
    }[format]
    return writer(nodes, A)


def graph_from_text(text: str, format: str, *, name: str = "graph") -> GraphData:
    """Parse graph text in one of :data:`FORMATS` (or ``"csv"`` to sniff).

    Node names must be unique; duplicates raise :class:`GraphError`.
    """
    check_choice("graph_from_text", "format", format, (*FORMATS, "csv"))
    if format == "csv":
        format = _sniff_csv_kind(text)
    reader = {
        "json": _from_json,
        "gml": _from_gml,
        "dot": _from_dot,
        "adjacency": _from_adjacency,
        "edgelist": _from_edgelist,
    }[format]
    if not text.strip():
        raise GraphError(
            f"{name}: the file is empty; it must hold a graph in the {format} format."
        )
    nodes, A = reader(text, name)
    return GraphData(list(nodes), A)


def check_graph(
    nodes: Sequence[str],
    adjacency: np.ndarray,
    *,
    require_dag: bool = False,
    allow_self_loops: bool = False,
    name: str = "graph",
) -> None:
    """Check names, shape, finite weights, self-loops and (optionally) cycles.

    Raises
    ------
    GraphError
        With a message naming the offending nodes.

    Examples
    --------
    >>> try:
    ...     check_graph(["a", "b"], np.array([[0, 1], [1, 0]]), require_dag=True)
    ... except GraphError as err:
    ...     print(str(err)[:49])
    graph: the graph has a directed cycle a -> b -> a
    """
    nodes, A = _checked_pair(nodes, adjacency, name)
    loops = [nodes[k] for k in np.flatnonzero(np.diag(A) != 0)]
    if loops and not allow_self_loops:
        raise GraphError(
            f"{name}: self-loop(s) on {format_names(loops, 10)}; a node cannot cause "
            "itself. Remove those edges."
        )
    if require_dag:
        G = nx.from_numpy_array((A != 0).astype(int), create_using=nx.DiGraph)
        G.remove_edges_from(nx.selfloop_edges(G))
        try:
            cycle = nx.find_cycle(G)
        except nx.NetworkXNoCycle:
            return
        path = [nodes[u] for u, _ in cycle] + [nodes[cycle[0][0]]]
        raise GraphError(
            f"{name}: the graph has a directed cycle {' -> '.join(path)}; a DAG is "
            "required here. Remove or reverse one of those edges."
        )


def align_graph(
    nodes: Sequence[str],
    adjacency: np.ndarray,
    columns: Sequence[str],
    *,
    name: str = "graph",
) -> GraphData:
    """Re-index a graph onto the data's columns.

    Parameters
    ----------
    nodes : sequence of str
        The graph's node names.
    adjacency : ndarray of shape (d, d)
        Its weighted adjacency.
    columns : sequence of str
        The data's column names (p); every node must be among them.

    Returns
    -------
    GraphData
        Nodes = ``list(columns)``, adjacency (p, p).

    Raises
    ------
    GraphError
        Unknown node names (listed with the available columns), duplicated column
        names.

    Examples
    --------
    >>> align_graph(["b", "a"], np.array([[0, 1], [0, 0]]), ["a", "b", "c"]).adjacency
    array([[0., 0., 0.],
           [1., 0., 0.],
           [0., 0., 0.]])
    """
    nodes, A = _checked_pair(nodes, adjacency, name)
    cols = [str(c) for c in columns]
    dup = sorted({c for c in cols if cols.count(c) > 1})
    if dup:
        raise GraphError(f"{name}: the data repeats the column name(s) {dup}.")
    index = {c: k for k, c in enumerate(cols)}
    index |= _unpadded_index(cols, nodes)
    unknown = [n for n in nodes if n not in index]
    if unknown:
        raise GraphError(
            f"{name}: node(s) {format_names(unknown, 10)} are not columns of the "
            f"data; the columns are {format_names(cols)}. Rename the "
            "nodes to match the column names."
        )
    pos = np.array([index[n] for n in nodes], dtype=np.int64)
    out = np.zeros((len(cols), len(cols)))
    out[np.ix_(pos, pos)] = A
    return GraphData(cols, out)


# --- helpers ---


def _unpadded_index(cols: list[str], nodes: list[str]) -> dict[str, int]:
    """Positions of padded columns (" a") for nodes named without the spaces."""
    out = {}
    for n in nodes:
        k = None if n in cols else unpadded_match(n, cols)
        if k is not None:
            out[n] = k
    return out


def _read_text(source: str | Path | bytes, name: str | None) -> tuple[str, str]:
    if isinstance(source, bytes | bytearray):
        raw, label = bytes(source), name or "<bytes>"
    elif isinstance(source, str | Path):
        path = Path(source)
        label = name or path.name
        if path.is_dir():
            raise GraphError(
                f"{label}: {path} is a folder, not a file; give the path of a graph "
                "file."
            )
        if not path.is_file():
            raise GraphError(f"{label}: no such file ({path}); check the path.")
        if path.stat().st_size > MAX_GRAPH_BYTES:
            raise GraphError(
                f"{label}: the file is over {MAX_GRAPH_BYTES // 2**20} MB; graph "
                "files are expected to be small."
            )
        raw = path.read_bytes()
    else:
        raise GraphError(
            "read_graph: 'source' must be a path or bytes; got "
            f"{type(source).__name__}."
        )
    if looks_binary(raw):
        raise GraphError(f"{label}: the file holds binary bytes, not a text graph.")
    try:  # as the table reader: UTF-16, UTF-8, else cp1252 or Latin-1
        text = decode_text(raw, label).text
    except DataError as err:
        raise GraphError(str(err)) from err
    return text.replace("\r\n", "\n").replace("\r", "\n"), label


def _resolve_format(format: str | None, label: str) -> str:
    if format is not None:
        check_choice("read_graph", "format", format, (*FORMATS, "csv"))
        return format
    ext = Path(label).suffix.lower()
    if ext not in _EXTENSIONS:
        raise GraphError(
            f"{label}: cannot tell the graph format from the extension {ext!r}; use "
            f"one of {sorted(_EXTENSIONS)} or pass format= (one of {list(FORMATS)})."
        )
    return _EXTENSIONS[ext]


def _checked_pair(
    nodes: Sequence[str], adjacency: np.ndarray, name: str
) -> tuple[list[str], np.ndarray]:
    names = [str(n) for n in nodes]
    A = np.array(adjacency, dtype=np.float64)
    d = len(names)
    if A.shape != (d, d):
        raise GraphError(
            f"{name}: the adjacency has shape {A.shape} but there are {d} node names; "
            "it must be square with one row and column per node."
        )
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise GraphError(
            f"{name}: node name(s) {dup} appear more than once; every node needs its "
            "own name."
        )
    if not np.isfinite(A).all():
        i, j = map(int, np.argwhere(~np.isfinite(A))[0])
        raise GraphError(
            f"{name}: the weight of {names[i]} -> {names[j]} is not a finite number."
        )
    return names, A


def _fmt(w: float) -> str:
    return repr(float(w)) if w != int(w) else str(int(w))


def _edges(A: np.ndarray) -> list[tuple[int, int, float]]:
    src, dst = np.nonzero(A)
    return [(int(i), int(j), float(A[i, j])) for i, j in zip(src, dst, strict=True)]


# --- writers ---


def _to_json(nodes: list[str], A: np.ndarray) -> str:
    return _json_text(nodes, _edges(A), directed=True)


def _json_text(
    nodes: Sequence[str], edges: Sequence[tuple[int, int, float]], *, directed: bool
) -> str:
    data = {
        "directed": directed,
        "multigraph": False,
        "graph": {},
        "nodes": [{"id": n} for n in nodes],
        "edges": [
            {"source": nodes[i], "target": nodes[j], "weight": w} for i, j, w in edges
        ],
    }
    return json.dumps(data, indent=1) + "\n"


def _gml_string(s: str) -> str:
    out = s.replace("&", "&amp;").replace('"', "&quot;")
    return '"' + "".join(c if 32 <= ord(c) < 128 else f"&#{ord(c)};" for c in out) + '"'


# Characters a format cannot carry in a name: GML's reader (HTML entities) drops
# or remaps the other control characters; the CSV readers split lines at these,
# and a blank name is no node. (They strip blanks at the ends of names, which
# read_graph(..., columns=...) maps back to the columns.)
_GML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CSV_UNSAFE = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]|^\\s*$")


def _check_names_for(names: list[str], format: str, owner: str) -> None:
    """Refuse names that ``format`` could not give back unchanged."""
    unsafe = {"gml": _GML_UNSAFE, "adjacency": _CSV_UNSAFE, "edgelist": _CSV_UNSAFE}
    pattern = unsafe.get(format)
    bad = [n for n in names if pattern is not None and pattern.search(n)]
    if bad:
        raise GraphError(
            f"{owner}: the {format} format cannot hold the node name(s) "
            f"{', '.join(ascii(n) for n in bad[:5])} unchanged (an empty name or "
            "a control character); save as JSON or DOT, which keep every name, or "
            "rename those nodes."
        )


def _to_gml(nodes: list[str], A: np.ndarray) -> str:
    return _gml_text(nodes, _edges(A), directed=True)


def _gml_text(
    nodes: Sequence[str], edges: Sequence[tuple[int, int, float]], *, directed: bool
) -> str:
    lines = ["graph [", f"  directed {int(directed)}"]
    for k, n in enumerate(nodes):
        lines += ["  node [", f"    id {k}", f"    label {_gml_string(n)}", "  ]"]
    for i, j, w in edges:
        lines += ["  edge [", f"    source {i}", f"    target {j}"]
        lines += [f"    weight {_gml_real(w)}", "  ]"]
    lines.append("]")
    return "\n".join(lines) + "\n"


def _gml_real(w: float) -> str:
    """A weight as GML reads it back: a real needs a point before any exponent.

    GML parsers (networkx's among them) read ``1e-05`` as the integer 1 followed by
    a key ``e``; ``1.0e-05`` is the same number in GML's own syntax.
    """
    text = _fmt(w)
    if "e" in text and "." not in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


# an integer mantissa with an exponent (1e-05, 3E+20) outside quoted strings
_GML_BARE_EXPONENT = re.compile(
    r'("(?:[^"\\]|\\.)*")|(?<![\w.])([+-]?\d+)([eE][+-]?\d+)'
)


def _gml_exponents(text: str) -> str:
    """Give every integer-mantissa exponent number a point (``1e-05`` -> ``1.0e-05``).

    Other writers put such numbers in GML files; read as written, the weight would
    come back as the integer mantissa (1 instead of 0.00001).
    """

    def fix(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        return f"{match.group(2)}.0{match.group(3)}"

    return _GML_BARE_EXPONENT.sub(fix, text)


def _dot_id(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _to_dot(nodes: list[str], A: np.ndarray) -> str:
    return _dot_text(nodes, _edges(A), directed=True)


def _dot_text(
    nodes: Sequence[str], edges: Sequence[tuple[int, int, float]], *, directed: bool
) -> str:
    kind, arrow = ("digraph", "->") if directed else ("graph", "--")
    lines = [f"{kind} G {{"]
    lines += [f"  {_dot_id(n)};" for n in nodes]
    for i, j, w in edges:
        lines.append(
            f"  {_dot_id(nodes[i])} {arrow} {_dot_id(nodes[j])} [weight={_fmt(w)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def undirected_graph_text(
    nodes: Sequence[str], edges: np.ndarray, weights: np.ndarray, format: str
) -> str:
    """Serialise an undirected weighted graph given as an edge list.

    For graphs too large for a dense adjacency (a learned graph over thousands of
    nodes). GML gets ``directed 0``, DOT a ``graph`` with ``--`` edges, JSON
    ``"directed": false``; each edge appears once.

    Parameters
    ----------
    nodes : sequence of str
        Node names (n).
    edges : ndarray of shape (m, 2), int
        Node indices of each edge.
    weights : ndarray of shape (m,)
        Edge weights.
    format : {"json", "gml", "dot", "edgelist"}

    Returns
    -------
    str

    Examples
    --------
    >>> print(undirected_graph_text(["a", "b"], np.array([[0, 1]]), [0.5], "dot"))
    graph G {
      "a";
      "b";
      "a" -- "b" [weight=0.5];
    }
    <BLANKLINE>
    """
    check_choice(
        "undirected_graph_text", "format", format, ("json", "gml", "dot", "edgelist")
    )
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    weights = np.asarray(weights, dtype=float).reshape(-1)
    if len(weights) != len(edges):
        raise GraphError(
            f"undirected_graph_text: {len(edges)} edges but {len(weights)} weights; "
            "pass one weight per edge."
        )
    if not np.isfinite(weights).all():
        k = int(np.flatnonzero(~np.isfinite(weights))[0])
        raise GraphError(
            f"undirected_graph_text: edge {k} has the weight {weights[k]}; weights "
            "must be finite numbers."
        )
    if len(edges) and (edges.min() < 0 or edges.max() >= len(nodes)):
        raise GraphError(
            f"undirected_graph_text: an edge refers to node {int(edges.max())}, but "
            f"there are {len(nodes)} nodes."
        )
    rows = [
        (int(i), int(j), float(w)) for (i, j), w in zip(edges, weights, strict=True)
    ]
    names = [str(n) for n in nodes]
    _check_names_for(names, format, "undirected_graph_text")
    if format == "gml":
        return _gml_text(names, rows, directed=False)
    if format == "dot":
        return _dot_text(names, rows, directed=False)
    if format == "edgelist":
        table = [["source", "target", "weight"]]
        table += [[names[i], names[j], _fmt(w)] for i, j, w in rows]
        return _csv_text(table)
    return _json_text(names, rows, directed=False)


def _csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _to_adjacency(nodes: list[str], A: np.ndarray) -> str:
    rows = [["", *nodes]]
    rows += [[n, *(_fmt(w) for w in A[k])] for k, n in enumerate(nodes)]
    return _csv_text(rows)


def _to_edgelist(nodes: list[str], A: np.ndarray) -> str:
    rows = [["source", "target", "weight"]]
    rows += [[nodes[i], nodes[j], _fmt(w)] for i, j, w in _edges(A)]
    return _csv_text(rows)


# --- readers ---


class _Builder:
    """Collect nodes and edges, rejecting duplicates and zero weights."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.index: dict[str, int] = {}
        self.edges: dict[tuple[int, int], float] = {}

    def node(self, label: str, *, declare: bool = False) -> int:
        label = str(label)
        if label in self.index:
            if declare:
                raise GraphError(
                    f"{self.name}: node {label!r} is declared more than once; every "
                    "node needs its own name."
                )
            return self.index[label]
        self.index[label] = len(self.index)
        return self.index[label]

    def edge(self, src: str, dst: str, weight: float = 1.0, where: str = "") -> None:
        i, j = self.node(src), self.node(dst)
        at = f" ({where})" if where else ""
        if not math.isfinite(weight) or weight == 0:
            raise GraphError(
                f"{self.name}: edge {src} -> {dst}{at} has weight {weight!r}; weights "
                "must be finite and non-zero (leave the edge out instead of 0)."
            )
        if (i, j) in self.edges:
            raise GraphError(
                f"{self.name}: edge {src} -> {dst} is listed more than once{at}; keep "
                "one."
            )
        self.edges[(i, j)] = weight

    def result(self) -> tuple[list[str], np.ndarray]:
        nodes = list(self.index)
        A = np.zeros((len(nodes), len(nodes)))
        for (i, j), w in self.edges.items():
            A[i, j] = w
        return nodes, A


def _weight(value: object, name: str, where: str) -> float:
    if value is None or value == "":
        return 1.0
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise GraphError(
            f"{name}: the weight {value!r} ({where}) is not a number."
        ) from err


def _from_json(text: str, name: str) -> tuple[list[str], np.ndarray]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise GraphError(
            f"{name}: not valid JSON ({err.msg} at line {err.lineno}); expected a "
            "node-link graph with 'nodes' and 'edges'."
        ) from err
    if isinstance(data, dict) and {"node_names", "adjacency"} <= set(data):
        return _from_result_json(data, name)
    if not isinstance(data, dict) or "nodes" not in data:
        raise GraphError(
            f"{name}: expected a JSON object with 'nodes' and 'edges' (node-link "
            "format), or a DAG result saved by Structure Lab."
        )
    if data.get("directed") is False:
        raise GraphError(
            f"{name}: the graph is marked undirected; causal graphs must be directed "
            '(set "directed": true and orient every edge).'
        )
    b = _Builder(name)
    for k, node in enumerate(data["nodes"]):
        label = node.get("id", node.get("name")) if isinstance(node, dict) else node
        if label is None:
            raise GraphError(f"{name}: node {k} has no 'id'.")
        b.node(str(label), declare=True)
    links = data.get("edges", data.get("links", []))
    for k, e in enumerate(links):
        if not isinstance(e, dict) or "source" not in e or "target" not in e:
            raise GraphError(f"{name}: edge {k} needs 'source' and 'target'.")
        where = f"edge {k}"
        b.edge(
            str(e["source"]),
            str(e["target"]),
            _weight(e.get("weight"), name, where),
            where,
        )
    return b.result()


def _from_result_json(data: dict, name: str) -> tuple[list[str], np.ndarray]:
    """The graph of a saved DAG result (``DagResult.to_json``, the app's download)."""
    from engine.results import from_jsonable

    try:
        nodes = [str(n) for n in data["node_names"]]
        A = np.asarray(from_jsonable(data["adjacency"]), dtype=bool)
        W = from_jsonable(data.get("weights"))
        W = np.asarray(W, dtype=float) if W is not None else A.astype(float)
    except (KeyError, TypeError, ValueError) as err:
        raise GraphError(
            f"{name}: looks like a saved DAG result but its 'adjacency' or "
            f"'weights' cannot be read ({err}); download the result again."
        ) from err
    d = len(nodes)
    if A.shape != (d, d) or W.shape != (d, d):
        raise GraphError(
            f"{name}: a saved DAG result with {d} node names needs a ({d}, {d}) "
            f"adjacency and weights; got {A.shape} and {W.shape}."
        )
    b = _Builder(name)
    for label in nodes:
        b.node(label, declare=True)
    for i, j in np.argwhere(A):
        where = f"edge {nodes[i]} -> {nodes[j]}"
        b.edge(nodes[i], nodes[j], float(W[i, j]) or 1.0, where)
    return b.result()


# A GML string (names may hold any words) and the key that says whether the
# graph is directed, outside strings: without it, GML reads the graph undirected.
_GML_STRING = re.compile(r'"[^"]*"')
_GML_DIRECTED = re.compile(r"(?<![\w.])directed\b")


def _from_gml(text: str, name: str) -> tuple[list[str], np.ndarray]:
    try:
        G = nx.parse_gml(_gml_exponents(text), label=None)
    except (nx.NetworkXError, ValueError, KeyError) as err:
        raise GraphError(f"{name}: not a readable GML graph ({err}).") from err
    if not G.is_directed() and not _GML_DIRECTED.search(_GML_STRING.sub("", text)):
        raise GraphError(
            f"{name}: the GML graph has no 'directed 1' line, so it is undirected "
            "(GML's default) and the direction of its edges is unknown, which a true "
            "graph or prior knowledge needs. Add the line 'directed 1' below "
            "'graph [' (each edge then points from its source to its target), or "
            "give the graph as a CSV edge list with the header 'source,target'."
        )
    if not G.is_directed():
        raise GraphError(
            f"{name}: the GML graph is undirected ('directed 0', as the Learn-a-graph "
            "page and GraphResult.to_text('gml') write a learned graph), and "
            "read_graph reads directed graphs only. For a learned graph, load the "
            "result with engine.GraphResult.from_json (its edges and "
            "edge_probabilities) or this file with networkx.read_gml; for a causal "
            "graph, write 'directed 1' and orient every edge."
        )
    if G.is_multigraph():
        raise GraphError(f"{name}: the GML graph repeats an edge; keep one per pair.")
    labelled = all("label" in attrs for _, attrs in G.nodes(data=True))
    label = {
        n: str(attrs["label"] if labelled else n) for n, attrs in G.nodes(data=True)
    }
    b = _Builder(name)
    for n in G.nodes:
        b.node(label[n], declare=True)
    for u, v, attrs in G.edges(data=True):
        where = f"{label[u]} -> {label[v]}"
        b.edge(label[u], label[v], _weight(attrs.get("weight"), name, where))
    return b.result()


# Comments are tokens too, so that '//', '/*' or '#' inside a quoted name stay
# part of the name ('#' starts a comment only where a token may start).
_DOT_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<comment>/\*.*?\*/|//[^\n]*|#[^\n]*)'
    r"|(?P<arrow>->|--)|(?P<id>[A-Za-z_0-9.\-\u0080-\uffff]+)|(?P<html><[^>]*>)"
    r"|(?P<punct>[{}\[\];,=:]))",
    re.S,
)

_BLANK_REST = re.compile(r"\s*\Z")


def _dot_tokens(text: str, name: str) -> list[str]:
    tokens, pos = [], 0
    while not _BLANK_REST.match(text, pos):
        m = _DOT_TOKEN.match(text, pos)
        if not m:
            snippet = text[pos : pos + 20].strip()
            raise GraphError(f"{name}: cannot read the DOT text near {snippet!r}.")
        pos = m.end()
        if m.lastgroup == "comment":
            continue
        tok = m.group(m.lastgroup)
        if m.lastgroup == "str":
            tok = "\x01" + re.sub(r"\\(.)", r"\1", tok[1:-1])
        tokens.append(tok)
    return tokens


def _from_dot(text: str, name: str) -> tuple[list[str], np.ndarray]:
    tokens = _dot_tokens(text, name)
    words = [t.lower() for t in tokens[:3]]
    if "graph" in words and "digraph" not in words:
        raise GraphError(
            f"{name}: the DOT graph is undirected ('graph'); use 'digraph' with '->' "
            "edges."
        )
    try:
        start = tokens.index("{")
    except ValueError:
        raise GraphError(
            f"{name}: no '{{' found; expected 'digraph {{ ... }}'."
        ) from None
    if tokens[-1] != "}":
        raise GraphError(f"{name}: the DOT graph does not end with '}}'.")
    b = _Builder(name)
    for stmt in _dot_statements(tokens[start + 1 : -1], name):
        _dot_statement(stmt, b, name)
    return b.result()


def _dot_statements(tokens: list[str], name: str) -> list[list[str]]:
    stmts, cur, depth = [], [], 0
    for tok in tokens:
        if tok in ("{", "}"):
            raise GraphError(
                f"{name}: subgraphs ('{{ ... }}' inside the graph) are not supported; "
                "list the edges one by one."
            )
        if tok == "[":
            depth += 1
        elif tok == "]":
            depth -= 1
        if tok == ";" and depth == 0:
            if cur:
                stmts.append(cur)
            cur = []
            continue
        cur.append(tok)
    if cur:
        stmts.append(cur)
    # statements may also be separated by line breaks only: split on bare IDs
    return [s for stmt in stmts for s in _split_run_on(stmt)]


_DOT_PUNCT = frozenset({"->", "--", "=", "[", "]", ",", ":", "{", "}", ";"})


def _split_run_on(stmt: list[str]) -> list[list[str]]:
    """Split statements that were separated by whitespace only (``a -> b c -> d``)."""
    out, cur, depth = [], [], 0
    for k, tok in enumerate(stmt):
        cur.append(tok)
        depth += (tok == "[") - (tok == "]")
        nxt = stmt[k + 1] if k + 1 < len(stmt) else None
        ends = tok == "]" or tok not in _DOT_PUNCT
        if depth == 0 and nxt is not None and ends and nxt not in _DOT_PUNCT:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _dot_attrs(tokens: list[str]) -> dict[str, str]:
    attrs, k = {}, 0
    while k < len(tokens):
        if k + 2 < len(tokens) and tokens[k + 1] == "=":
            attrs[tokens[k].lstrip("\x01").lower()] = tokens[k + 2].lstrip("\x01")
            k += 3
        else:
            k += 1
    return attrs


def _dot_statement(stmt: list[str], b: _Builder, name: str) -> None:
    head = stmt[0].lower()
    if head in ("graph", "node", "edge") or (len(stmt) >= 2 and stmt[1] == "="):
        return  # default attributes or graph attributes
    attrs: dict[str, str] = {}
    if "[" in stmt:
        k = stmt.index("[")
        attrs = _dot_attrs(stmt[k + 1 : -1])
        stmt = stmt[:k]
    if "--" in stmt:
        raise GraphError(f"{name}: undirected edge '--' found; use '->'.")
    ids = [t for t in stmt if t != "->"]
    labels = [t.lstrip("\x01") for t in ids]
    if len(ids) * 2 - 1 != len(stmt) or any(t in (",", "=", ":") for t in ids):
        raise GraphError(f"{name}: cannot read the DOT statement {' '.join(labels)!r}.")
    if len(labels) == 1:
        b.node(labels[0])
        return
    w = _weight(attrs.get("weight"), name, " -> ".join(labels))
    for u, v in itertools.pairwise(labels):
        b.edge(u, v, w, f"{u} -> {v}")


def _csv_rows(text: str) -> list[list[str]]:
    """The cells of a CSV graph's lines, split as an edge list's are
    (:func:`engine.data.graph_cells`: a comma, semicolon, tab or blanks).

    In a file not separated by commas, a cell that is a number with a decimal
    comma (``0,5``, as European spreadsheets write weights) is that number
    with a point, as :func:`engine.data.read_table` reads such files.
    """
    try:
        rows = graph_cells(text)
    except csv.Error as err:  # e.g. a carriage return inside an unquoted name
        raise GraphError(
            f"the CSV text cannot be read ({err}); quote names that hold line "
            "breaks, or save the graph as JSON."
        ) from err
    if graph_separator(text) == ",":
        return rows
    return [[_point(cell) for cell in row] for row in rows]


_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _point(cell: str) -> str:
    """``cell`` with its decimal comma made a point when it is such a number."""
    return cell.replace(",", ".") if _DECIMAL_COMMA.fullmatch(cell) else cell


def _sniff_csv_kind(text: str) -> str:
    rows = _csv_rows(text)
    head = tuple(c.lower() for c in rows[0][:2]) if rows else ()
    return "edgelist" if head in _EDGE_HEADERS else "adjacency"


def _from_edgelist(text: str, name: str) -> tuple[list[str], np.ndarray]:
    rows = _csv_rows(text)
    head = tuple(c.lower() for c in rows[0][:2])
    if head not in _EDGE_HEADERS:
        raise GraphError(
            f"{name}: an edge list needs the header 'source,target[,weight]'; got "
            f"{rows[0][:3]}."
        )
    has_weight = len(rows[0]) > 2 and rows[0][2].lower() == "weight"
    b = _Builder(name)
    for k, row in enumerate(rows[1:], start=2):
        if row[0] and (len(row) < 2 or not row[1]) and not any(row[2:]):
            b.node(row[0])  # a node without edges (earlier versions wrote these)
            continue
        if len(row) < 2 or not row[0] or not row[1]:
            raise GraphError(
                f"{name}: line {k} needs a source and a target; got {row}. A line "
                "is an edge source,target[,weight], or a node without edges: its "
                "name with the other cells empty."
            )
        w = _weight(row[2] if has_weight and len(row) > 2 else None, name, f"line {k}")
        b.edge(row[0], row[1], w, f"line {k}")
    return b.result()


def _from_adjacency(text: str, name: str) -> tuple[list[str], np.ndarray]:
    rows = _csv_rows(text)
    if not rows:  # a graph without nodes: write_graph gives a lone empty cell
        return [], np.zeros((0, 0))
    header, body = rows[0], rows[1:]
    row_names = None
    if header[0] == "" or (body and len(body[0]) == len(header) + 1):
        header = header[1:] if header[0] == "" else header
        row_names = [r[0] for r in body]
        body = [r[1:] for r in body]
    d = len(header)
    k = len(rows)
    if _headerless(rows):
        raise GraphError(
            f"{name}: every row holds numbers, so the file has no header row with "
            f"the node names; a {k} x {k} adjacency matrix needs them as its "
            "first row (e.g. a,b,c), or read it with the data's "
            "column names (read_graph(..., columns=...)): then its rows and "
            "columns are taken in their order."
        )
    if len(body) != d or any(len(r) != d for r in body):
        raise GraphError(
            f"{name}: read as an adjacency matrix (its header does not start with "
            f"source,target), but an adjacency matrix needs one row per column "
            f"name ({d} x {d}); got {len(body)} rows of lengths "
            f"{sorted({len(r) for r in body})} below the names "
            f"{format_names(header, 5)}. {_graph_csv_advice(header)}"
        )
    b = _Builder(name)
    for n in header:
        b.node(n, declare=True)
    if row_names is not None and row_names != header:
        raise GraphError(
            f"{name}: the row names {format_names(row_names, 10)} differ from the "
            f"column names {format_names(header, 10)}; they must be the same nodes "
            "in the same order."
        )
    for i, row in enumerate(body):
        for j, cell in enumerate(row):
            where = f"row {header[i]}, column {header[j]}"
            try:
                w = _weight(cell or "0", name, where)
            except GraphError as err:
                raise GraphError(_not_a_matrix(name, header, cell, where)) from err
            if w != 0:
                b.edge(header[i], header[j], w, f"row {header[i]}")
    return b.result()


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _headerless(rows: list[list[str]]) -> bool:
    """Whether CSV rows are a square matrix of numbers without a header row.

    A matrix with a header row of names has one row more than it has columns,
    so a square block of numbers cannot be one, even with numeric node names.
    """
    d = len(rows)
    return d > 0 and all(len(r) == d and all(_is_number(c) for c in r) for r in rows)


def _named_matrix(text: str, columns: Sequence[str], name: str) -> str:
    """``text`` as a CSV adjacency with ``columns`` as its header row when it is
    a headerless d x d matrix over the d columns; else ``text`` as it is."""
    rows = _csv_rows(text)
    if not _headerless(rows):
        return text
    if len(rows) != len(columns):
        raise GraphError(
            f"{name}: a matrix of numbers without a header row is read over the "
            f"data's columns in their order, but it is {len(rows)} x {len(rows)} "
            f"and the data has {len(columns)} columns "
            f"({format_names(list(columns), 10)}); give a {len(columns)} x "
            f"{len(columns)} matrix, or add a header row with the node names."
        )
    return _csv_text([list(columns), *rows])


def _not_a_matrix(name: str, header: list[str], cell: str, where: str) -> str:
    """Why a CSV read as an adjacency matrix is not one, and what a graph CSV is."""
    return (
        f"{name}: read as an adjacency matrix (its header does not start with "
        f"source,target), but the cell {cell!r} ({where}) is not a number. "
        + _graph_csv_advice(header)
    )


def _graph_csv_advice(header: list[str]) -> str:
    """What a graph CSV is, and what to do with a file whose first line
    ``header`` is a node,tier header or an edge of a headerless edge list."""
    text = (
        "A graph CSV is an edge list with the header source,target[,weight] (or "
        "from,to, parent,child, cause,effect), or a square matrix of numbers with "
        "the node names as header"
    )
    if [h.strip().lower() for h in header[:2]] == ["node", "tier"]:
        tiers = "; this node,tier file holds tiers (prior knowledge), not a graph."
        return text + tiers
    if len(header) in (2, 3):
        text += (
            f"; if this file is an edge list whose first line {header[:3]} is an "
            "edge, add the line source,target above it"
        )
    return text + "."
