"""What the injury plugin gives the classification stage: problem types and a ruleset.

The core's ``fraud_suspected`` already names paid_after_death (its rule
``core.problem_type.paid_to_absent`` matches every ``*_after_death``); the three types here are
the problems only work injury has. The ruleset (format: ``fundrules/classification/rules.py``)
assigns them; the core's fallback (``improper_payment``) covers double_claim_with_medical.
"""

from __future__ import annotations

from fundrules.plugin_api import problem_type_rule

PROBLEM_TYPES: tuple[dict[str, str], ...] = (
    {
        "code": "injury_insured_after_accident",
        "name_zh": "先伤后保",
        "name_en": "insured only after the accident",
        "description": "injury benefits from the fund for an accident that happened before the "
        "worker was enrolled: the employer owes them (injury.insured_after_accident)",
    },
    {
        "code": "injury_irregular_recognition",
        "name_zh": "违规认定工伤或虚构事故",
        "name_en": "irregular injury recognition or staged accidents",
        "description": "a recognition granted on an application beyond the legal time limit, or "
        "accidents of one person repeated within a year (injury.late_application, "
        "injury.repeat_accidents)",
    },
    {
        "code": "injury_disability_benefit_error",
        "name_zh": "伤残待遇核定错误",
        "name_en": "disability benefit wrongly assessed",
        "description": "a one-time disability subsidy above the statutory months of wage for "
        "the grade, or a disability allowance the fund does not owe for the grade "
        "(injury.disability_benefit_mismatch)",
    },
)


RULESET: dict = {
    "name": "injury",
    "rules": {
        **problem_type_rule(
            "injury",
            "insured_after_accident",
            ("injury.insured_after_accident",),
            "injury_insured_after_accident",
            "benefits for an accident not insured when it happened",
        ),
        **problem_type_rule(
            "injury",
            "irregular_recognition",
            ("injury.late_application", "injury.repeat_accidents"),
            "injury_irregular_recognition",
            "a late application recognised, or accidents repeated within a year",
        ),
        **problem_type_rule(
            "injury",
            "disability_benefit",
            ("injury.disability_benefit_mismatch",),
            "injury_disability_benefit_error",
            "a disability benefit not matching the grade",
        ),
    },
}
