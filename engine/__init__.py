"""Structure Lab's library: causal DAGs, distributional values and LDS graphs.

The public API is the names in ``__all__``; everything else is internal.
"""

from __future__ import annotations

import logging

from engine.errors import (
    ConfigError,
    DataError,
    DeviceError,
    EngineError,
    GraphError,
    NotFittedError,
    NumericalError,
    ResourceError,
    UnsupportedError,
)
from engine.runtime import ProgressEvent, resolve_device
from engine.values import DistributionalExplainer, DistributionalValues, explain

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ConfigError",
    "DataError",
    "DeviceError",
    "DistributionalExplainer",
    "DistributionalValues",
    "EngineError",
    "GraphError",
    "NotFittedError",
    "NumericalError",
    "ProgressEvent",
    "ResourceError",
    "UnsupportedError",
    "__version__",
    "explain",
    "resolve_device",
]
