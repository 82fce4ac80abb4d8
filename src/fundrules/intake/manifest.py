"""Submission manifests: what was received, when, and whether it changes an accepted period."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pydantic import BaseModel, ConfigDict

CST = timezone(timedelta(hours=8), name="CST")


def now_cst() -> datetime:
    """Now in China Standard Time (the regulation's deadlines are Beijing dates)."""
    return datetime.now(CST).replace(microsecond=0)


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


def accept_submission(
    manifest: Manifest, state_dir: str | Path, region: str = "default"
) -> Manifest:
    """Record an accepted submission in the state folder.

    A later submission that changes a period already accepted is recorded as a change
    (``changes`` names the earlier manifest), never silently replaced. Resubmitting the same
    content records nothing new.
    """
    folder = Path(state_dir) / "submissions" / region / manifest.period
    folder.mkdir(parents=True, exist_ok=True)
    accepted = sorted(folder.glob("*.json"))
    if accepted:
        last = Manifest.model_validate_json(accepted[-1].read_text(encoding="utf-8"))
        if last.content == manifest.content:
            return last
        manifest = manifest.model_copy(
            update={
                "changes": last.id,
                "changed_tables": sorted(
                    t
                    for t in set(last.content) | set(manifest.content)
                    if last.content.get(t) != manifest.content.get(t)
                ),
            }
        )
    target = folder / f"{len(accepted) + 1:04d}-{manifest.id}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(target)
    return manifest


def accepted_submissions(state_dir: str | Path, region: str = "default") -> list[Manifest]:
    """Every accepted manifest, oldest first within each period."""
    root = Path(state_dir) / "submissions" / region
    return [
        Manifest.model_validate_json(p.read_text(encoding="utf-8"))
        for p in sorted(root.glob("*/*.json"))
    ]
