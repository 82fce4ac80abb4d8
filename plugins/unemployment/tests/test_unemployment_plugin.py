"""The plugin as installed: what it registers, and every indicator on empty and mixed data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fundrules_unemployment.plugin import INDICATORS

import fundrules

CODES = {
    "unemployment.paid_while_employed",
    "unemployment.exceeds_entitlement",
    "unemployment.insufficient_contribution",
    "unemployment.voluntary_separation",
    "unemployment.paid_with_pension",
    "unemployment.paid_after_death",
    "unemployment.amount_above_cap",
    "unemployment.paid_during_incarceration",
}


def test_the_installed_plugin_registers_the_eight_codes_without_failures():
    reg = fundrules.get_registry(refresh=True)
    assert "unemployment" in reg.plugins, "pip install -e plugins/unemployment"
    assert reg.plugins["unemployment"].error is None
    assert not [f for f in reg.failures if f.plugin == "unemployment"]
    assert {c for c in reg.indicators if c.startswith("unemployment.")} == CODES
    table = reg.tables["unemployment_claims"]
    assert table.key == ("claim_id",)
    assert table.column_names == (
        "claim_id",
        "person_id",
        "registration_date",
        "first_period",
        "entitled_months",
        "contribution_months",
        "separation_reason",
    )
    assert not [c for c in table.columns if c.optional]
    assert "unemployment_allowance" in reg.vocabularies["benefit_type"]
    assert reg.vocabularies["separation_reason"] == {"involuntary", "voluntary", "other"}
    types = [t for t in reg.problem_types if str(t["code"]).startswith("unemployment_")]
    assert len(types) == 2
    assert all(set(t) == {"code", "name_zh", "name_en", "description"} for t in types)


def test_every_indicator_has_metadata_docs_and_a_case_file():
    cases = Path(__file__).parent / "cases"
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert {ind.code for ind in INDICATORS} == CODES
    for ind in INDICATORS:
        m = ind.meta
        assert m.insurance == "unemployment" and m.subject == "person" and m.partition == "person"
        assert m.legal_basis and m.description and m.name_zh
        assert (cases / f"{m.code.split('.')[1]}.cases.yaml").is_file(), m.code
        assert f"`{m.code}`" in readme, m.code


def test_the_claims_table_quarantines_bad_rows(kit, registry):
    a = kit.pid()
    rows = [
        kit.claim(a, claim_id="c1"),
        kit.claim(a, reason="fired", claim_id="c2"),
        kit.claim(a, contributed=-1, claim_id="c3"),
        kit.claim(a, claim_id="c4") | {"first_period": "2025-13"},
        kit.claim(a, claim_id="c1"),  # duplicate key
    ]
    frames = {"unemployment_claims": pd.DataFrame(rows, dtype="object")}
    ds = fundrules.dataset_from_frames(frames, "2025-06", registry=registry)
    assert list(ds.table("unemployment_claims")["claim_id"]) == ["c1"]
    assert sorted(ds.quarantine["column"]) == [
        "claim_id",
        "contribution_months",
        "first_period",
        "separation_reason",
    ]
    claims = ds.table("unemployment_claims")
    assert str(claims["first_period"].dtype) == "int32"
    assert str(claims["registration_date"].dtype) == "datetime64[s]"


def _mixed(kit):
    a, b, c, d = (kit.pid(seq=s) for s in (1, 3, 5, 7))
    return {
        "persons": [kit.person(x) for x in (a, b, c, d)],
        "unemployment_claims": [
            kit.claim(a, "2025-02-20", "2025-03", entitled=3, contributed=24),
            kit.claim(b, contributed=8, reason="voluntary"),
            kit.claim(c, contributed=70, entitled=24),
        ],
        "benefits": [
            *kit.months(a, "2025-03", "2025-06"),
            kit.pay(b, amount="2500.00"),
            kit.pay(c),
            kit.pay(c, btype="basic_pension", amount="3000.00"),
            kit.pay(d),
        ],
        "contributions": [kit.contribution(d)],
        "deaths": [{"person_id": a, "death_date": "2025-04-02"}],
        "incarcerations": [{"person_id": c, "start_date": "2025-01-01", "end_date": None}],
        "national_benefits": [],
    }


def _frames(kit, registry, empty=False):
    mixed = _mixed(kit)
    cols = {name: registry.tables[name].column_names for name in mixed}
    return {
        name: pd.DataFrame([] if empty else rows, columns=cols[name], dtype="object")
        for name, rows in mixed.items()
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
        assert set(res.suspicions["insurance"]) == {"unemployment"}


def test_without_the_claims_table_the_claim_indicators_are_skipped(kit, registry):
    a = kit.pid()
    ds = kit.dataset({"benefits": [kit.pay(a)]})
    res = fundrules.screen(ds, indicators=sorted(CODES), registry=registry)
    skipped = dict(zip(res.skipped["indicator"], res.skipped["reason"], strict=True))
    assert skipped == {
        "unemployment.exceeds_entitlement": "tables absent: unemployment_claims",
        "unemployment.insufficient_contribution": "tables absent: unemployment_claims",
        "unemployment.voluntary_separation": "tables absent: unemployment_claims",
        "unemployment.paid_while_employed": "tables absent: contributions",
        "unemployment.paid_after_death": "tables absent: deaths",
        "unemployment.paid_during_incarceration": "tables absent: incarcerations",
    }
    assert res.failed.empty


def test_problem_types_and_rules_fit_the_classification_stage(registry):
    cl = pytest.importorskip("fundrules.classification")
    catalog = cl.problem_type_catalog(registry.problem_types)
    assert {"unemployment_payment_not_stopped", "unemployment_excess_benefit"} <= set(catalog)
    book = cl.build_rule_book(registry.classification_rules, problem_types=catalog)
    mine = [r for r in book.rules.values() if r.origin == "unemployment"]
    assert {r.aspect for r in mine} == {"problem_type"}
    assert len(mine) == 3


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
        "unemployment.paid_while_employed": "unemployment_payment_not_stopped",
        "unemployment.paid_with_pension": "unemployment_payment_not_stopped",
        "unemployment.exceeds_entitlement": "unemployment_excess_benefit",
        "unemployment.amount_above_cap": "unemployment_excess_benefit",
        "unemployment.insufficient_contribution": "eligibility",
        "unemployment.voluntary_separation": "eligibility",
        "unemployment.paid_after_death": "fraud_suspected",
        "unemployment.paid_during_incarceration": "fraud_suspected",
    }
