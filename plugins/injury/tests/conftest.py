"""Test kit for the injury plugin: valid ids, rows as a CSV holds them, one screening call.

The registry holds the core, this plugin and (when installed) the medical plugin, whose
``medical_settlements`` table double_claim_with_medical reads; not whatever else is installed,
so the tests do not depend on other colleagues' plugins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import fundrules_injury.plugin
import pandas as pd
import pytest

import fundrules
from fundrules.plugins import build_registry
from fundrules.schema.identifiers import ric_check_characters, uscc_check_characters

try:  # double_claim_with_medical needs the medical plugin's tables
    import fundrules_medical.plugin as medical_plugin
except ImportError:  # pragma: no cover - the medical plugin lives beside this one
    medical_plugin = None


def _employer(n: int) -> str:
    body = f"91120101MA{n:07d}"
    return body + uscc_check_characters(pd.Series([body]))[0]


class InjuryKit:
    """Builders for injury rows and a screen of one indicator."""

    EMPLOYER = _employer(1)

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self._n = 0

    @staticmethod
    def pid(birth: str = "19800101", seq: int = 1, region: str = "120101") -> str:
        """A valid resident id; odd ``seq`` = male."""
        body = f"{region}{birth.replace('-', '')}{seq:03d}"
        return body + ric_check_characters(pd.Series([body]))[0]

    @staticmethod
    def employer(n: int = 1) -> str:
        return _employer(n)

    @staticmethod
    def person(pid: str) -> dict[str, str]:
        return {
            "person_id": pid,
            "sex": "M" if int(pid[16]) % 2 else "F",
            "birth_date": f"{pid[6:10]}-{pid[10:12]}-{pid[12:14]}",
            "region_code": pid[:6],
        }

    def pay(
        self,
        pid: str,
        btype: str = "injury_medical",
        amount: str = "1000.00",
        period: str = "2025-06",
        **extra: str,
    ) -> dict[str, str]:
        self._n += 1
        row = {
            "payment_id": f"b{self._n}",
            "person_id": pid,
            "insurance": "injury",
            "benefit_type": btype,
            "period": period,
            "amount": amount,
            "paid_date": f"{period}-10",
        }
        row.update(extra)
        return row

    def case(
        self,
        pid: str,
        accident: str,
        *,
        application: str | None = None,
        recognition: str | None = None,
        grade: int | None = None,
        case_id: str | None = None,
        employer: str | None = None,
    ) -> dict[str, str | None]:
        self._n += 1
        return {
            "case_id": case_id or f"c{self._n}",
            "person_id": pid,
            "employer_id": employer or self.EMPLOYER,
            "accident_date": accident,
            "application_date": application or accident,
            "recognition_date": recognition,
            "disability_grade": None if grade is None else str(grade),
        }

    def enrollment(
        self, pid: str, start: str, end: str | None = None, insurance: str = "injury"
    ) -> dict[str, str | None]:
        return {
            "person_id": pid,
            "insurance": insurance,
            "scheme": "employee",
            "employer_id": self.EMPLOYER,
            "start_date": start,
            "end_date": end,
        }

    def contribution(
        self, pid: str, period: str, base: str = "5000.00", insurance: str = "injury"
    ) -> dict[str, str]:
        return {
            "person_id": pid,
            "employer_id": self.EMPLOYER,
            "insurance": insurance,
            "period": period,
            "base": base,
            "employer_amount": "50.00",
            "person_amount": "0.00",
            "paid_date": f"{period}-15",
            "back_payment": "false",
        }

    @staticmethod
    def settlement(
        sid: str,
        pid: str,
        day: str,
        dx: str = "S62.3",
        fund: str = "800.00",
        period: str = "2025-06",
    ) -> dict[str, str | None]:
        return {
            "settlement_id": sid,
            "person_id": pid,
            "provider_id": "H1",
            "visit_type": "outpatient",
            "admit_date": day,
            "discharge_date": None,
            "diagnosis_code": dx,
            "total_amount": fund,
            "fund_amount": fund,
            "period": period,
        }

    def dataset(self, tables: Mapping[str, list[dict]], period: str = "2025-06") -> Any:
        frames = {
            k: pd.DataFrame(v, dtype="object")
            if v
            else pd.DataFrame(columns=self.registry.tables[k].column_names, dtype="object")
            for k, v in tables.items()
        }
        ds = fundrules.dataset_from_frames(frames, period, registry=self.registry)
        assert ds.quarantine.empty, ds.quarantine.to_string()
        return ds

    def screen(
        self,
        code: str,
        tables: Mapping[str, list[dict]],
        period: str = "2025-06",
        params: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Suspicions of one indicator (asserting it ran and nothing was quarantined)."""
        ds = self.dataset(tables, period)
        res = fundrules.screen(
            ds,
            indicators=[code],
            params={code: params} if params else None,
            registry=self.registry,
        )
        assert res.failed.empty, res.failed.to_string()
        assert res.skipped.empty, res.skipped.to_string()
        return res.suspicions

    @staticmethod
    def flagged(s: pd.DataFrame) -> dict[str, Decimal]:
        """subject_id → amount_at_risk."""
        return dict(zip(s["subject_id"], s["amount_at_risk"], strict=True))

    @staticmethod
    def records(s: pd.DataFrame, subject_id: str) -> list[dict]:
        row = s[s["subject_id"] == subject_id].iloc[0]
        return json.loads(row["evidence"])["records"]


@pytest.fixture(scope="session")
def registry() -> Any:
    plugins = [("injury", fundrules_injury.plugin.plugin)]
    if medical_plugin is not None:
        plugins.append(("medical", medical_plugin.plugin))
    return build_registry(entry_points=False, extra_plugins=plugins)


@pytest.fixture
def kit(registry: Any) -> InjuryKit:
    return InjuryKit(registry)


@pytest.fixture
def needs_medical() -> None:
    if medical_plugin is None:
        pytest.skip("the medical plugin (medical_settlements) is not installed")
