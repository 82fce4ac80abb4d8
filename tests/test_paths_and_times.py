"""Smaller hardening (issue #12 item 10): links out of the dataset folder, a holiday path that
could read any file, a timestamp with a time of day in a date column."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ids import person_id

import fundrules as fr
from fundrules.intake import DataError

P1 = person_id("19600101", 1)
P2 = person_id("19650505", 2)


def test_a_link_out_of_the_dataset_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(
        f"person_id,name,sex,birth_date,region_code\n{P1},a,M,1960-01-01,120101\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    data.mkdir()
    (data / "persons.csv").symlink_to(outside)
    with pytest.raises(DataError, match="link to a file outside the dataset folder"):
        fr.load_dataset(data, "2025-06")
    (data / "persons.csv").unlink()
    (data / "real.csv").write_text(outside.read_text(encoding="utf-8"), encoding="utf-8")
    (data / "persons.csv").symlink_to(data / "real.csv")  # a link inside the folder is fine
    assert len(fr.load_dataset(data, "2025-06").table("persons")) == 1


def test_a_parquet_timestamp_with_a_time_of_day_in_a_date_column_is_quarantined(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    pq.write_table(
        pa.table(
            {
                "person_id": [P1, P2],
                "name": ["a", "b"],
                "sex": ["M", "F"],
                "birth_date": pa.array(
                    [datetime(1960, 1, 1), datetime(1965, 5, 5, 13, 30)], pa.timestamp("us")
                ),
                "region_code": ["120101", "120101"],
            }
        ),
        data / "persons.parquet",
    )
    ds = fr.load_dataset(data, "2025-06")
    assert ds.table("persons")["person_id"].tolist() == [P1]
    q = ds.quarantine.iloc[0]
    assert (q.row, q.column) == (2, "birth_date")
    assert q.reason.startswith("a timestamp with a time of day in a date column")
