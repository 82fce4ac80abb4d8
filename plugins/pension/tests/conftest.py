"""Test kit for the pension plugin: valid ids, small tables, and one screening call.

The registry holds the core and this plugin only (not whatever else is installed), so the tests
do not depend on colleagues' plugins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import fundrules_pension.plugin
import pandas as pd
import pytest

import fundrules
from fundrules.plugins import build_registry
from fundrules.schema.identifiers import ric_check_characters


class PensionKit:
    """Builders for rows as a CSV would hold them, and a screen of one indicator."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self._n = 0

    @staticmethod
    def pid(birth: str = "19500101", seq: int = 1, region: str = "120101") -> str:
        """A valid resident id; odd ``seq`` = male."""
        body = f"{region}{birth.replace('-', '')}{seq:03d}"
        return body + ric_check_characters(pd.Series([body]))[0]

    @staticmethod
    def person(pid: str) -> dict[str, str]:
        """A ``persons`` row agreeing with the id."""
        birth = f"{pid[6:10]}-{pid[10:12]}-{pid[12:14]}"
        sex = "M" if int(pid[16]) % 2 else "F"
        return {"person_id": pid, "sex": sex, "birth_date": birth, "region_code": pid[:6]}

    def pay(
        self,
        pid: str,
        amount: str = "3000.00",
        period: str = "2025-06",
        btype: str = "basic_pension",
        **extra: str,
    ) -> dict[str, str]:
        self._n += 1
        row = {
            "payment_id": f"b{self._n}",
            "person_id": pid,
            "insurance": "pension",
            "benefit_type": btype,
            "period": period,
            "amount": amount,
            "paid_date": f"{period}-10",
        }
        row.update(extra)
        return row

    @staticmethod
    def contribution(
        pid: str, period: str, paid_date: str, back: bool = False, amount: str = "500.00"
    ) -> dict[str, str]:
        return {
            "person_id": pid,
            "insurance": "pension",
            "period": period,
            "base": "5000.00",
            "employer_amount": "0.00" if back else amount,
            "person_amount": amount if back else "200.00",
            "paid_date": paid_date,
            "back_payment": "true" if back else "false",
        }

    @staticmethod
    def retirement(
        pid: str, date: str, rtype: str = "normal", job: str | None = None
    ) -> dict[str, str | None]:
        return {
            "person_id": pid,
            "retirement_date": date,
            "retirement_type": rtype,
            "job_category": job,
        }

    def dataset(self, tables: Mapping[str, list[dict]], period: str = "2025-06") -> Any:
        frames = {k: pd.DataFrame(v, dtype="object") for k, v in tables.items()}
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
        assert (res.suspicions["insurance"] == "pension").all()
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
    return build_registry(
        entry_points=False, extra_plugins=[("pension", fundrules_pension.plugin.plugin)]
    )


@pytest.fixture
def kit(registry: Any) -> PensionKit:
    return PensionKit(registry)
