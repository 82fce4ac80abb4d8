"""Splitting a dataset by a subject key, as a distributed backend would.

The rule, read from the schema's declarations only:

- A row belongs to the subject named in the first non-empty column of the table that refers to
  the key's subject (``refers_to``; ``person_id`` and ``employer_id`` columns refer to persons
  and employers by their kind).
- For the ``person`` key, a table without a person column whose declaration says
  ``reaches_person_via=(table, here, there)`` belongs, row by row, to the person of the row of
  ``table`` whose ``there`` equals its ``here`` (a plugin's ``claim_lines`` → ``claims``);
  chains are followed.
- Rows without a subject (an empty key cell, a join that finds nothing) and tables without the key
  go whole to every partition.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from fundrules.intake import Dataset
from fundrules.schema import Column, Table


def column_subject(column: Column) -> str | None:
    """The subject a column's values name (``refers_to``, or the kind of an id column)."""
    return column.subject


def subject_columns(table: Table, key: str) -> list[str]:
    return list(table.subject_columns(key))


def row_subjects(ds: Dataset, key: str) -> dict[str, pd.Series | None]:
    """For each table, the subject of each row (NA = every partition), or None when the table
    goes whole to every partition."""
    out: dict[str, pd.Series | None] = {}

    def subjects(name: str, depth: int = 0) -> pd.Series | None:
        if name in out:
            return out[name]
        df = ds.tables[name]
        decl = ds.schema[name]
        cols = subject_columns(decl, key)
        result: pd.Series | None = None
        if cols:
            s = df[cols[0]].astype("str")
            for c in cols[1:]:
                s = s.fillna(df[c].astype("str"))
            result = s.where(s.str.strip() != "")
        elif key == "person" and decl.reaches_person_via is not None and depth < 5:
            via, here, there = decl.reaches_person_via
            if via in ds.tables:
                parent = subjects(via, depth + 1)
                if parent is not None:
                    lookup = pd.Series(parent.to_numpy(), index=ds.tables[via][there].astype("str"))
                    lookup = lookup[~lookup.index.duplicated()]
                    result = pd.Series(
                        df[here].astype("str").map(lookup).to_numpy(), index=df.index, dtype="str"
                    )
        out[name] = result
        return result

    for name in ds.tables:
        subjects(name)
    return out


def subjects_in(ds: Dataset, key: str) -> list[str]:
    """Every subject of the key named anywhere in the dataset, sorted."""
    found: set[str] = set()
    for s in row_subjects(ds, key).values():
        if s is not None:
            found.update(s.dropna().tolist())
    return sorted(found)


def split_dataset(
    ds: Dataset, key: str, assignment: Mapping[str, int], parts: int
) -> list[Dataset]:
    """``parts`` datasets holding, each, the rows of the subjects ``assignment`` maps to it
    (subjects it does not name go to partition 0), plus every row that has no subject."""
    routes = row_subjects(ds, key)
    out = []
    for i in range(parts):
        tables = {}
        for name, df in ds.tables.items():
            s = routes[name]
            if s is None:
                tables[name] = df.copy()
                continue
            part = s.map(lambda v: assignment.get(v, 0), na_action="ignore")
            keep = (part.isna() | (part == i)).to_numpy(dtype=bool)
            tables[name] = df[keep].reset_index(drop=True)
        out.append(Dataset(period=ds.period, tables=tables, schema=dict(ds.schema)))
    return out


def random_assignment(subjects: list[str], parts: int, seed: int) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    return dict(zip(subjects, rng.integers(0, parts, len(subjects)).tolist(), strict=True))
