"""Settlements that external data rule out: after death, during incarceration."""

from __future__ import annotations

from decimal import Decimal

import pytest

DEATH = "medical.settled_after_death"
PRISON = "medical.settled_during_incarceration"


@pytest.fixture
def p(kit):
    return kit.pid()


@pytest.mark.parametrize(
    ("day", "flagged"), [("2025-06-11", True), ("2025-06-10", False), ("2025-06-01", False)]
)
def test_outpatient_visit_after_the_day_of_death(kit, p, day, flagged):
    tables = {
        "medical_settlements": [kit.visit("v", p, day, fund="88.00")],
        "deaths": [{"person_id": p, "death_date": "2025-06-10"}],
    }
    assert kit.flagged(DEATH, tables) == ({p: Decimal("88.00")} if flagged else {})


def test_stay_admitted_before_death_is_not_after_it(kit, p):
    tables = {
        "medical_settlements": [
            kit.settlement("s", p, "2025-06-01", "2025-06-12"),
            kit.settlement("t", p, "2025-06-13", "2025-06-20", fund="2000.00"),
        ],
        "deaths": [{"person_id": p, "death_date": "2025-06-12"}],
    }
    s = kit.screen(DEATH, tables)
    assert kit.flagged(DEATH, tables) == {p: Decimal("2000.00")}
    assert [r["settlement_id"] for r in kit.records(s, p)] == ["t"]


def test_settlement_of_an_earlier_period_is_history(kit, p):
    tables = {
        "medical_settlements": [kit.visit("v", p, "2025-05-20", period="2025-05")],
        "deaths": [{"person_id": p, "death_date": "2025-05-01"}],
    }
    assert kit.flagged(DEATH, tables) == {}


@pytest.mark.parametrize(
    ("day", "flagged"),
    [
        ("2025-06-02", True),
        ("2025-06-19", True),
        ("2025-06-01", False),  # entry day
        ("2025-06-20", False),  # release day
        ("2025-05-31", False),
    ],
)
def test_visit_strictly_inside_an_incarceration(kit, p, day, flagged):
    tables = {
        "medical_settlements": [kit.visit("v", p, day, visit="pharmacy", fund="12.34")],
        "incarcerations": [{"person_id": p, "start_date": "2025-06-01", "end_date": "2025-06-20"}],
    }
    assert kit.flagged(PRISON, tables) == ({p: Decimal("12.34")} if flagged else {})


def test_open_incarceration_covers_every_later_day(kit, p):
    tables = {
        "medical_settlements": [kit.visit("v", p, "2025-06-30")],
        "incarcerations": [
            {"person_id": p, "start_date": "2020-01-01", "end_date": "2021-01-01"},
            {"person_id": p, "start_date": "2024-03-01", "end_date": None},
        ],
    }
    s = kit.screen(PRISON, tables)
    assert kit.records(s, p)[0]["entry_date"] == "2024-03-01"


def test_inpatient_stays_are_not_judged_for_incarceration(kit, p):
    tables = {
        "medical_settlements": [kit.settlement("s", p, "2025-06-05", "2025-06-08")],
        "incarcerations": [{"person_id": p, "start_date": "2025-06-01", "end_date": None}],
    }
    assert kit.flagged(PRISON, tables) == {}
