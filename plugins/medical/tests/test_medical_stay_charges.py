"""Charges of a stay against the stay: bed days, fees outside its dates."""

from __future__ import annotations

from decimal import Decimal

import pytest

BED = "medical.bed_days_exceed_stay"
OUTSIDE = "medical.fee_outside_stay"


@pytest.fixture
def p(kit):
    return kit.pid()


def _bed(kit, p, quantities, admit="2025-06-01", discharge="2025-06-10"):
    return {
        "medical_settlements": [kit.settlement("s", p, admit, discharge, fund="4000.00")],
        "medical_items": [
            kit.item("s", i + 1, "BED01", admit, q, category="bed")
            for i, q in enumerate(quantities)
        ],
    }


@pytest.mark.parametrize(
    ("quantities", "flagged"), [([9], False), ([10], True), ([5, 5], True), ([4.5, 4.5], False)]
)
def test_bed_days_against_nine_nights(kit, p, quantities, flagged):
    got = kit.flagged(BED, _bed(kit, p, quantities))
    assert got == ({p: Decimal("4000.00")} if flagged else {})


@pytest.mark.parametrize(("quantity", "flagged"), [(1, False), (2, True)])
def test_same_day_stay_counts_one_day(kit, p, quantity, flagged):
    tables = _bed(kit, p, [quantity], "2025-06-05", "2025-06-05")
    assert bool(kit.flagged(BED, tables)) is flagged


def test_bed_days_evidence_and_other_categories(kit, p):
    tables = _bed(kit, p, [10])
    tables["medical_items"].append(kit.item("s", 9, "DRUG1", "2025-06-02", 50))
    s = kit.screen(BED, tables)
    rec = kit.records(s, p)[0]
    assert (rec["stay_days"], rec["bed_days"], rec["bed_lines"]) == (9, 10.0, 1)


def test_bed_lines_of_an_outpatient_visit_are_not_a_stay(kit, p):
    tables = {
        "medical_settlements": [kit.visit("v", p, "2025-06-01")],
        "medical_items": [kit.item("v", 1, "BED01", "2025-06-01", 3, category="bed")],
    }
    assert kit.flagged(BED, tables) == {}


@pytest.mark.parametrize(
    ("day", "flagged"),
    [("2025-06-01", False), ("2025-06-10", False), ("2025-05-31", True), ("2025-06-11", True)],
)
def test_fee_outside_the_stay(kit, p, day, flagged):
    tables = {
        "medical_settlements": [kit.settlement("s", p, "2025-06-01", "2025-06-10", fund="600.00")],
        "medical_items": [kit.item("s", 1, "EX1", day, category="exam")],
    }
    assert kit.flagged(OUTSIDE, tables) == ({p: Decimal("600.00")} if flagged else {})


def test_fee_outside_counts_the_settlement_once(kit, p):
    tables = {
        "medical_settlements": [kit.settlement("s", p, "2025-06-01", "2025-06-10", fund="600.00")],
        "medical_items": [
            kit.item("s", 1, "EX1", "2025-05-20", category="exam"),
            kit.item("s", 2, "EX2", "2025-06-20", category="exam"),
            kit.item("s", 3, "EX3", "2025-06-05", category="exam"),
        ],
    }
    s = kit.screen(OUTSIDE, tables)
    assert kit.flagged(OUTSIDE, tables) == {p: Decimal("600.00")}
    assert [r["line_no"] for r in kit.records(s, p)] == [1, 2]


def test_fee_outside_ignores_outpatient_and_history(kit, p):
    tables = {
        "medical_settlements": [
            kit.visit("v", p, "2025-06-01"),
            kit.settlement("old", p, "2025-05-01", "2025-05-03", period="2025-05"),
        ],
        "medical_items": [
            kit.item("v", 1, "EX1", "2025-06-03"),
            kit.item("old", 1, "EX1", "2025-05-20"),
        ],
    }
    assert kit.flagged(OUTSIDE, tables) == {}
