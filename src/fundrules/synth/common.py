"""Building blocks shared by the background and the planted subjects.

Every helper is vectorized over persons; planting code calls them on small batches of
fresh persons so that each anomaly stands on subjects nothing else touches.
"""

from __future__ import annotations

import numpy as np

from .dates import (
    DAY,
    ONE_DAY,
    add_months,
    mn_of,
    month_end,
    month_start,
    random_dates,
)
from .insurances import INJURY, MATERNITY, MEDICAL, PENSION, UNEMPLOYMENT
from .world import Coded, Digits, World, _mix

DISTRICTS = np.array(
    [120101, 120102, 120103, 120104, 120105, 120106, 120110, 120111, 120112,
     120113, 120114, 120115, 120116, 120117, 120118, 120119],
    dtype=np.int64,
)  # fmt: skip
OLD_COUNTY_CODES = np.array([120221, 120222, 120223, 120224, 120225], dtype=np.int64)
ELSEWHERE = np.array(
    [110105, 130102, 130203, 140105, 210102, 230102, 320102, 370102, 410105, 510104, 640104],
    dtype=np.int64,
)

# contribution rates in basis points: (employer, person)
RATES_BP = {
    PENSION: (1600, 800),
    MEDICAL: (1000, 200),
    UNEMPLOYMENT: (50, 50),
    MATERNITY: (50, 0),
}
INJURY_RATE_BP = np.array([20, 40, 70, 90, 110, 130, 160, 190], dtype=np.int64)


def td(days: np.ndarray | int) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("timedelta64[D]")


def pct_of(amount_fen: np.ndarray, bp: np.ndarray | int) -> np.ndarray:
    """Round-half-up of ``amount * bp / 10000`` in integer fen."""
    return (np.asarray(amount_fen, np.int64) * np.asarray(bp, np.int64) + 5000) // 10000


def expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows for every integer in ``[lo, hi]`` per element: (owner index, value)."""
    lo = np.asarray(lo, np.int64)
    cnt = np.maximum(np.asarray(hi, np.int64) - lo + 1, 0)
    owner = np.repeat(np.arange(lo.size), cnt)
    start = np.cumsum(cnt) - cnt
    rank = np.arange(owner.size) - np.repeat(start, cnt)
    return owner, lo[owner] + rank


def ranks(cnt: np.ndarray) -> np.ndarray:
    """0..k-1 within each block of a repeated array with block sizes ``cnt``."""
    cnt = np.asarray(cnt, np.int64)
    start = np.cumsum(cnt) - cnt
    return np.arange(int(cnt.sum())) - np.repeat(start, cnt)


def bank_account(idx: np.ndarray, salt: int = 0) -> Coded:
    """A unique 19-digit card number per person (benefits.bank_account)."""
    from .ids import prefixed_ids

    arr = prefixed_ids("62", _mix(np.asarray(idx), 10**17, 1_234_567 + salt), 17)
    return _ArrowText(arr)


class _ArrowText:
    def __init__(self, arr) -> None:
        self.arr = arr

    def __getitem__(self, sl: slice) -> _ArrowText:
        return _ArrowText(self.arr.slice(sl.start, sl.stop - sl.start))

    def to_arrow(self):
        return self.arr

    def __len__(self) -> int:
        return len(self.arr)


def text(values: list[str] | np.ndarray) -> _ArrowText:
    import pyarrow as pa

    return _ArrowText(pa.array([str(v) for v in values], pa.string()))


def birth_for_age(
    w: World, n: int, age_lo: float, age_hi: float, on: np.datetime64 | None = None
) -> np.ndarray:
    """Birth dates giving an age in ``[age_lo, age_hi)`` on ``on`` (default: period end).

    Days are kept <= 28 so that birthdays exist in every month (boundaries stay exact).
    """
    on = w.pe if on is None else on
    hi = add_months(np.full(n, on, DAY), np.full(n, -round(age_lo * 12)))
    lo = add_months(np.full(n, on, DAY), np.full(n, -round(age_hi * 12))) + ONE_DAY
    b = random_dates(w.rng, lo, hi)
    day = (b - b.astype("datetime64[M]").astype(DAY)).astype(np.int64)
    return np.where(day >= 28, b - td(day - 27), b)


def new_persons(
    w: World,
    n: int,
    age_lo: float = 30,
    age_hi: float = 50,
    male: np.ndarray | bool | None = None,
    birth: np.ndarray | None = None,
    listed: bool = True,
    elsewhere: bool = False,
) -> np.ndarray:
    """Fresh persons, registered in a Tianjin district (or elsewhere, for migrants)."""
    if birth is None:
        birth = birth_for_age(w, n, age_lo, age_hi)
    if male is None:
        male = w.rng.random(n) < 0.5
    male = np.broadcast_to(np.asarray(male, bool), (n,))
    home = w.rng.choice(DISTRICTS, n)
    region = w.rng.choice(ELSEWHERE, n) if elsewhere else home
    return w.people.add(birth, male, region, home=home, listed=listed)


def person_attr(w: World, idx: np.ndarray, name: str) -> np.ndarray:
    return w.people.arrays()[name][np.asarray(idx)]


def random_base(w: World, n: int) -> np.ndarray:
    """Monthly contribution base in fen (whole yuan), Tianjin-like range."""
    base = np.exp(w.rng.normal(np.log(7500), 0.45, n))
    return (np.clip(np.round(base), 4300, 35000) * 100).astype(np.int64)


def pay_day(w: World, months: np.ndarray, lo: int = 3, hi: int = 24) -> np.ndarray:
    """A paid date inside each month (cash lands in the month paid for)."""
    months = np.asarray(months, np.int64)
    return month_start(months) + td(w.rng.integers(lo, hi + 1, months.size))


def enroll(
    w: World,
    idx: np.ndarray,
    insurance: str | Coded,
    scheme: str,
    start: np.ndarray,
    end: np.ndarray | None = None,
    employer: np.ndarray | None = None,
) -> None:
    n = len(idx)
    w.emit(
        "enrollments",
        person_id=np.asarray(idx),
        insurance=insurance,
        scheme=scheme,
        employer_id=np.full(n, -1) if employer is None else np.asarray(employer),
        start_date=np.asarray(start, DAY),
        end_date=np.full(n, np.datetime64("NaT"), DAY) if end is None else np.asarray(end, DAY),
    )


INS5 = (PENSION, MEDICAL, INJURY, UNEMPLOYMENT, MATERNITY)


def employ(
    w: World,
    idx: np.ndarray,
    employer: np.ndarray,
    start: np.ndarray,
    end: np.ndarray | None = None,
    insurances: tuple[str, ...] = INS5,
) -> None:
    """Employee-scheme spells at an employer, one per insurance."""
    for ins in insurances:
        enroll(w, idx, ins, "employee", start, end, employer)


def contribute(
    w: World,
    idx: np.ndarray,
    employer: np.ndarray,
    base: np.ndarray,
    months_lo: np.ndarray,
    months_hi: np.ndarray,
    insurances: tuple[str, ...] = INS5,
) -> None:
    """Monthly employee contributions for every month in [lo, hi] (up to the target
    period: the data end there), paid in that month."""
    owner, months = expand(months_lo, np.minimum(months_hi, w.P))
    if owner.size == 0:
        return
    p = np.asarray(idx)[owner]
    e = np.asarray(employer)[owner]
    b = np.asarray(base)[owner]
    inj_bp = injury_bp(w)[np.maximum(e, 0)]
    for ins in insurances:
        if ins == INJURY:
            eb, pb = inj_bp, 0
        else:
            eb, pb = RATES_BP[ins]
        w.emit(
            "contributions",
            person_id=p,
            employer_id=e,
            insurance=ins,
            period=months,
            base=b,
            employer_amount=pct_of(b, eb),
            person_amount=pct_of(b, pb),
            paid_date=pay_day(w, months),
            back_payment=False,
        )


def injury_bp(w: World) -> np.ndarray:
    """Injury rate (bp) of every employer; planted employers get one when first needed."""
    bp = w.ctx["injury_bp"]
    if bp.size < w.employers.n:
        extra = w.rng.choice(INJURY_RATE_BP, w.employers.n - bp.size)
        bp = np.concatenate([bp, extra])
        w.ctx["injury_bp"] = bp
    return bp


def pay(
    w: World,
    idx: np.ndarray,
    insurance: str,
    benefit_type: str,
    months: np.ndarray,
    amount: np.ndarray,
    account_owner: np.ndarray | None = None,
) -> None:
    """One benefits row per (person, month), paid inside the month it is for."""
    idx = np.asarray(idx)
    n = idx.size
    months = np.broadcast_to(np.asarray(months, np.int64), (n,))
    amount = np.broadcast_to(np.asarray(amount, np.int64), (n,))
    owner = idx if account_owner is None else np.asarray(account_owner)
    home = w.people.arrays()["home"][idx]
    w.emit(
        "benefits",
        person_id=idx,
        insurance=insurance,
        benefit_type=benefit_type,
        period=months,
        amount=amount,
        paid_date=pay_day(w, months, 2, 20),
        bank_account=bank_account(owner),
        agency_id=Coded(np.searchsorted(DISTRICTS, home), [f"SB{d}" for d in DISTRICTS]),
        region_code=Digits(home, 6),
    )


def pay_range(
    w: World,
    idx: np.ndarray,
    insurance: str,
    benefit_type: str,
    m_lo: np.ndarray,
    m_hi: np.ndarray,
    amount: np.ndarray,
) -> None:
    """Monthly payments for every month in [m_lo, m_hi] (clipped to the window)."""
    lo = np.maximum(np.asarray(m_lo, np.int64), w.months[0])
    hi = np.minimum(np.asarray(m_hi, np.int64), w.months[-1])
    owner, months = expand(lo, hi)
    amount = np.broadcast_to(np.asarray(amount, np.int64), (len(idx),))
    pay(w, np.asarray(idx)[owner], insurance, benefit_type, months, amount[owner])


def money(w: World, n: int, lo_yuan: float, hi_yuan: float) -> np.ndarray:
    """Random amounts in fen."""
    return w.rng.integers(int(lo_yuan * 100), int(hi_yuan * 100) + 1, n).astype(np.int64)


def host_employers(w: World, n: int) -> np.ndarray:
    """Existing employers that a few extra workers can join without changing any verdict.

    More insured persons only lowers claim shares, so any employer is safe to join.
    """
    pop_emp = w.ctx["big_employers"]
    return w.rng.choice(pop_emp, n)


def hire_fresh_workers(
    w: World,
    idx: np.ndarray,
    employer: np.ndarray | None = None,
    start: np.ndarray | None = None,
    months_hi: int | np.ndarray | None = None,
    base: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Plain employment for planted persons: 5 spells and contributions over the window."""
    n = len(idx)
    if employer is None:
        employer = host_employers(w, n)
    employer = np.broadcast_to(np.asarray(employer, np.int64), (n,))
    if start is None:
        start = random_dates(w.rng, np.full(n, w.ws - td(3000)), np.full(n, w.ws - td(400)))
    if base is None:
        base = random_base(w, n)
    hi = np.full(n, w.P) if months_hi is None else np.broadcast_to(months_hi, (n,))
    employ(w, idx, employer, start)
    lo = np.maximum(mn_of(start), w.months[0])
    contribute(w, idx, employer, base, lo, hi)
    return employer, base


def resident_medical(w: World, idx: np.ndarray, start: np.ndarray | None = None) -> None:
    n = len(idx)
    if start is None:
        start = np.full(n, np.datetime64("2012-01-01"), DAY)
    enroll(w, idx, MEDICAL, "resident", start)


def month_days(m: np.ndarray) -> np.ndarray:
    return (month_end(m) - month_start(m)).astype(np.int64) + 1


NATIONAL_BENEFIT_TYPES = ["basic_pension", "resident_pension", "unemployment_allowance"]


def national(
    w: World,
    idx: np.ndarray,
    insurance: str,
    btype: np.ndarray,
    amount: np.ndarray,
    months: np.ndarray | list[int] | None = None,
) -> None:
    """Benefits another region pays (national platform), every window month or ``months``;
    ``btype`` indexes :data:`NATIONAL_BENEFIT_TYPES`."""
    region = w.rng.choice(ELSEWHERE, idx.size)
    m = w.months if months is None else np.asarray(months)
    owner = np.repeat(np.arange(idx.size), m.size)
    w.emit(
        "national_benefits",
        person_id=idx[owner],
        region_code=Digits(region[owner], 6),
        insurance=insurance,
        benefit_type=Coded(np.asarray(btype)[owner], NATIONAL_BENEFIT_TYPES),
        period=np.tile(m, idx.size),
        amount=np.asarray(amount)[owner],
    )


def rank_within(keys: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """0-based rank of each element among equal keys, ordered by ``tiebreak``."""
    keys = np.asarray(keys)
    order = np.lexsort((tiebreak, keys))
    ks = keys[order]
    new = np.ones(ks.size, bool)
    new[1:] = ks[1:] != ks[:-1]
    start = np.maximum.accumulate(np.where(new, np.arange(ks.size), 0))
    out = np.empty(ks.size, np.int64)
    out[order] = np.arange(ks.size) - start
    return out
