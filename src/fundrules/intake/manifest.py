"""Submission manifests: what was received, when, and whether it changes an accepted period."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict

CST = timezone(timedelta(hours=8), name="CST")


def now_cst() -> datetime:
    """Now in China Standard Time (the regulation's deadlines are Beijing dates)."""
    return datetime.now(CST).replace(microsecond=0)


def parse_received_at(text: str) -> datetime:
    """An ISO 8601 receive time; one without an offset is China time (workflow.md)."""
    try:
        when = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(
            f"not an ISO 8601 time: {text!r} (e.g. 2025-07-15T18:00 or 2025-07-15T10:00+00:00)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=CST)
    return when


class FileRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str
    file: str
    sha256: str
    bytes: int
    encoding: str | None = None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int


class Manifest(BaseModel):
    """One submission of one period: a SHA-256 per file, row counts and the receive time."""

    model_config = ConfigDict(extra="forbid")

    period: str
    dataset: str
    received_at: str
    files: list[FileRecord]
    changes: str | None = None  # id of the accepted manifest this one changes
    changed_tables: list[str] = []

    @property
    def content(self) -> dict[str, str]:
        return {f.table: f.sha256 for f in self.files}

    @property
    def id(self) -> str:
        import hashlib

        body = json.dumps(sorted(self.content.items())).encode()
        return f"{self.period}-{hashlib.sha256(body).hexdigest()[:12]}"
