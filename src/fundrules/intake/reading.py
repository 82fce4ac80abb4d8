"""Reading one table file (Parquet, CSV in UTF-8/GBK/GB18030, XLSX) into raw cells.

Whatever the format, the result is a DataFrame of raw cells plus the 1-based data-row number of
each row, and a list of rows that could not even be split into cells (ragged CSV lines), which the
loader quarantines. Whole-file problems raise :class:`DataError` naming the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import DataError

SUFFIXES = (".parquet", ".csv", ".xlsx")


@dataclass
class RawTable:
    file: Path
    frame: pd.DataFrame  # raw cells
    rows: np.ndarray  # 1-based data-row numbers of frame's rows
    sha256: str
    size: int
    encoding: str | None = None
    broken_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)

    @property
    def read(self) -> int:
        return len(self.frame) + len(self.broken_rows)


def find_table_file(folder: Path, table: str) -> Path | None:
    """The file of a table in a dataset folder, or None; two formats of one table is an error."""
    found = [folder / f"{table}{s}" for s in SUFFIXES if (folder / f"{table}{s}").is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise DataError(f"table {table} is given twice ({names}): keep one", file=str(found[0]))
    return found[0] if found else None


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) if the bytes decode as such, else GB18030 (a superset of GBK)."""
    try:
        data.decode("utf-8")
        return "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"text is neither UTF-8 nor GBK/GB18030 (undecodable byte at offset {exc.start})"
        ) from None
    return "gb18030"


def read_table_file(path: Path) -> RawTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", file=str(path)) from None
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _read_csv(path, data, digest)
        if suffix == ".parquet":
            return _read_parquet(path, data, digest)
        if suffix == ".xlsx":
            return _read_xlsx(path, data, digest)
    except DataError as exc:
        if exc.file is None:
            raise DataError(exc.message, file=str(path), column=exc.column, row=exc.row) from None
        raise
    raise DataError(f"unknown file format {suffix}", file=str(path))


def _read_csv(path: Path, data: bytes, digest: str) -> RawTable:
    if not data.strip():
        raise DataError("empty file: not even a header row", file=str(path))
    encoding = detect_encoding(data)
    text_head = data[:65536].decode(encoding, errors="ignore")
    header = next(csv.reader(io.StringIO(text_head)), [])
    names = [h.strip() for h in header]
    if not names or all(not n for n in names):
        raise DataError("empty header row", file=str(path))
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DataError("column named twice in the header", file=str(path), column=dupes[0])
    broken: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = (row.number - 1) if row.number is not None else -1
        broken.append(
            (number, f"line has {row.actual_columns} fields, the header {row.expected_columns}")
        )
        return "skip"

    def read(threads: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                encoding="utf8" if encoding.startswith("utf-8") else encoding,
                column_names=names,
                skip_rows=1,
                block_size=1 << 24,
                use_threads=threads,
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        table = read(True)
        if broken:  # only a single-threaded read knows the line numbers of ragged rows
            broken.clear()
            table = read(False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError) as exc:
        raise DataError(f"unreadable CSV: {str(exc).splitlines()[0]}", file=str(path)) from None
    frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow"))
    if names and names[0].startswith("\ufeff"):
        frame = frame.rename(columns={names[0]: names[0].lstrip("\ufeff")})
    total = len(frame) + len(broken)
    rows = np.arange(1, total + 1)
    bad_numbers = {n for n, _ in broken if n > 0}
    if bad_numbers:
        rows = np.array([r for r in rows if r not in bad_numbers][: len(frame)])
    return RawTable(path, frame, rows, digest, len(data), encoding, broken)


def _read_parquet(path: Path, data: bytes, digest: str) -> RawTable:
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        raise DataError(
            f"unreadable or corrupt Parquet file: {str(exc).splitlines()[0]}", file=str(path)
        ) from None
    # dictionary-encoded and decimal columns stay Arrow-backed; the converters read them.
    frame = table.to_pandas(
        types_mapper=_pandas_type,
        date_as_object=False,  # date32 → datetime64, not millions of Python date objects
        self_destruct=True,  # free each Arrow column as it is converted
        split_blocks=True,
    )
    del table
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype("str")
    return RawTable(path, frame, np.arange(1, len(frame) + 1), digest, len(data))


def _pandas_type(t: pa.DataType) -> object:
    """Decimals stay Arrow-backed (the converters read them exactly); integers become pandas'
    nullable integers, so that a column with empty cells is not turned into floats (D41)."""
    if pa.types.is_decimal(t):
        return pd.ArrowDtype(t)
    if pa.types.is_integer(t):
        return pd.api.types.pandas_dtype(str(t).replace("int", "Int").replace("uInt", "UInt"))
    return None


def _read_xlsx(path: Path, data: bytes, digest: str) -> RawTable:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for corrupt workbooks
        raise DataError(
            f"unreadable or corrupt Excel file: {type(exc).__name__}: {exc}", file=str(path)
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.columns.empty:
        raise DataError("empty sheet: not even a header row", file=str(path))
    return RawTable(path, frame, np.arange(1, len(frame) + 1), digest, len(data))
