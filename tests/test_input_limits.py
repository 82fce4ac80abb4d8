"""Input limits (issue #12 item 8): a file past a bound ends in a clear error (exit 2), never in
memory exhaustion or an abort; YAML aliases are refused. Tests lower the limits rather than write
huge files — except one real 100 MB line, which once aborted the process."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from cli_run import fundrules
from ids import person_id

import fundrules as fr
from fundrules.config_files import load_yaml
from fundrules.intake import DataError
from fundrules.intake.limits import ReadLimits

P1 = person_id("19600101", 1)
HEADER = "person_id,name,sex,birth_date,region_code\n"


def _persons(folder, n=3, name="a"):
    folder.mkdir(exist_ok=True)
    rows = "".join(f"{person_id('19600101', i + 1)},{name},M,1960-01-01,120101\n" for i in range(n))
    (folder / "persons.csv").write_text(HEADER + rows, encoding="utf-8")
    return folder


def test_rows_cells_and_lines_past_their_limits_are_clear_errors(tmp_path):
    data = _persons(tmp_path / "d", n=5, name="x" * 300)
    with pytest.raises(DataError, match="data rows: 5 is more than the limit of 4"):
        fr.load_dataset(data, "2025-06", limits=ReadLimits(rows=4))
    with pytest.raises(DataError, match="cell size in bytes: 300") as err:
        fr.load_dataset(data, "2025-06", limits=ReadLimits(cell_bytes=100))
    assert err.value.column == "name" and err.value.row == 1
    with pytest.raises(DataError, match="line is longer than the limit"):
        fr.load_dataset(data, "2025-06", limits=ReadLimits(line_bytes=200))
    res = fundrules(
        "screen",
        data,
        "--period",
        "2025-06",
        "--out",
        tmp_path / "o",
        env_extra={"FUNDRULES_MAX_ROWS": "2"},
    )
    assert res.returncode == 2 and "FUNDRULES_MAX_ROWS" in res.stderr
    assert fr.load_dataset(data, "2025-06").accounting.iloc[0].read == 5  # defaults: fine


def test_a_100_mb_line_is_a_clear_error_not_an_abort(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    with (data / "persons.csv").open("w", encoding="utf-8") as f:
        f.write(HEADER)
        f.write(f"{P1},")
        for _ in range(100):
            f.write("n" * (1 << 20))
        f.write(",M,1960-01-01,120101\n")
    for _ in range(3):
        res = fundrules("screen", data, "--period", "2025-06", "--out", tmp_path / "o")
        assert res.returncode == 2, (res.returncode, res.stderr[-500:])
        assert "line is longer than the limit" in res.stderr.replace("\n", " ")


def test_a_workbook_that_expands_too_much_is_refused_before_parsing(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    for i in range(2000):
        ws.append([person_id("19600101", i % 9000 + 1), "a" * 50, "M", "1960-01-01", "120101"])
    wb.save(data / "persons.xlsx")
    with zipfile.ZipFile(data / "persons.xlsx") as z:
        ratio = sum(i.file_size for i in z.infolist()) / (data / "persons.xlsx").stat().st_size
    with pytest.raises(DataError, match="workbook expansion ratio"):
        fr.load_dataset(data, "2025-06", limits=ReadLimits(expansion=ratio / 2))
    with pytest.raises(DataError, match="uncompressed workbook bytes"):
        fr.load_dataset(data, "2025-06", limits=ReadLimits(xlsx_bytes=10_000))
    assert fr.load_dataset(data, "2025-06").accounting.iloc[0].read == 2000  # within limits


def test_yaml_aliases_are_refused_in_every_configuration_file(tmp_path):
    laughs = tmp_path / "params.yaml"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in "bcdefghi":
        prev = chr(ord(k) - 1)
        lines.append(f"{k}: &{k} [" + ",".join([f"*{prev}"] * 9) + "]")
    laughs.write_text("\n".join(lines) + "\n")
    with pytest.raises(Exception, match="aliases"):
        load_yaml(laughs)
    data = _persons(tmp_path / "d")
    res = fundrules(
        "screen", data, "--period", "2025-06", "--out", tmp_path / "o", "--params", laughs
    )
    assert res.returncode == 2 and "aliases" in res.stderr
    assert len(res.stderr) < 2000
    cfg = tmp_path / "c.yaml"
    cfg.write_text("region_code: &r '120000'\nrules: {x: *r}\n")
    res = fundrules("classify", tmp_path / "o", "--config", cfg)
    assert res.returncode == 2 and "aliases" in res.stderr
