"""Problem types (问题类型) a pension suspicion may turn out to be, beside the core's six.

The core's ``fraud_suspected`` (paid to the dead or the imprisoned), ``improper_payment``
(duplicated) and ``eligibility`` already name what paid_after_death, paid_during_incarceration,
duplicate_receipt, paid_before_retirement and centenarian_unverified find; these are the problems
only pension has. Registered as dicts of the classification stage's ``ProblemType`` fields; the
rules that map suspicions to types wait for its ruleset format.
"""

from __future__ import annotations

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
