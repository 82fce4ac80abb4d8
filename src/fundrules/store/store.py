"""The validated store: submissions validated once, kept as versions, read as the data as of a month.

workflow.md, "Submissions and the store"; architecture.md, "Data at rest". The folder layout is
described in :mod:`fundrules.store.folder`.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from fundrules.intake import (
    CST,
    QUARANTINE_COLUMNS,
    DataError,
    Manifest,
    dataset_files,
    file_record,
    now_cst,
    validate_tables,
)
from fundrules.intake.errors import check_row_accounting
from fundrules.intake.limits import ReadLimits
from fundrules.intake.manifest import FileRecord
from fundrules.intake.reading import read_table_file
from fundrules.period import format_period, parse_period

from .folder import IntakeLocked, StoreError, create_marker, read_marker
from .shards import SHARED, person_buckets, row_persons
from .streaming import COMPRESSION, _buckets_via, stream_parquet_table

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry

ROW = "_row"  # increasing in the submitted order (D92): restores it on read
ROW_GROUP = 128 * 1024
SUBMISSION_COLUMNS = [
    "period",
    "version",
    "received_at",
    "due_date",
    "late",
    "changed",
    "changes_version",
    "changed_tables",
    "manifest_id",
    "manifest_sha256",
    "tables",
    "rows_read",
    "rows_loaded",
    "rows_quarantined",
]


def submission_due(month: int) -> date:
    """A submission of month M is on time up to and including day 15 of month M+1."""
    nxt = month + 1
    return date(nxt // 12, nxt % 12 + 1, 15)


@dataclass(frozen=True)
class StoredVersion:
    """One committed version of one submission month."""

    path: Path
    info: dict[str, Any]

    @property
    def period(self) -> str:
        return str(self.info["period"])

    @property
    def month(self) -> int:
        return parse_period(self.period)

    @property
    def version(self) -> int:
        return int(self.info["version"])

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        return dict(self.info["tables"])

    def manifest(self) -> Manifest:
        return Manifest.model_validate_json((self.path / "manifest.json").read_text("utf-8"))

    def quarantine(self) -> pd.DataFrame:
        q = pq.read_table(self.path / "quarantine.parquet").to_pandas()
        return q if len(q) else pd.DataFrame(columns=QUARANTINE_COLUMNS)

    def accounting(self) -> pd.DataFrame:
        return pq.read_table(self.path / "accounting.parquet").to_pandas()

    def table_files(self, table: str, buckets: Iterable[int] | None) -> list[Path]:
        """The files of a table holding the given buckets (None: all), plus its shared rows."""
        folder = self.path / "tables" / table
        if buckets is None:
            return sorted(folder.glob("part-*.parquet"))
        names = [f"part-{b}.parquet" for b in buckets] + ["part-shared.parquet"]
        return [folder / n for n in names if (folder / n).is_file()]


class Store:
    """A store folder. Open one with :func:`open_store`."""

    def __init__(self, root: Path, info: dict[str, Any]) -> None:
        self.root = root
        self.info = info
        self._replaced: dict[str, np.ndarray] = {}  # replaced_rows' answers in this process

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    @property
    def buckets(self) -> int:
        """Person-shard buckets every version's tables are split into."""
        return int(self.info["person_buckets"])

    @property
    def database_url(self) -> str:
        """The case database: a SQLite file in the store unless the marker names another."""
        url = self.info.get("database_url")
        if url:
            return str(url)
        return f"sqlite:///{(self.root / 'cases.sqlite').resolve()}"

    # -- reading what is there ---------------------------------------------------------------

    def periods(self) -> list[str]:
        """Submission months that have at least one committed version, in order."""
        folder = self.root / "submissions"
        found = []
        for p in folder.iterdir() if folder.is_dir() else []:
            try:
                parse_period(p.name)
            except ValueError:
                continue
            if self._versions_in(p):
                found.append(p.name)
        return sorted(found)

    def _versions_in(self, folder: Path) -> list[StoredVersion]:
        out = []
        for p in sorted(folder.glob("v[0-9][0-9][0-9][0-9]")):
            info_file = p / "submission.json"
            if info_file.is_file():  # a committed version always has it (renamed in whole)
                out.append(StoredVersion(p, json.loads(info_file.read_text("utf-8"))))
        return out

    def versions(self, period: str) -> list[StoredVersion]:
        """The committed versions of a submission month, oldest first."""
        month = _month(period)
        return self._versions_in(self.root / "submissions" / format_period(month))

    def version(self, period: str, version: int | None = None) -> StoredVersion:
        """One version of a month (None: the latest); a clear error when it is not there."""
        found = self.versions(period)
        if not found:
            have = ", ".join(self.periods()) or "none"
            raise StoreError(f"period {period} is not in the store {self.root} (periods: {have})")
        if version is None:
            return found[-1]
        for v in found:
            if v.version == version:
                return v
        have = ", ".join(str(v.version) for v in found)
        raise StoreError(f"period {period} has no version {version} (versions: {have})")

    def as_of(self, period: str, version: int | None = None) -> list[StoredVersion]:
        """The versions that make up the data as of ``period``: the latest of every earlier
        submission month, and ``version`` (or the latest) of ``period`` itself; oldest month
        first."""
        month = _month(period)
        target = self.version(period, version)
        earlier = [self.version(p) for p in self.periods() if parse_period(p) < month]
        return [*earlier, target]

    def submissions(self) -> pd.DataFrame:
        """Every accepted submission version: period, version, received time (China time), due
        date, late and changed flags, the manifest's id and hash, and row counts."""
        rows = []
        for period in self.periods():
            for v in self.versions(period):
                i = v.info
                rows.append(
                    {
                        "period": i["period"],
                        "version": i["version"],
                        "received_at": pd.Timestamp(i["received_at"]),
                        "due_date": pd.Timestamp(i["due_date"]),
                        "late": bool(i["late"]),
                        "changed": bool(i["changed"]),
                        "changes_version": i.get("changes_version"),
                        "changed_tables": ",".join(i.get("changed_tables", [])),
                        "manifest_id": i["manifest_id"],
                        "manifest_sha256": i["manifest_sha256"],
                        "tables": len(i["tables"]),
                        "rows_read": int(i["rows_read"]),
                        "rows_loaded": int(i["rows_loaded"]),
                        "rows_quarantined": int(i["rows_quarantined"]),
                    }
                )
        out = pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)
        out["version"] = out["version"].astype("int64")
        out["changes_version"] = out["changes_version"].astype("Int64")
        out["late"] = out["late"].astype(bool)
        out["changed"] = out["changed"].astype(bool)
        return out

    # -- intake ------------------------------------------------------------------------------

    def intake(
        self,
        data_dir: str | Path,
        period: str,
        received_at: datetime | str | None = None,
        *,
        registry: Registry | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> StoredVersion:
        """Validate a submission once and keep it as a new version of ``period``.

        A submission byte-for-byte the same as the period's latest version adds nothing (that
        version is returned); different content is a new version recorded as changed. Nothing
        is overwritten: the version is written to a temporary folder and renamed into place
        when complete. Two intakes of one period at once: the second raises
        :class:`IntakeLocked`. ``progress(table, i, n)`` is called before each table.
        """
        from fundrules.intake import parse_received_at

        month = _month(period)
        if received_at is None:
            when = now_cst()
        elif isinstance(received_at, str):
            try:
                when = parse_received_at(received_at)
            except ValueError as exc:
                raise DataError(str(exc)) from None
        else:
            when = received_at if received_at.tzinfo else received_at.replace(tzinfo=CST)
        if registry is None:
            from fundrules.plugins import get_registry

            registry = get_registry()
        folder = Path(data_dir)
        files = dataset_files(folder, month, registry)
        if not files:
            raise DataError(f"no table files in {folder} (expected e.g. persons.parquet)")
        period_dir = self.root / "submissions" / format_period(month)
        period_dir.mkdir(parents=True, exist_ok=True)
        with _period_lock(period_dir, format_period(month)):
            for stale in period_dir.glob(".incoming-*"):  # left by a killed intake
                shutil.rmtree(stale, ignore_errors=True)
            existing = self._versions_in(period_dir)
            latest = existing[-1] if existing else None
            if latest is not None:
                content = {t: _sha256_file(f) for t, f in files.items()}
                if content == latest.manifest().content:
                    return latest
            tmp = period_dir / f".incoming-{uuid.uuid4().hex[:12]}"
            tmp.mkdir()
            try:
                info = self._write_version(tmp, folder, files, month, when, registry, progress)
                number = (latest.version + 1) if latest else 1
                manifest = Manifest.model_validate_json((tmp / "manifest.json").read_text("utf-8"))
                if latest is not None:
                    before = latest.manifest()
                    manifest = manifest.model_copy(
                        update={
                            "changes": before.id,
                            "changed_tables": sorted(
                                t
                                for t in set(before.content) | set(manifest.content)
                                if before.content.get(t) != manifest.content.get(t)
                            ),
                        }
                    )
                manifest_text = manifest.model_dump_json(indent=2)
                _write_text(tmp / "manifest.json", manifest_text)
                info.update(
                    version=number,
                    changed=latest is not None,
                    changes_version=latest.version if latest else None,
                    changed_tables=manifest.changed_tables,
                    manifest_id=manifest.id,
                    manifest_sha256=hashlib.sha256(manifest_text.encode("utf-8")).hexdigest(),
                )
                _write_text(tmp / "submission.json", json.dumps(info, indent=2, ensure_ascii=False))
                _fsync_dir(tmp)
                target = period_dir / f"v{number:04d}"
                os.rename(tmp, target)  # the commit: a version is complete or absent
                _fsync_dir(period_dir)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            return StoredVersion(target, info)

    def _write_version(
        self,
        tmp: Path,
        folder: Path,
        files: Mapping[str, Path],
        month: int,
        when: datetime,
        reg: Registry,
        progress: Callable[[str, int, int], None] | None,
    ) -> dict[str, Any]:
        t0 = time.perf_counter()
        names = _parents_first(files, reg)
        parents_needed = {
            reg.tables[n].reaches_person_via[0]: reg.tables[n].reaches_person_via[2]  # type: ignore[index]
            for n in names
            if reg.tables[n].reaches_person_via is not None
        }
        parent_buckets: dict[str, tuple[pa.ChunkedArray, np.ndarray, bool]] = {}
        records: list[FileRecord] = []
        quarantines = []
        accounting = []
        tables: dict[str, dict[str, Any]] = {}
        limits = ReadLimits.from_env()
        for i, name in enumerate(names):
            if progress:
                progress(name, i, len(names))
            decl = reg.tables[name]
            via = decl.reaches_person_via
            parent = parent_buckets.get(via[0]) if via is not None else None
            streamed = None
            if files[name].suffix.lower() == ".parquet":
                try:
                    streamed = stream_parquet_table(
                        files[name],
                        decl,
                        reg.vocabularies,
                        tmp / "tables" / name,
                        self.buckets,
                        limits,
                        parent,
                        parents_needed.get(name),
                    )
                except DataError as exc:
                    if exc.file is None:
                        raise DataError(
                            exc.message, file=str(files[name]), column=exc.column, row=exc.row
                        ) from None
                    raise
            if streamed is not None:
                check_row_accounting(
                    name,
                    streamed.accounting["read"],
                    streamed.accounting["loaded"],
                    streamed.accounting["quarantined"],
                )
                records.append(streamed.record)
                tables[name] = streamed.meta
                quarantines.append(streamed.quarantine)
                accounting.append(streamed.accounting)
                if streamed.parent is not None:
                    parent_buckets[name] = streamed.parent
                continue
            # the pandas path: CSV, workbooks, Parquet of column types the Arrow checks lack
            for _, frame, quarantine, acc in validate_tables(
                {name: functools.partial(read_table_file, files[name], limits)},
                reg,
                on_read=lambda name, raw, acc: records.append(file_record(name, raw, acc)),
            ):
                persons = row_persons(frame, decl)
                if persons is not None:
                    buckets = person_buckets(persons, self.buckets)
                elif parent is not None:
                    assert via is not None
                    values = _arrow_text(frame[via[1]])
                    buckets = _buckets_via([(values, np.ones(len(values), np.int64))], *parent)[0]
                else:
                    buckets = np.full(len(frame), SHARED, dtype=np.int16)
                if name in parents_needed:
                    parent_buckets[name] = (
                        pa.chunked_array([_arrow_text(frame[parents_needed[name]])]),
                        buckets,
                        list(decl.key) == [parents_needed[name]],
                    )
                tables[name] = _table_meta(frame, decl)
                pcol = tables[name]["period_column"]
                period = frame[pcol].fillna(-1).to_numpy(dtype=np.int64) if pcol else None
                arrow = pa.Table.from_pandas(
                    frame.assign(**{ROW: np.arange(len(frame), dtype=np.int64)}),
                    preserve_index=False,
                )
                del frame  # the Arrow copy is what is written: one copy of the table at a time
                _write_table(tmp / "tables" / name, arrow, buckets, period)
                del arrow
                quarantines.append(quarantine)
                accounting.append(acc)
        q = [x for x in quarantines if len(x)]
        quarantine = (
            pd.concat(q, ignore_index=True) if q else pd.DataFrame(columns=QUARANTINE_COLUMNS)
        )
        quarantine = quarantine.astype(
            {"table": "str", "file": "str", "column": "str", "value": "str", "reason": "str"}
        )
        quarantine["row"] = quarantine["row"].astype("int64")
        pq.write_table(
            pa.Table.from_pandas(quarantine, preserve_index=False), tmp / "quarantine.parquet"
        )
        acc_frame = pd.DataFrame(
            accounting, columns=["table", "file", "read", "loaded", "quarantined"]
        )
        pq.write_table(
            pa.Table.from_pandas(acc_frame, preserve_index=False), tmp / "accounting.parquet"
        )
        manifest = Manifest(
            period=format_period(month),
            dataset=str(folder.resolve()),
            received_at=when.isoformat(),
            files=records,
        )
        _write_text(tmp / "manifest.json", manifest.model_dump_json(indent=2))
        due = submission_due(month)
        return {
            "period": format_period(month),
            "received_at": when.isoformat(),
            "due_date": due.isoformat(),
            "late": when.astimezone(CST).date() > due,
            "person_buckets": self.buckets,
            "tables": tables,
            "rows_read": int(acc_frame["read"].sum()),
            "rows_loaded": int(acc_frame["loaded"].sum()),
            "rows_quarantined": int(acc_frame["quarantined"].sum()),
            "intake_seconds": round(time.perf_counter() - t0, 3),
        }

    # -- reading data ------------------------------------------------------------------------

    def read_table(
        self,
        versions: list[StoredVersion],
        table: str,
        columns: Iterable[str] | None = None,
        buckets: Iterable[int] | None = None,
        since: int | None = None,
    ) -> pd.DataFrame | None:
        """One table of the data made of ``versions`` (oldest month first): the rows of the
        given person buckets (None: all) and the shared rows, only ``columns`` (None: all),
        only rows whose period is ``since`` or later (tables with a period column). A row of a
        later month replaces the row with the same key of an earlier one. None when no version
        has the table."""
        having = [v for v in versions if table in v.tables]
        if not having:
            return None
        bucket_list = list(buckets) if buckets is not None else None
        parts = []
        for i, v in enumerate(having):
            meta = v.tables[table]
            later = having[i + 1 :]
            gone = None
            if later and meta["key"] and all(k in meta["columns"] for k in meta["key"]):
                gone = self.replaced_rows(v, later, table)
            frame = _read_part(v, table, meta, columns, bucket_list, since, gone)
            parts.append(frame)
        if len(parts) == 1:
            return parts[0]
        return pd.concat(parts, ignore_index=True)

    def replaced_rows(
        self, version: StoredVersion, later: list[StoredVersion], table: str
    ) -> np.ndarray:
        """The ``_row`` numbers (sorted) of ``version``'s rows of ``table`` whose key one of the
        ``later`` versions also has: the rows the data as of a later month replace.

        Computed once per (table, version, later versions) over every bucket — a row may change
        person, hence bucket, from one month to the next — and kept in ``.cache/replaced/`` of
        the store (versions never change, so neither does the answer): each shard of a run, in
        any process, reads it instead of reading every later month's keys again (at 12M persons
        that was 120M item keys per shard). One process computes it while the others wait
        (``flock``); a store that cannot be written keeps it in this process only."""
        # a version is its folder and its manifest's hash (a folder never changes content, and a
        # store rebuilt in the same place has other hashes)
        ident = json.dumps(
            [
                table,
                [(str(v.path.resolve()), v.info.get("manifest_sha256")) for v in [version, *later]],
            ]
        )
        digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]
        if digest in self._replaced:
            return self._replaced[digest]
        folder = self.root / ".cache" / "replaced"
        target = folder / f"{table}-{digest}.npy"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder / f"{table}-{digest}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        except OSError:
            fd = None
        try:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # released when closed, or when the holder dies
            if target.is_file():
                gone = np.load(target)
            else:
                gone = _replaced_rows(version, later, table)
                if fd is not None:
                    tmp = target.with_suffix(f".{os.getpid()}.tmp")
                    with open(tmp, "wb") as fh:
                        np.save(fh, gone)
                    os.replace(tmp, target)  # complete or absent
        finally:
            if fd is not None:
                os.close(fd)
        self._replaced[digest] = gone
        return gone


def open_store(path: str | Path, create: bool = False) -> Store:
    """Open the store in ``path``. With ``create``, a new or empty folder becomes a store;
    a folder that is neither a store nor empty is refused."""
    root = Path(path)
    if create and not (root / "fundrules-store.json").is_file():
        info = create_marker(root)
    else:
        info = read_marker(root)
    return Store(root, info)


# -- helpers of this module -------------------------------------------------------------------


def _month(period: str) -> int:
    try:
        return parse_period(period)
    except ValueError as exc:
        raise DataError(str(exc)) from None


@contextmanager
def _period_lock(period_dir: Path, period: str) -> Iterator[None]:
    lock = period_dir / ".lock"
    fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IntakeLocked(
                f"another intake of period {period} is running in this store "
                f"(lock {lock}); wait for it to finish, then submit again"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock; a killed process releases it too


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _parents_first(files: Mapping[str, Path], reg: Registry) -> list[str]:
    """Tables in an order where a table that others reach their person through comes first."""
    names = list(files)
    parents = {
        reg.tables[n].reaches_person_via[0]  # type: ignore[index]
        for n in names
        if reg.tables[n].reaches_person_via is not None
    }
    return [n for n in names if n in parents] + [n for n in names if n not in parents]


def _arrow_text(values: pd.Series) -> pa.Array:
    return pa.array(values.astype("str"), pa.large_string(), from_pandas=True)


def _table_meta(frame: pd.DataFrame, decl: Any) -> dict:
    return {
        "rows": len(frame),
        "columns": list(frame.columns),
        # Parquet has no seconds timestamps: the unit is restored on read
        "datetime_units": {
            c: str(frame[c].dtype)
            for c in frame.columns
            if pd.api.types.is_datetime64_dtype(frame[c].dtype)
        },
        "key": list(decl.key),
        "period_column": decl.period_column if decl.period_column in frame else None,
    }


def _write_table(
    folder: Path, table: pa.Table, buckets: np.ndarray, period: np.ndarray | None
) -> None:
    """Write one validated table, one file per person bucket, rows sorted by period within a
    file (so that row-group statistics let a run skip months), each with its row number."""
    folder.mkdir(parents=True)
    n = table.num_rows
    if period is None:
        period = np.zeros(n, dtype=np.int64)
    order = np.lexsort((np.arange(n), period, buckets))
    table = table.take(pa.array(order))  # one gather; each bucket is then a zero-copy slice
    sorted_buckets = buckets[order]
    bounds = np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]]) if n else []
    wrote_shared = False
    for i, start in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else n
        b = int(sorted_buckets[start])
        name = "part-shared.parquet" if b == SHARED else f"part-{b}.parquet"
        wrote_shared |= b == SHARED
        pq.write_table(
            table.slice(start, end - start),
            folder / name,
            row_group_size=ROW_GROUP,
            compression=COMPRESSION,
        )
    if not wrote_shared:  # every table has its shared part: its schema, even with no rows
        pq.write_table(table.slice(0, 0), folder / "part-shared.parquet")


def _read_part(
    v: StoredVersion,
    table: str,
    meta: Mapping[str, Any],
    columns: Iterable[str] | None,
    buckets: list[int] | None,
    since: int | None,
    gone: np.ndarray | None = None,
) -> pd.DataFrame:
    files = v.table_files(table, buckets)
    have = meta["columns"]
    wanted = have if columns is None else [c for c in have if c in set(columns)]
    pcol = meta.get("period_column")
    dataset = pads.dataset([str(f) for f in files], format="parquet")
    flt = None
    if since is not None and pcol:
        flt = pads.field(pcol) >= since
    t = _read_in_row_order(dataset, [*wanted, ROW], flt, gone)
    units = meta.get("datetime_units", {})
    t = _with_units(t, units)
    # the Arrow buffers are released column by column as the frame is built (peak: ~1 copy)
    frame = t.to_pandas(self_destruct=True, split_blocks=True)
    del t
    for c, dtype in units.items():
        if c in frame and str(frame[c].dtype) != dtype:
            frame[c] = frame[c].astype(dtype)
    return frame


def _read_in_row_order(
    dataset: pads.Dataset,
    columns: list[str],
    flt: pads.Expression | None,
    gone: np.ndarray | None = None,
) -> pa.Table:
    """The rows in their submitted order (by ``_row``), without ``_row`` and without the rows
    whose ``_row`` is in ``gone`` (replaced by a later month).

    Files hold rows sorted by (bucket, period, row): each file is a few ascending runs of
    ``_row``, which numpy's stable sort (timsort on int64) merges in about one pass; a read
    already in order (one file, one month) is not reordered at all."""
    t = dataset.to_table(columns=columns, filter=flt)
    if gone is not None and len(gone) and t.num_rows:
        t = t.filter(pa.array(~np.isin(t.column(ROW).to_numpy(), gone)))
    if t.num_rows < 2:
        return t.drop_columns([ROW])
    row = t.column(ROW).to_numpy()
    body = t.drop_columns([ROW])
    if bool((row[1:] > row[:-1]).all()):
        return body
    order = pa.array(np.argsort(row, kind="stable"))
    schema, cols = body.schema, body.columns
    del t, body, row
    # column by column, each read column dropped once reordered: one column's copy at a time
    for i, col in enumerate(cols):
        cols[i] = col.take(order)
        del col
    return pa.Table.from_arrays(cols, schema=schema)


def _with_units(t: pa.Table, units: Mapping[str, str]) -> pa.Table:
    """Parquet keeps no seconds timestamps: cast back to the validated unit in Arrow (exact:
    the values were written from that unit), so that the frame is built in it directly."""
    for c, dtype in units.items():
        i = t.schema.get_field_index(c)
        unit = dtype.removeprefix("datetime64[").removesuffix("]")
        if i < 0 or unit not in ("s", "ms", "us", "ns"):
            continue
        typ = t.schema.field(i).type
        if pa.types.is_timestamp(typ) and typ.tz is None and typ.unit != unit:
            t = t.set_column(i, c, pc.cast(t.column(i), pa.timestamp(unit)))
    return t


def _replaced_rows(version: StoredVersion, later: list[StoredVersion], table: str) -> np.ndarray:
    """The ``_row`` numbers (sorted) of the rows of ``table`` in ``version``, every bucket, whose
    key a later version also has.

    Keys are compared as values of the validated type (one type per column in every version:
    a later month's timestamps are cast to this version's type first) with Arrow's hashed
    ``is_in`` on the first key column, then, for the few rows that match there, on integer
    codes of the whole key: no Python string per row. One later version at a time, so that
    only one month's keys are held beside this one's."""
    key = list(version.tables[table]["key"])
    files = [str(f) for f in version.table_files(table, None)]
    mine = pads.dataset(files, format="parquet").to_table(columns=[*key, ROW])
    rows = mine.column(ROW).to_numpy()
    mine = mine.select(key)
    replaced = np.zeros(len(rows), dtype=bool)
    for v in later:
        if table not in v.tables or not mine.num_rows:
            continue
        theirs = pads.dataset(
            [str(f) for f in v.table_files(table, None)], format="parquet"
        ).to_table(columns=key)
        if not theirs.num_rows:
            continue
        try:
            replaced |= _replaced(mine, theirs)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            # a type Arrow cannot align or hash: the keys as text, as pandas writes them
            later_keys = pd.MultiIndex.from_frame(theirs.to_pandas().astype("str"))
            replaced |= pd.MultiIndex.from_frame(mine.to_pandas().astype("str")).isin(later_keys)
        del theirs
    return np.sort(rows[replaced])


def _replaced(mine: pa.Table, theirs: pa.Table) -> np.ndarray:
    """Per row of ``mine``, whether ``theirs`` has a row with the same key (every column)."""
    theirs = pa.table(
        [
            c if c.type == mine.schema.field(n).type else pc.cast(c, mine.schema.field(n).type)
            for n, c in zip(theirs.column_names, theirs.columns, strict=True)
        ],
        names=theirs.column_names,
    )
    first = mine.column_names[0]
    hit = _is_in(mine.column(first), theirs.column(first))
    if mine.num_columns == 1 or not hit.any():
        return hit
    # several columns: only the rows whose first column matches can match on the whole key
    rows = np.flatnonzero(hit)
    cand = mine.take(pa.array(rows))
    near = theirs.filter(pc.is_in(theirs.column(first), value_set=cand.column(first)))
    code_mine, code_theirs = _key_codes(cand, near)
    out = np.zeros(mine.num_rows, dtype=bool)
    out[rows] = _is_in(pa.chunked_array([code_mine]), pa.chunked_array([code_theirs]))
    return out


def _is_in(values: pa.ChunkedArray, value_set: pa.ChunkedArray) -> np.ndarray:
    """Arrow's hashed membership (nulls match nulls) as a numpy bool array."""
    found = pc.is_in(values, value_set=value_set.combine_chunks(), skip_nulls=False)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _key_codes(mine: pa.Table, theirs: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """One int64 per row of each side: equal exactly when the rows' keys are equal."""
    n = mine.num_rows
    code_mine = np.zeros(n, dtype=np.int64)
    code_theirs = np.zeros(theirs.num_rows, dtype=np.int64)
    span = 1  # the codes so far are in [0, span)
    for name in mine.column_names:
        a = mine.column(name)
        b = theirs.column(name)
        if b.type != a.type:
            b = pc.cast(b, a.type)
        both = pa.chunked_array(a.chunks + b.chunks, type=a.type).combine_chunks()
        enc = pc.dictionary_encode(both, null_encoding="encode")
        idx = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        width = len(enc.dictionary)
        if width <= 1:
            continue
        if span * width >= 2**62:  # renumber the codes so far densely before widening
            _, dense = np.unique(np.concatenate([code_mine, code_theirs]), return_inverse=True)
            code_mine, code_theirs = dense[:n].astype(np.int64), dense[n:].astype(np.int64)
            span = int(dense.max()) + 1
        code_mine = code_mine * width + idx[:n]
        code_theirs = code_theirs * width + idx[n:]
        span *= width
    return code_mine, code_theirs


__all__ = ["IntakeLocked", "Store", "StoreError", "StoredVersion", "open_store", "submission_due"]
