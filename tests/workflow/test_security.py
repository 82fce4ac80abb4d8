"""The certificate authority with real RSA keys, checked by OpenSSL's own command line."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess

import pytest

from fundrules.security import (
    CertificateAuthority,
    CertificateError,
    CertificateRefused,
    Holder,
    PassphraseError,
    canonical,
    load_identity,
    read_passphrase,
    verify,
)

from .conftest import CA_PASS, KEY_PASS, REGION


def openssl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)


def test_certificate_names_person_role_org_region_and_agency(pki):
    cert, _ = pki.files["agency"]
    out = openssl("x509", "-in", str(cert), "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb")
    assert out.returncode == 0, out.stderr
    subject = out.stdout
    for part in ("CN=赵经办", "UID=A1", "title=agency", "O=社保中心", f"L={REGION}", "OU=PENSION"):
        assert part in subject
    bd = openssl("x509", "-in", str(pki.files["business"][0]), "-noout", "-subject")
    assert "businessCategory = pension" in bd.stdout
    bits = openssl("x509", "-in", str(cert), "-noout", "-text").stdout
    assert "Public-Key: (3072 bit)" in bits
    ok = openssl("verify", "-CAfile", str(pki.ca.folder / "ca.pem"), str(cert))
    assert ok.returncode == 0 and ": OK" in ok.stdout


def test_private_key_encrypted_at_rest(pki):
    key = pki.files["monitor"][1]
    assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes()
    assert key.stat().st_mode & 0o077 == 0
    wrong = openssl("pkey", "-in", str(key), "-passin", "pass:nope", "-noout")
    assert wrong.returncode != 0
    right = openssl("pkey", "-in", str(key), "-passin", f"pass:{KEY_PASS.decode()}", "-noout")
    assert right.returncode == 0, right.stderr


def test_signature_checks_with_openssl(pki, tmp_path):
    me = pki.people["monitor"]
    content = {"case_id": 7, "action": "confirm", "at": "2025-08-01"}
    sig = me.sign(content)
    assert verify(me.certificate, content, sig)
    assert not verify(me.certificate, {**content, "case_id": 8}, sig)
    (tmp_path / "data").write_bytes(canonical(content))
    (tmp_path / "sig").write_bytes(base64.b64decode(sig))
    pub = openssl("x509", "-in", str(pki.files["monitor"][0]), "-noout", "-pubkey").stdout
    (tmp_path / "pub.pem").write_text(pub)
    out = openssl(
        "dgst", "-sha256", "-verify", str(tmp_path / "pub.pem"),
        "-signature", str(tmp_path / "sig"), str(tmp_path / "data"),
    )  # fmt: skip
    assert out.stdout.strip() == "Verified OK"


def test_bad_files_and_passphrases(pki, tmp_path):
    cert, key = pki.files["monitor"]
    with pytest.raises(PassphraseError, match=f"wrong passphrase for the key {key}"):
        load_identity(cert, key, b"wrong")
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")
    with pytest.raises(CertificateError, match=f"{junk} is not an X.509 certificate"):
        load_identity(junk, key, KEY_PASS)
    other_key = pki.files["supervisor"][1]
    with pytest.raises(CertificateError, match="does not match the certificate"):
        load_identity(cert, other_key, KEY_PASS)


def test_revoke_lost_then_replacement_and_crl(tmp_path):
    ca = CertificateAuthority.init(tmp_path / "ca", REGION, CA_PASS)
    holder = Holder("M9", "丢证人", "monitor", "基金监督处", REGION)
    first = ca.issue(holder, CA_PASS, KEY_PASS)
    cert, _ = first.write(tmp_path / "c", "m9")
    ca.revoke(first.serial, "lost", CA_PASS)
    with pytest.raises(CertificateRefused, match=r"revoked .*\(lost\)"):
        ca.check(first.certificate)
    crl = openssl("crl", "-in", str(ca.folder / "crl.pem"), "-noout", "-text").stdout
    assert first.serial.upper() in crl.replace(":", "").upper()
    assert "Key Compromise" in crl
    out = openssl(
        "verify", "-crl_check", "-CAfile", str(ca.folder / "ca.pem"),
        "-CRLfile", str(ca.folder / "crl.pem"), str(cert),
    )  # fmt: skip
    assert out.returncode != 0 and "certificate revoked" in out.stdout + out.stderr
    second = ca.issue(holder, CA_PASS, KEY_PASS)  # the replacement: a new issue
    assert second.serial != first.serial
    assert ca.check(second.certificate).person_id == "M9"
    with pytest.raises(CertificateError, match="already revoked"):
        ca.revoke(first.serial, "damaged", CA_PASS)
    with pytest.raises(CertificateError, match="not one of: left_post, lost, damaged"):
        ca.revoke(second.serial, "bored", CA_PASS)
    with pytest.raises(PassphraseError):
        ca.revoke(second.serial, "left_post", b"not the CA passphrase")
    assert ca.check(second.certificate)  # nothing changed by the refused revocations


def test_expired_and_foreign_certificates_cannot_act(tmp_path):
    ca = CertificateAuthority.init(tmp_path / "ca", REGION, CA_PASS)
    old = ca.issue(
        Holder("M8", "旧", "monitor", "x", REGION),
        CA_PASS,
        KEY_PASS,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(days=10),
        days=2,
    )
    with pytest.raises(CertificateRefused, match="expired"):
        ca.check(old.certificate)
    # valid when it signed: still verifiable at that time
    assert ca.check(old.certificate, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=9))
    other = CertificateAuthority.init(tmp_path / "other", REGION, CA_PASS)
    foreign = other.issue(Holder("X1", "外", "supervisor", "x", REGION), CA_PASS, KEY_PASS)
    with pytest.raises(CertificateRefused, match="not issued by the CA of region"):
        ca.check(foreign.certificate)


def test_issue_refuses_bad_requests(pki):
    with pytest.raises(CertificateError, match="names its agency"):
        pki.ca.issue(Holder("A", "a", "agency", "o", REGION), CA_PASS, KEY_PASS)
    with pytest.raises(CertificateError, match="role 'janitor' is not one of"):
        pki.ca.issue(Holder("A", "a", "janitor", "o", REGION), CA_PASS, KEY_PASS)
    with pytest.raises(CertificateError, match="region 120100, not 110100"):
        pki.ca.issue(Holder("A", "a", "monitor", "o", "110100"), CA_PASS, KEY_PASS)
    with pytest.raises(CertificateError, match="only agency staff"):
        pki.ca.issue(Holder("A", "a", "monitor", "o", REGION, agency="X"), CA_PASS, KEY_PASS)


def test_passphrase_from_file_or_environment(tmp_path, monkeypatch):
    f = tmp_path / "pass"
    f.write_bytes(b"s3cret\n")
    assert read_passphrase(f, "FR_TEST_PASS", "the key") == b"s3cret"
    monkeypatch.setenv("FR_TEST_PASS", str(f))
    assert read_passphrase(None, "FR_TEST_PASS", "the key") == b"s3cret"
    monkeypatch.delenv("FR_TEST_PASS")
    with pytest.raises(PassphraseError, match="cannot read the passphrase file"):
        read_passphrase(tmp_path / "absent", "FR_TEST_PASS", "the key")
