"""Inpatient stays against each other: overlaps, split admissions, visits while admitted.

All by sort and shift over each person's stays (sorted by admission), never a pairwise join.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import NoParams, Params, ScreeningContext, indicator, param

from .records import (
    LAW_MEDICAL,
    SETTLEMENT_READS,
    settlement_hits,
    stays,
    target_visits,
)
from .spells import dated_during_spell

STAY = ["settlement_id", "provider_id", "admit_date", "discharge_date", "fund_amount"]
OTHER = ["other_settlement_id", "other_provider_id", "other_admit_date", "other_discharge_date"]


def _in_person_order(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Stays sorted by ``by`` then admission; ties broken by discharge and settlement id, so that
    "the later one by admission" does not depend on the input's row order."""
    keys = [*by, "admit_date", "end_date", "settlement_id"]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _shifted(values: pd.Series, group: pd.Series | list[pd.Series], step: int) -> pd.Series:
    return values.groupby(group, sort=False).shift(step)


@indicator(
    code="medical.overlapping_inpatient",
    name_zh="住院时间重叠",
    name_en="Overlapping inpatient stays",
    insurance="medical",
    area="expenditure",
    severity="high",
    legal_basis=LAW_MEDICAL,
    reads={"medical_settlements": SETTLEMENT_READS},
    history_months=None,
    subject="person",
    partition="person",
)
def overlapping_inpatient(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Two inpatient stays of one person that share at least one night: the later admission is
    earlier than both discharges. A transfer (discharge day = next admission day) shares no
    night, nor does a same-day stay. A pair is flagged when either stay is of the target period;
    the amount at risk is the later stay's (by admission) fund amount when it is of the target
    period, else 0."""
    s = _in_person_order(stays(ctx), ["person_id"])
    person, admit, end = s["person_id"], s["admit_date"], s["end_date"]
    nights = (end > admit).to_numpy(dtype=bool)
    row = pd.Series(np.arange(len(s), dtype="float64"))
    # the earlier stay that reaches furthest: it shares a night with me if any earlier one does
    reach = end.groupby(person, sort=False).cummax()
    holder = row.where((end == reach).to_numpy()).groupby(person, sort=False).ffill()
    prev_reach, prev_holder = _shifted(reach, person, 1), _shifted(holder, person, 1)
    later = nights & (prev_reach > admit).fillna(False).to_numpy(dtype=bool)
    # the next stay that has a night: it shares one with me if any later one does
    next_admit = _shifted(admit.where(nights).groupby(person, sort=False).bfill(), person, -1)
    next_row = _shifted(row.where(nights).groupby(person, sort=False).bfill(), person, -1)
    earlier = nights & (next_admit < end).fillna(False).to_numpy(dtype=bool)

    flagged = s["in_target"].to_numpy(dtype=bool) & (later | earlier)
    partner = np.where(later, prev_holder, next_row)[flagged].astype(np.int64)
    rows = s[flagged].reset_index(drop=True)
    other = s.iloc[partner].reset_index(drop=True)
    for c in ("settlement_id", "provider_id", "admit_date", "discharge_date", "period"):
        rows[f"other_{c}"] = other[c]
    first_out = np.minimum(rows["end_date"].to_numpy(), other["end_date"].to_numpy())
    last_in = np.maximum(rows["admit_date"].to_numpy(), other["admit_date"].to_numpy())
    rows["shared_nights"] = ((first_out - last_in) // np.timedelta64(1, "D")).astype(np.int64)
    rows["later_by_admission"] = later[flagged]
    rows["_at_risk"] = np.where(later[flagged], rows["fund_amount"], 0)
    return settlement_hits(
        rows,
        [*STAY, *OTHER, "other_period", "shared_nights", "later_by_admission"],
        amount="_at_risk",
    )


class SplitAdmissionParams(Params):
    days: int = param(
        15,
        description="readmission 0 to N days after the previous discharge at the same provider",
        stricter="lower",
    )
    planned_cycles: list[str] = param(
        ["Z49", "Z51"],
        description="diagnosis categories of planned cycles, never a split (Z49 dialysis care, "
        "Z51 chemotherapy/radiotherapy)",
    )


@indicator(
    code="medical.split_admission",
    name_zh="分解住院",
    name_en="Split admission",
    insurance="medical",
    area="expenditure",
    severity="high",
    legal_basis=LAW_MEDICAL + " (分解住院)",
    reads={"medical_settlements": (*SETTLEMENT_READS, "diagnosis_code")},
    history_months=None,
    subject="person",
    partition="person",
    params=SplitAdmissionParams,
)
def split_admission(ctx: ScreeningContext, p: SplitAdmissionParams) -> pd.DataFrame:
    """An inpatient settlement of the target period admitted 0 to N days (N included) after the
    discharge of the person's previous stay (by admission date) at the same provider, both with
    the same diagnosis category (first 3 characters of ICD-10). Planned cycles (Z49, Z51) are
    never a split. The previous stay may be of an earlier period."""
    s = _in_person_order(stays(ctx), ["person_id", "provider_id"])
    group = [s["person_id"], s["provider_id"]]
    category = s["diagnosis_code"].str.strip().str.upper().str.slice(0, 3)
    prev = (
        s[["settlement_id", "admit_date", "discharge_date", "end_date"]]
        .groupby(group, sort=False)
        .shift(1)
    )
    gap = (s["admit_date"] - prev["end_date"]).dt.days
    cycles = {c.strip().upper() for c in p.planned_cycles}
    flagged = (
        s["in_target"].to_numpy(dtype=bool)
        & (category == _shifted(category, group, 1)).fillna(False).to_numpy(dtype=bool)
        & ~category.isin(cycles).to_numpy(dtype=bool)
        & gap.between(0, p.days).fillna(False).to_numpy(dtype=bool)
    )
    rows = s[flagged].assign(
        diagnosis_category=category[flagged],
        previous_settlement_id=prev["settlement_id"][flagged],
        previous_admit_date=prev["admit_date"][flagged],
        previous_discharge_date=prev["discharge_date"][flagged],
        gap_days=gap[flagged].astype("int64"),
    )
    evidence = [*STAY, "diagnosis_code", "diagnosis_category", "previous_settlement_id"]
    return settlement_hits(
        rows, [*evidence, "previous_admit_date", "previous_discharge_date", "gap_days"]
    )


@indicator(
    code="medical.visits_during_stay",
    name_zh="住院期间发生门诊或购药结算(挂床住院)",
    name_en="Outpatient or pharmacy settlement during an inpatient stay",
    insurance="medical",
    area="expenditure",
    severity="medium",
    legal_basis=LAW_MEDICAL + " (挂床住院)",
    reads={"medical_settlements": SETTLEMENT_READS},
    history_months=None,
    subject="person",
    partition="person",
)
def visits_during_stay(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """An outpatient or pharmacy settlement of the target period dated strictly inside one of
    the person's inpatient stays (after the admission day, before the discharge day): the
    patient is elsewhere while the bed is billed (挂床住院). The stay may be of any period."""
    inpatient = stays(ctx)
    st = inpatient[["person_id", "settlement_id", "provider_id", "admit_date"]].assign(
        discharge_date=inpatient["end_date"], period=inpatient["period"]
    )
    visits = target_visits(ctx, st["person_id"])
    st.columns = ["person_id", *("stay_" + c for c in st.columns[1:])]
    rows = dated_during_spell(
        visits, st, date="admit_date", start="stay_admit_date", end="stay_discharge_date"
    )
    evidence = ["settlement_id", "visit_type", "provider_id", "admit_date", "fund_amount"]
    stay = ["stay_settlement_id", "stay_provider_id", "stay_admit_date", "stay_discharge_date"]
    return settlement_hits(rows, [*evidence, *stay, "stay_period"])
