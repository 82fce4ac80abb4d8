"""Test kit for the medical plugin: valid ids, rows as a CSV holds them, one screening call.

The registry holds the core and this plugin only (not whatever else is installed), so the tests
do not depend on colleagues' plugins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import fundrules_medical.plugin
import pandas as pd
import pytest

import fundrules
from fundrules.plugins import build_registry
from fundrules.schema.identifiers import ric_check_characters


class MedicalKit:
    """Builders for medical rows and a screen of one indicator."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry

    @staticmethod
    def pid(birth: str = "19700101", seq: int = 1, region: str = "120101") -> str:
        """A valid resident id; odd ``seq`` = male."""
        body = f"{region}{birth.replace('-', '')}{seq:03d}"
        return body + ric_check_characters(pd.Series([body]))[0]

    @staticmethod
    def person(pid: str, **over: str) -> dict[str, str]:
        """A ``persons`` row agreeing with the id (unless overridden)."""
        row = {
            "person_id": pid,
            "sex": "M" if int(pid[16]) % 2 else "F",
            "birth_date": f"{pid[6:10]}-{pid[10:12]}-{pid[12:14]}",
            "region_code": pid[:6],
        }
        row.update(over)
        return row

    @staticmethod
    def settlement(
        sid: str,
        pid: str,
        admit: str,
        discharge: str | None = None,
        *,
        visit: str = "inpatient",
        provider: str = "H1",
        dx: str = "I63.9",
        fund: str = "1000.00",
        period: str = "2025-06",
    ) -> dict[str, Any]:
        return {
            "settlement_id": sid,
            "person_id": pid,
            "provider_id": provider,
            "visit_type": visit,
            "admit_date": admit,
            "discharge_date": discharge,
            "diagnosis_code": dx,
            "total_amount": fund,
            "fund_amount": fund,
            "period": period,
        }

    def visit(
        self, sid: str, pid: str, day: str, provider: str = "C1", fund: str = "100.00", **kw: Any
    ) -> dict[str, Any]:
        """An outpatient settlement (``visit="pharmacy"`` for a pharmacy one)."""
        kw.setdefault("visit", "outpatient")
        return self.settlement(sid, pid, day, None, provider=provider, fund=fund, **kw)

    @staticmethod
    def item(
        sid: str,
        line: int,
        code: str,
        day: str,
        quantity: float = 1,
        *,
        category: str = "drug",
        price: str = "10.00",
        days_supply: int | None = None,
    ) -> dict[str, Any]:
        return {
            "settlement_id": sid,
            "line_no": str(line),
            "item_code": code,
            "item_category": category,
            "service_date": day,
            "quantity": str(quantity),
            "unit_price": price,
            "amount": f"{round(float(price) * quantity, 2):.2f}",
            "days_supply": None if days_supply is None else str(days_supply),
        }

    @staticmethod
    def catalog(code: str, **limits: Any) -> dict[str, Any]:
        row: dict[str, Any] = {
            "item_code": code,
            "restrict_sex": None,
            "min_age": None,
            "max_age": None,
            "max_daily_quantity": None,
            "max_unit_price": None,
        }
        row.update({k: None if v is None else str(v) for k, v in limits.items()})
        return row

    @staticmethod
    def provider(pid: str, level: int = 3, ptype: str = "hospital") -> dict[str, str]:
        return {
            "provider_id": pid,
            "level": str(level),
            "provider_type": ptype,
            "region_code": "120101",
        }

    def dataset(self, tables: Mapping[str, list[dict]], period: str = "2025-06") -> Any:
        frames = {k: pd.DataFrame(v, dtype="object") for k, v in tables.items()}
        ds = fundrules.dataset_from_frames(frames, period, registry=self.registry)
        assert ds.quarantine.empty, ds.quarantine.to_string()
        return ds

    def run(
        self,
        code: str,
        tables: Mapping[str, list[dict]],
        period: str = "2025-06",
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        ds = self.dataset(tables, period)
        return fundrules.screen(
            ds,
            indicators=[code],
            params={code: params} if params else None,
            registry=self.registry,
        )

    def screen(
        self,
        code: str,
        tables: Mapping[str, list[dict]],
        period: str = "2025-06",
        params: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Suspicions of one indicator (asserting it ran and nothing was quarantined)."""
        res = self.run(code, tables, period, params)
        assert res.failed.empty, res.failed.to_string()
        assert res.skipped.empty, res.skipped.to_string()
        return res.suspicions

    def flagged(self, *args: Any, **kw: Any) -> dict[str, Decimal]:
        """subject_id → amount_at_risk of :meth:`screen`."""
        s = self.screen(*args, **kw)
        return dict(zip(s["subject_id"], s["amount_at_risk"], strict=True))

    @staticmethod
    def records(s: pd.DataFrame, subject_id: str) -> list[dict]:
        row = s[s["subject_id"] == subject_id].iloc[0]
        return json.loads(row["evidence"])["records"]


@pytest.fixture(scope="session")
def registry() -> Any:
    return build_registry(
        entry_points=False, extra_plugins=[("medical", fundrules_medical.plugin.plugin)]
    )


@pytest.fixture
def kit(registry: Any) -> MedicalKit:
    return MedicalKit(registry)
