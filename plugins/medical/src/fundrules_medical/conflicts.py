"""Items that the knowledge base says must not be billed together (重复收费 by conflicting pairs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import NoParams, ScreeningContext, indicator

from .records import LAW_MEDICAL, SETTLEMENT_READS, positions, settlement_hits, settlements, take

LINE = ["settlement_id", "line_no", "item_code", "service_date"]
OTHER = [f"other_{c}" for c in LINE]


def _conflict_lines(ctx: ScreeningContext, codes: pd.Series) -> pd.DataFrame:
    """Item lines of any period whose item appears in a conflicting pair, with their
    settlement's person, visit type, period flag and fund amount."""
    items = ctx.table("medical_items")
    lines = items.loc[positions(items["item_code"], codes) >= 0, LINE]
    s = settlements(ctx)
    pos = positions(lines["settlement_id"], s["settlement_id"])
    lines = lines[pos >= 0]
    pos = pos[pos >= 0]
    for c in ("person_id", "provider_id", "visit_type", "in_target", "fund_amount"):
        lines[c] = take(s[c], pos, lines.index)
    return lines.reset_index(drop=True)


@indicator(
    code="medical.conflicting_items",
    name_zh="互斥项目同时收费",
    name_en="Conflicting items billed together",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (重复收费、串换项目)",
    reads={
        "medical_settlements": SETTLEMENT_READS,
        "medical_items": ("settlement_id", "line_no", "item_code", "service_date"),
        "item_conflicts": ("item_code_a", "item_code_b", "scope"),
    },
    history_months=None,
    subject="person",
    partition="person",
)
def conflicting_items(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An item line of the target period whose item, with another line's item, forms a pair of
    ``item_conflicts`` (in either order): for scope ``same_day``, billed for the same person on
    the same service date, in the same settlement or another (of any period); for scope
    ``same_stay``, billed within the same inpatient settlement, whatever the days. Each flagged
    line names the first line it conflicts with and how many it conflicts with."""
    conf = ctx.table("item_conflicts")
    names = ["item_code", "other_item_code", "scope"]
    pairs = pd.concat(
        [
            conf[["item_code_a", "item_code_b", "scope"]].set_axis(names, axis=1),
            conf[["item_code_b", "item_code_a", "scope"]].set_axis(names, axis=1),
        ],
        ignore_index=True,
    ).drop_duplicates()
    lines = _conflict_lines(ctx, pd.concat([conf["item_code_a"], conf["item_code_b"]]))
    target = lines[lines["in_target"].to_numpy(dtype=bool)]
    inpatient = target[(target["visit_type"] == "inpatient").to_numpy(dtype=bool)]
    # same_day: the other line shares the person and the day; same_stay: the settlement
    day = lines[["person_id", "service_date", *LINE]].set_axis(
        ["person_id", "service_date", *OTHER], axis=1
    )
    stay = lines[LINE].set_axis(["settlement_id", *OTHER[1:]], axis=1)
    found = [
        target.merge(pairs[pairs["scope"] == "same_day"], on="item_code").merge(
            day, on=["person_id", "service_date", "other_item_code"]
        ),
        inpatient.merge(pairs[pairs["scope"] == "same_stay"], on="item_code")
        .merge(stay, on=["settlement_id", "other_item_code"])
        .assign(other_settlement_id=lambda m: m["settlement_id"]),
    ]
    m = pd.concat(found, ignore_index=True)
    itself = (m["settlement_id"] == m["other_settlement_id"]) & (m["line_no"] == m["other_line_no"])
    m = m[~itself.to_numpy(dtype=bool)].sort_values(
        ["settlement_id", "line_no", "other_settlement_id", "other_line_no", "scope"],
        kind="stable",
    )
    m = m.drop_duplicates(["settlement_id", "line_no", "other_settlement_id", "other_line_no"])
    count = m.groupby(["settlement_id", "line_no"], sort=False)["other_line_no"].transform("size")
    rows = m.assign(conflicting_lines=count.astype(np.int64)).drop_duplicates(
        ["settlement_id", "line_no"]
    )
    return settlement_hits(rows, [*LINE, "scope", *OTHER, "conflicting_lines"])
