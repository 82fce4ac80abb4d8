"""The core's data.* and fund.* indicators: positives and the boundary negatives the catalog's
words imply."""

from __future__ import annotations

import json
from decimal import Decimal

from ids import employer_id, person_id

import fundrules

P1 = person_id("19600101", 1)
P2 = person_id("19650505", 2)
P3 = person_id("19700707", 3)


def persons(*ids):
    import pandas as pd

    from fundrules.schema.identifiers import ric_profile

    prof = ric_profile(pd.Series(list(ids)))
    return [
        {
            "person_id": i,
            "sex": prof["sex"][k] if pd.notna(prof["sex"][k]) else "M",
            "birth_date": prof["birth_date"][k].strftime("%Y-%m-%d")
            if pd.notna(prof["birth_date"][k])
            else "1960-01-01",
            "region_code": "120101",
        }
        for k, i in enumerate(ids)
    ]


def pay(
    pid,
    amount,
    pid_row="b",
    period="2025-06",
    btype="basic_pension",
    paid="2025-06-10",
    insurance="pension",
):
    return {
        "payment_id": pid_row,
        "person_id": pid,
        "insurance": insurance,
        "benefit_type": btype,
        "period": period,
        "amount": amount,
        "paid_date": paid,
    }


def records(s, i=0):
    return json.loads(s["evidence"].iloc[i])["records"]


# --- data.invalid_person_id -------------------------------------------------------------------


def test_invalid_person_id_flags_bad_ids_with_their_payments(run):
    bad = P2[:-1] + ("0" if P2[-1] != "0" else "1")
    s = run(
        "data.invalid_person_id",
        {
            "persons": [
                *persons(P1),
                {"person_id": bad, "sex": "F", "birth_date": "1965-05-05", "region_code": "120101"},
            ],
            "benefits": [
                pay(bad, "100.00", "b1"),
                pay(bad, "-30.00", "b2"),
                pay(P1, "5.00", "b3"),
                pay(bad, "99.00", "b4", period="2025-05"),
            ],
        },
    )
    assert s["subject_id"].tolist() == [bad]
    assert s["amount_at_risk"].tolist() == [Decimal("70.00")]  # net of the target period
    assert {r["table"] for r in records(s)} == {"persons", "benefits"}
    assert {r["failed_check"] for r in records(s)} == {"check character"}  # says which check


def test_evidence_frame_expands_the_evidence_records(run):
    bad = P2[:-1] + ("0" if P2[-1] != "0" else "1")
    s = run(
        "data.invalid_person_id",
        {
            "persons": [
                *persons(P1),
                {"person_id": bad, "sex": "F", "birth_date": "1965-05-05", "region_code": "120101"},
            ],
            "benefits": [pay(bad, "100.00", "b1")],
        },
    )
    ev = fundrules.evidence_frame(s)
    assert list(ev.columns[:4]) == ["indicator", "subject_type", "subject_id", "period"]
    assert len(ev) == len(records(s)) == 2
    assert set(ev["table"]) == {"persons", "benefits"}
    assert set(ev["subject_id"]) == {bad} and set(ev["failed_check"]) == {"check character"}
    empty = fundrules.evidence_frame(s.iloc[0:0])
    assert empty.empty and list(empty.columns) == [
        "indicator",
        "subject_type",
        "subject_id",
        "period",
    ]


def test_invalid_person_id_ignores_rows_of_other_periods(run):
    bad = "12010119600101001"  # 17 characters
    s = run(
        "data.invalid_person_id",
        {"persons": persons(P1), "benefits": [pay(bad, "1.00", period="2025-05")]},
    )
    assert s.empty


# --- data.id_profile_mismatch -----------------------------------------------------------------


def test_id_profile_mismatch(run):
    rows = persons(P1, P2, P3)
    rows[0]["birth_date"] = "1960-01-02"
    rows[1]["sex"] = "M"
    s = run("data.id_profile_mismatch", {"persons": rows})
    assert sorted(s["subject_id"]) == sorted([P1, P2])
    assert s["amount_at_risk"].tolist() == [Decimal("0.00")] * 2


def test_id_profile_mismatch_judges_only_valid_ids(run):
    bad = P1[:-1] + ("0" if P1[-1] != "0" else "1")
    s = run(
        "data.id_profile_mismatch",
        {
            "persons": [
                {"person_id": bad, "sex": "F", "birth_date": "1999-09-09", "region_code": "120101"}
            ]
        },
    )
    assert s.empty


# --- data.unknown_person ----------------------------------------------------------------------


def test_unknown_person(run):
    contributions = [
        {
            "person_id": P3,
            "employer_id": "",
            "insurance": "pension",
            "period": "2025-06",
            "base": "1000.00",
            "employer_amount": "0",
            "person_amount": "80.00",
            "paid_date": "2025-06-05",
            "back_payment": "false",
        }
    ]
    s = run(
        "data.unknown_person",
        {
            "persons": persons(P1),
            "benefits": [pay(P1, "10.00", "b1"), pay(P2, "20.00", "b2"), pay(P2, "-5.00", "b3")],
            "contributions": contributions,
        },
    )
    got = dict(zip(s["subject_id"], s["amount_at_risk"], strict=True))
    assert got == {P2: Decimal("15.00"), P3: Decimal("0.00")}


def test_unknown_person_reversal_alone_is_not_a_payment(run):
    s = run(
        "data.unknown_person",
        {
            "persons": persons(P1),
            "benefits": [pay(P2, "-20.00", "b1"), pay(P2, "20.00", "b2", period="2025-05")],
        },
    )
    assert s.empty


# --- data.invalid_employer_id -----------------------------------------------------------------


def test_invalid_employer_id(run):
    good = employer_id("91120000MA05ABCD1")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    s = run(
        "data.invalid_employer_id",
        {
            "employers": [
                {"employer_id": good, "region_code": "120101", "established_date": "2000-01-01"},
                {"employer_id": bad, "region_code": "120101", "established_date": "2000-01-01"},
                {
                    "employer_id": "91120000MA05ABCDI0",
                    "region_code": "120101",
                    "established_date": "2000-01-01",
                },
            ]
        },
    )
    assert sorted(s["subject_id"]) == sorted([bad, "91120000MA05ABCDI0"])
    assert set(s["subject_type"]) == {"employer"}


# --- data.duplicate_payment -------------------------------------------------------------------


def test_duplicate_payment_amount_is_the_extra(run):
    s = run(
        "data.duplicate_payment",
        {"benefits": [pay(P1, "3000.00", "b1"), pay(P1, "3000.00", "b2"), pay(P1, "500.00", "b3")]},
    )
    assert s["amount_at_risk"].tolist() == [Decimal("3500.00")]
    assert len(records(s)) == 3


def test_duplicate_payment_reversed_is_not_flagged(run):
    # two positive rows, reversed back to the largest: net 3000 does not exceed 3000
    s = run(
        "data.duplicate_payment",
        {
            "benefits": [
                pay(P1, "3000.00", "b1"),
                pay(P1, "3000.00", "b2"),
                pay(P1, "-3000.00", "b3"),
            ]
        },
    )
    assert s.empty


def test_duplicate_payment_needs_same_type_and_period(run):
    s = run(
        "data.duplicate_payment",
        {
            "benefits": [
                pay(P1, "3000.00", "b1"),
                pay(P1, "3000.00", "b2", btype="resident_pension"),
                pay(P1, "3000.00", "b3", period="2025-05"),
            ]
        },
    )
    assert s.empty


# --- fund.* -----------------------------------------------------------------------------------


def ledger(ins, item, amount, period="2025-06", entry=None, account_type="expenditure"):
    return {
        "entry_id": entry or f"{ins}-{item}-{period}-{amount}",
        "insurance": ins,
        "period": period,
        "account_type": account_type,
        "item": item,
        "amount": amount,
    }


def test_business_ledger_mismatch_exact_to_the_fen(run):
    frames = {
        "benefits": [
            pay(P1, "100.00", "b1"),
            pay(P2, "50.01", "b2"),
            pay(P2, "7.00", "b3", paid="2025-07-01"),
        ],  # paid next month: not cash now
        "ledger": [ledger("pension", "benefit_expenditure", "150.00")],
    }
    s = run("fund.business_ledger_mismatch", frames)
    assert s["subject_id"].tolist() == ["pension"]
    assert s["amount_at_risk"].tolist() == [Decimal("0.01")]
    frames["ledger"] = [ledger("pension", "benefit_expenditure", "150.01")]
    assert run("fund.business_ledger_mismatch", frames).empty


def test_business_ledger_mismatch_against_no_ledger_rows(run):
    s = run(
        "fund.business_ledger_mismatch",
        {
            "benefits": [
                pay(P1, "10.00", "b1", insurance="unemployment", btype="unemployment_allowance")
            ],
            "ledger": [ledger("pension", "benefit_expenditure", "0.00")],
        },
    )
    assert s["subject_id"].tolist() == ["unemployment"]
    assert s["amount_at_risk"].tolist() == [Decimal("10.00")]


def report(ins, line, amount, period="2025-06", region="120101"):
    return {
        "insurance": ins,
        "period": period,
        "region_code": region,
        "line": line,
        "amount": amount,
    }


def test_report_ledger_mismatch_sums_districts(run):
    led = [
        ledger("pension", "benefit_expenditure", "100.00"),
        ledger("pension", "transfer_out", "5.00"),
    ]
    ok = [
        report("pension", "benefit_expenditure", "60.00", region="120101"),
        report("pension", "benefit_expenditure", "40.00", region="120102"),
        report("pension", "total_expenditure", "105.00"),
        report("pension", "closing_balance", "999.00"),
    ]
    assert run("fund.report_ledger_mismatch", {"ledger": led, "fund_reports": ok}).empty
    bad = [
        *ok[:2],
        report("pension", "total_expenditure", "100.00"),
        report("pension", "interest_income", "1.00"),
    ]
    s = run("fund.report_ledger_mismatch", {"ledger": led, "fund_reports": bad})
    assert {r["line"] for r in records(s)} == {"total_expenditure", "interest_income"}
    assert s["amount_at_risk"].tolist() == [Decimal("6.00")]


def test_report_arithmetic(run):
    lines = [
        report("pension", "contribution_income", "100.00"),
        report("pension", "fiscal_subsidy", "20.00"),
        report("pension", "total_income", "120.00"),
        report("pension", "benefit_expenditure", "50.00"),
        report("pension", "total_expenditure", "50.00"),
        report("pension", "closing_balance", "1070.00"),
        report("pension", "closing_balance", "1000.00", period="2025-05"),
    ]
    assert run("fund.report_arithmetic", {"fund_reports": lines}).empty
    lines[2] = report("pension", "total_income", "121.00")
    s = run("fund.report_arithmetic", {"fund_reports": lines})
    assert {r["line"] for r in records(s)} == {"total_income", "closing_balance"}


def test_report_arithmetic_without_previous_period_skips_closing(run):
    lines = [
        report("pension", "total_income", "0.00"),
        report("pension", "total_expenditure", "0.00"),
        report("pension", "closing_balance", "5.00"),
    ]
    assert run("fund.report_arithmetic", {"fund_reports": lines}).empty


def months_frames(closing, expenditure, ins="pension"):
    return {
        "fund_reports": [report(ins, "closing_balance", closing)],
        "ledger": [ledger(ins, "benefit_expenditure", expenditure)],
    }


def test_low_months_payable_boundary(run):
    assert run("fund.low_months_payable", months_frames("600.00", "100.00")).empty  # exactly 6
    s = run("fund.low_months_payable", months_frames("599.99", "100.00"))
    assert s["subject_id"].tolist() == ["pension"]
    s = run(
        "fund.low_months_payable",
        months_frames("800.00", "100.00"),
        params={"fund.low_months_payable": {"threshold_by_insurance": {"pension": 9}}},
    )
    assert s["subject_id"].tolist() == ["pension"]


def account(aid, atype, balance, rate="1.50", designated="true", ins="pension"):
    return {
        "account_id": aid,
        "insurance": ins,
        "account_type": atype,
        "bank_name": "ICBC",
        "period": "2025-06",
        "balance": balance,
        "interest_rate": rate,
        "designated": designated,
    }


def test_non_designated_account(run):
    s = run(
        "fund.non_designated_account",
        {
            "bank_accounts": [
                account("A1", "fiscal_special", "10.00", designated="false"),
                account("A2", "fiscal_special", "0.00", designated="false"),
                account("A3", "fiscal_special", "10.00"),
            ]
        },
    )
    assert s["subject_id"].tolist() == ["A1"]
    assert s["subject_type"].tolist() == ["account"]
    assert s["amount_at_risk"].tolist() == [Decimal("10.00")]


def test_idle_expenditure_balance_boundary(run):
    led = [ledger("pension", "benefit_expenditure", "100.00")]
    ok = {"bank_accounts": [account("E1", "expenditure", "200.00")], "ledger": led}
    assert run("fund.idle_expenditure_balance", ok).empty  # exactly 2 months
    bad = {"bank_accounts": [account("E1", "expenditure", "200.01")], "ledger": led}
    s = run("fund.idle_expenditure_balance", bad)
    assert s["amount_at_risk"].tolist() == [Decimal("0.01")]


def test_income_account_not_swept(run):
    s = run(
        "fund.income_account_not_swept",
        {
            "bank_accounts": [
                account("I1", "income", "0.01"),
                account("I2", "income", "0.00"),
                account("X", "expenditure", "5.00"),
            ]
        },
    )
    assert s["subject_id"].tolist() == ["I1"]


def test_low_deposit_rate_boundary_and_override(run):
    frames = {
        "bank_accounts": [
            account("A", "income", "0", rate="0.35"),
            account("B", "income", "0", rate="0.34"),
        ]
    }
    s = run("fund.low_deposit_rate", frames)
    assert s["subject_id"].tolist() == ["B"]
    params = {
        "fund.low_deposit_rate": {
            "minimum_rate": {
                "2020-01-01": {"income": 0.30, "expenditure": 0.35, "fiscal_special": 0.35}
            }
        }
    }
    assert run("fund.low_deposit_rate", frames, params=params).empty
    used = json.loads(s["parameters"].iloc[0])
    assert used["minimum_rate"]["effective"] == "2015-10-24"
