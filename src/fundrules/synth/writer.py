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


def write_table(w: World, table: str, out_dir: Path, fmt: str) -> tuple[Path, int]:
    path = out_dir / f"{table}.{fmt}"
    rows = 0
    if fmt == "parquet":
        writer = None
        for cols in _batches(w, table):
            t = to_arrow(w.tables[table], cols)
            if writer is None:
                writer = pq.ParquetWriter(
                    path,
                    t.schema,
                    compression="snappy",
                    use_dictionary=[c for c in t.column_names if c in w.dictionary],
                    write_statistics=False,
                    store_schema=False,  # dictionary columns read back as plain strings
                )
            writer.write_table(t, row_group_size=1_000_000)
            rows += t.num_rows
        if writer is None:
            raise AssertionError(table)
        writer.close()
    elif fmt == "csv":
        with open(path, "wb") as fh:
            fh.write((",".join(c for c, _, _ in w.tables[table]) + "\n").encode())
            opts = pacsv.WriteOptions(include_header=False, quoting_style="needed")
            for cols in _batches(w, table):
                t = plain_strings(to_arrow(w.tables[table], cols))
                pacsv.write_csv(t, fh, opts)
                rows += t.num_rows
    else:
        raise ValueError(f"unknown format {fmt!r} (parquet or csv)")
    return path, rows


def persons_and_employers(w: World) -> None:
    """Emit the persons and employers tables from the id stores (planted ones included)."""
    from .world import Coded, Digits

    a = w.people.arrays()
    listed = np.flatnonzero(a["listed"])
    rng = np.random.default_rng(w.seed + 11)
    n = listed.size
    sur = rng.integers(0, len(SURNAMES), n)
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = np.where(rng.random(n) < 0.7, rng.integers(0, len(GIVEN), n), -1)
    import pyarrow.compute as pc

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

__all__ = ["fixed_strings", "persons_and_employers", "to_arrow", "to_pandas", "write_table"]
