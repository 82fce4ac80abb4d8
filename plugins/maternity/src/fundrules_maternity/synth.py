"""The maternity plugin's part of the synthetic city: claims, allowances, maternity medical
payments, one plant per maternity.* indicator.

Background claims: women workers aged 22-42, insured at their employer for more than a
year, allowance days at exactly the statutory maximum and amounts at the formula; an
employer has at most one claim in 15 months unless it insures more than 20 persons,
and then claims stay under a fifth of them.
"""

from __future__ import annotations

import numpy as np

from fundrules.synth.api import (
    DAY,
    DISTRICTS,
    INT_NULL,
    ONE_DAY,
    WORKER,
    AutoId,
    Coded,
    Plant,
    Population,
    SynthPart,
    World,
    add_months,
    age_on,
    hire_fresh_workers,
    mn_of,
    money,
    month_start,
    new_persons,
    pay,
    random_base,
    random_dates,
    rank_within,
    ranks,
    td,
)

EVENTS = ["birth", "miscarriage_early", "miscarriage_late", "other"]
EXTENSION = 60


def max_days(event_type: np.ndarray, babies: np.ndarray, dystocia: np.ndarray) -> np.ndarray:
    b = np.where(np.asarray(babies) > 0, babies, 1)
    birth = 98 + 15 * np.asarray(dystocia, np.int64) + 15 * (b - 1) + EXTENSION
    return np.select([event_type == 0, event_type == 1, event_type == 2], [birth, 15, 42], 30)


def formula(wage: np.ndarray, days: np.ndarray) -> np.ndarray:
    """employer_avg_wage / 30 x days, rounded half up to the fen."""
    return (np.asarray(wage, np.int64) * days + 15) // 30


def claim_rows(
    w: World,
    idx: np.ndarray,
    employer: np.ndarray,
    event_type: np.ndarray,
    event: np.ndarray,
    babies: np.ndarray,
    dystocia: np.ndarray,
    days: np.ndarray,
    amount: np.ndarray,
    wage: np.ndarray,
    cm: np.ndarray,
    pay_in_window: bool = True,
) -> None:
    n = len(idx)
    w.emit(
        "maternity_claims",
        person_id=np.asarray(idx),
        employer_id=np.asarray(employer),
        event_type=Coded(np.asarray(event_type), EVENTS),
        event_date=np.asarray(event, DAY),
        babies=np.asarray(babies, np.int64),
        dystocia=np.asarray(dystocia, bool),
        allowance_days=np.asarray(days, np.int64),
        allowance_amount=np.asarray(amount, np.int64),
        employer_avg_wage=np.asarray(wage, np.int64),
        contribution_months=np.broadcast_to(np.asarray(cm, np.int64), (n,)),
    )
    if not pay_in_window:
        return
    m = mn_of(event)
    inw = (m >= w.months[0]) & (m <= w.P)
    i = np.flatnonzero(inw)
    pay(w, np.asarray(idx)[i], "maternity", "maternity_allowance", m[i], np.asarray(amount)[i])
    med = np.where(
        np.asarray(event_type)[i] == 0, money(w, i.size, 3000, 6000), money(w, i.size, 500, 1500)
    )
    pay(w, np.asarray(idx)[i], "maternity", "maternity_medical", m[i], med)


def _types(w: World, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = w.rng
    et = rng.choice(4, n, p=[0.9, 0.04, 0.03, 0.03])
    twins = (et == 0) & (rng.random(n) < 0.05)
    babies = np.where(
        et == 0, np.where(twins, 2, np.where(rng.random(n) < 0.3, INT_NULL, 1)), INT_NULL
    )
    dyst = (et == 0) & (rng.random(n) < 0.15)
    return et, babies, dyst


def background(w: World, pop: Population) -> None:
    """Claims of some women workers; an employer's recent claims stay under the concentration
    limit across chunks (the counts so far are kept on the world)."""
    rng = w.rng
    pe = w.pe
    k = np.flatnonzero((pop["role"] == WORKER) & ~pop["male"] & np.isnat(pop["rdate"]))
    k = k[rng.random(k.size) < 0.06]
    event = random_dates(rng, np.full(k.size, pe - td(730)), np.full(k.size, pe))
    age = age_on(pop["birth"][k], event)
    ok = (age >= 22) & (age <= 42) & (pop["hire"][k] <= add_months(event, -13))
    k, event = k[ok], event[ok]
    emp = pop["employer"][k]
    insured_all = w.ctx["insured_pe"]
    used = w.ctx.setdefault("maternity_recent_claims", np.zeros(insured_all.size, np.int64))
    insured = insured_all[emp]
    allowed = np.where(insured > 20, insured // 5, 1) - used[emp]
    recent = event > pe - td(456)  # more than the 12 months the rule looks at
    rk = rank_within(np.where(recent, emp, -1), rng.random(k.size))
    keep = ~recent | (rk < allowed)
    np.add.at(used, emp[keep & recent], 1)
    k, event, emp = k[keep], event[keep], emp[keep]
    f = pop["idx"][k]
    n = f.size
    et, babies, dyst = _types(w, n)
    days = max_days(et, babies, dyst)
    wage = w.employers.arrays()["avg_wage"][emp]
    cm = rng.integers(13, 181, n)
    claim_rows(w, f, emp, et, event, babies, dyst, days, formula(wage, days), wage, cm)
    # small cities: a few births every month, so the fund pays something each month
    em = mn_of(event)
    for m in w.months:
        short = 2 - int(np.count_nonzero(em == m))
        if short > 0:
            fresh_claims(w, short, month_start(m) + td(rng.integers(0, 25, short)))


def fresh_claims(
    w: World,
    n: int,
    event: np.ndarray,
    male: bool | np.ndarray = False,
    birth: np.ndarray | None = None,
    event_type: np.ndarray | int = 0,
    babies: np.ndarray | int = 1,
    dystocia: np.ndarray | bool = False,
    days: np.ndarray | None = None,
    amount: np.ndarray | None = None,
    cm: np.ndarray | int = 36,
    employer: np.ndarray | None = None,
    enroll_start: np.ndarray | None = None,
    idx: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Claimants with their own long-established one-person employer unless one is given."""
    rng = w.rng
    event = np.asarray(event, DAY)
    et = np.broadcast_to(np.asarray(event_type), (n,))
    babies = np.broadcast_to(np.asarray(babies, np.int64), (n,))
    dystocia = np.broadcast_to(np.asarray(dystocia, bool), (n,))
    if idx is None:
        if birth is None:
            birth = add_months(event, -12 * rng.integers(24, 38, n) - rng.integers(0, 12, n))
            birth = np.where(
                (birth - birth.astype("datetime64[M]").astype(DAY)).astype(int) > 26,
                birth - td(4),
                birth,
            )
        idx = new_persons(w, n, male=male, birth=birth)
        if employer is None:
            employer = new_employers(w, n)
        if enroll_start is None:
            enroll_start = add_months(event, -rng.integers(14, 60, n))
        hire_fresh_workers(w, idx, employer=employer, start=enroll_start)
    d = max_days(et, babies, dystocia) if days is None else np.asarray(days)
    wage = w.employers.arrays()["avg_wage"][employer]
    amt = formula(wage, d) if amount is None else np.asarray(amount)
    claim_rows(w, idx, employer, et, event, babies, dystocia, d, amt, wage, cm)
    return idx, employer


def new_employers(w: World, n: int, established: np.ndarray | None = None) -> np.ndarray:
    if established is None:
        established = w.ws - td(w.rng.integers(1500, 6000, n))
    return w.employers.add(w.rng.choice(DISTRICTS, n), established, random_base(w, n))


def coworkers(
    w: World, employer: np.ndarray, k: np.ndarray, start: np.ndarray | None = None
) -> None:
    """k extra insured workers at each employer (long enrolled unless a start is given)."""
    owner = np.repeat(np.arange(len(employer)), k)
    if owner.size == 0:
        return
    idx = new_persons(w, owner.size, 22, 55)
    st = None if start is None else np.asarray(start)[owner]
    hire_fresh_workers(w, idx, employer=np.asarray(employer)[owner], start=st)


def in_p(w: World, n: int) -> np.ndarray:
    """Dates in the target period."""
    return w.ps + td(w.rng.integers(0, 25, n))


def male_claimant(w: World) -> None:
    ids = w.people.id_text

    code = "maternity.male_claimant"
    n = w.count(code)
    if n:
        idx, _ = fresh_claims(w, n, in_p(w, n), male=True)
        w.mark(code, "person", ids(idx))


def insufficient_contribution(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text

    code = "maternity.insufficient_contribution"
    n = w.count(code)
    if n:
        cm = np.where(np.arange(n) == 0, 11, rng.integers(1, 12, n))
        idx, _ = fresh_claims(w, n, in_p(w, n), cm=cm)
        w.mark(code, "person", ids(idx))
    idx, _ = fresh_claims(w, 1, in_p(w, 1), cm=12)
    w.near_miss(code, "person", ids(idx), "exactly 12 contribution months")


def births_too_close(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text

    code = "maternity.births_too_close"
    n = w.count(code)
    if n:
        ev = in_p(w, n)
        gap = np.where(np.arange(n) == 0, 179, rng.integers(60, 179, n))
        emp = new_employers(w, n)
        coworkers(w, emp, np.full(n, 9))
        idx, _ = fresh_claims(w, n, ev, employer=emp, enroll_start=add_months(ev, -40))
        fresh_claims(w, n, ev - td(gap), employer=emp, idx=idx)
        w.mark(code, "person", ids(idx))
    ev = in_p(w, 1)
    emp = new_employers(w, 1)
    coworkers(w, emp, np.array([9]))
    idx, _ = fresh_claims(w, 1, ev, employer=emp, enroll_start=add_months(ev, -40))
    fresh_claims(w, 1, ev - td(180), employer=emp, idx=idx)
    w.near_miss(code, "person", ids(idx), "births 180 days apart")


def allowance_above_formula(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text

    code = "maternity.allowance_above_formula"
    n = w.count(code)
    if n:
        emp = new_employers(w, n)
        wage = w.employers.arrays()["avg_wage"][emp]
        d = max_days(np.zeros(n, int), np.ones(n, int), np.zeros(n, bool))
        tol = wage * d * 101 // 3000
        amt = np.where(
            np.arange(n) == 0,
            tol + 1,
            (formula(wage, d) * rng.uniform(1.05, 1.5, n)).astype(np.int64),
        )
        idx, _ = fresh_claims(w, n, in_p(w, n), employer=emp, amount=amt)
        w.mark(code, "person", ids(idx))
    emp = new_employers(w, 1)
    wage = w.employers.arrays()["avg_wage"][emp]
    idx, _ = fresh_claims(w, 1, in_p(w, 1), employer=emp, amount=wage * 158 * 101 // 3000)
    w.near_miss(code, "person", ids(idx), "amount at the 1% tolerance")


def allowance_days_excess(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text

    code = "maternity.allowance_days_excess"
    n = w.count(code)
    if n:
        birth_kind = np.arange(n) % 2 == 0
        et = np.where(birth_kind, 0, 1)
        over = np.where(np.arange(n) == 0, 1, rng.integers(5, 60, n))
        d = np.where(birth_kind, 98 + EXTENSION, 15) + over
        idx, _ = fresh_claims(
            w, n, in_p(w, n), event_type=et, babies=np.where(birth_kind, 1, INT_NULL), days=d
        )
        w.mark(code, "person", ids(idx))
    idx, _ = fresh_claims(w, 1, in_p(w, 1), babies=2, dystocia=True)
    w.near_miss(code, "person", ids(idx), "twins with dystocia: 188 days, the maximum")


def employer_claim_concentration(w: World) -> None:
    code = "maternity.employer_claim_concentration"
    n = w.count(code)
    if n:
        shapes = np.array([(2, 4), (3, 10), (5, 20)])[np.arange(n) % 3]
        _concentration(w, shapes, mark=True)
    _concentration(w, np.array([(2, 7), (4, 20), (5, 21)]), mark=False)


def implausible_age(w: World) -> None:
    ids = w.people.id_text

    code = "maternity.implausible_age"
    n = w.count(code)
    if n:
        ev = in_p(w, n)
        old = np.arange(n) % 2 == 0
        birth = np.where(old, add_months(ev, -56 * 12), add_months(ev, -16 * 12) + ONE_DAY)
        birth[old & (np.arange(n) > 1)] -= td(200)
        idx, _ = fresh_claims(w, n, ev, birth=birth, enroll_start=add_months(ev, -13))
        w.mark(code, "person", ids(idx))
    ev = in_p(w, 2)
    birth = np.array([add_months(ev[:1] + ONE_DAY, -56 * 12)[0], add_months(ev[1:], -16 * 12)[0]])
    idx, _ = fresh_claims(w, 2, ev, birth=birth, enroll_start=add_months(ev, -14))
    w.near_miss(code, "person", ids(idx), "aged 55 (56 the next day) / 16 on the day")


def sham_employment(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text

    code = "maternity.sham_employment"
    n = w.count(code)
    if n:
        ev = in_p(w, n)
        young = np.arange(n) % 2 == 1  # founded 11 months before the event
        est = np.where(young, add_months(ev, -11), w.ws - td(3000))
        emp = new_employers(w, n, est)
        start = np.where(
            np.arange(n) == 0,
            add_months(ev, -10) + ONE_DAY,
            add_months(ev, -rng.integers(3, 10, n)),
        )
        start = np.where(young, add_months(ev, -6), start)
        co_start = np.where(young, est + td(5), w.ws - td(3000))
        coworkers(w, emp, np.where(young, 4, 2), start=co_start)
        idx, _ = fresh_claims(w, n, ev, employer=emp, enroll_start=start, cm=24)
        w.mark(code, "person", ids(idx))
    ev = in_p(w, 2)
    emp = new_employers(w, 2)
    coworkers(w, emp, np.array([2, 3]))
    start = np.array([add_months(ev[:1], -10)[0], add_months(ev[1:], -5)[0]])
    idx, _ = fresh_claims(w, 2, ev, employer=emp, enroll_start=start, cm=24)
    w.near_miss(
        code,
        "person",
        ids(idx),
        "enrolled exactly 10 months before (3 insured) / 5 months with 4 insured",
    )


def _concentration(w: World, shapes: np.ndarray, mark: bool) -> None:
    """Employers with (claims, insured): one claim event in the target period, the rest
    earlier within the 12 months ending on its last day."""
    rng = w.rng
    P = w.P
    k = shapes[:, 0]
    emp = new_employers(w, len(shapes))
    coworkers(w, emp, shapes[:, 1] - k)
    owner = np.repeat(np.arange(len(shapes)), k)
    r = ranks(k)
    m = np.where(r == 0, P, P - 1 - (r - 1) * 2)
    ev = month_start(m) + td(rng.integers(1, 25, owner.size))
    fresh_claims(w, owner.size, ev, employer=emp[owner])
    code = "maternity.employer_claim_concentration"
    subj = w.employers.id_text(emp)
    if mark:
        w.mark(code, "employer", subj)
    else:
        w.near_miss(code, "employer", subj, "; ".join(f"{a} claims/{b} insured" for a, b in shapes))


PLANTS: dict[str, Plant] = {
    "maternity.male_claimant": male_claimant,
    "maternity.insufficient_contribution": insufficient_contribution,
    "maternity.births_too_close": births_too_close,
    "maternity.allowance_above_formula": allowance_above_formula,
    "maternity.allowance_days_excess": allowance_days_excess,
    "maternity.employer_claim_concentration": employer_claim_concentration,
    "maternity.implausible_age": implausible_age,
    "maternity.sham_employment": sham_employment,
}

PART = SynthPart(
    name="maternity",
    background=background,
    plants=PLANTS,
    auto_ids={"maternity_claims": AutoId("claim_id", "MC", 10)},
    shuffled=("maternity_claims",),
    rates={"maternity.employer_claim_concentration": 3e-5},
)
