"""The whole way in the default set-up (SQLite in the store, local workers), every step a real
``fundrules`` process in a network namespace with no network (``unshare -n``: every connection,
even to the loopback, is refused by the kernel): intake → screen → classify → cases → dispatch →
receive → feedback → receive → audit verify. Then: no passphrase or private key in clear in any
output or file of the run, and no personal id unmasked in anything a person reads."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
from cryptography.hazmat.primitives import serialization

import fundrules.cli

#: a new network namespace has no interface up; as root plainly, else inside a user namespace
NO_NETWORK = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-r", "-n"]
PERSON_ID = re.compile(rb"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


class Run:
    """Every command of the run, with what it printed."""

    def __init__(self, root: Path, passphrase: str) -> None:
        self.root = root
        self.outputs: list[tuple[list[str], bytes, bool]] = []  # (args, stdout+stderr, human)
        (root / "key.pass").write_text(passphrase + "\n")
        self.env = {
            "FUNDRULES_PASSPHRASE_FILE": str(root / "key.pass"),
            "FUNDRULES_CA_PASSPHRASE_FILE": str(root / "key.pass"),
            "PATH": "/usr/bin:/bin",
            "HOME": str(root),
        }

    def __call__(self, *args: object, human: bool = True) -> str:
        argv = [str(a) for a in args]
        done = subprocess.run(
            [*NO_NETWORK, sys.executable, "-m", "fundrules", *argv],
            capture_output=True,
            env=self.env,
            cwd=self.root,
            timeout=600,
        )
        self.outputs.append((argv, done.stdout + done.stderr, human))
        assert done.returncode == 0, (argv, done.stderr.decode(errors="replace"))
        return done.stdout.decode()


def test_the_network_namespace_refuses_connections(tmp_path):
    probe = (
        "import socket\n"
        "for host in ('127.0.0.1', '8.8.8.8'):\n"
        "    try:\n"
        "        socket.create_connection((host, 5432 if host[0] == '1' else 53), 2)\n"
        "    except OSError:\n"
        "        continue\n"
        "    raise SystemExit(f'connected to {host}')\n"
    )
    done = subprocess.run([*NO_NETWORK, sys.executable, "-c", probe], capture_output=True)
    assert done.returncode == 0, done.stderr


def test_intake_to_feedback_without_network_secrets_or_unmasked_ids(tmp_path):
    passphrase = f"seal-e2e-{uuid.uuid4().hex}"
    run = Run(tmp_path, passphrase)
    data, store, out = tmp_path / "city", tmp_path / "store", tmp_path / "out"
    run("synth", data, "--persons", 400, "--seed", 11, "--period", "2025-06")
    run("intake", data, "--store", store, "--period", "2025-06", "--quiet")
    run("screen", "--store", store, "--period", "2025-06", "--out", out)  # the data as of June
    routing = Path(fundrules.cli.__file__).parent / "demo_classification.yaml"  # a region's routes
    run("classify", out, "--config", routing, "--discovered", "2025-07-20")

    run("ca", "init", "--store", store, "--region", "120100")
    certs = tmp_path / "certs"
    for pid, role in (("M1", "monitor"), ("S1", "supervisor")):
        run(
            "ca", "issue", "--store", store, "--id", pid, "--name", f"name {pid}", "--role", role,
            "--org", "基金监督处", "--out", certs,
        )  # fmt: skip

    def who(pid: str) -> list[object]:
        return ["--cert", certs / f"{pid}.pem", "--key", certs / f"{pid}.key"]

    run("cases", "open", "--store", store, "--from", out)
    cases = json.loads(run("cases", "list", "--store", store, *who("M1"), "--json", human=False))
    assert cases, "the synthetic city yields cases"
    agencies = {c["agency"] for c in cases if c["agency"]}
    agency = max(sorted(agencies), key=lambda a: sum(c["agency"] == a for c in cases))
    mine = sorted(c["case_id"] for c in cases if c["agency"] == agency)[:3]
    for case_id in mine:
        run("cases", "act", "--store", store, case_id, "confirm", *who("M1"), "--at", "2025-07-21")
    run(
        "ca", "issue", "--store", store, "--id", "A1", "--name", "name A1", "--role", "agency",
        "--org", "社保中心", "--agency", agency, "--out", certs,
    )  # fmt: skip

    package = tmp_path / "warnings.p7m"
    run("dispatch", "--store", store, "--agency", agency, *who("M1"), "--out", package,
        "--at", "2025-07-31")  # fmt: skip
    agency_store = tmp_path / "agency"
    run("ca", "publish", "--store", store, "--to", agency_store)
    run("receive", package, "--store", agency_store, *who("A1"), "--at", "2025-08-03")
    answer = tmp_path / "feedback.p7m"
    run(
        "feedback", "--store", agency_store, "--case", mine[0], *who("A1"), "--conclusion",
        "rectified", "--data-corrected", "yes", "--at", "2025-08-20", "--out", answer,
    )  # fmt: skip
    run("receive", answer, "--store", store, *who("M1"))
    shown = json.loads(run("cases", "show", "--store", store, mine[0], *who("M1"), "--json",
                           human=False))  # fmt: skip
    assert shown["case"]["state"] == "feedback_submitted"
    assert shown["case"]["received_on"] == "2025-08-03"
    # Art. 21: a supervisor approves what is installed; a screen handed the store's approvals
    # finds its rules approved, and one with a changed parameter is flagged
    run("rules", "approve", "--store", store, *who("S1"), "--period", "2025-06")
    approved, changed = tmp_path / "approved", tmp_path / "changed"
    run("screen", "--store", store, "--period", "2025-06", "--out", approved)
    assert json.loads((approved / "run.json").read_text())["rules_approval"]["approved"] is True
    (tmp_path / "params.yaml").write_text("fund.low_months_payable:\n  threshold: 7\n")
    run("screen", "--store", store, "--period", "2025-06", "--out", changed,
        "--params", tmp_path / "params.yaml")  # fmt: skip
    assert json.loads((changed / "run.json").read_text())["rules_approval"]["approved"] is False
    flagged = pd.read_csv(changed / "suspicions.csv", dtype=str)
    assert list(flagged[flagged.indicator == "process.unapproved_rules"].subject_type) == ["rules"]
    for s in (store, agency_store):
        assert "audit trail holds" in run("audit", "verify", "--store", s)
        run("cases", "verify", "--store", s)

    # -- no secret in clear: not the passphrase, not any private key, anywhere -------------
    secrets = [passphrase.encode(), b"BEGIN PRIVATE KEY", b"BEGIN RSA PRIVATE KEY"]
    for key_file in [store / "ca" / "ca.key", *certs.glob("*.key")]:
        key = serialization.load_pem_private_key(key_file.read_bytes(), passphrase.encode())
        clear = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        d = key.private_numbers().d  # type: ignore[union-attr]
        secrets += [clear, d.to_bytes((d.bit_length() + 7) // 8, "big"), str(d).encode()]
    everything = [(f"output of {' '.join(a)}", text) for a, text, _ in run.outputs]
    everything += [
        (str(p), p.read_bytes())
        for p in tmp_path.rglob("*")
        if p.is_file() and p.name != "key.pass"
    ]
    assert len(everything) > 50
    for where, content in everything:
        for secret in secrets:
            assert secret not in content, f"a secret in clear in {where}"

    # -- what a person reads masks every personal id; the machine files keep them -------------
    persons = _person_ids(data)
    assert len(persons) > 100
    for argv, text, human in run.outputs:
        if human:
            assert not PERSON_ID.search(text), f"an unmasked id in: fundrules {' '.join(argv)}"
            assert not any(p in text for p in persons), f"an id in: fundrules {' '.join(argv)}"
    assert PERSON_ID.search((out / "suspicions.csv").read_bytes())


def _person_ids(data: Path) -> set[bytes]:
    frame = pd.read_parquet(data / "persons.parquet", columns=["person_id"])
    return {str(p).encode() for p in frame["person_id"] if len(str(p)) == 18}
