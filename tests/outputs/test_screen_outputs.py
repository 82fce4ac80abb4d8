"""A real `fundrules screen` writes one complete run or leaves the previous one (issue #12 items
2–4): killed at random points, a failed classification, an amount past decimal(18,2), and CSV
cells that a spreadsheet would run."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from cli_run import fundrules
from ids import person_id

from fundrules.outputs import read_marker, verify_run
from fundrules.synth import generate_city

P1 = person_id("19600101", 1)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    generate_city(folder, persons=100, seed=3, period="2025-06", fmt="csv")
    return folder


def _screen(data, out, *extra):
    return fundrules("screen", data, "--period", "2025-06", "--out", out, *extra)


def _consistent(out) -> str:
    """The folder shows exactly one complete run whose files agree with each other."""
    verify_run(out)
    marker = read_marker(out)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert len(pd.read_csv(out / "suspicions.csv", dtype=str)) == run["suspicions"]
    assert len(pd.read_parquet(out / "suspicions.parquet")) == run["suspicions"]
    if (out / "classified.csv").exists():
        assert len(pd.read_csv(out / "classified.csv", dtype=str)) == run["suspicions"]
    return marker["run"]


def _writing(out, current: str) -> bool:
    runs = out / ".fundrules" / "runs"
    return any(d.name != current and any(d.iterdir()) for d in runs.iterdir())


def _start(city, out, *args):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fundrules",
            "screen",
            str(city),
            "--period",
            "2025-06",
            "--out",
            str(out),
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for_writing(proc, out, current, limit) -> float:
    """Poll until the run's new generation holds a file (or the process ends); return when."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None and not _writing(out, current):
        time.sleep(0.002)
    return time.monotonic()


def test_a_screen_killed_at_random_points_leaves_the_previous_or_the_new_complete_run(
    city, tmp_path
):
    out = tmp_path / "out"
    first = _screen(city, out)
    assert first.returncode == 0, first.stderr
    runs = {_consistent(out)}
    # one whole run, timed: how long it takes, and how long its writing phase lasts
    started = time.monotonic()
    proc = _start(city, out)
    writing = _wait_for_writing(proc, out, read_marker(out)["run"], 600)
    assert proc.wait(timeout=600) == 0
    took, window = time.monotonic() - started, time.monotonic() - writing
    runs.add(_consistent(out))
    rng = random.Random(12)
    outcomes = []
    for i in range(4):
        before = read_marker(out)["run"]
        proc = _start(city, out, *(["--classify"] if i == 3 else []))
        if i % 2 == 0:  # anywhere in the run
            time.sleep(rng.uniform(0.2, took))
        else:  # in the writing phase, where a mixture could arise
            _wait_for_writing(proc, out, before, took * 3)
            time.sleep(rng.uniform(0, window * 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        now = _consistent(out)
        outcomes.append("previous" if now == before else "new")
        assert now == before or now not in runs  # the previous run, or a new complete one
        runs.add(now)
    # the folder keeps working after every kill: a following run commits normally
    last = _screen(city, out)
    assert last.returncode == 0, last.stderr
    assert _consistent(out) not in runs
    assert len(list((out / ".fundrules" / "runs").iterdir())) == 1, "killed runs' leftovers swept"
    print(f"run {took:.1f} s, writing {window:.2f} s; kills left:", outcomes)


def test_a_failed_classification_leaves_the_previous_run_whole(city, tmp_path):
    out = tmp_path / "out"
    ok = _screen(city, out, "--classify")
    assert ok.returncode == 0, ok.stderr
    before = _consistent(out)
    classified_before = (out / "classified.csv").read_bytes()
    slow = tmp_path / "slow.yaml"
    slow.write_text("engine: {timeout_seconds: 0.0001}\n", encoding="utf-8")
    failed = _screen(city, out, "--classify", "--classify-config", slow)
    assert failed.returncode == 2, failed.stderr
    assert _consistent(out) == before
    assert (out / "classified.csv").read_bytes() == classified_before
    # a screen without --classify: classified.* are not left beside the new suspicions
    plain = _screen(city, out)
    assert plain.returncode == 0, plain.stderr
    assert _consistent(out) != before
    assert not (out / "classified.csv").exists() and not (out / "warnings.csv").exists()
    # `fundrules classify` adds them to a new run that keeps the screening files
    suspicions = (out / "suspicions.csv").read_bytes()
    cl = fundrules("classify", out)
    assert cl.returncode == 0, cl.stderr
    _consistent(out)
    assert (out / "suspicions.csv").read_bytes() == suspicions
    assert (out / "classified.csv").exists()


def test_an_amount_past_decimal_18_2_is_a_clear_error_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "benefits.csv").write_text(
        "payment_id,person_id,insurance,benefit_type,period,amount,paid_date,bank_account,"
        f"agency_id,region_code\nb1,{P1},pension,basic_pension,2025-06,9000000000000000.00,"
        "2025-06-10,,,\n",
        encoding="utf-8",
    )
    (data / "ledger.csv").write_text(
        "entry_id,insurance,period,account_type,item,amount\n"
        "e1,pension,2025-06,expenditure,benefit_expenditure,-9000000000000000.00\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = _screen(data, out, "--indicators", "fund.business_ledger_mismatch")
    assert res.returncode == 2, res.stderr
    assert "past decimal(18,2)" in res.stderr and "fund.business_ledger_mismatch" in res.stderr
    assert "Traceback" not in res.stderr and "ArrowInvalid" not in res.stderr
    assert read_marker(out) is None and not (out / "suspicions.csv").exists()


def test_csv_outputs_neutralise_formulas_and_parquet_keeps_exact_values(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    evil_id = '=HYPERLINK("http://x","y")'
    (data / "persons.csv").write_text(
        "person_id,name,sex,birth_date,region_code\n"
        f"{P1},-2+3+cmd,M,1960-01-02,120101\n"
        + '"=HYPERLINK(""http://x"",""y"")",@SUM(A1),M,1960-01-01,120101\n'
        f"{person_id('19700101', 3)},x,M,+1960-01-01,120101\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = _screen(data, out, "--classify")
    assert res.returncode == 0, res.stderr
    text = {
        n: (out / n).read_text(encoding="utf-8")
        for n in ("suspicions.csv", "quarantine.csv", "classified.csv", "warnings.csv")
    }
    for name, body in text.items():
        for line in body.splitlines():
            for cell in line.split(","):
                assert not cell.startswith(("=", "+", "@", '"=', '"+', '"@')), (name, line)
    assert "'=HYPERLINK" in text["suspicions.csv"]
    assert "'+1960-01-01" in text["quarantine.csv"]
    parquet = pd.read_parquet(out / "suspicions.parquet")
    assert evil_id in set(parquet["subject_id"])  # Parquet keeps the exact value
