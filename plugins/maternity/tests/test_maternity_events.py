"""births_too_close and implausible_age: claim events of the target period."""

from __future__ import annotations

from decimal import Decimal

CLOSE = "maternity.births_too_close"
AGE = "maternity.implausible_age"


def test_births_179_days_apart_are_flagged_180_are_not(kit):
    a, b = kit.pid(seq=2), kit.pid(seq=4)
    claims = [
        kit.claim(a, "2024-12-23", claim_id="a1"),  # 2025-06-20 minus 179 days
        kit.claim(a, "2025-06-20", claim_id="a2"),
        kit.claim(b, "2024-12-22", claim_id="b1"),  # 180 days
        kit.claim(b, "2025-06-20", claim_id="b2"),
    ]
    s = kit.screen(CLOSE, {"maternity_claims": claims})
    assert kit.flagged(s) == {a: Decimal("0.00")}
    (rec,) = kit.records(s, a)
    assert rec["claim_id"] == "a2" and rec["previous_claim_id"] == "a1"
    assert rec["gap_days"] == 179 and rec["min_days"] == 180
    assert rec["previous_event_date"] == "2024-12-23"


def test_the_pair_is_judged_in_the_period_of_its_later_claim(kit):
    a = kit.pid()
    claims = [kit.claim(a, "2025-06-01"), kit.claim(a, "2025-08-01")]
    assert kit.screen(CLOSE, {"maternity_claims": claims}).empty
    assert set(kit.flagged(kit.screen(CLOSE, {"maternity_claims": claims}, period="2025-08")))


def test_two_births_on_one_day_are_zero_days_apart(kit):
    a = kit.pid()
    claims = [kit.claim(a, "2025-06-05"), kit.claim(a, "2025-06-05")]
    s = kit.screen(CLOSE, {"maternity_claims": claims})
    assert [r["gap_days"] for r in kit.records(s, a)] == [0]


def test_only_births_count_and_only_the_same_person(kit):
    a, b = kit.pid(seq=2), kit.pid(seq=4)
    claims = [
        kit.claim(a, "2025-03-01", "miscarriage_late"),
        kit.claim(a, "2025-06-05"),
        kit.claim(b, "2025-03-01"),
        kit.claim(kit.pid(seq=6), "2025-06-05"),
    ]
    assert kit.screen(CLOSE, {"maternity_claims": claims}).empty


def test_the_gap_is_a_parameter(kit):
    a = kit.pid()
    claims = [kit.claim(a, "2025-01-01"), kit.claim(a, "2025-06-01")]  # 151 days
    assert kit.screen(CLOSE, {"maternity_claims": claims}, params={"min_days": 151}).empty
    s = kit.screen(CLOSE, {"maternity_claims": claims}, params={"min_days": 152})
    assert set(kit.flagged(s)) == {a}


def _age_case(kit, birth: str, event: str, seq: int = 2):
    a = kit.pid(birth, seq)
    return a, kit.screen(AGE, {"maternity_claims": [kit.claim(a, event)]})


def test_fifteen_is_too_young_sixteen_is_not(kit):
    a, s = _age_case(kit, "20090611", "2025-06-10")  # 15, 16 the next day
    assert kit.flagged(s) == {a: Decimal("0.00")}
    (rec,) = kit.records(s, a)
    assert rec["age"] == 15 and rec["reason"] == "below 16"
    assert rec["birth_date"] == "2009-06-11"
    _, s = _age_case(kit, "20090610", "2025-06-10")  # 16 on the day
    assert s.empty


def test_fifty_five_is_accepted_fifty_six_is_not(kit):
    _, s = _age_case(kit, "19690611", "2025-06-10")  # 55, 56 the next day
    assert s.empty
    a, s = _age_case(kit, "19690610", "2025-06-10")  # 56 on the day
    assert kit.records(s, a)[0]["reason"] == "above 55"


def test_born_on_29_february_reaches_an_age_on_28_february_in_a_common_year(kit):
    a = kit.pid("20080229")
    young = {"min_age": 17}  # 17 in 2025, a common year

    def screen(event: str):
        return kit.screen(AGE, {"maternity_claims": [kit.claim(a, event)]}, "2025-02", young)

    assert set(kit.flagged(screen("2025-02-27"))) == {a}
    assert screen("2025-02-28").empty


def test_a_leap_year_birthday_is_the_29th(kit):
    a = kit.pid("20080229")
    s = kit.screen(AGE, {"maternity_claims": [kit.claim(a, "2024-02-28")]}, "2024-02")
    assert kit.records(s, a)[0]["age"] == 15
    assert kit.screen(AGE, {"maternity_claims": [kit.claim(a, "2024-02-29")]}, "2024-02").empty


def test_a_claim_of_another_period_and_an_unknown_birth_date_are_not_judged(kit):
    a = kit.pid("20100101")
    bad = "120101201001010029"
    s = kit.screen(
        AGE,
        {"maternity_claims": [kit.claim(a, "2025-05-31"), kit.claim(bad, "2025-06-02")]},
    )
    assert s.empty


def test_birth_date_from_persons_where_the_id_fails(kit):
    bad = "120101199001010029"
    s = kit.screen(
        AGE,
        {
            "persons": [kit.person(bad, birth_date="1960-01-01")],
            "maternity_claims": [kit.claim(bad, "2025-06-02")],
        },
    )
    assert kit.records(s, bad)[0]["age"] == 65


def test_the_bounds_are_parameters(kit):
    a, _ = _age_case(kit, "19850101", "2025-06-10")  # 40
    claims = [kit.claim(a, "2025-06-10")]
    s = kit.screen(AGE, {"maternity_claims": claims}, params={"max_age": 39})
    assert set(kit.flagged(s)) == {a}
