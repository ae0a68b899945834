"""The estimator twins follow scikit-learn's contract alike (engine.estimator)."""

from __future__ import annotations

import pickle

import numpy as np
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
        "call fit(X, y, split=...) first",
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
    est = TWINS[name][0]()
    with pytest.raises(ConfigError) as info:
        est.set_params(lamda=1)
    valid = sorted(est.get_params())
    assert str(info.value) == (
        f"{name}.set_params: unknown parameter(s) ['lamda']; valid parameters are "
        f"{valid}."
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
