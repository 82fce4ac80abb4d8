"""A strategy for any declared table, from its columns' kinds, vocabularies, keys and references.

This is how a plugin's tables get test data without writing a generator: every column kind has a
value strategy biased towards the boundaries rules care about, and

- columns that refer to a subject (``person_id``, ``employer_id``, ``refers_to=...``) draw from the
  world's shared pools, so rows of different tables name the same people;
- an ``id`` or ``text`` column whose name is the key of another generated table (e.g.
  ``claim_lines.claim_id`` of a plugin's ``claims``) draws from that table's values, so joins hit (no rows when
  that table has none); other id columns draw from a pool of three values per name
  (``code_a`` and ``code_b`` share one);
- a table keyed by one ``id`` column numbers its rows; other keys are made unique by keeping the
  first row of each key;
- the date columns of a row follow their declaration order (``accident_date`` ≤
  ``application_date`` ≤ ``recognition_date``, mostly), starting from an anchor that is either a
  day near the target period or a birthday of a salient age of the row's person.

Values are typed here (``date``, int fen, month numbers); :func:`format_cell` writes them as the
text a CSV would hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from fundrules.period import add_months, format_period, last_day
from fundrules.schema import Column, Table

from .world import (
    OTHER_REGIONS,
    SALIENT_AGES,
    TIANJIN_DISTRICTS,
    World,
    dates_near,
)

SALIENT_FEN: tuple[int, ...] = (0, 1, 250000, 100000, 99)
"""The core's money boundaries (fen); plugins add theirs (``hints.TestData.salient_fen``)."""
SALIENT_INTS: tuple[int, ...] = (
    12, 0, 1, 2, 3, 5, 10, 11, 13, 15, 16, 20, 21, 30, 31, 36, 42, 55, 59, 60, 98, 113, 119, 120,
    128, 180, 365, 366,
)  # fmt: skip
SALIENT_NUMBERS: tuple[float, ...] = (1.0, 0.0, 0.35, 0.34, 0.36, 1.5, 2.0, 3.0, 20.0, 30.0, 100.0)
DAY_STEPS: tuple[int, ...] = (0, 1, 15, 16, 30, 2, 7, 60, 90, 180, 181, 364, 365, 366)
ICD_CODES: tuple[str, ...] = (
    "J18.9", "J18.0", "I10", "Z49.1", "Z51.1", "S72.0", "T14.9", "K35.8", "O80",
)  # fmt: skip
NAMES: tuple[str, ...] = ("张伟", "王芳", "李娜", "刘洋")
TEXT_POOLS: dict[str, tuple[str, ...]] = {
    "name": NAMES,
    "industry_code": ("C13", "F51", "I65"),
    "bank_name": ("中国工商银行天津分行", "中国建设银行天津分行"),
    "source": ("civil_affairs", "public_security", "cremation"),
}


class Unrepresentable(Exception):
    """A typed value cannot be written in a column of this kind (generator and declaration
    disagree); the caller falls back to the generic strategy for that column."""


def money_text(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def price_text(units: int) -> str:
    return f"{units // 10000}.{units % 10000:04d}"


def number_text(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def format_cell(value: Any, column: Column, vocabularies: Mapping[str, frozenset[str]]) -> Any:
    """The text of a typed value as a CSV cell of ``column`` (None = empty). Raises
    :class:`Unrepresentable` where the value breaks the column's declaration."""
    if value is None:
        if column.optional or column.kind == "bool":
            return None
        raise Unrepresentable(f"{column.name}: empty")
    kind = column.kind
    if kind == "money":
        if not isinstance(value, int) or (value < 0 and not column.signed):
            raise Unrepresentable(f"{column.name}: {value!r}")
        return money_text(value)
    if kind == "price":
        if not isinstance(value, int) or (value < 0 and not column.signed):
            raise Unrepresentable(f"{column.name}: {value!r}")
        return price_text(value)
    if kind == "period":
        if not isinstance(value, int):
            raise Unrepresentable(f"{column.name}: {value!r}")
        return format_period(value)
    if kind == "date":
        if not isinstance(value, date):
            raise Unrepresentable(f"{column.name}: {value!r}")
        return value.isoformat()
    if kind == "bool":
        if isinstance(value, str):
            return value
        return "true" if value else "false"
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Unrepresentable(f"{column.name}: {value!r}")
        if kind == "integer" and value != int(value):
            raise Unrepresentable(f"{column.name}: {value!r}")
        lo = column.minimum if column.minimum is not None else (None if column.signed else 0)
        if (lo is not None and value < lo) or (
            column.maximum is not None and value > column.maximum
        ):
            raise Unrepresentable(f"{column.name}: {value!r} out of range")
        return number_text(float(value))
    text = str(value)
    if kind == "code" and text not in vocabularies.get(column.vocabulary or "", frozenset()):
        raise Unrepresentable(f"{column.name}: {text!r} not in {column.vocabulary}")
    return text


def name_stem(name: str) -> str:
    """``item_code_a`` → ``item_code``: columns that name the same kind of thing share a pool."""
    return re.sub(r"_(a|b|1|2|from|to)$", "", name)


def referenced_table(
    table: Table, column: Column, tables: Sequence[Table]
) -> tuple[str, str] | None:
    """The (table, column) whose key values this column holds, by name: another table keyed by
    that column alone (``claim_lines.claim_id`` → ``claims``)."""
    if column.kind not in ("id", "text") or column.refers_to is not None:
        return None
    if table.key == (column.name,):
        return None
    stem = name_stem(column.name)
    for other in tables:
        if other.name == table.name or len(other.key) != 1:
            continue
        k = other.key[0]
        if k in (column.name, stem) and other.column(k).kind in ("id", "text"):
            return other.name, k
    return None


def _period_values(period: int) -> st.SearchStrategy[int]:
    return st.sampled_from((period, period - 1, period - 2, period + 1, period - 3, period - 12))


def value_strategy(
    column: Column, world: World, vocabularies: Mapping[str, frozenset[str]]
) -> st.SearchStrategy[Any] | None:
    """Typed values of one column, boundaries first; None where no value can be made (an empty
    vocabulary, an empty pool)."""
    kind = column.kind
    if kind in ("person_id", "employer_id") or column.refers_to is not None:
        pool = world.pool(column.refers_to or ("person" if kind == "person_id" else "employer"))
        return st.sampled_from(pool) if pool else None
    if kind == "code":
        values = sorted(vocabularies.get(column.vocabulary or "", ()))
        return st.sampled_from(values) if values else None
    if kind == "region":
        return st.sampled_from(TIANJIN_DISTRICTS + OTHER_REGIONS)
    if kind == "date":
        return dates_near(world.period)
    if kind == "period":
        return _period_values(world.period)
    if kind == "money":
        fen = st.one_of(
            st.sampled_from(world.salient_fen or SALIENT_FEN), st.integers(0, 5_000_000)
        )
        if column.signed:
            return st.tuples(fen, st.sampled_from((1, 1, 1, -1))).map(lambda t: t[0] * t[1])
        return fen
    if kind == "price":
        return st.one_of(st.sampled_from((100000, 12345, 1, 99999)), st.integers(0, 10**7))
    if kind in ("number", "integer"):
        lo = column.minimum if column.minimum is not None else (-100.0 if column.signed else 0.0)
        hi = column.maximum if column.maximum is not None else 400.0
        if kind == "integer":
            ints = [v for v in SALIENT_INTS if lo <= v <= hi] or [int(lo)]
            return st.one_of(st.sampled_from(ints), st.integers(int(lo), int(hi)))
        nums = [v for v in SALIENT_NUMBERS if lo <= v <= hi] or [float(lo)]
        cents = st.integers(int(lo * 100), int(hi * 100)).map(lambda c: c / 100)
        return st.one_of(st.sampled_from(nums), cents)
    if kind == "bool":
        return st.sampled_from((False, True, "是", "0", "yes"))
    if kind == "text" and "diagnosis" in column.name:
        return st.sampled_from(ICD_CODES)
    pool = TEXT_POOLS.get(column.name) or tuple(f"{name_stem(column.name)}-{k}" for k in (1, 2, 3))
    return st.sampled_from(pool)


def _anchor(world: World, person_birth: date | None) -> st.SearchStrategy[date]:
    """The first date of a row: near the period, or (for a row of a person) on or next to a
    birthday — the one around the period (the person's own salient age), or a salient age."""
    near = dates_near(world.period)
    if person_birth is None:
        return near
    years_now = world.start.year - person_birth.year

    def birthday(age_off: tuple[int, int]) -> date:
        age, off = age_off
        return add_months(person_birth, 12 * age) + timedelta(days=off)

    return st.one_of(
        near,
        st.tuples(st.sampled_from((years_now, years_now - 1)), st.sampled_from((0, -1, 1))).map(
            birthday
        ),
        st.tuples(st.sampled_from(SALIENT_AGES), st.sampled_from((0, -1, 1))).map(birthday),
    )


@st.composite
def generic_rows(
    draw: st.DrawFn,
    table: Table,
    world: World,
    vocabularies: Mapping[str, frozenset[str]],
    built: Mapping[str, list[dict[str, Any]]],
    tables: Sequence[Table],
    max_rows: int,
) -> list[dict[str, Any]]:
    """Typed rows of any table, as the module docstring describes."""
    strategies: dict[str, st.SearchStrategy[Any] | None] = {}
    for c in table.columns:
        ref = referenced_table(table, c, tables)
        if ref is not None and ref[0] in built:  # generated, maybe empty: only its keys
            values = sorted({r[ref[1]] for r in built[ref[0]] if r.get(ref[1]) is not None})
            strategies[c.name] = st.sampled_from(values) if values else None
        else:
            strategies[c.name] = value_strategy(c, world, vocabularies)
    counter_key = (
        table.key[0]
        if len(table.key) == 1 and table.column(table.key[0]).kind in ("id", "text")
        else None
    )
    unfillable = [
        c.name
        for c in table.columns
        if strategies[c.name] is None and not c.optional and c.name != counter_key
    ]
    if unfillable:  # a required column without any possible value (empty vocabulary or pool)
        return []
    person_col = next((c.name for c in table.columns if c.refers_to == "person"), None)
    births = {p.person_id: p.birth for p in world.persons}
    n = draw(st.integers(0, max_rows))
    rows: list[dict[str, Any]] = []
    for i in range(n):
        row: dict[str, Any] = {}
        for c in table.columns:
            if c.name == counter_key:
                row[c.name] = f"{name_stem(c.name).removesuffix('_id')}{i + 1}"
                continue
            if c.kind == "date":
                continue
            s = strategies[c.name]
            if s is None or (c.optional and not draw(st.booleans())):
                row[c.name] = None
            else:
                row[c.name] = draw(s)
        dates = [c for c in table.columns if c.kind == "date"]
        if dates:
            birth = births.get(row.get(person_col)) if person_col else None
            current = draw(_anchor(world, birth))
            for j, c in enumerate(dates):
                if j > 0:
                    step = draw(st.sampled_from(DAY_STEPS)) * draw(st.sampled_from((1, 1, 1, -1)))
                    current = current + timedelta(days=step)
                if c.optional and not draw(st.booleans()):
                    row[c.name] = None
                else:
                    row[c.name] = min(current, last_day(world.period + 24))
        rows.append(row)
    return rows
