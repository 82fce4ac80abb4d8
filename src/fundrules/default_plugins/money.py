"""Cash-basis money shared by the core's data-quality and fund checks."""

from __future__ import annotations

import pandas as pd

from fundrules.period import month_of
from fundrules.screening import ScreeningContext


def payments_in_target(ctx: ScreeningContext) -> pd.DataFrame:
    """Payments of the target period (indicators.md, "Data quality scope"): ``benefits`` rows
    (reversals included, as offsets) and medical settlements' fund amounts, with person and
    insurance. Columns: ``person_id``, ``insurance``, ``source``, ``amount_fen``."""
    parts = []
    if ctx.has("benefits"):
        b = ctx.target("benefits")
        parts.append(
            pd.DataFrame(
                {
                    "person_id": b["person_id"],
                    "insurance": b["insurance"],
                    "source": "benefits",
                    "amount_fen": b["amount"],
                }
            )
        )
    if ctx.has("medical_settlements"):
        s = ctx.target("medical_settlements")
        parts.append(
            pd.DataFrame(
                {
                    "person_id": s["person_id"],
                    "insurance": "medical",
                    "source": "medical_settlements",
                    "amount_fen": s["fund_amount"],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["person_id", "insurance", "source", "amount_fen"])
    return pd.concat(parts, ignore_index=True)


def core_business_totals(ctx: ScreeningContext) -> pd.DataFrame:
    """Benefits paid and contributions received in the target period, by ``paid_date`` (cash
    basis), per insurance, from the core tables; plugin totals replace these per (insurance,
    measure) where a plugin supplies them."""
    rows = []
    if ctx.has("benefits"):
        b = ctx.table("benefits")
        b = b[month_of(b["paid_date"]) == ctx.period]
        for ins, amt in b.groupby("insurance")["amount"].sum().items():
            rows.append((ins, "benefits", int(amt), "benefits"))
    if ctx.has("contributions"):
        c = ctx.table("contributions")
        c = c[month_of(c["paid_date"]) == ctx.period]
        total = (c["employer_amount"] + c["person_amount"]).groupby(c["insurance"]).sum()
        for ins, amt in total.items():
            rows.append((ins, "contributions", int(amt), "contributions"))
    core = pd.DataFrame(rows, columns=["insurance", "measure", "amount_fen", "source"])
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
