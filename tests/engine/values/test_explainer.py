"""explain / DistributionalExplainer: shap agreement, estimators, adapters, groups."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import load_iris, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from engine.errors import (
    ConfigError,
    DataError,
    NotFittedError,
    StoppedWarning,
    UnsupportedError,
)
from engine.runtime import STOP
from engine.values import (
    DistributionalExplainer,
    DistributionalValues,
    RandomOrder,
    banzhaf,
    explain,
    values_from_table,
)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True, as_frame=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(X, y)
    return X, y, model


@pytest.fixture(scope="module")
def wine6():
    X, y = load_wine(return_X_y=True, as_frame=True)
    X = X.iloc[:, :6]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make_pipeline(
            StandardScaler(), MLPClassifier((16,), max_iter=300, random_state=0)
        ).fit(X, y)
    return X, y, model


def test_exact_means_equal_shap_exact_explainer(wine6) -> None:
    shap = pytest.importorskip("shap")
    X, _, model = wine6
    bg, rows = X.iloc[::9], X.iloc[[3, 70, 150]]
    ours = explain(model, rows, background=bg, estimator="exact", seed=0)
    masker = shap.maskers.Independent(bg.to_numpy(), max_samples=len(bg))
    theirs = shap.ExactExplainer(model.predict_proba, masker)(rows.to_numpy())
    assert ours.config["model_kind"] == "sklearn-torch"
    assert np.abs(theirs.values - ours.mean).max() < 1e-12
    np.testing.assert_allclose(theirs.base_values, ours.base_probabilities, atol=1e-12)


def test_result_properties_on_a_real_model(wine6) -> None:
    X, _, model = wine6
    res = explain(model, X.iloc[[0, 80]], background=X.iloc[::12], seed=0)
    q = res.transitions
    assert res.estimator == "exact" and q.shape == (2, 6, 3, 3) and q.min() >= 0
    np.testing.assert_allclose(q.sum((2, 3)), 1.0, atol=1e-12)
    np.testing.assert_allclose(
        res.mean.sum(1), res.probabilities - res.base_probabilities, atol=1e-12
    )
    np.testing.assert_allclose(res.p_change, 1 - np.trace(q, axis1=2, axis2=3))
    # flip_away: without = predicted class, with = another class
    c = res.predicted[0]
    np.testing.assert_allclose(res.flip_away[0], q[0, :, :, c].sum(1) - q[0, :, c, c])
    cond = res.conditional()
    np.testing.assert_allclose(np.nansum(cond, axis=2), 1.0, atol=1e-12)
    assert (res.entropy() >= 0).all()


def test_covariance_matches_enumeration_of_moves(wine6) -> None:
    X, _, model = wine6
    res = explain(model, X.iloc[[5]], background=X.iloc[::20], seed=0)
    q = res.transitions[0, 2]
    k = q.shape[0]
    eye = np.eye(k)
    second = sum(
        q[a, b] * np.outer(eye[a] - eye[b], eye[a] - eye[b])
        for a in range(k)
        for b in range(k)
    )
    mean = res.mean[0, 2]
    np.testing.assert_allclose(
        res.covariance()[0, 2], second - np.outer(mean, mean), atol=1e-14
    )


def test_sampled_estimators_converge_to_exact(iris, seed) -> None:
    X, _, model = iris
    rows, bg = X.iloc[[10, 60, 120]], X.iloc[::10]
    exact = explain(model, rows, background=bg, estimator="exact")
    perm = explain(
        model, rows, background=bg, estimator="permutation", n_samples=600, seed=seed
    )
    assert perm.n_samples.tolist() == [600] * 3
    err = np.abs(perm.transitions - exact.transitions)
    assert err.max() < 0.02
    assert np.all(err <= 5 * perm.stderr + 1e-9)
    ex_b = explain(model, rows, background=bg, operator="banzhaf", estimator="exact")
    co_b = explain(
        model,
        rows,
        background=bg,
        operator="banzhaf",
        estimator="coalition",
        n_samples=800,
        seed=seed,
    )
    err_b = np.abs(co_b.transitions - ex_b.transitions)
    assert err_b.max() < 0.03 and np.all(err_b <= 5 * co_b.stderr + 1e-9)


def test_one_antithetic_pair_is_efficient(iris, seed) -> None:
    X, _, model = iris
    res = explain(
        model,
        X.iloc[[7, 99]],
        background=X.iloc[::15],
        estimator="permutation",
        n_samples=2,
        seed=seed,
    )
    np.testing.assert_allclose(
        res.mean.sum(1), res.probabilities - res.base_probabilities, atol=1e-12
    )


def test_same_seed_same_result_and_twin_agrees(iris) -> None:
    X, _, model = iris
    kw = dict(estimator="permutation", n_samples=8, seed=3)
    a = explain(model, X.iloc[:4], background=X.iloc[::10], **kw)
    b = DistributionalExplainer(model, **kw).fit(X.iloc[::10]).explain(X.iloc[:4])
    np.testing.assert_array_equal(a.transitions, b.transitions)
    assert a.seed == 3 and a.device == "cpu"
    with pytest.raises(NotFittedError):
        DistributionalExplainer(model).explain(X.iloc[:2])
    est = DistributionalExplainer(model).set_params(operator="banzhaf")
    assert est.get_params()["operator"] == "banzhaf"


def test_json_round_trip(iris, tmp_path) -> None:
    X, _, model = iris
    res = explain(
        model,
        X.iloc[:3],
        background=X.iloc[::25],
        n_samples=4,
        estimator="permutation",
        seed=0,
    )
    res.to_json(tmp_path / "v.json")
    back = DistributionalValues.from_json(tmp_path / "v.json")
    np.testing.assert_array_equal(back.transitions, res.transitions)
    np.testing.assert_array_equal(back.stderr, res.stderr)
    assert back.features == res.features and back.classes == res.classes
    assert back.config == res.config
    assert len(res.to_frame()) == 3 * 4 * 3 * 3


def test_null_and_symmetric_players() -> None:
    def model(X: np.ndarray) -> np.ndarray:
        z = np.stack([X[:, 0] + X[:, 1], -(X[:, 0] + X[:, 1]), 0.3 * X[:, 0] ** 0], 1)
        z = z - z.max(1, keepdims=True)
        return np.exp(z) / np.exp(z).sum(1, keepdims=True)

    X = np.array([[1.0, 1.0, 5.0], [2.0, 2.0, -3.0]])
    res = explain(model, X, removal="zeros", estimator="exact")
    q = res.transitions
    np.testing.assert_allclose(res.p_change[:, 2], 0.0, atol=1e-14)
    np.testing.assert_allclose(
        q[:, 2], np.stack([np.diag(np.diag(m)) for m in q[:, 2]])
    )
    np.testing.assert_allclose(q[:, 0], q[:, 1], atol=1e-14)


def test_adapters_callable_sklearn_torch_agree(iris) -> None:
    X, _, sk = iris
    rows, bg = X.iloc[[0, 50]], X.iloc[::30]
    lin = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        scaler, clf = sk[0], sk[1]
        lin.weight.copy_(torch.as_tensor(clf.coef_ / scaler.scale_))
        lin.bias.copy_(
            torch.as_tensor(clf.intercept_ - (clf.coef_ / scaler.scale_) @ scaler.mean_)
        )
    results = [
        explain(m, rows, background=bg, estimator="exact")
        for m in (sk, sk.predict_proba, lin)
    ]
    kinds = [r.config["model_kind"] for r in results]
    assert kinds == ["sklearn-torch", "callable", "torch"]
    for r in results[1:]:
        np.testing.assert_allclose(r.transitions, results[0].transitions, atol=1e-10)
    assert results[0].classes == ("0", "1", "2")


@pytest.mark.parametrize(
    ("budget", "cpu_slab"), [(2**28, None), (2**13, None), (2**28, 2**40)]
)
def test_incremental_first_layer_paths_equal_plain_evaluation(
    wine6, seed, budget, cpu_slab, monkeypatch
) -> None:
    # a tiny budget splits rows, background rows, orderings and coalitions into
    # many slabs; budget-sized slabs (as on a GPU) hold all of them at once; the
    # numbers must not change
    if cpu_slab is not None:
        monkeypatch.setattr("engine.values.games._CPU_SLAB", cpu_slab)
    X, _, model = wine6
    rows, bg = X.iloc[[1, 100, 120]], X.iloc[::25]
    groups = [[0, 1], [2], [3, 4]]  # column 5 belongs to no player
    for kw in ({"estimator": "exact"}, {"estimator": "permutation", "n_samples": 6}):
        fast = explain(
            model,
            rows,
            background=bg,
            players=groups,
            seed=seed,
            memory_budget=budget,
            **kw,
        )
        plain = explain(
            model.predict_proba,
            rows.to_numpy(),
            background=bg.to_numpy(),
            players=groups,
            seed=seed,
            memory_budget=budget,
            **kw,
        )
        assert fast.config["model_kind"] == "sklearn-torch"
        np.testing.assert_allclose(fast.transitions, plain.transitions, atol=1e-12)
        assert fast.n_model_rows == plain.n_model_rows


def test_sklearn_without_torch_translation(iris) -> None:
    X, y, _ = iris
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    res = explain(forest, X.iloc[[0]], background=X.iloc[::50], estimator="exact")
    assert res.config["model_kind"] == "sklearn"
    np.testing.assert_allclose(
        res.probabilities, forest.predict_proba(X.iloc[[0]]), atol=1e-12
    )


def test_player_groups_move_columns_together(iris) -> None:
    X, _, model = iris
    Xd = X.copy()
    Xd.insert(1, "dup", X.iloc[:, 0])  # duplicate column, grouped with its twin
    cols = list(X.columns)

    def f_dup(A: np.ndarray) -> np.ndarray:
        return model.predict_proba(pd.DataFrame(A[:, [0, 2, 3, 4]], columns=cols))

    groups = {"sepal": [cols[0], "dup"], "b": [cols[1]], "c": [2 + 1], "d": [4]}
    grouped = explain(f_dup, Xd.iloc[[3]], background=Xd.iloc[::20], players=groups)
    plain = explain(model.predict_proba, X.iloc[[3]], background=X.iloc[::20])
    assert grouped.features == ("sepal", "b", "c", "d")
    np.testing.assert_allclose(grouped.transitions, plain.transitions, atol=1e-14)
    with pytest.raises(ConfigError, match="share"):
        explain(f_dup, Xd.iloc[[3]], background=Xd, players=[[0, 1], [1, 2]])


def test_class_reduction_merges_into_other(wine6) -> None:
    X, _, model = wine6
    rows, bg = X.iloc[[0]], X.iloc[::15]
    res = explain(model, rows, background=bg, top_k=1)
    keep = int(np.argmax(model.predict_proba(rows)[0]))

    def merged(A: np.ndarray) -> np.ndarray:
        P = model.predict_proba(pd.DataFrame(A, columns=X.columns))
        return np.stack([P[:, keep], 1 - P[:, keep]], 1)

    ref = explain(merged, rows, background=bg)
    assert res.classes == (str(keep), "other")
    np.testing.assert_allclose(res.transitions, ref.transitions, atol=1e-12)


def test_random_order_operator_in_explain(iris) -> None:
    X, _, model = iris
    order = RandomOrder(orderings=((3, 2, 1, 0),))
    res = explain(model, X.iloc[[0]], background=X.iloc[::30], operator=order)
    assert res.estimator == "exact" and res.operator == "random_order"
    sampler = RandomOrder(sampler=lambda rng, n, m: np.tile(np.arange(m)[::-1], (n, 1)))
    samp = explain(
        model, X.iloc[[0]], background=X.iloc[::30], operator=sampler, n_samples=3
    )
    np.testing.assert_allclose(samp.transitions, res.transitions, atol=1e-14)


def test_table_game_matches_explain(seed) -> None:
    rng = np.random.default_rng(seed)
    table = rng.dirichlet(np.ones(3), 8)

    def model(A: np.ndarray) -> np.ndarray:
        codes = (A[:, 0] > 0.5) * 1 + (A[:, 1] > 0.5) * 2 + (A[:, 2] > 0.5) * 4
        return table[codes.astype(int)]

    res = explain(model, np.ones((1, 3)), removal="zeros", operator=banzhaf())
    np.testing.assert_allclose(
        res.transitions[0], values_from_table(table, banzhaf()), atol=1e-14
    )


def test_bad_inputs_raise_clear_errors(iris) -> None:
    X, _, model = iris
    with pytest.raises(ConfigError, match="operator"):
        explain(model, X.iloc[:2], operator="owen")
    with pytest.raises(UnsupportedError, match="coalition"):
        explain(model, X.iloc[:2], operator="banzhaf", estimator="permutation")
    with pytest.raises(DataError, match="sum to one"):
        explain(lambda A: A[:, :3], X.iloc[:2].to_numpy())
    with pytest.raises(DataError, match="background"):
        explain(model, X.iloc[:1])
    with pytest.raises(ConfigError, match="n_samples"):
        explain(model, X.iloc[:2], estimator="permutation", n_samples=0)


def test_background_errors_name_background_not_x(iris) -> None:
    X, _, model = iris
    rows = X.iloc[:2]
    holed = X.iloc[:20].to_numpy().copy()
    holed[3, 1] = np.nan
    with pytest.raises(DataError) as info:
        explain(model, rows, background=holed)
    message = str(info.value)
    assert "'background' has 1 missing or infinite value(s)" in message
    assert "row 3, column 1" in message and "'X'" not in message
    with pytest.raises(
        DataError, match=r"'background' must be 2-D .* got shape \(4,\)"
    ):
        explain(model, rows, background=X.iloc[0].to_numpy())
    with pytest.raises(DataError, match="'background' needs at least 1 rows"):
        explain(model, rows, background=np.empty((0, 4)))
    with pytest.raises(DataError, match="fit: 'background' has 1 missing"):
        DistributionalExplainer(model).fit(holed)


def test_columns_other_than_the_models_are_refused(iris) -> None:
    # the model gets plain arrays, so scikit-learn's name check never runs: a
    # reordered or renamed table used to be explained with the wrong coefficients
    X, _, model = iris
    shuffled = X[X.columns[::-1]]
    with pytest.raises(DataError, match="another order"):
        explain(model, shuffled.iloc[:2], background=shuffled)
    with pytest.raises(DataError, match="another order"):
        explain(model, shuffled.iloc[:2], background=shuffled, executor="serial")
    renamed = X.rename(columns={X.columns[0]: "sepal"})
    with pytest.raises(DataError) as info:
        explain(model, renamed.iloc[:2], background=renamed)
    assert str(info.value) == (
        "explain: the table lacks column(s) ['sepal length (cm)'] that the model "
        "was fitted on, and has column(s) ['sepal'] that the model was not fitted "
        f"on; the model takes {list(X.columns)}. Explain a table with those "
        "columns, e.g. X[model.feature_names_in_] of a table that has them."
    )
    # arrays carry no names: nothing to compare
    explain(model, X.iloc[:2].to_numpy(), background=X.to_numpy()[:20], seed=0)


def test_extra_columns_are_named_and_the_models_columns_selected(iris) -> None:
    # the full table with a text column gave scikit-learn's "Feature names
    # unseen at fit time" and advice to one-hot encode the text column
    X, _, model = iris
    rng = np.random.default_rng(0)
    table = X.assign(region=rng.choice(["north", "south"], len(X)), plot=1.0)
    for extra, names in (
        (table, "['region', 'plot']"),
        (table[[*X, "plot"]], "['plot']"),
    ):
        with pytest.raises(DataError) as info:
            explain(model, extra.iloc[:2], background=extra)
        assert str(info.value) == (
            f"explain: the table has column(s) {names} that the model was not "
            f"fitted on; the model takes {list(X.columns)}. Select the model's "
            "columns, e.g. X[model.feature_names_in_]."
        )
    # the advice works, with the full table as the background
    chosen = table[model.feature_names_in_]
    r = explain(model, chosen.iloc[:2], background=table, seed=0, n_samples=4)
    assert r.features == tuple(X.columns)


def test_stop_request_returns_partial_result(iris) -> None:
    X, _, model = iris
    events = []

    def stop_at_once(event) -> object:
        events.append(event)
        return STOP if event.stage == "permutation" else None

    with pytest.warns(StoppedWarning) as caught:
        res = explain(
            model,
            X.iloc[:5],
            background=X.iloc[::30],
            estimator="permutation",
            n_samples=4,
            memory_budget=2**14,
            progress=stop_at_once,
            seed=0,
        )
    assert res.stopped and 1 <= res.n_rows < 5
    said = f"explain: stopped on request after {res.n_rows} row(s)"
    assert [str(w.message)[: len(said)] for w in caught] == [said]
    assert events[0].stage == "start" and events[-1].stage == "done"
    # the last event counts the rows explained out of the 5 asked for (it said
    # n_rows of n_rows, a complete run, next to "Stopped early")
    assert (events[-1].step, events[-1].total) == (res.n_rows, 5)


@pytest.mark.parametrize("estimator", ["exact", "permutation", "coalition"])
def test_progress_has_a_total_that_is_reached(iris, estimator) -> None:
    X, _, model = iris
    events = []
    explain(
        model,
        X.iloc[:7],
        background=X.iloc[::30],
        estimator=estimator,
        n_samples=None if estimator == "exact" else 6,  # exact refuses a count
        memory_budget=5000,  # several blocks of rows (and of samples)
        progress=events.append,
        seed=0,
    )
    work = [e for e in events if e.stage == estimator]
    assert len(work) > 2
    # every stage counts rows, as the done event does: the sampled stages
    # counted blocks of rows x samples (step 1..5 of 5, then done 7 of 7)
    assert all(e.total == 7 and e.metrics["rows"] == e.step for e in work)
    assert (events[-1].stage, events[-1].step, events[-1].total) == ("done", 7, 7)
    steps = [e.step for e in work]
    assert steps == sorted(steps) and steps[-1] == 7
    if estimator != "exact":  # a block of samples of unfinished rows moves on
        shares = [e.fraction for e in work]
        assert shares == sorted(set(shares)) and shares[-1] == 1.0


def test_memory_budget_does_not_change_results(iris) -> None:
    X, _, model = iris
    kw = dict(background=X.iloc[::10], estimator="exact")
    small = explain(model, X.iloc[:6], memory_budget=2**15, **kw)
    large = explain(model, X.iloc[:6], **kw)
    np.testing.assert_allclose(small.transitions, large.transitions, atol=1e-14)


def test_global_ranking_and_contrast(iris) -> None:
    X, _, model = iris
    res = explain(model, X.iloc[::30], background=X.iloc[::10])
    ranking = res.global_ranking()
    assert list(ranking["p_change"]) == sorted(ranking["p_change"], reverse=True)
    assert {"into 0", "into 1", "into 2"} <= set(ranking.columns)
    # rows by label: X.iloc[::30] keeps the labels 0, 30, 60, ...
    assert res.rows.tolist() == [0, 30, 60, 90, 120]
    contrast = res.contrast(60, "1", "2")
    q = res.transitions[2]
    top = contrast.iloc[0]
    j = res.features.index(top["player"])
    assert top["probability"] == pytest.approx(q[:, 2, 1].max())
    assert top["probability"] == pytest.approx(q[j, 2, 1])


def test_permutation_sampling_follows_the_weights_not_the_name(iris) -> None:
    from engine.values import beta_shapley, semivalue

    X, _, model = iris
    kw = dict(background=X.iloc[::30], estimator="permutation", n_samples=4, seed=0)
    # Beta(1, 1)-Shapley is the Shapley value: orderings estimate it
    res = explain(model, X.iloc[[0]], operator=beta_shapley(1.0, 1.0), **kw)
    ref = explain(model, X.iloc[[0]], **kw)
    np.testing.assert_allclose(res.transitions, ref.transitions, atol=1e-14)
    # Banzhaf weights called "shapley" are still Banzhaf: refused
    fake = semivalue([1 / 8] * 4, name="shapley")
    with pytest.raises(UnsupportedError, match="coalition"):
        explain(model, X.iloc[[0]], operator=fake, **kw)
    auto = explain(model, X.iloc[[0]], operator=fake, background=X.iloc[::30])
    assert auto.estimator == "exact"


def test_removal_rules_are_single_baseline_rows(iris) -> None:
    X, _, model = iris
    rows, bg = X.iloc[[5, 77]], X.iloc[::7]
    kw = dict(estimator="exact")
    for removal, base in (
        ("mean", bg.mean().to_numpy()),
        ("median", bg.median().to_numpy()),
        ("zeros", np.zeros(4)),
    ):
        res = explain(model, rows, background=bg, removal=removal, **kw)
        ref = explain(model, rows, background=base[None, :], **kw)
        given = explain(model, rows, removal=base, **kw)
        assert res.config["removal"] == removal and res.config["n_background"] == 1
        np.testing.assert_allclose(res.transitions, ref.transitions, atol=1e-14)
        np.testing.assert_allclose(given.transitions, ref.transitions, atol=1e-14)
    averaged = explain(model, rows, background=bg, **kw)
    assert averaged.config["removal"] == "background"
    assert averaged.config["n_background"] == len(bg)
    assert np.abs(averaged.transitions - res.transitions).max() > 1e-3


def test_float32_torch_module_and_its_logits(iris) -> None:
    X = iris[0]
    rows, bg = X.iloc[[0, 50, 100]], X.iloc[::30]
    net = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)
    )
    net.train()  # explain evaluates in eval mode and restores the mode

    def probabilities(A: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            logits = net(torch.as_tensor(A, dtype=torch.float32)).double()
        return torch.softmax(logits, 1).numpy()

    res = explain(net, rows, background=bg, estimator="exact")
    ref = explain(probabilities, rows, background=bg, estimator="exact")
    assert res.config["model_kind"] == "torch" and net.training
    np.testing.assert_allclose(res.transitions, ref.transitions, atol=1e-12)


def test_torch_module_ending_in_softmax_is_not_softmaxed_again(iris, caplog) -> None:
    X = iris[0].to_numpy()
    torch.manual_seed(0)
    lin = torch.nn.Linear(4, 3)
    with torch.no_grad():
        lin.weight.mul_(5)
    soft = torch.nn.Sequential(lin, torch.nn.Softmax(dim=1))
    with torch.no_grad():
        expected = soft(torch.tensor(X[:1], dtype=torch.float32)).double().numpy()
    with caplog.at_level("WARNING", logger="engine.values.models"):
        res = explain(soft, X[:1], background=X, seed=0, estimator="exact")
        explain(soft, X[:1], background=X, seed=0, estimator="exact")
    assert res.config["model_kind"] == "torch-probabilities"
    np.testing.assert_allclose(res.probabilities, expected, atol=1e-6)
    # announced once per module, not once per call
    taken = [r for r in caplog.records if "taken as class probabilities" in r.message]
    assert len(taken) == 1
    # the same layer without the softmax returns logits: softmax applied as before
    logits = explain(lin, X[:1], background=X, seed=0, estimator="exact")
    assert logits.config["model_kind"] == "torch"
    np.testing.assert_allclose(logits.probabilities, expected, atol=1e-6)


def test_model_outputs_are_checked_on_the_background_coalitions() -> None:
    X = np.random.default_rng(0).normal(size=(50, 3))
    X = X[np.argsort(X[:, 0])]

    def scaled(A: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-A[:, 0]))
        return np.stack([1.5 * p, 1 - 1.5 * p], axis=1)  # negative when p > 2/3

    assert scaled(X[:1]).min() >= 0  # the explained row alone passes
    with pytest.raises(DataError, match=r"negative .* background values .* -0\.\d"):
        explain(scaled, X[:1], background=X, seed=0)

    def rescaled(A: np.ndarray) -> np.ndarray:  # sums to 1.2 on the background
        p = 1 / (1 + np.exp(-A[:, 0]))
        return np.stack([1 - p, p], axis=1) * (1 + 0.2 * (A[:, 0] > X[0, 0]))[:, None]

    with pytest.raises(DataError, match=r"do not sum to one per row on rows that"):
        explain(rescaled, X[:1], background=X, seed=0)


@pytest.fixture(scope="module")
def iris_unnamed(iris):
    """The iris table with integer column names, and a model fitted on it."""
    X, y, _ = iris
    Xi = X.copy()
    Xi.columns = range(X.shape[1])
    return Xi, LogisticRegression(max_iter=500).fit(Xi, y)


def test_integer_column_names_are_matched_as_text(iris_unnamed) -> None:
    Xi, model = iris_unnamed
    res = explain(model, Xi.iloc[:2], background=Xi, seed=0)
    ref = explain(model, Xi.iloc[:2].to_numpy(), background=Xi.to_numpy(), seed=0)
    assert res.features == ("0", "1", "2", "3") == res.columns
    np.testing.assert_array_equal(res.transitions, ref.transitions)
    # the background's columns are looked up by name, not by position
    shuffled = Xi[[3, 1, 0, 2]]
    res2 = explain(model, Xi.iloc[:2], background=shuffled, seed=0)
    np.testing.assert_array_equal(res2.transitions, res.transitions)


def test_unnamed_x_takes_the_background_frames_names(iris_unnamed, iris) -> None:
    model = iris_unnamed[1]  # no feature_names_in_: names of the background
    X = iris[0]
    rows = X.to_numpy(copy=True)[:2]
    ref = explain(model, X.iloc[:2], background=X, seed=0)
    for given in (rows, torch.as_tensor(rows), rows.tolist()):
        res = explain(model, given, background=X, seed=0)
        assert res.features == tuple(X.columns)
        np.testing.assert_array_equal(res.transitions, ref.transitions)
    with pytest.raises(DataError, match=r"X has 4 unnamed columns .* has 3"):
        explain(model, rows, background=X.iloc[:, :3], seed=0)


def test_unnamed_x_takes_the_models_feature_names(iris) -> None:
    X, _, model = iris  # fitted on the DataFrame: feature_names_in_
    rows = X.to_numpy(copy=True)[:2]
    ref = explain(model, X.iloc[:2], background=X, seed=0)
    for bg in (X, X.to_numpy(), X[X.columns[::-1]]):
        res = explain(model, rows, background=bg, seed=0)
        assert res.features == tuple(X.columns)
        np.testing.assert_array_equal(res.transitions, ref.transitions)
    renamed = X.rename(columns=lambda c: c.upper())
    with pytest.raises(DataError, match="background lacks column"):
        explain(model, rows, background=renamed, seed=0)


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        ([10], r"one label per explained row \(2\); got 1 label"),
        ([1, 2, 3], r"one label per explained row \(2\); got 3 label"),
        (7, r"one label per explained row \(2\); got 7"),
        (["a", "b"], r"'row_labels' must be integers.*\['a', 'b'\]"),
        ([0.5, 1.5], r"'row_labels' must be integers"),
    ],
)
def test_row_labels_must_be_one_integer_per_row(iris, labels, match) -> None:
    X, _, model = iris
    for kw in ({}, {"executor": "serial"}):
        with pytest.raises(ConfigError, match=match):
            explain(model, X.iloc[:2], background=X, row_labels=labels, **kw)
    res = explain(model, X.iloc[:2], background=X, row_labels=np.array([7, 3]))
    assert res.rows.tolist() == [7, 3] and set(res.to_frame()["row"]) == {3, 7}


@pytest.mark.parametrize("value", [0, -3, 2.5, True, None, "10"])
def test_max_background_must_be_a_positive_integer(iris, value) -> None:
    X, _, model = iris
    with pytest.raises(ConfigError, match=r"'max_background' must be a positive"):
        explain(model, X.iloc[:2], background=X, max_background=value)
    res = explain(model, X.iloc[:2], background=X, max_background=np.int64(5))
    assert res.config["n_background"] == 5


def test_subsampled_background_is_said_in_notes_and_the_log(iris, caplog) -> None:
    X, _, model = iris  # 150 rows, above max_background=100
    with caplog.at_level("INFO", logger="engine.values.explainer"):
        res = explain(model, X.iloc[:2], background=X, seed=3)
    assert res.config["n_background"] == 100
    (note,) = res.notes
    assert "150 rows" in note and "random 100" in note and "seed 3" in note
    assert "max_background=150" in note
    assert any(note in r.getMessage() for r in caplog.records)
    assert type(res).from_json(res.to_json()).notes == res.notes
    chunked = explain(model, X.iloc[:2], background=X, seed=3, executor="serial")
    assert chunked.notes == res.notes
    # all rows used, or no background rows at all: nothing to say
    for kw in ({"max_background": 150}, {"removal": "mean"}):
        assert explain(model, X.iloc[:2], background=X, seed=3, **kw).notes == ()


def test_bad_player_groups_and_class_names_are_named(iris) -> None:
    X, _, model = iris
    rows = X.iloc[:1]
    with pytest.raises(
        ConfigError,
        match=r"player 'group \[9\]': unknown column 9: it is neither a column "
        r"name nor a position in 0\.\.3",
    ):
        explain(model, rows, background=X, players=[[9]])
    with pytest.raises(ConfigError, match="'players' is empty"):
        explain(model, rows, background=X, players=[])
    with pytest.raises(ConfigError, match=r"'class_names' repeats \['a'\]"):
        explain(model, rows, background=X, class_names=["a", "a", "b"])
    grouped = explain(model, rows, background=X, players=[[0, 1], [2, 3]], seed=0)
    assert grouped.features == (
        f"{X.columns[0]}+{X.columns[1]}",
        f"{X.columns[2]}+{X.columns[3]}",
    )


@pytest.mark.parametrize(
    ("executor", "stages"), [(None, ["start", "done"]), ("serial", ["jobs"])]
)
def test_a_stop_at_the_first_event_explains_no_row_and_warns(
    iris, executor, stages
) -> None:
    # without an executor a True from the "start" event was ignored: every row
    # ran and the result said stopped=False; with one the run stopped
    X, _, model = iris
    seen = []

    def stop(event) -> object:
        seen.append(event.stage)
        return STOP

    def run():
        return explain(
            model,
            X.iloc[:20],
            background=X.iloc[::10],
            estimator="permutation",
            n_samples=20,
            seed=0,
            progress=stop,
            executor=executor,
            # chunk_rows acts only with an executor (refused as inert without)
            **({"chunk_rows": 5} if executor else {}),
        )

    with pytest.warns(StoppedWarning) as caught:
        r = run()
    assert seen == stages
    assert r.stopped and r.n_rows == 0 and r.transitions.shape == (0, 4, 3, 3)
    assert r.probabilities.shape == (0, 3) and r.rows.tolist() == []
    assert [str(w.message) for w in caught] == [
        "explain: stopped on request after 0 row(s)."
    ]
    assert (caught[0].filename, caught[0].lineno) == (
        __file__,
        run.__code__.co_firstlineno + 1,
    )


def test_a_result_without_rows_ranks_no_player_and_warns_nothing(iris) -> None:
    # global_ranking() of a run stopped before its first row gave one all-NaN
    # line per player, with numpy's "Mean of empty slice" RuntimeWarnings
    X, _, model = iris
    with pytest.warns(StoppedWarning):
        r = explain(
            model, X.iloc[:5], background=X.iloc[::10], seed=0, progress=lambda e: STOP
        )
    assert r.n_rows == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ranking = r.global_ranking()
    assert ranking.empty
    full = explain(model, X.iloc[:1], background=X.iloc[::10], seed=0)
    assert list(ranking.columns) == list(full.global_ranking().columns)
    assert ranking.dtypes.equals(full.global_ranking().dtypes)


def test_a_stop_during_the_last_block_is_not_a_stopped_result(iris) -> None:
    X, _, model = iris

    def stop_once_running(event) -> object:
        return STOP if event.stage != "start" else None

    for estimator, expected in (("permutation", 100), ("coalition", 100), ("exact", 0)):
        r = explain(
            model,
            X.iloc[:1],
            background=X,
            estimator=estimator,
            n_samples=expected or None,  # exact refuses a sample count
            seed=0,
            progress=stop_once_running,
        )
        # one block did all the work: nothing was cut short
        assert not r.stopped and r.n_samples.tolist() == [expected]


def test_exact_values_of_an_expensive_model_can_stop_after_one_row() -> None:
    # 13 players and 100 background rows: 819 200 model rows per explained row;
    # the rows fit one memory block, but a stop must not wait for all of them
    X, y = load_wine(return_X_y=True, as_frame=True)
    model = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    events = []

    def stop_after_first_row(event) -> object:
        events.append(event)
        return STOP if event.stage == "exact" else None

    r = explain(
        model,
        X.iloc[:6],
        background=X.iloc[::2].iloc[:100],
        estimator="exact",
        seed=0,
        progress=stop_after_first_row,
    )

    exact = [e for e in events if e.stage == "exact"]
    assert [(e.step, e.total) for e in exact] == [(1, 6)]
    assert r.stopped and r.n_rows == 1


@pytest.mark.parametrize(
    ("estimator", "operator"),
    [("permutation", "shapley"), ("coalition", "banzhaf")],
)
def test_one_row_with_a_large_budget_ticks_and_can_stop(estimator, operator) -> None:
    # 13 players, 40 background rows: 480 (permutation) or 1040 (coalition) model
    # rows per sample; 2000 samples of one row fit one memory block, yet progress
    # must tick within it and a stop must cut the samples short
    X, y = load_wine(return_X_y=True, as_frame=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(X, y)
    events = []

    def stop_at_first_block(event) -> object:
        events.append(event)
        return STOP if event.stage == estimator else None

    r = explain(
        model,
        X.iloc[:1],
        background=X.iloc[::4].iloc[:40],
        estimator=estimator,
        operator=operator,
        n_samples=2000,
        seed=0,
        progress=stop_at_first_block,
    )

    ticks = [e for e in events if e.stage == estimator]
    # the one row is not finished; the share of the work done says how far it is
    assert len(ticks) == 1 and (ticks[0].step, ticks[0].total) == (0, 1)
    assert 0 < ticks[0].fraction <= 0.25
    assert r.stopped and 0 < int(r.n_samples[0]) < 2000


def test_estimator_conflicts_are_named_for_every_caller() -> None:
    # one set of conditions, worded by explain() and by the command line
    from engine.values.explainer import estimator_conflict
    from engine.values.operators import resolve_operator

    shapley, banzhaf = resolve_operator("shapley"), resolve_operator("banzhaf")
    sampled = RandomOrder(sampler=lambda rng, n, m: np.tile(np.arange(m), (n, 1)))
    assert estimator_conflict(shapley, "exact", 21) == "too_many_players"
    assert estimator_conflict(shapley, "exact", 20) is None
    assert estimator_conflict(sampled, "exact", 4) == "sampler_only"
    assert estimator_conflict(banzhaf, "permutation", 4) == "not_by_orderings"
    assert estimator_conflict(sampled, "coalition", 4) == "not_a_semivalue"
    assert estimator_conflict(banzhaf, "coalition", 4) is None


def _stderr_notes(res: DistributionalValues) -> list[str]:
    return [n for n in res.notes if n.startswith("the standard errors rest on")]


def test_standard_errors_from_few_samples_are_said_to_be_unreliable(iris) -> None:
    X, _, model = iris
    kw = dict(background=X.iloc[::30], seed=0)
    few = explain(model, X.iloc[:2], estimator="permutation", n_samples=8, **kw)
    (note,) = _stderr_notes(few)
    assert "4 antithetic pairs of orderings per row" in note
    assert "unreliable" in note and "n_samples >= 20" in note
    assert type(few).from_json(few.to_json()).notes == few.notes
    chunked = explain(
        model, X.iloc[:2], estimator="permutation", n_samples=8, executor="serial", **kw
    )
    assert _stderr_notes(chunked) == [note]
    (coal,) = _stderr_notes(
        explain(model, X.iloc[:2], estimator="coalition", n_samples=9, **kw)
    )
    assert "9 coalitions per player" in coal and "n_samples >= 10" in coal
    # 10 pairs (the default 20 orderings), 10 coalitions, or exact: nothing to say
    for est, n in (("permutation", None), ("coalition", 10), ("exact", None)):
        res = explain(model, X.iloc[:2], estimator=est, n_samples=n, **kw)
        assert _stderr_notes(res) == []


def test_a_sample_count_with_the_exact_estimator_is_refused(iris) -> None:
    from engine.values.explainer import estimator_conflict
    from engine.values.operators import resolve_operator

    X, _, model = iris
    with pytest.raises(ConfigError, match=r"n_samples=10 .*estimator='exact'"):
        explain(model, X.iloc[:1], background=X, estimator="exact", n_samples=10)
    # auto choosing exact ignores it, as the command line notes
    res = explain(model, X.iloc[:1], background=X.iloc[::30], n_samples=10)
    assert res.estimator == "exact"
    shapley = resolve_operator("shapley")
    assert estimator_conflict(shapley, "exact", 4, n_samples=10) == "samples_unused"
    assert estimator_conflict(shapley, "exact", 4) is None


def test_a_model_returning_a_1d_array_is_refused_with_the_shape_expected() -> None:
    X = np.random.default_rng(0).normal(size=(3, 2))
    for out in (0.8, 1.7):
        with pytest.raises(DataError, match=r"1-D array of shape \(3,\).*\(n, K\)"):
            explain(lambda Z, o=out: np.full(len(Z), o), X, background=X)

    def wrapped(Z):  # the wrapping the message suggests
        p1 = np.full(len(Z), 0.8)
        return np.column_stack([1 - p1, p1])

    assert explain(wrapped, X, background=X).probabilities[0, 1] == pytest.approx(0.8)


@pytest.mark.parametrize("budget", [-1, 0, 2.5, float("nan"), "256MB", True, None])
def test_memory_budget_must_be_a_positive_whole_number_of_bytes(iris, budget):
    X, _, model = iris
    with pytest.raises(ConfigError) as info:
        explain(model, X.iloc[:1], background=X.iloc[:5], memory_budget=budget)
    assert str(info.value) == (
        "explain: 'memory_budget' must be a positive whole number of bytes (e.g. "
        f"2**28 for 256 MiB, the default); got {budget!r}."
    )


@pytest.mark.parametrize("budget", [2**20, np.int64(2**20), 1048576.0])
def test_memory_budget_is_recorded_as_an_int(iris, budget):
    X, _, model = iris
    res = explain(model, X.iloc[:1], background=X.iloc[:5], memory_budget=budget)
    assert res.config["memory_budget"] == 2**20
    assert type(res.config["memory_budget"]) is int


def test_pooled_classes_keep_the_models_own_prediction():
    # with 57 of 60 classes pooled, 'other' outweighed every kept class and was
    # reported as the predicted class; the model predicts its own argmax
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 8))
    y = np.array([f"c{i}" for i in rng.integers(0, 60, 600)])
    model = LogisticRegression(max_iter=300).fit(X, y)
    values = explain(model, X[:3], background=X[:100], seed=0, top_k=3, n_samples=4)
    assert values.classes[-1] == "other"
    assert (values.probabilities[:, -1] > values.probabilities[:, :-1].max(1)).all()
    shown = [values.classes[int(p)] for p in values.predicted]
    assert shown == model.predict(X[:3]).tolist()
    # a row whose class was pooled (top_k=1 keeps one class for three rows)
    one = explain(model, X[:3], background=X[:100], seed=0, top_k=1, n_samples=4)
    kept = one.classes[0]
    expected = [c if c == kept else "other" for c in model.predict(X[:3])]
    assert [one.classes[int(p)] for p in one.predicted] == expected
    assert "other" in expected
