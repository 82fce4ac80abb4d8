"""Warnings out and answers back only as sealed packages, as people run them: real stores, real
certificates from the region's CA, the ``fundrules`` command in subprocesses, OpenSSL's own
command line opening the package, and every refusal changing nothing but the audit trail."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli_run import fundrules
from security.pki import issue, make_ca

from fundrules.cases import handed_tables, open_book
from fundrules.cases.exchange import publish_ca
from fundrules.security import CertificateAuthority, Holder, load_identity
from fundrules.security.packages import new_payload, seal
from fundrules.store import open_store

REGION = "120100"
CA_PASS = b"region ca secret"
KEY_PASS = b"staff key secret 7"
PEOPLE = {
    "M1": Holder("M1", "王监测", "monitor", "基金监督处", REGION),
    "S1": Holder("S1", "李处长", "supervisor", "基金监督处", REGION),
    "A1": Holder("A1", "赵经办", "agency", "社保中心", REGION, agency="PENSION"),
    "A1B": Holder("A1B", "孙经办", "agency", "社保中心", REGION, agency="PENSION"),
    "A2": Holder("A2", "钱经办", "agency", "医保中心", REGION, agency="MEDICAL"),
    "B1": Holder("B1", "周业务", "business_dept", "养老保险处", REGION, insurance="pension"),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory, base_run):
    root = tmp_path_factory.mktemp("exchange")
    region = root / "region"
    open_store(region, create=True)
    ca = CertificateAuthority.init(region / "ca", REGION, CA_PASS)
    for pid, holder in PEOPLE.items():
        ca.issue(holder, CA_PASS, KEY_PASS).write(root / "certs", pid)
    (root / "key.pass").write_bytes(KEY_PASS + b"\n")
    with open_book(region) as book:
        book.open_cases(base_run)
        m1 = _me(root, "M1")
        for row in book.list_cases(m1).itertuples():
            book.act(m1, int(row.case_id), "confirm", at="2025-07-21")
    return root, region, ca


def _me(root: Path, pid: str):
    return load_identity(root / "certs" / f"{pid}.pem", root / "certs" / f"{pid}.key", KEY_PASS)


def _who(root: Path, pid: str) -> list:
    return ["--cert", root / "certs" / f"{pid}.pem", "--key", root / "certs" / f"{pid}.key"]


def _run(root: Path, *args):
    return fundrules(*args, env_extra={"FUNDRULES_PASSPHRASE_FILE": str(root / "key.pass")})


def _agency_store(root: Path, region: Path, name: str) -> Path:
    store = root / name
    open_store(store, create=True)
    publish_ca(CertificateAuthority(region / "ca"), store / "ca")
    open_book(store).close()  # its database, empty
    return store


def _state(store: Path) -> tuple:
    """What a refusal must leave alone: cases, events, packages."""
    con = sqlite3.connect(store / "cases.sqlite")
    try:
        return tuple(
            con.execute(q).fetchall()
            for q in (
                "SELECT id, state, received_on FROM cases ORDER BY id",
                "SELECT count(*) FROM case_events",
                "SELECT package_id FROM packages ORDER BY package_id",
            )
        )
    finally:
        con.close()


def _audit(store: Path) -> list[tuple[str, dict]]:
    con = sqlite3.connect(store / "cases.sqlite")
    try:
        rows = con.execute("SELECT kind, payload FROM audit_entries ORDER BY seq").fetchall()
    finally:
        con.close()
    return [(k, json.loads(p)) for k, p in rows]


@pytest.fixture(scope="module")
def dispatched(world):
    """The PENSION package, dispatched with the command line."""
    root, region, _ = world
    package = root / "PENSION.p7m"
    out = _run(
        root, "dispatch", "--store", region, "--agency", "PENSION", *_who(root, "M1"),
        "--out", package, "--at", "2025-07-31", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), package


def test_openssl_opens_and_verifies_the_package(world, dispatched, tmp_path):
    root, region, _ = world
    doc, package = dispatched
    assert doc["kind"] == "warnings" and len(doc["recipients"]) == 2  # A1 and A1B
    inner = tmp_path / "inner.der"
    decrypt = subprocess.run(
        ["openssl", "cms", "-decrypt", "-inform", "DER", "-in", str(package),
         "-recip", str(root / "certs" / "A1B.pem"), "-inkey", str(root / "certs" / "A1B.key"),
         "-passin", f"file:{root / 'key.pass'}", "-binary", "-out", str(inner)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert decrypt.returncode == 0, decrypt.stderr
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(inner),
         "-CAfile", str(region / "ca" / "ca.pem"), "-binary"],
        capture_output=True,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert b"Verification successful" in verified.stderr
    payload = json.loads(verified.stdout)
    assert payload["to"] == {"agency": "PENSION", "region": REGION}
    ids = {item["case"]["subject_id"] for item in payload["items"]}
    assert ids == {"120101195001011234", "120101196002022345"}  # full ids: the agency acts on them
    assert all(s["evidence"] for item in payload["items"] for s in item["suspicions"])
    assert b"120101195001011234" not in package.read_bytes()
    not_mine = subprocess.run(
        ["openssl", "cms", "-decrypt", "-inform", "DER", "-in", str(package),
         "-recip", str(root / "certs" / "A2.pem"), "-inkey", str(root / "certs" / "A2.key"),
         "-passin", f"file:{root / 'key.pass'}"],
        capture_output=True,
    )  # fmt: skip
    assert not_mine.returncode != 0  # another agency's staff cannot open it


def test_receive_feedback_and_back(world, dispatched):
    root, region, _ = world
    doc, package = dispatched
    agency = root / "pension-store"
    out = _run(root, "ca", "publish", "--store", region, "--to", agency)
    assert out.returncode == 0, out.stderr
    assert not (agency / "ca" / "ca.key").exists()
    out = _run(root, "receive", package, "--store", agency, *_who(root, "A1"), "--at", "2025-08-03")
    assert out.returncode == 0, out.stderr
    assert "received warnings package" in out.stdout
    again = _run(root, "receive", package, "--store", agency, *_who(root, "A1"))
    assert again.returncode == 2 and "already received" in again.stderr

    case_id = doc["cases"][0]
    answer = root / "feedback.p7m"
    out = _run(
        root, "feedback", "--store", agency, "--case", case_id, *_who(root, "A1B"),
        "--conclusion", "recovered", "--recovered", "3000.00", "--confirmed-loss", "3000.00",
        "--data-corrected", "yes", "--problem-type", "eligibility", "--reason", "stopped",
        "--at", "2025-08-20", "--out", answer,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    out = _run(root, "receive", answer, "--store", region, *_who(root, "S1"), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["cases"] == [case_id]
    with open_book(region) as book:
        case = book.case(_me(root, "M1"), case_id)["case"]
    assert case["state"] == "feedback_submitted"
    assert str(case["received_on"]) == "2025-08-03"  # the agency's signed receipt date
    assert str(case["recovered"]) == "3000.00" and case["conclusion"] == "recovered"

    for store in (region, agency):
        verify = _run(root, "audit", "verify", "--store", store)
        assert verify.returncode == 0, verify.stderr
        signatures = _run(root, "cases", "verify", "--store", store)
        assert signatures.returncode == 0, signatures.stderr
    kinds = [k for k, _ in _audit(region)]
    assert "package_out" in kinds and "package_in" in kinds and kinds.count("action") >= 4
    applied = [e for k, e in _audit(region) if k == "action" and e.get("package")]
    assert [e["action"] for e in applied] == ["receive", "feedback"]  # the agency's, signed there
    assert [k for k, _ in _audit(agency)] == [
        "action", "action", "package_in",  # two cases received, then the package recorded
        "refusal",  # the replay
        "action", "package_out",  # the feedback and its package
    ]  # fmt: skip


def test_cases_act_points_to_the_package_commands(world):
    root, region, _ = world
    out = _run(root, "cases", "act", "--store", region, "1", "dispatch", *_who(root, "M1"))
    assert out.returncode == 2 and "fundrules dispatch --store" in out.stderr


def _refused(root, store, package: Path, pid: str, message: str) -> None:
    before = _state(store)
    out = _run(root, "receive", package, "--store", store, *_who(root, pid), "--at", "2025-08-03")
    assert out.returncode == 2, out.stdout
    assert message in out.stderr, out.stderr
    assert _state(store) == before  # nothing changed
    kind, entry = _audit(store)[-1]
    assert kind == "refusal" and message in entry["reason"]


def test_altered_by_one_byte_is_refused(world, dispatched, tmp_path):
    root, region, _ = world
    store = _agency_store(root, region, "altered-store")
    data = bytearray(dispatched[1].read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged = tmp_path / "damaged.p7m"
    damaged.write_bytes(bytes(data))
    before = _state(store)
    out = _run(root, "receive", damaged, "--store", store, *_who(root, "A1"))
    assert out.returncode == 2 and str(damaged) in out.stderr
    assert _state(store) == before and _audit(store)[-1][0] == "refusal"


def test_addressed_to_another_agency_is_refused(world, dispatched):
    root, region, _ = world
    store = _agency_store(root, region, "medical-store")
    _refused(root, store, dispatched[1], "A2", "not addressed to certificate serial")


def _crafted(root, tmp_path, signer_cert, signer_key, name: str) -> Path:
    """A warnings package for PENSION built by someone else with the library's own seal."""
    ca = CertificateAuthority(root / "region" / "ca")
    item = {"case": {"id": 99, "agency": "PENSION"}, "suspicions": [], "dispatch": {}}
    payload = new_payload(
        "warnings", {"agency": "PENSION", "region": REGION}, [item], dispatched_on="2025-07-31"
    )
    path = tmp_path / name
    path.write_bytes(
        seal(payload, signer_cert, signer_key, ca.holders(role="agency", agency="PENSION"))
    )
    return path


def test_signed_by_a_role_that_may_not_dispatch_is_refused(world, tmp_path):
    root, region, _ = world
    store = _agency_store(root, region, "role-store")
    b1 = _me(root, "B1")
    package = _crafted(root, tmp_path, b1.certificate, b1.key, "b1.p7m")
    _refused(root, store, package, "A1", "of role business_dept, which may not send warnings")
    out = _run(
        root, "dispatch", "--store", region, "--agency", "PENSION", *_who(root, "B1"),
        "--out", tmp_path / "never.p7m",
    )  # fmt: skip
    assert out.returncode == 2 and "may not send warnings" in out.stderr
    assert not (tmp_path / "never.p7m").exists()


def test_signed_by_an_unknown_certificate_is_refused(world, tmp_path):
    root, region, _ = world
    store = _agency_store(root, region, "unknown-store")
    stranger = issue(make_ca("Another region's CA"), "Impostor")
    package = _crafted(root, tmp_path, stranger.cert, stranger.key, "stranger.p7m")
    _refused(root, store, package, "A1", "not issued by a trusted certificate authority")


def test_signed_by_a_revoked_certificate_is_refused(world, tmp_path):
    root, region, ca = world
    leaver = ca.issue(Holder("M9", "离职者", "monitor", "基金监督处", REGION), CA_PASS, KEY_PASS)
    leaver.write(root / "certs", "M9")
    me = _me(root, "M9")
    package = _crafted(root, tmp_path, me.certificate, me.key, "leaver.p7m")
    ca.revoke(me.serial, "left_post", CA_PASS, now=dt.datetime.now(dt.UTC))
    store = _agency_store(root, region, "revoked-store")  # the CA copy names the revocation
    _refused(root, store, package, "A1", "revoked")


def test_rules_approved_by_a_supervisor_reach_screening(world):
    root, region, _ = world
    refused = _run(root, "rules", "approve", "--store", region, *_who(root, "M1"))
    assert refused.returncode == 2 and "only a supervisor approves rules" in refused.stderr
    out = _run(
        root, "rules", "approve", "--store", region, *_who(root, "S1"), "--period", "2025-06",
        "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    approved = json.loads(out.stdout)
    handed = handed_tables(region)
    assert set(handed["rule_approvals"]["fingerprint"]) == {approved["fingerprint"]}
    assert len(handed["rule_approvals"]) == approved["rules"]
    kind, entry = _audit(region)[-1]
    assert kind == "rules" and entry["fingerprint"] == approved["fingerprint"]


def test_certificate_events_join_the_audit_trail(world):
    root, region, _ = world
    (root / "ca.pass").write_bytes(CA_PASS + b"\n")
    env = {
        "FUNDRULES_PASSPHRASE_FILE": str(root / "key.pass"),
        "FUNDRULES_CA_PASSPHRASE_FILE": str(root / "ca.pass"),
    }
    out = fundrules(
        "ca", "issue", "--store", region, "--id", "M5", "--name", "新人", "--role", "monitor",
        "--org", "基金监督处", "--out", root / "certs", env_extra=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    serial = out.stdout.split()[1]
    out = fundrules(
        "ca", "revoke", "--store", region, "--serial", serial, "--reason", "lost", env_extra=env
    )
    assert out.returncode == 0, out.stderr
    events = [(e["event"], e["serial"]) for k, e in _audit(region) if k == "certificate"]
    assert events[-2:] == [("issued", serial), ("revoked", serial)]
    assert _run(root, "audit", "verify", "--store", region).returncode == 0


def test_audit_verify_names_the_altered_entry_and_a_cut_tail(world, tmp_path):
    root, region, _ = world
    head = tmp_path / "head.der"
    out = _run(root, "audit", "head", "--store", region, *_who(root, "S1"), "--out", head)
    assert out.returncode == 0, out.stderr
    copy = tmp_path / "copy"
    open_store(copy, create=True)
    publish_ca(CertificateAuthority(region / "ca"), copy / "ca")
    (copy / "cases.sqlite").write_bytes((region / "cases.sqlite").read_bytes())
    ok = _run(root, "audit", "verify", "--store", copy, "--head", head)
    assert ok.returncode == 0, ok.stderr
    con = sqlite3.connect(copy / "cases.sqlite")
    with con:
        last = con.execute("SELECT max(seq) FROM audit_entries").fetchone()[0]
        con.execute("DELETE FROM audit_entries WHERE seq = ?", (last,))
    cut = _run(root, "audit", "verify", "--store", copy, "--head", head)
    assert (
        cut.returncode == 2 and f"audit entry {last}, the exported head, is missing" in cut.stderr
    )
    with con:
        con.execute("UPDATE audit_entries SET payload = replace(payload, 'a', 'b') WHERE seq = 2")
    con.close()
    bad = _run(root, "audit", "verify", "--store", copy)
    assert bad.returncode == 2 and "audit entry 2 (" in bad.stderr and "altered" in bad.stderr
