"""Maternity events that cannot have happened as recorded: births too close, an implausible age."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import (
    Params,
    ScreeningContext,
    age_on,
    as_hits,
    indicator,
    month_of,
    param,
)

from .claims import (
    CLAIM_EVIDENCE,
    CLAIM_MONEY,
    CLAIM_READS,
    LAW_FRAUD,
    LAW_LEAVE,
    LAW_MATERNITY,
    claims_of_period,
)


class BirthsTooCloseParams(Params):
    min_days: int = param(
        180,
        description="days two birth claims of one person must be apart at least (a gap of "
        "exactly this many days is accepted)",
        stricter="lower",
    )


@indicator(
    code="maternity.births_too_close",
    name_zh="生育间隔过短",
    name_en="Two births of one person too close together",
    insurance="maternity",
    area="expenditure",
    severity="high",
    legal_basis=LAW_MATERNITY + "; " + LAW_LEAVE + "; " + LAW_FRAUD + " (a second birth claimed "
    "within months of the first: a duplicated or fictitious event)",
    reads={"maternity_claims": CLAIM_READS},
    history_months=0,
    subject="person",
    partition="person",
    params=BirthsTooCloseParams,
)
def births_too_close(ctx: ScreeningContext, p: BirthsTooCloseParams) -> pd.DataFrame:
    """A ``birth`` claim whose event falls in the target period, less than 180 days after the
    person's previous ``birth`` claim (the gap is the later date minus the earlier; two births on
    the same day are 0 days apart; 180 days is accepted). The pair is judged in the period of its
    later claim, so it fires once. No money moves on a claim (amount 0)."""
    c = ctx.table("maternity_claims")
    b = c[c["event_type"] == "birth"].sort_values(
        ["person_id", "event_date", "claim_id"], kind="stable"
    )
    by_person = b.groupby("person_id")
    b = b.assign(
        previous_claim_id=by_person["claim_id"].shift(),
        previous_event_date=by_person["event_date"].shift(),
    )
    b = b.assign(gap_days=(b["event_date"] - b["previous_event_date"]).dt.days)
    hit = (month_of(b["event_date"]) == ctx.period) & (b["gap_days"] < p.min_days)
    b = b[hit.fillna(False).astype(bool)]
    b = b.assign(gap_days=b["gap_days"].astype("int64"), min_days=p.min_days, amount=0)
    return as_hits(
        b,
        evidence=[
            *CLAIM_EVIDENCE,
            "previous_claim_id",
            "previous_event_date",
            "gap_days",
            "min_days",
        ],
        money=CLAIM_MONEY,
    )


class ImplausibleAgeParams(Params):
    min_age: int = param(
        16,
        description="youngest plausible age at the event (completed years; this age is accepted)",
        stricter="lower",
    )
    max_age: int = param(
        55,
        description="oldest plausible age at the event (completed years; this age is accepted)",
        stricter="higher",
    )


@indicator(
    code="maternity.implausible_age",
    name_zh="生育年龄异常",
    name_en="Maternity claim at an implausible age",
    insurance="maternity",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MATERNITY + "; " + LAW_FRAUD + " (a claimant too young or too old for the "
    "event: an impersonation or a false identity)",
    reads={"maternity_claims": CLAIM_READS},
    optional_reads={"persons": ("person_id", "sex", "birth_date")},
    history_months=0,
    subject="person",
    partition="person",
    params=ImplausibleAgeParams,
)
def implausible_age(ctx: ScreeningContext, p: ImplausibleAgeParams) -> pd.DataFrame:
    """A claim whose event falls in the target period, of a claimant aged below 16 or above 55
    (completed years on the event date: 16 and 55 are accepted, 56 is not). Birth date from the
    ID where it passes the ID check, else ``persons``; a claimant whose birth date is unknown is
    not judged. Every event type counts. No money moves on a claim (amount 0)."""
    c = claims_of_period(ctx)
    birth = ctx.profiles["birth_date"].reindex(c["person_id"])
    c = c.assign(birth_date=birth.to_numpy())
    c = c[c["birth_date"].notna()]
    c = c.assign(age=age_on(c["birth_date"], c["event_date"]))
    young = (c["age"] < p.min_age).fillna(False).to_numpy(dtype=bool)
    old = (c["age"] > p.max_age).fillna(False).to_numpy(dtype=bool)
    c = c.assign(reason=np.where(young, f"below {p.min_age}", f"above {p.max_age}"), amount=0)[
        young | old
    ]
    return as_hits(c, evidence=[*CLAIM_EVIDENCE, "birth_date", "age", "reason"], money=CLAIM_MONEY)
