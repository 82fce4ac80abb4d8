"""What the medical plugin gives the classification stage: problem types and a ruleset.

The core's ``fraud_suspected`` already names what settled_after_death and
settled_during_incarceration find (its rule ``core.problem_type.paid_to_absent`` matches them);
the five problem types here are the kinds of irregular use of the medical fund that the 2021
Regulations (Art. 15, 38, 40) list and only medical has. The ruleset (format:
``fundrules/classification/rules.py``) assigns them; severity, grade and action follow the core.
"""

from __future__ import annotations

from fundrules.plugin_api import problem_type_rule

PROBLEM_TYPES: tuple[dict[str, str], ...] = (
    {
        "code": "medical_irregular_admission",
        "name_zh": "分解住院、挂床住院或重复住院",
        "name_en": "split, phantom or duplicated hospital stays",
        "description": "stays split to be paid twice, stays that overlap, or a patient billed as "
        "admitted while seen elsewhere (medical.split_admission, medical.overlapping_inpatient, "
        "medical.visits_during_stay)",
    },
    {
        "code": "medical_fictitious_service",
        "name_zh": "虚构医药服务或虚记费用",
        "name_en": "services or charges that did not happen",
        "description": "charges dated outside the stay, or more bed days than the stay lasted "
        "(medical.fee_outside_stay, medical.bed_days_exceed_stay)",
    },
    {
        "code": "medical_overcharging",
        "name_zh": "超标准收费或重复收费",
        "name_en": "charges above the standard or charged twice",
        "description": "prices above the cap, one item charged twice on a day, or items that "
        "must not be charged together (medical.price_above_cap, medical.duplicate_charge, "
        "medical.conflicting_items)",
    },
    {
        "code": "medical_restricted_use",
        "name_zh": "超限定范围使用",
        "name_en": "item used outside its restrictions",
        "description": "items restricted to one sex or an age range billed for another "
        "(medical.sex_restricted_item, medical.age_restricted_item)",
    },
    {
        "code": "medical_excessive_dispensing",
        "name_zh": "超量开药或频繁就医购药",
        "name_en": "excessive prescribing or frequent visits",
        "description": "quantities beyond the daily maximum, supply beyond the allowed days, or "
        "visits so frequent that drugs may be resold (medical.excess_quantity, "
        "medical.frequent_visits)",
    },
    {
        "code": "medical_overtreatment",
        "name_zh": "过度诊疗",
        "name_en": "over-treatment by a provider",
        "description": "a provider whose cost per inpatient stay is far above its peers' "
        "(medical.provider_cost_outlier)",
    },
)


RULESET: dict = {
    "name": "medical",
    "rules": {
        **problem_type_rule(
            "medical",
            "irregular_admission",
            (
                "medical.split_admission",
                "medical.overlapping_inpatient",
                "medical.visits_during_stay",
            ),
            "medical_irregular_admission",
            "stays split, overlapping, or billed while the patient was elsewhere",
        ),
        **problem_type_rule(
            "medical",
            "fictitious_service",
            ("medical.fee_outside_stay", "medical.bed_days_exceed_stay"),
            "medical_fictitious_service",
            "charges outside the stay or beyond its length",
        ),
        **problem_type_rule(
            "medical",
            "overcharging",
            ("medical.price_above_cap", "medical.duplicate_charge", "medical.conflicting_items"),
            "medical_overcharging",
            "above the price cap, charged twice, or conflicting items together",
        ),
        **problem_type_rule(
            "medical",
            "restricted_use",
            ("medical.sex_restricted_item", "medical.age_restricted_item"),
            "medical_restricted_use",
            "an item billed outside its sex or age restriction",
        ),
        **problem_type_rule(
            "medical",
            "excessive_dispensing",
            ("medical.excess_quantity", "medical.frequent_visits"),
            "medical_excessive_dispensing",
            "quantities, supply or visits beyond what is plausible",
        ),
        **problem_type_rule(
            "medical",
            "overtreatment",
            ("medical.provider_cost_outlier",),
            "medical_overtreatment",
            "a provider's cost per stay far above its peers'",
        ),
    },
}
