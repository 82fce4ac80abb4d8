"""The plugin as installed: what it registers, and every indicator on empty and mixed data."""

from __future__ import annotations

import pandas as pd
import pytest
from fundrules_pension.plugin import INDICATORS

import fundrules

CODES = {
    "pension.paid_after_death",
    "pension.paid_during_incarceration",
    "pension.duplicate_receipt",
    "pension.early_retirement",
    "pension.paid_before_retirement",
    "pension.contributions_after_retirement",
    "pension.back_payment_before_retirement",
    "pension.shared_bank_account",
    "pension.benefit_jump",
    "pension.centenarian_unverified",
}


def test_the_installed_plugin_registers_the_ten_codes_without_failures():
    reg = fundrules.get_registry(refresh=True)
    assert "pension" in reg.plugins, "pip install -e plugins/pension"
    assert reg.plugins["pension"].error is None
    assert not [f for f in reg.failures if f.plugin == "pension"]
    assert {c for c in reg.indicators if c.startswith("pension.")} == CODES
    assert reg.tables["retirements"].key == ("person_id",)
    assert {"basic_pension", "resident_pension"} <= reg.vocabularies["benefit_type"]
    assert reg.vocabularies["retirement_type"] == {"normal", "special_work", "illness"}
    assert reg.vocabularies["job_category"] == {"worker", "cadre"}
    types = [t for t in reg.problem_types if str(t["code"]).startswith("pension_")]
    assert len(types) == 4
    assert all(set(t) == {"code", "name_zh", "name_en", "description"} for t in types)


def test_problem_types_and_rules_fit_the_classification_stage(registry):
    cl = pytest.importorskip("fundrules.classification")
    catalog = cl.problem_type_catalog(registry.problem_types)
    assert {"pension_irregular_early_retirement", "pension_insider_diversion"} <= set(catalog)
    book = cl.build_rule_book(registry.classification_rules, problem_types=catalog)
    mine = [r for r in book.rules.values() if r.origin == "pension"]
    assert {r.aspect for r in mine} == {"problem_type"}
    assert len(mine) == 5


def test_every_indicator_has_metadata_docs_and_a_case_file():
    from pathlib import Path

    cases = Path(__file__).parent / "cases"
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for ind in INDICATORS:
        m = ind.meta
        assert m.insurance == "pension"
        assert m.legal_basis and m.description and m.name_zh
        assert m.subject == ("account" if m.code == "pension.shared_bank_account" else "person")
        assert (cases / f"{m.code.split('.')[1]}.cases.yaml").is_file(), m.code
        assert f"`{m.code}`" in readme, m.code


def test_the_retirements_table_quarantines_unknown_codes(kit, registry):
    a = kit.pid("19600101", 1)
    frames = {
        "retirements": pd.DataFrame(
            [
                kit.retirement(a, "2025-01-01", "normal", "worker"),
                kit.retirement(kit.pid("19600101", 3), "2025-01-01", "early", None),
                kit.retirement(kit.pid("19600101", 5), "2025-01-01", "normal", "boss"),
                kit.retirement(a, "2025-02-01"),  # duplicate key
            ]
        )
    }
    ds = fundrules.dataset_from_frames(frames, "2025-06", registry=registry)
    assert len(ds.table("retirements")) == 1
    assert sorted(ds.quarantine["column"]) == ["job_category", "person_id", "retirement_type"]


def _mixed(kit):
    a, b, c = kit.pid("19200101", 1), kit.pid("19660101", 3), kit.pid("19700101", 2)
    return {
        "persons": [kit.person(x) for x in (a, b, c)],
        "benefits": [
            kit.pay(a, bank_account="X"),
            kit.pay(b, bank_account="X"),
            kit.pay(c, "100.00", btype="resident_pension", bank_account="X"),
            kit.pay(a, "1000.00", period="2025-05"),
        ],
        "deaths": [{"person_id": a, "death_date": "2025-01-01"}],
        "incarcerations": [{"person_id": b, "start_date": "2025-01-01"}],
        "retirements": [kit.retirement(b, "2025-06-01")],
        "contributions": [kit.contribution(b, "2025-06", "2025-06-01")],
        "national_benefits": [],
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
        fired = set(res.suspicions["indicator"])
        assert {
            "pension.paid_after_death",
            "pension.paid_during_incarceration",
            "pension.shared_bank_account",
            "pension.benefit_jump",
            "pension.centenarian_unverified",
            "pension.early_retirement",
        } <= fired


def test_classified_problem_types(kit, registry):
    cl = pytest.importorskip("fundrules.classification")
    res = fundrules.screen(
        fundrules.dataset_from_frames(_frames(kit, registry), "2025-06", registry=registry),
        indicators=sorted(CODES),
        registry=registry,
    )
    out = cl.classify(res, registry=registry, discovered="2025-07-01").suspicions
    got = dict(zip(out["indicator"], out["problem_type"], strict=False))
    assert got["pension.paid_after_death"] == "fraud_suspected"
    assert got["pension.paid_during_incarceration"] == "fraud_suspected"
    assert got["pension.early_retirement"] == "pension_irregular_early_retirement"
    assert got["pension.shared_bank_account"] == "pension_insider_diversion"
    assert got["pension.benefit_jump"] == "pension_benefit_miscalculation"
    assert got["pension.centenarian_unverified"] == "eligibility"
