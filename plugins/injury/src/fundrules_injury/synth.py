"""The injury plugin's part of the synthetic city: cases, injury benefits, one plant per
injury.* indicator.

Background cases: recent accidents of long-insured workers (medical payments after
recognition, a one-time subsidy at or below the statutory months of wage), older
grade 1-4 cases drawing the fund's disability allowance, and closed historic cases.
Every person has one case, so repeated accidents only come from plants.
"""

from __future__ import annotations

import numpy as np

from fundrules.synth.api import (
    DAY,
    DISABLED,
    INT_NULL,
    NAT,
    ONE_DAY,
    WORKER,
    AutoId,
    Plant,
    Population,
    SynthPart,
    World,
    add_months,
    enroll,
    expand,
    hire_fresh_workers,
    mn_of,
    money,
    month_end,
    month_start,
    new_persons,
    pay,
    pay_range,
    random_base,
    random_dates,
    resident_medical,
    td,
)

DISABILITY_MONTHS = np.array([0, 27, 25, 23, 21, 18, 16, 13, 11, 9, 7], dtype=np.int64)
ALLOWANCE_PCT = np.array([0, 90, 85, 80, 75], dtype=np.int64)


def case_rows(
    w: World,
    idx: np.ndarray,
    employer: np.ndarray,
    accident: np.ndarray,
    application: np.ndarray,
    recognition: np.ndarray,
    grade: np.ndarray | None = None,
) -> None:
    n = len(idx)
    w.emit(
        "injury_cases",
        person_id=np.asarray(idx),
        employer_id=np.asarray(employer),
        accident_date=np.asarray(accident, DAY),
        application_date=np.asarray(application, DAY),
        recognition_date=np.asarray(recognition, DAY),
        disability_grade=np.full(n, INT_NULL) if grade is None else np.asarray(grade, np.int64),
    )


def one_time_limit(grade: np.ndarray, base: np.ndarray) -> np.ndarray:
    return DISABILITY_MONTHS[np.asarray(grade)] * np.asarray(base, np.int64)


def background(w: World, pop: Population) -> None:
    """Recent and historic cases of some long-insured workers, the disabled's allowances. Sets
    the chunk's ``injured`` fact (for parts that run after this one: medical visits)."""
    rng = w.rng
    P = w.P
    cand = np.flatnonzero(
        (pop["role"] == WORKER) & np.isnat(pop["rdate"]) & (pop["hire"] <= w.ws - td(60))
    )
    n_rec = max(8, round(cand.size * 0.002))
    n_hist = max(4, round(cand.size * 0.004))
    pick = rng.choice(cand, min(n_rec + n_hist, cand.size), replace=False)
    rk, hk = pick[:n_rec], pick[n_rec:]  # positions in the chunk
    rec, hist = pop["idx"][rk], pop["idx"][hk]
    injured = np.zeros(pop.size, bool)
    injured[pick] = True
    pop["injured"] = injured

    # recent accidents in the window
    acc = random_dates(rng, np.full(rec.size, w.ws), np.full(rec.size, w.pe - td(5)))
    app = acc + td(rng.integers(3, 60, rec.size))
    recog = app + td(rng.integers(10, 45, rec.size))
    recog = np.where(recog > w.pe, NAT, recog)
    app = np.minimum(app, w.pe)
    graded = (
        (mn_of(acc) == P - 3)
        & ~np.isnat(recog)
        & (recog <= w.pe - td(10))
        & (rng.random(rec.size) < 0.5)
    )
    grade = np.where(graded, rng.integers(5, 11, rec.size), INT_NULL)
    case_rows(w, rec, pop["employer"][rk], acc, app, recog, grade)
    done = ~np.isnat(recog)
    i = rec[done]
    pay_range_random(w, i, mn_of(recog[done]), np.full(i.size, P))
    g = np.flatnonzero(graded)
    limit = one_time_limit(grade[g], pop["base"][rk[g]])
    amount = np.floor(limit * rng.uniform(0.9, 1.0, g.size)).astype(np.int64)
    pay(w, rec[g], "injury", "one_time_disability", np.full(g.size, P), amount)

    # historic, closed cases
    acc = w.ws - td(rng.integers(400, 1800, hist.size))
    app = acc + td(rng.integers(3, 90, hist.size))
    recog = app + td(rng.integers(10, 60, hist.size))
    grade = np.where(rng.random(hist.size) < 0.3, rng.integers(7, 11, hist.size), INT_NULL)
    case_rows(w, hist, pop["employer"][hk], acc, app, recog, grade)

    # grade 1-4: the fund pays a monthly disability allowance
    dk, d = pop.where(pop["role"] == DISABLED)
    _disabled(w, d, pop["birth"][dk])
    if d.size < 3:  # small cities: someone is paid every month
        j = new_persons(w, 3 - d.size, 35, 58)
        resident_medical(w, j)
        _disabled(w, j, w.people.arrays()["birth"][j])


def pay_range_random(w: World, idx: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """Monthly injury-medical payments of varying amounts."""
    lo = np.maximum(lo, w.months[0])
    owner, months = expand(lo, np.minimum(hi, w.P))
    pay(w, idx[owner], "injury", "injury_medical", months, money(w, owner.size, 300, 6000))


def _disabled(
    w: World,
    idx: np.ndarray,
    birth: np.ndarray,
    grade: np.ndarray | None = None,
    m_hi: int | None = None,
) -> np.ndarray:
    """Old grade 1-4 (or given) cases paid a monthly allowance over the window."""
    rng = w.rng
    n = idx.size
    acc = w.ws - td(rng.integers(730, 5000, n))
    acc = np.maximum(acc, add_months(birth, 19 * 12))
    hire = acc - td(rng.integers(200, 3000, n))
    emp = rng.integers(0, w.ctx["insured_pe"].size, n)
    enroll(
        w,
        idx,
        "injury",
        "employee",
        hire,
        np.minimum(acc + td(rng.integers(365, 900, n)), w.ws - ONE_DAY),
        emp,
    )
    app = acc + td(rng.integers(5, 90, n))
    recog = app + td(rng.integers(10, 60, n))
    if grade is None:
        grade = rng.integers(1, 5, n)
    case_rows(w, idx, emp, acc, app, recog, grade)
    base_old = random_base(w, n)
    grade = np.asarray(grade, np.int64)
    pct = np.where((grade >= 1) & (grade <= 4), ALLOWANCE_PCT[np.clip(grade, 0, 4)], 60)
    amount = (base_old * pct + 50) // 100
    pay_range(
        w,
        idx,
        "injury",
        "disability_allowance",
        np.full(n, w.months[0]),
        np.full(n, w.P if m_hi is None else m_hi),
        amount,
    )
    return amount


def fresh_injured(
    w: World,
    n: int,
    accident: np.ndarray,
    enroll_start: np.ndarray | None = None,
    recognized: bool = True,
    grade: np.ndarray | None = None,
    app_days: np.ndarray | None = None,
    months_hi: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Workers with one accident; returns (idx, employer, base, recognition date)."""
    rng = w.rng
    idx = new_persons(w, n, 25, 55)
    accident = np.asarray(accident, DAY)
    if enroll_start is None:
        enroll_start = accident - td(rng.integers(400, 3000, n))
    emp, base = hire_fresh_workers(w, idx, start=enroll_start, months_hi=months_hi)
    app = accident + (td(rng.integers(2, 20, n)) if app_days is None else td(app_days))
    app = np.minimum(app, w.pe)
    recog = np.minimum(app + td(rng.integers(5, 20, n)), w.pe) if recognized else np.full(n, NAT)
    case_rows(w, idx, emp, accident, app, recog, grade)
    return idx, emp, base, recog


def insured_after_accident(w: World) -> None:
    P = w.P
    rng = w.rng
    ids = w.people.id_text
    code = "injury.insured_after_accident"
    n = w.count(code)
    if n:
        acc = month_start(P - 1) + td(rng.integers(0, 20, n))
        start = acc + td(np.where(np.arange(n) == 0, 0, rng.integers(1, 10, n)))
        idx, *_ = fresh_injured(w, n, acc, enroll_start=start)
        pay(w, idx, "injury", "injury_medical", np.full(n, P), money(w, n, 500, 5000))
        w.mark(code, "person", ids(idx))
    acc = month_start(P - 1) + td(np.array([5]))
    idx, *_ = fresh_injured(w, 1, acc, enroll_start=acc - ONE_DAY)
    pay(w, idx, "injury", "injury_medical", np.full(1, P), money(w, 1, 500, 5000))
    w.near_miss(code, "person", ids(idx), "insured the day before the accident")


def late_application(w: World) -> None:
    rng = w.rng
    ps = w.ps
    ids = w.people.id_text
    code = "injury.late_application"
    n = w.count(code)
    if n:
        app = ps + td(rng.integers(0, 10, n))
        late = np.where(np.arange(n) == 0, 366, rng.integers(367, 900, n))
        idx, *_ = fresh_injured(w, n, app - td(late), app_days=late)
        w.mark(code, "person", ids(idx))
    app = np.array([ps + td(4)])
    idx, *_ = fresh_injured(w, 1, app - td(365), app_days=np.array([365]))
    w.near_miss(code, "person", ids(idx), "applied 365 days after the accident")


def disability_benefit_mismatch(w: World) -> None:
    P = w.P
    rng = w.rng
    ids = w.people.id_text
    code = "injury.disability_benefit_mismatch"
    n = w.count(code)
    if n:
        k = (n + 1) // 2
        acc = month_start(P - 3) + td(rng.integers(0, 15, k))
        grade = rng.integers(5, 11, k)
        idx, _, base, _ = fresh_injured(w, k, acc, grade=grade)
        limit = one_time_limit(grade, base)
        over = limit * 101 // 100 + 1  # one fen beyond the 1% tolerance
        amt = np.where(np.arange(k) == 0, over, (limit * rng.uniform(1.1, 1.6, k)).astype(np.int64))
        pay(w, idx, "injury", "one_time_disability", np.full(k, P), amt)
        j = new_persons(w, n - k, 30, 58)
        resident_medical(w, j)
        g = np.where(rng.random(n - k) < 0.7, rng.integers(5, 11, n - k), INT_NULL)
        _disabled(w, j, w.people.arrays()["birth"][j], grade=g)
        w.mark(code, "person", ids(np.concatenate([idx, j])))
    acc = month_start(P - 3) + td(np.array([3]))
    grade = np.array([7])
    idx, _, base, _ = fresh_injured(w, 1, acc, grade=grade)
    limit = one_time_limit(grade, base)
    pay(w, idx, "injury", "one_time_disability", np.full(1, P), limit * 101 // 100)
    w.near_miss(code, "person", ids(idx), "one-time subsidy at the 1% tolerance")


def paid_after_death(w: World) -> None:
    P = w.P
    rng = w.rng
    ps = w.ps
    ids = w.people.id_text
    code = "injury.paid_after_death"
    n = w.count(code)
    if n:
        idx = new_persons(w, n, 35, 58)
        resident_medical(w, idx)
        _disabled(w, idx, w.people.arrays()["birth"][idx])
        d = random_dates(rng, np.full(n, month_start(P - 1)), np.full(n, month_end(P - 1)))
        w.emit("deaths", person_id=idx, death_date=d, source="civil_affairs")
        w.mark(code, "person", ids(idx))
    # near misses: the death grant after a fatal accident; allowance for the month of death
    acc = np.array([month_start(P - 1) + td(6)])
    idx, *_ = fresh_injured(w, 1, acc, months_hi=P - 1)
    w.emit("deaths", person_id=idx, death_date=acc, source="public_security")
    pay(w, idx, "injury", "injury_death_grant", np.full(1, P), np.array([99_000_00]))
    w.near_miss(code, "person", ids(idx), "death grant after a fatal accident")
    idx = new_persons(w, 1, 35, 58)
    resident_medical(w, idx)
    _disabled(w, idx, w.people.arrays()["birth"][idx])
    w.emit("deaths", person_id=idx, death_date=np.array([ps + td(3)]), source="civil_affairs")
    w.near_miss(code, "person", ids(idx), "allowance for the month of death")


def repeat_accidents(w: World) -> None:
    rng = w.rng
    ps = w.ps
    ids = w.people.id_text
    code = "injury.repeat_accidents"
    n = w.count(code)
    if n:
        acc = ps + td(rng.integers(0, 28, n))
        prev = np.where(np.arange(n) == 0, add_months(acc, -12), acc - td(rng.integers(20, 330, n)))
        idx, emp, *_ = fresh_injured(
            w, n, acc, enroll_start=prev - td(rng.integers(400, 2000, n)), recognized=False
        )
        case_rows(w, idx, emp, prev, prev + td(7), prev + td(30))
        w.mark(code, "person", ids(idx))
    acc = np.array([ps + td(9)])
    prev = add_months(acc, -12) - ONE_DAY
    idx, emp, *_ = fresh_injured(w, 1, acc, enroll_start=prev - td(900), recognized=False)
    case_rows(w, idx, emp, prev, prev + td(7), prev + td(30))
    w.near_miss(code, "person", ids(idx), "previous accident 12 months and a day before")


def double_claim_with_medical(w: World) -> None:
    """Injury-coded medical visits paid by the medical fund while the injury fund pays the same
    injury (needs the medical plugin's visits: without it the indicator cannot run either)."""
    if "medical.outpatient_visits" not in w.services:
        return
    visits = w.service("medical.outpatient_visits")
    P = w.P
    rng = w.rng
    ps = w.ps
    ids = w.people.id_text
    code = "injury.double_claim_with_medical"
    n = w.count(code)
    if n:
        acc = month_start(P - 2) + td(rng.integers(0, 10, n))
        idx, *_ = fresh_injured(w, n, acc)
        pay(w, idx, "injury", "injury_medical", np.full(n, P), money(w, n, 500, 5000))
        dx = rng.choice(["S62.3", "T14.1", "S52.5"], n)
        visits(w, idx, ps + td(rng.integers(0, 28, n)), dx)
        w.mark(code, "person", ids(idx))
    acc = np.array([month_start(P - 2) + td(3)])
    idx, *_ = fresh_injured(w, 1, acc)
    pay(w, idx, "injury", "injury_medical", np.full(1, P), np.array([250000]))
    visits(w, idx, np.array([month_start(P - 1) + td(4)]), np.array(["S62.3"]))
    w.near_miss(code, "person", ids(idx), "injury-coded visit in the month before the payment")


PLANTS: dict[str, Plant] = {
    "injury.insured_after_accident": insured_after_accident,
    "injury.late_application": late_application,
    "injury.disability_benefit_mismatch": disability_benefit_mismatch,
    "injury.paid_after_death": paid_after_death,
    "injury.repeat_accidents": repeat_accidents,
    "injury.double_claim_with_medical": double_claim_with_medical,
}

PART = SynthPart(
    name="injury",
    background=background,
    plants=PLANTS,
    auto_ids={"injury_cases": AutoId("case_id", "IC", 10)},
    shuffled=("injury_cases",),
)
