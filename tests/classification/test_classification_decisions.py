"""Each decision of classify(), through the real pipeline, engine and worker process."""

from __future__ import annotations

from datetime import date

import pytest
from classification.rows import frame, suspicion

from fundrules.classification import CLASSIFIED_COLUMNS, classify

DISCOVERED = date(2025, 9, 26)  # a Friday before the National Day holiday


def run(rows, registry, config=None, discovered=DISCOVERED):
    return classify(frame(*rows), config, discovered=discovered, registry=registry)


def test_columns_and_one_problem_type_each(core_registry):
    result = run([suspicion(), suspicion("data.unknown_person", "P2")], core_registry)
    s = result.suspicions
    assert list(s.columns) == CLASSIFIED_COLUMNS
    assert s["problem_type"].notna().all() and (s["problem_type_rule"] != "").all()
    assert s["severity_indicator"].tolist() == ["medium", "medium"]


@pytest.mark.parametrize(
    ("indicator", "problem_type", "rule"),
    [
        ("data.invalid_person_id", "data_quality", "core.problem_type.data_quality"),
        ("fund.report_arithmetic", "fund_management", "core.problem_type.fund_management"),
        ("process.late_submission", "process", "core.problem_type.process"),
        ("pension.paid_after_death", "fraud_suspected", "core.problem_type.paid_to_absent"),
        (
            "medical.settled_during_incarceration",
            "fraud_suspected",
            "core.problem_type.paid_to_absent",
        ),
        (
            "maternity.insufficient_contribution",
            "eligibility",
            "core.problem_type.insufficient_contribution",
        ),
        ("medical.price_above_cap", "improper_payment", "core.problem_type.otherwise"),
    ],
)
def test_problem_type(core_registry, indicator, problem_type, rule):
    s = run([suspicion(indicator)], core_registry).suspicions
    assert (s["problem_type"][0], s["problem_type_rule"][0]) == (problem_type, rule)


@pytest.mark.parametrize(
    ("amount", "grade", "rule", "due"),
    [
        ("9999.99", "none", "core.major_grade.none", ""),
        ("10000.00", "ordinary", "core.major_grade.ordinary", "2025-10-10"),
        ("499999.99", "ordinary", "core.major_grade.ordinary", "2025-10-10"),
        ("500000.00", "major", "core.major_grade.major", "2025-10-10"),
    ],
)
def test_major_grade_boundaries(core_registry, amount, grade, rule, due):
    s = run([suspicion(amount=amount)], core_registry).suspicions
    assert (s["major_grade"][0], s["major_rule"][0], s["report_due"][0]) == (grade, rule, due)


def test_major_grade_from_text_amounts(core_registry):
    """A frame read back from CSV holds two-decimal text; the comparison stays exact."""
    rows = [
        suspicion(amount=a, subject_id=f"P{i}")
        for i, a in enumerate(["9999.99", "10000.00", "499999.99", "500000.00"])
    ]
    f = frame(*rows)
    f["amount_at_risk"] = [f"{a:.2f}" for a in f["amount_at_risk"]]
    s = classify(f, discovered=DISCOVERED, registry=core_registry).suspicions
    assert s["major_grade"].tolist() == ["none", "ordinary", "ordinary", "major"]


def test_severity_raised_by_amount_and_correlation_never_lowered(core_registry):
    rows = [
        suspicion(severity="low", amount="500000.00", subject_id="A"),
        suspicion(severity="low", amount="10000.00", subject_id="B"),
        suspicion(severity="critical", amount="10000.00", subject_id="C"),
        # D is hit by three indicators: each of its suspicions is at least high
        suspicion("pension.benefit_jump", "D", severity="low"),
        suspicion("pension.early_retirement", "D", severity="medium"),
        suspicion("data.unknown_person", "D", severity="critical"),
        suspicion(severity="medium", subject_id="E"),
    ]
    s = run(rows, core_registry).suspicions
    assert s["severity"].tolist() == [
        "critical",
        "high",
        "critical",
        "high",
        "high",
        "critical",
        "medium",
    ]
    assert s["severity_rule"].tolist() == [
        "core.severity.critical_major",
        "core.severity.high_ordinary_major",
        "core.severity.indicator",
        "core.severity.high_multi_indicator",
        "core.severity.high_multi_indicator",
        "core.severity.indicator",
        "core.severity.indicator",
    ]
    assert s["severity_indicator"].tolist()[:3] == ["low", "low", "critical"]


def test_typical_by_multi_indicator_and_by_employer_concentration(core_registry):
    employer = [{"employer_id": "91120000MA05X1234A"}]
    rows = [
        suspicion("pension.benefit_jump", "A"),
        suspicion("pension.early_retirement", "A"),
        suspicion("data.unknown_person", "A"),
        *[
            suspicion("unemployment.paid_while_employed", f"W{i}", records=employer)
            for i in range(5)
        ],
        suspicion("unemployment.paid_while_employed", "LONE", records=[{"employer_id": "OTHER"}]),
    ]
    s = run(rows, core_registry).suspicions
    assert s["typical"].tolist() == [True] * 8 + [False]
    assert s["typical_rule"].tolist() == (
        ["core.typical.multi_indicator"] * 3
        + ["core.typical.concentration"] * 5
        + ["core.typical.no"]
    )
    assert s["action"].tolist() == ["on_site_check"] * 3 + ["special_inspection"] * 5 + [
        "agency_verification"
    ]


def test_provider_concentration_counts_distinct_persons(core_registry):
    at = [{"provider_id": "H001"}]
    # four persons, one of them twice: 4 distinct persons, below the default 5
    rows = [suspicion("medical.frequent_visits", f"P{i}", records=at) for i in range(4)]
    rows.append(suspicion("medical.price_above_cap", "P0", records=at))
    s = run(rows, core_registry).suspicions
    assert not s["typical"].any()
    rows.append(suspicion("medical.frequent_visits", "P9", records=at))
    s = run(rows, core_registry).suspicions
    assert s["typical"].all()


def test_report_due_across_national_day_and_adjusted_sunday(core_registry):
    """Found Friday 2025-09-26: Sunday 28th is worked (1), 29th (2), 30th (3), 1–8 October off,
    9th (4), 10th (5). The adjusted Saturday 11 October is not reached."""
    result = run([suspicion(amount="20000.00")], core_registry)
    assert result.report_due == date(2025, 10, 10)
    assert result.suspicions["report_due"][0] == "2025-10-10"
    assert result.suspicions["action"][0] == "major_incident_report"


def test_report_due_uses_the_holiday_file_beyond_the_package(core_registry, tmp_path):
    (tmp_path / "holidays.yaml").write_text(
        "2027:\n  holidays: [2027-01-01]\n  workdays: [2027-01-02]\n", encoding="utf-8"
    )
    config = tmp_path / "region.yaml"
    config.write_text("classification:\n  holidays: holidays.yaml\n", encoding="utf-8")
    result = run([suspicion(amount="20000.00")], core_registry, config, date(2026, 12, 30))
    # 31 Dec (1), 1 Jan off, Saturday 2 Jan worked (2), 4 (3), 5 (4), 6 (5)
    assert result.report_due == date(2027, 1, 6)


def test_report_due_past_every_calendar_is_a_clear_error(core_registry):
    from fundrules.classification import CalendarError

    with pytest.raises(CalendarError, match="no official holiday calendar for 2031"):
        run([suspicion(amount="20000.00")], core_registry, None, date(2031, 3, 3))
    # without a major incident no due date is needed, so no calendar either
    assert run([suspicion()], core_registry, None, date(2031, 3, 3)).report_due is None


def test_routing(core_registry):
    config = {
        "region_code": "120000",
        "routing": {
            "default_agency": "市社保中心",
            "routes": [
                {"region_code": "120101", "insurance": "pension", "agency": "和平区养老"},
                {"region_code": "120101", "agency": "和平区社保"},
                {"insurance": "medical", "agency": "市医保中心", "name": "medical"},
            ],
        },
    }
    rows = [
        suspicion("pension.benefit_jump", "A", records=[{"region_code": "120101"}]),
        suspicion("medical.price_above_cap", "B", records=[{"region_code": "120101"}]),
        suspicion("medical.price_above_cap", "C"),
        suspicion("pension.benefit_jump", "D"),
        suspicion(
            "pension.benefit_jump", "E", records=[{"agency_id": "AG7", "region_code": "120101"}]
        ),
    ]
    s = run(rows, core_registry, config).suspicions
    assert s["agency"].tolist() == ["和平区养老", "和平区社保", "市医保中心", "市社保中心", "AG7"]
    assert s["agency_rule"].tolist() == [
        "routing.1",
        "routing.2",
        "routing.medical",
        "routing.default",
        "routing.data_agency_id",
    ]
    config["routing"]["use_data_agency_id"] = False
    s = run(rows[-1:], core_registry, config).suspicions
    assert (s["agency"][0], s["agency_rule"][0]) == ("和平区养老", "routing.1")


def test_row_order_does_not_change_any_decision(core_registry):
    employer = [{"employer_id": "E1"}]
    rows = [
        suspicion("pension.benefit_jump", "A", amount="10000.00"),
        suspicion("pension.early_retirement", "A"),
        suspicion("data.unknown_person", "A", severity="high"),
        *[
            suspicion("unemployment.paid_while_employed", f"W{i}", records=employer)
            for i in range(6)
        ],
        suspicion("medical.price_above_cap", "B", amount="500000.00", severity="low"),
    ]
    key = ["indicator", "subject_id"]
    first = run(rows, core_registry).suspicions.sort_values(key).reset_index(drop=True)
    again = run(rows[::-1], core_registry).suspicions.sort_values(key).reset_index(drop=True)
    assert first.equals(again)
