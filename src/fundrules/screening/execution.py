"""Screening from the store, shard by shard, in this process, local worker processes or Dask.

The plan (architecture.md, "Execution"): indicators partitioned by person run once per person
shard, over that shard's rows only (memory bounded by one shard); the others run once over the
tables they read, whole. Each task returns its indicators' raw hits; the hits of all shards are
gathered into suspicions once, in the parent, so the suspicions are byte for byte the same
whatever the shard count or the executor — the partition property ``check_indicator`` checks
every indicator for is what makes the split safe.

Executors: none (this process), a ``concurrent.futures.Executor`` (the default: a process pool
on all cores), or a ``dask.distributed.Client`` (``--dask ADDRESS``): anything with ``submit``
whose futures have ``result()``.
"""

from __future__ import annotations

import ctypes
import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from fundrules.errors import FundrulesError
from fundrules.period import parse_period
from fundrules.screening.reads import declared_reads
from fundrules.store import Store, open_store
from fundrules.store.dataset import store_dataset
from fundrules.store.shards import person_buckets, shard_buckets

from .engine import (
    Outcome,
    ScreenResult,
    assemble,
    evaluate,
    plan_run,
    reads_run_suspicions,
)

SHARD_MEMORY = 1 << 30  # default plan: about this many bytes of tables loaded per shard
LOADED_PER_STORED = 4  # a table in pandas takes ~4 × its Parquet bytes (measured, 100k city)


class ShardFailed(FundrulesError):
    """A task of a sharded run did not finish (its worker died, or the executor lost it): the
    run stops, naming the shard and the indicator it was running; nothing partial is returned."""


@dataclass(frozen=True)
class Task:
    """One unit of a run: some indicators over one shard (or over the whole data)."""

    store: str
    period: str
    version: int | None
    codes: tuple[str, ...]
    params: Any
    shard: int | None  # None: the whole data
    shards: int
    heartbeat: str  # a file the task writes the code of the indicator it runs into
    handed: Mapping[str, pd.DataFrame] | None = None  # small tables beside the data (process.*)

    @property
    def label(self) -> str:
        return "whole data" if self.shard is None else f"shard {self.shard + 1}/{self.shards}"


@dataclass
class TaskResult:
    label: str
    outcomes: list[Outcome] = field(default_factory=list)


def run_task(task: Task, registry: Any = None) -> TaskResult:
    """Run one task (in a worker process, a Dask worker, or here)."""
    in_worker = registry is None  # a worker process (local or Dask) of this run
    if registry is None:
        from fundrules.plugins import get_registry

        registry = get_registry()
        if _OWN_WORKER:
            _freeze_once()
    store = open_store(task.store)
    plan = plan_run(parse_period(task.period), list(task.codes), task.params, registry=registry)
    buckets = None if task.shard is None else shard_buckets(task.shard, task.shards, store.buckets)
    ds = store_dataset(
        store,
        task.period,
        task.version,
        indicators=plan.order,
        registry=plan.registry,
        buckets=buckets,
    )
    beat = _Heartbeat(task.heartbeat)
    progress = _releasing(plan, ds, plan.order, beat)
    try:
        outcomes = evaluate(plan, ds, progress=progress, handed=task.handed)
    finally:
        if ds.store_tables is not None:
            ds.store_tables.release(())
        del ds
        release_memory(collect=in_worker)
    if buckets is not None:
        keep = set(buckets)
        for out in outcomes:
            subject = plan.indicators[out.row["indicator"]].meta.subject
            out.hits = _own_persons(out.hits, subject, keep, store.buckets)
    beat.close()
    return TaskResult(task.label, outcomes)


class _Heartbeat:
    """The file a task writes the code of the indicator it runs into: overwritten in place
    (one ``pwrite``, padded with blanks) rather than opened and rewritten per indicator."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
        self.width = 0

    def write(self, code: str) -> None:
        data = code.encode("utf-8")
        os.pwrite(self.fd, data.ljust(self.width), 0)
        self.width = max(self.width, len(data))

    def close(self) -> None:
        self.write("")
        os.close(self.fd)


_FROZEN = False
_OWN_WORKER = False  # this process is a worker of the pool ``screen_store`` started


def _own_worker() -> None:
    """The initializer of the workers ``screen_store`` starts itself."""
    global _OWN_WORKER
    _OWN_WORKER = True


def _freeze_once() -> None:
    """In a worker process this module started (not a user's executor or Dask worker): move what is alive after the imports (modules, the registry) out
    of the collector's sight, so the full collection after each task costs milliseconds, not
    a walk over every imported object."""
    global _FROZEN
    if not _FROZEN:
        gc.collect()
        gc.freeze()
        _FROZEN = True


def _reads(ind: Any, registry: Any) -> set[str]:
    """The tables an indicator declares it reads (``reads``, ``optional_reads``, the payment
    tables, the tables holding the id kinds it reads)."""
    return set(declared_reads(ind, registry.tables, registry.payment_tables.values()))


def _releasing(
    plan: Any, ds: Any, order: list[Any], beat: _Heartbeat | None = None
) -> Callable[[str, int, int], None]:
    """``evaluate``'s progress callback: before each indicator, write its code to the heartbeat
    file and drop the tables no indicator from it on declares (a table an indicator reads
    without declaring it is read again: slower, never different). A task then holds the tables
    still to be read, not all it has read."""
    remaining: list[set[str]] = []
    acc: set[str] = set()
    for ind in reversed(order):
        acc = acc | _reads(ind, plan.registry)
        remaining.append(acc)
    remaining.reverse()
    tables = getattr(ds, "store_tables", None)

    def progress(code: str, i: int, n: int) -> None:
        if beat is not None:
            beat.write(code)
        if tables is not None and i < len(remaining) and tables.release(remaining[i]):
            release_memory()

    return progress


def release_memory(collect: bool = False) -> None:
    """Hand freed memory back to the operating system: Arrow's pool (pandas' strings live in
    it) and the C heap (numpy's arrays) keep freed pages otherwise, and a worker reused for
    the next task would keep the largest task's footprint. ``collect``: first free what only
    reference cycles hold (a full ``gc.collect``, ~0.1 s with a loaded heap: end of a task)."""
    if collect:
        gc.collect()
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        lib = ctypes.CDLL("libc.so.6")
        lib.malloc_trim  # noqa: B018 (glibc only)
    except (OSError, AttributeError):
        return None
    return lib


_LIBC = _libc()


def _own_persons(
    hits: pd.DataFrame | None, subject: str, keep: set[int], buckets: int
) -> pd.DataFrame | None:
    """A shard's hits on persons of its own buckets only: rows of no person are in every shard,
    and must not make a person's suspicion in a shard that is not the person's."""
    if hits is None or hits.empty or "subject_id" not in hits:
        return hits
    if "subject_type" in hits:
        is_person = (hits["subject_type"].fillna(subject) == "person").to_numpy()
    else:
        is_person = pd.Series(subject == "person", index=hits.index).to_numpy()
    mine = pd.Series(person_buckets(hits["subject_id"].astype("str"), buckets)).isin(keep)
    return hits[~is_person | mine.to_numpy()]


def default_shards(
    store: Store,
    period: str,
    version: int | None,
    workers: int,
    memory: int = SHARD_MEMORY,
) -> int:
    """Person shards from the data's size: enough that one shard's tables, loaded, take about
    ``memory`` bytes (estimated as ``LOADED_PER_STORED`` × their Parquet bytes), so a task's
    memory is bounded whatever the city's size or the number of workers. One shard (this
    process, no workers to start) when the data fit one; else rounded up to whole rounds of
    the workers; at most the store's person buckets. Each shard pays every indicator's fixed
    cost once, so shards are not made smaller than the budget asks."""
    stored = 0
    for v in store.as_of(period, version):
        for table in v.tables:
            stored += sum(f.stat().st_size for f in v.table_files(table, None))
    wanted = -(-stored * LOADED_PER_STORED // memory)
    if wanted <= 1:
        return 1
    if workers > 1:
        wanted = -(-wanted // workers) * workers
    return max(1, min(store.buckets, wanted))


def screen_store(
    store: Store | str | Path,
    period: str,
    indicators: str | Iterable[str] | None = None,
    params: Mapping[str, Any] | str | Path | None = None,
    *,
    version: int | None = None,
    shards: int | None = None,
    workers: int | None = None,
    executor: Any = None,
    registry: Any = None,
    progress: Callable[[str, int, int], None] | None = None,
    handed: Mapping[str, pd.DataFrame] | None = None,
) -> ScreenResult:
    """Screen ``period`` from the store: the data as of that month (its ``version``, default the
    latest), never validated again.

    ``workers``: local worker processes (default: all cores; 1 runs in this process).
    ``executor``: a ``concurrent.futures.Executor`` or a ``dask.distributed.Client`` to run the
    tasks on instead. ``shards``: person shards (default: from the data's size, at least one
    per worker). The result is the same, byte for byte, whatever these are.
    ``progress(label, done, total)`` is called as tasks finish. ``handed``: tables read beside
    the data (the store's submissions, its cases…) for the ``process.*`` checks. Workers build
    the registry of the installed plugins; ``registry`` serves this process.
    """
    st = store if isinstance(store, Store) else open_store(store)
    st.version(period, version)  # a clear error now for a period or version not there
    if registry is None:
        from fundrules.plugins import get_registry

        registry = get_registry()
    plan = plan_run(parse_period(period), indicators, params, registry=registry)
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers < 1:
        raise ValueError("workers must be at least 1")
    n_shards = shards if shards is not None else default_shards(st, period, version, n_workers)
    if not 1 <= n_shards <= st.buckets:
        raise ValueError(f"shards must be between 1 and the store's {st.buckets} person buckets")
    if n_shards == 1 and executor is None:  # one task: the whole data, in this process
        ds = store_dataset(
            st, period, version, indicators=plan.order, registry=plan.registry, buckets=None
        )
        outcomes = evaluate(plan, ds, progress=_releasing(plan, ds, plan.order), handed=handed)
        return assemble(plan, outcomes, ds, handed)
    # the checks of the run's own suspicions run here, last, over every task's results
    last = [i for i in plan.order if reads_run_suspicions(i)]
    first = [i for i in plan.order if not reads_run_suspicions(i)]
    person = tuple(i.code for i in first if i.meta.partition == "person")
    other = _by_tables([i for i in first if i.meta.partition != "person"], plan.registry)
    beats = Path(tempfile.mkdtemp(prefix=f"fundrules-run-{os.getpid()}-"))
    try:
        tasks = [
            _task(st, period, version, codes, params, None, n_shards, beats, handed, f"whole-{k}")
            for k, codes in enumerate(other)
        ]
        if person:
            tasks.extend(
                _task(st, period, version, person, params, j, n_shards, beats, handed, f"shard-{j}")
                for j in range(n_shards)
            )
        results = _run_tasks(tasks, executor, n_workers, registry, progress)
    finally:
        shutil.rmtree(beats, ignore_errors=True)
    outcomes = _merge(first, results)
    ds = store_dataset(st, period, version, indicators=last, registry=plan.registry, buckets=None)
    if last:
        outcomes += evaluate(plan, ds, last, handed=handed, prior=outcomes)
    return assemble(plan, outcomes, ds, handed)


def _by_tables(inds: list[Any], registry: Any) -> list[tuple[str, ...]]:
    """The indicators not partitioned by person, one task per set of tables they read (in the
    plan's order): each task holds only its own tables (never the whole data at once), and
    the tasks spread over the workers beside the shards."""
    groups: dict[frozenset[str], list[str]] = {}
    for ind in inds:
        groups.setdefault(frozenset(_reads(ind, registry)), []).append(ind.code)
    return [tuple(codes) for codes in groups.values()]


def _task(
    st: Store,
    period: str,
    version: int | None,
    codes: tuple[str, ...],
    params: Any,
    shard: int | None,
    shards: int,
    beats: Path,
    handed: Mapping[str, pd.DataFrame] | None,
    name: str,
) -> Task:
    beat = beats / f"{name}.current"
    beat.write_text("", encoding="utf-8")
    return Task(
        store=str(st.root.resolve()),
        period=period,
        version=version,
        codes=codes,
        params=str(Path(params).resolve()) if isinstance(params, str | Path) else params,
        shard=shard,
        shards=shards,
        heartbeat=str(beat),
        handed=dict(handed) if handed else None,
    )


def _run_tasks(
    tasks: list[Task],
    executor: Any,
    workers: int,
    registry: Any,
    progress: Callable[[str, int, int], None] | None,
) -> list[TaskResult]:
    if executor is None and workers == 1:
        out = []
        for i, t in enumerate(tasks):
            out.append(run_task(t, registry))
            if progress:
                progress(t.label, i + 1, len(tasks))
        return out
    own: Executor | None = None
    if executor is None:
        own = ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),
            mp_context=get_context("spawn"),
            initializer=_own_worker,
        )
        executor = own
    try:
        submit = _submitter(executor)
        futures = [submit(t) for t in tasks]
        results: list[TaskResult] = []
        for i, (t, fut) in enumerate(zip(tasks, futures, strict=True)):
            try:
                results.append(fut.result())
            except Exception as exc:  # the worker died, or the executor lost the task
                for f in futures:
                    f.cancel()
                raise ShardFailed(
                    f"{t.label} did not finish ({type(exc).__name__}: {exc}); "
                    f"running when it failed: {_running(tasks)}; no suspicions were written"
                ) from exc
            if progress:
                progress(t.label, i + 1, len(tasks))
        return results
    finally:
        if own is not None:
            own.shutdown(wait=True, cancel_futures=True)


def _running(tasks: list[Task]) -> str:
    """The tasks that had started and not finished, with the indicator each was running."""
    found = []
    for t in tasks:
        try:
            code = Path(t.heartbeat).read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if code:
            found.append(f"{t.label} at indicator {code}")
    return ", ".join(found) if found else "no task had started an indicator"


def _submitter(executor: Any) -> Callable[[Task], Any]:
    """``submit`` of a concurrent.futures executor or of a dask.distributed client."""
    if type(executor).__module__.startswith("distributed"):
        return lambda t: executor.submit(run_task, t, pure=False)
    return lambda t: executor.submit(run_task, t)


def _merge(order: list[Any], results: list[TaskResult]) -> list[Outcome]:
    """One outcome per indicator, in the plan's order, from the outcomes of every task."""
    by_code: dict[str, list[tuple[str, Outcome]]] = {}
    for res in results:
        for out in res.outcomes:
            by_code.setdefault(out.row["indicator"], []).append((res.label, out))
    merged = []
    for ind in order:
        parts = by_code[ind.code]
        row = dict(parts[0][1].row)
        failed = [(label, o) for label, o in parts if o.row["status"] == "failed"]
        if failed:
            label, o = failed[0]
            row.update(status="failed", reason=f"{label}: {o.row['reason']}")
        row["seconds"] = round(sum(o.row["seconds"] for _, o in parts), 4)
        row["rows_in"] = int(sum(o.row["rows_in"] for _, o in parts))
        hits = [o.hits for _, o in parts if o.hits is not None]
        nonempty = [h for h in hits if len(h)]
        merged_hits = None
        if not failed and hits:
            merged_hits = pd.concat(nonempty, ignore_index=True) if nonempty else hits[0]
        first = parts[0][1]
        merged.append(
            Outcome(
                row=row,
                hits=merged_hits,
                parameters_json=first.parameters_json,
                warnings=sorted({w for _, o in parts for w in o.warnings}),
                used=first.used,
            )
        )
    return merged


__all__ = ["ShardFailed", "Task", "run_task", "screen_store"]
