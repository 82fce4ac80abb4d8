"""Fixtures of the case workflow tests: a real certificate authority with real RSA keys, classified
screening outputs written by the real classifier, and databases — a SQLite file and a fresh
PostgreSQL database per test on the server at 127.0.0.1:5432 (``FUNDRULES_TEST_PG_URL``)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from fundrules import classify, write_classification
from fundrules.screening import SUSPICION_COLUMNS
from fundrules.security import CertificateAuthority, Holder, Identity, load_identity
from fundrules.store import open_store

PG_ADMIN = os.environ.get("FUNDRULES_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CA_PASS = b"ca passphrase"
KEY_PASS = b"key passphrase"
REGION = "120100"
ROUTING = {
    "routing": {
        "default_agency": "CITY",
        "routes": [
            {"insurance": "pension", "agency": "PENSION", "name": "pension"},
            {"insurance": "medical", "agency": "MEDICAL", "name": "medical"},
        ],
    }
}
PEOPLE = {
    "monitor": Holder("M1", "王监测", "monitor", "基金监督处", REGION),
    "supervisor": Holder("S1", "李处长", "supervisor", "基金监督处", REGION),
    "agency": Holder("A1", "赵经办", "agency", "社保中心", REGION, agency="PENSION"),
    "other_agency": Holder("A2", "钱经办", "agency", "医保中心", REGION, agency="MEDICAL"),
    "business": Holder("B1", "孙业务", "business_dept", "养老保险处", REGION, insurance="pension"),
    "medical_business": Holder(
        "B2", "周业务", "business_dept", "医疗保险处", REGION, insurance="medical"
    ),
    "info": Holder("I1", "吴信息", "info_centre", "信息中心", REGION),
}


@dataclass
class PKI:
    folder: Path
    ca: CertificateAuthority
    people: dict[str, Identity]
    files: dict[str, tuple[Path, Path]]


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> PKI:
    folder = tmp_path_factory.mktemp("pki")
    open_store(folder / "store", create=True)
    ca = CertificateAuthority.init(folder / "store" / "ca", REGION, CA_PASS)
    people, files = {}, {}
    for name, holder in PEOPLE.items():
        issued = ca.issue(holder, CA_PASS, KEY_PASS)
        cert, key = issued.write(folder / "certs", name)
        files[name] = (cert, key)
        people[name] = load_identity(cert, key, KEY_PASS)
    return PKI(folder, ca, people, files)


def suspicion(indicator, subject, amount="100.00", period="2025-06", insurance=None, **kw):
    ins = insurance if insurance is not None else indicator.split(".")[0]
    return {
        "indicator": indicator,
        "insurance": ins if ins in ("pension", "medical", "injury") else "",
        "subject_type": kw.get("subject_type", "person"),
        "subject_id": subject,
        "period": period,
        "amount_at_risk": Decimal(amount),
        "severity": kw.get("severity", "high"),
        "evidence": '{"records": [{"note": "test"}]}',
        "parameters": "{}",
        "rule_version": "test#1",
    }


def write_run(out: Path, rows: list[dict], discovered: str = "2025-07-20") -> Path:
    """Classify ``rows`` with the real classifier and write the output folder."""
    frame = pd.DataFrame(rows)[SUSPICION_COLUMNS]
    result = classify(frame, ROUTING, discovered=discovered)
    write_classification(out, result)
    return out


PERSON_A = "120101195001011234"
PERSON_B = "120101196002022345"
PERSON_C = "120101197003033456"

BASE_ROWS = [
    suspicion("pension.paid_after_death", PERSON_A, "3000.00"),
    suspicion("pension.benefit_jump", PERSON_A, "500.00", severity="medium"),
    suspicion("pension.paid_after_death", PERSON_B, "12000.00"),
    suspicion("medical.duplicate_settlement", PERSON_C, "800.00"),
]


@pytest.fixture(scope="session")
def base_run(tmp_path_factory) -> Path:
    return write_run(tmp_path_factory.mktemp("run") / "out", BASE_ROWS)


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database for one test, dropped after it."""
    name = f"fr_cases_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:  # pragma: no cover - only without a server
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_ADMIN} is required in CI: {exc}")
        pytest.skip(f"no PostgreSQL at {PG_ADMIN}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def book(db_url, pki):
    from fundrules.cases import CaseBook

    b = CaseBook(db_url, pki.ca)
    yield b
    b.close()
