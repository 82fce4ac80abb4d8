"""How the generator holds and writes each exchange table, derived from the declarations.

The tables are those the registry knows (the core's and every installed plugin's), each column
with a *generation kind* that says how it is held while generating and how it is written:
``person``/``employer`` int index into the id stores; ``text`` strings; ``money`` int64 fen;
``price`` int64 in 0.0001 yuan; ``date`` datetime64[D]; ``period`` int month number;
``bool``; ``int`` int64 (``INT_NULL`` = empty); ``float`` float64 (NaN = empty).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from fundrules.schema import CORE_TABLES, EXPENDITURE_ITEMS, INCOME_ITEMS, Table

INT_NULL = np.iinfo(np.int64).min

#: exchange column kind -> generation kind
GENERATION_KIND: dict[str, str] = {
    "person_id": "person",
    "employer_id": "employer",
    "text": "text",
    "id": "text",
    "code": "text",
    "region": "text",
    "date": "date",
    "period": "period",
    "money": "money",
    "price": "price",
    "number": "float",
    "integer": "int",
    "bool": "bool",
}

#: text kinds that hold few distinct values (written dictionary-encoded to Parquet)
LOW_CARDINALITY_KINDS = frozenset({"code", "region", "period"})

Layout = list[tuple[str, str, bool]]


def layout(table: Table) -> Layout:
    """``[(column, generation kind, optional)]`` of one declared table, in declared order."""
    return [(c.name, GENERATION_KIND[c.kind], c.optional) for c in table.columns]


def layouts(tables: Iterable[Table]) -> dict[str, Layout]:
    """Layouts of the uploaded tables (handed tables are never generated as files)."""
    return {t.name: layout(t) for t in tables if not t.handed}


def keys(tables: Iterable[Table]) -> dict[str, tuple[str, ...]]:
    return {t.name: t.key for t in tables if not t.handed}


CORE_LAYOUTS: dict[str, Layout] = layouts(CORE_TABLES)

__all__ = [
    "CORE_LAYOUTS",
    "EXPENDITURE_ITEMS",
    "GENERATION_KIND",
    "INCOME_ITEMS",
    "INT_NULL",
    "LOW_CARDINALITY_KINDS",
    "keys",
    "layout",
    "layouts",
]
