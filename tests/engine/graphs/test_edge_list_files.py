"""Edge-list files in the layouts researchers hold: tabs, blanks, semicolons."""

from __future__ import annotations

import io

import numpy as np
import pytest

from engine.errors import GraphError
from engine.graph_io import read_graph
from engine.graphs.knn import adjacency_from_edges, read_edge_list

CORA_IDS = [["35", "1033"], ["35", "103482"], ["1033", "103482"]]
CITESEER_IDS = [
    ["100157", "bradshaw97introduction"],
    ["bradshaw97introduction", "labrou99agent"],
    ["labrou99agent", "100157"],
]


def _comma_form(pairs: list[list[str]]) -> str:
    return "".join(f"{a},{b}\n" for a, b in pairs)


def _read_file(tmp_path, name: str, text: str) -> list[list[str]]:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return read_edge_list(path).values.tolist()


# each: (file name, the file's text, the pairs it lists)
LAYOUTS = {
    "cora-tabs": ("cora.cites", "35\t1033\n35\t103482\n1033\t103482\n", CORA_IDS),
    "citeseer-tabs": (
        "citeseer.cites",
        "".join(f"{a}\t{b}\n" for a, b in CITESEER_IDS),
        CITESEER_IDS,
    ),
    "snap-tabs": (
        "ca-GrQc.txt",
        "# Undirected graph: ca-GrQc.txt\n"
        "# Collaboration network, arXiv\n"
        "# Nodes: 3 Edges: 3\n"
        "# FromNodeId\tToNodeId\n"
        "35\t1033\n35\t103482\n1033\t103482\n",
        CORA_IDS,
    ),
    "snap-blanks": (
        "graph.edges",
        "# Nodes: 3 Edges: 3\n#\n# FromNodeId ToNodeId\n"
        "35 1033\n35 103482\n1033 103482\n",
        CORA_IDS,
    ),
    "semicolons": (
        "export.csv",
        "source;target\n35;1033\n35;103482\n1033;103482\n",
        CORA_IDS,
    ),
    "tab-header": (
        "edges.tsv",
        "source\ttarget\n35\t1033\n35\t103482\n1033\t103482\n",
        CORA_IDS,
    ),
    "weights": (
        "weighted.el",
        "source\ttarget\tweight\n35\t1033\t0.5\n35\t103482\t1\n1033\t103482\t2\n",
        CORA_IDS,
    ),
    "runs-of-blanks": (
        "padded.txt",
        "  35    1033\n35 \t 103482  \n\n1033      103482\n",
        CORA_IDS,
    ),
    "windows-lines": (
        "crlf.tsv",
        "35\t1033\r\n35\t103482\r\n1033\t103482\r\n",
        CORA_IDS,
    ),
    "old-mac-lines": ("cr.csv", "35,1033\r35,103482\r1033,103482\r", CORA_IDS),
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_an_edge_list_file_reads_as_its_comma_form(tmp_path, layout):
    # every one was refused: "needs at least two columns (source, target); got 1"
    name, text, pairs = LAYOUTS[layout]
    assert _read_file(tmp_path, name, text) == pairs
    assert _read_file(tmp_path, "comma.csv", _comma_form(pairs)) == pairs


def test_a_tab_separated_list_builds_the_same_graph_as_its_comma_form(tmp_path):
    names = ["35", "1033", "103482", "9"]
    name, text, _ = LAYOUTS["cora-tabs"]
    path = tmp_path / name
    path.write_bytes(text.encode())
    tabs = read_edge_list(path)
    commas = read_edge_list(_comma_form(CORA_IDS).encode())
    np.testing.assert_array_equal(
        adjacency_from_edges(tabs, 4, node_names=names),
        adjacency_from_edges(commas, 4, node_names=names),
    )


def test_names_with_blanks_stay_whole_in_comma_and_tab_files(tmp_path):
    expected = [["node a", "node b"], ["node b", "node c"]]
    assert _read_file(tmp_path, "e.csv", "node a,node b\nnode b,node c\n") == expected
    assert _read_file(tmp_path, "e.tsv", "node a\tnode b\nnode b\tnode c\n") == (
        expected
    )
    assert (
        _read_file(tmp_path, "e.csv", "source;target\nnode a;node b\n")
        == (expected[:1])
    )


@pytest.mark.parametrize(
    "opened", [io.StringIO, lambda text: io.BytesIO(text.encode())]
)
def test_an_open_text_or_binary_file_reads_as_its_path_does(opened):
    # an open text file's content was taken for a path: "cannot read '35\\t1033...'"
    _, text, pairs = LAYOUTS["snap-tabs"]
    assert read_edge_list(opened(text)).values.tolist() == pairs


def test_a_hash_that_starts_a_name_is_no_comment(tmp_path):
    # only '#' alone or followed by a blank starts a comment (SNAP writes '# ')
    text = "#ai,#ml\n#ml,#nlp\n"
    assert _read_file(tmp_path, "tags.csv", text) == [["#ai", "#ml"], ["#ml", "#nlp"]]


def test_a_node_named_na_is_a_name_not_an_empty_cell(tmp_path):
    # pandas read 'NA' (sodium, Namibia) as a missing cell: "the source cell ...
    # is empty"
    assert _read_file(tmp_path, "e.csv", "Na,Cl\nNA,K\n") == [["Na", "Cl"], ["NA", "K"]]


def test_a_one_column_file_says_which_separators_were_tried(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_bytes(b"35\n1033\n")
    with pytest.raises(GraphError) as info:
        read_edge_list(path)
    message = str(info.value)
    assert message.startswith("read_edge_list: an edge list needs at least two ")
    assert "'35'" in message
    for separator in ("comma", "semicolon", "tab", "blank"):
        assert separator in message, message


def test_a_row_wider_than_the_first_is_refused_with_its_row(tmp_path):
    # pandas said "Error tokenizing data. C error: Expected 2 fields in line 3"
    text = "source,target\na,b\nSmith, J,Doe, K\n"
    with pytest.raises(GraphError) as info:
        _read_file(tmp_path, "e.csv", text)
    message = str(info.value)
    assert "edge row 1 (0-based, a header line not counted)" in message
    assert "4 cells" in message and "first line has 2" in message
    assert "quote" in message


@pytest.mark.parametrize(
    "text",
    [
        "source\ttarget\nRaf\tMek\nMek\tErk\n",
        "source;target\nRaf;Mek\nMek;Erk\n",
        "source target\nRaf   Mek\n Mek Erk\n",
        "source,target\nRaf,Mek\nMek,Erk\n",
    ],
    ids=["tabs", "semicolons", "blanks", "commas"],
)
def test_the_dag_reader_and_the_edge_list_reader_split_lines_alike(text):
    # one rule for both: the DAG reader refused a blank-separated edge list
    # ("an adjacency matrix needs one row per column name")
    graph = read_graph(text.encode(), name="truth.csv")
    edges = [[graph.nodes[i], graph.nodes[j]] for i, j in np.argwhere(graph.adjacency)]
    assert sorted(edges) == sorted(read_edge_list(text.encode()).values.tolist())
    assert sorted(edges) == [["Mek", "Erk"], ["Raf", "Mek"]]


def test_a_tab_in_the_first_line_separates_though_names_hold_commas():
    # the separator was counted on the first line: two commas beat one tab, so
    # 'Smith, J.\tDoe, A.' split into 'Smith' and 'J.\tDoe'
    text = b"Smith, J.\tDoe, A.\nDoe, A.\tRoe, B.\n"
    assert read_edge_list(text).values.tolist() == [
        ["Smith, J.", "Doe, A."],
        ["Doe, A.", "Roe, B."],
    ]


def test_percent_comment_lines_at_the_top_are_skipped_as_konect_writes_them():
    # '% sym unweighted' was taken for the first edge, then '% 3 2 2' was "a row
    # wider than the first": "quote a name that holds the separator"
    text = b"% sym unweighted\n% 3 2 2\n1 2\n2 3\n"
    assert read_edge_list(text).values.tolist() == [["1", "2"], ["2", "3"]]
    assert read_edge_list(b"%a %b\n%b %c\n").values.tolist() == [
        ["%a", "%b"],
        ["%b", "%c"],
    ]


def test_a_line_with_another_separator_than_the_first_is_named():
    # 'n2;n3' was read as the source 'n2;n3' without a target
    with pytest.raises(GraphError) as info:
        read_edge_list(b"n0,n1\nn1,n2\nn2;n3\nn3,n4\n")
    message = str(info.value)
    assert "'n2;n3'" in message and "line 3" in message
    assert "comma" in message and "semicolon" in message
    assert "quote a name" not in message


def test_a_comment_below_the_first_edge_is_named_as_one():
    # it was "a row wider than the first": "quote a name that holds the separator"
    for text in (b"1 2\n# middle comment\n2 3\n", b"1,2\n# middle comment\n2,3\n"):
        with pytest.raises(GraphError) as info:
            read_edge_list(text)
        message = str(info.value)
        assert "'# middle comment'" in message and "line 2" in message
        assert "comment" in message.split("'# middle comment'")[1]
        assert "quote a name" not in message


def test_the_dag_reader_skips_the_comment_lines_the_edge_list_reader_skips():
    # read_graph took '# Directed graph' for a matrix header of names
    for comments in ("# Directed graph\n# FromNodeId\tToNodeId\n", "% sym\n%\n"):
        text = f"{comments}source\ttarget\nA\tB\nB\tC\n".encode()
        graph = read_graph(text, name="snap.txt")
        assert graph.nodes == ["A", "B", "C"]
        assert read_edge_list(text).values.tolist() == [["A", "B"], ["B", "C"]]


@pytest.mark.parametrize(
    "text",
    [
        "A B\nB C\n",
        "# Directed graph\n# FromNodeId\tToNodeId\nA\tB\nB\tC\n",
        "Smith, J.\tDoe, A.\nDoe, A.\tRoe, B.\n",
    ],
    ids=["blanks", "snap", "tabs"],
)
def test_a_headerless_edge_list_for_the_dag_reader_is_told_to_add_the_header(text):
    # it said "an adjacency matrix needs one row per column name (2 x 2); got 1
    # rows of lengths [2]", which does not say what a graph CSV is
    with pytest.raises(GraphError) as info:
        read_graph(text.encode(), name="truth.txt")
    message = str(info.value)
    assert "read as an adjacency matrix" in message
    assert "header does not start with source,target" in message
    assert "add the line source,target" in message


def test_a_first_line_wider_than_the_rest_does_not_choose_the_separator():
    # the separator was judged from the first line only: its two commas beat
    # the one semicolon, and line 2 'Roe, B.;Poe' ... was refused as "no target
    # when split on a comma"
    text = b"Smith, J.;Doe, A.\nRoe;Poe\nPoe;Smith, J.\n"
    assert read_edge_list(text).values.tolist() == [
        ["Smith, J.", "Doe, A."],
        ["Roe", "Poe"],
        ["Poe", "Smith, J."],
    ]
    # the DAG reader splits alike: a remark column whose header holds commas
    truth = b"source;target;remark, if any, e.g. seen twice\nRaf;Mek;twice\nMek;Erk;\n"
    graph = read_graph(truth, name="truth.csv")
    assert graph.nodes == ["Raf", "Mek", "Erk"]
    assert graph.adjacency.astype(bool).sum() == 2


def test_the_line_that_disagrees_with_the_first_lines_is_named():
    # most lines split on a semicolon: the comma line is the one named
    text = b"Smith, J.;Doe, A.\nRoe;Poe\nx,y\nPoe;Loe\n"
    with pytest.raises(GraphError) as info:
        read_edge_list(text)
    message = str(info.value)
    assert "line 3, 'x,y', has no target when split on a semicolon" in message
    assert "holds a comma" in message
    # a line wider than the first is still refused with its row, the first
    # line's cells counted on the file's separator (on commas it has 3)
    for text in (b"a;b\nc;d\ne;f;g\nh;i\n", b"Smith, J.;Doe, A.\nc;d\ne;f;g\n"):
        with pytest.raises(
            GraphError, match=r"edge row 2 .* 3 cells.* first line has 2"
        ):
            read_edge_list(text)
