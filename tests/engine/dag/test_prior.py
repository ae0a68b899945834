"""Tests of engine.dag.prior."""

from __future__ import annotations

import numpy as np
import pytest

from engine.dag import PriorKnowledge
from engine.errors import DataError, GraphError

NAMES = ["a", "b", "c", "d"]


def test_prior_from_edges_builds_masks():
    pk = PriorKnowledge.from_edges(
        NAMES, forbidden=[("a", "b")], required=[(2, 3)], tiers={"d": 1}
    )
    assert pk.forbidden[0, 1] and pk.forbidden.sum() == 1
    assert pk.required[2, 3] and pk.required.sum() == 1
    assert pk.tiers.tolist() == [0, 0, 0, 1]
    allowed = pk.allowed_mask()
    assert not allowed[0, 1] and not allowed[3, 0] and allowed[0, 3]
    assert not allowed.diagonal().any()


def test_prior_precedence_is_transitive():
    pk = PriorKnowledge.from_edges(NAMES, required=[("a", "b"), ("b", "c")])
    p = pk.precedence()
    assert p[0, 2] and not p[2, 0]
    assert pk.ordering_ok([0, 1, 2, 3]) and not pk.ordering_ok([2, 1, 0, 3])


def test_prior_check_reports_violations():
    pk = PriorKnowledge.from_edges(
        NAMES, forbidden=[("a", "b")], required=[("c", "d")], tiers=[0, 0, 1, 1]
    )
    a = np.zeros((4, 4), dtype=bool)
    a[0, 1] = a[2, 0] = True
    msgs = pk.violations(a)
    assert len(msgs) == 3 and not pk.check(a)
    good = np.zeros((4, 4), dtype=bool)
    good[2, 3] = good[0, 2] = True
    assert pk.check(good)


def test_prior_rejects_conflicts():
    with pytest.raises(GraphError, match="both required and forbidden"):
        PriorKnowledge.from_edges(NAMES, forbidden=[("a", "b")], required=[("a", "b")])
    with pytest.raises(GraphError, match="tiers"):
        PriorKnowledge.from_edges(NAMES, required=[("b", "a")], tiers={"b": 1})
    with pytest.raises(GraphError, match="cycle"):
        PriorKnowledge.from_edges(NAMES, required=[("a", "b"), ("b", "a")])
    with pytest.raises(DataError, match="unknown node 'z'"):
        PriorKnowledge.from_edges(NAMES, forbidden=[("a", "z")])


def test_prior_csv_round_trip():
    pk = PriorKnowledge.from_edges(
        NAMES, forbidden=[("a", "b")], required=[("c", "d")], tiers=[0, 1, 1, 2]
    )
    back = PriorKnowledge.from_csv(NAMES, edges=pk.edges_csv(), tiers=pk.tiers_csv())
    assert np.array_equal(back.forbidden, pk.forbidden)
    assert np.array_equal(back.required, pk.required)
    assert np.array_equal(back.tiers, pk.tiers)


def test_prior_csv_errors_name_the_row():
    with pytest.raises(DataError, match="row 2"):
        PriorKnowledge.from_csv(NAMES, edges="source,target,kind\na,b,maybe\n")
    with pytest.raises(DataError, match="missing"):
        PriorKnowledge.from_csv(NAMES, edges="from,to\na,b\n")


def test_prior_csv_bytes_bom_and_latin1(tmp_path):
    # a spreadsheet's UTF-8 export starts with a byte-order mark
    bom = "\ufeffsource,target,kind\na,b,required\n".encode()
    path = tmp_path / "edges.csv"
    path.write_bytes(bom)
    for source in (bom, path):
        assert PriorKnowledge.from_csv(NAMES, edges=source).required[0, 1]
    path.write_bytes("node,tier\na,0\n\xe9,1\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        PriorKnowledge.from_csv(NAMES, tiers=path)
