"""Settlements, stays and item lines as the medical indicators see them, derived once per run.

A city's month is millions of settlements and tens of millions of item lines, so what several
indicators need (the target period's settlements, the lines that belong to them, where each line's
item sits in the catalog) is derived once and kept in ``ctx.cache``. Lines reach their settlement
by position (``_s``, :func:`~fundrules_medical.lookups.positions`), not by a pandas merge on text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from fundrules.plugin_api import ScreeningContext, as_hits

from .lookups import positions, take

LAW_FRAUD = (
    "Social Insurance Law Art. 87-88 (institutions and persons that obtain medical insurance "
    "funds by fraud)"
)
LAW_USE = (
    "Regulations on the Supervision and Administration of the Use of Medical Security Funds "
    "(医疗保障基金使用监督管理条例, 2021) Art. 15, 38, 40"
)
LAW_REVIEW = "NHSA intelligent review knowledge base and rule base (医保智能审核知识库、规则库)"
LAW_MEDICAL = f"{LAW_FRAUD}; {LAW_USE}; {LAW_REVIEW}"

SETTLEMENT_READS = (
    "settlement_id",
    "person_id",
    "provider_id",
    "visit_type",
    "admit_date",
    "discharge_date",
    "fund_amount",
    "period",
)
LINE_READS = ("settlement_id", "line_no", "item_code", "service_date", "quantity")
VISITS = ("outpatient", "pharmacy")


def _cached(ctx: ScreeningContext, key: str, build: Callable[[], object]) -> object:
    store = ctx.cache
    name = f"medical.{key}"
    if name not in store:
        store[name] = build()
    return store[name]


def price_text(li: pd.Series) -> pd.Series:
    """Exact yuan text with four decimals of prices held in 0.0001 yuan (evidence)."""
    v = li.astype("Int64")
    return ((v // 10000).astype("str") + "." + (v % 10000).astype("str").str.zfill(4)).astype("str")


def settlements(ctx: ScreeningContext) -> pd.DataFrame:
    """Every settlement in the tables (history included), with ``end_date`` (the discharge date,
    or the admit date where it is empty: a same-day stay) and ``in_target``."""

    def build() -> pd.DataFrame:
        s = ctx.table("medical_settlements")
        return s.assign(
            end_date=s["discharge_date"].fillna(s["admit_date"]),
            in_target=(s["period"] == ctx.period).to_numpy(dtype=bool),
        )

    return _cached(ctx, "settlements", build)  # type: ignore[return-value]


def target_settlements(ctx: ScreeningContext) -> pd.DataFrame:
    """The settlements of the target period (a settlement belongs to its ``period``)."""

    def build() -> pd.DataFrame:
        s = settlements(ctx)
        return s[s["in_target"]].reset_index(drop=True)

    return _cached(ctx, "target_settlements", build)  # type: ignore[return-value]


def target_visits(ctx: ScreeningContext, persons: pd.Series | None = None) -> pd.DataFrame:
    """Outpatient and pharmacy settlements of the target period, of ``persons`` only if given
    (the people who have a death, a spell or a stay on record: a small set, tested first)."""
    ts = target_settlements(ctx)
    keep = ts["visit_type"].isin(VISITS).to_numpy(dtype=bool)
    if persons is not None:
        keep = keep & ts["person_id"].isin(persons.dropna().unique()).to_numpy(dtype=bool)
    return ts[keep]


def stays(ctx: ScreeningContext) -> pd.DataFrame:
    """Inpatient settlements of every period (earlier ones are the history of the later)."""

    def build() -> pd.DataFrame:
        s = settlements(ctx)
        return s[(s["visit_type"] == "inpatient").to_numpy(dtype=bool)].reset_index(drop=True)

    return _cached(ctx, "stays", build)  # type: ignore[return-value]


def target_lines(ctx: ScreeningContext) -> pd.DataFrame:
    """Item lines of the target period's settlements, ``_s`` = the position of each line's
    settlement in :func:`target_settlements`. Lines of other periods' settlements are history;
    lines naming no settlement cannot be placed in a period and are left out."""

    def build() -> pd.DataFrame:
        ts = target_settlements(ctx)
        items = ctx.table("medical_items")
        pos = positions(items["settlement_id"], ts["settlement_id"])
        keep = pos >= 0
        lines = items if keep.all() else items[keep]
        return lines.assign(_s=pos[keep]).reset_index(drop=True)

    return _cached(ctx, "target_lines", build)  # type: ignore[return-value]


def catalog_positions(ctx: ScreeningContext) -> np.ndarray:
    """Position of each target line's item in ``item_catalog`` (-1: not in the catalog)."""

    def build() -> np.ndarray:
        return positions(target_lines(ctx)["item_code"], ctx.table("item_catalog")["item_code"])

    return _cached(ctx, "catalog_positions", build)  # type: ignore[return-value]


def catalog_rows(ctx: ScreeningContext, restricted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of the target lines whose item has a catalog row for which ``restricted``
    (one bool per catalog row) holds, and the position of that catalog row. Indicators test
    these rows on numpy arrays and build frames only for the lines they flag."""
    cpos = catalog_positions(ctx)
    rows = np.flatnonzero(cpos >= 0)
    rows = rows[restricted[cpos[rows]]]
    return rows, cpos[rows]


def lines_at(ctx: ScreeningContext, rows: np.ndarray, cpos: np.ndarray) -> pd.DataFrame:
    """The target lines at ``rows``, with ``_c`` = their catalog row."""
    return target_lines(ctx).iloc[rows].assign(_c=cpos)


def line_values(ctx: ScreeningContext, column: str, rows: np.ndarray) -> np.ndarray:
    """A numeric column of the target lines at ``rows`` (float64, NaN where empty)."""
    return target_lines(ctx)[column].to_numpy(dtype="float64", na_value=np.nan)[rows]


def catalog_values(ctx: ScreeningContext, column: str, cpos: np.ndarray) -> np.ndarray:
    """A numeric column of ``item_catalog`` at ``cpos`` (float64, NaN where empty)."""
    values = ctx.table("item_catalog")[column].to_numpy(dtype="float64", na_value=np.nan)
    return values[cpos]


def with_catalog(
    ctx: ScreeningContext, lines: pd.DataFrame, columns: Iterable[str]
) -> pd.DataFrame:
    """Lines of :func:`lines_at` with columns of their catalog row."""
    catalog = ctx.table("item_catalog")
    pos = lines["_c"].to_numpy()
    return lines.assign(**{c: take(catalog[c], pos, lines.index) for c in columns})


def with_profile(ctx: ScreeningContext, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with the person's ``sex`` and ``birth_date`` (from the ID where it is valid, else
    ``persons``; missing where neither knows)."""
    prof = ctx.profiles
    pos = positions(rows["person_id"], prof.index.to_series())
    return rows.assign(**{c: take(prof[c], pos, rows.index) for c in ("sex", "birth_date")})


def with_settlement(
    ctx: ScreeningContext, lines: pd.DataFrame, columns: Iterable[str]
) -> pd.DataFrame:
    """Lines of :func:`target_lines` (or a subset) with columns of their settlement."""
    ts = target_settlements(ctx)
    pos = lines["_s"].to_numpy()
    return lines.assign(**{c: take(ts[c], pos, lines.index) for c in columns})


def settlement_hits(
    rows: pd.DataFrame,
    evidence: list[str],
    *,
    money: Iterable[str] = (),
    amount: str = "fund_amount",
) -> pd.DataFrame:
    """Hits for flagged records of target-period settlements (the settlements themselves or
    their lines). The amount at risk is the settlement's ``fund_amount`` (or ``amount``),
    counted once however many of its records are flagged. Records are sorted by their own keys
    so that the evidence does not depend on the order of the input rows."""
    keys = [c for c in ("person_id", "settlement_id", "line_no") if c in rows]
    rows = rows.sort_values(keys, kind="stable")
    first = ~rows["settlement_id"].duplicated().to_numpy()
    rows = rows.assign(_amount=np.where(first, rows[amount].to_numpy(), 0))
    # the provider links a person's suspicion to its place (classification's concentration)
    evidence = [*evidence, *(c for c in ("provider_id", "fund_amount") if c not in evidence)]
    return as_hits(
        rows,
        subject="person_id",
        amount="_amount",
        evidence=evidence,
        money=["fund_amount", *money],
    )
