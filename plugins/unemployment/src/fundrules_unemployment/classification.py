"""What the unemployment plugin gives the classification stage: problem types and a ruleset.

The core's rules already send paid_after_death and paid_during_incarceration to
``fraud_suspected`` and insufficient_contribution to ``eligibility``. The two problem types here
are the ones only unemployment has: an allowance that went on after a stop condition of Art. 15
(a new job, a pension), and one paid beyond the statutory period or standard. The ruleset (format:
``fundrules/classification/rules.py``) assigns them, and sends voluntary_separation to
``eligibility``.
"""

from __future__ import annotations

from fundrules.plugin_api import problem_type_rule

PROBLEM_TYPES: tuple[dict[str, str], ...] = (
    {
        "code": "unemployment_payment_not_stopped",
        "name_zh": "失业保险金应停未停",
        "name_en": "unemployment allowance not stopped",
        "description": "an allowance still paid after a stop condition of the Regulations on "
        "Unemployment Insurance Art. 15: re-employment (a contribution from an employer), or "
        "drawing a basic pension (unemployment.paid_while_employed, "
        "unemployment.paid_with_pension)",
    },
    {
        "code": "unemployment_excess_benefit",
        "name_zh": "超期限或超标准发放失业保险金",
        "name_en": "unemployment allowance beyond its period or standard",
        "description": "more months of allowance than the claim grants, a grant above the "
        "statutory maximum, or a monthly allowance above the regional cap "
        "(unemployment.exceeds_entitlement, unemployment.amount_above_cap)",
    },
)


RULESET: dict = {
    "name": "unemployment",
    "rules": {
        **problem_type_rule(
            "unemployment",
            "not_stopped",
            ("unemployment.paid_while_employed", "unemployment.paid_with_pension"),
            "unemployment_payment_not_stopped",
            "allowance paid after re-employment or with a basic pension",
        ),
        **problem_type_rule(
            "unemployment",
            "excess_benefit",
            ("unemployment.exceeds_entitlement", "unemployment.amount_above_cap"),
            "unemployment_excess_benefit",
            "allowance beyond the entitled months, the statutory maximum or the regional cap",
        ),
        **problem_type_rule(
            "unemployment",
            "eligibility",
            ("unemployment.voluntary_separation",),
            "eligibility",
            "allowance after leaving the job voluntarily",
        ),
    },
}
