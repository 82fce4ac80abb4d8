"""Builders for classification tests: suspicions frames as screening writes them (D3)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pandas as pd

from fundrules.screening import SUSPICION_COLUMNS


def suspicion(
    indicator: str = "pension.benefit_jump",
    subject_id: str = "P1",
    amount: str = "100.00",
    *,
    insurance: str | None = None,
    subject_type: str = "person",
    severity: str = "medium",
    period: str = "2025-06",
    records: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    group = indicator.split(".")[0]
    if insurance is None:
        insurance = (
            group if group in {"pension", "medical", "injury", "unemployment", "maternity"} else ""
        )
    return {
        "indicator": indicator,
        "insurance": insurance,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "period": period,
        "amount_at_risk": Decimal(amount),
        "severity": severity,
        "evidence": json.dumps({"records": records or [{"amount": amount}]}, ensure_ascii=False),
        "parameters": "{}",
        "rule_version": "1",
    }


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=SUSPICION_COLUMNS).astype("object")
