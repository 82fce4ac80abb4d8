"""The hash-chained audit trail on real databases: a SQLite file and a PostgreSQL database."""

from __future__ import annotations

import itertools
import os
import uuid

import psycopg
import pytest
from security.pki import issue, make_ca
from sqlalchemy import text
from sqlalchemy.orm import Session

from fundrules.cases import database
from fundrules.security import audit

PG_ADMIN = os.environ.get("FUNDRULES_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def signer():
    ca = make_ca()
    holder = issue(ca, "Monitor Wang")
    return holder.cert, holder.key


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = database.create(f"sqlite:///{tmp_path / 'audit.sqlite'}")
        database.ensure_current(eng)  # the shipped migrations, the security revision on top
        yield eng
        eng.dispose()
        return
    name = f"fr_seal_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    eng = database.create(f"{base}/{name}")
    database.ensure_current(eng)
    yield eng
    eng.dispose()
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _fill(engine, signer, n: int = 6) -> None:
    cert, _ = signer
    serial = f"{cert.serial_number:x}"
    with Session(engine) as s, s.begin():
        for i in range(1, n + 1):
            if i % 2:
                audit.append(
                    s, "action", {"case_id": i, "action": "confirm"}, serial, signer=signer
                )
            else:
                audit.append(s, "refusal", {"case_id": i, "reason": "role agency may not confirm"})


def _verify(engine) -> audit.Verification:
    with Session(engine) as s:
        return audit.verify(s)


def test_an_intact_chain_verifies(engine, signer):
    _fill(engine, signer)
    result = _verify(engine)
    assert result.ok, result.problem
    assert (result.entries, result.head_seq) == (6, 6)
    with Session(engine) as s:
        rows = audit.entries(s)
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert rows[0].signature and not rows[1].signature


def test_altered_entry_is_named(engine, signer):
    _fill(engine, signer)
    with engine.begin() as c:
        c.execute(
            text("UPDATE audit_entries SET payload = replace(payload, '4', '5') WHERE seq = 4")
        )
    result = _verify(engine)
    assert not result.ok and result.first_bad_seq == 4
    assert "audit entry 4 (refusal" in result.problem and "altered" in result.problem


def test_altered_signed_actor_is_named(engine, signer):
    _fill(engine, signer)
    with engine.begin() as c:
        c.execute(text("UPDATE audit_entries SET actor = 'ffff' WHERE seq = 3"))
    result = _verify(engine)
    assert result.first_bad_seq == 3 and "altered" in result.problem


def test_removed_entry_is_named(engine, signer):
    _fill(engine, signer)
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    result = _verify(engine)
    assert result.first_bad_seq == 4
    assert result.problem.startswith("entry 3 was removed")


def test_removed_and_renumbered_is_caught(engine, signer):
    _fill(engine, signer)
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
        for seq in (4, 5, 6):
            c.execute(
                text("UPDATE audit_entries SET seq = :n WHERE seq = :o"), {"n": seq - 1, "o": seq}
            )
    result = _verify(engine)
    assert result.first_bad_seq == 3
    assert "does not link to entry 2" in result.problem


def test_reordered_entries_are_named(engine, signer):
    _fill(engine, signer)
    with engine.begin() as c:
        c.execute(text("UPDATE audit_entries SET seq = 100 WHERE seq = 3"))
        c.execute(text("UPDATE audit_entries SET seq = 3 WHERE seq = 4"))
        c.execute(text("UPDATE audit_entries SET seq = 4 WHERE seq = 100"))
    result = _verify(engine)
    assert result.first_bad_seq == 3
    assert "audit entry 3" in result.problem and "reordered" in result.problem


def test_a_cut_tail_is_caught_against_the_exported_head(engine, signer):
    _fill(engine, signer)
    with Session(engine) as s:
        exported = audit.head(s)
    assert exported["seq"] == 6
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_entries WHERE seq >= 5"))
    assert _verify(engine).ok  # the chain alone cannot see a cut tail
    with Session(engine) as s:
        assert "entry 6, the exported head, is missing" in audit.check_head(s, exported)


def test_an_entry_is_kept_only_if_its_transaction_commits(engine, signer):
    _fill(engine, signer, 2)
    with Session(engine) as s:
        audit.append(s, "action", {"case_id": 9})
        s.rollback()
    with Session(engine) as s, s.begin():
        seq = audit.append(s, "package_out", {"package_id": "p1"}).seq
    assert seq == 3
    assert _verify(engine).ok
