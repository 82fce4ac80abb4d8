"""The unemployment plugin's contributions: the object its entry point names."""

from __future__ import annotations

from typing import Any

from fundrules.plugin_api import Indicator, PluginContributions

from . import allowance_amount, classification, entitlement, stop_conditions, synth, tables

INDICATORS: tuple[Indicator[Any], ...] = (
    stop_conditions.paid_while_employed,
    entitlement.exceeds_entitlement,
    entitlement.insufficient_contribution,
    entitlement.voluntary_separation,
    stop_conditions.paid_with_pension,
    stop_conditions.paid_after_death,
    allowance_amount.amount_above_cap,
    stop_conditions.paid_during_incarceration,
)

plugin = PluginContributions(
    prefix="unemployment",
    tables=tables.TABLES,
    vocabularies=tables.VOCABULARIES,
    indicators=INDICATORS,
    problem_types=classification.PROBLEM_TYPES,
    rulesets=[classification.RULESET],
    synth=synth.PART,
    test_data="fundrules_unemployment.test_data:TEST_DATA",
)
