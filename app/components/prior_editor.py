"""The Causal page's prior-knowledge editor: forbidden and required edges, tiers.

Two data editors (edges, tiers) that can be loaded from and saved to CSV, checked
into a :class:`~engine.dag.PriorKnowledge`; a prior is kept per data set and
brought back when the user returns to it, and one naming columns the current
data set lacks is named, with buttons to drop those entries or clear it.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import streamlit as st

from app import state
from app.components.text import count, literal, page_error
from engine.dag import PriorKnowledge
from engine.errors import DataError, EngineError, format_names

PRIOR_KINDS = ("edges", "tiers")


def empty_prior(kind: str) -> pd.DataFrame:
    """The editor's table without rows."""
    if kind == "edges":
        return pd.DataFrame(
            {c: pd.Series(dtype=str) for c in ("source", "target", "kind")}
        )
    return pd.DataFrame(
        {"node": pd.Series(dtype=str), "tier": pd.Series(dtype="Int64")}
    )


def _current_prior(kind: str) -> pd.DataFrame:
    """The kind's table as the editor last returned it (empty before that)."""
    table = (state.get(state.CAUSAL_PRIOR) or {}).get(kind)
    return empty_prior(kind) if table is None else table


def _editor_start(
    kind: str, names: list[str], loaded: pd.DataFrame | None
) -> dict[str, Any]:
    """The table and widget key the kind's data editor starts from in this run.

    The editor applies the user's edits to the table it is given, and a widget
    whose table changes is a new widget that drops the edits in flight: feeding
    the editor's output back in lost a value picked in an added row. So the table
    stays the same from run to run, and is replaced, under a new key, only when
    the editor starts afresh: by a loaded file (``loaded``), or by the last output
    when the editor was not drawn in the previous run (first visit, another page
    shown) or offers other nodes (Streamlit resets the widget then).
    """
    starts = dict(state.get(state.CAUSAL_PRIOR_START) or {})
    start = starts.get(kind)
    fresh = (
        start is None
        or start["key"] not in st.session_state
        or start["names"] != tuple(names)
    )
    if loaded is None and not fresh:
        return start
    version = start["version"] + 1 if start else 0
    table = _current_prior(kind) if loaded is None else loaded
    starts[kind] = {
        # a plain 0..n-1 index: another index shows as an editable column
        "table": table.reset_index(drop=True),
        "names": tuple(names),
        # the cells' choices: the nodes, then names of the table that are not
        # nodes (a cell whose value is not a choice shows blank); fixed for the
        # start, since other choices would make it a new widget
        "options": (*names, *_absent({kind: table}, names)),
        "version": version,
        "key": f"prior_{kind}_editor_{version}",
    }
    state.put(state.CAUSAL_PRIOR_START, starts)
    return starts[kind]


def _load_prior_file(
    kind: str, upload: Any, names: list[str]
) -> tuple[pd.DataFrame | None, str | None]:
    """The rows of a prior CSV the user just uploaded, or why it was refused.

    Each upload is read once (by its file id): a bad file's error shows on the
    run the upload causes, not on every later one, and a good file's rows go into
    the editor once, leaving later edits alone. A file is refused, and the editor
    kept, when it is bad on its own or contradicts the other table in the editor
    (a required edge against the tiers); it is taken when that table has a
    problem of its own, which the editor reports. The reader's notes on a file
    taken (no kind column, columns not read) are kept to be shown while the
    file is in its uploader.

    Returns
    -------
    table : DataFrame or None
        The file's rows for the editor; ``None`` when there is no new file or
        it was refused.
    error : str or None
        Why the file was refused (Markdown), else ``None``.
    """
    loaded = dict(state.get(state.CAUSAL_PRIOR_LOADED) or {})
    file_id = None if upload is None else upload.file_id
    if loaded.get(kind) == file_id:
        return None, None
    loaded[kind] = file_id
    state.put(state.CAUSAL_PRIOR_LOADED, loaded)
    _put_notes(kind, [])
    if upload is None:
        return None, None
    name = literal(upload.name)
    refused = "It was not loaded: the editor is unchanged."
    try:
        table, notes = _prior_table(upload.getvalue(), names, kind)
    except EngineError as err:
        return None, f"{name} cannot be used: {literal(page_error(err))} {refused}"
    other = "tiers" if kind == "edges" else "edges"
    tables = {other: _current_prior(other)}
    try:
        build_prior(names, **tables, **{kind: empty_prior(kind)})
    except EngineError:
        return table, None  # the other table's own problem is shown below
    try:
        build_prior(names, **tables, **{kind: table})
    except EngineError as err:
        return None, (
            f"{name} cannot be used with the {other} in the editor: "
            f"{literal(page_error(err))} {refused}"
        )
    _put_notes(kind, [f"Loaded {name}. {literal(page_error(n))}" for n in notes])
    return table, None


def _put_notes(kind: str, notes: list[str]) -> None:
    """Keep the notes (Markdown) on the file the kind's uploader holds."""
    kept = dict(state.get(state.CAUSAL_PRIOR_NOTES) or {})
    kept[kind] = notes
    state.put(state.CAUSAL_PRIOR_NOTES, kept)


# the prior uploaders' labels
UPLOAD_LABELS = {
    "edges": "Load edges CSV (source,target,kind)",
    "tiers": "Load tiers CSV (node,tier)",
}


def _uploader_key(kind: str) -> str:
    """The widget key of the kind's uploader: new after each refused file."""
    version = (state.get(state.CAUSAL_PRIOR_UPLOADS) or {}).get(kind, 0)
    return f"prior_{kind}_file" + (f"_{version}" if version else "")


def _prior_uploads(names: list[str]) -> dict[str, pd.DataFrame | None]:
    """The two uploaders; per kind the rows of a file just loaded, else None.

    A file is read before its uploader is drawn: a refused one is dropped from
    it (the uploader gets a new key, so it shows no file name, as if the file
    had been loaded) and its error is shown under the uploaders, as are the
    notes on the files they hold.
    """
    loaded, errors = {}, []
    for kind, column in zip(PRIOR_KINDS, st.columns(2), strict=True):
        upload = st.session_state.get(_uploader_key(kind))
        loaded[kind], error = _load_prior_file(kind, upload, names)
        if error is not None:
            errors.append(error)
            versions = dict(state.get(state.CAUSAL_PRIOR_UPLOADS) or {})
            versions[kind] = versions.get(kind, 0) + 1
            state.put(state.CAUSAL_PRIOR_UPLOADS, versions)
        column.file_uploader(
            UPLOAD_LABELS[kind], type=PRIOR_FILE_TYPES, key=_uploader_key(kind)
        )
    for error in errors:
        st.error(error)
    for kind in PRIOR_KINDS:
        for note in (state.get(state.CAUSAL_PRIOR_NOTES) or {}).get(kind, []):
            st.info(note)
    return loaded


def _editor_config(kind: str, options: list[str]) -> dict[str, Any]:
    """The column configuration of a prior editor whose node cells offer
    ``options``."""
    if kind == "edges":
        return {
            "source": st.column_config.SelectboxColumn(options=options),
            "target": st.column_config.SelectboxColumn(options=options),
            "kind": st.column_config.SelectboxColumn(
                options=["forbidden", "required"], default="forbidden"
            ),
        }
    return {
        "node": st.column_config.SelectboxColumn(options=options),
        "tier": st.column_config.NumberColumn(step=1),
    }


# Why the prior cannot be used when it names nodes the data set lacks (the note
# above the expander names them, with its buttons)
ABSENT_PROBLEM = (
    "it names nodes that are not among 'Columns (nodes)': drop those entries or "
    "clear it with the buttons above 'Prior knowledge'."
)


def prior_editor(
    names: list[str], data_name: str
) -> tuple[PriorKnowledge | None, str | None]:
    """The prior-knowledge expander.

    Returns
    -------
    prior : PriorKnowledge or None
        The constraints, or ``None`` when they cannot be used.
    problem : str or None
        Why they cannot be used (Markdown), for the page to say next to the
        buttons that wait for them; ``None`` when they can. The full reason is
        shown too: above the expander when the prior names nodes the data set
        lacks (as after a change of data set), under the editors otherwise.
    """
    notice = st.container(key="prior_notice")
    with st.expander("Prior knowledge (forbidden / required edges, tiers)"):
        st.caption(
            "Enforced exactly: forbidden edges never appear, required ones "
            "always do, and no node of a later tier is an ancestor of a node of an "
            "earlier tier; untiered nodes may sit anywhere in between as long as "
            "that holds. Each data set "
            "keeps its own prior knowledge (one for all simulated data): a data "
            "set chosen before gets its own back, one chosen for the first time "
            "starts from what the editor holds. The files may be separated by "
            "commas, semicolons, tabs or '|'."
        )
        loaded = _prior_uploads(names)
        # from "Add to prior knowledge" below the result, "Load work", the
        # buttons for absent nodes, or the prior kept for this data set
        pending = st.session_state.pop(state.CAUSAL_PRIOR_EDITED, None) or {}
        for kind in PRIOR_KINDS:
            if loaded[kind] is None and pending.get(kind) is not None:
                loaded[kind] = pending[kind]
        tables = {}
        for kind in PRIOR_KINDS:
            start = _editor_start(kind, names, loaded[kind])
            options = list(start.get("options", start["names"]))
            with st.container(key=f"prior_{kind}_box"):
                tables[kind] = st.data_editor(
                    start["table"],
                    num_rows="dynamic",
                    hide_index=True,
                    key=start["key"],
                    column_config=_editor_config(kind, options),
                )
        state.put(state.CAUSAL_PRIOR, tables)
        _keep_prior(tables)
        with notice:
            _prior_message()
            absent = _absent(tables, names)
            if absent:
                _absent_notice(absent, tables, names, data_name)
        pk, problem = None, ABSENT_PROBLEM if absent else None
        if not absent:
            try:
                pk = build_prior(names, **tables)
            except EngineError as err:
                problem = literal(page_error(err))
                st.error(problem)
        _save_buttons(pk, tables)
    return pk, problem


def _save_buttons(pk: PriorKnowledge | None, tables: dict[str, pd.DataFrame]) -> None:
    """ "Save edges CSV" and "Save tiers CSV": the checked prior, or, when it
    cannot be used, the editors' rows as entered, so nothing typed is lost."""
    if pk is None:
        st.caption(
            "The prior knowledge cannot be used as it is; the files below hold "
            "the rows as entered, to fix and load again."
        )
        files = {k: tables[k].dropna(how="all").to_csv(index=False) for k in tables}
    else:
        files = {"edges": pk.edges_csv(), "tiers": pk.tiers_csv()}
    d1, d2 = st.columns(2)
    d1.download_button(
        "Save edges CSV", files["edges"], "prior_edges.csv", key="prior_edges_dl"
    )
    d2.download_button(
        "Save tiers CSV", files["tiers"], "prior_tiers.csv", key="prior_tiers_dl"
    )


# --- prior knowledge of other data sets ---

# the columns of each prior editor that name nodes
PRIOR_NODE_COLUMNS = {"edges": ("source", "target"), "tiers": ("node",)}
# the file types the prior uploaders take (the delimiter is detected)
PRIOR_FILE_TYPES = ["csv", "tsv", "txt"]
# data sets whose prior knowledge is kept (the oldest is dropped first)
MAX_KEPT_PRIORS = 20


def _prior_home(data: dict[str, Any]) -> str:
    """The data set a prior belongs to; the simulator's data count as one."""
    if data.get("source") == "simulator":
        return "simulator"
    return str(data.get("id") or f"{data.get('source')}:{data['name']}")


def switch_prior_home(data: dict[str, Any]) -> None:
    """On a change of data set, bring back the prior kept for the new one.

    A data set without a kept prior gets the editor's content as it is (the
    page names the nodes it lacks); a table already on its way into the editor
    (from "Load work") wins over the kept one.
    """
    home = _prior_home(data)
    if home == state.get(state.CAUSAL_PRIOR_HOME):
        return
    state.put(state.CAUSAL_PRIOR_HOME, home)
    kept = (state.get(state.CAUSAL_PRIOR_KEPT) or {}).get(home)
    if kept is None or state.get(state.CAUSAL_PRIOR_EDITED) is not None:
        return
    state.put(state.CAUSAL_PRIOR, dict(kept))
    state.put(state.CAUSAL_PRIOR_EDITED, dict(kept))


def _keep_prior(tables: dict[str, pd.DataFrame]) -> None:
    """Keep the editors' tables as the current data set's prior."""
    home = state.get(state.CAUSAL_PRIOR_HOME)
    if home is None:
        return
    kept = dict(state.get(state.CAUSAL_PRIOR_KEPT) or {})
    kept.pop(home, None)  # re-inserted last: the most recent
    kept[home] = dict(tables)
    while len(kept) > MAX_KEPT_PRIORS:
        kept.pop(next(iter(kept)))
    state.put(state.CAUSAL_PRIOR_KEPT, kept)


def saved_priors() -> list[dict[str, Any]]:
    """The priors kept for the other data sets, oldest first, for a work file.

    Returns
    -------
    list of dict
        One per data set other than the current one (whose prior is the
        editors' content): ``data_set`` (its id, as the page keeps it:
        ``sample:NAME``, ``upload:DIGEST`` or ``simulator``) and the rows of
        :func:`prior_rows`.
    """
    home = state.get(state.CAUSAL_PRIOR_HOME)
    kept = state.get(state.CAUSAL_PRIOR_KEPT) or {}
    return [
        {"data_set": key, **prior_rows(tables)}
        for key, tables in kept.items()
        if key != home
    ]


def restore_priors(priors: dict[str, dict[str, pd.DataFrame]]) -> None:
    """Keep ``priors`` (data set id -> editor tables, from a work file) as the
    priors of their data sets, in place of any kept before; the priors kept for
    other data sets stay (the oldest are dropped beyond
    :data:`MAX_KEPT_PRIORS`)."""
    kept = dict(state.get(state.CAUSAL_PRIOR_KEPT) or {})
    for key, tables in priors.items():
        kept.pop(key, None)  # re-inserted last: the most recent
        kept[key] = dict(tables)
    while len(kept) > MAX_KEPT_PRIORS:
        kept.pop(next(iter(kept)))
    state.put(state.CAUSAL_PRIOR_KEPT, kept)


def prior_rows(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The constraints of the editors' tables as JSON-ready lists.

    Read leniently, as what a work file keeps cannot be refused (the page
    checks a prior with :func:`build_prior` when it is back in the editors):
    rows with a blank node cell are left out, an edge whose kind is not one
    ``PriorKnowledge.edge_kind`` reads as ``required`` is forbidden, tier nodes
    are stripped.

    Parameters
    ----------
    tables : dict
        ``edges`` (columns ``source``, ``target``, ``kind``) and ``tiers``
        (``node``, ``tier``) DataFrames.

    Returns
    -------
    dict
        ``forbidden`` and ``required`` (lists of ``[source, target]``) and
        ``tiers`` (node -> whole number), as in ``PriorKnowledge.to_dict``.
    """
    out: dict[str, Any] = {"forbidden": [], "required": [], "tiers": {}}
    for row in tables["edges"].itertuples(index=False):
        ends = [_node_name(row.source, "source"), _node_name(row.target, "target")]
        if None not in ends:
            out[_lenient_kind(getattr(row, "kind", None))].append(ends)
    for row in tables["tiers"].itertuples(index=False):
        node = _node_name(row.node, "node")
        if node is not None and not pd.isna(row.tier):
            out["tiers"][node] = int(row.tier)
    return out


def _lenient_kind(value: Any) -> str:
    """The kind of an editor cell for :func:`prior_rows`: ``required`` when
    ``PriorKnowledge.edge_kind`` reads it so, else ``forbidden``."""
    try:
        return PriorKnowledge.edge_kind(str(value))
    except DataError:
        return "forbidden"


def prior_tables(prior: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The editors' tables (``edges``, ``tiers``) of :func:`prior_rows`'s lists:
    the forbidden edges, then the required ones, then the tiers."""
    edges = [[*e, "forbidden"] for e in prior["forbidden"]]
    edges += [[*e, "required"] for e in prior["required"]]
    tiers = prior.get("tiers") or {}
    return {
        "edges": pd.DataFrame(
            {
                c: pd.Series([e[k] for e in edges], dtype=str)
                for k, c in enumerate(("source", "target", "kind"))
            }
        ),
        "tiers": pd.DataFrame(
            {
                "node": pd.Series(list(tiers), dtype=str),
                "tier": pd.Series(list(tiers.values()), dtype="Int64"),
            }
        ),
    }


def _node_name(value: Any, column: str) -> str | None:
    """The node a cell of a prior editor names (``None`` for a blank cell), as
    :func:`build_prior` reads it: tier nodes stripped, edge ends as they are."""
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    return str(value).strip() if column == "node" else str(value)


def _absent(tables: dict[str, pd.DataFrame | None], names: list[str]) -> list[str]:
    """Names in the prior's tables that are not among ``names``, row by row."""
    nodes, found = set(names), []
    for kind, table in tables.items():
        columns = [
            c for c in PRIOR_NODE_COLUMNS[kind] if table is not None and c in table
        ]
        for row in [] if not columns else table[columns].itertuples(index=False):
            for column, value in zip(columns, row, strict=True):
                name = _node_name(value, column)
                if name is not None and name not in nodes:
                    found.append(name)
    return list(dict.fromkeys(found))


def _outside_rows(
    tables: dict[str, pd.DataFrame], names: list[str]
) -> dict[str, pd.Series]:
    """Per table, which rows name a node outside ``names`` (bool per row)."""
    nodes = set(names)

    def outside(value: Any, column: str) -> bool:
        name = _node_name(value, column)
        return name is not None and name not in nodes

    hits = {}
    for kind, table in tables.items():
        hit = pd.Series(False, index=table.index)
        for column in PRIOR_NODE_COLUMNS[kind]:
            hit |= table[column].map(lambda v, c=column: outside(v, c)).astype(bool)
        hits[kind] = hit
    return hits


def _rows_text(tables: dict[str, pd.DataFrame], limit: int = 8) -> str:
    """The rows of the prior's tables in words, for a message."""
    rows = [f"{r.source} → {r.target} ({r.kind})" for r in tables["edges"].itertuples()]
    rows += [f"{r.node} in tier {r.tier}" for r in tables["tiers"].itertuples()]
    shown = "; ".join(literal(r) for r in rows[:limit])
    more = len(rows) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _absent_notice(
    absent: list[str],
    tables: dict[str, pd.DataFrame],
    names: list[str],
    data_name: str,
) -> None:
    """Say that the prior was made for other columns, and offer the ways out."""
    outside = _outside_rows(tables, names)
    n_rows = int(sum(int(hit.sum()) for hit in outside.values()))
    st.warning(
        "The prior knowledge was made for other columns: it names "
        f"{count(len(absent), 'node')} that "
        f"{'is' if len(absent) == 1 else 'are'} not among 'Columns (nodes)' of "
        f"{literal(data_name)}: "
        f"{literal(format_names(absent, limit=10, brackets=False))}. The editor "
        "under 'Prior knowledge' shows them. **Learn DAG** and the bootstrap wait "
        "until no entry names them: drop those entries, clear the prior "
        "knowledge, or add the columns under 'Columns (nodes)' if the data set "
        "has them. Either button changes this data set's prior only: the prior "
        "of a data set you chose before is back when you choose it again."
    )
    c1, c2 = st.columns(2)
    c1.button(
        f"Drop the {count(n_rows, 'entry', 'entries')} naming them",
        key="prior_drop_absent",
        on_click=_on_drop_absent,
        args=(tuple(names),),
    )
    c2.button("Clear the prior knowledge", key="prior_clear", on_click=_on_clear)


def _put_prior(tables: dict[str, pd.DataFrame], message: str) -> None:
    """Make ``tables`` the editors' content (on the next run) and say so."""
    state.put(state.CAUSAL_PRIOR, tables)
    state.put(state.CAUSAL_PRIOR_EDITED, dict(tables))
    state.put(state.CAUSAL_PRIOR_MESSAGE, message)


def _on_drop_absent(names: tuple[str, ...]) -> None:
    """``on_click`` of "Drop the entries naming them": keep the other rows."""
    tables = {k: _current_prior(k) for k in PRIOR_KINDS}
    outside = _outside_rows(tables, list(names))
    dropped = {k: tables[k][outside[k]] for k in PRIOR_KINDS}
    kept = {k: tables[k][~outside[k]].reset_index(drop=True) for k in PRIOR_KINDS}
    _put_prior(kept, f"Dropped from the prior knowledge: {_rows_text(dropped)}.")


def _on_clear() -> None:
    """``on_click`` of "Clear the prior knowledge": empty both tables."""
    tables = {k: _current_prior(k) for k in PRIOR_KINDS}
    _put_prior(
        {k: empty_prior(k) for k in PRIOR_KINDS},
        f"Cleared the prior knowledge: {_rows_text(tables)}.",
    )


def _prior_message() -> None:
    """The message of the last drop or clear, shown once."""
    message = st.session_state.pop(state.CAUSAL_PRIOR_MESSAGE, None)
    if message is not None:
        st.success(message)


def _prior_table(
    data: bytes, names: list[str], key: str
) -> tuple[pd.DataFrame, list[str]]:
    """Validate an uploaded edges or tiers CSV; its rows for the editor and the
    reader's notes on it.

    The file is read by ``PriorKnowledge.read_csv`` (with the delimiter of its
    header line); missing columns, empty cells, unknown nodes, bad kinds,
    tiers that are not whole numbers and required cycles raise an
    ``EngineError``, and so does a file with a header but no rows, which would
    empty the editor. The editor gets the constraints written back as CSV.
    """
    what = "edge" if key == "edges" else "tier"
    pk, notes = PriorKnowledge.read_csv(names, **{key: data})
    table = editor_tables(pk)[key]
    if table.empty:
        raise DataError(
            f"the {what} file has a header but no rows, so loading it would empty "
            "the editor; to empty it, delete the editor's rows."
        )
    return table, notes


def editor_tables(pk: PriorKnowledge) -> dict[str, pd.DataFrame]:
    """The editors' rows (``edges``, ``tiers``) of a prior, written back as CSV.

    Cells are names as written: pandas' missing-value words (``NA``, ``None``,
    ``null``, ``nan``) are node names here, not gaps.
    """
    text = {"keep_default_na": False, "na_filter": False}
    return {
        "edges": pd.read_csv(io.StringIO(pk.edges_csv()), dtype=str, **text),
        "tiers": pd.read_csv(
            io.StringIO(pk.tiers_csv()), dtype={"node": str, "tier": "Int64"}, **text
        ),
    }


def build_prior(
    names: list[str], edges: pd.DataFrame, tiers: pd.DataFrame
) -> PriorKnowledge:
    """The prior the editors' tables hold, over the nodes ``names``.

    Rows are read as the prior files are (:meth:`PriorKnowledge.read_csv`): a
    kind is ``forbidden`` or ``required`` (``forbid``, ``require`` too), tiers
    are whole numbers (lower first). A row with a blank cell is refused, naming it
    (row 1 is the table's first), as is a self-loop; only rows without any
    node are skipped (a row just added, whose kind has its default).

    Parameters
    ----------
    names : list of str
        The nodes (the chosen columns).
    edges : DataFrame
        Columns ``source``, ``target``, ``kind``.
    tiers : DataFrame
        Columns ``node``, ``tier``.

    Returns
    -------
    PriorKnowledge

    Raises
    ------
    EngineError
        A row that cannot be read, a node listed twice in the tiers, or what
        :meth:`PriorKnowledge.from_edges` refuses (unknown nodes, conflicts).
    """
    forbidden, required = _editor_edges(edges)
    tier_map = _editor_tiers(tiers)
    return PriorKnowledge.from_edges(
        names, forbidden=forbidden, required=required, tiers=tier_map or None
    )


def _blank(value: Any) -> bool:
    """Whether an editor cell is empty (None, NaN, <NA> or blanks)."""
    return value is None or bool(pd.isna(value)) or not str(value).strip()


def _row_words(values: tuple[Any, ...]) -> str:
    """An editor row as the table shows it, ``"Raf | (empty) | required"``."""
    return " | ".join("(empty)" if _blank(v) else str(v) for v in values)


def _editor_edges(edges: pd.DataFrame) -> tuple[list[tuple], list[tuple]]:
    """The forbidden and required edges of the edges table (see
    :func:`build_prior`)."""
    forbidden, required = [], []
    table = edges.reindex(columns=["source", "target", "kind"])
    for k, row in enumerate(table.itertuples(index=False), 1):
        source, target, kind = row
        if _blank(source) and _blank(target):
            continue
        where = f"Edges: row {k} ({_row_words(tuple(row))})"
        cells = zip(("source", "target", "kind"), row, strict=True)
        blank = [c for c, v in cells if _blank(v)]
        if blank:
            said = " and ".join(f"no {c}" for c in blank)
            raise DataError(
                f"{where} has {said}; pick both nodes and the kind of every row, "
                "or delete the row."
            )
        try:
            kind = PriorKnowledge.edge_kind(str(kind))
        except DataError as err:
            raise DataError(
                f"{where} has the kind {str(kind).strip()!r}; choose 'forbidden' "
                "or 'required', or delete the row."
            ) from err
        if str(source) == str(target):
            raise DataError(
                f"{where} is the self-loop {source!r} -> {target!r}, which a DAG "
                "cannot have; delete the row."
            )
        (forbidden if kind == "forbidden" else required).append((source, target))
    return forbidden, required


def _editor_tiers(tiers: pd.DataFrame) -> dict[str, Any]:
    """The tier of each node of the tiers table (see :func:`build_prior`)."""
    tier_map: dict[str, Any] = {}
    repeated = []
    for k, (node, tier) in enumerate(
        tiers.reindex(columns=["node", "tier"]).itertuples(index=False), 1
    ):
        if _blank(node) and _blank(tier):
            continue
        where = f"Tiers: row {k} ({_row_words((node, tier))})"
        if _blank(node) or _blank(tier):
            said = "no node" if _blank(node) else "no tier"
            raise DataError(
                f"{where} has {said}; give every row a node and its tier (0, 1, "
                "2, ...), or delete the row."
            )
        node = str(node).strip()
        if node in tier_map:
            repeated.append(node)
        tier_map[node] = tier
    if repeated:
        raise DataError(
            f"Tiers: node(s) {sorted(set(repeated))} are listed more than once; "
            "keep one row per node."
        )
    return tier_map
