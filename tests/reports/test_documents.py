"""The supervision notice and the major-incident report: real cases in a real case database (real
certificates sign the actions), rendered from the shipped templates, reopened with python-docx."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from fundrules.cases.models import Case
from fundrules.plugins import get_registry
from fundrules.reports import (
    DocumentSettings,
    ReportInputError,
    TemplateError,
    amount_in_capitals,
    check_template,
    load_settings,
    major_incident_report,
    official_date,
    supervision_notice,
)
from fundrules.reports.templates import default_template

CA_PASS, KEY_PASS, REGION = b"ca pass", b"key pass", "120100"
ISSUED = dt.date(2026, 6, 30)


def _text(path: Path) -> str:
    d = docx.Document(str(path))
    return "\n".join(p.text for p in d.paragraphs)


SETTINGS = DocumentSettings(issuer="天津市社会保险基金监督中心", number_prefix="津人社监督")


def test_notice_of_an_escalated_case(cases, tmp_path):
    registry = get_registry()
    path = supervision_notice(
        tmp_path, cases.notice, db=cases.url, settings=SETTINGS, issued_on=ISSUED, registry=registry
    )
    assert path.name == f"supervision-notice-{cases.notice}.docx"
    text = _text(path)
    with Session(create_engine(cases.url)) as s:
        case = s.get(Case, cases.notice)
        amount = Decimal(case.amount_at_risk_fen).scaleb(-2)
        agency, indicator = case.agency, case.indicators.split(",")[0]
    assert "津人社监督〔2026〕1号" in text
    assert "2026年6月30日" in text  # GB/T 9704-2012
    assert "于2026年7月30日前" in text  # 30 days to rectify
    assert f"{agency}：" in text  # the addressee
    assert f"涉及金额{amount:,.2f}元（大写：{amount_in_capitals(amount)}）" in text
    assert "第十四条" in text and registry.indicators[indicator].meta.legal_basis in text
    assert registry.indicators[indicator].meta.name_zh in text
    assert cases.subject not in text and cases.subject[:6] + "*" * 10 + cases.subject[-2:] in text
    assert "{{" not in text and "}}" not in text
    # the facts: one paragraph per line in the template's paragraph style
    facts = [p for p in docx.Document(str(path)).paragraphs if p.text.startswith("1. ")]
    assert len(facts) == 1 and facts[0].paragraph_format.first_line_indent is not None

    again = supervision_notice(tmp_path, cases.notice, db=cases.url, settings=SETTINGS)
    assert "津人社监督〔2026〕1号" in _text(again)  # drawn once: the case keeps its number


def test_numbers_count_per_prefix_and_year(cases, tmp_path):
    major = major_incident_report(
        tmp_path, cases.major2, db=cases.url, settings=SETTINGS, issued_on=dt.date(2026, 7, 1)
    )
    other = DocumentSettings(issuer="x", number_prefix="津人社要情")
    assert "津人社监督〔2026〕2号" in _text(major)
    # a new prefix starts at 1; re-issuing keeps the number whatever the settings now say
    assert "津人社监督〔2026〕2号" in _text(
        major_incident_report(tmp_path, cases.major2, db=cases.url, settings=other)
    )


def test_major_incident_report(cases, tmp_path):
    path = major_incident_report(
        tmp_path,
        cases.major,
        db=cases.url,
        settings=DocumentSettings(issuer="天津市社会保险基金监督中心", number_prefix="津要情"),
        issued_on=ISSUED,
        registry=get_registry(),
    )
    text = _text(path)
    with Session(create_engine(cases.url)) as s:
        case = s.get(Case, cases.major)
        amount = Decimal(case.amount_at_risk_fen).scaleb(-2)
    assert "人力资源社会保障部社会保险基金监管局：" in text
    assert "要情等级：一般要情" in text and "发现日期：2025年7月10日" in text
    assert f"涉及金额{amount:,.2f}元（大写：{amount_in_capitals(amount)}）" in text
    assert "；损失尚未确认；已追回0.00元。" in text
    assert "第十六条" in text and "2026年6月30日" in text
    assert "2025年7月10日 立案" in text and "opened from" not in text


@pytest.mark.parametrize(
    ("which", "kind", "message"),
    [
        ("fresh", "notice", r"is not escalated \(state new\): a supervision notice"),
        ("on_site", "notice", "is escalated as on_site_check"),
        ("pending", "notice", "has not approved the escalation yet"),
        ("plain", "major", r"is not graded 要情 \(grade none"),
    ],
)
def test_a_document_not_due_says_why(cases, tmp_path, which, kind, message):
    issue = supervision_notice if kind == "notice" else major_incident_report
    with pytest.raises(ReportInputError, match=message):
        issue(tmp_path, getattr(cases, which), db=cases.url, settings=SETTINGS)
    assert not list(tmp_path.glob("*.docx"))


def test_unknown_case(cases, tmp_path):
    with pytest.raises(ReportInputError, match="case 999999 does not exist"):
        supervision_notice(tmp_path, 999999, db=cases.url)


def _template(tmp_path: Path, *paragraphs: str | list[str]) -> Path:
    d = docx.Document()
    for p in paragraphs:
        para = d.add_paragraph()
        for run in [p] if isinstance(p, str) else p:
            para.add_run(run)
    path = tmp_path / "template.docx"
    d.save(str(path))
    return path


REQUIRED_NOTICE = [
    "{{issuer}}",
    "{{doc_number}}",
    "{{date}}",
    "{{addressee}}",
    "{{facts}}",
    "{{legal_basis}}",
    "{{rectification_deadline}}",
]


def test_templates_a_region_replaces(cases, tmp_path):
    for kind in ("supervision_notice", "major_incident_report"):
        assert check_template(kind, default_template(kind))
    missing = _template(tmp_path, *REQUIRED_NOTICE[1:])
    with pytest.raises(TemplateError, match=r"lacks required placeholder\(s\) \{\{issuer\}\}"):
        check_template("supervision_notice", missing)
    unknown = _template(tmp_path, *REQUIRED_NOTICE, "{{amount_in_words}}")
    with pytest.raises(TemplateError, match=r"unknown placeholder\(s\) \{\{amount_in_words\}\}"):
        check_template("supervision_notice", unknown)
    not_docx = tmp_path / "notice.docx"
    not_docx.write_text("plain text", encoding="utf-8")
    with pytest.raises(TemplateError, match="is not a Word"):
        check_template("supervision_notice", not_docx)
    # a bad template draws no number
    with pytest.raises(TemplateError):
        supervision_notice(
            tmp_path,
            cases.notice,
            db=cases.url,
            settings=DocumentSettings(templates={"supervision_notice": unknown}),
        )
    # placeholders split across runs (as Word saves an edited line) and a table cell
    d = docx.Document()
    d.add_paragraph().add_run("{{iss")
    d.paragraphs[0].add_run("uer}} 发")
    for p in REQUIRED_NOTICE[1:]:
        d.add_paragraph(p)
    d.add_table(rows=1, cols=1).cell(0, 0).text = "金额 {{amount}} 元，大写 {{amount_capitals}}"
    own = tmp_path / "own.docx"
    d.save(str(own))
    path = supervision_notice(
        tmp_path / "out",
        cases.notice,
        db=cases.url,
        settings=DocumentSettings(issuer="某市监督局", templates={"supervision_notice": own}),
    )
    out = docx.Document(str(path))
    assert out.paragraphs[0].text == "某市监督局 发"
    cell = out.tables[0].cell(0, 0).text
    assert cell.startswith("金额 ") and "大写 " in cell and "{{" not in cell


def test_cli_documents(cases, cli, tmp_path):
    run = cli(
        "report",
        "notice",
        "--case",
        cases.notice,
        "--store",
        cases.store,
        "--out",
        tmp_path,
        "--prefix",
        "津人社监督",
        "--issuer",
        "天津市社会保险基金监督中心",
    )
    assert run.returncode == 0, run.stderr
    assert f"supervision-notice-{cases.notice}.docx" in run.stdout.replace("\n", "")
    refused = cli("report", "notice", "--case", cases.fresh, "--db", cases.url, "--out", tmp_path)
    assert refused.returncode == 2 and "not escalated" in refused.stderr
    with pytest.raises(ReportInputError, match="not graded 要情"):
        major_incident_report(tmp_path, cases.plain, db=cases.url)
    settings = tmp_path / "docs.yaml"
    settings.write_text("issuer: x\nnumber_prefx: y\n", encoding="utf-8")
    with pytest.raises(ReportInputError, match=r"unknown setting\(s\) number_prefx"):
        load_settings(settings)
    with pytest.raises(ReportInputError, match="rectification_days must be"):
        load_settings(None, rectification_days="soon")


def test_official_date():
    assert official_date(dt.date(2026, 6, 30)) == "2026年6月30日"
    assert official_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert official_date(dt.date(2030, 12, 1)) == "2030年12月1日"


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("10000.05", "壹万元零伍分"),
        ("10000", "壹万元整"),
        ("100", "壹佰元整"),
        ("10", "壹拾元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("0.55", "伍角伍分"),
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("1.01", "壹元零壹分"),
        ("1010.10", "壹仟零壹拾元壹角整"),
        ("1001", "壹仟零壹元整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("100010000", "壹亿零壹万元整"),
        ("100000000.01", "壹亿元零壹分"),
        ("1000001", "壹佰万零壹元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("20000000", "贰仟万元整"),
        ("10001000", "壹仟万壹仟元整"),  # zeros ending a 万 group are silent
        ("325000.00", "叁拾贰万伍仟元整"),
        ("1234567890123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
        ("10000000000000", "壹拾万亿元整"),
        ("100000000000000", "壹佰万亿元整"),
        ("100010000000000", "壹佰万零壹佰亿元整"),
        ("-3.20", "负叁元贰角整"),
        (
            Decimal("9999999999999999.99"),
            "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
        ),
    ],
)
def test_amount_in_capitals(amount, capitals):
    assert amount_in_capitals(amount) == capitals


@pytest.mark.parametrize("bad", ["1.005", "abc", "NaN", "1e16", "Infinity"])
def test_amount_in_capitals_refuses(bad):
    with pytest.raises(ValueError):
        amount_in_capitals(bad)


def test_every_placeholder_is_documented():
    from fundrules.reports.documents import PLACEHOLDERS

    text = (Path(__file__).parents[2] / "docs" / "report-templates.md").read_text(encoding="utf-8")
    for kind, names in PLACEHOLDERS.items():
        assert f"`{kind}`" in text
        for name in names:
            assert "`{{" + name + "}}`" in text, name
