"""Turning generated chunks into files (Parquet/CSV) or in-memory frames.

Big tables are converted and written chunk by chunk, so the peak memory is the raw
chunks plus one batch. Money becomes decimal128 built straight from int64 fen buffers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .ids import fixed_strings
from .schema import INT_NULL, Layout
from .world import World, materialize, periods_to_text, slice_chunk

BATCH_ROWS = 2_000_000


def _decimal(fen: np.ndarray, scale: int) -> pa.Array:
    fen = np.ascontiguousarray(fen, dtype=np.int64)
    null = fen == INT_NULL
    words = np.empty((fen.size, 2), np.int64)
    words[:, 0] = np.where(null, 0, fen)
    words[:, 1] = words[:, 0] >> 63
    mask = pa.array(~null).buffers()[1] if null.any() else None
    return pa.Array.from_buffers(
        pa.decimal128(18, scale), fen.size, [mask, pa.py_buffer(words)], null_count=int(null.sum())
    )


def to_arrow(layout: Layout, cols: dict[str, Any]) -> pa.Table:
    """Exchange layout: strings, decimals, date32, ``YYYY-MM`` periods, nullable ints."""
    out = {}
    for col, kind, _ in layout:
        v = cols[col]
        if isinstance(v, pa.Array):
            out[col] = v
        elif kind == "money":
            out[col] = _decimal(v, 2)
        elif kind == "price":
            out[col] = _decimal(v, 4)
        elif kind == "date":
            out[col] = pa.array(v.astype("datetime64[D]"), pa.date32(), mask=np.isnat(v))
        elif kind == "period":
            out[col] = periods_to_text(v)
        elif kind == "int":
            a = v.astype(np.int64)
            out[col] = pa.array(a, pa.int64(), mask=a < 0)
        elif kind == "float":
            a = v.astype(np.float64)
            out[col] = pa.array(a, pa.float64(), mask=np.isnan(a))
        elif kind == "bool":
            out[col] = pa.array(v.astype(bool), pa.bool_())
        else:  # pragma: no cover - every kind is handled above
            raise TypeError(kind)
    return pa.table(out)


def plain_strings(t: pa.Table) -> pa.Table:
    """Dictionary-encoded text columns as plain strings (CSV, pandas)."""
    for i, f in enumerate(t.schema):
        if pa.types.is_dictionary(f.type):
            t = t.set_column(i, f.name, t.column(i).cast(pa.string()))
    return t


def to_pandas(layout: Layout, cols: dict[str, Any]) -> pd.DataFrame:
    """Decision D1 layout, column for column what intake hands the indicators: arrow strings,
    int64 fen, datetime64[s], int32 month numbers (tests hold the two together)."""
    out = {}
    for col, kind, optional in layout:
        v = cols[col]
        if isinstance(v, pa.Array):
            if pa.types.is_dictionary(v.type):
                v = v.cast(pa.string())
            out[col] = pa.chunked_array([v], pa.string()).to_pandas()
        elif kind in ("money", "price"):
            a = np.asarray(v, np.int64)
            if optional:  # nullable, as intake leaves an optional money column
                out[col] = pd.array(np.where(a == INT_NULL, 0, a), dtype="Int64")
                out[col][a == INT_NULL] = pd.NA
            else:
                out[col] = a
        elif kind == "date":
            out[col] = v.astype("datetime64[s]")
        elif kind == "period":
            out[col] = np.asarray(v).astype(np.int32)
        elif kind == "int":
            a = np.asarray(v, np.int64)
            if optional:  # intake reads optional numbers as float64, empty = NaN
                out[col] = np.where(a < 0, np.nan, a.astype(np.float64))
            else:
                out[col] = pd.array(a, dtype="Int64")
        elif kind == "float":
            out[col] = np.asarray(v, np.float64)
        else:
            out[col] = np.asarray(v, bool)
    return pd.DataFrame(out)


def _batches(w: World, table: str) -> Iterator[dict[str, Any]]:
    """Whole table for small/shuffled ones; chunk groups of ~BATCH_ROWS for the big ones."""
    chunks = w.chunks.get(table, [])
    if table in w.shuffled or table in w.auto_ids or sum(c["__n"] for c in chunks) <= BATCH_ROWS:
        yield materialize(w, table)
        return
    group: list[dict[str, Any]] = []
    rows = 0
    for c in chunks:
        for lo in range(0, c["__n"], BATCH_ROWS):
            part = (
                c if c["__n"] <= BATCH_ROWS else slice_chunk(c, lo, min(lo + BATCH_ROWS, c["__n"]))
            )
            group.append(part)
            rows += part["__n"]
            if rows >= BATCH_ROWS:
                yield _materialize_subset(w, table, group)
                group, rows = [], 0
    if group:
        yield _materialize_subset(w, table, group)


def _materialize_subset(w: World, table: str, group: list[dict[str, Any]]) -> dict[str, Any]:
    saved = w.chunks[table]
    w.chunks[table] = group
    try:
        return materialize(w, table)
    finally:
        w.chunks[table] = saved


def arrow_schema(w: World, table: str) -> pa.Schema:
    """The exchange types of a table's columns, the same in every batch: text columns worth a
    dictionary (``w.dictionary``) and periods as arrow dictionaries, other text as strings."""
    dict_t = pa.dictionary(pa.int32(), pa.string())
    types = {
        "money": pa.decimal128(18, 2),
        "price": pa.decimal128(18, 4),
        "date": pa.date32(),
        "period": dict_t,
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "person": pa.string(),
        "employer": pa.string(),
    }
    fields = []
    for col, kind, _ in w.tables[table]:
        if kind == "text":
            fields.append(pa.field(col, dict_t if col in w.dictionary else pa.string()))
        else:
            fields.append(pa.field(col, types[kind]))
    return pa.schema(fields)


def batch_table(w: World, table: str, cols: dict[str, Any], schema: pa.Schema) -> pa.Table:
    """One batch of a table in its fixed exchange schema."""
    t = to_arrow(w.tables[table], cols)
    return t if t.schema == schema else t.cast(schema)


class Sink:
    """Where :func:`flush` hands each batch of a table's rows (``cols`` as materialized)."""

    def add(self, w: World, table: str, cols: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError


def flush(w: World, sink: Sink, first: tuple[str, ...] = ()) -> None:
    """Hand the rows made since the last flush to ``sink`` (tables in ``first`` before the
    others), book their cash for the ledger, and let them go: memory holds one batch."""
    from . import finance

    finance.tally(w)
    names = [t for t in w.chunks if w.chunks[t]]
    names = [t for t in first if t in names] + [t for t in names if t not in first]
    for table in names:
        rows = 0
        for cols in _batches(w, table):
            sink.add(w, table, cols)
            rows += _table_rows(cols)
        w.chunks.pop(table)
        if table in w.auto_ids:
            w.auto_next[table] += rows
    w.chunks.clear()
    w.batch += 1


def _table_rows(cols: dict[str, Any]) -> int:
    return len(next(iter(cols.values()))) if cols else 0


class FileSink(Sink):
    """Writes each batch as it comes: Parquet (a ``ParquetWriter`` per table, row groups of at
    most ``ROW_GROUP`` rows) or CSV, into ``out`` — or, ``by_month``, into ``out/<YYYY-MM>/``:
    a row goes to the month of its table's period column (clipped to the window: an older back
    payment arrives with the window's first month), a row of a table that reaches its person
    through a parent (items) to its parent row's month, and the tables without a period to the
    target month."""

    ROW_GROUP = 1_000_000

    def __init__(
        self,
        w: World,
        out: Path,
        fmt: str,
        by_month: bool = False,
        period_columns: dict[str, str] | None = None,
        follows: dict[str, tuple[str, str, str]] | None = None,
    ) -> None:
        if fmt not in ("parquet", "csv"):
            raise ValueError(f"unknown format {fmt!r} (parquet or csv)")
        self.out, self.fmt, self.by_month = out, fmt, by_month
        self.period_columns = dict(period_columns or {})
        self.follows = dict(follows or {})
        self.parents = {p for p, _, _ in self.follows.values()}
        self.schemas = {t: arrow_schema(w, t) for t in w.tables}
        self.target = w.P
        self.first_month = int(w.months[0])
        self._open: dict[tuple[int, str], Any] = {}
        self.rows: dict[str, int] = dict.fromkeys(w.tables, 0)
        self.month_rows: dict[int, dict[str, int]] = {}
        self._parent_keys: dict[str, tuple[int, list[pa.Array], list[np.ndarray]]] = {}

    def folder(self, month: int) -> Path:
        return self.out / periods_to_text(np.array([month])).cast(pa.string())[0].as_py()

    def path(self, month: int, table: str) -> Path:
        return (self.folder(month) if self.by_month else self.out) / f"{table}.{self.fmt}"

    def add(self, w: World, table: str, cols: dict[str, Any]) -> None:
        t = batch_table(w, table, cols, self.schemas[table])
        if not self.by_month:
            self._write(self.target, table, t)
            return
        months = self._months(w, table, cols, t)
        if table in self.parents:
            batch, keys, ms = self._parent_keys.get(table, (w.batch, [], []))
            if batch != w.batch:
                keys, ms = [], []
            col = next(key for p, _, key in self.follows.values() if p == table)
            keys.append(t.column(col).combine_chunks())
            ms.append(months)
            self._parent_keys[table] = (w.batch, keys, ms)
        for m in np.unique(months):
            self._write(int(m), table, t.filter(pa.array(months == m)) if months.size else t)

    def _months(self, w: World, table: str, cols: dict[str, Any], t: pa.Table) -> np.ndarray:
        n = t.num_rows
        col = self.period_columns.get(table)
        if col is not None and col in cols and not isinstance(cols[col], pa.Array):
            m = np.broadcast_to(np.asarray(cols[col], np.int64), (n,))
            return np.where(m == INT_NULL, self.target, np.clip(m, self.first_month, self.target))
        if table in self.follows:
            parent, col, _ = self.follows[table]
            got = self._parent_keys.get(parent)
            if got is not None and got[0] == w.batch and got[1]:
                if len(got[1]) > 1:  # the batch's parent rows as one lookup, made once
                    got = (
                        got[0],
                        [pa.chunked_array(got[1]).combine_chunks()],
                        [np.concatenate(got[2])],
                    )
                    self._parent_keys[parent] = got
                keys, pm = got[1][0], got[2][0]
                pos = pc.index_in(t.column(col), value_set=keys)
                found = pos.is_valid().to_numpy(zero_copy_only=False)
                at = pos.fill_null(0).to_numpy(zero_copy_only=False)
                return np.where(found, pm[at], self.target)
        return np.full(n, self.target, np.int64)

    def _write(self, month: int, table: str, t: pa.Table) -> None:
        key = (month, table)
        out = self._open.get(key)
        if out is None:
            path = self.path(month, table)
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.fmt == "parquet":
                out = pq.ParquetWriter(
                    path,
                    t.schema,
                    compression="snappy",
                    use_dictionary=[
                        c for c in t.column_names if pa.types.is_dictionary(t.schema.field(c).type)
                    ],
                    write_statistics=False,
                    store_schema=False,  # dictionary columns read back as plain strings
                )
            else:
                out = open(path, "wb")  # noqa: SIM115 - closed in close()
                out.write((",".join(t.column_names) + "\n").encode())
            self._open[key] = out
        if t.num_rows or self.fmt == "parquet":
            if self.fmt == "parquet":
                out.write_table(t, row_group_size=self.ROW_GROUP)
            else:
                opts = pacsv.WriteOptions(include_header=False, quoting_style="needed")
                pacsv.write_csv(plain_strings(t), out, opts)
        self.rows[table] = self.rows.get(table, 0) + t.num_rows
        per = self.month_rows.setdefault(month, {})
        per[table] = per.get(table, 0) + t.num_rows

    def close(self) -> dict[str, Path]:
        """Close every file; a table without rows gets an empty file (in the target month's
        folder). Returns each table's file (by month: the target month's, or its latest)."""
        for table, schema in self.schemas.items():
            if not any(k[1] == table for k in self._open):
                self._write(self.target, table, schema.empty_table())
        for out in self._open.values():
            out.close()
        paths: dict[str, Path] = {}
        for month, table in sorted(self._open):
            paths[table] = self.path(month, table)
        for table in self.schemas:
            if (self.target, table) in self._open:
                paths[table] = self.path(self.target, table)
        self._open.clear()
        return {t: paths[t] for t in self.schemas}


class FrameSink(Sink):
    """Keeps every batch in memory (small cities): the D1 dataset layout or the exchange one."""

    def __init__(self, w: World, layout: str) -> None:
        self.layout = layout
        self.schemas = {t: arrow_schema(w, t) for t in w.tables}
        self.parts: dict[str, list[Any]] = {t: [] for t in w.tables}

    def add(self, w: World, table: str, cols: dict[str, Any]) -> None:
        if self.layout == "dataset":
            self.parts[table].append(to_pandas(w.tables[table], cols))
        else:
            self.parts[table].append(batch_table(w, table, cols, self.schemas[table]))

    def frames(self, w: World) -> dict[str, pd.DataFrame]:
        out: dict[str, pd.DataFrame] = {}
        for table, parts in self.parts.items():
            if not parts:  # no rows: the empty table, typed
                self.add(w, table, materialize(w, table))
            if self.layout == "dataset":
                frames = self.parts[table]
                df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
                out[table] = df.reset_index(drop=True)
            else:
                t = plain_strings(pa.concat_tables(self.parts[table]))
                out[table] = t.to_pandas(
                    types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_decimal(t) else None,
                    date_as_object=False,
                )
        return out


def emit_persons(w: World, lo: int, hi: int) -> None:
    """Emit the persons table's rows of the listed persons among person indices [lo, hi) (the
    id store, planted persons included); names drawn per slice (``w.batch`` seeds them)."""
    a = w.people.arrays()
    listed = lo + np.flatnonzero(a["listed"][lo:hi])
    rng = np.random.default_rng([w.seed, 11, w.batch])
    n = listed.size
    if n == 0:
        return
    sur = rng.integers(0, len(SURNAMES), n)
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = np.where(rng.random(n) < 0.7, rng.integers(0, len(GIVEN), n), -1)
    from .world import Coded, Digits

    name = pc.binary_join_element_wise(
        Coded(sur, SURNAMES).to_arrow(),
        Coded(g1, GIVEN).to_arrow(),
        pc.fill_null(Coded(g2, GIVEN).to_arrow(), ""),
        "",
    )
    w.emit(
        "persons",
        person_id=listed,
        name=_Arr(name),
        sex=Coded(np.where(a["rec_male"][listed], 0, 1), ["M", "F"]),
        birth_date=a["rec_birth"][listed],
        region_code=Digits(a["home"][listed], 6),
    )


def emit_employers(w: World) -> None:
    """Emit the employers table from the id store (planted employers included)."""
    from .world import Coded, Digits

    rng = np.random.default_rng([w.seed, 12])
    e = w.employers.arrays()
    m = e["id"].size
    suffix = ["有限公司", "股份有限公司", "集团有限公司", "商贸有限公司", "科技有限公司"]
    ename = pc.binary_join_element_wise(
        Coded(rng.integers(0, len(CITY_WORDS), m), CITY_WORDS).to_arrow(),
        Coded(rng.integers(0, len(GIVEN), m), GIVEN).to_arrow(),
        Coded(rng.integers(0, len(GIVEN), m), GIVEN).to_arrow(),
        Coded(rng.integers(0, len(suffix), m), suffix).to_arrow(),
        "",
    )
    w.emit(
        "employers",
        employer_id=np.arange(m),
        name=_Arr(ename),
        region_code=Digits(e["region"], 6),
        industry_code=Digits(e["industry"], 2),
        established_date=e["established"],
    )


class _Arr:
    def __init__(self, arr: pa.Array) -> None:
        self.arr = arr

    def __getitem__(self, sl: slice) -> _Arr:
        return _Arr(self.arr.slice(sl.start, sl.stop - sl.start))

    def to_arrow(self) -> pa.Array:
        return self.arr

    def __len__(self) -> int:
        return len(self.arr)


SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美雅欣然宇轩浩博子涵梓睿思晨嘉怡佳琪雨婷建国志刚海波春梅玉兰桂英凤霞淑珍秀兰德福永胜卫东红旗立新"
)
CITY_WORDS = [
    "天津",
    "津门",
    "海河",
    "渤海",
    "滨海",
    "津南",
    "北辰",
    "西青",
    "东丽",
    "武清",
    "宝坻",
    "静海",
    "蓟州",
    "宁河",
]

__all__ = [
    "FileSink",
    "FrameSink",
    "Sink",
    "arrow_schema",
    "emit_employers",
    "emit_persons",
    "fixed_strings",
    "flush",
    "to_arrow",
    "to_pandas",
]
