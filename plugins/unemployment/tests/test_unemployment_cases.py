"""Run the YAML case files (tests/cases/test_*.yaml) until the testing toolkit collects them.

A minimal reading of the brief's format: each case's tables are screened with its indicator and
parameters, and the suspicions must be exactly those expected (subject_type defaults to the
indicator's; amount_at_risk is compared where given). Every unemployment indicator has a file
with at least one positive and one negative case.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml
from fundrules_unemployment.plugin import INDICATORS

import fundrules

CASES = Path(__file__).parent / "cases"


def _cases() -> list:
    out = []
    for path in sorted(CASES.glob("test_*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append(pytest.param(doc["indicator"], case, id=f"{path.stem}: {case['name']}"))
    return out


def test_every_indicator_has_a_case_file_with_a_positive_and_a_negative():
    for ind in INDICATORS:
        path = CASES / f"test_{ind.code.split('.', 1)[1]}.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc["indicator"] == ind.code
        assert any(c["expect"] for c in doc["cases"]) and any(not c["expect"] for c in doc["cases"])


@pytest.mark.parametrize(("code", "case"), _cases())
def test_case(registry, code, case):
    frames = {
        name: pd.DataFrame(rows, dtype="object")
        for name, rows in (case.get("tables") or {}).items()
    }
    ds = fundrules.dataset_from_frames(frames, case["period"], registry=registry)
    assert ds.quarantine.empty, ds.quarantine.to_string()
    params = case.get("parameters") or None
    res = fundrules.screen(
        ds, indicators=[code], params={code: params} if params else None, registry=registry
    )
    assert res.failed.empty and res.skipped.empty, res.runs.to_string()
    subject = registry.indicators[code].meta.subject
    got = {
        (t, i): a
        for t, i, a in zip(
            res.suspicions["subject_type"],
            res.suspicions["subject_id"],
            res.suspicions["amount_at_risk"],
            strict=True,
        )
    }
    want = {(e.get("subject_type", subject), str(e["subject_id"])): e for e in case["expect"]}
    assert set(got) == set(want)
    for key, e in want.items():
        if "amount_at_risk" in e:
            assert got[key] == Decimal(str(e["amount_at_risk"])), key
