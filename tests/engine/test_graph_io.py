"""engine.graph_io: round trips in every format and the error cases."""

from __future__ import annotations

import io
import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from engine import load_sample
from engine.errors import ConfigError, GraphError
from engine.graph_io import (
    FORMATS,
    align_graph,
    check_graph,
    graph_from_text,
    graph_to_text,
    read_graph,
    write_graph,
)

# awkward names on purpose: spaces, quotes, a slash, non-ASCII, a comma
NODES = ["Raf", "p44/42", 'say "hi"', "température", "a, b"]
W = np.array(
    [
        [0.0, 1.0, 0.0, -0.5, 0.0],
        [0.0, 0.0, 2.25, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 1e-3],
        [0.0, 0.0, 0.0, 0.0, 3.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
    ]
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_in_memory(fmt):
    text = graph_to_text(NODES, W, fmt)
    nodes, A = graph_from_text(text, fmt)
    order = [nodes.index(n) for n in NODES]
    assert sorted(nodes) == sorted(NODES)
    np.testing.assert_array_equal(A[np.ix_(order, order)], W)


@pytest.mark.parametrize(
    "ext", ["json", "gml", "dot", "gv", "csv", "adjacency.csv", "tsv"]
)
def test_round_trip_through_files(tmp_path, ext):
    path = tmp_path / f"g.{ext}"
    fmt = "adjacency" if ext == "adjacency.csv" else None
    write_graph(path, NODES, W, format=fmt)
    nodes, A = read_graph(path, columns=NODES)
    assert nodes == NODES
    np.testing.assert_array_equal(A, W)


ISOLATED = np.zeros((6, 6))
ISOLATED[0, 3], ISOLATED[3, 5] = 1.5, -2.0  # b, c and e have no edge


@pytest.mark.parametrize(
    ("nodes", "A"),
    [
        (NODES, W),
        (list("abcdef"), ISOLATED),
        (["a", "b", "c"], np.zeros((3, 3))),  # no edges at all
        (["only"], np.zeros((1, 1))),
        ([], np.zeros((0, 0))),  # no nodes
    ],
    ids=["connected", "isolated", "no-edges", "one-node", "empty"],
)
@pytest.mark.parametrize(
    "ext", ["json", "gml", "dot", "csv", "adjacency.csv", "tsv", "txt"]
)
def test_every_node_reads_back(tmp_path, ext, nodes, A):
    path = tmp_path / f"g.{ext}"
    fmt = "adjacency" if ext == "adjacency.csv" else None
    write_graph(path, nodes, A, format=fmt)
    # an edge list holds edges only: its nodes without edges come from columns
    edge_list = ext in ("csv", "tsv", "txt")
    back, B = read_graph(path, columns=nodes if edge_list else None)
    assert sorted(back) == sorted(nodes)
    order = [back.index(n) for n in nodes]
    np.testing.assert_array_equal(B[np.ix_(order, order)], A)


def test_an_edge_list_holds_a_row_per_edge_and_nothing_else():
    text = graph_to_text(list("abcdef"), ISOLATED, "edgelist")
    assert text == "source,target,weight\na,d,1.5\nd,f,-2\n"
    frame = pd.read_csv(io.StringIO(text))
    g = nx.from_pandas_edgelist(frame, edge_attr="weight", create_using=nx.DiGraph)
    assert sorted(g.edges(data="weight")) == [("a", "d", 1.5), ("d", "f", -2.0)]
    assert sorted(g.nodes) == ["a", "d", "f"]
    assert graph_from_text(text, "csv").nodes == list("adf")
    # a self-loop is an edge like any other
    loop = graph_to_text(["a", "b"], np.array([[1.0, 0], [0, 0]]), "edgelist")
    assert loop == "source,target,weight\na,a,1\n"


def test_node_rows_of_earlier_edge_lists_still_read():
    g = graph_from_text("source,target,weight\na,d,1.5\nd,f,-2\nb,,\nc,,\n", "csv")
    assert g.nodes == list("adfbc")
    assert np.count_nonzero(g.adjacency) == 2


def test_edge_lists_of_other_tools_read_as_before():
    # plain source,target[,weight] rows: the nodes the edges name, nothing else
    g = read_graph(b"source,target,weight\nx,y,2\ny,z,0.5\n", name="e.csv")
    assert g.nodes == ["x", "y", "z"]
    assert g.adjacency.tolist() == [[0, 2, 0], [0, 0, 0.5], [0, 0, 0]]
    g = read_graph(b"from;to\na;b\n", name="e.csv", columns=["a", "b", "c"])
    assert g.nodes == ["a", "b", "c"] and g.adjacency[0, 1] == 1
    # a node row (name, empty target) without the weight column, or listed again
    g = read_graph(b"source,target\na,b\nc,\nc\na,\n", name="e.csv")
    assert g.nodes == ["a", "b", "c"] and g.adjacency.sum() == 1


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("source,target,weight\n,b,1\n", "line 2 needs a source and a target"),
        ("source,target,weight\na,,2\n", "line 2 needs a source and a target"),
        ("source,target\n,b\n", "or a node without edges"),
    ],
)
def test_a_row_that_is_neither_an_edge_nor_a_node_is_refused(text, match):
    with pytest.raises(GraphError, match=match):
        graph_from_text(text, "csv")


def test_a_graph_csv_given_as_prior_edges_says_to_delete_node_rows():
    from engine.dag import PriorKnowledge
    from engine.errors import DataError

    text = "source,target,weight\na,d,1.5\nd,f,-2\nb,,\nc,,\ne,,\n"
    with pytest.raises(DataError, match="line 4 of the edge file has no target") as e:
        PriorKnowledge.from_csv(list("abcdef"), edges=text)
    assert "rows of one node, for nodes without edges: delete those rows" in str(
        e.value
    )


def test_a_written_edge_list_loads_as_prior_edges():
    from engine.dag import PriorKnowledge

    text = graph_to_text(list("abcdef"), ISOLATED, "edgelist")
    prior = PriorKnowledge.from_csv(list("abcdef"), edges=text)
    assert np.argwhere(prior.forbidden).tolist() == [[0, 3], [3, 5]]
    assert not prior.required.any()


@pytest.mark.parametrize("ext", ["json", "gml", "dot", "csv", "adjacency.csv"])
@pytest.mark.parametrize("w", [1e-05, -1e-05, 1e-20, 2.5e-07, 3e20, 1e300])
def test_tiny_and_huge_weights_round_trip(tmp_path, ext, w):
    path = tmp_path / f"g.{ext}"
    fmt = "adjacency" if ext == "adjacency.csv" else None
    write_graph(path, ["a", "b"], np.array([[0.0, w], [0.0, 0.0]]), format=fmt)
    assert read_graph(path)[1][0, 1] == w
    if ext == "gml":  # GML's own syntax, so other readers get the number too
        assert nx.read_gml(path)["a"]["b"]["weight"] == w


def test_gml_of_other_writers_with_bare_exponents_is_read_as_written():
    text = (
        'graph [ directed 1 node [ id 0 label "x1e5" ] node [ id 1 label "b 2e3" ] '
        "edge [ source 0 target 1 weight 1e-05 ] "
        "edge [ source 1 target 0 weight -3E+2 ] ]"
    )
    nodes, A = read_graph(text.encode(), name="other.gml")
    assert nodes == ["x1e5", "b 2e3"]
    np.testing.assert_array_equal(A, [[0.0, 1e-05], [-300.0, 0.0]])


def test_written_files_are_readable_by_networkx(tmp_path):
    gml = tmp_path / "g.gml"
    write_graph(gml, NODES, W)
    G = nx.read_gml(gml)
    assert G.is_directed() and set(G.nodes) == set(NODES)
    assert G["p44/42"]['say "hi"']["weight"] == 2.25
    data = json.loads(graph_to_text(NODES, W, "json"))
    H = nx.node_link_graph(data, edges="edges")
    assert H.number_of_edges() == 5 and H["Raf"]["température"]["weight"] == -0.5


def test_edge_list_without_weight_defaults_to_one():
    nodes, A = read_graph(b"source,target\nx,y\ny,z\n", name="e.csv")
    assert nodes == ["x", "y", "z"]
    assert A[0, 1] == 1.0 and A[1, 2] == 1.0 and A.sum() == 2.0


def test_edge_list_aliases_and_semicolons():
    nodes, A = read_graph(
        b"From;To;Weight\na;b;0,5\n".replace(b"0,5", b"0.5"), name="e.csv"
    )
    assert nodes == ["a", "b"] and A[0, 1] == 0.5


def test_adjacency_without_row_labels():
    nodes, A = read_graph(b"a,b,c\n0,1,0\n0,0,1\n0,0,0\n", name="m.csv")
    assert nodes == ["a", "b", "c"]
    assert A.tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]


def test_dot_reader_accepts_common_syntax():
    text = """
    // a comment
    digraph "my graph" {
      rankdir=LR; node [shape=box]
      a; b [label="B"]
      a -> b -> c [weight=0.5, color=red]
      /* block
         comment */
      "c d" -> a
    }
    """
    nodes, A = graph_from_text(text, "dot")
    assert nodes == ["a", "b", "c", "c d"]
    assert A[0, 1] == 0.5 and A[1, 2] == 0.5 and A[3, 0] == 1.0
    assert np.count_nonzero(A) == 3


def test_json_reads_links_key_from_older_networkx():
    data = {
        "directed": True,
        "nodes": [{"id": "a"}, {"id": "b"}],
        "links": [{"source": "a", "target": "b"}],
    }
    nodes, A = graph_from_text(json.dumps(data), "json")
    assert nodes == ["a", "b"] and A[0, 1] == 1.0


def test_sachs_truth_file_matches_load_sample(repo_root):
    sample = load_sample("sachs")
    nodes, A = read_graph(
        repo_root / "sample_data" / "sachs_truth.csv",
        columns=list(sample.frame.columns),
        require_dag=True,
    )
    assert nodes == list(sample.frame.columns)
    np.testing.assert_array_equal(A != 0, sample.truth)


def test_align_graph_reorders_onto_columns():
    g = align_graph(["b", "a"], np.array([[0, 2.0], [0, 0]]), ["a", "b", "c"])
    assert g.nodes == ["a", "b", "c"]
    assert g.adjacency[1, 0] == 2.0 and np.count_nonzero(g.adjacency) == 1


# --- errors ---


def test_unknown_node_names_are_listed_with_columns():
    with pytest.raises(GraphError, match=r"node\(s\) \['Q'\] are not columns") as info:
        read_graph(b"source,target\nRaf,Q\n", name="t.csv", columns=["Raf", "Mek"])
    assert "['Raf', 'Mek']" in str(info.value)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("adjacency", "a,a\n0,1\n0,0\n"),
        ("json", '{"nodes": [{"id": "a"}, {"id": "a"}], "edges": []}'),
        ("gml", 'graph [ directed 1 node [ id 0 label "a" ] node [ id 1 label "a" ] ]'),
    ],
)
def test_duplicated_node_names_are_rejected(fmt, text):
    with pytest.raises(GraphError, match="more than once"):
        graph_from_text(text, fmt)


def test_duplicate_edge_is_rejected_with_its_line():
    with pytest.raises(GraphError, match="listed more than once \\(line 3\\)"):
        read_graph(b"source,target\na,b\na,b\n", name="e.csv")


def test_self_loop_is_rejected_unless_allowed():
    with pytest.raises(GraphError, match=r"self-loop\(s\) on \['a'\]"):
        read_graph(b"source,target\na,a\na,b\n", name="e.csv")
    g = read_graph(b"source,target\na,a\n", name="e.csv", allow_self_loops=True)
    assert g.adjacency[0, 0] == 1.0


def test_cycle_is_rejected_when_a_dag_is_required():
    text = b"source,target\na,b\nb,c\nc,a\n"
    nodes, _ = read_graph(text, name="e.csv")  # fine when no DAG is required
    assert nodes == ["a", "b", "c"]
    with pytest.raises(GraphError, match="directed cycle a -> b -> c -> a"):
        read_graph(text, name="e.csv", require_dag=True)


@pytest.mark.parametrize(
    ("fmt", "text", "match"),
    [
        ("dot", "graph { a -- b }", "undirected"),
        ("dot", "digraph { a -> {b c} }", "subgraphs"),
        ("dot", "digraph { a -> b ", "does not end"),
        ("json", "{not json", "not valid JSON"),
        ("json", '{"directed": false, "nodes": []}', "undirected"),
        ("gml", 'graph [ node [ id 0 label "a" ] ]', "undirected"),
        ("gml", "graph [ directed 1 node [ id 0 ", "not a readable GML"),
        ("edgelist", "a,b\nc,d\n", "header 'source,target"),
        ("edgelist", "source,target,weight\na,b,heavy\n", "not a number"),
        ("edgelist", "source,target,weight\na,b,0\n", "non-zero"),
        ("adjacency", ",a,b\na,0,1\n", "one row per column"),
        ("adjacency", ",a,b\nb,0,1\na,0,0\n", "differ from the column names"),
        ("adjacency", ",a,b\na,0,x\nb,0,0\n", "not a number"),
        ("json", "   ", "empty"),
        ("adjacency", "  ", r"empty; it must hold a graph in the adjacency format"),
    ],
)
def test_malformed_files_raise_graph_error(fmt, text, match):
    with pytest.raises(GraphError, match=match):
        graph_from_text(text, fmt)


def test_format_errors():
    with pytest.raises(GraphError, match="cannot tell the graph format"):
        read_graph(b"x", name="g.xlsx")
    with pytest.raises(ConfigError, match="'format' must be one of"):
        graph_to_text(["a"], np.zeros((1, 1)), "graphml")
    with pytest.raises(GraphError, match="binary"):
        read_graph(b"\x00\x01\x02", name="g.json")
    with pytest.raises(GraphError, match="no such file"):
        read_graph("/nonexistent/g.json")


@pytest.mark.parametrize("ext", ["csv", "json", "gml"])
def test_binary_without_nul_bytes_is_refused(tmp_path, ext):
    # high bytes Latin-1 would decode: they used to pass as a one-cell table
    rng = np.random.default_rng(7)
    for raw in (b"\xc5" * 2000, rng.integers(1, 256, 2000, dtype=np.uint8).tobytes()):
        with pytest.raises(GraphError, match="binary bytes, not a text graph"):
            read_graph(raw, name=f"g.{ext}")
    path = tmp_path / "folder.csv"
    path.mkdir()
    with pytest.raises(GraphError, match=r"folder\.csv is a folder, not a file"):
        read_graph(path)


def test_check_graph_shape_and_weights():
    with pytest.raises(GraphError, match="shape \\(2, 3\\) but there are 2"):
        check_graph(["a", "b"], np.zeros((2, 3)))
    with pytest.raises(GraphError, match="a -> b is not a finite"):
        check_graph(["a", "b"], np.array([[0, np.nan], [0, 0]]))


def test_a_saved_dag_result_reads_as_a_graph_with_its_weights():
    from engine.dag import learn_dag

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    X[:, 1] += 2.0 * X[:, 0]
    X[:, 2] -= 1.5 * X[:, 1]
    result = learn_dag(X, max_iter=50, node_names=["a", "b", "c"], device="cpu")
    g = read_graph(result.to_json().encode(), name="dag_result.json")
    assert list(g.nodes) == ["a", "b", "c"]
    assert np.array_equal(g.adjacency != 0, result.adjacency)
    kept = result.adjacency
    assert np.allclose(g.adjacency[kept], result.weights[kept])
    broken = result.to_json().replace(
        '"shape": [3, 3]}, "weights"', '"shape": [9]}, "weights"'
    )
    assert broken != result.to_json()
    bad = b'{"node_names": ["a", "b"], "adjacency": {"nope": 1}}'
    for text in (bad, broken.encode()):
        with pytest.raises(GraphError, match="saved DAG result"):
            read_graph(text, name="r.json")


def test_columns_with_surrounding_spaces_match_their_stripped_nodes(tmp_path):
    columns = [" lead", "b ", "c"]
    path = tmp_path / "g.csv"
    write_graph(path, columns, np.array([[0, 1, 0], [0, 0, 2.5], [0, 0, 0]]))
    nodes, A = read_graph(path, columns=columns)  # cells come back stripped
    assert nodes == columns
    np.testing.assert_array_equal(A, [[0, 1, 0], [0, 0, 2.5], [0, 0, 0]])
    # two columns that strip to the same name stay ambiguous: refused
    with pytest.raises(GraphError, match="not columns of the data"):
        read_graph(path, columns=[" lead", "lead ", "b ", "c"])


def test_a_tiers_file_given_as_a_graph_says_what_it_is() -> None:
    # a node,tier file passed as --truth failed with "the weight 'v0' (row node,
    # column node) is not a number"
    with pytest.raises(GraphError, match="node,tier file holds tiers") as info:
        read_graph(b"node,tier\nv0,0\nv1,1\n", format="adjacency")
    assert "source,target[,weight]" in str(info.value)


def test_undirected_graph_text_refuses_non_finite_weights() -> None:
    from engine.graph_io import undirected_graph_text

    for fmt in ("gml", "dot", "json", "edgelist"):
        with pytest.raises(GraphError, match="edge 1 has the weight nan"):
            undirected_graph_text(
                ["a", "b", "c"], np.array([[0, 1], [1, 2]]), [0.5, np.nan], fmt
            )


@pytest.mark.parametrize(
    "names",
    [["a", "b//c"], ["a/*x", "y*/b"], ["#h", "x # y"], ['=f("x")', '$x^2$"q\\']],
)
def test_dot_comment_marks_inside_quoted_names_are_kept(names):
    # comments were cut out before tokenising: 'b//c' read back as 3 nodes
    weights = np.array([[0.0, 1.5], [0.0, 0.0]])
    nodes, A = graph_from_text(graph_to_text(names, weights, "dot"), "dot")
    assert nodes == names and A[0, 1] == 1.5


def test_dot_comments_outside_names_are_skipped():
    text = (
        "# a preprocessor line\ndigraph G { // line comment\n"
        '  "a" -> "b" /* block\n comment */ [weight=2];\n}\n'
    )
    nodes, A = graph_from_text(text, "dot")
    assert nodes == ["a", "b"] and A[0, 1] == 2.0


@pytest.mark.parametrize(
    ("name", "refused_by"),
    [
        ("", ("adjacency", "edgelist")),
        ("  ", ("adjacency", "edgelist")),
        ("cr\rx", ("adjacency", "edgelist")),
        ("\x0b", ("gml", "adjacency", "edgelist")),
    ],
)
def test_names_a_format_cannot_keep_are_refused_on_writing(name, refused_by):
    weights = np.array([[0.0, 1.0], [0.0, 0.0]])
    for fmt in FORMATS:
        if fmt in refused_by:
            with pytest.raises(GraphError, match=f"the {fmt} format cannot hold"):
                graph_to_text(["base", name], weights, fmt)
        else:  # the others give it back unchanged
            nodes, _ = graph_from_text(graph_to_text(["base", name], weights, fmt), fmt)
            assert nodes == ["base", name]


def test_gml_keeps_line_breaks_and_tabs_in_names():
    names = ["new\nline", "cr\rx", "tab\tx"]
    weights = np.zeros((3, 3))
    nodes, _ = graph_from_text(graph_to_text(names, weights, "gml"), "gml")
    assert nodes == names


def test_a_carriage_return_in_an_unquoted_csv_name_is_a_graph_error():
    with pytest.raises(GraphError, match="cannot be read"):
        graph_from_text("source,target\na\rb,c\n", "edgelist")


def test_a_headerless_square_matrix_reads_over_the_columns(tmp_path):
    A = np.zeros((4, 4))
    A[0, 1], A[2, 1], A[1, 3] = 1, 1, 1
    path = tmp_path / "truth.csv"
    np.savetxt(path, A, delimiter=",", fmt="%d")  # no header row

    g = read_graph(path, columns=["a", "b", "c", "d"], require_dag=True)

    assert g.nodes == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(g.adjacency, A)


def test_a_headerless_matrix_without_columns_asks_for_the_header(tmp_path):
    path = tmp_path / "truth.csv"
    np.savetxt(path, np.eye(3, k=1), delimiter=",", fmt="%d")
    with pytest.raises(GraphError, match="no header row with the node names") as e:
        read_graph(path)
    assert "3 x 3" in str(e.value)


def test_a_headerless_matrix_of_another_size_names_both_sizes(tmp_path):
    path = tmp_path / "truth.csv"
    np.savetxt(path, np.eye(3, k=1), delimiter=",", fmt="%d")
    with pytest.raises(GraphError, match="it is 3 x 3 and the data has 4 columns"):
        read_graph(path, columns=list("abcd"))


def test_numeric_node_names_in_a_header_still_read_as_names():
    text = "0,1,2\n0,1,0\n0,0,1\n0,0,0\n"  # header 0,1,2 then a 3 x 3 matrix
    g = read_graph(text.encode(), name="g.csv", columns=["0", "1", "2"])
    assert g.nodes == ["0", "1", "2"]
    assert np.argwhere(g.adjacency).tolist() == [[0, 1], [1, 2]]


@pytest.mark.parametrize(
    "options",
    [{}, {"fmt": "%d", "delimiter": "\t"}, {"fmt": "%d", "delimiter": ";"}],
    ids=["savetxt-defaults", "tab", "semicolon"],
)
def test_a_headerless_matrix_reads_with_any_savetxt_delimiter(tmp_path, options):
    A = np.zeros((4, 4))
    A[0, 1], A[1, 2] = 1, 1
    path = tmp_path / "truth.txt"
    np.savetxt(path, A, **options)  # the defaults: spaces, %.18e

    g = read_graph(path, columns=list("abcd"))

    assert g.nodes == list("abcd")
    np.testing.assert_array_equal(g.adjacency, A)
    with pytest.raises(GraphError, match="no header row with the node names; a 4 x 4"):
        read_graph(path)


def test_the_learned_graph_gml_is_refused_with_what_to_do_with_it():
    # "the GML graph is undirected; add 'directed 1' and orient every edge" for
    # the very file the Learn-a-graph page exports
    from engine.errors import GraphError
    from engine.graph_io import read_graph, undirected_graph_text

    text = undirected_graph_text(["a", "b"], np.array([[0, 1]]), [0.5], "gml")
    with pytest.raises(GraphError) as info:
        read_graph(text.encode(), format="gml", name="learned_graph.gml")
    assert str(info.value) == (
        "learned_graph.gml: the GML graph is undirected ('directed 0', as the "
        "Learn-a-graph page and GraphResult.to_text('gml') write a learned graph), "
        "and read_graph reads directed graphs only. For a learned graph, load the "
        "result with engine.GraphResult.from_json (its edges and edge_probabilities) "
        "or this file with networkx.read_gml; for a causal graph, write 'directed 1' "
        "and orient every edge."
    )


_NO_DIRECTED = (
    "truth.gml: the GML graph has no 'directed 1' line, so it is undirected (GML's "
    "default) and the direction of its edges is unknown, which a true graph or "
    "prior knowledge needs. Add the line 'directed 1' below 'graph [' (each edge "
    "then points from its source to its target), or give the graph as a CSV edge "
    "list with the header 'source,target'."
)


@pytest.mark.parametrize("label", ["a", "directed 1"])
def test_a_gml_graph_without_a_directed_line_says_its_edges_have_no_direction(
    label,
):
    # it was refused as "undirected ('directed 0', as the Learn-a-graph page ...
    # write a learned graph)", a line the file does not hold; a name holding
    # the words 'directed 1' is no such line
    text = (
        f'graph [\n  node [ id 0 label "{label}" ]\n  node [ id 1 label "b" ]\n'
        "  edge [ source 0 target 1 ]\n]\n"
    )
    with pytest.raises(GraphError) as info:
        read_graph(text.encode(), name="truth.gml", require_dag=True)
    assert str(info.value) == _NO_DIRECTED


def test_a_gml_truth_without_a_directed_line_is_one_error_line(tmp_path, capsys):
    from engine.cli import main

    table = tmp_path / "data.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame(rng.normal(size=(20, 2)), columns=["a", "b"]).to_csv(
        table, index=False
    )
    truth = tmp_path / "truth.gml"
    truth.write_text(
        'graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] '
        "edge [ source 0 target 1 ] ]"
    )
    argv = ["dag", str(table), "--truth", str(truth), "--max-iter", "2"]
    assert main(argv) == 2
    # the command names its flag and the path as given
    reason = _NO_DIRECTED.removeprefix("truth.gml: ")
    assert capsys.readouterr().err == f"error: dag: '--truth' {truth}: {reason}\n"


def test_the_gml_writer_marks_the_graph_directed():
    text = graph_to_text(NODES, W, "gml")
    assert text.splitlines()[:2] == ["graph [", "  directed 1"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-16-le", "utf-8-sig"])
def test_a_graph_saved_as_utf16_or_with_a_bom_reads_like_utf8(tmp_path, codec):
    # a UTF-16 edge list was read as Latin-1 and refused as "an adjacency
    # matrix needs one row per column name (2 x 2); got 2 rows of lengths [1, 2]"
    text = "source,target\nRaf,Mek\nMek,température\n"
    raw = text.encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw  # the byte-order mark Windows' editors write
    g = read_graph(raw, name="truth.csv")
    assert g.nodes == ["Raf", "Mek", "température"]
    assert g.adjacency[0, 1] == 1 and g.adjacency[1, 2] == 1
    path = tmp_path / "truth.csv"
    path.write_bytes(raw)
    aligned = read_graph(path, columns=["température", "Mek", "Raf"])
    assert aligned.adjacency[2, 1] == 1


def test_a_windows_1252_graph_keeps_its_euro_signs_and_dashes():
    # read as Latin-1, "€" and "–" (0x80, 0x96) became invisible control characters
    raw = "source,target\n€uro,Mek–Erk\n".encode("cp1252")
    assert read_graph(raw, name="truth.csv").nodes == ["€uro", "Mek–Erk"]


def test_a_broken_utf16_graph_says_to_save_it_as_utf8():
    raw = "source,target\nRaf,Mek\n".encode("utf-16") + b"\x00\xd8"  # lone surrogate
    with pytest.raises(GraphError, match=r"truth.csv: .*UTF-16.*save it as UTF-8"):
        read_graph(raw, name="truth.csv")


def test_decimal_comma_weights_of_a_semicolon_graph_file_are_numbers():
    # 'a;b;0,5' was refused ("the weight '0,5' (line 2) is not a number") and a
    # headerless matrix '0;0,5;0' read as a header of names, while read_table
    # takes decimal commas in such files
    edges = read_graph(
        b"source;target;weight\na;b;0,5\nb;c;-1,25\n", format="csv", name="g.csv"
    )
    assert edges.nodes == ["a", "b", "c"]
    assert edges.adjacency[0, 1] == 0.5 and edges.adjacency[1, 2] == -1.25
    matrix = read_graph(
        b"0;0,5;0\n0;0;1,5\n0;0;0\n",
        format="csv",
        name="m.csv",
        matrix_names=["x", "y", "z"],
    )
    assert matrix.adjacency.tolist() == [[0, 0.5, 0], [0, 0, 1.5], [0, 0, 0]]
    # a comma file keeps its cells: '1,5' there is two cells, never a number
    names = read_graph(b'source,target\n"1,5",b\n', format="csv", name="n.csv")
    assert names.nodes == ["1,5", "b"]
