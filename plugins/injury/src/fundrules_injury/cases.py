"""Case events: recognition granted on a late application, and accidents that repeat."""

from __future__ import annotations

import pandas as pd

from fundrules.plugin_api import (
    Params,
    ScreeningContext,
    add_months_series,
    as_hits,
    indicator,
    month_of,
    param,
)

from .payments import LAW_CHAPTER, LAW_FRAUD, LAW_REGULATIONS


class LateApplicationParams(Params):
    n: int = param(
        365,
        description="days from the accident to the application for recognition beyond which a "
        "recognition is suspicious (an application exactly n days after is in time)",
        stricter="higher",
    )


@indicator(
    code="injury.late_application",
    name_zh="超时限申请工伤认定",
    name_en="Injury recognised on a late application",
    insurance="injury",
    area="management",
    severity="medium",
    legal_basis=f"{LAW_REGULATIONS} Art. 17 (the employer applies within 30 days of the "
    "accident, the worker or family within one year; Art. 17 para. 4: an employer that did not "
    "apply in time bears the costs until it does); Art. 20 (recognition within 60 days)",
    reads={
        "injury_cases": (
            "case_id",
            "person_id",
            "employer_id",
            "accident_date",
            "application_date",
            "recognition_date",
        )
    },
    history_months=0,
    subject="person",
    partition="person",
    params=LateApplicationParams,
)
def late_application(ctx: ScreeningContext, p: LateApplicationParams) -> pd.DataFrame:
    """A recognition granted in the target period (``recognition_date`` in it) on an
    application made more than n days after the accident (application date minus accident
    date, in days; exactly n is in time). A case not yet recognised is not judged. No money
    moves on the recognition (amount 0)."""
    c = ctx.table("injury_cases")
    c = c[(month_of(c["recognition_date"]) == ctx.period).fillna(False).astype(bool)]
    c = c.assign(days_to_application=(c["application_date"] - c["accident_date"]).dt.days)
    c = c[(c["days_to_application"] > p.n).fillna(False).astype(bool)]
    c = c.assign(limit_days=p.n, amount=0)
    return as_hits(
        c,
        evidence=[
            "case_id",
            "employer_id",
            "accident_date",
            "application_date",
            "recognition_date",
            "days_to_application",
            "limit_days",
        ],
    )


class RepeatAccidentsParams(Params):
    n: int = param(
        2,
        description="accidents of one person within 12 months (the target-period accident "
        "included) that make it suspicious",
        stricter="higher",
    )


@indicator(
    code="injury.repeat_accidents",
    name_zh="短期内多次发生工伤事故",
    name_en="Repeated work accidents of one person",
    insurance="injury",
    area="expenditure",
    severity="medium",
    legal_basis=f"{LAW_REGULATIONS} Art. 14-16 (what is and is not a work injury; self-inflicted "
    f"injuries are excluded), Art. 19 (investigation of the accident); {LAW_CHAPTER}; {LAW_FRAUD}",
    reads={"injury_cases": ("case_id", "person_id", "employer_id", "accident_date")},
    history_months=0,
    subject="person",
    partition="person",
    params=RepeatAccidentsParams,
)
def repeat_accidents(ctx: ScreeningContext, p: RepeatAccidentsParams) -> pd.DataFrame:
    """An accident dated in the target period, with at least n − 1 other accidents (cases) of
    the same person dated on or after the same day 12 months earlier (29 February → 28
    February) and before the accident's date. A case of the same date is not "before it".
    No money moves on an accident (amount 0); the evidence lists the earlier cases."""
    c = ctx.table("injury_cases")[["case_id", "person_id", "employer_id", "accident_date"]]
    c = c[c["accident_date"].notna()]
    t = c[(month_of(c["accident_date"]) == ctx.period).to_numpy(dtype=bool)]
    t = t.assign(window_from=add_months_series(t["accident_date"], -12).astype("datetime64[s]"))
    earlier = c.rename(columns={"case_id": "earlier_case", "accident_date": "earlier_date"}).drop(
        columns="employer_id"
    )
    m = t.merge(earlier, on="person_id", how="inner")
    m = m[
        ((m["earlier_date"] >= m["window_from"]) & (m["earlier_date"] < m["accident_date"]))
        .fillna(False)
        .to_numpy(dtype=bool)
    ]
    m = m.sort_values(["case_id", "earlier_date", "earlier_case"], kind="stable")
    m = m.assign(
        earlier=m["earlier_case"].astype("str")
        + " ("
        + m["earlier_date"].dt.strftime("%Y-%m-%d").astype("str")
        + ")"
    )
    per = m.groupby("case_id", as_index=False).agg(
        earlier_accidents=("earlier_case", "size"), earlier_cases=("earlier", "; ".join)
    )
    rows = t.merge(per, on="case_id", how="left")
    rows = rows.assign(
        earlier_accidents=rows["earlier_accidents"].fillna(0).astype("int64"), amount=0
    )
    rows = rows[rows["earlier_accidents"] >= p.n - 1]
    return as_hits(
        rows,
        evidence=[
            "case_id",
            "employer_id",
            "accident_date",
            "window_from",
            "earlier_accidents",
            "earlier_cases",
        ],
    )
