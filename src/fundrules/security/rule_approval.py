"""Rules under approval (Art. 21): a supervisor signs a rule set; screening is told which sets
were approved and flags a run whose rules are not one of them (``process.unapproved_rules``).

A rule set is the run's indicators, their versions and parameter values, named by a fingerprint
(``fundrules.screening.rule_set``). An approval is kept with the supervisor's CMS signature over
the canonical manifest; only approvals whose signature still holds are handed to screening, so an
approval written into the database by hand counts for nothing (decisions.md D84).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundrules.errors import InputError

from . import audit
from .canonical import canonical_json
from .packages_cms import CmsError, SigningKey, sign, verify_signed
from .records import RuleApproval

APPROVAL_COLUMNS = [
    "approval_id",
    "indicator",
    "version",
    "parameters",
    "fingerprint",
    "approved_at",
    "approver",
]


class ApprovalError(InputError):
    """A rule set that cannot be approved (no run, a run without its rule set)."""


def manifest_from_run(out_dir: str | Path) -> dict[str, Any]:
    """The rule set of a finished run, from its ``run.json``."""
    path = Path(out_dir) / "run.json"
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ApprovalError(f"--from {out_dir}: no run.json (not a screening output)") from None
    except json.JSONDecodeError as exc:
        raise ApprovalError(f"{path} is not JSON: {exc}") from None
    if not run.get("rule_set") or not run.get("fingerprint"):
        raise ApprovalError(
            f"{path} names no rule set (written by an older fundrules?): screen again, then approve"
        )
    return {"fingerprint": run["fingerprint"], "rules": run["rule_set"]}


def approve(
    session: Session,
    manifest: Mapping[str, Any],
    certificate: x509.Certificate,
    key: SigningKey,
    *,
    now: dt.datetime | None = None,
) -> RuleApproval:
    """Record the supervisor's signed approval of ``manifest`` and its audit entry.

    Whether the certificate may approve (a valid supervisor's of the region) is the caller's
    check, made with the store's certificate authority before this is called.
    """
    body = {"fingerprint": str(manifest["fingerprint"]), "rules": list(manifest["rules"])}
    content = canonical_json(body)
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    serial = f"{certificate.serial_number:x}"
    row = RuleApproval(
        approval_id=uuid.uuid4().hex,
        fingerprint=body["fingerprint"],
        manifest=content.decode("utf-8"),
        approved_at=when,
        approver=serial,
        signature=base64.b64encode(sign(content, certificate, key)).decode(),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        "rules",
        {
            "event": "approved",
            "approval_id": row.approval_id,
            "fingerprint": row.fingerprint,
            "rules": len(body["rules"]),
        },
        serial,
        signer=(certificate, key),
        now=when,
    )
    return row


def approval_problem(row: RuleApproval) -> str:
    """Empty when the stored approval is the approver's signed manifest, else why not."""
    try:
        signed = verify_signed(base64.b64decode(row.signature, validate=True))
    except (CmsError, ValueError) as exc:
        return f"approval {row.approval_id}: its signature does not hold ({exc})"
    if signed.content != row.manifest.encode("utf-8"):
        return f"approval {row.approval_id}: the stored manifest is not the one signed"
    if f"{signed.signer.serial_number:x}" != row.approver:
        return f"approval {row.approval_id}: signed by another certificate than its approver"
    if json.loads(row.manifest).get("fingerprint") != row.fingerprint:
        return f"approval {row.approval_id}: its fingerprint is not the signed one"
    return ""


def approvals_table(session: Session) -> tuple[pd.DataFrame, list[str]]:
    """The ``rule_approvals`` table handed to screening (one row per approved rule) and the
    problems of approvals left out because their signature does not hold."""
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for approval in session.execute(select(RuleApproval)).scalars():
        problem = approval_problem(approval)
        if problem:
            problems.append(problem)
            continue
        when = audit.time_text(approval.approved_at)
        for rule in json.loads(approval.manifest)["rules"]:
            rows.append(
                {
                    "approval_id": approval.approval_id,
                    "indicator": rule["indicator"],
                    "version": rule["version"],
                    "parameters": json.dumps(
                        rule["parameters"], ensure_ascii=False, sort_keys=True, default=str
                    ),
                    "fingerprint": approval.fingerprint,
                    "approved_at": when,
                    "approver": approval.approver,
                }
            )
    return pd.DataFrame(rows, columns=APPROVAL_COLUMNS), problems
