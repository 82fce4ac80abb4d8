"""Retirement itself: retiring before the statutory age, drawing a pension before retiring."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import (
    BENEFIT_READS,
    NoParams,
    Params,
    ScreeningContext,
    as_hits,
    indicator,
    month_of,
    net_payments,
    param,
)

from .payments import LAW_FRAUD, LAW_PENSION_RIGHT, PAYMENT_EVIDENCE, basic_pension_rows
from .retirement_age import (
    STATUTORY_RETIREMENT_AGES,
    RetirementAge,
    format_age,
    statutory_retirement_age_months,
    statutory_retirement_date,
)


class EarlyRetirementParams(Params):
    retirement_ages: list[RetirementAge] = param(
        STATUTORY_RETIREMENT_AGES,
        description="statutory retirement age by sex, job category and retirement type, with "
        "the birth cohorts delayed by the 2025 reform (first cohort, months of birth per "
        "further month of delay, cap)",
        standing_law=True,
        source="国发〔1978〕104号; NPC Standing Committee decision on gradually raising the "
        "statutory retirement age (2024-09-13, in force 2025-01-01) and its State Council measures",
    )


@indicator(
    code="pension.early_retirement",
    name_zh="违规提前退休",
    name_en="Retirement before the statutory age",
    insurance="pension",
    area="expenditure",
    severity="high",
    legal_basis=LAW_PENSION_RIGHT + "; 国发〔1978〕104号; NPC Standing Committee decision on the "
    "gradual raising of the statutory retirement age (in force 2025-01-01); 劳社部发〔1999〕8号 "
    "(stopping and correcting irregular early retirement)",
    reads={
        "retirements": (
            "person_id",
            "retirement_date",
            "retirement_type",
            "job_category",
            "approval_id",
        ),
    },
    optional_reads={"persons": ("person_id", "sex", "birth_date")},
    history_months=0,
    subject="person",
    partition="person",
    params=EarlyRetirementParams,
)
def early_retirement(ctx: ScreeningContext, p: EarlyRetirementParams) -> pd.DataFrame:
    """A retirement dated in the target period before the day the person reaches the statutory
    age for their sex, job category (women; empty = worker) and retirement type, as in force for
    their birth cohort. Retiring on that day is on time. Sex and birth date come from the ID where
    it is valid, else ``persons``; a person whose sex or birth date is unknown is not judged.
    No money moves on a retirement record (amount 0)."""
    r = ctx.table("retirements")
    r = r[month_of(r["retirement_date"]) == ctx.period]
    prof = ctx.profiles.reindex(r["person_id"])
    r = r.assign(
        sex=prof["sex"].to_numpy(),
        birth_date=prof["birth_date"].to_numpy(),
        job_category=r["job_category"].fillna("worker").replace("", "worker"),
    )
    args = (r["birth_date"], r["sex"], r["job_category"], r["retirement_type"], p)
    r = r.assign(
        statutory_age=format_age(statutory_retirement_age_months(*args)),
        statutory_date=statutory_retirement_date(*args),
    )
    early = r[(r["retirement_date"] < r["statutory_date"]).fillna(False).astype(bool)]
    early = early.assign(
        days_early=(early["statutory_date"] - early["retirement_date"]).dt.days.astype("int64"),
        amount=0,
    )
    return as_hits(
        early,
        evidence=[
            "retirement_date",
            "statutory_date",
            "days_early",
            "statutory_age",
            "retirement_type",
            "job_category",
            "sex",
            "birth_date",
            "approval_id",
        ],
    )


@indicator(
    code="pension.paid_before_retirement",
    name_zh="未退休领取基本养老金",
    name_en="Basic pension paid before retirement",
    insurance="pension",
    area="expenditure",
    severity="high",
    legal_basis=LAW_PENSION_RIGHT + "; " + LAW_FRAUD,
    reads={
        "benefits": BENEFIT_READS,
        "retirements": ("person_id", "retirement_date"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def paid_before_retirement(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An employee ``basic_pension`` paid for a period before the month of the person's
    ``retirement_date``, or to a person with no ``retirements`` row. The month of retirement
    itself is due. ``resident_pension`` is not judged: residents draw it at 60 with no
    retirement record. Reversals offset; the amount at risk is the net paid."""
    rows = basic_pension_rows(ctx)
    rows = rows[rows["benefit_type"] == "basic_pension"]
    ret = ctx.table("retirements")[["person_id", "retirement_date"]]
    rows = rows.merge(ret, on="person_id", how="left")
    rows["retirement_period"] = month_of(rows["retirement_date"])
    no_row = rows["retirement_date"].isna()
    before = (rows["period"] < rows["retirement_period"]).fillna(False).astype(bool)
    rows = net_payments(rows[no_row | before])
    rows["reason"] = np.where(
        rows["retirement_date"].isna(), "no retirements row", "paid before the retirement month"
    )
    return as_hits(
        rows,
        evidence=[*PAYMENT_EVIDENCE, "reason", "retirement_date", "retirement_period"],
        amount="at_risk",
        money=["amount"],
    )
