"""LDS: learning discrete graph structure for GNNs by hypergradients.

Public names: :func:`learn_graph` and its estimator twin
:class:`GraphStructureLearner`, the result :class:`GraphResult`, the configuration
:class:`LdsConfig`, splits (:class:`Split`, :func:`paper_split`, :func:`make_split`,
:func:`split_sizes_that_fit`), label checks (:func:`check_class_labels`),
graph helpers (:func:`knn_graph`, :func:`adjacency_from_edges`,
:func:`read_edge_list`, :func:`describe_edge_list`, :func:`edge_cell_name`,
:func:`edge_names_columns`, :func:`closest_name_column`, :func:`unknown_names`,
:func:`ids_differ_from_rows`, :func:`repeated_names`),
the GCN (:func:`gcn_forward`), baselines (:func:`fit_baseline`) and the
Planetoid loader (:func:`load_planetoid`).
"""

from __future__ import annotations

from engine.graphs.baselines import fit_baseline
from engine.graphs.config import BASELINES, METHOD_LABELS, LdsConfig
from engine.graphs.gcn import gcn_forward, normalized_propagate
from engine.graphs.knn import (
    NAME_SHARE,
    adjacency_from_edges,
    closest_name_column,
    describe_edge_list,
    edge_cell_name,
    edge_names_columns,
    edges_from_adjacency,
    ids_differ_from_rows,
    knn_graph,
    name_share,
    node_name,
    read_edge_list,
    refuse_empty_cells,
    repeated_name_column,
    repeated_names,
    unknown_names,
)
from engine.graphs.lds import GraphStructureLearner, learn_graph, stop_seconds
from engine.graphs.planetoid import PlanetoidData, load_planetoid
from engine.graphs.result import GraphResult, edge_homophily
from engine.graphs.splits import (
    DEFAULT_SPLIT_SIZES,
    PAPER_SPLIT_SIZES,
    Split,
    make_split,
    paper_split,
    split_sizes_that_fit,
)
from engine.graphs.task import (
    LONG_FIT_S,
    baseline_seconds,
    check_class_labels,
    check_knn_k,
    check_resources,
    estimate_memory,
    estimate_seconds,
    inner_step_seconds,
    inner_steps,
    outer_iterations,
    outer_seconds,
    table_inputs,
    table_inputs_record,
)

__all__ = [
    "BASELINES",
    "DEFAULT_SPLIT_SIZES",
    "LONG_FIT_S",
    "METHOD_LABELS",
    "NAME_SHARE",
    "PAPER_SPLIT_SIZES",
    "GraphResult",
    "GraphStructureLearner",
    "LdsConfig",
    "PlanetoidData",
    "Split",
    "adjacency_from_edges",
    "baseline_seconds",
    "check_class_labels",
    "check_knn_k",
    "check_resources",
    "closest_name_column",
    "describe_edge_list",
    "edge_cell_name",
    "edge_homophily",
    "edge_names_columns",
    "edges_from_adjacency",
    "estimate_memory",
    "estimate_seconds",
    "fit_baseline",
    "gcn_forward",
    "ids_differ_from_rows",
    "inner_step_seconds",
    "inner_steps",
    "knn_graph",
    "learn_graph",
    "load_planetoid",
    "make_split",
    "name_share",
    "node_name",
    "normalized_propagate",
    "outer_iterations",
    "outer_seconds",
    "paper_split",
    "read_edge_list",
    "refuse_empty_cells",
    "repeated_name_column",
    "repeated_names",
    "split_sizes_that_fit",
    "stop_seconds",
    "table_inputs",
    "table_inputs_record",
    "unknown_names",
]
