"""Structure Lab's library: causal DAGs, distributional values and LDS graphs.

The public API is the names in ``__all__``; everything else is internal.
"""

from __future__ import annotations

import logging

from engine.dag import DagLearner, DagResult, PriorKnowledge, learn_dag
from engine.data import DataReport, read_table, to_matrix
from engine.errors import (
    ConfigError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    DeviceError,
    EngineError,
    GraphError,
    NotFittedError,
    NumericalError,
    ResourceError,
    StoppedWarning,
    UnsupportedError,
)
from engine.graph_io import read_graph, write_graph
from engine.graphs import GraphResult, GraphStructureLearner, LdsConfig, learn_graph
from engine.runtime import ProgressEvent, resolve_device
from engine.samples import Sample, list_samples, load_sample
from engine.values import DistributionalExplainer, DistributionalValues, explain

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ConfigError",
    "ConvergenceWarning",
    "DagLearner",
    "DagResult",
    "DataError",
    "DataReport",
    "DataWarning",
    "DeviceError",
    "DistributionalExplainer",
    "DistributionalValues",
    "EngineError",
    "GraphError",
    "GraphResult",
    "GraphStructureLearner",
    "LdsConfig",
    "NotFittedError",
    "NumericalError",
    "PriorKnowledge",
    "ProgressEvent",
    "ResourceError",
    "Sample",
    "StoppedWarning",
    "UnsupportedError",
    "__version__",
    "explain",
    "learn_dag",
    "learn_graph",
    "list_samples",
    "load_sample",
    "read_graph",
    "read_table",
    "resolve_device",
    "to_matrix",
    "write_graph",
]
