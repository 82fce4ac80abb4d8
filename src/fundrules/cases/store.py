"""Where a store keeps its case database and certificate authority.

The case database is a SQLite file inside the store folder unless a URL is given (``--db
postgresql+psycopg://…``); the CA is ``STORE/ca``. When ``fundrules.store`` is installed, its
``open_store(path).database_url`` names the default database.
"""

from __future__ import annotations

from pathlib import Path

from . import database
from .book import CaseBook
from .errors import CaseError

DEFAULT_DB_NAME = "cases.sqlite"


def store_locations(store: str | Path, db: str | None = None) -> tuple[str, Path]:
    """(database URL, CA folder) of a store."""
    folder = Path(store)
    if not folder.is_dir():
        raise CaseError(f"--store {folder}: no such folder")
    if db:
        return db, folder / "ca"
    try:
        from fundrules.store import open_store  # type: ignore[import-not-found]
    except ImportError:
        return f"sqlite:///{(folder / DEFAULT_DB_NAME).resolve()}", folder / "ca"
    return open_store(folder).database_url, folder / "ca"


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
