"""Document numbers drawn at once by several people: distinct, gap-free, kept per case — on a
SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from fundrules.cases import CaseBook
from fundrules.cases import database as db
from fundrules.reports import ReportInputError
from fundrules.reports.numbering import draw_number, format_number

PG_ADMIN = os.environ.get("FUNDRULES_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.sqlite'}"
        return
    name = f"fr_reports_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_numbers_drawn_at_once(url, screened):
    with CaseBook(url) as book:
        case_ids = book.open_cases(screened).case_ids[:16]
    engine = db.create(url)
    day = dt.date(2026, 3, 1)
    try:
        with ThreadPoolExecutor(4) as pool:
            drawn = list(
                pool.map(
                    lambda cid: draw_number(engine, "supervision_notice", cid, "津人社监督", day),
                    case_ids,
                )
            )
        assert sorted(d.sequence for d in drawn) == list(range(1, 17))
        assert all(
            d.new and d.number == format_number("津人社监督", 2026, d.sequence) for d in drawn
        )
        again = draw_number(
            engine, "supervision_notice", case_ids[0], "别的前缀", dt.date(2027, 1, 2)
        )
        assert (again.number, again.new) == (drawn[0].number, False)
        report = draw_number(engine, "major_incident_report", case_ids[0], "津人社监督", day)
        assert report.sequence == 17  # one counter per prefix and year, whatever the kind
        next_year = draw_number(
            engine, "major_incident_report", case_ids[1], "津人社监督", dt.date(2027, 1, 4)
        )
        assert next_year.number == "津人社监督〔2027〕1号"
        with pytest.raises(ReportInputError, match="without 〔〕"):
            draw_number(engine, "supervision_notice", case_ids[2], "津人社〔监督〕", day)
    finally:
        engine.dispose()
