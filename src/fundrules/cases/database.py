"""Connecting to the case database and keeping its schema: Alembic migrations shipped in the
package (``fundrules/cases/migrations``). An empty database is initialised; one whose schema is
older than this fundrules is refused with the command that migrates it — never migrated silently
(docs/decisions.md D51)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from .errors import DatabaseUnreachable, SchemaOutdated

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATE_HINT = "fundrules cases migrate"


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(script().get_heads()))


def shown_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def create(url: str) -> Engine:
    """An engine for ``url`` whose first connection is tried now: an unreachable server, a
    missing SQLite folder or a malformed URL is :class:`DatabaseUnreachable` naming the URL."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnreachable(f"{url!r} is not a database URL") from exc
    kwargs: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path and path != ":memory:" and not Path(path).parent.is_dir():
            raise DatabaseUnreachable(
                f"cannot open the case database {shown_url(url)}: folder {Path(path).parent} does not exist"
            )
        kwargs["connect_args"] = {"timeout": 30}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(parsed, **kwargs)  # type: ignore[arg-type]
    except (ArgumentError, ImportError) as exc:
        raise DatabaseUnreachable(f"cannot use the database URL {shown_url(url)}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    try:
        with engine.connect():
            pass
    except (OperationalError, SQLAlchemyError) as exc:
        engine.dispose()
        cause = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise DatabaseUnreachable(
            f"cannot reach the case database {shown_url(url)}: {cause}"
        ) from exc
    return engine


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Migrate the schema (``heads`` by default) — what ``fundrules cases migrate`` runs."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def ensure_current(engine: Engine, *, what: str = "") -> None:
    """Initialise an empty database; accept one at the head; refuse an older one with the
    command that migrates it, and one newer than this fundrules knows."""
    if is_empty(engine):
        upgrade(engine)
        return
    current = current_revisions(engine)
    heads = head_revisions()
    if current == heads:
        return
    known = {rev.revision for rev in script().walk_revisions()}
    where = shown_url(engine.url.render_as_string(hide_password=False))
    unknown = [r for r in current if r not in known]
    if unknown:
        raise SchemaOutdated(
            f"the case database {where} is at revision {', '.join(unknown)}, which this "
            "fundrules does not know (written by a newer version?)"
        )
    if not current:
        raise SchemaOutdated(
            f"the database {where} holds tables but no case schema revision; "
            "it is not a fundrules case database"
        )
    raise SchemaOutdated(
        f"the case database {where} has an older schema (revision {', '.join(current) or 'none'}; "
        f"this fundrules needs {', '.join(heads)}): run `{MIGRATE_HINT}{what}` first"
    )
