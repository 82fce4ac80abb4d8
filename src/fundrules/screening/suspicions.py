"""Gathering hits into the suspicions frame (docs/decisions.md D3)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from fundrules.errors import FundrulesError

from .indicator import SEVERITIES, Indicator

SUSPICION_COLUMNS = [
    "indicator",
    "insurance",
    "subject_type",
    "subject_id",
    "period",
    "amount_at_risk",
    "severity",
    "evidence",
    "parameters",
    "rule_version",
]


AMOUNT_DTYPE = pd.ArrowDtype(pa.decimal128(38, 2))
"""``amount_at_risk`` in memory: exact decimal yuan (Arrow ``decimal128(38, 2)``); iterating
gives :class:`~decimal.Decimal`. Sum with :func:`total_amount`, not ``.sum()`` (Arrow's decimal
sum wraps silently past 38 digits)."""
AMOUNT_MAX_FEN = 10**38 - 1


def empty_suspicions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype=AMOUNT_DTYPE if c == "amount_at_risk" else "object")
            for c in SUSPICION_COLUMNS
        }
    )


def amount_column(values: Iterable[Any]) -> pd.Series:
    """Amounts (Decimal, two-decimal text, or None) as an :data:`AMOUNT_DTYPE` Series."""
    arrow = pa.array([None if v is None else Decimal(v) for v in values], pa.decimal128(38, 2))
    return pd.Series(pd.arrays.ArrowExtensionArray(arrow))


def total_amount(amounts: Iterable[Any]) -> Decimal:
    """The exact sum of amounts in yuan (Decimal, Arrow decimal or text), added as integer fen so
    that nothing rounds or wraps; a total past decimal(38, 2) is an error, never a wrong number."""
    fen = 0
    for v in amounts:
        if v is None or v is pd.NA:
            continue
        d = Decimal(v)
        f = d.scaleb(2)
        if f != f.to_integral_value():
            raise ValueError(f"amount {v!r} is not exact to the fen")
        fen += int(f)
    if abs(fen) > AMOUNT_MAX_FEN:
        raise OverflowError(f"a total of {fen} fen does not fit decimal(38, 2)")
    return Decimal(fen).scaleb(-2)


def fen_to_decimal(fen: int) -> Decimal:
    return Decimal(int(fen)).scaleb(-2)


SMALL = 20_000  # up to this many values, yuan and period texts are made in one Python pass


def yuan(fen: pd.Series) -> pd.Series:
    """Exact yuan text (``"1234.50"``, ``"-0.05"``) of int fen, vectorized: for evidence."""
    f = pd.Series(fen).astype("Int64")
    if len(f) <= SMALL:  # a few hits (a shard's): one pass in Python beats ten pandas steps
        na = f.isna().to_numpy()
        fen_ = f.to_numpy(dtype="int64", na_value=0).tolist()
        texts = [
            None
            if gone
            else f"-{-v // 100}.{-v % 100:02d}"
            if v < 0
            else f"{v // 100}.{v % 100:02d}"
            for v, gone in zip(fen_, na.tolist(), strict=True)
        ]
        return pd.Series(texts, index=f.index, dtype="str", name=f.name)
    neg = f < 0
    a = f.abs()
    text = (a // 100).astype("str") + "." + (a % 100).astype("str").str.zfill(2)
    return text.where(~neg, "-" + text).astype("str")


class HitsError(FundrulesError, ValueError):
    """An indicator returned a frame that is not a hits frame."""


def gather(
    hits: pd.DataFrame,
    ind: Indicator[Any],
    period_text: str,
    parameters_json: str,
    rule_version: str,
) -> pd.DataFrame:
    """One suspicion per (subject_type, subject_id): amounts summed, records listed as evidence."""
    for c in ("subject_id", "amount_fen"):
        if c not in hits.columns:
            raise HitsError(f"{ind.code}: hits frame lacks column {c!r}")
    if hits.empty:
        return empty_suspicions()
    h = hits.copy()
    if "subject_type" not in h:
        h["subject_type"] = ind.meta.subject
    if "insurance" not in h:
        h["insurance"] = ind.meta.insurance or ""
    h["insurance"] = h["insurance"].fillna("").astype("str")
    h["subject_id"] = h["subject_id"].astype("str")
    h["amount_fen"] = h["amount_fen"].fillna(0).astype("int64")
    if h["subject_id"].isna().any():
        raise HitsError(f"{ind.code}: a hit names no subject")
    h = h.sort_values(["subject_type", "subject_id"], kind="stable").reset_index(drop=True)
    special = {"subject_id", "subject_type", "amount_fen", "insurance", "severity"}
    ev = h[[c for c in h.columns if c not in special]].copy()
    for c in ev.columns:
        s = ev[c]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            ev[c] = s.dt.strftime("%Y-%m-%d")
    keys = h["subject_type"] + "\x00" + h["subject_id"]
    lines = _record_lines(ev)
    # a suspicion whose own rows mix insurances names each record's insurance (D11): decided per
    # suspicion, so that its evidence never depends on other subjects' rows
    mixed = (h.groupby(keys, sort=False)["insurance"].transform("nunique") > 1).to_numpy()
    if mixed.any():
        with_insurance = _record_lines(pd.concat([h[["insurance"]], ev], axis=1))
        lines = [w if m else o for o, w, m in zip(lines, with_insurance, mixed, strict=True)]
    starts = np.flatnonzero(np.r_[True, keys.to_numpy()[1:] != keys.to_numpy()[:-1]])
    ends = np.r_[starts[1:], len(h)]
    evidence = [
        '{"records": [' + ",".join(lines[s:e]) + "]}" for s, e in zip(starts, ends, strict=True)
    ]
    grouped = h.groupby(keys, sort=False)
    amount = grouped["amount_fen"].sum().to_numpy()
    ins_first = grouped["insurance"].first().to_numpy()
    ins_n = grouped["insurance"].nunique().to_numpy()
    insurance = np.where(ins_n == 1, ins_first, "")
    if "severity" in h:
        rank = (
            h["severity"]
            .map({s: i for i, s in enumerate(SEVERITIES)})
            .fillna(SEVERITIES.index(ind.meta.severity))
        )
        sev = [SEVERITIES[int(i)] for i in rank.groupby(keys, sort=False).max().to_numpy()]
    else:
        sev = [ind.meta.severity] * len(starts)
    return (
        pd.DataFrame(
            {
                "indicator": ind.code,
                "insurance": insurance,
                "subject_type": h["subject_type"].to_numpy()[starts],
                "subject_id": h["subject_id"].to_numpy()[starts],
                "period": period_text,
                "amount_at_risk": [None] * len(starts),
                "severity": sev,
                "evidence": evidence,
                "parameters": parameters_json,
                "rule_version": rule_version,
            },
            columns=SUSPICION_COLUMNS,
        )
        .astype({c: "object" for c in SUSPICION_COLUMNS if c != "amount_at_risk"})
        .assign(amount_at_risk=amount_column(fen_to_decimal(a) for a in amount).array)
    )


def _record_lines(ev: pd.DataFrame) -> list[str]:
    """One JSON object per row of ``ev`` (``{}`` for a frame without columns)."""
    if not len(ev.columns):
        return ["{}"] * len(ev)
    return ev.to_json(orient="records", lines=True, force_ascii=False).splitlines()


def evidence_records(evidence: str) -> list[dict[str, Any]]:
    """The records of a suspicion's evidence JSON."""
    records: list[dict[str, Any]] = json.loads(evidence).get("records", [])
    return records


EVIDENCE_KEY = ["indicator", "subject_type", "subject_id", "period"]


def evidence_frame(suspicions: Any) -> pd.DataFrame:
    """The evidence of suspicions as a frame: one row per evidence record, keyed by the
    suspicion's ``indicator``, ``subject_type``, ``subject_id`` and ``period``, one column per
    record field (text as the evidence holds it; a field a record lacks is NA).

    ``suspicions`` is a suspicions frame or anything with a ``suspicions`` attribute (a
    :class:`~fundrules.screening.ScreenResult`)::

        ev = fundrules.evidence_frame(result)
        ev[ev.indicator == "data.duplicate_payment"]
    """
    frame = getattr(suspicions, "suspicions", suspicions)
    if not isinstance(frame, pd.DataFrame) or "evidence" not in frame.columns:
        raise TypeError("evidence_frame() takes a suspicions frame or a screening result")
    rows: list[dict[str, Any]] = []
    for key, evidence in zip(
        frame[EVIDENCE_KEY].itertuples(index=False, name=None), frame["evidence"], strict=True
    ):
        head = dict(zip(EVIDENCE_KEY, key, strict=True))
        for record in evidence_records(evidence):
            rows.append({**head, **record})
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in EVIDENCE_KEY})
    out = pd.DataFrame(rows)
    fields = [c for c in out.columns if c not in EVIDENCE_KEY]
    return out[EVIDENCE_KEY + fields]


def run_suspicions(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The suspicions found so far in a run, in the layout of a handed table (D1): the period as
    a month number, ``amount_at_risk`` as int64 fen."""
    from fundrules.period import parse_period

    found = pd.concat(frames, ignore_index=True) if frames else empty_suspicions()
    return pd.DataFrame(
        {
            "indicator": found["indicator"].astype("str"),
            "insurance": found["insurance"].fillna("").astype("str"),
            "subject_type": found["subject_type"].astype("str"),
            "subject_id": found["subject_id"].astype("str"),
            "period": pd.Series([parse_period(p) for p in found["period"]], dtype="int32"),
            "amount_at_risk": pd.Series(
                [int(Decimal(a).scaleb(2)) for a in found["amount_at_risk"]], dtype="int64"
            ),
        }
    )
