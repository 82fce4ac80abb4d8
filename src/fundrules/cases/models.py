"""The case database (SQLAlchemy 2): cases, the suspicions in them, and every event on them.

A case is one warning (workflow.md, "Case states"): the suspicions of one subject in one period
routed to one agency. Money is int64 fen; business dates are ``DATE``; the real time an event was
recorded is UTC. ``version`` is the optimistic lock: an update that finds another version than it
read changes nothing and is a conflict (docs/decisions.md D53).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Names of constraints and indexes, stable across SQLite and PostgreSQL (Alembic compares them).
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


FEEDBACK_OPEN = "settled_on IS NULL OR settled_on > dispatch_due"
CONSULT_OPEN = "consult_answered_on IS NULL OR consult_answered_on > consult_due"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Case(Base):
    """One warning and where it stands."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warning_id: Mapped[str] = mapped_column(String(40), index=True)
    agency: Mapped[str] = mapped_column(String(200), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(7), index=True)
    insurance: Mapped[str] = mapped_column(String(40), default="")
    indicators: Mapped[str] = mapped_column(Text, default="")
    suspicion_count: Mapped[int] = mapped_column(Integer, default=0)
    amount_at_risk_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # the classification the case keeps (Art. 12, 14-16)
    problem_type: Mapped[str] = mapped_column(String(60), default="")
    severity: Mapped[str] = mapped_column(String(10), default="")
    typical: Mapped[bool] = mapped_column(Boolean, default=False)
    major_grade: Mapped[str] = mapped_column(String(10), default="none")
    route: Mapped[str] = mapped_column(String(40), default="")
    report_due: Mapped[dt.date | None] = mapped_column(Date)
    grade_ordinary_from_fen: Mapped[int] = mapped_column(BigInteger, default=1_000_000)
    grade_major_from_fen: Mapped[int] = mapped_column(BigInteger, default=50_000_000)
    # the workflow
    state: Mapped[str] = mapped_column(String(30), default="new", index=True)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text, default="")
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    dispatched_on: Mapped[dt.date | None] = mapped_column(Date)
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    dispatch_due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    receipt_due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    feedback_on: Mapped[dt.date | None] = mapped_column(Date)
    settled_on: Mapped[dt.date | None] = mapped_column(Date)
    consult_asked_on: Mapped[dt.date | None] = mapped_column(Date)
    consult_due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    consult_answered_on: Mapped[dt.date | None] = mapped_column(Date)
    consult_question: Mapped[str] = mapped_column(Text, default="")
    consult_answer: Mapped[str] = mapped_column(Text, default="")
    # feedback (Art. 8(2), 12, 13)
    feedback_problem_type: Mapped[str] = mapped_column(String(60), default="")
    data_corrected: Mapped[bool | None] = mapped_column(Boolean)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    confirmed_loss_fen: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_grade: Mapped[str | None] = mapped_column(String(10))
    conclusion: Mapped[str | None] = mapped_column(String(20))
    # escalation (Art. 14-16)
    escalation_kind: Mapped[str | None] = mapped_column(String(30))
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)
    escalation_approved_on: Mapped[dt.date | None] = mapped_column(Date)
    findings: Mapped[str] = mapped_column(Text, default="")
    dismissed_reason: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    last_action_on: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_cases_warning_key", "agency", "subject_type", "subject_id", "period"),
        # the deadlines still open (migration c0003): overdue reads only these
        Index(
            "ix_cases_feedback_open",
            "dispatch_due",
            sqlite_where=text(FEEDBACK_OPEN),
            postgresql_where=text(FEEDBACK_OPEN),
        ),
        Index(
            "ix_cases_consult_open",
            "consult_due",
            sqlite_where=text(CONSULT_OPEN),
            postgresql_where=text(CONSULT_OPEN),
        ),
    )


class CaseSuspicion(Base):
    """A classified suspicion in its case: exactly one case per (indicator, subject, period)."""

    __tablename__ = "case_suspicions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(7))
    insurance: Mapped[str] = mapped_column(String(40), default="")
    amount_at_risk_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    severity: Mapped[str] = mapped_column(String(10), default="")
    problem_type: Mapped[str] = mapped_column(String(60), default="")
    typical: Mapped[bool] = mapped_column(Boolean, default=False)
    major_grade: Mapped[str] = mapped_column(String(10), default="none")
    route: Mapped[str] = mapped_column(String(40), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    rule_version: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (UniqueConstraint("indicator", "subject_type", "subject_id", "period"),)


class CaseEvent(Base):
    """Every action on a case, done or refused: who (certificate serial), when (the business date
    ``at`` and the real UTC time), why, what, and the actor's signature over ``content``."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))  # done | refused
    from_state: Mapped[str] = mapped_column(String(30), default="")
    to_state: Mapped[str] = mapped_column(String(30), default="")
    at: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor_serial: Mapped[str] = mapped_column(String(64), default="")
    actor_role: Mapped[str] = mapped_column(String(20), default="")
    actor_agency: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    content: Mapped[str] = mapped_column(Text, default="")
    signature: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")


class DocumentNumber(Base):
    """The last sequence number given under a document-number prefix in a year (文号, e.g.
    津人社监督〔2026〕12号): documents of one prefix are numbered 1, 2, … within each year."""

    __tablename__ = "document_numbers"

    prefix: Mapped[str] = mapped_column(String(60), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class IssuedDocument(Base):
    """A document issued for a case (a supervision notice, a major-incident report) and the
    number it was given; drawing the same document again keeps its number."""

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("kind", "case_id"),
        UniqueConstraint("prefix", "year", "sequence"),
    )
