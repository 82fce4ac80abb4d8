"""Rules under approval (Art. 21): a supervisor's signed approval, and a run whose rules differ."""

from __future__ import annotations

import json

import pytest
from security.pki import issue, make_ca
from sqlalchemy import text
from sqlalchemy.orm import Session

import fundrules
from fundrules.cases import database
from fundrules.screening import installed_rule_set, manifest
from fundrules.security import audit
from fundrules.security.rule_approval import approvals_table, approve

CODES = ["process.unapproved_rules", "fund.low_deposit_rate"]
ACCOUNTS = [
    {"account_id": "A1", "insurance": "pension", "account_type": "income", "period": "2025-06",
     "balance": "10.00", "interest_rate": "1.00", "designated": "true"},
]  # fmt: skip


@pytest.fixture(scope="module")
def supervisor():
    holder = issue(make_ca(), "Supervisor Li")
    return holder.cert, holder.key


@pytest.fixture
def db(tmp_path):
    engine = database.create(f"sqlite:///{tmp_path / 'cases.sqlite'}")
    database.ensure_current(engine)
    yield engine
    engine.dispose()


def _screen(load, registry, engine, params=None):
    with Session(engine) as s:
        approvals, problems = approvals_table(s)
    ds = load({"bank_accounts": ACCOUNTS})
    result = fundrules.screen(
        ds, indicators=CODES, params=params, registry=registry, handed={"rule_approvals": approvals}
    )
    return result, problems


def test_an_approved_rule_set_runs_clean_and_a_changed_parameter_is_flagged(
    db, supervisor, load, registry
):
    rules = installed_rule_set("2025-06", CODES, registry=registry)
    with Session(db) as s, s.begin():
        approve(s, manifest(rules), *supervisor)
    result, problems = _screen(load, registry, db)
    assert problems == []
    assert result.rules_approval == {
        "checked": True,
        "approved": True,
        "fingerprint": rules["fingerprint"].iloc[0],
    }
    assert "process.unapproved_rules" not in set(result.suspicions["indicator"])

    changed, _ = _screen(
        load, registry, db, params={"fund.low_deposit_rate": {"minimum_rate": {"income": 2.0}}}
    )
    assert changed.rules_approval["approved"] is False
    hit = changed.suspicions[changed.suspicions["indicator"] == "process.unapproved_rules"]
    assert list(hit["subject_type"]) == ["rules"]
    assert list(hit["subject_id"]) == [changed.fingerprint]
    assert changed.fingerprint != rules["fingerprint"].iloc[0]
    evidence = hit["evidence"].iloc[0]
    assert "fund.low_deposit_rate: parameters changed" in evidence

    with Session(db) as s:
        entries = audit.entries(s, ["rules"])
        assert [json.loads(e.payload)["event"] for e in entries] == ["approved"]
        assert audit.verify(s).ok


def test_an_approval_edited_in_the_database_counts_for_nothing(db, supervisor, load, registry):
    rules = installed_rule_set("2025-06", CODES, registry=registry)
    other = manifest(rules) | {"fingerprint": "0" * 64}
    with Session(db) as s, s.begin():
        approve(s, other, *supervisor)
    real = rules["fingerprint"].iloc[0]
    with db.begin() as c:  # someone writes the real fingerprint over the approved one
        c.execute(text("UPDATE rule_approvals SET fingerprint = :f"), {"f": real})
    result, problems = _screen(load, registry, db)
    assert len(problems) == 1 and "fingerprint is not the signed one" in problems[0]
    assert result.rules_approval["approved"] is False
    assert "process.unapproved_rules" in set(result.suspicions["indicator"])


def test_without_approvals_handed_in_the_check_is_skipped(load, registry):
    result = fundrules.screen(
        load({"bank_accounts": ACCOUNTS}), indicators=CODES, registry=registry
    )
    assert result.rules_approval["checked"] is False
    row = result.runs.set_index("indicator").loc["process.unapproved_rules"]
    assert row["status"] == "skipped" and "rule_approvals" in row["reason"]
