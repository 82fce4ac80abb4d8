"""Items against the knowledge base: sex, age, price cap, daily quantity, duplicates."""

from __future__ import annotations

from decimal import Decimal

import pytest

SEX = "medical.sex_restricted_item"
AGE = "medical.age_restricted_item"
PRICE = "medical.price_above_cap"
EXCESS = "medical.excess_quantity"
DUPLICATE = "medical.duplicate_charge"


def _one_line(kit, p, code, day="2025-06-05", catalog=(), fund="300.00", **item):
    return {
        "medical_settlements": [kit.visit("v", p, day, fund=fund)],
        "medical_items": [kit.item("v", 1, code, day, **item)],
        "item_catalog": list(catalog),
    }


# -- sex_restricted_item ----------------------------------------------------------------------


@pytest.mark.parametrize(("seq", "flagged"), [(1, True), (2, False)])
def test_female_only_item_billed_for_a_man(kit, seq, flagged):
    p = kit.pid(seq=seq)
    tables = _one_line(kit, p, "GYN", catalog=[kit.catalog("GYN", restrict_sex="F")])
    assert kit.flagged(SEX, tables) == ({p: Decimal("300.00")} if flagged else {})


def test_sex_comes_from_a_valid_id_before_persons(kit):
    p = kit.pid(seq=1)  # the id says male
    tables = _one_line(kit, p, "GYN", catalog=[kit.catalog("GYN", restrict_sex="F")])
    tables["persons"] = [kit.person(p, sex="F")]
    s = kit.screen(SEX, tables)
    assert kit.records(s, p)[0]["sex"] == "M"


def test_sex_from_persons_when_the_id_is_invalid_and_unknown_not_judged(kit):
    bad = kit.pid(seq=1)[:-1] + ("0" if kit.pid(seq=1)[-1] != "0" else "1")
    tables = _one_line(kit, bad, "GYN", catalog=[kit.catalog("GYN", restrict_sex="F")])
    assert kit.flagged(SEX, tables) == {}
    tables["persons"] = [kit.person(bad, sex="M", birth_date="1970-01-01")]
    assert kit.flagged(SEX, tables) == {bad: Decimal("300.00")}


def test_several_flagged_lines_count_their_settlement_once(kit):
    p = kit.pid(seq=1)
    tables = _one_line(kit, p, "GYN", catalog=[kit.catalog("GYN", restrict_sex="F")])
    tables["medical_items"].append(kit.item("v", 2, "GYN", "2025-06-05"))
    tables["medical_items"].append(kit.item("v", 3, "OTHER", "2025-06-05"))
    s = kit.screen(SEX, tables)
    assert kit.flagged(SEX, tables) == {p: Decimal("300.00")}
    assert [r["line_no"] for r in kit.records(s, p)] == [1, 2]


def test_catalog_indicators_are_skipped_without_the_catalog(kit):
    p = kit.pid()
    tables = _one_line(kit, p, "GYN")
    del tables["item_catalog"]
    for code in (SEX, AGE, PRICE, DUPLICATE):
        res = kit.run(code, tables)
        assert res.skipped["reason"].tolist() == ["tables absent: item_catalog"]


# -- age_restricted_item ----------------------------------------------------------------------


@pytest.mark.parametrize(("day", "flagged"), [("2025-06-14", False), ("2025-06-15", True)])
def test_max_age_is_inclusive(kit, day, flagged):
    p = kit.pid("20100615")
    tables = _one_line(kit, p, "PED", day, catalog=[kit.catalog("PED", max_age=14)])
    assert bool(kit.flagged(AGE, tables)) is flagged


@pytest.mark.parametrize(("day", "flagged"), [("2025-06-14", True), ("2025-06-15", False)])
def test_min_age_is_inclusive(kit, day, flagged):
    p = kit.pid("20070615")
    tables = _one_line(kit, p, "ADULT", day, catalog=[kit.catalog("ADULT", min_age=18)])
    assert bool(kit.flagged(AGE, tables)) is flagged


@pytest.mark.parametrize(("day", "flagged"), [("2025-02-27", True), ("2025-02-28", False)])
def test_born_on_29_february_reaches_the_age_on_28_february(kit, day, flagged):
    p = kit.pid("20080229")
    tables = _one_line(kit, p, "ADULT", day, catalog=[kit.catalog("ADULT", min_age=17)])
    assert bool(kit.flagged(AGE, tables)) is flagged


def test_age_is_taken_on_the_service_date_not_the_visit(kit):
    p = kit.pid("20100615")
    tables = {
        "medical_settlements": [kit.settlement("s", p, "2025-06-10", "2025-06-20")],
        "medical_items": [
            kit.item("s", 1, "PED", "2025-06-14"),
            kit.item("s", 2, "PED", "2025-06-16"),
        ],
        "item_catalog": [kit.catalog("PED", max_age=14)],
    }
    s = kit.screen(AGE, tables)
    assert [(r["line_no"], r["age"]) for r in kit.records(s, p)] == [(2, 15)]


# -- price_above_cap --------------------------------------------------------------------------


@pytest.mark.parametrize(("price", "flagged"), [("10.00", False), ("10.0001", True)])
def test_unit_price_above_the_cap(kit, price, flagged):
    p = kit.pid()
    tables = _one_line(
        kit, p, "X", price=price, catalog=[kit.catalog("X", max_unit_price="10.0000")]
    )
    s = kit.screen(PRICE, tables)
    assert (len(s) == 1) is flagged
    if flagged:
        assert kit.records(s, p)[0]["unit_price"] == "10.0001"
        assert kit.records(s, p)[0]["max_unit_price"] == "10.0000"


# -- excess_quantity --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "days", "flagged"),
    [
        (3, None, False),
        (4, None, True),
        (21, 7, False),
        (22, 7, True),
        (3, 0, False),  # days_supply 0 counts as 1
        (0.3, 3, True),
        (0.3, 3, True),
    ],
)
def test_daily_quantity_against_the_catalog(kit, quantity, days, flagged):
    p = kit.pid()
    cap = 0.09 if quantity == 0.3 else 3
    tables = _one_line(
        kit,
        p,
        "D",
        quantity=quantity,
        days_supply=days,
        catalog=[kit.catalog("D", max_daily_quantity=cap)],
    )
    assert bool(kit.flagged(EXCESS, tables)) is flagged


def test_float_quantities_at_the_limit_do_not_fire(kit):
    p = kit.pid()
    tables = _one_line(
        kit, p, "D", quantity=0.3, days_supply=3, catalog=[kit.catalog("D", max_daily_quantity=0.1)]
    )
    assert kit.flagged(EXCESS, tables) == {}


@pytest.mark.parametrize(("days", "flagged"), [(30, False), (31, True)])
def test_days_of_supply_above_thirty_without_a_catalog(kit, days, flagged):
    p = kit.pid()
    tables = _one_line(kit, p, "D", quantity=1, days_supply=days)
    del tables["item_catalog"]
    s = kit.screen(EXCESS, tables)
    assert (len(s) == 1) is flagged
    if flagged:
        assert kit.records(s, p)[0]["reason"] == "days of supply"


def test_days_of_supply_limit_is_a_parameter(kit):
    p = kit.pid()
    tables = _one_line(kit, p, "D", quantity=1, days_supply=31, catalog=[kit.catalog("D")])
    assert kit.flagged(EXCESS, tables, params={"max_days_supply": 60}) == {}


# -- duplicate_charge -------------------------------------------------------------------------


def _twice(kit, p, q1, q2, day2="2025-06-05", sid2="s"):
    return {
        "medical_settlements": [
            kit.settlement("s", p, "2025-06-01", "2025-06-10", fund="900.00"),
            kit.settlement("t", p, "2025-06-01", "2025-06-01", provider="H2"),
        ],
        "medical_items": [
            kit.item("s", 1, "CT", "2025-06-05", q1, category="exam"),
            kit.item(sid2, 2, "CT", day2, q2, category="exam"),
        ],
        "item_catalog": [kit.catalog("CT", max_daily_quantity=1)],
    }


def test_same_item_twice_a_day_above_the_daily_maximum(kit):
    p = kit.pid()
    s = kit.screen(DUPLICATE, _twice(kit, p, 1, 1))
    assert kit.flagged(DUPLICATE, _twice(kit, p, 1, 1)) == {p: Decimal("900.00")}
    assert [(r["line_no"], r["summed_quantity"]) for r in kit.records(s, p)] == [(1, 2.0), (2, 2.0)]


@pytest.mark.parametrize(
    "case",
    [
        {"q1": 0.5, "q2": 0.5},  # summed quantity equal to the maximum
        {"q1": 1, "q2": 1, "day2": "2025-06-06"},  # another day
        {"q1": 1, "q2": 1, "sid2": "t", "day2": "2025-06-05"},  # another settlement
    ],
)
def test_not_a_duplicate(kit, case):
    p = kit.pid()
    assert kit.flagged(DUPLICATE, _twice(kit, p, **case)) == {}


def test_one_line_above_the_maximum_is_not_a_duplicate(kit):
    p = kit.pid()
    tables = _twice(kit, p, 5, 1, day2="2025-06-06")
    assert kit.flagged(DUPLICATE, tables) == {}
