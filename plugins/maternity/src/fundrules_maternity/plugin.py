"""The maternity plugin's contributions: the object its entry point names."""

from __future__ import annotations

from typing import Any

from fundrules.plugin_api import Indicator, PluginContributions

from . import allowance, classification, employers, entitlement, events, leave, synth, tables

INDICATORS: tuple[Indicator[Any], ...] = (
    entitlement.male_claimant,
    entitlement.insufficient_contribution,
    events.births_too_close,
    allowance.allowance_above_formula,
    leave.allowance_days_excess,
    employers.employer_claim_concentration,
    events.implausible_age,
    employers.sham_employment,
)

plugin = PluginContributions(
    prefix="maternity",
    tables=tables.TABLES,
    vocabularies=tables.VOCABULARIES,
    indicators=INDICATORS,
    problem_types=classification.PROBLEM_TYPES,
    rulesets=[classification.RULESET],
    synth=synth.PART,
    test_data="fundrules_maternity.test_data:TEST_DATA",
)
