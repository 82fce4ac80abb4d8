"""The agency workbook: one agency's warnings of a period as an .xlsx the agency works through.

Full ids (the agency must find the person; the workbook travels inside a sealed package), Chinese
headers, amounts as numbers to the fen (``#,##0.00``, written from Decimal: exact), dates as
dates, a frozen header row, filters, widths that fit; one sheet per insurance and a summary sheet
first. Text cells that a spreadsheet would run as a formula are neutralised
(:func:`fundrules.outputs.neutralise`). An agency with no warnings gets a valid workbook that says
so.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fundrules.outputs import RunWriter, neutralise

from . import labels
from .errors import ReportInputError
from .summary import ITEM_COLUMNS, indicator_names, problem_type_names, sum_amounts

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class Field:
    name: str
    header: str
    kind: str = "text"  # text | money | date | int


FIELDS = [
    Field("warning_id", "预警编号"),
    Field("subject_type", "对象类型"),
    Field("subject_id", "对象编号（身份证号/单位代码）"),
    Field("period", "所属期"),
    Field("indicator", "指标代码"),
    Field("indicator_name", "指标名称"),
    Field("problem_type", "问题类型"),
    Field("amount_at_risk", "涉及金额（元）", "money"),
    Field("severity", "严重程度"),
    Field("major_grade", "要情等级"),
    Field("action", "处置建议"),
    Field("report_due", "要情报告期限", "date"),
    Field("evidence", "疑点依据"),
]
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_BOLD = Font(bold=True)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def workbook_name(agency: str, period: str) -> str:
    safe = _UNSAFE.sub("_", agency).strip(" .") or "agency"
    return f"agency-{period}-{safe}.xlsx"


def items_from_output(out_dir: str | Path) -> tuple[str, pd.DataFrame]:
    """The period and the classified suspicions of a screening output folder, each with the id
    of its warning (``screen --classify`` or ``classify`` must have run there)."""
    from fundrules.screening.output import read_suspicions

    out = Path(out_dir)
    if not out.is_dir():
        raise ReportInputError(f"screening output folder not found: {out}")
    path = next(
        (out / n for n in ("classified.parquet", "classified.csv") if (out / n).exists()), None
    )
    wpath = next(
        (out / n for n in ("warnings.parquet", "warnings.csv") if (out / n).exists()), None
    )
    if path is None or wpath is None:
        raise ReportInputError(
            f"{out} holds no classified suspicions and warnings; run `fundrules screen … "
            "--classify` (or `fundrules classify`) there first"
        )
    items = read_suspicions(path)
    warnings = read_suspicions(wpath)
    keys = ["agency", "subject_type", "subject_id", "period"]
    items = items.merge(warnings[[*keys, "warning_id"]].astype(str), on=keys, how="left")
    period = str(items["period"].iloc[0]) if len(items) else ""
    run = out / "run.json"
    if run.exists():
        period = str(json.loads(run.read_text(encoding="utf-8")).get("period", period))
    return period, items


def _width(value: object) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_value(field: Field, value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if field.kind == "money":
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if field.kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        return date.fromisoformat(text) if text else None
    return neutralise(str(value))


def _fit(ws: Worksheet, widths: dict[int, int]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)


def _item_sheet(ws: Worksheet, rows: pd.DataFrame) -> None:
    widths: dict[int, int] = {}
    for c, f in enumerate(FIELDS, start=1):
        cell = ws.cell(row=1, column=c, value=f.header)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        widths[c] = _width(f.header)
    for r, (_, row) in enumerate(rows.iterrows(), start=2):
        for c, f in enumerate(FIELDS, start=1):
            value = _cell_value(f, row.get(f.name))
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever it begins with
            if f.kind == "money":
                cell.number_format = MONEY_FORMAT
                shown = f"{value:,.2f}" if value is not None else ""
            elif f.kind == "date":
                cell.number_format = DATE_FORMAT
                shown = "0000-00-00"
            else:
                shown = "" if value is None else str(value)
            widths[c] = max(widths[c], _width(shown))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FIELDS))}{max(len(rows), 0) + 1}"
    _fit(ws, widths)


def _summary_sheet(
    ws: Worksheet, agency: str, period: str, items: pd.DataFrame, source: str
) -> None:
    ws.title = "汇总"
    lines: list[tuple[str, Any]] = [
        ("经办机构", agency),
        ("所属期", period),
        ("数据来源", source),
        ("生成日期", date.today()),
        ("预警数", int(items["warning_id"].nunique()) if len(items) else 0),
        ("疑点数", len(items)),
        (
            "涉及金额合计（元）",
            sum_amounts(items["amount_at_risk"]) if len(items) else Decimal("0.00"),
        ),
    ]
    widths = {1: 0, 2: 0, 3: 0, 4: 0}
    r = 1
    for label, value in lines:
        ws.cell(row=r, column=1, value=label).font = _BOLD
        cell = ws.cell(
            row=r, column=2, value=neutralise(value) if isinstance(value, str) else value
        )
        if isinstance(value, str):
            cell.data_type = "s"
        if isinstance(value, Decimal):
            cell.number_format = MONEY_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        widths[1] = max(widths[1], _width(label))
        widths[2] = max(
            widths[2], _width(value if not isinstance(value, Decimal) else f"{value:,.2f}")
        )
        r += 1
    r += 1
    if items.empty:
        ws.cell(
            row=r, column=1, value=f"本期无预警：{agency} 在 {period} 没有需要核查的预警信息。"
        ).font = _BOLD
        ws.cell(row=r + 1, column=1, value="(no warnings for this agency in this period)")
        _fit(ws, widths)
        return
    headers = ["险种", "工作表", "预警数", "疑点数", "涉及金额（元）"]
    for c, h in enumerate(headers, start=1):
        cell = ws.cell(row=r, column=c, value=h)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        widths[c] = max(widths.get(c, 0), _width(h))
    first = r
    for insurance, grp in items.groupby("insurance", sort=True):
        r += 1
        name = labels.name(labels.INSURANCE, insurance)
        values = [
            labels.with_code(labels.INSURANCE, insurance),
            name,
            int(grp["warning_id"].nunique()),
            len(grp),
            sum_amounts(grp["amount_at_risk"]),
        ]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, Decimal):
                cell.number_format = MONEY_FORMAT
                widths[c] = max(widths.get(c, 0), _width(f"{v:,.2f}"))
            else:
                widths[c] = max(widths.get(c, 0), _width(v))
    ws.freeze_panes = f"A{first + 1}"
    _fit(ws, widths)


def render_workbook(
    agency: str, period: str, items: pd.DataFrame, *, source: str = "", registry: Any | None = None
) -> bytes:
    """The workbook of ``agency``'s items (columns :data:`ITEM_COLUMNS`, plus ``agency``)."""
    mine = items[items["agency"].astype(str) == agency].copy() if len(items) else items.copy()
    for c in ITEM_COLUMNS:
        if c not in mine.columns:
            mine[c] = ""
    mine["insurance"] = mine["insurance"].fillna("").astype(str)
    names = indicator_names(registry)
    problems = problem_type_names(registry)
    mine["indicator_name"] = [names.get(str(c), "") for c in mine["indicator"]]
    mine["problem_type"] = [
        f"{problems.get(str(c), str(c))}" if str(c) else "" for c in mine["problem_type"]
    ]
    for column, table in (
        ("subject_type", labels.SUBJECT),
        ("severity", labels.SEVERITY),
        ("major_grade", labels.MAJOR_GRADE),
        ("action", labels.ACTION),
    ):
        mine[column] = [labels.name(table, v) for v in mine[column]]
    if len(mine):
        from fundrules.classification.profiles import amounts_to_fen

        mine = mine.assign(_fen=amounts_to_fen(mine["amount_at_risk"].astype("object")))
        mine = mine.sort_values(["_fen", "warning_id"], ascending=[False, True], kind="stable")
    wb = Workbook()
    _summary_sheet(wb.active, agency, period, mine, source)
    used: set[str] = set()
    for insurance, grp in mine.groupby("insurance", sort=True):
        title = labels.name(labels.INSURANCE, insurance)[:31] or "其他"
        while title in used:
            title = title[:28] + f"_{len(used)}"
        used.add(title)
        _item_sheet(wb.create_sheet(title), grp)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def agency_workbook(
    out_dir: str | Path,
    agency: str,
    *,
    store: str | Path | None = None,
    source: str | Path | None = None,
    period: str | None = None,
    registry: Any | None = None,
    items: pd.DataFrame | None = None,
    db: str | None = None,
) -> Path:
    """Write ``agency``'s workbook of ``period`` into ``out_dir`` and return its path. The items
    come from ``store`` (the cases of the period reviewed and not dismissed), from ``source`` (a
    classified screening output folder), or ready-made as ``items``."""
    if not agency.strip():
        raise ReportInputError("the agency name is empty")
    if registry is None:  # the installed plugins name the indicators
        from fundrules.plugins import get_registry

        registry = get_registry()
    if items is None and store is not None:
        if period is None:
            raise ReportInputError("the period (YYYY-MM) is required with a store")
        from .from_cases import items_from_store

        items = items_from_store(store, period, agency, db=db)
        source = store
    if items is None:
        if source is None:
            raise ReportInputError("give a screening output folder or the items")
        found, items = items_from_output(source)
        if period is not None and found and period != found:
            raise ReportInputError(f"{source} holds the screening of {found}, not of {period}")
        period = period or found
    if not period:
        raise ReportInputError("the period (YYYY-MM) is required")
    data = render_workbook(agency, period, items, source=str(source or ""), registry=registry)
    name = workbook_name(agency, period)
    with RunWriter(out_dir, carry=True) as writer:
        writer.write_bytes(name, data)
    return Path(out_dir) / name
