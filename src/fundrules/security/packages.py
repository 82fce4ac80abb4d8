"""Sealed packages: the only way warnings leave the supervision body and answers come back.

A package is canonical JSON, signed (CMS SignedData) by the sender and then encrypted (CMS
EnvelopedData, AES-256, RSA key transport) to every recipient certificate, in DER, so that
``openssl cms -decrypt`` and ``openssl cms -verify`` open and check it (decisions.md D80-D82).
This module seals and opens; who may send, who receives and what is recorded is
:mod:`fundrules.security.packages_exchange`'s business.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa

from fundrules.errors import InputError

from .canonical import canonical_json
from .packages_cms import (
    CmsError,
    SigningKey,
    envelope,
    open_envelope,
    recipients_of,
    sign,
    verify_signed,
)

FORMAT = "fundrules.package/1"
KINDS = ("warnings", "feedback")


class PackageRefused(InputError):
    """A package that is not accepted; the message is the reason. Nothing was recorded."""


@dataclass(frozen=True)
class OpenedPackage:
    """A package whose envelope opened and whose signature holds under a trusted CA."""

    payload: dict[str, Any]
    signer: x509.Certificate
    signing_time: dt.datetime
    digest: str  # SHA-256 of the package file as received

    @property
    def package_id(self) -> str:
        return str(self.payload["package_id"])

    @property
    def kind(self) -> str:
        return str(self.payload["kind"])


def new_payload(
    kind: str, to: Mapping[str, str], items: Sequence[Mapping[str, Any]], **extra: Any
) -> dict[str, Any]:
    """The JSON a package carries; ``package_id`` is fresh so a replay is recognisable."""
    if kind not in KINDS:
        raise ValueError(f"package kind {kind!r} is not one of {', '.join(KINDS)}")
    return {
        "format": FORMAT,
        "package_id": uuid.uuid4().hex,
        "kind": kind,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "to": dict(to),
        "items": [dict(i) for i in items],
        **extra,
    }


def seal(
    payload: Mapping[str, Any],
    signer: x509.Certificate,
    key: SigningKey,
    recipients: Sequence[x509.Certificate],
) -> bytes:
    """Sign the payload with the sender's key, then encrypt it to every recipient.

    The signed payload lists the recipients (issuer and serial), so that a recipient can tell
    that nobody was added to, dropped from or renamed in the envelope after it was signed.
    """
    signed = {**payload, "recipients": [_recipient_entry(c) for c in recipients]}
    return envelope(sign(canonical_json(signed), signer, key), recipients)


def _recipient_entry(cert: x509.Certificate) -> dict[str, str]:
    return {"issuer": cert.issuer.public_bytes().hex(), "serial": f"{cert.serial_number:x}"}


def open_sealed(
    data: bytes,
    certificate: x509.Certificate,
    key: rsa.RSAPrivateKey,
    authorities: Sequence[x509.Certificate],
) -> OpenedPackage:
    """Decrypt with the recipient's key, verify the signature and that a trusted CA issued it.

    Refuses (``PackageRefused``, with the reason) a package that is damaged, not addressed to this
    certificate, badly signed, signed by a certificate no trusted CA issued, or signed outside
    the signer certificate's validity. Revocation and role are the caller's checks.
    """
    digest = hashlib.sha256(data).hexdigest()
    try:
        recipients = recipients_of(data)
        inner = open_envelope(data, certificate, key)
        signed = verify_signed(inner)
    except CmsError as exc:
        raise PackageRefused(str(exc)) from None
    signer = signed.signer
    if not any(_issued_by(signer, ca) for ca in authorities):
        raise PackageRefused(
            f"the signer's certificate (serial {signer.serial_number:x}, {_subject(signer)}) "
            "was not issued by a trusted certificate authority"
        )
    when = signed.signing_time
    if when is None:
        raise PackageRefused("the signature carries no signing time")
    if not signer.not_valid_before_utc <= when <= signer.not_valid_after_utc:
        raise PackageRefused(
            f"signed at {when.isoformat()} outside the validity of the signer's certificate "
            f"(serial {signer.serial_number:x}: {signer.not_valid_before_utc.isoformat()} to "
            f"{signer.not_valid_after_utc.isoformat()})"
        )
    try:
        payload = json.loads(signed.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageRefused(f"the signed content is not package JSON ({exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise PackageRefused(f"the signed content is not a {FORMAT} package")
    if payload.get("kind") not in KINDS or not isinstance(payload.get("items"), list):
        raise PackageRefused("the package names no known kind or carries no items")
    if not isinstance(payload.get("package_id"), str) or not isinstance(payload.get("to"), dict):
        raise PackageRefused("the package has no id or no addressee")
    # RecipientInfos is a SET OF: DER orders it, so compare as sets
    listed = sorted((issuer.hex(), f"{serial:x}") for issuer, serial in recipients)
    signed_list = payload.get("recipients")
    if (
        not isinstance(signed_list, list)
        or listed
        != sorted(
            (str(r.get("issuer")), str(r.get("serial"))) for r in signed_list if isinstance(r, dict)
        )
        or len(signed_list) != len(listed)
    ):
        raise PackageRefused(
            "the envelope's recipients differ from those the sender signed (altered)"
        )
    return OpenedPackage(payload, signer, when, digest)


def _issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):  # wrong issuer name, key type, signature
        return False
    return True


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()
