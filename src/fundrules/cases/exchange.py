"""Warnings out and answers back, only as sealed packages (Art. 11; workflow.md "Actions,
packages and the audit trail"; decisions.md D85).

- :func:`dispatch` — the supervision body's monitor or supervisor dispatches the confirmed cases of
  one agency as one package: signed by them, encrypted to every valid staff certificate of it;
- :func:`receive` — a store opens a package addressed to it: the agency's store receives warnings
  (the cases appear there, received on ``at``), the supervision body's store receives feedback
  (the agency's signed receipt and feedback are applied to its cases);
- :func:`feedback` — the agency answers cases of its store as one package to the supervision
  body's monitors and supervisors.

Everything a call changes happens in one transaction with its audit entries; a refused package
changes nothing and is itself recorded in the audit trail with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundrules.security import (
    CertificateAuthority,
    Holder,
    Identity,
    SecurityError,
    audit,
    canonical,
    verify,
)
from fundrules.security.certificates import serial_text, utc_now
from fundrules.security.packages import (
    OpenedPackage,
    PackageRefused,
    new_payload,
    open_sealed,
    seal,
)
from fundrules.security.records import PackageRecord

from .book import CaseBook, apply, fen_to_yuan, parse_date, today_cst
from .errors import CaseError
from .models import Case, CaseEvent, CaseSuspicion

#: who may send what (workflow.md "Roles"): warnings by a monitor or supervisor, feedback by
#: the agency's staff
SENDERS = {"warnings": ("monitor", "supervisor"), "feedback": ("agency",)}
#: case columns a warning carries to the agency, as they are
CASE_FIELDS = (
    "id", "warning_id", "agency", "subject_type", "subject_id", "period", "insurance",
    "indicators", "suspicion_count", "amount_at_risk_fen", "problem_type", "severity", "typical",
    "major_grade", "route", "report_due", "grade_ordinary_from_fen", "grade_major_from_fen",
    "opened_on", "confirmed_on",
)  # fmt: skip
SUSPICION_FIELDS = (
    "indicator", "subject_type", "subject_id", "period", "insurance", "amount_at_risk_fen",
    "severity", "problem_type", "typical", "major_grade", "route", "evidence", "rule_version",
)  # fmt: skip
DATE_FIELDS = ("report_due", "opened_on", "confirmed_on")


@dataclass
class PackageResult:
    """What a package call did: its id, kind, agency, the cases in it, the file."""

    package_id: str
    kind: str
    agency: str
    case_ids: list[int]
    path: Path | None = None
    recipients: list[str] = field(default_factory=list)
    signer: str = ""


# ---- sending ----------------------------------------------------------------------------
def dispatch(
    book: CaseBook,
    identity: Identity,
    agency: str,
    out: str | Path,
    *,
    at: dt.date | str | None = None,
) -> PackageResult:
    """Dispatch every confirmed case of ``agency`` as one package written to ``out``."""
    day = parse_date(at, "--at") if at is not None else today_cst()
    holder = _sender(book, identity, "warnings")
    target = _new_file(out)
    recipients = book.ca.holders(role="agency", agency=agency)
    if not recipients:
        raise _refused(
            book, identity, "dispatch",
            f"agency {agency} has no valid staff certificate: nobody could open its package",
        )  # fmt: skip
    payload = new_payload(
        "warnings", {"agency": agency, "region": book.ca.region}, [], dispatched_on=day.isoformat()
    )
    with book.session() as s, s.begin():
        cases = s.scalars(
            select(Case).where(Case.agency == agency, Case.state == "confirmed").order_by(Case.id)
        ).all()
        if not cases:
            raise PackageRefused(f"agency {agency} has no confirmed case to dispatch")
        for case in cases:
            event = _act(
                s, case, identity, holder, "dispatch", day, f"package {payload['package_id']}"
            )
            payload["items"].append(_warning_item(s, case, event))
        data = seal(payload, identity.certificate, identity.key, recipients)
        _record(s, "out", payload, identity, agency, data, day)
        part = _write_part(target, data)
    os.replace(part, target)  # only once the transaction committed
    return PackageResult(
        payload["package_id"], "warnings", agency, [c.id for c in cases], target,
        [serial_text(c.serial_number) for c in recipients], identity.serial,
    )  # fmt: skip


def feedback(
    book: CaseBook,
    identity: Identity,
    case_ids: Sequence[int],
    out: str | Path,
    *,
    at: dt.date | str | None = None,
    reason: str = "",
    details: Mapping[str, Any] | None = None,
) -> PackageResult:
    """In the agency's store: record the feedback on ``case_ids`` (signed by its staff) and
    write it, with the receipt dates, as one package to the supervision body's monitors and
    supervisors (their valid certificates in the store's copy of the region's CA)."""
    day = parse_date(at, "--at") if at is not None else today_cst()
    holder = _sender(book, identity, "feedback")
    target = _new_file(out)
    recipients = [
        c
        for role in SENDERS["warnings"]
        for c in book.ca.holders(role=role)
        if Holder.from_certificate(c).region == book.ca.region
    ]
    if not recipients:
        raise _refused(
            book, identity, "feedback",
            f"the CA copy in this store lists no valid monitor or supervisor of region "
            f"{book.ca.region}: publish the region's CA here (fundrules ca publish)",
        )  # fmt: skip
    agency = holder.agency or ""
    payload = new_payload("feedback", {"region": book.ca.region, "from_agency": agency}, [])
    clean = {k: v for k, v in (details or {}).items() if v is not None}
    with book.session() as s, s.begin():
        for case_id in case_ids:
            case = s.get(Case, int(case_id))
            if case is None:
                raise PackageRefused(f"case {case_id} is not in this store")
            event = _act(s, case, identity, holder, "feedback", day, reason, clean)
            receipts = s.scalars(
                select(CaseEvent).where(
                    CaseEvent.case_id == case.id,
                    CaseEvent.action == "receive",
                    CaseEvent.outcome == "done",
                )
            ).all()
            payload["items"].append(
                {
                    "case_id": case.id,
                    "received_on": case.received_on.isoformat() if case.received_on else None,
                    "events": [
                        _event_doc(e, book.ca.find(e.actor_serial)) for e in (*receipts, event)
                    ],
                }
            )
        data = seal(payload, identity.certificate, identity.key, recipients)
        _record(s, "out", payload, identity, agency, data, day)
        part = _write_part(target, data)
    os.replace(part, target)  # only once the transaction committed
    return PackageResult(
        payload["package_id"], "feedback", agency, [int(c) for c in case_ids], target,
        [serial_text(c.serial_number) for c in recipients], identity.serial,
    )  # fmt: skip


# ---- receiving --------------------------------------------------------------------------
def receive(
    book: CaseBook,
    identity: Identity,
    data: bytes,
    *,
    at: dt.date | str | None = None,
    source: str = "the package",
) -> PackageResult:
    """Open, verify and record a package addressed to this store; refuse it with the reason
    (and change nothing but the audit trail's record of the refusal) when it was altered, is
    addressed to someone else, was already received, or its signer may not send it."""
    day = parse_date(at, "--at") if at is not None else today_cst()
    try:
        holder = book.holder(identity)
        opened = open_sealed(data, identity.certificate, identity.key, [book.ca.certificate])
        signer = _trusted_signer(book.ca, opened)
        _check_addressee(book, holder, opened)
        with book.session() as s, s.begin():
            known = s.get(PackageRecord, opened.package_id)
            if known is not None:
                raise PackageRefused(
                    f"{source}: package {opened.package_id} was already received "
                    f"({known.recorded_at:%Y-%m-%d %H:%M} UTC): a replay is refused"
                )
            if opened.kind == "warnings":
                ids = _receive_warnings(s, opened, identity, holder, day)
                agency = str(opened.payload["to"]["agency"])
            else:
                ids = _receive_feedback(s, book.ca, opened, signer)
                agency = signer.agency or ""
            _record(s, "in", opened.payload, identity, agency, data, day, opened)
    except (PackageRefused, SecurityError, CaseError) as exc:
        message = f"{source}: {exc}" if not str(exc).startswith(source) else str(exc)
        _record_refusal(book, identity, "receive", message)
        raise PackageRefused(message) from None
    return PackageResult(
        opened.package_id, opened.kind, agency, ids, None, [],
        serial_text(opened.signer.serial_number),
    )  # fmt: skip


def _trusted_signer(ca: CertificateAuthority, opened: OpenedPackage) -> Holder:
    """The signer's holder if the store's CA knows the certificate, it was valid when it signed
    and is not revoked now, and its role may send this kind of package."""
    try:
        ca.check(opened.signer, at=opened.signing_time)
        signer = ca.check(opened.signer)
    except SecurityError as exc:
        raise PackageRefused(f"the signer cannot be trusted: {exc}") from None
    allowed = SENDERS[opened.kind]
    if signer.role not in allowed:
        raise PackageRefused(
            f"signed by certificate {serial_text(opened.signer.serial_number)} of role "
            f"{signer.role}, which may not send {opened.kind} (only {', '.join(allowed)})"
        )
    return signer


def _check_addressee(book: CaseBook, me: Holder, opened: OpenedPackage) -> None:
    to = opened.payload["to"]
    if str(to.get("region", "")) != book.ca.region:
        raise PackageRefused(f"addressed to region {to.get('region')}, not {book.ca.region}")
    if opened.kind == "warnings":
        if me.role != "agency" or str(to.get("agency")) != me.agency:
            raise PackageRefused(
                f"addressed to agency {to.get('agency')}, not to "
                f"{me.agency or 'a ' + me.role} (the receiving certificate's)"
            )
    elif me.role not in SENDERS["warnings"]:
        raise PackageRefused(
            f"feedback is received by a monitor or supervisor, not by role {me.role}"
        )


def _receive_warnings(
    s: Session, opened: OpenedPackage, identity: Identity, holder: Holder, day: dt.date
) -> list[int]:
    ids = []
    dispatched = parse_date(str(opened.payload.get("dispatched_on")), "dispatched_on")
    if day < dispatched:
        raise PackageRefused(f"--at {day} is before the package was dispatched ({dispatched})")
    for item in opened.payload["items"]:
        case_doc = item["case"]
        case_id = int(case_doc["id"])
        if s.get(Case, case_id) is not None:
            raise PackageRefused(f"case {case_id} is already in this store")
        if case_doc["agency"] != holder.agency:
            raise PackageRefused(f"case {case_id} is routed to {case_doc['agency']}")
        values = {k: case_doc[k] for k in CASE_FIELDS if k != "id"}
        for k in DATE_FIELDS:
            values[k] = dt.date.fromisoformat(values[k]) if values[k] else None
        case = Case(
            id=case_id, state="dispatched", dispatched_on=dispatched,
            last_action_on=dispatched, source=f"package {opened.package_id}", **values,
        )  # fmt: skip
        s.add(case)
        for sus in item["suspicions"]:
            s.add(CaseSuspicion(case_id=case_id, **{k: sus[k] for k in SUSPICION_FIELDS}))
        s.flush()
        _keep_signed_event(s, case_id, item["dispatch"], opened.signer, "dispatched")
        _act(s, case, identity, holder, "receive", day, f"package {opened.package_id}")
        ids.append(case_id)
    return ids


def _receive_feedback(
    s: Session, ca: CertificateAuthority, opened: OpenedPackage, signer: Holder
) -> list[int]:
    ids = []
    for item in opened.payload["items"]:
        case_id = int(item["case_id"])
        case = s.get(Case, case_id)
        if case is None:
            raise PackageRefused(f"case {case_id} is not in this store")
        if case.agency != signer.agency:
            raise PackageRefused(
                f"case {case_id} is routed to agency {case.agency}; the feedback is signed by "
                f"staff of {signer.agency}"
            )
        for doc in item["events"]:
            content = doc["content"]
            action = str(content.get("action"))
            cert = _certificate(doc, opened)
            when = dt.datetime.fromisoformat(content["recorded_at"])
            try:
                actor = ca.check(cert, at=when)
            except SecurityError as exc:
                raise PackageRefused(
                    f"case {case_id}: the {action} was signed when {exc}"
                ) from None
            if (
                actor.role != "agency"
                or actor.agency != case.agency
                or content.get("actor") != serial_text(cert.serial_number)
                or int(content.get("case_id", -1)) != case_id
                or not verify(cert, content, doc["signature"])
            ):
                raise PackageRefused(
                    f"case {case_id}: its {action} is not signed by staff of agency {case.agency}"
                )
            if action == "receive" and case.state != "dispatched":
                continue  # the receipt is known here already
            details = dict(content.get("details", {}))
            day = parse_date(content["at"], f"case {case_id} {action} date")
            from_state = case.state
            to_state = apply(case, actor, action, day, content["reason"], details)
            s.add(
                CaseEvent(
                    case_id=case_id, action=action, outcome="done", from_state=from_state,
                    to_state=to_state, at=day, recorded_at=when,
                    actor_serial=content["actor"], actor_role=actor.role,
                    actor_agency=actor.agency or "", reason=content["reason"],
                    details=json.dumps(details, ensure_ascii=False, sort_keys=True),
                    content=canonical(content).decode(), signature=doc["signature"],
                    message=f"package {opened.package_id}",
                )
            )  # fmt: skip
            s.flush()
            # the agency's own action joins this store's trail too (its signature is kept on
            # the case event; the entry is hashed into the chain)
            audit.append(s, "action", {**content, "package": opened.package_id}, content["actor"])
        ids.append(case_id)
    return ids


def _certificate(doc: Mapping[str, Any], opened: OpenedPackage) -> x509.Certificate:
    pem = doc.get("certificate")
    return x509.load_pem_x509_certificate(str(pem).encode()) if pem else opened.signer


# ---- shared steps -----------------------------------------------------------------------
def _sender(book: CaseBook, identity: Identity, kind: str) -> Holder:
    holder = book.holder(identity)
    if holder.role not in SENDERS[kind]:
        action = "dispatch" if kind == "warnings" else "feedback"
        raise _refused(
            book, identity, action,
            f"certificate {identity.serial} is of role {holder.role}, which may not send "
            f"{kind} (only {', '.join(SENDERS[kind])})",
        )  # fmt: skip
    return holder


def _act(
    s: Session,
    case: Case,
    identity: Identity,
    holder: Holder,
    action: str,
    day: dt.date,
    reason: str,
    details: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """Apply ``action`` as ``identity`` inside the caller's transaction, signed as
    :meth:`CaseBook.act` signs, with its audit entry."""
    recorded = utc_now()
    details = dict(details or {})
    content = {
        "case_id": case.id,
        "action": action,
        "at": day.isoformat(),
        "reason": reason,
        "details": {k: str(v) for k, v in sorted(details.items())},
        "actor": identity.serial,
        "recorded_at": recorded.isoformat(),
    }
    from_state = case.state
    to_state = apply(case, holder, action, day, reason, details)
    event = CaseEvent(
        case_id=case.id, action=action, outcome="done", from_state=from_state, to_state=to_state,
        at=day, recorded_at=recorded, actor_serial=identity.serial, actor_role=holder.role,
        actor_agency=holder.agency or "", reason=reason,
        details=json.dumps(content["details"], ensure_ascii=False, sort_keys=True),
        content=canonical(content).decode(), signature=identity.sign(content), message="",
    )  # fmt: skip
    s.add(event)
    s.flush()
    audit.append(s, "action", content, identity.serial, signer=(identity.certificate, identity.key))
    return event


def _event_doc(e: CaseEvent, cert: x509.Certificate | None = None) -> dict[str, Any]:
    doc = {
        "content": json.loads(e.content),
        "signature": e.signature,
        "from_state": e.from_state,
        "to_state": e.to_state,
    }
    if cert is not None:  # who signed it, when it is not the package's signer
        doc["certificate"] = cert.public_bytes(serialization.Encoding.PEM).decode()
    return doc


def _keep_signed_event(
    s: Session, case_id: int, doc: Mapping[str, Any], cert: x509.Certificate, to_state: str
) -> None:
    """The sender's signed dispatch, kept in the receiving store as it was signed."""
    content = doc["content"]
    if not verify(cert, content, doc["signature"]) or int(content["case_id"]) != case_id:
        raise PackageRefused(f"case {case_id}: its dispatch is not signed by the package's signer")
    holder = Holder.from_certificate(cert)
    s.add(
        CaseEvent(
            case_id=case_id, action="dispatch", outcome="done", from_state=doc["from_state"],
            to_state=to_state, at=parse_date(content["at"]),
            recorded_at=dt.datetime.fromisoformat(content["recorded_at"]),
            actor_serial=content["actor"], actor_role=holder.role, actor_agency="",
            reason=content["reason"], details="{}", content=canonical(content).decode(),
            signature=doc["signature"], message="received in the package",
        )
    )  # fmt: skip


def _warning_item(s: Session, case: Case, event: CaseEvent) -> dict[str, Any]:
    doc = {k: getattr(case, k) for k in CASE_FIELDS}
    for k in DATE_FIELDS:
        doc[k] = doc[k].isoformat() if doc[k] else None
    sus = s.scalars(select(CaseSuspicion).where(CaseSuspicion.case_id == case.id)).all()
    return {
        "case": doc,
        "amount_at_risk": f"{fen_to_yuan(case.amount_at_risk_fen):.2f}",
        "suspicions": [{k: getattr(x, k) for k in SUSPICION_FIELDS} for x in sus],
        "dispatch": _event_doc(event),
    }


def _record(
    s: Session,
    direction: str,
    payload: Mapping[str, Any],
    identity: Identity,
    agency: str,
    data: bytes,
    day: dt.date,
    opened: OpenedPackage | None = None,
) -> None:
    digest = hashlib.sha256(data).hexdigest()
    signer = serial_text(opened.signer.serial_number) if opened else identity.serial
    signed_at = opened.signing_time if opened else utc_now()
    s.add(
        PackageRecord(
            package_id=str(payload["package_id"]), direction=direction,
            kind=str(payload["kind"]), agency=agency, signer=signer, digest=digest,
            items=len(payload["items"]), signed_at=signed_at, recorded_at=utc_now(),
            business_date=day.isoformat(),
        )
    )  # fmt: skip
    audit.append(
        s,
        "package_out" if direction == "out" else "package_in",
        {
            "package_id": payload["package_id"],
            "kind": payload["kind"],
            "agency": agency,
            "signer": signer,
            "sha256": digest,
            "cases": [_item_case(i) for i in payload["items"]],
            "business_date": day.isoformat(),
        },
        identity.serial,
        signer=(identity.certificate, identity.key),
    )


def _item_case(item: Mapping[str, Any]) -> int:
    return int(item["case"]["id"]) if "case" in item else int(item["case_id"])


def _refused(book: CaseBook, identity: Identity, action: str, message: str) -> PackageRefused:
    _record_refusal(book, identity, action, message)
    return PackageRefused(message)


def _record_refusal(book: CaseBook, identity: Identity, action: str, message: str) -> None:
    with book.session() as s, s.begin():
        audit.append(
            s,
            "refusal",
            {"action": action, "reason": message},
            identity.serial,
            signer=(identity.certificate, identity.key),
        )


def _new_file(out: str | Path) -> Path:
    target = Path(out)
    if target.exists():
        raise PackageRefused(f"--out {target} exists; a package is never overwritten")
    if not target.parent.is_dir():
        raise PackageRefused(f"--out {target}: folder {target.parent} does not exist")
    return target


def _write_part(target: Path, data: bytes) -> Path:
    """Write the package beside its place; the caller moves it there once the database has
    committed, so a package never exists that its store does not record."""
    part = target.with_name(f".{target.name}.part")
    with open(part, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return part


def publish_ca(ca: CertificateAuthority, out: str | Path) -> list[Path]:
    """Copy the public part of the region's CA (its certificate, the CRL, the issued
    certificates; never the key) to ``out``, the ``ca`` folder of an agency's store."""
    dest = Path(out)
    (dest / "issued").mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("ca.pem", "crl.pem"):
        shutil.copyfile(ca.folder / name, dest / name)
        written.append(dest / name)
    for path in sorted((ca.folder / "issued").glob("*.pem")):
        shutil.copyfile(path, dest / "issued" / path.name)
        written.append(dest / "issued" / path.name)
    return written
