"""Allowances paid after a stop condition: a new job, a basic pension, death, prison."""

from __future__ import annotations

from decimal import Decimal

EMPLOYED = "unemployment.paid_while_employed"
PENSION = "unemployment.paid_with_pension"
DEATH = "unemployment.paid_after_death"
PRISON = "unemployment.paid_during_incarceration"
EMPLOYER = "91120000MA05KXQ28A"


# ---- paid_while_employed --------------------------------------------------------------------


def test_an_employer_contribution_for_the_period_in_any_insurance_is_employment(kit):
    a, b, c = kit.pid(seq=1), kit.pid(seq=3), kit.pid(seq=5)
    tables = {
        "benefits": [kit.pay(a), kit.pay(b, amount="1600.00"), kit.pay(c)],
        "contributions": [
            kit.contribution(a, insurance="injury"),
            kit.contribution(a, insurance="pension"),
            kit.contribution(b, employer_amount="0.01", back=True),  # a back payment for June
            kit.contribution(c, "2025-05"),  # the month before: the old job
        ],
    }
    s = kit.screen(EMPLOYED, tables)
    assert kit.flagged(s) == {a: Decimal("1800.00"), b: Decimal("1600.00")}
    recs = kit.records(s, a)
    assert [r["source"] for r in recs] == ["benefits", "contributions", "contributions"]
    assert {r["contribution_insurance"] for r in recs[1:]} == {"injury", "pension"}
    assert recs[1]["employer_id"] == EMPLOYER and recs[1]["employer_amount"] == "800.00"


def test_fund_paid_self_paid_and_zero_employer_contributions_are_not_employment(kit):
    a, b, c = kit.pid(seq=1), kit.pid(seq=3), kit.pid(seq=5)
    tables = {
        "benefits": [kit.pay(a), kit.pay(b), kit.pay(c)],
        "contributions": [
            # the unemployment fund pays the claimant's medical premium: no employer, 0
            kit.contribution(a, employer_id=None, employer_amount="0.00", insurance="medical"),
            # flexible employment, self-paid (an employer part without an employer is no employer)
            kit.contribution(b, employer_id=None, employer_amount="300.00"),
            # an employer row with no employer part
            kit.contribution(c, employer_amount="0.00"),
        ],
    }
    assert kit.screen(EMPLOYED, tables).empty


def test_employment_without_an_allowance_is_not_flagged(kit):
    a = kit.pid()
    tables = {
        "benefits": [kit.pay(a, "2025-05"), kit.pay(a, btype="basic_pension")],
        "contributions": [kit.contribution(a)],
    }
    assert kit.screen(EMPLOYED, tables).empty


# ---- paid_with_pension ----------------------------------------------------------------------


def _national(pid: str, period: str = "2025-06", btype: str = "basic_pension", amount="2500.00"):
    insurance = "unemployment" if btype == "unemployment_allowance" else "pension"
    return {
        "person_id": pid,
        "region_code": "130102",
        "insurance": insurance,
        "benefit_type": btype,
        "period": period,
        "amount": amount,
    }


def test_a_basic_pension_here_or_elsewhere_for_the_same_period(kit):
    a, b, c = kit.pid(seq=1), kit.pid(seq=3), kit.pid(seq=5)
    tables = {
        "benefits": [
            kit.pay(a, amount="1500.00"),
            kit.pay(a, btype="basic_pension", amount="3200.00"),
            kit.pay(b, amount="1600.00"),
            kit.pay(b, btype="resident_pension", amount="180.00"),
            kit.pay(c, amount="1700.00"),
        ],
        "national_benefits": [_national(c, btype="resident_pension")],
    }
    s = kit.screen(PENSION, tables)
    assert kit.flagged(s) == {
        a: Decimal("1500.00"),
        b: Decimal("1600.00"),
        c: Decimal("1700.00"),
    }
    recs = kit.records(s, c)
    assert [r["source"] for r in recs] == ["benefits", "national_benefits"]
    assert recs[1]["region_code"] == "130102" and recs[1]["amount"] == "2500.00"
    assert [r["benefit_type"] for r in kit.records(s, a)] == [
        "unemployment_allowance",
        "basic_pension",
    ]


def test_a_pension_of_another_period_reversed_or_not_a_pension_does_not_count(kit):
    a, b, c, d = (kit.pid(seq=s) for s in (1, 3, 5, 7))
    tables = {
        "benefits": [
            kit.pay(a),
            kit.pay(a, "2025-05", btype="basic_pension"),  # the pension ended in May
            kit.pay(b),
            kit.pay(b, btype="basic_pension", amount="3000.00"),
            kit.pay(b, btype="basic_pension", amount="-3000.00"),  # recovered in full
            kit.pay(c),
            kit.pay(d),
        ],
        "national_benefits": [
            _national(c, "2025-05"),
            _national(d, btype="unemployment_allowance"),  # another region's allowance
            _national(a, amount="0.00"),
        ],
    }
    assert kit.screen(PENSION, tables).empty


def test_paid_with_pension_runs_without_national_benefits(kit):
    a = kit.pid()
    tables = {"benefits": [kit.pay(a), kit.pay(a, btype="basic_pension")]}
    assert set(kit.screen(PENSION, tables)["subject_id"]) == {a}


# ---- paid_after_death -----------------------------------------------------------------------


def test_the_month_after_death_is_flagged_the_month_of_death_is_due(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    tables = {
        "benefits": [kit.pay(a), kit.pay(b), kit.pay(b, "2025-05")],
        "deaths": [
            {"person_id": a, "death_date": "2025-05-31"},
            {"person_id": b, "death_date": "2025-06-01"},
        ],
    }
    s = kit.screen(DEATH, tables)
    assert kit.flagged(s) == {a: Decimal("1800.00")}
    assert kit.records(s, a) == [
        {
            "payment_id": tables["benefits"][0]["payment_id"],
            "period": "2025-06",
            "amount": "1800.00",
            "paid_date": "2025-06-10",
            "death_date": "2025-05-31",
        }
    ]


def test_a_partly_recovered_allowance_after_death_is_at_risk_for_the_rest(kit):
    a = kit.pid()
    tables = {
        "benefits": [kit.pay(a), kit.pay(a, amount="-800.00")],
        "deaths": [{"person_id": a, "death_date": "2025-03-02"}],
    }
    assert kit.flagged(kit.screen(DEATH, tables)) == {a: Decimal("1000.00")}


# ---- paid_during_incarceration --------------------------------------------------------------


def test_strictly_between_entry_and_release_months(kit):
    a, b, c, d = (kit.pid(seq=s) for s in (1, 3, 5, 7))
    tables = {
        "benefits": [kit.pay(x) for x in (a, b, c, d)],
        "incarcerations": [
            {"person_id": a, "start_date": "2025-05-31", "end_date": "2025-07-01"},
            {"person_id": b, "start_date": "2025-06-01", "end_date": "2025-09-30"},  # entry month
            {"person_id": c, "start_date": "2024-01-01", "end_date": "2025-06-30"},  # release month
            {"person_id": d, "start_date": "2025-01-15", "end_date": None},  # open
        ],
    }
    s = kit.screen(PRISON, tables)
    assert kit.flagged(s) == {a: Decimal("1800.00"), d: Decimal("1800.00")}
    rec = kit.records(s, a)[0]
    assert rec["entry_date"] == "2025-05-31" and rec["release_date"] == "2025-07-01"
