"""Bounds on what one input file may make the reader do (docs/decisions.md D47).

A hostile or broken file must end in a clear error (exit 2), not in memory exhaustion, an abort
or minutes of work: a workbook of a megabyte that expands into gigabytes of XML, a CSV line of
100 MB, a cell of a gigabyte, more rows than any month holds. Each bound is configurable, by
argument (``load_dataset(..., limits=ReadLimits(rows=...))``) or environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from .errors import DataError

ENV = {
    "rows": "FUNDRULES_MAX_ROWS",
    "cell_bytes": "FUNDRULES_MAX_CELL_BYTES",
    "line_bytes": "FUNDRULES_MAX_LINE_BYTES",
    "file_bytes": "FUNDRULES_MAX_FILE_BYTES",
    "expansion": "FUNDRULES_MAX_XLSX_EXPANSION",
    "xlsx_bytes": "FUNDRULES_MAX_XLSX_BYTES",
}


@dataclass(frozen=True)
class ReadLimits:
    """The largest input one table file may be."""

    rows: int = 200_000_000  # data rows in one file
    cell_bytes: int = 1 << 20  # bytes of one cell's text
    line_bytes: int = 16 << 20  # bytes of one CSV line (also the reader's block size)
    file_bytes: int = 64 << 30  # bytes of one file
    expansion: float = 100.0  # a workbook's uncompressed size ÷ its size
    xlsx_bytes: int = 2 << 30  # a workbook's uncompressed size

    @classmethod
    def from_env(cls) -> ReadLimits:
        """The defaults, each overridden by its environment variable when set."""
        values: dict[str, float | int] = {}
        for f in fields(cls):
            text = os.environ.get(ENV[f.name], "").strip()
            if not text:
                continue
            try:
                value = float(text) if f.name == "expansion" else int(text)
            except ValueError:
                raise DataError(f"{ENV[f.name]}={text!r} is not a number") from None
            if value <= 0:
                raise DataError(f"{ENV[f.name]}={text!r} must be positive")
            values[f.name] = value
        return cls(**values)  # type: ignore[arg-type]


def too_large(what: str, value: int | float, limit: int | float, field: str) -> DataError:
    return DataError(
        f"{what}: {value:,} is more than the limit of {limit:,} "
        f"(set {ENV[field]} to raise it, if the file is what you expect)"
    )
