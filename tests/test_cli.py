"""The command line, run as a supervisor would run it (a real subprocess, real files)."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pyarrow.parquet as pq
from cli_run import fundrules
from ids import person_id

P1 = person_id("19600101", 1)


def test_indicators_json_lists_the_core_catalog():
    out = fundrules("indicators", "--json")
    assert out.returncode == 0, out.stderr
    codes = {i["code"] for i in json.loads(out.stdout)["indicators"]}
    expected = {
        "data.invalid_person_id",
        "data.id_profile_mismatch",
        "data.unknown_person",
        "data.invalid_employer_id",
        "data.duplicate_payment",
        "fund.business_ledger_mismatch",
        "fund.report_ledger_mismatch",
        "fund.report_arithmetic",
        "fund.low_months_payable",
        "fund.non_designated_account",
        "fund.idle_expenditure_balance",
        "fund.income_account_not_swept",
        "fund.low_deposit_rate",
    }
    assert expected <= codes
    entry = next(
        i for i in json.loads(out.stdout)["indicators"] if i["code"] == "fund.low_deposit_rate"
    )
    assert entry["legal_basis"] and entry["parameters"][0]["name"] == "minimum_rate"


def test_plugins_json():
    out = fundrules("plugins", "--json")
    assert out.returncode == 0, out.stderr
    names = {p["name"] for p in json.loads(out.stdout)["plugins"]}
    assert {"core", "data", "fund"} <= names


def test_screen_writes_every_output(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "persons.csv").write_text(
        "person_id,name,sex,birth_date,region_code\n"
        f"{P1},张三,M,1960-01-02,120101\n{P1},again,M,1960-01-01,120101\n",
        encoding="utf-8",
    )
    (data / "bank_accounts.csv").write_text(
        "account_id,insurance,account_type,bank_name,period,balance,interest_rate,designated\n"
        "A1,pension,income,ICBC,2025-06,1234.56,0.35,true\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = fundrules(
        "screen",
        str(data),
        "--period",
        "2025-06",
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    assert {p.name for p in out.iterdir()} >= {
        "suspicions.parquet",
        "suspicions.csv",
        "quarantine.csv",
        "run.json",
    }
    sus = pq.read_table(out / "suspicions.parquet").to_pandas()
    got = dict(zip(sus["indicator"], sus["amount_at_risk"], strict=True))
    assert got["fund.income_account_not_swept"] == Decimal("1234.56")
    assert "data.id_profile_mismatch" in got
    csv = pd.read_csv(out / "suspicions.csv", dtype=str)
    assert "1234.56" in set(csv["amount_at_risk"])
    q = pd.read_csv(out / "quarantine.csv", dtype=str)
    assert q[["table", "row", "reason"]].values.tolist() == [
        ["persons", "2", "duplicate key: same as row 1"]
    ]
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["rows"][0]["read"] == 2 and run["fingerprint"]
    assert any(s["indicator"] == "data.duplicate_payment" for s in run["skipped"])
    assert P1 not in res.stdout  # people read masked output; the terminal shows no ids


def test_screen_bad_input_exits_2_with_the_file_and_column(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "persons.csv").write_text("person_id,sex\nx,M\n", encoding="utf-8")
    res = fundrules(
        "screen",
        str(data),
        "--period",
        "2025-06",
        "--out",
        str(tmp_path / "o"),
    )
    assert res.returncode == 2
    assert "persons.csv" in res.stderr and "'name'" in res.stderr
    assert "Traceback" not in res.stderr


def test_screen_bad_period_and_unknown_indicator_exit_2(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    res = fundrules("screen", str(data), "--period", "2025-13", "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and "2025-13" in res.stderr
    res = fundrules(
        "screen",
        str(data),
        "--period",
        "2025-06",
        "--out",
        str(tmp_path / "o"),
        "--indicators",
        "nope.x",
    )
    assert res.returncode == 2 and "nope.x" in res.stderr
