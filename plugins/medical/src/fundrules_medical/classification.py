"""Problem types (问题类型) a medical suspicion may turn out to be, for classification.

Registered as plain dicts ``{code, name_zh, name_en, description}`` (the classification stage's
``ProblemType`` fields; codes follow its pattern ``[a-z][a-z0-9_]*``, so no dot). The grouping
follows the kinds of irregular use the 2021 Regulations (Art. 15, 38, 40) name. The classification
rules that map suspicions to these types wait for that stage's ruleset format.
"""

from __future__ import annotations

PROBLEM_TYPES: tuple[dict[str, str], ...] = (
    {
        "code": "medical_identity_misuse",
        "name_zh": "冒名就医或盗用医保凭证",
        "name_en": "Medical insurance used in another person's name",
        "description": "Settlements for a person who cannot have been treated: after death or "
        "from inside a prison (medical.settled_after_death, "
        "medical.settled_during_incarceration).",
    },
    {
        "code": "medical_irregular_admission",
        "name_zh": "分解住院、挂床住院或重复住院",
        "name_en": "Split, phantom or duplicated hospital stays",
        "description": "Stays split to be paid twice, stays that overlap, or a patient billed as "
        "admitted while seen elsewhere (medical.split_admission, medical.overlapping_inpatient, "
        "medical.visits_during_stay).",
    },
    {
        "code": "medical_fictitious_service",
        "name_zh": "虚构医药服务或虚记费用",
        "name_en": "Services or charges that did not happen",
        "description": "Charges dated outside the stay, or more bed days than the stay lasted "
        "(medical.fee_outside_stay, medical.bed_days_exceed_stay).",
    },
    {
        "code": "medical_overcharging",
        "name_zh": "超标准收费或重复收费",
        "name_en": "Charges above the standard or charged twice",
        "description": "Prices above the cap, one item charged twice on a day, or items that "
        "must not be charged together (medical.price_above_cap, medical.duplicate_charge, "
        "medical.conflicting_items).",
    },
    {
        "code": "medical_restricted_use",
        "name_zh": "超限定范围使用",
        "name_en": "Item used outside its restrictions",
        "description": "Items restricted to one sex or an age range billed for another "
        "(medical.sex_restricted_item, medical.age_restricted_item).",
    },
    {
        "code": "medical_excessive_dispensing",
        "name_zh": "超量开药或频繁就医购药",
        "name_en": "Excessive prescribing or frequent visits",
        "description": "Quantities beyond the daily maximum, supply beyond the allowed days, or "
        "visits so frequent that drugs may be resold (medical.excess_quantity, "
        "medical.frequent_visits).",
    },
    {
        "code": "medical_overtreatment",
        "name_zh": "过度诊疗",
        "name_en": "Over-treatment by a provider",
        "description": "A provider whose cost per inpatient stay is far above its peers' "
        "(medical.provider_cost_outlier).",
    },
)
