"""Statutory retirement ages by sex, job category, retirement type and birth cohort.

Before 2025 the ages were flat (State Council 国发〔1978〕104号): men 60, women cadres 55, women
workers 50; special (hazardous) work men 55, women 45; illness (full loss of capacity) men 50,
women 45. The 2025 reform (NPC Standing Committee decision of 2024-09-13 and the State Council
measures on the gradual raising of the statutory retirement age, in force 2025-01-01) delays the
normal ages by birth cohort: the first cohort delayed (men born 1965-01, women cadres 1970-01, women
workers 1975-01) retires one month later, and every further 4 months of birth (women workers: 2)
add one more month, up to 36, 36 and 60 months (63, 58, 55 years).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from fundrules.plugin_api import add_months_series, month_of, parse_period


class RetirementAge(BaseModel):
    """One line of the statutory table: the age for a group, and its cohort delay if any."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sex: Literal["M", "F"]
    job_category: Literal["worker", "cadre"] | None = Field(
        default=None, description="None: the line holds for both job categories"
    )
    retirement_type: Literal["normal", "special_work", "illness"]
    age_years: int = Field(ge=0)
    first_delayed_cohort: str | None = Field(
        default=None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="birth month (YYYY-MM) of the first cohort whose age is delayed",
    )
    months_per_step: int = Field(
        default=1, ge=1, description="one more month of delay every this many months of birth"
    )
    max_delay_months: int = Field(default=0, ge=0)


def _flat() -> list[RetirementAge]:
    return [
        RetirementAge(sex="M", retirement_type="normal", age_years=60),
        RetirementAge(sex="F", job_category="cadre", retirement_type="normal", age_years=55),
        RetirementAge(sex="F", job_category="worker", retirement_type="normal", age_years=50),
        RetirementAge(sex="M", retirement_type="special_work", age_years=55),
        RetirementAge(sex="F", retirement_type="special_work", age_years=45),
        RetirementAge(sex="M", retirement_type="illness", age_years=50),
        RetirementAge(sex="F", retirement_type="illness", age_years=45),
    ]


def _reformed() -> list[RetirementAge]:
    delays = {
        ("M", None): ("1965-01", 4, 36),
        ("F", "cadre"): ("1970-01", 4, 36),
        ("F", "worker"): ("1975-01", 2, 60),
    }
    out = []
    for line in _flat():
        d = delays.get((line.sex, line.job_category)) if line.retirement_type == "normal" else None
        if d:
            first, step, cap = d
            line = line.model_copy(
                update={
                    "first_delayed_cohort": first,
                    "months_per_step": step,
                    "max_delay_months": cap,
                }
            )
        out.append(line)
    return out


STATUTORY_RETIREMENT_AGES: dict[str, list[RetirementAge]] = {
    "1978-06-02": _flat(),
    "2025-01-01": _reformed(),
}
"""The dated table (standing law): the 1978 ages, and the 2025 reform's cohort delays."""


class HasRetirementAges(Protocol):
    retirement_ages: Sequence[RetirementAge]


def _rules_frame(rules: Sequence[RetirementAge | dict]) -> pd.DataFrame:
    """One row per (sex, job_category, retirement_type); a line for both categories is doubled."""
    rows = []
    for r in rules:
        r = r if isinstance(r, RetirementAge) else RetirementAge.model_validate(r)
        for job in (r.job_category,) if r.job_category else ("worker", "cadre"):
            first = parse_period(r.first_delayed_cohort) if r.first_delayed_cohort else -1
            rows.append(
                (
                    r.sex,
                    job,
                    r.retirement_type,
                    r.age_years * 12,
                    first,
                    r.months_per_step,
                    r.max_delay_months,
                )
            )
    cols = ["sex", "job_category", "retirement_type", "base", "first", "step", "cap"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.drop_duplicates(["sex", "job_category", "retirement_type"], keep="last")


def statutory_retirement_age_months(
    birth_dates: pd.Series,
    sexes: pd.Series,
    job_categories: pd.Series,
    retirement_types: pd.Series,
    params: HasRetirementAges | Sequence[RetirementAge],
) -> pd.Series:
    """Statutory retirement age in months for each person (nullable Int64; NA where the birth
    date or sex is unknown or no line of the table matches). An empty job category is a worker."""
    rules = params.retirement_ages if hasattr(params, "retirement_ages") else params
    table = _rules_frame(rules)
    people = pd.DataFrame(
        {
            "sex": pd.Series(sexes, dtype="str").to_numpy(),
            "job_category": pd.Series(job_categories, dtype="str")
            .fillna("worker")
            .replace("", "worker")
            .to_numpy(),
            "retirement_type": pd.Series(retirement_types, dtype="str").to_numpy(),
            "birth_month": month_of(pd.Series(birth_dates)).to_numpy(),
        }
    )
    m = people.merge(table, on=["sex", "job_category", "retirement_type"], how="left")
    born = m["birth_month"].astype("float64").to_numpy()
    first = m["first"].astype("float64").to_numpy()
    delayed = (first >= 0) & (born >= first)
    steps = np.floor(np.where(delayed, born - first, 0) / m["step"].fillna(1).to_numpy())
    delay = np.where(delayed, np.minimum(1 + steps, m["cap"].fillna(0).to_numpy()), 0)
    months = m["base"].to_numpy(dtype="float64") + delay
    months = np.where(np.isnan(born), np.nan, months)
    return pd.Series(months, index=pd.Series(birth_dates).index).astype("Int64")


def statutory_retirement_date(
    birth_dates: pd.Series,
    sexes: pd.Series,
    job_categories: pd.Series,
    retirement_types: pd.Series,
    params: HasRetirementAges | Sequence[RetirementAge],
) -> pd.Series:
    """The date each person reaches the statutory retirement age (``datetime64[s]``; NaT where
    it cannot be told). An age reached on a day the month lacks (born on the 29th–31st) is reached
    on that month's last day (indicators.md, "Days and ages")."""
    months = statutory_retirement_age_months(
        birth_dates, sexes, job_categories, retirement_types, params
    )
    birth = pd.to_datetime(pd.Series(birth_dates, index=months.index))
    known = months.notna() & birth.notna()
    out = pd.Series(pd.NaT, index=months.index, dtype="datetime64[s]")
    if known.any():
        reached = add_months_series(birth[known], months[known].astype("int64"))
        out[known] = reached.astype("datetime64[s]")
    return out


def format_age(months: pd.Series) -> pd.Series:
    """``60y1m`` text of ages in months, for evidence."""
    m = months.astype("Int64")
    return ((m // 12).astype("str") + "y" + (m % 12).astype("str") + "m").astype("str")
