"""The ltc plugin's part of the synthetic city (``fundrules synth`` and ``demo``).

Background: some old pensioners are assessed at a severe grade (3-5) long before the window
and receive care every day from then on, month by month, until the end of the period or the day
of their death; nobody cared for has a hospital stay in the window (the medical part's
``inpatient_month`` fact); a few others are assessed at a lower grade and receive nothing.
Plants: one function per indicator, each with its near misses on the non-firing side.
"""

from __future__ import annotations

import numpy as np

from fundrules.synth.api import (
    ONE_DAY,
    RES_PENS,
    RETIREE,
    AutoId,
    Coded,
    Plant,
    Population,
    SynthPart,
    World,
    expand,
    mn_of,
    month_end,
    month_start,
    new_persons,
    resident_medical,
    td,
)

from .tables import CARE_TYPES

#: the fund's daily payment by care type, fen (illustrative: Tianjin pays by day of care)
DAILY_FEN = np.array([5_000, 6_000, 7_500], dtype=np.int64)
PROVIDERS = [f"TJLTC{n:04d}" for n in range(1, 41)]


def assess(w: World, idx: np.ndarray, dates: np.ndarray, grades: np.ndarray | int) -> None:
    n = len(idx)
    w.emit(
        "ltc_assessments",
        person_id=np.asarray(idx),
        assessment_date=np.asarray(dates, "datetime64[D]"),
        disability_grade=np.broadcast_to(np.asarray(grades, np.int64), (n,)),
    )


def care(w: World, idx: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
    """One service row per person from ``start`` to ``end`` (days of one month), paid per day."""
    n = len(idx)
    if n == 0:
        return
    start = np.asarray(start, "datetime64[D]")
    end = np.asarray(end, "datetime64[D]")
    kind = w.rng.integers(0, len(CARE_TYPES), n)
    days = (end - start).astype(np.int64) + 1
    w.emit(
        "ltc_services",
        person_id=np.asarray(idx),
        provider_id=Coded(w.rng.integers(0, len(PROVIDERS), n), PROVIDERS),
        care_type=Coded(kind, list(CARE_TYPES)),
        service_start=start,
        service_end=end,
        service_days=days,
        fund_amount=days * DAILY_FEN[kind],
        period=mn_of(start),
    )


def care_daily(w: World, idx: np.ndarray, first: np.ndarray, last: np.ndarray) -> None:
    """Care every day from ``first`` to ``last`` (per person), one row per window month."""
    lo = np.maximum(mn_of(first), w.months[0])
    hi = np.minimum(mn_of(last), w.P)
    owner, months = expand(lo, hi)
    start = np.maximum(month_start(months), first[owner])
    end = np.minimum(month_end(months), last[owner])
    care(w, np.asarray(idx)[owner], start, end)


def background(w: World, pop: Population) -> None:
    rng = w.rng
    old = np.isin(pop["role"], [RETIREE, RES_PENS]) & (pop["age_ws"] >= 65)
    stay = pop.get("inpatient_month")
    if stay is not None:
        old &= stay < 0
    u = rng.random(pop.size)
    k, idx = pop.where(old & (u < 0.03))
    assessed = w.ws - td(rng.integers(60, 1500, idx.size))
    assess(w, idx, assessed, rng.integers(3, 6, idx.size))
    death = pop["death"][k]
    last = np.where(np.isnat(death), w.pe, death)  # care on the day of death is due
    first = np.maximum(assessed + ONE_DAY, w.ws)
    care_daily(w, idx, first, last)
    _, low = pop.where(old & (u >= 0.03) & (u < 0.04))  # assessed, not severe: no care
    assess(w, low, w.ws - td(rng.integers(30, 900, low.size)), rng.integers(0, 3, low.size))


def cared_for(w: World, n: int) -> np.ndarray:
    """Fresh severely disabled persons, assessed long ago, with resident medical cover."""
    idx = new_persons(w, n, 70, 92)
    resident_medical(w, idx)
    assess(w, idx, w.ws - td(w.rng.integers(100, 900, n)), w.rng.integers(3, 6, n))
    return idx


def no_eligible_assessment(w: World) -> None:
    """Care without an assessment at grade 3 or worse before it started: assessed at grade 2 (the
    first), never assessed, or assessed at grade 3 the day after the care began."""
    code = "ltc.no_eligible_assessment"
    rng = w.rng
    n = w.count(code)
    if n:
        idx = new_persons(w, n, 70, 92)
        resident_medical(w, idx)
        start = w.ps + td(rng.integers(0, 10, n))
        kind = np.arange(n) % 3
        g2 = kind == 0
        assess(w, idx[g2], start[g2] - td(rng.integers(20, 200, int(g2.sum()))), 2)
        late = kind == 2
        assess(w, idx[late], start[late] + ONE_DAY, 3)
        care(w, idx, start, start + td(rng.integers(5, 15, n)))
        w.mark(code, "person", w.people.id_text(idx))
    idx = new_persons(w, 1, 70, 92)
    resident_medical(w, idx)
    start = np.array([w.ps + td(4)])
    assess(w, idx, start, 3)
    care(w, idx, start, start + td(10))
    w.near_miss(code, "person", w.people.id_text(idx), "assessed at grade 3 the day care began")


def care_during_inpatient_stay(w: World) -> None:
    """Care days strictly inside a hospital stay (one day, for the first); needs the medical
    plugin's stays (without it the indicator cannot run either)."""
    if "medical.inpatient_stays" not in w.services:
        return
    stays = w.service("medical.inpatient_stays")
    code = "ltc.care_during_inpatient_stay"
    rng = w.rng
    n = w.count(code)
    if n:
        idx = cared_for(w, n)
        admit = w.ps + td(rng.integers(3, 10, n))
        discharge = admit + td(rng.integers(3, 8, n))
        stays(w, idx, admit, discharge)
        end = np.where(np.arange(n) == 0, admit + ONE_DAY, w.pe)
        care(w, idx, np.full(n, w.ps), end)
        w.mark(code, "person", w.people.id_text(idx))
    idx = cared_for(w, 1)
    admit, discharge = np.array([w.ps + td(6)]), np.array([w.ps + td(11)])
    stays(w, idx, admit, discharge)
    care(w, idx, np.array([w.ps]), admit)
    care(w, idx, discharge, np.array([w.pe]))
    w.near_miss(code, "person", w.people.id_text(idx), "care on the admission and discharge days")


def care_after_death(w: World) -> None:
    """Care days after the date of death (one day, for the first)."""
    code = "ltc.care_after_death"
    rng = w.rng
    n = w.count(code)
    if n:
        idx = cared_for(w, n)
        death = w.ps + td(rng.integers(3, 15, n))
        w.emit("deaths", person_id=idx, death_date=death, source="civil_affairs")
        after = np.where(np.arange(n) == 0, 1, rng.integers(2, 10, n))
        care(w, idx, np.full(n, w.ps), death + td(after))
        w.mark(code, "person", w.people.id_text(idx))
    idx = cared_for(w, 1)
    death = np.array([w.ps + td(8)])
    w.emit("deaths", person_id=idx, death_date=death, source="cremation")
    care(w, idx, np.array([w.ps]), death)
    w.near_miss(code, "person", w.people.id_text(idx), "care up to the day of death")


PLANTS: dict[str, Plant] = {
    "ltc.no_eligible_assessment": no_eligible_assessment,
    "ltc.care_during_inpatient_stay": care_during_inpatient_stay,
    "ltc.care_after_death": care_after_death,
}

PART = SynthPart(
    name="ltc",
    background=background,
    plants=PLANTS,
    auto_ids={
        "ltc_assessments": AutoId("assessment_id", "LA", 10),
        "ltc_services": AutoId("service_id", "LS", 12),
    },
    shuffled=("ltc_assessments", "ltc_services"),
    after=("medical",),
)

__all__ = ["PART"]
