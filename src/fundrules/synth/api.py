"""The synthetic city's author façade: the one module a plugin's synth code imports.

    from fundrules.synth.api import SynthPart, World, Population, new_persons, pay, td, ...

A part (:class:`SynthPart`) adds its tables' rows to the city: ``world.emit(table, **columns)``
(columns as numpy arrays or scalars; persons and employers as indices into the id stores),
``world.mark(code, subject_type, ids)`` for the ground truth and ``world.near_miss(...)`` for
the planted negatives. The helpers below make fresh persons, employment, enrollments and
payments the same way the core's city does, so that planted subjects look like everyone else.
"""

from __future__ import annotations

import numpy as np

from .city import (
    CHILD,
    DEAD_PAST,
    DISABLED,
    MIGRANT_PENS,
    NONWORK,
    PRISON,
    RES_PENS,
    RETIREE,
    UNEMP,
    WORKER,
)
from .common import (
    DISTRICTS,
    ELSEWHERE,
    RATES_BP,
    bank_account,
    birth_for_age,
    contribute,
    employ,
    enroll,
    expand,
    hire_fresh_workers,
    host_employers,
    money,
    month_days,
    national,
    new_persons,
    pay,
    pay_day,
    pay_range,
    pct_of,
    person_attr,
    random_base,
    rank_within,
    ranks,
    resident_medical,
    td,
    text,
)
from .dates import (
    DAY,
    ONE_DAY,
    add_months,
    age_on,
    day_of,
    days_in_month,
    mn_of,
    month_end,
    month_number,
    month_start,
    period_text,
    random_dates,
    statutory_retirement_date,
)
from .ids import prefixed_ids
from .part import AutoId, Cash, Plant, Population, SynthPart
from .schema import INT_NULL
from .world import Coded, Digits, Seq, World

NAT = np.datetime64("NaT", "D")

__all__ = [
    "CHILD",
    "DAY",
    "DEAD_PAST",
    "DISABLED",
    "DISTRICTS",
    "ELSEWHERE",
    "INT_NULL",
    "MIGRANT_PENS",
    "NAT",
    "NONWORK",
    "ONE_DAY",
    "PRISON",
    "RATES_BP",
    "RES_PENS",
    "RETIREE",
    "UNEMP",
    "WORKER",
    "AutoId",
    "Cash",
    "Coded",
    "Digits",
    "Plant",
    "Population",
    "Seq",
    "SynthPart",
    "World",
    "add_months",
    "age_on",
    "bank_account",
    "birth_for_age",
    "contribute",
    "day_of",
    "days_in_month",
    "employ",
    "enroll",
    "expand",
    "hire_fresh_workers",
    "host_employers",
    "mn_of",
    "money",
    "month_days",
    "month_end",
    "month_number",
    "month_start",
    "national",
    "new_persons",
    "pay",
    "pay_day",
    "pay_range",
    "pct_of",
    "period_text",
    "person_attr",
    "prefixed_ids",
    "random_base",
    "random_dates",
    "rank_within",
    "ranks",
    "resident_medical",
    "statutory_retirement_date",
    "td",
    "text",
]
