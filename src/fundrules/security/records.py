"""The security tables in the case database: the audit trail, received and sent packages, rule
approvals. Created by this package's Alembic revision on top of the case schema (D83-D85)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class SecurityBase(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "pk": "pk_%(table_name)s",
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        }
    )


class AuditEntry(SecurityBase):
    """One link of the chain. ``seq`` runs 1, 2, 3… without gaps; ``hash`` links the next."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    actor: Mapped[str] = mapped_column(String(64), default="")
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text, default="")
    certificate: Mapped[str] = mapped_column(Text, default="")


class PackageRecord(SecurityBase):
    """A package sent or received. ``package_id`` is unique: a replayed package is refused."""

    __tablename__ = "packages"

    package_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # out | in
    kind: Mapped[str] = mapped_column(String(20))  # warnings | feedback
    agency: Mapped[str] = mapped_column(String(200), index=True)
    signer: Mapped[str] = mapped_column(String(64))  # certificate serial
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file
    items: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    business_date: Mapped[str] = mapped_column(String(10), default="")


class RuleApproval(SecurityBase):
    """A rule set a supervisor approved (Art. 21), with their CMS signature over its manifest."""

    __tablename__ = "rule_approvals"

    approval_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    manifest: Mapped[str] = mapped_column(Text)  # canonical JSON: fingerprint, rules
    approved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    approver: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)  # base64 DER CMS SignedData of the manifest
