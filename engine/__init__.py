"""Structure Lab's library: causal DAGs, distributional values and LDS graphs.

The public API is the names in ``__all__``; everything else is internal.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from engine.errors import (
    ConfigError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    DeviceError,
    EngineError,
    ExecutorError,
    GraphError,
    NotFittedError,
    NumericalError,
    ResourceError,
    StoppedWarning,
    UnsupportedError,
)

if TYPE_CHECKING:
    from engine.dag import DagLearner, DagResult, PriorKnowledge, learn_dag
    from engine.data import DataReport, read_table, to_matrix
    from engine.graph_io import read_graph, write_graph
    from engine.graphs import (
        GraphResult,
        GraphStructureLearner,
        LdsConfig,
        learn_graph,
    )
    from engine.runtime import STOP, ProgressEvent, resolve_device
    from engine.samples import Sample, list_samples, load_sample
    from engine.values import DistributionalExplainer, DistributionalValues, explain

# The public names outside engine.errors, by the module that defines them. They
# are imported on first use (PEP 562), so that ``import engine`` and the command
# line start without torch, and Ctrl-C during the command's imports reaches the
# command's handler (one "interrupted" line) instead of a traceback.
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        ("DagLearner", "DagResult", "PriorKnowledge", "learn_dag"), "engine.dag"
    ),
    **dict.fromkeys(("DataReport", "read_table", "to_matrix"), "engine.data"),
    **dict.fromkeys(("read_graph", "write_graph"), "engine.graph_io"),
    **dict.fromkeys(
        ("GraphResult", "GraphStructureLearner", "LdsConfig", "learn_graph"),
        "engine.graphs",
    ),
    **dict.fromkeys(("STOP", "ProgressEvent", "resolve_device"), "engine.runtime"),
    **dict.fromkeys(("Sample", "list_samples", "load_sample"), "engine.samples"),
    **dict.fromkeys(
        ("DistributionalExplainer", "DistributionalValues", "explain"),
        "engine.values",
    ),
}


def __getattr__(name: str) -> Any:
    """Import a public name, or a subpackage (``engine.dag``), on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Subpackages and modules a user may reach as attributes (``engine.dag``).
_SUBMODULES = (
    "dag",
    "data",
    "errors",
    "graph_io",
    "graphs",
    "plots",
    "results",
    "runtime",
    "samples",
    "validation",
    "values",
)


def __dir__() -> list[str]:
    """The public names and subpackages, for tab completion."""
    return sorted({*__all__, *_SUBMODULES})


__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "STOP",
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
    "ExecutorError",
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
