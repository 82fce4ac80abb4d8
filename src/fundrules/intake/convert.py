"""Column converters: raw cells (text from CSV, typed values from Parquet or Excel) → the
in-memory types of docs/decisions.md D1, with a mask of the cells that cannot be represented.

Every converter takes the raw Series and returns ``(values, bad, reason)`` where ``bad`` is a
numpy bool array and ``reason`` a short text for the quarantine. Empty cells are never "bad" here:
the caller decides whether a column may be empty.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fundrules.schema import Column

# reason: one text for every bad cell, or an array of one text per cell
Converted = tuple[pd.Series, np.ndarray, str | np.ndarray]

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
    if not isinstance(reason, str):
        reason = np.asarray(reason, dtype=object)[take]
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
    """Ids are text. One that arrived as a number of 16 digits or more has lost digits; one that a
    workbook typed as a date is no id at all (its row is quarantined, D46)."""
    bad = np.zeros(len(raw), dtype=bool)
    reasons = np.full(len(raw), "", dtype=object)
    numeric = _numeric_cells(raw)
    if numeric.any():
        as_num = pd.to_numeric(raw.where(numeric), errors="coerce").abs()
        bad = numeric & (as_num >= 1e15).fillna(False).to_numpy(dtype=bool)
        reasons[bad] = "id arrived as a number of 16 or more digits and has lost digits"
    if raw.dtype == object:
        dated = raw.map(lambda v: hasattr(v, "year") or hasattr(v, "hour"), na_action="ignore")
        dated = dated.astype("boolean").fillna(False).to_numpy(dtype=bool)
        if dated.any():
            bad |= dated
            reasons[dated] = "id cell typed as a date or time in the workbook: format it as text"
    text, _, _ = to_text(raw, column)
    if column.kind == "person_id":
        text = text.str.replace(r"x$", "X", regex=True)
    return text, bad, reasons


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
        timed = (values.notna() & (values != values.dt.normalize())).to_numpy(dtype=bool)
        reasons = np.where(timed, TIME_OF_DAY, "").astype(object)
        return values.astype("datetime64[s]").where(~timed), timed, reasons
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
    timed = np.zeros(len(raw), dtype=bool)
    if has_stamp.any():
        parsed = parsed.astype("datetime64[ns]")
        parsed[has_stamp] = pd.to_datetime(stamps[has_stamp].astype(str).str.slice(0, 10))
        timed[has_stamp] = [
            any(getattr(v, a, 0) for a in ("hour", "minute", "second", "microsecond"))
            for v in stamps[has_stamp]
        ]
    nonempty = ~is_empty(raw)
    bad = nonempty & (parsed.isna().to_numpy(dtype=bool) | timed)
    reasons = np.where(timed, TIME_OF_DAY, "not a date (YYYY-MM-DD)").astype(object)
    return parsed.astype("datetime64[s]"), bad, reasons


TIME_OF_DAY = "a timestamp with a time of day in a date column: give the date only"


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


# Amounts are kept as int64 units (fen for money, 1/10000 yuan for prices) and published as
# decimal(18, 2): at most 18 digits of units, which int64 holds too (docs/decisions.md D41).
UNIT_DIGITS = 18
FLOAT_EXACT = 2**53  # beyond this a float cannot tell neighbouring units apart
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．＋－", "0123456789.+-")
_AMOUNT_TEXT = r"^(?P<sign>[+-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?$"

# per-cell outcome of the amount parsers
_OK, _NOT_AMOUNT, _OUT_OF_RANGE, _FLOAT_TOO_BIG, _NOT_NUMBER_TYPE = range(5)


def _amount_reasons(places: int) -> dict[int, str]:
    limit = f"{10 ** (UNIT_DIGITS - places) - 1:,}.{'9' * places}"
    return {
        _NOT_AMOUNT: f"not an amount with at most {places} decimals",
        _OUT_OF_RANGE: f"amount out of range: more than {limit} yuan (not an amount? "
        "an account or id number in an amount column)",
        _FLOAT_TOO_BIG: "amount stored as a floating-point number too large to be exact to "
        f"1/{10**places} yuan: store it as text or decimal",
        _NOT_NUMBER_TYPE: "not an amount (a date or other value in an amount column)",
    }


def _decimal_units(raw: pd.Series, places: int, signed: bool) -> Converted:
    """Exact integer units of 10**-places yuan from text, decimals, integers or floats — never
    through a float for text or decimals; a range check against int64 and decimal(18, 2); a
    per-cell reason for each cell that is not an amount (D41)."""
    n = len(raw)
    empty = is_empty(raw)
    arrow = getattr(raw.array, "_pa_array", None)
    if arrow is not None and (
        pa.types.is_decimal(arrow.type)
        or pa.types.is_string(arrow.type)
        or pa.types.is_large_string(arrow.type)
    ):
        cells = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
        units, status = _units_from_arrow(cells, places)
    elif pd.api.types.is_integer_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        units, status = _units_from_ints(raw, places)
    elif pd.api.types.is_float_dtype(raw.dtype):
        units, status = _units_from_floats(raw.to_numpy(dtype="float64", na_value=np.nan), places)
    else:
        units, status = _units_from_objects(raw, places)
    status[empty] = _OK
    units[empty] = 0
    bad = status != _OK
    reasons = np.full(n, "", dtype=object)
    for code, why in _amount_reasons(places).items():
        reasons[status == code] = why
    if not signed:
        negative = ~bad & (units < 0)
        if negative.any():
            bad |= negative
            reasons[negative] = "negative amount in a column that cannot be negative"
    out = pd.Series(units, index=raw.index, dtype="Int64")
    out[empty | bad] = pd.NA
    return out, bad, reasons


def _units_from_arrow(cells: pa.Array, places: int) -> tuple[np.ndarray, np.ndarray]:
    """Arrow decimals or text → units. The common case (clean decimal text, or decimals of at most
    ``places`` decimals) is one exact Arrow cast to decimal128(38, places) whose unscaled integers
    are the units; anything else goes through the exact text parser."""
    if pa.types.is_decimal(cells.type):
        fast = _units_from_decimal(cells, places)
        return fast if fast is not None else _units_from_text(pc.cast(cells, pa.string()), places)
    if not isinstance(cells, pa.StringArray):
        cells = pc.cast(cells, pa.string())
    text = pc.utf8_trim_whitespace(cells)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[
        text.offset : text.offset + len(text) + 1
    ]
    data = text.buffers()[2]
    body = (
        np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
        if data is not None and len(offsets)
        else np.zeros(0, np.uint8)
    )
    if np.isin(body, _PLAIN_BYTES).all():  # digits, point and sign only: no exponent, no blanks
        nonempty = pc.if_else(pc.equal(pc.utf8_length(text), 0), pa.scalar(None, pa.string()), text)
        try:
            fast = _units_from_decimal(pc.cast(nonempty, pa.decimal128(38, places)), places)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            fast = None
        if fast is not None:
            units, status = fast
            status[~pc.is_valid(nonempty).to_numpy(zero_copy_only=False)] = _NOT_AMOUNT
            return units, status
    return _units_from_text(text, places)


_PLAIN_BYTES = np.frombuffer(b"0123456789.+-", dtype=np.uint8)


def _units_from_decimal(cells: pa.Array, places: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Decimals → units through their unscaled 128-bit integers (exact), or None when the values
    do not rescale to ``places`` decimals exactly (the text parser then says which cells fail)."""
    try:
        cells = pc.cast(cells, pa.decimal128(38, places))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    n = len(cells)
    words = np.frombuffer(cells.buffers()[1], dtype=np.int64)[
        2 * cells.offset : 2 * (cells.offset + n)
    ]
    lo, hi = words[0::2], words[1::2]
    valid = (
        pc.is_valid(cells).to_numpy(zero_copy_only=False) if cells.null_count else np.ones(n, bool)
    )
    limit = 10**UNIT_DIGITS - 1
    fits = (hi == (lo >> 63)) & (lo <= limit) & (lo >= -limit)
    status = np.where(fits, _OK, _OUT_OF_RANGE).astype(np.int8)
    status[~valid] = _OK  # empty cells: the caller's business
    return np.where(fits & valid, lo, 0).astype(np.int64), status


def _units_from_text(text: pa.Array, places: int) -> tuple[np.ndarray, np.ndarray]:
    """Decimal text → units, exactly, with Arrow compute (no float anywhere). Full-width digits,
    point and sign (`１００.００`) read as their ASCII forms; other non-ASCII text is no amount."""
    n = len(text)
    trimmed = pc.utf8_trim_whitespace(text)
    ascii_ok = pc.fill_null(pc.string_is_ascii(trimmed), True)
    if not pc.all(ascii_ok).as_py():
        cells = trimmed.to_pylist()
        fixed = [c.translate(_FULL_WIDTH) if c is not None else None for c in cells]
        trimmed = pa.array(fixed, pa.string())
    parts = pc.extract_regex(trimmed, _AMOUNT_TEXT)
    matched = pc.fill_null(pc.is_valid(parts), False).to_numpy(zero_copy_only=False)
    sign = pc.fill_null(pc.struct_field(parts, "sign"), "")
    whole_raw = pc.fill_null(pc.struct_field(parts, "int"), "")
    frac_raw = pc.fill_null(pc.struct_field(parts, "frac"), "")
    has_digit = pc.greater(pc.add(pc.utf8_length(whole_raw), pc.utf8_length(frac_raw)), 0).to_numpy(
        zero_copy_only=False
    )
    whole = pc.utf8_ltrim(whole_raw, "0")
    frac = pc.utf8_rtrim(frac_raw, "0")
    whole_len = pc.utf8_length(whole).to_numpy(zero_copy_only=False)
    frac_len = pc.utf8_length(frac).to_numpy(zero_copy_only=False)
    status = np.full(n, _NOT_AMOUNT, dtype=np.int8)
    syntax = matched & has_digit & (frac_len <= places)
    status[syntax] = _OK
    status[syntax & (whole_len > UNIT_DIGITS - places)] = _OUT_OF_RANGE
    digits = pc.binary_join_element_wise(whole, pc.utf8_rpad(frac, places, "0"), "")
    digits = pc.if_else(pa.array(status == _OK), digits, "0")
    digits = pc.if_else(pc.equal(pc.utf8_length(digits), 0), "0", digits)
    units = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False).copy()
    negative = pc.equal(sign, "-").to_numpy(zero_copy_only=False)
    units[negative] = -units[negative]
    return units, status


def _units_from_ints(raw: pd.Series, places: int) -> tuple[np.ndarray, np.ndarray]:
    """Whole yuan as integers (int64, uint64, nullable, or Python ints) → units, range-checked
    before scaling so that nothing wraps."""
    limit = 10 ** (UNIT_DIGITS - places) - 1
    if raw.dtype == object:
        ints = [int(v) for v in raw]
        big = np.array([abs(v) > limit for v in ints], dtype=bool)
        whole = np.array([0 if b else v for v, b in zip(ints, big, strict=True)], dtype=np.int64)
    else:
        unsigned = pd.api.types.is_unsigned_integer_dtype(raw.dtype)
        v = raw.to_numpy(dtype="uint64" if unsigned else "int64", na_value=0)
        big = (v > limit) if unsigned else ((v > limit) | (v < -limit))
        whole = np.where(big, 0, v).astype(np.int64)
    status = np.where(big, _OUT_OF_RANGE, _OK).astype(np.int8)
    return whole * 10**places, status


def _units_from_floats(x: np.ndarray, places: int) -> tuple[np.ndarray, np.ndarray]:
    """Floats (Parquet doubles, Excel numbers) → units when the float is exactly the nearest float
    to a decimal of at most ``places`` decimals (1234.56 is; 0.1 + 0.2 is not)."""
    scale = 10**places
    n = len(x)
    status = np.full(n, _NOT_AMOUNT, dtype=np.int8)
    finite = np.isfinite(x)
    too_big = finite & (np.abs(np.where(finite, x, 0)) * scale >= FLOAT_EXACT)
    fine = finite & ~too_big
    r = np.rint(np.where(fine, x, 0) * scale)
    exact = fine & (r / scale == np.where(fine, x, 0))
    status[exact] = _OK
    status[too_big] = _FLOAT_TOO_BIG
    status[finite & (np.abs(np.where(finite, x, 0)) >= 10 ** (UNIT_DIGITS - places))] = (
        _OUT_OF_RANGE
    )
    return np.where(exact, r, 0).astype(np.int64), status


def _units_from_objects(raw: pd.Series, places: int) -> tuple[np.ndarray, np.ndarray]:
    """Mixed cells (Excel, in-memory frames): text and decimals as text, ints and floats by their
    own rules, anything else (a date) is not an amount."""
    n = len(raw)
    units = np.zeros(n, dtype=np.int64)
    status = np.full(n, _OK, dtype=np.int8)
    values = raw.to_numpy(dtype=object)
    kinds = np.array([_cell_kind(v) for v in values], dtype=np.int8) if n else np.zeros(0, np.int8)
    for kind, parse in (
        (1, lambda v: _units_from_text(pa.array([str(c) for c in v], pa.string()), places)),
        (2, lambda v: _units_from_ints(pd.Series(list(v), dtype=object), places)),
        (3, lambda v: _units_from_floats(np.asarray(v, dtype="float64"), places)),
    ):
        sel = kinds == kind
        if sel.any():
            u, st = parse(values[sel])
            units[sel] = u
            status[sel] = st
    status[kinds == 4] = _NOT_NUMBER_TYPE
    return units, status


def _cell_kind(v: object) -> int:
    """0 empty, 1 text/decimal, 2 integer, 3 float, 4 anything else."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return 0
    if isinstance(v, bool):
        return 4
    if isinstance(v, int | np.integer):
        return 2
    if isinstance(v, float | np.floating):
        return 3
    if isinstance(v, str | Decimal):
        return 1
    return 4


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
