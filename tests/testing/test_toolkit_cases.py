"""Case files: parsing, running, the side-by-side report, and collection by the pytest plugin."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fundrules.testing import (
    CaseFailed,
    CaseFileError,
    assert_case_file,
    load_case_file,
    run_case_file,
)

pytest_plugins = ["pytester"]

A = "120101195001010019"
B = "120102196005150028"


def payment(pid: str, pay_id: str, amount: str = "3000.00", period: str = "2025-06") -> str:
    return (
        f'{{payment_id: {pay_id}, person_id: "{pid}", insurance: pension, '
        f'benefit_type: basic_pension, period: "{period}", amount: "{amount}", '
        f'paid_date: "2025-06-10"}}'
    )


def write(tmp_path: Path, body: str, name: str = "payments.cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


DUPLICATE = f"""\
indicator: data.duplicate_payment
vocabularies: {{benefit_type: [basic_pension]}}
cases:
  - name: paid twice
    period: "2025-06"
    tables:
      benefits:
        - {payment(A, "b1")}
        - {payment(A, "b2")}
    expect:
      - {{subject_id: "{A}", amount_at_risk: "3000.00", insurance: pension}}
  - name: paid once
    period: "2025-06"
    tables:
      benefits:
        - {payment(A, "b1")}
    expect: []
"""


def test_a_case_file_runs_positive_and_negative_cases(tmp_path, registry):
    path = write(tmp_path, DUPLICATE)
    cases = load_case_file(path)
    assert [c.positive for c in cases] == [True, False]
    assert cases[0].line == 4 and cases[0].indicator == "data.duplicate_payment"
    outcomes = run_case_file(path, registry=registry)
    assert [o.passed for o in outcomes] == [True, True], [o.report for o in outcomes]


def test_unquoted_cells_stay_the_text_they_were_written_as(tmp_path, registry):
    body = DUPLICATE.replace('amount: "3000.00"', "amount: 3000.00").replace(
        f'person_id: "{A}"', f"person_id: {A}"
    )
    assert f"person_id: {A}" in body
    (case, _) = load_case_file(write(tmp_path, body))
    row = case.tables["benefits"][0]
    assert row["person_id"] == A and row["amount"] == "3000.00"
    assert case.expect[0].amount_at_risk == "3000.00"
    assert all(o.passed for o in run_case_file(tmp_path / "payments.cases.yaml", registry=registry))


def test_a_failure_shows_expected_against_found_with_the_evidence(tmp_path, registry):
    body = f"""\
    indicator: data.duplicate_payment
    vocabularies: {{benefit_type: [basic_pension]}}
    cases:
      - name: wrong expectations
        period: "2025-06"
        tables:
          benefits:
            - {payment(A, "b1")}
            - {payment(A, "b2")}
            - {payment(B, "b3", "100.00")}
            - {payment(B, "b4", "100.00")}
        expect:
          - {{subject_id: "{A}", amount_at_risk: "2999.99"}}
          - {{subject_id: "120103198512310036"}}
    """
    (outcome,) = run_case_file(write(tmp_path, body), registry=registry)
    assert not outcome.passed
    report = outcome.report
    assert "expected against found" in report
    lines = {line.split()[1]: line for line in report.splitlines() if line.startswith("  person")}
    assert "AMOUNT DIFFERS" in lines[A] and "2999.99" in lines[A] and "3000.00" in lines[A]
    assert "MISSING" in lines["120103198512310036"]
    assert "UNEXPECTED" in lines[B]
    assert "evidence of the unexpected suspicions" in report and '"payment_id":"b3"' in report
    with pytest.raises(CaseFailed, match="wrong expectations"):
        assert_case_file(tmp_path / "payments.cases.yaml", registry=registry)


def test_a_missing_required_column_is_an_error_naming_it(tmp_path, registry):
    body = f"""\
    indicator: data.duplicate_payment
    cases:
      - name: no paid_date
        period: "2025-06"
        tables:
          benefits:
            - {{payment_id: b1, person_id: "{A}", insurance: pension, benefit_type: x,
               period: "2025-06", amount: "1.00"}}
        expect: []
    """
    with pytest.raises(CaseFileError, match="lacks required column 'paid_date'"):
        run_case_file(write(tmp_path, body), registry=registry)


def test_missing_optional_columns_are_empty_and_an_empty_table_is_present(tmp_path, registry):
    # bank_name is optional; deaths given with no rows is present (the indicator is not skipped)
    body = """\
    indicator: fund.non_designated_account
    cases:
      - name: optional columns left out
        period: "2025-06"
        tables:
          bank_accounts:
            - {account_id: A1, insurance: pension, account_type: income, period: "2025-06",
               balance: "1.00", interest_rate: "0.35", designated: "false"}
        expect:
          - {subject_type: account, subject_id: A1, amount_at_risk: "1.00"}
      - name: an empty table
        period: "2025-06"
        tables:
          bank_accounts: []
        expect: []
    """
    assert all(o.passed for o in run_case_file(write(tmp_path, body), registry=registry))


def test_a_quarantined_row_fails_the_case_unless_the_case_counts_it(tmp_path, registry):
    rows = f"""
        tables:
          benefits:
            - {payment(A, "b1")}
            - {payment(A, "b2", "12.345")}
        expect: []"""
    body = f"""\
    indicator: data.duplicate_payment
    vocabularies: {{benefit_type: [basic_pension]}}
    cases:
      - name: not counted
        period: "2025-06"{rows}
      - name: counted
        period: "2025-06"
        quarantined: 1{rows}
    """
    first, second = run_case_file(write(tmp_path, body), registry=registry)
    assert not first.passed
    assert "1 row(s) quarantined, the case expects 0" in first.report
    assert "not an amount with at most 2 decimals" in first.report
    assert second.passed, second.report


def test_a_skipped_indicator_fails_the_case(tmp_path, registry):
    body = """\
    indicator: data.duplicate_payment
    cases:
      - name: no benefits table
        period: "2025-06"
        tables: {}
        expect: []
    """
    (outcome,) = run_case_file(write(tmp_path, body), registry=registry)
    assert not outcome.passed and "was skipped: tables absent: benefits" in outcome.report


@pytest.mark.parametrize(
    "fragment, message",
    [
        ("indicator: nope.nothing", "'nope.nothing' is not registered"),
        ("        surprise: 1", "unknown key(s) ['surprise']"),
        ('          - {subject_id: "x", amount_at_risk: "3000"}', "must be two-decimal text"),
        ("          - {subject_id: x, subjekt_type: person}", "unknown key(s) ['subjekt_type']"),
        ("          wrong_table: [{a: b}]", "unknown table 'wrong_table'"),
        ("            - {payment_id: b9, amont: x}", "has no column 'amont'"),
    ],
)
def test_malformed_files_are_clear_errors(tmp_path, registry, fragment, message):
    lines = [
        "indicator: data.duplicate_payment",
        "cases:",
        "  - name: one",
        '    period: "2025-06"',
        "    tables:",
        "      benefits:",
        f"        - {payment(A, 'b1')}",
        "    expect: []",
    ]
    if fragment.startswith("indicator:"):
        lines[0] = fragment
    elif "surprise" in fragment:
        lines.insert(3, fragment.replace("        ", "    "))
    elif "subject_id" in fragment:
        lines[-1] = "    expect:"
        lines.append(fragment.replace("          ", "      "))
    elif "wrong_table" in fragment:
        lines.insert(5, fragment.replace("          ", "      "))
    else:
        lines.insert(7, fragment.replace("            ", "        "))
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(CaseFileError) as caught:
        run_case_file(path, registry=registry)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_parameters_are_read_as_yaml_values(tmp_path):
    body = """\
    indicator: fund.low_months_payable
    cases:
      - name: typed parameters
        period: "2025-06"
        parameters: {threshold: 9, threshold_by_insurance: {pension: 12.5}}
        expect: []
    """
    (case,) = load_case_file(write(tmp_path, body))
    assert case.parameters == {"threshold": 9, "threshold_by_insurance": {"pension": 12.5}}


def test_the_pytest_plugin_collects_case_files_by_their_suffix(pytester, plugin_args):
    pytester.makefile(".cases.yaml", **{"tests/cases/dup": DUPLICATE})
    pytester.makefile(".yaml", **{"tests/cases/test_ignored": "not: a case file"})
    broken = DUPLICATE.replace('amount_at_risk: "3000.00"', 'amount_at_risk: "1.00"')
    pytester.makefile(".cases.yaml", **{"tests/cases/broken": broken})
    # a subprocess: the plugin loads a Hypothesis profile, which must not leak into this run
    result = pytester.runpytest_subprocess(*plugin_args, "-v")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*broken.cases.yaml::paid twice FAILED*"])
    result.stdout.fnmatch_lines(["*dup.cases.yaml::paid twice PASSED*"])
    result.stdout.fnmatch_lines(["*expected against found*", "*AMOUNT DIFFERS*"])
    assert "Traceback" not in result.stdout.str()


def test_the_pytest_plugin_reports_a_malformed_file_without_a_traceback(pytester, plugin_args):
    pytester.makefile(".cases.yaml", **{"tests/bad": "indicator: data.duplicate_payment\n"})
    result = pytester.runpytest_subprocess(*plugin_args)
    result.stdout.fnmatch_lines(["*'cases' must be a non-empty list*"])
    assert result.ret != 0
