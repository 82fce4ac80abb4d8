"""Generation state: config, id stores, table chunks, ground truth.

Tables are built as chunks of numpy columns (person/employer columns as int indices,
money as int64 fen) and only turned into strings and decimals at the very end, so
that tens of millions of rows never hold Python objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fundrules.schema import INSURANCES

from .dates import DAY, month_end, month_number, month_start, period_text
from .ids import EmployerIdFactory, PersonIdFactory, fixed_strings, prefixed_ids
from .part import AutoId, Cash
from .schema import CORE_LAYOUTS, INT_NULL, Layout


@dataclass(frozen=True)
class Volumes:
    """Knobs for data volume (per person and month unless said otherwise)."""

    #: settlements per person in the target period (outpatient + pharmacy + inpatient)
    settlements_per_person: float = 3.0
    #: item lines per outpatient/pharmacy settlement (mean)
    items_per_settlement: float = 4.0
    #: each history month's medical volume as a share of the target period's
    history_medical_share: float = 1.0
    #: share of persons with an inpatient stay in a month
    inpatient_rate: float = 0.012
    employers_per_person: float = 0.04
    providers_per_person: float = 0.003
    #: weight of the age groups of 50 and over against the default pyramid (1: as is); the
    #: share of pensioners, and so of benefit rows, follows it
    elder_weight: float = 1.0

    @classmethod
    def tianjin(cls) -> Volumes:
        """Tianjin's month (issue #11): at 12M persons about 4M settlements, 40M item lines and
        2.5M benefit rows in the target month (a third of a settlement per person, ten lines
        each; a younger pyramid: weight 0.55 on the ages of 50 and over), proportionally at
        other sizes. Each history month carries the target month's medical volume."""
        return cls(
            settlements_per_person=1 / 3,
            items_per_settlement=10.0,
            inpatient_rate=0.01,
            elder_weight=0.55,
        )


#: named volume profiles (``fundrules synth --profile NAME``)
PROFILES: dict[str, Callable[[], Volumes]] = {"default": Volumes, "tianjin": Volumes.tianjin}


@dataclass
class Coded:
    """Strings as codes into a small vocabulary (-1 = empty)."""

    codes: np.ndarray
    vocab: Any

    def __getitem__(self, sl: slice) -> Coded:
        return Coded(self.codes[sl], self.vocab)

    def to_arrow(self) -> pa.Array:
        voc = pa.array(list(self.vocab), pa.string())
        codes = np.asarray(self.codes, dtype=np.int64)
        idx = pa.array(codes, mask=codes < 0)
        return voc.take(idx)

    def __len__(self) -> int:
        return len(self.codes)


@dataclass
class Digits:
    """Non-negative ints written as zero-padded text (region codes)."""

    values: np.ndarray
    width: int

    def __getitem__(self, sl: slice) -> Digits:
        return Digits(self.values[sl], self.width)

    def to_arrow(self) -> pa.Array:
        return prefixed_ids("", np.asarray(self.values), self.width)

    def __len__(self) -> int:
        return len(self.values)


@dataclass
class Seq:
    """Sequential ids (settlements) written as prefix + a scrambled number."""

    values: np.ndarray
    prefix: str
    width: int
    salt: int

    def __getitem__(self, sl: slice) -> Seq:
        return Seq(self.values[sl], self.prefix, self.width, self.salt)

    def to_arrow(self) -> pa.Array:
        v = np.asarray(self.values)
        if v.size > 1:  # item lines repeat their settlement's id: build each id once per run
            start = np.flatnonzero(np.concatenate([[True], v[1:] != v[:-1]]))
            if start.size < v.size // 2:
                runs = np.diff(np.append(start, v.size))
                one = prefixed_ids(
                    self.prefix, _mix(v[start], 10**self.width, self.salt), self.width
                )
                return one.take(pa.array(np.repeat(np.arange(start.size), runs)))
        return prefixed_ids(self.prefix, _mix(v, 10**self.width, self.salt), self.width)

    def __len__(self) -> int:
        return len(self.values)


def _mix(n: np.ndarray, modulus: int, salt: int) -> np.ndarray:
    """A bijection of [0, modulus) used to hide the order in which ids were made."""
    a = 7_919_777_731 % modulus
    return (np.asarray(n, dtype=np.int64) * a + salt) % modulus


def slice_chunk(chunk: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    """Rows [lo, hi) of a chunk (arrays, coded/sequence columns; scalars stay)."""
    out: dict[str, Any] = {"__n": hi - lo}
    for k, v in chunk.items():
        if k == "__n":
            continue
        if isinstance(v, pa.Array):
            out[k] = v.slice(lo, hi - lo)
        elif (
            hasattr(v, "__getitem__")
            and hasattr(v, "__len__")
            and not isinstance(v, (str, bytes, list))
        ) or isinstance(v, list):
            out[k] = v[lo:hi]
        else:
            out[k] = v
    return out


class PersonStore:
    """Everyone the data mentions: listed persons and the unknown ones payments name.

    Columns grow in place (spare room, a quarter more each time), so the plants' few fresh
    persons at a time do not copy a 12M-person city each (D105)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.factory = PersonIdFactory(rng)
        self._cols: dict[str, np.ndarray] = {}
        self.n = 0

    def add(
        self,
        birth: np.ndarray,
        male: np.ndarray,
        region: np.ndarray | int,
        home: np.ndarray | int | None = None,
        listed: bool = True,
        ids: np.ndarray | None = None,
    ) -> np.ndarray:
        birth = np.asarray(birth, dtype=DAY)
        n = birth.size
        male = np.broadcast_to(np.asarray(male, bool), (n,)).copy()
        region = np.broadcast_to(np.asarray(region, np.int64), (n,)).copy()
        home = region if home is None else np.broadcast_to(np.asarray(home, np.int64), (n,))
        if ids is None:
            ids = self.factory.new(region, birth, male)
        new = {
            "id": np.asarray(ids),
            "birth": birth,
            "male": male,
            "home": np.asarray(home, np.int64),
            "listed": np.full(n, listed),
            "rec_birth": birth,
            "rec_male": male,
        }
        end = self.n + n
        for k, v in new.items():
            col = self._cols.get(k)
            dtype = v.dtype if col is None else np.result_type(col.dtype, v.dtype)
            if col is None or end > col.size or dtype != col.dtype:
                room = end if col is None or self.n == 0 else max(end, col.size + col.size // 4)
                grown = np.empty(room, dtype)
                if col is not None:
                    grown[: self.n] = col[: self.n]
                self._cols[k] = col = grown
            col[self.n : end] = v
        idx = np.arange(self.n, end, dtype=np.int64)
        self.n = end
        return idx

    def arrays(self) -> dict[str, np.ndarray]:
        """Every person's columns (views: a later ``set`` or ``add`` leaves them as they are)."""
        return {k: v[: self.n] for k, v in self._cols.items()}

    def set(self, name: str, idx: np.ndarray, values: np.ndarray) -> None:
        """Change a recorded attribute (persons table) for some persons."""
        col = self._cols[name].copy()  # arrays handed out before keep their values
        col[np.asarray(idx)] = values
        self._cols[name] = col

    def id_text(self, idx: np.ndarray) -> list[str]:
        return [b.decode() for b in self.arrays()["id"][np.asarray(idx)]]


class EmployerStore:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.factory = EmployerIdFactory(rng)
        self._chunks: list[dict[str, np.ndarray]] = []
        self._cache: dict[str, np.ndarray] | None = None
        self.n = 0

    def add(
        self,
        region: np.ndarray | int,
        established: np.ndarray,
        avg_wage: np.ndarray | int,
        ids: np.ndarray | None = None,
    ) -> np.ndarray:
        established = np.asarray(established, dtype=DAY)
        n = established.size
        region = np.broadcast_to(np.asarray(region, np.int64), (n,)).copy()
        if ids is None:
            ids = self.factory.new(region)
        self._chunks.append(
            {
                "id": ids,
                "region": region,
                "established": established.copy(),
                "avg_wage": np.broadcast_to(np.asarray(avg_wage, np.int64), (n,)).copy(),
                "industry": self.rng.integers(1, 97, n),
            }
        )
        self._cache = None
        idx = np.arange(self.n, self.n + n, dtype=np.int64)
        self.n += n
        return idx

    def arrays(self) -> dict[str, np.ndarray]:
        if self._cache is None:
            keys = self._chunks[0].keys()
            self._cache = {k: np.concatenate([c[k] for c in self._chunks]) for k in keys}
        return self._cache

    def set(self, name: str, idx: np.ndarray, values: np.ndarray) -> None:
        start = 0
        for c in self._chunks:
            n = c["id"].size
            sel = (idx >= start) & (idx < start + n)
            if sel.any():
                c[name] = c[name].copy()
                c[name][idx[sel] - start] = np.asarray(values)[sel]
            start += n
        self._cache = None

    def id_text(self, idx: np.ndarray) -> list[str]:
        return [b.decode() for b in self.arrays()["id"][np.asarray(idx)]]


@dataclass
class Marks:
    """Ground truth (planted anomalies) or near misses (planted negatives)."""

    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def add(
        self, indicator: str, subject_type: str, subject_ids: list[str], period: str, note: str = ""
    ) -> None:
        for s in subject_ids:
            self.rows.append((indicator, subject_type, s, period, note))


class World:
    """Everything one generation run shares."""

    def __init__(
        self,
        persons: int,
        seed: int,
        period: str,
        rates: dict[str, float],
        volumes: Volumes,
        layouts: dict[str, Layout] | None = None,
        auto_ids: dict[str, AutoId] | None = None,
        shuffled: set[str] | None = None,
        services: dict[str, Any] | None = None,
        dictionary: set[str] | None = None,
    ) -> None:
        self.n_persons = persons
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.P = month_number(period)
        self.period = period_text(self.P)
        self.months = np.arange(self.P - 3, self.P + 1)
        self.ws = month_start(self.P - 3)  # first day of the window
        self.ps = month_start(self.P)  # first day of the target period
        self.pe = month_end(self.P)  # last day of the target period
        self.rates = rates
        self.vol = volumes
        self.people = PersonStore(self.rng)
        self.employers = EmployerStore(self.rng)
        self.chunks: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.counters: dict[str, int] = defaultdict(int)
        self.truth = Marks()
        self.near = Marks()
        self.ctx: dict[str, Any] = {}  # facts parts share across steps (a catalog, counts, ...)
        #: every table the installed plugins declare, as the generator holds it
        self.tables: dict[str, Layout] = dict(CORE_LAYOUTS if layouts is None else layouts)
        self.auto_ids: dict[str, AutoId] = {**CORE_AUTO_IDS, **(auto_ids or {})}
        self.shuffled: set[str] = set(CORE_SHUFFLED) | set(shuffled or ())
        self.services: dict[str, Any] = dict(services or {})
        #: text columns worth dictionary-encoding in Parquet (ids are not: that only costs time)
        self.dictionary: set[str] = set(CORE_DICTIONARY) | set(dictionary or ())
        #: the funds the books keep (the schema's insurances and those plugins register)
        self.insurances: tuple[str, ...] = INSURANCES
        #: the plugins' tables that move fund money (see ``SynthPart.cash``)
        self.cash: list[Cash] = []
        #: the rows made so far were handed to the writer in this many batches (chunks of
        #: persons, then the plants, then the books and the persons table in slices)
        self.batch = 0
        #: next number of each auto-id table (ids run on across batches)
        self.auto_next: dict[str, int] = defaultdict(int)
        #: cash per insurance and window month of the batches already written (the books)
        self.cash_totals: dict[str, np.ndarray] | None = None

    def has(self, table: str) -> bool:
        """Whether an installed plugin declares ``table`` (a plant may need another's table)."""
        return table in self.tables

    def service(self, name: str) -> Any:
        """A helper another part offers (``SynthPart.services``); KeyError when not installed."""
        if name not in self.services:
            raise KeyError(f"no installed plugin offers the synth service {name!r}")
        return self.services[name]

    # -- counts -----------------------------------------------------------------------
    def count(self, code: str) -> int:
        """Instances to plant for an indicator: rate x persons, at least one when rate > 0."""
        rate = self.rates.get(code, 0.0)
        if rate <= 0:
            return 0
        return max(1, round(rate * self.n_persons))

    def seq(self, name: str, n: int) -> np.ndarray:
        start = self.counters[name]
        self.counters[name] = start + n
        return np.arange(start, start + n, dtype=np.int64)

    # -- rows -------------------------------------------------------------------------
    def emit(self, table: str, **cols: Any) -> None:
        """Append rows; scalars broadcast; unknown columns are an error (keeps the contract)."""
        if table not in self.tables:
            raise KeyError(f"{table}: no installed plugin declares this table")
        allowed = {c for c, _, _ in self.tables[table]}
        extra = set(cols) - allowed
        if extra:
            raise KeyError(f"{table}: not in the exchange schema: {sorted(extra)}")
        n = None
        for v in cols.values():
            if hasattr(v, "__len__") and not isinstance(v, (str, bytes)):
                n = len(v)
                break
        if n is None:
            n = 1
        if n == 0:
            return
        self.chunks[table].append({"__n": n, **cols})

    def mark(self, code: str, subject_type: str, subjects: list[str], note: str = "") -> None:
        self.truth.add(code, subject_type, subjects, self.period, note)

    def near_miss(self, code: str, subject_type: str, subjects: list[str], note: str = "") -> None:
        self.near.add(code, subject_type, subjects, self.period, note)


# --------------------------------------------------------------------------------------
# materialization
CORE_AUTO_IDS: dict[str, AutoId] = {
    "benefits": AutoId("payment_id", "PAY", 12),
    "ledger": AutoId("entry_id", "GL", 10),
}
CORE_DICTIONARY = {
    "sex", "region_code", "insurance", "scheme", "benefit_type", "period", "agency_id",
    "source", "account_type", "item", "line", "bank_name", "industry_code",
}  # fmt: skip
CORE_SHUFFLED = {
    "persons",
    "employers",
    "benefits",
    "deaths",
    "incarcerations",
    "national_benefits",
    "enrollments",
}


def _text_chunk(v: Any, n: int) -> pa.Array:
    if v is None:
        return pa.nulls(n, pa.string())
    if isinstance(v, str):
        return Coded(np.zeros(n, np.int64), [v]).to_arrow()
    if hasattr(v, "to_arrow"):
        return v.to_arrow()
    if isinstance(v, pa.Array):
        return v.cast(pa.string())
    arr = np.asarray(v)
    if arr.dtype.kind == "S":
        return fixed_strings(arr) if arr.dtype.itemsize else pa.nulls(n, pa.string())
    vals = arr.astype(object)
    mask = np.array([x is None or x == "" for x in vals], bool) if n else np.zeros(0, bool)
    return pa.array(vals.astype(str), pa.string(), mask=mask)


_FILL = {
    "money": np.int64(0),
    "price": INT_NULL,
    "int": INT_NULL,
    "float": np.nan,
    "date": np.datetime64("NaT", "D"),
    "bool": False,
    "period": INT_NULL,
    "employer": -1,
}
_DTYPE = {
    "money": np.int64,
    "price": np.int64,
    "int": np.int64,
    "float": np.float64,
    "date": DAY,
    "bool": bool,
    "period": np.int64,
    "person": np.int64,
    "employer": np.int64,
}


def _as_coded(v: Any, n: int) -> Coded | None:
    """A chunk's text column as codes into a small vocabulary, where it is one."""
    if isinstance(v, Coded):
        return v
    if isinstance(v, str):
        return Coded(np.zeros(n, np.int8), [v])
    if v is None:
        return Coded(np.full(n, -1, np.int8), [])
    if isinstance(v, Digits) and n > 1000:
        u, inv = np.unique(np.asarray(v.values), return_inverse=True)
        if u.size <= 1000:
            return Coded(inv, Digits(u, v.width).to_arrow().to_pylist())
    return None


def _dictionary(parts: list[Coded]) -> pa.Array:
    """Coded chunks -> one arrow dictionary array over the union of their vocabularies."""
    vocab: dict[str, int] = {}
    codes = []
    for p in parts:
        remap = np.array([vocab.setdefault(str(x), len(vocab)) for x in p.vocab] + [-1], np.int32)
        c = np.asarray(p.codes)
        codes.append(remap[np.where(c < 0, remap.size - 1, c)])
    allc = np.concatenate(codes) if codes else np.zeros(0, np.int32)
    idx = pa.array(allc, pa.int32(), mask=allc < 0)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(vocab), pa.string()))


def materialize(world: World, table: str) -> dict[str, Any]:
    """Concatenate a table's chunks: text as arrow strings (small vocabularies as arrow
    dictionaries, which Parquet writes without re-encoding), the rest as numpy arrays."""
    chunks = world.chunks.get(table, [])
    total = sum(c["__n"] for c in chunks)
    out: dict[str, Any] = {}
    p_ids = e_ids = None
    for col, kind, _opt in world.tables[table]:
        if kind == "text":
            coded = [_as_coded(c.get(col), c["__n"]) for c in chunks]
            if chunks and all(x is not None for x in coded):
                out[col] = _dictionary(coded)  # type: ignore[arg-type]
                continue
            parts = [_text_chunk(c.get(col), c["__n"]) for c in chunks]
            out[col] = pa.concat_arrays(parts) if parts else pa.array([], pa.string())
            continue
        dtype = _DTYPE[kind]
        parts = []
        for c in chunks:
            v = c.get(col, _FILL.get(kind))
            if v is None:
                v = _FILL.get(kind)
            a = np.asarray(v)
            if kind == "float" and a.dtype.kind in "iu":  # whole numbers, negative = empty
                a = np.where(a < 0, np.nan, a)
            a = a.astype(dtype, copy=False)
            if a.ndim == 0:
                a = np.full(c["__n"], a, dtype=dtype)
            parts.append(a)
        arr = np.concatenate(parts) if parts else np.empty(0, dtype)
        if kind == "person":
            if p_ids is None:
                p_ids = world.people.arrays()["id"]
            out[col] = fixed_strings(p_ids[arr])
        elif kind == "employer":
            if e_ids is None:
                e_ids = world.employers.arrays()["id"]
            some = fixed_strings(e_ids[np.maximum(arr, 0)])
            out[col] = pc.if_else(pa.array(arr < 0), pa.scalar(None, pa.string()), some)
        else:
            out[col] = arr
    if table in world.shuffled and total > 1:  # within the batch: a chunk's rows stay together
        perm = np.random.default_rng([world.seed, len(table), world.batch]).permutation(total)
        out = {
            k: (v.take(pa.array(perm)) if isinstance(v, pa.Array) else v[perm])
            for k, v in out.items()
        }
    for k, v in out.items():
        if isinstance(v, pa.DictionaryArray) and len(v.dictionary) > 10_000:
            out[k] = v.cast(pa.string())  # only small vocabularies stay dictionaries
    if table in world.auto_ids:
        a = world.auto_ids[table]
        first = world.auto_next[table]  # advanced by the writer once the batch is written
        out[a.column] = prefixed_ids(
            a.prefix,
            _mix(np.arange(first, first + total), 10**a.width, 1 + world.seed % 997),
            a.width,
        )
    return out


def periods_to_text(mn: np.ndarray) -> pa.Array:
    """Month numbers -> ``YYYY-MM`` strings (few distinct values)."""
    mn = np.asarray(mn, dtype=np.int64)
    null = mn == INT_NULL
    if mn.size == 0:
        return pa.array([], pa.string())
    u, inv = np.unique(np.where(null, 0, mn), return_inverse=True)
    vocab = [period_text(int(x)) for x in u]
    return _dictionary([Coded(np.where(null, -1, inv), vocab)])
