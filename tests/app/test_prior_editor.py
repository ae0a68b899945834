"""The prior editor's tables written as JSON-ready lists and read back."""

from __future__ import annotations

import pandas as pd

from app.components.prior_editor import editor_tables, prior_rows, prior_tables
from engine.dag import PriorKnowledge


def _rows(table: pd.DataFrame) -> list[list]:
    return table.astype(object).values.tolist()


def test_prior_rows_read_the_tables_as_build_prior_does():
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
    # blank node cells and blank tiers are left out; a blank kind is forbidden
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
