"""Cash-basis money shared by the core's data-quality and fund checks."""

from __future__ import annotations

import pandas as pd

from fundrules.period import month_of
from fundrules.schema import PaymentTable
from fundrules.screening import ScreeningContext


def _payment_insurance(rows: pd.DataFrame, payments: PaymentTable) -> pd.Series | str:
    if payments.insurance_column is not None:
        return rows[payments.insurance_column]
    return payments.insurance or ""


def payments_in_target(ctx: ScreeningContext) -> pd.DataFrame:
    """Payments of the target period (indicators.md, "Data quality scope") from every
    person-payment table the plugins declare (``ctx.payment_tables``; the core's ``benefits``
    among them), reversals included as offsets. Columns: ``person_id``, ``insurance``,
    ``source`` (the table), ``amount_fen``."""
    parts = []
    for payments in ctx.payment_tables:
        if not ctx.has(payments.table):
            continue
        rows = ctx.target(payments.table)
        parts.append(
            pd.DataFrame(
                {
                    "person_id": rows[payments.person_column],
                    "insurance": _payment_insurance(rows, payments),
                    "source": payments.table,
                    "amount_fen": rows[payments.amount_column],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["person_id", "insurance", "source", "amount_fen"])
    return pd.concat(parts, ignore_index=True)


def _paid_in_period(ctx: ScreeningContext, payments: PaymentTable) -> pd.DataFrame:
    """Rows of a payment table whose money moved in the target period: by the paid date (cash
    basis), else by the table's period."""
    rows = ctx.table(payments.table)
    if payments.paid_date_column is not None:
        return rows[month_of(rows[payments.paid_date_column]) == ctx.period]
    return ctx.target(payments.table)


def core_business_totals(ctx: ScreeningContext) -> pd.DataFrame:
    """Benefits paid (every declared person-payment table) and contributions received in the
    target period, by paid date (cash basis; a payment table without one, by its period), per
    insurance; plugin totals replace these per (insurance, measure) where a plugin supplies
    them."""
    rows = []
    for payments in ctx.payment_tables:
        if not ctx.has(payments.table):
            continue
        paid = _paid_in_period(ctx, payments)
        by = pd.Series(_payment_insurance(paid, payments), index=paid.index, dtype="str")
        for ins, amt in paid[payments.amount_column].groupby(by).sum().items():
            rows.append((ins, "benefits", int(amt), payments.table))
    if ctx.has("contributions"):
        c = ctx.table("contributions")
        c = c[month_of(c["paid_date"]) == ctx.period]
        total = (c["employer_amount"] + c["person_amount"]).groupby(c["insurance"]).sum()
        for ins, amt in total.items():
            rows.append((ins, "contributions", int(amt), "contributions"))
    core = pd.DataFrame(rows, columns=["insurance", "measure", "amount_fen", "source"])
    if core.duplicated(["insurance", "measure"]).any():  # one insurance paid from two tables
        core = core.groupby(["insurance", "measure"], as_index=False, sort=False).agg(
            amount_fen=("amount_fen", "sum"), source=("source", " + ".join)
        )
    plugin = ctx.business_totals()
    if len(plugin):
        plugin = plugin[plugin["period"] == ctx.period]
        plugin = (
            plugin.groupby(["insurance", "measure"], as_index=False)
            .agg(amount_fen=("amount_fen", "sum"), source=("plugin", "first"))
            .assign(source=lambda d: "plugin " + d["source"].astype("str"))
        )
        keys = set(zip(plugin["insurance"], plugin["measure"], strict=True))
        mask = [k not in keys for k in zip(core["insurance"], core["measure"], strict=True)]
        core = pd.concat([core[mask], plugin], ignore_index=True)
    return core
