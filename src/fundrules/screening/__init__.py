"""Screening: indicators over a dataset → the suspicions frame."""

from .context import ScreeningContext
from .engine import RUN_COLUMNS, ScreenResult, installed_rule_set, screen
from .indicator import Indicator, IndicatorMeta, indicator
from .parameters import (
    NoParams,
    ParameterError,
    ParameterSet,
    Params,
    Yuan,
    param,
    parameter_specs,
)
from .rule_set import RULE_SET_COLUMNS, manifest
from .suspicions import (
    AMOUNT_DTYPE,
    SUSPICION_COLUMNS,
    evidence_frame,
    evidence_records,
    fen_to_decimal,
    gather,
    total_amount,
    yuan,
)

__all__ = [
    "AMOUNT_DTYPE",
    "RULE_SET_COLUMNS",
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
    "Yuan",
    "evidence_frame",
    "evidence_records",
    "fen_to_decimal",
    "gather",
    "indicator",
    "installed_rule_set",
    "manifest",
    "param",
    "parameter_specs",
    "screen",
    "total_amount",
    "yuan",
]
