"""Deadlines of the workflow, exactly as workflow.md ("Deadlines, exactly") gives them, over the
``cases`` table that the store hands to screening (one row per case, its business dates).

Both the ``process.*`` indicators and ``fundrules cases overdue`` use these functions: one reading
of the rules. Judged at ``as_of`` (a date given to the call), never the wall clock:

- feedback is due one calendar month after receipt (day clamped to the month's end); where receipt
  was not recorded by ``as_of``, the dispatch date counts as the receipt date;
- a consultation is due 30 calendar days after it was asked;
- overdue when ``as_of`` is after the due date and nothing settled it on or before the due date
  (feedback, or an escalation or closing that ends the wait). A late answer is still overdue,
  shown with status ``late``; one still awaited is ``outstanding`` (docs/decisions.md D54).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from fundrules.period import add_months_series

CONSULTATION_DAYS = 30
FEEDBACK_MONTHS = 1
OVERDUE_COLUMNS = [
    "case_id",
    "kind",
    "agency",
    "insurance",
    "subject_type",
    "subject_id",
    "period",
    "started_on",
    "due",
    "answered_on",
    "days_overdue",
    "status",
]


def _day(as_of: date) -> pd.Timestamp:
    return pd.Timestamp(as_of)


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column]).astype("datetime64[s]")


def _overdue(
    cases: pd.DataFrame,
    kind: str,
    started: pd.Series,
    due: pd.Series,
    answered: pd.Series,
    as_of: date,
) -> pd.DataFrame:
    day = _day(as_of)
    counted = answered.where(answered <= day)
    late = started.notna() & (started <= day) & (due < day) & ~(answered <= due)
    if not late.any():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in OVERDUE_COLUMNS})
    rows = cases[late.to_numpy()]
    end = counted[late].fillna(day)
    out = pd.DataFrame(
        {
            "case_id": rows["case_id"].to_numpy(),
            "kind": kind,
            "agency": rows["agency"].to_numpy(),
            "insurance": rows["insurance"].to_numpy(),
            "subject_type": rows["subject_type"].to_numpy(),
            "subject_id": rows["subject_id"].to_numpy(),
            "period": rows["period"].to_numpy(),
            "started_on": started[late].dt.date.to_numpy(),
            "due": due[late].dt.date.to_numpy(),
            "answered_on": np.where(
                counted[late].notna(), counted[late].dt.date.astype(object), None
            ),
            "days_overdue": (end - due[late]).dt.days.astype("int64").to_numpy(),
            "status": np.where(counted[late].notna(), "late", "outstanding"),
        },
        columns=OVERDUE_COLUMNS,
    )
    return out


def feedback_overdue(cases: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Dispatched warnings whose feedback is past due at ``as_of`` (one row per case).

    ``cases`` needs ``case_id``, ``agency``, ``insurance``, ``subject_type``, ``subject_id``,
    ``period``, ``dispatched_on``, ``received_on`` and ``settled_on`` (feedback, escalation or
    closing, whichever came first)."""
    day = _day(as_of)
    dispatched = _dates(cases, "dispatched_on")
    received = _dates(cases, "received_on")
    receipt = received.where(received <= day).fillna(dispatched)
    due = add_months_series(receipt, FEEDBACK_MONTHS).astype("datetime64[s]")
    return _overdue(cases, "feedback", receipt, due, _dates(cases, "settled_on"), as_of)


def consultation_overdue(cases: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Consultations without an answer 30 days after they were asked, at ``as_of``."""
    asked = _dates(cases, "consult_asked_on")
    due = (asked + pd.Timedelta(days=CONSULTATION_DAYS)).astype("datetime64[s]")
    return _overdue(cases, "consultation", asked, due, _dates(cases, "consult_answered_on"), as_of)


def feedback_due(receipt: date) -> date:
    """One calendar month after ``receipt`` (2026-01-31 → 2026-02-28)."""
    from fundrules.period import add_months

    return add_months(receipt, FEEDBACK_MONTHS)


def consultation_due(asked: date) -> date:
    return date.fromordinal(asked.toordinal() + CONSULTATION_DAYS)
