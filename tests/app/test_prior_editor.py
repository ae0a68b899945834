"""The prior editor's tables written as JSON-ready lists and read back."""

from __future__ import annotations

import pandas as pd
import pytest

from app.components.prior_editor import (
    build_prior,
    editor_tables,
    prior_rows,
    prior_tables,
)
from engine.dag import PriorKnowledge
from engine.errors import EngineError


def _rows(table: pd.DataFrame) -> list[list]:
    return table.astype(object).values.tolist()


def test_prior_rows_read_the_tables_leniently_for_a_work_file():
    tables = {
        "edges": pd.DataFrame(
            {
                "source": ["a", "b", None, "c"],
                "target": ["b", "c", "a", " "],
                "kind": ["required", None, "forbidden", "forbidden"],
            }
        ),
        "tiers": pd.DataFrame(
            {
                "node": [" a ", "b", None],
                "tier": pd.Series([0, None, 2], dtype="Int64"),
            }
        ),
    }
    # what a work file keeps is not refused (build_prior refuses these rows when
    # they are back in the editor): blank node cells and blank tiers are left
    # out, a blank kind is forbidden
    assert prior_rows(tables) == {
        "forbidden": [["b", "c"]],
        "required": [["a", "b"]],
        "tiers": {"a": 0},
    }


def test_prior_tables_give_back_the_editor_tables_of_the_rows():
    pk = PriorKnowledge.from_edges(
        ["a", "b", "c"],
        forbidden=[("c", "a")],
        required=[("a", "b")],
        tiers={"a": 0, "c": 1},
    )
    tables = prior_tables(prior_rows(editor_tables(pk)))
    assert _rows(tables["edges"]) == [["c", "a", "forbidden"], ["a", "b", "required"]]
    assert _rows(tables["tiers"]) == [["a", 0], ["c", 1]]
    assert str(tables["tiers"]["tier"].dtype) == "Int64"
    assert prior_rows(tables) == prior_rows(editor_tables(pk))
    empty = prior_tables({"forbidden": [], "required": [], "tiers": None})
    assert list(empty["edges"].columns) == ["source", "target", "kind"]
    assert empty["edges"].empty and empty["tiers"].empty


# --- the editors' rows are checked as the prior files are (round 18, D) ---

NAMES = ["a", "b", "c"]


def _edges(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["source", "target", "kind"])


def _tiers(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["node", "tier"])
    return frame.astype({"node": object, "tier": "Int64"})


NO_TIERS = _tiers()
NO_EDGES = _edges()


@pytest.mark.parametrize(
    ("row", "said"),
    [
        # the tester's 'alpha | (empty) | required': dropped without a word
        (("a", None, "required"), "row 2 (a | (empty) | required) has no target"),
        ((None, "b", "forbidden"), "row 2 ((empty) | b | forbidden) has no source"),
        (("a", " ", None), "row 2 (a | (empty) | (empty)) has no target and no kind"),
        # a blank kind was read as forbidden
        (("a", "b", None), "row 2 (a | b | (empty)) has no kind"),
        (("a", "b", "maybe"), "row 2 (a | b | maybe) has the kind 'maybe'"),
        (("c", "c", "forbidden"), "row 2 (c | c | forbidden) is the self-loop"),
    ],
)
def test_an_edge_row_the_prior_cannot_read_is_refused_naming_it(row, said):
    edges = _edges(("b", "c", "forbidden"), row)
    with pytest.raises(EngineError) as info:
        build_prior(NAMES, edges, NO_TIERS)
    message = str(info.value)
    assert message.startswith(f"Edges: {said}"), message
    assert "delete the row" in message


def test_edge_rows_without_nodes_are_rows_just_added_and_skipped():
    # a row added in the editor gets the default kind before its nodes
    edges = _edges(
        ("a", "b", "Require"), (None, None, "forbidden"), ("b", "c", "forbid")
    )
    pk = build_prior(NAMES, edges, NO_TIERS)
    assert pk.to_dict()["required"] == [["a", "b"]]
    assert pk.to_dict()["forbidden"] == [["b", "c"]]


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (("b", None), "row 2 (b | (empty)) has no tier"),
        ((None, 1), "row 2 ((empty) | 1) has no node"),
    ],
)
def test_a_tier_row_the_prior_cannot_read_is_refused_naming_it(row, said):
    with pytest.raises(EngineError) as info:
        build_prior(NAMES, NO_EDGES, _tiers(("a", 0), row))
    message = str(info.value)
    assert message.startswith(f"Tiers: {said}"), message


def test_blank_tier_rows_are_skipped():
    pk = build_prior(NAMES, NO_EDGES, _tiers(("a", 0), (None, None), ("c", 1)))
    assert pk.to_dict()["tiers"] == {"a": 0, "c": 1}


@pytest.mark.parametrize("names", [["NA", "b", "c"], ["None", "null", "nan"]])
def test_node_names_pandas_reads_as_missing_survive_the_editor(names):
    # the editor read its CSV with pandas' defaults: 'NA', 'None', 'null' and
    # 'nan' became empty cells, and the prior was refused ("has no source")
    pk = PriorKnowledge.from_edges(
        names,
        forbidden=[(names[0], names[1])],
        required=[(names[2], names[1])],
        tiers={names[0]: -1, names[1]: 0},
    )
    tables = editor_tables(pk)
    assert tables["edges"].values.tolist() == [
        [names[0], names[1], "forbidden"],
        [names[2], names[1], "required"],
    ]
    assert build_prior(names, tables["edges"], tables["tiers"]) == pk
