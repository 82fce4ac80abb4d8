"""injury.disability_benefit_mismatch: the one-time subsidy and the fund's allowance."""

from __future__ import annotations

from decimal import Decimal

CODE = "injury.disability_benefit_mismatch"


def _one_time(kit, pid, amount, *, grade=7, base="5000.00", accident="2025-03-13", **more):
    """A grade-7 case (13 months × 5000.00 = 65000.00; +1 % = 65650.00) and a subsidy."""
    tables = {
        "injury_cases": [kit.case(pid, accident, grade=grade, case_id="IC1")],
        "contributions": [kit.contribution(pid, accident[:7], base)],
        "benefits": [kit.pay(pid, "one_time_disability", amount)],
    }
    for k, v in more.items():
        tables[k] = tables.get(k, []) + v
    return tables


def test_one_fen_beyond_the_tolerance_is_flagged_with_why(kit):
    a = kit.pid()
    s = kit.screen(CODE, _one_time(kit, a, "65650.01"))
    assert kit.flagged(s) == {a: Decimal("65650.01")}
    (rec,) = kit.records(s, a)
    assert rec["case_id"] == "IC1"
    assert rec["grade_on_case"] == 7
    assert rec["statutory_months"] == 13
    assert rec["base"] == "5000.00"
    assert rec["statutory_amount"] == "65000.00"
    assert rec["paid_on_case"] == "65650.01"
    assert rec["tolerance_percent"] == 1.0


def test_at_the_tolerance_is_accepted(kit):
    a = kit.pid()
    assert kit.screen(CODE, _one_time(kit, a, "65650.00")).empty


def test_every_grade_has_its_statutory_months(kit):
    months = (27, 25, 23, 21, 18, 16, 13, 11, 9, 7)
    tables: dict[str, list] = {"injury_cases": [], "contributions": [], "benefits": []}
    over = set()
    for grade, m in enumerate(months, 1):
        limit = Decimal("1000.00") * m * Decimal("1.01")
        for extra, seq in ((Decimal("0.00"), 4 * grade + 1), (Decimal("0.01"), 4 * grade + 3)):
            pid = kit.pid(seq=seq)
            more = _one_time(kit, pid, f"{limit + extra:.2f}", grade=grade, base="1000.00")
            more["injury_cases"][0]["case_id"] = f"IC{seq}"
            for k, v in more.items():
                tables[k] += v
            if extra:
                over.add(pid)
    assert set(kit.flagged(kit.screen(CODE, tables))) == over


def test_the_tolerance_is_a_parameter(kit):
    a = kit.pid()
    s = kit.screen(CODE, _one_time(kit, a, "65000.01"), params={"tolerance_percent": 0})
    assert set(kit.flagged(s)) == {a}
    assert kit.screen(CODE, _one_time(kit, a, "65000.00"), params={"tolerance_percent": 0}).empty


def test_the_base_is_the_accident_month_s_injury_contribution(kit):
    a = kit.pid()
    tables = _one_time(
        kit,
        a,
        "70000.00",  # above 13 × 5000.00, within 13 × 6000.00
        contributions=[
            kit.contribution(a, "2025-03", "9000.00", insurance="pension"),  # not injury
            kit.contribution(a, "2025-02", "9000.00"),  # not the accident month
        ],
    )
    assert set(kit.flagged(kit.screen(CODE, tables))) == {a}
    tables["contributions"][0]["base"] = "6000.00"
    assert kit.screen(CODE, tables).empty


def test_without_an_injury_contribution_another_insurance_s_base_is_used(kit):
    a = kit.pid()
    tables = _one_time(kit, a, "70000.00")
    tables["contributions"] = [kit.contribution(a, "2025-03", "6000.00", insurance="pension")]
    assert kit.screen(CODE, tables).empty
    tables["contributions"][0]["base"] = "5000.00"
    assert set(kit.flagged(kit.screen(CODE, tables))) == {a}


def test_an_unknown_base_is_not_judged(kit):
    a = kit.pid()
    tables = _one_time(kit, a, "900000.00")
    tables["contributions"] = [kit.contribution(a, "2025-04")]
    assert kit.screen(CODE, tables).empty


def test_earlier_subsidies_on_the_same_case_count(kit):
    a = kit.pid()
    tables = _one_time(kit, a, "30000.00")
    tables["benefits"].append(kit.pay(a, "one_time_disability", "40000.00", period="2025-05"))
    s = kit.screen(CODE, tables)
    assert kit.flagged(s) == {a: Decimal("30000.00")}  # this period's money
    assert kit.records(s, a)[0]["paid_on_case"] == "70000.00"
    # an earlier subsidy alone is history, not this period's finding
    tables["benefits"] = tables["benefits"][1:]
    assert kit.screen(CODE, tables).empty


def test_a_subsidy_on_no_graded_case_is_flagged(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(a, "2025-03-01")],
            "contributions": [kit.contribution(a, "2025-03")],
            "benefits": [
                kit.pay(a, "one_time_disability", "1000.00"),
                kit.pay(b, "one_time_disability", "2000.00"),  # no case at all
            ],
        },
    )
    assert kit.flagged(s) == {a: Decimal("1000.00"), b: Decimal("2000.00")}
    assert "no case with a disability grade" in kit.records(s, a)[0]["reason"]


def test_the_subsidy_links_to_the_latest_graded_case(kit):
    a = kit.pid()
    tables = _one_time(kit, a, "65000.00", grade=7, accident="2024-03-13")
    tables["injury_cases"].append(kit.case(a, "2025-05-01", case_id="IC2"))  # newer, no grade
    tables["injury_cases"].append(kit.case(a, "2025-07-01", grade=1, case_id="IC3"))  # later
    tables["contributions"].append(kit.contribution(a, "2025-07", "50000.00"))
    assert kit.screen(CODE, tables).empty


def test_the_statutory_table_is_dated(kit):
    # before 2011 (2003 Regulations) grade 7 was 12 months
    a = kit.pid()
    tables = _one_time(kit, a, "60600.01", accident="2010-03-01")
    tables["benefits"] = [kit.pay(a, "one_time_disability", "60600.01", period="2010-06")]
    assert set(kit.flagged(kit.screen(CODE, tables, period="2010-06"))) == {a}
    tables["benefits"] = [kit.pay(a, "one_time_disability", "60600.00", period="2010-06")]
    assert kit.screen(CODE, tables, period="2010-06").empty


# --- the fund's disability allowance ------------------------------------------------------------


def test_the_fund_pays_the_allowance_for_grades_1_to_4_only(kit):
    pids = {g: kit.pid(seq=2 * g + 1) for g in range(1, 11)}
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(p, "2019-01-01", grade=g) for g, p in pids.items()],
            "benefits": [kit.pay(p, "disability_allowance", "4000.00") for p in pids.values()],
            "contributions": [],
        },
    )
    assert set(kit.flagged(s)) == {pids[g] for g in range(5, 11)}
    rec = kit.records(s, pids[5])[0]
    assert rec["grade_on_case"] == 5
    assert "above 4" in rec["reason"]


def test_an_allowance_with_no_grade_is_flagged(kit):
    a, b = kit.pid(seq=1), kit.pid(seq=3)
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(a, "2019-01-01")],
            "benefits": [
                kit.pay(a, "disability_allowance", "3000.00"),
                kit.pay(b, "disability_allowance", "2500.00"),  # no case at all
            ],
            "contributions": [],
        },
    )
    assert kit.flagged(s) == {a: Decimal("3000.00"), b: Decimal("2500.00")}


def test_an_allowance_links_to_the_graded_case_not_a_newer_ungraded_one(kit):
    a = kit.pid()
    s = kit.screen(
        CODE,
        {
            "injury_cases": [kit.case(a, "2015-01-01", grade=2), kit.case(a, "2025-05-01")],
            "benefits": [kit.pay(a, "disability_allowance", "5000.00")],
            "contributions": [],
        },
    )
    assert s.empty


def test_a_grade_assessed_on_a_case_after_the_period_does_not_count(kit):
    a = kit.pid()
    s = kit.screen(
        CODE,
        {
            "injury_cases": [
                kit.case(a, "2015-01-01", grade=6),
                kit.case(a, "2025-07-02", grade=1),
            ],
            "benefits": [kit.pay(a, "disability_allowance", "5000.00")],
            "contributions": [],
        },
    )
    assert set(kit.flagged(s)) == {a}


def test_two_cases_on_one_date_link_to_the_greater_case_id_whatever_the_row_order(kit):
    a = kit.pid()
    rows = [
        kit.case(a, "2019-01-01", grade=6, case_id="IC-B"),
        kit.case(a, "2019-01-01", grade=3, case_id="IC-A"),
    ]
    for cases in (rows, rows[::-1]):
        s = kit.screen(
            CODE,
            {
                "injury_cases": cases,
                "benefits": [kit.pay(a, "disability_allowance", "4000.00")],
                "contributions": [],
            },
        )
        assert [r["case_id"] for r in kit.records(s, a)] == ["IC-B"]
