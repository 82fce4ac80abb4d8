"""The core's process checks (``process.*``, Art. 21) over the submissions, cases and case events
that the entry point hands to screening (the store's ``submissions()``, the case book's
``screening_tables()``), and the run's own suspicions (the engine hands them to the checks that
read ``run_suspicions``, which run last). Screening never imports the case package.

Subjects (indicators.md): ``submission`` (``YYYY-MM/vN``: the submission month and version) for
the two submission checks; ``case`` (the case id) for the two overdue checks, judged at the
parameter ``as_of`` (``fundrules screen --as-of``; default: the last day of the period); the
recurring suspicion's own subject, with the closed case in its evidence. Amount at risk 0, except
recurring (the new suspicion's amount).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from fundrules.period import first_day, format_period, last_day
from fundrules.plugins import hookimpl
from fundrules.schema import Table, col
from fundrules.screening import Indicator, Params, ScreeningContext, indicator, param

from .deadlines import consultation_overdue, feedback_overdue

LAW_UPLOAD = (
    "Network Supervision Measures Art. 10 (each month's data uploaded by the 15th of the next "
    "month) and Art. 21(1) (late upload, false or tampered data)"
)
LAW_FEEDBACK = (
    "Network Supervision Measures Art. 12 (the agency reports the result within one month of "
    "receiving a warning) and Art. 21(2)-(3) (warnings long unhandled, results not reported on time)"
)
LAW_CONSULT = (
    "Network Supervision Measures Art. 13 (a business department answers a consultation within "
    "30 days) and Art. 21(2)"
)
LAW_RECURRING = (
    "Network Supervision Measures Art. 8(2), 12 (the agency checks and disposes of suspicions) and "
    "Art. 21(2)-(3) (suspicions not checked, fraud concealed)"
)
HANDED = "handed to screening by the entry point, not uploaded"

PROCESS_TABLES = (
    Table(
        name="submissions",
        owner="core",
        handed=True,
        description=f"{HANDED}: every accepted submission version of the store",
        columns=(
            col(
                "*submission_id",
                "id",
                refers_to="submission",
                description="the submission month and version, YYYY-MM/vN",
            ),
            col("period", "period"),
            col("version", "integer"),
            col("received_on", "date", description="received date, China time"),
            col("changed", "bool", description="its content differs from the version before"),
            col("changes_version?", "integer"),
            col("changed_tables?", "text"),
        ),
    ),
    Table(
        name="cases",
        owner="core",
        handed=True,
        description=f"{HANDED}: one row per case (warning) with its business dates",
        columns=(
            col("*case_id", "id", refers_to="case"),
            col("agency", "text"),
            col("insurance?", "text"),
            col("subject_type", "text"),
            col("subject_id", "id"),
            col("period", "period"),
            col("indicators", "text", description="its suspicions' indicator codes, comma-joined"),
            col("state", "text"),
            col("conclusion?", "text"),
            col("opened_on", "date"),
            col("dispatched_on?", "date"),
            col("received_on?", "date"),
            col("feedback_on?", "date"),
            col("settled_on?", "date", description="first feedback, escalation or closing"),
            col("consult_asked_on?", "date"),
            col("consult_answered_on?", "date"),
            col("closed_on?", "date"),
        ),
    ),
    Table(
        name="case_events",
        owner="core",
        handed=True,
        description=f"{HANDED}: every action done on a case, oldest first",
        columns=(
            col("case_id", "id", refers_to="case"),
            col("action", "text"),
            col("at", "date"),
            col("actor_role?", "text"),
            col("from_state?", "text"),
            col("to_state?", "text"),
        ),
    ),
    Table(
        name="run_suspicions",
        owner="core",
        handed=True,
        description="handed by the engine: the suspicions the run's other indicators found",
        columns=(
            col("indicator", "id"),
            col("insurance?", "text"),
            col("subject_type", "text"),
            col("subject_id", "id"),
            col("period", "period"),
            col("amount_at_risk", "money", signed=True),
        ),
    ),
)

HIT_COLUMNS = ["subject_id", "amount_fen"]


def _empty(*extra: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in [*HIT_COLUMNS, *extra]})


def _iso(values: pd.Series) -> pd.Series:
    d = pd.to_datetime(values)
    return d.dt.strftime("%Y-%m-%d").fillna("").astype("str")


# ---- submissions --------------------------------------------------------------------------
class LateSubmissionParams(Params):
    due_day: int = param(
        15,
        description="day of month M+1 by which data of month M are due (that day is on time)",
        stricter="higher",
    )


def _target_submissions(ctx: ScreeningContext) -> pd.DataFrame:
    subs = ctx.table("submissions")
    return subs[subs["period"] == ctx.period]


def format_periods_of(months: pd.Series) -> pd.Series:
    return pd.Series([format_period(int(m)) for m in months], index=months.index, dtype="str")


@indicator(
    code="process.late_submission",
    name_zh="数据未按时上传",
    name_en="Data of a month uploaded after the 15th of the next month",
    insurance=None,
    area="process",
    severity="medium",
    legal_basis=LAW_UPLOAD,
    reads={"submissions": ("submission_id", "period", "version", "received_on")},
    history_months=0,
    subject="submission",
    partition=None,
    params=LateSubmissionParams,
)
def late_submission(ctx: ScreeningContext, p: LateSubmissionParams) -> pd.DataFrame:
    """A version of the target period's data received after day ``due_day`` of the next month
    (China time; the day itself is on time). Evidence: version, received date, due date."""
    rows = _target_submissions(ctx)
    nxt = first_day(ctx.period + 1)
    last = last_day(ctx.period + 1).day
    due = pd.Timestamp(date(nxt.year, nxt.month, min(max(p.due_day, 1), last)))
    late = rows[pd.to_datetime(rows["received_on"]) > due]
    if late.empty:
        return _empty()
    return pd.DataFrame(
        {
            "subject_id": late["submission_id"].astype("str").to_numpy(),
            "amount_fen": 0,
            "version": late["version"].astype("int64").to_numpy(),
            "received_on": _iso(late["received_on"]).to_numpy(),
            "due": due.strftime("%Y-%m-%d"),
        }
    )


@indicator(
    code="process.changed_submission",
    name_zh="已接收数据被重新上传修改",
    name_en="A period already accepted is submitted again with different content",
    insurance=None,
    area="process",
    severity="medium",
    legal_basis=LAW_UPLOAD,
    reads={"submissions": ("submission_id", "period", "version", "changed")},
    optional_reads={"submissions": ("changes_version", "changed_tables", "received_on")},
    history_months=0,
    subject="submission",
    partition=None,
)
def changed_submission(ctx: ScreeningContext, p: Params) -> pd.DataFrame:
    """A version of the target period whose content differs from the version before it.
    Evidence: the version it changes, the tables that changed, when it was received."""
    rows = _target_submissions(ctx)
    changed = rows[rows["changed"].astype(bool)]
    if changed.empty:
        return _empty()
    out = pd.DataFrame(
        {
            "subject_id": changed["submission_id"].astype("str").to_numpy(),
            "amount_fen": 0,
            "version": changed["version"].astype("int64").to_numpy(),
        }
    )
    if "changes_version" in changed:
        out["changes_version"] = (
            changed["changes_version"].astype("Int64").astype("str").fillna("").to_numpy()
        )
    if "changed_tables" in changed:
        out["changed_tables"] = changed["changed_tables"].fillna("").astype("str").to_numpy()
    if "received_on" in changed:
        out["received_on"] = _iso(changed["received_on"]).to_numpy()
    return out


# ---- overdue ------------------------------------------------------------------------------
class AsOfParams(Params):
    as_of: date | None = param(
        None,
        description="judge the deadlines at this date (YYYY-MM-DD); empty: the last day of "
        "the period (fundrules screen --as-of)",
    )


def _as_of(ctx: ScreeningContext, p: AsOfParams) -> date:
    return p.as_of or ctx.period_end


def _overdue_hits(cases: pd.DataFrame, late: pd.DataFrame) -> pd.DataFrame:
    if late.empty:
        return _empty("insurance")
    out = pd.DataFrame(
        {
            "subject_id": late["case_id"].astype("str").to_numpy(),
            "amount_fen": 0,
            "insurance": late["insurance"].fillna("").astype("str").to_numpy(),
            "agency": late["agency"].astype("str").to_numpy(),
            "case_period": format_periods_of(late["period"]).to_numpy(),
            "started_on": [d.isoformat() for d in late["started_on"]],
            "due": [d.isoformat() for d in late["due"]],
            "answered_on": [d.isoformat() if d is not None else "" for d in late["answered_on"]],
            "days_overdue": late["days_overdue"].astype("int64").to_numpy(),
            "status": late["status"].astype("str").to_numpy(),
        }
    )
    return out


CASE_DATES = ("dispatched_on", "received_on", "settled_on")


@indicator(
    code="process.feedback_overdue",
    name_zh="预警反馈逾期",
    name_en="No feedback one calendar month after a warning was received",
    insurance=None,
    area="process",
    severity="high",
    legal_basis=LAW_FEEDBACK,
    reads={
        "cases": (
            "case_id",
            "agency",
            "insurance",
            "period",
            "dispatched_on",
            "received_on",
            "settled_on",
        ),
    },
    history_months=None,
    subject="case",
    partition=None,
    params=AsOfParams,
)
def feedback_overdue_indicator(ctx: ScreeningContext, p: AsOfParams) -> pd.DataFrame:
    """A dispatched warning without feedback one calendar month after its receipt (the dispatch
    date where receipt was not recorded), judged at ``as_of``: still outstanding, or answered
    late. Evidence: agency, the case's period, receipt, due date, answer, days overdue."""
    cases = ctx.table("cases")
    late = feedback_overdue(cases.assign(subject_type="case", subject_id=""), _as_of(ctx, p))
    return _overdue_hits(cases, late)


@indicator(
    code="process.consultation_overdue",
    name_zh="会商意见逾期",
    name_en="A consultation without an answer 30 days after it was asked",
    insurance=None,
    area="process",
    severity="medium",
    legal_basis=LAW_CONSULT,
    reads={
        "cases": (
            "case_id",
            "agency",
            "insurance",
            "period",
            "consult_asked_on",
            "consult_answered_on",
        ),
    },
    history_months=None,
    subject="case",
    partition=None,
    params=AsOfParams,
)
def consultation_overdue_indicator(ctx: ScreeningContext, p: AsOfParams) -> pd.DataFrame:
    """A consultation of a business department without an answer 30 calendar days after it was
    asked, judged at ``as_of``. Evidence: agency, the case's period, asked, due, answer."""
    cases = ctx.table("cases")
    late = consultation_overdue(cases.assign(subject_type="case", subject_id=""), _as_of(ctx, p))
    return _overdue_hits(cases, late)


# ---- recurring ----------------------------------------------------------------------------
@indicator(
    code="process.recurring_after_no_issue",
    name_zh="核查无问题后同一疑点再次出现",
    name_en="A suspicion closed as no issue fires again in a later period",
    insurance=None,
    area="process",
    severity="high",
    legal_basis=LAW_RECURRING,
    reads={
        "cases": (
            "case_id",
            "subject_type",
            "subject_id",
            "period",
            "indicators",
            "state",
            "conclusion",
        ),
        "run_suspicions": (
            "indicator",
            "subject_type",
            "subject_id",
            "period",
            "amount_at_risk",
            "insurance",
        ),
    },
    optional_reads={"cases": ("closed_on", "agency")},
    history_months=None,
    subject="person",
    partition=None,
)
def recurring_after_no_issue(ctx: ScreeningContext, p: Params) -> pd.DataFrame:
    """A suspicion of the target period whose indicator and subject were in a case of an earlier
    period closed with the conclusion ``no_issue``. The hit is the new suspicion's own subject and
    amount; evidence: the indicator it recurs for and the closed case (id, period, closed on)."""
    cases = ctx.table("cases")
    closed = cases[(cases["state"] == "closed") & (cases["conclusion"] == "no_issue")]
    closed = closed[closed["period"] < ctx.period]
    found = ctx.table("run_suspicions")
    found = found[(found["period"] == ctx.period) & ~found["indicator"].str.startswith("process.")]
    if closed.empty or found.empty:
        return _empty("subject_type", "insurance")
    pairs = closed.assign(indicator=closed["indicators"].str.split(",")).explode("indicator")
    keep = ["case_id", "subject_type", "subject_id", "indicator", "period"]
    if "closed_on" in pairs:
        keep.append("closed_on")
    pairs = pairs[keep].rename(columns={"period": "case_period", "case_id": "closed_case"})
    hits = found.merge(pairs, on=["indicator", "subject_type", "subject_id"], how="inner")
    if hits.empty:
        return _empty("subject_type", "insurance")
    hits = hits.sort_values(["subject_type", "subject_id", "indicator", "case_period"])
    hits = hits.drop_duplicates(["subject_type", "subject_id", "indicator"], keep="last")
    out = pd.DataFrame(
        {
            "subject_id": hits["subject_id"].astype("str").to_numpy(),
            "subject_type": hits["subject_type"].astype("str").to_numpy(),
            "amount_fen": hits["amount_at_risk"].astype("int64").to_numpy(),
            "insurance": hits["insurance"].fillna("").astype("str").to_numpy()
            if "insurance" in hits
            else "",
            "recurs_for": hits["indicator"].astype("str").to_numpy(),
            "closed_case": hits["closed_case"].astype("str").to_numpy(),
            "closed_case_period": format_periods_of(hits["case_period"]).to_numpy(),
        }
    )
    if "closed_on" in hits:
        out["closed_on"] = _iso(hits["closed_on"]).to_numpy()
    return out


@hookimpl
def fundrules_register_tables(register: Callable[[Table], None]) -> None:
    for table in PROCESS_TABLES:
        register(table)


@hookimpl
def fundrules_register_indicators(register: Callable[[Indicator[Any]], None]) -> None:
    for ind in (
        late_submission,
        changed_submission,
        feedback_overdue_indicator,
        consultation_overdue_indicator,
        recurring_after_no_issue,
    ):
        register(ind)


@hookimpl
def fundrules_code_prefix() -> str:
    return "process"
