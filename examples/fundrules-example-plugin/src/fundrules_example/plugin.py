"""The example plugin's hook implementations (the module the entry point names)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fundrules.plugin_api import Indicator, Table, hookimpl

from . import payments, tables


@hookimpl
def fundrules_code_prefix() -> str:
    """Every code of this plugin starts with ``example.``."""
    return "example"


@hookimpl
def fundrules_register_tables(register: Callable[[Table], None]) -> None:
    for table in tables.TABLES:
        register(table)


@hookimpl
def fundrules_register_vocabularies(extend: Callable[[str, Iterable[str]], None]) -> None:
    for name, values in tables.VOCABULARIES.items():
        extend(name, values)


@hookimpl
def fundrules_register_indicators(register: Callable[[Indicator[Any]], None]) -> None:
    for ind in payments.INDICATORS:
        register(ind)


@hookimpl
def fundrules_register_test_data(register: Callable[[str], None]) -> None:
    register("fundrules_example.test_data:TEST_DATA")
