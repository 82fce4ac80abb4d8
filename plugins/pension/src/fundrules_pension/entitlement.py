"""Pensions paid to people no longer entitled: after death, in prison, unverified centenarians."""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import (
    BENEFIT_READS,
    NoParams,
    Params,
    ScreeningContext,
    age_on,
    as_hits,
    indicator,
    net_payments,
    paid_after_event_month,
    paid_during_spell,
    param,
)

from .payments import LAW_FRAUD, PAYMENT_EVIDENCE, basic_pension_rows

PAYMENT_READS = BENEFIT_READS


@indicator(
    code="pension.paid_after_death",
    name_zh="死亡后继续领取养老金",
    name_en="Pension paid after death",
    insurance="pension",
    area="expenditure",
    severity="high",
    legal_basis=LAW_FRAUD + "; Regulations on Social Insurance Handling (社会保险经办条例, 2023): "
    "benefits stop with the month of death",
    reads={"benefits": PAYMENT_READS, "deaths": ("person_id", "death_date", "source")},
    history_months=0,
    subject="person",
    partition="person",
)
def paid_after_death(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """A basic pension (employee or resident) paid for a period later than the month of death.
    The month of death itself is due. Reversals offset; the amount at risk is the net paid."""
    deaths = ctx.table("deaths")
    rows = net_payments(paid_after_event_month(basic_pension_rows(ctx), deaths, "death_date"))
    if "source" in deaths:
        rows = rows.merge(
            deaths[["person_id", "source"]].rename(columns={"source": "death_source"}),
            on="person_id",
            how="left",
        )
    else:
        rows = rows.assign(death_source=pd.NA)
    return as_hits(
        rows,
        evidence=[*PAYMENT_EVIDENCE, "death_date", "death_source"],
        amount="at_risk",
        money=["amount"],
    )


@indicator(
    code="pension.paid_during_incarceration",
    name_zh="服刑期间领取养老金",
    name_en="Pension paid during incarceration",
    insurance="pension",
    area="expenditure",
    severity="high",
    legal_basis=LAW_FRAUD + "; 劳社厅函〔2001〕44号 (retirees sentenced to imprisonment receive no "
    "basic pension while serving the sentence)",
    reads={"benefits": PAYMENT_READS, "incarcerations": ("person_id", "start_date", "end_date")},
    history_months=0,
    subject="person",
    partition="person",
)
def paid_during_incarceration(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """A basic pension paid for a month strictly between the month of entry into prison and the
    month of release; those two months are due whatever the days, and an open spell (no release
    date) covers every later month."""
    rows = net_payments(paid_during_spell(basic_pension_rows(ctx), ctx.table("incarcerations")))
    rows = rows.rename(columns={"start_date": "entry_date", "end_date": "release_date"})
    return as_hits(
        rows,
        evidence=[*PAYMENT_EVIDENCE, "entry_date", "release_date"],
        amount="at_risk",
        money=["amount"],
    )


class CentenarianParams(Params):
    age: int = param(
        100,
        description="age (completed years on the period's last day) from which a paid pensioner "
        "needs a life-status check",
        stricter="higher",
    )


@indicator(
    code="pension.centenarian_unverified",
    name_zh="高龄领取人员待核实生存状态",
    name_en="Centenarian pensioner to verify",
    insurance="pension",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_FRAUD + "; MOHRSS rules on benefit entitlement verification "
    "(社会保险待遇资格认证经办规程): agencies verify that recipients are alive",
    reads={"benefits": PAYMENT_READS},
    optional_reads={"persons": ("person_id", "sex", "birth_date")},
    history_months=0,
    subject="person",
    partition="person",
    params=CentenarianParams,
)
def centenarian_unverified(ctx: ScreeningContext, p: CentenarianParams) -> pd.DataFrame:
    """A basic pension paid for the period to a person aged 100 or more on the period's last day
    (birth date from the ID where it is valid, else ``persons``): their life status needs a
    check. People whose birth date is unknown are not judged."""
    rows = net_payments(basic_pension_rows(ctx))
    birth = ctx.profiles["birth_date"].reindex(rows["person_id"])
    rows = rows.assign(birth_date=birth.to_numpy())
    rows = rows[rows["birth_date"].notna()]
    rows = rows.assign(age=age_on(rows["birth_date"], pd.Timestamp(ctx.period_end)))
    rows = rows[rows["age"] >= p.age]
    return as_hits(
        rows, evidence=[*PAYMENT_EVIDENCE, "birth_date", "age"], amount="at_risk", money=["amount"]
    )
