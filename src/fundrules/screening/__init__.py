"""Screening: indicators over a dataset → the suspicions frame."""

from .context import ScreeningContext
from .engine import RUN_COLUMNS, ScreenResult, screen
from .indicator import Indicator, IndicatorMeta, indicator
from .parameters import NoParams, ParameterError, ParameterSet, Params, param, parameter_specs
from .suspicions import SUSPICION_COLUMNS, evidence_records, fen_to_decimal, gather, yuan

__all__ = [
    "RUN_COLUMNS",
    "SUSPICION_COLUMNS",
    "Indicator",
    "IndicatorMeta",
    "NoParams",
    "ParameterError",
    "ParameterSet",
    "Params",
    "ScreenResult",
    "ScreeningContext",
    "evidence_records",
    "fen_to_decimal",
    "gather",
    "indicator",
    "param",
    "parameter_specs",
    "screen",
    "yuan",
]
