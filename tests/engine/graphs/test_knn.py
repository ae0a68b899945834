"""kNN graphs and edge lists on hand examples."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from engine.errors import ConfigError, GraphError
from engine.graphs.knn import (
    adjacency_from_edges,
    closest_name_column,
    describe_edge_list,
    knn_graph,
    read_edge_list,
    repeated_name_column,
    repeated_names,
)

# points on a line: 0, 1, 3, 7, 8
LINE = np.array([[0.0], [1.0], [3.0], [7.0], [8.0]])


def test_knn_graph_or_symmetrised_on_line():
    # nearest neighbours: 0->1, 1->0, 2->1, 3->4, 4->3
    adj = knn_graph(LINE, 1, metric="euclidean")
    edges = {tuple(e) for e in np.argwhere(np.triu(adj))}
    assert edges == {(0, 1), (1, 2), (3, 4)}
    assert (adj == adj.T).all() and not adj.diagonal().any()


def test_knn_graph_mutual_and_upper_conventions():
    mutual = knn_graph(LINE, 1, metric="euclidean", symmetrize="and")
    assert {tuple(e) for e in np.argwhere(np.triu(mutual))} == {(0, 1), (3, 4)}
    # "upper": pair i<j is an edge iff j is among i's neighbours; 2->1 is dropped
    upper = knn_graph(LINE, 1, metric="euclidean", symmetrize="upper")
    assert {tuple(e) for e in np.argwhere(np.triu(upper))} == {(0, 1), (3, 4)}


def test_knn_graph_cosine_uses_angles_not_lengths():
    X = np.array([[1.0, 0.0], [10.0, 0.5], [0.0, 1.0], [0.2, 5.0]])
    adj = knn_graph(X, 1, metric="cosine")
    assert {tuple(e) for e in np.argwhere(np.triu(adj))} == {(0, 1), (2, 3)}


def test_knn_graph_two_neighbours_degree_at_least_k():
    adj = knn_graph(LINE, 2, metric="euclidean")
    assert (adj.sum(1) >= 2).all()
    # node 2 (at 3) has neighbours 1 (at 1, distance 2) and 0 (distance 3)
    assert adj[2, 1] and adj[2, 0]


def test_knn_graph_rejects_bad_k():
    with pytest.raises(ConfigError, match="'k'"):
        knn_graph(LINE, 5)
    with pytest.raises(ConfigError) as info:
        knn_graph(LINE, 500)
    message = str(info.value)
    assert "in [1, 4] (smaller than the number of nodes, 5); got 500" in message


def test_adjacency_from_edges_names_and_indices():
    names = ["a", "b", "c"]
    frame = pd.DataFrame({"source": ["a", "c"], "target": ["b", "b"]})
    adj = adjacency_from_edges(frame, 3, node_names=names)
    assert adj[0, 1] and adj[1, 0] and adj[1, 2] and not adj[0, 2]
    same = adjacency_from_edges(np.array([[0, 1], [2, 1], [1, 1]]), 3)
    assert (same == adj).all()


def test_adjacency_from_edges_names_unknown_node():
    with pytest.raises(GraphError, match="'zz'"):
        adjacency_from_edges(
            pd.DataFrame({"s": ["a"], "t": ["zz"]}), 2, node_names=["a", "b"]
        )
    with pytest.raises(GraphError, match="index"):
        adjacency_from_edges(np.array([[0, 5]]), 3)


WHOLE = "neither a node name nor a whole number"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("1.5", WHOLE),
        ("-0.5", WHOLE),
        ("nan", WHOLE),
        ("inf", WHOLE),
        (2.5, WHOLE),
        ("1e300", "is not a node index"),
    ],
)
def test_adjacency_from_edges_refuses_fractional_ids_without_a_warning(value, says):
    # NaN / inf / huge floats were cast to int64 first: a numpy RuntimeWarning
    # ("invalid value encountered in cast") came before the error
    names = [str(i) for i in range(10)]
    frame = pd.DataFrame({"source": ["3", value], "target": ["2", "4"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(GraphError) as info:
            adjacency_from_edges(frame, 10, node_names=names)
        with pytest.raises(GraphError):
            adjacency_from_edges(np.array([[3, 2], [value, 4]], dtype=object), 10)
    message = str(info.value)
    assert f"source node {value!r} on edge row 1" in message
    assert says in message and "[0, 9]" in message


def test_read_edge_list_with_and_without_header():
    with_header = read_edge_list(b"source,target,weight\n0,1,0.5\n1,2,1\n")
    plain = read_edge_list(b"0,1\n1,2\n")
    assert (
        with_header.values.tolist()
        == plain.values.tolist()
        == [
            ["0", "1"],
            ["1", "2"],
        ]
    )
    with pytest.raises(GraphError, match="two columns"):
        read_edge_list(b"0\n1\n")


def test_describe_edge_list_counts_usable_edges_and_names_what_is_left_out():
    # a self-loop used to vanish silently: "1 edges read." and then 0 edges used
    n_edges, notes = describe_edge_list(
        pd.DataFrame({"source": ["a", "b", "a", "c"], "target": ["a", "c", "b", "b"]}),
        3,
        node_names=["a", "b", "c"],
    )
    assert n_edges == 2
    assert notes[0].startswith("1 row(s) join a node to itself (first: node 'a')")
    assert notes[1].startswith("1 row(s) repeat an edge already listed")
    assert describe_edge_list([[0, 1], [1, 2]], 3) == (2, [])
    with pytest.raises(GraphError, match="target node 9"):
        describe_edge_list([[0, 9]], 3)


def test_names_of_whole_float_labels_match_integer_edges():
    # a float index 1.0, 2.0, ... named its nodes '1.0'; the edge '2' matched no
    # name and fell back to 0-based positions (the next node)
    from engine.graphs.task import _node_names

    names = _node_names(pd.DataFrame({"a": [0.0] * 3}, index=[1.0, 2.0, 3.0]))
    assert names == ("1", "2", "3")
    adj = adjacency_from_edges([["2", "3"]], 3, node_names=list(names))
    assert np.argwhere(adj).tolist() == [[1, 2], [2, 1]]


def test_numeric_edges_partly_matching_ids_are_refused_not_positions():
    # names 10, 11, 12: '10,2' mixes an ID and a position; it fell back to rows
    with pytest.raises(
        GraphError, match=r"name node\(s\) that are not node names: \['2'\]"
    ):
        adjacency_from_edges(
            [["10", "2"], ["10", "11"]], 3, node_names=["10", "11", "12"]
        )


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        # a DataFrame of integers hands numpy scalars to the message
        (
            pd.DataFrame({"s": [0, 1], "t": [1, 30]}),
            "target node 30 on edge row 1 (0-based, a header line not counted) is "
            "not a node index in [0, 9].",
        ),
        (
            pd.DataFrame({"s": [0.5, 1.0], "t": [1.0, 2.0]}),
            "source node 0.5 on edge row 0 (0-based, a header line not counted) is "
            "neither a node name nor a whole number;",
        ),
    ],
)
def test_edge_list_errors_show_plain_numbers(edges, expected):
    # the message said "target node np.int64(30)"; the CLI says '30'
    with pytest.raises(GraphError) as info:
        adjacency_from_edges(edges, 10)
    assert expected in str(info.value)
    assert "np." not in str(info.value)


def test_knn_graph_names_a_numpy_k_as_a_plain_number():
    X = np.arange(10.0).reshape(5, 2) + 1
    with pytest.raises(ConfigError) as info:
        knn_graph(X, np.int64(9))
    assert str(info.value).endswith(
        "(smaller than the number of nodes, 5); got 9. Choose a k in that range."
    )


def test_repeated_names_compares_node_names_and_keeps_first_use_order():
    assert repeated_names(["b", "a", "b", 7, 7.0, "a", "c", "b"]) == ["b", "a", "7"]
    assert repeated_names(["a", "b", 1, 2.5]) == []


def test_repeated_name_column_finds_the_column_naming_most_edge_cells():
    frame = pd.DataFrame(
        {
            "label": ["n0", "n0", "n1", "n1"],
            "id": ["n0", "n1", "n2", "n3"],
            "name": ["n0", "n1", "n1", "n2"],
        }
    )
    cells = ["n0", "n1", "n1", "n2"]
    # 'label' is skipped, 'id' has no repeats, 'name' repeats 'n1'
    assert repeated_name_column(frame, cells, skip=["label"]) == ("name", ["n1"])
    both = ["n0", "n1", "n1", "n0"]
    assert repeated_name_column(frame, both) == ("label", ["n0", "n1"])
    # fewer than NAME_SHARE (90 %) of the cells in a column: not its names
    assert repeated_name_column(frame, ["n0", "x"], skip=["label"]) is None
    assert repeated_name_column(frame, []) is None


def test_closest_name_column_takes_distinct_names_below_the_name_share():
    frame = pd.DataFrame(
        {
            "label": ["n0", "n1", "n0", "n1"],
            "name": ["n0", "n1", "n2", "n3"],
            "alias": ["n0", "x1", "x2", "x3"],
            "kind": ["n0", "n1", "n1", "n2"],
        }
    )
    # 3 of 4 cells are names of 'name': 75 %, under NAME_SHARE; 'kind' holds as
    # many but repeats 'n1', 'label' is skipped
    cells = ["n0", "n1", "n1", "n99"]
    assert closest_name_column(frame, cells, skip=["label"]) == ("name", 0.75)
    assert closest_name_column(frame, ["n0", "zz"], skip=["name"]) == ("alias", 0.5)
    assert closest_name_column(frame, ["zz", "yy"]) is None
    assert closest_name_column(frame, []) is None


IDS = [str(i) for i in range(100, 130)]


@pytest.mark.parametrize(
    "edges",
    [
        # pandas writes an integer column with an empty cell as 100.0, 101.0, ...
        pd.DataFrame({"source": ["100.0", "115.0"], "target": ["101.0", "129.0"]}),
        np.array([[100.0, 101.0], [115.0, 129.0]]),
        pd.DataFrame({"source": ["100", "115.0"], "target": ["101.0", "129"]}),
    ],
)
def test_whole_float_edge_cells_match_integer_names(edges):
    # '100.0' matched no name '100', so the list was read as 0-based positions and
    # refused ("source node '100.0' ... is not a node index in [0, 29]")
    adj = adjacency_from_edges(edges, 30, node_names=IDS)
    assert np.argwhere(np.triu(adj)).tolist() == [[0, 1], [15, 29]]
    assert describe_edge_list(edges, 30, node_names=IDS, positions=False)[0] == 2


def test_edge_cells_match_text_names_as_written():
    # a name that is the text '1.0' (a string index) is matched as written
    names = ["1.0", "1", "2"]
    adj = adjacency_from_edges([["1.0", "2"]], 3, node_names=names)
    assert np.argwhere(np.triu(adj)).tolist() == [[0, 2]]


@pytest.mark.parametrize("positions", [True, False])
def test_a_fractional_edge_cell_is_refused_with_its_value_and_row(positions):
    edges = pd.DataFrame(
        {"source": ["100.0", "101.0", "103.0"], "target": ["101.0", "102.0", "120.5"]}
    )
    with pytest.raises(GraphError) as info:
        adjacency_from_edges(edges, 30, node_names=IDS, positions=positions)
    assert (
        "target node '120.5' on edge row 2 (0-based, a header line not counted) is "
        "neither a node name nor a whole number" in str(info.value)
    ), info.value


def test_names_refused_while_every_cell_is_a_row_say_how_to_read_rows():
    # IDs 1..n and a ring 0..n-1: every cell is a 0-based row, yet the message
    # said only "correct or remove these rows"
    names = [str(i) for i in range(1, 31)]
    ring = [[str(i), str((i + 1) % 30)] for i in range(30)]
    with pytest.raises(GraphError) as info:
        adjacency_from_edges(ring, 30, node_names=names)
    text = str(info.value)
    assert "not node names: ['0'] (edge row(s) 0, 29;" in text
    assert (
        "Every cell of the list is a 0-based row number, though, all in [0, 29]: "
        "if the list numbers the rows from 0, read it so: pass the edges without "
        "'node_names'. Else the other rows use node names" in text
    )
    with pytest.raises(GraphError, match="read it so: tick the box"):
        adjacency_from_edges(ring, 30, node_names=names, rows_how="tick the box")
    # a cell beyond the rows: no such advice
    with pytest.raises(GraphError) as info:
        adjacency_from_edges([*ring, ["1", "31"]], 30, node_names=names)
    assert "0-based row number" not in str(info.value)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        (
            [["1", "2"], ["2", np.nan], ["3", "4"]],
            "adjacency_from_edges: the target cell on edge row 1 (0-based, a "
            "header line not counted) is empty. Every row needs a source and a "
            "target node: fill it in or remove the row.",
        ),
        (
            [["1", "2"], [None, "2"], ["3", " "], [np.nan, np.nan]],
            "adjacency_from_edges: 3 edge rows have an empty cell: rows 1, 2, 3 "
            "(0-based, a header line not counted; row 1 has no source node). "
            "Every row needs a source and a target node: fill in or remove these "
            "rows.",
        ),
    ],
)
@pytest.mark.parametrize("names", [None, ["1", "2", "3", "4", "5"]])
def test_an_empty_cell_is_named_with_its_row_not_as_node_nan(edges, expected, names):
    with pytest.raises(GraphError) as info:
        adjacency_from_edges(np.array(edges, dtype=object), 5, node_names=names)
    assert str(info.value) == expected
    assert "'nan'" not in str(info.value)


def test_an_empty_cell_of_a_read_edge_list_is_named_with_its_row():
    edges = read_edge_list(b"source,target\n1,2\n2,\n")
    with pytest.raises(GraphError, match=r"the target cell on edge row 1 .* empty"):
        describe_edge_list(edges, 5, node_names=["1", "2", "3", "4", "5"])


def test_read_edge_list_strips_blanks_on_both_sides_of_a_cell():
    # " n2" was read as 'n2', but "n3 " stayed 'n3 ', refused as an unknown node
    edges = read_edge_list(b'source,target\nn0, n2\nn3 ,n1\n" n4 ",n5\t\n')
    assert edges.values.tolist() == [["n0", "n2"], ["n3", "n1"], ["n4", "n5"]]
    names = [f"n{i}" for i in range(6)]
    adj = adjacency_from_edges(edges, 6, node_names=names, positions=False)
    assert adj[0, 2] and adj[3, 1] and adj[4, 5] and adj.sum() == 6


def test_a_blank_cell_of_a_read_edge_list_is_an_empty_cell():
    edges = read_edge_list(b"source,target\n1,2\n2,   \n")
    with pytest.raises(GraphError, match=r"the target cell on edge row 1 .* empty"):
        describe_edge_list(edges, 5, node_names=["1", "2", "3", "4", "5"])


@pytest.mark.parametrize(
    ("edges", "start"),
    [
        (b"source,target\n", "the list holds no edges (no row below its header)"),
        (b"source,target\n1,1\n", "none of its 1 row(s) joins two different nodes"),
    ],
)
def test_an_edge_list_of_no_edges_says_lds_starts_from_an_empty_graph(edges, start):
    # "0 edges read from 0 rows." and the fit ran on an empty graph unsaid
    n_edges, notes = describe_edge_list(read_edge_list(edges), 3)
    assert n_edges == 0
    assert notes[-1] == (
        f"{start}: LDS starts from an empty graph and has to learn every edge; "
        "leave the edge list out to start from the kNN graph of the features."
    )


def test_read_edge_list_reads_utf16_and_latin1_files():
    # a UTF-16 file said "read_edge_list: ... 'utf-8' codec can't decode byte 0xff"
    text = "source,target\nRaf,Mek\nMek,Erk\n"
    expected = [["Raf", "Mek"], ["Mek", "Erk"]]
    assert read_edge_list(text.encode("utf-16")).values.tolist() == expected
    assert read_edge_list(text.encode("utf-8-sig")).values.tolist() == expected
    latin = read_edge_list("source,target\ncafé,thé\n".encode("latin-1"))
    assert latin.values.tolist() == [["café", "thé"]]
    # no byte-order mark (pandas' encoding="utf-16-le"): refused as binary before
    assert read_edge_list(text.encode("utf-16-le")).values.tolist() == expected
    # Windows-1252: "€" (0x80) was read as an invisible control character
    cp1252 = read_edge_list("source,target\n€uro,a–b\n".encode("cp1252"))
    assert cp1252.values.tolist() == [["€uro", "a–b"]]


def test_read_edge_list_of_a_utf16_file_path(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_bytes("source,target\n1,2\n".encode("utf-16"))
    assert read_edge_list(path).values.tolist() == [["1", "2"]]


def test_a_broken_utf16_edge_list_says_to_save_it_as_utf8():
    raw = "source,target\n1,2\n".encode("utf-16") + b"\x00\xd8"
    with pytest.raises(GraphError, match=r"UTF-16.*save it as UTF-8"):
        read_edge_list(raw)
