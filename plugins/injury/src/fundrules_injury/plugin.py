"""The injury plugin's contributions: the object its entry point names."""

from __future__ import annotations

from typing import Any

from fundrules.plugin_api import Indicator, PluginContributions

from . import cases, classification, coverage, disability, entitlement, synth, tables

INDICATORS: tuple[Indicator[Any], ...] = (
    coverage.insured_after_accident,
    cases.late_application,
    disability.disability_benefit_mismatch,
    entitlement.paid_after_death,
    cases.repeat_accidents,
    entitlement.double_claim_with_medical,
)

plugin = PluginContributions(
    prefix="injury",
    tables=tables.TABLES,
    vocabularies=tables.VOCABULARIES,
    indicators=INDICATORS,
    problem_types=classification.PROBLEM_TYPES,
    rulesets=[classification.RULESET],
    synth=synth.PART,
    test_data="fundrules_injury.test_data:TEST_DATA",
)
