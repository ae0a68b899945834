"""The estimator twins follow scikit-learn's contract alike (engine.estimator)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SkNotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils import estimator_html_repr
from sklearn.utils.validation import check_is_fitted

from engine import DagLearner, DistributionalExplainer, GraphStructureLearner
from engine.errors import ConfigError, NotFittedError

RNG = np.random.default_rng(0)
X = RNG.normal(size=(50, 3))
Y = (X[:, 0] > 0).astype(int)
MODEL = LogisticRegression().fit(X, Y)
SPLIT = {
    "train": np.arange(50) < 10,
    "val": (np.arange(50) >= 10) & (np.arange(50) < 20),
}


def _explainer():
    return DistributionalExplainer(MODEL, estimator="exact", seed=0)


def _graph_learner():
    return GraphStructureLearner({"max_outer_iter": 1, "tau": 1}, seed=0)


def _dag_learner():
    return DagLearner(seed=0, max_iter=2)


TWINS = {
    "DistributionalExplainer": (
        _explainer,
        lambda est: est.fit(X[:10]),
        "DistributionalExplainer(estimator='exact', model=LogisticRegression(), "
        "seed=0)",
        "call fit(background), then explain(X)",
    ),
    "GraphStructureLearner": (
        _graph_learner,
        lambda est: est.fit(X, Y, split=SPLIT),
        "GraphStructureLearner(config={'max_outer_iter': 1, 'tau': 1}, seed=0)",
        "call fit(X, y) first",
    ),
    "DagLearner": (
        _dag_learner,
        lambda est: est.fit(X),
        "DagLearner(max_iter=2, seed=0)",
        "call fit(X) first",
    ),
}


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.filterwarnings("ignore:learn_dag. method 'permutahedron' ran all")
@pytest.mark.parametrize("name", list(TWINS))
def test_each_twin_is_a_scikit_learn_estimator(name):
    # GraphStructureLearner and DistributionalExplainer showed "<engine... object
    # at 0x7f...>", had no HTML view, and check_is_fitted failed with sklearn's
    # "... __sklearn_tags__ ... inherit from BaseEstimator"
    make, fit, shown, todo = TWINS[name]
    est = make()
    assert repr(est) == shown
    assert name in estimator_html_repr(est) and est._repr_html_()
    with pytest.raises(SkNotFittedError):
        check_is_fitted(est)
    assert not hasattr(est, "result_")
    with pytest.raises(NotFittedError) as info:
        _ = est.result_
    assert str(info.value) == f"{name}: 'result_' is not set yet; {todo}."
    twin = clone(est)
    assert twin is not est and repr(twin) == shown
    assert repr(pickle.loads(pickle.dumps(est))) == shown
    assert fit(est) is est
    check_is_fitted(est)
    assert repr(clone(est)) == shown
    with pytest.raises(SkNotFittedError):
        check_is_fitted(clone(est))  # clone copies parameters only
    check_is_fitted(pickle.loads(pickle.dumps(est)))


@pytest.mark.parametrize("name", ["DistributionalExplainer", "GraphStructureLearner"])
def test_a_misspelt_parameter_is_a_config_error_listing_the_valid_ones(name):
    # GraphStructureLearner raised a plain ValueError without the valid names
    from engine.graphs import LdsConfig

    est = TWINS[name][0]()
    with pytest.raises(ConfigError) as info:
        est.set_params(lamda=1)
    valid = sorted(est.get_params())
    if name == "DistributionalExplainer":
        assert str(info.value) == (
            f"{name}.set_params: unknown parameter(s) ['lamda']; valid parameters "
            f"are {valid}."
        )
    else:  # its options are LdsConfig's fields, as learn_graph's
        options = sorted(LdsConfig().to_dict())
        assert str(info.value) == (
            f"{name}.set_params: unknown option(s) ['lamda']; valid options are "
            f"{options}, and the parameters {valid}."
        )
    assert est.set_params(seed=3) is est and est.get_params()["seed"] == 3


def test_a_property_read_before_fit_names_itself_and_what_to_do():
    with pytest.raises(NotFittedError, match="'predictions_' is not set yet; call fit"):
        _ = GraphStructureLearner().predictions_
    with pytest.raises(NotFittedError, match="'adjacency_' is not set yet; call fit"):
        _ = DagLearner().adjacency_
    with pytest.raises(NotFittedError, match="'background_' is not set yet; call fit"):
        _ = _explainer().background_
    with pytest.raises(AttributeError, match="has no attribute 'foo'") as info:
        _ = DagLearner().foo
    assert not isinstance(info.value, NotFittedError)


def test_a_cloned_explainer_explains_the_same_fitted_model():
    # sklearn's clone made an unfitted copy of a scikit-learn model, so the
    # clone of an explainer could not explain anything
    est = _explainer().fit(X[:10])
    twin = clone(est)
    assert twin.model is MODEL
    np.testing.assert_array_equal(
        twin.fit(X[:10]).explain(X[:2]).mean, est.explain(X[:2]).mean
    )


def test_the_graph_learner_takes_a_dict_config_as_learn_graph_takes_options():
    # GraphStructureLearner({"max_outer_iter": 1}).fit(...) failed with
    # "'dict' object has no attribute 'dtype'"
    est = _graph_learner().fit(X, Y, split=SPLIT)
    assert est.result_.n_outer_iter == 1 and est.result_.config["tau"] == 1
    with pytest.raises(ConfigError, match=r"unknown option\(s\) \['tua'\]; valid"):
        GraphStructureLearner({"tua": 1}).fit(X, Y, split=SPLIT)
    with pytest.raises(ConfigError) as info:
        GraphStructureLearner(3).fit(X, Y, split=SPLIT)
    assert str(info.value) == (
        "GraphStructureLearner: 'config' must be an LdsConfig, a dict of its "
        "fields or None; got int."
    )


# --- scikit-learn's conventions, checked by its own estimator checks ---

FRAME = pd.DataFrame(X, columns=["dose", "age", "weight"])


def _keyword_graph_learner():
    return GraphStructureLearner(max_outer_iter=1, tau=1, seed=0)


def _proba(rows):
    """A classifier as a function: P(class 1) grows with the first column."""
    p = 1 / (1 + np.exp(-np.asarray(rows, dtype=float)[:, 0]))
    return np.column_stack([1 - p, p])


def _function_explainer():
    # check_estimators_overwrite_params compares joblib hashes of a deep copy:
    # a fitted LogisticRegression's copy hashes otherwise (its coef_), unchanged
    return DistributionalExplainer(_proba, estimator="exact", seed=0)


SKLEARN_MADE = {
    "DistributionalExplainer": _function_explainer,
    "GraphStructureLearner": _keyword_graph_learner,
    "DagLearner": _dag_learner,
}
SKLEARN_CHECKS = [
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_parameters_default_constructible",
    "check_set_params",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_estimators_overwrite_params",
    "check_dont_overwrite_parameters",
    "check_n_features_in",
    "check_fit_check_is_fitted",
]


@pytest.mark.filterwarnings("ignore::UserWarning")  # few rows, short fits
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("check", SKLEARN_CHECKS)
@pytest.mark.parametrize("name", list(SKLEARN_MADE))
def test_each_twin_passes_scikit_learns_estimator_checks(name, check):
    # DagLearner stored its options in an attribute 'options' that is no
    # parameter (check_no_attributes_set_in_init failed); no twin set
    # n_features_in_; DistributionalExplainer.fit(X, y) and
    # GraphStructureLearner.fit(X, y) without split= were TypeErrors
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)(name, SKLEARN_MADE[name]())


def test_the_explainer_passes_the_check_that_set_params_takes_any_value():
    # the learners are left out: this check passes their '**options' as an
    # option named "options", which set_params refuses as scikit-learn refuses
    # a name that is no parameter
    from sklearn.utils.estimator_checks import (
        check_do_not_raise_errors_in_init_or_set_params as check,
    )

    check("DistributionalExplainer", _function_explainer())
    DagLearner().set_params(method=-1, seed="x")  # values are checked by fit


@pytest.mark.filterwarnings("ignore:learn_dag. method 'permutahedron' ran all")
@pytest.mark.parametrize("name", list(SKLEARN_MADE))
def test_fit_takes_x_and_y_and_records_the_input_features(name):
    est = SKLEARN_MADE[name]()
    assert est.fit(FRAME, Y) is est
    assert est.n_features_in_ == 3
    assert est.feature_names_in_.tolist() == ["dose", "age", "weight"]
    assert est.feature_names_in_.dtype == object
    est.fit(X, Y)  # an array has no names: the earlier ones go
    assert est.n_features_in_ == 3 and not hasattr(est, "feature_names_in_")
    assert "feature_names_in_" not in vars(clone(est))


def test_options_are_keywords_of_both_learners_as_well_as_a_config():
    # GraphStructureLearner took its options only as a config dict while
    # DagLearner takes keywords; both spellings work now, keywords winning
    est = GraphStructureLearner({"max_outer_iter": 1, "tau": 3}, seed=0, tau=1)
    assert est.get_params()["tau"] == 1 and est.tau == 1
    assert est.fit(X, Y, split=SPLIT).result_.config["tau"] == 1
    assert est.result_.n_outer_iter == 1
    assert _keyword_graph_learner().fit(X, Y, split=SPLIT).result_ == est.result_
    assert est.set_params(tau=2) is est and est.get_params()["tau"] == 2
    with pytest.raises(ConfigError, match=r"unknown option\(s\) \['taw'\]; valid"):
        est.set_params(taw=2)
    with pytest.raises(ConfigError, match=r"unknown option\(s\) \['taw'\]; valid"):
        GraphStructureLearner(taw=2).fit(X, Y, split=SPLIT)
    assert est.get_params()["tau"] == 2  # nothing changed by the refusal
    dag = DagLearner(seed=0, max_iter=2)
    assert dag.max_iter == 2 and "options" not in vars(dag)
    assert dag.set_params(max_iter=3).get_params()["max_iter"] == 3


def test_progress_is_a_parameter_of_each_twin_and_still_a_fit_argument():
    # progress was a constructor parameter of DagLearner only: a fit argument
    # of GraphStructureLearner and an explain() argument of the explainer
    seen = {name: [] for name in SKLEARN_MADE}
    for name, make in SKLEARN_MADE.items():
        est = make().set_params(progress=seen[name].append)
        assert est.get_params()["progress"] == seen[name].append
    with pytest.warns(UserWarning):
        DagLearner(seed=0, max_iter=2, progress=seen["DagLearner"].append).fit(X)
    _keyword_graph_learner().set_params(
        progress=seen["GraphStructureLearner"].append
    ).fit(X, Y, split=SPLIT)
    DistributionalExplainer(
        MODEL, estimator="exact", progress=seen["DistributionalExplainer"].append
    ).fit(X[:10]).explain(X[:2])
    tasks = {name: {e.task for e in events} for name, events in seen.items()}
    assert tasks == {
        "DagLearner": {"dag.fit"},
        "GraphStructureLearner": {"graphs.fit"},
        "DistributionalExplainer": {"values.explain"},
    }
    given = []  # the earlier spellings still work, for one call
    _keyword_graph_learner().fit(X, Y, split=SPLIT, progress=given.append)
    _explainer().fit(X[:10]).explain(X[:2], progress=given.append)
    assert {e.task for e in given} == {"graphs.fit", "values.explain"}


def test_the_explainer_takes_its_background_as_x_or_by_its_old_name():
    est, rows = _explainer(), X[:10]
    assert est.fit(rows).background_ is rows
    assert est.fit(background=rows).background_ is rows
    assert est.fit(FRAME.iloc[:10], Y[:10]).n_features_in_ == 3
    with pytest.raises(ConfigError) as info:
        est.fit(X[:10], background=X[:10])
    assert str(info.value) == (
        "DistributionalExplainer.fit: give the background rows once, as X or as "
        "background=; got both."
    )


def test_the_graph_learner_without_a_split_draws_the_graph_commands_default():
    # fit(X, y) needed split=; without one it now splits the labelled nodes as
    # the graph command does by default: 10 to train, 20 to validate, the rest
    # to test (fewer where the labels do not allow as many)
    from engine.commands.graph import N_TRAIN, N_VAL
    from engine.graphs import DEFAULT_SPLIT_SIZES, make_split

    assert DEFAULT_SPLIT_SIZES == (N_TRAIN, N_VAL)
    est = _keyword_graph_learner().fit(X, Y)
    split = make_split(Y, 10, 20, seed=est.result_.seed)
    twin = _keyword_graph_learner().fit(X, Y, split=split)
    assert est.result_ == twin.result_
    few = _keyword_graph_learner().fit(X[:12], Y[:12])  # 12 labels: 9 + 2 + 1
    assert np.bincount(few.result_.split).tolist() == [9, 1, 1, 1]
