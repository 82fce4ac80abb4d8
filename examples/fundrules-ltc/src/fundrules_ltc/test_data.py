"""The ltc plugin's part of generated test data (``fundrules.testing``): care services around
the boundaries its indicators draw — the admission and discharge days of the person's hospital
stays, the day of death, the first day of an assessment — and assessments at, below and above
the eligible grade, on, before and after the day care starts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from fundrules.plugin_api import first_day, last_day
from fundrules.testing import TestData, World, vocabulary_values

Rows = list[dict[str, Any]]
DAY = timedelta(days=1)


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


def _stays(built: Any) -> dict[str, list[tuple[date, date]]]:
    out: dict[str, list[tuple[date, date]]] = {}
    for r in built.get("medical_settlements", []):
        if r.get("visit_type") == "inpatient" and isinstance(r.get("discharge_date"), date):
            out.setdefault(r["person_id"], []).append((r["admit_date"], r["discharge_date"]))
    return out


def services_rows(draw: st.DrawFn, world: World, vocab: Any, built: Any) -> Rows:
    """Each person's services in the target period (one month each), starting and ending on the
    period's edges or next to their hospital stays' admission and discharge days."""
    P = world.period
    lo, hi = first_day(P), last_day(P)
    care_types = vocabulary_values(vocab, "ltc_care_type", ("home",))
    stays = _stays(built)
    rows: Rows = []
    for p in world.persons:
        near = [d for a, b in stays.get(p.person_id, []) for d in (a, a + DAY, b - DAY, b)]
        days = [lo, *(d for d in near if lo <= d <= hi), hi]
        for _ in range(draw(st.sampled_from((1, 0, 2)))):
            start = draw(st.sampled_from(days))
            end = draw(st.sampled_from([d for d in (*days, start, hi) if d >= start]))
            n = (end - start).days + 1
            rows.append(
                {
                    "person_id": p.person_id,
                    "provider_id": "TJLTC0001",
                    "care_type": draw(st.sampled_from(care_types)),
                    "service_start": start,
                    "service_end": end,
                    "service_days": n,
                    "fund_amount": n * draw(st.sampled_from((5000, 6000, 7500))),
                    "period": _month(start),
                }
            )
    for i, row in enumerate(rows, start=1):
        row["service_id"] = f"LS{i}"
    return rows


def assessments_rows(draw: st.DrawFn, world: World, vocab: Any, built: Any) -> Rows:
    """Assessments of persons cared for: at, below or above the eligible grade, dated on, the day
    before or after the first day of care, or long before."""
    first: dict[str, date] = {}
    for r in built.get("ltc_services", []):
        d = r["service_start"]
        first[r["person_id"]] = min(first.get(r["person_id"], d), d)
    rows: Rows = []
    for pid, d in first.items():
        for _ in range(draw(st.sampled_from((1, 0, 2)))):
            when = d + timedelta(days=draw(st.sampled_from((0, -1, 1, -400))))
            rows.append(
                {
                    "person_id": pid,
                    "assessment_date": when,
                    "disability_grade": draw(st.sampled_from((3, 2, 4, 0, 5))),
                }
            )
    for i, row in enumerate(rows, start=1):
        row["assessment_id"] = f"LA{i}"
    return rows


TEST_DATA = TestData(
    generators={"ltc_services": services_rows, "ltc_assessments": assessments_rows},
    depends={"ltc_services": ("medical_settlements",), "ltc_assessments": ("ltc_services",)},
)
