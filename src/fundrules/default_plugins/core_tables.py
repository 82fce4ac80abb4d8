"""Declares the core tables of the exchange schema and the core's table of payments."""

from __future__ import annotations

from collections.abc import Callable

from fundrules.plugins import hookimpl
from fundrules.schema import CORE_PAYMENT_TABLES, CORE_TABLES, PaymentTable, Table


@hookimpl
def fundrules_register_tables(register: Callable[[Table], None]) -> None:
    for table in CORE_TABLES:
        register(table)


@hookimpl
def fundrules_register_payment_tables(register: Callable[[PaymentTable], None]) -> None:
    for payments in CORE_PAYMENT_TABLES:
        register(payments)
