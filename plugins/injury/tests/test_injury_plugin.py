"""The plugin as installed: what it registers, every indicator on empty and mixed data, its
classification, and the testing toolkit's contract for each indicator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fundrules_injury.plugin import INDICATORS

import fundrules

CODES = {
    "injury.insured_after_accident",
    "injury.late_application",
    "injury.disability_benefit_mismatch",
    "injury.paid_after_death",
    "injury.repeat_accidents",
    "injury.double_claim_with_medical",
}
BENEFIT_TYPES = {
    "injury_medical",
    "one_time_disability",
    "disability_allowance",
    "injury_death_grant",
}


def test_the_installed_plugin_registers_the_six_codes_without_failures():
    reg = fundrules.get_registry(refresh=True)
    assert "injury" in reg.plugins, "pip install -e plugins/injury"
    assert reg.plugins["injury"].error is None
    assert not [f for f in reg.failures if f.plugin == "injury"]
    assert {c for c in reg.indicators if c.startswith("injury.")} == CODES
    table = reg.tables["injury_cases"]
    assert table.key == ("case_id",)
    assert table.column_names == (
        "case_id",
        "person_id",
        "employer_id",
        "accident_date",
        "application_date",
        "recognition_date",
        "disability_grade",
    )
    assert [c.name for c in table.columns if c.optional] == ["recognition_date", "disability_grade"]
    assert reg.vocabularies["benefit_type"] >= BENEFIT_TYPES
    types = [t for t in reg.problem_types if str(t["code"]).startswith("injury_")]
    assert len(types) == 3


def test_every_indicator_has_metadata_docs_and_a_case_file():
    cases = Path(__file__).parent / "cases"
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert {ind.code for ind in INDICATORS} == CODES
    for ind in INDICATORS:
        m = ind.meta
        assert m.insurance == "injury"
        assert m.legal_basis and m.description and m.name_zh
        assert (m.subject, m.partition) == ("person", "person")
        assert (cases / f"{m.code.split('.')[1]}.cases.yaml").is_file(), m.code
        assert f"`{m.code}`" in readme, m.code
    double = next(i for i in INDICATORS if i.code == "injury.double_claim_with_medical")
    assert "medical_settlements" in double.meta.reads


def test_the_cases_table_quarantines_what_it_cannot_hold(kit, registry):
    a = kit.pid()
    rows = [
        kit.case(a, "2025-01-01", grade=10, case_id="ok-graded"),
        kit.case(a, "2025-01-01", case_id="ok-no-grade"),
        kit.case(a, "2025-01-01", grade=11, case_id="grade-11"),
        kit.case(a, "2025-01-01", grade=0, case_id="grade-0"),
        {**kit.case(a, "2025-01-01", case_id="no-accident"), "accident_date": None},
        kit.case(a, "2025-02-01", case_id="ok-graded"),  # duplicate key
    ]
    frames = {"injury_cases": pd.DataFrame(rows, dtype="object")}
    ds = fundrules.dataset_from_frames(frames, "2025-06", registry=registry)
    assert sorted(ds.table("injury_cases")["case_id"]) == ["ok-graded", "ok-no-grade"]
    assert sorted(ds.quarantine["column"]) == [
        "accident_date",
        "case_id",
        "disability_grade",
        "disability_grade",
    ]


def _mixed(kit):
    a, b, c, d = (kit.pid(seq=s) for s in (1, 3, 5, 7))
    return {
        "persons": [kit.person(x) for x in (a, b, c, d)],
        "injury_cases": [
            kit.case(a, "2025-05-07", application="2025-05-08", recognition="2025-06-02"),
            kit.case(b, "2024-03-01", application="2025-06-01", recognition="2025-06-20", grade=6),
            kit.case(c, "2024-07-01"),
            kit.case(c, "2025-06-01"),
        ],
        "enrollments": [kit.enrollment(a, "2025-05-07"), kit.enrollment(b, "2020-01-01")],
        "contributions": [kit.contribution(b, "2024-03")],
        "benefits": [
            kit.pay(a),
            kit.pay(b, "disability_allowance", "3000.00"),
            kit.pay(d, "injury_medical", "800.00"),
        ],
        "deaths": [{"person_id": d, "death_date": "2025-04-01"}],
        "medical_settlements": [kit.settlement("ST1", a, "2025-06-05")],
    }


def _frames(kit, registry, empty=False):
    tables = {k: v for k, v in _mixed(kit).items() if k in registry.tables}
    return {
        name: pd.DataFrame(
            [] if empty else rows, columns=registry.tables[name].column_names, dtype="object"
        )
        for name, rows in tables.items()
    }


@pytest.mark.parametrize("empty", [False, True])
def test_every_indicator_runs_on_mixed_and_on_empty_tables(kit, registry, empty):
    ds = fundrules.dataset_from_frames(_frames(kit, registry, empty), "2025-06", registry=registry)
    assert ds.quarantine.empty, ds.quarantine.to_string()
    res = fundrules.screen(ds, indicators=sorted(CODES), registry=registry)
    assert res.failed.empty, res.failed.to_string()
    medical = "medical_settlements" in registry.tables
    assert set(res.skipped["indicator"]) == (
        set() if medical else {"injury.double_claim_with_medical"}
    )
    if empty:
        assert res.suspicions.empty
    else:
        fired = set(res.suspicions["indicator"])
        assert fired == CODES if medical else CODES - {"injury.double_claim_with_medical"}


def test_classified_problem_types(kit, registry):
    cl = pytest.importorskip("fundrules.classification")
    catalog = cl.problem_type_catalog(registry.problem_types)
    book = cl.build_rule_book(registry.classification_rules, problem_types=catalog)
    mine = [r for r in book.rules.values() if r.origin == "injury"]
    assert {r.aspect for r in mine} == {"problem_type"} and len(mine) == 3
    res = fundrules.screen(
        fundrules.dataset_from_frames(_frames(kit, registry), "2025-06", registry=registry),
        indicators=sorted(CODES),
        registry=registry,
    )
    out = cl.classify(res, registry=registry, discovered="2025-07-01").suspicions
    got = dict(zip(out["indicator"], out["problem_type"], strict=False))
    assert got["injury.insured_after_accident"] == "injury_insured_after_accident"
    assert got["injury.late_application"] == "injury_irregular_recognition"
    assert got["injury.repeat_accidents"] == "injury_irregular_recognition"
    assert got["injury.disability_benefit_mismatch"] == "injury_disability_benefit_error"
    assert got["injury.paid_after_death"] == "fraud_suspected"
    if "injury.double_claim_with_medical" in got:
        assert got["injury.double_claim_with_medical"] == "improper_payment"


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(CODES))
def test_contract_of_the_testing_toolkit(registry, code):
    """The toolkit's property checks on generated data: runs, deterministic, independent of row
    order, input untouched, real subjects, same result on data split by person, monotone in the
    stricter parameters (a few examples here; the ``thorough`` profile runs more)."""
    testing = pytest.importorskip("fundrules.testing")
    if not all(t in registry.tables for t in registry.indicators[code].meta.reads):
        pytest.skip("needs the medical plugin")
    report = testing.check_indicator(code, registry=registry, max_examples=5, shrink_seconds=10)
    assert "runs" in report.checked
