"""The exchange schema in code: table declarations and closed vocabularies."""

from .core import (
    CORE_PAYMENT_TABLES,
    CORE_TABLES,
    CORE_VOCABULARIES,
    EXPENDITURE_ITEMS,
    INCOME_ITEMS,
    INSURANCE_NAMES_ZH,
    INSURANCES,
    REPORT_TOTALS,
)
from .payments import PaymentTable
from .tables import Column, ColumnKind, SubjectKind, Table, col

__all__ = [
    "CORE_PAYMENT_TABLES",
    "CORE_TABLES",
    "CORE_VOCABULARIES",
    "EXPENDITURE_ITEMS",
    "INCOME_ITEMS",
    "INSURANCES",
    "INSURANCE_NAMES_ZH",
    "REPORT_TOTALS",
    "Column",
    "ColumnKind",
    "PaymentTable",
    "SubjectKind",
    "Table",
    "col",
]
