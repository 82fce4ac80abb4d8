"""What the unemployment plugin gives the classification stage: problem types and a ruleset.

The core's rules already send paid_after_death and paid_during_incarceration to
``fraud_suspected`` and insufficient_contribution to ``eligibility``. The two problem types here
are the ones only unemployment has: an allowance that went on after a stop condition of Art. 15
(a new job, a pension), and one paid beyond the statutory period or standard. The ruleset (format:
``fundrules/classification/rules.py``) assigns them, and sends voluntary_separation to
``eligibility``.
"""

from __future__ import annotations

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


def _problem_type(rule: str, indicators: tuple[str, ...], problem_type: str, why: str) -> dict:
    condition = (
        {"indicator": indicators[0]}
        if len(indicators) == 1
        else {"$or": [{"indicator": code} for code in indicators]}
    )
    return {
        f"unemployment.problem_type.{rule}": {
            "pri": 15,
            "all": [{"m": condition}],
            "assign": {"problem_type": problem_type},
            "description": why,
        }
    }


RULESET: dict = {
    "name": "unemployment",
    "rules": {
        **_problem_type(
            "not_stopped",
            ("unemployment.paid_while_employed", "unemployment.paid_with_pension"),
            "unemployment_payment_not_stopped",
            "allowance paid after re-employment or with a basic pension",
        ),
        **_problem_type(
            "excess_benefit",
            ("unemployment.exceeds_entitlement", "unemployment.amount_above_cap"),
            "unemployment_excess_benefit",
            "allowance beyond the entitled months, the statutory maximum or the regional cap",
        ),
        **_problem_type(
            "eligibility",
            ("unemployment.voluntary_separation",),
            "eligibility",
            "allowance after leaving the job voluntarily",
        ),
    },
}
