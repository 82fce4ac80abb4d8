"""Months as integers: ``year * 12 + month - 1``.

A supervision period is a calendar month. Indicators compare, subtract and join months on every
payment row, so they are held as one int32 ("month number") rather than text or pandas Periods.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str) -> int:
    """Month number of a ``YYYY-MM`` text; raises ValueError on anything else."""
    m = _PERIOD_RE.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"not a period (YYYY-MM): {text!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def format_period(month: int) -> str:
    """``YYYY-MM`` text of a month number."""
    return f"{int(month) // 12:04d}-{int(month) % 12 + 1:02d}"


def first_day(month: int) -> date:
    return date(int(month) // 12, int(month) % 12 + 1, 1)


def last_day(month: int) -> date:
    nxt = int(month) + 1
    return date.fromordinal(date(nxt // 12, nxt % 12 + 1, 1).toordinal() - 1)


def month_of(dates: pd.Series) -> pd.Series:
    """Month numbers of a datetime Series (NaT → <NA>, as nullable Int32)."""
    d = pd.to_datetime(dates)
    out = (d.dt.year * 12 + d.dt.month - 1).astype("Int32")
    return out


def format_periods(months: pd.Series) -> pd.Series:
    """``YYYY-MM`` texts of a Series of month numbers, vectorized."""
    m = months.astype("Int64")
    if len(m) <= 20_000:  # a few rows (a shard's hits): one Python pass beats five pandas steps
        na = m.isna().to_numpy()
        texts = [
            None if gone else f"{v // 12}-{v % 12 + 1:02d}"
            for v, gone in zip(
                m.to_numpy(dtype="int64", na_value=0).tolist(), na.tolist(), strict=True
            )
        ]
        return pd.Series(texts, index=m.index, dtype="str", name=m.name)
    years = (m // 12).astype("string")
    mon = (m % 12 + 1).astype("string").str.zfill(2)
    return (years + "-" + mon).astype("str")


def parse_periods(texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Month numbers of a Series of ``YYYY-MM`` texts, and a mask of the cells that are not periods."""
    s = texts.astype("string").str.strip()
    parts = s.str.extract(r"^(\d{4})-(\d{2})$")
    year = pd.to_numeric(parts[0], errors="coerce")
    mon = pd.to_numeric(parts[1], errors="coerce")
    ok = year.notna() & mon.between(1, 12)
    months = (year * 12 + mon - 1).where(ok)
    return months.astype("Int32"), ~ok.to_numpy(dtype=bool)


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; a day that does not exist becomes the month's last day."""
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    last = last_day(total).day
    return date(y, m + 1, min(d.day, last))


def add_months_series(dates: pd.Series, months: int | pd.Series) -> pd.Series:
    """Vectorized :func:`add_months` (end-of-month clipping, as the catalog's reading of ages)."""
    d = pd.to_datetime(dates)
    total = d.dt.year * 12 + d.dt.month - 1 + months
    year = total // 12
    month = total % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}), errors="coerce")
    days_in = first.dt.days_in_month
    day = np.minimum(d.dt.day, days_in)
    return first + pd.to_timedelta(day - 1, unit="D")
