"""Contributions around retirement: paid after it, or back-paid in bulk just before it."""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import (
    NoParams,
    Params,
    ScreeningContext,
    add_months_series,
    as_hits,
    indicator,
    month_of,
    param,
)

from .payments import LAW_PENSION_RIGHT

CONTRIBUTION_READS = (
    "person_id",
    "employer_id",
    "insurance",
    "period",
    "employer_amount",
    "person_amount",
    "paid_date",
    "back_payment",
)


def _pension_contributions(ctx: ScreeningContext, *, target_only: bool) -> pd.DataFrame:
    c = ctx.target("contributions") if target_only else ctx.table("contributions")
    c = c[c["insurance"] == "pension"]
    return c.assign(amount=c["employer_amount"] + c["person_amount"])


@indicator(
    code="pension.contributions_after_retirement",
    name_zh="退休后继续缴纳养老保险费",
    name_en="Pension contributions after retirement",
    insurance="pension",
    area="income",
    severity="medium",
    legal_basis=LAW_PENSION_RIGHT + "; contributions end with retirement (a retiree who draws "
    "the basic pension is no longer insured as a contributor)",
    reads={
        "contributions": CONTRIBUTION_READS,
        "retirements": ("person_id", "retirement_date"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def contributions_after_retirement(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """A pension contribution for the target period when that period is later than the month of
    the person's ``retirement_date`` (the month of retirement itself is due). The amount at risk
    is what the contribution moved: employer plus person amounts."""
    c = _pension_contributions(ctx, target_only=True)
    c = c.merge(ctx.table("retirements")[["person_id", "retirement_date"]], on="person_id")
    c["retirement_period"] = month_of(c["retirement_date"])
    c = c[(c["period"] > c["retirement_period"]).fillna(False).astype(bool)]
    return as_hits(
        c,
        evidence=[
            "period",
            "retirement_date",
            "retirement_period",
            "employer_id",
            "employer_amount",
            "person_amount",
            "paid_date",
            "back_payment",
        ],
        money=["employer_amount", "person_amount"],
    )


class BackPaymentParams(Params):
    n: int = param(
        60,
        description="distinct back-paid periods, paid in the 12 months ending on the retirement "
        "date, that make a retirement suspicious",
        stricter="higher",
    )


@indicator(
    code="pension.back_payment_before_retirement",
    name_zh="退休前集中补缴养老保险费",
    name_en="Bulk back payment of pension contributions before retirement",
    insurance="pension",
    area="income",
    severity="high",
    legal_basis=LAW_PENSION_RIGHT + "; Interim Provisions on Implementing the Social Insurance "
    "Law (MOHRSS Order No. 13, 2011) Art. 2 (contributions short of 15 years are made up by "
    "continuing to contribute, not by a lump sum); Social Insurance Law Art. 88",
    reads={
        "retirements": ("person_id", "retirement_date"),
        "contributions": CONTRIBUTION_READS,
    },
    history_months=None,
    subject="person",
    partition="person",
    params=BackPaymentParams,
)
def back_payment_before_retirement(ctx: ScreeningContext, p: BackPaymentParams) -> pd.DataFrame:
    """A retirement dated in the target period, with pension back payments (``back_payment``
    true) covering at least N distinct periods paid in the 12 months ending on the retirement
    date (from the day after the date 12 months earlier, to the retirement date inclusive). No
    money moves on the retirement record (amount 0); the evidence sums the back payments."""
    r = ctx.table("retirements")
    r = r.loc[month_of(r["retirement_date"]) == ctx.period, ["person_id", "retirement_date"]]
    r = r.assign(window_from=add_months_series(r["retirement_date"], -12) + pd.Timedelta(days=1))
    c = _pension_contributions(ctx, target_only=False)
    c = c[c["back_payment"]].merge(r, on="person_id")
    c = c[(c["paid_date"] >= c["window_from"]) & (c["paid_date"] <= c["retirement_date"])]
    per = c.groupby("person_id", as_index=False).agg(
        back_paid_periods=("period", "nunique"),
        first_period=("period", "min"),
        last_period=("period", "max"),
        rows=("period", "size"),
        back_paid_total=("amount", "sum"),
    )
    per = per[per["back_paid_periods"] >= p.n].merge(r, on="person_id")
    per["amount"] = 0
    return as_hits(
        per,
        evidence=[
            "retirement_date",
            "window_from",
            "back_paid_periods",
            "first_period",
            "last_period",
            "rows",
            "back_paid_total",
        ],
        money=["back_paid_total"],
    )
