"""Pension payments as the pension indicators read them, and the laws they cite.

A pension payment is a ``benefits`` row of a basic-pension type (``basic_pension`` or
``resident_pension``, whatever its ``insurance`` cell says). A negative row is a reversal: it offsets
the payments of its person, benefit type and period (and account, where that matters), it is not
a payment of its own. A group of rows is a payment when it nets to more than zero; the money it
moved is its net sum, so an indicator lists every row of such a group (reversals included) and the
amounts add up to the net.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fundrules.plugin_api import ScreeningContext

from .tables import BASIC_PENSION_TYPES

PAYMENT_KEYS: tuple[str, ...] = ("person_id", "benefit_type", "period")
PAYMENT_EVIDENCE: list[str] = ["payment_id", "benefit_type", "period", "amount", "paid_date"]

LAW_FRAUD = (
    "Social Insurance Law Art. 88 (benefits obtained by fraud are returned, with a fine of two to "
    "five times); Network Supervision Measures Art. 6"
)
LAW_PENSION_RIGHT = (
    "Social Insurance Law Art. 16 (basic pension paid monthly from the statutory retirement age, "
    "after at least 15 years of contributions)"
)


def basic_pension_rows(ctx: ScreeningContext, *, target_only: bool = True) -> pd.DataFrame:
    """``benefits`` rows of the basic-pension types: the target period's, or every period's."""
    b = ctx.target("benefits") if target_only else ctx.table("benefits")
    return b[b["benefit_type"].isin(BASIC_PENSION_TYPES)].drop(columns="insurance")


def paid(rows: pd.DataFrame, keys: Sequence[str] = PAYMENT_KEYS) -> pd.DataFrame:
    """The rows of the groups (by ``keys``) that net to a payment (> 0), reversals included."""
    if rows.empty:
        return rows
    net = rows.groupby(list(keys), dropna=False)["amount"].transform("sum")
    return rows[net > 0]
