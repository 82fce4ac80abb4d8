"""``fundrules.synth``: a synthetic city with planted anomalies and their ground truth.

The background is built clean, with margins away from every indicator boundary; each
anomaly is then planted on fresh subjects at the firing side of its boundary (and a
few "near misses" at the non-firing side), and the books are derived last so that the
ledger, reports and accounts agree with the business data to the fen.

>>> info = generate_city("out/city", persons=20_000, seed=0, period="2025-06")
>>> frames = generate_frames(persons=2_000)        # D1 layout, plus "truth"
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from fundrules.schema import INSURANCES

from . import city, finance, quality
from .dates import period_text
from .part import Cash, Population, SynthPart
from .schema import LOW_CARDINALITY_KINDS
from .schema import layout as schema_layout
from .world import PROFILES, Volumes, World
from .writer import FileSink, FrameSink, Sink, emit_employers, emit_persons, flush

if TYPE_CHECKING:
    from fundrules.plugins.registry import Registry

__all__ = [
    "CORE_CODES",
    "PROFILES",
    "CityInfo",
    "SynthPart",
    "Volumes",
    "default_rates",
    "generate_city",
    "generate_frames",
    "planted_codes",
    "synth_parts",
]

#: The codes the core plants: its data.* plants and the fund-level ones the books carry.
FUND_CODES: tuple[str, ...] = (
    "fund.business_ledger_mismatch",
    "fund.report_ledger_mismatch",
    "fund.report_arithmetic",
    "fund.low_months_payable",
    "fund.non_designated_account",
    "fund.idle_expenditure_balance",
    "fund.income_account_not_swept",
    "fund.low_deposit_rate",
)
CORE_CODES: tuple[str, ...] = (*quality.PLANTS, *FUND_CODES)

#: Planted instances per person (at least one each when > 0) unless a part says otherwise.
#: Fund-level checks plant one (their subject is the insurance); account checks at most 5.
DEFAULT_RATE = 1e-4


def _registry(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from fundrules.plugins import get_registry

    return get_registry()


def synth_parts(registry: Registry | None = None) -> list[SynthPart]:
    """The installed plugins' parts of the city, each after the parts it names in ``after``
    (otherwise by name, so that a seed gives the same city whatever the install order)."""
    from fundrules.plugins.registry import _call_each

    reg = _registry(registry)
    found: list[SynthPart] = []

    def register(part: SynthPart) -> None:
        if not isinstance(part, SynthPart):
            raise TypeError(f"fundrules_register_synth: expected a SynthPart, got {part!r}")
        found.append(part)

    for _ in _call_each(reg, "fundrules_register_synth", register=register):
        pass
    by_name = {p.name: p for p in sorted(found, key=lambda p: p.name)}
    ordered: list[SynthPart] = []
    seen: set[str] = set()

    def visit(p: SynthPart, path: tuple[str, ...]) -> None:
        if p.name in seen:
            return
        if p.name in path:
            raise ValueError(f"synth parts depend on each other in a circle: {path}")
        for dep in p.after:
            if dep in by_name:
                visit(by_name[dep], (*path, p.name))
        seen.add(p.name)
        ordered.append(p)

    for p in by_name.values():
        visit(p, ())
    return ordered


def planted_codes(parts: list[SynthPart] | None = None) -> tuple[str, ...]:
    """Every indicator code the core and the given (default: installed) parts plant."""
    parts = synth_parts() if parts is None else parts
    codes = list(CORE_CODES)
    for p in parts:
        codes += [c for c in p.plants if c not in codes]
    return tuple(codes)


def default_rates(parts: list[SynthPart] | None = None) -> dict[str, float]:
    parts = synth_parts() if parts is None else parts
    rates = dict.fromkeys(planted_codes(parts), DEFAULT_RATE)
    rates.update(dict.fromkeys(FUND_CODES, 1e-6))
    for p in parts:
        rates.update(p.rates)
    return rates


TRUTH_COLUMNS = ["indicator", "subject_type", "subject_id", "period"]


@dataclass
class CityInfo:
    """What :func:`generate_city` wrote."""

    out_dir: Path
    period: str
    paths: dict[str, Path]
    rows: dict[str, int]
    truth_path: Path
    near_misses_path: Path
    truth_rows: int
    seconds: float = 0.0
    #: by month: rows per table in each month's folder (``YYYY-MM``), else empty
    months: dict[str, dict[str, int]] = field(default_factory=dict)


def _cash(reg: Registry) -> list[Cash]:
    """The plugins' person-payment tables (``fundrules_register_payment_tables``) as the books
    carry them: each row's amount in the month it was paid, or of its period. ``benefits`` (a
    core table, by paid date) the books read themselves."""
    out = []
    for pt in reg.payment_tables.values():
        table = reg.tables.get(pt.table)
        if pt.table == "benefits" or table is None or pt.insurance is None:
            continue
        month = pt.paid_date_column or table.period_column
        if month is not None:
            out.append(Cash(pt.table, pt.insurance, pt.amount_column, month))
    return out


#: persons per chunk of the population whose rows are made (and written) together
CHUNK_PERSONS = 1_000_000


def _chunks(pop: Population, size: int) -> Iterator[Population]:
    n = pop.size
    if n <= size:
        yield pop
        return
    for lo in range(0, n, size):
        yield Population({k: v[lo : lo + size] for k, v in pop.items()})


def _new_world(
    persons: int,
    seed: int,
    period: str,
    rates: dict[str, float] | None,
    volumes: Volumes | None,
    reg: Registry,
    parts: list[SynthPart],
) -> World:
    r = default_rates(parts)
    if rates:
        unknown = set(rates) - set(r)
        if unknown:
            raise KeyError(f"unknown indicator codes: {sorted(unknown)}")
        r.update(rates)
    tables = [t for t in reg.tables.values() if not t.handed]
    w = World(
        persons,
        seed,
        period,
        r,
        volumes or Volumes(),
        layouts={t.name: schema_layout(t) for t in tables},
        auto_ids={k: v for p in parts for k, v in p.auto_ids.items()},
        shuffled={t for p in parts for t in p.shuffled},
        services={k: v for p in parts for k, v in p.services.items()},
        dictionary={c.name for t in tables for c in t.columns if c.kind in LOW_CARDINALITY_KINDS},
    )
    extra = sorted(set(reg.vocabularies.get("insurance", ())) - set(INSURANCES))
    w.insurances = (*INSURANCES, *extra)
    w.cash = _cash(reg)
    return w


def _parents(reg: Registry) -> dict[str, tuple[str, str, str]]:
    """Tables that reach their person through a parent row (items through settlements)."""
    return {
        n: t.reaches_person_via
        for n, t in reg.tables.items()
        if t.reaches_person_via is not None and not t.handed
    }


def _make(
    w: World,
    parts: list[SynthPart],
    sink: Sink,
    chunk_persons: int,
    first: tuple[str, ...] = (),
    progress: Callable[[str], None] | None = None,
) -> None:
    """The city, batch by batch into ``sink`` (D105): each chunk of ``chunk_persons`` persons
    (the core's rows, every part's ``background``, every part's ``flush``), then the plants (and
    the parts' ``flush``), the parts' ``finish``, the books, the employers and the persons table
    in slices. A batch is written and let go before the next is made."""
    say = progress or (lambda _msg: None)
    pop = city.build_population(w)
    for p in parts:
        if p.setup is not None:
            p.setup(w)
    n_chunks = -(-pop.size // chunk_persons)
    for k, chunk in enumerate(_chunks(pop, chunk_persons)):
        say(
            f"persons {k * chunk_persons:,}-{min((k + 1) * chunk_persons, pop.size):,} "
            f"(chunk {k + 1} of {n_chunks})"
        )
        city.rows_of(w, chunk)
        for p in parts:
            if p.background is not None:
                p.background(w, chunk)
        _end_batch(w, parts, sink, first)
        del chunk
    say("planted anomalies")
    for plant in quality.PLANTS.values():
        plant(w)
    for p in parts:
        for plant in p.plants.values():
            plant(w)
    _end_batch(w, parts, sink, first)
    for p in parts:
        if p.finish is not None:
            p.finish(w)
    flush(w, sink, first)
    say("books, employers and persons")
    finance.build(w)
    emit_employers(w)
    flush(w, sink, first)
    for lo in range(0, w.people.n, chunk_persons):
        emit_persons(w, lo, min(lo + chunk_persons, w.people.n))
        flush(w, sink, first)


def _end_batch(w: World, parts: list[SynthPart], sink: Sink, first: tuple[str, ...]) -> None:
    for p in parts:
        if p.flush is not None:
            p.flush(w)
    flush(w, sink, first)


def _marks_frame(rows: list[tuple[str, str, str, str, str]], note: bool) -> pd.DataFrame:
    cols = TRUTH_COLUMNS + (["note"] if note else [])
    df = pd.DataFrame([r if note else r[:4] for r in rows], columns=cols)
    return df.sort_values(TRUTH_COLUMNS, kind="stable").reset_index(drop=True)


def generate_frames(
    persons: int = 20_000,
    seed: int = 0,
    period: str = "2025-06",
    rates: dict[str, float] | None = None,
    volumes: Volumes | None = None,
    layout: str = "dataset",
    registry: Registry | None = None,
    chunk_persons: int = CHUNK_PERSONS,
) -> dict[str, pd.DataFrame]:
    """The city as DataFrames, plus ``truth`` and ``near_misses``.

    ``layout="dataset"`` follows decision D1 (int64 fen, int32 month numbers,
    datetime64[s], arrow strings): what indicators see after intake. ``layout="exchange"``
    is what the files hold, as the Parquet reader hands it to intake (decimal columns
    Arrow-backed, ``YYYY-MM`` text, datetime64 dates): feed it to
    ``fundrules.dataset_from_frames`` to validate and screen without files. The rows are the
    same, in the same order, as :func:`generate_city` writes for the seed and chunk size.
    """
    if layout not in ("dataset", "exchange"):
        raise ValueError(f"layout must be 'dataset' or 'exchange', not {layout!r}")
    reg = _registry(registry)
    parts = synth_parts(reg)
    w = _new_world(persons, seed, period, rates, volumes, reg, parts)
    sink = FrameSink(w, layout)
    _make(w, parts, sink, chunk_persons)
    out = sink.frames(w)
    out["truth"] = _marks_frame(w.truth.rows, note=False)
    out["near_misses"] = _marks_frame(w.near.rows, note=True)
    return out


def generate_city(
    out_dir: str | Path,
    persons: int = 20_000,
    seed: int = 0,
    period: str = "2025-06",
    fmt: str = "parquet",
    rates: dict[str, float] | None = None,
    volumes: Volumes | None = None,
    registry: Registry | None = None,
    *,
    by_month: bool = False,
    chunk_persons: int = CHUNK_PERSONS,
    progress: Callable[[str], None] | None = None,
) -> CityInfo:
    """Write the city as ``<table>.parquet`` or ``<table>.csv`` plus ``truth.csv``.

    Deterministic by ``seed`` (and ``chunk_persons``, part of a seed's recipe). ``rates`` maps
    indicator codes to planted instances per person (0 disables one). ``near_misses.csv``
    lists planted negatives that must *not* fire. ``volumes``: :class:`Volumes` (e.g.
    ``Volumes.tianjin()``). The city is written chunk by chunk of ``chunk_persons`` persons and
    never held whole: memory is bounded by one chunk's rows.

    ``by_month``: one folder per window month, ``<out>/<YYYY-MM>/``, each that month's
    submission: the rows of the tables with a period column by their period (older periods with
    the window's first month), item lines with their settlement, and the tables without a
    period in the target month's folder (``truth.csv`` too). Intaking the months in order into
    a store gives the same data as of the target month as the one-folder city.
    """
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    reg = _registry(registry)
    parts = synth_parts(reg)
    w = _new_world(persons, seed, period, rates, volumes, reg, parts)
    folders = [out / period_text(int(m)) for m in w.months] if by_month else [out]
    for folder in folders:
        for table in w.tables:
            for suffix in ("parquet", "csv", "xlsx"):  # a stale file of another format is read
                (folder / f"{table}.{suffix}").unlink(missing_ok=True)
    follows = _parents(reg)
    sink = FileSink(
        w,
        out,
        fmt,
        by_month=by_month,
        period_columns={
            n: t.period_column for n, t in reg.tables.items() if t.period_column is not None
        },
        follows=follows,
    )
    try:
        _make(w, parts, sink, chunk_persons, tuple(p for p, _, _ in follows.values()), progress)
    finally:
        paths = sink.close()
    target = folders[-1]
    truth = _marks_frame(w.truth.rows, note=False)
    truth_path = target / "truth.csv"
    truth.to_csv(truth_path, index=False)
    near_path = target / "near_misses.csv"
    _marks_frame(w.near.rows, note=True).to_csv(near_path, index=False)
    return CityInfo(
        out_dir=out,
        period=w.period,
        paths=paths,
        rows=dict(sink.rows),
        truth_path=truth_path,
        near_misses_path=near_path,
        truth_rows=len(truth),
        seconds=time.perf_counter() - t0,
        months={period_text(m): dict(r) for m, r in sorted(sink.month_rows.items())}
        if by_month
        else {},
    )
