"""The sixth insurance, by a third party: registered by the plugin, its indicators keep the
contract, its evidence says why, its books balance, and the synthetic city plants it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundrules.testing import check_indicator

CODES = ("ltc.no_eligible_assessment", "ltc.care_during_inpatient_stay", "ltc.care_after_death")


def test_the_plugin_registers_its_insurance_tables_and_codes(registry) -> None:
    assert "ltc" in registry.vocabularies["insurance"]
    assert {"ltc_assessments", "ltc_services"} <= set(registry.tables)
    assert set(CODES) <= set(registry.indicators)
    for code in CODES:
        assert registry.indicators[code].meta.insurance == "ltc"
    types = {t["code"] if isinstance(t, dict) else t.code for t in registry.problem_types}
    assert {"ltc_unassessed_benefit", "ltc_double_care"} <= types


@pytest.mark.parametrize("code", CODES)
def test_indicators_keep_the_contract(code, registry) -> None:
    if code == "ltc.care_during_inpatient_stay" and "medical_settlements" not in registry.tables:
        pytest.skip("needs the medical plugin's stays")
    report = check_indicator(code, registry=registry)
    assert report.fired > 0  # its test data (fundrules_ltc.test_data) reach the firing side


def test_evidence_names_the_days_and_the_death(kit) -> None:
    pid = kit.pid("19400101", 1)
    s = kit.screen(
        "ltc.care_after_death",
        {
            "persons": [kit.person(pid)],
            "deaths": [{"person_id": pid, "death_date": "2025-06-27"}],
            "ltc_services": [kit.service(pid, "2025-06-01", "2025-06-30", "1500.00")],
        },
    )
    assert kit.flagged(s) == {pid: Decimal("150.00")}
    (rec,) = kit.records(s, pid)
    assert rec["death_date"] == "2025-06-27" and rec["days_after_death"] == 3


def test_services_are_the_funds_payments(registry, kit) -> None:
    """Declared as a person-payment table: the core's cash-basis totals read the services of
    the target period (what fund.business_ledger_mismatch reconciles with the ledger)."""

    pid = kit.pid("19400101", 1)
    pt = registry.payment_tables["ltc_services"]
    assert (pt.insurance, pt.amount_column) == ("ltc", "fund_amount")
    tables = {
        "ltc_services": [
            kit.service(pid, "2025-05-01", "2025-05-31", "1550.00"),
            kit.service(pid, "2025-06-01", "2025-06-30", "1500.00"),
        ],
        "ledger": [
            {
                "entry_id": "e1",
                "insurance": "ltc",
                "period": "2025-06",
                "account_type": "expenditure",
                "item": "benefit_expenditure",
                "amount": "1500.01",
            },
        ],
    }
    s = kit.run("fund.business_ledger_mismatch", tables).suspicions
    assert list(s["subject_id"]) == ["ltc"]
    tables["ledger"][0]["amount"] = "1500.00"
    assert kit.run("fund.business_ledger_mismatch", tables).suspicions.empty


def test_synth_part_plants_each_indicator_with_near_misses(registry) -> None:
    from fundrules.synth import generate_frames

    f = generate_frames(persons=1_200, seed=4, registry=registry)
    truth = f["truth"]
    planted = set(truth.loc[truth.indicator.str.startswith("ltc."), "indicator"])
    expected = (
        set(CODES)
        if "medical_settlements" in registry.tables
        else set(CODES) - {"ltc.care_during_inpatient_stay"}
    )
    assert planted == expected
    near = f["near_misses"]
    assert set(near.loc[near.indicator.str.startswith("ltc."), "indicator"]) == expected
    assert len(f["ltc_services"]) > 0 and len(f["ltc_assessments"]) > 0
    ledger = f["ledger"]
    assert (ledger["insurance"] == "ltc").any()
