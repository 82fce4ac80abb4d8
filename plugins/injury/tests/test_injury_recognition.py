"""injury.late_application and injury.repeat_accidents (case events)."""

from __future__ import annotations

from decimal import Decimal

LATE = "injury.late_application"
REPEAT = "injury.repeat_accidents"

# --- injury.late_application ------------------------------------------------------------------


def test_an_application_366_days_after_the_accident_is_late(kit):
    a = kit.pid()
    s = kit.screen(
        LATE,
        {
            "injury_cases": [
                kit.case(a, "2024-06-04", application="2025-06-05", recognition="2025-06-19")
            ]
        },
    )
    assert kit.flagged(s) == {a: Decimal("0.00")}
    (rec,) = kit.records(s, a)
    assert rec["days_to_application"] == 366
    assert rec["limit_days"] == 365
    assert rec["recognition_date"] == "2025-06-19"


def test_an_application_365_days_after_is_in_time(kit):
    a = kit.pid()
    s = kit.screen(
        LATE,
        {
            "injury_cases": [
                kit.case(a, "2024-06-05", application="2025-06-05", recognition="2025-06-19")
            ]
        },
    )
    assert s.empty


def test_a_leap_day_counts_as_a_day(kit):
    a = kit.pid()
    rows = [kit.case(a, "2024-02-28", application="2025-02-28", recognition="2025-06-02")]
    assert kit.flagged(kit.screen(LATE, {"injury_cases": rows})) == {a: Decimal("0.00")}


def test_only_recognitions_granted_in_the_target_period_are_screened(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    s = kit.screen(
        LATE,
        {
            "injury_cases": [
                kit.case(a, "2023-01-01", application="2025-05-01", recognition="2025-05-31"),
                kit.case(b, "2023-01-01", application="2025-06-01"),  # not recognised
            ]
        },
    )
    assert s.empty


def test_the_limit_is_a_parameter(kit):
    a = kit.pid()
    rows = [kit.case(a, "2024-06-04", application="2025-06-05", recognition="2025-06-19")]
    assert kit.screen(LATE, {"injury_cases": rows}, params={"n": 366}).empty
    assert set(kit.flagged(kit.screen(LATE, {"injury_cases": rows}, params={"n": 30}))) == {a}


# --- injury.repeat_accidents ------------------------------------------------------------------


def test_an_earlier_accident_on_the_same_day_12_months_before_counts(kit):
    a = kit.pid()
    s = kit.screen(
        REPEAT,
        {
            "injury_cases": [
                kit.case(a, "2024-06-20", case_id="IC1"),
                kit.case(a, "2025-06-20", case_id="IC2"),
            ]
        },
    )
    assert kit.flagged(s) == {a: Decimal("0.00")}
    (rec,) = kit.records(s, a)
    assert rec["case_id"] == "IC2"
    assert rec["window_from"] == "2024-06-20"
    assert rec["earlier_accidents"] == 1
    assert rec["earlier_cases"] == "IC1 (2024-06-20)"


def test_12_months_and_a_day_before_is_outside(kit):
    a = kit.pid()
    rows = [kit.case(a, "2024-06-19"), kit.case(a, "2025-06-20")]
    assert kit.screen(REPEAT, {"injury_cases": rows}).empty


def test_a_leap_day_accident_looks_back_to_28_february(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    rows = [
        kit.case(a, "2027-02-28"),
        kit.case(a, "2028-02-29"),
        kit.case(b, "2027-02-27"),
        kit.case(b, "2028-02-29"),
    ]
    s = kit.screen(REPEAT, {"injury_cases": rows}, period="2028-02")
    assert set(kit.flagged(s)) == {a}


def test_the_other_accident_must_be_before_it(kit):
    a, b, c = kit.pid(seq=1), kit.pid(seq=3), kit.pid(seq=5)
    rows = [
        kit.case(a, "2025-06-10"),
        kit.case(a, "2025-06-10"),  # the same day is not before it
        kit.case(b, "2025-06-03", case_id="B1"),
        kit.case(b, "2025-06-25", case_id="B2"),  # only the later one has one before it
        kit.case(c, "2025-06-03"),
        kit.case(c, "2025-08-01"),  # after it, and outside the target period
    ]
    s = kit.screen(REPEAT, {"injury_cases": rows})
    assert set(kit.flagged(s)) == {b}
    assert [r["case_id"] for r in kit.records(s, b)] == ["B2"]


def test_accidents_of_other_persons_do_not_count_and_n_is_a_parameter(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    rows = [
        kit.case(a, "2024-09-01"),
        kit.case(a, "2025-02-01"),
        kit.case(a, "2025-06-15"),
        kit.case(b, "2025-06-01"),
    ]
    assert set(kit.flagged(kit.screen(REPEAT, {"injury_cases": rows}))) == {a}
    assert set(kit.flagged(kit.screen(REPEAT, {"injury_cases": rows}, params={"n": 3}))) == {a}
    assert kit.screen(REPEAT, {"injury_cases": rows}, params={"n": 4}).empty
    assert set(kit.flagged(kit.screen(REPEAT, {"injury_cases": rows}, params={"n": 1}))) == {a, b}
