"""Where a store keeps its case database and certificate authority.

The case database is ``open_store(path).database_url`` (a SQLite file inside the store folder,
unless the store names another) or a URL given with ``--db postgresql+psycopg://…``; the CA is
``STORE/ca``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from fundrules.period import parse_period
from fundrules.security.rule_approval import approvals_table
from fundrules.store import open_store

from . import database
from .book import CaseBook
from .errors import CaseError

log = logging.getLogger(__name__)


def store_locations(store: str | Path, db: str | None = None) -> tuple[str, Path]:
    """(database URL, CA folder) of a store (it must be one: ``fundrules ca init`` or
    ``fundrules intake`` makes a folder a store)."""
    opened = open_store(Path(store))
    return (db or opened.database_url), opened.root / "ca"


def open_book(store: str | Path, db: str | None = None) -> CaseBook:
    """The case book of ``store`` (its SQLite database, or ``db``), with the store's CA."""
    url, ca = store_locations(store, db)
    where = f" --store {store}" + (f" --db {database.shown_url(db)}" if db else "")
    return CaseBook(url, ca, where=where)


def migrate(store: str | Path | None = None, db: str | None = None) -> tuple[str, str]:
    """Upgrade the case database to this fundrules' schema; return (before, after) revisions."""
    if store is None and not db:
        raise CaseError("give a store or a database URL to migrate")
    url = db if store is None else store_locations(store, db)[0]
    engine = database.create(url)  # type: ignore[arg-type]
    try:
        before = ",".join(database.current_revisions(engine)) or "empty"
        database.upgrade(engine)
        after = ",".join(database.current_revisions(engine))
    finally:
        engine.dispose()
    return before, after


def submissions_table(store: str | Path) -> pd.DataFrame:
    """The store's accepted submissions as the handed ``submissions`` table: ``submission_id``
    (``YYYY-MM/vN``), the period as a month number, the received date in China time."""
    subs = open_store(Path(store)).submissions()
    received = pd.to_datetime(subs["received_at"])
    if received.dt.tz is not None:
        received = received.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return pd.DataFrame(
        {
            "submission_id": (subs["period"] + "/v" + subs["version"].astype("str")).astype("str"),
            "period": pd.Series([parse_period(p) for p in subs["period"]], dtype="int32"),
            "version": subs["version"].astype("Int64"),
            "received_on": received.dt.normalize().astype("datetime64[s]"),
            "changed": subs["changed"].astype(bool),
            "changes_version": subs["changes_version"].astype("Int64"),
            "changed_tables": subs["changed_tables"].fillna("").astype("str"),
        }
    )


def handed_tables(store: str | Path, db: str | None = None) -> dict[str, pd.DataFrame]:
    """What the entry point hands to screening for the ``process.*`` checks: the store's
    ``submissions``, and the ``cases`` and ``case_events`` of its case database (empty tables
    when the store has no case database yet — nothing is created for it), and the supervisors'
    ``rule_approvals`` whose signatures hold, once there is one (Art. 21)."""
    url, _ = store_locations(store, db)
    out = {"submissions": submissions_table(store)}
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        from .tables import case_events_table, cases_table

        return {**out, "cases": cases_table([]), "case_events": case_events_table([])}
    with CaseBook(url) as book:
        out.update(book.screening_tables())
        with book.session() as s:
            approvals, problems = approvals_table(s)
    for problem in problems:  # an approval whose signature fails counts for nothing
        log.warning("rule approval left out: %s", problem)
    if len(approvals):  # the approval regime starts with a region's first approval (D84)
        out["rule_approvals"] = approvals
    return out
