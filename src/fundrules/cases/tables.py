"""The case tables handed to screening, in the dataset's layout (docs/decisions.md D1): ids and
text as strings, business dates as ``datetime64[s]``, the period as a month number. Their columns
are declared as core tables (``fundrules.default_plugins.process_tables``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from fundrules.period import parse_period

from .models import Case

CASE_DATES = (
    "opened_on",
    "dispatched_on",
    "received_on",
    "feedback_on",
    "settled_on",
    "consult_asked_on",
    "consult_answered_on",
    "closed_on",
)
CASE_TEXT = (
    "agency",
    "insurance",
    "subject_type",
    "subject_id",
    "indicators",
    "state",
    "conclusion",
)


def _dates(values: list[Any]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[s]")


def cases_table(cases: Iterable[Case]) -> pd.DataFrame:
    rows = list(cases)
    out = pd.DataFrame({"case_id": pd.Series([str(c.id) for c in rows], dtype="str")})
    for col in CASE_TEXT:
        out[col] = pd.Series([getattr(c, col) or "" for c in rows], dtype="str")
    out["period"] = pd.Series([parse_period(c.period) for c in rows], dtype="int32")
    for col in CASE_DATES:
        out[col] = _dates([getattr(c, col) for c in rows])
    return out


def case_events_table(events: Sequence[Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": pd.Series([str(e[0]) for e in events], dtype="str"),
            "action": pd.Series([e[1] for e in events], dtype="str"),
            "at": _dates([e[2] for e in events]),
            "actor_role": pd.Series([e[3] or "" for e in events], dtype="str"),
            "from_state": pd.Series([e[4] or "" for e in events], dtype="str"),
            "to_state": pd.Series([e[5] or "" for e in events], dtype="str"),
        }
    )
