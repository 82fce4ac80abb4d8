"""The core's data.* plants: bad ids, profile mismatches, unknown persons, bad employer ids.

The subjects are ordinary workers in every other respect, so that the only thing wrong with them
is the planted defect. (``data.duplicate_payment`` is planted by the plugins whose payments can
be duplicated: a plugin knows which of its payments stand alone.)
"""

from __future__ import annotations

import numpy as np

from .common import (
    DISTRICTS,
    birth_for_age,
    contribute,
    hire_fresh_workers,
    host_employers,
    new_persons,
    random_base,
    td,
)
from .ids import corrupt_ric, corrupt_uscc
from .part import Plant
from .world import World


def invalid_person_id(w: World) -> None:
    code = "data.invalid_person_id"
    n = w.count(code)
    if not n:
        return
    rng = w.rng
    birth = birth_for_age(w, n, 25, 50)
    male = rng.random(n) < 0.5
    home = rng.choice(DISTRICTS, n)
    good = w.people.factory.new(home, birth, male)
    idx = w.people.add(birth, male, home, ids=corrupt_ric(good, rng))
    hire_fresh_workers(w, idx)
    w.mark(code, "person", w.people.id_text(idx))


def id_profile_mismatch(w: World) -> None:
    code = "data.id_profile_mismatch"
    n = w.count(code)
    if not n:
        return
    rng = w.rng
    idx = new_persons(w, n, 28, 48)
    hire_fresh_workers(w, idx)
    a = w.people.arrays()
    flip = np.arange(n) % 2 == 0
    w.people.set("rec_male", idx, np.where(flip, ~a["male"][idx], a["male"][idx]))
    shift = td(np.where(flip, 0, rng.choice([-1, 1], n) * rng.integers(1, 300, n)))
    w.people.set("rec_birth", idx, a["birth"][idx] + shift)
    w.mark(code, "person", w.people.id_text(idx))


def unknown_person(w: World) -> None:
    """Workers whose contributions name them while the persons table lacks them."""
    code = "data.unknown_person"
    n = w.count(code)
    if not n:
        return
    idx = new_persons(w, n, 25, 50, listed=False)
    months = np.full(n, w.P)
    contribute(w, idx, host_employers(w, n), random_base(w, n), months, months)
    w.mark(code, "person", w.people.id_text(idx))


def invalid_employer_id(w: World) -> None:
    code = "data.invalid_employer_id"
    n = w.count(code)
    if not n:
        return
    rng = w.rng
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


PLANTS: dict[str, Plant] = {
    "data.invalid_person_id": invalid_person_id,
    "data.id_profile_mismatch": id_profile_mismatch,
    "data.unknown_person": unknown_person,
    "data.invalid_employer_id": invalid_employer_id,
}

__all__ = ["PLANTS"]
