"""Intake of a Parquet table into the store in record batches, validated with Arrow compute.

The pandas path (:func:`fundrules.intake.load_table`) holds a whole table as raw cells, then as
typed columns, then as an Arrow copy, then as a copy sorted by bucket: at a million persons that
is several copies of 48 million item lines. Here a typed Parquet file is read in batches of
``BATCH_ROWS`` rows; each batch is validated column by column with Arrow compute, split by person
bucket and appended to one ``ParquetWriter`` per bucket, so that memory is bounded by a batch
(plus a few bytes per row for the key check), not by the table (docs/decisions.md D90–D94).

The Arrow checks only decide which rows are certainly good. Every row they cannot vouch for (an
empty required cell, an unknown code, an amount out of range, a period that is not ``YYYY-MM``
…) is handed, with its data-row number, to the pandas path, which loads it or quarantines it with
exactly its usual reason; so quarantine reasons, shown values and row numbers are those of
``load_table`` by construction, and the Arrow checks only have to be a superset of its failures.
A file whose declared columns have types the Arrow checks do not know (ids stored as numbers,
amounts as text or floats, dates as timestamps, …) is not streamed: :func:`stream_parquet_table`
returns None and the store falls back to the pandas path for that table.

Duplicate keys are found on integer codes: each key column of the whole file is dictionary-encoded
by Arrow in a first pass that reads only the key columns, the codes are combined into one int64
per row, and after the main pass the loaded rows' codes are checked; duplicates (rare) are then
taken out of the bucket files they were written to.
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fundrules.intake import QUARANTINE_COLUMNS, DataError, load_table
from fundrules.intake.convert import UNIT_DIGITS
from fundrules.intake.limits import ReadLimits, too_large
from fundrules.intake.manifest import FileRecord
from fundrules.intake.reading import RawTable, _scan, parquet_frame
from fundrules.schema import Column, Table

from .shards import SHARED, hash_persons

ROW = "_row"
ROW_GROUP = 128 * 1024
BATCH_ROWS = 1 << 21  # rows validated and written at a time
# LZ4: as fast to write as Snappy and about 40 % less CPU to read back (zstd level 1: half the
# size, 40 % more CPU to write), measured on the 100k city's largest table (D93)
COMPRESSION = "lz4"
FLOAT_EXACT = 2**53


class _Restart(Exception):
    """A row the Arrow checks doubted in a key column was loaded by the pandas path, so the key
    codes of the first pass may be wrong for it: the table is redone on the pandas path."""


@dataclass
class Streamed:
    """What streaming one table produced, for the version's metadata."""

    meta: dict[str, Any]
    quarantine: pd.DataFrame
    accounting: dict[str, Any]
    record: FileRecord
    # loaded rows' join values, their buckets, whether the values are the table's key
    parent: tuple[pa.ChunkedArray, np.ndarray, bool] | None
    seconds: dict[str, float]


# -- which files stream --------------------------------------------------------------------------


def _is_text(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        return _is_text(t.value_type)
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _supported(column: Column, t: pa.DataType) -> bool:
    kind = column.kind
    if kind in ("text", "region", "id", "person_id", "employer_id", "code", "period"):
        return _is_text(t)
    if kind == "date":
        return pa.types.is_date32(t)
    if kind in ("money", "price"):
        return pa.types.is_decimal(t)
    if kind in ("number", "integer"):
        return pa.types.is_integer(t) or pa.types.is_floating(t)
    if kind == "bool":
        return pa.types.is_boolean(t)
    return False


def _extra_ok(t: pa.DataType, target: pa.DataType) -> bool:
    if t == target:
        return True
    if _is_text(t) and pa.types.is_large_string(target):
        return True
    if pa.types.is_date32(t) and pa.types.is_timestamp(target):
        return True
    return pa.types.is_integer(t) and pa.types.is_integer(target)


# -- the Arrow checks ------------------------------------------------------------------------


def _valid(a: pa.Array) -> np.ndarray:
    if a.null_count == 0:
        return np.ones(len(a), dtype=bool)
    return pc.is_valid(a).to_numpy(zero_copy_only=False)


def _np_bool(a: pa.Array) -> np.ndarray:
    return pc.fill_null(a, False).to_numpy(zero_copy_only=False)


def _trimmed(a: pa.Array) -> pa.Array:
    """Text cells trimmed of blanks, empty text as null (``to_text``), as large_string."""
    if pa.types.is_dictionary(a.type):
        a = a.dictionary_decode()
    if not pa.types.is_large_string(a.type):
        a = a.cast(pa.large_string())
    t = pc.utf8_trim_whitespace(a)
    empty = pc.equal(pc.binary_length(t), 0)
    if pc.any(empty).as_py():
        t = pc.if_else(empty, pa.scalar(None, pa.large_string()), t)
    return t


def typed_column(
    a: pa.Array, column: Column, allowed: frozenset[str] | None
) -> tuple[pa.Array, np.ndarray]:
    """One raw column → (values in the stored Arrow type, rows the Arrow checks cannot vouch
    for). The values of vouched-for rows are exactly those of the pandas path."""
    kind = column.kind
    n = len(a)
    doubt = np.zeros(n, dtype=bool)
    if kind in ("text", "region", "id", "person_id", "employer_id", "code"):
        t = _trimmed(a)
        if kind == "person_id" and pc.any(pc.ends_with(t, "x")).as_py():
            t = pc.replace_substring_regex(t, pattern="x$", replacement="X")
        if kind == "code":
            known = pc.is_in(t, value_set=pa.array(sorted(allowed or ()), pa.large_string()))
            doubt |= ~_np_bool(known) & _valid(t)
        values: pa.Array = t
    elif kind == "period":
        # a month's rows name a handful of periods: parse the distinct texts, spread the months
        enc = pc.dictionary_encode(
            a.cast(a.type.value_type) if pa.types.is_dictionary(a.type) else a
        )
        words = _trimmed(enc.dictionary)
        ok = _np_bool(pc.match_substring_regex(words, r"^[0-9]{4}-[0-9]{2}$"))
        safe = pc.if_else(pa.array(ok), words, pa.scalar("0000-01", pa.large_string()))
        year = pc.cast(pc.utf8_slice_codeunits(safe, 0, 4), pa.int32()).to_numpy(
            zero_copy_only=False
        )
        mon = pc.cast(pc.utf8_slice_codeunits(safe, 5, 7), pa.int32()).to_numpy(
            zero_copy_only=False
        )
        ok &= (mon >= 1) & (mon <= 12)
        month = pa.array(year * 12 + mon - 1, pa.int32(), mask=~ok)
        values = month.take(enc.indices)  # null where the cell is null or not a period
        doubt |= ~_valid(values) & _valid(a)  # a cell that is there but no period
        if not column.optional:
            doubt |= ~_valid(values)
    elif kind == "date":
        values = pc.cast(a, pa.timestamp("s"))
    elif kind in ("money", "price"):
        places = 2 if kind == "money" else 4
        units, bad = _decimal_units(a, places)
        if not column.signed and len(units) and units.min() < 0:
            bad |= units < 0
        nulls = a.null_count > 0
        valid = _valid(a) if nulls else None
        if bad.any():
            doubt |= bad & (valid if valid is not None else True)
            units = np.where(bad, 0, units)
        values = pa.array(units, pa.int64(), mask=~valid if valid is not None else None)
    elif kind in ("number", "integer"):
        values, bad = _numbers(a, column)
        doubt |= bad
    elif kind == "bool":
        values = pc.fill_null(a, False)
    else:  # pragma: no cover - _supported() keeps other kinds out
        raise AssertionError(kind)
    if not column.optional and kind != "bool":
        doubt |= ~_valid(values)
    return values, doubt


def _numbers(a: pa.Array, column: Column) -> tuple[pa.Array, np.ndarray]:
    """Numbers (float64) and integers (int64) as ``to_number`` / ``to_integer`` make them, and
    the cells out of range (or not whole, or too large for a float to be exact). The common case
    — no NaN, every value within range by the column's minimum and maximum — costs two passes."""
    n = len(a)
    kind = column.kind
    lo = column.minimum if column.minimum is not None else (None if column.signed else 0)
    hi = column.maximum
    if pa.types.is_integer(a.type):
        v = a if a.type == pa.int64() else a.cast(pa.int64())
        mm = pc.min_max(v)
        low, high = mm["min"].as_py(), mm["max"].as_py()
        if low is None or (
            (lo is None or low >= lo)
            and (hi is None or high <= hi)
            and low > -FLOAT_EXACT
            and high < FLOAT_EXACT
        ):
            return (v if kind == "integer" else v.cast(pa.float64())), np.zeros(n, dtype=bool)
    elif pa.types.is_floating(a.type) and kind == "number":
        v = a if a.type == pa.float64() else a.cast(pa.float64())
        if not pc.any(pc.is_nan(v)).as_py():
            mm = pc.min_max(v)
            low, high = mm["min"].as_py(), mm["max"].as_py()
            if low is None or ((lo is None or low >= lo) and (hi is None or high <= hi)):
                return v, np.zeros(n, dtype=bool)
    # per cell: NaN, out of range, not whole
    doubt = np.zeros(n, dtype=bool)
    x = pc.cast(a, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
    valid = ~np.isnan(x)  # null and NaN are both empty in the pandas path
    with np.errstate(invalid="ignore"):
        if lo is not None:
            doubt |= valid & (x < lo)
        if hi is not None:
            doubt |= valid & (x > hi)
        if kind == "integer":
            doubt |= valid & ((x != np.floor(x)) | (np.abs(x) >= FLOAT_EXACT))
    if kind == "number":
        return pa.array(x, pa.float64(), mask=~valid), doubt
    return pa.array(np.where(valid & ~doubt, x, 0).astype(np.int64), mask=~valid), doubt


def _decimal_units(a: pa.Array, places: int) -> tuple[np.ndarray, np.ndarray]:
    """Decimals → int64 units of 10**-places yuan and the cells that are not exactly that (more
    decimals, or beyond decimal(18, places)); nulls are 0."""
    n = len(a)
    t = a.type
    if pa.types.is_decimal128(t) and t.scale <= places and t.precision - t.scale + places <= 18:
        # every value fits in 18 digits of units: the unscaled integers, after an exact rescale
        cells = a if t.scale == places else pc.cast(a, pa.decimal128(18, places))
        words = np.frombuffer(cells.buffers()[1], dtype=np.int64)[
            2 * cells.offset : 2 * (cells.offset + n)
        ]
        units = words[0::2].copy()
        if cells.null_count:
            units[~_valid(cells)] = 0
        return units, np.zeros(n, dtype=bool)
    target = pa.decimal128(38, places)
    try:
        cells = pc.cast(a, target)
        inexact = np.zeros(n, dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        cells = pc.cast(a, target, safe=False)
        back = pc.cast(cells, a.type, safe=False)
        inexact = ~_np_bool(pc.equal(back, a))
    words = np.frombuffer(cells.buffers()[1], dtype=np.int64)[
        2 * cells.offset : 2 * (cells.offset + n)
    ]
    lo, hi = words[0::2], words[1::2]
    limit = 10**UNIT_DIGITS - 1
    fits = (hi == (lo >> 63)) & (lo <= limit) & (lo >= -limit)
    return np.where(fits, lo, 0).astype(np.int64), ~fits | inexact


# -- one table -------------------------------------------------------------------------------


def stream_parquet_table(
    path: Path,
    decl: Table,
    vocabularies: Mapping[str, frozenset[str]],
    out: Path,
    buckets: int,
    limits: ReadLimits,
    parent: tuple[pa.ChunkedArray, np.ndarray, bool] | None,
    keep: str | None,
) -> Streamed | None:
    """Validate one Parquet table file and write it into ``out`` (one file per person bucket);
    None, having written nothing, when its column types are not ones the Arrow checks handle.

    ``parent``: the join values and buckets of the table this one reaches its person through;
    ``keep``: a column whose loaded values (and buckets) to return for tables that reach their
    person through this one."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise too_large("file size in bytes", size, limits.file_bytes, "file_bytes")
    try:
        pf = pq.ParquetFile(path)
        arrow_schema = pf.schema_arrow
        n = pf.metadata.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise DataError(
            f"unreadable or corrupt Parquet file: {str(exc).splitlines()[0]}", file=str(path)
        ) from None
    if n > limits.rows:
        raise too_large("data rows", n, limits.rows, "rows")
    names = arrow_schema.names
    if len(set(names)) != len(names):
        return None
    for c in decl.columns:
        if c.name in names and not _supported(c, arrow_schema.field(c.name).type):
            return None
    missing = [c for c in decl.column_names if c not in names]
    if missing:
        raise DataError(
            f"required column missing from table {decl.name}", file=str(path), column=missing[0]
        )
    # the stored schema: exactly what the pandas path's typed frame converts to
    empty = _load_subset(
        path, arrow_schema.empty_table(), np.zeros(0, np.int64), decl, vocabularies
    )
    typed0 = empty[0].assign(**{ROW: np.zeros(0, dtype=np.int64)})
    schema = pa.Schema.from_pandas(typed0, preserve_index=False)
    declared = set(decl.column_names)
    for name in names:
        if name not in declared and not _extra_ok(
            arrow_schema.field(name).type, schema.field(name).type
        ):
            return None
    with ThreadPoolExecutor(1) as hasher, ThreadPoolExecutor(2) as pool:
        scan: Future = hasher.submit(_scan, path, False)  # the file's hash, while it is validated
        try:
            result = _stream(
                pf, path, decl, vocabularies, out, buckets, limits, parent, keep, schema, pool
            )
        except _Restart:
            shutil.rmtree(out, ignore_errors=True)
            scan.result()
            return None
        digest = scan.result()
    quarantine, loaded, kept, seconds = result
    meta = {
        "rows": loaded,
        "columns": list(empty[0].columns),
        "datetime_units": {
            c: str(typed0[c].dtype)
            for c in empty[0].columns
            if pd.api.types.is_datetime64_dtype(typed0[c].dtype)
        },
        "key": list(decl.key),
        "period_column": decl.period_column if decl.period_column in empty[0] else None,
    }
    acc = {
        "table": decl.name,
        "file": path.name,
        "read": n,
        "loaded": loaded,
        "quarantined": len(quarantine),
    }
    record = FileRecord(
        table=decl.name,
        file=path.name,
        sha256=digest.digest,
        bytes=digest.size,
        encoding=None,
        rows_read=n,
        rows_loaded=loaded,
        rows_quarantined=len(quarantine),
    )
    return Streamed(meta, quarantine, acc, record, kept, seconds)


def _load_subset(
    path: Path,
    raw: pa.Table,
    rows: np.ndarray,
    decl: Table,
    vocabularies: Mapping[str, frozenset[str]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pandas path on some raw rows (``rows``: their 0-based data rows), keys unchecked."""
    frame = parquet_frame(raw)
    return load_table(RawTable(path, frame, rows + 1, "", 0), decl, vocabularies, check_keys=False)


def _batches(pf: pq.ParquetFile, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """The file in batches of whole row groups of about ``BATCH_ROWS`` rows (a row group much
    larger than that is read in slices), in order."""
    md = pf.metadata
    group: list[int] = []
    rows = 0
    for i in range(md.num_row_groups):
        size = md.row_group(i).num_rows
        if size > 2 * BATCH_ROWS:
            if group:
                yield pf.read_row_groups(group, columns=columns, use_threads=True)
                group, rows = [], 0
            for b in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[i], columns=columns):
                yield pa.Table.from_batches([b])
            continue
        group.append(i)
        rows += size
        if rows >= BATCH_ROWS:
            yield pf.read_row_groups(group, columns=columns, use_threads=True)
            group, rows = [], 0
    if group or md.num_row_groups == 0:
        yield pf.read_row_groups(group, columns=columns, use_threads=True)


def _ahead(batches: Iterator[pa.Table], pool: ThreadPoolExecutor) -> Iterator[pa.Table]:
    """``batches``, each read in ``pool`` while the one before is being used."""
    nxt = pool.submit(next, batches, None)
    while True:
        batch = nxt.result()
        if batch is None:
            return
        nxt = pool.submit(next, batches, None)
        yield batch


def _stream(
    pf: pq.ParquetFile,
    path: Path,
    decl: Table,
    vocabularies: Mapping[str, frozenset[str]],
    out: Path,
    nbuckets: int,
    limits: ReadLimits,
    parent: tuple[pa.ChunkedArray, np.ndarray, bool] | None,
    keep: str | None,
    schema: pa.Schema,
    pool: ThreadPoolExecutor,
) -> tuple[pd.DataFrame, int, tuple[pa.ChunkedArray, np.ndarray, bool] | None, dict[str, float]]:
    t0 = time.perf_counter()
    seconds: dict[str, float] = {}
    n = pf.metadata.num_rows
    cols = {c.name: c for c in decl.columns}
    allowed = {
        c.name: vocabularies.get(c.vocabulary or "", frozenset())
        for c in decl.columns
        if c.kind == "code"
    }
    key = list(decl.key)
    via = decl.reaches_person_via if parent is not None else None
    person_cols = [c for c in decl.subject_columns("person") if c in cols]
    # pass 1, for a table that reaches its person through another: the join column, whose
    # parent row gives each row's bucket (and, when it is a key column, its key code)
    via_buckets = None
    key_parts: dict[str, Any] = {}
    if via is not None and parent is not None:
        runs = []
        seen = 0
        for batch in _batches(pf, [via[1]]):
            _check_cells(batch, limits, seen)
            seen += batch.num_rows
            # runs of equal raw cells (equal raw, equal typed): only their first cells are typed
            heads, lengths = _runs(batch.column(0).combine_chunks())
            runs.append((typed_column(heads, cols[via[1]], None)[0], lengths))
            del batch
        via_buckets, via_codes = _buckets_via(runs, *parent, codes=via[1] in key)
        if via_codes is not None:
            key_parts[via[1]] = via_codes
        del runs
    doubted_cols = set(key) | ({via[1]} if via else set())
    key_chunks: dict[str, list[Any]] = {c: [] for c in key if c not in key_parts}
    seconds["join"] = time.perf_counter() - t0
    # pass 2: every column, batch by batch
    out.mkdir(parents=True)
    writers: dict[int, pq.ParquetWriter] = {}
    loaded_mask = np.zeros(n, dtype=bool)
    row_bucket = np.zeros(n, dtype=np.int16)
    quarantines: list[pd.DataFrame] = []
    kept: list[tuple[pa.Array, np.ndarray]] = []
    pending: list[Future] = []
    pcol = decl.period_column if decl.period_column in cols else None
    dictionary: list[str] | None = None
    offset = 0
    t_val = t_write = t_read = 0.0
    t1 = time.perf_counter()
    reader = ThreadPoolExecutor(1)  # the next batch is read while this one is validated
    try:
        for batch in _ahead(_batches(pf), reader):
            t_read += time.perf_counter() - t1
            t1 = time.perf_counter()
            m = batch.num_rows
            _check_cells(batch, limits, offset)
            arrays = []
            doubt = np.zeros(m, dtype=bool)
            key_doubt = np.zeros(m, dtype=bool)
            for f in schema:
                name = f.name
                if name == ROW:
                    arrays.append(pa.array(np.arange(offset, offset + m, dtype=np.int64)))
                    continue
                raw = batch.column(name).combine_chunks()
                if name in cols:
                    values, bad = typed_column(raw, cols[name], allowed.get(name))
                    doubt |= bad
                    if name in doubted_cols:
                        key_doubt |= bad
                    if name in key_chunks:
                        key_chunks[name].append(_key_values(values))
                else:
                    values = _extra(raw, f.type)
                arrays.append(values if values.type == f.type else values.cast(f.type))
            table = pa.Table.from_arrays(arrays, schema=schema)
            del arrays
            good = ~doubt
            if doubt.any():
                idx = np.flatnonzero(doubt)
                frame, quarantine = _load_subset(
                    path, batch.take(idx), idx + offset, decl, vocabularies
                )
                if len(quarantine):
                    quarantines.append(quarantine)
                if len(frame):
                    gone = quarantine["row"].to_numpy(dtype=np.int64) - 1 - offset
                    rescued = idx[~np.isin(idx, gone)]
                    if key_doubt[rescued].any():
                        raise _Restart
                    good[rescued] = True
                    slow = pa.Table.from_pandas(
                        frame.assign(**{ROW: rescued + offset}), schema=schema, preserve_index=False
                    )
                    table = pa.concat_tables([table.filter(pa.array(~doubt)), slow])
                    table = table.take(pc.sort_indices(table[ROW]))
                else:
                    table = table.filter(pa.array(~doubt))
            del batch
            loaded_mask[offset : offset + m] = good
            # buckets of the loaded rows
            k = table.num_rows
            if person_cols:
                persons = pc.coalesce(*[table[c].combine_chunks() for c in person_cols])
                bucket = hash_persons(persons, nbuckets)
            elif via_buckets is not None:
                bucket = via_buckets[offset : offset + m][good]
            else:
                bucket = np.full(k, SHARED, dtype=np.int16)
            row_bucket[offset : offset + m][good] = bucket
            if keep is not None:
                kept.append((table[keep].combine_chunks(), bucket))
            sorted_period = None
            if pcol is not None:
                period = pc.fill_null(table[pcol], -1).to_numpy()
                order = np.lexsort((period, bucket))
                sorted_period = period[order]
            else:
                order = np.argsort(bucket, kind="stable")
            sorted_buckets = bucket[order]
            bounds = (
                np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]]) if k else []
            )
            t2 = time.perf_counter()
            t_val += t2 - t1
            for fut in pending:
                fut.result()  # the previous batch's files are written before this batch's
            pending = []
            for i, start in enumerate(bounds):
                end = bounds[i + 1] if i + 1 < len(bounds) else k
                b = int(sorted_buckets[start])
                if b not in writers:
                    if dictionary is None:
                        dictionary = _few_values(table)
                    writers[b] = pq.ParquetWriter(
                        out / _part(b),
                        schema,
                        use_dictionary=dictionary,
                        compression=COMPRESSION,
                        # min/max only where a read filters (D34): a fifth less writing
                        write_statistics=[ROW, pcol] if pcol else [ROW],
                    )
                cuts: list[int] = []
                if sorted_period is not None:  # a row group per month: a month filter skips
                    run = sorted_period[start:end]
                    cuts = (np.flatnonzero(run[1:] != run[:-1]) + 1).tolist()
                pending.append(pool.submit(_write_rows, writers[b], table, order[start:end], cuts))
            del table
            t_write += time.perf_counter() - t2
            offset += m
            t1 = time.perf_counter()
    except BaseException:
        reader.shutdown(wait=True, cancel_futures=True)
        for fut in pending:
            fut.exception()  # let the writers finish before their files are closed
        for w in writers.values():
            w.close()
        raise
    reader.shutdown()
    t2 = time.perf_counter()
    for fut in pending:
        fut.result()
    for w in writers.values():
        w.close()
    if SHARED not in writers:  # every table has its shared part: its schema, even with no rows
        pq.write_table(schema.empty_table(), out / _part(SHARED))
    t_write += time.perf_counter() - t2
    seconds.update(read=t_read, validate=t_val, write=t_write)
    t3 = time.perf_counter()
    # the key check, on the loaded rows' integer codes
    loaded = int(loaded_mask.sum())
    dup_rows = None
    if key and loaded:
        for c, parts in key_chunks.items():
            key_parts[c] = _codes(parts)
        del key_chunks
        codes = _combine([key_parts[c] for c in key])
        del key_parts
        # every row loaded (the common case): the codes as they are, positions are rows
        rows = np.flatnonzero(loaded_mask) if loaded < n else None
        dup, first = _duplicates(codes if rows is None else codes[rows])
        del codes
        if dup.any():
            at = np.flatnonzero(dup)
            dup_rows = at if rows is None else rows[at]
            first_rows = first[at] if rows is None else rows[first[at]]
            quarantines.append(
                _drop_duplicates(
                    out, path.name, decl, dup_rows, first_rows, row_bucket[dup_rows], schema
                )
            )
            loaded -= len(dup_rows)
    seconds["keys"] = time.perf_counter() - t3
    q = [x for x in quarantines if len(x)]
    quarantine = (
        pd.concat(q, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)
        if q
        else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    parent_out = None
    if keep is not None:
        keys = pa.chunked_array([a for a, _ in kept], type=schema.field(keep).type)
        kept_buckets = np.concatenate([b for _, b in kept]) if kept else np.zeros(0, np.int16)
        if dup_rows is not None:  # the loaded rows only: without the duplicates taken out
            alive = ~np.isin(np.flatnonzero(loaded_mask), dup_rows)
            keys = keys.filter(pa.array(alive))
            kept_buckets = kept_buckets[alive]
        parent_out = (keys, kept_buckets, key == [keep])
    return quarantine, loaded, parent_out, seconds


def _few_values(table: pa.Table) -> list[str]:
    """Columns worth a Parquet dictionary: few distinct values in the first batch (ids and
    row numbers are not: encoding them costs a third of the writing for nothing)."""
    n = table.num_rows
    out = []
    for name in table.column_names:
        if name == ROW:
            continue
        sample = table[name].slice(0, min(n, 100_000))
        if pc.count_distinct(sample).as_py() * 10 <= max(len(sample), 1):
            out.append(name)
    return out


def _write_rows(
    writer: pq.ParquetWriter, table: pa.Table, rows: np.ndarray, cuts: list[int]
) -> None:
    """Append ``rows`` of ``table``, a new row group at each of ``cuts`` (where the month
    changes), so that row-group statistics let a reader skip months (D34)."""
    part = table.take(pa.array(rows))
    for a, z in itertools.pairwise([0, *cuts, len(rows)]):
        writer.write_table(part.slice(a, z - a), ROW_GROUP)


def _part(b: int) -> str:
    return "part-shared.parquet" if b == SHARED else f"part-{b}.parquet"


def _extra(raw: pa.Array, target: pa.DataType) -> pa.Array:
    if pa.types.is_dictionary(raw.type):
        raw = raw.dictionary_decode()
    if pa.types.is_floating(raw.type) and raw.type == target:
        nan = pc.is_nan(raw)
        if pc.any(nan).as_py():
            raw = pc.if_else(nan, pa.scalar(None, raw.type), raw)
    return raw if raw.type == target else raw.cast(target)


def _check_cells(batch: pa.Table, limits: ReadLimits, offset: int) -> None:
    """The largest text cell of a batch against the limit (as the pandas path's reader)."""
    for name, col in zip(batch.schema.names, batch.columns, strict=True):
        t = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
        if _is_text(t) or pa.types.is_binary(t):
            if pa.types.is_dictionary(col.type):
                col = col.cast(t)
            lengths = pc.binary_length(col)
            longest = pc.max(lengths).as_py()
            if longest is not None and longest > limits.cell_bytes:
                row = int(np.argmax(lengths.to_numpy(zero_copy_only=False))) + 1 + offset
                err = too_large("cell size in bytes", longest, limits.cell_bytes, "cell_bytes")
                raise DataError(err.message, column=name, row=row)


def _runs(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The first value of each run of equal consecutive values, and the runs' lengths (the
    item lines of a settlement come together: a quarter as many lookups)."""
    n = len(values)
    if n == 0:
        return values, np.zeros(0, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    if n > 1:
        same = pc.equal(values.slice(1), values.slice(0, n - 1))
        new[1:] = ~_np_bool(same)
    heads = np.flatnonzero(new)
    return values.take(pa.array(heads)), np.diff(np.r_[heads, n])


def _buckets_via(
    runs: list[tuple[pa.Array, np.ndarray]],
    keys: pa.ChunkedArray,
    buckets: np.ndarray,
    unique: bool = False,
    codes: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Bucket of each row (given as runs of equal values, :func:`_runs`): that of the first
    parent row whose join value equals the row's; with ``codes``, also an int64 per row equal
    for equal values (the parent row's position, or past the parent's rows for values the parent
    lacks). ``unique``: the parent's join values are all different (its key)."""
    heads = pa.chunked_array([h for h, _ in runs], type=runs[0][0].type if runs else keys.type)
    lengths = np.concatenate([n for _, n in runs]) if runs else np.zeros(0, dtype=np.int64)
    if keys.type != heads.type:
        heads = heads.cast(keys.type)
    if len(keys) == 0:
        idx = np.full(len(heads), -1, dtype=np.int64)
    elif (
        unique
        and len(heads) == len(keys)
        and pc.all(pc.equal(heads, keys), skip_nulls=False).as_py()
    ):
        # the rows name the parent's keys one run each, in the parent's order (a settlement's
        # item lines follow the settlements): no hash table needed
        idx = np.arange(len(keys), dtype=np.int64)
    else:
        where = pc.index_in(heads, value_set=keys.combine_chunks())
        idx = pc.fill_null(where, -1).to_numpy().astype(np.int64)
    found = idx >= 0
    per_head = np.full(len(heads), SHARED, dtype=np.int16)
    per_head[found] = buckets[idx[found]]
    out = np.repeat(per_head, lengths)
    if not codes:
        return out, None
    if not found.all():
        orphans = np.flatnonzero(~found)
        enc = pc.dictionary_encode(heads.take(pa.array(orphans)), null_encoding="encode")
        extra = np.concatenate(
            [c.indices.to_numpy(zero_copy_only=False) for c in enc.chunks]
        ).astype(np.int64)
        idx[orphans] = len(keys) + extra
    return out, np.repeat(idx, lengths)


def _key_values(values: pa.Array) -> Any:
    """What the key check keeps of a key column's batch: ints as numpy, text as Arrow."""
    t = values.type
    if pa.types.is_integer(t) or pa.types.is_timestamp(t) or pa.types.is_boolean(t):
        v = values.cast(pa.int64()) if not pa.types.is_integer(t) else values
        return (
            pc.fill_null(v, 0).to_numpy().astype(np.int64),
            _valid(values),
        )
    return values


def _codes(parts: list[Any]) -> np.ndarray:
    """Key codes of one column from its batches: an int64 per row, equal exactly for equal
    values (null equal to null)."""
    if parts and isinstance(parts[0], tuple):
        v = np.concatenate([p[0] for p in parts])
        valid = np.concatenate([p[1] for p in parts])
        if not len(v):
            return v
        lo = int(v.min())
        # shift to 1.. and keep 0 for null, in place (a copy is a GB at 100M rows); the range
        # is checked by _combine
        v -= lo - 1
        v[~valid] = 0
        return v
    if not parts:
        return np.zeros(0, dtype=np.int64)
    enc = pc.dictionary_encode(pa.chunked_array(parts), null_encoding="encode")
    return np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in enc.chunks]).astype(
        np.int64
    )


def _combine(codes: list[np.ndarray]) -> np.ndarray:
    """One int64 per row from several non-negative code columns, equal exactly when all are."""
    combined = codes[0]
    for c in codes[1:]:
        card = int(c.max()) + 1 if len(c) else 1
        top = int(combined.max()) + 1 if len(combined) else 1
        if top > (2**62) // card:  # re-number the combinations seen so far first
            combined = pd.factorize(combined)[0].astype(np.int64)
            top = int(combined.max()) + 1 if len(combined) else 1
            if top > (2**62) // card:
                c = pd.factorize(c)[0].astype(np.int64)
                card = int(c.max()) + 1 if len(c) else 1
        combined = combined * card  # a new array: the caller's first column is left as it was
        combined += c
    return combined


def _duplicates(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose code appeared before (the first is kept), and for each row the position of the
    first row with its code. A stable sort: the codes of a file's keys are nearly in order
    (numbered by first appearance, rows of a settlement together), which timsort takes in
    about one pass."""
    n = len(codes)
    if n < 2 or bool((codes[1:] > codes[:-1]).all()):
        # increasing (keys numbered by first appearance, none repeated): nothing to sort, and
        # no row has a first row but itself (read only where a row is a duplicate: none)
        return np.zeros(n, dtype=bool), np.zeros(0, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    s = codes[order]
    repeat = np.zeros(n, dtype=bool)
    repeat[1:] = s[1:] == s[:-1]
    dup = np.zeros(n, dtype=bool)
    dup[order] = repeat
    first = np.arange(n)
    if repeat.any():
        starts = np.flatnonzero(~repeat)
        group = np.cumsum(~repeat) - 1
        first_sorted = order[starts][group]
        first[order] = first_sorted
    return dup, first


def _drop_duplicates(
    out: Path,
    fname: str,
    decl: Table,
    dup_rows: np.ndarray,
    first_rows: np.ndarray,
    dup_buckets: np.ndarray,
    schema: pa.Schema,
) -> pd.DataFrame:
    """Take the rows with a duplicate key out of the bucket files they were written to; their
    quarantine rows (reason: the first row with the key, as the pandas path says it)."""
    key = list(decl.key)
    shown: list[pd.DataFrame] = []
    drop = pa.array(dup_rows)
    for b in np.unique(dup_buckets):
        f = out / _part(int(b))
        t = pq.read_table(f, schema=schema)
        gone = pc.is_in(t[ROW], value_set=drop)
        shown.append(t.filter(gone).select([*key, ROW]).to_pandas())
        kept = t.filter(pc.invert(gone))
        pq.write_table(kept, f, row_group_size=ROW_GROUP, compression=COMPRESSION)
    found = pd.concat(shown, ignore_index=True).set_index(ROW).loc[dup_rows]
    for c in key:
        if pd.api.types.is_datetime64_dtype(found[c].dtype):
            found[c] = found[c].astype("datetime64[s]")
    values = found[key].astype("str").agg(" | ".join, axis=1).to_numpy()
    return pd.DataFrame(
        {
            "table": decl.name,
            "file": fname,
            "row": dup_rows + 1,
            "column": ",".join(key),
            "value": values,
            "reason": [f"duplicate key: same as row {r + 1}" for r in first_rows],
        }
    )
