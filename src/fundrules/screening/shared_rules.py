"""Logic that several insurances share, written once (style.md: no copy-paste between plugins).

All functions are vectorized over whole frames and return *hits* frames (decisions.md D4):
``subject_id``, ``amount_fen`` plus evidence columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fundrules.period import format_periods, month_of

from .suspicions import yuan


def age_on(birth: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """Completed years on a date. Someone born on 29 February (or a 31st) reaches an age on the
    last day of that month in years without the day (indicators.md, "Days and ages")."""
    b = pd.to_datetime(birth)
    o = (
        pd.to_datetime(on)
        if isinstance(on, pd.Series)
        else pd.Series(pd.Timestamp(on), index=b.index)
    )
    o = o.reindex(b.index) if isinstance(on, pd.Series) else o
    first = pd.to_datetime(
        pd.DataFrame({"year": o.dt.year, "month": b.dt.month, "day": 1}), errors="coerce"
    )
    anniv_day = np.minimum(b.dt.day, first.dt.days_in_month)
    before = (o.dt.month < b.dt.month) | ((o.dt.month == b.dt.month) & (o.dt.day < anniv_day))
    years = o.dt.year - b.dt.year - before.astype("Int64")
    return years.astype("Int64")


def as_hits(
    rows: pd.DataFrame,
    *,
    subject: str = "person_id",
    amount: str | None = "amount",
    evidence: list[str] | None = None,
    money: list[str] | None = None,
) -> pd.DataFrame:
    """Shape flagged rows as a hits frame: subject, amount (fen), evidence columns.

    ``money`` names evidence columns held in fen, shown as exact yuan text; a ``period`` column
    of month numbers is shown as ``YYYY-MM``.
    """
    # the columns first, one frame at the end: a column assigned at a time cost ~0.4 ms each,
    # paid by every indicator in every shard of a run
    cols: dict[str, object] = {
        "subject_id": rows[subject].astype("str").array,
        "amount_fen": rows[amount].astype("int64").array if amount else 0,
    }
    for c in evidence or []:
        s = rows[c]
        if money and c in money:
            s = yuan(s)
        elif c == "period" or c.endswith("_period"):
            s = format_periods(s)
        cols[c] = s.array
    if "insurance" in rows and "insurance" not in cols:
        cols["insurance"] = rows["insurance"].array
    return pd.DataFrame(cols, index=pd.RangeIndex(len(rows)))


def paid_after_event_month(
    payments: pd.DataFrame, events: pd.DataFrame, date_column: str
) -> pd.DataFrame:
    """Payments for a period later than the month of a person's event (death): the month of the
    event itself is due. ``payments`` need ``person_id`` and ``period`` (month numbers);
    ``events`` one row per person with ``date_column``."""
    ev = events[["person_id", date_column]].dropna()
    ev = ev.assign(_event_month=month_of(ev[date_column])).drop_duplicates("person_id")
    # the few payments of persons with an event first (hashed in C), then the merge on those
    payments = payments[is_in(payments["person_id"], ev["person_id"]).to_numpy()]
    m = payments.merge(ev, on="person_id", how="inner")
    return m[m["period"] > m["_event_month"]].drop(columns="_event_month")


def paid_during_spell(payments: pd.DataFrame, spells: pd.DataFrame) -> pd.DataFrame:
    """Payments for a month strictly between the month a spell starts and the month it ends
    (both those months are due, whatever the days); an open spell covers every later month.
    ``spells`` need ``person_id``, ``start_date``, ``end_date`` (NaT = open)."""
    sp = spells[["person_id", "start_date", "end_date"]].copy()
    sp["_in"] = month_of(sp["start_date"])
    sp["_out"] = month_of(sp["end_date"])
    payments = payments[is_in(payments["person_id"], sp["person_id"]).to_numpy()]
    m = payments.reset_index(names="_row").merge(sp, on="person_id", how="inner")
    inside = (m["period"] > m["_in"]) & ((m["period"] < m["_out"]) | m["_out"].isna())
    m = m[inside.fillna(False)]
    # a payment inside two recorded spells is still one payment
    m = m.sort_values(["_row", "start_date"]).drop_duplicates("_row")
    return m.drop(columns=["_in", "_out"]).set_index("_row").rename_axis(None)


def paid_in_same_period(
    left: pd.DataFrame, right: pd.DataFrame, on: tuple[str, ...] = ("person_id", "period")
) -> pd.DataFrame:
    """Rows of ``left`` whose person and period also appear in ``right`` (paid together)."""
    keys = right[list(on)].drop_duplicates()
    return left.merge(keys, on=list(on), how="inner")


def duplicate_receipt(
    local: pd.DataFrame,
    external: pd.DataFrame | None = None,
    *,
    kinds: str = "benefit_type",
    on: tuple[str, ...] = ("person_id", "period"),
    amount: str | None = "amount",
) -> pd.DataFrame:
    """Local payments of a person and period that is paid twice: under two or more distinct
    ``kinds`` here (two schemes), or here and in ``external`` (another region or scheme).

    A reversal (a negative ``amount``) is not a payment of its own: a kind counts only where it
    has a positive row, and a person and period count only where something positive was paid
    here. The reversals of a flagged person and period are returned with it (they offset).
    """
    if local.empty:
        return local.assign(_reason=pd.Series(dtype="str"))
    keys = list(on)
    paying = local if amount is None else local[local[amount] > 0]
    counts = paying.groupby(keys)[kinds].nunique().rename("_n").reset_index()
    n_kinds = local[keys].merge(counts, on=keys, how="left")["_n"].fillna(0).to_numpy()
    two_here = pd.Series(n_kinds > 1, index=local.index)
    paid_here = pd.Series(n_kinds > 0, index=local.index)
    if external is not None and len(external):
        ext = external[keys].drop_duplicates().assign(_ext=1)
        hit = local[keys].merge(ext, on=keys, how="left")["_ext"].fillna(0).to_numpy() > 0
        elsewhere = pd.Series(hit, index=local.index) & paid_here
    else:
        elsewhere = pd.Series(False, index=local.index)
    flagged = local[two_here | elsewhere].copy()
    reason = np.where(
        two_here[flagged.index] & elsewhere[flagged.index],
        "two schemes here and another region",
        np.where(two_here[flagged.index], "two schemes here", "here and another region"),
    )
    flagged["_reason"] = reason
    return flagged


#: The columns of a ``benefits`` row that the payment checks read (``net_payments`` and the
#: paid-after/during rules, plus the evidence they carry): declare them as
#: ``reads={"benefits": BENEFIT_READS}`` (docs/decisions.md D95).
BENEFIT_READS: tuple[str, ...] = (
    "payment_id",
    "person_id",
    "insurance",
    "benefit_type",
    "period",
    "amount",
    "paid_date",
)


#: The columns of a ``national_benefits`` row (benefits paid in other regions) that the checks of
#: receipt in two places read, evidence included: ``optional_reads={"national_benefits": ...}``.
NATIONAL_BENEFIT_READS: tuple[str, ...] = (
    "person_id",
    "insurance",
    "region_code",
    "benefit_type",
    "period",
    "amount",
)


def net_payments(
    rows: pd.DataFrame, keys: Sequence[str] = ("person_id", "benefit_type", "period")
) -> pd.DataFrame:
    """The rows of the groups (by ``keys``) that hold a payment (a positive row), reversals
    included, with ``net`` (the group's sum) on every row and ``at_risk``: the net, never below
    0, on the group's largest row (ties: the smallest ``payment_id``), 0 on the others. A reversal
    is not a payment of its own (decisions.md D7), so a group of reversals alone is dropped."""
    if rows.empty:
        empty = pd.Series(dtype="int64", index=rows.index)
        return rows.assign(net=empty, at_risk=empty)
    by = list(keys)
    rows = rows[rows.groupby(by, dropna=False)["amount"].transform("max") > 0]
    net = rows.groupby(by, dropna=False)["amount"].transform("sum").astype("int64")
    order = rows.sort_values(["amount", "payment_id"], ascending=[False, True], kind="stable")
    largest = ~order.duplicated(by)
    at_risk = np.where(largest.reindex(rows.index), net.clip(lower=0), 0).astype("int64")
    return rows.assign(net=net, at_risk=at_risk)


def period_end_dates(periods: pd.Series) -> pd.Series:
    """The last day of each month number, as ``datetime64[s]`` (vectorized)."""
    months = periods.to_numpy(dtype="int64") - (1970 * 12) + 1
    end = months.astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    return pd.Series(end.astype("datetime64[s]"), index=periods.index)


def is_in(values: pd.Series, among: pd.Series | pd.Index) -> pd.Series:
    """``values.isin(among)`` computed by Arrow: pandas' own ``isin`` on Arrow strings walks a
    large value set in Python (seconds for a million ids); this stays in C."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values.astype("str"), from_pandas=True)
    needle = pa.array(pd.Series(among, dtype="str").dropna().unique(), type=pa.string())
    mask = pc.fill_null(pc.is_in(arr, value_set=needle), False)
    return pd.Series(mask.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)
