"""``amount_at_risk`` is exact in memory (an Arrow decimal128(38, 2) column, not objects) and in
Parquet (decimal), and its totals are checked, never wrapped (issue #13)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from commandline import bank_account_folder, fundrules_cli

import fundrules
from fundrules.screening import AMOUNT_DTYPE, total_amount
from fundrules.screening.output import read_suspicions


def test_screen_gives_an_arrow_decimal_amount_column(load, registry):
    ds = load(
        {
            "bank_accounts": [
                {
                    "account_id": a,
                    "insurance": "pension",
                    "account_type": "income",
                    "period": "2025-06",
                    "balance": b,
                    "interest_rate": "0.35",
                    "designated": "true",
                }
                for a, b in (("A1", "1234.56"), ("A2", "0.01"))
            ]
        }
    )
    res = fundrules.screen(ds, indicators="fund.income_account_not_swept", registry=registry)
    amounts = res.suspicions["amount_at_risk"]
    assert amounts.dtype == AMOUNT_DTYPE == pd.ArrowDtype(pa.decimal128(38, 2))
    assert sorted(amounts.tolist()) == [Decimal("0.01"), Decimal("1234.56")]
    assert total_amount(amounts) == Decimal("1234.57")
    empty = fundrules.screen(ds, indicators="fund.non_designated_account", registry=registry)
    assert empty.suspicions["amount_at_risk"].dtype == AMOUNT_DTYPE  # also with no rows


def test_totals_are_exact_and_refuse_to_wrap():
    big = pd.Series([Decimal("9" * 36 + ".99")] * 20, dtype=AMOUNT_DTYPE)
    # Arrow's own decimal sum wraps silently here; ours refuses
    with pytest.raises(OverflowError, match=r"decimal\(38, 2\)"):
        total_amount(big)
    assert total_amount([Decimal("0.10")] * 3) == Decimal("0.30")
    assert total_amount(["1.05", Decimal("-2.10"), None]) == Decimal("-1.05")
    with pytest.raises(ValueError, match="exact to the fen"):
        total_amount([Decimal("0.001")])


def test_parquet_holds_decimals_and_reads_back_in_the_same_dtype(tmp_path):
    data = bank_account_folder(tmp_path / "data")
    out = tmp_path / "out"
    res = fundrules_cli("screen", str(data), "--period", "2025-06", "--out", str(out))
    assert res.returncode == 0, res.stderr
    schema = pq.read_schema(out / "suspicions.parquet")
    assert pa.types.is_decimal(schema.field("amount_at_risk").type)
    for name in ("suspicions.parquet", "suspicions.csv"):
        back = read_suspicions(out / name)
        assert back["amount_at_risk"].dtype == AMOUNT_DTYPE
        assert back["amount_at_risk"].tolist() == [Decimal("1234.56")]
