"""A city written month by month (``generate_city(by_month=True)``, ``fundrules synth
--by-month``): each window month's folder is that month's submission. Intaken in order into a
store, the data as of the target month — and so its screen — are those of the one-folder city of
the same seed (workflow.md, "Submissions and the store": the same result when the months agree).
"""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from fundrules.cases import handed_tables
from fundrules.screening.execution import screen_store
from fundrules.screening.output import suspicions_to_arrow
from fundrules.store import open_store
from fundrules.synth import generate_city

PERIOD = "2025-06"
MONTHS = ["2025-03", "2025-04", "2025-05", "2025-06"]


@pytest.fixture(scope="module")
def cities(tmp_path_factory):
    root = tmp_path_factory.mktemp("months")
    whole = generate_city(root / "whole", persons=1_200, seed=21, period=PERIOD)
    months = generate_city(root / "months", persons=1_200, seed=21, period=PERIOD, by_month=True)
    return whole, months


def _rows(folder, table: str) -> pd.DataFrame:
    frame = pq.read_table(folder / f"{table}.parquet").to_pandas()
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def test_the_months_hold_the_city_row_for_row(cities) -> None:
    whole, months = cities
    root = months.out_dir
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == MONTHS
    assert months.rows == whole.rows
    assert (
        sum(r.get("medical_settlements", 0) for r in months.months.values())
        == (whole.rows["medical_settlements"])
    )
    for table in ("contributions", "medical_settlements", "medical_items", "persons"):
        parts = [root / m for m in MONTHS if (root / m / f"{table}.parquet").exists()]
        together = pd.concat([_rows(p, table) for p in parts], ignore_index=True)
        together = together.sort_values(list(together.columns), kind="stable")
        pd.testing.assert_frame_equal(
            together.reset_index(drop=True), _rows(whole.out_dir, table), check_exact=True
        )
    # a month's rows are that month's: periods, and items with their settlement
    may = root / "2025-05"
    assert set(_rows(may, "medical_settlements")["period"]) == {"2025-05"}
    items = set(_rows(may, "medical_items")["settlement_id"])
    assert items <= set(_rows(may, "medical_settlements")["settlement_id"])
    old = _rows(root / "2025-03", "contributions")["period"]
    assert (old < "2025-03").any()  # back payments of older periods arrive with the first month
    assert not (root / "2025-05" / "persons.parquet").exists()  # no period: the target month
    assert months.truth_path == root / PERIOD / "truth.csv"
    pd.testing.assert_frame_equal(
        pd.read_csv(months.truth_path), pd.read_csv(whole.truth_path), check_exact=True
    )


def _bytes(result) -> bytes:
    table = suspicions_to_arrow(result.suspicions)
    return table.to_pandas().to_csv(index=False).encode() + repr(table.schema).encode()


@pytest.mark.slow
def test_intaking_the_months_in_order_screens_like_the_one_extract(cities, tmp_path) -> None:
    whole, months = cities
    one = open_store(tmp_path / "one", create=True)
    one.intake(whole.out_dir, PERIOD, received_at="2025-07-10T09:00")
    fed = open_store(tmp_path / "fed", create=True)
    for m in MONTHS:  # each on time, on the 10th of the month after
        y, mm = map(int, m.split("-"))
        received = f"{y + mm // 12}-{mm % 12 + 1:02d}-10T09:00"
        fed.intake(months.out_dir / m, m, received_at=received)
    assert fed.periods() == MONTHS
    a = screen_store(one, PERIOD, handed=handed_tables(one.root), shards=1)
    b = screen_store(fed, PERIOD, handed=handed_tables(fed.root), shards=1)
    assert a.failed.empty and b.failed.empty
    assert len(set(a.suspicions["indicator"])) >= 40
    assert _bytes(a) == _bytes(b)
