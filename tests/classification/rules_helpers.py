"""A small real pluggy plugin contributing a problem type and a ruleset, as a plugin would."""

from __future__ import annotations

import types

from fundrules.plugins import Registry, build_registry, hookimpl

RULESET = {
    "name": "pension_test",
    "parameters": {"shared_account_min": 1},
    "rules": {
        "pension_test.problem_type.shared_account": {
            "pri": 5,
            "all": [
                {
                    "m": {
                        "$and": [
                            {"indicator": "pension.shared_bank_account"},
                            {"$gte": {"subject_suspicion_count": {"$param": "shared_account_min"}}},
                        ]
                    }
                }
            ],
            "assign": {"problem_type": "identity_fraud"},
            "description": "pensions of several people paid into one account",
        }
    },
}


def plugin() -> types.SimpleNamespace:
    @hookimpl
    def fundrules_register_problem_types(register):
        register({"code": "identity_fraud", "name_zh": "冒领", "name_en": "identity fraud"})

    @hookimpl
    def fundrules_register_classification_rules(register):
        register(RULESET)

    return types.SimpleNamespace(
        fundrules_register_problem_types=fundrules_register_problem_types,
        fundrules_register_classification_rules=fundrules_register_classification_rules,
    )


def plugin_registry() -> Registry:
    return build_registry(
        entry_points=False, extra_plugins=[("pension_test", plugin())], strict=True
    )
