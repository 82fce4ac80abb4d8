"""The pension plugin's contributions: the object its entry point names."""

from __future__ import annotations

from typing import Any

from fundrules.plugin_api import Indicator, PluginContributions

from . import (
    classification,
    contributions,
    entitlement,
    payment_patterns,
    retirement,
    synth,
    tables,
)

INDICATORS: tuple[Indicator[Any], ...] = (
    entitlement.paid_after_death,
    entitlement.paid_during_incarceration,
    payment_patterns.duplicate_receipt,
    retirement.early_retirement,
    retirement.paid_before_retirement,
    contributions.contributions_after_retirement,
    contributions.back_payment_before_retirement,
    payment_patterns.shared_bank_account,
    payment_patterns.benefit_jump,
    entitlement.centenarian_unverified,
)

plugin = PluginContributions(
    prefix="pension",
    tables=tables.TABLES,
    vocabularies=tables.VOCABULARIES,
    indicators=INDICATORS,
    problem_types=classification.PROBLEM_TYPES,
    rulesets=[classification.RULESET],
    synth=synth.PART,
    test_data="fundrules_pension.test_data:TEST_DATA",
)
