"""The one module a plugin author imports (as OpenFisca's ``model_api``).

from fundrules.plugin_api import hookimpl, indicator, Params, param, Table, col, as_hits
"""

from fundrules.classification.rules import problem_type_rule
from fundrules.intake import Dataset
from fundrules.period import (
    add_months,
    add_months_series,
    first_day,
    format_period,
    format_periods,
    last_day,
    month_of,
    parse_period,
)
from fundrules.plugins import PluginContributions, hookimpl
from fundrules.schema import INSURANCES, Column, PaymentTable, Table, col
from fundrules.schema.identifiers import ric_failure, ric_profile, ric_valid, uscc_valid
from fundrules.screening import (
    Indicator,
    IndicatorMeta,
    NoParams,
    Params,
    ScreeningContext,
    Yuan,
    indicator,
    param,
    yuan,
)
from fundrules.screening.shared_rules import (
    BENEFIT_READS,
    NATIONAL_BENEFIT_READS,
    age_on,
    as_hits,
    duplicate_receipt,
    is_in,
    net_payments,
    paid_after_event_month,
    paid_during_spell,
    paid_in_same_period,
    period_end_dates,
)

__all__ = [
    "BENEFIT_READS",
    "INSURANCES",
    "NATIONAL_BENEFIT_READS",
    "Column",
    "Dataset",
    "Indicator",
    "IndicatorMeta",
    "NoParams",
    "Params",
    "PaymentTable",
    "PluginContributions",
    "ScreeningContext",
    "Table",
    "Yuan",
    "add_months",
    "add_months_series",
    "age_on",
    "as_hits",
    "col",
    "duplicate_receipt",
    "first_day",
    "format_period",
    "format_periods",
    "hookimpl",
    "indicator",
    "is_in",
    "last_day",
    "month_of",
    "net_payments",
    "paid_after_event_month",
    "paid_during_spell",
    "paid_in_same_period",
    "param",
    "parse_period",
    "period_end_dates",
    "problem_type_rule",
    "ric_failure",
    "ric_profile",
    "ric_valid",
    "uscc_valid",
    "yuan",
]
