"""Hypothesis strategies for exchange data, built from the schema's declarations.

    from fundrules.testing import datasets

    @given(datasets("2025-06", tables=["persons", "benefits", "deaths"]))
    def test_something(raw):
        ds = raw.load()          # fundrules.dataset_from_frames: nothing is quarantined
        ...

A generated dataset is a :class:`RawDataset`: one frame per table with text cells as a CSV holds
them. Every table is drawn from one shared world of persons, employers, other subjects (``refers_to``) and accounts
(``world.py``), by a hand-tuned generator for the central relations (``central.py``) or by the
generic strategy any declared table gets (``generic.py``). Values are built from their
constraints (valid IDs, unique keys, dates in order), never by filtering, and lean towards the
boundaries the catalog names, so that indicators fire on some examples and not on others. Lists
shrink towards empty and values towards the first day of the period and the plainest codes, so a
failing example shrinks to a few readable rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
from hypothesis import strategies as st

from fundrules.intake import Dataset, dataset_from_frames
from fundrules.period import format_period, parse_period
from fundrules.plugins import Registry, get_registry
from fundrules.schema import Table

from .central import CORE_TEST_DATA
from .generic import Unrepresentable, format_cell, generic_rows, referenced_table, value_strategy
from .hints import TestData, resolve
from .world import World, credit_codes, person_ids, worlds

__all__ = ["RawDataset", "credit_codes", "datasets", "person_ids"]


class RawDataset(Mapping[str, pd.DataFrame]):
    """The raw tables of one generated period: a mapping of table name to a frame of text cells
    (None = an empty cell), ready for :func:`fundrules.dataset_from_frames`."""

    def __init__(self, period: str, frames: Mapping[str, pd.DataFrame]) -> None:
        self.period = period
        self.frames = dict(frames)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)

    def load(self, registry: Registry | None = None) -> Dataset:
        """Validate the frames as files are validated."""
        return dataset_from_frames(self.frames, self.period, registry=registry or get_registry())

    def case_tables(self) -> dict[str, list[dict[str, str]]]:
        """The rows as a case file's ``tables:`` holds them (empty cells left out)."""
        return {
            name: [
                {k: v for k, v in row.items() if v is not None and v == v}
                for row in frame.to_dict(orient="records")
            ]
            for name, frame in self.frames.items()
        }

    def describe(self) -> str:
        """The tables as small text tables (the shape a shrunk example is shown in)."""
        lines = [f"period {self.period}"]
        empty = [n for n, f in self.frames.items() if f.empty]
        for name, frame in self.frames.items():
            if frame.empty:
                continue
            lines.append(f"{name} ({len(frame)} row{'s' if len(frame) != 1 else ''}):")
            text = frame.astype(object).where(frame.notna(), "").to_string(index=False)
            lines += ["    " + t for t in text.splitlines()]
        if empty:
            lines.append(f"no rows: {', '.join(empty)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "RawDataset(\n" + self.describe() + "\n)"


def test_data(registry: Registry) -> TestData:
    """The core's test data merged with every installed plugin's (in registration order)."""
    from fundrules.plugins.registry import _call_each

    found: list[TestData] = []
    for _ in _call_each(
        registry, "fundrules_register_test_data", register=lambda d: found.append(resolve(d))
    ):
        pass
    out = CORE_TEST_DATA
    for d in found:
        out = out.merged(d)
    payment_tables = tuple(p[0] for p in _payments(registry))
    # the core's generators that place events around payments read the plugins' payments too
    depends = dict(out.depends)
    for name in ("deaths", "incarcerations"):
        depends[name] = (*depends.get(name, ()), *payment_tables)
    depends["ledger"] = (*depends.get("ledger", ()), *payment_tables)
    return TestData(out.generators, depends, out.needs, out.salient_fen, out.benefit_types)


def _payments(registry: Registry) -> tuple[tuple[str, str, str, str], ...]:
    """The plugins' person-payment tables (``fundrules_register_payment_tables``) that the
    generators can total by period: (table, insurance, amount column, period column)."""
    out = []
    for pt in registry.payment_tables.values():
        table = registry.tables.get(pt.table)
        if pt.table == "benefits" or table is None or pt.insurance is None:
            continue
        if table.period_column is not None:
            out.append((pt.table, pt.insurance, pt.amount_column, table.period_column))
    return tuple(out)


def _generation_order(tables: Sequence[Table], data: TestData) -> list[Table]:
    """Tables after the tables they draw values from (hand-tuned dependencies, same-name key
    references, ``reaches_person_via``); ties keep the declaration order."""
    names = {t.name for t in tables}
    deps: dict[str, set[str]] = {}
    for t in tables:
        d = set(data.depends.get(t.name, ()))
        for c in t.columns:
            ref = referenced_table(t, c, tables)
            if ref is not None:
                d.add(ref[0])
        if t.reaches_person_via is not None:
            d.add(t.reaches_person_via[0])
        deps[t.name] = (d & names) - {t.name}
    rank: dict[str, int] = {}

    def depth(name: str, seen: frozenset[str]) -> int:
        if name in rank:
            return rank[name]
        if name in seen:  # a cycle: break it here
            return 0
        r = 1 + max((depth(d, seen | {name}) for d in deps[name]), default=-1)
        rank[name] = r
        return r

    for t in tables:
        depth(t.name, frozenset())
    return sorted(tables, key=lambda t: rank[t.name])


@st.composite
def _conformed_rows(
    draw: st.DrawFn,
    table: Table,
    rows: list[dict[str, Any]],
    world: World,
    vocabularies: Mapping[str, frozenset[str]],
) -> tuple[list[dict[str, Any]], dict[str, list[Any]]]:
    """Write typed rows as cells of the declared columns; a column that the rows lack or that
    the declaration refuses is drawn by the generic strategy; rows repeating a key are dropped."""
    cells: dict[str, list[Any]] = {}
    for c in table.columns:
        try:
            if any(c.name not in r for r in rows):
                raise Unrepresentable(c.name)
            cells[c.name] = [format_cell(r[c.name], c, vocabularies) for r in rows]
        except Unrepresentable:
            strategy = value_strategy(c, world, vocabularies)
            if strategy is None and not c.optional:
                return [], {c.name: [] for c in table.columns}
            values = [
                draw(strategy)
                if strategy is not None and (not c.optional or draw(st.booleans()))
                else None
                for _ in rows
            ]
            for r, v in zip(rows, values, strict=True):
                r[c.name] = v
            cells[c.name] = [format_cell(v, c, vocabularies) for v in values]
    if table.key and rows:
        seen: set[tuple[Any, ...]] = set()
        keep = []
        for i in range(len(rows)):
            k = tuple(str(cells[name][i]).strip().upper() for name in table.key)
            keep.append(k not in seen)
            seen.add(k)
        rows = [r for r, ok in zip(rows, keep, strict=True) if ok]
        cells = {n: [v for v, ok in zip(vs, keep, strict=True) if ok] for n, vs in cells.items()}
    return rows, cells


def _needs(tables: Sequence[Table], data: TestData) -> frozenset[str]:
    """The pools a set of tables draws from: their subject columns, dates anchored on persons'
    birthdays, and the hand-tuned generators' own needs."""
    out: set[str] = set()
    for t in tables:
        out |= data.needs.get(t.name, frozenset())
        for c in t.columns:
            if c.refers_to is not None:
                out.add(c.refers_to)
            elif c.kind == "person_id":
                out.add("person")
            elif c.kind == "employer_id":
                out.add("employer")
    return frozenset(out)


@st.composite
def _raw_datasets(
    draw: st.DrawFn,
    month: int,
    order: Sequence[Table],
    names: Sequence[str],
    vocabularies: Mapping[str, frozenset[str]],
    max_persons: int,
    max_rows: int | None,
    faults: bool,
    focus: str | None,
    data: TestData,
    payments: tuple[tuple[str, str, str, str], ...],
) -> RawDataset:
    world = draw(
        worlds(
            month, max_persons=max_persons, faults=faults, needs=_needs(order, data), focus=focus
        )
    )
    world = replace(
        world,
        salient_fen=data.salient_fen,
        benefit_types=data.benefit_types,
        payments=payments,
    )
    built: dict[str, list[dict[str, Any]]] = {}
    frames: dict[str, pd.DataFrame] = {}
    limit = max_rows if max_rows is not None else 2 * max(len(world.persons), 1) + 1
    for table in order:
        if table.name in data.generators:
            rows = data.generators[table.name](draw, world, vocabularies, built)
        else:
            rows = draw(generic_rows(table, world, vocabularies, built, order, limit))
        rows, cells = draw(_conformed_rows(table, rows, world, vocabularies))
        built[table.name] = rows
        frames[table.name] = pd.DataFrame(
            {c.name: pd.Series(cells[c.name], dtype=object) for c in table.columns}
        )
    return RawDataset(format_period(month), {n: frames[n] for n in names})


def datasets(
    period: str = "2025-06",
    tables: Iterable[str] | None = None,
    registry: Registry | None = None,
    *,
    max_persons: int = 6,
    max_rows: int | None = None,
    faults: bool = False,
    insurance: str | None = None,
) -> st.SearchStrategy[RawDataset]:
    """Raw datasets of ``period`` holding ``tables`` (all registered tables by default).

    ``max_persons`` bounds the shared pool of persons (tables hang off it: a few rows per
    person); ``max_rows`` bounds tables generated generically (default twice the persons, plus
    one). With ``faults``, some persons and employers carry the faults the ``data.*`` indicators
    look for (bad check characters, IDs that disagree with ``persons``, persons absent from
    ``persons``); without, every ID is valid and agrees with its row. ``insurance`` makes most
    payments, contributions and enrollments that insurance's (``check_indicator`` passes the
    indicator's), so that rules about it meet their data. Either way the frames load with
    nothing quarantined.
    """
    reg = registry or get_registry()
    month = parse_period(period)
    names = (
        [n for n, t in reg.tables.items() if not t.handed]
        if tables is None
        else list(dict.fromkeys(tables))
    )
    unknown = [n for n in names if n not in reg.tables]
    if unknown:
        raise ValueError(f"unknown table(s): {', '.join(unknown)}")
    data = test_data(reg)
    order = _generation_order([reg.tables[n] for n in names], data)
    return _raw_datasets(
        month,
        order,
        names,
        reg.vocabularies,
        max_persons,
        max_rows,
        faults,
        insurance,
        data,
        _payments(reg),
    )
