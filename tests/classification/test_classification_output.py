"""From a screening run to files: classify(ScreenResult), warnings, and `classify OUT_DIR`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pyarrow.parquet as pq
from classification.rows import frame, suspicion
from ids import person_id

import fundrules
from fundrules.classification import (
    WARNING_COLUMNS,
    build_warnings,
    classify,
    classify_directory,
    write_classification,
)
from fundrules.classification.warning_groups import warning_id
from fundrules.screening.output import write_run

P1 = person_id("19600101", 1)
P2 = person_id("19650505", 2)


def _payment(pid: str, amount: str, row: str) -> dict[str, str]:
    return {
        "payment_id": row,
        "person_id": pid,
        "insurance": "pension",
        "benefit_type": "basic_pension",
        "period": "2025-06",
        "amount": amount,
        "paid_date": "2025-06-10",
    }


def _screen(load, registry) -> fundrules.ScreenResult:
    persons = [{"person_id": P1, "sex": "M", "birth_date": "1960-01-01", "region_code": "120101"}]
    ds = load({"persons": persons, "benefits": [_payment(P2, "10000.00", "b1")]})
    return fundrules.screen(ds, indicators=["data.unknown_person"], registry=registry)


def test_classify_a_screen_result_and_read_it_back_from_either_file(load, registry, tmp_path):
    screened = _screen(load, registry)
    assert screened.suspicions["amount_at_risk"].tolist() == [Decimal("10000.00")]
    result = classify(screened, discovered=date(2025, 9, 26), registry=registry)
    assert result.period == "2025-06"
    row = result.suspicions.iloc[0]
    assert (row["problem_type"], row["major_grade"], row["report_due"]) == (
        "data_quality",
        "ordinary",
        "2025-10-10",
    )

    write_run(screened, tmp_path)
    again, paths = classify_directory(tmp_path, discovered="2025-09-26", registry=registry)
    assert set(paths) == {
        "classified.parquet",
        "classified.csv",
        "warnings.parquet",
        "warnings.csv",
        "classification.json",
    }
    table = pq.read_table(paths["classified.parquet"])
    assert str(table.schema.field("amount_at_risk").type) == "decimal128(18, 2)"
    assert str(table.schema.field("typical").type) == "bool"
    assert table.column("major_grade").to_pylist() == ["ordinary"]
    csv = pd.read_csv(paths["warnings.csv"], dtype=str, keep_default_na=False)
    assert list(csv.columns) == WARNING_COLUMNS
    assert csv["amount_at_risk"].tolist() == ["10000.00"]

    # the same result from the CSV the screening wrote
    (tmp_path / "suspicions.parquet").unlink()
    from_csv, _ = classify_directory(tmp_path, discovered="2025-09-26", registry=registry)
    assert from_csv.suspicions["major_grade"].tolist() == ["ordinary"]
    assert from_csv.warnings["warning_id"].tolist() == again.warnings["warning_id"].tolist()


def test_warnings_group_a_subject_per_agency(core_registry, tmp_path):
    config = {
        "routing": {
            "default_agency": "市中心",
            "routes": [{"insurance": "medical", "agency": "医保中心"}],
        }
    }
    rows = [
        suspicion("pension.benefit_jump", "A", amount="6000.00", severity="low"),
        suspicion("pension.early_retirement", "A", amount="4000.00", severity="high"),
        suspicion("data.unknown_person", "A", amount="0.00", severity="medium"),
        suspicion("medical.price_above_cap", "A", amount="1.50", severity="low"),
        suspicion("pension.benefit_jump", "B", amount="600000.00", severity="low"),
    ]
    result = classify(frame(*rows), config, discovered=date(2025, 9, 26), registry=core_registry)
    w = result.warnings.set_index(["agency", "subject_id"])
    a = w.loc[("市中心", "A")]
    assert a["suspicion_count"] == 3
    assert a["indicators"] == "data.unknown_person,pension.benefit_jump,pension.early_retirement"
    assert a["amount_at_risk"] == Decimal("10000.00")
    assert (a["severity"], a["major_grade"], a["report_due"]) == ("high", "none", "")
    assert a["action"] == "on_site_check"  # three indicators on one person: typical
    assert w.loc[("医保中心", "A")]["suspicion_count"] == 1
    b = w.loc[("市中心", "B")]
    assert (b["severity"], b["major_grade"], b["action"], b["report_due"]) == (
        "critical",
        "major",
        "major_incident_report",
        "2025-10-10",
    )
    assert b.name and result.warnings["warning_id"].is_unique
    assert warning_id("市中心", "person", "B", "2025-06") in set(result.warnings["warning_id"])

    paths = write_classification(tmp_path, result)
    assert pq.read_table(paths["warnings.parquet"]).column("suspicion_count").type == "int64"


def test_no_suspicions_no_warnings(core_registry):
    result = classify(frame(), discovered=date(2025, 9, 26), registry=core_registry)
    assert result.suspicions.empty and result.warnings.empty
    assert list(build_warnings(result.suspicions).columns) == WARNING_COLUMNS
