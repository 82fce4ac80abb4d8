"""The exchange schema in code: table declarations and closed vocabularies."""

from .core import (
    CORE_TABLES,
    CORE_VOCABULARIES,
    EXPENDITURE_ITEMS,
    INCOME_ITEMS,
    INSURANCES,
    REPORT_TOTALS,
)
from .tables import Column, ColumnKind, SubjectKind, Table, col

__all__ = [
    "CORE_TABLES",
    "CORE_VOCABULARIES",
    "EXPENDITURE_ITEMS",
    "INCOME_ITEMS",
    "INSURANCES",
    "REPORT_TOTALS",
    "Column",
    "ColumnKind",
    "SubjectKind",
    "Table",
    "col",
]
