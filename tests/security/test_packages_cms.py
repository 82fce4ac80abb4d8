"""Sealed packages at the byte level: real keys, real CMS, and OpenSSL's own command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from security.pki import Holder, issue, make_ca

from fundrules.security.packages import PackageRefused, new_payload, open_sealed, seal

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture(scope="module")
def pki() -> dict[str, Holder]:
    ca = make_ca()
    return {
        "ca": ca,
        "monitor": issue(ca, "Monitor Wang", ec_key=True),
        "staff1": issue(ca, "Agency staff Li", "Agency 01"),
        "staff2": issue(ca, "Agency staff Zhao", "Agency 01"),
        "other": issue(ca, "Other agency staff", "Agency 02"),
        "rogue_ca": make_ca("Rogue CA"),
    }


def _without_recipients(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k != "recipients"}


def _payload() -> dict:
    return new_payload(
        "warnings",
        {"agency": "A01"},
        [{"case_id": "C-1", "subject_id": "110101194001011234", "amount_at_risk": "1200.00"}],
    )


def test_seal_opens_for_each_recipient_and_keeps_full_ids(pki):
    payload = _payload()
    data = seal(
        payload, pki["monitor"].cert, pki["monitor"].key, [pki["staff1"].cert, pki["staff2"].cert]
    )
    for who in ("staff1", "staff2"):
        opened = open_sealed(data, pki[who].cert, pki[who].key, [pki["ca"].cert])
        assert _without_recipients(opened.payload) == payload
        assert len(opened.payload["recipients"]) == 2
        assert opened.payload["items"][0]["subject_id"] == "110101194001011234"
        assert opened.signer == pki["monitor"].cert
    assert b"110101194001011234" not in data  # encrypted: the id is not readable in the file


def test_not_addressed_to_this_certificate(pki):
    data = seal(_payload(), pki["monitor"].cert, pki["monitor"].key, [pki["staff1"].cert])
    with pytest.raises(PackageRefused, match="not addressed to certificate serial"):
        open_sealed(data, pki["other"].cert, pki["other"].key, [pki["ca"].cert])


def test_signer_from_an_untrusted_ca(pki):
    rogue = issue(pki["rogue_ca"], "Impostor")
    data = seal(_payload(), rogue.cert, rogue.key, [pki["staff1"].cert])
    with pytest.raises(PackageRefused, match="not issued by a trusted certificate authority"):
        open_sealed(data, pki["staff1"].cert, pki["staff1"].key, [pki["ca"].cert])


def test_every_altered_byte_is_refused(pki):
    data = seal(_payload(), pki["monitor"].cert, pki["monitor"].key, [pki["staff1"].cert])
    step = max(1, len(data) // 150)
    positions = sorted({*range(0, len(data), step), len(data) - 1, len(data) - 17})
    for pos in positions:
        damaged = bytearray(data)
        damaged[pos] ^= 0x01
        with pytest.raises(PackageRefused):
            open_sealed(bytes(damaged), pki["staff1"].cert, pki["staff1"].key, [pki["ca"].cert])


def test_a_replaced_signature_layer_is_refused(pki):
    """Re-encrypting content signed by someone else to the recipient does not pass as trusted."""
    rogue = issue(pki["rogue_ca"], "Impostor", ec_key=True)
    data = seal(_payload(), rogue.cert, rogue.key, [pki["staff1"].cert])
    with pytest.raises(PackageRefused, match="trusted certificate authority"):
        open_sealed(data, pki["staff1"].cert, pki["staff1"].key, [pki["ca"].cert])


def test_openssl_command_line_decrypts_and_verifies(pki, tmp_path: Path):
    payload = _payload()
    data = seal(
        payload, pki["monitor"].cert, pki["monitor"].key, [pki["staff1"].cert, pki["staff2"].cert]
    )
    package = tmp_path / "A01.p7m"
    package.write_bytes(data)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(pki["ca"].cert.public_bytes(Encoding.PEM))
    cert, key = pki["staff2"].write(tmp_path, "staff2", PASSPHRASE)
    passfile = tmp_path / "pass.txt"
    passfile.write_bytes(PASSPHRASE)
    inner = tmp_path / "inner.der"
    subprocess.run(
        [
            "openssl",
            "cms",
            "-decrypt",
            "-inform",
            "DER",
            "-in",
            str(package),
            "-recip",
            str(cert),
            "-inkey",
            str(key),
            "-passin",
            f"file:{passfile}",
            "-binary",
            "-out",
            str(inner),
        ],
        check=True,
        capture_output=True,
    )
    verified = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            str(inner),
            "-CAfile",
            str(ca),
            "-binary",
        ],
        check=True,
        capture_output=True,
    )
    assert b"Verification successful" in verified.stderr
    assert _without_recipients(json.loads(verified.stdout)) == payload
    info = subprocess.run(
        ["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(package)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "aes-256-cbc" in info.lower()
    assert info.count("d.ktri") == 2  # one key transport recipient per staff certificate


def test_a_recipient_renamed_in_the_envelope_is_refused(pki):
    """Another recipient's serial changed after signing: this recipient still notices."""
    data = seal(
        _payload(),
        pki["monitor"].cert,
        pki["monitor"].key,
        [pki["staff1"].cert, pki["staff2"].cert],
    )
    serial = pki["staff2"].cert.serial_number.to_bytes(20, "big").lstrip(b"\0")
    pos = data.index(serial)
    damaged = bytearray(data)
    damaged[pos + len(serial) - 1] ^= 0x01
    with pytest.raises(PackageRefused, match="recipients differ"):
        open_sealed(bytes(damaged), pki["staff1"].cert, pki["staff1"].key, [pki["ca"].cert])
