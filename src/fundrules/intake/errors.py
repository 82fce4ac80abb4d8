"""Errors of a whole file: the run stops with one clear message (exit code 2)."""

from __future__ import annotations

from fundrules.errors import InputError


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
