"""The store's streamed intake of Parquet files (Arrow checks, record batches, key check on
integer codes) loads and quarantines exactly what the one-shot ``load_dataset`` does: the same
rows, the same reasons, shown values and row numbers, on clean and on dirty files, whatever the
batch size."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from store_kit import PERIOD

import fundrules
from fundrules.store import open_store, streaming


def _edit(folder: Path, table: str, edit, row_group_size: int | None = None) -> None:
    path = folder / f"{table}.parquet"
    t = edit(pq.read_table(path))
    pq.write_table(t, path, row_group_size=row_group_size)


def _set(t: pa.Table, column: str, rows: dict[int, object], type_: pa.DataType | None = None):
    values = t[column].to_pylist()
    for i, v in rows.items():
        values[i] = v
    i = t.schema.get_field_index(column)
    return t.set_column(
        i,
        t.schema.field(i).with_type(type_ or t[column].type),
        [pa.array(values, type_ or t[column].type)],
    )


def _dirty(city: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "dirty"
    shutil.copytree(city, folder)

    def persons(t):
        t = _set(t, "sex", {3: None, 4: "X", 5: " F "})
        t = _set(t, "person_id", {7: "  " + t["person_id"][7].as_py() + " "})
        dup = t.slice(10, 2)
        return pa.concat_tables([t, dup])  # two duplicate persons at the end

    _edit(folder, "persons", persons)

    def settlements(t):
        t = _set(
            t, "period", {0: "2025-13", 1: None, 2: " 2025-06 ", 3: "2025-6", 4: "２０２５-06"}
        )
        amounts = t["total_amount"].to_pylist()
        amounts[5] = Decimal("-1.00")
        amounts[6] = None
        t = t.set_column(
            t.schema.get_field_index("total_amount"),
            "total_amount",
            pa.array(amounts, pa.decimal128(18, 2)),
        )
        t = _set(t, "visit_type", {8: "spa", 9: ""})
        t = _set(t, "settlement_id", {12: t["settlement_id"][11].as_py()})  # a duplicate key
        return t

    _edit(folder, "medical_settlements", settlements, row_group_size=700)

    def items(t):
        t = _set(t, "line_no", {0: None, 1: t["line_no"][2].as_py()})
        t = _set(
            t, "settlement_id", {1: t["settlement_id"][2].as_py(), 20: "NO-SUCH-ONE", 21: None}
        )
        t = _set(t, "quantity", {30: float("nan"), 31: None, 32: -2.5})
        t = _set(t, "days_supply", {33: None, 34: float("nan"), 35: -1.0})
        t = _set(t, "item_category", {40: "DRUG"})
        prices = t["unit_price"].to_pylist()
        prices[50] = Decimal("1.12345")
        t = t.set_column(
            t.schema.get_field_index("unit_price"),
            "unit_price",
            pa.array(prices, pa.decimal128(20, 5)),
        )
        return t

    _edit(folder, "medical_items", items, row_group_size=1500)

    def contributions(t):
        t = _set(t, "person_id", {0: None, 1: ""})
        t = _set(t, "back_payment", {2: None})
        return t

    _edit(folder, "contributions", contributions)
    return folder


def _compare(store, folder: Path) -> None:
    version = store.version(PERIOD)
    loaded = fundrules.load_dataset(folder, PERIOD)
    key = ["table", "row", "column"]
    want = loaded.quarantine.sort_values(key).reset_index(drop=True)
    got = version.quarantine().sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want.astype(got.dtypes.to_dict()), check_exact=True)
    acc_want = loaded.accounting.sort_values("table").reset_index(drop=True)
    acc_got = version.accounting().sort_values("table").reset_index(drop=True)
    pd.testing.assert_frame_equal(acc_got, acc_want, check_dtype=False)
    assert version.manifest().content == loaded.manifest.content
    for name, frame in loaded.tables.items():
        got_frame = store.read_table(store.as_of(PERIOD), name)
        pd.testing.assert_frame_equal(got_frame, frame, check_exact=True)


@pytest.mark.parametrize("batch", [streaming.BATCH_ROWS, 1000])
def test_dirty_parquet_streams_to_what_load_dataset_loads_and_quarantines(
    city, tmp_path, monkeypatch, batch
):
    monkeypatch.setattr(streaming, "BATCH_ROWS", batch)
    folder = _dirty(city, tmp_path)
    store = open_store(tmp_path / "store", create=True)
    store.intake(folder, PERIOD, received_at="2025-07-10T09:00")
    q = store.version(PERIOD).quarantine()
    reasons = " ".join(q["reason"])
    assert "duplicate key: same as row" in reasons and "unknown code" in reasons
    assert set(q["table"]) >= {"persons", "medical_settlements", "medical_items", "contributions"}
    _compare(store, folder)


def test_items_take_their_settlements_bucket_and_orphans_are_shared(city, tmp_path):
    store = open_store(tmp_path / "store", create=True)
    version = store.intake(city, PERIOD, received_at="2025-07-10T09:00")
    folder = version.path / "tables"
    for part in (folder / "medical_items").glob("part-*.parquet"):
        if part.name == "part-shared.parquet":
            continue
        items = pq.read_table(part, columns=["settlement_id"])["settlement_id"]
        mine = pq.read_table(folder / "medical_settlements" / part.name, columns=["settlement_id"])
        assert set(items.to_pylist()) <= set(mine["settlement_id"].to_pylist())


@pytest.mark.parametrize("how", ["floats", "beyond 2**53"])
def test_key_cells_the_arrow_checks_doubt_but_pandas_loads(city, tmp_path, how):
    # line_no as floats (2.0 is 2), or an integer a float cannot hold exactly (the pandas path
    # loads it, so the table is redone on the pandas path): the same rows and keys either way
    folder = tmp_path / "odd"
    shutil.copytree(city, folder)

    def items(t):
        i = t.schema.get_field_index("line_no")
        if how == "floats":
            return t.set_column(i, "line_no", t["line_no"].cast(pa.float64()))
        return _set(t, "line_no", {5: 2**53 + 2})

    _edit(folder, "medical_items", items)
    store = open_store(tmp_path / "store", create=True)
    store.intake(folder, PERIOD, received_at="2025-07-10T09:00")
    _compare(store, folder)


@pytest.mark.parametrize("as_csv", ["medical_items", "medical_settlements"])
def test_a_table_in_csv_beside_streamed_parquet_keeps_items_with_their_settlements(
    city, tmp_path, as_csv
):
    # one of the pair through the pandas path, the other streamed: the join still holds
    folder = tmp_path / "mixed"
    shutil.copytree(city, folder)
    t = pq.read_table(folder / f"{as_csv}.parquet")
    (folder / f"{as_csv}.parquet").unlink()
    t.to_pandas().to_csv(folder / f"{as_csv}.csv", index=False)
    store = open_store(tmp_path / "store", create=True)
    version = store.intake(folder, PERIOD, received_at="2025-07-10T09:00")
    tables = version.path / "tables"
    for part in (tables / "medical_items").glob("part-*.parquet"):
        if part.name == "part-shared.parquet":
            continue
        items = set(pq.read_table(part, columns=["settlement_id"])["settlement_id"].to_pylist())
        mine = pq.read_table(tables / "medical_settlements" / part.name, columns=["settlement_id"])
        assert items and items <= set(mine["settlement_id"].to_pylist())
    _compare(store, folder)


def test_a_cell_over_the_limit_names_file_column_and_row(city, tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "BATCH_ROWS", 1000)
    monkeypatch.setenv("FUNDRULES_MAX_CELL_BYTES", "100")
    folder = tmp_path / "big"
    shutil.copytree(city, folder)
    _edit(folder, "medical_items", lambda t: _set(t, "settlement_id", {2500: "S" * 101}), 700)
    store = open_store(tmp_path / "store", create=True)
    with pytest.raises(fundrules.DataError) as err:
        store.intake(folder, PERIOD, received_at="2025-07-10T09:00")
    e = err.value
    assert e.file and e.file.endswith("medical_items.parquet")
    assert (e.column, e.row) == ("settlement_id", 2501)
    assert not list((tmp_path / "store" / "submissions").glob("*/v*"))
