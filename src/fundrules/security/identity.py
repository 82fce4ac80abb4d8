"""A certificate holder acting: the certificate and its private key, loaded with the passphrase,
and the signatures over what it does (verifiable later with the certificate alone)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .canonical import canonical_json
from .certificates import (
    Holder,
    load_certificate,
    load_key,
    read_certificate,
    serial_text,
    sign_bytes,
    signature_valid,
)
from .errors import CertificateError


def canonical(content: dict[str, Any]) -> bytes:
    """The bytes a signature covers: :func:`canonical_json` (sorted keys, no spaces, UTF-8)."""
    return canonical_json(content)


@dataclass(frozen=True)
class Identity:
    """A certificate with its private key. ``holder`` says who, ``serial`` which certificate."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def holder(self) -> Holder:
        return Holder.from_certificate(self.certificate)

    @property
    def serial(self) -> str:
        return serial_text(self.certificate.serial_number)

    @property
    def cert_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def sign(self, content: dict[str, Any]) -> str:
        """Base64 RSA-SHA256 (PKCS#1 v1.5) signature over :func:`canonical` ``content``."""
        return base64.b64encode(sign_bytes(self.key, canonical(content))).decode()

    def sign_bytes(self, data: bytes) -> bytes:
        return sign_bytes(self.key, data)


def identity_from_bytes(
    cert_data: bytes, key_data: bytes, passphrase: bytes, cert_source: str, key_source: str
) -> Identity:
    cert = load_certificate(cert_data, cert_source)
    key = load_key(key_data, passphrase, key_source)
    if key.public_key().public_numbers() != cert.public_key().public_numbers():  # type: ignore[union-attr]
        raise CertificateError(
            f"the key {key_source} does not match the certificate {cert_source} "
            f"(serial {serial_text(cert.serial_number)})"
        )
    return Identity(cert, key)


def load_identity(cert: str | Path, key: str | Path, passphrase: bytes) -> Identity:
    """Load a holder's certificate (PEM or DER) and encrypted key. A file that is no certificate,
    a wrong passphrase, or a key of another certificate is a :class:`SecurityError` naming it."""
    read_certificate(cert)  # names the certificate file first when it is the bad one
    try:
        key_data = Path(key).read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read the key {key}: {exc.strerror}") from exc
    return identity_from_bytes(Path(cert).read_bytes(), key_data, passphrase, str(cert), str(key))


def verify(cert: x509.Certificate | str | bytes, content: dict[str, Any], signature: str) -> bool:
    """Whether ``signature`` (base64) is ``cert``'s over ``content``. Validity at the time of
    signing is the caller's question (:meth:`CertificateAuthority.check` with ``at``)."""
    if not isinstance(cert, x509.Certificate):
        data = cert.encode() if isinstance(cert, str) else cert
        cert = load_certificate(data, "the stored certificate")
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return signature_valid(cert, canonical(content), raw)
