"""Document numbers (文号) kept in the case database, and the documents issued for cases
(issue #16: the supervision notice and the major-incident report).

Revision ID: r0001
Revises: c0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_numbers",
        sa.Column("prefix", sa.String(60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name="pk_document_numbers"),
    )
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(120), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_issued_documents"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_issued_documents_case_id_cases"
        ),
        sa.UniqueConstraint("kind", "case_id", name="uq_issued_documents_kind_case_id"),
        sa.UniqueConstraint(
            "prefix", "year", "sequence", name="uq_issued_documents_prefix_year_sequence"
        ),
    )
    op.create_index("ix_issued_documents_case_id", "issued_documents", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_issued_documents_case_id", "issued_documents")
    op.drop_table("issued_documents")
    op.drop_table("document_numbers")
