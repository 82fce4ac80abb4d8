"""Items billed against the catalog's restrictions: sex, age range, price cap (knowledge base)."""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import NoParams, ScreeningContext, age_on, indicator

from .records import (
    LAW_MEDICAL,
    LINE_READS,
    SETTLEMENT_READS,
    catalog_rows,
    catalog_values,
    line_values,
    lines_at,
    price_text,
    settlement_hits,
    with_catalog,
    with_profile,
    with_settlement,
)

LINE = ["settlement_id", "line_no", "item_code", "service_date"]
SETTLEMENT = ["person_id", "provider_id", "fund_amount"]


@indicator(
    code="medical.sex_restricted_item",
    name_zh="限性别项目与参保人性别不符",
    name_en="Sex-restricted item billed for the other sex",
    insurance="medical",
    area="expenditure",
    severity="high",
    legal_basis=LAW_MEDICAL + " (限性别用药、诊疗项目)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "medical_items": LINE_READS,
        "item_catalog": ("item_code", "restrict_sex"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def sex_restricted_item(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An item line of the target period whose catalog item is restricted to one sex, billed
    for a person of the other (sex from the ID where it is valid, else ``persons``; a person
    of unknown sex is not judged)."""
    catalog = ctx.table("item_catalog")
    lines = lines_at(ctx, *catalog_rows(ctx, catalog["restrict_sex"].notna().to_numpy(dtype=bool)))
    rows = with_catalog(ctx, with_settlement(ctx, lines, SETTLEMENT), ["restrict_sex"])
    rows = with_profile(ctx, rows)
    wrong = (rows["sex"].notna() & (rows["sex"] != rows["restrict_sex"])).fillna(False)
    return settlement_hits(rows[wrong.to_numpy(dtype=bool)], [*LINE, "restrict_sex", "sex"])


@indicator(
    code="medical.age_restricted_item",
    name_zh="限年龄项目超出适用年龄",
    name_en="Age-restricted item billed outside its age range",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (限年龄用药、诊疗项目)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "medical_items": LINE_READS,
        "item_catalog": ("item_code", "min_age", "max_age"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def age_restricted_item(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An item line of the target period billed for a person younger than the catalog's
    ``min_age`` or older than its ``max_age`` (both inclusive), in completed years on the line's
    service date. A person of unknown birth date is not judged."""
    catalog = ctx.table("item_catalog")
    limited = (catalog["min_age"].notna() | catalog["max_age"].notna()).to_numpy(dtype=bool)
    lines = lines_at(ctx, *catalog_rows(ctx, limited))
    rows = with_catalog(ctx, with_settlement(ctx, lines, SETTLEMENT), ["min_age", "max_age"])
    rows = with_profile(ctx, rows)
    rows = rows.assign(age=age_on(rows["birth_date"], rows["service_date"]))
    outside = ((rows["age"] < rows["min_age"]).fillna(False)) | (
        (rows["age"] > rows["max_age"]).fillna(False)
    )
    return settlement_hits(
        rows[outside.to_numpy(dtype=bool)], [*LINE, "birth_date", "age", "min_age", "max_age"]
    )


@indicator(
    code="medical.price_above_cap",
    name_zh="项目单价超过限价",
    name_en="Unit price above the catalog cap",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (超标准收费)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "medical_items": (*LINE_READS, "unit_price"),
        "item_catalog": ("item_code", "max_unit_price"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def price_above_cap(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An item line of the target period whose ``unit_price`` is above the catalog's
    ``max_unit_price`` (a price equal to the cap is within it). Exact: both in 0.0001 yuan."""
    catalog = ctx.table("item_catalog")
    rows, cpos = catalog_rows(ctx, catalog["max_unit_price"].notna().to_numpy(dtype=bool))
    # 0.0001-yuan units are whole numbers far below 2**53: exact in float64
    above = line_values(ctx, "unit_price", rows) > catalog_values(ctx, "max_unit_price", cpos)
    lines = with_catalog(ctx, lines_at(ctx, rows[above], cpos[above]), ["max_unit_price"])
    rows = with_settlement(ctx, lines, SETTLEMENT).assign(
        unit_price=lambda r: price_text(r["unit_price"]),
        max_unit_price=lambda r: price_text(r["max_unit_price"]),
    )
    return settlement_hits(rows, [*LINE, "quantity", "unit_price", "max_unit_price"])
