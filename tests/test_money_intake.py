"""Money is read exactly (issue #12 item 1): decimal text → int64 fen with no float anywhere, a
range check against int64 and decimal(18, 2), a reason per cell for what is not an amount."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from test_intake import BENEFITS_HEADER, P1, benefit, load, write

OUT_OF_RANGE = "amount out of range: more than 9,999,999,999,999,999.99 yuan"


def _benefits_parquet(path, amounts: pa.Array):
    n = len(amounts)
    pq.write_table(
        pa.table(
            {
                "payment_id": [f"b{i}" for i in range(n)],
                "person_id": [P1] * n,
                "insurance": ["pension"] * n,
                "benefit_type": ["basic_pension"] * n,
                "period": ["2025-06"] * n,
                "amount": amounts,
                "paid_date": ["2025-06-10"] * n,
                **{
                    c: pa.nulls(n, pa.string())
                    for c in ("bank_account", "agency_id", "region_code")
                },
            }
        ),
        path,
    )


def test_text_amounts_are_exact_and_wrong_ones_get_their_own_reason(tmp_path, registry):
    rows = [
        benefit(P1, "１００.００", "b1"),  # full-width digits: read exactly (D41)
        benefit(P1, "90071992547409.93", "b2"),  # past 2**53 fen: exact, not one fen off
        benefit(P1, "6222021234567890123", "b3"),  # an account number in an amount column
        benefit(P1, "-9999999999999999.99", "b4"),  # the largest decimal(18, 2)
        benefit(P1, "10000000000000000.00", "b5"),  # one fen past it
        benefit(P1, "٣٠٠", "b6"),  # Arabic-Indic digits are not read as an amount
        benefit(P1, "1e5", "b7"),
        benefit(P1, "0.10", "b8"),
    ]
    write(tmp_path / "benefits.csv", BENEFITS_HEADER + "".join(rows))
    ds = load(tmp_path, registry)
    b = ds.table("benefits").set_index("payment_id")["amount"]
    assert b.to_dict() == {
        "b1": 10000,
        "b2": 9007199254740993,
        "b4": -999999999999999999,
        "b8": 10,
    }
    q = ds.quarantine.set_index("value")["reason"]
    assert q["6222021234567890123"].startswith(OUT_OF_RANGE)
    assert q["10000000000000000.00"].startswith(OUT_OF_RANGE)
    assert q["٣٠٠"] == "not an amount with at most 2 decimals"
    assert q["1e5"] == "not an amount with at most 2 decimals"
    assert (ds.table("benefits")["amount"] > -(2**62)).all()  # nothing wrapped to INT64_MIN


def test_unsigned_columns_give_the_right_reason(tmp_path, registry):
    header = (
        "person_id,employer_id,insurance,period,base,employer_amount,person_amount,paid_date,"
        "back_payment\n"
    )
    write(
        tmp_path / "contributions.csv",
        header + f"{P1},,pension,2025-06,5000.00,0,6222021234567890123,2025-06-05,false\n"
        f"{P1},,pension,2025-05,5000.00,0,-1.00,2025-06-05,false\n"
        f"{P1},,pension,2025-04,５０００.００,0,400.00,2025-06-05,false\n",
    )
    ds = load(tmp_path, registry)
    assert ds.table("contributions")["base"].tolist() == [500000]
    reasons = ds.quarantine.set_index("row")["reason"]
    assert reasons[1].startswith(OUT_OF_RANGE)
    assert reasons[2] == "negative amount in a column that cannot be negative"


def test_parquet_decimal_and_integer_amounts_never_wrap(tmp_path, registry):
    _benefits_parquet(
        tmp_path / "benefits.parquet",
        pa.array(
            [Decimal("1e32"), Decimal("90071992547409.93"), Decimal("-0.50"), Decimal("1.005")],
            pa.decimal128(38, 3),
        ),
    )
    ds = load(tmp_path, registry)
    assert ds.table("benefits")["amount"].tolist() == [9007199254740993, -50]
    reasons = ds.quarantine.set_index("row")["reason"]
    assert reasons[1].startswith(OUT_OF_RANGE)
    assert reasons[4] == "not an amount with at most 2 decimals"


def test_parquet_int64_and_uint64_amounts_are_range_checked(tmp_path, registry):
    _benefits_parquet(
        tmp_path / "benefits.parquet", pa.array([10**17, 12, None, -(10**16)], pa.int64())
    )
    ds = load(tmp_path, registry)
    assert ds.table("benefits")["amount"].tolist() == [1200]
    q = ds.quarantine.set_index("row")["reason"]
    assert q[1].startswith(OUT_OF_RANGE) and q[4].startswith(OUT_OF_RANGE)
    (tmp_path / "benefits.parquet").unlink()
    _benefits_parquet(tmp_path / "benefits.parquet", pa.array([2**64 - 1, 7], pa.uint64()))
    ds = load(tmp_path, registry)
    assert ds.table("benefits")["amount"].tolist() == [700]
    assert ds.quarantine["reason"].iloc[0].startswith(OUT_OF_RANGE)


def test_float_amounts_only_when_exactly_a_decimal_of_two_places(tmp_path, registry):
    _benefits_parquet(
        tmp_path / "benefits.parquet",
        pa.array([1234.56, 0.1 + 0.2, 1e17, 90071992547409.93, -0.5], pa.float64()),
    )
    ds = load(tmp_path, registry)
    assert ds.table("benefits")["amount"].tolist() == [123456, -50]
    q = ds.quarantine.set_index("row")["reason"]
    assert q[2] == "not an amount with at most 2 decimals"
    assert q[3].startswith(OUT_OF_RANGE)
    assert q[4].startswith("amount stored as a floating-point number too large to be exact")


def test_excel_amounts_number_text_and_date_cells(tmp_path, registry):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(BENEFITS_HEADER.strip().split(","))
    for i, amount in enumerate([12.5, "１２.３０", 10**17, pd.Timestamp("2025-06-01"), "7"]):
        ws.append(
            [
                f"b{i}",
                P1,
                "pension",
                "basic_pension",
                "2025-06",
                amount,
                "2025-06-10",
                None,
                None,
                None,
            ]
        )
    wb.save(tmp_path / "benefits.xlsx")
    ds = load(tmp_path, registry)
    assert ds.table("benefits")["amount"].tolist() == [1250, 1230, 700]
    q = ds.quarantine.set_index("row")["reason"]
    assert q[3].startswith(OUT_OF_RANGE)
    assert q[4] == "not an amount (a date or other value in an amount column)"
