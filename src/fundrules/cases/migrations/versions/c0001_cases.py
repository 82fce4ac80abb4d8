"""Cases, the suspicions in them, and the events on them.

Revision ID: c0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("warning_id", sa.String(40), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("insurance", sa.String(40), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("suspicion_count", sa.Integer(), nullable=False),
        sa.Column("amount_at_risk_fen", sa.BigInteger(), nullable=False),
        sa.Column("problem_type", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("typical", sa.Boolean(), nullable=False),
        sa.Column("major_grade", sa.String(10), nullable=False),
        sa.Column("route", sa.String(40), nullable=False),
        sa.Column("report_due", sa.Date(), nullable=True),
        sa.Column("grade_ordinary_from_fen", sa.BigInteger(), nullable=False),
        sa.Column("grade_major_from_fen", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("dispatched_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("dispatch_due", sa.Date(), nullable=True),
        sa.Column("receipt_due", sa.Date(), nullable=True),
        sa.Column("feedback_on", sa.Date(), nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("consult_asked_on", sa.Date(), nullable=True),
        sa.Column("consult_due", sa.Date(), nullable=True),
        sa.Column("consult_answered_on", sa.Date(), nullable=True),
        sa.Column("consult_question", sa.Text(), nullable=False),
        sa.Column("consult_answer", sa.Text(), nullable=False),
        sa.Column("feedback_problem_type", sa.String(60), nullable=False),
        sa.Column("data_corrected", sa.Boolean(), nullable=True),
        sa.Column("recovered_fen", sa.BigInteger(), nullable=False),
        sa.Column("confirmed_loss_fen", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_grade", sa.String(10), nullable=True),
        sa.Column("conclusion", sa.String(20), nullable=True),
        sa.Column("escalation_kind", sa.String(30), nullable=True),
        sa.Column("escalated_on", sa.Date(), nullable=True),
        sa.Column("escalation_approved_on", sa.Date(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("dismissed_reason", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("last_action_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_index("ix_cases_warning_id", "cases", ["warning_id"])
    op.create_index("ix_cases_agency", "cases", ["agency"])
    op.create_index("ix_cases_period", "cases", ["period"])
    op.create_index("ix_cases_state", "cases", ["state"])
    op.create_index(
        "ix_cases_warning_key", "cases", ["agency", "subject_type", "subject_id", "period"]
    )
    op.create_table(
        "case_suspicions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(80), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("insurance", sa.String(40), nullable=False),
        sa.Column("amount_at_risk_fen", sa.BigInteger(), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("problem_type", sa.String(60), nullable=False),
        sa.Column("typical", sa.Boolean(), nullable=False),
        sa.Column("major_grade", sa.String(10), nullable=False),
        sa.Column("route", sa.String(40), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("rule_version", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_suspicions"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_suspicions_case_id_cases"),
        sa.UniqueConstraint(
            "indicator",
            "subject_type",
            "subject_id",
            "period",
            name="uq_case_suspicions_indicator_subject_type_subject_id_period",
        ),
    )
    op.create_index("ix_case_suspicions_case_id", "case_suspicions", ["case_id"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("from_state", sa.String(30), nullable=False),
        sa.Column("to_state", sa.String(30), nullable=False),
        sa.Column("at", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_serial", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("actor_agency", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_events_case_id_cases"),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])


def downgrade() -> None:
    op.drop_table("case_events")
    op.drop_table("case_suspicions")
    op.drop_table("cases")
