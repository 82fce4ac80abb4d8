"""``fundrules ca …`` and ``fundrules cases …`` as people run them: real subprocesses, a real
store folder, certificates issued by the command itself, passphrases from files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from cli_run import fundrules

from fundrules.cases import open_book
from fundrules.security import CertificateAuthority, Holder, load_identity


def identity(root, pid):
    return load_identity(
        root / "certs" / f"{pid}.pem", root / "certs" / f"{pid}.key", b"key secret"
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory, base_run):
    root = tmp_path_factory.mktemp("cli")
    (root / "ca.pass").write_text("ca secret\n")
    (root / "key.pass").write_text("key secret\n")
    env = {
        "FUNDRULES_CA_PASSPHRASE_FILE": str(root / "ca.pass"),
        "FUNDRULES_PASSPHRASE_FILE": str(root / "key.pass"),
    }
    store = root / "store"

    def run(*args: str, **kw):
        return fundrules(*args, env_extra={**env, **kw.pop("env", {})}, **kw)

    out = run("ca", "init", "--store", store, "--region", "120100")
    assert out.returncode == 0, out.stderr
    for pid, role, extra in [("M1", "monitor", []), ("A1", "agency", ["--agency", "PENSION"])]:
        out = run(
            "ca", "issue", "--store", store, "--id", pid, "--name", f"name {pid}",
            "--role", role, "--org", "org", *extra, "--out", root / "certs",
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
    ca = CertificateAuthority(store / "ca")  # the same CA from Python: fewer processes
    for pid, holder in (
        ("S1", Holder("S1", "name S1", "supervisor", "org", "120100")),
        ("A2", Holder("A2", "name A2", "agency", "org", "120100", agency="MEDICAL")),
        ("M7", Holder("M7", "leaver", "monitor", "org", "120100")),
    ):
        ca.issue(holder, b"ca secret", b"key secret").write(root / "certs", pid)
    out = run("cases", "open", "--store", store, "--from", base_run, "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["new_cases"] == 3

    def who(pid):
        return ["--cert", root / "certs" / f"{pid}.pem", "--key", root / "certs" / f"{pid}.key"]

    return root, store, run, who


def test_ca_issue_writes_pem_and_key(world):
    root, store, run, who = world  # noqa: RUF059
    assert (root / "certs" / "A1.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert "ENCRYPTED PRIVATE KEY" in (root / "certs" / "A1.key").read_text()
    listed = json.loads(run("ca", "list", "--store", store, "--json").stdout)
    assert {(c["id"], c["role"], c["agency"]) for c in listed} >= {("A1", "agency", "PENSION")}


def test_open_again_adds_nothing(world, base_run):
    root, store, run, who = world  # noqa: RUF059
    out = run("cases", "open", "--store", store, "--from", base_run, "--json")
    assert json.loads(out.stdout) == {
        "new_cases": 0, "joined_cases": 0, "new_suspicions": 0, "already_in_cases": 4,
    }  # fmt: skip


def test_act_list_overdue_summary(world):
    root, store, run, who = world
    cases = json.loads(run("cases", "list", "--store", store, *who("A1"), "--json").stdout)
    assert {c["agency"] for c in cases} == {"PENSION"}
    cid = str(cases[0]["case_id"])
    with open_book(store) as book:
        book.act(identity(root, "M1"), int(cid), "confirm", at="2025-07-21")
        book.act(identity(root, "M1"), int(cid), "dispatch", at="2025-07-31")
    # receipt and feedback travel only in sealed packages (tests/security/test_exchange.py):
    # the command line points there; the library records them here
    out = run("cases", "act", "--store", store, cid, "receive", *who("A1"), "--at", "2025-08-31")
    assert out.returncode == 2 and "fundrules receive FILE" in out.stderr
    with open_book(store) as book:
        r = book.act(identity(root, "A1"), int(cid), "receive", at="2025-08-31")
    assert (r.from_state, r.to_state) == ("dispatched", "received")
    due = json.loads(
        run(
            "cases", "overdue", "--store", store, *who("M1"), "--as-of", "2025-10-01", "--json"
        ).stdout
    )
    (row,) = due["overdue"]
    assert (row["case_id"], row["due"], row["status"]) == (int(cid), "2025-09-30", "outstanding")
    other = run("cases", "overdue", "--store", store, *who("A2"), "--as-of", "2025-10-01", "--json")
    assert json.loads(other.stdout)["overdue"] == []  # another agency sees none of it
    with open_book(store) as book:
        book.act(
            identity(root, "A1"), int(cid), "feedback", at="2025-10-08", conclusion="recovered",
            recovered="3000.00", confirmed_loss="3000.00", data_corrected="yes",
            reason="stopped and recovered",
        )  # fmt: skip
    late = json.loads(
        run(
            "cases", "overdue", "--store", store, *who("M1"), "--as-of", "2025-10-09", "--json"
        ).stdout
    )["overdue"]
    assert [(r["status"], r["answered_on"], r["days_overdue"]) for r in late] == [
        ("late", "2025-10-08", 8)
    ]
    doc = json.loads(run("cases", "summary", "--store", store, *who("S1"), "--json").stdout)
    ins = {r["insurance"]: r for r in doc["by_insurance"]}
    assert ins["pension"]["recovered"] == "3000.00" and ins["pension"]["cases"] == 2
    y = {r["indicator"]: r for r in doc["yield"]}
    assert y["pension.paid_after_death"]["confirmed"] == 1
    assert y["pension.paid_after_death"]["loss_share"] == 1.0
    rates = {r["agency"]: r for r in doc["overdue_rates"]}
    assert rates["PENSION"]["feedback_overdue"] == 1 and rates["PENSION"]["dispatched"] == 1
    out = run("cases", "verify", "--store", store)
    assert out.returncode == 0 and "signed actions verified" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999", "confirm"], "case 999 does not exist"),
        (["1", "frobnicate"], "unknown action 'frobnicate'"),
        (["1", "confirm", "--at", "2025/07/22"], "is not a date YYYY-MM-DD"),
        (["3", "confirm", "--at", "2025-01-01"], "before the case existed"),
    ],
)
def test_bad_actions_exit_2_and_change_nothing(world, args, message):
    root, store, run, who = world
    with open_book(store) as book:
        before = book.list_cases(identity(root, "M1"))
    out = run("cases", "act", "--store", store, *args, *who("M1"))
    assert out.returncode == 2, out.stderr
    assert message in out.stderr
    with open_book(store) as book:
        assert book.list_cases(identity(root, "M1")).equals(before)


def test_bad_certificates_and_passphrases_exit_2(world):
    root, store, run, who = world
    certs = root / "certs"
    out = run(
        "cases", "list", "--store", store, "--cert", root / "key.pass", "--key", certs / "M1.key"
    )
    assert out.returncode == 2 and "is not an X.509 certificate" in out.stderr
    out = run(
        "cases", "list", "--store", store, "--cert", certs / "M1.pem", "--key", certs / "A1.key"
    )
    assert out.returncode == 2 and "does not match the certificate" in out.stderr
    out = run("cases", "list", "--store", store, *who("M1"), "--passphrase-file", root / "ca.pass")
    assert out.returncode == 2 and "wrong passphrase" in out.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUNDRULES_")}
    out = subprocess.run(
        [sys.executable, "-m", "fundrules", "cases", "list", "--store", store, *who("M1")],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2 and "no passphrase" in out.stderr


def test_unreachable_database_and_older_schema_exit_2(world, tmp_path):
    root, store, run, who = world  # noqa: RUF059
    out = run("cases", "list", "--store", store, *who("M1"), "--db",
              "postgresql+psycopg://postgres@127.0.0.1:1/none")  # fmt: skip
    assert out.returncode == 2 and "cannot reach the case database" in out.stderr
    from fundrules.cases import database

    old = tmp_path / "old.sqlite"
    engine = database.create(f"sqlite:///{old}")
    database.upgrade(engine, "c0001")
    engine.dispose()
    out = run("cases", "list", "--store", store, *who("M1"), "--db", f"sqlite:///{old}")
    assert out.returncode == 2 and "run `fundrules cases migrate" in out.stderr
    out = run("cases", "migrate", "--store", store, "--db", f"sqlite:///{old}")
    assert out.returncode == 0 and "c0001 →" in out.stdout
    out = run("cases", "list", "--store", store, *who("M1"), "--db", f"sqlite:///{old}", "--json")
    assert out.returncode == 0 and json.loads(out.stdout) == []


def test_revoke_then_the_certificate_cannot_act(world):
    root, store, run, who = world
    serial = identity(root, "M7").serial
    out = run("ca", "revoke", "--store", store, "--serial", serial, "--reason", "left_post")
    assert out.returncode == 0, out.stderr
    out = run("cases", "list", "--store", store, *who("M7"))
    assert out.returncode == 2 and f"certificate {serial} was revoked" in out.stderr
    out = run("ca", "revoke", "--store", store, "--serial", serial, "--reason", "sleepy")
    assert out.returncode == 2 and "left_post, lost, damaged" in out.stderr
