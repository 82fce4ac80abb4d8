"""The case database's schema: Alembic revisions shipped in the package, a fresh database and an
upgrade from every earlier revision, and an older schema refused (never migrated silently)."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, text

from fundrules.cases import CaseBook, DatabaseUnreachable, SchemaOutdated, migrate
from fundrules.cases import database as db
from fundrules.cases.models import Base
from fundrules.security.records import SecurityBase


def revisions_oldest_first() -> list[str]:
    return [r.revision for r in reversed(list(db.script().walk_revisions()))]


def test_fresh_database_matches_the_models(db_url):
    engine = db.create(db_url)
    db.ensure_current(engine)
    assert db.current_revisions(engine) == db.head_revisions()
    merged = MetaData()  # the case tables and the security tables (audit, packages, approvals)
    for table in (*Base.metadata.tables.values(), *SecurityBase.metadata.tables.values()):
        table.to_metadata(merged)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), merged)
    assert diff == []
    engine.dispose()


@pytest.mark.parametrize("start", revisions_oldest_first()[:-1])
def test_upgrade_from_every_earlier_revision_keeps_the_data(db_url, start, base_run, pki):
    engine = db.create(db_url)
    db.upgrade(engine, start)
    with engine.begin() as conn:  # a case written at the old revision
        conn.execute(
            text(
                "INSERT INTO cases (warning_id, agency, subject_type, subject_id, period, insurance,"
                " indicators, suspicion_count, amount_at_risk_fen, problem_type, severity, typical,"
                " major_grade, route, grade_ordinary_from_fen, grade_major_from_fen, state,"
                " opened_on, source, consult_question, consult_answer, feedback_problem_type,"
                " recovered_fen, findings, dismissed_reason, last_action_on, version) VALUES"
                " ('w', 'PENSION', 'person', 'p1', '2025-05', 'pension', 'pension.x', 1, 12345,"
                " 'eligibility', 'high', false, 'none', 'supervision_notice', 1000000, 50000000,"
                " 'new', :d, 'old', '', '', '', 0, '', '', :d, 1)"
            ),
            {"d": dt.date(2025, 6, 20)},
        )
    with pytest.raises(SchemaOutdated, match=r"older schema .* run `fundrules cases migrate"):
        CaseBook(db_url, pki.ca)
    assert db.current_revisions(engine) == (start,)  # refused, not migrated
    engine.dispose()
    before, after = migrate(db=db_url)
    assert (before, after) == (start, ",".join(db.head_revisions()))
    with CaseBook(db_url, pki.ca) as book:
        old = book.list_cases(pki.people["monitor"])
        assert list(old.subject_id) == ["p1"] and str(old.amount_at_risk.iloc[0]) == "123.45"
        assert book.open_cases(base_run).new_cases == 3


def test_unreachable_databases_are_named(tmp_path):
    with pytest.raises(DatabaseUnreachable, match="cannot reach the case database"):
        CaseBook("postgresql+psycopg://postgres@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnreachable, match="does not exist"):
        CaseBook(f"sqlite:///{tmp_path}/absent/cases.sqlite")
    with pytest.raises(DatabaseUnreachable, match="is not a database URL"):
        CaseBook("not a url")


def test_foreign_database_is_refused(tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE stuff (x int)")
    with pytest.raises(SchemaOutdated, match="not a fundrules case database"):
        CaseBook(f"sqlite:///{path}")
