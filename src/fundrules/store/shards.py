"""Person shards: a stable hash of the person id, carried onto every row that reaches a person.

The store keeps each table of a version in ``buckets`` files, one per hash bucket of the row's
person (``part-<k>.parquet``), plus ``part-shared.parquet`` for rows that reach no person (tables
without a person column, empty person cells, an item whose settlement is not found). A screening
run with ``n`` shards takes buckets ``k`` with ``k % n == j`` as shard ``j``, and the shared rows in
every shard, so shard ``j`` of every table holds the same persons — the split that
``fundrules.testing.partition`` checks every person-partitioned indicator against.

The row's person is the first non-empty of the table's person columns (``Table.subject_columns``);
a table without one that declares ``reaches_person_via=(parent, here, there)`` takes, row by row,
the bucket of the parent's row whose ``there`` equals its ``here``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fundrules.schema import Table

SHARED = -1


def row_persons(frame: pd.DataFrame, decl: Table) -> pd.Series | None:
    """The person of each row (NA where none), or None when the table names no person."""
    cols = [c for c in decl.subject_columns("person") if c in frame]
    if not cols:
        return None
    s = frame[cols[0]].astype("str")
    for c in cols[1:]:
        s = s.fillna(frame[c].astype("str"))
    return s.where(s.str.strip() != "")


def person_buckets(persons: pd.Series, buckets: int) -> np.ndarray:
    """Bucket of each person id (``SHARED`` for NA): SipHash of the id text (pandas'
    ``hash_array`` with its fixed key, the same in every process and on every machine) modulo
    ``buckets``. Each distinct id is hashed once."""
    codes, uniques = pd.factorize(persons, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.full(len(persons), SHARED, dtype=np.int16)
    hashed = pd.util.hash_array(np.asarray(uniques, dtype=object), categorize=False)
    per_unique = (hashed % np.uint64(buckets)).astype(np.int16)
    return np.where(codes < 0, SHARED, per_unique[np.maximum(codes, 0)]).astype(np.int16)


def hash_persons(persons: pa.Array, buckets: int) -> np.ndarray:
    """:func:`person_buckets` of an Arrow array of person ids (null: ``SHARED``): only the
    distinct ids become Python strings."""
    enc = pc.dictionary_encode(persons)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)
    uniques = enc.dictionary.to_numpy(zero_copy_only=False)
    if len(uniques) == 0:
        return np.full(len(persons), SHARED, dtype=np.int16)
    hashed = pd.util.hash_array(np.asarray(uniques, dtype=object), categorize=False)
    per_unique = (hashed % np.uint64(buckets)).astype(np.int16)
    return np.where(codes < 0, SHARED, per_unique[np.maximum(codes, 0)]).astype(np.int16)


def buckets_via(values: pd.Series, parent_keys: pd.Series, parent: np.ndarray) -> np.ndarray:
    """Buckets of rows that reach their person through a parent table: the bucket of the first
    parent row whose join value (``parent_keys``) equals the row's (``values``); ``SHARED``
    where none does. Arrow's hashed lookup, not a Python dictionary."""
    keys = pa.array(parent_keys.astype("str"), pa.string(), from_pandas=True)
    where = pc.index_in(pa.array(values.astype("str"), pa.string(), from_pandas=True), keys)
    idx = where.to_numpy(zero_copy_only=False)
    found = ~np.isnan(idx) if idx.dtype.kind == "f" else np.ones(len(idx), dtype=bool)
    out = np.full(len(values), SHARED, dtype=np.int16)
    out[found] = parent[idx[found].astype(np.int64)]
    return out


def shard_buckets(shard: int, shards: int, buckets: int) -> list[int]:
    """The buckets of shard ``shard`` of ``shards``."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} is not one of 0..{shards - 1}")
    return [b for b in range(buckets) if b % shards == shard]


__all__ = [
    "SHARED",
    "buckets_via",
    "hash_persons",
    "person_buckets",
    "row_persons",
    "shard_buckets",
]
