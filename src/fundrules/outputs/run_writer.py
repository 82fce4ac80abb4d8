"""One run's output files, committed together or not at all (docs/decisions.md D40).

Layout of an output folder ``OUT``::

    OUT/suspicions.parquet -> .fundrules/current/suspicions.parquet   (one link per output name)
    OUT/complete.json      -> .fundrules/current/complete.json        (the marker, written last)
    OUT/.fundrules/lock                                                (flock: one run at a time)
    OUT/.fundrules/current -> runs/<run id>                            (swapped atomically)
    OUT/.fundrules/runs/<run id>/…                                     (one folder per generation)

A run writes every file into a fresh ``runs/<run id>`` folder; at the end it writes ``complete.json``
(each file's size and SHA-256), syncs, and swaps the ``current`` link with one ``rename`` — so the
paths the README promises (``OUT/suspicions.parquet`` …) show either the previous complete run or the
new complete run, never a mixture, whatever moment the process is killed at. A name the new run does
not write (``classified.csv`` after a screen without ``--classify``) is absent, not left over.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

import pandas as pd

from .errors import OutputError, OutputLocked
from .formulas import write_csv

MARKER = "complete.json"
STATE = ".fundrules"


def check_output_dir(out_dir: str | Path) -> Path:
    """Refuse an output folder that cannot take a run, before any work: exists as a file, or cannot
    be created or written. Returns the folder (created if absent)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"output folder {out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".fundrules-probe-{os.getpid()}-{secrets.token_hex(3)}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"output folder {out} cannot be written: {exc.strerror or exc}") from None
    return out


class RunWriter:
    """Write one run's outputs into ``out_dir`` atomically::

        with RunWriter(out) as w:
            w.write_bytes("run.json", data)
            pq.write_table(table, w.path_for("suspicions.parquet"))
            w.write_csv("suspicions.csv", frame)
        # committed here; an exception (or SystemExit) inside the block commits nothing

    ``carry``: names of the previous run's files to keep in the new run when this run does not
    write them (``True``: all of them) — ``fundrules classify`` keeps the screening files it
    classified. The lock is taken on entering; a second writer into the same folder gets
    :class:`OutputLocked`.
    """

    def __init__(self, out_dir: str | Path, *, carry: bool | Iterable[str] = False) -> None:
        self.out = Path(out_dir)
        self.carry_names: bool | set[str] = carry if isinstance(carry, bool) else set(carry)
        self.state = self.out / STATE
        self.run_id = (
            f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{os.getpid()}-{secrets.token_hex(3)}"
        )
        self.folder = self.state / "runs" / self.run_id
        self.names: list[str] = []
        self._lock_fd: int | None = None
        self.committed = False

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> RunWriter:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.commit()
        finally:
            if not self.committed:
                self.abort()
            self._unlock()

    def open(self) -> RunWriter:
        check_output_dir(self.out)
        try:
            self.state.mkdir(exist_ok=True)
            fd = os.open(self.state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(
                f"output folder {self.out} cannot be written: {exc.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise OutputLocked(
                f"output folder {self.out} is in use by another run (process {holder}); "
                "wait for it to finish or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd
        self._sweep()
        with self._writing():
            self.folder.mkdir(parents=True)
        return self

    @property
    def previous(self) -> Path | None:
        """The folder of the current (previous) complete run, or None."""
        cur = self.state / "current"
        return cur.resolve() if cur.is_symlink() and (cur / MARKER).is_file() else None

    # -- writing ---------------------------------------------------------------------------
    def path_for(self, name: str) -> Path:
        """Where to write output ``name`` (a relative path such as ``suspicions.parquet`` or
        ``notices/0001.docx``) during this run; it becomes ``OUT/name`` on commit."""
        if self._lock_fd is None:
            raise OutputError("RunWriter used outside its `with` block")
        parts = PurePosixPath(name).parts
        if (
            not parts
            or PurePosixPath(name).is_absolute()
            or any(p in ("", ".", "..") or p.startswith(".") for p in parts)
            or name == MARKER
        ):
            raise ValueError(f"not an output name: {name!r}")
        if name not in self.names:
            self.names.append(name)
        path = self.folder.joinpath(*parts)
        with self._writing():
            path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.path_for(name)
        with self._writing():
            path.write_bytes(data)
        return path

    def write_text(self, name: str, text: str) -> Path:
        return self.write_bytes(name, text.encode("utf-8"))

    def write_json(self, name: str, obj: Any) -> Path:
        return self.write_text(name, json.dumps(obj, ensure_ascii=False, indent=2, default=str))

    def write_csv(self, name: str, frame: pd.DataFrame) -> Path:
        """A CSV for people: text cells that a spreadsheet would run as formulas neutralised."""
        path = self.path_for(name)
        with self._writing():
            write_csv(frame, path)
        return path

    # -- commit ----------------------------------------------------------------------------
    def commit(self) -> dict[str, Path]:
        """Make this run the folder's current run; return ``{name: OUT/name}``."""
        if self.committed:
            return self.visible_paths()
        with self._writing():
            self._carry()
            files: dict[str, dict[str, Any]] = {}
            for name in sorted(self.names):
                path = self.folder / name
                if not path.is_file():
                    raise OutputError(f"output {name} was announced but never written")
                files[name] = {"bytes": path.stat().st_size, "sha256": _sync_and_hash(path)}
            marker = {
                "run": self.run_id,
                "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": files,
            }
            tmp = self.folder / f".{MARKER}.tmp"
            tmp.write_text(json.dumps(marker, ensure_ascii=False, indent=2), encoding="utf-8")
            _sync_and_hash(tmp)
            tmp.rename(self.folder / MARKER)
            for d in {(self.folder / n).parent for n in self.names} | {self.folder}:
                _fsync_dir(d)
            tops = {PurePosixPath(n).parts[0] for n in self.names} | {MARKER}
            for top in sorted(tops):
                self._link(top)
            _fsync_dir(self.out)
            new = self.state / f".current-{self.run_id}"
            os.symlink(Path("runs") / self.run_id, new)
            os.replace(new, self.state / "current")  # the one atomic step
            _fsync_dir(self.state)
        self.committed = True
        self._tidy(tops)
        return self.visible_paths()

    def visible_paths(self) -> dict[str, Path]:
        return {n: self.out / n for n in self.names}

    def abort(self) -> None:
        """Forget this run's files; the folder keeps its previous run."""
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- internals -------------------------------------------------------------------------
    def _carry(self) -> None:
        prev = self.previous
        if prev is None or self.carry_names is False:
            return
        listed = read_marker_file(prev / MARKER).get("files", {})
        wanted = set(listed) if self.carry_names is True else set(self.carry_names) & set(listed)
        for name in sorted(wanted - set(self.names)):
            src, dst = prev / name, self.folder / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            self.names.append(name)

    def _link(self, top: str) -> None:
        """``OUT/top`` → ``.fundrules/current/top`` (made once; valid whenever current has it)."""
        visible = self.out / top
        target = Path(STATE) / "current" / top
        if visible.is_symlink() and Path(os.readlink(visible)) == target:
            return
        if visible.is_dir() and not visible.is_symlink():
            raise OutputError(
                f"{visible} is a folder that is not this run's output: move it away or choose "
                "another --out"
            )
        tmp = self.out / f".{top}.link-{self.run_id}"
        os.symlink(target, tmp)
        os.replace(tmp, visible)

    def _tidy(self, tops: set[str]) -> None:
        """After the swap: drop links to names the current run lacks, and older generations."""
        with contextlib.suppress(OSError):
            for entry in self.out.iterdir():
                if entry.is_symlink() and entry.name not in tops:
                    link = Path(os.readlink(entry))
                    if link.parts[:2] == (STATE, "current"):
                        entry.unlink()
        self._sweep()

    def _sweep(self) -> None:
        """Remove generations other than the current one (left by killed or finished runs)."""
        runs = self.state / "runs"
        if not runs.is_dir():
            return
        cur = self.state / "current"
        keep = Path(os.readlink(cur)).name if cur.is_symlink() else None
        for d in runs.iterdir():
            if d.name != keep and d.name != self.run_id:
                shutil.rmtree(d, ignore_errors=True)
        for stray in self.state.glob(".current-*"):
            stray.unlink(missing_ok=True)
        for stray in self.out.glob(".*.link-*"):
            stray.unlink(missing_ok=True)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    @contextlib.contextmanager
    def _writing(self):  # type: ignore[no-untyped-def]
        """OS errors while writing (disk full, file too large, permission) as one clear error."""
        try:
            yield
        except OutputError:
            raise
        except OSError as exc:
            why = exc.strerror or str(exc)
            if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                why = f"{why} (the disk or quota is full)"
            raise OutputError(
                f"could not write the outputs into {self.out}: {why}; "
                "the folder keeps its previous complete run"
            ) from None


def read_marker_file(path: Path) -> dict[str, Any]:
    marker: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return marker


def read_marker(out_dir: str | Path) -> dict[str, Any] | None:
    """The completion marker of the folder's current run, or None when it holds no complete run."""
    path = Path(out_dir) / MARKER
    try:
        return read_marker_file(path)
    except (OSError, ValueError):
        return None


def verify_run(out_dir: str | Path) -> dict[str, str]:
    """Check that ``out_dir`` shows exactly one complete run: every file the marker lists is at
    ``OUT/name`` with its hash, and no other output name is visible. Returns ``{name: sha256}``;
    raises :class:`OutputError` saying what is wrong."""
    out = Path(out_dir)
    marker = read_marker(out)
    if marker is None:
        raise OutputError(f"{out} holds no complete run (no {MARKER})")
    files: dict[str, Any] = marker["files"]
    got: dict[str, str] = {}
    for name, info in files.items():
        path = out / name
        if not path.is_file():
            raise OutputError(f"{out}: {name} is listed in {MARKER} but missing")
        digest = _hash(path)
        if digest != info["sha256"]:
            raise OutputError(f"{out}: {name} does not match its SHA-256 in {MARKER}")
        got[name] = digest
    tops = {PurePosixPath(n).parts[0] for n in files} | {MARKER}
    for entry in out.iterdir():
        if entry.name.startswith(".") or entry.name in tops:
            continue
        if entry.is_symlink() and Path(os.readlink(entry)).parts[:1] == (STATE,) and entry.exists():
            raise OutputError(f"{out}: {entry.name} is visible but not in this run")
    return got


def _hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _sync_and_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb+") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
        os.fsync(f.fileno())
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
