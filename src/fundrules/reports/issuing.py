"""Issuing a document for a case: read the case from the case database, check that the document
is due for it (say why not otherwise), draw its number, fill the template, write the .docx.

``supervision_notice(out, case_id, store=…)`` and ``major_incident_report(out, case_id, store=…)``
return the path they wrote.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fundrules.cases import database
from fundrules.cases.models import Case, CaseEvent, CaseSuspicion
from fundrules.cases.store import store_locations
from fundrules.screening import fen_to_decimal

from .documents import (
    MAJOR,
    NOTICE,
    CaseFacts,
    DocumentSettings,
    check_template,
    document_values,
    render_document,
    why_not,
    write_document,
)
from .errors import ReportInputError
from .numbering import draw_number

ACTION_ZH = {
    "open": "立案",
    "confirm": "确认",
    "dismiss": "排除",
    "dispatch": "下发",
    "receive": "接收",
    "consult": "征求意见",
    "answer": "答复意见",
    "feedback": "反馈",
    "escalate": "升级",
    "approve": "批准",
    "close": "办结",
}


def china_today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def case_facts(engine: Engine, case_id: int, registry: Any | None = None) -> CaseFacts:
    """The case ``case_id`` as a document needs it; an unknown case is an error naming it."""
    indicators = registry.indicators if registry is not None else {}
    with Session(engine) as s:
        case = s.get(Case, int(case_id))
        if case is None:
            raise ReportInputError(f"case {case_id} does not exist in the case database")
        rows = s.scalars(
            select(CaseSuspicion)
            .where(CaseSuspicion.case_id == case.id)
            .order_by(CaseSuspicion.amount_at_risk_fen.desc(), CaseSuspicion.indicator)
        ).all()
        events = s.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.outcome == "done")
            .order_by(CaseEvent.id)
        ).all()
        suspicions = []
        for r in rows:
            ind = indicators.get(r.indicator)
            suspicions.append(
                {
                    "indicator": r.indicator,
                    "name": ind.meta.name_zh if ind is not None else "",
                    "legal_basis": ind.meta.legal_basis if ind is not None else "",
                    "amount_at_risk": fen_to_decimal(r.amount_at_risk_fen),
                    "period": r.period,
                }
            )
        history = [
            f"{e.at.year}年{e.at.month}月{e.at.day}日 {ACTION_ZH.get(e.action, e.action)}"
            + (f"：{e.reason}" if e.reason and e.action != "open" else "")
            for e in events
        ]
        return CaseFacts(
            case_id=case.id,
            agency=case.agency,
            insurance=case.insurance,
            subject_type=case.subject_type,
            subject_id=case.subject_id,
            period=case.period,
            state=case.state,
            amount_at_risk=fen_to_decimal(case.amount_at_risk_fen),
            problem_type=case.problem_type,
            major_grade=case.major_grade,
            confirmed_grade=case.confirmed_grade,
            confirmed_loss=(
                fen_to_decimal(case.confirmed_loss_fen)
                if case.confirmed_loss_fen is not None
                else None
            ),
            recovered=fen_to_decimal(case.recovered_fen or 0),
            escalation_kind=case.escalation_kind,
            escalation_approved_on=case.escalation_approved_on,
            opened_on=case.opened_on,
            report_due=case.report_due,
            findings=case.findings or "",
            suspicions=suspicions,
            history=history,
        )


def _engine(store: str | Path | None, db: str | None) -> Engine:
    if store is None and not db:
        raise ReportInputError("give the store (or a case database URL) the case is in")
    url = db if store is None else store_locations(store, db)[0]
    engine = database.create(str(url))
    try:
        database.ensure_current(engine)
    except Exception:
        engine.dispose()
        raise
    return engine


def issue(
    kind: str,
    out_dir: str | Path,
    case_id: int,
    *,
    store: str | Path | None = None,
    db: str | None = None,
    settings: DocumentSettings | None = None,
    issued_on: dt.date | None = None,
    addressee: str | None = None,
    registry: Any | None = None,
) -> Path:
    """Issue ``kind`` for case ``case_id`` into ``out_dir``; return the path written."""
    settings = settings or DocumentSettings()
    if registry is None:
        from fundrules.plugins import get_registry

        registry = get_registry()
    template = settings.template(kind)
    check_template(kind, template)  # a bad template is refused before a number is drawn
    engine = _engine(store, db)
    try:
        facts = case_facts(engine, case_id, registry)
        reason = why_not(kind, facts)
        if reason:
            raise ReportInputError(reason)
        day = issued_on or china_today()
        numbered = draw_number(engine, kind, facts.case_id, settings.number_prefix, day)
    finally:
        engine.dispose()
    values = document_values(
        kind,
        facts,
        settings,
        number=numbered.number,
        issued_on=numbered.issued_on,
        addressee=addressee,
    )
    data = render_document(kind, template, values)
    return write_document(out_dir, kind, facts.case_id, data)


def supervision_notice(out_dir: str | Path, case_id: int, **options: Any) -> Path:
    """The supervision notice (督办通知书) of a case escalated as ``supervision_notice`` and
    approved; options as :func:`issue`."""
    return issue(NOTICE, out_dir, case_id, **options)


def major_incident_report(out_dir: str | Path, case_id: int, **options: Any) -> Path:
    """The major-incident report (要情报告) of a case graded 要情; options as :func:`issue`."""
    return issue(MAJOR, out_dir, case_id, **options)
