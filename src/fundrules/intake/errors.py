"""Errors of a whole file: the run stops with one clear message (exit code 2)."""

from __future__ import annotations

from fundrules.errors import FundrulesError, InputError


class DataError(InputError):
    """A file cannot be used at all: missing, unreadable, empty, or missing a required column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        row: int | None = None,
    ) -> None:
        self.file = file
        self.column = column
        self.row = row
        where = []
        if file:
            where.append(f"file {file}")
        if column:
            where.append(f"column {column!r}")
        if row is not None:
            where.append(f"row {row}")
        self.message = message
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class AccountingError(FundrulesError):
    """Rows were lost or counted twice: ``loaded + quarantined != read`` for a table. A defect of
    fundrules, not of the data (an internal error, exit code 1); the load stops before anything
    is written."""


def check_row_accounting(table: str, read: int, loaded: int, quarantined: int) -> None:
    """Every row read is loaded or quarantined, exactly once (exchange-schema.md, "What the
    library owes the data"). A real check, kept under ``python -O`` (unlike ``assert``)."""
    if loaded + quarantined != read:
        raise AccountingError(
            f"row accounting broken for table {table}: {read} row(s) read, {loaded} loaded + "
            f"{quarantined} quarantined = {loaded + quarantined}; this is a defect of fundrules, "
            "please report it"
        )
