"""Pension payments as the pension indicators read them, and the laws they cite.

A pension payment is a ``benefits`` row of a basic-pension type (``basic_pension`` or
``resident_pension``, whatever its ``insurance`` cell says). As in the core (decisions.md D7), a
negative row is a reversal: it is not a payment of its own, it offsets the payments of its person,
benefit type and period (and account, where that matters). So a group of rows is flagged when it
holds a positive row, all its rows are listed (reversals too), and the money at risk is the group's
net sum, never below 0: a payment recovered in full in the same period is still shown, at 0.
"""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import ScreeningContext, is_in

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
    basic = is_in(b["benefit_type"], pd.Index(sorted(BASIC_PENSION_TYPES)))  # hashed in C
    return b[basic.to_numpy()].drop(columns="insurance")
