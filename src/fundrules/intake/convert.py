"""Column converters: raw cells (text from CSV, typed values from Parquet or Excel) → the
in-memory types of docs/decisions.md D1, with a mask of the cells that cannot be represented.

Every converter takes the raw Series and returns ``(values, bad, reason)`` where ``bad`` is a
numpy bool array and ``reason`` a short text for the quarantine. Empty cells are never "bad" here:
the caller decides whether a column may be empty.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fundrules.schema import Column

Converted = tuple[pd.Series, np.ndarray, str]

TRUE_WORDS = frozenset({"true", "1", "yes", "是", "y", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "否", "n", "f", ""})


def via_uniques(raw: pd.Series, convert: Callable[[pd.Series], Converted]) -> Converted:
    """Convert the distinct values only, then spread the result back: dates, periods, codes and
    flags repeat millions of times in a month, so this turns per-row text work into per-value."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if len(uniques) * 4 > len(raw):
        return convert(raw)
    uvals = pd.Series(uniques, dtype=raw.dtype if _is_texty(raw) else object)
    values, bad, reason = convert(uvals)
    has = codes >= 0
    take = np.where(has, codes, 0)
    if len(uvals) == 0:
        return convert(raw)
    out = values.take(take)
    out.index = raw.index
    out = out.where(has, False) if pd.api.types.is_bool_dtype(out.dtype) else out.where(has)
    return out, np.where(has, bad[take], False), reason


def is_empty(raw: pd.Series) -> np.ndarray:
    """Cells that are empty: null, or text of only blanks."""
    na = raw.isna().to_numpy(dtype=bool, copy=True)
    if raw.dtype == object or isinstance(raw.dtype, pd.StringDtype):
        text = raw.astype("str")
        na = na | (text.str.strip() == "").fillna(True).to_numpy(dtype=bool)
    return na


def _is_texty(raw: pd.Series) -> bool:
    return isinstance(raw.dtype, pd.StringDtype) or raw.dtype == object


def _as_text(raw: pd.Series) -> pd.Series:
    """Text of each cell; whole floats from Excel lose their ``.0``."""
    if pd.api.types.is_float_dtype(raw.dtype):
        whole = raw.notna() & (raw == np.floor(raw))
        text = raw.astype("str")
        text[whole] = raw[whole].astype("int64").astype("str")
        return text.where(raw.notna())
    if raw.dtype == object:
        vals = raw.map(_cell_text, na_action="ignore")
        return vals.astype("str")
    return raw.astype("str")


def _cell_text(v: object) -> object:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def to_text(raw: pd.Series, column: Column) -> Converted:
    text = _as_text(raw).str.strip()
    text = text.where(text != "")
    return text, np.zeros(len(raw), dtype=bool), ""


def to_id(raw: pd.Series, column: Column) -> Converted:
    """Ids are text. One that arrived as a number of 16 digits or more has lost digits."""
    bad = np.zeros(len(raw), dtype=bool)
    numeric = _numeric_cells(raw)
    if numeric.any():
        as_num = pd.to_numeric(raw.where(numeric), errors="coerce").abs()
        bad = numeric & (as_num >= 1e15).fillna(False).to_numpy(dtype=bool)
    text, _, _ = to_text(raw, column)
    if column.kind == "person_id":
        text = text.str.replace(r"x$", "X", regex=True)
    return text, bad, "id arrived as a number of 16 or more digits and has lost digits"


def _numeric_cells(raw: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return raw.notna().to_numpy(dtype=bool)
    if raw.dtype == object:
        return (
            raw.map(
                lambda v: isinstance(v, int | float) and not isinstance(v, bool), na_action="ignore"
            )
            .astype("boolean")
            .fillna(False)
            .to_numpy(dtype=bool)
        )
    return np.zeros(len(raw), dtype=bool)


def to_date(raw: pd.Series, column: Column) -> Converted:
    if isinstance(raw.dtype, pd.ArrowDtype) and (
        pa.types.is_date(raw.dtype.pyarrow_dtype) or pa.types.is_timestamp(raw.dtype.pyarrow_dtype)
    ):
        raw = pd.Series(
            raw.array._pa_array.to_pandas(date_as_object=False), index=raw.index
        ).astype("datetime64[s]")
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        tz = getattr(raw.dtype, "tz", None)
        values = raw.dt.tz_localize(None) if tz is not None else raw
        return values.astype("datetime64[s]"), np.zeros(len(raw), dtype=bool), ""
    if raw.dtype == object:
        # Excel/Parquet objects: datetime, date, or text
        stamps = raw.map(lambda v: v if hasattr(v, "year") else None, na_action="ignore")
        text = raw.where(stamps.isna())
    else:
        stamps = pd.Series(None, index=raw.index, dtype=object)
        text = raw
    text = text.astype("str").str.strip()
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    has_stamp = stamps.notna().to_numpy(dtype=bool)
    if has_stamp.any():
        parsed = parsed.astype("datetime64[ns]")
        parsed[has_stamp] = pd.to_datetime(stamps[has_stamp].astype(str).str.slice(0, 10))
    nonempty = ~is_empty(raw)
    bad = nonempty & parsed.isna().to_numpy(dtype=bool)
    return parsed.astype("datetime64[s]"), bad, "not a date (YYYY-MM-DD)"


def to_period(raw: pd.Series, column: Column) -> Converted:
    if pd.api.types.is_datetime64_any_dtype(raw.dtype) or raw.dtype == object:
        # Excel turns "2025-06" into 2025-06-01: take the month of a first-of-month date.
        stamp = raw.map(lambda v: v if hasattr(v, "year") else None, na_action="ignore")
        has_stamp = stamp.notna().to_numpy(dtype=bool)
    else:
        has_stamp = np.zeros(len(raw), dtype=bool)
    text = _as_text(raw.where(~has_stamp) if has_stamp.any() else raw).str.strip()
    parts = text.str.extract(r"^(\d{4})-(\d{2})$")
    year = pd.to_numeric(parts[0], errors="coerce")
    mon = pd.to_numeric(parts[1], errors="coerce")
    ok = (year.notna() & mon.between(1, 12)).to_numpy(dtype=bool, copy=True)
    months = (year * 12 + mon - 1).to_numpy(dtype=float, copy=True)
    if has_stamp.any():
        st = stamp[has_stamp]
        day1 = np.array([getattr(v, "day", 0) == 1 for v in st])
        vals = np.array([v.year * 12 + v.month - 1 for v in st], dtype=float)
        months[has_stamp] = np.where(day1, vals, np.nan)
        ok[has_stamp] = day1
    nonempty = ~is_empty(raw)
    bad = nonempty & ~ok
    out = pd.Series(np.where(ok, months, np.nan), index=raw.index).astype("Int32")
    return out, bad, "not a period (YYYY-MM)"


def _decimal_units(raw: pd.Series, places: int, signed: bool) -> tuple[pd.Series, np.ndarray, str]:
    """Exact integer units of 10**-places yuan, from text, floats, ints or decimals."""
    scale = 10**places
    n = len(raw)
    units = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    empty = is_empty(raw)
    reason = f"not an amount with at most {places} decimals"
    arrow = getattr(raw.array, "_pa_array", None)
    if arrow is not None and pa.types.is_decimal(arrow.type):
        # exact through float64 for any amount below 4.5e13 yuan, then checked for extra places
        as_float = pc.cast(arrow, pa.float64()).to_numpy(zero_copy_only=False)
        return _float_units(pd.Series(as_float, index=raw.index), places, signed, empty)
    elif pd.api.types.is_integer_dtype(raw.dtype):
        units = raw.fillna(0).astype("int64").to_numpy() * scale
        ok = ~empty
    elif pd.api.types.is_float_dtype(raw.dtype):
        return _float_units(raw, places, signed, empty)
    else:
        if raw.dtype == object:
            numeric = _numeric_cells(raw)
            if numeric.any():
                fl = pd.to_numeric(raw.where(numeric), errors="coerce").astype("float64")
                fu, fbad, _ = _float_units(fl, places, signed, ~numeric)
                units[numeric] = fu.to_numpy()[numeric]
                ok[numeric] = ~fbad[numeric]
        else:
            numeric = np.zeros(n, dtype=bool)
        text = raw.where(~numeric).astype("str").str.strip()
        pattern = rf"^[+-]?(\d+(\.\d{{0,{places}}}0*)?|\.\d{{1,{places}}}0*)$"
        matched = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool) & ~numeric
        if matched.any():
            fl = pd.to_numeric(text[matched], errors="coerce").to_numpy(dtype="float64")
            units[matched] = np.rint(fl * scale).astype(np.int64)
            ok[matched] = True
    bad = ~empty & ~ok
    if not signed:
        negative = ok & (units < 0)
        if negative.any():
            bad |= negative
            reason = f"not an amount with at most {places} decimals, or negative"
    out = pd.Series(units, index=raw.index, dtype="Int64")
    out[empty | bad] = pd.NA
    return out, bad, reason


def _float_units(
    raw: pd.Series, places: int, signed: bool, empty: np.ndarray
) -> tuple[pd.Series, np.ndarray, str]:
    scale = 10**places
    x = raw.to_numpy(dtype="float64", na_value=np.nan) * scale
    r = np.rint(x)
    close = np.abs(x - r) <= 1e-6 * np.maximum(1.0, np.abs(x) / scale) * scale
    ok = ~empty & np.isfinite(x) & close
    units = np.where(ok, r, 0).astype(np.int64)
    bad = ~empty & ~ok
    reason = f"not an amount with at most {places} decimals"
    if not signed:
        neg = ok & (units < 0)
        bad |= neg
        reason += ", or negative"
    out = pd.Series(units, index=raw.index, dtype="Int64")
    out[empty | bad] = pd.NA
    return out, bad, reason


def to_money(raw: pd.Series, column: Column) -> Converted:
    return _decimal_units(raw, 2, column.signed)


def to_price(raw: pd.Series, column: Column) -> Converted:
    return _decimal_units(raw, 4, column.signed)


def to_number(raw: pd.Series, column: Column) -> Converted:
    if _is_texty(raw):
        values = pd.to_numeric(raw.astype("str").str.strip().replace("", None), errors="coerce")
    else:
        values = pd.to_numeric(raw, errors="coerce")
    values = values.astype("float64")
    empty = is_empty(raw)
    bad = ~empty & values.isna().to_numpy(dtype=bool)
    reason = "not a number"
    lo = column.minimum if column.minimum is not None else (None if column.signed else 0)
    if lo is not None:
        low = (values < lo).fillna(False).to_numpy(dtype=bool)
        if low.any():
            bad |= low
            reason = f"not a number of at least {lo:g}" + (
                f" and at most {column.maximum:g}" if column.maximum is not None else ""
            )
    if column.maximum is not None:
        high = (values > column.maximum).fillna(False).to_numpy(dtype=bool)
        if high.any():
            bad |= high
            reason = f"not a number of at least {lo:g} and at most {column.maximum:g}"
    return values.where(~bad), bad, reason


def to_integer(raw: pd.Series, column: Column) -> Converted:
    values, bad, reason = to_number(raw, column)
    frac = (values.notna() & (values != np.floor(values))).to_numpy(dtype=bool)
    if frac.any():
        bad = bad | frac
        reason = "not a whole number" + reason.removeprefix("not a number")
    out = values.where(~bad).round().astype("Int64")
    return out, bad, reason


def to_bool(raw: pd.Series, column: Column) -> Converted:
    if pd.api.types.is_bool_dtype(raw.dtype):
        return raw.fillna(False).astype(bool), np.zeros(len(raw), dtype=bool), ""
    if pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.fillna(0)
        bad = ~values.isin([0, 1]).to_numpy(dtype=bool)
        return values.astype(bool).where(~bad, False), bad, "not a boolean"
    text = (
        raw.map(
            lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v),
            na_action="ignore",
        )
        if raw.dtype == object
        else raw
    )
    text = text.astype("str").str.strip().str.lower().fillna("")
    true = text.isin(TRUE_WORDS).to_numpy(dtype=bool)
    false = text.isin(FALSE_WORDS).to_numpy(dtype=bool)
    bad = ~(true | false)
    return pd.Series(true, index=raw.index), bad, "not a boolean (true/false, 1/0, yes/no, 是/否)"


def to_code(raw: pd.Series, column: Column, allowed: frozenset[str]) -> Converted:
    text, _, _ = to_text(raw, column)
    bad = text.notna().to_numpy(dtype=bool) & ~text.isin(allowed).to_numpy(dtype=bool)
    shown = ", ".join(sorted(allowed)) if len(allowed) <= 12 else f"{len(allowed)} codes"
    reason = f"unknown code of vocabulary '{column.vocabulary}' (allowed: {shown or 'none'})"
    return text, bad, reason


CONVERTERS: dict[str, Callable[[pd.Series, Column], Converted]] = {
    "text": to_text,
    "id": to_id,
    "person_id": to_id,
    "employer_id": to_id,
    "region": to_text,
    "date": to_date,
    "period": to_period,
    "money": to_money,
    "price": to_price,
    "number": to_number,
    "integer": to_integer,
    "bool": to_bool,
}
