"""What the ltc plugin gives the classification stage: its problem types and a ruleset.

Care paid to the dead is already the core's ``fraud_suspected`` kind (its rule matches every
``*_after_death`` code); the two kinds here are
the scheme's own: benefits opened without the assessment that gates them, and care billed while
the hospital was caring for the person (double payment with the medical fund).
"""

from __future__ import annotations

from fundrules.plugin_api import problem_type_rule

PROBLEM_TYPES: tuple[dict[str, str], ...] = (
    {
        "code": "ltc_unassessed_benefit",
        "name_zh": "未经失能评估或评估不达标享受待遇",
        "name_en": "care benefit without the assessment that opens it",
        "description": "care paid before or without an assessment at the eligible disability "
        "grade (ltc.no_eligible_assessment)",
    },
    {
        "code": "ltc_double_care",
        "name_zh": "住院期间重复享受护理待遇",
        "name_en": "care billed while in hospital",
        "description": "care days billed while the person was an inpatient, paid by the "
        "medical fund already (ltc.care_during_inpatient_stay)",
    },
)

RULESET: dict = {
    "name": "ltc",
    "rules": {
        **problem_type_rule(
            "ltc",
            "unassessed_benefit",
            ("ltc.no_eligible_assessment",),
            "ltc_unassessed_benefit",
            "care paid without an assessment at the eligible grade",
        ),
        **problem_type_rule(
            "ltc",
            "double_care",
            ("ltc.care_during_inpatient_stay",),
            "ltc_double_care",
            "care days inside a hospital stay",
        ),
    },
}
