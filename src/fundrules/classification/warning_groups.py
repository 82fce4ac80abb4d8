"""Warnings (预警信息, Art. 11): the classified suspicions of one subject and period, grouped for
the agency that must answer them."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from fundrules.screening import fen_to_decimal
from fundrules.screening.indicator import SEVERITIES

from .profiles import amounts_to_fen, joined_lists
from .rules import ACTIONS, MAJOR_GRADES

WARNING_COLUMNS = [
    "warning_id",
    "agency",
    "subject_type",
    "subject_id",
    "period",
    "suspicion_count",
    "indicators",
    "amount_at_risk",
    "severity",
    "major_grade",
    "action",
    "report_due",
]
_KEYS = ["agency", "subject_type", "subject_id", "period"]


def warning_id(agency: str, subject_type: str, subject_id: str, period: str) -> str:
    """Stable across runs and machines: the same subject, period and agency, the same id."""
    key = "\x1f".join((agency, subject_type, subject_id, period))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def build_warnings(classified: pd.DataFrame) -> pd.DataFrame:
    """One warning per (agency, subject, period); the strongest severity, grade and action of
    its suspicions, their summed amount, the earliest report due date."""
    if classified.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in WARNING_COLUMNS})
    frame = classified[[*_KEYS, "indicator", "report_due"]].copy()
    frame["fen"] = amounts_to_fen(classified["amount_at_risk"])
    for column, order in (
        ("severity", SEVERITIES),
        ("major_grade", MAJOR_GRADES),
        ("action", ACTIONS),
    ):
        frame[column] = classified[column].map({v: i for i, v in enumerate(order)}).to_numpy()
    # ISO dates sort as text: the earliest due date is the smallest code, "" (none) the largest
    due_codes, due_dates = pd.factorize(frame["report_due"], sort=True)
    none = len(due_dates)
    frame["report_due"] = np.where(due_dates.to_numpy()[due_codes] == "", none, due_codes)
    grouped = frame.groupby(_KEYS, sort=True)
    out = grouped.agg(
        suspicion_count=("indicator", "size"),
        fen=("fen", "sum"),
        severity=("severity", "max"),
        major_grade=("major_grade", "max"),
        action=("action", "max"),
        report_due=("report_due", "min"),
    ).reset_index()
    indicators = out[_KEYS].merge(joined_lists(frame, _KEYS, "indicator"), on=_KEYS, how="left")
    columns = [out[k].astype("str").tolist() for k in _KEYS]
    return pd.DataFrame(
        {
            "warning_id": [warning_id(*row) for row in zip(*columns, strict=True)],
            "agency": out["agency"].to_numpy(),
            "subject_type": out["subject_type"].to_numpy(),
            "subject_id": out["subject_id"].to_numpy(),
            "period": out["period"].to_numpy(),
            "suspicion_count": out["suspicion_count"].astype("int64").to_numpy(),
            "indicators": indicators["indicator"].to_numpy(),
            "amount_at_risk": [fen_to_decimal(f) for f in out["fen"].to_numpy()],
            "severity": np.asarray(SEVERITIES, dtype=object)[out["severity"].to_numpy()],
            "major_grade": np.asarray(MAJOR_GRADES, dtype=object)[out["major_grade"].to_numpy()],
            "action": np.asarray(ACTIONS, dtype=object)[out["action"].to_numpy()],
            "report_due": np.append(due_dates.to_numpy(dtype=object), "")[out["report_due"]],
        },
        columns=WARNING_COLUMNS,
        dtype=object,
    ).astype({"suspicion_count": "int64"})
