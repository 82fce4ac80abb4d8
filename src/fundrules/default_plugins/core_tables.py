"""Declares the core tables of the exchange schema."""

from __future__ import annotations

from collections.abc import Callable

from fundrules.plugins import hookimpl
from fundrules.schema import CORE_TABLES, Table


@hookimpl
def fundrules_register_tables(register: Callable[[Table], None]) -> None:
    for table in CORE_TABLES:
        register(table)
