"""Partial indexes of the deadlines still open: ``overdue`` reads only warnings not answered by
their due date and consultations not answered by theirs, whatever the number of cases. Also joins
the heads of the security (s0001) and document-number (r0001) revisions into one.

Revision ID: c0003
Revises: r0001, s0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0003"
down_revision = ("r0001", "s0001")
branch_labels = None
depends_on = None

FEEDBACK_OPEN = "settled_on IS NULL OR settled_on > dispatch_due"
CONSULT_OPEN = "consult_answered_on IS NULL OR consult_answered_on > consult_due"


def upgrade() -> None:
    op.create_index(
        "ix_cases_feedback_open",
        "cases",
        ["dispatch_due"],
        sqlite_where=sa.text(FEEDBACK_OPEN),
        postgresql_where=sa.text(FEEDBACK_OPEN),
    )
    op.create_index(
        "ix_cases_consult_open",
        "cases",
        ["consult_due"],
        sqlite_where=sa.text(CONSULT_OPEN),
        postgresql_where=sa.text(CONSULT_OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_consult_open", "cases")
    op.drop_index("ix_cases_feedback_open", "cases")
