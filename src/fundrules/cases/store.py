"""Where a store keeps its case database and certificate authority.

The case database is ``open_store(path).database_url`` (a SQLite file inside the store folder,
unless the store names another) or a URL given with ``--db postgresql+psycopg://…``; the CA is
``STORE/ca``.
"""

from __future__ import annotations

from pathlib import Path

from fundrules.store import open_store

from . import database
from .book import CaseBook
from .errors import CaseError


def store_locations(store: str | Path, db: str | None = None) -> tuple[str, Path]:
    """(database URL, CA folder) of a store (it must be one: ``fundrules ca init`` or
    ``fundrules intake`` makes a folder a store)."""
    opened = open_store(Path(store))
    return (db or opened.database_url), opened.root / "ca"


def open_book(store: str | Path, db: str | None = None) -> CaseBook:
    """The case book of ``store`` (its SQLite database, or ``db``), with the store's CA."""
    url, ca = store_locations(store, db)
    return CaseBook(url, ca)


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
