"""The supervision notice (督办通知书, Art. 14) and the major-incident report (要情报告, Art. 16)
as Word documents, filled from templates a region can replace without code.

A template is a .docx whose text holds placeholders ``{{name}}`` (docs/report-templates.md lists
them). Each document kind has placeholders it requires; a template that lacks one, or holds a name
that is not a placeholder, is refused with the name. A placeholder alone in its paragraph and
holding several lines (``facts``) becomes one paragraph per line in that paragraph's style.
Dates are written as GB/T 9704-2012 writes them (2026年6月30日), amounts in figures and in Chinese
capitals, personal ids masked.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from docx import Document
from docx.text.paragraph import Paragraph

from fundrules.outputs import RunWriter, mask_id, mask_ids_in_text

from . import labels
from .capitals import amount_in_capitals
from .errors import ReportInputError, TemplateError
from .templates import default_template

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
NOTICE = "supervision_notice"
MAJOR = "major_incident_report"

COMMON = {
    "issuer": "发文机关（issuer）",
    "doc_number": "文号，如 津人社监督〔2026〕12号",
    "date": "成文日期，GB/T 9704-2012 写法：2026年6月30日",
    "addressee": "主送机关",
    "case_id": "案件编号",
    "period": "所属期（2025年6月）",
    "agency": "经办机构",
    "insurance": "险种（养老保险…）",
    "subject": "对象（个人身份证号脱敏）",
    "indicators": "指标名称，以、分隔",
    "problem_type": "问题类型",
    "facts": "问题事实，每条一行（独占一段时每行一段）",
    "legal_basis": "法规依据条款",
    "amount": "涉及金额，数字：12,345.67",
    "amount_capitals": "涉及金额，大写：壹万贰仟叁佰肆拾伍元陆角柒分",
}
PLACEHOLDERS: dict[str, dict[str, str]] = {
    NOTICE: {
        **COMMON,
        "rectification_deadline": "整改期限（成文日期后若干日，GB/T 写法）",
        "rectification_days": "整改期限天数",
        "findings": "核查发现（升级时记录）",
    },
    MAJOR: {
        **COMMON,
        "grade": "要情等级：一般要情 / 重大要情",
        "discovered": "发现日期",
        "report_due": "报告期限（发现后5个工作日）",
        "confirmed_loss": "确认损失X元（大写：…），未确认时“损失尚未确认”",
        "confirmed_loss_capitals": "确认损失大写（未确认时“—”）",
        "recovered": "已追回金额（元）",
        "handling": "处理情况：案件状态与经过",
        "findings": "核查发现",
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    NOTICE: (
        "issuer",
        "doc_number",
        "date",
        "addressee",
        "facts",
        "legal_basis",
        "rectification_deadline",
    ),
    MAJOR: ("doc_number", "date", "addressee", "grade", "facts", "amount"),
}
TITLES = {NOTICE: "督办通知书", MAJOR: "要情报告"}
#: The articles of the measures each document rests on, before the indicators' own bases.
BASE_ARTICLES = {
    NOTICE: "《天津市社会保险基金网络监督实施办法》第十四条",
    MAJOR: "《天津市社会保险基金网络监督实施办法》第十五条、第十六条",
}


def official_date(day: dt.date) -> str:
    """A date as GB/T 9704-2012 (7.3.5.3) writes it: 2026年6月30日 (Arabic numerals, the year in
    full, month and day without a leading zero)."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_zh(period: str) -> str:
    year, _, month = str(period).partition("-")
    return f"{year}年{int(month)}月" if month.isdigit() else str(period)


@dataclass
class DocumentSettings:
    """What a region sets once: who issues, the number prefix, the deadline, the addressee of
    the major-incident report, its own templates. A YAML file gives them (``load_settings``)."""

    issuer: str = "社会保险基金监督机构"
    number_prefix: str = "社保基金监督"
    rectification_days: int = 30
    major_incident_addressee: str = "人力资源社会保障部社会保险基金监管局"
    templates: dict[str, Path] = field(default_factory=dict)

    def template(self, kind: str) -> Path:
        return Path(self.templates.get(kind) or default_template(kind))


def load_settings(path: str | Path | None, **overrides: Any) -> DocumentSettings:
    """Settings from a YAML file (keys as :class:`DocumentSettings`; ``templates`` maps
    ``supervision_notice`` / ``major_incident_report`` to .docx paths, relative to the file),
    with ``overrides`` (not None) on top. An unknown key is an error naming it."""
    settings = DocumentSettings()
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ReportInputError(f"document settings file not found: {p}")
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ReportInputError(f"{p}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ReportInputError(f"{p}: expected a mapping of settings")
        known = {f for f in DocumentSettings.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ReportInputError(
                f"{p}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        templates = data.pop("templates", None) or {}
        bad = sorted(set(templates) - set(PLACEHOLDERS))
        if bad:
            raise ReportInputError(
                f"{p}: templates: unknown document kind(s) {', '.join(bad)}; "
                f"known: {', '.join(PLACEHOLDERS)}"
            )
        settings = replace(
            settings,
            **data,
            templates={k: (p.parent / v) for k, v in templates.items()},
        )
    values = {k: v for k, v in overrides.items() if v is not None}
    if "templates" in values:
        values["templates"] = {**settings.templates, **values["templates"]}
    settings = replace(settings, **values)
    try:
        settings.rectification_days = int(settings.rectification_days)
    except (TypeError, ValueError):
        raise ReportInputError(
            f"rectification_days must be a whole number of days, not {settings.rectification_days!r}"
        ) from None
    if settings.rectification_days < 1:
        raise ReportInputError("rectification_days must be at least 1")
    if not str(settings.issuer).strip():
        raise ReportInputError("the issuer (发文机关) is empty")
    return settings


# ---- templates -----------------------------------------------------------------------------
def _paragraphs(doc: Any) -> Iterator[Paragraph]:
    """Every paragraph of the document: body, tables (nested), headers and footers."""

    def walk(container: Any) -> Iterator[Paragraph]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if part is not None and not part.is_linked_to_previous:
                yield from walk(part)


def _open_template(path: Path) -> Any:
    if not path.is_file():
        raise TemplateError(f"template not found: {path}")
    try:
        return Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a .docx
        raise TemplateError(f"template {path} is not a Word (.docx) document: {exc}") from None


def check_template(kind: str, path: str | Path) -> list[str]:
    """The placeholders of the template ``path`` for ``kind``, in order; a required one missing
    or an unknown one is :class:`TemplateError` naming it."""
    if kind not in PLACEHOLDERS:
        raise ReportInputError(f"unknown document kind {kind!r}; known: {', '.join(PLACEHOLDERS)}")
    doc = _open_template(Path(path))
    return _check(kind, Path(path), doc)


def _check(kind: str, path: Path, doc: Any) -> list[str]:
    found: list[str] = []
    for p in _paragraphs(doc):
        found.extend(m.group(1) for m in PLACEHOLDER.finditer(p.text))
    known = PLACEHOLDERS[kind]
    unknown = sorted({n for n in found if n not in known})
    if unknown:
        raise TemplateError(
            f"template {path} ({TITLES[kind]}) holds unknown placeholder(s) "
            + ", ".join("{{" + n + "}}" for n in unknown)
            + "; known: "
            + ", ".join(sorted(known))
        )
    missing = [n for n in REQUIRED[kind] if n not in found]
    if missing:
        raise TemplateError(
            f"template {path} ({TITLES[kind]}) lacks required placeholder(s) "
            + ", ".join("{{" + n + "}}" for n in missing)
        )
    return found


def _fill_paragraph(p: Paragraph, values: Mapping[str, str]) -> None:
    text = p.text
    if "{{" not in text:
        return
    alone = PLACEHOLDER.fullmatch(text.strip())
    if alone and "\n" in values[alone.group(1)]:
        lines = [line for line in values[alone.group(1)].split("\n") if line.strip()]
        anchor = p._p
        for line in lines[1:][::-1]:
            clone = copy.deepcopy(anchor)
            anchor.addnext(clone)
            _set_text(Paragraph(clone, p._parent), line)
        _set_text(p, lines[0] if lines else "")
        return
    runs = p.runs
    if sum(len(PLACEHOLDER.findall(r.text)) for r in runs) == len(PLACEHOLDER.findall(text)):
        # every placeholder sits inside one run: replace in place, keeping each run's format
        for r in runs:
            if "{{" in r.text:
                r.text = PLACEHOLDER.sub(lambda m: _inline(values[m.group(1)]), r.text)
        return
    _set_text(p, PLACEHOLDER.sub(lambda m: _inline(values[m.group(1)]), text))


def _inline(value: str) -> str:
    return "；".join(line for line in value.split("\n") if line.strip())


def _set_text(p: Paragraph, text: str) -> None:
    """The paragraph's text becomes ``text`` in the format of its first run."""
    runs = p.runs
    if not runs:
        p.add_run(text)
        return
    runs[0].text = text
    for r in runs[1:]:
        r._r.getparent().remove(r._r)


def render_document(kind: str, template: str | Path, values: Mapping[str, str]) -> bytes:
    """Fill ``template`` with ``values`` (every placeholder of the kind) and return the .docx."""
    import io

    path = Path(template)
    doc = _open_template(path)
    _check(kind, path, doc)
    for p in list(_paragraphs(doc)):
        _fill_paragraph(p, values)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---- the case behind a document ---------------------------------------------------------
@dataclass
class CaseFacts:
    """What a document says about its case (plain data: a host system may build it itself)."""

    case_id: int
    agency: str
    insurance: str
    subject_type: str
    subject_id: str
    period: str
    state: str
    amount_at_risk: Decimal
    problem_type: str
    major_grade: str
    confirmed_grade: str | None
    confirmed_loss: Decimal | None
    recovered: Decimal
    escalation_kind: str | None
    escalation_approved_on: dt.date | None
    opened_on: dt.date | None
    report_due: dt.date | None
    findings: str
    suspicions: list[dict[str, Any]]  # indicator, name, legal_basis, amount_at_risk, period
    history: list[str] = field(default_factory=list)

    @property
    def grade(self) -> str:
        return self.confirmed_grade or self.major_grade


def _subject(facts: CaseFacts) -> str:
    kind = labels.name(labels.SUBJECT, facts.subject_type)
    sid = facts.subject_id
    if facts.subject_type in ("person", "account"):
        sid = mask_id(sid)
    return f"{kind} {sid}"


def _legal_basis(kind: str, facts: CaseFacts) -> str:
    bases = [BASE_ARTICLES[kind]]
    for s in facts.suspicions:
        basis = str(s.get("legal_basis") or "").strip()
        if basis and basis not in bases:
            bases.append(basis)
    return "；".join(bases)


def _facts_lines(facts: CaseFacts) -> str:
    lines = []
    for i, s in enumerate(facts.suspicions, start=1):
        name = s.get("name") or s["indicator"]
        lines.append(
            f"{i}. {name}（{s['indicator']}）：{_subject(facts)}，所属期{period_zh(s['period'])}，"
            f"涉及金额{s['amount_at_risk']:,.2f}元。"
        )
    if facts.findings.strip():
        lines.append(f"核查发现：{facts.findings.strip()}")
    return mask_ids_in_text("\n".join(lines))


def document_values(
    kind: str,
    facts: CaseFacts,
    settings: DocumentSettings,
    *,
    number: str,
    issued_on: dt.date,
    addressee: str | None = None,
) -> dict[str, str]:
    """The text of every placeholder of ``kind`` for this case."""
    insurance = "、".join(
        labels.name(labels.INSURANCE, i) for i in facts.insurance.split("+") if i
    ) or labels.name(labels.INSURANCE, "")
    names = []
    for s in facts.suspicions:
        n = s.get("name") or s["indicator"]
        if n not in names:
            names.append(n)
    values = {
        "issuer": settings.issuer,
        "doc_number": number,
        "date": official_date(issued_on),
        "case_id": str(facts.case_id),
        "period": period_zh(facts.period),
        "agency": facts.agency,
        "insurance": insurance,
        "subject": _subject(facts),
        "indicators": "、".join(names),
        "problem_type": facts.problem_type,
        "facts": _facts_lines(facts),
        "legal_basis": _legal_basis(kind, facts),
        "amount": f"{facts.amount_at_risk:,.2f}",
        "amount_capitals": amount_in_capitals(facts.amount_at_risk),
        "findings": mask_ids_in_text(facts.findings.strip() or "无"),
    }
    if kind == NOTICE:
        deadline = issued_on + dt.timedelta(days=settings.rectification_days)
        values |= {
            "addressee": addressee or facts.agency,
            "rectification_deadline": official_date(deadline),
            "rectification_days": str(settings.rectification_days),
        }
    else:
        loss = facts.confirmed_loss
        values |= {
            "addressee": addressee or settings.major_incident_addressee,
            "grade": labels.name(labels.MAJOR_GRADE, facts.grade),
            "discovered": official_date(facts.opened_on) if facts.opened_on else "",
            "report_due": official_date(facts.report_due) if facts.report_due else "",
            "confirmed_loss": (
                f"确认损失{loss:,.2f}元（大写：{amount_in_capitals(loss)}）"
                if loss is not None
                else "损失尚未确认"
            ),
            "confirmed_loss_capitals": amount_in_capitals(loss) if loss is not None else "—",
            "recovered": f"{facts.recovered:,.2f}",
            "handling": mask_ids_in_text(
                "\n".join(facts.history) or f"案件状态：{labels.name(labels.STATE, facts.state)}"
            ),
        }
    return values


def why_not(kind: str, facts: CaseFacts) -> str | None:
    """Why ``kind`` cannot be issued for this case, or None when it can."""
    if kind == NOTICE:
        if facts.escalation_kind != NOTICE:
            how = (
                f"escalated as {facts.escalation_kind}"
                if facts.escalation_kind
                else f"not escalated (state {facts.state})"
            )
            return (
                f"case {facts.case_id} is {how}: a supervision notice (督办通知书) is issued only "
                "for a case escalated as supervision_notice (Art. 14)"
            )
        if facts.escalation_approved_on is None:
            return (
                f"case {facts.case_id} is escalated as supervision_notice but a supervisor has not "
                "approved the escalation yet (`fundrules cases act … approve`)"
            )
        return None
    if facts.state == "dismissed":
        return f"case {facts.case_id} was dismissed: it is not a major incident (要情)"
    if facts.grade not in ("ordinary", "major"):
        return (
            f"case {facts.case_id} is not graded 要情 (grade {facts.grade}"
            + (
                f", confirmed loss {facts.confirmed_loss:,.2f} yuan"
                if facts.confirmed_loss is not None
                else ""
            )
            + "): the major-incident report is for a case graded ordinary or major"
        )
    return None


def document_name(kind: str, case_id: int) -> str:
    stem = "supervision-notice" if kind == NOTICE else "major-incident-report"
    return f"{stem}-{case_id}.docx"


def write_document(out_dir: str | Path, kind: str, case_id: int, data: bytes) -> Path:
    name = document_name(kind, case_id)
    with RunWriter(out_dir, carry=True) as writer:
        writer.write_bytes(name, data)
    return Path(out_dir) / name
