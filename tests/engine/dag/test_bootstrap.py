"""Bootstrap edge frequencies, the consensus DAG, and executor agreement."""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import time
import warnings

import numpy as np
import pytest

from engine.dag import PriorKnowledge
from engine.dag.bootstrap import (
    BootstrapResult,
    _BootJob,
    _bootstrap_job,
    _summarise_warnings,
    bootstrap_dag,
    consensus_dag,
)
from engine.dag.fas import is_dag
from engine.errors import ConfigError, ConvergenceWarning, DataError, DataWarning
from engine.executor import ProcessExecutor, RayExecutor
from engine.runtime import STOP
from tests.processes import alive

FAST = {"max_iter": 60, "n_orderings": 4}
# refits of minutes each: a stop must not wait for them
ENDLESS = {"max_iter": 100_000, "patience": 100_000}


def _chain_data(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """x0 -> x1 -> x2 -> x3 with strong unit-variance links."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n, 4))
    X[:, 0] = rng.normal(size=n)
    for j in range(1, 4):
        X[:, j] = 1.5 * X[:, j - 1] + rng.normal(size=n)
    truth = np.zeros((4, 4), dtype=bool)
    truth[0, 1] = truth[1, 2] = truth[2, 3] = True
    return X, truth


def test_consensus_dag_keeps_frequent_edges_and_breaks_cycles():
    freq = np.array([[0, 0.9, 0.1], [0.3, 0, 0.8], [0.7, 0, 0]])
    cons = consensus_dag(freq, 0.5)
    assert is_dag(cons)
    # 0->1 beats 1->0; the cycle 0->1->2->0 loses its weakest edge, 2->0.
    assert cons.astype(int).tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert not consensus_dag(freq, 0.95).any()


def test_consensus_dag_keeps_required_edges():
    freq = np.array([[0, 0.9, 0.0], [0.0, 0, 0.9], [0.6, 0, 0]])
    required = np.zeros((3, 3), dtype=bool)
    required[2, 0] = True
    cons = consensus_dag(freq, 0.5, required=required)
    assert cons[2, 0] and is_dag(cons)


def test_consensus_dag_keeps_the_tier_order_across_refits():
    # x2 -> x1 (0.9) and x1 -> x0 (0.6) may each come from refits that kept the
    # order x0 before x2; together they make x2 an ancestor of x0.
    freq = np.array([[0, 0.0, 0], [0.6, 0, 0], [0, 0.9, 0]])
    names = ["x0", "x1", "x2"]
    prior = PriorKnowledge.from_edges(names, tiers={"x0": 0, "x2": 1})
    assert consensus_dag(freq, 0.5)[[1, 2], [0, 1]].all()

    cons = consensus_dag(freq, 0.5, precedence=prior.precedence())

    assert cons.astype(int).tolist() == [[0, 0, 0], [0, 0, 0], [0, 1, 0]]
    assert prior.violations(cons) == []


def test_bootstrap_keeps_the_prior_order_and_saves_it(seed):
    X, _ = _chain_data(seed, n=200)
    names = [f"x{j}" for j in range(4)]
    prior = PriorKnowledge.from_edges(names, tiers={"x0": 0, "x3": 1})
    res = bootstrap_dag(X, n_boot=3, seed=seed, prior=prior, **FAST)
    back = BootstrapResult.from_json(res.to_json())

    np.testing.assert_array_equal(back.precedence, prior.precedence())
    for threshold in (0.3, 0.5, 1.0):
        assert prior.violations(back.consensus_at(threshold)) == []


def test_bootstrap_frequencies_on_planted_chain(seed):
    X, truth = _chain_data(seed)
    res = bootstrap_dag(X, n_boot=6, seed=seed, **FAST)
    assert isinstance(res, BootstrapResult)
    assert res.n_done == 6 and not res.stopped
    adj_true = truth | truth.T
    # The skeleton is found in (nearly) every resample, absent pairs almost never.
    assert res.adjacency_frequency[adj_true].min() >= 0.8
    assert res.adjacency_frequency[~adj_true & ~np.eye(4, dtype=bool)].max() <= 0.2
    assert np.allclose(res.adjacency_frequency, res.adjacency_frequency.T)
    assert is_dag(res.consensus)
    frame = res.to_frame()
    assert list(frame.columns[:3]) == ["source", "target", "frequency"]
    assert frame["frequency"].is_monotonic_decreasing


def test_bootstrap_json_round_trip(seed):
    X, _ = _chain_data(seed, n=200)
    res = bootstrap_dag(X, n_boot=2, seed=seed, **FAST)
    back = BootstrapResult.from_json(res.to_json())
    np.testing.assert_array_equal(back.edge_frequency, res.edge_frequency)
    assert back.node_names == res.node_names and back.seed == res.seed


def test_bootstrap_stopped_returns_partial_result(seed):
    X, _ = _chain_data(seed, n=200)
    res = bootstrap_dag(
        X,
        n_boot=5,
        seed=seed,
        progress=lambda e: STOP if e.step >= 2 else None,
        **FAST,
    )
    assert res.stopped
    assert res.n_done == 2 and res.n_boot == 5
    assert set(np.unique(res.edge_frequency)) <= {0.0, 0.5, 1.0}


@pytest.mark.timeout(60)  # not the 600 s of the suite: it used to run for hours
@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_a_stop_request_ends_a_bootstrap_of_long_refits_at_once(executor, seed):
    X, _ = _chain_data(seed, n=200)
    if executor == "processes":
        ProcessExecutor(n_workers=2).start()  # the fork server's start-up, untimed
    before = {p.pid for p in mp.active_children()}
    workers: set[int] = set()
    asked: list[float] = []

    def progress(event):
        workers.update(p.pid for p in mp.active_children())
        if event.elapsed_s >= 1.5 and not asked:
            asked.append(time.monotonic())
        return STOP if asked else None

    res = bootstrap_dag(
        X,
        n_boot=6,
        seed=seed,
        executor=executor,
        n_workers=2 if executor == "processes" else None,  # serial has no workers
        progress=progress,
        **ENDLESS,
    )

    assert time.monotonic() - asked[0] < 3.0
    assert res.stopped and res.n_done == 0 and res.n_boot == 6
    assert not res.edge_frequency.any() and not res.consensus.any()
    workers -= before
    assert len(workers) == (2 if executor == "processes" else 0)
    assert [pid for pid in workers if alive(pid)] == []


def test_bootstrap_respects_prior_in_every_fit(seed):
    X, _ = _chain_data(seed, n=200)
    names = [f"x{j}" for j in range(4)]
    prior = PriorKnowledge.from_edges(names, forbidden=[("x0", "x1"), ("x1", "x0")])
    res = bootstrap_dag(X, n_boot=3, seed=seed, prior=prior, **FAST)
    assert res.edge_frequency[0, 1] == 0 and res.edge_frequency[1, 0] == 0


def test_bootstrap_reads_a_prior_in_another_order_by_name(seed):
    # the consensus took the prior's masks in the prior's order: the required
    # x2 -> x0 came out as x0 -> x2, against every fit
    X, _ = _chain_data(seed, n=200)
    prior = PriorKnowledge.from_edges(["x3", "x2", "x1", "x0"], required=[(1, 3)])
    res = bootstrap_dag(X, n_boot=2, seed=seed, prior=prior, **FAST)
    assert res.edge_frequency[2, 0] == 1
    assert np.argwhere(res.required).tolist() == [[2, 0]]
    assert res.consensus[2, 0] and not res.consensus[0, 2]
    wider = PriorKnowledge.from_edges(["x0", "x1", "x2", "x3", "zz"], tiers={"zz": 0})
    with pytest.raises(DataError, match=r"bootstrap_dag: .* \['zz'\] that are not"):
        bootstrap_dag(X, n_boot=2, seed=seed, prior=wider, **FAST)


# 0.3: the column's mean is not exactly 0.3, and centring left its rounding error
# (~6e-17), which a ridge relative to the column's own variance does not swamp
@pytest.mark.parametrize("value", [2.0, 0.3])
def test_a_required_edge_on_a_constant_column_fails_before_the_bootstrap_only(value):
    X, _ = _chain_data(0, n=60)
    names = [f"x{j}" for j in range(4)]
    prior = PriorKnowledge.from_edges(names, required=[("x3", "x0")])
    flat = X.copy()
    flat[:, 3] = value
    with pytest.raises(DataError, match=r"bootstrap_dag: column\(s\) \['x3'\] hold"):
        bootstrap_dag(flat, n_boot=2, seed=0, prior=prior, **FAST)
    # x3 varies in one row only: a resample without that row keeps the required
    # edge (weight 0) rather than fail the bootstrap
    rare = flat.copy()
    rare[0, 3] = 3.0
    job_seed = next(
        s for s in range(100) if 0 not in np.random.default_rng(s).integers(0, 60, 60)
    )
    job = _BootJob(rare, tuple(names), "permutahedron", FAST, prior, job_seed, "cpu")
    adjacency, weights, notes, _ = _bootstrap_job(job)
    assert adjacency[3, 0] and weights[3, 0] == 0.0
    assert any(c is DataWarning and "['x3'] hold a single value" in m for c, m in notes)


def test_bootstrap_processes_equal_serial(seed):
    X, _ = _chain_data(seed, n=200)
    serial = bootstrap_dag(X, n_boot=4, seed=seed, **FAST)
    procs = bootstrap_dag(
        X, n_boot=4, seed=seed, executor="processes", n_workers=2, **FAST
    )
    np.testing.assert_array_equal(serial.edge_frequency, procs.edge_frequency)
    np.testing.assert_array_equal(serial.mean_weight, procs.mean_weight)
    assert procs.executor == "processes"


@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray extra not installed"
)
def test_bootstrap_ray_equals_serial(seed, monkeypatch):
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    X, _ = _chain_data(seed, n=200)
    serial = bootstrap_dag(X, n_boot=3, seed=seed, **FAST)
    ray_exec = RayExecutor(n_workers=2)
    try:
        on_ray = bootstrap_dag(X, n_boot=3, seed=seed, executor=ray_exec, **FAST)
    finally:
        ray_exec.shutdown()
    np.testing.assert_array_equal(serial.edge_frequency, on_ray.edge_frequency)
    assert on_ray.executor == "ray"


def test_bootstrap_rejects_bad_arguments():
    X, _ = _chain_data(0, n=50)
    with pytest.raises(ConfigError, match="n_boot"):
        bootstrap_dag(X, n_boot=0)
    with pytest.raises(ConfigError, match="threshold"):
        bootstrap_dag(X, n_boot=2, threshold=1.5)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"n_workers": 4},
            "bootstrap_dag: n_workers=4 does nothing with executor='serial' (the "
            "serial executor runs the jobs one after another in this process); set "
            "executor='processes' or 'ray', or leave 'n_workers' at its default None.",
        ),
        (
            {"executor": "serial", "n_workers": np.int64(2)},
            "bootstrap_dag: n_workers=2 does nothing with executor='serial'",
        ),
        (
            {"executor": "processes", "n_workers": -3},
            "bootstrap_dag: 'n_workers' must be an integer >= 1; got -3.",
        ),
        (
            {"executor": "processes", "n_workers": 0},
            "bootstrap_dag: 'n_workers' must be an integer >= 1; got 0.",
        ),
        (
            {"executor": "processes", "address": "auto"},
            "bootstrap_dag: address='auto' does nothing with executor='processes' (a "
            "process pool on this machine connects to no cluster); set "
            "executor='ray' to connect to a Ray cluster, or leave 'address' at its "
            "default None.",
        ),
    ],
)
def test_bootstrap_refuses_executor_options_that_do_nothing(options, message):
    # the dag command refuses '--workers' with '--executor serial'; the library
    # ignored n_workers there without a word
    X, _ = _chain_data(0, n=50)
    with pytest.raises(ConfigError) as info:
        bootstrap_dag(X, n_boot=2, **options)
    assert str(info.value).startswith(message)


def test_refit_warnings_are_one_summary_at_the_users_line():
    # 10 identical ConvergenceWarnings, shown as coming from engine/executor.py
    # (50 with n_boot=50); module="engine" did not silence them
    X, _ = _chain_data(0, n=100)

    def boot():
        return bootstrap_dag(X, n_boot=10, seed=0, max_iter=2)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = boot()
    message = (
        "bootstrap_dag: 10 of 10 bootstrap fits warned: method 'permutahedron' "
        "ran all 2 epochs of max_iter without meeting its stopping rule"
    )
    line = boot.__code__.co_firstlineno + 1
    assert [(w.category, w.filename, w.lineno) for w in caught] == [
        (ConvergenceWarning, __file__, line)
    ]
    assert str(caught[0].message).startswith(message)
    assert result.warnings == (str(caught[0].message),)
    assert BootstrapResult.from_json(result.to_json()) == result
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", module="engine")
        boot()
    assert caught == []


def test_a_copied_column_is_noted_once_from_the_full_data():
    # the note came back as "bootstrap_dag: 3 of 3 bootstrap fits warned:
    # column(s) ['copy'] ...": a property of the data, not of the refits
    X, _ = _chain_data(0, n=100)
    X = np.column_stack([X, X[:, 1]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = bootstrap_dag(X, n_boot=3, seed=0, max_iter=2)
    notes = [str(w.message) for w in caught if "linear function" in str(w.message)]
    assert notes == [next(m for m in result.warnings if "linear function" in m)]
    assert notes[0].startswith(
        "bootstrap_dag: column(s) ['x4'] is, to rounding, a linear function of "
        "other columns ('x4' is a copy of 'x1')"
    )
    # the refits' own warnings are still summarised
    assert any(m.startswith("bootstrap_dag: 3 of 3 bootstrap") for m in result.warnings)
    assert not any("fits warned: column(s)" in m for m in result.warnings)


def test_refit_warnings_come_back_from_worker_processes():
    X, _ = _chain_data(0, n=100)
    with pytest.warns(ConvergenceWarning) as caught:
        result = bootstrap_dag(
            X, n_boot=2, seed=0, max_iter=2, executor="processes", n_workers=2
        )
    assert len(caught) == 1
    assert result.warnings[0].startswith(
        "bootstrap_dag: 2 of 2 bootstrap fits warned: method 'permutahedron' ran"
    )


def test_refit_warnings_are_counted_per_kind_over_the_finished_fits():
    notes = [
        ((ConvergenceWarning, "learn_dag: all epochs"),),
        (),
        ((ConvergenceWarning, "learn_dag: all epochs"), (DataWarning, "few rows")),
        ((DataWarning, "one value"), (DataWarning, "few rows")),
    ]
    assert _summarise_warnings(notes) == [
        (
            ConvergenceWarning,
            "bootstrap_dag: 2 of 4 bootstrap fits warned: all epochs",
        ),
        (
            DataWarning,
            "bootstrap_dag: 2 of 4 bootstrap fits warned (2 different messages; "
            "the first): few rows",
        ),
    ]
    assert _summarise_warnings([(), ()]) == []


def test_bootstrap_without_an_executor_names_itself_and_the_choices():
    # the message lacked 'bootstrap_dag:' and offered no way out
    X, _ = _chain_data(0, n=50)
    with pytest.raises(ConfigError) as info:
        bootstrap_dag(X, n_boot=2, executor=None)
    assert str(info.value).startswith(
        "bootstrap_dag: 'executor' must be 'serial', 'processes', 'ray' or an "
        "object with map_jobs; got None."
    )


def _standardised_sachs() -> tuple[np.ndarray, list[str]]:
    from engine.samples import load_sample

    frame = load_sample("sachs").frame
    X = frame.to_numpy(dtype=float)
    return (X - X.mean(0)) / X.std(0), list(frame.columns)


def test_edges_the_score_does_not_orient_are_named_with_their_noise():
    # standardised, the equal-variance score ties A -> B and B -> A for covered
    # edges; each resample breaks the tie on noise, so Raf -> Mek 0.6 against
    # Mek -> Raf 0.4 looked like weak evidence and nothing said why
    X, names = _standardised_sachs()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = bootstrap_dag(X, n_boot=3, seed=0, node_names=names)
    index = {name: k for k, name in enumerate(names)}
    pairs = [(index[a], index[b]) for a, b in res.unoriented_edges]
    assert pairs == sorted(pairs) and all(i < j for i, j in pairs)
    for pair in [("Raf", "Mek"), ("Plcg", "PIP3"), ("PIP2", "PIP3")]:
        assert pair in res.unoriented_edges
    # each is an edge of some refit whose reversal fits the full data as well
    for i, j in pairs:
        assert res.adjacency_frequency[i, j] > 0
    tied = [w for w in caught if "does not orient" in str(w.message)]
    assert len(tied) == 1 and tied[0].category is DataWarning
    said = str(tied[0].message)
    joined = int(np.triu(res.adjacency_frequency > 0).sum())
    assert said.startswith(
        f"bootstrap_dag: on the full data the score does not orient "
        f"{len(pairs)} of the {joined} node pairs the 3 refits join by an edge "
        "(Raf -- Mek, "
    )
    assert "resampling noise rather than evidence" in said
    assert res.warnings[-1] == said
    back = BootstrapResult.from_json(res.to_json())
    assert back == res and back.unoriented_edges == res.unoriented_edges
    assert all(isinstance(p, tuple) for p in back.unoriented_edges)
    damaged = res.to_dict()
    damaged["unoriented_edges"] = [["Raf", "Nope"]]
    with pytest.raises(DataError, match="'unoriented_edges' holds 1 item"):
        BootstrapResult.from_dict(damaged)


def _with_pairs(pairs: list) -> BootstrapResult:
    """A saved three-node result whose ``unoriented_edges`` are ``pairs``."""
    zeros = np.zeros((3, 3))
    saved = BootstrapResult(
        node_names=("a", "b", "c"),
        edge_frequency=zeros,
        adjacency_frequency=zeros,
        mean_weight=zeros,
        consensus=zeros > 0,
        threshold=0.5,
        n_boot=1,
        n_done=1,
        stopped=False,
        method="permutahedron",
    ).to_dict()
    return BootstrapResult.from_dict({**saved, "unoriented_edges": pairs})


def test_loaded_unoriented_edges_are_distinct_pairs_in_matrix_order():
    # bootstrap_dag writes each pair once, its nodes in matrix order; a file
    # with ('b', 'a') next to ('a', 'b') loaded as two pairs
    assert _with_pairs([["a", "b"], ["b", "c"]]).unoriented_edges == (
        ("a", "b"),
        ("b", "c"),
    )
    damaged = "BootstrapResult.from_dict: the data is damaged: 'unoriented_edges' "
    with pytest.raises(DataError) as info:
        _with_pairs([["a", "c"], ["c", "b"], ["b", "a"]])
    assert str(info.value).startswith(
        f"{damaged}holds 2 pair(s) not in matrix order (each pair names first the "
        "node that comes earlier in 'node_names'; first: ['c', 'b'])."
    )
    with pytest.raises(DataError) as info:
        _with_pairs([["a", "b"], ["b", "c"], ["a", "b"]])
    assert str(info.value).startswith(
        f"{damaged}holds 1 pair(s) more than once (first: ['a', 'b'])."
    )


def test_raw_data_without_ties_name_no_unoriented_edges(seed):
    X, _ = _chain_data(seed)  # raw: the variances grow down the chain
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = bootstrap_dag(X, n_boot=3, seed=seed, **FAST)
    assert res.unoriented_edges == ()
    assert not any("does not orient" in str(w.message) for w in caught)
    assert not any("does not orient" in w for w in res.warnings)
