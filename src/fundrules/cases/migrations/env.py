"""Alembic environment of the case database. Run through :mod:`fundrules.cases.database` (which
hands a connection in ``config.attributes["connection"]``), or ``alembic`` with ``sqlalchemy.url``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from fundrules.cases.models import Base
from fundrules.security.records import SecurityBase

config = context.config
# the case tables and, on top (revision s0001), the security tables: audit, packages, approvals
target_metadata = [Base.metadata, SecurityBase.metadata]


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {}, poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
