"""The security tables: the hash-chained audit trail, sent and received packages (a replayed
package is refused by its id), and supervisors' signed rule approvals (issue #15, D83-D85).

Revision ID: s0001
Revises: c0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("certificate", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_entries"),
    )
    op.create_index("ix_audit_entries_kind", "audit_entries", ["kind"])
    op.create_table(
        "packages",
        sa.Column("package_id", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("signer", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("business_date", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("package_id", name="pk_packages"),
    )
    op.create_index("ix_packages_agency", "packages", ["agency"])
    op.create_table(
        "rule_approvals",
        sa.Column("approval_id", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approver", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("approval_id", name="pk_rule_approvals"),
    )
    op.create_index("ix_rule_approvals_fingerprint", "rule_approvals", ["fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_rule_approvals_fingerprint", "rule_approvals")
    op.drop_table("rule_approvals")
    op.drop_index("ix_packages_agency", "packages")
    op.drop_table("packages")
    op.drop_index("ix_audit_entries_kind", "audit_entries")
    op.drop_table("audit_entries")
