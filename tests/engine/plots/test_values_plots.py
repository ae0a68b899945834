"""Figures of distributional values built from a real small result."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from engine.errors import ConfigError
from engine.plots import mean_vs_reference, p_change_bars, pixel_map, transition_heatmap
from engine.plots._text import plot_labels
from engine.values import explain


@pytest.fixture(scope="module")
def digits_result():
    X, y = load_digits(return_X_y=True)
    model = LogisticRegression(max_iter=300).fit(X[:400], y[:400])
    # 16 players: 2 x 2 patches of the 8 x 8 image
    patches = {
        f"p{r}{c}": [8 * (2 * r + a) + 2 * c + b for a in (0, 1) for b in (0, 1)]
        for r in range(4)
        for c in range(4)
    }
    return explain(
        model,
        X[[500]],
        removal="zeros",
        players=patches,
        estimator="permutation",
        n_samples=16,
        top_k=3,
        seed=0,
    )


def test_bars_split_by_destination_add_up_to_p_change(digits_result) -> None:
    fig = p_change_bars(digits_result, row=0, top=5)
    assert len(fig.data) == len(digits_result.classes)
    totals = np.sum([np.asarray(t.x) for t in fig.data], axis=0)
    top5 = np.sort(digits_result.p_change[0])[::-1][:5]
    np.testing.assert_allclose(np.sort(totals)[::-1], top5, atol=1e-12)
    title = p_change_bars(digits_result).layout.title.text.replace("<br>", "")
    assert "mean over rows" in title


def test_heatmap_shows_the_player_matrix(digits_result) -> None:
    fig = transition_heatmap(digits_result, 0, "p11")
    i = digits_result.features.index("p11")
    np.testing.assert_allclose(
        np.asarray(fig.data[0].z), digits_result.transitions[0, i]
    )


def test_mean_beside_reference(digits_result) -> None:
    ref = digits_result.mean[0] * 2
    fig = mean_vs_reference(digits_result, 0, reference=ref, top=4)
    np.testing.assert_allclose(np.asarray(fig.data[1].x), 2 * np.asarray(fig.data[0].x))


def test_pixel_map_spreads_patch_values(digits_result) -> None:
    fig = pixel_map(digits_result, 0, shape=(8, 8))
    z = np.asarray(fig.data[1].z, dtype=float)
    i = digits_result.features.index("p00")
    np.testing.assert_allclose(z[:2, :2], digits_result.p_change[0, i])
    with pytest.raises(ValueError, match="shape"):
        pixel_map(digits_result, 0, shape=(4, 4))


def test_bad_rows_players_and_classes_name_the_valid_ones(digits_result) -> None:
    from engine.errors import ConfigError

    cases = [
        # rows by label (the labels are numbers: an integer is never a position)
        (
            lambda: digits_result.contrast(5, 0, 1),
            r"contrast: row 5 is not one of rows \['0'\].* never as a position",
        ),
        (
            lambda: p_change_bars(digits_result, row=9),
            r"p_change_bars: row 9 is not one of rows \['0'\]",
        ),
        (lambda: transition_heatmap(digits_result, 3, 0), r"row 3 is not one of"),
        (
            lambda: transition_heatmap(digits_result, 0, "nope"),
            r"unknown player 'nope': .* 0\.\.15; features are \['p00'",
        ),
        (lambda: transition_heatmap(digits_result, 0, 16), r"unknown player 16"),
        (lambda: mean_vs_reference(digits_result, 0, class_index=7), "class 7"),
        (lambda: pixel_map(digits_result, -1), r"pixel_map: row -1 is not one"),
        (lambda: digits_result.contrast(0, "nope", 1), "unknown class 'nope'"),
    ]
    for call, message in cases:
        with pytest.raises(ConfigError, match=message):
            call()


def test_bad_tops_references_quantities_and_moves(digits_result) -> None:
    from engine.errors import ConfigError, DataError

    m, k = len(digits_result.features), len(digits_result.classes)
    cases = [
        (lambda: p_change_bars(digits_result, top=0), ConfigError, r"'top' .* 0"),
        (
            lambda: mean_vs_reference(digits_result, 0, top=-1),
            ConfigError,
            r"mean_vs_reference: 'top' must be a positive integer; got -1",
        ),
        (
            lambda: mean_vs_reference(digits_result, 0, reference=np.zeros(2)),
            DataError,
            rf"'reference' .* \({m},\).* \({m}, {k}\); got shape \(2,\)",
        ),
        (
            lambda: mean_vs_reference(digits_result, 0, reference=np.zeros((m, 2))),
            DataError,
            rf"'reference' .* got shape \({m}, 2\)",
        ),
        (
            lambda: pixel_map(digits_result, 0, quantity="pchange"),
            ConfigError,
            r"pixel_map: 'quantity' must be one of .* got 'pchange'",
        ),
        (
            lambda: pixel_map(digits_result, 0, move=(k, 0)),
            ConfigError,
            rf"pixel_map: class {k} is not one of classes \['2', '8', '9', 'other'\]",
        ),
    ]
    for call, error, match in cases:
        with pytest.raises(error, match=match):
            call()
    # the top 3 classes and 'other': 8 and 2 are class names, not positions
    moved = pixel_map(digits_result, 0, move=(8, 2))
    assert moved.layout.annotations[1].text == "P(2 -> 8)"


@pytest.fixture(scope="module")
def numeric_classes_result():
    """A 0/1 classifier over features named like numbers ("1", "2", "3")."""
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["1", "2", "3"])
    y = (X["1"] + X["2"] > 0).astype(int)
    model = LogisticRegression().fit(X.to_numpy(), y)
    return explain(model, X.iloc[[0]], background=X.to_numpy()[:20], seed=0)


def test_numeric_classes_and_feature_names_are_categories(numeric_classes_result):
    # the Explain page's heatmap of classes 0/1 had a continuous axis with
    # ticks -0.5, 0, 0.5, 1, 1.5
    result = numeric_classes_result
    assert [str(c) for c in result.classes] == ["0", "1"]
    heat = transition_heatmap(result, 0, "1")
    assert heat.layout.xaxis.type == "category" == heat.layout.yaxis.type
    assert list(heat.data[0].x) == ["0", "1"] == list(heat.data[0].y)
    assert p_change_bars(result, row=0).layout.yaxis.type == "category"
    assert mean_vs_reference(result, 0).layout.yaxis.type == "category"


def test_long_feature_names_are_cut_in_the_middle_with_the_full_name_hovered():
    # on the Explain page 200-character names took ~85% of the bar chart's width
    # and read "Loooo..." alike
    import pandas as pd

    long = ["L" + "o" * 190 + f"ng_name_{k}" for k in range(3)]
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(60, 3)), columns=long)
    y = (X[long[0]] > 0).astype(int)
    model = LogisticRegression().fit(X.to_numpy(), y)
    result = explain(model, X.iloc[[0]], background=X.to_numpy()[:10], seed=0)
    for fig in (p_change_bars(result, row=0), mean_vs_reference(result, 0)):
        labels = list(fig.data[0].y)
        assert len(set(labels)) == 3 and all(len(s) == 25 for s in labels)
        assert {s[-6:] for s in labels} == {"name_0", "name_1", "name_2"}
        assert set(fig.data[0].customdata) == set(long)
        assert "%{customdata}" in fig.data[0].hovertemplate
    title = transition_heatmap(result, 0, long[1]).layout.title.text
    title = title.replace("<br>", "")  # wrapped on spaces, which it keeps
    assert title.startswith("Looooooooooo…ooong_name_1: ")


def test_the_mean_chart_makes_room_for_its_names_in_half_a_page():
    # in a half-page column the names were cut at the left ("ératu…") by a
    # legend at the right, and rows looked alike
    import pandas as pd

    names = [f"température_moyenne_{s}_mesurée_à_la_station" for s in ("A", "B")]
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=names)
    model = LogisticRegression().fit(X.to_numpy(), (X[names[0]] > 0).astype(int))
    result = explain(model, X.iloc[[0]], background=X.to_numpy()[:10], seed=0)
    fig = mean_vs_reference(result, 0)
    assert fig.layout.yaxis.automargin is True
    assert fig.layout.legend.orientation == "h"
    assert sorted(fig.data[0].y) == sorted(plot_labels(names))
    assert set(fig.data[0].customdata) == set(names)
    # fewer characters for half a page
    half = mean_vs_reference(result, 0, keep=8)
    assert sorted(half.data[0].y) == sorted(plot_labels(names, 8))
    assert all(len(s) <= 17 for s in half.data[0].y)


@pytest.fixture(scope="module")
def long_classes_result():
    """Four classes and two features with 200-character, non-ASCII names."""
    import pandas as pd

    rng = np.random.default_rng(0)
    features = ["température_" + "x" * 180 + "_fin", "Größe_日本語_" + "y" * 185]
    X = pd.DataFrame(rng.normal(size=(200, 4)), columns=[*features, "f2", "f3"])
    classes = np.array(
        ["Klasse_Ä_" + "A" * 190 + "_end1", "クラス_B_" + "b" * 190, "c", "d"]
    )
    y = classes[np.digitize(X[features[0]] + 0.5 * X[features[1]], [-0.8, 0, 0.8])]
    model = LogisticRegression(max_iter=300).fit(X.to_numpy(), y)
    return explain(model, X.iloc[[0]], background=X.to_numpy()[:20], seed=0)


def test_long_class_names_leave_the_bars_the_width(long_classes_result):
    # at 800 px a legend of long class names at the right left ~60 px of bars
    result = long_classes_result
    for fig in (p_change_bars(result, row=0), mean_vs_reference(result, 0)):
        legend = fig.layout.legend
        assert (legend.orientation, legend.y, legend.yanchor) == ("h", 1, "bottom")
        assert all(len(trace.name) <= 40 for trace in fig.data)
        # the title is lifted above the legend's rows
        assert fig.layout.title.pad.b >= 20 + 8
    bars = p_change_bars(result, row=0)
    assert any("Klasse_Ä_" + "A" * 190 in t.hovertemplate for t in bars.data)


def test_the_heatmap_shortens_its_class_ticks_and_shows_probability_ticks(
    long_classes_result,
):
    heat = transition_heatmap(long_classes_result, 0, 0, keep=6)
    ticks = list(heat.data[0].y)
    assert all(len(t) <= 13 for t in ticks) and len(set(ticks)) == 4
    assert heat.layout.yaxis.automargin is True
    assert heat.data[0].customdata[0][0][0].startswith("Klasse_Ä_AAAA")
    # d3's default rounded the colour bar's ticks to "0, 0, 0"
    assert heat.data[0].colorbar.tickformat == ".3~g"


def test_the_mean_chart_can_list_the_features_as_the_bar_chart_does(
    long_classes_result,
):
    result = long_classes_result
    bars = p_change_bars(result, row=0)
    mean = mean_vs_reference(result, 0, order_by="p_change")
    assert list(mean.data[0].customdata) == list(bars.data[0].customdata)
    with pytest.raises(Exception, match="order_by"):
        mean_vs_reference(result, 0, order_by="name")


def test_the_heatmap_toolbar_stays_on_one_row(digits_result) -> None:
    # at 800 px the heatmap's toolbar wrapped onto a second row over its title
    from engine.plots._layout import NARROW_TOOLBAR

    fig = transition_heatmap(digits_result, 0, 0)
    assert set(fig.layout.modebar.remove) == set(NARROW_TOOLBAR)


def test_the_mean_chart_toolbar_stays_on_one_row(digits_result) -> None:
    # beside the heatmap at 785-800 px it wrapped onto a second row over its title
    from engine.plots._layout import NARROW_TOOLBAR

    ref = digits_result.mean[0] * 2
    for fig in (
        mean_vs_reference(digits_result, 0),
        mean_vs_reference(digits_result, 0, reference=ref),
    ):
        assert set(fig.layout.modebar.remove) == set(NARROW_TOOLBAR)


@pytest.mark.parametrize(
    ("figure", "args"),
    [
        (p_change_bars, ()),
        (transition_heatmap, (0, 0)),
        (mean_vs_reference, (0,)),
        (pixel_map, (0, (2, 2))),
    ],
)
def test_another_result_is_a_type_error_naming_what_draws_it(figure, args) -> None:
    # each failed with AttributeError: 'DagResult' object has no attribute ...
    from engine.dag import DagResult

    dag = DagResult(np.zeros((2, 2), bool), np.zeros((2, 2)), ("a", "b"))
    with pytest.raises(TypeError) as info:
        figure(dag, *args)
    assert str(info.value).startswith(
        f"{figure.__name__}: takes a DistributionalValues (from explain); got a "
        "DagResult: engine.plots draws it with dag_figure(result.adjacency, "
    )


@pytest.fixture(scope="module")
def integer_classes_result():
    """A classifier of the classes 1, 2 and 3 over a 2 x 2 'image'."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 4))
    y = 1 + np.digitize(X[:, 0] + X[:, 1], [-0.5, 0.5])
    model = LogisticRegression().fit(X, y)
    return explain(model, X[[0]], background=X[:20], seed=0)


def test_pixel_map_moves_between_classes_given_by_name(integer_classes_result):
    # move=(to, from) took class positions only: with classes 1, 2, 3,
    # move=(2, 1) showed the mass moved from class 2 to class 3
    result = integer_classes_result
    assert [str(c) for c in result.classes] == ["1", "2", "3"]
    fig = pixel_map(result, 0, shape=(2, 2), move=(2, 1))
    assert fig.layout.annotations[1].text == "P(1 -> 2)"
    np.testing.assert_allclose(
        np.asarray(fig.data[1].z, dtype=float).ravel(),
        result.transitions[0, :, 1, 0],
    )
    named = pixel_map(result, 0, shape=(2, 2), move=("3", np.int64(2)))
    assert named.layout.annotations[1].text == "P(2 -> 3)"
    # an integer that is no class is refused as everywhere else, not taken for
    # a position
    with pytest.raises(ConfigError) as info:
        pixel_map(result, 0, shape=(2, 2), move=(0, 1))
    assert str(info.value) == (
        "pixel_map: class 0 is not one of classes ['1', '2', '3'], and since they "
        "are numbers an integer is read as a name, never as a position. For the "
        "class at position 0, pass its name classes[0] ('1')."
    )
    with pytest.raises(ConfigError, match=r"'move' must be a pair \(to, from\)"):
        pixel_map(result, 0, shape=(2, 2), move=2)
    # an array pair, as model.classes_[[2, 1]] gives it (was: "must be a pair")
    picked = pixel_map(result, 0, shape=(2, 2), move=np.array([3, 2]))
    assert picked.layout.annotations[1].text == "P(2 -> 3)"
    with pytest.raises(ConfigError, match=r"'move' must be a pair \(to, from\)"):
        pixel_map(result, 0, shape=(2, 2), move=np.array([[3, 2]]))


def test_pixel_map_takes_class_positions_when_no_class_is_a_number(
    long_classes_result,
):
    result = long_classes_result
    assert list(result.classes[1:3]) == ["c", "d"]
    fig = pixel_map(result, 0, shape=(2, 2), move=(2, "c"))
    assert fig.layout.annotations[1].text == "P(c -> d)"
    with pytest.raises(ConfigError, match=r"pixel_map: unknown class 4: .* 0\.\.3"):
        pixel_map(result, 0, shape=(2, 2), move=(4, 0))
