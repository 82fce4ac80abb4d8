"""The unemployment plugin's part of the synthetic city: claims, allowances, fund-paid medical
premiums, and one plant per unemployment.* indicator."""

from __future__ import annotations

import numpy as np

from fundrules.synth.api import (
    NAT,
    ONE_DAY,
    UNEMP,
    AutoId,
    Coded,
    Plant,
    Population,
    SynthPart,
    World,
    contribute,
    employ,
    enroll,
    expand,
    hire_fresh_workers,
    host_employers,
    mn_of,
    money,
    month_end,
    month_start,
    national,
    new_persons,
    pay,
    pay_range,
    random_base,
    random_dates,
    td,
)

UNEMPLOYMENT_CAP_FEN = 232_000
REASONS = ["involuntary", "voluntary", "other"]
MEDICAL_PREMIUM_BASE = 430_000  # fen; the unemployment fund pays 12% of it


def statutory_months(cm: np.ndarray) -> np.ndarray:
    return np.where(cm < 12, 0, np.where(cm < 60, 12, np.where(cm < 120, 18, 24)))


def claim(
    w: World,
    idx: np.ndarray,
    sep: np.ndarray,
    first: np.ndarray,
    cm: np.ndarray,
    entitled: np.ndarray,
    reason: np.ndarray | int = 0,
) -> None:
    n = len(idx)
    reg = sep + td(w.rng.integers(1, 20, n))
    reg = np.minimum(reg, month_end(first))
    w.emit(
        "unemployment_claims",
        person_id=np.asarray(idx),
        registration_date=reg,
        first_period=np.asarray(first, np.int64),
        entitled_months=np.asarray(entitled, np.int64),
        contribution_months=np.asarray(cm, np.int64),
        separation_reason=Coded(np.broadcast_to(np.asarray(reason), (n,)), REASONS),
    )


def fund_paid_medical(w: World, idx: np.ndarray, months: np.ndarray) -> None:
    """Medical premiums the unemployment fund pays for claimants: no employer, 0 employer part."""
    n = len(idx)
    w.emit(
        "contributions",
        person_id=np.asarray(idx),
        employer_id=np.full(n, -1),
        insurance="medical",
        period=np.asarray(months),
        base=MEDICAL_PREMIUM_BASE,
        employer_amount=0,
        person_amount=MEDICAL_PREMIUM_BASE * 12 // 100,
        paid_date=month_start(np.asarray(months)) + td(w.rng.integers(5, 25, n)),
        back_payment=False,
    )


def _former_job(
    w: World, idx: np.ndarray, sep: np.ndarray, employer: np.ndarray | None = None
) -> None:
    n = len(idx)
    if employer is None:
        employer = host_employers(w, n)
    start = sep - td(w.rng.integers(400, 5000, n))
    employ(w, idx, employer, start, sep)
    contribute(w, idx, employer, random_base(w, n), np.full(n, w.months[0]), mn_of(sep))
    enroll(w, idx, "medical", "employee", sep + ONE_DAY)


def background(w: World, pop: Population) -> None:
    """Claims of the unemployed, their allowances and the medical premiums the fund pays."""
    rng = w.rng
    _, i = pop.where(pop["role"] == UNEMP)
    n = i.size
    sep = random_dates(rng, np.full(n, w.ws - td(600)), np.full(n, w.pe - td(45)))
    first = mn_of(sep) + 1 + (rng.random(n) < 0.2)
    cm = rng.integers(12, 241, n)
    cm[: max(1, n // 50)] = 12  # some right at the threshold
    ent = statutory_months(cm)
    reason = np.where(rng.random(n) < 0.85, 0, 2)
    claim(w, i, sep, first, cm, ent, reason)
    n_emp = w.ctx["insured_pe"].size
    _former_job(w, i, sep, rng.integers(0, n_emp, n))
    amount = money(w, n, 1600, 2150)
    lo = np.maximum(first, w.months[0])
    hi = np.minimum(first + ent - 1, w.P)
    owner, months = expand(lo, hi)
    pay(w, i[owner], "unemployment", "unemployment_allowance", months, amount[owner])
    fund_paid_medical(w, i[owner], months)
    if np.bincount(months - w.months[0], minlength=4).min(initial=0) < 3:  # small cities
        j = fresh_claimants(w, 3, w.P - 3, w.P - 3, w.P)
        fund_paid_medical(w, np.repeat(j, 4), np.tile(w.months, 3))


def fresh_claimants(
    w: World,
    n: int,
    first: np.ndarray | int,
    paid_lo: np.ndarray | int,
    paid_hi: np.ndarray | int,
    cm: np.ndarray | int = 36,
    entitled: np.ndarray | int | None = None,
    reason: np.ndarray | int = 0,
    amount: np.ndarray | None = None,
    listed: bool = True,
    former_job: bool = True,
) -> np.ndarray:
    """Claimants separated the month before ``first``, paid monthly over [paid_lo, paid_hi]."""
    first = np.broadcast_to(np.asarray(first, np.int64), (n,))
    cm = np.broadcast_to(np.asarray(cm, np.int64), (n,))
    ent = statutory_months(cm) if entitled is None else np.broadcast_to(np.asarray(entitled), (n,))
    idx = new_persons(w, n, 25, 50, listed=listed)
    sep = random_dates(w.rng, month_start(first - 1) + td(3), month_end(first - 1) - td(5))
    claim(w, idx, sep, first, cm, ent, reason)
    if former_job:
        _former_job(w, idx, sep)
    if amount is None:
        amount = money(w, n, 1500, 2100)
    pay_range(
        w,
        idx,
        "unemployment",
        "unemployment_allowance",
        np.broadcast_to(paid_lo, (n,)),
        np.broadcast_to(paid_hi, (n,)),
        amount,
    )
    return idx


def paid_while_employed(w: World) -> None:
    P = w.P
    rng = w.rng
    ids = w.people.id_text
    code = "unemployment.paid_while_employed"
    n = w.count(code)
    if n:
        idx = fresh_claimants(w, n, P - 1, P - 1, P)
        start = w.ps + td(rng.integers(0, 5, n))
        emp = host_employers(w, n)
        employ(w, idx, emp, start)
        contribute(w, idx, emp, random_base(w, n), np.full(n, P), np.full(n, P))
        w.mark(code, "person", ids(idx))
    idx = fresh_claimants(w, 1, P - 2, P - 2, P - 1)
    hire_fresh_workers(w, idx, start=np.array([w.ps + td(2)]))
    w.near_miss(code, "person", ids(idx), "allowance ended the month before the new job")
    idx = fresh_claimants(w, 1, P - 1, P - 1, P)
    fund_paid_medical(w, idx, np.array([P]))
    w.near_miss(code, "person", ids(idx), "fund-paid medical premium, no employer")


def exceeds_entitlement(w: World) -> None:
    P = w.P
    ids = w.people.id_text
    code = "unemployment.exceeds_entitlement"
    n = w.count(code)
    if n:
        a = np.arange(n) % 2 == 0
        k = int(a.sum())
        i1 = fresh_claimants(w, k, P - 3, P - 3, P, cm=24, entitled=3)
        i2 = fresh_claimants(w, n - k, P, P, P, cm=59, entitled=13)
        w.mark(code, "person", ids(np.concatenate([i1, i2])))
    idx = fresh_claimants(w, 1, P - 3, P - 3, P, cm=24, entitled=4)
    w.near_miss(code, "person", ids(idx), "4 months paid of 4 entitled")
    idx = fresh_claimants(w, 1, P, P, P, cm=60, entitled=18)
    w.near_miss(code, "person", ids(idx), "60 contribution months, 18 entitled")


def insufficient_contribution(w: World) -> None:
    P = w.P
    rng = w.rng
    ids = w.people.id_text
    code = "unemployment.insufficient_contribution"
    n = w.count(code)
    if n:
        cm = rng.integers(3, 12, n)
        cm[0] = 11
        idx = fresh_claimants(w, n, P, P, P, cm=cm, entitled=12)
        w.mark(code, "person", ids(idx))
    idx = fresh_claimants(w, 1, P, P, P, cm=12)
    w.near_miss(code, "person", ids(idx), "exactly 12 contribution months")


def voluntary_separation(w: World) -> None:
    P = w.P
    ids = w.people.id_text
    code = "unemployment.voluntary_separation"
    n = w.count(code)
    if n:
        idx = fresh_claimants(w, n, P - 1, P - 1, P, reason=1)
        w.mark(code, "person", ids(idx))
    idx = fresh_claimants(w, 1, P - 1, P - 1, P, reason=2)
    w.near_miss(code, "person", ids(idx), "separation reason 'other'")


def paid_with_pension(w: World) -> None:
    P = w.P
    ids = w.people.id_text
    code = "unemployment.paid_with_pension"
    n = w.count(code)
    if n:
        # half draw a pension here (when the pension plugin is installed to pay one), the rest
        # one from another region
        k = (n + 1) // 2 if "pension.pensioners" in w.services else 0
        i1, _ = w.service("pension.pensioners")(w, k, 63.5, 70) if k else (np.zeros(0, int), 0)
        claim(
            w,
            i1,
            np.full(k, month_start(P - 1) + td(10)),
            np.full(k, P),
            np.full(k, 60),
            np.full(k, 18),
        )
        pay(w, i1, "unemployment", "unemployment_allowance", np.full(k, P), money(w, k, 1500, 2000))
        i2 = fresh_claimants(w, n - k, P, P, P)
        national(w, i2, "pension", np.zeros(i2.size, np.int64), money(w, i2.size, 2000, 3500))
        w.mark(code, "person", ids(np.concatenate([i1, i2])))
    idx = fresh_claimants(w, 1, P, P, P)
    national(
        w, idx, "pension", np.zeros(1, np.int64), np.array([250000]), months=[P - 3, P - 2, P - 1]
    )
    w.near_miss(code, "person", ids(idx), "other region's pension ends the month before")


def paid_after_death(w: World) -> None:
    P = w.P
    rng = w.rng
    ids = w.people.id_text
    code = "unemployment.paid_after_death"
    n = w.count(code)
    if n:
        idx = fresh_claimants(w, n, P - 2, P - 2, P)
        d = random_dates(rng, np.full(n, month_start(P - 1)), np.full(n, month_end(P - 1)))
        d[0] = month_end(P - 1)
        w.emit("deaths", person_id=idx, death_date=d, source="public_security")
        w.mark(code, "person", ids(idx))
    idx = fresh_claimants(w, 1, P - 2, P - 2, P)
    w.emit("deaths", person_id=idx, death_date=np.array([w.ps]), source="civil_affairs")
    w.near_miss(code, "person", ids(idx), "paid for the month of death")


def amount_above_cap(w: World) -> None:
    P = w.P
    ids = w.people.id_text
    code = "unemployment.amount_above_cap"
    n = w.count(code)
    if n:
        amt = money(w, n, 2400, 3000)
        amt[0] = UNEMPLOYMENT_CAP_FEN + 1
        idx = fresh_claimants(w, n, P, P, P, amount=amt)
        w.mark(code, "person", ids(idx))
    idx = fresh_claimants(w, 1, P, P, P, amount=np.array([UNEMPLOYMENT_CAP_FEN]))
    w.near_miss(code, "person", ids(idx), "exactly the cap")


def paid_during_incarceration(w: World) -> None:
    P = w.P
    rng = w.rng
    ids = w.people.id_text
    code = "unemployment.paid_during_incarceration"
    n = w.count(code)
    if n:
        idx = fresh_claimants(w, n, P - 3, P - 3, P, cm=130)
        st = random_dates(rng, np.full(n, month_start(P - 2)), np.full(n, month_end(P - 1)))
        st[0] = month_end(P - 1)
        w.emit("incarcerations", person_id=idx, start_date=st, end_date=np.full(n, NAT))
        w.mark(code, "person", ids(idx))
    idx = fresh_claimants(w, 1, P - 1, P - 1, P)
    w.emit("incarcerations", person_id=idx, start_date=np.array([w.ps]), end_date=np.array([NAT]))
    w.near_miss(code, "person", ids(idx), "entered in the target month")


PLANTS: dict[str, Plant] = {
    "unemployment.paid_while_employed": paid_while_employed,
    "unemployment.exceeds_entitlement": exceeds_entitlement,
    "unemployment.insufficient_contribution": insufficient_contribution,
    "unemployment.voluntary_separation": voluntary_separation,
    "unemployment.paid_with_pension": paid_with_pension,
    "unemployment.paid_after_death": paid_after_death,
    "unemployment.amount_above_cap": amount_above_cap,
    "unemployment.paid_during_incarceration": paid_during_incarceration,
}

PART = SynthPart(
    name="unemployment",
    background=background,
    plants=PLANTS,
    auto_ids={"unemployment_claims": AutoId("claim_id", "UC", 10)},
    shuffled=("unemployment_claims",),
)
