"""Care paid that the scheme does not owe: without an eligible assessment, during a hospital
stay, after death.

Amounts at risk are the fund amounts of the days that should not have been paid: a service row
covers ``service_days`` days from ``service_start`` to ``service_end``, each day costing the same,
so the share of a row is ``fund_amount × days / service_days`` (fen, rounded down).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundrules.plugin_api import (
    NoParams,
    Params,
    ScreeningContext,
    as_hits,
    indicator,
    is_in,
    param,
)

LAW = "长期护理保险制度试点指导意见 (医保发〔2020〕37号); 天津市长期护理保险制度试点实施方案"
SERVICE_READS = (
    "service_id",
    "person_id",
    "provider_id",
    "care_type",
    "service_start",
    "service_end",
    "service_days",
    "fund_amount",
    "period",
)
EVIDENCE = ["service_id", "provider_id", "care_type", "service_start", "service_end"]
DAY = np.timedelta64(1, "D")


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Whole days from ``earlier`` to ``later`` (may be negative)."""
    return ((later - earlier) / DAY).astype("int64")


def _share(rows: pd.DataFrame, days: pd.Series) -> pd.Series:
    """The fund amount of ``days`` of each row's days, in fen, rounded down (exact integers)."""
    total = rows["service_days"].astype("int64").clip(lower=1)
    return (rows["fund_amount"].astype("int64") * days.astype("int64")) // total


def _hits(rows: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """Per person: the rows' amounts summed, the rows as evidence."""
    return as_hits(
        rows,
        amount="at_risk",
        evidence=[*EVIDENCE, "fund_amount", *extra],
        money=["fund_amount"],
    )


class AssessmentParams(Params):
    min_grade: int = param(
        3,
        description="the lowest disability grade that opens the benefit (重度失能 I = 3)",
        stricter="lower",
        source="天津市长期护理保险失能评估管理办法: 重度失能 (grade 3-5) is covered",
    )


@indicator(
    code="ltc.no_eligible_assessment",
    name_zh="未经评估达到重度失能即享受长期护理待遇",
    name_en="Care paid without an assessment at the eligible grade",
    insurance="ltc",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW} (经评估达到重度失能标准的参保人员方可享受待遇)",
    reads={
        "ltc_services": SERVICE_READS,
        "ltc_assessments": ("person_id", "assessment_date", "disability_grade"),
    },
    history_months=0,
    subject="person",
    partition="person",
    params=AssessmentParams,
)
def no_eligible_assessment(ctx: ScreeningContext, p: AssessmentParams) -> pd.DataFrame:
    """A care service of the target period that starts before the person's first assessment at
    ``min_grade`` or worse (or with no such assessment at all). An assessment dated on the day
    the service starts opens it. At risk: the whole service."""
    s = ctx.target("ltc_services")
    a = ctx.table("ltc_assessments")
    ok = a[(a["disability_grade"] >= p.min_grade).to_numpy(dtype=bool)]
    first = ok.groupby("person_id", sort=False, as_index=False)["assessment_date"].min()
    first = first.rename(columns={"assessment_date": "eligible_from"})
    rows = s.merge(first, on="person_id", how="left")
    bad = rows["eligible_from"].isna() | (rows["service_start"] < rows["eligible_from"])
    rows = rows[bad.to_numpy(dtype=bool)]
    rows = rows.assign(at_risk=rows["fund_amount"].astype("int64"), min_grade=p.min_grade)
    return _hits(rows, ["eligible_from", "min_grade"])


@indicator(
    code="ltc.care_during_inpatient_stay",
    name_zh="住院期间享受长期护理待遇",
    name_en="Care paid while the person was in hospital",
    insurance="ltc",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW} (参保人员住院治疗期间不享受长期护理保险待遇)",
    reads={
        "ltc_services": SERVICE_READS,
        "medical_settlements": ("person_id", "visit_type", "admit_date", "discharge_date"),
    },
    history_months=None,
    subject="person",
    partition="person",
)
def care_during_inpatient_stay(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Care days of a target-period service that fall strictly inside an inpatient stay of the
    person (after the admission day and before the discharge day: care on those two days is
    due). At risk: those days' share of the service."""
    s = ctx.target("ltc_services")
    m = ctx.table("medical_settlements")
    stays = m[(m["visit_type"] == "inpatient").to_numpy(dtype=bool)]
    stays = stays[is_in(stays["person_id"], s["person_id"]).to_numpy(dtype=bool)]
    stays = stays.dropna(subset=["discharge_date"])[["person_id", "admit_date", "discharge_date"]]
    rows = s.merge(stays, on="person_id", how="inner")
    lo = rows[["service_start", "admit_date"]].max(axis=1)  # inside: admit+1 … discharge-1
    lo = lo.where(rows["service_start"] > rows["admit_date"], rows["admit_date"] + DAY)
    hi = rows["service_end"].where(
        rows["service_end"] < rows["discharge_date"], rows["discharge_date"] - DAY
    )
    days = (_days(hi, lo) + 1).clip(lower=0)
    rows = rows.assign(days_in_hospital=days)[(days > 0).to_numpy(dtype=bool)]
    # one hit per service: its stays' inside days (at most the service's days), the earliest
    # stay as evidence, whatever the rows' order
    rows = rows.sort_values(["service_id", "admit_date", "discharge_date"], kind="stable")
    rows = rows.groupby("service_id", sort=True, as_index=False).agg(
        {
            **{c: "first" for c in rows.columns if c != "days_in_hospital"},
            "days_in_hospital": "sum",
        }
    )
    inside = rows["days_in_hospital"].clip(upper=rows["service_days"].astype("int64"))
    rows = rows.assign(days_in_hospital=inside, at_risk=_share(rows, inside))
    return _hits(rows, ["admit_date", "discharge_date", "days_in_hospital"])


@indicator(
    code="ltc.care_after_death",
    name_zh="死亡后仍享受长期护理待遇",
    name_en="Care paid after death",
    insurance="ltc",
    area="expenditure",
    severity="high",
    legal_basis=f"{LAW}; 社会保险法 第八十八条 (骗取社会保险待遇)",
    reads={"ltc_services": SERVICE_READS, "deaths": ("person_id", "death_date")},
    history_months=0,
    subject="person",
    partition="person",
)
def care_after_death(ctx: ScreeningContext, p: NoParams) -> pd.DataFrame:
    """Care days of a target-period service later than the person's date of death (care on the
    day of death is due). At risk: those days' share of the service."""
    s = ctx.target("ltc_services")
    deaths = ctx.table("deaths")[["person_id", "death_date"]].dropna()
    rows = s.merge(deaths, on="person_id", how="inner")
    rows = rows[(rows["service_end"] > rows["death_date"]).to_numpy(dtype=bool)]
    first = rows[["service_start"]].assign(after=rows["death_date"] + DAY).max(axis=1)
    days = _days(rows["service_end"], first) + 1
    rows = rows.assign(days_after_death=days, at_risk=_share(rows, days))
    return _hits(rows, ["death_date", "days_after_death"])


INDICATORS = (no_eligible_assessment, care_during_inpatient_stay, care_after_death)
