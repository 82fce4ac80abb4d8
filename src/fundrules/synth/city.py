"""The clean background city: persons, roles, employers, enrollments, contributions.

Every person gets one role; the insurance modules then derive their records from the
roles and life events fixed here (retirement, death, separation), which keeps every
record consistent and away from every indicator boundary.
"""

from __future__ import annotations

import numpy as np

from .common import (
    DISTRICTS,
    ELSEWHERE,
    INJURY_RATE_BP,
    INS5,
    OLD_COUNTY_CODES,
    RATES_BP,
    contribute,
    employ,
    enroll,
    expand,
    money,
    national,
    pct_of,
    random_base,
    td,
)
from .dates import (
    DAY,
    ONE_DAY,
    add_months,
    age_on,
    mn_of,
    random_dates,
    statutory_retirement_date,
)
from .insurances import MEDICAL, PENSION, UNEMPLOYMENT
from .part import Population
from .world import World

CHILD, NONWORK, WORKER, RETIREE, RES_PENS, UNEMP, DEAD_PAST, PRISON, MIGRANT_PENS, DISABLED = range(
    10
)
NAT = np.datetime64("NaT", "D")

# share of the population per decade of age (a Chinese city's pyramid, roughly)
_DECADES = np.array([0.08, 0.085, 0.11, 0.15, 0.14, 0.16, 0.14, 0.09, 0.04, 0.005])


def build_population(w: World) -> Population:
    """Persons with roles and life events (a few arrays per person, the whole city: the rows are
    made chunk by chunk later); registers them in the person store, and the employers."""
    n = w.n_persons
    rng = w.rng
    weights = _DECADES.copy()
    weights[5:] *= w.vol.elder_weight  # fewer (or more) persons of 50 and over
    dec = rng.choice(10, n, p=weights / weights.sum())
    age_years = np.minimum(dec * 10 + rng.random(n) * 10, 97.5)  # nobody near 100
    birth = w.pe - td(np.floor(age_years * 365.2425))
    male = rng.random(n) < 0.5
    cadre = ~male & (rng.random(n) < 0.2)
    home = rng.choice(DISTRICTS, n)
    region = home.copy()
    old = birth < np.datetime64("1985-01-01")
    u = rng.random(n)
    region = np.where(old & (u < 0.08), rng.choice(OLD_COUNTY_CODES, n), region)
    region = np.where((u > 0.9) & (u < 0.97), rng.choice(ELSEWHERE, n), region)
    idx = w.people.add(birth, male, region, home=home)

    ws, pe = w.ws, w.pe
    age_ws = age_on(birth, np.full(n, ws))
    stat = statutory_retirement_date(birth, male, cadre)
    role = np.full(n, NONWORK, np.int8)
    u = rng.random(n)
    child = age_ws < 16
    role[child] = CHILD
    past = (stat <= ws - td(32)) & ~child
    ge60 = age_ws >= 60
    role[past & (u < 0.64)] = RETIREE
    role[past & (u >= 0.64) & (u < 0.86) & ge60] = RES_PENS
    role[past & (u >= 0.86) & (u < 0.90) & ge60] = MIGRANT_PENS
    role[past & (u >= 0.90) & (u < 0.97)] = DEAD_PAST
    young = ~past & ~child
    role[young & (age_ws >= 18) & (u < 0.70)] = WORKER
    role[young & (age_ws >= 20) & (age_ws <= 55) & (u >= 0.70) & (u < 0.73)] = UNEMP
    role[young & (age_ws >= 20) & (u >= 0.73) & (u < 0.735)] = PRISON
    role[young & (u >= 0.735) & (u < 0.738)] = DEAD_PAST
    role[young & (age_ws >= 25) & (u >= 0.738) & (u < 0.742)] = DISABLED

    # deaths: long ago for DEAD_PAST; in the window for some pensioners
    death = np.full(n, NAT)
    dp = role == DEAD_PAST
    earliest = add_months(birth, 16 * 12)
    back = td(rng.integers(30, 3650, n))
    death[dp] = np.maximum(earliest, ws - back)[dp]
    pens = (role == RETIREE) | (role == RES_PENS)
    dies = pens & (rng.random(n) < 0.015)
    death[dies] = random_dates(rng, np.full(dies.sum(), ws), np.full(dies.sum(), pe))

    # retirement dates: past retirees always at least a month after the statutory date
    rdate = np.full(n, NAT)
    ret = role == RETIREE
    room = (ws - ONE_DAY - stat).astype(np.int64)
    off = 31 + np.floor(rng.random(n) * np.minimum(room - 31, 3650)).astype(np.int64)
    rdate[ret] = (stat + td(np.maximum(off, 31)))[ret]
    # some workers retire inside the window, again a month or more after the statutory date
    soon = (role == WORKER) & (stat > ws - td(32)) & (stat <= pe - td(31)) & (rng.random(n) < 0.6)
    lo = np.maximum(stat + td(31), ws)
    rdate[soon] = random_dates(rng, lo[soon], np.full(soon.sum(), pe))

    pop = Population(
        idx=idx,
        birth=birth,
        male=male,
        cadre=cadre,
        home=home,
        role=role,
        stat=stat,
        death=death,
        rdate=rdate,
        age_ws=age_ws,
    )
    w.ctx["pop"] = pop
    _employers(w, pop)
    return pop


def _employers(w: World, pop: Population) -> None:
    rng = w.rng
    n = w.n_persons
    n_emp = max(40, round(n * w.vol.employers_per_person))
    weight = np.exp(rng.normal(0, 1.6, n_emp))
    cum = np.cumsum(weight) / weight.sum()
    workers = np.flatnonzero(pop["role"] == WORKER)
    emp = np.full(n, -1, np.int64)
    emp[workers] = np.minimum(np.searchsorted(cum, rng.random(workers.size)), n_emp - 1)
    birth = pop["birth"]
    hire = np.full(n, NAT)
    h = w.ws - td(rng.integers(60, 7300, n))
    h = np.maximum(h, add_months(birth, 18 * 12))
    hire[workers] = h[workers]
    base = np.zeros(n, np.int64)
    base[workers] = random_base(w, workers.size)

    est = w.ws - td(rng.integers(400, 12000, n_emp))
    min_hire = np.full(n_emp, np.datetime64("2100-01-01"), DAY)
    np.minimum.at(min_hire, emp[workers], hire[workers])
    est = np.minimum(est, min_hire - td(rng.integers(1, 300, n_emp)))
    cnt = np.bincount(emp[workers], minlength=n_emp)
    tot = np.bincount(emp[workers], weights=base[workers], minlength=n_emp)
    avg = np.where(cnt > 0, np.round(tot / np.maximum(cnt, 1) / 100) * 100, 0).astype(np.int64)
    avg = np.where(cnt > 0, avg, random_base(w, n_emp))
    eidx = w.employers.add(rng.choice(DISTRICTS, n_emp), est, avg)
    assert eidx[0] == 0  # background employers are 0..n_emp-1
    w.ctx["injury_bp"] = rng.choice(INJURY_RATE_BP, n_emp)
    pop["employer"] = emp
    pop["hire"] = hire
    pop["base"] = base
    # insured at the end of the target period (workers not retiring in the window)
    staying = (pop["role"] == WORKER) & np.isnat(pop["rdate"])
    insured = np.bincount(emp[staying], minlength=n_emp)
    w.ctx["insured_pe"] = insured
    big = np.flatnonzero(insured >= 30)
    w.ctx["big_employers"] = big if big.size else np.argsort(insured)[-5:]


def workers_and_contributions(w: World, pop: Population) -> None:
    """Employment spells and monthly contributions of workers; some back payments."""
    rng = w.rng
    k, wk = pop.where(pop["role"] == WORKER)
    emp = pop["employer"][k]
    hire = pop["hire"][k]
    rd = pop["rdate"][k]
    employ(w, wk, emp, hire, rd)
    # the window's retirees keep medical cover as retirees
    r = ~np.isnat(rd) & (rd < w.pe)
    enroll(w, wk[r], MEDICAL, "employee", rd[r] + ONE_DAY)
    hi = np.where(np.isnat(rd), w.P, mn_of(rd))
    contribute(w, wk, emp, pop["base"][k], np.full(wk.size, w.months[0]), hi)

    # back payments (补缴): a few periods, paid in the window, self-paid
    sel = rng.random(wk.size) < 0.03
    bp, bpos = wk[sel], k[sel]
    nper = rng.integers(1, 25, bp.size)
    first = rng.integers(1998 * 12, 2016 * 12, bp.size)
    owner, periods = expand(first, first + nper - 1)
    p = bp[owner]
    rdp = pop["rdate"][bpos[owner]]
    last = np.where(np.isnat(rdp), w.pe, np.minimum(rdp, w.pe))
    paid = random_dates(rng, np.full(p.size, w.ws), last)
    base_old = (rng.integers(1500, 4000, bp.size) * 100)[owner]
    w.emit(
        "contributions",
        person_id=p,
        employer_id=np.full(p.size, -1),
        insurance=PENSION,
        period=periods,
        base=base_old,
        employer_amount=0,
        person_amount=pct_of(base_old, 2000),
        paid_date=paid,
        back_payment=True,
    )


def other_enrollments(w: World, pop: Population) -> None:
    """Resident and retiree cover for everyone who is not a worker."""
    rng = w.rng
    role = pop["role"]
    birth = pop["birth"]
    start_res = np.maximum(birth, np.datetime64("2010-01-01"))
    res = np.isin(role, [CHILD, NONWORK, RES_PENS, PRISON, MIGRANT_PENS, DISABLED])
    k, i = pop.where(res)
    enroll(w, i, MEDICAL, "resident", start_res[k])
    # resident pension: adults without an employee pension
    k, i = pop.where(np.isin(role, [NONWORK, RES_PENS]) & (pop["age_ws"] >= 16))
    st = np.maximum(add_months(birth[k], 16 * 12), np.datetime64("2011-07-01"))
    enroll(w, i, PENSION, "resident", st)
    # retirees: the employee pension spell closed at retirement; retiree medical cover
    k, i = pop.where(role == RETIREE)
    rd = pop["rdate"][k]
    years = rng.integers(10, 36, i.size)
    st = np.maximum(add_months(rd, -12 * years), add_months(birth[k], 18 * 12))
    enroll(w, i, PENSION, "employee", st, rd)
    enroll(w, i, MEDICAL, "employee", rd + ONE_DAY, pop["death"][k])
    # past deaths: a closed resident spell
    k, i = pop.where(role == DEAD_PAST)
    enroll(w, i, MEDICAL, "resident", np.minimum(start_res[k], pop["death"][k]), pop["death"][k])


def deaths_and_prison(w: World, pop: Population) -> None:
    rng = w.rng
    k, i = pop.where(~np.isnat(pop["death"]))
    src = rng.choice(3, i.size, p=[0.6, 0.25, 0.15])
    from .world import Coded

    w.emit(
        "deaths",
        person_id=i,
        death_date=pop["death"][k],
        source=Coded(src, ["civil_affairs", "public_security", "cremation"]),
    )
    # prison spells of PRISON persons: none of them is paid or treated in the window
    _, i = pop.where(pop["role"] == PRISON)
    start = w.ws - td(rng.integers(30, 1800, i.size))
    kind = rng.random(i.size)
    end = np.full(i.size, np.datetime64("NaT"), DAY)
    ended_before = kind < 0.3
    end[ended_before] = random_dates(
        rng, start[ended_before] + td(30), np.full(ended_before.sum(), w.ws - ONE_DAY)
    )
    in_window = (kind >= 0.3) & (kind < 0.5)
    end[in_window] = random_dates(
        rng, np.full(in_window.sum(), w.ws), np.full(in_window.sum(), w.pe)
    )
    end = np.where(~np.isnat(end) & (end < start), start + td(30), end)
    w.emit("incarcerations", person_id=i, start_date=start, end_date=end)
    # an older, closed spell for some of them
    j = rng.random(i.size) < 0.1
    s2 = start[j] - td(rng.integers(800, 2500, j.sum()))
    w.emit(
        "incarcerations",
        person_id=i[j],
        start_date=s2,
        end_date=s2 + td(rng.integers(60, 500, j.sum())),
    )


def national_benefits(w: World, pop: Population) -> None:
    """Benefits other regions pay to people living here (the national platform): pensions of
    migrants, and a few unemployment allowances."""
    rng = w.rng
    role = pop["role"]
    _, i = pop.where(role == MIGRANT_PENS)
    national(w, i, PENSION, np.where(rng.random(i.size) < 0.8, 0, 1), money(w, i.size, 2000, 5000))
    _, i = pop.where((role == NONWORK) & (pop["age_ws"] >= 22) & (pop["age_ws"] <= 50))
    i = i[rng.random(i.size) < 0.01]
    national(w, i, UNEMPLOYMENT, np.full(i.size, 2), money(w, i.size, 1500, 2500))


def rows_of(w: World, pop: Population) -> None:
    """The core tables' rows of one chunk of the population."""
    workers_and_contributions(w, pop)
    other_enrollments(w, pop)
    deaths_and_prison(w, pop)
    national_benefits(w, pop)


__all__ = [
    "CHILD",
    "DEAD_PAST",
    "DISABLED",
    "INS5",
    "MIGRANT_PENS",
    "NONWORK",
    "PRISON",
    "RATES_BP",
    "RES_PENS",
    "RETIREE",
    "UNEMP",
    "WORKER",
]
