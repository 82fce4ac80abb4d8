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

import numpy as np
import pandas as pd

from fundrules.plugin_api import ScreeningContext, as_hits

from .tables import ALLOWANCE

ALLOWANCE_KEYS: tuple[str, ...] = ("person_id", "period")
PAYMENT_READS: tuple[str, ...] = (
    "payment_id",
    "person_id",
    "benefit_type",
    "period",
    "amount",
    "paid_date",
)
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


def paid(rows: pd.DataFrame, keys: Sequence[str] = ALLOWANCE_KEYS) -> pd.DataFrame:
    """The rows of the groups (by ``keys``) that hold a payment (a positive row), reversals
    included, with ``net`` (the group's sum) on every row and ``at_risk``: the net, never below
    0, on the group's largest row (ties: the smallest payment_id), 0 on the others."""
    by = list(keys)
    if rows.empty:
        return rows.assign(net=pd.Series(dtype="int64"), at_risk=pd.Series(dtype="int64"))
    rows = rows[rows.groupby(by)["amount"].transform("max") > 0]
    net = rows.groupby(by)["amount"].transform("sum").astype("int64")
    ordered = rows.sort_values(["amount", "payment_id"], ascending=[False, True], kind="stable")
    largest = ~ordered.duplicated(by).reindex(rows.index)
    at_risk = np.where(largest, net.clip(lower=0), 0).astype("int64")
    return rows.assign(net=net, at_risk=at_risk)


def months_paid(rows: pd.DataFrame) -> pd.DataFrame:
    """(person_id, period) of the months whose net allowance is above 0."""
    net = rows.groupby(list(ALLOWANCE_KEYS), as_index=False)["amount"].sum()
    return net.loc[net["amount"] > 0, list(ALLOWANCE_KEYS)]


def _period_end(periods: pd.Series) -> pd.Series:
    """The last day of each month number, as ``datetime64[s]``."""
    nxt = periods.astype("int64") + 1
    first = pd.to_datetime(pd.DataFrame({"year": nxt // 12, "month": nxt % 12 + 1, "day": 1}))
    return (first - pd.Timedelta(days=1)).astype("datetime64[s]")


def link_claims(rows: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (person_id, period) with the columns of their claim: the person's latest claim
    registered on or before the last day of the row's period (same day: the larger claim_id).
    Rows with no such claim keep empty claim columns."""
    c = claims[list(CLAIM_READS)].sort_values(["registration_date", "claim_id"])
    c = c.drop_duplicates(["person_id", "registration_date"], keep="last")
    c = c.assign(_on=c["registration_date"].astype("datetime64[s]"))
    left = rows.reset_index(names="_row")
    left = left.assign(_on=_period_end(left["period"])).sort_values("_on", kind="stable")
    linked = pd.merge_asof(left, c, on="_on", by="person_id", direction="backward")
    return linked.sort_values("_row").drop(columns="_on").set_index("_row").rename_axis(None)


def allowance_hits(
    rows: pd.DataFrame, evidence: Sequence[str], money: Sequence[str] = ("amount",)
) -> pd.DataFrame:
    """Flagged rows as hits: the person, the net at risk (``at_risk``), the evidence columns in a
    stable order (person, period, payment)."""
    order = [c for c in ("person_id", "period", "source", "payment_id") if c in rows.columns]
    rows = rows.sort_values(order, kind="stable", na_position="last")
    return as_hits(rows, amount="at_risk", evidence=list(evidence), money=list(money))
