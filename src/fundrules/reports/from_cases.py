"""The reports' data from a store's case database: the Art. 16 frames of
:func:`fundrules.cases.summary` mapped onto :class:`~fundrules.reports.summary.MonthlySummary`, and
the per-case lists the summary frames do not carry (the warnings, cases by agency and state, the
earlier months, the ``process.*`` findings, an agency's items) read from the case tables.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from fundrules.cases import CaseBook, open_book
from fundrules.cases import summary as case_summary
from fundrules.cases.models import Case, CaseSuspicion
from fundrules.period import parse_period
from fundrules.screening import fen_to_decimal

from .errors import ReportInputError
from .summary import (
    COLUMNS,
    ITEM_COLUMNS,
    MonthlySummary,
    _by_amount,
    _evidence_detail,
    indicator_names,
    problem_type_names,
)

#: Case states whose warnings an agency works on (new ones await review; dismissed ones are not
#: sent): docs/decisions.md D69.
SENT_STATES = frozenset(
    {
        "confirmed",
        "dispatched",
        "received",
        "consulting",
        "consulted",
        "feedback_submitted",
        "escalated",
        "closed",
    }
)


def _period(period: str) -> str:
    try:
        parse_period(period)
    except ValueError:
        raise ReportInputError(f"--period {period!r} is not a period YYYY-MM") from None
    return period


def _no_data(book: CaseBook, store: Path, period: str) -> ReportInputError:
    with book.session() as s:
        periods = sorted(p for (p,) in s.execute(select(Case.period).distinct()).all())
    shown = ", ".join(periods) if periods else "none"
    return ReportInputError(
        f"no data for {period} in the store {store}: it holds no case of that period "
        f"(periods with cases: {shown}); screen the period and open its cases first"
    )


def _insurance(value: object) -> str:
    text = "" if value is None else str(value)
    return "" if text == "(none)" else text


def summary_from_store(
    store: str | Path,
    period: str,
    registry: Any | None = None,
    *,
    db: str | None = None,
    as_of: dt.date | str | None = None,
) -> MonthlySummary:
    """The monthly summary of ``period`` from the store's case database (and ``as_of`` for the
    deadlines: default the latest business date of any action, never the wall clock)."""
    period = _period(period)
    with open_book(store, db) as book:
        with book.session() as s:
            cases = s.scalars(select(Case).where(Case.period <= period)).all()
            process = s.execute(
                select(CaseSuspicion, Case.agency)
                .join(Case, Case.id == CaseSuspicion.case_id)
                .where(CaseSuspicion.period == period, CaseSuspicion.indicator.like("process.%"))
            ).all()
        if not any(c.period == period for c in cases):
            raise _no_data(book, Path(store), period)
        frames = case_summary(book, period, as_of=as_of)
    names = indicator_names(registry)
    problems = problem_type_names(registry)
    current = [c for c in cases if c.period == period]

    by_ins = frames["by_insurance"].copy()
    by_ins["insurance"] = [_insurance(v) for v in by_ins["insurance"]]
    by_ins["warnings"] = by_ins["cases"]
    by_ind = frames["by_indicator"].copy()
    indicators = registry.indicators if registry is not None else {}
    by_ind["name_zh"] = [names.get(c, c) for c in by_ind["indicator"]]
    by_ind["insurance"] = [
        (indicators[c].meta.insurance or "") if c in indicators else c.split(".")[0]
        for c in by_ind["indicator"]
    ]
    by_pt = frames["by_problem_type"].copy()
    by_pt["name_zh"] = [problems.get(c, c) for c in by_pt["problem_type"]]
    by_ag = frames["by_agency"].copy()
    by_ag["warnings"] = by_ag["cases"]
    by_state = (
        pd.DataFrame([(c.agency, c.state) for c in current], columns=["agency", "state"])
        .groupby(["agency", "state"], sort=True)
        .size()
        .reset_index(name="cases")
    )
    by_outcome = frames["by_outcome"].copy()
    by_outcome["outcome"] = ["" if v == "(open)" else v for v in by_outcome["outcome"]]
    rates = frames["overdue_rates"]
    overdue = pd.DataFrame(
        {
            "agency": rates["agency"],
            "feedback_due": rates["dispatched"],
            "feedback_overdue": rates["feedback_overdue"],
            "consultations_due": rates["consultations"],
            "consultations_overdue": rates["consultation_overdue"],
        }
    )
    months = (
        pd.DataFrame(
            [(c.period, c.suspicion_count, c.amount_at_risk_fen) for c in cases],
            columns=["period", "suspicions", "fen"],
        )
        .groupby("period", sort=True)
        .agg(suspicions=("suspicions", "sum"), cases=("fen", "size"), fen=("fen", "sum"))
        .reset_index()
    )
    months["warnings"] = months["cases"]
    months["amount_at_risk"] = [fen_to_decimal(int(f)) for f in months["fen"]]
    findings = pd.DataFrame(
        [
            {
                "indicator": x.indicator,
                "name_zh": names.get(x.indicator, x.indicator),
                "subject_type": x.subject_type,
                "subject_id": x.subject_id,
                "amount_at_risk": fen_to_decimal(x.amount_at_risk_fen),
                "detail": _evidence_detail(x.evidence),
            }
            for x, _agency in process
        ],
        columns=COLUMNS["process_findings"],
    )
    by_id = {c.id: c for c in current}
    major = frames["major"]
    major_cases = pd.DataFrame(
        {
            "case_id": major["case_id"].astype(str),
            "agency": major["agency"],
            "insurance": [_insurance(v) for v in major["insurance"]],
            "subject_type": major["subject_type"],
            "subject_id": major["subject_id"],
            "indicators": [by_id[int(i)].indicators for i in major["case_id"]],
            "major_grade": [
                cg or g
                for cg, g in zip(major["confirmed_grade"], major["major_grade"], strict=True)
            ],
            "amount_at_risk": major["amount_at_risk"],
            "report_due": [
                by_id[int(i)].report_due.isoformat() if by_id[int(i)].report_due else ""
                for i in major["case_id"]
            ],
            "state": major["state"],
        },
        columns=COLUMNS["major_cases"],
    )
    warnings = pd.DataFrame(
        [
            {
                "warning_id": str(c.id),
                "agency": c.agency,
                "insurance": c.insurance,
                "subject_type": c.subject_type,
                "subject_id": c.subject_id,
                "indicators": c.indicators,
                "suspicion_count": c.suspicion_count,
                "amount_at_risk": fen_to_decimal(c.amount_at_risk_fen),
                "severity": c.severity,
                "major_grade": c.confirmed_grade or c.major_grade,
                "action": c.route,
                "report_due": c.report_due.isoformat() if c.report_due else "",
            }
            for c in current
        ],
        columns=COLUMNS["warnings"],
    )
    yields = frames["yield"].copy()
    yields["name_zh"] = [names.get(c, c) for c in yields["indicator"]]
    day = rates["as_of"].iloc[0] if len(rates) else None
    return MonthlySummary(
        period=period,
        source=f"数据仓与案件库 {store}",
        by_insurance=_by_amount(by_ins[COLUMNS["by_insurance"]]),
        by_indicator=_by_amount(by_ind[COLUMNS["by_indicator"]]),
        by_problem_type=_by_amount(by_pt[COLUMNS["by_problem_type"]]),
        by_agency=_by_amount(by_ag[COLUMNS["by_agency"]]),
        cases_by_state=by_state[COLUMNS["cases_by_state"]],
        by_outcome=by_outcome[COLUMNS["by_outcome"]],
        overdue=overdue,
        months=months[COLUMNS["months"]],
        indicator_yield=yields[COLUMNS["indicator_yield"]],
        process_findings=_by_amount(findings),
        major_cases=_by_amount(major_cases),
        warnings=_by_amount(warnings),
        as_of=day.isoformat() if isinstance(day, dt.date) else "",
        extra={"frames": frames},
    )


def items_from_store(
    store: str | Path, period: str, agency: str, *, db: str | None = None
) -> pd.DataFrame:
    """The suspicions of ``agency``'s cases of ``period`` that were reviewed and not dismissed
    (D69), one row per suspicion with its case id as the warning id."""
    period = _period(period)
    with open_book(store, db) as book, book.session() as s:
        if not s.execute(select(func.count(Case.id)).where(Case.period == period)).scalar():
            raise _no_data(book, Path(store), period)
        rows = s.execute(
            select(CaseSuspicion, Case)
            .join(Case, Case.id == CaseSuspicion.case_id)
            .where(
                Case.period == period,
                Case.agency == agency,
                Case.state.in_(sorted(SENT_STATES)),
            )
            .order_by(Case.id, CaseSuspicion.id)
        ).all()
    return pd.DataFrame(
        [
            {
                "agency": c.agency,
                "warning_id": str(c.id),
                "insurance": x.insurance,
                "subject_type": x.subject_type,
                "subject_id": x.subject_id,
                "period": x.period,
                "indicator": x.indicator,
                "problem_type": x.problem_type,
                "amount_at_risk": fen_to_decimal(x.amount_at_risk_fen),
                "severity": x.severity,
                "major_grade": c.confirmed_grade or x.major_grade,
                "action": x.route,
                "report_due": c.report_due.isoformat() if c.report_due else "",
                "evidence": x.evidence,
            }
            for x, c in rows
        ],
        columns=["agency", *ITEM_COLUMNS],
    )
