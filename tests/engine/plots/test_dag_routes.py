"""The DAG drawings' edges can be told apart and followed at every width the
Causal discovery page gives the charts.

A tester found, on the Sachs sample: in the comparison ("Learned vs true") the
missing edge PKC -> Raf drawn straight through Erk; with 4 learned edges
(threshold 0.298) 8 missing edges on one line along the top row, over each
other, through nodes and labels, arrowheads hidden; in the learned graph
Akt -> PKA through Erk's label, its head under Erk -> PKA's; the bottom node cut
by the legend; at an 800 px window node circles over the neighbours' labels.
The figures are measured here in pixels as plotly draws them
(:mod:`tests.engine.plots.dag_geometry`).
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.plots.bootstrap import bootstrap_figure
from engine.plots.dag import dag_diff_figure, dag_figure, dag_layout, edge_status
from tests.engine.plots.dag_geometry import (
    drawn,
    head_angles,
    heads_under_labels,
    node_clearance,
    outside,
    shared_part,
)

# Chart widths (px) Chromium gave the Graph and Comparison tabs' charts at
# windows of 800 (343, 468), 900 (322, 440), 1280 (607, 820) and 1920 px
# (1087, 1460); 320 is what the drawings are fitted to.
WIDTHS = (320, 343, 440, 468, 607, 820, 1087, 1460)

SACHS = ["Raf", "Mek", "Plcg", "PIP2", "PIP3", "Erk", "Akt", "PKA", "PKC", "P38", "Jnk"]
TRUE_EDGES = (
    "Raf>Mek Mek>Erk Plcg>PIP2 Plcg>PIP3 PIP3>PIP2 Erk>Akt PKA>Raf PKA>Mek PKA>Erk "
    "PKA>Akt PKA>P38 PKA>Jnk PKC>Raf PKC>Mek PKC>PKA PKC>P38 PKC>Jnk"
)
# the page's default fit (9 edges) and the tester's fit at |weight| >= 0.298
DEFAULT_FIT = {
    "Mek>Raf": 0.79,
    "Akt>Erk": 0.5,
    "Akt>PKA": 2.99,
    "P38>PKC": 0.9,
    "P38>Jnk": 0.3,
    "PIP3>Plcg": 0.4,
    "PIP3>PIP2": 0.6,
    "Erk>PKA": -2.58,
    "PKC>Jnk": -0.4,
}
THRESHOLDED_FIT = {"Mek>Raf": 0.79, "Erk>Akt": 0.99, "PKA>Erk": 0.39, "PKC>P38": 0.74}


def _matrix(edges: dict[str, float] | str) -> np.ndarray:
    weights = edges if isinstance(edges, dict) else dict.fromkeys(edges.split(), 1.0)
    w = np.zeros((len(SACHS), len(SACHS)))
    for edge, value in weights.items():
        source, target = edge.split(">")
        w[SACHS.index(source), SACHS.index(target)] = value
    return w


TRUTH = _matrix(TRUE_EDGES) != 0


def _label_overlaps(g) -> int:
    """Label boxes over another label or another node's marker."""
    m = np.c_[g.centres - g.radius[:, None], g.centres + g.radius[:, None]]
    count = 0
    for k, box in enumerate(g.labels):
        for other in (g.labels, m):
            ox = np.minimum(box[2], other[:, 2]) - np.maximum(box[0], other[:, 0])
            oy = np.minimum(box[3], other[:, 3]) - np.maximum(box[1], other[:, 1])
            hit = (ox > 0.5) & (oy > 0.5)
            hit[k] = False
            count += int(hit.sum())
    return count


def _check_readable(fig, *, min_head_angle: float) -> None:
    for width in WIDTHS:
        g = drawn(fig, width)
        where = f"at {width} px"
        # no edge within the marker of a node that is not one of its ends
        assert node_clearance(g) > 0, where
        # no edge runs along another for half its length
        assert shared_part(g) < 0.5, where
        assert head_angles(g) >= min_head_angle, where
        assert heads_under_labels(g) == 0, where
        assert _label_overlaps(g) == 0, where
        assert outside(g) == 0, where


@pytest.mark.parametrize(
    "fit", [DEFAULT_FIT, THRESHOLDED_FIT], ids=["default fit", "threshold 0.298"]
)
def test_sachs_drawings_keep_edges_off_other_nodes_at_every_page_width(fit) -> None:
    learned = _matrix(fit)
    graph = dag_figure(learned != 0, learned, SACHS, selected=0)
    diff = dag_diff_figure(TRUTH, learned != 0, SACHS)

    for fig in (graph, diff):
        _check_readable(fig, min_head_angle=20.0)
    missing = len(edge_status(TRUTH, learned != 0)["missing"])
    assert sum(s.line.dash == "dot" for s in diff.layout.shapes) == missing


def test_edges_between_nodes_of_one_row_are_curves_clear_of_the_row() -> None:
    learned = _matrix(THRESHOLDED_FIT) != 0
    pos = dag_layout(learned, SACHS)
    fig = dag_diff_figure(TRUTH, learned, SACHS)

    g = drawn(fig, 320)
    same_row = [
        k for k, (i, j) in enumerate(g.ends) if pos[i, 1] == pos[j, 1] and i != j
    ]
    assert len(same_row) >= 4  # Plcg -> PIP2, Plcg -> PIP3, ...
    for k in same_row:
        row = g.centres[g.ends[k][0], 1]
        bow = np.abs(g.paths[k][:, 1] - row).max()
        assert bow > 14  # leaves the row: not over the nodes between


def test_the_legend_sits_below_the_nodes_in_a_margin_of_its_own() -> None:
    learned = _matrix(THRESHOLDED_FIT) != 0
    fig = dag_diff_figure(TRUTH, learned, SACHS)

    legend = fig.layout.legend
    assert (legend.orientation, legend.yanchor) == ("h", "top") and legend.y < 0
    # four rows of entries at the narrowest width, under the plot area
    assert fig.layout.margin.b >= 10 + 4 * 20
    for width in WIDTHS:
        assert outside(drawn(fig, width)) == 0  # no node below the plot area


@pytest.mark.parametrize("seed", range(6))
def test_random_comparisons_keep_edges_off_other_nodes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    d = int(rng.integers(6, 15))

    def random_dag() -> np.ndarray:
        order = rng.permutation(d)
        return np.triu(rng.random((d, d)) < 2.0 / d, 1)[np.ix_(order, order)]

    truth, learned = random_dag(), random_dag()
    names = [f"x{k}" for k in range(d)]
    for fig in (
        dag_figure(learned, learned * 0.8, names),
        dag_diff_figure(truth, learned, names),
    ):
        for width in (320, 607, 1460):
            g = drawn(fig, width)
            assert node_clearance(g) > 0
            assert shared_part(g) < 0.5
            assert _label_overlaps(g) == 0 and outside(g) == 0


def test_long_names_drawn_with_free_scales_keep_edges_off_other_nodes() -> None:
    # names too long for equal axis scales: a wider chart stretches x only
    d = 11
    rng = np.random.default_rng(d)
    stems = ["Phosphorylated MAP kinase kinase 1 at Ser217/221 (replicate {})"]
    stems += ["protein_kinase_C_activity_measured_by_substrate_phosphorylation_{}"]
    names = [stems[k % 2].format(k // 2) for k in range(d)]
    learned = np.triu(rng.random((d, d)) < 2.0 / d, 1)
    truth = np.triu(rng.random((d, d)) < 2.0 / d, 1)

    for fig in (
        dag_figure(learned, learned * 0.7, names),
        dag_diff_figure(truth, learned, names),
    ):
        assert fig.layout.yaxis.scaleanchor is None
        for width in WIDTHS:
            g = drawn(fig, width)
            assert node_clearance(g) > 0
            assert _label_overlaps(g) == 0 and outside(g) == 0


def test_selecting_a_node_keeps_every_edge_where_it_was() -> None:
    learned = _matrix(DEFAULT_FIT)
    erk = SACHS.index("Erk")
    first = dag_figure(learned != 0, learned, SACHS, selected=0)
    other = dag_figure(learned != 0, learned, SACHS, selected=erk)

    assert [s.path for s in first.layout.shapes] == [
        s.path for s in other.layout.shapes
    ]
    assert first.layout.shapes  # some edges are curves
    # arrowheads stand off the markers' rims: 14 px, 18 for the selected node
    x, y = dag_layout(learned != 0, SACHS)[erk]
    first_heads, other_heads = (
        [
            a.standoff
            for a in fig.layout.annotations
            if a.showarrow and (a.x, a.y) == (x, y)
        ]
        for fig in (first, other)
    )
    assert first_heads == [15.0] and other_heads == [19.0]  # Akt -> Erk


def test_a_wrapped_layer_puts_its_rows_next_to_their_neighbours() -> None:
    # 7 sources, 4 to a row: those without edges went to the row next to the
    # children, the 3 with children above, so Mek -> Raf crossed a row
    pos = dag_layout(_matrix(THRESHOLDED_FIT) != 0, SACHS)
    row = {name: -pos[SACHS.index(name), 1] for name in SACHS}
    assert {row[n] for n in ("Plcg", "PIP2", "PIP3", "Jnk")} == {0}
    assert {row[n] for n in ("Mek", "PKA", "PKC")} == {1}
    assert {row[n] for n in ("Raf", "Erk", "P38")} == {2}
    # the rest of a wrapped layer sits under its neighbours: PIP2 under PIP3
    pos = dag_layout(_matrix(DEFAULT_FIT) != 0, SACHS)
    x = dict(zip(SACHS, pos[:, 0], strict=True))
    assert abs(x["PIP2"] - x["PIP3"]) <= 0.375 and pos[SACHS.index("PIP2"), 1] == -2


def test_route_edges_bends_only_what_it_must() -> None:
    from engine.plots._routes import route_edges

    # three nodes in a row and one below; edges 0 -> 2 (over node 1),
    # 1 -> 3 and 3 -> 1 (one path), and 0 -> 3 (clear)
    centres = np.array([[20.0, 40], [120, 40], [220, 40], [120, 200]])
    edges = [(0, 2), (1, 3), (3, 1), (0, 3)]
    boxes = np.zeros((4, 4))  # no labels
    ctrl = route_edges(
        centres,
        edges,
        radius=np.full(4, 14.0),
        boxes=boxes,
        widths=np.full(4, 2.0),
        bounds=np.array([0.0, 0, 240, 240]),
    )

    assert not np.isnan(ctrl[0]).any()  # bent around node 1
    t = np.linspace(0, 1, 101)[:, None]
    curve = (1 - t) ** 2 * centres[0] + 2 * t * (1 - t) * ctrl[0] + t**2 * centres[2]
    assert np.hypot(*(curve - centres[1]).T).min() > 14 + 3
    # of the two edges between nodes 1 and 3 one bends
    assert np.isnan(ctrl[1:3]).any(1).sum() == 1
    assert np.isnan(ctrl[3]).all()  # clear: straight


def test_bootstrap_drawing_keeps_opposite_frequent_edges_apart() -> None:
    # the default fit as consensus; Erk -> Akt also frequent, left out (dashed)
    consensus = _matrix(DEFAULT_FIT) != 0
    freq = np.where(consensus, 0.9, 0.0)
    freq[SACHS.index("Erk"), SACHS.index("Akt")] = 0.6
    fig = bootstrap_figure(freq, consensus, SACHS)

    _check_readable(fig, min_head_angle=20.0)
    g = drawn(fig, 320)
    pair = [k for k, e in enumerate(g.ends) if set(e) == {5, 6}]  # Erk, Akt
    assert len(pair) == 2 and shared_part(g) < 0.5
