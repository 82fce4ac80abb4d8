"""Quantities billed beyond what a day allows: per line, and summed over a day's repeated lines."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import NoParams, Params, ScreeningContext, indicator, param

from .records import (
    LAW_MEDICAL,
    LINE_READS,
    SETTLEMENT_READS,
    catalog_positions,
    catalog_rows,
    catalog_values,
    line_values,
    lines_at,
    settlement_hits,
    target_lines,
    with_catalog,
    with_settlement,
)

TOLERANCE = 1e-9
"""Relative slack on float quantities: a quantity equal to its limit never fires from drift."""
LINE = ["settlement_id", "line_no", "item_code", "service_date", "quantity"]
SETTLEMENT = ["person_id", "provider_id", "fund_amount"]


class ExcessQuantityParams(Params):
    max_days_supply: int = param(
        30, description="days of supply one line may cover (long prescriptions)", stricter="higher"
    )


@indicator(
    code="medical.excess_quantity",
    name_zh="超量开药或超量收费",
    name_en="Quantity above the daily maximum or supply beyond N days",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (超量开药、超标准收费)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "medical_items": (*LINE_READS, "days_supply"),
    },
    optional_reads={"item_catalog": ("item_code", "max_daily_quantity")},
    history_months=0,
    subject="person",
    partition="person",
    params=ExcessQuantityParams,
)
def excess_quantity(ctx: ScreeningContext, p: ExcessQuantityParams) -> pd.DataFrame:
    """An item line of the target period whose quantity ÷ max(days_supply, 1) is above the
    catalog's ``max_daily_quantity`` (an empty days_supply counts as 1; a daily quantity equal to
    the maximum is within it), or whose ``days_supply`` is above N. Without an item catalog only
    the days-of-supply rule runs."""
    lines = target_lines(ctx)
    supply = lines["days_supply"].to_numpy(dtype="float64", na_value=np.nan)
    days = np.maximum(np.nan_to_num(supply, nan=1.0), 1.0)
    quantity = lines["quantity"].to_numpy(dtype="float64", na_value=np.nan)
    long_supply = supply > p.max_days_supply
    limit = np.full(len(lines), np.nan)
    if ctx.has("item_catalog"):
        cpos = catalog_positions(ctx)
        caps = ctx.table("item_catalog")["max_daily_quantity"].to_numpy(
            dtype="float64", na_value=np.nan
        )
        known = cpos >= 0
        limit[known] = caps[cpos[known]]
    over_daily = quantity > limit * days * (1 + TOLERANCE)
    flagged = over_daily | long_supply
    rows = with_settlement(ctx, lines[flagged], SETTLEMENT).assign(
        daily_quantity=(quantity / days)[flagged],
        max_daily_quantity=limit[flagged],
        reason=np.where(
            over_daily[flagged] & long_supply[flagged],
            "daily quantity and days of supply",
            np.where(over_daily[flagged], "daily quantity", "days of supply"),
        ),
    )
    evidence = [*LINE, "days_supply", "daily_quantity", "max_daily_quantity", "reason"]
    return settlement_hits(rows, evidence)


@indicator(
    code="medical.duplicate_charge",
    name_zh="重复收费",
    name_en="Item charged twice on one day",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (重复收费)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "medical_items": LINE_READS,
        "item_catalog": ("item_code", "max_daily_quantity"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def duplicate_charge(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """The same item on the same service date in one settlement of the target period, on two or
    more lines whose summed quantity is above the catalog's ``max_daily_quantity`` (days of
    supply are not divided out: the catalog speaks of the summed quantity). Every line of such
    a group is evidence."""
    catalog = ctx.table("item_catalog")
    rows, cpos = catalog_rows(ctx, catalog["max_daily_quantity"].notna().to_numpy(dtype=bool))
    lines = target_lines(ctx)
    key = _same_day_key(lines["_s"].to_numpy()[rows], cpos, lines["service_date"].to_numpy()[rows])
    repeated = _repeated(key)
    rows, cpos, key = rows[repeated], cpos[repeated], key[repeated]
    group = pd.Series(line_values(ctx, "quantity", rows)).groupby(key)
    summed = group.transform("sum").to_numpy()
    over = summed > catalog_values(ctx, "max_daily_quantity", cpos) * (1 + TOLERANCE)
    flagged = lines_at(ctx, rows[over], cpos[over]).assign(
        lines=group.transform("size").to_numpy()[over], summed_quantity=summed[over]
    )
    rows = with_settlement(ctx, with_catalog(ctx, flagged, ["max_daily_quantity"]), SETTLEMENT)
    return settlement_hits(rows, [*LINE, "lines", "summed_quantity", "max_daily_quantity"])


def _repeated(key: np.ndarray) -> np.ndarray:
    """Which keys occur more than once (sort-based: pandas' hash ``duplicated`` is several times
    slower on millions of int64; lines come grouped by settlement, so the keys are nearly
    sorted already)."""
    order = np.argsort(key, kind="stable")
    same = key[order][1:] == key[order][:-1]
    in_sorted = np.zeros(len(key), dtype=bool)
    in_sorted[1:] |= same
    in_sorted[:-1] |= same
    out = np.empty(len(key), dtype=bool)
    out[order] = in_sorted
    return out


def _same_day_key(settlement: np.ndarray, item: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One int64 per (settlement, catalog item, day), equal exactly when all three are."""
    if len(settlement) == 0:
        return np.zeros(0, dtype=np.int64)
    days = day.astype("datetime64[D]").astype(np.int64)
    days = days - days.min()
    n_item, n_day = int(item.max()) + 1, int(days.max()) + 1
    pair = settlement.astype(np.int64) * n_item + item
    if (int(pair.max()) + 1) * n_day >= 2**62:
        pair = pd.factorize(pair)[0].astype(np.int64)  # dense again, below the row count
    return pair * n_day + days
