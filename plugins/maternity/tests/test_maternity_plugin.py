"""The plugin as installed: what it registers, and every indicator on empty and mixed data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fundrules_maternity.plugin import INDICATORS

import fundrules

CODES = {
    "maternity.male_claimant",
    "maternity.insufficient_contribution",
    "maternity.births_too_close",
    "maternity.allowance_above_formula",
    "maternity.allowance_days_excess",
    "maternity.employer_claim_concentration",
    "maternity.implausible_age",
    "maternity.sham_employment",
}
PAYMENT_BASED = {"maternity.male_claimant", "maternity.insufficient_contribution"}


def test_the_installed_plugin_registers_the_eight_codes_without_failures():
    reg = fundrules.get_registry(refresh=True)
    assert "maternity" in reg.plugins, "pip install -e plugins/maternity"
    assert reg.plugins["maternity"].error is None
    assert not [f for f in reg.failures if f.plugin == "maternity"]
    assert {c for c in reg.indicators if c.startswith("maternity.")} == CODES
    table = reg.tables["maternity_claims"]
    assert table.key == ("claim_id",)
    assert table.column_names == (
        "claim_id",
        "person_id",
        "employer_id",
        "event_type",
        "event_date",
        "babies",
        "dystocia",
        "allowance_days",
        "allowance_amount",
        "employer_avg_wage",
        "contribution_months",
    )
    assert [c.name for c in table.columns if c.optional] == ["babies"]
    assert {"maternity_allowance", "maternity_medical"} <= reg.vocabularies["benefit_type"]
    assert reg.vocabularies["maternity_event_type"] == {
        "birth",
        "miscarriage_early",
        "miscarriage_late",
        "other",
    }
    types = [t for t in reg.problem_types if str(t["code"]).startswith("maternity_")]
    assert len(types) == 3
    assert all(set(t) == {"code", "name_zh", "name_en", "description"} for t in types)


def test_problem_types_and_rules_fit_the_classification_stage(registry):
    cl = pytest.importorskip("fundrules.classification")
    catalog = cl.problem_type_catalog(registry.problem_types)
    assert {"maternity_fictitious_event", "maternity_sham_enrollment"} <= set(catalog)
    book = cl.build_rule_book(registry.classification_rules, problem_types=catalog)
    mine = [r for r in book.rules.values() if r.origin == "maternity"]
    assert {r.aspect for r in mine} == {"problem_type"}
    assert len(mine) == 3


def test_every_indicator_has_metadata_docs_and_a_case_file():
    cases = Path(__file__).parent / "cases"
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for ind in INDICATORS:
        m = ind.meta
        assert m.insurance == "maternity"
        assert m.legal_basis and m.description and m.name_zh
        want = "employer" if m.code == "maternity.employer_claim_concentration" else "person"
        assert m.subject == want
        assert (cases / f"{m.code.split('.')[1]}.cases.yaml").is_file(), m.code
        assert f"`{m.code}`" in readme, m.code
    reads = {ind.code: set(ind.meta.reads) for ind in INDICATORS}
    assert {c for c, r in reads.items() if "benefits" in r} == PAYMENT_BASED


def test_the_claims_table_quarantines_bad_rows(kit, registry):
    a = kit.pid()
    rows = [
        kit.claim(a, claim_id="ok", babies=None),
        kit.claim(a, event_type="stillbirth"),
        kit.claim(a, days="15.5", amount="4650.00"),
        kit.claim(a, amount="-1.00"),
        kit.claim(a, claim_id="ok"),  # duplicate key
    ]
    ds = fundrules.dataset_from_frames(
        {"maternity_claims": pd.DataFrame(rows, dtype="object")}, "2025-06", registry=registry
    )
    loaded = ds.table("maternity_claims")
    assert list(loaded["claim_id"]) == ["ok"]
    assert pd.isna(loaded["babies"].iloc[0])  # an empty babies cell loads (reads as 1)
    assert sorted(ds.quarantine["column"]) == [
        "allowance_amount",
        "allowance_days",
        "claim_id",
        "event_type",
    ]


def _mixed(kit):
    man, young, close = kit.pid(seq=1), kit.pid("20100101", 2), kit.pid("19900101", 4)
    e = kit.eid(5)
    return {
        "persons": [kit.person(x) for x in (man, young, close)],
        "employers": [kit.employer(e, "2025-01-01")],
        "benefits": [kit.pay(man), kit.pay(close, period="2025-05")],
        "enrollments": [
            kit.enrollment(young, e, "2025-03-01"),
            kit.enrollment(close, e, "2025-03-01"),
        ],
        "maternity_claims": [
            kit.claim(man, months="6"),
            kit.claim(young, employer=e, days="200", amount="90000.00"),
            kit.claim(close, "2025-03-01", employer=e),
            kit.claim(close, "2025-06-20", employer=e),
        ],
    }


def _frames(kit, registry, empty=False):
    cols = {name: registry.tables[name].column_names for name in _mixed(kit)}
    return {
        name: pd.DataFrame([] if empty else rows, columns=cols[name], dtype="object")
        for name, rows in _mixed(kit).items()
    }


@pytest.mark.parametrize("empty", [False, True])
def test_every_indicator_runs_on_mixed_and_on_empty_tables(kit, registry, empty):
    ds = fundrules.dataset_from_frames(_frames(kit, registry, empty), "2025-06", registry=registry)
    res = fundrules.screen(ds, indicators=sorted(CODES), registry=registry)
    assert res.failed.empty, res.failed.to_string()
    assert res.skipped.empty, res.skipped.to_string()
    if empty:
        assert res.suspicions.empty
    else:
        assert set(res.suspicions["indicator"]) == CODES


def test_indicators_are_skipped_with_a_reason_without_their_tables(kit, registry):
    ds = fundrules.dataset_from_frames(
        {"benefits": pd.DataFrame([kit.pay(kit.pid(seq=1))], dtype="object")},
        "2025-06",
        registry=registry,
    )
    res = fundrules.screen(ds, indicators=sorted(CODES), registry=registry)
    ran = set(res.runs.loc[res.runs.status == "ok", "indicator"])
    assert ran == {"maternity.male_claimant"}
    assert set(res.skipped["reason"]) >= {"tables absent: maternity_claims"}


def test_classified_problem_types(kit, registry):
    cl = pytest.importorskip("fundrules.classification")
    res = fundrules.screen(
        fundrules.dataset_from_frames(_frames(kit, registry), "2025-06", registry=registry),
        indicators=sorted(CODES),
        registry=registry,
    )
    out = cl.classify(res, registry=registry, discovered="2025-07-01").suspicions
    got = dict(zip(out["indicator"], out["problem_type"], strict=False))
    assert got == {
        "maternity.male_claimant": "maternity_fictitious_event",
        "maternity.births_too_close": "maternity_fictitious_event",
        "maternity.implausible_age": "maternity_fictitious_event",
        "maternity.sham_employment": "maternity_sham_enrollment",
        "maternity.employer_claim_concentration": "maternity_sham_enrollment",
        "maternity.allowance_days_excess": "maternity_allowance_miscalculation",
        "maternity.allowance_above_formula": "maternity_allowance_miscalculation",
        "maternity.insufficient_contribution": "eligibility",
    }


try:
    from fundrules.testing.contract import check_indicator
except ImportError:  # the toolkit is not there yet
    check_indicator = None


@pytest.mark.skipif(check_indicator is None, reason="testing toolkit not installed")
@pytest.mark.parametrize("code", sorted(CODES))
def test_the_toolkits_contract_holds(registry, code):
    """Runs, no mutation, deterministic, row order, subjects, partitions, monotone parameters
    (a few generated examples here; the toolkit's profiles run more)."""
    check_indicator(code, registry=registry, max_examples=2)
