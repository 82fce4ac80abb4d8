"""先伤后保: injury benefits for an accident that no enrollment covered when it happened."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import NoParams, ScreeningContext, as_hits, indicator, net_payments

from .payments import (
    CASE_READS,
    LAW_CHAPTER,
    LAW_FRAUD,
    LAW_REGULATIONS,
    PAYMENT_EVIDENCE,
    PAYMENT_READS,
    injury_payments,
    link_cases,
)

ENROLLMENT_READS = ("person_id", "insurance", "start_date", "end_date")


def _coverage(cases: pd.DataFrame, enrollments: pd.DataFrame) -> pd.DataFrame:
    """Per case (``case_id``, ``person_id``, ``accident_date``): ``covered`` — an injury spell
    started strictly before the accident date and not ended before it (the end date is the
    spell's last day) — and ``enrolled_from``, the earliest injury spell starting on the accident
    day or later."""
    e = enrollments.loc[
        enrollments["insurance"] == "injury", ["person_id", "start_date", "end_date"]
    ]
    m = cases.merge(e, on="person_id", how="inner")
    covers = (m["start_date"] < m["accident_date"]) & (
        m["end_date"].isna() | (m["end_date"] >= m["accident_date"])
    )
    covered = m.loc[covers.to_numpy(dtype=bool), "case_id"].unique()
    later = m[(m["start_date"] >= m["accident_date"]).to_numpy(dtype=bool)]
    first_later = later.groupby("case_id")["start_date"].min().rename("enrolled_from").reset_index()
    out = cases.merge(first_later, on="case_id", how="left")
    return out.assign(covered=out["case_id"].isin(covered))


@indicator(
    code="injury.insured_after_accident",
    name_zh="先伤后保",
    name_en="Injury benefits for an accident insured only afterwards",
    insurance="injury",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW_REGULATIONS} Art. 2, 10, 62 (an employer that had not enrolled the "
    "worker when the accident happened pays the benefits itself; enrolling afterwards does not "
    f"shift them to the fund); {LAW_CHAPTER}, Art. 41; {LAW_FRAUD}",
    reads={
        "benefits": PAYMENT_READS,
        "injury_cases": CASE_READS,
        "enrollments": ENROLLMENT_READS,
    },
    history_months=0,
    subject="person",
    partition="person",
)
def insured_after_accident(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An injury benefit (any of the four types) paid for the target period on a case whose
    accident no injury-insurance enrollment spell covered: none started *before* the accident
    date and was still open on it. A spell starting on the accident day or later does not cover
    it (先伤后保). The payment links to its case through the person (the latest case dated on
    or before the period's last day; disability benefits to the latest graded one). A payment
    linking to no case is not judged. At risk: the net paid."""
    rows = link_cases(net_payments(injury_payments(ctx)), ctx.table("injury_cases"))
    rows = rows[rows["case_id"].notna()]
    cases = rows[["case_id", "person_id", "accident_date"]].drop_duplicates("case_id")
    cover = _coverage(cases, ctx.table("enrollments"))
    rows = rows.merge(
        cover.loc[~cover["covered"], ["case_id", "enrolled_from"]], on="case_id", how="inner"
    )
    days = (rows["enrolled_from"] - rows["accident_date"]).dt.days
    rows = rows.assign(
        days_after_accident=days.astype("Int64"),
        reason=np.where(
            rows["enrolled_from"].isna(),
            "no injury enrollment covers the accident",
            "injury enrollment starts on or after the accident day",
        ),
    )
    return as_hits(
        rows,
        evidence=[
            *PAYMENT_EVIDENCE,
            "case_id",
            "case_employer_id",
            "accident_date",
            "enrolled_from",
            "days_after_accident",
            "reason",
        ],
        amount="at_risk",
        money=["amount"],
    )
