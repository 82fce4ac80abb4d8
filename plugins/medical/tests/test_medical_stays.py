"""Stays against each other: overlaps, split admissions, visits while admitted."""

from __future__ import annotations

from decimal import Decimal

import pytest

OVERLAP = "medical.overlapping_inpatient"
SPLIT = "medical.split_admission"
VISITS = "medical.visits_during_stay"


@pytest.fixture
def p(kit):
    return kit.pid()


# -- overlapping_inpatient ------------------------------------------------------------------


def test_overlap_flags_the_later_stay_by_admission(kit, p):
    rows = [
        kit.settlement("a", p, "2025-06-01", "2025-06-10", fund="5000.00"),
        kit.settlement("b", p, "2025-06-05", "2025-06-15", provider="H2", fund="3000.00"),
    ]
    s = kit.screen(OVERLAP, {"medical_settlements": rows})
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {p: Decimal("3000.00")}
    recs = kit.records(s, p)
    assert {(r["settlement_id"], r["other_settlement_id"]) for r in recs} == {
        ("a", "b"),
        ("b", "a"),
    }
    later = next(r for r in recs if r["later_by_admission"])
    assert later["settlement_id"] == "b" and later["shared_nights"] == 5


def test_transfer_on_the_discharge_day_is_not_an_overlap(kit, p):
    rows = [
        kit.settlement("a", p, "2025-06-01", "2025-06-10"),
        kit.settlement("b", p, "2025-06-10", "2025-06-15", provider="H2"),
    ]
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {}


def test_one_shared_night_is_an_overlap(kit, p):
    rows = [
        kit.settlement("a", p, "2025-06-01", "2025-06-10"),
        kit.settlement("b", p, "2025-06-09", "2025-06-12", provider="H2", fund="700.00"),
    ]
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {p: Decimal("700.00")}


def test_a_same_day_stay_shares_no_night(kit, p):
    rows = [
        kit.settlement("a", p, "2025-06-01", "2025-06-10"),
        kit.settlement("b", p, "2025-06-05", "2025-06-05", provider="H2"),
    ]
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {}


def test_overlap_with_an_earlier_period_stay(kit, p):
    rows = [
        kit.settlement("a", p, "2025-05-20", "2025-06-03", period="2025-05", fund="900.00"),
        kit.settlement("b", p, "2025-06-01", "2025-06-05", fund="400.00"),
    ]
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {p: Decimal("400.00")}


def test_target_stay_earlier_by_admission_is_flagged_with_nothing_at_risk(kit, p):
    # the later stay (by admission) was settled in May: its money moved then
    rows = [
        kit.settlement("long", p, "2025-04-01", "2025-06-05", fund="9000.00"),
        kit.settlement("short", p, "2025-05-01", "2025-05-03", period="2025-05"),
    ]
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {p: Decimal("0.00")}


def test_overlaps_only_in_history_are_not_screened(kit, p):
    rows = [
        kit.settlement("a", p, "2025-05-01", "2025-05-10", period="2025-05"),
        kit.settlement("b", p, "2025-05-05", "2025-05-15", period="2025-05"),
        kit.settlement("c", p, "2025-06-20", "2025-06-25"),
    ]
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {}


def test_each_later_stay_counts_once(kit, p):
    rows = [
        kit.settlement("a", p, "2025-06-01", "2025-06-20", fund="1000.00"),
        kit.settlement("b", p, "2025-06-05", "2025-06-08", fund="200.00"),
        kit.settlement("c", p, "2025-06-06", "2025-06-10", fund="30.00"),
    ]
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {p: Decimal("230.00")}


def test_outpatient_visits_are_not_stays(kit, p):
    rows = [
        kit.settlement("a", p, "2025-06-01", "2025-06-10"),
        kit.visit("v", p, "2025-06-05"),
    ]
    assert kit.flagged(OVERLAP, {"medical_settlements": rows}) == {}


# -- split_admission ------------------------------------------------------------------------


def _split(kit, p, readmit: str, **kw):
    first = kit.settlement("a", p, "2025-06-01", "2025-06-05", dx=kw.pop("dx0", "I63.9"))
    if "period0" in kw:
        first = kit.settlement(
            "a", p, "2025-05-01", "2025-05-05", period=kw.pop("period0"), dx="I63.9"
        )
    second = kit.settlement("b", p, readmit, None, fund="800.00", **kw)
    return {"medical_settlements": [first, second]}


@pytest.mark.parametrize(("readmit", "flagged"), [("2025-06-20", True), ("2025-06-21", False)])
def test_split_admission_day_n_is_flagged_day_n_plus_1_is_not(kit, p, readmit, flagged):
    got = kit.flagged(SPLIT, _split(kit, p, readmit, dx="I63.1"))
    assert got == ({p: Decimal("800.00")} if flagged else {})


def test_readmission_on_the_discharge_day_is_gap_zero(kit, p):
    s = kit.screen(SPLIT, _split(kit, p, "2025-06-05"))
    assert kit.records(s, p)[0]["gap_days"] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"provider": "H2"},
        {"dx": "I64"},
        {"dx": "Z51.1", "dx0": "Z51.0"},
        {"dx": "Z49", "dx0": "Z49"},
    ],
)
def test_split_admission_needs_same_provider_and_category_and_no_planned_cycle(kit, p, change):
    assert kit.flagged(SPLIT, _split(kit, p, "2025-06-10", **change)) == {}


def test_split_admission_previous_stay_of_an_earlier_period(kit, p):
    tables = _split(kit, p, "2025-05-20", period0="2025-05")
    assert kit.flagged(SPLIT, tables) == {p: Decimal("800.00")}


def test_split_admission_category_ignores_case_and_blanks(kit, p):
    assert kit.flagged(SPLIT, _split(kit, p, "2025-06-10", dx=" i63.0")) == {p: Decimal("800.00")}


def test_split_admission_previous_stay_is_the_one_at_the_same_provider(kit, p):
    tables = _split(kit, p, "2025-06-12")
    tables["medical_settlements"].append(
        kit.settlement("elsewhere", p, "2025-06-06", "2025-06-08", provider="H2", dx="J18")
    )
    assert kit.flagged(SPLIT, tables) == {p: Decimal("800.00")}


def test_split_admission_overlapping_stay_is_not_a_readmission(kit, p):
    assert kit.flagged(SPLIT, _split(kit, p, "2025-06-03")) == {}


def test_split_admission_days_is_a_parameter(kit, p):
    tables = _split(kit, p, "2025-06-16")  # 11 days after
    assert kit.flagged(SPLIT, tables) == {p: Decimal("800.00")}
    assert kit.flagged(SPLIT, tables, params={"days": 10}) == {}
    assert kit.flagged(SPLIT, tables, params={"planned_cycles": ["i63"]}) == {}


# -- visits_during_stay ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "visit", "flagged"),
    [
        ("2025-06-02", "outpatient", True),
        ("2025-06-09", "pharmacy", True),
        ("2025-06-01", "outpatient", False),
        ("2025-06-10", "pharmacy", False),
        ("2025-06-11", "outpatient", False),
    ],
)
def test_visit_strictly_inside_a_stay(kit, p, day, visit, flagged):
    rows = [
        kit.settlement("stay", p, "2025-06-01", "2025-06-10"),
        kit.visit("v", p, day, fund="55.50", visit=visit),
    ]
    got = kit.flagged(VISITS, {"medical_settlements": rows})
    assert got == ({p: Decimal("55.50")} if flagged else {})


def test_visit_inside_a_stay_settled_in_an_earlier_period(kit, p):
    rows = [
        kit.settlement("stay", p, "2025-05-25", "2025-06-05", period="2025-05"),
        kit.visit("v", p, "2025-06-03"),
    ]
    s = kit.screen(VISITS, {"medical_settlements": rows})
    assert kit.records(s, p)[0]["stay_settlement_id"] == "stay"
    assert kit.records(s, p)[0]["stay_period"] == "2025-05"


def test_visit_inside_a_long_stay_that_a_short_one_follows(kit, p):
    rows = [
        kit.settlement("long", p, "2025-06-01", "2025-06-30"),
        kit.settlement("short", p, "2025-06-05", "2025-06-06", provider="H2"),
        kit.visit("v", p, "2025-06-10"),
    ]
    s = kit.screen(VISITS, {"medical_settlements": rows})
    assert kit.records(s, p)[0]["stay_settlement_id"] == "long"


def test_visit_of_an_earlier_period_is_history(kit, p):
    rows = [
        kit.settlement("stay", p, "2025-05-01", "2025-06-10"),
        kit.visit("v", p, "2025-05-20", period="2025-05"),
    ]
    assert kit.flagged(VISITS, {"medical_settlements": rows}) == {}


def test_another_persons_stay_does_not_count(kit, p):
    q = kit.pid(seq=3)
    rows = [kit.settlement("stay", q, "2025-06-01", "2025-06-10"), kit.visit("v", p, "2025-06-05")]
    assert kit.flagged(VISITS, {"medical_settlements": rows}) == {}
