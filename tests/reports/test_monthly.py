"""The monthly summary: built from a real screening output, opened in a real headless Chromium."""

from __future__ import annotations

import re
import types
from decimal import Decimal

import pandas as pd
import pytest

from fundrules.plugins import build_registry, hookimpl
from fundrules.reports import (
    Bar,
    ReportInputError,
    ReportSection,
    bar_chart,
    monthly,
    render_monthly,
    summary_from_output,
)
from fundrules.reports.sections import contributed_sections

HOSTILE = '<img src="https://example.invalid/x.png" onerror="console.error(1)">'
PLUGIN_PERSON = "120101199001011234"
PERIOD = "2025-06"


def _plugin(sections: list) -> types.SimpleNamespace:
    @hookimpl
    def fundrules_register_report_sections(register):
        for s in sections:
            register(s)

    return types.SimpleNamespace(
        fundrules_register_report_sections=fundrules_register_report_sections
    )


def _cohorts(summary):
    return [
        f"本月共 {summary.total_suspicions} 条疑点；示例人员 {PLUGIN_PERSON}。",
        pd.DataFrame(
            {
                "subject_type": ["person"],
                "subject_id": [PLUGIN_PERSON],
                "amount": [Decimal("1234.50")],
            }
        ),
        bar_chart("插件图表 (plugin chart)", [Bar("甲", 3, "3"), Bar("乙", 1, "1")]),
    ]


def _broken(summary):
    raise RuntimeError("the plugin's data is missing")


@pytest.fixture
def registry():
    good = _plugin(
        [
            ReportSection(key="testplug.cohorts", title="插件部分：人群", render=_cohorts),
            {"key": "testplug.broken", "title": "插件部分：出错", "render": _broken},
        ]
    )
    bad = _plugin([{"key": "Bad Key", "title": "x", "render": _broken}])
    return build_registry(
        entry_points=True, extra_plugins=[("testplug", good), ("badplug", bad)], strict=False
    )


def test_monthly_summary_opens_offline_in_chromium(screened, registry, browser, tmp_path):
    summary = summary_from_output(screened, registry)
    assert summary.period == PERIOD and summary.total_suspicions > 0
    # what a host system may put in: earlier months, process findings, a hostile agency name
    summary.months = pd.concat(
        [
            pd.DataFrame(
                {
                    "period": ["2025-04", "2025-05"],
                    "suspicions": [40, 52],
                    "warnings": [38, 50],
                    "cases": [None, None],
                    "amount_at_risk": [Decimal("120000.00"), Decimal("98000.55")],
                }
            ),
            summary.months,
        ]
    )
    summary.process_findings = pd.DataFrame(
        {
            "indicator": ["process.late_submission", "process.feedback_overdue"],
            "name_zh": ["数据报送逾期", "反馈逾期"],
            "subject_type": ["submission", "case"],
            "subject_id": ["2025-06", "c-17"],
            "amount_at_risk": [Decimal("0.00"), Decimal("5948.00")],
            "detail": ["received 2025-07-20", "due 2025-07-31"],
        }
    )
    summary.warnings.loc[0, "agency"] = HOSTILE
    person_ids = [
        i
        for t, i in zip(summary.warnings.subject_type, summary.warnings.subject_id, strict=True)
        if t == "person"
    ]
    assert person_ids

    page = monthly(tmp_path / "report", summary=summary, registry=registry)
    html = page.read_text(encoding="utf-8")
    for pid in [*person_ids, PLUGIN_PERSON]:
        assert pid not in html
    assert PLUGIN_PERSON[:6] + "*" * 10 + PLUGIN_PERSON[-2:] in html
    assert "the plugin&#x27;s data is missing" in html and "Bad Key" in html
    assert html.count("<script") == 1  # the sorter; the hostile text is escaped
    assert not re.search(r"(src|href)=\"(https?:)?//", html)

    sort_check = """(() => {
      const table = document.querySelector('#warnings table');
      const th = Array.from(table.tHead.rows[0].cells).find(c => c.textContent.startsWith('涉及金额'));
      const amounts = () => Array.from(table.tBodies[0].rows).map(r => parseFloat(r.cells[th.cellIndex].dataset.sort));
      th.click(); const up = amounts(); th.click(); const down = amounts();
      return {up, down, text: document.body.innerText, sections: document.querySelectorAll('section').length,
              svgs: document.querySelectorAll('svg.chart').length};
    })()"""
    shot = tmp_path / "monthly-summary.png"
    visit, result = browser.visit(page, shot, sort_check)
    print(f"screenshot: {shot}")
    assert visit.console_errors == []
    assert visit.foreign_requests() == []
    assert any("Noto Sans CJK" in f for f in visit.fonts), visit.fonts
    assert result["up"] == sorted(result["up"]) and result["down"] == sorted(result["down"])[::-1]
    assert result["up"] != result["down"]
    text = result["text"]
    assert HOSTILE in text  # shown as text, never run
    assert "月度汇总（2025年6月）" in text
    assert "插件部分：人群" in text and "插件图表" in text
    assert "process.late_submission" in text
    assert result["svgs"] == 7  # insurance, indicators, agencies, 2 × months, process, plugin
    assert shot.stat().st_size > 50_000


def test_section_validation_and_order():
    with pytest.raises(ValueError, match="key"):
        ReportSection(key="", title="t", render=_broken)
    with pytest.raises(ValueError, match="title"):
        ReportSection(key="a.b", title=" ", render=_broken)
    reg = build_registry(
        entry_points=False,
        extra_plugins=[
            (
                "p",
                _plugin(
                    [
                        ReportSection(key="p.late", title="late", render=_cohorts, order=200),
                        ReportSection(key="p.early", title="early", render=_cohorts, order=1),
                        ReportSection(key="p.early", title="again", render=_cohorts, order=1),
                        42,
                    ]
                ),
            )
        ],
        strict=False,
    )
    got = contributed_sections(reg)
    assert [c.section.key if c.section else c.error for c in got] == [
        "p.late",
        "report section key 'p.early' is registered twice",
        "report section key 'p.early' is registered twice",
        "register() takes a ReportSection, not int",
    ]


def test_summary_amounts_are_exact(screened):
    summary = summary_from_output(screened)
    suspicions = pd.read_csv(screened / "suspicions.csv", dtype=str)
    total = sum((Decimal(v) for v in suspicions["amount_at_risk"]), Decimal("0"))
    assert summary.total_amount == total
    assert sum(summary.by_insurance["amount_at_risk"], Decimal("0")) == total
    assert sum(summary.by_agency["amount_at_risk"], Decimal("0")) == total
    amounts = list(summary.warnings["amount_at_risk"])
    assert amounts == sorted(amounts, reverse=True)
    html = render_monthly(summary)
    assert f"{total:,.2f}" in html


def test_cli_monthly_from_output(screened, cli, tmp_path):
    out = tmp_path / "reports"
    run = cli("report", "monthly", "--from", screened, "--out", out)
    assert run.returncode == 0, run.stderr
    path = out / f"monthly-summary-{PERIOD}.html"
    assert str(path) in run.stdout.replace("\n", "")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    wrong = cli("report", "monthly", "--from", screened, "--out", out, "--period", "2025-05")
    assert wrong.returncode == 2
    assert "not of 2025-05" in wrong.stderr

    with pytest.raises(ReportInputError, match="not found"):
        monthly(out, source=tmp_path / "nowhere")

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ReportInputError, match="holds no screening output"):
        monthly(out, source=empty)


def test_the_browser_check_catches_errors_and_requests(browser, tmp_path):
    """The harness itself: a page that logs an error, throws, and asks for other files fails."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>bad</title>"
        f"<link rel='stylesheet' href='{(tmp_path / 'other.css').as_uri()}'></head>"
        "<body><h1>坏页面</h1><img src='http://127.0.0.1:9/x.png'>"
        "<script>console.error('boom'); undefined_function();</script></body></html>",
        encoding="utf-8",
    )
    visit, _ = browser.visit(page, tmp_path / "bad.png")
    errors = "\n".join(visit.console_errors)
    assert "boom" in errors and "undefined_function" in errors
    foreign = visit.foreign_requests()
    assert "http://127.0.0.1:9/x.png" in foreign
    assert any(u.endswith("other.css") for u in foreign)


def test_demo_ends_with_the_monthly_summary(cli, tmp_path):
    run = cli("demo", "--persons", "300", "--out", tmp_path / "demo")
    assert run.returncode == 0, run.stderr
    path = tmp_path / "demo" / "reports" / f"monthly-summary-{PERIOD}.html"
    flat = run.stdout.replace("\n", "").rstrip()
    assert flat.endswith(str(path)) and "Monthly summary" in flat[-400:]
    html = path.read_text(encoding="utf-8")
    assert "月度汇总（2025年6月）" in html and "天津市医疗保障基金管理中心" in html
    assert "来源 (source) 数据仓与案件库" in html and "已追回 (recovered)" in html


def test_monthly_summary_from_the_store(cases, browser, tmp_path):
    from fundrules.cases import summary as case_summary

    registry = build_registry(entry_points=True, strict=False)
    path = monthly(
        tmp_path / "r", store=cases.store, period=PERIOD, registry=registry, as_of="2025-09-01"
    )
    html = path.read_text(encoding="utf-8")
    assert cases.subject not in html
    frames = case_summary(cases.store, PERIOD, as_of="2025-09-01")
    total = sum(frames["by_agency"]["amount_at_risk"], Decimal("0"))
    recovered = sum(frames["by_agency"]["recovered"], Decimal("0"))
    assert recovered > 0 and f"{total:,.2f}" in html and f"{recovered:,.2f}" in html
    shot = tmp_path / "monthly-summary-store.png"
    script = """({text: document.body.innerText,
                 svgs: document.querySelectorAll('svg.chart').length,
                 months: Array.from(document.querySelectorAll('#months tbody tr')).map(r => r.cells[0].textContent)})"""
    visit, result = browser.visit(path, shot, script)
    print(f"screenshot: {shot}")
    assert visit.console_errors == [] and visit.foreign_requests() == []
    assert result["months"] == ["2025-06", "2025-05"]
    text = result["text"]
    assert "各经办机构案件状态" in text and "反馈逾期率" in text and "已追回" in text
    assert "指标成效" in text and "确认率" in text
    rates = frames["overdue_rates"]
    late, due = int(rates["feedback_overdue"].sum()), int(rates["dispatched"].sum())
    assert late > 0 and due > late
    assert result["svgs"] == 8  # insurance, indicators, agencies, states, 2 × overdue, 2 × months


def test_store_bad_input(cases, cli, tmp_path):
    with pytest.raises(
        ReportInputError, match=r"no data for 2024-01 .*periods with cases: 2025-05, 2025-06"
    ):
        monthly(tmp_path, store=cases.store, period="2024-01")
    with pytest.raises(ReportInputError, match="not a period"):
        monthly(tmp_path, store=cases.store, period="2025-13")
    ok = cli("report", "monthly", "--store", cases.store, "--period", PERIOD, "--out", tmp_path)
    assert ok.returncode == 0, ok.stderr
    none = cli(
        "report", "monthly", "--store", cases.store, "--period", "2024-01", "--out", tmp_path
    )
    assert none.returncode == 2 and "no data for 2024-01" in none.stderr
