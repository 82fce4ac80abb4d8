"""The unemployment plugin's hook implementations (the only module the entry point names)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from fundrules.plugin_api import Indicator, Table, hookimpl

from . import allowance_amount, classification, entitlement, stop_conditions, tables

INDICATORS: tuple[Indicator, ...] = (
    stop_conditions.paid_while_employed,
    entitlement.exceeds_entitlement,
    entitlement.insufficient_contribution,
    entitlement.voluntary_separation,
    stop_conditions.paid_with_pension,
    stop_conditions.paid_after_death,
    allowance_amount.amount_above_cap,
    stop_conditions.paid_during_incarceration,
)


@hookimpl
def fundrules_register_tables(register: Callable[[Table], None]) -> None:
    for table in tables.TABLES:
        register(table)


@hookimpl
def fundrules_register_vocabularies(extend: Callable[[str, Iterable[str]], None]) -> None:
    for name, values in tables.VOCABULARIES.items():
        extend(name, values)


@hookimpl
def fundrules_register_indicators(register: Callable[[Indicator], None]) -> None:
    for ind in INDICATORS:
        register(ind)


@hookimpl
def fundrules_register_problem_types(register: Callable[[Any], None]) -> None:
    for problem_type in classification.PROBLEM_TYPES:
        register(dict(problem_type))


@hookimpl
def fundrules_register_classification_rules(register: Callable[[Any], None]) -> None:
    register(copy.deepcopy(classification.RULESET))
