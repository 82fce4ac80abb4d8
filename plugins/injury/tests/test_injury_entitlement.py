"""injury.paid_after_death and injury.double_claim_with_medical."""

from __future__ import annotations

from decimal import Decimal

import pytest

DEATH = "injury.paid_after_death"
DOUBLE = "injury.double_claim_with_medical"

# --- injury.paid_after_death --------------------------------------------------------------------


def test_benefits_for_the_month_after_death_are_flagged(kit):
    a = kit.pid()
    s = kit.screen(
        DEATH,
        {
            "deaths": [{"person_id": a, "death_date": "2025-05-31"}],
            "benefits": [
                kit.pay(a, "disability_allowance", "5990.40"),
                kit.pay(a, "injury_medical", "100.00"),
                kit.pay(a, "one_time_disability", "200.00"),
            ],
        },
    )
    assert kit.flagged(s) == {a: Decimal("6290.40")}
    recs = kit.records(s, a)
    assert {r["death_date"] for r in recs} == {"2025-05-31"}
    assert {r["benefit_type"] for r in recs} == {
        "disability_allowance",
        "injury_medical",
        "one_time_disability",
    }


def test_the_month_of_death_is_due_and_the_death_grant_is_not_judged(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    s = kit.screen(
        DEATH,
        {
            "deaths": [
                {"person_id": a, "death_date": "2025-06-01"},
                {"person_id": b, "death_date": "2025-05-07"},
            ],
            "benefits": [
                kit.pay(a, "disability_allowance"),
                kit.pay(b, "injury_death_grant", "990000.00"),
            ],
        },
    )
    assert s.empty


def test_reversals_offset_after_death(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    s = kit.screen(
        DEATH,
        {
            "deaths": [{"person_id": x, "death_date": "2025-01-10"} for x in (a, b)],
            "benefits": [
                kit.pay(a, "disability_allowance", "4000.00"),
                kit.pay(a, "disability_allowance", "-4000.00"),
                kit.pay(b, "disability_allowance", "-4000.00"),
            ],
        },
    )
    assert kit.flagged(s) == {a: Decimal("0.00")}


# --- injury.double_claim_with_medical -----------------------------------------------------------


@pytest.mark.usefixtures("needs_medical")
def test_an_injury_coded_settlement_of_the_period_is_a_double_claim(kit):
    a = kit.pid()
    s = kit.screen(
        DOUBLE,
        {
            "benefits": [kit.pay(a, "injury_medical", "3133.38")],
            "medical_settlements": [kit.settlement("ST1", a, "2025-06-14", "S62.3", "3304.92")],
        },
    )
    assert kit.flagged(s) == {a: Decimal("3133.38")}
    recs = kit.records(s, a)
    assert [r["source"] for r in recs] == ["benefits", "medical_settlements"]
    assert recs[1]["settlement_id"] == "ST1"
    assert recs[1]["diagnosis_code"] == "S62.3"
    assert recs[1]["settlement_fund_amount"] == "3304.92"


@pytest.mark.usefixtures("needs_medical")
def test_the_injury_chapter_is_s00_to_t98(kit):
    codes = {
        "S00": True,
        "s62.3": True,
        "S99.9": True,
        "T00.0": True,
        "T98.3": True,
        "T99": False,
        "R10.4": False,
        "M54.5": False,
        "V89.2": False,
    }
    pids = {dx: kit.pid(seq=2 * i + 1) for i, dx in enumerate(codes)}
    s = kit.screen(
        DOUBLE,
        {
            "benefits": [kit.pay(p) for p in pids.values()],
            "medical_settlements": [
                kit.settlement(f"ST{i}", p, "2025-06-03", dx)
                for i, (dx, p) in enumerate(pids.items())
            ],
        },
    )
    assert set(kit.flagged(s)) == {pids[dx] for dx, hit in codes.items() if hit}


@pytest.mark.usefixtures("needs_medical")
def test_only_settlements_of_the_same_period_and_person_count(kit):
    a, b, c = kit.pid(seq=1), kit.pid(seq=3), kit.pid(seq=5)
    s = kit.screen(
        DOUBLE,
        {
            "benefits": [
                kit.pay(a),
                kit.pay(b),
                kit.pay(c, "disability_allowance"),  # not injury medical
            ],
            "medical_settlements": [
                kit.settlement("ST1", a, "2025-05-04", period="2025-05"),  # the month before
                kit.settlement("ST2", kit.pid(seq=7), "2025-06-04"),  # another person
                kit.settlement("ST3", c, "2025-06-04"),
            ],
        },
    )
    assert s.empty


@pytest.mark.usefixtures("needs_medical")
def test_the_settlement_s_period_decides_not_its_dates(kit):
    a = kit.pid()
    s = kit.screen(
        DOUBLE,
        {
            "benefits": [kit.pay(a, amount="500.00"), kit.pay(a, amount="-200.00")],
            "medical_settlements": [kit.settlement("ST1", a, "2025-05-28", "T14.1")],
        },
    )
    assert kit.flagged(s) == {a: Decimal("300.00")}


def test_without_the_medical_tables_it_is_skipped(kit):
    import fundrules

    ds = kit.dataset({"benefits": [kit.pay(kit.pid())]})
    res = fundrules.screen(ds, indicators=[DOUBLE], registry=kit.registry)
    assert res.failed.empty
    assert res.skipped["indicator"].tolist() == [DOUBLE]
    assert "medical_settlements" in res.skipped["reason"].iloc[0]
