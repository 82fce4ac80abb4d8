"""200,000 suspicions through classification: no crash, and few engine messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from fundrules.classification import classify
from fundrules.screening import SUSPICION_COLUMNS

N = 200_000
CODES = np.array(
    [
        "pension.benefit_jump",
        "pension.paid_after_death",
        "medical.price_above_cap",
        "medical.frequent_visits",
        "unemployment.paid_while_employed",
        "data.unknown_person",
        "maternity.insufficient_contribution",
        "injury.late_application",
    ],
    dtype=object,
)


def _suspicions(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    person = np.arange(n) // 2  # two suspicions per person, of two different indicators
    first = rng.integers(0, len(CODES), n // 2 + 1)
    which = (first[person] + np.arange(n) % 2) % len(CODES)
    fen = rng.integers(0, 60_000_000, n)
    place = rng.integers(0, n // 50, n)
    codes = CODES[which]
    is_medical = np.char.startswith(codes.astype(str), "medical")
    evidence = [
        f'{{"records": [{{"{"provider_id" if m else "employer_id"}": "X{p}", '
        f'"region_code": "1201{p % 16:02d}"}}]}}'
        for m, p in zip(is_medical, place, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "indicator": codes,
            "insurance": [c.split(".")[0] if not c.startswith("data") else "" for c in codes],
            "subject_type": "person",
            "subject_id": [f"P{p:07d}" for p in person],
            "period": "2025-06",
            "amount_at_risk": [Decimal(int(f)).scaleb(-2) for f in fen],
            "severity": np.array(["low", "medium", "high", "critical"], dtype=object)[
                rng.integers(0, 4, n)
            ],
            "evidence": evidence,
            "parameters": "{}",
            "rule_version": "1",
        },
        columns=SUSPICION_COLUMNS,
    )
    return frame.astype("object")


@pytest.mark.slow
def test_two_hundred_thousand_suspicions(core_registry):
    suspicions = _suspicions(N)
    config = {
        "routing": {
            "default_agency": "市中心",
            "routes": [{"region_code": f"1201{i:02d}", "agency": f"区{i}"} for i in range(16)],
        }
    }
    result = classify(suspicions, config, discovered=date(2025, 9, 26), registry=core_registry)
    s = result.suspicions
    assert len(s) == N
    assert s["problem_type"].ne("").all() and s["agency"].ne("").all()
    assert set(s["major_grade"]) == {"none", "ordinary", "major"}
    assert result.stats["engine_messages"] < 2_000  # distinct fact tuples, not suspicions
    assert len(result.warnings) == s.groupby(["agency", "subject_id"]).ngroups
