"""``check_indicator``: the properties every indicator must keep, checked with Hypothesis.

For each generated dataset (``strategies.datasets`` over the tables the indicator reads, with the
data faults switched on) the indicator is run as the engine runs it, and:

1. **runs**: it does not raise on valid input, and returns a hits frame;
2. **does not mutate its input**: every table (values, dtypes, index, columns), the set of tables
   and the person profiles are the same after the run;
3. **deterministic**: a second run on the same dataset gives the identical suspicions frame;
4. **independent of row order**: with the rows of every table shuffled, the same suspicions
   (evidence records compared as a multiset: their order may follow the input's);
5. **names subjects of its input**: each suspicion's subject_id appears in a column of the input
   that refers to its subject_type (``partition.column_subject``); for ``fund`` subjects, in a
   column of the ``insurance`` vocabulary;
6. **same result on partitions** (indicators that declare a partition key): the data split by
   that key into 2 or 3 random partitions (``partition.split_dataset``), run partition by partition,
   gives exactly the whole's suspicions;
7. **monotone in stricter parameters**: for each parameter that declares ``stricter`` (numbers,
   and mappings of numbers), 2 or 3 values drawn from a ladder across its scale (``_ladder``),
   laxest first: each stricter value's (subject_type, subject_id) set is within the laxer one's;
8. **reads only what it declares**: handed only the tables, columns and months it declares
   (``reads``, ``optional_reads``, ``reads_payments``, ``reads_kinds``, ``history_months``; what a
   store run reads, ``screening.reads.pruned_dataset``), the identical suspicions.

A failure raises :class:`ContractViolation` naming the property, what differed, and the shrunk
dataset as small tables. Shrinking has a hard wall-clock bound (``shrink_seconds``): past it, the
smallest failing example found so far is reported. An indicator that never fired on any example
passed vacuously: :class:`~fundrules.errors.NeverFiredWarning` says so, with the count; give
``datasets=`` (your own strategy) to generate data on which the rule can fire.
"""

from __future__ import annotations

import itertools
import json
import random
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from pydantic import ValidationError

from fundrules.errors import FundrulesError, NeverFiredWarning, UnknownIndicatorError
from fundrules.intake import Dataset
from fundrules.period import first_day, parse_period
from fundrules.plugins import Registry, get_registry
from fundrules.screening import Indicator, Params, ScreeningContext, gather, parameter_specs
from fundrules.screening.engine import build_parameters
from fundrules.screening.reads import pruned_dataset
from fundrules.screening.suspicions import evidence_records

from .declared import declaration_text
from .partition import column_subject, split_dataset, subjects_in
from .strategies import RawDataset
from .strategies import datasets as generated_datasets

PROPERTIES: tuple[str, ...] = (
    "runs",
    "does not mutate its input",
    "deterministic",
    "independent of row order",
    "names subjects of its input",
    "same result on partitions",
    "monotone in stricter parameters",
    "reads only what it declares",
)


class ContractViolation(AssertionError):
    """An indicator broke one of the contract's properties on a (shrunk) generated dataset."""

    def __init__(
        self,
        indicator: str,
        prop: str,
        detail: str,
        example: str,
        flaky: bool = False,
        note: str = "",
    ):
        self.indicator = indicator
        self.property = prop
        self.detail = detail
        self.example = example
        head = f"{indicator} breaks the indicator contract: {prop}"
        if flaky:
            head += " (the failure did not always reproduce: a sign of non-determinism)"
        if note:
            head += f" ({note})"
        super().__init__(f"{head}\n{_indent(detail)}\nminimal failing example:\n{_indent(example)}")


class GeneratorError(FundrulesError, RuntimeError):
    """Generated data did not load cleanly: a bug in the strategies or in intake, not in the
    indicator under test."""


@dataclass
class ContractReport:
    """What ``check_indicator`` checked and how often the indicator fired."""

    indicator: str
    examples: int = 0
    fired: int = 0
    checked: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    focus: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        lines = [
            f"{self.indicator}: {len(self.checked)} properties held on {self.examples} generated "
            f"datasets (fired on {self.fired})"
        ]
        lines += [f"  skipped {k}: {v}" for k, v in self.skipped.items()]
        return "\n".join(lines)


class _PropertyFailure(Exception):
    def __init__(self, prop: str, detail: str, example: str):
        super().__init__(prop)
        self.prop = prop
        self.detail = detail
        self.example = example


class _ShrinkTimeUp(KeyboardInterrupt):
    """Raised from inside the test function when the shrinking budget is spent. Hypothesis stops
    on a KeyboardInterrupt at once, without recording the half-run example (any other exception
    would be a failure to shrink, or an inconsistent draw). check_indicator catches it right
    around the test: it never reaches pytest, and a real Ctrl-C is not this subclass."""


class _ShrinkBudget:
    """A hard wall-clock bound on shrinking: from the first failure, ``seconds`` at most; the
    smallest failure seen (fewest rows, then shortest description) is kept for the report."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.first_failure: float | None = None
        self.smallest: tuple[tuple[int, int], _PropertyFailure | GeneratorError] | None = None
        self.failures = 0

    def check(self) -> None:
        if self.first_failure is not None and (
            time.monotonic() - self.first_failure > self.seconds
        ):
            raise _ShrinkTimeUp()

    def record(self, example: _Example, failure: _PropertyFailure | GeneratorError) -> None:
        self.failures += 1
        if self.first_failure is None:
            self.first_failure = time.monotonic()
        text = failure.example if isinstance(failure, _PropertyFailure) else str(failure)
        size = (example.rows(), len(text))
        if self.smallest is None or size < self.smallest[0]:
            self.smallest = (size, failure)


def _short_traceback(exc: BaseException) -> str:
    """The frames outside libraries and this module, then the error: where the indicator broke."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "site-packages" not in f.filename and not f.filename.endswith("testing/contract.py")
    ]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line for line in text.splitlines())


# -- running an indicator as the engine does -------------------------------------------------


class _Runner:
    def __init__(self, ind: Indicator[Any], reg: Registry, period: str) -> None:
        self.ind = ind
        self.reg = reg
        self.own_data = False
        known = {**reg.indicators, ind.code: ind}
        pset = build_parameters(
            known,
            [src for _, src in reg.parameter_sources],
            [f"plugin {p}" for p, _ in reg.parameter_sources],
        )
        self.params = pset.resolve(ind.code, ind.params, first_day(parse_period(period))).values

    def run(self, ds: Dataset, params: Params | None = None) -> pd.DataFrame:
        ctx = ScreeningContext(ds, business_totals=lambda: self.reg.business_totals(ds))
        hits = self.ind(ctx, params if params is not None else self.params)
        if not isinstance(hits, pd.DataFrame):
            raise TypeError(f"returned {type(hits).__name__}, not a hits DataFrame")
        return gather(hits, self.ind, ds.period_text, "{}", "contract-check")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same suspicions in the same order, evidence text included (the fast path)."""
    cols = ["subject_type", "subject_id", "insurance", "amount_at_risk", "severity", "evidence"]
    return len(a) == len(b) and all(a[c].tolist() == b[c].tolist() for c in cols)


def _by_subject(sus: pd.DataFrame) -> pd.DataFrame:
    return sus.sort_values(["subject_type", "subject_id"], kind="stable").reset_index(drop=True)


def _equivalent(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same suspicions, evidence records compared as a multiset."""
    return _same(a, b) or _rows(a, ordered=False) == _rows(b, ordered=False)


def _rows(sus: pd.DataFrame, *, ordered: bool) -> list[tuple[Any, ...]]:
    """Suspicions as comparable tuples; unordered: sorted, evidence records as a multiset."""
    out = []
    for r in sus.itertuples(index=False):
        records = [
            json.dumps(x, sort_keys=True, ensure_ascii=False) for x in evidence_records(r.evidence)
        ]
        if not ordered:
            records.sort()
        out.append(
            (
                r.subject_type,
                r.subject_id,
                r.insurance,
                str(r.amount_at_risk),
                r.severity,
                tuple(records),
            )
        )
    return out if ordered else sorted(out)


def _show(rows: Iterable[tuple[Any, ...]], limit: int = 8) -> str:
    rows = list(rows)
    lines = []
    for st_, sid, ins, amount, sev, records in rows[:limit]:
        lines.append(f"{st_} {sid}  insurance={ins or '-'}  amount={amount}  severity={sev}")
        lines += [f"    {rec}" for rec in records[:4]]
        if len(records) > 4:
            lines.append(f"    … {len(records) - 4} more records")
    if len(rows) > limit:
        lines.append(f"… {len(rows) - limit} more")
    return "\n".join(lines) or "(none)"


def _diff(a_name: str, a: list[tuple[Any, ...]], b_name: str, b: list[tuple[Any, ...]]) -> str:
    rest = list(b)
    only_a = []
    for x in a:
        if x in rest:
            rest.remove(x)
        else:
            only_a.append(x)
    return f"only {a_name}:\n{_indent(_show(only_a))}\nonly {b_name}:\n{_indent(_show(rest))}"


# -- the properties --------------------------------------------------------------------------


def _snapshot(ds: Dataset) -> dict[str, pd.DataFrame]:
    return {name: df.copy(deep=True) for name, df in ds.tables.items()}


def _mutations(ds: Dataset, snap: dict[str, pd.DataFrame]) -> list[str]:
    found = []
    now = dict(ds.tables)
    if "person_profiles" in ds.__dict__:  # computed during the run: compare with a fresh one
        fresh = Dataset(period=ds.period, tables=snap, schema=dict(ds.schema)).person_profiles
        snap = {**snap, "<person profiles>": fresh}
        now["<person profiles>"] = ds.person_profiles
    for name in sorted(set(snap) | set(now)):
        if name not in now:
            found.append(f"table {name} was removed from the dataset")
        elif name not in snap:
            found.append(f"table {name} was added to the dataset")
        else:
            before, after = snap[name], now[name]
            if list(before.columns) != list(after.columns):
                found.append(
                    f"{name}: columns changed from {list(before.columns)} to {list(after.columns)}"
                )
            elif not before.index.equals(after.index):
                found.append(f"{name}: index changed")
            elif not before.dtypes.equals(after.dtypes):
                found.append(f"{name}: dtypes changed")
            elif not before.equals(after):
                cols = [c for c in before.columns if not before[c].equals(after[c])]
                found.append(f"{name}: values changed in column(s) {', '.join(map(str, cols))}")
    return found


def input_subjects(ds: Dataset) -> dict[str, set[str]]:
    """Every subject id named in the input, by subject type (the rule of property 5)."""
    out: dict[str, set[str]] = {
        k: set() for k in ("person", "employer", "provider", "account", "fund")
    }
    for name, df in ds.tables.items():
        for c in ds.schema[name].columns:
            kind = column_subject(c)
            if c.vocabulary == "insurance":
                kind = "fund"
            if kind is not None and c.name in df:
                out.setdefault(kind, set()).update(df[c.name].dropna().astype("str").tolist())
    return out


def _shuffled(ds: Dataset, orders: dict[str, list[int]]) -> Dataset:
    tables = {name: df.iloc[orders[name]].reset_index(drop=True) for name, df in ds.tables.items()}
    return Dataset(period=ds.period, tables=tables, schema=dict(ds.schema))


def _numeric_leaves(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    if isinstance(value, dict):
        return bool(value) and all(_numeric_leaves(v) for v in value.values())
    return False


FACTORS: tuple[float, ...] = (0.0, 0.1, 0.5, 1.0, 1.5, 2.0, 3.0)


def _ladder(value: Any, direction: str) -> list[Any]:
    """Values of a parameter from the laxest to the strictest: across its scale (0, a tenth, half,
    1.5, 2, 3 times) and next to it (one fen or one unit either side). A mapping moves all its
    numbers together. Values that start non-negative stay non-negative."""
    if isinstance(value, dict):
        rungs = [_scaled(value, f) for f in FACTORS]
    elif isinstance(value, Decimal):  # money in yuan (a Yuan parameter): rungs exact to the fen
        fen = Decimal("0.01")
        near_money = {value - fen, value, value + fen, fen, Decimal(1), Decimal(10)}
        rungs = sorted({_scaled(value, f) for f in FACTORS} | near_money)
    elif isinstance(value, int):
        near = {value - 1, value, value + 1, 0, 1, 2}
        rungs = sorted({round(value * f) for f in FACTORS} | near)
    else:
        near = {value - 0.01, value, value + 0.01, 0.01, 1.0, 10.0}
        rungs = sorted({round(value * f, 4) for f in FACTORS} | {round(v, 4) for v in near})
    if not isinstance(value, dict) and value >= 0:
        rungs = [r for r in rungs if r >= 0]
    return rungs if direction == "higher" else rungs[::-1]


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, dict):
        return {k: _scaled(v, factor) for k, v in value.items()}
    if isinstance(value, Decimal):
        return (value * Decimal(str(factor))).quantize(Decimal("0.01"))
    return round(value * factor) if isinstance(value, int) else round(value * factor, 4)


@dataclass
class _Example:
    raw: RawDataset
    variations: dict[str, list[Any]]  # parameter -> values from laxest to strictest

    def describe(self) -> str:
        shown = "".join(
            f"\n  {n}: {' → '.join(map(repr, values))}" for n, values in self.variations.items()
        )
        return self.raw.describe() + (f"\nparameters (laxest → strictest):{shown}" if shown else "")

    def rows(self) -> int:
        return sum(len(f) for f in self.raw.values())

    def __repr__(self) -> str:
        return f"_Example(\n{self.describe()}\n)"


def _tables_for(ind: Indicator[Any], reg: Registry) -> tuple[list[str], list[str]]:
    """(tables always generated, tables generated or not) for an indicator."""
    required = [t for t in ind.meta.reads if t in reg.tables]
    optional = [t for t in ind.meta.optional_reads if t in reg.tables and t not in required]
    if ind.meta.reads_payments:
        optional += [t for t in reg.payment_tables if t not in required and t not in optional]
    if not ind.meta.reads and not ind.meta.optional_reads:
        optional = list(reg.tables)  # reads nothing in particular: any table may matter
    return required, optional


@st.composite
def _examples(
    draw: st.DrawFn,
    ind: Indicator[Any],
    reg: Registry,
    period: str,
    max_persons: int,
    varied: dict[str, tuple[Any, str]],
    given_data: SearchStrategy[Any] | None = None,
) -> _Example:
    if given_data is not None:
        raw = _as_raw(draw(given_data), period)
    else:
        required, optional = _tables_for(ind, reg)
        chosen = required + [t for t in optional if draw(st.booleans())]
        raw = draw(
            generated_datasets(
                period,
                chosen,
                reg,
                max_persons=max_persons,
                faults=True,
                insurance=ind.meta.insurance,
            )
        )
    variations = {}
    for name, (value, direction) in varied.items():
        ladder = _ladder(value, direction)
        # the laxest and the strictest rung always, and one between: a wrongly declared
        # direction shows on the first example where the parameter matters at all
        middle = draw(st.integers(0, len(ladder) - 1), label=f"a value of {name}")
        variations[name] = [ladder[i] for i in sorted({0, middle, len(ladder) - 1})]
    return _Example(raw=raw, variations=variations)


DatasetsArg = SearchStrategy[Any] | Callable[[random.Random], Mapping[str, pd.DataFrame]]


def _as_strategy(given: DatasetsArg) -> SearchStrategy[Any]:
    """``datasets=``: a Hypothesis strategy of datasets, or a plain generator
    ``f(random.Random) -> {table: DataFrame}`` (Hypothesis then controls its random source, so a
    failure replays and shrinks as far as the generator lets it)."""
    if isinstance(given, SearchStrategy):
        return given
    if callable(given):
        return st.randoms(use_true_random=False).map(given)
    raise TypeError(
        "datasets= takes a Hypothesis strategy or a function (random.Random) -> {table: frame}, "
        f"not {type(given).__name__}"
    )


def _as_raw(value: Any, period: str) -> RawDataset:
    """What the author's strategy drew, as a :class:`RawDataset` (a mapping of table frames,
    or rows as lists of dicts)."""
    if isinstance(value, RawDataset):
        return value
    if isinstance(value, Mapping):
        frames = {
            str(name): rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
            for name, rows in value.items()
        }
        return RawDataset(period, frames)
    raise TypeError(
        "a datasets= strategy must draw a RawDataset or a mapping {table: DataFrame or rows}, "
        f"not {type(value).__name__}"
    )


class _Check:
    """The properties on one example. The base run comes first (property "runs"); then the
    property that failed first on an earlier example, if any (``report.focus``), so that each
    shrinking step costs only what that property needs; then the others."""

    def __init__(self, runner: _Runner, ex: _Example, data: st.DataObject) -> None:
        self.runner = runner
        self.ex = ex
        self.data = data
        self.ind = runner.ind

    def fail(self, prop: str, detail: str, extra: str = "") -> None:
        example = self.ex.describe() + (f"\n{extra}" if extra else "")
        raise _PropertyFailure(prop, detail, example)

    def run(self, data: Dataset, params: Params | None = None, what: str = "") -> pd.DataFrame:
        try:
            return self.runner.run(data, params)
        except Exception as exc:
            self.fail("runs", f"it raised on valid input{what}:\n{_indent(_short_traceback(exc))}")
            raise  # unreachable

    def __call__(self, report: ContractReport) -> None:
        ds = self.ex.raw.load(self.runner.reg)
        if len(ds.quarantine):
            whose = (
                "the datasets= strategy given to check_indicator draws rows intake refuses"
                if self.runner.own_data
                else "a bug in fundrules.testing's strategies or in intake"
            )
            raise GeneratorError(
                f"generated data was quarantined ({whose}, not in {self.ind.code}):\n"
                f"{ds.quarantine.to_string()}\n{self.ex.raw.describe()}"
            )
        self.ds = ds
        # every draw up front, in a fixed order: the checks' order may change, the draws not
        self.orders = {
            name: self.data.draw(st.permutations(range(len(df))), label=f"row order of {name}")
            for name, df in ds.tables.items()
        }
        key = self.ind.meta.partition
        if key is not None:
            ids = subjects_in(ds, key)
            self.n_parts = self.data.draw(st.integers(2, 3), label="partitions")
            chosen = self.data.draw(
                st.lists(st.integers(0, self.n_parts - 1), min_size=len(ids), max_size=len(ids)),
                label=f"partition of each {key}",
            )
            self.assignment = dict(zip(ids, chosen, strict=True))
        self.snapshot = _snapshot(ds)
        self.base = self.run(ds)
        report.examples += 1
        if len(self.base):
            report.fired += 1
        checks = {
            "does not mutate its input": self.not_mutated,
            "deterministic": self.deterministic,
            "independent of row order": self.order_independent,
            "names subjects of its input": self.subjects_present,
            "same result on partitions": self.partitions_agree,
            "monotone in stricter parameters": self.monotone,
            "reads only what it declares": self.declared_only,
        }
        order = sorted(checks, key=lambda name: name != report.focus)
        for name in order:
            try:
                checks[name]()
            except _PropertyFailure as failure:
                report.focus = report.focus or failure.prop
                raise

    def not_mutated(self) -> None:
        changed = _mutations(self.ds, self.snapshot)
        if changed:
            self.fail("does not mutate its input", "\n".join(changed))

    def deterministic(self) -> None:
        again = self.run(self.ds)
        if not _same(self.base, again):
            self.fail(
                "deterministic",
                "two runs on the same dataset differ:\n"
                + _diff(
                    "in the first run",
                    _rows(self.base, ordered=True),
                    "in the second run",
                    _rows(again, ordered=True),
                ),
            )

    def order_independent(self) -> None:
        orders = self.orders
        shuffled = self.run(_shuffled(self.ds, orders), what=" (rows shuffled)")
        if not _equivalent(self.base, shuffled):
            shown = "\n".join(
                f"  {name}: {order}" for name, order in orders.items() if order != sorted(order)
            )
            self.fail(
                "independent of row order",
                "shuffling the rows of the tables changes the suspicions:\n"
                + _diff(
                    "in file order",
                    _rows(self.base, ordered=False),
                    "shuffled",
                    _rows(shuffled, ordered=False),
                ),
                f"rows shuffled (new order, 0-based rows of the tables above):\n{shown}",
            )

    def subjects_present(self) -> None:
        present = input_subjects(self.ds)
        strays = [
            (t, s)
            for t, s in zip(self.base["subject_type"], self.base["subject_id"], strict=True)
            if s not in present.get(t, set())
        ]
        if strays:
            shown = ", ".join(f"{t} {s!r}" for t, s in strays[:5])
            self.fail(
                "names subjects of its input",
                f"suspicions name subjects that no column of the input refers to: {shown}\n"
                "(a subject_type's ids are the values of the columns whose refers_to (or id "
                "kind) is that type; a fund's are the insurance codes)",
            )

    def partitions_agree(self) -> None:
        key = self.ind.meta.partition
        if key is None:
            return
        n_parts, assignment = self.n_parts, self.assignment
        parts = split_dataset(self.ds, key, assignment, n_parts)
        pieces = [self.run(p, what=f" (partition {i} by {key})") for i, p in enumerate(parts)]
        found = pd.concat(pieces, ignore_index=True)
        if not _equivalent(_by_subject(self.base), _by_subject(found)):
            groups = {i: [s for s, k in assignment.items() if k == i] for i in range(n_parts)}
            shown = "\n".join(f"  partition {i}: {', '.join(v) or '-'}" for i, v in groups.items())
            self.fail(
                "same result on partitions",
                f"split by {key} into {n_parts} partitions, the suspicions differ from the "
                "whole's:\n"
                + _diff(
                    "on the whole",
                    _rows(self.base, ordered=False),
                    "on the partitions",
                    _rows(found, ordered=False),
                ),
                f"partitions ({key}):\n{shown}",
            )

    def monotone(self) -> None:
        params = self.runner.params
        for name, values in self.ex.variations.items():
            found = []
            for v in values:
                try:
                    p = type(params)(**{**dict(params), name: v})
                except ValidationError:
                    continue
                sus = self.run(self.ds, p, f" ({name}={v!r})")
                found.append((v, sus))
            for (lax, a), (strict, b) in itertools.pairwise(found):
                added = set(zip(b["subject_type"], b["subject_id"], strict=True)) - set(
                    zip(a["subject_type"], a["subject_id"], strict=True)
                )
                if added:
                    extra = [r for r in _rows(b, ordered=False) if (r[0], r[1]) in added]
                    self.fail(
                        "monotone in stricter parameters",
                        f"{name} is declared stricter={_direction(self.ind, name)!r}, but moving "
                        f"it from {lax!r} to {strict!r} adds suspicions:\n{_indent(_show(extra))}",
                    )

    def declared_only(self) -> None:
        prop = "reads only what it declares"
        reg = self.runner.reg
        part = pruned_dataset(self.ds, [self.ind], reg)
        try:
            found = self.runner.run(part)
        except Exception as exc:
            self.fail(
                prop,
                "it raised when handed only the tables, columns and months it declares (as a "
                f"store run reads them):\n{_indent(_short_traceback(exc))}\n"
                f"{declaration_text(self.ind, reg)}",
            )
            raise  # unreachable
        if not _same(self.base, found):
            self.fail(
                prop,
                "handed only the tables, columns and months it declares, its suspicions differ "
                f"({declaration_text(self.ind, reg)}):\n"
                + _diff(
                    "over the whole data",
                    _rows(self.base, ordered=True),
                    "over what it declares",
                    _rows(found, ordered=True),
                ),
            )


def _direction(ind: Indicator[Any], name: str) -> str | None:
    return parameter_specs(ind.params)[name].stricter


def _varied_parameters(runner: _Runner, report: ContractReport) -> dict[str, tuple[Any, str]]:
    """Parameters declaring ``stricter``, with their value in force and direction."""
    varied = {}
    for name, spec in parameter_specs(runner.ind.params).items():
        if spec.stricter is None:
            continue
        value = getattr(runner.params, name)
        if _numeric_leaves(value):
            varied[name] = (value, spec.stricter)
        else:
            report.skipped[f"monotonicity of {name}"] = (
                f"a {type(value).__name__} value; only numbers and mappings of numbers are varied"
            )
    return varied


def _find_failure(exc: BaseException) -> tuple[_PropertyFailure | GeneratorError | None, bool]:
    if isinstance(exc, _PropertyFailure | GeneratorError):
        return exc, False
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            found, _ = _find_failure(sub)
            if found is not None:
                return found, True
    return None, False


@contextmanager
def _hypothesis_shrink_limit(seconds: float) -> Iterator[None]:
    """Hypothesis' own shrinking limit (300 s, no public setting), lowered to ``seconds``. It is
    checked only between shrink passes, so it is a soft limit: :class:`_ShrinkBudget` is the hard
    one."""
    from hypothesis.internal.conjecture import engine

    saved = getattr(engine, "MAX_SHRINKING_SECONDS", None)
    if saved is None:
        yield
        return
    engine.MAX_SHRINKING_SECONDS = seconds  # type: ignore[assignment]
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = saved


def check_indicator(
    indicator: Indicator[Any] | str,
    *,
    registry: Registry | None = None,
    max_examples: int | None = None,
    period: str = "2025-06",
    max_persons: int = 5,
    shrink_seconds: float = 30.0,
    datasets: DatasetsArg | None = None,
) -> ContractReport:
    """Check the contract's properties (module docstring) on generated datasets holding the
    tables ``indicator`` reads, and return a :class:`ContractReport`.

    - ``max_examples``: else the Hypothesis profile's (see ``fundrules.testing.profiles``).
    - ``datasets``: your own data instead of the generic generator: a Hypothesis strategy
      drawing a :class:`RawDataset` or a mapping ``{table: DataFrame or list of row dicts}``
      (cells as a file would hold them), e.g. ``fundrules.testing.datasets(...)`` focused on
      what the rule looks for, or a plain function ``f(random.Random) -> {table: frame}``.
    - ``shrink_seconds``: a hard wall-clock bound on shrinking after the first failure; past it
      the smallest failing example found so far is reported (the violation says so).

    Raises :class:`ContractViolation` with a shrunk example on the first property broken, and
    :class:`~fundrules.errors.UnknownIndicatorError` for a code no plugin registers. Warns
    :class:`~fundrules.errors.NeverFiredWarning` when the rule fired on none of the examples.
    """
    reg = registry or get_registry()
    if isinstance(indicator, str) and indicator not in reg.indicators:
        raise UnknownIndicatorError([indicator], reg.indicators)
    ind = reg.indicators[indicator] if isinstance(indicator, str) else indicator
    report = ContractReport(ind.code)
    report.checked = [p for p in PROPERTIES]
    if ind.meta.partition is None:
        report.checked.remove("same result on partitions")
        report.skipped["same result on partitions"] = "no partition key declared"
    runner = _Runner(ind, reg, period)
    runner.own_data = datasets is not None
    varied = _varied_parameters(runner, report)
    if not any(s.stricter for s in parameter_specs(ind.params).values()):
        report.checked.remove("monotone in stricter parameters")
    budget = _ShrinkBudget(shrink_seconds)

    def contract(example: _Example, data: st.DataObject) -> None:
        budget.check()
        try:
            _Check(runner, example, data)(report)
        except (_PropertyFailure, GeneratorError) as failure:
            budget.record(example, failure)
            raise

    contract._hypothesis_internal_add_digest = ind.code.encode()  # type: ignore[attr-defined]
    chosen = settings(
        max_examples=max_examples or settings().max_examples,
        deadline=None,
        database=None,  # a replayed failure would bypass the budget's first-failure clock
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
        report_multiple_bugs=False,
        # explain traces every line run (several times slower) and the report does not use
        # it; target hill-climbs for hundreds of calls, and after a failure it delays the
        # shrinking by minutes
        phases=[p for p in settings().phases if p not in (Phase.explain, Phase.target)],
    )
    given_data = _as_strategy(datasets) if datasets is not None else None
    test: Callable[[], None] = chosen(
        given(_examples(ind, reg, period, max_persons, varied, given_data), st.data())(contract)
    )
    try:
        # Hypothesis' own limit only as a backstop: the budget above is the bound that reports
        with _hypothesis_shrink_limit(max(2 * shrink_seconds, shrink_seconds + 10)):
            test()
    except _ShrinkTimeUp:
        assert budget.smallest is not None
        found = budget.smallest[1]
        if isinstance(found, GeneratorError):
            raise found from None
        raise ContractViolation(
            ind.code,
            found.prop,
            found.detail,
            found.example,
            note=f"shrinking stopped after {shrink_seconds:g} s: the smallest of "
            f"{budget.failures} failing examples",
        ) from None
    except Exception as exc:
        found, flaky = _find_failure(exc)
        if isinstance(found, _PropertyFailure):
            raise ContractViolation(
                ind.code, found.prop, found.detail, found.example, flaky
            ) from None
        if isinstance(found, GeneratorError):
            raise found from None
        raise
    if report.examples and not report.fired:
        warnings.warn(
            f"{ind.code} fired on none of the {report.examples} generated datasets: its "
            "properties held only vacuously. Give check_indicator(datasets=...) a strategy "
            "that makes the rule fire (or raise max_examples/max_persons).",
            NeverFiredWarning,
            stacklevel=2,
        )
    return report
