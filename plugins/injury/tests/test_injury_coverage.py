"""injury.insured_after_accident (先伤后保)."""

from __future__ import annotations

from decimal import Decimal

CODE = "injury.insured_after_accident"


def test_enrolled_on_the_accident_day_is_flagged_with_why(kit):
    a = kit.pid()
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(a, "2025-05-07", case_id="IC1")],
            "enrollments": [kit.enrollment(a, "2025-05-07")],
            "benefits": [kit.pay(a, "injury_medical", "1687.57")],
        },
    )
    assert kit.flagged(s) == {a: Decimal("1687.57")}
    assert s["insurance"].tolist() == ["injury"]
    (rec,) = kit.records(s, a)
    assert rec["case_id"] == "IC1"
    assert rec["accident_date"] == "2025-05-07"
    assert rec["enrolled_from"] == "2025-05-07"
    assert rec["days_after_accident"] == 0
    assert rec["case_employer_id"] == kit.EMPLOYER


def test_enrolled_the_day_before_the_accident_is_covered(kit):
    a = kit.pid()
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(a, "2025-05-07")],
            "enrollments": [kit.enrollment(a, "2025-05-06")],
            "benefits": [kit.pay(a)],
        },
    )
    assert s.empty


def test_enrolled_after_a_fatal_accident_the_death_grant_is_flagged(kit):
    a = kit.pid()
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(a, "2025-05-20")],
            "enrollments": [kit.enrollment(a, "2025-05-26")],
            "benefits": [kit.pay(a, "injury_death_grant", "990000.00")],
        },
    )
    assert kit.flagged(s) == {a: Decimal("990000.00")}
    assert kit.records(s, a)[0]["days_after_accident"] == 6


def test_a_spell_must_still_be_open_on_the_accident_day(kit):
    ended, last_day, none = kit.pid(seq=1), kit.pid(seq=3), kit.pid(seq=5)
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(x, "2025-05-10") for x in (ended, last_day, none)],
            "enrollments": [
                kit.enrollment(ended, "2020-01-01", "2025-05-09"),
                kit.enrollment(last_day, "2020-01-01", "2025-05-10"),  # its last day covers it
                kit.enrollment(none, "2020-01-01", insurance="pension"),  # another insurance
            ],
            "benefits": [kit.pay(x) for x in (ended, last_day, none)],
        },
    )
    assert set(kit.flagged(s)) == {ended, none}
    assert kit.records(s, none)[0]["reason"] == "no injury enrollment covers the accident"
    assert kit.records(s, none)[0]["enrolled_from"] is None


def test_payments_link_to_the_latest_case_dated_by_the_end_of_their_period(kit):
    a = kit.pid()
    s = kit.screen(
        CODE,
        {
            "injury_cases": [
                kit.case(a, "2020-03-01", case_id="old"),  # covered
                kit.case(a, "2025-06-30", case_id="new"),  # after enrolling again: not covered
                kit.case(a, "2025-07-01", case_id="later"),  # after the period: not linked
            ],
            "enrollments": [
                kit.enrollment(a, "2019-01-01", "2024-12-31"),
                kit.enrollment(a, "2025-06-30"),
            ],
            "benefits": [kit.pay(a, period="2025-05"), kit.pay(a, period="2025-06")],
        },
    )
    assert kit.flagged(s) == {a: Decimal("1000.00")}
    assert [r["case_id"] for r in kit.records(s, a)] == ["new"]
    # the month before, the same payment links to the old, covered case
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(a, "2020-03-01"), kit.case(a, "2025-06-30")],
            "enrollments": [kit.enrollment(a, "2019-01-01", "2024-12-31")],
            "benefits": [kit.pay(a, period="2025-05")],
        },
        period="2025-05",
    )
    assert s.empty


def test_disability_benefits_link_to_the_latest_graded_case(kit):
    a = kit.pid()
    s = kit.screen(
        CODE,
        {
            "injury_cases": [
                kit.case(a, "2018-03-01", grade=3, case_id="graded"),
                kit.case(a, "2025-04-01", case_id="fresh"),
            ],
            "enrollments": [
                kit.enrollment(a, "2010-01-01", "2024-12-31"),
                kit.enrollment(a, "2025-04-02"),
            ],
            "benefits": [
                kit.pay(a, "disability_allowance", "4000.00"),  # graded case: covered
                kit.pay(a, "injury_medical", "700.00"),  # fresh case: not covered
            ],
        },
    )
    assert kit.flagged(s) == {a: Decimal("700.00")}
    assert [r["benefit_type"] for r in kit.records(s, a)] == ["injury_medical"]


def test_a_payment_with_no_case_is_not_judged_and_history_is_context(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(b, "2025-03-01")],
            "enrollments": [kit.enrollment(b, "2025-03-05")],
            "benefits": [kit.pay(a), kit.pay(b, period="2025-05")],
        },
    )
    assert s.empty


def test_reversals_offset_and_a_reversal_alone_is_not_a_payment(kit):
    a, b, c = kit.pid(seq=1), kit.pid(seq=3), kit.pid(seq=5)
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(x, "2025-05-01") for x in (a, b, c)],
            "enrollments": [kit.enrollment(x, "2025-05-02") for x in (a, b, c)],
            "benefits": [
                kit.pay(a, amount="3000.00"),
                kit.pay(a, amount="-1000.00"),
                kit.pay(b, amount="3000.00"),
                kit.pay(b, amount="-3000.00"),
                kit.pay(c, amount="-3000.00"),
            ],
        },
    )
    assert kit.flagged(s) == {a: Decimal("2000.00"), b: Decimal("0.00")}
    assert sorted(r["amount"] for r in kit.records(s, a)) == ["-1000.00", "3000.00"]
