"""Indexes for the deadlines: ``overdue`` over a million cases reads only those past a due date.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_dispatch_due", "cases", ["dispatch_due"])
    op.create_index("ix_cases_receipt_due", "cases", ["receipt_due"])
    op.create_index("ix_cases_consult_due", "cases", ["consult_due"])


def downgrade() -> None:
    op.drop_index("ix_cases_consult_due", "cases")
    op.drop_index("ix_cases_receipt_due", "cases")
    op.drop_index("ix_cases_dispatch_due", "cases")
