"""Allowances as the unemployment indicators read them, their claims, and the laws they cite.

An allowance is a ``benefits`` row of type ``unemployment_allowance`` (whatever its ``insurance``
cell says). As in the core (decisions.md D7), a negative row is a reversal: not a payment of its
own, it offsets the person's allowance of the same period. So a person's allowance of a period is
flagged when it holds a positive row; all its rows are listed (reversals too) and the money at risk
is its net sum, never below 0. A month "paid" in a count of months is a month whose net is above 0.

Payments carry no claim id. An allowance links to the person's latest claim registered on or
before the last day of the period it pays for (same registration date: the larger ``claim_id``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fundrules.plugin_api import BENEFIT_READS, ScreeningContext, as_hits

from .tables import ALLOWANCE

ALLOWANCE_KEYS: tuple[str, ...] = ("person_id", "period")
PAYMENT_READS = BENEFIT_READS
PAYMENT_EVIDENCE: list[str] = ["payment_id", "period", "amount", "paid_date"]
CLAIM_READS: tuple[str, ...] = (
    "claim_id",
    "person_id",
    "registration_date",
    "first_period",
    "entitled_months",
    "contribution_months",
    "separation_reason",
)
CLAIM_EVIDENCE: list[str] = [
    "claim_id",
    "registration_date",
    "first_period",
    "contribution_months",
    "entitled_months",
    "separation_reason",
]

REGULATIONS = "Regulations on Unemployment Insurance (失业保险条例, 1999)"
LAW_FRAUD = (
    "Social Insurance Law Art. 88 (benefits obtained by fraud are returned, with a fine of two to "
    "five times)"
)


def allowance_rows(ctx: ScreeningContext, *, target_only: bool = True) -> pd.DataFrame:
    """``benefits`` rows of the allowance: the target period's, or every period's."""
    b = ctx.target("benefits") if target_only else ctx.table("benefits")
    return b[b["benefit_type"] == ALLOWANCE].drop(columns="insurance")


def months_paid(rows: pd.DataFrame) -> pd.DataFrame:
    """(person_id, period) of the months whose net allowance is above 0."""
    net = rows.groupby(list(ALLOWANCE_KEYS), as_index=False)["amount"].sum()
    return net.loc[net["amount"] > 0, list(ALLOWANCE_KEYS)]


def _period_end(periods: pd.Series) -> pd.Series:
    """The last day of each month number, as ``datetime64[s]``."""
    months = periods.to_numpy("int64") - 1970 * 12 + 1
    next_first = months.astype("datetime64[M]").astype("datetime64[D]")
    return pd.Series((next_first - 1).astype("datetime64[s]"), index=periods.index)


def link_claims(rows: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (person_id, period) with the columns of their claim: the person's latest claim
    registered on or before the last day of the row's period (same day: the larger claim_id).
    Rows with no such claim keep empty claim columns. A join of each (person, period) with that
    person's claims: a person holds a handful of claims, so this stays linear in the rows."""
    c = claims[list(CLAIM_READS)]
    keys = rows[list(ALLOWANCE_KEYS)].drop_duplicates()
    keys = keys.assign(_end=_period_end(keys["period"]))
    pairs = keys.merge(c, on="person_id")
    pairs = pairs[(pairs["registration_date"] <= pairs["_end"]).astype(bool)]
    pairs = pairs.sort_values([*ALLOWANCE_KEYS, "registration_date", "claim_id"])
    latest = pairs.drop_duplicates(list(ALLOWANCE_KEYS), keep="last").drop(columns="_end")
    linked = rows.merge(latest, on=list(ALLOWANCE_KEYS), how="left")
    linked.index = rows.index
    return linked


def allowance_hits(
    rows: pd.DataFrame, evidence: Sequence[str], money: Sequence[str] = ("amount",)
) -> pd.DataFrame:
    """Flagged rows as hits: the person, the net at risk (``at_risk``), the evidence columns in a
    stable order (person, period, payment)."""
    order = [c for c in ("person_id", "period", "source", "payment_id") if c in rows.columns]
    rows = rows.sort_values(order, kind="stable", na_position="last")
    return as_hits(rows, amount="at_risk", evidence=list(evidence), money=list(money))
