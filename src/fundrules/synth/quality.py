"""data.* plants: bad IDs, profile mismatches, unknown persons, duplicate payments.

The subjects are ordinary workers or claimants in every other respect, so that the
only thing wrong with them is the planted defect.
"""

from __future__ import annotations

import numpy as np

from .common import (
    DISTRICTS,
    birth_for_age,
    contribute,
    fresh_new_retirees,
    fresh_pensioners,
    hire_fresh_workers,
    host_employers,
    new_persons,
    pay,
    random_base,
    td,
)
from .ids import corrupt_ric, corrupt_uscc
from .world import World


def plant(w: World) -> None:
    P = w.P
    rng = w.rng
    ids = w.people.id_text

    code = "data.invalid_person_id"
    n = w.count(code)
    if n:
        birth = birth_for_age(w, n, 25, 50)
        male = rng.random(n) < 0.5
        home = rng.choice(DISTRICTS, n)
        good = w.people.factory.new(home, birth, male)
        idx = w.people.add(birth, male, home, ids=corrupt_ric(good, rng))
        hire_fresh_workers(w, idx)
        w.mark(code, "person", ids(idx))

    code = "data.id_profile_mismatch"
    n = w.count(code)
    if n:
        idx = new_persons(w, n, 28, 48)
        hire_fresh_workers(w, idx)
        a = w.people.arrays()
        flip = np.arange(n) % 2 == 0
        w.people.set("rec_male", idx, np.where(flip, ~a["male"][idx], a["male"][idx]))
        shift = td(np.where(flip, 0, rng.choice([-1, 1], n) * rng.integers(1, 300, n)))
        w.people.set("rec_birth", idx, a["birth"][idx] + shift)
        w.mark(code, "person", ids(idx))

    code = "data.unknown_person"
    n = w.count(code)
    if n:
        k = (n + 1) // 2
        # a pensioner whose persons row is missing (retirement on file, pension steady)
        i1, _ = fresh_pensioners(w, k, listed=False)
        i2 = new_persons(w, n - k, 25, 50, listed=False)
        contribute(
            w,
            i2,
            host_employers(w, n - k),
            random_base(w, n - k),
            np.full(n - k, P),
            np.full(n - k, P),
        )
        w.mark(code, "person", ids(np.concatenate([i1, i2])))

    code = "data.invalid_employer_id"
    n = w.count(code)
    if n:
        region = rng.choice(DISTRICTS, n)
        good = w.employers.factory.new(region)
        emp = w.employers.add(
            region,
            w.ws - td(rng.integers(800, 6000, n)),
            random_base(w, n),
            ids=corrupt_uscc(good, rng),
        )
        k = rng.integers(1, 4, n)
        owner = np.repeat(np.arange(n), k)
        idx = new_persons(w, owner.size, 25, 55)
        hire_fresh_workers(w, idx, employer=emp[owner])
        w.mark(code, "employer", w.employers.id_text(emp))

    # duplicate payment: a first pension (retired this month, so no previous month to jump
    # from) paid twice; the near miss is paid, reversed and paid again
    code = "data.duplicate_payment"
    n = w.count(code)
    if n:
        idx, _, _ = fresh_new_retirees(w, n, w.ps, w.pe)
        amt = rng.integers(2500, 5000, n) * 100
        pay(w, idx, "pension", "basic_pension", np.full(n, P), amt)
        pay(w, idx, "pension", "basic_pension", np.full(n, P), amt)
        w.mark(code, "person", ids(idx))
    idx, _, _ = fresh_new_retirees(w, 1, w.ps, w.pe)
    amt = np.array([318000])
    pay(w, idx, "pension", "basic_pension", np.full(1, P), amt)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), -amt)
    pay(w, idx, "pension", "basic_pension", np.full(1, P), amt)
    w.near_miss(code, "person", ids(idx), "paid, reversed, paid again")


__all__ = ["plant"]
