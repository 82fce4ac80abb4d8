"""Every configuration error exits 2 before any work; the output folder is checked first; a
folder with no table of the schema says what it saw (issue #12 item 9)."""

from __future__ import annotations

import os
import subprocess

import pytest
from cli_run import fundrules
from ids import person_id

import fundrules as fr
from fundrules.intake import DataError

P1 = person_id("19600101", 1)


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "persons.csv").write_text(
        f"person_id,name,sex,birth_date,region_code\n{P1},a,M,1960-01-02,120101\n",
        encoding="utf-8",
    )
    return folder


def test_an_ill_typed_parameter_value_exits_2_before_any_work(data, tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("fund.low_months_payable:\n  threshold_by_insurance: {pension: many}\n")
    out = tmp_path / "out"
    res = fundrules("screen", data, "--period", "2025-06", "--out", out, "--params", params)
    assert res.returncode == 2, res.stderr
    assert "fund.low_months_payable.threshold_by_insurance" in res.stderr
    assert "'many'" in res.stderr.replace("\n", "")
    assert not out.exists()  # refused before the output folder was even made
    ds = fr.load_dataset(data, "2025-06")
    with pytest.raises(fr.ParameterError, match="threshold_by_insurance"):
        fr.screen(ds, params={"fund.low_months_payable": {"threshold_by_insurance": "x"}})


def test_a_bad_classification_config_exits_2_before_any_work(data, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("engine: {chunk_size: 0}\n")
    out = tmp_path / "out"
    res = fundrules(
        "screen",
        data,
        "--period",
        "2025-06",
        "--out",
        out,
        "--classify",
        "--classify-config",
        cfg,
    )
    assert res.returncode == 2, res.stderr
    assert "chunk_size" in res.stderr and not out.exists()


def test_an_output_folder_that_is_a_file_is_refused_before_reading_data(tmp_path):
    out = tmp_path / "out"
    out.write_text("not a folder")
    res = fundrules("screen", tmp_path / "absent", "--period", "2025-06", "--out", out)
    assert res.returncode == 2, res.stderr
    assert "is not a folder" in res.stderr and "dataset folder not found" not in res.stderr


def test_a_read_only_output_folder_is_refused_before_reading_data(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() == 0:  # root writes through permission bits: make the folder immutable
        subprocess.run(["chattr", "+i", str(out)], check=True)
    else:
        out.chmod(0o555)
    try:
        res = fundrules("screen", tmp_path / "absent", "--period", "2025-06", "--out", out)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(out)], check=True)
        else:
            out.chmod(0o755)
    assert res.returncode == 2, res.stderr
    assert "cannot be written" in res.stderr


def test_a_folder_with_no_table_of_the_schema_exits_2_and_lists_what_it_saw(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "Persons.CSV").write_text("person_id\n")
    (folder / "benefits.csv.bak").write_text("x\n")
    with pytest.raises(DataError) as err:
        fr.load_dataset(folder, "2025-06")
    msg = str(err.value)
    assert "no table of the exchange schema" in msg
    assert "Persons.CSV" in msg and "benefits.csv.bak" in msg
    assert "Persons.CSV → persons.csv" in msg
    res = fundrules("screen", folder, "--period", "2025-06", "--out", tmp_path / "out")
    assert res.returncode == 2 and "benefits.csv.bak" in res.stderr.replace("\n", "")
