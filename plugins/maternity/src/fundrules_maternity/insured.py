"""Insured persons of an employer on a day (indicators.md, "Sets that count").

Distinct persons with a maternity enrollment at that employer open on that day: ``start_date``
on or before it and ``end_date`` empty or on or after it (the end date is the last day covered).
They are counted with a sweep over the spells (starts and day-after-ends, cumulated per
employer), not by joining claims to every spell of their employer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ONE_DAY = pd.Timedelta(days=1)


def maternity_spells(enrollments: pd.DataFrame) -> pd.DataFrame:
    """Maternity enrollments at an employer: person_id, employer_id, start_date, end_date."""
    e = enrollments[(enrollments["insurance"] == "maternity") & enrollments["employer_id"].notna()]
    return e[["person_id", "employer_id", "start_date", "end_date"]]


def insured_on(spells: pd.DataFrame, queries: pd.DataFrame) -> pd.Series:
    """For each row of ``queries`` (``employer_id``, ``on``): the distinct persons with a spell
    at that employer open on that day. Overlapping spells of one person are merged first."""
    s = spells[spells["employer_id"].isin(queries["employer_id"])]
    s = s.sort_values(["employer_id", "person_id", "start_date"], kind="stable")
    far = np.datetime64("9999-12-31", "s")
    end = s["end_date"].fillna(far)
    keys = [s["employer_id"], s["person_id"]]
    reach = end.groupby(keys).cummax().groupby(keys).shift()
    block = (reach.isna() | (s["start_date"] > reach)).cumsum()
    merged = (
        pd.DataFrame({"employer_id": s["employer_id"], "start": s["start_date"], "end": end})
        .groupby(block)
        .agg(employer_id=("employer_id", "first"), start=("start", "min"), end=("end", "max"))
    )
    closed = merged[merged["end"] < far]
    starts = pd.DataFrame({"employer_id": merged["employer_id"], "day": merged["start"], "d": 1})
    ends = pd.DataFrame({"employer_id": closed["employer_id"], "day": closed["end"] + ONE_DAY})
    asked = pd.DataFrame(
        {"employer_id": queries["employer_id"], "day": queries["on"], "q": range(len(queries))}
    )
    events = pd.concat([starts, ends.assign(d=-1), asked.assign(d=0)], ignore_index=True)
    # a spell starting on the day asked, or ended the day before, counts before the question
    events = events.assign(is_q=events["q"].notna())
    events = events.sort_values(["employer_id", "day", "is_q"], kind="stable")
    active = events.groupby("employer_id")["d"].cumsum()
    answers = active[events["is_q"]].set_axis(events.loc[events["is_q"], "q"]).sort_index()
    return pd.Series(answers.to_numpy(dtype="int64"), index=queries.index)
