"""The audit trail: an append-only, hash-chained log in the case database (Art. 17-21).

Every entry carries the hash of the one before it; its own hash covers its sequence number, real
time, kind, actor and payload in canonical JSON, and the previous hash. An entry made by a person
acting with a certificate is also signed by them (RSA or ECDSA over the entry hash), with the
certificate kept beside it, so the signature can be checked after the certificate expired or
was revoked. :func:`verify` walks the chain and names the first entry that was altered, removed
or reordered; :func:`head` is what ``fundrules audit head`` signs and exports, so that cutting the
tail of the chain is caught against a head kept outside (decisions.md D83).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .canonical import canonical_json
from .records import AuditEntry

#: The hash the first entry links to.
GENESIS = "0" * 64
#: What is recorded (the payload says the rest).
KINDS = (
    "action",  # an action on a case, done
    "refusal",  # an action, package or command refused, with the reason
    "package_out",  # a sealed package written
    "package_in",  # a sealed package received
    "certificate",  # a certificate issued, revoked, reported lost or damaged
    "rules",  # a rule set approved
    "parameters",  # a parameter change
)


SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def entry_hash(
    seq: int, recorded_at: str, kind: str, actor: str, payload: Any, prev_hash: str
) -> str:
    """SHA-256 over the canonical JSON of the entry's content and the previous hash."""
    body = {
        "seq": seq,
        "recorded_at": recorded_at,
        "kind": kind,
        "actor": actor,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


def time_text(when: dt.datetime) -> str:
    if when.tzinfo is None:  # SQLite hands back naive datetimes: they were stored as UTC
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def append(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    actor: str = "",
    *,
    signer: tuple[x509.Certificate, SigningKey] | None = None,
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it is kept only if that commits).

    ``actor`` is the acting certificate's serial (or empty for the system); ``signer`` (the
    certificate and its key) signs the entry's hash. On PostgreSQL the chain's end is locked
    for the transaction so two writers cannot both link to it; on SQLite the database's single
    writer does that. Either way a second entry with the same ``seq`` fails on the primary key.
    """
    if kind not in KINDS:
        raise ValueError(f"audit entry kind {kind!r} is not one of {', '.join(KINDS)}")
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(8315)"))
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    body = json.loads(canonical_json(dict(payload)))  # the payload as it will read back
    digest = entry_hash(seq, time_text(when), kind, actor, body, prev)
    signature = cert_pem = ""
    if signer is not None:
        cert, key = signer
        signature = base64.b64encode(_sign(key, bytes.fromhex(digest))).decode()
        cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    entry = AuditEntry(
        seq=seq,
        recorded_at=when,
        kind=kind,
        actor=actor,
        payload=canonical_json(body).decode("utf-8"),
        prev_hash=prev,
        hash=digest,
        signature=signature,
        certificate=cert_pem,
    )
    session.add(entry)
    session.flush()
    return entry


def _sign(key: SigningKey, data: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def _signature_holds(cert_pem: str, signature: str, data: bytes) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(cert_pem.encode())
        raw = base64.b64decode(signature, validate=True)
        key = cert.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(raw, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found: ``ok``, how many entries, the head, and the first problem."""

    entries: int
    head_seq: int
    head_hash: str
    problem: str = ""
    first_bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def verify(session: Session) -> Verification:
    """Walk the chain in ``seq`` order; stop at the first entry that does not hold.

    An entry whose content no longer gives its hash was *altered*; a gap in the numbers, or an
    entry that does not link to its predecessor's hash, means entries were *removed* or
    *reordered* (which one is told by where the expected predecessor is found).
    """
    rows = list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())
    seq_by_hash = {r.hash: r.seq for r in rows}
    prev_hash, expected_seq = GENESIS, 1
    for r in rows:
        where = f"audit entry {r.seq} ({r.kind}, {time_text(r.recorded_at)})"
        if r.seq != expected_seq:
            return _bad(rows, r, f"entry {expected_seq} was removed: the chain jumps to {where}")
        if r.prev_hash != prev_hash:
            linked = seq_by_hash.get(r.prev_hash)
            if linked is not None and linked != r.seq - 1:
                problem = (
                    f"{where} was reordered: it links to entry {linked}, not to entry {r.seq - 1}"
                )
            else:
                problem = (
                    f"{where} does not link to entry {r.seq - 1}: an entry between them was "
                    "removed or altered"
                )
            return _bad(rows, r, problem)
        try:
            payload = json.loads(r.payload)
        except json.JSONDecodeError:
            return _bad(rows, r, f"{where} was altered: its payload is no longer JSON")
        recomputed = entry_hash(
            r.seq, time_text(r.recorded_at), r.kind, r.actor, payload, r.prev_hash
        )
        if recomputed != r.hash:
            return _bad(rows, r, f"{where} was altered: its content no longer gives its hash")
        if r.signature or r.certificate:
            if not _signature_holds(r.certificate, r.signature, bytes.fromhex(r.hash)):
                return _bad(rows, r, f"{where} was altered: its signature does not verify")
            serial = f"{x509.load_pem_x509_certificate(r.certificate.encode()).serial_number:x}"
            if serial != r.actor:
                return _bad(rows, r, f"{where} was altered: signed by {serial}, not {r.actor}")
        prev_hash, expected_seq = r.hash, r.seq + 1
    last = rows[-1] if rows else None
    return Verification(len(rows), last.seq if last else 0, last.hash if last else GENESIS)


def _bad(rows: list[AuditEntry], r: AuditEntry, problem: str) -> Verification:
    last = rows[-1]
    return Verification(len(rows), last.seq, last.hash, problem, r.seq)


def head(session: Session) -> dict[str, Any]:
    """The chain's end as a small JSON document (what ``audit head`` signs)."""
    last = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar()
    return {
        "format": "fundrules.audit-head/1",
        "seq": last.seq if last else 0,
        "hash": last.hash if last else GENESIS,
        "recorded_at": time_text(last.recorded_at) if last else "",
        "exported_at": time_text(dt.datetime.now(dt.UTC)),
    }


def check_head(session: Session, exported: Mapping[str, Any]) -> str:
    """Empty if the chain still holds the exported head entry unchanged, else what is wrong."""
    seq, digest = int(exported.get("seq", 0)), str(exported.get("hash", ""))
    if seq == 0:
        return ""
    row = session.get(AuditEntry, seq)
    if row is None:
        return f"audit entry {seq}, the exported head, is missing: the chain was cut"
    if row.hash != digest:
        return f"audit entry {seq} no longer has the exported head's hash: it was changed"
    return ""


def entries(session: Session, kinds: Iterable[str] | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if kinds is not None:
        query = query.where(AuditEntry.kind.in_(list(kinds)))
    return list(session.execute(query).scalars())
