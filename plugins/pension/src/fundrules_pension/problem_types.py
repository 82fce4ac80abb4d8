"""Problem types (问题类型) a pension suspicion may turn out to be, for classification.

Registered as plain dicts ``{code, name_zh, name_en, description}`` until the classification
stage publishes its ProblemType model and ruleset format; the classification rules that map
suspicions to these types are left to that work.
"""

from __future__ import annotations

PROBLEM_TYPES: tuple[dict[str, str], ...] = (
    {
        "code": "pension.posthumous_receipt",
        "name_zh": "冒领死亡人员养老金",
        "name_en": "Pension drawn for a deceased person",
        "description": "Pension kept being paid after the month of death and was drawn by "
        "someone else (pension.paid_after_death, pension.centenarian_unverified).",
    },
    {
        "code": "pension.receipt_during_sentence",
        "name_zh": "服刑期间违规领取养老金",
        "name_en": "Pension drawn while serving a prison sentence",
        "description": "Pension paid for months of a prison sentence, when it must be suspended "
        "(pension.paid_during_incarceration).",
    },
    {
        "code": "pension.duplicate_receipt",
        "name_zh": "重复领取养老金",
        "name_en": "Pension drawn twice",
        "description": "Both schemes here, or here and another region, pay a basic pension for "
        "the same month (pension.duplicate_receipt).",
    },
    {
        "code": "pension.irregular_early_retirement",
        "name_zh": "违规办理提前退休",
        "name_en": "Irregular early retirement",
        "description": "Retirement approved before the statutory age, e.g. on a false special-work "
        "or illness ground or a falsified birth date (pension.early_retirement).",
    },
    {
        "code": "pension.unentitled_receipt",
        "name_zh": "不符合条件领取养老金",
        "name_en": "Pension drawn without entitlement",
        "description": "Basic pension paid before retirement or with no retirement on record "
        "(pension.paid_before_retirement).",
    },
    {
        "code": "pension.irregular_contribution",
        "name_zh": "违规缴费或补缴",
        "name_en": "Irregular contribution or back payment",
        "description": "Contributions after retirement, or a bulk back payment bought just before "
        "retiring (pension.contributions_after_retirement, "
        "pension.back_payment_before_retirement).",
    },
    {
        "code": "pension.benefit_miscalculation",
        "name_zh": "待遇核定或调整错误",
        "name_en": "Pension wrongly assessed or adjusted",
        "description": "A pension that rose beyond any general adjustment, from an error or a "
        "tampered record (pension.benefit_jump).",
    },
    {
        "code": "pension.insider_diversion",
        "name_zh": "经办环节套取养老金",
        "name_en": "Pension diverted through the handling process",
        "description": "Pensions of several people routed into one account, possibly by staff or "
        "agents (pension.shared_bank_account).",
    },
)
