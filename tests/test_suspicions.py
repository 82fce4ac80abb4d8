"""gather(): a suspicion's evidence depends on that suspicion's own rows only (D11)."""

from __future__ import annotations

import json

import pandas as pd

from fundrules.plugin_api import Params, ScreeningContext, indicator
from fundrules.screening.suspicions import evidence_records, gather


@indicator(
    code="fund.gather_probe",
    name_zh="探针",
    name_en="Probe",
    insurance=None,
    area="management",
    legal_basis="none: a test indicator",
    reads={},
    subject="account",
    partition="account",
)
def probe(ctx: ScreeningContext, p: Params) -> pd.DataFrame:
    """Never run: gather() is given hits directly."""
    raise AssertionError


def _hits(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subject_id": [r[0] for r in rows],
            "insurance": [r[1] for r in rows],
            "amount_fen": [r[2] for r in rows],
            "note": [f"{r[0]}-{r[1]}" for r in rows],
        }
    )


def _by_subject(hits: pd.DataFrame) -> dict[str, dict[str, object]]:
    out = gather(hits, probe, "2025-06", "{}", "1")
    return {r.subject_id: r._asdict() for r in out.itertuples(index=False)}


def test_evidence_of_one_subject_does_not_depend_on_other_subjects_rows() -> None:
    alone = _by_subject(_hits([("B", "pension", 100)]))
    together = _by_subject(_hits([("A", "pension", 5), ("A", "medical", 7), ("B", "pension", 100)]))
    assert together["B"]["evidence"] == alone["B"]["evidence"]
    assert evidence_records(str(together["B"]["evidence"])) == [{"note": "B-pension"}]
    assert together["B"]["insurance"] == "pension"


def test_a_suspicion_mixing_insurances_names_each_records_insurance() -> None:
    out = _by_subject(_hits([("A", "pension", 5), ("A", "medical", 7), ("B", "medical", 1)]))
    a = out["A"]
    assert a["insurance"] == ""
    assert json.loads(str(a["evidence"]))["records"] == [
        {"insurance": "pension", "note": "A-pension"},
        {"insurance": "medical", "note": "A-medical"},
    ]
    assert str(a["amount_at_risk"]) == "0.12"
    assert evidence_records(str(out["B"]["evidence"])) == [{"note": "B-medical"}]
