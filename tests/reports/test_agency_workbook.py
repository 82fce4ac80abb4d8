"""The agency workbook, reopened with openpyxl and read as the XML Excel reads."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from fundrules.reports import ReportInputError, agency_workbook
from fundrules.reports.workbook import items_from_output

AGENCY = "天津市医疗保障基金管理中心"
PERSON = "120101199001011234"


def _cell_xml(path, sheet_index: int) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{sheet_index}.xml").decode("utf-8")


def test_workbook_of_an_agency(screened, tmp_path):
    period, items = items_from_output(screened)
    mine = items[items["agency"] == AGENCY]
    assert len(mine) > 3
    path = agency_workbook(tmp_path / "out", AGENCY, source=screened)
    assert path.name == f"agency-{period}-{AGENCY}.xlsx"
    wb = openpyxl.load_workbook(path)
    insurances = sorted(set(mine["insurance"]))
    names = {"medical": "医疗保险", "maternity": "生育保险", "": "基金与数据"}
    assert wb.sheetnames == ["汇总", *[names[i] for i in insurances]]

    summary = wb["汇总"]
    assert summary["A1"].value == "经办机构" and summary["B1"].value == AGENCY
    total = sum(mine["amount_at_risk"], Decimal("0"))
    assert Decimal(str(summary["B7"].value)).quantize(Decimal("0.01")) == total
    assert summary["B7"].number_format == "#,##0.00"

    seen = Decimal("0")
    for index, name in enumerate(wb.sheetnames[1:], start=2):
        ws = wb[name]
        header = [c.value for c in ws[1]]
        assert header[:4] == ["预警编号", "对象类型", "对象编号（身份证号/单位代码）", "所属期"]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:M{ws.max_row}"
        money_col = header.index("涉及金额（元）") + 1
        id_col = header.index("对象编号（身份证号/单位代码）") + 1
        assert ws.column_dimensions["C"].width >= 20
        amounts = [ws.cell(row=r, column=money_col) for r in range(2, ws.max_row + 1)]
        assert all(c.number_format == "#,##0.00" and c.data_type == "n" for c in amounts)
        # exact: the stored numbers are the Decimal texts, never a float's digits
        xml = _cell_xml(path, index)
        letter = openpyxl.utils.get_column_letter(money_col)
        stored = re.findall(rf'<c r="{letter}\d+"[^>]*><v>([^<]+)</v>', xml)
        assert len(stored) == len(amounts)
        seen += sum((Decimal(v) for v in stored), Decimal("0"))
        values = [Decimal(v) for v in stored]
        assert values == sorted(values, reverse=True)
        ids = {ws.cell(row=r, column=id_col).value for r in range(2, ws.max_row + 1)}
        expected = set(mine.loc[mine["insurance"] == insurances[index - 2], "subject_id"])
        assert ids == expected  # full ids: the agency must find the person
    assert seen == total
    persons = mine[mine["subject_type"] == "person"]["subject_id"]
    assert any(len(p) == 18 for p in persons)


def test_dates_and_formula_text(tmp_path):
    items = pd.DataFrame(
        {
            "agency": ["甲经办机构"] * 3,
            "warning_id": ["w1", "w2", "w3"],
            "insurance": ["pension", "pension", "medical"],
            "subject_type": ["person", "employer", "provider"],
            "subject_id": [PERSON, '=HYPERLINK("http://x","x")', "@SUM(A1)"],
            "period": ["2025-06"] * 3,
            "indicator": ["pension.paid_after_death", "+cmd", "-2+3"],
            "problem_type": ["fraud_suspected", "", ""],
            "amount_at_risk": [Decimal("12345.67"), Decimal("0.10"), Decimal("-5.00")],
            "severity": ["high", "low", "low"],
            "major_grade": ["ordinary", "none", "none"],
            "action": ["major_incident_report", "agency_verification", "agency_verification"],
            "report_due": ["2025-07-08", "", ""],
            "evidence": ['{"records": []}', "=1+1", "-12.50"],
        }
    )
    path = agency_workbook(tmp_path, "甲经办机构", items=items, period="2025-06")
    wb = openpyxl.load_workbook(path)
    pension = wb["养老保险"]
    rows = list(pension.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "w1" and rows[0][2] == PERSON and rows[0][1] == "个人"
    due = pension.cell(row=2, column=12)
    assert isinstance(due.value, datetime) and due.value.date().isoformat() == "2025-07-08"
    assert due.number_format == "yyyy-mm-dd"
    assert pension.cell(row=3, column=12).value is None
    employer = rows[1]
    assert employer[2] == '\'=HYPERLINK("http://x","x")'
    assert employer[4] == "'+cmd" and employer[12] == "'=1+1"
    medical = next(wb["医疗保险"].iter_rows(min_row=2, values_only=True))
    assert medical[2] == "'@SUM(A1)" and medical[4] == "'-2+3"
    assert medical[12] == "-12.50"  # a number as text stays as it is
    for i in range(1, len(wb.sheetnames) + 1):
        assert "<f>" not in _cell_xml(path, i)  # no formula anywhere


def test_agency_without_warnings_gets_a_valid_workbook_that_says_so(screened, tmp_path):
    path = agency_workbook(tmp_path, "无预警的经办机构", source=screened)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总"]
    text = [c for row in wb["汇总"].iter_rows(values_only=True) for c in row if c is not None]
    assert any(str(t).startswith("本期无预警") for t in text)
    assert ("预警数" in text) and 0 in text


def test_bad_input(screened, tmp_path, cli):
    with pytest.raises(ReportInputError, match="not of 2025-05"):
        agency_workbook(tmp_path, AGENCY, source=screened, period="2025-05")
    with pytest.raises(ReportInputError, match="empty"):
        agency_workbook(tmp_path, " ", source=screened)
    (tmp_path / "unclassified").mkdir()
    with pytest.raises(ReportInputError, match="--classify"):
        agency_workbook(tmp_path / "o", AGENCY, source=tmp_path / "unclassified")
    run = cli("report", "agency", "--from", screened, "--agency", "无此机构", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    assert "has no warnings" in run.stderr and AGENCY in run.stderr
    bad = cli(
        "report", "agency", "--from", tmp_path / "none", "--agency", AGENCY, "--out", tmp_path
    )
    assert bad.returncode == 2 and "not found" in bad.stderr


def test_workbook_from_the_store(cases, tmp_path):
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from fundrules.cases.models import Case

    with Session(create_engine(cases.url)) as s:
        mine = s.scalars(
            select(Case).where(
                Case.period == "2025-06", Case.state != "new", Case.state != "dismissed"
            )
        ).all()
        agency = mine[0].agency
        sent = {str(c.id) for c in mine if c.agency == agency}
        unsent = s.scalars(
            select(Case).where(Case.period == "2025-06", Case.agency == agency, Case.state == "new")
        ).all()
    assert sent and unsent
    path = agency_workbook(tmp_path, agency, store=cases.store, period="2025-06")
    wb = openpyxl.load_workbook(path)
    ids = {
        str(row[0])
        for name in wb.sheetnames[1:]
        for row in wb[name].iter_rows(min_row=2, values_only=True)
    }
    assert ids == sent  # reviewed and not dismissed; new cases are not sent
    with pytest.raises(ReportInputError, match="no data for 2024-02"):
        agency_workbook(tmp_path, agency, store=cases.store, period="2024-02")
