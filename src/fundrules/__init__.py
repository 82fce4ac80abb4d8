"""fundrules: a rules engine for the off-site supervision of social insurance funds.

import fundrules
ds = fundrules.load_dataset("city/2025-06", period="2025-06")
result = fundrules.screen(ds)
result.suspicions

These top-level functions are the library's entry points: each takes ``registry=`` and, when it
is not given, uses the registry of the installed plugins (``get_registry()``). Below them the
registry is handed down as an argument (docs/decisions.md D12).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from fundrules import classification, intake, screening
from fundrules.classification import Classification, write_classification
from fundrules.classification.config import ConfigLike
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
from fundrules.intake import DataError, Dataset
from fundrules.plugins import PluginError, Registry, get_registry
from fundrules.screening import ParameterError, ScreenResult, evidence_frame
from fundrules.screening.execution import ShardFailed, screen_store
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
    "Registry",
    "ScreenResult",
    "ShardFailed",
    "StaleParameterWarning",
    "Store",
    "StoreError",
    "UnknownIndicatorError",
    "__version__",
    "classify",
    "dataset_from_frames",
    "evidence_frame",
    "get_registry",
    "load_dataset",
    "open_store",
    "screen",
    "screen_store",
    "write_classification",
]


def load_dataset(
    path: str | Path,
    period: str,
    *,
    tables: Iterable[str] | None = None,
    received_at: datetime | None = None,
    registry: Registry | None = None,
    limits: intake.ReadLimits | None = None,
) -> Dataset:
    """Read a dataset folder (Parquet, CSV or XLSX per table) and validate it against the schema
    of the installed plugins (or ``registry``'s). Tables that are absent are simply not in the
    dataset; a whole-file problem raises :class:`DataError`. ``limits`` bounds each file (rows,
    cell and line size, workbook expansion; default from the environment, docs/decisions.md D47)."""
    return intake.load_dataset(
        path,
        period,
        tables=tables,
        received_at=received_at,
        registry=registry if registry is not None else get_registry(),
        limits=limits,
    )


def dataset_from_frames(
    frames: Mapping[str, pd.DataFrame],
    period: str,
    *,
    registry: Registry | None = None,
    fill_optional: bool = True,
) -> Dataset:
    """Validate in-memory raw tables exactly as files are validated (cells as text or typed
    values); optional columns a frame lacks are added empty unless ``fill_optional`` is false."""
    return intake.dataset_from_frames(
        frames,
        period,
        registry=registry if registry is not None else get_registry(),
        fill_optional=fill_optional,
    )


def screen(
    dataset: Dataset,
    indicators: str | Iterable[str] | None = None,
    params: Mapping[str, Any] | str | Path | None = None,
    *,
    registry: Registry | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    handed: Mapping[str, pd.DataFrame] | None = None,
) -> ScreenResult:
    """Run the installed plugins' indicators (all, or the given codes) over ``dataset``; an
    indicator whose tables are absent is skipped with the reason, one that raises is reported and
    the others run. ``params`` overrides parameter values (a mapping or a YAML file); ``handed``
    are tables read beside the data (the store's rule approvals, its cases) for ``process.*``."""
    return screening.screen(
        dataset,
        indicators,
        params,
        registry=registry if registry is not None else get_registry(),
        progress=progress,
        handed=handed,
    )


def classify(
    result: ScreenResult | pd.DataFrame,
    config: ConfigLike = None,
    *,
    discovered: date | str | None = None,
    registry: Registry | None = None,
) -> Classification:
    """Classify the suspicions of a screening run (a ``ScreenResult`` or a suspicions frame) with
    the installed plugins' problem types and rulesets; ``config`` is a
    :class:`~fundrules.classification.ClassificationConfig`, a mapping or a YAML file."""
    return classification.classify(
        result,
        config,
        discovered=discovered,
        registry=registry if registry is not None else get_registry(),
    )
