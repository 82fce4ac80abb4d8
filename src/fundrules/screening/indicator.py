"""The indicator contract: strict metadata, a parameter model, a vectorized function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from fundrules.schema import SubjectKind

from .parameters import NoParams, Params

if TYPE_CHECKING:
    from .context import ScreeningContext

Area = Literal[
    "income", "expenditure", "management", "value_preservation", "data_quality", "process"
]
Severity = Literal["low", "medium", "high", "critical"]
Partition = Literal["person", "employer", "provider", "account"]
IdKind = Literal["person_id", "employer_id"]
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")


class IndicatorMeta(BaseModel):
    """What an indicator is, for people and for the engine. Unknown fields fail at definition."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(
        pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$",
        description="the plugin's prefix, a dot, a name: checked against the plugin's prefix "
        "when it registers",
    )
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    insurance: str | None = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="a value of the insurance vocabulary (the schema's and the plugins'; checked "
        "when the indicator registers), None for the whole fund",
    )
    area: Area
    severity: Severity = "medium"
    legal_basis: str = Field(min_length=1, description="the law or article that grounds it")
    reads: dict[str, tuple[str, ...]] = Field(
        description="tables (and their columns) it needs; absent → skipped with the reason"
    )
    optional_reads: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="tables it uses when present"
    )
    reads_payments: bool = Field(
        default=False,
        description="it also reads every person-payment table the plugins declare "
        "(ScreeningContext.payment_tables), when present",
    )
    reads_kinds: tuple[IdKind, ...] = Field(
        default=(),
        description="id kinds whose columns it reads in every table of the schema (resolved "
        "against the registry when a run is planned), with each such table's insurance column: "
        "the id checks read every person_id or employer_id wherever it is, and nothing else",
    )
    subject: SubjectKind
    partition: Partition | None = Field(
        description="key its input can be split by with the same result; None for whole-fund"
    )
    history_months: int | None = Field(
        default=None,
        ge=0,
        description="how many months before the target period it reads, by the tables' period "
        "columns (0: the target month only); None: all the history there is. Screening from the "
        "store reads no older months than the chosen indicators need.",
    )
    version: str = "1"
    description: str = ""


P = TypeVar("P", bound=Params)

#: The function of an indicator: the screening context and its resolved parameters → hits.
HitsFunction = Callable[["ScreeningContext", P], pd.DataFrame]


@dataclass(frozen=True)
class Indicator(Generic[P]):
    """A registered indicator: metadata, parameter model, the function that finds hits. Generic
    over its parameter model, so that a type checker sees ``p.cap_yuan`` in the function."""

    meta: IndicatorMeta
    function: Callable[[ScreeningContext, P], pd.DataFrame]
    params: type[P]
    plugin: str | None = field(default=None, compare=False)

    @property
    def code(self) -> str:
        return self.meta.code

    def __call__(self, ctx: ScreeningContext, params: P) -> pd.DataFrame:
        return self.function(ctx, params)


#: An indicator of any parameter model (the registry holds these).
AnyIndicator = Indicator[Any]


@overload
def indicator(
    *,
    params: type[P],
    code: str,
    name_zh: str,
    name_en: str,
    insurance: str | None,
    area: Area,
    legal_basis: str,
    reads: Mapping[str, tuple[str, ...]],
    subject: SubjectKind,
    partition: Partition | None,
    severity: Severity = "medium",
    optional_reads: Mapping[str, tuple[str, ...]] | None = None,
    reads_payments: bool = False,
    reads_kinds: tuple[IdKind, ...] = (),
    history_months: int | None = None,
    version: str = "1",
    description: str | None = None,
) -> Callable[[Callable[[ScreeningContext, P], pd.DataFrame]], Indicator[P]]: ...


@overload
def indicator(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    insurance: str | None,
    area: Area,
    legal_basis: str,
    reads: Mapping[str, tuple[str, ...]],
    subject: SubjectKind,
    partition: Partition | None,
    severity: Severity = "medium",
    optional_reads: Mapping[str, tuple[str, ...]] | None = None,
    reads_payments: bool = False,
    reads_kinds: tuple[IdKind, ...] = (),
    history_months: int | None = None,
    version: str = "1",
    description: str | None = None,
) -> Callable[[Callable[[ScreeningContext, NoParams], pd.DataFrame]], Indicator[NoParams]]: ...


def indicator(
    *, params: type[Params] = NoParams, **meta: Any
) -> Callable[[Callable[[ScreeningContext, Any], pd.DataFrame]], Indicator[Any]]:
    """Define an indicator from a function ``(ctx, params) -> hits``; ``params`` is its
    parameter model (a :class:`Params` subclass; none: :class:`NoParams`), the other keywords its
    :class:`IndicatorMeta` (the description defaults to the function's docstring).

    The hits frame has one row per flagged record: ``subject_id``, ``amount_fen`` (money moved by
    that record in the target period, int64 fen; 0 where none), optionally ``insurance``,
    ``subject_type`` and ``severity``, and any other columns as evidence.
    """

    def wrap(fn: Callable[[ScreeningContext, Any], pd.DataFrame]) -> Indicator[Any]:
        m = {
            k: v
            for k, v in meta.items()
            if k not in ("description", "optional_reads", "reads_kinds") or v
        }
        m.setdefault("description", (fn.__doc__ or "").strip())
        return Indicator(meta=IndicatorMeta(**m), function=fn, params=params)

    return wrap


def tables_missing(ind: AnyIndicator, present: Mapping[str, pd.DataFrame]) -> list[str]:
    return [t for t in ind.meta.reads if t not in present]
