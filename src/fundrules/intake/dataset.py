"""A validated dataset: the tables of one supervision period, plus the quarantine and accounting.

Every row read is either loaded or quarantined with its reason; ``loaded + quarantined == read``
for every table, always (exchange-schema.md, "What the library owes the data").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fundrules.period import format_period, last_day, parse_period
from fundrules.schema import Column, Table
from fundrules.schema.identifiers import ric_profile, ric_valid

from .convert import CONVERTERS, Converted, is_empty, to_code, via_uniques
from .errors import DataError, check_row_accounting
from .limits import ReadLimits
from .manifest import FileRecord, Manifest, now_cst
from .reading import SUFFIXES, ExcelError, RawTable, find_table_file, read_table_file

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry

QUARANTINE_COLUMNS = ["table", "file", "row", "column", "value", "reason"]


@dataclass
class Dataset:
    """The loaded tables of one period of one region's exchange database."""

    period: int
    tables: dict[str, pd.DataFrame]
    schema: dict[str, Table]
    quarantine: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    accounting: pd.DataFrame = field(default_factory=pd.DataFrame)
    manifest: Manifest | None = None
    source: Path | None = None

    @property
    def period_text(self) -> str:
        return format_period(self.period)

    @property
    def period_end(self) -> date:
        return last_day(self.period)

    def has(self, name: str) -> bool:
        return name in self.tables

    def table(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"table {name!r} is not in this dataset") from None

    @cached_property
    def person_profiles(self) -> pd.DataFrame:
        """Sex and birth date of every person named anywhere: the ID's where it passes the ID
        check, else ``persons``' (indicators.md, "Days and ages"). Indexed by person_id."""
        ids = (
            df[c]
            for name, df in self.tables.items()
            for c in self.schema[name].columns_of("person_id")
            if c in df
        )
        persons = self.tables.get("persons", None)
        return person_profiles(ids, persons, self.period_end)


def person_profiles(
    id_columns: Iterable[pd.Series], persons: pd.DataFrame | None, period_end: date
) -> pd.DataFrame:
    """Sex and birth date of every person of ``id_columns``: the ID's where it passes the ID
    check at ``period_end``, else ``persons``'. Indexed by person_id."""
    # distinct ids per column first: a month names the same person on many rows
    ids = [pd.Series(pd.unique(c.dropna()), dtype="str") for c in id_columns]
    all_ids = pd.Series(pd.unique(pd.concat(ids, ignore_index=True)) if ids else [], dtype="str")
    valid = ric_valid(all_ids, period_end)
    prof = ric_profile(all_ids)
    out = pd.DataFrame(
        {
            "person_id": all_ids,
            "id_valid": valid.to_numpy(),
            "sex": prof["sex"].where(valid),
            "birth_date": prof["birth_date"].where(valid),
        }
    ).set_index("person_id")
    if persons is not None:
        p = persons.set_index("person_id")[["sex", "birth_date"]]
        p = p.reindex(out.index)
        out["sex"] = out["sex"].fillna(p["sex"])
        out["birth_date"] = out["birth_date"].fillna(p["birth_date"])
    out["birth_date"] = out["birth_date"].astype("datetime64[s]")
    return out


def load_dataset(
    path: str | Path,
    period: str,
    *,
    tables: Iterable[str] | None = None,
    received_at: datetime | None = None,
    registry: Registry,
    limits: ReadLimits | None = None,
) -> Dataset:
    """Read a dataset folder (Parquet, CSV or XLSX per table) and validate it against the schema
    of ``registry`` (its tables and vocabularies; ``fundrules.load_dataset`` passes the installed
    plugins' registry).

    ``limits`` bounds each file (rows, cell and line size, workbook expansion; default
    :meth:`ReadLimits.from_env`): a file past one is a :class:`DataError`.

    Tables that are absent are simply not in the dataset (indicators that need them are skipped).
    Raises :class:`DataError` for a whole-file problem.
    """
    folder = Path(path)
    month = _parse_period_arg(period)
    reg = registry
    files = dataset_files(folder, month, reg, tables)
    limits = limits or ReadLimits.from_env()
    # one table at a time: its raw cells are released before the next file is read
    records: list[FileRecord] = []
    ds = _build(
        {name: functools.partial(read_table_file, f, limits) for name, f in files.items()},
        month,
        reg,
        on_read=lambda name, raw, acc: records.append(file_record(name, raw, acc)),
    )
    ds.source = folder
    ds.manifest = Manifest(
        period=ds.period_text,
        dataset=str(folder.resolve()),
        received_at=(received_at or now_cst()).isoformat(),
        files=records,
    )
    return ds


def file_record(name: str, raw: RawTable, acc: Mapping[str, object]) -> FileRecord:
    """The manifest's record of one table file: its hash, size and row accounting."""
    return FileRecord(
        table=name,
        file=raw.file.name,
        sha256=raw.sha256,
        bytes=raw.size,
        encoding=raw.encoding,
        rows_read=int(acc["read"]),  # type: ignore[call-overload]
        rows_loaded=int(acc["loaded"]),  # type: ignore[call-overload]
        rows_quarantined=int(acc["quarantined"]),  # type: ignore[call-overload]
    )


def dataset_files(
    folder: Path, month: int, reg: Registry, tables: Iterable[str] | None = None
) -> dict[str, Path]:
    """The file of each table a dataset folder holds (and the plugins' reference tables it
    lacks), by table name. Raises :class:`DataError` for a missing folder or an unknown table."""
    if not folder.is_dir():
        raise DataError(f"dataset folder not found: {folder}")
    wanted = (
        list(tables) if tables is not None else [n for n, t in reg.tables.items() if not t.handed]
    )
    files: dict[str, Path] = {}
    for name in wanted:
        if name not in reg.tables:
            raise DataError(f"unknown table {name!r}")
        if reg.tables[name].handed:
            raise DataError(
                f"table {name!r} is handed to screening by the entry point; it is never read "
                "from a data folder"
            )
        f = find_table_file(folder, name)
        if f is not None:
            files[name] = f
    if not files and tables is None:
        raise DataError(_no_table_message(folder, reg))
    inside = folder.resolve()
    for name, f in files.items():
        target = f.resolve()
        if not target.is_relative_to(inside):
            # a dataset is what its folder holds: a link out of it is refused (D49)
            raise DataError(
                f"table {name} is a link to a file outside the dataset folder ({target}); "
                "copy the file into the folder",
                file=str(f),
            )
    for name, f in reg.reference_files(month).items():
        if name in wanted and name not in files and f.is_file():
            files[name] = f
    return files


def _no_table_message(folder: Path, reg: Registry) -> str:
    """What a folder with no table of the schema holds, and what it should (exit 2)."""
    seen = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    shown = ", ".join(seen[:20]) + (f" and {len(seen) - 20} more" if len(seen) > 20 else "")
    hints = []
    for p in seen:
        stem, _, suffix = p.rpartition(".")
        if stem.lower() in reg.tables and f".{suffix.lower()}" in SUFFIXES:
            hints.append(f"{p} → {stem.lower()}.{suffix.lower()}")
    hint = f"; names are lower-case: rename {', '.join(hints)}" if hints else ""
    return (
        f"no table of the exchange schema in {folder} (saw: {shown or 'nothing'}); a table's file "
        f"is <table>.parquet, .csv or .xlsx, e.g. persons.csv{hint}"
    )


def dataset_from_frames(
    frames: Mapping[str, pd.DataFrame],
    period: str,
    *,
    registry: Registry,
    fill_optional: bool = True,
) -> Dataset:
    """Validate in-memory raw tables exactly as files are validated (tests, generators, callers
    that already hold DataFrames). Cells may be text as in a CSV, or typed values.

    With ``fill_optional`` (the default), optional columns that a frame lacks are added empty, so
    that small hand-written tables need only the columns that matter; files get no such help.
    """
    month = _parse_period_arg(period)
    reg = registry
    raws = {}
    for name, frame in frames.items():
        if name not in reg.tables:
            raise DataError(f"unknown table {name!r}")
        if fill_optional:
            absent = [
                c.name for c in reg.tables[name].columns if c.optional and c.name not in frame
            ]
            if absent:
                frame = frame.assign(**{c: None for c in absent})
        raws[name] = RawTable(
            Path(f"<{name}>"), frame.reset_index(drop=True), np.arange(1, len(frame) + 1), "", 0
        )
    return _build({name: functools.partial(_given, raw) for name, raw in raws.items()}, month, reg)


def _given(raw: RawTable) -> RawTable:
    return raw


def _convert_as(
    convert: Callable[[pd.Series, Column], Converted], column: Column, cells: pd.Series
) -> Converted:
    return convert(cells, column)


def _parse_period_arg(period: str) -> int:
    try:
        return parse_period(period)
    except ValueError as exc:
        raise DataError(str(exc)) from None


def _build(
    sources: Mapping[str, Callable[[], RawTable]],
    month: int,
    reg: Registry,
    on_read: Callable[[str, RawTable, dict[str, Any]], None] | None = None,
) -> Dataset:
    loaded: dict[str, pd.DataFrame] = {}
    quarantines: list[pd.DataFrame] = []
    accounting: list[dict[str, Any]] = []
    for name, frame, quarantine, acc in validate_tables(sources, reg, on_read):
        loaded[name] = frame
        quarantines.append(quarantine)
        accounting.append(acc)
    q = [x for x in quarantines if len(x)]
    quarantine = pd.concat(q, ignore_index=True) if q else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    return Dataset(
        period=month,
        tables=loaded,
        schema={n: reg.tables[n] for n in loaded},
        quarantine=quarantine,
        accounting=pd.DataFrame(
            accounting, columns=["table", "file", "read", "loaded", "quarantined"]
        ),
    )


def validate_tables(
    sources: Mapping[str, Callable[[], RawTable]],
    reg: Registry,
    on_read: Callable[[str, RawTable, dict[str, Any]], None] | None = None,
) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame, dict[str, Any]]]:
    """Read and validate one table at a time: ``(name, loaded frame, quarantine, accounting)``.
    Each table's raw cells are released before the next file is read."""
    for name, read in sources.items():
        raw = read()
        decl = reg.tables[name]
        rows_read = raw.read
        frame, quarantine = load_table(raw, decl, reg.vocabularies)
        check_row_accounting(name, rows_read, len(frame), len(quarantine))
        acc = {
            "table": name,
            "file": raw.file.name,
            "read": rows_read,
            "loaded": len(frame),
            "quarantined": len(quarantine),
        }
        if on_read is not None:
            on_read(name, raw, acc)
        raw.frame = raw.frame.iloc[0:0]  # release the raw cells now, not at the end of the load
        del raw
        # hand the frame over without keeping a reference here, so the caller can free it
        box = [(name, frame, quarantine, acc)]
        del frame, quarantine
        yield box.pop()


def load_table(
    raw: RawTable,
    decl: Table,
    vocabularies: Mapping[str, frozenset[str]],
    *,
    check_keys: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Convert one table's raw cells; return the loaded frame and its quarantine rows. Without
    ``check_keys`` duplicate keys are left in (the store checks them over the whole file)."""
    frame = raw.frame
    fname = raw.file.name
    missing = [c for c in decl.column_names if c not in frame.columns]
    if missing:
        raise DataError(
            f"required column missing from table {decl.name}", file=str(raw.file), column=missing[0]
        )
    n = len(frame)
    failing_col = np.full(n, -1, dtype=np.int64)
    shown_values = np.full(n, "", dtype=object)  # the raw cell that made each bad row fail
    reasons: list[str] = []
    out: dict[str, pd.Series] = {}
    for column in decl.columns:
        before = failing_col < 0
        cells = frame[column.name]
        if column.kind == "code":
            allowed = vocabularies.get(column.vocabulary or "", frozenset())
            values, bad, reason = to_code(cells, column, allowed)
        elif column.kind in ("date", "period", "bool") and cells.dtype != object:
            conv = CONVERTERS[column.kind]
            values, bad, reason = via_uniques(cells, functools.partial(_convert_as, conv, column))
        else:
            values, bad, reason = CONVERTERS[column.kind](cells, column)
        if cells.dtype == object:  # a workbook's error cells (#VALUE!, impossible dates)
            is_error = cells.map(lambda v: isinstance(v, ExcelError), na_action="ignore")
            errors = is_error.astype("boolean").fillna(False).to_numpy(dtype=bool)
            if errors.any():
                _mark(failing_col, errors, len(reasons))
                reasons.append(
                    f"error cell in the workbook (#VALUE!, #N/A or a date Excel "
                    f"cannot show)|{column.name}"
                )
        if not column.optional:
            empty = is_empty(cells)
            if column.kind == "bool":
                empty = np.zeros(n, dtype=bool)  # empty = false, per the schema
            what = "key" if column.key else "required"
            bad_empty = empty & ~bad
            _mark(failing_col, bad_empty, len(reasons))
            reasons.append(f"{what} cell is empty|{column.name}")
        if isinstance(reason, str):
            _mark(failing_col, bad, len(reasons))
            reasons.append(f"{reason}|{column.name}")
        else:  # a reason per cell (amounts: not an amount, out of range, negative …)
            for why in pd.unique(reason[bad]):
                _mark(failing_col, bad & (reason == why), len(reasons))
                reasons.append(f"{why}|{column.name}")
        out[column.name] = values
        newly = np.flatnonzero(before & (failing_col >= 0))
        if len(newly):
            shown_values[newly] = [_shown(v) for v in cells.iloc[newly]]
        del cells
        frame.pop(column.name)  # the raw column is no longer needed: free it as we go
    good = failing_col < 0
    typed = pd.DataFrame(out, index=frame.index)
    extras = [c for c in frame.columns if c not in out]
    for c in extras:
        typed[c] = frame[c]
    q_parts = []
    if (~good).any():
        idx = np.flatnonzero(~good)
        info = [reasons[k].split("|", 1) for k in failing_col[idx]]
        cols = [c for _, c in info]
        q_parts.append(
            pd.DataFrame(
                {
                    "table": decl.name,
                    "file": fname,
                    "row": raw.rows[idx],
                    "column": cols,
                    "value": shown_values[idx],
                    "reason": [r for r, _ in info],
                }
            )
        )
    typed = typed[good]
    rows = raw.rows[good]
    if check_keys and decl.key and len(typed):
        dup = typed.duplicated(subset=list(decl.key), keep="first").to_numpy()
        if dup.any():
            first_row = (
                pd.Series(rows, index=typed.index)
                .groupby([typed[k] for k in decl.key], dropna=False, sort=False)
                .transform("first")
                .to_numpy()
            )
            keyvals = typed[list(decl.key)].astype("str").agg(" | ".join, axis=1)
            q_parts.append(
                pd.DataFrame(
                    {
                        "table": decl.name,
                        "file": fname,
                        "row": rows[dup],
                        "column": ",".join(decl.key),
                        "value": keyvals.to_numpy()[dup],
                        "reason": [f"duplicate key: same as row {r}" for r in first_row[dup]],
                    }
                )
            )
            typed = typed[~dup]
    for number, why in raw.broken_rows:
        q_parts.append(
            pd.DataFrame(
                [
                    {
                        "table": decl.name,
                        "file": fname,
                        "row": number,
                        "column": "",
                        "value": "",
                        "reason": why,
                    }
                ]
            )
        )
    typed = _final_dtypes(typed.reset_index(drop=True), decl)
    quarantine = (
        pd.concat(q_parts, ignore_index=True).sort_values("row", kind="stable")
        if q_parts
        else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    return typed, quarantine.reset_index(drop=True)


def _mark(failing: np.ndarray, bad: np.ndarray, k: int) -> None:
    failing[(failing < 0) & bad] = k


def _shown(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


def _final_dtypes(frame: pd.DataFrame, decl: Table) -> pd.DataFrame:
    for c in decl.columns:
        s = frame[c.name]
        if c.kind in ("money", "price") and not c.optional:
            frame[c.name] = s.astype("int64")
        elif c.kind == "period" and not c.optional:
            frame[c.name] = s.astype("int32")
        elif c.kind in ("text", "id", "person_id", "employer_id", "region", "code"):
            frame[c.name] = s.astype("str")
    return frame
