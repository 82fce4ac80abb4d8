"""Certificates, signatures, sealed packages and the audit trail (Art. 11, 17-21; workflow.md "Certificates").

Certificates and signatures — the small API the case workflow and the packages build on:

- :class:`CertificateAuthority` — the region's CA in ``STORE/ca`` (``init``, ``issue``, ``revoke``,
  ``crl``, ``revocations``, ``issued``, ``holders``, ``find``, ``check``);
- :class:`Holder` — who a certificate names (person, role, organisation, region, agency/insurance);
- :class:`Identity` / :func:`load_identity` — a certificate with its decrypted key; ``sign(content)``;
- :func:`verify` — a signature over content, checkable after expiry or revocation;
- :func:`read_passphrase` — from a file (option or environment variable) or a prompt;
- errors: :class:`SecurityError` and its kinds (all bad input, exit 2).
"""

from .certificates import (
    KEY_BITS,
    REVOCATION_REASONS,
    ROLES,
    CertificateAuthority,
    Holder,
    IssuedCertificate,
    Revocation,
    load_certificate,
    parse_serial,
    read_certificate,
    serial_text,
)
from .errors import CertificateError, CertificateRefused, PassphraseError, SecurityError
from .identity import Identity, canonical, identity_from_bytes, load_identity, verify
from .passphrases import CA_PASSPHRASE_FILE_ENV, PASSPHRASE_FILE_ENV, read_passphrase

__all__ = [
    "CA_PASSPHRASE_FILE_ENV",
    "KEY_BITS",
    "PASSPHRASE_FILE_ENV",
    "REVOCATION_REASONS",
    "ROLES",
    "CertificateAuthority",
    "CertificateError",
    "CertificateRefused",
    "Holder",
    "Identity",
    "IssuedCertificate",
    "PassphraseError",
    "Revocation",
    "SecurityError",
    "canonical",
    "identity_from_bytes",
    "load_certificate",
    "load_identity",
    "parse_serial",
    "read_certificate",
    "read_passphrase",
    "serial_text",
    "verify",
]
