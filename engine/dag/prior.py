"""Prior knowledge about a DAG: forbidden edges, required edges and tiers.

Every learner of :mod:`engine.dag` enforces this knowledge exactly: a forbidden edge
never appears in a result, a required edge always does, and the tiers hold as a
causal order: no node of a later tier is an ancestor of a node of an earlier tier;
untiered nodes may sit anywhere in between as long as that holds (so neither an
edge nor a path through untiered nodes leads from a later tier back to an earlier
one).

Orientation everywhere: ``forbidden[i, j]`` (``required[i, j]``) is about the edge
``i -> j`` (row = parent, column = child).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.data import decode_text, sniff_delimiter
from engine.errors import DataError, GraphError, format_names, plain
from engine.names import name_position
from engine.validation import unpadded_match

__all__ = ["PriorKnowledge"]

Edge = tuple[Any, Any]

# Largest |tier|: tiers stay exact as floats and fit the app's integer columns.
MAX_TIER = 2**31 - 1


def _index_of(names: Sequence[str], node: Any, owner: str) -> int:
    """Resolve a node by the rule of :mod:`engine.names`.

    A value equal to a node name (``3`` is the node ``"3"``, as in a DataFrame
    with columns ``[1, 2, 3]``) or a number equal to one numbered name is
    that node; an integer is a position only when no node name is a number.
    A text that is no name also finds the one name equal to it once both are
    stripped (``"a"`` for a column ``" a"``: CSV cells are read stripped).
    """
    names = [str(n) for n in names]
    if isinstance(node, str) and node not in names:
        padded = unpadded_match(node.strip(), names)
        if padded is not None:
            return padded
    return name_position(
        node, names, owner=owner, what="node", field="names", error=DataError
    )


def _cell_index(
    names: tuple[str, ...], cell: str, where: str, column: str | None = None
) -> int:
    """The position of the node a prior file's ``cell`` names.

    A cell is text, so it names a node by its name only (stripped, as
    :func:`_index_of` matches it), never by a position: ``0`` in a file over
    ``a, b, c`` is no node. ``where`` (the line and file) starts the message of
    an unknown one, and ``column`` (``"source"``) says which cell it is.
    """
    cell = cell.strip()
    if cell in names:
        return names.index(cell)
    padded = unpadded_match(cell, list(names))
    if padded is not None:
        return padded
    which = "" if column is None else f" ({column})"
    raise DataError(
        f"{where} names node {cell!r}{which}, which is no node name; prior files "
        f"name nodes by their names: {format_names(names)}."
    )


def _edge_mask(
    edges: Iterable[Edge], names: Sequence[str], owner: str
) -> NDArray[np.bool_]:
    d = len(names)
    mask = np.zeros((d, d), dtype=bool)
    for edge in edges:
        if isinstance(edge, str | bytes) or len(edge) != 2:
            raise DataError(
                f"{owner}: an edge must be a (source, target) pair; got {edge!r}."
            )
        i = _index_of(names, edge[0], owner)
        j = _index_of(names, edge[1], owner)
        if i == j:
            raise GraphError(
                f"{owner}: self-loop {names[i]!r} -> {names[i]!r} is not "
                "allowed in a DAG."
            )
        mask[i, j] = True
    return mask


@dataclass(frozen=True, eq=False, repr=False)
class PriorKnowledge:
    """Hard constraints on the edges of a DAG over ``d`` named nodes.

    Attributes
    ----------
    forbidden : ndarray of bool, shape (d, d)
        ``forbidden[i, j]`` is True when the edge ``i -> j`` must not appear.
    required : ndarray of bool, shape (d, d)
        ``required[i, j]`` is True when the edge ``i -> j`` must appear.
    tiers : ndarray of float, shape (d,), or None
        Tier of every node, a whole number, or NaN for a node without a tier. A
        node of a lower tier comes before every node of a higher tier in the
        causal order: no node of a later tier is an ancestor of a node of an
        earlier tier; untiered nodes may sit anywhere in between as long as that
        holds. So edges from a later tier to an earlier one are forbidden, and so
        is a path from a later tier to an earlier one through untiered nodes
        (``x2 -> x1 -> x0`` with ``x2`` in tier 1, ``x0`` in tier 0, ``x1``
        untiered); edges inside a tier are allowed. ``None``: no tiers.
    names : tuple of str, length d
        Node names, in the column order of the data.

    Notes
    -----
    Construct with :meth:`from_edges`, :meth:`from_csv`, :meth:`from_dict` or
    :meth:`empty`; the constructor validates consistency (no edge both forbidden
    and required, no required edge against the tiers, required edges acyclic).

    A prior is immutable (frozen, read-only arrays), so it has value equality:
    two priors are equal (``==``) when their names, forbidden and required edges
    and tiers are (NaN, no tier, equal to NaN; tiers all NaN equal to None);
    equal priors hash alike, so a prior can be a dict key or a set member.
    """

    forbidden: NDArray[np.bool_]
    required: NDArray[np.bool_]
    tiers: NDArray[np.float64] | None
    names: tuple[str, ...]

    def __post_init__(self) -> None:
        names = tuple(str(n) for n in self.names)
        _check_unique(names, "PriorKnowledge")
        object.__setattr__(self, "names", names)
        d = len(names)
        forbidden = self._square(self.forbidden, "forbidden", d)
        required = self._square(self.required, "required", d)
        tiers = None
        if self.tiers is not None:
            tiers = _tier_array(self.tiers, d)
            tiers.setflags(write=False)
        object.__setattr__(self, "forbidden", forbidden)
        object.__setattr__(self, "required", required)
        object.__setattr__(self, "tiers", tiers)
        self._check_consistent()

    def __eq__(self, other: object) -> bool:
        """Equal names, forbidden and required edges and tiers (NaN equal NaN)."""
        if not isinstance(other, PriorKnowledge):
            return NotImplemented
        return (
            self.names == other.names
            and np.array_equal(self.forbidden, other.forbidden)
            and np.array_equal(self.required, other.required)
            and _tier_key(self.tiers) == _tier_key(other.tiers)
        )

    def __repr__(self) -> str:
        """One short line: the nodes (the first few named) and the constraints
        counted, e.g. ``PriorKnowledge(3 nodes ['a', 'b', 'c'], 1 forbidden
        edge, 0 required edges, no tiers)``; :meth:`to_dict` lists them all."""
        tiers = "no tiers"
        if self.tiers is not None and not np.isnan(self.tiers).all():
            tiered = self.tiers[~np.isnan(self.tiers)]
            tiers = (
                f"{_counted(len(np.unique(tiered)), 'tier')} over "
                f"{_counted(tiered.size, 'node')}"
            )
        return (
            f"PriorKnowledge({_counted(self.n_nodes, 'node')} "
            f"{format_names(self.names, _REPR_NAMES)}, "
            f"{_counted(int(self.forbidden.sum()), 'forbidden edge')}, "
            f"{_counted(int(self.required.sum()), 'required edge')}, {tiers})"
        )

    def __hash__(self) -> int:
        """Hash of what :meth:`__eq__` compares."""
        return hash(
            (
                self.names,
                np.packbits(self.forbidden).tobytes(),
                np.packbits(self.required).tobytes(),
                _tier_key(self.tiers),
            )
        )

    @staticmethod
    def _square(a: Any, name: str, d: int) -> NDArray[np.bool_]:
        arr = np.array(a, dtype=bool, copy=True)
        if arr.shape != (d, d):
            raise DataError(
                f"PriorKnowledge: '{name}' must have shape ({d}, {d}) to match "
                f"{d} names; got {arr.shape}."
            )
        if arr.diagonal().any():
            raise GraphError(
                f"PriorKnowledge: '{name}' has self-loops on the "
                "diagonal; a DAG has none. Clear the diagonal."
            )
        arr.setflags(write=False)
        return arr

    def _check_consistent(self) -> None:
        """Refuse constraints no DAG can meet, naming every conflict at once."""
        problems = self._edge_conflicts()
        cycles, more_cycles = _required_cycles(self.required)
        for cycle in cycles:
            path = " -> ".join(repr(self.names[k]) for k in [*cycle, cycle[0]])
            problems.append(
                f"the required edges {path} form a cycle, so no DAG can satisfy "
                "them; remove one edge of the cycle"
            )
        problems += self._paths_against_tiers()
        if len(problems) == 1:
            raise GraphError(f"PriorKnowledge: {problems[0]}.")
        if problems:
            shown = " ".join(f"({k}) {p}." for k, p in enumerate(problems[:10], 1))
            more = f" ... and {len(problems) - 10} more." if len(problems) > 10 else ""
            if more_cycles:
                more += (
                    f" ... and more cycles of required edges than the {len(cycles)} "
                    "counted here; remove edges until the required ones form no "
                    "cycle."
                )
            raise GraphError(
                f"PriorKnowledge: the constraints conflict in "
                f"{'at least ' if more_cycles else ''}{len(problems)} places, so no "
                f"DAG can satisfy them: {shown}{more}"
            )

    def _edge_conflicts(self) -> list[str]:
        """Each required edge that is forbidden or against the tiers, in words."""
        out = []
        n = self.names
        t = np.full(len(n), np.nan) if self.tiers is None else self.tiers
        for i, j in np.argwhere(self.required & self.forbidden_by_tiers()):
            tiers = f"{n[i]!r} is in tier {t[i]:.0f}, {n[j]!r} in tier {t[j]:.0f}"
            edge = f"the edge {n[i]!r} -> {n[j]!r}"
            if not t[i] > t[j]:
                out.append(
                    f"{edge} is both required and forbidden; remove one of the two "
                    "constraints"
                )
            elif not self.forbidden[i, j]:
                out.append(
                    f"{edge} is both required and against the tiers ({tiers}); "
                    "remove one of the two constraints"
                )
            else:
                out.append(
                    f"{edge} is required, yet forbidden and against the tiers "
                    f"({tiers}); remove the requirement, or both the prohibition "
                    "and the tier order"
                )
        return out

    def _paths_against_tiers(self) -> list[str]:
        """Required edges that chain a later tier back to an earlier one, in words.

        Each edge may respect the tiers while a path of them does not: with
        ``a -> b -> c`` required, ``a`` comes before ``c`` whatever their tiers say.
        A single required edge against the tiers is one of :meth:`_edge_conflicts`,
        and so are the paths through it; every other path is named, one shortest
        one per pair of nodes, whether or not the required edges also hold a cycle.
        """
        if self.tiers is None:
            return []
        t = self.tiers
        later = t[:, None] > t[None, :]
        # a path through a required edge against the tiers follows from that
        # edge's conflict: only paths of edges that each respect the tiers count
        steps = self.required & ~later
        back = _transitive_closure(steps) & later & ~self.required
        n = self.names
        out = []
        for i, j in np.argwhere(back):
            path = " -> ".join(repr(n[k]) for k in _shortest_path(steps, i, j))
            out.append(
                f"the required edges {path} lead from {n[i]!r} (tier {int(t[i])}) to "
                f"{n[j]!r} (tier {int(t[j])}), so {n[i]!r} would come first against "
                "the tiers; remove a required edge on that path or change one of the "
                "two tiers"
            )
        return out

    # --- constructors ---

    @classmethod
    def empty(cls, names: Sequence[str]) -> PriorKnowledge:
        """No constraints over the given nodes."""
        d = len(names)
        z = np.zeros((d, d), dtype=bool)
        return cls(forbidden=z, required=z, tiers=None, names=tuple(names))

    @classmethod
    def from_edges(
        cls,
        names: Sequence[str],
        *,
        forbidden: Iterable[Edge] = (),
        required: Iterable[Edge] = (),
        tiers: Mapping[str, int] | Sequence[int] | None = None,
    ) -> PriorKnowledge:
        """Build from edge lists (nodes by name or index) and optional tiers.

        Parameters
        ----------
        names : sequence of str, length d
            Node names in data column order.
        forbidden, required : iterable of (source, target)
            Edges, each node given by name or integer position, by the rule of
            :mod:`engine.names`: a value equal to a name (``3`` is the node
            ``"3"``, as in a DataFrame with columns ``[1, 2, 3]``), or a number
            equal to one numbered name (``1`` for ``"1.0"``), is that node; an
            integer is a position (``0`` the first node) only when no node name
            is a number, so with numbered names a number that names no node is
            an error.
        tiers : mapping of name to int, sequence of int of length d, or None
            Tier per node, whole numbers (a lower tier comes first in the causal
            order): no node of a later tier is an ancestor of a node of an
            earlier tier. A mapping's keys are nodes as in ``forbidden``; it may
            leave nodes out: a node it does not list
            has no tier and may sit anywhere in between as long as that holds. A
            sequence gives every node a tier.

        Returns
        -------
        PriorKnowledge

        Raises
        ------
        DataError
            Repeated names, unknown nodes, a tier that is not a whole number or
            beyond +-2147483647, a sequence of tiers of the wrong length.
        GraphError
            Self-loops, conflicting constraints, required edges with a cycle.

        Examples
        --------
        >>> pk = PriorKnowledge.from_edges(["a", "b", "c"], forbidden=[("a", "c")],
        ...                                tiers={"a": 0, "c": 1})
        >>> pk.allowed_mask().astype(int).tolist()
        [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
        """
        return cls._from_lists(
            names, forbidden, required, tiers, "PriorKnowledge.from_edges"
        )

    @classmethod
    def _from_lists(
        cls,
        names: Sequence[str],
        forbidden: Iterable[Edge],
        required: Iterable[Edge],
        tiers: Mapping[str, int] | Sequence[int] | None,
        owner: str,
    ) -> PriorKnowledge:
        """:meth:`from_edges`, with ``owner`` named in its messages."""
        names = tuple(str(n) for n in names)
        _check_unique(names, owner)
        f = _edge_mask(forbidden, names, owner)
        r = _edge_mask(required, names, owner)
        t = None
        if tiers is not None:
            t = _tiers_from(tiers, names, owner)
        return cls(forbidden=f, required=r, tiers=t, names=names)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriorKnowledge:
        """Rebuild a prior from :meth:`to_dict` output (or its JSON).

        Parameters
        ----------
        data : dict
            ``names`` (required), ``forbidden`` and ``required`` (lists of
            ``[source, target]`` node names; default none) and ``tiers`` (node
            name to tier, or None).

        Returns
        -------
        PriorKnowledge
            Equal to the prior that wrote ``data``.

        Raises
        ------
        DataError
            Not such a dict (unknown keys, no ``names``, a field of the wrong
            kind), or what :meth:`from_edges` refuses.
        GraphError
            Self-loops, conflicting constraints, required edges with a cycle.

        Examples
        --------
        >>> pk = PriorKnowledge.from_edges(["a", "b"], forbidden=[("a", "b")])
        >>> PriorKnowledge.from_dict(pk.to_dict()) == pk
        True
        """
        fields = _dict_fields(data)
        return cls._from_lists(
            fields["names"],
            fields["forbidden"],
            fields["required"],
            fields["tiers"],
            "PriorKnowledge.from_dict",
        )

    @classmethod
    def from_csv(
        cls,
        names: Sequence[str],
        edges: CsvSource | None = None,
        tiers: CsvSource | None = None,
    ) -> PriorKnowledge:
        """Read constraints from CSV text or files.

        :meth:`read_csv` without its notes on how the files were read.

        Parameters
        ----------
        names : sequence of str
            Node names in data column order.
        edges : path, text, UTF-8 bytes or open file, optional
            CSV with columns ``source,target,kind`` where ``kind`` is ``forbidden``
            or ``required`` (``forbid`` and ``require`` too, in any case,
            surrounding blanks ignored); with no ``kind`` column every row is a
            forbidden edge, while an empty kind cell under a ``kind`` column is
            an error, as is an empty source or target. A header
            row is required; a byte-order mark is ignored. A file may be open in
            text or binary mode (``open(path, "rb")``, an upload's bytes); bytes
            are read as UTF-8, as ``bytes`` are. The delimiter is
            detected as :func:`engine.data.read_table` does it (``,``, ``;``,
            tab, ``|`` or an Excel ``sep=`` line); the same holds for ``tiers``.
            Other named columns are not read (:meth:`read_csv` notes them).
        tiers : path, text, UTF-8 bytes or open file, optional
            CSV with columns ``node,tier`` (header required), one row per node,
            whole-number tiers within +-2147483647 (a lower tier comes first
            in the causal order: no node of a later tier is an ancestor of a
            node of an earlier tier).
            Nodes the file does not list have no tier and may sit anywhere in
            between as long as that holds. A node listed twice is an error. A
            tier written as a whole number with decimals (``1.0``, as
            spreadsheets export it) is that number; ``2.5`` is an error, ``-1``
            a tier before 0 as in :meth:`from_edges`.

        Returns
        -------
        PriorKnowledge

        Raises
        ------
        DataError
            On a file that is not UTF-8, a missing column, unknown node, an
            empty cell, bad ``kind``, a tier that is not a whole number within
            +-2147483647, a node listed twice, or a row with more fields than
            the header (a ``kind`` cell under a ``source,target`` header is
            refused, not dropped) or a cell under a header cell left empty;
            the message names the line, and the file when given by its path.
        GraphError
            Conflicting constraints, as :meth:`from_edges`.
        """
        return cls.read_csv(names, edges=edges, tiers=tiers)[0]

    @classmethod
    def read_csv(
        cls,
        names: Sequence[str],
        edges: CsvSource | None = None,
        tiers: CsvSource | None = None,
    ) -> tuple[PriorKnowledge, list[str]]:
        """:meth:`from_csv`, with notes on what the files say without a mistake
        a reader could take for one.

        Parameters
        ----------
        names : sequence of str
            Node names in data column order.
        edges, tiers : path, text, UTF-8 bytes or open file, optional
            As for :meth:`from_csv`.

        Returns
        -------
        prior : PriorKnowledge
        notes : list of str
            One sentence each, starting with the file (``"the edge file ..."``,
            with its path when given one): an edge file without a ``kind``
            column (every row read as a forbidden edge), a file with a header
            but no rows (no constraint), columns the file has that are not read.
            Empty when there is nothing to say.

        Raises
        ------
        DataError, GraphError
            As :meth:`from_csv`.

        Examples
        --------
        >>> text = "source,target\\na,b\\n"
        >>> pk, notes = PriorKnowledge.read_csv(["a", "b"], edges=text)
        >>> pk.to_dict()["forbidden"], notes[0][:34]
        ([['a', 'b']], "the edge file has no 'kind' column")
        """
        names = tuple(str(n) for n in names)
        _check_unique(names, _FROM_CSV)
        forbidden: list[Edge] = []
        required: list[Edge] = []
        notes: list[str] = []
        if edges is not None:
            forbidden, required, notes = _edges_from_csv(edges, names)
        tier_map = None
        if tiers is not None:
            tier_map, tier_notes = _tiers_from_csv(tiers, names)
            notes += tier_notes
        try:
            prior = cls.from_edges(
                names, forbidden=forbidden, required=required, tiers=tier_map
            )
        except GraphError as err:  # conflicts: name the files that hold them
            files = [
                _file_label(source, what)
                for source, what in ((edges, "edge"), (tiers, "tier"))
                if _path_of(source) is not None
            ]
            if not files:
                raise
            rest = str(err).partition(": ")[2]
            raise GraphError(f"{_FROM_CSV} ({' and '.join(files)}): {rest}") from err
        return prior, notes

    @staticmethod
    def edge_kind(value: str) -> str:
        """The kind an edge file's (or editor's) kind cell names.

        Parameters
        ----------
        value : str
            ``forbidden``, ``forbid``, ``required`` or ``require``, in any case,
            surrounding blanks ignored.

        Returns
        -------
        str
            ``"forbidden"`` or ``"required"``, the words the writers use.

        Raises
        ------
        DataError
            ``value`` is not text, is blank, or is another word.

        Examples
        --------
        >>> PriorKnowledge.edge_kind(" Require ")
        'required'
        """
        kind = _kind_of(value) if isinstance(value, str) else None
        if kind is None:
            got = (
                "no kind (a blank text)"
                if isinstance(value, str) and not value.strip()
                else repr(plain(value))
            )
            raise DataError(
                f"PriorKnowledge.edge_kind: got {got}; use {_KIND_CHOICES}."
            )
        return kind

    # --- writers ---

    def edges_csv(self) -> str:
        """CSV text ``source,target,kind`` of the explicit edge constraints."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["source", "target", "kind"])
        for kind, mask in (("forbidden", self.forbidden), ("required", self.required)):
            for i, j in np.argwhere(mask):
                w.writerow([self.names[i], self.names[j], kind])
        return out.getvalue()

    def tiers_csv(self) -> str:
        """CSV text ``node,tier`` of the nodes with a tier (only the header if none).

        Nodes without a tier are not written, so reading the text back with
        :meth:`from_csv` gives the same constraints.
        """
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["node", "tier"])
        if self.tiers is not None:
            for name, tier in zip(self.names, self.tiers, strict=True):
                if not np.isnan(tier):
                    w.writerow([name, int(tier)])
        return out.getvalue()

    # --- queries ---

    @property
    def n_nodes(self) -> int:
        """Number of nodes ``d``."""
        return len(self.names)

    @property
    def is_empty(self) -> bool:
        """True when there is no constraint at all."""
        no_tiers = self.tiers is None or len(_tier_values(self.tiers)) <= 1
        return no_tiers and not self.forbidden.any() and not self.required.any()

    def forbidden_by_tiers(self) -> NDArray[np.bool_]:
        """Forbidden edges including those implied by the tiers, shape (d, d).

        Only direct edges: a path from a later tier to an earlier one through
        untiered nodes is excluded by the order of :meth:`precedence`, not here.
        """
        out = np.array(self.forbidden, copy=True)
        if self.tiers is not None:
            out |= self.tiers[:, None] > self.tiers[None, :]  # False next to a NaN
        np.fill_diagonal(out, True)
        return out

    def allowed_mask(self) -> NDArray[np.bool_]:
        """Edges a learner may use, shape (d, d): not forbidden, not against tiers.

        The diagonal is always False.
        """
        return ~self.forbidden_by_tiers()

    def precedence(self) -> NDArray[np.bool_]:
        """Ordering constraints, shape (d, d): ``[i, j]`` True when i must precede j.

        Node ``i`` must come before ``j`` in every admissible topological order
        when a required edge ``i -> j`` exists or ``tier[i] < tier[j]``; the
        relation is closed transitively.
        """
        before = np.array(self.required, copy=True)
        if self.tiers is not None:
            before |= self.tiers[:, None] < self.tiers[None, :]
        return _transitive_closure(before)

    def ordering_ok(self, order: Sequence[int]) -> bool:
        """Whether a node ordering (first = most upstream) respects precedence."""
        order = np.asarray(order)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        i, j = np.nonzero(self.precedence())
        return bool(np.all(rank[i] < rank[j]))

    def violations(self, adjacency: Any) -> list[str]:
        """List every violated constraint of a (d, d) adjacency, as sentences.

        Tiers are violated by an edge from a later tier to an earlier one and by
        a path from a later tier to an earlier one through untiered nodes (both
        make a later-tier node an ancestor of an earlier-tier node); a longer
        path through tiered nodes is reported as the backward step it contains.

        Parameters
        ----------
        adjacency : array-like of shape (d, d)
            ``[i, j]`` nonzero when the edge ``i -> j`` is present.

        Returns
        -------
        list of str
            One sentence per violation; empty when every constraint holds.

        Examples
        --------
        >>> pk = PriorKnowledge.from_edges(["x0", "x1", "x2"],
        ...                                tiers={"x0": 0, "x2": 1})
        >>> pk.violations([[0, 0, 0], [1, 0, 0], [0, 1, 0]])
        ['path x2 -> x1 -> x0 goes from tier 1 back to tier 0 through untiered nodes']
        """
        a = np.asarray(adjacency) != 0
        if a.shape != (self.n_nodes, self.n_nodes):
            raise DataError(
                f"PriorKnowledge.check: adjacency has shape {a.shape}; expected "
                f"({self.n_nodes}, {self.n_nodes})."
            )
        out = []
        n = self.names
        for i, j in np.argwhere(a & self.forbidden):
            out.append(f"forbidden edge {n[i]} -> {n[j]} is present")
        for i, j in np.argwhere(self.required & ~a):
            out.append(f"required edge {n[i]} -> {n[j]} is missing")
        if self.tiers is not None:
            out += _tier_violations(a, self.tiers, n)
        return out

    def check(self, adjacency: Any) -> bool:
        """Return True when ``adjacency`` (d, d) satisfies every constraint."""
        return not self.violations(adjacency)

    def constraints_on(self, nodes: Iterable[str]) -> list[str]:
        """Every constraint that names one of ``nodes``, as phrases.

        Parameters
        ----------
        nodes : iterable of str
            Node names of this prior.

        Returns
        -------
        list of str
            ``"forbidden edge 'a' -> 'b'"``, ``"required edge 'a' -> 'b'"`` and
            ``"'a' in tier 0"``, edges first; empty when no constraint names them.

        Examples
        --------
        >>> pk = PriorKnowledge.from_edges(["a", "b", "c"], required=[("b", "c")],
        ...                                tiers={"c": 0})
        >>> pk.constraints_on(["c"])
        ["required edge 'b' -> 'c'", "'c' in tier 0"]
        """
        hit = np.isin(self.names, list(nodes))
        n, out = self.names, []
        for kind, mask in (("forbidden", self.forbidden), ("required", self.required)):
            for i, j in np.argwhere(mask & (hit[:, None] | hit[None, :])):
                out.append(f"{kind} edge {n[i]!r} -> {n[j]!r}")
        if self.tiers is not None:
            for k in np.flatnonzero(hit & ~np.isnan(self.tiers)):
                out.append(f"{n[k]!r} in tier {int(self.tiers[k])}")
        return out

    def subset(self, names: Sequence[str]) -> PriorKnowledge:
        """Restrict to a subset of the nodes, in the given order.

        Every constraint that names a node left out is dropped, and so is any
        order it implied through that node: with ``x0 -> zz`` and ``zz -> x2``
        required, the subset without ``zz`` no longer keeps ``x0`` before ``x2``.
        :func:`~engine.dag.learn_dag` refuses a prior with such constraints on
        nodes that are not columns of the data; this method drops them on purpose
        (:meth:`constraints_on` lists what goes).
        """
        idx = [_index_of(self.names, n, "PriorKnowledge.subset") for n in names]
        tiers = None if self.tiers is None else self.tiers[idx]
        return PriorKnowledge(
            forbidden=self.forbidden[np.ix_(idx, idx)],
            required=self.required[np.ix_(idx, idx)],
            tiers=tiers,
            names=tuple(self.names[i] for i in idx),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready description (edge lists by name, tiers by name).

        Keys ``names``, ``forbidden`` and ``required`` (lists of ``[source,
        target]`` names) and ``tiers`` (name to tier, or None);
        :meth:`from_dict` reads it back into an equal prior.
        """
        n = self.names
        return {
            "names": list(n),
            "forbidden": [[n[i], n[j]] for i, j in np.argwhere(self.forbidden)],
            "required": [[n[i], n[j]] for i, j in np.argwhere(self.required)],
            "tiers": None
            if self.tiers is None
            else {
                name: int(t)
                for name, t in zip(n, self.tiers, strict=True)
                if not np.isnan(t)
            },
        }


# node names shown by PriorKnowledge's repr
_REPR_NAMES = 5


def _counted(count: int, noun: str) -> str:
    """``"1 node"``, ``"2 nodes"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _tier_key(tiers: NDArray[np.float64] | None) -> tuple[float | None, ...] | None:
    """The tiers as a hashable tuple, no tier (NaN) as None (NaN != NaN).

    None when no node has a tier: ``tiers=None`` and tiers all NaN say the same.
    """
    if tiers is None or np.isnan(tiers).all():
        return None
    return tuple(None if np.isnan(t) else float(t) for t in tiers)


_DICT_KEYS = ("names", "forbidden", "required", "tiers")


def _dict_fields(data: Any) -> dict[str, Any]:
    """The fields of a :meth:`PriorKnowledge.to_dict` dict, checked."""
    owner = "PriorKnowledge.from_dict"
    if not isinstance(data, Mapping):
        raise DataError(
            f"{owner}: expected a dict as to_dict writes it (keys "
            f"{format_names(_DICT_KEYS)}); got {type(data).__name__}."
        )
    unknown = [k for k in data if k not in _DICT_KEYS]
    if unknown or "names" not in data:
        what = f"unknown key(s) {format_names(unknown)}" if unknown else "no 'names'"
        raise DataError(
            f"{owner}: the dict has {what}; it takes {format_names(_DICT_KEYS)} "
            "('names' required), as to_dict writes them."
        )
    fields = {"names": data["names"], "tiers": data.get("tiers")}
    for key in ("names", "forbidden", "required"):
        value = data.get(key) or []
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
            raise DataError(
                f"{owner}: {key!r} must be a list"
                f"{' of [source, target] pairs' if key != 'names' else ' of names'}; "
                f"got {type(value).__name__} {value!r}."
            )
        fields[key] = [tuple(v) if isinstance(v, list) else v for v in value]
    for key in ("forbidden", "required"):
        odd = [e for e in fields[key] if not (isinstance(e, tuple) and len(e) == 2)]
        if odd:
            raise DataError(
                f"{owner}: {key!r} must hold [source, target] pairs; got {odd[0]!r}."
            )
    return fields


def _tier_violations(
    a: NDArray[np.bool_], t: NDArray[np.float64], n: Sequence[str]
) -> list[str]:
    """Edges and untiered paths of ``a`` (d, d) from a later tier to an earlier one.

    ``t`` (d,) holds the tiers (NaN: none); ``n`` the d names.
    """
    out = []
    for i in np.flatnonzero(~np.isnan(t)):
        for j, path in _untiered_paths(a, t, int(i)):
            if t[j] >= t[i]:
                continue
            how = "edge" if len(path) == 2 else "path"
            tail = "" if len(path) == 2 else " through untiered nodes"
            out.append(
                f"{how} {' -> '.join(n[k] for k in path)} goes from tier "
                f"{int(t[i])} back to tier {int(t[j])}{tail}"
            )
    return out


def _untiered_paths(
    a: NDArray[np.bool_], t: NDArray[np.float64], start: int
) -> list[tuple[int, list[int]]]:
    """Tiered nodes reached from ``start`` along ``a`` (d, d) through untiered
    nodes only, each with one shortest such path (breadth first, by index)."""
    parent = {start: start}
    frontier, found = [start], []
    while frontier:
        nxt = []
        for u in frontier:
            for v in np.flatnonzero(a[u]).tolist():
                if v in parent:
                    continue
                parent[v] = u
                if np.isnan(t[v]):
                    nxt.append(v)
                else:
                    found.append((v, _walk_back(parent, v)))
        frontier = nxt
    return sorted(found)


def _walk_back(parent: dict[int, int], node: int) -> list[int]:
    """The path from the search's start to ``node`` by following ``parent``."""
    path = [node]
    while parent[path[-1]] != path[-1]:
        path.append(parent[path[-1]])
    return path[::-1]


def _check_unique(names: tuple[str, ...], owner: str) -> None:
    """Refuse repeated node names: constraints are matched by name."""
    repeated = sorted(n for n, k in Counter(names).items() if k > 1)
    if repeated:
        raise DataError(
            f"{owner}: 'names' must be unique; {repeated} appear more than once "
            f"in {format_names(names, 20)}. Give every node its own name."
        )


def _tier_value(value: Any, node: str, owner: str) -> float:
    """One tier as a whole-number float; refuse fractions, None, text, bools."""
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not whole and isinstance(value, float | np.floating):
        whole = bool(np.isfinite(value) and float(value).is_integer())
    if not whole:
        raise DataError(
            f"{owner}: 'tiers' must hold whole numbers; got {plain(value)!r} for node "
            f"{node!r}. Give every tier as an integer (0, 1, 2, ...); to leave a "
            "node without a tier, pass a mapping that does not list it."
        )
    if abs(float(value)) > MAX_TIER:
        shown = int(value) if isinstance(value, int | np.integer) else f"{value:g}"
        raise DataError(
            f"{owner}: 'tiers' gives tier {shown} for node {node!r}, beyond "
            f"+-{MAX_TIER}; number the tiers 0, 1, 2, ... in causal order."
        )
    return float(value)


def _tiers_from(
    tiers: Mapping[str, int] | Sequence[int], names: tuple[str, ...], owner: str
) -> NDArray[np.float64]:
    """Tier array (NaN = no tier) from a mapping or a full sequence."""
    d = len(names)
    if isinstance(tiers, Mapping):
        t = np.full(d, np.nan)
        for node, tier in tiers.items():
            k = _index_of(names, node, owner)
            t[k] = _tier_value(tier, names[k], owner)
        return t
    if isinstance(tiers, str | bytes) or not isinstance(tiers, Iterable):
        raise DataError(
            f"{owner}: 'tiers' must be a mapping of node to tier or a sequence of "
            f"{d} tiers; got {type(tiers).__name__} {tiers!r}."
        )
    values = list(tiers)
    if len(values) != d:
        raise DataError(
            f"{owner}: 'tiers' must give one tier per node ({d}); got {len(values)} "
            f"values {format_names(values)}. Use a mapping to give tiers to some "
            "nodes only."
        )
    return np.array(
        [_tier_value(v, names[k], owner) for k, v in enumerate(values)], dtype=float
    )


def _tier_array(value: Any, d: int) -> NDArray[np.float64]:
    """Validate the ``tiers`` given to the constructor: whole numbers or NaN."""
    arr = np.asarray(value)
    ok = arr.shape == (d,) and arr.dtype.kind in "iuf"
    if ok and arr.dtype.kind == "f":
        tiered = arr[~np.isnan(arr)]
        ok = bool(np.all(np.isfinite(tiered)) and np.all(tiered == np.round(tiered)))
    if not ok:
        raise DataError(
            f"PriorKnowledge: 'tiers' must be an array of shape ({d},) of whole "
            f"numbers (NaN for a node without a tier); got shape {arr.shape}, dtype "
            f"{arr.dtype}: {arr.tolist()[:10] if arr.ndim else arr!r}."
        )
    tiered = arr[~np.isnan(arr)] if arr.dtype.kind == "f" else arr
    if tiered.size and np.abs(tiered.astype(np.float64)).max() > MAX_TIER:
        raise DataError(
            f"PriorKnowledge: tiers must lie within +-{MAX_TIER}; got "
            f"{float(tiered[np.argmax(np.abs(tiered.astype(np.float64)))]):g}. "
            "Number the tiers 0, 1, 2, ... in causal order."
        )
    return arr.astype(np.float64)


def _tier_values(tiers: NDArray[np.float64]) -> NDArray[np.float64]:
    """The distinct tiers in use (NaN, no tier, left out)."""
    return np.unique(tiers[~np.isnan(tiers)])


CsvSource = str | Path | bytes | io.TextIOBase | io.BufferedIOBase | io.RawIOBase
_OPEN_FILE = (io.TextIOBase, io.BufferedIOBase, io.RawIOBase)
_FROM_CSV = "PriorKnowledge.from_csv"


@dataclass(frozen=True)
class _CsvFile:
    """A prior file as read: its header and its rows, by line.

    Attributes
    ----------
    label : str
        ``"the edge file"`` (with the path when given one), for messages.
    fields : list of str
        The header's column names as the file writes them, stripped.
    rows : list of (int, dict)
        Each row's line in the file (1 = the first line, blank lines and an
        Excel ``sep=`` line counted) and its cells by lower-case column name
        (``""`` for a cell the row leaves out).
    """

    label: str
    fields: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def unused(self, used: tuple[str, ...]) -> list[str]:
        """The named columns of the header that are not in ``used``."""
        return [f for f in self.fields if f and f.lower() not in used]


# the words an edge file's kind cell may hold, and the kind each one means
_KIND_WORDS = {
    "forbidden": "forbidden",
    "forbid": "forbidden",
    "required": "required",
    "require": "required",
}
_KIND_CHOICES = "'forbidden' (or 'forbid') or 'required' (or 'require')"
# the columns each prior file is read by (the first two are needed)
_EDGE_COLUMNS = ("source", "target", "kind")
_TIER_COLUMNS = ("node", "tier")


def _kind_of(text: str) -> str | None:
    """The kind a kind cell names (case and surrounding blanks aside), or None."""
    return _KIND_WORDS.get(text.strip().lower())


def _edges_from_csv(
    source: CsvSource, names: tuple[str, ...]
) -> tuple[list[Edge], list[Edge], list[str]]:
    """The forbidden and required edges of an edge file, by node name, and the
    notes on how it was read (:meth:`PriorKnowledge.read_csv`)."""
    read = _read_csv(source, _EDGE_COLUMNS[:2], _file_label(source, "edge"))
    has_kind = "kind" in (f.lower() for f in read.fields)
    cells = _EDGE_COLUMNS if has_kind else _EDGE_COLUMNS[:2]
    forbidden: list[Edge] = []
    required: list[Edge] = []
    for line, row in read.rows:
        where = f"{_FROM_CSV}: line {line} of {read.label}"
        _refuse_empty_cells(row, cells, where)
        kind = _kind_of(row["kind"]) if has_kind else "forbidden"
        if kind is None:
            raise DataError(
                f"{where} has kind {row['kind'].strip()!r}; use {_KIND_CHOICES}."
            )
        # resolved here so that an unknown node names its line and file
        edge = tuple(
            names[_cell_index(names, row[c], where, c)] for c in ("source", "target")
        )
        if edge[0] == edge[1]:
            raise GraphError(
                f"{where} is the self-loop {edge[0]!r} -> {edge[1]!r}, which a DAG "
                "cannot have; delete the line."
            )
        (forbidden if kind == "forbidden" else required).append(edge)
    notes = _unused_note(read, _EDGE_COLUMNS, "edge")
    if not read.rows:
        notes.insert(
            0,
            f"{read.label} has a header but no rows: it forbids and requires no edge.",
        )
    elif not has_kind:
        n = len(read.rows)
        read_as = (
            "is read as a forbidden edge" if n == 1 else "are read as forbidden edges"
        )
        notes.insert(
            0,
            f"{read.label} has no 'kind' column, so its {_counted(n, 'row')} "
            f"{read_as}; to require an edge, add a 'kind' column with 'forbidden' or "
            "'required' in each row.",
        )
    return forbidden, required, notes


def _refuse_empty_cells(
    row: dict[str, str], cells: tuple[str, ...], where: str
) -> None:
    """Raise when a cell of ``cells`` is blank in an edge file's ``row``, naming
    every blank one; ``where`` (the line and file) starts the message."""
    blank = [c for c in cells if not row[c].strip()]
    if not blank:
        return
    if blank == ["kind"]:
        advice = (
            "write 'forbidden' or 'required' in the kind cell of every line (a "
            "file without a kind column forbids every edge)"
        )
    elif "kind" in blank:
        advice = (
            "give both nodes and the kind ('forbidden' or 'required') of every "
            "edge, or delete the line"
        )
    else:
        advice = (
            "give both nodes of every edge (a graph's CSV edge list also has rows "
            "of one node, for nodes without edges: delete those rows here)"
        )
    raise DataError(f"{where} has {_listed([f'no {c}' for c in blank])}; {advice}.")


def _tiers_from_csv(
    source: CsvSource, names: tuple[str, ...]
) -> tuple[dict[str, int], list[str]]:
    """The tier of each node a tier file lists, by node name, and the notes on
    how it was read (:meth:`PriorKnowledge.read_csv`)."""
    read = _read_csv(source, _TIER_COLUMNS, _file_label(source, "tier"))
    tiers: dict[str, int] = {}
    lines_of: dict[str, int] = {}
    for line, row in read.rows:
        where = f"{_FROM_CSV}: line {line} of {read.label}"
        if not row["node"].strip():
            raise DataError(f"{where} has no node; give a node name in every line.")
        node = names[_cell_index(names, row["node"], where)]
        tier = _csv_tier(row["tier"], where)
        if node in tiers:
            raise DataError(
                f"{_FROM_CSV}: node {node!r} is listed twice in {read.label}, with "
                f"tier {tiers[node]} (line {lines_of[node]}) and tier {tier} (line "
                f"{line}); keep one line per node."
            )
        tiers[node] = tier
        lines_of[node] = line
    notes = _unused_note(read, _TIER_COLUMNS, "tier")
    if not read.rows:
        notes.insert(
            0, f"{read.label} has a header but no rows: it gives no node a tier."
        )
    return tiers, notes


def _unused_note(read: _CsvFile, used: tuple[str, ...], what: str) -> list[str]:
    """The note on the named columns of a prior file that are not read, if any."""
    unused = read.unused(used)
    if not unused:
        return []
    one = len(unused) == 1
    return [
        f"{read.label}'s column{'' if one else 's'} {_listed(map(repr, unused))} "
        f"{'is' if one else 'are'} not read: {_article(what)} {what} file is read by "
        f"its columns {_listed(used)}."
    ]


def _listed(words: Iterable[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _article(word: str) -> str:
    """``"an"`` before a vowel, else ``"a"``."""
    return "an" if word[:1] in "aeiou" else "a"


def _csv_tier(text: str, where: str) -> int:
    """A tier cell as an integer: ``2``, or ``2.0`` as spreadsheets write it;
    ``where`` (the line and file) starts the message of a bad one."""
    try:
        tier = int(text)
    except ValueError:
        tier = None
    if tier is None:
        try:
            value = float(text)
        except ValueError:
            value = np.nan
        if not (np.isfinite(value) and value.is_integer()):
            raise DataError(
                f"{where} has tier {text.strip()!r}; tiers must be whole numbers "
                "(0, 1, 2, ...)."
            )
        tier = int(value)
    if abs(tier) > MAX_TIER:
        raise DataError(
            f"{where} has tier {text.strip()!r}, beyond +-{MAX_TIER}; number the "
            "tiers 0, 1, 2, ... in causal order."
        )
    return tier


def _path_of(source: CsvSource | None) -> str | None:
    """The file name ``source`` gives (a path, or an open file's name), or None."""
    if isinstance(source, _OPEN_FILE):
        name = getattr(source, "name", None)
        return name if isinstance(name, str) else None
    if isinstance(source, Path) or (isinstance(source, str) and _names_a_file(source)):
        return str(source)
    return None


def _file_label(source: CsvSource, what: str) -> str:
    """``"the edge file"``, with the file's name when ``source`` names one."""
    path = _path_of(source)
    return f"the {what} file" + ("" if path is None else f" {path!r}")


def _decode(raw: bytes, label: str) -> str:
    """The text of a prior file: UTF-8 or UTF-16 (Excel's "Unicode text", with
    a byte-order mark or without), nothing else, as node names are matched
    exactly."""
    text, _, bad_byte = decode_text(raw, f"{_FROM_CSV}: {label}")
    if bad_byte is not None:
        raise DataError(
            f"{_FROM_CSV}: {label} is not UTF-8 text (byte {bad_byte}); save it "
            "as a UTF-8 CSV file."
        )
    return text


def _source_text(source: CsvSource, label: str) -> str:
    """The text of a prior file given as a path, text, bytes or open file."""
    if isinstance(source, io.TextIOBase):
        return source.read()
    if isinstance(source, io.BufferedIOBase | io.RawIOBase):  # open(path, "rb")
        return _decode(source.read() or b"", label)
    if isinstance(source, bytes):
        return _decode(source, label)
    if _names_a_file(source):
        return _decode(_read_file(Path(source), label), label)
    return str(source)


def _read_csv(source: CsvSource, needed: tuple[str, ...], label: str) -> _CsvFile:
    """The header and rows of a prior CSV; ``label`` names it in errors.

    Rows are numbered by their line in the file, and blank lines are skipped.
    A row with more cells than the header, or a cell under a header cell left
    empty, is refused unless the cell is blank: dropping it would change what
    the row says (``a,b,required`` under ``source,target``).
    """
    text = _source_text(source, label).removeprefix("\ufeff")  # a spreadsheet's BOM
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    body = text.lstrip()
    above = text[: len(text) - len(body)].count("\n")  # blank lines above
    body = body.rstrip() + "\n"
    # the header's delimiter (',' ';' tab '|'), or the one Excel's "sep=" line
    # names: a prior file needs its header, and rows of uneven length (a row of
    # one name) would make a detection over all lines miss it
    if body.startswith("sep="):
        above += 1  # the file's own line, which sniff_delimiter empties
    else:
        header = body.split("\n", 1)[0] + "\n"
        body = f"sep={sniff_delimiter(header)[0]}\n{body}"
    delimiter, body = sniff_delimiter(body)  # the sep= line is an empty one now
    lines = csv.reader(io.StringIO(body), delimiter=delimiter)
    written = [f.strip() for f in next((r for r in lines if r), [])]  # for messages
    _refuse_repeated_fields(written, label)
    missing = [c for c in needed if c not in [f.lower() for f in written]]
    if missing:
        raise DataError(
            f"{_FROM_CSV}: {label} needs the header columns {list(needed)}; "
            f"missing {missing} (found {written})."
        )
    rows = []
    for cells in lines:
        if cells:
            line = lines.line_num + above - 1  # less the emptied sep= line
            rows.append((line, _row_cells(cells, written, line, label, delimiter)))
    return _CsvFile(label=label, fields=written, rows=rows)


def _row_cells(
    cells: list[str], fields: list[str], line: int, label: str, delimiter: str
) -> dict[str, str]:
    """A row's cells by lower-case column name (``""`` for one it leaves out),
    refused when a non-blank cell has no column name (see :func:`_read_csv`)."""
    extra = cells[len(fields) :]
    if any(cell.strip() for cell in extra):
        _refuse_extra_fields(extra, fields, line, label, delimiter)
    row = {}
    for name, cell in itertools.zip_longest(fields, cells[: len(fields)], fillvalue=""):
        if name:
            row[name.lower()] = cell
        elif cell.strip():
            raise DataError(
                f"{_FROM_CSV}: line {line} of {label} has the cell {cell!r} under "
                f"no header name (header: {fields}); name its column in the header "
                "or delete the cell."
            )
    return row


def _refuse_repeated_fields(written: list[str], label: str) -> None:
    """Raise when a prior file's header names a column twice (case aside).

    Rows are read by column name, so ``Source,Source,Target`` over ``c,a,b``
    would silently read the edge ``a -> b`` (the last Source wins).
    ``written`` are the header's names as the file writes them; empty names
    (trailing delimiters) are not columns and are let through.
    """
    keys = [f.lower() for f in written]
    repeated = [
        f for f, key in zip(written, keys, strict=True) if key and keys.count(key) > 1
    ]
    if not repeated:
        return
    raise DataError(
        f"{_FROM_CSV}: the header of {label} names the column(s) "
        f"{list(dict.fromkeys(repeated))} more than once (header: {written}); keep "
        "one column of each name."
    )


def _refuse_extra_fields(
    extra: list[str], fields: list[str], line: int, label: str, delimiter: str
) -> None:
    """Raise for ``line`` of a prior file, whose row has the ``extra`` cells
    beyond the ``fields`` its header names (as the file writes them).

    Dropping them would read ``a,b,required`` under a ``source,target`` header
    as a forbidden edge.
    """
    n_fields = len(fields) + len(extra)
    lowered = [f.lower() for f in fields]
    if "source" in lowered and "kind" not in lowered:
        advice = (
            "to give each edge a kind, add a 'kind' column to the header "
            f"({delimiter.join([*fields, 'kind'])!r}); otherwise delete the extra "
            "cells"
        )
    else:
        advice = "delete the extra cells, or quote a cell that holds the delimiter"
    raise DataError(
        f"{_FROM_CSV}: line {line} of {label} has {n_fields} fields but its header "
        f"{fields} names {len(fields)} (extra: {extra}); {advice}."
    )


def _names_a_file(source: str | Path) -> bool:
    """Whether ``source`` is a file name rather than CSV text.

    A Path, an existing file, or one line without a comma (CSV text of these
    files has at least ``source,target`` or ``node,tier``) or ending in .csv/.txt.
    An empty or blank text is empty text, as ``b""`` is (``Path("")`` would be
    the working folder).
    """
    if isinstance(source, Path):
        return True
    text = str(source)
    if "\n" in text or not text.strip():
        return False
    if Path(text).is_file():
        return True
    return "," not in text or text.lower().endswith((".csv", ".tsv", ".txt"))


def _read_file(path: Path, label: str) -> bytes:
    """The bytes of a prior file; ``label`` (with the path) names it in errors."""
    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise DataError(
            f"{_FROM_CSV}: {label} does not exist; check the path (relative paths "
            f"start at the working directory {str(Path.cwd())!r})."
        ) from err
    except IsADirectoryError as err:
        raise DataError(
            f"{_FROM_CSV}: {label} is a folder; give the path of a CSV file."
        ) from err
    except OSError as err:
        raise DataError(
            f"{_FROM_CSV}: {label} cannot be read ({err.strerror})."
        ) from err


def _transitive_closure(a: NDArray[np.bool_]) -> NDArray[np.bool_]:
    reach = np.array(a, dtype=bool, copy=True)
    for k in range(reach.shape[0]):
        reach |= reach[:, k : k + 1] & reach[k : k + 1, :]
    return reach


# cycles of required edges named in one message at most
_MAX_CYCLES = 10


def _required_cycles(a: NDArray[np.bool_]) -> tuple[list[list[int]], bool]:
    """The elementary cycles of ``a`` (d, d), each once, and whether there are more.

    Each cycle lists its nodes in order, starting at its smallest index; at most
    ``_MAX_CYCLES`` are returned (the count of all cycles can grow exponentially
    with d), and the flag says that some were left out.
    """
    import networkx as nx  # only needed when the required edges are checked

    graph = nx.DiGraph()
    graph.add_nodes_from(range(a.shape[0]))
    graph.add_edges_from(map(tuple, np.argwhere(a).tolist()))
    found = list(itertools.islice(nx.simple_cycles(graph), _MAX_CYCLES + 1))
    cycles = []
    for cycle in found[:_MAX_CYCLES]:
        start = cycle.index(min(cycle))
        cycles.append(cycle[start:] + cycle[:start])
    return sorted(cycles), len(found) > _MAX_CYCLES


def _shortest_path(a: NDArray[np.bool_], start: int, end: int) -> list[int]:
    """The nodes of one shortest path ``start`` -> ... -> ``end`` along ``a``
    (d, d) (breadth first, by index); ``end`` must be reachable from ``start``."""
    parent = {int(start): int(start)}
    frontier = [int(start)]
    while int(end) not in parent and frontier:
        nxt = []
        for u in frontier:
            for v in np.flatnonzero(a[u]).tolist():
                if v not in parent:
                    parent[v] = u
                    nxt.append(v)
        frontier = nxt
    return _walk_back(parent, int(end))
