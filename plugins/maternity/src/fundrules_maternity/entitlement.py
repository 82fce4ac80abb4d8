"""Allowances paid to people not entitled to them: a man, or a claim short of contributions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import (
    NoParams,
    Params,
    ScreeningContext,
    as_hits,
    indicator,
    param,
)

from .claims import (
    CLAIM_READS,
    LAW_FRAUD,
    LAW_MATERNITY,
    LAW_REGIONAL,
    PAYMENT_EVIDENCE,
    PAYMENT_READS,
    allowance_payments,
    link_to_claims,
)


@indicator(
    code="maternity.male_claimant",
    name_zh="男性领取生育津贴",
    name_en="Maternity allowance paid to a man",
    insurance="maternity",
    area="expenditure",
    severity="high",
    legal_basis=LAW_MATERNITY + "; Special Rules on Labour Protection of Female Employees (2012) "
    "Art. 7-8 (the allowance pays a woman's maternity leave); " + LAW_FRAUD,
    reads={"benefits": PAYMENT_READS},
    optional_reads={
        "persons": ("person_id", "sex", "birth_date"),
        "maternity_claims": CLAIM_READS,
    },
    history_months=0,
    subject="person",
    partition="person",
)
def male_claimant(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """A ``maternity_allowance`` paid for the target period to a man: sex from the ID where it
    passes the ID check, else ``persons``; a person whose sex is unknown is not judged. The claim
    it is paid on (when ``maternity_claims`` is present) is shown, not required.
    ``maternity_medical`` is not judged (an insured man's unemployed wife has her maternity
    medical costs paid on his insurance, Social Insurance Law Art. 54). Reversals offset; the
    amount at risk is the net paid."""
    rows = allowance_payments(ctx)
    prof = ctx.profiles.reindex(rows["person_id"])
    rows = rows.assign(
        sex=prof["sex"].to_numpy(),
        sex_from=np.where(prof["id_valid"].fillna(False).to_numpy(dtype=bool), "id", "persons"),
    )
    rows = rows[(rows["sex"] == "M").fillna(False).astype(bool)]
    if ctx.has("maternity_claims"):
        claims = ctx.table("maternity_claims")[
            ["person_id", "claim_id", "event_type", "event_date"]
        ]
        rows = link_to_claims(rows, claims, ctx.period_end, how="left")
    else:
        rows = rows.assign(claim_id=pd.NA, event_type=pd.NA, event_date=pd.NaT)
    return as_hits(
        rows,
        amount="at_risk",
        evidence=[*PAYMENT_EVIDENCE, "sex", "sex_from", "claim_id", "event_type", "event_date"],
        money=["amount"],
    )


class InsufficientContributionParams(Params):
    min_months: int = param(
        12,
        description="contribution months a claim needs for the allowance (fewer is suspicious, "
        "exactly this many is enough)",
        stricter="lower",
        source=LAW_REGIONAL,
    )


@indicator(
    code="maternity.insufficient_contribution",
    name_zh="缴费不足领取生育津贴",
    name_en="Maternity allowance on a claim short of contribution months",
    insurance="maternity",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MATERNITY + "; " + LAW_REGIONAL + " (a minimum of continuous contribution "
    "months before the allowance is paid by the fund)",
    reads={
        "benefits": PAYMENT_READS,
        "maternity_claims": (
            "claim_id",
            "person_id",
            "event_type",
            "event_date",
            "contribution_months",
        ),
    },
    history_months=0,
    subject="person",
    partition="person",
    params=InsufficientContributionParams,
)
def insufficient_contribution(
    ctx: ScreeningContext, p: InsufficientContributionParams
) -> pd.DataFrame:
    """A ``maternity_allowance`` paid for the target period on a claim whose
    ``contribution_months`` is below the threshold (12: eleven is flagged, twelve is not). The
    payment links to the person's latest claim with an event on or before the period's last day,
    else their earliest later one; an allowance with no claim at all is not judged here.
    Reversals offset; the amount at risk is the net paid."""
    rows = link_to_claims(allowance_payments(ctx), ctx.table("maternity_claims"), ctx.period_end)
    rows = rows[(rows["contribution_months"] < p.min_months).fillna(False).astype(bool)]
    rows = rows.assign(min_months=p.min_months)
    return as_hits(
        rows,
        amount="at_risk",
        evidence=[
            *PAYMENT_EVIDENCE,
            "claim_id",
            "event_type",
            "event_date",
            "contribution_months",
            "min_months",
        ],
        money=["amount"],
    )
