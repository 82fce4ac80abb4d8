"""Errors of the certificate authority, identities and signatures. Each is bad input (exit 2)."""

from __future__ import annotations

from fundrules.errors import InputError


class SecurityError(InputError, ValueError):
    """Bad input about certificates, keys, passphrases or signatures (the CLI exits 2)."""


class CertificateError(SecurityError):
    """A file that is no certificate or key, a key that does not match, a bad issue request."""


class PassphraseError(SecurityError):
    """A wrong or missing passphrase."""


class CertificateRefused(SecurityError):
    """A certificate that may not act now: unknown, not issued by this CA, expired or revoked."""
