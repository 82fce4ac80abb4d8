"""statutory_retirement_date: the catalog's published checks, and properties over cohorts."""

from __future__ import annotations

import pandas as pd
import pytest
from fundrules_pension import (
    STATUTORY_RETIREMENT_AGES,
    statutory_retirement_age_months,
    statutory_retirement_date,
)
from hypothesis import given, settings
from hypothesis import strategies as st

REFORM = STATUTORY_RETIREMENT_AGES["2025-01-01"]
OLD = STATUTORY_RETIREMENT_AGES["1978-06-02"]


def ages(rows, table=REFORM):
    """rows: (birth, sex, job, type) → ages in months."""
    birth, sex, job, rtype = zip(*rows, strict=True)
    return statutory_retirement_age_months(
        pd.Series(pd.to_datetime(list(birth))),
        pd.Series(sex),
        pd.Series(job, dtype="str"),
        pd.Series(rtype),
        table,
    ).tolist()


@pytest.mark.parametrize(
    ("birth", "sex", "job", "rtype", "years", "months"),
    [
        # the catalog's checks
        ("1965-01-15", "M", None, "normal", 60, 1),
        ("1965-05-01", "M", None, "normal", 60, 2),
        ("1975-03-20", "F", "worker", "normal", 50, 2),
        ("1976-09-01", "M", None, "normal", 63, 0),
        ("1990-12-31", "M", None, "normal", 63, 0),
        # just before the cap and the first cohorts
        ("1976-08-31", "M", None, "normal", 62, 11),
        ("1964-12-31", "M", None, "normal", 60, 0),
        ("1969-12-31", "F", "cadre", "normal", 55, 0),
        ("1970-01-01", "F", "cadre", "normal", 55, 1),
        ("1970-04-30", "F", "cadre", "normal", 55, 1),
        ("1970-05-01", "F", "cadre", "normal", 55, 2),
        ("1981-09-01", "F", "cadre", "normal", 58, 0),
        ("1974-12-31", "F", "worker", "normal", 50, 0),
        ("1975-01-01", "F", "worker", "normal", 50, 1),
        ("1984-10-01", "F", "worker", "normal", 54, 11),
        ("1984-11-01", "F", "worker", "normal", 55, 0),
        ("1975-03-20", "F", "", "normal", 50, 2),  # empty job category = worker
        ("1980-01-01", "F", "cadre", "normal", 55, 1 + 10 * 12 // 4),
        # lower ages by their own rules, not delayed
        ("1975-01-01", "M", None, "special_work", 55, 0),
        ("1980-01-01", "F", "cadre", "special_work", 45, 0),
        ("1980-01-01", "M", "worker", "illness", 50, 0),
        ("1980-01-01", "F", None, "illness", 45, 0),
    ],
)
def test_published_checks_and_edges(birth, sex, job, rtype, years, months):
    assert ages([(birth, sex, job, rtype)]) == [years * 12 + months]


def test_before_the_reform_the_old_ages_hold():
    rows = [
        ("1965-01-15", "M", None, "normal"),
        ("1975-03-20", "F", "worker", "normal"),
        ("1975-03-20", "F", "cadre", "normal"),
    ]
    assert ages(rows, OLD) == [720, 600, 660]


def test_dates_clip_to_the_last_day_of_a_short_month_and_unknowns_are_nat():
    out = statutory_retirement_date(
        pd.Series(pd.to_datetime(["1975-07-31", "1965-01-15", None, "1960-01-01"])),
        pd.Series(["F", "M", "M", None], dtype="str"),
        pd.Series(["worker", None, None, None], dtype="str"),
        pd.Series(["normal"] * 4),
        REFORM,
    )
    # 1975-07 women worker: 50y4m -> 2025-11-31 does not exist -> 2025-11-30
    assert out.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2025-11-30", "2025-02-15"]
    assert out.isna().tolist() == [False, False, True, True]
    assert str(out.dtype) == "datetime64[s]"


GROUPS = [
    ("M", "worker", 63 * 12),
    ("M", "cadre", 63 * 12),
    ("F", "cadre", 58 * 12),
    ("F", "worker", 55 * 12),
]


@settings(max_examples=50, deadline=None)
@given(
    months=st.lists(st.integers(1940 * 12, 2010 * 12), min_size=2, max_size=40),
    day=st.integers(1, 28),
)
def test_never_earlier_for_a_later_birth_month_and_capped(months, day):
    months = sorted(months)
    births = [f"{m // 12:04d}-{m % 12 + 1:02d}-{day:02d}" for m in months]
    n = len(births)
    # every group at once: one vectorized call per example
    birth = pd.Series(pd.to_datetime(births * len(GROUPS)))
    sex = pd.Series([g[0] for g in GROUPS for _ in range(n)])
    job = pd.Series([g[1] for g in GROUPS for _ in range(n)])
    normal = pd.Series(["normal"] * len(birth))
    age = statutory_retirement_age_months(birth, sex, job, normal, REFORM)
    dates = statutory_retirement_date(birth, sex, job, normal, REFORM)
    for k, (_, _, cap) in enumerate(GROUPS):
        a = age.iloc[k * n : (k + 1) * n]
        assert a.is_monotonic_increasing
        assert a.max() <= cap
        assert (a >= cap - (36 if cap > 55 * 12 else 60)).all()
        assert dates.iloc[k * n : (k + 1) * n].is_monotonic_increasing
