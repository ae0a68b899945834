"""The DAG figures: one arrow per edge, dashed shafts where the docstrings say so."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from engine.errors import ConfigError, DataError, GraphError
from engine.plots.bootstrap import bootstrap_figure
from engine.plots.dag import (
    adjacency_heatmap,
    dag_diff_figure,
    dag_figure,
    dag_layout,
    edge_status,
    layered_layout,
)

NAMES = ["a", "b", "c"]


def _arrows(fig) -> list:
    return [a for a in fig.layout.annotations if a.showarrow]


def test_dag_figure_draws_one_solid_arrow_per_edge_and_colours_by_sign() -> None:
    adjacency = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]])
    weights = np.array([[0, 2.0, -1.0], [0, 0, 0.5], [0, 0, 0]])

    fig = dag_figure(adjacency, weights, NAMES)

    arrows = _arrows(fig)
    assert len(arrows) == 3 and not fig.layout.shapes
    colours = sorted(a.arrowcolor for a in arrows)
    assert colours == ["#1f77b4", "#1f77b4", "#d62728"]
    assert max(a.arrowwidth for a in arrows) == 5.0  # |w| = 2 is the widest
    assert list(fig.data[0].customdata) == [0, 1, 2]
    assert "parents: a, b" in fig.data[0].hovertext[2]


def test_diff_figure_draws_missing_edges_dotted() -> None:
    truth = np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]])
    pred = np.array([[0, 0, 1], [0, 0, 1], [0, 0, 0]])

    status = edge_status(truth, pred)
    fig = dag_diff_figure(truth, pred, NAMES)

    assert status == {
        "correct": [(0, 2)],
        "reversed": [],
        "missing": [(0, 1)],
        "extra": [(1, 2)],
    }
    assert len(_arrows(fig)) == 3
    assert [s.line.dash for s in fig.layout.shapes] == ["dot"]
    # the dotted edge's head: an arrow of 0.02 row heights was not drawn at all
    head = next(a for a in _arrows(fig) if a.opacity == 0.5)
    assert np.hypot(head.x - head.ax, head.y - head.ay) >= 0.05
    legend = {t.name.split()[0]: t.line.dash for t in fig.data if t.name}
    assert legend["missing"] == "dot" and legend["correct"] == "solid"


def test_bootstrap_figure_dashes_frequent_edges_left_out_of_the_consensus() -> None:
    freq = np.array([[0, 0.9, 0.0], [0.6, 0, 0.3], [0, 0, 0]])
    consensus = np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]], dtype=bool)

    fig = bootstrap_figure(freq, consensus, NAMES, threshold=0.5)

    assert len(_arrows(fig)) == 2  # 0->1 (consensus) and 1->0 (dropped); not 1->2
    assert [s.line.dash for s in fig.layout.shapes].count("dash") == 1
    labels = sorted(a.text for a in fig.layout.annotations if not a.showarrow)
    assert labels == ["0.60", "0.90", *NAMES]
    # the two opposite edges are routed apart: each frequency on its own line
    # (they shared one straight line, their labels on one spot)
    spots = {(a.x, a.y) for a in fig.layout.annotations if a.text in ("0.60", "0.90")}
    assert len(spots) == 2


A3 = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]])
W3 = np.array([[0, 2.0, -1.0], [0, 0, 0.5], [0, 0, 0]])
NAN_ON_EDGE = np.where(np.arange(9).reshape(3, 3) == 1, np.nan, W3)
FREQ = np.array([[0, 0.9, 0.0], [0.6, 0, 0.3], [0, 0, 0]])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: dag_figure(A3, W3, ["a", "b"]),
            DataError,
            r"dag_figure: 'names' must hold one name per node \(3,.* got 2 name",
        ),
        (
            lambda: dag_figure(A3, W3, [*NAMES, "d"]),
            DataError,
            r"dag_figure: 'names' .* got 4 name",
        ),
        (lambda: dag_figure(A3, W3, "abc"), DataError, r"'names' must be a seq"),
        (
            lambda: dag_figure(A3, NAN_ON_EDGE, NAMES),
            DataError,
            r"dag_figure: 'weights' has 1 missing .* nan on the edge 0 -> 1",
        ),
        (
            lambda: dag_figure(A3, W3[:2], NAMES),
            GraphError,
            r"dag_figure: 'weights' must be a square .* got shape \(2, 3\)",
        ),
        (
            lambda: dag_figure(A3[:2], W3[:2], NAMES),
            GraphError,
            r"dag_figure: 'adjacency' must be a square .* got shape \(2, 3\)",
        ),
        (
            lambda: dag_figure(A3, np.zeros((4, 4)), NAMES),
            GraphError,
            r"'adjacency' and 'weights' .* got \(3, 3\) and \(4, 4\)",
        ),
        (
            lambda: dag_diff_figure(A3, np.zeros((4, 4)), NAMES),
            GraphError,
            r"dag_diff_figure: 'truth' and 'pred' .* got \(3, 3\) and \(4, 4\)",
        ),
        (
            lambda: dag_diff_figure(A3, A3, NAMES[:2]),
            DataError,
            r"dag_diff_figure: 'names' .* \(3,.* got 2 name",
        ),
        (
            lambda: dag_diff_figure(A3, A3, NAMES, positions=np.zeros((2, 2))),
            GraphError,
            r"dag_diff_figure: 'positions' must be a \(3, 2\) array .* \(2, 2\)",
        ),
        (
            lambda: dag_figure(A3, W3, NAMES, positions=[[0, 0], [1, np.inf], [2, 0]]),
            DataError,
            r"dag_figure: 'positions' has missing or infinite .* \(node 1, from 0\)",
        ),
        (
            lambda: dag_figure(A3, W3, NAMES, positions=[["x", 0]] * 3),
            DataError,
            r"dag_figure: 'positions' must be a \(3, 2\) array of x, y per node",
        ),
        (
            lambda: edge_status(np.zeros((2, 2)), A3),
            GraphError,
            r"edge_status: 'truth' and 'pred' .* \(2, 2\) and \(3, 3\)",
        ),
        (
            lambda: adjacency_heatmap(W3, NAMES[:2]),
            DataError,
            r"adjacency_heatmap: 'names' .* got 2 name",
        ),
        (
            lambda: layered_layout(np.zeros(3)),
            GraphError,
            r"layered_layout: 'adjacency' .* got shape \(3,\)",
        ),
        (
            lambda: bootstrap_figure(FREQ, np.zeros((4, 4)), NAMES),
            GraphError,
            r"bootstrap_figure: 'edge_frequency' and 'consensus' .* \(4, 4\)",
        ),
        (
            lambda: bootstrap_figure(FREQ, FREQ > 0.5, NAMES[:2]),
            DataError,
            r"bootstrap_figure: 'names' .* got 2 name",
        ),
        (
            lambda: bootstrap_figure(np.where(FREQ > 0.8, np.nan, FREQ), A3, NAMES),
            DataError,
            r"'edge_frequency' must hold fractions .* \[0, 1\]; 1 value.* nan",
        ),
        (
            lambda: bootstrap_figure(FREQ, FREQ > 0.5, NAMES, threshold=2),
            ConfigError,
            r"bootstrap_figure: 'threshold' must be a number in \[0.0, 1.0\]",
        ),
    ],
)
def test_mismatched_inputs_name_the_figure_and_what_was_received(
    call, error, match
) -> None:
    with pytest.raises(error, match=match):
        call()


def test_weights_off_the_edges_and_heatmap_gaps_may_be_missing() -> None:
    off_edge = W3.copy()
    off_edge[2, 0] = np.nan  # no edge 2 -> 0: not drawn, not checked
    assert len(_arrows(dag_figure(A3, off_edge, NAMES))) == 3
    heat = adjacency_heatmap(NAN_ON_EDGE, NAMES)
    assert heat.data[0].zmax == 1.0  # the scale spans the finite weights
    # names may be any iterable of d names (here a generator)
    fig = dag_figure(A3, W3, (n for n in NAMES))
    assert list(fig.data[0].text) == NAMES


def _random_dag(d: int, n_edges: int, seed: int = 0) -> np.ndarray:
    """A random DAG (d, d) of bools with ``n_edges`` edges."""
    rng = np.random.default_rng(seed)
    upper = np.flatnonzero(np.triu(np.ones((d, d), dtype=bool), 1))
    a = np.zeros(d * d, dtype=bool)
    a[rng.choice(upper, n_edges, replace=False)] = True
    return a.reshape(d, d)


def test_dag_figures_add_their_arrows_in_one_layout_update(monkeypatch) -> None:
    """``add_annotation``/``add_shape`` per edge is quadratic in the edge count.

    Each call re-validates every annotation already there (18.9 s for 382 edges),
    so the builders must hand all arrows, labels and shapes to plotly at once.
    """

    def refuse(*args, **kwargs):
        raise AssertionError("a DAG figure added an annotation or shape one by one")

    monkeypatch.setattr(go.Figure, "add_annotation", refuse)
    monkeypatch.setattr(go.Figure, "add_shape", refuse)
    a = _random_dag(30, 80)
    w = np.where(a, np.linspace(-2, 2, a.size).reshape(a.shape), 0.0)
    first = np.argwhere(a)[:5]
    pred = a.copy()
    pred[first[:, 0], first[:, 1]] = False  # 5 missing edges
    names = [f"x{k}" for k in range(30)]
    freq = np.where(a, 0.9, 0.0)
    freq[first[0, 1], first[0, 0]] = 0.6  # frequent, left out of the consensus

    fig = dag_figure(a, w, names, selected=3)
    diff = dag_diff_figure(a, pred, names)
    boot = bootstrap_figure(freq, a, names)

    # one arrow per edge; the shapes are the bodies of the curved edges (solid)
    # and of the 5 missing ones (dotted)
    assert len(_arrows(fig)) == 80
    assert {(s.type, s.line.dash) for s in fig.layout.shapes} == {("path", "solid")}
    assert len(_arrows(diff)) == 80
    assert sum(s.line.dash == "dot" for s in diff.layout.shapes) == 5
    assert len(_arrows(boot)) == 81
    assert sum(s.line.dash == "dash" for s in boot.layout.shapes) == 1
    texts = [x for x in boot.layout.annotations if not x.showarrow]
    assert len(texts) == 81 + 30  # frequency labels, then the node names
    assert fig.data[0].marker.color[3] == "#9467bd"


def test_wide_layers_wrap_into_rows_and_every_edge_still_points_down() -> None:
    a = np.zeros((21, 21), dtype=bool)
    a[:20, 20] = True  # 20 sources, one sink

    pos = layered_layout(a, max_per_row=8)

    _, counts = np.unique(pos[:, 1], return_counts=True)
    assert list(counts) == [1, 4, 8, 8]  # sink row at the bottom, sources 8+8+4
    assert (pos[:20, 1] > pos[20, 1]).all()
    assert np.allclose(layered_layout(A3), layered_layout(A3, max_per_row=8))
    with pytest.raises(ConfigError, match="layered_layout: 'max_per_row'"):
        layered_layout(A3, max_per_row=0)


def test_long_chain_drawn_taller_and_wider_small_graph_unchanged() -> None:
    d = 40
    chain = np.eye(d, k=1, dtype=bool)  # 40 layers of one node each
    names = [f"x{k}" for k in range(d)]

    fig = dag_figure(chain, chain * 1.0, names)
    small = dag_figure(A3, W3, NAMES)

    assert 520 < fig.layout.height <= 1600
    assert fig.layout.yaxis.scaleanchor is None  # fills the panel's width
    xs = np.asarray(fig.data[0].x)
    assert xs.max() - xs.min() >= 2.0  # rows zig-zag instead of a ribbon
    assert len(set(np.round(xs[:4], 3))) == 4  # 4 consecutive rows, 4 columns
    assert small.layout.height == 520 and small.layout.yaxis.scaleanchor == "x"
    assert list(small.data[0].x) == [0.0, 0.375, 0.0]  # row 2 staggered by 1.5 / 4


def test_heatmap_names_every_node_up_to_a_hundred() -> None:
    names = [f"x{k}" for k in range(50)]

    fig = adjacency_heatmap(np.eye(50), names)
    huge = adjacency_heatmap(np.eye(150), [f"x{k}" for k in range(150)])

    assert fig.layout.xaxis.dtick == 1 and fig.layout.yaxis.dtick == 1
    assert fig.layout.height > 480
    assert huge.layout.xaxis.dtick is None and huge.layout.height == 1600


def test_node_names_are_drawn_above_the_arrows() -> None:
    fig = dag_figure(A3, W3, NAMES)

    texts = [a.text for a in fig.layout.annotations]
    # the arrows first, then one name per node (plotly draws later ones on top)
    assert texts[:3] == ["", "", ""] and texts[3:] == NAMES
    x = fig.data[0].x
    assert [a.x for a in fig.layout.annotations[3:]] == list(x)


def test_layout_orders_layers_to_avoid_crossings() -> None:
    # 0 -> 3 and 1 -> 2: in index order the two edges cross
    a = np.zeros((4, 4), dtype=bool)
    a[0, 3] = a[1, 2] = True

    pos = layered_layout(a)

    assert pos[0, 1] == pos[1, 1] > pos[2, 1] == pos[3, 1]
    assert (pos[0, 0] < pos[1, 0]) == (pos[3, 0] < pos[2, 0])


def test_diff_legend_says_which_way_arrows_point() -> None:
    truth = np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]])
    pred = np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0]])

    names = [t.name for t in dag_diff_figure(truth, pred, NAMES).data if t.name]

    assert "reversed (1, arrow as learned)" in names
    assert "missing (1, arrow as true)" in names


def test_training_curves_tick_the_edge_count_in_whole_numbers() -> None:
    from engine.plots import training_curves

    history = {
        "step": np.arange(1.0, 6.0),
        "loss": np.array([5.0, 4.0, 3.5, 3.2, 3.1]),
        "n_edges": np.array([8.0, 9.0, 9.0, 8.0, 9.0]),
    }
    fig = training_curves(history)
    edges_axis = fig.layout.yaxis2  # the second row: n_edges
    assert edges_axis.dtick == 1 and edges_axis.tickformat == "d"
    assert fig.layout.yaxis.dtick is None  # the loss keeps plotly's ticks
    many = training_curves({**history, "n_edges": np.array([0.0, 40, 80, 90, 95])})
    assert many.layout.yaxis2.dtick == 19


def _node_positions(fig) -> np.ndarray:
    """x, y of the node trace (the one whose customdata are the node indices)."""
    nodes = next(t for t in fig.data if t.name == "nodes")
    return np.column_stack([nodes.x, nodes.y])


def test_the_diff_drawing_puts_every_node_where_the_learned_dag_has_it() -> None:
    # laid out along the true graph, the diff put the nodes elsewhere than the
    # drawing of the learned DAG above it: they could not be matched by place
    rng = np.random.default_rng(0)
    truth = np.triu(rng.random((12, 12)) < 0.3, 1)
    order = rng.permutation(12)
    learned = np.triu(rng.random((12, 12)) < 0.25, 1)[np.ix_(order, order)]
    weights = learned * 1.0
    names = [f"x{k}" for k in range(12)]
    assert not np.allclose(dag_layout(truth), dag_layout(learned))

    drawn = _node_positions(dag_figure(learned, weights, names))
    diff = _node_positions(dag_diff_figure(truth, learned, names))

    np.testing.assert_array_equal(diff, drawn)
    np.testing.assert_array_equal(drawn, dag_layout(learned))
    # positions given: both drawings use them (here the true graph's layout)
    along_truth = dag_layout(truth)
    diff = dag_diff_figure(truth, learned, names, positions=along_truth)
    np.testing.assert_array_equal(_node_positions(diff), along_truth)
    fig = dag_figure(learned, weights, names, positions=along_truth)
    np.testing.assert_array_equal(_node_positions(fig), along_truth)


# 200-character names that differ only at the end (d_longnames.csv)
LONG = ["L" + "o" * 190 + f"ng_name_{k}" for k in range(3)]


def _node_labels(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations if not a.showarrow]


def test_long_names_are_drawn_cut_in_the_middle_and_stay_distinct() -> None:
    # every label showed "Loooo..." (cut at the end), so nodes looked alike
    a = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    short = ["Looooooooooo…ooong_name_0", "Looooooooooo…ooong_name_1"]
    short.append("Looooooooooo…ooong_name_2")
    figures = [
        dag_figure(a, a * 0.5, LONG),
        dag_diff_figure(a, a, LONG),
        bootstrap_figure(a * 0.9, a, LONG),
    ]
    for fig in figures:
        assert _node_labels(fig)[-3:] == short
        # the hover keeps the full name
        (nodes,) = [t for t in fig.data if t.name == "nodes"]
        hovers = nodes.hovertext
        assert all(n in h for n, h in zip(LONG, hovers, strict=True))
    heat = adjacency_heatmap(a * 0.5, LONG)
    assert list(heat.data[0].x) == short == list(heat.data[0].y)
    assert heat.layout.xaxis.type == "category"
    assert list(heat.data[0].customdata[0, 1]) == [LONG[0], LONG[1]]
    assert "%{customdata[0]} → %{customdata[1]}" in heat.data[0].hovertemplate
    # short names are left as they are, hovers too
    plain = adjacency_heatmap(a, NAMES)
    assert list(plain.data[0].x) == NAMES and plain.data[0].customdata is None


def test_names_alike_but_in_the_middle_keep_more_characters() -> None:
    from engine.plots._text import short_names

    names = ["abc" + "x" * 30 + "A" + "y" * 30, "abc" + "x" * 30 + "B" + "y" * 30]
    labels = short_names(names)
    assert labels[0] != labels[1] and all(len(s) < 70 for s in labels)
    assert short_names(["same", "same"]) == ["same", "same"]
    assert short_names(["x" * 30, "x" * 12 + "…" + "x" * 12]) == [
        "x" * 30,
        "x" * 12 + "…" + "x" * 12,
    ]


# long names of a user's table: alike at the start, telling at the end,
# non-ASCII, and 190 characters
_STEMS = [
    "Phosphorylated MAP kinase kinase 1 at Ser217/221 (normalised, replicate {})",
    "Konzentration von Phospho-Akt in µg/ml — Zelllinie Genève (Messreihe {})",
    "protein_kinase_C_activity_measured_by_substrate_phosphorylation_{}",
    "L" + "o" * 180 + "ng_name_{}",
    "Température moyenne mesurée à Zürich-Flughafen, capteur {} (°C)",
]


def _long_names(d: int) -> list[str]:
    return [_STEMS[k % len(_STEMS)].format(k // len(_STEMS)) for k in range(d)]


def _drawn_boxes(fig) -> tuple[np.ndarray, np.ndarray]:
    """Label boxes and marker boxes (x0, y0, x1, y1 in px, y down) of a DAG
    figure at plotly's default width (700 px), its own height; a label's width
    estimated as 0.5 font sizes per character (Chromium draws 12 px labels at
    about 6.0 px per character)."""
    (nodes,) = [t for t in fig.data if t.name == "nodes"]
    x, y = np.asarray(nodes.x, float), np.asarray(nodes.y, float)
    m = fig.layout.margin
    plot_w = 700 - m.l - m.r
    plot_h = fig.layout.height - m.t - m.b
    if fig.layout.xaxis.range is None:  # autorange: the markers centred
        pad = 20
        k = min(
            (plot_w - 2 * pad) / max(np.ptp(x), 1e-9),
            (plot_h - 2 * pad) / max(np.ptp(y), 1e-9),
        )
        assert fig.layout.yaxis.scaleanchor == "x"
        px = (x - (x.min() + x.max()) / 2) * k + plot_w / 2
        py = ((y.min() + y.max()) / 2 - y) * k + plot_h / 2
    else:
        (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
        px = (x - x0) / (x1 - x0) * plot_w
        py = (y1 - y) / (y1 - y0) * plot_h
    labels = [a for a in fig.layout.annotations if not a.showarrow][-len(x) :]
    boxes = []
    for a, cx, cy in zip(labels, px, py, strict=True):
        width = 0.5 * a.font.size * len(a.text)
        left = cx + (a.xshift or 0)
        boxes.append(
            (left, cy - a.font.size * 0.7, left + width, cy + a.font.size * 0.7)
        )
    markers = np.stack([px - 14, py - 14, px + 14, py + 14], axis=1)
    return np.array(boxes), markers


def _overlapping(a: np.ndarray, b: np.ndarray) -> int:
    """Pairs (i, j), i != j, of box i of ``a`` and box j of ``b`` that overlap."""
    ox = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(
        a[:, None, 0], b[None, :, 0]
    )
    oy = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(
        a[:, None, 1], b[None, :, 1]
    )
    hit = (ox > 0.5) & (oy > 0.5)
    np.fill_diagonal(hit, False)
    return int(hit.sum())


@pytest.mark.parametrize("d", [11, 20, 30])
def test_long_node_labels_do_not_overlap_at_the_default_size(d: int) -> None:
    # labels of 25 characters, 8 nodes to a row, overlapped each other and the
    # next nodes (in Chromium, on random DAGs of 11, 20 and 30 nodes: 7, 15 and
    # 45 label pairs)
    rng = np.random.default_rng(d)
    a = np.triu(rng.random((d, d)) < 2.0 / d, 1)
    names = _long_names(d)
    for fig in (
        dag_figure(a, a * 0.7, names, selected=0),
        dag_diff_figure(np.triu(rng.random((d, d)) < 2.0 / d, 1), a, names),
        bootstrap_figure(a * 0.9, a, names),
    ):
        labels, markers = _drawn_boxes(fig)
        assert _overlapping(labels, labels) == 0
        assert _overlapping(labels, markers) == 0
        assert labels[:, 2].max() <= 700 - fig.layout.margin.l  # inside the figure
        shown = [a.text for a in fig.layout.annotations if not a.showarrow][-d:]
        assert len(set(shown)) == d and all(len(t) >= 9 for t in shown)
        # the full names in the hover
        (nodes,) = [t for t in fig.data if t.name == "nodes"]
        assert all(n in h for n, h in zip(names, nodes.hovertext, strict=True))
    # the comparison draws every node where the learned DAG's drawing does
    drawn = next(t for t in dag_figure(a, a * 1.0, names).data if t.name == "nodes")
    np.testing.assert_array_equal(np.c_[drawn.x, drawn.y], dag_layout(a, names))


def test_a_whole_result_for_a_matrix_is_a_type_error_naming_its_matrix():
    # dag_figure(result, ...) said 'adjacency' ... got shape (); bootstrap_figure
    # and adjacency_heatmap quoted float()'s complaint about the object
    from engine.dag import DagResult
    from engine.dag.bootstrap import BootstrapResult

    a = np.array([[0, 1], [0, 0]], dtype=bool)
    dag = DagResult(a, a * 0.5, ("a", "b"))
    boot = BootstrapResult(
        ("a", "b"), a * 1.0, a * 1.0, a * 0.5, a, 0.5, 2, 2, False, "x"
    )
    calls = [
        (
            lambda: dag_figure(dag, a, ["a", "b"]),
            "dag_figure: 'adjacency'",
            "adjacency",
        ),
        (
            lambda: adjacency_heatmap(dag, ["a", "b"]),
            "adjacency_heatmap: 'weights'",
            "weights",
        ),
        (
            lambda: bootstrap_figure(boot, a, ["a", "b"]),
            "bootstrap_figure: 'edge_frequency'",
            "edge_frequency",
        ),
    ]
    for call, start, field in calls:
        with pytest.raises(TypeError) as info:
            call()
        kind = type(boot if field == "edge_frequency" else dag).__name__
        assert str(info.value) == (
            f"{start} must be a square (d, d) matrix; got a whole {kind}: pass its "
            f"matrix, e.g. result.{field}."
        )


def test_dag_figure_selects_a_node_by_name_as_the_rest_of_the_library_does() -> None:
    # selected= took a position only: with nodes named 2, 0, 1 (integer column
    # names), selected=2 highlighted the third node, '1', where DagResult.parents(2)
    # and the other name-or-position arguments mean the node named 2
    a = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]])
    names = ["2", "0", "1"]

    def highlighted(fig) -> list[int]:
        return [k for k, c in enumerate(fig.data[0].marker.color) if c == "#9467bd"]

    assert highlighted(dag_figure(a, a * 0.5, names, selected=2)) == [0]
    assert highlighted(dag_figure(a, a * 0.5, names, selected="1")) == [2]
    assert highlighted(dag_figure(a, a * 0.5, names, selected=np.int64(0))) == [1]
    # with no name a number, an integer is a position
    assert highlighted(dag_figure(a, a * 0.5, NAMES, selected=1)) == [1]
    assert highlighted(dag_figure(a, a * 0.5, NAMES, selected="c")) == [2]
    assert highlighted(dag_figure(a, a * 0.5, NAMES)) == []
    # a node that is neither was drawn with nothing highlighted, without a word
    with pytest.raises(GraphError) as info:
        dag_figure(a, a * 0.5, names, selected=3)
    assert str(info.value) == (
        "dag_figure: node 3 is not one of names ['2', '0', '1'], and since they "
        "are numbers an integer is read as a name, never as a position. For the "
        "node at position p, pass its name names[p]."
    )
    with pytest.raises(GraphError, match=r"dag_figure: unknown node 'z': it is ne"):
        dag_figure(a, a * 0.5, NAMES, selected="z")
    with pytest.raises(GraphError, match=r"unknown node 3: .* position in 0\.\.2"):
        dag_figure(a, a * 0.5, NAMES, selected=3)
