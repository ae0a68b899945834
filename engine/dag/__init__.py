"""Causal discovery: DAG learners, prior knowledge, metrics and simulators."""

from __future__ import annotations

from engine.dag.bootstrap import BootstrapResult, bootstrap_dag, consensus_dag
from engine.dag.compare import compare_runs
from engine.dag.dagdb import DagdbConfig
from engine.dag.fas import break_cycles
from engine.dag.learner import (
    METHODS,
    DagLearner,
    MethodSpec,
    learn_dag,
    make_config,
)
from engine.dag.metrics import (
    ancestor_aid,
    compare_graphs,
    cpdag,
    f1_score,
    fdr,
    fpr,
    n_edges,
    precision,
    recall,
    shd,
    shd_cpdag,
    sid,
    sid_numpy,
    tpr,
)
from engine.dag.permutahedron import PermutahedronConfig
from engine.dag.prior import MAX_TIER, PriorKnowledge
from engine.dag.result import DagResult, is_dag
from engine.dag.simulate import (
    SimulatedData,
    simulate_dag,
    simulate_sem,
    varsortability,
)

__all__ = [
    "MAX_TIER",
    "METHODS",
    "BootstrapResult",
    "DagLearner",
    "DagResult",
    "DagdbConfig",
    "MethodSpec",
    "PermutahedronConfig",
    "PriorKnowledge",
    "SimulatedData",
    "ancestor_aid",
    "bootstrap_dag",
    "break_cycles",
    "compare_graphs",
    "compare_runs",
    "consensus_dag",
    "cpdag",
    "f1_score",
    "fdr",
    "fpr",
    "is_dag",
    "learn_dag",
    "make_config",
    "n_edges",
    "precision",
    "recall",
    "shd",
    "shd_cpdag",
    "sid",
    "sid_numpy",
    "simulate_dag",
    "simulate_sem",
    "tpr",
    "varsortability",
]
