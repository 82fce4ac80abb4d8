"""Maternity claims and allowance payments as the indicators read them, and the laws they cite.

Two scopes (indicators.md, "Scope of a run"):

- a **claim event** belongs to the period of its ``event_date`` (the birth, miscarriage or other
  maternity event); claim-based indicators screen the claims whose event falls in the target
  period, the other claims are history. No money moves on a claim row itself (it is paid through
  ``benefits``), so their amount at risk is 0 and the claim's figures are evidence;
- an **allowance payment** is a ``benefits`` row of type ``maternity_allowance`` for the target
  period. As in the core (decisions.md D7), a negative row is a reversal that offsets the
  person's rows of the period: a person is flagged when they have a positive row, all their rows
  are listed, and the amount at risk is their net (never below 0).

Payments carry no claim id: an allowance links to a claim through the person (indicators.md,
"Linking") — the person's latest claim whose event date is on or before the last day of the
payment's period; where there is none, their earliest later claim (an allowance paid ahead of
the event, for leave taken before it).
"""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import BENEFIT_READS, ScreeningContext, month_of, net_payments

LAW_MATERNITY = (
    "Social Insurance Law Art. 53-56 (maternity insurance: employees insured through their "
    "employer; allowance for maternity leave at the employer's average monthly wage of the "
    "previous year)"
)
LAW_LEAVE = (
    "Special Rules on Labour Protection of Female Employees (State Council Order No. 619, 2012) "
    "Art. 7 (98 days; +15 dystocia; +15 per extra baby; miscarriage < 4 months 15 days, "
    ">= 4 months 42 days) and Art. 8 (allowance at the employer's average monthly wage)"
)
LAW_FRAUD = (
    "Social Insurance Law Art. 88 (benefits obtained by fraud or forged documents are returned, "
    "with a fine of two to five times)"
)
LAW_REGIONAL = "regional maternity insurance measures (地方生育保险办法)"

CLAIM_EVIDENCE: list[str] = [
    "claim_id",
    "event_type",
    "event_date",
    "employer_id",
    "allowance_amount",
]
CLAIM_MONEY: list[str] = ["allowance_amount"]
CLAIM_READS: tuple[str, ...] = (
    "claim_id",
    "person_id",
    "employer_id",
    "event_type",
    "event_date",
    "allowance_amount",
)
PAYMENT_EVIDENCE: list[str] = ["payment_id", "benefit_type", "period", "amount", "paid_date"]
PAYMENT_READS = BENEFIT_READS


def claims_of_period(ctx: ScreeningContext, event_type: str | None = None) -> pd.DataFrame:
    """Claims whose event date falls in the target period (optionally of one event type)."""
    c = ctx.table("maternity_claims")
    keep = (month_of(c["event_date"]) == ctx.period).fillna(False).astype(bool)
    if event_type is not None:
        keep &= c["event_type"] == event_type
    return c[keep]


def allowance_payments(ctx: ScreeningContext) -> pd.DataFrame:
    """The target period's ``maternity_allowance`` rows of the persons who were paid (a positive
    row), reversals included, with ``at_risk``: the person's net (never below 0) on their largest
    row (ties: the smallest payment_id), 0 on the others."""
    b = ctx.target("benefits")
    b = b[b["benefit_type"] == "maternity_allowance"]
    return net_payments(b, keys=("person_id",)).drop(columns="net")


def link_to_claims(
    payments: pd.DataFrame, claims: pd.DataFrame, period_end: object, how: str = "inner"
) -> pd.DataFrame:
    """Each payment with the claim it is paid on (``how="inner"``: payments of persons without a
    claim drop out; ``"left"``: they keep empty claim columns): the person's latest claim with ``event_date`` on or before ``period_end``
    (ties: the largest claim_id), else their earliest later one (ties: the smallest)."""
    end = pd.Timestamp(period_end)
    c = claims.sort_values(["person_id", "event_date", "claim_id"], kind="stable")
    later = (c["event_date"] > end).to_numpy()
    before = c[~later].drop_duplicates("person_id", keep="last")
    after = c[later].drop_duplicates("person_id", keep="first")
    chosen = pd.concat([before, after[~after["person_id"].isin(before["person_id"])]])
    return payments.merge(chosen, on="person_id", how=how, suffixes=("", "_claim"))
