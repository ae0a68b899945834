"""Simulators: graph sizes, acyclicity, seeds, noise laws, varsortability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.dag import is_dag, simulate_dag, simulate_sem, varsortability
from engine.dag.simulate import check_simulation, max_edges, simulation_seconds
from engine.errors import ConfigError, DataError, GraphError


@pytest.mark.parametrize("graph", ["ER", "SF"])
def test_simulated_graphs_are_dags_with_the_expected_size(graph, seed):
    sizes = []
    for k in range(20):
        a = simulate_dag(30, 2.0, graph, seed=1000 * seed + k)
        assert a.shape == (30, 30) and a.dtype == bool and is_dag(a)
        assert not a.diagonal().any()
        sizes.append(a.sum())
    # ER2: 2d edges expected; SF (m = 2): about 2 per added node
    assert 45 <= np.mean(sizes) <= 75


def test_simulation_is_seeded(seed):
    a = simulate_sem(8, 50, seed=seed)
    b = simulate_sem(8, 50, seed=seed)
    c = simulate_sem(8, 50, seed=seed + 1)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.adjacency, b.adjacency)
    assert a.seed == seed and not np.array_equal(a.X, c.X)


def test_linear_sem_weights_live_on_the_graph(seed):
    sim = simulate_sem(10, 20000, seed=seed)
    w, a = sim.weights, sim.adjacency
    assert not np.any(w[~a])
    assert np.all((np.abs(w[a]) >= 0.5) & (np.abs(w[a]) <= 2.0))
    # the residual of every node given its true parents is the unit-variance noise
    X = sim.X - sim.X.mean(0)
    resid = X - X @ w
    np.testing.assert_allclose(resid.var(0), 1.0, atol=0.05)


def test_linear_sem_data_are_generated_by_its_weights(monkeypatch):
    # with the noise known, X = X @ weights + noise holds exactly: the weights
    # returned are the coefficients the data were made with
    import engine.dag.simulate as simulate

    noise = np.random.default_rng(7).normal(size=(50, 6))
    monkeypatch.setattr(simulate, "_noise", lambda rng, law, n, d: noise)
    sim = simulate_sem(6, 50, edges_per_node=1.5, seed=3)
    assert sim.adjacency.sum() > 0
    np.testing.assert_allclose(sim.X - sim.X @ sim.weights, noise, atol=1e-12)


@pytest.mark.parametrize("sem", ["mlp", "mim", "gp", "gp_add"])
def test_nonlinear_sem_weights_are_the_adjacency(sem):
    # these mechanisms draw their own parameters per node: no (d, d) matrix of
    # coefficients exists, and the weights say only which edges are there
    sim = simulate_sem(6, 100, sem=sem, seed=2)
    assert sim.weights.dtype == np.float64
    np.testing.assert_array_equal(sim.weights, sim.adjacency.astype(float))


@pytest.mark.parametrize(
    "noise", ["gaussian_ev", "gaussian_nv", "exponential", "gumbel", "uniform"]
)
def test_noise_laws_are_centred(noise, seed):
    sim = simulate_sem(5, 40000, edges_per_node=0.0, noise=noise, seed=seed)
    X = sim.X  # no edges: X is the noise itself
    np.testing.assert_allclose(X.mean(0), 0.0, atol=0.05)
    if noise != "gaussian_nv":  # unit variance; Gumbel has scale 1 (NOTEARS)
        want = np.pi**2 / 6 if noise == "gumbel" else 1.0
        np.testing.assert_allclose(X.var(0), want, rtol=0.08)
    skew = ((X - X.mean(0)) ** 3).mean(0) / X.std(0) ** 3
    if noise in ("exponential", "gumbel"):
        assert np.all(skew > 0.5)
    else:
        assert np.all(np.abs(skew) < 0.1)


def test_mlp_sem_is_nonlinear_and_standardize_removes_scale(seed):
    sim = simulate_sem(6, 2000, sem="mlp", standardize=True, seed=seed)
    np.testing.assert_allclose(sim.X.std(0), 1.0, atol=1e-9)
    np.testing.assert_allclose(sim.X.mean(0), 0.0, atol=1e-9)
    assert is_dag(sim.adjacency)


def test_varsortability_raw_high_standardised_chance(seed):
    raw = [simulate_sem(20, 1000, seed=seed * 100 + k) for k in range(5)]
    std = [
        simulate_sem(20, 1000, standardize=True, seed=seed * 100 + k) for k in range(5)
    ]
    assert np.mean([varsortability(s.X, s.adjacency) for s in raw]) > 0.85
    assert 0.3 < np.mean([varsortability(s.X, s.adjacency) for s in std]) < 0.7
    assert np.isnan(varsortability(raw[0].X, np.zeros((20, 20))))


def test_simulator_rejects_bad_options():
    with pytest.raises(ConfigError, match="noise"):
        simulate_sem(5, 10, noise="cauchy")
    with pytest.raises(ConfigError, match="graph"):
        simulate_dag(5, 1.0, "BA")


def test_bipartite_graphs_point_from_the_top_layer_only():
    a = simulate_dag(20, 1.0, "BP", seed=3)
    sources = np.flatnonzero(a.any(1))
    sinks = np.flatnonzero(a.any(0))
    # 4 top nodes (20%): every edge leaves one of them and enters another node
    assert len(sources) <= 4 and not set(sources) & set(sinks)
    assert 10 <= a.sum() <= 30  # 20 expected
    assert is_dag(a)


@pytest.mark.parametrize("sem", ["logistic", "mim", "gp", "gp_add"])
def test_every_sem_gives_finite_reproducible_data(sem):
    sim = simulate_sem(6, 300, sem=sem, seed=5)
    again = simulate_sem(6, 300, sem=sem, seed=5)
    assert sim.X.shape == (300, 6) and np.isfinite(sim.X).all()
    np.testing.assert_array_equal(sim.X, again.X)
    if sem == "logistic":
        assert set(np.unique(sim.X)) <= {0.0, 1.0}


def test_nonlinear_children_depend_on_their_parents():
    # in a GP or index-model SEM a child is predictable from its parents: a
    # nearest-neighbour fit on the parents leaves the unit noise variance plus
    # the fit's own error, well below the child's variance
    from sklearn.neighbors import KNeighborsRegressor

    for sem in ("gp", "mim"):
        sim = simulate_sem(5, 2000, edges_per_node=1.5, sem=sem, seed=11)
        child = int(np.argmax(sim.adjacency.sum(0)))
        parents = np.flatnonzero(sim.adjacency[:, child])
        Xp, y = sim.X[:, parents], sim.X[:, child]
        fit = KNeighborsRegressor(25).fit(Xp[:1000], y[:1000])
        residual = np.var(y[1000:] - fit.predict(Xp[1000:]))
        assert 0.8 < residual < 0.75 * np.var(y), (sem, residual, np.var(y))


def test_logistic_noise_has_scale_one():
    sim = simulate_sem(2, 20000, edges_per_node=0.0, noise="logistic", seed=0)
    assert np.var(sim.X) == pytest.approx(np.pi**2 / 3, rel=0.05)


def test_gp_sems_refuse_more_samples_than_their_kernel_allows():
    with pytest.raises(ConfigError, match="at most 2000 samples"):
        simulate_sem(3, 2001, sem="gp", seed=0)


def test_standardising_keeps_a_constant_binary_column_finite():
    # a logistic node that never flipped divided 0 by 0 (NaN columns)
    for seed in range(40):
        sim = simulate_sem(6, 8, sem="logistic", standardize=True, seed=seed)
        assert np.isfinite(sim.X).all(), seed


def test_scale_free_edge_count_follows_the_rounded_attachment():
    # m parents per new node while m earlier nodes exist: m * d - m (m + 1) / 2
    for given, m in ((0, 1), (0.4, 1), (1, 1), (2, 2), (2.6, 3)):
        assert simulate_dag(20, given, "SF", seed=0).sum() == m * 20 - m * (m + 1) // 2


DIAMOND = np.array([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]])


def _with_variances(*variances: float) -> np.ndarray:
    """Two rows whose column variances are exactly ``variances``."""
    half = np.sqrt(variances)
    return np.stack([half, -half])


def test_varsortability_counts_a_pair_once_per_path_length():
    # diamond 0 -> {1, 2} -> 3, variances 4, 9, 9, 1. Length 1: 0 -> 1 and
    # 0 -> 2 rise, 1 -> 3 and 2 -> 3 fall; length 2: 0 -> 3 (two paths, one
    # pair) falls: 2 of 5 (Reisach et al.), not 2 of 6 as counting paths gave
    X = _with_variances(4.0, 9.0, 9.0, 1.0)
    np.testing.assert_allclose(X.var(0), [4.0, 9.0, 9.0, 1.0])
    assert varsortability(X, DIAMOND) == pytest.approx(2 / 5)
    # variances 1, 4, 2, 3: 0 -> 1, 0 -> 2, 2 -> 3 rise, 1 -> 3 falls; 0 -> 3
    # rises and counts once: 4 of 5
    assert varsortability(_with_variances(1, 4, 2, 3), DIAMOND) == pytest.approx(0.8)
    # a tie counts one half: variances 4, 4, 9, 9 give 0.5 + 1 + 1 + 0.5 + 1
    assert varsortability(_with_variances(4, 4, 9, 9), DIAMOND) == pytest.approx(0.8)


def test_varsortability_refuses_mismatched_shapes_and_cycles():
    X = np.random.default_rng(0).normal(size=(5, 3))
    with pytest.raises(DataError, match=r"\(5, 3\).*\(2, 2\)"):
        varsortability(X, np.array([[0, 1], [0, 0]]))
    with pytest.raises(DataError, match=r"square.*\(3, 2\)"):
        varsortability(X, np.zeros((3, 2)))
    with pytest.raises(DataError, match=r"2-D.*\(5,\)"):
        varsortability(X[:, 0], np.zeros((1, 1)))
    cycle = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    with pytest.raises(GraphError, match="directed cycle"):
        varsortability(X, cycle)


@pytest.mark.parametrize("sim_seed", range(6))
def test_varsortability_of_standardised_data_is_one_half(sim_seed):
    # unit variances equal up to ~1e-14 rounding tie (1/2 each), not a coin toss
    sim = simulate_sem(10, 5000, standardize=True, seed=sim_seed)
    assert varsortability(sim.X, sim.adjacency) == pytest.approx(0.5)


def test_varsortability_tolerance_keeps_real_differences():
    # chain 0 -> 1 -> 2 with variances 1, 2, 0.5: only 0 -> 1 is sorted (1/3)
    z = np.random.default_rng(0).normal(size=(1000, 3))
    X = (z - z.mean(0)) / z.std(0) * np.sqrt([1.0, 2.0, 0.5])
    chain = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    assert varsortability(X, chain) == pytest.approx(1 / 3)
    with pytest.raises(ConfigError, match="rtol"):
        varsortability(X, chain, rtol=-1.0)


@pytest.mark.parametrize(
    ("args", "name"),
    [((2.5, 10), "n_nodes"), ((5, 10.0), "n_samples"), ((True, 10), "n_nodes")],
)
def test_simulator_sizes_must_be_whole_numbers(args, name):
    with pytest.raises(ConfigError, match=rf"'{name}' must be a whole number >= 2"):
        simulate_sem(*args)
    with pytest.raises(ConfigError, match=r"'n_nodes' must be a whole number"):
        simulate_dag(3.5)
    assert simulate_sem(
        np.int64(3), np.int64(5), edges_per_node=1.0, seed=0
    ).X.shape == (5, 3)


def test_varsortability_lines_a_labelled_graph_up_with_the_columns():
    # a -> b -> c with variances rising along it, written in another label order
    X = pd.DataFrame(
        np.random.default_rng(0).normal(size=(500, 3)) * [1.0, 2.0, 3.0],
        columns=list("abc"),
    )
    graph = pd.DataFrame(0, index=list("cba"), columns=list("cba"))
    graph.loc["a", "b"] = graph.loc["b", "c"] = 1

    assert varsortability(X, graph) == 1.0
    assert varsortability(X.to_numpy(), graph.loc[list("abc"), list("abc")]) == 1.0
    with pytest.raises(DataError, match=r"in 'X' only: \['c'\]"):
        varsortability(X, graph.rename(index={"c": "z"}, columns={"c": "z"}))


@pytest.mark.parametrize(
    ("graph", "most"),
    [("ER", 3), ("SF", 3), ("BP", 2)],  # BP on 3 nodes: 1 top node, 2 below
)
def test_more_edges_than_a_graph_holds_warns_with_the_edges_drawn(graph, most):
    # 3 nodes with 6 edges per node gave a full graph of 3 edges, without a word
    from engine.dag.simulate import max_edges
    from engine.errors import DataWarning

    assert max_edges(3, graph) == most
    with pytest.warns(DataWarning) as record:
        a = simulate_dag(3, 6.0, graph, seed=0)
    assert int(a.sum()) == most
    (message,) = [str(w.message) for w in record]
    assert "6 edges per node (about 18 edges) is more than" in message
    assert f"holds: at most {most} edges" in message
    assert f"Drew {most} ({most / 3:.3g} per node)" in message
    assert "lower edges_per_node to at most" in message
    with pytest.warns(DataWarning):
        sim = simulate_sem(3, 20, edges_per_node=6.0, graph=graph, seed=0)
    assert len(sim.warnings) == 1 and f"Drew {most} (" in sim.warnings[0]


def test_a_density_the_graph_can_hold_draws_without_a_warning(recwarn):
    sim = simulate_sem(20, 50, edges_per_node=1.5, seed=0)
    simulate_dag(20, 9.0, "ER", seed=0)  # 180 of the 190 pairs: possible
    assert sim.warnings == () and not recwarn.list


def test_progress_reports_every_node_and_a_raise_abandons_the_simulation():
    events = []
    sim = simulate_sem(
        6, 40, edges_per_node=2.0, sem="gp_add", seed=0, progress=events.append
    )
    nodes = [e for e in events if e.stage == "nodes"]
    assert [e.step for e in nodes][-1] == 6 and nodes[-1].total == 6
    assert all(e.task == "dag.simulate" for e in events)
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    # and one per GP draw of a node but its last (the node's own event says it)
    with_parents = int(sim.adjacency.any(0).sum())
    assert len(events) == 6 + int(sim.adjacency.sum()) - with_parents
    assert any("GP draw 1 of" in e.message for e in events)

    class Stop(Exception):
        pass

    def stop(event):
        raise Stop

    with pytest.raises(Stop):
        simulate_sem(6, 40, sem="gp", seed=0, progress=stop)
    # the same data with or without a callback
    again = simulate_sem(6, 40, edges_per_node=2.0, sem="gp_add", seed=0)
    assert np.array_equal(again.X, sim.X)


def test_the_cost_estimate_grows_with_the_gp_kernel_and_the_edges():
    from engine.dag.simulate import simulation_seconds

    small = simulation_seconds(20, 500, edges_per_node=1.5, graph="ER", sem="gp_add")
    big = simulation_seconds(20, 2000, edges_per_node=1.5, graph="ER", sem="gp_add")
    assert big == pytest.approx(64 * small, rel=0.01)  # n^3 per draw
    dense = simulation_seconds(20, 2000, edges_per_node=3.0, graph="ER", sem="gp_add")
    assert dense == pytest.approx(2 * big, rel=0.01)  # one draw per edge
    one_per_node = simulation_seconds(
        20, 2000, edges_per_node=3.0, graph="ER", sem="gp"
    )
    assert one_per_node < dense
    # the other SEMs are cheap even at the Causal page's largest settings
    for sem in ("linear", "logistic", "mlp", "mim"):
        assert (
            simulation_seconds(100, 20000, edges_per_node=6.0, graph="ER", sem=sem) < 5
        )
    assert big > 20  # d = 20, n = 2000, gp_add: tens of seconds


def test_check_simulation_refuses_what_simulate_sem_refuses():
    from engine.dag.simulate import check_simulation

    check_simulation(
        5, 100, edges_per_node=1.0, graph="ER", noise="gaussian_ev", sem="gp"
    )
    with pytest.raises(ConfigError, match="at most 2000 samples"):
        check_simulation(
            5, 5000, edges_per_node=1.0, graph="ER", noise="gaussian_ev", sem="gp"
        )
    with pytest.raises(ConfigError, match="'graph'"):
        check_simulation(
            5, 100, edges_per_node=1.0, graph="XX", noise="gaussian_ev", sem="linear"
        )


def test_choice_names_are_taken_in_any_case():
    # simulate_dag(graph="er") was refused
    for name in ("er", "sf", "bp"):
        np.testing.assert_array_equal(
            simulate_dag(8, 1.0, graph=name, seed=0),
            simulate_dag(8, 1.0, graph=name.upper(), seed=0),
        )
    assert max_edges(10, "bp") == max_edges(10, "BP")
    lower = simulate_sem(6, 50, graph="sf", noise="Gumbel", sem="MIM", seed=1)
    canon = simulate_sem(6, 50, graph="SF", noise="gumbel", sem="mim", seed=1)
    np.testing.assert_array_equal(lower.X, canon.X)
    assert simulation_seconds(
        6, 50, edges_per_node=1.0, graph="bp", sem="GP"
    ) == simulation_seconds(6, 50, edges_per_node=1.0, graph="BP", sem="gp")
    check_simulation(6, 50, graph="er", noise="GAUSSIAN_NV", sem="Linear")
    with pytest.raises(ConfigError, match=r"'graph' must be one of \['BP', 'ER'"):
        simulate_dag(5, 1.0, "ba")


def test_simulated_data_prints_shapes_and_seed_not_the_arrays():
    # repr(simulate_sem(5, 100)) was 10 893 characters of numbers
    data = simulate_sem(5, 100, seed=3)
    assert repr(data) == (
        "SimulatedData(X=(100, 5), nodes=5, edges="
        + str(int(data.adjacency.sum()))
        + ", seed=3, warnings=0)"
    )
    assert len(repr(simulate_sem(40, 2000, seed=0))) < 100
