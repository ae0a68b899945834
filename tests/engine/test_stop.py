"""Stopping a fit from its progress callback: ``True`` or ``engine.STOP`` does it.

../shared/DESIGN.md: returning True asks the fit to stop early. A progress bar's
``update`` returns True whenever it redraws (tqdm's does), so a fit given
``progress=lambda e: bar.update(1)`` stops; a WARNING on ``engine.progress`` says
why and what to write instead, and a callback that returns nothing runs to the end.
"""

from __future__ import annotations

import copy
import logging
import pickle
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import engine
from engine.dag import simulate_sem
from engine.errors import StoppedWarning
from engine.graphs import make_split
from engine.runtime import Reporter

# the short fits here are under-trained on purpose; only stops matter
pytestmark = pytest.mark.filterwarnings(
    "ignore::engine.errors.ConvergenceWarning", "ignore::engine.errors.DataWarning"
)


class RedrawingBar:
    """A stand-in for a tqdm bar: ``update`` returns True when it redraws.

    tqdm is no dependency of the project; its ``tqdm.update(n)`` answers True
    on each redraw (here: every call).
    """

    def __init__(self) -> None:
        self.n = 0

    def update(self, n: int = 1) -> bool:
        self.n += n
        return True


def _stop(event: engine.ProgressEvent) -> object:
    return engine.STOP


def _fit_without_warnings(fit):
    """Run ``fit()`` and fail on a :class:`StoppedWarning`."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", StoppedWarning)
        return fit()


@pytest.fixture(scope="module")
def sem_data() -> np.ndarray:
    return simulate_sem(5, 300, seed=0).X


@pytest.fixture(scope="module")
def iris_model():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True, as_frame=True)
    return X, LogisticRegression(max_iter=500).fit(X, y)


def _graph_task():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 8)
    X = rng.normal(size=(3, 6))[y] + rng.normal(size=(y.size, 6))
    same = y[:, None] == y[None, :]
    adj = np.triu(same & (rng.random((y.size, y.size)) < 0.4), 1)
    return X, y, adj | adj.T, make_split(y, 6, 6, seed=0)


GRAPH_FAST = dict(max_outer_iter=3, patience=3, inner_max_steps=20, n_samples=2)


def _learn_graph(progress):
    X, y, adj, split = _graph_task()
    return engine.learn_graph(
        X,
        y,
        split=split,
        graph=adj,
        seed=0,
        device="cpu",
        progress=progress,
        **GRAPH_FAST,
    )


def _explain(iris_model, progress):
    X, model = iris_model
    return engine.explain(
        model,
        X.iloc[:6],
        background=X.iloc[::15],
        estimator="permutation",
        n_samples=8,
        seed=0,
        progress=progress,
    )


DAG_FAST = {"permutahedron": {"max_iter": 8}, "dagdb": {"max_iter": 8}}


def _bar_callback(bar: RedrawingBar):
    """A callback whose body returns nothing, as the README advises for bars."""

    def on_event(event: engine.ProgressEvent) -> None:
        bar.update(1)

    return on_event


def _true(event: engine.ProgressEvent) -> bool:
    return True


@pytest.mark.parametrize("method", ["permutahedron", "dagdb"])
def test_a_bar_callback_returning_nothing_runs_learn_dag_to_the_end(sem_data, method):
    bar = RedrawingBar()
    result = _fit_without_warnings(
        lambda: engine.learn_dag(
            sem_data,
            method,
            seed=0,
            device="cpu",
            progress=_bar_callback(bar),
            **DAG_FAST[method],
        )
    )
    assert not result.stopped
    assert result.n_iter == 8
    assert bar.n > 1


@pytest.mark.parametrize("method", ["permutahedron", "dagdb"])
@pytest.mark.parametrize("answer", ["true", "stop"])
def test_returning_true_or_stop_stops_learn_dag_at_the_first_event(
    sem_data, method, answer
):
    progress = _true if answer == "true" else _stop
    with pytest.warns(StoppedWarning, match="stopped on request"):
        result = engine.learn_dag(
            sem_data,
            method,
            seed=0,
            device="cpu",
            progress=progress,
            **DAG_FAST[method],
        )
    assert result.stopped
    assert result.n_iter <= 1


def test_a_bars_own_true_stops_the_fit_and_the_log_says_why(sem_data, caplog):
    bar = RedrawingBar()
    with (
        caplog.at_level(logging.WARNING, logger="engine.progress"),
        pytest.warns(StoppedWarning),
    ):
        result = engine.learn_dag(
            sem_data,
            seed=0,
            device="cpu",
            max_iter=8,
            progress=lambda e: bar.update(1),
        )
    assert result.stopped
    notes = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(notes) == 1
    assert "returned True" in notes[0]
    assert "def on_event(e): bar.update(1)" in notes[0]


def test_stop_stops_without_the_progress_bar_note(sem_data, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="engine.progress"),
        pytest.warns(StoppedWarning),
    ):
        engine.learn_dag(sem_data, seed=0, device="cpu", max_iter=8, progress=_stop)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_bar_callback_returning_nothing_runs_explain_to_the_end(iris_model):
    bar = RedrawingBar()
    values = _fit_without_warnings(lambda: _explain(iris_model, _bar_callback(bar)))
    assert not values.stopped
    assert values.mean.shape[0] == 6
    assert bar.n > 1


@pytest.mark.parametrize("progress", [_true, _stop], ids=["true", "stop"])
def test_returning_true_or_stop_stops_explain_at_the_first_event(iris_model, progress):
    with pytest.warns(StoppedWarning):
        values = _explain(iris_model, progress)
    assert values.stopped
    assert values.mean.shape[0] == 0


def test_a_bar_callback_returning_nothing_runs_learn_graph_to_the_end():
    bar = RedrawingBar()
    result = _fit_without_warnings(lambda: _learn_graph(_bar_callback(bar)))
    assert not result.stopped
    assert result.n_outer_iter == GRAPH_FAST["max_outer_iter"]
    assert bar.n > 1


@pytest.mark.parametrize("progress", [_true, _stop], ids=["true", "stop"])
def test_returning_true_or_stop_stops_learn_graph_at_the_first_event(progress):
    with pytest.warns(StoppedWarning, match="after 1 outer iteration"):
        result = _learn_graph(progress)
    assert result.stopped


@pytest.mark.parametrize("answer", [1, "stop", None, False, np.bool_(False), [1]])
def test_the_reporter_ignores_answers_other_than_true_and_stop(answer):
    report = Reporter(lambda e: answer, task="dag.fit", total=3)
    assert report("train", 1) is False
    assert not report.stop_requested


@pytest.mark.parametrize("answer", [True, np.bool_(True), engine.STOP])
def test_the_reporter_stops_on_true_or_stop_and_remembers_it(answer):
    answers = iter([None, answer, None])
    report = Reporter(lambda e: next(answers), task="dag.fit", total=3)
    assert report("train", 1) is False
    assert report("train", 2) is True
    assert report("train", 3) is True
    assert report.stop_requested


def test_stop_is_one_public_object():
    assert "STOP" in engine.__all__
    assert repr(engine.STOP) == "engine.STOP"
    assert engine.STOP is engine.runtime.STOP
    # a copy or a round trip through pickle (a worker process) is the same object
    assert copy.deepcopy(engine.STOP) is engine.STOP
    assert pickle.loads(pickle.dumps(engine.STOP)) is engine.STOP
