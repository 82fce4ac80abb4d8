"""CMS (RFC 5652) for sealed packages: SignedData inside EnvelopedData, in DER.

``cryptography`` builds both layers and opens the envelope; it has no call that verifies a CMS
signature, so :func:`verify_signed` parses the SignedData with ``asn1crypto`` and checks the
signature with ``cryptography`` (decisions.md D81). Nothing here is hand-written cryptography: only
the parsing of a standard structure and the two checks RFC 5652 §5.4 asks for (the message digest
attribute equals the content's digest; the signature covers the DER SET OF the signed attributes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7

from fundrules.errors import InputError

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class CmsError(InputError):
    """A CMS structure that cannot be opened or whose signature does not hold; says why."""


@dataclass(frozen=True)
class SignedContent:
    """What a verified SignedData carries: the content, who signed it and when they said so."""

    content: bytes
    signer: x509.Certificate
    signing_time: dt.datetime | None
    certificates: tuple[x509.Certificate, ...]


def sign(content: bytes, certificate: x509.Certificate, key: SigningKey) -> bytes:
    """SignedData (SHA-256, signer certificate embedded, content attached), DER."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(certificate, key, hashes.SHA256())
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.NoCapabilities],
        )
    )


def envelope(content: bytes, recipients: Sequence[x509.Certificate]) -> bytes:
    """EnvelopedData, AES-256-CBC content key wrapped for each RSA recipient, DER."""
    if not recipients:
        raise CmsError("a package needs at least one recipient certificate")
    builder = pkcs7.PKCS7EnvelopeBuilder().set_data(content)
    for cert in recipients:
        if not isinstance(cert.public_key(), rsa.RSAPublicKey):
            raise CmsError(
                f"certificate serial {cert.serial_number:x} has no RSA key: packages are "
                "encrypted to RSA certificates only"
            )
        builder = builder.add_recipient(cert)
    builder = builder.set_content_encryption_algorithm(algorithms.AES256)
    return builder.encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])


def recipients_of(data: bytes) -> list[tuple[bytes, int]]:
    """(issuer name DER, serial) of every recipient of a package's EnvelopedData, in order.

    The envelope is held to exactly what :func:`envelope` writes (DER, version 0, key transport
    by issuer and serial, RSA PKCS #1 v1.5, AES-256-CBC), so a changed version, algorithm or
    encoding is refused here rather than passed on to the decryption.
    """
    info = _load(data, "enveloped_data")
    if info.dump(force=True) != data:
        raise CmsError("the envelope is not in canonical DER (altered)")
    ed = info["content"]
    if ed["version"].native != "v0" or ed["originator_info"].native is not None:
        raise CmsError("unexpected envelope version or originator (altered)")
    if ed["unprotected_attrs"].native is not None:
        raise CmsError("unexpected unprotected attributes in the envelope (altered)")
    eci = ed["encrypted_content_info"]
    if eci["content_type"].native != "data":
        raise CmsError("the envelope does not hold data (altered)")
    if eci["content_encryption_algorithm"]["algorithm"].native != "aes256_cbc":
        raise CmsError("the content is not encrypted with AES-256-CBC (altered or foreign)")
    out = []
    for ri in ed["recipient_infos"]:
        chosen = ri.chosen
        if (
            not isinstance(chosen, asn1_cms.KeyTransRecipientInfo)
            or chosen["version"].native != "v0"
        ):
            raise CmsError("a recipient is not an RSA key transport recipient (altered)")
        algo = chosen["key_encryption_algorithm"]
        if algo["algorithm"].native != "rsaes_pkcs1v15" or algo["parameters"].native is not None:
            raise CmsError("a recipient's key is not wrapped with RSA PKCS #1 v1.5 (altered)")
        rid = chosen["rid"].chosen
        if not isinstance(rid, asn1_cms.IssuerAndSerialNumber):
            raise CmsError("a recipient is not named by issuer and serial (altered)")
        out.append((rid["issuer"].dump(), int(rid["serial_number"].native)))
    return out


def open_envelope(data: bytes, certificate: x509.Certificate, key: rsa.RSAPrivateKey) -> bytes:
    """Decrypt an EnvelopedData addressed to ``certificate``."""
    recipients = recipients_of(data)
    mine = (certificate.issuer.public_bytes(), certificate.serial_number)
    if mine not in recipients:
        raise CmsError(
            f"not addressed to certificate serial {mine[1]:x}: its recipients are serials "
            + ", ".join(f"{s:x}" for _, s in recipients)
        )
    try:
        return pkcs7.pkcs7_decrypt_der(data, certificate, key, [])
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise CmsError(f"the envelope cannot be decrypted ({exc})") from None


def verify_signed(data: bytes) -> SignedContent:
    """Check a SignedData's one signature; return its content and signer (not yet trusted).

    Whether the signer's certificate is one to trust (issued by the CA, valid, not revoked, of a
    role that may send this) is the caller's question: this only proves that the holder of the
    embedded certificate's key signed exactly this content.
    """
    try:
        return _verify_signed(data)
    except CmsError:
        raise
    except (ValueError, TypeError, KeyError, UnsupportedAlgorithm) as exc:
        # a damaged structure that parsed far enough to fail inside (a garbled certificate, say)
        raise CmsError(f"the signed data is damaged ({type(exc).__name__}: {exc})") from None


def _verify_signed(data: bytes) -> SignedContent:
    info = _load(data, "signed_data")
    sd = info["content"]
    eci = sd["encap_content_info"]
    if eci["content_type"].native != "data":
        raise CmsError(f"signed content type is {eci['content_type'].native}, expected data")
    if eci["content"].native is None:
        raise CmsError("the signature is detached: the package carries no content")
    content = bytes(eci["content"].native)
    infos = list(sd["signer_infos"])
    if len(infos) != 1:
        raise CmsError(f"expected exactly one signer, found {len(infos)}")
    si = infos[0]
    certs = [x509.load_der_x509_certificate(c.chosen.dump()) for c in sd["certificates"] or []]
    signer = _find_signer(si, certs)
    digest_name = si["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise CmsError(f"digest algorithm {digest_name} is not accepted (SHA-256/384/512)")
    hash_cls = _HASHES[digest_name]
    attrs = si["signed_attrs"]
    if not attrs:
        raise CmsError("the signature has no signed attributes (content type, message digest)")
    found = {a["type"].native: a["values"] for a in attrs}
    if "content_type" not in found or found["content_type"][0].native != "data":
        raise CmsError("the signed attributes do not state the content type data")
    if "message_digest" not in found:
        raise CmsError("the signed attributes carry no message digest")
    if found["message_digest"][0].native != hashlib.new(digest_name, content).digest():
        raise CmsError("the content does not match its signed message digest (altered)")
    signing_time = None
    if "signing_time" in found:
        signing_time = found["signing_time"][0].native
    # RFC 5652 §5.4: the signature covers the DER of the attributes as a SET OF (tag 0x31),
    # not as the [0] IMPLICIT field they travel in.
    signed_bytes = b"\x31" + attrs.dump()[1:]
    _check_signature(si, signer, signed_bytes, hash_cls)
    return SignedContent(content, signer, signing_time, tuple(certs))


def _load(data: bytes, expected: str) -> asn1_cms.ContentInfo:
    try:
        info = asn1_cms.ContentInfo.load(data, strict=True)
        kind = info["content_type"].native
        if kind == expected:
            info["content"].native  # parse fully now, so a damaged structure fails here  # noqa: B018
    except (ValueError, TypeError, KeyError) as exc:
        raise CmsError(f"not a readable CMS structure ({type(exc).__name__}: {exc})") from None
    if kind != expected:
        raise CmsError(f"CMS content type is {kind}, expected {expected}")
    return info


def _find_signer(si: asn1_cms.SignerInfo, certs: list[x509.Certificate]) -> x509.Certificate:
    sid = si["sid"].chosen
    if isinstance(sid, asn1_cms.IssuerAndSerialNumber):
        serial = int(sid["serial_number"].native)
        issuer = sid["issuer"].dump()
        for cert in certs:
            if cert.serial_number == serial and cert.issuer.public_bytes() == issuer:
                return cert
        raise CmsError(f"the signer's certificate (serial {serial:x}) is not in the package")
    ski = bytes(sid.native)
    for cert in certs:
        try:
            ext = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        except x509.ExtensionNotFound:
            continue
        if ext.value.digest == ski:
            return cert
    raise CmsError("the signer's certificate is not in the package")


def _check_signature(
    si: asn1_cms.SignerInfo,
    signer: x509.Certificate,
    signed_bytes: bytes,
    hash_cls: type[hashes.HashAlgorithm],
) -> None:
    algo = si["signature_algorithm"]
    name = algo.signature_algo
    signature = bytes(si["signature"].native)
    key = signer.public_key()
    try:
        if name == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_bytes, padding.PKCS1v15(), hash_cls())
        elif name == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_bytes, ec.ECDSA(hash_cls()))
        else:
            raise CmsError(
                f"signature algorithm {algo['algorithm'].native} does not fit the signer's "
                f"{type(key).__name__} key"
            )
    except InvalidSignature:
        raise CmsError("the signature does not verify (content or attributes altered)") from None
