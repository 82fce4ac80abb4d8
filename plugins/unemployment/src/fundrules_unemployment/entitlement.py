"""The claim behind an allowance: contribution months, entitlement, reason for leaving the job."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from fundrules.plugin_api import NoParams, Params, ScreeningContext, indicator, net_payments, param

from .allowances import (
    CLAIM_EVIDENCE,
    CLAIM_READS,
    LAW_FRAUD,
    PAYMENT_EVIDENCE,
    PAYMENT_READS,
    REGULATIONS,
    allowance_hits,
    allowance_rows,
    link_claims,
    months_paid,
)

STATUTE_DATE = "1999-01-22"
"""The Regulations on Unemployment Insurance took effect on the day they were promulgated; the
Social Insurance Law (2011-07-01) Art. 45 and 46 kept the same conditions and table."""


class EntitlementBand(BaseModel):
    """One line of the statutory table: from this many contribution months, at most this many
    months of allowance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_contribution_months: int = Field(ge=0)
    max_allowance_months: int = Field(ge=0)


STATUTORY_ENTITLEMENT: dict[str, list[EntitlementBand]] = {
    STATUTE_DATE: [
        EntitlementBand(min_contribution_months=12, max_allowance_months=12),
        EntitlementBand(min_contribution_months=60, max_allowance_months=18),
        EntitlementBand(min_contribution_months=120, max_allowance_months=24),
    ]
}


def linked_allowances(ctx: ScreeningContext) -> pd.DataFrame:
    """The target period's allowances (groups holding a payment) with the claim they link to;
    allowances with no claim registered by the end of their period are left out."""
    rows = link_claims(net_payments(allowance_rows(ctx)), ctx.table("unemployment_claims"))
    return rows[rows["claim_id"].notna()]


class ExceedsEntitlementParams(Params):
    entitlement: list[EntitlementBand] = param(
        STATUTORY_ENTITLEMENT,
        description="statutory maximum months of allowance by contribution months (12–59: 12; "
        "60–119: 18; 120 and more: 24); claims below the first line have no entitlement and are "
        "left to unemployment.insufficient_contribution",
        standing_law=True,
        source=f"{REGULATIONS} Art. 17; Social Insurance Law Art. 46",
    )


@indicator(
    code="unemployment.exceeds_entitlement",
    name_zh="超期限领取失业保险金",
    name_en="Allowance beyond the entitlement",
    insurance="unemployment",
    area="expenditure",
    severity="high",
    legal_basis=f"{REGULATIONS} Art. 17 (12–59 contribution months: at most 12 months of "
    "allowance; 60–119: 18; 120 and more: 24); Social Insurance Law Art. 46; " + LAW_FRAUD,
    reads={"benefits": PAYMENT_READS, "unemployment_claims": CLAIM_READS},
    history_months=None,
    subject="person",
    partition="person",
    params=ExceedsEntitlementParams,
)
def exceeds_entitlement(ctx: ScreeningContext, p: ExceedsEntitlementParams) -> pd.DataFrame:
    """An allowance paid for the target period on a claim with at least 12 contribution months
    (the statutory table's first line) when more months of allowance have been paid from the
    claim's ``first_period`` through the target period (this one included; a month counts when
    its net is above 0) than ``entitled_months``, or when ``entitled_months`` is above the
    statutory maximum for the claim's contribution months. Exactly the entitled months is due."""
    bands = sorted(p.entitlement, key=lambda b: b.min_contribution_months)
    mins = np.array([b.min_contribution_months for b in bands], dtype="int64")
    maxs = np.array([b.max_allowance_months for b in bands], dtype="int64")
    rows = linked_allowances(ctx)
    rows = rows[rows["contribution_months"].astype("int64") >= mins[0]]
    line = np.searchsorted(mins, rows["contribution_months"].to_numpy("int64"), side="right") - 1
    rows = rows.assign(statutory_max_months=maxs[line])

    history = allowance_rows(ctx, target_only=False)
    history = history[
        (history["period"] <= ctx.period) & history["person_id"].isin(rows["person_id"])
    ]
    months = months_paid(history).rename(columns={"period": "_month"})
    claims = rows[["person_id", "claim_id", "first_period"]].drop_duplicates()
    since = claims.merge(months, on="person_id")
    since = since[since["_month"] >= since["first_period"]]
    count = since.groupby(["person_id", "claim_id"]).size().rename("months_paid").reset_index()
    rows = rows.merge(count, on=["person_id", "claim_id"], how="left")
    rows["months_paid"] = rows["months_paid"].fillna(0).astype("int64")

    beyond = (rows["months_paid"] > rows["entitled_months"]).astype(bool)
    above = (rows["entitled_months"] > rows["statutory_max_months"]).astype(bool)
    rows = rows.assign(
        reason=np.select(
            [beyond & above, beyond],
            [
                "months paid beyond the entitlement; entitlement above the statutory maximum",
                "months paid beyond the entitlement",
            ],
            "entitlement above the statutory maximum",
        )
    )[beyond | above]
    return allowance_hits(
        rows,
        [
            *PAYMENT_EVIDENCE,
            *CLAIM_EVIDENCE[:5],
            "months_paid",
            "statutory_max_months",
            "reason",
        ],
    )


class InsufficientContributionParams(Params):
    min_months: int = param(
        {STATUTE_DATE: 12},
        description="contribution months a claim needs (an allowance on a claim with fewer is "
        "flagged; exactly this many is enough)",
        stricter="lower",
        standing_law=True,
        source=f"{REGULATIONS} Art. 14(1); Social Insurance Law Art. 45(1)",
    )


@indicator(
    code="unemployment.insufficient_contribution",
    name_zh="缴费不满一年领取失业保险金",
    name_en="Allowance on fewer than 12 contribution months",
    insurance="unemployment",
    area="expenditure",
    severity="high",
    legal_basis=f"{REGULATIONS} Art. 14(1) (the employer and the person have contributed for at "
    "least one year); Social Insurance Law Art. 45(1); " + LAW_FRAUD,
    reads={"benefits": PAYMENT_READS, "unemployment_claims": CLAIM_READS},
    history_months=0,
    subject="person",
    partition="person",
    params=InsufficientContributionParams,
)
def insufficient_contribution(
    ctx: ScreeningContext, p: InsufficientContributionParams
) -> pd.DataFrame:
    """An allowance paid for the target period on a claim whose ``contribution_months`` is below
    the threshold (12): no entitlement at all. Exactly 12 is enough."""
    rows = linked_allowances(ctx)
    rows = rows[(rows["contribution_months"] < p.min_months).astype(bool)]
    rows = rows.assign(min_months=p.min_months)
    return allowance_hits(rows, [*PAYMENT_EVIDENCE, *CLAIM_EVIDENCE[:5], "min_months"])


@indicator(
    code="unemployment.voluntary_separation",
    name_zh="主动离职领取失业保险金",
    name_en="Allowance after a voluntary separation",
    insurance="unemployment",
    area="expenditure",
    severity="medium",
    legal_basis=f"{REGULATIONS} Art. 14(2) (employment interrupted against the person's will); "
    "Social Insurance Law Art. 45(2); " + LAW_FRAUD,
    reads={"benefits": PAYMENT_READS, "unemployment_claims": CLAIM_READS},
    history_months=0,
    subject="person",
    partition="person",
    params=NoParams,
)
def voluntary_separation(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An allowance paid for the target period on a claim whose ``separation_reason`` is
    ``voluntary`` (the person quit): the allowance is for employment interrupted against the
    person's will. ``other`` (a contract that ran out, a closure…) is not judged."""
    rows = linked_allowances(ctx)
    rows = rows[(rows["separation_reason"] == "voluntary").astype(bool)]
    return allowance_hits(rows, [*PAYMENT_EVIDENCE, *CLAIM_EVIDENCE])


INDICATORS = (exceeds_entitlement, insufficient_contribution, voluntary_separation)
