"""What the pension plugin gives the classification stage: problem types and a ruleset.

Problem types (问题类型): the core's ``fraud_suspected`` (paid to the dead or the imprisoned),
``improper_payment`` (duplicated) and ``eligibility`` already name what paid_after_death,
paid_during_incarceration, duplicate_receipt, paid_before_retirement and centenarian_unverified
find; the four here are the problems only pension has. The ruleset (format:
``fundrules/classification/rules.py``) assigns them, and sends paid_before_retirement and
centenarian_unverified to ``eligibility``; the core's own rules cover the rest.
"""

from __future__ import annotations

from fundrules.plugin_api import problem_type_rule

PROBLEM_TYPES: tuple[dict[str, str], ...] = (
    {
        "code": "pension_irregular_early_retirement",
        "name_zh": "违规办理提前退休",
        "name_en": "irregular early retirement",
        "description": "retirement approved before the statutory age: a false special-work or "
        "illness ground, an altered birth date or job category (pension.early_retirement)",
    },
    {
        "code": "pension_irregular_contribution",
        "name_zh": "违规缴费或补缴",
        "name_en": "irregular contribution or back payment",
        "description": "contributions after retirement, or contribution years bought by a bulk "
        "back payment just before retiring (pension.contributions_after_retirement, "
        "pension.back_payment_before_retirement)",
    },
    {
        "code": "pension_benefit_miscalculation",
        "name_zh": "待遇核定或调整错误",
        "name_en": "pension wrongly assessed or adjusted",
        "description": "a pension that rose beyond any general adjustment, from an error or a "
        "tampered record (pension.benefit_jump)",
    },
    {
        "code": "pension_insider_diversion",
        "name_zh": "经办环节套取养老金",
        "name_en": "pension diverted in the handling process",
        "description": "pensions of several people routed into one account, possibly by staff or "
        "agents (pension.shared_bank_account)",
    },
)


RULESET: dict = {
    "name": "pension",
    "rules": {
        **problem_type_rule(
            "pension",
            "early_retirement",
            ("pension.early_retirement",),
            "pension_irregular_early_retirement",
            "retired before the statutory age",
        ),
        **problem_type_rule(
            "pension",
            "irregular_contribution",
            ("pension.contributions_after_retirement", "pension.back_payment_before_retirement"),
            "pension_irregular_contribution",
            "contributions after retirement or bought in bulk before it",
        ),
        **problem_type_rule(
            "pension",
            "benefit_jump",
            ("pension.benefit_jump",),
            "pension_benefit_miscalculation",
            "a pension rising beyond any general adjustment",
        ),
        **problem_type_rule(
            "pension",
            "shared_bank_account",
            ("pension.shared_bank_account",),
            "pension_insider_diversion",
            "several pensioners paid into one account",
        ),
        **problem_type_rule(
            "pension",
            "entitlement",
            ("pension.paid_before_retirement", "pension.centenarian_unverified"),
            "eligibility",
            "paid before retirement, or to a centenarian whose life status is unverified",
        ),
    },
}
