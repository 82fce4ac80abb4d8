"""Vectorized calendar helpers: month numbers, month arithmetic, ages, statutory retirement.

Month numbers follow decision D1 (``year * 12 + month - 1``) so that periods subtract and
join as integers. Every function takes and returns numpy arrays (``datetime64[D]``).
"""

from __future__ import annotations

import numpy as np

DAY = "datetime64[D]"
_EPOCH = 1970 * 12
ONE_DAY = np.timedelta64(1, "D")


def month_number(period: str) -> int:
    """``"YYYY-MM"`` -> month number."""
    y, m = period.split("-")
    return int(y) * 12 + int(m) - 1


def period_text(mn: int) -> str:
    """Month number -> ``"YYYY-MM"``."""
    return f"{mn // 12:04d}-{mn % 12 + 1:02d}"


def mn_of(d: np.ndarray) -> np.ndarray:
    """Month number of each date."""
    return np.asarray(d, dtype=DAY).astype("datetime64[M]").astype(np.int64) + _EPOCH


def month_start(mn: np.ndarray | int) -> np.ndarray:
    """First day of each month number."""
    return (np.asarray(mn, dtype=np.int64) - _EPOCH).astype("datetime64[M]").astype(DAY)


def month_end(mn: np.ndarray | int) -> np.ndarray:
    """Last day of each month number."""
    return month_start(np.asarray(mn, dtype=np.int64) + 1) - ONE_DAY


def days_in_month(mn: np.ndarray | int) -> np.ndarray:
    return (month_end(mn) - month_start(mn)).astype(np.int64) + 1


def year_of(d: np.ndarray) -> np.ndarray:
    return np.asarray(d, dtype=DAY).astype("datetime64[Y]").astype(np.int64) + 1970


def day_of(d: np.ndarray) -> np.ndarray:
    d = np.asarray(d, dtype=DAY)
    return (d - d.astype("datetime64[M]").astype(DAY)).astype(np.int64) + 1


def add_months(d: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """Same day ``k`` months later; a day the target month lacks becomes its last day.

    This is the catalog's rule for reaching an age on 29 February or the 31st.
    """
    d = np.asarray(d, dtype=DAY)
    m = d.astype("datetime64[M]")
    day = (d - m.astype(DAY)).astype(np.int64)
    nm = m + np.asarray(k, dtype=np.int64)
    last = (nm + 1).astype(DAY) - ONE_DAY
    return np.minimum(nm.astype(DAY) + day, last)


def age_on(birth: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Completed years on date ``d`` (catalog "Days and ages")."""
    y = year_of(d) - year_of(birth)
    reached = add_months(birth, 12 * y) <= np.asarray(d, dtype=DAY)
    return y - (~reached).astype(np.int64)


def statutory_retirement_date(birth: np.ndarray, male: np.ndarray, cadre: np.ndarray) -> np.ndarray:
    """Normal retirement date under the 2025 reform (indicators.md, statutory parameters).

    Men 60, women cadres 55, women workers 50; cohorts from 1965-01 / 1970-01 / 1975-01 are
    delayed one month, plus one month every 4 (women workers: 2) months of birth, capped at
    36 / 36 / 60 months.
    """
    birth = np.asarray(birth, dtype=DAY)
    male = np.asarray(male, dtype=bool)
    cadre = np.asarray(cadre, dtype=bool) & ~male
    bm = mn_of(birth)
    base = np.where(male, 60, np.where(cadre, 55, 50)) * 12
    first = np.where(male, 1965 * 12, np.where(cadre, 1970 * 12, 1975 * 12))
    step = np.where(male | cadre, 4, 2)
    cap = np.where(male | cadre, 36, 60)
    since = bm - first
    delay = np.where(since >= 0, np.minimum(cap, 1 + since // step), 0)
    return add_months(birth, base + delay)


def to_yyyymmdd(d: np.ndarray) -> np.ndarray:
    d = np.asarray(d, dtype=DAY)
    return year_of(d) * 10000 + (mn_of(d) % 12 + 1) * 100 + day_of(d)


def random_dates(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Uniform dates in ``[lo, hi]`` (inclusive), element-wise."""
    lo = np.asarray(lo, dtype=DAY)
    hi = np.asarray(hi, dtype=DAY)
    span = (hi - lo).astype(np.int64) + 1
    span = np.maximum(span, 1)
    n = max(lo.size, hi.size)
    off = np.floor(rng.random(n) * span).astype(np.int64)
    return lo + off.astype("timedelta64[D]")
