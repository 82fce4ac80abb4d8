"""CLI habits a user of typer tools expects: ``--json`` (the result on stdout, everything else on
stderr), ``--quiet``, plain help, and tables that stay readable at 80 columns and in pipes (a real
subprocess with COLUMNS=80: rich assumes 80 where there is no terminal)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from commandline import bank_account_folder, fundrules_cli

import fundrules


def test_synth_json_is_the_only_thing_on_stdout_and_quiet_silences_progress(tmp_path):
    res = fundrules_cli(
        "synth", str(tmp_path / "city"), "--persons", "100", "--seed", "3", "--json"
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)  # nothing but the document
    assert doc["persons"] == 100 and doc["seed"] == 3 and doc["period"] == "2025-06"
    assert doc["rows"]["persons"] >= 100 and doc["truth_rows"] > 0
    assert Path(doc["truth"]).is_file()
    assert "Building a synthetic city of 100 persons" in res.stderr  # progress: stderr
    quiet = fundrules_cli("synth", str(tmp_path / "city2"), "--persons", "100", "--json", "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert json.loads(quiet.stdout)["persons"] == 100
    assert quiet.stderr == ""


def test_classify_json_and_quiet(tmp_path):
    data = bank_account_folder(tmp_path / "data")
    out = tmp_path / "out"
    res = fundrules_cli("screen", str(data), "--period", "2025-06", "--out", str(out))
    assert res.returncode == 0, res.stderr
    res = fundrules_cli("classify", str(out), "--json", "--quiet", "--discovered", "2025-07-01")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["period"] == "2025-06" and doc["warnings"] >= 1
    total = sum(a["warnings"] for a in doc["agencies"])
    assert total == doc["warnings"]
    assert all(re.fullmatch(r"-?\d+\.\d{2}", a["amount_at_risk"]) for a in doc["agencies"])
    assert res.stderr == ""


def test_screen_json_is_the_run_in_numbers_on_stdout(tmp_path):
    data = bank_account_folder(tmp_path / "data")
    out = tmp_path / "out"
    res = fundrules_cli(
        "screen", str(data), "--period", "2025-06", "--out", str(out), "--json", "--classify"
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["period"] == "2025-06" and doc["fingerprint"]
    assert doc["suspicions"] == 1 and doc["amount_at_risk"] == "1234.56"
    by_code = {r["indicator"]: r for r in doc["indicators"]}
    assert by_code["fund.income_account_not_swept"]["amount_at_risk"] == "1234.56"
    assert by_code["fund.low_deposit_rate"]["suspicions"] == 0  # ran, found nothing: listed
    assert {"indicator", "reason"} <= set(doc["skipped"][0])
    assert doc["rows"] == {"read": 1, "loaded": 1, "quarantined": 0}
    assert doc["classification"]["warnings"] >= 1
    assert "skipped" in res.stderr  # messages stay on stderr
    assert (out / "suspicions.parquet").is_file()


def test_an_indicator_with_no_suspicion_is_in_the_summary_with_0(tmp_path):
    data = bank_account_folder(tmp_path / "data")
    res = fundrules_cli("screen", str(data), "--period", "2025-06", "--out", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    # 0.35 % is the minimum rate: fund.low_deposit_rate ran and found nothing
    assert re.search(r"fund\.low_deposit_rate[\s│]+0[\s│]+0\.00", res.stdout), res.stdout
    assert re.search(r"fund\.income_account_not_swept[\s│]+1[\s│]+1,234\.56", res.stdout)


@pytest.mark.parametrize("command", [(), ("screen",), ("synth",), ("classify",), ("indicators",)])
def test_help_has_no_type_labels_on_flags(command):
    res = fundrules_cli(*command, "--help")
    assert res.returncode == 0, res.stderr
    assert "<bool>" not in res.stdout
    assert "--help" in res.stdout


def test_indicators_at_80_columns_never_cut_codes_or_names():
    res = fundrules_cli("indicators", columns=80)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in res.stdout
    words = {w for line in lines for w in line.split()}
    for entry in json.loads(fundrules_cli("indicators", "--json").stdout)["indicators"]:
        assert entry["code"] in words, entry["code"]  # whole, on one line
        for word in entry["name_en"].split():
            assert word in words, (entry["code"], word)  # names wrap between words only


def test_demo_scores_at_80_columns_never_break_a_code(tmp_path):
    codes = sorted(fundrules.get_registry().indicators, key=len, reverse=True)[:6]
    script = (
        "from decimal import Decimal\n"
        "import pandas as pd\n"
        "from fundrules.cli.demo import print_scores\n"
        f"codes = {codes!r}\n"
        "print_scores(pd.DataFrame({'indicator': codes, 'suspicions': [12345] * len(codes),\n"
        "    'amount_at_risk': [Decimal('12345678.90')] * len(codes), 'planted': [999] * len(codes),\n"
        "    'recall': [0.5] * len(codes), 'precision': [None] * len(codes)}))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=dict(os.environ, COLUMNS="80"),
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, res.stdout
    for code in codes:
        assert any(code in line.split() for line in lines), (code, res.stdout)
