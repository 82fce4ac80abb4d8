"""Settlements that external data say cannot be real: after death, or from inside a prison."""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import NoParams, ScreeningContext, indicator

from .records import (
    LAW_FRAUD,
    LAW_USE,
    SETTLEMENT_READS,
    settlement_hits,
    target_settlements,
    target_visits,
)
from .spells import dated_during_spell

EVIDENCE = ["settlement_id", "visit_type", "provider_id", "admit_date", "fund_amount"]


@indicator(
    code="medical.settled_after_death",
    name_zh="死亡后发生医保结算",
    name_en="Medical settlement after death",
    insurance="medical",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW_FRAUD}; {LAW_USE} (冒名就医、虚构医药服务)",
    reads={"medical_settlements": SETTLEMENT_READS, "deaths": ("person_id", "death_date")},
    history_months=0,
    subject="person",
    partition="person",
)
def settled_after_death(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """A settlement of the target period whose admit date (for outpatient and pharmacy, the
    visit date) is later than the person's date of death. A stay begun before death and ending
    with it is not flagged: the day of death itself is not after it."""
    deaths = ctx.table("deaths")[["person_id", "death_date"]].dropna()
    ts = target_settlements(ctx)
    ts = ts[ts["person_id"].isin(deaths["person_id"].unique()).to_numpy(dtype=bool)]
    rows = ts.merge(deaths, on="person_id", how="inner")
    rows = rows[(rows["admit_date"] > rows["death_date"]).to_numpy(dtype=bool)]
    return settlement_hits(rows, [*EVIDENCE, "death_date"])


@indicator(
    code="medical.settled_during_incarceration",
    name_zh="服刑期间发生门诊或购药结算",
    name_en="Outpatient or pharmacy settlement during incarceration",
    insurance="medical",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW_FRAUD}; {LAW_USE} (冒名就医、盗刷医保凭证)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "incarcerations": ("person_id", "start_date", "end_date"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def settled_during_incarceration(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An outpatient or pharmacy settlement of the target period whose date lies strictly inside
    an incarceration spell of the person: the day of entry and the day of release are not
    inside; an open spell (no release date) covers every later day."""
    spells = ctx.table("incarcerations")[["person_id", "start_date", "end_date"]].rename(
        columns={"start_date": "entry_date", "end_date": "release_date"}
    )
    visits = target_visits(ctx, spells["person_id"])
    rows = dated_during_spell(
        visits, spells, date="admit_date", start="entry_date", end="release_date"
    )
    return settlement_hits(rows, [*EVIDENCE, "entry_date", "release_date"])
