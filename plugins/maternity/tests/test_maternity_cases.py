"""Run the YAML case files (tests/cases/test_*.yaml).

With the testing toolkit's case runner (``fundrules.testing.cases``) where it is installed; else a
minimal reading of the brief's format: each case's tables are screened with its indicator and
parameters, and the suspicions must be exactly those expected (subject_type defaults to the
indicator's; amount_at_risk is compared where given).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml

import fundrules

CASES = Path(__file__).parent / "cases"

try:
    from fundrules.testing.cases import load_case_file, run_case
except ImportError:  # the toolkit is not there yet
    load_case_file = run_case = None


def _cases() -> list:
    out = []
    for path in sorted(CASES.glob("test_*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            out.append(
                pytest.param(path, i, doc["indicator"], case, id=f"{path.stem}: {case['name']}")
            )
    return out


@pytest.mark.parametrize(("path", "index", "code", "case"), _cases())
def test_case(registry, path, index, code, case):
    if load_case_file is not None:
        outcome = run_case(load_case_file(path)[index], registry)
        assert outcome.passed, outcome.report
        return
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
    got = dict(
        zip(
            zip(res.suspicions["subject_type"], res.suspicions["subject_id"], strict=True),
            res.suspicions["amount_at_risk"],
            strict=True,
        )
    )
    want = {(e.get("subject_type", subject), str(e["subject_id"])): e for e in case["expect"]}
    assert set(got) == set(want)
    for key, e in want.items():
        if "amount_at_risk" in e:
            assert got[key] == Decimal(str(e["amount_at_risk"])), key


def test_every_indicator_has_a_positive_and_a_negative_case():
    from fundrules_maternity.plugin import INDICATORS

    for ind in INDICATORS:
        path = CASES / f"test_{ind.code.split('.')[1]}.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc["indicator"] == ind.code
        kinds = {bool(c["expect"]) for c in doc["cases"]}
        assert kinds == {True, False}, ind.code
