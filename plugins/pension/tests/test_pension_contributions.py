"""contributions_after_retirement and back_payment_before_retirement."""

from __future__ import annotations

from decimal import Decimal

from fundrules.plugin_api import format_period, parse_period

AFTER = "pension.contributions_after_retirement"


def test_a_contribution_for_a_period_after_the_retirement_month_is_flagged(kit):
    after = kit.pid("19640101", 1)
    same_month = kit.pid("19640101", 3)
    s = kit.screen(
        AFTER,
        {
            "retirements": [
                kit.retirement(after, "2025-05-31"),
                kit.retirement(same_month, "2025-06-01"),
            ],
            "contributions": [
                kit.contribution(after, "2025-06", "2025-06-15"),  # 500 + 200
                kit.contribution(same_month, "2025-06", "2025-06-15"),
            ],
        },
    )
    assert kit.flagged(s) == {after: Decimal("700.00")}
    rec = kit.records(s, after)[0]
    assert (rec["period"], rec["retirement_date"], rec["retirement_period"]) == (
        "2025-06",
        "2025-05-31",
        "2025-05",
    )
    assert (rec["employer_amount"], rec["person_amount"]) == ("500.00", "200.00")


def test_other_insurances_and_earlier_periods_are_not_screened(kit):
    a = kit.pid("19640101", 1)
    medical = kit.contribution(a, "2025-06", "2025-06-15")
    medical["insurance"] = "medical"
    s = kit.screen(
        AFTER,
        {
            "retirements": [kit.retirement(a, "2025-01-10")],
            "contributions": [medical, kit.contribution(a, "2025-05", "2025-06-15")],
        },
    )
    assert s.empty


# --- pension.back_payment_before_retirement ----------------------------------------------------

BACK = "pension.back_payment_before_retirement"


def back_payments(kit, pid, n, paid_date, first="2010-01"):
    start = parse_period(first)
    return [
        kit.contribution(pid, format_period(start + k), paid_date, back=True, amount="100.00")
        for k in range(n)
    ]


def test_exactly_60_back_paid_periods_are_flagged_59_are_not(kit):
    sixty = kit.pid("19650115", 1)
    fifty_nine = kit.pid("19650115", 3)
    s = kit.screen(
        BACK,
        {
            "retirements": [
                kit.retirement(sixty, "2025-06-20"),
                kit.retirement(fifty_nine, "2025-06-20"),
            ],
            "contributions": back_payments(kit, sixty, 60, "2025-01-05")
            + back_payments(kit, fifty_nine, 59, "2025-01-05")
            # the same period paid twice counts once
            + back_payments(kit, fifty_nine, 1, "2025-02-05"),
        },
    )
    assert kit.flagged(s) == {sixty: Decimal("0.00")}
    rec = kit.records(s, sixty)
    assert len(rec) == 1
    assert rec[0]["back_paid_periods"] == 60
    assert rec[0]["rows"] == 60
    assert (rec[0]["first_period"], rec[0]["last_period"]) == ("2010-01", "2014-12")
    assert rec[0]["back_paid_total"] == "6000.00"
    assert (rec[0]["retirement_date"], rec[0]["window_from"]) == ("2025-06-20", "2024-06-21")


def test_the_window_is_the_12_months_ending_on_the_retirement_date(kit):
    first_day = kit.pid("19650115", 1)  # paid on the window's first day: in
    last_day = kit.pid("19650115", 3)  # paid on the retirement date: in
    too_early = kit.pid("19650115", 5)  # paid on D minus 12 months: out
    too_late = kit.pid("19650115", 7)  # paid the day after retiring: out
    rows = (
        back_payments(kit, first_day, 60, "2024-06-21")
        + back_payments(kit, last_day, 60, "2025-06-20")
        + back_payments(kit, too_early, 60, "2024-06-20")
        + back_payments(kit, too_late, 60, "2025-06-21")
    )
    rets = [kit.retirement(p, "2025-06-20") for p in (first_day, last_day, too_early, too_late)]
    s = kit.screen(BACK, {"retirements": rets, "contributions": rows})
    assert set(kit.flagged(s)) == {first_day, last_day}


def test_only_back_payments_of_pension_count_and_only_target_period_retirements(kit):
    regular = kit.pid("19650115", 1)
    medical = kit.pid("19650115", 3)
    last_month = kit.pid("19650115", 5)
    med = back_payments(kit, medical, 60, "2025-01-05")
    for r in med:
        r["insurance"] = "medical"
    reg = [
        kit.contribution(regular, format_period(parse_period("2010-01") + k), "2025-01-05")
        for k in range(60)
    ]
    s = kit.screen(
        BACK,
        {
            "retirements": [
                kit.retirement(regular, "2025-06-20"),
                kit.retirement(medical, "2025-06-20"),
                kit.retirement(last_month, "2025-05-31"),
            ],
            "contributions": reg + med + back_payments(kit, last_month, 60, "2025-01-05"),
        },
    )
    assert s.empty


def test_the_number_of_periods_is_a_parameter(kit):
    a = kit.pid("19650115", 1)
    tables = {
        "retirements": [kit.retirement(a, "2025-06-20")],
        "contributions": back_payments(kit, a, 12, "2025-03-01"),
    }
    assert kit.screen(BACK, tables).empty
    assert set(kit.flagged(kit.screen(BACK, tables, params={"n": 12}))) == {a}


def test_retirement_on_29_february_window(kit):
    a = kit.pid("19640229", 1)
    # D = 2024-02-29; D minus 12 months = 2023-02-28; the window starts 2023-03-01
    s = kit.screen(
        BACK,
        {
            "retirements": [kit.retirement(a, "2024-02-29")],
            "contributions": back_payments(kit, a, 60, "2023-02-28"),
        },
        period="2024-02",
    )
    assert s.empty
    s = kit.screen(
        BACK,
        {
            "retirements": [kit.retirement(a, "2024-02-29")],
            "contributions": back_payments(kit, a, 60, "2023-03-01"),
        },
        period="2024-02",
    )
    assert kit.records(s, a)[0]["window_from"] == "2023-03-01"
