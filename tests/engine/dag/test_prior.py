"""Tests of engine.dag.prior."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from engine.dag import PriorKnowledge
from engine.errors import DataError, GraphError

NAMES = ["a", "b", "c", "d"]


def test_prior_from_edges_builds_masks():
    pk = PriorKnowledge.from_edges(
        NAMES,
        forbidden=[("a", "b")],
        required=[(2, 3)],
        tiers={"a": 0, "b": 0, "c": 0, "d": 1},
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


def test_violations_report_a_path_from_a_later_tier_through_untiered_nodes():
    # x2 (tier 1) -> x1 (no tier) -> x0 (tier 0): x2 becomes an ancestor of x0
    pk = PriorKnowledge.from_edges(["x0", "x1", "x2"], tiers={"x0": 0, "x2": 1})
    path = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    assert pk.violations(path) == [
        "path x2 -> x1 -> x0 goes from tier 1 back to tier 0 through untiered nodes"
    ]
    assert not pk.check(path)
    # the other way round, and an untiered node hanging off both, are fine
    assert pk.check(path.T)
    assert pk.check(np.array([[0, 1, 0], [0, 0, 0], [0, 1, 0]]))
    # a direct edge is named once as an edge, not again as a path
    both = path | np.array([[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    assert pk.violations(both) == ["edge x2 -> x0 goes from tier 1 back to tier 0"]


def test_a_backward_step_inside_a_longer_path_is_reported():
    # a (tier 1) -> u -> b (tier 1) -> v -> c (tier 0): the step b -> v -> c
    names = ["a", "u", "b", "v", "c"]
    pk = PriorKnowledge.from_edges(names, tiers={"a": 1, "b": 1, "c": 0})
    chain = np.eye(5, k=1, dtype=bool)
    assert pk.violations(chain) == [
        "path b -> v -> c goes from tier 1 back to tier 0 through untiered nodes"
    ]


def test_prior_rejects_conflicts():
    with pytest.raises(GraphError, match="both required and forbidden"):
        PriorKnowledge.from_edges(NAMES, forbidden=[("a", "b")], required=[("a", "b")])
    with pytest.raises(GraphError, match="tiers"):
        PriorKnowledge.from_edges(NAMES, required=[("b", "a")], tiers={"a": 0, "b": 1})
    with pytest.raises(GraphError, match="cycle"):
        PriorKnowledge.from_edges(NAMES, required=[("a", "b"), ("b", "a")])
    with pytest.raises(DataError, match="unknown node 'z'"):
        PriorKnowledge.from_edges(NAMES, forbidden=[("a", "z")])


def test_a_required_cycle_is_named_edge_by_edge():
    required = [("a", "b"), ("c", "d"), ("b", "c"), ("d", "b")]
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_edges(NAMES, required=required)
    assert "the required edges 'b' -> 'c' -> 'd' -> 'b' form a cycle" in str(info.value)


def test_prior_csv_round_trip():
    pk = PriorKnowledge.from_edges(
        NAMES, forbidden=[("a", "b")], required=[("c", "d")], tiers=[0, 1, 1, 2]
    )
    back = PriorKnowledge.from_csv(NAMES, edges=pk.edges_csv(), tiers=pk.tiers_csv())
    assert np.array_equal(back.forbidden, pk.forbidden)
    assert np.array_equal(back.required, pk.required)
    assert np.array_equal(back.tiers, pk.tiers)


def test_prior_csv_errors_name_the_row():
    with pytest.raises(DataError, match="line 2"):
        PriorKnowledge.from_csv(NAMES, edges="source,target,kind\na,b,maybe\n")
    with pytest.raises(DataError, match="missing"):
        PriorKnowledge.from_csv(NAMES, edges="from,to\na,b\n")


def test_prior_csv_refuses_a_row_longer_than_its_header(tmp_path):
    # 'a,b,required' under 'source,target' was read as the forbidden edge a -> b
    path = tmp_path / "forbid.csv"
    path.write_text("source,target\na,b,required\n")
    with pytest.raises(DataError) as err:
        PriorKnowledge.from_csv(NAMES, edges=path)
    msg = str(err.value)
    assert f"line 2 of the edge file {str(path)!r} has 3 fields" in msg
    assert "header ['source', 'target'] names 2 (extra: ['required'])" in msg
    assert "add a 'kind' column to the header ('source,target,kind')" in msg
    with pytest.raises(DataError, match=r"line 3 of the tier file has 3 fields"):
        PriorKnowledge.from_csv(NAMES, tiers="node;tier\na;0\nb;1;2\n")


def test_prior_csv_refuses_a_header_naming_a_column_twice(tmp_path):
    # 'Source,Source,Target' over 'c,a,b' was read as the edge a -> b: the last
    # Source won and nothing said so
    path = tmp_path / "forbid.csv"
    path.write_text("Source,Source,Target\nc,a,b\n")
    with pytest.raises(DataError) as err:
        PriorKnowledge.from_csv(NAMES, edges=path)
    assert str(err.value) == (
        f"PriorKnowledge.from_csv: the header of the edge file {str(path)!r} "
        "names the column(s) ['Source'] more than once (header: ['Source', "
        "'Source', 'Target']); keep one column of each name."
    )
    # names differing in case only are one column too, shown as written
    with pytest.raises(DataError, match=r"\['node', 'Node'\] more than once"):
        PriorKnowledge.from_csv(NAMES, tiers="node,tier,Node\na,0,b\n")


def test_prior_csv_takes_the_delimiters_the_data_reader_detects():
    # a spreadsheet in a comma-decimal locale saves ';'-separated CSV
    edges = b"source;target;kind\r\nc;d;Required\r\n"
    assert PriorKnowledge.from_csv(NAMES, edges=edges).required[2, 3]
    tiers = PriorKnowledge.from_csv(NAMES, tiers="node\ttier\na\t0\nb\t1\n").tiers
    assert tiers[:2].tolist() == [0, 1]
    hinted = PriorKnowledge.from_csv(NAMES, edges="sep=|\nsource|target\na|b\n")
    assert hinted.forbidden[0, 1]
    with pytest.raises(DataError, match="needs the header columns"):
        PriorKnowledge.from_csv(NAMES, edges="source;to\na;b\n")


def test_prior_csv_delimiter_comes_from_its_header():
    # rows of one and of four names split more evenly on no delimiter at all:
    # the header read as one column "src,dst"; it is two columns, named so
    with pytest.raises(DataError, match=r"\(found \['src', 'dst'\]\)"):
        PriorKnowledge.from_csv(NAMES, edges="src,dst\na\nb,c,d,a\n")
    # a header split by ';' over rows of uneven length is read by ';' (a row
    # without its kind cell is refused: it was read as forbidden, unsaid)
    with pytest.raises(DataError, match="line 2 of the edge file has no kind"):
        PriorKnowledge.from_csv(NAMES, edges="source;target;kind\na;b\nc;d;required\n")
    prior = PriorKnowledge.from_csv(NAMES, edges="source;target\na;b\nc;d\n")
    assert prior.forbidden[0, 1] and prior.forbidden[2, 3]
    assert prior.forbidden.sum() == 2


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


def test_prior_nodes_without_a_tier_are_unconstrained():
    # a mapping (or tier file) that leaves a node out gives it no tier: the old
    # behaviour silently put it in tier 0, i.e. before every tiered node
    pk = PriorKnowledge.from_edges(NAMES, tiers={"a": 0, "d": 1})
    assert np.isnan(pk.tiers[1]) and np.isnan(pk.tiers[2])
    allowed = pk.allowed_mask()
    assert not allowed[3, 0] and allowed[0, 3]  # d (tier 1) cannot cause a (tier 0)
    assert allowed[3, 1] and allowed[1, 3] and allowed[1, 0] and allowed[0, 1]
    assert not pk.precedence()[0, 1] and pk.precedence()[0, 3]
    # a required edge from a tiered node to an untiered one is no conflict
    PriorKnowledge.from_edges(NAMES, required=[("d", "b")], tiers={"a": 0, "d": 1})
    from_file = PriorKnowledge.from_csv(NAMES, tiers="node,tier\na,0\nd,1\n")
    np.testing.assert_array_equal(from_file.tiers, pk.tiers)
    assert pk.tiers_csv() == "node,tier\na,0\nd,1\n"
    assert pk.to_dict()["tiers"] == {"a": 0, "d": 1}
    assert PriorKnowledge.from_edges(NAMES, tiers={"b": 2}).is_empty


def test_prior_tier_file_refuses_a_node_listed_twice():
    with pytest.raises(DataError, match=r"'b' is listed twice.*tier 1.*tier 0"):
        PriorKnowledge.from_csv(NAMES, tiers="node,tier\na,0\nb,1\nb,0\n")


@pytest.mark.parametrize(
    ("tiers", "shown"),
    [
        ([0.5, 1, 2, 3], "0.5"),
        ([0, None, 1, 2], "None"),
        ({"a": 1.5}, "1.5"),
        ({"a": "1"}, "'1'"),
        ([0, True, 1, 2], "True"),
    ],
)
def test_prior_tiers_must_be_whole_numbers(tiers, shown):
    with pytest.raises(
        DataError, match=rf"'tiers' must hold whole numbers; got {shown}"
    ):
        PriorKnowledge.from_edges(NAMES, tiers=tiers)


def test_prior_tiers_sequence_needs_one_tier_per_node():
    with pytest.raises(DataError, match=r"one tier per node \(4\); got 3"):
        PriorKnowledge.from_edges(NAMES, tiers=[0, 1, 2])
    whole = PriorKnowledge.from_edges(NAMES, tiers=[0.0, 1.0, 1, 2])
    assert whole.tiers.tolist() == [0, 1, 1, 2]


def test_prior_constructor_refuses_fractional_tiers():
    z = np.zeros((4, 4), dtype=bool)
    with pytest.raises(DataError, match=r"'tiers' must be an array .*\[0\.5, 1"):
        PriorKnowledge(forbidden=z, required=z, tiers=[0.5, 1, 2, 3], names=NAMES)


def test_prior_from_edges_refuses_repeated_names():
    with pytest.raises(DataError, match=r"'names' must be unique; \['a'\]"):
        PriorKnowledge.from_edges(["a", "a", "b"], forbidden=[("a", "b")])


def test_prior_constructor_and_empty_refuse_repeated_names():
    with pytest.raises(DataError, match="must be unique"):
        PriorKnowledge.empty(["a", "a"])
    z = np.zeros((2, 2), dtype=bool)
    with pytest.raises(DataError, match=r"\['b'\] appear more than once"):
        PriorKnowledge(forbidden=z, required=z, tiers=None, names=("b", "b"))


def test_prior_refuses_a_required_path_against_the_tiers():
    # each required edge respects the tiers, the path a -> b -> c does not
    path = r"'a' -> 'b' -> 'c' lead from 'a' \(tier 1\) to 'c' \(tier 0\)"
    with pytest.raises(GraphError, match=path):
        PriorKnowledge.from_edges(
            ["a", "b", "c"], required=[("a", "b"), ("b", "c")], tiers={"a": 1, "c": 0}
        )
    # the same path with consistent tiers holds
    pk = PriorKnowledge.from_edges(
        ["a", "b", "c"], required=[("a", "b"), ("b", "c")], tiers={"a": 0, "c": 1}
    )
    assert pk.ordering_ok([0, 1, 2])


def test_prior_random_required_edges_and_tiers_never_leave_a_cycle():
    rng = np.random.default_rng(0)
    for _ in range(300):
        d = 5
        required = [
            (int(i), int(j)) for i, j in rng.integers(0, d, size=(3, 2)) if i != j
        ]
        tiers = {int(k): int(rng.integers(0, 3)) for k in rng.choice(d, 3, False)}
        try:
            pk = PriorKnowledge.from_edges(
                list("abcde"), required=required, tiers=tiers
            )
        except GraphError:
            continue
        assert not pk.precedence().diagonal().any()


def test_prior_csv_names_a_missing_file_and_an_empty_cell(tmp_path):
    missing = tmp_path / "nope.csv"
    for source in (missing, str(missing)):
        with pytest.raises(DataError, match="does not exist"):
            PriorKnowledge.from_csv(NAMES, edges=source)
    with pytest.raises(DataError, match="is a folder"):
        PriorKnowledge.from_csv(NAMES, tiers=tmp_path)
    with pytest.raises(DataError, match="line 3 of the edge file has no target"):
        PriorKnowledge.from_csv(NAMES, edges="source,target\na,b\nc,\n")
    with pytest.raises(DataError, match="line 2 of the tier file has no node"):
        PriorKnowledge.from_csv(NAMES, tiers="node,tier\n,1\n")
    # one line of CSV text (a header only) is still text, not a file name
    assert not PriorKnowledge.from_csv(NAMES, edges="source,target").forbidden.any()


def test_empty_prior_text_is_read_as_empty_text_not_as_a_path():
    # "" was Path("") (the working folder): "the edge file '' is a folder", and
    # blanks "'   ' does not exist"; empty text is said to be empty as b"" is
    for kind in ("edges", "tiers"):
        with pytest.raises(DataError) as info:
            PriorKnowledge.from_csv(NAMES, **{kind: b""})
        expected = str(info.value)
        assert "needs the header columns" in expected
        for text in ("", "   ", "\t"):
            for read in (PriorKnowledge.from_csv, PriorKnowledge.read_csv):
                with pytest.raises(DataError) as info:
                    read(NAMES, **{kind: text})
                assert str(info.value) == expected, (kind, text)


def test_prior_edges_must_be_pairs_and_padded_names_resolve():
    with pytest.raises(DataError, match="pair; got 'ab'"):
        PriorKnowledge.from_edges(NAMES, forbidden=["ab"])
    pk = PriorKnowledge.from_edges([" a", "b"], forbidden=[(" a", "b")])
    assert pk.forbidden[0, 1]
    assert PriorKnowledge.from_csv([" a", "b"], edges="source,target\na,b\n").forbidden[
        0, 1
    ]


def test_integers_are_names_when_the_node_names_are_numbers():
    # a DataFrame with numbered columns: (1, 2) was read as positions ('2' -> '3')
    # and the tier of 3 failed as "node index 3 is out of range"
    pk = PriorKnowledge.from_edges(
        pd.Index([1, 2, 3]),
        forbidden=[(1, 2)],
        required=[(np.int64(3), "2")],
        tiers={1: 0, 3: 1},
    )
    assert np.argwhere(pk.forbidden).tolist() == [[0, 1]]
    assert np.argwhere(pk.required).tolist() == [[2, 1]]
    assert pk.tiers_csv() == "node,tier\n1,0\n3,1\n"
    # float labels and numbers as floats name their nodes too
    floats = PriorKnowledge.from_edges(["1.0", "2.5"], forbidden=[(1, 2.5)])
    assert floats.forbidden[0, 1]
    # a number that names no node is not taken as a position instead
    with pytest.raises(DataError) as info:
        PriorKnowledge.from_edges(["year", "2021", "sales"], forbidden=[(0, 2)])
    assert (
        "node 0 is not one of names ['year', '2021', 'sales'], and since some of "
        "them are numbers (['2021']) an integer is read as a name, never as a "
        "position. For the node at position 0, pass its name names[0] ('year')."
    ) in str(info.value)
    # a name equal to the value as text wins; a number written two ways is refused
    exact = PriorKnowledge.from_edges(["1", "01", "a"], forbidden=[(1, "a")])
    assert np.argwhere(exact.forbidden).tolist() == [[0, 2]]
    with pytest.raises(DataError, match=r"node 1 matches 2 entries of names"):
        PriorKnowledge.from_edges(["1.0", "01", "a"], forbidden=[(1, "a")])
    # positions still work when no name is a number
    assert PriorKnowledge.from_edges(NAMES, forbidden=[(1, 3)]).forbidden[1, 3]


def test_a_prior_file_names_nodes_by_name_and_says_so_for_a_number():
    # "unknown node '0': it is neither a node name nor a position in 0..2", of
    # a 0 that is in 0..2: a file's cell is text, which names nodes by name only
    names = ["a", "b", "c"]
    with pytest.raises(DataError) as info:
        PriorKnowledge.read_csv(names, edges="source,target,kind\n0,2,required\n")
    assert str(info.value) == (
        "PriorKnowledge.from_csv: line 2 of the edge file names node '0' (source), "
        "which is no node name; prior files name nodes by their names: "
        "['a', 'b', 'c']."
    )
    with pytest.raises(DataError) as info:
        PriorKnowledge.read_csv(names, tiers="node,tier\na,0\n2,1\n")
    assert "line 3 of the tier file names node '2', which is no node name" in str(
        info.value
    )
    # with a numbered node the message is the same; the numbered node is found
    for text in ("source,target\na,zz\n", "source,target\na,0\n"):
        with pytest.raises(DataError) as info:
            PriorKnowledge.read_csv(["a", "b", "1"], edges=text)
        assert "position" not in str(info.value)
        assert "(target), which is no node name" in str(info.value)
    pk = PriorKnowledge.from_csv(["a", "b", "1"], edges="source,target\n1,a\n")
    assert pk.forbidden[2, 0]
    # the library still takes an integer as a position where no name is a number
    assert PriorKnowledge.from_edges(names, required=[(0, 2)]).required[0, 2]


def test_every_conflict_is_reported_at_once_with_the_tiers():
    # only the first conflict was named, and "against the tiers" gave no tiers
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_edges(
            NAMES,
            forbidden=[("a", "b"), ("c", "d")],
            required=[("a", "b"), ("c", "d"), ("d", "a")],
            tiers={"a": 0, "d": 1},
        )
    assert str(info.value) == (
        "PriorKnowledge: the constraints conflict in 3 places, so no DAG can "
        "satisfy them: (1) the edge 'a' -> 'b' is both required and forbidden; "
        "remove one of the two constraints. (2) the edge 'c' -> 'd' is both "
        "required and forbidden; remove one of the two constraints. (3) the edge "
        "'d' -> 'a' is both required and against the tiers ('d' is in tier 1, 'a' "
        "in tier 0); remove one of the two constraints."
    )
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_edges(
            NAMES, forbidden=[("b", "a")], required=[("b", "a")], tiers=[0, 1, 1, 1]
        )
    assert str(info.value) == (
        "PriorKnowledge: the edge 'b' -> 'a' is required, yet forbidden and against "
        "the tiers ('b' is in tier 1, 'a' in tier 0); remove the requirement, or "
        "both the prohibition and the tier order."
    )


def test_prior_file_errors_name_the_file_given_by_path(tmp_path):
    tiers = tmp_path / "tiers.csv"
    tiers.write_text("node,tier\na,0\nb,2.5\n")
    with pytest.raises(DataError) as info:
        PriorKnowledge.from_csv(NAMES, tiers=tiers)
    assert str(info.value) == (
        f"PriorKnowledge.from_csv: line 3 of the tier file {str(tiers)!r} has tier "
        "'2.5'; tiers must be whole numbers (0, 1, 2, ...)."
    )
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\na,zz\n")
    with pytest.raises(
        DataError, match=re.escape(f"line 2 of the edge file {str(edges)!r} names node")
    ):
        PriorKnowledge.from_csv(NAMES, edges=str(edges))
    edges.write_text("source,target,kind\nb,a,required\n")
    tiers.write_text("node,tier\na,0\nb,1\n")
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_csv(NAMES, edges=edges, tiers=tiers)
    assert str(info.value).startswith(
        f"PriorKnowledge.from_csv (the edge file {str(edges)!r} and the tier file "
        f"{str(tiers)!r}): the edge 'b' -> 'a' is both required and against"
    )
    with pytest.raises(GraphError, match="line 2 of the edge file is the self-loop"):
        PriorKnowledge.from_csv(NAMES, edges="source,target\nc,c\n")
    # text has no file name
    with pytest.raises(DataError, match=r"line 2 of the tier file has tier '2\.5'"):
        PriorKnowledge.from_csv(NAMES, tiers="node,tier\na,2.5\n")


def test_a_tier_file_from_a_spreadsheet_may_write_whole_tiers_with_decimals():
    pk = PriorKnowledge.from_csv(NAMES, tiers="node,tier\na,1.0\nb, 0.00\nc,2\n")
    assert pk.tiers[:3].tolist() == [1, 0, 2]
    for bad in ("1.5", "nan", "inf", "one"):
        with pytest.raises(
            DataError, match=re.escape(f"has tier '{bad}'; tiers must be whole")
        ):
            PriorKnowledge.from_csv(NAMES, tiers=f"node,tier\na,{bad}\n")


def test_every_independent_required_cycle_is_reported_once():
    required = [("a", "b"), ("b", "a"), ("c", "d"), ("d", "c")]
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_edges(NAMES, required=required)
    message = str(info.value)
    assert "conflict in 2 places" in message
    assert "(1) the required edges 'a' -> 'b' -> 'a' form a cycle" in message
    assert "(2) the required edges 'c' -> 'd' -> 'c' form a cycle" in message
    assert message.count("form a cycle") == 2


def test_cycles_sharing_a_node_are_each_reported():
    required = [("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")]
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_edges(NAMES, required=required)
    message = str(info.value)
    assert "'a' -> 'b' -> 'a' form a cycle" in message
    assert "'b' -> 'c' -> 'b' form a cycle" in message
    assert message.count("form a cycle") == 2


def test_a_cycle_does_not_hide_a_required_path_against_the_tiers():
    # a -> c -> a is a cycle; apart from it, b -> c -> a leads from tier 1 to 0
    required = [("b", "c"), ("c", "a"), ("a", "c")]
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_edges(NAMES, required=required, tiers={"a": 0, "b": 1})
    message = str(info.value)
    assert "conflict in 2 places" in message
    assert "the required edges 'a' -> 'c' -> 'a' form a cycle" in message
    assert (
        "the required edges 'b' -> 'c' -> 'a' lead from 'b' (tier 1) to 'a' (tier 0)"
        in message
    )


def test_many_required_cycles_are_capped_and_counted_as_more():
    names = [f"x{k}" for k in range(8)]
    everything = [(i, j) for i in names for j in names if i != j]
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_edges(names, required=everything)
    message = str(info.value)
    assert message.count("form a cycle") == 10
    assert "and more cycles of required edges" in message


def test_paths_through_a_required_edge_against_the_tiers_are_not_repeated():
    # c -> a is against the tiers; the paths b -> c -> a and c -> a -> b follow
    # from it and are not listed again
    required = [("a", "b"), ("b", "c"), ("c", "a")]
    with pytest.raises(GraphError) as info:
        PriorKnowledge.from_edges(
            NAMES, required=required, tiers={"a": 0, "b": 1, "c": 2}
        )
    message = str(info.value)
    assert "conflict in 2 places" in message
    assert "(1) the edge 'c' -> 'a' is both required and against the tiers" in message
    assert "(2) the required edges 'a' -> 'b' -> 'c' -> 'a' form a cycle" in message


def test_a_tier_out_of_range_in_a_tier_file_names_the_file_and_row(tmp_path):
    path = tmp_path / "tiers.csv"
    path.write_text("node,tier\nb,1\na,3000000000\n")
    with pytest.raises(DataError) as info:
        PriorKnowledge.from_csv(NAMES, tiers=path)
    message = str(info.value)
    assert f"line 3 of the tier file {str(path)!r} has tier '3000000000'" in message
    assert "beyond +-2147483647" in message


def test_a_tier_out_of_range_in_a_mapping_names_the_node():
    with pytest.raises(DataError, match=r"tier -3000000000 for node 'c'.*2147483647"):
        PriorKnowledge.from_edges(NAMES, tiers={"a": 0, "c": -3_000_000_000})


def test_prior_files_opened_in_binary_mode_are_read(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_bytes(
        "\ufeffsource;target;kind\nb;a;forbidden\nc;d;required\n".encode()
    )
    tiers = tmp_path / "tiers.csv"
    tiers.write_bytes(b"node,tier\na,0\nd,1.0\n")
    with open(edges, "rb") as e, open(tiers, "rb") as t:
        pk = PriorKnowledge.from_csv(NAMES, edges=e, tiers=t)
    assert pk.to_dict() == {
        "names": NAMES,
        "forbidden": [["b", "a"]],
        "required": [["c", "d"]],
        "tiers": {"a": 0, "d": 1},
    }


def test_a_binary_prior_file_names_itself_in_errors(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_bytes(b"source,target\na,zz\n")
    with open(path, "rb") as f, pytest.raises(DataError) as info:
        PriorKnowledge.from_csv(NAMES, edges=f)
    assert f"line 2 of the edge file {str(path)!r} names node 'zz'" in str(info.value)
    with pytest.raises(DataError, match="is not UTF-8 text"):
        PriorKnowledge.from_csv(NAMES, edges=io.BytesIO(b"source,target\n\xff,a\n"))


def test_equal_priors_compare_equal_and_hash_alike():
    # p1 == p2 raised "The truth value of an array with more than one element is
    # ambiguous", and a prior could not be a dict key or a set member
    def build(forbidden=(("a", "b"),)):
        return PriorKnowledge.from_edges(
            ["a", "b", "c"],
            forbidden=forbidden,
            required=[("c", "a")],
            tiers={"c": 0, "b": 1},
        )

    p1, p2 = build(), build()
    assert p1 == p2 and (p1 != p2) is False
    assert hash(p1) == hash(p2) and len({p1, p2}) == 1
    assert p1 != build(forbidden=()) and p1 != p1.subset(["c", "a", "b"])
    assert p1 != "prior" and p1 != p1.to_dict()
    # no tiers at all, or every node without a tier, say the same
    none, nan = (
        PriorKnowledge.empty(["a", "b"]),
        PriorKnowledge.from_edges(["a", "b"], tiers={}),
    )
    assert none.tiers is None and np.isnan(nan.tiers).all()
    assert none == nan and hash(none) == hash(nan)


def test_from_dict_reads_back_what_to_dict_wrote():
    import json

    prior = PriorKnowledge.from_edges(
        ["1", "x", "y"], forbidden=[("x", "y")], required=[("1", "x")], tiers={"1": 0}
    )
    for source in (prior, PriorKnowledge.empty(["a", "b"])):
        back = PriorKnowledge.from_dict(json.loads(json.dumps(source.to_dict())))
        assert back == source and back.to_dict() == source.to_dict()
    assert PriorKnowledge.from_dict({"names": ["a", "b"]}) == PriorKnowledge.empty(
        ["a", "b"]
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["a", "b"], "expected a dict as to_dict writes it (keys ['names', "),
        ({"forbidden": []}, "the dict has no 'names'; it takes ['names', "),
        (
            {"names": ["a", "b"], "forbiden": [["a", "b"]]},
            "the dict has unknown key(s) ['forbiden']; it takes ['names', ",
        ),
        (
            {"names": ["a", "b"], "required": "ab"},
            "'required' must be a list of [source, target] pairs; got str 'ab'.",
        ),
        ({"names": ["a", "b"], "forbidden": [["a", "z"]]}, "unknown node 'z'"),
    ],
)
def test_from_dict_refuses_what_to_dict_does_not_write(data, message):
    with pytest.raises(DataError) as info:
        PriorKnowledge.from_dict(data)
    assert str(info.value).startswith("PriorKnowledge.from_dict: ")
    assert message in str(info.value)


def test_a_utf16_prior_file_reads_like_a_utf8_one():
    # Excel's "Unicode text" is UTF-16; the table and graph readers took it, the
    # prior reader said "not UTF-8 text"
    edges = "source,target\r\nb,a\r\n"
    tiers = "node,tier\r\na,0\r\nd,1\r\n"
    pk = PriorKnowledge.from_csv(
        NAMES,
        edges=io.BytesIO(edges.encode("utf-16")),
        tiers=io.BytesIO(tiers.encode("utf-16")),
    )
    assert pk == PriorKnowledge.from_csv(
        NAMES, edges=io.BytesIO(edges.encode()), tiers=io.BytesIO(tiers.encode())
    )
    assert pk.to_dict()["forbidden"] == [["b", "a"]]
    # without a byte-order mark (pandas' encoding="utf-16-le"), too
    assert pk == PriorKnowledge.from_csv(
        NAMES,
        edges=io.BytesIO(edges.encode("utf-16-le")),
        tiers=io.BytesIO(tiers.encode("utf-16-be")),
    )


def test_prior_csv_errors_show_the_header_as_written(tmp_path):
    # a header 'X1,X2' was shown as "found ['x1', 'x2']"
    with pytest.raises(DataError, match=re.escape("(found ['X1', 'X2'])")):
        PriorKnowledge.from_csv(NAMES, edges="X1,X2\na,b\n")
    with pytest.raises(DataError, match=re.escape("(found ['Node', 'Level'])")):
        PriorKnowledge.from_csv(NAMES, tiers="Node,Level\na,0\n")
    # the header is matched case-insensitively, and named as written
    with pytest.raises(DataError) as err:
        PriorKnowledge.from_csv(NAMES, edges="Source,Target\na,b,required\n")
    msg = str(err.value)
    assert "header ['Source', 'Target'] names 2 (extra: ['required'])" in msg
    assert "to the header ('Source,Target,kind')" in msg
    cased = PriorKnowledge.from_csv(NAMES, edges="Source,TARGET,Kind\nc,d,required\n")
    assert cased.required[2, 3]


def test_prior_repr_is_short_and_counts_the_constraints():
    names = [f"gene{k}" for k in range(40)]
    pk = PriorKnowledge.from_edges(
        names,
        forbidden=[("gene0", "gene1"), ("gene2", "gene3")],
        required=[("gene4", "gene5")],
        tiers={"gene0": 0, "gene1": 1, "gene7": 1},
    )
    assert repr(pk) == (
        "PriorKnowledge(40 nodes ['gene0', 'gene1', 'gene2', 'gene3', 'gene4', "
        "... and 35 more], 2 forbidden edges, 1 required edge, 2 tiers over 3 "
        "nodes)"
    )
    assert repr(PriorKnowledge.empty(["a", "b"])) == (
        "PriorKnowledge(2 nodes ['a', 'b'], 0 forbidden edges, 0 required edges, "
        "no tiers)"
    )
    # equality, hashing and to_dict are as before
    again = PriorKnowledge.from_dict(pk.to_dict())
    assert again == pk and hash(again) == hash(pk) and len(repr(pk)) < 200


# --- input mistakes in prior files are said, not silently read (round 18, D) ---


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_kind_under_a_kind_column_is_refused_naming_the_line(blank):
    # 'alpha,beta,' under 'source,target,kind' was read as forbidden, unsaid
    text = f"source,target,kind\na,b,required\nc,d,{blank}\n"
    with pytest.raises(DataError) as info:
        PriorKnowledge.from_csv(NAMES, edges=text)
    message = str(info.value)
    assert "line 3 of the edge file has no kind" in message
    assert "'forbidden' or 'required'" in message


def test_every_empty_cell_of_an_edge_line_is_named():
    with pytest.raises(DataError, match="line 2 of the edge file has no target;"):
        PriorKnowledge.from_csv(NAMES, edges="source,target,kind\na,,required\n")
    with pytest.raises(
        DataError, match="line 2 of the edge file has no source, no target and no kind"
    ):
        PriorKnowledge.from_csv(NAMES, edges="source,target,kind\n,,\n")


def test_lines_are_counted_as_the_file_has_them():
    # DictReader skips blank lines, and the reader numbered the rows from 2
    # whatever lay above them: a blank line or Excel's sep= line put it off
    with pytest.raises(DataError, match="line 4 of the edge file has no target"):
        PriorKnowledge.from_csv(NAMES, edges="source,target\na,b\n\nc,\n")
    with pytest.raises(DataError, match="line 4 of the tier file has no node"):
        PriorKnowledge.from_csv(NAMES, tiers="\nsep=;\nnode;tier\n;1\n")


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("forbid", "forbidden"),
        (" Forbid ", "forbidden"),
        ("FORBIDDEN", "forbidden"),
        ("require", "required"),
        ("Required ", "required"),
    ],
)
def test_kinds_are_read_in_either_form_and_written_canonically(written, kind):
    # the page's Edges tab says "require"/"forbid", while files needed
    # 'required'/'forbidden' and 'forbid' was refused
    pk = PriorKnowledge.from_csv(NAMES, edges=f"source,target,kind\na,b,{written}\n")
    assert pk.to_dict()[kind] == [["a", "b"]]
    assert pk.edges_csv() == f"source,target,kind\na,b,{kind}\n"
    assert PriorKnowledge.edge_kind(written) == kind


def test_an_unknown_kind_is_refused_with_the_words_taken():
    with pytest.raises(DataError) as info:
        PriorKnowledge.from_csv(NAMES, edges="source,target,kind\na,b,maybe\n")
    message = str(info.value)
    assert "line 2 of the edge file has kind 'maybe'" in message
    assert "'forbidden' (or 'forbid') or 'required' (or 'require')" in message
    with pytest.raises(DataError, match="got 'maybe'"):
        PriorKnowledge.edge_kind("maybe")
    with pytest.raises(DataError, match="no kind"):
        PriorKnowledge.edge_kind(" ")


def test_an_edge_file_without_a_kind_column_says_its_edges_are_forbidden():
    pk, notes = PriorKnowledge.read_csv(NAMES, edges="source,target\na,b\nc,d\n")
    assert pk.to_dict()["forbidden"] == [["a", "b"], ["c", "d"]]
    assert notes == [
        "the edge file has no 'kind' column, so its 2 rows are read as forbidden "
        "edges; to require an edge, add a 'kind' column with 'forbidden' or "
        "'required' in each row."
    ]
    one = PriorKnowledge.read_csv(NAMES, edges="source,target\na,b\n")[1]
    assert one[0].startswith(
        "the edge file has no 'kind' column, so its 1 row is read as a forbidden edge; "
    )
    # with a kind column, nothing to say
    text = "source,target,kind\na,b,forbidden\n"
    assert PriorKnowledge.read_csv(NAMES, edges=text)[1] == []


def test_a_prior_file_of_a_header_only_says_it_gives_no_constraints():
    pk, notes = PriorKnowledge.read_csv(
        NAMES, edges="source,target,kind\n", tiers="node,tier\n"
    )
    assert pk.is_empty
    assert notes == [
        "the edge file has a header but no rows: it forbids and requires no edge.",
        "the tier file has a header but no rows: it gives no node a tier.",
    ]
    # what the writers give for an empty prior still reads back
    empty = PriorKnowledge.empty(NAMES)
    back = PriorKnowledge.from_csv(
        NAMES, edges=empty.edges_csv(), tiers=empty.tiers_csv()
    )
    assert back == empty


@pytest.mark.parametrize("tier", ["-1", "-2.0"])
def test_a_negative_tier_in_a_tier_file_comes_first_and_round_trips(tier):
    # tiers only order the nodes: a file reads what the library accepts, so a
    # prior with a negative tier is written and read back as it was
    pk = PriorKnowledge.from_csv(NAMES, tiers=f"node,tier\na,0\nb,{tier}\n")
    assert pk.to_dict()["tiers"] == {"a": 0, "b": int(float(tier))}
    before = pk.precedence()
    assert before[NAMES.index("b"), NAMES.index("a")]
    assert not before[NAMES.index("a"), NAMES.index("b")]
    back = PriorKnowledge.from_csv(NAMES, tiers=pk.tiers_csv())
    assert back == pk


def test_columns_a_prior_file_does_not_use_are_noted():
    pk, notes = PriorKnowledge.read_csv(
        NAMES,
        edges="source,target,kind,weight\na,b,required,0.5\n",
        tiers="node,tier,x,Comment\na,0,1,first\n",
    )
    assert pk.to_dict()["required"] == [["a", "b"]] and pk.to_dict()["tiers"] == {
        "a": 0
    }
    assert notes == [
        "the edge file's column 'weight' is not read: an edge file is read by its "
        "columns source, target and kind.",
        "the tier file's columns 'x' and 'Comment' are not read: a tier file is "
        "read by its columns node and tier.",
    ]


def test_cells_under_a_header_cell_left_empty_are_refused():
    # 'source,target,' over 'a,b,required': the trailing header cell names no
    # column, and its cells were dropped, so a -> b read as forbidden
    with pytest.raises(DataError) as info:
        PriorKnowledge.from_csv(NAMES, edges="source,target,\na,b,required\n")
    message = str(info.value)
    assert "line 2 of the edge file has the cell 'required' under no header" in message
    # a header and rows that end in a delimiter are fine (spreadsheets write them)
    pk = PriorKnowledge.from_csv(NAMES, edges="source,target,\na,b,\n")
    assert pk.to_dict()["forbidden"] == [["a", "b"]]
