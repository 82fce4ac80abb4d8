"""What the command line prints of user-supplied text is never markup, never raw escape
sequences, and never a personal id in clear (issue #12 items 5, 6)."""

from __future__ import annotations

import openpyxl
from cli_run import fundrules
from ids import person_id

P1 = person_id("19600101", 1)


def _persons(folder, rows: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "persons.csv").write_text(
        "person_id,name,sex,birth_date,region_code\n" + rows, encoding="utf-8"
    )


def test_paths_with_markup_and_escape_sequences_are_printed_as_text(tmp_path):
    data = tmp_path / "city[/x]"
    _persons(data, f"{P1},a,M,1960-01-02,120101\n")
    out = tmp_path / "out[/q]\x1b[31mred"
    res = fundrules("screen", data, "--period", "2025-06", "--out", out)
    assert res.returncode == 0, res.stderr
    assert "MarkupError" not in res.stderr
    assert "out[/q]" in res.stdout.replace("\n", "")
    assert "\x1b" not in res.stdout + res.stderr  # the path's escape sequence is shown, not sent
    assert "\\x1b[31mred" in res.stdout.replace("\n", "")
    missing = fundrules(
        "screen", tmp_path / "[red]nowhere[/red]", "--period", "2025-06", "--out", tmp_path / "o2"
    )
    assert missing.returncode == 2
    assert "[red]nowhere[/red]" in missing.stderr.replace("\n", "")


def test_an_excel_id_cell_typed_as_date_or_number_quarantines_its_row_and_is_masked(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["person_id", "name", "sex", "birth_date", "region_code"])
    ws.append([P1, "a", "M", "1960-01-01", "120101"])
    ws.append([int(person_id("19700101", 3)[:-1] + "1"), "b", "M", "1970-01-01", "120101"])
    ws.append([person_id("19650505", 2), "c", "F", "1965-05-05", "120101"])
    ws["A5"] = __import__("datetime").datetime(2025, 1, 1)
    ws.append([int(person_id("19800101", 5)), "e", "M", "1980-01-01", "120101"])
    ws["A6"].number_format = "yyyy-mm-dd"  # a date format on a number Excel cannot show
    ws["B5"], ws["C5"], ws["D5"], ws["E5"] = "d", "M", "1980-01-01", "120101"
    wb.save(data / "persons.xlsx")
    out = tmp_path / "out"
    res = fundrules("screen", data, "--period", "2025-06", "--out", out)
    assert res.returncode == 0, res.stderr
    import pandas as pd

    q = pd.read_csv(out / "quarantine.csv", dtype=str)
    assert q["row"].tolist() == ["2", "4", "5"]
    assert set(q["column"]) == {"person_id"}
    reasons = q.set_index("row")["reason"]
    assert reasons["2"].startswith("id arrived as a number")
    assert reasons["4"].startswith("id cell typed as a date")
    assert reasons["5"].startswith("error cell in the workbook")
    for text in (res.stdout, res.stderr):
        for pid in (P1, person_id("19650505", 2)):
            assert pid not in text
