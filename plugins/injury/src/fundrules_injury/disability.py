"""Disability benefits against the statutory table: the one-time subsidy and the allowance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import (
    Params,
    ScreeningContext,
    as_hits,
    indicator,
    month_of,
    net_payments,
    param,
)

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
from .tables import DISABILITY_TYPES

ONE_TIME_DISABILITY_MONTHS: dict[str, dict[str, int]] = {
    # Regulations on Work-Related Injury Insurance (2003, in force 2004-01-01) Art. 31-33
    "2004-01-01": {
        f"grade_{g}": m for g, m in enumerate((24, 22, 20, 18, 16, 14, 12, 10, 8, 6), 1)
    },
    # 2010 revision (State Council Decree No. 586, in force 2011-01-01) Art. 35-37
    "2011-01-01": {
        f"grade_{g}": m for g, m in enumerate((27, 25, 23, 21, 18, 16, 13, 11, 9, 7), 1)
    },
}
"""Months of the worker's own wage paid as the one-time disability subsidy, by grade."""

CONTRIBUTION_READS = ("person_id", "insurance", "period", "base")


class DisabilityParams(Params):
    months_by_grade: dict[str, int] = param(
        ONE_TIME_DISABILITY_MONTHS,
        description="one-time disability subsidy in months of the worker's own wage, by grade "
        "(keys grade_1 … grade_10)",
        stricter="higher",
        standing_law=True,
        source="Regulations on Work-Related Injury Insurance Art. 35-37 (2010 revision); "
        "Art. 31-33 (2003)",
    )
    tolerance_percent: float = param(
        1.0,
        description="percent above the statutory amount still accepted (rounding of the wage); "
        "exactly at the tolerance is accepted",
        stricter="higher",
    )
    max_fund_allowance_grade: int = param(
        {"2004-01-01": 4},
        description="the highest (least severe) grade for which the fund pays the monthly "
        "disability allowance; grades 5-6 are paid by the employer, 7-10 have none",
        stricter="higher",
        standing_law=True,
        source="Regulations on Work-Related Injury Insurance Art. 35 (grades 1-4: 90, 85, 80, "
        "75 % from the fund), Art. 36 (grades 5-6: by the employer)",
    )


def _whole_grade(grade: pd.Series) -> pd.Series:
    """Grades as whole numbers (Int64); a fractional grade counts as no grade."""
    g = grade.astype("float64")
    return g.where(g == np.floor(g)).astype("Int64")


def _accident_base(rows: pd.DataFrame, contributions: pd.DataFrame) -> pd.DataFrame:
    """``base`` and ``base_insurance``: the person's largest contribution base for the month of
    the accident, from the injury insurance, else (no injury contribution that month) from any
    other insurance."""
    rows = rows.assign(accident_period=month_of(rows["accident_date"]).astype("Int64"))
    wanted = rows[["person_id", "accident_period"]].dropna().drop_duplicates()
    c = contributions[["person_id", "insurance", "period", "base"]]
    c = c.assign(period=c["period"].astype("Int64")).rename(
        columns={"period": "accident_period", "insurance": "base_insurance"}
    )
    c = c.merge(wanted, on=["person_id", "accident_period"], how="inner")
    c = c.assign(_own=c["base_insurance"] == "injury")
    c = c.sort_values(["_own", "base"], ascending=False, kind="stable")
    best = c.drop_duplicates(["person_id", "accident_period"])
    return rows.merge(
        best[["person_id", "accident_period", "base", "base_insurance"]],
        on=["person_id", "accident_period"],
        how="left",
    )


def _one_time(ctx: ScreeningContext, p: DisabilityParams, linked: pd.DataFrame) -> pd.DataFrame:
    linked = linked[linked["benefit_type"] == "one_time_disability"]
    before = linked[linked["period"] < ctx.period]
    paid_before = before.groupby("case_id")["amount"].sum().rename("paid_before").reset_index()
    rows = net_payments(linked[linked["period"] == ctx.period]).merge(
        paid_before, on="case_id", how="left"
    )
    rows = rows.assign(
        grade=_whole_grade(rows["disability_grade"]),
        paid_before=rows["paid_before"].fillna(0).astype("int64"),
        paid_now=rows.groupby("person_id")["amount"].transform("sum").clip(lower=0),
    )
    rows = _accident_base(rows, ctx.table("contributions"))
    months = rows["grade"].astype("str").radd("grade_").map(p.months_by_grade)
    rows = rows.assign(
        statutory_months=months.astype("Int64"),
        paid_on_case=rows["paid_before"] + rows["paid_now"],
        tolerance_percent=p.tolerance_percent,
    )
    rows = rows.assign(statutory_amount=rows["statutory_months"] * rows["base"].astype("Int64"))
    ratio = round((100 + p.tolerance_percent) * 100)
    above = (rows["paid_on_case"] * 10_000 > rows["statutory_amount"] * ratio).fillna(False)
    rows = rows[(above | rows["grade"].isna()).to_numpy(dtype=bool)]
    return rows.assign(
        reason=np.where(
            rows["grade"].isna(),
            "one-time disability subsidy on no case with a disability grade",
            "one-time disability subsidy above the statutory months of wage for the grade",
        )
    )


def _allowance(ctx: ScreeningContext, p: DisabilityParams, linked: pd.DataFrame) -> pd.DataFrame:
    rows = linked[
        (linked["benefit_type"] == "disability_allowance") & (linked["period"] == ctx.period)
    ]
    rows = net_payments(rows)
    rows = rows.assign(grade=_whole_grade(rows["disability_grade"]))
    rows = rows[
        (rows["grade"].isna() | (rows["grade"] > p.max_fund_allowance_grade)).to_numpy(bool)
    ]
    return rows.assign(
        reason=np.where(
            rows["grade"].isna(),
            "fund-paid disability allowance on no case with a disability grade",
            f"fund-paid disability allowance for a grade above {p.max_fund_allowance_grade} "
            "(grades 5-6 are paid by the employer, 7-10 have none)",
        )
    )


@indicator(
    code="injury.disability_benefit_mismatch",
    name_zh="伤残待遇与伤残等级不符",
    name_en="Disability benefit not matching the disability grade",
    insurance="injury",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW_REGULATIONS} Art. 35-37 (one-time disability subsidy of 27, 25, 23, 21, "
    "18, 16, 13, 11, 9, 7 months of own wage for grades 1-10; the fund pays the monthly "
    "disability allowance for grades 1-4 only, the employer for grades 5-6), Art. 64 (own "
    f"wage = the contribution wage); {LAW_CHAPTER}, Art. 38-39; {LAW_FRAUD}",
    reads={
        "benefits": PAYMENT_READS,
        "injury_cases": CASE_READS,
        "contributions": CONTRIBUTION_READS,
    },
    history_months=None,
    subject="person",
    partition="person",
    params=DisabilityParams,
)
def disability_benefit_mismatch(ctx: ScreeningContext, p: DisabilityParams) -> pd.DataFrame:
    """A ``one_time_disability`` paid for the target period when the subsidy paid on its case
    (this period's net plus earlier periods' on the same case) is above the statutory months
    of wage for the case's grade × the person's contribution base in the accident month, beyond
    the tolerance; or paid on no graded case. A ``disability_allowance`` paid by the fund for the
    target period on a case of grade 5-10 or with no grade. A one-time subsidy whose base is
    unknown (no contribution for the accident month) is not judged. At risk: the net paid."""
    every = injury_payments(ctx, DISABILITY_TYPES, target_only=False)
    linked = link_cases(every[every["period"] <= ctx.period], ctx.table("injury_cases"))
    rows = pd.concat([_one_time(ctx, p, linked), _allowance(ctx, p, linked)], ignore_index=True)
    return as_hits(
        rows.rename(columns={"grade": "grade_on_case"}),
        evidence=[
            *PAYMENT_EVIDENCE,
            "case_id",
            "accident_date",
            "grade_on_case",
            "base",
            "statutory_months",
            "statutory_amount",
            "paid_on_case",
            "tolerance_percent",
            "reason",
        ],
        amount="at_risk",
        money=["amount", "base", "statutory_amount", "paid_on_case"],
    )
