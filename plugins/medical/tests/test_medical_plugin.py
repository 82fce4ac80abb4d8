"""The plugin as a whole: registration, tables, business totals, knowledge folder, properties."""

from __future__ import annotations

from decimal import Decimal

import fundrules_medical
import pandas as pd
import pytest
from fundrules_medical.plugin import INDICATORS

import fundrules

CATALOG_CODES = {
    "settled_after_death",
    "overlapping_inpatient",
    "split_admission",
    "sex_restricted_item",
    "age_restricted_item",
    "excess_quantity",
    "bed_days_exceed_stay",
    "duplicate_charge",
    "price_above_cap",
    "frequent_visits",
    "provider_cost_outlier",
    "fee_outside_stay",
    "conflicting_items",
    "visits_during_stay",
    "settled_during_incarceration",
}


def test_the_fifteen_catalog_indicators_are_registered(registry):
    medical = {c for c in registry.indicators if c.startswith("medical.")}
    assert medical == {f"medical.{c}" for c in CATALOG_CODES}
    assert registry.failures == []
    assert registry.plugins["medical"].tables == [
        "providers",
        "medical_settlements",
        "medical_items",
        "item_catalog",
        "item_conflicts",
    ]


def test_installed_registry_has_no_failures():
    reg = fundrules.get_registry(refresh=True)
    assert {c for c in reg.indicators if c.startswith("medical.")} == {
        f"medical.{c}" for c in CATALOG_CODES
    }
    assert [f for f in reg.failures if f.plugin == "medical"] == []


def test_metadata_subjects_and_partitions():
    for ind in INDICATORS:
        assert ind.meta.insurance == "medical" and ind.meta.legal_basis and ind.meta.description
        if ind.code == "medical.provider_cost_outlier":
            assert (ind.meta.subject, ind.meta.partition) == ("provider", None)
        else:
            assert (ind.meta.subject, ind.meta.partition) == ("person", "person")


def test_tables_and_vocabularies(registry):
    items = registry.tables["medical_items"]
    assert items.reaches_person_via == ("medical_settlements", "settlement_id", "settlement_id")
    assert items.key == ("settlement_id", "line_no")
    assert registry.tables["medical_settlements"].period_column == "period"
    assert registry.tables["item_conflicts"].key == ("item_code_a", "item_code_b")
    assert registry.vocabularies["visit_type"] == {"outpatient", "inpatient", "pharmacy"}
    assert registry.vocabularies["conflict_scope"] == {"same_day", "same_stay"}
    assert registry.vocabularies["item_category"] >= {"bed", "drug"}


def test_unknown_codes_are_quarantined(kit):
    p = kit.pid()
    row = kit.settlement("s", p, "2025-06-01", "2025-06-02", visit="emergency")
    frames = {"medical_settlements": pd.DataFrame([row], dtype="object")}
    ds = fundrules.dataset_from_frames(frames, "2025-06", registry=kit.registry)
    assert ds.quarantine["column"].tolist() == ["visit_type"]


def test_business_totals_are_fund_amounts_per_period(kit, registry):
    p = kit.pid()
    ds = kit.dataset(
        {
            "medical_settlements": [
                kit.settlement("a", p, "2025-05-01", "2025-05-02", fund="100.10", period="2025-05"),
                kit.settlement("b", p, "2025-06-01", "2025-06-02", fund="200.20"),
                kit.visit("c", p, "2025-06-03", fund="0.05"),
            ]
        }
    )
    totals = registry.business_totals(ds)
    got = {(r.insurance, r.period, r.measure): r.amount_fen for r in totals.itertuples()}
    june = fundrules.plugin_api.parse_period("2025-06")
    assert got == {
        ("medical", june - 1, "benefits"): 10010,
        ("medical", june, "benefits"): 20025,
    }


def test_ledger_reconciles_with_the_settlements(kit, registry):
    p = kit.pid()
    tables = {
        "medical_settlements": [kit.settlement("b", p, "2025-06-01", "2025-06-02", fund="200.20")],
        "ledger": [
            {
                "entry_id": "e1",
                "insurance": "medical",
                "period": "2025-06",
                "account_type": "expenditure",
                "item": "benefit_expenditure",
                "amount": "200.20",
            }
        ],
    }
    assert kit.flagged("fund.business_ledger_mismatch", tables) == {}
    tables["ledger"][0]["amount"] = "200.21"
    assert kit.flagged("fund.business_ledger_mismatch", tables) == {"medical": Decimal("0.01")}


def _knowledge_folder(tmp_path, kit):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    pd.DataFrame([kit.catalog("GYN", name="妇科检查", restrict_sex="F")]).to_csv(
        folder / "item_catalog.csv", index=False
    )
    return folder


def test_knowledge_from_a_folder(tmp_path, kit, monkeypatch):
    p = kit.pid(seq=1)
    tables = {
        "medical_settlements": [kit.visit("v", p, "2025-06-05", fund="300.00")],
        "medical_items": [kit.item("v", 1, "GYN", "2025-06-05")],
    }
    ds = kit.dataset(tables)
    res = fundrules.screen(ds, indicators=["medical.sex_restricted_item"], registry=kit.registry)
    assert res.skipped["reason"].tolist() == ["tables absent: item_catalog"]
    folder = _knowledge_folder(tmp_path, kit)
    monkeypatch.setenv(fundrules_medical.ENV_VAR, str(folder))
    full = fundrules_medical.with_knowledge(ds)
    assert not ds.has("item_catalog") and full.has("item_catalog")
    res = fundrules.screen(full, indicators=["medical.sex_restricted_item"], registry=kit.registry)
    assert res.suspicions["subject_id"].tolist() == [p]


def test_the_dataset_knowledge_is_kept_over_the_folder(tmp_path, kit):
    ds = kit.dataset({"item_catalog": [kit.catalog("OTHER")]})
    full = fundrules_medical.with_knowledge(ds, _knowledge_folder(tmp_path, kit))
    assert full.table("item_catalog")["item_code"].tolist() == ["OTHER"]
    assert fundrules_medical.with_knowledge(ds) is ds  # nothing configured, nothing changes


def _busy_world(kit):
    """A small month with something for most indicators, and history."""
    p, q, r = kit.pid(seq=1), kit.pid("19800202", seq=2), kit.pid("20150505", seq=3)
    settlements = [
        kit.settlement("a", p, "2025-06-01", "2025-06-10", fund="5000.00"),
        kit.settlement("b", p, "2025-06-05", "2025-06-15", provider="H2", fund="3000.00"),
        kit.settlement("c", p, "2025-06-20", "2025-06-22", fund="1000.00"),
        kit.settlement("old", q, "2025-05-01", "2025-05-09", period="2025-05"),
        kit.settlement("d", q, "2025-05-15", "2025-05-20", period="2025-06"),
        kit.visit("v1", p, "2025-06-03"),
        kit.visit("v2", q, "2025-06-04"),
        kit.visit("v3", r, "2025-06-04", provider="C2"),
    ]
    items = [
        kit.item("a", 1, "GYN", "2025-06-02"),
        kit.item("a", 2, "BED", "2025-06-01", 12, category="bed"),
        kit.item("a", 3, "CT", "2025-06-03", category="exam"),
        kit.item("a", 4, "CT", "2025-06-03", category="exam"),
        kit.item("b", 1, "A", "2025-06-06"),
        kit.item("v1", 1, "B", "2025-06-06"),
        kit.item("v3", 1, "ADULT", "2025-06-04", 40, days_supply=31),
        kit.item("d", 1, "X", "2025-05-25", price="12.00"),
    ]
    return {
        "medical_settlements": settlements,
        "medical_items": items,
        "item_catalog": [
            kit.catalog("GYN", restrict_sex="F"),
            kit.catalog("CT", max_daily_quantity=1),
            kit.catalog("ADULT", min_age=18, max_daily_quantity=1),
            kit.catalog("X", max_unit_price="10.00"),
        ],
        "item_conflicts": [{"item_code_a": "A", "item_code_b": "B", "scope": "same_day"}],
        "deaths": [{"person_id": r, "death_date": "2025-06-01"}],
        "incarcerations": [{"person_id": q, "start_date": "2025-06-01", "end_date": None}],
    }


def _sorted(s: pd.DataFrame) -> pd.DataFrame:
    return s.sort_values(["indicator", "subject_id"]).reset_index(drop=True)


def test_independent_of_row_order_and_inputs_untouched(kit):
    tables = _busy_world(kit)
    codes = [i.code for i in INDICATORS if i.code != "medical.provider_cost_outlier"]
    ds = kit.dataset(tables)
    before = {n: t.copy() for n, t in ds.tables.items()}
    res = fundrules.screen(ds, indicators=codes, registry=kit.registry)
    assert res.failed.empty, res.failed.to_string()
    assert set(res.suspicions["indicator"]) >= {
        "medical.overlapping_inpatient",
        "medical.sex_restricted_item",
        "medical.bed_days_exceed_stay",
        "medical.duplicate_charge",
        "medical.conflicting_items",
        "medical.age_restricted_item",
        "medical.excess_quantity",
        "medical.price_above_cap",
        "medical.fee_outside_stay",
        "medical.visits_during_stay",
        "medical.settled_after_death",
        "medical.settled_during_incarceration",
    }
    for n, t in ds.tables.items():
        pd.testing.assert_frame_equal(t, before[n])
    shuffled = {k: list(reversed(v)) for k, v in tables.items()}
    res2 = fundrules.screen(kit.dataset(shuffled), indicators=codes, registry=kit.registry)
    pd.testing.assert_frame_equal(_sorted(res.suspicions), _sorted(res2.suspicions))


@pytest.mark.parametrize("code", [i.code for i in INDICATORS])
def test_empty_target_period_gives_no_suspicions(kit, code):
    tables = _busy_world(kit)
    tables["providers"] = [kit.provider("H1"), kit.provider("H2"), kit.provider("C2", 1, "clinic")]
    res = kit.run(code, tables, period="2025-08")
    assert res.failed.empty, res.failed.to_string()
    assert res.suspicions.empty


def test_problem_types_and_rules_fit_the_classification_stage(registry):
    cl = pytest.importorskip("fundrules.classification")
    catalog = cl.problem_type_catalog(registry.problem_types)
    assert {"medical_irregular_admission", "medical_overtreatment"} <= set(catalog)
    book = cl.build_rule_book(registry.classification_rules, problem_types=catalog)
    mine = [r for r in book.rules.values() if r.origin == "medical"]
    assert {r.aspect for r in mine} == {"problem_type"} and len(mine) == 6


def test_classified_problem_types(kit):
    cl = pytest.importorskip("fundrules.classification")
    codes = [i.code for i in INDICATORS if i.code != "medical.provider_cost_outlier"]
    res = fundrules.screen(kit.dataset(_busy_world(kit)), indicators=codes, registry=kit.registry)
    out = cl.classify(res, registry=kit.registry, discovered="2025-07-01").suspicions
    got = dict(zip(out["indicator"], out["problem_type"], strict=False))
    assert got["medical.settled_after_death"] == "fraud_suspected"
    assert got["medical.settled_during_incarceration"] == "fraud_suspected"
    assert got["medical.overlapping_inpatient"] == "medical_irregular_admission"
    assert got["medical.bed_days_exceed_stay"] == "medical_fictitious_service"
    assert got["medical.conflicting_items"] == "medical_overcharging"
    assert got["medical.sex_restricted_item"] == "medical_restricted_use"
    assert got["medical.excess_quantity"] == "medical_excessive_dispensing"


def test_every_indicator_is_documented():
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for ind in INDICATORS:
        assert f"`{ind.code}`" in readme, ind.code


@pytest.mark.slow
@pytest.mark.parametrize("code", [i.code for i in INDICATORS])
def test_contract_of_the_testing_toolkit(registry, code):
    """The toolkit's property checks on generated data: deterministic, independent of row
    order, input untouched, real subjects, same result on data split by person, monotone in
    the stricter parameters (a few examples here; the ``thorough`` profile runs more)."""
    testing = pytest.importorskip("fundrules.testing")
    check = getattr(testing, "check_indicator", None)
    if check is None:
        pytest.skip("fundrules.testing.check_indicator is not published yet")
    report = check(code, registry=registry, max_examples=3, shrink_seconds=10)
    assert "runs" in report.checked
