"""Positions of text keys among other text keys, fast at tens of millions of rows.

Item lines name their settlement and their catalog item by text ids; joining them with pandas
merges or ``Index.get_indexer`` on Arrow strings costs seconds per million rows. These lookups
use Arrow's hash kernels instead, and give positions (numpy int64) that later steps index with.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position of each value among the unique ``keys``, -1 where absent.

    Arrow hash lookups (pandas' ``get_indexer`` on text is several times slower at tens of
    millions of rows), arranged so that the hash table is built over the smaller side, and each
    run of equal values (item lines come grouped by settlement) is looked up once.
    """
    text = pa.large_string()
    return _positions(pa.array(values, type=text), pa.array(keys, type=text))


def _positions(vals: pa.Array, keys: pa.Array) -> np.ndarray:
    if len(vals) == 0 or len(keys) == 0:
        return np.full(len(vals), -1, dtype=np.int64)
    starts = _run_starts(vals)
    if len(starts) < len(vals) // 2:
        found = _positions(vals.take(pa.array(starts)), keys)
        return np.repeat(found, np.diff(np.append(starts, len(vals))))
    if len(vals) * 4 < len(keys):
        # few values against many keys: hash the values, scan the keys once
        distinct = pc.unique(vals)
        hit = _filled(pc.index_in(keys, value_set=distinct))
        at = np.full(len(distinct), -1, dtype=np.int64)
        matched = np.flatnonzero(hit >= 0)
        at[hit[matched]] = matched
        d = _filled(pc.index_in(vals, value_set=distinct))
        return np.where(d >= 0, at[d], -1)
    return _filled(pc.index_in(vals, value_set=keys))


def _filled(found: pa.Array) -> np.ndarray:
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _run_starts(arr: pa.Array) -> np.ndarray:
    """Where each run of equal values begins (a null starts a run of its own)."""
    if len(arr) < 2:
        return np.arange(len(arr))
    differs = pc.not_equal(arr.slice(1), arr.slice(0, len(arr) - 1)).fill_null(True)
    return np.flatnonzero(np.append(True, differs.to_numpy(zero_copy_only=False)))


def take(column: pd.Series, pos: np.ndarray, index: pd.Index) -> pd.Series:
    """``column``'s values at positions ``pos`` (-1 gives a missing value), on ``index``; Arrow
    text stays Arrow."""
    return pd.Series(column.array.take(pos, allow_fill=True), index=index, name=column.name)
