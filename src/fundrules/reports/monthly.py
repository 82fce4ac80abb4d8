"""The monthly summary (Art. 16) as ONE self-contained HTML file.

Everything is inline: the style, a few lines of script that sort the tables, and the charts
(SVG drawn by :mod:`fundrules.reports.charts`). A Content-Security-Policy forbids the page any
request, so it opens offline and cannot reach out even if a value smuggled markup in (every value
is escaped anyway). Personal ids are masked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from fundrules.outputs import RunWriter, mask_id, mask_ids_in_text

from . import labels
from .charts import Bar, Chart, bar_chart, column_chart, stacked_bar_chart
from .errors import ReportInputError
from .sections import ContributedSection, contributed_sections
from .summary import MonthlySummary, summary_from_output

#: Columns whose values are personal ids when the row's subject is a person (or an account:
#: bank account numbers are masked alike, docs/decisions.md D63).
PERSONAL_COLUMNS = frozenset({"subject_id", "person_id", "id_number"})
MASKED_SUBJECTS = frozenset({"person", "account"})
MAX_WARNING_ROWS = 500
TOP_INDICATORS = 20

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
)
_STYLE = """
body{font-family:'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei',
'PingFang SC',sans-serif;margin:0;background:#f4f6f9;color:#1d2733;font-size:14px}
header{background:#1f4e8c;color:#fff;padding:20px 32px}
header h1{margin:0 0 6px;font-size:24px}header p{margin:2px 0;opacity:.9}
main{max-width:1240px;margin:0 auto;padding:12px 24px 40px}
section{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.12);
margin:16px 0;padding:14px 20px}
h2{font-size:18px;margin:4px 0 10px;border-left:4px solid #1f4e8c;padding-left:8px}
h3{font-size:15px;margin:14px 0 6px;color:#333}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 150px;background:#eef3fa;border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:20px;color:#1f4e8c}.card span{color:#555;font-size:13px}
table{border-collapse:collapse;width:100%;margin:6px 0 4px;font-size:13px}
th,td{border-bottom:1px solid #e2e6ec;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f7;cursor:pointer;user-select:none;white-space:nowrap}
th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,.code{font-family:'DejaVu Sans Mono',monospace;font-size:12px;color:#445}
.note{color:#6a5300;background:#fff7e0;border-radius:4px;padding:6px 10px;margin:6px 0}
.error{color:#8a1020;background:#fde8ea;border-radius:4px;padding:6px 10px}
.muted{color:#777}.scroll{overflow-x:auto}td.label{white-space:nowrap}td.code{word-break:break-all;min-width:12em}
svg.chart{max-width:100%;height:auto;display:block;margin:6px 0}
footer{color:#777;font-size:12px;text-align:center;padding:16px}
"""
_SCRIPT = """
document.querySelectorAll('table.sortable th').forEach(function(th){
  th.addEventListener('click',function(){
    var table=th.closest('table'),body=table.tBodies[0],i=th.cellIndex;
    var asc=!th.classList.contains('sorted-asc');
    table.querySelectorAll('th').forEach(function(h){h.classList.remove('sorted-asc','sorted-desc')});
    th.classList.add(asc?'sorted-asc':'sorted-desc');
    var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){
      var x=a.cells[i].dataset.sort,y=b.cells[i].dataset.sort,r;
      if(x!==undefined&&y!==undefined){r=parseFloat(x)-parseFloat(y)}
      else{r=a.cells[i].textContent.localeCompare(b.cells[i].textContent,'zh')}
      return asc?r:-r});
    rows.forEach(function(r){body.appendChild(r)});
  });
});
"""


def money(value: Any) -> str:
    """``1234567.8`` → ``1,234,567.80`` (exact)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "—"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{d:,.2f}"


def percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{Decimal(part) * 100 / Decimal(whole):.1f}%"


@dataclass(frozen=True)
class Column:
    """A table column: source field, header, and how its cells show."""

    field: str
    header: str
    kind: str = "text"  # text | code | int | money | label (Chinese name) | labelcode (name + code)
    table: dict[str, str] | None = None
    width: str = ""  # a minimum width, e.g. "12em", so that Chinese names do not wrap per glyph


def _cell(row: pd.Series, col: Column) -> str:
    value = row.get(col.field)
    if col.kind == "money":
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            return '<td class="num" data-sort="-1e308">—</td>'
        return f'<td class="num" data-sort="{value}">{money(value)}</td>'
    if col.kind == "int":
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            return '<td class="num" data-sort="-1">—</td>'
        return f'<td class="num" data-sort="{int(value)}">{int(value):,}</td>'
    text = "" if value is None or value is pd.NA else str(value)
    if col.field in PERSONAL_COLUMNS and str(row.get("subject_type", "person")) in MASKED_SUBJECTS:
        text = mask_id(text) if text else ""
    else:
        text = mask_ids_in_text(text)
    if col.kind == "labelcode" and col.table is not None:
        return f"<td>{escape(labels.with_code(col.table, text))}</td>"
    if col.kind == "label" and col.table is not None:
        return (
            f'<td class="label" title="{escape(text)}">{escape(labels.name(col.table, text))}</td>'
        )
    if col.kind == "code":
        return f'<td class="code"><span class="code">{escape(text)}</span></td>'
    return f"<td>{escape(text)}</td>"


def table_html(frame: pd.DataFrame, columns: Sequence[Column], *, limit: int | None = None) -> str:
    """A sortable table of ``frame`` in the given columns (values escaped, ids masked)."""
    if frame.empty:
        return '<p class="muted">无数据 (no data)</p>'
    head = "".join(
        f'<th class="num">{escape(c.header)}</th>'
        if c.kind in ("int", "money")
        else f'<th style="min-width:{c.width}">{escape(c.header)}</th>'
        if c.width
        else f"<th>{escape(c.header)}</th>"
        for c in columns
    )
    shown = frame if limit is None else frame.head(limit)
    rows = "".join(
        "<tr>" + "".join(_cell(row, c) for c in columns) + "</tr>" for _, row in shown.iterrows()
    )
    more = ""
    if limit is not None and len(frame) > limit:
        more = f'<p class="muted">仅列出金额最大的 {limit} 条，共 {len(frame):,} 条。</p>'
    return (
        f'<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>{more}"
    )


def frame_html(frame: pd.DataFrame) -> str:
    """A plugin's DataFrame as a table: every column as text, amounts as they are."""
    columns = []
    for c in frame.columns:
        sample = frame[c].dropna()
        if len(sample) and all(isinstance(v, Decimal) for v in sample):
            kind = "money"
        elif len(sample) and pd.api.types.is_integer_dtype(frame[c].dtype):
            kind = "int"
        else:
            kind = "text"
        columns.append(Column(str(c), str(c), kind))
    return table_html(frame.rename(columns=str), columns)


def _chart(chart: Chart) -> str:
    return f"<h3>{escape(chart.title)}</h3>{chart.svg}"


def _money_bars(frame: pd.DataFrame, label: Callable[[pd.Series], str]) -> list[Bar]:
    return [
        Bar(label(row), row["amount_at_risk"], money(row["amount_at_risk"]) + " 元")
        for _, row in frame.iterrows()
    ]


def _count_bars(frame: pd.DataFrame, label: str, count: str) -> list[Bar]:
    rows = frame[frame[count].notna()]
    rows = rows.sort_values(count, ascending=False, kind="stable")
    return [
        Bar(str(r[label]) or "(未分派)", int(r[count]), f"{int(r[count]):,}")
        for _, r in rows.iterrows()
    ]


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{escape(key)}"><h2>{escape(title)}</h2>{body}</section>'


def _notes(notes: Iterable[str]) -> str:
    return "".join(f'<p class="note">{escape(mask_ids_in_text(n))}</p>' for n in notes)


def _overview(s: MonthlySummary) -> str:
    cases = s.months.loc[s.months["period"] == s.period, "cases"]
    n_cases = cases.iloc[0] if len(cases) else None
    recovered = [v for v in s.by_insurance["recovered"] if v is not None and not pd.isna(v)]
    cards = [
        ("疑点 (suspicions)", f"{s.total_suspicions:,}"),
        ("预警 (warnings)", f"{len(s.warnings):,}"),
        ("涉及金额 (yuan at risk)", money(s.total_amount)),
        ("案件 (cases)", "—" if n_cases is None or pd.isna(n_cases) else f"{int(n_cases):,}"),
        ("追回金额 (recovered)", money(sum(recovered, Decimal("0.00"))) if recovered else "—"),
        ("要情 (major incidents)", f"{len(s.major_cases):,}"),
        ("流程问题 (process.*)", f"{len(s.process_findings):,}"),
    ]
    body = "".join(
        f'<div class="card"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for k, v in cards
    )
    return f'<div class="cards">{body}</div>'


def _insurance_section(s: MonthlySummary) -> str:
    chart = bar_chart(
        "各险种涉及金额 (amount at risk by insurance)",
        _money_bars(s.by_insurance, lambda r: labels.with_code(labels.INSURANCE, r["insurance"])),
    )
    table = table_html(
        s.by_insurance,
        [
            Column("insurance", "险种 (insurance)", "labelcode", labels.INSURANCE),
            Column("suspicions", "疑点数", "int"),
            Column("warnings", "预警数", "int"),
            Column("amount_at_risk", "涉及金额（元）", "money"),
            Column("recovered", "追回金额（元）", "money"),
        ],
    )
    return _chart(chart) + table


def _indicator_section(s: MonthlySummary) -> str:
    top = s.by_indicator.head(TOP_INDICATORS)
    chart = bar_chart(
        f"涉及金额最大的指标 (top {TOP_INDICATORS} indicators by amount)",
        _money_bars(top, lambda r: f"{r['name_zh']}"),
        color="#4a9d5b",
    )
    table = table_html(
        s.by_indicator,
        [
            Column("indicator", "指标代码 (indicator)", "code"),
            Column("name_zh", "指标名称", width="10em"),
            Column("insurance", "险种", "label", labels.INSURANCE),
            Column("suspicions", "疑点数", "int"),
            Column("amount_at_risk", "涉及金额（元）", "money"),
        ],
    )
    problem = table_html(
        s.by_problem_type,
        [
            Column("problem_type", "问题类型代码", "code"),
            Column("name_zh", "问题类型"),
            Column("suspicions", "疑点数", "int"),
            Column("amount_at_risk", "涉及金额（元）", "money"),
        ],
    )
    out = _chart(chart) + table + "<h3>按问题类型 (by problem type)</h3>" + problem
    if len(s.indicator_yield):
        y = s.indicator_yield.copy()
        y["confirmed_share"] = [
            percent(int(c), int(r)) for c, r in zip(y["confirmed"], y["reviewed"], strict=True)
        ]
        y["loss_share"] = [
            percent(int(w), int(c))
            for w, c in zip(y["confirmed_with_loss"], y["confirmed"], strict=True)
        ]
        out += "<h3>指标成效 (indicator yield: confirmed on review, with a confirmed loss)</h3>"
        out += table_html(
            y,
            [
                Column("indicator", "指标代码", "code"),
                Column("name_zh", "指标名称", width="10em"),
                Column("cases", "案件数", "int"),
                Column("reviewed", "已审核", "int"),
                Column("confirmed", "已确认", "int"),
                Column("confirmed_share", "确认率"),
                Column("confirmed_with_loss", "确认有损失", "int"),
                Column("loss_share", "损失率"),
            ],
        )
    return out


def _agency_section(s: MonthlySummary) -> str:
    parts = [
        _chart(
            bar_chart(
                "各经办机构预警数 (warnings by agency)",
                _count_bars(s.by_agency, "agency", "warnings"),
            )
        )
    ]
    if len(s.cases_by_state):
        rows = []
        for agency, grp in s.cases_by_state.groupby("agency", sort=True):
            rows.append((str(agency), [(str(r.state), int(r.cases)) for r in grp.itertuples()]))
        parts.append(
            _chart(
                stacked_bar_chart(
                    "各经办机构案件状态 (cases by agency and state)",
                    rows,
                    series_labels={k: f"{v}" for k, v in labels.STATE.items()},
                )
            )
        )
    parts.append(
        table_html(
            s.by_agency,
            [
                Column("agency", "经办机构 (agency)", width="13em"),
                Column("warnings", "预警数", "int"),
                Column("cases", "案件数", "int"),
                Column("amount_at_risk", "涉及金额（元）", "money"),
                Column("recovered", "追回金额（元）", "money"),
            ],
        )
    )
    if len(s.by_outcome):
        parts.append("<h3>办理结果 (outcomes)</h3>")
        parts.append(
            table_html(
                s.by_outcome,
                [
                    Column("outcome", "办理结果 (outcome)", "labelcode", labels.OUTCOME),
                    Column("cases", "案件数", "int"),
                    Column("recovered", "追回金额（元）", "money"),
                ],
            )
        )
    return "".join(parts)


def _overdue_section(s: MonthlySummary) -> str:
    if s.overdue.empty:
        return '<p class="muted">无逾期数据（数据来源不含案件）。</p>'
    frame = s.overdue.copy()
    bars = []
    for _, r in frame.iterrows():
        due, late = int(r["feedback_due"] or 0), int(r["feedback_overdue"] or 0)
        c_due, c_late = int(r["consultations_due"] or 0), int(r["consultations_overdue"] or 0)
        bars.append(
            (
                str(r["agency"]),
                Bar(
                    str(r["agency"]),
                    Decimal(late) / due if due else 0,
                    f"{percent(late, due)} ({late}/{due})",
                ),
                Bar(
                    str(r["agency"]),
                    Decimal(c_late) / c_due if c_due else 0,
                    f"{percent(c_late, c_due)} ({c_late}/{c_due})",
                ),
            )
        )
    feedback = bar_chart(
        "反馈逾期率 (feedback overdue rate)", [b[1] for b in bars], color="#c2414b"
    )
    consult = bar_chart(
        "征求意见逾期率 (consultation overdue rate)", [b[2] for b in bars], color="#e07b39"
    )
    frame["feedback_rate"] = [b[1].text for b in bars]
    frame["consultation_rate"] = [b[2].text for b in bars]
    table = table_html(
        frame,
        [
            Column("agency", "经办机构 (agency)", width="13em"),
            Column("feedback_due", "应反馈", "int"),
            Column("feedback_overdue", "反馈逾期", "int"),
            Column("feedback_rate", "反馈逾期率"),
            Column("consultations_due", "应答复意见", "int"),
            Column("consultations_overdue", "意见逾期", "int"),
            Column("consultation_rate", "意见逾期率"),
        ],
    )
    return _chart(feedback) + _chart(consult) + table


def _months_section(s: MonthlySummary) -> str:
    months = s.months.sort_values("period").tail(12)
    chart = column_chart(
        "各月涉及金额 (amount at risk by month)",
        [
            Bar(str(r["period"]), r["amount_at_risk"], money(r["amount_at_risk"]))
            for _, r in months.iterrows()
        ],
        highlight=s.period,
    )
    counts = column_chart(
        "各月疑点数 (suspicions by month)",
        [
            Bar(str(r["period"]), int(r["suspicions"]), f"{int(r['suspicions']):,}")
            for _, r in months.iterrows()
        ],
        highlight=s.period,
    )
    table = table_html(
        s.months.sort_values("period", ascending=False),
        [
            Column("period", "月份 (period)"),
            Column("suspicions", "疑点数", "int"),
            Column("warnings", "预警数", "int"),
            Column("cases", "案件数", "int"),
            Column("amount_at_risk", "涉及金额（元）", "money"),
        ],
    )
    return _chart(chart) + _chart(counts) + table


def _process_section(s: MonthlySummary) -> str:
    f = s.process_findings
    if f.empty:
        return '<p class="muted">本月无流程问题 (no process.* findings).</p>'
    counts = f.groupby(["indicator", "name_zh"], sort=True).size().reset_index(name="n")
    chart = bar_chart(
        "流程问题数 (process findings by indicator)",
        [
            Bar(f"{r['name_zh']}", int(r["n"]), f"{int(r['n'])} ({r['indicator']})")
            for _, r in counts.sort_values("n", ascending=False).iterrows()
        ],
        color="#8a63b8",
    )
    table = table_html(
        f,
        [
            Column("indicator", "指标代码", "code"),
            Column("name_zh", "问题"),
            Column("subject_type", "对象类型", "label", labels.SUBJECT),
            Column("subject_id", "对象"),
            Column("amount_at_risk", "涉及金额（元）", "money"),
            Column("detail", "说明"),
        ],
    )
    return _chart(chart) + table


def _major_section(s: MonthlySummary) -> str:
    return table_html(
        s.major_cases,
        [
            Column("case_id", "编号 (case)", "code"),
            Column("major_grade", "要情等级", "label", labels.MAJOR_GRADE),
            Column("agency", "经办机构", width="13em"),
            Column("insurance", "险种", "label", labels.INSURANCE),
            Column("subject_type", "对象类型", "label", labels.SUBJECT),
            Column("subject_id", "对象"),
            Column("indicators", "指标", "code"),
            Column("amount_at_risk", "涉及金额（元）", "money"),
            Column("report_due", "报告期限", width="6.5em"),
            Column("state", "状态", "label", labels.STATE),
        ],
    )


def _warnings_section(s: MonthlySummary) -> str:
    return table_html(
        s.warnings,
        [
            Column("agency", "经办机构", width="13em"),
            Column("insurance", "险种", "label", labels.INSURANCE),
            Column("subject_type", "对象类型", "label", labels.SUBJECT),
            Column("subject_id", "对象"),
            Column("indicators", "指标", "code"),
            Column("suspicion_count", "疑点数", "int"),
            Column("amount_at_risk", "涉及金额（元）", "money"),
            Column("severity", "严重程度", "label", labels.SEVERITY),
            Column("major_grade", "要情", "label", labels.MAJOR_GRADE),
            Column("action", "处置建议", "label", labels.ACTION),
        ],
        limit=MAX_WARNING_ROWS,
    )


def _content_html(content: Any) -> str:
    items = content if isinstance(content, list) else [content]
    out = []
    for item in items:
        if isinstance(item, Chart):
            out.append(_chart(item))
        elif isinstance(item, pd.DataFrame):
            out.append(frame_html(item))
        elif isinstance(item, str):
            out.extend(
                f"<p>{escape(mask_ids_in_text(p.strip()))}</p>"
                for p in item.split("\n\n")
                if p.strip()
            )
        else:
            raise TypeError(
                f"a section's content is text, a DataFrame or a Chart, not {type(item).__name__}"
            )
    return "".join(out)


def _plugin_section(contributed: ContributedSection, s: MonthlySummary) -> str:
    if contributed.section is None:
        return _section(
            f"plugin-{contributed.plugin}",
            f"插件 {contributed.plugin} 的报告部分",
            f'<p class="error">无法使用 (unusable): {escape(contributed.error)}</p>',
        )
    sec = contributed.section
    try:
        body = _content_html(sec.render(s))
    except Exception as exc:  # one plugin's failure must not take the report down
        body = (
            f'<p class="error">插件 {escape(contributed.plugin)} 的此部分生成失败 '
            f"(failed): {escape(type(exc).__name__)}: {escape(mask_ids_in_text(exc))}</p>"
        )
    return _section(f"plugin-{sec.key}", sec.title, body)


def render_monthly(summary: MonthlySummary, registry: Any | None = None) -> str:
    """The monthly summary as one HTML document (text)."""
    s = summary
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        _section("overview", "概况 (overview)", _notes(s.notes) + _overview(s)),
        _section("insurance", "按险种 (by insurance)", _insurance_section(s)),
        _section(
            "indicators", "按指标与问题类型 (by indicator and problem type)", _indicator_section(s)
        ),
        _section("agencies", "按经办机构与案件状态 (by agency and case state)", _agency_section(s)),
        _section("overdue", "反馈与征求意见逾期率 (overdue rates per agency)", _overdue_section(s)),
        _section("months", "与此前月份对比 (the month against earlier months)", _months_section(s)),
        _section("process", "流程问题 (process.* findings, Art. 21)", _process_section(s)),
        _section("major", "要情 (major incidents)", _major_section(s)),
        _section("warnings", "预警明细 (warnings, by amount)", _warnings_section(s)),
    ]
    body.extend(_plugin_section(c, s) for c in contributed_sections(registry))
    title = f"{s.issuer}：社会保险基金网络监督月度汇总（{_month_zh(s.period)}）"
    as_of = f" · 截至 {escape(s.as_of)}" if s.as_of else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        f"<p>期间 (period) {escape(s.period)}{as_of} · 来源 (source) {escape(s.source)}</p>"
        f"<p>生成时间 (generated) {generated} · 个人身份证号已脱敏 (personal ids masked)</p>"
        f"</header><main>{''.join(body)}</main>"
        "<footer>fundrules · 社会保险基金网络监督 · 依据《实施办法》第十六条分类汇总</footer>"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def _month_zh(period: str) -> str:
    year, _, month = period.partition("-")
    return f"{year}年{int(month)}月" if month.isdigit() else period


def report_name(period: str) -> str:
    return f"monthly-summary-{period}.html"


def write_monthly(
    summary: MonthlySummary, out_dir: str | Path, registry: Any | None = None
) -> Path:
    """Write the monthly summary into ``out_dir`` (atomically, beside the folder's other
    reports) and return its path."""
    html = render_monthly(summary, registry)
    name = report_name(summary.period)
    with RunWriter(out_dir, carry=True) as writer:
        writer.write_text(name, html)
    return Path(out_dir) / name


def monthly(
    out_dir: str | Path,
    *,
    store: str | Path | None = None,
    source: str | Path | None = None,
    period: str | None = None,
    registry: Any | None = None,
    summary: MonthlySummary | None = None,
    db: str | None = None,
    as_of: str | None = None,
) -> Path:
    """Write the monthly summary of ``period`` into ``out_dir`` and return its path.

    The data come from ``store`` (its case database; ``db`` names another, ``as_of`` the date
    the deadlines are judged at), from ``source`` (one screening output folder: what it has), or
    ready-made as ``summary``. ``registry`` (default: the installed plugins) names the
    indicators and gives the plugins' sections."""
    if registry is None:
        from fundrules.plugins import get_registry

        registry = get_registry()
    if summary is None:
        if source is not None:
            summary = summary_from_output(source, registry)
            if period is not None and period != summary.period:
                raise ReportInputError(
                    f"{source} holds the screening of {summary.period}, not of {period}"
                )
        elif store is not None:
            if period is None:
                raise ReportInputError("the period (YYYY-MM) is required with a store")
            from .from_cases import summary_from_store

            summary = summary_from_store(store, period, registry, db=db, as_of=as_of)
        else:
            raise ReportInputError("give a store, a screening output folder or a summary")
    return write_monthly(summary, out_dir, registry)
