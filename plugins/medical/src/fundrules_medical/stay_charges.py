"""Charges of a stay against the stay itself: bed days beyond its length, fees outside its dates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import NoParams, ScreeningContext, indicator

from .records import (
    LAW_MEDICAL,
    LINE_READS,
    SETTLEMENT_READS,
    settlement_hits,
    target_lines,
    target_settlements,
    with_settlement,
)

TOLERANCE = 1e-9
"""Relative slack on sums of float quantities, so that float drift never crosses a boundary."""


def _inpatient_lines(ctx: ScreeningContext, mask: np.ndarray | None = None) -> pd.DataFrame:
    """Target lines (optionally pre-filtered by ``mask``) of inpatient settlements."""
    lines = target_lines(ctx)
    inpatient = (target_settlements(ctx)["visit_type"] == "inpatient").to_numpy(dtype=bool)
    keep = inpatient[lines["_s"].to_numpy()]
    if mask is not None:
        keep &= mask
    return lines[keep]


@indicator(
    code="medical.bed_days_exceed_stay",
    name_zh="床位费天数超过住院天数",
    name_en="Bed days billed beyond the length of stay",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (超标准收费、虚计床日)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "medical_items": (*LINE_READS, "item_category"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def bed_days_exceed_stay(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An inpatient settlement of the target period whose bed lines (item_category ``bed``) add
    up to a quantity above the length of the stay: discharge minus admission in days, a
    same-day stay counting 1 (an empty discharge date is read as a same-day stay)."""
    lines = target_lines(ctx)
    bed = _inpatient_lines(ctx, (lines["item_category"] == "bed").to_numpy(dtype=bool))
    per = bed.groupby("_s", sort=True)["quantity"].agg(bed_days="sum", bed_lines="size")
    ts = target_settlements(ctx)
    rows = ts.iloc[per.index.to_numpy()].reset_index(drop=True)
    rows["bed_days"] = per["bed_days"].to_numpy()
    rows["bed_lines"] = per["bed_lines"].to_numpy()
    rows["stay_days"] = np.maximum((rows["end_date"] - rows["admit_date"]).dt.days, 1)
    over = rows["bed_days"] > rows["stay_days"] * (1 + TOLERANCE)
    evidence = ["settlement_id", "provider_id", "admit_date", "discharge_date", "fund_amount"]
    return settlement_hits(rows[over], [*evidence, "stay_days", "bed_days", "bed_lines"])


@indicator(
    code="medical.fee_outside_stay",
    name_zh="费用发生日期不在住院期间",
    name_en="Inpatient charge dated outside the stay",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (虚构医药服务项目)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "medical_items": (*LINE_READS, "amount"),
    },
    history_months=0,
    subject="person",
    partition="person",
)
def fee_outside_stay(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An item line of an inpatient settlement of the target period whose service date is
    before the admission or after the discharge (the admission and discharge days themselves
    are inside; an empty discharge date is read as a same-day stay)."""
    lines = _inpatient_lines(ctx)
    ts = target_settlements(ctx)
    pos = lines["_s"].to_numpy()
    served = lines["service_date"].to_numpy()
    outside = (served < ts["admit_date"].to_numpy()[pos]) | (
        served > ts["end_date"].to_numpy()[pos]
    )
    rows = with_settlement(
        ctx,
        lines[outside],
        ["person_id", "provider_id", "admit_date", "discharge_date", "fund_amount"],
    ).rename(columns={"amount": "line_amount"})
    evidence = ["settlement_id", "line_no", "item_code", "service_date", "line_amount"]
    return settlement_hits(
        rows,
        [*evidence, "admit_date", "discharge_date", "fund_amount"],
        money=["line_amount"],
    )
