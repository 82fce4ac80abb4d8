"""The region's certificate authority (Art. 20), run by the info centre.

A store's CA lives in ``STORE/ca/``:

- ``ca.pem`` — the CA certificate; ``ca.key`` — its RSA key, PKCS#8 encrypted with the CA passphrase;
- ``issued/<serial>.pem`` — every certificate it issued (known certificates; nothing is deleted);
- ``crl.pem`` — the certificate revocation list, signed by the CA, re-issued on every revocation.

A holder's certificate names the person in its subject (docs/decisions.md D50):
``CN`` name, ``UID`` the person's id, ``title`` the role, ``O`` the organisation, ``L`` the region
code, ``OU`` the agency (agency staff) and ``businessCategory`` the insurance (a business department).
Keys are RSA-3072 (the CMS packages are encrypted to them), written as encrypted PKCS#8 PEM.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .errors import CertificateError, CertificateRefused, PassphraseError

#: The roles of workflow.md ("Roles"), in its order.
ROLES: tuple[str, ...] = (
    "supervisor",
    "monitor",
    "administrator",
    "info_centre",
    "agency",
    "business_dept",
)
#: Reasons a certificate is revoked (workflow.md, "Certificates"): left post, lost, damaged.
REVOCATION_REASONS: dict[str, x509.ReasonFlags] = {
    "left_post": x509.ReasonFlags.cessation_of_operation,
    "lost": x509.ReasonFlags.key_compromise,
    "damaged": x509.ReasonFlags.superseded,
}
_REASON_NAMES = {flag: name for name, flag in REVOCATION_REASONS.items()}
KEY_BITS = 3072
DEFAULT_DAYS = 730
CA_DAYS = 3650
_SERIAL = re.compile(r"^(0x)?[0-9a-fA-F]{1,40}$")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def serial_text(serial: int) -> str:
    """A serial as people and files name it: lower-case hex."""
    return f"{serial:x}"


def parse_serial(text: str) -> int:
    """A serial given by a person: hex, with or without ``0x``, any case."""
    t = str(text).strip()
    if not _SERIAL.match(t):
        raise CertificateError(f"certificate serial {text!r} is not a hexadecimal serial number")
    return int(t.removeprefix("0x").removeprefix("0X"), 16)


@dataclass(frozen=True)
class Holder:
    """Who a certificate names: person, role, organisation, region, and agency or insurance."""

    person_id: str
    name: str
    role: str
    organisation: str
    region: str
    agency: str | None = None
    insurance: str | None = None

    def check(self) -> Holder:
        if self.role not in ROLES:
            raise CertificateError(f"role {self.role!r} is not one of: {', '.join(ROLES)}")
        for label, value in (
            ("id", self.person_id),
            ("name", self.name),
            ("organisation", self.organisation),
            ("region", self.region),
        ):
            if not str(value).strip():
                raise CertificateError(f"the certificate's {label} is empty")
        if self.role == "agency" and not self.agency:
            raise CertificateError("an agency certificate names its agency (--agency)")
        if self.role == "business_dept" and not self.insurance:
            raise CertificateError(
                "a business department certificate names its insurance (--insurance)"
            )
        if self.agency and self.role != "agency":
            raise CertificateError(f"role {self.role} has no agency; only agency staff do")
        if self.insurance and self.role != "business_dept":
            raise CertificateError(
                f"role {self.role} has no insurance; only a business department does"
            )
        return self

    def name_attributes(self) -> x509.Name:
        attrs = [
            x509.NameAttribute(NameOID.COMMON_NAME, self.name),
            x509.NameAttribute(NameOID.USER_ID, self.person_id),
            x509.NameAttribute(NameOID.TITLE, self.role),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organisation),
            x509.NameAttribute(NameOID.LOCALITY_NAME, self.region),
        ]
        if self.agency:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, self.agency))
        if self.insurance:
            attrs.append(x509.NameAttribute(NameOID.BUSINESS_CATEGORY, self.insurance))
        return x509.Name(attrs)

    @classmethod
    def from_certificate(cls, cert: x509.Certificate) -> Holder:
        def one(oid: x509.ObjectIdentifier) -> str | None:
            found = cert.subject.get_attributes_for_oid(oid)
            return str(found[0].value) if found else None

        return cls(
            person_id=one(NameOID.USER_ID) or "",
            name=one(NameOID.COMMON_NAME) or "",
            role=one(NameOID.TITLE) or "",
            organisation=one(NameOID.ORGANIZATION_NAME) or "",
            region=one(NameOID.LOCALITY_NAME) or "",
            agency=one(NameOID.ORGANIZATIONAL_UNIT_NAME),
            insurance=one(NameOID.BUSINESS_CATEGORY),
        )


@dataclass(frozen=True)
class Revocation:
    serial: str
    revoked_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class IssuedCertificate:
    """What :meth:`CertificateAuthority.issue` returns: the certificate and its encrypted key."""

    certificate: x509.Certificate
    key_pem: bytes

    @property
    def serial(self) -> str:
        return serial_text(self.certificate.serial_number)

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def write(self, out_dir: str | Path, stem: str) -> tuple[Path, Path]:
        """Write ``DIR/<stem>.pem`` and ``DIR/<stem>.key`` (the key readable by its owner only)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = out / f"{stem}.pem", out / f"{stem}.key"
        for path in (cert_path, key_path):
            if path.exists():
                raise CertificateError(f"{path} exists; a certificate or key is never overwritten")
        cert_path.write_bytes(self.cert_pem)
        key_path.touch(mode=0o600)
        key_path.write_bytes(self.key_pem)
        return cert_path, key_path


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def encrypt_key(key: rsa.RSAPrivateKey, passphrase: bytes) -> bytes:
    if not passphrase:
        raise PassphraseError("an empty passphrase cannot protect a private key")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def load_key(data: bytes, passphrase: bytes, source: str) -> rsa.RSAPrivateKey:
    """An encrypted private key; a wrong passphrase or a file that is no key is a clear error."""
    if b"PRIVATE KEY" not in data:
        raise CertificateError(f"{source} is not a PEM private key")
    if b"ENCRYPTED" not in data:
        raise CertificateError(f"{source} is not encrypted; private keys are kept encrypted")
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError) as exc:
        raise PassphraseError(f"wrong passphrase for the key {source}") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateError(f"{source} is not an RSA key")
    return key


def load_certificate(data: bytes, source: str) -> x509.Certificate:
    """A certificate from PEM or DER bytes; anything else is a clear error naming ``source``."""
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise CertificateError(f"{source} is not an X.509 certificate (PEM or DER)") from exc


def read_certificate(path: str | Path) -> x509.Certificate:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read the certificate {p}: {exc.strerror}") from exc
    return load_certificate(data, str(p))


def sign_bytes(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    """RSA PKCS#1 v1.5 with SHA-256 (``openssl dgst -sha256 -verify`` checks it)."""
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def signature_valid(cert: x509.Certificate, data: bytes, signature: bytes) -> bool:
    public = cert.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        return False
    try:
        public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


class CertificateAuthority:
    """The certificate authority of one region, kept in a folder (``STORE/ca``).

    Reading (checking certificates, the CRL, the issued list) needs no passphrase; issuing and
    revoking need the CA key's passphrase.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        cert_path = self.folder / "ca.pem"
        if not cert_path.exists():
            raise CertificateError(
                f"no certificate authority in {self.folder}: run `fundrules ca init` first"
            )
        self.certificate = load_certificate(cert_path.read_bytes(), str(cert_path))
        self.region = Holder.from_certificate(self.certificate).region

    # ---- creation ------------------------------------------------------------------------
    @classmethod
    def init(
        cls,
        folder: str | Path,
        region: str,
        passphrase: bytes,
        *,
        organisation: str = "information centre",
        now: dt.datetime | None = None,
        days: int = CA_DAYS,
    ) -> CertificateAuthority:
        """Create the CA of ``region`` in ``folder``; refuses to replace an existing one."""
        out = Path(folder)
        if (out / "ca.pem").exists() or (out / "ca.key").exists():
            raise CertificateError(f"{out} already holds a certificate authority")
        if not re.fullmatch(r"\d{6}", region):
            raise CertificateError(f"region {region!r} is not a 6-digit division code")
        key = new_key()
        start = now or utc_now()
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, f"fundrules CA {region}"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                x509.NameAttribute(NameOID.TITLE, "certificate_authority"),
                x509.NameAttribute(NameOID.LOCALITY_NAME, region),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start - dt.timedelta(minutes=5))
            .not_valid_after(start + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        (out / "issued").mkdir(parents=True, exist_ok=True)
        key_path = out / "ca.key"
        key_path.touch(mode=0o600)
        key_path.write_bytes(encrypt_key(key, passphrase))
        (out / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        ca = cls(out)
        ca._write_crl(key, [], start)
        return ca

    def _key(self, passphrase: bytes) -> rsa.RSAPrivateKey:
        path = self.folder / "ca.key"
        return load_key(path.read_bytes(), passphrase, str(path))

    # ---- issuing and revoking ------------------------------------------------------------
    def issue(
        self,
        holder: Holder,
        ca_passphrase: bytes,
        key_passphrase: bytes,
        *,
        now: dt.datetime | None = None,
        days: int = DEFAULT_DAYS,
    ) -> IssuedCertificate:
        """Issue a certificate to ``holder`` (its region must be the CA's) with a new RSA key
        encrypted with ``key_passphrase``."""
        holder.check()
        if holder.region != self.region:
            raise CertificateError(f"this CA issues for region {self.region}, not {holder.region}")
        ca_key = self._key(ca_passphrase)
        if not key_passphrase:
            raise PassphraseError("the new key needs a passphrase")
        key = new_key()
        start = now or utc_now()
        end = min(start + dt.timedelta(days=days), self.certificate.not_valid_after_utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(holder.name_attributes())
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start - dt.timedelta(minutes=5))
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=True,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
            )
            .sign(ca_key, hashes.SHA256())
        )
        (self.folder / "issued").mkdir(exist_ok=True)
        path = self.folder / "issued" / f"{serial_text(cert.serial_number)}.pem"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return IssuedCertificate(cert, encrypt_key(key, key_passphrase))

    def revoke(
        self,
        serial: str | int,
        reason: str,
        ca_passphrase: bytes,
        *,
        now: dt.datetime | None = None,
    ) -> Revocation:
        """Revoke a certificate this CA issued (``left_post``, ``lost`` or ``damaged``) and
        re-issue the CRL. A replacement for a lost or damaged one is a new :meth:`issue`."""
        if reason not in REVOCATION_REASONS:
            raise CertificateError(
                f"revocation reason {reason!r} is not one of: {', '.join(REVOCATION_REASONS)}"
            )
        number = serial if isinstance(serial, int) else parse_serial(serial)
        if not (self.folder / "issued" / f"{serial_text(number)}.pem").exists():
            raise CertificateError(f"certificate {serial_text(number)} was not issued by this CA")
        done = self.revocations()
        if serial_text(number) in done:
            raise CertificateError(
                f"certificate {serial_text(number)} is already revoked "
                f"({done[serial_text(number)].reason}, {done[serial_text(number)].revoked_at:%Y-%m-%d})"
            )
        key = self._key(ca_passphrase)
        when = now or utc_now()
        entries = [*done.values(), Revocation(serial_text(number), when, reason)]
        self._write_crl(key, entries, when)
        return entries[-1]

    def _write_crl(
        self, key: rsa.RSAPrivateKey, entries: list[Revocation], when: dt.datetime
    ) -> None:
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(when)
            .next_update(when + dt.timedelta(days=30))
        )
        for entry in entries:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(parse_serial(entry.serial))
                .revocation_date(entry.revoked_at)
                .add_extension(x509.CRLReason(REVOCATION_REASONS[entry.reason]), critical=False)
                .build()
            )
        crl = builder.sign(key, hashes.SHA256())
        tmp = self.folder / "crl.pem.tmp"
        tmp.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        tmp.replace(self.folder / "crl.pem")

    # ---- reading -------------------------------------------------------------------------
    def crl(self) -> x509.CertificateRevocationList:
        path = self.folder / "crl.pem"
        crl = x509.load_pem_x509_crl(path.read_bytes())
        if not crl.is_signature_valid(self.certificate.public_key()):  # type: ignore[arg-type]
            raise CertificateError(f"{path} is not signed by this CA: the CRL was altered")
        return crl

    def revocations(self) -> dict[str, Revocation]:
        """Revoked serials (lower-case hex) with the time and reason."""
        out: dict[str, Revocation] = {}
        for entry in self.crl():
            try:
                flag = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
            except x509.ExtensionNotFound:
                flag = x509.ReasonFlags.unspecified
            serial = serial_text(entry.serial_number)
            out[serial] = Revocation(
                serial, entry.revocation_date_utc, _REASON_NAMES.get(flag, "unspecified")
            )
        return out

    def issued(self) -> list[x509.Certificate]:
        """Every certificate this CA issued, revoked or not, oldest first."""
        certs = [read_certificate(p) for p in sorted((self.folder / "issued").glob("*.pem"))]
        return sorted(certs, key=lambda c: (c.not_valid_before_utc, c.serial_number))

    def find(self, serial: str | int) -> x509.Certificate:
        number = serial if isinstance(serial, int) else parse_serial(serial)
        path = self.folder / "issued" / f"{serial_text(number)}.pem"
        if not path.exists():
            raise CertificateRefused(f"certificate {serial_text(number)} is unknown to this CA")
        return read_certificate(path)

    def holders(
        self, *, role: str | None = None, agency: str | None = None, at: dt.datetime | None = None
    ) -> list[x509.Certificate]:
        """Certificates valid at ``at`` (default now), optionally of one role or agency: e.g. the
        agency staff a package is encrypted to."""
        when = at or utc_now()
        revoked = self.revocations()
        out = []
        for cert in self.issued():
            h = Holder.from_certificate(cert)
            if role is not None and h.role != role:
                continue
            if agency is not None and h.agency != agency:
                continue
            if self._problem(cert, when, revoked) is None:
                out.append(cert)
        return out

    def check(self, cert: x509.Certificate, at: dt.datetime | None = None) -> Holder:
        """The holder of ``cert`` if it may act at ``at`` (default now): issued by this CA (its
        signature and its record in ``issued/``), within its validity, not revoked by then.
        Otherwise :class:`CertificateRefused` saying why."""
        when = at or utc_now()
        problem = self._problem(cert, when, self.revocations())
        if problem:
            raise CertificateRefused(problem)
        return Holder.from_certificate(cert)

    def _problem(
        self, cert: x509.Certificate, when: dt.datetime, revoked: dict[str, Revocation]
    ) -> str | None:
        serial = serial_text(cert.serial_number)
        try:
            cert.verify_directly_issued_by(self.certificate)
        except (ValueError, TypeError, InvalidSignature):
            return f"certificate {serial} was not issued by the CA of region {self.region}"
        path = self.folder / "issued" / f"{serial}.pem"
        if not path.exists() or path.read_bytes() != cert.public_bytes(serialization.Encoding.PEM):
            return f"certificate {serial} is unknown to the CA of region {self.region}"
        if when < cert.not_valid_before_utc:
            return f"certificate {serial} is not valid before {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC"
        if when > cert.not_valid_after_utc:
            return f"certificate {serial} expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
        entry = revoked.get(serial)
        if entry is not None and entry.revoked_at <= when:
            return f"certificate {serial} was revoked on {entry.revoked_at:%Y-%m-%d %H:%M} UTC ({entry.reason})"
        return None
