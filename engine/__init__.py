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

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ConfigError",
    "DataError",
    "DeviceError",
    "EngineError",
    "GraphError",
    "NotFittedError",
    "NumericalError",
    "ProgressEvent",
    "ResourceError",
    "UnsupportedError",
    "__version__",
    "resolve_device",
]
