"""fundrules' pytest plugin in someone else's project: it is auto-loaded wherever fundrules is
installed, so it must collect only fundrules case files and leave Hypothesis alone unless asked.

Each test runs a real pytest in a subprocess over a small foreign project (pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

CASE_FILE = """\
indicator: fund.non_designated_account
cases:
  - name: a non-designated account holding one fen
    period: "2025-06"
    tables:
      bank_accounts:
        - {account_id: A1, insurance: pension, account_type: income, period: "2025-06",
           balance: "0.01", interest_rate: "0.35", designated: "false"}
    expect:
      - {subject_type: account, subject_id: A1, amount_at_risk: "0.01", insurance: pension}
"""

FOREIGN_TESTS = """\
import sys

from hypothesis import given, settings, strategies as st

SEEN = []


@given(st.integers())
def test_property(n):
    SEEN.append(n)


def test_hypothesis_runs_with_its_own_settings():
    test_property()
    print(f"MAX_EXAMPLES={settings().max_examples} PROFILE={settings.get_current_profile_name()}")
"""


@pytest.fixture
def foreign_project(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, hypothesis_off_ci: None
) -> pytest.Pytester:
    monkeypatch.delenv("FUNDRULES_HYPOTHESIS", raising=False)
    pytester.makepyprojecttoml('[project]\nname = "payroll"\n')
    tests = pytester.mkdir("tests")
    # the project's own YAML, named the way fundrules' case files used to be
    (tests / "test_settings.yaml").write_text("database: {host: db, port: 5432}\nretries: 3\n")
    (tests / "test_fixtures.yml").write_text("- just\n- a list\n")
    (tests / "test_props.py").write_text(FOREIGN_TESTS)
    (tests / "accounts.cases.yaml").write_text(CASE_FILE)
    return pytester


def test_only_case_files_are_collected_and_hypothesis_keeps_its_defaults(foreign_project):
    result = foreign_project.runpytest_subprocess("-p", "no:cacheprovider", "-s", "-v")
    result.assert_outcomes(passed=3)
    out = result.stdout.str()
    assert "test_settings.yaml" not in out and "test_fixtures.yml" not in out
    assert "accounts.cases.yaml::a non-designated account holding one fen PASSED" in out
    assert "MAX_EXAMPLES=100 PROFILE=default" in out  # Hypothesis' own default, not fundrules' ci
    assert "fundrules: hypothesis profile" not in out


def test_a_profile_is_loaded_when_asked(foreign_project):
    by_option = foreign_project.runpytest_subprocess(
        "-p", "no:cacheprovider", "-s", "--fundrules-hypothesis-profile=ci", "tests/test_props.py"
    )
    by_option.assert_outcomes(passed=2)
    assert "MAX_EXAMPLES=20 PROFILE=ci" in by_option.stdout.str()
    assert "fundrules: hypothesis profile 'ci'" in by_option.stdout.str()

    foreign_project.makeini("[pytest]\nfundrules_hypothesis_profile = thorough\n")
    by_ini = foreign_project.runpytest_subprocess(
        "-p", "no:cacheprovider", "-s", "tests/test_props.py"
    )
    by_ini.assert_outcomes(passed=2)
    assert "PROFILE=thorough" in by_ini.stdout.str()


def test_reading_case_files_does_not_import_hypothesis(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.delenv("FUNDRULES_HYPOTHESIS", raising=False)
    pytester.makepyfile(
        test_imports="""
        import sys

        def test_hypothesis_not_imported_by_fundrules():
            assert "fundrules.testing.pytest_plugin" in sys.modules
            assert "hypothesis" not in sys.modules, "imported by a plugin"
        """
    )
    (pytester.path / "accounts.cases.yaml").write_text(CASE_FILE)
    # Hypothesis' own pytest plugin is switched off: it is not the one under test
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=2)
