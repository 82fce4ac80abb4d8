"""The ltc plugin's contributions: the object its entry point names."""

from __future__ import annotations

from fundrules.plugin_api import PluginContributions

from . import care, classification, synth, tables

plugin = PluginContributions(
    prefix="ltc",
    tables=tables.TABLES,
    payment_tables=tables.PAYMENT_TABLES,
    vocabularies=tables.VOCABULARIES,
    indicators=care.INDICATORS,
    problem_types=classification.PROBLEM_TYPES,
    rulesets=[classification.RULESET],
    synth=synth.PART,
    test_data="fundrules_ltc.test_data:TEST_DATA",
)
