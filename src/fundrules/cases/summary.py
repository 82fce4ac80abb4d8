"""Summary data of the case workflow (Art. 16), as DataFrames for the reports.

:func:`summary` returns a dict of frames with stable names and columns (the ``reports`` package
renders them; ``fundrules cases summary --json`` prints them):

- ``by_insurance``, ``by_indicator``, ``by_problem_type``, ``by_agency``, ``by_state``,
  ``by_outcome`` — ``cases``, ``suspicions``, ``amount_at_risk``, ``confirmed`` (cases confirmed on
  review), ``recovered``, ``confirmed_loss`` per value of the key (``by_indicator`` counts a case
  under each of its indicators; its amounts are those indicators' suspicions);
- ``recovered`` — amounts recovered and confirmed losses per agency and insurance;
- ``overdue_rates`` — per agency, at ``as_of``: warnings dispatched, feedback overdue and its
  rate; consultations asked, overdue and their rate;
- ``yield`` — per indicator: cases, reviewed (confirmed or dismissed), confirmed, the share of
  the reviewed confirmed, confirmed with a confirmed loss (> 0), and that share of the confirmed;
- ``major`` — 要情 cases: provisional and confirmed grades.

Amounts are :class:`decimal.Decimal` yuan (exact); rates are floats in [0, 1] (or NaN where there is
nothing to divide). ``period`` (``YYYY-MM``) keeps the cases of that period; ``as_of`` (default: the
latest business date of any action in the store, so the result never depends on the wall clock)
judges the deadlines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from fundrules.default_plugins.deadlines import consultation_overdue, feedback_overdue
from fundrules.period import parse_period

from .book import CaseBook, parse_date
from .models import Case, CaseEvent, CaseSuspicion

SUMMARY_FRAMES = (
    "by_insurance",
    "by_indicator",
    "by_problem_type",
    "by_agency",
    "by_state",
    "by_outcome",
    "recovered",
    "overdue_rates",
    "yield",
    "major",
)
YIELD_COLUMNS = [
    "indicator",
    "cases",
    "reviewed",
    "confirmed",
    "confirmed_share",
    "confirmed_with_loss",
    "loss_share",
]
_MEASURES = ["cases", "suspicions", "amount_at_risk", "confirmed", "recovered", "confirmed_loss"]


def _yuan(fen: pd.Series) -> list[Decimal]:
    return [Decimal(int(v)).scaleb(-2) for v in fen.fillna(0).astype("int64")]


def _frame(book: CaseBook, period: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    with book.session() as s:
        q = select(Case)
        if period is not None:
            q = q.where(Case.period == period)
        cases = s.scalars(q).all()
        ids = [c.id for c in cases]
        sq = select(
            CaseSuspicion.case_id, CaseSuspicion.indicator, CaseSuspicion.amount_at_risk_fen
        )
        if period is not None:
            sq = sq.where(CaseSuspicion.period == period)
        sus = pd.DataFrame(s.execute(sq).all(), columns=["case_id", "indicator", "fen"])
    frame = pd.DataFrame(
        {
            "case_id": ids,
            "agency": [c.agency for c in cases],
            "insurance": [c.insurance or "(none)" for c in cases],
            "problem_type": [c.problem_type for c in cases],
            "state": [c.state for c in cases],
            "outcome": [c.conclusion or "(open)" for c in cases],
            "suspicions": [c.suspicion_count for c in cases],
            "fen": [c.amount_at_risk_fen for c in cases],
            "confirmed": [c.confirmed_on is not None for c in cases],
            "dismissed": [c.state == "dismissed" for c in cases],
            "recovered_fen": [c.recovered_fen or 0 for c in cases],
            "loss_fen": [c.confirmed_loss_fen or 0 for c in cases],
            "major_grade": [c.major_grade for c in cases],
            "confirmed_grade": [c.confirmed_grade or "" for c in cases],
            "subject_type": [c.subject_type for c in cases],
            "subject_id": [c.subject_id for c in cases],
            "period": [c.period for c in cases],
            "dispatched_on": [c.dispatched_on for c in cases],
            "received_on": [c.received_on for c in cases],
            "settled_on": [c.settled_on for c in cases],
            "consult_asked_on": [c.consult_asked_on for c in cases],
            "consult_answered_on": [c.consult_answered_on for c in cases],
        }
    )
    return frame, sus


def _by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in [key, *_MEASURES]})
    g = (
        frame.groupby(key, sort=True)
        .agg(
            cases=("case_id", "size"),
            suspicions=("suspicions", "sum"),
            fen=("fen", "sum"),
            confirmed=("confirmed", "sum"),
            recovered_fen=("recovered_fen", "sum"),
            loss_fen=("loss_fen", "sum"),
        )
        .reset_index()
    )
    return pd.DataFrame(
        {
            key: g[key],
            "cases": g["cases"].astype("int64"),
            "suspicions": g["suspicions"].astype("int64"),
            "amount_at_risk": _yuan(g["fen"]),
            "confirmed": g["confirmed"].astype("int64"),
            "recovered": _yuan(g["recovered_fen"]),
            "confirmed_loss": _yuan(g["loss_fen"]),
        }
    )


def _rate(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.replace(0, np.nan)).astype("float64")


def summary(
    store_or_book: CaseBook | str | Path,
    period: str | None = None,
    *,
    as_of: dt.date | str | None = None,
    db: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The Art. 16 summary of the cases (of ``period`` when given): see the module docstring."""
    if isinstance(store_or_book, CaseBook):
        return _summary(store_or_book, period, as_of)
    from .store import open_book

    with open_book(store_or_book, db) as book:
        return _summary(book, period, as_of)


def _summary(
    book: CaseBook, period: str | None, as_of: dt.date | str | None
) -> dict[str, pd.DataFrame]:
    if period is not None:
        try:
            parse_period(period)
        except ValueError:
            from .errors import CaseError

            raise CaseError(f"--period {period!r} is not a period YYYY-MM") from None
    frame, sus = _frame(book, period)
    if as_of is not None:
        day = parse_date(as_of, "--as-of")
    else:
        with book.session() as s:
            from sqlalchemy import func

            day = s.execute(select(func.max(CaseEvent.at))).scalar() or dt.date(1970, 1, 1)
    out: dict[str, pd.DataFrame] = {}
    for key in ("insurance", "problem_type", "agency", "state", "outcome"):
        out[f"by_{key}"] = _by(frame, key)

    # by indicator: a case counts under each of its indicators; amounts of those suspicions
    if len(sus):
        per = sus.merge(frame[["case_id", "confirmed", "recovered_fen", "loss_fen"]], on="case_id")
        g = per.groupby("indicator", sort=True)
        ind = pd.DataFrame(
            {
                "indicator": list(g.groups),
                "cases": g["case_id"].nunique().to_numpy(),
                "suspicions": g.size().to_numpy(),
                "amount_at_risk": _yuan(g["fen"].sum()),
            }
        )
        cases_of = per.drop_duplicates(["indicator", "case_id"]).groupby("indicator", sort=True)
        ind["confirmed"] = cases_of["confirmed"].sum().astype("int64").to_numpy()
        ind["recovered"] = _yuan(cases_of["recovered_fen"].sum())
        ind["confirmed_loss"] = _yuan(cases_of["loss_fen"].sum())
        out["by_indicator"] = ind
        y = per.drop_duplicates(["indicator", "case_id"]).merge(
            frame[["case_id", "dismissed"]], on="case_id"
        )
        y["reviewed"] = y["confirmed"] | y["dismissed"]
        y["with_loss"] = y["confirmed"] & (y["loss_fen"] > 0)
        yg = y.groupby("indicator", sort=True).agg(
            cases=("case_id", "size"),
            reviewed=("reviewed", "sum"),
            confirmed=("confirmed", "sum"),
            confirmed_with_loss=("with_loss", "sum"),
        )
        yg = yg.reset_index()
        yg["confirmed_share"] = _rate(yg["confirmed"], yg["reviewed"])
        yg["loss_share"] = _rate(yg["confirmed_with_loss"], yg["confirmed"])
        out["yield"] = yg[YIELD_COLUMNS].astype(
            {c: "int64" for c in ("cases", "reviewed", "confirmed", "confirmed_with_loss")}
        )
    else:
        out["by_indicator"] = _by(frame.assign(indicator=[]), "indicator")
        out["yield"] = pd.DataFrame({c: pd.Series(dtype="object") for c in YIELD_COLUMNS})

    rec = (
        frame.groupby(["agency", "insurance"], sort=True)
        .agg(recovered_fen=("recovered_fen", "sum"), loss_fen=("loss_fen", "sum"))
        .reset_index()
        if len(frame)
        else pd.DataFrame(columns=["agency", "insurance", "recovered_fen", "loss_fen"])
    )
    out["recovered"] = pd.DataFrame(
        {
            "agency": rec["agency"],
            "insurance": rec["insurance"],
            "recovered": _yuan(rec["recovered_fen"]),
            "confirmed_loss": _yuan(rec["loss_fen"]),
        }
    )

    # overdue rates per agency, judged at as_of
    dated = frame.copy()
    for c in (
        "dispatched_on",
        "received_on",
        "settled_on",
        "consult_asked_on",
        "consult_answered_on",
    ):
        dated[c] = pd.to_datetime(dated[c])
    fb = feedback_overdue(dated, day)
    cq = consultation_overdue(dated, day)
    ts = pd.Timestamp(day)
    agencies = sorted(frame["agency"].unique().tolist())
    dispatched = dated[dated["dispatched_on"] <= ts].groupby("agency").size()
    asked = dated[dated["consult_asked_on"] <= ts].groupby("agency").size()
    rates = pd.DataFrame({"agency": agencies})
    rates["as_of"] = day
    rates["dispatched"] = [int(dispatched.get(a, 0)) for a in agencies]
    rates["feedback_overdue"] = [int((fb["agency"] == a).sum()) for a in agencies]
    rates["feedback_overdue_rate"] = _rate(rates["feedback_overdue"], rates["dispatched"])
    rates["consultations"] = [int(asked.get(a, 0)) for a in agencies]
    rates["consultation_overdue"] = [int((cq["agency"] == a).sum()) for a in agencies]
    rates["consultation_overdue_rate"] = _rate(
        rates["consultation_overdue"], rates["consultations"]
    )
    out["overdue_rates"] = rates

    major = frame[
        frame["major_grade"].isin(["ordinary", "major"])
        | frame["confirmed_grade"].isin(["ordinary", "major"])
    ]
    out["major"] = pd.DataFrame(
        {
            "case_id": major["case_id"].astype("int64"),
            "agency": major["agency"],
            "insurance": major["insurance"],
            "subject_type": major["subject_type"],
            "subject_id": major["subject_id"],
            "period": major["period"],
            "state": major["state"],
            "amount_at_risk": _yuan(major["fen"]),
            "major_grade": major["major_grade"],
            "confirmed_loss": _yuan(major["loss_fen"]),
            "confirmed_grade": major["confirmed_grade"],
        }
    ).reset_index(drop=True)
    return {name: out[name].reset_index(drop=True) for name in SUMMARY_FRAMES}


def summary_json(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The frames as JSON-ready records: amounts as decimal text, dates ISO, NaN rates null."""

    def cell(v: Any) -> Any:
        if isinstance(v, Decimal):
            return f"{v:.2f}"
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float) and np.isnan(v):
            return None
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, np.floating):
            return None if np.isnan(v) else float(v)
        if isinstance(v, np.bool_):
            return bool(v)
        return v

    return {
        name: [{k: cell(v) for k, v in row.items()} for row in frame.to_dict("records")]
        for name, frame in frames.items()
    }
