"""Allowances paid after the law says they stop: a new job, a pension, death, prison."""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import (
    NATIONAL_BENEFIT_READS,
    NoParams,
    ScreeningContext,
    indicator,
    net_payments,
    paid_after_event_month,
    paid_during_spell,
    paid_in_same_period,
)

from .allowances import (
    LAW_FRAUD,
    PAYMENT_EVIDENCE,
    PAYMENT_READS,
    REGULATIONS,
    allowance_hits,
    allowance_rows,
)
from .tables import BASIC_PENSION_TYPES


@indicator(
    code="unemployment.paid_while_employed",
    name_zh="重新就业后继续领取失业保险金",
    name_en="Allowance paid while employed",
    insurance="unemployment",
    area="expenditure",
    severity="high",
    legal_basis=f"{REGULATIONS} Art. 15(1) (the allowance stops on re-employment); Social "
    "Insurance Law Art. 51(1); Art. 48 (the fund pays the claimant's medical premiums: not "
    "employment); " + LAW_FRAUD,
    reads={
        "benefits": PAYMENT_READS,
        "contributions": (
            "person_id",
            "employer_id",
            "insurance",
            "period",
            "employer_amount",
            "paid_date",
        ),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def paid_while_employed(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An allowance paid for the target period to a person who has, for that same period, a
    contribution from an employer (an ``employer_id`` and ``employer_amount`` above 0) in any
    insurance, back payments included. Premiums the unemployment fund pays on the claimant's
    behalf and self-paid flexible-employment contributions (no employer, employer part 0) do not
    count. The employer's contributions are listed as evidence (amount 0)."""
    c = ctx.target("contributions")
    employer = c["employer_id"].fillna("").str.strip() != ""
    c = c[employer & (c["employer_amount"] > 0)]
    rows = paid_in_same_period(net_payments(allowance_rows(ctx)), c).assign(source="benefits")
    jobs = c.merge(rows[["person_id", "period"]].drop_duplicates(), on=["person_id", "period"])
    jobs = jobs.rename(columns={"insurance": "contribution_insurance"}).assign(
        source="contributions", at_risk=0
    )
    return allowance_hits(
        pd.concat([rows, jobs], ignore_index=True),
        [
            "source",
            *PAYMENT_EVIDENCE,
            "employer_id",
            "contribution_insurance",
            "employer_amount",
        ],
        money=["amount", "employer_amount"],
    )


@indicator(
    code="unemployment.paid_with_pension",
    name_zh="领取基本养老金期间领取失业保险金",
    name_en="Allowance paid with a basic pension",
    insurance="unemployment",
    area="expenditure",
    severity="high",
    legal_basis=f"{REGULATIONS} Art. 15(4) (the allowance stops when the person draws a basic "
    "pension); Social Insurance Law Art. 51(4); " + LAW_FRAUD,
    reads={"benefits": (*PAYMENT_READS, "region_code")},
    optional_reads={"national_benefits": NATIONAL_BENEFIT_READS},
    history_months=0,
    subject="person",
    partition="person",
)
def paid_with_pension(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An allowance paid for the target period to a person who draws a basic pension
    (``basic_pension`` or ``resident_pension``) for the same period: here (``benefits``, a
    pension whose net for the period is above 0) or in another region or scheme
    (``national_benefits``, a pension row above 0). The pension rows are listed as evidence
    (amount 0): the money at risk is the allowance."""
    b = ctx.target("benefits")
    pensions = b[b["benefit_type"].isin(BASIC_PENSION_TYPES)].drop(columns="insurance")
    pensions = pensions[
        pensions.groupby(["person_id", "benefit_type", "period"])["amount"].transform("sum") > 0
    ].assign(source="benefits")
    if ctx.has("national_benefits"):
        n = ctx.target("national_benefits")
        n = n[n["benefit_type"].isin(BASIC_PENSION_TYPES) & (n["amount"] > 0)]
        pensions = pd.concat(
            [pensions, n.drop(columns="insurance").assign(source="national_benefits")],
            ignore_index=True,
        )
    rows = paid_in_same_period(net_payments(allowance_rows(ctx)), pensions).assign(
        source="benefits"
    )
    keys = rows[["person_id", "period"]].drop_duplicates()
    pensions = pensions.merge(keys, on=["person_id", "period"]).assign(at_risk=0)
    return allowance_hits(
        pd.concat([rows, pensions], ignore_index=True),
        ["source", "payment_id", "benefit_type", "period", "amount", "paid_date", "region_code"],
    )


@indicator(
    code="unemployment.paid_after_death",
    name_zh="死亡后继续领取失业保险金",
    name_en="Allowance paid after death",
    insurance="unemployment",
    area="expenditure",
    severity="high",
    legal_basis="Social Insurance Law Art. 49 (on a claimant's death the fund pays a funeral "
    "subsidy and a survivors' pension; the allowance ends); " + LAW_FRAUD,
    reads={"benefits": PAYMENT_READS, "deaths": ("person_id", "death_date")},
    history_months=0,
    subject="person",
    partition="person",
)
def paid_after_death(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An allowance paid for a period later than the month of death; the month of death itself
    is due."""
    rows = net_payments(
        paid_after_event_month(allowance_rows(ctx), ctx.table("deaths"), "death_date")
    )
    return allowance_hits(rows, [*PAYMENT_EVIDENCE, "death_date"])


@indicator(
    code="unemployment.paid_during_incarceration",
    name_zh="服刑期间领取失业保险金",
    name_en="Allowance paid during incarceration",
    insurance="unemployment",
    area="expenditure",
    severity="high",
    legal_basis=f"{REGULATIONS} Art. 15(5) (the allowance stops when the person is sentenced and "
    "imprisoned); " + LAW_FRAUD,
    reads={"benefits": PAYMENT_READS, "incarcerations": ("person_id", "start_date", "end_date")},
    history_months=0,
    subject="person",
    partition="person",
)
def paid_during_incarceration(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An allowance paid for a month strictly between the month of entry into prison and the
    month of release; both those months are due whatever the days, and an open spell (no release
    date) covers every later month."""
    rows = net_payments(paid_during_spell(allowance_rows(ctx), ctx.table("incarcerations")))
    rows = rows.rename(columns={"start_date": "entry_date", "end_date": "release_date"})
    return allowance_hits(rows, [*PAYMENT_EVIDENCE, "entry_date", "release_date"])


INDICATORS = (paid_while_employed, paid_with_pension, paid_after_death, paid_during_incarceration)
