"""The pension plugin's part of the synthetic city: retirements and pensions, one plant per
indicator (and the first pensions that ``data.duplicate_payment`` doubles)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fundrules.synth.api import (
    DAY,
    ONE_DAY,
    RES_PENS,
    Coded,
    Plant,
    Population,
    SynthPart,
    World,
    add_months,
    bank_account,
    birth_for_age,
    contribute,
    day_of,
    employ,
    enroll,
    expand,
    host_employers,
    mn_of,
    money,
    month_end,
    month_start,
    national,
    new_persons,
    pay,
    pay_range,
    pct_of,
    prefixed_ids,
    random_base,
    random_dates,
    statutory_retirement_date,
    td,
)


def background(w: World, pop: Population) -> None:
    """Retirement approvals and basic pensions of the retirees; resident pensions."""
    rng = w.rng
    role = pop["role"]
    death = pop["death"]
    rd = pop["rdate"]
    k, i = pop.where(~np.isnat(rd))
    old = rd[k] < np.datetime64("2015-01-01")
    rtype = np.where(old & pop["male"][k] & (rng.random(i.size) < 0.05), 1, 0)
    retire_rows(
        w, i, rd[k], pop["male"][k], pop["cadre"][k], Coded(rtype, ["normal", "special_work"])
    )
    amount = money(w, i.size, 2000, 6500)
    hi = np.where(np.isnat(death[k]), w.P, np.minimum(mn_of(death[k]), w.P))
    pay_range(w, i, "pension", "basic_pension", mn_of(rd[k]), hi, amount)

    k, i = pop.where(role == RES_PENS)
    hi = np.where(np.isnat(death[k]), w.P, mn_of(death[k]))
    pay_range(
        w,
        i,
        "pension",
        "resident_pension",
        np.full(i.size, w.months[0]),
        hi,
        money(w, i.size, 300, 1200),
    )


class _Text:
    """An Arrow string array the writer takes as it is."""

    def __init__(self, arr: pa.Array) -> None:
        self.arr = arr

    def __getitem__(self, sl: slice) -> _Text:
        return _Text(self.arr.slice(sl.start, sl.stop - sl.start))

    def to_arrow(self) -> pa.Array:
        return self.arr

    def __len__(self) -> int:
        return len(self.arr)


def people_with_statutory_in(
    w: World, n: int, lo: np.datetime64, hi: np.datetime64, required: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(male, cadre, birth) of n persons whose normal statutory retirement date is in [lo, hi].

    Sex and job category are drawn together with the birth date: under the 2025 reform
    some months are reached by one group only (June 2025: women workers), and January 2025
    by nobody. Without ``required``, an impossible range gives empty arrays.
    """
    cand = np.arange(np.datetime64("1940-01-01"), np.datetime64("1995-01-01"), dtype=DAY)
    cand = cand[day_of(cand) <= 28]
    births, males, cadres = [], [], []
    for gm, gc in ((True, False), (False, True), (False, False)):
        st = statutory_retirement_date(cand, np.full(cand.size, gm), np.full(cand.size, gc))
        ok = cand[(st >= lo) & (st <= hi)]
        births.append(ok)
        males.append(np.full(ok.size, gm))
        cadres.append(np.full(ok.size, gc))
    b = np.concatenate(births)
    if b.size == 0:
        if not required:
            return np.zeros(0, bool), np.zeros(0, bool), np.zeros(0, DAY)
        raise ValueError(f"no birth date gives a statutory date in [{lo}, {hi}]")
    pick = w.rng.integers(0, b.size, n)
    return np.concatenate(males)[pick], np.concatenate(cadres)[pick], b[pick]


def retire_rows(
    w: World,
    idx: np.ndarray,
    rdate: np.ndarray,
    male: np.ndarray,
    cadre: np.ndarray,
    rtype: str | Coded = "normal",
) -> None:
    """Retirement approvals; women's job category stated (cadre/worker), sometimes empty."""
    n = len(idx)
    male = np.asarray(male, bool)
    cadre = np.asarray(cadre, bool) & ~male
    u = w.rng.random(n)
    cat = np.where(cadre, 0, np.where(male & (u < 0.5), -1, np.where(u < 0.8, 1, -1)))
    year = (np.asarray(rdate, DAY).astype("datetime64[Y]").astype(np.int64) + 1970) % 10000
    num = year * 10**6 + w.rng.integers(0, 10**6, n)
    appr = prefixed_ids("TJRS", num, 10)
    mask = w.rng.random(n) < 0.1
    appr = pa.array(appr.to_pylist(), pa.string(), mask=mask) if mask.any() else appr
    w.emit(
        "retirements",
        person_id=np.asarray(idx),
        retirement_date=np.asarray(rdate, DAY),
        retirement_type=rtype,
        job_category=Coded(cat, ["cadre", "worker"]),
        approval_id=_Text(appr),
    )


def fresh_pensioners(
    w: World,
    n: int,
    age_lo: float = 66,
    age_hi: float = 88,
    birth: np.ndarray | None = None,
    male: np.ndarray | None = None,
    m_lo: int | None = None,
    m_hi: int | None = None,
    amount: np.ndarray | None = None,
    retirement_row: bool = True,
    listed: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Retired persons drawing a steady basic pension over [m_lo, m_hi] (default window)."""
    if male is None:
        male = w.rng.random(n) < 0.5
    male = np.broadcast_to(np.asarray(male, bool), (n,)).copy()
    if birth is None:
        birth = birth_for_age(w, n, age_lo, age_hi)
    idx = new_persons(w, n, male=male, birth=birth, listed=listed)
    cadre = np.zeros(n, bool)
    stat = statutory_retirement_date(birth, male, cadre)
    latest = w.ws - ONE_DAY
    if (stat + td(31) > latest).any():
        raise ValueError("fresh_pensioners: too young to have retired before the window")
    room = (latest - stat).astype(np.int64)
    rdate = stat + td(31 + np.floor(w.rng.random(n) * np.minimum(room - 31, 400)).astype(np.int64))
    if retirement_row:
        retire_rows(w, idx, rdate, male, cadre)
    start = add_months(rdate, -12 * w.rng.integers(15, 35, n))
    enroll(w, idx, "pension", "employee", start, rdate)
    enroll(w, idx, "medical", "employee", rdate + ONE_DAY)
    if amount is None:
        amount = money(w, n, 2000, 6500) // 100 * 100
    lo = w.months[0] if m_lo is None else m_lo
    hi = w.P if m_hi is None else m_hi
    pay_range(w, idx, "pension", "basic_pension", np.full(n, lo), np.full(n, hi), amount)
    return idx, amount


def fresh_new_retirees(
    w: World, n: int, rdate_lo: np.datetime64, rdate_hi: np.datetime64, margin_days: int = 31
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Workers retiring in [rdate_lo, rdate_hi], a margin after their statutory date.

    They worked (contributions) up to the retirement month; their pension starts in it.
    Returns (idx, rdate, employer).
    """
    male, cadre, birth = people_with_statutory_in(
        w, n, rdate_lo - td(margin_days + 300), rdate_hi - td(margin_days)
    )
    stat = statutory_retirement_date(birth, male, cadre)
    lo = np.maximum(stat + td(margin_days), rdate_lo)
    rdate = random_dates(w.rng, lo, np.full(n, rdate_hi))
    idx = new_persons(w, n, male=male, birth=birth)
    retire_rows(w, idx, rdate, male, cadre)
    return idx, rdate, _work_until(w, idx, rdate)


def _work_until(w: World, idx: np.ndarray, rdate: np.ndarray) -> np.ndarray:
    n = len(idx)
    start = rdate - td(w.rng.integers(3000, 9000, n))
    employer = host_employers(w, n)
    employ(w, idx, employer, start, rdate)
    contribute(w, idx, employer, random_base(w, n), np.full(n, w.months[0]), mn_of(rdate))
    enroll(w, idx, "medical", "employee", rdate + ONE_DAY)
    return employer


def account_text(idx: int) -> str:
    return bank_account(np.array([idx])).to_arrow()[0].as_py()


# ----------------------------------------------------------------------------- plants
def paid_after_death(w: World) -> None:
    """Paid after death: died in the month before the target period, paid for the target."""
    P = w.P
    rng = w.rng
    ps, pe = w.ps, w.pe
    n = w.count("pension.paid_after_death")
    if n:
        idx, _ = fresh_pensioners(w, n)
        d = random_dates(rng, np.full(n, month_start(P - 1)), np.full(n, month_end(P - 1)))
        d[0] = month_end(P - 1)
        w.emit("deaths", person_id=idx, death_date=d, source="civil_affairs")
        w.mark("pension.paid_after_death", "person", w.people.id_text(idx))
    # near miss: died in the target period and paid for it (the month of death is due)
    idx, _ = fresh_pensioners(w, 2)
    w.emit("deaths", person_id=idx, death_date=np.array([ps, pe]), source="cremation")
    w.near_miss(
        "pension.paid_after_death", "person", w.people.id_text(idx), "paid for the month of death"
    )


def paid_during_incarceration(w: World) -> None:
    """Paid during incarceration: entered before the target month, not released."""
    P = w.P
    rng = w.rng
    ps, pe = w.ps, w.pe
    n = w.count("pension.paid_during_incarceration")
    if n:
        idx, _ = fresh_pensioners(w, n, age_lo=63.5, age_hi=75)
        mon = np.where(np.arange(n) == 0, P - 1, rng.integers(P - 3, P, n))
        st = random_dates(rng, month_start(mon), month_end(mon))
        end = np.where(rng.random(n) < 0.5, np.datetime64("NaT"), pe + td(rng.integers(1, 200, n)))
        w.emit("incarcerations", person_id=idx, start_date=st, end_date=end.astype(DAY))
        w.mark("pension.paid_during_incarceration", "person", w.people.id_text(idx))
    # near misses: entry month and release month are due
    idx, _ = fresh_pensioners(w, 1, age_lo=63.5, age_hi=75)
    w.emit(
        "incarcerations",
        person_id=idx,
        start_date=np.array([pe]),
        end_date=np.array([np.datetime64("NaT")], DAY),
    )
    w.near_miss(
        "pension.paid_during_incarceration",
        "person",
        w.people.id_text(idx),
        "entered on the last day of the target month",
    )
    idx, _ = fresh_pensioners(w, 1, age_lo=63.5, age_hi=75, m_hi=P - 2)
    pay(w, idx, "pension", "basic_pension", np.array([P]), np.array([300000]))
    w.emit(
        "incarcerations",
        person_id=idx,
        start_date=np.array([month_start(P - 2) + td(3)]),
        end_date=np.array([ps]),
    )
    w.near_miss(
        "pension.paid_during_incarceration",
        "person",
        w.people.id_text(idx),
        "released on the first day of the target month",
    )


def duplicate_receipt(w: World) -> None:
    """Duplicate receipt: two schemes here, or here and another region."""
    P = w.P
    _ps, _pe = w.ps, w.pe
    n = w.count("pension.duplicate_receipt")
    if n:
        idx, _ = fresh_pensioners(w, n)
        here = np.arange(n) % 2 == 0
        i = idx[here]
        enroll(w, i, "pension", "resident", np.full(i.size, np.datetime64("2012-01-01"), DAY))
        pay_range(
            w,
            i,
            "pension",
            "resident_pension",
            np.full(i.size, w.months[0]),
            np.full(i.size, P),
            money(w, i.size, 300, 900),
        )
        j = idx[~here]
        national(w, j, "pension", np.zeros(j.size, np.int64), money(w, j.size, 2000, 4000))
        w.mark("pension.duplicate_receipt", "person", w.people.id_text(idx))
    # near miss: another region paid until the month before the pension started here
    idx, _ = fresh_pensioners(w, 1, m_lo=P)
    national(w, idx, "pension", np.zeros(1, np.int64), np.array([280000]), months=[P - 2, P - 1])
    w.near_miss(
        "pension.duplicate_receipt",
        "person",
        w.people.id_text(idx),
        "moved in: national pension ends before ours",
    )


def early_retirement(w: World) -> None:
    """Early retirement: before the statutory age (one day before, for the first)."""
    P = w.P
    rng = w.rng
    ps, pe = w.ps, w.pe
    n = w.count("pension.early_retirement")
    if n:
        male, cadre, birth = people_with_statutory_in(w, n, pe + ONE_DAY, pe + td(1000))
        m0, c0, b0 = people_with_statutory_in(w, 1, ps + ONE_DAY, pe, required=False)
        if b0.size:  # the boundary: one day before the statutory date
            male[0], cadre[0], birth[0] = m0[0], c0[0], b0[0]
        else:  # nobody reaches it this month: the soonest after it, retiring on the last day
            m0, c0, b0 = people_with_statutory_in(w, 1, pe + ONE_DAY, pe + td(40))
            male[0], cadre[0], birth[0] = m0[0], c0[0], b0[0]
        stat = statutory_retirement_date(birth, male, cadre)
        rdate = random_dates(rng, np.full(n, ps), np.minimum(stat - ONE_DAY, pe))
        rdate[0] = min(stat[0] - ONE_DAY, pe)
        idx = new_persons(w, n, male=male, birth=birth)
        retire_rows(w, idx, rdate, male, cadre)
        _work_until(w, idx, rdate)
        pay(w, idx, "pension", "basic_pension", np.full(n, P), money(w, n, 2500, 5000))
        w.mark("pension.early_retirement", "person", w.people.id_text(idx))
    # near miss: retiring exactly on the statutory date
    male, cadre, birth = people_with_statutory_in(w, 2, ps, pe, required=False)
    if birth.size:  # a month the reform leaves out (2025-01) has no such person
        rdate = statutory_retirement_date(birth, male, cadre)
        idx = new_persons(w, 2, male=male, birth=birth)
        retire_rows(w, idx, rdate, male, cadre)
        _work_until(w, idx, rdate)
        pay(w, idx, "pension", "basic_pension", np.full(2, P), money(w, 2, 2500, 5000))
        w.near_miss(
            "pension.early_retirement",
            "person",
            w.people.id_text(idx),
            "retired on the statutory date",
        )


def paid_before_retirement(w: World) -> None:
    """Paid before retirement: retiring next month but paid this month; or no retirement row."""
    P = w.P
    _ps, pe = w.ps, w.pe
    n = w.count("pension.paid_before_retirement")
    if n:
        k = (n + 1) // 2
        idx, _, _ = fresh_new_retirees(w, k, month_start(P + 1), month_end(P + 1))
        pay(w, idx, "pension", "basic_pension", np.full(k, P), money(w, k, 2500, 5000))
        idx2, _ = fresh_pensioners(w, n - k, retirement_row=False)
        w.mark(
            "pension.paid_before_retirement",
            "person",
            w.people.id_text(np.concatenate([idx, idx2])),
        )
    idx, _rdate, _ = fresh_new_retirees(w, 1, pe, pe)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), money(w, 1, 2500, 5000))
    w.near_miss(
        "pension.paid_before_retirement",
        "person",
        w.people.id_text(idx),
        "first pension for the retirement month",
    )


def contributions_after_retirement(w: World) -> None:
    """Contributions after retirement: retired last month, employer still paid this month."""
    P = w.P
    ps, pe = w.ps, w.pe
    n = w.count("pension.contributions_after_retirement")
    if n:
        idx, _, emp = fresh_new_retirees(w, n, month_start(P - 1), month_end(P - 1))
        pay_range(
            w,
            idx,
            "pension",
            "basic_pension",
            np.full(n, P - 1),
            np.full(n, P),
            money(w, n, 2500, 5000),
        )
        base = np.full(n, 600000)
        contribute(w, idx, emp, base, np.full(n, P), np.full(n, P), ("pension",))
        w.mark("pension.contributions_after_retirement", "person", w.people.id_text(idx))
    idx, _rdate, _ = fresh_new_retirees(w, 1, ps, pe)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), money(w, 1, 2500, 5000))
    w.near_miss(
        "pension.contributions_after_retirement",
        "person",
        w.people.id_text(idx),
        "contributions for the retirement month",
    )


def back_payment_before_retirement(w: World) -> None:
    """Back payments before retirement: >= 60 periods paid in the 12 months before retiring."""
    P = w.P
    rng = w.rng
    ps, pe = w.ps, w.pe
    n = w.count("pension.back_payment_before_retirement")
    if n:
        k = np.where(np.arange(n) == 0, 60, rng.integers(60, 121, n))
        idx, _, _ = fresh_new_retirees(w, n, ps, pe)
        _back_payments(w, idx, k)
        pay(w, idx, "pension", "basic_pension", np.full(n, P), money(w, n, 2500, 5000))
        w.mark("pension.back_payment_before_retirement", "person", w.people.id_text(idx))
    idx, _rdate, _ = fresh_new_retirees(w, 1, ps, pe)
    _back_payments(w, idx, np.array([59]))
    pay(w, idx, "pension", "basic_pension", np.full(1, P), money(w, 1, 2500, 5000))
    w.near_miss(
        "pension.back_payment_before_retirement", "person", w.people.id_text(idx), "59 periods"
    )


def shared_bank_account(w: World) -> None:
    """Shared bank account: >= 3 pensioners paid into one account."""
    P = w.P
    rng = w.rng
    _ps, _pe = w.ps, w.pe
    n = w.count("pension.shared_bank_account")
    if n:
        size = np.where(np.arange(n) == 0, 3, rng.integers(3, 6, n))
        total = int(size.sum())
        idx, _ = _pensioners_no_pay(w, total)
        group = np.repeat(np.arange(n), size)
        owner = idx[np.cumsum(size) - size][group]
        owner_m, months = expand(np.full(total, w.months[0]), np.full(total, P))
        pay(
            w,
            idx[owner_m],
            "pension",
            "basic_pension",
            months,
            money(w, total, 2000, 5000)[owner_m],
            owner[owner_m],
        )
        accts = [account_text(int(o)) for o in idx[np.cumsum(size) - size]]
        w.mark("pension.shared_bank_account", "account", accts)
    idx, _ = _pensioners_no_pay(w, 2)
    pay(
        w,
        idx,
        "pension",
        "basic_pension",
        np.full(2, P),
        np.array([310000, 255000]),
        np.full(2, idx[0]),
    )
    w.near_miss(
        "pension.shared_bank_account",
        "account",
        [account_text(int(idx[0]))],
        "a couple: 2 pensioners",
    )


def benefit_jump(w: World) -> None:
    """Benefit jump: > 20% against the previous month, no retirement in either month."""
    P = w.P
    rng = w.rng
    _ps, _pe = w.ps, w.pe
    n = w.count("pension.benefit_jump")
    if n:
        a = money(w, n, 2000, 5000) // 100 * 100
        idx, _ = fresh_pensioners(w, n, amount=a, m_hi=P - 1)
        factor = rng.uniform(1.25, 2.0, n)
        new = np.round(a * factor).astype(np.int64)
        new[0] = a[0] * 12 // 10 + 1
        pay(w, idx, "pension", "basic_pension", np.full(n, P), new)
        w.mark("pension.benefit_jump", "person", w.people.id_text(idx))
    a = np.array([300000])
    idx, _ = fresh_pensioners(w, 1, amount=a, m_hi=P - 1)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), a * 12 // 10)
    w.near_miss("pension.benefit_jump", "person", w.people.id_text(idx), "exactly +20%")


def centenarian_unverified(w: World) -> None:
    """Centenarian: 100 on the last day of the target period (the first), or older."""
    _ps, pe = w.ps, w.pe
    n = w.count("pension.centenarian_unverified")
    if n:
        birth = birth_for_age(w, n, 100.1, 104)
        birth[0] = add_months(np.array([pe]), -1200)[0]
        idx, _ = fresh_pensioners(w, n, birth=birth)
        w.mark("pension.centenarian_unverified", "person", w.people.id_text(idx))
    birth = add_months(np.array([pe + ONE_DAY]), -1200)
    idx, _ = fresh_pensioners(w, 1, birth=birth)
    w.near_miss(
        "pension.centenarian_unverified",
        "person",
        w.people.id_text(idx),
        "turns 100 the day after the period",
    )


def _pensioners_no_pay(w: World, n: int) -> tuple[np.ndarray, None]:
    idx, _ = fresh_pensioners(w, n, m_lo=w.P + 1, m_hi=w.P)  # empty range: rows only
    return idx, None


def _back_payments(w: World, idx: np.ndarray, k: np.ndarray) -> None:
    """k distinct old periods each, paid in the month before the target period."""
    first = w.rng.integers(1996 * 12, 2008 * 12, len(idx))
    owner, periods = expand(first, first + k - 1)
    base = np.full(owner.size, 350000)
    paid = random_dates(
        w.rng, np.full(owner.size, month_start(w.P - 1)), np.full(owner.size, month_end(w.P - 1))
    )
    w.emit(
        "contributions",
        person_id=np.asarray(idx)[owner],
        employer_id=np.full(owner.size, -1),
        insurance="pension",
        period=periods,
        base=base,
        employer_amount=0,
        person_amount=pct_of(base, 2000),
        paid_date=paid,
        back_payment=True,
    )


def duplicate_payment(w: World) -> None:
    """A first pension (retired this month, so no previous month to jump from) paid twice; the
    near miss is paid, reversed and paid again."""
    code = "data.duplicate_payment"
    P = w.P
    n = w.count(code)
    if n:
        idx, _, _ = fresh_new_retirees(w, n, w.ps, w.pe)
        amt = w.rng.integers(2500, 5000, n) * 100
        pay(w, idx, "pension", "basic_pension", np.full(n, P), amt)
        pay(w, idx, "pension", "basic_pension", np.full(n, P), amt)
        w.mark(code, "person", w.people.id_text(idx))
    idx, _, _ = fresh_new_retirees(w, 1, w.ps, w.pe)
    amt = np.array([318000])
    pay(w, idx, "pension", "basic_pension", np.full(1, P), amt)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), -amt)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), amt)
    w.near_miss(code, "person", w.people.id_text(idx), "paid, reversed, paid again")


PLANTS: dict[str, Plant] = {
    "data.duplicate_payment": duplicate_payment,
    "pension.paid_after_death": paid_after_death,
    "pension.paid_during_incarceration": paid_during_incarceration,
    "pension.duplicate_receipt": duplicate_receipt,
    "pension.early_retirement": early_retirement,
    "pension.paid_before_retirement": paid_before_retirement,
    "pension.contributions_after_retirement": contributions_after_retirement,
    "pension.back_payment_before_retirement": back_payment_before_retirement,
    "pension.shared_bank_account": shared_bank_account,
    "pension.benefit_jump": benefit_jump,
    "pension.centenarian_unverified": centenarian_unverified,
}

PART = SynthPart(
    name="pension",
    background=background,
    plants=PLANTS,
    auto_ids={},
    shuffled=("retirements",),
    services={"pension.pensioners": fresh_pensioners},
)
