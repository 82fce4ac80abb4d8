"""What an indicator reads: its declared tables, columns and months, resolved against a registry.

One resolution serves the store (``store_dataset`` reads only these columns and months) and the
testing kit (``pruned_dataset`` hands an indicator only these, so an undeclared read fails in the
plugin's own tests instead of silently differing in a store run). An indicator declares:

- ``reads`` / ``optional_reads``: tables and their columns;
- ``reads_payments``: the person, amount, insurance and paid-date columns of every person-payment
  table the plugins declare (``ScreeningContext.payment_tables``);
- ``reads_kinds``: every column of these id kinds (``person_id``, ``employer_id``) of every table
  of the schema, with the table's ``insurance`` column where it has one;
- ``history_months``: how many months before the target period it reads, by the tables' period
  columns (None: all history).

Beside these, every table read keeps the columns the store needs to merge months and split
persons: its key, its person columns, its period column and the join column to its person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from fundrules.intake import Dataset
from fundrules.schema import PaymentTable, Table

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry


def _structural(decl: Table) -> set[str]:
    """The columns the store reads of any table it reads (merging months, person shards)."""
    cols = set(decl.key) | set(decl.subject_columns("person"))
    if decl.period_column:
        cols.add(decl.period_column)
    if decl.reaches_person_via is not None:
        cols.add(decl.reaches_person_via[1])
    return cols


def payment_columns(payments: PaymentTable) -> set[str]:
    """The columns of a person-payment table that ``reads_payments`` declares."""
    cols = {payments.person_column, payments.amount_column}
    if payments.insurance_column:
        cols.add(payments.insurance_column)
    if payments.paid_date_column:
        cols.add(payments.paid_date_column)
    return cols


def declared_reads(
    ind: Any, tables: Mapping[str, Table], payment_tables: Iterable[PaymentTable]
) -> dict[str, set[str]]:
    """Per table, the columns one indicator declares it reads (without the store's own)."""
    meta = ind.meta
    out: dict[str, set[str]] = {}
    for reads in (meta.reads, meta.optional_reads):
        for table, cols in reads.items():
            out.setdefault(table, set()).update(cols)
    if meta.reads_payments:
        for p in payment_tables:
            out.setdefault(p.table, set()).update(payment_columns(p))
    kinds = tuple(getattr(meta, "reads_kinds", ()))
    if kinds:
        for name, decl in tables.items():
            if decl.handed:
                continue
            cols = decl.columns_of(*kinds)
            if cols:
                got = out.setdefault(name, set())
                got.update(cols)
                if "insurance" in decl.column_names:
                    got.add("insurance")
    return out


def needed_columns(indicators: Iterable[Any], registry: Registry) -> dict[str, set[str] | None]:
    """Per table, the columns the indicators declare, with the key, period and person columns
    the store needs to merge and shard; tables none of them declares are absent."""
    out: dict[str, set[str]] = {}
    payments = list(registry.payment_tables.values())
    for ind in indicators:
        for table, cols in declared_reads(ind, registry.tables, payments).items():
            out.setdefault(table, set()).update(cols)
    for table, cols in out.items():
        decl = registry.tables.get(table)
        if decl is not None:
            cols.update(_structural(decl))
    return dict(out)


def months_since(
    indicators: Iterable[Any], month: int, registry: Registry | None = None
) -> dict[str, int | None]:
    """Per table, the first month any of the indicators reads (by the table's period column):
    the target month minus the longest ``history_months`` of those that read it; None (every
    month) as soon as one of them does not say."""
    out: dict[str, int | None] = {}
    tables = registry.tables if registry is not None else {}
    payments = list(registry.payment_tables.values()) if registry is not None else []
    for ind in indicators:
        back = getattr(ind.meta, "history_months", None)
        for table in declared_reads(ind, tables, payments):
            if back is None:
                out[table] = None
            elif table not in out:
                out[table] = month - back
            elif (first := out[table]) is not None:
                out[table] = min(first, month - back)
    return out


@dataclass
class PrunedDataset(Dataset):
    """A dataset holding only what some indicators declare (tables, columns, months); the person
    profiles are those of the whole data, as the store computes them from every id column."""

    whole: Dataset | None = None

    @cached_property
    def person_profiles(self) -> pd.DataFrame:
        if self.whole is None:
            return super().person_profiles
        return self.whole.person_profiles


def pruned_dataset(dataset: Dataset, indicators: Iterable[Any], registry: Registry) -> Dataset:
    """``dataset`` with only the tables, columns and months ``indicators`` declare (and the
    columns the store always reads): what a store run hands them. Reading anything else is a
    ``KeyError`` (an absent column) or an absent table."""
    inds = list(indicators)
    columns = needed_columns(inds, registry)
    since = months_since(inds, dataset.period, registry)
    tables: dict[str, pd.DataFrame] = {}
    for name, frame in dataset.tables.items():
        if name not in columns:
            continue
        wanted = columns[name]
        keep = [c for c in frame.columns if wanted is None or c in wanted]
        df = frame[keep]
        decl = dataset.schema.get(name)
        first = since.get(name)
        pcol = decl.period_column if decl is not None else None
        if first is not None and pcol is not None and pcol in df:
            df = df[(df[pcol] >= first).fillna(False).to_numpy()]
        tables[name] = df
    return PrunedDataset(
        period=dataset.period,
        tables=tables,
        schema=dict(dataset.schema),
        quarantine=dataset.quarantine,
        accounting=dataset.accounting,
        manifest=dataset.manifest,
        source=dataset.source,
        whole=dataset,
    )


__all__ = [
    "PrunedDataset",
    "declared_reads",
    "months_since",
    "needed_columns",
    "payment_columns",
    "pruned_dataset",
]
