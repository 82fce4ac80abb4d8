"""Reading one table file (Parquet, CSV in UTF-8/GBK/GB18030, XLSX) into raw cells.

Whatever the format, the result is a DataFrame of raw cells plus the 1-based data-row number of
each row, and a list of rows that could not even be split into cells (ragged CSV lines), which the
loader quarantines. Whole-file problems raise :class:`DataError` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import DataError
from .limits import ReadLimits, too_large

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


@dataclass(frozen=True)
class ExcelError:
    """A workbook cell holding an error (``#VALUE!``, ``#N/A``, or a date Excel cannot show)."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class _Scan:
    digest: str
    size: int
    encoding: str | None
    blank: bool
    head: bytes


def _scan(path: Path, text: bool, max_line: int | None = None) -> _Scan:
    """One streaming pass: SHA-256, size, whether the file is blank, its first 64 KiB, and for
    text whether it is UTF-8 (else a second pass checks GB18030) — never the whole file in
    memory."""
    h = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    size, blank, head = 0, True, b""
    line_start, longest = 0, 0  # offset where the current line began; the longest line seen
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            if text:
                ends = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10) + size
                if len(ends):
                    starts = np.concatenate(([line_start], ends[:-1] + 1))
                    longest = max(longest, int((ends - starts).max()))
                    line_start = int(ends[-1]) + 1
                if max_line is not None and size + len(chunk) - line_start > max_line:
                    longest = size + len(chunk) - line_start
                if max_line is not None and longest > max_line:
                    raise too_large(
                        "a line is longer than the limit; bytes", longest, max_line, "line_bytes"
                    )
            if len(head) < 65536:
                head += chunk[: 65536 - len(head)]
            blank = blank and not chunk.strip()
            if text and utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            size += len(chunk)
    encoding = None
    if text:
        try:
            utf8_ok = utf8_ok and not utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
        if utf8_ok:
            encoding = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
        else:
            _check_gb18030(path)
            encoding = "gb18030"
    return _Scan(h.hexdigest(), size, encoding, blank, head)


def _check_gb18030(path: Path) -> None:
    dec = codecs.getincrementaldecoder("gb18030")()
    offset = 0
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                dec.decode(chunk)
                offset += len(chunk)
        dec.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise DataError(
            "text is neither UTF-8 nor GBK/GB18030 "
            f"(undecodable byte at offset {offset + exc.start})"
        ) from None


def read_table_file(path: Path, limits: ReadLimits | None = None) -> RawTable:
    """Read one table file within ``limits`` (default: :meth:`ReadLimits.from_env`)."""
    limits = limits or ReadLimits.from_env()
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise too_large("file size in bytes", size, limits.file_bytes, "file_bytes")
        scan = _scan(path, text=suffix == ".csv", max_line=limits.line_bytes)
        if suffix == ".csv":
            return _read_csv(path, scan, limits)
        if suffix == ".parquet":
            return _read_parquet(path, scan, limits)
        if suffix == ".xlsx":
            return _read_xlsx(path, scan, limits)
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", file=str(path)) from None
    except MemoryError:
        raise DataError(
            "the file does not fit in memory: split it, or take it in through the store "
            "(fundrules intake)",
            file=str(path),
        ) from None
    except DataError as exc:
        if exc.file is None:
            raise DataError(exc.message, file=str(path), column=exc.column, row=exc.row) from None
        raise
    raise DataError(f"unknown file format {suffix}", file=str(path))


def _check_cells(table: pa.Table, limits: ReadLimits) -> None:
    """Rows and the largest text cell of an Arrow table against the limits."""
    if table.num_rows > limits.rows:
        raise too_large("data rows", table.num_rows, limits.rows, "rows")
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(col.type) or pa.types.is_binary(col.type):
            lengths = pc.binary_length(col)
            longest = pc.max(lengths).as_py()
            if longest is not None and longest > limits.cell_bytes:
                row = int(np.argmax(lengths.to_numpy(zero_copy_only=False))) + 1
                err = too_large("cell size in bytes", longest, limits.cell_bytes, "cell_bytes")
                raise DataError(err.message, column=name, row=row)


def _read_csv(path: Path, scan: _Scan, limits: ReadLimits) -> RawTable:
    if scan.blank:
        raise DataError("empty file: not even a header row", file=str(path))
    encoding = scan.encoding or "utf-8"
    digest = scan.digest
    text_head = scan.head.decode(encoding, errors="ignore")
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
            path,
            read_options=pacsv.ReadOptions(
                encoding="utf8" if encoding.startswith("utf-8") else encoding,
                column_names=names,
                skip_rows=1,
                block_size=min(max(2 * limits.line_bytes, 1 << 24), (1 << 31) - 1),
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
        first = str(exc).splitlines()[0]
        if "straddl" in first or "block size" in first:
            raise too_large(
                "a line is longer than the limit; bytes",
                limits.line_bytes + 1,
                limits.line_bytes,
                "line_bytes",
            ) from None
        raise DataError(f"unreadable CSV: {first}", file=str(path)) from None
    _check_cells(table, limits)
    frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow"))
    if names and names[0].startswith("\ufeff"):
        frame = frame.rename(columns={names[0]: names[0].lstrip("\ufeff")})
    total = len(frame) + len(broken)
    rows = np.arange(1, total + 1)
    bad_numbers = {n for n, _ in broken if n > 0}
    if bad_numbers:
        rows = np.array([r for r in rows if r not in bad_numbers][: len(frame)])
    return RawTable(path, frame, rows, digest, scan.size, encoding, broken)


def _read_parquet(path: Path, scan: _Scan, limits: ReadLimits) -> RawTable:
    try:
        rows = pq.ParquetFile(path).metadata.num_rows
        if rows > limits.rows:
            raise too_large("data rows", rows, limits.rows, "rows")
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(
            f"unreadable or corrupt Parquet file: {str(exc).splitlines()[0]}", file=str(path)
        ) from None
    _check_cells(table, limits)
    frame = parquet_frame(table)
    del table
    return RawTable(path, frame, np.arange(1, len(frame) + 1), scan.digest, scan.size)


def parquet_frame(table: pa.Table) -> pd.DataFrame:
    """The raw cells of a Parquet table as the converters take them (its Arrow columns are
    freed as they are converted)."""
    # dictionary-encoded and decimal columns stay Arrow-backed; the converters read them.
    frame: pd.DataFrame = table.to_pandas(
        types_mapper=_pandas_type,
        date_as_object=False,  # date32 → datetime64, not millions of Python date objects
        self_destruct=True,  # free each Arrow column as it is converted
        split_blocks=True,
    )
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype("str")
    return frame


def _pandas_type(t: pa.DataType) -> object:
    """Decimals stay Arrow-backed (the converters read them exactly); integers become pandas'
    nullable integers, so that a column with empty cells is not turned into floats (D41)."""
    if pa.types.is_decimal(t):
        return pd.ArrowDtype(t)
    if pa.types.is_integer(t):
        return pd.api.types.pandas_dtype(str(t).replace("int", "Int").replace("uInt", "UInt"))
    return None


def _read_xlsx(path: Path, scan: _Scan, limits: ReadLimits) -> RawTable:
    """The first sheet, streamed row by row (openpyxl read-only), within the limits: the
    workbook's expansion is checked before any XML is parsed. Error cells (``#VALUE!``, a date
    Excel cannot show) become :class:`ExcelError` so that the loader quarantines their row."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as z:
            expanded = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"unreadable or corrupt Excel file: {exc}", file=str(path)) from None
    if expanded > limits.xlsx_bytes:
        raise too_large("uncompressed workbook bytes", expanded, limits.xlsx_bytes, "xlsx_bytes")
    ratio = expanded / max(scan.size, 1)
    if ratio > limits.expansion:
        raise too_large("workbook expansion ratio", round(ratio, 1), limits.expansion, "expansion")
    header: list[str] | None = None
    rows: list[list[object]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's warnings quote cell values (ids)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                ws = wb.worksheets[0]
                for cells in ws.iter_rows():
                    values = [_excel_value(c, limits) for c in cells]
                    if header is None:
                        header = [
                            str(v).strip() if v is not None else f"Unnamed: {i}"
                            for i, v in enumerate(values)
                        ]
                        continue
                    if len(rows) >= limits.rows:
                        raise too_large("data rows", len(rows) + 1, limits.rows, "rows")
                    rows.append(values)
            finally:
                wb.close()
    except DataError:
        raise
    except Exception as exc:  # openpyxl raises many types for corrupt workbooks
        raise DataError(
            f"unreadable or corrupt Excel file: {type(exc).__name__}", file=str(path)
        ) from None
    if not header or all(h.startswith("Unnamed: ") for h in header):
        raise DataError("empty sheet: not even a header row", file=str(path))
    while rows and all(v is None for v in rows[-1]):
        rows.pop()  # trailing empty rows are formatting, not data
    width = len(header)
    frame = pd.DataFrame([(r + [None] * width)[:width] for r in rows], columns=header, dtype=object)
    return RawTable(path, frame, np.arange(1, len(frame) + 1), scan.digest, scan.size)


def _excel_value(cell: object, limits: ReadLimits) -> object:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "e":
        return ExcelError(str(value))
    if isinstance(value, str) and len(value) > limits.cell_bytes:
        raise too_large("cell size in characters", len(value), limits.cell_bytes, "cell_bytes")
    if isinstance(value, datetime):
        return pd.Timestamp(value)
    if isinstance(value, date | time):
        return pd.Timestamp(value) if isinstance(value, date) else value
    return value
