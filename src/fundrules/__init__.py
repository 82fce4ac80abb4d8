"""fundrules: a rules engine for the off-site supervision of social insurance funds.

import fundrules
ds = fundrules.load_dataset("city/2025-06", period="2025-06")
result = fundrules.screen(ds)
result.suspicions
"""

import logging

from fundrules.classification import Classification, classify, write_classification
from fundrules.errors import (
    FundrulesError,
    FundrulesWarning,
    InputError,
    NeverFiredWarning,
    PluginCompatibilityWarning,
    PluginLoadWarning,
    StaleParameterWarning,
    UnknownIndicatorError,
)
from fundrules.intake import DataError, Dataset, dataset_from_frames, load_dataset
from fundrules.plugins import PluginError, get_registry
from fundrules.screening import ParameterError, ScreenResult, screen
from fundrules.store import Store, StoreError, open_store

__version__ = "0.1.0"

# the library logs under "fundrules" and leaves configuring handlers to the application
logging.getLogger("fundrules").addHandler(logging.NullHandler())

__all__ = [
    "Classification",
    "DataError",
    "Dataset",
    "FundrulesError",
    "FundrulesWarning",
    "InputError",
    "NeverFiredWarning",
    "ParameterError",
    "PluginCompatibilityWarning",
    "PluginError",
    "PluginLoadWarning",
    "ScreenResult",
    "StaleParameterWarning",
    "Store",
    "StoreError",
    "UnknownIndicatorError",
    "__version__",
    "classify",
    "dataset_from_frames",
    "get_registry",
    "load_dataset",
    "open_store",
    "screen",
    "write_classification",
]
