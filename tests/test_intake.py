"""Intake: every row read is loaded or quarantined with its reason; whole-file errors are clear."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ids import person_id

import fundrules
from fundrules.intake import DataError
from fundrules.intake.manifest import CST

P1 = person_id("19600101", 1)
P2 = person_id("19650505", 2)

PERSONS_HEADER = "person_id,name,sex,birth_date,region_code\n"


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def load(folder, registry, period="2025-06", **kw):
    return fundrules.load_dataset(folder, period, registry=registry, **kw)


def test_gbk_csv_is_detected_and_read(tmp_path, registry):
    write(
        tmp_path / "persons.csv",
        PERSONS_HEADER + f"{P1},张三,M,1960-01-01,120101\n{P2},李四,F,1965-05-05,120102\n",
        encoding="gbk",
    )
    ds = load(tmp_path, registry)
    persons = ds.table("persons")
    assert persons["name"].tolist() == ["张三", "李四"]
    assert ds.manifest.files[0].encoding == "gb18030"
    assert ds.accounting.iloc[0][["read", "loaded", "quarantined"]].tolist() == [2, 2, 0]


def test_utf8_bom_csv(tmp_path, registry):
    write(tmp_path / "persons.csv", "\ufeff" + PERSONS_HEADER + f"{P1},王五,M,1960-01-01,120101\n")
    ds = load(tmp_path, registry)
    assert ds.table("persons")["name"].tolist() == ["王五"]


def test_unparseable_dates_are_quarantined_with_row_and_reason(tmp_path, registry):
    write(
        tmp_path / "persons.csv",
        PERSONS_HEADER
        + f"{P1},a,M,1960-01-01,120101\n{P2},b,F,1965/05/05,120102\n"
        + f"{person_id('19700101', 3)},c,M,1970-02-30,120101\n",
    )
    ds = load(tmp_path, registry)
    q = ds.quarantine
    assert q[["table", "file", "row", "column", "value"]].values.tolist() == [
        ["persons", "persons.csv", 2, "birth_date", "1965/05/05"],
        ["persons", "persons.csv", 3, "birth_date", "1970-02-30"],
    ]
    assert (q["reason"] == "not a date (YYYY-MM-DD)").all()
    acc = ds.accounting.iloc[0]
    assert (acc.read, acc.loaded, acc.quarantined) == (3, 1, 2)


BENEFITS_HEADER = (
    "payment_id,person_id,insurance,benefit_type,period,amount,paid_date,bank_account,"
    "agency_id,region_code\n"
)


def benefit(pid, amount, payment="b1", period="2025-06", btype="basic_pension"):
    return f"{payment},{pid},pension,{btype},{period},{amount},2025-06-10,,,\n"


def test_money_is_exact_and_bad_money_is_quarantined(tmp_path, registry):
    rows = [
        benefit(P1, "1234.56", "b1"),
        benefit(P1, "abc", "b2"),
        benefit(P1, "1.234", "b3"),
        benefit(P1, "-50.00", "b4"),  # reversal: allowed in benefits.amount
        benefit(P1, "0.1", "b5"),
        benefit(P1, "12.300", "b6"),  # trailing zero: representable
        benefit(P1, "", "b7"),
    ]
    write(tmp_path / "benefits.csv", BENEFITS_HEADER + "".join(rows))
    ds = load(tmp_path, registry)
    b = ds.table("benefits")
    assert b["payment_id"].tolist() == ["b1", "b4", "b5", "b6"]
    assert b["amount"].tolist() == [123456, -5000, 10, 1230]
    assert b["amount"].dtype == "int64"
    q = ds.quarantine.set_index("row")
    assert q.loc[2, "column"] == "amount" and q.loc[2, "value"] == "abc"
    assert q.loc[2, "reason"].startswith("not an amount with at most 2 decimals")
    assert q.loc[3, "value"] == "1.234"
    assert q.loc[7, "reason"] == "required cell is empty"
    acc = ds.accounting.iloc[0]
    assert acc.read == acc.loaded + acc.quarantined == 7


def test_negative_amount_outside_benefits_and_ledger_is_quarantined(tmp_path, registry):
    write(
        tmp_path / "contributions.csv",
        "person_id,employer_id,insurance,period,base,employer_amount,person_amount,paid_date,"
        "back_payment\n"
        f"{P1},,pension,2025-06,5000.00,0,-400.00,2025-06-05,false\n"
        f"{P1},,pension,2025-05,5000.00,0,400.00,2025-06-05,是\n",
    )
    ds = load(tmp_path, registry)
    assert ds.table("contributions")["back_payment"].tolist() == [True]
    assert ds.quarantine["column"].tolist() == ["person_amount"]
    assert "negative" in ds.quarantine["reason"].iloc[0]


def test_duplicate_key_quarantines_the_later_row(tmp_path, registry):
    write(
        tmp_path / "persons.csv",
        PERSONS_HEADER + f"{P1},a,M,1960-01-01,120101\n{P2},b,F,1965-05-05,120101\n"
        f"{P1},a2,M,1960-01-01,120101\n",
    )
    ds = load(tmp_path, registry)
    assert ds.table("persons")["name"].tolist() == ["a", "b"]
    q = ds.quarantine.iloc[0]
    assert (q.row, q.column, q.value, q.reason) == (
        3,
        "person_id",
        P1,
        "duplicate key: same as row 1",
    )


def test_unknown_code_is_quarantined(tmp_path, registry):
    write(tmp_path / "benefits.csv", BENEFITS_HEADER + benefit(P1, "10.00", btype="bonus"))
    ds = load(tmp_path, registry)
    assert ds.table("benefits").empty
    assert ds.quarantine.iloc[0]["column"] == "benefit_type"
    assert "unknown code of vocabulary 'benefit_type'" in ds.quarantine.iloc[0]["reason"]


def test_lowercase_x_is_read_as_X(tmp_path, registry):
    pid = person_id("19491231", 2, "110105")
    assert pid.endswith("X")
    write(tmp_path / "persons.csv", PERSONS_HEADER + f"{pid[:-1]}x,a,F,1949-12-31,110105\n")
    ds = load(tmp_path, registry)
    assert ds.table("persons")["person_id"].tolist() == [pid]


def test_missing_required_column_is_one_clear_error(tmp_path, registry):
    write(tmp_path / "persons.csv", "person_id,name,sex,region_code\n" + f"{P1},a,M,120101\n")
    with pytest.raises(DataError) as err:
        load(tmp_path, registry)
    assert err.value.column == "birth_date"
    assert "persons.csv" in str(err.value) and "'birth_date'" in str(err.value)


def test_empty_file_is_a_whole_file_error(tmp_path, registry):
    (tmp_path / "persons.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"persons\.csv.*empty file"):
        load(tmp_path, registry)


def test_corrupt_parquet_is_a_whole_file_error(tmp_path, registry):
    (tmp_path / "persons.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataError, match=r"persons\.parquet.*corrupt Parquet"):
        load(tmp_path, registry)


def test_ragged_csv_row_is_quarantined_not_lost(tmp_path, registry):
    write(
        tmp_path / "persons.csv",
        PERSONS_HEADER + f"{P1},a,M,1960-01-01,120101\n{P2},b,F,1965-05-05,120101,extra\n",
    )
    ds = load(tmp_path, registry)
    assert len(ds.table("persons")) == 1
    q = ds.quarantine.iloc[0]
    assert q.row == 2 and "6 fields" in q.reason
    acc = ds.accounting.iloc[0]
    assert (acc.read, acc.loaded, acc.quarantined) == (2, 1, 1)


def test_xlsx_with_numbers_dates_and_a_mangled_id(tmp_path, registry):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["person_id", "name", "sex", "birth_date", "region_code"])
    ws.append([P1, "a", "M", datetime(1960, 1, 1), 120101])
    ws.append([int(P2), "b", "F", "1965-05-05", "120101"])  # Excel turned the id into a number
    wb.save(tmp_path / "persons.xlsx")
    ds = load(tmp_path, registry)
    persons = ds.table("persons")
    assert persons["person_id"].tolist() == [P1]
    assert persons["region_code"].tolist() == ["120101"]
    assert str(persons["birth_date"].iloc[0].date()) == "1960-01-01"
    q = ds.quarantine.iloc[0]
    assert (q.row, q.column) == (2, "person_id")
    assert "lost digits" in q.reason


def test_xlsx_period_cells_turned_into_dates_are_read_as_months(tmp_path, registry):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["entry_id", "insurance", "period", "account_type", "item", "amount"])
    ws.append(["e1", "pension", datetime(2025, 6, 1), "expenditure", "benefit_expenditure", 10.5])
    ws.append(["e2", "pension", "2025-06", "income", "contribution_income", 3])
    wb.save(tmp_path / "ledger.xlsx")
    ds = load(tmp_path, registry)
    led = ds.table("ledger")
    assert led["period"].tolist() == [2025 * 12 + 5] * 2
    assert led["amount"].tolist() == [1050, 300]


def test_parquet_typed_columns(tmp_path, registry):
    table = pa.table(
        {
            "entry_id": ["e1", "e2", "e3"],
            "insurance": ["pension"] * 3,
            "period": ["2025-06"] * 3,
            "account_type": ["expenditure"] * 3,
            "item": ["benefit_expenditure"] * 3,
            "amount": pa.array(
                [Decimal("10.25"), Decimal("-3.10"), Decimal("0.00")], pa.decimal128(18, 2)
            ),
            "extra_col": [1, 2, 3],
        }
    )
    pq.write_table(table, tmp_path / "ledger.parquet")
    ds = load(tmp_path, registry)
    led = ds.table("ledger")
    assert led["amount"].tolist() == [1025, -310, 0]
    assert "extra_col" in led.columns  # extra columns are kept and ignored


def test_two_formats_of_one_table_is_an_error(tmp_path, registry):
    write(tmp_path / "persons.csv", PERSONS_HEADER)
    pd.DataFrame({"person_id": []}).to_parquet(tmp_path / "persons.parquet")
    with pytest.raises(DataError, match="given twice"):
        load(tmp_path, registry)


def test_manifest_hashes_and_changed_submission(tmp_path, registry):
    data = tmp_path / "data"
    data.mkdir()
    f = write(data / "persons.csv", PERSONS_HEADER + f"{P1},a,M,1960-01-01,120101\n")
    received = datetime(2025, 7, 16, 9, 0, tzinfo=CST)
    ds = load(data, registry, received_at=received)
    m = ds.manifest
    assert m.files[0].sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    assert m.received_at == "2025-07-16T09:00:00+08:00"
    assert (m.files[0].rows_read, m.files[0].rows_loaded) == (1, 1)
    assert m.id == load(data, registry).manifest.id  # same content, same id
    write(data / "persons.csv", PERSONS_HEADER + f"{P1},a,M,1960-01-01,120102\n")
    assert load(data, registry).manifest.content != m.content


def test_absent_tables_are_not_in_the_dataset(tmp_path, registry):
    write(tmp_path / "persons.csv", PERSONS_HEADER)
    ds = load(tmp_path, registry)
    assert ds.has("persons") and not ds.has("benefits")
    res = fundrules.screen(ds, registry=registry)
    skipped = res.skipped.set_index("indicator")
    assert skipped.loc["data.duplicate_payment", "reason"] == "tables absent: benefits"
