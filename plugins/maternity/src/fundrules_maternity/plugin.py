"""The maternity plugin's hook implementations (the only module the entry point names)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from fundrules.plugin_api import Indicator, Table, hookimpl

from . import allowance, classification, employers, entitlement, events, leave, tables

INDICATORS: tuple[Indicator, ...] = (
    entitlement.male_claimant,
    entitlement.insufficient_contribution,
    events.births_too_close,
    allowance.allowance_above_formula,
    leave.allowance_days_excess,
    employers.employer_claim_concentration,
    events.implausible_age,
    employers.sham_employment,
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
