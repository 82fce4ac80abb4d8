"""Pension: retirements, basic and resident pensions, national benefits; pension.* plants."""

from __future__ import annotations

import numpy as np

from .city import MIGRANT_PENS, NONWORK, RES_PENS, RETIREE
from .common import (
    ELSEWHERE,
    _work_until,
    bank_account,
    birth_for_age,
    contribute,
    enroll,
    expand,
    fresh_new_retirees,
    fresh_pensioners,
    money,
    new_persons,
    pay,
    pay_range,
    pct_of,
    people_with_statutory_in,
    retire_rows,
    td,
)
from .dates import (
    DAY,
    ONE_DAY,
    add_months,
    mn_of,
    month_end,
    month_start,
    random_dates,
    statutory_retirement_date,
)
from .world import Coded, Digits, World


def background(w: World, pop: dict[str, np.ndarray]) -> None:
    rng = w.rng
    role = pop["role"]
    death = pop["death"]
    rd = pop["rdate"]
    i = np.flatnonzero(~np.isnat(rd))
    old = rd[i] < np.datetime64("2015-01-01")
    rtype = np.where(old & pop["male"][i] & (rng.random(i.size) < 0.05), 1, 0)
    retire_rows(
        w, i, rd[i], pop["male"][i], pop["cadre"][i], Coded(rtype, ["normal", "special_work"])
    )
    amount = money(w, i.size, 2000, 6500)
    hi = np.where(np.isnat(death[i]), w.P, np.minimum(mn_of(death[i]), w.P))
    pay_range(w, i, "pension", "basic_pension", mn_of(rd[i]), hi, amount)

    i = np.flatnonzero(role == RES_PENS)
    hi = np.where(np.isnat(death[i]), w.P, mn_of(death[i]))
    pay_range(
        w,
        i,
        "pension",
        "resident_pension",
        np.full(i.size, w.months[0]),
        hi,
        money(w, i.size, 300, 1200),
    )

    # pensions paid by other regions (national platform) to people living here
    i = np.flatnonzero(role == MIGRANT_PENS)
    _national(
        w, i, "pension", np.where(rng.random(i.size) < 0.8, 0, 1), money(w, i.size, 2000, 5000)
    )
    # allowances of other regions' unemployment funds
    i = np.flatnonzero((role == NONWORK) & (pop["age_ws"] >= 22) & (pop["age_ws"] <= 50))
    i = i[rng.random(i.size) < 0.01]
    _national(w, i, "unemployment", np.full(i.size, 2), money(w, i.size, 1500, 2500))


_NB_TYPES = ["basic_pension", "resident_pension", "unemployment_allowance"]


def _national(
    w: World, idx: np.ndarray, insurance: str, btype: np.ndarray, amount: np.ndarray, months=None
) -> None:
    region = w.rng.choice(ELSEWHERE, idx.size)
    m = w.months if months is None else np.asarray(months)
    owner = np.repeat(np.arange(idx.size), m.size)
    w.emit(
        "national_benefits",
        person_id=idx[owner],
        region_code=Digits(region[owner], 6),
        insurance=insurance,
        benefit_type=Coded(np.asarray(btype)[owner], _NB_TYPES),
        period=np.tile(m, idx.size),
        amount=np.asarray(amount)[owner],
    )


def account_text(idx: int) -> str:
    return bank_account(np.array([idx])).to_arrow()[0].as_py()


# ----------------------------------------------------------------------------- plants
def plant(w: World) -> None:
    P = w.P
    rng = w.rng
    ps, pe = w.ps, w.pe

    # paid after death: died in the month before the target period, paid for the target
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

    # paid during incarceration: entered before the target month, not released
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

    # duplicate receipt: two schemes here, or here and another region
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
        _national(w, j, "pension", np.zeros(j.size, np.int64), money(w, j.size, 2000, 4000))
        w.mark("pension.duplicate_receipt", "person", w.people.id_text(idx))
    # near miss: another region paid until the month before the pension started here
    idx, _ = fresh_pensioners(w, 1, m_lo=P)
    _national(w, idx, "pension", np.zeros(1, np.int64), np.array([280000]), months=[P - 2, P - 1])
    w.near_miss(
        "pension.duplicate_receipt",
        "person",
        w.people.id_text(idx),
        "moved in: national pension ends before ours",
    )

    # early retirement: before the statutory age (one day before, for the first)
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

    # paid before retirement: retiring next month but paid this month; or no retirement row
    n = w.count("pension.paid_before_retirement")
    if n:
        k = (n + 1) // 2
        idx, rdate, _ = fresh_new_retirees(w, k, month_start(P + 1), month_end(P + 1))
        pay(w, idx, "pension", "basic_pension", np.full(k, P), money(w, k, 2500, 5000))
        idx2, _ = fresh_pensioners(w, n - k, retirement_row=False)
        w.mark(
            "pension.paid_before_retirement",
            "person",
            w.people.id_text(np.concatenate([idx, idx2])),
        )
    idx, rdate, _ = fresh_new_retirees(w, 1, pe, pe)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), money(w, 1, 2500, 5000))
    w.near_miss(
        "pension.paid_before_retirement",
        "person",
        w.people.id_text(idx),
        "first pension for the retirement month",
    )

    # contributions after retirement: retired last month, employer still paid this month
    n = w.count("pension.contributions_after_retirement")
    if n:
        idx, rdate, emp = fresh_new_retirees(w, n, month_start(P - 1), month_end(P - 1))
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
    idx, rdate, _ = fresh_new_retirees(w, 1, ps, pe)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), money(w, 1, 2500, 5000))
    w.near_miss(
        "pension.contributions_after_retirement",
        "person",
        w.people.id_text(idx),
        "contributions for the retirement month",
    )

    # back payments before retirement: >= 60 periods paid in the 12 months before retiring
    n = w.count("pension.back_payment_before_retirement")
    if n:
        k = np.where(np.arange(n) == 0, 60, rng.integers(60, 121, n))
        idx, rdate, _ = fresh_new_retirees(w, n, ps, pe)
        _back_payments(w, idx, k)
        pay(w, idx, "pension", "basic_pension", np.full(n, P), money(w, n, 2500, 5000))
        w.mark("pension.back_payment_before_retirement", "person", w.people.id_text(idx))
    idx, rdate, _ = fresh_new_retirees(w, 1, ps, pe)
    _back_payments(w, idx, np.array([59]))
    pay(w, idx, "pension", "basic_pension", np.full(1, P), money(w, 1, 2500, 5000))
    w.near_miss(
        "pension.back_payment_before_retirement", "person", w.people.id_text(idx), "59 periods"
    )

    # shared bank account: >= 3 pensioners paid into one account
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

    # benefit jump: > 20% against the previous month, no retirement in either month
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

    # centenarian: 100 on the last day of the target period (the first), or older
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


__all__ = ["RETIREE", "add_months", "background", "mn_of", "new_persons", "plant"]
