"""The medical plugin's part of generated test data (``fundrules.testing``): its tables' rows
that mean something together — overlapping, adjacent and split stays, visits inside a stay,
items inside and a day outside it, catalog limits at their boundaries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from fundrules.plugin_api import first_day, last_day
from fundrules.testing import (
    ICD_CODES,
    TIANJIN_DISTRICTS,
    TestData,
    World,
    maybe,
    vocabulary_values,
)

Rows = list[dict[str, Any]]
Vocab = Any
Built = Any
ITEM_CODES: tuple[str, ...] = ("A001", "A002", "B001", "B002")


def month_of_date(d: date) -> int:
    return d.year * 12 + d.month - 1


def providers_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    types = vocabulary_values(vocab, "provider_type", ("hospital", "clinic", "pharmacy"))
    return [
        {
            "provider_id": pid,
            "name": maybe(draw, st.sampled_from(("天津市某医院", "某社区卫生服务中心"))),
            "level": draw(st.sampled_from((2, 1, 3))),
            "provider_type": draw(st.sampled_from(types)),
            "region_code": draw(st.sampled_from(TIANJIN_DISTRICTS)),
        }
        for pid in world.provider_ids
    ]


def medical_settlements_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    """Each person's visits in admission order; a later stay is independent, a transfer
    (admitted on the previous discharge day), an overlap by a night, a readmission 0, 15 or 16
    days after discharge, or an outpatient visit inside the previous stay."""
    if not world.provider_ids:
        return []
    visit_types = vocabulary_values(vocab, "visit_type", ("inpatient", "outpatient", "pharmacy"))
    P = world.period
    in_period = st.one_of(
        st.sampled_from((first_day(P), first_day(P) + timedelta(days=14), last_day(P))),
        st.integers(-20, 29).map(lambda d: first_day(P) + timedelta(days=d)),
    )
    rows: Rows = []
    for p in world.persons:
        previous: dict[str, Any] | None = None
        for _ in range(draw(st.sampled_from((0, 1, 2, 0, 3)))):
            relation = draw(
                st.sampled_from(("independent", "transfer", "overlap", "split", "inside"))
            )
            visit = draw(
                st.sampled_from([v for v in ("inpatient",) if v in visit_types] + visit_types)
            )
            if previous is not None and relation == "inside":  # a visit while in hospital
                visit = draw(
                    st.sampled_from([v for v in visit_types if v != "inpatient"] or [visit])
                )
            elif previous is not None and relation != "independent" and "inpatient" in visit_types:
                visit = "inpatient"  # a transfer, an overlapping stay, a readmission
            if previous is None or relation == "independent":
                admit = draw(in_period)
            else:
                prev_out = previous["discharge_date"] or previous["admit_date"]
                admit = {
                    "transfer": prev_out,
                    "overlap": prev_out - timedelta(days=1),
                    "split": prev_out + timedelta(days=draw(st.sampled_from((15, 16, 0, 1)))),
                    "inside": previous["admit_date"] + timedelta(days=1),
                }[relation]
            if visit == "inpatient":
                discharge = admit + timedelta(days=draw(st.sampled_from((5, 0, 1, 2, 10, 16, 30))))
            else:
                discharge = draw(st.sampled_from((None, admit)))
            same = relation == "split" or draw(st.booleans())  # readmissions: same place
            provider = (
                previous["provider_id"]
                if previous is not None and same
                else draw(st.sampled_from(world.provider_ids))
            )
            total = draw(st.sampled_from((50000, 1200000, 30000, 999999)))
            row = {
                "person_id": p.person_id,
                "provider_id": provider,
                "visit_type": visit,
                "admit_date": admit,
                "discharge_date": discharge,
                "diagnosis_code": previous["diagnosis_code"]
                if previous is not None and same
                else draw(st.sampled_from(ICD_CODES)),
                "total_amount": total,
                "fund_amount": total * draw(st.sampled_from((7, 10, 0))) // 10,
                "period": min(max(month_of_date(discharge or admit), P - 1), P),
            }
            rows.append(row)
            if visit == "inpatient":
                previous = row
    for i, row in enumerate(rows, start=1):
        row["settlement_id"] = f"S{i}"
    return rows


def item_catalog_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    rows: Rows = []
    for code in ITEM_CODES[: draw(st.sampled_from((2, 0, 1, 3, 4)))]:
        rows.append(
            {
                "item_code": code,
                "name": maybe(draw, st.sampled_from(("阿莫西林胶囊", "CT检查", "床位费"))),
                "restrict_sex": draw(st.sampled_from((None, "F", "M"))),
                "min_age": maybe(draw, st.sampled_from((18, 60, 0))),
                "max_age": maybe(draw, st.sampled_from((17, 59, 100))),
                "max_daily_quantity": maybe(draw, st.sampled_from((3, 1, 2, 10))),
                "max_unit_price": maybe(draw, st.sampled_from((100000, 99999, 250000))),
            }
        )
    return rows


def item_conflicts_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    scopes = vocabulary_values(vocab, "conflict_scope", ("same_day", "same_stay"))
    codes = [r["item_code"] for r in built.get("item_catalog", [])]
    codes = codes if len(codes) >= 2 else list(ITEM_CODES)
    n = len(codes)
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n - 1)), max_size=2, unique=True)
    )
    return [
        {
            "item_code_a": codes[i],
            "item_code_b": codes[(i + k) % n],  # two distinct items by construction
            "scope": draw(st.sampled_from(scopes)),
        }
        for i, k in pairs
    ]


def medical_items_rows(draw: st.DrawFn, world: World, vocab: Vocab, built: Built) -> Rows:
    """Lines of each settlement, served inside the stay or a day outside it, some repeating an
    item on one day."""
    categories = vocabulary_values(
        vocab, "item_category", ("drug", "exam", "treatment", "material", "bed")
    )
    codes = [r["item_code"] for r in built.get("item_catalog", [])] or list(ITEM_CODES)
    rows: Rows = []
    for s in built.get("medical_settlements", []):
        admit = s["admit_date"]
        discharge = s["discharge_date"] or admit
        for line in range(1, draw(st.integers(1, 3)) + 1):
            if line > 1 and draw(st.sampled_from((False, False, True))):
                # the same item again on the same day (重复收费, daily limits)
                rows.append({**rows[-1], "line_no": line})
                continue
            served = draw(
                st.sampled_from(
                    (admit, discharge, admit - timedelta(days=1), discharge + timedelta(days=1))
                )
            )
            quantity = draw(st.sampled_from((1, 2, 3, 10, 30)))
            unit = draw(st.sampled_from((100000, 100001, 2500, 99999)))
            rows.append(
                {
                    "settlement_id": s["settlement_id"],
                    "line_no": line,
                    "item_code": draw(st.sampled_from(codes)),
                    "item_category": draw(st.sampled_from(categories)),
                    "service_date": served,
                    "quantity": quantity,
                    "unit_price": unit,
                    "amount": (quantity * unit + 50) // 100,
                    "days_supply": maybe(draw, st.sampled_from((1, 7, 30, 31))),
                }
            )
    return rows


TEST_DATA = TestData(
    generators={
        "providers": providers_rows,
        "medical_settlements": medical_settlements_rows,
        "item_catalog": item_catalog_rows,
        "item_conflicts": item_conflicts_rows,
        "medical_items": medical_items_rows,
    },
    depends={
        "medical_settlements": ("providers",),
        "medical_items": ("medical_settlements", "item_catalog"),
        "item_conflicts": ("item_catalog",),
    },
    needs={
        "medical_settlements": frozenset({"person", "provider"}),
        "providers": frozenset({"provider"}),
    },
)
