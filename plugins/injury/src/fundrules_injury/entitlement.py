"""Injury benefits paid to someone no longer there, or paid twice with medical insurance."""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import (
    NoParams,
    ScreeningContext,
    as_hits,
    indicator,
    net_payments,
    paid_after_event_month,
)

from .payments import (
    LAW_CHAPTER,
    LAW_FRAUD,
    LAW_REGULATIONS,
    PAYMENT_EVIDENCE,
    PAYMENT_READS,
    injury_payments,
)
from .tables import INJURY_BENEFIT_TYPES

AFTER_DEATH_TYPES: tuple[str, ...] = tuple(
    t for t in INJURY_BENEFIT_TYPES if t != "injury_death_grant"
)
INJURY_CHAPTER = r"^\s*(?:S\d{2}|T(?:[0-8]\d|9[0-8]))"
"""ICD-10 chapter XIX, injury, poisoning and certain other consequences of external causes:
S00-T98 (any S code; T00 to T98)."""

SETTLEMENT_READS = (
    "settlement_id",
    "person_id",
    "visit_type",
    "admit_date",
    "diagnosis_code",
    "fund_amount",
    "period",
)


@indicator(
    code="injury.paid_after_death",
    name_zh="死亡后继续领取工伤待遇",
    name_en="Injury benefits paid after death",
    insurance="injury",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW_REGULATIONS} Art. 42 (benefits stop when the conditions for them are "
    "lost), Art. 39 (on death the survivors receive the funeral grant, survivors' pensions and "
    f"the one-time work-death grant instead); {LAW_FRAUD}",
    reads={"benefits": PAYMENT_READS, "deaths": ("person_id", "death_date")},
    history_months=0,
    subject="person",
    partition="person",
)
def paid_after_death(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An injury benefit other than ``injury_death_grant`` (injury medical, one-time
    disability subsidy, disability allowance) paid for a period later than the month of the
    person's death; the month of death itself is due. At risk: the net paid."""
    deaths = ctx.table("deaths")
    rows = net_payments(
        paid_after_event_month(injury_payments(ctx, AFTER_DEATH_TYPES), deaths, "death_date")
    )
    return as_hits(
        rows, evidence=[*PAYMENT_EVIDENCE, "death_date"], amount="at_risk", money=["amount"]
    )


@indicator(
    code="injury.double_claim_with_medical",
    name_zh="工伤医疗与基本医疗重复报销",
    name_en="Injury medical benefit claimed again from medical insurance",
    insurance="injury",
    area="expenditure",
    severity="high",
    legal_basis="Social Insurance Law Art. 30 (medical costs that the work-injury fund pays are "
    f"not paid by basic medical insurance), {LAW_CHAPTER}, Art. 38; {LAW_REGULATIONS} Art. 30 "
    f"(work-injury medical treatment); {LAW_FRAUD}",
    reads={"benefits": PAYMENT_READS, "medical_settlements": SETTLEMENT_READS},
    history_months=0,
    subject="person",
    partition="person",
)
def double_claim_with_medical(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An ``injury_medical`` payment for the target period when the same person has medical
    settlements of that period with an injury-chapter diagnosis (ICD-10 S00-T98). At risk: the
    net injury medical payment; the settlements are listed as evidence (amount 0 each, their
    fund amount shown)."""
    rows = net_payments(injury_payments(ctx, ["injury_medical"]))
    s = ctx.target("medical_settlements")
    s = s[s["diagnosis_code"].str.upper().str.contains(INJURY_CHAPTER, regex=True).fillna(False)]
    s = s[s["person_id"].isin(rows["person_id"])]
    rows = rows[rows["person_id"].isin(s["person_id"])]
    both = pd.concat(
        [
            rows.assign(source="benefits"),
            s.rename(columns={"fund_amount": "settlement_fund_amount"}).assign(
                source="medical_settlements", at_risk=0
            ),
        ],
        ignore_index=True,
    )
    return as_hits(
        both,
        evidence=[
            "source",
            *PAYMENT_EVIDENCE,
            "settlement_id",
            "visit_type",
            "admit_date",
            "diagnosis_code",
            "settlement_fund_amount",
        ],
        amount="at_risk",
        money=["amount", "settlement_fund_amount"],
    )
