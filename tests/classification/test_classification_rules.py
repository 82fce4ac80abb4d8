"""Rules as data: configuration overrides, plugin contributions, and the checks on both."""

from __future__ import annotations

import types
from datetime import date

import pytest
from classification.rows import frame, suspicion
from classification.rules_helpers import plugin_registry

from fundrules.classification import (
    ProblemTypeError,
    RulesError,
    build_rule_book,
    classify,
    problem_type_catalog,
)
from fundrules.plugins import PluginError, hookimpl

DISCOVERED = date(2025, 9, 26)


def test_configuration_changes_a_threshold(core_registry, tmp_path):
    config = tmp_path / "tianjin.yaml"
    config.write_text(
        'classification:\n  parameters:\n    ordinary_from_yuan: "20000.00"\n', encoding="utf-8"
    )
    rows = [
        suspicion(amount="19999.99", subject_id="A"),
        suspicion(amount="20000.00", subject_id="B"),
    ]
    s = classify(frame(*rows), config, discovered=DISCOVERED, registry=core_registry).suspicions
    assert s["major_grade"].tolist() == ["none", "ordinary"]


def test_configuration_replaces_adds_and_disables_rules(core_registry):
    config = {
        "rules": {
            # replace: pension findings are eligibility problems in this region
            "core.problem_type.otherwise": {"assign": {"problem_type": "eligibility"}},
            # add: large medical findings are high at least
            "tianjin.severity.medical_large": {
                "pri": 15,
                "all": [
                    {"m": {"$and": [{"insurance": "medical"}, {"$gte": {"amount_fen": 500000}}]}}
                ],
                "assign": {"severity": "high"},
            },
        },
        "disable": ["core.typical.multi_indicator"],
    }
    rows = [
        suspicion("medical.price_above_cap", "A", amount="5000.00", severity="low"),
        suspicion("medical.price_above_cap", "B", amount="4999.99", severity="low"),
        suspicion("pension.benefit_jump", "C"),
        suspicion("pension.early_retirement", "C"),
        suspicion("data.unknown_person", "C"),
    ]
    s = classify(frame(*rows), config, discovered=DISCOVERED, registry=core_registry).suspicions
    assert s["severity"].tolist()[:2] == ["high", "low"]
    assert s["severity_rule"][0] == "tianjin.severity.medical_large"
    assert s["problem_type"].tolist()[:4] == ["eligibility"] * 4
    assert s["problem_type_rule"][0] == "core.problem_type.otherwise"
    assert not s["typical"].any()  # the multi-indicator rule is disabled


def test_plugin_contributes_a_rule_and_a_problem_type():
    registry = plugin_registry()
    rows = [
        suspicion("pension.shared_bank_account", "6222000011112222", subject_type="account"),
        suspicion("pension.benefit_jump", "B"),
    ]
    result = classify(frame(*rows), discovered=DISCOVERED, registry=registry)
    s = result.suspicions
    assert s["problem_type"].tolist() == ["identity_fraud", "improper_payment"]
    assert s["problem_type_rule"][0] == "pension_test.problem_type.shared_account"
    assert "identity_fraud" in result.problem_types
    origins = {r["name"]: r["origin"] for r in result.manifest()["rules"]}
    assert origins["pension_test.problem_type.shared_account"] == "pension_test"


def test_plugin_may_not_reuse_a_core_rule_name():
    @hookimpl
    def fundrules_register_classification_rules(register):
        register({"rules": {"core.major_grade.none": {"assign": {"major_grade": "none"}}}})

    plugin = types.SimpleNamespace(
        fundrules_register_classification_rules=fundrules_register_classification_rules
    )
    from fundrules.plugins import build_registry

    registry = build_registry(entry_points=False, extra_plugins=[("greedy", plugin)])
    with pytest.raises(RulesError, match="already defined by core"):
        classify(frame(suspicion()), discovered=DISCOVERED, registry=registry)


def test_plugin_problem_type_must_be_well_formed():
    with pytest.raises(ProblemTypeError):
        problem_type_catalog([{"code": "Bad Code", "name_zh": "x", "name_en": "x"}])
    with pytest.raises(ProblemTypeError, match="other content"):
        problem_type_catalog([{"code": "process", "name_zh": "流程", "name_en": "other"}])


def test_plugin_failure_is_reported_by_name_in_strict_mode():
    @hookimpl
    def fundrules_register_classification_rules(register):
        raise RuntimeError("broken")

    plugin = types.SimpleNamespace(
        fundrules_register_classification_rules=fundrules_register_classification_rules
    )
    from fundrules.plugins import build_registry

    with pytest.raises(PluginError, match="broken_rules"):
        build_registry(entry_points=False, extra_plugins=[("broken_rules", plugin)], strict=True)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (  # a join: the hazard the issue measured
            {
                "all": [{"a": {"indicator": "x"}}, {"b": {"subject_id": {"a": "subject_id"}}}],
                "assign": {"severity": "high"},
            },
            "joins across messages are not allowed",
        ),
        (
            {"all": [{"m": {"subject_id": "P1"}}], "assign": {"severity": "high"}},
            "unknown field 'subject_id'",
        ),
        ({"all": [{"m": {"sid": "1"}}], "assign": {"severity": "high"}}, "unknown field 'sid'"),
        (
            {
                "all": [{"m": {"$mt": {"indicator": "pension\\..*"}}}],
                "assign": {"severity": "high"},
            },
            "backslash",
        ),
        (
            {
                "all": [{"m": {"$gte": {"amount_fen": {"$yuan": "nope"}}}}],
                "assign": {"severity": "high"},
            },
            "unknown parameter 'nope'",
        ),
        (
            {"all": [{"m": {"$gte": {"amount_fen": "1000"}}}], "assign": {"severity": "high"}},
            "is a number",
        ),
        (
            {
                "all": [{"m": {"$gt": {"amount_fen": {"$m": "subject_amount_fen"}}}}],
                "assign": {"severity": "high"},
            },
            "never with another fact",
        ),
        (
            {"all": [{"m": {"action": "on_site_check"}}], "assign": {"severity": "high"}},
            "decided later",
        ),
        ({"all": [{"m": {"indicator": "x"}}], "assign": {"severity": "severe"}}, "is not one of"),
        (
            {"all": [{"m": {"indicator": "x"}}], "assign": {"problem_type": "unknown_kind"}},
            "is not one of",
        ),
        (
            {"all": [{"m": {"indicator": "x"}}], "run": "x", "assign": {"severity": "high"}},
            "'run' is set by the adapter",
        ),
    ],
)
def test_malformed_rules_are_refused_with_the_reason(rule, message):
    with pytest.raises(RulesError, match=message):
        build_rule_book(overrides={"region.bad": rule}, problem_types=problem_type_catalog())


def test_unknown_parameter_and_unknown_disabled_rule_are_refused():
    catalog = problem_type_catalog()
    with pytest.raises(RulesError, match="unknown parameter 'ordinary_from'"):
        build_rule_book(parameters={"ordinary_from": "1"}, problem_types=catalog)
    with pytest.raises(RulesError, match="disables unknown rule"):
        build_rule_book(disable=["core.nothing"], problem_types=catalog)
    with pytest.raises(RulesError, match="no fallback rule"):
        build_rule_book(disable=["core.problem_type.otherwise"], problem_types=catalog)


def test_unknown_configuration_key_is_refused(core_registry):
    with pytest.raises(RulesError, match="invalid classification configuration"):
        classify(frame(suspicion()), {"thresholds": {}}, registry=core_registry)
