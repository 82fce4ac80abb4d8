"""duplicate_receipt, shared_bank_account, benefit_jump."""

from __future__ import annotations

from decimal import Decimal

DUP = "pension.duplicate_receipt"


def national(pid, btype="basic_pension", period="2025-06", amount="2800.00", region="130102"):
    return {
        "person_id": pid,
        "region_code": region,
        "insurance": "pension",
        "benefit_type": btype,
        "period": period,
        "amount": amount,
    }


def test_two_schemes_here_put_the_resident_pension_at_risk(kit):
    a = kit.pid("19500101", 1)
    s = kit.screen(
        DUP,
        {"benefits": [kit.pay(a, "3000.00"), kit.pay(a, "200.00", btype="resident_pension")]},
    )
    assert kit.flagged(s) == {a: Decimal("200.00")}
    rec = kit.records(s, a)
    assert {r["benefit_type"] for r in rec} == {"basic_pension", "resident_pension"}
    assert {r["reason"] for r in rec} == {"two schemes here"}


def test_the_same_scheme_twice_here_is_not_this_indicator(kit):
    a = kit.pid("19500101", 1)
    s = kit.screen(DUP, {"benefits": [kit.pay(a), kit.pay(a)]})
    assert s.empty


def test_here_and_another_region_puts_what_is_paid_here_at_risk(kit):
    a = kit.pid("19500101", 1)
    b = kit.pid("19500101", 3)
    s = kit.screen(
        DUP,
        {
            "benefits": [kit.pay(a, "3000.00"), kit.pay(b, "3000.00")],
            "national_benefits": [
                national(a, "resident_pension", amount="150.00"),
                national(b, period="2025-05"),  # another period: not a duplicate
            ],
        },
    )
    assert kit.flagged(s) == {a: Decimal("3000.00")}
    assert s["insurance"].tolist() == ["pension"]
    rec = kit.records(s, a)
    assert [r["source"] for r in rec] == ["benefits", "national_benefits"]
    assert "insurance" not in rec[0]
    assert rec[1]["region_code"] == "130102"
    assert rec[1]["amount"] == "150.00"


def test_a_reversed_scheme_still_shows_the_double_receipt_at_0(kit):
    a = kit.pid("19500101", 1)
    b = kit.pid("19500101", 3)
    s = kit.screen(
        DUP,
        {
            "benefits": [
                kit.pay(a, "3000.00"),
                kit.pay(a, "200.00", btype="resident_pension"),
                kit.pay(a, "-200.00", btype="resident_pension"),
                kit.pay(b, "3000.00"),
                kit.pay(b, "-200.00", btype="resident_pension"),  # a reversal is no payment
            ],
        },
    )
    assert kit.flagged(s) == {a: Decimal("0.00")}


def test_zero_national_rows_and_history_do_not_count(kit):
    a = kit.pid("19500101", 1)
    s = kit.screen(
        DUP,
        {
            "benefits": [
                kit.pay(a, period="2025-05"),
                kit.pay(a, "200.00", period="2025-05", btype="resident_pension"),
                kit.pay(a),
            ],
            "national_benefits": [national(a, amount="0.00")],
        },
    )
    assert s.empty


# --- pension.shared_bank_account ---------------------------------------------------------------

SHARED = "pension.shared_bank_account"


def test_exactly_three_pensioners_on_one_account_are_flagged_two_are_not(kit):
    three = [kit.pid("19500101", k) for k in (1, 3, 5)]
    two = [kit.pid("19500101", k) for k in (7, 9)]
    rows = [kit.pay(p, "1000.00", bank_account="ACC-3") for p in three]
    rows += [kit.pay(p, "1000.00", bank_account="ACC-2") for p in two]
    rows += [kit.pay(two[0], "500.00", btype="resident_pension", bank_account="ACC-2")]
    s = kit.screen(SHARED, {"benefits": rows})
    assert kit.flagged(s) == {"ACC-3": Decimal("3000.00")}
    assert s["subject_type"].tolist() == ["account"]
    rec = kit.records(s, "ACC-3")
    assert sorted(r["person_id"] for r in rec) == sorted(three)
    assert {r["pensioners"] for r in rec} == {3}


def test_reversals_offset_and_empty_accounts_and_history_are_ignored(kit):
    p = [kit.pid("19500101", k) for k in (1, 3, 5, 7)]
    rows = [
        kit.pay(p[0], "1000.00", bank_account="ACC"),
        kit.pay(p[1], "1000.00", bank_account="ACC"),
        kit.pay(p[2], "1000.00", bank_account="ACC"),
        kit.pay(p[2], "-1000.00", bank_account="ACC"),  # paid, then recovered
        kit.pay(p[3], "-1000.00", bank_account="ACC2"),  # a reversal alone is not a payment
        kit.pay(p[3], "1000.00"),  # no account
    ]
    rows += [kit.pay(x, "1000.00", bank_account="ACC2") for x in p[1:3]]
    rows += [kit.pay(x, "1000.00", period="2025-05", bank_account="ACC3") for x in p[:3]]
    s = kit.screen(SHARED, {"benefits": rows})
    assert kit.flagged(s) == {"ACC": Decimal("2000.00")}


def test_the_number_of_pensioners_is_a_parameter(kit):
    rows = [kit.pay(kit.pid("19500101", k), bank_account="ACC") for k in (1, 3)]
    assert set(kit.flagged(kit.screen(SHARED, {"benefits": rows}, params={"n": 2}))) == {"ACC"}


# --- pension.benefit_jump ----------------------------------------------------------------------

JUMP = "pension.benefit_jump"


def test_a_rise_above_20_percent_is_flagged_exactly_20_is_not(kit):
    above = kit.pid("19500101", 1)
    exact = kit.pid("19500101", 3)
    s = kit.screen(
        JUMP,
        {
            "benefits": [
                kit.pay(above, "3000.00", period="2025-05"),
                kit.pay(above, "3600.01"),
                kit.pay(exact, "3000.00", period="2025-05"),
                kit.pay(exact, "3600.00"),
            ],
        },
    )
    assert kit.flagged(s) == {above: Decimal("3600.01")}
    rec = kit.records(s, above)[0]
    assert rec["previous_period"] == "2025-05"
    assert (rec["previous_total"], rec["current_total"]) == ("3000.00", "3600.01")
    assert rec["rise_percent"] == 20.0003


def test_pension_is_the_sum_of_both_schemes_with_reversals(kit):
    a = kit.pid("19500101", 1)
    b = kit.pid("19500101", 3)
    s = kit.screen(
        JUMP,
        {
            "benefits": [
                kit.pay(a, "2000.00", period="2025-05"),
                kit.pay(a, "1000.00", period="2025-05", btype="resident_pension"),
                kit.pay(a, "3500.00"),  # 3000 -> 3500: +16.7 %
                kit.pay(b, "3000.00", period="2025-05"),
                kit.pay(b, "4000.00"),
                kit.pay(b, "-500.00"),  # 3000 -> 3500
            ],
        },
    )
    assert s.empty


def test_a_rise_needs_a_payment_in_the_previous_period(kit):
    new = kit.pid("19500101", 1)
    gap = kit.pid("19500101", 3)
    reversed_ = kit.pid("19500101", 5)
    s = kit.screen(
        JUMP,
        {
            "benefits": [
                kit.pay(new, "3000.00"),
                kit.pay(gap, "3000.00", period="2025-04"),
                kit.pay(gap, "5000.00"),
                kit.pay(reversed_, "3000.00", period="2025-05"),
                kit.pay(reversed_, "-3000.00", period="2025-05"),
                kit.pay(reversed_, "5000.00"),
            ],
        },
    )
    assert s.empty


def test_a_retirement_dated_in_either_month_excludes_the_person(kit):
    prev_month = kit.pid("19650101", 1)
    this_month = kit.pid("19650101", 3)
    earlier = kit.pid("19650101", 5)
    pays = []
    for p in (prev_month, this_month, earlier):
        pays += [kit.pay(p, "1000.00", period="2025-05"), kit.pay(p, "3000.00")]
    s = kit.screen(
        JUMP,
        {
            "benefits": pays,
            "retirements": [
                kit.retirement(prev_month, "2025-05-20"),
                kit.retirement(this_month, "2025-06-01"),
                kit.retirement(earlier, "2025-04-30"),
            ],
        },
    )
    assert set(kit.flagged(s)) == {earlier}


def test_the_rise_is_a_parameter(kit):
    a = kit.pid("19500101", 1)
    tables = {"benefits": [kit.pay(a, "1000.00", period="2025-05"), kit.pay(a, "1100.00")]}
    assert kit.screen(JUMP, tables).empty
    assert set(kit.flagged(kit.screen(JUMP, tables, params={"rise_percent": 9.99}))) == {a}
    assert kit.screen(JUMP, tables, params={"rise_percent": 10}).empty
